#include "db/loadfmt.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* --- PostgreSQL COPY text ------------------------------------------------ */

/* PostgreSQL's date text: years before 1 as "YYYY-MM-DD BC" */
static int add_pg_date(struct buf *b, int64_t days, int *bc, struct err *e)
{
	int64_t y;
	unsigned m, d;

	value_civil_from_days(days, &y, &m, &d);
	*bc = y <= 0;
	if (y <= 0)
		y = 1 - y;
	if ((y > 9999 ? buf_add_u64(b, (uint64_t)y, e)
		      : buf_add_digits(b, (uint64_t)y, 4, e)) < 0 ||
	    buf_addc(b, '-', e) < 0 || buf_add_digits(b, m, 2, e) < 0 ||
	    buf_addc(b, '-', e) < 0)
		return -1;
	return buf_add_digits(b, d, 2, e);
}

static int add_pg_time(struct buf *b, int64_t us, struct err *e)
{
	int64_t s = us / 1000000;

	if (buf_add_digits(b, (uint64_t)(s / 3600), 2, e) < 0 ||
	    buf_addc(b, ':', e) < 0 ||
	    buf_add_digits(b, (uint64_t)(s / 60 % 60), 2, e) < 0 ||
	    buf_addc(b, ':', e) < 0 ||
	    buf_add_digits(b, (uint64_t)(s % 60), 2, e) < 0 ||
	    buf_addc(b, '.', e) < 0)
		return -1;
	return buf_add_digits(b, (uint64_t)(us % 1000000), 6, e);
}

/* COPY text escapes: backslash, tab, newline, CR; NUL cannot be sent */
static int add_copy_text(struct buf *b, const char *s, size_t len,
			 struct err *e)
{
	size_t run = 0;

	if (memchr(s, '\0', len))
		return err_set(
		    e, ERR_STREAM,
		    "text holds a NUL byte, which PostgreSQL refuses "
		    "(a transform can remove it)");
	if (buf_reserve(b, len + len / 8 + 8, e) < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i], esc;
		switch (c) {
		case '\\': esc = '\\'; break;
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		default: continue;
		}
		if (buf_add(b, s + run, i - run, e) < 0 ||
		    buf_addc(b, '\\', e) < 0 ||
		    buf_addc(b, (unsigned char)esc, e) < 0)
			return -1;
		run = i + 1;
	}
	return buf_add(b, s + run, len - run, e);
}

int loadfmt_pg_set_array(struct buf *b, const char *s, size_t len,
			 struct err *e)
{
	if (buf_addc(b, '{', e) < 0)
		return -1;
	for (size_t i = 0; len && i <= len; i++) {
		if (i == 0 || s[i - 1] == ',') {
			if ((i && buf_addc(b, ',', e) < 0) ||
			    buf_addc(b, '"', e) < 0)
				return -1;
		}
		if (i == len || s[i] == ',') {
			if (buf_addc(b, '"', e) < 0)
				return -1;
			continue;
		}
		if ((s[i] == '"' || s[i] == '\\') && buf_addc(b, '\\', e) < 0)
			return -1;
		if (buf_addc(b, (unsigned char)s[i], e) < 0)
			return -1;
	}
	return buf_addc(b, '}', e);
}

int loadfmt_pg_copy_set(struct buf *b, const struct value *v, struct err *e)
{
	struct buf a;
	int rc;

	if (v->null)
		return buf_adds(b, "\\N", e);
	buf_init(&a, (size_t)2 * v->v.s.len + 64);
	rc = loadfmt_pg_set_array(&a, v->v.s.p, v->v.s.len, e) < 0 ||
		     add_copy_text(b, a.data ? (const char *)a.data : "", a.len,
				   e) < 0
		 ? -1
		 : 0;
	buf_release(&a);
	return rc;
}

