/*
 * test-pgoutput - unit tests of lib/db/pg/pgoutput.c: every pgoutput
 * message kind and both CopyData kinds built by hand as bytes, their
 * refusals (cut short, bytes left over, unknown kinds and markers, binary
 * tuples, limits), and the values a text tuple carries, each checked to
 * be the value the snapshot's binary COPY decoder (pgbin_decode) gives.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/pg/pgbin.h"
#include "db/pg/pgoutput.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "tap.h"

#define PG_EPOCH_US INT64_C(946684800000000)
#define PG_EPOCH_DAYS INT64_C(10957)
#define US_PER_DAY INT64_C(86400000000)

/* --- building messages ---------------------------------------------------- */

struct mb {
	unsigned char b[8192];
	size_t n;
};

static void put8(struct mb *m, unsigned v)
{
	if (m->n >= sizeof(m->b))
		abort();
	m->b[m->n++] = (unsigned char)v;
}

static void put16(struct mb *m, unsigned v)
{
	put8(m, (v >> 8) & 0xff);
	put8(m, v & 0xff);
}

static void put32(struct mb *m, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		put8(m, (v >> (8 * i)) & 0xff);
}

static void put64(struct mb *m, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		put8(m, (unsigned)(v >> (8 * i)) & 0xff);
}

static void putstr(struct mb *m, const char *s)
{
	do
		put8(m, (unsigned char)*s);
	while (*s++);
}

static void puttext(struct mb *m, const char *s)
{
	put8(m, 't');
	put32(m, (uint32_t)strlen(s));
	while (*s)
		put8(m, (unsigned char)*s++);
}

static void mb_start(struct mb *m, char kind)
{
	m->n = 0;
	put8(m, (unsigned char)kind);
}

static struct pgoutput_parser parser;
static struct pgoutput_msg msg;
static struct err err;

static int parse(const struct mb *m)
{
	err_init(&err);
	return pgoutput_parse(&parser, m->b, m->n, &msg, &err);
}

/* parse m, which must be refused with ERR_STREAM and exactly want */
static void refused(const struct mb *m, const char *want, const char *what)
{
	int rc = parse(m);

	TAP_CHECK(rc == -1 && err.class == ERR_STREAM, "%s: refused", what);
	TAP_EQ_STR(err.msg, want, "%s: message", what);
}

/* every proper prefix of m is cut short, and m with a byte more has one
 * too many */
static void prefixes_refused(const struct mb *m, const char *what)
{
	struct mb more = *m;
	int ok = 1;

	for (size_t cut = 0; cut < m->n; cut++) {
		err_init(&err);
		if (pgoutput_parse(&parser, m->b, cut, &msg, &err) != -1 ||
		    err.class != ERR_STREAM ||
		    (cut && !strstr(err.msg, "cut short") &&
		     !strstr(err.msg, "unterminated"))) {
			tap_diag("cut at %zu: %s", cut, err.msg);
			ok = 0;
		}
	}
	TAP_CHECK(ok, "%s: every prefix is cut short", what);
	put8(&more, 0);
	TAP_CHECK(parse(&more) == -1 && strstr(err.msg, "bytes left over"),
		  "%s: a byte left over is refused", what);
}

/* --- messages ------------------------------------------------------------- */

static void test_begin_commit(void)
{
	struct mb m;

	mb_start(&m, 'B');
	put64(&m, UINT64_C(0x16B3748));
	put64(&m, 1000);
	put32(&m, 4711);
	TAP_EQ_INT(parse(&m), 0, "B: parses");
	TAP_EQ_INT(msg.kind, 'B', "B: kind");
	TAP_EQ_UINT(msg.lsn, UINT64_C(0x16B3748), "B: final LSN");
	TAP_EQ_INT(msg.time_us, PG_EPOCH_US + 1000, "B: time since 1970");
	TAP_EQ_UINT(msg.xid, 4711, "B: xid");
	prefixes_refused(&m, "B");

	mb_start(&m, 'B');
	put64(&m, 1);
	put64(&m, (uint64_t)INT64_MAX - 5);
	put32(&m, 1);
	refused(&m,
		"pgoutput message 'B' has a time past what the stream holds "
		"at byte 9",
		"B: a time past int64 since 1970");

	mb_start(&m, 'B');
	put64(&m, 1);
	put64(&m, (uint64_t)INT64_MIN);
	put32(&m, 1);
	TAP_EQ_INT(parse(&m), 0, "B: the earliest time parses");
	TAP_EQ_INT(msg.time_us, INT64_MIN + PG_EPOCH_US, "B: and converts");

	mb_start(&m, 'C');
	put8(&m, 0);
	put64(&m, 100);
	put64(&m, 200);
	put64(&m, (uint64_t)-PG_EPOCH_US);
	TAP_EQ_INT(parse(&m), 0, "C: parses");
	TAP_EQ_UINT(msg.lsn, 100, "C: commit LSN");
	TAP_EQ_UINT(msg.end_lsn, 200, "C: end LSN");
	TAP_EQ_INT(msg.time_us, 0, "C: 1970-01-01 is 0");
	prefixes_refused(&m, "C");
	m.b[1] = 1;
	refused(&m, "pgoutput message 'C' has unknown flags 1 at byte 1",
		"C: flags");
}

