#!/bin/sh
# A chat schema's round trip: MariaDB -> PostgreSQL -> MariaDB, each with
# --create, and PostgreSQL -> MariaDB -> PostgreSQL.  What comes back is
# what went, but for the differences ferry-load(1)'s mapping table lists
# (each spelled out below), and the application behaves alike at every
# step: an INSERT without id or defaults works, a duplicate username in
# another case is refused, a dangling reference is refused, a negative
# counter is refused, ORDER BY an enum keeps the source's order.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
MID="$PG_BASE dbname=${TEST_DB}_mid"
BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"
MYMID="mysql://root@localhost/${TEST_DB}_mymid?socket=$FERRY_TEST_MYSQL_SOCKET"
PGBACK="$PG_BASE dbname=${TEST_DB}_pgback"

cat >my.sql <<'EOF'
CREATE TABLE users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(50) NOT NULL COLLATE utf8mb4_unicode_ci,
  status ENUM('active', 'away', 'gone') NOT NULL DEFAULT 'active',
  karma INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_username (username)
) AUTO_INCREMENT = 100;
CREATE TABLE messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  body TEXT NOT NULL,
  is_deleted TINYINT(1) NOT NULL DEFAULT 0,
  KEY by_user (user_id),
  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO users (id, username, status) VALUES (1, 'Alice', 'gone'), (2, 'bob', 'active'), (3, 'carol', 'away');
INSERT INTO messages (user_id, body) VALUES (1, 'hi'), (2, 'hello'), (3, 'hey');
EOF

# the columns of a MariaDB database, as the application sees them
my_columns() {
	my_in "$1" -e "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE,
		COALESCE(COLUMN_DEFAULT, '-'), EXTRA, COALESCE(COLLATION_NAME, '-')
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
		ORDER BY TABLE_NAME, ORDINAL_POSITION"
}
my_keys() {
	my_in "$1" -e "SELECT s.TABLE_NAME, s.INDEX_NAME, s.NON_UNIQUE,
		GROUP_CONCAT(s.COLUMN_NAME ORDER BY s.SEQ_IN_INDEX)
		FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = DATABASE()
		GROUP BY 1, 2, 3 ORDER BY 1, 2;
		SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE
		FROM information_schema.REFERENTIAL_CONSTRAINTS
		WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2"
}

test_expect_success 'setup: the chat schema on MariaDB, empty targets' '
	my_fresh_db && my_sql <my.sql &&
	for d in mid pgback; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	for d in back mymid; do
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" || return 1
	done
'

test_expect_success 'MariaDB -> PostgreSQL -> MariaDB with --create' '
	ferry-extract "$MY_URI" --all-tables -o a.ferry &&
	ferry-load "$MID" --create <a.ferry 2>err1 &&
	ferry-extract "$MID" --all-tables -o b.ferry &&
	ferry-load "$BACK" --create <b.ferry 2>err2 &&
	ferry-verify --rows "$MY_URI" "$BACK" >out &&
	test_grep "users: A 3 rows, B 3 rows: equal" out &&
	test_grep "messages: A 3 rows, B 3 rows: equal" out
'
test_expect_success 'back in MariaDB: the schema as it was, but for the listed differences' '
	my_columns "$TEST_DB" >cols.a && my_columns "${TEST_DB}_back" >cols.b &&
	# PostgreSQL has no unsigned int (INT UNSIGNED went as bigint with
	# CHECK (>= 0 AND <= 4294967295), and comes back as it was), its
	# text no length, its enum no collation
	sed -e "s/^\(messages	body	\)text/\1longtext/" \
		-e "s/^\(users	status	.*\)utf8mb4_unicode_ci$/\1utf8mb4_nopad_bin/" \
		cols.a >expect &&
	test_cmp expect cols.b &&
	my_keys "$TEST_DB" >keys.a && my_keys "${TEST_DB}_back" >keys.b &&
	# index names took their table'"'"'s name in front on PostgreSQL
	sed -e "s/^messages	by_user/messages	messages_by_user/" \
		-e "s/^users	uq_username/users	users_uq_username/" keys.a >expect &&
	test_cmp expect keys.b
'

# app_checks URI-KIND DB: what the application does, on either engine
app_pg() {
	pg_in "$1" -c "INSERT INTO users (username) VALUES ('dave') RETURNING id" >id &&
	echo 100 >expect && test_cmp expect id &&
	test_must_fail pg_in "$1" -c "INSERT INTO users (username) VALUES ('ALICE')" 2>err &&
	test_grep "duplicate key" err &&
	test_must_fail pg_in "$1" -c "INSERT INTO messages (user_id, body) VALUES (999, 'x')" 2>err &&
	test_grep "foreign key" err &&
	test_must_fail pg_in "$1" -c "UPDATE users SET karma = 1, id = -5 WHERE id = 2" 2>err &&
	test_grep "check constraint" err &&
	pg_in "$1" -c "SELECT string_agg(username, ',' ORDER BY status, id) FROM users" >o &&
	echo "bob,dave,carol,Alice" >expect && test_cmp expect o &&
	pg_in "$1" -c "SELECT status, karma, is_deleted FROM users JOIN messages m ON m.user_id = users.id WHERE users.id = 1" >d &&
	echo "gone|0|f" >expect && test_cmp expect d
}

