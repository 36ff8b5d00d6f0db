#!/bin/sh
# --follow from MariaDB: the snapshot and then every committed change (the
# binary log, read as a replica reads it), applied by ferry-load --follow
# into PostgreSQL and MariaDB while a writer edits the chat; kills of
# either side at random moments resume exactly once (a target trigger
# sees any change applied twice); --until now or a FILE:POS ends it; an
# ALTER or a TRUNCATE stops it with exit 9, purged binary logs with exit
# 10; an idle source still moves on, across a rotation.  The source is a
# private MariaDB of this test's own, with the binary log on.
. "$(dirname "$0")/lib.sh"
test_need_db

SRV=${TMPDIR:-/tmp}/ferry-t7810-$$
SOCK=$SRV/mysql/mysqld.sock
srv() {
	FERRY_TESTDB_DIR=$SRV FERRY_TEST_MYSQL_PORT=$((FERRY_TEST_MYSQL_PORT + 70)) \
		FERRY_TEST_PG_PORT=$((FERRY_TEST_PG_PORT + 70)) \
		FERRY_TEST_MYSQL_EXTRA="--log-bin=mariadb-bin --binlog-format=ROW --binlog-row-metadata=FULL --server-id=1 --sync-binlog=0" \
		sh "$TEST_ROOT/scripts/testdb.sh" "$@"
}
# whatever way the script ends, the followers it left and its server go
# (the last test stops the server too, and says so)
cleanup() {
	for f in "$TRASH/ex.pid" "$TRASH/ld.pid"; do
		[ -s "$f" ] && kill -9 $(cat "$f") 2>/dev/null
	done
	# the server's own log, kept with a failed test's scratch (a crash
	# of the server says where it was there)
	cp "$SRV/mysql/error.log" "$TRASH/mariadb-error.log" 2>/dev/null
	srv stop >/dev/null 2>&1
	true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SRC="mysql://root@localhost/chat?socket=$SOCK"
MY_TO="mysql://root@localhost/t_to?socket=$SOCK"
PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
JOB=chat

# root on the private server: root_sql [SQL] (no database), src_sql [SQL]
# (the chat), each SQL or stdin
root_sql() {
	if [ $# -gt 0 ]; then
		mariadb --no-defaults --default-character-set=utf8mb4 -S "$SOCK" \
			-uroot --batch -N -e "$1"
	else
		mariadb --no-defaults --default-character-set=utf8mb4 -S "$SOCK" \
			-uroot --batch -N
	fi
}
src_sql() {
	if [ $# -gt 0 ]; then
		mariadb --no-defaults --default-character-set=utf8mb4 -S "$SOCK" \
			-uroot --batch -N chat -e "$1"
	else
		mariadb --no-defaults --default-character-set=utf8mb4 -S "$SOCK" \
			-uroot --batch -N chat
	fi
}
to_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$TO" -c "$1"
}
fresh_to() {
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null
}
# positions, FILE:POS: the source's binary log end now, and the job's in
# the PostgreSQL target (its checkpoint row of no table)
master_pos() {
	root_sql "SHOW MASTER STATUS" | awk -F "\t" '{ print $1 ":" $2 }'
}
to_pos() {
	to_sql "SELECT last_key FROM ferry_checkpoint WHERE job = '$JOB' AND table_name = ''"
}
# caught_up: the job's position reaches the source's log end (in 8 s)
caught_up() {
	i=0
	while [ "$(to_pos)" != "$(master_pos)" ]; do
		[ $i -lt 80 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# pos_after A B: position A is past position B
pos_after() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		na = split(a, x, ":"); nb = split(b, y, ":")
		if (na != 2 || nb != 2) exit 1
		exit !(x[1] > y[1] || (x[1] == y[1] && x[2] + 0 > y[2] + 0))
	}'
}

# the writer: writer N [SECONDS]: N rounds of new, edited and deleted
# messages and memberships, each round a transaction of its own, SECONDS
# apart (0.005); a derived table holds what a subquery reads of the table
# its UPDATE or DELETE changes (MySQL refuses it otherwise)
writer() {
	awk -v n="$1" -v pause="${2:-0.005}" -v q="'" 'BEGIN {
		for (i = 1; i <= n; i++) {
			print "START TRANSACTION;"
			printf "INSERT INTO messages (room_id, user_id, body, sent) VALUES (1 + %d %% 3, 1 + %d %% 4, %slive %d 💬%s, now(6));\n", i, i, q, i, q
			if (i % 3 == 0)
				print "UPDATE messages SET body = CONCAT(body, " q " (edited)" q "), version = version + 1, edited_at = now(6), status = " q "read" q " WHERE id = (SELECT m FROM (SELECT max(id) - 2 AS m FROM messages) x);"
			if (i % 5 == 0) {
				print "UPDATE users SET seen = seen + 1 WHERE id = 1 + " i " % 4;"
				print "UPDATE messages SET flags = NOT flags, version = version + 1 WHERE id = (SELECT m FROM (SELECT min(id) AS m FROM messages) x);"
			}
			if (i % 7 == 0)
				print "DELETE FROM messages WHERE id = (SELECT m FROM (SELECT min(id) AS m FROM messages) x);"
			if (i % 11 == 0) {
				print "DELETE FROM members WHERE room_id = 3 AND user_id = (SELECT m FROM (SELECT min(user_id) AS m FROM members WHERE room_id = 3) x);"
				print "INSERT IGNORE INTO members VALUES (3, 1 + " i " % 4, now(6));"
			}
			print "COMMIT;"
			print "DO SLEEP(" pause ");"
		}
	}' | src_sql >/dev/null
}

# start extract | load in the background, each one's pid and exit code
# kept (ex.pid, ld.pid, ex.rc, ld.rc)
start_follow() {
	rm -f ex.rc ld.rc ex.pid ld.pid
	( sh -c 'echo $$ >ex.pid; exec "$@"' sh ferry-extract "$SRC" \
		--all-tables --follow --since-job $JOB "$1" --no-progress 2>>ex.err
	  echo $? >ex.rc ) |
	( sh -c 'echo $$ >ld.pid; exec "$@"' sh ferry-load "$1" --create \
		--job $JOB --follow --triggers fire --no-progress $2 2>>ld.err
	  echo $? >ld.rc ) &
	i=0
	while { [ ! -s ex.pid ] || [ ! -s ld.pid ]; } && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	sleep 0.3
}
wait_rc() {
	i=0
	while [ ! -f "$1" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$1"
}
stop_follow() {
	kill $(cat ex.pid) $(cat ld.pid) 2>/dev/null
	wait_rc ex.rc >/dev/null
	wait_rc ld.rc >/dev/null
	true
}
# the chat's tables equal on both sides (the target's own tables aside)
verify_equal() {
	ferry-verify "$SRC" "$1" -t users -t rooms -t members -t messages >out ||
		{ cat out ex.err ld.err >&2; return 1; }
	test_grep "the two sides are equal" out
}
# the end: --until now, both exit 0
until_now() {
	ferry-extract "$SRC" --all-tables --follow --until now --since-job $JOB "$1" \
		--no-progress 2>>ex.err |
	ferry-load "$1" --create --job $JOB --follow --triggers fire --no-progress 2>>ld.err
}

cat >chat.sql <<\EOSQL
CREATE DATABASE chat CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE t_to CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE noise;
CREATE TABLE noise.n (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
USE chat;
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(64) COLLATE utf8mb4_unicode_ci NOT NULL UNIQUE,
  seen INT NOT NULL DEFAULT 0, score FLOAT,
  created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
CREATE TABLE rooms (id INT PRIMARY KEY, title VARCHAR(64) NOT NULL);
CREATE TABLE members (room_id INT NOT NULL REFERENCES rooms (id),
  user_id INT NOT NULL REFERENCES users (id),
  joined DATETIME(6) NOT NULL, PRIMARY KEY (room_id, user_id));
CREATE TABLE messages (id BIGINT AUTO_INCREMENT PRIMARY KEY,
  room_id INT NOT NULL REFERENCES rooms (id),
  user_id INT NOT NULL REFERENCES users (id),
  body TEXT NOT NULL, sent DATETIME(6) NOT NULL, edited_at DATETIME(6) NULL,
  version INT NOT NULL DEFAULT 1, flags BOOLEAN NOT NULL DEFAULT FALSE,
  status ENUM('sent', 'read', 'deleted') NOT NULL DEFAULT 'sent',
  meta JSON, amount DECIMAL(10,2), day DATE, blob_ VARBINARY(32));
INSERT INTO users (name, score) VALUES ('ann', 1.25), ('bob', 2.5), ('cy', NULL), ('dee', -0.5);
INSERT INTO rooms VALUES (1, 'general'), (2, 'random'), (3, 'dev');
INSERT INTO members SELECT r.seq, u.seq, now(6) FROM seq_1_to_3 r, seq_1_to_4 u;
INSERT INTO messages (room_id, user_id, body, sent, meta, amount, day, blob_)
  SELECT 1 + seq % 3, 1 + seq % 4, CONCAT('old ', seq, ' é'), now(6) - INTERVAL seq MINUTE,
    CONCAT('{"n": ', seq, '}'), seq * 1.25, '2024-01-01' + INTERVAL seq DAY,
    UNHEX(MD5(seq))
  FROM seq_1_to_200;
EOSQL

test_expect_success 'setup: a private MariaDB with the binary log on, a chat on it' '
	srv start >/dev/null 2>srv.log &&
	root_sql "SELECT @@log_bin, @@binlog_format, @@binlog_row_image" >vars &&
	printf "1\tROW\tFULL\n" >expect && test_cmp expect vars &&
	root_sql <chat.sql 2>err && test_must_be_empty err &&
	fresh_to &&
	test "$(src_sql "SELECT count(*) FROM messages")" = 200
'

test_expect_success 'a follow stream: the snapshot, then the changes, as ferry-cat shows them' '
	test_when_finished "kill \$EP 2>/dev/null; true" &&
	{ ferry-extract "$SRC" -t users --follow --since-job peek "$TO" --no-progress >peek.stream 2>peek.err & } &&
	EP=$! &&
	sleep 2 &&
	src_sql "START TRANSACTION; UPDATE users SET seen = 5 WHERE id = 2;
		DELETE FROM members WHERE room_id = 2 AND user_id = 4;
		INSERT INTO users (name) VALUES ('"'"'eve'"'"'); COMMIT" &&
	sleep 1.5 &&
	{ kill $EP || { cat peek.err >&2; false; }; } &&
	{ wait $EP; true; } &&
	test_expect_code 7 ferry-cat peek.stream >lines 2>cat.err &&
	test_grep "interrupted (a rerun resumes)" cat.err &&
	test_grep "{\"table\":\"users\",\"row\":{\"id\":2,\"name\":\"bob\",\"seen\":0" lines &&
	test_grep "\"op\":\"update\",\"table\":\"users\",\"row\":{\"id\":2,\"name\":\"bob\",\"seen\":5" lines &&
	test_grep "\"op\":\"insert\",\"table\":\"users\",\"row\":{\"id\":5,\"name\":\"eve\"" lines &&
	! grep -q members lines &&
	ferry-cat -f summary peek.stream 2>/dev/null | grep "^follow:" >sum &&
	test_grep "follow: 1 tables from mariadb-bin." sum &&
	test_grep "1 transactions, 2 changes" sum &&
	test_expect_code 2 ferry-load "$TO" <peek.stream 2>err &&
	test_grep "follows its source" err &&
	ferry-extract "$SRC" --follow-drop peek
'

# every MariaDB type, the extremes of each: the binary log writes each in
# a packing of its own (integers little-endian whatever their sign,
# DECIMAL and DATETIME2 big-endian with offsets, FLOAT in 4 bytes, CHAR
# over 255 bytes with its length in the type byte, padded CHAR and
# BINARY, length prefixes of 1 to 4 bytes, ENUM and SET as numbers, a
# UUID and an INET6 as the 16 bytes the server keeps, TIMESTAMP in
# seconds since 1970 whatever the session's time zone, a GEOMETRY as
# the server's SRID and WKB), which must come
# out as the snapshot's SELECT reads it
cat >kinds.sql <<\EOSQL
SET time_zone = '+05:30';
SET @all = (SELECT GROUP_CONCAT(CHAR(seq) ORDER BY seq SEPARATOR '') FROM seq_0_to_255);
CREATE TABLE kinds (id INT PRIMARY KEY,
  ti TINYINT, uti TINYINT UNSIGNED, si SMALLINT, usi SMALLINT UNSIGNED,
  mi MEDIUMINT, umi MEDIUMINT UNSIGNED, i INT, ui INT UNSIGNED,
  big BIGINT, ubig BIGINT UNSIGNED, flag TINYINT(1),
  d65 DECIMAL(65,30), d10 DECIMAL(10,2), d5 DECIMAL(5,0), fl FLOAT, db DOUBLE,
  b1 BIT(1), b12 BIT(12), b64 BIT(64),
  ch CHAR(5), ch100 CHAR(100), v10 VARCHAR(10), vc VARCHAR(300),
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  bn BINARY(4), vb VARBINARY(300), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  en ENUM('text', 'image', 'it''s'), st SET('a', 'b', 'c'),
  dt DATE, dtm DATETIME(6), dt0 DATETIME, ts TIMESTAMP(3) NULL DEFAULT NULL,
  ts0 TIMESTAMP NULL DEFAULT NULL, tm TIME(6), tm0 TIME, yr YEAR,
  js JSON, uu UUID, ip INET6, geo GEOMETRY);
INSERT INTO kinds VALUES
 (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
  -9223372036854775808, 18446744073709551615, 1,
  -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.99, 99999,
  -0.1, 1e308,
  b'1', b'101010101010', 0xFFFFFFFFFFFFFFFF,
  '😀é', REPEAT('ü', 100), 'héllo 😀', CONCAT(REPEAT('x', 290), '💬 end'),
  'tab\there', 'tab\there\nnew line\r\nCRLF "q" \\ back 😀 你好', REPEAT('é', 33000), 'NULL',
  0x00FF7F80, @all, @all, REVERSE(@all), @all, REPEAT(@all, 257),
  'it''s', 'a,c',
  '1000-01-01', '1000-01-01 00:00:00.000001', '2024-02-29 13:14:15', '1970-01-01 05:30:01.000',
  '2038-01-19 08:44:07', '23:59:59.999999', '00:00:00', 2155,
  '{"b": [1, 2.50, {"c": null}], "a": "x\\u00e9 😀"}', '123e4567-e89b-12d3-a456-426614174000', '2001:db8::ff00:42:8329',
  ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))', 4326)),
 (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0,
  9223372036854775807, 0, 0,
  0.000000000000000000000000000001, 0.00, -1,
  3.4028234e38, -1e-300,
  b'0', b'0', 0x0000000000000001,
  'ab', '', 'x', '', '', '', '', '',
  0x41, '', '', '', '', '',
  'text', '',
  '9999-12-31', '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00', '2038-01-19 08:44:07.999',
  '1970-01-01 05:30:01', '00:00:00.000001', '23:59:59', 1901,
  'null', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '::', ST_GeomFromText('POINT(-0.5 1e-300)')),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 1, 0, 1, 0, 1, -1, 1, 1,
  12.5, 0.01, 0, 1.5, 0.1,
  b'1', b'111111111111', 0x8000000000000000,
  '     ', 'z', 'é', '😀', '\\', '', '', '',
  0x00000000, 0x00, 0x00, 0x0000, 0x00, 0x00,
  'image', 'a,b,c',
  '2024-02-29', '2024-02-29 12:00:00.5', '2024-02-29 12:00:00', '2024-02-29 17:30:00.5',
  '2024-02-29 17:30:00', '12:00:00.5', '12:00:00', 2024,
  '[]', '00000000-0000-0000-0000-000000000000', '::1',
  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY', 3857));
EOSQL
KINDS_COLS="ti, uti, si, usi, mi, umi, i, ui, big, ubig, flag, d65, d10, d5, fl, db, b1, b12, b64, ch, ch100, v10, vc, tt, tx, mt, lt, bn, vb, tb, bl, mb, lb, en, st, dt, dtm, dt0, ts, ts0, tm, tm0, yr, js, uu, ip, geo"

test_expect_success 'a row of every type: as a change, the value the snapshot reads' '
	test_when_finished "kill \$EP 2>/dev/null; src_sql \"DROP TABLE IF EXISTS kinds\"" &&
	src_sql <kinds.sql &&
	test "$(src_sql "SELECT LENGTH(vb), HEX(bn) FROM kinds WHERE id IN (1, 2) ORDER BY id" | tr "\t\n" "  ")" = "256 00FF7F80 0 41000000 " &&
	{ ferry-extract "$SRC" -t kinds --follow --since-job kinds "$TO" --no-progress >kinds.stream 2>kinds.err & } &&
	EP=$! &&
	sleep 2 &&
	src_sql "SET time_zone = '"'"'-08:00'"'"';
		INSERT INTO kinds (id, $KINDS_COLS) SELECT id + 10, $KINDS_COLS FROM kinds;
		UPDATE kinds SET tx = '"'"'changed'"'"' WHERE id IN (12, 14);
		DELETE FROM kinds WHERE id IN (11, 13)" &&
	sleep 1.5 &&
	{ kill $EP || { cat kinds.err >&2; false; }; } &&
	{ wait $EP; true; } &&
	ferry-extract "$SRC" --follow-drop kinds &&
	{ ferry-cat -f jsonl kinds.stream >lines 2>/dev/null; true; } &&
	sed -n "s/^{\"table\":\"kinds\",\"row\":{\"id\":\([1-4]\),/\1 /p" lines | sort >snap &&
	sed -n "s/^{\"transaction\":[0-9]*,\"op\":\"insert\",\"table\":\"kinds\",\"row\":{\"id\":1\([1-4]\),/\1 /p" lines | sort >changes &&
	test $(wc -l <snap) -eq 4 && test_cmp snap changes &&
	grep "^[24] " snap | sed "s/,\"tx\":\"\",/,\"tx\":\"changed\",/" >expect &&
	sed -n "s/^{\"transaction\":[0-9]*,\"op\":\"update\",\"table\":\"kinds\",\"row\":{\"id\":1\([1-4]\),/\1 /p" lines | sort >updates &&
	test $(wc -l <updates) -eq 2 && test_cmp expect updates &&
	test_grep "\"op\":\"delete\",\"table\":\"kinds\",\"key\":[11]" lines &&
	test_grep "\"op\":\"delete\",\"table\":\"kinds\",\"key\":[13]" lines
'

test_expect_success 'durations (TIME --cast text), UUIDs and INET6s at their edges: as the snapshot reads them' '
	test_when_finished "src_sql \"DROP TABLE IF EXISTS edges\"" &&
	src_sql "CREATE TABLE edges (id INT PRIMARY KEY, d TIME(3), d0 TIME, u UUID, a INET6);
		INSERT INTO edges VALUES
		(1, '"'"'-838:59:59.000'"'"', '"'"'838:59:59'"'"', '"'"'12345678-1234-1234-1234-000000000000'"'"', '"'"'::1'"'"'),
		(2, '"'"'-00:00:00.500'"'"', '"'"'-00:00:01'"'"', '"'"'00000000-0000-0000-0000-000000000000'"'"', '"'"'::1.2.3.4'"'"'),
		(3, '"'"'838:59:59.999'"'"', '"'"'100:00:00'"'"', '"'"'ffffffff-ffff-ffff-ffff-ffffffffffff'"'"', '"'"'::ffff:10.0.0.1'"'"'),
		(4, '"'"'-01:02:03.004'"'"', '"'"'00:00:00'"'"', '"'"'6ccd780c-baba-1026-9564-5b8c656024db'"'"', '"'"'fe80::1:0:0:0'"'"')" &&
	{ ferry-extract "$SRC" -t edges --cast edges.d=text --cast edges.d0=text --follow \
		--since-job edges "$TO" --no-progress >edges.stream 2>edges.err & } &&
	EP=$! &&
	sleep 1.5 &&
	src_sql "INSERT INTO edges SELECT id + 10, d, d0, u, a FROM edges" &&
	sleep 1.5 &&
	{ kill $EP || { cat edges.err >&2; false; }; } &&
	{ wait $EP; true; } &&
	{ ferry-cat -f jsonl edges.stream >elines 2>/dev/null; true; } &&
	sed -n "s/^{\"table\":\"edges\",\"row\":{\"id\":\([1-4]\),/\1 /p" elines | sort >esnap &&
	sed -n "s/^{\"transaction\":[0-9]*,\"op\":\"insert\",\"table\":\"edges\",\"row\":{\"id\":1\([1-4]\),/\1 /p" elines | sort >echanges &&
	test $(wc -l <esnap) -eq 4 && test_cmp esnap echanges &&
	test_grep "-838:59:59.000" esnap && test_grep "::1.2.3.4" esnap
'

test_expect_success '--inventory --follow lists everything that would stop it, at once' '
	ferry-extract "$SRC" --inventory --follow --all-tables >inv &&
	test_grep "follow: ready" inv &&
	test_when_finished "src_sql \"DROP TABLE IF EXISTS old\"; root_sql \"SET GLOBAL binlog_format = ROW\"" &&
	src_sql "CREATE TABLE nokey (a INT); CREATE TABLE old (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET latin1)" &&
	root_sql "SET GLOBAL binlog_format = STATEMENT" &&
	ferry-extract "$SRC" --inventory --follow --all-tables --report inv.json >inv &&
	test_grep "follow: 3 things would stop it:" inv &&
	test_grep "  server: binlog_format is STATEMENT" inv &&
	test_grep "  nokey: no primary key" inv &&
	test_grep "  old: 1 text column in another character set" inv &&
	python3 -c "import json,sys; f=json.load(open(\"inv.json\"))[\"follow\"]; sys.exit(f[\"ready\"] or len(f[\"findings\"]) != 3)"
'

test_expect_success '... and on a server without the binary log, log_bin; --follow itself is refused' '
	my_fresh_db &&
	my_sql "CREATE TABLE t (id INT PRIMARY KEY)" &&
	ferry-extract "$MY_URI" --inventory --follow --all-tables --report noinv.json >inv &&
	test_grep "  server: log_bin is off" inv &&
	python3 -c "import json,sys; f=json.load(open(\"noinv.json\"))[\"follow\"]; sys.exit(f[\"ready\"] or not any(\"log_bin\" in x[\"what\"] for x in f[\"findings\"]))" &&
	test_expect_code 2 ferry-extract "$MY_URI" --all-tables --follow --since-job nolog "$TO" >/dev/null 2>err &&
	test_grep "log_bin" err
'

test_expect_success 'a table without a primary key is refused before anything starts' '
	test_when_finished "src_sql \"DROP TABLE IF EXISTS nokey\"" &&
	src_sql "CREATE TABLE IF NOT EXISTS nokey (a INT)" &&
	test_expect_code 2 ferry-extract "$SRC" --all-tables --follow --since-job nk "$TO" >out 2>err &&
	test_grep "table nokey has no primary key" err &&
	test_must_be_empty out
'

test_expect_success 'MariaDB -> PostgreSQL: the writer runs from before the snapshot to the end' '
	test_when_finished stop_follow &&
	to_sql "CREATE TABLE applied_twice (id bigint, version int)" &&
	{ ( writer 150 ) & } &&
	WP=$! &&
	sleep 0.3 &&
	start_follow "$TO" &&
	wait $WP &&
	sleep 1 &&
	stop_follow &&
	until_now "$TO" &&
	verify_equal "$TO" &&
	to_sql "SELECT state FROM ferry_checkpoint WHERE job = '"'"'chat'"'"' AND table_name = '"'"''"'"'" >st &&
	echo done >expect && test_cmp expect st &&
	to_pos >at &&
	grep -Eq "^mariadb-bin\.[0-9]{6}:[0-9]+$" at &&
	root_sql "SHOW BINARY LOGS" | cut -f1 >logs &&
	test_grep "$(cut -d: -f1 at)" logs &&
	! pos_after "$(cat at)" "$(master_pos)" &&
	to_sql "SELECT last_watermark FROM ferry_checkpoint WHERE job = '"'"'chat'"'"' AND table_name = '"'"''"'"'" >wm &&
	grep -Eq "^[0-9]+$" wm
'

test_expect_success 'the target counts every application: a trigger on it' '
	to_sql "CREATE TABLE applications (id bigint, version int);
		CREATE FUNCTION twice() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN IF TG_OP = '"'"'UPDATE'"'"' AND NEW.version < OLD.version THEN
			INSERT INTO applied_twice VALUES (NEW.id, NEW.version); END IF;
		INSERT INTO applications VALUES (NEW.id, NEW.version);
		RETURN NULL; END \$\$;
		CREATE TRIGGER twice AFTER INSERT OR UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION twice()"
'

# every version of a message is written once on the source (each update
# raises it): a version applied twice is a transaction applied twice
test_expect_success 'kill -9 of extract, load or both at random moments, 20 times: resumed exactly once' '
	test_when_finished stop_follow &&
	{ ( writer 400 0.03 ) & } &&
	WP=$! &&
	for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		start_follow "$TO" &&
		sleep 0.$((round * 7 % 5)) &&
		case $((round % 3)) in
		0) kill -9 $(cat ex.pid) 2>/dev/null ;;
		1) kill -9 $(cat ld.pid) 2>/dev/null ;;
		2) kill -9 $(cat ex.pid) $(cat ld.pid) 2>/dev/null ;;
		esac
		stop_follow || return 1
	done &&
	wait $WP &&
	until_now "$TO" &&
	verify_equal "$TO" &&
	to_sql "SELECT count(*) FROM applied_twice" >n &&
	echo 0 >expect && test_cmp expect n &&
	to_sql "SELECT id, version, count(*) FROM applications GROUP BY id, version HAVING count(*) > 1" >twice &&
	test_must_be_empty twice &&
	test "$(to_sql "SELECT count(*) >= 400 FROM applications")" = t &&
	to_sql "DROP TRIGGER twice ON messages"
