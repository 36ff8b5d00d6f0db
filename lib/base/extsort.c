#include "base/extsort.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a record held in memory: its offset in the arena, a pointer once the
 * arena stops moving (just before sorting), and its length */
struct ent {
	size_t off;
	const unsigned char *p;
	size_t len;
};

/* a sorted run in a temporary file, read back one record at a time */
struct run {
	FILE *f;
	unsigned char *rec;
	size_t cap, len;
	int live; /* rec holds a record */
};

/* a k-way merge of runs: a binary heap of run indices, smallest on top */
struct merge {
	struct run *r;
	size_t n;
	size_t *heap;
	size_t nheap;
	int started;
};

struct extsort {
	size_t budget;
	unsigned char *arena;
	size_t alen, acap;
	struct ent *ix;
	size_t nix, ixcap;
	struct run *runs;
	size_t nruns, runcap;
	uint64_t count, written;
	int finished;
	size_t pos; /* next in-memory record, when nothing was spilled */
	struct merge m;
};

int extsort_compare(const void *a, size_t la, const void *b, size_t lb)
{
	/* memcmp wants valid pointers even for no bytes */
	int r = la && lb ? memcmp(a, b, la < lb ? la : lb) : 0;

	if (r)
		return r;
	return la < lb ? -1 : la > lb;
}

static int ent_cmp(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;

	return extsort_compare(a->p, a->len, b->p, b->len);
}

struct extsort *extsort_new(size_t budget, struct err *e)
{
	struct extsort *s = calloc(1, sizeof(*s));

	if (!s) {
		err_oom(e);
		return NULL;
	}
	s->budget = budget < EXTSORT_MIN_BUDGET ? EXTSORT_MIN_BUDGET : budget;
	return s;
}

static void run_close(struct run *r)
{
	if (r->f)
		fclose(r->f);
	free(r->rec);
	memset(r, 0, sizeof(*r));
}

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* A new run: an unlinked temporary file, open for writing then reading. */
static struct run *run_new(struct extsort *s, struct err *e)
{
	const char *dir = tmp_dir();
	char path[4096];
	struct run *r;
	int fd;

	if (s->nruns == s->runcap) {
		size_t cap = s->runcap ? s->runcap * 2 : 8;
		struct run *n = realloc(s->runs, cap * sizeof(*n));
		if (!n) {
			err_oom(e);
			return NULL;
		}
		s->runs = n;
		s->runcap = cap;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/ferry-sort-XXXXXX", dir) >=
	    sizeof(path)) {
		err_set(e, ERR_SYSTEM, "temporary file in %s: name too long",
			dir);
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0) {
		err_set(e, ERR_SYSTEM, "temporary file in %s: %s", dir,
			strerror(errno));
		return NULL;
	}
	unlink(path);
	r = &s->runs[s->nruns];
	memset(r, 0, sizeof(*r));
	if (!(r->f = fdopen(fd, "w+b"))) {
		err_set(e, ERR_SYSTEM, "temporary file in %s: %s", dir,
			strerror(errno));
		close(fd);
		return NULL;
	}
	s->nruns++;
	s->written++;
	return r;
}

static int run_put(struct run *r, const unsigned char *p, size_t len,
		   struct err *e)
{
	unsigned char h[4];

	for (int i = 0; i < 4; i++)
		h[i] = (unsigned char)(len >> (8 * i));
	if (fwrite(h, 1, 4, r->f) != 4 || fwrite(p, 1, len, r->f) != len)
		return err_set(e, ERR_SYSTEM,
			       "writing a temporary file in %s: %s", tmp_dir(),
			       strerror(errno));
	return 0;
}

/* Written: flush it and go back to its start for reading. */
static int run_rewind(struct run *r, struct err *e)
{
	if (fflush(r->f) != 0 || ferror(r->f) || fseek(r->f, 0, SEEK_SET) != 0)
		return err_set(e, ERR_SYSTEM,
			       "writing a temporary file in %s: %s", tmp_dir(),
			       strerror(errno));
	return 0;
}

