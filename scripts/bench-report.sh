#!/bin/sh
# bench-report.sh [RESULTS] - gather what the bench-*.sh scripts wrote in
# bench/*.json into one file, RESULTS (default bench/results.json), with
# the date, the machine and the commit; print the summary of the aims; and
# with BASELINE=FILE (an earlier RESULTS), print every figure's change.
set -eu
cd "$(dirname "$0")/.."
out=${1:-bench/results.json}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
set --
for part in stream extract load verify transform migrate parallel engines sync follow follow-mysql; do
	[ -s "bench/$part.json" ] || {
		echo "bench-report: bench/$part.json is missing" >&2
		exit 1
	}
	set -- "$@" --slurpfile "$(echo "$part" | tr - _)" "bench/$part.json"
done
jq -n "$@" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$commit" \
	--arg cpus "$(nproc)" --arg mem "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)" '
	{date: $date, commit: $commit,
	 machine: {cpus: ($cpus | tonumber), mem_kib: ($mem | tonumber)},
	 stream: $stream[0], extract: $extract[0], load: $load[0],
	 verify: $verify[0], transform: $transform[0], migrate: $migrate[0],
	 parallel: $parallel[0], engines: $engines[0],
	 sync: $sync[0], follow: $follow[0], follow_mysql: $follow_mysql[0]}' >"$out.tmp"
mv "$out.tmp" "$out"
echo "bench: results in $out"

# the aims: 3x faster than pgloader, within 1.3x of the limit, every
# ferry stage under 64 MiB
jq -r '
	def r(s; n): (.migrate.results[] | select(.name == n + "-" + s));
	def ferry_rss: [.[] | objects | .results? // [] | .[]
		| select(.name | test("ferry|encode|decode|check"))
		| .peak_rss_mib] | max;
	"aims, MariaDB -> PostgreSQL:",
	(["messages", "all"][] as $s |
		(r($s; "ferry") // {}) as $f |
		if $f.seconds then
			"  \(if $s == "all" then "whole database" else "messages table" end): ferry \($f.seconds)s, pgloader \(r($s; "pgloader").seconds // "FAILED")s, limit \(r($s; "limit").seconds // "FAILED")s: \($f.times_faster_than_pgloader // 0 | . * 100 | round / 100)x faster than pgloader (aim 3x), \($f.vs_limit // 0 | . * 100 | round / 100)x the limit (aim 1.3x)"
		else "  \($s): the ferry pipeline FAILED" end),
	"  largest peak RSS of a ferry process: \(ferry_rss) MiB (aim under 64 MiB)",
	"real time, PostgreSQL -> PostgreSQL (--follow, \(.follow.seconds) s per rate):",
	(["one", "hundred"][] as $k | .follow[$k] as $f |
		"  \(if $k == "one" then "1-row" else "100-row" end) transactions: \($f.best) messages/s with p99 lag \($f.p99_lag) s (aim 10000/s under 1 s; the writer alone \($f.ceiling)/s), peak RSS extract \($f.extract_rss_mib) MiB, load \($f.load_rss_mib) MiB (aim 32 MiB)"),
	"real time, MariaDB -> PostgreSQL (--follow, the binary log, \(.follow_mysql.seconds) s per rate):",
	(["one", "hundred"][] as $k | .follow_mysql[$k] as $f |
		"  \(if $k == "one" then "1-row" else "100-row" end) transactions: \($f.best) messages/s with p99 lag \($f.p99_lag) s (aim 10000/s under 1 s; the writer alone \($f.ceiling)/s), peak RSS extract \($f.extract_rss_mib) MiB, load \($f.load_rss_mib) MiB (aim 32 MiB)")
' "$out"

if [ -n "${BASELINE:-}" ]; then
	[ -s "$BASELINE" ] || {
		echo "bench-report: BASELINE $BASELINE: no such file" >&2
		exit 1
	}
	echo "change against $BASELINE (seconds; negative is faster):"
	jq -r --slurpfile base "$BASELINE" '
		def rows(d): [d | to_entries[] | select(.value | type == "object")
			| .key as $p | .value.results? // [] | .[]
			| select(.seconds) | {k: ($p + ": " + .name + (if .set then " (" + .set + ")" else "" end)), s: .seconds}];
		(rows($base[0]) | map({(.k): .s}) | add // {}) as $old |
		rows(.)[] | select($old[.k]) |
		"  \(.k): \($old[.k]) -> \(.s) s (\(((.s - $old[.k]) / $old[.k] * 100) | round)%)"
	' "$out"
fi
