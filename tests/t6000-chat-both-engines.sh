#!/bin/sh
# The reference chat database, generated into MariaDB and PostgreSQL from
# the same seed, extracts to the same rows: equal row counts and equal
# digests for every table.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup: the chat database in both engines (500 messages)' '
	sh "$TEST_ROOT/scripts/load-chat.sh" mysql 500 "$TEST_DB" 2>load.log &&
	sh "$TEST_ROOT/scripts/load-chat.sh" postgres 500 "$TEST_DB" 2>>load.log
'

test_expect_success 'both engines extract whole, in one snapshot each' '
	ferry-extract "$MY_URI" --all-tables --stats my.json -o my.ferry &&
	ferry-extract "$PG_URI" --all-tables --stats pg.json -o pg.ferry &&
	ferry-cat --check my.ferry >out && test_grep "ok, 7 tables" out &&
	ferry-cat --check pg.ferry >out && test_grep "ok, 7 tables" out
'

summary() { # summary FILE: "table rows digest" per table
	ferry-cat -f summary "$1" | awk '
		/^table / { t = $2 }
		/^  rows: / { r = $2 }
		/^  digest: / { print t, r, $2 }'
}

test_expect_success 'row counts agree for every table' '
	summary my.ferry | cut -d" " -f1,2 >my.rows &&
	summary pg.ferry | cut -d" " -f1,2 >pg.rows &&
	test_cmp my.rows pg.rows &&
	test_grep "messages 500" my.rows
'

test_expect_success 'digests agree for every table, BIGINT UNSIGNED against numeric(20) too' '
	summary my.ferry >my.dig &&
	summary pg.ferry >pg.dig &&
	test_cmp my.dig pg.dig &&
	test $(wc -l <my.dig) -eq 7
'

test_expect_success 'MariaDB zero dates were counted as NULLs' '
	grep -A8 "\"users\"" my.json | grep "\"zero_dates_to_null\"" >z &&
	! grep -q "	0,\?$" z
'

test_expect_success 'the example rename spec carries the chat database into other names' '
	pg_sql "CREATE SCHEMA renamed" &&
	ferry-transform -s "$TESTDATA/specs/chat-renamed.json" my.ferry >renamed.ferry &&
	summary renamed.ferry >renamed.dig &&
	test $(wc -l <renamed.dig) -eq 7 &&
	maps=$(awk "{ printf \" --table-map=%s=renamed.%s\", \$1, \$1 }" renamed.dig) &&
	ferry-load "$PG_URI options=-csearch_path=nosuch" --create $maps <renamed.ferry &&
	pg_sql "DROP DATABASE IF EXISTS ${TEST_DB}_r" &&
	pg_sql "CREATE DATABASE ${TEST_DB}_r" &&
	ferry-transform -s "$TESTDATA/specs/chat-renamed.json" my.ferry |
		ferry-load "$PG_URI dbname=${TEST_DB}_r" --create &&
	pg_sql "SELECT count(*) FROM renamed.chat_messages" >n &&
	echo 500 >expect && test_cmp expect n &&
	pg_sql "SELECT count(*) FROM renamed.accounts WHERE name IS NOT NULL" >n &&
	test "$(cat n)" -gt 0 &&
	pg_sql "SELECT string_agg(column_name, '"'"','"'"' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = '"'"'renamed'"'"' AND table_name = '"'"'accounts'"'"'" >cols &&
	test_grep "id,username,name,email,external_id," cols &&
	test_grep ",inserted_at," cols &&
	! grep -q avatar_sha256 cols &&
	pg_sql "SELECT count(*) FROM renamed.message_reads" >n1 &&
	pg_sql "SELECT count(*) FROM read_receipts" >n2 &&
	test_cmp n2 n1
'

