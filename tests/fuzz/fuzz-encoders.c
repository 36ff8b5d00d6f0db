/*
 * fuzz-encoders - libFuzzer target for the text ferry-load writes for the
 * servers (loadfmt.h): PostgreSQL COPY text fields, MySQL LOAD DATA
 * fields and MySQL INSERT literals.
 *
 * Input: byte 0 picks the type, byte 1 flags (bit 0: a bool goes to an
 * integer column; bit 1: SQL NULL), the rest makes the value (integers,
 * dates, times and timestamps from 8 little-endian bytes, floats from
 * their bits, strings from the bytes as they are, uuids from 16 bytes).
 * A value that value_check refuses is left out, as the stream reader
 * would.  Each encoder's output must decode back to the value by the
 * server's rules, written here independently: no raw field or line
 * terminator inside a field, only the escapes the server knows, and the
 * unescaped text is the value (strings byte for byte, the rest through
 * value_parse or a parser of PostgreSQL's date forms, compared with
 * value_compare).  A refusal is ERR_STREAM, and only for a value the
 * server has no room for.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-encoders`, and
 * with tests/fuzz/replay.c into build/asan/tests/replay-encoders, which
 * `make check` runs on testdata/fuzz/encoders.
 */
#include <math.h>
#include <mysql.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/loadfmt.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static MYSQL *fuzz_my;

static void fuzz_fail(enum value_type t, const char *what,
		      const struct buf *out)
{
	fprintf(stderr, "fuzz-encoders: %s: %s: '%.*s'\n", value_type_name(t),
		what, out ? (int)out->len : 0,
		out && out->data ? (const char *)out->data : "");
	abort();
}

/* the insert path's quoting, as sink_mysql.c does it */
static int fuzz_quote(void *ctx, struct buf *b, const char *s, size_t len,
		      struct err *e)
{
	unsigned long n;

	(void)ctx;
	if (buf_reserve(b, 2 * len + 3, e) < 0)
		return -1;
	b->data[b->len++] = '\'';
	n = mysql_real_escape_string(fuzz_my, (char *)b->data + b->len, s,
				     (unsigned long)len);
	b->len += n;
	b->data[b->len++] = '\'';
	b->data[b->len] = '\0';
	return 0;
}

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8 && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* COPY text and LOAD DATA unescaping: the escapes in `known` only */
static int unescape(const struct buf *in, struct buf *out, const char *from,
		    const char *to)
{
	struct err e;

	buf_reset(out);
	for (size_t i = 0; i < in->len; i++) {
		unsigned char c = in->data[i];
		const char *k;
		if (c != '\\') {
			buf_addc(out, c, &e);
			continue;
		}
		if (++i == in->len || !(k = strchr(from, in->data[i])) ||
		    !in->data[i])
			return -1;
		buf_addc(out, (unsigned char)to[k - from], &e);
	}
	return 0;
}

static int digits(const char **p, const char *end, int64_t *v)
{
	const char *s = *p;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' && *p - s < 12)
		*v = *v * 10 + (*(*p)++ - '0');
	return *p > s ? 0 : -1;
}

