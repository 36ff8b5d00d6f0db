#!/bin/sh
# Streams encode, decode and check; golden outputs stay as they are
. "$(dirname "$0")/lib.sh"

G=$TESTDATA/golden

test_expect_success 'encoding the golden input uncompressed gives the golden stream byte for byte' '
	ferry-cat --encode -S "$G/chat.schema.json" -l 0 -o out.ferry "$G/chat.jsonl" &&
	cmp "$G/chat-stored.ferry" out.ferry
'

test_expect_success 'decoding gives the golden JSON lines, CSV and TSV' '
	ferry-cat "$G/chat.ferry" >out.jsonl &&
	test_cmp "$G/chat.out.jsonl" out.jsonl &&
	ferry-cat -f csv "$G/chat.ferry" >out.csv &&
	test_cmp "$G/chat.csv" out.csv &&
	ferry-cat -f tsv "$G/chat.ferry" >out.tsv &&
	test_cmp "$G/chat.tsv" out.tsv
'

test_expect_success 'the summary of the stored stream is the golden one' '
	ferry-cat -f summary "$G/chat-stored.ferry" >out.summary &&
	test_cmp "$G/chat-stored.summary" out.summary
'

test_expect_success 'decoded JSON lines encode back to the same rows (same digest)' '
	ferry-cat "$G/chat.ferry" >a.jsonl &&
	ferry-cat --encode -S "$G/chat.schema.json" -o b.ferry a.jsonl &&
	ferry-cat b.ferry >b.jsonl &&
	test_cmp a.jsonl b.jsonl &&
	ferry-cat --check "$G/chat.ferry" | sed "s/^[^:]*: //" >da &&
	ferry-cat --check b.ferry | sed "s/^[^:]*: //" >db &&
	test_cmp da db
'

test_expect_success '--check prints one ok line with the totals' '
	ferry-cat --check "$G/chat.ferry" >out 2>err &&
	echo "$G/chat.ferry: ok, 4 tables, 15 rows, digest 1d4d51090c6291741ad6cf832b693eaa" >expect &&
	test_cmp expect out &&
	test ! -s err
'

test_expect_success '--check -q prints nothing' '
	ferry-cat --check -q "$G/chat.ferry" >out &&
	test ! -s out
'

test_expect_success 'the stream is read from stdin too, named stdin' '
	ferry-cat --check <"$G/chat.ferry" >out &&
	test_grep "stdin: ok, 4 tables" out &&
	ferry-cat --check - <"$G/chat.ferry" >out &&
	test_grep "stdin: ok" out
'

test_expect_success 'compression level changes the bytes, never the digest' '
	for l in 0 1 3 19; do
		ferry-cat --encode -S "$G/messages.schema.json" -l $l --batch-bytes 4096 \
			-o l$l.ferry "$G/messages-zstd.jsonl" &&
		ferry-cat --check l$l.ferry | sed "s/^[^:]*: //" >d$l || return 1
	done &&
	test_cmp d0 d1 && test_cmp d0 d3 && test_cmp d0 d19 &&
	test $(wc -c <l3.ferry) -lt $(wc -c <l0.ferry)
'

test_expect_success 'rows in another order give the same digest; one changed value does not' '
	sort -r "$G/messages-zstd.jsonl" >rev.jsonl &&
	ferry-cat --encode -S "$G/messages.schema.json" -o fwd.ferry "$G/messages-zstd.jsonl" &&
	ferry-cat --encode -S "$G/messages.schema.json" -o rev.ferry rev.jsonl &&
	ferry-cat -f summary fwd.ferry | grep digest: | head -1 >a &&
	ferry-cat -f summary rev.ferry | grep digest: | head -1 >b &&
	test_cmp a b &&
	sed "s/message number 17:/message number 17;/" "$G/messages-zstd.jsonl" >chg.jsonl &&
	ferry-cat --encode -S "$G/messages.schema.json" -o chg.ferry chg.jsonl &&
	ferry-cat -f summary chg.ferry | grep digest: | head -1 >c &&
	! cmp -s a c
'

