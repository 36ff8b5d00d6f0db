/*
 * test-stream - unit tests of lib/stream/stream.c: streams written into memory
 * with stream_writer_* and read back with stream_reader_*.
 *
 * Besides round trips (every type, several tables, empty tables, many
 * batches, a 1 MiB value, stored and compressed batches), it damages
 * streams in every way ferry-stream(5) says a reader must notice:
 * truncation at every length, every byte flipped, wrong versions,
 * trailing data, unknown frames, and values that break their type's rules
 * behind valid checksums.  Frames are rebuilt by hand with XXH3-64 where
 * a test needs a well-sealed but wrong stream.  Checks marked "regression:"
 * once failed against the library as it is and document the bug.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/digest.h"
#include "stream/schema.h"
#include "stream/stream.h"
#include "stream/value.h"
#include "tap.h"

#define BIG (256u << 20)

/* --- small helpers ----------------------------------------------------------
 */

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static double dbits(uint64_t bits)
{
	double d;

	memcpy(&d, &bits, 8);
	return d;
}

static uint64_t bitsd(double d)
{
	uint64_t b;

	memcpy(&b, &d, 8);
	return b;
}

static struct schema_table *mk_table(const char *json)
{
	struct err e;
	struct schema_table *t;

	err_init(&e);
	t = schema_table_parse(json, strlen(json), &e);
	if (!t) {
		tap_diag("bad test schema: %s", e.msg);
		abort();
	}
	return t;
}

static int val_eq(enum value_type t, const struct value *a,
		  const struct value *b)
{
	if (a->null || b->null)
		return a->null == b->null;
	switch (t) {
	case VALUE_NULL: return 1;
	case VALUE_BOOL: return a->v.b == b->v.b;
	case VALUE_INT64:
	case VALUE_DATE:
	case VALUE_TIME:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return a->v.i == b->v.i;
	case VALUE_UINT64: return a->v.u == b->v.u;
	case VALUE_FLOAT64: return bitsd(a->v.f) == bitsd(b->v.f);
	case VALUE_UUID: return memcmp(a->v.uuid, b->v.uuid, 16) == 0;
	default:
		return a->v.s.len == b->v.s.len &&
		       (a->v.s.len == 0 ||
			memcmp(a->v.s.p, b->v.s.p, a->v.s.len) == 0);
	}
}

/* --- tables and rows --------------------------------------------------------
 */

static const char users_json[] =
    "{\"name\":\"users\",\"source\":\"unit\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"name\",\"type\":\"text\",\"nullable\":false},"
    "{\"name\":\"score\",\"type\":\"float64\"},"
    "{\"name\":\"balance\",\"type\":\"decimal\",\"precision\":20,\"scale\":3},"
    "{\"name\":\"active\",\"type\":\"bool\"},"
    "{\"name\":\"born\",\"type\":\"date\"},"
    "{\"name\":\"wake\",\"type\":\"time\"},"
    "{\"name\":\"created\",\"type\":\"timestamptz\"},"
    "{\"name\":\"seen\",\"type\":\"timestamp\"},"
    "{\"name\":\"avatar\",\"type\":\"bytes\"},"
    "{\"name\":\"prefs\",\"type\":\"json\"},"
    "{\"name\":\"uid\",\"type\":\"uuid\"},"
    "{\"name\":\"kind\",\"type\":\"enum\",\"labels\":[\"text\",\"image\"]},"
    "{\"name\":\"big\",\"type\":\"uint64\"},"
    "{\"name\":\"nothing\",\"type\":\"null\"}],"
    "\"primary_key\":[\"id\"],\"watermark\":\"id\"}";
#define USERS_NCOLS 15

static const char tags_json[] =
    "{\"name\":\"tags\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"label\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}";

static const char empty_json[] =
    "{\"name\":\"empty\",\"columns\":[{\"name\":\"x\",\"type\":\"text\"}]}";

static const char blobs_json[] =
    "{\"name\":\"blobs\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"body\",\"type\":\"text\",\"nullable\":false}],"
    "\"watermark\":\"body\"}";

/* storage for one generated row's strings */
struct rowtext {
	char name[64];
	char dec[40];
	unsigned char avatar[32];
	char prefs[64];
};

/* Row i of "users" (deterministic; rows 0..9 carry edge values). */
static void gen_user(uint64_t i, struct value *row, struct rowtext *rt)
{
	static const char *const decs[] = {
		"NaN",	    "-0.001",	 "12.50",
		"0",	    "-0",	 "123456789012345678.123",
		"Infinity", "-Infinity", "1",
		"-7.5"
	};
	static const char *const names[] = { "", "ada", "b\xc3\xa9la",
					     "\xf0\x9f\x98\x80" };
	size_t k;

	memset(row, 0, sizeof(*row) * USERS_NCOLS);
	row[0].v.i = i == 0   ? INT64_MIN
		     : i == 1 ? INT64_MAX
			      : (int64_t)i * 7919 - 100000;
	if (i == 2) {
		/* a NUL byte inside text */
		memcpy(rt->name, "nul\0byte", 8);
		row[1].v.s.p = rt->name;
		row[1].v.s.len = 8;
	} else if (i < 4) {
		row[1].v.s.p = names[i % 4];
		row[1].v.s.len = strlen(names[i % 4]);
	} else {
		int n = snprintf(rt->name, sizeof(rt->name),
				 "user %" PRIu64 " \xe2\x82\xac", i);
		row[1].v.s.p = rt->name;
		row[1].v.s.len = (size_t)n;
	}
	switch (i) {
	case 0:
		row[2].v.f = dbits(UINT64_C(0x7ff0000000000abc));
		break; /* NaN payload */
	case 1: row[2].v.f = -0.0; break;
	case 2: row[2].v.f = INFINITY; break;
	case 3: row[2].v.f = -INFINITY; break;
	case 4: row[2].v.f = dbits(1); break;
	default: row[2].v.f = (double)i / 3.0; break;
	}
	if (i < 10) {
		row[3].v.s.p = decs[i];
		row[3].v.s.len = strlen(decs[i]);
	} else {
		int n = snprintf(rt->dec, sizeof(rt->dec), "%" PRIu64 ".%02u",
				 i, (unsigned)(i % 100));
		row[3].v.s.p = rt->dec;
		row[3].v.s.len = (size_t)n;
	}
	row[4].v.b = i % 2;
	row[5].v.i = i == 0   ? VALUE_DATE_NEG_INF
		     : i == 1 ? VALUE_DATE_POS_INF
		     : i == 2 ? INT64_C(-2440588)
		     : i == 3 ? INT64_C(2145042905)
			      : (int64_t)(i * 37 % 40000) - 20000;
	row[6].v.i = i == 0   ? 0
		     : i == 1 ? VALUE_TIME_MAX
			      : (int64_t)(i * 1234567891 % 86400000001);
	row[7].v.i = i == 0   ? INT64_MIN
		     : i == 1 ? INT64_MAX
		     : i == 2
			 ? -1
			 : (int64_t)i * INT64_C(1000003) - INT64_C(5000000000);
	row[8].v.i = i == 0   ? INT64_MAX
		     : i == 1 ? INT64_MIN
			      : (int64_t)i * -INT64_C(86400000001);
	k = i % 20;
	for (size_t j = 0; j < k; j++)
		rt->avatar[j] = (unsigned char)(i * 31 + j * 7);
	row[9].v.s.p = (const char *)rt->avatar;
	row[9].v.s.len = k;
	{
		int n = i == 5 ? snprintf(rt->prefs, sizeof(rt->prefs), "null")
			       : snprintf(rt->prefs, sizeof(rt->prefs),
					  "{\"b\": %" PRIu64
					  ", \"a\": [true, \"x\\ny\"]}",
					  i);
		row[10].v.s.p = rt->prefs;
		row[10].v.s.len = (size_t)n;
	}
	for (int j = 0; j < 16; j++)
		row[11].v.uuid[j] =
		    i == 1 ? 0xff : (uint8_t)(i >> (j % 8) ^ (uint64_t)j * 17);
	row[12].v.s.p = i % 3 ? "text" : "image";
	row[12].v.s.len = strlen(row[12].v.s.p);
	row[13].v.u = i == 0 ? UINT64_MAX : i * UINT64_C(0x9e3779b97f4a7c15);
	row[14].null = true;
	if (i % 7 == 3 && i > 9)
		for (int c = 2; c < USERS_NCOLS; c++)
			row[c].null = true;
}

/* --- writing into memory
 * ------------------------------------------------------ */

struct mem {
	FILE *f;
	char *data;
	size_t len;
};

static struct stream_writer *w_open(struct mem *m, int level, size_t batch)
{
	struct stream_writer_opts o = { level, batch, 0 };
	struct stream_writer *w;
	struct err e;

	m->data = NULL;
	m->len = 0;
	m->f = open_memstream(&m->data, &m->len);
	if (!m->f)
		abort();
	err_init(&e);
	w = stream_writer_new(m->f, &o, &e);
	if (!w) {
		tap_diag("stream_writer_new: %s", e.msg);
		abort();
	}
	return w;
}

/* Finish the stream and close the memory file; returns 0 or -1. */
static int w_close(struct mem *m, struct stream_writer *w)
{
	struct err e;
	int rc;

	err_init(&e);
	rc = stream_writer_finish(w, &e);
	if (rc < 0)
		tap_diag("stream_writer_finish: %s", e.msg);
	stream_writer_free(w);
	fclose(m->f);
	m->f = NULL;
	return rc;
}

/* Write rows first..first+n-1 of "users" (via gen_user) as one table. */
static int write_users(struct stream_writer *w, const struct schema_table *t,
		       uint64_t first, uint64_t n,
		       struct stream_table_stats *st)
{
	struct value row[USERS_NCOLS];
	struct rowtext rt;
	struct err e;

	err_init(&e);
	if (stream_writer_begin_table(w, t, &e) < 0)
		goto fail;
	for (uint64_t i = first; i < first + n; i++) {
		gen_user(i, row, &rt);
		if (stream_writer_add_row(w, row, &e) < 0)
			goto fail;
	}
	if (stream_writer_end_table(w, &e) < 0)
		goto fail;
	if (st)
		*st = *stream_writer_last_table(w);
	return 0;
fail:
	tap_diag("writing users: %s", e.msg);
	return -1;
}

