#!/bin/sh
# lib/ in layers (lib/README.md): includes run only downwards, the client
# libraries stay in their engine folders, and the tools that need no
# database link no client library
. "$(dirname "$0")/lib.sh"

test_expect_success 'every include of lib/ and cmd/ keeps the order of lib/README.md' '
	sh "$TEST_ROOT/scripts/check-layers.sh" "$TEST_ROOT" >found &&
	test_must_be_empty found
'

test_expect_success 'no stage branches on the engine: it asks db/engine.h' '
	{ grep -n "URI_MYSQL\|URI_PG" "$TEST_ROOT"/lib/stage/*.c >found; test $? -le 1; } &&
	test_must_be_empty found
'

test_expect_success 'every folder of lib/ is in lib/README.md' '
	(cd "$TEST_ROOT/lib" && find . -mindepth 1 -type d | sed "s|^\./||") >dirs &&
	test -s dirs &&
	while read -r d; do
		grep -q -F "\`$d/\`" "$TEST_ROOT/lib/README.md" ||
		{ echo "lib/$d/ is not in lib/README.md"; exit 1; }
	done <dirs
'

# a copy of the tree with one wrong include planted, which the check names
plant() { # plant FILE LINE: a copy of lib/ and cmd/ with LINE added to FILE
	rm -rf tree && mkdir tree &&
	cp -R "$TEST_ROOT/lib" "$TEST_ROOT/cmd" tree/ &&
	printf "%s\n" "$2" >>"tree/$1"
}

test_expect_success 'an include of a higher layer is found' '
	plant lib/base/buf.c "#include \"stage/load.h\"" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "lib/base/buf.c:.*stage/load.h.*stage/ is not below base/" found
'

test_expect_success 'a sideways include (transform/ and db/) is found' '
	plant lib/transform/expr.c "#include \"db/sink.h\"" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "lib/transform/expr.c:.*db/ is not below transform/" found
'

test_expect_success 'a client library outside its engine folder is found' '
	plant lib/stage/cat.c "#include <libpq-fe.h>" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "lib/stage/cat.c:.*<libpq-fe.h> outside lib/db/pg/" found &&
	plant lib/db/pg/pgbin.c "#include <mysql.h>" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "lib/db/pg/pgbin.c:.*<mysql.h> outside lib/db/mysql/" found
'

test_expect_success 'one engine folder including the other is found' '
	plant lib/db/pg/pgbin.c "#include \"db/mysql/myutil.h\"" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "lib/db/pg/pgbin.c:.*db/mysql/myutil.h" found
'

test_expect_success 'an include without its folder is found' '
	plant cmd/cat/main.c "#include \"buf.h\"" &&
	test_expect_code 1 sh "$TEST_ROOT/scripts/check-layers.sh" tree >found &&
	grep "cmd/cat/main.c:.*without its folder" found
'

for tool in cat transform; do
	test_expect_success "ferry-$tool links no database client library" "
		ldd \"\$FERRY_BIN/ferry-$tool\" >libs &&
		test_grep libzstd libs &&
		! grep -E \"libpq|libmariadb|libmysqlclient\" libs
	"
done

test_expect_success 'ferry-cat links no libcrypto either' '
	ldd "$FERRY_BIN/ferry-cat" >libs &&
	! grep libcrypto libs
'

test_done
