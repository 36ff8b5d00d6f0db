#include "stream/stream.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/utf8.h"

static const unsigned char stream_magic[10] = { 0x89, 'F',  'E',  'R',	'R',
						'Y',  '\r', '\n', 0x1a, '\n' };

#define STREAM_MAX_STORED ZSTD_COMPRESSBOUND(STREAM_MAX_FRAME)

static void put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static const char *kind_name(unsigned kind)
{
	switch (kind) {
	case STREAM_FRAME_TABLE_BEGIN: return "table-begin";
	case STREAM_FRAME_ROWS: return "rows";
	case STREAM_FRAME_TABLE_END: return "table-end";
	case STREAM_FRAME_STREAM_END: return "stream-end";
	case STREAM_FRAME_OBJECTS: return "objects";
	case STREAM_FRAME_PREVIEW: return "preview";
	case STREAM_FRAME_FOLLOW: return "follow";
	case STREAM_FRAME_CHANGES: return "changes";
	case STREAM_FRAME_HEARTBEAT: return "heartbeat";
	default: return "unknown";
	}
}

/* The highest watermark of a table so far, kept in a buffer of its own. */
struct wm_max {
	struct buf enc;	  /* the value's binary encoding */
	struct value val; /* decoded view of enc */
	bool has;
};

static void wm_init(struct wm_max *m)
{
	buf_init(&m->enc, STREAM_MAX_FIELD + 16);
	m->has = false;
}

/* Keep row's watermark value when it is the highest so far. */
static int wm_update(struct wm_max *m, const struct schema_table *t,
		     const struct value *row, struct err *e)
{
	const struct value *v;
	const unsigned char *p;
	enum value_type wt;

	if (t->watermark < 0 || row[t->watermark].null)
		return 0;
	wt = t->cols[t->watermark].type;
	v = &row[t->watermark];
	if (m->has && value_compare(wt, v, &m->val) <= 0)
		return 0;
	buf_reset(&m->enc);
	if (value_encode(&m->enc, wt, v, e) < 0)
		return -1;
	p = m->enc.data;
	if (value_decode(&p, p + m->enc.len, wt, STREAM_MAX_FIELD, &m->val, e) <
	    0)
		return -1;
	m->has = true;
	return 0;
}

/* ====================================================================== */
/* writer                                                                 */
/* ====================================================================== */

struct stream_writer {
	FILE *out;
	stream_write_fn section; /* a section writer's output, or NULL */
	void *section_ctx;
	int level;
	size_t batch_bytes;
	ZSTD_CCtx *cctx;
	const struct schema_table *t;
	struct buf batch;   /* raw rows of the batch being built */
	struct buf zbuf;    /* its compressed form */
	struct buf row;	    /* one encoded row */
	struct buf scratch; /* canonical encoding for the digest */
	struct wm_max wm;   /* the highest watermark so far */
	/* large values of the row being added, left where they lie: the
	 * row's encoding in `row` lacks their bytes, which belong at
	 * big[i].at (see w_big_row) */
	struct w_big {
		size_t at;
		const void *p;
		size_t len;
	} * big;
	size_t nbig;
	uint32_t batch_rows;
	struct stream_table_stats st;
	struct stream_totals tot;
	bool in_table;
	bool finished;
	uint64_t bytes; /* written so far */
	/* 2.0 */
	int major;
	int header_pending; /* the stream header is still to be written */
	const struct stream_follow *follow; /* after the follow frame */
	struct buf chg;			    /* changes not yet in a frame */
	uint32_t chg_count;
	bool in_txn;	      /* a frame of this transaction written */
	uint64_t last_order;  /* of the last transaction or heartbeat */
	bool has_order;
};

/* a write or flush of the output failed: why, from errno */
static int w_failed(struct err *e)
{
	if (errno == EPIPE)
		return err_set(e, ERR_PIPE,
			       "the next stage of the pipe is gone");
	return err_set(e, ERR_SYSTEM, "write error: %s", strerror(errno));
}

static int w_write(struct stream_writer *w, const void *p, size_t n,
		   struct err *e)
{
	if (!n)
		return 0;
	if (w->section)
		return w->section(w->section_ctx, p, n) < 0 ? w_failed(e) : 0;
	return fwrite(p, 1, n, w->out) != n ? w_failed(e) : 0;
}

/* The stream header, once: at the writer's start, or (follow -1) before
 * its first frame, once the version is known. */
static int w_header(struct stream_writer *w, struct err *e)
{
	unsigned char h[STREAM_HEADER_SIZE];

	if (!w->header_pending)
		return 0;
	memcpy(h, stream_magic, sizeof(stream_magic));
	h[10] = (unsigned char)w->major;
	h[11] = w->major == STREAM_FOLLOW_MAJOR ? STREAM_FOLLOW_MINOR
						: STREAM_VERSION_MINOR;
	memset(h + 12, 0, 4);
	if (w_write(w, h, sizeof(h), e) < 0)
		return -1;
	w->header_pending = 0;
	return 0;
}

int stream_writer_set_follow(struct stream_writer *w, struct err *e)
{
	if (!w->header_pending)
		return err_set(e, ERR_SYSTEM,
			       "internal error: the stream's version is "
			       "written already");
	w->major = STREAM_FOLLOW_MAJOR;
	return 0;
}

/* Write one frame: the payload raw[0..rawlen), compressed when asked and
 * when that makes it smaller. */
static int w_frame(struct stream_writer *w, unsigned kind, const void *raw,
		   size_t rawlen, uint32_t count, int compress, struct err *e)
{
	unsigned char h[STREAM_FRAME_HEADER_SIZE];
	const void *stored = raw;
	size_t storedlen = rawlen;
	unsigned flags = 0;

	if (w_header(w, e) < 0)
		return -1;

	if (rawlen > STREAM_MAX_FRAME)
		return err_set(e, ERR_STREAM,
			       "%s frame of %zu bytes is over the limit of %u",
			       kind_name(kind), rawlen, STREAM_MAX_FRAME);
	if (compress && w->level > 0 && rawlen > 0) {
		size_t bound = ZSTD_compressBound(rawlen), z;
		buf_reset(&w->zbuf);
		if (buf_reserve(&w->zbuf, bound, e) < 0)
			return -1;
		z = ZSTD_compressCCtx(w->cctx, w->zbuf.data, bound, raw, rawlen,
				      w->level);
		if (ZSTD_isError(z))
			return err_set(e, ERR_SYSTEM, "zstd: %s",
				       ZSTD_getErrorName(z));
		if (z < rawlen) {
			stored = w->zbuf.data;
			storedlen = z;
			flags |= STREAM_FLAG_ZSTD;
		}
	}
	/* readers before 1.3 skip what they do not know */
	if (kind == STREAM_FRAME_OBJECTS || kind == STREAM_FRAME_PREVIEW)
		flags |= STREAM_FLAG_SKIPPABLE;
	h[0] = (unsigned char)kind;
	h[1] = (unsigned char)flags;
	put_u16(h + 2, 0);
	put_u32(h + 4, (uint32_t)storedlen);
	put_u32(h + 8, (uint32_t)rawlen);
	put_u32(h + 12, count);
	put_u64(h + 16, XXH3_64bits(raw, rawlen));
	put_u32(h + 24, (uint32_t)XXH3_64bits(h, 24));
	if (w_write(w, h, sizeof(h), e) < 0 ||
	    w_write(w, stored, storedlen, e) < 0)
		return -1;
	w->tot.frames++;
	w->bytes += sizeof(h) + storedlen;
	if (kind == STREAM_FRAME_ROWS) {
		w->st.batches++;
		w->st.raw_bytes += rawlen;
		w->st.stored_bytes += storedlen;
	}
	return 0;
}

struct stream_writer *stream_writer_new(FILE *out,
					const struct stream_writer_opts *opts,
					struct err *e)
{
	struct stream_writer *w;
	unsigned char h[STREAM_HEADER_SIZE];

	if (opts->level < 0 || opts->level > 19) {
		err_set(e, ERR_USAGE, "compression level %d is not in 0..19",
			opts->level);
		return NULL;
	}
	if (opts->batch_bytes < STREAM_MIN_BATCH ||
	    opts->batch_bytes > STREAM_MAX_BATCH) {
		err_set(e, ERR_USAGE, "batch size %zu is not in %u..%u",
			opts->batch_bytes, STREAM_MIN_BATCH, STREAM_MAX_BATCH);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		err_oom(e);
		return NULL;
	}
	w->out = out;
	w->level = opts->level;
	w->batch_bytes = opts->batch_bytes;
	buf_init(&w->batch, STREAM_MAX_FRAME);
	buf_init(&w->zbuf, ZSTD_COMPRESSBOUND(STREAM_MAX_FRAME));
	buf_init(&w->row, STREAM_MAX_ROW);
	buf_init(&w->scratch, (size_t)STREAM_MAX_ROW * 2 + 65536);
	wm_init(&w->wm);
	if (w->level > 0 && !(w->cctx = ZSTD_createCCtx())) {
		err_oom(e);
		goto fail;
	}
	buf_init(&w->chg, STREAM_MAX_FRAME);
	w->major = opts->follow > 0 ? STREAM_FOLLOW_MAJOR : STREAM_VERSION_MAJOR;
	w->header_pending = 1;
	(void)h;
	if (opts->follow >= 0 && w_header(w, e) < 0)
		goto fail;
	return w;
fail:
	stream_writer_free(w);
	return NULL;
}

struct stream_writer *stream_writer_new_section(
    stream_write_fn fn, void *ctx, const struct stream_writer_opts *opts,
    struct err *e)
{
	struct stream_writer_opts so = *opts;
	struct stream_writer *w;

	so.follow = -1; /* no header yet, and none ever */
	if (!(w = stream_writer_new(NULL, &so, e)))
		return NULL;
	w->section = fn;
	w->section_ctx = ctx;
	w->header_pending = 0;
	return w;
}

const struct stream_totals *stream_writer_totals(const struct stream_writer *w)
{
	return &w->tot;
}

void stream_writer_absorb(struct stream_writer *w,
			  const struct stream_totals *t, uint64_t bytes)
{
	w->tot.tables += t->tables;
	w->tot.rows += t->rows;
	w->tot.frames += t->frames;
	digest_add(&w->tot.digest, &t->digest);
	w->bytes += bytes;
}

void stream_writer_free(struct stream_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	buf_release(&w->batch);
	buf_release(&w->zbuf);
	buf_release(&w->row);
	buf_release(&w->scratch);
	buf_release(&w->wm.enc);
	buf_release(&w->chg);
	free(w->big);
	free(w);
}

