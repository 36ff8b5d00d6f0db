#include "db/pg/pgbin.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stream/wkb.h"

/* days and microseconds between 1970-01-01 and PostgreSQL's 2000-01-01 */
#define PG_EPOCH_DAYS INT64_C(10957)
#define PG_EPOCH_US INT64_C(946684800000000)

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool texty(const char *ty, char typtype)
{
	return is(ty, "text") || is(ty, "varchar") || is(ty, "bpchar") ||
	       typtype == 'e';
}

enum pgbin_kind pgbin_kind(enum value_type t, const char *ty, char typtype)
{
	switch (t) {
	case VALUE_BOOL:
		return is(ty, "bool")	? PGB_BOOL
		       : is(ty, "int2") ? PGB_BOOL_INT2
		       : is(ty, "int4") ? PGB_BOOL_INT4
		       : is(ty, "int8") ? PGB_BOOL_INT8
					: PGB_NONE;
	case VALUE_INT64:
		return is(ty, "int2")	   ? PGB_INT2
		       : is(ty, "int4")	   ? PGB_INT4
		       : is(ty, "int8")	   ? PGB_INT8
		       : is(ty, "numeric") ? PGB_NUMERIC
					   : PGB_NONE;
	case VALUE_UINT64:
	case VALUE_DECIMAL: return is(ty, "numeric") ? PGB_NUMERIC : PGB_NONE;
	case VALUE_FLOAT64: return is(ty, "float8") ? PGB_FLOAT8 : PGB_NONE;
	case VALUE_TEXT:
	case VALUE_ENUM: return texty(ty, typtype) ? PGB_TEXT : PGB_NONE;
	case VALUE_JSON:
		return is(ty, "jsonb") ? PGB_JSONB
		       : is(ty, "json") ||
			       (texty(ty, typtype) && typtype != 'e')
			   ? PGB_TEXT
			   : PGB_NONE;
	case VALUE_BYTES:
		/* PostGIS's geometry takes EWKB as its binary form */
		return is(ty, "bytea") || is(ty, "geometry") ? PGB_BYTEA
							     : PGB_NONE;
	case VALUE_DATE: return is(ty, "date") ? PGB_DATE : PGB_NONE;
	case VALUE_TIME: return is(ty, "time") ? PGB_TIME : PGB_NONE;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		return is(ty, "timestamp") || is(ty, "timestamptz")
			   ? PGB_TIMESTAMP
			   : PGB_NONE;
	case VALUE_UUID:
		return is(ty, "uuid")			      ? PGB_UUID
		       : texty(ty, typtype) && typtype != 'e' ? PGB_UUID_TEXT
							      : PGB_NONE;
	default: return PGB_NONE;
	}
}

static unsigned char *be16(unsigned char *p, uint16_t v)
{
	*p++ = (unsigned char)(v >> 8);
	*p++ = (unsigned char)v;
	return p;
}

static unsigned char *be32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

int pgbin_header(struct buf *b, struct err *e)
{
	static const unsigned char h[19] = { 'P',  'G',	 'C',  'O',  'P', 'Y',
					     '\n', 0377, '\r', '\n', 0 };
	return buf_add(b, h, sizeof(h), e); /* flags and extension: 0 */
}

int pgbin_trailer(struct buf *b, struct err *e)
{
	static const unsigned char t[2] = { 0xff, 0xff };
	return buf_add(b, t, 2, e);
}

int pgbin_row(struct buf *b, size_t n, struct err *e)
{
	unsigned char x[2];

	be16(x, (uint16_t)n);
	return buf_add(b, x, 2, e);
}

/* a field of n bytes: its length, and room for them */
static unsigned char *field(struct buf *b, size_t n, struct err *e)
{
	unsigned char *p;

	if (n > INT32_MAX) {
		err_set(e, ERR_STREAM,
			"a value of %zu bytes is too long for "
			"PostgreSQL",
			n);
		return NULL;
	}
	if (buf_reserve(b, 4 + n, e) < 0)
		return NULL;
	p = b->data + b->len;
	b->len += 4 + n;
	b->data[b->len] = '\0';
	return be32(p, (uint32_t)n);
}

