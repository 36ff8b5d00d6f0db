#!/bin/sh
# The command line every tool shares: --help, -h, --version, an unknown
# option, and how the input file is opened (one helper, one set of exit
# codes)
. "$(dirname "$0")/lib.sh"

version=$(sed -n "s/^VERSION *= *//p" "$TEST_ROOT/Makefile")

for tool in cat extract load transform verify; do
	test_expect_success "ferry-$tool --help: usage on stdout, exit 0" "
		ferry-$tool --help >out 2>err &&
		test_grep 'usage: ferry-$tool ' out &&
		test ! -s err
	"

	test_expect_success "ferry-$tool -h is --help" "
		ferry-$tool --help >long &&
		ferry-$tool -h >short 2>err &&
		test_cmp long short &&
		test ! -s err
	"

	test_expect_success "ferry-$tool --version: name, release, stream format" "
		ferry-$tool --version >out 2>err &&
		echo 'ferry-$tool $version (stream format 1.0)' >want &&
		test_cmp want out &&
		test ! -s err
	"

	test_expect_success "ferry-$tool: an unknown option is a usage error (2)" "
		test_expect_code 2 ferry-$tool --no-such-option >out 2>err &&
		test ! -s out &&
		test_grep 'no-such-option' err &&
		test_grep \"try 'ferry-$tool --help'\" err
	"
done

# each tool that reads a stream, with the input named the way it takes it
input() { # input TOOL FILE: the tool reading FILE, nothing else to do
	case $1 in
	cat) ferry-cat "$2" ;;
	transform) ferry-transform -s "$TESTDATA/specs/chat-renamed.json" "$2" ;;
	load) ferry-load -i "$2" --check "postgres://nobody@127.0.0.1:1/x" ;;
	verify) ferry-verify "$2" "$TESTDATA/golden/chat.ferry" ;;
	esac
}

for tool in cat transform load verify; do
	test_expect_success "ferry-$tool: a missing input file exits 2 and names it" "
		test_expect_code 2 input $tool no-such.ferry >out 2>err &&
		grep '^ferry-$tool: .*no-such.ferry: No such file or directory' err
	"

	test_expect_success "ferry-$tool: a directory as input exits 2" "
		mkdir -p adir &&
		test_expect_code 2 input $tool adir >out 2>err &&
		grep '^ferry-$tool: .*adir: Is a directory' err
	"

	test_expect_success "ferry-$tool: a path through a file exits 2" "
		: >afile &&
		test_expect_code 2 input $tool afile/x >out 2>err &&
		grep '^ferry-$tool: .*afile/x: Not a directory' err
	"
done

test_expect_success 'ferry-cat and ferry-transform -o -: the standard output, no file named -' '
	ferry-cat -f jsonl -o - "$TESTDATA/golden/chat.ferry" >cat.out &&
	ferry-cat -f jsonl "$TESTDATA/golden/chat.ferry" >cat.expect &&
	test_cmp cat.expect cat.out &&
	echo "{\"tables\": {\"users\": {\"columns\": {\"email\": {\"rename\": \"mail\"}}}}}" >spec.json &&
	ferry-transform -s spec.json -o - "$TESTDATA/golden/chat.ferry" >tr.out &&
	ferry-transform -s spec.json "$TESTDATA/golden/chat.ferry" >tr.expect &&
	test_cmp tr.expect tr.out && test -s tr.out &&
	test ! -e ./-
'

test_done
