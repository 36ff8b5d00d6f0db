#!/bin/sh
# TLS to MariaDB through the MySQL option file's ssl-* settings: a CA made
# here signs a private server's certificate for 127.0.0.1; a user that
# the server lets in only over TLS extracts, loads and verifies; another
# CA is not trusted; the option file's secrets reach no stream, stats or
# message.  (MariaDB Connector/C checks no host name on a loopback
# address, whatever ssl-verify-server-cert says, so a wrong name cannot
# be tested here; ferry-security(7) says so.)
. "$(dirname "$0")/lib.sh"
test_need_db

SRV=${TMPDIR:-/tmp}/ferry-t8300-$$
# not in $SRV, which testdb.sh start clears
TLSDIR=${TMPDIR:-/tmp}/ferry-t8300-tls-$$
PRIV_MY_PORT=$((FERRY_TEST_MYSQL_PORT + 60))
CERT=server
srv() {
	FERRY_TESTDB_DIR=$SRV FERRY_TEST_MYSQL_PORT=$PRIV_MY_PORT \
		FERRY_TEST_PG_PORT=$((FERRY_TEST_PG_PORT + 60)) \
		FERRY_TEST_MYSQL_EXTRA="--ssl-ca=$TLSDIR/ca.crt --ssl-cert=$TLSDIR/$CERT.crt --ssl-key=$TLSDIR/$CERT.key" \
		sh "$TEST_ROOT/scripts/testdb.sh" "$@"
}
# cert NAME SAN: a key and a certificate signed by ca.crt
cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=ferry test server" \
		-keyout "$1.key" -out "$1.csr" 2>/dev/null &&
	printf "subjectAltName=%s\\n" "$2" >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
		-days 2 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
root_sql() {
	mariadb --no-defaults -S "$SRV/mysql/mysqld.sock" -uroot --batch -N -e "$1"
}

test_expect_success 'setup: a CA, a certificate for 127.0.0.1, a MariaDB with TLS, a user that needs it' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ferry test CA" \
		-keyout ca.key -out ca.crt 2>/dev/null &&
	cert server IP:127.0.0.1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
		-keyout ca2.key -out ca2.crt 2>/dev/null &&
	mkdir -p "$TLSDIR" && chmod 755 "$TLSDIR" &&
	cp ca.crt server.crt server.key "$TLSDIR" &&
	if [ "$(id -u)" = 0 ]; then chown -R mysql "$TLSDIR"; fi &&
	srv start >/dev/null 2>srv.log &&
	root_sql "SHOW VARIABLES LIKE '"'"'have_ssl'"'"'" >ssl && test_grep YES ssl &&
	root_sql "CREATE DATABASE t CHARACTER SET utf8mb4;
		CREATE USER tls@'"'"'%'"'"' IDENTIFIED BY '"'"'tls-secret-pw'"'"' REQUIRE SSL;
		GRANT ALL ON t.* TO tls@'"'"'%'"'"';
		CREATE TABLE t.notes (id INT PRIMARY KEY, v VARCHAR(20));
		INSERT INTO t.notes VALUES (1, '"'"'over TLS'"'"'), (2, '"'"'twice'"'"')" &&
	cat >tls.cnf <<-EOF &&
	[client]
	password=tls-secret-pw
	ssl-ca=$PWD/ca.crt
	ssl-verify-server-cert
	EOF
	cat >plain.cnf <<-EOF &&
	[client]
	password=tls-secret-pw
	EOF
	cat >ca2.cnf <<-EOF
	[client]
	password=tls-secret-pw
	ssl-ca=$PWD/ca2.crt
	ssl-verify-server-cert
	EOF
'

TLS_URI="mysql://tls@127.0.0.1:$PRIV_MY_PORT/t"

test_expect_success 'verified TLS to the certificate name: extract, load and verify' '
	ferry-extract "$TLS_URI" --defaults-file tls.cnf -t notes --order pk -o n.ferry --stats st.json &&
	ferry-cat -f jsonl n.ferry >rows && test_grep "over TLS" rows &&
	root_sql "CREATE TABLE t.copy (id INT PRIMARY KEY, v VARCHAR(20))" &&
	ferry-load "$TLS_URI" --defaults-file tls.cnf --table-map notes=copy -i n.ferry &&
	ferry-verify "$TLS_URI" "$TLS_URI" --defaults-file tls.cnf -t notes --table-map notes=copy >out &&
	test_grep "equal" out &&
	! grep -q "tls-secret-pw" n.ferry st.json out
'

test_expect_success 'the user is refused without TLS: it really was TLS' '
	test_expect_code 4 ferry-extract "$TLS_URI" --defaults-file plain.cnf -t notes -o x.ferry 2>err &&
	test_grep "Access denied" err &&
	! grep -q "tls-secret-pw" err
'

test_expect_success 'a certificate from a CA that is not trusted is refused' '
	test_expect_code 4 ferry-extract "$TLS_URI" --defaults-file ca2.cnf -t notes -o x.ferry 2>err &&
	test_grep "127.0.0.1" err &&
	! grep -q "tls-secret-pw" err
'

test_expect_success 'the private server stops' '
	srv stop >/dev/null 2>&1 && rm -rf "$TLSDIR" && ! test -d "$SRV"
'

test_done
