#!/bin/sh
# CHECK constraints move when they mean the same on both engines: the
# stream carries them in ferry's portable form (stream/sqlexpr.h), each
# target gets them in its own dialect, and the application on the target
# has the same rows refused as on the source.  What does not translate (a
# regular expression, a division, LIKE on a case-insensitive column on
# PostgreSQL 15) is named with the reason, never dropped silently.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
TO="$PG_BASE dbname=${TEST_DB}_to"
MY_BACK="mysql://root@localhost/${TEST_DB}_back?socket=$FERRY_TEST_MYSQL_SOCKET"

cat >my.sql <<'EOF'
CREATE TABLE accounts (
  id INT PRIMARY KEY,
  username VARCHAR(32) NOT NULL,
  email VARCHAR(100) COLLATE utf8mb4_bin,
  status VARCHAR(40) NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'banned', 'it''s', 'back\\slash')),
  karma INT NOT NULL DEFAULT 0,
  joined DATE,
  left_on DATE,
  is_bot TINYINT(1) NOT NULL DEFAULT 0,
  CONSTRAINT name_len CHECK (char_length(username) BETWEEN 3 AND 32),
  CONSTRAINT name_trim CHECK (trim(username) = username),
  CONSTRAINT email_at CHECK (email LIKE '%@%'),
  CONSTRAINT no_admin CHECK (username NOT LIKE '%admin%'),
  CONSTRAINT karma_range CHECK (karma >= -100 AND karma % 1 = 0 AND abs(karma) < 1000000),
  CONSTRAINT dates CHECK (left_on IS NULL OR left_on >= joined),
  CONSTRAINT since_2000 CHECK (joined >= '2000-01-01'),
  CONSTRAINT bots CHECK (is_bot = 0 OR karma = 0),
  CONSTRAINT `hostile "name` CHECK (status <> '''; DROP TABLE accounts; --'),
  CONSTRAINT name_regexp CHECK (username REGEXP '^[a-z]'),
  CONSTRAINT half CHECK (karma / 2 < 500000));
INSERT INTO accounts VALUES
  (1, 'ann', 'ann@example.org', 'active', 10, '2020-01-01', NULL, 0),
  (2, 'bob', NULL, 'it''s', -100, '2001-02-03', '2001-02-04', 0),
  (3, 'botty', 'b@x', 'back\\slash', 0, NULL, NULL, 1);
EOF

# the rows each check refuses, and one every check lets through
cat >bad.txt <<'EOF'
(10, 'ann10', NULL, 'gone', 0, NULL, NULL, '0')|status
(11, 'al', NULL, 'active', 0, NULL, NULL, '0')|name_len
(12, ' ann12', NULL, 'active', 0, NULL, NULL, '0')|name_trim
(13, 'ann13', NULL, 'active', -101, NULL, NULL, '0')|karma_range
(14, 'ann14', NULL, 'active', 0, '2010-01-01', '2009-01-01', '0')|dates
(15, 'ann15', NULL, 'active', 0, '1999-12-31', NULL, '0')|since_2000
(16, 'ann16', NULL, 'active', 5, NULL, NULL, '1')|bots
EOF

test_expect_success 'setup: a MariaDB table with CHECK constraints' '
	my_fresh_db && pg_fresh_db &&
	pg_in postgres -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	my_in mysql -e "DROP DATABASE IF EXISTS \`${TEST_DB}_back\`; CREATE DATABASE \`${TEST_DB}_back\`" &&
	my_sql <my.sql
'

cat >expect.checks <<'EOF'
  check bots: (("is_bot" = FALSE) OR ("karma" = 0))
  check dates: (("left_on" IS NULL) OR ("left_on" >= "joined"))
  check email_at: ("email" LIKE '%@%')
  check hostile "name: ("status" <> '''; DROP TABLE accounts; --')
  check karma_range: ((("karma" >= -100) AND (("karma" % 1) = 0)) AND (abs("karma") < 1000000))
  check name_len: (char_length("username") BETWEEN 3 AND 32)
  check name_trim: (trim("username") = "username")
  check no_admin: ("username" NOT LIKE '%admin%')
  check since_2000: ("joined" >= '2000-01-01')
  check status: ("status" IN ('active', 'banned', 'it''s', 'back\slash'))
EOF

test_expect_success 'the stream carries the checks that translate, in ferry form' '
	ferry-extract "$MY_URI" -t accounts -o my.ferry &&
	ferry-cat -f summary my.ferry >sum &&
	grep "^  check " sum | grep -v "^  check constraint: " >got &&
	test_cmp expect.checks got &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 2 objects of the source
	  check constraint: 2 (accounts: half, accounts: name_regexp)
	EOF
	test_cmp expect got
'

# try_rows SIDE: each bad row refused by its check, the good row taken
try_rows() {
	while IFS="|" read -r row name; do
		if test "$1" = pg; then
			pg_in "${TEST_DB}_to" -c "INSERT INTO accounts VALUES $row" 2>err &&
			{ echo "accepted: $row"; return 1; }
			grep "violates check constraint \"$name\"" err ||
			{ cat err; return 1; }
		else
			my_in "${TEST_DB}_back" -e "INSERT INTO accounts VALUES $row" 2>err &&
			{ echo "accepted: $row"; return 1; }
			grep "CONSTRAINT \`$name\` failed" err || { cat err; return 1; }
		fi
	done <bad.txt
}

test_expect_success 'MariaDB -> PostgreSQL: the checks refuse what MariaDB refuses' '
	ferry-load "$TO" --create --schema-report report.json <my.ferry 2>err &&
	test_grep "check no_admin: not made: LIKE on a case-insensitive column" err &&
	! grep "email_at" err &&
	jq -r ".not_carried[] | [.kind, .name, .detail] | @tsv" report.json >got &&
	test_grep "check constraint	half	\`karma\` / 2 < 500000 (not carried: a division" got &&
	test_grep "check constraint	name_regexp	\`username\` regexp '"'"'^[a-z]'"'"' (not carried: '"'"'regexp'"'"' at character 12)" got &&
	try_rows pg &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO accounts VALUES (20, '"'"'ann20'"'"', NULL, '"'"'banned'"'"', 3, '"'"'2024-01-01'"'"', NULL, false)" &&
	test "$(pg_in "${TEST_DB}_to" -c "SELECT count(*) FROM accounts")" = 4 &&
	pg_in "${TEST_DB}_to" -c "SELECT conname FROM pg_constraint WHERE contype = '"'"'c'"'"' AND conrelid = '"'"'accounts'"'"'::regclass ORDER BY 1" >got &&
	cat >expect <<-\EOF &&
	bots
	dates
	email_at
	hostile "name
	karma_range
	name_len
	name_trim
	since_2000
	status
	EOF
	test_cmp expect got
'

test_expect_success 'the hostile check came back as data' '
	pg_in "${TEST_DB}_to" -c "INSERT INTO accounts VALUES (21, '"'"'ann21'"'"', NULL, '"'"'active'"'"', 0, NULL, NULL, false)" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "UPDATE accounts SET status = '"'"''"'"''"'"'; DROP TABLE accounts; --'"'"' WHERE id = 21" 2>err &&
	test_grep "hostile" err
'

test_expect_success 'MariaDB -> MariaDB: every check but the untranslatable ones' '
	ferry-load "$MY_BACK" --create <my.ferry 2>err &&
	try_rows my &&
	my_in "${TEST_DB}_back" -N -e "SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1" >got &&
	cat >expect <<-\EOF &&
	bots
	dates
	email_at
	hostile "name
	karma_range
	name_len
	name_trim
	no_admin
	since_2000
	status
	EOF
	test_cmp expect got &&
	test_must_fail my_in "${TEST_DB}_back" -e "INSERT INTO accounts VALUES (30, '"'"'ann30'"'"', '"'"'no-at'"'"', '"'"'active'"'"', 0, NULL, NULL, 0)"
'

cat >pg.sql <<'EOF'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'glad');
CREATE TABLE rooms (
  id bigint PRIMARY KEY,
  title varchar(80) NOT NULL CHECK (length(title) > 0),
  slug text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
  members integer NOT NULL DEFAULT 0,
  cap integer,
  m mood,
  topic text,
  CONSTRAINT slug_lower CHECK (slug = lower(slug) AND slug LIKE '%-%'),
  CONSTRAINT cap_ok CHECK (cap IS NULL OR (members <= cap AND cap BETWEEN 2 AND 10000)),
  CONSTRAINT not_sad CHECK (m <> 'sad'),
  CONSTRAINT topic_short CHECK (octet_length(coalesce(topic, '')) < 20 AND topic || '!' <> '!'),
  CONSTRAINT slug_re CHECK (slug ~ '^[a-z-]+$'));
