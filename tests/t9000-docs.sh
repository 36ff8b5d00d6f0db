#!/bin/sh
# Documentation agrees with the tools: man pages lint clean, --help and the
# SYNOPSIS say the same, every option is documented, README examples run.
. "$(dirname "$0")/lib.sh"

MAN=$TEST_ROOT/man

render() {
	mandoc -Tutf8 "$1" | col -bx
}

test_expect_success 'man pages lint clean' '
	mandoc -Tlint -W warning "$MAN"/man1/*.1 "$MAN"/man5/*.5 "$MAN"/man7/*.7 >lint 2>&1;
	test ! -s lint || { cat lint >&2; false; }
'

test_expect_success 'every program in cmd/ has a man page' '
	for d in "$TEST_ROOT"/cmd/*/; do
		t=$(basename "$d") &&
		test -f "$MAN/man1/ferry-$t.1" || { echo "no man page for $t" >&2; return 1; }
	done
'

for d in "$TEST_ROOT"/cmd/*/; do
	tool=ferry-$(basename "$d")

	test_expect_success "$tool: --help usage lines and the man SYNOPSIS agree" '
		$tool --help | sed -n "s/^usage: //p; s/^       \(ferry-\)/\1/p" >help.syn &&
		render "$MAN/man1/$tool.1" |
			sed -n "/^SYNOPSIS/,/^DESCRIPTION/p" | sed "1d;\$d" |
			awk "/^     [^ ]/ { if (l) print l; l = \$0; next } /^      +/ { l = l \" \" \$0 } END { if (l) print l }" |
			sed "s/^ *//; s/  */ /g" >man.syn &&
		sed "s/  */ /g" help.syn >help.norm &&
		test_cmp help.norm man.syn
	'

	test_expect_success "$tool: every option in --help is in the man page" '
		render "$MAN/man1/$tool.1" >man.txt &&
		$tool --help | grep -oE "(^| )--?[A-Za-z][-A-Za-z]*" | sed "s/^ //" | sort -u >opts &&
		test -s opts &&
		while read -r o; do
			grep -q -e "$o" man.txt || { echo "$o is not in $tool.1" >&2; return 1; }
		done <opts
	'

	test_expect_success "$tool: every exit code in DESIGN.md that it uses is in EXIT STATUS" '
		render "$MAN/man1/$tool.1" | sed -n "/^EXIT STATUS/,/^[A-Z]/p" >exit.txt &&
		for c in 0 2 3 7 8; do
			grep -qE "^ +$c( |$)" exit.txt || { echo "exit $c missing" >&2; return 1; }
		done
	'
done

test_expect_success 'README examples run as written' '
	ln -s "$TEST_ROOT/build" build &&
	ln -s "$TEST_ROOT/testdata" testdata &&
	sed -n "/^## A first example/,/^## /p" "$TEST_ROOT/README.md" |
		awk "/^    \\\$ / { cmd = substr(\$0, 7); while (cmd ~ /\\\\\$/) { sub(/\\\\\$/, \"\", cmd); getline; sub(/^ +/, \" \", \$0); cmd = cmd \$0 } print cmd }" >cmds &&
	test $(wc -l <cmds) -ge 5 &&
	while read -r cmd; do
		sh -c "$cmd" >out 2>err;
		rc=$?;
		case "$cmd" in
		*"head -c 1500"*) test $rc -eq 3 && test_grep "truncated stream" err ;;
		*) test $rc -eq 0 ;;
		esac || { echo "README command failed ($rc): $cmd" >&2; cat err >&2; return 1; }
	done <cmds &&
	build/ferry-cat --check chat.ferry >out &&
	grep -F "$(grep -o "chat.ferry: ok.*" "$TEST_ROOT/README.md")" out
'

test_expect_success 'the stream schema JSON Schema is valid JSON' '
	jq . "$TEST_ROOT/schemas/stream-table.schema.json" >/dev/null &&
	jq . "$TEST_ROOT/schemas/stream-objects.schema.json" >/dev/null &&
	jq . "$TEST_ROOT/schemas/schema-report.schema.json" >/dev/null &&
	jq . "$TEST_ROOT/schemas/transform.schema.json" >/dev/null
'

test_done
