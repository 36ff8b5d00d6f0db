/*
 * source_int - for the engines that implement a source (db/mysql/,
 * db/pg/), not for callers: the operations each fills in, the state the
 * interface keeps, and what the engines share.  Callers use source.h.
 */
#ifndef FERRY_SOURCE_INT_H
#define FERRY_SOURCE_INT_H

#include <stdint.h>

#include "db/source.h"

/* a view of the source, as its catalog shows it (source_ops.views) */
struct source_view {
	const char *schema; /* NULL: PostgreSQL's public, or MySQL */
	const char *own;    /* its own name */
	const char *name;   /* as the objects list names it */
	const char *home;   /* what qualifies a table of no schema: "public",
			     * or MySQL's database */
	const char *sql;    /* its query; NULL: not readable */
	char *const *cols;  /* its columns, in order */
	size_t ncols;
	int mysql; /* the catalog's dialect is MySQL's, else PostgreSQL's */
};
typedef int (*source_view_fn)(void *ctx, const struct source_view *v,
			      struct err *e);

struct source_ops {
	int (*begin)(struct source *s, struct err *e);
	int (*list_tables)(struct source *s, char ***names, size_t *n,
			   struct err *e);
	struct schema_table *(*describe)(struct source *s, const char *table,
					 struct err *e);
	int (*open_rows)(struct source *s, const struct source_query *q,
			 struct err *e);
	int (*next_row)(struct source *s, const struct value **row,
			struct err *e);
	void (*close)(struct source *s);
	int (*facts)(struct source *s, const struct schema_table *t, int exact,
		     struct source_facts *f, struct err *e);
	int (*server)(struct source *s, struct source_server *f, struct err *e);
	int (*per_day)(struct source *s, const struct schema_table *t,
		       size_t col, unsigned days, char **newest,
		       source_day_fn fn, void *ctx, struct err *e);
	/* every object of the database the stream does not carry, to fn:
	 * schema (NULL on MySQL) and table NULL for one of no table */
	int (*objects)(struct source *s, source_object_fn fn, void *ctx,
		       struct err *e);
	/* NULL: the engine has no exported snapshots */
	int (*begin_snapshot)(struct source *s, const char *name,
			      struct err *e);
	/* NULL: the engine cannot say (source_weights) */
	int (*weights)(struct source *s, const char *collation,
		       const char *const *texts, size_t n, struct buf *out,
		       size_t *ends, struct err *e);
	/* NULL: the engine has no binary log */
	int (*log_position)(struct source *s, char *file, size_t filesz,
			    uint64_t *pos, struct err *e);
	/* NULL: every time column holds times of day */
	int (*durations)(struct source *s, struct schema_table *t,
			 struct err *e);
	/* NULL: the engine cannot say (source_check_rows) */
	int (*check_rows)(struct source *s, const struct schema_table *t,
			  const char *cond, enum source_rows what, size_t idx,
			  const char *json,
			  source_ordinal_fn fn, void *ctx, struct err *e);
	/* every (plain) view of the database, to fn */
	int (*views)(struct source *s, source_view_fn fn, void *ctx,
		     struct err *e);
	/* source_rows_estimate; NULL: the engine has none */
	int (*rows_estimate)(struct source *s, struct schema_table *t,
			     struct err *e);
	/* source_relation_exists */
	int (*relation_exists)(struct source *s, const char *name,
			       struct err *e);
	/* the name of the snapshot source_begin began, for other
	 * connections' begin_snapshot; NULL: the engine exports none */
	int (*export_snapshot)(struct source *s, char *name, size_t namesz,
			       struct err *e);
	/* take (on 1) or give back (0) a lock that stops every write of the
	 * server; NULL: the engine has none ferry takes */
	int (*global_lock)(struct source *s, int on, struct err *e);
};

struct source {
	const struct source_ops *ops;
	struct source_opts opts;
	uint64_t zero_dates;
	uint64_t *zero_col; /* zero dates per column of the current table */
	size_t zero_ncols;
	uint64_t row_no; /* rows read of the current table, for messages */
};

struct source *source_mysql_open(const struct uri *u,
				 const struct source_opts *o, struct err *e);
struct source *source_pg_open(const struct uri *u, const struct source_opts *o,
			      struct err *e);

/*
 * Key ranges for --part, over the first primary-key column whose values lie
 * between lo and hi (inclusive): part k of n holds the keys with
 * key > *gt (when *has_gt) and key <= *le (when *has_le).  Part 1 has no
 * lower and part n no upper bound, so rows beyond lo..hi are not lost, and
 * the n parts together hold every key exactly once.  1 <= k <= n.
 */
void source_part_bounds(int64_t lo, int64_t hi, unsigned k, unsigned n,
			int *has_gt, int64_t *gt, int *has_le, int64_t *le);

/*
 * The source's CHECK constraint `name`, text in the engine's dialect (an
 * enum sqlexpr_dialect), added to t in ferry's form when it means the
 * same on every engine (stream/sqlexpr.h); when not, it stays out, and
 * the objects frame names it with the reason.  A check that only keeps a
 * column "unsigned" is that column's member already.  0, or -1 (oom).
 */
int source_add_check(struct schema_table *t, const char *name,
		     const char *text, int dialect, struct err *e);

/* The same for a CHECK of column col's domain (its own name `own`),
 * whose text reads VALUE: the table's check on that column, named name,
 * and the column's domain's check, reading VALUE. */
int source_add_domain_check(struct schema_table *t, size_t col,
			    const char *name, const char *own,
			    const char *text, int dialect, struct err *e);

/*
 * Whether def, a PostgreSQL CHECK as pg_get_constraintdef prints it, is
 * the one ferry-load --create gives a MySQL SET's text[] column of t
 *     CHECK (((c <@ ARRAY['a'::text, ...]) AND (array_ndims(c) = 1)))
 * 1 when it is (with take, the column's "set" members are set from it),
 * 0 when not, -1 out of memory.
 */
int source_set_check(struct schema_table *t, const char *def, int take,
		     struct err *e);

/* Each generated column of t in ferry's form ("generated_form") when its
 * expression (of dialect, enum sqlexpr_dialect) means the same on every
 * engine (sqlexpr_parse_generated); else the column stays without, and
 * --create makes it plain, saying why.  0, or -1 (oom). */
int source_add_generated(struct schema_table *t, int dialect, struct err *e);

/* The source's index `name` on keys (expressions of the engine's
 * dialect) and where (a condition, or NULL), added to t in ferry's form
 * when every part means the same on every engine; else left out (the
 * objects frame names it, with the reason).  0, or -1 (oom). */
int source_add_xindex(struct schema_table *t, const char *name,
		      const char *const *keys, size_t nkeys, int unique,
		      const char *where, int dialect, struct err *e);

#endif
