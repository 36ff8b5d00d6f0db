#!/bin/sh
# A trigger on a target table can rewrite or drop the rows ferry loads:
# the load refuses such a table before its first row unless told
# --triggers disable (PostgreSQL: off inside the load's transactions) or
# --triggers fire, and --check says the same beforehand.
. "$(dirname "$0")/lib.sh"
test_need_db

cat >msg.json <<\EOF
{"name":"messages","columns":[{"name":"id","type":"int64","nullable":false},{"name":"body","type":"text","nullable":false}],"primary_key":["id"]}
EOF

test_expect_success 'setup: a stream of 5 messages, tables with triggers on both engines' '
	for i in 1 2 3 4 5; do echo "{\"id\":$i,\"body\":\"hello $i\"}"; done |
		ferry-cat --encode -S msg.json -o msg.ferry &&
	pg_fresh_db && my_fresh_db &&
	pg_sql <<-\EOSQL &&
	CREATE TABLE messages (id bigint PRIMARY KEY, body text NOT NULL);
	CREATE TABLE audit (n int);
	CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS
	  $$ BEGIN NEW.body := upper(NEW.body); RETURN NEW; END $$;
	CREATE FUNCTION count_it() RETURNS trigger LANGUAGE plpgsql AS
	  $$ BEGIN INSERT INTO audit VALUES (1); RETURN NULL; END $$;
	CREATE TRIGGER b_shout BEFORE INSERT ON messages
	  FOR EACH ROW EXECUTE FUNCTION shout();
	CREATE TRIGGER a_count AFTER INSERT ON messages
	  FOR EACH ROW EXECUTE FUNCTION count_it();
	ALTER TABLE messages ENABLE ALWAYS TRIGGER a_count;
	CREATE TRIGGER c_off AFTER INSERT ON messages
	  FOR EACH ROW EXECUTE FUNCTION count_it();
	ALTER TABLE messages DISABLE TRIGGER c_off;
	EOSQL
	my_sql <<-\EOSQL
	CREATE TABLE messages (id BIGINT PRIMARY KEY, body TEXT NOT NULL);
	CREATE TRIGGER shout BEFORE INSERT ON messages
	  FOR EACH ROW SET NEW.body = UPPER(NEW.body);
	EOSQL
'

test_expect_success 'PostgreSQL: refused before the first row, the enabled triggers named' '
	test_expect_code 2 ferry-load "$PG_URI" -i msg.ferry 2>err &&
	test_grep "table messages: triggers a_count, b_shout would run on every row ferry writes" err &&
	test_grep "--triggers disable (PostgreSQL) or --triggers fire" err &&
	! grep c_off err &&
	pg_sql "SELECT count(*) FROM messages" >n && echo 0 >zero && test_cmp zero n
'

test_expect_success 'PostgreSQL: --check predicts the refusal, and accepts either choice' '
	test_expect_code 6 ferry-load "$PG_URI" --check -i msg.ferry >out &&
	test_grep "triggers a_count, b_shout would run on every row" out &&
	ferry-load "$PG_URI" --check --triggers disable -i msg.ferry >out &&
	test_grep "2 trigger(s) would be off inside the load" out &&
	ferry-load "$PG_URI" --check --triggers fire -i msg.ferry >out &&
	test_grep "2 trigger(s) would run on every row (--triggers fire)" out
'

test_expect_success 'PostgreSQL: --triggers disable loads the rows as they are, triggers back as they were' '
	ferry-load "$PG_URI" --triggers disable --commit-every 2 -i msg.ferry &&
	pg_sql "SELECT string_agg(body, '"'"','"'"' ORDER BY id) FROM messages" >rows &&
	echo "hello 1,hello 2,hello 3,hello 4,hello 5" >expect && test_cmp expect rows &&
	pg_sql "SELECT count(*) FROM audit" >n && test_cmp zero n &&
	pg_sql "SELECT string_agg(tgname || '"'"'='"'"' || tgenabled::text, '"'"','"'"' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = '"'"'messages'"'"'::regclass" >state &&
	echo "a_count=A,b_shout=O,c_off=D" >expect && test_cmp expect state
'

test_expect_success 'PostgreSQL: the triggers work for the application afterwards' '
	pg_sql "INSERT INTO messages VALUES (9, '"'"'quiet'"'"') RETURNING body" >b &&
	echo QUIET >expect && test_cmp expect b &&
	pg_sql "SELECT count(*) FROM audit" >n && echo 1 >one && test_cmp one n &&
	pg_sql "DELETE FROM audit"
'

test_expect_success 'PostgreSQL: --triggers fire lets them change the rows' '
	ferry-load "$PG_URI" --triggers fire --mode truncate -i msg.ferry &&
	pg_sql "SELECT body FROM messages WHERE id = 1" >b &&
	echo "HELLO 1" >expect && test_cmp expect b &&
	pg_sql "SELECT count(*) FROM audit" >n && echo 5 >five && test_cmp five n
'

test_expect_success 'MariaDB: refused by name, disable is a usage error, fire runs it' '
	test_expect_code 2 ferry-load "$MY_URI" -i msg.ferry 2>err &&
	test_grep "table messages: trigger shout would run on every row ferry writes" err &&
	my_sql "SELECT COUNT(*) FROM messages" >n && printf "COUNT(*)\n0\n" >expect && test_cmp expect n &&
	test_expect_code 2 ferry-load "$MY_URI" --triggers disable -i msg.ferry 2>err &&
	test_grep "MySQL cannot turn a trigger off for one session" err &&
	test_expect_code 6 ferry-load "$MY_URI" --check -i msg.ferry >out &&
	test_grep "trigger shout would run on every row" out &&
	ferry-load "$MY_URI" --triggers fire -i msg.ferry &&
	my_sql "SELECT body FROM messages WHERE id = 2" >b &&
	printf "body\nHELLO 2\n" >expect && test_cmp expect b
'

test_expect_success '--triggers takes refuse, disable or fire' '
	test_expect_code 2 ferry-load "$PG_URI" --triggers maybe -i msg.ferry 2>err &&
	test_grep "--triggers is refuse, disable or fire" err
'

test_done