/* group g (0: the first integer group) of decimal digits ip[0..il) and
 * fp[0..fl), NBASE 10000, integer groups aligned on the point */
static uint16_t group(const char *ip, size_t il, const char *fp, size_t fl,
		      size_t nig, size_t g)
{
	uint16_t d = 0;

	if (g < nig) {
		size_t end = il - (nig - 1 - g) * 4;
		for (size_t i = end >= 4 ? end - 4 : 0; i < end; i++)
			d = (uint16_t)(d * 10 + (unsigned)(ip[i] - '0'));
		return d;
	}
	g -= nig;
	for (size_t i = g * 4; i < g * 4 + 4; i++)
		d = (uint16_t)(d * 10 + (i < fl ? (unsigned)(fp[i] - '0') : 0));
	return d;
}

/* numeric: NBASE 10000 digits, the weight of the first, the sign and the
 * display scale, from decimal text (-?digits[.digits], NaN, Infinity) */
static int numeric(struct buf *b, const char *s, size_t len, struct err *e)
{
	uint16_t sign = 0;
	const char *ip, *fp = "";
	size_t il, fl = 0, nig, ng, first, last;
	long weight;
	unsigned char *p;

	if (len == 3 && memcmp(s, "NaN", 3) == 0)
		sign = 0xC000;
	else if (len == 8 && memcmp(s, "Infinity", 8) == 0)
		sign = 0xD000;
	else if (len == 9 && memcmp(s, "-Infinity", 9) == 0)
		sign = 0xF000;
	if (sign) {
		if (!(p = field(b, 8, e)))
			return -1;
		p = be16(be16(p, 0), 0);
		be16(be16(p, sign), 0);
		return 0;
	}
	if (len && s[0] == '-') {
		sign = 0x4000;
		s++;
		len--;
	}
	ip = s;
	il = len;
	{
		const char *dot = memchr(s, '.', len);
		if (dot) {
			il = (size_t)(dot - s);
			fp = dot + 1;
			fl = len - il - 1;
		}
	}
	while (il && *ip == '0') { /* leading zeros carry nothing */
		ip++;
		il--;
	}
	nig = (il + 3) / 4;
	ng = nig + (fl + 3) / 4;
	if (fl > 0x3FFF || nig > 0x8000)
		return err_set(e, ERR_DB, "numeric field overflow");
	/* no leading zero groups (a value below 1), no trailing ones */
	first = 0;
	while (first < ng && group(ip, il, fp, fl, nig, first) == 0)
		first++;
	last = ng;
	while (last > first && group(ip, il, fp, fl, nig, last - 1) == 0)
		last--;
	weight = (long)nig - 1 - (long)first;
	if (first == last) {
		weight = 0;
		sign = 0;
	}
	if (!(p = field(b, 8 + 2 * (last - first), e)))
		return -1;
	p = be16(p, (uint16_t)(last - first));
	p = be16(p, (uint16_t)(int16_t)weight);
	p = be16(p, sign);
	p = be16(p, (uint16_t)fl);
	for (size_t g = first; g < last; g++)
		p = be16(p, group(ip, il, fp, fl, nig, g));
	return 0;
}

/* the decimal digits of v, into d (room for 21), right-aligned: returns
 * where they start */
static char *digits_of(uint64_t v, bool neg, char *d, size_t n)
{
	char *p = d + n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	return p;
}

