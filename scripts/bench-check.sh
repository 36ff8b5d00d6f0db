#!/bin/sh
# bench-check.sh [MESSAGES] - the preflight on the reference chat database
# in MariaDB: `ferry-extract --inventory` (its report kept in
# bench/inventory.txt and .json, with and without --exact), and
# `ferry-load --check --create` of the whole database's stream into an
# empty PostgreSQL database next to the real `ferry-load --create` of the
# same stream.  Medians of 3 runs, with peak memory; writes
# bench/check.json.  Needs the test servers.
. "$(dirname "$0")/bench-common.sh"
pgq() { psql -X -q -At "$pg_base dbname=$1" -c "$2"; }
bench_db mysql

fresh() { # fresh: an empty target database
	pgq postgres "DROP DATABASE IF EXISTS bench_to" >/dev/null 2>&1
	pgq postgres "CREATE DATABASE bench_to" >/dev/null
}

inv=$(median inventory "'$bin/ferry-extract' --inventory '$my_uri' --all-tables \
	--time-column messages=created_at >'$work/inventory.txt'")
inv_exact=$(median inventory_exact "'$bin/ferry-extract' --inventory '$my_uri' --all-tables --exact \
	--time-column messages=created_at --report bench/inventory.json >bench/inventory.txt")
"$bin/ferry-extract" "$my_uri" --all-tables -o "$work/chat.ferry"

fresh
check=$(median check "'$bin/ferry-load' --check --create '$pg_base dbname=bench_to' \
	-i '$work/chat.ferry' --report '$work/check.json' >'$work/check.txt'")
# the check wrote nothing and found nothing
[ "$(pgq bench_to "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] || {
	echo "bench-check: --check created a table: FAILED" >&2
	exit 1
}
jq -e '.clean' "$work/check.json" >/dev/null || {
	echo "bench-check: --check found problems in the reference database" >&2
	exit 1
}
: >"$work/loads"
for i in 1 2 3; do
	fresh
	run load "'$bin/ferry-load' --create '$pg_base dbname=bench_to' -i '$work/chat.ferry'" >>"$work/loads"
	[ "$(pgq bench_to "SELECT count(*) FROM messages")" = "$n" ] || {
		echo "bench-check: load: FAILED: not $n messages" >&2
		exit 1
	}
done
load=$(sort -n "$work/loads" | sed -n 2p)
bytes=$(wc -c <"$work/chat.ferry")

set -- $inv; inv_s=$1 inv_kib=$2
set -- $inv_exact; invx_s=$1 invx_kib=$2
set -- $check; check_s=$1 check_kib=$2
set -- $load; load_s=$1 load_kib=$2
printf '%s messages, stream of %s bytes, medians of 3\n' "$n" "$bytes"
printf '  %-40s %8s s %8s KiB\n' \
	"ferry-extract --inventory" "$inv_s" "$inv_kib" \
	"ferry-extract --inventory --exact" "$invx_s" "$invx_kib" \
	"ferry-load --check --create" "$check_s" "$check_kib" \
	"ferry-load --create" "$load_s" "$load_kib"
awk -v c="$check_s" -v l="$load_s" 'BEGIN { printf "  --check takes %.2f of the load'"'"'s time\n", c / l }'
cat >bench/check.json <<EOJ
{"messages": $n, "stream_bytes": $bytes,
 "inventory": {"seconds": $inv_s, "rss_kib": $inv_kib},
 "inventory_exact": {"seconds": $invx_s, "rss_kib": $invx_kib},
 "check": {"seconds": $check_s, "rss_kib": $check_kib},
 "load": {"seconds": $load_s, "rss_kib": $load_kib}}
EOJ
