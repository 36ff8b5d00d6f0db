#!/bin/sh
# Every MariaDB 10.11 data type, at its edges, in one table: integers of
# each width signed and unsigned (ZEROFILL too), BOOLEAN, DECIMAL(65,30),
# FLOAT, DOUBLE, BIT(1) and BIT(64), each text and blob width, TIME as a
# duration, YEAR, DATE, DATETIME(6), TIMESTAMP, INET4, INET6, UUID, JSON,
# the eight spatial types, text in latin1, cp1251, gbk, big5, sjis,
# utf8mb3, ascii, ucs2 and utf16, and VARCHAR of the binary set.  It
# moves to PostgreSQL and to MariaDB by --create, --check agreeing, and
# ferry-verify calls each copy equal; then back from PostgreSQL.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >all.sql <<\EOSQL
CREATE TABLE allm (
 id INT PRIMARY KEY,
 c_bool BOOLEAN, c_zf INT(5) ZEROFILL, c_tiu TINYINT UNSIGNED, c_miu MEDIUMINT UNSIGNED, c_iu INT UNSIGNED,
 c_dec DECIMAL(65,30), c_decu DECIMAL(10,2) UNSIGNED, c_fl FLOAT, c_fl2 FLOAT(10,3), c_dbl DOUBLE(12,4), c_bit1 BIT(1), c_bit64 BIT(64),
 c_tt TINYTEXT, c_lt LONGTEXT, c_tb TINYBLOB, c_mb MEDIUMBLOB, c_lb LONGBLOB,
 c_time TIME(6), c_year YEAR, c_dt6 DATETIME(6), c_ts TIMESTAMP NULL, c_date DATE,
 c_inet4 INET4, c_inet6 INET6, c_uuid UUID, c_json JSON,
 c_geom GEOMETRY, c_pt POINT, c_ls LINESTRING, c_poly POLYGON, c_mpt MULTIPOINT, c_mls MULTILINESTRING, c_mpoly MULTIPOLYGON, c_gc GEOMETRYCOLLECTION,
 c_latin1 VARCHAR(20) CHARACTER SET latin1, c_cp1251 VARCHAR(20) CHARACTER SET cp1251, c_gbk VARCHAR(20) CHARACTER SET gbk,
 c_big5 VARCHAR(20) CHARACTER SET big5, c_sjis VARCHAR(20) CHARACTER SET sjis,
 c_utf8mb3 VARCHAR(20) CHARACTER SET utf8mb3, c_ascii VARCHAR(20) CHARACTER SET ascii, c_ucs2 VARCHAR(20) CHARACTER SET ucs2, c_utf16 VARCHAR(20) CHARACTER SET utf16,
 c_binvc VARCHAR(20) CHARACTER SET binary
) DEFAULT CHARSET=utf8mb4;
INSERT INTO allm VALUES
 (1, TRUE, 42, 255, 16777215, 4294967295,
  '12345678901234567890123456789012345.123456789012345678901234567891', 99999999.99, 3.4028235e38, 1234567.125, 12345678.1234, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
  'tiny ☃', REPEAT('long ', 100), 0x00FF, 0x01020304, 0xCAFE,
  '838:59:59.999999', 2155, '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '9999-12-31',
  '255.255.255.255', 'ffff::1', '123e4567-e89b-12d3-a456-426614174000', '{"a": [1, 2.5, null], "b": "\\u00e9"}',
  ST_GeomFromText('POINT(1 2)', 4326), ST_GeomFromText('POINT(-71.06 42.36)'), ST_GeomFromText('LINESTRING(0 0,1 1,2 0)'),
  ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))'), ST_GeomFromText('MULTIPOINT(0 0,1 1)'),
  ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'),
  ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'),
  'café €', 'Привет', '你好世界', '中文字', 'ｶﾀｶﾅ日本', 'BMP ☃', 'plain', 'ucs ☃', 'utf16 😀', 0x00FF),
 (2, FALSE, 0, 0, 0, 0,
  '-0.000000000000000000000000000001', 0, -1.17549435e-38, -0.001, -0.0001, b'0', b'0',
  '', '', '', '', '',
  '-838:59:59.999999', 1901, '1000-01-01 00:00:00', '1970-01-01 00:00:01', '1000-01-01',
  '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000', '[]',
  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'), ST_GeomFromText('POINT(0 0)', 3857), ST_GeomFromText('LINESTRING(0 0,0 0)'),
  ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), ST_GeomFromText('MULTIPOINT(0 0)'),
  ST_GeomFromText('MULTILINESTRING((0 0,1 1))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))'),
  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'),
  '', '', '', '', '', '', '', '', '', ''),
 (3, NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
EOSQL

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db && my_sql <all.sql &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	pg_in "${TEST_DB}_to" -c "CREATE EXTENSION postgis" &&
	for d in to back; do
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" || return 1
	done &&
	test "$(my_sql "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"allm\"" | sed 1d)" -eq 45
'

test_expect_success 'the whole table extracts: no column refused' '
	ferry-extract "$MY_URI" -t allm -o all.ferry 2>err &&
	test_grep "column c_time: TIME values outside a day" err &&
	ferry-cat -f summary all.ferry >sum &&
	test "$(grep -c "^  column " sum)" -eq 45 &&
	test_grep "rows: 3" sum
'

test_expect_success 'MariaDB -> PostgreSQL (PostGIS): --check and load agree, verify equal' '
	ferry-load "$TO" --create --check <all.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$TO" --create <all.ferry 2>err &&
	ferry-verify -t allm "$MY_URI" "$TO" >out &&
	test_grep "allm: A 3 rows, B 3 rows: equal" out
'

test_expect_success 'MariaDB -> MariaDB: --check and load agree, verify equal' '
	ferry-load "$MY_TO" --create --check <all.ferry >check.out &&
	test_grep "check: a load would go through" check.out &&
	ferry-load "$MY_TO" --create <all.ferry 2>err &&
	ferry-verify -t allm "$MY_URI" "$MY_TO" >out &&
	test_grep "allm: A 3 rows, B 3 rows: equal" out
'

test_expect_success '... and back from PostgreSQL to MariaDB: equal to the source' '
	ferry-extract "$TO" -t allm -o back.ferry &&
	ferry-load "$MY_BACK" --create <back.ferry 2>err &&
	ferry-verify -t allm "$MY_URI" "$MY_BACK" >out &&
	test_grep "allm: A 3 rows, B 3 rows: equal" out
'

test_done
