#!/bin/sh
# ferry-load into PostgreSQL: create, modes, transactions and rollback,
# sequences, quoting, big values, round trips MySQL -> PG and PG -> PG
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"

# pg_target: a second, empty PostgreSQL database for loading into
pg_target() {
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	TO_URI="$PG_BASE dbname=${TEST_DB}_to"
}
to_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$TO_URI" -c "$1"
}

cat >users.sql <<\EOSQL
CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, note text);
INSERT INTO users (name, note) VALUES ('ann', 'tab	and
newline'), ('bob', NULL), ('cé 😀', ''), ('NULL', '\N');
EOSQL

test_expect_success 'setup: source databases' '
	my_fresh_db && pg_fresh_db && pg_sql <users.sql &&
	my_sql "CREATE TABLE msgs (id BIGINT PRIMARY KEY, body MEDIUMTEXT, flag TINYINT(1), kind ENUM('"'"'a'"'"','"'"'b'"'"'), at DATETIME(6), meta JSON);
		INSERT INTO msgs VALUES (1, REPEAT('"'"'é'"'"', 524288), 1, '"'"'a'"'"', '"'"'2024-03-31 02:30:00.123456'"'"', '"'"'{\"x\": 2.5e-3}'"'"'),
			(2, '"'"''"'"', 0, '"'"'b'"'"', '"'"'1000-01-01 00:00:00'"'"', NULL), (3, NULL, NULL, NULL, NULL, '"'"'[]'"'"')"
'

test_expect_success 'MySQL -> PostgreSQL with --create: same digest, types as mapped' '
	pg_target &&
	ferry-extract "$MY_URI" -t msgs -o my.ferry &&
	ferry-load "$TO_URI" --create -i my.ferry --stats st.json &&
	ferry-extract "$TO_URI" -t msgs -o back.ferry &&
	ferry-cat -f summary my.ferry | grep "  digest:" >a &&
	ferry-cat -f summary back.ferry | grep "  digest:" >b &&
	test_cmp a b &&
	to_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'msgs'"'"'::regclass AND attnum > 0 ORDER BY attnum" >types &&
	printf "bigint\ntext\nboolean\nmsgs_kind\ntimestamp without time zone\njsonb\n" >expect &&
	test_cmp expect types &&
	to_sql "SELECT octet_length(body) FROM msgs WHERE id = 1" >n &&
	echo 1048576 >expect && test_cmp expect n &&
	test_grep "\"created\":	true" st.json
'

test_expect_success 'an enum is a type of its labels in their order, or text with a CHECK (--enum-types check)' '
	to_sql "SELECT enumlabel FROM pg_enum WHERE enumtypid = '"'"'msgs_kind'"'"'::regtype ORDER BY enumsortorder" >l &&
	printf "a\nb\n" >expect && test_cmp expect l &&
	test_must_fail to_sql "INSERT INTO msgs (id, kind) VALUES (9, '"'"'z'"'"')" 2>err &&
	test_grep "invalid input value for enum msgs_kind" err &&
	to_sql "DROP TABLE msgs" &&
	ferry-load "$TO_URI" --create --enum-types check -i my.ferry &&
	to_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'msgs'"'"'::regclass AND attname = '"'"'kind'"'"'" >t &&
	echo text >expect && test_cmp expect t &&
	test_must_fail to_sql "INSERT INTO msgs (id, kind) VALUES (9, '"'"'z'"'"')" 2>err &&
	test_grep "violates check constraint" err &&
	to_sql "DROP TABLE msgs" &&
	ferry-load "$TO_URI" --create --enum-types type -i my.ferry
'

test_expect_success 'PostgreSQL -> PostgreSQL: text, NULL, empty, the word NULL, \N' '
	pg_target &&
	ferry-extract "$PG_URI" -t users -o u.ferry &&
	ferry-load "$TO_URI" --create -i u.ferry &&
	ferry-extract "$TO_URI" -t users -o u2.ferry &&
	ferry-cat u.ferry >a && ferry-cat u2.ferry >b && test_cmp a b
'

test_expect_success 'a sequence goes on after the highest loaded id' '
	to_sql "CREATE TABLE seqd (id bigserial PRIMARY KEY, name text NOT NULL, note text)" &&
	ferry-load "$TO_URI" --table-map users=seqd -i u.ferry &&
	to_sql "INSERT INTO seqd (name) VALUES ('"'"'new'"'"') RETURNING id" >id &&
	echo 5 >expect && test_cmp expect id
'

test_expect_success 'insert mode: a duplicate key is exit 4 and nothing of that table is kept' '
	to_sql "DELETE FROM users WHERE id > 2" &&
	test_expect_code 4 ferry-load "$TO_URI" -i u.ferry 2>err &&
	test_grep "ferry-load: table users: COPY: ERROR:  duplicate key value violates unique constraint" err &&
	to_sql "SELECT count(*) FROM users" >n &&
	echo 2 >expect && test_cmp expect n
'

test_expect_success 'truncate mode empties the table first' '
	to_sql "INSERT INTO users VALUES (100, '"'"'extra'"'"', NULL)" &&
	ferry-load "$TO_URI" --mode truncate -i u.ferry &&
	to_sql "SELECT string_agg(id::text, '"'"','"'"' ORDER BY id) FROM users" >ids &&
	echo 1,2,3,4 >expect && test_cmp expect ids
'

test_expect_success 'upsert mode updates what exists and adds what does not' '
	to_sql "UPDATE users SET name = '"'"'changed'"'"' WHERE id = 1; DELETE FROM users WHERE id = 4; INSERT INTO users VALUES (7, '"'"'kept'"'"', NULL)" &&
	ferry-load "$TO_URI" --mode upsert -i u.ferry &&
	to_sql "SELECT string_agg(id || '"'"':'"'"' || name, '"'"','"'"' ORDER BY id) FROM users" >rows &&
	echo "1:ann,2:bob,3:cé 😀,4:NULL,7:kept" >expect && test_cmp expect rows
'

test_expect_success 'a stream cut short mid-table: exit 3, the table rolled back' '
	awk -v n=20000 -f "$TEST_ROOT/scripts/gen-messages.awk" >m.jsonl &&
	ferry-cat --encode -S "$TESTDATA/bench/messages.schema.json" -l 0 -o m.ferry m.jsonl &&
	head -c $(($(wc -c <m.ferry) / 2)) m.ferry >cut.ferry &&
	test_expect_code 3 ferry-load "$TO_URI" --create -i cut.ferry 2>err &&
	test_grep "ferry-load: cut.ferry: byte " err &&
	test_grep "truncated stream" err &&
	to_sql "SELECT count(*) FROM pg_class WHERE relname = '"'"'messages'"'"'" >n &&
	echo 0 >expect && test_cmp expect n
'

test_expect_success 'a corrupted batch is caught before the commit' '
	cp m.ferry bad.ferry &&
	size=$(wc -c <bad.ferry) &&
	printf "\377" | dd of=bad.ferry bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test_expect_code 3 ferry-load "$TO_URI" --create -i bad.ferry 2>err &&
	test_grep "checksum mismatch" err &&
	to_sql "SELECT count(*) FROM pg_class WHERE relname = '"'"'messages'"'"'" >n &&
	echo 0 >expect && test_cmp expect n
'

test_expect_success 'the whole stream loads; --commit-every commits as it goes' '
	ferry-load "$TO_URI" --create --commit-every 5000 --stats st.json -i m.ferry &&
	to_sql "SELECT count(*) FROM messages" >n &&
	echo 20000 >expect && test_cmp expect n &&
	test_grep "\"commits\":	5" st.json
'

test_expect_success 'names that need quoting' '
	echo "{\"name\":\"select\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},{\"name\":\"a \\\"col\\\"\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}" >q.json &&
	echo "{\"id\":1,\"a \\\"col\\\"\":\"x\"}" >q.jsonl &&
	ferry-cat --encode -S q.json -o q.ferry q.jsonl &&
	ferry-load "$TO_URI" --create -i q.ferry &&
	to_sql "SELECT \"a \"\"col\"\"\" FROM \"select\"" >v &&
	echo x >expect && test_cmp expect v
'

test_expect_success 'text with a NUL byte is refused by row and column' '
	echo "{\"name\":\"nul\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"t\",\"type\":\"text\"}]}" >n.json &&
	printf "%s\n" "{\"id\":1,\"t\":\"ok\"}" "{\"id\":2,\"t\":\"a\\u0000b\"}" >n.jsonl &&
	ferry-cat --encode -S n.json -o n.ferry n.jsonl &&
	test_expect_code 3 ferry-load "$TO_URI" --create -i n.ferry 2>err &&
	echo "ferry-load: table nul, row 2, column t: text holds a NUL byte, which PostgreSQL refuses (a transform can remove it)" >expect &&
	test_cmp expect err &&
	to_sql "SELECT count(*) FROM pg_class WHERE relname = '"'"'nul'"'"'" >n &&
	echo 0 >expect && test_cmp expect n
'

test_expect_success 'with --rejects, a NUL byte is a refused row set aside, the rest loaded' '
	ferry-load "$TO_URI" --create --rejects nrej.ferry -i n.ferry 2>err &&
	test_grep "1 rows rejected" err &&
	ferry-cat -f jsonl nrej.ferry >nrej.jsonl &&
	test_grep "\"ferry_reject_reason\":\"column t: text holds a NUL byte, which PostgreSQL refuses (a transform can remove it)\"" nrej.jsonl &&
	to_sql "SELECT id, t FROM nul" >v &&
	echo "1|ok" >expect && test_cmp expect v &&
	to_sql "DROP TABLE nul"
'

test_expect_success 'a missing table without --create, a missing column: usage errors' '
	test_expect_code 2 ferry-load "$TO_URI" -i n.ferry 2>err &&
	echo "ferry-load: table nul: table nul does not exist (use --create)" >expect &&
	test_cmp expect err &&
	to_sql "CREATE TABLE nul (id bigint)" &&
	test_expect_code 2 ferry-load "$TO_URI" -i n.ferry 2>err &&
	echo "ferry-load: table nul: table \"nul\" has no column t" >expect &&
	test_cmp expect err
'

test_expect_success 'usage errors' '
	test_expect_code 2 ferry-load 2>err && test_grep "no TARGET given" err &&
	test_expect_code 2 ferry-load "$TO_URI" --mode merge 2>err &&
	test_grep "--mode: '"'"'merge'"'"' is not insert, upsert, truncate or delete" err &&
	test_expect_code 2 ferry-load "$MY_URI" --enum-types type </dev/null 2>err &&
	test_grep "--enum-types is for PostgreSQL targets" err &&
	test_expect_code 2 ferry-load "$TO_URI" --enum-types native </dev/null 2>err &&
	test_grep "--enum-types takes type or check, not '"'"'native'"'"'" err
'

test_expect_success 'upsert into a table --create makes; a GENERATED ALWAYS identity' '
	pg_target &&
	ferry-load "$TO_URI" --create --mode upsert -i u.ferry &&
	ferry-load "$TO_URI" --create --mode upsert -i u.ferry &&
	to_sql "SELECT count(*) FROM users" >n && echo 4 >expect && test_cmp expect n &&
	to_sql "CREATE TABLE gen (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, note text)" &&
	ferry-load "$TO_URI" --table-map users=gen -i u.ferry &&
	ferry-load "$TO_URI" --table-map users=gen --mode upsert -i u.ferry &&
	to_sql "SELECT count(*) FROM gen" >n && echo 4 >expect && test_cmp expect n
'

test_expect_success 'a sequence at the top of its type, and one already past the rows' '
	echo "{\"name\":\"top\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false}],\"primary_key\":[\"id\"]}" >top.json &&
	echo "{\"id\":9223372036854775807}" >top.jsonl &&
	ferry-cat --encode -S top.json -o top.ferry top.jsonl &&
	to_sql "CREATE TABLE top (id bigserial PRIMARY KEY)" &&
	ferry-load "$TO_URI" -i top.ferry &&
	to_sql "CREATE TABLE ahead (id bigserial PRIMARY KEY, name text NOT NULL, note text); SELECT setval('"'"'ahead_id_seq'"'"', 1000)" >/dev/null &&
	ferry-load "$TO_URI" --table-map users=ahead -i u.ferry &&
	to_sql "SELECT nextval('"'"'ahead_id_seq'"'"')" >n && echo 1001 >expect && test_cmp expect n
'

test_expect_success 'rejects: refused rows are set aside with their reason, the rest loads' '
	to_sql "CREATE TABLE rj (id bigint PRIMARY KEY, name text NOT NULL CHECK (name <> '"'"'bad'"'"'), note text)" &&
	to_sql "INSERT INTO rj VALUES (2, '"'"'already'"'"', NULL)" &&
	echo "{\"name\":\"rj\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"note\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}" >rj.json &&
	for i in $(seq 1 2500); do echo "{\"id\":$i,\"name\":\"n$i\",\"note\":null}"; done |
		sed -e "s/\"n77\"/\"bad\"/" -e "s/\"n1500\"/null/" >rj.jsonl &&
	ferry-cat --encode -S rj.json -o rj.ferry rj.jsonl &&
	ferry-load "$TO_URI" -i rj.ferry --rejects rejects.ferry --stats st.json 2>err &&
	echo "ferry-load: 3 rows rejected, set aside in rejects.ferry" >expect &&
	test_cmp expect err &&
	to_sql "SELECT count(*), sum(id) FROM rj" >n &&
	echo "2498|$((2500 * 2501 / 2 - 77 - 1500))" >expect && test_cmp expect n &&
	ferry-cat -f tsv rejects.ferry >rej.tsv &&
	cut -f1 rej.tsv >ids && printf "id\n2\n77\n1500\n" >expect && test_cmp expect ids &&
	test_grep "duplicate key value violates unique constraint \"rj_pkey\" Key (id)=(2) already exists." rej.tsv &&
	test_grep "violates check constraint \"rj_name_check\"" rej.tsv &&
	test_grep "null value in column \"name\" of relation \"rj\" violates not-null constraint" rej.tsv &&
	test_grep "\"rejected\":	3" st.json
