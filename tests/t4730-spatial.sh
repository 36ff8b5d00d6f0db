#!/bin/sh
# Spatial columns move: MariaDB's POINT ... GEOMETRYCOLLECTION with their
# SRIDs, and PostGIS geometry, travel as EWKB in one canonical form;
# --create makes geometry of the same subtype where the target has PostGIS,
# bytea holding the EWKB where it has not (said), and MariaDB's own types
# on MariaDB; ferry-verify compares them as geometries with their SRIDs;
# a geometry with Z coordinates is refused before any row on MariaDB.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
GIS="$PG_BASE dbname=${TEST_DB}_gis"
RAW="$PG_BASE dbname=${TEST_DB}_raw"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >places.sql <<\EOSQL
CREATE TABLE places (
  id INT PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  pt POINT, route LINESTRING, area POLYGON, g GEOMETRY,
  mpt MULTIPOINT, mls MULTILINESTRING, mpoly MULTIPOLYGON,
  gc GEOMETRYCOLLECTION);
INSERT INTO places VALUES
 (1, 'office', ST_GeomFromText('POINT(13.4050 52.52)', 4326),
  ST_GeomFromText('LINESTRING(0 0,1 1,2 0)', 4326),
  ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))'),
  ST_GeomFromText('POINT(-0.5 1e-300)', 3857),
  ST_GeomFromText('MULTIPOINT(0 0,1 1)'),
  ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))'),
  ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))'),
  ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))')),
 (2, 'nowhere', ST_GeomFromText('POINT(0 0)'), NULL, NULL,
  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'), NULL, NULL, NULL,
  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY')),
 (3, 'unknown', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
EOSQL

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db && my_sql <places.sql &&
	for d in gis gis2 raw; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	pg_in "${TEST_DB}_gis" -c "CREATE EXTENSION postgis" &&
	pg_in "${TEST_DB}_gis2" -c "CREATE EXTENSION postgis" &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`"
'

test_expect_success 'the stream carries each spatial column as bytes of its type' '
	ferry-extract "$MY_URI" -t places -o p.ferry &&
	ferry-cat -f summary p.ferry >sum &&
	test_grep "column pt: bytes (point)" sum &&
	test_grep "column gc: bytes (geometrycollection)" sum &&
	ferry-cat -f tsv p.ferry >rows &&
	test_grep "x0101000020e6100000" rows &&
	test_grep "x010700000000000000" rows
'

test_expect_success 'MariaDB -> PostgreSQL with PostGIS: geometry of each subtype' '
	ferry-load "$GIS" --create --check <p.ferry >check.out &&
	! test_grep "EWKB" check.out &&
	ferry-load "$GIS" --create <p.ferry 2>err &&
	! test_grep "EWKB" err &&
	pg_in "${TEST_DB}_gis" -c "SELECT attname || '"'"' '"'"'|| format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'places'"'"'::regclass AND attnum > 2 ORDER BY attnum" >got &&
	printf "%s\n" "pt geometry(Point)" "route geometry(LineString)" "area geometry(Polygon)" "g geometry" "mpt geometry(MultiPoint)" "mls geometry(MultiLineString)" "mpoly geometry(MultiPolygon)" "gc geometry(GeometryCollection)" >expect &&
	test_cmp expect got &&
	pg_in "${TEST_DB}_gis" -c "SELECT id, ST_AsText(pt), ST_SRID(pt), ST_AsText(area), ST_SRID(g), ST_AsText(gc), ST_NumGeometries(mpoly) FROM places ORDER BY id" >got &&
	printf "%s\n" "1|POINT(13.405 52.52)|4326|POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))|3857|GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))|2" \
		"2|POINT(0 0)|0||0|GEOMETRYCOLLECTION EMPTY|" "3||||||" >expect &&
	test_cmp expect got &&
	ferry-verify -t places "$MY_URI" "$GIS" &&
	pg_in "${TEST_DB}_gis" -c "SELECT count(*) FROM places WHERE ST_SRID(pt) = 4326 AND ST_DWithin(pt, ST_SetSRID(ST_MakePoint(13.4, 52.5), 4326), 0.1)" >got &&
	echo 1 >expect && test_cmp expect got
'

test_expect_success 'a changed coordinate or SRID is a difference' '
	pg_in "${TEST_DB}_gis" -c "UPDATE places SET pt = ST_SetSRID(pt, 3857) WHERE id = 1" &&
	test_expect_code 1 ferry-verify -t places "$MY_URI" "$GIS" >out &&
	test_grep "DIFFERENT" out &&
	pg_in "${TEST_DB}_gis" -c "UPDATE places SET pt = ST_SetSRID(ST_MakePoint(13.4050, 52.5200000001), 4326) WHERE id = 1" &&
	test_expect_code 1 ferry-verify -t places "$MY_URI" "$GIS" &&
	pg_in "${TEST_DB}_gis" -c "UPDATE places SET pt = ST_GeomFromText('"'"'POINT(13.4050 52.52)'"'"', 4326) WHERE id = 1" &&
	ferry-verify -t places "$MY_URI" "$GIS"
'

test_expect_success 'MariaDB -> PostgreSQL without PostGIS: bytea of the EWKB, said by --check and load' '
	ferry-load "$RAW" --create --check <p.ferry >check.out &&
	test_grep "column pt: point made bytea holding its EWKB: the target has no PostGIS" check.out &&
	ferry-load "$RAW" --create <p.ferry 2>err &&
	test_grep "column pt: point made bytea holding its EWKB: the target has no PostGIS" err &&
	pg_in "${TEST_DB}_raw" -c "SELECT encode(pt, '"'"'hex'"'"'), encode(gc, '"'"'hex'"'"') FROM places WHERE id = 2" >got &&
	echo "010100000000000000000000000000000000000000|010700000000000000" >expect &&
	test_cmp expect got &&
	ferry-verify -t places "$MY_URI" "$RAW"
'

test_expect_success 'MariaDB -> MariaDB: the same types, values and SRIDs' '
	ferry-load "$MY_BACK" --create <p.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"places\" AND ORDINAL_POSITION > 2 ORDER BY ORDINAL_POSITION" >got &&
	printf "pt\tpoint\nroute\tlinestring\narea\tpolygon\ng\tgeometry\nmpt\tmultipoint\nmls\tmultilinestring\nmpoly\tmultipolygon\ngc\tgeometrycollection\n" >expect &&
	test_cmp expect got &&
	my_in "${TEST_DB}_back" -e "SELECT id, ST_AsText(pt), ST_SRID(pt), ST_SRID(g), ST_AsText(gc) FROM places ORDER BY id" >got &&
	my_sql "SELECT id, ST_AsText(pt), ST_SRID(pt), ST_SRID(g), ST_AsText(gc) FROM places ORDER BY id" | sed 1d >expect &&
	test_cmp expect got &&
	ferry-verify -t places "$MY_URI" "$MY_BACK"
'

test_expect_success 'PostGIS -> PostgreSQL and MariaDB: subtype and SRID kept' '
	pg_in "${TEST_DB}_gis" -c "CREATE TABLE sites (id int PRIMARY KEY, loc geometry(Point,4326), zone geometry(Polygon), shape geometry); INSERT INTO sites VALUES (1, '"'"'SRID=4326;POINT(2.35 48.85)'"'"', '"'"'POLYGON((0 0,1 0,1 1,0 0))'"'"', '"'"'SRID=4326;MULTIPOINT((1 2),(3 4))'"'"'), (2, NULL, NULL, '"'"'GEOMETRYCOLLECTION EMPTY'"'"')" &&
	ferry-extract "$GIS" -t sites -o s.ferry &&
	ferry-cat -f summary s.ferry >sum &&
	test_grep "column loc: bytes (geometry(Point,4326))" sum &&
	ferry-load "$RAW" --create <s.ferry 2>err &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_gis2" --create <s.ferry &&
	pg_in "${TEST_DB}_gis2" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'sites'"'"'::regclass AND attnum > 1 ORDER BY attnum" >got &&
	printf "geometry(Point,4326)\ngeometry(Polygon)\ngeometry\n" >expect &&
	test_cmp expect got &&
	ferry-verify -t sites "$GIS" "$PG_BASE dbname=${TEST_DB}_gis2" &&
	ferry-verify -t sites "$GIS" "$RAW" &&
	ferry-load "$MY_BACK" --create <s.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT id, ST_AsText(loc), ST_SRID(loc), ST_AsText(shape), ST_SRID(shape) FROM sites ORDER BY id" >got &&
	printf "1\tPOINT(2.35 48.85)\t4326\tMULTIPOINT(1 2,3 4)\t4326\n2\tNULL\tNULL\tGEOMETRYCOLLECTION EMPTY\t0\n" >expect &&
	test_cmp expect got &&
	ferry-verify -t sites "$GIS" "$MY_BACK"
'

test_expect_success 'a geometry with Z coordinates: refused on MariaDB by --check and load alike' '
	pg_in "${TEST_DB}_gis" -c "CREATE TABLE peaks (id int PRIMARY KEY, top geometry(PointZ,4326)); INSERT INTO peaks VALUES (1, '"'"'SRID=4326;POINT(86.92 27.99 8849)'"'"')" &&
	ferry-extract "$GIS" -t peaks -o z.ferry &&
	test_expect_code 6 ferry-load "$MY_BACK" --create --check <z.ferry >check.out &&
	test_grep "column top: geometry(PointZ,4326) has Z or M coordinates, which MySQL cannot hold" check.out &&
	test_expect_code 3 ferry-load "$MY_BACK" --create <z.ferry 2>err &&
	test_grep "column top: geometry(PointZ,4326) has Z or M coordinates, which MySQL cannot hold" err &&
	ferry-load "$RAW" --create <z.ferry &&
	ferry-verify -t peaks "$GIS" "$RAW"
'

test_expect_success 'a database with a spatial table extracts whole (--all-tables)' '
	my_sql "CREATE TABLE users (id INT PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, '"'"'ann'"'"')" &&
	ferry-extract "$MY_URI" --all-tables -o all.ferry &&
	ferry-cat -f summary all.ferry >sum &&
	test_grep "table places" sum &&
	test_grep "table users" sum
'

test_done
