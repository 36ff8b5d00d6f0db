#!/bin/sh
# A stream is input, not code: its source types, enum labels and names
# reach the DDL of ferry-load --create only as ferry's own type names, as
# quoted identifiers or as quoted literals.  A source type that is SQL
# ("text); DROP TABLE victim; --") is refused by table and column before
# any DDL of the table runs (exit 3), the table victim stays, nothing is
# created; the PostgreSQL types a PG -> PG copy keeps by their source
# type still make the same columns.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"

# stream TYPE-AS-JSON-STRING-BODY [VALUE]: evil.ferry, a table "evil" from
# a PostgreSQL source whose text column c has that source type, one row
stream() {
	printf '{"name": "evil", "source": "postgresql://old/chat", "columns": [%s, %s], "primary_key": ["id"]}\n' \
		'{"name": "id", "type": "int64", "nullable": false, "source_type": "bigint"}' \
		"{\"name\": \"c\", \"type\": \"text\", \"source_type\": \"$1\"}" >evil.json &&
	printf '{"table": "evil", "row": {"id": 1, "c": "%s"}}\n' "${2:-x}" >evil.jsonl &&
	ferry-cat --encode -S evil.json -o evil.ferry evil.jsonl
}

# pg_tables: the tables of the PostgreSQL test database, one line
pg_tables() {
	pg_sql "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
}

my_tables() {
	my_sql "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()" | sed 1d
}

test_expect_success 'setup: a table victim on each side' '
	pg_fresh_db && my_fresh_db &&
	pg_sql "CREATE TABLE victim (id int PRIMARY KEY); INSERT INTO victim VALUES (1)" &&
	my_sql "CREATE TABLE victim (id INT PRIMARY KEY); INSERT INTO victim VALUES (1)" &&
	test "$(pg_tables)" = victim &&
	test "$(my_tables)" = victim
'

# refused TITLE JSON-TYPE SHOWN-TYPE: the type (as a JSON string's body)
# is refused, shown as SHOWN-TYPE, and nothing runs
refused() {
	evil_type=$2 evil_shown=$3
	test_expect_success "PostgreSQL --create refuses the source type $1" '
		stream "$evil_type" &&
		test_expect_code 3 ferry-load "$PG_URI" --create -i evil.ferry 2>err &&
		printf "%s\n" "ferry-load: table evil, column c: source type '"'"'$evil_shown'"'"' is not a PostgreSQL type ferry creates" >expect &&
		test_cmp expect err &&
		test "$(pg_tables)" = victim &&
		test "$(pg_sql "SELECT count(*) FROM victim")" = 1 &&
		test "$(pg_sql "SELECT count(*) FROM pg_type WHERE typname = '"'"'evil'"'"'")" = 0
	'
}

refused 'that ends the statement' 'text); DROP TABLE victim; --' 'text); DROP TABLE victim; --'
refused 'with a comment' 'text /* DROP TABLE victim */' 'text /* DROP TABLE victim */'
refused 'with a quote' "varchar(5) DEFAULT 'x'" "varchar(5) DEFAULT \\'x\\'"
refused 'with a newline' 'text\n); DROP TABLE victim; --' 'text\n); DROP TABLE victim; --'
refused 'with dollar quotes' 'text $$ DROP TABLE victim $$' 'text $$ DROP TABLE victim $$'
refused 'after an array' 'int[]; DROP TABLE victim' 'int[]; DROP TABLE victim'
refused 'with a length out of range' 'varchar(99999999999999999999)' 'varchar(99999999999999999999)'
refused 'that PostgreSQL does not have' 'victim' 'victim'

test_expect_success 'load --check --create reports the source type a load would refuse, and runs nothing' '
	stream "text); DROP TABLE victim; --" &&
	test_expect_code 6 ferry-load --check --create "$PG_URI" -i evil.ferry --report check.json >check.txt &&
	test_grep "column c: source type '"'"'text); DROP TABLE victim; --'"'"' is not a PostgreSQL type ferry creates" check.txt &&
	test "$(pg_tables)" = victim
'

test_expect_success 'MariaDB --create takes no source type text: the same stream makes a plain text column' '
	stream "text); DROP TABLE victim; --" &&
	ferry-load "$MY_URI" --create -i evil.ferry &&
	test "$(my_tables)" = "evil,victim" &&
	test "$(my_sql "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'evil'"'"' AND COLUMN_NAME = '"'"'c'"'"'" | sed 1d)" = longtext &&
	test "$(my_sql "SELECT c FROM evil" | sed 1d)" = x
'

# enum labels holding a quote, a backslash, dollar quotes and SQL
cat >labels.json <<\EOF
{"name": "moods", "source": "postgresql://old/chat",
 "columns": [{"name": "id", "type": "int64", "nullable": false, "source_type": "bigint"},
  {"name": "m", "type": "enum", "source_type": "mood",
   "labels": ["it's", "back\\slash", "x$ferry$; DROP TABLE victim; --", "a'); DROP TABLE victim; --", "\\'"]}],
 "primary_key": ["id"]}
