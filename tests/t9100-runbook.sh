#!/bin/sh
# The runbook of ferry(7), run as written: every literal block marked
# '.\" runbook: run' is taken from the page, in order, and run with bash
# (errexit, pipefail) against the reference chat database, with SRC, DST,
# CONF, METRICS_DIR and RESTORE pointing at the test's servers, ssh
# standing in for a second host, and the chat server's own writes
# simulated between the steps.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
SRC=$MY_URI
DST="$PG_BASE dbname=$TEST_DB"
RESTORE="mysql://root@localhost/${TEST_DB}_restore?socket=$FERRY_TEST_MYSQL_SOCKET"
CONF=$PWD/chat.conf
METRICS_DIR=$PWD/metrics
export SRC DST RESTORE CONF METRICS_DIR

# the page's runnable blocks, unescaped, one file each: block.1, block.2...
perl -e '
	my ($n, $in, $want) = (0, 0, 0);
	while (<>) {
		if (/^\.\\" runbook: (run|skip)/) { $want = $1 eq "run"; next }
		if (/^\.Bd -literal/) { $in = 1; if ($want) { $n++; open(O, ">", "block.$n") or die } next }
		if (/^\.Ed/) { close(O) if $in && $want; $in = 0; $want = 0; next }
		next unless $in && $want;
		s/\\e/\\/g; s/\\&//g;
		print O $_;
	}
	print "$n\n";
' "$TEST_ROOT/man/man7/ferry.7" >nblocks

# a second host is this one: ssh HOST CMD runs CMD here
mkdir -p bin metrics
cat >bin/ssh <<\EOF
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
shift
exec sh -c "$*"
EOF
ln -s "$TEST_ROOT/scripts/ferry-sync.sh" bin/ferry-sync
chmod +x bin/ssh
PATH=$PWD/bin:$PATH

block() { # block N: run the page's N-th runnable block
	say "runbook block $1:" && cat "block.$1" >&4
	bash -e -o pipefail "block.$1" >"out.$1"
	rc=$?
	sed "s/^/| /" "out.$1" >&4
	cat "out.$1"
	return $rc
}

test_expect_success 'the page has the nine runnable steps' '
	echo 9 >expect && test_cmp expect nblocks
'

test_expect_success 'setup: the reference chat database (2,000 messages) in MariaDB, an empty PostgreSQL' '
	sh "$TEST_ROOT/scripts/load-chat.sh" mysql 2000 "$TEST_DB" 2>load.log &&
	pg_fresh_db &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_restore\`; CREATE DATABASE \`${TEST_DB}_restore\` CHARACTER SET utf8mb4"
'

test_expect_success '1. plan: the inventory, and a dry run against the target' '
	block 1 >out && test_grep "messages.kind	enum" out &&
	test_grep "messages.created_at	datetime_zone" out &&
	jq -e "[.tables[] | select(.table == \"messages\")][0] | .rows == 2000 and .rows_exact and .rows_per_day.rows > 0" inventory.json &&
	block 2 >out && test_grep "check: a load would go through" out &&
	test_grep "  copy: about " out && test_grep "total: " out &&
	jq -e ".clean == true" check.json &&
	test ! -e trial.ferry
'

test_expect_success '2. bulk copy under the job, verified equal' '
	block 3 >out &&
	test_grep "the two sides are equal" out &&
	test -s chat-bulk.ferry
'

test_expect_success '3. catch-up: new messages, receipts and attachments arrive' '
	my_sql "INSERT INTO messages (conversation_id, sender_id, kind, body, created_at)
			SELECT conversation_id, sender_id, kind, CONCAT(body, '"'"' again'"'"'), NOW(3) FROM messages ORDER BY id LIMIT 50;
		INSERT INTO read_receipts (message_id, user_id, read_at)
			SELECT MAX(id), 1, NOW(6) FROM messages;
		INSERT INTO attachments (message_id, file_name, size_bytes, sha256)
			SELECT MAX(id), '"'"'new.png'"'"', 10, UNHEX(SHA2('"'"'x'"'"', 256)) FROM messages" &&
	block 4 &&
	ferry-verify "$SRC" "$DST" -t messages -t read_receipts -t attachments &&
	perl "$TEST_ROOT/tests/promcheck.pl" metrics/ferry-load-chat.prom
'

test_expect_success '4. cut-over: edits in place and deletes reconciled, then equal' '
	my_sql "UPDATE users SET display_name = '"'"'renamed'"'"' WHERE id = 3;
		DELETE FROM group_members ORDER BY group_id, user_id LIMIT 2;
		UPDATE messages SET body = '"'"'edited in place'"'"', is_edited = 1 WHERE id = 10;
		INSERT INTO messages (conversation_id, sender_id, kind, body, created_at)
			SELECT conversation_id, sender_id, kind, body, NOW(3) FROM messages ORDER BY id LIMIT 5" &&
	block 5 >out &&
	test_grep "the two sides are equal" out &&
	pg_sql "SELECT body FROM messages WHERE id = 10" >b && echo "edited in place" >expect && test_cmp expect b &&
	jq -e ".equal == true and ([.tables[].equal] | all)" cutover.json
'

test_expect_success '5. rollback: the archive restores; a reverse job carries new rows back' '
	block 6 &&
	pg_sql "CREATE TEMP TABLE t AS SELECT * FROM messages ORDER BY id LIMIT 3;
		UPDATE t SET id = id + 1000000, body = '"'"'written after the switch'"'"';
		INSERT INTO messages SELECT * FROM t" &&
	block 7 >out &&
	test_grep "the two sides are equal" out &&
	my_sql "SELECT COUNT(*) FROM messages WHERE body = '"'"'written after the switch'"'"'" >n &&
	test_grep 3 n
'

test_expect_success '6. two hosts over ssh' '
	block 8 >out && test_grep "messages: A" out
'

test_expect_success '7. scaling out: four parts under GNU parallel' '
	block 9 >out && test_grep "attachments: A" out && test_grep "equal" out
'

test_done
