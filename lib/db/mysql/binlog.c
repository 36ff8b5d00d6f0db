#include "db/mysql/binlog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static uint64_t be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int binlog_header(const unsigned char *p, size_t len, int checksum,
		  struct binlog_header *h, struct err *e)
{
	size_t tail = checksum ? 4 : 0;

	if (len < BINLOG_HEADER + tail)
		return err_set(
		    e, ERR_STREAM,
		    "binary log event of %zu bytes, shorter than its "
		    "header",
		    len);
	h->timestamp = (uint32_t)le(p, 4);
	h->type = p[4];
	h->server_id = (uint32_t)le(p + 5, 4);
	h->size = (uint32_t)le(p + 9, 4);
	h->next_pos = (uint32_t)le(p + 13, 4);
	h->flags = (unsigned)le(p + 17, 2);
	if (h->size != len)
		return err_set(e, ERR_STREAM,
			       "binary log event %u says %" PRIu32
			       " bytes, %zu came",
			       h->type, h->size, len);
	h->body = p + BINLOG_HEADER;
	h->body_len = len - BINLOG_HEADER - tail;
	return 0;
}

/* a length-encoded integer at *p: 0, or -1 when cut short or 0xfb/0xff */
static int packed(const unsigned char **p, const unsigned char *end,
		  uint64_t *out)
{
	size_t n;

	if (*p >= end)
		return -1;
	switch (**p) {
	case 0xfc: n = 2; break;
	case 0xfd: n = 3; break;
	case 0xfe: n = 8; break;
	case 0xfb:
	case 0xff: return -1;
	default: *out = *(*p)++; return 0;
	}
	if ((size_t)(end - *p) < n + 1)
		return -1;
	*out = le(*p + 1, n);
	*p += n + 1;
	return 0;
}

static int cut(struct err *e, const char *what)
{
	return err_set(e, ERR_STREAM, "binary log %s cut short or malformed",
		       what);
}

int binlog_table_map(const unsigned char *body, size_t len,
		     struct binlog_table_map *m, struct err *e)
{
	const unsigned char *p = body, *end = body + len, *types, *meta;
	uint64_t n, mlen;
	size_t dl, tl;

	if (len < 8 + 2)
		return cut(e, "TABLE_MAP");
	m->table_id = le(p, 6);
	p += 8;
	dl = *p++;
	if ((size_t)(end - p) < dl + 2 || p[dl] != 0)
		return cut(e, "TABLE_MAP");
	m->db = (const char *)p;
	p += dl + 1;
	tl = *p++;
	if ((size_t)(end - p) < tl + 1 || p[tl] != 0)
		return cut(e, "TABLE_MAP");
	m->table = (const char *)p;
	p += tl + 1;
	if (packed(&p, end, &n) < 0 || n == 0 || n > BINLOG_MAX_COLS ||
	    (uint64_t)(end - p) < n)
		return cut(e, "TABLE_MAP");
	m->ncols = (size_t)n;
	types = p;
	p += n;
	if (packed(&p, end, &mlen) < 0 || (uint64_t)(end - p) < mlen)
		return cut(e, "TABLE_MAP");
	meta = p;
	p += mlen;
	if ((size_t)(end - p) < (m->ncols + 7) / 8)
		return cut(e, "TABLE_MAP");
	for (size_t i = 0, at = 0; i < m->ncols; i++) {
		struct binlog_col *c = &m->cols[i];
		size_t need;
		c->type = c->real = types[i];
		c->meta = c->meta2 = 0;
		c->nullable = p[i / 8] >> (i % 8) & 1;
		switch (c->type) {
		case BINLOG_T_FLOAT:
		case BINLOG_T_DOUBLE:
		case BINLOG_T_BLOB:
		case BINLOG_T_GEOMETRY:
		case BINLOG_T_JSON:
		case BINLOG_T_TIMESTAMP2:
		case BINLOG_T_DATETIME2:
		case BINLOG_T_TIME2: need = 1; break;
		case BINLOG_T_VARCHAR:
		case BINLOG_T_VAR_STRING:
		case BINLOG_T_NEWDECIMAL:
		case BINLOG_T_BIT:
		case BINLOG_T_STRING:
		case BINLOG_T_ENUM:
		case BINLOG_T_SET: need = 2; break;
		default: need = 0; break;
		}
		if (mlen - at < need)
			return cut(e, "TABLE_MAP metadata");
		if (need == 1)
			c->meta = meta[at];
		else if (c->type == BINLOG_T_VARCHAR || c->type == BINLOG_T_VAR_STRING)
			c->meta = (unsigned)le(meta + at, 2);
		else if (c->type == BINLOG_T_NEWDECIMAL) {
			c->meta = meta[at];	 /* precision */
			c->meta2 = meta[at + 1]; /* scale */
		} else if (c->type == BINLOG_T_BIT) {
			c->meta2 = meta[at];	/* bits past whole bytes */
			c->meta = meta[at + 1]; /* whole bytes */
		} else if (need == 2) {
			unsigned b0 = meta[at], b1 = meta[at + 1];
			/* STRING: the real type, and a length over 255 kept in
			 * two bits of it */
			if ((b0 & 0x30) != 0x30) {
				c->real = b0 | 0x30;
				c->meta = b1 | (((b0 & 0x30) ^ 0x30) << 4);
			} else {
				c->real = b0;
				c->meta = b1;
			}
		}
		at += need;
	}
	return 0;
}

