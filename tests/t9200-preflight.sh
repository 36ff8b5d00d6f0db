#!/bin/sh
# Preflight: ferry-extract --inventory of the dirty chat database names
# every risky column; ferry-load --check finds exactly the planted bad
# values against narrower targets on both engines, writes nothing, and
# passes once a transform spec has cleaned them, after which the real load
# goes through.
. "$(dirname "$0")/lib.sh"
test_need_db

DIRTY=$TESTDATA/dirty-chat
PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
my_to() {
	mariadb --no-defaults --default-character-set=utf8mb4 \
		-S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch "${TEST_DB}_to" "$@"
}
# a digest of everything in a target: schema and rows
pg_digest() {
	pg_dump -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry \
		--no-owner "$TEST_DB" | grep -v -e "^--" -e "^.restrict " -e "^.unrestrict " | sha256sum
}
my_digest() {
	mariadb-dump --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot \
		--skip-dump-date --skip-comments "${TEST_DB}_to" | sha256sum
}
# the findings of a --check report, one line each, sorted
findings() {
	jq -r '.tables[] | .table as $t | .findings[] |
		"\($t) \(.column) \(.kind) \(.effect) \(.count) \(.samples | join(";"))"' "$1" | sort
}

test_expect_success 'setup: the dirty database, and narrower targets on both engines' '
	my_fresh_db && my_sql <"$DIRTY/mysql.sql" &&
	pg_fresh_db && pg_sql <"$DIRTY/target-pg.sql" &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
	my_to <"$DIRTY/target-mysql.sql"
'

test_expect_success 'inventory: every risky column named, estimates marked' '
	ferry-extract --inventory "$MY_URI" --all-tables >inv.txt &&
	ferry-extract --inventory "$MY_URI" >inv-all.txt &&
	test_cmp inv.txt inv-all.txt &&
	grep -q "^table messages: [0-9]* rows (estimate), data .*, primary key (id)$" inv.txt &&
	grep -q "^table audit_log: .* primary key NONE$" inv.txt &&
	test_grep "  decide: no_primary_key: " inv.txt &&
	test_grep "  decide: birthday: zero_dates: " inv.txt &&
	test_grep "  decide: flag: tinyint1: " inv.txt &&
	test_grep "  decide: is_bot: tinyint1: " inv.txt &&
	test_grep "  decide: kind: enum: " inv.txt &&
	test_grep "  decide: external_id: unsigned: BIGINT UNSIGNED" inv.txt &&
	test_grep "  decide: signature: utf8mb3: " inv.txt &&
	test_grep "  decide: city: charset: " inv.txt &&
	test_grep "  decide: legacy_name: blob: " inv.txt &&
	test_grep "  decide: metadata: json: " inv.txt &&
	test_grep "  decide: created_at: datetime_zone: " inv.txt &&
	grep -q "^  kind  *enum(.text.,.image.,.file.,.system.,.sticker.) -> enum  *not null$" inv.txt &&
	grep -q "^  external_id  *bigint(20) unsigned  *-> uint64  *null$" inv.txt &&
	grep -q "^total: 4 tables, [0-9]* rows (estimate), " inv.txt
'