static void test_origin_type_message(void)
{
	struct mb m;

	mb_start(&m, 'O');
	put64(&m, 77);
	putstr(&m, "pg_1234");
	TAP_EQ_INT(parse(&m), 0, "O: parses");
	TAP_EQ_UINT(msg.lsn, 77, "O: LSN");
	TAP_EQ_STR(msg.prefix, "pg_1234", "O: name");
	prefixes_refused(&m, "O");

	mb_start(&m, 'Y');
	put32(&m, 16385);
	putstr(&m, "public");
	putstr(&m, "mood");
	TAP_EQ_INT(parse(&m), 0, "Y: parses");
	TAP_EQ_INT(msg.kind, 'Y', "Y: kind");
	prefixes_refused(&m, "Y");
	m.n--; /* the name's NUL */
	refused(&m,
		"pgoutput message 'Y' has an unterminated string at byte 12",
		"Y: a string without its NUL");

	mb_start(&m, 'M');
	put8(&m, 1);
	put64(&m, 555);
	putstr(&m, "ferry");
	put32(&m, 3);
	put8(&m, 'a');
	put8(&m, 0);
	put8(&m, 'c');
	TAP_EQ_INT(parse(&m), 0, "M: parses");
	TAP_EQ_INT(msg.transactional, 1, "M: transactional");
	TAP_EQ_UINT(msg.lsn, 555, "M: LSN");
	TAP_EQ_STR(msg.prefix, "ferry", "M: prefix");
	TAP_EQ_MEM(msg.content, msg.content_len, "a\0c", 3, "M: content");
	prefixes_refused(&m, "M");
	m.b[1] = 0;
	TAP_CHECK(parse(&m) == 0 && !msg.transactional, "M: not transactional");
	m.b[16] = 0x80; /* the length's top byte */
	refused(&m, "pgoutput message 'M' has a negative length at byte 16",
		"M: a negative length");
	m.b[16] = 0;
	m.b[19] = 4;
	refused(&m, "pgoutput message 'M' cut short at byte 20",
		"M: content past the end");
}

static void test_relation(void)
{
	struct mb m;

	mb_start(&m, 'R');
	put32(&m, 16390);
	putstr(&m, "public");
	putstr(&m, "users");
	put8(&m, 'd');
	put16(&m, 2);
	put8(&m, 1);
	putstr(&m, "id");
	put32(&m, 20);
	put32(&m, (uint32_t)-1);
	put8(&m, 0);
	putstr(&m, "name");
	put32(&m, 1043);
	put32(&m, 68);
	TAP_EQ_INT(parse(&m), 0, "R: parses");
	TAP_EQ_UINT(msg.relid, 16390, "R: relid");
	TAP_EQ_STR(msg.nspname, "public", "R: namespace");
	TAP_EQ_STR(msg.relname, "users", "R: name");
	TAP_EQ_INT(msg.replident, 'd', "R: replica identity");
	if (TAP_EQ_UINT(msg.ncols, 2, "R: columns")) {
		TAP_CHECK(msg.cols[0].key && !msg.cols[1].key, "R: the key");
		TAP_EQ_STR(msg.cols[0].name, "id", "R: column name");
		TAP_EQ_STR(msg.cols[1].name, "name", "R: column name");
		TAP_EQ_UINT(msg.cols[0].type_oid, 20, "R: type OID");
		TAP_EQ_INT(msg.cols[0].typmod, -1, "R: typmod -1");
		TAP_EQ_INT(msg.cols[1].typmod, 68, "R: typmod");
	}
	prefixes_refused(&m, "R");
	m.b[18] = 'x';
	refused(&m,
		"pgoutput message 'R' has an unknown replica identity 'x' at "
		"byte 18",
		"R: replica identity");

	mb_start(&m, 'R');
	put32(&m, 1);
	putstr(&m, "");
	putstr(&m, "t");
	put8(&m, 'f');
	put16(&m, PGOUTPUT_MAX_COLS + 1);
	refused(&m,
		"pgoutput message 'R' has 1665 columns at byte 9 (at "
		"most 1664)",
		"R: too many columns");
}

