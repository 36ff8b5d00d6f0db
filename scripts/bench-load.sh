#!/bin/sh
# bench-load.sh [MESSAGES] - MariaDB -> PostgreSQL of the messages table:
# `ferry-extract | ferry-load --create` (each stage timed and measured on
# its own) and `ferry-load -i FILE`, next to `psql \copy messages FROM FILE`
# of the same rows prepared as a file, into a table with its primary key.
# Medians of 3 runs; writes bench/load.json.  Needs the test servers.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
bin=${FERRY_BIN:-build}
work=${BENCH_DIR:-bench/work}
mkdir -p "$work" bench
: "${FERRY_TEST_MYSQL_SOCKET:?start the servers: eval \"\$(sh scripts/testdb.sh env)\"}"
my_uri="mysql://root@localhost/bench?socket=$FERRY_TEST_MYSQL_SOCKET"
pg_base="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
pg() { psql -X -q -At "$pg_base dbname=$1" -c "$2"; }

have=$(mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot bench -N \
	-e "SELECT COUNT(*) FROM messages" 2>/dev/null || echo 0)
[ "$have" = "$n" ] || sh scripts/load-chat.sh mysql "$n" bench

fresh() { # fresh: an empty target database
	pg postgres "DROP DATABASE IF EXISTS bench_to" >/dev/null 2>&1
	pg postgres "CREATE DATABASE bench_to" >/dev/null
}

# the same rows as a COPY text file, and as a ferry stream file
fresh
"$bin/ferry-extract" "$my_uri" -t messages -o "$work/messages.ferry"
"$bin/ferry-load" "$pg_base dbname=bench_to" --create -i "$work/messages.ferry"
pg bench_to "\\copy messages TO '$work/messages.tsv'"
# the \copy targets, in a database of their own: the table --create makes
# (primary key and secondary indexes, the same end state as ferry's), and
# one with the primary key only
ddl_target() {
	pg postgres "DROP DATABASE IF EXISTS bench_copy" >/dev/null 2>&1
	pg postgres "CREATE DATABASE bench_copy" >/dev/null
	"$bin/ferry-extract" "$my_uri" -t messages --schema-only |
		"$bin/ferry-load" "$pg_base dbname=bench_copy" --create
	pg bench_copy "CREATE TABLE copy_pk (LIKE messages INCLUDING DEFAULTS)" >/dev/null
	pg bench_copy "ALTER TABLE copy_pk ADD PRIMARY KEY (id)" >/dev/null
	test "$(pg bench_copy "SELECT count(*) FROM pg_indexes WHERE tablename = 'messages'")" -ge 2
}

tm() { # tm FILE: "wall rss"
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
		/Maximum resident set size/ { r = $2 } END { print w, r }' "$1"
}

: >"$work/runs"
for i in 1 2 3; do
	ddl_target
	/usr/bin/time -v -o "$work/copy.time" psql -X -q "$pg_base dbname=bench_copy" \
		-c "\\copy messages FROM '$work/messages.tsv'"
	/usr/bin/time -v -o "$work/copypk.time" psql -X -q "$pg_base dbname=bench_copy" \
		-c "\\copy copy_pk FROM '$work/messages.tsv'"
	fresh
	t0=$(date +%s.%N)
	/usr/bin/time -v -o "$work/ex.time" "$bin/ferry-extract" "$my_uri" -t messages |
		/usr/bin/time -v -o "$work/ld.time" "$bin/ferry-load" "$pg_base dbname=bench_to" --create
	pipe=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	fresh
	/usr/bin/time -v -o "$work/file.time" "$bin/ferry-load" "$pg_base dbname=bench_to" \
		--create -i "$work/messages.ferry"
	fresh
	/usr/bin/time -v -o "$work/noidx.time" "$bin/ferry-load" "$pg_base dbname=bench_to" \
		--create --no-indexes -i "$work/messages.ferry"
	echo "$(tm "$work/copy.time") $pipe $(tm "$work/ex.time") $(tm "$work/ld.time") $(tm "$work/file.time") $(tm "$work/copypk.time") $(tm "$work/noidx.time")" >>"$work/runs"
done
sort -n -k3 "$work/runs" | sed -n 2p >"$work/median"
read -r c_s c_r p_s e_s e_r l_s l_r f_s f_r k_s k_r x_s x_r <"$work/median"
awk -v n="$n" -v c="$c_s" -v cr="$c_r" -v p="$p_s" -v e="$e_s" -v er="$e_r" \
    -v l="$l_s" -v lr="$l_r" -v f="$f_s" -v fr="$f_r" -v kp="$k_s" -v kpr="$k_r" \
    -v x="$x_s" -v xr="$x_r" '
function line(name, s, rss, base) {
	printf "%-50s %7.2f %10.0f %8s %8s\n", name, s, n / s,
	    rss ? sprintf("%.1f", rss / 1024) : "-", base ? sprintf("%.2fx", s / base) : "-"
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"peak_rss_mib\":%.1f}",
	    (k++ ? "," : ""), name, s, n / s, rss / 1024 >> "bench/load.json"
}
BEGIN {
	printf "{\"messages\":%d,\"results\":[", n > "bench/load.json"
	printf "%-50s %7s %10s %8s %8s\n", "messages, MariaDB -> PostgreSQL", "wall s", "rows/s", "RSS MiB", "vs COPY"
	line("psql \\copy FROM file, key + 2 indexes", c, cr, 0)
	line("psql \\copy FROM file, primary key only", kp, kpr, 0)
	line("ferry-extract | ferry-load --create (key+indexes)", p, 0, c)
	line("  stage ferry-extract", e, er, 0)
	line("  stage ferry-load --create", l, lr, 0)
	line("ferry-load --create -i FILE (key + indexes)", f, fr, c)
	line("ferry-load --create --no-indexes -i FILE (key)", x, xr, kp)
	print "]}" >> "bench/load.json"
}'
