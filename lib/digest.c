#include "digest.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "hex.h"

int digest_row(const enum value_type *types, const struct value *row,
	       size_t ncols, struct buf *scratch, struct digest *out,
	       struct err *e)
{
	XXH128_hash_t h;

	buf_reset(scratch);
	for (size_t i = 0; i < ncols; i++)
		if (value_canonical(scratch, types[i], &row[i], e) < 0)
			return -1;
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