static void test_insert(void)
{
	struct mb m;

	mb_start(&m, 'I');
	put32(&m, 16390);
	put8(&m, 'N');
	put16(&m, 3);
	puttext(&m, "42");
	put8(&m, 'n');
	put8(&m, 'u');
	TAP_EQ_INT(parse(&m), 0, "I: parses");
	TAP_EQ_UINT(msg.relid, 16390, "I: relid");
	TAP_EQ_INT(msg.old_kind, 0, "I: no old tuple");
	TAP_EQ_UINT(msg.nold, 0, "I: no old columns");
	if (TAP_EQ_UINT(msg.nnew, 3, "I: three columns")) {
		TAP_EQ_INT(msg.new_tuple[0].kind, 't', "I: text");
		TAP_EQ_MEM(msg.new_tuple[0].text, msg.new_tuple[0].len, "42", 2,
			   "I: its text");
		TAP_CHECK(msg.new_tuple[0].text == (const char *)m.b + 13,
			  "I: the text points into the message");
		TAP_EQ_INT(msg.new_tuple[1].kind, 'n', "I: NULL");
		TAP_EQ_INT(msg.new_tuple[2].kind, 'u', "I: unchanged");
	}
	prefixes_refused(&m, "I");
	m.n = 12;
	refused(&m, "pgoutput message 'I' cut short at byte 9",
		"I: cut inside a length");
	m.n = 14;
	refused(&m, "pgoutput message 'I' cut short at byte 13",
		"I: a text longer than the bytes left");

	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'K');
	put16(&m, 0);
	refused(&m,
		"pgoutput message 'I' has an unknown tuple marker 'K' at byte "
		"5",
		"I: only a new tuple");

	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'N');
	put16(&m, 1);
	put8(&m, 'b');
	put32(&m, 1);
	put8(&m, 1);
	refused(&m,
		"pgoutput message 'I' column 1: binary tuple data is not read",
		"I: binary data");

	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'N');
	put16(&m, 2);
	put8(&m, 'n');
	put8(&m, 'x');
	refused(&m,
		"pgoutput message 'I' has an unknown column kind 'x' at byte 9",
		"I: column kind");

	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'N');
	put16(&m, 1);
	put8(&m, 't');
	put32(&m, 0xffffffffu);
	refused(&m, "pgoutput message 'I' has a negative length at byte 9",
		"I: a negative text length");

	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'N');
	put16(&m, PGOUTPUT_MAX_COLS + 1);
	refused(&m,
		"pgoutput message 'I' has a tuple of 1665 columns at byte 6 "
		"(at most 1664)",
		"I: too many columns");

	/* the most columns, then fewer: the parser's arrays are reused */
	mb_start(&m, 'I');
	put32(&m, 1);
	put8(&m, 'N');
	put16(&m, PGOUTPUT_MAX_COLS);
	for (int i = 0; i < PGOUTPUT_MAX_COLS; i++)
		put8(&m, 'n');
	TAP_CHECK(parse(&m) == 0 && msg.nnew == PGOUTPUT_MAX_COLS,
		  "I: the most columns");
	mb_start(&m, 'I');
	put32(&m, 2);
	put8(&m, 'N');
	put16(&m, 1);
	puttext(&m, "");
	TAP_CHECK(parse(&m) == 0 && msg.nnew == 1 &&
		      msg.new_tuple[0].kind == 't' && msg.new_tuple[0].len == 0,
		  "I: then one empty text");
}

static void test_update_delete(void)
{
	struct mb m;

	mb_start(&m, 'U');
	put32(&m, 7);
	put8(&m, 'N');
	put16(&m, 1);
	puttext(&m, "new");
	TAP_EQ_INT(parse(&m), 0, "U: a new tuple only");
	TAP_CHECK(msg.old_kind == 0 && msg.nold == 0 && msg.nnew == 1,
		  "U: no old tuple");
	prefixes_refused(&m, "U new");

	mb_start(&m, 'U');
	put32(&m, 7);
	put8(&m, 'K');
	put16(&m, 2);
	puttext(&m, "1");
	put8(&m, 'n');
	put8(&m, 'N');
	put16(&m, 2);
	puttext(&m, "2");
	puttext(&m, "x");
	TAP_EQ_INT(parse(&m), 0, "U: the old key and the new tuple");
	TAP_EQ_INT(msg.old_kind, 'K', "U: old kind K");
	TAP_CHECK(msg.nold == 2 && msg.old_tuple[0].len == 1 &&
		      msg.old_tuple[0].text[0] == '1' &&
		      msg.old_tuple[1].kind == 'n',
		  "U: old key columns");
	TAP_CHECK(msg.nnew == 2 && msg.new_tuple[0].text[0] == '2' &&
		      msg.new_tuple[1].text[0] == 'x',
		  "U: new columns");
	prefixes_refused(&m, "U K");
	m.b[5] = 'O';
	TAP_CHECK(parse(&m) == 0 && msg.old_kind == 'O', "U: old kind O");
	m.b[15] = 'K';
	refused(&m,
		"pgoutput message 'U' has an unknown tuple marker 'K' at byte "
		"15",
		"U: a second old tuple");

	mb_start(&m, 'D');
	put32(&m, 9);
	put8(&m, 'O');
	put16(&m, 1);
	puttext(&m, "gone");
	TAP_EQ_INT(parse(&m), 0, "D: parses");
	TAP_CHECK(msg.relid == 9 && msg.old_kind == 'O' && msg.nold == 1 &&
		      msg.nnew == 0 && !msg.new_tuple,
		  "D: an old tuple and no new one");
	prefixes_refused(&m, "D");
	m.b[5] = 'N';
	refused(&m,
		"pgoutput message 'D' has an unknown tuple marker 'N' at byte "
		"5",
		"D: a new tuple");
}

static void test_truncate_and_kinds(void)
{
	struct mb m;
	unsigned char weird[1] = { 0x01 };

	mb_start(&m, 'T');
	put32(&m, 2);
	put8(&m, 3);
	put32(&m, 100);
	put32(&m, 0xfffffff0u);
	TAP_EQ_INT(parse(&m), 0, "T: parses");
	TAP_CHECK(msg.nrels == 2 && msg.rels[0] == 100 &&
		      msg.rels[1] == 0xfffffff0u && msg.options == 3,
		  "T: relations and options");
	prefixes_refused(&m, "T");
	mb_start(&m, 'T');
	put32(&m, 0x7fffffffu);
	put8(&m, 0);
	put32(&m, 1);
	refused(&m, "pgoutput message 'T' cut short at byte 6",
		"T: more relations than bytes");
	mb_start(&m, 'T');
	put32(&m, 0);
	put8(&m, 0);
	TAP_CHECK(parse(&m) == 0 && msg.nrels == 0, "T: none");

	mb_start(&m, 'X');
	refused(&m, "unknown pgoutput message kind 'X'", "an unknown kind");
	mb_start(&m, 'S'); /* a stream start: protocol 2 */
	put32(&m, 1);
	put8(&m, 1);
	refused(&m, "unknown pgoutput message kind 'S'", "protocol 2's S");
	err_init(&err);
	TAP_CHECK(pgoutput_parse(&parser, weird, 1, &msg, &err) == -1 &&
		      strstr(err.msg, "kind '\\x01'"),
		  "a control byte is escaped in the message: %s", err.msg);
	err_init(&err);
	TAP_CHECK(pgoutput_parse(&parser, weird, 0, &msg, &err) == -1 &&
		      err.class == ERR_STREAM,
		  "an empty message");
}