int stream_writer_begin_table(struct stream_writer *w,
			      const struct schema_table *t, struct err *e)
{
	char *json;
	int rc;

	if (w->in_table || w->finished || w->follow)
		return err_set(e, ERR_SYSTEM,
			       "internal error: table begun twice");
	if (!(json = schema_table_to_json(t, e)))
		return -1;
	rc = w_frame(w, STREAM_FRAME_TABLE_BEGIN, json, strlen(json), 0, 1, e);
	free(json);
	if (rc < 0)
		return err_prefix(e, "table %s", t->name);
	w->t = t;
	w->in_table = true;
	w->wm.has = false;
	w->batch_rows = 0;
	buf_reset(&w->batch);
	memset(&w->st, 0, sizeof(w->st));
	return 0;
}

static int w_flush_batch(struct stream_writer *w, struct err *e)
{
	int rc;

	if (!w->batch_rows)
		return 0;
	rc = w_frame(w, STREAM_FRAME_ROWS, w->batch.data, w->batch.len,
		     w->batch_rows, 1, e);
	buf_reset(&w->batch);
	w->batch_rows = 0;
	return rc;
}

/* One piece of a frame's payload */
struct w_piece {
	const void *p;
	size_t len;
};

/*
 * Compress pieces[0..n) as one zstd frame, feeding them one by one, and
 * write the output to the stream when `write` is set; the compressed size
 * goes to *z.  Without `write`, stop as soon as the output reaches `stop`
 * bytes (storing the payload raw is then better).  Two calls with the same
 * pieces produce the same bytes: the first measures the size the frame
 * header needs, the second writes, so no compressed copy is kept.
 */
static int w_zstd_pieces(struct stream_writer *w, const struct w_piece *pc,
			 size_t n, size_t rawlen, int write, size_t stop,
			 size_t *z, struct err *e)
{
	size_t outsz = ZSTD_CStreamOutSize(), r;

	*z = 0;
	buf_reset(&w->zbuf);
	if (buf_reserve(&w->zbuf, outsz, e) < 0)
		return -1;
	ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_and_parameters);
	if (ZSTD_isError(r = ZSTD_CCtx_setParameter(
			     w->cctx, ZSTD_c_compressionLevel, w->level)) ||
	    ZSTD_isError(r = ZSTD_CCtx_setPledgedSrcSize(w->cctx, rawlen)))
		return err_set(e, ERR_SYSTEM, "zstd: %s", ZSTD_getErrorName(r));
	for (size_t i = 0; i < n; i++) {
		ZSTD_EndDirective end =
		    i + 1 == n ? ZSTD_e_end : ZSTD_e_continue;
		ZSTD_inBuffer in = { pc[i].p, pc[i].len, 0 };
		do {
			ZSTD_outBuffer out = { w->zbuf.data, outsz, 0 };
			r = ZSTD_compressStream2(w->cctx, &out, &in, end);
			if (ZSTD_isError(r))
				return err_set(e, ERR_SYSTEM, "zstd: %s",
					       ZSTD_getErrorName(r));
			*z += out.pos;
			if (write && w_write(w, out.dst, out.pos, e) < 0)
				return -1;
			if (!write && *z >= stop)
				return 0;
		} while (end == ZSTD_e_end ? r != 0 : in.pos < in.size);
	}
	return 0;
}

/*
 * Write a rows frame holding the one row in w->row and w->big: its large
 * values go from where they lie to the stream (hashed, compressed, written
 * piece by piece), so the writer keeps no copy of them.
 */
static int w_big_row(struct stream_writer *w, struct err *e)
{
	struct w_piece *pc;
	unsigned char h[STREAM_FRAME_HEADER_SIZE];
	XXH3_state_t *st = NULL;
	size_t n = 0, at = 0, rawlen = w->row.len, z = 0, z2;
	unsigned flags = 0;
	int rc = -1;

	if (!(pc = calloc(2 * w->nbig + 1, sizeof(*pc))))
		return err_oom(e);
	for (size_t i = 0; i < w->nbig; i++) {
		pc[n++] =
		    (struct w_piece){ w->row.data + at, w->big[i].at - at };
		pc[n++] = (struct w_piece){ w->big[i].p, w->big[i].len };
		at = w->big[i].at;
		rawlen += w->big[i].len;
	}
	pc[n++] = (struct w_piece){ w->row.data + at, w->row.len - at };
	if (!(st = XXH3_createState())) {
		err_oom(e);
		goto out;
	}
	XXH3_64bits_reset(st);
	for (size_t i = 0; i < n; i++)
		XXH3_64bits_update(st, pc[i].p, pc[i].len);
	if (w->level > 0) {
		if (w_zstd_pieces(w, pc, n, rawlen, 0, rawlen, &z, e) < 0)
			goto out;
		if (z < rawlen)
			flags |= STREAM_FLAG_ZSTD;
	}
	h[0] = STREAM_FRAME_ROWS;
	h[1] = (unsigned char)flags;
	put_u16(h + 2, 0);
	put_u32(h + 4, (uint32_t)(flags ? z : rawlen));
	put_u32(h + 8, (uint32_t)rawlen);
	put_u32(h + 12, 1);
	put_u64(h + 16, XXH3_64bits_digest(st));
	put_u32(h + 24, (uint32_t)XXH3_64bits(h, 24));
	if (w_write(w, h, sizeof(h), e) < 0)
		goto out;
	if (flags) {
		if (w_zstd_pieces(w, pc, n, rawlen, 1, 0, &z2, e) < 0)
			goto out;
		if (z2 != z) {
			err_set(e, ERR_SYSTEM,
				"internal error: zstd gave %zu bytes, then %zu",
				z, z2);
			goto out;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			if (w_write(w, pc[i].p, pc[i].len, e) < 0)
				goto out;
	}
	w->tot.frames++;
	w->bytes += sizeof(h) + (flags ? z : rawlen);
	w->st.batches++;
	w->st.raw_bytes += rawlen;
	w->st.stored_bytes += flags ? z : rawlen;
	rc = 0;
out:
	XXH3_freeState(st);
	free(pc);
	buf_release(&w->zbuf);
	return rc;
}

int stream_writer_add_row(struct stream_writer *w, const struct value *row,
			  struct err *e)
{
	const struct schema_table *t = w->t;
	size_t nb = (t->ncols + 7) / 8, bigbytes = 0;
	unsigned char lenbuf[10];
	struct digest h;
	size_t i;

	if (!w->in_table)
		return err_set(e, ERR_SYSTEM,
			       "internal error: row outside a table");
	buf_reset(&w->row);
	w->nbig = 0;
	if (buf_reserve(&w->row, nb, e) < 0)
		goto fail;
	memset(w->row.data, 0, nb);
	w->row.len = nb;
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const struct value *v = &row[i];

		if (v->null || c->type == VALUE_NULL) {
			if (!v->null) {
				err_set(e, ERR_STREAM,
					"a null column holds a value");
				goto fail_col;
			}
			if (!c->nullable) {
				err_set(
				    e, ERR_STREAM,
				    "NULL in a column that is not nullable");
				goto fail_col;
			}
			w->row.data[i / 8] |= (unsigned char)(1u << (i % 8));
			continue;
		}
		if (value_type_is_bytes(c->type) &&
		    v->v.s.len > STREAM_MAX_FIELD) {
			err_set(e, ERR_STREAM,
				"value of %zu bytes is over the limit of %u",
				v->v.s.len, STREAM_MAX_FIELD);
			goto fail_col;
		}
		if (value_type_is_bytes(c->type) &&
		    w->row.len + bigbytes +
			    value_put_uvarint(lenbuf, v->v.s.len) + v->v.s.len >
			STREAM_MAX_ROW) {
			err_set(e, ERR_STREAM,
				"row is wider than the limit of %u bytes",
				STREAM_MAX_ROW);
			goto fail_col;
		}
		if (value_check(c->type, v, c->labels, c->nlabels, e) < 0)
			goto fail_col;
		if (value_type_is_bytes(c->type) &&
		    v->v.s.len >= STREAM_BIG_VALUE) {
			/* its length now, its bytes where they lie */
			unsigned char len[10];
			if (!w->big &&
			    !(w->big = calloc(STREAM_MAX_ROW / STREAM_BIG_VALUE,
					      sizeof(*w->big)))) {
				err_oom(e);
				goto fail;
			}
			if (buf_add(&w->row, len,
				    value_put_uvarint(len, v->v.s.len), e) < 0)
				goto fail;
			w->big[w->nbig].at = w->row.len;
			w->big[w->nbig].p = v->v.s.p;
			w->big[w->nbig].len = v->v.s.len;
			w->nbig++;
			bigbytes += v->v.s.len;
			continue;
		}
		if (value_encode(&w->row, c->type, v, e) < 0) {
			if (e->class == ERR_STREAM)
				err_set(
				    e, ERR_STREAM,
				    "row is wider than the limit of %u bytes",
				    STREAM_MAX_ROW);
			goto fail_col;
		}
	}
	if (w->row.len + bigbytes > STREAM_MAX_ROW) {
		err_set(e, ERR_STREAM,
			"row is wider than the limit of %u bytes",
			STREAM_MAX_ROW);
		goto fail;
	}
	if (digest_row(t->types, row, t->ncols, &w->scratch, &h, e) < 0)
		goto fail;
	digest_add(&w->st.digest, &h);
	if (wm_update(&w->wm, t, row, e) < 0)
		goto fail;
	if (w->nbig) {
		/* a row of its own, written from where its values lie */
		if (w_flush_batch(w, e) < 0 || w_big_row(w, e) < 0)
			goto fail;
		w->st.rows++;
		return 0;
	}
	if (w->batch_rows && w->batch.len + w->row.len > w->batch_bytes &&
	    w_flush_batch(w, e) < 0)
		goto fail;
	if (buf_add(&w->batch, w->row.data, w->row.len, e) < 0)
		goto fail;
	w->batch_rows++;
	w->st.rows++;
	if (w->batch.len >= w->batch_bytes && w_flush_batch(w, e) < 0)
		goto fail;
	return 0;
fail_col:
	return err_prefix(e, "table %s, row %" PRIu64 ", column %s", t->name,
			  w->st.rows + 1, t->cols[i].name);
fail:
	return err_prefix(e, "table %s, row %" PRIu64, t->name, w->st.rows + 1);
}