INSERT INTO rooms VALUES (1, 'Lobby', 'lob-by', 'public', 3, 10, 'ok', 'hi'),
  (2, 'DM', 'a-b', 'dm', 2, NULL, NULL, NULL), (3, 'Big', 'big-room', 'private', 7, NULL, 'glad', 'x');
ALTER TABLE rooms ADD CONSTRAINT later CHECK (members < 5) NOT VALID;
EOF

cat >pgbad.txt <<'EOF'
(10, '', 'x-y', 'dm', 0, NULL, NULL, NULL)|rooms_title_check
(11, 'T', 'x-y', 'group', 0, NULL, NULL, NULL)|rooms_kind_check
(12, 'T', 'X-y', 'dm', 0, NULL, NULL, NULL)|slug_lower
(13, 'T', 'xy', 'dm', 0, NULL, NULL, NULL)|slug_lower
(14, 'T', 'x-y', 'dm', 9, 5, NULL, NULL)|cap_ok
(15, 'T', 'x-y', 'dm', 0, 1, NULL, NULL)|cap_ok
(16, 'T', 'x-y', 'dm', 0, NULL, 'sad', NULL)|not_sad
(17, 'T', 'x-y', 'dm', 0, NULL, NULL, 'a topic that is too long')|topic_short
(18, 'T', 'x-y', 'dm', 0, NULL, NULL, '')|topic_short
EOF