/* Write (id, label) rows of "tags"; labels[i] NULL for a NULL. */
static int write_tags(struct stream_writer *w, const struct schema_table *t,
		      const int64_t *ids, const char *const *labels, size_t n,
		      struct stream_table_stats *st)
{
	struct err e;

	err_init(&e);
	if (stream_writer_begin_table(w, t, &e) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct value row[2];
		memset(row, 0, sizeof(row));
		row[0].v.i = ids[i];
		if (labels[i]) {
			row[1].v.s.p = labels[i];
			row[1].v.s.len = strlen(labels[i]);
		} else {
			row[1].null = true;
		}
		if (stream_writer_add_row(w, row, &e) < 0)
			goto fail;
	}
	if (stream_writer_end_table(w, &e) < 0)
		goto fail;
	if (st)
		*st = *stream_writer_last_table(w);
	return 0;
fail:
	tap_diag("writing tags: %s", e.msg);
	return -1;
}

/* The small two-table stream the damage tests start from. */
static void small_stream(int level, struct mem *m)
{
	struct schema_table *u = mk_table(users_json), *t = mk_table(tags_json);
	static const int64_t ids[] = { 1, 2, 3 };
	static const char *const labels[] = { "red", NULL, "blue\tgreen" };
	struct stream_writer *w = w_open(m, level, 4096);

	if (write_users(w, u, 0, 12, NULL) < 0 ||
	    write_tags(w, t, ids, labels, 3, NULL) < 0 || w_close(m, w) < 0)
		abort();
	schema_table_free(u);
	schema_table_free(t);
}

/* --- reading from memory
 * -------------------------------------------------------- */

struct result {
	uint64_t tables;
	uint64_t rows;
	char names[256];
	struct stream_totals tot;
	uint64_t skipped;
	uint64_t offset;
};

/*
 * Read a whole input: every table, every row.  0 on success, -1 with e
 * set.  A successful read must end with next_table returning 0 again.
 */
static int read_all(const void *data, size_t len, struct result *res,
		    struct err *e)
{
	FILE *f = fmemopen((void *)data, len, "rb");
	struct stream_reader *r;
	const struct schema_table *t;
	const struct value *row;
	int rc, trc;

	memset(res, 0, sizeof(*res));
	err_init(e);
	if (!f)
		abort();
	r = stream_reader_new(f, "mem", e);
	if (!r)
		abort();
	while ((trc = stream_reader_next_table(r, &t, e)) == 1) {
		res->tables++;
		{
			size_t l = strlen(res->names);
			snprintf(res->names + l, sizeof(res->names) - l, "%s%s",
				 l ? "," : "", t->name);
		}
		while ((rc = stream_reader_next_row(r, &row, e)) == 1)
			res->rows++;
		if (rc < 0) {
			trc = -1;
			break;
		}
	}
	if (trc == 0) {
		res->tot = *stream_reader_totals(r);
		res->skipped = stream_reader_skipped_frames(r);
		res->offset = stream_reader_offset(r);
		if (stream_reader_next_table(r, &t, e) != 0)
			trc = -2;
	}
	stream_reader_free(r);
	fclose(f);
	return trc;
}

/* --- frame surgery
 * ------------------------------------------------------------ */

struct frame {
	unsigned kind, flags;
	uint32_t stored_len, raw_len, count;
	uint64_t sum;
	const unsigned char *payload; /* stored bytes, inside the stream */
	size_t off;		      /* of the frame header */
};

/* Split one stream (header, frames) into frames; returns how many. */
static size_t split(const unsigned char *s, size_t len, struct frame *fr,
		    size_t max)
{
	size_t off = STREAM_HEADER_SIZE, n = 0;

	while (off + STREAM_FRAME_HEADER_SIZE <= len && n < max) {
		const unsigned char *h = s + off;
		fr[n].kind = h[0];
		fr[n].flags = h[1];
		fr[n].stored_len = get32(h + 4);
		fr[n].raw_len = get32(h + 8);
		fr[n].count = get32(h + 12);
		fr[n].sum = get64(h + 16);
		fr[n].payload = h + STREAM_FRAME_HEADER_SIZE;
		fr[n].off = off;
		off += STREAM_FRAME_HEADER_SIZE + fr[n].stored_len;
		n++;
	}
	return n;
}

static void emit(struct buf *o, unsigned kind, unsigned flags, uint32_t count,
		 const void *stored, size_t stored_len, uint32_t raw_len,
		 uint64_t sum)
{
	unsigned char h[STREAM_FRAME_HEADER_SIZE];
	struct err e;

	h[0] = (unsigned char)kind;
	h[1] = (unsigned char)flags;
	h[2] = h[3] = 0;
	put32(h + 4, (uint32_t)stored_len);
	put32(h + 8, raw_len);
	put32(h + 12, count);
	put64(h + 16, sum);
	put32(h + 24, (uint32_t)XXH3_64bits(h, 24));
	if (buf_add(o, h, sizeof(h), &e) < 0 ||
	    buf_add(o, stored, stored_len, &e) < 0)
		abort();
}

/* emit() a frame as it was */
static void emit_same(struct buf *o, const struct frame *f)
{
	emit(o, f->kind, f->flags, f->count, f->payload, f->stored_len,
	     f->raw_len, f->sum);
}

/* emit() a stored (uncompressed) frame with the given raw payload */
static void emit_raw(struct buf *o, unsigned kind, unsigned flags,
		     uint32_t count, const void *raw, size_t len)
{
	emit(o, kind, flags, count, raw, len, (uint32_t)len,
	     XXH3_64bits(raw, len));
}

/* emit() a stream-end frame like f, with `frames` added to its count */
static void emit_stream_end(struct buf *o, const struct frame *f, uint64_t more)
{
	unsigned char p[40];

	memcpy(p, f->payload, 40);
	put64(p + 16, get64(p + 16) + more);
	emit_raw(o, STREAM_FRAME_STREAM_END, 0, 0, p, 40);
}

static void start(struct buf *o, const void *stream)
{
	struct err e;

	buf_init(o, BIG);
	if (buf_add(o, stream, STREAM_HEADER_SIZE, &e) < 0)
		abort();
}

/* --- tests
 * ------------------------------------------------------------------------ */

/* the worked example of ferry-stream(5): 312 bytes */
static const char example_hex[] = "8946455252590d0a1a0a010000000000"
				  "010000005b0000005b00000000000000"
				  "4e213c398828a0ac42faa2bb7b226e61"
				  "6d65223a2274222c22636f6c756d6e73"
				  "223a5b7b226e616d65223a226964222c"
				  "2274797065223a22696e743634222c22"
				  "6e756c6c61626c65223a66616c73657d"
				  "5d2c227072696d6172795f6b6579223a"
				  "5b226964225d7d020000000400000004"
				  "00000002000000d4deee69f402a387de"
				  "ba861e00020004030000003100000031"
				  "000000000000001adab9cca222952bf9"
				  "073ce402000000000000000100000000"
				  "00000004000000000000000400000000"
				  "000000525d1322d813c32e57b2315803"
				  "f3151000040000002800000028000000"
				  "000000000cbe582351a8a3469f207fdd"
				  "01000000000000000200000000000000"
				  "0300000000000000525d1322d813c32e"
				  "57b2315803f31510";

