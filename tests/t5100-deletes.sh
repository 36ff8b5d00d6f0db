#!/bin/sh
# Rows deleted at the source since the bulk copy: ferry-verify
# --emit-deletes writes the keys only in the target as a stream, and
# ferry-load --mode delete deletes exactly those rows, MariaDB ->
# PostgreSQL and back; key columns with hostile names; a keyless table is
# left out with a warning; a stream with a non-key column is refused; a
# verify that fails leaves a stream no loader takes.
. "$(dirname "$0")/lib.sh"
test_need_db

# the same tables in both engines: an int key, a composite key (int +
# text) whose text column has a hostile name, and a table without a key
cat >my.sql <<\EOSQL
CREATE TABLE ki (id INT PRIMARY KEY, v TEXT);
INSERT INTO ki VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f');
CREATE TABLE kc (g INT, `k "q' s` VARCHAR(20), v INT, PRIMARY KEY (g, `k "q' s`));
INSERT INTO kc VALUES (1, 'a', 1), (1, 'b', 2), (1, 'it''s', 3), (2, 'a', 4),
  (2, 'it''s', 5), (3, ' x "y"', 6);
CREATE TABLE nokey (a INT, b TEXT);
INSERT INTO nokey VALUES (1, 'x'), (2, 'y');
EOSQL

cat >pg.sql <<\EOSQL
CREATE TABLE ki (id INT PRIMARY KEY, v TEXT);
INSERT INTO ki VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f');
CREATE TABLE kc (g INT, "k ""q' s" VARCHAR(20), v INT, PRIMARY KEY (g, "k ""q' s"));
INSERT INTO kc VALUES (1, 'a', 1), (1, 'b', 2), (1, 'it''s', 3), (2, 'a', 4),
  (2, 'it''s', 5), (3, ' x "y"', 6);
CREATE TABLE nokey (a INT, b TEXT);
INSERT INTO nokey VALUES (1, 'x'), (2, 'y');
EOSQL

# the rows deleted at the source: two of ki, two of kc (one key with a
# quote in it), one of nokey
cat >del.sql <<\EOSQL
DELETE FROM ki WHERE id IN (2, 5);
DELETE FROM kc WHERE (g = 1 AND v = 2) OR (g = 2 AND v = 5);
DELETE FROM nokey WHERE a = 2;
EOSQL

cat >expect.ki <<\EOT
1
3
4
6
EOT
cat >expect.kc <<\EOT
1|a|1
1|it's|3
2|a|4
3| x "y"|6
EOT

# verify SRC TGT --emit-deletes - | ferry-load TGT --mode delete, each
# exit code kept: verify's in v.rc, ferry-load's in l.rc
sync_deletes() {
	src=$1 tgt=$2
	shift 2
	{
		ferry-verify "$src" "$tgt" --emit-deletes - "$@" 2>v.err
		echo $? >v.rc
	} | ferry-load "$tgt" --mode delete --stats stats.json 2>l.err
	echo $? >l.rc
}

test_expect_success 'setup: MariaDB source copied into PostgreSQL, then rows deleted at the source' '
	my_fresh_db && pg_fresh_db && my_sql <my.sql &&
	ferry-extract "$MY_URI" --all-tables -o all.ferry &&
	ferry-load "$PG_URI" --create -i all.ferry &&
	test_expect_code 0 ferry-verify "$MY_URI" "$PG_URI" >out &&
	my_sql <del.sql
'

test_expect_success 'MariaDB -> PostgreSQL: verify | load --mode delete removes exactly the deleted keys' '
	sync_deletes "$MY_URI" "$PG_URI" --max-diffs 0 &&
	echo 1 >expect && test_cmp expect v.rc &&
	echo 0 >expect && test_cmp expect l.rc &&
	test_grep "ki: 2 keys only in B written for deletion" v.err &&
	test_grep "kc: 2 keys only in B written for deletion" v.err &&
	test_grep "ferry-load: 4 rows deleted for 4 keys" l.err &&
	jq -r ".tables[] | \"\(.table) \(.rows) \(.deleted)\"" stats.json >st &&
	printf "kc 2 2\nki 2 2\n" >expect && test_cmp expect st &&
	pg_sql "SELECT id FROM ki ORDER BY id" >got && test_cmp expect.ki got &&
	pg_sql "SELECT g, \"k \"\"q'"'"' s\", v FROM kc ORDER BY v" >got &&
	test_cmp expect.kc got &&
	test_expect_code 0 ferry-verify "$MY_URI" "$PG_URI" -t ki -t kc >out &&
	test_grep "the two sides are equal" out
