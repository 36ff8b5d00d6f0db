#!/bin/sh
# Names PostgreSQL cannot hold: MariaDB takes names of 64 characters (up
# to 256 bytes), PostgreSQL keeps 63 bytes.  A longer name is cut at a
# character boundary after at most 54 bytes and given "_" and 8 hex digits
# of XXH3-64 of the whole name (ferry-load(1), NAMES): two names sharing
# their first 63 bytes stay apart, --create, a load into the table made,
# --check and ferry-verify agree on it, index names are never cut inside
# a character, and a name that would be another's is refused (exit 2)
# naming both, before anything is written.
. "$(dirname "$0")/lib.sh"
test_need_db

rep() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
# the PostgreSQL name of a long name whose first 54 bytes end a character
fit() {
	h=$(printf '%s' "$1" | xxhsum -H3 | sed -n 's/.*\([0-9a-f]\{16\}\).*/\1/p' | cut -c1-8) &&
	printf '%s_%s' "$(printf '%s' "$1" | head -c 54)" "$h"
}

TA="long_table_$(rep t 53)"	# 64 characters
CA="$(rep c 63)a"		# these two share their first 63 bytes
CB="$(rep c 63)b"
CE="$(rep é 64)"		# 64 characters, 128 bytes
IA="ix_$(rep i 61)"
TE="$(rep é 64)"
FTA=$(fit "$TA") FCA=$(fit "$CA") FCB=$(fit "$CB") FCE=$(fit "$CE") FTE=$(fit "$TE")

