#!/bin/sh
# bench-parallel.sh [MESSAGES] - ferry-load --parallel 1, 2 and 4 of the
# whole chat database into PostgreSQL --create, from a stream file of each
# source engine (MariaDB, PostgreSQL; extracted with --parallel 2, so the
# messages come in key ranges), then the time of the VACUUM an operator
# runs after a load (what the load left for later).  Each result is
# checked (ferry-verify --rows against the source) before its time counts.
# Medians of 3 runs: wall seconds and the load's peak RSS.  Writes
# bench/parallel.json.  Needs the test servers.
. "$(dirname "$0")/bench-common.sh"
bench_db mysql
bench_db postgres
pgdb() { psql -X -q -At -v ON_ERROR_STOP=1 "$pg_base dbname=$1" -c "$2"; }
target=bench_par
to="$pg_base dbname=$target"
fresh() {
	pgdb postgres "DROP DATABASE IF EXISTS $target" >/dev/null 2>&1
	pgdb postgres "CREATE DATABASE $target" >/dev/null
}
"$bin/ferry-extract" "$my_uri" --all-tables --order pk --parallel 2 \
	-o "$work/par-mysql.ferry" 2>/dev/null
"$bin/ferry-extract" "$pg_conn" --all-tables --order pk --parallel 2 \
	-o "$work/par-postgres.ferry" 2>/dev/null
rows=$(my -N -e "SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bench'")
echo "bench: $n messages; medians of $runs runs" >&2
: >"$work/par.res"
for src in mysql postgres; do
	if [ $src = mysql ]; then from=$my_uri; else from=$pg_conn; fi
	for p in 1 2 4; do
		: >"$work/par.runs"
		for i in $(seq $runs); do
			fresh
			/usr/bin/time -v -o "$work/par.time" "$bin/ferry-load" "$to" --create \
				--parallel $p -i "$work/par-$src.ferry" 2>/dev/null || {
				echo "bench-parallel: $src --parallel $p: FAILED: the load exited $?" >&2
				exit 1
			}
			"$bin/ferry-verify" --rows --zero-dates null "$from" "$to" >"$work/par-verify.out" 2>&1 || {
				echo "bench-parallel: $src --parallel $p: FAILED: $(tail -1 "$work/par-verify.out")" >&2
				exit 1
			}
			v0=$(date +%s.%N)
			pgdb "$target" "VACUUM" 
			v=$(awk -v a="$v0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
			echo "$(time_of "$work/par.time") $v" >>"$work/par.runs"
		done
		echo "$src $p $(sort -n "$work/par.runs" | sed -n ${mid}p)" >>"$work/par.res"
	done
done
rm -f "$work"/par-*.ferry
awk -v n="$n" '
BEGIN {
	printf "{\"messages\":%d,\"results\":[", n > "bench/parallel.json"
	printf "%-44s %7s %8s %8s %9s\n", "whole database -> PostgreSQL --create", "wall s", "RSS MiB", "vs p1", "VACUUM s"
}
{
	if ($2 == 1) base = $3
	printf "  from %-8s ferry-load --parallel %d %12.2f %8.1f %8s %9.3f\n", $1, $2, $3, $4 / 1024,
	    sprintf("%.2fx", base / $3), $5
	printf "%s{\"source\":\"%s\",\"parallel\":%d,\"seconds\":%.3f,\"peak_rss_mib\":%.1f,\"vacuum_seconds\":%.3f}",
	    (k++ ? "," : ""), $1, $2, $3, $4 / 1024, $5 >> "bench/parallel.json"
}
END {
	print "]}" >> "bench/parallel.json"
	print "(vs p1: how many times faster than one connection)"
}' "$work/par.res"