'

test_expect_success 'the cut-over sets the counters: the next id is the source'"'"'s' '
	test_grep "counters stand past the ids they hold: to give them the source" ld.err &&
	ferry-extract "$SRC" --all-tables --schema-only |
		ferry-load "$TO" -m upsert --triggers fire &&
	src_sql "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"'"'chat'"'"' AND TABLE_NAME = '"'"'messages'"'"'" >src &&
	seq=$(to_sql "SELECT pg_get_serial_sequence('"'"'messages'"'"', '"'"'id'"'"')") &&
	to_sql "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM $seq" >dst &&
	test_cmp src dst
'

# the position moves on past transactions of other databases, across a
# rotation (FLUSH BINARY LOGS), and to the log's end while nothing more is
# written (the server's heartbeats), though no followed table changes;
# caught up once, and again after a pause (a rotation's Binlog_checkpoint
# event may come a second after it, with no transaction after it)
test_expect_success 'an idle source, for a minute: heartbeats move the position on; the metrics say the lag' '
	test_when_finished stop_follow &&
	start_follow "$TO" "--metrics-file $PWD/follow.prom" &&
	sleep 1 &&
	to_pos >a &&
	root_sql "FLUSH BINARY LOGS" &&
	root_sql "INSERT INTO noise.n (v) VALUES (1); DO SLEEP(0.3); INSERT INTO noise.n (v) VALUES (2);
		DO SLEEP(0.3); INSERT INTO noise.n (v) VALUES (3); DO SLEEP(0.3); INSERT INTO noise.n (v) VALUES (4)" &&
	sleep 0.3 &&
	caught_up &&
	to_pos >b &&
	sleep 1.2 &&
	caught_up &&
	pos_after "$(cat b)" "$(cat a)" &&
	# a minute with nothing written: both sides still there, the
	# position still at the end of the log, and the next change arrives
	sleep 62 &&
	! test -f ex.rc && ! test -f ld.rc &&
	caught_up &&
	src_sql "UPDATE users SET seen = seen + 100 WHERE id = 4" &&
	i=0 &&
	until test "$(to_sql "SELECT seen >= 100 FROM users WHERE id = 4")" = t; do
		i=$((i + 1)) && test $i -lt 50 && sleep 0.1 || break
	done &&
	test "$(to_sql "SELECT seen >= 100 FROM users WHERE id = 4")" = t &&
	stop_follow &&
	test "$(cut -d: -f1 b)" != "$(cut -d: -f1 a)" &&
	perl "$TEST_ROOT/tests/promcheck.pl" follow.prom &&
	test_grep "ferry_follow_lag_seconds{tool=\"load\",ferry_job=\"chat\"} " follow.prom &&
	test_grep "# TYPE ferry_follow_changes_total counter" follow.prom &&
	lag=$(sed -n "s/^ferry_follow_lag_seconds{.*} //p" follow.prom) &&
	awk -v l="$lag" "BEGIN { exit !(l < 5) }"
