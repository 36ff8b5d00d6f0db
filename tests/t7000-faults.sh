#!/bin/sh
# Failing disks, closed pipes and signals: the right exit code and message,
# never a half stream left behind as if it were whole
. "$(dirname "$0")/lib.sh"

G=$TESTDATA/golden
INJECT=$FERRY_BIN/tests/libinject.so
# the shim goes after the ASan runtime; ASan must not insist on being first
inject() {
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" LD_PRELOAD="$INJECT" "$@"
}

test_expect_success 'a full disk on stdout exits 8 with the system error' '
	test_expect_code 8 ferry-cat "$G/chat.ferry" >/dev/full 2>err &&
	echo "ferry-cat: write error: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success 'a full disk while encoding to -o exits 8 and removes the file' '
	inject_env=ENOSPC:3000 &&
	FERRY_INJECT_WRITE=$inject_env inject ferry-cat --encode -S "$G/messages.schema.json" \
		-l 0 --batch-bytes 4096 -o out.ferry "$G/messages-zstd.jsonl" 2>err;
	test $? -eq 8 &&
	test_grep "write error: No space left on device" err &&
	test ! -e out.ferry
'

test_expect_success 'a read error exits 8 and says at which byte' '
	FERRY_INJECT_READ=EIO:2000 inject ferry-cat --check "$G/chat-stored.ferry" >out 2>err;
	test $? -eq 8 &&
	test_grep "ferry-cat: read error at byte " err &&
	test_grep "Input/output error" err &&
	test ! -s out
'

test_expect_success 'a read error while encoding exits 8' '
	FERRY_INJECT_READ=EIO:2400 inject ferry-cat --encode -S "$G/chat.schema.json" \
		-o out.ferry "$G/chat.jsonl" 2>err;
	test $? -eq 8 &&
	test_grep "read error" err &&
	test ! -e out.ferry
'

test_expect_success 'a closed pipe downstream exits 7' '
	for i in 1 2 3 4 5 6; do cat "$G/messages-zstd.ferry"; done >six.ferry &&
	{ ferry-cat six.ferry 2>err; echo $? >rc; } | head -c 100 >/dev/null &&
	echo 7 >expect && test_cmp expect rc &&
	echo "ferry-cat: the next stage of the pipe is gone" >expect &&
	test_cmp expect err
'

test_expect_success 'SIGTERM exits 7 with a message' '
	mkfifo fifo &&
	{ ferry-cat fifo >/dev/null 2>err & } &&
	pid=$! &&
	exec 5>fifo &&
	sleep 1 &&
	kill -TERM $pid &&
	{ wait $pid; echo $? >rc; } &&
	exec 5>&- &&
	echo 7 >expect && test_cmp expect rc &&
	test_grep "ferry-cat: interrupted" err
'

test_expect_success 'SIGTERM while encoding to -o: no file, no temporary file' '
	rm -f fifo && mkfifo fifo &&
	{ ferry-cat --encode -S "$G/messages.schema.json" -o part.ferry fifo 2>err & } &&
	pid=$! &&
	exec 5>fifo &&
	head -100 "$G/messages-zstd.jsonl" >&5 &&
	sleep 1 &&
	kill -TERM $pid &&
	{ wait $pid; echo $? >rc; } &&
	exec 5>&- &&
	echo 7 >expect && test_cmp expect rc &&
	test ! -e part.ferry &&
	test -z "$(ls -A | grep "^\.part\.ferry\.")"
'

test_expect_success 'past ulimit -f: exit 8, File too large, no file left' '
	awk -v n=3000 -f "$TEST_ROOT/scripts/gen-messages.awk" >big.jsonl &&
	( ulimit -f 64 &&
	  ferry-cat --encode -S "$TESTDATA/bench/messages.schema.json" -l 0 -o big.ferry big.jsonl 2>err;
	  echo $? >rc ) &&
	echo 8 >expect && test_cmp expect rc &&
	test_grep "write error: File too large" err &&
	test ! -e big.ferry &&
	test -z "$(ls -A | grep "^\.big\.ferry\.")"
'

# --- files for others to read appear complete or not at all ---------------

test_expect_success 'a full disk while writing --report keeps the good report there was' '
	ferry-verify "$G/chat.ferry" "$G/chat.ferry" -t users --report r.json >out 2>err &&
	cp r.json good.json &&
	FERRY_INJECT_WRITE=ENOSPC:0 inject ferry-verify "$G/chat.ferry" "$G/chat.ferry" -t users \
		--report r.json >out 2>err;
	test $? -eq 8 &&
	test_cmp good.json r.json &&
	test -z "$(ls -A | grep "^\.r\.json\.")"
'

test_expect_success 'a failed decode to -o leaves no file; a good one appears whole' '
	head -c 1500 "$G/chat.ferry" >cut.ferry &&
	test_expect_code 3 ferry-cat -o rows.jsonl cut.ferry 2>err &&
	test ! -e rows.jsonl &&
	test -z "$(ls -A | grep "^\.rows\.jsonl\.")" &&
	ferry-cat -o rows.jsonl "$G/chat.ferry" &&
	ferry-cat "$G/chat.ferry" >expect &&
	test_cmp expect rows.jsonl
'

# --- closed standard descriptors ---------------------------------------------

test_expect_success 'a closed stdin is named, never read from whatever takes fd 0' '
	test_expect_code 2 ferry-cat <&- 2>err &&
	echo "ferry-cat: standard input is closed: there is no stream to read (name a file)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-transform -s "$TESTDATA/specs/chat-renamed.json" <&- >/dev/null 2>err &&
	test_grep "standard input is closed" err &&
	test_expect_code 2 ferry-verify - "$G/chat.ferry" <&- >/dev/null 2>err &&
	test_grep "standard input is closed" err
'

test_expect_success 'a closed stdout is named, never written to whatever takes fd 1' '
	test_expect_code 2 ferry-cat "$G/chat.ferry" >&- 2>err &&
	echo "ferry-cat: standard output is closed: there is nowhere to write (use -o FILE)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ferry-transform -s "$TESTDATA/specs/chat-renamed.json" "$G/chat.ferry" >&- 2>err &&
	test_grep "standard output is closed" err &&
	ferry-cat -o copy.jsonl "$G/chat.ferry" >&- 2>err &&
	test_file_not_empty copy.jsonl
'

test_expect_success 'a closed stderr: a failing tool still exits with its code' '
	test_expect_code 3 ferry-cat --check cut.ferry 2>&-
'

test_done
