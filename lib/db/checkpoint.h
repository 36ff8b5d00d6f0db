/*
 * checkpoint - the ferry_checkpoint table that ferry-load --job keeps in
 * its target, and that ferry-extract --since-job reads back.
 *
 * One row per (job, table, part): the rows committed under the job so far, the
 * position of the last committed row (its watermark and its primary key,
 * in the stream's text forms), and whether the table was loaded to its
 * end.  The row is written in the same transaction as the rows it
 * describes, so after a crash it never claims a row that is not there
 * and never misses one that is.
 *
 *   job              text     the --job NAME
 *   table_name       text     the table's name in the stream, in ferry's
 *                             name syntax (schema.h): "x.y" and x.y differ
 *   part             text     '' the whole table (one stream, or the
 *                             key ranges of --parallel in one stream);
 *                             'K/N' the rows of a `ferry-extract --part
 *                             K/N` stream, which resume apart from the
 *                             other parts (checkpoint table 2; no default,
 *                             so that a release before it fails to write
 *                             the table instead of writing a row that
 *                             means something else)
 *   rows_loaded      bigint   rows committed under the job, all runs
 *   last_key         text     JSON array of the last row's key values
 *                             as strings (the forms of ferry-cat), or NULL
 *   last_watermark   text     the last row's watermark value, or NULL
 *   watermark_column text     the stream's watermark column, or NULL
 *   state            text     'loading' or 'done'
 *   keys_pending     bool     a table --create made, whose primary key
 *                             and indexes are still to be built
 *   updated_at       time     of the last commit (UTC)
 *   name_quoted      bool     table_name is in that syntax; false (the
 *                             default when ferry adds the column to the
 *                             previous release's table, PostgreSQL only):
 *                             the old unquoted schema.table spelling
 *
 * Values travel as bound parameters; the table name is fixed.
 *
 * Checkpoint table 1 (before part) is made table 2 in place the first
 * time a --job load meets it: part is added (its rows become part ''),
 * the primary key becomes (job, table_name, part).
 */
#ifndef FERRY_CHECKPOINT_H
#define FERRY_CHECKPOINT_H

#include <stdint.h>

#include "base/err.h"
#include "db/uri.h"

#define CHECKPOINT_TABLE "ferry_checkpoint"
/*
 * The table_name of a --follow job's row: no table has an empty name.
 * Its last_watermark is the position's order (decimal), last_key the
 * position's text, rows_loaded the source transactions applied, state
 * 'done' once the stream ended (--until).
 */
#define CHECKPOINT_FOLLOW ""
#define CHECKPOINT_MAX_NAME 191 /* characters of a job or table name */
#define CHECKPOINT_PART_MAX 24	/* "K/N" of two unsigned 32-bit numbers */
#define CHECKPOINT_MAX_PARTS 100000 /* N of --part K/N */

struct checkpoint {
	int found; /* a row exists */
	uint64_t rows;
	char *last_key;	      /* malloc'd, or NULL */
	char *last_watermark; /* malloc'd, or NULL */
	char *watermark_column;
	int done;
	int keys_pending;
	char *updated_at; /* malloc'd text, or NULL */
	char part[CHECKPOINT_PART_MAX]; /* "" the whole table, or "K/N" */
	/* read: the job holds a row of the table that does not go with the
	 * part asked for (the whole table against a part, or a part of
	 * another N): other_part names it */
	int other_found;
	char other_part[CHECKPOINT_PART_MAX];
	/* checkpoint_read_job: a table loaded in parts not all done */
	int parts_open;
};

void checkpoint_release(struct checkpoint *c);

/* Check a --job name: 1..CHECKPOINT_MAX_NAME characters of valid UTF-8,
 * no control characters.  -1 with ERR_USAGE. */
int checkpoint_check_job(const char *job, struct err *e);

/*
 * Every table's checkpoint of `job` in the database at u, for
 * ferry-extract --since-job: fn is called once per table (c borrowed).
 * A table loaded in parts is given as one checkpoint: once every part is
 * done, rows summed and the last key of the highest part that has one;
 * before that, parts_open and no position.
 * A target without the checkpoint table has none.  -1 with e set.
 */
/* The part "K/N" (k, n > 0) into out; "" when n < 2. */
void checkpoint_part_name(char out[CHECKPOINT_PART_MAX], unsigned k,
			  unsigned n);

typedef int (*checkpoint_fn)(void *ctx, const char *table,
			     const struct checkpoint *c, struct err *e);
int checkpoint_read_job(const struct uri *u, const char *defaults_file,
			unsigned connect_timeout, unsigned read_timeout,
			const char *job, checkpoint_fn fn, void *ctx,
			struct err *e);

#endif
