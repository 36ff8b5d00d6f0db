#!/bin/sh
# bench-extract.sh [MESSAGES] - ferry-extract of the messages table next to
# each engine's own client, in the same run: mariadb --quick --batch and
# psql \copy to /dev/null.  Medians of 3 runs, wall seconds and peak RSS
# from /usr/bin/time -v.  Needs the test servers (scripts/testdb.sh) and
# loads the reference chat database (database `bench`) if it is missing or
# of another size.  Writes bench/extract.json.
. "$(dirname "$0")/bench-common.sh"
bench_db mysql
bench_db postgres

echo "bench: $n messages; medians of 3 runs" >&2
set -- $(median my_client "mariadb --no-defaults --quick --batch --default-character-set=utf8mb4 -S '$FERRY_TEST_MYSQL_SOCKET' -uroot bench -e 'SELECT * FROM messages' >/dev/null")
my_c_s=$1 my_c_rss=$2
set -- $(median my_ferry "'$bin/ferry-extract' '$my_uri' -t messages >/dev/null")
my_f_s=$1 my_f_rss=$2
set -- $(median my_ferry0 "'$bin/ferry-extract' '$my_uri' -t messages -l 0 >/dev/null")
my_f0_s=$1 my_f0_rss=$2
set -- $(median pg_client "psql -X -q '$pg_conn' -c '\\copy messages to /dev/null'")
pg_c_s=$1 pg_c_rss=$2
set -- $(median pg_ferry "'$bin/ferry-extract' '$pg_conn' -t messages >/dev/null")
pg_f_s=$1 pg_f_rss=$2
set -- $(median pg_ferry0 "'$bin/ferry-extract' '$pg_conn' -t messages -l 0 >/dev/null")
pg_f0_s=$1 pg_f0_rss=$2

awk -v n="$n" \
    -v a="$my_c_s" -v ar="$my_c_rss" -v b="$my_f_s" -v br="$my_f_rss" -v b0="$my_f0_s" -v b0r="$my_f0_rss" \
    -v c="$pg_c_s" -v cr="$pg_c_rss" -v d="$pg_f_s" -v dr="$pg_f_rss" -v d0="$pg_f0_s" -v d0r="$pg_f0_rss" '
function line(name, s, rss, base) {
	jname = name
	gsub(/\\/, "\\\\", jname)
	printf "%-46s %7.2f %10.0f %8.1f %8s\n", name, s, n / s, rss / 1024,
	    base ? sprintf("%.2fx", s / base) : "-"
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"peak_rss_mib\":%.1f}",
	    (k++ ? "," : ""), jname, s, n / s, rss / 1024 >> "bench/extract.json"
}
BEGIN {
	printf "{\"messages\":%d,\"results\":[", n > "bench/extract.json"
	printf "%-46s %7s %10s %8s %8s\n", "messages table", "wall s", "rows/s", "RSS MiB", "vs client"
	line("mariadb --quick --batch > /dev/null", a, ar, 0)
	line("ferry-extract mysql > /dev/null (zstd -1)", b, br, a)
	line("ferry-extract mysql > /dev/null (-l 0)", b0, b0r, a)
	line("psql \\copy messages to /dev/null", c, cr, 0)
	line("ferry-extract postgres > /dev/null (zstd -1)", d, dr, c)
	line("ferry-extract postgres > /dev/null (-l 0)", d0, d0r, c)
	print "]}" >> "bench/extract.json"
}'
