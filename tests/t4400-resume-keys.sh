#!/bin/sh
# Resume of a --job load for every kind of primary key: text, bytes, uuid,
# decimal, timestamp, timestamptz and composite keys, each interrupted
# (a stream cut short after some commits, then kill -9 at a random point)
# and run again until done; the copy must then equal the source, with no
# row lost and none loaded twice.  A checkpoint's key is read back from
# JSON: a value pointing into freed JSON once made a rerun skip 11,000
# rows of 20,000 and exit 0.
. "$(dirname "$0")/lib.sh"
test_need_db

PG_BASE="host=$FERRY_TEST_PG_HOST port=$FERRY_TEST_PG_PORT user=ferry"
pg_target() {
	psql -X -q "$PG_BASE dbname=postgres" -c "DROP DATABASE IF EXISTS \"${TEST_DB}_to\"" \
		-c "CREATE DATABASE \"${TEST_DB}_to\"" 2>/dev/null &&
	TO="$PG_BASE dbname=${TEST_DB}_to"
}
to_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At "$TO" -c "$1"
}
my_target() {
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
	TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
}

N=20000

test_expect_success 'setup: 20,000-row tables keyed by every kind of key' '
	pg_fresh_db && my_fresh_db &&
	pg_sql "CREATE TABLE k_text (k text PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_text SELECT '"'"'user-'"'"' || md5(g::text) || repeat('"'"'é'"'"', g % 3), g FROM generate_series(1, $N) g;
		CREATE TABLE k_bytes (k bytea PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_bytes SELECT decode(md5(g::text), '"'"'hex'"'"'), g FROM generate_series(1, $N) g;
		CREATE TABLE k_uuid (k uuid PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_uuid SELECT overlay(overlay(md5(g::text) placing '"'"'4'"'"' from 13 for 1) placing '"'"'8'"'"' from 17 for 1)::uuid, g FROM generate_series(1, $N) g;
		CREATE TABLE k_dec (k numeric(20,6) PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_dec SELECT (g * 7919 % 100003) - 50000 + g / 1000000.0, g FROM generate_series(1, $N) g;
		CREATE TABLE k_ts (k timestamp(6) PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_ts SELECT timestamp '"'"'1999-12-31 23:59:59'"'"' + (g * 7919 % 100003) * interval '"'"'1 second'"'"' + g * interval '"'"'1 microsecond'"'"', g FROM generate_series(1, $N) g;
		CREATE TABLE k_tstz (k timestamptz PRIMARY KEY, v int NOT NULL);
		INSERT INTO k_tstz SELECT timestamptz '"'"'2024-03-31 00:00:00+00'"'"' + g * interval '"'"'17 seconds'"'"', g FROM generate_series(1, $N) g;
		CREATE TABLE k_comp (a int, b text, c bytea, v int NOT NULL, PRIMARY KEY (a, b, c));
		INSERT INTO k_comp SELECT g % 7, md5(g::text), decode(lpad(to_hex(g), 8, '"'"'0'"'"'), '"'"'hex'"'"'), g FROM generate_series(1, $N) g;" &&
	my_sql "CREATE TABLE k_mtext (k VARCHAR(64) PRIMARY KEY, v INT NOT NULL);
		INSERT INTO k_mtext SELECT CONCAT(IF(seq % 2, '"'"'User-'"'"', '"'"'user-'"'"'), MD5(seq), REPEAT('"'"'é'"'"', seq % 3)), seq FROM seq_1_to_$N;
		CREATE TABLE k_mcomp (a VARCHAR(40), b DATETIME(6), c DECIMAL(12,3), v INT NOT NULL, PRIMARY KEY (a, b, c));
		INSERT INTO k_mcomp SELECT MD5(seq % 50), TIMESTAMP '"'"'2020-01-01 00:00:00'"'"' + INTERVAL (seq DIV 50) SECOND, seq / 1000, seq FROM seq_1_to_$N" &&
	for t in k_text k_bytes k_uuid k_dec k_ts k_tstz k_comp; do
		ferry-extract "$PG_URI" -t $t --order pk --batch-bytes 16384 -o $t.ferry || return 1
	done &&
	for t in k_mtext k_mcomp; do
		ferry-extract "$MY_URI" -t $t --order pk --batch-bytes 16384 -o $t.ferry || return 1
	done
'

# cut_then_resume TABLE TARGET-KIND: a stream cut after some commits,
# then the whole stream again under the same job
cut_then_resume() {
	$2 &&
	size=$(wc -c <$1.ferry) &&
	head -c $((size * 3 / 5)) $1.ferry >cut.ferry &&
	test_expect_code 3 ferry-load "$TO" --create --job r --commit-every 1000 -i cut.ferry 2>err &&
	ferry-load "$TO" --create --job r --commit-every 1000 -i $1.ferry --stats st.json 2>err &&
	test_grep "resuming job r after" err &&
	skipped=$(sed -n "s/.*\"skipped\":[[:space:]]*\([0-9]*\).*/\1/p" st.json) &&
	loaded=$(sed -n "s/.*\"rows\":[[:space:]]*\([0-9]*\).*/\1/p" st.json) &&
	say "$1: $skipped rows skipped, $loaded loaded on the rerun" &&
	test "$skipped" -ge 1000 && test $((skipped + loaded)) = $N
}

for t in k_text k_bytes k_uuid k_dec k_ts k_tstz k_comp k_mtext k_mcomp; do
	test_expect_success "$t: a cut load resumed into PostgreSQL, every row once" '
		cut_then_resume $t pg_target &&
		test "$(to_sql "SELECT count(*), count(DISTINCT v), sum(v) FROM $t")" = "$N|$N|200010000" &&
		ferry-verify $t.ferry "$TO" -t $t --rows >v.out 2>&1
	'
	# a text column in a key is TEXT on MariaDB, which cannot be a key
	# of that width: k_mcomp is the composite key there
	test "$t" = k_comp && continue
	test_expect_success "$t: a cut load resumed into MariaDB, every row once" '
		cut_then_resume $t my_target &&
		ferry-verify $t.ferry "$TO" -t $t --rows >v.out 2>&1
	'
done

# kill -9 at a random point of each load, rerun until one finishes
kill_until_done() {
	i=0 killed=0
	while [ $i -lt 30 ]; do
		i=$((i + 1))
		ferry-load "$TO" --create --job kj --commit-every 500 -i $1.ferry 2>run.err &
		pid=$!
		sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", 0.05 + (s % 40) / 100 }')"
		if kill -9 $pid 2>/dev/null; then
			wait $pid
			killed=$((killed + 1))
			continue
		fi
		wait $pid && break
		grep -q "another ferry-load of this job" run.err || { cat run.err; return 1; }
		sleep 0.3
	done
	say "$1: killed $killed times"
	ferry-verify $1.ferry "$TO" -t $1 --rows >v.out 2>&1
}

for t in k_text k_bytes k_uuid k_dec k_ts k_comp k_mtext; do
	test_expect_success "$t: kill -9 at random points and rerun: equal" '
		pg_target && kill_until_done $t
	'
done

test_done
