#!/bin/sh
# A whole-database --create checks every table before the first row: a
# table whose type --create cannot make (a domain over a domain, a composite type with an attribute of one) stops
# the run with nothing written, every such table named at once; the
# stream's preview frame carries the tables up front, through
# ferry-transform too.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
to_sql() { pg_in "${TEST_DB}_to" -c "$1"; }

cat >pg.sql <<'EOF'
CREATE DOMAIN txt AS text;
CREATE DOMAIN email AS txt CHECK (VALUE LIKE '%@%');
CREATE TYPE addr AS (street text, city txt);
CREATE TABLE a_users (id int PRIMARY KEY, name text);
CREATE TABLE b_contacts (id int PRIMARY KEY, mail email);
CREATE TABLE c_messages (id int PRIMARY KEY, body text);
CREATE TABLE d_places (id int PRIMARY KEY, at addr);
INSERT INTO a_users VALUES (1, 'ann');
INSERT INTO b_contacts VALUES (1, 'ann@example.org');
INSERT INTO c_messages VALUES (1, 'hi');
INSERT INTO d_places VALUES (1, ROW('Main St', 'Springfield'));
EOF

test_expect_success 'setup: four tables, two of types --create cannot make' '
	pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" --all-tables -o all.ferry
'

test_expect_success 'nothing is written, and both tables are named' '
	test_expect_code 3 ferry-load "$TO" --create <all.ferry 2>err &&
	test_grep "notice: --create cannot make table b_contacts, column mail: source type '"'"'email'"'"' is not a PostgreSQL type ferry creates" err &&
	test_grep "notice: --create cannot make table d_places, column at (of type public.addr, attribute city): source type '"'"'txt'"'"' is not a PostgreSQL type ferry creates" err &&
	test_grep "ferry-load: --create cannot make 2 of the stream'"'"'s 4 tables (each named above); nothing was written" err &&
	test "$(to_sql "SELECT count(*) FROM pg_tables WHERE schemaname = '"'"'public'"'"'")" = 0
'

test_expect_success 'one such table: the error it would be at its table, before any row' '
	ferry-extract "$PG_URI" -t a_users -t b_contacts -o two.ferry &&
	test_expect_code 3 ferry-load "$TO" --create <two.ferry 2>err &&
	echo "ferry-load: table b_contacts, column mail: source type '"'"'email'"'"' is not a PostgreSQL type ferry creates" >expect &&
	test_cmp expect err &&
	test "$(to_sql "SELECT count(*) FROM pg_tables WHERE schemaname = '"'"'public'"'"'")" = 0
'

test_expect_success 'through ferry-transform: a table the spec skips is not in the way' '
	echo "{\"tables\": {\"b_contacts\": {\"skip\": true}, \"d_places\": {\"columns\": {\"at\": {\"drop\": true}}}}}" >spec.json &&
	ferry-transform -s spec.json all.ferry >t.ferry &&
	ferry-load "$TO" --create <t.ferry &&
	test "$(to_sql "SELECT string_agg(tablename, '"'"','"'"' ORDER BY 1) FROM pg_tables WHERE schemaname = '"'"'public'"'"'")" = "a_users,c_messages,d_places"
'

test_expect_success 'a table the target has needs no --create: it loads' '
	to_sql "CREATE DOMAIN email AS text; CREATE TABLE b_contacts (id int PRIMARY KEY, mail email)" &&
	ferry-extract "$PG_URI" -t a_users -t b_contacts -o two.ferry &&
	ferry-load "$TO" --create -m truncate <two.ferry &&
	test "$(to_sql "SELECT mail FROM b_contacts")" = "ann@example.org"
'

test_expect_success 'a run that stops writes --stats: what it committed, where it stopped' '
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	to_sql "CREATE TABLE c_messages (id int PRIMARY KEY, body text);
		INSERT INTO c_messages VALUES (1, '"'"'already here'"'"')" &&
	ferry-extract "$PG_URI" --order pk -t a_users -t c_messages -o ac.ferry &&
	test_expect_code 4 ferry-load "$TO" --create --job jj --stats st.json <ac.ferry 2>err &&
	test "$(jq -r "[.tables[].table] | join(\",\")" st.json)" = a_users &&
	test "$(jq -r ".failed.table" st.json)" = c_messages &&
	jq -r ".failed.error" st.json | grep -q "duplicate key" &&
	to_sql "DELETE FROM c_messages" &&
	ferry-load "$TO" --create --job jj --stats st2.json <ac.ferry 2>err &&
	test_grep "table a_users: job jj loaded it whole" err &&
	test "$(jq -r ".failed // \"none\"" st2.json)" = none &&
	test "$(to_sql "SELECT body FROM c_messages")" = hi
'

test_expect_success 'the preflight refusal is in --stats too, with no table committed' '
	test_expect_code 3 ferry-load "$TO" --create --stats st3.json <all.ferry 2>err &&
	test "$(jq -r ".tables | length" st3.json)" = 0 &&
	jq -r ".failed.error" st3.json | grep -q "cannot make 2 of the stream" &&
	test "$(jq -r ".failed.table // \"none\"" st3.json)" = none
'

test_done