test_expect_success 'inventory --exact --report: counts, odd values, growth, copy time' '
	ferry-extract --inventory "$MY_URI" -t users -t messages -t legacy_flags \
		--exact --time-column messages=created_at --rate 2 \
		--report inv.json >inv2.txt &&
	jq -e ".exact == true and .engine == \"mysql\" and .server.zero_dates_allowed == true" inv.json &&
	jq -r ".tables[] | \"\(.table) \(.rows) \(.rows_exact) \(.primary_key | join(\",\"))\"" inv.json >rows &&
	printf "users 5 true id\nmessages 6 true id\nlegacy_flags 2 true id\n" >expect &&
	test_cmp expect rows &&
	jq -r ".tables[] | .table as \$t | .risks[] | select(.count != null) | \"\(\$t) \(.column) \(.kind) \(.count)\"" inv.json >odd &&
	cat >expect <<-\EOT &&
	users is_bot tinyint1 0
	users birthday zero_dates 1
	users created_at zero_dates 0
	messages created_at zero_dates 0
	legacy_flags flag tinyint1 1
	EOT
	test_cmp expect odd &&
	jq -r ".tables[] | select(.table == \"messages\") | .rows_per_day | \"\(.newest) \(.rows) \([.per_day[] | \"\(.day)=\(.rows)\"] | join(\" \"))\"" inv.json >days &&
	echo "2024-03-31 6 2024-03-28=1 2024-03-29=1 2024-03-30=2 2024-03-31=2" >expect &&
	test_cmp expect days &&
	jq -r ".tables[] | \"\(.table) \(.copy_seconds)\"" inv.json >secs &&
	printf "users 2.5\nmessages 3\nlegacy_flags 1\n" >expect &&
	test_cmp expect secs &&
	jq -e ".totals.rows == 13 and .totals.copy_seconds == 6.5" inv.json &&
	jq -e "[.tables[].columns[] | select(.name == \"signature\")][0].charset == \"utf8mb3\"" inv.json &&
	test_grep "    2024-03-30 2" inv2.txt &&
	test_grep "  copy: about 3 s at 2 rows/s" inv2.txt
'

test_expect_success 'inventory --rate-from: the rates of an earlier run' '
	ferry-extract "$MY_URI" -t users -o /dev/null --stats st.json &&
	jq ".tables[0].rows_per_second = 5 | .seconds = 1" st.json >st5.json &&
	ferry-extract --inventory "$MY_URI" -t users -t messages --exact \
		--rate-from st5.json --report r.json >/dev/null &&
	jq -r ".tables[] | \"\(.table) \(.rate) \(.copy_seconds)\"" r.json >got &&
	printf "users 5 1\nmessages 5 1.2\n" >expect &&
	test_cmp expect got &&
	echo "{}" >bad.json &&
	test_expect_code 2 ferry-extract --inventory "$MY_URI" -t users \
		--rate-from bad.json 2>err &&
	test_grep "rate-from bad.json: not the --stats file" err
'

test_expect_success 'inventory on PostgreSQL: estimates, sizes, zone decisions' '
	pg_sql "CREATE TABLE ev (id bigint PRIMARY KEY, at timestamp NOT NULL, n inet)" &&
	pg_sql "INSERT INTO ev SELECT g, timestamp '"'"'2024-01-10'"'"' + g * interval '"'"'1 day'"'"', NULL FROM generate_series(1, 40) g" &&
	pg_sql "ANALYZE ev" &&
	ferry-extract --inventory "$PG_URI" -t ev --time-column ev=at --report pg.json >pg.txt &&
	jq -e ".engine == \"postgresql\" and .tables[0].rows == 40 and .tables[0].rows_exact == false and .tables[0].data_bytes > 0" pg.json &&
	jq -r ".tables[0].risks[] | \"\(.column) \(.kind)\"" pg.json >risks &&
	printf "at datetime_zone\nn as_text\n" >expect &&
	test_cmp expect risks &&
	jq -e ".tables[0].rows_per_day.newest == \"2024-02-19\" and .tables[0].rows_per_day.rows == 30" pg.json
'

test_expect_success 'inventory: usage errors' '
	test_expect_code 2 ferry-extract "$MY_URI" -t users --exact -o x 2>err &&
	test_grep "go with --inventory" err &&
	test_expect_code 2 ferry-extract --inventory "$MY_URI" -t users --rate 1 --rate-from st.json 2>err &&
	test_expect_code 2 ferry-extract --inventory "$MY_URI" -t users --time-column messages=created_at 2>err &&
	test_grep "table messages is not one of the tables" err &&
	test_expect_code 2 ferry-extract --inventory "$MY_URI" -t users --time-column users=username 2>err &&
	test_grep "column username of table users is text, not a date or time" err
'

test_expect_success 'the stream of the dirty database (the TINYINT(1) holding 7 left out)' '
	test_expect_code 3 ferry-extract "$MY_URI" -t legacy_flags -o /dev/null 2>err &&
	ferry-extract "$MY_URI" --all-tables -x legacy_flags -o dirty.ferry
'

