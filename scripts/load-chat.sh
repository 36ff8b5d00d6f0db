#!/bin/sh
# load-chat.sh ENGINE N [DB] - (re)create database DB (default chat) on the
# throwaway test server of ENGINE (mysql or postgres) and fill it with the
# reference chat database of N messages (scripts/gen-chat.c, schema in
# schemas/chat/).  The same N and seed give the same rows in both engines.
#
#   eval "$(sh scripts/testdb.sh env)"
#   sh scripts/load-chat.sh mysql 100000
#   sh scripts/load-chat.sh postgres 100000 chat
#
# The servers are found through the FERRY_TEST_* variables that
# `testdb.sh env` prints.  DB is dropped first if it exists.  Timings go to
# stderr.  FERRY_CHAT_SEED (default 1) picks another data set; CC the
# compiler used to build build/gen-chat when it is missing or stale.
#
# MySQL loads with LOAD DATA LOCAL INFILE under sql_mode
# NO_ENGINE_SUBSTITUTION (zero dates allowed) and time_zone '+00:00'; a
# LOCAL load turns bad values into warnings, so any warning fails the load.
# PostgreSQL loads with psql's \copy, then moves the identity sequences
# past the loaded ids.  Both end with ANALYZE and a row count check.
set -eu

me=load-chat
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "$me: $*" >&2
	exit 1
}

usage() {
	echo "usage: load-chat.sh mysql|postgres MESSAGES [DB]" >&2
	exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
engine=$1
n=$2
db=${3:-chat}
seed=${FERRY_CHAT_SEED:-1}

case $engine in
mysql | postgres) ;;
*) echo "$me: engine '$engine' is neither mysql nor postgres" >&2; usage ;;
esac
case $n in
'' | *[!0-9]*) echo "$me: '$n' is not a number of messages" >&2; usage ;;
esac
case $db in
[A-Za-z_]*) ;;
*) echo "$me: database name '$db' must start with a letter or _" >&2; usage ;;
esac
case $db in
*[!A-Za-z0-9_]*)
	echo "$me: database name '$db' may hold only letters, digits and _" >&2
	usage
	;;
esac

need() { # need VAR...: each must be set and non-empty
	for v; do
		eval "val=\${$v:-}"
		[ -n "$val" ] ||
			die "$v is not set; start the test servers and run" \
				"eval \"\$(sh scripts/testdb.sh env)\""
	done
}

if [ "$engine" = mysql ]; then
	need FERRY_TEST_MYSQL_PASSWORD
	[ -n "${FERRY_TEST_MYSQL_SOCKET:-}" ] || need FERRY_TEST_MYSQL_PORT
	command -v mariadb >/dev/null 2>&1 || die "mariadb client not found"
else
	need FERRY_TEST_PG_HOST FERRY_TEST_PG_PORT FERRY_TEST_PG_USER
	command -v psql >/dev/null 2>&1 || die "psql not found"
fi

# build the generator when it is missing or older than its source
gen=$root/build/gen-chat
src=$root/scripts/gen-chat.c
if [ ! -x "$gen" ] || [ -n "$(find "$src" -newer "$gen")" ]; then
	mkdir -p "$root/build"
	${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$gen.tmp.$$" "$src" ||
		die "cannot build $gen"
	mv -f "$gen.tmp.$$" "$gen"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/load-chat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
case $tmp in
*"'"* | *'"'* | *\\*) die "temporary folder '$tmp' has a quote or backslash" ;;
esac

now() { date +%s.%N; }
since() { # since START: seconds from START to now, two decimals
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}
size_mb() {
	awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1048576 }'
}

tables="users chat_groups group_members conversations messages attachments"
tables="$tables read_receipts"
t_all=$(now)

t0=$(now)
"$gen" --engine "$engine" --messages "$n" --seed "$seed" --out "$tmp"
echo "$me: generated $n messages (seed $seed) for $engine in $(since "$t0") s" >&2

expected() { # expected TABLE: rows gen-chat wrote
	awk -v t="$1" '$1 == t { print $2 }' "$tmp/counts.tsv"
}

