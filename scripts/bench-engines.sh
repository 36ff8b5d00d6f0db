#!/bin/sh
# bench-engines.sh [MESSAGES] - the whole chat database copied between two
# databases of one engine, by ferry and by that engine's own tools, in one
# run: PostgreSQL -> PostgreSQL by ferry (one connection, and --parallel 2
# on both sides), pg_dump | pg_restore, pg_dump -Fd -j2 + pg_restore -j2
# and pgcopydb clone with 2 table jobs and 2 index jobs; MariaDB ->
# MariaDB by ferry (the same two), mydumper -t 2 + myloader -t 2 and
# mariadb-dump | mariadb.  Each result is checked before its time counts
# (ferry-verify --rows of every table against the source); a PostgreSQL
# target is then vacuumed, and that time printed: what a load leaves for
# later.  Medians of 3 runs, wall seconds and peak RSS (the largest
# process).  Where ferry's time goes, on both engines: its extract alone
# (into a file), its load alone (from it), and of the load, building keys
# and indexes after the rows (--stats keys_seconds).  Writes
# bench/engines.json.
#
# For 10,000,000 messages (about an hour): sh scripts/bench-engines.sh
# 10000000.  It checks the free disk first (dumps and targets need about
# five times the source databases) and removes each tool's files and
# target database after it.  Needs the test servers.  BENCH_ENGINES
# (default "pg my") picks the engines: BENCH_ENGINES=my runs MariaDB ->
# MariaDB alone.
. "$(dirname "$0")/bench-common.sh"
engines=${BENCH_ENGINES:-pg my}
case " $engines " in *" my "*) bench_db mysql ;; esac
case " $engines " in *" pg "*) bench_db postgres ;; esac
for tool in pg_dump pg_restore pgcopydb mydumper myloader mariadb-dump; do
	command -v $tool >/dev/null || {
		echo "bench-engines: no $tool (make deps-bench installs it)" >&2
		exit 1
	}
done
pgdb() { psql -X -q -At -v ON_ERROR_STOP=1 "$pg_base dbname=$1" -c "$2"; }
mysock="-S $FERRY_TEST_MYSQL_SOCKET -u root"
pg_to="$pg_base dbname=bench_eng"
my_to="mysql://root@localhost/bench_eng?socket=$FERRY_TEST_MYSQL_SOCKET"

# the disk: dumps, stream files and targets of the larger database, five
# times over, must fit
pg_size() { case " $engines " in *" pg "*) pgdb postgres "SELECT pg_database_size('bench')" ;; *) echo 0 ;; esac; }
my_size() {
	case " $engines " in
	*" my "*) my -N -e "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = 'bench'" ;;
	*) echo 0 ;;
	esac
}
need=$(( ($(pg_size) + $(my_size)) * 5 / 1024 ))
free=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
[ "$free" -gt "$need" ] || {
	echo "bench-engines: $free KiB free in $work, $need KiB needed" >&2
	exit 1
}

fresh_pg() {
	pgdb postgres "DROP DATABASE IF EXISTS bench_eng" >/dev/null 2>&1
	pgdb postgres "CREATE DATABASE bench_eng" >/dev/null
}
fresh_my() {
	mariadb --no-defaults $mysock -e "DROP DATABASE IF EXISTS bench_eng;
		CREATE DATABASE bench_eng CHARACTER SET utf8mb4"
}
clean() { rm -rf "$work/eng-dump" "$work/eng-pgcopydb" "$work/eng-mydumper"; }
why=
# verified ENGINE: the target holds the source's rows (zero dates as NULL:
# ferry-extract's default, which the dumps keep as they are)
verified() {
	if [ "$1" = pg ]; then set -- "$pg_conn" "$pg_to"; else set -- "$my_uri" "$my_to"; fi
	"$bin/ferry-verify" --rows --zero-dates null "$@" >"$work/eng-verify.out" 2>&1 ||
		{ why="ferry-verify: $(tail -1 "$work/eng-verify.out")"; return 1; }
}
vacuum_s() { # the VACUUM after a PostgreSQL load, in seconds
	v0=$(date +%s.%N)
	pgdb bench_eng "VACUUM"
	awk -v a="$v0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'
}