/* The run's next record into r->rec: 1, 0 at its end, -1. */
static int run_read(struct run *r, struct err *e)
{
	unsigned char h[4];
	size_t got = fread(h, 1, 4, r->f), len = 0;

	r->live = 0;
	if (got == 0 && feof(r->f))
		return 0;
	if (got != 4)
		goto bad;
	for (int i = 0; i < 4; i++)
		len |= (size_t)h[i] << (8 * i);
	if (len > r->cap || !r->rec) {
		size_t cap = r->cap ? r->cap : 64;
		unsigned char *n;
		while (cap < len)
			cap = cap > SIZE_MAX / 2 ? len : cap * 2;
		if (!(n = realloc(r->rec, cap)))
			return err_oom(e);
		r->rec = n;
		r->cap = cap;
	}
	if (fread(r->rec, 1, len, r->f) != len)
		goto bad;
	r->len = len;
	r->live = 1;
	return 1;
bad:
	return err_set(e, ERR_SYSTEM, "reading a temporary file in %s: %s",
		       tmp_dir(),
		       ferror(r->f) ? strerror(errno) : "unexpected end");
}

/* Sort what is in memory and write it as a run. */
static int spill(struct extsort *s, struct err *e)
{
	struct run *r;

	for (size_t i = 0; i < s->nix; i++)
		s->ix[i].p = s->arena + s->ix[i].off;
	qsort(s->ix, s->nix, sizeof(*s->ix), ent_cmp);
	if (!(r = run_new(s, e)))
		return -1;
	for (size_t i = 0; i < s->nix; i++)
		if (run_put(r, s->ix[i].p, s->ix[i].len, e) < 0)
			return -1;
	if (run_rewind(r, e) < 0)
		return -1;
	s->alen = s->nix = 0;
	return 0;
}

int extsort_add(struct extsort *s, const void *p, size_t len, struct err *e)
{
	if (s->finished)
		return err_set(e, ERR_SYSTEM,
			       "internal error: extsort_add after finish");
	if (len > EXTSORT_MAX_RECORD)
		return err_set(e, ERR_SYSTEM,
			       "a record of %zu bytes is too long to sort",
			       len);
	/* past the budget: what is held becomes a run */
	if (s->nix &&
	    s->alen + len + (s->nix + 1) * sizeof(*s->ix) > s->budget &&
	    spill(s, e) < 0)
		return -1;
	if (!s->arena || s->alen + len > s->acap) {
		size_t cap = s->acap ? s->acap : 4096;
		unsigned char *n;
		while (cap < s->alen + len)
			cap *= 2;
		if (cap > s->budget && s->alen + len <= s->budget)
			cap = s->budget;
		if (!(n = realloc(s->arena, cap)))
			return err_oom(e);
		s->arena = n;
		s->acap = cap;
	}
	if (s->nix == s->ixcap) {
		size_t cap = s->ixcap ? s->ixcap * 2 : 256;
		struct ent *n = realloc(s->ix, cap * sizeof(*n));
		if (!n)
			return err_oom(e);
		s->ix = n;
		s->ixcap = cap;
	}
	if (len)
		memcpy(s->arena + s->alen, p, len);
	s->ix[s->nix].off = s->alen;
	s->ix[s->nix].len = len;
	s->nix++;
	s->alen += len;
	s->count++;
	return 0;
}

static int heap_less(const struct merge *m, size_t a, size_t b)
{
	const struct run *x = &m->r[m->heap[a]], *y = &m->r[m->heap[b]];

	return extsort_compare(x->rec, x->len, y->rec, y->len) < 0;
}

static void heap_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i, t;
		if (l < m->nheap && heap_less(m, l, min))
			min = l;
		if (r < m->nheap && heap_less(m, r, min))
			min = r;
		if (min == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[min];
		m->heap[min] = t;
		i = min;
	}
}

