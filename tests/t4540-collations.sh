#!/bin/sh
# Text keeps the application's meaning of equality as far as the engines
# allow: MySQL -> MySQL keeps the column's collation (a case-insensitive
# unique username stays so); PostgreSQL text made on MariaDB compares
# bytes without padding, so that rows PostgreSQL keeps apart ('bob' and
# 'bob ', 'Alice' and 'alice') stay apart; MySQL -> PostgreSQL, which
# compares with case, says so by column.
. "$(dirname "$0")/lib.sh"
test_need_db

MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup: a case-insensitive username on MariaDB, case-distinct rows on PostgreSQL' '
	my_fresh_db && pg_fresh_db &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" &&
	my_sql "CREATE TABLE users (id INT PRIMARY KEY,
		  name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL,
		  code VARCHAR(8) COLLATE utf8mb4_bin NOT NULL,
		  UNIQUE KEY u_name (name));
		INSERT INTO users VALUES (1, '"'"'Alice'"'"', '"'"'a'"'"'), (2, '"'"'bob'"'"', '"'"'b'"'"')" &&
	pg_sql "CREATE TABLE tags (id int PRIMARY KEY, tag text NOT NULL UNIQUE);
		INSERT INTO tags VALUES (1, '"'"'bob'"'"'), (2, '"'"'bob '"'"'), (3, '"'"'Alice'"'"'), (4, '"'"'alice'"'"')"
'

test_expect_success 'the stream carries a MySQL column'"'"'s collation' '
	ferry-extract "$MY_URI" -t users -o users.ferry &&
	ferry-cat -f summary users.ferry >sum &&
	test_grep "column name: text not null (varchar(40)) collate utf8mb4_general_ci" sum &&
	test_grep "column code: text not null (varchar(8)) collate utf8mb4_bin" sum
'

test_expect_success 'MariaDB -> MariaDB: the username stays case-insensitive and unique so' '
	ferry-load "$MY_BACK" --create -i users.ferry &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch -N "${TEST_DB}_back" \
		-e "SELECT id FROM users WHERE name = '"'"'ALICE'"'"'" >id &&
	echo 1 >expect && test_cmp expect id &&
	test_must_fail mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot "${TEST_DB}_back" \
		-e "INSERT INTO users VALUES (3, '"'"'BOB'"'"', '"'"'c'"'"')" 2>err &&
	test_grep "Duplicate entry" err
'

test_expect_success 'MariaDB -> PostgreSQL: the username stays case-insensitive and unique so' '
	ferry-load "$PG_URI" --create -i users.ferry 2>err &&
	test_grep "table users: column name: its MySQL collation compares without case" err &&
	test_grep "LIKE and regular expressions on it are an error before PostgreSQL 18" err &&
	! grep "code" err &&
	pg_sql "SELECT id FROM users WHERE name = '"'"'ALICE'"'"'" >id &&
	echo 1 >expect && test_cmp expect id &&
	test_must_fail pg_sql "INSERT INTO users VALUES (3, '"'"'BOB'"'"', '"'"'c'"'"')" 2>err &&
	test_grep "duplicate key" err &&
	pg_sql "SELECT count(*) FROM users WHERE code = '"'"'A'"'"'" >n &&
	echo 0 >zero && test_cmp zero n &&
	ferry-verify "$MY_URI" "$PG_URI" -t users >out &&
	test_grep "users: A 2 rows, B 2 rows: equal" out
'

test_expect_success 'MariaDB -> PostgreSQL, --case-insensitive off: case-sensitive, said by column' '
	pg_sql "DROP TABLE users" &&
	ferry-load "$PG_URI" --create --case-insensitive off -i users.ferry 2>err &&
	test_grep "table users: column name: collation utf8mb4_general_ci compares without case; made case-sensitive" err &&
	pg_sql "SELECT count(*) FROM users WHERE name = '"'"'ALICE'"'"'" >n &&
	test_cmp zero n &&
	ferry-load "$PG_URI" --check -m upsert --case-insensitive off -i users.ferry >out &&
	test_expect_code 2 ferry-load "$PG_URI" --case-insensitive maybe -i users.ferry 2>err &&
	test_grep "--case-insensitive is on, off or citext" err
'

test_expect_success 'PostgreSQL -> MariaDB: rows PostgreSQL keeps apart stay apart' '
	ferry-extract "$PG_URI" -t tags -o tags.ferry &&
	ferry-load "$MY_URI" --create -i tags.ferry &&
	my_sql "SELECT COUNT(*) FROM tags" | sed 1d >n && echo 4 >four && test_cmp four n &&
	my_sql "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'tags'"'"' AND COLUMN_NAME = '"'"'tag'"'"'" | sed 1d >c &&
	echo utf8mb4_nopad_bin >expect && test_cmp expect c &&
	my_sql "SELECT id FROM tags WHERE tag = '"'"'bob'"'"'" | sed 1d >id &&
	echo 1 >one && test_cmp one id &&
	ferry-verify "$PG_URI" "$MY_URI" -t tags >out &&
	test_grep "tags: A 4 rows, B 4 rows: equal" out
'

test_done
