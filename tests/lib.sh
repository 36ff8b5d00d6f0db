# tests/lib.sh - a small git-style TAP library for ferry's shell tests.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'title' 'commands'
#   test_done
#
# Each script runs in its own scratch folder (tests/trash/<script>/), which
# is removed when every test passed and kept when one failed.  Only TAP goes
# to stdout; the output of the commands under test goes to stderr when
# FERRY_TEST_VERBOSE is set, and otherwise to a file kept as
# failed-N.log in the scratch folder when test N fails (tests/run-all.sh
# prints the end of each after a failed run, so CI's log shows the cause).

TEST_ROOT=$(cd "$(dirname "$0")/.." && pwd)
TEST_NAME=$(basename "$0" .sh)
FERRY_BIN=${FERRY_BIN:-$TEST_ROOT/build/asan}
TESTDATA=$TEST_ROOT/testdata
PATH=$FERRY_BIN:$PATH
export PATH FERRY_BIN TESTDATA TEST_ROOT

# sanitizers: any report fails the command (and so the test)
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS
LC_ALL=C.UTF-8
export LC_ALL

TRASH=$TEST_ROOT/tests/trash/$TEST_NAME
rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_cleanup=

if [ -n "$FERRY_TEST_VERBOSE" ]; then
	exec 4>&2
else
	exec 4>/dev/null
fi

say() {
	printf '# %s\n' "$*"
}

# test_when_finished CMD: run CMD after the current test, pass or fail
test_when_finished() {
	test_cleanup="$*
$test_cleanup"
}

test_run_() {
	test_cleanup=
	if [ -z "$FERRY_TEST_VERBOSE" ]; then
		exec 4>"$TRASH/.test.log"
	fi
	{
		eval "$1"
	} >&4 2>&4
	test_rc_=$?
	cd "$TRASH" || exit 1
	if [ -n "$test_cleanup" ]; then
		(eval "$test_cleanup") >&4 2>&4
	fi
	return $test_rc_
}

test_expect_success() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		printf 'ok %d - %s\n' "$test_count" "$1"
	else
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n' "$test_count" "$1"
		if [ -z "$FERRY_TEST_VERBOSE" ]; then
			cp "$TRASH/.test.log" "$TRASH/failed-$test_count.log"
		fi
		printf '%s\n' "$2" | sed 's/^/#	/'
	fi
}

# test_expect_known_breakage TITLE WHY CMDS: a case that is known to fail
# today, said with its reason: TAP's TODO, which prove does not count as
# a failure (and reports if it passes: then drop the mark)
test_expect_known_breakage() {
	test_count=$((test_count + 1))
	if test_run_ "$3"; then
		printf 'ok %d - %s # TODO known breakage vanished: %s\n' \
			"$test_count" "$1" "$2"
	else
		printf 'not ok %d - %s # TODO known breakage: %s\n' \
			"$test_count" "$1" "$2"
	fi
}

# test_skip TITLE REASON
test_skip() {
	test_count=$((test_count + 1))
	printf 'ok %d # skip %s (%s)\n' "$test_count" "$1" "$2"
}

# test_expect_code N CMD...: CMD must exit with exactly N
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "test_expect_code: '$*' exited $got, expected $want" >&2
		return 1
	fi
	return 0
}

# test_must_fail CMD...: CMD must fail, but not by a signal or a sanitizer
test_must_fail() {
	"$@"
	got=$?
	if [ "$got" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ "$got" -gt 128 ]; then
		echo "test_must_fail: '$*' died with $got" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL
test_cmp() {
	diff -u "$1" "$2" >&2
}

# test_file_not_empty FILE
test_file_not_empty() {
	if [ ! -s "$1" ]; then
		echo "'$1' is empty or missing" >&2
		return 1
	fi
}

# test_must_be_empty FILE, with what it holds shown on failure
test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "'$1' is not empty:" >&2
		cat "$1" >&2
		return 1
	fi
}