if [ "$engine" = mysql ]; then
	# the password goes through a private option file, not argv
	cnf=$tmp/client.cnf
	(
		umask 077
		{
			echo "[client]"
			echo "user=${FERRY_TEST_MYSQL_USER:-ferry}"
			echo "password=\"$FERRY_TEST_MYSQL_PASSWORD\""
			if [ -n "${FERRY_TEST_MYSQL_SOCKET:-}" ]; then
				echo "socket=$FERRY_TEST_MYSQL_SOCKET"
			else
				echo "host=127.0.0.1"
				echo "port=$FERRY_TEST_MYSQL_PORT"
			fi
			echo "default-character-set=utf8mb4"
		} >"$cnf"
	)
	my() {
		mariadb --defaults-file="$cnf" --batch --skip-column-names \
			--local-infile=1 "$@"
	}

	t0=$(now)
	my -e "DROP DATABASE IF EXISTS \`$db\`;
		CREATE DATABASE \`$db\` CHARACTER SET utf8mb4
			COLLATE utf8mb4_unicode_ci"
	my "$db" <"$root/schemas/chat/mysql.sql"
	echo "$me: mysql $db: created in $(since "$t0") s" >&2

	for t in $tables; do
		f=$tmp/$t.mysql.tsv
		t0=$(now)
		# LOCAL makes bad values warnings, not errors: fail on any
		warn=$(my "$db" <<-EOSQL
			SET SESSION foreign_key_checks = 0, unique_checks = 0,
				sql_mode = 'NO_ENGINE_SUBSTITUTION',
				time_zone = '+00:00';
			LOAD DATA LOCAL INFILE '$f' INTO TABLE \`$t\`
				CHARACTER SET utf8mb4
				FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\'
				LINES TERMINATED BY '\n';
			SHOW WARNINGS LIMIT 10;
		EOSQL
		)
		if [ -n "$warn" ]; then
			printf '%s\n' "$warn" >&2
			die "mysql $db.$t: LOAD DATA gave warnings (above)"
		fi
		echo "$me: mysql $db.$t: $(expected "$t") rows," \
			"$(size_mb "$f") MiB in $(since "$t0") s" >&2
	done

	t0=$(now)
	my "$db" -e "ANALYZE TABLE $(echo "$tables" | tr ' ' ',')" >/dev/null
	echo "$me: mysql $db: analyzed in $(since "$t0") s" >&2
	count() { my "$db" -e "SELECT COUNT(*) FROM \`$1\`"; }
else
	pg() {
		psql -X -q -v ON_ERROR_STOP=1 -h "$FERRY_TEST_PG_HOST" \
			-p "$FERRY_TEST_PG_PORT" -U "$FERRY_TEST_PG_USER" "$@"
	}

	t0=$(now)
	pg -d postgres -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS \"$db\"" \
		-c "CREATE DATABASE \"$db\" TEMPLATE template0 ENCODING 'UTF8'"
	pg -d "$db" -f "$root/schemas/chat/postgres.sql"
	echo "$me: postgres $db: created in $(since "$t0") s" >&2

	for t in $tables; do
		f=$tmp/$t.postgres.tsv
		t0=$(now)
		pg -d "$db" -c "\\copy \"$t\" FROM '$f'"
		echo "$me: postgres $db.$t: $(expected "$t") rows," \
			"$(size_mb "$f") MiB in $(since "$t0") s" >&2
	done

	# move every identity sequence past the highest loaded id
	t0=$(now)
	pg -d "$db" <<-'EOSQL'
		DO $$
		DECLARE
			r record;
			top bigint;
		BEGIN
			FOR r IN SELECT table_name, column_name
				   FROM information_schema.columns
				  WHERE table_schema = 'public'
				    AND is_identity = 'YES'
			LOOP
				EXECUTE format('SELECT max(%I) FROM %I',
					       r.column_name, r.table_name)
				   INTO top;
				PERFORM setval(pg_get_serial_sequence(
						       quote_ident(r.table_name),
						       r.column_name),
					       coalesce(top, 1), top IS NOT NULL);
			END LOOP;
		END
		$$;
		ANALYZE;
	EOSQL
	echo "$me: postgres $db: sequences reset, analyzed in $(since "$t0") s" >&2
	count() { pg -d "$db" -At -c "SELECT count(*) FROM \"$1\""; }
fi

for t in $tables; do
	got=$(count "$t")
	want=$(expected "$t")
	[ "$got" = "$want" ] ||
		die "$engine $db.$t: $got rows loaded, $want generated"
done
echo "$me: $engine $db: loaded and checked in $(since "$t_all") s" >&2
