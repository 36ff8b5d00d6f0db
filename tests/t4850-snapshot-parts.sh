#!/bin/sh
# One snapshot across separate extracts (PostgreSQL): ferry-extract
# --export-snapshot prints the name of a snapshot and holds it while the
# reader of its output (or its standard input) lasts; extracts given
# --snapshot NAME, --part K/N ranges run one after another or on other
# machines, and --parallel connections alike, all read the database as it
# was then, whatever is written meanwhile.
. "$(dirname "$0")/lib.sh"
test_need_db

SQ="'"
TO="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=${TEST_DB}_to"
rows() { ferry-cat -f summary "$1" | sed -n 's/^total: [0-9]* tables, \([0-9]*\) rows.*/\1/p'; }
gone() { # gone PIDFILE: the process ends within 10 s
	n=0
	while kill -0 "$(cat "$1")" 2>/dev/null && [ $n -lt 100 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	! kill -0 "$(cat "$1")" 2>/dev/null
}
# export: a snapshot exported into fifo snap (its name read on fd 9)
export_snapshot() {
	rm -f snap && mkfifo snap &&
	( ferry-extract "$PG_URI" --export-snapshot >snap 2>exp.err &
	  echo $! >exp.pid ) &&
	exec 9<snap &&
	read snap <&9
}
release_snapshot() { exec 9<&- && gone exp.pid; }

test_expect_success 'setup: messages and users on PostgreSQL' '
	pg_fresh_db &&
	pg_sql "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
		INSERT INTO users SELECT g, ${SQ}user ${SQ} || g FROM generate_series(1, 300) g;
		CREATE TABLE messages (id bigint PRIMARY KEY, user_id int NOT NULL, body text);
		INSERT INTO messages SELECT g, g % 300 + 1, repeat(${SQ}x${SQ}, g % 50)
			FROM generate_series(1, 20000) g" &&
	ferry-extract "$PG_URI" --all-tables --order pk -o before.ferry 2>/dev/null &&
	test "$(rows before.ferry)" = 20300 &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null
'

test_expect_success 'parts in one exported snapshot read the database as it was, whatever is written after' '
	export_snapshot &&
	test_grep "exported: it holds until the reader of standard output is gone" exp.err &&
	pg_sql "DELETE FROM messages WHERE id % 7 = 0;
		UPDATE messages SET body = ${SQ}changed${SQ} WHERE id % 5 = 0;
		INSERT INTO messages SELECT g, 1, NULL FROM generate_series(20001, 21000) g;
		INSERT INTO users VALUES (301, ${SQ}late${SQ})" &&
	ferry-extract "$PG_URI" -t messages --part 1/2 --order pk --snapshot "$snap" -o p1.ferry 2>/dev/null &&
	ferry-extract "$PG_URI" -t messages --part 2/2 --order pk --snapshot "$snap" -o p2.ferry 2>/dev/null &&
	ferry-extract "$PG_URI" -t users --snapshot "$snap" -o u.ferry 2>/dev/null &&
	release_snapshot &&
	test $(($(rows p1.ferry) + $(rows p2.ferry))) = 20000 &&
	test "$(rows u.ferry)" = 300 &&
	cat u.ferry p1.ferry p2.ferry | ferry-load "$TO" --create 2>/dev/null &&
	ferry-verify before.ferry "$TO" &&
	test_must_fail ferry-verify "$PG_URI" "$TO" >/dev/null
'

test_expect_success '--parallel connections all read the snapshot given' '
	pg_sql "TRUNCATE messages; INSERT INTO messages SELECT g, g % 300 + 1,
		repeat(${SQ}x${SQ}, g % 50) FROM generate_series(1, 20000) g;
		DELETE FROM users WHERE id = 301; ANALYZE messages" &&
	export_snapshot &&
	pg_sql "DELETE FROM messages WHERE id > 15000" &&
	ferry-extract "$PG_URI" --all-tables --order pk --parallel 2 --range-rows 2000 \
		--snapshot "$snap" -o par.ferry 2>par.err &&
	release_snapshot &&
	test_grep "parallel 2: snapshot $snap imported by 2 connections" par.err &&
	test "$(ferry-cat -f summary par.ferry | grep -c "^table messages")" -ge 2 &&
	test "$(rows par.ferry)" = 20300
'

test_expect_success '--parallel splits a table never analysed (the planner'"'"'s estimate of its size), not an empty one' '
	pg_sql "CREATE TABLE fresh (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = false);
		INSERT INTO fresh SELECT g, repeat(${SQ}y${SQ}, g % 40) FROM generate_series(1, 12000) g;
		CREATE TABLE fresh_empty (id int PRIMARY KEY) WITH (autovacuum_enabled = false)" &&
	test "$(pg_sql "SELECT string_agg(reltuples::text, ${SQ},${SQ}) FROM pg_class WHERE relname IN (${SQ}fresh${SQ}, ${SQ}fresh_empty${SQ})")" = "-1,-1" &&
	ferry-extract "$PG_URI" -t fresh -t fresh_empty --order pk --parallel 2 --range-rows 2000 -o fresh.ferry 2>/dev/null &&
	ferry-cat -f summary fresh.ferry >sum &&
	test "$(grep -c "^table fresh$" sum)" -ge 4 &&
	test "$(grep -c "^table fresh_empty$" sum)" = 1 &&
	grep -A3 "^table fresh_empty$" sum | grep -q "rows the source estimated: 0$" &&
	test "$(rows fresh.ferry)" = 12000
'

test_expect_success 'with standard output a file, the snapshot holds until standard input ends' '
	rm -f hold && mkfifo hold &&
	( ferry-extract "$PG_URI" --export-snapshot <hold >snap2.txt 2>exp2.err &
	  echo $! >exp2.pid ) &&
	exec 8>hold &&
	n=0 && while [ ! -s snap2.txt ] && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.1; done &&
	kill -0 $(cat exp2.pid) &&
	ferry-extract "$PG_URI" -t users --snapshot "$(cat snap2.txt)" -o u2.ferry 2>/dev/null &&
	exec 8>&- &&
	gone exp2.pid &&
	test_grep "it holds until standard input ends" exp2.err &&
	test_expect_code 4 ferry-extract "$PG_URI" -t users --snapshot "$(cat snap2.txt)" -o gone.ferry 2>err &&
	test_grep "invalid snapshot identifier" err
'

test_expect_success 'what --snapshot and --export-snapshot refuse' '
	test_expect_code 2 ferry-extract "$PG_URI" -t users --snapshot "x;DROP" -o x.ferry 2>err &&
	test_grep "is not the name of an exported snapshot" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t users --snapshot 00000003-0000001B-1 -o x.ferry 2>err &&
	test_grep "are for PostgreSQL sources" err &&
	test_expect_code 2 ferry-extract "$MY_URI" --export-snapshot >x.txt 2>err </dev/null &&
	test_grep "are for PostgreSQL sources" err &&
	test_expect_code 2 ferry-extract "$PG_URI" -t users --export-snapshot 2>err &&
	test_grep "goes alone with SOURCE" err &&
	test_expect_code 2 ferry-extract "$PG_URI" -t users --snapshot 00000003-0000001B-1 \
		--incremental id -o x.ferry 2>err &&
	test_grep "--snapshot excludes" err &&
	ferry-extract --help >help && test_grep "--export-snapshot" help &&
	test_grep "--snapshot NAME" help
'

test_done
