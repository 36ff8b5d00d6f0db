#!/bin/sh
# --create makes tables a chat server can run on: its counters
# (AUTO_INCREMENT, serial, identity) go on past the loaded rows and past
# the source's own counter, and its column defaults apply, in every
# direction; what has no like on the target is named, never dropped
# without a word.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
PG_MY="$PG_BASE dbname=${TEST_DB}_my"
PG_PG="$PG_BASE dbname=${TEST_DB}_pg"
MY_MY="mysql://root@localhost/${TEST_DB}_my?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_PG="mysql://root@localhost/${TEST_DB}_pg?socket=$FERRY_TEST_MYSQL_SOCKET"

my_root() {
	mariadb --no-defaults --default-character-set=utf8mb4 \
		-S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch -N "$@"
}
test_expect_success 'setup: a chat schema on each engine, and empty targets' '
	my_fresh_db && pg_fresh_db &&
	for d in my pg; do
		my_root -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" &&
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_sql <<-\EOSQL &&
	CREATE TABLE users (
	  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	  username VARCHAR(64) NOT NULL,
	  status ENUM('"'"'active'"'"','"'"'away'"'"','"'"'gone'"'"') NOT NULL DEFAULT '"'"'active'"'"',
	  is_bot TINYINT(1) NOT NULL DEFAULT 0,
	  karma INT NOT NULL DEFAULT -1,
	  motto VARCHAR(40) DEFAULT '"'"'it'"'"''"'"'s; DROP TABLE users; --'"'"',
	  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
	  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
	    ON UPDATE CURRENT_TIMESTAMP(3),
	  invite CHAR(36) DEFAULT (uuid()),
	  joined DATE DEFAULT (curdate()),
	  score DECIMAL(6,2) DEFAULT '"'"'1.50'"'"',
	  avatar VARBINARY(8) DEFAULT '"'"'ab'"'"',
	  lucky INT DEFAULT (6 * 7),
	  handle VARCHAR(70) AS (CONCAT('"'"'@'"'"', username)) VIRTUAL
	) AUTO_INCREMENT = 1000;
	INSERT INTO users (id, username) VALUES (1, '"'"'alice'"'"'), (2, '"'"'bob'"'"'), (3, '"'"'carol'"'"');
	CREATE TABLE messages (
	  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	  user_id BIGINT UNSIGNED NOT NULL,
	  body TEXT NOT NULL,
	  sent_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	  edited TINYINT(1) NOT NULL DEFAULT 0
	);
	INSERT INTO messages (user_id, body) VALUES (1, '"'"'hi'"'"'), (2, '"'"'yo'"'"'), (1, '"'"'ok'"'"');
	EOSQL
	pg_sql <<-\EOSQL
	CREATE TABLE rooms (
	  id serial PRIMARY KEY,
	  name text NOT NULL,
	  topic text NOT NULL DEFAULT '"'"''"'"',
	  archived boolean NOT NULL DEFAULT false,
	  created timestamptz NOT NULL DEFAULT now(),
	  token uuid DEFAULT gen_random_uuid(),
	  slug text DEFAULT lower('"'"'X'"'"')
	);
	INSERT INTO rooms (id, name) VALUES (0, '"'"'lobby'"'"');
	INSERT INTO rooms (name) VALUES ('"'"'general'"'"'), ('"'"'random'"'"');
	SELECT setval('"'"'rooms_id_seq'"'"', 50);
	CREATE INDEX name_idx ON rooms (name);
	CREATE INDEX rooms_name_idx ON rooms (topic);
	CREATE TABLE events (
	  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10) PRIMARY KEY,
	  kind text NOT NULL DEFAULT '"'"'join'"'"',
	  at timestamp(0) DEFAULT CURRENT_TIMESTAMP(0)
	);
	INSERT INTO events (kind) VALUES ('"'"'a'"'"'), ('"'"'b'"'"');
	EOSQL
'

test_expect_success 'the stream carries counters and defaults (ferry-cat shows them)' '
	ferry-extract "$MY_URI" -t users -t messages -o my.ferry &&
	ferry-extract "$PG_URI" -t rooms -t events -o pg.ferry &&
	ferry-cat -f summary my.ferry >my.sum &&
	test_grep "column id: uint64 not null (bigint(20) unsigned) identity by default next 1000" my.sum &&
	test_grep "labels '"'"'active'"'"','"'"'away'"'"','"'"'gone'"'"' default '"'"'active'"'"'" my.sum &&
	test_grep "column is_bot: bool not null (tinyint(1)) default '"'"'false'"'"'" my.sum &&
	test_grep "column updated_at: timestamp not null (datetime(3)) default CURRENT_TIMESTAMP(3) on update CURRENT_TIMESTAMP(3)" my.sum &&
	test_grep "column lucky: int64 (int(11)) default the expression (6 * 7)" my.sum &&
	test_grep "column handle: text (varchar(70)) collate utf8mb4_unicode_ci generated virtual (concat('"'"'@'"'"',\`username\`))" my.sum &&
	ferry-cat -f summary pg.ferry >pg.sum &&
	test_grep "column id: int64 not null (integer) identity by default next 51" pg.sum &&
	test_grep "column id: int64 not null (bigint) identity always next 120 increment 10" pg.sum &&
	test_grep "column created: timestamptz not null (timestamp with time zone) default CURRENT_TIMESTAMP" pg.sum &&
	test_grep "column token: uuid (uuid) default a new uuid" pg.sum
