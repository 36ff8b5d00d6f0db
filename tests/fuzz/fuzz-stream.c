/*
 * fuzz-stream - libFuzzer target for the stream reader (stream.h) and the
 * row formatter (rowfmt.h).
 *
 * The input is read as a stream, table by table and row by row, and each
 * row is formatted as JSON lines, CSV and TSV, so that every decoded value
 * goes through value_format().  Three checks turn wrong results into a
 * crash the fuzzer can see: formatting a row the reader handed out must
 * not fail (except on the output limit), a JSON line must parse back
 * (rowfmt_parse_line) into a row with the same digest, and a stream the
 * reader accepts must end where the input ends.
 *
 * Every frame carries two XXH3 checksums, so almost any mutation of a
 * payload is rejected before a value is decoded.  The input is therefore
 * read twice: once as it is (the checks themselves), and once more with
 * the checksums of its frames recomputed, when that changes anything
 * (what lies behind them).  Only the frame checksums are repaired; the
 * table-end and stream-end counts and digests are not, so the reader
 * still rejects such an input at the end of its first table, after its
 * rows were read.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-stream`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-stream, which `make
 * check` runs on testdata/fuzz/stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <zstd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "stream/digest.h"
#include "stream/objects.h"
#include "stream/rowfmt.h"
#include "stream/schema.h"
#include "stream/stream.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_LINE (256u << 20) /* as ferry-cat's output buffer */
#define FUZZ_MAX_REPAIR (1u << 20) /* largest zstd frame to repair */

/* the first 10 bytes of a stream header */
static const char fuzz_magic[] = "\211FERRY\r\n\032\n";

static const enum rowfmt_kind fuzz_kinds[] = { ROWFMT_JSONL, ROWFMT_CSV,
					       ROWFMT_TSV };

/* A broken invariant: say what and crash, so that the fuzzer keeps it. */
static void fuzz_fail(const char *what, const struct schema_table *t,
		      const struct err *e)
{
	fprintf(stderr, "fuzz-stream: %s (table %s): %s\n", what,
		t ? t->name : "-", e ? e->msg : "");
	abort();
}

static uint32_t fuzz_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void fuzz_put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void fuzz_put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/*
 * Recompute the payload checksum and header check of every frame that
 * lies wholly inside p[0..size), following the reader's layout: a stream
 * header, frames, and after a stream-end frame possibly another stream
 * header.  A frame without the zstd flag gets raw_len = stored_len; a zstd
 * frame's payload checksum is repaired only when its payload decompresses
 * to raw_len bytes (at most FUZZ_MAX_REPAIR).  Stops at the first frame
 * that does not fit.
 */
static void fuzz_repair(unsigned char *p, size_t size)
{
	size_t off = STREAM_HEADER_SIZE;

	while (off <= size && size - off >= STREAM_FRAME_HEADER_SIZE) {
		unsigned char *h = p + off;
		unsigned char *pl = h + STREAM_FRAME_HEADER_SIZE;
		uint32_t stored_len = fuzz_get_u32(h + 4);
		uint32_t raw_len = fuzz_get_u32(h + 8);

		if (stored_len > size - off - STREAM_FRAME_HEADER_SIZE)
			break;
		if (!(h[1] & STREAM_FLAG_ZSTD)) {
			fuzz_put_u32(h + 8, stored_len);
			fuzz_put_u64(h + 16, XXH3_64bits(pl, stored_len));
		} else if (raw_len <= FUZZ_MAX_REPAIR) {
			unsigned char *raw = malloc(raw_len ? raw_len : 1);
			size_t z;

			if (!raw)
				break;
			z = ZSTD_decompress(raw, raw_len, pl, stored_len);
			if (!ZSTD_isError(z) && z == raw_len)
				fuzz_put_u64(h + 16, XXH3_64bits(raw, raw_len));
			free(raw);
		}
		fuzz_put_u32(h + 24, (uint32_t)XXH3_64bits(h, 24));
		off += STREAM_FRAME_HEADER_SIZE + (size_t)stored_len;
		if (h[0] == STREAM_FRAME_STREAM_END && size - off >= 10 &&
		    memcmp(p + off, fuzz_magic, 10) == 0)
			off += STREAM_HEADER_SIZE;
	}
}