test_expect_success '--check into PostgreSQL: exactly the planted values, target unchanged' '
	pg_digest >before &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i dirty.ferry --report pg-check.json >pg-check.txt &&
	pg_digest >after && test_cmp before after &&
	findings pg-check.json >got &&
	cat >expect <<-\EOT &&
	messages body nul_byte refused 1 id=2
	messages body null_not_null refused 1 id=5
	messages is_edited not_bool refused 1 id=4
	messages kind enum_label refused 1 id=3
	users display_name too_long refused 1 id=2
	users external_id out_of_range refused 1 id=3
	users legacy_name bytes_as_hex changed 1 id=5
	EOT
	test_cmp expect got &&
	jq -r ".tables[] | \"\(.table) \(.exists) \(.empty) \(.clean) \(.problems | length)\"" pg-check.json >tabs &&
	printf "audit_log false null false 1\nmessages true true false 0\nusers true true false 0\n" >expect &&
	test_cmp expect tabs &&
	test_grep "  FAILS: table audit_log does not exist (use --create)" pg-check.txt &&
	test_grep "  display_name: too_long: 1 rows: longer than character varying(20)'"'"'s 20 characters; keys: id=2" pg-check.txt &&
	test_grep "check: a load would fail: 6 findings of refused rows, 1 table problems" pg-check.txt &&
	pg_sql "SELECT count(*) FROM pg_tables WHERE tablename = '"'"'audit_log'"'"'" >n &&
	echo 0 >expect && test_cmp expect n
'

test_expect_success '--check into MariaDB: exactly the planted values, target unchanged' '
	my_digest >before &&
	test_expect_code 6 ferry-load --check --create "$MY_TO" -i dirty.ferry --report my-check.json >my-check.txt &&
	my_digest >after && test_cmp before after &&
	findings my-check.json >got &&
	cat >expect <<-\EOT &&
	messages body null_not_null refused 1 id=5
	messages is_edited not_bool refused 1 id=4
	messages kind enum_label refused 1 id=3
	users display_name too_long refused 1 id=2
	users external_id out_of_range refused 1 id=3
	users legacy_name invalid_utf8 refused 1 id=5
	EOT
	test_cmp expect got &&
	jq -e "[.tables[] | select(.table == \"audit_log\")][0] | .exists == false and .create == true and (.problems | length) == 0" my-check.json &&
	my_to -N -e "SHOW TABLES" >tables &&
	printf "messages\nusers\n" >expect && test_cmp expect tables
'

test_expect_success '--check agrees with a real load: the dirty stream is refused' '
	test_must_fail ferry-load "$MY_TO" --create -i dirty.ferry 2>err &&
	my_to -N -e "SELECT COUNT(*) FROM users" >n &&
	echo 0 >expect && test_cmp expect n
'

test_expect_success 'after the cleaning spec: --check exits 0 and the real loads go through' '
	ferry-transform -s "$DIRTY/clean.json" <dirty.ferry >clean.ferry &&
	ferry-load --check --create "$PG_URI" -i clean.ferry >c1.txt &&
	test_grep "check: a load would go through" c1.txt &&
	ferry-load --check --create "$MY_TO" -i clean.ferry >c2.txt &&
	ferry-load --create "$PG_URI" -i clean.ferry &&
	ferry-load --create "$MY_TO" -i clean.ferry &&
	pg_sql "SELECT count(*) FROM users" >n && echo 5 >expect && test_cmp expect n &&
	pg_sql "SELECT count(*) FROM messages" >n && echo 6 >expect && test_cmp expect n &&
	my_to -N -e "SELECT COUNT(*) FROM messages" >n && echo 6 >expect && test_cmp expect n &&
	pg_sql "SELECT display_name FROM users WHERE id = 2" >v &&
	echo "Bob with a very long" >expect && test_cmp expect v
'