# med3 NAME ENGINE CMD [CHECK]: "seconds rss_kib vacuum_s" of the median
# of 3 runs (vacuum - on MariaDB), or "FAILED why"
med3() {
	name=$1 eng=$2 cmd=$3 chk=${4:-verified}
	: >"$work/$name.runs"
	for i in $(seq $runs); do
		clean
		if [ "$eng" = pg ]; then fresh_pg; else fresh_my; fi
		/usr/bin/time -v -o "$work/$name.time" sh -c "$cmd" >"$work/$name.out" 2>&1 ||
			{ echo "FAILED: exited $?: $(tail -1 "$work/$name.out")"; return; }
		why=
		$chk $eng || { echo "FAILED: $why"; return; }
		if [ "$eng" = pg ] && [ "$chk" = verified ]; then v=$(vacuum_s); else v=-; fi
		echo "$(time_of "$work/$name.time") $v" >>"$work/$name.runs"
	done
	clean
	sort -n "$work/$name.runs" | sed -n ${mid}p
}
ok() { :; }

echo "bench: $n messages; medians of $runs runs; engines: $engines" >&2
: >"$work/engines.res"
measure() { # measure NAME ENGINE CMD [CHECK]
	case " $engines " in *" $2 "*) ;; *) return 0 ;; esac
	r=$(med3 "$@")
	echo "$1|$2|$r" >>"$work/engines.res"
	case $r in FAILED*) echo "bench-engines: $1: $r" >&2 ;; esac
}
# keys_of ENGINE: of the last ferry-load -i FILE, the seconds its keys and
# indexes took after the rows (--stats keys_seconds, every table)
keys_of() {
	case " $engines " in *" $1 "*) ;; *) return 0 ;; esac
	[ -s "$work/eng-load.json" ] || return 0
	echo "ferry-keys|$1|$(jq '[.tables[].keys_seconds] | add' "$work/eng-load.json") - -" >>"$work/engines.res"
	rm -f "$work/eng-load.json"
}
measure ferry pg "'$bin/ferry-extract' '$pg_conn' --all-tables | '$bin/ferry-load' '$pg_to' --create"
measure ferry-p2 pg "'$bin/ferry-extract' '$pg_conn' --all-tables --parallel 2 |
	'$bin/ferry-load' '$pg_to' --create --parallel 2"
measure ferry-extract pg "'$bin/ferry-extract' '$pg_conn' --all-tables -o '$work/eng-keep.ferry'" ok
measure ferry-load pg "'$bin/ferry-load' '$pg_to' --create --stats '$work/eng-load.json' -i '$work/eng-keep.ferry'"
keys_of pg
rm -f "$work/eng-keep.ferry"
measure pg_dump pg "pg_dump -Fc -d '$pg_conn' | pg_restore -d '$pg_to'"
measure pg_dump-j2 pg "pg_dump -Fd -j 2 -f '$work/eng-dump' -d '$pg_conn' &&
	pg_restore -j 2 -d '$pg_to' '$work/eng-dump'"
measure pgcopydb pg "pgcopydb clone --source '$pg_conn' --target '$pg_to' \
	--table-jobs 2 --index-jobs 2 --dir '$work/eng-pgcopydb'"
measure ferry my "'$bin/ferry-extract' '$my_uri' --all-tables | '$bin/ferry-load' '$my_to' --create"
measure ferry-p2 my "'$bin/ferry-extract' '$my_uri' --all-tables --parallel 2 |
	'$bin/ferry-load' '$my_to' --create --parallel 2"
