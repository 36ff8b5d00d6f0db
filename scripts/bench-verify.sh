#!/bin/sh
# bench-verify.sh [MESSAGES] - a full row-level ferry-verify --rows of the
# messages table, MariaDB against PostgreSQL, next to extracting each side
# alone (in key order, as verify reads it) and both at once in the same
# run.  The aim is verify within 1.5x of the slower extract; both extracts
# at once, which read what verify reads and compare nothing, are what the
# machine's cores allow for reading the two sides together.  Medians of 3 runs, wall
# seconds and peak RSS from /usr/bin/time -v.  Needs the test servers
# (scripts/testdb.sh) and loads the reference chat database (database
# `bench`) on both if it is missing or of another size.  Writes
# bench/verify.json.
. "$(dirname "$0")/bench-common.sh"
bench_db mysql
bench_db postgres

echo "bench: $n messages; medians of 3 runs" >&2
set -- $(median x_my "'$bin/ferry-extract' '$my_uri' -t messages --order pk -l 0 >/dev/null")
xm_s=$1 xm_rss=$2
set -- $(median x_pg "'$bin/ferry-extract' '$pg_conn' -t messages --order pk -l 0 >/dev/null")
xp_s=$1 xp_rss=$2
set -- $(median x_both "'$bin/ferry-extract' '$my_uri' -t messages --order pk -l 0 >/dev/null & '$bin/ferry-extract' '$pg_conn' -t messages --order pk -l 0 >/dev/null; wait")
xb_s=$1 xb_rss=$2
# exit 1 (a difference) would be a bug in the generator or in ferry: stop
set -- $(median verify "'$bin/ferry-verify' --rows -t messages '$my_uri' '$pg_conn' >'$work/verify.out'")
v_s=$1 v_rss=$2
grep -q "messages: A $n rows, B $n rows: equal" "$work/verify.out" || {
	echo "bench-verify: the two sides are not equal:" >&2
	cat "$work/verify.out" >&2
	exit 1
}

awk -v n="$n" -v a="$xm_s" -v ar="$xm_rss" -v b="$xp_s" -v br="$xp_rss" \
    -v d="$xb_s" -v dr="$xb_rss" \
    -v c="$v_s" -v cr="$v_rss" '
function line(name, s, rss, base) {
	printf "%-46s %7.2f %10.0f %8.1f %8s\n", name, s, n / s, rss / 1024,
	    base ? sprintf("%.2fx", s / base) : "-"
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"peak_rss_mib\":%.1f}",
	    (k++ ? "," : ""), name, s, n / s, rss / 1024 >> "bench/verify.json"
}
BEGIN {
	slower = a > b ? a : b
	printf "{\"messages\":%d,\"results\":[", n > "bench/verify.json"
	printf "%-46s %7s %10s %8s %8s\n", "messages table", "wall s", "rows/s", "RSS MiB", "vs slower"
	line("ferry-extract mysql --order pk > /dev/null", a, ar, 0)
	line("ferry-extract postgres --order pk > /dev/null", b, br, 0)
	line("both extracts at once", d, dr, slower)
	line("ferry-verify --rows mysql postgres", c, cr, slower)
	printf "verify / both extracts at once: %.2fx\n", c / d
	printf "],\"verify_vs_slower_extract\":%.3f,\"verify_vs_both_extracts\":%.3f}\n", c / slower, c / d >> "bench/verify.json"
}'
