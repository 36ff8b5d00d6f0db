/*
 * test-codecs - unit tests of how values travel to and from the servers
 * without a server: binary COPY tuples from PostgreSQL (pgbin_tuple_size,
 * pgbin_decode_row), MySQL's text protocol (mytext_decode) and the text
 * ferry-load writes (loadfmt).  Checks marked "regression:" guard bugs
 * found and fixed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/loadfmt.h"
#include "db/mysql/mytext.h"
#include "db/pg/pgbin.h"
#include "stream/value.h"
#include "tap.h"

static void put16(struct buf *b, uint16_t v)
{
	struct err e;

	buf_addc(b, (unsigned char)(v >> 8), &e);
	buf_addc(b, (unsigned char)v, &e);
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b, (uint16_t)v);
}

/* a numeric field: header, digits */
static void put_numeric(struct buf *b, int16_t weight, uint16_t sign,
			int16_t dscale, const uint16_t *d, int16_t nd)
{
	put32(b, 8 + 2 * (uint32_t)nd);
	put16(b, (uint16_t)nd);
	put16(b, (uint16_t)weight);
	put16(b, sign);
	put16(b, (uint16_t)dscale);
	for (int i = 0; i < nd; i++)
		put16(b, d[i]);
}

static void test_pgbin(void)
{
	static const uint16_t nine[] = { 9999 }, zero[] = { 0 },
			      mixed[] = { 12, 3400 };
	enum pgbin_dec dec[4] = { PGBIN_DEC_NUMERIC, PGBIN_DEC_NUMERIC,
				  PGBIN_DEC_INT4, PGBIN_DEC_NUMERIC };
	struct value row[4];
	struct buf t, scratch;
	struct err e;
	size_t size, col;
	int ok;

	buf_init(&t, 1u << 20);
	buf_init(&scratch, 64u << 20);
	/* regression: two numerics of 131072 digits in one row made the
	 * scratch buffer move under the first one */
	put16(&t, 4);
	put_numeric(&t, 32767, 0x4000, 0, nine, 1);
	put_numeric(&t, 32767, 0, 16383, nine, 1);
	put32(&t, 4);
	put32(&t, 7);
	put_numeric(&t, 0, 0, 2, mixed, 2);
	TAP_EQ_INT(
	    pgbin_tuple_size(t.data, t.len - 1, 4, 1u << 20, &size, &col, &e),
	    0, "a tuple one byte short asks for more");
	TAP_EQ_UINT(size, t.len, "for all of it");
	TAP_EQ_INT(
	    pgbin_tuple_size(t.data, t.len, 4, 1u << 20, &size, &col, &e), 1,
	    "the whole tuple is there");
	TAP_EQ_INT(
	    pgbin_decode_row(dec, 4, t.data, size, &scratch, row, &col, &e), 0,
	    "the row decodes");
	TAP_EQ_UINT(row[0].v.s.len, 1 + 131072, "a negative 131072 digits");
	ok = row[0].v.s.p[0] == '-' && row[0].v.s.p[1] == '9' &&
	     row[0].v.s.p[131072] == '0';
	TAP_CHECK(ok, "regression: the first numeric is still readable");
	TAP_EQ_UINT(row[1].v.s.len, 131072 + 1 + 16383,
		    "digits and a scale of 16383");
	TAP_EQ_INT(row[2].v.i, 7, "the int4 between them");
	TAP_EQ_MEM(row[3].v.s.p, row[3].v.s.len, "12.34", 5,
		   "a numeric after them");
	TAP_EQ_INT(
	    pgbin_tuple_size(t.data, t.len, 3, 1u << 20, &size, &col, &e), -1,
	    "a tuple of another width");
	TAP_EQ_STR(e.msg, "COPY sent 4 columns, expected 3", "its message");
	TAP_EQ_INT(pgbin_tuple_size(t.data, t.len, 4, 8, &size, &col, &e), -1,
		   "a field past the limit");
	TAP_EQ_UINT(col, 0, "names its column");
	/* regression: a negative zero decoded to '-0' */
	buf_reset(&t);
	put16(&t, 1);
	put_numeric(&t, 0, 0x4000, 3, zero, 1);
	TAP_EQ_INT(
	    pgbin_decode_row(dec, 1, t.data, t.len, &scratch, row, &col, &e), 0,
	    "a negative zero decodes");
	TAP_EQ_MEM(row[0].v.s.p, row[0].v.s.len, "0.000", 5,
		   "regression: as zero, without the sign");
	buf_reset(&t);
	put16(&t, 1);
	put_numeric(&t, 1, 0, 0, mixed, 2);
	pgbin_decode_row(dec, 1, t.data, t.len, &scratch, row, &col, &e);
	TAP_EQ_MEM(row[0].v.s.p, row[0].v.s.len, "123400", 6,
		   "integer groups after the first are four digits");
	buf_release(&t);
	buf_release(&scratch);
}

