#!/bin/sh
# An agreement corpus for ferry-verify: it never calls different data
# equal, nor equal data different.
#
# For each engine pair (mp: MariaDB -> PostgreSQL, pm: PostgreSQL ->
# MariaDB, pp: PostgreSQL -> PostgreSQL, mm: MariaDB -> MariaDB) base
# tables of many typed columns are made on side A and copied to side B by
# ferry itself.  Each case of planted.txt then makes exactly one change on
# one side, runs ferry-verify -t TABLE A B, wants exit 1 and exactly the
# output that names that change (the key, the column, both values, the
# counts), and puts the side back as it was; a few edits change nothing
# ferry-verify may see (JSON key order, the same instant in another zone)
# and want exit 0.  The tables of equal.txt are spelled by each engine its
# own way (a TINYINT(1) 1 and a true, 5.00 and 5, JSON in another key
# order, a view and a table ...), and ferry-verify must call them equal.
# A case ferry-verify gets wrong stays as it should be: its test fails,
# and its lines on the standard error (FERRY_TEST_VERBOSE) start with
# WRONG.  The last line of the output counts the cases.
. "$(dirname "$0")/lib.sh"
test_need_db

# --- the data ---------------------------------------------------------------

# side A of mp and mm (MariaDB): c, ck, lv (values of 64 KiB and more,
# which ferry-verify hashes) and du (TIME durations), copied to B by ferry
cat >my.sql <<\EOSQL
SET time_zone = '+00:00';
CREATE TABLE c (
  id INT PRIMARY KEY, n INT, bi BIGINT, s VARCHAR(40), tx TEXT,
  ci VARCHAR(40) COLLATE utf8mb4_unicode_ci UNIQUE, ch CHAR(5),
  d DOUBLE, f FLOAT, m DECIMAL(10,2), mb DECIMAL(30,10), u BIGINT UNSIGNED,
  ts DATETIME(6), tz TIMESTAMP(6) NULL, dt DATE, tm TIME(6), js JSON,
  e ENUM('red','green','blue'), b TINYINT(1), bl VARBINARY(16), uu UUID,
  st SET('a','b','c'));
INSERT INTO c VALUES
 (1, 10, 9223372036854775807, 'hello', 'a\nb', 'Alice', 'ab', 1.5, 1.1, 5.00,
  12345678901234567890.1234567891, 18446744073709551615,
  '2024-01-01 10:00:00.000001', '2024-01-01 10:00:00.5', '2024-02-29',
  '23:59:59.999999', '{"b": 1, "a": [1, 2.50]}', 'red', 1, X'00FF10',
  '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3', 'a,b'),
 (2, 0, 0, '', 'it''s', 'bob', '', 0.0, 0, 0.01, 0, 0,
  '1999-12-31 23:59:59', '2000-01-01 00:00:00', '2000-01-01', '00:00:00',
  '[]', 'green', 0, X'', 'ffffffff-ffff-4fff-bfff-ffffffffffff', ''),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, -7, -9223372036854775808, 'smile 😀 ok', 'back\\slash', 'Émile', 'x',
  -2.25, -0.5, -123.45, -0.0000000001, 9223372036854775808,
  '2038-01-19 03:14:08', '2038-01-19 03:14:07.999999', '1970-01-01',
  '12:00:00', '{"k": "v", "n": null, "big": 123456789012345678901234567890}',
  'blue', 1, X'DEADBEEF', '00000000-0000-1000-8000-000000000000', 'c');
CREATE TABLE lv (id INT PRIMARY KEY, t LONGTEXT, bl LONGBLOB);
INSERT INTO lv VALUES (1, REPEAT('abcdefghij', 10000), REPEAT(X'00FF', 35000)),
 (2, REPEAT('a', 65536), REPEAT(X'01', 65535)), (3, 'short', X'00');
CREATE TABLE du (id INT PRIMARY KEY, t TIME(6));
INSERT INTO du VALUES (1, '838:59:59'), (2, '-01:00:00.5'), (3, '24:00:00'),
 (4, '12:00:00'), (5, NULL);
CREATE TABLE ck (k VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, v INT);
INSERT INTO ck VALUES ('Alice', 1), ('bob', 2), ('Carol', 3);
EOSQL

# side A of pm and pp (PostgreSQL): p and lv, copied to B by ferry
cat >pg.sql <<\EOSQL
SET TimeZone = 'UTC';
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE p (
  id int PRIMARY KEY, n bigint, s text, ch character(5),
  d double precision, r real, m numeric(10,2), big numeric(30,10),
  u numeric(20,0) CHECK (u >= 0),
  ts timestamp(6), tz timestamptz, dt date, tm time, jb jsonb, j json,
  e mood, b boolean, bin bytea, uu uuid, iv interval, dom posint, ci citext);
INSERT INTO p VALUES
 (1, 9223372036854775807, 'hello', 'ab', 1.5, 1.1, 5.00,
  12345678901234567890.1234567891, 18446744073709551615,
  '2024-01-01 10:00:00.000001', '2024-01-01 10:00:00.5+00', '2024-02-29',
  '23:59:59.999999', '{"b": 1, "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}',
  'ok', true, '\x00ff10', '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3',
  '1 day 02:03:04', 5, 'Alice'),
 (2, 0, '', '', 0.0, 0, 0.01, 0, 0, '1999-12-31 23:59:59',
  '2000-01-01 00:00:00+00', '2000-01-01', '00:00:00', '[]', '[]', 'sad',
  false, '\x', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '0', 1, 'bob'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, -9223372036854775808, 'smile 😀 ok', 'x', -2.25, -0.5, -123.45,
  -0.0000000001, 9223372036854775808, '2038-01-19 03:14:08',
  '1969-12-31 23:59:59.999999+00', '1970-01-01', '12:00', '{"k": "v", "n": null}',
  '"s"', 'happy', true, '\xdeadbeef', '00000000-0000-1000-8000-000000000000',
  '-1 mons', 2147483647, 'Émile');
CREATE TABLE lv (id int PRIMARY KEY, t text, bl bytea);
INSERT INTO lv VALUES (1, repeat('abcdefghij', 10000), decode(repeat('00ff', 35000), 'hex')),
 (2, repeat('a', 65536), decode(repeat('01', 65535), 'hex')), (3, 'short', '\x00');
EOSQL

