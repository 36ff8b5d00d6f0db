#include "stream/wkb.h"

#include <inttypes.h>
#include <string.h>

/*
 * One reader over the whole value, run twice: first to check it and count
 * the bytes of the result (w NULL), then, with exactly that room reserved
 * in out, to write them.  So an error leaves out as it was, and out grows
 * once.
 */
struct wkb_ctx {
	const unsigned char *p; /* the whole value */
	size_t n;		/* its length */
	size_t off;		/* the next byte to read */
	unsigned char *w;	/* where the result goes; NULL: count only */
	size_t wlen;		/* bytes of the result so far */
	uint32_t dims;		/* the outermost's WKB_FLAG_Z | WKB_FLAG_M */
	uint32_t srid;		/* 0: none */
	unsigned base;		/* the outermost's type, 1 to 7 */
	int mysql_in;		/* plain 2D WKB only, the SRID given before */
	int mysql_out;		/* SRID then plain 2D WKB, not EWKB */
	struct err *e;
};

enum {
	WKB_POINT = 1,
	WKB_LINESTRING,
	WKB_POLYGON,
	WKB_MULTIPOINT,
	WKB_MULTILINESTRING,
	WKB_MULTIPOLYGON,
	WKB_COLLECTION,
};

#define WKB_FLAG_DIMS (WKB_FLAG_Z | WKB_FLAG_M)
#define WKB_FLAGS (WKB_FLAG_Z | WKB_FLAG_M | WKB_FLAG_SRID)

static const char *const type_names[] = {
	NULL,	      "Point",		 "LineString",	 "Polygon",
	"MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection",
};

/* indexed by dims >> 30: M is bit 30, Z bit 31 */
static const char *const dims_names[] = { "XY", "XYM", "XYZ", "XYZM" };

