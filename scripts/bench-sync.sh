#!/bin/sh
# bench-sync.sh [N] - the cron catch-up: the messages table of the
# reference chat database (N messages, default 1,000,000) copied once into
# PostgreSQL under a --job, then, three times each, a catch-up run that
# brings 10,000 new messages and a run with nothing new.  Medians of wall
# time and peak RSS of the whole pipeline; bench/sync.json.
. "$(dirname "$0")/bench-common.sh" "$@"
bench_db mysql

to="$pg_base dbname=bench_sync"
psql -X -q "$pg_base dbname=postgres" -c "DROP DATABASE IF EXISTS bench_sync" \
	-c "CREATE DATABASE bench_sync" 2>/dev/null
# new rows go at the end of the source; they are removed again at the end
top=$(my -N -e "SELECT MAX(id) FROM messages")
trap 'my -e "DELETE FROM messages WHERE id > $top" || true' EXIT

sync="$bin/ferry-extract '$my_uri' -t messages --incremental id --since-job bench '$to' --no-progress 2>/dev/null |
	$bin/ferry-load '$to' --create --job bench --commit-every 100000 --no-progress"

set -- $(run sync-bulk "$sync")
bulk_s=$1 bulk_kib=$2
echo "bulk copy under --job: $n messages in $bulk_s s, peak RSS $((bulk_kib / 1024)) MiB"

: >"$work/sync.res"
for i in 1 2 3; do
	my -e "INSERT INTO messages (conversation_id, sender_id, kind, body, reply_to_id,
		metadata, is_edited, is_deleted, created_at, edited_at, expires_at)
		SELECT conversation_id, sender_id, kind, body, NULL, metadata, is_edited,
		is_deleted, NOW(3), edited_at, expires_at FROM messages ORDER BY id LIMIT 10000"
	echo "new $(run sync-new "$sync")" >>"$work/sync.res"
	echo "none $(run sync-none "$sync")" >>"$work/sync.res"
done
have=$(psql -X -q -At "$to" -c "SELECT count(*) FROM messages")
want=$(my -N -e "SELECT COUNT(*) FROM messages")
[ "$have" = "$want" ] || {
	echo "bench-sync: the target has $have messages, the source $want" >&2
	exit 1
}
awk -v n="$n" -v bs="$bulk_s" -v bk="$bulk_kib" '
	{ s[$1] = s[$1] " " $2; k[$1] = k[$1] " " $3 }
	function med(list,  a, x, y, z) { split(list, a, " "); x = a[1] + 0; y = a[2] + 0; z = a[3] + 0
		if ((x - y) * (z - x) >= 0) return x; if ((y - x) * (z - y) >= 0) return y; return z }
	END {
		new = med(s["new"]); none = med(s["none"])
		printf "catch-up of 10,000 new messages into %d: %.2f s (median of 3), peak RSS %.1f MiB\n", n, new, med(k["new"]) / 1024
		printf "catch-up with nothing new: %.2f s (median of 3), peak RSS %.1f MiB\n", none, med(k["none"]) / 1024
		printf "{\"messages\":%d,\"bulk_seconds\":%.3f,\"bulk_peak_rss_mib\":%.1f,\"catchup_10k_seconds\":%.3f,\"catchup_10k_peak_rss_mib\":%.1f,\"nochange_seconds\":%.3f,\"nochange_peak_rss_mib\":%.1f}\n", n, bs, bk / 1024, new, med(k["new"]) / 1024, none, med(k["none"]) / 1024 > "bench/sync.json"
	}' "$work/sync.res"
