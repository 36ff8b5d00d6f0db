#include "db/mysql/mytext.h"
#include "stream/wkb.h"

#include <string.h>

enum mytext_dec mytext_decoder_for(const struct schema_column *c)
{
	const char *st = c->source_type ? c->source_type : "";

	switch (c->type) {
	case VALUE_BOOL: return MYTEXT_BOOL;
	case VALUE_INT64: return MYTEXT_INT;
	case VALUE_UINT64:
		return strncmp(st, "bit", 3) == 0 ? MYTEXT_BIT : MYTEXT_UINT;
	case VALUE_FLOAT64: return MYTEXT_FLOAT;
	case VALUE_DECIMAL: return MYTEXT_DECIMAL;
	case VALUE_BYTES:
		return wkb_is_spatial_type(st) && !c->cast ? MYTEXT_GEOMETRY
							   : MYTEXT_BYTES;
	case VALUE_DATE: return MYTEXT_DATE;
	case VALUE_TIMESTAMP: return MYTEXT_DATETIME;
	case VALUE_TIMESTAMPTZ: return MYTEXT_TIMESTAMP;
	case VALUE_TIME: return MYTEXT_TIME;
	case VALUE_UUID: return MYTEXT_UUID;
	default: return MYTEXT_TEXT;
	}
}

enum value_type mytext_type(enum mytext_dec d)
{
	static const enum value_type t[MYTEXT_DEC_COUNT] = {
		[MYTEXT_BOOL] = VALUE_BOOL,
		[MYTEXT_INT] = VALUE_INT64,
		[MYTEXT_UINT] = VALUE_UINT64,
		[MYTEXT_FLOAT] = VALUE_FLOAT64,
		[MYTEXT_DECIMAL] = VALUE_DECIMAL,
		[MYTEXT_TEXT] = VALUE_TEXT,
		[MYTEXT_BYTES] = VALUE_BYTES,
		[MYTEXT_DATE] = VALUE_DATE,
		[MYTEXT_DATETIME] = VALUE_TIMESTAMP,
		[MYTEXT_TIMESTAMP] = VALUE_TIMESTAMPTZ,
		[MYTEXT_TIME] = VALUE_TIME,
		[MYTEXT_BIT] = VALUE_UINT64,
		[MYTEXT_UUID] = VALUE_UUID,
		[MYTEXT_GEOMETRY] = VALUE_BYTES,
	};
	return (unsigned)d < MYTEXT_DEC_COUNT ? t[d] : VALUE_NULL;
}

int mytext_is_zero_date(const char *p, size_t len)
{
	return len >= 10 &&
	       ((p[5] == '0' && p[6] == '0') || (p[8] == '0' && p[9] == '0'));
}

int mytext_decode(enum mytext_dec d, const char *p, size_t len,
		  struct buf *scratch, struct value *v, struct err *e)
{
	v->null = false;
	switch (d) {
	case MYTEXT_BOOL:
		if (len == 1 && (p[0] == '0' || p[0] == '1')) {
			v->v.b = p[0] == '1';
			return 0;
		}
		return err_set(
		    e, ERR_STREAM,
		    "tinyint(1) holds %.*s, not 0 or 1 (it would not "
		    "survive as bool; --cast TABLE.COLUMN=int reads it as a "
		    "number)",
		    (int)(len > 20 ? 20 : len), p);
	case MYTEXT_INT: return value_parse(VALUE_INT64, p, len, scratch, v, e);
	case MYTEXT_UINT:
		return value_parse(VALUE_UINT64, p, len, scratch, v, e);
	case MYTEXT_FLOAT:
		return value_parse(VALUE_FLOAT64, p, len, scratch, v, e);
	case MYTEXT_DECIMAL:
		return value_parse(VALUE_DECIMAL, p, len, scratch, v, e);
	case MYTEXT_TEXT:
	case MYTEXT_BYTES:
		v->v.s.p = p;
		v->v.s.len = len;
		return 0;
	case MYTEXT_BIT:
		if (len > 8)
			return err_set(e, ERR_STREAM, "bit value of %zu bytes",
				       len);
		v->v.u = 0;
		for (size_t k = 0; k < len; k++)
			v->v.u = v->v.u << 8 | (unsigned char)p[k];
		return 0;
	case MYTEXT_UUID: return value_parse(VALUE_UUID, p, len, scratch, v, e);
	case MYTEXT_GEOMETRY: {
		size_t at = scratch->len;
		if (wkb_from_mysql((const unsigned char *)p, len, scratch, e) <
		    0)
			return -1;
		v->v.s.p = (const char *)scratch->data + at;
		v->v.s.len = scratch->len - at;
		return 0;
	}
	case MYTEXT_DATE:
	case MYTEXT_DATETIME:
	case MYTEXT_TIMESTAMP:
		if (mytext_is_zero_date(p, len))
			return MYTEXT_ZERO_DATE;
		if (d == MYTEXT_DATE)
			return value_parse(VALUE_DATE, p, len, scratch, v, e);
		/* TIMESTAMP arrives in the session's zone, UTC: no offset */
		return value_parse(VALUE_TIMESTAMP, p, len, scratch, v, e);
	case MYTEXT_TIME:
		/* MySQL TIME runs from -838:59:59 to 838:59:59; the stream's
		 * time is a time of day */
		if (value_parse(VALUE_TIME, p, len, scratch, v, e) < 0)
			return err_set(
			    e, ERR_STREAM,
			    "TIME '%.*s' is not a time of day (00:00:00 "
			    "to 24:00:00)",
			    (int)(len > 30 ? 30 : len), p);
		return 0;
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: decoder %d", (int)d);
}