'

test_expect_success 'a table the job does not follow yet is refused, not followed silently' '
	test_when_finished "src_sql \"DROP TABLE IF EXISTS later\"" &&
	src_sql "CREATE TABLE later (id INT PRIMARY KEY)" &&
	test_expect_code 2 ferry-extract "$SRC" --all-tables --follow --since-job chat "$TO" >/dev/null 2>err &&
	test_grep "table later is not one job" err &&
	test_grep "(--resnapshot)" err
'

test_expect_success '--until POSITION ends at a point of the source'"'"'s history' '
	src_sql "INSERT INTO rooms VALUES (10, '"'"'before'"'"')" &&
	pos=$(master_pos) &&
	src_sql "INSERT INTO rooms VALUES (11, '"'"'after'"'"')" &&
	ferry-extract "$SRC" --all-tables --follow --until "$pos" --since-job chat "$TO" --no-progress 2>>ex.err |
		ferry-load "$TO" --job chat --follow --triggers fire --no-progress 2>>ld.err &&
	to_sql "SELECT string_agg(title, '"'"','"'"' ORDER BY id) FROM rooms WHERE id >= 10" >got &&
	echo before >expect && test_cmp expect got &&
	test "$(to_pos)" = "$pos" &&
	until_now "$TO" &&
	to_sql "SELECT string_agg(title, '"'"','"'"' ORDER BY id) FROM rooms WHERE id >= 10" >got &&
	echo before,after >expect && test_cmp expect got &&
	src_sql "DELETE FROM rooms WHERE id >= 10" &&
	test_expect_code 2 ferry-extract "$SRC" --all-tables --follow --until nowish --since-job chat "$TO" >/dev/null 2>err &&
	test_grep "is not now or a position" err &&
	test_expect_code 2 ferry-extract "$SRC" --all-tables --follow --until 0/16B3748 --since-job chat "$TO" >/dev/null 2>err &&
	test_grep "is not now or a position" err