# The planted differences, one a line:
#   PAIR|TABLE|ROWS|SIDE|SQL|WANT
# SQL runs on SIDE (a or b) of PAIR, whose TABLE has ROWS rows on each side
# before it; WANT is the difference lines ferry-verify must print, without
# their two leading blanks, separated by " @@ ", or "equal" for an edit
# that changes nothing ferry-verify may see.  The counts and row numbers of
# the table line follow from WANT; ROWS ending in k is a table without a
# primary key on A, compared by its sorted rows.  Keys are written as the
# manual says: numbers (a decimal too) bare, text, dates, uuids quoted.
cat >planted.txt <<\EOCASES
# MariaDB -> PostgreSQL: the plant is on the PostgreSQL side but where said
mp|c|4|b|UPDATE c SET n = 11 WHERE id = 1|changed: id=1 n: A '10' B '11'
mp|c|4|b|DELETE FROM c WHERE id = 2|missing in B: id=2
mp|c|4|b|INSERT INTO c (id) VALUES (5)|extra in B: id=5
mp|c|4|b|UPDATE c SET s = '' WHERE id = 3|changed: id=3 s: A NULL B ''
mp|c|4|b|UPDATE c SET s = NULL WHERE id = 2|changed: id=2 s: A '' B NULL
mp|c|4|b|UPDATE c SET n = 0 WHERE id = 3|changed: id=3 n: A NULL B '0'
mp|c|4|b|UPDATE c SET s = 'NULL' WHERE id = 3|changed: id=3 s: A NULL B 'NULL'
mp|c|4|b|UPDATE c SET s = 'hello ' WHERE id = 1|changed: id=1 s: A 'hello' B 'hello '
mp|c|4|b|UPDATE c SET d = '-0' WHERE id = 2|changed: id=2 d: A '0' B '-0'
mp|c|4|b|UPDATE c SET f = '-0' WHERE id = 2|changed: id=2 f: A '0' B '-0'
mp|c|4|b|UPDATE c SET d = 'NaN' WHERE id = 1|changed: id=1 d: A '1.5' B 'NaN'
mp|c|4|b|UPDATE c SET f = 'NaN' WHERE id = 4|changed: id=4 f: A '-0.5' B 'NaN'
mp|c|4|b|UPDATE c SET d = 'Infinity' WHERE id = 4|changed: id=4 d: A '-2.25' B 'Infinity'
mp|c|4|b|UPDATE c SET ts = ts + interval '1 microsecond' WHERE id = 1|changed: id=1 ts: A '2024-01-01T10:00:00.000001' B '2024-01-01T10:00:00.000002'
mp|c|4|b|UPDATE c SET tz = tz - interval '1 microsecond' WHERE id = 2|changed: id=2 tz: A '2000-01-01T00:00:00Z' B '1999-12-31T23:59:59.999999Z'
mp|c|4|b|UPDATE c SET dt = dt + 1 WHERE id = 1|changed: id=1 dt: A '2024-02-29' B '2024-03-01'
mp|c|4|b|UPDATE c SET tm = '23:59:59.999998' WHERE id = 1|changed: id=1 tm: A '23:59:59.999999' B '23:59:59.999998'
mp|c|4|b|UPDATE c SET s = 'Hello' WHERE id = 1|changed: id=1 s: A 'hello' B 'Hello'
mp|c|4|b|UPDATE c SET ci = 'alice' WHERE id = 1|changed: id=1 ci: A 'Alice' B 'alice'
mp|c|4|b|UPDATE c SET tx = E'a\r\nb' WHERE id = 1|changed: id=1 tx: A 'a\nb' B 'a\r\nb'
mp|c|4|b|UPDATE c SET tx = 'its' WHERE id = 2|changed: id=2 tx: A 'it\'s' B 'its'
mp|c|4|b|UPDATE c SET js = '{"b": 1, "a": [1, 2.51]}' WHERE id = 1|changed: id=1 js: A '{"b": 1, "a": [1, 2.50]}' B '{"a": [1, 2.51], "b": 1}'
mp|c|4|b|UPDATE c SET js = '{"a": [1, 2.5], "b": 1.0}' WHERE id = 1|equal
mp|c|4|b|UPDATE c SET js = '{"a": [1, 2.5], "b": "1"}' WHERE id = 1|changed: id=1 js: A '{"b": 1, "a": [1, 2.50]}' B '{"a": [1, 2.5], "b": "1"}'
mp|c|4|b|UPDATE c SET js = 'null' WHERE id = 3|changed: id=3 js: A NULL B 'null'
mp|c|4|b|UPDATE c SET js = '{}' WHERE id = 2|changed: id=2 js: A '[]' B '{}'
mp|c|4|b|UPDATE c SET js = '{"k": "v", "n": null, "big": 123456789012345678901234567891}' WHERE id = 4|changed: id=4 js: A '{"k": "v", "n": null, "big": 123456789012345678901234567890}' B '{"k": "v", "n": null, "big": 123456789012345678901234567891}'
mp|c|4|b|UPDATE c SET e = 'blue' WHERE id = 1|changed: id=1 e: A 'red' B 'blue'
mp|c|4|b|UPDATE c SET b = false WHERE id = 1|changed: id=1 b: A 'true' B 'false'
mp|c|4|b|UPDATE c SET b = NULL WHERE id = 2|changed: id=2 b: A 'false' B NULL
mp|c|4|b|UPDATE c SET m = 5.01 WHERE id = 1|changed: id=1 m: A '5.00' B '5.01'
mp|c|4|b|UPDATE c SET mb = 12345678901234567890.1234567892 WHERE id = 1|changed: id=1 mb: A '12345678901234567890.1234567891' B '12345678901234567890.1234567892'
mp|c|4|b|UPDATE c SET bi = 9223372036854775806 WHERE id = 1|changed: id=1 bi: A '9223372036854775807' B '9223372036854775806'
mp|c|4|b|UPDATE c SET bl = '\x00ff11' WHERE id = 1|changed: id=1 bl: A '\\x00ff10' B '\\x00ff11'
mp|c|4|b|UPDATE c SET bl = '\xdeadbeef00' WHERE id = 4|changed: id=4 bl: A '\\xdeadbeef' B '\\xdeadbeef00'
mp|c|4|b|UPDATE c SET bl = NULL WHERE id = 2|changed: id=2 bl: A '\\x' B NULL
mp|c|4|b|UPDATE c SET uu = '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d4' WHERE id = 1|changed: id=1 uu: A '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3' B '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d4'
mp|c|4|b|UPDATE c SET s = 'smile 😁 ok' WHERE id = 4|changed: id=4 s: A 'smile 😀 ok' B 'smile 😁 ok'
mp|c|4|b|UPDATE c SET u = 18446744073709551614 WHERE id = 1|changed: id=1 u: A '18446744073709551615' B '18446744073709551614'
mp|c|4|b|UPDATE c SET f = 1.1000001 WHERE id = 1|changed: id=1 f: A '1.100000023841858' B '1.1000001430511475'
mp|c|4|b|UPDATE c SET st = '{a}' WHERE id = 1|changed: id=1 st: A 'a,b' B 'a'
mp|ck|3|b|UPDATE ck SET k = 'Bob' WHERE k = 'bob'|extra in B: k='Bob' @@ missing in B: k='bob'
mp|e01|3|b|UPDATE e01 SET v = false WHERE id = 1|changed: id=1 v: A 'true' B 'false'
mp|e02|3|a|UPDATE e02 SET v = 7 WHERE id = 1|changed: id=1 v: A '7' B 'true'
mp|e03|4|b|UPDATE e03 SET v = 5.001 WHERE id = 1|changed: id=1 v: A '5.00' B '5.001'
mp|e04|2|a|UPDATE e04 SET v = 5.01 WHERE id = 1|changed: id=1 v: A '5.01' B '5'
mp|e06|2|b|UPDATE e06 SET v = '{"a":2.5,"b":[5e-1,1E3]}' WHERE id = 1|changed: id=1 v: A '{"b": [0.5, 100], "a": 2.50}' B '{"a":2.5,"b":[5e-1,1E3]}'
mp|e09|2|b|UPDATE e09 SET v = v + interval '1 microsecond' WHERE id = 1|changed: id=1 v: A '2024-06-01T10:00:00.25Z' B '2024-06-01T10:00:00.250001Z'
mp|e11|3|b|UPDATE e11 SET v = 'a' WHERE id = 3|changed: id=3 v: A ' a' B 'a    '
mp|e13|2|a|UPDATE e13 SET v = UPPER(v) WHERE id = 1|changed: id=1 v: A '0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3' B '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'
mp|e14|3|b|UPDATE e14 SET v = 'mid' WHERE id = 1|changed: id=1 v: A 'low' B 'mid'
mp|e16|3|b|UPDATE e16 SET v = '{x}' WHERE id = 1|changed: id=1 v: A 'x,z' B 'x'
mp|e17|2k|b|UPDATE e17 SET n = 11 WHERE id = 1|missing in B: id=1, n=10 @@ extra in B: id=1, n=11
mp|e19|2|b|UPDATE e19 SET id = 42.5 WHERE id = 42|missing in B: id=42 @@ extra in B: id=42.500
mp|e20|3|b|UPDATE e20 SET v = 9 WHERE v = 1|changed: id='f0000000-0000-4000-8000-000000000001' v: A '1' B '9'
mp|e27|3|b|UPDATE e27 SET v = 4 WHERE k = 'mm'|changed: k='mm' v: A '3' B '4'
mp|e27|3|b|DELETE FROM e27 WHERE k = 'aa'|missing in B: k='aa'
mp|e28|4|b|UPDATE e28 SET v = 5 WHERE v = 4|changed: id='00000000-0001-1000-8000-000000000000' v: A '4' B '5'
mp|e28|4|b|INSERT INTO e28 VALUES ('00000000-0000-1000-8000-000000000003', 9)|extra in B: id='00000000-0000-1000-8000-000000000003'
mp|e29|1|b|UPDATE e29 SET v = '[2e400, 0.1, 9007199254740993]' WHERE id = 1|changed: id=1 v: A '[1e400, 0.1, 9007199254740993]' B '[2000000000000000000000000000000000000000000000000000000000000000000000000000000...' (426 bytes)
mp|e29|1|b|UPDATE e29 SET v = '[1e400, 0.1, 9007199254740992]' WHERE id = 1|changed: id=1 v: A '[1e400, 0.1, 9007199254740993]' B '[1000000000000000000000000000000000000000000000000000000000000000000000000000000...' (426 bytes)
mp|e23|4|b|UPDATE e23 SET v = 5 WHERE g = 10|changed: g=10, k='a' v: A '4' B '5'
mp|e23|4|b|UPDATE e23 SET k = 'A' WHERE v = 3|extra in B: g=2, k='A' @@ missing in B: g=2, k='a'
mp|e26|3|b|INSERT INTO e26 VALUES (9223372036854775809, 3)|extra in B: id=9223372036854775809
mp|f1|5|b|UPDATE f1 SET v = 4.9e-324 WHERE id = 1|equal
mp|f1|5|b|UPDATE f1 SET v = 1e-323 WHERE id = 1|changed: id=1 v: A '5e-324' B '1e-323'
mp|f1|5|b|UPDATE f1 SET v = 0.3 WHERE id = 3|changed: id=3 v: A '0.30000000000000004' B '0.3'
mp|f1|5|b|UPDATE f1 SET v = 'Infinity' WHERE id = 2|changed: id=2 v: A '1.7976931348623157e+308' B 'Infinity'
mp|f2|2|b|UPDATE f2 SET v = -0.000000000000000000000000000002 WHERE id = 2|changed: id=2 v: A '-0.000000000000000000000000000001' B '-0.000000000000000000000000000002'
mp|f2|2|b|UPDATE f2 SET v = 12345678901234567890123456789012345.123456789012345678901234567891 WHERE id = 1|changed: id=1 v: A '12345678901234567890123456789012345.123456789012345678901234567890' B '12345678901234567890123456789012345.123456789012345678901234567891'
mp|f4|1|b|UPDATE f4 SET v = '{"e": 2, "è": [true, false, null], "é": 2}' WHERE id = 1|changed: id=1 v: A '{"é": 1, "e": 2, "\\u00e8": [true, false, null]}' B '{"e": 2, "è": [true, false, null], "é": 2}'
mp|f6|1|b|UPDATE f6 SET v = concat(repeat('x', 79), '😀b') WHERE id = 1|changed: id=1 v: A 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' B 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'
mp|f7|3|b|UPDATE f7 SET at = at + interval '1 microsecond' WHERE v = 2|missing in B: at='1999-12-31T23:59:59' @@ extra in B: at='1999-12-31T23:59:59.000001Z'
mp|f8|2|b|UPDATE f8 SET v = 3 WHERE b|changed: b=true v: A '2' B '3'
mp|f9|2k|b|UPDATE f9 SET v = '-0' WHERE id = 1|missing in B: id=1, v=0 @@ extra in B: id=1, v=-0
mp|f9|2k|b|UPDATE f9 SET v = 'NaN' WHERE id = 2|missing in B: id=2, v=1.5 @@ extra in B: id=2, v=NaN
mp|f10|2k|b|UPDATE f10 SET v = 'aB' WHERE id = 1|extra in B: id=1, v='aB' @@ missing in B: id=1, v='ab'
mp|f11|3|b|UPDATE f11 SET v = 9 WHERE k = 'C'|changed: k='C' v: A '3' B '9'
mp|du|5|b|UPDATE du SET t = '838:59:58' WHERE id = 1|changed: id=1 t: A '838:59:59.000000' B '838:59:58'
mp|du|5|b|UPDATE du SET t = '1 day' WHERE id = 3|changed: id=3 t: A '24:00:00.000000' B '1 day'
mp|du|5|b|UPDATE du SET t = t - interval '1 microsecond' WHERE id = 2|changed: id=2 t: A '-01:00:00.500000' B '-01:00:00.500001'
mp|f15|2|b|UPDATE f15 SET v = 18446744073709551614 WHERE id = 1|changed: id=1 v: A '18446744073709551615' B '18446744073709551614'
mp|e24|1|b|UPDATE e24 SET v = '["è/", "😀"]' WHERE id = 1|changed: id=1 v: A '["\\u00e9\\/", "\\ud83d\\ude00"]' B '["è/", "😀"]'
mp|e25|1|b|UPDATE e25 SET v = '{"a": 1, "b": {"c": 2}}' WHERE id = 1|changed: id=1 v: A '{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}' B '{"a": 1, "b": {"c": 2}}'
mp|lv|3|b|UPDATE lv SET t = overlay(t placing 'X' from 50001 for 1) WHERE id = 1|changed: id=1 t: A 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij...' (100000 bytes) B 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij...' (100000 bytes)
mp|lv|3|b|UPDATE lv SET bl = overlay(bl placing '\x01'::bytea from 40000 for 1) WHERE id = 1|changed: id=1 bl: A '\\x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00...' (70000 bytes) B '\\x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00...' (70000 bytes)
mp|lv|3|b|UPDATE lv SET t = concat(t, 'a') WHERE id = 2|changed: id=2 t: A 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65536 bytes) B 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65537 bytes)
# PostgreSQL -> MariaDB: NaN, infinity and -0 only A can hold
pm|p|4|b|UPDATE p SET n = 9223372036854775806 WHERE id = 1|changed: id=1 n: A '9223372036854775807' B '9223372036854775806'
pm|p|4|b|DELETE FROM p WHERE id = 4|missing in B: id=4
pm|p|4|b|INSERT INTO p (id) VALUES (0)|extra in B: id=0
pm|p|4|b|UPDATE p SET s = '' WHERE id = 3|changed: id=3 s: A NULL B ''
pm|p|4|b|UPDATE p SET n = NULL WHERE id = 2|changed: id=2 n: A '0' B NULL
pm|p|4|b|UPDATE p SET s = 'hello ' WHERE id = 1|changed: id=1 s: A 'hello' B 'hello '
pm|p|4|a|UPDATE p SET d = '-0' WHERE id = 2|changed: id=2 d: A '-0' B '0'
pm|p|4|a|UPDATE p SET r = '-0' WHERE id = 2|changed: id=2 r: A '-0' B '0'
pm|p|4|a|UPDATE p SET d = 'NaN' WHERE id = 1|changed: id=1 d: A 'NaN' B '1.5'
pm|p|4|a|UPDATE p SET r = 'NaN' WHERE id = 2|changed: id=2 r: A 'NaN' B '0'
pm|p|4|a|UPDATE p SET m = 'NaN' WHERE id = 1|changed: id=1 m: A 'NaN' B '5.00'
pm|p|4|a|UPDATE p SET ts = 'infinity' WHERE id = 1|changed: id=1 ts: A 'infinity' B '2024-01-01T10:00:00.000001'
pm|p|4|b|UPDATE p SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 1|changed: id=1 ts: A '2024-01-01T10:00:00.000001' B '2024-01-01T10:00:00.000002'
pm|p|4|b|UPDATE p SET tz = tz - INTERVAL 1 MICROSECOND WHERE id = 4|changed: id=4 tz: A '1969-12-31T23:59:59.999999Z' B '1969-12-31T23:59:59.999998'
pm|p|4|b|UPDATE p SET dt = dt - INTERVAL 1 DAY WHERE id = 4|changed: id=4 dt: A '1970-01-01' B '1969-12-31'
pm|p|4|b|UPDATE p SET tm = '23:59:59.999998' WHERE id = 1|changed: id=1 tm: A '23:59:59.999999' B '23:59:59.999998'
pm|p|4|b|UPDATE p SET s = 'HELLO' WHERE id = 1|changed: id=1 s: A 'hello' B 'HELLO'
pm|p|4|b|UPDATE p SET ci = 'ALICE' WHERE id = 1|changed: id=1 ci: A 'Alice' B 'ALICE'
pm|p|4|b|UPDATE p SET jb = '{"a": [1, 2.50], "b": 2}' WHERE id = 1|changed: id=1 jb: A '{"a": [1, 2.50], "b": 1}' B '{"a": [1, 2.50], "b": 2}'
pm|p|4|b|UPDATE p SET jb = '{"b":1,"a":[1.0,2.5]}' WHERE id = 1|equal
pm|p|4|b|UPDATE p SET j = '"S"' WHERE id = 4|changed: id=4 j: A '"s"' B '"S"'
pm|p|4|b|UPDATE p SET e = 'sad' WHERE id = 1|changed: id=1 e: A 'ok' B 'sad'
pm|p|4|b|UPDATE p SET b = 0 WHERE id = 4|changed: id=4 b: A 'true' B 'false'
pm|p|4|b|UPDATE p SET m = -123.46 WHERE id = 4|changed: id=4 m: A '-123.45' B '-123.46'
pm|p|4|b|UPDATE p SET big = -0.0000000002 WHERE id = 4|changed: id=4 big: A '-0.0000000001' B '-0.0000000002'
pm|p|4|b|UPDATE p SET u = 18446744073709551614 WHERE id = 1|changed: id=1 u: A '18446744073709551615' B '18446744073709551614'
pm|p|4|b|UPDATE p SET bin = X'00FE10' WHERE id = 1|changed: id=1 bin: A '\\x00ff10' B '\\x00fe10'
pm|p|4|b|UPDATE p SET bin = X'00' WHERE id = 2|changed: id=2 bin: A '\\x' B '\\x00'
pm|p|4|b|UPDATE p SET uu = 'ffffffff-ffff-4fff-bfff-fffffffffffe' WHERE id = 2|changed: id=2 uu: A 'ffffffff-ffff-4fff-bfff-ffffffffffff' B 'ffffffff-ffff-4fff-bfff-fffffffffffe'
pm|p|4|b|UPDATE p SET s = 'smile 😃 ok' WHERE id = 4|changed: id=4 s: A 'smile 😀 ok' B 'smile 😃 ok'
pm|p|4|b|UPDATE p SET r = 1.0999999 WHERE id = 1|changed: id=1 r: A '1.100000023841858' B '1.0999999046325684'
pm|p|4|b|UPDATE p SET iv = '1 day 02:03:05' WHERE id = 1|changed: id=1 iv: A '1 day 02:03:04' B '1 day 02:03:05'
pm|p|4|b|UPDATE p SET dom = 6 WHERE id = 1|changed: id=1 dom: A '5' B '6'
pm|p|4|b|UPDATE p SET ch = 'abc' WHERE id = 1|changed: id=1 ch: A 'ab   ' B 'abc'
pm|e30|3|b|UPDATE e30 SET v = 2 WHERE id = 1|changed: id=1 v: A 'true' B '2'
pm|e31|2|b|UPDATE e31 SET v = 4 WHERE id = 1|changed: id=1 v: A '5' B '4'
pm|e34|2|b|UPDATE e34 SET v = '2024-06-01 12:00:00' WHERE id = 1|changed: id=1 v: A '2024-06-01T19:00:00Z' B '2024-06-01T12:00:00'
pm|e42|1|b|UPDATE e42 SET v = v + INTERVAL 1 MICROSECOND WHERE id = 1|changed: id=1 v: A '2024-06-01T06:30:00.123456Z' B '2024-06-01T06:30:00.123457Z'
pm|lv|3|b|UPDATE lv SET bl = CONCAT(bl, X'01') WHERE id = 2|changed: id=2 bl: A '\\x010101010101010101010101010101010101010101010101010101010101010101010101010101...' (65535 bytes) B '\\x010101010101010101010101010101010101010101010101010101010101010101010101010101...' (65536 bytes)
pm|lv|3|b|UPDATE lv SET t = CONCAT(LEFT(t, 49999), 'X', SUBSTRING(t, 50001)) WHERE id = 1|changed: id=1 t: A 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij...' (100000 bytes) B 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij...' (100000 bytes)
pm|e43|2|b|UPDATE e43 SET v = '838:59:59.4' WHERE id = 1|changed: id=1 v: A '838:59:59.5' B '838:59:59.400000'
pm|e43|2|a|UPDATE e43 SET v = '1 day' WHERE id = 2|changed: id=2 v: A '1 day' B '24:00:00.000000'
pm|e36|2|b|UPDATE e36 SET v = 43 WHERE id = 2|changed: id=2 v: A '42' B '43'
pm|e37|2|b|UPDATE e37 SET v = '{"a": {"k": "V"}, "z": [1.5, true, null]}' WHERE id = 1|changed: id=1 v: A '{"a": {"k": "v"}, "z": [1.50, true, null]}' B '{"a": {"k": "V"}, "z": [1.5, true, null]}'
pm|e40|3|b|UPDATE e40 SET v = 'x,y,z' WHERE id = 1|changed: id=1 v: A 'x,z' B 'x,y,z'
pm|e41|2|b|UPDATE e41 SET v = 1.6 WHERE id = 1|changed: id=1 v: A '1.5000' B '1.6'
# PostgreSQL -> PostgreSQL
pp|p|4|b|UPDATE p SET n = n + 1 WHERE id = 4|changed: id=4 n: A '-9223372036854775808' B '-9223372036854775807'
pp|p|4|b|DELETE FROM p WHERE id = 1|missing in B: id=1
pp|p|4|b|INSERT INTO p (id, s) VALUES (9, 'x')|extra in B: id=9
pp|p|4|b|UPDATE p SET s = NULL WHERE id = 2|changed: id=2 s: A '' B NULL
pp|p|4|b|UPDATE p SET s = 'hello  ' WHERE id = 1|changed: id=1 s: A 'hello' B 'hello  '
pp|p|4|b|UPDATE p SET d = '-0' WHERE id = 2|changed: id=2 d: A '0' B '-0'
pp|p|4|b|UPDATE p SET r = '-0' WHERE id = 2|changed: id=2 r: A '0' B '-0'
pp|p|4|b|UPDATE p SET d = 'NaN' WHERE id = 4|changed: id=4 d: A '-2.25' B 'NaN'
pp|p|4|b|UPDATE p SET r = 'NaN' WHERE id = 1|changed: id=1 r: A '1.100000023841858' B 'NaN'
pp|p|4|b|UPDATE p SET m = 'NaN' WHERE id = 2|changed: id=2 m: A '0.01' B 'NaN'
pp|p|4|b|UPDATE p SET big = 'NaN' WHERE id = 3|changed: id=3 big: A NULL B 'NaN'
pp|p|4|b|UPDATE p SET d = '-Infinity' WHERE id = 1|changed: id=1 d: A '1.5' B '-Infinity'
pp|p|4|b|UPDATE p SET ts = ts - interval '1 microsecond' WHERE id = 2|changed: id=2 ts: A '1999-12-31T23:59:59' B '1999-12-31T23:59:58.999999'
pp|p|4|b|UPDATE p SET tz = tz + interval '1 microsecond' WHERE id = 1|changed: id=1 tz: A '2024-01-01T10:00:00.5Z' B '2024-01-01T10:00:00.500001Z'
pp|p|4|b|UPDATE p SET tz = '2024-01-01 12:00:00.5+02' WHERE id = 1|equal
pp|p|4|b|UPDATE p SET dt = dt + 1 WHERE id = 2|changed: id=2 dt: A '2000-01-01' B '2000-01-02'
pp|p|4|b|UPDATE p SET tm = '12:00:00.000001' WHERE id = 4|changed: id=4 tm: A '12:00:00' B '12:00:00.000001'
pp|p|4|b|UPDATE p SET s = 'Hello' WHERE id = 1|changed: id=1 s: A 'hello' B 'Hello'
pp|p|4|b|UPDATE p SET ci = 'BOB' WHERE id = 2|changed: id=2 ci: A 'bob' B 'BOB'
pp|p|4|b|UPDATE p SET jb = '{"a": [1, 2.50], "b": 1, "c": 0}' WHERE id = 1|changed: id=1 jb: A '{"a": [1, 2.50], "b": 1}' B '{"a": [1, 2.50], "b": 1, "c": 0}'
pp|p|4|b|UPDATE p SET j = '{"a": [1, 2.50], "b": 1}' WHERE id = 1|equal
pp|p|4|b|UPDATE p SET j = '{"b": 1, "a": [1, 2.50], "c": []}' WHERE id = 1|changed: id=1 j: A '{"b": 1, "a": [1, 2.50]}' B '{"b": 1, "a": [1, 2.50], "c": []}'
pp|p|4|b|UPDATE p SET e = 'sad' WHERE id = 4|changed: id=4 e: A 'happy' B 'sad'
pp|p|4|b|UPDATE p SET b = NOT b WHERE id = 2|changed: id=2 b: A 'false' B 'true'
pp|p|4|b|UPDATE p SET m = 0.02 WHERE id = 2|changed: id=2 m: A '0.01' B '0.02'
pp|p|4|b|UPDATE p SET u = 9223372036854775809 WHERE id = 4|changed: id=4 u: A '9223372036854775808' B '9223372036854775809'
pp|p|4|b|UPDATE p SET bin = '\xdeadbeee' WHERE id = 4|changed: id=4 bin: A '\\xdeadbeef' B '\\xdeadbeee'
pp|p|4|b|UPDATE p SET uu = '00000000-0000-1000-8000-000000000001' WHERE id = 4|changed: id=4 uu: A '00000000-0000-1000-8000-000000000000' B '00000000-0000-1000-8000-000000000001'
pp|p|4|b|UPDATE p SET s = 'smile 😁 ok' WHERE id = 4|changed: id=4 s: A 'smile 😀 ok' B 'smile 😁 ok'
pp|p|4|b|UPDATE p SET r = 1.1000001 WHERE id = 1|changed: id=1 r: A '1.100000023841858' B '1.1000001430511475'
pp|p|4|b|UPDATE p SET iv = '-2 mons' WHERE id = 4|changed: id=4 iv: A '-1 mons' B '-2 mons'
pp|p|4|b|UPDATE p SET ch = 'Ab' WHERE id = 1|changed: id=1 ch: A 'ab   ' B 'Ab   '
pp|p|4|b|UPDATE p SET dom = 2147483646 WHERE id = 4|changed: id=4 dom: A '2147483647' B '2147483646'
pp|lv|3|b|UPDATE lv SET t = overlay(t placing 'b' from 65536 for 1) WHERE id = 2|changed: id=2 t: A 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65536 bytes) B 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65536 bytes)
pp|f3|3|b|UPDATE f3 SET v = '-infinity' WHERE id = 1|changed: id=1 v: A 'infinity' B '-infinity'
pp|f3|3|b|UPDATE f3 SET v = v + interval '1 microsecond' WHERE id = 3|changed: id=3 v: A '-0043-03-15T12:00:00' B '-0043-03-15T12:00:00.000001Z'
pp|f5|1|b|UPDATE f5 SET v = '{"a": 1}' WHERE id = 1|changed: id=1 v: A '{"a":1,"a":2}' B '{"a": 1}'
pp|f12|1|b|UPDATE f12 SET v = '["a\tb", "é", "/"]' WHERE id = 1|changed: id=1 v: A '["a\\u000ab", "\\u00e9", "\\/"]' B '["a\\tb", "é", "/"]'
pp|e52|2|b|UPDATE e52 SET v = '"X"' WHERE id = 2|changed: id=2 v: A '  "x"  ' B '"X"'
pp|e53|2|b|UPDATE e53 SET v = v + interval '1 hour' WHERE id = 2|changed: id=2 v: A '2000-02-29T00:00:00' B '2000-02-29T01:00:00Z'
pp|e55|3|b|UPDATE e55 SET d = 'Infinity' WHERE id = 1|changed: id=1 d: A 'NaN' B 'Infinity'
pp|e55|3|b|UPDATE e55 SET m = '-Infinity' WHERE id = 2|changed: id=2 m: A 'Infinity' B '-Infinity'
pp|e57|2|b|UPDATE e57 SET v = 1.1 WHERE id = 1|changed: id=1 v: A '1.100000023841858' B '1.1'
pp|e58|2|b|UPDATE e58 SET v = upper(v) WHERE id = 1|changed: id=1 v: A 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' B 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'
pp|e59|2|b|UPDATE e59 SET v = 7 WHERE id = 1|changed: id=1 v: A 'true' B '7'
pp|e60|2|b|UPDATE e60 SET id = 1.5 WHERE id = 1|missing in B: id=1 @@ extra in B: id=1.5
# MariaDB -> MariaDB
mm|c|4|b|UPDATE c SET n = 9 WHERE id = 1|changed: id=1 n: A '10' B '9'
mm|c|4|b|DELETE FROM c WHERE id = 3|missing in B: id=3
mm|c|4|b|INSERT INTO c (id) VALUES (100)|extra in B: id=100
mm|c|4|b|UPDATE c SET tx = '' WHERE id = 3|changed: id=3 tx: A NULL B ''
mm|c|4|b|UPDATE c SET s = 'hello ' WHERE id = 1|changed: id=1 s: A 'hello' B 'hello '
mm|c|4|b|UPDATE c SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 4|changed: id=4 ts: A '2038-01-19T03:14:08' B '2038-01-19T03:14:08.000001'
mm|c|4|b|UPDATE c SET tz = tz + INTERVAL 1 MICROSECOND WHERE id = 1|changed: id=1 tz: A '2024-01-01T10:00:00.5Z' B '2024-01-01T10:00:00.500001'
mm|c|4|b|UPDATE c SET dt = '2024-02-28' WHERE id = 1|changed: id=1 dt: A '2024-02-29' B '2024-02-28'
mm|c|4|b|UPDATE c SET tm = '12:00:00.000001' WHERE id = 4|changed: id=4 tm: A '12:00:00' B '12:00:00.000001'
mm|c|4|b|UPDATE c SET ci = 'BOB' WHERE id = 2|changed: id=2 ci: A 'bob' B 'BOB'
mm|c|4|b|UPDATE c SET ch = 'AB' WHERE id = 1|changed: id=1 ch: A 'ab' B 'AB'
mm|ck|3|b|UPDATE ck SET k = 'alice' WHERE k = 'Alice'|missing in B: k='Alice' @@ extra in B: k='alice'
mm|c|4|b|UPDATE c SET js = '{"b": 1, "a": [1, 2.5]}' WHERE id = 1|equal
mm|c|4|b|UPDATE c SET js = '{"a": [2.50, 1], "b": 1}' WHERE id = 1|changed: id=1 js: A '{"b": 1, "a": [1, 2.50]}' B '{"a": [2.50, 1], "b": 1}'
mm|c|4|b|UPDATE c SET js = '{"k": "v", "n": null, "big": 123456789012345678901234567890.0}' WHERE id = 4|equal
mm|c|4|b|UPDATE c SET js = '{"k": "v", "n": null, "big": 123456789012345678901234567890.1}' WHERE id = 4|changed: id=4 js: A '{"k": "v", "n": null, "big": 123456789012345678901234567890}' B '{"k": "v", "n": null, "big": 123456789012345678901234567890.1}'
mm|c|4|b|UPDATE c SET e = 'green' WHERE id = 4|changed: id=4 e: A 'blue' B 'green'
mm|c|4|b|UPDATE c SET b = 0 WHERE id = 4|changed: id=4 b: A 'true' B 'false'
mm|c|4|b|UPDATE c SET m = 0.02 WHERE id = 2|changed: id=2 m: A '0.01' B '0.02'
mm|c|4|b|UPDATE c SET mb = -0.0000000002 WHERE id = 4|changed: id=4 mb: A '-0.0000000001' B '-0.0000000002'
mm|c|4|b|UPDATE c SET bi = -9223372036854775807 WHERE id = 4|changed: id=4 bi: A '-9223372036854775808' B '-9223372036854775807'
mm|c|4|b|UPDATE c SET bl = X'00FF' WHERE id = 1|changed: id=1 bl: A '\\x00ff10' B '\\x00ff'
mm|c|4|b|UPDATE c SET uu = '1a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3' WHERE id = 1|changed: id=1 uu: A '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3' B '1a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'
mm|c|4|b|UPDATE c SET s = 'smile 🙂 ok' WHERE id = 4|changed: id=4 s: A 'smile 😀 ok' B 'smile 🙂 ok'
mm|c|4|b|UPDATE c SET u = 9223372036854775807 WHERE id = 4|changed: id=4 u: A '9223372036854775808' B '9223372036854775807'
mm|c|4|b|UPDATE c SET f = -0.50000006 WHERE id = 4|changed: id=4 f: A '-0.5' B '-0.5000000596046448'
mm|c|4|b|UPDATE c SET st = 'a,b,c' WHERE id = 1|changed: id=1 st: A 'a,b' B 'a,b,c'
mm|c|4|b|UPDATE c SET tx = 'back/slash' WHERE id = 4|changed: id=4 tx: A 'back\\slash' B 'back/slash'
mm|lv|3|b|UPDATE lv SET t = CONCAT(LEFT(t, 65535), 'b') WHERE id = 2|changed: id=2 t: A 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65536 bytes) B 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65536 bytes)
mm|lv|3|b|UPDATE lv SET bl = CONCAT(LEFT(bl, 69999), X'FE') WHERE id = 1|changed: id=1 bl: A '\\x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00...' (70000 bytes) B '\\x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00...' (70000 bytes)
mm|du|5|b|UPDATE du SET t = '838:59:58' WHERE id = 1|changed: id=1 t: A '838:59:59.000000' B '838:59:58.000000'
mm|du|5|b|UPDATE du SET t = '-00:00:00.000001' WHERE id = 4|changed: id=4 t: A '12:00:00.000000' B '-00:00:00.000001'
mm|e81|2|b|UPDATE e81 SET v = 'z' WHERE id = 1.5|changed: id=1.50 v: A 'x' B 'z'
mm|e81|2|b|DELETE FROM e81 WHERE id = 10|missing in B: id=10.00
mm|e70|2|b|UPDATE e70 SET v = 2 WHERE id = 1|changed: id=1 v: A 'true' B '2'
mm|e71|2|b|UPDATE e71 SET v = -0.5001 WHERE id = 2|changed: id=2 v: A '-0.50' B '-0.5001'
mm|e72|2|a|UPDATE e72 SET v = UPPER(v) WHERE id = 1|changed: id=1 v: A '0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3' B '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'
mm|e74|1|b|UPDATE e74 SET v = 'cafe ü' WHERE id = 1|changed: id=1 v: A 'café ü' B 'cafe ü'
mm|e76|2|b|UPDATE e76 SET v = '2024-06-01 10:00:00.250001' WHERE id = 1|changed: id=1 v: A '2024-06-01T10:00:00.25Z' B '2024-06-01T10:00:00.250001'
mm|e79|2|b|UPDATE e79 SET v = 0.1 WHERE id = 2|changed: id=2 v: A '0.10000000149011612' B '0.1'
EOCASES

