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

test_expect_success 'the stream with the large values reads back within the limit' '
	rss cat-check "$REL/ferry-cat" --check pg-extract.out &&
	echo "{\"tables\": {}}" >spec.json &&
	rss transform "$REL/ferry-transform" -s spec.json my-extract.out &&
	ferry-cat --check transform.out
'

test_done
