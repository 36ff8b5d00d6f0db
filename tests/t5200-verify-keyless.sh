#!/bin/sh
# ferry-verify on tables without a primary key: the verdict is exact, not
# the digest's.  testdata/keyless-collision holds two disjoint sets of 128
# rows whose (unkeyed, additive) digests are equal, made by
# testdata/make-keyless-collision.c; every pairing of streams and engines
# must call them different and name the rows.  Duplicates count, equal
# tables in another order and spelling stay equal, and a table larger than
# the sort's memory spills to TMPDIR and still compares exactly.
. "$(dirname "$0")/lib.sh"
test_need_db

KL=$TESTDATA/keyless-collision

# rows of a fixture, as ferry-verify names them
rows_of() {
	jq -r '"n=\(.row.n), note='"'"'\(.row.note)'"'"'"' "$1" | sort
}

test_expect_success 'setup: the two fixtures as streams, kl and kl2' '
	ferry-cat --encode -S "$KL/schema.json" -o a.ferry "$KL/a.jsonl" &&
	ferry-cat --encode -S "$KL/schema.json" -o b.ferry "$KL/b.jsonl" &&
	jq ".name = \"kl2\"" "$KL/schema.json" >schema2.json &&
	sed "s/\"table\":\"kl\"/\"table\":\"kl2\"/" "$KL/b.jsonl" >b2.jsonl &&
	ferry-cat --encode -S schema2.json -o b2.ferry b2.jsonl &&
	rows_of "$KL/a.jsonl" >rows-a && rows_of "$KL/b.jsonl" >rows-b &&
	test $(wc -l <rows-a) = 128 && test $(wc -l <rows-b) = 128 &&
	sort rows-a rows-b | uniq -d >common && test_cmp /dev/null common
'

# the lines of out that name a row of side A or B, as rows_of prints them
diff_rows() {
	sed -n "s/^  $1: //p" out | sort
}

test_expect_success 'stream against stream: same digest, yet exit 1 with every row' '
	test_expect_code 1 ferry-verify a.ferry b.ferry --max-diffs 1000 \
		--report rep.json >out &&
	jq -r ".tables[0] | .digest_a == .digest_b, .equal, .merged_by_key, .missing_in_b, .extra_in_b" rep.json >r &&
	printf "true\nfalse\nfalse\n128\n128\n" >expect && test_cmp expect r &&
	test_grep "kl: A 128 rows, B 128 rows: DIFFERENT (128 missing in B, 128 extra in B)" out &&
	diff_rows "missing in B" >got && test_cmp rows-a got &&
	diff_rows "extra in B" >got && test_cmp rows-b got &&
	test_grep "the two sides DIFFER" out
'

test_expect_success 'the report lists the rows too, at most --max-diffs' '
	test_expect_code 1 ferry-verify a.ferry b.ferry --max-diffs 3 \
		--report rep.json >out &&
	jq -r ".tables[0].differences | length" rep.json >n &&
	echo 3 >expect && test_cmp expect n &&
	jq -r ".tables[0].differences[].key" rep.json >k &&
	sort rows-a rows-b | grep -c -x -F -f k >n &&
	echo 3 >expect && test_cmp expect n &&
	test_grep "  ... and 253 more differences" out
'

test_expect_success 'setup: A in MariaDB, A and B in PostgreSQL' '
	my_fresh_db && pg_fresh_db &&
	ferry-load "$MY_URI" --create <a.ferry &&
	ferry-load "$PG_URI" --create <b.ferry &&
	ferry-load "$PG_URI" --create <b2.ferry &&
	sed "s/\"table\":\"kl\"/\"table\":\"kla\"/" "$KL/a.jsonl" >a2.jsonl &&
	jq ".name = \"kla\"" "$KL/schema.json" >schemaa.json &&
	ferry-cat --encode -S schemaa.json -o a2.ferry a2.jsonl &&
	ferry-load "$PG_URI" --create <a2.ferry &&
	pg_sql "SELECT count(*) FROM kl" >n && echo 128 >expect && test_cmp expect n &&
	my_sql "SELECT count(*) FROM kl" >n && printf "count(*)\n128\n" >expect && test_cmp expect n