static size_t unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s && n < max; s++) {
		int v;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

static void test_worked_example(void)
{
	unsigned char want[400];
	size_t wlen = unhex(example_hex, want, sizeof(want));
	struct schema_table *t = mk_table(
	    "{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\","
	    "\"nullable\":false}],\"primary_key\":[\"id\"]}");
	struct mem m;
	struct stream_writer *w = w_open(&m, 0, STREAM_DEFAULT_BATCH);
	struct value row[1];
	struct err e;
	struct result res;
	char hex[DIGEST_HEX_LEN + 1];

	TAP_EQ_UINT(wlen, 312, "the worked example is 312 bytes");
	err_init(&e);
	memset(row, 0, sizeof(row));
	stream_writer_begin_table(w, t, &e);
	row[0].v.i = 1;
	stream_writer_add_row(w, row, &e);
	row[0].v.i = 2;
	stream_writer_add_row(w, row, &e);
	stream_writer_end_table(w, &e);
	digest_hex(&stream_writer_last_table(w)->digest, hex);
	TAP_EQ_STR(hex, "1015f3035831b2572ec313d822135d52",
		   "digest of the worked example");
	w_close(&m, w);
	TAP_EQ_MEM(
	    m.data, m.len, want, wlen,
	    "writer output is byte for byte the worked example of ferry-stream(5)");
	TAP_EQ_INT(read_all(want, wlen, &res, &e), 0,
		   "the worked example reads back");
	TAP_CHECK(res.tables == 1 && res.rows == 2 && res.tot.frames == 3 &&
		      res.offset == 312,
		  "worked example: 1 table, 2 rows, 3 frames, 312 bytes read");
	free(m.data);
	schema_table_free(t);
}

/* Write users (many rows), an empty table, tags and blobs; read back and
 * compare every value and every figure. */
static void test_roundtrip(int level)
{
	struct schema_table *u = mk_table(users_json), *t = mk_table(tags_json),
			    *em = mk_table(empty_json),
			    *bl = mk_table(blobs_json);
	static const int64_t ids[] = { 10, -3, 7, INT64_MIN };
	static const char *const labels[] = { "a", NULL, "", "x\ny" };
	const uint64_t nusers = 3000;
	struct stream_table_stats ws[4];
	struct stream_writer *w;
	struct stream_reader *r;
	struct mem m;
	struct err e;
	char *body = malloc(1 << 20);
	FILE *f;
	const struct schema_table *rt;
	const struct value *row;
	struct digest sum;
	int rc;

	if (!body)
		abort();
	/* 1 MiB of UTF-8: ASCII with a 3-byte character every 64 bytes */
	for (size_t i = 0; i < (1u << 20); i += 64) {
		memset(body + i, 'a' + (int)(i / 64 % 26), 61);
		memcpy(body + i + 61, "\xe2\x82\xac", 3);
	}

	w = w_open(&m, level, 4096);
	err_init(&e);
	rc = write_users(w, u, 0, nusers, &ws[0]);
	rc |= stream_writer_begin_table(w, em, &e) |
	      stream_writer_end_table(w, &e);
	ws[1] = *stream_writer_last_table(w);
	rc |= write_tags(w, t, ids, labels, 4, &ws[2]);
	rc |= stream_writer_begin_table(w, bl, &e);
	for (int i = 0; i < 3; i++) {
		struct value row2[2];
		memset(row2, 0, sizeof(row2));
		row2[0].v.i = i;
		row2[1].v.s.p = i == 1 ? body : "small";
		row2[1].v.s.len = i == 1 ? (1u << 20) : 5;
		rc |= stream_writer_add_row(w, row2, &e);
	}
	rc |= stream_writer_end_table(w, &e);
	ws[3] = *stream_writer_last_table(w);
	rc |= w_close(&m, w);
	if (!TAP_EQ_INT(rc, 0, "level %d: write users, empty, tags, blobs",
			level)) {
		tap_diag("%s", e.msg);
		goto out;
	}
	TAP_EQ_UINT(ws[0].rows, nusers,
		    "level %d: writer counted %" PRIu64 " users", level,
		    nusers);
	TAP_CHECK(ws[0].batches > 10,
		  "level %d: users took %" PRIu64 " batches of 4096 bytes",
		  level, ws[0].batches);
	if (level == 0)
		TAP_EQ_UINT(ws[0].stored_bytes, ws[0].raw_bytes,
			    "level 0 stores batches as they are");
	else
		TAP_CHECK(ws[0].stored_bytes < ws[0].raw_bytes,
			  "level %d compresses (%" PRIu64 " of %" PRIu64
			  " bytes)",
			  level, ws[0].stored_bytes, ws[0].raw_bytes);
	TAP_CHECK(ws[1].rows == 0 && ws[1].batches == 0 &&
		      ws[1].digest.lo == 0 && ws[1].digest.hi == 0 &&
		      !ws[1].has_watermark,
		  "level %d: empty table has no rows, no batches and digest 0",
		  level);
	TAP_CHECK(ws[0].has_watermark && ws[0].watermark.v.i == INT64_MAX,
		  "level %d: writer watermark of users is the greatest id",
		  level);
	TAP_CHECK(ws[3].batches >= 2,
		  "level %d: the 1 MiB row is a batch of its own", level);

	f = fmemopen(m.data, m.len, "rb");
	r = stream_reader_new(f, "mem", &e);
	digest_init(&sum);

	/* users: every value equal to what was written */
	rc = stream_reader_next_table(r, &rt, &e);
	if (!TAP_EQ_INT(rc, 1, "level %d: first table", level)) {
		tap_diag("%s", e.msg);
		goto close;
	}
	TAP_EQ_STR(rt->name, "users", "first table is users");
	TAP_CHECK(
	    rt->ncols == USERS_NCOLS && rt->watermark == 0 && rt->npk == 1 &&
		rt->cols[12].nlabels == 2 && rt->cols[3].precision == 20 &&
		rt->source && strcmp(rt->source, "unit") == 0,
	    "users schema read back (columns, watermark, key, labels, precision, source)");
	{
		uint64_t n = 0, bad = 0;
		struct value want[USERS_NCOLS];
		struct rowtext txt;
		while ((rc = stream_reader_next_row(r, &row, &e)) == 1) {
			gen_user(n, want, &txt);
			for (int c = 0; c < USERS_NCOLS; c++)
				if (!val_eq(rt->cols[c].type, &row[c],
					    &want[c])) {
					if (!bad)
						tap_diag("row %" PRIu64
							 ", column %s differs",
							 n + 1,
							 rt->cols[c].name);
					bad++;
				}
			n++;
			if (stream_reader_row_number(r) != n)
				bad++;
		}
		TAP_EQ_INT(rc, 0, "level %d: users end cleanly (%s)", level,
			   rc < 0 ? e.msg : "ok");
		TAP_EQ_UINT(n, nusers, "level %d: %" PRIu64 " users read",
			    level, nusers);
		TAP_EQ_UINT(
		    bad, 0,
		    "level %d: every value of every user round trips exactly",
		    level);
	}
	{
		const struct stream_table_stats *s =
		    stream_reader_table_stats(r);
		TAP_CHECK(
		    s->rows == ws[0].rows && s->batches == ws[0].batches &&
			s->raw_bytes == ws[0].raw_bytes &&
			s->stored_bytes == ws[0].stored_bytes,
		    "level %d: users stats (rows, batches, bytes) match the writer's",
		    level);
		TAP_CHECK(
		    digest_equal(&s->digest, &ws[0].digest),
		    "level %d: users digest matches stream_writer_last_table",
		    level);
		TAP_CHECK(
		    s->has_watermark && s->watermark.v.i == INT64_MAX,
		    "level %d: reader watermark of users is the greatest id",
		    level);
		digest_add(&sum, &s->digest);
	}

	/* the empty table */
	rc = stream_reader_next_table(r, &rt, &e);
	TAP_CHECK(rc == 1 && strcmp(rt->name, "empty") == 0,
		  "level %d: second table is empty", level);
	TAP_EQ_INT(stream_reader_next_row(r, &row, &e), 0,
		   "level %d: empty table has no rows", level);
	TAP_CHECK(stream_reader_table_stats(r)->rows == 0 &&
		      stream_reader_table_stats(r)->batches == 0 &&
		      stream_reader_table_stats(r)->digest.lo == 0,
		  "level %d: empty table stats are zero", level);

	/* tags: skipped without reading its rows; next_table reads and checks
	 * them first */
	rc = stream_reader_next_table(r, &rt, &e);
	TAP_CHECK(rc == 1 && strcmp(rt->name, "tags") == 0,
		  "level %d: third table is tags", level);
	rc = stream_reader_next_table(r, &rt, &e);
	TAP_CHECK(rc == 1 && strcmp(rt->name, "blobs") == 0,
		  "level %d: next_table skips the unread rows of tags", level);
	if (rc == 1) {
		int okb = 1;
		for (int i = 0; i < 3; i++) {
			if (stream_reader_next_row(r, &row, &e) != 1) {
				okb = 0;
				break;
			}
			if (row[0].v.i != i)
				okb = 0;
			if (i == 1 &&
			    (row[1].v.s.len != (1u << 20) ||
			     memcmp(row[1].v.s.p, body, 1u << 20) != 0))
				okb = 0;
			if (i != 1 && (row[1].v.s.len != 5 ||
				       memcmp(row[1].v.s.p, "small", 5)))
				okb = 0;
		}
		TAP_CHECK(okb, "level %d: the 1 MiB text value round trips",
			  level);
		TAP_EQ_INT(stream_reader_next_row(r, &row, &e), 0,
			   "level %d: blobs end", level);
		TAP_CHECK(digest_equal(&stream_reader_table_stats(r)->digest,
				       &ws[3].digest),
			  "level %d: blobs digest matches the writer's", level);
		TAP_CHECK(
		    stream_reader_table_stats(r)->has_watermark &&
			stream_reader_table_stats(r)->watermark.v.s.len == 5,
		    "level %d: text watermark is the greatest value ('small' > 'aaa...')",
		    level);
	}
	rc = stream_reader_next_table(r, &rt, &e);
	TAP_EQ_INT(rc, 0, "level %d: end of stream (%s)", level,
		   rc < 0 ? e.msg : "ok");
	{
		const struct stream_totals *tot = stream_reader_totals(r);
		struct digest all;
		digest_init(&all);
		for (int i = 0; i < 4; i++)
			digest_add(&all, &ws[i].digest);
		TAP_CHECK(tot->tables == 4 && tot->rows == nusers + 4 + 3,
			  "level %d: totals say 4 tables and %" PRIu64 " rows",
			  level, nusers + 7);
		TAP_EQ_UINT(
		    tot->frames,
		    4 * 2 + ws[0].batches + ws[2].batches + ws[3].batches,
		    "level %d: totals count every frame before stream-end",
		    level);
		TAP_CHECK(
		    digest_equal(&tot->digest, &all),
		    "level %d: stream digest is the sum of the table digests",
		    level);
	}
	TAP_EQ_UINT(stream_reader_offset(r), m.len,
		    "level %d: the reader read every byte", level);
	TAP_EQ_INT(stream_reader_next_table(r, &rt, &e), 0,
		   "level %d: next_table after the end is 0", level);
	TAP_EQ_UINT(stream_reader_skipped_frames(r), 0,
		    "level %d: no skipped frames", level);
close:
	stream_reader_free(r);
	fclose(f);
out:
	free(m.data);
	free(body);
	schema_table_free(u);
	schema_table_free(t);
	schema_table_free(em);
	schema_table_free(bl);
}

/* Write the tags table with rows in the given order; its digest. */
static struct digest tags_digest(const int64_t *ids, const char *const *labels,
				 size_t n)
{
	struct schema_table *t = mk_table(tags_json);
	struct stream_table_stats st;
	struct mem m;
	struct stream_writer *w = w_open(&m, 1, 4096);
	struct result res;
	struct err e;

	memset(&st, 0, sizeof(st));
	write_tags(w, t, ids, labels, n, &st);
	w_close(&m, w);
	if (read_all(m.data, m.len, &res, &e) != 0 ||
	    !digest_equal(&res.tot.digest, &st.digest)) {
		tap_diag("tags stream does not read back: %s", e.msg);
		st.digest.lo ^= 1;
	}
	free(m.data);
	schema_table_free(t);
	return st.digest;
}

static void test_digest_order(void)
{
	static const int64_t ids[] = { 1, 2, 3, 4, 5 };
	static const char *const labels[] = { "a", "b", NULL, "d", "" };
	static const int64_t rids[] = { 5, 3, 1, 4, 2 };
	static const char *const rlabels[] = { "", NULL, "a", "d", "b" };
	static const char *const changed[] = { "", NULL, "a", "e", "b" };
	static const int64_t dids[] = { 1, 2, 3, 4, 5, 5 };
	static const char *const dlabels[] = { "a", "b", NULL, "d", "", "" };
	static const int64_t tids[] = { 1, 2, 3, 4, 5, 5, 5 };
	static const char *const tlabels[] = {
		"a", "b", NULL, "d", "", "", ""
	};
	struct digest d1 = tags_digest(ids, labels, 5);
	struct digest d2 = tags_digest(rids, rlabels, 5);
	struct digest d3 = tags_digest(rids, changed, 5);
	struct digest d4 = tags_digest(dids, dlabels, 6);
	struct digest d5 = tags_digest(tids, tlabels, 7);
	struct digest one = tags_digest(ids, labels, 1),
		      rest = tags_digest(ids + 1, labels + 1, 4);

	TAP_CHECK(digest_equal(&d1, &d2),
		  "digest of the same rows in another order is equal");
	TAP_CHECK(!digest_equal(&d1, &d3),
		  "digest differs when one value changes");
	TAP_CHECK(!digest_equal(&d1, &d4),
		  "digest differs when a row is duplicated");
	TAP_CHECK(!digest_equal(&d1, &d5) && !digest_equal(&d4, &d5),
		  "digest differs for a row three times (not an XOR)");
	digest_add(&one, &rest);
	TAP_CHECK(digest_equal(&one, &d1),
		  "table digest is the sum of its rows' digests");
}

static void test_writer_refusals(void)
{
	struct schema_table *u = mk_table(users_json);
	struct value row[USERS_NCOLS];
	struct rowtext rt;
	struct stream_writer *w;
	struct mem m;
	struct err e;
	struct result res;
	int rc;

	w = w_open(&m, 1, 4096);
	err_init(&e);
	stream_writer_begin_table(w, u, &e);
	for (uint64_t i = 20; i < 22; i++) {
		gen_user(i, row, &rt);
		stream_writer_add_row(w, row, &e);
	}
	gen_user(22, row, &rt);
	row[0].null = true;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "writer refuses NULL in a non-nullable column");
	TAP_CHECK(strstr(e.msg, "table users, row 3, column id") != NULL,
		  "message names table, row and column (%s)", e.msg);
	gen_user(22, row, &rt);
	row[12].v.s.p = "video";
	row[12].v.s.len = 5;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "writer refuses an enum label not in the labels");
	TAP_CHECK(strstr(e.msg, "table users, row 3, column kind") &&
		      strstr(e.msg, "'video'"),
		  "message names table, row, column and the label (%s)", e.msg);
	gen_user(22, row, &rt);
	row[1].v.s.p = "bad \xc3\x28";
	row[1].v.s.len = 6;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column name") &&
		      strstr(e.msg, "UTF-8"),
		  "writer refuses invalid UTF-8 text (%s)", e.msg);
	gen_user(22, row, &rt);
	row[3].v.s.p = "1e5";
	row[3].v.s.len = 3;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column balance"),
		  "writer refuses decimal '1e5' (%s)", e.msg);
	gen_user(22, row, &rt);
	row[10].v.s.p = "{\"a\":}";
	row[10].v.s.len = 6;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column prefs"),
		  "writer refuses invalid json (%s)", e.msg);
	gen_user(22, row, &rt);
	row[6].v.i = VALUE_TIME_MAX + 1;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column wake"),
		  "writer refuses time past 24:00 (%s)", e.msg);
	gen_user(22, row, &rt);
	row[14].null = false;
	rc = stream_writer_add_row(w, row, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column nothing"),
		  "writer refuses a value in a null column (%s)", e.msg);
	/* the refused rows leave no trace: the table reads back with 3 rows */
	gen_user(22, row, &rt);
	rc = stream_writer_add_row(w, row, &e);
	rc |= stream_writer_end_table(w, &e);
	TAP_CHECK(rc == 0 && stream_writer_last_table(w)->rows == 3,
		  "after refused rows the writer goes on (3 rows)");
	w_close(&m, w);
	TAP_EQ_INT(read_all(m.data, m.len, &res, &e), 0,
		   "a stream with refused rows in between reads back (%s)",
		   e.msg);
	TAP_EQ_UINT(res.rows, 3, "and holds the 3 good rows");
	free(m.data);

	{
		struct stream_writer_opts o = { 20, 4096, 0 };
		FILE *f = fopen("/dev/null", "wb");
		err_init(&e);
		TAP_CHECK(!stream_writer_new(f, &o, &e) && e.class == ERR_USAGE,
			  "writer refuses level 20 (%s)", e.msg);
		o.level = -1;
		TAP_CHECK(!stream_writer_new(f, &o, &e) && e.class == ERR_USAGE,
			  "writer refuses level -1");
		o.level = 1;
		o.batch_bytes = STREAM_MIN_BATCH - 1;
		TAP_CHECK(!stream_writer_new(f, &o, &e) && e.class == ERR_USAGE,
			  "writer refuses a batch below 4096 bytes");
		o.batch_bytes = STREAM_MAX_BATCH + 1;
		TAP_CHECK(!stream_writer_new(f, &o, &e) && e.class == ERR_USAGE,
			  "writer refuses a batch above 16 MiB");
		fclose(f);
	}
	schema_table_free(u);
}

