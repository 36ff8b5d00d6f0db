#!/bin/sh
# InnoDB keys hold 3072 bytes, and PostgreSQL text of no known length is
# VARCHAR(768) (3072 bytes in utf8mb4) in a MySQL key.  A non-unique
# index over more than that keeps a prefix of each text column (it finds
# the same rows); a unique key or primary key over more is refused before
# the first row, each table named, as a prefix would refuse rows the
# source holds.  (A chat server's PostgreSQL schema has dozens of unique
# keys on two or three text columns.)
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
CREATE TABLE labels (event_id text, label text, PRIMARY KEY (event_id, label));
EOF

test_expect_success 'setup' '
	pg_fresh_db && my_fresh_db &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" --all-tables -o all.ferry &&
	ferry-extract "$PG_URI" -t devices -o devices.ferry
'

test_expect_success 'a unique key over 3072 bytes: refused before any table, each named' '
	test_expect_code 3 ferry-load "$MY_BACK" --create <all.ferry 2>err &&
	test_grep "table labels, column event_id: the primary key would take 6144 bytes in MySQL, over the 3072 an InnoDB key holds" err &&
	test_grep "table receipts, column room_id: unique index receipts_uniqueness would take 6144 bytes" err &&
	test_grep "cannot make 2 of the stream" err &&
	test -z "$(my_in "${TEST_DB}_back" -N -e "SHOW TABLES")"
'

test_expect_success '--check says the same' '
	test_expect_code 6 ferry-load "$MY_BACK" --create --check <all.ferry >out 2>&1 &&
	test_grep "receipts_uniqueness would take 6144 bytes" out
'

test_expect_success 'a non-unique index keeps a prefix of its text columns' '
	ferry-load "$MY_BACK" --create <devices.ferry &&
	my_in "${TEST_DB}_back" -N -e "SELECT COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = '"'"'devices_user_device'"'"' ORDER BY SEQ_IN_INDEX" >got &&
	printf "user_id\t383\ndevice_id\t383\nid\tNULL\n" >expect &&
	test_cmp expect got &&
	ferry-verify --rows -t devices "$PG_URI" "$MY_BACK" >out &&
	test_grep "equal" out
'

test_done
