/*
 * fuzz-verifymerge - libFuzzer target for the order ferry-verify merges
 * two sides' rows by (value_compare_mixed, the key comparison across the
 * engines' types) and for the canonical form it compares and digests
 * them in (value_canonical).
 *
 * Input: three values, each a type byte and a length byte, then that
 * many bytes to make the value from (decimals are built as canonical
 * text from the bytes, so that most inputs are numbers); a value that
 * value_check refuses ends the input.  The comparison must be a total
 * preorder on everything: compare(a, a) is 0, compare(a, b) and
 * compare(b, a) have opposite signs, and it is transitive on every
 * ordering of the three.  Where verify treats two types as one (int64,
 * uint64 and decimal; text and enum; a type with itself), equal by the
 * comparison must mean equal canonical encodings, and for numbers the
 * other way round too, or keys that merge would digest apart.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-verifymerge`, and
 * with tests/fuzz/replay.c into build/asan/tests/replay-verifymerge,
 * which `make check` runs on testdata/fuzz/verifymerge.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fv {
	enum value_type t;
	struct value v;
	char text[300]; /* a decimal's text */
};

static void fuzz_fail(const char *what, const struct fv *a, const struct fv *b)
{
	struct buf x, y;
	struct err e;

	buf_init(&x, 1u << 16);
	buf_init(&y, 1u << 16);
	value_format(&x, a->t, &a->v, VALUE_STYLE_JSON, &e);
	value_format(&y, b->t, &b->v, VALUE_STYLE_JSON, &e);
	fprintf(stderr, "fuzz-verifymerge: %s: %s %s / %s %s\n", what,
		value_type_name(a->t), x.data ? (char *)x.data : "",
		value_type_name(b->t), y.data ? (char *)y.data : "");
	abort();
}

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8 && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* decimal text from bytes: flags, then a digit per byte */
static void make_decimal(struct fv *f, const uint8_t *p, size_t n)
{
	size_t k = 0, il;
	uint8_t flags = n ? p[0] : 0;

	if (flags >= 0xfd) {
		static const char *const special[] = { "NaN", "Infinity",
						       "-Infinity" };
		snprintf(f->text, sizeof(f->text), "%s", special[flags - 0xfd]);
		goto out;
	}
	p += n ? 1 : 0;
	n -= n ? 1 : 0;
	if (n > 200)
		n = 200;
	if (flags & 1)
		f->text[k++] = '-';
	/* integer part: bits 1-4 say how many of the digits */
	il = ((flags >> 1) & 15) < n ? (flags >> 1) & 15 : n;
	if (il == 0)
		f->text[k++] = '0';
	for (size_t i = 0; i < il; i++)
		f->text[k++] =
		    (char)('0' + (i == 0 ? 1 + p[i] % 9 : p[i] % 10));
	if (n > il) {
		f->text[k++] = '.';
		for (size_t i = il; i < n; i++)
			f->text[k++] = (char)('0' + p[i] % 10);
	}
	f->text[k] = '\0';
out:
	f->v.v.s.p = f->text;
	f->v.v.s.len = strlen(f->text);
}