'

test_expect_success 'a schema change stops following with exit 9, naming the table; --resnapshot goes on' '
	test_when_finished stop_follow &&
	: >ex.err &&
	start_follow "$TO" &&
	sleep 0.5 &&
	root_sql "ALTER TABLE noise.n ADD COLUMN w INT" &&
	sleep 1 &&
	test ! -f ex.rc &&
	src_sql "ALTER TABLE rooms ADD COLUMN topic VARCHAR(64); INSERT INTO rooms VALUES (4, '"'"'ops'"'"', '"'"'x'"'"')" &&
	test "$(wait_rc ex.rc)" = 9 &&
	test "$(wait_rc ld.rc)" = 7 &&
	test_grep "table rooms" ex.err &&
	test_grep "take a new snapshot (--resnapshot)" ex.err &&
	to_sql "ALTER TABLE rooms ADD COLUMN topic text" &&
	ferry-extract "$SRC" --all-tables --follow --resnapshot --until now --since-job chat "$TO" --no-progress 2>>ex.err |
		ferry-load "$TO" --create --job chat --follow --triggers fire --no-progress 2>>ld.err &&
	verify_equal "$TO"
'

# a TRUNCATE is a statement in the log, not rows: read past, it would
# leave the target with rows the source no longer has
test_expect_success 'a TRUNCATE of a followed table is exit 9 too, never rows left behind' '
	test_when_finished stop_follow &&
	: >ex.err &&
	start_follow "$TO" &&
	sleep 0.5 &&
	src_sql "TRUNCATE TABLE members; INSERT INTO members VALUES (1, 1, now(6))" &&
	test "$(wait_rc ex.rc)" = 9 &&
	test "$(wait_rc ld.rc)" = 7 &&
	test_grep "table members" ex.err &&
	ferry-extract "$SRC" --all-tables --follow --resnapshot --until now --since-job chat "$TO" --no-progress 2>>ex.err |
		ferry-load "$TO" --create --job chat --follow --triggers fire --no-progress 2>>ld.err &&
	verify_equal "$TO"