static int lit(const char **p, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - *p) < n || memcmp(*p, w, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* PostgreSQL's output: YYYY-MM-DD[ HH:MM:SS.ffffff][+00][ BC] */
static int pg_time_text(const char *s, size_t len, enum value_type t,
			int64_t *out)
{
	const char *p = s, *end = s + len;
	int64_t y, m, d, hh, mm, ss, us, days = 0;
	int bc = 0;

	if (len >= 3 && memcmp(end - 3, " BC", 3) == 0) {
		bc = 1;
		end -= 3;
	}
	if (t == VALUE_TIME)
		goto clock;
	if (digits(&p, end, &y) < 0 || lit(&p, end, "-") < 0 ||
	    digits(&p, end, &m) < 0 || lit(&p, end, "-") < 0 ||
	    digits(&p, end, &d) < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if (bc)
		y = 1 - y;
	days = value_days_from_civil(y, (unsigned)m, (unsigned)d);
	if (t == VALUE_DATE) {
		*out = days;
		return p == end ? 0 : -1;
	}
	if (lit(&p, end, " ") < 0)
		return -1;
clock:
	if (digits(&p, end, &hh) < 0 || lit(&p, end, ":") < 0 ||
	    digits(&p, end, &mm) < 0 || lit(&p, end, ":") < 0 ||
	    digits(&p, end, &ss) < 0 || lit(&p, end, ".") < 0 || end - p < 6 ||
	    digits(&p, p + 6, &us) < 0)
		return -1;
	us += (hh * 3600 + mm * 60 + ss) * INT64_C(1000000);
	if (t == VALUE_TIME) {
		*out = us;
		return p == end && !bc ? 0 : -1;
	}
	if (t == VALUE_TIMESTAMPTZ && lit(&p, end, "+00") < 0)
		return -1;
	*out = days * INT64_C(86400000000) + us;
	return p == end ? 0 : -1;
}

/* the unescaped text s of a non-string value of type t is v */
static void same_value(enum value_type t, const struct value *v,
		       const struct buf *s, int pg, const struct buf *out)
{
	struct buf scratch;
	struct value w;
	struct err e;

	err_init(&e);
	buf_init(&scratch, 1u << 20);
	w.null = false;
	if (t == VALUE_BYTES) {
		if (value_parse(t, (const char *)s->data, s->len, &scratch, &w,
				&e) < 0)
			fuzz_fail(t, "bytes do not read back", out);
	} else if (pg &&
		   (t == VALUE_DATE || t == VALUE_TIME ||
		    t == VALUE_TIMESTAMP || t == VALUE_TIMESTAMPTZ) &&
		   !(s->len && s->data[s->len - 1] == 'y')) {
		if (pg_time_text((const char *)s->data, s->len, t, &w.v.i) < 0)
			fuzz_fail(t, "not PostgreSQL's form", out);
	} else if (value_parse(t == VALUE_TIMESTAMPTZ ? VALUE_TIMESTAMP : t,
			       (const char *)s->data, s->len, &scratch, &w,
			       &e) < 0) {
		fuzz_fail(t, "does not read back", out);
	}
	if (value_compare(t, v, &w) != 0)
		fuzz_fail(t, "reads back as another value", out);
	buf_release(&scratch);
}

static int is_string(enum value_type t)
{
	return t == VALUE_TEXT || t == VALUE_ENUM || t == VALUE_JSON ||
	       t == VALUE_DECIMAL;
}

static void pg_copy(enum value_type t, int as_int, const struct value *v)
{
	struct buf out, s;
	struct err e;

	err_init(&e);
	buf_init(&out, 4u << 20);
	buf_init(&s, 4u << 20);
	if (loadfmt_pg_copy(&out, t, as_int, v, &e) < 0) {
		if (e.class != ERR_STREAM || v->null || !is_string(t) ||
		    !memchr(v->v.s.p, '\0', v->v.s.len))
			fuzz_fail(t, "COPY refuses a value", NULL);
		goto out;
	}
	if (memchr(out.data, '\t', out.len) ||
	    memchr(out.data, '\n', out.len) ||
	    memchr(out.data, '\r', out.len) || memchr(out.data, '\0', out.len))
		fuzz_fail(t, "a COPY field with a raw terminator", &out);
	if (v->null) {
		if (out.len != 2 || memcmp(out.data, "\\N", 2) != 0)
			fuzz_fail(t, "NULL is not \\N", &out);
		goto out;
	}
	if (out.len == 2 && memcmp(out.data, "\\N", 2) == 0)
		fuzz_fail(t, "a value reads as NULL", &out);
	if (unescape(&out, &s, "\\tnr", "\\\t\n\r") < 0)
		fuzz_fail(t, "a COPY escape the server reads otherwise", &out);
	if (is_string(t)) {
		if (s.len != v->v.s.len ||
		    (s.len && memcmp(s.data, v->v.s.p, s.len)))
			fuzz_fail(t, "COPY text changes a string", &out);
	} else if (t == VALUE_BOOL) {
		const char *want =
		    as_int ? (v->v.b ? "1" : "0") : (v->v.b ? "t" : "f");
		if (s.len != 1 || s.data[0] != (unsigned char)want[0])
			fuzz_fail(t, "a bool changes", &out);
	} else {
		same_value(t, v, &s, 1, &out);
	}
out:
	buf_release(&out);
	buf_release(&s);
}

/* a value MySQL has no room for */
static int my_refuses(enum value_type t, const struct value *v)
{
	int64_t y;
	unsigned m, d;
	int64_t days;

	switch (t) {
	case VALUE_FLOAT64: return !isfinite(v->v.f);
	case VALUE_DECIMAL:
		return v->v.s.len &&
		       (v->v.s.p[0] == 'N' || v->v.s.p[0] == 'I' ||
			(v->v.s.p[0] == '-' && v->v.s.len > 1 &&
			 v->v.s.p[1] == 'I'));
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		if (t == VALUE_DATE ? v->v.i == VALUE_DATE_NEG_INF ||
					  v->v.i == VALUE_DATE_POS_INF
				    : v->v.i == VALUE_TS_NEG_INF ||
					  v->v.i == VALUE_TS_POS_INF)
			return 1;
		if (t == VALUE_DATE) {
			days = v->v.i;
		} else {
			days = v->v.i / INT64_C(86400000000);
			if (v->v.i % INT64_C(86400000000) < 0)
				days--;
		}
		value_civil_from_days(days, &y, &m, &d);
		return y < 1 || y > 9999;
	default: return 0;
	}
}

static void my_field(enum value_type t, const struct value *v,
		     struct buf *field_out)
{
	struct buf out, s;
	struct err e;

	err_init(&e);
	buf_init(&out, 4u << 20);
	buf_init(&s, 4u << 20);
	if (loadfmt_my_field(&out, t, v, &e) < 0) {
		if (e.class != ERR_STREAM || v->null || !my_refuses(t, v))
			fuzz_fail(t, "LOAD DATA refuses a value", NULL);
		goto out;
	}
	if (!v->null && my_refuses(t, v))
		fuzz_fail(t, "LOAD DATA takes a value MySQL cannot hold", &out);
	buf_add(field_out, out.data, out.len, &e);
	if (memchr(out.data, '\t', out.len) ||
	    memchr(out.data, '\n', out.len) ||
	    memchr(out.data, '\r', out.len) || memchr(out.data, '\0', out.len))
		fuzz_fail(t, "a LOAD DATA field with a raw terminator", &out);
	if (v->null) {
		if (out.len != 2 || memcmp(out.data, "\\N", 2) != 0)
			fuzz_fail(t, "NULL is not \\N", &out);
		goto out;
	}
	if (out.len == 2 && memcmp(out.data, "\\N", 2) == 0)
		fuzz_fail(t, "a value reads as NULL", &out);
	if (unescape(&out, &s, "\\tnr0", "\\\t\n\r") < 0)
		fuzz_fail(t, "a LOAD DATA escape MySQL reads otherwise", &out);
	if (is_string(t) || t == VALUE_BYTES) {
		if (s.len != v->v.s.len ||
		    (s.len && memcmp(s.data, v->v.s.p, s.len)))
			fuzz_fail(t, "LOAD DATA changes a string", &out);
	} else if (t == VALUE_BOOL) {
		if (s.len != 1 || s.data[0] != (v->v.b ? '1' : '0'))
			fuzz_fail(t, "a bool changes", &out);
	} else {
		same_value(t, v, &s, 0, &out);
	}
out:
	buf_release(&out);
	buf_release(&s);
}

/* a MySQL string literal's body, unescaped; -1 on a lone quote */
static int my_unquote(const struct buf *in, struct buf *out)
{
	static const char from[] = "0'\"bnrtZ\\", to[] = "\0'\"\b\n\r\t\032\\";
	struct err e;

	buf_reset(out);
	if (in->len < 2 || in->data[0] != '\'' || in->data[in->len - 1] != '\'')
		return -1;
	for (size_t i = 1; i + 1 < in->len; i++) {
		unsigned char c = in->data[i];
		const char *k;
		if (c == '\'')
			return -1; /* '' is not what the escaper writes */
		if (c != '\\') {
			buf_addc(out, c, &e);
			continue;
		}
		if (++i + 1 >= in->len || !in->data[i] ||
		    !(k = strchr(from, in->data[i])))
			return -1;
		buf_addc(out, (unsigned char)to[k - from], &e);
	}
	return 0;
}

static void my_literal(enum value_type t, const struct value *v,
		       const struct buf *field)
{
	struct buf out, s;
	struct err e;
	int quoted = t != VALUE_BOOL && t != VALUE_INT64 && t != VALUE_UINT64 &&
		     t != VALUE_FLOAT64;

	err_init(&e);
	buf_init(&out, 4u << 20);
	buf_init(&s, 4u << 20);
	if (loadfmt_my_literal(&out, t, v, fuzz_quote, NULL, &e) < 0) {
		if (e.class != ERR_STREAM || v->null || !my_refuses(t, v))
			fuzz_fail(t, "INSERT refuses a value", NULL);
		goto out;
	}
	if (v->null) {
		if (out.len != 4 || memcmp(out.data, "NULL", 4) != 0)
			fuzz_fail(t, "NULL is not NULL", &out);
		goto out;
	}
	if (t == VALUE_BYTES) {
		struct buf scratch;
		struct value w;
		buf_init(&scratch, 4u << 20);
		if (out.len < 3 || memcmp(out.data, "X'", 2) != 0 ||
		    out.data[out.len - 1] != '\'')
			fuzz_fail(t, "bytes are not X'hex'", &out);
		buf_adds(&s, "\\x", &e);
		buf_add(&s, out.data + 2, out.len - 3, &e);
		if (value_parse(t, (const char *)s.data, s.len, &scratch, &w,
				&e) < 0 ||
		    w.v.s.len != v->v.s.len ||
		    memcmp(w.v.s.p, v->v.s.p, w.v.s.len) != 0)
			fuzz_fail(t, "X'hex' reads back as other bytes", &out);
		buf_release(&scratch);
	} else if (is_string(t) && t != VALUE_DECIMAL) {
		if (my_unquote(&out, &s) < 0)
			fuzz_fail(t, "a string literal MySQL reads otherwise",
				  &out);
		if (s.len != v->v.s.len ||
		    (s.len && memcmp(s.data, v->v.s.p, s.len)))
			fuzz_fail(t, "a string literal changes the string",
				  &out);
	} else if (quoted) {
		/* the LOAD DATA text in quotes, with nothing to escape */
		if (out.len != field->len + 2 || out.data[0] != '\'' ||
		    memcmp(out.data + 1, field->data, field->len) != 0 ||
		    memchr(field->data, '\'', field->len) ||
		    memchr(field->data, '\\', field->len))
			fuzz_fail(t, "a quoted literal is not the field text",
				  &out);
	} else if (out.len != field->len ||
		   memcmp(out.data, field->data, out.len) != 0) {
		fuzz_fail(t, "a number literal is not the field text", &out);
	}
out:
	buf_release(&out);
	buf_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum value_type t;
	struct value v;
	struct buf field;
	struct err e;
	const uint8_t *p;
	size_t n;

	if (size < 2)
		return 0;
	if (!fuzz_my && !(fuzz_my = mysql_init(NULL)))
		abort();
	t = (enum value_type)(data[0] % VALUE_TYPE_COUNT);
	if (t == VALUE_NULL)
		return 0;
	p = data + 2;
	n = size - 2;
	memset(&v, 0, sizeof(v));
	v.null = (data[1] & 2) != 0;
	switch (t) {
	case VALUE_BOOL: v.v.b = n && (p[0] & 1); break;
	case VALUE_INT64:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: v.v.i = (int64_t)le64(p, n); break;
	case VALUE_UINT64: v.v.u = le64(p, n); break;
	case VALUE_FLOAT64: {
		uint64_t bits = le64(p, n);
		memcpy(&v.v.f, &bits, 8);
		break;
	}
	case VALUE_DATE:
		v.v.i = (int32_t)(uint32_t)le64(p, n < 4 ? n : 4);
		break;
	case VALUE_TIME:
		v.v.i = (int64_t)(le64(p, n) % (uint64_t)(VALUE_TIME_MAX + 1));
		break;
	case VALUE_UUID: memcpy(v.v.uuid, p, n < 16 ? n : 16); break;
	default:
		v.v.s.p = (const char *)p;
		v.v.s.len = n;
		break;
	}
	err_init(&e);
	if (!v.null && value_check(t, &v, NULL, 0, &e) < 0)
		return 0;
	buf_init(&field, 4u << 20);
	pg_copy(t, data[1] & 1, &v);
	my_field(t, &v, &field);
	my_literal(t, &v, &field);
	buf_release(&field);
	return 0;
}
