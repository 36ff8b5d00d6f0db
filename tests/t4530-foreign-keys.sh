#!/bin/sh
# --create makes the source's foreign keys once every table of the run is
# in (any order, cycles too), with their actions, in every direction; rows
# that break one are named, and the key still holds for new rows.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
PG_PG="$PG_BASE dbname=${TEST_DB}_pg"
MY_MY="mysql://root@localhost/${TEST_DB}_my?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_PG="mysql://root@localhost/${TEST_DB}_pg?socket=$FERRY_TEST_MYSQL_SOCKET"

test_expect_success 'setup: chat tables with foreign keys, a cycle and one orphan' '
	my_fresh_db && pg_fresh_db &&
	for d in my pg; do
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" &&
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_sql <<-\EOSQL
	CREATE TABLE members (room_id INT NOT NULL, user_id INT NOT NULL,
	  PRIMARY KEY (room_id, user_id), KEY by_user (user_id));
	CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL,
	  last_room INT NULL, KEY by_room (last_room));
	CREATE TABLE rooms (id INT PRIMARY KEY, owner INT NULL, KEY by_owner (owner),
	  CONSTRAINT room_owner FOREIGN KEY (owner) REFERENCES users (id)
	    ON DELETE SET NULL);
	ALTER TABLE users ADD CONSTRAINT user_room FOREIGN KEY (last_room)
	  REFERENCES rooms (id);
	ALTER TABLE members ADD CONSTRAINT member_room FOREIGN KEY (room_id)
	  REFERENCES rooms (id) ON DELETE CASCADE ON UPDATE CASCADE,
	  ADD CONSTRAINT member_user FOREIGN KEY (user_id) REFERENCES users (id);
	SET foreign_key_checks = 0;
	INSERT INTO users VALUES (1, '"'"'ann'"'"', 1), (2, '"'"'bob'"'"', NULL);
	INSERT INTO rooms VALUES (1, 1), (2, 2);
	INSERT INTO members VALUES (1, 1), (1, 2), (2, 2), (2, 99);
	EOSQL
'

test_expect_success 'the stream carries them (ferry-cat shows them)' '
	ferry-extract "$MY_URI" -t members -t users -t rooms -o my.ferry &&
	ferry-cat -f summary my.ferry >sum &&
	test_grep "foreign key member_room: room_id -> rooms (id) on delete CASCADE on update CASCADE" sum &&
	test_grep "foreign key room_owner: owner -> users (id) on delete SET NULL on update RESTRICT" sum &&
	test "$(grep -c "foreign key" sum)" = 4
'

test_expect_success 'MariaDB -> PostgreSQL: the keys, their actions, and the orphan named' '
	ferry-load "$PG_URI" --create -i my.ferry 2>err &&
	test_grep "table members: foreign key member_user is NOT VALID: rows that were loaded break it" err &&
	test "$(grep -c "foreign key" err)" = 1 &&
	pg_sql "SELECT conname, confdeltype, confupdtype, convalidated FROM pg_constraint WHERE contype = '"'"'f'"'"' ORDER BY 1" >fk &&
	printf "%s\n" "member_room|c|c|t" "member_user|r|r|f" "room_owner|n|r|t" "user_room|r|r|t" >expect &&
	test_cmp expect fk
'

test_expect_success 'MariaDB -> PostgreSQL: the application meets its keys' '
	test_must_fail pg_sql "INSERT INTO members VALUES (1, 12345)" 2>err &&
	test_grep "violates foreign key constraint \"member_user\"" err &&
	test_must_fail pg_sql "DELETE FROM rooms WHERE id = 1" 2>err &&
	test_grep "user_room" err &&
	pg_sql "DELETE FROM rooms WHERE id = 2" &&
	pg_sql "SELECT count(*) FROM members WHERE room_id = 2" >n &&
	echo 0 >zero && test_cmp zero n &&
	pg_sql "DELETE FROM members WHERE user_id = 1" &&
	pg_sql "DELETE FROM users WHERE id = 1" &&
	pg_sql "SELECT owner IS NULL FROM rooms WHERE id = 1" >o &&
	echo t >expect && test_cmp expect o
'

test_expect_success 'MariaDB -> MariaDB: the keys, and the orphan counted' '
	ferry-load "$MY_MY" --create -i my.ferry 2>err &&
	test_grep "table members: foreign key member_user: 1 rows that were loaded break it" err &&
	my_in "${TEST_DB}_my" -e "SELECT CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1" >fk &&
	# MariaDB records RESTRICT as NO ACTION when the key is added with
	# foreign_key_checks off; InnoDB checks both at once, alike
	printf "member_room\tCASCADE\tCASCADE\nmember_user\tNO ACTION\tNO ACTION\nroom_owner\tSET NULL\tNO ACTION\nuser_room\tNO ACTION\tNO ACTION\n" >expect &&
	test_cmp expect fk &&
	test_must_fail my_in "${TEST_DB}_my" -e "DELETE FROM users WHERE id = 2" 2>err &&
	test_grep "foreign key constraint fails" err
'

test_expect_success 'PostgreSQL -> MariaDB and -> PostgreSQL: the same keys' '
	ferry-extract "$PG_URI" -t members -t users -t rooms -o pg.ferry &&
	ferry-load "$MY_PG" --create -i pg.ferry 2>err &&
	! grep "foreign key" err &&
	my_in "${TEST_DB}_pg" -e "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()" >n &&
	echo 4 >four && test_cmp four n &&
	ferry-load "$PG_PG" --create -i pg.ferry 2>err &&
	! grep "foreign key" err &&
	pg_in "${TEST_DB}_pg" -c "SELECT count(*) FROM pg_constraint WHERE contype = '"'"'f'"'"' AND convalidated" >n &&
	test_cmp four n
'

test_expect_success 'ferry-transform: a renamed column keeps its key, a dropped one takes it along' '
	echo "{\"tables\": {\"users\": {\"columns\": {\"last_room\": {\"drop\": true}}},
		\"rooms\": {\"columns\": {\"owner\": {\"rename\": \"owner_id\"}}}}}" >spec.json &&
	ferry-transform -s spec.json -o t.ferry my.ferry &&
	ferry-cat -f summary t.ferry >sum &&
	test "$(grep -c "foreign key" sum)" = 3 &&
	test_grep "foreign key room_owner: owner_id -> users (id)" sum &&
	! grep user_room sum
'

test_expect_success 'a key to a table that is not there is named, not made' '
	cat >lone.json <<-\EOF &&
	{"name":"lone","source":"postgresql://x/y","columns":[{"name":"id","type":"int64","nullable":false},{"name":"u","type":"int64"}],"primary_key":["id"],"foreign_keys":[{"name":"to_nowhere","columns":["u"],"references":{"table":"nowhere","columns":["id"]}}]}
	EOF
	echo "{\"id\":1,\"u\":5}" | ferry-cat --encode -S lone.json -o lone.ferry &&
	ferry-load "$PG_PG" --create -i lone.ferry 2>err &&
	test_grep "table lone: foreign key to_nowhere not made:" err &&
	test_grep "nowhere" err
'

test_done
