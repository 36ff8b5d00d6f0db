#!/bin/sh
# ferry-load into PostgreSQL by binary COPY: every stream type at its
# edges arrives exactly as by text COPY; a table with a column binary
# COPY cannot carry goes as text; values out of a target type's range
# are refused by row and column either way
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
fresh() { # fresh NAME: an empty database TEST_DB_NAME
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$1\"" \
		-c "CREATE DATABASE \"${TEST_DB}_$1\"" 2>/dev/null
}
sqlin() { psql -X -q -v ON_ERROR_STOP=1 -At "$PG_BASE dbname=${TEST_DB}_$1" -c "$2"; }

cat >edge.schema.json <<\EOT
{"name": "edge", "columns": [
  {"name": "id", "type": "int64", "nullable": false, "source_type": "bigint(20)"},
  {"name": "b", "type": "bool", "source_type": "boolean"},
  {"name": "small", "type": "int64", "source_type": "smallint(6)"},
  {"name": "medium", "type": "int64", "source_type": "int(11)"},
  {"name": "big", "type": "int64", "source_type": "bigint(20)"},
  {"name": "u", "type": "uint64", "source_type": "bigint(20) unsigned"},
  {"name": "f", "type": "float64", "source_type": "double"},
  {"name": "fixed", "type": "decimal", "source_type": "decimal(30,10)", "precision": 30, "scale": 10},
  {"name": "free", "type": "decimal", "source_type": "numeric"},
  {"name": "t", "type": "text", "source_type": "text"},
  {"name": "vc", "type": "text", "source_type": "varchar(20)", "length": 20},
  {"name": "e", "type": "enum", "source_type": "enum('a','b c')", "labels": ["a", "b c"]},
  {"name": "j", "type": "json", "source_type": "json"},
  {"name": "by", "type": "bytes", "source_type": "blob"},
  {"name": "d", "type": "date", "source_type": "date"},
  {"name": "tm", "type": "time", "source_type": "time(6)"},
  {"name": "ts", "type": "timestamp", "source_type": "datetime(6)"},
  {"name": "tz", "type": "timestamptz", "source_type": "timestamp(6)"},
  {"name": "uu", "type": "uuid", "source_type": "uuid"}],
 "primary_key": ["id"]}
EOT
cat >edge.jsonl <<\EOT
{"table":"edge","row":{"id":1,"b":true,"small":-32768,"medium":-2147483648,"big":-9223372036854775808,"u":18446744073709551615,"f":"NaN","fixed":"-12345678901234567890.1234567890","free":"NaN","t":"tab\tnew\nline \\ back 😀","vc":"","e":"b c","j":{"z":[1,2.5e-3,{"a":null}],"a":"x"},"by":"\\x00ff00","d":"infinity","tm":"24:00:00","ts":"infinity","tz":"-infinity","uu":"00000000-0000-0000-0000-000000000000"}}
{"table":"edge","row":{"id":2,"b":false,"small":32767,"medium":2147483647,"big":9223372036854775807,"u":0,"f":"-Infinity","fixed":"0.0000000001","free":"Infinity","t":"","vc":"twenty chars, exact","e":"a","j":"\"just a string\"","by":"\\x","d":"-infinity","tm":"00:00:00","ts":"-infinity","tz":"infinity","uu":"ffffffff-ffff-ffff-ffff-ffffffffffff"}}
{"table":"edge","row":{"id":3,"b":null,"small":0,"medium":0,"big":0,"u":10000,"f":-0.0,"fixed":"-0.5","free":"-Infinity","t":"NULL","vc":"\\N","e":null,"j":null,"by":null,"d":"0000-12-31","tm":"12:34:56.789012","ts":"0000-01-01T00:00:00","tz":"1999-12-31T23:59:59.999999Z","uu":null}}
{"table":"edge","row":{"id":4,"b":true,"small":null,"medium":null,"big":null,"u":null,"f":1e-300,"fixed":"99999999999999999999.9999999999","free":"123456789012345678901234567890.000100200","t":null,"vc":null,"e":"a","j":[],"by":"\\x0102","d":"2000-01-01","tm":null,"ts":"2000-01-01T00:00:00","tz":"2000-01-01T00:00:00.000001Z","uu":"0102abcd-0000-4000-8000-00000000000f"}}
{"table":"edge","row":{"id":5,"b":false,"small":1,"medium":10000,"big":100000000,"u":9999,"f":1.7976931348623157e308,"fixed":"0","free":"-0.00001","t":"x","vc":"y","e":"b c","j":0,"by":"\\x00","d":"1970-01-01","tm":"00:00:00.000001","ts":"1969-12-31T23:59:59.999999","tz":"294246-12-31T23:59:59.999999Z","uu":null}}
{"table":"edge","row":{"id":6,"b":null,"small":-1,"medium":-10000,"big":-100000000,"u":100000000,"f":5e-324,"fixed":"-0.0000000001","free":"0.1","t":"z","vc":"z","e":null,"j":true,"by":null,"d":"9999-12-31","tm":"23:59:59.999999","ts":"4713-01-01T00:00:00","tz":"0001-01-01T00:00:00Z","uu":null}}
EOT

