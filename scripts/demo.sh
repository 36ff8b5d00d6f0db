#!/bin/sh
# demo.sh - what `make demo` runs, inside scripts/with-testdb.sh: a real
# migration of the reference chat database (10,000 messages) from a
# throwaway MariaDB into a throwaway PostgreSQL, with a report and a check
# of every table.
set -eu
cd "$(dirname "$0")/.."
bin=${FERRY_BIN:-build}
out=${DEMO_DIR:-build/demo}
n=${DEMO_MESSAGES:-10000}
mkdir -p "$out"
: "${FERRY_TEST_MYSQL_SOCKET:?run through scripts/with-testdb.sh}"
my_uri="mysql://root@localhost/demo_chat?socket=$FERRY_TEST_MYSQL_SOCKET"
pg_base="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
pg_uri="$pg_base dbname=demo_chat"

step() { printf '\n$ %s\n' "$*"; }
now() { date +%s.%N; }

step "sh scripts/load-chat.sh mysql $n demo_chat"
sh scripts/load-chat.sh mysql "$n" demo_chat 2>/dev/null
echo "a chat database of $n messages in MariaDB"
psql -X -q "$pg_base dbname=postgres" -c "SET client_min_messages = warning" \
	-c "DROP DATABASE IF EXISTS demo_chat" -c "CREATE DATABASE demo_chat"

step ferry-extract "'$my_uri'" --all-tables "|" ferry-load "'$pg_uri'" --create
t0=$(now)
set +e
"$bin/ferry-extract" "$my_uri" --all-tables --stats "$out/extract.json" |
	"$bin/ferry-load" "$pg_uri" --create --stats "$out/load.json"
rc=$?
set -e
secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
[ "$rc" -eq 0 ] || { echo "demo: the migration failed ($rc)" >&2; exit 1; }

# what each side holds now, read back from the databases themselves
"$bin/ferry-extract" "$my_uri" --all-tables -o "$out/mysql.ferry"
"$bin/ferry-extract" "$pg_uri" --all-tables -o "$out/postgres.ferry"
for f in mysql postgres; do
	"$bin/ferry-cat" -f summary "$out/$f.ferry" | awk '
		/^table / { t = $2 } /^  rows: / { r = $2 } /^  digest: / { print t, r, $2 }' \
		>"$out/$f.digests"
done

printf '\n%-16s %9s %11s  %s\n' table MariaDB PostgreSQL "rows and values"
bad=0
join "$out/mysql.digests" "$out/postgres.digests" >"$out/joined"
while read -r t r1 d1 r2 d2; do
	if [ "$r1" != "$r2" ]; then
		v="ROW COUNTS DIFFER"
		bad=1
	elif [ "$d1" = "$d2" ]; then
		v="equal (digest $d1)"
	else
		v="DIGESTS DIFFER"
		bad=1
	fi
	printf '%-16s %9s %11s  %s\n' "$t" "$r1" "$r2" "$v"
done <"$out/joined"
[ "$(wc -l <"$out/joined")" -eq 7 ] || bad=1

total=$(awk '{ s += $2 } END { print s }' "$out/mysql.digests")
printf '\n%s rows in %s s (%s rows/s), extract and load running side by side\n' \
	"$total" "$secs" "$(awk -v r="$total" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')"

step "spot values: the longest message body and a BIGINT UNSIGNED at its maximum"
mariadb --no-defaults --default-character-set=utf8mb4 -S "$FERRY_TEST_MYSQL_SOCKET" -uroot \
	demo_chat -N -e "SELECT 'MariaDB   ', (SELECT MAX(LENGTH(body)) FROM messages), (SELECT MAX(external_id) FROM users)"
psql -X -At -F ' ' "$pg_uri" -c \
	"SELECT 'PostgreSQL', (SELECT max(octet_length(body)) FROM messages), (SELECT max(external_id) FROM users)"

[ "$bad" -eq 0 ] || { echo "demo: the databases differ" >&2; exit 1; }

# the chat's zero birthdays ('0000-00-00') became NULL, as the extract
# said: by default ferry-verify finds each of them; --zero-dates null
# compares as the load made them
step ferry-verify --rows --zero-dates null "'$my_uri'" "'$pg_uri'" --report "$out/verify.json"
"$bin/ferry-verify" --rows --zero-dates null "$my_uri" "$pg_uri" --report "$out/verify.json" ||
	{ echo "demo: ferry-verify found differences (exit $?)" >&2; exit 1; }

cat <<'EOT'

The same rows are in both databases: equal row counts and equal digests
for every table (BIGINT UNSIGNED and its numeric(20) copy included), and
ferry-verify merged every row of both by primary key and found them equal,
the zero dates that MariaDB allows and PostgreSQL does not (NULL now, as
ferry-extract said) compared as NULL because the command says so.
EOT
