/*
 * test-wkb - unit tests of lib/stream/wkb.c: MySQL's internal geometry
 * format, WKB and EWKB (both byte orders, ISO codes) to ferry's canonical
 * EWKB and back, and what is refused: truncations, forged counts, members
 * of the wrong type, nesting past WKB_MAX_DEPTH, bytes after the end.
 *
 * Expected bytes are written out by hand (the examples of the task that
 * added the codec, from the OGC and PostGIS layouts), or built by the
 * little writer below in one byte order and compared with the same
 * geometry built in the other.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hex.h"
#include "stream/wkb.h"
#include "tap.h"

#define MAXB (1u << 20)

/* --- helpers -------------------------------------------------------------- */

/* hex digits in pairs, spaces between pairs ignored */
static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;

	while (*hex && n < cap) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (hex_value(hex[0]) < 0 || hex_value(hex[1]) < 0) {
			tap_diag("bad hex in the test: %s", hex);
			abort();
		}
		out[n++] =
		    (unsigned char)(hex_value(hex[0]) << 4 | hex_value(hex[1]));
		hex += 2;
	}
	return n;
}

/* A WKB written by hand, in one byte order per geometry. */
struct wb {
	unsigned char b[8192];
	size_t n;
	int le;
};

static void wb_u32(struct wb *w, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		w->b[w->n++] =
		    (unsigned char)(v >> (w->le ? 8 * i : 8 * (3 - i)));
}

static void wb_bits(struct wb *w, uint64_t bits)
{
	for (int i = 0; i < 8; i++)
		w->b[w->n++] =
		    (unsigned char)(bits >> (w->le ? 8 * i : 8 * (7 - i)));
}

static void wb_dbl(struct wb *w, double d)
{
	uint64_t bits;

	memcpy(&bits, &d, 8);
	wb_bits(w, bits);
}

/* the byte-order byte and the type; the byte order holds until the next */
static void wb_hdr(struct wb *w, int le, uint32_t type)
{
	w->le = le;
	w->b[w->n++] = (unsigned char)le;
	wb_u32(w, type);
}

static void wb_point(struct wb *w, int le, uint32_t type, double x, double y)
{
	wb_hdr(w, le, type);
	wb_dbl(w, x);
	wb_dbl(w, y);
}

/* a square ring from (x, y), side s, closed: 5 points */
static void wb_square(struct wb *w, double x, double y, double s)
{
	wb_u32(w, 5);
	wb_dbl(w, x);
	wb_dbl(w, y);
	wb_dbl(w, x + s);
	wb_dbl(w, y);
	wb_dbl(w, x + s);
	wb_dbl(w, y + s);
	wb_dbl(w, x);
	wb_dbl(w, y + s);
	wb_dbl(w, x);
	wb_dbl(w, y);
}

/* POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,4 2,4 4,2 4,2 2)) */
static void wb_holed(struct wb *w, int le, uint32_t type)
{
	wb_hdr(w, le, type);
	wb_u32(w, 2);
	wb_square(w, 0, 0, 10);
	wb_square(w, 2, 2, 2);
}

/*
 * GEOMETRYCOLLECTION(POINT(1 2), GEOMETRYCOLLECTION(MULTIPOLYGON(holed,
 * ((20 20,21 20,21 21,20 21,20 20))), LINESTRING(0 0,1 1)), MULTIPOINT
 * EMPTY), each geometry in the byte order order(i) gives its i-th header,
 * the outermost with type flags `outer` (SRID given when srid != 0)
 */
static void wb_nested(struct wb *w, int (*order)(int), uint32_t outer,
		      uint32_t srid)
{
	int i = 0;

	wb_hdr(w, order(i++), outer | 7);
	if (outer & WKB_FLAG_SRID)
		wb_u32(w, srid);
	wb_u32(w, 3);
	wb_point(w, order(i++), 1, 1, 2);
	wb_hdr(w, order(i++), 7);
	wb_u32(w, 2);
	wb_hdr(w, order(i++), 6);
	wb_u32(w, 2);
	wb_holed(w, order(i++), 3);
	wb_hdr(w, order(i++), 3);
	wb_u32(w, 1);
	wb_square(w, 20, 20, 1);
	wb_hdr(w, order(i++), 2);
	wb_u32(w, 2);
	wb_dbl(w, 0);
	wb_dbl(w, 0);
	wb_dbl(w, 1);
	wb_dbl(w, 1);
	wb_hdr(w, order(i++), 4);
	wb_u32(w, 0);
}