test_expect_success 'setup: MariaDB tables and columns of 64 characters' '
	my_fresh_db && pg_fresh_db &&
	test ${#FCA} -eq 63 && test "$FCA" != "$FCB" &&
	test "$(printf "%s" "$FCE" | wc -c)" -eq 63 &&
	my_sql "CREATE TABLE \`$TA\` (id INT PRIMARY KEY, \`$CA\` INT,
		\`$CB\` VARCHAR(20), \`$CE\` VARCHAR(30), KEY \`$IA\` (\`$CA\`),
		KEY \`$CE\` (\`$CE\`)) CHARACTER SET utf8mb4" &&
	my_sql "INSERT INTO \`$TA\` VALUES (1, 10, '"'"'a'"'"', '"'"'é'"'"'),
		(2, 20, '"'"'b'"'"', NULL), (3, NULL, NULL, '"'"'ü'"'"')" &&
	my_sql "CREATE TABLE \`$TE\` (id INT PRIMARY KEY, \`$CE\` INT,
		UNIQUE KEY \`$TE\` (\`$CE\`)) CHARACTER SET utf8mb4" &&
	my_sql "INSERT INTO \`$TE\` VALUES (1, 1), (2, 2)" &&
	ferry-extract "$MY_URI" -t "$TA" -t "$TE" -o long.ferry
'

test_expect_success 'MariaDB -> PostgreSQL --create: the names shortened, one notice each' '
	ferry-load "$PG_URI" --create -i long.ferry --stats stats.json 2>err &&
	test_grep "notice: table $TA: column '"'"'$CA'"'"' is '"'"'$FCA'"'"' on PostgreSQL" err &&
	test_grep "notice: table $TA: column '"'"'$CB'"'"' is '"'"'$FCB'"'"' on PostgreSQL" err &&
	test_grep "notice: table '"'"'$TE'"'"' is '"'"'$FTE'"'"' on PostgreSQL" err &&
	test "$(grep -c "column .* is .* on PostgreSQL" err)" -eq 4 &&
	pg_sql "SELECT attname FROM pg_attribute WHERE attrelid = '"'"'\"$FTA\"'"'"'::regclass AND attnum > 0 ORDER BY attnum" >cols &&
	printf "%s\n" id "$FCA" "$FCB" "$FCE" >expect && test_cmp expect cols &&
	pg_sql "SELECT id, \"$FCA\", \"$FCB\", \"$FCE\" FROM \"$FTA\" ORDER BY id" >rows &&
	printf "%s\n" "1|10|a|é" "2|20|b|" "3|||ü" >expect && test_cmp expect rows &&
	jq -r ".tables[] | select(.table == \"$TA\") | .renamed[] | \"\(.kind) \(.name) \(.target)\"" stats.json >ren &&
	printf "%s\n" "table $TA $FTA" "column $CA $FCA" "column $CB $FCB" "column $CE $FCE" >expect0 &&
	head -4 ren >got && test_cmp expect0 got &&
	jq -r ".tables[] | select(.table == \"$TE\") | .renamed[0].target" stats.json >got &&
	echo "$FTE" >expect && test_cmp expect got
'

test_expect_success 'index names are valid UTF-8 of at most 63 bytes, none cut inside a character' '
	pg_sql "SELECT indexname FROM pg_indexes WHERE schemaname = '"'"'public'"'"' AND indexname NOT LIKE '"'"'%_pkey'"'"'" >ix &&
	test "$(wc -l <ix)" -eq 3 &&
	while read -r n; do
		test "$(printf "%s" "$n" | wc -c)" -le 63 &&
		printf "%s" "$n" | iconv -f UTF-8 -t UTF-8 >/dev/null || return 1
	done <ix &&
	pg_sql "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '"'"'$(fit "${TA}_$IA")'"'"'" >n &&
	echo 1 >expect && test_cmp expect n
'

test_expect_success 'verify: MariaDB, and the stream, against PostgreSQL are equal' '
	ferry-verify --rows "$MY_URI" "$PG_URI" -t "$TA" -t "$TE" >out &&
	test_grep "$TA: A 3 rows, B 3 rows: equal" out &&
	test_grep "$TE: A 2 rows, B 2 rows: equal" out &&
	ferry-verify --rows long.ferry "$PG_URI" >out &&
	test_grep "the two sides are equal" out &&
	ferry-verify --rows "$PG_URI" "$MY_URI" -t "$FTA" >out &&
	test_grep "the two sides are equal" out
'

test_expect_success 'verify finds a changed value in a long-named column' '
	pg_sql "UPDATE \"$FTA\" SET \"$FCB\" = '"'"'x'"'"' WHERE id = 2" &&
	test_expect_code 1 ferry-verify --rows "$MY_URI" "$PG_URI" -t "$TA" >out &&
	test_grep "1 changed" out &&
	test_grep "$CB" out &&
	test_expect_code 1 ferry-verify --rows long.ferry "$PG_URI" >out &&
	test_grep "1 changed" out
'

test_expect_success 'a load into the tables made finds the long names again' '
	ferry-load "$PG_URI" -m truncate -i long.ferry 2>err &&
	test_grep "column '"'"'$CE'"'"' is '"'"'$FCE'"'"' on PostgreSQL" err &&
	ferry-verify --rows "$MY_URI" "$PG_URI" -t "$TA" -t "$TE" >out &&
	test_grep "the two sides are equal" out
'

test_expect_success 'upsert and delete modes use the PostgreSQL names too' '
	ferry-load "$PG_URI" -m upsert -i long.ferry 2>err &&
	my_sql "CREATE TABLE delk (\`$CA\` INT PRIMARY KEY)" &&
	my_sql "INSERT INTO delk VALUES (1), (2)" &&
	ferry-extract "$MY_URI" -t delk -o delk.ferry &&
	ferry-load "$PG_URI" --create -i delk.ferry 2>err &&
	my_sql "DELETE FROM delk WHERE \`$CA\` = 2" &&
	ferry-extract "$MY_URI" -t delk -o delk1.ferry &&
	ferry-load "$PG_URI" -m delete -i delk1.ferry 2>err &&
	test "$(pg_sql "SELECT \"$FCA\" FROM delk")" = 2
'

test_expect_success 'a column named what another becomes is refused, naming both, nothing written' '
	my_sql "CREATE TABLE clash (id INT PRIMARY KEY, \`$CA\` INT, \`$FCA\` INT)" &&
	my_sql "INSERT INTO clash VALUES (1, 2, 3)" &&
	ferry-extract "$MY_URI" -t clash -o clash.ferry &&
	test_expect_code 2 ferry-load "$PG_URI" --create -i clash.ferry 2>err &&
	test_grep "table clash: columns '"'"'$CA'"'"' and '"'"'$FCA'"'"' are both '"'"'$FCA'"'"' in PostgreSQL" err &&
	test "$(pg_sql "SELECT count(*) FROM pg_tables WHERE tablename = '"'"'clash'"'"'")" = 0
'

test_expect_success 'two tables that are one in PostgreSQL are refused, naming both' '
	my_sql "CREATE TABLE \`$FTA\` (id INT PRIMARY KEY)" &&
	ferry-extract "$MY_URI" -t "$FTA" -t "$TA" -o two.ferry &&
	pg_fresh_db &&
	test_expect_code 2 ferry-load "$PG_URI" --create -i two.ferry 2>err &&
	test_grep "tables '"'"'$FTA'"'"' and '"'"'$TA'"'"' are both '"'"'$FTA'"'"' in PostgreSQL" err &&
	pg_sql "CREATE TABLE \"$FTA\" (id int PRIMARY KEY)" &&
	test_expect_code 2 ferry-load "$PG_URI" -i two.ferry 2>err &&
	test_grep "tables '"'"'$FTA'"'"' and '"'"'$TA'"'"' are both '"'"'$FTA'"'"' in PostgreSQL" err &&
	test_expect_code 2 ferry-load "$PG_URI" --parallel 2 -i two.ferry 2>err &&
	test_grep "tables '"'"'$FTA'"'"' and '"'"'$TA'"'"' are both '"'"'$FTA'"'"' in PostgreSQL" err
'

test_expect_success '--check names the mapping and the collisions' '
	pg_fresh_db &&
	ferry-load --check "$PG_URI" --create -i long.ferry --report check.json >check.txt &&
	test_grep "note: column '"'"'$CA'"'"' is '"'"'$FCA'"'"' on PostgreSQL" check.txt &&
	test_grep "note: table '"'"'$TE'"'"' is '"'"'$FTE'"'"' on PostgreSQL" check.txt &&
	jq -r ".tables[] | select(.table == \"$TA\") | .renamed[] | \"\(.kind) \(.name) \(.target)\"" check.json >ren &&
	head -4 ren >got && test_cmp expect0 got &&
	grep "^index ${TA}_$IA " ren >got &&
	echo "index ${TA}_$IA $(fit "${TA}_$IA")" >expect && test_cmp expect got &&
	ferry-load "$PG_URI" --create -i long.ferry 2>/dev/null &&
	ferry-load --check "$PG_URI" -m truncate -i long.ferry >check.txt &&
	test_grep "table $TA -> $FTA: 3 rows; exists, matches" check.txt &&
	test_expect_code 6 ferry-load --check "$PG_URI" --create -i clash.ferry >check.txt &&
	test_grep "FAILS: columns '"'"'$CA'"'"' and '"'"'$FCA'"'"' are both '"'"'$FCA'"'"' in PostgreSQL" check.txt &&
	test_expect_code 6 ferry-load --check "$PG_URI" --create -i two.ferry >check.txt &&
	test_grep "FAILS: tables '"'"'$FTA'"'"' and '"'"'$TA'"'"' are both '"'"'$FTA'"'"' in PostgreSQL" check.txt
'

test_expect_success 'PostgreSQL -> MariaDB: names that fit stay as they are' '
	my_fresh_db &&
	ferry-extract "$PG_URI" -t "$FTA" -o back.ferry &&
	ferry-load "$MY_URI" --create -i back.ferry 2>err &&
	! grep -q "on PostgreSQL" err &&
	my_sql "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"'"'$FTA'"'"' ORDER BY ORDINAL_POSITION" | sed 1d >cols &&
	printf "%s\n" id "$FCA" "$FCB" "$FCE" >expect && test_cmp expect cols &&
	ferry-verify --rows "$PG_URI" "$MY_URI" -t "$FTA" >out &&
	test_grep "the two sides are equal" out
'

test_done
