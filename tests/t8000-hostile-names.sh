#!/bin/sh
# Names that are quotes, backticks, semicolons, spaces, "--", unicode and
# reserved words, and values that look like SQL, travel MariaDB ->
# ferry-transform -> PostgreSQL -> MariaDB intact; no name or value is
# ever executed: the canary tables stay, and each target holds exactly
# the source's tables.  Every byte value in a BLOB and a text of exactly
# the 64 MiB field limit travel both ways; one byte more is refused by
# table, row and column.
# MySQL -> PostgreSQL loads keep names as they are (--keep-case): what
# is tested here is quoting; t4520 tests the folding.
. "$(dirname "$0")/lib.sh"
test_need_db

cat >hostile.sql <<\EOSQL
CREATE TABLE canary (id INT PRIMARY KEY, note VARCHAR(20));
INSERT INTO canary VALUES (1, 'still here');
CREATE TABLE `we"ird; DROP TABLE canary; --` (
	`id` BIGINT PRIMARY KEY,
	`select` VARCHAR(100),
	`a b` INT,
	`q'uote` TEXT,
	`back``tick` TEXT,
	`semi;colon` TEXT,
	`dash--dash` TEXT,
	`"dq"` TEXT,
	`ünï 表` TEXT
) CHARACTER SET utf8mb4;
INSERT INTO `we"ird; DROP TABLE canary; --` VALUES
	(1, '''); DROP TABLE canary; --', 7, 'it''s', 'a`b', 'x;y', '--', '"', 'ü'),
	(2, '\\'' OR 1=1; --', NULL, '$$ DROP TABLE canary $$', '`; DROP TABLE canary; `',
	 'E''\\x00''', '/* */', '""', '表');
CREATE TABLE `select` (`from` INT PRIMARY KEY, `where` TEXT, `table` TEXT);
INSERT INTO `select` VALUES (1, 'a', 'b');
CREATE TABLE `Ünïcödé 表 tick``s` (`id` INT PRIMARY KEY, `ÿ` TEXT);
INSERT INTO `Ünïcödé 表 tick``s` VALUES (1, 'ÿ');
EOSQL

tables_sorted() { sort | tr "\n" "|"; }

test_expect_success 'setup: hostile names in MariaDB' '
	my_fresh_db && pg_fresh_db && my_sql <hostile.sql &&
	my_sql "SHOW TABLES" | sed 1d | tables_sorted >my.tables &&
	test "$(tr "|" "\n" <my.tables | grep -c .)" -eq 4
'

test_expect_success 'MariaDB -> ferry-transform -> PostgreSQL: the same tables, equal rows' '
	echo "{\"tables\": {}}" >id.json &&
	ferry-extract "$MY_URI" --all-tables |
		ferry-transform -s id.json |
		ferry-load "$PG_URI" --create --keep-case &&
	pg_sql "SELECT tablename FROM pg_tables WHERE schemaname = '"'"'public'"'"'" | tables_sorted >pg.tables &&
	test_cmp my.tables pg.tables &&
	ferry-verify --rows "$MY_URI" "$PG_URI" >out &&
	test_grep "the two sides are equal" out &&
	test "$(grep -c ": equal" out)" -eq 4 &&
	test "$(my_sql "SELECT note FROM canary" | sed 1d)" = "still here" &&
	test "$(pg_sql "SELECT note FROM canary")" = "still here" &&
	pg_sql "SELECT \"select\" FROM \"we\"\"ird; DROP TABLE canary; --\" ORDER BY id" >v &&
	printf "%s\n" "'"'"'); DROP TABLE canary; --" "\\'"'"' OR 1=1; --" >expect &&
	test_cmp expect v
'

