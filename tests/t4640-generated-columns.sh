#!/bin/sh
# Generated columns stay generated: the stream carries each expression
# that means the same on both engines in ferry's portable form
# (stream/sqlexpr.h); --create makes GENERATED ALWAYS AS (...) STORED on
# PostgreSQL and AS (...) STORED/VIRTUAL on MariaDB, so the application's
# INSERT without the column gets the computed value.  A load into a table
# whose column is generated (the application's own schema) sends no value
# for it, in every mode; --check says so.  An expression that does not
# translate (a JSON or regular-expression function) is a plain column
# holding the source's values, with the reason.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
APP="$PG_BASE dbname=${TEST_DB}_app"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"
MY_APP="mysql://root@localhost/${TEST_DB}_app?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >my.sql <<'EOF'
CREATE TABLE Members (
  Id INT PRIMARY KEY AUTO_INCREMENT,
  FirstName VARCHAR(40) NOT NULL,
  LastName VARCHAR(40) NOT NULL,
  FullName VARCHAR(81) AS (concat(FirstName, ' ', LastName)) VIRTUAL,
  NameKey VARCHAR(40) AS (lower(FirstName)) STORED,
  Karma INT NOT NULL DEFAULT 0,
  Karma2 BIGINT AS (Karma * 2 + 1) PERSISTENT,
  IsPositive TINYINT(1) AS (Karma > 0) VIRTUAL,
  Meta JSON,
  MetaKind VARCHAR(20) AS (json_unquote(json_extract(Meta, '$.kind'))) VIRTUAL,
  KEY by_full (FullName));
INSERT INTO Members (FirstName, LastName, Karma, Meta) VALUES
  ('Ann', 'Lee', 5, '{"kind":"a"}'), ('Bob', 'Ray', -2, NULL),
  ('Çé', 'Ω', 0, '{"kind":"b"}');
EOF

cat >pg.sql <<'EOF'
CREATE TABLE rooms (
  id int PRIMARY KEY, title text NOT NULL, price numeric(10,2), qty int,
  slug text GENERATED ALWAYS AS (lower(title)) STORED,
  total numeric(12,2) GENERATED ALWAYS AS (price * qty) STORED,
  title_len int GENERATED ALWAYS AS (char_length(title)) STORED,
  big boolean GENERATED ALWAYS AS (qty > 10) STORED,
  rx text GENERATED ALWAYS AS (regexp_replace(title, 'o', '0')) STORED);
INSERT INTO rooms (id, title, price, qty) VALUES
  (1, 'Lobby', 2.50, 4), (2, 'ÉCOLE', NULL, 20);
EOF

