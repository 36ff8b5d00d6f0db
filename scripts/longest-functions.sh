#!/bin/sh
# longest-functions.sh [N] [FILE...] - the N (default 10) longest functions
# of lib/ and cmd/, as "LINES FILE:LINE NAME", longest first.  A function
# is what the kernel style (.clang-format) writes: a definition line at
# column 0 and its body from a "{" alone at column 0 to the "}" at column 0;
# LINES counts the body, braces included.
n=${1:-10}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- $(find lib cmd -name '*.c' | sort)
awk '
FNR == 1 { head = ""; start = 0 }
start == 0 && /^[A-Za-z_].*\(/ { head = $0; hline = FNR }
start == 0 && /^\{$/ {
	start = FNR
	name = head
	sub(/\(.*/, "", name)
	sub(/.*[ *]/, "", name)
	def = hline
	next
}
start && /^\}/ {
	printf "%d %s:%d %s\n", FNR - start + 1, FILENAME, def, name
	start = 0
}
' "$@" | sort -k1,1nr -k2 | head -n "$n"
