/*
 * fuzz-pgbin - libFuzzer target for PostgreSQL's binary COPY (pgbin.h):
 * the tuples a PostgreSQL source decodes from the server's bytes, and the
 * numeric encoding ferry-load writes.
 *
 * Input, when byte 0 is below 0x80: byte 0 % 8 + 1 columns, one byte per
 * column choosing its decoder, then the tuple's fields (the 16-bit field
 * count is put in front by the target).  pgbin_tuple_size measures it
 * (and every shorter prefix must ask for more), pgbin_decode_row decodes
 * a copy of exactly that many bytes, and each field that decodes to a
 * value value_check accepts is encoded again with pgbin_value into the
 * same bytes -- a numeric into bytes that decode to the same text, since
 * a server's digits need not be normalized.
 *
 * When byte 0 is 0x80 or more, the rest is decimal text: when value_check
 * takes it, pgbin_value's numeric decodes back to the same text (a
 * negative zero loses its sign), which value_compare finds equal.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-pgbin`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-pgbin, which `make
 * check` runs on testdata/fuzz/pgbin.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/pg/pgbin.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 8
#define MAX_FIELD (1u << 20)

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-pgbin: %s: %s\n", what, detail);
	abort();
}

/* the encoder that writes what decoder d reads, or PGB_NONE */
static enum pgbin_kind kind_of(enum pgbin_dec d)
{
	switch (d) {
	case PGBIN_DEC_BOOL: return PGB_BOOL;
	case PGBIN_DEC_INT2: return PGB_INT2;
	case PGBIN_DEC_INT4: return PGB_INT4;
	case PGBIN_DEC_INT8: return PGB_INT8;
	case PGBIN_DEC_FLOAT8: return PGB_FLOAT8;
	case PGBIN_DEC_NUMERIC: return PGB_NUMERIC;
	case PGBIN_DEC_TEXT: return PGB_TEXT;
	case PGBIN_DEC_JSONB: return PGB_JSONB;
	case PGBIN_DEC_BYTES: return PGB_BYTEA;
	case PGBIN_DEC_DATE: return PGB_DATE;
	case PGBIN_DEC_TIME: return PGB_TIME;
	case PGBIN_DEC_TS: return PGB_TIMESTAMP;
	case PGBIN_DEC_UUID: return PGB_UUID;
	default: return PGB_NONE; /* float4: ferry-load never writes one */
	}
}

/* numeric text -> binary -> text */
static void numeric_round_trip(const char *in, size_t len)
{
	struct buf bin, scratch;
	struct value v, w;
	struct err e;
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, in, len);
	s[len] = '\0';
	err_init(&e);
	v.null = false;
	v.v.s.p = s;
	v.v.s.len = len;
	buf_init(&bin, 1u << 20);
	buf_init(&scratch, 1u << 20);
	if (value_check(VALUE_DECIMAL, &v, NULL, 0, &e) < 0)
		goto out;
	if (pgbin_value(&bin, PGB_NUMERIC, VALUE_DECIMAL, &v, &e) < 0) {
		if (e.class != ERR_DB)
			fuzz_fail("a numeric error of another class", e.msg);
		goto out;
	}
	if (bin.len < 4 || pgbin_decode(PGBIN_DEC_NUMERIC, bin.data + 4,
					bin.len - 4, &scratch, &w, &e) < 0)
		fuzz_fail("an encoded numeric does not decode", e.msg);
	if (value_compare(VALUE_DECIMAL, &v, &w) != 0)
		fuzz_fail("a numeric decodes to another number", s);
	if (!(w.v.s.len == len && memcmp(w.v.s.p, s, len) == 0) &&
	    !(s[0] == '-' && w.v.s.len == len - 1 &&
	      memcmp(w.v.s.p, s + 1, len - 1) == 0 &&
	      strspn(s + 1, "0.") >= len - 1))
		fuzz_fail("a numeric decodes to other text", s);
out:
	buf_release(&bin);
	buf_release(&scratch);
	free(s);
}

