#!/bin/sh
# ferry-transform: skip/rename tables, rename/drop/reorder columns, spec
# errors found before any row with their place in the spec, exit 5
. "$(dirname "$0")/lib.sh"

G=$TESTDATA/golden

# the per-table lines of a summary that say what a table holds
digests() {
	grep -E "^table |^  (column|primary key|rows|digest|watermark)" "$1"
}

test_expect_success 'an identity spec passes every table through with equal digests' '
	echo "{\"tables\": {}}" >id.json &&
	ferry-transform -s id.json "$G/chat.ferry" >out.ferry &&
	ferry-cat -f summary "$G/chat.ferry" >a &&
	ferry-cat -f summary out.ferry >b &&
	digests a >da && digests b >db &&
	test_cmp da db &&
	grep "^total:" a | sed "s/.*digest //" >ta &&
	grep "^total:" b | sed "s/.*digest //" >tb &&
	test_cmp ta tb &&
	ferry-transform -s id.json <"$G/chat.ferry" | ferry-cat >j1 &&
	ferry-cat "$G/chat.ferry" >j2 &&
	test_cmp j2 j1
'

test_expect_success 'rename a table, rename, drop and reorder its columns' '
	cat >s.json <<-\EOT &&
	{
	  "comment": "messages to chat_messages",
	  "tables": {
	    "messages": {
	      "rename": "chat_messages",
	      "columns": {"body": {"rename": "text"}, "score": {"drop": true}},
	      "order": ["text", "id"]
	    }
	  }
	}
	EOT
	ferry-transform -s s.json -o out.ferry "$G/chat.ferry" &&
	ferry-cat -f summary -t chat_messages out.ferry >sum &&
	grep "^  column" sum | sed "s/:.*//" >cols &&
	printf "  column %s\n" text id sender_id kind sent_at read_at >expect &&
	test_cmp expect cols &&
	test_grep "primary key: id" sum &&
	test_grep "watermark: sent_at = 2025-06-01T12:00:00Z" sum &&
	test_grep "rows: 8" sum &&
	ferry-cat -t messages "$G/chat.ferry" >in.jsonl &&
	ferry-cat -t chat_messages out.ferry >out.jsonl &&
	test "$(wc -l <out.jsonl)" -eq 8 &&
	head -1 in.jsonl >l1 && head -1 out.jsonl >l2 &&
	test_grep "\"id\":1," l1 &&
	test_grep "{\"table\":\"chat_messages\",\"row\":{\"text\":\"hello, world\",\"id\":1,\"sender_id\":1," l2 &&
	! grep -q score out.jsonl &&
	ferry-cat --check -q out.ferry
'

test_expect_success 'counts and digests are recomputed for what is written' '
	ferry-cat --check out.ferry >check &&
	test_grep "4 tables, 15 rows" check &&
	ferry-cat -f summary -t messages "$G/chat.ferry" | grep "digest:" >d1 &&
	ferry-cat -f summary -t chat_messages out.ferry | grep "digest:" >d2 &&
	! cmp -s d1 d2
'

test_expect_success 'skip a table; "*" drops a column wherever it is' '
	cat >s.json <<-\EOT &&
	{"tables": {
	  "users": {"skip": true},
	  "*": {"columns": {"sent_at": {"drop": true}, "read_at": {"rename": "seen_at"}}}
	}}
	EOT
	ferry-transform -s s.json "$G/chat.ferry" >out.ferry &&
	ferry-cat -f summary out.ferry >sum &&
	! grep -q "^table users" sum &&
	test_grep "table chat_groups" sum &&
	test_grep "column seen_at: time" sum &&
	! grep -q "column sent_at" sum &&
	! grep -q "watermark: sent_at" sum &&
	test_grep "total: 3 tables, 11 rows" sum
'

test_expect_success 'a dropped indexed column takes its index along' '
	cat >ix.schema.json <<-\EOT &&
	{"name": "t", "columns": [
	  {"name": "id", "type": "int64", "nullable": false},
	  {"name": "a", "type": "text"},
	  {"name": "b", "type": "text"}],
	 "primary_key": ["id"],
	 "indexes": [{"name": "t_a", "columns": ["a"]}, {"name": "t_ab", "columns": ["a", "b"]}, {"name": "t_b", "columns": ["b"]}]}
	EOT
	printf "%s\n" "{\"id\":1,\"a\":\"x\",\"b\":\"y\"}" >t.jsonl &&
	ferry-cat --encode -S ix.schema.json -o t.ferry t.jsonl &&
	echo "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"drop\": true}, \"b\": {\"rename\": \"c\"}}}}}" >s.json &&
	ferry-transform -s s.json t.ferry >out.ferry &&
	ferry-cat -f summary out.ferry >sum &&
	test_grep "index t_b: c" sum &&
	! grep -q "index t_a" sum &&
	! grep -q "index t_ab" sum
'

test_expect_success 'a truncated input stream: exit 3, no output file left' '
	head -c 300 "$G/chat.ferry" >cut.ferry &&
	test_expect_code 3 ferry-transform -s id.json -o out2.ferry cut.ferry 2>err &&
	test_grep "ferry-transform: cut.ferry: " err &&
	test ! -e out2.ferry
'

# spec_fails SPEC MESSAGE: exit 5, the message, and nothing written
spec_fails() {
	printf "%s\n" "$1" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out3.ferry "$G/chat.ferry" 2>err &&
	printf "ferry-transform: %s\n" "$2" >expect &&
	test_cmp expect err &&
	test ! -e out3.ferry
}

