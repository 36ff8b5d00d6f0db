#!/bin/sh
# scripts/ferry-sync.sh, the cron job: a first run copies, later runs
# catch up, deletes on request, one run at a time under flock, a failing
# stage fails the run, and the metrics files parse as Prometheus text.
. "$(dirname "$0")/lib.sh"
test_need_db

SYNC="bash $TEST_ROOT/scripts/ferry-sync.sh"
PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
to_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$TO" -c "$1"
}

test_expect_success 'setup: a MariaDB source, an empty PostgreSQL target, a config' '
	my_fresh_db &&
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_sql "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL,
			updated_at DATETIME(6) NOT NULL);
		CREATE TABLE messages (id BIGINT PRIMARY KEY AUTO_INCREMENT, user_id BIGINT NOT NULL,
			body TEXT NOT NULL);
		INSERT INTO users VALUES (1, '"'"'ann'"'"', '"'"'2024-01-01 00:00:00'"'"'),
			(2, '"'"'bob'"'"', '"'"'2024-01-01 00:00:01'"'"');
		INSERT INTO messages (user_id, body) SELECT 1 + seq % 2, CONCAT('"'"'m'"'"', seq) FROM seq_1_to_1000" &&
	psql -X -q -At "$TO" -c "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50) NOT NULL, updated_at timestamp(6) NOT NULL);
		CREATE TABLE messages (id bigint PRIMARY KEY, user_id bigint NOT NULL, body text NOT NULL)" &&
	mkdir metrics &&
	cat >sync.conf <<-EOF
	SOURCE="$MY_URI"
	TARGET="$TO"
	JOB=chat
	TABLES="users=updated_at messages=id"
	COMMIT_EVERY=300
	METRICS_DIR="$PWD/metrics"
	LOCK="$PWD/sync.lock"
	LOG="$PWD/sync.log"
	EOF
	true
'

test_expect_success 'the first run copies everything, quietly' '
	$SYNC sync.conf >out 2>err &&
	test_must_be_empty() { ! test -s "$1"; } &&
	test_must_be_empty out && test_must_be_empty err &&
	ferry-verify "$MY_URI" "$TO" -t users -t messages &&
	to_sql "SELECT table_name, rows_loaded, state FROM ferry_checkpoint ORDER BY 1" >ck &&
	printf "messages|1000|done\nusers|2|done\n" >expect && test_cmp expect ck &&
	test_grep "job chat: exit 0" sync.log
'

test_expect_success 'a later run brings the new and changed rows' '
	my_sql "INSERT INTO messages (id, user_id, body) VALUES (1001, 2, '"'"'new one'"'"'), (1002, 1, '"'"'new two'"'"');
		UPDATE users SET name = '"'"'ann b.'"'"', updated_at = '"'"'2024-02-01 00:00:00'"'"' WHERE id = 1;
		INSERT INTO users VALUES (3, '"'"'cy'"'"', '"'"'2024-02-01 00:00:00'"'"')" &&
	$SYNC sync.conf &&
	ferry-verify "$MY_URI" "$TO" -t users -t messages &&
	to_sql "SELECT name FROM users WHERE id = 1" >n && echo "ann b." >expect && test_cmp expect n &&
	to_sql "SELECT rows_loaded FROM ferry_checkpoint WHERE table_name = '"'"'messages'"'"'" >r &&
	echo 1002 >expect && test_cmp expect r
'

test_expect_success 'the metrics files parse as Prometheus text and say what ran' '
	ls metrics >files &&
	printf "ferry-extract-chat.prom\nferry-load-chat.prom\n" >expect && test_cmp expect files &&
	perl "$TEST_ROOT/tests/promcheck.pl" metrics/ferry-extract-chat.prom &&
	perl "$TEST_ROOT/tests/promcheck.pl" metrics/ferry-load-chat.prom &&
	test_grep "ferry_last_run_success{tool=\"load\",ferry_job=\"chat\"} 1" metrics/ferry-load-chat.prom &&
	test_grep "ferry_rows{tool=\"load\",ferry_job=\"chat\",table=\"messages\"} 2" metrics/ferry-load-chat.prom &&
	test_grep "ferry_watermark{tool=\"load\",ferry_job=\"chat\",table=\"messages\"} 1002" metrics/ferry-load-chat.prom &&
	test_grep "ferry_watermark_lag{tool=\"extract\",ferry_job=\"chat\",table=\"messages\"} 2" metrics/ferry-extract-chat.prom &&
	test_grep "ferry_lag_seconds{tool=\"extract\",ferry_job=\"chat\",table=\"users\"} 2678399" metrics/ferry-extract-chat.prom &&
	! ls -a metrics | grep -q "^\.ferry"