int binlog_rows_table(const struct binlog_header *h, uint64_t *table_id,
		      struct err *e)
{
	if (h->body_len < 8)
		return cut(e, "rows event");
	*table_id = le(h->body, 6);
	return 0;
}

/* the decimal digits of NEWDECIMAL's binary form */
static int decimal_text(const unsigned char *p, size_t left, unsigned prec,
			unsigned scale, struct buf *out, size_t *used,
			struct err *e)
{
	static const unsigned dig2bytes[10] = { 0, 1, 1, 2, 2, 3, 3, 4, 4, 4 };
	unsigned intg = prec - scale, intg0 = intg / 9, intg0x = intg % 9;
	unsigned frac0 = scale / 9, frac0x = scale % 9;
	size_t size =
	    intg0 * 4 + dig2bytes[intg0x] + frac0 * 4 + dig2bytes[frac0x];
	unsigned char d[80];
	int neg, any = 0;
	size_t at = 0;

	if (prec == 0 || prec > 65 || scale > 30 || scale > prec ||
	    size > sizeof(d) || left < size)
		return cut(e, "DECIMAL value");
	memcpy(d, p, size);
	neg = !(d[0] & 0x80);
	d[0] ^= 0x80;
	if (neg)
		for (size_t i = 0; i < size; i++)
			d[i] ^= 0xff;
	if (neg && buf_addc(out, '-', e) < 0)
		return -1;
	/* the integer part: a partial group, then whole groups of 9 */
	if (intg0x) {
		size_t n = dig2bytes[intg0x];
		uint64_t v = be(d, n);
		at = n;
		if (v && buf_addf(out, e, "%" PRIu64, v) < 0)
			return -1;
		any = v != 0;
	}
	for (unsigned g = 0; g < intg0; g++) {
		uint64_t v = be(d + at, 4);
		at += 4;
		if (v > 999999999)
			return cut(e, "DECIMAL value");
		if (any ? buf_addf(out, e, "%09" PRIu64, v) < 0
			: v && buf_addf(out, e, "%" PRIu64, v) < 0)
			return -1;
		any |= v != 0;
	}
	if (!any && buf_addc(out, '0', e) < 0)
		return -1;
	if (scale) {
		if (buf_addc(out, '.', e) < 0)
			return -1;
		for (unsigned g = 0; g < frac0; g++) {
			uint64_t v = be(d + at, 4);
			at += 4;
			if (v > 999999999 ||
			    buf_addf(out, e, "%09" PRIu64, v) < 0)
				return v > 999999999 ? cut(e, "DECIMAL value")
						     : -1;
		}
		if (frac0x) {
			size_t n = dig2bytes[frac0x];
			uint64_t v = be(d + at, n);
			at += n;
			if (buf_addf(out, e, "%0*" PRIu64, (int)frac0x, v) < 0)
				return -1;
		}
	}
	*used = size;
	return 0;
}

/* fractional seconds of fsp digits, stored in (fsp + 1) / 2 bytes */
static int frac_text(const unsigned char *p, size_t left, unsigned fsp,
		     struct buf *out, size_t *used, struct err *e)
{
	size_t n = (fsp + 1) / 2;
	uint64_t v;
	static const unsigned mul[4] = { 1, 10000, 100, 1 };
	unsigned long us;
	char digits[8];

	*used = n;
	if (fsp == 0)
		return 0;
	if (fsp > 6 || left < n)
		return cut(e, "fractional seconds");
	v = be(p, n);
	us = (unsigned long)(v * mul[n]);
	if (us > 999999)
		return cut(e, "fractional seconds");
	snprintf(digits, sizeof(digits), "%06lu", us);
	return buf_addf(out, e, ".%.*s", (int)fsp, digits);
}