static void test_copydata(void)
{
	struct pgoutput_copydata cd;
	struct mb m;

	mb_start(&m, 'k');
	put64(&m, 0x1000);
	put64(&m, 5);
	put8(&m, 1);
	err_init(&err);
	TAP_EQ_INT(pgoutput_copydata(m.b, m.n, &cd, &err), 0, "k: parses");
	TAP_CHECK(cd.kind == 'k' && cd.wal_end == 0x1000 &&
		      cd.send_time_us == PG_EPOCH_US + 5 && cd.reply_requested,
		  "k: fields");
	for (size_t cut = 0; cut < m.n; cut++)
		if (pgoutput_copydata(m.b, cut, &cd, &err) != -1)
			break;
	TAP_EQ_STR(err.msg, "replication message 'k' cut short at byte 17",
		   "k: cut short");
	put8(&m, 0);
	TAP_CHECK(pgoutput_copydata(m.b, m.n, &cd, &err) == -1,
		  "k: a byte left over");
	TAP_EQ_STR(err.msg,
		   "replication message 'k' has bytes left over at byte 18",
		   "k: its message");

	mb_start(&m, 'w');
	put64(&m, 0x2000);
	put64(&m, 0x3000);
	put64(&m, 0);
	put8(&m, 'B');
	put64(&m, 0x2100);
	put64(&m, 0);
	put32(&m, 9);
	TAP_EQ_INT(pgoutput_copydata(m.b, m.n, &cd, &err), 0, "w: parses");
	TAP_CHECK(cd.kind == 'w' && cd.wal_start == 0x2000 &&
		      cd.wal_end == 0x3000 && cd.send_time_us == PG_EPOCH_US &&
		      cd.data == m.b + 25 && cd.len == 21,
		  "w: fields and the message");
	TAP_CHECK(pgoutput_parse(&parser, cd.data, cd.len, &msg, &err) == 0 &&
		      msg.kind == 'B' && msg.xid == 9,
		  "w: its message parses");
	TAP_CHECK(pgoutput_copydata(m.b, 24, &cd, &err) == -1 &&
		      strcmp(err.msg,
			     "replication message 'w' cut short at byte 17") ==
			  0,
		  "w: cut short");
	m.b[0] = 'r';
	TAP_CHECK(pgoutput_copydata(m.b, m.n, &cd, &err) == -1 &&
		      strcmp(err.msg, "unknown replication message kind 'r'") ==
			  0,
		  "an unknown CopyData kind");
	m.b[0] = 'k';
	m.b[9] = 0x7f; /* a send time past int64 since 1970 */
	m.b[10] = m.b[11] = 0xff;
	TAP_CHECK(pgoutput_copydata(m.b, 18, &cd, &err) == -1 &&
		      strstr(err.msg, "time past"),
		  "k: a time past int64");
}

/* --- values --------------------------------------------------------------- */

static struct buf scratch;

static struct schema_column col(enum value_type t, const char *st)
{
	struct schema_column c;

	memset(&c, 0, sizeof(c));
	c.type = t;
	c.source_type = (char *)st;
	return c;
}

static int val(const struct schema_column *c, const char *text, struct value *v)
{
	err_init(&err);
	return pgoutput_value(c, text, strlen(text), &scratch, v, &err);
}

/* the value binary COPY's decoder d gives for the bytes b[0..n) */
static struct value bin(enum pgbin_dec d, const unsigned char *b, size_t n)
{
	struct value w;
	struct err e;

	err_init(&e);
	memset(&w, 0, sizeof(w));
	if (pgbin_decode(d, b, n, &scratch, &w, &e) < 0)
		tap_diag("pgbin_decode: %s", e.msg);
	return w;
}

static struct value bin32(enum pgbin_dec d, uint32_t x)
{
	struct mb m = { .n = 0 };

	put32(&m, x);
	return bin(d, m.b, 4);
}

static struct value bin64(enum pgbin_dec d, uint64_t x)
{
	struct mb m = { .n = 0 };

	put64(&m, x);
	return bin(d, m.b, 8);
}

static uint64_t bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* c's text must be refused with ERR_STREAM, the message holding want */
static void bad(const struct schema_column *c, const char *text,
		const char *want)
{
	struct value v;
	char q[96];
	int rc = val(c, text, &v);

	TAP_CHECK(rc == -1 && err.class == ERR_STREAM && strstr(err.msg, want),
		  "%s '%s' refused: %s", c->source_type,
		  err_quote(q, sizeof(q), text, strlen(text), 40), err.msg);
}