'

test_expect_success 'two runs at once: the second exits 75 without doing anything, or waits with WAIT' '
	flock sync.lock sleep 3 &
	holder=$! &&
	sleep 0.5 &&
	test_expect_code 75 $SYNC sync.conf 2>err &&
	test_grep "another run holds" err &&
	echo "WAIT=10" >>sync.conf &&
	$SYNC sync.conf 2>err &&
	! kill -0 $holder 2>/dev/null &&
	wait $holder
'

test_expect_success 'a failing stage fails the run with its code and its message' '
	sed "s/dbname=${TEST_DB}_to/dbname=${TEST_DB}_nowhere/" sync.conf >bad.conf &&
	test_expect_code 4 $SYNC bad.conf 2>err &&
	test_grep "job chat failed (exit 4)" err &&
	test_grep "ferry-extract:" err &&
	perl "$TEST_ROOT/tests/promcheck.pl" metrics/ferry-load-chat.prom &&
	test_grep "ferry_last_run_success{tool=\"load\",ferry_job=\"chat\"} 0" metrics/ferry-load-chat.prom &&
	test_grep "ferry_last_success_timestamp_seconds{tool=\"load\",ferry_job=\"chat\"}" metrics/ferry-load-chat.prom
'

test_expect_success 'a load that fails midway: the pipeline fails, the next run completes' '
	my_sql "INSERT INTO messages (id, user_id, body) SELECT 1002 + seq, 1, CONCAT('"'"'x'"'"', seq) FROM seq_1_to_500" &&
	to_sql "ALTER TABLE messages ADD CONSTRAINT short CHECK (body NOT LIKE '"'"'x40_'"'"')" &&
	test_expect_code 4 $SYNC sync.conf 2>err &&
	test_grep "violates check constraint" err &&
	to_sql "SELECT count(*) FROM messages" >n1 &&
	test "$(cat n1)" -gt 1002 && test "$(cat n1)" -lt 1502 &&
	to_sql "ALTER TABLE messages DROP CONSTRAINT short" &&
	$SYNC sync.conf &&
	ferry-verify "$MY_URI" "$TO" -t users -t messages
'

test_expect_success 'DELETES=1 removes at the target the keys deleted at the source' '
	my_sql "DELETE FROM messages WHERE id IN (3, 5, 1001)" &&
	$SYNC sync.conf &&
	to_sql "SELECT count(*) FROM messages WHERE id IN (3, 5, 1001)" >n && echo 3 >expect && test_cmp expect n &&
	echo DELETES=1 >>sync.conf &&
	$SYNC sync.conf &&
	to_sql "SELECT count(*) FROM messages WHERE id IN (3, 5, 1001)" >n && echo 0 >expect && test_cmp expect n &&
	ferry-verify "$MY_URI" "$TO" -t users -t messages
'

test_expect_success 'RECONCILE: a table without a watermark is compared whole and made equal every run' '
	my_sql "CREATE TABLE prefs (user_id BIGINT PRIMARY KEY, theme VARCHAR(10) NOT NULL);
		INSERT INTO prefs VALUES (1, '"'"'dark'"'"'), (2, '"'"'light'"'"'), (3, '"'"'dark'"'"')" &&
	to_sql "CREATE TABLE prefs (user_id bigint PRIMARY KEY, theme varchar(10) NOT NULL);
		INSERT INTO prefs VALUES (1, '"'"'dark'"'"'), (2, '"'"'dark'"'"'), (4, '"'"'old'"'"')" &&
	echo "RECONCILE=prefs" >>sync.conf &&
	$SYNC sync.conf &&
	to_sql "SELECT user_id, theme FROM prefs ORDER BY 1" >got &&
	printf "1|dark\n2|light\n3|dark\n" >expect && test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t prefs -t users -t messages
'

test_expect_success 'a bad config is exit 2 naming what is wrong' '
	echo "SOURCE=x" >c1 &&
	test_expect_code 2 $SYNC c1 2>err && test_grep "TARGET is not set" err &&
	printf "SOURCE=a\nTARGET=b\nJOB=j\nTABLES=users\n" >c2 &&
	test_expect_code 2 $SYNC c2 2>err && test_grep "is not TABLE=WATERMARK_COLUMN" err
'

test_done