int stream_writer_end_table(struct stream_writer *w, struct err *e)
{
	unsigned char fixed[49];
	struct buf p;
	int rc = -1;

	if (!w->in_table)
		return err_set(e, ERR_SYSTEM,
			       "internal error: no table to end");
	if (w_flush_batch(w, e) < 0)
		return err_prefix(e, "table %s", w->t->name);
	buf_init(&p, STREAM_MAX_FIELD + 128);
	put_u64(fixed, w->st.rows);
	put_u64(fixed + 8, w->st.batches);
	put_u64(fixed + 16, w->st.raw_bytes);
	put_u64(fixed + 24, w->st.stored_bytes);
	put_u64(fixed + 32, w->st.digest.lo);
	put_u64(fixed + 40, w->st.digest.hi);
	fixed[48] = w->wm.has ? 1 : 0;
	if (buf_add(&p, fixed, sizeof(fixed), e) < 0 ||
	    (w->wm.has && buf_add(&p, w->wm.enc.data, w->wm.enc.len, e) < 0))
		goto out;
	if (w_frame(w, STREAM_FRAME_TABLE_END, p.data, p.len, 0, 0, e) < 0)
		goto out;
	w->st.has_watermark = w->wm.has;
	w->st.watermark = w->wm.val;
	w->tot.tables++;
	w->tot.rows += w->st.rows;
	digest_add(&w->tot.digest, &w->st.digest);
	w->in_table = false;
	rc = 0;
out:
	buf_release(&p);
	if (rc < 0)
		err_prefix(e, "table %s", w->t->name);
	return rc;
}

uint64_t stream_writer_bytes(const struct stream_writer *w)
{
	return w->bytes;
}

const struct stream_table_stats *stream_writer_last_table(
    const struct stream_writer *w)
{
	return &w->st;
}

int stream_writer_add_objects(struct stream_writer *w,
			      const struct schema_objects *o, struct err *e)
{
	char *j;
	int rc;

	if (w->in_table)
		return err_set(e, ERR_SYSTEM,
			       "internal error: objects inside a table");
	if (!(j = schema_objects_json(o, e)))
		return -1;
	rc = w_frame(w, STREAM_FRAME_OBJECTS, j, strlen(j), 0, 1, e);
	free(j);
	return rc;
}

int stream_writer_add_preview(struct stream_writer *w,
			      const struct schema_table *const *tables,
			      size_t n, struct err *e)
{
	struct buf b;
	int rc = -1;

	if (w->in_table)
		return err_set(e, ERR_SYSTEM,
			       "internal error: a preview inside a table");
	if (n > STREAM_MAX_PREVIEW)
		return 0; /* too many to list: the load checks as it goes */
	buf_init(&b, STREAM_MAX_FRAME);
	if (buf_adds(&b, "{\"tables\":[", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *j = schema_table_to_json(tables[i], e);
		int arc;
		if (!j)
			goto out;
		arc = (i && buf_addc(&b, ',', e) < 0) || buf_adds(&b, j, e) < 0;
		free(j);
		if (arc) {
			/* over the frame's limit: no preview at all */
			rc = e->class == ERR_SYSTEM ? -1 : 0;
			if (rc == 0)
				err_init(e);
			goto out;
		}
	}
	if (buf_adds(&b, "]}", e) < 0)
		goto out;
	rc = w_frame(w, STREAM_FRAME_PREVIEW, b.data, b.len, 0, 1, e);
out:
	buf_release(&b);
	return rc;
}

int stream_writer_flush(struct stream_writer *w, struct err *e)
{
	if (w->section)
		return 0;
	return fflush(w->out) != 0 ? w_failed(e) : 0;
}

/* the follow frame's payload: {"engine", "source", "position":
 * {"order": "N", "text"}, "tables": [schema, ...]} */
static int stream_follow_to_json(const struct stream_follow *f, struct buf *b,
				 struct err *e)
{
	if (buf_adds(b, "{\"engine\":", e) < 0 ||
	    json_add_string(b, f->engine, strlen(f->engine), e) < 0 ||
	    buf_adds(b, ",\"source\":", e) < 0 ||
	    json_add_string(b, f->source, strlen(f->source), e) < 0 ||
	    buf_addf(b, e, ",\"position\":{\"order\":\"%" PRIu64 "\",\"text\":",
		     f->start.order) < 0 ||
	    json_add_string(b, f->start.text, strlen(f->start.text), e) < 0 ||
	    buf_adds(b, "},\"tables\":[", e) < 0)
		return -1;
	for (size_t i = 0; i < f->ntables; i++) {
		char *j = schema_table_to_json(f->tables[i], e);
		int bad;
		if (!j)
			return -1;
		bad = (i && buf_addc(b, ',', e) < 0) || buf_adds(b, j, e) < 0;
		free(j);
		if (bad)
			return -1;
	}
	return buf_adds(b, "]}", e);
}

int stream_writer_begin_follow(struct stream_writer *w,
			       const struct stream_follow *f, struct err *e)
{
	struct buf b;
	int rc = -1;

	if (w->major != STREAM_FOLLOW_MAJOR || w->in_table || w->follow ||
	    w->finished)
		return err_set(e, ERR_SYSTEM,
			       "internal error: follow frame out of place");
	buf_init(&b, STREAM_MAX_FRAME);
	if (stream_follow_to_json(f, &b, e) < 0)
		goto out;
	rc = w_frame(w, STREAM_FRAME_FOLLOW, b.data, b.len, 0, 1, e);
	w->follow = f;
	w->last_order = f->start.order;
	w->has_order = true;
out:
	buf_release(&b);
	return rc;
}

/* A row of t into out: the null bitmap (with the unchanged columns set
 * too) and the values, each checked. */
static int w_change_row(struct stream_writer *w, const struct schema_table *t,
			const struct value *row, const unsigned char *unchanged,
			struct buf *out, struct err *e)
{
	size_t nb = (t->ncols + 7) / 8, at = out->len;

	(void)w;
	if (buf_reserve(out, nb, e) < 0)
		return -1;
	memset(out->data + at, 0, nb);
	out->len += nb;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const struct value *v = &row[i];
		int same = unchanged && (unchanged[i / 8] >> (i % 8) & 1);

		if (same || v->null || c->type == VALUE_NULL) {
			if (!same && !v->null) {
				err_set(e, ERR_STREAM,
					"a null column holds a value");
				return err_prefix(e, "column %s", c->name);
			}
			if (!same && !c->nullable) {
				err_set(e, ERR_STREAM,
					"NULL in a column that is not nullable");
				return err_prefix(e, "column %s", c->name);
			}
			out->data[at + i / 8] |= (unsigned char)(1u << (i % 8));
			continue;
		}
		if (value_check(c->type, v, c->labels, c->nlabels, e) < 0 ||
		    value_encode(out, c->type, v, e) < 0)
			return err_prefix(e, "column %s", c->name);
	}
	if (unchanged && t->ncols % 8 && unchanged[nb - 1] >> (t->ncols % 8))
		return err_set(e, ERR_SYSTEM,
			       "internal error: unchanged bits past the row");
	return 0;
}

/* key values of t (npk of them, none NULL) into out */
static int w_change_key(const struct schema_table *t, const struct value *key,
			struct buf *out, struct err *e)
{
	for (size_t k = 0; k < t->npk; k++) {
		const struct schema_column *c = &t->cols[t->pk[k]];
		if (key[k].null) {
			err_set(e, ERR_STREAM, "a key column is NULL");
			return err_prefix(e, "column %s", c->name);
		}
		if (value_check(c->type, &key[k], c->labels, c->nlabels, e) <
			0 ||
		    value_encode(out, c->type, &key[k], e) < 0)
			return err_prefix(e, "column %s", c->name);
	}
	return 0;
}

/* Write the changes gathered so far as a frame; `pos` set: the last of
 * the transaction */
static int w_changes_frame(struct stream_writer *w,
			   const struct stream_position *pos, int64_t time_us,
			   struct err *e)
{
	unsigned char h[1 + 10 + 10 + 10];
	size_t n = 0, tl = pos ? strlen(pos->text) : 0;
	int rc;

	h[n++] = pos ? 1 : 0;
	if (pos) {
		n += value_put_uvarint(h + n, pos->order);
		n += value_put_uvarint(h + n, tl);
	}
	buf_reset(&w->batch);
	if (buf_add(&w->batch, h, n, e) < 0 ||
	    (pos && buf_add(&w->batch, pos->text, tl, e) < 0))
		return -1;
	if (pos) {
		n = value_put_uvarint(h, value_zigzag(time_us));
		if (buf_add(&w->batch, h, n, e) < 0)
			return -1;
	}
	if (buf_add(&w->batch, w->chg.data, w->chg.len, e) < 0)
		return -1;
	rc = w_frame(w, STREAM_FRAME_CHANGES, w->batch.data, w->batch.len,
		     w->chg_count, 1, e);
	buf_reset(&w->batch);
	buf_reset(&w->chg);
	w->chg_count = 0;
	w->in_txn = !pos;
	return rc;
}

int stream_writer_change(struct stream_writer *w,
			 const struct stream_change *c, struct err *e)
{
	const struct schema_table *t;
	unsigned char h[12];
	size_t at, n = 0;

	if (!w->follow || c->table >= w->follow->ntables)
		return err_set(e, ERR_SYSTEM,
			       "internal error: change outside following");
	t = w->follow->tables[c->table];
	at = w->chg.len;
	h[n++] = (unsigned char)c->op;
	n += value_put_uvarint(h + n, c->table);
	if (buf_add(&w->chg, h, n, e) < 0)
		return -1;
	switch (c->op) {
	case STREAM_CHANGE_INSERT:
		if (w_change_row(w, t, c->row, NULL, &w->chg, e) < 0)
			goto fail;
		break;
	case STREAM_CHANGE_UPDATE:
		h[0] = c->old_key ? 1 : 0;
		if (buf_add(&w->chg, h, 1, e) < 0 ||
		    (c->old_key && w_change_key(t, c->old_key, &w->chg, e) < 0))
			goto fail;
		if (c->unchanged) {
			if (buf_add(&w->chg, c->unchanged, (t->ncols + 7) / 8,
				    e) < 0)
				goto fail;
		} else {
			size_t nb = (t->ncols + 7) / 8;
			if (buf_reserve(&w->chg, nb, e) < 0)
				goto fail;
			memset(w->chg.data + w->chg.len, 0, nb);
			w->chg.len += nb;
		}
		if (w_change_row(w, t, c->row, c->unchanged, &w->chg, e) < 0)
			goto fail;
		break;
	case STREAM_CHANGE_DELETE:
		if (w_change_key(t, c->key, &w->chg, e) < 0)
			goto fail;
		break;
	default:
		return err_set(e, ERR_SYSTEM, "internal error: change kind");
	}
	if (w->chg.len - at > STREAM_MAX_ROW) {
		err_set(e, ERR_STREAM, "change is wider than the limit of %u "
				       "bytes",
			STREAM_MAX_ROW);
		goto fail;
	}
	w->chg_count++;
	w->tot.changes++;
	/* a full batch goes out as a frame of the transaction; the one
	 * change that made it full waits for the next */
	if (w->chg_count > 1 &&
	    (w->chg.len > w->batch_bytes || w->chg_count >= STREAM_MAX_CHANGES)) {
		struct buf keep;
		int rc;
		buf_init(&keep, STREAM_MAX_FRAME);
		if (buf_add(&keep, w->chg.data + at, w->chg.len - at, e) < 0) {
			buf_release(&keep);
			return -1;
		}
		buf_cut(&w->chg, at);
		w->chg_count--;
		rc = w_changes_frame(w, NULL, 0, e);
		if (rc == 0 && buf_add(&w->chg, keep.data, keep.len, e) < 0)
			rc = -1;
		buf_release(&keep);
		if (rc < 0)
			return -1;
		w->chg_count = 1;
	}
	return 0;
fail:
	buf_cut(&w->chg, at);
	return err_prefix(e, "table %s, %s", t->name,
			  c->op == STREAM_CHANGE_INSERT   ? "insert"
			  : c->op == STREAM_CHANGE_UPDATE ? "update"
							  : "delete");
}

