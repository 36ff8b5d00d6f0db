#!/bin/sh
# The grants of ferry-security(7), exactly as the page gives them: a
# read-only user extracts and verifies, a load user creates, loads under a
# job, upserts and deletes, on both engines; the read-only user cannot
# load.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT"
R=${TEST_DB}_r
L=${TEST_DB}_l
PG_R="$PG_BASE user=$R dbname=$TEST_DB"
PG_L="$PG_BASE user=$L dbname=${TEST_DB}_to"
MY_R="mysql://$R@localhost/$TEST_DB?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_L="mysql://$L@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
su_pg() { # su_pg DB SQL
	psql -X -q -v ON_ERROR_STOP=1 -At "$PG_BASE user=ferry dbname=$1" -c "$2"
}
su_my() {
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e "$1"
}

test_expect_success 'setup: source tables, an empty target, the two users of the page on each engine' '
	pg_fresh_db && my_fresh_db &&
	pg_sql "CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)" &&
	pg_sql "INSERT INTO notes (body) SELECT '"'"'n'"'"' || g FROM generate_series(1, 100) g" &&
	my_sql "CREATE TABLE notes (id BIGINT PRIMARY KEY AUTO_INCREMENT, body TEXT NOT NULL);
		INSERT INTO notes (body) SELECT CONCAT('"'"'n'"'"', seq) FROM seq_1_to_100" &&
	su_pg postgres "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" 2>/dev/null &&
	su_pg postgres "CREATE DATABASE \"${TEST_DB}_to\"" &&
	su_pg postgres "DROP ROLE IF EXISTS \"$R\"; DROP ROLE IF EXISTS \"$L\"" 2>/dev/null;
	su_pg "$TEST_DB" "CREATE ROLE \"$R\" LOGIN;
		GRANT CONNECT ON DATABASE \"$TEST_DB\" TO \"$R\";
		GRANT USAGE ON SCHEMA public TO \"$R\";
		GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"$R\";
		GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO \"$R\"" &&
	su_pg "${TEST_DB}_to" "CREATE ROLE \"$L\" LOGIN;
		GRANT CONNECT, TEMPORARY ON DATABASE \"${TEST_DB}_to\" TO \"$L\";
		GRANT USAGE, CREATE ON SCHEMA public TO \"$L\";
		GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO \"$L\";
		GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \"$L\"" &&
	su_my "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`;
		DROP USER IF EXISTS '"'"'$R'"'"'@'"'"'localhost'"'"', '"'"'$L'"'"'@'"'"'localhost'"'"';
		CREATE USER '"'"'$R'"'"'@'"'"'localhost'"'"' IDENTIFIED BY '"'"'r-pw'"'"';
		GRANT SELECT ON \`$TEST_DB\`.* TO '"'"'$R'"'"'@'"'"'localhost'"'"';
		CREATE USER '"'"'$L'"'"'@'"'"'localhost'"'"' IDENTIFIED BY '"'"'l-pw'"'"';
		GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, DROP,
			CREATE TEMPORARY TABLES ON \`${TEST_DB}_to\`.* TO '"'"'$L'"'"'@'"'"'localhost'"'"'"
'

test_expect_success 'PostgreSQL: extract as the reader; create, job, upsert and delete as the loader' '
	ferry-extract "$PG_R" -t notes --order pk -o pg.ferry &&
	ferry-load "$PG_L" --create --job j --commit-every 30 -i pg.ferry &&
	ferry-load "$PG_L" -m upsert -i pg.ferry &&
	ferry-verify "$PG_R" "$PG_L" -t notes &&
	pg_sql "DELETE FROM notes WHERE id <= 3" &&
	{ ferry-verify "$PG_R" "$PG_L" -t notes --emit-deletes gone.ferry; test $? = 1; } &&
	ferry-load "$PG_L" --mode delete -i gone.ferry &&
	ferry-verify "$PG_R" "$PG_L" -t notes
'

test_expect_success 'PostgreSQL: the reader cannot write' '
	test_expect_code 4 ferry-load "$PG_BASE user=$R dbname=$TEST_DB" -m upsert -i pg.ferry 2>err &&
	test_grep "permission denied" err
'

test_expect_success 'MariaDB: extract as the reader; create, job, upsert and delete as the loader' '
	FERRY_MYSQL_PASSWORD=r-pw ferry-extract "$MY_R" -t notes --order pk -o my.ferry &&
	FERRY_MYSQL_PASSWORD=l-pw ferry-load "$MY_L" --create --job j --commit-every 30 -i my.ferry &&
	FERRY_MYSQL_PASSWORD=l-pw ferry-load "$MY_L" -m upsert -i my.ferry &&
	my_sql "DELETE FROM notes WHERE id <= 3" &&
	FERRY_MYSQL_PASSWORD=r-pw ferry-extract "$MY_R" -t notes --order pk -o my2.ferry &&
	{ FERRY_MYSQL_PASSWORD=l-pw ferry-verify my2.ferry "$MY_L" -t notes --emit-deletes gone2.ferry; test $? = 1; } &&
	FERRY_MYSQL_PASSWORD=l-pw ferry-load "$MY_L" --mode delete -i gone2.ferry &&
	FERRY_MYSQL_PASSWORD=l-pw ferry-verify my2.ferry "$MY_L" -t notes
'

test_expect_success 'MariaDB: the reader cannot write' '
	test_expect_code 4 env FERRY_MYSQL_PASSWORD=r-pw ferry-load "mysql://$R@localhost/$TEST_DB?socket=$FERRY_TEST_MYSQL_SOCKET" -m upsert -i my.ferry 2>err &&
	test_grep "denied" err
'

test_expect_success 'PostgreSQL: a sequence the reader may not read is named, never guessed' '
	pg_sql "CREATE SEQUENCE tickets START 7000; SELECT nextval('"'"'tickets'"'"')" >/dev/null &&
	ferry-extract "$PG_R" --all-tables -o all.ferry &&
	ferry-load "$PG_L" --create -m truncate --schema-report rep.json -i all.ferry 2>err &&
	test "$(jq -r ".not_carried[] | select(.name == \"tickets\") | .detail" rep.json)" = "its value is not readable (grant SELECT on it)" &&
	test "$(jq -r ".sequences | length" rep.json)" = 0 &&
	test "$(su_pg "${TEST_DB}_to" "SELECT count(*) FROM pg_class WHERE relname = '"'"'tickets'"'"'")" = 0 &&
	su_pg "$TEST_DB" "GRANT SELECT ON tickets TO \"$R\"" &&
	ferry-extract "$PG_R" --all-tables -o all2.ferry &&
	ferry-load "$PG_L" --create -m truncate -i all2.ferry 2>err &&
	test_grep "sequences: 1 made" err &&
	test "$(psql -X -At "$PG_L" -c "SELECT nextval('"'"'tickets'"'"')")" = 7001
'

test_done
