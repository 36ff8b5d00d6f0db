#!/bin/sh
# A whole-database extract writes its tables in foreign-key order: each
# after the tables its keys point at, else as listed, so that a load into
# the application's own schema (its keys checked on every row) meets each
# parent row before its children; keys that form a cycle are named.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
APP="$PG_BASE dbname=${TEST_DB}_app"
MY_APP="mysql://root@localhost/${TEST_DB}_app?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >schema.sql <<'EOF'
CREATE TABLE z_users (id int PRIMARY KEY, name varchar(40) NOT NULL);
CREATE TABLE m_rooms (id int PRIMARY KEY, owner_id int NOT NULL REFERENCES z_users (id));
CREATE TABLE m_members (room_id int NOT NULL REFERENCES m_rooms (id),
  user_id int NOT NULL REFERENCES z_users (id), PRIMARY KEY (room_id, user_id));
CREATE TABLE a_messages (id int PRIMARY KEY, room_id int NOT NULL REFERENCES m_rooms (id),
  author_id int REFERENCES z_users (id), reply_to int REFERENCES a_messages (id), body text);
EOF

cat >rows.sql <<'EOF'
INSERT INTO z_users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO m_rooms VALUES (10, 1);
INSERT INTO m_members VALUES (10, 1), (10, 2);
INSERT INTO a_messages VALUES (100, 10, 1, NULL, 'hi'), (101, 10, 2, 100, 'hello');
EOF

test_expect_success 'setup: a chat schema whose children sort before their parents' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_app\"" \
		-c "CREATE DATABASE \"${TEST_DB}_app\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_app\`; CREATE DATABASE \`${TEST_DB}_app\`" &&
	pg_sql <schema.sql && pg_sql <rows.sql &&
	my_sql <schema.sql && my_sql <rows.sql &&
	pg_in "${TEST_DB}_app" <schema.sql &&
	my_in "${TEST_DB}_app" <schema.sql
'

cat >expect.order <<'EOF'
table z_users
table m_rooms
table a_messages
table m_members
EOF

test_expect_success 'PostgreSQL --all-tables: parents first' '
	ferry-extract "$PG_URI" --all-tables -o pg.ferry &&
	ferry-cat -f summary pg.ferry | grep "^table " >got &&
	test_cmp expect.order got
'

test_expect_success 'into the application'"'"'s PostgreSQL schema, keys checked on every row' '
	ferry-load "$APP" <pg.ferry &&
	ferry-verify "$PG_URI" "$APP"
'

test_expect_success 'MariaDB --all-tables: the same order, into its own schema' '
	ferry-extract "$MY_URI" --all-tables -o my.ferry &&
	ferry-cat -f summary my.ferry | grep "^table " >got &&
	test_cmp expect.order got &&
	ferry-load "$MY_APP" <my.ferry &&
	ferry-verify "$MY_URI" "$MY_APP"
'

test_expect_success 'keys that form a cycle: named, the tables in listed order' '
	pg_sql "CREATE TABLE c_a (id int PRIMARY KEY, b_id int); CREATE TABLE c_b (id int PRIMARY KEY, a_id int REFERENCES c_a (id)); ALTER TABLE c_a ADD FOREIGN KEY (b_id) REFERENCES c_b (id)" &&
	ferry-extract "$PG_URI" -t c_b -t c_a -o cyc.ferry 2>err &&
	test_grep "foreign keys form a cycle through c_b" err &&
	ferry-cat -f summary cyc.ferry | grep "^table " >got &&
	printf "table c_b\ntable c_a\n" >expect &&
	test_cmp expect got
'

test_expect_success '--mode truncate over seeded tables: emptied together first, then loaded' '
	pg_in "${TEST_DB}_app" -c "INSERT INTO z_users VALUES (3, '"'"'seed'"'"'); INSERT INTO m_rooms VALUES (11, 3); INSERT INTO a_messages VALUES (102, 11, 3, NULL, '"'"'welcome'"'"')" &&
	ferry-load "$APP" -m truncate <pg.ferry 2>err &&
	test_grep "the run'"'"'s 4 tables emptied together before the first row" err &&
	ferry-verify -t z_users -t m_rooms -t a_messages -t m_members "$PG_URI" "$APP" &&
	my_in "${TEST_DB}_app" -e "INSERT INTO z_users VALUES (3, '"'"'seed'"'"'); INSERT INTO m_rooms VALUES (11, 3); INSERT INTO a_messages VALUES (102, 11, 3, NULL, '"'"'welcome'"'"')" &&
	ferry-load "$MY_APP" -m truncate <my.ferry &&
	ferry-verify "$MY_URI" "$MY_APP"
'

test_expect_success '--check: a reference to a table the stream loads later, empty in the target, is a refused row' '
	pg_sql "INSERT INTO c_a VALUES (1, NULL); INSERT INTO c_b VALUES (1, 1), (2, NULL); UPDATE c_a SET b_id = 1" &&
	ferry-extract "$PG_URI" -t c_b -t c_a -o cyc2.ferry 2>/dev/null &&
	pg_in "${TEST_DB}_app" -c "CREATE TABLE c_a (id int PRIMARY KEY, b_id int); CREATE TABLE c_b (id int PRIMARY KEY, a_id int REFERENCES c_a (id)); ALTER TABLE c_a ADD FOREIGN KEY (b_id) REFERENCES c_b (id)" &&
	test_expect_code 6 ferry-load "$APP" --check <cyc2.ferry >out &&
	test_grep "a_id: foreign_key_order: 1 rows: a reference (foreign key c_b_a_id_fkey) to c_a, which the stream loads after this table and the target holds empty; keys: id=1" out &&
	test_expect_code 4 ferry-load "$APP" <cyc2.ferry 2>err &&
	test_grep "c_b_a_id_fkey" err
'

test_done