/* Every strict prefix of a stream must be refused cleanly. */
static void test_truncation(int level)
{
	struct mem m;
	struct result res;
	struct err e;
	size_t bad_ok = 0, bad_class = 0, first = 0;

	small_stream(level, &m);
	TAP_EQ_INT(read_all(m.data, m.len, &res, &e), 0,
		   "level %d: the small stream reads (%zu bytes)", level,
		   m.len);
	for (size_t n = 0; n < m.len; n++) {
		if (read_all(m.data, n, &res, &e) != -1) {
			if (!bad_ok++)
				first = n;
		} else if (e.class != ERR_STREAM) {
			if (!bad_class++)
				tap_diag("cut at %zu: class %d: %s", n, e.class,
					 e.msg);
		}
	}
	if (bad_ok)
		tap_diag("first accepted prefix: %zu bytes", first);
	TAP_EQ_UINT(bad_ok, 0, "level %d: all %zu truncations are refused",
		    level, m.len);
	TAP_EQ_UINT(bad_class, 0, "level %d: every truncation is ERR_STREAM",
		    level);
	read_all(m.data, 0, &res, &e);
	TAP_CHECK(strstr(e.msg, "empty input") != NULL,
		  "an empty input is refused as such (%s)", e.msg);
	read_all(m.data, m.len - 1, &res, &e);
	TAP_CHECK(strstr(e.msg, "truncated") != NULL,
		  "a stream cut by one byte says truncated (%s)", e.msg);
	read_all(m.data, STREAM_HEADER_SIZE, &res, &e);
	TAP_CHECK(strstr(e.msg, "truncated") != NULL,
		  "a lone header says truncated (%s)", e.msg);
	free(m.data);
}

/*
 * If byte i of stream s lies in the payload of a zstd frame, and that
 * payload with the flip still decompresses to exactly the raw bytes the
 * frame's checksum covers, the flip changed nothing that matters: zstd's
 * format has redundant bits, and ferry-stream(5) checks the raw payload.
 */
static int benign_zstd_flip(const unsigned char *orig, size_t len, size_t i,
			    unsigned char mask)
{
	struct frame fr[64];
	size_t n = split(orig, len, fr, 64);
	int same = 0;

	for (size_t k = 0; k < n; k++) {
		size_t p = fr[k].off + STREAM_FRAME_HEADER_SIZE;
		if (i < p || i >= p + fr[k].stored_len ||
		    !(fr[k].flags & STREAM_FLAG_ZSTD))
			continue;
		{
			unsigned char *z = malloc(fr[k].stored_len),
				      *a = malloc(fr[k].raw_len + 1),
				      *b = malloc(fr[k].raw_len + 1);
			size_t za, zb;
			memcpy(z, fr[k].payload, fr[k].stored_len);
			za = ZSTD_decompress(a, fr[k].raw_len + 1, z,
					     fr[k].stored_len);
			z[i - p] ^= mask;
			zb = ZSTD_decompress(b, fr[k].raw_len + 1, z,
					     fr[k].stored_len);
			same = !ZSTD_isError(za) && !ZSTD_isError(zb) &&
			       za == zb && za == fr[k].raw_len &&
			       memcmp(a, b, za) == 0;
			free(z);
			free(a);
			free(b);
		}
	}
	return same;
}

/* Flip every byte (three masks); all must be refused but the minor
 * version, which a 1.0 reader ignores, and flips inside a compressed
 * payload that do not change what it decompresses to. */
static void test_flips(int level)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	struct mem m;
	struct result res;
	struct err e;
	size_t passed = 0, wrong_class = 0, minor_ok = 0, benign = 0;
	unsigned char *orig;

	small_stream(level, &m);
	orig = malloc(m.len);
	memcpy(orig, m.data, m.len);
	for (size_t k = 0; k < sizeof(masks); k++)
		for (size_t i = 0; i < m.len; i++) {
			int rc;
			m.data[i] ^= (char)masks[k];
			rc = read_all(m.data, m.len, &res, &e);
			m.data[i] ^= (char)masks[k];
			if (i == 11) {
				minor_ok += rc == 0;
				continue;
			}
			if (rc != -1) {
				if (benign_zstd_flip(orig, m.len, i,
						     masks[k])) {
					benign++;
				} else if (passed++ < 10) {
					tap_diag(
					    "level %d: byte %zu ^ 0x%02x still reads",
					    level, i, masks[k]);
				}
			} else if (e.class != ERR_STREAM) {
				if (wrong_class++ < 10)
					tap_diag(
					    "byte %zu ^ 0x%02x: class %d: %s",
					    i, masks[k], e.class, e.msg);
			}
		}
	if (benign)
		tap_diag(
		    "level %d: %zu flips inside zstd payloads decompress to the same bytes",
		    level, benign);
	TAP_EQ_UINT(
	    passed, 0,
	    "level %d: every flipped byte (%zu bytes x 3 masks) is refused "
	    "or leaves the raw payload unchanged",
	    level, m.len);
	TAP_EQ_UINT(wrong_class, 0, "level %d: every flip is ERR_STREAM",
		    level);
	TAP_EQ_UINT(minor_ok, 3, "level %d: another minor version is accepted",
		    level);
	free(orig);
	free(m.data);
}

/* ferry-stream(5), Writers: rows and table-begin frames are compressed
 * when that makes them smaller; table-end and stream-end never. */
