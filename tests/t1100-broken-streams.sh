#!/bin/sh
# Every deliberately broken stream is refused with exit 3 and a message
# that says what is wrong and where; none crashes or hangs.
. "$(dirname "$0")/lib.sh"

cp -r "$TESTDATA/broken" . || exit 1

# expect_broken FILE MESSAGE: --check, jsonl, csv and summary all exit 3
expect_broken() {
	echo "ferry-cat: broken/$1: $2" >expect &&
	for mode in "--check" "-f jsonl" "-f csv" "-f summary"; do
		test_expect_code 3 timeout 60 ferry-cat $mode "broken/$1" >/dev/null 2>err &&
		test_cmp expect err || return 1
	done &&
	test_expect_code 3 timeout 60 ferry-cat --check <"broken/$1" 2>err &&
	echo "ferry-cat: stdin: $2" >expect &&
	test_cmp expect err
}

test_expect_success 'empty file' '
	expect_broken empty.ferry "byte 0: empty input: not a ferry stream"
'

test_expect_success 'garbage' '
	expect_broken garbage.ferry "byte 0: not a ferry stream (bad signature)"
'

test_expect_success 'a zstd file instead of a stream' '
	expect_broken zstd-file.ferry "byte 0: not a ferry stream: a zstd file (decompress it first)"
'

test_expect_success 'text-mode conversion (LF to CR LF) breaks the signature visibly' '
	expect_broken crlf.ferry "byte 0: damaged ferry signature (was the stream converted as text, CR LF changed?)"
'

test_expect_success 'a newer major version' '
	expect_broken version-3.ferry "byte 0: stream version 3.0 is not supported (this reader reads versions 1 and 2)"
'

test_expect_success 'a version 2 header on the frames of version 1: its stream-end is short' '
	expect_broken version-2.ferry "byte 3300: stream-end frame of 40 bytes (expected 56)"
'

test_expect_success 'truncated in the middle of a batch' '
	expect_broken truncated-batch.ferry "byte 2512: table messages, batch 1: truncated stream: ends inside the payload of a rows frame (185 of 370 bytes)"
'

test_expect_success 'truncated inside a frame header' '
	expect_broken truncated-header.ferry "byte 2512: table messages: truncated stream: ends inside a frame header (10 of 28 bytes)"
'

test_expect_success 'missing the stream-end frame' '
	expect_broken no-stream-end.ferry "byte 3300: truncated stream: no stream-end frame after table read_receipts"
'

test_expect_success 'one flipped byte in a compressed payload' '
	expect_broken flipped-zstd-payload.ferry "byte 830: table messages, batch 2: payload checksum mismatch"
'

test_expect_success 'one flipped byte in an uncompressed payload' '
	expect_broken flipped-payload.ferry "byte 714: table users, batch 1: payload checksum mismatch"
'

test_expect_success 'one flipped byte in a frame header' '
	expect_broken flipped-header.ferry "byte 1578: table chat_groups: frame header checksum mismatch"
'

test_expect_success 'a changed value with resealed checksums is caught by the digest' '
	expect_broken digest-mismatch.ferry "byte 988: table users: digest mismatch: table-end says 3e9b4bd883a5923ea70d5fbe5791fbb6, the rows give 2b891b5d37c38e44d0bd7d503fff8fac"
'

test_expect_success 'a table-end row count that does not match' '
	expect_broken count-mismatch.ferry "byte 988: table users: table-end says 5 rows, the stream holds 4"
'

test_expect_success 'a frame over the size limit is refused before allocating' '
	expect_broken frame-too-large.ferry "byte 714: table users, batch 1: frame of 83886080 bytes is over the limit of 68157440"
'

test_expect_success 'an unknown frame kind that is not skippable' '
	expect_broken unknown-frame.ferry "byte 3300: unknown frame kind 112 (not skippable)"
'

test_expect_success 'trailing garbage after the stream end' '
	expect_broken trailing-garbage.ferry "byte 3368: trailing data after the stream-end frame"
'

test_expect_success 'every truncation of a small stream is refused with 3' '
	f="$TESTDATA/golden/chat-stored.ferry" &&
	size=$(wc -c <"$f") &&
	n=0 &&
	while [ $n -lt $size ]; do
		head -c $n "$f" >cut.ferry &&
		test_expect_code 3 ferry-cat --check -q cut.ferry 2>/dev/null || {
			echo "cut at $n was not refused with 3" >&2; return 1; }
		n=$((n + 7))
	done
'

test_expect_success 'a truncated stream piped in is refused, never taken as complete' '
	head -c 3000 "$TESTDATA/golden/chat-stored.ferry" >cut.ferry &&
	test_expect_code 3 ferry-cat -f tsv <cut.ferry >out 2>err &&
	test_grep "truncated stream" err
'

test_done