'

test_expect_success 'the keyless table: no keys emitted, a warning naming it, its rows untouched' '
	test_grep "ferry-verify: warning: table nokey: no primary key on both sides: no keys written for --emit-deletes" v.err &&
	pg_sql "SELECT count(*) FROM nokey" >got && echo 2 >expect &&
	test_cmp expect got &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" --emit-deletes keys.ferry >out 2>err &&
	test_grep "table nokey" err &&
	ferry-cat -f summary keys.ferry >sum &&
	test_grep ki sum &&
	! grep -q nokey sum
'

test_expect_success 'nothing differs: a complete stream of every keyed table with zero rows' '
	pg_sql "DELETE FROM nokey WHERE a = 2" &&
	test_expect_code 0 ferry-verify "$MY_URI" "$PG_URI" --emit-deletes keys.ferry >out 2>err &&
	ferry-cat --check keys.ferry >chk &&
	ferry-cat -f summary keys.ferry >sum &&
	grep -E "^table |^  primary key|^total" sum >got &&
	cat >expect <<-\EOT &&
	table kc
	  primary key: g k "q'"'"' s
	table ki
	  primary key: id
	total: 2 tables, 0 rows, 0 batches, 0 raw bytes, 0 stored bytes, digest 00000000000000000000000000000000
	EOT
	test_cmp expect got &&
	ferry-cat keys.ferry >rows && test ! -s rows
'

test_expect_success 'the emitted tables hold the key columns only, under the target names' '
	pg_sql "CREATE TABLE ki2 (v TEXT, id INT PRIMARY KEY)" &&
	pg_sql "INSERT INTO ki2 VALUES ('"'"'z'"'"', 9), ('"'"'a'"'"', 1)" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t ki --table-map ki=ki2 --emit-deletes keys2.ferry >out 2>err &&
	ferry-cat -f jsonl keys2.ferry >rows &&
	echo "{\"table\":\"ki2\",\"row\":{\"id\":9}}" >expect && test_cmp expect rows &&
	ferry-cat -f summary keys2.ferry >sum && test_grep ki2 sum
'

test_expect_success 'the same keys again: nothing left to delete is not an error' '
	ferry-load "$PG_URI" --mode delete --commit-every 1 -i keys2.ferry 2>l.err &&
	test_grep "ferry-load: 1 rows deleted for 1 keys" l.err &&
	ferry-load "$PG_URI" --mode delete -i keys2.ferry --stats stats.json 2>l.err &&
	test_grep "ferry-load: 0 rows deleted for 1 keys" l.err &&
	jq -r ".tables[0].deleted" stats.json >got && echo 0 >expect && test_cmp expect got &&
	pg_sql "SELECT id FROM ki2" >got && echo 1 >expect && test_cmp expect got
'

test_expect_success 'a verify that fails leaves a stream without its end: the loader deletes nothing' '
	ferry-extract "$MY_URI" -t ki --order pk -o ki.ferry &&
	pg_sql "INSERT INTO ki VALUES (0, '"'"'g'"'"')" &&
	size=$(wc -c <ki.ferry) &&
	head -c $((size - 100)) ki.ferry >cut.ferry &&
	sync_deletes cut.ferry "$PG_URI" &&
	echo 3 >expect && test_cmp expect v.rc && test_cmp expect l.rc &&
	pg_sql "SELECT count(*) FROM ki WHERE id = 0" >got && echo 1 >expect && test_cmp expect got &&
	test_expect_code 3 ferry-verify cut.ferry "$PG_URI" --emit-deletes cut-keys.ferry >out 2>err &&
	ls -a >files && ! grep -q "cut-keys" files &&
	test_expect_code 1 ferry-verify ki.ferry "$PG_URI" --emit-deletes k0.ferry >out 2>err &&
	ferry-cat -f jsonl k0.ferry >rows && echo "{\"table\":\"ki\",\"row\":{\"id\":0}}" >expect && test_cmp expect rows &&
	pg_sql "DELETE FROM ki WHERE id = 0"