static int w_check_position(struct stream_writer *w,
			    const struct stream_position *pos, int strict,
			    struct err *e)
{
	if (!w->follow)
		return err_set(e, ERR_SYSTEM,
			       "internal error: position outside following");
	if (strlen(pos->text) == 0 || strlen(pos->text) > STREAM_MAX_POSITION)
		return err_set(e, ERR_SYSTEM, "internal error: position text");
	if (w->has_order && (pos->order < w->last_order ||
			     (strict && pos->order == w->last_order)))
		return err_set(e, ERR_STREAM,
			       "source position %s goes back (after %" PRIu64
			       ")",
			       pos->text, w->last_order);
	return 0;
}

int stream_writer_commit(struct stream_writer *w,
			 const struct stream_position *pos, int64_t time_us,
			 struct err *e)
{
	if (!w->chg_count && !w->in_txn)
		return 0;
	if (w_check_position(w, pos, 1, e) < 0 ||
	    w_changes_frame(w, pos, time_us, e) < 0)
		return -1;
	w->last_order = pos->order;
	w->has_order = true;
	w->tot.transactions++;
	return 0;
}

int stream_writer_discard(struct stream_writer *w)
{
	if (w->in_txn)
		return 0;
	w->tot.changes -= w->chg_count;
	buf_reset(&w->chg);
	w->chg_count = 0;
	return 1;
}

int stream_writer_heartbeat(struct stream_writer *w,
			    const struct stream_position *pos, int64_t time_us,
			    struct err *e)
{
	unsigned char h[30];
	size_t n = 0, tl = strlen(pos->text);
	struct buf b;
	int rc = -1;

	if (w->chg_count || w->in_txn)
		return err_set(e, ERR_SYSTEM,
			       "internal error: heartbeat inside a transaction");
	if (w_check_position(w, pos, 0, e) < 0)
		return -1;
	buf_init(&b, 1024);
	n += value_put_uvarint(h + n, pos->order);
	n += value_put_uvarint(h + n, tl);
	if (buf_add(&b, h, n, e) < 0 || buf_add(&b, pos->text, tl, e) < 0)
		goto out;
	n = value_put_uvarint(h, value_zigzag(time_us));
	if (buf_add(&b, h, n, e) < 0)
		goto out;
	rc = w_frame(w, STREAM_FRAME_HEARTBEAT, b.data, b.len, 0, 0, e);
	w->last_order = pos->order;
	w->has_order = true;
out:
	buf_release(&b);
	return rc;
}

int stream_writer_finish(struct stream_writer *w, struct err *e)
{
	unsigned char p[56];

	if (w->in_table || w->chg_count || w->in_txn || w->section)
		return err_set(e, ERR_SYSTEM,
			       "internal error: stream ended inside a table "
			       "or transaction, or by a section writer");
	put_u64(p, w->tot.tables);
	put_u64(p + 8, w->tot.rows);
	put_u64(p + 16, w->tot.frames);
	put_u64(p + 24, w->tot.digest.lo);
	put_u64(p + 32, w->tot.digest.hi);
	put_u64(p + 40, w->tot.transactions);
	put_u64(p + 48, w->tot.changes);
	if (w_frame(w, STREAM_FRAME_STREAM_END, p,
		    w->major == STREAM_FOLLOW_MAJOR ? 56 : 40, 0, 0, e) < 0)
		return -1;
	w->finished = true;
	return stream_writer_flush(w, e);
}

/* ====================================================================== */
/* reader                                                                 */
/* ====================================================================== */

enum r_state {
	R_START,    /* expecting a stream header */
	R_BETWEEN,  /* expecting table-begin or stream-end */
	R_IN_TABLE, /* expecting rows or table-end */
	R_FOLLOW,   /* 2.0, after the follow frame: changes, heartbeats,
		     * stream-end */
	R_END,	    /* stream-end read; expecting EOF or another header */
	R_DONE,	    /* EOF after a stream end */
};

struct stream_reader {
	FILE *in;
	char *name;
	uint64_t off;
	enum r_state state;
	ZSTD_DCtx *dctx;
	struct buf stored;
	struct buf raw;
	struct buf scratch;
	/* current frame */
	unsigned kind, flags;
	uint32_t count;
	uint64_t frame_off;
	/* current table */
	struct schema_table *t;
	struct value *row;
	const unsigned char *rp, *rend; /* rows left in the current batch */
	uint32_t batch_left;
	uint64_t batch_no;
	bool in_batch; /* messages name the batch */
	uint64_t row_no;
	struct stream_table_stats seen; /* counted while reading */
	struct stream_table_stats told; /* as the table-end frame says */
	struct wm_max wm;		/* highest watermark seen */
	struct stream_totals tot_seen;
	struct stream_totals tot_told;
	uint64_t skipped;
	struct schema_objects objects; /* of every objects frame read */
	struct schema_table **preview; /* of the last preview frame */
	size_t npreview;
	struct err *e; /* of the call in progress */
	/* 2.0 */
	unsigned major; /* of the stream being read */
	struct stream_follow follow;
	char *f_engine, *f_source;
	struct schema_table **f_tables;
	size_t f_ntables;
	bool has_follow;
	bool c_last;	      /* the changes frame being read ends its txn */
	bool c_commit;	      /* ... and its commit is still to be told */
	bool in_txn;	      /* a changes frame of the txn was read */
	uint64_t last_order;  /* of the last transaction or heartbeat */
	uint64_t txn_no;      /* transactions begun */
	uint64_t change_no;   /* of the transaction */
	struct stream_position c_pos, hb_pos;
	int64_t c_time;
	struct value *c_row, *c_key, *c_old;
	unsigned char *c_unch;
	size_t c_maxcols, c_maxkey;
};

/*
 * Fill r->e as ERR_STREAM: "byte N: [table T, [batch B, ]]what".  `at` is
 * the offset of the frame (or header) at fault.
 */
static int r_fail(struct stream_reader *r, uint64_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int r_fail(struct stream_reader *r, uint64_t at, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->state == R_IN_TABLE && r->in_batch)
		return err_set(r->e, ERR_STREAM,
			       "byte %" PRIu64 ": table %s, batch %" PRIu64
			       ": %s",
			       at, r->t->name, r->batch_no, msg);
	if (r->state == R_IN_TABLE)
		return err_set(r->e, ERR_STREAM,
			       "byte %" PRIu64 ": table %s: %s", at, r->t->name,
			       msg);
	return err_set(r->e, ERR_STREAM, "byte %" PRIu64 ": %s", at, msg);
}

struct stream_reader *stream_reader_new(FILE *in, const char *name,
					struct err *e)
{
	struct stream_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->name = strdup(name))) {
		free(r);
		err_oom(e);
		return NULL;
	}
	r->in = in;
	buf_init(&r->stored, STREAM_MAX_STORED);
	buf_init(&r->raw, STREAM_MAX_FRAME);
	buf_init(&r->scratch, (size_t)STREAM_MAX_ROW * 2 + 65536);
	wm_init(&r->wm);
	if (!(r->dctx = ZSTD_createDCtx())) {
		stream_reader_free(r);
		err_oom(e);
		return NULL;
	}
	return r;
}

static void r_preview_free(struct stream_reader *r);
static void r_follow_free(struct stream_reader *r);

void stream_reader_free(struct stream_reader *r)
{
	if (!r)
		return;
	ZSTD_freeDCtx(r->dctx);
	buf_release(&r->stored);
	buf_release(&r->raw);
	buf_release(&r->scratch);
	buf_release(&r->wm.enc);
	schema_table_free(r->t);
	schema_objects_release(&r->objects);
	r_preview_free(r);
	r_follow_free(r);
	free(r->row);
	free(r->name);
	free(r);
}

uint64_t stream_reader_offset(const struct stream_reader *r)
{
	return r->off;
}

uint64_t stream_reader_row_number(const struct stream_reader *r)
{
	return r->row_no;
}

const struct schema_objects *stream_reader_objects(
    const struct stream_reader *r)
{
	return &r->objects;
}

uint64_t stream_reader_skipped_frames(const struct stream_reader *r)
{
	return r->skipped;
}

const struct stream_table_stats *stream_reader_table_stats(
    const struct stream_reader *r)
{
	return &r->seen;
}

const struct stream_totals *stream_reader_totals(const struct stream_reader *r)
{
	return &r->tot_seen;
}

/* Read up to n bytes; *got is what was read.  -1 only on an I/O error. */
static int r_read(struct stream_reader *r, void *p, size_t n, size_t *got)
{
	*got = n ? fread(p, 1, n, r->in) : 0;
	r->off += *got;
	if (*got < n && ferror(r->in))
		return err_set(r->e, ERR_SYSTEM,
			       "read error at byte %" PRIu64 ": %s", r->off,
			       strerror(errno));
	return 0;
}

/* The payload of the current frame, after r_frame returned 1 */
struct payload {
	const unsigned char *p;
	size_t len;
	uint32_t stored_len;
};

/* buffers up to this size are kept from frame to frame; a large frame is
 * decompressed as it is read, R_CHUNK stored bytes at a time */