test_expect_success 'PostgreSQL -> MariaDB: the same rows refused' '
	pg_sql <pg.sql &&
	ferry-extract "$PG_URI" -t rooms -o pg.ferry &&
	ferry-cat -f summary pg.ferry >sum &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 2 objects of the source
	  check constraint: 2 (rooms: later, rooms: slug_re)
	EOF
	test_cmp expect got &&
	ferry-load "$MY_BACK" --create <pg.ferry &&
	while IFS="|" read -r row name; do
		my_in "${TEST_DB}_back" -e "INSERT INTO rooms VALUES $row" 2>err &&
		{ echo "accepted: $row"; return 1; }
		grep "CONSTRAINT \`$name\` failed" err || { cat err; return 1; }
	done <pgbad.txt &&
	my_in "${TEST_DB}_back" -e "INSERT INTO rooms VALUES (20, '"'"'T'"'"', '"'"'x-y'"'"', '"'"'dm'"'"', 0, NULL, '"'"'glad'"'"', NULL)"
'

test_expect_success 'PostgreSQL -> PostgreSQL: the same rows refused, the same definitions' '
	pg_in "${TEST_DB}_to" -c "DROP TABLE IF EXISTS rooms; DROP TYPE IF EXISTS mood" &&
	ferry-load "$TO" --create <pg.ferry &&
	while IFS="|" read -r row name; do
		pg_in "${TEST_DB}_to" -c "INSERT INTO rooms VALUES $row" 2>err &&
		{ echo "accepted: $row"; return 1; }
		grep "violates check constraint \"$name\"" err || { cat err; return 1; }
	done <pgbad.txt &&
	for db in "$TEST_DB" "${TEST_DB}_to"; do
		pg_in "$db" -c "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '"'"'rooms'"'"'::regclass AND contype = '"'"'c'"'"' AND conname IN ('"'"'cap_ok'"'"', '"'"'slug_lower'"'"', '"'"'rooms_kind_check'"'"') ORDER BY 1" >"defs.$db" || return 1
	done &&
	test_cmp "defs.$TEST_DB" "defs.${TEST_DB}_to"
'

cat >expect.tchecks <<'EOF'
  check cap_ok: (("cap" IS NULL) OR (("members" <= "cap") AND (("cap" >= 2) AND ("cap" <= 10000))))
  check not_sad: ("m" <> 'sad')
  check rooms_kind_check: ("kind" IN ('public', 'private', 'dm'))
  check slug_lower: (("handle" = lower("handle")) AND ("handle" LIKE '%-%'))
EOF
cat >spec.json <<'EOF'
{"tables": {"rooms": {"columns": {"topic": {"drop": true}, "slug": {"rename": "handle"}, "title": {"mask": {"method": "redact"}}}}}}
EOF

test_expect_success 'ferry-transform: a check on a column the spec drops or masks is named, not kept' '
	ferry-transform -s spec.json pg.ferry -o t.ferry &&
	ferry-cat -f summary t.ferry >sum &&
	grep "^  check " sum | grep -v "^  check constraint: " >got &&
	test_cmp expect.tchecks got &&
	sed -n "/^not carried:/,\$p" sum >got &&
	cat >expect <<-\EOF &&
	not carried: 4 objects of the source
	  check constraint: 4 (rooms: later, rooms: slug_re, rooms: topic_short, rooms: rooms_title_check)
	EOF
	test_cmp expect got
'

cat >x.schema <<'EOF'
{"name": "x", "columns": [{"name": "a", "type": "int64"}],
 "checks": [{"name": "evil", "expression": "(\"a\" > 0); DROP TABLE x; --"},
            {"name": "fine", "expression": "(\"a\" > 0)"}]}
