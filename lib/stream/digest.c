#include "stream/digest.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "base/hex.h"

/*
 * A row holding a large text or bytes value is hashed piece by piece: the
 * canonical encodings of the columns before it, its head, its bytes where
 * they lie, and so on.  XXH3 gives the same hash for the same bytes fed in
 * pieces, so the digest is the one of the whole canonical encoding, without
 * a copy of the value.
 */
static int digest_row_pieces(const enum value_type *types,
			     const struct value *row, size_t ncols,
			     struct buf *scratch, struct digest *out,
			     struct err *e)
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_hash_t h;
	int rc = -1;

	if (!st)
		return err_oom(e);
	XXH3_128bits_reset(st);
	buf_reset(scratch);
	for (size_t i = 0; i < ncols; i++) {
		if (!value_canonical_big(types[i], &row[i])) {
			if (value_canonical(scratch, types[i], &row[i], e) < 0)
				goto out;
			continue;
		}
		if (value_canonical_head(scratch, types[i], &row[i], e) < 0)
			goto out;
		XXH3_128bits_update(st, scratch->data, scratch->len);
		XXH3_128bits_update(st, row[i].v.s.p, row[i].v.s.len);
		buf_reset(scratch);
	}
	XXH3_128bits_update(st, scratch->data, scratch->len);
	h = XXH3_128bits_digest(st);
	out->lo = h.low64;
	out->hi = h.high64;
	rc = 0;
out:
	XXH3_freeState(st);
	return rc;
}

int digest_row(const enum value_type *types, const struct value *row,
	       size_t ncols, struct buf *scratch, struct digest *out,
	       struct err *e)
{
	XXH128_hash_t h;

	buf_reset(scratch);
	for (size_t i = 0; i < ncols; i++) {
		if (value_canonical_big(types[i], &row[i]))
			return digest_row_pieces(types, row, ncols, scratch,
						 out, e);
		if (value_canonical(scratch, types[i], &row[i], e) < 0)
			return -1;
	}
	h = XXH3_128bits(scratch->data, scratch->len);
	out->lo = h.low64;
	out->hi = h.high64;
	return 0;
}

void digest_hex(const struct digest *d, char out[DIGEST_HEX_LEN + 1])
{
	snprintf(out, DIGEST_HEX_LEN + 1, "%016llx%016llx",
		 (unsigned long long)d->hi, (unsigned long long)d->lo);
}

int digest_parse_hex(const char *s, struct digest *d)
{
	uint64_t part[2] = { 0, 0 };

	if (strlen(s) != DIGEST_HEX_LEN)
		return -1;
	for (int i = 0; i < DIGEST_HEX_LEN; i++) {
		int v = hex_value(s[i]);

		if (v < 0)
			return -1;
		part[i / 16] = part[i / 16] << 4 | (unsigned)v;
	}
	d->hi = part[0];
	d->lo = part[1];
	return 0;
}
