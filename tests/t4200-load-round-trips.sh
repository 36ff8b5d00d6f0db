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

test_expect_success 'every column whose type lines up has equal digests on all three' '
	for c in id flag ti si mi i big yr dec1 fl db ch vc tx mt bn vb bl en st d dt tm uu ip; do
		coldigest "$MY_URI" $c >d1 && coldigest "$PG_URI" $c >d2 && coldigest "$MY_BACK" $c >d3 &&
		test_cmp d1 d2 && test_cmp d1 d3 || { echo "column $c differs" >&2; return 1; }
	done
'

test_done
