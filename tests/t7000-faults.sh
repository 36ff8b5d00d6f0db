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

test_done
