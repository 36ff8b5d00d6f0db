#!/bin/sh
# Every PostgreSQL 15 type ferry carries as its text (money, timetz,
# interval, bit strings, network and geometric types, xml, text search,
# oid types, pg_lsn, arrays of any dimension and lower bound, ranges and
# multiranges, jsonpath, snapshots, "char", int2vector) moves
# PostgreSQL -> PostgreSQL as the same type and PostgreSQL -> MariaDB as
# its text, and ferry-verify calls both sides equal; the types --create
# does not make are refused before any row, every one of them at once,
# by --check and the load alike.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >types.sql <<\EOSQL
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);
CREATE TABLE kinds (
 id int PRIMARY KEY,
 c_money money, c_timetz timetz, c_interval interval, c_bit bit(5), c_varbit varbit(10),
 c_inet inet, c_cidr cidr, c_mac macaddr, c_mac8 macaddr8,
 c_point point, c_line line, c_lseg lseg, c_box box, c_path path, c_poly polygon, c_circle circle,
 c_xml xml, c_tsv tsvector, c_tsq tsquery, c_oid oid, c_xid xid, c_lsn pg_lsn,
 c_arr2 int[][], c_tarr text[], c_lb int[], c_range int4range, c_tsr tstzrange,
 c_mr int4multirange, c_nr numrange, c_dr daterange,
 c_char "char", c_name name, c_bpchar char(5), c_jsonpath jsonpath, c_snap pg_snapshot,
 c_int2v int2vector, c_bool_arr boolean[], c_uuid_arr uuid[], c_js_arr jsonb[]);