test_expect_success 'spec errors in the spec itself: exit 5 with the place' '
	spec_fails "{\"tables\": {\"messages\": {\"renam\": \"x\"}}}" \
		"bad.json: line 1: tables.messages: unknown member '"'"'renam'"'"' (expected skip, rename, where, columns, add or order)" &&
	spec_fails "{\"tables\": {\"messages\": {\"skip\": \"yes\"}}}" \
		"bad.json: line 1: tables.messages.skip: expected true or false, not a string" &&
	spec_fails "{\"tables\": {\"messages\": {\"columns\": {\"body\": {\"rename\": 5}}}}}" \
		"bad.json: line 1: tables.messages.columns.body.rename: expected a name (a string), not a number" &&
	spec_fails "{\"tables\": {\"messages\": {\"columns\": {\"body\": {\"rename\": \"x\", \"drop\": true}}}}}" \
		"bad.json: line 1: tables.messages.columns.body: drops the column and renames it" &&
	spec_fails "{\"tables\": {\"*\": {\"rename\": \"x\"}}}" \
		"bad.json: line 1: tables.*.rename: '"'"'rename'"'"' cannot apply to every table (\"*\" takes columns only)" &&
	spec_fails "{\"tables\": {\"users\": {\"skip\": true, \"rename\": \"u\"}}}" \
		"bad.json: line 1: tables.users: skips the table and also reshapes it" &&
	spec_fails "{\"tables\": {\"m\": {\"order\": [\"a\", \"a\"]}}}" \
		"bad.json: line 1: tables.m.order[1]: column a is listed twice" &&
	spec_fails "{\"tables\": []}" \
		"bad.json: line 1: tables: expected an object of tables, not an array" &&
	spec_fails "{\"table\": {}}" \
		"bad.json: line 1: (top): unknown member '"'"'table'"'"' (expected tables or comment)" &&
	spec_fails "{\"tables\": {\"a\": {}, \"a\": {}}}" \
		"bad.json: member \"a\" appears twice" ||
	{ cat err; false; }
'

test_expect_success 'a JSON syntax error names the file; a line number for a later line' '
	printf "{\"tables\": {\n  \"messages\": {\n    \"skip\": tru\n  }\n}}\n" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out3.ferry "$G/chat.ferry" 2>err &&
	test_grep "ferry-transform: bad.json: invalid JSON" err &&
	printf "{\"tables\": {\n  \"messages\": {\n    \"skip\": 1\n  }\n}}\n" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out3.ferry "$G/chat.ferry" 2>err &&
	echo "ferry-transform: bad.json: line 3: tables.messages.skip: expected true or false, not a number" >expect &&
	test_cmp expect err
'

test_expect_success 'spec errors against the stream: before the table'"'"'s rows, exit 5' '
	spec_fails "{\"tables\": {\"messages\": {\"columns\": {\"bodyy\": {\"drop\": true}}}}}" \
		"bad.json: line 1: tables.messages.columns.bodyy: table messages has no column bodyy" &&
	spec_fails "{\"tables\": {\"messages\": {\"columns\": {\"id\": {\"drop\": true}}}}}" \
		"bad.json: line 1: tables.messages.columns: drops a column of the primary key of messages" &&
	spec_fails "{\"tables\": {\"messages\": {\"columns\": {\"body\": {\"rename\": \"kind\"}}}}}" \
		"bad.json: line 1: tables.messages.columns: two columns of the output are named kind (in table messages)" &&
	spec_fails "{\"tables\": {\"messages\": {\"order\": [\"nope\"]}}}" \
		"bad.json: line 1: tables.messages.order[0]: table messages has no output column nope" &&
	spec_fails "{\"tables\": {\"mesages\": {\"skip\": true}}}" \
		"bad.json: line 1: tables.mesages: the stream has no table mesages" &&
	spec_fails "{\"tables\": {\"*\": {\"columns\": {\"sent_att\": {\"drop\": true}}}}}" \
		"bad.json: line 1: tables.*.columns.sent_att: no table in the stream has a column sent_att"
'

test_expect_success 'masks: keyed hashes stable across tables and runs, other key other mask' '
	cat >two.schema.json <<-\EOT &&
	[{"name": "a", "columns": [{"name": "id", "type": "int64", "nullable": false},
	   {"name": "email", "type": "text"}, {"name": "phone", "type": "text"}], "primary_key": ["id"]},
	 {"name": "b", "columns": [{"name": "id", "type": "int64", "nullable": false},
	   {"name": "email", "type": "text"}, {"name": "note", "type": "text"}], "primary_key": ["id"]}]
	EOT
	cat >two.jsonl <<-\EOT &&
	{"table": "a", "row": {"id": 1, "email": "ada@example.org", "phone": "+44 20 7946 0958"}}
	{"table": "a", "row": {"id": 2, "email": null, "phone": "12"}}
	{"table": "a", "row": {"id": 3, "email": "no-at-sign", "phone": "Zoë 🚀"}}
	{"table": "b", "row": {"id": 1, "email": "ada@example.org", "note": "private"}}
	EOT
	ferry-cat --encode -S two.schema.json -o two.ferry two.jsonl &&
	cat >mask.json <<-\EOT &&
	{"tables": {
	  "*": {"columns": {"email": {"mask": {"method": "email", "key_env": "FERRY_TEST_KEY"}}}},
	  "a": {"columns": {"phone": {"mask": {"method": "keep_last", "n": 4}}}},
	  "b": {"columns": {"note": {"mask": {"method": "redact"}}}}}}
	EOT
	FERRY_TEST_KEY=k1 ferry-transform -s mask.json two.ferry | ferry-cat >m1 &&
	FERRY_TEST_KEY=k1 ferry-transform -s mask.json two.ferry | ferry-cat >m1again &&
	FERRY_TEST_KEY=k2 ferry-transform -s mask.json two.ferry | ferry-cat >m2 &&
	test_cmp m1 m1again &&
	h=$(printf "%s" "ada@example.org" | openssl dgst -sha256 -hmac k1 | sed "s/.*= //" | cut -c1-16) &&
	h3=$(printf "%s" "no-at-sign" | openssl dgst -sha256 -hmac k1 | sed "s/.*= //" | cut -c1-32) &&
	cat >expect <<-EOT &&
	{"table":"a","row":{"id":1,"email":"$h@example.org","phone":"************0958"}}
	{"table":"a","row":{"id":2,"email":null,"phone":"12"}}
	{"table":"a","row":{"id":3,"email":"$h3","phone":"*oë 🚀"}}
	{"table":"b","row":{"id":1,"email":"$h@example.org","note":"***"}}
	EOT
	test_cmp expect m1 &&
	! cmp -s m1 m2 &&
	! grep -q k1 m1 &&
	sed -n 1p m2 | grep -q "@example.org" &&
	! grep -q "$h" m2