static int all_le(int i)
{
	(void)i;
	return 1;
}

static int all_be(int i)
{
	(void)i;
	return 0;
}

static int mixed(int i)
{
	return i % 2;
}

/* MySQL's form: the SRID, little-endian, then the WKB */
static void wb_mysql(struct wb *w, uint32_t srid)
{
	w->le = 1;
	wb_u32(w, srid);
}

enum fn { NORMALIZE, FROM_MYSQL, TO_MYSQL };

static const char *fn_name(enum fn f)
{
	return f == NORMALIZE	 ? "wkb_normalize"
	       : f == FROM_MYSQL ? "wkb_from_mysql"
				 : "wkb_to_mysql";
}

static int call(enum fn f, const unsigned char *p, size_t n, struct buf *out,
		struct err *e)
{
	switch (f) {
	case NORMALIZE: return wkb_normalize(p, n, out, NULL, e);
	case FROM_MYSQL: return wkb_from_mysql(p, n, out, e);
	case TO_MYSQL: return wkb_to_mysql(p, n, out, e);
	}
	return -1;
}

/* f of p is exactly want (appended after what out held) */
static void check_bytes(enum fn f, const unsigned char *p, size_t n,
			const unsigned char *want, size_t wn, const char *what)
{
	struct buf out;
	struct err e;
	int rc;

	buf_init(&out, MAXB);
	err_init(&e);
	buf_add(&out, "xy", 2, &e);
	rc = call(f, p, n, &out, &e);
	if (!TAP_EQ_INT(rc, 0, "%s: %s", fn_name(f), what))
		tap_diag("error: %s", e.msg);
	else
		TAP_EQ_MEM(out.data + 2, out.len - 2, want, wn, "%s: %s: bytes",
			   fn_name(f), what);
	buf_release(&out);
}

static void check_hex(enum fn f, const char *in, const char *want,
		      const char *what)
{
	unsigned char a[512], b[512];
	size_t an = unhex(in, a, sizeof(a)), bn = unhex(want, b, sizeof(b));

	check_bytes(f, a, an, b, bn, what);
}

/* f of p fails with ERR_STREAM, out untouched, the message holding
 * `needle` (when not NULL) */
static int fails(enum fn f, const unsigned char *p, size_t n,
		 const char *needle, const char *what)
{
	struct buf out;
	struct err e;
	int rc, ok;

	buf_init(&out, MAXB);
	err_init(&e);
	buf_add(&out, "xy", 2, &e);
	rc = call(f, p, n, &out, &e);
	ok = rc == -1 && e.class == ERR_STREAM && out.len == 2 &&
	     memcmp(out.data, "xy", 3) == 0 &&
	     (!needle || strstr(e.msg, needle));
	if (what)
		TAP_CHECK(ok, "%s: %s fails", fn_name(f), what);
	if (!ok && what)
		tap_diag("rc %d, class %d, out.len %zu, message: %s", rc,
			 (int)e.class, out.len, e.msg);
	buf_release(&out);
	return ok;
}

/* canonical: normalizing it again gives it back */
static void check_idempotent(const unsigned char *p, size_t n, const char *what)
{
	struct buf a, b;
	struct err e;

	buf_init(&a, MAXB);
	buf_init(&b, MAXB);
	err_init(&e);
	if (TAP_EQ_INT(wkb_normalize(p, n, &a, NULL, &e), 0, "normalize %s",
		       what) &&
	    TAP_EQ_INT(wkb_normalize(a.data, a.len, &b, NULL, &e), 0,
		       "normalize %s again", what))
		TAP_EQ_MEM(b.data, b.len, a.data, a.len,
			   "%s: the canonical form is its own", what);
	buf_release(&a);
	buf_release(&b);
}

