/*
 * inject.c - an LD_PRELOAD shim that makes stdio reads or writes fail, so
 * tests can check how ferry's tools meet a failing disk without root.
 *
 *   FERRY_INJECT_READ=EIO:4096     fread fails with EIO after 4096 bytes
 *   FERRY_INJECT_WRITE=ENOSPC:0    fwrite fails with ENOSPC at once
 *
 * Only files other than stderr are affected.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct inject {
	int on;
	int err;
	size_t budget;
	size_t done;
	int failed;
};

static struct inject rd, wr;
static int ready;

static void parse(struct inject *in, const char *var)
{
	const char *v = getenv(var), *colon;

	if (!v)
		return;
	colon = strchr(v, ':');
	if (!colon)
		return;
	if (strncmp(v, "EIO", 3) == 0)
		in->err = EIO;
	else if (strncmp(v, "ENOSPC", 6) == 0)
		in->err = ENOSPC;
	else
		in->err = EIO;
	in->budget = strtoull(colon + 1, NULL, 10);
	in->on = 1;
}

static void setup(void)
{
	if (ready)
		return;
	ready = 1;
	parse(&rd, "FERRY_INJECT_READ");
	parse(&wr, "FERRY_INJECT_WRITE");
}

size_t fread(void *p, size_t size, size_t n, FILE *f)
{
	static size_t (*real)(void *, size_t, size_t, FILE *);
	size_t allow, got;

	if (!real)
		real = (size_t(*)(void *, size_t, size_t, FILE *))dlsym(
		    RTLD_NEXT, "fread");
	setup();
	if (!rd.on || size == 0)
		return real(p, size, n, f);
	/* read for real; past the budget, keep what fits and fail */
	got = real(p, size, n, f);
	allow = rd.budget > rd.done ? (rd.budget - rd.done) / size : 0;
	if (got <= allow) {
		rd.done += got * size;
		return got;
	}
	rd.done += allow * size;
	rd.failed = 1;
	errno = rd.err;
	return allow;
}

int ferror(FILE *f)
{
	static int (*real)(FILE *);

	if (!real)
		real = (int (*)(FILE *))dlsym(RTLD_NEXT, "ferror");
	if (rd.failed || wr.failed)
		return 1;
	return real(f);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	static size_t (*real)(const void *, size_t, size_t, FILE *);
	size_t want, allow, got;

	if (!real)
		real = (size_t(*)(const void *, size_t, size_t, FILE *))dlsym(
		    RTLD_NEXT, "fwrite");
	setup();
	if (!wr.on || f == stderr || size == 0)
		return real(p, size, n, f);
	want = size * n;
	allow = wr.budget > wr.done ? wr.budget - wr.done : 0;
	if (want <= allow) {
		got = real(p, size, n, f);
		wr.done += got * size;
		return got;
	}
	got = allow / size ? real(p, size, allow / size, f) : 0;
	wr.done += got * size;
	wr.failed = 1;
	errno = wr.err;
	return got;
}
