#!/bin/sh
# ferry-verify: equal sides give 0; each kind of difference gives exactly
# the right verdict and keys; streams and databases in any combination; a
# truncated stream is exit 3, never 0 or 1.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"

cat >src.sql <<\EOSQL
CREATE TABLE t (id BIGINT PRIMARY KEY, u BIGINT UNSIGNED, d DECIMAL(10,2),
  s VARCHAR(20), n TEXT, ts DATETIME(6), js JSON, f TINYINT(1));
INSERT INTO t VALUES
 (1, 18446744073709551615, 1.50, 'a', NULL, '2024-01-01 00:00:00.000001', '{"b": 1, "a": [1, 2.50]}', 1),
 (2, 0, -0.01, '', 'x', '1999-12-31 23:59:59', '[]', 0),
 (3, 5, 0.00, 'c', '', '2000-01-01 00:00:00', 'null', NULL);
CREATE TABLE k2 (g INT, u INT, v TEXT, PRIMARY KEY (g, u));
INSERT INTO k2 VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c');
CREATE TABLE nokey (a INT, b TEXT);
INSERT INTO nokey VALUES (1, 'x'), (1, 'x'), (2, NULL);
CREATE TABLE tk (k VARCHAR(10) PRIMARY KEY, v INT);
INSERT INTO tk VALUES ('B', 1), ('a', 2), ('_', 3), ('é', 4);
EOSQL

test_expect_success 'setup: a MariaDB source, migrated into PostgreSQL' '
	my_fresh_db && my_sql <src.sql && pg_fresh_db &&
	ferry-extract "$MY_URI" --all-tables | ferry-load "$PG_URI" --create &&
	pg_sql "SELECT count(*) FROM t" >n && echo 3 >expect && test_cmp expect n
'

test_expect_success 'identical copies in both engines: exit 0, every table equal' '
	ferry-verify "$MY_URI" "$PG_URI" >out &&
	cat >expect <<-\EOT &&
	k2: A 3 rows, B 3 rows: equal
	nokey: no primary key on both sides: comparing the rows sorted
	nokey: A 3 rows, B 3 rows: equal
	t: A 3 rows, B 3 rows: equal
	tk: A 4 rows, B 4 rows: equal
	the two sides are equal
	EOT
	test_cmp expect out
'

test_expect_success 'a stream against a database, and a stream against a stream' '
	ferry-extract "$PG_URI" -t k2 -t t -t tk --order pk -o pg.ferry &&
	ferry-extract "$MY_URI" -t k2 -t t -t tk --order pk -o my2.ferry &&
	ferry-verify my2.ferry "$PG_URI" >out &&
	test_grep "the two sides are equal" out &&
	ferry-verify my2.ferry pg.ferry >out &&
	test_grep "the two sides are equal" out &&
	ferry-verify - "$PG_URI" -t t <my2.ferry >out &&
	test_grep "t: A 3 rows, B 3 rows: equal" out
'

test_expect_success 'one changed value, one missing row, one extra row: exit 1 with their keys' '
	pg_sql "UPDATE t SET s = '"'"'z'"'"' WHERE id = 3; DELETE FROM t WHERE id = 2;
		INSERT INTO t (id, u, d, s) VALUES (9, 1, 1, '"'"'new'"'"')" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t t --report rep.json >out &&
	cat >expect <<-\EOT &&
	  missing in B: id=2
	  changed: id=3 s: A '"'"'c'"'"' B '"'"'z'"'"'
	  extra in B: id=9
	t: A 3 rows, B 3 rows: DIFFERENT (1 missing in B, 1 extra in B, 1 changed)
	the two sides DIFFER
	EOT
	test_cmp expect out &&
	jq -r ".equal, .tables[0].missing_in_b, .tables[0].extra_in_b, .tables[0].changed, .tables[0].differences[1].columns[0].column" rep.json >r &&
	printf "false\n1\n1\n1\ns\n" >expect && test_cmp expect r
'

test_expect_success 'NULL turned into an empty string is a difference' '
	pg_fresh_db && ferry-extract "$MY_URI" --all-tables | ferry-load "$PG_URI" --create &&
	pg_sql "UPDATE t SET n = '"'"''"'"' WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t t >out &&
	test_grep "  changed: id=1 n: A NULL B '"'"''"'"'" out
'

test_expect_success 'a timestamp one microsecond off is a difference' '
	pg_sql "UPDATE t SET n = NULL WHERE id = 1; UPDATE t SET ts = ts + interval '"'"'1 microsecond'"'"' WHERE id = 2" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t t >out &&
	test_grep "  changed: id=2 ts: A '"'"'1999-12-31T23:59:59'"'"' B '"'"'1999-12-31T23:59:59.000001'"'"'" out
'