'

test_expect_success 'rejects past --max-rejects: exit 6, the table rolled back' '
	to_sql "DELETE FROM rj WHERE id <> 2" &&
	test_expect_code 6 ferry-load "$TO_URI" -i rj.ferry --rejects rejects.ferry --max-rejects 2 2>err &&
	test_grep "ferry-load: table rj: 3 rows rejected, more than --max-rejects 2" err &&
	to_sql "SELECT count(*) FROM rj" >n && echo 1 >expect && test_cmp expect n &&
	ferry-cat --check rejects.ferry >out &&
	test_grep "ok, 1 tables, 3 rows" out
'

test_expect_success '--rejects with --create: duplicates within the stream are rejected' '
	(cat rj.jsonl; echo "{\"id\":5,\"name\":\"again\",\"note\":null}") >dup.jsonl &&
	ferry-cat --encode -S rj.json -o dup.ferry dup.jsonl &&
	ferry-load "$TO_URI" --create --table-map rj=rj2 -i dup.ferry --rejects rej2.ferry 2>err &&
	ferry-cat -f tsv rej2.ferry | cut -f1 | sed 1d >ids &&
	printf "5\n" >expect && test_cmp expect ids &&
	to_sql "SELECT name FROM rj2 WHERE id = 5" >v && echo n5 >expect && test_cmp expect v
