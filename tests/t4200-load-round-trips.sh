#!/bin/sh
# Round trips of the every-type MariaDB table: MariaDB -> PostgreSQL ->
# MariaDB gives the same rows except for the documented, deliberate type
# changes; every column's digest is equal wherever the types line up.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup: the every-type table of t2000, an empty PostgreSQL and MariaDB' '
	sed -n "/^cat >types.sql <<\\\\EOSQL$/,/^EOSQL$/p" "$TEST_ROOT/tests/t2000-extract-mysql.sh" |
		sed "1d;\$d" >types.sql &&
	test_grep "CREATE TABLE types" types.sql &&
	my_fresh_db && my_sql <types.sql &&
	pg_fresh_db &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\` CHARACTER SET utf8mb4"
'

test_expect_success 'MariaDB -> PostgreSQL -> MariaDB, each with --create' '
	ferry-extract "$MY_URI" -t types --order pk -o a.ferry &&
	ferry-load "$PG_URI" --create -i a.ferry &&
	ferry-extract "$PG_URI" -t types --order pk -o b.ferry &&
	ferry-load "$MY_BACK" --create -i b.ferry &&
	ferry-extract "$MY_BACK" -t types --order pk -o c.ferry &&
	ferry-cat a.ferry >a.jsonl && ferry-cat b.ferry >b.jsonl && ferry-cat c.ferry >c.jsonl
'

# the documented changes: BIGINT UNSIGNED and BIT become numeric(20) in
# PostgreSQL (decimal on the way back), TIMESTAMP becomes timestamptz and
# then DATETIME(6) (no zone, UTC), jsonb rewrites JSON text (same value)
documented() {
	sed -E -e "s/\"(ubig|bits)\":([0-9]+)/\"\\1\":\"\\2\"/g" \
		-e "s/,\"js\":(null|\"([^\"\\\\]|\\\\.)*\")//"
}

test_expect_success 'PostgreSQL holds the rows, but for the documented changes' '
	documented <a.jsonl >a.norm &&
	documented <b.jsonl >b.norm &&
	test_cmp a.norm b.norm
'

test_expect_success 'back in MariaDB: the same rows, but for the documented changes' '
	documented <a.jsonl | sed -E "s/(\"ts\":\"[^\"]*)Z\"/\\1\"/" >a.norm2 &&
	documented <c.jsonl >c.norm &&
	test_cmp a.norm2 c.norm
'

# digest of one column of a stream file's table
coldigest() {
	ferry-extract "$1" -t types --columns "types=$2" -o col.ferry &&
	ferry-cat -f summary col.ferry | grep "  digest:"
}

test_expect_success 'JSON changed its spelling, never its value: equal digests' '
	coldigest "$MY_URI" js >d1 && coldigest "$PG_URI" js >d2 && coldigest "$MY_BACK" js >d3 &&
	test_cmp d1 d2 && test_cmp d1 d3 &&
	ferry-cat -t types a.ferry | grep -c "x\\\\\\\\u00e9" >n && echo 1 >expect && test_cmp expect n
'

test_expect_success 'every column but the TIMESTAMP has equal digests on all three (numeric(20) too)' '
	for c in id flag ti si mi i big ubig yr bits dec1 fl db ch vc tx mt bn vb bl en st d dt tm uu ip; do
		coldigest "$MY_URI" $c >d1 && coldigest "$PG_URI" $c >d2 && coldigest "$MY_BACK" $c >d3 &&
		test_cmp d1 d2 && test_cmp d1 d3 || { echo "column $c differs" >&2; return 1; }
	done
'

cat >pg_types.sql <<\EOSQL
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s');
CREATE TABLE ptypes (
  id bigint PRIMARY KEY, b boolean, i2 smallint, i4 integer,
  f4 real, f8 double precision, n numeric(12,3), t text, vc varchar(10),
  by bytea, d date, tm time(6), ts timestamp(3), tz timestamptz,
  j json, jb jsonb, u uuid, m mood);
INSERT INTO ptypes VALUES
 (1, true, -32768, 2147483647, 1.5, 0.1, 123456789.125,
  E'tab\there\nnew line "q" \\ back 😀', 'héllo', '\x00ff7f80',
  '0001-01-01', '23:59:59.999999', '2024-02-29 12:34:56.789', '2038-01-19 03:14:07.999999+00',
  '{"b": 1,  "a": [1, 2.50]}', '{"x": 2.5e-3}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'it''s'),
 (2, false, 0, 0, -0.25, -1e-300, -0.001, '', '', '', '9999-12-31', '00:00:00',
  '1970-01-01 00:00:00', '1970-01-01 00:00:01+00', 'null', '"str"',
  '00000000-0000-0000-0000-000000000000', 'sad'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL);
EOSQL

test_expect_success 'PostgreSQL -> MariaDB -> PostgreSQL of a table of every PostgreSQL type MariaDB holds' '
	pg_sql <pg_types.sql &&
	ferry-extract "$PG_URI" -t ptypes --order pk -o p1.ferry &&
	ferry-load "$MY_BACK" --create -i p1.ferry &&
	ferry-extract "$MY_BACK" -t ptypes --order pk -o p2.ferry &&
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_pg2\"" \
		-c "CREATE DATABASE \"${TEST_DB}_pg2\"" 2>/dev/null &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_pg2" --create -i p2.ferry &&
	ferry-extract "$PG_BASE dbname=${TEST_DB}_pg2" -t ptypes --order pk -o p3.ferry &&
	ferry-cat p1.ferry | sed -E -e "s/(\"tz\":\"[^\"]*)Z\"/\\1\"/" \
		-e "s/,\"(j|jb)\":(null|\"([^\"\\\\]|\\\\.)*\")//g" >p1.norm &&
	ferry-cat p3.ferry | sed -E -e "s/,\"(j|jb)\":(null|\"([^\"\\\\]|\\\\.)*\")//g" >p3.norm &&
	test_cmp p1.norm p3.norm &&
	test_grep "\"m\":\"it'"'"'s\"" p3.norm &&
	for c in j jb; do
		ferry-extract "$PG_URI" -t ptypes --columns "ptypes=$c" -o c1.ferry &&
		ferry-extract "$PG_BASE dbname=${TEST_DB}_pg2" -t ptypes --columns "ptypes=$c" -o c3.ferry &&
		ferry-cat -f summary c1.ferry | grep "  digest:" >d1 &&
		ferry-cat -f summary c3.ferry | grep "  digest:" >d3 &&
		test_cmp d1 d3 || return 1
	done
'

test_done