EOF
cat >labels.jsonl <<\EOF
{"table": "moods", "row": {"id": 1, "m": "it's"}}
{"table": "moods", "row": {"id": 2, "m": "back\\slash"}}
{"table": "moods", "row": {"id": 3, "m": "x$ferry$; DROP TABLE victim; --"}}
{"table": "moods", "row": {"id": 4, "m": "a'); DROP TABLE victim; --"}}
{"table": "moods", "row": {"id": 5, "m": "\\'"}}
EOF
cat >labels.expect <<\EOF
it's
back\slash
x$ferry$; DROP TABLE victim; --
a'); DROP TABLE victim; --
\'
EOF

test_expect_success 'enum labels with quotes and backslashes are literals: PostgreSQL CHECK' '
	ferry-cat --encode -S labels.json -o labels.ferry labels.jsonl &&
	ferry-load "$PG_URI" --create --enum-types check -i labels.ferry &&
	pg_sql "SELECT m FROM moods ORDER BY id" >out &&
	test_cmp labels.expect out &&
	test_must_fail pg_sql "INSERT INTO moods VALUES (6, '"'"'back\\\\slash'"'"')" 2>err &&
	test_grep "violates check constraint" err &&
	test "$(pg_sql "SELECT count(*) FROM victim")" = 1 &&
	pg_sql "DROP TABLE moods"
'

test_expect_success 'enum labels with quotes and backslashes are literals: PostgreSQL enum type' '
	ferry-load "$PG_URI" --create -i labels.ferry &&
	pg_sql "SELECT m FROM moods ORDER BY id" >out &&
	test_cmp labels.expect out &&
	pg_sql "SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = '"'"'mood'"'"' ORDER BY enumsortorder" >out &&
	test_cmp labels.expect out &&
	test "$(pg_tables)" = "moods,victim" &&
	test "$(pg_sql "SELECT count(*) FROM victim")" = 1
'

test_expect_success 'enum labels with quotes and backslashes are literals: MariaDB ENUM' '
	ferry-load "$MY_URI" --create -i labels.ferry &&
	my_sql "SELECT m FROM moods ORDER BY id" | sed 1d >out.raw &&
	printf "%s\n" "it'"'"'s" "back\\\\slash" "x\$ferry\$; DROP TABLE victim; --" \
		"a'"'"'); DROP TABLE victim; --" "\\\\'"'"'" >expect &&
	test_cmp expect out.raw &&
	my_sql "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'moods'"'"' AND COLUMN_NAME = '"'"'m'"'"'" | sed 1d >type &&
	test_grep "enum(" type &&
	test "$(my_tables)" = "evil,moods,victim"
'

cat >types.sql <<\EOF
CREATE TABLE pgtypes (
	id int PRIMARY KEY,
	vc varchar(20), n numeric(10,2), iv interval, ip inet, ia int[],
	tz3 timestamp(3) with time zone[], vca character varying(5)[],
	ivf interval day to second(3), bits bit varying(8), ch character(3),
	ts2 time(2) without time zone[], na numeric(4,1)[][], c text, cidr_ cidr,
	r int4range, x xml, mo money
);
INSERT INTO pgtypes VALUES (1, 'abc', 12.5, '1 day 02:00', '10.0.0.1', '{1,2}',
	'{2020-01-02 03:04:05.678+00}', '{ab,cd}', '1 day 00:00:01.5', B'101',
	'ab', '{01:02:03.45}', '{{1.5},{2.5}}', 'text', '10.0.0.0/8', '[1,5)',
	'<a/>', 12.34);
EOF

test_expect_success 'PostgreSQL -> PostgreSQL --create keeps the allowed source types, column for column' '
	pg_sql <types.sql &&
	ferry-extract "$PG_URI" -t pgtypes -o t.ferry &&
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_2\"" \
		-c "CREATE DATABASE \"${TEST_DB}_2\"" 2>/dev/null &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_2" --create -i t.ferry &&
	q="SELECT string_agg(attname || '"'"' '"'"' || format_type(atttypid, atttypmod), '"'"', '"'"' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '"'"'pgtypes'"'"'::regclass AND attnum > 0" &&
	pg_sql "$q" >a &&
	psql -X -q -At "$PG_BASE dbname=${TEST_DB}_2" -c "$q" >b &&
	test_cmp a b &&
	test_grep "vca character varying(5)[]" b &&
	test_grep "tz3 timestamp(3) with time zone[]" b &&
	test_grep "ivf interval day to second(3)" b &&
	ferry-verify "$PG_URI" "$PG_BASE dbname=${TEST_DB}_2" -t pgtypes >out &&
	test_grep "equal" out
'

test_expect_success 'hand-written spellings of the same types are re-printed by ferry' '
	stream "int[]" "{1,2}" && ferry-load "$PG_URI" --create -i evil.ferry &&
	test "$(pg_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'evil'"'"'::regclass AND attname = '"'"'c'"'"'")" = "integer[]" &&
	pg_sql "DROP TABLE evil" &&
	stream "NUMERIC( 10 , 2 )" 1.5 && ferry-load "$PG_URI" --create -i evil.ferry &&
	test "$(pg_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'evil'"'"'::regclass AND attname = '"'"'c'"'"'")" = "numeric(10,2)" &&
	pg_sql "DROP TABLE evil" &&
	stream "Timestamp(3)  WITH time zone" "2020-01-02 03:04:05.678+00" &&
	ferry-load "$PG_URI" --create -i evil.ferry &&
	test "$(pg_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'evil'"'"'::regclass AND attname = '"'"'c'"'"'")" = "timestamp(3) with time zone" &&
	pg_sql "DROP TABLE evil"
'

test_done