'

test_expect_success 'mask errors: missing key, a non-text column, a bad method, mask and drop' '
	echo "{\"tables\": {\"a\": {\"columns\": {\"email\": {\"mask\": {\"method\": \"hmac\", \"key_env\": \"FERRY_UNSET_KEY\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out3.ferry two.ferry 2>err &&
	echo "ferry-transform: bad.json: line 1: tables.a.columns.email.mask.key_env: the environment variable FERRY_UNSET_KEY is not set, or empty" >expect &&
	test_cmp expect err &&
	echo "{\"tables\": {\"a\": {\"columns\": {\"id\": {\"mask\": {\"method\": \"redact\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out3.ferry two.ferry 2>err &&
	echo "ferry-transform: bad.json: line 1: tables.a.columns.id.mask: column id of a is int64: masks apply to text" >expect &&
	test_cmp expect err &&
	test ! -e out3.ferry &&
	echo "{\"tables\": {\"a\": {\"columns\": {\"email\": {\"mask\": {\"method\": \"scramble\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.a.columns.email.mask.method: unknown method '"'"'scramble'"'"' (expected hmac, email, redact or keep_last)" err &&
	echo "{\"tables\": {\"a\": {\"columns\": {\"email\": {\"drop\": true, \"mask\": {\"method\": \"redact\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.a.columns.email: drops the column and masks it" err &&
	echo "{\"tables\": {\"a\": {\"columns\": {\"phone\": {\"mask\": {\"method\": \"keep_last\", \"n\": -1}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.a.columns.phone.mask.n: expected a whole number 0 to 1000, not -1" err
'

test_expect_success 'shift ids across tables; an overflow names table, row, key and column' '
	cat >ids.schema.json <<-\EOT &&
	[{"name": "users", "columns": [{"name": "id", "type": "int64", "nullable": false},
	   {"name": "ext", "type": "uint64"}], "primary_key": ["id"]},
	 {"name": "messages", "columns": [{"name": "id", "type": "int64", "nullable": false},
	   {"name": "sender_id", "type": "int64"}, {"name": "body", "type": "text"}], "primary_key": ["id"]}]
	EOT
	cat >ids.jsonl <<-\EOT &&
	{"table": "users", "row": {"id": 1, "ext": 18446744073709551000}}
	{"table": "users", "row": {"id": 2, "ext": null}}
	{"table": "messages", "row": {"id": 10, "sender_id": 2, "body": "hi"}}
	{"table": "messages", "row": {"id": 11, "sender_id": null, "body": "system"}}
	EOT
	ferry-cat --encode -S ids.schema.json -o ids.ferry ids.jsonl &&
	echo "{\"tables\": {\"*\": {\"columns\": {\"sender_id\": {\"shift\": 1000000}}}, \"users\": {\"columns\": {\"id\": {\"shift\": 1000000}, \"ext\": {\"shift\": -1000}}}, \"messages\": {\"columns\": {\"id\": {\"shift\": 5000000}}}}}" >shift.json &&
	ferry-transform -s shift.json ids.ferry | ferry-cat >out &&
	cat >expect <<-\EOT &&
	{"table":"users","row":{"id":1000001,"ext":18446744073709550000}}
	{"table":"users","row":{"id":1000002,"ext":null}}
	{"table":"messages","row":{"id":5000010,"sender_id":1000002,"body":"hi"}}
	{"table":"messages","row":{"id":5000011,"sender_id":null,"body":"system"}}
	EOT
	test_cmp expect out &&
	echo "{\"tables\": {\"users\": {\"columns\": {\"ext\": {\"shift\": 1000}}}}}" >over.json &&
	test_expect_code 5 ferry-transform -s over.json -o out4.ferry ids.ferry 2>err &&
	echo "ferry-transform: table users, row 1 (id=1), column ext: 18446744073709551000 shifted by 1000 is out of range" >expect &&
	test_cmp expect err &&
	test ! -e out4.ferry &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"body\": {\"shift\": 1}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out4.ferry ids.ferry 2>err &&
	test_grep "tables.messages.columns.body.shift: column body of messages is text: shifts apply to integers" err &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"id\": {\"shift\": 1.5}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.messages.columns.id.shift: expected a whole number that fits 64 bits, not 1.5" err
'

