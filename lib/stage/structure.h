/*
 * structure - what an application would notice of a table moved from one
 * database to another, besides its rows: ferry-verify --schema-only.
 *
 * Two tables as the engines describe them (source_describe, each in
 * ferry's portable form, so that MariaDB's INT AUTO_INCREMENT and
 * PostgreSQL's integer identity agree) are compared: columns and their
 * stream types (the mapping table both readers share), enum labels in
 * order, text lengths, numeric precision, nullability, defaults, identity
 * and the next value of its counter, generated columns, how text compares
 * (case, accents), the primary key, unique and plain indexes, indexes on
 * expressions, CHECK constraints, foreign keys, and between two
 * PostgreSQL databases the partitioning.  Names of indexes and
 * constraints do not matter (each engine's --create names its own; a
 * partition's name does); what they hold does.  No connection here: a pure function, unit-tested.
 */
#ifndef FERRY_STRUCTURE_H
#define FERRY_STRUCTURE_H

#include "base/err.h"
#include "stream/schema.h"

/* whether a name of side A and one of side B are the same (the callers'
 * name matching across engines: case folding, PostgreSQL's 63 bytes);
 * table: the names are of tables, not columns */
typedef int (*structure_same_fn)(void *ctx, const char *a, const char *b,
				 int table);

/* one difference: what it is about ("column body", "index (a, b)", ...)
 * and what differs, for the user */
typedef int (*structure_diff_fn)(void *ctx, const char *about,
				 const char *what, struct err *e);

/*
 * Every difference between a (side A) and b (side B), each a call of
 * diff; same_engine: both sides are of one engine (expressions the
 * engines write alike are compared as text only then), and
 * STRUCTURE_BOTH_PG set in it when both are PostgreSQL (a foreign key's
 * NO ACTION and RESTRICT differ only there, for deferred checks).  The
 * number of differences, or -1 with e set (what diff returns, or oom).
 */
#define STRUCTURE_BOTH_PG 2
long structure_compare(const struct schema_table *a,
		       const struct schema_table *b, int same_engine,
		       structure_same_fn same, void *same_ctx,
		       structure_diff_fn diff, void *diff_ctx, struct err *e);

/*
 * Only the counters: each identity or AUTO_INCREMENT column of a whose
 * counter on b is behind (b's next new row would get a smaller id than
 * a's), a call of diff each.  What row verification adds, so that
 * "equal" means the application can go on writing.  The number, or -1.
 */
long structure_counters(const struct schema_table *a,
			const struct schema_table *b, structure_same_fn same,
			void *same_ctx, structure_diff_fn diff, void *diff_ctx,
			struct err *e);

#endif