test_expect_success 'a duplicated row changes the digest (a sum, not an XOR)' '
	(cat "$G/messages-zstd.jsonl"; head -1 "$G/messages-zstd.jsonl"; head -1 "$G/messages-zstd.jsonl") >dup.jsonl &&
	ferry-cat --encode -S "$G/messages.schema.json" -o dup.ferry dup.jsonl &&
	ferry-cat -f summary dup.ferry | grep digest: | head -1 >d &&
	ferry-cat --encode -S "$G/messages.schema.json" -o fwd.ferry "$G/messages-zstd.jsonl" &&
	ferry-cat -f summary fwd.ferry | grep digest: | head -1 >a &&
	! cmp -s a d
'

test_expect_success '-t picks tables; repeated -t picks several' '
	ferry-cat -t chat_groups "$G/chat.ferry" >out &&
	test $(wc -l <out) -eq 3 &&
	! grep -v "\"table\":\"chat_groups\"" out &&
	ferry-cat -t users -t chat_groups -f csv "$G/chat.ferry" >out &&
	test $(grep -c "^\"id\"" out) -eq 2
'

test_expect_success 'batches split at --batch-bytes and the summary counts them' '
	ferry-cat -f summary "$G/messages-zstd.ferry" >out &&
	test_grep "  rows: 400" out &&
	test_grep "  batches: 10" out &&
	test_grep "  watermark: sent_at = 2025-01-01T00:00:59Z" out
'

test_expect_success 'concatenated streams read as one sequence of tables' '
	cat "$G/chat.ferry" "$G/messages-zstd.ferry" >both.ferry &&
	ferry-cat both.ferry >out &&
	test $(wc -l <out) -eq 415 &&
	ferry-cat --check both.ferry >out &&
	test_grep "ok, 5 tables, 415 rows" out
'

test_expect_success 'an unknown skippable frame is skipped' '
	ferry-cat --check "$G/skippable-frame.ferry" >out &&
	test_grep "ok, 4 tables, 15 rows" out &&
	ferry-cat -f summary "$G/skippable-frame.ferry" >out &&
	test_grep "skipped frames: 1" out
'

test_expect_success 'an empty table survives: schema, zero rows, zero digest' '
	ferry-cat -f summary "$G/chat.ferry" >out &&
	test_grep "table read_receipts" out &&
	test_grep "  digest: 00000000000000000000000000000000" out
'

test_expect_success 'text that looks like NULL stays text in every format' '
	ferry-cat -t messages -f tsv "$G/chat.ferry" >out &&
	grep "^4	" out | cut -f4 >v &&
	echo NULL >expect && test_cmp expect v &&
	ferry-cat -t messages "$G/chat.ferry" | grep "\"id\":4," >out &&
	test_grep "\"body\":\"NULL\"" out
'

test_expect_success 'integers past 2^53 keep every digit' '
	ferry-cat -t users "$G/chat.ferry" >out &&
	test_grep "\"id\":9223372036854775807," out &&
	ferry-cat -t chat_groups "$G/chat.ferry" >out &&
	test_grep "\"id\":18446744073709551615," out
'

test_expect_success 'JSON null in a json column stays apart from SQL NULL' '
	echo "{\"name\":\"j\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"doc\",\"type\":\"json\"}]}" >j.json &&
	printf "%s\n" "{\"id\":1,\"doc\":\"null\"}" "{\"id\":2,\"doc\":null}" \
		"{\"id\":3,\"doc\":{\"a\" : [1, 2]}}" "{\"id\":4,\"doc\":\"{\\\"x\\\":\\n1}\"}" >j.jsonl &&
	ferry-cat --encode -S j.json -o j.ferry j.jsonl &&
	ferry-cat j.ferry >out &&
	cat >expect <<-\EOT &&
	{"table":"j","row":{"id":1,"doc":"null"}}
	{"table":"j","row":{"id":2,"doc":null}}
	{"table":"j","row":{"id":3,"doc":"{\"a\" : [1, 2]}"}}
	{"table":"j","row":{"id":4,"doc":"{\"x\":\n1}"}}
	EOT
	test_cmp expect out &&
	ferry-cat -f tsv j.ferry >out &&
	printf "id\tdoc\n1\tnull\n2\t\\\\N\n3\t{\"a\" : [1, 2]}\n4\t{\"x\":\\\\n1}\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a json column refuses text that is not JSON' '
	echo "{\"id\":1,\"doc\":\"not json\"}" >bad.jsonl &&
	test_expect_code 3 ferry-cat --encode -S j.json -o bad.ferry bad.jsonl 2>err &&
	test_grep "line 1: table j, row 1, column doc: invalid JSON at byte 0" err
'

test_done