/* a TIME(fsp) as MySQL 5.6's format keeps it: 3 big-endian bytes of
 * hours, minutes and seconds plus 2^23, then (fsp + 1) / 2 bytes of
 * fraction, the whole a signed number (a negative time's fraction counts
 * down from the next second) */
static int time2_text(const unsigned char *p, size_t left, unsigned fsp,
		      struct buf *out, size_t *used, struct err *e)
{
	size_t n = 3 + (fsp + 1) / 2;
	int64_t packed, ip, fr = 0;
	uint64_t hms, us;
	int neg;

	if (fsp > 6 || left < n)
		return cut(e, "TIME");
	*used = n;
	ip = (int64_t)be(p, 3) - 0x800000;
	switch ((fsp + 1) / 2) {
	case 0: packed = ip * (INT64_C(1) << 24); break;
	case 1:
		fr = p[3];
		if (ip < 0 && fr) {
			ip++;
			fr -= 0x100;
		}
		packed = ip * (INT64_C(1) << 24) + fr * 10000;
		break;
	case 2:
		fr = (int64_t)be(p + 3, 2);
		if (ip < 0 && fr) {
			ip++;
			fr -= 0x10000;
		}
		packed = ip * (INT64_C(1) << 24) + fr * 100;
		break;
	default:
		packed = (int64_t)be(p, 6) - INT64_C(0x800000000000);
		break;
	}
	neg = packed < 0;
	if (neg)
		packed = -packed;
	hms = (uint64_t)packed >> 24;
	us = (uint64_t)packed & 0xffffff;
	if (us > 999999)
		return cut(e, "TIME");
	if (buf_addf(out, e, "%s%02u:%02u:%02u", neg ? "-" : "",
		     (unsigned)(hms >> 12 & 1023), (unsigned)(hms >> 6 & 63),
		     (unsigned)(hms & 63)) < 0)
		return -1;
	if (fsp) {
		char digits[8];
		snprintf(digits, sizeof(digits), "%06u", (unsigned)us);
		return buf_addf(out, e, ".%.*s", (int)fsp, digits);
	}
	return 0;
}

/* one value of column c at p into out as the server's text; *used the
 * bytes it took.  unsig: an UNSIGNED integer. */
static int value_text(const struct binlog_col *c, const unsigned char *p,
		      size_t left, int unsig, char *const *labels,
		      size_t nlabels, struct buf *out, size_t *used,
		      struct err *e)
{
	size_t n = 0, l;
	uint64_t v;

