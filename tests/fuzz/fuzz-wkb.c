/*
 * fuzz-wkb - libFuzzer target for the spatial values a server sends:
 * wkb_normalize (a PostGIS source's EWKB, a stream's value) and
 * wkb_from_mysql (a MariaDB/MySQL source's internal geometry format).
 *
 * Input: byte 0 picks the reader (even: wkb_normalize, odd:
 * wkb_from_mysql), the rest is the value.  Errors are expected; a crash is
 * not, nor an error of another class than ERR_STREAM, nor an error that
 * leaves bytes in the output.  What is read must be canonical: it
 * normalizes again to the same bytes (and the same SRID), and when it is
 * 2D, wkb_to_mysql then wkb_from_mysql gives it back; with Z or M,
 * wkb_to_mysql refuses it.  Read from out itself, the input gives the
 * same bytes.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-wkb`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-wkb, which `make check`
 * runs on testdata/fuzz/wkb.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/wkb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX (1u << 20)

static void fuzz_fail(const char *what, const struct err *e)
{
	fprintf(stderr, "fuzz-wkb: %s%s%s\n", what, e ? ": " : "",
		e ? e->msg : "");
	abort();
}

static int same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* A failed call left out as it was, with an ERR_STREAM error. */
static void failed_cleanly(const struct buf *out, size_t len,
			   const struct err *e)
{
	if (e->class != ERR_STREAM)
		fuzz_fail("an error of another class", e);
	if (out->len != len || (out->data && out->data[len] != '\0'))
		fuzz_fail("an error left bytes in the output", e);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The same call with the input in out itself (a caller decoding in
 * place), out made to move as it grows: the same bytes as want. */
static void in_place(int mysql, const unsigned char *p, size_t n,
		     const struct buf *want)
{
	struct buf b;
	struct err e;
	int rc;

	err_init(&e);
	buf_init(&b, FUZZ_MAX);
	if (buf_add(&b, p, n, &e) < 0)
		fuzz_fail("out of memory", &e);
	if (mysql)
		rc = wkb_from_mysql(b.data, n, &b, &e);
	else
		rc = wkb_normalize(b.data, n, &b, NULL, &e);
	if (rc < 0)
		fuzz_fail("refused in place", &e);
	if (b.len - n != want->len - 2 ||
	    memcmp(b.data + n, want->data + 2, want->len - 2) != 0)
		fuzz_fail("other bytes in place", NULL);
	buf_release(&b);
}

/* c, canonical, checked against what canonical means */
static void check_canonical(const struct buf *c)
{
	struct buf again, my, back;
	struct err e;
	uint32_t type, srid = 0, srid2 = 1;
	int rc;

	err_init(&e);
	buf_init(&again, FUZZ_MAX);
	buf_init(&my, FUZZ_MAX);
	buf_init(&back, FUZZ_MAX);
	if (c->len < 5 || c->data[0] != 1)
		fuzz_fail("canonical but not little-endian", NULL);
	type = le32(c->data + 1);
	if (type & WKB_FLAG_SRID) {
		if (c->len < 9 || (srid = le32(c->data + 5)) == 0)
			fuzz_fail("an SRID flag with SRID 0", NULL);
	}
	if (wkb_normalize(c->data, c->len, &again, &srid2, &e) < 0)
		fuzz_fail("the canonical form does not normalize", &e);
	if (!same(c, &again))
		fuzz_fail("normalizing is not idempotent", NULL);
	if (srid2 != srid)
		fuzz_fail("another SRID given back", NULL);
	if (!wkb_type_name(c->data, c->len))
		fuzz_fail("no type name for a canonical value", NULL);

	rc = wkb_to_mysql(c->data, c->len, &my, &e);
	if (type & (WKB_FLAG_Z | WKB_FLAG_M)) {
		if (rc == 0)
			fuzz_fail("wkb_to_mysql took Z or M", NULL);
		failed_cleanly(&my, 0, &e);
		goto out;
	}
	if (rc < 0)
		fuzz_fail("a 2D value wkb_to_mysql refuses", &e);
	if (my.len != c->len + ((type & WKB_FLAG_SRID) ? 0 : 4) ||
	    le32(my.data) != srid)
		fuzz_fail("wkb_to_mysql's SRID or length is off", NULL);
	if (wkb_from_mysql(my.data, my.len, &back, &e) < 0)
		fuzz_fail("wkb_from_mysql refuses wkb_to_mysql's bytes", &e);
	if (!same(c, &back))
		fuzz_fail("MySQL's form does not give the same bytes back",
			  NULL);
out:
	buf_release(&again);
	buf_release(&my);
	buf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	struct err e;
	const unsigned char *p;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	p = data + 1;
	n = size - 1;
	err_init(&e);
	buf_init(&out, FUZZ_MAX);
	/* something already there: a call appends after it */
	if (buf_add(&out, "ab", 2, &e) < 0)
		fuzz_fail("out of memory", &e);
	if (data[0] % 2 == 0) {
		rc = wkb_normalize(p, n, &out, NULL, &e);
		if ((rc == 0) != (wkb_type_name(p, n) != NULL))
			fuzz_fail("wkb_type_name and wkb_normalize disagree",
				  NULL);
	} else {
		rc = wkb_from_mysql(p, n, &out, &e);
	}
	if (rc < 0) {
		failed_cleanly(&out, 2, &e);
	} else {
		struct buf c;

		if (rc != 0 || out.len <= 2 || memcmp(out.data, "ab", 2) != 0)
			fuzz_fail("the output is not appended", NULL);
		/* the canonical bytes alone, in a buffer of their own */
		buf_init(&c, FUZZ_MAX);
		if (buf_add(&c, out.data + 2, out.len - 2, &e) < 0)
			fuzz_fail("out of memory", &e);
		check_canonical(&c);
		buf_release(&c);
		in_place(data[0] % 2, p, n, &out);
	}
	buf_release(&out);
	return 0;
}