test_expect_success 'setup: generated columns on both engines' '
	my_fresh_db && pg_fresh_db &&
	for d in to app; do
		pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_$d\"" \
			-c "CREATE DATABASE \"${TEST_DB}_$d\"" 2>/dev/null || return 1
		my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_$d\`; CREATE DATABASE \`${TEST_DB}_$d\`" || return 1
	done &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql <my.sql && pg_sql <pg.sql
'

cat >expect.my <<'EOF'
  column FullName: text (varchar(81)) collate utf8mb4_unicode_ci generated virtual (concat(`FirstName`,' ',`LastName`)) carried as (("FirstName" || ' ') || "LastName")
  column NameKey: text (varchar(40)) collate utf8mb4_unicode_ci generated stored (lcase(`FirstName`)) carried as lower("FirstName")
  column Karma2: int64 (bigint(20)) generated stored (`Karma` * 2 + 1) carried as (("Karma" * 2) + 1)
  column IsPositive: bool (tinyint(1)) generated virtual (`Karma` > 0) carried as ("Karma" > 0)
  column MetaKind: text (varchar(20)) collate utf8mb4_unicode_ci generated virtual (json_unquote(json_extract(`Meta`,'$.kind'))) plain (no portable form)
EOF

test_expect_success 'the stream carries the expressions that translate, in ferry form' '
	ferry-extract "$MY_URI" -t Members -o my.ferry &&
	ferry-cat -f summary my.ferry | grep " generated " >got &&
	test_cmp expect.my got
'

test_expect_success 'MariaDB -> PostgreSQL: generated columns the application can insert around' '
	ferry-load "$TO" --check --create <my.ferry >check.out &&
	test_grep "column fullname: generated (stream text null, as --create makes it)" check.out &&
	! grep "column metakind: generated (" check.out &&
	ferry-load "$TO" --create <my.ferry 2>err &&
	test_grep "column fullname: VIRTUAL generated column made STORED" err &&
	test_grep "column metakind: generated column (json_unquote(json_extract(\`Meta\`,\\'"'"'\$.kind\\'"'"'))) made as a plain column holding the source'"'"'s values: the function json_unquote" err &&
	pg_in "${TEST_DB}_to" -c "SELECT attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = '"'"'members'"'"'::regclass AND a.attgenerated = '"'"'s'"'"' ORDER BY a.attnum" >got &&
	cat >expect <<-\EOF &&
	fullname|(((firstname)::text || '"'"' '"'"'::text) || (lastname)::text)
	namekey|lower((firstname)::text)
	karma2|((karma * 2) + 1)
	ispositive|(karma > 0)
	EOF
	test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t Members &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO members (firstname, lastname, karma) VALUES ('"'"'Zed'"'"', '"'"'Q'"'"', 7) RETURNING id, fullname, namekey, karma2, ispositive" >got &&
	echo "4|Zed Q|zed|15|t" >expect &&
	test_cmp expect got &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO members (firstname, lastname, fullname) VALUES ('"'"'a'"'"', '"'"'b'"'"', '"'"'x'"'"')" 2>err &&
	test_grep "generated column" err
'

test_expect_success 'MariaDB -> MariaDB: VIRTUAL and STORED as they were' '
	ferry-load "$MY_BACK" --create <my.ferry 2>err &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_NAME, EXTRA, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'Members'"'"' AND EXTRA LIKE '"'"'%GENERATED'"'"' ORDER BY ORDINAL_POSITION" >got &&
	cat >expect <<-\EOF &&
	FullName	VIRTUAL GENERATED	concat(concat(`FirstName`,'"'"' '"'"'),`LastName`)
	NameKey	STORED GENERATED	lcase(`FirstName`)
	Karma2	STORED GENERATED	`Karma` * 2 + 1
	IsPositive	VIRTUAL GENERATED	`Karma` > 0
	EOF
	test_cmp expect got &&
	ferry-verify "$MY_URI" "$MY_BACK" -t Members &&
	my_in "${TEST_DB}_back" -e "INSERT INTO Members (FirstName, LastName, Karma) VALUES ('"'"'Zed'"'"', '"'"'Q'"'"', 7); SELECT FullName, NameKey, Karma2, IsPositive FROM Members WHERE Id = 4" >got &&
	printf "Zed Q\tzed\t15\t1\n" >expect &&
	test_cmp expect got
'

test_expect_success 'PostgreSQL -> MariaDB and -> PostgreSQL: STORED, computed alike' '
	ferry-extract "$PG_URI" -t rooms -o pg.ferry &&
	ferry-cat -f summary pg.ferry | grep -c " carried as " >got &&
	echo 4 >expect && test_cmp expect got &&
	ferry-load "$MY_BACK" --create <pg.ferry 2>err &&
	test_grep "column rx: generated column (regexp_replace" err &&
	my_in "${TEST_DB}_back" -e "SELECT COLUMN_NAME, EXTRA, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'rooms'"'"' AND EXTRA LIKE '"'"'%GENERATED'"'"' ORDER BY ORDINAL_POSITION" >got &&
	cat >expect <<-\EOF &&
	slug	STORED GENERATED	lcase(`title`)
	total	STORED GENERATED	`price` * `qty`
	title_len	STORED GENERATED	char_length(`title`)
	big	STORED GENERATED	`qty` > 10
	EOF
	test_cmp expect got &&
	ferry-verify "$PG_URI" "$MY_BACK" -t rooms &&
	ferry-load "$TO" --create <pg.ferry &&
	ferry-verify "$PG_URI" "$TO" -t rooms &&
	for db in "$TEST_DB" "${TEST_DB}_to"; do
		pg_in "$db" -c "SELECT attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = '"'"'rooms'"'"'::regclass AND a.attgenerated = '"'"'s'"'"' AND attname <> '"'"'rx'"'"' ORDER BY a.attnum" >"defs.$db" || return 1
	done &&
	test_cmp "defs.$TEST_DB" "defs.${TEST_DB}_to" &&
	test_line_count () { test $(wc -l <"$2") -eq "$1"; } &&
	test_line_count 4 "defs.$TEST_DB"
'

cat >app-pg.sql <<'EOF'
CREATE TABLE members (
  id int PRIMARY KEY, firstname varchar(40) NOT NULL,
  lastname varchar(40) NOT NULL,
  fullname text GENERATED ALWAYS AS (firstname || ' ' || lastname) STORED,
  namekey text GENERATED ALWAYS AS (lower(firstname)) STORED,
  karma int NOT NULL DEFAULT 0 CHECK (karma <> -2),
  karma2 bigint GENERATED ALWAYS AS (karma * 2 + 1) STORED,
  ispositive boolean GENERATED ALWAYS AS (karma > 0) STORED,
  meta jsonb, metakind text);
EOF

test_expect_success 'into the application'"'"'s PostgreSQL schema: no value sent to a generated column, in every mode' '
	pg_in "${TEST_DB}_app" <app-pg.sql &&
	test_expect_code 6 ferry-load "$APP" --check -m truncate <my.ferry >check.out &&
	test_grep "column fullname: generated (stream text null, target text)" check.out &&
	test_grep "members_karma_check: check_constraint: 1 rows" check.out &&
	test_grep "column karma2: generated (stream int64 null, target bigint)" check.out &&
	ferry-load "$APP" -m truncate --rejects rj.ferry <my.ferry 2>err &&
	test_grep "1 rows rejected" err &&
	pg_in "${TEST_DB}_app" -c "SELECT id, fullname, karma2 FROM members ORDER BY id" >got &&
	printf "1|Ann Lee|11\n3|Çé Ω|1\n" >expect &&
	test_cmp expect got &&
	pg_in "${TEST_DB}_app" -c "ALTER TABLE members DROP CONSTRAINT members_karma_check" &&
	ferry-load "$APP" -m upsert <my.ferry &&
	ferry-verify "$MY_URI" "$APP" -t Members &&
	ferry-load "$APP" -m truncate <my.ferry &&
	FERRY_PG_COPY=text ferry-load "$APP" -m upsert <my.ferry &&
	ferry-verify "$MY_URI" "$APP" -t Members
'

test_expect_success 'into the application'"'"'s MariaDB schema: the same, LOAD DATA and INSERT' '
	my_in "${TEST_DB}_app" -e "CREATE TABLE rooms (id int PRIMARY KEY, title varchar(100) NOT NULL, price decimal(10,2), qty int, slug varchar(100) AS (lower(title)) STORED, total decimal(12,2) AS (price * qty) VIRTUAL, title_len int AS (char_length(title)) VIRTUAL, big bool AS (qty > 10) VIRTUAL, rx text)" &&
	ferry-load "$MY_APP" --check <pg.ferry >check.out &&
	test_grep "column total: generated (stream decimal null, target decimal(12,2))" check.out &&
	ferry-load "$MY_APP" <pg.ferry &&
	ferry-verify "$PG_URI" "$MY_APP" -t rooms &&
	ferry-load "$MY_APP" -m upsert <pg.ferry &&
	FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_APP" -m upsert <pg.ferry &&
	FERRY_MYSQL_NO_LOCAL_INFILE=1 ferry-load "$MY_APP" -m truncate --rejects rj2.ferry <pg.ferry &&
	ferry-verify "$PG_URI" "$MY_APP" -t rooms
'

cat >spec.json <<'EOF'
{"tables": {"Members": {"columns": {"FirstName": {"mask": {"method": "redact"}}, "LastName": {"rename": "Surname"}}}}}
EOF

test_expect_success 'ferry-transform: a generated column follows a rename, and is plain when the spec changes what it reads' '
	ferry-transform -s spec.json my.ferry -o t.ferry &&
	ferry-cat -f summary t.ferry >sum &&
	test_grep "column Karma2: int64 (bigint(20)) generated stored (\`Karma\` * 2 + 1) carried as ((\"Karma\" * 2) + 1)" sum &&
	! grep "column FullName.* generated" sum &&
	! grep "column NameKey.* generated" sum &&
	test_grep "generated column: 2 (Members: FullName, Members: NameKey)" sum &&
	pg_in "${TEST_DB}_to" -c "DROP TABLE members" &&
	ferry-load "$TO" --create <t.ferry &&
	pg_in "${TEST_DB}_to" -c "SELECT attname FROM pg_attribute WHERE attrelid = '"'"'members'"'"'::regclass AND attgenerated = '"'"'s'"'"' ORDER BY attnum" >got &&
	printf "karma2\nispositive\n" >expect &&
	test_cmp expect got
'

cat >x.schema <<'EOF'
{"name": "x", "columns": [{"name": "a", "type": "int64"},
 {"name": "b", "type": "int64", "generated": {"expression": "a + 1", "stored": true, "form": "(\"a\" + 1)); DROP TABLE x; --"}},
 {"name": "c", "type": "int64", "generated": {"expression": "a + 2", "stored": true, "form": "(\"a\" + 2)"}}]}
EOF

test_expect_success 'a stream expression that is not ferry form is named at load, never run' '
	echo "{\"a\": 1, \"b\": 2, \"c\": 3}" | ferry-cat --encode -S x.schema -o x.ferry &&
	ferry-load "$TO" --create <x.ferry 2>err &&
	test_grep "column b: generated column (a + 1) made as a plain column holding the source'"'"'s values: '"'"')'"'"' at character 10" err &&
	pg_in "${TEST_DB}_to" -c "SELECT a, b, c, (SELECT string_agg(attname, '"'"','"'"') FROM pg_attribute WHERE attrelid = '"'"'x'"'"'::regclass AND attgenerated = '"'"'s'"'"') FROM x" >got &&
	echo "1|2|3|c" >expect && test_cmp expect got
'

test_done