# test_grep PATTERN FILE (fixed string), with the file shown on failure
test_grep() {
	if ! grep -F -q -- "$1" "$2"; then
		echo "'$1' not found in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

test_done() {
	printf '1..%d\n' "$test_count"
	if [ "$test_failed" -eq 0 ]; then
		cd "$TEST_ROOT" && rm -rf "$TRASH"
		exit 0
	fi
	say "failed $test_failed of $test_count; scratch kept in $TRASH"
	exit 1
}

# --- databases (the servers of scripts/testdb.sh) ---------------------------

# test_need_db: skip the whole script when the test servers are not set up
test_need_db() {
	if [ -z "${FERRY_TEST_MYSQL_SOCKET:-}" ] || [ -z "${FERRY_TEST_PG_HOST:-}" ]; then
		printf '1..0 # skip no test servers (run under scripts/with-testdb.sh)\n'
		cd "$TEST_ROOT" && rm -rf "$TRASH"
		exit 0
	fi
	TEST_DB=ferry_$(printf '%s' "$TEST_NAME" | tr -c 'a-zA-Z0-9_\n' '_')
	MY_URI="mysql://root@localhost/$TEST_DB?socket=$FERRY_TEST_MYSQL_SOCKET"
	PG_URI="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=$TEST_DB"
	export TEST_DB MY_URI PG_URI
}

# my_sql [SQL]: run SQL (or stdin) in the test's MariaDB database, utf8mb4
my_sql() {
	if [ $# -gt 0 ]; then
		mariadb --no-defaults --default-character-set=utf8mb4 \
			-S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch "$TEST_DB" -e "$1"
	else
		mariadb --no-defaults --default-character-set=utf8mb4 \
			-S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch "$TEST_DB"
	fi
}

# pg_sql [SQL]: run SQL (or stdin) in the test's PostgreSQL database
pg_sql() {
	if [ $# -gt 0 ]; then
		psql -X -q -v ON_ERROR_STOP=1 -At -h "$FERRY_TEST_PG_HOST" \
			-p "$FERRY_TEST_PG_PORT" -U ferry -d "$TEST_DB" -c "$1"
	else
		psql -X -q -v ON_ERROR_STOP=1 -At -h "$FERRY_TEST_PG_HOST" \
			-p "$FERRY_TEST_PG_PORT" -U ferry -d "$TEST_DB"
	fi
}

# pg_in DB [psql args]: psql into another PostgreSQL database of the
# test server, unaligned, tuples only
pg_in() {
	db=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At -h "$FERRY_TEST_PG_HOST" \
		-p "$FERRY_TEST_PG_PORT" -U ferry -d "$db" "$@"
}

# my_in DB [mariadb args]: the client into another MariaDB database
my_in() {
	db=$1
	shift
	mariadb --no-defaults --default-character-set=utf8mb4 \
		-S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch -N "$db" "$@"
}

# my_fresh_db / pg_fresh_db: (re)create the test's own database
my_fresh_db() {
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`$TEST_DB\`; CREATE DATABASE \`$TEST_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
}

pg_fresh_db() {
	psql -X -q -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry \
		-d postgres -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" \
		-c "CREATE DATABASE \"$TEST_DB\"" 2>/dev/null
}

# A load fed half a stream and killed with SIGKILL at a point:
#   load_fed FILE BYTES LOAD-ARGS...
#	start `ferry-load LOAD-ARGS -i fed.fifo` (stderr in fed.err), fed the
#	first BYTES of FILE and then nothing, the stream held open as by a
#	producer that stalls; their pids in load.pid and feed.pid
#   wait_count N CMD...
#	run CMD (a count query) every 0.1 s until it prints N or more; 1
#	after 30 s
#   kill_fed
#	SIGKILL the load and its feed
#   kill_pids
#	for `trap kill_pids EXIT`: SIGKILL whatever *.pid the scratch holds
load_fed() {
	lf_file=$1 lf_bytes=$2
	shift 2
	rm -f fed.fifo && mkfifo fed.fifo || return 1
	( (head -c "$lf_bytes" "$lf_file" && exec sleep 60) >fed.fifo &
	  echo $! >feed.pid )
	( ferry-load "$@" -i fed.fifo 2>fed.err &
	  echo $! >load.pid )
}

wait_count() {
	wc_want=$1 wc_i=0
	shift
	while [ $wc_i -lt 300 ]; do
		wc_v=$("$@" 2>/dev/null)
		[ "${wc_v:-0}" -ge "$wc_want" ] 2>/dev/null && return 0
		wc_i=$((wc_i + 1))
		sleep 0.1
	done
	echo "wait_count: '$*' printed '$wc_v', never $wc_want or more" >&2
	return 1
}

kill_fed() {
	kill -9 $(cat load.pid) $(cat feed.pid) 2>/dev/null
	rm -f load.pid feed.pid fed.fifo
}

kill_pids() {
	for f in "$TRASH"/*.pid; do
		[ -s "$f" ] && kill -9 $(cat "$f") 2>/dev/null
	done
	true
}