test_expect_success 'verify -s compares the source with its renamed copy' '
	ferry-verify --zero-dates null -s "$TESTDATA/specs/chat-renamed.json" "$MY_URI" \
		"$PG_URI dbname=${TEST_DB}_r" >out &&
	test_grep "messages: A 500 rows, B 500 rows: equal" out &&
	test_grep "users: A " out &&
	test_grep "the two sides are equal" out &&
	test_expect_code 1 ferry-verify -s "$TESTDATA/specs/chat-renamed.json" -t users \
		"$MY_URI" "$PG_URI dbname=${TEST_DB}_r" >out &&
	test_grep "B NULL" out && test_grep "0000-00-00" out &&
	ferry-extract "$MY_URI" --all-tables --order pk -o myo.ferry &&
	ferry-verify -s "$TESTDATA/specs/chat-renamed.json" myo.ferry \
		"$PG_URI dbname=${TEST_DB}_r" >out &&
	test_grep "the two sides are equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null "$MY_URI" "$PG_URI dbname=${TEST_DB}_r" -t messages >out &&
	test_grep "messages: only in A: DIFFERENT" out
'

test_expect_success 'verify -s: a changed value in a renamed column, and spec errors exit 5' '
	psql -X -q -At -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry -d "${TEST_DB}_r" \
		-c "UPDATE chat_messages SET text = '"'"'x'"'"' WHERE id = (SELECT min(id) FROM chat_messages)" &&
	test_expect_code 1 ferry-verify -s "$TESTDATA/specs/chat-renamed.json" -t messages \
		"$MY_URI" "$PG_URI dbname=${TEST_DB}_r" >out &&
	test_grep "changed: id=" out &&
	test_grep " text: A " out &&
	echo "{\"tables\": {\"messages\": {\"columns\": {\"bodyy\": {\"drop\": true}}}}}" >bad.json &&
	test_expect_code 5 ferry-verify --zero-dates null -s bad.json -t messages "$MY_URI" "$PG_URI" 2>err &&
	test_grep "bad.json: line 1: tables.messages.columns.bodyy: table messages has no column bodyy" err &&
	pg_sql "DROP DATABASE ${TEST_DB}_r"
'

test_expect_success 'the example test-copy spec masks the chat database' '
	FERRY_MASK_KEY=test-key ferry-transform -s "$TESTDATA/specs/chat-test-copy.json" my.ferry -o masked.ferry &&
	ferry-cat -t users my.ferry | jq -r ".row.email // empty" | grep . | sort -u >emails &&
	test "$(wc -l <emails)" -gt 3 &&
	ferry-cat masked.ferry >masked.jsonl &&
	! grep -F -f emails masked.jsonl &&
	ferry-cat -t messages masked.ferry | jq -r ".row.body // empty" | sort -u >bodies &&
	echo "(redacted)" >expect && test_cmp expect bodies &&
	ferry-cat -f summary masked.ferry >sum &&
	! grep -q "column thumbnail" sum &&
	test_grep "total: 7 tables" sum &&
	pg_sql "DROP DATABASE IF EXISTS ${TEST_DB}_m" 2>/dev/null &&
	pg_sql "CREATE DATABASE ${TEST_DB}_m" &&
	ferry-load "$PG_URI dbname=${TEST_DB}_m" --create -i masked.ferry &&
	FERRY_MASK_KEY=test-key ferry-verify --zero-dates null -s "$TESTDATA/specs/chat-test-copy.json" \
		"$MY_URI" "$PG_URI dbname=${TEST_DB}_m" >out &&
	test_grep "users: A " out &&
	test_grep "the two sides are equal" out &&
	test_expect_code 1 env FERRY_MASK_KEY=another-key ferry-verify --zero-dates null -s "$TESTDATA/specs/chat-test-copy.json" \
		-t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_m" >out &&
	test_grep "users: A " out &&
	test_grep " changed)" out &&
	pg_sql "DROP DATABASE ${TEST_DB}_m"
'

