#!/bin/bash
# ferry-sync.sh - one catch-up run of a ferry job, for cron: the rows
# written at the source since the job's last committed run, into the
# target, under a lock so that two runs never overlap.
#
#   ferry-sync.sh CONFIG
#
#   */5 * * * *  ferry  /usr/local/share/ferry/ferry-sync.sh /etc/ferry/chat.conf
#
# CONFIG is a shell file of variables (keep it readable by its user only):
#
#   SOURCE='mysql://app@old-db/chat'          where rows come from
#   TARGET='postgres://app@new-db/chat'       where they go
#   JOB=chat-sync                             the ferry-load --job NAME
#   TABLES='users=updated_at messages=id'     TABLE=WATERMARK_COLUMN ...
#   SPEC=/etc/ferry/mapping.json              optional ferry-transform spec
#   COMMIT_EVERY=50000                        rows per transaction
#   MODE=                                     ferry-load -m: empty lets the
#                                             job choose (insert, then
#                                             upsert); upsert for a first
#                                             run into rows that exist
#   OVERLAP=0                                 ferry-extract --overlap
#   DELETES=0                                 1: also delete at the target
#                                             the keys gone from the source
#   RECONCILE='users chat_groups'             tables without a watermark,
#                                             compared whole every run: the
#                                             rows that differ written
#                                             again, the keys gone deleted
#   METRICS_DIR=/var/lib/node_exporter/textfile   optional .prom files
#   LOCK=/run/lock/ferry-sync-chat-sync.lock  default: in ${TMPDIR:-/tmp}
#   WAIT=0                                    seconds to wait for the lock
#   LOG=/var/log/ferry/chat-sync.log          optional: every run's messages
#   DEFAULTS_FILE=/etc/ferry/my.cnf           optional MySQL option file
#   FERRY_BIN=/usr/local/bin                  optional: where the tools are
#
# Passwords: never in CONFIG's URIs; PGPASSWORD or ~/.pgpass / the
# service file for PostgreSQL, an option file or FERRY_MYSQL_PASSWORD for
# MySQL (export them in CONFIG if need be).
#
# Quiet when the run succeeds (cron mails nothing); on failure the
# messages of every stage go to stderr.  Exit status: 0 done; 75 another
# run of the job holds the lock (nothing was done); 2 a bad CONFIG; else
# the exit status of the stage that failed (ferry's codes: 3 bad stream,
# 4 database, 5 spec, 7 interrupted, 8 system).  See ferry(7).
set -u -o pipefail

me=ferry-sync
die() {
	echo "$me: $*" >&2
	exit 2
}

[ $# -eq 1 ] || die "usage: ferry-sync.sh CONFIG"
[ -r "$1" ] || die "cannot read $1"
SOURCE= TARGET= JOB= TABLES= SPEC= COMMIT_EVERY=50000 OVERLAP=0 DELETES=0 MODE=
RECONCILE=
METRICS_DIR= LOCK= WAIT=0 LOG= DEFAULTS_FILE= FERRY_BIN=
# shellcheck disable=SC1090
. "$1" || die "$1: cannot be read as shell variables"
[ -n "$SOURCE" ] || die "$1: SOURCE is not set"
[ -n "$TARGET" ] || die "$1: TARGET is not set"
[ -n "$JOB" ] || die "$1: JOB is not set"
[ -n "$TABLES" ] || die "$1: TABLES is not set"
case "$WAIT" in *[!0-9]*) die "$1: WAIT is not a number of seconds" ;; esac
[ -n "$LOCK" ] || LOCK=${TMPDIR:-/tmp}/ferry-sync-$(printf '%s' "$JOB" | tr -c 'A-Za-z0-9_.-' _).lock
[ -n "$FERRY_BIN" ] && PATH=$FERRY_BIN:$PATH

# one run at a time: the lock is held until this script exits
exec 9>>"$LOCK" || die "cannot open the lock file $LOCK"
if ! flock -w "$WAIT" 9; then
	echo "$me: job $JOB: another run holds $LOCK; this one did nothing" >&2
	exit 75
fi

