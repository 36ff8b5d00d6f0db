#!/bin/sh
# ferry-load into MariaDB: --create and its type mapping, MySQL -> MySQL and
# PostgreSQL -> MySQL round trips, values MySQL cannot hold, the modes,
# rollback of a failed or truncated table, quoting, big values, the
# multi-row INSERT path used where LOAD DATA LOCAL is refused, and --rejects
. "$(dirname "$0")/lib.sh"
test_need_db

# the table of every MariaDB type of t2000
cat >types.sql <<\EOSQL
CREATE TABLE types (
  id BIGINT NOT NULL PRIMARY KEY,
  flag TINYINT(1), ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, i INT,
  big BIGINT, ubig BIGINT UNSIGNED, yr YEAR, bits BIT(12),
  dec1 DECIMAL(12,2), fl FLOAT, db DOUBLE,
  ch CHAR(3), vc VARCHAR(64), tx TEXT, mt MEDIUMTEXT,
  bn BINARY(4), vb VARBINARY(16), bl BLOB,
  en ENUM('text','image','it''s'), st SET('a','b','c'),
  d DATE, dt DATETIME(3), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(2),
  js JSON, uu UUID, ip INET6);
INSERT INTO types VALUES
 (1, 1, -128, 65535, -8388608, 2147483647,
  -9223372036854775808, 18446744073709551615, 2155, b'101010101010',
  -1234567890.12, 1.5, 0.1,
  'abc', 'héllo wörld 😀 你好', 'tab\there\nnew line\r\nCRLF "q" \\ back \\N', 'NULL',
  0x00FF7F80, '', 0xDEADBEEF5C4E0A09,
  'it''s', 'a,c',
  '2024-02-29', '1000-01-01 00:00:00.001', '2038-01-19 03:14:07.999999', '23:59:59.99',
  '{"b": [1, 2.50, {"c": null}], "a": "x\\u00e9"}', '123e4567-e89b-12d3-a456-426614174000', '::1'),
 (2, 0, 0, 0, 0, 0, 0, 0, 1901, b'0',
  0.00, -0, -1e-300,
  '', '', '', CONCAT('nul', CHAR(0), 'byte'),
  0x00000000, '', '',
  'text', '',
  '0001-01-01', '9999-12-31 23:59:59.999', '1970-01-01 00:00:01', '00:00:00',
  'null', '00000000-0000-0000-0000-000000000000', '::'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE bin (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT);
INSERT INTO bin SELECT seq, RANDOM_BYTES(1000),
  CONCAT('a', CHAR(0), 'b\\\\N', CHAR(9), 'é', seq) FROM seq_1_to_200;
INSERT INTO bin VALUES (1000, 0x5c, '\\'), (1001, 0xE05C, 'N'),
  (1002, 0x5C4E, '\\N'), (1003, 0xF0, 'x\r'), (1004, '', ''), (1005, NULL, NULL);
EOSQL

# the PostgreSQL types of t2100 that MySQL can hold
cat >pg.sql <<\EOSQL
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s');
CREATE TABLE types (
  id bigint PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint,
  f4 real, f8 double precision, n numeric(12,3), nn numeric,
  t text, vc varchar(10), c char(4), by bytea,
  d date, tm time(6), ts timestamp(3), tz timestamptz,
  j json, jb jsonb, u uuid, m mood, iv interval, arr int[]);
INSERT INTO types VALUES
 (1, true, -32768, 2147483647, 9223372036854775807,
  1.5, 2.5, 123456789.125, '-0.000001',
  E'tab\there\nnew line\r\nCRLF "q" \\ back', 'héllo 😀', 'ab', '\x00ff7f80',
  '2024-01-01', '24:00:00', '2024-02-29 12:34:56.789', '2024-01-01 12:00:00.123456+02',
  '{"b": 1,  "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'it''s',
  '1 year 2 mons 3 days 04:05:06.5', '{1,NULL,3}'),
 (2, false, 0, 0, -9223372036854775808,
  -1.25, 1e-300, 0, 1.5,
  '', '', '', '',
  '0001-01-01', '00:00:00', '0001-01-01 00:00:00', '1970-01-01 00:00:00+00',
  'null', '"str"', '00000000-0000-0000-0000-000000000000', 'sad', '-00:00:01', '{}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE special (id int PRIMARY KEY, f8 float8, n numeric, d date,
  ts timestamp, tz timestamptz);
INSERT INTO special VALUES
 (1, 1, 1, '2024-01-01', '2024-01-01', '2024-01-01'),
 (2, 'NaN', 1, '2024-01-01', '2024-01-01', '2024-01-01'),
 (3, '-Infinity', 1, '2024-01-01', '2024-01-01', '2024-01-01'),
 (4, 1, 'NaN', '2024-01-01', '2024-01-01', '2024-01-01'),
 (5, 1, 1, '-infinity', '2024-01-01', '2024-01-01'),
 (6, 1, 1, '4713-01-01 BC', '2024-01-01', '2024-01-01'),
 (7, 1, 1, '2024-01-01', '0044-03-15 12:00:00 BC', '2024-01-01'),
 (8, 1, 1, '2024-01-01', '2024-01-01', 'infinity'),
 (9, 1, 1, '10000-01-01', '2024-01-01', '2024-01-01');
EOSQL

test_expect_success 'setup: MariaDB and PostgreSQL source tables' '
	my_fresh_db &&
	my_sql <types.sql &&
	pg_fresh_db &&
	pg_sql <pg.sql &&
	ferry-extract "$MY_URI" -t types -t bin --order pk -o my.ferry &&
	ferry-extract "$PG_URI" -t types --order pk -o pg.ferry
'

test_expect_success '--create makes each table; reading it back gives the same rows' '
	ferry-load "$MY_URI" --create --table-map types=c_types \
		--table-map bin=c_bin --stats stats.json -i my.ferry &&
	ferry-extract "$MY_URI" -t c_types -t c_bin --order pk -o back.ferry &&
	ferry-cat my.ferry >orig &&
	ferry-cat back.ferry >out &&
	sed -e "s/\"table\":\"types\"/\"table\":\"c_types\"/" \
	    -e "s/\"table\":\"bin\"/\"table\":\"c_bin\"/" \
	    -e "s/\(\"ts\":\"[^\"]*\)Z\"/\1\"/" orig >expect &&
	test_cmp expect out &&
	tr -d " \t\n" <stats.json >st &&
	test_grep "\"table\":\"c_types\",\"rows\":3,\"rejected\":0,\"commits\":1,\"created\":true" st &&
	test_grep "\"table\":\"c_bin\",\"rows\":206,\"rejected\":0,\"commits\":1,\"created\":true" st
'

# text keeps the source's collation (the database default of the test's
# MariaDB, utf8mb4_unicode_ci); a column without one is utf8mb4_nopad_bin
cat >columns.expect <<\EOT
id	bigint(20)	NO	PRI	NULL
flag	tinyint(1)	YES		NULL
ti	tinyint(4)	YES		NULL
si	smallint(5) unsigned	YES		NULL
mi	mediumint(9)	YES		NULL
i	int(11)	YES		NULL
big	bigint(20)	YES		NULL
ubig	bigint(20) unsigned	YES		NULL
yr	year(4)	YES		NULL
bits	bit(12)	YES		NULL
dec1	decimal(12,2)	YES		NULL
fl	float	YES		NULL
db	double	YES		NULL
ch	varchar(3)	YES		NULL	utf8mb4_unicode_ci
vc	varchar(64)	YES		NULL	utf8mb4_unicode_ci
tx	text	YES		NULL	utf8mb4_unicode_ci
mt	mediumtext	YES		NULL	utf8mb4_unicode_ci
bn	binary(4)	YES		NULL
vb	varbinary(16)	YES		NULL
bl	blob	YES		NULL
en	enum('text','image','it''s')	YES		NULL	utf8mb4_unicode_ci
st	set('a','b','c')	YES		NULL	utf8mb4_unicode_ci
d	date	YES		NULL
dt	datetime(3)	YES		NULL
ts	datetime(6)	YES		NULL
tm	time(2)	YES		NULL
js	longtext	YES		NULL	utf8mb4_bin
uu	uuid	YES		NULL
ip	inet6	YES		NULL
EOT

test_expect_success 'the created columns follow the documented mapping' '
	my_sql "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'c_types'"'"' ORDER BY ORDINAL_POSITION" |
		sed 1d | sed "s/	NULL\$//" >out &&
	test_cmp columns.expect out &&
	my_sql "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'c_types'"'"'" >out &&
	test_grep InnoDB out
'

digest_of() { # digest_of STREAM: the digest lines of its summary
	ferry-cat -f summary "$1" | grep "digest"  | sed "s/.*digest:* //"
}

test_expect_success 'MySQL -> MySQL into tables of the same definition: equal digests' '
	for t in types bin; do
		my_sql "SHOW CREATE TABLE $t" | sed 1d | cut -f2 |
			sed "s/^CREATE TABLE \`$t\`/CREATE TABLE \`same_$t\`/; s/\\\\n/ /g" >ddl.sql &&
		my_sql <ddl.sql || return 1
	done &&
	ferry-load "$MY_URI" --table-map types=same_types --table-map bin=same_bin -i my.ferry &&
	ferry-extract "$MY_URI" -t same_types -t same_bin --order pk -o same.ferry &&
	digest_of my.ferry >expect &&
	digest_of same.ferry >out &&
	test_cmp expect out &&
	test $(wc -l <out) -eq 3
'

test_expect_success 'the multi-row INSERT path (no LOAD DATA LOCAL) gives the same digests' '
	my_sql "CREATE TABLE ins_types LIKE same_types; CREATE TABLE ins_bin LIKE same_bin" &&
	FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_URI" \
		--table-map types=ins_types --table-map bin=ins_bin -i my.ferry &&
	ferry-extract "$MY_URI" -t ins_types -t ins_bin --order pk -o ins.ferry &&
	digest_of my.ferry >expect &&
	digest_of ins.ferry >out &&
	test_cmp expect out
'

cat >pg.expect <<\EOT
{"table":"pg_types","row":{"id":1,"b":true,"i2":-32768,"i4":2147483647,"i8":9223372036854775807,"f4":1.5,"f8":2.5,"n":"123456789.125","nn":"-0.000001000000000000000000000000","t":"tab\there\nnew line\r\nCRLF \"q\" \\ back","vc":"héllo 😀","c":"ab  ","by":"\\x00ff7f80","d":"2024-01-01","tm":"24:00:00","ts":"2024-02-29T12:34:56.789","tz":"2024-01-01T10:00:00.123456","j":"{\"b\": 1,  \"a\": [1, 2.50]}","jb":"{\"a\": [1, 2.50], \"b\": 1}","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","m":"it's","iv":"1 year 2 mons 3 days 04:05:06.5","arr":"{1,NULL,3}"}}
{"table":"pg_types","row":{"id":2,"b":false,"i2":0,"i4":0,"i8":-9223372036854775808,"f4":-1.25,"f8":1e-300,"n":"0.000","nn":"1.500000000000000000000000000000","t":"","vc":"","c":"    ","by":"\\x","d":"0001-01-01","tm":"00:00:00","ts":"0001-01-01T00:00:00","tz":"1970-01-01T00:00:00","j":"null","jb":"\"str\"","u":"00000000-0000-0000-0000-000000000000","m":"sad","iv":"-00:00:01","arr":"{}"}}
{"table":"pg_types","row":{"id":3,"b":null,"i2":null,"i4":null,"i8":null,"f4":null,"f8":null,"n":null,"nn":null,"t":null,"vc":null,"c":null,"by":null,"d":null,"tm":null,"ts":null,"tz":null,"j":null,"jb":null,"u":null,"m":null,"iv":null,"arr":null}}
EOT

test_expect_success 'PostgreSQL -> MySQL: a table of many types arrives as it left' '
	ferry-load "$MY_URI" --create --table-map types=pg_types -i pg.ferry &&
	ferry-extract "$MY_URI" -t pg_types --order pk -o pgback.ferry &&
	ferry-cat pgback.ferry >out &&
	test_cmp pg.expect out &&
	my_sql "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'pg_types'"'"' AND COLUMN_NAME IN ('"'"'i2'"'"', '"'"'i4'"'"', '"'"'f4'"'"', '"'"'nn'"'"', '"'"'vc'"'"', '"'"'by'"'"', '"'"'tz'"'"', '"'"'m'"'"') ORDER BY ORDINAL_POSITION" | sed 1d >out &&
	printf "i2\tsmallint(6)\ni4\tint(11)\nf4\tfloat\nnn\tdecimal(65,30)\nvc\tvarchar(10)\nby\tlongblob\ntz\tdatetime(6)\nm\tenum('"'"'sad'"'"','"'"'ok'"'"','"'"'it'"'"''"'"'s'"'"')\n" >expect &&
	test_cmp expect out
'

test_expect_success 'NaN, infinities and years outside 1..9999 are refused by row and column' '
	cat >special.expect <<-\EOT &&
	ferry-load: table special, row 2 (id=2), column f8: NaN cannot be stored in MySQL
	ferry-load: table special, row 2 (id=3), column f8: -Infinity cannot be stored in MySQL
	ferry-load: table special, row 2 (id=4), column n: NaN cannot be stored in MySQL
	ferry-load: table special, row 2 (id=5), column d: date '"'"'-infinity'"'"' cannot be stored in MySQL
	ferry-load: table special, row 2 (id=6), column d: date '"'"'-4712-01-01'"'"' is outside MySQL'"'"'s range (years 1 to 9999)
	ferry-load: table special, row 2 (id=7), column ts: timestamp '"'"'-0043-03-15T12:00:00'"'"' is outside MySQL'"'"'s range (years 1 to 9999)
	ferry-load: table special, row 2 (id=8), column tz: timestamptz '"'"'infinity'"'"' cannot be stored in MySQL
	ferry-load: table special, row 2 (id=9), column d: date '"'"'+10000-01-01'"'"' is outside MySQL'"'"'s range (years 1 to 9999)
	EOT
	: >err.all &&
	for k in 2 3 4 5 6 7 8 9; do
		ferry-extract "$PG_URI" -t special --where "special=id IN (1, $k)" --order pk -o sp.ferry &&
		test_expect_code 3 ferry-load "$MY_URI" --create -i sp.ferry 2>err &&
		cat err >>err.all || return 1
	done &&
	test_cmp special.expect err.all &&
	my_sql "SHOW TABLES LIKE '"'"'special'"'"'" >out &&
	test ! -s out
'

test_expect_success 'the whole PostgreSQL table is refused with exit 3 and no table is left' '
	ferry-extract "$PG_URI" -t special --order pk -o sp.ferry &&
	test_expect_code 3 ferry-load "$MY_URI" --create -i sp.ferry 2>err &&
	echo "ferry-load: table special, row 2 (id=2), column f8: NaN cannot be stored in MySQL" >expect &&
	test_cmp expect err &&
	my_sql "CREATE TABLE special (id INT PRIMARY KEY, f8 DOUBLE, n DECIMAL(10,2), d DATE, ts DATETIME, tz DATETIME); INSERT INTO special (id) VALUES (42)" &&
	test_expect_code 3 ferry-load "$MY_URI" --mode truncate -i sp.ferry 2>err &&
	test_cmp expect err &&
	my_sql "SELECT id FROM special" >out &&
	printf "id\n42\n" >expect &&
	test_cmp expect out
'

cat >kv.json <<\EOJ
[{"name": "kv", "columns": [{"name": "id", "type": "int64", "nullable": false},
  {"name": "v", "type": "text", "nullable": true}], "primary_key": ["id"]},
 {"name": "kv2", "columns": [{"name": "id", "type": "int64", "nullable": false},
  {"name": "v", "type": "text", "nullable": true}], "primary_key": ["id"]}]
EOJ

test_expect_success 'insert mode: a duplicate key is exit 4; nothing of that table is kept' '
	my_sql "CREATE TABLE kv (id INT PRIMARY KEY, v VARCHAR(20), extra INT NOT NULL DEFAULT 9);
		CREATE TABLE kv2 LIKE kv; INSERT INTO kv2 (id, v) VALUES (2, '"'"'keep'"'"')" &&
	printf "%s\n" "{\"table\":\"kv\",\"row\":{\"id\":1,\"v\":\"a\"}}" \
		"{\"table\":\"kv2\",\"row\":{\"id\":1,\"v\":\"one\"}}" \
		"{\"table\":\"kv2\",\"row\":{\"id\":2,\"v\":\"two\"}}" \
		"{\"table\":\"kv2\",\"row\":{\"id\":3,\"v\":\"three\"}}" >kv.jsonl &&
	ferry-cat --encode -S kv.json -o kv.ferry kv.jsonl &&
	for path in 0 1; do
		my_sql "DELETE FROM kv" &&
		test_expect_code 4 env FERRY_MYSQL_NO_LOCAL_INFILE=$path \
			ferry-load "$MY_URI" -i kv.ferry 2>err &&
		echo "ferry-load: table kv2: rows 1 to 3: Duplicate entry '"'"'2'"'"' for key '"'"'PRIMARY'"'"'" >expect &&
		test_cmp expect err &&
		my_sql "SELECT * FROM kv2" >out &&
		printf "id\tv\textra\n2\tkeep\t9\n" >expect &&
		test_cmp expect out &&
		my_sql "SELECT * FROM kv" >out &&
		printf "id\tv\textra\n1\ta\t9\n" >expect &&
		test_cmp expect out || return 1
	done
'

test_expect_success 'truncate mode empties the table first, in the same transaction' '
	my_sql "DELETE FROM kv2; INSERT INTO kv2 VALUES (7, '"'"'old'"'"', 1), (8, '"'"'old'"'"', 1)" &&
	grep -v "\"id\":2" kv.jsonl | ferry-cat --encode -S kv.json -o kv3.ferry &&
	ferry-load "$MY_URI" --mode truncate -i kv3.ferry &&
	my_sql "SELECT * FROM kv2" >out &&
	printf "id\tv\textra\n1\tone\t9\n3\tthree\t9\n" >expect &&
	test_cmp expect out
'

test_expect_success 'upsert mode updates rows whose key exists and leaves other columns' '
	my_sql "DELETE FROM kv2; INSERT INTO kv2 VALUES (1, '"'"'old'"'"', 5), (5, '"'"'five'"'"', 5)" &&
	for path in 0 1; do
		FERRY_MYSQL_NO_LOCAL_INFILE=$path ferry-load "$MY_URI" --mode upsert \
			--commit-every 2 --stats st.json -i kv.ferry &&
		my_sql "SELECT * FROM kv2" >out &&
		printf "id\tv\textra\n1\tone\t5\n2\ttwo\t9\n3\tthree\t9\n5\tfive\t5\n" >expect &&
		test_cmp expect out &&
		tr -d " \t\n" <st.json >st &&
		test_grep "\"table\":\"kv2\",\"rows\":3,\"rejected\":0,\"commits\":2,\"created\":false" st || return 1
	done
'

test_expect_success 'upsert: a row whose unique key another row holds stops the table, that row untouched' '
	# ON DUPLICATE KEY UPDATE would have overwritten the row of id 1 with
	# the values of id 5 and never stored id 5 (exit 0): PostgreSQL
	# refuses, and so does ferry on MySQL, before the merge
	my_sql "CREATE TABLE uqu (id INT PRIMARY KEY, name VARCHAR(20), qty INT, UNIQUE KEY uq_name (name)) COLLATE utf8mb4_general_ci;
		INSERT INTO uqu VALUES (1, '"'"'apple'"'"', 1), (2, '"'"'pear'"'"', 2)" &&
	echo "{\"name\":\"uqu\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"qty\",\"type\":\"int64\"}],\"primary_key\":[\"id\"]}" >uqu.json &&
	printf "%s\n" "{\"id\":6,\"name\":\"kiwi\",\"qty\":60}" "{\"id\":2,\"name\":\"pear\",\"qty\":20}" "{\"id\":5,\"name\":\"APPLE\",\"qty\":50}" |
		ferry-cat --encode -S uqu.json -o uqu.ferry &&
	for path in 0 1; do
		test_expect_code 4 env FERRY_MYSQL_NO_LOCAL_INFILE=$path ferry-load "$MY_URI" --mode upsert -i uqu.ferry 2>err &&
		echo "ferry-load: table uqu: row id=5: its key of unique index uq_name is held by the target'"'"'s row id=1: --mode upsert refuses it (ON DUPLICATE KEY UPDATE would overwrite that row)" >expect &&
		test_cmp expect err &&
		my_sql "SELECT * FROM uqu ORDER BY id" >out &&
		printf "id\tname\tqty\n1\tapple\t1\n2\tpear\t2\n" >expect &&
		test_cmp expect out || return 1
	done &&
	# its own row by its own key: updated, as ever
	printf "%s\n" "{\"id\":1,\"name\":\"Apple\",\"qty\":10}" | ferry-cat --encode -S uqu.json -o uqu2.ferry &&
	ferry-load "$MY_URI" --mode upsert -i uqu2.ferry &&
	my_sql "SELECT * FROM uqu ORDER BY id" >out &&
	printf "id\tname\tqty\n1\tApple\t10\n2\tpear\t2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'upsert needs a primary key; a missing table or column is a usage error' '
	echo "{\"name\":\"nokey\",\"columns\":[{\"name\":\"a\",\"type\":\"int64\",\"nullable\":true}],\"primary_key\":[]}" >nk.json &&
	echo "{\"table\":\"nokey\",\"row\":{\"a\":1}}" | ferry-cat --encode -S nk.json -o nk.ferry &&
	test_expect_code 2 ferry-load "$MY_URI" --create --mode upsert -i nk.ferry 2>err &&
	echo "ferry-load: table nokey: --mode upsert needs a primary key" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-load "$MY_URI" -i nk.ferry 2>err &&
	echo "ferry-load: table nokey: table nokey does not exist (use --create)" >expect &&
	test_cmp expect err &&
	my_sql "CREATE TABLE nokey (b INT)" &&
	test_expect_code 2 ferry-load "$MY_URI" -i nk.ferry 2>err &&
	echo "ferry-load: table nokey: table nokey has no column a" >expect &&
	test_cmp expect err &&
	my_sql "ALTER TABLE nokey ADD COLUMN A INT" &&
	ferry-load "$MY_URI" -i nk.ferry &&
	my_sql "SELECT A, b FROM nokey" >out &&
	printf "A\tb\n1\tNULL\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a value the target column refuses is exit 4 naming the row' '
	my_sql "CREATE TABLE narrow (id INT PRIMARY KEY, v VARCHAR(3))" &&
	printf "%s\n" "{\"table\":\"kv\",\"row\":{\"id\":1,\"v\":\"abc\"}}" \
		"{\"table\":\"kv\",\"row\":{\"id\":2,\"v\":\"abcd\"}}" |
		ferry-cat --encode -S kv.json -o narrow.ferry &&
	test_expect_code 4 ferry-load "$MY_URI" --table-map kv=narrow -i narrow.ferry 2>err &&
	echo "ferry-load: table narrow: row 2: Data truncated for column '"'"'v'"'"'" >expect &&
	test_cmp expect err &&
	test_expect_code 4 env FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_URI" --table-map kv=narrow -i narrow.ferry 2>err &&
	echo "ferry-load: table narrow: row 2: Data too long for column '"'"'v'"'"'" >expect &&
	test_cmp expect err &&
	my_sql "SELECT COUNT(*) FROM narrow" >out &&
	test_grep 0 out
'

test_expect_success 'setup: a table of 20 MiB, more than one LOAD DATA' '
	my_sql "CREATE TABLE large (id INT PRIMARY KEY, pad TEXT);
		INSERT INTO large SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_20000" &&
	ferry-extract "$MY_URI" -t large -o large.ferry &&
	my_sql "CREATE TABLE large2 LIKE large; INSERT INTO large2 VALUES (1, '"'"'before'"'"'), (99999, '"'"'before'"'"')"
'

test_expect_success 'a stream cut short mid-table: exit 3, rolled back, table unchanged' '
	size=$(wc -c <large.ferry) &&
	head -c $((size * 3 / 4)) large.ferry >cut.ferry &&
	for path in 0 1; do
		test_expect_code 3 env FERRY_MYSQL_NO_LOCAL_INFILE=$path \
			ferry-load "$MY_URI" --mode truncate --table-map large=large2 -i cut.ferry 2>err &&
		test_grep "truncated" err &&
		my_sql "SELECT * FROM large2 ORDER BY id" >out &&
		printf "id\tpad\n1\tbefore\n99999\tbefore\n" >expect &&
		test_cmp expect out || return 1
	done
'

test_expect_success 'the whole table loads in several statements with equal digests' '
	ferry-load "$MY_URI" --mode truncate --table-map large=large2 -i large.ferry &&
	ferry-extract "$MY_URI" -t large2 -o large2.ferry &&
	digest_of large.ferry >expect &&
	digest_of large2.ferry >out &&
	test_cmp expect out
'

test_expect_success '--commit-every keeps what was committed before a cut' '
	my_sql "DELETE FROM large2" &&
	test_expect_code 3 ferry-load "$MY_URI" --commit-every 1000 --table-map large=large2 -i cut.ferry 2>err &&
	my_sql "SELECT COUNT(*) % 1000, COUNT(*) > 0 FROM large2" >out &&
	printf "COUNT(*) %% 1000\tCOUNT(*) > 0\n0\t1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'identifiers that need quoting: tables and columns, every mode' '
	my_sql "CREATE TABLE \`select\` (\`id\` INT PRIMARY KEY, \`a col\` TEXT, \`it\"s\` INT, \`back\`\`tick\` BIT(8));
		INSERT INTO \`select\` VALUES (1, '"'"'x'"'"', 2, 3), (2, NULL, NULL, NULL)" &&
	ferry-extract "$MY_URI" -t select --order pk -o s.ferry &&
	ferry-load "$MY_URI" --create --table-map "select=we\`ird \"name\"" -i s.ferry &&
	ferry-load "$MY_URI" --mode upsert --table-map "select=we\`ird \"name\"" -i s.ferry &&
	FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_URI" --mode upsert --table-map "select=we\`ird \"name\"" -i s.ferry &&
	ferry-load "$MY_URI" --mode truncate --table-map "select=we\`ird \"name\"" -i s.ferry &&
	ferry-extract "$MY_URI" -t "we\`ird \"name\"" --order pk -o s2.ferry &&
	digest_of s.ferry >expect &&
	digest_of s2.ferry >out &&
	test_cmp expect out &&
	my_sql "CREATE TABLE sel2 LIKE \`select\`" &&
	ferry-load "$MY_URI" --table-map select=sel2 -i s.ferry &&
	ferry-extract "$MY_URI" -t sel2 --order pk -o s3.ferry &&
	digest_of s3.ferry >out &&
	test_cmp expect out
'

test_expect_success 'values of 1 MiB and more come through whole' '
	my_sql "CREATE TABLE big (id INT PRIMARY KEY, body MEDIUMTEXT, blob_ MEDIUMBLOB);
		INSERT INTO big VALUES (1, REPEAT('"'"'é'"'"', 524288), REPEAT(0x005C0A09, 524288)),
			(2, REPEAT('"'"'\\\\'"'"', 1048576), NULL)" &&
	ferry-extract "$MY_URI" -t big -o big.ferry &&
	for path in 0 1; do
		my_sql "DROP TABLE IF EXISTS big2" &&
		FERRY_MYSQL_NO_LOCAL_INFILE=$path ferry-load "$MY_URI" --create --table-map big=big2 -i big.ferry &&
		my_sql "SELECT id, LENGTH(body), CHAR_LENGTH(body), LENGTH(blob_) FROM big2 ORDER BY id" >out &&
		printf "id\tLENGTH(body)\tCHAR_LENGTH(body)\tLENGTH(blob_)\n1\t1048576\t524288\t2097152\n2\t1048576\t1048576\tNULL\n" >expect &&
		test_cmp expect out &&
		ferry-extract "$MY_URI" -t big2 -o big2.ferry &&
		digest_of big.ferry >expect &&
		digest_of big2.ferry >out &&
		test_cmp expect out || return 1
	done
'

test_expect_success 'a target that is not there or refuses the login is exit 4' '
	test_expect_code 4 ferry-load "mysql://nobody@localhost/$TEST_DB?socket=$FERRY_TEST_MYSQL_SOCKET" -i kv.ferry 2>err &&
	test_grep "ferry-load: cannot connect to" err
'


test_expect_success 'rejects: refused rows are set aside with their reason, the rest loads' '
	my_sql "CREATE TABLE rj (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL CHECK (name <> '"'"'bad'"'"'), note VARCHAR(3));
		INSERT INTO rj VALUES (2, '"'"'already'"'"', NULL)" &&
	echo "{\"name\":\"rj\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"note\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}" >rj.json &&
	for i in $(seq 1 2500); do echo "{\"id\":$i,\"name\":\"n$i\",\"note\":null}"; done |
		sed -e "s/\"n77\"/\"bad\"/" -e "s/\"n1500\"/null/" >rj.jsonl &&
	ferry-cat --encode -S rj.json -o rj.ferry rj.jsonl &&
	ferry-load "$MY_URI" -i rj.ferry --rejects rejects.ferry --stats st.json 2>err &&
	echo "ferry-load: 3 rows rejected, set aside in rejects.ferry" >expect &&
	test_cmp expect err &&
	my_sql "SELECT COUNT(*), SUM(id) FROM rj" | sed 1d >n &&
	printf "2498\t%s\n" $((2500 * 2501 / 2 - 77 - 1500)) >expect && test_cmp expect n &&
	ferry-cat -f tsv rejects.ferry >rej.tsv &&
	cut -f1,4 rej.tsv >out &&
	printf "%s\n" "id	ferry_reject_reason" \
		"2	Duplicate entry '"'"'2'"'"' for key '"'"'PRIMARY'"'"'" \
		"77	CONSTRAINT \`rj.name\` failed for \`$TEST_DB\`.\`rj\`" \
		"1500	Column '"'"'name'"'"' cannot be null" >expect &&
	test_cmp expect out &&
	tr -d " \t\n" <st.json >st &&
	test_grep "\"table\":\"rj\",\"rows\":2497,\"rejected\":3,\"commits\":1,\"created\":false" st
'

test_expect_success 'rejects past --max-rejects: exit 6, the table rolled back' '
	my_sql "DELETE FROM rj WHERE id <> 2" &&
	test_expect_code 6 ferry-load "$MY_URI" -i rj.ferry --rejects rejects.ferry --max-rejects 2 2>err &&
	printf "%s\n" "ferry-load: 3 rows rejected, set aside in rejects.ferry" \
		"ferry-load: table rj: 3 rows rejected, more than --max-rejects 2 (the last: Column '"'"'name'"'"' cannot be null)" >expect &&
	test_cmp expect err &&
	my_sql "SELECT COUNT(*) FROM rj" | sed 1d >n && echo 1 >expect && test_cmp expect n &&
	ferry-cat --check rejects.ferry >out &&
	test_grep "ok, 1 tables, 3 rows" out
'

test_expect_success '--rejects with --create: a key twice in the stream is a refused row' '
	(cat rj.jsonl; echo "{\"id\":5,\"name\":\"again\",\"note\":null}") >dup.jsonl &&
	ferry-cat --encode -S rj.json -o dup.ferry dup.jsonl &&
	ferry-load "$MY_URI" --create --table-map rj=rj2 -i dup.ferry --rejects rej2.ferry 2>err &&
	ferry-cat -f tsv rej2.ferry >rej.tsv &&
	cut -f1,4 rej.tsv | sed 1d >out &&
	printf "5\tDuplicate entry '"'"'5'"'"' for key '"'"'PRIMARY'"'"'\n" >expect &&
	test_cmp expect out &&
	my_sql "SELECT COUNT(*), name FROM rj2 WHERE id = 5" | sed 1d >v &&
	printf "1\tn5\n" >expect && test_cmp expect v
'

test_expect_success '--rejects past --max-rejects drops the table --create made' '
	test_expect_code 6 ferry-load "$MY_URI" --create --table-map rj=rj3 -i dup.ferry --rejects rej3.ferry --max-rejects 0 2>err &&
	test_grep "ferry-load: table rj3: 1 rows rejected, more than --max-rejects 0" err &&
	my_sql "SHOW TABLES LIKE '"'"'rj3'"'"'" >out &&
	test ! -s out &&
	ferry-cat --check rej3.ferry >out &&
	test_grep "ok, 1 tables, 1 rows" out
'

test_expect_success '--rejects with --commit-every and truncate: a value too long is set aside' '
	my_sql "CREATE TABLE rjn (id BIGINT PRIMARY KEY, name VARCHAR(20), note VARCHAR(3));
		INSERT INTO rjn VALUES (9999, '"'"'old'"'"', NULL)" &&
	sed "s/\"id\":2000,\"name\":\"n2000\",\"note\":null/\"id\":2000,\"name\":\"n2000\",\"note\":\"four\"/" rj.jsonl |
		ferry-cat --encode -S rj.json -o long.ferry &&
	ferry-load "$MY_URI" --mode truncate --commit-every 700 --table-map rj=rjn \
		-i long.ferry --rejects rej4.ferry --stats st.json 2>err &&
	echo "ferry-load: 1 rows rejected, set aside in rej4.ferry" >expect &&
	test_cmp expect err &&
	ferry-cat -f tsv rej4.ferry >rej.tsv &&
	cut -f1,3,4 rej.tsv | sed 1d >out &&
	printf "2000\tfour\tData too long for column '"'"'note'"'"'\n" >expect &&
	test_cmp expect out &&
	my_sql "SELECT COUNT(*), MAX(id), SUM(id = 2000) FROM rjn" | sed 1d >n &&
	printf "2499\t2500\t0\n" >expect && test_cmp expect n &&
	tr -d " \t\n" <st.json >st &&
	test_grep "\"table\":\"rjn\",\"rows\":2499,\"rejected\":1,\"commits\":4,\"created\":false" st
'

test_expect_success '--rejects: a value MySQL cannot hold is a refused row, set aside with its reason' '
	ferry-load "$MY_URI" --mode truncate -i sp.ferry --rejects rej5.ferry 2>err &&
	test_grep "8 rows rejected" err &&
	ferry-cat -f jsonl rej5.ferry >rj.jsonl &&
	grep "\"id\":2," rj.jsonl >row2 &&
	test_grep "\"ferry_reject_reason\":\"column f8: NaN cannot be stored in MySQL\"" row2 &&
	my_sql "SELECT id FROM special" >out &&
	printf "id\n1\n" >expect &&
	test_cmp expect out
'

test_done
