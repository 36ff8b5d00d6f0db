#!/bin/sh
# ferry-extract from PostgreSQL: every column type with its special values,
# types outside the first set as text, schemas, quoting, parts, snapshot
. "$(dirname "$0")/lib.sh"
test_need_db

cat >types.sql <<\EOSQL
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE types (
  id bigint PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint,
  f4 real, f8 double precision, n numeric(12,3), nn numeric,
  t text, vc varchar(10), c char(4), by bytea,
  d date, tm time(6), ts timestamp(3), tz timestamptz,
  j json, jb jsonb, u uuid, m mood,
  iv interval, arr int[], ip inet, dom positive, tr tsrange, ttz timetz);
INSERT INTO types VALUES
 (1, true, -32768, 2147483647, 9223372036854775807,
  1.5, 'NaN', 123456789.125, '-0.000001',
  E'tab\there\nnew line\r\nCRLF "q" \\ back', 'héllo 😀', 'ab', '\x00ff7f80',
  '-infinity', '24:00:00', '2024-02-29 12:34:56.789', 'infinity',
  '{"b": 1,  "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'it''s',
  '1 year 2 mons 3 days 04:05:06.5', '{1,NULL,3}', '192.168.0.1/24', 5, '[2024-01-01,2024-02-01)', '12:00:00+02'),
 (2, false, 0, 0, -9223372036854775808,
  '-Infinity', 1e-300, 'NaN', 'Infinity',
  '', '', '', '',
  '4713-01-01 BC', '00:00:00', '0044-03-15 12:00:00 BC', '1970-01-01 00:00:00+00',
  'null', '"str"', '00000000-0000-0000-0000-000000000000', 'sad',
  '-00:00:01', '{}', '::1', 1, 'empty', '00:00:00-14'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE SCHEMA other;
CREATE TABLE other."select" (id int PRIMARY KEY, "a col ""q""" text);
INSERT INTO other."select" VALUES (1, 'x');
CREATE TABLE "select" (id int PRIMARY KEY);
EOSQL

cat >types.expect <<\EOT
{"table":"types","row":{"id":1,"b":true,"i2":-32768,"i4":2147483647,"i8":9223372036854775807,"f4":1.5,"f8":"NaN","n":"123456789.125","nn":"-0.000001","t":"tab\there\nnew line\r\nCRLF \"q\" \\ back","vc":"héllo 😀","c":"ab  ","by":"\\x00ff7f80","d":"-infinity","tm":"24:00:00","ts":"2024-02-29T12:34:56.789","tz":"infinity","j":"{\"b\": 1,  \"a\": [1, 2.50]}","jb":"{\"a\": [1, 2.50], \"b\": 1}","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","m":"it's","iv":"1 year 2 mons 3 days 04:05:06.5","arr":"{1,NULL,3}","ip":"192.168.0.1/24","dom":5,"tr":"[\"2024-01-01 00:00:00\",\"2024-02-01 00:00:00\")","ttz":"12:00:00+02"}}
{"table":"types","row":{"id":2,"b":false,"i2":0,"i4":0,"i8":-9223372036854775808,"f4":"-Infinity","f8":1e-300,"n":"NaN","nn":"Infinity","t":"","vc":"","c":"    ","by":"\\x","d":"-4712-01-01","tm":"00:00:00","ts":"-0043-03-15T12:00:00","tz":"1970-01-01T00:00:00Z","j":"null","jb":"\"str\"","u":"00000000-0000-0000-0000-000000000000","m":"sad","iv":"-00:00:01","arr":"{}","ip":"::1/128","dom":1,"tr":"empty","ttz":"00:00:00-14"}}
{"table":"types","row":{"id":3,"b":null,"i2":null,"i4":null,"i8":null,"f4":null,"f8":null,"n":null,"nn":null,"t":null,"vc":null,"c":null,"by":null,"d":null,"tm":null,"ts":null,"tz":null,"j":null,"jb":null,"u":null,"m":null,"iv":null,"arr":null,"ip":null,"dom":null,"tr":null,"ttz":null}}
EOT

test_expect_success 'setup: a table of every PostgreSQL type we meet' '
	pg_fresh_db &&
	pg_sql <types.sql
'

test_expect_success 'every type comes out as the expected JSON lines' '
	ferry-extract "$PG_URI" -t types --order pk -o types.ferry &&
	ferry-cat types.ferry >out &&
	test_cmp types.expect out &&
	ferry-extract "$PG_URI" -t types --order pk -o - | ferry-cat >out &&
	test_cmp types.expect out &&
	test ! -e ./-
'

test_expect_success 'types outside the first set travel as text with their type recorded; a domain as its base type, its CHECK the table'"'"'s' '
	ferry-cat -f summary types.ferry >out &&
	test_grep "  column iv: text (interval)" out &&
	test_grep "  column arr: text (integer[])" out &&
	test_grep "  column dom: int64 (integer)" out &&
	test_grep "  check dom_positive_check: (\"dom\" > 0)" out &&
	test_grep "  column jb: json (jsonb)" out &&
	test_grep "  column m: enum (mood) labels '"'"'sad'"'"','"'"'ok'"'"','"'"'it'"'"'s'"'"'" out &&
	test_grep "  column n: decimal (numeric(12,3))" out
'

test_expect_success 'a timestamp past what the stream holds is refused by row and column' '
	pg_sql "CREATE TABLE far (id int PRIMARY KEY, ts timestamp); INSERT INTO far VALUES (1, '"'"'294276-12-31 23:59:59'"'"')" &&
	test_expect_code 3 ferry-extract "$PG_URI" -t far -o far.ferry 2>err &&
	echo "ferry-extract: table far, row 1, column ts: timestamp past what the stream holds (about 294247 AD)" >expect &&
	test_cmp expect err
'

test_expect_success 'schema.table names a table outside the search path; quoting holds' '
	ferry-extract "$PG_URI" -t other.select -t select -o s.ferry &&
	ferry-cat s.ferry >out &&
	echo "{\"table\":\"other.select\",\"row\":{\"id\":1,\"a col \\\"q\\\"\":\"x\"}}" >expect &&
	test_cmp expect out &&
	ferry-cat --check s.ferry >out &&
	test_grep "ok, 2 tables, 1 rows" out
'

test_expect_success '--all-tables lists every schema, public without a prefix' '
	ferry-extract "$PG_URI" --all-tables --exclude far --schema-only -o all.ferry &&
	ferry-cat -f summary all.ferry | grep "^table " >out &&
	printf "table other.select\ntable select\ntable types\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a 1 MiB value and a table of zero rows' '
	pg_sql "CREATE TABLE big (id int PRIMARY KEY, body text, b bytea);
		INSERT INTO big VALUES (1, repeat('"'"'é'"'"', 524288), decode(repeat('"'"'00ff'"'"', 524288), '"'"'hex'"'"'));
		CREATE TABLE empty_t (id int PRIMARY KEY)" &&
	ferry-extract "$PG_URI" -t big -t empty_t -o big.ferry &&
	ferry-cat -f tsv -t big big.ferry | sed -n 2p | cut -f2 | tr -d "\n" | wc -c >n &&
	echo 1048576 >expect && test_cmp expect n &&
	ferry-cat --check big.ferry >out &&
	test_grep "ok, 2 tables, 1 rows" out
'

test_expect_success '--part 1/3..3/3 together hold every row once' '
	pg_sql "CREATE TABLE parts (id bigint PRIMARY KEY, v text);
		INSERT INTO parts SELECT g * 7 - 3000, '"'"'v'"'"' || g FROM generate_series(1, 1000) g" &&
	for k in 1 2 3; do
		ferry-extract "$PG_URI" -t parts --part $k/3 -o p$k.ferry &&
		ferry-cat -f tsv p$k.ferry | sed 1d >p$k.tsv || return 1
	done &&
	ferry-extract "$PG_URI" -t parts -o whole.ferry &&
	ferry-cat -f tsv whole.ferry | sed 1d | sort >whole.tsv &&
	cat p1.tsv p2.tsv p3.tsv | sort >parts.tsv &&
	test_cmp whole.tsv parts.tsv &&
	test $(wc -l <whole.tsv) -eq 1000 &&
	test -s p1.tsv && test -s p2.tsv && test -s p3.tsv
'

test_expect_success '--part over the whole int64 range and a key of one value' '
	pg_sql "CREATE TABLE extremes (id bigint PRIMARY KEY);
		INSERT INTO extremes VALUES (-9223372036854775808), (0), (9223372036854775807);
		CREATE TABLE one (id bigint PRIMARY KEY); INSERT INTO one VALUES (42)" &&
	for t in extremes one; do
		for k in 1 2 3 4; do
			ferry-extract "$PG_URI" -t $t --part $k/4 -o x$k.ferry &&
			ferry-cat -f tsv x$k.ferry | sed 1d || return 1
		done | sort >parts.tsv &&
		ferry-extract "$PG_URI" -t $t -o w.ferry &&
		ferry-cat -f tsv w.ferry | sed 1d | sort >whole.tsv &&
		test_cmp whole.tsv parts.tsv || return 1
	done
'

test_expect_success 'snapshot: rows written during an extract do not appear' '
	pg_sql "CREATE TABLE snap_a (id int PRIMARY KEY, pad text);
		CREATE TABLE snap_b (id int PRIMARY KEY);
		INSERT INTO snap_a SELECT g, repeat('"'"'x'"'"', 2000) FROM generate_series(1, 3000) g;
		INSERT INTO snap_b VALUES (1), (2)" &&
	mkfifo pipe &&
	{ ferry-extract "$PG_URI" -t snap_a -t snap_b -l 0 >pipe 2>err & } &&
	exec 3<pipe &&
	head -c 100000 <&3 >stream.part &&
	pg_sql "INSERT INTO snap_a VALUES (5000, '"'"'late'"'"'); INSERT INTO snap_b VALUES (3)" &&
	cat <&3 >>stream.part &&
	exec 3<&- &&
	wait &&
	ferry-cat -f tsv -t snap_b stream.part >b.tsv &&
	printf "id\n1\n2\n" >expect && test_cmp expect b.tsv &&
	ferry-cat --check stream.part >out &&
	test_grep "ok, 2 tables, 3002 rows" out
'

test_expect_success 'arrays of varchar and char(n) travel as their text, not binary' '
	pg_sql "CREATE TABLE arrs (id int PRIMARY KEY, a varchar(4)[], b char(2)[], c text[]);
		INSERT INTO arrs VALUES (1, ARRAY['"'"'ab'"'"', NULL, '"'"'c d'"'"'], ARRAY['"'"'x'"'"'], ARRAY['"'"'q\"uote'"'"'])" &&
	ferry-extract "$PG_URI" -t arrs -o arrs.ferry &&
	ferry-cat -f tsv arrs.ferry >out &&
	printf "id\ta\tb\tc\n1\t{ab,NULL,\"c d\"}\t{\"x \"}\t{\"q\\\\\\\\\"uote\"}\n" >expect &&
	test_cmp expect out &&
	ferry-cat -f summary arrs.ferry >out &&
	test_grep "  column a: text (character varying(4)[])" out
'

test_expect_success 'a server message of several lines is reported on one line' '
	test_expect_code 4 ferry-extract "$PG_URI" -t types --where "types=nosuch_column > 0" -o x.ferry 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "column \"nosuch_column\" does not exist" err &&
	test ! -e x.ferry
'

test_expect_success '--defaults-file is for MySQL sources' '
	echo "[client]" >my.cnf &&
	test_expect_code 2 ferry-extract --defaults-file my.cnf "$PG_URI" -t types -o x.ferry 2>err &&
	test_grep "--defaults-file is for MySQL databases" err
'

test_done
