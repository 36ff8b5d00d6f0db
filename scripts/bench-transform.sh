#!/bin/sh
# bench-transform.sh [MESSAGES] - ferry-transform on the messages table as
# a stream file, file to file: the identity spec, and a spec that renames
# the table and a column, casts two columns, converts a DATETIME from a
# zone and masks two columns, and a spec that filters rows by a "where"
# expression and adds two computed columns.  Medians of 3 runs, wall seconds and peak
# RSS.  Needs the test servers to make the stream (database `bench`).
# Writes bench/transform.json.
. "$(dirname "$0")/bench-common.sh"
bench_db mysql

"$bin/ferry-extract" "$my_uri" -t messages -o "$work/messages-t.ferry"
echo '{"tables": {}}' >"$work/identity.json"
cat >"$work/full.json" <<'EOT'
{"tables": {"messages": {
  "rename": "chat_messages",
  "columns": {
    "body": {"rename": "text", "mask": {"method": "hmac", "key_env": "FERRY_BENCH_KEY"}},
    "kind": {"cast": "text", "mask": {"method": "keep_last", "n": 2}},
    "reply_to_id": {"cast": "text"},
    "created_at": {"zone": "Asia/Tokyo"}}}}}
EOT
cat >"$work/filter.json" <<'EOT'
{"tables": {"messages": {
  "where": "kind <> 'system' AND body IS NOT NULL AND created_at >= '2000-01-01'",
  "add": {
    "body_chars": {"expr": "length(body)"},
    "label": {"expr": "upper(kind) || ':' || sender_id"}}}}}
EOT
export FERRY_BENCH_KEY=bench-key

echo "bench: $n messages; medians of 3 runs" >&2
set -- $(median t_id "'$bin/ferry-transform' -s '$work/identity.json' '$work/messages-t.ferry' -o '$work/out-t.ferry'")
id_s=$1 id_rss=$2
outrows() { "$bin/ferry-cat" -f summary "$work/out-t.ferry" | awk '/^total:/ { print $4 }'; }
[ "$(outrows)" = "$n" ] || { echo "bench-transform: identity: FAILED: $(outrows) rows out, not $n" >&2; exit 1; }
set -- $(median t_full "'$bin/ferry-transform' -s '$work/full.json' '$work/messages-t.ferry' -o '$work/out-t.ferry'")
full_s=$1 full_rss=$2
[ "$(outrows)" = "$n" ] || { echo "bench-transform: full spec: FAILED: $(outrows) rows out, not $n" >&2; exit 1; }
set -- $(median t_filter "'$bin/ferry-transform' -s '$work/filter.json' '$work/messages-t.ferry' -o '$work/out-t.ferry'")
filter_s=$1 filter_rss=$2
"$bin/ferry-cat" --check -q "$work/out-t.ferry" || { echo "bench-transform: filter spec: FAILED: a bad output stream" >&2; exit 1; }
set -- $(median t_check "'$bin/ferry-cat' --check -q '$work/messages-t.ferry'")
ck_s=$1 ck_rss=$2

awk -v n="$n" -v a="$ck_s" -v ar="$ck_rss" -v b="$id_s" -v br="$id_rss" \
    -v c="$full_s" -v cr="$full_rss" -v d="$filter_s" -v dr="$filter_rss" '
function line(name, s, rss) {
	printf "%-52s %7.2f %10.0f %8.1f\n", name, s, n / s, rss / 1024
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"peak_rss_mib\":%.1f}",
	    (k++ ? "," : ""), name, s, n / s, rss / 1024 >> "bench/transform.json"
}
BEGIN {
	printf "{\"messages\":%d,\"results\":[", n > "bench/transform.json"
	printf "%-52s %7s %10s %8s\n", "messages stream, file to file", "wall s", "rows/s", "RSS MiB"
	line("ferry-cat --check (reading alone)", a, ar)
	line("ferry-transform, identity spec", b, br)
	line("ferry-transform, rename+cast+zone+mask spec", c, cr)
	line("ferry-transform, where + 2 computed columns", d, dr)
	print "]}" >> "bench/transform.json"
}'
