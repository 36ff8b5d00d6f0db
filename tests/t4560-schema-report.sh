#!/bin/sh
# Nothing the source holds vanishes without a word: the stream names what
# it does not carry (an objects frame: triggers, views, routines, events,
# CHECK constraints, indexes ferry cannot make, partitioning, comments,
# grants; on PostgreSQL also policies, rules, free sequences, types and
# extensions), ferry-cat lists it, ferry-transform passes it on, and
# ferry-load says what it did not make and writes it to --schema-report.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"

cat >my.sql <<'EOF'
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL COMMENT 'login name',
  age INT CHECK (age / 2 < 100), bio TEXT, prefs JSON,
  FULLTEXT KEY ft_bio (bio), KEY by_name_prefix (name(10)), KEY by_age (age),
  CONSTRAINT name_set CHECK (name REGEXP '^[a-z]'))
  COMMENT 'people who chat';
CREATE TABLE messages (id INT PRIMARY KEY, user_id INT, body TEXT)
  PARTITION BY HASH (id) PARTITIONS 2;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what TEXT);
CREATE TRIGGER users_bi BEFORE INSERT ON users FOR EACH ROW SET NEW.name = TRIM(NEW.name);
CREATE TRIGGER messages_ai AFTER INSERT ON messages FOR EACH ROW INSERT INTO audit (what) VALUES ('m');
CREATE VIEW active_users AS SELECT id, name FROM users WHERE age < 100;
CREATE FUNCTION greet(n TEXT) RETURNS TEXT DETERMINISTIC RETURN CONCAT('hi ', n);
CREATE PROCEDURE clean_audit() DELETE FROM audit;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;
INSERT INTO users VALUES (1, 'ann', 30, 'likes chat', '{"a": 1}');
INSERT INTO messages VALUES (1, 1, 'hello');
EOF

test_expect_success 'setup: a MariaDB chat schema with what ferry does not carry' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_sql <my.sql
'

test_expect_success 'extract --all-tables: the summary lists what is not carried' '
	ferry-extract "$MY_URI" --all-tables -o all.ferry &&
	ferry-cat -f summary all.ferry >sum &&
	test_grep "views carried: 1 (active_users)" sum &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 12 objects of the source
	  trigger: 2 (messages: messages_ai, users: users_bi)
	  function: 1 (greet)
	  procedure: 1 (clean_audit)
	  event: 1 (nightly)
	  index: 2 (users: by_name_prefix, users: ft_bio)
	  partitioning: 1 (messages: messages)
	  table comment: 1 (users: users)
	  column comment: 1 (users: name)
	  check constraint: 2 (users: age, users: name_set)
	EOF
	test_cmp expect got
'

test_expect_success '-t users: only what belongs to users' '
	ferry-extract "$MY_URI" -t users -o users.ferry &&
	ferry-cat -f summary users.ferry >sum &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 7 objects of the source
	  trigger: 1 (users: users_bi)
	  index: 2 (users: by_name_prefix, users: ft_bio)
	  table comment: 1 (users: users)
	  column comment: 1 (users: name)
	  check constraint: 2 (users: age, users: name_set)
	EOF
	test_cmp expect got
'

test_expect_success 'ferry-transform passes the objects on' '
	echo "{\"tables\": {\"users\": {\"rename\": \"people\"}}}" >spec.json &&
	ferry-transform -s spec.json all.ferry | ferry-cat -f summary >sum &&
	test_grep "not carried: 12 objects of the source" sum &&
	test_grep "  trigger: 2 (messages: messages_ai, users: users_bi)" sum
'