extract=(ferry-extract "$SOURCE" --since-job "$JOB" "$TARGET" --no-progress)
verify=(ferry-verify "$SOURCE" "$TARGET")
load=(ferry-load "$TARGET" --no-progress)
case "$TARGET" in
mysql://*) [ -n "$DEFAULTS_FILE" ] && load+=(--defaults-file "$DEFAULTS_FILE") ;;
esac
delete=("${load[@]}" --mode delete)
upsert=("${load[@]}" --mode upsert)
load+=(--job "$JOB" --commit-every "$COMMIT_EVERY")
[ -n "$MODE" ] && load+=(-m "$MODE")
for t in $TABLES; do
	case "$t" in
	?*=?*) ;;
	*) die "$1: TABLES: '$t' is not TABLE=WATERMARK_COLUMN" ;;
	esac
	extract+=(-t "${t%%=*}" --incremental "$t")
	verify+=(-t "${t%%=*}")
done
[ "$OVERLAP" != 0 ] && extract+=(--overlap "$OVERLAP")
if [ -n "$DEFAULTS_FILE" ]; then
	extract+=(--defaults-file "$DEFAULTS_FILE")
	verify+=(--defaults-file "$DEFAULTS_FILE")
fi
if [ -n "$METRICS_DIR" ]; then
	extract+=(--metrics-file "$METRICS_DIR/ferry-extract-$JOB.prom")
	load+=(--metrics-file "$METRICS_DIR/ferry-load-$JOB.prom")
	verify+=(--metrics-file "$METRICS_DIR/ferry-verify-$JOB.prom")
fi
[ -n "$SPEC" ] && verify+=(-s "$SPEC")

work=$(mktemp -d "${TMPDIR:-/tmp}/ferry-sync.XXXXXX") || exit 8
trap 'rm -rf "$work"' EXIT
log=$work/messages
start=$(date +%s)

# the catch-up: every stage's failure fails the run (pipefail)
if [ -n "$SPEC" ]; then
	"${extract[@]}" 2>>"$log" | ferry-transform -s "$SPEC" 2>>"$log" |
		"${load[@]}" 2>>"$log"
	codes=("${PIPESTATUS[@]}")
else
	"${extract[@]}" 2>>"$log" | "${load[@]}" 2>>"$log"
	codes=("${PIPESTATUS[@]}")
fi
rc=0
for c in "${codes[@]}"; do
	# the first stage that failed on its own, not one stopped by it
	if [ "$c" != 0 ] && { [ "$rc" = 0 ] || [ "$rc" = 7 ]; }; then
		rc=$c
	fi
done

# keys deleted at the source since: found by comparing whole tables
if [ "$rc" = 0 ] && [ "$DELETES" = 1 ]; then
	"${verify[@]}" --emit-deletes "$work/deletes.ferry" >>"$log" 2>&1
	vrc=$?
	if [ $vrc -gt 1 ]; then
		rc=$vrc
	else
		"${delete[@]}" -i "$work/deletes.ferry" 2>>"$log" || rc=$?
	fi
fi

# small tables without a watermark: one comparison writes what differs
if [ "$rc" = 0 ] && [ -n "$RECONCILE" ]; then
	rec=(ferry-verify "$SOURCE" "$TARGET")
	for t in $RECONCILE; do rec+=(-t "$t"); done
	[ -n "$SPEC" ] && rec+=(-s "$SPEC")
	[ -n "$DEFAULTS_FILE" ] && rec+=(--defaults-file "$DEFAULTS_FILE")
	"${rec[@]}" --emit-upserts "$work/fix.ferry" \
		--emit-deletes "$work/gone.ferry" >>"$log" 2>&1
	vrc=$?
	if [ $vrc -gt 1 ]; then
		rc=$vrc
	elif [ $vrc = 1 ]; then
		"${upsert[@]}" -i "$work/fix.ferry" 2>>"$log" &&
			"${delete[@]}" -i "$work/gone.ferry" 2>>"$log" || rc=$?
	fi
fi

if [ -n "$LOG" ]; then
	{
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) job $JOB: exit $rc in $(($(date +%s) - start)) s"
		sed 's/^/  /' "$log"
	} >>"$LOG" 2>/dev/null || echo "$me: cannot append to $LOG" >&2
fi
if [ "$rc" != 0 ]; then
	echo "$me: job $JOB failed (exit $rc); the stages said:" >&2
	cat "$log" >&2
fi
exit "$rc"
