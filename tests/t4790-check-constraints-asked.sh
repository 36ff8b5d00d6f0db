#!/bin/sh
# --check asks a PostgreSQL or MariaDB target its own CHECK constraints over the
# stream's rows (inside its read-only snapshot, in batches), naming each
# refused row by its key and the constraint, as the load with --rejects
# refuses them; a CHECK ferry cannot write is a note; nothing is written.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"

test_expect_success 'setup: a MariaDB source, a PostgreSQL target with its CHECKs' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_sql "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, code VARCHAR(10), day DATE);
		INSERT INTO orders SELECT seq, IF(seq % 250 = 0, -1, seq % 7 + 1), IF(seq = 777, \"TOOLONGX\", \"ok\"), IF(seq = 1234, \"1999-05-01\", \"2024-01-01\") FROM seq_1_to_2000" &&
	pg_in "${TEST_DB}_to" -c "CREATE TABLE orders (id int PRIMARY KEY, qty int CHECK (qty IS NULL OR qty > 0), code text, day date,
		CONSTRAINT code_short CHECK (char_length(code) <= 5), CONSTRAINT recent CHECK (day >= '"'"'2000-01-01'"'"'),
		CONSTRAINT odd_fn CHECK (md5(code) <> '"'"''"'"'))" &&
	ferry-extract "$MY_URI" -t orders -o o.ferry
'

test_expect_success '--check names each row each CHECK refuses, across batches' '
	test_expect_code 6 ferry-load "$TO" --check --samples 100 <o.ferry >check.out &&
	test_grep "orders_qty_check: check_constraint: 8 rows: a row the target" check.out &&
	test_grep "keys: id=250; id=500; id=750; id=1000; id=1250; id=1500; id=1750; id=2000" check.out &&
	test_grep "code_short: check_constraint: 1 rows: a row the target" check.out &&
	test_grep "recent: check_constraint: 1 rows" check.out &&
	test_grep "keys: id=1234" check.out &&
	test_grep "note: CHECK odd_fn of the target not checked: ferry cannot read it" check.out &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM orders")" = 0
'

test_expect_success 'the load with --rejects sets aside exactly those rows' '
	ferry-load "$TO" --rejects r.ferry <o.ferry 2>err &&
	ferry-cat -f tsv r.ferry | sed 1d | cut -f1 | sort -n >got &&
	printf "%s\n" 250 500 750 777 1000 1234 1250 1500 1750 2000 >expect &&
	test_cmp expect got &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM orders")" = 1990
'

test_expect_success 'MariaDB is asked too: the same rows, and the load sets aside exactly those' '
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_my\`; CREATE DATABASE \`${TEST_DB}_my\`" &&
	my_in "${TEST_DB}_my" -e "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, code VARCHAR(10), day DATE,
		CONSTRAINT qty_positive CHECK (qty > 0), CONSTRAINT code_short CHECK (char_length(code) <= 5),
		CONSTRAINT recent CHECK (day >= '"'"'2000-01-01'"'"'))" &&
	MY="mysql://root@localhost/${TEST_DB}_my?socket=$FERRY_TEST_MYSQL_SOCKET" &&
	test_expect_code 6 ferry-load "$MY" --check --samples 100 <o.ferry >check.out &&
	cat check.out &&
	test_grep "qty_positive" check.out &&
	test_grep "code_short" check.out &&
	test_grep "recent" check.out &&
	! test_grep "not checked" check.out &&
	ferry-load "$MY" --rejects r.ferry <o.ferry 2>err &&
	ferry-cat -f tsv r.ferry | sed 1d | cut -f1 | sort -n >got &&
	cat got &&
	sed -n "s/.*keys: //p" check.out | tr ";" "\n" | sed "s/ *id=//" | sort -n -u >predicted &&
	test_cmp predicted got
'

test_done