int loadfmt_pg_copy(struct buf *b, enum value_type t, int bool_as_int,
		    const struct value *v, struct err *e)
{
	int bc;

	if (v->null)
		return buf_adds(b, "\\N", e);
	switch (t) {
	case VALUE_BOOL:
		if (bool_as_int)
			return buf_addc(b, v->v.b ? '1' : '0', e);
		return buf_addc(b, v->v.b ? 't' : 'f', e);
	case VALUE_TEXT:
	case VALUE_ENUM:
	case VALUE_JSON:
	case VALUE_DECIMAL: return add_copy_text(b, v->v.s.p, v->v.s.len, e);
	case VALUE_BYTES: {
		static const char hex[] = "0123456789abcdef";
		const unsigned char *s = (const unsigned char *)v->v.s.p;
		unsigned char *o;
		if (buf_reserve(b, 3 + 2 * v->v.s.len, e) < 0)
			return -1;
		o = b->data + b->len;
		*o++ = '\\';
		*o++ = '\\';
		*o++ = 'x';
		for (size_t k = 0; k < v->v.s.len; k++) {
			*o++ = (unsigned char)hex[s[k] >> 4];
			*o++ = (unsigned char)hex[s[k] & 15];
		}
		b->len = (size_t)(o - b->data);
		b->data[b->len] = '\0';
		return 0;
	}
	case VALUE_DATE:
		if (v->v.i == VALUE_DATE_POS_INF)
			return buf_adds(b, "infinity", e);
		if (v->v.i == VALUE_DATE_NEG_INF)
			return buf_adds(b, "-infinity", e);
		if (add_pg_date(b, v->v.i, &bc, e) < 0)
			return -1;
		return bc ? buf_adds(b, " BC", e) : 0;
	case VALUE_TIME: return add_pg_time(b, v->v.i, e);
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: {
		int64_t days, rem;
		if (v->v.i == VALUE_TS_POS_INF)
			return buf_adds(b, "infinity", e);
		if (v->v.i == VALUE_TS_NEG_INF)
			return buf_adds(b, "-infinity", e);
		days = v->v.i / INT64_C(86400000000);
		rem = v->v.i % INT64_C(86400000000);
		if (rem < 0) {
			rem += INT64_C(86400000000);
			days--;
		}
		if (add_pg_date(b, days, &bc, e) < 0 ||
		    buf_addc(b, ' ', e) < 0 || add_pg_time(b, rem, e) < 0 ||
		    (t == VALUE_TIMESTAMPTZ && buf_adds(b, "+00", e) < 0))
			return -1;
		return bc ? buf_adds(b, " BC", e) : 0;
	}
	default:
		/* numbers and uuids: their text form has nothing to escape */
		return value_format(b, t, v, VALUE_STYLE_TEXT, e);
	}
}

/* --- MariaDB/MySQL LOAD DATA and INSERT --------------------------------- */

/* LOAD DATA escapes: backslash, tab, newline, CR, and NUL as \0 */
static int add_escaped(struct buf *b, const char *s, size_t len, struct err *e)
{
	size_t run = 0;

	if (buf_reserve(b, len + len / 8 + 8, e) < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char esc;
		switch (s[i]) {
		case '\\': esc = '\\'; break;
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\0': esc = '0'; break;
		default: continue;
		}
		if (buf_add(b, s + run, i - run, e) < 0 ||
		    buf_addc(b, '\\', e) < 0 ||
		    buf_addc(b, (unsigned char)esc, e) < 0)
			return -1;
		run = i + 1;
	}
	return buf_add(b, s + run, len - run, e);
}

/* INSERT path: bytes as X'hex' */
static int add_sql_hex(struct buf *b, const char *s, size_t len, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char *o;

	if (buf_reserve(b, 2 * len + 3, e) < 0)
		return -1;
	o = b->data + b->len;
	*o++ = 'X';
	*o++ = '\'';
	for (size_t i = 0; i < len; i++) {
		*o++ = (unsigned char)hex[(unsigned char)s[i] >> 4];
		*o++ = (unsigned char)hex[(unsigned char)s[i] & 15];
	}
	*o++ = '\'';
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return 0;
}

static int out_of_range(enum value_type t, const struct value *v,
			const char *what, struct err *e)
{
	struct buf text;
	int rc;

	buf_init(&text, 1u << 10);
	rc = value_format(&text, t, v, VALUE_STYLE_TEXT, e) < 0
		 ? -1
		 : err_set(e, ERR_STREAM, "%s '%s' %s", value_type_name(t),
			   (char *)text.data, what);
	buf_release(&text);
	return rc;
}

/* MySQL's DATE and DATETIME run from year 1 to 9999 (officially from
 * 1000, but earlier years are stored and read back as they are) */
static int check_year(enum value_type t, const struct value *v, int64_t days,
		      struct err *e)
{
	int64_t y;
	unsigned mo, d;

	value_civil_from_days(days, &y, &mo, &d);
	if (y < 1 || y > 9999)
		return out_of_range(
		    t, v, "is outside MySQL's range (years 1 to 9999)", e);
	return 0;
}

/* YYYY-MM-DD for a day within years 1..9999 */
static int add_day(struct buf *b, int64_t days, struct err *e)
{
	int64_t y;
	unsigned mo, d;

	value_civil_from_days(days, &y, &mo, &d);
	if (buf_add_digits(b, (uint64_t)y, 4, e) < 0 ||
	    buf_addc(b, '-', e) < 0 || buf_add_digits(b, mo, 2, e) < 0 ||
	    buf_addc(b, '-', e) < 0)
		return -1;
	return buf_add_digits(b, d, 2, e);
}

