#!/bin/sh
# A table is named by schema and table, never through search_path: as the
# role ferry, whose own schema ferry holds a table users too ("$user",
# public is PostgreSQL's default search_path), -t users is public.users
# in extract, load and verify alike; a table named x.y ("x.y") and table
# y of schema x (x.y) are two tables everywhere, checkpoints included; a
# MySQL table named public.users stays a table of that name; --create makes
# a source's schema that the target lacks, and says so.
. "$(dirname "$0")/lib.sh"
test_need_db

TGT_DB=${TEST_DB}_t
TGT_URI="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry dbname=$TGT_DB"

tgt_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At -h "$FERRY_TEST_PG_HOST" \
		-p "$FERRY_TEST_PG_PORT" -U ferry -d "$TGT_DB" -c "$1"
}

tgt_fresh() {
	psql -X -q -h "$FERRY_TEST_PG_HOST" -p "$FERRY_TEST_PG_PORT" -U ferry \
		-d postgres -c "DROP DATABASE IF EXISTS \"$TGT_DB\"" \
		-c "CREATE DATABASE \"$TGT_DB\"" 2>/dev/null &&
	tgt_sql "CREATE SCHEMA ferry; CREATE SCHEMA x;
		CREATE TABLE ferry.users (id int PRIMARY KEY, name text);
		CREATE TABLE public.users (id int PRIMARY KEY, name text)"
}

test_expect_success 'setup: schema ferry of role ferry shadows public.users' '
	pg_fresh_db && tgt_fresh &&
	pg_sql "CREATE SCHEMA ferry; CREATE SCHEMA x;
		CREATE TABLE ferry.users (id int PRIMARY KEY, name text);
		INSERT INTO ferry.users VALUES (1, '"'"'shadow'"'"');
		CREATE TABLE public.users (id int PRIMARY KEY, name text);
		INSERT INTO public.users VALUES (1, '"'"'ann'"'"'), (2, '"'"'bob'"'"');
		CREATE TABLE public.\"x.y\" (id int PRIMARY KEY, v text);
		INSERT INTO public.\"x.y\" VALUES (1, '"'"'dotted'"'"');
		CREATE TABLE x.y (id int PRIMARY KEY, v text);
		INSERT INTO x.y VALUES (1, '"'"'in x'"'"'), (2, '"'"'in x'"'"')" &&
	test "$(pg_sql "SELECT name FROM users")" = shadow
'

test_expect_success 'extract -t users reads public.users, and says so' '
	ferry-extract "$PG_URI" -t users -o users.ferry &&
	ferry-cat -f tsv users.ferry >rows &&
	test_grep "ann" rows && test_grep "bob" rows &&
	! grep shadow rows &&
	ferry-cat -f summary users.ferry >sum &&
	test_grep "users" sum
'

test_expect_success 'the stream records the schema' '
	ferry-extract "$PG_URI" -t users -t x.y -t "\"x.y\"" -o three.ferry &&
	ferry-cat -f summary three.ferry >sum &&
	grep "^table \|schema: " sum >got &&
	cat >expect <<-\EOT &&
	table users
	  schema: public, table: users
	table x.y
	  schema: x, table: y
	table "x.y"
	  schema: public, table: x.y
	EOT
	test_cmp expect got
'

test_expect_success 'load puts the rows in the table the stream names' '
	ferry-load "$TGT_URI" <users.ferry &&
	test "$(tgt_sql "SELECT count(*) FROM public.users")" = 2 &&
	test "$(tgt_sql "SELECT count(*) FROM ferry.users")" = 0
'

test_expect_success 'verify reads public.users on both sides: a wrong copy differs' '
	ferry-verify -t users "$PG_URI" "$TGT_URI" >out &&
	test_grep "users: A 2 rows, B 2 rows: equal" out &&
	tgt_sql "INSERT INTO ferry.users VALUES (1, '"'"'shadow'"'"');
		UPDATE public.users SET name = '"'"'eve'"'"' WHERE id = 2" &&
	test_expect_code 1 ferry-verify --rows -t users "$PG_URI" "$TGT_URI" >out &&
	test_grep "users: A 2 rows, B 2 rows: DIFFERENT" out
'

test_expect_success 'a table named x.y and table y of schema x: each itself' '
	ferry-extract "$PG_URI" --all-tables -o all.ferry &&
	ferry-cat -f summary all.ferry >sum &&
	test_grep "\"x.y\"" sum && test_grep "x.y" sum &&
	ferry-extract "$PG_URI" -t "\"x.y\"" -t x.y -o xy.ferry &&
	ferry-load "$TGT_URI" --create <xy.ferry &&
	test "$(tgt_sql "SELECT v FROM public.\"x.y\"")" = dotted &&
	test "$(tgt_sql "SELECT count(*) FROM x.y WHERE v = '"'"'in x'"'"'")" = 2 &&
	ferry-verify --rows -t "\"x.y\"" -t x.y "$PG_URI" "$TGT_URI" >out &&
	test_grep "\"x.y\": A 1 rows, B 1 rows: equal" out &&
	test_grep "x.y: A 2 rows, B 2 rows: equal" out &&
	ferry-verify --rows -t "public.\"x.y\"" "$PG_URI" "$TGT_URI" >out &&
	test_grep "A 1 rows, B 1 rows: equal" out
'

test_expect_success 'users and public.users are one table, named twice' '
	test_expect_code 2 ferry-extract "$PG_URI" -t users -t public.users -o two.ferry 2>err &&
	test_grep "table public.users is named twice" err
