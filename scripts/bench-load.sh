#!/bin/sh
# bench-load.sh [MESSAGES] - MariaDB -> PostgreSQL of the messages table:
# `ferry-extract | ferry-load --create` (each stage timed and measured on
# its own) and `ferry-load -i FILE`, next to `psql \copy messages FROM FILE`
# of the same rows prepared as a file, into a table with its primary key.
# Medians of 3 runs; writes bench/load.json.  Needs the test servers.
. "$(dirname "$0")/bench-common.sh"
pg() { psql -X -q -At "$pg_base dbname=$1" -c "$2"; }
bench_db mysql

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

# a timed path that did not load every row is a failure, not a figure
loaded() {
	have=$(pg bench_to "SELECT count(*) FROM messages")
	[ "$have" = "$n" ] || {
		echo "bench-load: $1: FAILED: $have rows loaded, not $n" >&2
		exit 1
	}
}

: >"$work/runs"
for i in 1 2 3; do
	ddl_target
	/usr/bin/time -v -o "$work/copy.time" psql -X -q "$pg_base dbname=bench_copy" \
		-c "\\copy messages FROM '$work/messages.tsv'"
	/usr/bin/time -v -o "$work/copypk.time" psql -X -q "$pg_base dbname=bench_copy" \
		-c "\\copy copy_pk FROM '$work/messages.tsv'"
	[ "$(pg bench_copy "SELECT count(*) FROM messages") $(pg bench_copy "SELECT count(*) FROM copy_pk")" = "$n $n" ] || {
		echo "bench-load: psql \\copy: FAILED: not $n rows" >&2
		exit 1
	}
	fresh
	t0=$(date +%s.%N)
	/usr/bin/time -v -o "$work/ex.time" "$bin/ferry-extract" "$my_uri" -t messages |
		/usr/bin/time -v -o "$work/ld.time" "$bin/ferry-load" "$pg_base dbname=bench_to" --create
	pipe=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	loaded ferry-pipeline
	fresh
	/usr/bin/time -v -o "$work/file.time" "$bin/ferry-load" "$pg_base dbname=bench_to" \
		--create -i "$work/messages.ferry"
	loaded ferry-load-file
	fresh
	/usr/bin/time -v -o "$work/noidx.time" "$bin/ferry-load" "$pg_base dbname=bench_to" \
		--create --no-indexes -i "$work/messages.ferry"
	loaded ferry-load-no-indexes
	echo "$(time_of "$work/copy.time") $pipe $(time_of "$work/ex.time") $(time_of "$work/ld.time") $(time_of "$work/file.time") $(time_of "$work/copypk.time") $(time_of "$work/noidx.time")" >>"$work/runs"
done
sort -n -k3 "$work/runs" | sed -n 2p >"$work/median"
read -r c_s c_r p_s e_s e_r l_s l_r f_s f_r k_s k_r x_s x_r <"$work/median"
awk -v n="$n" -v c="$c_s" -v cr="$c_r" -v p="$p_s" -v e="$e_s" -v er="$e_r" \
    -v l="$l_s" -v lr="$l_r" -v f="$f_s" -v fr="$f_r" -v kp="$k_s" -v kpr="$k_r" \
    -v x="$x_s" -v xr="$x_r" '
function line(name, s, rss, base) {
	jname = name
	gsub(/\\/, "\\\\", jname)
	printf "%-50s %7.2f %10.0f %8s %8s\n", name, s, n / s,
	    rss ? sprintf("%.1f", rss / 1024) : "-", base ? sprintf("%.2fx", s / base) : "-"
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"peak_rss_mib\":%.1f}",
	    (k++ ? "," : ""), jname, s, n / s, rss / 1024 >> "bench/load.json"
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