int pgbin_value(struct buf *b, enum pgbin_kind k, enum value_type t,
		const struct value *v, struct err *e)
{
	unsigned char *p;

	if (v->null) {
		unsigned char x[4] = { 0xff, 0xff, 0xff, 0xff };
		return buf_add(b, x, 4, e);
	}
	switch (k) {
	case PGB_BOOL:
		if (!(p = field(b, 1, e)))
			return -1;
		*p = v->v.b ? 1 : 0;
		return 0;
	case PGB_BOOL_INT2:
		if (!(p = field(b, 2, e)))
			return -1;
		be16(p, v->v.b ? 1 : 0);
		return 0;
	case PGB_BOOL_INT4:
		if (!(p = field(b, 4, e)))
			return -1;
		be32(p, v->v.b ? 1 : 0);
		return 0;
	case PGB_BOOL_INT8:
		if (!(p = field(b, 8, e)))
			return -1;
		be64(p, v->v.b ? 1 : 0);
		return 0;
	case PGB_INT2:
		if (v->v.i < INT16_MIN || v->v.i > INT16_MAX)
			return err_set(e, ERR_DB,
				       "smallint out of range: %" PRId64,
				       v->v.i);
		if (!(p = field(b, 2, e)))
			return -1;
		be16(p, (uint16_t)(int16_t)v->v.i);
		return 0;
	case PGB_INT4:
		if (v->v.i < INT32_MIN || v->v.i > INT32_MAX)
			return err_set(e, ERR_DB,
				       "integer out of range: %" PRId64,
				       v->v.i);
		if (!(p = field(b, 4, e)))
			return -1;
		be32(p, (uint32_t)(int32_t)v->v.i);
		return 0;
	case PGB_INT8:
		if (!(p = field(b, 8, e)))
			return -1;
		be64(p, (uint64_t)v->v.i);
		return 0;
	case PGB_NUMERIC: {
		char d[24];
		const char *str;
		size_t n;
		if (t == VALUE_DECIMAL) {
			str = v->v.s.p;
			n = v->v.s.len;
		} else {
			bool neg = t == VALUE_INT64 && v->v.i < 0;
			uint64_t mag = t == VALUE_UINT64 ? v->v.u
				       : neg ? (uint64_t)0 - (uint64_t)v->v.i
					     : (uint64_t)v->v.i;
			str = digits_of(mag, neg, d, sizeof(d));
			n = (size_t)(d + sizeof(d) - str);
		}
		return numeric(b, str, n, e);
	}
	case PGB_FLOAT8: {
		uint64_t bits;
		memcpy(&bits, &v->v.f, 8);
		if (!(p = field(b, 8, e)))
			return -1;
		be64(p, bits);
		return 0;
	}
	case PGB_TEXT:
	case PGB_JSONB:
	case PGB_BYTEA: {
		size_t n = v->v.s.len, extra = k == PGB_JSONB;
		if (k != PGB_BYTEA && memchr(v->v.s.p, '\0', n))
			return err_set(e, ERR_STREAM,
				       "text holds a NUL byte, which "
				       "PostgreSQL refuses (a transform can "
				       "remove it)");
		if (!(p = field(b, n + extra, e)))
			return -1;
		if (extra)
			*p++ = 1; /* jsonb's version */
		if (n)
			memcpy(p, v->v.s.p, n);
		return 0;
	}
	case PGB_DATE: {
		int64_t d = v->v.i == VALUE_DATE_NEG_INF ? INT32_MIN
			    : v->v.i == VALUE_DATE_POS_INF
				? INT32_MAX
				: v->v.i - PG_EPOCH_DAYS;
		if (!(p = field(b, 4, e)))
			return -1;
		be32(p, (uint32_t)(int32_t)d);
		return 0;
	}
	case PGB_TIME:
		if (!(p = field(b, 8, e)))
			return -1;
		be64(p, (uint64_t)v->v.i);
		return 0;
	case PGB_TIMESTAMP: {
		int64_t us = v->v.i == VALUE_TS_NEG_INF ? INT64_MIN
			     : v->v.i == VALUE_TS_POS_INF
				 ? INT64_MAX
				 : v->v.i - PG_EPOCH_US;
		if (!(p = field(b, 8, e)))
			return -1;
		be64(p, (uint64_t)us);
		return 0;
	}
	case PGB_UUID:
		if (!(p = field(b, 16, e)))
			return -1;
		memcpy(p, v->v.uuid, 16);
		return 0;
	case PGB_UUID_TEXT:
		if (!(p = field(b, VALUE_UUID_TEXT_LEN, e)))
			return -1;
		value_uuid_text(v, (char *)p);
		return 0;
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: binary COPY of %s",
		       value_type_name(t));
}

