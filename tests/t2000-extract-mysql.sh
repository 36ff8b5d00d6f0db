#!/bin/sh
# ferry-extract from MariaDB: every column type, NULL versus empty, big
# values, zero dates, extreme integers, quoted identifiers, parts, snapshot
. "$(dirname "$0")/lib.sh"
test_need_db

cat >types.sql <<\EOSQL
CREATE TABLE types (
  id BIGINT NOT NULL PRIMARY KEY,
  flag TINYINT(1), ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, i INT,
  big BIGINT, ubig BIGINT UNSIGNED, yr YEAR, bits BIT(12),
  dec1 DECIMAL(12,2), fl FLOAT, db DOUBLE,
  ch CHAR(3), vc VARCHAR(64), tx TEXT, mt MEDIUMTEXT,
  bn BINARY(4), vb VARBINARY(16), bl BLOB,
  en ENUM('text','image','it''s'), st SET('a','b','c'),
  d DATE, dt DATETIME(3), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(2),
  js JSON, uu UUID, ip INET6);
INSERT INTO types VALUES
 (1, 1, -128, 65535, -8388608, 2147483647,
  -9223372036854775808, 18446744073709551615, 2155, b'101010101010',
  -1234567890.12, 1.5, 0.1,
  'abc', 'héllo wörld 😀 你好', 'tab\there\nnew line\r\nCRLF "q" \\ back', 'NULL',
  0x00FF7F80, '', 0xDEADBEEF,
  'it''s', 'a,c',
  '2024-02-29', '1000-01-01 00:00:00.001', '2038-01-19 03:14:07.999999', '23:59:59.99',
  '{"b": [1, 2.50, {"c": null}], "a": "x\\u00e9"}', '123e4567-e89b-12d3-a456-426614174000', '::1'),
 (2, 0, 0, 0, 0, 0, 0, 0, 1901, b'0',
  0.00, -0, -1e-300,
  '', '', '', '',
  0x00000000, '', '',
  'text', '',
  '9999-12-31', '9999-12-31 23:59:59.999', '1970-01-01 00:00:01', '00:00:00',
  'null', '00000000-0000-0000-0000-000000000000', '::'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
EOSQL

test_expect_success 'setup: a table of every MariaDB type' '
	my_fresh_db &&
	my_sql <types.sql
'

cat >types.expect <<\EOT
{"table":"types","row":{"id":1,"flag":true,"ti":-128,"si":65535,"mi":-8388608,"i":2147483647,"big":-9223372036854775808,"ubig":18446744073709551615,"yr":2155,"bits":2730,"dec1":"-1234567890.12","fl":1.5,"db":0.1,"ch":"abc","vc":"héllo wörld 😀 你好","tx":"tab\there\nnew line\r\nCRLF \"q\" \\ back","mt":"NULL","bn":"\\x00ff7f80","vb":"\\x","bl":"\\xdeadbeef","en":"it's","st":"a,c","d":"2024-02-29","dt":"1000-01-01T00:00:00.001","ts":"2038-01-19T03:14:07.999999Z","tm":"23:59:59.99","js":"{\"b\": [1, 2.50, {\"c\": null}], \"a\": \"x\\u00e9\"}","uu":"123e4567-e89b-12d3-a456-426614174000","ip":"::1"}}
{"table":"types","row":{"id":2,"flag":false,"ti":0,"si":0,"mi":0,"i":0,"big":0,"ubig":0,"yr":1901,"bits":0,"dec1":"0.00","fl":0,"db":-1e-300,"ch":"","vc":"","tx":"","mt":"","bn":"\\x00000000","vb":"\\x","bl":"\\x","en":"text","st":"","d":"9999-12-31","dt":"9999-12-31T23:59:59.999","ts":"1970-01-01T00:00:01Z","tm":"00:00:00","js":"null","uu":"00000000-0000-0000-0000-000000000000","ip":"::"}}
{"table":"types","row":{"id":3,"flag":null,"ti":null,"si":null,"mi":null,"i":null,"big":null,"ubig":null,"yr":null,"bits":null,"dec1":null,"fl":null,"db":null,"ch":null,"vc":null,"tx":null,"mt":null,"bn":null,"vb":null,"bl":null,"en":null,"st":null,"d":null,"dt":null,"ts":null,"tm":null,"js":null,"uu":null,"ip":null}}
EOT

test_expect_success 'every type comes out as the expected JSON lines' '
	ferry-extract "$MY_URI" -t types --order pk -o types.ferry &&
	ferry-cat types.ferry >out &&
	test_cmp types.expect out
'

test_expect_success 'the schema records each source type and the stream type' '
	ferry-cat -f summary types.ferry >out &&
	test_grep "  column flag: bool (tinyint(1))" out &&
	test_grep "  column ubig: uint64 (bigint(20) unsigned)" out &&
	test_grep "  column js: json (longtext)" out &&
	test_grep "  column en: enum (enum('"'"'text'"'"','"'"'image'"'"','"'"'it'"'"''"'"'s'"'"')) labels '"'"'text'"'"','"'"'image'"'"','"'"'it'"'"'s'"'"'" out &&
	test_grep "  column ts: timestamptz (timestamp(6))" out &&
	test_grep "  primary key: id" out
'

test_expect_success 'zero dates become NULL and are counted, or are an error' '
	my_sql "CREATE TABLE z (id INT PRIMARY KEY, d DATE, dt DATETIME, nn DATE NOT NULL);
		INSERT INTO z VALUES (1, '"'"'0000-00-00'"'"', '"'"'0000-00-00 00:00:00'"'"', '"'"'2020-01-01'"'"'),
		                     (2, '"'"'2020-00-15'"'"', '"'"'2021-05-00 10:00:00'"'"', '"'"'2020-01-02'"'"')" &&
	ferry-extract "$MY_URI" -t z --order pk --stats stats.json -o z.ferry &&
	ferry-cat -f tsv z.ferry >out &&
	printf "id\td\tdt\tnn\n1\t\\\\N\t\\\\N\t2020-01-01\n2\t\\\\N\t\\\\N\t2020-01-02\n" >expect &&
	test_cmp expect out &&
	test_grep "\"zero_dates_to_null\":	4" stats.json &&
	test_expect_code 3 ferry-extract "$MY_URI" -t z --order pk --zero-dates error -o z2.ferry 2>err &&
	echo "ferry-extract: table z, row 1, column d: zero date '"'"'0000-00-00'"'"'" >expect &&
	test_cmp expect err &&
	test ! -e z2.ferry &&
	{ ferry-extract "$MY_URI" -t z --order pk --zero-dates error >z3.ferry 2>/dev/null; true; } &&
	test_expect_code 3 ferry-cat --check -q z3.ferry 2>/dev/null
'

test_expect_success 'a zero date in a NOT NULL column is an error either way' '
	my_sql "INSERT INTO z VALUES (3, NULL, NULL, '"'"'0000-00-00'"'"')" &&
	test_expect_code 3 ferry-extract "$MY_URI" -t z --order pk -o z3.ferry 2>err &&
	test_grep "table z, row 3, column nn: zero date '"'"'0000-00-00'"'"' in a NOT NULL column" err &&
	my_sql "DELETE FROM z WHERE id = 3"
'

test_expect_success 'a TINYINT(1) holding 7 is refused, not turned into true' '
	my_sql "CREATE TABLE flags (id INT PRIMARY KEY, f TINYINT(1)); INSERT INTO flags VALUES (1, 1), (2, 7)" &&
	test_expect_code 3 ferry-extract "$MY_URI" -t flags --order pk -o f.ferry 2>err &&
	echo "ferry-extract: table flags, row 2, column f: tinyint(1) holds 7, not 0 or 1 (it would not survive as bool; --cast TABLE.COLUMN=int reads it as a number)" >expect &&
	test_cmp expect err
'

test_expect_success 'values of 1 MiB come through whole' '
	my_sql "CREATE TABLE big (id INT PRIMARY KEY, body MEDIUMTEXT, blob_ MEDIUMBLOB);
		INSERT INTO big VALUES (1, REPEAT('"'"'é'"'"', 524288), REPEAT(0x00FF, 524288))" &&
	ferry-extract "$MY_URI" -t big -o big.ferry &&
	ferry-cat -f tsv big.ferry | sed -n 2p | cut -f2 | tr -d "\n" | wc -c >n &&
	echo 1048576 >expect && test_cmp expect n &&
	ferry-cat -f tsv big.ferry | sed -n 2p | cut -f3 | tr -d "\n" | wc -c >n &&
	echo 2097155 >expect && test_cmp expect n
'

test_expect_success 'a table of zero rows is a table with a schema and no rows' '
	my_sql "CREATE TABLE empty_t (id INT PRIMARY KEY, v TEXT)" &&
	ferry-extract "$MY_URI" -t empty_t -o e.ferry &&
	ferry-cat --check e.ferry >out &&
	test_grep "ok, 1 tables, 0 rows" out
'

test_expect_success 'identifiers that need quoting: a table called select, odd column names' '
	my_sql "CREATE TABLE \`select\` (\`id\` INT PRIMARY KEY, \`a col\` TEXT, \`it\"s\` INT, \`back\`\`tick\` INT);
		INSERT INTO \`select\` VALUES (1, '"'"'x'"'"', 2, 3)" &&
	ferry-extract "$MY_URI" -t select -o s.ferry &&
	ferry-cat s.ferry >out &&
	echo "{\"table\":\"select\",\"row\":{\"id\":1,\"a col\":\"x\",\"it\\\"s\":2,\"back\`tick\":3}}" >expect &&
	test_cmp expect out
'

test_expect_success '--columns keeps those columns in that order' '
	ferry-extract "$MY_URI" -t types --order pk --columns "types=vc,id" -o c.ferry &&
	ferry-cat -f csv c.ferry | head -2 >out &&
	printf "\"vc\",\"id\"\nhéllo wörld 😀 你好,1\n" >expect &&
	test_cmp expect out &&
	ferry-cat -f summary c.ferry >out &&
	test_grep "  primary key: id" out &&
	ferry-extract "$MY_URI" -t types --columns "types=vc,flag" -o c2.ferry &&
	ferry-cat -f summary c2.ferry >out &&
	test_grep "  primary key: none" out &&
	test_expect_code 2 ferry-extract "$MY_URI" -t types --columns "types=vc,nope" -o c3.ferry 2>err &&
	echo "ferry-extract: --columns: table types has no column '"'"'nope'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success '--where keeps the rows it matches' '
	ferry-extract "$MY_URI" -t types --where "types=id >= 2" --order pk -o w.ferry &&
	ferry-cat -f tsv w.ferry | cut -f1 >out &&
	printf "id\n2\n3\n" >expect &&
	test_cmp expect out
'

test_expect_success '--all-tables and --exclude' '
	ferry-extract "$MY_URI" --all-tables --exclude "t*" --exclude "big" --schema-only -o all.ferry &&
	ferry-cat -f summary all.ferry | grep "^table " >out &&
	printf "table empty_t\ntable flags\ntable select\ntable z\n" >expect &&
	test_cmp expect out
'

test_expect_success 'setup: 1000 rows for parts' '
	my_sql "CREATE TABLE parts (id BIGINT PRIMARY KEY, v VARCHAR(20));
		INSERT INTO parts SELECT CAST(seq AS SIGNED) * 7 - 3000, CONCAT('"'"'v'"'"', seq) FROM seq_1_to_1000"
'

test_expect_success '--part 1/3, 2/3 and 3/3 together hold every row once' '
	for k in 1 2 3; do
		ferry-extract "$MY_URI" -t parts --part $k/3 -o p$k.ferry &&
		ferry-cat -f tsv p$k.ferry | sed 1d >p$k.tsv || return 1
	done &&
	ferry-extract "$MY_URI" -t parts -o whole.ferry &&
	ferry-cat -f tsv whole.ferry | sed 1d | sort >whole.tsv &&
	cat p1.tsv p2.tsv p3.tsv | sort >parts.tsv &&
	test_cmp whole.tsv parts.tsv &&
	test $(wc -l <whole.tsv) -eq 1000 &&
	test -s p1.tsv && test -s p2.tsv && test -s p3.tsv
'

test_expect_success '--part needs an integer key' '
	my_sql "CREATE TABLE textkey (k VARCHAR(10) PRIMARY KEY)" &&
	test_expect_code 2 ferry-extract "$MY_URI" -t textkey --part 1/2 -o x.ferry 2>err &&
	echo "ferry-extract: table textkey: --part needs a primary key whose first column is an integer" >expect &&
	test_cmp expect err
'

test_expect_success 'a table without a primary key extracts; --order pk says it needs one' '
	my_sql "CREATE TABLE nokey (a INT, b TEXT); INSERT INTO nokey VALUES (1, NULL), (1, NULL)" &&
	ferry-extract "$MY_URI" -t nokey -o nk.ferry &&
	ferry-cat --check nk.ferry >out &&
	test_grep "ok, 1 tables, 2 rows" out &&
	test_expect_code 2 ferry-extract "$MY_URI" -t nokey --order pk -o x.ferry 2>err &&
	echo "ferry-extract: table nokey has no primary key: --order pk needs one" >expect &&
	test_cmp expect err
'

test_expect_success 'snapshot: rows written during an extract do not appear' '
	my_sql "CREATE TABLE snap_a (id INT PRIMARY KEY, pad TEXT);
		CREATE TABLE snap_b (id INT PRIMARY KEY);
		INSERT INTO snap_a SELECT seq, REPEAT('"'"'x'"'"', 2000) FROM seq_1_to_3000;
		INSERT INTO snap_b VALUES (1), (2)" &&
	mkfifo pipe &&
	{ ferry-extract "$MY_URI" -t snap_a -t snap_b -l 0 >pipe 2>err & } &&
	exec 3<pipe &&
	head -c 100000 <&3 >stream.part &&
	my_sql "INSERT INTO snap_a VALUES (5000, '"'"'late'"'"'); INSERT INTO snap_b VALUES (3)" &&
	cat <&3 >>stream.part &&
	exec 3<&- &&
	wait &&
	ferry-cat -f tsv -t snap_b stream.part >b.tsv &&
	printf "id\n1\n2\n" >expect && test_cmp expect b.tsv &&
	ferry-cat --check stream.part >out &&
	test_grep "ok, 2 tables, 3002 rows" out &&
	my_sql "SELECT COUNT(*) FROM snap_a" >n && test_grep 3001 n
'

test_expect_success 'a spatial column travels as its EWKB, or is left out with --columns' '
	my_sql "CREATE TABLE geo (id INT PRIMARY KEY, name TEXT, pos POINT);
		INSERT INTO geo VALUES (1, '"'"'here'"'"', POINT(1, 2))" &&
	ferry-extract "$MY_URI" -t geo -o g.ferry &&
	ferry-cat -f tsv g.ferry >out &&
	test_grep "x0101000000000000000000f03f0000000000000040" out &&
	ferry-extract "$MY_URI" -t geo --columns geo=id,name -o g.ferry &&
	ferry-cat -f tsv g.ferry >out &&
	printf "id\tname\n1\there\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a --defaults-file that cannot be read is a usage error' '
	test_expect_code 2 ferry-extract --defaults-file nosuch.cnf "$MY_URI" -t geo -o g2.ferry 2>err &&
	echo "ferry-extract: --defaults-file nosuch.cnf: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a whole table carries the engine'"'"'s estimate of its rows; a part or a WHERE none' '
	my_sql "CREATE TABLE est (id INT PRIMARY KEY); INSERT INTO est VALUES (1), (2), (3), (4), (5); ANALYZE TABLE est" >/dev/null &&
	ferry-extract "$MY_URI" -t est -o est.ferry &&
	ferry-cat -f summary est.ferry >sum &&
	test_grep "  rows the source estimated: 5" sum &&
	ferry-extract "$MY_URI" -t est --where "est=id > 2" -o est2.ferry &&
	ferry-cat -f summary est2.ferry >sum2 &&
	! grep "estimated" sum2 &&
	ferry-extract "$MY_URI" -t est --part 1/2 -o est3.ferry &&
	ferry-cat -f summary est3.ferry >sum3 &&
	! grep "estimated" sum3
'

test_done
