#!/bin/sh
# JSON holding the escape \u0000, which PostgreSQL jsonb refuses (json
# keeps it): --check names the rows the load refuses, into jsonb that
# --create makes or the target has, and --rejects sets the same rows
# aside; into json it goes through on both.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_sql "CREATE TABLE docs (id INT PRIMARY KEY, j JSON);
		INSERT INTO docs VALUES (1, JSON_OBJECT(\"a\", CONCAT(\"x\", CHAR(0), \"y\"))), (2, JSON_OBJECT(\"b\", 1)),
		 (3, \"{\\\"c\\\": \\\"\\\\\\\\u0000 is no escape\\\"}\"), (4, \"[\\\"\\\\\\\\\\\\u0000\\\"]\")" &&
	my_sql "SELECT id, j FROM docs ORDER BY id" >rows &&
	test_grep "u0000y" rows &&
	ferry-extract "$MY_URI" -t docs -o d.ferry
'

test_expect_success '--create (jsonb): --check names the rows the load refuses' '
	test_expect_code 6 ferry-load "$TO" --create --check <d.ferry >check.out &&
	test_grep "j: json_nul: 2 rows: JSON holding \\u0000, which PostgreSQL" check.out &&
	test_grep "keys: id=1; id=4" check.out &&
	test_expect_code 4 ferry-load "$TO" --create <d.ferry 2>err &&
	test_grep "unsupported Unicode escape sequence" err &&
	ferry-load "$TO" --create --rejects r.ferry <d.ferry &&
	ferry-cat r.ferry >rej &&
	test_grep "\"id\":1," rej && test_grep "\"id\":4," rej &&
	test $(wc -l <rej) -eq 2
'

test_expect_success 'into json the target has: through, on both' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE IF EXISTS docs; CREATE TABLE docs (id int PRIMARY KEY, j json)" &&
	ferry-load "$TO" --check <d.ferry >check.out &&
	ferry-load "$TO" <d.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM docs" >got &&
	echo 4 >expect && test_cmp expect got
'

test_done