'

test_expect_success 'binary logs purged past the job'"'"'s position: exit 10; --resnapshot goes on' '
	until_now "$TO" &&
	to_pos >at &&
	src_sql "INSERT INTO rooms (id, title) VALUES (21, '"'"'lost 1'"'"'); FLUSH BINARY LOGS;
		INSERT INTO rooms (id, title) VALUES (22, '"'"'lost 2'"'"'); FLUSH BINARY LOGS;
		INSERT INTO rooms (id, title) VALUES (23, '"'"'lost 3'"'"'); FLUSH BINARY LOGS" &&
	last=$(master_pos | cut -d: -f1) &&
	gone=$(cut -d: -f1 at) &&
	i=0 &&
	while root_sql "SHOW BINARY LOGS" | cut -f1 | grep -qx "$gone" && [ $i -lt 50 ]; do
		root_sql "PURGE BINARY LOGS TO '"'"'$last'"'"'"
		sleep 0.1
		i=$((i + 1))
	done &&
	root_sql "SHOW BINARY LOGS" | cut -f1 >logs &&
	! grep -qx "$gone" logs &&
	test_expect_code 10 ferry-extract "$SRC" --all-tables --follow --since-job chat "$TO" >/dev/null 2>err &&
	test_grep "$gone" err &&
	test_grep "(--resnapshot)" err &&
	ferry-extract "$SRC" --all-tables --follow --resnapshot --until now --since-job chat "$TO" --no-progress 2>>ex.err |
		ferry-load "$TO" --create --job chat --follow --triggers fire --no-progress 2>>ld.err &&
	verify_equal "$TO" &&
	test "$(to_sql "SELECT count(*) FROM rooms WHERE id > 20")" = 3
