#!/bin/sh
# ferry-cat --encode refuses bad input with the line, table and column
. "$(dirname "$0")/lib.sh"

G=$TESTDATA/golden

test_expect_success 'setup: a one-table schema' '
	cat >s.json <<-\EOT
	{"name": "t", "columns": [
	  {"name": "id", "type": "int64", "nullable": false},
	  {"name": "kind", "type": "enum", "labels": ["a", "b"]},
	  {"name": "body", "type": "text"},
	  {"name": "at", "type": "timestamp"}
	], "primary_key": ["id"]}
	EOT
'

# encode_fails INPUT MESSAGE [CODE]: no output file, no temporary one
encode_fails() {
	rm -f out.ferry &&
	printf "%s\n" "$1" >in.jsonl &&
	test_expect_code ${3:-3} ferry-cat --encode -S s.json -o out.ferry in.jsonl 2>err &&
	printf "ferry-cat: %s\n" "$2" >expect &&
	test_cmp expect err &&
	test ! -e out.ferry &&
	test -z "$(ls -A | grep "^\.out\.ferry\.")"
}

test_expect_success 'a good bare row encodes' '
	printf "%s\n" "{\"id\":1,\"kind\":\"a\",\"body\":\"x\",\"at\":null}" >in.jsonl &&
	ferry-cat --encode -S s.json -o out.ferry in.jsonl &&
	ferry-cat --check -q out.ferry
'

test_expect_success 'a failed encode keeps the file -o would have replaced' '
	ferry-cat --encode -S s.json -o out.ferry in.jsonl &&
	cp out.ferry good.ferry &&
	printf "%s\n" "{\"id\":null,\"kind\":\"a\",\"body\":null,\"at\":null}" >bad.jsonl &&
	test_expect_code 3 ferry-cat --encode -S s.json -o out.ferry bad.jsonl 2>err &&
	cmp good.ferry out.ferry &&
	test -z "$(ls -A | grep "^\.out\.ferry\.")"
'

test_expect_success 'an integer that does not fit names line, table and column' '
	encode_fails "{\"id\":9223372036854775808,\"kind\":\"a\",\"body\":null,\"at\":null}" \
		"in.jsonl: line 1: table t, column id: int64 out of range '\''9223372036854775808'\''"
'

test_expect_success 'NULL in a column that is not nullable' '
	encode_fails "{\"id\":null,\"kind\":\"a\",\"body\":null,\"at\":null}" \
		"in.jsonl: line 1: table t, row 1, column id: NULL in a column that is not nullable"
'

test_expect_success 'an enum label the column does not have' '
	encode_fails "{\"id\":1,\"kind\":\"c\",\"body\":null,\"at\":null}" \
		"in.jsonl: line 1: table t, row 1, column kind: '\''c'\'' is not one of the enum'\''s labels"
'

test_expect_success 'a date that does not exist' '
	encode_fails "{\"id\":1,\"kind\":\"a\",\"body\":null,\"at\":\"2023-02-29T00:00:00\"}" \
		"in.jsonl: line 1: table t, column at: invalid timestamp '\''2023-02-29T00:00:00'\''"
'

test_expect_success 'a missing column is an error, never a silent NULL' '
	encode_fails "{\"id\":1,\"kind\":\"a\",\"body\":null}" \
		"in.jsonl: line 1: table t, column at: missing"
'

test_expect_success 'an unknown column' '
	encode_fails "{\"id\":1,\"kind\":\"a\",\"body\":null,\"at\":null,\"extra\":1}" \
		"in.jsonl: line 1: table t: no column '\''extra'\''"
'

test_expect_success 'a number for a text column' '
	encode_fails "{\"id\":1,\"kind\":\"a\",\"body\":5,\"at\":null}" \
		"in.jsonl: line 1: table t, column body: a number for a column of type text"
'

test_expect_success 'invalid JSON names the byte' '
	encode_fails "{\"id\":1,}" "in.jsonl: line 1: invalid JSON at byte 8: expected a string key"
'

test_expect_success 'control characters in a quoted value are escaped in the message' '
	encode_fails "{\"id\":\"1\\n2\",\"kind\":\"a\",\"body\":null,\"at\":null}" \
		"in.jsonl: line 1: table t, column id: invalid int64 '\''1\\n2'\''"
'

test_expect_success 'the error names the right line among many' '
	(for i in 1 2 3 4; do echo "{\"id\":$i,\"kind\":\"a\",\"body\":null,\"at\":null}"; done
	 echo "{\"id\":5,\"kind\":\"z\",\"body\":null,\"at\":null}") >in.jsonl &&
	test_expect_code 3 ferry-cat --encode -S s.json -o out.ferry in.jsonl 2>err &&
	test_grep "in.jsonl: line 5: table t, row 5, column kind" err
'

test_expect_success 'tables out of schema order are refused' '
	grep "\"messages\"" "$G/chat.jsonl" >in.jsonl &&
	grep "\"users\"" "$G/chat.jsonl" >>in.jsonl &&
	test_expect_code 3 ferry-cat --encode -S "$G/chat.schema.json" -o out.ferry in.jsonl 2>err &&
	test_grep "line 9: rows of table users come after those of table messages" err
'

test_expect_success 'a bare row needs a one-table schema' '
	echo "{\"id\":1}" >in.jsonl &&
	test_expect_code 3 ferry-cat --encode -S "$G/chat.schema.json" -o out.ferry in.jsonl 2>err &&
	test_grep "when the schema has several tables" err
'

test_expect_success 'a schema file that is not JSON is a usage error' '
	echo "{" >bad.json &&
	echo "{}" >in.jsonl &&
	test_expect_code 2 ferry-cat --encode -S bad.json -o out.ferry in.jsonl 2>err &&
	echo "ferry-cat: bad.json: invalid JSON at byte 2: expected a string key" >expect &&
	test_cmp expect err
'

test_expect_success 'a schema with an unknown type names the column' '
	echo "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"varchar\"}]}" >bad.json &&
	test_expect_code 2 ferry-cat --encode -S bad.json -o out.ferry in.jsonl 2>err &&
	echo "ferry-cat: bad.json: table t: column a: \"type\" must be one of the stream types" >expect &&
	test_cmp expect err
'

test_expect_success 'a schema with a duplicated column is refused' '
	echo "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"a\",\"type\":\"int64\"}]}" >bad.json &&
	test_expect_code 2 ferry-cat --encode -S bad.json -o out.ferry in.jsonl 2>err &&
	test_grep "table t: column a appears twice" err
'

test_expect_success 'empty input with a schema gives empty tables' '
	ferry-cat --encode -S "$G/chat.schema.json" -o out.ferry </dev/null &&
	ferry-cat --check out.ferry >out &&
	test_grep "ok, 4 tables, 0 rows" out
'

test_expect_success 'CRLF line ends are accepted' '
	printf "{\"id\":1,\"kind\":\"a\",\"body\":\"x\",\"at\":null}\r\n" >in.jsonl &&
	ferry-cat --encode -S s.json -o out.ferry in.jsonl &&
	ferry-cat out.ferry >out &&
	test_grep "\"body\":\"x\"" out
'

test_done