# the same é in two spellings, precomposed (A) and decomposed (B): two
# different texts
nfd=$(printf 'E\314\201')
printf '%s\n' \
	"mp|c|4|b|UPDATE c SET ci = U&'E\\0301mile' WHERE id = 4|changed: id=4 ci: A 'Émile' B '${nfd}mile'" \
	"mm|c|4|b|UPDATE c SET ci = CONCAT('E', _utf8mb4 X'CC81', 'mile') WHERE id = 4|changed: id=4 ci: A 'Émile' B '${nfd}mile'" \
	>>planted.txt

# The equal pairs, one a line:
#   PAIR|TABLE|ROWS|OPTIONS|A SQL|B SQL
# A SQL and B SQL make the table on each side (- for nothing, =copy for
# ferry-extract A | ferry-load B --create); ferry-verify -t TABLE OPTIONS
# A B must call the ROWS rows of each side equal.  ROWS ending in k: a
# table A has no primary key for (a view), compared by its sorted rows.
cat >equal.txt <<\EOCASES
mp|e01|3||CREATE TABLE e01 (id INT PRIMARY KEY, v TINYINT(1)); INSERT INTO e01 VALUES (1, 1), (2, 0), (3, NULL);|CREATE TABLE e01 (id int PRIMARY KEY, v boolean); INSERT INTO e01 VALUES (1, true), (2, false), (3, NULL);
mp|e02|3||CREATE TABLE e02 (id INT PRIMARY KEY, v TINYINT NOT NULL); INSERT INTO e02 VALUES (1, 1), (2, 0), (3, 0);|CREATE TABLE e02 (id int PRIMARY KEY, v boolean NOT NULL); INSERT INTO e02 VALUES (1, 't'), (2, 'f'), (3, 'no');
mp|e03|4||CREATE TABLE e03 (id INT PRIMARY KEY, v DECIMAL(10,2)); INSERT INTO e03 VALUES (1, 5.00), (2, 1.50), (3, -0.10), (4, 0.00);|CREATE TABLE e03 (id int PRIMARY KEY, v numeric); INSERT INTO e03 VALUES (1, 5), (2, 1.5), (3, -0.1), (4, 0);
mp|e04|2||CREATE TABLE e04 (id INT PRIMARY KEY, v DECIMAL(10,2)); INSERT INTO e04 VALUES (1, 5.00), (2, -12.00);|CREATE TABLE e04 (id int PRIMARY KEY, v integer); INSERT INTO e04 VALUES (1, 5), (2, -12);
mp|e05|3||CREATE TABLE e05 (id INT PRIMARY KEY, v BIGINT UNSIGNED); INSERT INTO e05 VALUES (1, 18446744073709551615), (2, 0), (3, 9223372036854775808);|CREATE TABLE e05 (id int PRIMARY KEY, v numeric(20,0)); INSERT INTO e05 VALUES (1, 18446744073709551615), (2, 0.0), (3, 9223372036854775808);
mp|e06|2||CREATE TABLE e06 (id INT PRIMARY KEY, v JSON); INSERT INTO e06 VALUES (1, '{"b": [0.5, 100], "a": 2.50}'), (2, '[1.0, {"y": 1, "x": "s"}]');|CREATE TABLE e06 (id int PRIMARY KEY, v json); INSERT INTO e06 VALUES (1, '{"a":2.5,"b":[5e-1,1E2]}'), (2, '[1,{"x":"s","y":1e0}]');
mp|e07|3||CREATE TABLE e07 (id INT PRIMARY KEY, v FLOAT); INSERT INTO e07 VALUES (1, 1.1), (2, 0.1), (3, 16777217);|CREATE TABLE e07 (id int PRIMARY KEY, v real); INSERT INTO e07 VALUES (1, 1.1), (2, 0.1), (3, 16777217);
mp|e08|2||CREATE TABLE e08 (id INT PRIMARY KEY, v DATETIME(6)); INSERT INTO e08 VALUES (1, '2024-01-01 10:00:00.500000'), (2, '0001-01-01 00:00:00');|CREATE TABLE e08 (id int PRIMARY KEY, v timestamp(6)); INSERT INTO e08 VALUES (1, '2024-01-01 10:00:00.5'), (2, '0001-01-01 00:00:00');
mp|e09|2||SET time_zone = '+02:00'; CREATE TABLE e09 (id INT PRIMARY KEY, v TIMESTAMP(6) NULL); INSERT INTO e09 VALUES (1, '2024-06-01 12:00:00.25'), (2, NULL); SET time_zone = '+00:00';|CREATE TABLE e09 (id int PRIMARY KEY, v timestamptz); INSERT INTO e09 VALUES (1, '2024-06-01 19:00:00.25+09'), (2, NULL);
mp|e10|1||CREATE TABLE e10 (id INT PRIMARY KEY, v DATETIME(6)); INSERT INTO e10 VALUES (1, '2024-03-31 02:30:00.123456');|CREATE TABLE e10 (id int PRIMARY KEY, v timestamptz); INSERT INTO e10 VALUES (1, '2024-03-31 04:30:00.123456+02');
mp|e11|3||CREATE TABLE e11 (id INT PRIMARY KEY, v CHAR(5)); INSERT INTO e11 VALUES (1, 'ab'), (2, ''), (3, ' a');|CREATE TABLE e11 (id int PRIMARY KEY, v character(5)); INSERT INTO e11 VALUES (1, 'ab   '), (2, ''), (3, ' a');
mp|e12|2||CREATE TABLE e12 (id INT PRIMARY KEY, v UUID); INSERT INTO e12 VALUES (1, '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'), (2, NULL);|CREATE TABLE e12 (id int PRIMARY KEY, v uuid); INSERT INTO e12 VALUES (1, '{0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3}'), (2, NULL);
mp|e13|2||CREATE TABLE e13 (id INT PRIMARY KEY, v CHAR(36)); INSERT INTO e13 VALUES (1, '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'), (2, 'ffffffff-ffff-4fff-bfff-ffffffffffff');|CREATE TABLE e13 (id int PRIMARY KEY, v uuid); INSERT INTO e13 VALUES (1, '0A1B2C3D4E5F4A6B8C7D8E9FA0B1C2D3'), (2, 'ffffffff-ffff-4fff-bfff-ffffffffffff');
mp|e14|3||CREATE TABLE e14 (id INT PRIMARY KEY, v ENUM('low','mid','high')); INSERT INTO e14 VALUES (1, 'low'), (2, 'high'), (3, NULL);|CREATE TYPE level AS ENUM ('high', 'mid', 'low'); CREATE TABLE e14 (id int PRIMARY KEY, v level); INSERT INTO e14 VALUES (1, 'low'), (2, 'high'), (3, NULL);
mp|e15|2||CREATE TABLE e15 (id INT PRIMARY KEY, v ENUM('a b','c')); INSERT INTO e15 VALUES (1, 'a b'), (2, 'c');|CREATE TABLE e15 (id int PRIMARY KEY, v text); INSERT INTO e15 VALUES (1, 'a b'), (2, 'c');
mp|e16|3||CREATE TABLE e16 (id INT PRIMARY KEY, v SET('x','y','z')); INSERT INTO e16 VALUES (1, 'z,x'), (2, ''), (3, NULL);|=copy
mp|e17|2k||CREATE VIEW e17 AS SELECT id, n FROM c WHERE id < 3;|CREATE TABLE e17 (id bigint PRIMARY KEY, n numeric); INSERT INTO e17 VALUES (1, 10), (2, 0);
mp|e18|2k|--table-map e18=e18_t|CREATE VIEW e18 AS SELECT id, s FROM c WHERE id IN (1, 4);|CREATE TABLE e18_t (id int PRIMARY KEY, s text); INSERT INTO e18_t VALUES (1, 'hello'), (4, 'smile 😀 ok');
mp|e19|2||CREATE TABLE e19 (id INT PRIMARY KEY, v TEXT); INSERT INTO e19 VALUES (42, 'x'), (7, 'y');|CREATE TABLE e19 (id numeric(10,3) PRIMARY KEY, v text); INSERT INTO e19 VALUES (42.000, 'x'), (7, 'y');
mp|e20|3||CREATE TABLE e20 (id CHAR(36) PRIMARY KEY, v INT); INSERT INTO e20 VALUES ('f0000000-0000-4000-8000-000000000001', 1), ('0a000000-0000-4000-8000-000000000002', 2), ('a0000000-0000-4000-8000-000000000003', 3);|CREATE TABLE e20 (id uuid PRIMARY KEY, v int); INSERT INTO e20 VALUES ('F0000000-0000-4000-8000-000000000001', 1), ('0a000000-0000-4000-8000-000000000002', 2), ('a0000000-0000-4000-8000-000000000003', 3);
mp|e21|2||CREATE TABLE e21 (id INT PRIMARY KEY, v TIME(6)); INSERT INTO e21 VALUES (1, '10:00:00.500000'), (2, '00:00:00');|CREATE TABLE e21 (id int PRIMARY KEY, v time); INSERT INTO e21 VALUES (1, '10:00:00.5'), (2, 'allballs');
mp|e22|2||CREATE TABLE e22 (id INT PRIMARY KEY, v BIT(8)); INSERT INTO e22 VALUES (1, b'101'), (2, b'11111111');|CREATE TABLE e22 (id int PRIMARY KEY, v smallint); INSERT INTO e22 VALUES (1, 5), (2, 255);
mp|e24|1||CREATE TABLE e24 (id INT PRIMARY KEY, v JSON); INSERT INTO e24 VALUES (1, '["\\u00e9\\/", "\\ud83d\\ude00"]');|CREATE TABLE e24 (id int PRIMARY KEY, v jsonb); INSERT INTO e24 VALUES (1, '["é/", "😀"]');
mp|e25|1||CREATE TABLE e25 (id INT PRIMARY KEY, v JSON); INSERT INTO e25 VALUES (1, '{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}');|CREATE TABLE e25 (id int PRIMARY KEY, v jsonb); INSERT INTO e25 VALUES (1, '{"a": 3, "b": {"c": 2}}');
mp|e27|3||CREATE TABLE e27 (k ENUM('zz','aa','mm') PRIMARY KEY, v INT); INSERT INTO e27 VALUES ('zz', 1), ('aa', 2), ('mm', 3);|CREATE TYPE e27_k AS ENUM ('mm', 'zz', 'aa'); CREATE TABLE e27 (k e27_k PRIMARY KEY, v int); INSERT INTO e27 VALUES ('zz', 1), ('aa', 2), ('mm', 3);
mp|e28|4||CREATE TABLE e28 (id UUID PRIMARY KEY, v INT); INSERT INTO e28 VALUES ('00000000-0000-1000-8000-000000000002', 1), ('00000001-0000-1000-8000-000000000001', 2), ('ffffffff-0000-1000-8000-000000000000', 3), ('00000000-0001-1000-8000-000000000000', 4);|CREATE TABLE e28 (id uuid PRIMARY KEY, v int); INSERT INTO e28 VALUES ('00000000-0000-1000-8000-000000000002', 1), ('00000001-0000-1000-8000-000000000001', 2), ('ffffffff-0000-1000-8000-000000000000', 3), ('00000000-0001-1000-8000-000000000000', 4);
mp|e29|1||CREATE TABLE e29 (id INT PRIMARY KEY, v JSON); INSERT INTO e29 VALUES (1, '[1e400, 0.1, 9007199254740993]');|CREATE TABLE e29 (id int PRIMARY KEY, v jsonb); INSERT INTO e29 VALUES (1, '[1E+400, 0.10, 9007199254740993.0]');
mp|e26|3||CREATE TABLE e26 (id BIGINT UNSIGNED PRIMARY KEY, v INT); INSERT INTO e26 VALUES (18446744073709551615, 1), (1, 2), (9223372036854775808, 3);|=copy
mp|e23|4||CREATE TABLE e23 (g INT, k VARCHAR(10) COLLATE utf8mb4_bin, v INT, PRIMARY KEY (g, k)); INSERT INTO e23 VALUES (1, 'b', 1), (1, 'B', 2), (2, 'a', 3), (10, 'a', 4);|CREATE TABLE e23 (g numeric, k text, v bigint, PRIMARY KEY (g, k)); INSERT INTO e23 VALUES (1, 'b', 1), (1.0, 'B', 2), (2, 'a', 3), (10.00, 'a', 4);
mp|f1|5||CREATE TABLE f1 (id INT PRIMARY KEY, v DOUBLE); INSERT INTO f1 VALUES (1, 5e-324), (2, 1.7976931348623157e308), (3, 0.30000000000000004), (4, -2.2250738585072014e-308), (5, 123456789.12345679);|CREATE TABLE f1 (id int PRIMARY KEY, v double precision); INSERT INTO f1 VALUES (1, 5e-324), (2, 1.7976931348623157e308), (3, 0.1::float8 + 0.2::float8), (4, -2.2250738585072014e-308), (5, 123456789.12345679);
mp|f2|2||CREATE TABLE f2 (id INT PRIMARY KEY, v DECIMAL(65,30)); INSERT INTO f2 VALUES (1, 12345678901234567890123456789012345.123456789012345678901234567890), (2, -0.000000000000000000000000000001);|CREATE TABLE f2 (id int PRIMARY KEY, v numeric); INSERT INTO f2 VALUES (1, 12345678901234567890123456789012345.12345678901234567890123456789), (2, -1e-30);
mp|f4|1||CREATE TABLE f4 (id INT PRIMARY KEY, v JSON); INSERT INTO f4 VALUES (1, '{"é": 1, "e": 2, "\\u00e8": [true, false, null]}');|CREATE TABLE f4 (id int PRIMARY KEY, v jsonb); INSERT INTO f4 VALUES (1, '{"e": 2, "è": [true, false, null], "é": 1}');
mp|f6|1||CREATE TABLE f6 (id INT PRIMARY KEY, v VARCHAR(100)); INSERT INTO f6 VALUES (1, CONCAT(REPEAT('x', 79), '😀a'));|CREATE TABLE f6 (id int PRIMARY KEY, v text); INSERT INTO f6 VALUES (1, concat(repeat('x', 79), '😀a'));
mp|f7|3||CREATE TABLE f7 (at DATETIME(6) PRIMARY KEY, v INT); INSERT INTO f7 VALUES ('2024-03-31 02:30:00.000001', 1), ('1999-12-31 23:59:59', 2), ('2024-03-31 02:30:00', 3);|CREATE TABLE f7 (at timestamptz PRIMARY KEY, v int); INSERT INTO f7 VALUES ('2024-03-31 04:30:00.000001+02', 1), ('1999-12-31 23:59:59+00', 2), ('2024-03-31 02:30:00Z', 3);
mp|f8|2||CREATE TABLE f8 (b TINYINT(1) PRIMARY KEY, v INT); INSERT INTO f8 VALUES (0, 1), (1, 2);|CREATE TABLE f8 (b boolean PRIMARY KEY, v int); INSERT INTO f8 VALUES (false, 1), (true, 2);
mp|f9|2k||CREATE TABLE f9 (id INT, v DOUBLE); INSERT INTO f9 VALUES (1, 0), (2, 1.5);|CREATE TABLE f9 (id int, v double precision); INSERT INTO f9 VALUES (1, 0), (2, 1.5);
mp|f10|2k||CREATE TABLE f10 (id INT, v CHAR(5)); INSERT INTO f10 VALUES (1, 'ab'), (2, '');|CREATE TABLE f10 (id int, v character(5)); INSERT INTO f10 VALUES (1, 'ab'), (2, '');
mp|f11|3||CREATE TABLE f11 (k ENUM('b','a','C') PRIMARY KEY, v INT); INSERT INTO f11 VALUES ('b', 1), ('a', 2), ('C', 3);|CREATE TABLE f11 (k text PRIMARY KEY, v int); INSERT INTO f11 VALUES ('b', 1), ('a', 2), ('C', 3);
mp|f14|2||CREATE TABLE f14 (id INT PRIMARY KEY, v TIME(6)); INSERT INTO f14 VALUES (1, '838:59:59'), (2, '-00:00:01');|CREATE TABLE f14 (id int PRIMARY KEY, v interval); INSERT INTO f14 VALUES (1, '838:59:59'), (2, '-1 second');
pm|e43|2||CREATE TABLE e43 (id int PRIMARY KEY, v interval); INSERT INTO e43 VALUES (1, '838:59:59.5'), (2, '24:00:00');|CREATE TABLE e43 (id INT PRIMARY KEY, v TIME(6)); INSERT INTO e43 VALUES (1, '838:59:59.500000'), (2, '24:00:00');
mp|f15|2||CREATE TABLE f15 (id INT PRIMARY KEY, v BIT(64)); INSERT INTO f15 VALUES (1, 18446744073709551615), (2, b'1000000000000000000000000000000000000000000000000000000000000000');|CREATE TABLE f15 (id int PRIMARY KEY, v numeric(20,0)); INSERT INTO f15 VALUES (1, 18446744073709551615), (2, 9223372036854775808);
pm|e42|1||CREATE TABLE e42 (id int PRIMARY KEY, v timestamptz(6)); INSERT INTO e42 VALUES (1, '2024-06-01 12:00:00.123456+05:30');|CREATE TABLE e42 (id INT PRIMARY KEY, v TIMESTAMP(6) NULL); INSERT INTO e42 VALUES (1, '2024-06-01 06:30:00.123456');
pm|e30|3||CREATE TABLE e30 (id int PRIMARY KEY, v boolean); INSERT INTO e30 VALUES (1, true), (2, false), (3, NULL);|CREATE TABLE e30 (id INT PRIMARY KEY, v TINYINT); INSERT INTO e30 VALUES (1, 1), (2, 0), (3, NULL);
pm|e31|2||CREATE TABLE e31 (id int PRIMARY KEY, v posint); INSERT INTO e31 VALUES (1, 5), (2, 2147483647);|CREATE TABLE e31 (id INT PRIMARY KEY, v INT); INSERT INTO e31 VALUES (1, 5), (2, 2147483647);
pm|e32|2||CREATE TABLE e32 (id int PRIMARY KEY, v real); INSERT INTO e32 VALUES (1, 1.1), (2, -0.1);|CREATE TABLE e32 (id INT PRIMARY KEY, v FLOAT); INSERT INTO e32 VALUES (1, 1.1), (2, -0.1);
pm|e33|2||CREATE TABLE e33 (id int PRIMARY KEY, v character(5)); INSERT INTO e33 VALUES (1, 'ab'), (2, 'abcde');|CREATE TABLE e33 (id INT PRIMARY KEY, v CHAR(5)); INSERT INTO e33 VALUES (1, 'ab'), (2, 'abcde');
pm|e34|2||CREATE TABLE e34 (id int PRIMARY KEY, v timestamptz); INSERT INTO e34 VALUES (1, '2024-06-01 12:00:00-07'), (2, '1999-12-31 23:59:59.999999+00');|CREATE TABLE e34 (id INT PRIMARY KEY, v DATETIME(6)); INSERT INTO e34 VALUES (1, '2024-06-01 19:00:00'), (2, '1999-12-31 23:59:59.999999');
pm|e35|2k|--table-map e35=e35_t|CREATE VIEW e35 AS SELECT id, e FROM p WHERE id < 3;|CREATE TABLE e35_t (id INT PRIMARY KEY, e VARCHAR(10)); INSERT INTO e35_t VALUES (1, 'ok'), (2, 'sad');
pm|e36|2||CREATE TABLE e36 (id int PRIMARY KEY, v numeric(20,0)); INSERT INTO e36 VALUES (1, 18446744073709551615), (2, 00042);|CREATE TABLE e36 (id INT PRIMARY KEY, v BIGINT UNSIGNED); INSERT INTO e36 VALUES (1, 18446744073709551615), (2, 42);
pm|e37|2||CREATE TABLE e37 (id int PRIMARY KEY, v jsonb); INSERT INTO e37 VALUES (1, '{"z": [1.50, true, null], "a": {"k": "v"}}'), (2, '1e3');|CREATE TABLE e37 (id INT PRIMARY KEY, v JSON); INSERT INTO e37 VALUES (1, '{ "a" : { "k" : "v" } , "z" : [ 1.5 , true , null ] }'), (2, '1.0E+3');
pm|e38|2||CREATE TABLE e38 (id int PRIMARY KEY, v uuid); INSERT INTO e38 VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, NULL);|CREATE TABLE e38 (id INT PRIMARY KEY, v CHAR(36)); INSERT INTO e38 VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, NULL);
pm|e39|2||CREATE TABLE e39 (id int PRIMARY KEY, v mood); INSERT INTO e39 VALUES (1, 'happy'), (2, 'sad');|CREATE TABLE e39 (id INT PRIMARY KEY, v ENUM('happy', 'sad')); INSERT INTO e39 VALUES (1, 'happy'), (2, 'sad');
pm|e40|3||CREATE TABLE e40 (id int PRIMARY KEY, v text[] CHECK (v <@ ARRAY['x', 'y', 'z'] AND array_ndims(v) = 1)); INSERT INTO e40 VALUES (1, '{x,z}'), (2, '{}'), (3, NULL);|CREATE TABLE e40 (id INT PRIMARY KEY, v SET('x','y','z')); INSERT INTO e40 VALUES (1, 'x,z'), (2, ''), (3, NULL);
pm|e41|2||CREATE TABLE e41 (id int PRIMARY KEY, v numeric(12,4)); INSERT INTO e41 VALUES (1, 1.5), (2, -3);|CREATE TABLE e41 (id INT PRIMARY KEY, v DECIMAL(6,1)); INSERT INTO e41 VALUES (1, 1.5), (2, -3.0);
pp|f3|3||CREATE TABLE f3 (id int PRIMARY KEY, v timestamp); INSERT INTO f3 VALUES (1, 'infinity'), (2, '-infinity'), (3, '0044-03-15 12:00:00 BC');|CREATE TABLE f3 (id int PRIMARY KEY, v timestamptz); INSERT INTO f3 VALUES (1, 'infinity'), (2, '-infinity'), (3, '0044-03-15 13:00:00+01 BC');
pp|f5|1||CREATE TABLE f5 (id int PRIMARY KEY, v json); INSERT INTO f5 VALUES (1, '{"a":1,"a":2}');|CREATE TABLE f5 (id int PRIMARY KEY, v jsonb); INSERT INTO f5 VALUES (1, '{"a": 2}');
pp|f12|1||CREATE TABLE f12 (id int PRIMARY KEY, v json); INSERT INTO f12 VALUES (1, '["a\u000ab", "\u00e9", "\/"]');|CREATE TABLE f12 (id int PRIMARY KEY, v jsonb); INSERT INTO f12 VALUES (1, '["a\nb", "é", "/"]');
pp|f13|1k||CREATE TABLE f13 (id int, v double precision); INSERT INTO f13 VALUES (1, 'NaN');|CREATE TABLE f13 (id int, v double precision); INSERT INTO f13 VALUES (1, -'NaN'::float8);
pp|e50|2||CREATE TABLE e50 (id int PRIMARY KEY, v posint); INSERT INTO e50 VALUES (1, 7), (2, NULL);|CREATE TABLE e50 (id int PRIMARY KEY, v int); INSERT INTO e50 VALUES (1, 7), (2, NULL);
pp|e51|2k||CREATE VIEW e51 AS SELECT id, b FROM p WHERE id IN (1, 2);|CREATE TABLE e51 (id int PRIMARY KEY, b boolean); INSERT INTO e51 VALUES (1, true), (2, false);
pp|e52|2||CREATE TABLE e52 (id int PRIMARY KEY, v json); INSERT INTO e52 VALUES (1, '{"b":1,"a":[1.0,2.50e0]}'), (2, '  "x"  ');|CREATE TABLE e52 (id int PRIMARY KEY, v jsonb); INSERT INTO e52 VALUES (1, '{"a": [1, 2.5], "b": 1}'), (2, '"x"');
pp|e53|2||CREATE TABLE e53 (id int PRIMARY KEY, v timestamp(6)); INSERT INTO e53 VALUES (1, '2024-01-01 10:00:00.5'), (2, '2000-02-29 00:00:00');|CREATE TABLE e53 (id int PRIMARY KEY, v timestamptz); INSERT INTO e53 VALUES (1, '2024-01-01 11:00:00.5+01'), (2, '2000-02-28 20:00:00-04');
pp|e54|2||CREATE TABLE e54 (id int PRIMARY KEY, v character(5)); INSERT INTO e54 VALUES (1, 'ab'), (2, '');|CREATE TABLE e54 (id int PRIMARY KEY, v character(8)); INSERT INTO e54 VALUES (1, 'ab'), (2, '');
pp|e55|3||CREATE TABLE e55 (id int PRIMARY KEY, d double precision, r real, m numeric); INSERT INTO e55 VALUES (1, 'NaN', 'NaN', 'NaN'), (2, 'Infinity', '-Infinity', 'Infinity'), (3, 'NaN', 1, 1);|CREATE TABLE e55 (id int PRIMARY KEY, d double precision, r real, m numeric); INSERT INTO e55 VALUES (1, 'NaN', 'NaN', 'NaN'), (2, 'Infinity', '-Infinity', 'Infinity'), (3, -'NaN'::float8, 1.0, 1.000);
pp|e56|1||CREATE TABLE e56 (id int PRIMARY KEY, v numeric, w numeric(8,3)); INSERT INTO e56 VALUES (1, 1.50, 100);|CREATE TABLE e56 (id int PRIMARY KEY, v numeric(10,4), w bigint); INSERT INTO e56 VALUES (1, 1.5, 100);
pp|e57|2||CREATE TABLE e57 (id int PRIMARY KEY, v real); INSERT INTO e57 VALUES (1, 1.1), (2, 0.1);|CREATE TABLE e57 (id int PRIMARY KEY, v double precision); INSERT INTO e57 VALUES (1, 1.100000023841858), (2, 0.10000000149011612);
pp|e58|2||CREATE TABLE e58 (id int PRIMARY KEY, v uuid); INSERT INTO e58 VALUES (1, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), (2, NULL);|CREATE TABLE e58 (id int PRIMARY KEY, v text); INSERT INTO e58 VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, NULL);
pp|e59|2||CREATE TABLE e59 (id int PRIMARY KEY, v boolean); INSERT INTO e59 VALUES (1, 'yes'), (2, 'off');|CREATE TABLE e59 (id int PRIMARY KEY, v smallint); INSERT INTO e59 VALUES (1, 1), (2, 0);
pp|e60|2||CREATE TABLE e60 (id smallint PRIMARY KEY, v bigint); INSERT INTO e60 VALUES (1, 5), (-2, 6);|CREATE TABLE e60 (id numeric(5,1) PRIMARY KEY, v numeric); INSERT INTO e60 VALUES (1.0, 5.0), (-2, 6e0);
mm|e81|2||CREATE TABLE e81 (id DECIMAL(10,2) PRIMARY KEY, v VARCHAR(5)); INSERT INTO e81 VALUES (1.50, 'x'), (10.00, 'y');|CREATE TABLE e81 (id DECIMAL(12,4) PRIMARY KEY, v TEXT); INSERT INTO e81 VALUES (1.5, 'x'), (10, 'y');
mm|e70|2||CREATE TABLE e70 (id INT PRIMARY KEY, v TINYINT(1)); INSERT INTO e70 VALUES (1, 1), (2, 0);|CREATE TABLE e70 (id INT PRIMARY KEY, v TINYINT); INSERT INTO e70 VALUES (1, 1), (2, 0);
mm|e71|2||CREATE TABLE e71 (id INT PRIMARY KEY, v DECIMAL(10,2)); INSERT INTO e71 VALUES (1, 5.00), (2, -0.50);|CREATE TABLE e71 (id INT PRIMARY KEY, v DECIMAL(12,4)); INSERT INTO e71 VALUES (1, 5), (2, -0.5);
mm|e72|2||CREATE TABLE e72 (id INT PRIMARY KEY, v CHAR(36)); INSERT INTO e72 VALUES (1, '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'), (2, NULL);|CREATE TABLE e72 (id INT PRIMARY KEY, v UUID); INSERT INTO e72 VALUES (1, '0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3'), (2, NULL);
mm|e73|2k||CREATE VIEW e73 AS SELECT id, ci FROM c WHERE id IN (1, 2);|CREATE TABLE e73 (id INT PRIMARY KEY, ci VARCHAR(40) COLLATE utf8mb4_bin); INSERT INTO e73 VALUES (1, 'Alice'), (2, 'bob');
mm|e74|1||CREATE TABLE e74 (id INT PRIMARY KEY, v VARCHAR(20) CHARACTER SET latin1); INSERT INTO e74 VALUES (1, 'café ü');|CREATE TABLE e74 (id INT PRIMARY KEY, v VARCHAR(20) CHARACTER SET utf8mb4); INSERT INTO e74 VALUES (1, 'café ü');
mm|e75|2||CREATE TABLE e75 (id INT PRIMARY KEY, v JSON); INSERT INTO e75 VALUES (1, '{"b": 1, "a": [1, 2.50]}'), (2, '{"x": 1E2}');|CREATE TABLE e75 (id INT PRIMARY KEY, v JSON); INSERT INTO e75 VALUES (1, '{"a":[1.0,2.5],"b":1}'), (2, '{"x": 100}');
mm|e76|2||CREATE TABLE e76 (id INT PRIMARY KEY, v TIMESTAMP(6) NULL); INSERT INTO e76 VALUES (1, '2024-06-01 10:00:00.25'), (2, NULL);|CREATE TABLE e76 (id INT PRIMARY KEY, v DATETIME(6)); INSERT INTO e76 VALUES (1, '2024-06-01 10:00:00.250000'), (2, NULL);
mm|e77|2||CREATE TABLE e77 (id INT PRIMARY KEY, v ENUM('on','off')); INSERT INTO e77 VALUES (1, 'on'), (2, 'off');|CREATE TABLE e77 (id INT PRIMARY KEY, v VARCHAR(3)); INSERT INTO e77 VALUES (1, 'on'), (2, 'off');
mm|e78|2||CREATE TABLE e78 (id INT PRIMARY KEY, v BIGINT UNSIGNED); INSERT INTO e78 VALUES (1, 18446744073709551615), (2, 7);|CREATE TABLE e78 (id INT PRIMARY KEY, v DECIMAL(20,0)); INSERT INTO e78 VALUES (1, 18446744073709551615), (2, 7);
mm|e79|2||CREATE TABLE e79 (id INT PRIMARY KEY, v FLOAT); INSERT INTO e79 VALUES (1, 1.1), (2, 0.1);|CREATE TABLE e79 (id INT PRIMARY KEY, v DOUBLE); INSERT INTO e79 VALUES (1, 1.100000023841858), (2, 0.10000000149011612);
mm|e80|2||CREATE TABLE e80 (id INT PRIMARY KEY, v INT); INSERT INTO e80 VALUES (1, 5), (2, -3);|CREATE TABLE e80 (id INT PRIMARY KEY, v DECIMAL(10,3)); INSERT INTO e80 VALUES (1, 5.000), (2, -3.000);
EOCASES