/* Start merging runs r[0..n): read each one's first record. */
static int merge_start(struct merge *m, struct run *r, size_t n, struct err *e)
{
	free(m->heap);
	memset(m, 0, sizeof(*m));
	m->r = r;
	m->n = n;
	if (!(m->heap = calloc(n + 1, sizeof(*m->heap))))
		return err_oom(e);
	for (size_t i = 0; i < n; i++) {
		int rc = run_read(&r[i], e);
		if (rc < 0)
			return -1;
		if (rc)
			m->heap[m->nheap++] = i;
	}
	for (size_t i = m->nheap / 2; i-- > 0;)
		heap_down(m, i);
	return 0;
}

/* The smallest record of the merge: 1, 0 at the end, -1.  The record
 * handed out last is replaced by its run's next one first. */
static int merge_next(struct merge *m, const unsigned char **p, size_t *len,
		      struct err *e)
{
	if (m->started && m->nheap) {
		int rc = run_read(&m->r[m->heap[0]], e);
		if (rc < 0)
			return -1;
		if (!rc)
			m->heap[0] = m->heap[--m->nheap];
		heap_down(m, 0);
	}
	m->started = 1;
	if (!m->nheap)
		return 0;
	*p = m->r[m->heap[0]].rec;
	*len = m->r[m->heap[0]].len;
	return 1;
}

/* Merge the first EXTSORT_FANIN runs into one new run, until at most
 * EXTSORT_FANIN are left. */
static int reduce_runs(struct extsort *s, struct err *e)
{
	while (s->nruns > EXTSORT_FANIN) {
		struct run *out;
		const unsigned char *p;
		size_t len;
		int rc;

		if (!(out = run_new(s, e)))
			return -1; /* run_new may move s->runs: start after */
		if (merge_start(&s->m, s->runs, EXTSORT_FANIN, e) < 0)
			return -1;
		out = &s->runs[s->nruns - 1];
		while ((rc = merge_next(&s->m, &p, &len, e)) == 1)
			if (run_put(out, p, len, e) < 0)
				return -1;
		if (rc < 0 || run_rewind(out, e) < 0)
			return -1;
		for (size_t i = 0; i < EXTSORT_FANIN; i++)
			run_close(&s->runs[i]);
		s->nruns -= EXTSORT_FANIN;
		memmove(s->runs, s->runs + EXTSORT_FANIN,
			s->nruns * sizeof(*s->runs));
	}
	return 0;
}

int extsort_finish(struct extsort *s, struct err *e)
{
	if (s->finished)
		return 0;
	s->finished = 1;
	if (!s->nruns) {
		for (size_t i = 0; i < s->nix; i++)
			s->ix[i].p = s->arena + s->ix[i].off;
		if (s->nix) /* qsort wants a valid pointer, too */
			qsort(s->ix, s->nix, sizeof(*s->ix), ent_cmp);
		s->pos = 0;
		return 0;
	}
	if (s->nix && spill(s, e) < 0)
		return -1;
	free(s->arena);
	free(s->ix);
	s->arena = NULL;
	s->ix = NULL;
	s->acap = s->ixcap = 0;
	if (reduce_runs(s, e) < 0)
		return -1;
	return merge_start(&s->m, s->runs, s->nruns, e);
}

int extsort_next(struct extsort *s, const unsigned char **p, size_t *len,
		 struct err *e)
{
	if (!s->finished)
		return err_set(e, ERR_SYSTEM,
			       "internal error: extsort_next before finish");
	if (s->nruns)
		return merge_next(&s->m, p, len, e);
	if (s->pos == s->nix)
		return 0;
	*p = s->ix[s->pos].p;
	*len = s->ix[s->pos].len;
	s->pos++;
	return 1;
}

uint64_t extsort_count(const struct extsort *s)
{
	return s->count;
}

uint64_t extsort_runs(const struct extsort *s)
{
	return s->written;
}

void extsort_free(struct extsort *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nruns; i++)
		run_close(&s->runs[i]);
	free(s->runs);
	free(s->m.heap);
	free(s->arena);
	free(s->ix);
	free(s);
}
