#!/bin/sh
# bench-stream.sh [ROWS] - ferry-cat encode/decode throughput and peak memory
# on ROWS chat-message-like rows (default 1,000,000), measured with
# /usr/bin/time -v.  Prints a table; writes bench/stream.json.
# The database benchmark against pgloader and psql \copy comes with
# ferry-extract and ferry-load.
set -eu
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cat_bin=${FERRY_CAT:-build/ferry-cat}
work=${BENCH_DIR:-bench/work}
mkdir -p "$work" bench
schema=testdata/bench/messages.schema.json
jsonl=$work/messages-$rows.jsonl

if [ ! -s "$jsonl" ]; then
	echo "bench: generating $rows rows" >&2
	awk -v n="$rows" -f scripts/gen-messages.awk >"$jsonl.tmp"
	mv "$jsonl.tmp" "$jsonl"
fi

# run NAME CMD...: wall seconds and peak RSS (KiB) of one run
run() {
	name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" "$@"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
	echo "$wall $rss"
}

best() { # three runs, the median
	name=$1
	shift
	for i in 1 2 3; do run "$name" "$@"; done | sort -n | sed -n 2p
}

jsonl_bytes=$(wc -c <"$jsonl")
set -- $(best encode "$cat_bin" --encode -S "$schema" -o "$work/m.ferry" "$jsonl")
enc_s=$1 enc_rss=$2
set -- $(best encode0 "$cat_bin" --encode -S "$schema" -l 0 -o "$work/m0.ferry" "$jsonl")
enc0_s=$1 enc0_rss=$2
"$cat_bin" -f summary "$work/m.ferry" >"$work/summary"
raw=$(awk '/^  raw bytes:/ {print $3}' "$work/summary")
stored=$(awk '/^  stored bytes:/ {print $3}' "$work/summary")
set -- $(best check sh -c "\"$cat_bin\" --check -q \"$work/m.ferry\"")
chk_s=$1 chk_rss=$2
set -- $(best decode sh -c "\"$cat_bin\" \"$work/m.ferry\" >/dev/null")
dec_s=$1 dec_rss=$2
set -- $(best tsv sh -c "\"$cat_bin\" -f tsv \"$work/m.ferry\" >/dev/null")
tsv_s=$1 tsv_rss=$2
tsv_bytes=$("$cat_bin" -f tsv "$work/m.ferry" | wc -c)
set -- $(best check0 sh -c "\"$cat_bin\" --check -q \"$work/m0.ferry\"")
chk0_s=$1 chk0_rss=$2

awk -v rows="$rows" -v raw="$raw" -v stored="$stored" -v jb="$jsonl_bytes" -v tb="$tsv_bytes" \
    -v enc="$enc_s" -v encr="$enc_rss" -v enc0="$enc0_s" -v enc0r="$enc0_rss" \
    -v chk="$chk_s" -v chkr="$chk_rss" -v dec="$dec_s" -v decr="$dec_rss" \
    -v tsv="$tsv_s" -v tsvr="$tsv_rss" -v chk0="$chk0_s" -v chk0r="$chk0_rss" '
function line(name, s, rss) {
	printf "%-38s %8.2f %12.0f %10.1f %10.1f\n", name, s, rows / s,
	    raw / s / 1e6, rss / 1024
	printf "%s{\"name\":\"%s\",\"seconds\":%.3f,\"rows_per_s\":%.0f,\"raw_mb_per_s\":%.1f,\"peak_rss_mib\":%.1f}",
	    (n++ ? "," : ""), name, s, rows / s, raw / s / 1e6, rss / 1024 >> "bench/stream.json"
}
BEGIN {
	printf "{\"rows\":%d,\"jsonl_bytes\":%d,\"tsv_bytes\":%d,\"raw_bytes\":%d,\"stored_bytes\":%d,\"stored_bytes_per_row\":%.1f,\"tsv_over_stored\":%.2f,\"results\":[", rows, jb, tb, raw, stored, stored / rows, tb / stored > "bench/stream.json"
	printf "rows %d; JSON lines %.1f MB; TSV %.1f MB; raw payload %.1f MB; zstd-1 stream %.1f MB (%.1f bytes/row, %.2fx smaller than the TSV)\n",
	    rows, jb / 1e6, tb / 1e6, raw / 1e6, stored / 1e6, stored / rows, tb / stored
	printf "%-38s %8s %12s %10s %10s\n", "step", "wall s", "rows/s", "raw MB/s", "RSS MiB"
	line("encode JSON lines -> stream (zstd -1)", enc, encr)
	line("encode JSON lines -> stream (stored)", enc0, enc0r)
	line("check (zstd -1)", chk, chkr)
	line("check (stored)", chk0, chk0r)
	line("decode -> JSON lines", dec, decr)
	line("decode -> TSV", tsv, tsvr)
	print "]}" >> "bench/stream.json"
}'
