/*
 * fuzz-valtext - libFuzzer target for the text a server or a user sends
 * for a value: value_parse (ferry-cat's JSON lines and CSV, --since, the
 * ::text columns of a PostgreSQL source) and mytext_decode (every column
 * of a MariaDB/MySQL source).
 *
 * Input: byte 0 picks the parser (even: value_parse, odd: mytext_decode),
 * byte 1 the type or decoder, the rest is the text.  Errors are expected;
 * a crash is not, nor an error of another class than ERR_STREAM.  A value
 * that parses and passes value_check must survive its canonical text:
 * value_format, value_parse again, and the second value compares equal
 * (value_compare 0), has the same canonical encoding and formats to the
 * same text, in both the text and the JSON style.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-valtext`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-valtext, which `make
 * check` runs on testdata/fuzz/valtext.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/mysql/mytext.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(enum value_type t, const char *what, const char *a,
		      size_t alen, const char *b, size_t blen)
{
	fprintf(stderr, "fuzz-valtext: %s: %s: '%.*s' / '%.*s'\n",
		value_type_name(t), what, (int)alen, a, (int)blen, b);
	abort();
}

/* the canonical text of v, then v again from it, and the same checks */
static void round_trip(enum value_type t, const struct value *v)
{
	struct buf s1, s2, c1, c2, scratch, js;
	struct value v2;
	struct err e;

	err_init(&e);
	buf_init(&s1, 1u << 20);
	buf_init(&s2, 1u << 20);
	buf_init(&c1, 1u << 20);
	buf_init(&c2, 1u << 20);
	buf_init(&js, 1u << 20);
	buf_init(&scratch, 1u << 20);
	if (value_format(&s1, t, v, VALUE_STYLE_TEXT, &e) < 0)
		fuzz_fail(t, "a checked value does not format", e.msg,
			  strlen(e.msg), "", 0);
	if (value_format(&js, t, v, VALUE_STYLE_JSON, &e) < 0)
		fuzz_fail(t, "a checked value does not format as JSON", e.msg,
			  strlen(e.msg), "", 0);
	if (value_parse(t, (const char *)s1.data, s1.len, &scratch, &v2, &e) <
	    0)
		fuzz_fail(t, "its canonical text does not parse",
			  (const char *)s1.data, s1.len, e.msg, strlen(e.msg));
	if (value_compare(t, v, &v2) != 0)
		fuzz_fail(t, "it parses back to another value",
			  (const char *)s1.data, s1.len, "", 0);
	if (value_format(&s2, t, &v2, VALUE_STYLE_TEXT, &e) < 0 ||
	    s1.len != s2.len || memcmp(s1.data, s2.data, s1.len) != 0)
		fuzz_fail(t, "its canonical text changes",
			  (const char *)s1.data, s1.len, (const char *)s2.data,
			  s2.len);
	if (value_canonical(&c1, t, v, &e) < 0 ||
	    value_canonical(&c2, t, &v2, &e) < 0 || c1.len != c2.len ||
	    memcmp(c1.data, c2.data, c1.len) != 0)
		fuzz_fail(t, "its canonical encoding changes",
			  (const char *)s1.data, s1.len, "", 0);
	buf_release(&s1);
	buf_release(&s2);
	buf_release(&c1);
	buf_release(&c2);
	buf_release(&js);
	buf_release(&scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf scratch;
	struct value v;
	struct err e;
	enum value_type t;
	const char *s;
	size_t len;
	int rc;

	if (size < 2)
		return 0;
	s = (const char *)data + 2;
	len = size - 2;
	err_init(&e);
	buf_init(&scratch, 1u << 20);
	if (data[0] % 2 == 0) {
		t = (enum value_type)(data[1] % VALUE_TYPE_COUNT);
		rc = value_parse(t, s, len, &scratch, &v, &e);
	} else {
		enum mytext_dec d =
		    (enum mytext_dec)(data[1] % MYTEXT_DEC_COUNT);
		t = mytext_type(d);
		rc = mytext_decode(d, s, len, &scratch, &v, &e);
		if (rc == MYTEXT_ZERO_DATE) {
			if (!mytext_is_zero_date(s, len))
				fuzz_fail(t, "a zero date that is not one", s,
					  len, "", 0);
			goto out;
		}
	}
	if (rc < 0) {
		if (e.class != ERR_STREAM)
			fuzz_fail(t, "an error of another class", e.msg,
				  strlen(e.msg), s, len);
		goto out;
	}
	if (rc != 0)
		fuzz_fail(t, "an unknown return code", s, len, "", 0);
	if (value_check(t, &v, NULL, 0, &e) < 0)
		goto out;
	round_trip(t, &v);
out:
	buf_release(&scratch);
	return 0;
}
