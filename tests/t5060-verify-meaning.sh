#!/bin/sh
# ferry-verify compares through the values' meaning where the engines
# spell them differently: a MySQL TINYINT holding 0/1 next to a
# PostgreSQL boolean (and the reverse) agree, 7 next to true does not;
# JSON in another key order and spelling agrees, a changed JSON value
# does not; a domain over int agrees with int; a view named with -t or
# --table-map is compared as a table.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup' '
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE prefs (id INT PRIMARY KEY, muted TINYINT NOT NULL, pinned SMALLINT, doc JSON, n INT);
		INSERT INTO prefs VALUES (1, 1, 0, JSON_OBJECT(\"b\", 1, \"a\", JSON_ARRAY(1, 2.50)), 5), (2, 0, NULL, \"[]\", 6), (3, 0, 1, \"null\", 7);
		CREATE VIEW active AS SELECT id, n FROM prefs WHERE muted = 0" &&
	pg_sql "CREATE DOMAIN posint AS int CHECK (VALUE > 0);
		CREATE TABLE prefs (id int PRIMARY KEY, muted boolean NOT NULL, pinned boolean, doc jsonb, n posint);
		INSERT INTO prefs VALUES (1, true, false, '"'"'{\"a\": [1, 2.5], \"b\": 1}'"'"', 5), (2, false, NULL, '"'"'[]'"'"', 6), (3, false, true, '"'"'null'"'"', 7);
		CREATE TABLE active_copy (id int PRIMARY KEY, n int);
		INSERT INTO active_copy VALUES (2, 6), (3, 7)"
'

test_expect_success 'an integer 0/1 next to a boolean, JSON in another spelling, a domain: equal' '
	ferry-verify -t prefs "$MY_URI" "$PG_URI" >out &&
	test_grep "prefs: A 3 rows, B 3 rows: equal" out &&
	ferry-verify -t prefs "$PG_URI" "$MY_URI"
'

test_expect_success '7 next to true, or another JSON value: different, named' '
	my_sql "UPDATE prefs SET muted = 7 WHERE id = 1; UPDATE prefs SET doc = JSON_OBJECT(\"a\", JSON_ARRAY(1, 2.51), \"b\", 1) WHERE id = 2" &&
	test_expect_code 1 ferry-verify -t prefs "$MY_URI" "$PG_URI" >out &&
	test_grep "changed: id=1 muted: A '"'"'7'"'"' B '"'"'true'"'"'" out &&
	test_grep "changed: id=2 doc:" out &&
	test_grep "2 changed" out &&
	my_sql "UPDATE prefs SET muted = 1 WHERE id = 1; UPDATE prefs SET doc = \"[]\" WHERE id = 2" &&
	pg_sql "UPDATE prefs SET pinned = true WHERE id = 1" &&
	test_expect_code 1 ferry-verify -t prefs "$PG_URI" "$MY_URI" >out &&
	test_grep "changed: id=1 pinned: A '"'"'true'"'"' B '"'"'0'"'"'" out &&
	pg_sql "UPDATE prefs SET pinned = false WHERE id = 1"
'

test_expect_success 'a view named with -t or --table-map is compared as a table' '
	test_expect_code 1 ferry-verify -t active "$MY_URI" "$PG_URI" >out &&
	test_grep "active: only in A: DIFFERENT" out &&
	ferry-verify -t active --table-map active=active_copy "$MY_URI" "$PG_URI" >out &&
	test_grep "active: A 2 rows, B 2 rows: equal" out &&
	pg_sql "CREATE VIEW active AS SELECT id, n FROM prefs WHERE NOT muted" &&
	ferry-verify -t active "$MY_URI" "$PG_URI" &&
	pg_sql "UPDATE prefs SET muted = true WHERE id = 3" &&
	test_expect_code 1 ferry-verify -t active "$MY_URI" "$PG_URI" >out &&
	test_grep "A 2 rows, B 1 rows" out
'

test_done
