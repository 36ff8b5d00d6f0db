#!/bin/sh
# ferry-cat's command line: help, version, usage errors and their codes
. "$(dirname "$0")/lib.sh"

test_expect_success '--help prints usage on stdout and exits 0' '
	ferry-cat --help >out 2>err &&
	test_grep "usage: ferry-cat [-f FORMAT]" out &&
	test ! -s err
'

test_expect_success '-h is --help' '
	ferry-cat -h >out &&
	test_grep "--encode" out
'

test_expect_success '--version names the stream format' '
	ferry-cat --version >out &&
	test_grep "(stream format 1.0)" out
'

test_expect_success 'an unknown option is a usage error (2)' '
	test_expect_code 2 ferry-cat --bogus 2>err &&
	test_grep "try '\''ferry-cat --help'\''" err
'

test_expect_success 'an unknown format is a usage error with the value quoted' '
	test_expect_code 2 ferry-cat -f xml "$TESTDATA/golden/chat.ferry" >out 2>err &&
	cat >expect <<-\EOT &&
	ferry-cat: unknown format '\''xml'\'' (jsonl, csv, tsv, summary)
	try '\''ferry-cat --help'\''
	EOT
	test_cmp expect err &&
	test ! -s out
'

test_expect_success 'a missing input file exits 2 and names it' '
	test_expect_code 2 ferry-cat no-such.ferry 2>err &&
	echo "ferry-cat: no-such.ferry: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'two input files are refused' '
	test_expect_code 2 ferry-cat a b 2>err &&
	test_grep "more than one input file ('\''b'\'')" err
'

test_expect_success '--encode needs a schema' '
	test_expect_code 2 ferry-cat --encode </dev/null 2>err &&
	test_grep "ferry-cat: --encode needs -S SCHEMA" err
'

test_expect_success '--check and --encode exclude each other' '
	test_expect_code 2 ferry-cat --check --encode -S x 2>err &&
	test_grep "exclude each other" err
'

test_expect_success 'a bad --level is refused with its range' '
	test_expect_code 2 ferry-cat --encode -S x -l 20 2>err &&
	test_grep "ferry-cat: --level: '\''20'\'' is not a number in 0..19" err &&
	test_expect_code 2 ferry-cat --encode -S x -l 1x 2>err &&
	test_grep "'\''1x'\'' is not a number" err
'

test_expect_success 'a bad --batch-bytes is refused' '
	test_expect_code 2 ferry-cat --encode -S x --batch-bytes 100 2>err &&
	test_grep "is not a number in 4096..16777216" err
'

test_expect_success '--encode refuses to write a stream to a terminal' '
	if ! command -v script >/dev/null; then exit 0; fi &&
	script -qec "ferry-cat --encode -S $TESTDATA/golden/chat.schema.json </dev/null; echo rc=\$?" /dev/null >out 2>&1 &&
	test_grep "refusing to write a binary stream to a terminal" out &&
	test_grep "rc=2" out
'

test_expect_success 'a table asked for with -t but absent is a usage error after reading' '
	test_expect_code 2 ferry-cat -t nosuch "$TESTDATA/golden/chat.ferry" >out 2>err &&
	echo "ferry-cat: table '\''nosuch'\'' is not in the stream" >expect &&
	test_cmp expect err &&
	test ! -s out
'

test_done