static void test_compressed_kinds(void)
{
	struct mem m;
	struct frame fr[64];
	size_t n, bad = 0, rows_z = 0, begin_z = 0;

	small_stream(3, &m);
	n = split((const unsigned char *)m.data, m.len, fr, 64);
	for (size_t i = 0; i < n; i++) {
		int z = (fr[i].flags & STREAM_FLAG_ZSTD) != 0;
		if (fr[i].kind == STREAM_FRAME_ROWS)
			rows_z += z;
		else if (fr[i].kind == STREAM_FRAME_TABLE_BEGIN)
			begin_z += z;
		else if (z && !bad++)
			tap_diag(
			    "frame %zu (kind %u) at byte %zu has the zstd flag",
			    i, fr[i].kind, fr[i].off);
		if (z && fr[i].stored_len >= fr[i].raw_len)
			bad++;
	}
	TAP_EQ_UINT(bad, 0,
		    "level 3: table-end and stream-end are stored, "
		    "compressed frames are smaller");
	TAP_CHECK(
	    rows_z >= 1 && begin_z >= 1,
	    "level 3: rows and the users table-begin are compressed (%zu, %zu)",
	    rows_z, begin_z);
	free(m.data);
}

static void test_versions_and_trailing(void)
{
	struct mem m;
	struct result res;
	struct err e;
	char *two;

	small_stream(1, &m);
	m.data[10] = 3;
	TAP_CHECK(read_all(m.data, m.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "major version 3 is refused");
	TAP_CHECK(strstr(e.msg, "version 3.0") != NULL,
		  "the message names version 3.0 (%s)", e.msg);
	m.data[10] = 0;
	TAP_CHECK(read_all(m.data, m.len, &res, &e) == -1 &&
		      strstr(e.msg, "version 0.0"),
		  "major version 0 is refused");
	m.data[10] = 1;
	m.data[11] = 7;
	TAP_EQ_INT(read_all(m.data, m.len, &res, &e), 0,
		   "minor version 7 is accepted");
	m.data[11] = 0;
	m.data[13] = 1;
	TAP_CHECK(read_all(m.data, m.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a reserved header byte set is refused");
	m.data[13] = 0;
	m.data[5] = 'x';
	TAP_CHECK(read_all(m.data, m.len, &res, &e) == -1 &&
		      strstr(e.msg, "damaged ferry signature"),
		  "a changed signature is refused (%s)", e.msg);
	m.data[5] = 'Y';
	TAP_CHECK(read_all("hello, world\n", 13, &res, &e) == -1 &&
		      strstr(e.msg, "not a ferry stream"),
		  "text is not a ferry stream (%s)", e.msg);

	/* two streams back to back read as the tables of both */
	two = malloc(2 * m.len + 32);
	memcpy(two, m.data, m.len);
	memcpy(two + m.len, m.data, m.len);
	TAP_EQ_INT(read_all(two, 2 * m.len, &res, &e), 0,
		   "two concatenated streams read (%s)", e.msg);
	TAP_EQ_STR(res.names, "users,tags,users,tags",
		   "and give the tables of both");
	TAP_CHECK(res.tot.tables == 2 && res.tot.rows == 15,
		  "totals are those of the last stream (2 tables, 15 rows)");

	/* anything after the stream-end that is not another stream */
	memcpy(two + m.len, "x", 1);
	TAP_CHECK(read_all(two, m.len + 1, &res, &e) == -1 &&
		      e.class == ERR_STREAM && strstr(e.msg, "trailing"),
		  "one trailing byte is refused (%s)", e.msg);
	memset(two + m.len, 0, 32);
	TAP_CHECK(read_all(two, m.len + 32, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "trailing zero bytes are refused");
	memcpy(two + m.len, m.data, 8);
	TAP_CHECK(read_all(two, m.len + 8, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a partial second signature is refused (%s)", e.msg);
	memcpy(two + m.len, m.data, 12);
	TAP_CHECK(read_all(two, m.len + 12, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a partial second header is refused (%s)", e.msg);
	memcpy(two + m.len, m.data, 16);
	TAP_CHECK(read_all(two, m.len + 16, &res, &e) == -1 &&
		      strstr(e.msg, "truncated"),
		  "a second header without frames is truncated (%s)", e.msg);
	{
		/* a frame after the stream-end, even a skippable one */
		struct buf o;
		buf_init(&o, BIG);
		buf_add(&o, m.data, m.len, &e);
		emit_raw(&o, 0x70, STREAM_FLAG_SKIPPABLE, 0, "hi", 2);
		TAP_CHECK(
		    read_all(o.data, o.len, &res, &e) == -1 &&
			e.class == ERR_STREAM,
		    "a skippable frame after the stream-end is refused (%s)",
		    e.msg);
		buf_release(&o);
	}
	free(two);
	free(m.data);
}

/* Rebuild the small stream with an extra frame before frame `at`. */
static int with_extra_frame(const struct mem *m, size_t at, unsigned kind,
			    unsigned flags, const void *payload, size_t len,
			    int bad_sum, int fix_count, struct buf *o)
{
	struct frame fr[64];
	size_t n = split((const unsigned char *)m->data, m->len, fr, 64);

	start(o, m->data);
	for (size_t i = 0; i < n; i++) {
		if (i == at) {
			uint64_t sum =
			    XXH3_64bits(payload, len) ^ (bad_sum ? 1 : 0);
			/* an unknown kind's count is not interpreted */
			emit(o, kind, flags,
			     kind == STREAM_FRAME_OBJECTS ? 0 : 7, payload, len,
			     (uint32_t)len, sum);
		}
		if (fr[i].kind == STREAM_FRAME_STREAM_END)
			emit_stream_end(o, &fr[i], fix_count ? 1 : 0);
		else
			emit_same(o, &fr[i]);
	}
	return (int)n;
}

static void test_unknown_frames(void)
{
	struct mem m;
	struct frame fr[64];
	struct result res;
	struct err e;
	struct buf o;
	size_t n, between = 0;

	small_stream(1, &m);
	n = split((const unsigned char *)m.data, m.len, fr, 64);
	/* the frame after the first table-end: the second table-begin */
	for (size_t i = 0; i < n; i++)
		if (fr[i].kind == STREAM_FRAME_TABLE_END) {
			between = i + 1;
			break;
		}
	TAP_CHECK(n >= 7 && fr[n - 1].kind == STREAM_FRAME_STREAM_END &&
		      between > 0,
		  "split the small stream into %zu frames", n);

	/* control: rebuilding without changes gives the same bytes */
	start(&o, m.data);
	for (size_t i = 0; i < n; i++)
		emit_same(&o, &fr[i]);
	TAP_EQ_MEM(o.data, o.len, m.data, m.len,
		   "frames rebuilt by hand give the same stream");
	buf_release(&o);

	with_extra_frame(&m, between, 0x70, STREAM_FLAG_SKIPPABLE, "future", 6,
			 0, 1, &o);
	TAP_EQ_INT(
	    read_all(o.data, o.len, &res, &e), 0,
	    "a skippable frame of kind 0x70 between tables is skipped (%s)",
	    e.msg);
	TAP_CHECK(res.skipped == 1 && res.tables == 2 && res.rows == 15 &&
		      res.tot.frames == get64(fr[n - 1].payload + 16) + 1,
		  "skipped_frames is 1, the tables and rows are all there");
	buf_release(&o);

	with_extra_frame(&m, between, 0x70, STREAM_FLAG_SKIPPABLE, "future", 6,
			 0, 0, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "frames"),
		  "a skipped frame counts in the stream-end frames figure (%s)",
		  e.msg);
	buf_release(&o);

	with_extra_frame(&m, between, 0x70, 0, "future", 6, 0, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM &&
		      strstr(e.msg, "unknown frame kind 112"),
		  "an unknown frame without the skippable flag is refused (%s)",
		  e.msg);
	buf_release(&o);

	{
		static const char good[] =
		    "{\"objects\":[{\"kind\":\"trigger\",\"table\":\"users\","
		    "\"name\":\"users_bi\",\"detail\":\"BEFORE INSERT\"},"
		    "{\"kind\":\"view\",\"name\":\"active\",\"x\":1}]}";
		static const char *const bad[] = {
			"{\"objects\":[{\"kind\":\"Trigger!\",\"name\":\"t\"}]}",
			"{\"objects\":[{\"kind\":\"view\"}]}",
			"{\"objects\":{}}",
			"{\"objects\":[{\"kind\":\"view\",\"name\":\"a\","
			"\"name\":\"b\"}]}",
			"[1",
			"{\"objects\":[{\"kind\":\"sequence\",\"name\":\"s\","
			"\"sequence\":{\"schema\":\"a\",\"name\":\"s\",\"type\":"
			"\"text\",\"start\":1,\"increment\":1,\"minimum\":1,"
			"\"maximum\":9,\"next\":1}}]}",
			"{\"objects\":[{\"kind\":\"sequence\",\"name\":\"s\","
			"\"sequence\":{\"schema\":\"a\",\"name\":\"s\",\"type\":"
			"\"bigint\",\"start\":1,\"increment\":0,\"minimum\":1,"
			"\"maximum\":9,\"next\":1}}]}",
			"{\"objects\":[{\"kind\":\"sequence\",\"name\":\"s\","
			"\"sequence\":{\"schema\":\"a\",\"name\":\"s\",\"type\":"
			"\"bigint\",\"start\":1,\"increment\":1,\"minimum\":1,"
			"\"maximum\":9,\"next\":99999999999999999999}}]}",
		};
		FILE *f;
		struct stream_reader *r;
		const struct schema_table *t;
		const struct schema_objects *ob;
		int trc;

		with_extra_frame(&m, between, STREAM_FRAME_OBJECTS,
				 STREAM_FLAG_SKIPPABLE, good, strlen(good), 0,
				 1, &o);
		f = fmemopen(o.data, o.len, "rb");
		r = f ? stream_reader_new(f, "mem", &e) : NULL;
		if (!r)
			abort();
		while ((trc = stream_reader_next_table(r, &t, &e)) == 1)
			;
		ob = stream_reader_objects(r);
		TAP_CHECK(trc == 0 && ob->n == 2 &&
			      strcmp(ob->v[0].kind, "trigger") == 0 &&
			      strcmp(ob->v[0].table, "users") == 0 &&
			      strcmp(ob->v[0].detail, "BEFORE INSERT") == 0 &&
			      !ob->v[1].table &&
			      stream_reader_skipped_frames(r) == 0,
			  "an objects frame between tables is read, not "
			  "skipped (%s)",
			  trc < 0 ? e.msg : "ok");
		stream_reader_free(r);
		fclose(f);
		buf_release(&o);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			with_extra_frame(&m, between, STREAM_FRAME_OBJECTS,
					 STREAM_FLAG_SKIPPABLE, bad[i],
					 strlen(bad[i]), 0, 1, &o);
			TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
				      e.class == ERR_STREAM &&
				      strstr(e.msg, "objects frame"),
				  "a bad objects frame %zu is refused (%s)", i,
				  e.msg);
			buf_release(&o);
		}
		with_extra_frame(&m, 1, STREAM_FRAME_OBJECTS,
				 STREAM_FLAG_SKIPPABLE, good, strlen(good), 0,
				 1, &o);
		TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
			      strstr(e.msg, "unexpected objects frame"),
			  "an objects frame inside a table is refused (%s)",
			  e.msg);
		buf_release(&o);
	}

	with_extra_frame(&m, 0, 0xff, STREAM_FLAG_SKIPPABLE, "", 0, 0, 1, &o);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == 0 && res.skipped == 1,
	    "a skippable empty frame right after the header is skipped (%s)",
	    e.msg);
	buf_release(&o);

	with_extra_frame(&m, 1, 0x07, STREAM_FLAG_SKIPPABLE, "in a table", 10,
			 0, 1, &o);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == 0 && res.skipped == 1 &&
		res.rows == 15,
	    "a skippable frame inside a table (before its rows) is skipped (%s)",
	    e.msg);
	buf_release(&o);

	with_extra_frame(&m, 2, 0x00, STREAM_FLAG_SKIPPABLE, "kind 0", 6, 0, 1,
			 &o);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == 0 && res.skipped == 1,
	    "a skippable frame of kind 0 after a rows frame is skipped, not a batch (%s)",
	    e.msg);
	buf_release(&o);

	/* a skipped frame is checked like any other (ferry-stream(5)) */
	with_extra_frame(&m, between, 0x70, STREAM_FLAG_SKIPPABLE, "future", 6,
			 1, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "checksum"),
		  "a skippable frame with a bad checksum is refused (%s)",
		  e.msg);
	buf_release(&o);
	with_extra_frame(&m, between, 0x70,
			 STREAM_FLAG_SKIPPABLE | STREAM_FLAG_ZSTD,
			 "not zstd at all", 15, 0, 1, &o);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == -1 && e.class == ERR_STREAM,
	    "a skippable frame with the zstd flag and no zstd payload is refused (%s)",
	    e.msg);
	buf_release(&o);
	{
		/* a compressed skippable frame is decompressed and skipped */
		unsigned char z[256];
		static const char text[] =
		    "a later minor version's frame, compressed";
		size_t zl =
		    ZSTD_compress(z, sizeof(z), text, sizeof(text) - 1, 1);
		struct frame f2[64];
		size_t n2 = split((const unsigned char *)m.data, m.len, f2, 64);
		start(&o, m.data);
		for (size_t i = 0; i < n2; i++) {
			if (i == between)
				emit(&o, 0x70,
				     STREAM_FLAG_SKIPPABLE | STREAM_FLAG_ZSTD,
				     0, z, zl, sizeof(text) - 1,
				     XXH3_64bits(text, sizeof(text) - 1));
			if (f2[i].kind == STREAM_FRAME_STREAM_END)
				emit_stream_end(&o, &f2[i], 1);
			else
				emit_same(&o, &f2[i]);
		}
		TAP_CHECK(
		    read_all(o.data, o.len, &res, &e) == 0 && res.skipped == 1,
		    "a compressed skippable frame is skipped (%s)", e.msg);
		buf_release(&o);
	}

	/* a known kind with the skippable flag is read as usual */
	start(&o, m.data);
	for (size_t i = 0; i < n; i++)
		emit(&o, fr[i].kind, fr[i].flags | STREAM_FLAG_SKIPPABLE,
		     fr[i].count, fr[i].payload, fr[i].stored_len,
		     fr[i].raw_len, fr[i].sum);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == 0 && res.skipped == 0 &&
		res.rows == 15,
	    "known kinds with the skippable flag are read and counted (%s)",
	    e.msg);
	buf_release(&o);

	/* reserved flag bits and the reserved field, resealed */
	start(&o, m.data);
	for (size_t i = 0; i < n; i++)
		emit(&o, fr[i].kind, fr[i].flags | (i == 1 ? 0x04 : 0),
		     fr[i].count, fr[i].payload, fr[i].stored_len,
		     fr[i].raw_len, fr[i].sum);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "reserved"),
		  "a reserved flag bit is refused (%s)", e.msg);
	buf_release(&o);
	start(&o, m.data);
	for (size_t i = 0; i < n; i++) {
		size_t at = o.len;
		emit_same(&o, &fr[i]);
		if (i == 0) {
			o.data[at + 2] = 1;
			put32(o.data + at + 24,
			      (uint32_t)XXH3_64bits(o.data + at, 24));
		}
	}
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "reserved"),
		  "a reserved field set is refused (%s)", e.msg);
	buf_release(&o);

	/* count must be 0 in a table-begin frame */
	start(&o, m.data);
	for (size_t i = 0; i < n; i++)
		emit(&o, fr[i].kind, fr[i].flags, i == 0 ? 1 : fr[i].count,
		     fr[i].payload, fr[i].stored_len, fr[i].raw_len, fr[i].sum);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == -1 && e.class == ERR_STREAM,
	    "a table-begin frame with a row count is refused (%s)", e.msg);
	buf_release(&o);
	free(m.data);
}

