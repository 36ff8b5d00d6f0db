#!/bin/sh
# ferry-extract meets bad input: unknown tables, wrong credentials, no
# server, a server that goes away mid-table.  One line, the right code,
# and never a stream that looks complete.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, '"'"'a'"'"');
		CREATE TABLE big (id INT PRIMARY KEY, pad TEXT);
		INSERT INTO big SELECT seq, REPEAT('"'"'x'"'"', 2000) FROM seq_1_to_5000" &&
	pg_sql "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, '"'"'a'"'"');
		CREATE TABLE big (id int PRIMARY KEY, pad text);
		INSERT INTO big SELECT g, repeat('"'"'x'"'"', 2000) FROM generate_series(1, 5000) g"
'

test_expect_success 'an unknown MariaDB table: exit 4, no stream written' '
	test_expect_code 4 ferry-extract "$MY_URI" -t t -t nosuch -o out.ferry 2>err &&
	echo "ferry-extract: table nosuch: no table '"'"'nosuch'"'"' in database '"'"'$TEST_DB'"'"'" >expect &&
	test_cmp expect err &&
	test ! -s out.ferry
'

test_expect_success 'an unknown PostgreSQL table: exit 4' '
	test_expect_code 4 ferry-extract "$PG_URI" -t nosuch -o out.ferry 2>err &&
	echo "ferry-extract: table nosuch: no table '"'"'nosuch'"'"' in $TEST_DB" >expect &&
	test_cmp expect err
'

test_expect_success 'wrong MariaDB credentials: exit 4 naming the server, never the password' '
	FERRY_MYSQL_PASSWORD=wrong-secret test_expect_code 4 ferry-extract \
		"mysql://ferry@127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB" -t t -o out.ferry 2>err &&
	test_grep "ferry-extract: cannot connect to mysql://ferry@127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB: Access denied for user" err &&
	! grep -q wrong-secret err
'

test_expect_success 'FERRY_MYSQL_PASSWORD logs in over TCP' '
	FERRY_MYSQL_PASSWORD=$FERRY_TEST_MYSQL_PASSWORD ferry-extract \
		"mysql://ferry@127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB" -t t -o out.ferry 2>err &&
	ferry-cat --check -q out.ferry &&
	test ! -s err
'

test_expect_success 'a MySQL option file ([client]) with --defaults-file' '
	printf "[client]\nuser=ferry\npassword=%s\n" "$FERRY_TEST_MYSQL_PASSWORD" >my.cnf &&
	chmod 600 my.cnf &&
	ferry-extract --defaults-file my.cnf \
		"mysql://127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB" -t t -o out.ferry 2>err &&
	ferry-cat --check -q out.ferry &&
	test ! -s err
'

test_expect_success 'a password in the URI works and is warned about' '
	ferry-extract "mysql://ferry:$FERRY_TEST_MYSQL_PASSWORD@127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB" \
		-t t -o out.ferry 2>err &&
	echo "ferry-extract: warning: a password in the URI is visible to every user of this machine (ps); use a password file" >expect &&
	test_cmp expect err &&
	ferry-cat -f summary out.ferry >sum &&
	! grep -q "$FERRY_TEST_MYSQL_PASSWORD" sum
'

test_expect_success 'no server listening: exit 4' '
	test_expect_code 4 ferry-extract "mysql://root@127.0.0.1:1/x" -t t -o out.ferry 2>err &&
	test_grep "ferry-extract: cannot connect to mysql://root@127.0.0.1:1/x: " err &&
	test_expect_code 4 ferry-extract "host=127.0.0.1 port=1 dbname=x connect_timeout=5" -t t -o out.ferry 2>err &&
	test_grep "ferry-extract: cannot connect to postgres://127.0.0.1:1/x: " err
'

cat >silent.pl <<\EOPL
# a TCP server that accepts and never says a word
use IO::Socket::INET;
my $s = IO::Socket::INET->new(Listen => 16, LocalAddr => "127.0.0.1",
	LocalPort => 0, ReuseAddr => 1) or die "listen: $!";
open(my $f, ">", "$ARGV[0].tmp") or die; print $f $s->sockport, "\n"; close $f;
rename("$ARGV[0].tmp", $ARGV[0]);
my @held; while (my $c = $s->accept) { push @held, $c; }
EOPL

test_expect_success 'a server that never answers: --connect-timeout gives up, exit 4' '
	{ perl silent.pl port & } &&
	pid=$! &&
	for i in 1 2 3 4 5 6 7 8 9 10; do test -s port && break; sleep 0.2; done &&
	port=$(cat port) &&
	t0=$(date +%s) &&
	test_expect_code 4 ferry-extract "mysql://root@127.0.0.1:$port/x" -t t --connect-timeout 2 >out 2>err1 &&
	test_expect_code 4 ferry-extract "host=127.0.0.1 port=$port user=x dbname=x" -t t --connect-timeout 2 >out 2>err2 &&
	test_expect_code 4 ferry-load "host=127.0.0.1 port=$port user=x dbname=x" --connect-timeout 2 </dev/null 2>err3 &&
	t1=$(date +%s) &&
	kill $pid &&
	test_grep "cannot connect to mysql://root@127.0.0.1:$port/x" err1 &&
	test_grep "cannot connect to" err2 && test_grep "timeout" err2 &&
	test_grep "cannot connect to" err3 &&
	test $((t1 - t0)) -lt 30
'

