#!/bin/sh
# Run every test (shell scripts, C unit tests, fuzz replay drivers) under
# prove.  The binaries are the ASan/UBSan build in build/asan.
set -u
cd "$(dirname "$0")/.." || exit 1
jobs=${TEST_JOBS:-2}
set --
for t in tests/t[0-9][0-9][0-9][0-9]-*.sh build/asan/tests/test-* \
	build/asan/tests/replay-*; do
	case $t in *.d | *.o) continue ;; esac
	[ -e "$t" ] && set -- "$@" "$t"
done
exec prove -j"$jobs" --exec 'sh tests/run-test.sh' "$@"
