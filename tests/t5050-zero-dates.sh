#!/bin/sh
# MySQL zero dates ('0000-00-00', '2020-00-15', a zero DATETIME or
# TIMESTAMP): ferry-extract says per column how many it made NULL;
# ferry-verify compares a zero date as itself by default, so NULL in
# its place on B is a difference it names, and the same zero date on
# both sides is equal; --zero-dates null compares as the load made it,
# error stops; an --emit-* stream never holds one.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_TWIN="mysql://root@localhost/${TEST_DB}_twin?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup: zero dates written outside strict mode' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	for d in to twin; do
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" || return 1
	done &&
	cat >zd.sql <<-\EOSQL &&
	SET SESSION sql_mode = "";
	CREATE TABLE zd (id INT PRIMARY KEY, d DATE, dt DATETIME(3), ts TIMESTAMP NULL, nn DATE NOT NULL);
	INSERT INTO zd VALUES
	 (1, "0000-00-00", "2020-00-15 10:11:12.5", "0000-00-00 00:00:00", "2024-01-01"),
	 (2, "2024-02-29", "2024-02-29 00:00:00", NULL, "2024-01-01"),
	 (3, NULL, "0000-00-00 00:00:00", "2024-01-01 00:00:00", "0000-00-00");
	EOSQL
	my_sql <zd.sql &&
	my_in "${TEST_DB}_twin" <zd.sql
'

test_expect_success 'extract names each column and how many it made NULL' '
	my_sql "SET SESSION sql_mode = \"\"; UPDATE zd SET nn = \"2024-01-01\" WHERE id = 3" &&
	ferry-extract "$MY_URI" -t zd -o zd.ferry 2>err &&
	test_grep "notice: table zd, column d: 1 zero date ('"'"'0000-00-00'"'"' and the like) made NULL" err &&
	test_grep "notice: table zd, column dt: 2 zero dates" err &&
	test_grep "notice: table zd, column ts: 1 zero date (" err &&
	! test_grep "column nn" err
'

test_expect_success 'the stream counts them too: ferry-cat, --check and the load name each column' '
	ferry-cat -f summary zd.ferry >sum &&
	test_grep "zero dates: 3 (zd: d, zd: dt, zd: ts)" sum &&
	ferry-load --check --create "$TO" <zd.ferry >check.out &&
	test_grep "note: column dt: zero dates ('"'"'0000-00-00'"'"' and the like) of the source: 2 made NULL by ferry-extract --zero-dates null; the target gets NULL" check.out &&
	test_grep "note: column ts: zero dates" check.out &&
	! grep "column nn: zero" check.out
'

test_expect_success 'verify after a load: each zero date made NULL is a difference, by key and column' '
	ferry-load "$TO" --create <zd.ferry 2>err &&
	test_grep "notice: table zd, column dt: zero dates of the source: 2 made NULL by ferry-extract --zero-dates null" err &&
	! grep "not made" err &&
	test_expect_code 1 ferry-verify -t zd "$MY_URI" "$TO" >out &&
	test_grep "changed: id=1 d: A '"'"'0000-00-00'"'"' B NULL; dt: A '"'"'2020-00-15 10:11:12.500000'"'"' B NULL; ts: A '"'"'0000-00-00 00:00:00.000000'"'"' B NULL" out &&
	test_grep "changed: id=3 dt: A '"'"'0000-00-00 00:00:00.000000'"'"' B NULL" out &&
	test_grep "zd: A 3 rows, B 3 rows: DIFFERENT (0 missing in B, 0 extra in B, 2 changed)" out &&
	ferry-load "$MY_TO" --create <zd.ferry &&
	test_expect_code 1 ferry-verify -t zd "$MY_URI" "$MY_TO" >out &&
	test_grep "2 changed" out
'

test_expect_success '--zero-dates null compares as the load made them; error stops' '
	ferry-verify --zero-dates null -t zd "$MY_URI" "$TO" &&
	ferry-verify --zero-dates null -t zd "$MY_URI" "$MY_TO" &&
	test_expect_code 3 ferry-verify --zero-dates error -t zd "$MY_URI" "$TO" 2>err &&
	test_grep "zero date" err &&
	test_expect_code 2 ferry-verify --zero-dates maybe -t zd "$MY_URI" "$TO" 2>err &&
	test_grep "is not keep, null or error" err
'

test_expect_success 'the same zero dates on both sides are equal; another one differs' '
	my_in "${TEST_DB}_twin" -e "SET SESSION sql_mode = \"\"; UPDATE zd SET nn = \"2024-01-01\" WHERE id = 3" &&
	ferry-verify -t zd "$MY_URI" "$MY_TWIN" &&
	my_in "${TEST_DB}_twin" -e "SET SESSION sql_mode = \"\"; UPDATE zd SET d = \"2020-00-00\" WHERE id = 1" &&
	test_expect_code 1 ferry-verify -t zd "$MY_URI" "$MY_TWIN" >out &&
	test_grep "changed: id=1 d: A '"'"'0000-00-00'"'"' B '"'"'2020-00-00'"'"'" out
'

test_expect_success 'with --emit-upserts they are NULL, as extract carries them: nothing to emit' '
	ferry-verify -t zd --emit-upserts up.ferry "$MY_URI" "$TO" >out &&
	test_grep "the two sides are equal" out &&
	ferry-cat -f summary up.ferry >sum &&
	test_grep "total: 1 tables, 0 rows" sum &&
	test_expect_code 2 ferry-verify -t zd --zero-dates keep --emit-upserts up2.ferry "$MY_URI" "$TO" 2>err &&
	test_grep "a stream cannot hold a zero date" err
'

test_done