'

test_expect_success 'setup: PostgreSQL source copied into MariaDB, then rows deleted at the source' '
	my_fresh_db && pg_fresh_db && pg_sql <pg.sql &&
	ferry-extract "$PG_URI" --all-tables -o all.ferry &&
	ferry-load "$MY_URI" --create -i all.ferry &&
	test_expect_code 0 ferry-verify "$PG_URI" "$MY_URI" >out &&
	pg_sql <del.sql
'

test_expect_success 'PostgreSQL -> MariaDB: exactly the deleted keys go' '
	sync_deletes "$PG_URI" "$MY_URI" &&
	echo 1 >expect && test_cmp expect v.rc &&
	echo 0 >expect && test_cmp expect l.rc &&
	test_grep "ferry-load: 4 rows deleted for 4 keys" l.err &&
	my_sql "SELECT id FROM ki ORDER BY id" | sed 1d >got && test_cmp expect.ki got &&
	my_sql "SELECT g, \`k \"q'"'"' s\`, v FROM kc ORDER BY v" | sed 1d | tr "\t" "|" >got &&
	test_cmp expect.kc got &&
	test_expect_code 0 ferry-verify "$PG_URI" "$MY_URI" -t ki -t kc >out &&
	test_grep "the two sides are equal" out
'

test_expect_success 'MariaDB target with --commit-every 1 and the INSERT path' '
	my_sql "INSERT INTO ki VALUES (20, NULL), (21, NULL), (22, NULL)" &&
	test_expect_code 1 ferry-verify "$PG_URI" "$MY_URI" -t ki --emit-deletes k.ferry >out &&
	FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_URI" --mode delete --commit-every 1 -i k.ferry --stats stats.json 2>l.err &&
	jq -r ".tables[0] | \"\(.rows) \(.deleted) \(.commits)\"" stats.json >got &&
	echo "3 3 4" >expect && test_cmp expect got &&
	my_sql "SELECT id FROM ki ORDER BY id" | sed 1d >got && test_cmp expect.ki got
'

test_expect_success '--mode delete refuses a stream with a non-key column, naming it; nothing is deleted' '
	ferry-extract "$PG_URI" -t ki -o full.ferry &&
	test_expect_code 2 ferry-load "$MY_URI" --mode delete -i full.ferry 2>err &&
	echo "ferry-load: table ki: column v is not in the primary key of the target (--mode delete takes key columns only)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-load "$PG_URI" --mode delete -i full.ferry 2>err &&
	test_cmp expect err &&
	my_sql "SELECT count(*) FROM ki" | sed 1d >got && echo 4 >expect && test_cmp expect got
'

test_expect_success '--mode delete refuses a part of a composite key, and a keyless target' '
	printf "{\"name\":\"kc\",\"columns\":[{\"name\":\"g\",\"type\":\"int64\",\"nullable\":false}],\"primary_key\":[\"g\"]}\n" >g.json &&
	echo "{\"g\":1}" | ferry-cat --encode -S g.json -o g.ferry &&
	test_expect_code 2 ferry-load "$PG_URI" --mode delete -i g.ferry 2>err &&
	echo "ferry-load: table kc: key column k \"q'"'"' s of the target is not in the stream (--mode delete needs the whole primary key)" >expect &&
	test_cmp expect err &&
	printf "{\"name\":\"nokey\",\"columns\":[{\"name\":\"a\",\"type\":\"int64\",\"nullable\":true}]}\n" >a.json &&
	echo "{\"a\":1}" | ferry-cat --encode -S a.json -o a.ferry &&
	test_expect_code 2 ferry-load "$PG_URI" --mode delete -i a.ferry 2>err &&
	echo "ferry-load: table nokey: the target table has no primary key, which --mode delete needs" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-load "$MY_URI" --mode delete -i a.ferry 2>err &&
	test_cmp expect err &&
	pg_sql "SELECT count(*) FROM nokey" >got && echo 1 >expect && test_cmp expect got &&
	pg_sql "SELECT count(*) FROM kc" >got && echo 4 >expect && test_cmp expect got
'

test_expect_success '--mode delete with --create is a usage error' '
	test_expect_code 2 ferry-load "$PG_URI" --mode delete --create -i g.ferry 2>err &&
	test_grep "ferry-load: --mode delete does not go with --create" err &&
	test_grep "try '"'"'ferry-load --help'"'"'" err
'

test_expect_success '--emit-deletes - writes only the stream on stdout; the summary goes to stderr' '
	test_expect_code 1 ferry-verify "$PG_URI" "$MY_URI" -t nokey --emit-deletes - >keys.out 2>err &&
	test_grep "the two sides DIFFER" err &&
	ferry-cat --check keys.out >chk &&
	test_expect_code 2 ferry-verify "$PG_URI" "$MY_URI" --emit-deletes x.ferry --sample 10 2>err &&
	test ! -e x.ferry
'

test_expect_success '--emit-upserts: the rows B lacks or holds otherwise; upsert plus delete make B equal' '
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE up (id INT PRIMARY KEY, v TEXT, n INT);
		INSERT INTO up VALUES (1, '"'"'a'"'"', 1), (2, '"'"'b'"'"', 2), (3, '"'"'c'"'"', 3), (4, '"'"'d'"'"', 4)" &&
	pg_sql "CREATE TABLE up (id int PRIMARY KEY, v text, n int);
		INSERT INTO up VALUES (1, '"'"'a'"'"', 1), (2, '"'"'B'"'"', 2), (4, '"'"'d'"'"', 4), (9, '"'"'z'"'"', 9)" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t up \
		--emit-upserts up.ferry --emit-deletes gone.ferry >out &&
	test_grep "up: 2 rows of A written for upsert" out &&
	test_grep "up: 1 keys only in B written for deletion" out &&
	ferry-cat -f jsonl up.ferry >rows &&
	printf "%s\n" "{\"table\":\"up\",\"row\":{\"id\":2,\"v\":\"b\",\"n\":2}}" \
		"{\"table\":\"up\",\"row\":{\"id\":3,\"v\":\"c\",\"n\":3}}" >expect &&
	test_cmp expect rows &&
	ferry-load "$PG_URI" -m upsert -i up.ferry &&
	ferry-load "$PG_URI" --mode delete -i gone.ferry &&
	ferry-verify "$MY_URI" "$PG_URI" -t up
'

test_expect_success '--emit-upserts follows a spec: B'"'"'s names, the columns compared' '
	pg_sql "ALTER TABLE up RENAME COLUMN v TO body; UPDATE up SET body = '"'"'x'"'"' WHERE id = 1" &&
	printf "{\"tables\": {\"up\": {\"columns\": {\"v\": {\"rename\": \"body\"}}}}}\n" >ren.json &&
	test_expect_code 1 ferry-verify -s ren.json "$MY_URI" "$PG_URI" -t up --emit-upserts - >up2.ferry 2>out &&
	test_grep "1 rows of A written for upsert" out &&
	ferry-cat -f jsonl up2.ferry >rows && test_grep "\"body\":\"a\"" rows &&
	ferry-load "$PG_URI" -m upsert -i up2.ferry &&
	ferry-verify -s ren.json "$MY_URI" "$PG_URI" -t up
'

test_expect_success '--emit-upserts and --emit-deletes cannot both be -; neither goes with --sample' '
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --emit-upserts - --emit-deletes - 2>err </dev/null >/dev/null &&
	test_grep "only one of" err &&
	test_expect_code 2 ferry-verify "$MY_URI" "$PG_URI" --emit-upserts u.ferry --sample 10 2>err &&
	test_grep "does not go with --sample" err
'

test_done
