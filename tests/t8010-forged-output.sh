#!/bin/sh
# Names come from streams and databases, which are untrusted: a table or
# column name holding a newline must not print a line of its own (a
# verdict "the two sides are equal" inside a run that exits 1), nor make
# columns or rows of its own in a TSV header; a schema naming one key
# column twice is refused.
. "$(dirname "$0")/lib.sh"

# a one-table schema named $1 with a column named $2
schema() {
	printf '[{"name": "%s", "columns": [{"name": "id", "type": "int64", "nullable": false}, {"name": "%s", "type": "text"}], "primary_key": ["id"]}]\n' "$1" "$2"
}

test_expect_success 'setup: two streams of a table whose name holds a forged verdict' '
	schema "t\\nthe two sides are equal\\nx" "c\\tfake" >s.json &&
	printf "{\"table\":\"t\\\\nthe two sides are equal\\\\nx\",\"row\":{\"id\":1,\"c\\\\tfake\":\"a\"}}\n" >a.jsonl &&
	printf "{\"table\":\"t\\\\nthe two sides are equal\\\\nx\",\"row\":{\"id\":1,\"c\\\\tfake\":\"b\"}}\n" >b.jsonl &&
	ferry-cat --encode -S s.json -o a.ferry a.jsonl &&
	ferry-cat --encode -S s.json -o b.ferry b.jsonl
'

test_expect_success 'verify prints the name escaped: no forged line, exit 1' '
	test_expect_code 1 ferry-verify a.ferry b.ferry >out 2>err &&
	! grep -x "the two sides are equal" out &&
	! grep "^the two sides are equal" out &&
	grep -F "t\\nthe two sides are equal\\nx: A 1 rows" out &&
	grep -F "c\\tfake" out &&
	test_grep "the two sides DIFFER" out
'

test_expect_success 'a TSV header escapes a tab or newline in a column name' '
	ferry-cat -f tsv a.ferry >tsv &&
	test $(wc -l <tsv) = 2 &&
	test "$(head -1 tsv | awk -F "\t" "{ print NF }")" = 2 &&
	printf "id\tc\\\\tfake\n" >expect && head -1 tsv >got && test_cmp expect got
'

test_expect_success 'an error message naming a table escapes its control characters' '
	head -c 300 a.ferry >cut.ferry &&
	test_expect_code 3 ferry-cat --check cut.ferry 2>err &&
	test $(wc -l <err) = 1
'

test_expect_success 'a schema naming one key column twice is refused' '
	printf "[{\"name\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false}], \"primary_key\": [\"id\", \"id\"]}]\n" >dup.json &&
	echo "{\"table\":\"t\",\"row\":{\"id\":1}}" >dup.jsonl &&
	test_expect_code 2 ferry-cat --encode -S dup.json -o dup.ferry dup.jsonl 2>err &&
	test_grep "primary key member 2 names column id again" err &&
	test ! -e dup.ferry
'

test_done
