#!/bin/sh
# PostgreSQL -> PostgreSQL, a column of a domain is of that domain again:
# --create makes the domain (its base type, NOT NULL and the CHECKs that
# translate, reading VALUE) before the table, or takes the target's own;
# the application's casts to the domain work.  Elsewhere the column is its
# base type with the checks as the table's.  A domain check that does not
# translate is named in the objects frame, never dropped without a word.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >pg.sql <<'EOF'
CREATE DOMAIN email AS varchar(100) CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
CREATE DOMAIN handle AS text NOT NULL
  CONSTRAINT handle_lower CHECK (VALUE = lower(VALUE))
  CONSTRAINT handle_re CHECK (VALUE ~ '^[a-z]');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE contacts (id int PRIMARY KEY, mail email, nick handle, n posint);
INSERT INTO contacts VALUES (1, 'a@x', 'ann', 3), (2, NULL, 'bob', NULL);
EOF

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" -t contacts -o c.ferry
'

test_expect_success 'the stream names each domain, and the check it does not carry' '
	ferry-cat -f summary c.ferry >sum &&
	test_grep "domain check: 1 (contacts: nick_handle_re)" sum
'

test_expect_success 'PostgreSQL -> PostgreSQL: the domains made, the columns of them' '
	ferry-load "$TO" --create <c.ferry 2>err &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"'"'contacts'"'"'::regclass AND attnum > 0 ORDER BY attnum" >got &&
	printf "id|integer\nmail|email\nnick|handle\nn|posint\n" >expect &&
	test_cmp expect got &&
	pg_in "${TEST_DB}_to" -c "SELECT t.typname, t.typnotnull, pg_get_constraintdef(k.oid) FROM pg_type t JOIN pg_constraint k ON k.contypid = t.oid WHERE t.typtype = '"'"'d'"'"' AND t.typnamespace = '"'"'public'"'"'::regnamespace ORDER BY 1, 3" >got &&
	cat >expect <<-\EOF &&
	email|f|CHECK (((VALUE)::text ~~ '"'"'%@%'"'"'::text))
	handle|t|CHECK ((VALUE = lower(VALUE)))
	posint|f|CHECK ((VALUE > 0))
	EOF
	test_cmp expect got &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = '"'"'contacts'"'"'::regclass AND contype = '"'"'c'"'"'")" = 0 &&
	ferry-verify "$PG_URI" "$TO" -t contacts &&
	pg_in "${TEST_DB}_to" -c "SELECT '"'"'c@x'"'"'::email" >got &&
	echo "c@x" >expect && test_cmp expect got &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO contacts VALUES (3, '"'"'nope'"'"', '"'"'cy'"'"', 1)" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO contacts VALUES (3, NULL, '"'"'Cy'"'"', 1)" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO contacts VALUES (3, NULL, '"'"'cy'"'"', 0)"
'

test_expect_success 'a domain the target has is taken as it is' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE contacts" &&
	ferry-load "$TO" --create <c.ferry &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM pg_type WHERE typtype = '"'"'d'"'"' AND typname IN ('"'"'email'"'"', '"'"'handle'"'"', '"'"'posint'"'"')")" = 3
'

test_expect_success 'PostgreSQL -> MariaDB: the base types, the checks the table'"'"'s' '
	ferry-load "$MY_BACK" --create <c.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()" | LC_ALL=C sort >got &&
	printf "mail_email_at\nn_posint_check\nnick_handle_lower\n" >expect &&
	test_cmp expect got &&
	ferry-verify "$PG_URI" "$MY_BACK" -t contacts
'

test_expect_success 'a domain'"'"'s DEFAULT: a column without its own gets it, on either target' '
	pg_sql <<-\EOF &&
	CREATE DOMAIN state AS text DEFAULT '"'"'active'"'"' CHECK (VALUE IN ('"'"'active'"'"', '"'"'gone'"'"'));
	CREATE DOMAIN karma AS int DEFAULT 0 NOT NULL;
	CREATE TABLE people (id int PRIMARY KEY, st state, k karma, st2 state DEFAULT '"'"'gone'"'"');
	INSERT INTO people (id) VALUES (1);
	EOF
	ferry-extract "$PG_URI" -t people -o people.ferry &&
	ferry-load "$TO" --create <people.ferry &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO people (id) VALUES (2)" &&
	pg_in "${TEST_DB}_to" -c "SELECT id, st, k, st2 FROM people ORDER BY id" >got &&
	printf "1|active|0|gone\n2|active|0|gone\n" >expect &&
	test_cmp expect got &&
	ferry-verify --schema-only "$PG_URI" "$TO" -t people &&
	ferry-load "$MY_BACK" --create <people.ferry &&
	my_in "${TEST_DB}_back" -e "INSERT INTO people (id) VALUES (2)" &&
	my_in "${TEST_DB}_back" -N -e "SELECT id, st, k, st2 FROM people ORDER BY id" >got &&
	printf "1\tactive\t0\tgone\n2\tactive\t0\tgone\n" >expect &&
	test_cmp expect got
'

test_done
