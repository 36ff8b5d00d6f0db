#!/bin/sh
# bench-follow.sh - the real-time path: the highest rate of new messages
# that `ferry-extract --follow | ferry-load --follow` (PostgreSQL ->
# PostgreSQL) keeps up with for BENCH_FOLLOW_SECONDS (default 120) with a
# p99 lag under one second, for 1-row and 100-row source transactions,
# next to the rate the writer alone reaches on the same server (the
# ceiling); peak RSS of each stage.  The writer is pgbench at a fixed rate
# (-R); the lag is measured from the target: every 0.2 s, the time since
# the newest message it holds was written on the source (a client-side
# clock_timestamp() column).  bench/follow.json.
. "$(dirname "$0")/bench-common.sh" 0
secs=${BENCH_FOLLOW_SECONDS:-120}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
src="$pg_base dbname=bench_follow"
dst="$pg_base dbname=bench_follow_to"
pgb() { "$pgbin/pgbench" -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry "$@"; }

fresh() {
	psql -X -q -At "$pg_base dbname=postgres" -c "SELECT pg_drop_replication_slot(slot_name)
		FROM pg_replication_slots WHERE database = 'bench_follow' AND NOT active" >/dev/null
	for db in bench_follow bench_follow_to; do
		psql -X -q "$pg_base dbname=postgres" -c "DROP DATABASE IF EXISTS $db" \
			-c "CREATE DATABASE $db" 2>/dev/null
	done
	psql -X -q "$src" -c "CREATE TABLE messages (id bigserial PRIMARY KEY,
		conversation_id integer NOT NULL, sender_id integer NOT NULL,
		body text NOT NULL, sent timestamptz NOT NULL DEFAULT clock_timestamp())"
}

cat >"$work/one.sql" <<'EOF'
\set r random(1, 1000000)
INSERT INTO messages (conversation_id, sender_id, body) VALUES (:r % 1000, :r % 100, 'hello there, message ' || :r);
EOF
cat >"$work/hundred.sql" <<'EOF'
INSERT INTO messages (conversation_id, sender_id, body) SELECT g % 1000, g % 100, 'hello there, message ' || g FROM generate_series(1, 100) g;
EOF

# ceiling KIND: rows per second the writer alone reaches (15 s)
ceiling() {
	fresh
	tps=$(pgb -n -c 4 -j 2 -T 15 -f "$work/$1.sql" bench_follow 2>/dev/null |
		sed -n 's/^tps = \([0-9.]*\).*/\1/p')
	[ "$1" = hundred ] && tps=$(awk -v t="$tps" 'BEGIN { print t * 100 }')
	printf '%.0f\n' "$tps"
}

# one KIND ROWS_PER_S: "p99_lag max_lag extract_kib load_kib rows_ok"
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
		i=$((i + 1)); [ $i -lt 300 ] || { echo "bench-follow: no start" >&2; exit 1; }
		sleep 0.1
	done
	tps=$rate
	[ "$kind" = hundred ] && tps=$((rate / 100))
	pgb -n -c 2 -j 2 -R "$tps" -T "$secs" -f "$work/$kind.sql" bench_follow >"$work/pgb.out" 2>&1 &
	wpid=$!
	sleep 2 # the first rows
	while kill -0 $wpid 2>/dev/null; do
		psql -X -q -At "$dst" -c "SELECT extract(epoch FROM clock_timestamp() - max(sent)) FROM messages" >>"$work/lag" 2>/dev/null
		sleep 0.2
	done
	wait $wpid
	# the tail: caught up?
	sleep 2
	have=$(psql -X -q -At "$dst" -c "SELECT count(*) FROM messages")
	want=$(psql -X -q -At "$src" -c "SELECT count(*) FROM messages")
	pkill -f "^$bin/ferry-extract $src" || true
	wait || true
	set -- $(time_of "$work/fx.time")
	fx=$2
	set -- $(time_of "$work/fl.time")
	fl=$2
	sort -n "$work/lag" | awk -v fx="$fx" -v fl="$fl" -v ok=$([ "$have" = "$want" ] && echo 1 || echo 0) '
		{ v[NR] = $1 } END { p = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]
			printf "%.3f %.3f %d %d %d\n", p, v[NR], fx, fl, ok }'
}

: >"$work/follow.res"
for kind in one hundred; do
	c=$(ceiling $kind)
	echo "$kind: the writer alone: $c messages/s"
	best=0 best_line=
	case $kind in
	one) rates="1000 4000 8000 12000 16000 24000 32000 48000" ;;
	hundred) rates="10000 40000 80000 160000 320000 640000" ;;
	esac
	for r in $rates; do
		[ "$r" -le "$c" ] || break
		set -- $(one $kind $r)
		echo "$kind: $r messages/s for $secs s: p99 lag $1 s, max $2 s, peak RSS extract $(($3 / 1024)) MiB, load $(($4 / 1024)) MiB, all there: $5"
		echo "$kind $c $r $*" >>"$work/follow.res"
		if [ "$5" = 1 ] && awk -v p="$1" 'BEGIN { exit !(p < 1) }'; then best=$r; else break; fi
	done
	echo "$kind: highest rate kept with p99 lag under 1 s: $best messages/s (ceiling $c)"
done
awk -v secs="$secs" '
	{ k = $1; c[k] = $2; if ($8 == 1 && $4 < 1) { best[k] = $3; p99[k] = $4; fx[k] = $6; fl[k] = $7 } }
	END {
		printf "{\"seconds\":%d", secs
		for (k in c) printf ",\"%s\":{\"ceiling\":%d,\"best\":%d,\"p99_lag\":%.3f,\"extract_rss_mib\":%.1f,\"load_rss_mib\":%.1f}", k, c[k], best[k], p99[k], fx[k] / 1024, fl[k] / 1024
		print "}"
	}' "$work/follow.res" >bench/follow.json
psql -X -q -At "$pg_base dbname=postgres" -c "SELECT pg_drop_replication_slot(slot_name)
	FROM pg_replication_slots WHERE database = 'bench_follow' AND NOT active" >/dev/null