# spec_copy SPEC X: my.ferry through ferry-transform -s SPEC into a new
# PostgreSQL database ${TEST_DB}_X
spec_copy() {
	pg_sql "DROP DATABASE IF EXISTS ${TEST_DB}_$2" 2>/dev/null &&
	pg_sql "CREATE DATABASE ${TEST_DB}_$2" &&
	ferry-transform -s "$1" my.ferry | ferry-load "$PG_URI dbname=${TEST_DB}_$2" --create
}

test_expect_success 'ids shifted on the way, and verify -s pairs the shifted keys' '
	echo "{\"tables\": {\"users\": {\"columns\": {\"id\": {\"shift\": 1000000}}}, \"*\": {\"columns\": {\"sender_id\": {\"shift\": 1000000}}}}}" >shift.json &&
	spec_copy shift.json s &&
	ferry-verify --zero-dates null -s shift.json -t users -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_s" >out &&
	test_grep "users: A 10 rows, B 10 rows: equal" out &&
	test_grep "messages: A 500 rows, B 500 rows: equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_s" >out &&
	test_grep "(10 missing in B, 10 extra in B, 0 changed)" out &&
	pg_sql "DROP DATABASE ${TEST_DB}_s"
'

test_expect_success 'DATETIMEs written in Tokyo become timestamptz, and verify -s agrees' '
	echo "{\"tables\": {\"messages\": {\"columns\": {\"created_at\": {\"zone\": \"Asia/Tokyo\"}}}}}" >zone.json &&
	spec_copy zone.json z &&
	psql -X -q -At -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry -d "${TEST_DB}_z" \
		-c "SELECT data_type FROM information_schema.columns WHERE table_name = '"'"'messages'"'"' AND column_name = '"'"'created_at'"'"'" >type &&
	echo "timestamp with time zone" >expect && test_cmp expect type &&
	ferry-verify --zero-dates null -s zone.json -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_z" >out &&
	test_grep "messages: A 500 rows, B 500 rows: equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_z" >out &&
	test_grep "(0 missing in B, 0 extra in B, 500 changed)" out &&
	pg_sql "DROP DATABASE ${TEST_DB}_z"
'

test_expect_success 'message kinds renamed by a map, and verify -s agrees' '
	echo "{\"tables\": {\"messages\": {\"columns\": {\"kind\": {\"map\": {\"image\": \"media\", \"file\": \"media\"}}}}}}" >map.json &&
	spec_copy map.json k &&
	psql -X -q -At -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry -d "${TEST_DB}_k" \
		-c "SELECT DISTINCT kind FROM messages ORDER BY 1" >kinds &&
	! grep -q -e image -e file kinds && test_grep media kinds &&
	ferry-verify --zero-dates null -s map.json -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_k" >out &&
	test_grep "messages: A 500 rows, B 500 rows: equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_k" >out &&
	test_grep "messages: A 500 rows, B 500 rows: DIFFERENT" out &&
	pg_sql "DROP DATABASE ${TEST_DB}_k"
'

test_expect_success 'usernames cleaned to upper case, and verify -s agrees' '
	echo "{\"tables\": {\"users\": {\"columns\": {\"username\": {\"clean\": {\"case\": \"upper\", \"trim\": true}}}}}}" >clean.json &&
	spec_copy clean.json c &&
	ferry-verify --zero-dates null -s clean.json -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_c" >out &&
	test_grep "users: A 10 rows, B 10 rows: equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_c" >out &&
	pg_sql "DROP DATABASE ${TEST_DB}_c"
'