static uint32_t get_u32(const unsigned char *q, int le)
{
	if (le)
		return (uint32_t)q[0] | (uint32_t)q[1] << 8 |
		       (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
	return (uint32_t)q[3] | (uint32_t)q[2] << 8 | (uint32_t)q[1] << 16 |
	       (uint32_t)q[0] << 24;
}

static void put(struct wkb_ctx *c, const void *s, size_t k)
{
	if (c->w)
		memcpy(c->w + c->wlen, s, k);
	c->wlen += k;
}

static void put_u32(struct wkb_ctx *c, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	put(c, b, 4);
}

static void put_header(struct wkb_ctx *c, uint32_t type)
{
	unsigned char one = 1;

	put(c, &one, 1);
	put_u32(c, type);
}

/* The doubles of one point: 2, and one more for each of Z and M. */
static size_t coords_per_point(const struct wkb_ctx *c)
{
	return 2 + !!(c->dims & WKB_FLAG_Z) + !!(c->dims & WKB_FLAG_M);
}

static int need(struct wkb_ctx *c, size_t k, const char *what)
{
	if (k > c->n - c->off)
		return err_set(c->e, ERR_STREAM,
			       "geometry: %s at byte %zu runs past the value's "
			       "%zu bytes",
			       what, c->off, c->n);
	return 0;
}

/* count items of at least `each` bytes must fit in what is left: checked
 * before any loop, so a forged count fails at once */
static int need_items(struct wkb_ctx *c, uint32_t count, size_t each,
		      const char *what, const char *item)
{
	if ((uint64_t)count * each > (uint64_t)(c->n - c->off))
		return err_set(c->e, ERR_STREAM,
			       "geometry: %s of %" PRIu32
			       " %s%s at byte %zu runs past the value's %zu "
			       "bytes",
			       what, count, item, count == 1 ? "" : "s", c->off,
			       c->n);
	return 0;
}

static int get_count(struct wkb_ctx *c, int le, uint32_t *count)
{
	if (need(c, 4, "count") < 0)
		return -1;
	*count = get_u32(c->p + c->off, le);
	c->off += 4;
	put_u32(c, *count);
	return 0;
}

/* count points, copied bit for bit; only their byte order changes */
static void copy_points(struct wkb_ctx *c, uint32_t count, int le)
{
	size_t bytes = (size_t)count * coords_per_point(c) * 8;
	const unsigned char *q = c->p + c->off;

	if (le) {
		put(c, q, bytes);
	} else {
		for (size_t i = 0; i < bytes; i += 8) {
			unsigned char d[8];

			for (int j = 0; j < 8; j++)
				d[j] = q[i + 7 - j];
			put(c, d, 8);
		}
	}
	c->off += bytes;
}

/* The base type, Z/M and SRID flag of a type word, EWKB or ISO. */
static int read_type(struct wkb_ctx *c, uint32_t raw, size_t at, unsigned *base,
		     uint32_t *dims, int *has_srid)
{
	uint32_t flags = raw & WKB_FLAGS, code = raw & ~WKB_FLAGS;
	uint32_t iso = code / 1000;

	if (code % 1000 < WKB_POINT || code % 1000 > WKB_COLLECTION || iso > 3)
		return err_set(c->e, ERR_STREAM,
			       "geometry: unknown or unsupported type %" PRIu32
			       " (0x%08" PRIx32 ") at byte %zu",
			       code, raw, at);
	if (iso && (flags & WKB_FLAG_DIMS))
		return err_set(c->e, ERR_STREAM,
			       "geometry: type 0x%08" PRIx32
			       " at byte %zu has both an ISO code and EWKB "
			       "flags for Z and M",
			       raw, at);
	if (c->mysql_in && (flags & WKB_FLAG_SRID))
		return err_set(c->e, ERR_STREAM,
			       "geometry: type 0x%08" PRIx32
			       " at byte %zu has the EWKB SRID flag (MySQL's "
			       "format keeps the SRID before the WKB)",
			       raw, at);
	*dims = (flags & WKB_FLAG_DIMS) | (iso & 1 ? WKB_FLAG_Z : 0) |
		(iso & 2 ? WKB_FLAG_M : 0);
	if (c->mysql_in && *dims)
		return err_set(c->e, ERR_STREAM,
			       "geometry: type 0x%08" PRIx32
			       " at byte %zu is %s, but MySQL's format holds "
			       "2D geometries only",
			       raw, at, dims_names[*dims >> 30]);
	*base = code % 1000;
	*has_srid = !!(flags & WKB_FLAG_SRID);
	return 0;
}

/* The outermost's SRID, and its header written; the output's dimensions
 * are settled here, and every nested geometry must match them. */
static int outer_header(struct wkb_ctx *c, unsigned base, uint32_t dims,
			int has_srid, int le)
{
	if (has_srid) {
		if (need(c, 4, "SRID") < 0)
			return -1;
		c->srid = get_u32(c->p + c->off, le);
		c->off += 4;
	}
	c->dims = dims;
	c->base = base;
	if (c->mysql_out) {
		if (dims)
			return err_set(c->e, ERR_STREAM,
				       "geometry: MySQL holds 2D geometries "
				       "only, this %s is %s",
				       type_names[base],
				       dims_names[dims >> 30]);
		put_u32(c, c->srid);
		put_header(c, base);
		return 0;
	}
	/* SRID 0 is no SRID: the flag goes with the SRID */
	put_header(c, base | dims | (c->srid ? WKB_FLAG_SRID : 0));
	if (c->srid)
		put_u32(c, c->srid);
	return 0;
}

static int nested_header(struct wkb_ctx *c, unsigned base, uint32_t dims,
			 int has_srid, unsigned parent, size_t at)
{
	if (has_srid)
		return err_set(c->e, ERR_STREAM,
			       "geometry: %s at byte %zu inside a %s has an "
			       "SRID (only the outermost geometry may)",
			       type_names[base], at, type_names[parent]);
	if (dims != c->dims)
		return err_set(c->e, ERR_STREAM,
			       "geometry: %s at byte %zu is %s inside an %s "
			       "geometry",
			       type_names[base], at, dims_names[dims >> 30],
			       dims_names[c->dims >> 30]);
	if (parent != WKB_COLLECTION && base != parent - 3)
		return err_set(c->e, ERR_STREAM,
			       "geometry: %s holds a %s at byte %zu (a %s "
			       "holds %ss only)",
			       type_names[parent], type_names[base], at,
			       type_names[parent], type_names[parent - 3]);
	/* in MySQL's output dims is 0: the outermost said so */
	put_header(c, base | dims);
	return 0;
}

static int geom(struct wkb_ctx *c, unsigned depth, unsigned parent);

static int body(struct wkb_ctx *c, unsigned base, unsigned depth, int le)
{
	size_t point = coords_per_point(c) * 8;
	uint32_t count, i;

	switch (base) {
	case WKB_POINT:
		if (need(c, point, "Point") < 0)
			return -1;
		copy_points(c, 1, le);
		return 0;
	case WKB_LINESTRING:
		if (get_count(c, le, &count) < 0 ||
		    need_items(c, count, point, "LineString", "point") < 0)
			return -1;
		copy_points(c, count, le);
		return 0;
	case WKB_POLYGON:
		if (get_count(c, le, &count) < 0 ||
		    need_items(c, count, 4, "Polygon", "ring") < 0)
			return -1;
		for (i = 0; i < count; i++) {
			uint32_t np;

			if (get_count(c, le, &np) < 0 ||
			    need_items(c, np, point, "ring", "point") < 0)
				return -1;
			copy_points(c, np, le);
		}
		return 0;
	}
	/* a collection: one level more */
	if (depth >= WKB_MAX_DEPTH)
		return err_set(c->e, ERR_STREAM,
			       "geometry: collections nested deeper than %d "
			       "levels",
			       WKB_MAX_DEPTH);
	if (get_count(c, le, &count) < 0 ||
	    need_items(c, count, base == WKB_MULTIPOINT ? 5 + point : 9,
		       type_names[base], "member") < 0)
		return -1;
	for (i = 0; i < count; i++)
		if (geom(c, depth + 1, base) < 0)
			return -1;
	return 0;
}

/* One geometry at c->off, inside `depth` collections, the innermost of
 * type parent (0 for the outermost geometry). */
static int geom(struct wkb_ctx *c, unsigned depth, unsigned parent)
{
	size_t at = c->off;
	uint32_t dims = 0;
	unsigned base = 0;
	int le, has_srid = 0, rc;

	if (need(c, 5, "geometry header") < 0)
		return -1;
	if (c->p[at] > 1)
		return err_set(c->e, ERR_STREAM,
			       "geometry: byte order %u at byte %zu is neither "
			       "0 (big-endian) nor 1 (little-endian)",
			       c->p[at], at);
	le = c->p[at] == 1;
	c->off += 5;
	if (read_type(c, get_u32(c->p + at + 1, le), at, &base, &dims,
		      &has_srid) < 0)
		return -1;
	if (!parent)
		rc = outer_header(c, base, dims, has_srid, le);
	else
		rc = nested_header(c, base, dims, has_srid, parent, at);
	if (rc < 0)
		return -1;
	return body(c, base, depth, le);
}

/* The whole value is one geometry: nothing before, nothing after. */
static int check(struct wkb_ctx *c)
{
	if (geom(c, 0, 0) < 0)
		return -1;
	if (c->off != c->n)
		return err_set(c->e, ERR_STREAM,
			       "geometry: %zu byte%s after its end at byte %zu",
			       c->n - c->off, c->n - c->off == 1 ? "" : "s",
			       c->off);
	return 0;
}

static int run(struct wkb_ctx *c, struct buf *out)
{
	struct wkb_ctx c2 = *c;
	uintptr_t d = (uintptr_t)out->data, q = (uintptr_t)c->p;
	/* the input in out's own bytes (a caller decoding in place): found
	 * again by its offset should out move as it grows */
	int inside = out->data && q >= d && q < d + out->cap;

	if (inside && (q > d + out->len || c->n > d + out->len - q))
		return err_set(c->e, ERR_SYSTEM,
			       "internal error: geometry read from where it "
			       "is written");
	if (check(c) < 0 || buf_reserve(out, c->wlen, c->e) < 0)
		return -1;
	if (inside)
		c2.p = out->data + (q - d);
	c2.w = out->data + out->len;
	if (check(&c2) < 0 || c2.wlen != c->wlen)
		return err_set(c->e, ERR_SYSTEM,
			       "internal error: geometry written unlike it "
			       "was read");
	out->len += c2.wlen;
	out->data[out->len] = '\0';
	return 0;
}

static void ctx_init(struct wkb_ctx *c, const unsigned char *p, size_t n,
		     struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->n = n;
	c->e = e;
}

int wkb_from_mysql(const unsigned char *p, size_t n, struct buf *out,
		   struct err *e)
{
	struct wkb_ctx c;

	if (n < 4)
		return err_set(e, ERR_STREAM,
			       "geometry: %zu bytes, too short for MySQL's "
			       "format (a 4-byte SRID, then WKB)",
			       n);
	ctx_init(&c, p, n, e);
	c.mysql_in = 1;
	c.srid = get_u32(p, 1);
	c.off = 4;
	return run(&c, out);
}

int wkb_normalize(const unsigned char *p, size_t n, struct buf *out,
		  uint32_t *srid_out, struct err *e)
{
	struct wkb_ctx c;

	if (n == 0)
		return err_set(e, ERR_STREAM, "geometry: empty value");
	ctx_init(&c, p, n, e);
	if (run(&c, out) < 0)
		return -1;
	if (srid_out)
		*srid_out = c.srid;
	return 0;
}

int wkb_to_mysql(const unsigned char *p, size_t n, struct buf *out,
		 struct err *e)
{
	struct wkb_ctx c;

	if (n == 0)
		return err_set(e, ERR_STREAM, "geometry: empty value");
	ctx_init(&c, p, n, e);
	c.mysql_out = 1;
	return run(&c, out);
}

const char *wkb_type_name(const unsigned char *p, size_t n)
{
	struct wkb_ctx c;
	struct err e;

	err_init(&e);
	ctx_init(&c, p, n, &e);
	if (n == 0 || check(&c) < 0)
		return NULL;
	return type_names[c.base];
}

/* ASCII only: a server's type names are, and the locale must not matter */
static int ascii_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* s starts with the lowercase word w, in any case; its length, or 0 */
static size_t starts_with(const char *s, const char *w)
{
	size_t i;

	for (i = 0; w[i]; i++)
		if (ascii_lower((unsigned char)s[i]) != w[i])
			return 0;
	return i;
}

int wkb_is_spatial_type(const char *source_type)
{
	static const char *const words[] = {
		"geometry",	  "point",
		"linestring",	  "polygon",
		"multipoint",	  "multilinestring",
		"multipolygon",	  "geometrycollection",
		"geomcollection",
	};
	const char *s = source_type, *q;
	size_t k;

	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((k = starts_with(s, words[i])) && s[k] == '\0')
			return 1;
	/* PostGIS's typmod: "geometry(Point,4326)", one pair of brackets */
	if (!(k = starts_with(s, "geometry(")))
		return 0;
	q = s + k;
	k = strcspn(q, "()");
	return k > 0 && q[k] == ')' && q[k + 1] == '\0';
}