/*
 * Check that the JSON line in out (with its newline) reads back into a row
 * of t with the digest of `row`.
 */
static void fuzz_roundtrip(const struct buf *out, const struct schema_table *t,
			   const struct value *row, struct value *back,
			   struct buf *scratch, struct buf *dscratch)
{
	struct schema_table *tables[1];
	struct json_node *tree = NULL;
	struct digest d1, d2;
	struct err e;
	size_t which;

	err_init(&e);
	/* rowfmt_parse_line does not change the tables it is given */
	tables[0] = (struct schema_table *)t;
	if (out->len == 0 || out->data[out->len - 1] != '\n')
		fuzz_fail("a JSON line without its newline", t, NULL);
	if (rowfmt_parse_line((const char *)out->data, out->len - 1, tables, 1,
			      -1, &which, back, scratch, &tree, &e) < 0)
		fuzz_fail("a JSON line does not read back", t, &e);
	/* back points into scratch: digests need their own */
	if (digest_row(t->types, row, t->ncols, dscratch, &d1, &e) < 0 ||
	    digest_row(t->types, back, t->ncols, dscratch, &d2, &e) < 0)
		fuzz_fail("digest of a row failed", t, &e);
	if (!digest_equal(&d1, &d2)) {
		fprintf(stderr, "fuzz-stream: line: %s",
			(const char *)out->data);
		fuzz_fail("a JSON line reads back into a different row", t,
			  NULL);
	}
	json_free(tree);
}

/* What reading one input needs besides the reader. */
struct fuzz_state {
	struct buf out;	     /* one formatted row */
	struct buf scratch;  /* bytes of the row read back */
	struct buf dscratch; /* canonical encodings for digests */
	struct value *back;  /* the row read back, ncols values */
	struct err e;
};

/* Format one row the reader returned in every kind, and read it back. */
static void fuzz_row(struct fuzz_state *s, const struct schema_table *t,
		     const struct value *row)
{
	size_t nkinds = sizeof(fuzz_kinds) / sizeof(fuzz_kinds[0]);

	for (size_t k = 0; k < nkinds; k++) {
		buf_reset(&s->out);
		if (rowfmt_row(&s->out, fuzz_kinds[k], t, row, &s->e) < 0) {
			/* only the output limit may stop it */
			if (s->e.class == ERR_STREAM &&
			    strstr(s->e.msg, "value too large"))
				continue;
			fuzz_fail("rowfmt_row failed on a row that was read", t,
				  &s->e);
		}
		if (fuzz_kinds[k] == ROWFMT_JSONL)
			fuzz_roundtrip(&s->out, t, row, s->back, &s->scratch,
				       &s->dscratch);
	}
}

/*
 * Read the rows of table t and then its stats.  0 at the table's end, -1
 * when the reader or an allocation failed.
 */
static int fuzz_table(struct fuzz_state *s, struct stream_reader *r,
		      const struct schema_table *t)
{
	const struct stream_table_stats *st;
	const struct value *row;
	int rc;

	free(s->back);
	if (!(s->back = calloc(t->ncols, sizeof(*s->back))))
		return -1;
	buf_reset(&s->out);
	if (rowfmt_header(&s->out, ROWFMT_CSV, t, &s->e) < 0 ||
	    rowfmt_header(&s->out, ROWFMT_TSV, t, &s->e) < 0)
		fuzz_fail("rowfmt_header failed", t, &s->e);
	while ((rc = stream_reader_next_row(r, &row, &s->e)) == 1)
		fuzz_row(s, t, row);
	if (rc < 0)
		return -1;
	st = stream_reader_table_stats(r);
	buf_reset(&s->out);
	if (st->has_watermark &&
	    value_format(&s->out, t->cols[t->watermark].type, &st->watermark,
			 VALUE_STYLE_TEXT, &s->e) < 0)
		fuzz_fail("the watermark does not format", t, &s->e);
	return 0;
}

