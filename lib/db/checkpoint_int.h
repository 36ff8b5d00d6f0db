/*
 * checkpoint_int - for the engines' halves of the checkpoint table
 * (db/pg/checkpoint_pg.c, db/mysql/checkpoint_mysql.c), not for callers:
 * what both engines do alike with its rows.
 */
#ifndef FERRY_CHECKPOINT_INT_H
#define FERRY_CHECKPOINT_INT_H

#include "db/checkpoint.h"

/* A table name a checkpoint row can hold (CHECKPOINT_MAX_NAME
 * characters), else -1 with ERR_USAGE. */
int checkpoint_check_table(const char *table, struct err *e);

/* *out = a copy of s, or NULL when s is NULL; -1 when out of memory */
int checkpoint_dup(char **out, const char *s, struct err *e);

/*
 * The 9 parameters of a checkpoint's INSERT, in the column order both
 * engines' statements use (job, table_name, rows_loaded, last_key,
 * last_watermark, watermark_column, state, keys_pending, part); rows
 * holds the text of c->rows; `yes`/`no` spell keys_pending.  Borrowed
 * from c.
 */
int checkpoint_params(const char *p[9], char rows[24], const char *job,
		      const char *table, const struct checkpoint *c,
		      const char *yes, const char *no, struct err *e);

/*
 * c from a row of the engines' checkpoint SELECT: rows_loaded, last_key,
 * last_watermark, watermark_column, state, keys_pending ("1" or "0"),
 * updated_at, table_name, part; NULL for SQL NULL.  c is released first.
 */
int checkpoint_from_row(void *c, char **row, size_t *lens, struct err *e);

/* A read of one table's rows (that SELECT, every part) for one part:
 * the engines hand each row to checkpoint_pick_row */
struct checkpoint_pick {
	struct checkpoint *c; /* zeroed by the caller; filled */
	const char *part;     /* the part asked for */
};
int checkpoint_pick_row(void *ctx, char **row, size_t *lens, struct err *e);

/* checkpoint_read_job's callback and its context: rows come ordered by
 * table_name, part; a table's parts are gathered before the callback */
struct checkpoint_job {
	checkpoint_fn fn;
	void *ctx;
	const char *job;
	char *table;		  /* the table being gathered, or NULL */
	struct checkpoint *parts; /* its rows */
	size_t n, cap;
};

/* One row of that SELECT, gathered; ctx is a struct checkpoint_job.
 * checkpoint_job_end hands on the last table and frees what is held
 * (rc < 0: only frees). */
int checkpoint_job_row(void *ctx, char **row, size_t *lens, struct err *e);
int checkpoint_job_end(struct checkpoint_job *j, int rc, struct err *e);

#endif
