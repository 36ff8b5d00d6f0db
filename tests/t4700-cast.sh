#!/bin/sh
# ferry-extract --cast TABLE.COLUMN=int|text reads a column whose declared
# type lies as what it holds, without a change to the source: a MySQL
# TINYINT(1) holding 7 as a number, a TIME used as a duration
# (838:59:59) as its text, a PostgreSQL boolean as 0/1.  ferry-verify
# --cast reads it the same, so the sides compare; a cast that names no
# column, or a type it cannot be, is a usage error before any row.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql "CREATE TABLE flags (id INT PRIMARY KEY, state TINYINT(1) NOT NULL, took TIME); INSERT INTO flags VALUES (1, 0, '"'"'01:00:00'"'"'), (2, 7, '"'"'838:59:59'"'"'), (3, 1, '"'"'-00:00:01'"'"')" &&
	pg_sql "CREATE TABLE votes (id int PRIMARY KEY, up boolean); INSERT INTO votes VALUES (1, true), (2, false), (3, NULL)"
'

test_expect_success 'without --cast: refused at extract, the cast named' '
	test_expect_code 3 ferry-extract "$MY_URI" -t flags -o no.ferry 2>err &&
	test_grep "row 2, column state: tinyint(1) holds 7, not 0 or 1 (it would not survive as bool; --cast TABLE.COLUMN=int reads it as a number)" err
'

test_expect_success 'MariaDB -> PostgreSQL and MariaDB with --cast: the values as the source holds them' '
	ferry-extract "$MY_URI" -t flags --cast flags.state=int --cast flags.took=text -o fl.ferry &&
	ferry-cat -f summary fl.ferry >sum &&
	test_grep "column state: int64 not null (tinyint(1))" sum &&
	test_grep "column took: text (time)" sum &&
	ferry-load "$TO" --create <fl.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT id, state, took FROM flags ORDER BY id" >got &&
	printf "1|0|01:00:00\n2|7|838:59:59\n3|1|-00:00:01\n" >expect &&
	test_cmp expect got &&
	ferry-verify --cast flags.state=int --cast flags.took=text -t flags "$MY_URI" "$TO" &&
	ferry-load "$MY_BACK" --create <fl.ferry &&
	ferry-verify --cast flags.state=int --cast flags.took=text -t flags "$MY_URI" "$MY_BACK" &&
	test_expect_code 3 ferry-verify -t flags "$MY_URI" "$TO" 2>err &&
	test_grep "tinyint(1) holds 7" err
'

test_expect_success 'PostgreSQL boolean --cast int: 1, 0 and NULL' '
	ferry-extract "$PG_URI" -t votes --cast votes.up=int -o v.ferry &&
	ferry-load "$MY_BACK" --create <v.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT id, up FROM votes ORDER BY id" >got &&
	printf "1\t1\n2\t0\n3\tNULL\n" >expect &&
	test_cmp expect got &&
	ferry-verify --cast votes.up=int -t votes "$PG_URI" "$MY_BACK"
'

test_expect_success 'a cast of no column, or to a type it cannot be: a usage error' '
	test_expect_code 2 ferry-extract "$MY_URI" -t flags --cast flags.nope=int -o x.ferry 2>err &&
	test_grep "--cast flags.nope=int names no column of a table extracted" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t flags --cast flags.state=float -o x.ferry 2>err &&
	test_grep "the type is int, text or bytes" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t flags --cast flags.took=int -o x.ferry 2>err &&
	test_grep "column took is time, not a bool or an integer" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t flags --cast flagsstate -o x.ferry 2>err &&
	test_grep "is not TABLE.COLUMN=TYPE" err
'

test_done