# --- the sides --------------------------------------------------------------

# db_of PAIR SIDE: the database of that side of the engine pair, as
# my:NAME or pg:NAME.  mp and mm share side A, and so do pm and pp.
db_of() {
	case $1$2 in
	mpa | mma) echo "my:$TEST_DB" ;;
	mpb) echo "pg:$TEST_DB" ;;
	pma | ppa) echo "pg:${TEST_DB}_x" ;;
	pmb) echo "my:${TEST_DB}_y" ;;
	ppb) echo "pg:${TEST_DB}_y" ;;
	mmb) echo "my:${TEST_DB}_x" ;;
	*) echo "db_of: no side $2 of $1" >&2; return 1 ;;
	esac
}

# uri_of PAIR SIDE: its URI for the ferry tools
uri_of() {
	db_=$(db_of "$1" "$2") || return 1
	case $db_ in
	my:*) echo "mysql://root@localhost/${db_#my:}?socket=$FERRY_TEST_MYSQL_SOCKET" ;;
	pg:*) echo "host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=${db_#pg:}" ;;
	esac
}

# sql_in DB SQL: run SQL in DB (my:NAME or pg:NAME), in UTC
sql_in() {
	case $1 in
	my:*) printf "SET time_zone = '+00:00';\n%s\n" "$2" | my_in "${1#my:}" ;;
	pg:*) printf "SET TimeZone = 'UTC';\n%s\n" "$2" | pg_in "${1#pg:}" ;;
	esac
}

