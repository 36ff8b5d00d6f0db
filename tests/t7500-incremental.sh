#!/bin/sh
# Incremental catch-up and exactly-once resume: --incremental, --since,
# --since-job, ferry-load --job and its ferry_checkpoint, in both
# directions; a load killed with SIGKILL at random points and rerun until
# done, ten times; rows sharing one watermark across a commit boundary.
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
my_to() {
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot --batch -N "${TEST_DB}_to" -e "$1"
}
my_target() {
	mariadb --no-defaults -S "$FERRY_TEST_MYSQL_SOCKET" -uroot -e \
		"DROP DATABASE IF EXISTS \`${TEST_DB}_to\`; CREATE DATABASE \`${TEST_DB}_to\` CHARACTER SET utf8mb4" &&
	MY_TO="mysql://root@localhost/${TEST_DB}_to?socket=$FERRY_TEST_MYSQL_SOCKET"
}
# rows of a stream as "id body" lines, sorted
ids_of() {
	ferry-cat -f tsv "$1" | sed 1d | cut -f1 | sort -n | tr '\n' ' '
}

test_expect_success 'setup: a MariaDB source with updated_at and id watermarks' '
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE posts (id BIGINT PRIMARY KEY, body TEXT NOT NULL,
			updated_at DATETIME(6) NOT NULL, KEY (updated_at, id));
		CREATE TABLE events (id BIGINT PRIMARY KEY AUTO_INCREMENT, what VARCHAR(20) NOT NULL);
		CREATE TABLE pairs (a INT, b VARCHAR(10), at DATE NOT NULL, v INT, PRIMARY KEY (a, b));
		INSERT INTO posts VALUES (1, '"'"'one'"'"', '"'"'2024-01-01 10:00:00'"'"'),
			(2, '"'"'two'"'"', '"'"'2024-01-01 10:00:00'"'"'),
			(3, '"'"'three'"'"', '"'"'2024-01-01 11:00:00'"'"'),
			(4, '"'"'four'"'"', '"'"'2024-01-01 12:00:00'"'"');
		INSERT INTO events (what) VALUES ('"'"'a'"'"'), ('"'"'b'"'"'), ('"'"'c'"'"');
		INSERT INTO pairs VALUES (1, '"'"'x'"'"', '"'"'2024-01-01'"'"', 1), (1, '"'"'é'"'"', '"'"'2024-01-01'"'"', 2),
			(2, '"'"'a'"'"', '"'"'2024-01-02'"'"', 3)"
'

test_expect_success '--incremental orders by watermark then key and records the watermark' '
	ferry-extract "$MY_URI" -t posts --incremental updated_at -o p.ferry &&
	ids_of p.ferry >got && printf "1 2 3 4 " >expect && test_cmp expect got &&
	ferry-cat -f tsv p.ferry | sed 1d | cut -f1 | tr "\n" " " >order &&
	test_cmp expect order &&
	ferry-cat -f summary p.ferry >sum &&
	test_grep "watermark: updated_at = 2024-01-01T12:00:00" sum
'

test_expect_success '--since takes rows past a value; TABLE= picks per table' '
	ferry-extract "$MY_URI" -t posts -t events --incremental posts=updated_at \
		--incremental events=id --since posts=2024-01-01T10:00:00 \
		--since events=2 -o s.ferry &&
	ferry-cat -f jsonl s.ferry >rows &&
	test_grep "\"id\":3" rows && test_grep "\"id\":4" rows &&
	test $(grep -c "\"table\":\"posts\"" rows) = 2 &&
	test $(grep -c "\"table\":\"events\"" rows) = 1 &&
	test_grep "\"what\":\"c\"" rows
'

test_expect_success 'mistakes in --incremental are usage errors naming table and column' '
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental nope -o x.ferry 2>err &&
	grep -q "table posts has no column .nope." err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t pairs --incremental v -o x.ferry 2>err &&
	test_grep "column v may be NULL" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental body -o x.ferry 2>err &&
	test_grep "column body is text" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental id --since 1 --since-job j "$MY_URI" -o x.ferry 2>err &&
	test_grep "exclude each other" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --since 1 -o x.ferry 2>err &&
	test_grep "need --incremental" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental id --since-job "" "$MY_URI" -o x.ferry 2>err &&
	test_grep "job" err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental id --since-job j 2>err &&
	test_grep "no TARGET" err
