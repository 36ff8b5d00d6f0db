#!/bin/sh
# InnoDB keys hold 3072 bytes.  PostgreSQL text of no known length is
# VARCHAR(768) (3072 bytes in utf8mb4) in a MySQL key; in a primary key
# or unique index with other columns, the columns of no known length
# share what the others leave, equally (two text columns: VARCHAR(384)
# each), with a notice, so that the application's unique keys exist on
# MySQL; a longer value is refused by the server, set aside by --rejects,
# and named by --check beforehand.  A non-unique index over more keeps a
# prefix (it finds the same rows).  A unique key whose columns of known
# size alone take more than 3072 bytes is refused before the first row,
# each table named.  (A chat server's PostgreSQL schema has dozens of
# unique keys on two or three text columns.)
. "$(dirname "$0")/lib.sh"
test_need_db

MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >pg.sql <<'EOF'
CREATE TABLE devices (id bigint PRIMARY KEY, user_id text NOT NULL,
  device_id text NOT NULL, display_name text);
CREATE INDEX devices_user_device ON devices (user_id, device_id, id);
INSERT INTO devices VALUES (1, '@alice:example.org', 'PHONE', 'Phone'),
  (2, '@bob:example.org', 'LAPTOP', NULL);
CREATE TABLE receipts (room_id text NOT NULL, user_id text NOT NULL,
  event_id text NOT NULL);
CREATE UNIQUE INDEX receipts_uniqueness ON receipts (room_id, user_id);
INSERT INTO receipts VALUES ('!r1:example.org', '@alice:example.org', '$e1'),
  ('!r1:example.org', '@bob:example.org', '$e2');
CREATE TABLE labels (event_id text, label text, n int, PRIMARY KEY (event_id, label, n));
INSERT INTO labels VALUES ('$e1', 'work', 1), ('$e1', 'home', 2);
CREATE TABLE wide (a varchar(800), b varchar(800), UNIQUE (a, b));
EOF

test_expect_success 'setup' '
	pg_fresh_db && my_fresh_db &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" -t devices -t receipts -t labels -o all.ferry &&
	ferry-extract "$PG_URI" -t wide -o wide.ferry &&
	ferry-extract "$PG_URI" -t devices -o devices.ferry
'

test_expect_success 'a unique key of text columns of no known length: they share its 3072 bytes' '
	ferry-load "$MY_BACK" --create <all.ferry 2>err &&
	test_grep "table receipts: column room_id: VARCHAR(384) (the source gives it no length), so that its unique key with other columns fits the 3072 bytes of an InnoDB key; a longer value is refused (--check names it)" err &&
	test_grep "table labels: column label: VARCHAR(383)" err &&
	my_in "${TEST_DB}_back" -e "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('"'"'receipts'"'"', '"'"'labels'"'"') ORDER BY TABLE_NAME, ORDINAL_POSITION" >got &&
	cat >expect <<-\EOF &&
	labels	event_id	varchar(383)
	labels	label	varchar(383)
	labels	n	int(11)
	receipts	room_id	varchar(384)
	receipts	user_id	varchar(384)
	receipts	event_id	longtext
	EOF
	test_cmp expect got &&
	ferry-verify -t receipts -t labels "$PG_URI" "$MY_BACK" >out &&
	test_grep "the two sides are equal" out &&
	test_must_fail my_in "${TEST_DB}_back" -e "INSERT INTO receipts VALUES ('"'"'!r1:example.org'"'"', '"'"'@alice:example.org'"'"', '"'"'x'"'"')"
'

test_expect_success 'a longer value: --check names the row, the load sets it aside' '
	pg_sql "INSERT INTO receipts VALUES (repeat('"'"'r'"'"', 400), '"'"'@carol:example.org'"'"', '"'"'\$e3'"'"')" &&
	ferry-extract "$PG_URI" -t receipts -o r.ferry &&
	my_in "${TEST_DB}_back" -e "DROP TABLE receipts" &&
	test_expect_code 6 ferry-load "$MY_BACK" --create --check <r.ferry >out &&
	test_grep "room_id: too_long: 1 rows: longer than the 384 characters --create gives the key column" out &&
	ferry-load "$MY_BACK" --create --rejects rj.ferry <r.ferry 2>err &&
	test_grep "1 rows rejected" err &&
	test "$(my_in "${TEST_DB}_back" -e "SELECT count(*) FROM receipts")" = 2
'

test_expect_success 'a unique key whose columns of known size take more: refused before any row, named' '
	test_expect_code 3 ferry-load "$MY_BACK" --create <wide.ferry 2>err &&
	test_grep "table wide, column a: unique index wide_a_b_key would take 6400 bytes in MySQL, over the 3072 an InnoDB key holds (its columns of known size alone take that)" err &&
	test_expect_code 6 ferry-load "$MY_BACK" --create --check <wide.ferry >out 2>&1 &&
	test_grep "wide_a_b_key would take 6400 bytes" out &&
	test -z "$(my_in "${TEST_DB}_back" -N -e "SHOW TABLES LIKE '"'"'wide'"'"'")"
'

test_expect_success 'a non-unique index keeps a prefix of its text columns' '
	my_in "${TEST_DB}_back" -e "DROP TABLE devices" &&
	ferry-load "$MY_BACK" --create <devices.ferry &&
	my_in "${TEST_DB}_back" -N -e "SELECT COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = '"'"'devices_user_device'"'"' ORDER BY SEQ_IN_INDEX" >got &&
	printf "user_id\t383\ndevice_id\t383\nid\tNULL\n" >expect &&
	test_cmp expect got &&
	ferry-verify --rows -t devices "$PG_URI" "$MY_BACK" >out &&
	test_grep "equal" out
'

test_done
