#!/bin/sh
# A database server restarted in the middle of an extract, a load and a
# verify: exit 4 with a message naming the table, nothing half-committed,
# and the next --job run completes.  The restarted servers are a private
# pair of this test (the suite's own servers serve other tests meanwhile).
. "$(dirname "$0")/lib.sh"
test_need_db

SRV=${TMPDIR:-/tmp}/ferry-t7700-$$
PRIV_MY_PORT=$((FERRY_TEST_MYSQL_PORT + 50))
PRIV_PG_PORT=$((FERRY_TEST_PG_PORT + 50))
srv() {
	FERRY_TESTDB_DIR=$SRV FERRY_TEST_MYSQL_PORT=$PRIV_MY_PORT \
		FERRY_TEST_PG_PORT=$PRIV_PG_PORT sh "$TEST_ROOT/scripts/testdb.sh" "$@"
}
P_PG="host=$SRV/pg port=$PRIV_PG_PORT user=ferry dbname=t"
P_MY="mysql://root@localhost/t?socket=$SRV/mysql/mysqld.sock"
p_pg() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$P_PG" -c "$1"
}
p_my() {
	mariadb --no-defaults -S "$SRV/mysql/mysqld.sock" -uroot --batch -N t -e "$1"
}
# slow FILE BYTES: FILE's first BYTES, a pause of 3 s, then the rest
slow() {
	head -c "$2" "$1"
	sleep 3
	tail -c +"$(($2 + 1))" "$1"
}

test_expect_success 'setup: a private MariaDB and PostgreSQL, 300,000 rows' '
	srv start >/dev/null 2>srv.log &&
	psql -X -q "host=$SRV/pg port=$PRIV_PG_PORT user=ferry dbname=postgres" -c "CREATE DATABASE t" &&
	mariadb --no-defaults -S "$SRV/mysql/mysqld.sock" -uroot -e "CREATE DATABASE t CHARACTER SET utf8mb4" &&
	my_fresh_db &&
	my_sql "CREATE TABLE rows3 (id BIGINT PRIMARY KEY, body VARCHAR(200) NOT NULL);
		INSERT INTO rows3 SELECT seq, REPEAT(CHAR(97 + seq % 26), 60 + seq % 80) FROM seq_1_to_300000" &&
	ferry-extract "$MY_URI" -t rows3 --order pk -o all.ferry
'

test_expect_success 'PostgreSQL restarted mid-load: exit 4 naming the table, committed batches only, rerun completes' '
	size=$(wc -c <all.ferry) &&
	slow all.ferry $((size / 2)) | ferry-load "$P_PG" --create --job r --commit-every 20000 2>err &
	pid=$! &&
	sleep 1.5 &&
	srv restart-pg &&
	test_expect_code 4 wait $pid &&
	test_grep "table rows3" err &&
	p_pg "SELECT rows_loaded FROM ferry_checkpoint" >ck &&
	p_pg "SELECT count(*) FROM rows3" >n &&
	test_cmp ck n &&
	test "$(cat n)" -gt 0 && test "$(cat n)" -lt 300000 &&
	ferry-load "$P_PG" --create --job r --commit-every 20000 -i all.ferry 2>err &&
	test_grep "resuming job r after $(cat n) rows" err &&
	ferry-verify "$MY_URI" "$P_PG" -t rows3
'

test_expect_success 'MariaDB restarted mid-load: exit 4, rerun completes' '
	p_my "DROP TABLE IF EXISTS rows3" &&
	size=$(wc -c <all.ferry) &&
	slow all.ferry $((size / 2)) | ferry-load "$P_MY" --create --job r --commit-every 20000 2>err3 &
	pid=$! &&
	sleep 1.5 &&
	srv restart-mysql >/dev/null 2>&1 &&
	test_expect_code 4 wait $pid &&
	test_grep "table rows3" err3 &&
	p_my "SELECT rows_loaded FROM ferry_checkpoint" >ck &&
	p_my "SELECT count(*) FROM rows3" >n &&
	test_cmp ck n &&
	ferry-load "$P_MY" --create --job r --commit-every 20000 -i all.ferry &&
	ferry-verify "$MY_URI" "$P_MY" -t rows3
'

test_expect_success 'PostgreSQL restarted mid-extract: exit 4 naming the table; the load downstream keeps nothing of it' '
	{ ferry-extract "$P_PG" -t rows3 --order pk -l 0 2>xerr; echo $? >xrc; } |
		{ sleep 3; ferry-load "$MY_URI" --create --job x --table-map rows3=copy3 2>lerr; echo $? >lrc; } &
	pid=$! &&
	sleep 1 &&
	srv restart-pg &&
	wait $pid &&
	echo 4 >expect && test_cmp expect xrc &&
	test_grep "table rows3" xerr &&
	echo 3 >expect && test_cmp expect lrc &&
	my_sql "SHOW TABLES LIKE '"'"'copy3'"'"'" >n && ! test -s n &&
	ferry-extract "$P_PG" -t rows3 --order pk |
		ferry-load "$MY_URI" --create --job x --table-map rows3=copy3 &&
	ferry-verify "$P_PG" "$MY_URI" -t rows3 --table-map rows3=copy3
'

test_expect_success 'PostgreSQL restarted mid-verify: exit 4, never a verdict' '
	size=$(wc -c <all.ferry) &&
	slow all.ferry $((size / 2)) | ferry-verify - "$P_PG" -t rows3 >out 2>err &
	pid=$! &&
	sleep 1.5 &&
	srv restart-pg &&
	test_expect_code 4 wait $pid &&
	test_grep "rows3" err &&
	! grep -q "equal\|DIFFER" out &&
	ferry-verify all.ferry "$P_PG" -t rows3
'

# (not an EXIT trap: dash runs it in the subshells of pipelines too)
test_expect_success 'the private servers stop' '
	srv stop >/dev/null 2>&1 && ! test -d "$SRV"
'

test_done
