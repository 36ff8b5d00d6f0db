#!/bin/sh
# check-layers.sh [ROOT] - the include order of lib/README.md, checked.
# Prints each include that runs against it as "FILE:LINE: ...", and exits
# 1 when there is one.  ROOT (default .) holds lib/ and cmd/.
#
#   layer  folder          may include (with its own folder)
#   0      base/           the C library and the packages' headers
#   1      stream/         base/
#   2      db/             base/ stream/; db/*.c also the engine folders
#   2      db/mysql/ db/pg/  base/ stream/ db/ (not each other)
#   2      transform/      base/ stream/ (not db/)
#   3      stage/          all of the above but the engine folders
#   4      cmd/            lib/ but the engine folders
#
# <mysql.h>, <mysqld_error.h>, <errmsg.h> and <libpq-fe.h> only in
# db/mysql/ and db/pg/ respectively.  Every include of a ferry header
# names its folder ("base/buf.h") and the file exists.
root=${1:-.}
cd "$root" || exit 2
find lib cmd -name '*.[ch]' | sort | while read -r f; do
	grep -n '^#include' "$f" | sed "s|^|$f:|"
done | awk -F: '
function folder(p,   d) {
	d = p
	sub(/\/[^\/]*$/, "", d)
	sub(/^lib\//, "", d)
	return d
}
function rank(d) {
	if (d == "base") return 0
	if (d == "stream") return 1
	if (d == "db" || d == "db/mysql" || d == "db/pg" || d == "transform")
		return 2
	if (d == "stage") return 3
	if (d ~ /^cmd/) return 4
	return -1
}
function bad(msg) {
	printf "%s:%s: %s\n", file, line, msg
	n++
}
{
	file = $1; line = $2
	inc = $0
	sub(/^[^:]*:[^:]*:#include[ \t]*/, "", inc)
	from = folder(file)
	if (rank(from) < 0) { bad("a file outside the folders of lib/README.md"); next }
	if (inc ~ /^</) {
		h = inc
		gsub(/[<>]/, "", h)
		if ((h == "mysql.h" || h == "mysqld_error.h" || h == "errmsg.h") && from != "db/mysql")
			bad("includes " inc " outside lib/db/mysql/")
		if (h == "libpq-fe.h" && from != "db/pg")
			bad("includes " inc " outside lib/db/pg/")
		next
	}
	h = inc
	gsub(/"/, "", h)
	to = h
	if (to !~ /\//) { bad("includes " inc " without its folder"); next }
	sub(/\/[^\/]*$/, "", to)
	if (system("test -f lib/" h) != 0) { bad("includes " inc ", which lib/ does not hold"); next }
	if (to == from) next
	if (rank(to) < 0) { bad("includes " inc " from an unknown folder"); next }
	engine_to = (to == "db/mysql" || to == "db/pg")
	engine_from = (from == "db/mysql" || from == "db/pg")
	if (engine_to && !(from == "db" && file ~ /\.c$/)) {
		bad("includes " inc ": an engine folder, for lib/db/*.c only")
		next
	}
	if (engine_from && to == "db") next
	if (from == "db" && engine_to) next
	if (rank(to) >= rank(from))
		bad("includes " inc ": " to "/ is not below " from "/")
}
END { exit n > 0 }
'
