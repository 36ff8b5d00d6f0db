/*
 * fuzz-resume - libFuzzer target for what ferry-load --job reads back from
 * a checkpoint row (untrusted: anyone who can write the target can change
 * it) and how it compares the stream's rows with it (lib/db/resume.c).
 *
 * Input: byte 0 picks one of the tables below (a text, bytes, uuid,
 * decimal, timestamp or composite key, or a watermark and a key); the
 * rest is split at NUL bytes into the checkpoint's watermark text, its
 * last_key text (a JSON array, as ferry writes it) and the texts of a
 * row's position columns.  Errors are expected; a crash is not, nor an
 * error of another class than ERR_USAGE (the position does not fit the
 * table) or ERR_STREAM (a value its type refuses).  A position that parses
 * must: compare equal to itself; survive its own checkpoint text (resume_texts
 * of it, parsed again, compares equal and writes the same text); and
 * order against the row's position one way only (compare(a, b) and
 * compare(b, a) have opposite signs).  The values must stay readable
 * until resume_release, whatever the parse did (ASan sees a use after
 * free: the bug of issue 16, item 1).
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-resume`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-resume, which `make
 * check` runs on testdata/fuzz/resume.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/resume.h"
#include "stream/schema.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const schemas[] = {
	"{\"name\":\"t\",\"columns\":[{\"name\":\"k\",\"type\":\"text\"}],"
	"\"primary_key\":[\"k\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"k\",\"type\":\"bytes\"}],"
	"\"primary_key\":[\"k\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"k\",\"type\":\"uuid\"}],"
	"\"primary_key\":[\"k\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"k\",\"type\":\"decimal\"}],"
	"\"primary_key\":[\"k\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"k\",\"type\":\"timestamptz\"}],"
	"\"primary_key\":[\"k\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int64\"},"
	"{\"name\":\"b\",\"type\":\"text\"},{\"name\":\"c\",\"type\":\"bytes\"},"
	"{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"u\",\"type\":\"uint64\"}],"
	"\"primary_key\":[\"c\",\"a\",\"b\",\"d\",\"u\"]}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"ts\",\"type\":\"timestamp\"},"
	"{\"name\":\"n\",\"type\":\"text\"}],"
	"\"primary_key\":[\"n\",\"id\"],\"watermark\":\"ts\"}",
	"{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"at\",\"type\":\"timestamptz\"}],"
	"\"primary_key\":[\"at\",\"id\"],\"watermark\":\"at\"}",
};
#define NSCHEMAS (sizeof(schemas) / sizeof(schemas[0]))

static struct schema_table *tables[NSCHEMAS];

static void fuzz_fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz-resume: %s: '%s' / '%s'\n", what, a ? a : "",
		b ? b : "");
	abort();
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* the next NUL-terminated piece of data, copied (NULL at the end) */
static char *piece(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z;
	size_t n;
	char *s;

	if (*p >= end)
		return NULL;
	z = memchr(*p, 0, (size_t)(end - *p));
	n = z ? (size_t)(z - *p) : (size_t)(end - *p);
	if (!(s = malloc(n + 1)))
		abort();
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n + (z ? 1 : 0);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p, *end = data + size;
	const struct schema_table *t;
	struct resume r, r2;
	struct err e;
	char *wm, *key, *pieces[RESUME_MAX_POS];
	struct value pos[RESUME_MAX_POS];
	struct buf mem[RESUME_MAX_POS];
	size_t npieces = 0;
	int row_ok = 1;

	if (size < 1)
		return 0;
	if (!tables[0]) {
		for (size_t i = 0; i < NSCHEMAS; i++)
			if (!(tables[i] = schema_table_parse(
				  schemas[i], strlen(schemas[i]), &e)))
				fuzz_fail("a fixture schema", schemas[i],
					  e.msg);
	}
	t = tables[data[0] % NSCHEMAS];
	p = data + 1;
	wm = piece(&p, end);
	key = piece(&p, end);
	resume_init(&r, t);
	resume_init(&r2, t);
	err_init(&e);
	/* "" stands for no watermark, as a NULL column */
	if (resume_parse(&r, "t", "j",
			 t->watermark >= 0 ? t->cols[t->watermark].name : NULL,
			 wm && *wm ? wm : NULL, key, &e) < 0) {
		/* ERR_STREAM: a value its column's type refuses */
		if (e.class != ERR_USAGE && e.class != ERR_STREAM)
			fuzz_fail("an error of another class", e.msg, key);
		goto out;
	}
	if (!r.has_ck)
		goto out;
	if (resume_compare(&r, r.ck, r.ck) != 0)
		fuzz_fail("a position differs from itself", wm, key);
	/* its own checkpoint text, read back */
	{
		const char *k1, *w1, *k2, *w2;
		char *k1c, *w1c;
		if (resume_keep_last(&r, r.ck, &e) < 0)
			fuzz_fail("keeping a position", e.msg, key);
		if (resume_texts(&r, &k1, &w1, &e) < 0) {
			/* a NUL byte in a key cannot be kept: refused */
			if (e.class != ERR_STREAM)
				fuzz_fail("texts: another class", e.msg, key);
			goto out;
		}
		k1c = strdup(k1);
		w1c = w1 ? strdup(w1) : NULL;
		if (!k1c || (w1 && !w1c))
			abort();
		if (resume_parse(&r2, "t", "j",
				 t->watermark >= 0 ? t->cols[t->watermark].name
						   : NULL,
				 w1c, k1c, &e) < 0)
			fuzz_fail("its own text does not parse", k1c, e.msg);
		if (resume_compare(&r, r.ck, r2.ck) != 0)
			fuzz_fail("its own text parses to another position",
				  key, k1c);
		if (resume_keep_last(&r2, r2.ck, &e) < 0 ||
		    resume_texts(&r2, &k2, &w2, &e) < 0)
			fuzz_fail("the second text", e.msg, k1c);
		if (strcmp(k1c, k2) != 0 || (w1c == NULL) != (w2 == NULL) ||
		    (w1c && strcmp(w1c, w2) != 0))
			fuzz_fail("its text changes", k1c, k2);
		free(k1c);
		free(w1c);
	}
	/* a row's position against it */
	for (size_t i = 0; i < r.n; i++) {
		pieces[npieces] = piece(&p, end);
		buf_init(&mem[npieces], 1u << 20);
		if (!pieces[npieces] ||
		    value_parse(t->cols[r.cols[i]].type, pieces[npieces],
				strlen(pieces[npieces]), &mem[npieces], &pos[i],
				&e) < 0)
			row_ok = 0;
		npieces++;
		if (!row_ok)
			break;
	}
	if (row_ok && r.n) {
		int ab = resume_compare(&r, pos, r.ck);
		int ba = resume_compare(&r, r.ck, pos);
		if (sign(ab) != -sign(ba))
			fuzz_fail("the order is not antisymmetric", key,
				  pieces[0]);
	}
	for (size_t i = 0; i < npieces; i++) {
		free(pieces[i]);
		buf_release(&mem[i]);
	}
out:
	resume_release(&r);
	resume_release(&r2);
	free(wm);
	free(key);
	return 0;
}