/* --- decoding ------------------------------------------------------------ */

static uint16_t get16(const unsigned char *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t get64(const unsigned char *b)
{
	return (uint64_t)get32(b) << 32 | get32(b + 4);
}

int pgbin_tuple_size(const unsigned char *b, size_t avail, size_t ncols,
		     size_t max_field, size_t *size, size_t *col, struct err *e)
{
	size_t total = 2;
	int16_t nf;

	*col = SIZE_MAX;
	if (avail < 2) {
		*size = 2;
		return 0;
	}
	nf = (int16_t)get16(b);
	if (nf < 0 || (size_t)nf != ncols)
		return err_set(e, ERR_DB, "COPY sent %d columns, expected %zu",
			       nf, ncols);
	for (int16_t i = 0; i < nf; i++) {
		int32_t len;
		if (avail < total + 4) {
			*size = total + 4;
			return 0;
		}
		len = (int32_t)get32(b + total);
		total += 4;
		if (len > 0) {
			if ((size_t)len > max_field) {
				*col = (size_t)i;
				return err_set(e, ERR_STREAM,
					       "value of %" PRId32
					       " bytes is over the limit",
					       len);
			}
			total += (size_t)len;
		}
	}
	*size = total;
	return avail >= total;
}

/* numeric's binary form (base-10000 digits) to its canonical text */
static int numeric_text(const unsigned char *b, size_t len, struct buf *out,
			struct value *v, struct err *e)
{
	int16_t ndigits, weight, dscale;
	uint16_t sign;
	size_t start = out->len;
	int nonzero = 0;

	if (len < 8)
		return err_set(e, ERR_STREAM, "numeric of %zu bytes", len);
	ndigits = (int16_t)get16(b);
	weight = (int16_t)get16(b + 2);
	sign = get16(b + 4);
	dscale = (int16_t)get16(b + 6);
	/* PostgreSQL's display scale stops at 16383 (NUMERIC_DSCALE_MAX),
	 * as numeric() above does when it writes one */
	if (ndigits < 0 || dscale < 0 || dscale > 0x3FFF ||
	    len != 8 + 2 * (size_t)ndigits)
		return err_set(e, ERR_STREAM, "malformed numeric");
	if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
		const char *w = sign == 0xC000	 ? "NaN"
				: sign == 0xD000 ? "Infinity"
						 : "-Infinity";
		if (buf_adds(out, w, e) < 0)
			return -1;
		goto done;
	}
	if (sign != 0 && sign != 0x4000)
		return err_set(e, ERR_STREAM, "malformed numeric sign");
#define DIGIT(i)                                                               \
	((i) >= 0 && (i) < ndigits ? get16(b + 8 + 2 * (size_t)(i)) : 0)
	/* a server's numeric is normalized, but the text must be canonical
	 * whatever the bytes: no leading zero groups, no sign on a zero */
	if (sign == 0x4000 && buf_addc(out, '-', e) < 0)
		return -1;
	for (int i = 0; i <= weight; i++) {
		unsigned d = DIGIT(i);
		if (d > 9999)
			return err_set(e, ERR_STREAM,
				       "malformed numeric digit");
		if (!nonzero && d == 0)
			continue;
		if (buf_addf(out, e, nonzero ? "%04u" : "%u", d) < 0)
			return -1;
		nonzero = 1;
	}
	if (!nonzero && buf_addc(out, '0', e) < 0)
		return -1;
	if (dscale > 0) {
		int left = dscale;
		if (buf_addc(out, '.', e) < 0)
			return -1;
		for (int i = weight + 1; left > 0; i++) {
			char grp[5];
			unsigned d = DIGIT(i);
			if (d > 9999)
				return err_set(e, ERR_STREAM,
					       "malformed numeric digit");
			snprintf(grp, sizeof(grp), "%04u", d);
			if (buf_add(out, grp, left < 4 ? (size_t)left : 4, e) <
			    0)
				return -1;
			if (strspn(grp, "0") < (size_t)(left < 4 ? left : 4))
				nonzero = 1;
			left -= 4;
		}
	}
	if (sign == 0x4000 && !nonzero) {
		memmove(out->data + start, out->data + start + 1,
			out->len - start - 1);
		out->data[--out->len] = '\0';
	}
#undef DIGIT
done:
	v->v.s.p = (const char *)out->data + start;
	v->v.s.len = out->len - start;
	return 0;
}