static void test_numbers(void)
{
	struct schema_column b = col(VALUE_BOOL, "boolean"),
			     i2 = col(VALUE_INT64, "smallint"),
			     i4 = col(VALUE_INT64, "integer"),
			     i8 = col(VALUE_INT64, "bigint"),
			     f4 = col(VALUE_FLOAT64, "real"),
			     f8 = col(VALUE_FLOAT64, "double precision"),
			     n = col(VALUE_DECIMAL, "numeric(12,3)");
	struct value v, w;

	TAP_CHECK(val(&b, "t", &v) == 0 && v.v.b && !v.null, "bool t");
	TAP_CHECK(val(&b, "f", &v) == 0 && !v.v.b, "bool f");
	bad(&b, "true", "invalid bool");
	bad(&b, "", "invalid bool");

	TAP_CHECK(val(&i2, "-32768", &v) == 0 && v.v.i == -32768, "smallint");
	bad(&i2, "32768", "smallint out of range");
	TAP_CHECK(val(&i4, "2147483647", &v) == 0 && v.v.i == INT32_MAX,
		  "integer");
	bad(&i4, "-2147483649", "integer out of range");
	TAP_CHECK(val(&i8, "-9223372036854775808", &v) == 0 &&
		      v.v.i == INT64_MIN,
		  "bigint");
	bad(&i8, "9223372036854775808", "out of range");
	bad(&i8, "1.0", "invalid");

	/* a real is read as a float and widened, as binary COPY does */
	TAP_CHECK(val(&f4, "1.1", &v) == 0, "real 1.1");
	TAP_EQ_UINT(bits(v.v.f), bits((double)1.1f), "real 1.1 is 1.1f");
	TAP_CHECK(v.v.f != 1.1, "real 1.1 is not the double 1.1");
	w = bin32(PGBIN_DEC_FLOAT4, fbits(1.1f));
	TAP_EQ_UINT(bits(v.v.f), bits(w.v.f), "real 1.1 as binary COPY's");
	TAP_CHECK(val(&f4, "3.4028235e+38", &v) == 0 &&
		      v.v.f == (double)3.4028235e+38f,
		  "the largest real");
	TAP_CHECK(val(&f4, "1e-45", &v) == 0 &&
		      bits(v.v.f) == bits((double)1e-45f),
		  "the smallest subnormal real");
	TAP_CHECK(val(&f4, "-0", &v) == 0 && bits(v.v.f) == bits(-0.0),
		  "real -0 keeps its sign");
	TAP_CHECK(val(&f4, "NaN", &v) == 0 && isnan(v.v.f), "real NaN");
	TAP_CHECK(val(&f4, "Infinity", &v) == 0 && isinf(v.v.f) && v.v.f > 0,
		  "real Infinity");
	TAP_CHECK(val(&f4, "-Infinity", &v) == 0 && isinf(v.v.f) && v.v.f < 0,
		  "real -Infinity");
	bad(&f4, "1e39", "real out of range");
	bad(&f4, "1e-50", "real out of range");
	bad(&f4, "inf", "invalid real");
	bad(&f4, "0x10", "invalid real");
	bad(&f4, "1.5 ", "invalid real");

	TAP_CHECK(val(&f8, "1.1", &v) == 0 && bits(v.v.f) == bits(1.1),
		  "double 1.1");
	TAP_CHECK(val(&f8, "1e-300", &v) == 0 && v.v.f == 1e-300,
		  "double 1e-300");
	TAP_CHECK(val(&f8, "-Infinity", &v) == 0 && isinf(v.v.f) && v.v.f < 0,
		  "double -Infinity");
	w = bin64(PGBIN_DEC_FLOAT8, bits(0.1));
	TAP_CHECK(val(&f8, "0.1", &v) == 0 && bits(v.v.f) == bits(w.v.f),
		  "double 0.1 as binary COPY's");
	bad(&f8, "1e400", "out of range");

	TAP_CHECK(val(&n, "123.4500", &v) == 0 && v.v.s.len == 8 &&
		      memcmp(v.v.s.p, "123.4500", 8) == 0,
		  "numeric kept as is, scale and all");
	TAP_CHECK(val(&n, "NaN", &v) == 0 && v.v.s.len == 3, "numeric NaN");
	TAP_CHECK(val(&n, "-Infinity", &v) == 0 && v.v.s.len == 9,
		  "numeric -Infinity");
	bad(&n, "1e5", "invalid decimal");
	bad(&n, "+1", "invalid decimal");
}

static int64_t days(int64_t y, unsigned m, unsigned d)
{
	return value_days_from_civil(y, m, d);
}