# want_out TABLE ROWS SIDE WANT: what ferry-verify -t TABLE must print
# for a case of planted.txt (or, with WANT "equal", for an equal table)
want_out() {
	w_rows=${2%k}
	if [ "$w_rows" != "$2" ]; then
		echo "$1: no primary key on both sides: comparing the rows sorted"
	fi
	if [ "$4" = equal ]; then
		echo "$1: A $w_rows rows, B $w_rows rows: equal"
		echo "the two sides are equal"
		return 0
	fi
	printf '%s\n' "$4" | awk '{ n = split($0, l, / @@ /); for (i = 1; i <= n; i++) print "  " l[i] }' >want.lines
	w_miss=$(grep -c '^  missing in B: ' want.lines)
	w_extra=$(grep -c '^  extra in B: ' want.lines)
	w_chg=$(grep -c '^  changed: ' want.lines)
	if [ "$3" = a ]; then
		w_ra=$((w_rows + w_miss - w_extra)) w_rb=$w_rows
	else
		w_ra=$w_rows w_rb=$((w_rows - w_miss + w_extra))
	fi
	cat want.lines
	if [ "$w_rows" != "$2" ]; then
		echo "$1: A $w_ra rows, B $w_rb rows: DIFFERENT ($w_miss missing in B, $w_extra extra in B)"
	else
		echo "$1: A $w_ra rows, B $w_rb rows: DIFFERENT ($w_miss missing in B, $w_extra extra in B, $w_chg changed)"
	fi
	echo "the two sides DIFFER"
}