/* HH:MM:SS.ffffff for microseconds since midnight (24:00:00 included) */
static int add_clock(struct buf *b, int64_t us, struct err *e)
{
	uint64_t s = (uint64_t)us / 1000000;

	if (buf_add_digits(b, s / 3600, 2, e) < 0 || buf_addc(b, ':', e) < 0 ||
	    buf_add_digits(b, s / 60 % 60, 2, e) < 0 ||
	    buf_addc(b, ':', e) < 0 || buf_add_digits(b, s % 60, 2, e) < 0 ||
	    buf_addc(b, '.', e) < 0)
		return -1;
	return buf_add_digits(b, (uint64_t)us % 1000000, 6, e);
}

/*
 * Append the text of non-NULL v as MySQL reads it (no character in it
 * needs an escape), or refuse a value MySQL has no room for: ERR_STREAM,
 * and the caller cuts the row back.
 */
static int format_value(struct buf *b, enum value_type t, const struct value *v,
			struct err *e)
{
	switch (t) {
	case VALUE_BOOL: return buf_addc(b, v->v.b ? '1' : '0', e);
	case VALUE_INT64: return buf_add_i64(b, v->v.i, e);
	case VALUE_UINT64: return buf_add_u64(b, v->v.u, e);
	case VALUE_FLOAT64:
		if (isnan(v->v.f))
			return err_set(e, ERR_STREAM,
				       "NaN cannot be stored in MySQL");
		if (isinf(v->v.f))
			return err_set(e, ERR_STREAM,
				       "%s cannot be stored in MySQL",
				       v->v.f > 0 ? "Infinity" : "-Infinity");
		return value_format(b, t, v, VALUE_STYLE_TEXT, e);
	case VALUE_DECIMAL: {
		const char *p = v->v.s.p;
		size_t n = v->v.s.len;
		if (n && (p[0] == 'N' || p[0] == 'I' ||
			  (n > 1 && p[0] == '-' && p[1] == 'I')))
			return err_set(e, ERR_STREAM,
				       "%.*s cannot be stored in MySQL",
				       (int)(n > 16 ? 16 : n), p);
		return buf_add(b, p, n, e);
	}
	case VALUE_DATE:
		if (v->v.i == VALUE_DATE_NEG_INF ||
		    v->v.i == VALUE_DATE_POS_INF)
			return out_of_range(t, v, "cannot be stored in MySQL",
					    e);
		if (check_year(t, v, v->v.i, e) < 0)
			return -1;
		return add_day(b, v->v.i, e);
	case VALUE_TIME: return add_clock(b, v->v.i, e);
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: {
		int64_t us = v->v.i, days, rem;
		if (us == VALUE_TS_NEG_INF || us == VALUE_TS_POS_INF)
			return out_of_range(t, v, "cannot be stored in MySQL",
					    e);
		days = us / INT64_C(86400000000);
		rem = us % INT64_C(86400000000);
		if (rem < 0) {
			rem += INT64_C(86400000000);
			days--;
		}
		if (check_year(t, v, days, e) < 0 || add_day(b, days, e) < 0 ||
		    buf_addc(b, ' ', e) < 0)
			return -1;
		return add_clock(b, rem, e);
	}
	case VALUE_UUID: return value_format(b, t, v, VALUE_STYLE_TEXT, e);
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: bad type %d", (int)t);
}

int loadfmt_my_field(struct buf *b, enum value_type t, const struct value *v,
		     struct err *e)
{
	if (v->null || t == VALUE_NULL)
		return buf_adds(b, "\\N", e);
	if (value_type_is_bytes(t) && t != VALUE_DECIMAL)
		return add_escaped(b, v->v.s.p, v->v.s.len, e);
	return format_value(b, t, v, e);
}

int loadfmt_my_literal(struct buf *b, enum value_type t, const struct value *v,
		       loadfmt_quote_fn quote, void *ctx, struct err *e)
{
	int quoted;

	if (v->null || t == VALUE_NULL)
		return buf_adds(b, "NULL", e);
	if (t == VALUE_BYTES)
		return add_sql_hex(b, v->v.s.p, v->v.s.len, e);
	if (value_type_is_bytes(t) && t != VALUE_DECIMAL)
		return quote(ctx, b, v->v.s.p, v->v.s.len, e);
	/* an INSERT quotes all but numbers; nothing needs an escape */
	quoted = t != VALUE_BOOL && t != VALUE_INT64 && t != VALUE_UINT64 &&
		 t != VALUE_FLOAT64;
	if ((quoted && buf_addc(b, '\'', e) < 0) ||
	    format_value(b, t, v, e) < 0)
		return -1;
	return quoted ? buf_addc(b, '\'', e) : 0;
}