test_expect_success 'a DATETIME written in a zone becomes a timestamptz; gaps and folds are refused or resolved' '
	cat >z.schema.json <<-\EOT &&
	{"name": "ev", "columns": [{"name": "id", "type": "int64", "nullable": false},
	  {"name": "at", "type": "timestamp", "source_type": "datetime(6)"}], "primary_key": ["id"]}
	EOT
	cat >z.jsonl <<-\EOT &&
	{"id": 1, "at": "2024-07-01T12:00:00.123456"}
	{"id": 2, "at": "2024-01-15T12:00:00"}
	{"id": 3, "at": null}
	{"id": 4, "at": "2024-10-27T02:30:00"}
	EOT
	ferry-cat --encode -S z.schema.json -o z.ferry z.jsonl &&
	echo "{\"tables\": {\"ev\": {\"columns\": {\"at\": {\"zone\": \"Europe/Berlin\", \"ambiguous\": \"earlier\"}}}}}" >zs.json &&
	ferry-transform -s zs.json z.ferry >zo.ferry &&
	ferry-cat zo.ferry >out &&
	cat >expect <<-\EOT &&
	{"table":"ev","row":{"id":1,"at":"2024-07-01T10:00:00.123456Z"}}
	{"table":"ev","row":{"id":2,"at":"2024-01-15T11:00:00Z"}}
	{"table":"ev","row":{"id":3,"at":null}}
	{"table":"ev","row":{"id":4,"at":"2024-10-27T00:30:00Z"}}
	EOT
	test_cmp expect out &&
	ferry-cat -f summary zo.ferry >sum &&
	test_grep "column at: timestamptz" sum &&
	! grep -q "datetime(6)" sum &&
	sed "s/earlier/later/" zs.json >zl.json &&
	ferry-transform -s zl.json z.ferry | ferry-cat | sed -n 4p >out &&
	echo "{\"table\":\"ev\",\"row\":{\"id\":4,\"at\":\"2024-10-27T01:30:00Z\"}}" >expect &&
	test_cmp expect out &&
	echo "{\"tables\": {\"ev\": {\"columns\": {\"at\": {\"zone\": \"Europe/Berlin\"}}}}}" >zd.json &&
	test_expect_code 5 ferry-transform -s zd.json -o out5.ferry z.ferry 2>err &&
	echo "ferry-transform: table ev, row 4 (id=4), column at: 2024-10-27T02:30:00 happens twice in Europe/Berlin (set \"ambiguous\" to \"earlier\" or \"later\")" >expect &&
	test_cmp expect err &&
	test ! -e out5.ferry &&
	printf "%s\n" "{\"id\": 5, \"at\": \"2024-03-31T02:30:00\"}" >gap.jsonl &&
	ferry-cat --encode -S z.schema.json -o gap.ferry gap.jsonl &&
	test_expect_code 5 ferry-transform -s zl.json -o out5.ferry gap.ferry 2>err &&
	echo "ferry-transform: table ev, row 1 (id=5), column at: 2024-03-31T02:30:00 does not exist in Europe/Berlin (a daylight-saving gap)" >expect &&
	test_cmp expect err
'

test_expect_success 'a zone and a cast on one column: the cast sets the type, of the instant' '
	printf "%s\n" "{\"id\": 7, \"at\": \"2024-07-01T01:00:00\"}" >zc.jsonl &&
	ferry-cat --encode -S z.schema.json -o zc.ferry zc.jsonl &&
	echo "{\"tables\": {\"ev\": {\"columns\": {\"at\": {\"zone\": \"Europe/Berlin\", \"cast\": \"date\"}}}}}" >zc.json &&
	ferry-transform -s zc.json zc.ferry >zco.ferry &&
	ferry-cat -f summary zco.ferry >sum &&
	test_grep "column at: date" sum &&
	ferry-cat zco.ferry >out &&
	echo "{\"table\":\"ev\",\"row\":{\"id\":7,\"at\":\"2024-06-30\"}}" >expect &&
	test_cmp expect out
'

test_expect_success 'zone errors: an unknown zone, a column that is not a timestamp' '
	echo "{\"tables\": {\"ev\": {\"columns\": {\"at\": {\"zone\": \"Europe/Berlinn\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.ev.columns.at.zone: unknown time zone '"'"'Europe/Berlinn'"'"' (not in /usr/share/zoneinfo)" err &&
	echo "{\"tables\": {\"ev\": {\"columns\": {\"at\": {\"zone\": \"../../etc/passwd\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "is not a zone name" err &&
	echo "{\"tables\": {\"ev\": {\"columns\": {\"id\": {\"zone\": \"UTC\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out5.ferry z.ferry 2>err &&
	test_grep "tables.ev.columns.id.zone: column id of ev is int64: a zone applies to a timestamp (a DATETIME)" err
'

test_expect_success 'map an enum'"'"'s labels and text values; default a NULL' '
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": \"media\", \"system\": \"notice\"}}, \"body\": {\"default\": \"\"}}}}}" >map.json &&
	ferry-transform -s map.json -o mapped.ferry "$G/chat.ferry" &&
	ferry-cat -f summary -t messages mapped.ferry >sum &&
	test_grep "column kind: enum not null labels '"'"'text'"'"','"'"'media'"'"','"'"'notice'"'"'" sum &&
	ferry-cat -t messages mapped.ferry | jq -r ".row.kind" | sort | uniq -c | sed "s/^ *//" >kinds &&
	ferry-cat -t messages "$G/chat.ferry" | jq -r ".row.kind" | sort | uniq -c | sed "s/^ *//; s/image/media/; s/system/notice/" | sort -k2 >want &&
	sort -k2 kinds >got && test_cmp want got &&
	ferry-cat -t messages mapped.ferry | jq -r ".row.body | type" | sort -u >types &&
	echo string >expect && test_cmp expect types &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": \"media\"}, \"unmapped\": \"null\"}}}}}" >mapn.json &&
	ferry-transform -s mapn.json "$G/chat.ferry" | ferry-cat -t messages | jq -r ".row.kind" | sort -u >k2 &&
	printf "%s\n" media null >expect && test_cmp expect k2 &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": \"media\", \"system\": \"notice\"}, \"unmapped\": \"error\"}}}}}" >mape.json &&
	test_expect_code 5 ferry-transform -s mape.json -o out6.ferry "$G/chat.ferry" 2>err &&
	test_grep "ferry-transform: table messages, row 1 (id=1), column kind: value " err &&
	test_grep "value '"'"'text'"'"' is not in the map" err &&
	test ! -e out6.ferry
'

test_expect_success 'map errors: not a label, a default the map leaves out, a non-text column' '
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"video\": \"media\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out6.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.messages.columns.kind: '"'"'video'"'"' is not a label of column kind of messages" err &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": \"media\"}, \"default\": \"image\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out6.ferry "$G/chat.ferry" 2>err &&
	test_grep "the default '"'"'image'"'"' is not a label of column kind as the map leaves it" err &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"id\": {\"default\": \"0\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out6.ferry "$G/chat.ferry" 2>err &&
	test_grep "column id of messages is int64: map and default apply to text and enum columns" err &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": 1}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "the new value of '"'"'image'"'"' must be a string, not a number" err