test_expect_success 'MariaDB -> PostgreSQL --create: a notice counts them, --schema-report names them' '
	ferry-load "$TO" --create --schema-report report.json <all.ferry 2>err &&
	test_grep "not made: 12 objects of the source the stream names but does not carry (2 trigger, 1 function, 1 procedure, 1 event, 2 index, 1 partitioning, 1 table comment, 1 column comment, 2 check constraint); each is in --schema-report" err &&
	test_grep "views: 1 made, 0 already in the target (left as they are), 0 not made" err &&
	test "$(jq -r ".views[] | \"\(.name) \(.outcome)\"" report.json)" = "active_users made" &&
	jq -r ".not_carried[] | [.kind, .name, .table // \"-\", .target // \"-\"] | @tsv" report.json >got &&
	cat >expect <<-\EOF &&
	trigger	messages_ai	messages	messages
	trigger	users_bi	users	users
	function	greet	-	-
	procedure	clean_audit	-	-
	event	nightly	-	-
	index	by_name_prefix	users	users
	index	ft_bio	users	users
	partitioning	messages	messages	messages
	table comment	users	users	users
	column comment	name	users	users
	check constraint	age	users	users
	check constraint	name_set	users	users
	EOF
	test_cmp expect got &&
	test "$(jq -r ".counts.trigger" report.json)" = 2 &&
	test "$(jq -r "[.tables[] | select(.created)] | length" report.json)" = 3 &&
	jq -r ".not_carried[] | select(.name == \"users_bi\") | .detail" report.json >d &&
	echo "BEFORE INSERT" >expect && test_cmp expect d
'

test_expect_success 'into existing tables: no notice, the report still written' '
	ferry-load "$TO" -m truncate --schema-report report2.json <all.ferry 2>err &&
	! grep "not made" err &&
	test "$(jq -r ".not_carried | length" report2.json)" = 13 &&
	test "$(jq -r "[.tables[] | select(.created)] | length" report2.json)" = 0
'

test_expect_success 'a stream without objects: an empty report; --check refuses the option' '
	ferry-cat -f jsonl users.ferry >/dev/null &&
	printf "%s\n" "[{\"name\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int64\"}]}]" >t.schema.json &&
	echo "{\"table\": \"t\", \"row\": {\"a\": 1}}" | ferry-cat --encode -S t.schema.json -o t.ferry &&
	ferry-load "$TO" --create --schema-report empty.json <t.ferry 2>err &&
	! grep "not made" err &&
	test "$(jq -c ".not_carried" empty.json)" = "[]" &&
	test_expect_code 2 ferry-load "$TO" --check --schema-report x.json <t.ferry 2>err &&
	test_grep "schema-report" err
'

cat >pg.sql <<'EOF'
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA app;
CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE SEQUENCE app.ticket_no START 3250;
CREATE TABLE app.users (id bigint PRIMARY KEY CHECK (id >= 0),
  username text NOT NULL, karma int CONSTRAINT karma_small CHECK (karma::text ~ '^[0-9]+$'));
CREATE UNIQUE INDEX users_lower ON app.users (md5(username));
CREATE INDEX users_karma_pos ON app.users (karma) WHERE karma / 2 > 0;
CREATE INDEX users_karma ON app.users (karma);
COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.username IS 'shown name';
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE VIEW app.active AS SELECT id FROM app.users WHERE karma > 0;
CREATE MATERIALIZED VIEW app.top AS SELECT id FROM app.users ORDER BY karma DESC LIMIT 10;
ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON app.users USING (true);
CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE app.base (id int PRIMARY KEY);
CREATE TABLE app.child (extra text) INHERITS (app.base);
CREATE RULE no_delete AS ON DELETE TO app.base DO INSTEAD NOTHING;
DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_reader') THEN CREATE ROLE ferry_reader; END IF; END$$;
GRANT SELECT, INSERT ON app.users TO ferry_reader;
INSERT INTO app.users VALUES (1, 'Ann', 5);
EOF

test_expect_success 'PostgreSQL: what the stream does not carry, by kind' '
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" -t app.users -o pgu.ferry &&
	ferry-cat -f summary pgu.ferry >sum &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 9 objects of the source
	  trigger: 1 (app.users: users_touch)
	  index: 2 (app.users: users_karma_pos, app.users: users_lower)
	  check constraint: 1 (app.users: karma_small)
	  table comment: 1 (app.users: users)
	  column comment: 1 (app.users: username)
	  grant: 1 (app.users: ferry_reader)
	  policy: 1 (app.users: own)
	  row level security: 1 (app.users: users)
	EOF
	test_cmp expect got
'

