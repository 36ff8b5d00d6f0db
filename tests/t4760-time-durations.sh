#!/bin/sh
# A MySQL TIME is a duration (-838:59:59.999999 to 838:59:59.999999): a
# column whose values all lie within a day travels as time; one that
# holds a duration (found by MIN and MAX in the snapshot) travels as its
# text, said by ferry-extract, and becomes interval on PostgreSQL and
# TIME again on MariaDB; ferry-verify reads both sides the same way and
# compares durations by their value, not their spelling.  And a time or
# timestamp keeps its fractional digits on the target (DATETIME is
# timestamp(0), timestamp(1) stays timestamp(1)).
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`" &&
	my_sql "CREATE TABLE calls (id INT PRIMARY KEY, started TIME, took TIME(1), paused TIME(6));
		INSERT INTO calls VALUES
		 (1, \"08:30:00\", \"00:05:00.5\", \"00:00:00.000001\"),
		 (2, \"23:59:59\", \"838:59:59.9\", \"-00:00:01\"),
		 (3, \"00:00:00\", \"-838:59:59.9\", \"100:00:00.123456\"),
		 (4, NULL, NULL, NULL)"
'

test_expect_success 'extract: the time of day stays time, each duration column is its text, said' '
	ferry-extract "$MY_URI" -t calls -o c.ferry 2>err &&
	test_grep "notice: table calls, column took: TIME values outside a day (a duration): carried as their text" err &&
	test_grep "column paused: TIME values outside a day" err &&
	! test_grep "column started" err &&
	ferry-cat -f summary c.ferry >sum &&
	test_grep "column started: time (time)" sum &&
	test_grep "column took: text (time(1))" sum &&
	test_grep "column paused: text (time(6))" sum &&
	ferry-cat -f tsv c.ferry >rows &&
	test_grep "838:59:59.9" rows
'

test_expect_success 'MariaDB -> PostgreSQL: interval, the same durations, verify equal' '
	ferry-load "$TO" --create --check <c.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$TO" --create <c.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'calls'"'"'::regclass AND attnum > 1 ORDER BY attnum" >got &&
	printf "started|time(0) without time zone\ntook|interval\npaused|interval\n" >expect &&
	test_cmp expect got &&
	pg_in "${TEST_DB}_to" -c "SELECT id, took, paused, extract(epoch FROM took) FROM calls ORDER BY id" >got &&
	printf "%s\n" "1|00:05:00.5|00:00:00.000001|300.500000" "2|838:59:59.9|-00:00:01|3020399.900000" \
		"3|-838:59:59.9|100:00:00.123456|-3020399.900000" "4|||" >expect &&
	test_cmp expect got &&
	ferry-verify -t calls "$MY_URI" "$TO"
'

test_expect_success 'a duration off by a microsecond, or a day spelled as days: different' '
	pg_in "${TEST_DB}_to" -c "UPDATE calls SET paused = paused + interval '"'"'1 microsecond'"'"' WHERE id = 3" &&
	test_expect_code 1 ferry-verify -t calls "$MY_URI" "$TO" >out &&
	test_grep "changed: id=3 paused: A '"'"'100:00:00.123456'"'"' B '"'"'100:00:00.123457'"'"'" out &&
	pg_in "${TEST_DB}_to" -c "UPDATE calls SET paused = '"'"'100:00:00.123456'"'"', took = '"'"'1 day'"'"' WHERE id = 3" &&
	test_expect_code 1 ferry-verify -t calls "$MY_URI" "$TO" >out &&
	test_grep "changed: id=3 took:" out &&
	pg_in "${TEST_DB}_to" -c "UPDATE calls SET took = '"'"'-838:59:59.9'"'"' WHERE id = 3" &&
	ferry-verify -t calls "$MY_URI" "$TO"
'

test_expect_success 'MariaDB -> MariaDB: TIME with its digits again, equal' '
	ferry-load "$MY_TO" --create <c.ferry &&
	my_in "${TEST_DB}_to" -e "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"calls\" AND COLUMN_NAME <> \"id\" ORDER BY ORDINAL_POSITION" >got &&
	printf "started\ttime\ntook\ttime(1)\npaused\ttime(6)\n" >expect &&
	test_cmp expect got &&
	ferry-verify -t calls "$MY_URI" "$MY_TO"
'

test_expect_success 'a copy whose durations all fit a day is read as text too, and differs by value' '
	my_in "${TEST_DB}_to" -e "UPDATE calls SET took = \"00:00:01\" WHERE id IN (2, 3); UPDATE calls SET paused = \"00:00:01\" WHERE id IN (2, 3)" &&
	test_expect_code 1 ferry-verify -t calls "$MY_URI" "$MY_TO" >out &&
	test_grep "changed: id=2 took: A '"'"'838:59:59.9'"'"' B '"'"'00:00:01.0'"'"'" out &&
	test_grep "2 changed" out
'

test_expect_success 'into the application own interval column: loads and compares' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE calls; CREATE TABLE calls (id int PRIMARY KEY, started time, took interval, paused interval(6))" &&
	ferry-load "$TO" --check <c.ferry >check.out &&
	ferry-load "$TO" <c.ferry &&
	ferry-verify -t calls "$MY_URI" "$TO"
'

test_expect_success 'fractional digits of times and timestamps are kept, each direction' '
	my_sql "CREATE TABLE stamps (id INT PRIMARY KEY, a DATETIME, b DATETIME(3), c TIMESTAMP(2) NULL, d TIME(4));
		INSERT INTO stamps VALUES (1, \"2026-01-01 10:00:00\", \"2026-01-01 10:00:00.125\", \"2026-01-01 10:00:00.5\", \"10:00:00.1234\")" &&
	ferry-extract "$MY_URI" -t stamps -o s.ferry &&
	ferry-load "$TO" --create <s.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'stamps'"'"'::regclass AND attnum > 1 ORDER BY attnum" >got &&
	printf "%s\n" "a|timestamp(0) without time zone" "b|timestamp(3) without time zone" \
		"c|timestamp(2) with time zone" "d|time(4) without time zone" >expect &&
	test_cmp expect got &&
	ferry-verify -t stamps "$MY_URI" "$TO" &&
	pg_in "${TEST_DB}_to" -c "CREATE TABLE pstamps (id int PRIMARY KEY, a timestamp(1), b timestamptz, c time(0))" &&
	ferry-extract "$TO" -t pstamps -o p.ferry &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to2\"" -c "CREATE DATABASE \"${TEST_DB}_to2\"" 2>/dev/null &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_to2" --create <p.ferry &&
	ferry-verify --schema-only -t pstamps "$TO" "$PG_BASE dbname=${TEST_DB}_to2" &&
	pg_in "${TEST_DB}_to2" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'pstamps'"'"'::regclass AND attnum > 1 ORDER BY attnum" >got &&
	printf "%s\n" "timestamp(1) without time zone" "timestamp with time zone" "time(0) without time zone" >expect &&
	test_cmp expect got
'

test_done