'

test_expect_success 'MariaDB -> PostgreSQL: --check names what --create leaves out' '
	ferry-load "$PG_MY" --create --check -i my.ferry >check.json &&
	test_grep "column updated_at: ON UPDATE CURRENT_TIMESTAMP(3) not made" check.json &&
	test_grep "column lucky: default the expression (6 * 7) not made" check.json
'

test_expect_success 'MariaDB -> PostgreSQL: the load says the same, once each' '
	ferry-load "$PG_MY" --create --stats stats.json -i my.ferry 2>err &&
	test_grep "table users: column updated_at: ON UPDATE CURRENT_TIMESTAMP(3) not made" err &&
	test_grep "table users: column lucky: default the expression" err &&
	test "$(grep -c "not made" err)" = 2 &&
	test_grep "table users: column handle: VIRTUAL generated column made STORED" err &&
	test "$(grep -c "made as a plain column" err)" = 0 &&
	test_grep "\"create_notes\"" stats.json
'

test_expect_success 'MariaDB -> PostgreSQL: an INSERT the application makes works' '
	pg_in "${TEST_DB}_my" -c "INSERT INTO users (username) VALUES ('"'"'dora'"'"')
		RETURNING id, status, is_bot, karma, motto, score, avatar,
		created_at > now() - interval '"'"'1 minute'"'"',
		updated_at IS NOT NULL,
		invite COLLATE \"C\" ~ '"'"'^[0-9a-f-]{36}$'"'"',
		joined = current_date, lucky, handle" >ins &&
	echo "1000|active|f|-1|it'"'"'s; DROP TABLE users; --|1.50|\\x6162|t|t|t|t||@dora" >expect &&
	pg_in "${TEST_DB}_my" -c "SELECT handle FROM users WHERE id = 2" >h &&
	echo @bob >expect_h && test_cmp expect_h h &&
	test_cmp expect ins &&
	pg_in "${TEST_DB}_my" -c "INSERT INTO messages (user_id, body) VALUES (3, '"'"'new'"'"') RETURNING id, edited" >ins2 &&
	echo "4|f" >expect2 && test_cmp expect2 ins2 &&
	pg_in "${TEST_DB}_my" -c "SELECT count(*) FROM users" >n && echo 4 >four && test_cmp four n
'

test_expect_success 'MariaDB -> PostgreSQL: the counters are identities, a negative id refused' '
	pg_in "${TEST_DB}_my" -c "SELECT attname, attidentity FROM pg_attribute WHERE attrelid = '"'"'users'"'"'::regclass AND attname = '"'"'id'"'"'" >id &&
	echo "id|d" >expect && test_cmp expect id &&
	test_must_fail pg_in "${TEST_DB}_my" -c "INSERT INTO users (id, username) VALUES (-1, '"'"'x'"'"')" 2>err &&
	test_grep "check constraint" err
'

test_expect_success 'MariaDB -> MariaDB: AUTO_INCREMENT, ON UPDATE and defaults as they were' '
	ferry-load "$MY_MY" --create -i my.ferry 2>err &&
	test_grep "column lucky: default the expression" err &&
	! grep "updated_at" err &&
	my_root "${TEST_DB}_my" -e "SHOW CREATE TABLE users" >ddl &&
	test_grep "AUTO_INCREMENT=1000" ddl &&
	test_grep "datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3)" ddl &&
	my_root "${TEST_DB}_my" -e "INSERT INTO users (username) VALUES ('"'"'dora'"'"');
		SELECT id, status, is_bot, karma, motto, score, HEX(avatar), joined = CURDATE() FROM users WHERE username = '"'"'dora'"'"'" >ins &&
	printf "1000\tactive\t0\t-1\tit'"'"'s; DROP TABLE users; --\t1.50\t6162\t1\n" >expect &&
	test_cmp expect ins
'