measure ferry-extract my "'$bin/ferry-extract' '$my_uri' --all-tables -o '$work/eng-keep.ferry'" ok
measure ferry-load my "'$bin/ferry-load' '$my_to' --create --stats '$work/eng-load.json' -i '$work/eng-keep.ferry'"
keys_of my
rm -f "$work/eng-keep.ferry"
measure mydumper my "mydumper $mysock -B bench -t 2 -o '$work/eng-mydumper' &&
	myloader $mysock -B bench_eng -t 2 -o -d '$work/eng-mydumper'"
measure mariadb-dump my "mariadb-dump --no-defaults $mysock --single-transaction bench |
	mariadb --no-defaults $mysock bench_eng"
case " $engines " in *" pg "*) pgdb postgres "DROP DATABASE IF EXISTS bench_eng" >/dev/null 2>&1 ;; esac
case " $engines " in *" my "*) mariadb --no-defaults $mysock -e "DROP DATABASE IF EXISTS bench_eng" ;; esac

awk -F'|' -v n="$n" '
function label(k) {
	return k == "ferry" ? "ferry-extract | ferry-load --create" :
	    k == "ferry-p2" ? "ferry, both --parallel 2" :
	    k == "ferry-extract" ? "  of it: ferry-extract -o FILE" :
	    k == "ferry-load" ? "  of it: ferry-load --create -i FILE" :
	    k == "ferry-keys" ? "    of that: keys and indexes after the rows" :
	    k == "pg_dump" ? "pg_dump -Fc | pg_restore" :
	    k == "pg_dump-j2" ? "pg_dump -Fd -j2 + pg_restore -j2" :
	    k == "pgcopydb" ? "pgcopydb clone, 2 table + 2 index jobs" :
	    k == "mydumper" ? "mydumper -t2 + myloader -t2" :
	    k == "mariadb-dump" ? "mariadb-dump | mariadb" : k
}
{ name[NR] = $1; eng[NR] = $2; res[NR] = $3; split($3, f, " "); s[$2 "/" $1] = f[1] }
END {
	printf "{\"messages\":%d,\"results\":[", n > "bench/engines.json"
	printf "%-46s %7s %8s %9s %9s\n", "whole database, same engine", "wall s", "RSS MiB", "VACUUM s", "ferry is"
	for (i = 1; i <= NR; i++) {
		k = name[i]; e = eng[i]
		if (i == 1 || e != eng[i - 1])
			print e == "pg" ? "PostgreSQL -> PostgreSQL:" : "MariaDB -> MariaDB:"
		if (res[i] ~ /^FAILED/) {
			printf "  %-44s %s\n", label(k), res[i]
			gsub(/"/, "'"'"'", res[i])
			printf "%s{\"engine\":\"%s\",\"name\":\"%s\",\"failed\":\"%s\"}", (c++ ? "," : ""), e, k, res[i] >> "bench/engines.json"
			continue
		}
		split(res[i], f, " ")
		ferry = s[e "/ferry"] + 0
		vs = (k !~ /^ferry/ && ferry > 0) ? sprintf("%.2fx", f[1] / ferry) : "-"
		if (f[2] == "-") {
			printf "  %-44s %7.2f %8s %9s %9s\n", label(k), f[1], "-", "-", "-"
			printf "%s{\"engine\":\"%s\",\"name\":\"%s\",\"seconds\":%.3f}", (c++ ? "," : ""), e, k, f[1] >> "bench/engines.json"
			continue
		}
		printf "  %-44s %7.2f %8.1f %9s %9s\n", label(k), f[1], f[2] / 1024, f[3], vs
		printf "%s{\"engine\":\"%s\",\"name\":\"%s\",\"seconds\":%.3f,\"peak_rss_mib\":%.1f%s}", (c++ ? "," : ""), e, k, f[1], f[2] / 1024,
		    f[3] != "-" ? sprintf(",\"vacuum_seconds\":%s", f[3]) : "" >> "bench/engines.json"
	}
	print "]}" >> "bench/engines.json"
	print "(ferry is: how many times faster one ferry connection is than that tool)"
}' "$work/engines.res"
