#!/bin/sh
# Run every test (shell scripts, C unit tests, fuzz replay drivers) under
# prove.  The binaries are the ASan/UBSan build in build/asan.  After a
# failed run, the end of what each failed test's commands printed (kept by
# tests/lib.sh as tests/trash/SCRIPT/failed-N.log) follows prove's summary.
set -u
cd "$(dirname "$0")/.." || exit 1
jobs=${TEST_JOBS:-2}
set --
for t in tests/t[0-9][0-9][0-9][0-9]-*.sh build/asan/tests/test-* \
	build/asan/tests/replay-*; do
	case $t in *.d | *.o) continue ;; esac
	[ -e "$t" ] && set -- "$@" "$t"
done
rm -f tests/trash/*/failed-*.log
prove -j"$jobs" --exec 'sh tests/run-test.sh' "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
	for f in tests/trash/*/failed-*.log; do
		[ -e "$f" ] || continue
		echo "=== $f (its last 60 lines)"
		tail -n 60 "$f"
	done
fi
exit "$rc"
