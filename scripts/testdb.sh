#!/bin/sh
# testdb.sh start|stop|env|status|restart-mysql|restart-pg - throwaway MariaDB and PostgreSQL servers
# for ferry's tests, demo and benchmark.
#
# Both live in one folder ($FERRY_TESTDB_DIR, default /tmp/ferry-testdb-UID),
# listen on unix sockets there and on 127.0.0.1 only, and trust nobody but
# local connections.  `start` is idempotent (a running pair is left alone),
# `stop` leaves nothing running and removes the folder, `env` prints the
# shell lines that point ferry and the tests at the servers:
#
#   eval "$(sh scripts/testdb.sh env)"
#
# FERRY_TEST_MYSQL_EXTRA: more mariadbd options (a test's own server, say
# with TLS), split at spaces.
#
# FERRY_TESTDB_DURABLE=1: servers that keep what they commit, as a real
# target does (make bench): PostgreSQL with fsync, full_page_writes and
# synchronous_commit on, MariaDB flushing its log at each commit.  By
# default the tests' servers trade that for speed.
#
# PostgreSQL refuses to run as root; when called as root both servers run as
# their Debian system users (postgres, mysql).
set -eu

dir=${FERRY_TESTDB_DIR:-${TMPDIR:-/tmp}/ferry-testdb-$(id -u)}
pgbin=${FERRY_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
my_port=${FERRY_TEST_MYSQL_PORT:-$((33000 + $(id -u) % 1000))}
pg_port=${FERRY_TEST_PG_PORT:-$((35000 + $(id -u) % 1000))}
if [ "${FERRY_TESTDB_DURABLE:-0}" = 1 ]; then
	pg_sync="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
	my_flush=1
else
	pg_sync="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	my_flush=2
fi
# the password of the MariaDB user `ferry`, for tests of credentials
my_password=ferry-test-secret

as_user() { # as_user USER CMD...: run CMD as USER when we are root
	u=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$u" -- "$@"
	else
		"$@"
	fi
}

say() { echo "testdb: $*" >&2; }

my_running() {
	[ -S "$dir/mysql/mysqld.sock" ] &&
		mariadb-admin --no-defaults --socket="$dir/mysql/mysqld.sock" -uroot \
			ping >/dev/null 2>&1
}

pg_running() {
	[ -n "$pgbin" ] && "$pgbin/pg_isready" -q -h "$dir/pg" -p "$pg_port" 2>/dev/null
}

start_mysql() {
	if my_running; then
		return 0
	fi
	# a temporary folder of its own: a starting mariadbd (and
	# mariadb-install-db's bootstrap) removes every #sql file of its
	# tmpdir, so with /tmp shared a private server of one test starting
	# took the temporary tables of a query of another ("Error on delete
	# of '/tmp/#sql-temptable-...'" in a CI run of t9100)
	mkdir -p "$dir/mysql/data" "$dir/mysql/tmp"
	[ "$(id -u)" -eq 0 ] && chown -R mysql:mysql "$dir/mysql"
	if [ ! -d "$dir/mysql/data/mysql" ]; then
		as_user mysql mariadb-install-db --no-defaults \
			--datadir="$dir/mysql/data" --auth-root-authentication-method=normal \
			--tmpdir="$dir/mysql/tmp" \
			--skip-test-db >"$dir/mysql/install.log" 2>&1 ||
			{ cat "$dir/mysql/install.log" >&2; return 1; }
	fi
	as_user mysql mariadbd --no-defaults --datadir="$dir/mysql/data" \
		--socket="$dir/mysql/mysqld.sock" --port="$my_port" \
		--bind-address=127.0.0.1 --pid-file="$dir/mysql/mysqld.pid" \
		--log-error="$dir/mysql/error.log" --tmpdir="$dir/mysql/tmp" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
		--innodb-flush-log-at-trx-commit=$my_flush --skip-log-bin \
		--local-infile=1 --max-allowed-packet=256M \
		--sql-mode=NO_ENGINE_SUBSTITUTION ${FERRY_TEST_MYSQL_EXTRA:-} \
		>/dev/null 2>&1 &
	i=0
	until my_running; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			say "MariaDB did not start; its log:"
			tail -20 "$dir/mysql/error.log" >&2
			return 1
		fi
		sleep 0.1
	done
	mariadb --no-defaults --socket="$dir/mysql/mysqld.sock" -uroot <<-EOSQL
		CREATE USER IF NOT EXISTS 'ferry'@'localhost' IDENTIFIED BY '$my_password';
		CREATE USER IF NOT EXISTS 'ferry'@'127.0.0.1' IDENTIFIED BY '$my_password';
		GRANT ALL ON *.* TO 'ferry'@'localhost';
		GRANT ALL ON *.* TO 'ferry'@'127.0.0.1';
	EOSQL
}

start_pg() {
	if [ -z "$pgbin" ]; then
		say "PostgreSQL is not installed (run scripts/install-deps.sh)"
		return 1
	fi
	if pg_running; then
		return 0
	fi
	mkdir -p "$dir/pg"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/pg"
	if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
		as_user postgres "$pgbin/initdb" -D "$dir/pg/data" -U ferry \
			--auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1 ||
			{ cat "$dir/pg/initdb.log" >&2; return 1; }
	fi
	as_user postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" \
		-w -t 60 -o "-k $dir/pg -p $pg_port -c listen_addresses=127.0.0.1 \
		$pg_sync \
		-c shared_buffers=256MB -c max_wal_size=2GB -c TimeZone=UTC \
		-c wal_level=logical -c max_replication_slots=20 \
		-c max_wal_senders=20" \
		start >/dev/null ||
		{ tail -20 "$dir/pg/server.log" >&2; return 1; }
}

stop_all() {
	if [ -f "$dir/mysql/mysqld.pid" ]; then
		pid=$(cat "$dir/mysql/mysqld.pid" 2>/dev/null || true)
		if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	if [ -f "$dir/pg/data/postmaster.pid" ] && [ -n "$pgbin" ]; then
		as_user postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -m immediate \
			-w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

print_env() {
	cat <<-EOT
	FERRY_TESTDB_DIR='$dir'; export FERRY_TESTDB_DIR
	FERRY_TEST_MYSQL_SOCKET='$dir/mysql/mysqld.sock'; export FERRY_TEST_MYSQL_SOCKET
	FERRY_TEST_MYSQL_PORT='$my_port'; export FERRY_TEST_MYSQL_PORT
	FERRY_TEST_MYSQL_PASSWORD='$my_password'; export FERRY_TEST_MYSQL_PASSWORD
	FERRY_TEST_PG_HOST='$dir/pg'; export FERRY_TEST_PG_HOST
	FERRY_TEST_PG_PORT='$pg_port'; export FERRY_TEST_PG_PORT
	FERRY_TEST_PG_USER='ferry'; export FERRY_TEST_PG_USER
	EOT
}

case "${1:-}" in
start)
	# a pair left half-running or dead by an earlier run (a killed
	# session, a reboot) is cleared away: these servers hold nothing
	if ! { my_running && pg_running; } && [ -d "$dir" ]; then
		stop_all
	fi
	mkdir -p "$dir"
	chmod 755 "$dir"
	start_mysql
	start_pg
	print_env
	;;
stop)
	stop_all
	;;
restart-mysql)
	# a fast stop and start, data kept: tests of a server lost mid-run
	pid=$(cat "$dir/mysql/mysqld.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	start_mysql
	;;
restart-pg)
	as_user postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 \
		restart >/dev/null
	;;
env)
	print_env
	;;
status)
	my_running && echo "mariadb: running on $dir/mysql/mysqld.sock, 127.0.0.1:$my_port" ||
		echo "mariadb: stopped"
	pg_running && echo "postgresql: running on $dir/pg, 127.0.0.1:$pg_port" ||
		echo "postgresql: stopped"
	;;
*)
	echo "usage: testdb.sh start|stop|env|status|restart-mysql|restart-pg" >&2
	exit 2
	;;
esac