test_expect_success 'PostgreSQL -> MariaDB: serial becomes AUTO_INCREMENT past the sequence; id 0 kept' '
	ferry-load "$MY_PG" --create -i pg.ferry 2>err &&
	test_grep "table rooms: column slug: default the expression lower" err &&
	test_grep "table events: column id: GENERATED ALWAYS becomes AUTO_INCREMENT" err &&
	test_grep "table events: column id: identity increment 10 not made" err &&
	my_root "${TEST_DB}_pg" -e "SELECT id FROM rooms ORDER BY id" >ids &&
	printf "0\n1\n2\n" >expect && test_cmp expect ids &&
	my_root "${TEST_DB}_pg" -e "INSERT INTO rooms (name) VALUES ('"'"'new'"'"');
		SELECT id, topic, archived, created > NOW() - INTERVAL 1 MINUTE, token IS NOT NULL FROM rooms WHERE name = '"'"'new'"'"'" >ins &&
	printf "51\t\t0\t1\t1\n" >expect && test_cmp expect ins &&
	my_root "${TEST_DB}_pg" -e "INSERT INTO events () VALUES (); SELECT id, kind FROM events ORDER BY id DESC LIMIT 1" >ev &&
	printf "120\tjoin\n" >expect && test_cmp expect ev
'

test_expect_success 'PostgreSQL -> PostgreSQL: serial, ALWAYS identity and its step kept; index names as they were' '
	ferry-load "$PG_PG" --create -i pg.ferry 2>err &&
	pg_in "${TEST_DB}_pg" -c "INSERT INTO rooms (name) VALUES ('"'"'new'"'"') RETURNING id, topic, archived" >ins &&
	echo "51||f" >expect && test_cmp expect ins &&
	pg_in "${TEST_DB}_pg" -c "INSERT INTO events DEFAULT VALUES RETURNING id, kind" >ev &&
	echo "120|join" >expect && test_cmp expect ev &&
	pg_in "${TEST_DB}_pg" -c "SELECT attidentity FROM pg_attribute WHERE attrelid = '"'"'events'"'"'::regclass AND attname = '"'"'id'"'"'" >a &&
	echo a >expect && test_cmp expect a &&
	pg_in "${TEST_DB}_pg" -c "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'rooms'"'"' ORDER BY 1" >ix &&
	printf "name_idx\nrooms_name_idx\nrooms_pkey\n" >expect && test_cmp expect ix
'

test_expect_success 'a load with more rows than the source counter moves the counter past them' '
	pg_in "${TEST_DB}_my" -c "DROP TABLE messages" &&
	my_sql "INSERT INTO messages (id, user_id, body) VALUES (7000, 1, '"'"'late'"'"')" &&
	ferry-extract "$MY_URI" -t messages -o m2.ferry &&
	ferry-load "$PG_MY" --create -i m2.ferry &&
	pg_in "${TEST_DB}_my" -c "INSERT INTO messages (user_id, body) VALUES (1, '"'"'x'"'"') RETURNING id" >id &&
	echo 7001 >expect && test_cmp expect id
'

test_expect_success 'a default that is not a value of its column is named, not made' '
	cat >bad.json <<-\EOF &&
	{"name":"t","columns":[{"name":"n","type":"int64","default":{"value":"ten"}},{"name":"d","type":"date","default":{"function":"uuid"}}],"primary_key":[]}
	EOF
	echo "{\"n\":1,\"d\":null}" | ferry-cat --encode -S bad.json -o bad.ferry &&
	pg_in "${TEST_DB}_pg" -c "SELECT 1" >/dev/null &&
	ferry-load "$PG_PG" --create -i bad.ferry 2>err &&
	test_grep "column n: default '"'"'ten'"'"' not made: not a int64 value" err &&
	test_grep "column d: default a new uuid not made on a date column" err &&
	pg_in "${TEST_DB}_pg" -c "SELECT count(*) FROM pg_attrdef WHERE adrelid = '"'"'t'"'"'::regclass" >n &&
	echo 0 >zero && test_cmp zero n
'

test_expect_success 'a malformed default or identity is a bad stream (exit 3) naming the column' '
	cat >bad2.json <<-\EOF &&
	{"name":"t2","columns":[{"name":"n","type":"int64","default":{"value":1}}],"primary_key":[]}
	EOF
	test_expect_code 2 ferry-cat --encode -S bad2.json -o bad2.ferry </dev/null 2>err &&
	test_grep "column n: \"default\": \"value\" must be a UTF-8 string" err &&
	cat >bad3.json <<-\EOF &&
	{"name":"t3","columns":[{"name":"n","type":"int64","identity":{"next":1.5}}],"primary_key":[]}
	EOF
	test_expect_code 2 ferry-cat --encode -S bad3.json -o bad3.ferry </dev/null 2>err &&
	test_grep "column n: \"identity\": \"next\" must be a 64-bit integer" err
'

test_done
