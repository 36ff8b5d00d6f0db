#!/bin/sh
# A tool started with fd 0, 1 or 2 closed: the database connection would
# take the closed fd, and ferry-load would read its "stream" from the
# MariaDB socket (and hang), ferry-extract would write the stream, rows and
# all, into the connection.  Every tool holds fds 0-2 open before anything
# else and says which one is closed.
. "$(dirname "$0")/lib.sh"
test_need_db

test_expect_success 'setup: a table on both engines' '
	my_fresh_db && pg_fresh_db &&
	my_sql "CREATE TABLE t (id INT PRIMARY KEY, body TEXT); INSERT INTO t VALUES (1, '"'"'one'"'"'), (2, '"'"'two'"'"')" &&
	ferry-extract "$MY_URI" -t t -o t.ferry
'

test_expect_success 'ferry-load with stdin closed: exit 2 at once, nothing loaded' '
	test_expect_code 2 timeout 20 ferry-load "$MY_URI" -m upsert <&- 2>err &&
	echo "ferry-load: standard input is closed: there is no stream to read (name a file)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 timeout 20 ferry-load "$PG_URI" --create <&- 2>err &&
	test_cmp expect err &&
	test -z "$(pg_sql "SELECT 1 FROM pg_tables WHERE tablename = '"'"'t'"'"'")"
'

test_expect_success 'ferry-extract with stdout closed: exit 2, nothing sent to the server' '
	test_expect_code 2 timeout 20 ferry-extract "$MY_URI" -t t >&- 2>err &&
	echo "ferry-extract: standard output is closed: there is nowhere to write (use -o FILE)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 timeout 20 ferry-extract "$PG_URI" -t t >&- 2>err &&
	test_cmp expect err
'

test_expect_success 'with stdout closed, -o FILE still works; with stderr closed too' '
	ferry-extract "$MY_URI" -t t -o out.ferry >&- 2>&- &&
	ferry-cat --check out.ferry &&
	ferry-load "$PG_URI" --create -i out.ferry <&- >&- 2>&- &&
	test "$(pg_sql "SELECT count(*) FROM t")" = 2
'

test_expect_success 'ferry-verify with stdout closed reports a write error, not a verdict' '
	test_expect_code 8 ferry-verify "$MY_URI" "$PG_URI" -t t >&- 2>err &&
	test_grep "write error" err
'

test_done
