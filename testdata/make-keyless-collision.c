/*
 * make-keyless-collision - two different sets of rows with the same
 * unkeyed ferry digest, for tests/t5200-verify-keyless.sh.
 *
 * The table digest of ferry-stream(5) is the sum modulo 2^128 of the
 * XXH3-128 of each row's canonical encoding.  The hash has no key and a sum
 * is linear, so a generalized-birthday search (Wagner's k-tree, here its
 * single-list form) finds rows r_1..r_k and s_1..s_k, all different, with
 * sum h(r_i) = sum h(s_i) (mod 2^128):
 *
 *   level 0 holds h(row i) for N rows (row i is n = i, note = 'kl');
 *   each level sorts its entries by the next b bits above those already
 *   zero, pairs neighbours whose b bits agree, and keeps their differences
 *   x - y, whose low bits are now zero too; each entry is used once, so
 *   the rows of different entries never overlap;
 *   after 128 bits an entry is 0 = (sum of its + rows) - (sum of its - rows),
 *   with as many + rows as - rows.
 *
 * With N = 2^22 eight levels suffice: 128 rows on each side, found in a few
 * seconds and about 150 MB.  Nothing here is secret or clever; that is the
 * point of the test.
 *
 * Build and run (from the top of the tree):
 *   cc -O2 -o /tmp/mkc testdata/make-keyless-collision.c -lxxhash
 *   /tmp/mkc 22 testdata/keyless-collision/a.jsonl \
 *       testdata/keyless-collision/b.jsonl
 * The canonical encoding below is value_canonical's for a row (int64 n,
 * text note): the tag 4 (decimal) with the 8-byte little-endian length of
 * n's decimal digits, then the tag 5 (text) with the length of the note.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define NOTE "kl"

struct ent {
	uint64_t lo, hi;
	uint32_t l, r; /* children in the level below; l is the row at 0 */
};

static unsigned shift; /* the bits being matched: [shift, shift + bits) */
static unsigned bits;

static uint64_t field(const struct ent *x)
{
	uint64_t v;

	if (shift >= 64)
		v = x->hi >> (shift - 64);
	else if (shift == 0)
		v = x->lo;
	else
		v = x->lo >> shift | x->hi << (64 - shift);
	return bits >= 64 ? v : v & ((UINT64_C(1) << bits) - 1);
}

static int by_field(const void *pa, const void *pb)
{
	uint64_t a = field(pa), b = field(pb);

	return a < b ? -1 : a > b;
}

static size_t put_u64le(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return 8;
}

static void row_hash(uint32_t n, uint64_t *lo, uint64_t *hi)
{
	unsigned char b[64];
	char digits[16];
	size_t k = 0, nd = (size_t)snprintf(digits, sizeof(digits), "%u", n);
	XXH128_hash_t h;

	b[k++] = 4;
	k += put_u64le(b + k, nd);
	memcpy(b + k, digits, nd);
	k += nd;
	b[k++] = 5;
	k += put_u64le(b + k, strlen(NOTE));
	memcpy(b + k, NOTE, strlen(NOTE));
	k += strlen(NOTE);
	h = XXH3_128bits(b, k);
	*lo = h.low64;
	*hi = h.high64;
}

static struct ent *lv[64];
static size_t nlv[64];

/* the rows of entry i of level l, with sign s, to the two files */
static void emit(int l, size_t i, int s, FILE *plus, FILE *minus,
		 uint64_t sum[2][2])
{
	const struct ent *x = &lv[l][i];

	if (l == 0) {
		uint64_t lo, hi, *d = sum[s > 0 ? 0 : 1];
		row_hash(x->l, &lo, &hi);
		d[0] += lo;
		d[1] += hi + (d[0] < lo);
		fprintf(s > 0 ? plus : minus,
			"{\"table\":\"kl\",\"row\":{\"n\":%u,\"note\":\"%s\"}}\n",
			x->l, NOTE);
		return;
	}
	emit(l - 1, x->l, s, plus, minus, sum);
	emit(l - 1, x->r, -s, plus, minus, sum);
}

int main(int argc, char **argv)
{
	unsigned logn, done = 0;
	int l = 0;
	size_t n;
	FILE *plus, *minus;
	uint64_t sum[2][2] = { { 0, 0 }, { 0, 0 } };

	if (argc != 4 || (logn = (unsigned)strtoul(argv[1], NULL, 10)) < 8 ||
	    logn > 30) {
		fprintf(stderr, "usage: %s LOG2N PLUS.jsonl MINUS.jsonl\n",
			argv[0]);
		return 2;
	}
	n = (size_t)1 << logn;
	if (!(lv[0] = malloc(n * sizeof(*lv[0]))))
		return 8;
	for (size_t i = 0; i < n; i++) {
		row_hash((uint32_t)i, &lv[0][i].lo, &lv[0][i].hi);
		lv[0][i].l = (uint32_t)i;
		lv[0][i].r = 0;
	}
	nlv[0] = n;
	while (done < 128) {
		size_t m = nlv[l], k = 0;
		unsigned lg = 0;

		while (((size_t)2 << lg) <= m)
			lg++;
		if (m < 2 || l == 63) {
			fprintf(stderr, "no collision: level %d has %zu\n", l,
				m);
			return 1;
		}
		bits = lg > 1 ? lg - 1 : 1;
		if (bits > 128 - done)
			bits = 128 - done;
		shift = done;
		qsort(lv[l], m, sizeof(*lv[l]), by_field);
		if (!(lv[l + 1] = malloc((m / 2 + 1) * sizeof(*lv[l + 1]))))
			return 8;
		for (size_t i = 0; i + 1 < m; i++) {
			const struct ent *x = &lv[l][i], *y = &lv[l][i + 1];
			struct ent *z;
			if (field(x) != field(y))
				continue;
			z = &lv[l + 1][k++];
			z->lo = x->lo - y->lo;
			z->hi = x->hi - y->hi - (x->lo < y->lo);
			z->l = (uint32_t)i;
			z->r = (uint32_t)(i + 1);
			i++;
		}
		done += bits;
		nlv[++l] = k;
		fprintf(stderr, "level %d: %u bits zero, %zu entries\n", l,
			done, k);
	}
	if (!nlv[l]) {
		fprintf(stderr, "no collision: try a larger LOG2N\n");
		return 1;
	}
	if (!(plus = fopen(argv[2], "w")) || !(minus = fopen(argv[3], "w")))
		return 8;
	emit(l, 0, 1, plus, minus, sum);
	if (fclose(plus) || fclose(minus))
		return 8;
	fprintf(stderr, "digest of both: %016llx%016llx %016llx%016llx\n",
		(unsigned long long)sum[0][1], (unsigned long long)sum[0][0],
		(unsigned long long)sum[1][1], (unsigned long long)sum[1][0]);
	return sum[0][0] == sum[1][0] && sum[0][1] == sum[1][1] ? 0 : 1;
}
