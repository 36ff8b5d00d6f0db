#!/bin/sh
# bench-follow-mysql.sh - the real-time path from MariaDB: the highest
# rate of new messages that `ferry-extract --follow | ferry-load --follow`
# (MariaDB -> PostgreSQL, the binary log) keeps up with for
# BENCH_FOLLOW_SECONDS (default 120) with a p99 lag under one second, for
# 1-row and 100-row source transactions, next to the rate the writer
# alone reaches on the same server (the ceiling); peak RSS of each stage.
# The source is a MariaDB of its own with log_bin, binlog_format ROW and
# the test servers' settings otherwise.  The writer is two mariadb
# clients fed INSERTs at a fixed pace (each pause a DO SLEEP); the rate
# reported is the one reached, counted on the source.  The lag is
# measured from the target: every 0.2 s, the time since the newest
# message it holds was written (a NOW(6) column of the source).
# bench/follow-mysql.json.  BENCH_FOLLOW_ONE_RATES and
# BENCH_FOLLOW_HUNDRED_RATES: other rates to try, in rising order.
. "$(dirname "$0")/bench-common.sh" 0
secs=${BENCH_FOLLOW_SECONDS:-120}
srvdir=$PWD/$work/follow-mysql-srv
sport=$((FERRY_TEST_MYSQL_PORT + 90))
sock=$srvdir/mysql/mysqld.sock
srv() {
	FERRY_TESTDB_DIR=$srvdir FERRY_TEST_MYSQL_PORT=$sport \
		FERRY_TEST_PG_PORT=$((FERRY_TEST_PG_PORT + 90)) \
		FERRY_TEST_MYSQL_EXTRA="--log-bin=mariadb-bin --binlog-format=ROW --server-id=1" \
		sh scripts/testdb.sh "$@"
}
trap 'srv stop >/dev/null 2>&1' EXIT
srv start >/dev/null
src="mysql://root@localhost/bench_follow?socket=$sock"
dst="$pg_base dbname=bench_follow_to"
msrc() { mariadb --no-defaults -S "$sock" -uroot "$@"; }

fresh() {
	msrc -e "DROP DATABASE IF EXISTS bench_follow; CREATE DATABASE bench_follow;
		CREATE TABLE bench_follow.messages (id BIGINT AUTO_INCREMENT PRIMARY KEY,
		conversation_id INT NOT NULL, sender_id INT NOT NULL, body TEXT NOT NULL,
		sent DATETIME(6) NOT NULL DEFAULT NOW(6)); RESET MASTER"
	psql -X -q "$pg_base dbname=postgres" -c "DROP DATABASE IF EXISTS bench_follow_to" \
		-c "CREATE DATABASE bench_follow_to" 2>/dev/null
}

# writer KIND RATE SECS: one client's statements, RATE rows/s (0: no pause)
writer() {
	awk -v kind="$1" -v rate="$2" -v secs="$3" 'BEGIN {
		srand(1)
		per = kind == "hundred" ? 100 : 1
		n = rate ? int(rate * secs / per) : 1000000000
		batch = rate ? (rate / per >= 100 ? int(rate / per / 100) : 1) : 100
		pause = rate ? batch * per / rate : 0
		# each pause waits until the batch is due, so that the pace
		# holds whatever the statements take
		print "SET @t0 = UNIX_TIMESTAMP(NOW(6));"
		for (i = 1; i <= n; i++) {
			r = int(rand() * 1000000)
			if (per == 1)
				printf "INSERT INTO messages (conversation_id, sender_id, body) VALUES (%d, %d, '"'"'hello there, message %d'"'"');\n", r % 1000, r % 100, r
			else {
				printf "INSERT INTO messages (conversation_id, sender_id, body) VALUES "
				for (k = 1; k <= 100; k++)
					printf "%s(%d, %d, '"'"'hello there, message %d'"'"')", (k > 1 ? ", " : ""), (r + k) % 1000, k, r + k
				print ";"
			}
			if (pause && i % batch == 0)
				printf "DO SLEEP(GREATEST(0, @t0 + %.6f - UNIX_TIMESTAMP(NOW(6))));\n", i / batch * pause
		}
	}' | msrc bench_follow 2>/dev/null
}

# ceiling KIND: rows per second two writers alone reach (15 s)
ceiling() {
	fresh
	( writer "$1" 0 0 & writer "$1" 0 0 & wait ) &
	sleep 15
	c=$(msrc -N -e "SELECT COUNT(*) FROM bench_follow.messages")
	pkill -f "mariadb --no-defaults -S $sock" || true
	wait 2>/dev/null || true
	echo $((c / 15))
}