test_expect_success 'setup: every type at its edges, as a stream' '
	ferry-cat --encode -S edge.schema.json -o edge.ferry edge.jsonl
'

test_expect_success 'binary COPY by default, text with FERRY_PG_COPY=text; the same rows' '
	fresh bin && fresh txt &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_bin" --create -i edge.ferry --stats bin.json &&
	FERRY_PG_COPY=text ferry-load "$PG_BASE dbname=${TEST_DB}_txt" --create -i edge.ferry --stats txt.json &&
	test "$(jq -r ".tables[0].method" bin.json)" = "COPY binary" &&
	test "$(jq -r ".tables[0].method" txt.json)" = "COPY text" &&
	sqlin bin "SELECT * FROM edge ORDER BY id" >bin.rows &&
	sqlin txt "SELECT * FROM edge ORDER BY id" >txt.rows &&
	test_cmp txt.rows bin.rows &&
	test "$(sqlin bin "SELECT count(*) FROM edge")" -eq 6 &&
	ferry-verify --rows edge.ferry "$PG_BASE dbname=${TEST_DB}_bin" >out &&
	test_grep "edge: A 6 rows, B 6 rows: equal" out
'

test_expect_success 'binary values land as PostgreSQL reads them' '
	sqlin bin "SELECT small, medium, big, u, fixed, free FROM edge WHERE id = 1" >got &&
	echo "-32768|-2147483648|-9223372036854775808|18446744073709551615|-12345678901234567890.1234567890|NaN" >expect &&
	test_cmp expect got &&
	sqlin bin "SELECT d, tm, ts, tz FROM edge WHERE id IN (3, 4) ORDER BY id" >got &&
	printf "%s\n" "0001-12-31 BC|12:34:56.789012|0001-01-01 00:00:00 BC|1999-12-31 23:59:59.999999+00" \
		"2000-01-01||2000-01-01 00:00:00|2000-01-01 00:00:00.000001+00" >expect &&
	test_cmp expect got &&
	sqlin bin "SELECT free, fixed FROM edge WHERE id IN (4, 5, 6) ORDER BY id" >got &&
	printf "%s\n" "123456789012345678901234567890.000100200|99999999999999999999.9999999999" \
		"-0.00001|0.0000000000" "0.1|-0.0000000001" >expect &&
	test_cmp expect got &&
	sqlin bin "SELECT j::text, encode(by, '"'"'hex'"'"'), uu FROM edge WHERE id = 4" >got &&
	echo "[]|0102|0102abcd-0000-4000-8000-00000000000f" >expect &&
	test_cmp expect got
'

test_expect_success 'a column binary COPY cannot carry keeps the table in text' '
	sqlin bin "CREATE TABLE edge2 (LIKE edge)" &&
	sqlin bin "ALTER TABLE edge2 ALTER COLUMN f TYPE real" &&
	head -3 edge.jsonl | ferry-cat --encode -S edge.schema.json |
		ferry-load "$PG_BASE dbname=${TEST_DB}_bin" --table-map edge=edge2 --stats st2.json 2>err ||
		{ cat err; false; } &&
	test "$(jq -r ".tables[0].method" st2.json)" = "COPY text" &&
	test "$(sqlin bin "SELECT count(*) FROM edge2")" -eq 3
'

test_expect_success 'a value out of the target type: refused by row and column, exit 4' '
	sed "s/\"small\":1,/\"small\":70000,/" edge.jsonl >big.jsonl &&
	ferry-cat --encode -S edge.schema.json -o big.ferry big.jsonl &&
	fresh bin &&
	test_expect_code 4 ferry-load "$PG_BASE dbname=${TEST_DB}_bin" --create -i big.ferry 2>err &&
	test_grep "table edge: row 5 (id=5), column small: smallint out of range: 70000" err &&
	test "$(sqlin bin "SELECT count(*) FROM pg_tables WHERE tablename = '"'"'edge'"'"'")" = 0 &&
	FERRY_PG_COPY=text test_expect_code 4 ferry-load "$PG_BASE dbname=${TEST_DB}_bin" --create -i big.ferry 2>err &&
	test_grep "out of range for type smallint" err
'

test_done
