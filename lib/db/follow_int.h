/*
 * follow_int - for the engines that follow a source (db/pg/follow_pg.c,
 * db/mysql/follow_mysql.c), not for callers: the operations each fills
 * in.  Callers use follow.h.
 */
#ifndef FERRY_FOLLOW_INT_H
#define FERRY_FOLLOW_INT_H

#include "db/follow.h"

struct follow_ops {
	const char *engine; /* as the follow frame names it */
	int (*create)(struct follow *f, struct schema_table *const *tables,
		      size_t n, struct source *src,
		      struct stream_position *start, struct err *e);
	int (*resume)(struct follow *f, struct schema_table *const *tables,
		      size_t n, struct err *e);
	int (*start)(struct follow *f, const struct stream_position *from,
		     struct err *e);
	int (*next)(struct follow *f, struct follow_event *ev, int wait_ms,
		    struct err *e);
	int (*confirm)(struct follow *f, uint64_t order, struct err *e);
	int (*now)(struct follow *f, struct stream_position *pos,
		   struct err *e);
	int (*position)(struct follow *f, const char *text,
			struct stream_position *pos, struct err *e);
	int (*drop)(struct follow *f, struct err *e);
	void (*close)(struct follow *f);
};

struct follow {
	const struct follow_ops *ops;
};

/* a change's values: a row, its key and an old key, with room for the
 * widest of the followed tables */
struct follow_bufs {
	struct value *row, *key, *old;
	size_t maxcols, maxkey;
};

/* (Re)make b for tables[0..n): 0, or -1 (oom). */
int follow_bufs_make(struct follow_bufs *b, struct schema_table *const *tables,
		     size_t n, struct err *e);
void follow_bufs_free(struct follow_bufs *b);

/* t's key (npk values) of row into key: 0, or -1 with ERR_STREAM when a
 * key column is NULL (a change without its key) */
int follow_key_of(const struct schema_table *t, const struct value *row,
		  struct value *key, struct err *e);

/* a finding of follow_preflight, printf-style, to fn */
int follow_say(follow_finding_fn fn, void *ctx, const char *about,
	       struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

struct follow *follow_pg_open(const struct uri *u, const char *job,
			      const struct source_opts *o, struct err *e);
int follow_pg_preflight(const struct uri *u, const struct source_opts *o,
			char *const *names, size_t n, follow_finding_fn fn,
			void *ctx, struct err *e);
struct follow *follow_mysql_open(const struct uri *u, const char *job,
				 const struct source_opts *o, struct err *e);
int follow_mysql_preflight(const struct uri *u, const struct source_opts *o,
			   char *const *names, size_t n, follow_finding_fn fn,
			   void *ctx, struct err *e);

#endif