test_expect_success 'PostgreSQL --all-tables: also views, routines, sequences, types, extensions' '
	ferry-extract "$PG_URI" --all-tables -o pgall.ferry 2>err &&
	ferry-cat -f summary pgall.ferry >sum &&
	sed -n "/^not carried:/,\$p" sum >got &&
	test_grep "  partition by range (at): events_2026 from ('"'"'2026-01-01'"'"') to ('"'"'2027-01-01'"'"')" sum &&
	! grep "partitioning" got &&
	test_grep "  inheritance: 1 (app.child: app.base)" got &&
	test_grep "  rule: 1 (app.base: no_delete)" got &&
	test_grep "views carried: 1 (app.active)" sum &&
	test_grep "  materialized view: 1 (app.top)" got &&
	test_grep "  function: 1 (app.touch())" got &&
	test_grep "  sequence: 1 (app.ticket_no)" got &&
	test_grep "  domain: 1 (app.email)" got &&
	test_grep "  enum type: 1 (app.mood)" got &&
	test_grep "  extension: 1 (citext)" got &&
	! grep "users_karma," got && ! grep "users_pkey" got
'

test_expect_success 'PostgreSQL -> PostgreSQL: a free sequence is made at the source'"'"'s next value' '
	pg_sql "SELECT nextval('"'"'app.ticket_no'"'"'), nextval('"'"'app.ticket_no'"'"')" >/dev/null &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_pg\"" \
		-c "CREATE DATABASE \"${TEST_DB}_pg\"" 2>/dev/null &&
	ferry-extract "$PG_URI" --all-tables -o pgall.ferry &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_pg" --create --schema-report seq.json <pgall.ferry 2>err &&
	test_grep "sequences: 1 made, 0 moved on to the source'"'"'s next value, 0 already there or past it, 0 not in the target" err &&
	test "$(pg_in "${TEST_DB}_pg" -c "SELECT nextval('"'"'app.ticket_no'"'"')")" = 3252 &&
	test "$(jq -r ".sequences[0].outcome" seq.json)" = made &&
	test "$(jq -r "[.not_carried[] | select(.kind == \"sequence\")] | length" seq.json)" = 0
'

test_expect_success 'a sequence the target has moves on to the source'"'"'s value, never back' '
	pg_sql "SELECT setval('"'"'app.ticket_no'"'"', 5000)" >/dev/null &&
	ferry-extract "$PG_URI" --all-tables -o pgall2.ferry &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_pg" -m truncate <pgall2.ferry 2>err &&
	test_grep "sequences: 0 made, 1 moved on" err &&
	test "$(pg_in "${TEST_DB}_pg" -c "SELECT nextval('"'"'app.ticket_no'"'"')")" = 5001 &&
	pg_in "${TEST_DB}_pg" -c "SELECT setval('"'"'app.ticket_no'"'"', 9000)" >/dev/null &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_pg" -m truncate <pgall2.ferry 2>err &&
	test_grep "1 already there or past it" err &&
	test "$(pg_in "${TEST_DB}_pg" -c "SELECT nextval('"'"'app.ticket_no'"'"')")" = 9001
'

test_expect_success 'without --create a sequence the target lacks is named, not made' '
	pg_in "${TEST_DB}_pg" -c "DROP SEQUENCE app.ticket_no" &&
	ferry-load "$PG_BASE dbname=${TEST_DB}_pg" -m truncate --schema-report seq2.json <pgall2.ferry 2>err &&
	test_grep "1 not in the target (--create makes them)" err &&
	test "$(jq -r ".sequences[0].outcome" seq2.json)" = absent &&
	test "$(jq -r ".not_carried[] | select(.kind == \"sequence\") | .name" seq2.json)" = app.ticket_no
'

test_expect_success 'PostgreSQL -> MariaDB: sequences are named, not made' '
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_my\`; CREATE DATABASE \`${TEST_DB}_my\`" &&
	ferry-load "mysql://root@localhost/${TEST_DB}_my?socket=$FERRY_TEST_MYSQL_SOCKET" --create <pgall2.ferry 2>err &&
	test_grep "sequences: 1 of the source not made (the target has no sequences ferry makes)" err
'

test_expect_success 'a function whose name and arguments pass 1024 bytes is named, cut, not a failure' '
	args=$(for i in $(seq 1 60); do printf "a%d character varying, " $i; done) &&
	pg_sql "CREATE FUNCTION app.wide(${args%, }) RETURNS int LANGUAGE sql AS '"'"'SELECT 1'"'"'" &&
	ferry-extract "$PG_URI" --all-tables -o wide.ferry &&
	ferry-cat -f summary wide.ferry >sum &&
	test_grep "  function: 2 (app.touch(), app.wide(a1 character varying, a2 " sum &&
	pg_sql "DROP FUNCTION app.wide"
'

test_done