/* every prefix of p (and p with a byte more) refused by f, cleanly */
static void check_truncations(enum fn f, const unsigned char *p, size_t n,
			      const char *what)
{
	unsigned char more[8192];
	int ok = 1;

	for (size_t k = 0; k < n; k++)
		if (!fails(f, p, k, NULL, NULL)) {
			tap_diag("prefix of %zu bytes of %zu", k, n);
			ok = 0;
		}
	TAP_CHECK(ok, "%s: %s: every one of its %zu prefixes refused",
		  fn_name(f), what, n);
	if (n < sizeof(more)) {
		memcpy(more, p, n);
		more[n] = 0;
		fails(f, more, n + 1, "after its end", "a byte past its end");
	}
}

/* --- tests ---------------------------------------------------------------- */

static void test_spec_examples(void)
{
	/* POINT(1 2) */
	check_hex(FROM_MYSQL,
		  "E6100000 0101000000 000000000000F03F 0000000000000040",
		  "0101000020E6100000000000000000F03F0000000000000040",
		  "MySQL POINT(1 2) SRID 4326");
	check_hex(FROM_MYSQL,
		  "00000000 0101000000 000000000000F03F 0000000000000040",
		  "0101000000000000000000F03F0000000000000040",
		  "MySQL POINT(1 2) SRID 0");
	check_hex(FROM_MYSQL, "00000000 010700000000000000",
		  "010700000000000000", "MySQL GEOMETRYCOLLECTION EMPTY");
	check_hex(TO_MYSQL,
		  "0101000020E6100000000000000000F03F0000000000000040",
		  "E61000000101000000000000000000F03F0000000000000040",
		  "EWKB POINT(1 2) SRID 4326");
	check_hex(TO_MYSQL, "010700000000000000", "00000000010700000000000000",
		  "EWKB GEOMETRYCOLLECTION EMPTY");
	/* big-endian EWKB with SRID, from PostGIS's ST_AsEWKB(g, 'XDR') */
	check_hex(NORMALIZE,
		  "0020000001000010E63FF00000000000004000000000000000",
		  "0101000020E6100000000000000000F03F0000000000000040",
		  "XDR EWKB POINT(1 2) SRID 4326");
	/* an SRID flag with SRID 0 is no SRID */
	check_hex(NORMALIZE,
		  "010100002000000000000000000000F03F0000000000000040",
		  "0101000000000000000000F03F0000000000000040",
		  "EWKB SRID flag with SRID 0");
	check_hex(NORMALIZE, "010400000000000000", "010400000000000000",
		  "MULTIPOINT EMPTY");
	check_hex(NORMALIZE, "000000000200000000", "010200000000000000",
		  "XDR LINESTRING EMPTY");
	check_hex(NORMALIZE, "000000000300000000", "010300000000000000",
		  "XDR POLYGON EMPTY");
}

static void test_srid_out(void)
{
	unsigned char a[64];
	size_t n = unhex("0020000001000010E63FF00000000000004000000000000000",
			 a, sizeof(a));
	struct buf out;
	struct err e;
	uint32_t srid = 7;

	buf_init(&out, MAXB);
	err_init(&e);
	TAP_CHECK(wkb_normalize(a, n, &out, &srid, &e) == 0 && srid == 4326,
		  "wkb_normalize: SRID 4326 given back");
	n = unhex("0101000000000000000000F03F0000000000000040", a, sizeof(a));
	TAP_CHECK(wkb_normalize(a, n, &out, &srid, &e) == 0 && srid == 0,
		  "wkb_normalize: no SRID is SRID 0");
	buf_release(&out);
}