'

test_expect_success 'PostgreSQL against PostgreSQL: exit 1' '
	test_expect_code 1 ferry-verify "$PG_URI" "$PG_URI" -t kla \
		--table-map kla=kl --max-diffs 1000 --report rep.json >out &&
	jq -r ".tables[0].digest_a == .tables[0].digest_b" rep.json >r &&
	echo true >expect && test_cmp expect r &&
	diff_rows "missing in B" >got && test_cmp rows-a got &&
	diff_rows "extra in B" >got && test_cmp rows-b got
'

test_expect_success 'PostgreSQL against itself, B under another name: exit 0' '
	ferry-verify "$PG_URI" "$PG_URI" -t kl --table-map kl=kl2 >out &&
	test_grep "kl: A 128 rows, B 128 rows: equal" out
'

test_expect_success 'MariaDB against PostgreSQL: exit 1' '
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t kl \
		--max-diffs 1000 --report rep.json >out &&
	jq -r ".tables[0].digest_a == .tables[0].digest_b" rep.json >r &&
	echo true >expect && test_cmp expect r &&
	diff_rows "missing in B" >got && test_cmp rows-a got &&
	diff_rows "extra in B" >got && test_cmp rows-b got
'

test_expect_success 'a stream against a database, either way round: exit 1' '
	test_expect_code 1 ferry-verify a.ferry "$PG_URI" -t kl >out &&
	test_grep "kl: A 128 rows, B 128 rows: DIFFERENT (128 missing in B, 128 extra in B)" out &&
	test_expect_code 1 ferry-verify "$PG_URI" a.ferry -t kl >out &&
	test_grep "kl: A 128 rows, B 128 rows: DIFFERENT (128 missing in B, 128 extra in B)" out &&
	ferry-verify a.ferry "$MY_URI" -t kl >out &&
	test_grep "kl: A 128 rows, B 128 rows: equal" out
'

cat >dup.sql <<\EOSQL
CREATE TABLE dup (a INT, b TEXT);
INSERT INTO dup VALUES (1, 'x'), (1, 'x'), (2, 'y');
EOSQL

test_expect_success 'a row twice against once, the count made up by another: exit 1' '
	my_sql <dup.sql &&
	pg_sql "CREATE TABLE dup (a int, b text); INSERT INTO dup VALUES (2, '"'"'y'"'"'), (1, '"'"'x'"'"'), (2, '"'"'y'"'"')" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t dup >out &&
	cat >expect <<-\EOT &&
	dup: no primary key on both sides: comparing the rows sorted
	  missing in B: a=1, b='"'"'x'"'"'
	  extra in B: a=2, b='"'"'y'"'"'
	dup: A 3 rows, B 3 rows: DIFFERENT (1 missing in B, 1 extra in B)
	the two sides DIFFER
	EOT
	test_cmp expect out
'

cat >same.sql <<\EOSQL
CREATE TABLE same (d DECIMAL(10,2), js JSON, f TINYINT(1), ts DATETIME(6),
  s VARCHAR(20), u BIGINT UNSIGNED);
INSERT INTO same VALUES
 (1.50, '{"b": 1, "a": [1, 2.50]}', 1, '2024-01-01 00:00:00.000001', 'a', 18446744073709551615),
 (-0.01, '[]', 0, '1999-12-31 23:59:59', '', 0),
 (0.00, 'null', NULL, '2000-01-01 00:00:00', NULL, 5),
 (0.00, 'null', NULL, '2000-01-01 00:00:00', NULL, 5);
EOSQL