#define R_KEEP (4u << 20)
#define R_CHUNK (1u << 20)

static int r_truncated(struct stream_reader *r, size_t got, uint32_t stored_len)
{
	return r_fail(r, r->frame_off,
		      "truncated stream: ends inside the payload of a %s frame "
		      "(%zu of %" PRIu32 " bytes)",
		      kind_name(r->kind), got, stored_len);
}

/*
 * Decompress the stored payload of the current frame into r->raw (room for
 * raw_len bytes reserved) while reading it, so the stored copy of a large
 * frame is never held whole.  The same checks as for a small frame:
 * exactly one zstd frame, exactly raw_len bytes.
 */
static int r_inflate(struct stream_reader *r, uint32_t stored_len,
		     uint32_t raw_len)
{
	ZSTD_outBuffer out = { r->raw.data, raw_len, 0 };
	size_t left = stored_len, got, ret = 1;

	buf_reset(&r->stored);
	if (buf_reserve(&r->stored, R_CHUNK, r->e) < 0)
		return -1;
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	while (left) {
		size_t want = left < R_CHUNK ? left : R_CHUNK;
		ZSTD_inBuffer in;

		if (r_read(r, r->stored.data, want, &got) < 0)
			return -1;
		if (got < want)
			return r_truncated(r, stored_len - left + got,
					   stored_len);
		left -= got;
		in = (ZSTD_inBuffer){ r->stored.data, got, 0 };
		while (in.pos < in.size) {
			size_t ipos = in.pos, opos = out.pos;
			if (ret == 0)
				return r_fail(r, r->frame_off,
					      "compressed payload is not "
					      "exactly one zstd frame");
			ret = ZSTD_decompressStream(r->dctx, &out, &in);
			if (ZSTD_isError(ret))
				return r_fail(
				    r, r->frame_off,
				    "corrupt compressed payload (zstd: %s)",
				    ZSTD_getErrorName(ret));
			if (ret && in.pos == ipos && out.pos == opos)
				return r_fail(r, r->frame_off,
					      "compressed payload holds more "
					      "than the %" PRIu32
					      " bytes the header says",
					      raw_len);
		}
	}
	/* the last bytes may still be in the decoder */
	while (ret != 0) {
		ZSTD_inBuffer in = { NULL, 0, 0 };
		size_t opos = out.pos;
		ret = ZSTD_decompressStream(r->dctx, &out, &in);
		if (ZSTD_isError(ret))
			return r_fail(r, r->frame_off,
				      "corrupt compressed payload (zstd: %s)",
				      ZSTD_getErrorName(ret));
		if (ret && out.pos == opos)
			return r_fail(r, r->frame_off,
				      "compressed payload is not exactly one "
				      "zstd frame");
	}
	if (out.pos != raw_len)
		return r_fail(
		    r, r->frame_off,
		    "compressed payload holds %zu bytes, header says %" PRIu32,
		    out.pos, raw_len);
	buf_release(&r->stored);
	return 0;
}

/*
 * Read the next frame header and payload and check both.  1 with the
 * payload in *pl, 0 at a clean end of input (no byte read), -1 on error.
 */
static int r_frame(struct stream_reader *r, struct payload *pl)
{
	unsigned char h[STREAM_FRAME_HEADER_SIZE];
	uint32_t stored_len, raw_len;
	uint64_t sum;
	size_t got;

	r->frame_off = r->off;
	r->in_batch = false;
	if (r_read(r, h, sizeof(h), &got) < 0)
		return -1;
	if (got == 0)
		return 0;
	if (got < sizeof(h))
		return r_fail(
		    r, r->frame_off,
		    "truncated stream: ends inside a frame header (%zu of %d bytes)",
		    got, STREAM_FRAME_HEADER_SIZE);
	if ((uint32_t)XXH3_64bits(h, 24) != get_u32(h + 24))
		return r_fail(r, r->frame_off,
			      "frame header checksum mismatch");
	r->kind = h[0];
	r->flags = h[1];
	stored_len = get_u32(h + 4);
	raw_len = get_u32(h + 8);
	r->count = get_u32(h + 12);
	sum = get_u64(h + 16);
	r->in_batch = r->state == R_IN_TABLE && r->kind == STREAM_FRAME_ROWS;
	if (r->in_batch)
		r->batch_no++;
	if (r->flags & ~(unsigned)(STREAM_FLAG_SKIPPABLE | STREAM_FLAG_ZSTD))
		return r_fail(r, r->frame_off,
			      "reserved frame flags 0x%02x are set", r->flags);
	if (h[2] || h[3])
		return r_fail(r, r->frame_off,
			      "reserved bytes of a frame header are not zero");
	if (raw_len > STREAM_MAX_FRAME)
		return r_fail(r, r->frame_off,
			      "frame of %" PRIu32
			      " bytes is over the limit of %u",
			      raw_len, STREAM_MAX_FRAME);
	if (stored_len > STREAM_MAX_STORED)
		return r_fail(r, r->frame_off,
			      "stored frame of %" PRIu32
			      " bytes is over the limit of %zu",
			      stored_len, (size_t)STREAM_MAX_STORED);
	if ((r->kind < STREAM_FRAME_TABLE_BEGIN ||
	     r->kind > STREAM_FRAME_STREAM_END) &&
	    !(r->major == STREAM_FOLLOW_MAJOR &&
	      r->kind >= STREAM_FRAME_FOLLOW &&
	      r->kind <= STREAM_FRAME_HEARTBEAT) &&
	    !(r->flags & STREAM_FLAG_SKIPPABLE))
		return r_fail(r, r->frame_off,
			      "unknown frame kind %u (not skippable)", r->kind);
	if (!(r->flags & STREAM_FLAG_ZSTD) && stored_len != raw_len)
		return r_fail(r, r->frame_off,
			      "uncompressed frame with stored length %" PRIu32
			      " and raw length %" PRIu32,
			      stored_len, raw_len);
	/* buffers a large frame grew are given back, not kept for the
	 * small frames that follow */
	if (r->raw.cap > R_KEEP && r->raw.cap / 2 > raw_len)
		buf_release(&r->raw);
	if (r->stored.cap > R_KEEP && r->stored.cap / 2 > stored_len)
		buf_release(&r->stored);
	pl->stored_len = stored_len;
	buf_reset(&r->raw);
	if (buf_reserve(&r->raw, raw_len, r->e) < 0)
		return -1;
	if (!(r->flags & STREAM_FLAG_ZSTD)) {
		if (r_read(r, r->raw.data, stored_len, &got) < 0)
			return -1;
		if (got < stored_len)
			return r_truncated(r, got, stored_len);
	} else if (raw_len > R_KEEP) {
		if (r_inflate(r, stored_len, raw_len) < 0)
			return -1;
	} else {
		size_t z;
		buf_reset(&r->stored);
		if (buf_reserve(&r->stored, stored_len, r->e) < 0)
			return -1;
		if (r_read(r, r->stored.data, stored_len, &got) < 0)
			return -1;
		if (got < stored_len)
			return r_truncated(r, got, stored_len);
		r->stored.len = stored_len;
		/* exactly one zstd frame, nothing after it */
		z = ZSTD_findFrameCompressedSize(r->stored.data, stored_len);
		if (ZSTD_isError(z) || z != stored_len)
			return r_fail(
			    r, r->frame_off,
			    "compressed payload is not exactly one zstd frame");
		z = ZSTD_decompressDCtx(r->dctx, r->raw.data, raw_len,
					r->stored.data, stored_len);
		if (ZSTD_isError(z))
			return r_fail(r, r->frame_off,
				      "corrupt compressed payload (zstd: %s)",
				      ZSTD_getErrorName(z));
		if (z != raw_len)
			return r_fail(
			    r, r->frame_off,
			    "compressed payload holds %zu bytes, header says %" PRIu32,
			    z, raw_len);
	}
	r->raw.len = raw_len;
	pl->p = r->raw.data;
	pl->len = raw_len;
	if (XXH3_64bits(pl->p, pl->len) != sum)
		return r_fail(r, r->frame_off, "payload checksum mismatch");
	return 1;
}

static int r_stream_header(struct stream_reader *r, int first)
{
	unsigned char h[STREAM_HEADER_SIZE];
	uint64_t at = r->off;
	size_t got;

	if (r_read(r, h, sizeof(h), &got) < 0)
		return -1;
	if (got == 0 && first && at == 0)
		return r_fail(r, at, "empty input: not a ferry stream");
	if (got == 0)
		return 0;
	if (got < 10 || memcmp(h, stream_magic, 10) != 0) {
		if (!first)
			return r_fail(
			    r, at, "trailing data after the stream-end frame");
		if (got >= 4 && memcmp(h, stream_magic, 4) == 0)
			return r_fail(
			    r, at,
			    "damaged ferry signature (was the stream converted "
			    "as text, CR LF changed?)");
		if (got >= 4 && get_u32(h) == 0xFD2FB528u)
			return r_fail(
			    r, at,
			    "not a ferry stream: a zstd file (decompress it first)");
		return r_fail(r, at, "not a ferry stream (bad signature)");
	}
	if (got < sizeof(h))
		return r_fail(
		    r, at, "truncated stream: ends inside the stream header");
	if (h[10] != STREAM_VERSION_MAJOR && h[10] != STREAM_FOLLOW_MAJOR)
		return r_fail(
		    r, at,
		    "stream version %u.%u is not supported (this reader "
		    "reads versions %d and %d)",
		    h[10], h[11], STREAM_VERSION_MAJOR, STREAM_FOLLOW_MAJOR);
	r->major = h[10];
	if (h[12] || h[13] || h[14] || h[15])
		return r_fail(
		    r, at, "reserved bytes of the stream header are not zero");
	memset(&r->tot_seen, 0, sizeof(r->tot_seen));
	r->state = R_BETWEEN;
	return 1;
}

static int r_table_begin(struct stream_reader *r, const struct payload *pl)
{
	struct schema_table *t;
	uint64_t at = r->frame_off;

	if (r->count)
		return r_fail(r, at, "table-begin frame with a row count");
	t = schema_table_parse((const char *)pl->p, pl->len, r->e);
	if (!t)
		return err_prefix(r->e, "byte %" PRIu64 ": table-begin frame",
				  at);
	schema_table_free(r->t);
	free(r->row);
	r->t = t;
	r->row = calloc(t->ncols, sizeof(*r->row));
	if (!r->row)
		return err_oom(r->e);
	memset(&r->seen, 0, sizeof(r->seen));
	r->wm.has = false;
	r->batch_no = 0;
	r->in_batch = false;
	r->row_no = 0;
	r->batch_left = 0;
	r->rp = r->rend = NULL;
	r->state = R_IN_TABLE;
	return 0;
}

