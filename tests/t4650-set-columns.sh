#!/bin/sh
# A MySQL SET keeps its members: the stream names them ("set"), a
# PostgreSQL target gets text[] with a CHECK that takes those members
# only, a MySQL target SET(...) again; a PostgreSQL source knows that
# text[] by its CHECK and reads it back as 'a,b', so ferry-verify pairs
# the engines and every direction round-trips.  --check names a member
# the target's SET lacks (set_member), as the load refuses it.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
APP="$PG_BASE dbname=${TEST_DB}_app"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >my.sql <<'EOF'
CREATE TABLE film (
  id INT PRIMARY KEY,
  special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
  tags SET('a','b','it''s','x\\y','"q"') NOT NULL DEFAULT 'a,b');
INSERT INTO film VALUES
  (1, 'Trailers,Deleted Scenes', 'a,b'), (2, NULL, ''),
  (3, 'Commentaries', 'it''s,x\\y,"q"'), (4, 'Behind the Scenes', 'b');
EOF

test_expect_success 'setup: a MariaDB table with SET columns' '
	my_fresh_db && pg_fresh_db &&
	for d in to app; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql <my.sql
'

cat >expect.sum <<'EOF'
  column special_features: text (set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')) collate utf8mb4_unicode_ci set of 'Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes'
  column tags: text not null (set('a','b','it''s','x\\y','"q"')) default 'a,b' collate utf8mb4_unicode_ci set of 'a', 'b', 'it's', 'x\y', '"q"'
EOF

test_expect_success 'the stream names each SET'"'"'s members' '
	ferry-extract "$MY_URI" -t film -o my.ferry &&
	ferry-cat -f summary my.ferry | grep " set of " >got &&
	test_cmp expect.sum got
'

test_expect_success 'MariaDB -> PostgreSQL: text[] that takes the members only' '
	ferry-load "$TO" --create <my.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT id, special_features, tags FROM film ORDER BY id" >got &&
	cat >expect <<-\EOF &&
	1|{Trailers,"Deleted Scenes"}|{a,b}
	2||{}
	3|{Commentaries}|{it'"'"'s,"x\\y","\"q\""}
	4|{"Behind the Scenes"}|{b}
	EOF
	test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t film &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO film (id, special_features) VALUES (9, '"'"'{Bogus}'"'"')" 2>err &&
	test_grep "film_special_features_check" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO film (id, special_features) VALUES (9, '"'"'{{Trailers}}'"'"')" 2>err &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO film (id, special_features) VALUES (9, '"'"'{Trailers,Commentaries}'"'"') RETURNING tags" >got &&
	echo "{a,b}" >expect && test_cmp expect got &&
	pg_in "${TEST_DB}_to" -c "DELETE FROM film WHERE id = 9"
'

test_expect_success 'PostgreSQL -> MariaDB: SET again, the same members, the same values' '
	ferry-extract "$TO" -t film -o pg.ferry &&
	ferry-cat -f summary pg.ferry | grep -c " set of " >got &&
	echo 2 >expect && test_cmp expect got &&
	ferry-load "$MY_BACK" --create <pg.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_TYPE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'film'"'"' AND DATA_TYPE = '"'"'set'"'"' ORDER BY ORDINAL_POSITION" >got &&
	cat >expect <<-\EOF &&
	set('"'"'Trailers'"'"','"'"'Commentaries'"'"','"'"'Deleted Scenes'"'"','"'"'Behind the Scenes'"'"')	NULL
	set('"'"'a'"'"','"'"'b'"'"','"'"'it'"'"''"'"'s'"'"','"'"'x\\\\y'"'"','"'"'"q"'"'"')	'"'"'a,b'"'"'
	EOF
	test_cmp expect got &&
	ferry-verify "$MY_URI" "$MY_BACK" -t film &&
	ferry-verify "$TO" "$MY_BACK" -t film &&
	test_must_fail my_in "${TEST_DB}_back" -e "SET sql_mode = '"'"'STRICT_ALL_TABLES'"'"'; INSERT INTO film (id, special_features) VALUES (9, '"'"'Bogus'"'"')"
'

test_expect_success 'PostgreSQL -> PostgreSQL and MariaDB -> MariaDB: the same definitions' '
	pg_in "${TEST_DB}_app" -c "SELECT 1" >/dev/null &&
	ferry-load "$APP" --create <pg.ferry &&
	for d in "${TEST_DB}_to" "${TEST_DB}_app"; do
		pg_in "$d" -c "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '"'"'film'"'"'::regclass AND contype = '"'"'c'"'"' ORDER BY 1" >"defs.$d" || return 1
	done &&
	test_cmp "defs.${TEST_DB}_to" "defs.${TEST_DB}_app" &&
	ferry-verify "$TO" "$APP" -t film &&
	my_in "${TEST_DB}_back" -e "DROP TABLE film" &&
	ferry-load "$MY_BACK" --create <my.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'film'"'"' AND DATA_TYPE = '"'"'set'"'"'" >got &&
	test_line_count () { test $(wc -l <"$2") -eq "$1"; } &&
	test_line_count 2 got &&
	ferry-verify "$MY_URI" "$MY_BACK" -t film
'

test_expect_success 'into a text[] that lacks a member: --check names the rows the load refuses' '
	pg_in "${TEST_DB}_app" -c "DROP TABLE film" &&
	pg_in "${TEST_DB}_app" -c "CREATE TABLE film (id int PRIMARY KEY, special_features text[] CHECK (((special_features <@ ARRAY['"'"'Trailers'"'"'::text, '"'"'Commentaries'"'"'::text, '"'"'Deleted Scenes'"'"'::text]) AND (array_ndims(special_features) = 1))), tags text[] NOT NULL)" &&
	test_expect_code 6 ferry-load "$APP" --check <my.ferry >check.out &&
	test_grep "special_features: set_member: 1 rows: a member the SET (text[]) does not have; keys: id=4" check.out &&
	ferry-load "$APP" --rejects rj.ferry <my.ferry 2>err &&
	test_grep "1 rows rejected" err &&
	ferry-cat -f jsonl rj.ferry >rj.jsonl &&
	test_grep "\"row\":{\"id\":4," rj.jsonl &&
	pg_in "${TEST_DB}_app" -c "SELECT count(*) FROM film" >got &&
	echo 3 >expect && test_cmp expect got
'

cat >spec.json <<'EOF'
{"tables": {"film": {"columns": {"tags": {"mask": {"method": "redact"}}}}}}
EOF

test_expect_success 'ferry-transform: a SET whose values the spec changes is plain text, named' '
	ferry-transform -s spec.json my.ferry -o t.ferry &&
	ferry-cat -f summary t.ferry >sum &&
	test "$(grep -c " set of " sum)" = 1 &&
	test_grep "set: 1 (film: tags)" sum
'

cat >x.schema <<'EOF'
{"name": "x", "columns": [{"name": "a", "type": "text", "set": ["p", "q,r"]}]}
EOF

test_expect_success 'a stream SET member holding a comma is a bad stream' '
	echo "{\"a\": \"p\"}" >x.jsonl &&
	test_expect_code 3 ferry-cat --encode -S x.schema -o x.ferry <x.jsonl 2>err;
	test_grep "set member 2 is empty or holds a comma" err
'

test_done
