#!/bin/sh
# A number the source keeps >= 0 stays so: MySQL's UNSIGNED is "unsigned"
# in the stream and CHECK (c >= 0) on PostgreSQL (a uint64 also <= 2^64-1),
# and back to MariaDB UNSIGNED again; a PostgreSQL source's own validated
# CHECK (c >= 0) becomes UNSIGNED on MariaDB.  The application after the
# move: the same values, and a negative one refused as before.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >my.sql <<'EOF'
CREATE TABLE counters (
  id INT UNSIGNED PRIMARY KEY,
  hits BIGINT UNSIGNED NOT NULL,
  price DECIMAL(10,2) UNSIGNED,
  ratio DOUBLE UNSIGNED,
  small TINYINT UNSIGNED,
  delta INT);
INSERT INTO counters VALUES
  (4294967295, 18446744073709551615, 99999999.99, 1.5, 255, -2147483648),
  (0, 0, 0, 0, 0, 7);
EOF

cat >pg.sql <<'EOF'
CREATE TABLE wallets (
  id bigint PRIMARY KEY CHECK (id >= 0),
  e double precision CHECK (e >= 0),
  cents numeric(12,2) CHECK (0 <= cents),
  level integer CONSTRAINT level_ok CHECK (level >= 0),
  late integer,
  signed_v integer);
INSERT INTO wallets VALUES (9223372036854775807, 2.5, 10.25, 3, -1, -5);
ALTER TABLE wallets ADD CONSTRAINT late_ok CHECK (late >= 0) NOT VALID;
EOF

test_expect_success 'setup: UNSIGNED columns in MariaDB, CHECK (c >= 0) in PostgreSQL' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql <my.sql && pg_sql <pg.sql
'

test_expect_success 'the stream says which columns are unsigned' '
	ferry-extract "$MY_URI" -t counters -o my.ferry &&
	ferry-cat -f summary my.ferry >sum &&
	test_grep "counters" sum &&
	grep "^  column" sum >got &&
	cat >expect <<-\EOF &&
	  column id: int64 unsigned not null (int(10) unsigned)
	  column hits: uint64 not null (bigint(20) unsigned)
	  column price: decimal unsigned (decimal(10,2) unsigned)
	  column ratio: float64 unsigned (double unsigned)
	  column small: int64 unsigned (tinyint(3) unsigned)
	  column delta: int64 (int(11))
	EOF
	test_cmp expect got
'

test_expect_success 'MariaDB -> PostgreSQL: UNSIGNED is CHECK (c >= 0), values equal' '
	ferry-load "$PG_BASE dbname=${TEST_DB}_to" --create <my.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT a.attname, pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid
		AND a.attnum = k.conkey[1] WHERE k.conrelid = '"'"'counters'"'"'::regclass
		AND k.contype = '"'"'c'"'"' ORDER BY 1" >checks &&
	cat >expect <<-\EOF &&
	hits|CHECK (((hits >= (0)::numeric) AND (hits <= '"'"'18446744073709551615'"'"'::numeric)))
	id|CHECK (((id >= 0) AND (id <= '"'"'4294967295'"'"'::bigint)))
	price|CHECK ((price >= (0)::numeric))
	ratio|CHECK ((ratio >= (0)::double precision))
	small|CHECK (((small >= 0) AND (small <= 255)))
	EOF
	test_cmp expect checks &&
	ferry-verify --rows -t counters "$MY_URI" "$PG_BASE dbname=${TEST_DB}_to" >out &&
	test_grep "A 2 rows, B 2 rows: equal" out &&
	ferry-verify --schema-only -t counters "$MY_URI" "$PG_BASE dbname=${TEST_DB}_to" >out &&
	test_grep "counters: the same structure" out
'

test_expect_success '--schema-only: a CHECK of an UNSIGNED width that is not the column'"'"'s is still a difference' '
	pg_in "${TEST_DB}_to" -c "ALTER TABLE counters DROP CONSTRAINT counters_small_check" &&
	pg_in "${TEST_DB}_to" -c "ALTER TABLE counters ADD CONSTRAINT counters_small_check CHECK (small >= 0 AND small <= 65535)" &&
	test_expect_code 1 ferry-verify --schema-only -t counters "$MY_URI" "$PG_BASE dbname=${TEST_DB}_to" >out &&
	test_grep "CHECK ((\"small\" >= 0) AND (\"small\" <= 65535)): only on B" out &&
	pg_in "${TEST_DB}_to" -c "ALTER TABLE counters DROP CONSTRAINT counters_small_check" &&
	pg_in "${TEST_DB}_to" -c "ALTER TABLE counters ADD CONSTRAINT counters_small_check CHECK (small >= 0 AND small <= 255)"
'

test_expect_success 'the application on PostgreSQL: a negative value is refused, as on MariaDB' '
	! my_sql "SET SESSION sql_mode = '"'"'STRICT_ALL_TABLES'"'"';
		INSERT INTO counters (id, hits) VALUES (1, -1)" 2>/dev/null &&
	test "$(my_sql "SELECT count(*) FROM counters")" = "count(*)