'

test_expect_success 'clean text: NUL bytes out, white space trimmed, case changed' '
	cat >c.schema.json <<-\EOT &&
	{"name": "u", "columns": [{"name": "id", "type": "int64", "nullable": false},
	  {"name": "email", "type": "text"}, {"name": "bio", "type": "text"}], "primary_key": ["id"]}
	EOT
	printf "%s\n" "{\"id\": 1, \"email\": \"  Ada@Example.ORG\\t\", \"bio\": \"a\\u0000b\"}" \
		"{\"id\": 2, \"email\": null, \"bio\": \"  Zoë  \"}" >c.jsonl &&
	ferry-cat --encode -S c.schema.json -o c.ferry c.jsonl &&
	echo "{\"tables\": {\"u\": {\"columns\": {\"email\": {\"clean\": {\"trim\": true, \"case\": \"lower\"}, \"map\": {\"ada@example.org\": \"ada@example.com\"}}, \"bio\": {\"clean\": {\"remove_nul\": true}}}}}}" >clean.json &&
	ferry-transform -s clean.json c.ferry | ferry-cat >out &&
	cat >expect <<-\EOT &&
	{"table":"u","row":{"id":1,"email":"ada@example.com","bio":"ab"}}
	{"table":"u","row":{"id":2,"email":null,"bio":"  Zoë  "}}
	EOT
	test_cmp expect out &&
	echo "{\"tables\": {\"u\": {\"columns\": {\"id\": {\"clean\": {\"trim\": true}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out7.ferry c.ferry 2>err &&
	test_grep "tables.u.columns.id.clean: column id of u is int64: clean applies to text" err &&
	echo "{\"tables\": {\"u\": {\"columns\": {\"bio\": {\"clean\": {\"case\": \"title\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.u.columns.bio.clean.case: expected \"lower\" or \"upper\"" err
'

test_expect_success 'casts: text to int64, int to bool, unix seconds to timestamptz, timestamp to date, bool to int' '
	cat >k.schema.json <<-\EOT &&
	{"name": "k", "columns": [{"name": "id", "type": "int64", "nullable": false},
	  {"name": "n", "type": "text"}, {"name": "flag", "type": "int64"},
	  {"name": "epoch", "type": "int64"}, {"name": "at", "type": "timestamp"},
	  {"name": "ok", "type": "bool"}, {"name": "price", "type": "decimal"}], "primary_key": ["id"]}
	EOT
	cat >k.jsonl <<-\EOT &&
	{"id": 1, "n": "42", "flag": 1, "epoch": 1700000000, "at": "1969-12-31T23:59:59.5", "ok": true, "price": "12"}
	{"id": 2, "n": "-7", "flag": 0, "epoch": 0, "at": "2024-02-29T00:00:00", "ok": false, "price": "12.50"}
	{"id": 3, "n": null, "flag": null, "epoch": null, "at": null, "ok": null, "price": null}
	EOT
	ferry-cat --encode -S k.schema.json -o k.ferry k.jsonl &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"n\": {\"cast\": \"int64\"}, \"flag\": {\"cast\": \"bool\"}, \"epoch\": {\"cast\": {\"to\": \"timestamptz\", \"from\": \"unix_seconds\"}}, \"at\": {\"cast\": \"date\"}, \"ok\": {\"cast\": \"int64\"}, \"price\": {\"cast\": \"int64\", \"invalid\": \"null\"}}}}}" >cast.json &&
	ferry-transform -s cast.json k.ferry >ko.ferry &&
	ferry-cat ko.ferry >out &&
	cat >expect <<-\EOT &&
	{"table":"k","row":{"id":1,"n":42,"flag":true,"epoch":"2023-11-14T22:13:20Z","at":"1969-12-31","ok":1,"price":12}}
	{"table":"k","row":{"id":2,"n":-7,"flag":false,"epoch":"1970-01-01T00:00:00Z","at":"2024-02-29","ok":0,"price":null}}
	{"table":"k","row":{"id":3,"n":null,"flag":null,"epoch":null,"at":null,"ok":null,"price":null}}
	EOT
	test_cmp expect out &&
	ferry-cat -f summary ko.ferry >sum &&
	test_grep "column n: int64" sum && test_grep "column at: date" sum &&
	test_grep "column epoch: timestamptz" sum
'

test_expect_success 'a value that does not cast stops with its row, key, column and value; exit 5' '
	printf "%s\n" "{\"id\": 9, \"n\": \"4x\", \"flag\": 7, \"epoch\": 1, \"at\": null, \"ok\": null, \"price\": null}" >k2.jsonl &&
	ferry-cat --encode -S k.schema.json -o k2.ferry k2.jsonl &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"n\": {\"cast\": \"int64\"}}}}}" >c1.json &&
	test_expect_code 5 ferry-transform -s c1.json -o out8.ferry k2.ferry 2>err &&
	echo "ferry-transform: table k, row 1 (id=9), column n: text '"'"'4x'"'"' is not a valid int64" >expect &&
	test_cmp expect err &&
	test ! -e out8.ferry &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"flag\": {\"cast\": \"bool\"}}}}}" >c2.json &&
	test_expect_code 5 ferry-transform -s c2.json -o out8.ferry k2.ferry 2>err &&
	test_grep "column flag: int64 '"'"'7'"'"' is not a valid bool" err &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"flag\": {\"cast\": \"bool\", \"invalid\": \"null\"}}}}}" >c3.json &&
	ferry-transform -s c3.json k2.ferry | ferry-cat | jq -c ".row.flag" >got &&
	echo null >expect && test_cmp expect got &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"n\": {\"cast\": \"enum\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables.k.columns.n.cast: '"'"'enum'"'"' is not a type a column can be cast to" err &&
	echo "{\"tables\": {\"k\": {\"columns\": {\"n\": {\"cast\": {\"to\": \"timestamptz\", \"from\": \"unix_seconds\"}}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out8.ferry k2.ferry 2>err &&
	test_grep "column n of k is text: unix time comes from an integer column" err
