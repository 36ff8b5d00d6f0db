/*
 * test-extsort - unit tests of lib/base/extsort.c: records come back in byte
 * order, duplicates kept, whether they fit in memory or spill to runs
 * (more than EXTSORT_FANIN of them, so merged in passes); a record larger
 * than the budget; an empty sort; a TMPDIR that does not exist.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/extsort.h"
#include "tap.h"

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

struct rec {
	unsigned char b[24];
	size_t len;
};

static int rec_cmp(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	return extsort_compare(a->b, a->len, b->b, b->len);
}

/* Sort n random records (short, with shared prefixes and repeats) with
 * the budget; 1 when they come back as qsort orders them. */
static int sorts_like_qsort(size_t n, size_t budget, uint64_t *runs)
{
	struct rec *r = calloc(n, sizeof(*r));
	struct extsort *s;
	struct err e;
	const unsigned char *p;
	size_t len, i = 0;
	int ok = 1, rc;

	err_init(&e);
	if (!r || !(s = extsort_new(budget, &e))) {
		free(r);
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		r[k].len = rnd() % 6;
		for (size_t j = 0; j < r[k].len; j++)
			r[k].b[j] = (unsigned char)("ab\0\377"[rnd() % 4]);
		if (extsort_add(s, r[k].b, r[k].len, &e) < 0)
			ok = 0;
	}
	qsort(r, n, sizeof(*r), rec_cmp);
	if (extsort_finish(s, &e) < 0)
		ok = 0;
	while (ok && (rc = extsort_next(s, &p, &len, &e)) == 1) {
		if (i >= n || len != r[i].len ||
		    (len && memcmp(p, r[i].b, len) != 0))
			ok = 0;
		i++;
	}
	ok = ok && rc == 0 && i == n && extsort_count(s) == n;
	*runs = extsort_runs(s);
	extsort_free(s);
	free(r);
	return ok;
}

int main(void)
{
	struct extsort *s;
	struct err e;
	const unsigned char *p;
	size_t len;
	uint64_t runs;
	char *big;
	int ok;

	err_init(&e);
	ok = sorts_like_qsort(5000, 64u << 20, &runs);
	TAP_CHECK(ok && runs == 0, "in memory: byte order, duplicates kept");
	ok = sorts_like_qsort(2000, 4096, &runs);
	TAP_CHECK(ok && runs > 1 && runs <= EXTSORT_FANIN,
		  "spilled to a few runs, merged once (%llu runs)",
		  (unsigned long long)runs);
	ok = sorts_like_qsort(40000, 4096, &runs);
	TAP_CHECK(ok && runs > 2 * EXTSORT_FANIN,
		  "more runs than the fan-in, merged in passes (%llu runs)",
		  (unsigned long long)runs);

	s = extsort_new(0, &e);
	TAP_CHECK(s && extsort_finish(s, &e) == 0 &&
		      extsort_next(s, &p, &len, &e) == 0,
		  "an empty sort hands out nothing");
	extsort_free(s);
	extsort_free(NULL);

	/* a record four times the budget, between small ones */
	big = calloc(1, 4 * EXTSORT_MIN_BUDGET);
	s = extsort_new(EXTSORT_MIN_BUDGET, &e);
	if (big && s) {
		memset(big, 'm', 4 * EXTSORT_MIN_BUDGET);
		TAP_CHECK(extsort_add(s, "z", 1, &e) == 0 &&
			      extsort_add(s, big, 4 * EXTSORT_MIN_BUDGET, &e) ==
				  0 &&
			      extsort_add(s, "a", 1, &e) == 0 &&
			      extsort_finish(s, &e) == 0,
			  "a record larger than the budget is taken");
		TAP_CHECK(extsort_next(s, &p, &len, &e) == 1 && len == 1 &&
			      p[0] == 'a' &&
			      extsort_next(s, &p, &len, &e) == 1 &&
			      len == 4 * EXTSORT_MIN_BUDGET && p[0] == 'm' &&
			      extsort_next(s, &p, &len, &e) == 1 && len == 1 &&
			      p[0] == 'z' && extsort_next(s, &p, &len, &e) == 0,
			  "and comes back in its place");
	}
	extsort_free(s);
	free(big);

	setenv("TMPDIR", "/nonexistent-ferry-test", 1);
	s = extsort_new(EXTSORT_MIN_BUDGET, &e);
	{
		int rc = 0;
		for (int i = 0; s && rc == 0 && i < 1000; i++)
			rc = extsort_add(s, "0123456789abcdef", 16, &e);
		TAP_CHECK(rc == -1 && e.class == ERR_SYSTEM &&
			      strstr(e.msg, "temporary file in "
					    "/nonexistent-ferry-test: "),
			  "a TMPDIR that does not exist is ERR_SYSTEM, named");
	}
	extsort_free(s);
	return tap_done();
}
