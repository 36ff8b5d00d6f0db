#!/bin/sh
# demo.sh - what `make demo` runs, inside scripts/with-testdb.sh: the
# reference chat database (10,000 messages) is generated into throwaway
# MariaDB and PostgreSQL servers from one seed, both are extracted with
# ferry-extract, and the streams are checked and compared table by table.
# Loading into the target (ferry-load) and ferry-verify come next.
set -eu
cd "$(dirname "$0")/.."
bin=${FERRY_BIN:-build}
out=${DEMO_DIR:-build/demo}
n=${DEMO_MESSAGES:-10000}
mkdir -p "$out"
: "${FERRY_TEST_MYSQL_SOCKET:?run through scripts/with-testdb.sh}"
my_uri="mysql://root@localhost/demo_chat?socket=$FERRY_TEST_MYSQL_SOCKET"
pg_uri="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=demo_chat"

step() { printf '\n$ %s\n' "$*"; }

step "load-chat.sh mysql $n demo_chat; load-chat.sh postgres $n demo_chat"
sh scripts/load-chat.sh mysql "$n" demo_chat 2>/dev/null
sh scripts/load-chat.sh postgres "$n" demo_chat 2>/dev/null
echo "the same $n-message chat database in MariaDB and in PostgreSQL"

step ferry-extract "'$my_uri'" --all-tables --stats "$out/mysql.json" -o "$out/mysql.ferry"
"$bin/ferry-extract" "$my_uri" --all-tables --stats "$out/mysql.json" -o "$out/mysql.ferry"

step ferry-extract "'$pg_uri'" --all-tables -o "$out/postgres.ferry"
"$bin/ferry-extract" "$pg_uri" --all-tables -o "$out/postgres.ferry"

step ferry-cat -f summary -t messages "$out/mysql.ferry"
"$bin/ferry-cat" -f summary -t messages "$out/mysql.ferry" | sed -n '1,30p'

step ferry-cat -t messages "$out/mysql.ferry" "| head -3"
"$bin/ferry-cat" -t messages "$out/mysql.ferry" 2>/dev/null | head -3

step ferry-cat --check "$out/mysql.ferry"
"$bin/ferry-cat" --check "$out/mysql.ferry"

printf '\n%-16s %9s %9s  %s\n' table "MariaDB" "Postgres" "digests"
for f in mysql postgres; do
	"$bin/ferry-cat" -f summary "$out/$f.ferry" | awk '
		/^table / { t = $2 } /^  rows: / { r = $2 } /^  digest: / { print t, r, $2 }' \
		>"$out/$f.digests"
done
join "$out/mysql.digests" "$out/postgres.digests" | while read -r t r1 d1 r2 d2; do
	if [ "$d1" = "$d2" ]; then v="equal"; else v="differ (BIGINT UNSIGNED vs numeric(20))"; fi
	printf '%-16s %9s %9s  %s\n' "$t" "$r1" "$r2" "$v"
done

step "head -c 100000 $out/mysql.ferry | ferry-cat --check"
rc=0
head -c 100000 "$out/mysql.ferry" | "$bin/ferry-cat" --check || rc=$?
echo "exit status $rc: a cut-off stream is never taken for a whole one"
test "$rc" -eq 3

cat <<'EOT'

Next: ferry-load writes the stream into PostgreSQL, ferry-verify proves
both databases hold the same rows.
EOT