/* field bytes f[0..len) decoded with d into v: encode v again */
static void field_round_trip(enum pgbin_dec d, const unsigned char *f,
			     size_t len, const struct value *v)
{
	enum value_type t = pgbin_dec_type(d);
	enum pgbin_kind k = kind_of(d);
	struct buf out, scratch;
	struct value w;
	struct err e;

	err_init(&e);
	if (d == PGBIN_DEC_JSONB)
		t = VALUE_JSON;
	if (k == PGB_NONE || value_check(t, v, NULL, 0, &e) < 0)
		return;
	if (d == PGBIN_DEC_BOOL && f[0] > 1)
		return; /* any byte but 0 is true, and goes back as 1 */
	buf_init(&out, 2u << 20);
	buf_init(&scratch, 1u << 20);
	if (pgbin_value(&out, k, t, v, &e) < 0) {
		/* a NUL in text, which the load refuses */
		if (e.class != ERR_STREAM ||
		    (d != PGBIN_DEC_TEXT && d != PGBIN_DEC_JSONB))
			fuzz_fail("a decoded value does not encode", e.msg);
		goto out;
	}
	if (out.len < 4)
		fuzz_fail("an encoded field without its length", "");
	if (d == PGBIN_DEC_NUMERIC) {
		if (pgbin_decode(d, out.data + 4, out.len - 4, &scratch, &w,
				 &e) < 0)
			fuzz_fail("a numeric encoded again does not decode",
				  e.msg);
		if (w.v.s.len != v->v.s.len ||
		    memcmp(w.v.s.p, v->v.s.p, w.v.s.len) != 0)
			fuzz_fail("a numeric changes its text",
				  (const char *)scratch.data);
	} else if (out.len - 4 != len || memcmp(out.data + 4, f, len) != 0) {
		fuzz_fail("a field encodes to other bytes", value_type_name(t));
	}
out:
	buf_release(&out);
	buf_release(&scratch);
}

static void tuple(const uint8_t *data, size_t size)
{
	size_t ncols = (size_t)(data[0] % MAX_COLS) + 1, avail, need, col;
	enum pgbin_dec dec[MAX_COLS];
	struct value row[MAX_COLS];
	unsigned char *b = NULL, *exact = NULL;
	struct buf scratch;
	struct err e;
	int rc;

	if (size < 1 + ncols)
		return;
	for (size_t i = 0; i < ncols; i++)
		dec[i] = (enum pgbin_dec)(data[1 + i] % PGBIN_DEC_COUNT);
	data += 1 + ncols;
	size -= 1 + ncols;
	avail = size + 2;
	if (!(b = malloc(avail)))
		abort();
	b[0] = 0;
	b[1] = (unsigned char)ncols;
	if (size)
		memcpy(b + 2, data, size);
	err_init(&e);
	buf_init(&scratch, 64u << 20);
	rc = pgbin_tuple_size(b, avail, ncols, MAX_FIELD, &need, &col, &e);
	if (rc < 0) {
		if (e.class != ERR_STREAM || col >= ncols)
			fuzz_fail("a tuple error of another kind", e.msg);
		goto out;
	}
	if (rc == 0) {
		if (need <= avail)
			fuzz_fail("asks for bytes it has", "");
		goto out;
	}
	if (need > avail || need < 2 + 4 * ncols)
		fuzz_fail("a tuple size outside the bytes", "");
	/* every prefix is short */
	for (size_t cut = 0; cut < need; cut += 1 + cut / 3) {
		size_t more;
		if (pgbin_tuple_size(b, cut, ncols, MAX_FIELD, &more, &col,
				     &e) != 0 ||
		    more <= cut || more > need)
			fuzz_fail("a cut tuple is not short", "");
	}
	if (!(exact = malloc(need)))
		abort();
	memcpy(exact, b, need);
	if (pgbin_decode_row(dec, ncols, exact, need, &scratch, row, &col, &e) <
	    0) {
		if (e.class != ERR_STREAM || col >= ncols)
			fuzz_fail("a row error of another kind", e.msg);
		goto out;
	}
	/* walk the fields again: each value against its bytes */
	for (size_t i = 0, pos = 2; i < ncols; i++) {
		int32_t len =
		    (int32_t)((uint32_t)exact[pos] << 24 |
			      (uint32_t)exact[pos + 1] << 16 |
			      (uint32_t)exact[pos + 2] << 8 | exact[pos + 3]);
		pos += 4;
		if (len < 0) {
			if (!row[i].null)
				fuzz_fail("a NULL field decodes to a value",
					  "");
			continue;
		}
		if (row[i].null)
			fuzz_fail("a field decodes to NULL", "");
		field_round_trip(dec[i], exact + pos, (size_t)len, &row[i]);
		pos += (size_t)len;
	}
out:
	buf_release(&scratch);
	free(b);
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] >= 0x80)
		numeric_round_trip((const char *)data + 1, size - 1);
	else
		tuple(data, size);
	return 0;
}