'

test_expect_success 'add columns from the fields of a JSON column' '
	echo "{\"tables\": {\"users\": {\"add\": {\"theme\": {\"from_json\": \"settings\", \"path\": [\"theme\"], \"type\": \"text\"}, \"second\": {\"from_json\": \"settings\", \"path\": [\"b\", 1], \"type\": \"decimal\"}, \"inner\": {\"from_json\": \"settings\", \"path\": [\"b\", 2], \"type\": \"json\"}}}}}" >add.json &&
	ferry-transform -s add.json "$G/chat.ferry" >added.ferry &&
	ferry-cat -t users added.ferry | jq -c "[.row.id, .row.theme, .row.second, .row.inner]" >out &&
	ferry-cat -f summary -t users added.ferry >sum &&
	test_grep "column theme: text" sum &&
	test_grep "column second: decimal" sum &&
	test_grep "column inner: json" sum &&
	sed -n 1p out >l1 && echo "[1,\"dark\",null,null]" >expect && test_cmp expect l1 &&
	sed -n 3p out >l3 && echo "[3,null,\"2.50\",\"{\\\"c\\\":null}\"]" >expect && test_cmp expect l3 &&
	echo "{\"tables\": {\"users\": {\"add\": {\"t\": {\"from_json\": \"settings\", \"path\": [\"theme\"], \"type\": \"int64\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out9.ferry "$G/chat.ferry" 2>err &&
	echo "ferry-transform: table users, row 1 (id=1), column t: the field does not read as int64" >expect &&
	test_cmp expect err &&
	echo "{\"tables\": {\"users\": {\"add\": {\"t\": {\"from_json\": \"email\", \"path\": [\"x\"], \"type\": \"text\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out9.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.users.add.t: column email of users is text, not json" err &&
	echo "{\"tables\": {\"users\": {\"add\": {\"email\": {\"from_json\": \"settings\", \"path\": [\"x\"], \"type\": \"text\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o out9.ferry "$G/chat.ferry" 2>err &&
	test_grep "table users already has an output column email" err
'

test_expect_success 'where keeps the rows its expression holds true for' '
	echo "{\"tables\": {\"messages\": {\"where\": \"kind = '"'"'text'"'"' AND body IS NOT NULL AND sender_id IN (1, 2)\"}}}" >w.json &&
	ferry-transform -s w.json -o w.ferry "$G/chat.ferry" &&
	ferry-cat -t messages w.ferry | sed "s/.*\"id\":\([0-9]*\),.*/\1/" | tr "\n" " " >ids &&
	printf "1 2 6 7 8 " >expect && test_cmp expect ids &&
	ferry-cat -f summary -t messages w.ferry >sum &&
	test_grep "rows: 5" sum &&
	ferry-cat --check -q w.ferry &&
	ferry-cat -t users w.ferry >u1 && ferry-cat -t users "$G/chat.ferry" >u2 &&
	test_cmp u2 u1 &&
	echo "{\"tables\": {\"messages\": {\"where\": \"sent_at >= '"'"'2025-01-01'"'"' OR read_at BETWEEN '"'"'23:00:00'"'"' AND '"'"'24:00:00'"'"'\"}}}" >w2.json &&
	ferry-transform -s w2.json "$G/chat.ferry" | ferry-cat -t messages |
		sed "s/.*\"id\":\([0-9]*\),.*/\1/" | tr "\n" " " >ids &&
	printf "3 4 6 7 8 " >expect && test_cmp expect ids &&
	echo "{\"tables\": {\"messages\": {\"where\": \"NOT (body LIKE '"'"'%line%'"'"') AND score > 0\"}}}" >w3.json &&
	ferry-transform -s w3.json "$G/chat.ferry" | ferry-cat -t messages |
		sed "s/.*\"id\":\([0-9]*\),.*/\1/" | tr "\n" " " >ids &&
	printf "1 4 6 7 8 " >expect && test_cmp expect ids
'

test_expect_success 'add columns computed by expressions, typed by them or by "type"' '
	cat >c.json <<-\EOT &&
	{"tables": {"messages": {"add": {
	  "body_chars": {"expr": "length(body)"},
	  "label": {"expr": "upper(kind) || '"'"':'"'"' || id"},
	  "late": {"expr": "sent_at > '"'"'2024-12-31'"'"'"},
	  "sid": {"expr": "sender_id + 1000", "type": "text"},
	  "half": {"expr": "score / 2"},
	  "greeting": {"expr": "coalesce(substr(body, 1, 5), '"'"'(none)'"'"')"}}}}}
	EOT
	ferry-transform -s c.json -o c.ferry "$G/chat.ferry" &&
	ferry-cat -f summary -t messages c.ferry >sum &&
	grep "^  column" sum | sed -n "8,13p" >cols &&
	cat >expect <<-\EOT &&
	  column body_chars: int64
	  column label: text
	  column late: bool
	  column sid: text
	  column half: float64
	  column greeting: text
	EOT
	test_cmp expect cols &&
	ferry-cat -t messages c.ferry | sed -n "1p;3p;6p" | sed "s/.*\"read_at\":[^,]*,//" >got &&
	cat >expect <<-\EOT &&
	"body_chars":12,"label":"TEXT:1","late":false,"sid":"1001","half":0.75,"greeting":"hello"}}
	"body_chars":null,"label":"IMAGE:3","late":false,"sid":"1001","half":"NaN","greeting":"(none)"}}
	"body_chars":36,"label":"TEXT:6","late":true,"sid":"1002","half":0.05,"greeting":"emoji"}}
	EOT
	test_cmp expect got &&
	ferry-cat --check -q c.ferry
'