test_expect_success '--check on a loaded target: the keys it already holds are refused rows (insert), not with upsert' '
	test_expect_code 6 ferry-load --check "$PG_URI" -i clean.ferry --report full.json >full.txt &&
	jq -e "[.tables[] | select(.table == \"users\")][0] | .empty == false and (.notes[0] | test(\"a key that exists would be refused\"))" full.json &&
	test_grep "table users -> users: 5 rows; exists, matches, NOT EMPTY" full.txt &&
	jq -r "[.tables[] | select(.table == \"users\")][0].findings[] | select(.kind == \"key_exists\") | \"\\(.column) \\(.count) \\(.samples | length)\"" full.json >ke &&
	echo "id 5 5" >expect && test_cmp expect ke &&
	test_expect_code 6 ferry-load --check "$MY_TO" -i clean.ferry --report myfull.json >/dev/null &&
	jq -r "[.tables[] | select(.table == \"users\")][0].findings[] | select(.kind == \"key_exists\") | .count" myfull.json >ke &&
	echo 5 >expect && test_cmp expect ke &&
	test_expect_code 6 ferry-load --check -m upsert "$PG_URI" -i clean.ferry --report up.json >up.txt &&
	test_grep "FAILS: --mode upsert needs a primary key" up.txt &&
	test "$(grep -c FAILS up.txt)" -eq 1 &&
	! jq -e "[.tables[].findings[] | select(.kind == \"key_exists\")] | length > 0" up.json
'

test_expect_success '--check on a partly loaded target: exactly the overlapping keys' '
	pg_sql "DELETE FROM users WHERE id > 2" &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i clean.ferry --report part.json >part.txt &&
	test_grep "key_exists" part.txt &&
	jq -r "[.tables[] | select(.table == \"users\")][0].findings[] | select(.kind == \"key_exists\") | \"\\(.count) \\(.samples | join(\";\"))\"" part.json >ke &&
	echo "2 id=1;id=2" >expect && test_cmp expect ke
'

test_expect_success '--check: a NOT NULL column of the target the stream lacks, without a default' '
	printf "%s\n" "{\"table\":\"extra\",\"row\":{\"id\":1}}" >extra.jsonl &&
	echo "{\"name\": \"extra\", \"columns\": [{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false}], \"primary_key\": [\"id\"]}" >extra.schema.json &&
	ferry-cat --encode -S extra.schema.json -o extra.ferry extra.jsonl &&
	pg_sql "CREATE TABLE extra (id int PRIMARY KEY, must text NOT NULL, fine text NOT NULL DEFAULT '"'"'x'"'"', n serial, g int GENERATED ALWAYS AS IDENTITY)" &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i extra.ferry >x.txt &&
	test_grep "column must of extra is NOT NULL without a default" x.txt &&
	! grep -q "column fine\|column n \|column g " x.txt &&
	pg_sql "ALTER TABLE extra ALTER COLUMN must SET DEFAULT '"'"'y'"'"'" &&
	ferry-load --check "$PG_URI" -i extra.ferry >x.txt &&
	my_to -e "CREATE TABLE extra (id INT PRIMARY KEY, must TEXT NOT NULL, fine VARCHAR(5) NOT NULL DEFAULT '"'"'x'"'"', n INT NOT NULL AUTO_INCREMENT, KEY (n))" &&
	test_expect_code 6 ferry-load --check "$MY_TO" -i extra.ferry >x.txt &&
	test_grep "column must of extra is NOT NULL without a default" x.txt &&
	! grep -q "column fine\|column n " x.txt
'

