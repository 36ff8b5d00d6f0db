#!/bin/sh
# TLS to PostgreSQL through libpq's own settings in the connection
# string: a CA made here signs the test server's certificate; sslmode
# verify-full connects to the name in the certificate and refuses another
# name; the stream and messages never carry the settings' secrets.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup: a CA, a server certificate for localhost, TLS on' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ferry test CA" \
		-keyout ca.key -out ca.crt 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
		-keyout server.key -out server.csr 2>/dev/null &&
	printf "subjectAltName=DNS:localhost\\n" >ext.cnf &&
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-days 2 -extfile ext.cnf -out server.crt 2>/dev/null &&
	# beside the server'"'"'s data, where its user can read them whatever
	# folder the tests run in
	tls=$FERRY_TESTDB_DIR/tls-t8200 &&
	rm -rf "$tls" && mkdir -p "$tls" &&
	cp server.crt server.key "$tls" &&
	chmod 600 "$tls/server.key" &&
	if [ "$(id -u)" = 0 ]; then chown -R postgres "$tls"; fi &&
	pg_fresh_db &&
	pg_sql "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, '"'"'over TLS'"'"')" &&
	pg_sql "ALTER SYSTEM SET ssl_cert_file = '"'"'$tls/server.crt'"'"'" &&
	pg_sql "ALTER SYSTEM SET ssl_key_file = '"'"'$tls/server.key'"'"'" &&
	pg_sql "ALTER SYSTEM SET ssl = on" &&
	pg_sql "SELECT pg_reload_conf()" >/dev/null &&
	sleep 1 &&
	test "$(pg_sql "SHOW ssl")" = on
'

TLS="host=localhost port=$FERRY_TEST_PG_PORT user=ferry dbname=$TEST_DB sslrootcert=$PWD/ca.crt"

test_expect_success 'verify-full to the certificate name: extract and load over TLS' '
	ferry-extract "$TLS sslmode=verify-full" -t t -o t.ferry &&
	ferry-cat t.ferry >rows &&
	test_grep "over TLS" rows &&
	pg_sql "DROP TABLE IF EXISTS t2" &&
	ferry-load "$TLS sslmode=verify-full" --table-map t=t2 --create -i t.ferry &&
	test "$(pg_sql "SELECT v FROM t2")" = "over TLS" &&
	ferry-verify --rows -t t "$TLS sslmode=verify-full" t.ferry >out &&
	test_grep "t: A 1 rows, B 1 rows: equal" out
'

test_expect_success 'verify-full refuses a host that is not the certificate name' '
	test_expect_code 4 ferry-extract "host=127.0.0.1 port=$FERRY_TEST_PG_PORT user=ferry dbname=$TEST_DB sslrootcert=$PWD/ca.crt sslmode=verify-full" -t t -o no.ferry 2>err &&
	test_grep "cannot connect to" err &&
	test_grep "does not match host name" err &&
	! test -e no.ferry &&
	test_expect_code 4 ferry-extract "$TLS sslmode=verify-full sslrootcert=/nonexistent/ca.crt" -t t -o no.ferry 2>err
'

test_expect_success 'teardown: TLS off again' '
	pg_sql "ALTER SYSTEM RESET ssl" &&
	pg_sql "ALTER SYSTEM RESET ssl_cert_file" &&
	pg_sql "ALTER SYSTEM RESET ssl_key_file" &&
	pg_sql "SELECT pg_reload_conf()" >/dev/null &&
	rm -rf "$FERRY_TESTDB_DIR/tls-t8200"
'

test_done