static int r_stream_end(struct stream_reader *r, const struct payload *pl)
{
	uint64_t at = r->frame_off;
	struct stream_totals told;

	size_t want = r->major == STREAM_FOLLOW_MAJOR ? 56 : 40;

	if (pl->len != want || r->count)
		return r_fail(r, at,
			      "stream-end frame of %zu bytes (expected %zu)",
			      pl->len, want);
	if (r->in_txn || r->c_commit || r->batch_left)
		return r_fail(r, at, "stream-end frame inside a transaction");
	if (want == 56) {
		told.transactions = get_u64(pl->p + 40);
		told.changes = get_u64(pl->p + 48);
		if (told.transactions != r->tot_seen.transactions ||
		    told.changes != r->tot_seen.changes)
			return r_fail(r, at,
				      "stream-end says %" PRIu64
				      " transactions and %" PRIu64
				      " changes, the stream holds %" PRIu64
				      " and %" PRIu64,
				      told.transactions, told.changes,
				      r->tot_seen.transactions,
				      r->tot_seen.changes);
	}
	told.tables = get_u64(pl->p);
	told.rows = get_u64(pl->p + 8);
	told.frames = get_u64(pl->p + 16);
	told.digest.lo = get_u64(pl->p + 24);
	told.digest.hi = get_u64(pl->p + 32);
	if (told.tables != r->tot_seen.tables)
		return r_fail(r, at,
			      "stream-end says %" PRIu64
			      " tables, the stream holds %" PRIu64,
			      told.tables, r->tot_seen.tables);
	if (told.rows != r->tot_seen.rows)
		return r_fail(r, at,
			      "stream-end says %" PRIu64
			      " rows, the stream holds %" PRIu64,
			      told.rows, r->tot_seen.rows);
	if (told.frames != r->tot_seen.frames)
		return r_fail(r, at,
			      "stream-end says %" PRIu64
			      " frames, the stream holds %" PRIu64,
			      told.frames, r->tot_seen.frames);
	if (!digest_equal(&told.digest, &r->tot_seen.digest))
		return r_fail(
		    r, at,
		    "stream-end digest does not match the tables' digests");
	r->state = R_END;
	return 0;
}

/* Decode the table-end frame and check it against what was read. */
static int r_table_end(struct stream_reader *r, const struct payload *pl)
{
	const struct schema_table *t = r->t;
	const unsigned char *p = pl->p, *end = pl->p + pl->len;
	struct stream_table_stats *s = &r->told, *seen = &r->seen;
	uint64_t at = r->frame_off;
	char h1[DIGEST_HEX_LEN + 1], h2[DIGEST_HEX_LEN + 1];

	if (pl->len < 49 || r->count)
		return r_fail(r, at,
			      "table-end frame of %zu bytes is too short",
			      pl->len);
	s->rows = get_u64(p);
	s->batches = get_u64(p + 8);
	s->raw_bytes = get_u64(p + 16);
	s->stored_bytes = get_u64(p + 24);
	s->digest.lo = get_u64(p + 32);
	s->digest.hi = get_u64(p + 40);
	if (p[48] > 1)
		return r_fail(r, at, "table-end frame: bad watermark flag %u",
			      p[48]);
	s->has_watermark = p[48] == 1;
	p += 49;
	if (s->has_watermark) {
		if (t->watermark < 0)
			return r_fail(
			    r, at,
			    "table-end frame has a watermark, the table has no watermark column");
		const struct schema_column *wc = &t->cols[t->watermark];
		if (value_decode(&p, end, wc->type, STREAM_MAX_FIELD,
				 &s->watermark, r->e) < 0 ||
		    value_check(wc->type, &s->watermark, wc->labels,
				wc->nlabels, r->e) < 0)
			return err_prefix(r->e,
					  "byte %" PRIu64
					  ": table %s: table-end watermark",
					  at, t->name);
	}
	if (p != end)
		return r_fail(r, at,
			      "table-end frame has %zu bytes past its end",
			      (size_t)(end - p));
	if (s->rows != seen->rows)
		return r_fail(r, at,
			      "table-end says %" PRIu64
			      " rows, the stream holds %" PRIu64,
			      s->rows, seen->rows);
	if (s->batches != seen->batches)
		return r_fail(r, at,
			      "table-end says %" PRIu64
			      " batches, the stream holds %" PRIu64,
			      s->batches, seen->batches);
	if (s->raw_bytes != seen->raw_bytes ||
	    s->stored_bytes != seen->stored_bytes)
		return r_fail(r, at,
			      "table-end byte counts do not match the batches");
	if (!digest_equal(&s->digest, &seen->digest)) {
		digest_hex(&s->digest, h1);
		digest_hex(&seen->digest, h2);
		return r_fail(
		    r, at,
		    "digest mismatch: table-end says %s, the rows give %s", h1,
		    h2);
	}
	if (s->has_watermark != seen->has_watermark ||
	    (s->has_watermark &&
	     value_compare(t->cols[t->watermark].type, &s->watermark,
			   &seen->watermark) != 0))
		return r_fail(
		    r, at, "table-end watermark is not the highest value read");
	r->tot_seen.tables++;
	r->tot_seen.rows += seen->rows;
	digest_add(&r->tot_seen.digest, &seen->digest);
	r->state = R_BETWEEN;
	return 0;
}

/* An objects frame, outside a table: its objects join the others. */
static int r_objects(struct stream_reader *r, const struct payload *pl)
{
	if (r->count)
		return r_fail(r, r->frame_off,
			      "objects frame with count %" PRIu32
			      " (must be 0)",
			      r->count);
	if (schema_objects_parse(&r->objects, (const char *)pl->p, pl->len,
				 r->e) < 0)
		return err_prefix(r->e, "byte %" PRIu64 ": objects frame",
				  r->frame_off);
	return 0;
}

static void r_preview_free(struct stream_reader *r)
{
	for (size_t i = 0; i < r->npreview; i++)
		schema_table_free(r->preview[i]);
	free(r->preview);
	r->preview = NULL;
	r->npreview = 0;
}

/* A preview frame, outside a table: the schemas of the tables to come. */
static int r_preview(struct stream_reader *r, const struct payload *pl)
{
	struct json_node *j;
	const struct json_node *arr;
	int rc = -1;

	if (r->count)
		return r_fail(r, r->frame_off,
			      "preview frame with count %" PRIu32
			      " (must be 0)",
			      r->count);
	r_preview_free(r);
	if (!(j = json_parse((const char *)pl->p, pl->len, r->e)))
		goto bad;
	arr = j->kind == JSON_OBJECT ? json_get(j, "tables") : NULL;
	if (json_check_strict(j, r->e) < 0)
		goto bad;
	if (!arr || arr->kind != JSON_ARRAY || arr->n > STREAM_MAX_PREVIEW) {
		err_set(r->e, ERR_STREAM,
			"must be an object with an array \"tables\" of at "
			"most %d",
			STREAM_MAX_PREVIEW);
		goto bad;
	}
	if (!(r->preview = calloc(arr->n + 1, sizeof(*r->preview)))) {
		err_oom(r->e);
		goto out;
	}
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_node *x = &arr->kids[i];
		if (!(r->preview[i] =
			  schema_table_parse(x->raw, x->rawlen, r->e))) {
			err_prefix(r->e, "tables[%zu]", i);
			goto bad;
		}
		r->npreview++;
	}
	rc = 0;
	goto out;
bad:
	r_preview_free(r);
	err_prefix(r->e, "byte %" PRIu64 ": preview frame", r->frame_off);
out:
	json_free(j);
	return rc;
}

size_t stream_reader_preview(const struct stream_reader *r,
			     const struct schema_table *const **tables)
{
	*tables = (const struct schema_table *const *)r->preview;
	return r->npreview;
}

/* Handle a frame that is not the one expected here. */
static int r_other_frame(struct stream_reader *r, const char *where)
{
	if ((r->kind >= STREAM_FRAME_TABLE_BEGIN &&
	     r->kind <= STREAM_FRAME_PREVIEW) ||
	    (r->major == STREAM_FOLLOW_MAJOR &&
	     r->kind >= STREAM_FRAME_FOLLOW &&
	     r->kind <= STREAM_FRAME_HEARTBEAT))
		return r_fail(r, r->frame_off, "unexpected %s frame %s",
			      kind_name(r->kind), where);
	if (r->flags & STREAM_FLAG_SKIPPABLE) {
		r->skipped++;
		return 0;
	}
	return r_fail(r, r->frame_off, "unknown frame kind %u (not skippable)",
		      r->kind);
}

static int r_decode_row(struct stream_reader *r)
{
	const struct schema_table *t = r->t;
	size_t nb = (t->ncols + 7) / 8;
	const unsigned char *start = r->rp, *bm = r->rp;
	uint64_t at = r->frame_off;
	size_t i;

	r->row_no++;
	if ((size_t)(r->rend - r->rp) < nb)
		return r_fail(r, at,
			      "row %" PRIu64 ": runs past the end of its batch",
			      r->row_no);
	if (t->ncols % 8 && (bm[nb - 1] >> (t->ncols % 8)))
		return r_fail(r, at,
			      "row %" PRIu64
			      ": null bitmap has bits past the last column",
			      r->row_no);
	r->rp += nb;
	for (i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		struct value *v = &r->row[i];

		if (bm[i / 8] >> (i % 8) & 1) {
			if (!c->nullable)
				return r_fail(
				    r, at,
				    "row %" PRIu64
				    ", column %s: NULL in a column that is not nullable",
				    r->row_no, c->name);
			v->null = true;
			continue;
		}
		if (c->type == VALUE_NULL)
			return r_fail(
			    r, at,
			    "row %" PRIu64
			    ", column %s: a null column holds a value",
			    r->row_no, c->name);
		if (value_decode(&r->rp, r->rend, c->type, STREAM_MAX_FIELD, v,
				 r->e) < 0 ||
		    (c->type != VALUE_JSON &&
		     value_check(c->type, v, c->labels, c->nlabels, r->e) < 0))
			goto col_fail;
	}
	if ((size_t)(r->rp - start) > STREAM_MAX_ROW)
		return r_fail(r, at,
			      "row %" PRIu64
			      " is wider than the limit of %u bytes",
			      r->row_no, STREAM_MAX_ROW);
	return 0;
col_fail:
	if (r->e->class != ERR_STREAM)
		return -1;
	return err_prefix(r->e,
			  "byte %" PRIu64 ": table %s, batch %" PRIu64
			  ", row %" PRIu64 ", column %s",
			  at, t->name, r->batch_no, r->row_no, t->cols[i].name);
}

