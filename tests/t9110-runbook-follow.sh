#!/bin/sh
# The real-time cut-over of ferry(7) ("4a. Real time"), run as written:
# every literal block marked '.\" runbook: follow' is taken from the page,
# in order, and run with bash (errexit, pipefail) against the reference
# chat database in a MariaDB of this test's own with the binary log on,
# into PostgreSQL, while the chat server's writes (new, edited and
# deleted messages, read receipts) go on from before the snapshot until
# the freeze; then what the application would see on the new database.
. "$(dirname "$0")/lib.sh"
test_need_db

SRV=${TMPDIR:-/tmp}/ferry-t9110-$$
PRIV_MY_PORT=$((FERRY_TEST_MYSQL_PORT + 80))
SOCK=$SRV/mysql/mysqld.sock
srv() {
	FERRY_TESTDB_DIR=$SRV FERRY_TEST_MYSQL_PORT=$PRIV_MY_PORT \
		FERRY_TEST_PG_PORT=$((FERRY_TEST_PG_PORT + 80)) \
		FERRY_TEST_MYSQL_EXTRA="--log-bin=mariadb-bin --binlog-format=ROW --server-id=1 --sync-binlog=0" \
		sh "$TEST_ROOT/scripts/testdb.sh" "$@"
}
trap 'srv stop >/dev/null 2>&1' EXIT
src_sql() {
	mariadb --no-defaults -S "$SOCK" -uroot --batch -N "$TEST_DB" -e "$1"
}

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
SRC="mysql://root@localhost/$TEST_DB?socket=$SOCK"
DST="$PG_BASE dbname=$TEST_DB"
METRICS_DIR=$PWD/metrics
export SRC DST METRICS_DIR

# the page's follow blocks, unescaped, one file each: block.1, block.2...
perl -e '
	my ($n, $in, $want) = (0, 0, 0);
	while (<>) {
		if (/^\.\\" runbook: (\w+)/) { $want = $1 eq "follow"; next }
		if (/^\.Bd -literal/) { $in = 1; if ($want) { $n++; open(O, ">", "block.$n") or die } next }
		if (/^\.Ed/) { close(O) if $in && $want; $in = 0; $want = 0; next }
		next unless $in && $want;
		s/\\e/\\/g; s/\\&//g;
		print O $_;
	}
	print "$n\n";
' "$TEST_ROOT/man/man7/ferry.7" >nblocks

block() { # block N: run the page's N-th follow block
	say "runbook block $1:" && cat "block.$1" >&4
	bash -e -o pipefail "block.$1" >"out.$1"
	rc=$?
	sed "s/^/| /" "out.$1" >&4
	cat "out.$1"
	return $rc
}

# the chat server: n rounds of its writes, each a transaction of its own
chat_writes() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			print "INSERT INTO messages (conversation_id, sender_id, kind, body, created_at) SELECT conversation_id, sender_id, kind, CONCAT('"'"'live '"'"', " i "), NOW(3) FROM messages ORDER BY id LIMIT 1;"
			if (i % 3 == 0)
				print "UPDATE messages SET body = CONCAT(body, '"'"' (edited)'"'"'), is_edited = 1 WHERE id = 1 + " i " % 40;"
			if (i % 5 == 0)
				print "BEGIN; INSERT INTO read_receipts (message_id, user_id, read_at) SELECT MAX(id), 1 + " i " % 3, NOW(6) FROM messages; UPDATE users SET display_name = CONCAT('"'"'user '"'"', " i ") WHERE id = 1 + " i " % 7; COMMIT;"
			if (i % 7 == 0)
				print "DELETE FROM read_receipts ORDER BY message_id, user_id LIMIT 1;"
			print "DO SLEEP(0.01);"
		}
	}' | mariadb --no-defaults -S "$SOCK" -uroot "$TEST_DB"
}

test_expect_success 'the page has the four real-time steps' '
	echo 4 >expect && test_cmp expect nblocks
'

test_expect_success 'setup: the reference chat (2,000 messages) in a MariaDB with the binary log, an empty PostgreSQL' '
	srv start >/dev/null 2>srv.log &&
	FERRY_TEST_MYSQL_SOCKET=$SOCK FERRY_TEST_MYSQL_PORT=$PRIV_MY_PORT \
		sh "$TEST_ROOT/scripts/load-chat.sh" mysql 2000 "$TEST_DB" 2>load.log &&
	pg_fresh_db && mkdir -p metrics
'

test_expect_success 'before: the preflight says ready, and names what is missing elsewhere' '
	block 1 >out && test_grep "follow: ready" out &&
	my_fresh_db &&
	! SRC=$MY_URI bash -e -o pipefail block.1 >out2 &&
	test_grep "log_bin is off" out2
'

test_expect_success 'start: the snapshot and the changes while the chat writes on' '
	(chat_writes 400 >writer.out 2>&1; echo $? >writer.rc) &
	sleep 0.5
	setsid bash -e -o pipefail block.2 >out.2 2>err.2 &
	echo $! >pipeline.pid &&
	i=0 &&
	until test -s metrics/ferry-live.prom && grep -q "^ferry_follow_lag_seconds" metrics/ferry-live.prom; do
		i=$((i + 1)) && test $i -lt 300 && sleep 0.1 || break
	done &&
	test -s metrics/ferry-live.prom
'

test_expect_success 'watch: the job'"'"'s position moves on; the lag is in the metrics' '
	block 3 >out.a &&
	grep "^mariadb-bin\.[0-9]*:[0-9]*|" out.a | cut -d"|" -f1 >pos.a &&
	test_grep "ferry_follow_lag_seconds" out.a &&
	sleep 2 && block 3 >out.b &&
	grep "^mariadb-bin" out.b | cut -d"|" -f1 >pos.b &&
	! test_cmp pos.a pos.b 2>/dev/null
'

test_expect_success 'cut-over: writes frozen, the pipeline stopped, --until now, equal, counters set' '
	i=0 &&
	while ! test -s writer.rc; do i=$((i + 1)); test $i -lt 600 || break; sleep 0.1; done &&
	echo 0 >expect && test_cmp expect writer.rc &&
	kill -TERM -$(cat pipeline.pid) &&
	i=0 &&
	while kill -0 $(cat pipeline.pid) 2>/dev/null; do i=$((i + 1)); test $i -lt 100 || break; sleep 0.1; done &&
	! kill -0 $(cat pipeline.pid) 2>/dev/null &&
	test_grep "interrupted" err.2 &&
	block 4 >out &&
	test_grep "the two sides are equal" out &&
	jq -e ".equal == true and ([.tables[].equal] | all)" cutover-live.json &&
	src_sql "SELECT COUNT(*) FROM messages WHERE body LIKE '"'"'live %'"'"'" >want &&
	pg_sql "SELECT COUNT(*) FROM messages WHERE body COLLATE \"C\" LIKE '"'"'live %'"'"'" >have &&
	test_cmp want have && echo 400 >expect && test_cmp expect have
'

test_expect_success 'after the switch the application runs: its next message gets the next id' '
	src_sql "SELECT MAX(id) + 1 FROM messages" >next &&
	pg_sql "INSERT INTO messages (conversation_id, sender_id, kind, body, created_at)
		SELECT conversation_id, sender_id, kind, '"'"'first after the switch'"'"', now()
		FROM messages ORDER BY id LIMIT 1 RETURNING id" >got &&
	test_cmp next got
'

test_expect_success 'the private server stops' '
	srv stop >/dev/null 2>&1 && ! test -d "$SRV"
'

test_done