'

test_expect_success 'MariaDB -> MariaDB: snapshot, writer, --until now, equal' '
	test_when_finished stop_follow &&
	JOB=mychat &&
	{ ( writer 120 ) & } &&
	WP=$! &&
	sleep 0.2 &&
	start_follow "$MY_TO" &&
	wait $WP &&
	sleep 1 &&
	stop_follow &&
	until_now "$MY_TO" &&
	verify_equal "$MY_TO" &&
	root_sql "SELECT last_key FROM t_to.ferry_checkpoint WHERE job = '"'"'mychat'"'"' AND table_name = '"'"''"'"'" >at &&
	grep -Eq "^mariadb-bin\.[0-9]{6}:[0-9]+$" at
'

test_expect_success 'a statement logged as a statement (a session'"'"'s binlog_format) is refused, naming the setting' '
	{ ferry-extract "$SRC" -t rooms --follow --since-job stmt "$TO" --no-progress >stmt.stream 2>stmt.err & } &&
	EP=$! &&
	sleep 1.5 &&
	src_sql "SET SESSION binlog_format = STATEMENT;
		UPDATE rooms SET title = CONCAT(title, '"'"'!'"'"') WHERE id = 1" &&
	{ wait $EP; echo $? >stmt.rc; } &&
	echo 2 >expect && test_cmp expect stmt.rc &&
	test_grep "binlog_format = ROW" stmt.err
'

test_expect_success 'the private server stops' '
	cp "$SRV/mysql/error.log" mariadb-error.log &&
	srv stop >/dev/null 2>&1 && ! test -d "$SRV"
'

test_done