	switch (c->type) {
	case BINLOG_T_TINY: n = 1; break;
	case BINLOG_T_SHORT: n = 2; break;
	case BINLOG_T_INT24: n = 3; break;
	case BINLOG_T_LONG: n = 4; break;
	case BINLOG_T_LONGLONG: n = 8; break;
	default: break;
	}
	if (n) {
		if (left < n)
			return cut(e, "integer");
		v = le(p, n);
		*used = n;
		if (!unsig && n < 8 && (v >> (8 * n - 1) & 1))
			v |= ~UINT64_C(0) << (8 * n);
		return unsig ? buf_addf(out, e, "%" PRIu64, v)
			     : buf_addf(out, e, "%" PRId64, (int64_t)v);
	}
	switch (c->type) {
	case BINLOG_T_FLOAT: {
		float f;
		if (left < 4)
			return cut(e, "FLOAT");
		memcpy(&f, p, 4); /* little-endian, as this machine */
		*used = 4;
		return buf_addf(out, e, "%.17g", (double)f);
	}
	case BINLOG_T_DOUBLE: {
		double d;
		if (left < 8)
			return cut(e, "DOUBLE");
		memcpy(&d, p, 8);
		*used = 8;
		return buf_addf(out, e, "%.17g", d);
	}
	case BINLOG_T_NEWDECIMAL:
		return decimal_text(p, left, c->meta, c->meta2, out, used, e);
	case BINLOG_T_YEAR:
		if (left < 1)
			return cut(e, "YEAR");
		*used = 1;
		return buf_addf(out, e, "%04u", p[0] ? 1900u + p[0] : 0u);
	case BINLOG_T_DATE:
	case BINLOG_T_NEWDATE:
		if (left < 3)
			return cut(e, "DATE");
		v = le(p, 3);
		*used = 3;
		return buf_addf(out, e, "%04u-%02u-%02u", (unsigned)(v >> 9),
				(unsigned)(v >> 5 & 15), (unsigned)(v & 31));
	case BINLOG_T_DATETIME2: {
		uint64_t ymd, ym, hms;
		size_t fu;
		if (left < 5)
			return cut(e, "DATETIME");
		v = be(p, 5) - UINT64_C(0x8000000000);
		ymd = v >> 17;
		ym = ymd >> 5;
		hms = v & 0x1ffff;
		if (buf_addf(out, e, "%04u-%02u-%02u %02u:%02u:%02u",
			     (unsigned)(ym / 13), (unsigned)(ym % 13),
			     (unsigned)(ymd & 31), (unsigned)(hms >> 12),
			     (unsigned)(hms >> 6 & 63),
			     (unsigned)(hms & 63)) < 0 ||
		    frac_text(p + 5, left - 5, c->meta, out, &fu, e) < 0)
			return -1;
		*used = 5 + fu;
		return 0;
	}
	case BINLOG_T_TIMESTAMP2: {
		size_t fu;
		time_t secs;
		struct tm tm;
		if (left < 4)
			return cut(e, "TIMESTAMP");
		secs = (time_t)be(p, 4);
		if (!gmtime_r(&secs, &tm))
			return cut(e, "TIMESTAMP");
		if (secs == 0
			? buf_adds(out, "0000-00-00 00:00:00", e) < 0
			: buf_addf(out, e, "%04d-%02d-%02d %02d:%02d:%02d",
				   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				   tm.tm_hour, tm.tm_min, tm.tm_sec) < 0)
			return -1;
		if (frac_text(p + 4, left - 4, c->meta, out, &fu, e) < 0)
			return -1;
		*used = 4 + fu;
		return 0;
	}
	case BINLOG_T_TIME2:
		return time2_text(p, left, c->meta, out, used, e);
	case BINLOG_T_VARCHAR:
	case BINLOG_T_VAR_STRING: l = c->meta < 256 ? 1 : 2; goto counted;
	case BINLOG_T_BLOB:
	case BINLOG_T_GEOMETRY:
	case BINLOG_T_JSON:
		l = c->meta;
		if (l < 1 || l > 4)
			return cut(e, "BLOB");
		goto counted;
	case BINLOG_T_STRING:
		if (c->real == BINLOG_T_ENUM || c->real == BINLOG_T_SET) {
			n = c->meta;
			if (n < 1 || n > 8 || left < n)
				return cut(e, "ENUM or SET");
			v = le(p, n);
			*used = n;
			if (c->real == BINLOG_T_ENUM) {
				if (v == 0)
					return 0; /* the '' of an invalid value
						   */
				if (v > nlabels)
					return err_set(e, ERR_STREAM,
						       "binary log ENUM number "
						       "%" PRIu64
						       " past its %zu "
						       "labels",
						       v, nlabels);
				return buf_adds(out, labels[v - 1], e);
			}
			for (size_t k = 0, any = 0; k < 64 && k < nlabels; k++)
				if (v >> k & 1 &&
				    ((any++ && buf_addc(out, ',', e) < 0) ||
				     buf_adds(out, labels[k], e) < 0))
					return -1;
			return 0;
		}
		l = c->meta < 256 ? 1 : 2;
		goto counted;
	case BINLOG_T_BIT:
		n = c->meta + (c->meta2 ? 1 : 0);
		if (left < n)
			return cut(e, "BIT");
		*used = n;
		return buf_add(out, p, n, e);
	default:
		return err_set(e, ERR_STREAM,
			       "binary log column of type %u is not read",
			       c->type);
	}
counted:
	if (left < l)
		return cut(e, "length");
	v = le(p, l);
	if (v > left - l)
		return cut(e, "value");
	*used = l + (size_t)v;
	return buf_add(out, p + l, (size_t)v, e);
}

/* one row image: its null bitmap over the present columns, then values */
static int image(const unsigned char **pp, const unsigned char *end,
		 const struct binlog_table_map *m, const unsigned char *present,
		 size_t npresent, const unsigned char *unsigned_col,
		 char *const *const *labels, const size_t *nlabels,
		 struct buf *out, size_t *offs, struct binlog_image *img,
		 struct err *e)
{
	const unsigned char *p = *pp, *nulls = p;
	size_t k = 0;