app_my() {
	my_in "$1" -e "SET sql_mode = 'STRICT_ALL_TABLES';
		INSERT INTO users (username) VALUES ('dave'); SELECT LAST_INSERT_ID()" >id &&
	echo 100 >expect && test_cmp expect id &&
	test_must_fail my_in "$1" -e "INSERT INTO users (username) VALUES ('ALICE')" 2>err &&
	test_grep "Duplicate entry" err &&
	test_must_fail my_in "$1" -e "INSERT INTO messages (user_id, body) VALUES (999, 'x')" 2>err &&
	test_grep "foreign key constraint fails" err &&
	test_must_fail my_in "$1" -e "SET sql_mode = 'STRICT_ALL_TABLES'; UPDATE users SET id = -5 WHERE id = 2" 2>err &&
	test_grep "Out of range" err &&
	my_in "$1" -e "SELECT GROUP_CONCAT(username ORDER BY status, id) FROM users" >o &&
	echo "bob,dave,carol,Alice" >expect && test_cmp expect o &&
	my_in "$1" -e "SELECT status, karma, is_deleted FROM users JOIN messages m ON m.user_id = users.id WHERE users.id = 1" >d &&
	printf "gone\t0\t0\n" >expect && test_cmp expect d
}

test_expect_success 'the application on the source' '
	app_my "$TEST_DB"
'

test_expect_success 'the application on PostgreSQL, after the first leg' '
	app_pg "${TEST_DB}_mid"
'

test_expect_success 'the application back on MariaDB' '
	app_my "${TEST_DB}_back"
'

cat >pg.sql <<'EOF'
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE users (
  id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 500) PRIMARY KEY,
  username varchar(50) COLLATE nocase NOT NULL UNIQUE,
  mood mood NOT NULL DEFAULT 'ok',
  karma integer NOT NULL DEFAULT 0 CHECK (karma >= 0));
INSERT INTO users (id, username, mood) VALUES (1, 'Alice', 'happy'), (2, 'bob', 'sad');
EOF

test_expect_success 'PostgreSQL -> MariaDB -> PostgreSQL: case-insensitive, enum, identity, unsigned kept' '
	pg_fresh_db && pg_sql <pg.sql &&
	ferry-extract "$PG_URI" --all-tables -o p.ferry &&
	ferry-load "$MYMID" --create <p.ferry 2>err1 &&
	my_columns "${TEST_DB}_mymid" >mycols &&
	cat >expect <<-\EOF &&
	users	id	bigint(20)	NO	-	auto_increment	-
	users	username	varchar(50)	NO	-		utf8mb4_unicode_ci
	users	mood	enum('"'"'sad'"'"','"'"'ok'"'"','"'"'happy'"'"')	NO	'"'"'ok'"'"'		utf8mb4_nopad_bin
	users	karma	int(10) unsigned	NO	0		-
	EOF
	test_cmp expect mycols &&
	test_must_fail my_in "${TEST_DB}_mymid" -e "INSERT INTO users (username) VALUES ('"'"'ALICE'"'"')" 2>err &&
	test_grep "Duplicate entry" err &&
	ferry-extract "$MYMID" --all-tables -o q.ferry &&
	ferry-load "$PGBACK" --create <q.ferry 2>err2 &&
	pg_in "${TEST_DB}_pgback" -c "SELECT a.attname, format_type(a.atttypid, a.atttypmod),
		a.attnotnull, a.attidentity, COALESCE(co.collname, '"'"'-'"'"')
		FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation
		AND a.attcollation <> 100 WHERE a.attrelid = '"'"'users'"'"'::regclass AND a.attnum > 0
		ORDER BY a.attnum" >pgcols &&
	cat >expect <<-\EOF &&
	id|bigint|t|d|-
	username|character varying(50)|t||ferry_ci
	mood|users_mood|t||-
	karma|bigint|t||-
	EOF
	test_cmp expect pgcols &&
	# the identity goes on from MariaDB'"'"'s counter (500, which the
	# refused ALICE there used up: InnoDB does not give it back)
	pg_in "${TEST_DB}_pgback" -c "INSERT INTO users (username) VALUES ('"'"'carol'"'"') RETURNING id" >id &&
	echo 501 >expect && test_cmp expect id &&
	test_must_fail pg_in "${TEST_DB}_pgback" -c "INSERT INTO users (username) VALUES ('"'"'ALICE'"'"')" 2>err &&
	test_grep "duplicate key" err &&
	test_must_fail pg_in "${TEST_DB}_pgback" -c "INSERT INTO users (username, karma) VALUES ('"'"'eve'"'"', -1)" 2>err &&
	test_grep "check constraint" err &&
	pg_in "${TEST_DB}_pgback" -c "SELECT string_agg(username, '"'"','"'"' ORDER BY mood) FROM users" >o &&
	echo "bob,carol,Alice" >expect && test_cmp expect o
'

test_done
