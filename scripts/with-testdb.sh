#!/bin/sh
# with-testdb.sh CMD... - run CMD with the throwaway MariaDB and PostgreSQL
# servers of scripts/testdb.sh running and their environment set.  Servers
# this script started are stopped afterwards, whatever CMD's outcome.
set -u
here=$(dirname "$0")
started=
if ! sh "$here/testdb.sh" status | grep -q "^mariadb: running" ||
	! sh "$here/testdb.sh" status | grep -q "^postgresql: running"; then
	started=1
fi
trap '[ -n "$started" ] && sh "$here/testdb.sh" stop' EXIT
trap 'exit 130' INT TERM
sh "$here/testdb.sh" start >/dev/null || exit 1
eval "$(sh "$here/testdb.sh" env)"
"$@"