test_expect_success 'a password in a URI leaves the visible command line' '
	{ perl silent.pl port2 & } &&
	pid=$! &&
	for i in 1 2 3 4 5 6 7 8 9 10; do test -s port2 && break; sleep 0.2; done &&
	port=$(cat port2) &&
	{ ferry-extract "mysql://root:SeCrEt123@127.0.0.1:$port/x" -t t --connect-timeout 4 >/dev/null 2>err1 & } &&
	p1=$! &&
	{ ferry-load "host=127.0.0.1 port=$port user=x password=SeCrEt456 dbname=x" --connect-timeout 4 </dev/null 2>err2 & } &&
	p2=$! &&
	{ ferry-verify "postgres://x:SeCrEt789@127.0.0.1:$port/x" - --connect-timeout 4 </dev/null >/dev/null 2>err3 & } &&
	p3=$! &&
	sleep 1.5 &&
	tr "\0" " " </proc/$p1/cmdline >c1 && tr "\0" " " </proc/$p2/cmdline >c2 &&
	tr "\0" " " </proc/$p3/cmdline >c3 &&
	{ wait $p1; wait $p2; wait $p3; kill $pid; true; } &&
	! grep -q SeCrEt c1 && ! grep -q SeCrEt c2 && ! grep -q SeCrEt c3 &&
	test_grep "mysql://root@127.0.0.1:$port/x" c1 &&
	test_grep "postgres://x@127.0.0.1:$port/x" c2 &&
	! grep -q SeCrEt err1 && ! grep -q SeCrEt err2 && ! grep -q SeCrEt err3
'

test_expect_success 'a malformed URI is a usage error' '
	test_expect_code 2 ferry-extract "mysql://root@host:notaport/db" -t t -o out.ferry 2>err &&
	echo "ferry-extract: bad port in the database URI" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-extract "mysql://root@host/db?sslmode=x" -t t -o out.ferry 2>err &&
	echo "ferry-extract: unknown parameter '"'"'sslmode'"'"' in the database URI" >expect &&
	test_cmp expect err &&
	long=$(printf "%05000d" 0) &&
	echo "ferry-extract: the database URI is longer than 4096 bytes" >expect &&
	test_expect_code 2 ferry-extract "mysql://root@host/$long" -t t -o out.ferry 2>err &&
	test_cmp expect err &&
	test_expect_code 2 ferry-extract "host=h dbname=$long" -t t -o out.ferry 2>err &&
	test_cmp expect err
'

test_expect_success 'usage errors: no tables, both -t and -a, no SOURCE' '
	test_expect_code 2 ferry-extract "$MY_URI" -o out.ferry 2>err &&
	test_grep "name tables with -t, or use --all-tables" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t t -a -o out.ferry 2>err &&
	test_grep "-t and --all-tables exclude each other" err &&
	test_expect_code 2 ferry-extract -t t 2>err &&
	test_grep "no SOURCE given" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t t --part 4/3 2>err &&
	test_grep "--part K: '"'"'4'"'"' is not a number in 1..3" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t t --where "nosuch=1" -o out.ferry 2>err &&
	echo "ferry-extract: --where names table '"'"'nosuch'"'"', which is not extracted" >expect &&
	test_cmp expect err
'

test_expect_success 'refuses to write a stream to a terminal' '
	script -qec "ferry-extract \"$MY_URI\" -t t; echo rc=\$?" /dev/null >out 2>&1 &&
	test_grep "refusing to write a binary stream to a terminal" out &&
	test_grep "rc=2" out
'

# kill_mid_table ENGINE KILLSQL: start an extract of big into a pipe, read a
# little, kill its connection from the server side, read the rest
kill_mid_table() {
	rm -f pipe && mkfifo pipe || return 1
	{ ferry-extract "$1" -t big -l 0 >pipe 2>err; echo $? >rc; } &
	exec 3<pipe
	head -c 100000 <&3 >stream.part &&
	eval "$2" &&
	cat <&3 >>stream.part &&
	exec 3<&- &&
	wait &&
	rm pipe
}

test_expect_success 'MariaDB goes away mid-table: exit 4, a truncated stream' '
	kill_mid_table "$MY_URI" "my_sql \"SELECT CONCAT('"'"'KILL '"'"', ID, '"'"';'"'"') FROM information_schema.PROCESSLIST WHERE DB = '"'"'$TEST_DB'"'"' AND ID <> CONNECTION_ID() AND INFO LIKE '"'"'SELECT %FROM %big%'"'"'\" | sed 1d | my_sql" &&
	echo 4 >expect && test_cmp expect rc &&
	test_grep "ferry-extract: table big: reading rows: " err &&
	test_expect_code 3 ferry-cat --check stream.part 2>err2 &&
	test_grep "truncated stream" err2
'

test_expect_success 'PostgreSQL goes away mid-table: exit 4, a truncated stream' '
	kill_mid_table "$PG_URI" "pg_sql \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"'"'$TEST_DB'"'"' AND pid <> pg_backend_pid() AND query LIKE '"'"'COPY%'"'"'\" >/dev/null" &&
	echo 4 >expect && test_cmp expect rc &&
	test_grep "ferry-extract: table big: reading rows: " err &&
	test_expect_code 3 ferry-cat --check stream.part 2>err2 &&
	test_grep "truncated stream" err2
'

test_expect_success 'a closed pipe downstream exits 7' '
	{ ferry-extract "$MY_URI" -t big 2>err; echo $? >rc; } | head -c 100 >/dev/null &&
	echo 7 >expect && test_cmp expect rc &&
	echo "ferry-extract: table big, row 1: the next stage of the pipe is gone" >expect &&
	sed "s/row [0-9]*/row 1/" err >err1 &&
	test_cmp expect err1
'

test_done