test_expect_success 'expression mistakes: exit 5 with the line, the place and the character' '
	echo "{\"tables\": {\"messages\": {\"where\": \"id = = 1\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	echo "ferry-transform: bad.json: line 1: tables.messages.where: at character 6: expected a value, a column or '"'"'('"'"', not =" >expect &&
	test_cmp expect err &&
	printf "{\"tables\": {\"messages\": {\n  \"add\": {\"x\": {\"expr\": \"lower(body\"}}}}}\n" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "bad.json: line 2: tables.messages.add.x.expr: at character 11: expected '"'"','"'"' or '"'"')'"'"' in the arguments of lower, not the end" err &&
	echo "{\"tables\": {\"messages\": {\"where\": \"sender = 1\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.messages.where: at character 1: table messages has no column sender" err &&
	! test -e never.ferry &&
	echo "{\"tables\": {\"messages\": {\"where\": \"body + 1 > 0\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.messages.where: at character 1: arithmetic takes numbers, not text" err &&
	echo "{\"tables\": {\"messages\": {\"where\": \"id + 1\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.messages.where: a filter must be true or false, not int64" err &&
	echo "{\"tables\": {\"messages\": {\"where\": \"sent_at > '"'"'soon'"'"'\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "at character 11: '"'"'soon'"'"' is not a valid timestamptz" err &&
	echo "{\"tables\": {\"messages\": {\"where\": \"sent_at > '"'"'2888024-01-01'"'"'\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "at character 11: '"'"'2888024-01-01'"'"' is not a valid timestamptz" err &&
	echo "{\"tables\": {\"messages\": {\"add\": {\"n\": {\"expr\": \"NULL\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "tables.messages.add.n: the expression is always NULL: give the column a type" err &&
	echo "{\"tables\": {\"messages\": {\"add\": {\"n\": {\"expr\": \"id\", \"from_json\": \"body\", \"path\": [\"a\"]}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "a new column is computed by expr or taken from_json, not both" err &&
	long=$(printf "%01025d" 0) &&
	echo "{\"tables\": {\"messages\": {\"add\": {\"$long\": {\"expr\": \"id\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "bad.json: line 1: tables.messages.add: a new column'"'"'s name must be 1 to 1024 bytes, not 1025" err &&
	echo "{\"tables\": {\"*\": {\"where\": \"id > 1\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "'"'"'where'"'"' cannot apply to every table" err &&
	! test -e never.ferry
'

test_expect_success 'an expression that fails on a row names the row; exit 5' '
	ferry-transform -s w.json -o kept.ferry "$G/chat.ferry" &&
	cp kept.ferry kept.orig &&
	echo "{\"tables\": {\"messages\": {\"where\": \"id / (id - 3) > 0\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o kept.ferry "$G/chat.ferry" 2>err &&
	cmp kept.orig kept.ferry &&
	test -z "$(ls -A | grep "^\.kept\.ferry\.")" &&
	echo "{\"tables\": {\"messages\": {\"where\": \"id / (id - 3) > 0\"}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	echo "ferry-transform: table messages, row 3 (id=3): the filter (where): division by zero" >expect &&
	test_cmp expect err &&
	echo "{\"tables\": {\"messages\": {\"add\": {\"r\": {\"expr\": \"100 / (sender_id - 2)\"}}}}}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json -o never.ferry "$G/chat.ferry" 2>err &&
	echo "ferry-transform: table messages, row 2 (id=2), column r: division by zero" >expect &&
	test_cmp expect err &&
	echo "{\"tables\": {\"messages\": {\"add\": {\"r\": {\"expr\": \"100 / (sender_id - 2)\", \"invalid\": \"null\"}}}}}" >ok.json &&
	ferry-transform -s ok.json "$G/chat.ferry" | ferry-cat -t messages | grep -c "\"r\":null" >n &&
	echo 3 >expect && test_cmp expect n &&
	! test -e never.ferry
'

test_expect_success 'reject: rows a rule sets aside go to --rejects with the reason' '
	cat >rj.json <<-\EOT &&
	{"tables": {"messages": {
	  "columns": {"kind": {"map": {"text": "t", "image": "i"}, "unmapped": "reject"}},
	  "add": {"ratio": {"expr": "100 / (sender_id - 2)", "invalid": "reject"}}}}}
	EOT
	test_expect_code 2 ferry-transform -s rj.json -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "the spec rejects rows (tables.messages.columns.kind.unmapped): give --rejects FILE to keep them" err &&
	! test -e never.ferry &&
	ferry-transform -s rj.json --rejects rejects.ferry -o rj.ferry "$G/chat.ferry" 2>err &&
	echo "ferry-transform: 4 rows rejected to rejects.ferry" >expect &&
	test_cmp expect err &&
	ferry-cat -t messages rj.ferry | sed "s/.*\"id\":\([0-9]*\),.*/\1/" | tr "\n" " " >ids &&
	printf "1 3 5 8 " >expect && test_cmp expect ids &&
	ferry-cat --check -q rejects.ferry &&
	ferry-cat rejects.ferry | sed "s/.*\"id\":\([0-9]*\),.*/\1/" | tr "\n" " " >ids &&
	printf "2 4 6 7 " >expect && test_cmp expect ids &&
	ferry-cat rejects.ferry | sed -n 2p >line &&
	test_grep "\"kind\":\"system\"" line &&
	test_grep "\"ferry_reject_reason\":\"table messages, row 4 (id=4), column kind: value '"'"'system'"'"' is not in the map\"" line &&
	ferry-cat rejects.ferry | sed -n 1p >line &&
	test_grep "\"ferry_reject_reason\":\"table messages, row 2 (id=2), column ratio: division by zero\"" line &&
	test_expect_code 6 ferry-transform -s rj.json --rejects r2.ferry --max-rejects 1 -o never.ferry "$G/chat.ferry" 2>err &&
	test_grep "2 rows rejected, more than --max-rejects 1" err &&
	! test -e never.ferry &&
	ferry-cat --check -q r2.ferry &&
	test "$(ferry-cat r2.ferry | wc -l)" -eq 2 &&
	test_expect_code 2 ferry-transform -s rj.json --max-rejects 1 "$G/chat.ferry" 2>err &&
	test_grep "max-rejects goes with --rejects" err