test_expect_success '--check: an enum --create made in PostgreSQL (text with a CHECK, or a type) refuses a new label' '
	my_sql "CREATE TABLE moods (id INT PRIMARY KEY, mood ENUM('"'"'sad'"'"', '"'"'it'"'"''"'"'s ok'"'"') NOT NULL, note VARCHAR(9));
		INSERT INTO moods VALUES (1, '"'"'sad'"'"', '"'"'x'"'"'), (2, '"'"'it'"'"''"'"'s ok'"'"', NULL)" &&
	ferry-extract "$MY_URI" -t moods -o moods1.ferry &&
	ferry-load --create --enum-types check "$PG_URI" -i moods1.ferry &&
	pg_sql "ALTER TABLE moods ADD CONSTRAINT short CHECK (length(note) < 5)" &&
	my_sql "ALTER TABLE moods MODIFY mood ENUM('"'"'sad'"'"', '"'"'it'"'"''"'"'s ok'"'"', '"'"'glad'"'"') NOT NULL;
		INSERT INTO moods VALUES (3, '"'"'glad'"'"', NULL), (4, '"'"'sad'"'"', NULL)" &&
	ferry-extract "$MY_URI" -t moods --where "moods=id > 2" -o moods2.ferry &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i moods2.ferry --report moods.json >moods.txt &&
	findings moods.json >got &&
	echo "moods mood enum_label refused 1 id=3" >expect && test_cmp expect got &&
	test_grep "CHECK (IN ...) does not" moods.txt &&
	ferry-load --check -m upsert "$PG_URI" -i moods1.ferry >/dev/null &&
	pg_sql "DROP TABLE moods" &&
	ferry-load --create "$PG_URI" -i moods1.ferry &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i moods2.ferry --report moods.json >moods.txt &&
	findings moods.json >got &&
	test_cmp expect got &&
	test_grep "mood: enum_label: 1 rows: a label moods_mood does not have; keys: id=3" moods.txt &&
	test_must_fail ferry-load "$PG_URI" -i moods2.ferry 2>err &&
	test_grep "invalid input value for enum moods_mood" err
'

cat >dup.schema.json <<\EOSCHEMA
{"name": "users", "columns": [
 {"name": "id", "type": "int64", "nullable": false},
 {"name": "username", "type": "text", "nullable": false},
 {"name": "is_bot", "type": "bool", "nullable": false},
 {"name": "created_at", "type": "timestamp", "nullable": false}],
 "primary_key": ["id"]}
EOSCHEMA

test_expect_success '--check: duplicate keys within a stream, with their keys' '
	for i in 1 2 3 2 4 1 5; do
		echo "{\"id\": $i, \"username\": \"u$i\", \"is_bot\": false, \"created_at\": \"2024-01-01T00:00:00\"}"
	done >dup.jsonl &&
	ferry-cat --encode -S dup.schema.json -o dup.ferry dup.jsonl &&
	pg_fresh_db && pg_sql <"$DIRTY/target-pg.sql" &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i dup.ferry --report dup.json >dup.txt &&
	findings dup.json >got &&
	echo "users id duplicate_key refused 2 id=2;id=1" >expect &&
	test_cmp expect got &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i dup.ferry --samples 1 --report dup1.json >/dev/null &&
	findings dup1.json >got &&
	echo "users id duplicate_key refused 2 id=2" >expect &&
	test_cmp expect got
'

test_expect_success '--check: bounded key memory; a sorted stream compared by neighbours' '
	test_expect_code 0 ferry-load --check "$PG_URI" -i dup.ferry --max-keys 2 --report lim.json >lim.txt &&
	jq -e "[.tables[0].notes[] | select(test(\"duplicate keys checked up to row 4 only: more than 2 keys\"))] | length == 1" lim.json &&
	for i in 1 2 2 3 4 4 4; do
		echo "{\"id\": $i, \"username\": \"u$i\", \"is_bot\": false, \"created_at\": \"2024-01-01T00:00:00\"}"
	done >sorted.jsonl &&
	ferry-cat --encode -S dup.schema.json -o sorted.ferry sorted.jsonl &&
	test_expect_code 6 ferry-load --check "$PG_URI" -i sorted.ferry --max-keys 1 --report s.json >/dev/null &&
	findings s.json >got &&
	echo "users id duplicate_key refused 3 id=2;id=4;id=4" >expect &&
	test_cmp expect got
'

test_expect_success '--check: a truncated stream is exit 3, as for a load' '
	head -c 200 dirty.ferry >cut.ferry &&
	test_expect_code 3 ferry-load --check "$PG_URI" -i cut.ferry >/dev/null 2>err &&
	test_grep "cut.ferry" err
'

test_expect_success '--check: usage errors' '
	test_expect_code 2 ferry-load "$PG_URI" --samples 3 -i dup.ferry 2>err &&
	test_grep "go with --check" err &&
	test_expect_code 2 ferry-load --check --job j "$PG_URI" -i dup.ferry 2>err &&
	test_grep "check writes nothing" err
'

test_done
