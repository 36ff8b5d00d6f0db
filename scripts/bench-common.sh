# bench-common.sh - sourced by the bench-*.sh scripts: where things are,
# the reference chat database at the right size, and timing.
#   . scripts/bench-common.sh "$@"
# sets n (messages, $1 or 1,000,000), runs (BENCH_RUNS, odd, default 3) and
# mid (the median's place among them), bin, work, my_uri, pg_base, pg_conn;
# defines my, pg, bench_db, time_of, run and median.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${BENCH_RUNS:-3}
case $runs in *[!0-9]* | "" | 0) echo "bench: BENCH_RUNS must be 1, 3, 5..." >&2; exit 2 ;; esac
[ $((runs % 2)) = 1 ] || { echo "bench: BENCH_RUNS must be odd" >&2; exit 2; }
mid=$(( (runs + 1) / 2 ))
bin=${FERRY_BIN:-build}
work=${BENCH_DIR:-bench/work}
mkdir -p "$work" bench
: "${FERRY_TEST_MYSQL_SOCKET:?start the servers: eval \"\$(sh scripts/testdb.sh env)\"}"
my_uri="mysql://root@localhost/bench?socket=$FERRY_TEST_MYSQL_SOCKET"
pg_base="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
pg_conn="$pg_base dbname=bench"
my() { mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot bench "$@"; }
pg() { psql -X -q -At "$pg_conn" "$@"; }

bench_db() { # bench_db mysql|postgres: load the chat database unless it has n messages
	case $1 in
	mysql) have=$(my -N -e "SELECT COUNT(*) FROM messages" 2>/dev/null || echo 0) ;;
	postgres) have=$(pg -c "SELECT count(*) FROM messages" 2>/dev/null || echo 0) ;;
	esac
	[ "$have" = "$n" ] || sh scripts/load-chat.sh "$1" "$n" bench
}

time_of() { # time_of FILE: "wall_s rss_kib" from /usr/bin/time -v output
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
		/Maximum resident set size/ { r = $2 } END { print w, r }' "$1"
}

run() { # run NAME CMD: "wall_s rss_kib" of one run
	name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" sh -c "$*"
	time_of "$work/$name.time"
}

median() { # median NAME CMD: the median of 3 runs
	name=$1
	shift
	for i in 1 2 3; do run "$name" "$@"; done | sort -n | sed -n 2p
}