enum value_type pgbin_dec_type(enum pgbin_dec d)
{
	static const enum value_type t[PGBIN_DEC_COUNT] = {
		[PGBIN_DEC_BOOL] = VALUE_BOOL,
		[PGBIN_DEC_INT2] = VALUE_INT64,
		[PGBIN_DEC_INT4] = VALUE_INT64,
		[PGBIN_DEC_INT8] = VALUE_INT64,
		[PGBIN_DEC_FLOAT4] = VALUE_FLOAT64,
		[PGBIN_DEC_FLOAT8] = VALUE_FLOAT64,
		[PGBIN_DEC_NUMERIC] = VALUE_DECIMAL,
		[PGBIN_DEC_TEXT] = VALUE_TEXT,
		[PGBIN_DEC_JSONB] = VALUE_JSON,
		[PGBIN_DEC_BYTES] = VALUE_BYTES,
		[PGBIN_DEC_DATE] = VALUE_DATE,
		[PGBIN_DEC_TIME] = VALUE_TIME,
		[PGBIN_DEC_TS] = VALUE_TIMESTAMP,
		[PGBIN_DEC_UUID] = VALUE_UUID,
		[PGBIN_DEC_GEOMETRY] = VALUE_BYTES,
	};
	return (unsigned)d < PGBIN_DEC_COUNT ? t[d] : VALUE_NULL;
}

int pgbin_decode(enum pgbin_dec d, const unsigned char *b, size_t len,
		 struct buf *scratch, struct value *v, struct err *e)
{
	static const size_t fixed[PGBIN_DEC_COUNT] = {
		[PGBIN_DEC_BOOL] = 1,	[PGBIN_DEC_INT2] = 2,
		[PGBIN_DEC_INT4] = 4,	[PGBIN_DEC_INT8] = 8,
		[PGBIN_DEC_FLOAT4] = 4, [PGBIN_DEC_FLOAT8] = 8,
		[PGBIN_DEC_DATE] = 4,	[PGBIN_DEC_TIME] = 8,
		[PGBIN_DEC_TS] = 8,	[PGBIN_DEC_UUID] = 16,
	};

