#!/bin/sh
# A MySQL database loaded into a named PostgreSQL schema (--schema):
# every table the stream gives no schema goes there, made with the schema
# under --create, its foreign keys pointing there; --check and
# ferry-verify --schema see the same names; --table-map still wins.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
to_sql() { pg_in "${TEST_DB}_to" -c "$1"; }

cat >my.sql <<'EOF'
CREATE TABLE Users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
CREATE TABLE messages (id INT PRIMARY KEY, user_id INT NOT NULL, body TEXT,
  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES Users (id));
CREATE TABLE audit (id INT PRIMARY KEY, what TEXT);
INSERT INTO Users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO messages VALUES (1, 1, 'hi'), (2, 2, 'yo');
INSERT INTO audit VALUES (1, 'x');
EOF

test_expect_success 'setup: a MariaDB chat database, an empty PostgreSQL one' '
	my_fresh_db && my_sql <my.sql &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	ferry-extract "$MY_URI" --all-tables -o all.ferry
'

test_expect_success '--check --schema sees the tables it would make there' '
	ferry-load "$TO" --check --create --schema chat <all.ferry >check.txt &&
	test_grep "chat.users" check.txt
'

test_expect_success '--create --schema chat: the schema, its tables, a key pointing there' '
	ferry-load "$TO" --create --schema chat --table-map audit=audit_log <all.ferry 2>err &&
	to_sql "SELECT schemaname || '"'"'.'"'"' || tablename FROM pg_tables
		WHERE schemaname IN ('"'"'chat'"'"', '"'"'public'"'"') ORDER BY 1" >t &&
	printf "%s\n" chat.messages chat.users public.audit_log >expect &&
	test_cmp expect t &&
	to_sql "SELECT confrelid::regclass FROM pg_constraint WHERE contype = '"'"'f'"'"'" >fk &&
	echo chat.users >expect && test_cmp expect fk &&
	test_must_fail to_sql "INSERT INTO chat.messages VALUES (9, 99, '"'"'x'"'"')" 2>e2 &&
	test_grep "foreign key" e2
'

test_expect_success 'ferry-verify --schema pairs the tables' '
	ferry-verify --schema chat --table-map audit=audit_log "$MY_URI" "$TO" >out &&
	test_grep "Users: A 2 rows, B 2 rows: equal" out &&
	test_grep "messages: A 2 rows, B 2 rows: equal" out &&
	test_grep "audit: A 1 rows, B 1 rows: equal" out &&
	to_sql "UPDATE chat.messages SET body = '"'"'changed'"'"' WHERE id = 2" &&
	test_expect_code 1 ferry-verify --schema chat -t messages "$MY_URI" "$TO" >out &&
	test_grep "1 changed" out
'

test_expect_success 'a job reruns into the schema, and --schema is for PostgreSQL only' '
	to_sql "TRUNCATE chat.messages" &&
	ferry-extract "$MY_URI" --order pk -t messages -o m.ferry &&
	ferry-load "$TO" --schema chat --job j <m.ferry &&
	ferry-load "$TO" --schema chat --job j <m.ferry 2>err &&
	test_grep "job j loaded it whole" err &&
	test "$(to_sql "SELECT count(*) FROM chat.messages")" = 2 &&
	test_expect_code 2 ferry-load "$MY_URI" --schema chat <m.ferry 2>err &&
	test_grep "--schema takes a PostgreSQL schema" err
'

test_done
