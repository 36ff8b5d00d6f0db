/*
 * follow - the one door to following a source: each call goes to the
 * engine's implementation (follow_int.h).
 */
#include "db/follow_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void follow_slot_name(const char *job, char out[FOLLOW_NAME_MAX])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)job; *p; p++)
		h = (h ^ *p) * 16777619u;
	o = (size_t)snprintf(out, FOLLOW_NAME_MAX, "ferry_");
	for (const char *p = job; *p && o < 6 + 40; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[o++] =
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
	}
	snprintf(out + o, FOLLOW_NAME_MAX - o, "_%08x", h);
}

int follow_bufs_make(struct follow_bufs *b, struct schema_table *const *tables,
		     size_t n, struct err *e)
{
	size_t maxc = 1, maxk = 1;

	for (size_t i = 0; i < n; i++) {
		if (tables[i]->ncols > maxc)
			maxc = tables[i]->ncols;
		if (tables[i]->npk > maxk)
			maxk = tables[i]->npk;
	}
	follow_bufs_free(b);
	b->row = calloc(maxc, sizeof(*b->row));
	b->key = calloc(maxk, sizeof(*b->key));
	b->old = calloc(maxk, sizeof(*b->old));
	b->maxcols = maxc;
	b->maxkey = maxk;
	if (!b->row || !b->key || !b->old)
		return err_oom(e);
	return 0;
}

void follow_bufs_free(struct follow_bufs *b)
{
	free(b->row);
	free(b->key);
	free(b->old);
	b->row = b->key = b->old = NULL;
	b->maxcols = b->maxkey = 0;
}

int follow_key_of(const struct schema_table *t, const struct value *row,
		  struct value *key, struct err *e)
{
	for (size_t k = 0; k < t->npk; k++) {
		key[k] = row[t->pk[k]];
		if (key[k].null)
			return err_set(e, ERR_STREAM,
				       "table %s: a change without its key "
				       "column %s",
				       t->name, t->cols[t->pk[k]].name);
	}
	return 0;
}

int follow_say(follow_finding_fn fn, void *ctx, const char *about,
	       struct err *e, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return fn(ctx, about, line, e);
}

struct follow *follow_open(const struct uri *u, const char *job,
			   const struct source_opts *o, struct err *e)
{
	if (u->engine == URI_PG)
		return follow_pg_open(u, job, o, e);
	return follow_mysql_open(u, job, o, e);
}

const char *follow_engine(const struct follow *f)
{
	return f->ops->engine;
}

int follow_create(struct follow *f, struct schema_table *const *tables,
		  size_t n, struct source *src, struct stream_position *start,
		  struct err *e)
{
	return f->ops->create(f, tables, n, src, start, e);
}

int follow_resume(struct follow *f, struct schema_table *const *tables,
		  size_t n, struct err *e)
{
	return f->ops->resume(f, tables, n, e);
}

int follow_start(struct follow *f, const struct stream_position *from,
		 struct err *e)
{
	return f->ops->start(f, from, e);
}

int follow_next(struct follow *f, struct follow_event *ev, int wait_ms,
		struct err *e)
{
	return f->ops->next(f, ev, wait_ms, e);
}

int follow_confirm(struct follow *f, uint64_t order, struct err *e)
{
	return f->ops->confirm(f, order, e);
}

int follow_now(struct follow *f, struct stream_position *pos, struct err *e)
{
	return f->ops->now(f, pos, e);
}

int follow_position(struct follow *f, const char *text,
		    struct stream_position *pos, struct err *e)
{
	return f->ops->position(f, text, pos, e);
}

int follow_drop(struct follow *f, struct err *e)
{
	return f->ops->drop(f, e);
}

void follow_close(struct follow *f)
{
	if (f)
		f->ops->close(f);
}

int follow_preflight(const struct uri *u, const struct source_opts *o,
		     char *const *names, size_t n, follow_finding_fn fn,
		     void *ctx, struct err *e)
{
	if (u->engine == URI_PG)
		return follow_pg_preflight(u, o, names, n, fn, ctx, e);
	return follow_mysql_preflight(u, o, names, n, fn, ctx, e);
}
