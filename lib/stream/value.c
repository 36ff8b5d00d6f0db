#include "stream/value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "base/utf8.h"

static const char *const type_names[VALUE_TYPE_COUNT] = {
	"null",	     "bool",	    "int64", "uint64", "float64",
	"decimal",   "text",	    "bytes", "date",   "time",
	"timestamp", "timestamptz", "json",  "uuid",   "enum",
};

/* PostgreSQL's date range: 4714-11-24 BC to 5874897-12-31 */
#define DATE_MIN_DAYS INT64_C(-2440588)
#define DATE_MAX_DAYS INT64_C(2145042905)
/* PostgreSQL's earliest timestamp, 4714-11-24 00:00 BC; its latest lies past
 * what int64 microseconds since 1970 hold, so the top is INT64_MAX - 1 */
#define TS_MIN (DATE_MIN_DAYS * INT64_C(86400000000))

const char *value_type_name(enum value_type t)
{
	if ((unsigned)t >= VALUE_TYPE_COUNT)
		return "unknown";
	return type_names[t];
}

int value_type_parse(const char *name)
{
	for (int i = 0; i < VALUE_TYPE_COUNT; i++)
		if (strcmp(name, type_names[i]) == 0)
			return i;
	return -1;
}

int value_type_is_bytes(enum value_type t)
{
	return t == VALUE_DECIMAL || t == VALUE_TEXT || t == VALUE_BYTES ||
	       t == VALUE_JSON || t == VALUE_ENUM;
}

size_t value_put_uvarint(unsigned char *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}

