#!/bin/sh
# The explicit limits: most columns, longest field, widest row.  Each breach
# is a clear error, never a crash or an unbounded allocation.
. "$(dirname "$0")/lib.sh"

test_expect_success 'a schema of 4097 columns is refused' '
	awk "BEGIN { printf \"{\\\"name\\\":\\\"wide\\\",\\\"columns\\\":[\";
		for (i = 1; i <= 4097; i++) printf \"%s{\\\"name\\\":\\\"c%d\\\",\\\"type\\\":\\\"int64\\\"}\", (i > 1 ? \",\" : \"\"), i;
		print \"]}\" }" >wide.json &&
	test_expect_code 2 ferry-cat --encode -S wide.json -o out.ferry </dev/null 2>err &&
	echo "ferry-cat: wide.json: table wide: 4097 columns is over the limit of 4096" >expect &&
	test_cmp expect err
'

test_expect_success 'a schema of 4096 columns is fine' '
	awk "BEGIN { printf \"{\\\"name\\\":\\\"wide\\\",\\\"columns\\\":[\";
		for (i = 1; i <= 4096; i++) printf \"%s{\\\"name\\\":\\\"c%d\\\",\\\"type\\\":\\\"int64\\\"}\", (i > 1 ? \",\" : \"\"), i;
		print \"]}\" }" >wide.json &&
	ferry-cat --encode -S wide.json -o out.ferry </dev/null &&
	ferry-cat --check -q out.ferry
'

test_expect_success 'setup: a two-column text table' '
	echo "{\"name\":\"big\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"text\"}]}" >big.json
'

# line A_BYTES B_BYTES: one JSON line with text values of those lengths
line() {
	printf "{\"a\":\""
	head -c "$1" /dev/zero | tr "\0" x
	printf "\",\"b\":\""
	head -c "$2" /dev/zero | tr "\0" y
	printf "\"}\n"
}

test_expect_success 'a value of exactly 64 MiB goes through' '
	line 67108864 0 >in.jsonl &&
	ferry-cat --encode -S big.json -o out.ferry in.jsonl &&
	ferry-cat -f summary out.ferry >out &&
	test_grep "  rows: 1" out
'

test_expect_success 'a value one byte over 64 MiB is refused by name' '
	rm -f out.ferry &&
	line 67108865 0 >in.jsonl &&
	test_expect_code 3 ferry-cat --encode -S big.json -o out.ferry in.jsonl 2>err &&
	echo "ferry-cat: in.jsonl: line 1: table big, row 1, column a: value of 67108865 bytes is over the limit of 67108864" >expect &&
	test_cmp expect err &&
	test ! -e out.ferry
'

test_expect_success 'a row wider than 64 MiB is refused' '
	line 40000000 40000000 >in.jsonl &&
	test_expect_code 3 ferry-cat --encode -S big.json -o out.ferry in.jsonl 2>err &&
	echo "ferry-cat: in.jsonl: line 1: table big, row 1, column b: row is wider than the limit of 68157440 bytes" >expect &&
	test_cmp expect err
'

test_expect_success 'memory stays bounded: 100k rows encode and decode under 64 MiB' '
	awk -v n=100000 -f "$TEST_ROOT/scripts/gen-messages.awk" >m.jsonl &&
	/usr/bin/time -f "%M" -o rss.enc "$TEST_ROOT/build/ferry-cat" --encode \
		-S "$TESTDATA/bench/messages.schema.json" -o m.ferry m.jsonl &&
	/usr/bin/time -f "%M" -o rss.dec "$TEST_ROOT/build/ferry-cat" m.ferry >/dev/null &&
	test $(cat rss.enc) -lt 65536 &&
	test $(cat rss.dec) -lt 65536
'

test_done