# one KIND ROWS_PER_S: "reached p99_lag max_lag extract_kib load_kib rows_ok"
one() {
	kind=$1 rate=$2
	fresh
	rm -f "$work/lag"
	/usr/bin/time -v -o "$work/fx.time" "$bin/ferry-extract" "$src" -t messages --follow \
		--since-job bench "$dst" --no-progress 2>"$work/fx.err" |
		/usr/bin/time -v -o "$work/fl.time" "$bin/ferry-load" "$dst" --create --job bench \
			--follow --no-progress 2>"$work/fl.err" &
	i=0
	until psql -X -q -At "$dst" -c "SELECT 1 FROM ferry_checkpoint WHERE table_name = ''" 2>/dev/null | grep -q 1; do
		i=$((i + 1)); [ $i -lt 300 ] || { echo "bench-follow-mysql: no start" >&2; exit 1; }
		sleep 0.1
	done
	t0=$(date +%s.%N)
	( writer "$kind" $((rate / 2)) "$secs" & writer "$kind" $((rate / 2)) "$secs" & wait ) &
	wpid=$!
	sleep 2 # the first rows
	while kill -0 $wpid 2>/dev/null; do
		psql -X -q -At "$dst" -c "SELECT extract(epoch FROM (clock_timestamp() AT TIME ZONE 'UTC') - max(sent)) FROM messages" >>"$work/lag" 2>/dev/null
		sleep 0.2
	done
	wait $wpid
	t1=$(date +%s.%N)
	sleep 2
	have=$(psql -X -q -At "$dst" -c "SELECT count(*) FROM messages")
	want=$(msrc -N -e "SELECT COUNT(*) FROM bench_follow.messages")
	pkill -f "^$bin/ferry-extract mysql://root@localhost/bench_follow" || true
	wait || true
	set -- $(time_of "$work/fx.time")
	fx=$2
	set -- $(time_of "$work/fl.time")
	fl=$2
	# where the time goes: each stage's share of a core
	cpu=$(sed -n 's/.*Percent of CPU this job got: \([0-9]*\)%.*/\1/p' "$work/fx.time" "$work/fl.time" | tr "\n" " ")
	echo "$kind $rate: CPU extract, load (% of a core): $cpu" >>"$work/follow-mysql.cpu"
	reached=$(awk -v w="$want" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", w / (b - a) }')
	sort -n "$work/lag" | awk -v fx="$fx" -v fl="$fl" -v r="$reached" -v ok=$([ "$have" = "$want" ] && echo 1 || echo 0) '
		{ v[NR] = $1 } END { p = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]
			printf "%d %.3f %.3f %d %d %d\n", r, p, v[NR], fx, fl, ok }'
}

: >"$work/follow-mysql.res"
: >"$work/follow-mysql.cpu"
for kind in one hundred; do
	c=$(ceiling $kind)
	echo "$kind: the writer alone: $c messages/s"
	best=0
	case $kind in
	one) rates=${BENCH_FOLLOW_ONE_RATES:-1000 4000 8000 16000 24000 32000 48000} ;;
	hundred) rates=${BENCH_FOLLOW_HUNDRED_RATES:-10000 40000 80000 160000 320000 640000} ;;
	esac
	for r in $rates; do
		[ "$r" -le "$c" ] || break
		set -- $(one $kind $r)
		echo "$kind: asked $r, reached $1 messages/s for $secs s: p99 lag $2 s, max $3 s, peak RSS extract $(($4 / 1024)) MiB, load $(($5 / 1024)) MiB, all there: $6"
		echo "$kind $c $*" >>"$work/follow-mysql.res"
		if [ "$6" = 1 ] && awk -v p="$2" 'BEGIN { exit !(p < 1) }'; then best=$1; else break; fi
	done
	echo "$kind: highest rate kept with p99 lag under 1 s: $best messages/s (ceiling $c)"
done
awk -v secs="$secs" '
	{ k = $1; c[k] = $2; if ($8 == 1 && $4 < 1) { best[k] = $3; p99[k] = $4; fx[k] = $6; fl[k] = $7 } }
	END {
		printf "{\"seconds\":%d,\"source\":\"mariadb\"", secs
		for (k in c) printf ",\"%s\":{\"ceiling\":%d,\"best\":%d,\"p99_lag\":%.3f,\"extract_rss_mib\":%.1f,\"load_rss_mib\":%.1f}", k, c[k], best[k], p99[k], fx[k] / 1024, fl[k] / 1024
		print "}"
	}' "$work/follow-mysql.res" >bench/follow-mysql.json
cat "$work/follow-mysql.cpu" bench/follow-mysql.json