int value_get_uvarint(const unsigned char **pp, const unsigned char *end,
		      uint64_t *out)
{
	const unsigned char *p = *pp;
	uint64_t v = 0;
	unsigned shift = 0;

	for (int i = 0; i < 10; i++) {
		unsigned char c;

		if (p >= end)
			return -1;
		c = *p++;
		if (i == 9 && c > 1)
			return -1; /* past 64 bits */
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (c == 0 && i > 0)
				return -1; /* not the shortest form */
			*out = v;
			*pp = p;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* --- dates ----------------------------------------------------------- */

/* Howard Hinnant's days_from_civil, valid for the whole int32 day range */
int64_t value_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void value_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dm[] = { 31, 28, 31, 30, 31, 30,
					    31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* --- binary encoding --------------------------------------------------- */

int value_encode(struct buf *out, enum value_type t, const struct value *v,
		 struct err *e)
{
	unsigned char tmp[16];
	size_t n;

	switch (t) {
	case VALUE_NULL:
		return err_set(e, ERR_SYSTEM,
			       "internal error: value for a null column");
	case VALUE_BOOL: return buf_addc(out, v->v.b ? 1 : 0, e);
	case VALUE_INT64:
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		n = value_put_uvarint(tmp, value_zigzag(v->v.i));
		return buf_add(out, tmp, n, e);
	case VALUE_TIME:
		n = value_put_uvarint(tmp, (uint64_t)v->v.i);
		return buf_add(out, tmp, n, e);
	case VALUE_UINT64:
		n = value_put_uvarint(tmp, v->v.u);
		return buf_add(out, tmp, n, e);
	case VALUE_FLOAT64: {
		uint64_t bits;
		memcpy(&bits, &v->v.f, 8);
		for (int i = 0; i < 8; i++)
			tmp[i] = (unsigned char)(bits >> (8 * i));
		return buf_add(out, tmp, 8, e);
	}
	case VALUE_UUID: return buf_add(out, v->v.uuid, 16, e);
	case VALUE_DECIMAL:
	case VALUE_TEXT:
	case VALUE_BYTES:
	case VALUE_JSON:
	case VALUE_ENUM:
		n = value_put_uvarint(tmp, v->v.s.len);
		if (buf_reserve(out, n + v->v.s.len, e) < 0)
			return -1;
		memcpy(out->data + out->len, tmp, n);
		if (v->v.s.len)
			memcpy(out->data + out->len + n, v->v.s.p, v->v.s.len);
		out->len += n + v->v.s.len;
		out->data[out->len] = '\0';
		return 0;
	case VALUE_TYPE_COUNT: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: bad type %d", (int)t);
}

int value_decode(const unsigned char **p, const unsigned char *end,
		 enum value_type t, size_t max_field, struct value *v,
		 struct err *e)
{
	uint64_t u;

	v->null = false;
	switch (t) {
	case VALUE_NULL:
		return err_set(e, ERR_STREAM,
			       "non-NULL value in a null column");
	case VALUE_BOOL:
		if (*p >= end)
			goto short_;
		if (**p > 1)
			return err_set(e, ERR_STREAM,
				       "bool byte %u is not 0 or 1", **p);
		v->v.b = *(*p)++ == 1;
		return 0;
	case VALUE_INT64:
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		if (value_get_uvarint(p, end, &u) < 0)
			goto badvar;
		v->v.i = value_unzigzag(u);
		if (t == VALUE_DATE &&
		    (v->v.i < INT32_MIN || v->v.i > INT32_MAX))
			return err_set(e, ERR_STREAM, "date out of range");
		return 0;
	case VALUE_TIME:
		if (value_get_uvarint(p, end, &u) < 0)
			goto badvar;
		if (u > (uint64_t)VALUE_TIME_MAX)
			return err_set(e, ERR_STREAM, "time past 24:00:00");
		v->v.i = (int64_t)u;
		return 0;
	case VALUE_UINT64:
		if (value_get_uvarint(p, end, &v->v.u) < 0)
			goto badvar;
		return 0;
	case VALUE_FLOAT64: {
		uint64_t bits = 0;
		if (end - *p < 8)
			goto short_;
		for (int i = 0; i < 8; i++)
			bits |= (uint64_t)(*p)[i] << (8 * i);
		memcpy(&v->v.f, &bits, 8);
		*p += 8;
		return 0;
	}
	case VALUE_UUID:
		if (end - *p < 16)
			goto short_;
		memcpy(v->v.uuid, *p, 16);
		*p += 16;
		return 0;
	case VALUE_DECIMAL:
	case VALUE_TEXT:
	case VALUE_BYTES:
	case VALUE_JSON:
	case VALUE_ENUM:
		if (value_get_uvarint(p, end, &u) < 0)
			goto badvar;
		if (u > max_field)
			return err_set(e, ERR_STREAM,
				       "field of %" PRIu64
				       " bytes is over the limit of %zu",
				       u, max_field);
		if (u > (uint64_t)(end - *p))
			goto short_;
		v->v.s.p = (const char *)*p;
		v->v.s.len = (size_t)u;
		*p += u;
		return 0;
	case VALUE_TYPE_COUNT: break;
	}
	return err_set(e, ERR_STREAM, "bad type %d", (int)t);
short_:
	return err_set(e, ERR_STREAM, "row runs past the end of its batch");
badvar:
	return err_set(e, ERR_STREAM, "bad varint");
}

/* --- validation ---------------------------------------------------------- */

static int decimal_syntax_ok(const char *s, size_t len)
{
	size_t i = 0;

	if ((len == 3 && memcmp(s, "NaN", 3) == 0) ||
	    (len == 8 && memcmp(s, "Infinity", 8) == 0) ||
	    (len == 9 && memcmp(s, "-Infinity", 9) == 0))
		return 1;
	if (i < len && s[i] == '-')
		i++;
	if (i >= len)
		return 0;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < len && s[i] == '.') {
		size_t f = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f)
			return 0;
	}
	return i == len;
}

int value_check(enum value_type t, const struct value *v, char *const *labels,
		size_t nlabels, struct err *e)
{
	char q[96];
	size_t bad;

	switch (t) {
	case VALUE_TEXT:
	case VALUE_ENUM:
	case VALUE_JSON:
	case VALUE_DECIMAL:
		bad = utf8_invalid_at(v->v.s.p, v->v.s.len);
		if (bad != v->v.s.len)
			return err_set(e, ERR_STREAM,
				       "invalid UTF-8 at byte %zu of the value",
				       bad);
		break;
	default: break;
	}
	switch (t) {
	case VALUE_DECIMAL:
		if (!decimal_syntax_ok(v->v.s.p, v->v.s.len))
			return err_set(
			    e, ERR_STREAM, "invalid decimal '%s'",
			    err_quote(q, sizeof(q), v->v.s.p, v->v.s.len, 40));
		return 0;
	case VALUE_JSON:
		if (json_validate(v->v.s.p, v->v.s.len, e) < 0)
			return -1;
		return 0;
	case VALUE_ENUM:
		if (nlabels == 0)
			return 0;
		for (size_t i = 0; i < nlabels; i++)
			if (strlen(labels[i]) == v->v.s.len &&
			    memcmp(labels[i], v->v.s.p, v->v.s.len) == 0)
				return 0;
		return err_set(
		    e, ERR_STREAM, "'%s' is not one of the enum's labels",
		    err_quote(q, sizeof(q), v->v.s.p, v->v.s.len, 40));
	case VALUE_DATE:
		if (v->v.i != VALUE_DATE_NEG_INF &&
		    v->v.i != VALUE_DATE_POS_INF &&
		    (v->v.i < DATE_MIN_DAYS || v->v.i > DATE_MAX_DAYS))
			return err_set(e, ERR_STREAM,
				       "date out of range (%" PRId64 " days)",
				       v->v.i);
		return 0;
	case VALUE_TIME:
		if (v->v.i < 0 || v->v.i > VALUE_TIME_MAX)
			return err_set(e, ERR_STREAM, "time out of range");
		return 0;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		if (v->v.i != VALUE_TS_NEG_INF && v->v.i < TS_MIN)
			return err_set(e, ERR_STREAM, "%s before 4714-11-24 BC",
				       value_type_name(t));
		return 0;
	default: return 0;
	}
}

/* --- text forms ------------------------------------------------------------
 */

/*
 * Integral values below 1e17 in plain digits (100, not 1e+02); others in
 * the shortest %g form that reads back to the same bits.
 */
static int add_shortest_double(struct buf *out, double d, struct err *e)
{
	char tmp[40];

	if (d == floor(d) && fabs(d) < 1e17) {
		snprintf(tmp, sizeof(tmp), "%.0f", d);
		return buf_adds(out, tmp, e);
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return buf_adds(out, tmp, e);
}

static int add_year(struct buf *out, int64_t y, struct err *e)
{
	if (y < 0)
		return buf_addf(out, e, "-%04" PRId64, -y);
	if (y > 9999)
		return buf_addf(out, e, "+%" PRId64, y);
	return buf_addf(out, e, "%04" PRId64, y);
}

static int add_date(struct buf *out, int64_t days, struct err *e)
{
	int64_t y;
	unsigned m, d;

	value_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		if (buf_add_digits(out, (uint64_t)y, 4, e) < 0)
			return -1;
	} else if (add_year(out, y, e) < 0) {
		return -1;
	}
	if (buf_addc(out, '-', e) < 0 || buf_add_digits(out, m, 2, e) < 0 ||
	    buf_addc(out, '-', e) < 0)
		return -1;
	return buf_add_digits(out, d, 2, e);
}

static int add_time(struct buf *out, int64_t us, struct err *e)
{
	int64_t s = us / 1000000, f = us % 1000000;
	unsigned n = 6;

	if (buf_add_digits(out, (uint64_t)(s / 3600), 2, e) < 0 ||
	    buf_addc(out, ':', e) < 0 ||
	    buf_add_digits(out, (uint64_t)(s / 60 % 60), 2, e) < 0 ||
	    buf_addc(out, ':', e) < 0 ||
	    buf_add_digits(out, (uint64_t)(s % 60), 2, e) < 0)
		return -1;
	if (!f)
		return 0;
	/* the fraction without its trailing zeros */
	while (f % 10 == 0) {
		f /= 10;
		n--;
	}
	if (buf_addc(out, '.', e) < 0)
		return -1;
	return buf_add_digits(out, (uint64_t)f, n, e);
}

static int add_timestamp(struct buf *out, int64_t us, int tz, struct err *e)
{
	int64_t days, rem;

	if (us == VALUE_TS_NEG_INF)
		return buf_adds(out, "-infinity", e);
	if (us == VALUE_TS_POS_INF)
		return buf_adds(out, "infinity", e);
	days = us / INT64_C(86400000000);
	rem = us % INT64_C(86400000000);
	if (rem < 0) {
		rem += INT64_C(86400000000);
		days--;
	}
	if (add_date(out, days, e) < 0 || buf_addc(out, 'T', e) < 0 ||
	    add_time(out, rem, e) < 0)
		return -1;
	return tz ? buf_addc(out, 'Z', e) : 0;
}

int value_format(struct buf *out, enum value_type t, const struct value *v,
		 enum value_style style, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	int json = style == VALUE_STYLE_JSON;
	size_t start;

	switch (t) {
	case VALUE_NULL: return buf_adds(out, json ? "null" : "", e);
	case VALUE_BOOL: return buf_adds(out, v->v.b ? "true" : "false", e);
	case VALUE_INT64: return buf_addf(out, e, "%" PRId64, v->v.i);
	case VALUE_UINT64: return buf_addf(out, e, "%" PRIu64, v->v.u);
	case VALUE_FLOAT64:
		if (isnan(v->v.f))
			return buf_adds(out, json ? "\"NaN\"" : "NaN", e);
		if (isinf(v->v.f)) {
			if (v->v.f > 0)
				return buf_adds(
				    out, json ? "\"Infinity\"" : "Infinity", e);
			return buf_adds(
			    out, json ? "\"-Infinity\"" : "-Infinity", e);
		}
		return add_shortest_double(out, v->v.f, e);
	case VALUE_DECIMAL:
	case VALUE_TEXT:
	case VALUE_ENUM:
		if (json)
			return json_add_string(out, v->v.s.p, v->v.s.len, e);
		return buf_add(out, v->v.s.p, v->v.s.len, e);
	case VALUE_JSON:
		/* a JSON string in JSON lines: the text of JSON null must not
		 * read as SQL NULL, and raw newlines must not split the line */
		if (json)
			return json_add_string(out, v->v.s.p, v->v.s.len, e);
		return buf_add(out, v->v.s.p, v->v.s.len, e);
	case VALUE_BYTES: {
		const unsigned char *p = (const unsigned char *)v->v.s.p;
		unsigned char *o;
		size_t q = json ? 1 : 0;

		/* "\\x" + hex + quotes in JSON, \x + hex in text */
		if (buf_reserve(out, 2 + 2 * v->v.s.len + 3 * q, e) < 0)
			return -1;
		o = out->data + out->len;
		if (q)
			*o++ = '"';
		*o++ = '\\';
		if (json)
			*o++ = '\\';
		*o++ = 'x';
		for (size_t i = 0; i < v->v.s.len; i++) {
			*o++ = (unsigned char)hex[p[i] >> 4];
			*o++ = (unsigned char)hex[p[i] & 15];
		}
		if (q)
			*o++ = '"';
		out->len = (size_t)(o - out->data);
		out->data[out->len] = '\0';
		return 0;
	}
	default: break;
	}
	/* the rest are quoted in JSON */
	if (json && buf_addc(out, '"', e) < 0)
		return -1;
	start = out->len;
	switch (t) {
	case VALUE_DATE:
		if (v->v.i == VALUE_DATE_NEG_INF) {
			if (buf_adds(out, "-infinity", e) < 0)
				return -1;
		} else if (v->v.i == VALUE_DATE_POS_INF) {
			if (buf_adds(out, "infinity", e) < 0)
				return -1;
		} else if (add_date(out, v->v.i, e) < 0) {
			return -1;
		}
		break;
	case VALUE_TIME:
		if (add_time(out, v->v.i, e) < 0)
			return -1;
		break;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		if (add_timestamp(out, v->v.i, t == VALUE_TIMESTAMPTZ, e) < 0)
			return -1;
		break;
	case VALUE_UUID: {
		const uint8_t *u = v->v.uuid;
		if (buf_addf(out, e,
			     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			     "%02x%02x%02x%02x%02x%02x",
			     u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			     u[8], u[9], u[10], u[11], u[12], u[13], u[14],
			     u[15]) < 0)
			return -1;
		break;
	}
	default:
		return err_set(e, ERR_SYSTEM, "internal error: bad type %d",
			       (int)t);
	}
	(void)start;
	if (json && buf_addc(out, '"', e) < 0)
		return -1;
	return 0;
}

/* --- parsing text forms ----------------------------------------------------
 */

static int is_word(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* -?digits(.digits)?([eE][+-]?digits)? and nothing else (no NUL, no hex,
 * no inf or nan spellings: those are NaN, Infinity and -Infinity) */
int value_number_syntax_ok(const char *s, size_t len, int allow_frac)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return 0;
	if (!allow_frac)
		return i == len;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == len;
}

static int parse_digits(const char **p, const char *end, size_t min, size_t max,
			int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	while (*p < end && **p >= '0' && **p <= '9' && n < max) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

/* [+-]YYYY...-MM-DD into days; -1 on bad syntax or range */
static int parse_date_part(const char **p, const char *end, int64_t *days)
{
	int64_t y, m, d;
	int neg = 0;

	if (*p < end && (**p == '-' || **p == '+')) {
		neg = **p == '-';
		(*p)++;
	}
	if (parse_digits(p, end, 4, 7, &y) < 0 || *p >= end || **p != '-')
		return -1;
	(*p)++;
	if (parse_digits(p, end, 2, 2, &m) < 0 || *p >= end || **p != '-')
		return -1;
	(*p)++;
	if (parse_digits(p, end, 2, 2, &d) < 0)
		return -1;
	if (neg)
		y = -y;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
		return -1;
	*days = value_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* HH:MM:SS[.f{1,6}] into microseconds; -1 on bad syntax or range */
static int parse_time_part(const char **p, const char *end, int64_t *us)
{
	int64_t h, m, s, f = 0;

	if (parse_digits(p, end, 2, 2, &h) < 0 || *p >= end || **p != ':')
		return -1;
	(*p)++;
	if (parse_digits(p, end, 2, 2, &m) < 0 || *p >= end || **p != ':')
		return -1;
	(*p)++;
	if (parse_digits(p, end, 2, 2, &s) < 0)
		return -1;
	if (*p < end && **p == '.') {
		const char *fs = ++(*p);
		size_t n;
		if (parse_digits(p, end, 1, 6, &f) < 0)
			return -1;
		n = (size_t)(*p - fs);
		while (n++ < 6)
			f *= 10;
	}
	if (m > 59 || s > 59 || h > 24 || (h == 24 && (m || s || f)))
		return -1;
	*us = ((h * 60 + m) * 60 + s) * 1000000 + f;
	return 0;
}

int value_parse(enum value_type t, const char *s, size_t len,
		struct buf *scratch, struct value *v, struct err *e)
{
	const char *p = s, *end = s + len;
	char q[96];
	char num[64];
	char *ep;

	v->null = false;
	switch (t) {
	case VALUE_NULL: goto bad;
	case VALUE_BOOL:
		if (is_word(s, len, "true") || is_word(s, len, "t") ||
		    is_word(s, len, "1"))
			v->v.b = true;
		else if (is_word(s, len, "false") || is_word(s, len, "f") ||
			 is_word(s, len, "0"))
			v->v.b = false;
		else
			goto bad;
		return 0;
	case VALUE_INT64:
	case VALUE_UINT64:
		if (len >= sizeof(num) || !value_number_syntax_ok(s, len, 0))
			goto bad;
		{
			/* by hand: strtoll's locale and base handling cost
			 * more than the digits, on every integer a MySQL
			 * source sends */
			int neg = s[0] == '-';
			uint64_t mag = 0;
			if (neg && t == VALUE_UINT64)
				goto range;
			for (size_t i = (size_t)neg; i < len; i++) {
				unsigned d = (unsigned)(s[i] - '0');
				if (mag > (UINT64_MAX - d) / 10)
					goto range;
				mag = mag * 10 + d;
			}
			if (t == VALUE_UINT64) {
				v->v.u = mag;
				return 0;
			}
			if (mag > (uint64_t)INT64_MAX + (uint64_t)neg)
				goto range;
			v->v.i =
			    neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
		}
		return 0;
	case VALUE_FLOAT64:
		if (is_word(s, len, "NaN")) {
			v->v.f = NAN;
			return 0;
		}
		if (is_word(s, len, "Infinity")) {
			v->v.f = INFINITY;
			return 0;
		}
		if (is_word(s, len, "-Infinity")) {
			v->v.f = -INFINITY;
			return 0;
		}
		if (len >= sizeof(num) || !value_number_syntax_ok(s, len, 1))
			goto bad;
		memcpy(num, s, len);
		num[len] = '\0';
		errno = 0;
		v->v.f = strtod(num, &ep);
		if (*ep)
			goto bad;
		/* too large, or so small it would read as zero: refuse, as
		 * PostgreSQL does; a subnormal result is the nearest double */
		if (errno == ERANGE && (isinf(v->v.f) || v->v.f == 0))
			goto range;
		return 0;
	case VALUE_DECIMAL:
	case VALUE_TEXT:
	case VALUE_ENUM:
	case VALUE_JSON:
		v->v.s.p = s;
		v->v.s.len = len;
		if (t == VALUE_DECIMAL && !decimal_syntax_ok(s, len))
			goto bad;
		return 0;
	case VALUE_BYTES: {
		size_t start = scratch->len;
		if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2)
			goto bad;
		if (buf_reserve(scratch, (len - 2) / 2, e) < 0)
			return -1;
		for (size_t i = 2; i < len; i += 2) {
			int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
			if (hi < 0 || lo < 0)
				goto bad;
			scratch->data[scratch->len++] =
			    (unsigned char)(hi << 4 | lo);
		}
		scratch->data[scratch->len] = '\0';
		v->v.s.p = (const char *)scratch->data + start;
		v->v.s.len = scratch->len - start;
		return 0;
	}
	case VALUE_DATE:
		if (is_word(s, len, "infinity")) {
			v->v.i = VALUE_DATE_POS_INF;
			return 0;
		}
		if (is_word(s, len, "-infinity")) {
			v->v.i = VALUE_DATE_NEG_INF;
			return 0;
		}
		if (parse_date_part(&p, end, &v->v.i) < 0 || p != end)
			goto bad;
		if (v->v.i < DATE_MIN_DAYS || v->v.i > DATE_MAX_DAYS)
			goto range;
		return 0;
	case VALUE_TIME:
		if (parse_time_part(&p, end, &v->v.i) < 0 || p != end)
			goto bad;
		return 0;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: {
		int64_t days, us, off = 0;
		if (is_word(s, len, "infinity")) {
			v->v.i = VALUE_TS_POS_INF;
			return 0;
		}
		if (is_word(s, len, "-infinity")) {
			v->v.i = VALUE_TS_NEG_INF;
			return 0;
		}
		if (parse_date_part(&p, end, &days) < 0 || p >= end ||
		    (*p != 'T' && *p != ' '))
			goto bad;
		p++;
		if (parse_time_part(&p, end, &us) < 0)
			goto bad;
		if (t == VALUE_TIMESTAMPTZ) {
			int64_t oh = 0, om = 0;
			int sign;
			if (p < end && *p == 'Z') {
				p++;
			} else if (p < end && (*p == '+' || *p == '-')) {
				sign = *p++ == '-' ? -1 : 1;
				if (parse_digits(&p, end, 2, 2, &oh) < 0)
					goto bad;
				if (p < end && *p == ':')
					p++;
				if (p < end &&
				    parse_digits(&p, end, 2, 2, &om) < 0)
					goto bad;
				if (oh > 15 || om > 59)
					goto bad;
				off = sign * (oh * 3600 + om * 60) * 1000000;
			} else {
				goto bad;
			}
		}
		if (p != end)
			goto bad;
		if (days < DATE_MIN_DAYS ||
		    __builtin_mul_overflow(days, INT64_C(86400000000),
					   &v->v.i) ||
		    __builtin_add_overflow(v->v.i, us - off, &v->v.i) ||
		    v->v.i < TS_MIN || v->v.i == VALUE_TS_POS_INF)
			goto range;
		return 0;
	}
	case VALUE_UUID: {
		size_t k = 0;
		if (len != 36)
			goto bad;
		for (size_t i = 0; i < 36;) {
			int hi, lo;
			if (i == 8 || i == 13 || i == 18 || i == 23) {
				if (s[i] != '-')
					goto bad;
				i++;
				continue;
			}
			hi = hex_value(s[i]);
			lo = hex_value(s[i + 1]);
			if (hi < 0 || lo < 0)
				goto bad;
			v->v.uuid[k++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		return 0;
	}
	case VALUE_TYPE_COUNT: break;
	}
bad:
	return err_set(e, ERR_STREAM, "invalid %s '%s'", value_type_name(t),
		       err_quote(q, sizeof(q), s, len, 40));
range:
	return err_set(e, ERR_STREAM, "%s out of range '%s'",
		       value_type_name(t), err_quote(q, sizeof(q), s, len, 40));
}

/* --- comparison ------------------------------------------------------------
 */

static int bytes_cmp(const struct value *a, const struct value *b)
{
	size_t n = a->v.s.len < b->v.s.len ? a->v.s.len : b->v.s.len;
	int c = n ? memcmp(a->v.s.p, b->v.s.p, n) : 0;

	if (c)
		return c;
	return (a->v.s.len > b->v.s.len) - (a->v.s.len < b->v.s.len);
}

/* split canonical-syntax decimal text into sign, integer and fraction */
static void dec_split(const char *s, size_t len, int *neg, const char **ip,
		      size_t *il, const char **fp, size_t *fl)
{
	const char *dot;

	*neg = len && s[0] == '-';
	if (*neg) {
		s++;
		len--;
	}
	dot = memchr(s, '.', len);
	*ip = s;
	*il = dot ? (size_t)(dot - s) : len;
	*fp = dot ? dot + 1 : s + len;
	*fl = dot ? len - *il - 1 : 0;
	while (*fl && (*fp)[*fl - 1] == '0')
		(*fl)--;
}

static int dec_rank(const char *s, size_t len)
{
	if (is_word(s, len, "-Infinity"))
		return -1;
	if (is_word(s, len, "Infinity"))
		return 1;
	if (is_word(s, len, "NaN"))
		return 2; /* NaN sorts above everything, as in PostgreSQL */
	return 0;
}

static int dec_cmp(const struct value *a, const struct value *b)
{
	int ra = dec_rank(a->v.s.p, a->v.s.len),
	    rb = dec_rank(b->v.s.p, b->v.s.len);
	int na, nb, c, zero_a, zero_b;
	const char *ia, *fa, *ib, *fb;
	size_t ila, fla, ilb, flb, n;

	if (ra || rb)
		return (ra > rb) - (ra < rb);
	dec_split(a->v.s.p, a->v.s.len, &na, &ia, &ila, &fa, &fla);
	dec_split(b->v.s.p, b->v.s.len, &nb, &ib, &ilb, &fb, &flb);
	zero_a = ila == 1 && ia[0] == '0' && fla == 0;
	zero_b = ilb == 1 && ib[0] == '0' && flb == 0;
	if (zero_a)
		na = 0;
	if (zero_b)
		nb = 0;
	if (na != nb)
		return na ? -1 : 1;
	if (ila != ilb)
		c = ila < ilb ? -1 : 1;
	else if ((c = memcmp(ia, ib, ila)) == 0) {
		n = fla < flb ? fla : flb;
		c = n ? memcmp(fa, fb, n) : 0;
		if (!c)
			c = (fla > flb) - (fla < flb);
	}
	return na ? -c : c;
}

int value_compare(enum value_type t, const struct value *a,
		  const struct value *b)
{
	switch (t) {
	case VALUE_BOOL: return (int)a->v.b - (int)b->v.b;
	case VALUE_INT64:
	case VALUE_DATE:
	case VALUE_TIME:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return (a->v.i > b->v.i) - (a->v.i < b->v.i);
	case VALUE_UINT64: return (a->v.u > b->v.u) - (a->v.u < b->v.u);
	case VALUE_FLOAT64:
		if (isnan(a->v.f) || isnan(b->v.f))
			return isnan(a->v.f) - isnan(b->v.f);
		return (a->v.f > b->v.f) - (a->v.f < b->v.f);
	case VALUE_DECIMAL: return dec_cmp(a, b);
	case VALUE_UUID: return memcmp(a->v.uuid, b->v.uuid, 16);
	default: return bytes_cmp(a, b);
	}
}

static int family(enum value_type t)
{
	switch (t) {
	case VALUE_INT64:
	case VALUE_UINT64:
	case VALUE_DECIMAL: return 1;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return 2;
	case VALUE_TEXT:
	case VALUE_ENUM:
	case VALUE_JSON:
	case VALUE_BYTES:
	case VALUE_UUID: return 3; /* a uuid by its text, below */
	default: return 10 + (int)t;
	}
}

void value_uuid_text(const struct value *v, char out[VALUE_UUID_TEXT_LEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[v->v.uuid[i] >> 4];
		out[n++] = hex[v->v.uuid[i] & 15];
	}
}

/* an integer as decimal text in tmp, for dec_cmp */
static struct value as_decimal(enum value_type t, const struct value *v,
			       char *tmp, size_t sz)
{
	struct value d;

	if (t == VALUE_INT64)
		snprintf(tmp, sz, "%" PRId64, v->v.i);
	else
		snprintf(tmp, sz, "%" PRIu64, v->v.u);
	d.null = false;
	d.v.s.p = tmp;
	d.v.s.len = strlen(tmp);
	return d;
}

int value_compare_mixed(enum value_type ta, const struct value *a,
			enum value_type tb, const struct value *b)
{
	int fa = family(ta), fb = family(tb);
	char x[32], y[32];
	struct value da, db;

	if (ta == tb)
		return value_compare(ta, a, b);
	if (fa != fb)
		return (fa > fb) - (fa < fb);
	/* a uuid against text (or any other of the byte-string family):
	 * by the uuid's text form (lowercase 8-4-4-4-12), which sorts as the
	 * uuid's bytes do.  Within the family, not after it: ordering a uuid
	 * by text against text but by family against bool or bytes made
	 * cycles (uuid < text '1' < bool false < uuid), found by
	 * fuzz-verifymerge. */
	if (ta == VALUE_UUID || tb == VALUE_UUID) {
		char t[VALUE_UUID_TEXT_LEN];
		struct value u;
		u.null = false;
		u.v.s.p = t;
		u.v.s.len = sizeof(t);
		if (ta == VALUE_UUID) {
			value_uuid_text(a, t);
			return bytes_cmp(&u, b);
		}
		value_uuid_text(b, t);
		return bytes_cmp(a, &u);
	}
	switch (fa) {
	case 1:
		/* an int64 against a uint64: by value, no text */
		if (ta == VALUE_INT64 && tb == VALUE_UINT64)
			return a->v.i < 0 || (uint64_t)a->v.i < b->v.u ? -1
			       : (uint64_t)a->v.i > b->v.u	       ? 1
								       : 0;
		if (ta == VALUE_UINT64 && tb == VALUE_INT64)
			return b->v.i < 0 || a->v.u > (uint64_t)b->v.i ? 1
			       : a->v.u < (uint64_t)b->v.i	       ? -1
								       : 0;
		da = ta == VALUE_DECIMAL ? *a : as_decimal(ta, a, x, sizeof(x));
		db = tb == VALUE_DECIMAL ? *b : as_decimal(tb, b, y, sizeof(y));
		return dec_cmp(&da, &db);
	case 2: return (a->v.i > b->v.i) - (a->v.i < b->v.i);
	default: return bytes_cmp(a, b);
	}
}

/* --- canonical encoding ------------------------------------------------------
 */

enum canon_tag {
	CANON_NULL = 0,
	CANON_BOOL = 1,
	CANON_INT = 2, /* unused: integers share CANON_DECIMAL */
	CANON_FLOAT = 3,
	CANON_DECIMAL = 4,
	CANON_TEXT = 5,
	CANON_BYTES = 6,
	CANON_DATE = 7,
	CANON_TIME = 8,
	CANON_TIMESTAMP = 9,
	CANON_TIMESTAMPTZ = 10,
	CANON_JSON = 11,
	CANON_UUID = 12,
};

static int add_u64le(struct buf *out, uint64_t v, struct err *e)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return buf_add(out, b, 8, e);
}

static int add_tagged_bytes(struct buf *out, unsigned char tag, const char *p,
			    size_t len, struct err *e)
{
	if (buf_addc(out, tag, e) < 0 || add_u64le(out, len, e) < 0)
		return -1;
	return buf_add(out, p, len, e);
}

static unsigned char *put_u64le(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

/* The canonical form of the fixed-width and plain-bytes kinds, written
 * with one reservation: this runs on every value a digest or a verify
 * compares.  Decimal and json take canonical_slow. */
static int canonical_slow(struct buf *out, enum value_type t,
			  const struct value *v, struct err *e);

int value_canonical_head(struct buf *out, enum value_type t,
			 const struct value *v, struct err *e)
{
	unsigned char *p;

	if (buf_reserve(out, VALUE_CANON_HEAD, e) < 0)
		return -1;
	p = out->data + out->len;
	*p++ = t == VALUE_BYTES ? CANON_BYTES : CANON_TEXT;
	put_u64le(p, v->v.s.len);
	out->len += VALUE_CANON_HEAD;
	out->data[out->len] = '\0';
	return 0;
}

int value_canonical(struct buf *out, enum value_type t, const struct value *v,
		    struct err *e)
{
	unsigned char *p, *p0;
	size_t need = 32;

	if (!v || v->null || t == VALUE_NULL)
		return buf_addc(out, CANON_NULL, e);
	if (t == VALUE_DECIMAL || t == VALUE_JSON || t <= VALUE_NULL ||
	    t >= VALUE_TYPE_COUNT)
		return canonical_slow(out, t, v, e);
	if (t == VALUE_TEXT || t == VALUE_ENUM || t == VALUE_BYTES)
		need = 9 + v->v.s.len;
	if (buf_reserve(out, need, e) < 0)
		return -1;
	p = p0 = out->data + out->len;
	switch (t) {
	case VALUE_BOOL:
		*p++ = CANON_BOOL;
		*p++ = v->v.b ? 1 : 0;
		break;
	case VALUE_INT64:
	case VALUE_UINT64: {
		/* integers take the decimal form, so that a BIGINT UNSIGNED
		 * and its numeric(20) copy, or an int and a numeric, agree */
		char digits[24];
		size_t n = 0;
		int neg = t == VALUE_INT64 && v->v.i < 0;
		uint64_t mag = t == VALUE_UINT64 ? v->v.u
			       : neg ? (uint64_t)0 - (uint64_t)v->v.i
				     : (uint64_t)v->v.i;
		do {
			digits[sizeof(digits) - 1 - n++] =
			    (char)('0' + mag % 10);
			mag /= 10;
		} while (mag);
		if (neg)
			digits[sizeof(digits) - 1 - n++] = '-';
		*p++ = CANON_DECIMAL;
		p = put_u64le(p, n);
		memcpy(p, digits + sizeof(digits) - n, n);
		p += n;
		break;
	}
	case VALUE_FLOAT64: {
		uint64_t bits;
		double d = v->v.f;
		if (isnan(d))
			bits = UINT64_C(0x7ff8000000000000);
		else
			memcpy(&bits, &d, 8);
		*p++ = CANON_FLOAT;
		p = put_u64le(p, bits);
		break;
	}
	case VALUE_TEXT:
	case VALUE_ENUM:
	case VALUE_BYTES:
		*p++ = t == VALUE_BYTES ? CANON_BYTES : CANON_TEXT;
		p = put_u64le(p, v->v.s.len);
		if (v->v.s.len)
			memcpy(p, v->v.s.p, v->v.s.len);
		p += v->v.s.len;
		break;
	case VALUE_DATE:
	case VALUE_TIME:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: {
		static const unsigned char tags[] = { CANON_DATE, CANON_TIME,
						      CANON_TIMESTAMP,
						      CANON_TIMESTAMPTZ };
		*p++ = tags[t - VALUE_DATE];
		p = put_u64le(p, (uint64_t)v->v.i);
		break;
	}
	case VALUE_UUID:
		*p++ = CANON_UUID;
		memcpy(p, v->v.uuid, 16);
		p += 16;
		break;
	default: break;
	}
	out->len += (size_t)(p - p0);
	out->data[out->len] = '\0';
	return 0;
}

static int canonical_slow(struct buf *out, enum value_type t,
			  const struct value *v, struct err *e)
{
	switch (t) {
	case VALUE_DECIMAL: {
		const char *s = v->v.s.p, *ip, *fp;
		size_t len = v->v.s.len, il, fl;
		int neg;
		if (dec_rank(s, len))
			return add_tagged_bytes(out, CANON_DECIMAL, s, len, e);
		dec_split(s, len, &neg, &ip, &il, &fp, &fl);
		if (il == 1 && ip[0] == '0' && fl == 0)
			neg = 0;
		if (buf_addc(out, CANON_DECIMAL, e) < 0 ||
		    add_u64le(out, (uint64_t)neg + il + (fl ? fl + 1 : 0), e) <
			0 ||
		    (neg && buf_addc(out, '-', e) < 0) ||
		    buf_add(out, ip, il, e) < 0)
			return -1;
		if (fl &&
		    (buf_addc(out, '.', e) < 0 || buf_add(out, fp, fl, e) < 0))
			return -1;
		return 0;
	}
	case VALUE_JSON: {
		size_t at = out->len;
		if (buf_addc(out, CANON_JSON, e) < 0 ||
		    add_u64le(out, 0, e) < 0 ||
		    json_canonical(v->v.s.p, v->v.s.len, out, e) < 0)
			return -1;
		uint64_t n = out->len - at - 9;
		for (int i = 0; i < 8; i++)
			out->data[at + 1 + (size_t)i] =
			    (unsigned char)(n >> (8 * i));
		return 0;
	}
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: bad type %d", (int)t);
}

static uint64_t get_u64le(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int value_canonical_next(const unsigned char **p, const unsigned char *end,
			 enum value_type *t, struct value *v)
{
	const unsigned char *q = *p;
	size_t left = (size_t)(end - q);
	unsigned tag;

	memset(v, 0, sizeof(*v));
	if (!left)
		return -1;
	tag = *q++;
	left--;
	switch (tag) {
	case CANON_NULL:
		*t = VALUE_NULL;
		v->null = true;
		break;
	case CANON_BOOL:
		if (left < 1)
			return -1;
		*t = VALUE_BOOL;
		v->v.b = *q++ != 0;
		break;
	case CANON_FLOAT:
	case CANON_DATE:
	case CANON_TIME:
	case CANON_TIMESTAMP:
	case CANON_TIMESTAMPTZ:
		if (left < 8)
			return -1;
		*t = tag == CANON_FLOAT	      ? VALUE_FLOAT64
		     : tag == CANON_DATE      ? VALUE_DATE
		     : tag == CANON_TIME      ? VALUE_TIME
		     : tag == CANON_TIMESTAMP ? VALUE_TIMESTAMP
					      : VALUE_TIMESTAMPTZ;
		v->v.u = get_u64le(q);
		q += 8;
		break;
	case CANON_UUID:
		if (left < 16)
			return -1;
		*t = VALUE_UUID;
		memcpy(v->v.uuid, q, 16);
		q += 16;
		break;
	case CANON_DECIMAL:
	case CANON_TEXT:
	case CANON_BYTES:
	case CANON_JSON: {
		uint64_t n;
		if (left < 8)
			return -1;
		n = get_u64le(q);
		q += 8;
		if (n > left - 8)
			return -1;
		*t = tag == CANON_DECIMAL ? VALUE_DECIMAL
		     : tag == CANON_TEXT  ? VALUE_TEXT
		     : tag == CANON_BYTES ? VALUE_BYTES
					  : VALUE_JSON;
		v->v.s.p = (const char *)q;
		v->v.s.len = (size_t)n;
		q += n;
		break;
	}
	default: return -1;
	}
	*p = q;
	return 0;
}