# check_verify PAIR TABLE WANT-RC [OPTIONS]: ferry-verify -t TABLE on
# PAIR must exit WANT-RC and print exactly what the file expect holds;
# says what it got otherwise
check_verify() {
	c_rc=0
	# shellcheck disable=SC2086 # OPTIONS are words
	ferry-verify -t "$2" $4 "$(uri_of "$1" a)" "$(uri_of "$1" b)" \
		>out 2>err </dev/null || c_rc=$?
	if [ "$c_rc" -eq "$3" ] && cmp -s expect out; then
		return 0
	fi
	echo "WRONG: ferry-verify -t $2 $4 on $1 exited $c_rc (want $3):" >&2
	diff -u expect out >&2
	cat err >&2
	return 1
}

# run_planted PAIR: every case of planted.txt for PAIR.  Before its first
# case a table is copied to TABLE_orig on the side planted, and after each
# case it is put back from there, in the same call to the client as the
# next plant on that side when there is one.  Writes the count of the
# differences and equal edits found right, and of the wrong ones, to
# count.planted.PAIR
run_planted() {
	r_pair=$1 r_diff=0 r_eq=0 r_bad=0 r_undo_db='' r_undo=''
	while IFS='|' read -r r_p r_t r_rows r_side r_sql r_want; do
		[ "$r_p" = "$r_pair" ] || continue
		r_db=$(db_of "$r_pair" "$r_side") || return 1
		if [ -n "$r_undo" ] && [ "$r_undo_db" != "$r_db" ]; then
			sql_in "$r_undo_db" "$r_undo" ||
				echo "WRONG CASE: $r_pair: cannot put back: $r_undo" >&2
			r_undo=
		fi
		r_mark=snap.$(echo "$r_db" | tr : _).$r_t
		if ! [ -e "$r_mark" ]; then
			if ! sql_in "$r_db" "$r_undo CREATE TABLE ${r_t}_orig AS SELECT * FROM $r_t"; then
				echo "WRONG CASE: $r_pair side $r_side: no table $r_t to plant in: $r_sql" >&2
				r_bad=$((r_bad + 1)) r_undo=
				continue
			fi
			: >"$r_mark"
			r_undo=
		fi
		if ! sql_in "$r_db" "$r_undo $r_sql"; then
			echo "WRONG CASE: $r_pair side $r_side: cannot run: $r_sql" >&2
			r_bad=$((r_bad + 1))
		else
			want_out "$r_t" "$r_rows" "$r_side" "$r_want" >expect
			if [ "$r_want" = equal ]; then r_rc=0; else r_rc=1; fi
			if check_verify "$r_pair" "$r_t" $r_rc; then
				if [ $r_rc = 0 ]; then
					r_eq=$((r_eq + 1))
				else
					r_diff=$((r_diff + 1))
				fi
			else
				echo "  after, on side $r_side: $r_sql" >&2
				r_bad=$((r_bad + 1))
			fi
		fi
		r_undo_db=$r_db
		r_undo="DELETE FROM $r_t; INSERT INTO $r_t SELECT * FROM ${r_t}_orig;"
	done <planted.txt
	if [ -n "$r_undo" ]; then
		sql_in "$r_undo_db" "$r_undo" || r_bad=$((r_bad + 1))
	fi
	echo "$r_diff $r_eq $r_bad" >"count.planted.$r_pair"
	test "$r_bad" -eq 0 && test "$r_diff" -gt 0
}