static void test_dates(void)
{
	struct schema_column d = col(VALUE_DATE, "date"),
			     ts = col(VALUE_TIMESTAMP,
				      "timestamp(3) without time zone"),
			     tz = col(VALUE_TIMESTAMPTZ,
				      "timestamp with time zone"),
			     tm = col(VALUE_TIME, "time without time zone");
	struct value v, w;
	int64_t us;

	TAP_CHECK(val(&d, "2024-02-29", &v) == 0 && v.v.i == days(2024, 2, 29),
		  "date");
	w = bin32(PGBIN_DEC_DATE, (uint32_t)(days(2024, 2, 29) - 10957));
	TAP_EQ_INT(v.v.i, w.v.i, "date as binary COPY's");
	TAP_CHECK(val(&d, "0001-01-01 BC", &v) == 0 && v.v.i == days(0, 1, 1),
		  "0001-01-01 BC is year 0");
	TAP_CHECK(val(&d, "0001-12-31", &v) == 0 && v.v.i == days(1, 12, 31),
		  "0001-12-31");
	TAP_CHECK(val(&d, "4713-01-01 BC", &v) == 0 &&
		      v.v.i == days(-4712, 1, 1),
		  "4713-01-01 BC is -4712");
	TAP_CHECK(val(&d, "4714-11-24 BC", &v) == 0 &&
		      v.v.i == days(-4713, 11, 24),
		  "the first date");
	w = bin32(PGBIN_DEC_DATE,
		  (uint32_t)(int32_t)(days(-4713, 11, 24) - PG_EPOCH_DAYS));
	TAP_EQ_INT(v.v.i, w.v.i, "the first date as binary COPY's");
	bad(&d, "4714-11-23 BC", "date out of range '4714-11-23 BC'");
	TAP_CHECK(val(&d, "5874897-12-31", &v) == 0 &&
		      v.v.i == days(5874897, 12, 31),
		  "the last date, seven digits of year");
	TAP_CHECK(val(&d, "10000-01-01", &v) == 0 && v.v.i == days(10000, 1, 1),
		  "a five-digit year");
	TAP_CHECK(val(&d, "infinity", &v) == 0 && v.v.i == VALUE_DATE_POS_INF,
		  "date infinity");
	TAP_CHECK(val(&d, "-infinity", &v) == 0 && v.v.i == VALUE_DATE_NEG_INF,
		  "date -infinity");
	w = bin32(PGBIN_DEC_DATE, (uint32_t)INT32_MIN);
	TAP_EQ_INT(v.v.i, w.v.i, "date -infinity as binary COPY's");
	bad(&d, "0000-01-01", "invalid date '0000-01-01'");
	bad(&d, "0000-01-01 BC", "invalid date");
	bad(&d, "-0001-01-01", "invalid date");
	bad(&d, "2023-02-29", "invalid date");
	bad(&d, "2023-02-28 AD", "invalid date");
	bad(&d, "2023-02-28 BC ", "invalid date");
	bad(&d, "999-01-01", "invalid date");
	bad(&d, "12345678-01-01", "invalid date");

	us = days(2024, 2, 29) * US_PER_DAY +
	     ((12 * 60 + 34) * 60 + 56) * INT64_C(1000000) + 789000;
	TAP_CHECK(val(&ts, "2024-02-29 12:34:56.789", &v) == 0 && v.v.i == us,
		  "timestamp");
	w = bin64(PGBIN_DEC_TS, (uint64_t)(us - PG_EPOCH_US));
	TAP_EQ_INT(v.v.i, w.v.i, "timestamp as binary COPY's");
	us = days(-43, 3, 15) * US_PER_DAY + 12 * 3600 * INT64_C(1000000);
	TAP_CHECK(val(&ts, "0044-03-15 12:00:00 BC", &v) == 0 && v.v.i == us,
		  "timestamp BC");
	TAP_CHECK(val(&ts, "4714-11-24 00:00:00 BC", &v) == 0 &&
		      v.v.i == days(-4713, 11, 24) * US_PER_DAY,
		  "the first timestamp");
	bad(&ts, "4714-11-23 23:59:59.999999 BC", "timestamp out of range");
	TAP_CHECK(val(&ts, "infinity", &v) == 0 && v.v.i == VALUE_TS_POS_INF,
		  "timestamp infinity");
	TAP_CHECK(val(&ts, "-infinity", &v) == 0 && v.v.i == VALUE_TS_NEG_INF,
		  "timestamp -infinity");
	bad(&ts, "2024-01-01 00:00:00+00", "invalid timestamp");
	bad(&ts, "2024-01-01", "invalid timestamp");

	TAP_CHECK(val(&tz, "1970-01-01 00:00:00+00", &v) == 0 && v.v.i == 0,
		  "timestamptz");
	us = days(-43, 3, 15) * US_PER_DAY + 12 * 3600 * INT64_C(1000000);
	TAP_CHECK(val(&tz, "0044-03-15 12:00:00+00 BC", &v) == 0 && v.v.i == us,
		  "timestamptz BC");
	TAP_CHECK(val(&tz, "10000-01-01 00:00:00.5+00", &v) == 0 &&
		      v.v.i == days(10000, 1, 1) * US_PER_DAY + 500000,
		  "timestamptz of a five-digit year");
	/* the last microsecond int64 holds since 1970 is INT64_MAX, which
	 * stands for infinity: refused, as binary COPY refuses it */
	TAP_CHECK(val(&tz, "294247-01-10 04:00:54.775806+00", &v) == 0 &&
		      v.v.i == INT64_MAX - 1,
		  "the last timestamptz the stream holds");
	w = bin64(PGBIN_DEC_TS, (uint64_t)(INT64_MAX - 1 - PG_EPOCH_US));
	TAP_EQ_INT(v.v.i, w.v.i, "and binary COPY's");
	bad(&tz, "294247-01-10 04:00:54.775807+00", "out of range");
	bad(&tz, "2024-01-01 00:00:00", "invalid timestamptz");
	TAP_CHECK(val(&tz, "-infinity", &v) == 0 && v.v.i == VALUE_TS_NEG_INF,
		  "timestamptz -infinity");

	TAP_CHECK(val(&tm, "24:00:00", &v) == 0 && v.v.i == VALUE_TIME_MAX,
		  "time 24:00:00");
	TAP_CHECK(val(&tm, "12:00:00.5", &v) == 0 &&
		      v.v.i == 12 * 3600 * INT64_C(1000000) + 500000,
		  "time with a fraction");
	bad(&tm, "24:00:01", "invalid time");
}