/* The first rows frame of the stored small stream, its payload replaced
 * (a well-sealed frame with a bad row inside). */
static void with_rows_payload(const struct mem *m, const void *raw, size_t len,
			      uint32_t count, struct buf *o)
{
	struct frame fr[64];
	size_t n = split((const unsigned char *)m->data, m->len, fr, 64);
	int done = 0;

	start(o, m->data);
	for (size_t i = 0; i < n; i++) {
		if (fr[i].kind == STREAM_FRAME_ROWS && !done) {
			emit_raw(o, STREAM_FRAME_ROWS, 0, count, raw, len);
			done = 1;
		} else {
			emit_same(o, &fr[i]);
		}
	}
}

static void test_bad_rows(void)
{
	struct schema_table *t = mk_table(tags_json);
	static const int64_t ids[] = { 1 };
	static const char *const labels[] = { "ok" };
	struct mem m;
	struct stream_writer *w = w_open(&m, 0, 4096);
	struct result res;
	struct err e;
	struct buf o;

	write_tags(w, t, ids, labels, 1, NULL);
	w_close(&m, w);
	TAP_EQ_INT(read_all(m.data, m.len, &res, &e), 0,
		   "one-row tags stream reads");

	/* control: the same row resealed reads (the table-end still agrees) */
	with_rows_payload(&m, "\x00\x02\x02ok", 5, 1, &o);
	TAP_EQ_INT(read_all(o.data, o.len, &res, &e), 0,
		   "the row resealed by hand reads (%s)", e.msg);
	buf_release(&o);

	with_rows_payload(&m, "\x00\x02\x02\xc3\x28", 5, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "UTF-8") && strstr(e.msg, "column label"),
		  "invalid UTF-8 behind valid checksums is refused (%s)",
		  e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x01\x02", 2, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "column id"),
		  "NULL in a non-nullable column is refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x04\x02\x02ok", 5, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "bitmap"),
		  "bitmap bits past the last column are refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x02\x02okX", 6, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "after the last row"),
		  "a byte after the last row is refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x02\x05ok", 5, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a length past the end of the batch is refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x80\x00\x02ok", 6, 1, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      strstr(e.msg, "varint"),
		  "a non-shortest varint is refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x02\x02ok", 5, 2, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a count larger than the rows in the payload is refused (%s)",
		  e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x02\x02ok", 5, 0, &o);
	TAP_CHECK(read_all(o.data, o.len, &res, &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a rows frame with count 0 is refused (%s)", e.msg);
	buf_release(&o);
	with_rows_payload(&m, "\x00\x04\x02ok", 5, 1, &o);
	TAP_CHECK(
	    read_all(o.data, o.len, &res, &e) == -1 && strstr(e.msg, "digest"),
	    "a changed value behind valid checksums fails the digest (%s)",
	    e.msg);
	buf_release(&o);
	free(m.data);
	schema_table_free(t);
}

/* A rows payload in two zstd frames: the spec allows exactly one. */
static void test_zstd_frames(void)
{
	struct schema_table *u = mk_table(users_json);
	struct mem m;
	struct stream_writer *w = w_open(&m, 0, 1 << 20);
	struct frame fr[16];
	struct result res;
	struct err e;
	size_t n, cap;
	unsigned char *z;

	write_users(w, u, 0, 40, NULL);
	w_close(&m, w);
	n = split((const unsigned char *)m.data, m.len, fr, 16);
	TAP_CHECK(n == 4 && fr[1].kind == STREAM_FRAME_ROWS &&
		      !(fr[1].flags & STREAM_FLAG_ZSTD),
		  "one stored rows frame of 40 users");
	cap = ZSTD_compressBound(fr[1].raw_len) * 2 + 64;
	z = malloc(cap);
	for (int variant = 0; variant < 3; variant++) {
		struct buf o;
		size_t zl, half = fr[1].raw_len / 2;
		unsigned char te[64];

		if (variant == 0) {
			zl = ZSTD_compress(z, cap, fr[1].payload, fr[1].raw_len,
					   3);
		} else {
			zl = ZSTD_compress(z, cap, fr[1].payload, half, 3);
			zl += ZSTD_compress(z + zl, cap - zl,
					    fr[1].payload + half,
					    fr[1].raw_len - half, 3);
			if (variant == 2)
				z[zl++] = 0; /* and a stray byte */
		}
		start(&o, m.data);
		emit_same(&o, &fr[0]);
		emit(&o, STREAM_FRAME_ROWS, STREAM_FLAG_ZSTD, fr[1].count, z,
		     zl, fr[1].raw_len, fr[1].sum);
		/* the table-end's stored_bytes follow the new stored length */
		memcpy(te, fr[2].payload, fr[2].raw_len);
		put64(te + 24, zl);
		emit_raw(&o, STREAM_FRAME_TABLE_END, 0, 0, te, fr[2].raw_len);
		emit_same(&o, &fr[3]);
		if (variant == 0)
			TAP_EQ_INT(
			    read_all(o.data, o.len, &res, &e), 0,
			    "rows recompressed by hand as one zstd frame read (%s)",
			    e.msg);
		else
			TAP_CHECK(
			    read_all(o.data, o.len, &res, &e) == -1 &&
				e.class == ERR_STREAM,
			    "a payload of two zstd frames%s is refused (%s)",
			    variant == 2 ? " and a byte" : "", e.msg);
		buf_release(&o);
	}
	free(z);
	free(m.data);
	schema_table_free(u);
}

/* The table-end watermark must be a valid value of its column's type
 * (ferry-stream(5), Table-end frame), not merely compare equal. */
static void test_watermark_value(void)
{
	struct schema_table *t = mk_table(
	    "{\"name\":\"w\",\"columns\":[{\"name\":\"v\",\"type\":\"decimal\","
	    "\"nullable\":false}],\"watermark\":\"v\"}");
	static const char *const vals[] = { "0.5", "1", "-3" };
	static const struct {
		const char *wm;
		int ok;
		const char *what;
	} cases[] = {
		{ "1", 1, "the greatest value as written" },
		{ "1.000", 1, "an equal spelling (1.000)" },
		{ "2", 0, "a greater value" },
		{ "0.5", 0, "a smaller value" },
		{ "1.", 0,
		  "regression: an invalid decimal '1.' that compares equal to 1" },
		{ "01", 0, "an invalid decimal '01'" },
	};
	struct mem m;
	struct stream_writer *w = w_open(&m, 0, 4096);
	struct frame fr[16];
	struct err e;
	struct result res;
	size_t n;

	err_init(&e);
	stream_writer_begin_table(w, t, &e);
	for (size_t i = 0; i < 3; i++) {
		struct value row[1];
		memset(row, 0, sizeof(row));
		row[0].v.s.p = vals[i];
		row[0].v.s.len = strlen(vals[i]);
		stream_writer_add_row(w, row, &e);
	}
	stream_writer_end_table(w, &e);
	TAP_CHECK(stream_writer_last_table(w)->has_watermark &&
		      stream_writer_last_table(w)->watermark.v.s.len == 1,
		  "decimal watermark is '1'");
	w_close(&m, w);
	n = split((const unsigned char *)m.data, m.len, fr, 16);
	TAP_CHECK(n == 4 && fr[2].kind == STREAM_FRAME_TABLE_END &&
		      fr[2].raw_len == 51,
		  "table-end with a 2-byte watermark");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct buf o;
		unsigned char te[128];
		size_t wl = strlen(cases[c].wm);
		int rc;
		memcpy(te, fr[2].payload, 49);
		te[49] = (unsigned char)wl;
		memcpy(te + 50, cases[c].wm, wl);
		start(&o, m.data);
		emit_same(&o, &fr[0]);
		emit_same(&o, &fr[1]);
		emit_raw(&o, STREAM_FRAME_TABLE_END, 0, 0, te, 50 + wl);
		emit_same(&o, &fr[3]);
		rc = read_all(o.data, o.len, &res, &e);
		if (cases[c].ok)
			TAP_EQ_INT(rc, 0,
				   "table-end watermark: %s is accepted (%s)",
				   cases[c].what, rc ? e.msg : "ok");
		else
			TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
				  "table-end watermark: %s is refused (%s)",
				  cases[c].what, rc ? e.msg : "accepted");
		buf_release(&o);
	}
	free(m.data);
	schema_table_free(t);
}