# setup_equal PAIR: make the tables of equal.txt for PAIR on both sides
setup_equal() {
	awk -F'|' -v p="$1" '$1 == p && $5 != "-" { print $5 }' equal.txt >eq.a.sql &&
	awk -F'|' -v p="$1" '$1 == p && $6 != "-" && $6 != "=copy" { print $6 }' equal.txt >eq.b.sql &&
	sql_in "$(db_of "$1" a)" "$(cat eq.a.sql)" &&
	sql_in "$(db_of "$1" b)" "$(cat eq.b.sql)" &&
	for s_t in $(awk -F'|' -v p="$1" '$1 == p && $6 == "=copy" { print $2 }' equal.txt); do
		ferry-extract "$(uri_of "$1" a)" -t "$s_t" |
			ferry-load "$(uri_of "$1" b)" --create || return 1
	done
}

# run_equal PAIR: ferry-verify must call every table of equal.txt for
# PAIR equal.  One run names them all with -t (and their options); when
# it is not exactly right, each table is run again on its own, to name
# the ones that are not equal.  Writes the count of the tables called
# equal, and of the others, to count.equal.PAIR
run_equal() {
	e_pair=$1 e_ok=0 e_bad=0 e_args=''
	: >expect.all
	: >"eq.cases.$e_pair"
	while IFS='|' read -r e_p e_t e_rows e_opts e_rest; do
		[ "$e_p" = "$e_pair" ] || continue
		e_args="$e_args -t $e_t $e_opts"
		want_out "$e_t" "$e_rows" - equal | sed '$d' >>expect.all
		echo "$e_t|$e_rows|$e_opts" >>"eq.cases.$e_pair"
	done <equal.txt
	echo "the two sides are equal" >>expect.all
	e_rc=0
	# shellcheck disable=SC2086 # the -t and other options are words
	ferry-verify $e_args "$(uri_of "$e_pair" a)" "$(uri_of "$e_pair" b)" \
		>out 2>err </dev/null || e_rc=$?
	if [ "$e_rc" -eq 0 ] && cmp -s expect.all out; then
		e_ok=$(wc -l <"eq.cases.$e_pair")
	else
		while IFS='|' read -r e_t e_rows e_opts; do
			want_out "$e_t" "$e_rows" - equal >expect
			if check_verify "$e_pair" "$e_t" 0 "$e_opts"; then
				e_ok=$((e_ok + 1))
			else
				e_bad=$((e_bad + 1))
			fi
		done <"eq.cases.$e_pair"
	fi
	echo "$e_ok $e_bad" >"count.equal.$e_pair"
	test "$e_bad" -eq 0 && test "$e_ok" -gt 0
}