INSERT INTO kinds VALUES
 (1, '$1,234.56', '12:34:56+05:30', '1 year 2 mons 3 days 04:05:06.789', B'10101', B'101',
  '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
  '(1.5,2)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(0,0),2>',
  '<a href="x">t &amp; u</a>', 'a fat cat', 'fat & cat', 4294967295, '42', '16/B374D848',
  '{{1,2},{3,NULL}}', '{"a b","c,d","\"q\"",NULL,""}', '[0:2]={7,8,9}', '[1,10)', '[2024-01-01 00:00+00,2024-02-01 00:00+00)',
  '{[1,3),[5,8)}', '(1.5,2.5]', '[2024-01-01,2024-12-31)',
  'x', 'nm', 'ab', '$.a[*] ? (@ > 1)', '10:20:10,14,15',
  '1 2 3', '{t,f,NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', ARRAY['{"a": 1}'::jsonb]),
 (2, '-$0.01', '00:00:00-12', '-1 days +00:00:01', B'00000', B'',
  '::1', '::/0', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00',
  '(-1e300,NaN)', '{0,1,0}', '[(0,0),(0,0)]', '(0,0),(0,0)', '((0,0))', '((0,0))', '<(0,0),0>',
  '', '', '!a', 0, '0', '0/0',
  '{}', '{}', '{}', 'empty', '(,)', '{}', '[1,1]', '(,infinity)',
  '\001', '', '', '$', '1:1:',
  '', '{}', '{}', '{}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE odd (id int PRIMARY KEY, rel regclass, p pair, moods mood[], ok text);
INSERT INTO odd VALUES (1, 'pg_class', ROW(1, 'x y'), '{sad,happy}', 'fine');
EOSQL

test_expect_success 'setup' '
	pg_fresh_db && pg_sql <types.sql &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\`"
'

test_expect_success 'PostgreSQL -> PostgreSQL: each column of its own type, every value equal' '
	ferry-extract "$PG_URI" -t kinds -o k.ferry &&
	ferry-load "$TO" --create --check <k.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$TO" --create <k.ferry &&
	pg_sql "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'kinds'"'"'::regclass AND attnum > 0 ORDER BY attnum" >expect &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'kinds'"'"'::regclass AND attnum > 0 ORDER BY attnum" >got &&
	test_cmp expect got &&
	pg_sql "SELECT * FROM kinds ORDER BY id" >expect &&
	pg_in "${TEST_DB}_to" -c "SELECT * FROM kinds ORDER BY id" >got &&
	test_cmp expect got &&
	ferry-verify -t kinds "$PG_URI" "$TO" &&
	ferry-verify --schema-only -t kinds "$PG_URI" "$TO"
'

test_expect_success 'PostgreSQL -> MariaDB: each as its text, equal' '
	ferry-load "$MY_TO" --create --check <k.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$MY_TO" --create <k.ferry &&
	my_in "${TEST_DB}_to" -e "SELECT c_interval, c_arr2, c_lb, c_mr, c_int2v, c_oid FROM kinds WHERE id = 1" >got &&
	printf "1 year 2 mons 3 days 04:05:06.789\t{{1,2},{3,NULL}}\t[0:2]={7,8,9}\t{[1,3),[5,8)}\t1 2 3\t4294967295\n" >expect &&
	test_cmp expect got &&
	ferry-verify -t kinds "$PG_URI" "$MY_TO"
'

test_expect_success 'what --create does not make is refused before any row, all of it at once' '
	ferry-extract "$PG_URI" -t odd -o o.ferry &&
	test_expect_code 6 ferry-load "$TO" --create --check <o.ferry >check.out &&
	test_grep "column rel: source type '"'"'regclass'"'"' holds names of the source'"'"'s catalog" check.out &&
	! test_grep "column p:" check.out &&
	! grep "column moods" check.out &&
	test_expect_code 3 ferry-load "$TO" --create <o.ferry 2>err &&
	test_grep "column rel: source type" err &&
	! grep "column moods" err &&
	pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM pg_class WHERE relname = '"'"'odd'"'"'" >got &&
	echo 0 >expect && test_cmp expect got
'

test_expect_success 'a composite type is made PostgreSQL -> PostgreSQL, in its schema, attributes typed' '
	pg_sql "CREATE SCHEMA geo; CREATE TYPE geo.place AS (street varchar(40), num int, loc point, tags text[]);
		CREATE TABLE addr (id int PRIMARY KEY, home geo.place, p pair);
		INSERT INTO addr VALUES (1, ROW('"'"'Main St'"'"', 5, '"'"'(1,2)'"'"', '"'"'{a,\"b c\"}'"'"'), ROW(7, '"'"'x'"'"')), (2, NULL, ROW(NULL, NULL))" &&
	ferry-extract "$PG_URI" -t addr -o a.ferry &&
	ferry-cat -f summary a.ferry >sum &&
	test_grep "column home: text (geo.place) composite geo.place (4 attributes)" sum &&
	ferry-load "$TO" --create --check <a.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$TO" --create <a.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'geo.place'"'"'::regtype::text::regclass AND attnum > 0 ORDER BY attnum" >got &&
	printf "character varying(40)\ninteger\npoint\ntext[]\n" >expect &&
	test_cmp expect got &&
	pg_in "${TEST_DB}_to" -c "SELECT (home).street, (home).tags[2], (p).b FROM addr WHERE id = 1" >got &&
	echo "Main St|b c|x" >expect && test_cmp expect got &&
	ferry-verify -t addr "$PG_URI" "$TO" &&
	ferry-verify --schema-only -t addr "$PG_URI" "$TO"
'

test_expect_success 'a composite attribute of a type ferry does not make: refused, named' '
	pg_sql "CREATE TYPE shelf AS (m mood, n int); CREATE TABLE store (id int PRIMARY KEY, s shelf); INSERT INTO store VALUES (1, ROW('"'"'ok'"'"', 2))" &&
	ferry-extract "$PG_URI" -t store -o s.ferry &&
	test_expect_code 6 ferry-load "$TO" --create --check <s.ferry >check.out &&
	test_grep "column s (of type public.shelf, attribute m): source type '"'"'mood'"'"' is not a PostgreSQL type ferry creates" check.out
'

test_expect_success '... and into a table the target made (pair made above), they load and compare' '
	pg_in "${TEST_DB}_to" -c "CREATE TYPE mood AS ENUM ('"'"'sad'"'"', '"'"'ok'"'"', '"'"'happy'"'"'); CREATE TABLE odd (id int PRIMARY KEY, rel regclass, p pair, moods mood[], ok text)" &&
	ferry-load "$TO" --check <o.ferry >check.out &&
	ferry-load "$TO" <o.ferry &&
	ferry-verify -t odd "$PG_URI" "$TO"
'

test_done
