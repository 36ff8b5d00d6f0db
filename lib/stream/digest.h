/*
 * digest - order-independent digests of a table's rows.
 *
 * A row's hash is XXH3-128 of the canonical encodings (value_canonical) of
 * its values in column order.  A table's digest is the sum modulo 2^128 of
 * its rows' hashes: equal for the same rows in any order, and, unlike an
 * XOR, changed by a duplicated row.  A stream's digest is the sum of its
 * tables' digests.
 */
#ifndef FERRY_DIGEST_H
#define FERRY_DIGEST_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/value.h"

struct digest {
	uint64_t lo;
	uint64_t hi;
};

#define DIGEST_HEX_LEN 32

static inline void digest_init(struct digest *d)
{
	d->lo = 0;
	d->hi = 0;
}

/* d += x (mod 2^128) */
static inline void digest_add(struct digest *d, const struct digest *x)
{
	uint64_t lo = d->lo + x->lo;

	d->hi += x->hi + (lo < d->lo);
	d->lo = lo;
}

static inline int digest_equal(const struct digest *a, const struct digest *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

/*
 * Hash one row (ncols values, with their types) into *out, using scratch
 * for the canonical encoding (large text and bytes values are hashed where
 * they lie, not copied: see value_canonical_big).  -1 with e set when a json
 * value does not parse (ERR_STREAM) or memory runs out.
 */
int digest_row(const enum value_type *types, const struct value *row,
	       size_t ncols, struct buf *scratch, struct digest *out,
	       struct err *e);

/* 32 lowercase hex digits, high half first, and a NUL. */
void digest_hex(const struct digest *d, char out[DIGEST_HEX_LEN + 1]);

/* Parse 32 hex digits; 0 or -1. */
int digest_parse_hex(const char *s, struct digest *d);

#endif