# --- the tests --------------------------------------------------------------

test_expect_success 'setup: the databases of the four engine pairs, the base tables on side A' '
	my_fresh_db && pg_fresh_db &&
	for x in x y; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$x\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$x\"" 2>/dev/null &&
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$x\`;
			CREATE DATABASE \`${TEST_DB}_$x\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		return 1
	done &&
	my_sql <my.sql &&
	pg_in "${TEST_DB}_x" <pg.sql
'

test_expect_success 'setup: ferry copies each base table to side B, and verify calls the copies equal' '
	copied=yes &&
	for pt in mp:c mp:ck mp:lv mp:du mm:c mm:ck mm:lv mm:du pm:p pm:lv pp:p pp:lv; do
		ferry-extract "$(uri_of ${pt%:*} a)" -t ${pt#*:} |
			ferry-load "$(uri_of ${pt%:*} b)" --create || copied=no
	done &&
	test $copied = yes &&
	printf "%s\n" "c: A 4 rows, B 4 rows: equal" "ck: A 3 rows, B 3 rows: equal" \
		"lv: A 3 rows, B 3 rows: equal" "du: A 5 rows, B 5 rows: equal" \
		"the two sides are equal" >expect &&
	check_verify mp c 0 "-t ck -t lv -t du" &&
	check_verify mm c 0 "-t ck -t lv -t du" &&
	printf "%s\n" "p: A 4 rows, B 4 rows: equal" "lv: A 3 rows, B 3 rows: equal" \
		"the two sides are equal" >expect &&
	check_verify pm p 0 "-t lv" &&
	check_verify pp p 0 "-t lv"
'

test_expect_success 'setup: the equal pairs, each side in its own spelling' '
	setup_equal mp && setup_equal pm && setup_equal pp && setup_equal mm
'

test_expect_success 'MariaDB -> PostgreSQL: each planted difference found exactly' '
	run_planted mp
'

test_expect_success 'PostgreSQL -> MariaDB: each planted difference found exactly' '
	run_planted pm
'

test_expect_success 'PostgreSQL -> PostgreSQL: each planted difference found exactly' '
	run_planted pp
'

test_expect_success 'MariaDB -> MariaDB: each planted difference found exactly' '
	run_planted mm
'

test_expect_success 'the sides are put back: the base tables are equal again' '
	printf "%s\n" "c: A 4 rows, B 4 rows: equal" "ck: A 3 rows, B 3 rows: equal" \
		"lv: A 3 rows, B 3 rows: equal" "du: A 5 rows, B 5 rows: equal" \
		"the two sides are equal" >expect &&
	check_verify mp c 0 "-t ck -t lv -t du" &&
	check_verify mm c 0 "-t ck -t lv -t du" &&
	printf "%s\n" "p: A 4 rows, B 4 rows: equal" "lv: A 3 rows, B 3 rows: equal" \
		"the two sides are equal" >expect &&
	check_verify pm p 0 "-t lv" &&
	check_verify pp p 0 "-t lv"
'

test_expect_success 'MariaDB -> PostgreSQL: each equal pair equal' '
	run_equal mp
'

test_expect_success 'PostgreSQL -> MariaDB: each equal pair equal' '
	run_equal pm
'

test_expect_success 'PostgreSQL -> PostgreSQL: each equal pair equal' '
	run_equal pp
'

test_expect_success 'MariaDB -> MariaDB: each equal pair equal' '
	run_equal mm
'

# the corpus in figures: per engine pair, the planted differences found
# exactly, the edits that change nothing (JSON key order ...) and the
# equal pairs called equal, and what went wrong
c_diff=0 c_eq=0 c_bad=0 c_line=
for pair in mp pm pp mm; do
	set -- 0 0 0
	[ -r count.planted.$pair ] && set -- $(cat count.planted.$pair)
	p_diff=$1 p_eq=$2 p_bad=$3
	set -- 0 0
	[ -r count.equal.$pair ] && set -- $(cat count.equal.$pair)
	c_diff=$((c_diff + p_diff)) c_eq=$((c_eq + p_eq + $1)) c_bad=$((c_bad + p_bad + $2))
	c_line="$c_line $pair $p_diff/$((p_eq + $1))"
done
say "corpus: $c_diff planted differences found exactly, $c_eq equal pairs equal, $c_bad wrong (per pair, differences/equal:$c_line)"

test_done