/* Read the stream in data[0..size) to its end or its first error. */
static void fuzz_read(const uint8_t *data, size_t size)
{
	static unsigned char empty[1];
	struct stream_reader *r = NULL;
	const struct schema_table *t;
	struct fuzz_state s;
	FILE *in;
	int rc;

	/*
	 * POSIX lets fmemopen refuse a size of 0; mode "w+" on a 1-byte
	 * buffer gives an empty stream everywhere.  "r" never writes.
	 */
	if (size == 0)
		in = fmemopen(empty, sizeof(empty), "w+");
	else
		in = fmemopen((void *)data, size, "r");
	if (!in)
		return;
	err_init(&s.e);
	buf_init(&s.out, FUZZ_MAX_LINE);
	buf_init(&s.scratch, FUZZ_MAX_LINE);
	buf_init(&s.dscratch, FUZZ_MAX_LINE);
	s.back = NULL;
	if (!(r = stream_reader_new(in, "fuzz", &s.e)))
		goto out;
	while ((rc = stream_reader_next_table(r, &t, &s.e)) == 1)
		if (fuzz_table(&s, r, t) < 0)
			goto out;
	/* a follow stream (2.0): its changes, each row formatted as a
	 * table's, keys within their table's */
	if (rc == 0 && stream_reader_follow(r)) {
		struct stream_event ev;
		while ((rc = stream_reader_next_event(r, &ev, &s.e)) == 1) {
			const struct stream_change *c = &ev.change;
			if (ev.kind != STREAM_EVENT_CHANGE)
				continue;
			if (c->table >= stream_reader_follow(r)->ntables ||
			    ev.t != stream_reader_follow(r)->tables[c->table])
				fuzz_fail("a change names another table", NULL,
					  NULL);
			/* (a row with unchanged columns is no table's row) */
			if (c->row && !c->unchanged) {
				free(s.back);
				if (!(s.back = calloc(ev.t->ncols,
						      sizeof(*s.back))))
					goto out;
				fuzz_row(&s, ev.t, c->row);
			}
		}
		if (rc < 0)
			goto out;
	}
	/* a clean end is the end of the input */
	if (rc == 0 && stream_reader_offset(r) != size)
		fuzz_fail("the stream ended before the input", NULL, NULL);
	/* the objects read are written and read back alike */
	if (r && stream_reader_objects(r)->n) {
		const struct schema_objects *o = stream_reader_objects(r);
		struct schema_objects back = { 0 };
		char *j = schema_objects_json(o, &s.e);
		if (!j || schema_objects_parse(&back, j, strlen(j), &s.e) < 0 ||
		    back.n != o->n)
			fuzz_fail("objects do not read back", NULL, NULL);
		for (size_t i = 0; i < o->n; i++)
			if (strcmp(o->v[i].name, back.v[i].name) != 0 ||
			    strcmp(o->v[i].kind, back.v[i].kind) != 0 ||
			    !o->v[i].table != !back.v[i].table ||
			    !o->v[i].detail != !back.v[i].detail ||
			    !o->v[i].seq != !back.v[i].seq ||
			    (o->v[i].seq &&
			     o->v[i].seq->next != back.v[i].seq->next))
				fuzz_fail("an object reads back changed", NULL,
					  NULL);
		free(j);
		schema_objects_release(&back);
	}
out:
	stream_reader_free(r);
	free(s.back);
	buf_release(&s.out);
	buf_release(&s.scratch);
	buf_release(&s.dscratch);
	fclose(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;

	fuzz_read(data, size);
	if (size <= STREAM_HEADER_SIZE || !(copy = malloc(size)))
		return 0;
	memcpy(copy, data, size);
	fuzz_repair(copy, size);
	if (memcmp(copy, data, size) != 0)
		fuzz_read(copy, size);
	free(copy);
	return 0;
}