static void test_byte_orders(void)
{
	struct wb be = { .n = 0 }, le = { .n = 0 }, mx = { .n = 0 };
	struct wb ms = { .n = 0 }, ew = { .n = 0 };

	wb_holed(&be, 0, 3);
	wb_holed(&le, 1, 3);
	check_bytes(NORMALIZE, be.b, be.n, le.b, le.n,
		    "XDR polygon with a hole is its NDR form");
	check_bytes(NORMALIZE, le.b, le.n, le.b, le.n,
		    "NDR polygon with a hole is canonical already");

	be.n = le.n = 0;
	wb_nested(&be, all_be, 0, 0);
	wb_nested(&le, all_le, 0, 0);
	wb_nested(&mx, mixed, 0, 0);
	check_bytes(NORMALIZE, be.b, be.n, le.b, le.n,
		    "XDR nested collection with a multipolygon");
	check_bytes(NORMALIZE, mx.b, mx.n, le.b, le.n,
		    "nested collection of both byte orders");
	check_idempotent(be.b, be.n, "nested collection");

	/* with an SRID: MySQL's form and EWKB give the same bytes */
	wb_mysql(&ms, 3857);
	wb_nested(&ms, all_le, 0, 0);
	wb_nested(&ew, all_le, WKB_FLAG_SRID, 3857);
	be.n = 0;
	wb_nested(&be, all_be, WKB_FLAG_SRID, 3857);
	check_bytes(FROM_MYSQL, ms.b, ms.n, ew.b, ew.n,
		    "MySQL nested collection SRID 3857");
	check_bytes(NORMALIZE, be.b, be.n, ew.b, ew.n,
		    "XDR EWKB nested collection SRID 3857");
	check_bytes(TO_MYSQL, be.b, be.n, ms.b, ms.n,
		    "XDR EWKB nested collection SRID 3857 to MySQL");
	TAP_EQ_STR(wkb_type_name(be.b, be.n), "GeometryCollection",
		   "wkb_type_name: GeometryCollection");
}

static void test_mysql_round_trips(void)
{
	struct wb w[6];
	static const uint32_t srids[] = { 0, 4326, 3857, 0xffffffffu };

	memset(w, 0, sizeof(w));
	for (int i = 0; i < 6; i++)
		wb_mysql(&w[i], srids[i % 4]);
	wb_point(&w[0], 1, 1, -0.0, 1e308);
	wb_holed(&w[1], 1, 3);
	wb_nested(&w[2], all_le, 0, 0);
	wb_hdr(&w[3], 1, 7);
	wb_u32(&w[3], 0);
	wb_hdr(&w[4], 1, 5); /* MULTILINESTRING((0 0,1 1),EMPTY) */
	wb_u32(&w[4], 2);
	wb_hdr(&w[4], 1, 2);
	wb_u32(&w[4], 2);
	for (int i = 0; i < 4; i++)
		wb_dbl(&w[4], i);
	wb_hdr(&w[4], 1, 2);
	wb_u32(&w[4], 0);
	wb_hdr(&w[5], 1, 4); /* MULTIPOINT(1 2,3 4) */
	wb_u32(&w[5], 2);
	wb_point(&w[5], 1, 1, 1, 2);
	wb_point(&w[5], 1, 1, 3, 4);

	for (int i = 0; i < 6; i++) {
		struct buf a, b;
		struct err e;
		char what[64];

		snprintf(what, sizeof(what), "MySQL value %d", i);
		buf_init(&a, MAXB);
		buf_init(&b, MAXB);
		err_init(&e);
		if (TAP_EQ_INT(wkb_from_mysql(w[i].b, w[i].n, &a, &e), 0,
			       "wkb_from_mysql: %s", what) &&
		    TAP_EQ_INT(wkb_to_mysql(a.data, a.len, &b, &e), 0,
			       "wkb_to_mysql: %s", what))
			TAP_EQ_MEM(b.data, b.len, w[i].b, w[i].n,
				   "%s: back to MySQL's bytes", what);
		check_idempotent(a.data, a.len, what);
		check_truncations(FROM_MYSQL, w[i].b, w[i].n, what);
		if (a.len)
			check_truncations(NORMALIZE, a.data, a.len, what);
		if (a.len)
			check_truncations(TO_MYSQL, a.data, a.len, what);
		buf_release(&a);
		buf_release(&b);
	}
}