int stream_reader_next_row(struct stream_reader *r, const struct value **row,
			   struct err *e)
{
	const struct schema_table *t = r->t;
	struct payload pl;
	struct digest h;
	int rc;

	r->e = e;
	if (r->state != R_IN_TABLE)
		return 0;
	while (r->batch_left == 0) {
		if (r->rp != r->rend)
			return r_fail(
			    r, r->frame_off,
			    "%zu bytes after the last row of the batch",
			    (size_t)(r->rend - r->rp));
		rc = r_frame(r, &pl);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return r_fail(r, r->off,
				      "truncated stream: ends after %" PRIu64
				      " rows without the table-end frame",
				      r->seen.rows);
		r->tot_seen.frames++;
		if (r->kind == STREAM_FRAME_ROWS) {
			if (r->count == 0)
				return r_fail(r, r->frame_off,
					      "rows frame with no rows");
			if (r->count > pl.len)
				return r_fail(r, r->frame_off,
					      "rows frame says %" PRIu32
					      " rows in %zu bytes",
					      r->count, pl.len);
			r->rp = pl.p;
			r->rend = pl.p + pl.len;
			r->batch_left = r->count;
			r->seen.batches++;
			r->seen.raw_bytes += pl.len;
			r->seen.stored_bytes += pl.stored_len;
		} else if (r->kind == STREAM_FRAME_TABLE_END) {
			r->rp = r->rend = NULL;
			return r_table_end(r, &pl) < 0 ? -1 : 0;
		} else if (r_other_frame(
			       r, "inside a table (no table-end frame)") < 0) {
			return -1;
		}
	}
	if (r_decode_row(r) < 0)
		return -1;
	r->batch_left--;
	r->seen.rows++;
	if (digest_row(t->types, r->row, t->ncols, &r->scratch, &h, e) < 0) {
		if (e->class != ERR_STREAM)
			return -1;
		/* only a json value can fail here: name it */
		for (size_t i = 0; i < t->ncols; i++) {
			const struct value *v = &r->row[i];
			if (t->cols[i].type == VALUE_JSON && !v->null &&
			    json_validate(v->v.s.p, v->v.s.len, e) < 0)
				return err_prefix(
				    e,
				    "byte %" PRIu64 ": table %s, batch %" PRIu64
				    ", row %" PRIu64 ", column %s",
				    r->frame_off, t->name, r->batch_no,
				    r->row_no, t->cols[i].name);
		}
		return -1;
	}
	digest_add(&r->seen.digest, &h);
	if (wm_update(&r->wm, t, r->row, e) < 0)
		return -1;
	r->seen.has_watermark = r->wm.has;
	r->seen.watermark = r->wm.val;
	*row = r->row;
	return 1;
}

/* --- 2.0: following ------------------------------------------------------ */

static void r_follow_free(struct stream_reader *r)
{
	for (size_t i = 0; i < r->f_ntables; i++)
		schema_table_free(r->f_tables[i]);
	free(r->f_tables);
	free(r->f_engine);
	free(r->f_source);
	free(r->c_row);
	free(r->c_key);
	free(r->c_old);
	free(r->c_unch);
	r->f_tables = NULL;
	r->f_ntables = 0;
	r->f_engine = r->f_source = NULL;
	r->c_row = r->c_key = r->c_old = NULL;
	r->c_unch = NULL;
	r->has_follow = false;
}

/* a JSON string member of o: 1 to max bytes of UTF-8, no U+0000 */
static int r_json_text(const struct json_node *o, const char *key, size_t max,
		       char **out, struct err *e)
{
	const struct json_node *n = json_get(o, key);

	if (!n || n->kind != JSON_STRING || n->len == 0 || n->len > max ||
	    memchr(n->str, '\0', n->len))
		return err_set(e, ERR_STREAM,
			       "\"%s\" must be a string of 1 to %zu bytes", key,
			       max);
	if (!(*out = strndup(n->str, n->len)))
		return err_oom(e);
	return 0;
}

static int r_position_text(const char *s, size_t len, struct err *e)
{
	if (len == 0 || len > STREAM_MAX_POSITION || !utf8_valid(s, len))
		return err_set(e, ERR_STREAM,
			       "a position's text must be 1 to %d bytes of "
			       "UTF-8",
			       STREAM_MAX_POSITION);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return err_set(e, ERR_STREAM,
				       "a position's text holds a control "
				       "character");
	return 0;
}

static int r_follow(struct stream_reader *r, const struct payload *pl)
{
	struct json_node *j = NULL;
	const struct json_node *pos, *ord, *arr;
	char *text = NULL, *end;
	size_t maxc = 1, maxk = 1;
	int rc = -1;

	if (r->count || r->has_follow) {
		r_fail(r, r->frame_off, "a second follow frame, or one with "
					"a count");
		return -1;
	}
	r_follow_free(r);
	if (!(j = json_parse((const char *)pl->p, pl->len, r->e)) ||
	    json_check_strict(j, r->e) < 0)
		goto bad;
	if (j->kind != JSON_OBJECT) {
		err_set(r->e, ERR_STREAM, "must be an object");
		goto bad;
	}
	if (r_json_text(j, "engine", 64, &r->f_engine, r->e) < 0 ||
	    r_json_text(j, "source", 4096, &r->f_source, r->e) < 0)
		goto bad;
	pos = json_get(j, "position");
	ord = pos && pos->kind == JSON_OBJECT ? json_get(pos, "order") : NULL;
	if (!ord || ord->kind != JSON_STRING || ord->len == 0 ||
	    ord->len > 20 || r_json_text(pos, "text", STREAM_MAX_POSITION,
					 &text, r->e) < 0 ||
	    r_position_text(text, strlen(text), r->e) < 0) {
		err_set(r->e, ERR_STREAM,
			"\"position\" must be {\"order\": digits, \"text\": "
			"its text}");
		goto bad;
	}
	{
		char digits[24];
		memcpy(digits, ord->str, ord->len);
		digits[ord->len] = '\0';
		errno = 0;
		if (digits[0] < '0' || digits[0] > '9' ||
		    (digits[0] == '0' && ord->len > 1))
			goto bad_order;
		r->follow.start.order = strtoull(digits, &end, 10);
		if (*end || errno)
			goto bad_order;
	}
	snprintf(r->follow.start.text, sizeof(r->follow.start.text), "%s", text);
	arr = json_get(j, "tables");
	if (!arr || arr->kind != JSON_ARRAY || arr->n == 0 ||
	    arr->n > STREAM_MAX_PREVIEW) {
		err_set(r->e, ERR_STREAM,
			"\"tables\" must be an array of 1 to %d tables",
			STREAM_MAX_PREVIEW);
		goto bad;
	}
	if (!(r->f_tables = calloc(arr->n, sizeof(*r->f_tables)))) {
		err_oom(r->e);
		goto out;
	}
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_node *x = &arr->kids[i];
		struct schema_table *t;
		if (!(t = schema_table_parse(x->raw, x->rawlen, r->e))) {
			err_prefix(r->e, "tables[%zu]", i);
			goto bad;
		}
		r->f_tables[r->f_ntables++] = t;
		if (!t->npk) {
			err_set(r->e, ERR_STREAM,
				"tables[%zu] (%s) has no primary key", i,
				t->name);
			goto bad;
		}
		if (t->ncols > maxc)
			maxc = t->ncols;
		if (t->npk > maxk)
			maxk = t->npk;
	}
	if (!(r->c_row = calloc(maxc, sizeof(*r->c_row))) ||
	    !(r->c_unch = calloc((maxc + 7) / 8, 1)) ||
	    !(r->c_key = calloc(maxk, sizeof(*r->c_key))) ||
	    !(r->c_old = calloc(maxk, sizeof(*r->c_old)))) {
		err_oom(r->e);
		goto out;
	}
	r->c_maxcols = maxc;
	r->c_maxkey = maxk;
	r->follow.engine = r->f_engine;
	r->follow.source = r->f_source;
	r->follow.tables = r->f_tables;
	r->follow.ntables = r->f_ntables;
	r->last_order = r->follow.start.order;
	r->has_follow = true;
	r->state = R_FOLLOW;
	rc = 0;
	goto out;
bad_order:
	err_set(r->e, ERR_STREAM, "\"position\": \"order\" must be the digits "
				  "of a 64-bit number");
bad:
	r_follow_free(r);
	err_prefix(r->e, "byte %" PRIu64 ": follow frame", r->frame_off);
out:
	free(text);
	json_free(j);
	return rc;
}

unsigned stream_reader_version(const struct stream_reader *r)
{
	return r->major;
}

const struct stream_follow *stream_reader_follow(const struct stream_reader *r)
{
	return r->has_follow ? &r->follow : NULL;
}

/* the position at the start of a changes (last) or heartbeat frame */
static int r_position(struct stream_reader *r, struct stream_position *pos,
		      int64_t *time_us, int strict)
{
	uint64_t len, zz;

	if (value_get_uvarint(&r->rp, r->rend, &pos->order) < 0 ||
	    value_get_uvarint(&r->rp, r->rend, &len) < 0 ||
	    len > (uint64_t)(r->rend - r->rp))
		return r_fail(r, r->frame_off, "%s frame: bad position",
			      kind_name(r->kind));
	if (r_position_text((const char *)r->rp, (size_t)len, r->e) < 0)
		return err_prefix(r->e, "byte %" PRIu64 ": %s frame",
				  r->frame_off, kind_name(r->kind));
	memcpy(pos->text, r->rp, (size_t)len);
	pos->text[len] = '\0';
	r->rp += len;
	if (value_get_uvarint(&r->rp, r->rend, &zz) < 0)
		return r_fail(r, r->frame_off, "%s frame: bad time",
			      kind_name(r->kind));
	*time_us = value_unzigzag(zz);
	if (pos->order < r->last_order ||
	    (strict && pos->order == r->last_order))
		return r_fail(r, r->frame_off,
			      "%s frame: position %s (%" PRIu64
			      ") is not after %" PRIu64,
			      kind_name(r->kind), pos->text, pos->order,
			      r->last_order);
	return 0;
}

/* values of t into out: a bitmap (NULL or unchanged), then the values;
 * with unch, the unchanged bitmap read before */