'

test_expect_success '--max-rejects needs --rejects' '
	test_expect_code 2 ferry-load "$TO_URI" --max-rejects 5 -i rj.ferry 2>err &&
	test_grep "--max-rejects goes with --rejects" err
'

test_expect_success '--create builds the source'"'"'s secondary indexes after the rows; --no-indexes none' '
	my_sql "CREATE TABLE ix (id INT PRIMARY KEY, a INT, b VARCHAR(20), c TEXT, KEY by_a_b (a, b), UNIQUE KEY u_b (b), KEY pre_c (c(10)));
		INSERT INTO ix VALUES (1, 1, '"'"'x'"'"', '"'"'long text'"'"'), (2, 1, '"'"'y'"'"', NULL)" &&
	ferry-extract "$MY_URI" -t ix -o ix.ferry &&
	ferry-cat -f summary ix.ferry >out &&
	test_grep "  index by_a_b: a b" out &&
	test_grep "  unique index u_b: b" out &&
	! grep -q "index pre_c" out &&
	test_grep "  index: 1 (ix: pre_c)" out &&
	ferry-load "$TO_URI" --create -i ix.ferry &&
	to_sql "SELECT indexname || '"'"' '"'"' || indexdef FROM pg_indexes WHERE tablename = '"'"'ix'"'"' ORDER BY 1" >idx &&
	cat >expect <<-\EOT &&
	ix_by_a_b CREATE INDEX ix_by_a_b ON public.ix USING btree (a, b)
	ix_pkey CREATE UNIQUE INDEX ix_pkey ON public.ix USING btree (id)
	ix_u_b CREATE UNIQUE INDEX ix_u_b ON public.ix USING btree (b)
	EOT
	test_cmp expect idx &&
	ferry-load "$TO_URI" --create --no-indexes --table-map ix=ix2 -i ix.ferry &&
	to_sql "SELECT count(*) FROM pg_indexes WHERE tablename = '"'"'ix2'"'"'" >n &&
	echo 1 >expect && test_cmp expect n
'

test_expect_success '--create names indexes after the target: a second copy under --table-map gets its own' '
	pg_target &&
	my_sql "CREATE TABLE twice (id INT PRIMARY KEY, k INT NOT NULL, KEY by_k (k));
		INSERT INTO twice VALUES (1, 10), (2, 20)" &&
	ferry-extract "$MY_URI" -t twice -o twice.ferry &&
	ferry-load "$TO_URI" --create -i twice.ferry &&
	ferry-load "$TO_URI" --create --table-map twice=twice_copy -i twice.ferry &&
	to_sql "SELECT indexname FROM pg_indexes WHERE tablename LIKE '"'"'twice%'"'"' ORDER BY 1" >ix &&
	printf "twice_by_k\ntwice_copy_by_k\ntwice_copy_pkey\ntwice_pkey\n" >expect &&
	test_cmp expect ix
'

test_done