static void test_dimensions(void)
{
	/* ISO POINT Z (1 2 3), little-endian */
	check_hex(NORMALIZE,
		  "01E9030000 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  "0101000080 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  "ISO POINT Z");
	/* the same, big-endian EWKB */
	check_hex(NORMALIZE,
		  "0080000001 3FF0000000000000 4000000000000000 "
		  "4008000000000000",
		  "0101000080 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  "XDR EWKB POINT Z");
	/* ISO POINT M, ZM */
	check_hex(NORMALIZE,
		  "01D1070000 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  "0101000040 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  "ISO POINT M");
	check_hex(NORMALIZE,
		  "01B90B0000 000000000000F03F 0000000000000040 "
		  "0000000000000840 0000000000001040",
		  "01010000C0 000000000000F03F 0000000000000040 "
		  "0000000000000840 0000000000001040",
		  "ISO POINT ZM");
	/* ISO LINESTRING Z inside GEOMETRYCOLLECTION Z, SRID 4326 */
	check_hex(NORMALIZE,
		  "01EF030000 01000000 01EA030000 01000000 "
		  "000000000000F03F 0000000000000040 0000000000000840",
		  "0107000080 01000000 0102000080 01000000 "
		  "000000000000F03F 0000000000000040 0000000000000840",
		  "ISO GEOMETRYCOLLECTION Z of a LINESTRING Z");
}

static void test_refused(void)
{
	unsigned char a[512];
	size_t n;
	struct wb w = { .n = 0 };

	n = unhex("01E9030000 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  a, sizeof(a));
	fails(TO_MYSQL, a, n, "2D", "ISO POINT Z to MySQL");
	n = unhex("0101000040 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  a, sizeof(a));
	fails(TO_MYSQL, a, n, "2D", "EWKB POINT M to MySQL");
	n = unhex("00000000 01E9030000 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  a, sizeof(a));
	fails(FROM_MYSQL, a, n, "2D", "MySQL value with an ISO Z type");
	n = unhex("00000000 0101000020 E6100000 000000000000F03F "
		  "0000000000000040",
		  a, sizeof(a));
	fails(FROM_MYSQL, a, n, "SRID", "MySQL value with an EWKB SRID");

	fails(NORMALIZE, a, 0, "empty", "an empty value");
	fails(TO_MYSQL, a, 0, "empty", "an empty value");
	fails(FROM_MYSQL, a, 3, "too short", "3 bytes");
	fails(FROM_MYSQL, a, 4, "runs past", "an SRID alone");

	n = unhex("0201000000000000000000F03F0000000000000040", a, sizeof(a));
	fails(NORMALIZE, a, n, "byte order 2", "byte order 2");
	n = unhex("0108000000 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "type 8", "CircularString (type 8)");
	n = unhex("0100000000 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "type 0", "type 0");
	n = unhex("01A30F0000 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "type 4003", "ISO type 4003");
	n = unhex("0107000010 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "unknown", "an unknown flag 0x10000000");
	n = unhex("01E9030080 000000000000F03F 0000000000000040 "
		  "0000000000000840",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "both", "an ISO Z code with the EWKB Z flag");

	/* nested: an SRID, other dimensions */
	n = unhex("0107000020 E6100000 01000000 0101000020 E6100000 "
		  "000000000000F03F 0000000000000040",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "only the outermost", "a nested SRID");
	n = unhex("0107000080 01000000 0101000000 "
		  "000000000000F03F 0000000000000040",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "XY inside an XYZ",
	      "a 2D point in a Z collection");
	n = unhex("0107000000 01000000 01E9030000 000000000000F03F "
		  "0000000000000040 0000000000000840",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "XYZ inside an XY",
	      "a Z point in a 2D collection");

	/* members of the wrong type */
	n = unhex("0104000000 01000000 0102000000 01000000 "
		  "000000000000F03F 0000000000000040",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "MultiPoint holds a LineString",
	      "a MultiPoint holding a LineString");
	n = unhex("0106000000 01000000 0101000000 "
		  "000000000000F03F 0000000000000040",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "MultiPolygon holds a Point",
	      "a MultiPolygon holding a Point");
	n = unhex("0105000000 01000000 0105000000 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "MultiLineString holds a MultiLineString",
	      "a MultiLineString holding a MultiLineString");

	/* forged counts fail before any loop */
	n = unhex("0102000000 FFFFFFFF 000000000000F03F 0000000000000040", a,
		  sizeof(a));
	fails(NORMALIZE, a, n, "LineString of 4294967295 points",
	      "a LineString of 0xFFFFFFFF points");
	n = unhex("0103000000 FFFFFFFF 00000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "Polygon of 4294967295 rings",
	      "a Polygon of 0xFFFFFFFF rings");
	n = unhex("0104000000 FFFFFFFF 0101000000 "
		  "000000000000F03F 0000000000000040",
		  a, sizeof(a));
	fails(NORMALIZE, a, n, "MultiPoint of 4294967295 members",
	      "a MultiPoint of 0xFFFFFFFF members");
	n = unhex("0000000007 FFFFFFFF 000000000700000000", a, sizeof(a));
	fails(NORMALIZE, a, n, "GeometryCollection of 4294967295 members",
	      "an XDR GeometryCollection of 0xFFFFFFFF members");
	/* the task's example message: a ring of 3 points in 21 bytes */
	n = unhex("0103000000 01000000 03000000 0000000000000000", a,
		  sizeof(a));
	fails(NORMALIZE, a, n,
	      "ring of 3 points at byte 13 runs past the value's 21 bytes",
	      "a ring of 3 points in 21 bytes");

	/* the SRID counts in MySQL's message offsets */
	wb_mysql(&w, 0);
	wb_hdr(&w, 1, 2);
	wb_u32(&w, 2);
	wb_dbl(&w, 1);
	fails(FROM_MYSQL, w.b, w.n, "at byte 13 runs past the value's 21",
	      "MySQL LineString cut short, offsets from the SRID");
}

static void test_nesting(void)
{
	static struct wb w;

	/* 32 collections, the innermost empty */
	w.n = 0;
	for (int i = 0; i < WKB_MAX_DEPTH; i++) {
		wb_hdr(&w, i % 2, 7);
		wb_u32(&w, i == WKB_MAX_DEPTH - 1 ? 0 : 1);
	}
	check_idempotent(w.b, w.n, "32 nested collections");
	/* 31 collections, then a MultiPoint: 32 levels too */
	w.n = 0;
	for (int i = 0; i < WKB_MAX_DEPTH - 1; i++) {
		wb_hdr(&w, 1, 7);
		wb_u32(&w, 1);
	}
	wb_hdr(&w, 1, 4);
	wb_u32(&w, 1);
	wb_point(&w, 1, 1, 5, 6);
	check_idempotent(w.b, w.n, "31 nested collections and a MultiPoint");

	/* 33 levels */
	w.n = 0;
	for (int i = 0; i < WKB_MAX_DEPTH + 1; i++) {
		wb_hdr(&w, 1, 7);
		wb_u32(&w, i == WKB_MAX_DEPTH ? 0 : 1);
	}
	fails(NORMALIZE, w.b, w.n, "deeper than 32", "33 nested collections");
	w.n = 0;
	for (int i = 0; i < WKB_MAX_DEPTH; i++) {
		wb_hdr(&w, 1, 7);
		wb_u32(&w, 1);
	}
	wb_hdr(&w, 1, 4);
	wb_u32(&w, 0);
	fails(NORMALIZE, w.b, w.n, "deeper than 32",
	      "32 nested collections and a MultiPoint");
	TAP_CHECK(wkb_type_name(w.b, w.n) == NULL,
		  "wkb_type_name: NULL for 33 levels");

	/* far deeper: refused without a deep recursion */
	w.n = 0;
	for (int i = 0; i < 500; i++) {
		wb_hdr(&w, 1, 7);
		wb_u32(&w, 1);
	}
	fails(NORMALIZE, w.b, w.n, "deeper than 32", "500 nested collections");
}

static void test_bits_kept(void)
{
	struct wb be = { .n = 0 }, le = { .n = 0 };
	struct buf out;
	struct err e;

	/* a NaN with a payload (ISO POINT EMPTY uses NaN) and -0.0 */
	wb_hdr(&be, 0, 1);
	wb_bits(&be, UINT64_C(0x7ff8000000000001));
	wb_bits(&be, UINT64_C(0x8000000000000000));
	wb_hdr(&le, 1, 1);
	wb_bits(&le, UINT64_C(0x7ff8000000000001));
	wb_bits(&le, UINT64_C(0x8000000000000000));
	check_bytes(NORMALIZE, be.b, be.n, le.b, le.n,
		    "NaN payload and -0.0 kept bit for bit");

	/* out's maximum: refused, out untouched */
	buf_init(&out, 8);
	err_init(&e);
	TAP_CHECK(wkb_normalize(le.b, le.n, &out, NULL, &e) == -1 &&
		      out.len == 0,
		  "wkb_normalize: over out's maximum, nothing appended");
	buf_release(&out);
}

/* the input in out itself, as a caller decoding hex to scratch does, and
 * out moving as it grows */
static void test_in_place(void)
{
	struct wb be = { .n = 0 }, le = { .n = 0 }, ms = { .n = 0 };
	struct buf out;
	struct err e;
	size_t at;
	int rc;

	wb_nested(&be, all_be, WKB_FLAG_SRID, 4326);
	wb_nested(&le, all_le, WKB_FLAG_SRID, 4326);
	wb_mysql(&ms, 4326);
	wb_nested(&ms, all_le, 0, 0);

	buf_init(&out, MAXB);
	err_init(&e);
	buf_add(&out, "xy", 2, &e);
	buf_add(&out, be.b, be.n, &e);
	at = out.len;
	rc = wkb_normalize(out.data + 2, be.n, &out, NULL, &e);
	TAP_CHECK(rc == 0 && out.len - at == le.n &&
		      memcmp(out.data + at, le.b, le.n) == 0,
		  "wkb_normalize: input in out, out moving");
	buf_reset(&out);
	buf_add(&out, ms.b, ms.n, &e);
	rc = wkb_from_mysql(out.data, ms.n, &out, &e);
	TAP_CHECK(rc == 0 && out.len - ms.n == le.n &&
		      memcmp(out.data + ms.n, le.b, le.n) == 0,
		  "wkb_from_mysql: input in out, out moving");
	buf_reset(&out);
	buf_add(&out, le.b, le.n, &e);
	rc = wkb_to_mysql(out.data, le.n, &out, &e);
	TAP_CHECK(rc == 0 && out.len - le.n == ms.n &&
		      memcmp(out.data + le.n, ms.b, ms.n) == 0,
		  "wkb_to_mysql: input in out, out moving");
	/* input past out->len would be written over: a caller's bug */
	at = out.len;
	rc = wkb_normalize(out.data + at - 4, 9, &out, NULL, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_SYSTEM && out.len == at,
		  "wkb_normalize: input running past out->len refused");
	buf_release(&out);
}

static void test_type_name(void)
{
	unsigned char a[64];
	size_t n;

	n = unhex("0101000000000000000000F03F0000000000000040", a, sizeof(a));
	TAP_EQ_STR(wkb_type_name(a, n), "Point", "wkb_type_name: Point");
	TAP_CHECK(wkb_type_name(a, n - 1) == NULL,
		  "wkb_type_name: NULL when truncated");
	TAP_CHECK(wkb_type_name(a, 0) == NULL,
		  "wkb_type_name: NULL when empty");
	n = unhex("0106000000 00000000", a, sizeof(a));
	TAP_EQ_STR(wkb_type_name(a, n), "MultiPolygon",
		   "wkb_type_name: MultiPolygon");
	n = unhex("01EB030000 00000000", a, sizeof(a));
	TAP_EQ_STR(wkb_type_name(a, n), "Polygon",
		   "wkb_type_name: ISO Polygon Z");
}

static void test_spatial_types(void)
{
	static const char *const yes[] = {
		"point",
		"POINT",
		"Geometry",
		"geometry",
		"linestring",
		"polygon",
		"multipoint",
		"MultiLineString",
		"multipolygon",
		"geometrycollection",
		"geomcollection",
		"geometry(Point,4326)",
		"geometry(MultiPolygonZ)",
		"GEOMETRY(Point,4326)",
	};
	static const char *const no[] = {
		"geography",
		"geography(Point,4326)",
		"pointx",
		"text",
		"",
		"point ",
		" point",
		"geometry()",
		"geometry(",
		"geometry(Point",
		"geometry(Point)x",
		"geometry((Point))",
		"geometry(a)(b)",
		"geom",
		"box2d",
		"int",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		TAP_EQ_INT(wkb_is_spatial_type(yes[i]), 1,
			   "wkb_is_spatial_type(\"%s\")", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		TAP_EQ_INT(wkb_is_spatial_type(no[i]), 0,
			   "not wkb_is_spatial_type(\"%s\")", no[i]);
	TAP_EQ_INT(wkb_is_spatial_type(NULL), 0,
		   "not wkb_is_spatial_type(NULL)");
}

int main(void)
{
	test_spec_examples();
	test_srid_out();
	test_byte_orders();
	test_mysql_round_trips();
	test_dimensions();
	test_refused();
	test_nesting();
	test_bits_kept();
	test_in_place();
	test_type_name();
	test_spatial_types();
	return tap_done();
}