/* one value from *p; 0, or -1 at the end of the input */
static int take(const uint8_t **p, size_t *n, struct fv *f)
{
	const uint8_t *b;
	size_t len;
	struct err e;

	if (*n < 2)
		return -1;
	f->t = (enum value_type)((*p)[0] % VALUE_TYPE_COUNT);
	len = (*p)[1];
	*p += 2;
	*n -= 2;
	if (len > *n)
		len = *n;
	b = *p;
	*p += len;
	*n -= len;
	memset(&f->v, 0, sizeof(f->v));
	switch (f->t) {
	case VALUE_NULL: return -1;
	case VALUE_BOOL: f->v.v.b = len && (b[0] & 1); break;
	case VALUE_INT64:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: f->v.v.i = (int64_t)le64(b, len); break;
	case VALUE_DATE:
		f->v.v.i = (int32_t)(uint32_t)le64(b, len < 4 ? len : 4);
		break;
	case VALUE_TIME:
		f->v.v.i =
		    (int64_t)(le64(b, len) % (uint64_t)(VALUE_TIME_MAX + 1));
		break;
	case VALUE_UINT64: f->v.v.u = le64(b, len); break;
	case VALUE_FLOAT64: {
		uint64_t bits = le64(b, len);
		memcpy(&f->v.v.f, &bits, 8);
		break;
	}
	case VALUE_DECIMAL: make_decimal(f, b, len); break;
	case VALUE_UUID: memcpy(f->v.v.uuid, b, len < 16 ? len : 16); break;
	default:
		f->v.v.s.p = (const char *)b;
		f->v.v.s.len = len;
		break;
	}
	err_init(&e);
	return value_check(f->t, &f->v, NULL, 0, &e);
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static int cmp(const struct fv *a, const struct fv *b)
{
	return sign(value_compare_mixed(a->t, &a->v, b->t, &b->v));
}

static int numeric(enum value_type t)
{
	return t == VALUE_INT64 || t == VALUE_UINT64 || t == VALUE_DECIMAL;
}

/* the types verify merges as one key; not float64, whose -0 and 0 are
 * one key (as in the servers' indexes) but two canonical forms, so that
 * a column that changed sign is reported */
static int one_kind(enum value_type a, enum value_type b)
{
	if (a == VALUE_FLOAT64 || b == VALUE_FLOAT64)
		return 0;
	return a == b || (numeric(a) && numeric(b)) ||
	       ((a == VALUE_TEXT || a == VALUE_ENUM) &&
		(b == VALUE_TEXT || b == VALUE_ENUM));
}

static void canonical_agrees(const struct fv *a, const struct fv *b)
{
	struct buf x, y;
	struct err e;
	int same;

	if (!one_kind(a->t, b->t))
		return;
	buf_init(&x, 1u << 16);
	buf_init(&y, 1u << 16);
	if (value_canonical(&x, a->t, &a->v, &e) < 0 ||
	    value_canonical(&y, b->t, &b->v, &e) < 0)
		fuzz_fail("no canonical form", a, b);
	same = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	if (cmp(a, b) == 0 && !same)
		fuzz_fail("equal keys with different canonical forms", a, b);
	if (same && cmp(a, b) != 0 && numeric(a->t) && numeric(b->t))
		fuzz_fail("one canonical form for different numbers", a, b);
	buf_release(&x);
	buf_release(&y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fv f[3];
	const struct fv *a, *b, *c;
	static const int perm[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	size_t n = 0;

	while (n < 3 && take(&data, &size, &f[n]) == 0)
		n++;
	for (size_t i = 0; i < n; i++) {
		if (cmp(&f[i], &f[i]) != 0)
			fuzz_fail("a value differs from itself", &f[i], &f[i]);
		canonical_agrees(&f[i], &f[i]);
		for (size_t j = 0; j < n; j++) {
			if (cmp(&f[i], &f[j]) != -cmp(&f[j], &f[i]))
				fuzz_fail("not antisymmetric", &f[i], &f[j]);
			canonical_agrees(&f[i], &f[j]);
		}
	}
	if (n < 3)
		return 0;
	for (int k = 0; k < 6; k++) {
		a = &f[perm[k][0]];
		b = &f[perm[k][1]];
		c = &f[perm[k][2]];
		/* a <= b <= c must give a <= c, and a = c when all equal */
		if (cmp(a, b) <= 0 && cmp(b, c) <= 0) {
			int ac = cmp(a, c);
			if (ac > 0 ||
			    (ac != 0 && cmp(a, b) == 0 && cmp(b, c) == 0))
				fuzz_fail("not transitive", a, c);
			if (ac == 0 && (cmp(a, b) != 0 || cmp(b, c) != 0))
				fuzz_fail("not transitive (equal ends)", a, c);
		}
	}
	return 0;
}
