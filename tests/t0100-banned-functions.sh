#!/bin/sh
# Functions STYLE.md bans do not appear in lib/ or cmd/
. "$(dirname "$0")/lib.sh"

test_expect_success 'no atoi, sprintf, strcpy, strcat, strtok, gets, getline' '
	! grep -nE "\<(atoi|atol|sprintf|vsprintf|strcpy|strcat|strncpy|strtok|gets|getline)\s*\(" \
		$(find "$TEST_ROOT/lib" "$TEST_ROOT/cmd" -name "*.[ch]") >found &&
	test ! -s found
'

test_expect_success 'lib/ never prints to stdout or stderr and never exits' '
	! grep -nE "\<(printf|puts|exit|_exit|abort)\s*\(|\<(stdout|stderr)\>" \
		$(find "$TEST_ROOT/lib" -name "*.c" | grep -v -e /cli.c -e /progress.c) >found &&
	test ! -s found
'

test_expect_success 'no variable-length arrays (built with -Wvla -Werror)' '
	grep -q -- "-Wvla" "$TEST_ROOT/Makefile"
'

test_done