	if ((unsigned)d >= PGBIN_DEC_COUNT)
		return err_set(e, ERR_SYSTEM, "internal error: decoder %d",
			       (int)d);
	v->null = false;
	if (fixed[d] && len != fixed[d])
		return err_set(e, ERR_STREAM, "%zu bytes for a value of %zu",
			       len, fixed[d]);
	switch (d) {
	case PGBIN_DEC_BOOL: v->v.b = b[0] != 0; return 0;
	case PGBIN_DEC_INT2: v->v.i = (int16_t)get16(b); return 0;
	case PGBIN_DEC_INT4: v->v.i = (int32_t)get32(b); return 0;
	case PGBIN_DEC_INT8: v->v.i = (int64_t)get64(b); return 0;
	case PGBIN_DEC_FLOAT4: {
		uint32_t bits = get32(b);
		float f;
		memcpy(&f, &bits, 4);
		v->v.f = (double)f;
		return 0;
	}
	case PGBIN_DEC_FLOAT8: {
		uint64_t bits = get64(b);
		memcpy(&v->v.f, &bits, 8);
		return 0;
	}
	case PGBIN_DEC_NUMERIC: return numeric_text(b, len, scratch, v, e);
	case PGBIN_DEC_TEXT:
	case PGBIN_DEC_BYTES:
		v->v.s.p = (const char *)b;
		v->v.s.len = len;
		return 0;
	case PGBIN_DEC_JSONB:
		if (len < 1 || b[0] != 1)
			return err_set(e, ERR_STREAM,
				       "jsonb of an unknown version");
		v->v.s.p = (const char *)b + 1;
		v->v.s.len = len - 1;
		return 0;
	case PGBIN_DEC_DATE: {
		int32_t days = (int32_t)get32(b);
		if (days == INT32_MAX || days == INT32_MIN)
			v->v.i = days; /* the infinities are the same numbers */
		else
			v->v.i = (int64_t)days + PG_EPOCH_DAYS;
		return 0;
	}
	case PGBIN_DEC_TIME: v->v.i = (int64_t)get64(b); return 0;
	case PGBIN_DEC_TS: {
		int64_t us = (int64_t)get64(b);
		if (us == INT64_MAX || us == INT64_MIN)
			v->v.i = us;
		else if (__builtin_add_overflow(us, PG_EPOCH_US, &v->v.i) ||
			 v->v.i == INT64_MAX)
			return err_set(e, ERR_STREAM,
				       "timestamp past what the stream holds "
				       "(about 294247 AD)");
		return 0;
	}
	case PGBIN_DEC_UUID: memcpy(v->v.uuid, b, 16); return 0;
	case PGBIN_DEC_GEOMETRY: {
		/* EWKB in ferry's one form, to scratch like a numeric */
		size_t at = scratch->len;
		if (wkb_normalize(b, len, scratch, NULL, e) < 0)
			return -1;
		v->v.s.len = scratch->len - at;
		v->v.s.p = (const char *)scratch->data + at;
		return 0;
	}
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: decoder %d", (int)d);
}

/*
 * Numerics go to scratch as text; a numeric can run to 147457 characters
 * (131072 digits before the point, 16383 after) and a row can hold
 * several, so scratch may move while the row is decoded.  Their texts
 * follow each other in scratch in column order, so once every field is
 * decoded the pointers are made again from the final buffer.
 */
int pgbin_decode_row(const enum pgbin_dec *dec, size_t ncols,
		     const unsigned char *b, size_t size, struct buf *scratch,
		     struct value *row, size_t *col, struct err *e)
{
	size_t pos = 2, off = 0;

	*col = SIZE_MAX;
	buf_reset(scratch);
	for (size_t i = 0; i < ncols; i++) {
		int32_t len;

		if (size - pos < 4)
			goto short_row;
		len = (int32_t)get32(b + pos);
		pos += 4;
		if (len < 0) {
			row[i].null = true;
			continue;
		}
		if (size - pos < (size_t)len)
			goto short_row;
		if (pgbin_decode(dec[i], b + pos, (size_t)len, scratch, &row[i],
				 e) < 0) {
			*col = i;
			return -1;
		}
		pos += (size_t)len;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (row[i].null || (dec[i] != PGBIN_DEC_NUMERIC &&
				    dec[i] != PGBIN_DEC_GEOMETRY))
			continue;
		row[i].v.s.p = (const char *)scratch->data + off;
		off += row[i].v.s.len;
	}
	return 0;
short_row:
	return err_set(e, ERR_STREAM, "COPY row cut short");
}
