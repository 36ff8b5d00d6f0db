#!/bin/sh
# A PostgreSQL array of an enum (roles role[], several dimensions, NULL
# elements, empty arrays) moves: PostgreSQL -> PostgreSQL --create makes
# the enum type with its labels in their order and the column an array of
# it, so the application's comparisons and casts work; ferry-verify and
# --schema-only call it equal, and a label missing on the target is a
# difference; on MariaDB the array is its text.  An array of a composite
# type is an array of the composite type --create makes.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >pg.sql <<\EOSQL
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE role AS ENUM ('member', 'admin', 'it''s');
CREATE TABLE app.members (id int PRIMARY KEY, moods app.mood[],
  roles role[] NOT NULL DEFAULT '{member}', grid app.mood[][]);
INSERT INTO app.members VALUES
  (1, '{happy,sad}', '{admin}', '{{ok,sad},{happy,happy}}'),
  (2, NULL, '{}', NULL),
  (3, '{NULL,ok}', '{member,admin,"it''s"}', NULL);
CREATE TYPE pair AS (a int, b text);
CREATE TABLE app.pairs (id int PRIMARY KEY, ps pair[]);
EOSQL

test_expect_success 'setup' '
	pg_fresh_db && pg_in "$TEST_DB" <pg.sql &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	ferry-extract "$PG_URI" -t app.members -o m.ferry &&
	ferry-extract "$PG_URI" -t app.pairs -o p.ferry
'

test_expect_success 'PostgreSQL -> PostgreSQL: the enum made, the column an array of it' '
	ferry-load --check --create "$TO" <m.ferry >check.out &&
	ferry-load --create "$TO" <m.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'app.members'"'"'::regclass AND attnum > 1 ORDER BY attnum" >types &&
	printf "app.mood[]\napp.role[]\napp.mood[]\n" >expect &&
	test_cmp expect types &&
	pg_in "${TEST_DB}_to" -c "SELECT enum_range(NULL::app.role)" >labels &&
	echo "{member,admin,it'"'"'s}" >expect &&
	test_cmp expect labels &&
	pg_in "$TEST_DB" -c "SELECT id, moods, roles, grid FROM app.members ORDER BY id" >expect &&
	pg_in "${TEST_DB}_to" -c "SELECT id, moods, roles, grid FROM app.members ORDER BY id" >got &&
	test_cmp expect got &&
	ferry-verify "$PG_URI" "$TO" -t app.members &&
	ferry-verify --schema-only "$PG_URI" "$TO" -t app.members
'

test_expect_success 'the application: enum order, a cast, a label the type lacks refused' '
	test "$(pg_in "${TEST_DB}_to" -c "SELECT moods[1] > moods[2] FROM app.members WHERE id = 1")" = t &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO app.members (id, moods) VALUES (4, ARRAY['"'"'ok'"'"'::app.mood])" &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT roles FROM app.members WHERE id = 4")" = "{member}" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO app.members (id, moods) VALUES (5, '"'"'{angry}'"'"')" 2>err &&
	test_grep "invalid input value for enum app.mood" err &&
	pg_in "${TEST_DB}_to" -c "DELETE FROM app.members WHERE id = 4"
'

test_expect_success 'a label the target type lacks: --schema-only names it' '
	pg_in "${TEST_DB}_to" -c "ALTER TYPE app.mood ADD VALUE '"'"'bored'"'"'" &&
	test_expect_code 1 ferry-verify --schema-only "$PG_URI" "$TO" -t app.members >out &&
	test_grep "column moods: enum labels: A 3, B 4" out
'

test_expect_success 'PostgreSQL -> MariaDB: the arrays as their text' '
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`" &&
	ferry-load --create "$MY_TO" <m.ferry 2>err &&
	my_in "${TEST_DB}_to" -N -e "SELECT roles FROM \`app.members\` ORDER BY id" >got &&
	printf "{admin}\n{}\n{member,admin,it'"'"'s}\n" >expect &&
	test_cmp expect got
'

test_expect_success 'an array of a composite type: an array of the type made' '
	pg_in "$TEST_DB" -c "INSERT INTO app.pairs VALUES (1, ARRAY[ROW(1, '"'"'x y'"'"')::pair, ROW(NULL, NULL)::pair]), (2, '"'"'{}'"'"')" &&
	ferry-extract "$PG_URI" -t app.pairs -o p.ferry &&
	ferry-load --create "$TO" <p.ferry &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'app.pairs'"'"'::regclass AND attname = '"'"'ps'"'"'")" = "pair[]" &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT (ps[1]).b FROM app.pairs WHERE id = 1")" = "x y" &&
	ferry-verify "$PG_URI" "$TO" -t app.pairs &&
	ferry-verify --schema-only "$PG_URI" "$TO" -t app.pairs
'

test_done
