#!/bin/sh
# MySQL text in character sets other than UTF-8 (latin1, cp1251, gbk,
# big5, sjis, ucs2, utf16, utf32, ascii) arrives as the right UTF-8 on
# PostgreSQL and MariaDB; a stored byte the character set does not
# define, which the server would send as a question mark, stops the
# table naming row, key, column and bytes, in ferry-extract and in
# ferry-verify alike; --cast TABLE.COLUMN=bytes carries those bytes.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >cs.sql <<\EOSQL
CREATE TABLE notes (
  id INT PRIMARY KEY,
  l1 VARCHAR(20) CHARACTER SET latin1, ru VARCHAR(20) CHARACTER SET cp1251,
  zh VARCHAR(20) CHARACTER SET gbk, tw VARCHAR(20) CHARACTER SET big5,
  jp VARCHAR(20) CHARACTER SET sjis, u2 VARCHAR(20) CHARACTER SET ucs2,
  u16 TEXT CHARACTER SET utf16, u32 VARCHAR(20) CHARACTER SET utf32,
  a VARCHAR(20) CHARACTER SET ascii, m3 VARCHAR(20) CHARACTER SET utf8mb3,
  UNIQUE KEY (zh));
INSERT INTO notes VALUES
 (1, 'café € œ', 'Привет, мир', '你好世界', '中文字', 'ｶﾀｶﾅ日本', 'ucs ☃', 'utf16 😀 𝄞', '𝄞 32', 'plain ?', 'mb3 ☃'),
 (2, '', '', '', '', '', '', '', '', '', ''),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
EOSQL

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db && my_sql <cs.sql &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`"
'

test_expect_success 'every character set arrives as its UTF-8 text on PostgreSQL' '
	ferry-extract "$MY_URI" -t notes -o n.ferry &&
	ferry-load "$TO" --create <n.ferry &&
	pg_in "${TEST_DB}_to" -F"|" -c "SELECT * FROM notes ORDER BY id" >got &&
	printf "%s\n" "1|café € œ|Привет, мир|你好世界|中文字|ｶﾀｶﾅ日本|ucs ☃|utf16 😀 𝄞|𝄞 32|plain ?|mb3 ☃" \
		"2||||||||||" "3||||||||||" >expect &&
	test_cmp expect got &&
	ferry-verify -t notes "$MY_URI" "$TO"
'

test_expect_success 'and MariaDB -> MariaDB as utf8mb4, each change of collation named' '
	ferry-load "$MY_BACK" --create <n.ferry 2>err &&
	test_grep "column ru: collation cp1251_general_ci made as utf8mb4_unicode_ci, which this server has" err &&
	test_grep "column u16: collation utf16_general_ci made as utf8mb4_unicode_ci" err &&
	my_in "${TEST_DB}_back" -e "SELECT zh, u16 FROM notes WHERE id = 1" >got &&
	printf "你好世界\tutf16 😀 𝄞\n" >expect &&
	test_cmp expect got &&
	ferry-verify -t notes "$MY_URI" "$MY_BACK"
'

test_expect_success 'setup: bytes the character set does not define, stored without strict mode' '
	my_sql "SET SESSION sql_mode = \"\"; INSERT INTO notes (id, ru, a, zh) VALUES (4, _binary 0x41985A, _binary 0x6361E9, \"x\")" &&
	my_sql "SELECT HEX(ru), HEX(a) FROM notes WHERE id = 4" >got &&
	printf "HEX(ru)\tHEX(a)\n41985A\t6361E9\n" >expect &&
	test_cmp expect got
'

test_expect_success 'ferry-extract refuses such a value: row, key, column and bytes named' '
	test_expect_code 3 ferry-extract "$MY_URI" -t notes -o bad.ferry 2>err &&
	test_grep "table notes, row 4 (key id=4), column ru: the server cannot convert this cp1251 value to UTF-8 and would send '\''?'\'' in its place (it stores the bytes 0x41985A, not all of them a cp1251 character); correct the value at the source, or read the column as bytes with --cast notes.ru=bytes" err &&
	! test -e bad.ferry
'

test_expect_success 'an ascii column holding 0xE9 is refused too, once ru is carried as bytes' '
	test_expect_code 3 ferry-extract "$MY_URI" -t notes --cast notes.ru=bytes -o bad.ferry 2>err &&
	test_grep "row 4 (key id=4), column a: the server cannot convert this ascii value" err
'

test_expect_success 'ferry-verify will not call the question mark equal to it' '
	my_sql "CREATE TABLE q (id INT PRIMARY KEY, ru VARCHAR(5) CHARACTER SET cp1251); SET SESSION sql_mode = \"\"; INSERT INTO q VALUES (1, _binary 0x98)" &&
	pg_in "${TEST_DB}_to" -c "CREATE TABLE q (id int PRIMARY KEY, ru text); INSERT INTO q VALUES (1, '"'"'?'"'"')" &&
	test_expect_code 3 ferry-verify -t q "$MY_URI" "$TO" 2>err &&
	test_grep "column ru: the server cannot convert this cp1251 value" err
'

test_expect_success '--cast bytes carries the stored bytes, and verify with the same cast agrees' '
	ferry-extract "$MY_URI" -t notes --cast notes.ru=bytes --cast notes.a=bytes -o b.ferry &&
	ferry-cat -f summary b.ferry >sum &&
	test_grep "column ru: bytes (varchar(20))" sum &&
	pg_in "${TEST_DB}_to" -c "DROP TABLE notes" &&
	ferry-load "$TO" --create <b.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT id, encode(ru, '"'"'hex'"'"'), encode(a, '"'"'hex'"'"'), zh FROM notes ORDER BY id" >got &&
	printf "1|cff0e8e2e5f22c20ece8f0|706c61696e203f|你好世界\n2|||\n3|||\n4|41985a|6361e9|x\n" >expect &&
	test_cmp expect got &&
	ferry-verify --cast notes.ru=bytes --cast notes.a=bytes -t notes "$MY_URI" "$TO" &&
	my_in "${TEST_DB}_back" -e "DROP TABLE notes" &&
	ferry-load "$MY_BACK" --create <b.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT HEX(ru) FROM notes WHERE id = 4" >got &&
	echo 41985A >expect &&
	test_cmp expect got &&
	ferry-verify --cast notes.ru=bytes --cast notes.a=bytes -t notes "$MY_URI" "$MY_BACK"
'

test_expect_success 'a PostgreSQL text column --cast bytes: its UTF-8' '
	pg_sql "CREATE TABLE t (id int PRIMARY KEY, s text); INSERT INTO t VALUES (1, '"'"'é\\x41'"'"'), (2, NULL)" &&
	ferry-extract "$PG_URI" -t t --cast t.s=bytes -o t.ferry &&
	ferry-cat -f tsv t.ferry >got &&
	printf "id\ts\n1\t\\\\\\\\xc3a95c783431\n2\t\\\\N\n" >expect &&
	test_cmp expect got &&
	ferry-load "$MY_BACK" --create <t.ferry &&
	ferry-verify --cast t.s=bytes -t t "$PG_URI" "$MY_BACK"
'

test_expect_success '--cast bytes of a column that is not text: a usage error' '
	test_expect_code 2 ferry-extract "$MY_URI" -t notes --cast notes.id=bytes -o x.ferry 2>err &&
	test_grep "--cast notes.id=bytes: column id is int64, not text" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t notes --cast notes.id=blob -o x.ferry 2>err &&
	test_grep "the type is int, text or bytes" err
'

test_done