test_expect_success 'JSON in another key order is equal; another value is not' '
	pg_sql "UPDATE t SET ts = ts - interval '"'"'1 microsecond'"'"' WHERE id = 2;
		UPDATE t SET js = '"'"'{\"a\": [1, 2.5], \"b\": 1.0}'"'"' WHERE id = 1" &&
	ferry-verify "$MY_URI" "$PG_URI" -t t >out &&
	test_grep "t: A 3 rows, B 3 rows: equal" out &&
	pg_sql "UPDATE t SET js = '"'"'{\"a\": [1, 2.5], \"b\": 2}'"'"' WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t t >out &&
	test_grep "  changed: id=1 js:" out
'

test_expect_success '--ignore-column leaves a volatile column out' '
	ferry-verify "$MY_URI" "$PG_URI" -t t --ignore-column t.js >out &&
	test_grep "t: A 3 rows, B 3 rows: equal" out
'

test_expect_success 'a composite key and text keys in byte order on both engines' '
	pg_sql "DELETE FROM k2 WHERE g = 1 AND u = 2; UPDATE tk SET v = 5 WHERE k = '"'"'é'"'"'" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t k2 -t tk >out &&
	test_grep "  missing in B: g=1, u=2" out &&
	test_grep "  changed: k='"'"'é'"'"' v: A '"'"'4'"'"' B '"'"'5'"'"'" out
'

test_expect_success 'a table without a key: a duplicated row is a difference, named' '
	pg_sql "DELETE FROM nokey WHERE b IS NULL; INSERT INTO nokey VALUES (1, '"'"'x'"'"')" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t nokey >out &&
	test_grep "nokey: A 3 rows, B 3 rows: DIFFERENT (1 missing in B, 1 extra in B)" out &&
	test_grep "  missing in B: a=2, b=NULL" out &&
	test_grep "  extra in B: a=1, b='"'"'x'"'"'" out
'

test_expect_success 'a table only one side has is a difference' '
	pg_sql "CREATE TABLE extra_t (id int PRIMARY KEY)" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" >out &&
	test_grep "extra_t: only in B: DIFFERENT" out
'

test_expect_success 'a truncated stream side is exit 3, never 0 or 1' '
	head -c $(($(wc -c <my2.ferry) - 30)) my2.ferry >cut.ferry &&
	test_expect_code 3 ferry-verify cut.ferry my2.ferry >out 2>err &&
	test_grep "truncated stream" err
'

test_expect_success 'a stream not in key order is refused, naming the table and row' '
	echo "{\"name\":\"tk\",\"columns\":[{\"name\":\"k\",\"type\":\"text\",\"nullable\":false},{\"name\":\"v\",\"type\":\"int64\"}],\"primary_key\":[\"k\"]}" >tk.json &&
	printf "%s\n" "{\"k\":\"a\",\"v\":2}" "{\"k\":\"B\",\"v\":1}" >tk.jsonl &&
	ferry-cat --encode -S tk.json -o unordered.ferry tk.jsonl &&
	test_expect_code 2 ferry-verify unordered.ferry "$MY_URI" -t tk >out 2>err &&
	echo "ferry-verify: side A: table tk is not in primary-key order at row 2 (extract it with --order pk)" >expect &&
	test_cmp expect err
'

test_expect_success 'a DATETIME against a timestamptz of the same instant is equal' '
	my_sql "CREATE TABLE tz (id INT PRIMARY KEY, at DATETIME(6));
		INSERT INTO tz VALUES (1, '"'"'2024-03-31 02:30:00.123456'"'"'), (2, NULL)" &&
	pg_sql "CREATE TABLE tz (id int PRIMARY KEY, at timestamptz)" &&
	ferry-extract "$MY_URI" -t tz | ferry-load "$PG_URI" &&
	ferry-verify "$MY_URI" "$PG_URI" -t tz >out &&
	test_grep "tz: A 2 rows, B 2 rows: equal" out &&
	pg_sql "UPDATE tz SET at = at + interval '"'"'1 hour'"'"' WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t tz >out &&
	test_grep "  changed: id=1 at:" out
'

test_expect_success '--time-precision compares times to fewer fraction digits' '
	pg_sql "UPDATE tz SET at = at - interval '"'"'1 hour'"'"' + interval '"'"'1 microsecond'"'"' WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t tz >out &&
	ferry-verify "$MY_URI" "$PG_URI" -t tz --time-precision 3 >out &&
	test_grep "tz: A 2 rows, B 2 rows: equal" out &&
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --time-precision 7 2>err &&
	test_grep "--time-precision: '"'"'7'"'"' is not a number in 0..6" err
'

test_expect_success '--float-ulps lets floats a few units apart agree' '
	my_sql "CREATE TABLE fl (id INT PRIMARY KEY, d DOUBLE); INSERT INTO fl VALUES (1, 0.1), (2, NULL)" &&
	ferry-extract "$MY_URI" -t fl | ferry-load "$PG_URI" --create &&
	pg_sql "UPDATE fl SET d = 0.10000000000000002 WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t fl >out &&
	test_grep "  changed: id=1 d: A '"'"'0.1'"'"' B '"'"'0.10000000000000002'"'"'" out &&
	ferry-verify "$MY_URI" "$PG_URI" -t fl --float-ulps 1 >out &&
	test_grep "fl: A 2 rows, B 2 rows: equal" out &&
	pg_sql "UPDATE fl SET d = 0.10000000000000003 WHERE id = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t fl --float-ulps 1 >out
'

test_expect_success '--sample compares a deterministic sample of the keys, and says so' '
	my_sql "CREATE TABLE many (id INT PRIMARY KEY, v INT);
		INSERT INTO many SELECT seq, seq FROM seq_1_to_2000" &&
	ferry-extract "$MY_URI" -t many | ferry-load "$PG_URI" --create &&
	ferry-verify "$MY_URI" "$PG_URI" -t many --sample 10 >out1 &&
	ferry-verify "$MY_URI" "$PG_URI" -t many --sample 10 >out2 &&
	test_cmp out1 out2 &&
	test_grep "[a sample: 10% of the keys]" out1 &&
	n=$(sed -n "s/^many: A \\([0-9]*\\) rows, B \\1 rows: equal.*/\\1/p" out1) &&
	test "$n" -gt 120 && test "$n" -lt 280 &&
	pg_sql "UPDATE many SET v = -1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t many --sample 10 >out &&
	test_grep "$n changed" out &&
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --sample 0 2>err &&
	test_grep "is not a percentage in 0.0001..100" err
'

test_expect_success 'a CHAR(36) uuid against a PostgreSQL uuid compares by its text, keys included' '
	my_sql "CREATE TABLE u (id CHAR(36) PRIMARY KEY, ref CHAR(36) NULL, n INT);
		INSERT INTO u VALUES
		('"'"'0a000000-0000-4000-8000-000000000001'"'"', '"'"'ffffffff-ffff-4fff-bfff-ffffffffffff'"'"', 1),
		('"'"'9b000000-0000-4000-8000-000000000002'"'"', NULL, 2),
		('"'"'a0000000-0000-4000-8000-000000000003'"'"', '"'"'00000000-0000-4000-8000-000000000000'"'"', 3),
		('"'"'f0000000-0000-4000-8000-000000000004'"'"', '"'"'not a uuid'"'"', 4)" &&
	pg_sql "CREATE TABLE u (id uuid PRIMARY KEY, ref uuid, n int);
		INSERT INTO u VALUES
		('"'"'0a000000-0000-4000-8000-000000000001'"'"', '"'"'ffffffff-ffff-4fff-bfff-ffffffffffff'"'"', 1),
		('"'"'9b000000-0000-4000-8000-000000000002'"'"', NULL, 2),
		('"'"'a0000000-0000-4000-8000-000000000003'"'"', '"'"'00000000-0000-4000-8000-000000000000'"'"', 3),
		('"'"'f0000000-0000-4000-8000-000000000004'"'"', NULL, 4)" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t u >out &&
	test_grep "u: A 4 rows, B 4 rows: DIFFERENT (0 missing in B, 0 extra in B, 1 changed)" out &&
	test_grep "changed: id='"'"'f0000000-0000-4000-8000-000000000004'"'"' ref: A '"'"'not a uuid'"'"' B NULL" out &&
	my_sql "UPDATE u SET ref = NULL WHERE n = 4" &&
	ferry-verify "$MY_URI" "$PG_URI" -t u >out &&
	test_grep "u: A 4 rows, B 4 rows: equal" out &&
	ferry-verify "$PG_URI" "$MY_URI" -t u >out &&
	test_grep "u: A 4 rows, B 4 rows: equal" out &&
	my_sql "UPDATE u SET ref = UPPER(ref) WHERE n = 1" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t u >out &&
	test_grep "changed: id='"'"'0a000000-0000-4000-8000-000000000001'"'"' ref: A '"'"'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF'"'"' B '"'"'ffffffff-ffff-4fff-bfff-ffffffffffff'"'"'" out
'

test_expect_success 'a MariaDB UUID key merges with a PostgreSQL uuid key in byte order' '
	my_sql "CREATE TABLE mu (id UUID PRIMARY KEY, n INT);
		INSERT INTO mu VALUES
		('"'"'00000000-0000-1000-8000-000000000002'"'"', 1),
		('"'"'00000001-0000-1000-8000-000000000001'"'"', 2),
		('"'"'ffffffff-0000-1000-8000-000000000000'"'"', 3),
		('"'"'00000000-0001-1000-8000-000000000000'"'"', 4)" &&
	pg_sql "CREATE TABLE mu (id uuid PRIMARY KEY, n int)" &&
	ferry-extract "$MY_URI" -t mu | ferry-load "$PG_URI" &&
	ferry-verify "$MY_URI" "$PG_URI" -t mu >out &&
	test_grep "mu: A 4 rows, B 4 rows: equal" out &&
	ferry-extract "$MY_URI" -t mu --order pk | ferry-cat -f tsv >tsv &&
	cut -f1 tsv >got &&
	printf "%s\n" id 00000000-0000-1000-8000-000000000002 00000000-0001-1000-8000-000000000000 \
		00000001-0000-1000-8000-000000000001 ffffffff-0000-1000-8000-000000000000 >expect &&
	test_cmp expect got &&
	pg_sql "UPDATE mu SET n = 40 WHERE n = 4" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t mu >out &&
	test_grep "(0 missing in B, 0 extra in B, 1 changed)" out
'

test_expect_success '--table-map compares tables of other names' '
	pg_sql "ALTER TABLE many RENAME TO many_renamed; UPDATE many_renamed SET v = id" &&
	ferry-verify "$MY_URI" "$PG_URI" -t many --table-map many=many_renamed >out &&
	test_grep "many: A 2000 rows, B 2000 rows: equal" out &&
	ferry-extract "$MY_URI" -t many --order pk -o many.ferry &&
	ferry-verify many.ferry "$PG_URI" --table-map many=many_renamed >out &&
	test_grep "many: A 2000 rows, B 2000 rows: equal" out &&
	ferry-verify "$PG_URI" many.ferry -t many_renamed --table-map many_renamed=many >out &&
	test_grep "many_renamed: A 2000 rows, B 2000 rows: equal" out
'

test_expect_success 'a password in a side'"'"'s URI is warned about, and --rows is the default' '
	ferry-verify "mysql://ferry:$FERRY_TEST_MYSQL_PASSWORD@127.0.0.1:$FERRY_TEST_MYSQL_PORT/$TEST_DB" \
		"$PG_URI" -t many --table-map many=many_renamed --rows >out 2>err &&
	echo "ferry-verify: warning: a password in the URI of side A is visible to every user of this machine (ps); use a password file" >expect &&
	test_cmp expect err &&
	test_grep "many: A 2000 rows, B 2000 rows: equal" out
'

test_expect_success 'MariaDB FLOAT is read whole (not its 6 digits) and equals PostgreSQL real; a double next to FLOAT differs' '
	pg_sql "CREATE TABLE f32 (id int PRIMARY KEY, r real, d double precision)" &&
	pg_sql "INSERT INTO f32 VALUES (1, 1.1, 1.1), (2, 3.4028235e38, 0.5), (3, -0.5, 2),
		(4, 1.4e-45, 3), (5, 0.1, 4), (6, -16777217, 5)" &&
	my_sql "CREATE TABLE f32 (id INT PRIMARY KEY, r FLOAT, d FLOAT)" &&
	ferry-extract "$PG_URI" -t f32 | ferry-load "$MY_URI" &&
	ferry-verify "$PG_URI" "$MY_URI" -t f32 >out 2>&1;
	test_grep "changed: id=1 d: A '"'"'1.1'"'"' B '"'"'1.100000023841858'"'"'" out &&
	! grep -q " r: " out &&
	my_sql "SELECT CAST(r AS DOUBLE) FROM f32 WHERE id = 6" | tail -1 >r6 &&
	echo -16777216 >expect && test_cmp expect r6 &&
	ferry-extract "$MY_URI" -t f32 | ferry-cat | grep -c "\"r\":-16777216," >n &&
	echo 1 >expect && test_cmp expect n &&
	my_sql "UPDATE f32 SET d = 1.100000023841858 WHERE id = 1; ALTER TABLE f32 MODIFY d DOUBLE" &&
	pg_sql "ALTER TABLE f32 ALTER d TYPE real" &&
	ferry-verify "$PG_URI" "$MY_URI" -t f32 >out &&
	test_grep "f32: A 6 rows, B 6 rows: equal" out
'

test_expect_success 'usage errors' '
	test_expect_code 2 ferry-verify "$MY_URI" 2>err &&
	test_grep "give two sides, A and B" err &&
	test_expect_code 2 ferry-verify - - 2>err &&
	test_grep "only one side can be stdin" err &&
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --ignore-column nodot 2>err &&
	test_grep "is not TABLE.COLUMN" err &&
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --table-map many 2>err &&
	test_grep "'"'"'many'"'"' is not FROM=TO" err
'

test_done