test_expect_success 'the same rows in another order and spelling: exit 0' '
	my_sql <same.sql &&
	pg_sql "CREATE TABLE same (d numeric, js jsonb, f boolean, ts timestamp(6), s text, u numeric(20));
		INSERT INTO same VALUES
		 (0, '"'"'null'"'"', NULL, '"'"'2000-01-01'"'"', NULL, 5.0),
		 ('"'"'-0.010'"'"', '"'"'[ ]'"'"', false, '"'"'1999-12-31 23:59:59'"'"', '"'"''"'"', 0),
		 (0.0, '"'"'null'"'"', NULL, '"'"'2000-01-01'"'"', NULL, 5),
		 (1.5, '"'"'{\"a\":[1,2.5],\"b\":1}'"'"', true, '"'"'2024-01-01 00:00:00.000001'"'"', '"'"'a'"'"', 18446744073709551615)" &&
	ferry-verify "$MY_URI" "$PG_URI" -t same >out &&
	test_grep "same: A 4 rows, B 4 rows: equal" out &&
	pg_sql "DELETE FROM same WHERE d = 0 AND u = 5.0 AND ctid = (SELECT min(ctid) FROM same WHERE u = 5);
		INSERT INTO same VALUES (1.5, '"'"'{\"a\":[1,2.5],\"b\":1}'"'"', true, '"'"'2024-01-01 00:00:00.000001'"'"', '"'"'a'"'"', 18446744073709551615)" &&
	test_expect_code 1 ferry-verify "$MY_URI" "$PG_URI" -t same >out &&
	test_grep "same: A 4 rows, B 4 rows: DIFFERENT (1 missing in B, 1 extra in B)" out &&
	test_grep "  missing in B: d=0, js=" out
'

test_expect_success 'a table larger than the sort memory spills to TMPDIR, still exact' '
	awk "BEGIN { for (i = 0; i < 20000; i++) printf \"{\\\"table\\\":\\\"kl\\\",\\\"row\\\":{\\\"n\\\":%d,\\\"note\\\":\\\"row %d\\\"}}\\n\", i % 9000, i }" >big.jsonl &&
	awk "{ l[NR] = \$0 } END { for (i = NR; i > 0; i--) print l[i] }" big.jsonl >rev.jsonl &&
	sed "s/\"note\":\"row 12345\"/\"note\":\"row 12345!\"/" rev.jsonl >chg.jsonl &&
	ferry-cat --encode -S "$KL/schema.json" -o big.ferry big.jsonl &&
	ferry-cat --encode -S "$KL/schema.json" -o rev.ferry rev.jsonl &&
	ferry-cat --encode -S "$KL/schema.json" -o chg.ferry chg.jsonl &&
	mkdir tmp &&
	TMPDIR=$PWD/tmp FERRY_VERIFY_SORT_BYTES=8192 \
		ferry-verify big.ferry rev.ferry --report rep.json >out &&
	test_grep "kl: A 20000 rows, B 20000 rows: equal" out &&
	jq -e ".tables[0].sort_runs > 64" rep.json >/dev/null &&
	ls tmp >left && test_cmp /dev/null left &&
	TMPDIR=$PWD/tmp FERRY_VERIFY_SORT_BYTES=8192 \
		test_expect_code 1 ferry-verify big.ferry chg.ferry >out &&
	cat >expect <<-\EOT &&
	kl: no primary key on both sides: comparing the rows sorted
	  missing in B: n=3345, note='"'"'row 12345'"'"'
	  extra in B: n=3345, note='"'"'row 12345!'"'"'
	kl: A 20000 rows, B 20000 rows: DIFFERENT (1 missing in B, 1 extra in B)
	the two sides DIFFER
	EOT
	test_cmp expect out &&
	ferry-verify big.ferry rev.ferry --report rep.json >out &&
	jq -e ".tables[0].sort_runs == 0" rep.json >/dev/null
'

test_expect_success 'a TMPDIR that cannot hold the runs is exit 8, named' '
	TMPDIR=$PWD/nonexistent FERRY_VERIFY_SORT_BYTES=8192 \
		test_expect_code 8 ferry-verify big.ferry rev.ferry >out 2>err &&
	test_grep "ferry-verify: table kl, side " err &&
	test_grep ", sorting the rows: temporary file in $PWD/nonexistent: No such file or directory" err
'

test_done