'

test_expect_success 'a cast that does not convert can reject the row' '
	echo "{\"tables\": {\"messages\": {\"columns\": {\"body\": {\"cast\": \"int64\", \"invalid\": \"reject\"}}}}}" >rc.json &&
	ferry-transform -s rc.json --rejects rc-rej.ferry -o rc.ferry "$G/chat.ferry" 2>err &&
	test_grep "7 rows rejected" err &&
	ferry-cat -t messages rc.ferry >rows &&
	test_grep "\"id\":3," rows && test_grep "\"body\":null" rows &&
	test "$(wc -l <rows)" -eq 1 &&
	ferry-cat rc-rej.ferry | sed -n 1p >line &&
	test_grep "column body: text '"'"'hello, world'"'"' is not a valid int64" line
'

test_expect_success 'verify -s follows the where filter, computed columns and rejects' '
	ferry-verify -t messages -s w.json "$G/chat.ferry" w.ferry >out &&
	test_grep "messages: A 5 rows, B 5 rows: equal" out &&
	ferry-verify -t messages -s c.json "$G/chat.ferry" c.ferry >out &&
	test_grep "messages: A 8 rows, B 8 rows: equal" out &&
	ferry-verify -t messages -s rj.json "$G/chat.ferry" rj.ferry >out &&
	test_grep "messages: A 4 rows, B 4 rows: equal" out &&
	test_grep "messages: side A has 4 rows the spec rejects: not compared" out &&
	test_expect_code 1 ferry-verify -t messages -s w2.json "$G/chat.ferry" w.ferry >out &&
	test_grep "messages: A 5 rows, B 5 rows: DIFFERENT (2 missing in B, 2 extra in B, 0 changed)" out
'

test_expect_success 'memory stays flat: 100k and 1M rows through a full spec, under 64 MiB' '
	cat >big.json <<-\EOT &&
	{"tables": {"messages": {
	  "rename": "chat_messages",
	  "where": "NOT deleted AND kind <> '"'"'system'"'"'",
	  "columns": {"body": {"mask": {"method": "hmac", "key_env": "FERRY_MASK_KEY"}},
	              "kind": {"cast": "text"}, "id": {"shift": 1000}},
	  "add": {"body_chars": {"expr": "length(body)"},
	          "label": {"expr": "upper(kind) || '"'"':'"'"' || sender_id"}}}}}
	EOT
	for n in 100000 1000000; do
		awk -v n=$n -f "$TEST_ROOT/scripts/gen-messages.awk" |
			"$TEST_ROOT/build/ferry-cat" --encode -S "$TESTDATA/bench/messages.schema.json" -o m$n.ferry &&
		FERRY_MASK_KEY=k /usr/bin/time -f "%M" -o rss$n "$TEST_ROOT/build/ferry-transform" \
			-s big.json -o t$n.ferry m$n.ferry &&
		"$TEST_ROOT/build/ferry-cat" --check -q t$n.ferry || return 1
	done &&
	echo "peak RSS: $(cat rss100000) KiB at 100k rows, $(cat rss1000000) KiB at 1M rows" &&
	test $(cat rss1000000) -lt 65536 &&
	test $(cat rss1000000) -lt $(($(cat rss100000) + 4096)) &&
	"$TEST_ROOT/build/ferry-cat" -f summary t1000000.ferry >sum &&
	test_grep "table chat_messages" sum &&
	rm -f m100000.ferry m1000000.ferry t100000.ferry t1000000.ferry
'

test_expect_success '--check-spec checks the spec alone; the example specs are good' '
	ferry-transform -s s.json --check-spec &&
	for f in "$TESTDATA"/specs/*.json; do
		FERRY_MASK_KEY=test-key ferry-transform --check-spec -s "$f" || return 1
	done &&
	echo "{\"tables\": 1}" >bad.json &&
	test_expect_code 5 ferry-transform -s bad.json --check-spec 2>err &&
	test_grep "tables: expected an object of tables, not a number" err
'

test_expect_success 'usage errors' '
	test_expect_code 2 ferry-transform "$G/chat.ferry" 2>err &&
	test_grep "give the spec with -s SPEC" err &&
	test_expect_code 5 ferry-transform -s nonexistent.json "$G/chat.ferry" 2>err &&
	test_grep "nonexistent.json: No such file or directory" err &&
	test_expect_code 2 ferry-transform -s id.json a b 2>err &&
	test_grep "more than one input file" err
'

test_expect_success 'a cast or a shift takes "unsigned" off a column, a rename keeps it' '
	cat >uns.schema.json <<-\EOT &&
	[{"name": "t", "columns": [{"name": "id", "type": "int64", "nullable": false, "unsigned": true},
	   {"name": "n", "type": "int64", "unsigned": true},
	   {"name": "p", "type": "decimal", "unsigned": true}], "primary_key": ["id"]}]
	EOT
	echo "{\"table\": \"t\", \"row\": {\"id\": 1, \"n\": 2, \"p\": \"3.5\"}}" >uns.jsonl &&
	ferry-cat --encode -S uns.schema.json -o uns.ferry uns.jsonl &&
	echo "{\"tables\": {\"t\": {\"columns\": {\"id\": {\"cast\": \"text\"}, \"n\": {\"shift\": -5}, \"p\": {\"rename\": \"price\"}}}}}" >uns.json &&
	ferry-transform -s uns.json uns.ferry | ferry-cat -f summary >sum &&
	grep "^  column" sum >got &&
	cat >expect <<-\EOT &&
	  column id: text not null
	  column n: int64
	  column price: decimal unsigned
	EOT
	test_cmp expect got
'

test_done
