#!/bin/sh
# MySQL -> PostgreSQL folds names to the lower case an application's own
# PostgreSQL schema uses (its names are unquoted): `Users`.`CreateAt`
# becomes users.createat, made by --create or found in the application's
# schema; ferry-verify pairs them the same way; --keep-case keeps them.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
PG_APP="$PG_BASE dbname=${TEST_DB}_app"
PG_KEEP="$PG_BASE dbname=${TEST_DB}_keep"

test_expect_success 'setup: a MySQL application schema in CamelCase' '
	my_fresh_db && pg_fresh_db &&
	for d in app keep; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_sql <<-\EOSQL
	CREATE TABLE Users (Id INT AUTO_INCREMENT PRIMARY KEY,
	  UserName VARCHAR(40) NOT NULL, CreateAt BIGINT NOT NULL DEFAULT 0,
	  KEY IX_UserName (UserName));
	INSERT INTO Users (UserName, CreateAt) VALUES ('"'"'Alice'"'"', 1), ('"'"'bob'"'"', 2);
	CREATE TABLE ChannelMembers (ChannelId INT NOT NULL, UserId INT NOT NULL,
	  PRIMARY KEY (ChannelId, UserId));
	INSERT INTO ChannelMembers VALUES (1, 1), (1, 2);
	EOSQL
'

test_expect_success '--create makes lower-case names the application finds unquoted' '
	ferry-extract "$MY_URI" -t Users -t ChannelMembers -o app.ferry &&
	ferry-load "$PG_URI" --create -i app.ferry &&
	pg_sql "SELECT id, username, createat FROM users ORDER BY id" >rows &&
	printf "1|Alice|1\n2|bob|2\n" >expect && test_cmp expect rows &&
	pg_sql "SELECT count(*) FROM channelmembers WHERE channelid = 1" >n &&
	echo 2 >two && test_cmp two n &&
	pg_sql "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'users'"'"' AND indexname <> '"'"'users_pkey'"'"'" >ix &&
	echo users_ix_username >expect && test_cmp expect ix &&
	pg_sql "INSERT INTO users (username) VALUES ('"'"'carol'"'"') RETURNING id, createat" >ins &&
	echo "3|0" >expect && test_cmp expect ins
'

test_expect_success 'ferry-verify pairs Users with users, and --check names both' '
	pg_sql "DELETE FROM users WHERE id = 3" &&
	ferry-verify "$MY_URI" "$PG_URI" -t Users -t ChannelMembers >out &&
	test_grep "Users: A 2 rows, B 2 rows: equal" out &&
	test_grep "ChannelMembers: A 2 rows, B 2 rows: equal" out &&
	ferry-load "$PG_URI" --check -m upsert -i app.ferry >check &&
	test_grep "table Users -> users:" check
'

test_expect_success 'loading into the application'"'"'s own schema: its tables, no second copy' '
	pg_in "${TEST_DB}_app" -c "CREATE TABLE users (id int PRIMARY KEY, username text NOT NULL, createat bigint NOT NULL);
		CREATE TABLE channelmembers (channelid int, userid int, PRIMARY KEY (channelid, userid))" &&
	ferry-load "$PG_APP" -i app.ferry &&
	pg_in "${TEST_DB}_app" -c "SELECT count(*) FROM users" >n && test_cmp two n &&
	pg_in "${TEST_DB}_app" -c "SELECT count(*) FROM pg_class WHERE relname IN ('"'"'Users'"'"', '"'"'ChannelMembers'"'"')" >n &&
	echo 0 >zero && test_cmp zero n
'

test_expect_success 'a name that differs only in case is named, by the load and --check' '
	test_expect_code 2 ferry-load "$PG_APP" --keep-case -i app.ferry 2>err &&
	test_grep "table Users does not exist (use --create); the target has \"users\", a name that differs only in case" err &&
	test_expect_code 6 ferry-load "$PG_APP" --keep-case --check -i app.ferry >out &&
	test_grep "the target has \"users\", a name that differs only in case" out
'

test_expect_success '--keep-case keeps the names, and verify with --keep-case too' '
	ferry-load "$PG_KEEP" --create --keep-case -i app.ferry &&
	pg_in "${TEST_DB}_keep" -c "SELECT \"UserName\" FROM \"Users\" ORDER BY \"Id\" LIMIT 1" >u &&
	echo Alice >expect && test_cmp expect u &&
	ferry-verify --keep-case "$MY_URI" "$PG_KEEP" -t Users >out &&
	test_grep "Users: A 2 rows, B 2 rows: equal" out
'

test_expect_success '--table-map names the stream table as it is or folded; its target is kept' '
	pg_sql "DROP TABLE users" &&
	ferry-load "$PG_URI" --create --table-map Users=people -m upsert -i app.ferry &&
	pg_sql "SELECT count(*) FROM people" >n && test_cmp two n &&
	pg_sql "DROP TABLE people" &&
	ferry-load "$PG_URI" --create --table-map users=People -m upsert -i app.ferry &&
	pg_sql "SELECT count(*) FROM \"People\"" >n && test_cmp two n
'

test_expect_success 'two names that fold to one are refused, naming both' '
	my_sql "CREATE TABLE users (id INT PRIMARY KEY)" &&
	ferry-extract "$MY_URI" -t Users -t users -o two.ferry &&
	test_expect_code 2 ferry-load "$PG_KEEP" --create -i two.ferry 2>err &&
	test_grep "tables '"'"'Users'"'"' and '"'"'users'"'"' are both '"'"'users'"'"' in PostgreSQL" err &&
	test_expect_code 2 ferry-load "$PG_KEEP" --check --create -i two.ferry 2>err &&
	test_grep "tables '"'"'Users'"'"' and '"'"'users'"'"' are both" err &&
	cat >cols.json <<-\EOF &&
	{"name":"t","source":"mysql://x/y","columns":[{"name":"Name","type":"int64"},{"name":"name","type":"int64"}],"primary_key":[]}
	EOF
	echo "{\"Name\":1,\"name\":2}" | ferry-cat --encode -S cols.json -o cols.ferry &&
	test_expect_code 2 ferry-load "$PG_KEEP" --create -i cols.ferry 2>err &&
	test_grep "columns '"'"'Name'"'"' and '"'"'name'"'"' are both '"'"'name'"'"'" err
'

test_done
