#!/bin/sh
# ferry-extract --parallel N: N connections in one snapshot write whole
# tables and key ranges of large ones into one stream, whose rows and
# digests are those of --parallel 1; ferry-load takes a table's ranges as
# one table (-m truncate empties it once, --stats counts it once), and
# under --job a load killed with SIGKILL inside the second range resumes
# exactly once; --part streams under one --job each resume on their own
# (checkpoint table 2).  One snapshot across the connections is shown by a writer
# that inserts the same id into two tables in one transaction while both
# are read at once, on PostgreSQL (exported snapshot), on the suite's
# MariaDB (no binary log: FLUSH TABLES WITH READ LOCK) and on a private
# MariaDB with the binary log (positions agreed).
. "$(dirname "$0")/lib.sh"
test_need_db

SRV=${TMPDIR:-/tmp}/ferry-t4830-$$
SOCK=$SRV/mysql/mysqld.sock
srv() {
	FERRY_TESTDB_DIR=$SRV FERRY_TEST_MYSQL_PORT=$((FERRY_TEST_MYSQL_PORT + 90)) \
		FERRY_TEST_PG_PORT=$((FERRY_TEST_PG_PORT + 90)) \
		FERRY_TEST_MYSQL_EXTRA="--log-bin=mariadb-bin --binlog-format=ROW --server-id=1 --sync-binlog=0" \
		sh "$TEST_ROOT/scripts/testdb.sh" "$@"
}
cleanup() {
	kill_pids
	srv stop >/dev/null 2>&1
	true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SQ="'"
TO="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=${TEST_DB}_to"
to_sql() { pg_in "${TEST_DB}_to" -c "$1"; }
# rows and digest of a stream's total line
totals() {
	ferry-cat -f summary "$1" | sed -n 's/^total: [0-9]* tables, \([0-9]*\) rows, .*digest \([0-9a-f]*\)$/\1 \2/p'
}
sections() {
	ferry-cat -f summary "$1" | sed -n 's/^total: \([0-9]*\) tables, .*/\1/p'
}

test_expect_success 'setup: a chat on MariaDB, 60,000 messages' '
	my_fresh_db &&
	my_sql "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
		INSERT INTO users SELECT seq, CONCAT(\"user \", seq) FROM seq_1_to_500;
		CREATE TABLE messages (id BIGINT PRIMARY KEY AUTO_INCREMENT,
			user_id INT NOT NULL, body TEXT NOT NULL,
			created_at DATETIME(6) NOT NULL);
		INSERT INTO messages SELECT seq, seq % 500 + 1,
			CONCAT(\"message \", seq, REPEAT(\"x\", seq % 40)),
			TIMESTAMP(\"2024-01-01\") + INTERVAL seq SECOND
			FROM seq_1_to_60000;
		CREATE TABLE tags (name VARCHAR(20) PRIMARY KEY);
		INSERT INTO tags VALUES (\"a\"), (\"b\");
		CREATE TABLE audit (at DATETIME, what TEXT);
		INSERT INTO audit VALUES (\"2024-01-01\", \"x\"), (\"2024-01-02\", \"y\");
		ANALYZE TABLE messages" >/dev/null &&
	pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null
'

test_expect_success '--parallel 2: the rows and digest of --parallel 1, messages in ranges' '
	ferry-extract "$MY_URI" --all-tables -o p1.ferry &&
	ferry-extract "$MY_URI" --all-tables --parallel 2 --range-rows 20000 -o p2.ferry 2>err &&
	test_grep "parallel 2: 2 connections began under FLUSH TABLES WITH READ LOCK" err &&
	totals p1.ferry >t1 && totals p2.ferry >t2 && test_cmp t1 t2 &&
	grep -q "^60504 " t2 &&
	test "$(sections p1.ferry)" = 4 &&
	test "$(sections p2.ferry)" -gt 5 &&
	ferry-cat --check p2.ferry >/dev/null
'

test_expect_success 'the ranges say which they are, in order; small tables stay whole' '
	ferry-cat -f summary p2.ferry >sum &&
	n=$(grep -c "^table messages" sum) && test "$n" -ge 3 &&
	grep "^  key range " sum >ranges &&
	k=0 && while [ $k -lt $n ]; do k=$((k + 1)); echo "  key range $k of $n"; done >expect &&
	test_cmp expect ranges &&
	test "$(grep -c "^table users" sum)" = 1 &&
	test "$(grep -c "^table audit" sum)" = 1
'

test_expect_success 'loaded by -m truncate over old rows: every row, verify equal, --stats counts the table once' '
	ferry-load "$TO" --create -i p1.ferry 2>/dev/null &&
	to_sql "DELETE FROM messages WHERE id > 1000; INSERT INTO messages VALUES (900001, 1, '"'"'old'"'"', now())" &&
	ferry-load "$TO" -m truncate -i p2.ferry --stats st.json 2>err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	ferry-verify "$MY_URI" "$TO" &&
	jq -r ".tables[] | \"\(.table) \(.rows)\"" st.json | sort >got &&
	printf "audit 2\nmessages 60000\ntags 2\nusers 500\n" >expect &&
	test_cmp expect got
'

test_expect_success 'one table in ranges (no multi-table preview): -m truncate empties it once; --check says so of the whole table' '
	ferry-extract "$MY_URI" -t messages --parallel 2 --range-rows 20000 -o m2.ferry 2>/dev/null &&
	test "$(sections m2.ferry)" -ge 3 &&
	ferry-load "$TO" -m truncate -i m2.ferry &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	ferry-load --check "$TO" -m truncate -i m2.ferry >chk.txt &&
	test "$(grep -c "^table messages" chk.txt)" = 1 &&
	test_grep "table messages -> messages: 60000 rows" chk.txt &&
	test_expect_code 6 ferry-load --check "$TO" -i m2.ferry >chk.txt &&
	test_grep "key_exists: 60000 rows" chk.txt
'

test_expect_success '--create from ranges: the key and indexes come after the last range' '
	to_sql "DROP TABLE messages" &&
	ferry-load "$TO" --create -i m2.ferry 2>/dev/null &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	to_sql "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'messages'"'"'" >idx &&
	test_grep messages_pkey idx &&
	test_must_fail to_sql "INSERT INTO messages VALUES (5, 1, '"'"'dup'"'"', now())" 2>/dev/null &&
	test "$(to_sql "INSERT INTO messages (user_id, body, created_at)
		VALUES (1, '"'"'next'"'"', now()) RETURNING id" | head -n 1)" = 60001 &&
	to_sql "DROP TABLE messages" &&
	ferry-extract "$MY_URI" -t messages --parallel 2 --range-rows 20000 --order pk -o c.ferry 2>/dev/null &&
	ferry-load "$TO" --create --job jc -i c.ferry 2>/dev/null &&
	test "$(to_sql "SELECT state FROM ferry_checkpoint WHERE job = '"'"'jc'"'"'")" = done &&
	to_sql "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'messages'"'"'" >idx &&
	test_grep messages_pkey idx &&
	ferry-verify "$MY_URI" "$TO" -t messages
'

test_expect_success '--job over ranges: refused before any row unless in key order' '
	to_sql "TRUNCATE messages" &&
	test_expect_code 2 ferry-load "$TO" --job j1 -i m2.ferry 2>err &&
	test_grep "table messages comes in" err &&
	test_grep "extract with --order pk" err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 0
'

test_expect_success '--job, killed with SIGKILL inside the second range, resumes exactly once' '
	ferry-extract "$MY_URI" -t messages --parallel 2 --range-rows 20000 --order pk --batch-bytes 32768 -o mo.ferry 2>/dev/null &&
	size=$(wc -c <mo.ferry) &&
	grep -q "key range 1 of .*, rows in key order" <<-EOF &&
	$(ferry-cat -f summary mo.ferry)
	EOF
	load_fed mo.ferry $((size / 2)) "$TO" --job j2 --commit-every 1000 &&
	wait_count 24000 to_sql "SELECT coalesce(sum(rows_loaded), 0) FROM ferry_checkpoint WHERE job = ${SQ}j2${SQ}" &&
	sleep 0.5 &&
	kill_fed &&
	got=$(to_sql "SELECT count(*) FROM messages") &&
	test "$got" -ge 24000 && test "$got" -lt 60000 &&
	test "$(to_sql "SELECT state FROM ferry_checkpoint WHERE job = '"'"'j2'"'"'")" != done &&
	ferry-load "$TO" --job j2 --commit-every 1000 -i mo.ferry 2>err &&
	test_grep "resuming job j2" err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	test "$(to_sql "SELECT state FROM ferry_checkpoint WHERE job = '"'"'j2'"'"'")" = done &&
	ferry-verify "$MY_URI" "$TO" -t messages &&
	ferry-load "$TO" --job j2 -i mo.ferry 2>err &&
	test "$(grep -c "loaded it whole" err)" = 1
'

test_expect_success '--job and --part extracts: each part resumes apart from the others (checkpoint table 2)' '
	ferry-extract "$MY_URI" -t messages --order pk --part 1/2 --batch-bytes 32768 -o part1.ferry 2>/dev/null &&
	ferry-extract "$MY_URI" -t messages --order pk --part 2/2 -o part2.ferry 2>/dev/null &&
	ferry-extract "$MY_URI" -t messages --order pk --part 1/3 -o third.ferry 2>/dev/null &&
	ferry-extract "$MY_URI" -t messages --order pk -o whole.ferry 2>/dev/null &&
	n2=$(ferry-cat -f summary part2.ferry | sed -n "s/^total: 1 tables, \([0-9]*\) rows.*/\1/p") &&
	test "$n2" -gt 20000 && test "$n2" -lt 40000 &&
	to_sql "DROP TABLE messages" &&
	ferry-load "$TO" --create --job jp -i part2.ferry 2>/dev/null &&
	test "$(to_sql "SELECT part || ${SQ} ${SQ} || state || ${SQ} ${SQ} || rows_loaded FROM ferry_checkpoint WHERE job = ${SQ}jp${SQ}")" = "2/2 done $n2" &&
	size=$(wc -c <part1.ferry) &&
	load_fed part1.ferry $((size / 2)) "$TO" --job jp --commit-every 1000 &&
	wait_count 5000 to_sql "SELECT coalesce(sum(rows_loaded), 0) FROM ferry_checkpoint WHERE job = ${SQ}jp${SQ} AND part = ${SQ}1/2${SQ}" &&
	sleep 0.3 &&
	kill_fed &&
	killed=$(to_sql "SELECT count(*) FROM messages") &&
	test "$killed" -gt $((n2 + 4000)) && test "$killed" -lt 60000 &&
	test "$(to_sql "SELECT state FROM ferry_checkpoint WHERE job = ${SQ}jp${SQ} AND part = ${SQ}1/2${SQ}")" = loading &&
	test_expect_code 2 ferry-extract "$MY_URI" -t messages --incremental id --since-job jp "$TO" -o x.ferry 2>err &&
	test_grep "table messages is being loaded in parts" err &&
	test_expect_code 2 ferry-load "$TO" --job jp -i third.ferry 2>err &&
	test_grep "this stream holds its part 1/3" err &&
	test_expect_code 2 ferry-load "$TO" --job jp -i whole.ferry 2>err &&
	test_grep "job jp loaded it as part 1/2, and this stream holds the whole table" err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = "$killed" &&
	ferry-load "$TO" --job jp --commit-every 1000 -i part1.ferry 2>err &&
	test_grep "resuming job jp at part 1/2 after" err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	ferry-verify "$MY_URI" "$TO" -t messages &&
	test "$(to_sql "SELECT string_agg(part || ${SQ} ${SQ} || state, ${SQ},${SQ} ORDER BY part) FROM ferry_checkpoint WHERE job = ${SQ}jp${SQ}")" = "1/2 done,2/2 done" &&
	test "$(to_sql "SELECT sum(rows_loaded) FROM ferry_checkpoint WHERE job = ${SQ}jp${SQ}")" = 60000 &&
	cat part1.ferry part2.ferry | ferry-load "$TO" --job jp 2>err &&
	test_grep "loaded part 1/2 whole" err &&
	test_grep "loaded part 2/2 whole" err &&
	test "$(to_sql "SELECT count(*) FROM messages")" = 60000 &&
	test_expect_code 2 ferry-extract "$MY_URI" -t messages --incremental id --since-job jp "$TO" -o x.ferry 2>err &&
	test_grep "was loaded without --incremental" err
'

# A writer inserts the same id into pa and pb in one transaction, over
# and over, while ferry-extract --parallel 2 reads the two at once, each
# by its own connection; the stream must hold the same ids in both
pair_check() {
	ferry-cat -t pa p.ferry | jq -r .row.id | sort -n >a.ids &&
	ferry-cat -t pb p.ferry | jq -r .row.id | sort -n >b.ids &&
	test "$(tail -n 1 a.ids)" -gt 1000000 &&
	test_cmp a.ids b.ids
}
# the writer stops: its client, and its statement in the server
stop_writer() {
	kill $(cat writer.pid) 2>/dev/null
	rm -f writer.pid
	case $1 in
	pg) pg_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null ;;
	my) my_sql "SELECT ID FROM information_schema.PROCESSLIST
		WHERE DB = DATABASE() AND ID <> CONNECTION_ID()" | sed 1d |
		while read id; do my_sql "KILL $id"; done ;;
	priv) mariadb --no-defaults -S "$SOCK" -uroot -N par -e "SELECT ID FROM
		information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()" |
		while read id; do mariadb --no-defaults -S "$SOCK" -uroot -e "KILL $id"; done ;;
	esac
	true
}
# pairs_extract SOURCE WORDS WHERE: four extracts while the writer writes, each
# saying WORDS of how it shared the snapshot, each with the same ids in
# both tables (a connection a transaction apart is caught by one of them
# more often than not); the writer stops
pairs_extract() {
	for i in 1 2 3 4; do
		ferry-extract "$1" -t pa -t pb --parallel 2 -o p.ferry 2>err &&
		test_grep "$2" err &&
		pair_check || break
	done
	stop_writer "$3"
	test $i = 4 && pair_check
}

test_expect_success 'ferry-verify reads a table in ranges as one table, and a range amiss as such' '
	ferry-verify mo.ferry "$MY_URI" -t messages >out &&
	test_grep "messages: A 60000 rows, B 60000 rows: equal" out &&
	ferry-verify mo.ferry "$TO" -t messages &&
	to_sql "UPDATE messages SET body = '"'"'edited'"'"' WHERE id = 33333" &&
	test_expect_code 1 ferry-verify mo.ferry "$TO" -t messages >out &&
	test_grep "changed: id=33333" out &&
	ferry-extract "$MY_URI" -t messages --part 1/3 --order pk -o k1.ferry &&
	ferry-extract "$MY_URI" -t messages --part 3/3 --order pk -o k3.ferry &&
	cat k1.ferry k3.ferry >k13.ferry &&
	test_expect_code 3 ferry-verify k13.ferry "$MY_URI" -t messages 2>err &&
	test_grep "table messages: key range 1 of 3 is not followed by range 2" err
'

# the two tables and the writer's procedure, for MariaDB (a few thousand
# transactions a second: at tens of thousands no two connections start
# between two commits, and ferry takes the global lock instead)
pairs_sql() {
	cat <<-\EOF
	CREATE TABLE pa (id BIGINT PRIMARY KEY, pad TEXT);
	CREATE TABLE pb (id BIGINT PRIMARY KEY, pad TEXT);
	INSERT INTO pa SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_20000;
	INSERT INTO pb SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_20000;
	ANALYZE TABLE pa, pb;
	DELIMITER //
	CREATE PROCEDURE pairs() BEGIN DECLARE i BIGINT DEFAULT 1000001;
	WHILE i < 1400000 DO START TRANSACTION; INSERT INTO pa VALUES (i, NULL);
	INSERT INTO pb VALUES (i, NULL); COMMIT; SET i = i + 1;
	IF i % 4 = 0 THEN DO SLEEP(0.001); END IF; END WHILE; END //
	DELIMITER ;
	EOF
}

test_expect_success 'one snapshot on PostgreSQL: an exported snapshot' '
	pg_sql "CREATE TABLE pa (id bigint PRIMARY KEY, pad text);
		CREATE TABLE pb (id bigint PRIMARY KEY, pad text);
		INSERT INTO pa SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g;
		INSERT INTO pb SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g;
		ANALYZE pa; ANALYZE pb" &&
	( pg_sql "DO \$\$ BEGIN FOR i IN 1000001..1400000 LOOP
		INSERT INTO pa VALUES (i, NULL); INSERT INTO pb VALUES (i, NULL); COMMIT;
		END LOOP; END \$\$" >/dev/null 2>&1 &
	  echo $! >writer.pid ) &&
	sleep 1 &&
	pairs_extract "$PG_URI" "exported to 2 connections" pg
'

test_expect_success 'one snapshot on MariaDB without the binary log: under the global read lock' '
	pairs_sql | my_sql >/dev/null &&
	( my_sql "CALL pairs()" >/dev/null 2>&1 &
	  echo $! >writer.pid ) &&
	sleep 1 &&
	pairs_extract "$MY_URI" "FLUSH TABLES WITH READ LOCK" my
'

test_expect_success 'one snapshot on MariaDB with the binary log: positions agreed' '
	srv start >/dev/null &&
	MYP="mysql://root@localhost/par?socket=$SOCK" &&
	mariadb --no-defaults -S "$SOCK" -uroot -e "CREATE DATABASE par" &&
	pairs_sql | mariadb --no-defaults -S "$SOCK" -uroot par >/dev/null &&
	( mariadb --no-defaults -S "$SOCK" -uroot par -e "CALL pairs()" >/dev/null 2>&1 &
	  echo $! >writer.pid ) &&
	sleep 1 &&
	pairs_extract "$MYP" "connections at binary log position mariadb-bin." priv
'

test_expect_success 'usage: --parallel takes 1..64, not with --part, --follow or --inventory; --range-rows needs it' '
	test_expect_code 2 ferry-extract "$MY_URI" -t users --parallel 0 -o x 2>err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t users --parallel 65 -o x 2>err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t users --parallel 2 --part 1/2 -o x 2>err &&
	test_grep "--parallel excludes" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t users --range-rows 5000 -o x 2>err &&
	test_grep "--range-rows goes with --parallel" err &&
	test_expect_code 2 ferry-extract --inventory "$MY_URI" -t users --parallel 2 2>err
'

test_expect_success 'a pipe closed early: exit 7, as with one connection' '
	{ ferry-extract "$MY_URI" -t messages --parallel 2 --range-rows 20000 2>err; echo $? >rc; } |
		head -c 1000 >/dev/null &&
	test "$(cat rc)" = 7 &&
	test_grep "the next stage of the pipe is gone" err
'

test_expect_success 'the private server stops' '
	srv stop >/dev/null
'

test_done
