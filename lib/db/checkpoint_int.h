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
 * The 8 parameters of a checkpoint's INSERT, in the column order both
 * engines' statements use (job, table_name, rows_loaded, last_key,
 * last_watermark, watermark_column, state, keys_pending); rows holds the
 * text of c->rows; `yes`/`no` spell keys_pending.  Borrowed from c.
 */
int checkpoint_params(const char *p[8], char rows[24], const char *job,
		      const char *table, const struct checkpoint *c,
		      const char *yes, const char *no, struct err *e);

/*
 * c from a row of the engines' checkpoint SELECT: rows_loaded, last_key,
 * last_watermark, watermark_column, state, keys_pending ("1" or "0"),
 * updated_at, [table_name]; NULL for SQL NULL.  c is released first.
 */
int checkpoint_from_row(void *c, char **row, size_t *lens, struct err *e);

/* checkpoint_read_job's callback and its context */
struct checkpoint_job {
	checkpoint_fn fn;
	void *ctx;
};

/* One row of that SELECT with table_name in row[7], handed to the job's
 * callback; ctx is a struct checkpoint_job. */
int checkpoint_job_row(void *ctx, char **row, size_t *lens, struct err *e);

#endif