test_expect_success 'a transform spec that renames to hostile names, and verify -s' '
	cat >ren.json <<-\EOT &&
	{"tables": {"select": {"rename": "x\"; DROP TABLE canary; --",
	   "columns": {"where": {"rename": "a'"'"'b`c"}},
	   "add": {"q\" --": {"expr": "\"where\" || '"'"''"'"''"'"''"'"'"}}}}}
	EOT
	ferry-extract "$MY_URI" -t select | ferry-transform -s ren.json |
		ferry-load "$PG_URI" --create --keep-case &&
	pg_sql "SELECT \"a'"'"'b\`c\", \"q\"\" --\" FROM \"x\"\"; DROP TABLE canary; --\"" >v &&
	echo "a|a'"'"'" >expect && test_cmp expect v &&
	ferry-verify -s ren.json -t select "$MY_URI" "$PG_URI" >out &&
	test_grep "select: A 1 rows, B 1 rows: equal" out &&
	test "$(pg_sql "SELECT note FROM canary")" = "still here"
'

test_expect_success 'PostgreSQL -> MariaDB: the same tables again, equal rows' '
	my_sql "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\` CHARACTER SET utf8mb4" &&
	pg_sql "DROP TABLE \"x\"\"; DROP TABLE canary; --\"" &&
	BACK_URI="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET" &&
	ferry-extract "$PG_URI" --all-tables | ferry-load "$BACK_URI" --create &&
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch "${TEST_DB}_back" -e "SHOW TABLES" |
		sed 1d | tables_sorted >back.tables &&
	test_cmp my.tables back.tables &&
	ferry-verify --rows "$MY_URI" "$BACK_URI" >out &&
	test "$(grep -c ": equal" out)" -eq 4 &&
	test "$(my_sql "SELECT note FROM canary" | sed 1d)" = "still here"
'

test_expect_success 'every byte value, and text of exactly 64 MiB, MariaDB -> PostgreSQL -> MariaDB' '
	my_sql "SET GLOBAL max_allowed_packet = 268435456" &&
	my_sql "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT) CHARACTER SET utf8mb4" &&
	hex=$(awk "BEGIN { for (i = 0; i < 256; i++) printf \"%02X\", i; for (i = 255; i >= 0; i--) printf \"%02X\", i }") &&
	my_sql "INSERT INTO big VALUES (1, UNHEX('"'"'$hex'"'"'), REPEAT('"'"'é'"'"', 33554432)), (2, '"'"''"'"', '"'"''"'"'), (3, NULL, NULL)" &&
	test "$(my_sql "SELECT LENGTH(b), LENGTH(t) FROM big WHERE id = 1" | sed 1d)" = "512	67108864" &&
	my_sql "SELECT id, MD5(b), MD5(t) FROM big ORDER BY id" | sed 1d | tr "\t" "|" >my.md5 &&
	ferry-extract "$MY_URI" -t big | ferry-load "$PG_URI" --create --keep-case &&
	pg_sql "SELECT id, md5(b), md5(t) FROM big ORDER BY id" | sed "s/||/|NULL|NULL/" >pg.md5 &&
	test_cmp my.md5 pg.md5 &&
	ferry-verify --rows -t big "$MY_URI" "$PG_URI" >out &&
	test_grep "big: A 3 rows, B 3 rows: equal" out &&
	BACK_URI="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET" &&
	ferry-extract "$PG_URI" -t big | ferry-load "$BACK_URI" --create &&
	ferry-verify --rows -t big "$MY_URI" "$BACK_URI" >out &&
	test_grep "big: A 3 rows, B 3 rows: equal" out
'

test_expect_success 'text one byte over 64 MiB is refused by table, row and column' '
	my_sql "UPDATE big SET t = CONCAT(t, '"'"'x'"'"') WHERE id = 1" &&
	test_expect_code 3 ferry-extract "$MY_URI" -t big -o over.ferry 2>err &&
	test_grep "table big" err && test_grep "column t" err &&
	test_grep "67108865 bytes is over the limit of 67108864" err &&
	! test -e over.ferry
'

test_done