2" &&
	for col in id hits price ratio small; do
		test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO counters
			(id, hits) VALUES (5, 1); UPDATE counters SET $col = -1
			WHERE id = 5" 2>err ||
			return 1
		test_grep "violates check constraint" err || return 1
	done &&
	test_must_fail pg_in "${TEST_DB}_to" \
		-c "INSERT INTO counters (id, hits) VALUES (5, 18446744073709551616)" 2>err &&
	test_grep "violates check constraint" err &&
	test_must_fail pg_in "${TEST_DB}_to" \
		-c "INSERT INTO counters (id, hits) VALUES (4294967296, 1)" 2>err &&
	test_grep "violates check constraint" err &&
	test_must_fail pg_in "${TEST_DB}_to" \
		-c "INSERT INTO counters (id, hits, small) VALUES (6, 1, 256)" 2>err &&
	test_grep "violates check constraint" err &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO counters (id, hits, delta) VALUES (5, 1, -9);
		DELETE FROM counters WHERE id = 5"
'

test_expect_success 'and back to MariaDB: UNSIGNED again, each at its own width' '
	ferry-extract "$PG_BASE dbname=${TEST_DB}_to" -t counters -o back.ferry &&
	ferry-load "$MY_BACK" --create <back.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_NAME, COLUMN_TYPE FROM
		information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME = '"'"'counters'"'"' ORDER BY ORDINAL_POSITION" >types &&
	cat >expect <<-\EOF &&
	id	int(10) unsigned
	hits	decimal(20,0) unsigned
	price	decimal(10,2) unsigned
	ratio	double unsigned
	small	tinyint(3) unsigned
	delta	int(11)
	EOF
	test_cmp expect types &&
	ferry-verify --rows -t counters "$MY_URI" "$MY_BACK" >out &&
	test_grep "A 2 rows, B 2 rows: equal" out
'

test_expect_success 'MariaDB -> MariaDB keeps UNSIGNED on every width' '
	my_in "${TEST_DB}_back" -e "DROP TABLE counters" &&
	ferry-load "$MY_BACK" --create <my.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_TYPE FROM
		information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME = '"'"'counters'"'"' ORDER BY ORDINAL_POSITION" >types &&
	printf "%s\n" "int(10) unsigned" "bigint(20) unsigned" \
		"decimal(10,2) unsigned" "double unsigned" "tinyint(3) unsigned" \
		"int(11)" >expect &&
	test_cmp expect types
'

test_expect_success 'PostgreSQL -> MariaDB: a validated CHECK (c >= 0) is UNSIGNED' '
	ferry-extract "$PG_URI" -t wallets -o pg.ferry &&
	ferry-load "$MY_BACK" --create <pg.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_NAME, COLUMN_TYPE FROM
		information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME = '"'"'wallets'"'"' ORDER BY ORDINAL_POSITION" >types &&
	cat >expect <<-\EOF &&
	id	bigint(20) unsigned
	e	double unsigned
	cents	decimal(12,2) unsigned
	level	int(10) unsigned
	late	int(11)
	signed_v	int(11)
	EOF
	test_cmp expect types &&
	ferry-verify --rows -t wallets "$PG_URI" "$MY_BACK" >out &&
	test_grep "A 1 rows, B 1 rows: equal" out
'

test_expect_success 'PostgreSQL -> PostgreSQL keeps the CHECKs it carries' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE IF EXISTS wallets" &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_to" --create <pg.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT a.attname FROM pg_constraint k
		JOIN pg_attribute a ON a.attrelid = k.conrelid
		AND a.attnum = k.conkey[1] WHERE k.conrelid = '"'"'wallets'"'"'::regclass
		AND k.contype = '"'"'c'"'"' ORDER BY 1" >checks &&
	printf "%s\n" cents e id level >expect &&
	test_cmp expect checks
'

test_expect_success 'a MySQL YEAR: its range a CHECK on PostgreSQL, YEAR again back on MariaDB' '
	my_sql "CREATE TABLE films (id INT PRIMARY KEY, released YEAR); INSERT INTO films VALUES (1, 2006), (2, NULL), (3, 0)" &&
	ferry-extract "$MY_URI" -t films -o films.ferry &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_to" --create <films.ferry &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (4, 3000)" &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (4, 1999); DELETE FROM films WHERE id = 4" &&
	ferry-verify --schema-only -t films "$MY_URI" "$PG_BASE dbname=${TEST_DB}_to" >out &&
	test_grep "films: the same structure" out &&
	ferry-extract "$PG_BASE dbname=${TEST_DB}_to" -t films -o back.ferry &&
	ferry-load "$MY_BACK" --create <back.ferry 2>err &&
	! grep notice err &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'films'"'"' AND COLUMN_NAME = '"'"'released'"'"'" >got &&
	echo "year(4)" >expect && test_cmp expect got &&
	ferry-verify --rows -t films "$MY_URI" "$MY_BACK" >out &&
	test_grep "A 3 rows, B 3 rows: equal" out
'

test_done
