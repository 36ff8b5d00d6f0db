#!/bin/sh
# Large values: one 60 MiB value moves MariaDB -> PostgreSQL, PostgreSQL ->
# MariaDB and PostgreSQL -> PostgreSQL byte for byte, and no stage's peak
# memory passes twice the value plus 32 MiB.  Memory is measured on the
# release binaries in build/ (the ASan build's RSS means nothing).
. "$(dirname "$0")/lib.sh"
test_need_db

REL=$TEST_ROOT/build
VALUE=62914560 # 60 MiB
LIMIT=$(((2 * VALUE + 33554432) / 1024))

# rss STAGE CMD...: run CMD (stdout to STAGE.out) measuring its peak RSS;
# fail when CMD fails or its peak passes LIMIT KiB
rss() {
	stage=$1
	shift
	/usr/bin/time -f %M -o "$stage.rss" "$@" >"$stage.out" || return 1
	peak=$(tail -n 1 "$stage.rss")
	echo "$stage: peak $peak KiB (limit $LIMIT KiB)" >&2
	test "$peak" -le "$LIMIT"
}

# ferry-verify reads two sides at once: each holds its current row, and
# libpq keeps a PostgreSQL side's largest message in its buffer besides
# the copy it hands over, so a PostgreSQL side counts twice
# (ferry-verify(1), MEMORY)
vrss() {
	npg=$1
	shift
	LIMIT=$((((2 + npg) * VALUE + 33554432) / 1024)) rss "$@"
}

test_expect_success 'setup: a 60 MiB text value in MariaDB, a 60 MiB bytea in PostgreSQL' '
	test -x /usr/bin/time &&
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE big (id INT PRIMARY KEY, v LONGTEXT);
		SET SESSION group_concat_max_len = 100000000;
		INSERT INTO big SELECT 1, GROUP_CONCAT(SHA2(seq, 256) SEPARATOR \"\")
			FROM seq_1_to_983040" &&
	pg_sql "CREATE TABLE pic (id int PRIMARY KEY, v bytea);
		INSERT INTO pic SELECT 1, string_agg(sha512(int4send(i)), NULL::bytea)
			FROM generate_series(1, 983040) i" &&
	test "$(my_sql "SELECT LENGTH(v) FROM big" | tail -n 1)" = $VALUE &&
	test "$(pg_sql "SELECT length(v) FROM pic")" = $VALUE
'

test_expect_success 'MariaDB -> PostgreSQL: extract and load stay within 2 x value + 32 MiB' '
	rss my-extract "$REL/ferry-extract" --no-progress "$MY_URI" -t big &&
	rss pg-load "$REL/ferry-load" --no-progress -c "$PG_URI" -i my-extract.out &&
	ferry-verify -t big "$MY_URI" "$PG_URI" &&
	test "$(my_sql "SELECT MD5(v) FROM big" | tail -n 1)" = \
		"$(pg_sql "SELECT md5(v) FROM big")"
'

test_expect_success 'PostgreSQL -> MariaDB: extract and load stay within 2 x value + 32 MiB' '
	rss pg-extract "$REL/ferry-extract" --no-progress "$PG_URI" -t pic &&
	rss my-load "$REL/ferry-load" --no-progress -c "$MY_URI" -i pg-extract.out &&
	ferry-verify -t pic pg-extract.out "$MY_URI" &&
	test "$(pg_sql "SELECT md5(v) FROM pic")" = \
		"$(my_sql "SELECT MD5(v) FROM pic" | tail -n 1)"
'

test_expect_success 'PostgreSQL -> PostgreSQL: binary and text COPY stay within 2 x value + 32 MiB' '
	rss pg-load-bin "$REL/ferry-load" --no-progress -c \
		--table-map pic=blob_bin "$PG_URI" -i pg-extract.out &&
	FERRY_PG_COPY=text rss pg-load-text "$REL/ferry-load" --no-progress -c \
		--table-map pic=blob_text "$PG_URI" -i pg-extract.out &&
	src=$(pg_sql "SELECT md5(v) FROM pic") &&
	test "$(pg_sql "SELECT md5(v) FROM blob_bin")" = "$src" &&
	test "$(pg_sql "SELECT md5(v) FROM blob_text")" = "$src"
'

test_expect_success 'ferry-verify holds each side'"'"'s large value once (twice through libpq)' '
	vrss 0 verify-ss "$REL/ferry-verify" -t pic pg-extract.out pg-extract.out &&
	vrss 0 verify-sm "$REL/ferry-verify" -t pic pg-extract.out "$MY_URI" &&
	vrss 0 verify-mm "$REL/ferry-verify" -t big "$MY_URI" "$MY_URI" &&
	vrss 1 verify-mp "$REL/ferry-verify" -t big "$MY_URI" "$PG_URI" &&
	vrss 1 verify-sp "$REL/ferry-verify" -t pic pg-extract.out "$PG_URI" &&
	vrss 2 verify-pp "$REL/ferry-verify" -t pic "$PG_URI" "$PG_URI" &&
	test_grep "pic: A 1 rows, B 1 rows: equal" verify-pp.out
'

test_expect_success 'ferry-verify still sees one changed byte in a large value' '
	pg_sql "UPDATE blob_bin SET v = overlay(v placing '"'"'\\x00'"'"'::bytea from 40000000)" &&
	test_expect_code 1 "$REL/ferry-verify" --table-map pic=blob_bin -t pic \
		pg-extract.out "$PG_URI" >out 2>&1 &&
	test_grep "pic: A 1 rows, B 1 rows: DIFFERENT (0 missing in B, 0 extra in B, 1 changed)" out &&
	grep -q "changed: id=1 v: A .*x[0-9a-f]*\.\.\.. (62914560 bytes) B .*x[0-9a-f]*\.\.\.. (62914560 bytes)$" out
'

test_expect_success 'ferry-cat writes a large value out in slices, byte for byte' '
	hex=$(pg_sql "SELECT encode(v, '"'"'hex'"'"') FROM pic") &&
	printf "{\"table\":\"pic\",\"row\":{\"id\":1,\"v\":\"\\\\\\\\x%s\"}}\n" "$hex" >expect.jsonl &&
	rss cat-jsonl "$REL/ferry-cat" pg-extract.out &&
	cmp expect.jsonl cat-jsonl.out &&
	printf "\"id\",\"v\"\n1,\\\\x%s\n" "$hex" >expect.csv &&
	rss cat-csv "$REL/ferry-cat" -f csv pg-extract.out &&
	cmp expect.csv cat-csv.out &&
	rss cat-tsv "$REL/ferry-cat" -f tsv my-extract.out &&
	test "$(sed -n 2p cat-tsv.out | md5sum)" = \
		"$(mariadb --no-defaults --max-allowed-packet=1G -S "$FERRY_TEST_MYSQL_SOCKET" \
			-uroot -N -B "$TEST_DB" -e "SELECT 1, v FROM big" | md5sum)"
'

test_expect_success 'the stream with the large values reads back within the limit' '
	rss cat-check "$REL/ferry-cat" --check pg-extract.out &&
	echo "{\"tables\": {}}" >spec.json &&
	rss transform "$REL/ferry-transform" -s spec.json my-extract.out &&
	ferry-cat --check transform.out
'

test_done
