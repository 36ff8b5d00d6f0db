/*
 * sink_int - for the engines that implement a sink (db/mysql/, db/pg/),
 * not for callers: the operations each fills in and what the engines
 * share.  Callers use sink.h.
 */
#ifndef FERRY_SINK_INT_H
#define FERRY_SINK_INT_H

#include <stddef.h>
#include <stdint.h>

#include "db/sink.h"

struct sink_ops {
	int (*begin_table)(struct sink *s, const struct schema_table *t,
			   const char *name, struct err *e);
	int (*write_row)(struct sink *s, const struct value *row,
			 struct err *e);
	int (*end_table)(struct sink *s, struct sink_table_stats *st,
			 struct err *e);
	void (*abort_table)(struct sink *s, const char *why);
	int (*foreign_keys)(struct sink *s, const struct schema_table *t,
			    const char *name, char *const *refs,
			    struct create_notes *notes, struct err *e);
	void (*close)(struct sink *s);
	int (*checkpoint_read)(struct sink *s, const char *table,
			       const char *part, struct checkpoint *c,
			       struct err *e);
	int (*job_lock)(struct sink *s, const char *part, struct err *e);
	int (*checkpoint_write)(struct sink *s, const char *table,
				const struct checkpoint *c, struct err *e);
	int (*empty_tables)(struct sink *s, char *const *names, size_t n,
			    struct err *e);
	/* NULL: every name is the target's own */
	int (*claim_name)(struct sink *s, const struct schema_table *t,
			  const char *name, struct err *e);
	/* NULL: foreign keys are not checked during a load */
	int (*fk_related)(struct sink *s, const struct schema_table *t,
			  const char *name, struct err *e);
	/* one transaction over several tables (sink_group_*): what 0
	 * begins it, 1 commits it, 2 rolls it back (never fails then) */
	int (*group)(struct sink *s, int what, struct err *e);
	/* NULL: the engine has no sequences ferry makes */
	int (*sequence)(struct sink *s, const struct schema_sequence *q,
			int create, enum sink_seq_outcome *out, struct err *e);
	/* NULL: the engine makes no views */
	int (*view)(struct sink *s, const char *name, const char *query,
		    const struct sink_view_tables *vt,
		    enum sink_view_outcome *out, char *why, size_t whysz,
		    struct err *e);
};

/* For the implementations: write the checkpoint of table t before a
 * commit, `rows` rows written in this run, `done` at the table's end. */
int sink_checkpoint_commit(struct sink *s, const struct schema_table *t,
			   uint64_t rows, int done, int keys_pending,
			   struct err *e);
/*
 * Column col of row (of stream table t) could not be written: e says why.
 * A value the target cannot hold (ERR_STREAM: a NUL in PostgreSQL text,
 * NaN for MySQL) is a refused row when rejects are set aside: 1 after the
 * reject callback took it with the reason (e cleared), for the caller to
 * count and skip; else -1 with e prefixed by the row and column.
 */
int sink_value_refused(struct sink *s, const struct schema_table *t,
		       const struct value *row, size_t col, struct err *e);

struct sink *sink_pg_open(const struct uri *u, const struct sink_opts *o,
			  struct err *e);
struct sink *sink_mysql_open(const struct uri *u, const struct sink_opts *o,
			     struct err *e);

#endif