static int r_change_row(struct stream_reader *r, const struct schema_table *t,
			const unsigned char *unch, struct value *out)
{
	size_t nb = (t->ncols + 7) / 8;
	const unsigned char *bm = r->rp;

	if ((size_t)(r->rend - r->rp) < nb ||
	    (t->ncols % 8 && (bm[nb - 1] >> (t->ncols % 8))))
		return r_fail(r, r->frame_off, "bad null bitmap");
	r->rp += nb;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		int same = unch && (unch[i / 8] >> (i % 8) & 1);
		if (bm[i / 8] >> (i % 8) & 1) {
			if (!same && !c->nullable)
				return r_fail(r, r->frame_off,
					      "column %s: NULL in a column "
					      "that is not nullable",
					      c->name);
			out[i].null = true;
			continue;
		}
		if (same || c->type == VALUE_NULL)
			return r_fail(r, r->frame_off,
				      "column %s: a value where there is none",
				      c->name);
		if (value_decode(&r->rp, r->rend, c->type, STREAM_MAX_FIELD,
				 &out[i], r->e) < 0 ||
		    value_check(c->type, &out[i], c->labels, c->nlabels,
				r->e) < 0 ||
		    (c->type == VALUE_JSON &&
		     json_validate(out[i].v.s.p, out[i].v.s.len, r->e) < 0))
			return err_prefix(r->e, "byte %" PRIu64 ": column %s",
					  r->frame_off, c->name);
	}
	return 0;
}

static int r_change_key(struct stream_reader *r, const struct schema_table *t,
			struct value *out)
{
	for (size_t k = 0; k < t->npk; k++) {
		const struct schema_column *c = &t->cols[t->pk[k]];
		out[k].null = false;
		if (value_decode(&r->rp, r->rend, c->type, STREAM_MAX_FIELD,
				 &out[k], r->e) < 0 ||
		    value_check(c->type, &out[k], c->labels, c->nlabels,
				r->e) < 0)
			return err_prefix(r->e, "byte %" PRIu64 ": key column %s",
					  r->frame_off, c->name);
	}
	return 0;
}

/* the next change of the frame being read into ev */
static int r_change(struct stream_reader *r, struct stream_event *ev)
{
	struct stream_change *c = &ev->change;
	const struct schema_table *t;
	uint64_t table;
	unsigned op;

	r->change_no++;
	if (r->rp >= r->rend)
		return r_fail(r, r->frame_off, "changes frame cut short");
	op = *r->rp++;
	if (value_get_uvarint(&r->rp, r->rend, &table) < 0 ||
	    table >= r->f_ntables)
		return r_fail(r, r->frame_off,
			      "transaction %" PRIu64 ", change %" PRIu64
			      ": no such table",
			      r->txn_no, r->change_no);
	t = r->f_tables[table];
	memset(c, 0, sizeof(*c));
	c->op = (enum stream_change_op)op;
	c->table = (size_t)table;
	ev->kind = STREAM_EVENT_CHANGE;
	ev->t = t;
	ev->transaction = r->txn_no;
	switch (op) {
	case STREAM_CHANGE_INSERT:
		if (r_change_row(r, t, NULL, r->c_row) < 0)
			goto fail;
		c->row = r->c_row;
		break;
	case STREAM_CHANGE_UPDATE: {
		size_t nb = (t->ncols + 7) / 8;
		int any = 0;
		if (r->rp >= r->rend || *r->rp > 1)
			goto bad;
		if (*r->rp++ == 1) {
			if (r_change_key(r, t, r->c_old) < 0)
				goto fail;
			c->old_key = r->c_old;
		}
		if ((size_t)(r->rend - r->rp) < nb)
			goto bad;
		memcpy(r->c_unch, r->rp, nb);
		r->rp += nb;
		for (size_t i = 0; i < nb; i++)
			any |= r->c_unch[i];
		if (t->ncols % 8 && r->c_unch[nb - 1] >> (t->ncols % 8))
			goto bad;
		for (size_t k = 0; any && k < t->npk; k++)
			if (r->c_unch[t->pk[k] / 8] >> (t->pk[k] % 8) & 1)
				goto bad;
		if (r_change_row(r, t, any ? r->c_unch : NULL, r->c_row) < 0)
			goto fail;
		c->row = r->c_row;
		c->unchanged = any ? r->c_unch : NULL;
		break;
	}
	case STREAM_CHANGE_DELETE:
		if (r_change_key(r, t, r->c_key) < 0)
			goto fail;
		c->key = r->c_key;
		break;
	default: goto bad;
	}
	for (size_t k = 0; c->row && k < t->npk; k++)
		if (c->row[t->pk[k]].null)
			goto bad;
	r->tot_seen.changes++;
	return 0;
bad:
	return r_fail(r, r->frame_off,
		      "transaction %" PRIu64 ", change %" PRIu64
		      " (table %s): malformed %s",
		      r->txn_no, r->change_no, t->name,
		      op == 1 ? "insert" : op == 2 ? "update" : "change");
fail:
	if (r->e->class != ERR_STREAM)
		return -1;
	return err_prefix(r->e,
			  "transaction %" PRIu64 ", change %" PRIu64
			  " (table %s)",
			  r->txn_no, r->change_no, t->name);
}

int stream_reader_next_event(struct stream_reader *r, struct stream_event *ev,
			     struct err *e)
{
	struct payload pl;
	int rc;

	r->e = e;
	memset(ev, 0, sizeof(*ev));
	for (;;) {
		if (r->state != R_FOLLOW)
			return 0;
		if (r->batch_left) {
			if (r_change(r, ev) < 0)
				return -1;
			r->batch_left--;
			return 1;
		}
		if (r->rp != r->rend)
			return r_fail(r, r->frame_off,
				      "%zu bytes after the last change",
				      (size_t)(r->rend - r->rp));
		if (r->c_commit) {
			r->c_commit = false;
			r->in_txn = false;
			r->last_order = r->c_pos.order;
			r->tot_seen.transactions++;
			ev->kind = STREAM_EVENT_COMMIT;
			ev->pos = &r->c_pos;
			ev->time_us = r->c_time;
			ev->transaction = r->txn_no;
			return 1;
		}
		rc = r_frame(r, &pl);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (r->in_txn)
				return r_fail(r, r->off,
					      "truncated stream: ends inside "
					      "transaction %" PRIu64,
					      r->txn_no);
			return err_set(e, ERR_PIPE,
				       "the stream of changes stopped after "
				       "position %" PRIu64
				       " without its end: interrupted (a "
				       "rerun resumes)",
				       r->last_order);
		}
		if (r->kind == STREAM_FRAME_STREAM_END) {
			if (r_stream_end(r, &pl) < 0)
				return -1;
			/* a follow stream is the last of its input */
			if ((rc = r_stream_header(r, 0)) < 0)
				return -1;
			if (rc == 1)
				return r_fail(r, r->off - STREAM_HEADER_SIZE,
					      "a stream after a follow stream");
			r->state = R_DONE;
			return 0;
		}
		r->tot_seen.frames++;
		r->rp = pl.p;
		r->rend = pl.p + pl.len;
		if (r->kind == STREAM_FRAME_HEARTBEAT) {
			if (r->in_txn || r->count)
				return r_fail(r, r->frame_off,
					      "heartbeat frame inside a "
					      "transaction, or with a count");
			if (r_position(r, &r->hb_pos, &ev->time_us, 0) < 0)
				return -1;
			if (r->rp != r->rend)
				return r_fail(r, r->frame_off,
					      "heartbeat frame has bytes past "
					      "its end");
			r->last_order = r->hb_pos.order;
			ev->kind = STREAM_EVENT_HEARTBEAT;
			ev->pos = &r->hb_pos;
			return 1;
		}
		if (r->kind == STREAM_FRAME_CHANGES) {
			if (r->rp >= r->rend || *r->rp > 1)
				return r_fail(r, r->frame_off,
					      "changes frame: bad flags");
			r->c_last = *r->rp++ == 1;
			if (!r->in_txn) {
				r->txn_no++;
				r->change_no = 0;
			}
			if (r->c_last &&
			    r_position(r, &r->c_pos, &r->c_time, 1) < 0)
				return -1;
			if (r->count == 0 && !r->c_last)
				return r_fail(r, r->frame_off,
					      "changes frame with no changes");
			if (r->count > pl.len)
				return r_fail(r, r->frame_off,
					      "changes frame says %" PRIu32
					      " changes in %zu bytes",
					      r->count, pl.len);
			r->in_txn = true;
			r->c_commit = r->c_last;
			r->batch_left = r->count;
			continue;
		}
		if (r_other_frame(r, "after the follow frame") < 0)
			return -1;
		r->rp = r->rend = NULL;
	}
}

int stream_reader_next_table(struct stream_reader *r,
			     const struct schema_table **t, struct err *e)
{
	const struct value *row;
	struct payload pl;
	int rc;

	r->e = e;
	while (r->state == R_IN_TABLE)
		if ((rc = stream_reader_next_row(r, &row, e)) < 0)
			return -1;
	for (;;) {
		switch (r->state) {
		case R_START:
		case R_END:
			rc = r_stream_header(r, r->state == R_START);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				r->state = R_DONE;
				return 0;
			}
			break;
		case R_DONE:
		case R_FOLLOW: return 0;
		case R_IN_TABLE:
			return err_set(e, ERR_SYSTEM,
				       "internal error: reader state");
		case R_BETWEEN:
			rc = r_frame(r, &pl);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				if (r->t)
					return r_fail(
					    r, r->off,
					    "truncated stream: no stream-end frame after table %s",
					    r->t->name);
				return r_fail(
				    r, r->off,
				    "truncated stream: no stream-end frame");
			}
			if (r->kind == STREAM_FRAME_TABLE_BEGIN) {
				r->tot_seen.frames++;
				if (r_table_begin(r, &pl) < 0)
					return -1;
				*t = r->t;
				return 1;
			}
			if (r->kind == STREAM_FRAME_STREAM_END) {
				if (r_stream_end(r, &pl) < 0)
					return -1;
				break;
			}
			r->tot_seen.frames++;
			if (r->kind == STREAM_FRAME_OBJECTS) {
				if (r_objects(r, &pl) < 0)
					return -1;
				break;
			}
			if (r->kind == STREAM_FRAME_PREVIEW) {
				if (r_preview(r, &pl) < 0)
					return -1;
				break;
			}
			if (r->kind == STREAM_FRAME_FOLLOW &&
			    r->major == STREAM_FOLLOW_MAJOR)
				return r_follow(r, &pl) < 0 ? -1 : 0;
			if (r_other_frame(r, "outside a table") < 0)
				return -1;
			break;
		}
	}
}