EOF

test_expect_success 'a stream check that is not ferry form is named at load, never run' '
	echo "{\"a\": 1}" | ferry-cat --encode -S x.schema -o x.ferry &&
	ferry-load "$TO" --create <x.ferry 2>err &&
	test_grep "check evil: not made: '"'"';'"'"' at character 10" err &&
	pg_in "${TEST_DB}_to" -c "SELECT conname FROM pg_constraint WHERE conrelid = '"'"'x'"'"'::regclass AND contype = '"'"'c'"'"'" >got &&
	echo fine >expect && test_cmp expect got
'

cat >dom.sql <<'EOF'
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN handle AS varchar(30) NOT NULL CHECK (VALUE = lower(VALUE));
CREATE TABLE films (id int PRIMARY KEY, released year, made year, author handle);
INSERT INTO films VALUES (1, 2006, 1999, 'ann'), (2, NULL, NULL, 'bob');
EOF

test_expect_success 'a PostgreSQL domain: its base type, its NOT NULL and CHECKs on each column' '
	pg_sql <dom.sql &&
	ferry-extract "$PG_URI" -t films -o films.ferry &&
	ferry-cat -f summary films.ferry >sum &&
	test_grep "  column released: int64 (integer)" sum &&
	test_grep "  column author: text not null (character varying(30))" sum &&
	test_grep "  check released_year_check: ((\"released\" >= 1901) AND (\"released\" <= 2155))" sum &&
	test_grep "  check made_year_check: ((\"made\" >= 1901) AND (\"made\" <= 2155))" sum &&
	test_grep "  check author_handle_check: (\"author\" = lower(\"author\"))" sum &&
	ferry-load "$TO" --create <films.ferry &&
	ferry-load "$MY_BACK" --create <films.ferry &&
	ferry-verify --rows -t films "$PG_URI" "$TO" >out && test_grep "equal" out &&
	ferry-verify --rows -t films "$PG_URI" "$MY_BACK" >out && test_grep "equal" out &&
	test_must_fail pg_in "$TEST_DB" -c "INSERT INTO films VALUES (3, 1800, NULL, '"'"'x'"'"')" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (3, 1800, NULL, '"'"'x'"'"')" &&
	test_must_fail my_in "${TEST_DB}_back" -e "INSERT INTO films VALUES (3, 1800, NULL, '"'"'x'"'"')" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (3, NULL, 2300, '"'"'x'"'"')" &&
	test_must_fail pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (3, NULL, NULL, '"'"'X'"'"')" &&
	test_must_fail my_in "${TEST_DB}_back" -e "INSERT INTO films VALUES (3, NULL, NULL, '"'"'X'"'"')" &&
	pg_in "${TEST_DB}_to" -c "INSERT INTO films VALUES (3, 2000, NULL, '"'"'x'"'"')" &&
	my_in "${TEST_DB}_back" -e "INSERT INTO films VALUES (3, 2000, NULL, '"'"'x'"'"')"
'

cat >fk.sql <<'EOF'
CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE pets (id int PRIMARY KEY,
  owner_id int NOT NULL CHECK (owner_id >= 1 AND owner_id <= 65535),
  keeper_id int CHECK (keeper_id <= 100) REFERENCES owners (id),
  CONSTRAINT pets_owner_fk FOREIGN KEY (owner_id) REFERENCES owners (id) ON UPDATE CASCADE);
INSERT INTO owners VALUES (1), (2);
INSERT INTO pets VALUES (10, 1, 2);
EOF

test_expect_success 'PostgreSQL -> MariaDB: a CHECK on a column a cascading key sets gives way to the key' '
	pg_sql <fk.sql &&
	ferry-extract "$PG_URI" -t owners -t pets -o fk.ferry &&
	ferry-load "$MY_BACK" --create <fk.ferry 2>err &&
	test_grep "check pets_owner_id_check: not made: it reads column owner_id, which foreign key pets_owner_fk sets (ON UPDATE CASCADE), and MariaDB refuses the key of a column a CHECK reads" err &&
	! grep "foreign key .* not made" err &&
	my_in "${TEST_DB}_back" -e "SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'pets'"'"'" >got &&
	echo pets_keeper_id_check >expect && test_cmp expect got &&
	my_in "${TEST_DB}_back" -e "UPDATE owners SET id = 5 WHERE id = 1; SELECT owner_id FROM pets" >got &&
	echo 5 >expect && test_cmp expect got &&
	test_must_fail my_in "${TEST_DB}_back" -e "UPDATE pets SET keeper_id = 101"
'

test_done