static void test_mytext(void)
{
	struct buf scratch;
	struct value v;
	struct err e;

	buf_init(&scratch, 1u << 20);
	TAP_EQ_INT(mytext_decode(MYTEXT_BOOL, "7", 1, &scratch, &v, &e), -1,
		   "a tinyint(1) holding 7");
	TAP_EQ_STR(e.msg,
		   "tinyint(1) holds 7, not 0 or 1 (it would not survive as "
		   "bool; --cast TABLE.COLUMN=int reads it as a number)",
		   "its message");
	TAP_EQ_INT(mytext_decode(MYTEXT_BIT, "\x01\x02", 2, &scratch, &v, &e),
		   0, "a bit(16)");
	TAP_EQ_UINT(v.v.u, 0x102, "big-endian");
	TAP_EQ_INT(mytext_decode(MYTEXT_DATETIME, "0000-00-00 00:00:00", 19,
				 &scratch, &v, &e),
		   MYTEXT_ZERO_DATE, "a zero date is the caller's to judge");
	TAP_EQ_INT(mytext_decode(MYTEXT_TIMESTAMP, "2024-03-31 01:00:00", 19,
				 &scratch, &v, &e),
		   0, "a TIMESTAMP in the session's UTC");
	TAP_EQ_INT(v.v.i, INT64_C(1711846800000000), "its microseconds");
	TAP_EQ_INT(mytext_decode(MYTEXT_TIME, "-01:00:00", 9, &scratch, &v, &e),
		   -1, "a TIME that is not a time of day");
	TAP_EQ_INT(mytext_type(MYTEXT_BIT), VALUE_UINT64, "bit is uint64");
	buf_release(&scratch);
}

static int plain_quote(void *ctx, struct buf *b, const char *s, size_t len,
		       struct err *e)
{
	(void)ctx;
	return buf_addc(b, '\'', e) < 0 || buf_add(b, s, len, e) < 0 ||
		       buf_addc(b, '\'', e) < 0
		   ? -1
		   : 0;
}

static void test_loadfmt(void)
{
	struct buf b;
	struct value v;
	struct err e;

	buf_init(&b, 1u << 20);
	v.null = false;
	v.v.s.p = "a\\b\tc\nd\re";
	v.v.s.len = 9;
	loadfmt_pg_copy(&b, VALUE_TEXT, 0, &v, &e);
	TAP_EQ_STR((char *)b.data, "a\\\\b\\tc\\nd\\re", "COPY text escapes");
	buf_reset(&b);
	v.v.s.p = "a\0b";
	v.v.s.len = 3;
	TAP_EQ_INT(loadfmt_pg_copy(&b, VALUE_TEXT, 0, &v, &e), -1,
		   "COPY refuses a NUL");
	TAP_EQ_INT(e.class, ERR_STREAM, "as a value's error");
	buf_reset(&b);
	loadfmt_my_field(&b, VALUE_BYTES, &v, &e);
	TAP_EQ_MEM(b.data, b.len, "a\\0b", 4, "LOAD DATA escapes a NUL");
	buf_reset(&b);
	v.v.i = -719163; /* 0000-12-31, 1 BC */
	loadfmt_pg_copy(&b, VALUE_DATE, 0, &v, &e);
	TAP_EQ_STR((char *)b.data, "0001-12-31 BC", "a BC date for COPY");
	buf_reset(&b);
	TAP_EQ_INT(loadfmt_my_field(&b, VALUE_DATE, &v, &e), -1,
		   "MySQL has no year 0");
	buf_reset(&b);
	v.v.i = INT64_C(1711846800000000);
	loadfmt_pg_copy(&b, VALUE_TIMESTAMPTZ, 0, &v, &e);
	TAP_EQ_STR((char *)b.data, "2024-03-31 01:00:00.000000+00",
		   "a timestamptz for COPY");
	buf_reset(&b);
	loadfmt_my_literal(&b, VALUE_TIMESTAMPTZ, &v, plain_quote, NULL, &e);
	TAP_EQ_STR((char *)b.data, "'2024-03-31 01:00:00.000000'",
		   "and for an INSERT");
	buf_reset(&b);
	v.v.b = true;
	loadfmt_pg_copy(&b, VALUE_BOOL, 1, &v, &e);
	loadfmt_my_literal(&b, VALUE_BOOL, &v, plain_quote, NULL, &e);
	TAP_EQ_STR((char *)b.data, "11", "a bool into integer columns");
	buf_reset(&b);
	v.v.s.p = "\x01\xab";
	v.v.s.len = 2;
	loadfmt_my_literal(&b, VALUE_BYTES, &v, plain_quote, NULL, &e);
	TAP_EQ_STR((char *)b.data, "X'01ab'", "bytes in an INSERT");
	buf_reset(&b);
	v.null = true;
	loadfmt_my_literal(&b, VALUE_TEXT, &v, plain_quote, NULL, &e);
	loadfmt_my_field(&b, VALUE_TEXT, &v, &e);
	loadfmt_pg_copy(&b, VALUE_TEXT, 0, &v, &e);
	TAP_EQ_STR((char *)b.data, "NULL\\N\\N", "NULL three ways");
	buf_release(&b);
}

int main(void)
{
	test_pgbin();
	test_mytext();
	test_loadfmt();
	return tap_done();
}
