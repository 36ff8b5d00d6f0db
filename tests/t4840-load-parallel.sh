#!/bin/sh
# ferry-load --parallel N: table sections loaded by N connections at once,
# each table in its own transaction (a table's key ranges on one, in
# order), with the rows, --stats and application behaviour of a load by
# one connection.  What several tables share on PostgreSQL (a schema, an
# enum type, a domain) is made once; a table whose foreign keys the
# target checks waits for the tables before it; a load killed with
# SIGKILL resumes every table exactly once; a table that fails, or a
# stream cut short, leaves the tables committed before it and nothing of
# itself.  Rows made or emptied in the load's transaction go in frozen.
. "$(dirname "$0")/lib.sh"
test_need_db

trap kill_pids EXIT
trap 'exit 130' INT TERM

TO="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=${TEST_DB}_to"
to_sql() { pg_in "${TEST_DB}_to" -c "$1"; }
to_fresh() {
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null
}
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
SQ="'"
stats_rows() { jq -r '.tables[] | "\(.table) \(.rows) \(.skipped)"' "$1"; }

test_expect_success 'setup: a chat server on MariaDB (keys, enums, case-insensitive names)' '
	my_fresh_db &&
	my_sql "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY,
			username VARCHAR(40) NOT NULL UNIQUE,
			status ENUM(\"active\", \"away\", \"gone\") NOT NULL DEFAULT \"active\",
			created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
		INSERT INTO users (id, username, status, created_at)
			SELECT seq, CONCAT(\"User\", seq), ELT(seq % 3 + 1, \"active\", \"away\", \"gone\"),
			TIMESTAMP(\"2024-01-01\") + INTERVAL seq MINUTE FROM seq_1_to_3000;
		CREATE TABLE chat_groups (id INT AUTO_INCREMENT PRIMARY KEY,
			name VARCHAR(60) NOT NULL, owner_id INT NOT NULL,
			FOREIGN KEY (owner_id) REFERENCES users (id));
		INSERT INTO chat_groups SELECT seq, CONCAT(\"group \", seq), seq FROM seq_1_to_300;
		CREATE TABLE memberships (group_id INT NOT NULL, user_id INT NOT NULL,
			role ENUM(\"owner\", \"admin\", \"member\") NOT NULL DEFAULT \"member\",
			PRIMARY KEY (group_id, user_id),
			FOREIGN KEY (group_id) REFERENCES chat_groups (id),
			FOREIGN KEY (user_id) REFERENCES users (id));
		INSERT INTO memberships SELECT g.seq, u.seq, IF(u.seq = g.seq, \"owner\", \"member\")
			FROM seq_1_to_300 g JOIN seq_1_to_3000 u ON u.seq % 300 = g.seq % 300;
		CREATE TABLE messages (id BIGINT AUTO_INCREMENT PRIMARY KEY,
			group_id INT NOT NULL, user_id INT NOT NULL, body TEXT NOT NULL,
			kind ENUM(\"text\", \"image\", \"system\") NOT NULL DEFAULT \"text\",
			sent_at DATETIME(6) NOT NULL,
			KEY (group_id, sent_at),
			FOREIGN KEY (group_id) REFERENCES chat_groups (id),
			FOREIGN KEY (user_id) REFERENCES users (id));
		INSERT INTO messages SELECT seq, seq % 300 + 1, seq % 3000 + 1,
			CONCAT(\"message \", seq, \" \", REPEAT(\"\\xc3\\xa9\", seq % 30)),
			ELT(seq % 3 + 1, \"text\", \"image\", \"system\"),
			TIMESTAMP(\"2024-01-01\") + INTERVAL seq SECOND FROM seq_1_to_40000;
		CREATE TABLE attachments (id INT AUTO_INCREMENT PRIMARY KEY,
			message_id BIGINT NOT NULL, mime VARCHAR(80) NOT NULL,
			bytes INT UNSIGNED NOT NULL, sha256 BINARY(32) NOT NULL,
			FOREIGN KEY (message_id) REFERENCES messages (id));
		INSERT INTO attachments SELECT seq, seq * 7, \"image/png\", seq * 100,
			UNHEX(SHA2(seq, 256)) FROM seq_1_to_5000;
		CREATE TABLE audit (id INT PRIMARY KEY, at DATETIME NOT NULL, what TEXT);
		INSERT INTO audit SELECT seq, TIMESTAMP(\"2024-02-01\") + INTERVAL seq HOUR,
			CONCAT(\"event \", seq) FROM seq_1_to_100;
		ANALYZE TABLE messages" >/dev/null &&
	ferry-extract "$MY_URI" --all-tables --order pk -o all.ferry 2>/dev/null &&
	ferry-extract "$MY_URI" --all-tables --order pk --parallel 2 --range-rows 10000 \
		-o ranges.ferry 2>/dev/null &&
	test "$(ferry-cat -f summary ranges.ferry | grep -c "^table messages")" -ge 3
'

test_expect_success 'MariaDB -> PostgreSQL --create --parallel 2: the rows, --stats and tables of --parallel 1' '
	to_fresh &&
	ferry-load "$TO" --create --stats s1.json -i all.ferry 2>/dev/null &&
	to_fresh &&
	ferry-load "$TO" --create --parallel 2 --stats s2.json -i ranges.ferry 2>err &&
	stats_rows s1.json >r1 && stats_rows s2.json >r2 && test_cmp r1 r2 &&
	kib=$(to_sql "SELECT setting FROM pg_settings WHERE name = ${SQ}maintenance_work_mem${SQ}") &&
	test_grep "parallel 2: each connection builds keys and indexes with maintenance_work_mem $((kib / 2)) kB, its share of the server${SQ}s $kib kB" err &&
	test "$(jq ".tables | length" s2.json)" = 6 &&
	jq -e "[.tables[] | select(.table == \"messages\")][0].keys_seconds > 0" s1.json &&
	jq -e "[.tables[] | select(.table == \"messages\")] | map(.keys_seconds) | add > 0" s2.json &&
	ferry-verify "$MY_URI" "$TO" &&
	ferry-verify all.ferry "$TO" &&
	to_sql "CREATE EXTENSION IF NOT EXISTS pg_visibility" &&
	for t in $(jq -r ".tables[] | .table" s2.json); do
		test "$(to_sql "SELECT count(*) FILTER (WHERE NOT all_frozen) FROM pg_visibility_map(${SQ}$t${SQ})")" = 0 ||
		return 1
	done
'

test_expect_success '... and the application runs on it: keys, identities, defaults, enums, foreign keys' '
	test "$(to_sql "INSERT INTO users (username) VALUES (${SQ}newcomer${SQ}) RETURNING id")" = 3001 &&
	test "$(to_sql "SELECT status FROM users WHERE username = ${SQ}NEWCOMER${SQ}")" = active &&
	test "$(to_sql "INSERT INTO messages (group_id, user_id, body, sent_at)
		VALUES (1, 3001, ${SQ}hi${SQ}, now()) RETURNING id")" = 40001 &&
	test_must_fail to_sql "INSERT INTO users (username) VALUES (${SQ}USER7${SQ})" 2>err &&
	test_grep "duplicate key" err &&
	test_must_fail to_sql "INSERT INTO memberships (group_id, user_id) VALUES (301, 1)" 2>err &&
	test_grep "foreign key" err &&
	test "$(to_sql "SELECT string_agg(k::text, ${SQ},${SQ} ORDER BY k) FROM
		(SELECT DISTINCT kind AS k FROM messages) x")" = "text,image,system" &&
	test "$(to_sql "SELECT count(*) FROM pg_indexes WHERE tablename = ${SQ}messages${SQ}")" = 3
'

test_expect_success 'a table emptied in the load'"'"'s transaction is loaded frozen too; other rows are not' '
	ferry-extract "$MY_URI" -t audit -o audit.ferry 2>/dev/null &&
	ferry-load "$TO" -m truncate -i audit.ferry 2>/dev/null &&
	test "$(to_sql "SELECT count(*) FILTER (WHERE NOT all_frozen) FROM pg_visibility_map(${SQ}audit${SQ})")" = 0 &&
	to_sql "CREATE TABLE plain AS SELECT * FROM audit" &&
	test "$(to_sql "SELECT count(*) FILTER (WHERE NOT all_frozen) FROM pg_visibility_map(${SQ}plain${SQ})")" -gt 0
'

test_expect_success 'MariaDB -> MariaDB --create --parallel 3: the same rows' '
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`" &&
	ferry-load "$MY_TO" --create --parallel 3 --stats sm.json -i ranges.ferry 2>/dev/null &&
	stats_rows sm.json >rm && test_cmp r1 rm &&
	ferry-verify "$MY_URI" "$MY_TO" &&
	my_in "${TEST_DB}_to" -N -e "INSERT INTO users (username) VALUES (\"x\"); SELECT LAST_INSERT_ID()" >id &&
	test "$(cat id)" = 3001
'

test_expect_success 'into the application'"'"'s own PostgreSQL schema: a table waits for those its foreign keys need' '
	to_fresh &&
	to_sql "CREATE TABLE users (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
			username text NOT NULL UNIQUE, status text NOT NULL DEFAULT ${SQ}active${SQ},
			created_at timestamp NOT NULL DEFAULT now());
		CREATE TABLE chat_groups (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
			name text NOT NULL, owner_id int NOT NULL REFERENCES users);
		CREATE TABLE memberships (group_id int REFERENCES chat_groups,
			user_id int REFERENCES users, role text NOT NULL DEFAULT ${SQ}member${SQ},
			PRIMARY KEY (group_id, user_id));
		CREATE TABLE messages (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
			group_id int NOT NULL REFERENCES chat_groups,
			user_id int NOT NULL REFERENCES users, body text NOT NULL,
			kind text NOT NULL, sent_at timestamp(6) NOT NULL);
		CREATE TABLE attachments (id int PRIMARY KEY,
			message_id bigint NOT NULL REFERENCES messages, mime text NOT NULL,
			bytes bigint NOT NULL, sha256 bytea NOT NULL);
		CREATE TABLE audit (id int PRIMARY KEY, at timestamp NOT NULL, what text)" &&
	ferry-load "$TO" --parallel 2 --stats sf.json -i ranges.ferry 2>err &&
	stats_rows sf.json >rf && test_cmp r1 rf &&
	ferry-verify "$MY_URI" "$TO" &&
	test "$(to_sql "INSERT INTO messages (group_id, user_id, body, kind, sent_at)
		VALUES (1, 1, ${SQ}x${SQ}, ${SQ}text${SQ}, now()) RETURNING id")" = 40001
'

test_expect_success '-m truncate --parallel 2 over the seeded schema: emptied together, then loaded' '
	to_sql "DELETE FROM messages WHERE id = 40001;
		INSERT INTO audit VALUES (0, now(), ${SQ}seeded${SQ})" &&
	ferry-load "$TO" -m truncate --parallel 2 -i ranges.ferry 2>err &&
	test_grep "emptied together" err &&
	ferry-verify "$MY_URI" "$TO"
'

test_expect_success 'PostgreSQL -> PostgreSQL --create --parallel 3: a schema, an enum type and a domain that six tables share are made once' '
	pg_fresh_db &&
	pg_sql "CREATE SCHEMA app;
		CREATE TYPE app.mood AS ENUM (${SQ}calm${SQ}, ${SQ}busy${SQ}, ${SQ}away${SQ});
		CREATE DOMAIN app.handle AS text CHECK (VALUE LIKE ${SQ}u%${SQ})" &&
	for i in 1 2 3 4 5 6; do
		pg_sql "CREATE TABLE app.t$i (id int PRIMARY KEY, who app.handle NOT NULL,
			mood app.mood NOT NULL, note text);
			INSERT INTO app.t$i SELECT g, ${SQ}u${SQ} || g, (ARRAY[${SQ}calm${SQ}, ${SQ}busy${SQ},
			${SQ}away${SQ}]::app.mood[])[g % 3 + 1], repeat(${SQ}n${SQ}, g % 50)
			FROM generate_series(1, 15000) g" || return 1
	done &&
	ferry-extract "$PG_URI" --all-tables --order pk -o pg.ferry 2>/dev/null &&
	to_fresh &&
	ferry-load "$TO" --create --parallel 3 -i pg.ferry 2>err &&
	ferry-verify "$PG_URI" "$TO" &&
	test "$(to_sql "SELECT count(*) FROM pg_type WHERE typname IN (${SQ}mood${SQ}, ${SQ}handle${SQ})")" = 2 &&
	test "$(to_sql "SELECT string_agg(enumlabel, ${SQ},${SQ} ORDER BY enumsortorder) FROM pg_enum
		WHERE enumtypid = ${SQ}app.mood${SQ}::regtype")" = "calm,busy,away" &&
	test_must_fail to_sql "INSERT INTO app.t1 VALUES (0, ${SQ}x${SQ}, ${SQ}calm${SQ}, NULL)" 2>err &&
	test_grep "handle" err
'

# the secondary indexes of a database: table, index, uniqueness, columns
my_indexes() {
	my_in "$1" -N -e "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE,
		GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME <> ${SQ}ferry_checkpoint${SQ}
		GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE ORDER BY 1, 2"
}

test_expect_success 'MariaDB -> MariaDB: every index of the source, its non-unique ones built after the rows' '
	my_indexes "$TEST_DB" >ix.src &&
	my_indexes "${TEST_DB}_to" >ix.to &&
	test_cmp ix.src ix.to &&
	grep -q "^messages	group_id	1	group_id,sent_at$" ix.to
'

test_expect_success '--job into MariaDB, killed with SIGKILL mid-load: no index yet; the resumed load builds it' '
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`" &&
	size=$(wc -c <all.ferry) &&
	load_fed all.ferry $((size * 3 / 4)) "$MY_TO" --create --job kj --commit-every 2000 &&
	wait_count 10000 my_in "${TEST_DB}_to" -N -e "SELECT rows_loaded FROM ferry_checkpoint WHERE job = ${SQ}kj${SQ} AND table_name = ${SQ}messages${SQ}" &&
	kill_fed &&
	my_in "${TEST_DB}_to" -N -e "SELECT state, keys_pending FROM ferry_checkpoint
		WHERE job = ${SQ}kj${SQ} AND table_name = ${SQ}messages${SQ}" >ck &&
	printf "loading\t1\n" >expect && test_cmp expect ck &&
	my_indexes "${TEST_DB}_to" >ix.killed &&
	! grep "^messages	group_id	" ix.killed &&
	ferry-load "$MY_TO" --create --job kj --commit-every 2000 --stats kj.json -i all.ferry 2>err &&
	test_grep "resuming job kj after" err &&
	jq -e "[.tables[] | select(.table == \"messages\")][0].keys_seconds > 0" kj.json &&
	ferry-verify "$MY_URI" "$MY_TO" &&
	my_indexes "${TEST_DB}_to" >ix.to &&
	test_cmp ix.src ix.to &&
	test "$(my_in "${TEST_DB}_to" -N -e "SELECT COUNT(*) FROM ferry_checkpoint
		WHERE job = ${SQ}kj${SQ} AND state = ${SQ}done${SQ} AND keys_pending = 0")" = 6
'

test_expect_success 'a job stopped between its index build and its checkpoint: the missing index made, those there kept' '
	my_in "${TEST_DB}_to" -e "DROP INDEX group_id ON messages;
		UPDATE ferry_checkpoint SET state = ${SQ}loading${SQ}, keys_pending = 1
		WHERE job = ${SQ}kj${SQ} AND table_name = ${SQ}messages${SQ}" &&
	ferry-load "$MY_TO" --create --job kj -i all.ferry 2>err &&
	my_indexes "${TEST_DB}_to" >ix.to &&
	test_cmp ix.src ix.to &&
	ferry-verify "$MY_URI" "$MY_TO" &&
	ferry-load "$MY_TO" --create --job kj -i all.ferry 2>err &&
	test "$(grep -c "loaded it whole" err)" = 6
'

test_expect_success '--job --parallel 2, killed with SIGKILL mid-load, resumes every table exactly once' '
	to_fresh &&
	size=$(wc -c <ranges.ferry) &&
	load_fed ranges.ferry $((size * 2 / 3)) "$TO" --create --parallel 2 --job pj --commit-every 2000 &&
	wait_count 20000 to_sql "SELECT coalesce(sum(rows_loaded), 0) FROM ferry_checkpoint WHERE job = ${SQ}pj${SQ}" &&
	sleep 1 &&
	kill_fed &&
	got=$(to_sql "SELECT count(*) FROM messages") &&
	test "$got" -ge 10000 && test "$got" -lt 40000 &&
	test "$(to_sql "SELECT count(*) FROM ferry_checkpoint WHERE job = ${SQ}pj${SQ} AND state = ${SQ}done${SQ}")" -lt 6 &&
	ferry-load "$TO" --create --parallel 2 --job pj --commit-every 2000 --stats sj.json -i ranges.ferry 2>err &&
	test_grep "resuming job pj" err &&
	ferry-verify "$MY_URI" "$TO" &&
	test "$(to_sql "SELECT count(*) FROM ferry_checkpoint WHERE job = ${SQ}pj${SQ} AND state = ${SQ}done${SQ}")" = 6 &&
	jq -r ".tables[] | .rows + .skipped" sj.json >sum &&
	jq -r ".tables[] | .rows" s1.json >sum1 && test_cmp sum1 sum &&
	ferry-load "$TO" --parallel 2 --job pj -i ranges.ferry 2>err &&
	test "$(grep -c "loaded it whole" err)" = 6
'

test_expect_success 'a table that fails: exit 4 naming it, rolled back; the tables given before it stay' '
	to_fresh &&
	to_sql "CREATE TABLE chat_groups (id int PRIMARY KEY, name text NOT NULL,
		owner_id int NOT NULL); INSERT INTO chat_groups VALUES (7, ${SQ}squatter${SQ}, 1)" &&
	test_expect_code 4 ferry-load "$TO" --create --parallel 2 --stats sx.json -i all.ferry 2>err &&
	test_grep "table chat_groups" err &&
	test_grep "duplicate key" err &&
	test "$(jq -r .failed.table sx.json)" = chat_groups &&
	test "$(to_sql "SELECT count(*) FROM chat_groups")" = 1 &&
	for t in $(jq -r ".tables[] | .table" sx.json); do
		test "$(to_sql "SELECT count(*) FROM $t")" = \
			"$(jq -r ".tables[] | select(.table == \"$t\") | .rows" sx.json)" || return 1
	done
'

test_expect_success 'a stream cut short: exit 3; the table in flight rolled back, whole tables before it kept' '
	to_fresh &&
	size=$(wc -c <all.ferry) &&
	head -c $((size / 2)) all.ferry >cut.ferry &&
	test_expect_code 3 ferry-load "$TO" --create --parallel 2 --stats sc.json -i cut.ferry 2>err &&
	test_grep "truncated stream" err &&
	cut=$(jq -r .failed.table sc.json) &&
	test "$(to_sql "SELECT count(*) FROM pg_class WHERE relname = ${SQ}$cut${SQ}")" = 0 &&
	test "$(jq ".tables | length" sc.json)" -ge 3 &&
	for t in $(jq -r ".tables[] | .table" sc.json); do
		test "$(to_sql "SELECT count(*) FROM $t")" = \
			"$(jq -r ".tables[] | select(.table == \"$t\") | .rows" sc.json)" &&
		grep -q "^$t $(to_sql "SELECT count(*) FROM $t") " r1 || return 1
	done
'

test_expect_success '--parallel: its range, and what it does not go with' '
	test_expect_code 2 ferry-load "$TO" --parallel 0 -i all.ferry 2>err &&
	test_expect_code 2 ferry-load "$TO" --parallel 65 -i all.ferry 2>err &&
	test_expect_code 2 ferry-load "$TO" --parallel 2 --rejects r.ferry -i all.ferry 2>err &&
	test_grep "--parallel excludes" err &&
	test_expect_code 2 ferry-load "$TO" --parallel 2 -m delete -i all.ferry 2>err &&
	test_expect_code 2 ferry-load "$TO" --parallel 2 --follow --job f -i all.ferry 2>err &&
	ferry-load --help >help && test_grep "--parallel N" help
'

test_done