static void test_text_kinds(void)
{
	struct schema_column by = col(VALUE_BYTES, "bytea"),
			     u = col(VALUE_UUID, "uuid"),
			     j = col(VALUE_JSON, "json"),
			     jb = col(VALUE_JSON, "jsonb"),
			     t = col(VALUE_TEXT, "text"),
			     en = col(VALUE_ENUM, "mood"),
			     iv = col(VALUE_TEXT, "interval"),
			     ip = col(VALUE_TEXT, "inet");
	char *labels[] = { (char *)"sad", (char *)"ok" };
	struct value v;
	size_t before;

	en.labels = labels;
	en.nlabels = 2;
	TAP_CHECK(val(&by, "\\x00ff7f80", &v) == 0 && v.v.s.len == 4 &&
		      memcmp(v.v.s.p, "\x00\xff\x7f\x80", 4) == 0,
		  "bytea in hex");
	TAP_CHECK(val(&by, "\\x", &v) == 0 && v.v.s.len == 0, "empty bytea");
	bad(&by, "\\x0", "invalid bytes");
	bad(&by, "abc", "invalid bytes");

	TAP_CHECK(val(&u, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", &v) == 0 &&
		      v.v.uuid[0] == 0xa0 && v.v.uuid[15] == 0x11,
		  "uuid");
	bad(&u, "a0eebc99", "invalid uuid");

	TAP_CHECK(val(&j, "{\"b\": 1,  \"a\": [1, 2.50]}", &v) == 0 &&
		      v.v.s.len == strlen("{\"b\": 1,  \"a\": [1, 2.50]}"),
		  "json as is");
	TAP_CHECK(val(&jb, "\"str\"", &v) == 0 && v.v.s.len == 5, "jsonb");
	bad(&j, "{", "");

	TAP_CHECK(val(&t, "h\xc3\xa9llo", &v) == 0 && v.v.s.len == 6,
		  "text as is");
	bad(&t, "a\xff", "invalid UTF-8");
	TAP_CHECK(val(&en, "ok", &v) == 0 && v.v.s.len == 2, "an enum label");
	bad(&en, "happy", "not one of the enum's labels");
	TAP_CHECK(val(&iv, "1 year 2 mons", &v) == 0 && v.v.s.len == 13,
		  "a type read as ::text");

	/* inet::text keeps the netmask that inet's output leaves out */
	before = scratch.len;
	TAP_CHECK(val(&ip, "192.168.0.1", &v) == 0 &&
		      v.v.s.len == strlen("192.168.0.1/32") &&
		      memcmp(v.v.s.p, "192.168.0.1/32", v.v.s.len) == 0,
		  "inet gets /32");
	TAP_CHECK(scratch.len - before <= strlen("192.168.0.1") + 4,
		  "inet: scratch grows by len + 4 at most");
	before = scratch.len;
	TAP_CHECK(val(&ip, "::1", &v) == 0 && v.v.s.len == 7 &&
		      memcmp(v.v.s.p, "::1/128", 7) == 0,
		  "inet gets /128");
	TAP_EQ_UINT(scratch.len - before, 3 + 4, "inet: len + 4");
	TAP_CHECK(val(&ip, "192.168.0.1/24", &v) == 0 && v.v.s.len == 14,
		  "inet with a netmask as is");
}

static void test_casts(void)
{
	struct schema_column bi = col(VALUE_INT64, "boolean"),
			     ni = col(VALUE_INT64, "numeric(20,0)"),
			     bt = col(VALUE_TEXT, "boolean"),
			     ct = col(VALUE_TEXT, "character(4)"),
			     vt = col(VALUE_TEXT, "character varying(4)"),
			     ft = col(VALUE_TEXT, "real"),
			     ca = col(VALUE_TEXT, "character(4)[]"),
			     wrong = col(VALUE_BOOL, "boolean");
	struct value v;

	bi.cast = ni.cast = wrong.cast = SCHEMA_CAST_INT;
	bt.cast = ct.cast = vt.cast = ft.cast = ca.cast = SCHEMA_CAST_TEXT;
	TAP_CHECK(val(&bi, "t", &v) == 0 && v.v.i == 1, "--cast int: t is 1");
	TAP_CHECK(val(&bi, "f", &v) == 0 && v.v.i == 0, "--cast int: f is 0");
	bad(&bi, "1", "invalid boolean");
	TAP_CHECK(val(&ni, "12345678901234567", &v) == 0 &&
		      v.v.i == INT64_C(12345678901234567),
		  "--cast int: a numeric");
	bad(&ni, "18446744073709551615", "out of range");
	bad(&ni, "1.5", "invalid");
	TAP_CHECK(val(&wrong, "t", &v) == -1 && err.class == ERR_SYSTEM,
		  "--cast int of a column not int64 is an internal error");

	TAP_CHECK(val(&bt, "t", &v) == 0 && v.v.s.len == 4 &&
		      memcmp(v.v.s.p, "true", 4) == 0,
		  "--cast text: boolean t is 'true'");
	TAP_CHECK(val(&bt, "f", &v) == 0 && v.v.s.len == 5 &&
		      memcmp(v.v.s.p, "false", 5) == 0,
		  "--cast text: boolean f is 'false'");
	TAP_CHECK(val(&ct, "ab  ", &v) == 0 && v.v.s.len == 2,
		  "--cast text: character(4) loses its blanks");
	TAP_CHECK(val(&ct, "    ", &v) == 0 && v.v.s.len == 0,
		  "--cast text: all blanks is empty");
	TAP_CHECK(val(&vt, "ab  ", &v) == 0 && v.v.s.len == 4,
		  "--cast text: varchar keeps them");
	TAP_CHECK(val(&ca, "{\"ab  \"}", &v) == 0 && v.v.s.len == 8,
		  "--cast text: character(4)[] as is");
	TAP_CHECK(val(&ft, "1.1", &v) == 0 && v.v.s.len == 3,
		  "--cast text: real as its text");
	ct.cast = 0;
	TAP_CHECK(val(&ct, "ab  ", &v) == 0 && v.v.s.len == 4,
		  "character(4) without a cast keeps its blanks");
}

/* a SET column's text[] to its members and commas */
static void set_is(const struct schema_column *c, const char *text,
		   const char *want)
{
	struct value v;
	size_t before = scratch.len;
	int rc = val(c, text, &v);

	if (!TAP_EQ_INT(rc, 0, "SET '%s' reads", text)) {
		tap_diag("%s", err.msg);
		return;
	}
	TAP_EQ_MEM(v.v.s.p, v.v.s.len, want, strlen(want), "SET '%s'", text);
	TAP_CHECK(scratch.len - before <= strlen(text),
		  "SET '%s': no more bytes than the text", text);
}

static void test_sets(void)
{
	struct schema_column s = col(VALUE_TEXT, "text[]");
	char *members[] = { (char *)"a", (char *)"b c" };

	s.set = members;
	s.nset = 2;
	set_is(&s, "{a,\"b c\",\"d\\\"e\"}", "a,b c,d\"e");
	set_is(&s, "{}", "");
	set_is(&s, "{a}", "a");
	set_is(&s, "{\"\"}", "");
	set_is(&s, "{\"NULL\"}", "NULL");
	set_is(&s, "{\"a\\\\b\",\"{x}\"}", "a\\b,{x}");
	set_is(&s, "{\"a,b\"}", "a,b");
	set_is(&s, "[0:1]={a,b}", "a,b");
	set_is(&s, "{h\xc3\xa9}", "h\xc3\xa9");
	bad(&s, "{a,NULL}", "a NULL in an array of SET members");
	bad(&s, "{null}", "a NULL");
	bad(&s, "{{a},{b}}", "more than one dimension");
	bad(&s, "[1:2][1:1]={{a},{b}}", "more than one dimension");
	bad(&s, "{a", "invalid array of SET members");
	bad(&s, "{a,}", "invalid array");
	bad(&s, "{,a}", "invalid array");
	bad(&s, "{\"a}", "invalid array");
	bad(&s, "{\"a\\", "invalid array");
	bad(&s, "{\"a\"b}", "invalid array");
	bad(&s, "{a b}", "invalid array");
	bad(&s, "{a}x", "invalid array");
	bad(&s, "a,b", "invalid array");
	bad(&s, "", "invalid array");
	bad(&s, "[x]={a}", "invalid array");
	bad(&s, "[1:1]{a}", "invalid array");
	bad(&s, "{\"\xff\"}", "invalid UTF-8");
	s.cast = SCHEMA_CAST_TEXT; /* the SELECT reads a SET the same way */
	set_is(&s, "{a,\"b c\"}", "a,b c");
}

/* a PostGIS geometry's text (hex EWKB, any byte order) is the value
 * binary COPY's decoder gives: the canonical EWKB */
static void test_geometry(void)
{
	struct schema_column g = col(VALUE_BYTES, "geometry(Point,4326)"),
			     cast = col(VALUE_BYTES, "geometry");
	/* POINT(1 2) SRID 4326, big-endian, as a server on such a machine
	 * prints it */
	static const unsigned char ewkb[] = {
		0x01, 0x01, 0x00, 0x00, 0x20, 0xe6, 0x10, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	};
	struct value v, w;

	TAP_CHECK(val(&g, "0020000001000010E63FF00000000000004000000000000000",
		      &v) == 0 &&
		      v.v.s.len == sizeof(ewkb) &&
		      memcmp(v.v.s.p, ewkb, sizeof(ewkb)) == 0,
		  "geometry: big-endian hex to the little-endian EWKB");
	w = bin(PGBIN_DEC_GEOMETRY, ewkb, sizeof(ewkb));
	TAP_CHECK(w.v.s.len == sizeof(ewkb) &&
		      memcmp(w.v.s.p, ewkb, sizeof(ewkb)) == 0,
		  "geometry: as binary COPY's");
	TAP_CHECK(val(&cast, "0101000020E6100000000000000000F03F0000000000000040",
		      &v) == 0 &&
		      memcmp(v.v.s.p, ewkb, sizeof(ewkb)) == 0,
		  "geometry: little-endian hex");
	bad(&g, "0101", "geometry:");
	bad(&g, "010", "invalid geometry");
	bad(&g, "0x0101000000", "invalid geometry");
	bad(&g, "\\x010100000000000000000000000000000000000000",
	    "invalid geometry");
	cast.cast = SCHEMA_CAST_BYTES;
	cast.type = VALUE_BYTES;
	cast.source_type = (char *)"text";
	TAP_CHECK(val(&cast, "\\x41", &v) == 0 && v.v.s.len == 4 &&
		      memcmp(v.v.s.p, "\\x41", 4) == 0,
		  "--cast bytes: the text's own bytes");
}

int main(void)
{
	pgoutput_parser_init(&parser);
	buf_init(&scratch, 1u << 20);
	test_begin_commit();
	test_origin_type_message();
	test_relation();
	test_insert();
	test_update_delete();
	test_truncate_and_kinds();
	test_copydata();
	test_numbers();
	test_dates();
	test_text_kinds();
	test_casts();
	test_sets();
	test_geometry();
	pgoutput_parser_release(&parser);
	pgoutput_parser_release(&parser); /* twice is harmless */
	buf_release(&scratch);
	return tap_done();
}