/* The table-begin payload: what schema_table_parse accepts. */
static void test_schema(void)
{
	static const struct {
		const char *json;
		int ok;
		const char *what;
	} cases[] = {
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}],"
		  "\"future\":{\"x\":1}}",
		  1, "unknown members are ignored" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"labels\":[]}]}",
		  1, "an empty labels array on a text column" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"length\":9007199254740992}]}",
		  1, "length 2^53" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":"
		  "\"decimal\",\"unsigned\":true}]}",
		  1, "an unsigned decimal" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"unsigned\":true}]}",
		  0, "an unsigned text column" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":"
		  "\"int64\",\"unsigned\":1}]}",
		  0, "unsigned as a number" },
		{ "{\"name\":\"t\",\"columns\":[]}", 0, "no columns" },
		{ "{\"name\":\"\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}]}",
		  0, "an empty table name" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int65\"}]}",
		  0, "an unknown type" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"null\","
		  "\"nullable\":false}]}",
		  0, "a null column that is not nullable" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"},"
		  "{\"name\":\"a\",\"type\":\"int64\"}]}",
		  0, "two columns with one name" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"json\"}],"
		  "\"watermark\":\"a\"}",
		  0, "a json watermark column" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}],"
		  "\"primary_key\":[\"b\"]}",
		  0, "a key naming no column" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"labels\":[\"x\"]}]}",
		  0, "labels on a text column" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"length\":-1}]}",
		  0, "a negative length" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"nullable\":1}]}",
		  0, "nullable as a number" },
		{ "[{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}]}]",
		  0, "an array instead of an object" },
		/* fixed bug, kept as a regression test: ferry-stream(5), Table
		 * schema: "Members must not appear twice in one object" and
		 * names are "without U+0000"; cJSON takes the first of
		 * duplicate members and cuts a name at \u0000 */
		{ "{\"name\":\"t\",\"name\":\"u\",\"columns\":[{\"name\":\"a\","
		  "\"type\":\"text\"}]}",
		  0, "regression: a member that appears twice" },
		{ "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"text\","
		  "\"type\":\"int64\"}]}",
		  0, "regression: a column member that appears twice" },
		{ "{\"name\":\"t\\u0000x\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}]}",
		  0, "regression: a table name with U+0000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e;
		struct schema_table *t;
		err_init(&e);
		t = schema_table_parse(cases[i].json, strlen(cases[i].json),
				       &e);
		if (cases[i].ok)
			TAP_CHECK(t != NULL, "schema: %s is accepted (%s)",
				  cases[i].what, t ? "ok" : e.msg);
		else
			TAP_CHECK(!t && e.class == ERR_STREAM,
				  "schema: %s is refused (%s)", cases[i].what,
				  t ? "accepted" : e.msg);
		schema_table_free(t);
	}
}

/* "unsigned" (1.3) survives a write and a read, and a copy */
static void test_unsigned_roundtrip(void)
{
	static const char json[] =
	    "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":"
	    "\"int64\",\"unsigned\":true},{\"name\":\"b\",\"type\":"
	    "\"int64\"}]}";
	struct err e;
	struct schema_table *t, *u = NULL, *c = NULL;
	char *out = NULL;

	err_init(&e);
	t = schema_table_parse(json, strlen(json), &e);
	if (t)
		out = schema_table_to_json(t, &e);
	if (out)
		u = schema_table_parse(out, strlen(out), &e);
	if (u)
		c = schema_table_copy(u, &e);
	TAP_CHECK(c && c->cols[0].nonnegative && !c->cols[1].nonnegative,
		  "schema: \"unsigned\" is written, read back and copied (%s)",
		  out ? out : e.msg);
	TAP_CHECK(out &&
		      !strstr(strstr(out, "\"b\"") ? strstr(out, "\"b\"") : out,
			      "unsigned"),
		  "schema: a signed column has no \"unsigned\" member");
	free(out);
	schema_table_free(t);
	schema_table_free(u);
	schema_table_free(c);
}

/* The writer's objects frame: written outside a table, read back by
 * the reader, refused inside a table. */
static void test_objects_writer(void)
{
	struct schema_table *t = mk_table(tags_json);
	struct schema_objects o = { 0 };
	static const int64_t ids[] = { 1 };
	static const char *const labels[] = { "red" };
	struct mem m;
	struct stream_writer *w = w_open(&m, 1, 4096);
	struct result res;
	struct err e;
	char longd[OBJECTS_MAX_DETAIL + 10];

	err_init(&e);
	memset(longd, 'x', sizeof(longd) - 1);
	longd[sizeof(longd) - 1] = '\0';
	if (schema_objects_add(&o, "trigger", "tags", "tags_bi", "BEFORE", &e) <
		0 ||
	    schema_objects_add(&o, "view", NULL, "v\"1", longd, &e) < 0)
		abort();
	TAP_CHECK(strlen(o.v[1].detail) == OBJECTS_MAX_DETAIL,
		  "a long detail is cut to %d bytes", OBJECTS_MAX_DETAIL);
	TAP_CHECK(schema_objects_add(&o, "", NULL, "x", NULL, &e) < 0 &&
		      schema_objects_add(&o, "view", NULL, "", NULL, &e) < 0,
		  "an empty kind or name is refused");
	err_init(&e);
	TAP_EQ_INT(stream_writer_add_objects(w, &o, &e), 0,
		   "objects before the first table (%s)", e.msg);
	if (stream_writer_begin_table(w, t, &e) < 0)
		abort();
	TAP_CHECK(stream_writer_add_objects(w, &o, &e) < 0,
		  "objects inside a table are refused (%s)", e.msg);
	if (stream_writer_end_table(w, &e) < 0)
		abort();
	stream_writer_free(w);
	fclose(m.f);
	free(m.data);
	w = w_open(&m, 1, 4096);
	{
		const struct schema_table *pt[1] = { t };
		if (stream_writer_add_preview(w, pt, 1, &e) < 0)
			abort();
	}
	if (stream_writer_add_objects(w, &o, &e) < 0 ||
	    write_tags(w, t, ids, labels, 1, NULL) < 0 || w_close(&m, w) < 0)
		abort();
	TAP_EQ_INT(read_all(m.data, m.len, &res, &e), 0,
		   "a stream with an objects frame reads (%s)", e.msg);
	TAP_CHECK(res.tables == 1 && res.rows == 1 && res.skipped == 0,
		  "its table and row are there, nothing skipped");
	{
		FILE *f = fmemopen(m.data, m.len, "rb");
		struct stream_reader *r = stream_reader_new(f, "mem", &e);
		const struct schema_table *rt, *const *pv = NULL;
		size_t npv = 0;
		if (r && stream_reader_next_table(r, &rt, &e) == 1)
			npv = stream_reader_preview(r, &pv);
		TAP_CHECK(npv == 1 && strcmp(pv[0]->name, "tags") == 0 &&
			      pv[0]->ncols == t->ncols,
			  "the preview frame gives the table before its rows");
		stream_reader_free(r);
		fclose(f);
	}
	free(m.data);
	schema_objects_release(&o);
	schema_table_free(t);
}

