#!/bin/sh
# Indexes on expressions and of some rows (PostgreSQL) move when every key
# and the predicate mean the same on the target: a chat server's unique
# lower(username) keeps 'Alice' from joining next to 'alice' after the
# move, a partial unique index still lets deleted rows repeat.  Where the
# target has no such index (MariaDB), each is named, never made as a
# stricter plain index.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >pg.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  username text NOT NULL,
  email text,
  deleted boolean NOT NULL DEFAULT false,
  karma integer NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX users_lower_name ON users (lower(username));
CREATE UNIQUE INDEX users_live_email ON users (email) WHERE NOT deleted;
CREATE INDEX users_hot ON users (karma, lower(email)) WHERE karma > 100 AND email IS NOT NULL;
CREATE INDEX users_email_ops ON users (email text_pattern_ops);
CREATE INDEX users_md5 ON users (md5(email));
INSERT INTO users VALUES (1, 'alice', 'a@x', false, 5), (2, 'Bob', 'b@x', true, 500),
  (3, 'carol', 'b@x', false, 200);
EOF

cat >expect.sum <<'EOF'
  index users_hot: "karma", lower("email") where (("karma" > 100) AND ("email" IS NOT NULL))
  unique index users_live_email: "email" where (NOT "deleted")
  unique index users_lower_name: lower("username")
EOF

test_expect_success 'setup: a PostgreSQL users table with expression and partial indexes' '
	pg_fresh_db && my_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	pg_sql <pg.sql
'

test_expect_success 'the stream carries the ones that translate' '
	ferry-extract "$PG_URI" -t users -o pg.ferry &&
	ferry-cat -f summary pg.ferry >sum &&
	grep "index users_" sum | grep -v "^  index users_email_ops: email$" >got &&
	test_cmp expect.sum got &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 1 objects of the source
	  index: 1 (users: users_md5)
	EOF
	test_cmp expect got
'

test_expect_success 'PostgreSQL -> PostgreSQL: the application sees the same uniqueness' '
	ferry-load "$TO" --create <pg.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'users'"'"' ORDER BY 1" >got &&
	printf "%s\n" users_email_ops users_hot users_live_email users_lower_name users_pkey >expect &&
	test_cmp expect got &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (4, '"'"'ALICE'"'"', NULL, false, 0)" 2>err &&
	test_grep "users_lower_name" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (5, '"'"'dave'"'"', '"'"'a@x'"'"', false, 0)" 2>err &&
	test_grep "users_live_email" err &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO users VALUES (6, '"'"'erin'"'"', '"'"'a@x'"'"', true, 0)" &&
	for db in "$TEST_DB" "${TEST_DB}_to"; do
		pg_in "$db" -c "SELECT indexdef FROM pg_indexes WHERE indexname IN ('"'"'users_lower_name'"'"', '"'"'users_live_email'"'"', '"'"'users_hot'"'"') ORDER BY 1" >"defs.$db" || return 1
	done &&
	test_cmp "defs.$TEST_DB" "defs.${TEST_DB}_to"
'

test_expect_success 'PostgreSQL -> MariaDB: each is named, none made as a plain index' '
	ferry-load "$MY_BACK" --create <pg.ferry 2>err &&
	test_grep "index users_lower_name: not made: an index on expressions, which MariaDB has not" err &&
	test_grep "index users_live_email: not made: an index of some rows only (WHERE)" err &&
	test_grep "index users_hot: not made: an index of some rows only (WHERE)" err &&
	my_in "${TEST_DB}_back" -N -e "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'users'"'"' ORDER BY 1" >got &&
	printf "%s\n" PRIMARY users_email_ops >expect &&
	test_cmp expect got
'

cat >spec.json <<'EOF'
{"tables": {"users": {"columns": {"email": {"drop": true}, "username": {"rename": "login"}}}}}
EOF

test_expect_success 'ferry-transform: renamed with its column, named when its column goes' '
	ferry-transform -s spec.json pg.ferry -o t.ferry &&
	ferry-cat -f summary t.ferry >sum &&
	test_grep "  unique index users_lower_name: lower(\"login\")" sum &&
	! grep "users_live_email:\|users_hot:" sum &&
	test_grep "  index: 3 (users: users_md5, users: users_live_email, users: users_hot)" sum
'

test_done
