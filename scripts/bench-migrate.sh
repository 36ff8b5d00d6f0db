#!/bin/sh
# bench-migrate.sh [MESSAGES] - the migration itself, MariaDB -> PostgreSQL,
# of the messages table alone and of the whole chat database, by every
# path in the same run: pgloader; ferry as a pipeline (extract | load
# --create), through a file (extract -o, then load -i), and with two
# connections each (extract --parallel 2 | load --parallel 2); the limit,
# psql \copy of the same rows from prepared files into the tables ferry
# creates, then their keys, indexes and foreign keys (pg_dump's pre-data
# and post-data of them).  A path's result is checked
# before its time counts: row counts of every table against the source,
# and ferry-verify --rows for ferry's (a failing path prints FAILED, with
# why, instead of a time).  Medians of 3 runs, wall seconds and peak RSS
# (the largest process of the path).  Writes bench/migrate.json.
. "$(dirname "$0")/bench-common.sh"
bench_db mysql
command -v pgloader >/dev/null || {
	echo "bench-migrate: no pgloader (make deps-bench installs it)" >&2
	exit 1
}
: "${FERRY_TEST_MYSQL_PASSWORD:?}" "${FERRY_TEST_MYSQL_PORT:?}"
pgdb() { psql -X -q -At -v ON_ERROR_STOP=1 "$pg_base dbname=$1" -c "$2"; }
target=bench_mig
to="$pg_base dbname=$target"
tables=$(my -N -e "SELECT table_name FROM information_schema.tables
	WHERE table_schema = 'bench' ORDER BY table_name")

# the source's row counts, and the rows as COPY text files, through a
# ferry copy (so the files hold exactly what a load must produce)
: >"$work/src.counts"
for t in $tables; do
	echo "$t $(my -N -e "SELECT COUNT(*) FROM \`$t\`")" >>"$work/src.counts"
done
fresh() {
	pgdb postgres "DROP DATABASE IF EXISTS $target" >/dev/null 2>&1
	pgdb postgres "CREATE DATABASE $target" >/dev/null
}
fresh
"$bin/ferry-extract" "$my_uri" --all-tables | "$bin/ferry-load" "$to" --create
bytes_all=0
for t in $tables; do
	pgdb "$target" "\\copy \"$t\" TO '$work/copy-$t.tsv'"
	b=$(wc -c <"$work/copy-$t.tsv")
	bytes_all=$((bytes_all + b))
	[ "$t" = messages ] && bytes_msg=$b
done
rows_all=$(awk '{ s += $2 } END { print s }' "$work/src.counts")
rows_msg=$(awk '$1 == "messages" { print $2 }' "$work/src.counts")

# check SET: every table of SET (messages, or all) holds the source's rows
why=
check() {
	for t in $(if [ "$1" = all ]; then echo $tables; else echo messages; fi); do
		want=$(awk -v t="$t" '$1 == t { print $2 }' "$work/src.counts")
		have=$(pgdb "$target" "SELECT count(*) FROM \"$t\"" 2>/dev/null || echo none)
		if [ "$have" != "$want" ]; then
			why="table $t has $have rows, the source $want"
			return 1
		fi
	done
}
verified() { # verified SET: ferry-verify --rows says equal
	if [ "$1" = all ]; then set --; else set -- -t messages; fi
	"$bin/ferry-verify" --rows --zero-dates null "$@" "$my_uri" "$to" >"$work/mig-verify.out" 2>&1 ||
		{ why="ferry-verify: $(tail -1 "$work/mig-verify.out")"; return 1; }
}
# the limit's tables: what --create makes, as pg_dump writes it, without
# their keys, indexes and foreign keys (pg_dump's pre-data), which the
# limit builds after its rows (post-data), as ferry does
limit_ddl() {
	fresh
	if [ "$1" = all ]; then
		"$bin/ferry-extract" "$my_uri" --all-tables --schema-only
	else
		"$bin/ferry-extract" "$my_uri" -t messages --schema-only
	fi | "$bin/ferry-load" "$to" --create &&
	pg_dump -s --section=pre-data "$to" >"$work/limit-pre.sql" &&
	pg_dump -s --section=post-data "$to" >"$work/limit-post.sql" &&
	fresh &&
	psql -X -q -v ON_ERROR_STOP=1 "$to" -f "$work/limit-pre.sql"
}
limit_cmd() {
	cmd="psql -X -q -v ON_ERROR_STOP=1 '$to'"
	for t in $(if [ "$1" = all ]; then echo $tables; else echo messages; fi); do
		cmd="$cmd -c \"\\\\copy \\\"$t\\\" FROM '$work/copy-$t.tsv'\""
	done
	echo "$cmd -f '$work/limit-post.sql' >/dev/null"
}
pgloader_cmd() {
	{
		echo "LOAD DATABASE"
		echo "  FROM mysql://ferry:$FERRY_TEST_MYSQL_PASSWORD@127.0.0.1:$FERRY_TEST_MYSQL_PORT/bench"
		echo "  INTO postgresql://ferry@127.0.0.1:$FERRY_TEST_PG_PORT/$target"
		[ "$1" = all ] || echo "  INCLUDING ONLY TABLE NAMES MATCHING 'messages'"
		# its heap is fixed (1 GiB in Debian's build): when the
		# defaults run out of it, fewer rows read ahead per table
		[ -z "${2:-}" ] || echo "  WITH prefetch rows = $2"
		# pgloader 3.6 writes MariaDB's DEFAULT current_timestamp(6)
		# as a quoted string PostgreSQL refuses, and copies zero dates
		# PostgreSQL refuses: drop those defaults, zero dates to NULL
		echo "  CAST type timestamp to timestamptz drop default using zero-dates-to-null,"
		echo "       type datetime to timestamptz drop default using zero-dates-to-null,"
		echo "       type date to date drop default using zero-dates-to-null"
		echo "  ALTER SCHEMA 'bench' RENAME TO 'public';"
	} >"$work/pgloader-$1.load"
	chmod 600 "$work/pgloader-$1.load"
	echo "pgloader --quiet '$work/pgloader-$1.load' >'$work/pgloader-$1.log' 2>&1"
}

# med3 NAME SET SETUP CMD CHECK: "seconds rss_kib" of the median of 3
# runs of CMD, each after SETUP and followed by CHECK; "FAILED why" when
# one fails
med3() {
	name=$1 set=$2 setup=$3 cmd=$4 chk=$5
	: >"$work/$name.runs"
	for i in $(seq $runs); do
		eval "$setup" >/dev/null 2>&1 || { echo "FAILED setup: $setup"; return; }
		/usr/bin/time -v -o "$work/$name.time" sh -c "$cmd" ||
			{ echo "FAILED: the command exited $?"; return; }
		why=
		eval "$chk $set" || { echo "FAILED: $why"; return; }
		time_of "$work/$name.time" >>"$work/$name.runs"
	done
	sort -n "$work/$name.runs" | sed -n ${mid}p
}

echo "bench: $n messages, $rows_all rows in $(echo $tables | wc -w) tables; medians of $runs runs" >&2
: >"$work/migrate.res"
measure() { # measure NAME SET SETUP CMD CHECK
	r=$(med3 "$@")
	echo "$1|$2|$r" >>"$work/migrate.res"
	case $r in FAILED*) echo "bench-migrate: $1: $r" >&2 ;; esac
}
for set in messages all; do
	measure "limit-$set" $set "limit_ddl $set" "$(limit_cmd $set)" check
	measure "pgloader-$set" $set fresh "$(pgloader_cmd $set)" check
	grep -q "^pgloader-$set|$set|FAILED" "$work/migrate.res" &&
		measure "pgloader-small-$set" $set fresh "$(pgloader_cmd $set 10000)" check
	if [ $set = all ]; then xt=--all-tables; else xt="-t messages"; fi
	measure "ferry-$set" $set fresh \
		"'$bin/ferry-extract' '$my_uri' $xt | '$bin/ferry-load' '$to' --create" verified
	measure "ferry-par2-$set" $set fresh \
		"'$bin/ferry-extract' '$my_uri' $xt --parallel 2 | '$bin/ferry-load' '$to' --create --parallel 2" verified
	measure "ferry-extract-file-$set" $set : \
		"'$bin/ferry-extract' '$my_uri' $xt -o '$work/mig-$set.ferry'" :
	measure "ferry-load-file-$set" $set fresh \
		"'$bin/ferry-load' '$to' --create -i '$work/mig-$set.ferry'" verified
done
rm -f "$work"/mig-*.ferry

# the table: per path, seconds, rows/s, MB/s of COPY text, peak RSS, and
# ferry's ratios to pgloader and to the limit
awk -F'|' -v n="$n" -v ra="$rows_all" -v rm="$rows_msg" -v ba="$bytes_all" \
    -v bm="$bytes_msg" '
{ name[NR] = $1; set[NR] = $2; split($3, f, " "); s[$1] = f[1]; rss[$1] = f[2]; res[NR] = $3 }
function label(k) {
	sub(/-(messages|all)$/, "", k)
	return k == "limit" ? "limit: psql \\copy FROM files, keys after" :
	    k == "pgloader" ? "pgloader" :
	    k == "pgloader-small" ? "pgloader, prefetch rows = 10000" :
	    k == "ferry" ? "ferry-extract | ferry-load --create" :
	    k == "ferry-par2" ? "ferry-extract|ferry-load, both --parallel 2" :
	    k == "ferry-extract-file" ? "ferry-extract -o FILE" :
	    k == "ferry-load-file" ? "ferry-load --create -i FILE" : k
}
# one line of the table, and its JSON; whole: a complete migration, with
# its ratios to pgloader and to the limit
function row(k, lab, st, sec, kib, whole,    rows, bytes, pg, lim, vs_p, vs_l) {
	rows = st == "all" ? ra : rm; bytes = st == "all" ? ba : bm
	pg = s["pgloader-" st] + 0; lim = s["limit-" st] + 0
	if (!pg) pg = s["pgloader-small-" st] + 0
	vs_p = (whole && pg > 0) ? sprintf("%.2fx", pg / sec) : "-"
	vs_l = (whole && lim > 0) ? sprintf("%.2fx", sec / lim) : "-"
	printf "  %-44s %7.2f %9.0f %7.1f %8.1f %9s %8s\n", lab, sec, rows / sec, bytes / 1e6 / sec, kib / 1024, vs_p, vs_l
	printf "%s{\"name\":\"%s\",\"set\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"mb_per_s\":%.1f,\"peak_rss_mib\":%.1f%s%s}", (c++ ? "," : ""), k, st, sec, rows / sec, bytes / 1e6 / sec, kib / 1024,
	    vs_p != "-" ? sprintf(",\"times_faster_than_pgloader\":%.3f", pg / sec) : "",
	    vs_l != "-" ? sprintf(",\"vs_limit\":%.3f", sec / lim) : "" >> "bench/migrate.json"
}
END {
	printf "{\"messages\":%d,\"rows_all\":%d,\"copy_bytes_all\":%d,\"copy_bytes_messages\":%d,\"results\":[", n, ra, ba, bm > "bench/migrate.json"
	printf "%-46s %7s %9s %7s %8s %9s %8s\n", "MariaDB -> PostgreSQL", "wall s", "rows/s", "MB/s", "RSS MiB", "vs pgl.", "vs limit"
	for (i = 1; i <= NR; i++) {
		k = name[i]; st = set[i]
		if (i == 1 || set[i] != set[i - 1])
			printf "%s\n", st == "all" ? "whole database:" : "messages table:"
		if (res[i] ~ /^FAILED/) {
			printf "  %-44s %s\n", label(k), res[i]
			gsub(/"/, "'"'"'", res[i])
			printf "%s{\"name\":\"%s\",\"set\":\"%s\",\"failed\":\"%s\"}", (c++ ? "," : ""), k, st, res[i] >> "bench/migrate.json"
			continue
		}
		row(k, label(k), st, s[k], rss[k], k == "ferry-" st || k == "ferry-par2-" st)
		if (k == "ferry-load-file-" st && s["ferry-extract-file-" st] + 0 > 0)
			row("ferry-via-file-" st, "ferry through a file (extract, then load)",
			    st, s[k] + s["ferry-extract-file-" st], rss[k] > rss["ferry-extract-file-" st] ? rss[k] : rss["ferry-extract-file-" st], 1)
	}
	print "]}" >> "bench/migrate.json"
	print "(vs pgl.: how many times faster than pgloader, for a whole migration;"
	print " vs limit: its time over the time of the limit)"
}' "$work/migrate.res"