	if ((size_t)(end - p) < (npresent + 7) / 8)
		return cut(e, "row image");
	p += (npresent + 7) / 8;
	for (size_t i = 0; i < m->ncols; i++) {
		size_t used = 0, at = out->len;
		img->text[i] = NULL;
		img->len[i] = 0;
		img->absent[i] = !(present[i / 8] >> (i % 8) & 1);
		if (img->absent[i])
			continue;
		if (nulls[k / 8] >> (k % 8) & 1) {
			k++;
			offs[i] = SIZE_MAX;
			continue;
		}
		k++;
		if (value_text(&m->cols[i], p, (size_t)(end - p),
			       unsigned_col && unsigned_col[i],
			       labels ? labels[i] : NULL,
			       nlabels ? nlabels[i] : 0, out, &used, e) < 0)
			return err_prefix(e, "table %s, column %zu", m->table,
					  i + 1);
		p += used;
		offs[i] = at;
		img->len[i] = out->len - at;
	}
	*pp = p;
	return 0;
}

int binlog_rows(const struct binlog_header *h, const struct binlog_table_map *m,
		const unsigned char *unsigned_col, char *const *const *labels,
		const size_t *nlabels, binlog_row_fn fn, void *ctx,
		struct err *e)
{
	const unsigned char *p = h->body, *end = h->body + h->body_len;
	const unsigned char *present, *present2;
	int update =
	    h->type == BINLOG_UPDATE_ROWS_V1 || h->type == BINLOG_UPDATE_ROWS;
	int write =
	    h->type == BINLOG_WRITE_ROWS_V1 || h->type == BINLOG_WRITE_ROWS;
	size_t nb = (m->ncols + 7) / 8, np1 = 0, np2 = 0;
	struct binlog_image *img[2] = { NULL, NULL };
	size_t *offs[2] = { NULL, NULL };
	struct buf out[2];
	uint64_t n;
	int rc = -1;

	if (h->body_len < 8)
		return cut(e, "rows event");
	p += 8;
	if (h->type >= BINLOG_WRITE_ROWS && h->type <= BINLOG_DELETE_ROWS) {
		size_t extra;
		if (end - p < 2 || (extra = (size_t)le(p, 2)) < 2 ||
		    (size_t)(end - p) < extra)
			return cut(e, "rows event");
		p += extra;
	}
	if (packed(&p, end, &n) < 0 || n != m->ncols ||
	    (size_t)(end - p) < nb * (update ? 2 : 1))
		return err_set(e, ERR_STREAM,
			       "binary log rows event of table %s: its columns "
			       "are not its TABLE_MAP's",
			       m->table);
	present = p;
	p += nb;
	present2 = update ? p : present;
	if (update)
		p += nb;
	for (size_t i = 0; i < m->ncols; i++) {
		np1 += present[i / 8] >> (i % 8) & 1;
		np2 += present2[i / 8] >> (i % 8) & 1;
	}
	/* an image of no column takes no byte: its rows could not end */
	if (!np1 || !np2)
		return err_set(e, ERR_STREAM,
			       "binary log rows event of table %s with no "
			       "column in its image",
			       m->table);
	buf_init(&out[0], (size_t)2 << 30);
	buf_init(&out[1], (size_t)2 << 30);
	for (int k = 0; k < 2; k++)
		if (!(img[k] = malloc(sizeof(*img[k]))) ||
		    !(offs[k] = calloc(m->ncols + 1, sizeof(size_t)))) {
			err_oom(e);
			goto out;
		}
	while (p < end) {
		const struct binlog_image *before = NULL, *after = NULL;
		buf_reset(&out[0]);
		buf_reset(&out[1]);
		if (image(&p, end, m, present, np1, unsigned_col, labels,
			  nlabels, &out[0], offs[0], img[0], e) < 0)
			goto out;
		if (update &&
		    image(&p, end, m, present2, np2, unsigned_col, labels,
			  nlabels, &out[1], offs[1], img[1], e) < 0)
			goto out;
		/* the text pointers once the buffers stopped moving */
		for (int k = 0; k < (update ? 2 : 1); k++)
			for (size_t i = 0; i < m->ncols; i++)
				img[k]->text[i] =
				    img[k]->absent[i] || offs[k][i] == SIZE_MAX
					? NULL
				    : out[k].data
					? (const char *)out[k].data + offs[k][i]
					: ""; /* every value empty */
		if (update) {
			before = img[0];
			after = img[1];
		} else if (write) {
			after = img[0];
		} else {
			before = img[0];
		}
		if (fn(ctx, before, after, e) < 0)
			goto out;
	}
	rc = 0;
out:
	for (int k = 0; k < 2; k++) {
		free(img[k]);
		free(offs[k]);
		buf_release(&out[k]);
	}
	return rc;
}