test_expect_success 'a cast column, and verify -s compares it cast; a cast key is refused' '
	echo "{\"tables\": {\"users\": {\"columns\": {\"is_bot\": {\"cast\": \"int64\"}, \"username\": {\"cast\": \"json\", \"invalid\": \"null\"}}}}}" >cast.json &&
	spec_copy cast.json t &&
	ferry-verify --zero-dates null -s cast.json -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_t" >out &&
	test_grep "users: A 10 rows, B 10 rows: equal" out &&
	test_expect_code 1 ferry-verify --zero-dates null -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_t" >out &&
	echo "{\"tables\": {\"users\": {\"columns\": {\"id\": {\"cast\": \"text\"}}}}}" >castkey.json &&
	test_expect_code 5 ferry-verify --zero-dates null -s castkey.json -t users "$MY_URI" "$PG_URI dbname=${TEST_DB}_t" 2>err &&
	test_grep "the spec converts key column id, which ferry-verify cannot merge on" err &&
	pg_sql "DROP DATABASE ${TEST_DB}_t"
'

test_expect_success 'the example merge spec: a second deployment loaded next to the first' '
	spec_copy "$TESTDATA/specs/chat-merge-second.json" m &&
	pgm() { psql -X -q -At -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry -d "${TEST_DB}_m" -c "$1"; } &&
	test "$(pgm "SELECT username FROM users WHERE id = 1000000000001")" = "admin@second" &&
	# the first deployment, whose external ids are its own
	my_sql "UPDATE users SET external_id = NULL" >/dev/null &&
	ferry-extract "$MY_URI" --all-tables -o first.ferry &&
	ferry-load "$PG_URI dbname=${TEST_DB}_m" -i first.ferry &&
	test "$(pgm "SELECT count(*) FROM messages")" -eq 1000 &&
	test "$(pgm "SELECT count(*) FROM users")" -eq 20 &&
	test "$(pgm "SELECT count(*) FROM messages m JOIN users u ON u.id = m.sender_id JOIN conversations c ON c.id = m.conversation_id AND (c.id >= 1000000000000) = (u.id >= 1000000000000)")" -eq 1000 &&
	test "$(pgm "SELECT count(*) FROM messages WHERE id >= 1000000000000")" -eq 500 &&
	test_expect_code 1 ferry-verify -t messages first.ferry "$PG_URI dbname=${TEST_DB}_m" >out &&
	test_grep "(0 missing in B, 500 extra in B, 0 changed)" out &&
	pg_sql "DROP DATABASE ${TEST_DB}_m"
'

test_expect_success 'a where filter and computed columns against MariaDB, and verify -s agrees' '
	cat >recent.json <<-\EOT &&
	{"tables": {"messages": {
	  "where": "NOT is_deleted AND created_at >= '"'"'2020-01-01'"'"' AND kind IN ('"'"'text'"'"', '"'"'file'"'"')",
	  "add": {"body_chars": {"expr": "length(body)"},
	          "thread": {"expr": "conversation_id || '"'"'/'"'"' || coalesce(reply_to_id, 0)"}}}}}
	EOT
	spec_copy recent.json w &&
	want=$(my_sql "SELECT count(*) FROM messages WHERE NOT is_deleted AND created_at >= '"'"'2020-01-01'"'"' AND kind IN ('"'"'text'"'"', '"'"'file'"'"')" | tail -1) &&
	pgw() { psql -X -q -At -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry -d "${TEST_DB}_w" -c "$1"; } &&
	test "$(pgw "SELECT count(*) FROM messages")" -eq "$want" &&
	test "$want" -gt 0 && test "$want" -lt 500 &&
	test "$(pgw "SELECT count(*) FROM messages WHERE body_chars IS DISTINCT FROM char_length(body)")" -eq 0 &&
	ferry-verify --zero-dates null -s recent.json -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_w" >out &&
	test_grep "messages: A $want rows, B $want rows: equal" out &&
	pgw "UPDATE messages SET thread = thread || '"'"'x'"'"' WHERE id = (SELECT min(id) FROM messages)" &&
	test_expect_code 1 ferry-verify --zero-dates null -s recent.json -t messages "$MY_URI" "$PG_URI dbname=${TEST_DB}_w" >out &&
	test_grep "(0 missing in B, 0 extra in B, 1 changed)" out &&
	test_grep " thread: A " out &&
	pg_sql "DROP DATABASE ${TEST_DB}_w"
'

test_done