/* --- version 2: following -------------------------------------------------- */

static const char msgs_json[] =
    "{\"name\":\"msgs\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"body\",\"type\":\"text\",\"nullable\":false},"
    "{\"name\":\"big\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}";

static void set_msg(struct value *row, int64_t id, const char *body,
		    const char *big)
{
	memset(row, 0, 3 * sizeof(*row));
	row[0].v.i = id;
	row[1].v.s.p = body;
	row[1].v.s.len = strlen(body);
	row[2].null = big == NULL;
	if (big) {
		row[2].v.s.p = big;
		row[2].v.s.len = strlen(big);
	}
}

/* a follow stream of msgs: n transactions of `per` inserts, then an
 * update (old key, one column unchanged) and a delete, a heartbeat;
 * finished (with its stream-end) when `finish` */
static void follow_stream(struct mem *m, size_t batch, int n, int per,
			  int finish)
{
	struct schema_table *t = mk_table(msgs_json);
	struct stream_writer_opts o = { 1, batch, 1 };
	struct stream_follow f;
	struct stream_position p;
	struct stream_writer *w;
	struct value row[3], key[1];
	unsigned char unch[1] = { 0x04 };
	struct err e;
	int64_t id = 1;

	err_init(&e);
	m->data = NULL;
	m->len = 0;
	if (!(m->f = open_memstream(&m->data, &m->len)) ||
	    !(w = stream_writer_new(m->f, &o, &e)))
		abort();
	f.engine = "postgresql";
	f.source = "test";
	f.start.order = 100;
	snprintf(f.start.text, sizeof(f.start.text), "0/64");
	f.tables = &t;
	f.ntables = 1;
	if (stream_writer_begin_follow(w, &f, &e) < 0)
		abort();
	for (int x = 0; x < n; x++) {
		for (int k = 0; k < per; k++) {
			struct stream_change c = { 0 };
			set_msg(row, id++, "hello", NULL);
			c.op = STREAM_CHANGE_INSERT;
			c.row = row;
			if (stream_writer_change(w, &c, &e) < 0)
				abort();
		}
		p.order = 200 + (uint64_t)x;
		snprintf(p.text, sizeof(p.text), "0/%X", 200 + x);
		if (stream_writer_commit(w, &p, 1000 + x, &e) < 0)
			abort();
	}
	{
		struct stream_change c = { 0 };
		set_msg(row, 1000, "moved", NULL);
		key[0].null = false;
		key[0].v.i = 1;
		c.op = STREAM_CHANGE_UPDATE;
		c.row = row;
		c.old_key = key;
		c.unchanged = unch;
		if (stream_writer_change(w, &c, &e) < 0)
			abort();
		memset(&c, 0, sizeof(c));
		key[0].v.i = 2;
		c.op = STREAM_CHANGE_DELETE;
		c.key = key;
		if (stream_writer_change(w, &c, &e) < 0)
			abort();
		p.order = 5000;
		snprintf(p.text, sizeof(p.text), "0/1388");
		if (stream_writer_commit(w, &p, 9999, &e) < 0)
			abort();
		TAP_CHECK(stream_writer_commit(w, &p, 9999, &e) == 0,
			  "a transaction without changes writes nothing");
		p.order = 4999;
		TAP_CHECK(stream_writer_heartbeat(w, &p, 1, &e) < 0 &&
			      strstr(e.msg, "goes back"),
			  "a heartbeat before the last position is refused (%s)",
			  e.msg);
		p.order = 5000;
		if (stream_writer_heartbeat(w, &p, 1, &e) < 0)
			abort();
	}
	if (finish && stream_writer_finish(w, &e) < 0)
		abort();
	if (!finish && stream_writer_flush(w, &e) < 0)
		abort();
	stream_writer_free(w);
	fclose(m->f);
	schema_table_free(t);
}

struct follow_count {
	uint64_t changes, commits, beats, inserts, moved, deleted;
	uint64_t last;
	int unchanged_ok;
};

/* read a follow stream whole: 0 at its end, -1 with e */
static int read_follow(const void *data, size_t len, struct follow_count *fc,
		       struct err *e)
{
	FILE *f = fmemopen((void *)data, len, "rb");
	struct stream_reader *r = stream_reader_new(f, "mem", e);
	const struct schema_table *t;
	struct stream_event ev;
	int rc = -1, erc;

	memset(fc, 0, sizeof(*fc));
	if (!r || stream_reader_next_table(r, &t, e) != 0)
		goto out;
	if (!stream_reader_follow(r)) {
		err_set(e, ERR_STREAM, "no follow frame");
		goto out;
	}
	while ((erc = stream_reader_next_event(r, &ev, e)) == 1) {
		if (ev.kind == STREAM_EVENT_COMMIT) {
			fc->commits++;
			fc->last = ev.pos->order;
		} else if (ev.kind == STREAM_EVENT_HEARTBEAT) {
			fc->beats++;
			fc->last = ev.pos->order;
		} else {
			fc->changes++;
			fc->inserts += ev.change.op == STREAM_CHANGE_INSERT;
			if (ev.change.op == STREAM_CHANGE_UPDATE &&
			    ev.change.old_key && ev.change.old_key[0].v.i == 1 &&
			    ev.change.row[0].v.i == 1000) {
				fc->moved++;
				fc->unchanged_ok = ev.change.unchanged &&
						   ev.change.unchanged[0] == 0x04 &&
						   ev.change.row[2].null;
			}
			fc->deleted += ev.change.op == STREAM_CHANGE_DELETE &&
				       ev.change.key[0].v.i == 2;
		}
	}
	rc = erc;
out:
	stream_reader_free(r);
	fclose(f);
	return rc;
}

static void test_follow(void)
{
	struct follow_count fc;
	struct mem m, big;
	struct err e;
	size_t cut_at = 0;

	err_init(&e);
	follow_stream(&m, 4096, 3, 2, 1);
	TAP_EQ_INT(read_follow(m.data, m.len, &fc, &e), 0,
		   "a follow stream reads to its end (%s)", e.msg);
	TAP_CHECK(fc.commits == 4 && fc.changes == 8 && fc.inserts == 6 &&
		      fc.beats == 1 && fc.last == 5000,
		  "4 transactions, 8 changes, a heartbeat, in order");
	TAP_CHECK(fc.moved == 1 && fc.unchanged_ok && fc.deleted == 1,
		  "an update with its old key and an unchanged column, a "
		  "delete by key");
	TAP_CHECK((unsigned char)m.data[10] == 2 && m.data[11] == 0,
		  "its header says version 2.0");
	/* a transaction of many changes spans frames of 4096 bytes */
	follow_stream(&big, 4096, 1, 2000, 1);
	TAP_EQ_INT(read_follow(big.data, big.len, &fc, &e), 0,
		   "a transaction over several frames reads (%s)", e.msg);
	TAP_CHECK(fc.commits == 2 && fc.inserts == 2000,
		  "... as one transaction of 2000 inserts");
	/* cut at every length: after a whole transaction or heartbeat it
	 * is interrupted (ERR_PIPE), anywhere else truncated */
	{
		int pipes = 0, streams = 0, bad = 0;
		/* every 7th length, and every one of the last 400 bytes,
		 * which hold frame ends after whole transactions */
		for (size_t len = 0; len < big.len;
		     len += len + 400 >= big.len ? 1 : 7) {
			err_init(&e);
			if (read_follow(big.data, len, &fc, &e) == 0) {
				bad++;
				continue;
			}
			if (e.class == ERR_PIPE) {
				pipes++;
				/* interrupted only after whole transactions */
				if (fc.commits == 0 && fc.inserts)
					bad++;
			} else if (e.class == ERR_STREAM) {
				streams++;
			} else {
				bad++;
			}
		}
		TAP_CHECK(bad == 0 && pipes > 0 && streams > 0,
			  "cut short: %d interrupted, %d truncated, %d wrong",
			  pipes, streams, bad);
	}
	/* unfinished: ends after its heartbeat, interrupted */
	free(big.data);
	follow_stream(&big, 4096, 2, 1, 0);
	err_init(&e);
	TAP_CHECK(read_follow(big.data, big.len, &fc, &e) < 0 &&
		      e.class == ERR_PIPE && fc.commits == 3 &&
		      strstr(e.msg, "interrupted"),
		  "a follow stream without its end is interrupted, what came "
		  "read (%s)",
		  e.msg);
	/* a stream-end that miscounts changes is refused */
	cut_at = m.len - 56 - 28;
	{
		struct buf o;
		buf_init(&o, 1u << 20);
		if (buf_add(&o, m.data, cut_at, &e) < 0)
			abort();
		{
			unsigned char p[56];
			memcpy(p, m.data + cut_at + 28, 56);
			put64(p + 48, get64(p + 48) + 1);
			emit_raw(&o, STREAM_FRAME_STREAM_END, 0, 0, p, 56);
		}
		err_init(&e);
		TAP_CHECK(read_follow(o.data, o.len, &fc, &e) < 0 &&
			      e.class == ERR_STREAM &&
			      strstr(e.msg, "changes, the stream holds"),
			  "a stream-end that miscounts changes is refused (%s)",
			  e.msg);
		buf_release(&o);
	}
	free(m.data);
	free(big.data);
}

int main(void)
{
	test_follow();
	test_objects_writer();
	test_unsigned_roundtrip();
	test_worked_example();
	test_roundtrip(0);
	test_roundtrip(3);
	test_digest_order();
	test_writer_refusals();
	test_truncation(0);
	test_truncation(3);
	test_flips(0);
	test_flips(3);
	test_compressed_kinds();
	test_versions_and_trailing();
	test_unknown_frames();
	test_bad_rows();
	test_zstd_frames();
	test_watermark_value();
	test_schema();
	return tap_done();
}
