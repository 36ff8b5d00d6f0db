#!/bin/sh
# --check meets every unique key of the target as the target compares it:
# a unique index too (not only the primary key), and on MySQL under the
# column's collation, which the server itself tells (WEIGHT_STRING, with
# PAD SPACE's trailing spaces), so 'Alice' next to 'alice', 'bob' next to
# 'bob ' and 'Émile' next to 'emile' are the duplicates the load refuses,
# and a key the target already holds in another case is key_exists.  The
# rows --check names are the rows --rejects sets aside.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
APP="$PG_BASE dbname=${TEST_DB}_app"
MY_APP="mysql://root@localhost/${TEST_DB}_app?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >pg.sql <<'EOF'
CREATE TABLE people (id int PRIMARY KEY, username text NOT NULL UNIQUE,
  email text);
INSERT INTO people VALUES (1, 'Alice', 'a@x'), (2, 'alice', 'b@x'),
  (3, 'bob', 'c@x'), (4, 'bob ', 'a@x'), (5, 'Émile', 'e@x'),
  (6, 'emile', NULL), (7, 'carol', NULL);
EOF

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_app\"" \
		-c "CREATE DATABASE \"${TEST_DB}_app\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_app\`; CREATE DATABASE \`${TEST_DB}_app\`" &&
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" -t people -o people.ferry
'

test_expect_success 'into MariaDB, utf8mb4_general_ci: the rows --check names are the rows refused' '
	my_in "${TEST_DB}_app" -e "CREATE TABLE people (id int PRIMARY KEY, username varchar(32) NOT NULL, email varchar(50), UNIQUE KEY uq_user (username)) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci; INSERT INTO people VALUES (100, '"'"'CAROL'"'"', NULL)" &&
	test_expect_code 6 ferry-load "$MY_APP" --check <people.ferry >out &&
	test_grep "username: duplicate_key: 3 rows: a key of unique index uq_user that came before in the stream (equal under the target'"'"'s collation utf8mb4_general_ci); keys: id=2; id=4; id=6" out &&
	test_grep "username: key_exists: 1 rows: a key of unique index uq_user the target already holds" out &&
	ferry-load "$MY_APP" --rejects rj.ferry <people.ferry 2>err &&
	test_grep "4 rows rejected" err &&
	ferry-cat -f jsonl rj.ferry | sed -n "s/.*\"row\":{\"id\":\([0-9]*\),.*/\1/p" >got &&
	printf "2\n4\n6\n7\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a NO PAD binary collation keeps them apart: --check says the load goes through' '
	my_in "${TEST_DB}_app" -e "DROP TABLE people; CREATE TABLE people (id int PRIMARY KEY, username varchar(32) NOT NULL, email varchar(50), UNIQUE KEY uq_user (username)) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_nopad_bin" &&
	ferry-load "$MY_APP" --check <people.ferry >out &&
	! grep duplicate_key out &&
	ferry-load "$MY_APP" <people.ferry &&
	test "$(my_in "${TEST_DB}_app" -e "SELECT count(*) FROM people")" = 7
'

test_expect_success 'PAD SPACE alone: utf8mb4_bin holds bob and "bob " as one' '
	my_in "${TEST_DB}_app" -e "DROP TABLE people; CREATE TABLE people (id int PRIMARY KEY, username varchar(32) NOT NULL, email varchar(50), UNIQUE KEY uq_user (username)) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_bin" &&
	test_expect_code 6 ferry-load "$MY_APP" --check <people.ferry >out &&
	test_grep "username: duplicate_key: 1 rows: a key of unique index uq_user that came before in the stream (equal under the target'"'"'s collation utf8mb4_bin); keys: id=4" out &&
	test_expect_code 4 ferry-load "$MY_APP" <people.ferry 2>err &&
	test_grep "Duplicate entry '"'"'bob '"'"'" err
'

test_expect_success 'a unique index of the target on PostgreSQL: byte for byte, as PostgreSQL compares' '
	pg_in "${TEST_DB}_app" -c "CREATE TABLE people (id int PRIMARY KEY, username text NOT NULL, email text UNIQUE)" &&
	test_expect_code 6 ferry-load "$APP" --check <people.ferry >out &&
	test_grep "email: duplicate_key: 1 rows: a key of unique index people_email_key that came before in the stream; keys: id=4" out &&
	! grep "username: duplicate_key" out &&
	ferry-load "$APP" --rejects rj2.ferry <people.ferry 2>err &&
	test_grep "1 rows rejected" err
'

test_done
