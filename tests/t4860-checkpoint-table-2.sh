#!/bin/sh
# Checkpoint table 2: the ferry_checkpoint table of the previous release
# (primary key job, table_name) is made table 2 in place by the first
# --job load that meets it, on PostgreSQL and on MariaDB: column part
# added, its rows kept as the whole table's (part ''), the key (job,
# table_name, part), and a row written the previous release's way (no
# part) refused, so that an older ferry-load cannot write a row that
# means something else (its sink session is strict on MariaDB, as the
# test's INSERT makes its own).  --part streams of one table loaded under one
# job in any order each keep their own row.
. "$(dirname "$0")/lib.sh"
test_need_db

trap kill_pids EXIT
trap 'exit 130' INT TERM
SQ="'"
TO_PG="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=${TEST_DB}_to"
TO_MY="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
to_pg() { pg_in "${TEST_DB}_to" -c "$1"; }
to_my() { my_in "${TEST_DB}_to" -e "$1"; }

test_expect_success 'setup: a PostgreSQL source of 1,000 items, and two targets' '
	pg_fresh_db &&
	pg_sql "CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL);
		INSERT INTO items SELECT g, ${SQ}item ${SQ} || g FROM generate_series(1, 1000) g" &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" &&
	pg_in postgres -c "CREATE DATABASE \"${TEST_DB}_to\"" &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`;
		CREATE DATABASE \`${TEST_DB}_to\` CHARACTER SET utf8mb4" &&
	ferry-extract "$PG_URI" -t items --order pk -o items.ferry &&
	ferry-extract "$PG_URI" -t items --order pk --part 1/2 -o p1.ferry &&
	ferry-extract "$PG_URI" -t items --order pk --part 2/2 -o p2.ferry
'

test_expect_success 'PostgreSQL: a table 1 becomes table 2 in place, and its job resumes' '
	to_pg "CREATE TABLE ferry_checkpoint (
		job text NOT NULL, table_name text NOT NULL,
		rows_loaded bigint NOT NULL DEFAULT 0,
		last_key text, last_watermark text, watermark_column text,
		state text NOT NULL DEFAULT ${SQ}loading${SQ},
		keys_pending boolean NOT NULL DEFAULT false,
		updated_at timestamptz NOT NULL DEFAULT now(),
		name_quoted boolean NOT NULL DEFAULT false,
		PRIMARY KEY (job, table_name))" &&
	to_pg "INSERT INTO ferry_checkpoint (job, table_name, rows_loaded, last_key, name_quoted)
		VALUES (${SQ}old${SQ}, ${SQ}items${SQ}, 10, ${SQ}[\"10\"]${SQ}, true)" &&
	to_pg "CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL);
		INSERT INTO items SELECT g, ${SQ}item ${SQ} || g FROM generate_series(1, 10) g" &&
	ferry-load "$TO_PG" --job old -i items.ferry 2>err &&
	test_grep "resuming job old after 10 rows" err &&
	test "$(to_pg "SELECT count(*) FROM items")" = 1000 &&
	test "$(to_pg "SELECT part || ${SQ}|${SQ} || state || ${SQ}|${SQ} || rows_loaded FROM ferry_checkpoint")" = "|done|1000" &&
	test "$(to_pg "SELECT string_agg(a.attname, ${SQ},${SQ} ORDER BY array_position(i.indkey, a.attnum))
		FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = ${SQ}ferry_checkpoint${SQ}::regclass AND i.indisprimary")" = "job,table_name,part" &&
	test_must_fail to_pg "INSERT INTO ferry_checkpoint (job, table_name, rows_loaded, state, name_quoted)
		VALUES (${SQ}x${SQ}, ${SQ}items${SQ}, 1, ${SQ}done${SQ}, true)" 2>err &&
	test_grep "part" err &&
	ferry-verify "$PG_URI" "$TO_PG" -t items
'

test_expect_success 'MariaDB: a table 1 becomes table 2 in place, and its job resumes' '
	to_my "CREATE TABLE ferry_checkpoint (
		job VARCHAR(191) NOT NULL, table_name VARCHAR(191) NOT NULL,
		rows_loaded BIGINT UNSIGNED NOT NULL DEFAULT 0,
		last_key LONGTEXT NULL, last_watermark TEXT NULL,
		watermark_column VARCHAR(255) NULL,
		state VARCHAR(16) NOT NULL DEFAULT ${SQ}loading${SQ},
		keys_pending TINYINT(1) NOT NULL DEFAULT 0,
		updated_at DATETIME(6) NOT NULL,
		PRIMARY KEY (job, table_name)) ENGINE=InnoDB
		DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
		INSERT INTO ferry_checkpoint (job, table_name, rows_loaded, last_key, updated_at)
		VALUES (${SQ}old${SQ}, ${SQ}items${SQ}, 10, ${SQ}[\"10\"]${SQ}, UTC_TIMESTAMP(6));
		CREATE TABLE items (id INT PRIMARY KEY, v TEXT NOT NULL);
		INSERT INTO items SELECT seq, CONCAT(${SQ}item ${SQ}, seq) FROM seq_1_to_10" &&
	ferry-load "$TO_MY" --job old -i items.ferry 2>err &&
	test_grep "resuming job old after 10 rows" err &&
	test "$(to_my "SELECT COUNT(*) FROM items")" = 1000 &&
	test "$(to_my "SELECT CONCAT(part, ${SQ}|${SQ}, state, ${SQ}|${SQ}, rows_loaded) FROM ferry_checkpoint")" = "|done|1000" &&
	test "$(to_my "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${SQ}ferry_checkpoint${SQ} AND INDEX_NAME = ${SQ}PRIMARY${SQ}")" = "job,table_name,part" &&
	test_must_fail to_my "SET SESSION sql_mode = ${SQ}STRICT_ALL_TABLES${SQ};
		INSERT INTO ferry_checkpoint (job, table_name, rows_loaded, state, updated_at)
		VALUES (${SQ}x${SQ}, ${SQ}items${SQ}, 1, ${SQ}done${SQ}, UTC_TIMESTAMP(6))" 2>err &&
	test_grep "part" err &&
	ferry-verify "$PG_URI" "$TO_MY" -t items
'

test_expect_success 'MariaDB: --part streams under one job, the second part first, each keeps its row' '
	to_my "DROP TABLE items" &&
	ferry-load "$TO_MY" --create --job parts -i p2.ferry 2>/dev/null &&
	test "$(to_my "SELECT COUNT(*) FROM items")" -lt 1000 &&
	ferry-load "$TO_MY" --job parts -i p1.ferry 2>/dev/null &&
	test "$(to_my "SELECT COUNT(*) FROM items")" = 1000 &&
	to_my "SELECT part, state FROM ferry_checkpoint WHERE job = ${SQ}parts${SQ} ORDER BY part" >ck &&
	printf "1/2\tdone\n2/2\tdone\n" >expect && test_cmp expect ck &&
	test "$(to_my "SELECT SUM(rows_loaded) FROM ferry_checkpoint WHERE job = ${SQ}parts${SQ}")" = 1000 &&
	cat p1.ferry p2.ferry | ferry-load "$TO_MY" --job parts 2>err &&
	test "$(grep -c "whole (.*); skipped" err)" = 2 &&
	ferry-verify "$PG_URI" "$TO_MY" -t items
'

test_expect_success 'PostgreSQL: two parts of one job load at once; the same part twice is refused' '
	to_pg "DROP TABLE items" &&
	ferry-extract "$PG_URI" -t items --schema-only | ferry-load "$TO_PG" --create &&
	size=$(wc -c <p1.ferry) &&
	load_fed p1.ferry $((size / 2)) "$TO_PG" --job live &&
	wait_count 1 to_pg "SELECT count(*) FROM pg_locks WHERE locktype = ${SQ}advisory${SQ} AND granted" &&
	test_expect_code 4 ferry-load "$TO_PG" --job live -i p1.ferry 2>err &&
	test_grep "job live part 1/2: another ferry-load of this job${SQ}s part is running" err &&
	ferry-load "$TO_PG" --job live -i p2.ferry 2>err &&
	kill $(cat feed.pid) && rm -f feed.pid &&
	wait_for_exit=0 && while kill -0 $(cat load.pid) 2>/dev/null && [ $wait_for_exit -lt 100 ]; do
		wait_for_exit=$((wait_for_exit + 1)); sleep 0.1
	done && rm -f load.pid &&
	ferry-load "$TO_PG" --job live -i p1.ferry 2>err &&
	test "$(to_pg "SELECT count(*) FROM items")" = 1000 &&
	test "$(to_pg "SELECT string_agg(part || ${SQ} ${SQ} || state, ${SQ},${SQ} ORDER BY part) FROM ferry_checkpoint WHERE job = ${SQ}live${SQ}")" = "1/2 done,2/2 done" &&
	ferry-verify "$PG_URI" "$TO_PG" -t items
'

test_done
