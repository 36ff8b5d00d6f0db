#!/bin/sh
# A column whose default takes the next value of a sequence no column owns
# (DEFAULT nextval('seq'), as Sakila's and many hand-written PostgreSQL
# schemas have) keeps it PostgreSQL -> PostgreSQL: the load makes the
# free sequences before the tables, at the source's next value, so the
# application's first INSERT without an id gets the number the source
# would have given.  A default of a sequence the stream does not carry
# stays a named notice.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"

cat >pg.sql <<'EOF'
CREATE SEQUENCE actor_id_seq START 10;
CREATE SCHEMA "Shop";
CREATE SEQUENCE "Shop"."Order No" START 500 INCREMENT 5;
CREATE TABLE actor (id integer PRIMARY KEY DEFAULT nextval('actor_id_seq'),
  name text NOT NULL);
CREATE TABLE "Shop".orders (id bigint PRIMARY KEY
  DEFAULT nextval('"Shop"."Order No"'::regclass), what text);
INSERT INTO actor (name) VALUES ('ann'), ('bob');
INSERT INTO "Shop".orders (what) VALUES ('a');
EOF

test_expect_success 'setup' '
	pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	pg_sql <pg.sql
'

test_expect_success 'PostgreSQL -> PostgreSQL: an INSERT without id takes the next number' '
	ferry-extract "$PG_URI" --all-tables -o all.ferry &&
	ferry-load "$TO" --check --create <all.ferry >check.out &&
	! grep "default the expression nextval" check.out &&
	ferry-extract "$PG_URI" -t actor -o one.ferry &&
	ferry-load "$TO" --check --create <one.ferry >check.out &&
	test_grep "column id: default the expression nextval(" check.out &&
	ferry-load "$TO" --create <all.ferry 2>err &&
	! grep "default the expression nextval" err &&
	test_grep "sequences: 2 made" err &&
	test "$(pg_in "${TEST_DB}_to" -c "INSERT INTO actor (name) VALUES ('"'"'cy'"'"') RETURNING id")" = 12 &&
	test "$(pg_in "$TEST_DB" -c "INSERT INTO actor (name) VALUES ('"'"'cy'"'"') RETURNING id")" = 12 &&
	test "$(pg_in "${TEST_DB}_to" -c "INSERT INTO \"Shop\".orders (what) VALUES ('"'"'b'"'"') RETURNING id")" = 505 &&
	pg_in "${TEST_DB}_to" -c "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = '"'"'\"Shop\".orders'"'"'::regclass" >got &&
	echo "nextval('"'"'\"Shop\".\"Order No\"'"'"'::regclass)" >expect &&
	test_cmp expect got
'

test_expect_success 'a table alone (no sequence in the stream): the default is named, not made' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE actor" &&
	ferry-extract "$PG_URI" -t actor -o actor.ferry &&
	ferry-load "$TO" --create <actor.ferry 2>err &&
	test_grep "column id: default the expression nextval(" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO actor (name) VALUES ('"'"'dee'"'"')"
'

test_done