'

test_expect_success 'a composite key breaks ties in byte order, text included' '
	ferry-extract "$MY_URI" -t pairs --incremental at -o k.ferry &&
	ferry-cat -f tsv k.ferry | sed 1d | cut -f1,2 | tr "\t\n" ":," >got &&
	printf "1:x,1:é,2:a," >expect && test_cmp expect got &&
	ferry-extract "$MY_URI" -t pairs --incremental at --since 2024-01-01 -o k2.ferry &&
	ferry-cat -f tsv k2.ferry | sed 1d | cut -f2 >got && echo a >expect && test_cmp expect got
'

test_expect_success 'bulk copy with --job, then a catch-up brings exactly the new and updated rows' '
	pg_target &&
	ferry-extract "$MY_URI" -t posts -t events -t pairs --incremental posts=updated_at \
		--incremental events=id --incremental pairs=at --since-job sync "$TO" -o bulk.ferry 2>err &&
	! grep -q "from updated_at" err &&
	ferry-load "$TO" --create --job sync -i bulk.ferry --stats st1.json &&
	to_sql "SELECT table_name, rows_loaded, last_key, last_watermark, watermark_column, state FROM ferry_checkpoint WHERE job = '"'"'sync'"'"' ORDER BY table_name" >ck &&
	cat >expect <<-\EOF &&
	events|3|["3"]|3|id|done
	pairs|3|["2","a"]|2024-01-02|at|done
	posts|4|["4"]|2024-01-01T12:00:00|updated_at|done
	EOF
	test_cmp expect ck &&
	my_sql "INSERT INTO posts VALUES (5, '"'"'five'"'"', '"'"'2024-01-02 09:00:00'"'"'), (6, '"'"'six'"'"', '"'"'2024-01-02 09:00:01'"'"');
		UPDATE posts SET body = '"'"'ONE'"'"', updated_at = '"'"'2024-01-02 08:00:00'"'"' WHERE id = 1;
		INSERT INTO events (what) VALUES ('"'"'d'"'"');
		UPDATE pairs SET v = 9, at = '"'"'2024-01-03'"'"' WHERE a = 1 AND b = '"'"'x'"'"'" &&
	ferry-extract "$MY_URI" -t posts -t events -t pairs --incremental posts=updated_at \
		--incremental events=id --incremental pairs=at --since-job sync "$TO" -o c1.ferry 2>err &&
	test_grep "table posts: from updated_at >= 2024-01-01T12:00:00" err &&
	test_grep "table events: from id > 3" err &&
	ferry-cat -f jsonl c1.ferry | sed "s/,\"updated_at.*//; s/,\"at\".*//" >rows &&
	cat >expect <<-\EOF &&
	{"table":"posts","row":{"id":4,"body":"four"
	{"table":"posts","row":{"id":1,"body":"ONE"
	{"table":"posts","row":{"id":5,"body":"five"
	{"table":"posts","row":{"id":6,"body":"six"
	{"table":"events","row":{"id":4,"what":"d"}}
	{"table":"pairs","row":{"a":2,"b":"a"
	{"table":"pairs","row":{"a":1,"b":"x"
	EOF
	test_cmp expect rows &&
	ferry-load "$TO" --job sync -i c1.ferry --stats st2.json &&
	test_grep "\"mode\":	\"upsert\"" st2.json &&
	ferry-verify "$MY_URI" "$TO" -t posts -t events -t pairs &&
	to_sql "SELECT rows_loaded, last_key FROM ferry_checkpoint WHERE table_name = '"'"'posts'"'"'" >ck &&
	echo "8|[\"6\"]" >expect && test_cmp expect ck
'

test_expect_success 'a catch-up with nothing new moves nothing but the rows at the last watermark' '
	ferry-extract "$MY_URI" -t posts -t events --incremental posts=updated_at \
		--incremental events=id --since-job sync "$TO" -o c2.ferry 2>err &&
	ferry-cat -f jsonl c2.ferry >rows &&
	test $(grep -c "\"table\":\"posts\"" rows) = 1 && test_grep "\"id\":6" rows &&
	test_must_fail grep -q "\"table\":\"events\",\"row\"" rows &&
	ferry-load "$TO" --job sync -i c2.ferry &&
	ferry-verify "$MY_URI" "$TO" -t posts -t events
'

test_expect_success 'a row written later with the last watermark and a lower key is not lost' '
	my_sql "INSERT INTO posts VALUES (0, '"'"'zero'"'"', '"'"'2024-01-02 09:00:01'"'"')" &&
	ferry-extract "$MY_URI" -t posts --incremental updated_at --since-job sync "$TO" |
		ferry-load "$TO" --job sync &&
	to_sql "SELECT body FROM posts WHERE id = 0" >got && echo zero >expect && test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t posts
'

test_expect_success '--overlap reads further back (a transaction that committed late)' '
	my_sql "INSERT INTO posts VALUES (7, '"'"'late'"'"', '"'"'2024-01-02 09:00:00.5'"'"')" &&
	ferry-extract "$MY_URI" -t posts --incremental updated_at --since-job sync "$TO" -o no.ferry &&
	ferry-cat -f tsv no.ferry >t &&
	test_must_fail test_grep late t &&
	ferry-extract "$MY_URI" -t posts --incremental updated_at --since-job sync "$TO" --overlap 2 -o ov.ferry &&
	ferry-cat -f tsv ov.ferry >t && test_grep late t &&
	ferry-load "$TO" --job sync -i ov.ferry &&
	ferry-verify "$MY_URI" "$TO" -t posts
'

test_expect_success 'the checkpoint is committed with the rows: a broken stream leaves both as they were' '
	to_sql "SELECT rows_loaded, last_key FROM ferry_checkpoint WHERE table_name = '"'"'posts'"'"'" >before &&
	my_sql "INSERT INTO posts VALUES (8, '"'"'eight'"'"', '"'"'2024-01-05 00:00:00'"'"')" &&
	ferry-extract "$MY_URI" -t posts --incremental updated_at --since-job sync "$TO" -o c3.ferry &&
	size=$(wc -c <c3.ferry) && head -c $((size - 160)) c3.ferry >cut.ferry &&
	test_expect_code 3 ferry-load "$TO" --job sync -i cut.ferry &&
	to_sql "SELECT rows_loaded, last_key FROM ferry_checkpoint WHERE table_name = '"'"'posts'"'"'" >after &&
	test_cmp before after &&
	to_sql "SELECT count(*) FROM posts WHERE id = 8" >n && echo 0 >expect && test_cmp expect n
'

test_expect_success 'two loads of one job at once: the second is refused, exit 4' '
	size=$(wc -c <c3.ferry) &&
	(head -c $((size - 20)) c3.ferry; sleep 3; tail -c 20 c3.ferry) |
		ferry-load "$TO" --job sync 2>first.err &
	pid=$! &&
	sleep 1 &&
	test_expect_code 4 ferry-load "$TO" --job sync -i c3.ferry 2>err &&
	test_grep "another ferry-load of this job is running" err &&
	wait $pid &&
	to_sql "SELECT count(*) FROM posts WHERE id = 8" >n && echo 1 >expect && test_cmp expect n
'

test_expect_success 'a job that names another watermark column is refused' '
	ferry-extract "$MY_URI" -t posts --incremental id -o byid.ferry &&
	test_expect_code 2 ferry-load "$TO" --job sync -i byid.ferry 2>err &&
	grep -q "watermark column is .updated_at., the stream.s .id." err &&
	test_expect_code 2 ferry-extract "$MY_URI" -t posts --incremental id --since-job sync "$TO" -o x.ferry 2>err &&
	grep -q "watermark column .updated_at., not .id." err
'

test_expect_success 'bulk (no watermark) resume: a rerun skips the committed keys and loads the rest' '
	my_sql "CREATE TABLE big (id INT PRIMARY KEY, t VARCHAR(20) NOT NULL);
		INSERT INTO big SELECT seq, CONCAT('"'"'row '"'"', seq) FROM seq_1_to_5000" &&
	pg_target &&
	ferry-extract "$MY_URI" -t big --order pk --batch-bytes 4096 -o big.ferry &&
	size=$(wc -c <big.ferry) && head -c $((size / 2)) big.ferry >half.ferry &&
	test_expect_code 3 ferry-load "$TO" --create --job bulk --commit-every 1000 -i half.ferry &&
	to_sql "SELECT count(*) FROM big" >n1 && n1=$(cat n1) && test "$n1" -ge 1000 &&
	to_sql "SELECT rows_loaded, state, keys_pending FROM ferry_checkpoint" >ck &&
	echo "$n1|loading|t" >expect && test_cmp expect ck &&
	ferry-load "$TO" --create --job bulk --commit-every 1000 -i big.ferry --stats st.json 2>err &&
	test_grep "resuming job bulk after $n1 rows" err &&
	test_grep "\"skipped\":	$n1" st.json &&
	to_sql "SELECT count(*), count(DISTINCT id) FROM big" >n && echo "5000|5000" >expect && test_cmp expect n &&
	to_sql "SELECT count(*) FROM pg_constraint WHERE conrelid = '"'"'big'"'"'::regclass AND contype = '"'"'p'"'"'" >pk &&
	echo 1 >expect && test_cmp expect pk &&
	ferry-verify "$MY_URI" "$TO" -t big &&
	ferry-load "$TO" --job bulk -i big.ferry 2>err &&
	test_grep "job bulk loaded it whole" err
'

test_expect_success 'a --job load with --commit-every needs rows in key order' '
	pg_sql "CREATE TABLE desc_rows (id int PRIMARY KEY, t text NOT NULL);
		INSERT INTO desc_rows SELECT g, '"'"'r'"'"' || g FROM generate_series(100, 1, -1) g" &&
	my_target &&
	ferry-extract "$PG_URI" -t desc_rows -o desc.ferry &&
	test_expect_code 2 ferry-load "$MY_TO" --create --job d --commit-every 10 -i desc.ferry 2>err &&
	test_grep "row 2: rows are not in primary-key order" err &&
	ferry-load "$MY_TO" --create --job d -i desc.ferry &&
	my_to "SELECT count(*) FROM desc_rows" >n && echo 100 >expect && test_cmp expect n
'

test_expect_success 'rows sharing one watermark across commit boundaries, stopped and resumed' '
	my_sql "CREATE TABLE ties (id INT PRIMARY KEY, at DATETIME NOT NULL, v INT NOT NULL);
		INSERT INTO ties SELECT seq, '"'"'2024-06-01 00:00:00'"'"', seq FROM seq_1_to_3000;
		INSERT INTO ties SELECT seq, '"'"'2024-06-01 00:00:01'"'"', seq FROM seq_3001_to_3500" &&
	pg_target &&
	ferry-extract "$MY_URI" -t ties --incremental at --since-job tie "$TO" --batch-bytes 4096 -o t1.ferry &&
	size=$(wc -c <t1.ferry) && head -c $((size / 2)) t1.ferry >t1half.ferry &&
	test_expect_code 3 ferry-load "$TO" --create --job tie --commit-every 700 -i t1half.ferry &&
	to_sql "SELECT last_watermark FROM ferry_checkpoint" >w &&
	echo "2024-06-01T00:00:00" >expect && test_cmp expect w &&
	ferry-extract "$MY_URI" -t ties --incremental at --since-job tie "$TO" -o t2.ferry &&
	ferry-cat -f summary t2.ferry | grep "^  rows:" >n && echo "  rows: 3500" >expect && test_cmp expect n &&
	ferry-load "$TO" --job tie --commit-every 700 -i t2.ferry &&
	to_sql "SELECT count(*), count(DISTINCT id), sum(v) FROM ties" >got &&
	echo "3500|3500|6126750" >expect && test_cmp expect got &&
	ferry-verify "$MY_URI" "$TO" -t ties
'

test_expect_success 'reverse sync: PostgreSQL -> MariaDB with --job, a catch-up after inserts and updates' '
	pg_sql "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, changed timestamptz NOT NULL);
		INSERT INTO notes SELECT g, '"'"'n'"'"' || g, '"'"'2024-01-01 00:00:00+00'"'"'::timestamptz + g * interval '"'"'1 minute'"'"' FROM generate_series(1, 200) g" &&
	my_target &&
	ferry-extract "$PG_URI" -t notes --incremental changed --since-job back "$MY_TO" |
		ferry-load "$MY_TO" --create --job back --commit-every 50 &&
	my_to "SELECT rows_loaded, state FROM ferry_checkpoint" >ck &&
	printf "200\tdone\n" >expect && test_cmp expect ck &&
	pg_sql "INSERT INTO notes VALUES (201, '"'"'new'"'"', now());
		UPDATE notes SET body = '"'"'changed'"'"', changed = now() WHERE id = 7" &&
	ferry-extract "$PG_URI" -t notes --incremental changed --since-job back "$MY_TO" -o r.ferry &&
	ferry-cat -f summary r.ferry | grep "^  rows:" >n && echo "  rows: 3" >expect && test_cmp expect n &&
	ferry-load "$MY_TO" --job back -i r.ferry &&
	ferry-verify "$PG_URI" "$MY_TO" -t notes &&
	my_to "SELECT body FROM notes WHERE id = 7" >b && echo changed >expect && test_cmp expect b
'

test_expect_success 'a spec may rename the watermark column; changed, it is no watermark, which a job refuses' '
	ferry-extract "$MY_URI" -t posts --incremental updated_at -o w.ferry &&
	printf "{\"tables\": {\"posts\": {\"columns\": {\"updated_at\": {\"rename\": \"changed\"}}}}}\n" >ren.json &&
	ferry-transform -s ren.json -o wr.ferry w.ferry &&
	ferry-cat -f summary wr.ferry >sum && test_grep "watermark: changed = " sum &&
	printf "{\"tables\": {\"posts\": {\"columns\": {\"updated_at\": {\"zone\": \"Europe/Berlin\"}}}}}\n" >zone.json &&
	ferry-transform -s zone.json -o wz.ferry w.ferry &&
	ferry-cat -f summary wz.ferry >sum && ! grep -q "watermark:" sum &&
	pg_target &&
	ferry-load "$TO" --create --job jz -i w.ferry &&
	test_expect_code 2 ferry-load "$TO" --job jz -i wz.ferry 2>err &&
	test_grep "loaded it with a watermark" err
'

# ten loads killed with SIGKILL at random points, each rerun until done
kill_run() { # kill_run MODE: one migration of `kills` into a fresh target
	pg_target || return 1
	i=0 killed=0
	while [ $i -lt 40 ]; do
		i=$((i + 1))
		if [ "$1" = incremental ]; then
			# an extract that fails is logged and tried again
			# (up to 3 times): it once failed with no message
			# beside a killed load, which is not what this tests
			ok=0
			for t in 1 2 3; do
				if ferry-extract "$MY_URI" -t kills --incremental at \
					--since-job k "$TO" -o run.ferry 2>>kill.log; then
					ok=1
					break
				fi
				echo "(extract failed, try $t)" >>kill.log
				sleep 0.3
			done
			[ $ok = 1 ] || return 1
		else
			cp all.ferry run.ferry
		fi
		ferry-load "$TO" --create --job k --commit-every 5000 -i run.ferry 2>run.err &
		pid=$!
		# a kill point between 0.02 and 0.61 s (a whole load takes
		# about a second); past 20 kills the load runs to its end,
		# so that a slow, busy machine still finishes the migration
		sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", 0.02 + (s % 60) / 100 }')"
		if [ $i -le 20 ] && kill -9 $pid 2>/dev/null; then
			wait $pid
			killed=$((killed + 1))
			continue
		fi
		wait $pid && break
		cat run.err >>kill.log
		# the server may not have seen the killed load go yet
		grep -q "another ferry-load of this job" run.err || return 1
		sleep 0.3
	done
	echo "$killed" >>kills.count
	ferry-verify "$MY_URI" "$TO" -t kills >>kill.log 2>&1
}

test_expect_success 'setup: 200,000 rows to kill loads of' '
	my_sql "CREATE TABLE kills (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL,
			body VARCHAR(200) NOT NULL, KEY (at, id));
		INSERT INTO kills SELECT seq, TIMESTAMP '"'"'2024-01-01 00:00:00'"'"' + INTERVAL (seq DIV 7) SECOND,
			REPEAT(CHAR(65 + seq % 26), 50 + seq % 100) FROM seq_1_to_200000" &&
	ferry-extract "$MY_URI" -t kills --order pk -o all.ferry
'

for n in 1 2 3 4 5; do
	test_expect_success "SIGKILL at random points, bulk --job, run $n: equal after reruns" '
		kill_run bulk
	'
	test_expect_success "SIGKILL at random points, incremental --job, run $n: equal after reruns" '
		kill_run incremental
	'
done

test_expect_success 'the ten runs were killed at least once in all' '
	say "loads killed per run: $(tr "\n" " " <kills.count)" &&
	test $(wc -l <kills.count) = 10 &&
	test $(awk "{ s += \$1 } END { print s }" kills.count) -ge 1
'

test_done