'

test_expect_success 'a bad quoted name is a usage error' '
	test_expect_code 2 ferry-extract "$PG_URI" -t "\"x.y" -o bad.ferry 2>err &&
	test_grep "a quote is not closed" err
'

test_expect_success 'MySQL table named public.users arrives as "public.users"' '
	my_fresh_db &&
	my_sql "CREATE TABLE \`public.users\` (id INT PRIMARY KEY, name TEXT);
		INSERT INTO \`public.users\` VALUES (7, '"'"'mysql'"'"')" &&
	ferry-extract "$MY_URI" --all-tables -o my.ferry &&
	# a MySQL table has no schema: it goes to public, though role
	# ferry'"'"'s own schema comes first in search_path
	ferry-load "$TGT_URI" --create <my.ferry &&
	test "$(tgt_sql "SELECT name FROM public.\"public.users\"")" = mysql &&
	test "$(tgt_sql "SELECT count(*) FROM pg_tables WHERE schemaname = '"'"'ferry'"'"'")" = 1 &&
	test "$(tgt_sql "SELECT count(*) FROM public.users WHERE id = 7")" = 0 &&
	ferry-verify --rows -t "\"public.users\"" "$MY_URI" "$TGT_URI" >out &&
	test_grep "\"public.users\": A 1 rows, B 1 rows: equal" out &&
	ferry-extract "$MY_URI" -t public.users -o my2.ferry &&
	ferry-cat -f tsv my2.ferry >rows && test_grep mysql rows
'

test_expect_success 'checkpoints of "x.y" and x.y are two rows' '
	tgt_fresh &&
	ferry-extract "$PG_URI" --order pk -t "\"x.y\"" -t x.y -o xy.ferry &&
	ferry-load "$TGT_URI" --create --job j1 --commit-every 1 <xy.ferry &&
	test "$(tgt_sql "SELECT count(*) FROM public.\"x.y\"")" = 1 &&
	test "$(tgt_sql "SELECT count(*) FROM x.y")" = 2 &&
	tgt_sql "SELECT table_name, rows_loaded, state FROM ferry_checkpoint
		WHERE job = '"'"'j1'"'"' ORDER BY 1" >ck &&
	printf "%s\n" "\"x.y\"|1|done" "x.y|2|done" >expect &&
	test_cmp expect ck &&
	ferry-load "$TGT_URI" --job j1 --commit-every 1 <xy.ferry 2>err &&
	test_grep "table \"x.y\": job j1 loaded it whole" err && test_grep "table x.y: job j1 loaded it whole" err &&
	test "$(tgt_sql "SELECT count(*) FROM x.y")" = 2
'

test_expect_success 'a checkpoint table of the previous release resumes' '
	tgt_fresh &&
	tgt_sql "CREATE TABLE ferry_checkpoint (
		job text NOT NULL, table_name text NOT NULL,
		rows_loaded bigint NOT NULL DEFAULT 0,
		last_key text, last_watermark text, watermark_column text,
		state text NOT NULL DEFAULT '"'"'loading'"'"',
		keys_pending boolean NOT NULL DEFAULT false,
		updated_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (job, table_name));
		INSERT INTO ferry_checkpoint (job, table_name, rows_loaded, last_key)
		VALUES ('"'"'old'"'"', '"'"'users'"'"', 1, '"'"'[\"1\"]'"'"');
		INSERT INTO public.users VALUES (1, '"'"'ann'"'"')" &&
	ferry-extract "$PG_URI" --order pk -t users -o users.ferry &&
	ferry-load "$TGT_URI" --job old <users.ferry 2>err &&
	test_grep "resuming job old after 1 rows" err &&
	test "$(tgt_sql "SELECT string_agg(name, '"'"','"'"' ORDER BY id) FROM public.users")" = "ann,bob" &&
	tgt_sql "SELECT table_name, rows_loaded, state, name_quoted FROM ferry_checkpoint" >ck &&
	echo "users|2|done|t" >expect && test_cmp expect ck
'

test_expect_success '--create makes a schema the target lacks, and says so' '
	pg_sql "CREATE SCHEMA \"App Data\";
		CREATE TABLE \"App Data\".rooms (id int PRIMARY KEY, title text);
		INSERT INTO \"App Data\".rooms VALUES (1, '"'"'lobby'"'"')" &&
	ferry-extract "$PG_URI" -t "\"App Data\".rooms" -o app.ferry &&
	test "$(tgt_sql "SELECT count(*) FROM pg_namespace WHERE nspname = '"'"'App Data'"'"'")" = 0 &&
	test_expect_code 2 ferry-load "$TGT_URI" <app.ferry 2>err &&
	test_grep "does not exist (use --create)" err &&
	test "$(tgt_sql "SELECT count(*) FROM pg_namespace WHERE nspname = '"'"'App Data'"'"'")" = 0 &&
	ferry-load "$TGT_URI" --create <app.ferry 2>err &&
	test_grep "table App Data.rooms: schema App Data: made" err &&
	test "$(tgt_sql "SELECT title FROM \"App Data\".rooms")" = lobby &&
	ferry-verify --rows -t "\"App Data\".rooms" "$PG_URI" "$TGT_URI" >out &&
	test_grep "A 1 rows, B 1 rows: equal" out &&
	tgt_sql "TRUNCATE \"App Data\".rooms" &&
	ferry-load "$TGT_URI" --create <app.ferry 2>err &&
	! grep "made, as" err
'

test_done
