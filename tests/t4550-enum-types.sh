#!/bin/sh
# An enum keeps its meaning on PostgreSQL: a type of the same labels in
# the same order (ORDER BY sorts as the source did), named from table and
# column for a MySQL source (five tables with a column "type" get five
# types), a PostgreSQL source's type keeping its name and shared by its
# tables; never a clash with a type the target has; --enum-types check
# keeps text with a CHECK.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
PG_PG="$PG_BASE dbname=${TEST_DB}_pg"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

LONG=$(printf 'x%.0s' $(seq 1 70))

test_expect_success 'setup: enum columns of one name in several tables, a PostgreSQL type shared by two' '
	my_fresh_db && pg_fresh_db &&
	for d in to pg; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
	done &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql "CREATE TABLE posts (id INT PRIMARY KEY,
		  type ENUM('"'"'text'"'"', '"'"'image'"'"', '"'"'file'"'"') NOT NULL DEFAULT '"'"'text'"'"',
		  prio ENUM('"'"'low'"'"', '"'"'high'"'"', '"'"'urgent'"'"'));
		CREATE TABLE channels (id INT PRIMARY KEY,
		  type ENUM('"'"'O'"'"', '"'"'P'"'"', '"'"'D'"'"', '"'"'G'"'"') NOT NULL);
		CREATE TABLE oddities (id INT PRIMARY KEY,
		  tag ENUM('"'"'short'"'"', '"'"'$LONG'"'"'));
		INSERT INTO posts VALUES (1, '"'"'text'"'"', '"'"'urgent'"'"'),
		  (2, '"'"'image'"'"', '"'"'low'"'"'), (3, '"'"'file'"'"', '"'"'high'"'"'), (4, '"'"'text'"'"', NULL);
		INSERT INTO channels VALUES (1, '"'"'O'"'"'), (2, '"'"'D'"'"'), (3, '"'"'G'"'"'), (4, '"'"'P'"'"');
		INSERT INTO oddities VALUES (1, '"'"'$LONG'"'"'), (2, '"'"'short'"'"')" &&
	pg_sql "CREATE TYPE \"Mood\" AS ENUM ('"'"'sad'"'"', '"'"'ok'"'"', '"'"'happy'"'"');
		CREATE TABLE notes (id int PRIMARY KEY, m \"Mood\" NOT NULL);
		CREATE TABLE replies (id int PRIMARY KEY, m \"Mood\");
		INSERT INTO notes VALUES (1, '"'"'happy'"'"'), (2, '"'"'sad'"'"'), (3, '"'"'ok'"'"');
		INSERT INTO replies VALUES (1, '"'"'ok'"'"'), (2, NULL)" &&
	pg_in "${TEST_DB}_to" -c "CREATE TYPE posts_type AS ENUM ('"'"'other'"'"')" &&
	ferry-extract "$MY_URI" -t posts -t channels -t oddities -o my.ferry &&
	ferry-extract "$MY_URI" -t posts -o posts.ferry &&
	ferry-extract "$MY_URI" -t channels -o channels.ferry &&
	ferry-extract "$PG_URI" -t notes -t replies -o pg.ferry
'

test_expect_success '--check --create says which enum a type cannot hold' '
	ferry-load "$TO" --check --create -i my.ferry >check.out &&
	test_grep "column tag: a PostgreSQL enum type cannot hold its labels (one is over 63 bytes, or two are alike); made as text with a CHECK" check.out &&
	! grep "column prio: a PostgreSQL enum" check.out
'

test_expect_success 'MySQL -> PostgreSQL: a type per column, named from table and column, past a type the target has' '
	ferry-load "$TO" --create -i my.ferry 2>err &&
	test_grep "table posts: column type: its enum type is posts_type_2, as the schema has a type posts_type with other labels" err &&
	test_grep "table oddities: column tag: a PostgreSQL enum type cannot hold its labels" err &&
	pg_in "${TEST_DB}_to" -c "SELECT a.attrelid::regclass || '"'"'.'"'"' || a.attname || '"'"' '"'"' || format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a WHERE a.attrelid IN ('"'"'posts'"'"'::regclass, '"'"'channels'"'"'::regclass, '"'"'oddities'"'"'::regclass)
		AND a.attnum > 0 ORDER BY 1" >types &&
	cat >expect <<-\EOF &&
	channels.id integer
	channels.type channels_type
	oddities.id integer
	oddities.tag text
	posts.id integer
	posts.prio posts_prio
	posts.type posts_type_2
	EOF
	test_cmp expect types &&
	pg_in "${TEST_DB}_to" -c "SELECT enumlabel FROM pg_enum WHERE enumtypid = '"'"'posts_type'"'"'::regtype" >l &&
	echo other >expect && test_cmp expect l
'

test_expect_success 'the application sees the source order, the labels, and the defaults' '
	pg_in "${TEST_DB}_to" -c "SELECT id FROM posts ORDER BY prio, id" >o &&
	printf "2\n3\n1\n4\n" >expect && test_cmp expect o &&
	pg_in "${TEST_DB}_to" -c "SELECT string_agg(id::text, '"'"' '"'"' ORDER BY type, id) FROM channels" >o &&
	echo "1 4 2 3" >expect && test_cmp expect o &&
	my_sql "SELECT GROUP_CONCAT(id ORDER BY type, id SEPARATOR '"'"' '"'"') FROM channels" | sed 1d >o &&
	test_cmp expect o &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO posts (id) VALUES (5) RETURNING type" >d &&
	echo text >expect && test_cmp expect d &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO posts (id, type) VALUES (6, '"'"'video'"'"')" 2>err &&
	test_grep "invalid input value for enum posts_type_2" err &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO oddities VALUES (3, '"'"'long'"'"')" 2>err &&
	test_grep "violates check constraint" err &&
	pg_in "${TEST_DB}_to" -c "DELETE FROM posts WHERE id = 5" &&
	ferry-verify "$MY_URI" "$TO" -t posts -t channels -t oddities >out &&
	test_grep "posts: A 4 rows, B 4 rows: equal" out &&
	test_grep "channels: A 4 rows, B 4 rows: equal" out &&
	test_grep "oddities: A 2 rows, B 2 rows: equal" out
'

test_expect_success 'a table made again reuses the types of the same labels' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE posts" &&
	ferry-load "$TO" --create -i posts.ferry 2>err &&
	test_grep "its enum type is posts_type_2" err &&
	pg_in "${TEST_DB}_to" -c "SELECT string_agg(typname, '"'"' '"'"' ORDER BY typname) FROM pg_type WHERE typname LIKE '"'"'posts%'"'"' AND typtype = '"'"'e'"'"'" >n &&
	echo "posts_prio posts_type posts_type_2" >expect && test_cmp expect n
'

test_expect_success 'PostgreSQL -> PostgreSQL: the type keeps its name and is shared, its order kept' '
	ferry-load "$PG_PG" --create -i pg.ferry 2>err &&
	! grep "enum type" err &&
	pg_in "${TEST_DB}_pg" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = '"'"'m'"'"' AND attrelid IN ('"'"'notes'"'"'::regclass, '"'"'replies'"'"'::regclass) ORDER BY attrelid::regclass::text" >t &&
	printf "\"Mood\"\n\"Mood\"\n" >expect && test_cmp expect t &&
	pg_in "${TEST_DB}_pg" -c "SELECT id FROM notes ORDER BY m" >o &&
	printf "2\n3\n1\n" >expect && test_cmp expect o &&
	ferry-verify "$PG_URI" "$PG_PG" -t notes -t replies >out &&
	test_grep "notes: A 3 rows, B 3 rows: equal" out
'

test_expect_success 'PostgreSQL -> MariaDB -> PostgreSQL: ENUM there, a type again here' '
	ferry-load "$MY_BACK" --create -i pg.ferry &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'notes'"'"' AND COLUMN_NAME = '"'"'m'"'"'" >t &&
	echo "enum('"'"'sad'"'"','"'"'ok'"'"','"'"'happy'"'"')" >expect && test_cmp expect t &&
	ferry-extract "$MY_BACK" -t notes -o back.ferry &&
	pg_in "${TEST_DB}_pg" -c "DROP TABLE notes" &&
	ferry-load "$PG_PG" --create -i back.ferry &&
	pg_in "${TEST_DB}_pg" -c "SELECT id FROM notes ORDER BY m" >o &&
	printf "2\n3\n1\n" >expect && test_cmp expect o &&
	pg_in "${TEST_DB}_pg" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = '"'"'m'"'"' AND attrelid = '"'"'notes'"'"'::regclass" >t &&
	echo notes_m >expect && test_cmp expect t
'

test_expect_success '--enum-types check: text with a CHECK of the labels' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE channels" &&
	ferry-load "$TO" --create --enum-types check -i channels.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = '"'"'type'"'"' AND attrelid = '"'"'channels'"'"'::regclass" >t &&
	echo text >expect && test_cmp expect t &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO channels VALUES (9, '"'"'X'"'"')" 2>err &&
	test_grep "violates check constraint" err
'

test_done
