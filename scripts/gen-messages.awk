# gen-messages.awk - N chat-message-like rows as ferry JSON lines, for the
# stream benchmark and for big-stream tests.  Deterministic for one awk.
#   awk -v n=1000000 -f scripts/gen-messages.awk > messages.jsonl
# The schema is testdata/bench/messages.schema.json.
BEGIN {
	srand(42)
	split("hello|ok|see you at 10|did you get the file?|👍|😀 haha|你好，今天下午开会吗？|I'm running late, start without me|line one\\nline two\\n\\tindented|she said \\\"no\\\" \\\\ then left|мы уже едем|ありがとうございます|the build is red again, who broke main?", words, "|")
	nw = length(words)
	split("text|text|text|text|image|file|system", kinds, "|")
	t = 1700000000
	for (i = 1; i <= n; i++) {
		body = words[int(rand() * nw) + 1]
		k = int(rand() * 4)
		for (j = 0; j < k; j++)
			body = body " " words[int(rand() * nw) + 1]
		kind = kinds[int(rand() * 7) + 1]
		t += int(rand() * 3)
		us = int(rand() * 1000000)
		if (rand() < 0.05)
			b = "null"
		else
			b = "\"" body "\""
		if (rand() < 0.1)
			meta = "{\"reply_to\":" int(rand() * i) ",\"mentions\":[" int(rand() * 5000) "]}"
		else
			meta = "null"
		edited = rand() < 0.02 ? "\"" strftime("%Y-%m-%dT%H:%M:%S", t + 60, 1) ".5Z\"" : "null"
		printf "{\"id\":%d,\"conversation_id\":%d,\"sender_id\":%d,\"kind\":\"%s\",\"body\":%s,\"meta\":%s,\"deleted\":%s,\"created_at\":\"%s.%06dZ\",\"edited_at\":%s}\n",
			i, int(rand() * 20000) + 1, int(rand() * 5000) + 1, kind, b, meta,
			rand() < 0.01 ? "true" : "false",
			strftime("%Y-%m-%dT%H:%M:%S", t, 1), us, edited
	}
}
