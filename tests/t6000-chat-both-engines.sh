#!/bin/sh
# The reference chat database, generated into MariaDB and PostgreSQL from
# the same seed, extracts to the same rows: equal row counts and equal
# digests for every table.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup: the chat database in both engines (500 messages)' '
	sh "$TEST_ROOT/scripts/load-chat.sh" mysql 500 "$TEST_DB" 2>load.log &&
	sh "$TEST_ROOT/scripts/load-chat.sh" postgres 500 "$TEST_DB" 2>>load.log
'

test_expect_success 'both engines extract whole, in one snapshot each' '
	ferry-extract "$MY_URI" --all-tables --stats my.json -o my.ferry &&
	ferry-extract "$PG_URI" --all-tables --stats pg.json -o pg.ferry &&
	ferry-cat --check my.ferry >out && test_grep "ok, 7 tables" out &&
	ferry-cat --check pg.ferry >out && test_grep "ok, 7 tables" out
'

summary() { # summary FILE: "table rows digest" per table
	ferry-cat -f summary "$1" | awk '
		/^table / { t = $2 }
		/^  rows: / { r = $2 }
		/^  digest: / { print t, r, $2 }'
}

test_expect_success 'row counts agree for every table' '
	summary my.ferry | cut -d" " -f1,2 >my.rows &&
	summary pg.ferry | cut -d" " -f1,2 >pg.rows &&
	test_cmp my.rows pg.rows &&
	test_grep "messages 500" my.rows
'

test_expect_success 'digests agree for every table, BIGINT UNSIGNED against numeric(20) too' '
	summary my.ferry >my.dig &&
	summary pg.ferry >pg.dig &&
	test_cmp my.dig pg.dig &&
	test $(wc -l <my.dig) -eq 7
'

test_expect_success 'MariaDB zero dates were counted as NULLs' '
	grep -A8 "\"users\"" my.json | grep "\"zero_dates_to_null\"" >z &&
	! grep -q "	0,\?$" z
'

test_done
