#!/bin/sh
# --case-insensitive citext: a MySQL column that compares without case
# becomes citext on PostgreSQL (the extension made where the database
# lacks it), its length a CHECK, so that uniqueness and = ignore case and
# LIKE works (a nondeterministic collation refuses LIKE before PostgreSQL
# 18); accents stay apart, as ferry-load(1) says.  A PostgreSQL citext
# column goes to MySQL case-insensitive, and to PostgreSQL as citext.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
TO2="$PG_BASE dbname=${TEST_DB}_to2"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >my.sql <<'EOF'
CREATE TABLE users (id INT PRIMARY KEY,
  username VARCHAR(32) NOT NULL UNIQUE,
  email VARCHAR(100) COLLATE utf8mb4_bin,
  bio TEXT,
  CONSTRAINT no_admin CHECK (username NOT LIKE '%admin%'));
INSERT INTO users VALUES (1, 'Alice', 'a@example.org', 'hi'),
  (2, 'bob', 'b@example.org', NULL), (3, 'Émile', NULL, '');
EOF

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	for d in to to2; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql <my.sql &&
	ferry-extract "$MY_URI" -t users -o my.ferry
'

test_expect_success 'MariaDB -> PostgreSQL --case-insensitive citext: citext, LIKE works' '
	ferry-load "$TO" --create --check --case-insensitive citext <my.ferry >check.out &&
	test_grep "made citext (--case-insensitive citext)" check.out &&
	ferry-load "$TO" --create --case-insensitive citext <my.ferry 2>err &&
	test_grep "columns username, bio: their MySQL collation compares without case; made citext" err &&
	! grep "not made" err &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'users'"'"'::regclass AND attnum > 0 ORDER BY attnum" >got &&
	cat >expect <<-\EOF &&
	id|integer
	username|citext
	email|character varying(100)
	bio|citext
	EOF
	test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t users &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT id FROM users WHERE username = '"'"'ALICE'"'"'")" = 1 &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT id FROM users WHERE username LIKE '"'"'ali%'"'"'")" = 1 &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (4, '"'"'BOB'"'"', NULL, NULL)" 2>err &&
	test_grep "users_username" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (5, '"'"'SysAdmin'"'"', NULL, NULL)" 2>err &&
	test_grep "no_admin" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (6, repeat('"'"'x'"'"', 33), NULL, NULL)" 2>err &&
	test_grep "users_username_check" err &&
	test_must_fail my_in "$TEST_DB" -e "INSERT INTO users VALUES (5, '"'"'SysAdmin'"'"', NULL, NULL)"
'

test_expect_success 'PostgreSQL citext -> MariaDB: case-insensitive there too' '
	ferry-extract "$TO" -t users -o pg.ferry &&
	ferry-cat -f summary pg.ferry >sum &&
	test_grep "column username: text not null (citext) collate utf8mb4_0900_as_ci" sum &&
	ferry-load "$MY_BACK" --create <pg.ferry 2>err &&
	test_grep "column username: collation utf8mb4_0900_as_ci made as utf8mb4_unicode_ci" err &&
	ferry-verify "$TO" "$MY_BACK" -t users &&
	test_must_fail my_in "${TEST_DB}_back" -e "INSERT INTO users VALUES (4, '"'"'BOB'"'"', NULL, NULL)" 2>err &&
	test_grep "Duplicate entry" err
'

test_expect_success 'PostgreSQL citext -> PostgreSQL: citext, its LIKE check made' '
	ferry-load "$TO2" --create <pg.ferry 2>err &&
	! grep "not made" err &&
	pg_in "${TEST_DB}_to2" -c "SELECT format_type(atttypid, atttypmod), attcollation <> 0 FROM pg_attribute WHERE attrelid = '"'"'users'"'"'::regclass AND attname = '"'"'username'"'"'" >got &&
	echo "citext|t" >expect && test_cmp expect got &&
	pg_in "${TEST_DB}_to2" -c "SELECT collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation WHERE attrelid = '"'"'users'"'"'::regclass AND attname = '"'"'username'"'"'" >got &&
	echo default >expect && test_cmp expect got &&
	test_must_fail pg_in "${TEST_DB}_to2" -c "INSERT INTO users VALUES (5, '"'"'SysAdmin'"'"', NULL, NULL)"
'

test_expect_success '--case-insensitive takes on, off or citext' '
	test_expect_code 2 ferry-load "$TO" --case-insensitive maybe <my.ferry 2>err &&
	test_grep "is on, off or citext" err
'

test_done
