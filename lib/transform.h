/*
 * transform - reshape a stream by a JSON spec (ferry-spec(5)): skip or
 * rename tables, rename, drop and reorder columns.  Table by table, one
 * row in memory; the writer recomputes counts and digests of what it
 * writes.
 *
 * A spec is checked whole when it is loaded (members, types, conflicts),
 * and against each table's schema when that table begins, before any of
 * its rows is read.  Spec errors are ERR_SPEC and name the place in the
 * spec as a path: tables.messages.columns.body.rename.
 */
#ifndef FERRY_TRANSFORM_H
#define FERRY_TRANSFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "stream.h"

struct spec;

/* Load and check the spec in file `path`.  NULL with e set (ERR_SPEC, or
 * ERR_SYSTEM when it cannot be read). */
struct spec *spec_load(const char *path, struct err *e);

/* Parse a spec from memory; `name` is used in messages. */
struct spec *spec_parse(const char *name, const char *json, size_t len,
			struct err *e);

void spec_free(struct spec *s);

/*
 * What the spec makes of names, for ferry-verify -s: the output name of
 * input table `table` (NULL when it is skipped); of its column `col` (NULL
 * when dropped); and the input table whose output name is `out`.
 */
const char *spec_table_name(const struct spec *s, const char *table);
const char *spec_column_name(const struct spec *s, const char *table,
			     const char *col);
const char *spec_table_source(const struct spec *s, const char *out);

/*
 * For ferry-verify -s, which compares side A as the spec reshapes it: the
 * operations on column col of input table `table` (NULL when none), the
 * column's type after them, and whether they cast it.  spec_apply runs
 * them on value v of that column, as ferry-transform does: shift, clean,
 * map and default, zone, cast, mask.  b: room for the value's new forms,
 * valid until the next call with b.
 */
struct col_op;
struct spec_bufs {
	struct buf clean, fmt, parse, mask;
};
const struct col_op *spec_column_ops(const struct spec *s, const char *table,
				     const char *col);
enum value_type spec_column_type(const struct col_op *op, enum value_type from);
bool spec_op_casts(const struct col_op *op);
void spec_bufs_init(struct spec_bufs *b);
void spec_bufs_release(struct spec_bufs *b);
int spec_apply(const struct col_op *op, const struct schema_table *t,
	       const struct value *row, size_t col, struct value *v,
	       struct spec_bufs *b, uint64_t rown, struct err *e);

/* Check the spec against input table t, as ferry-transform does when the
 * table begins: 0, or -1 with e set (ERR_SPEC). */
int spec_check_table(struct spec *s, const struct schema_table *t,
		     struct err *e);

struct transform_stats {
	uint64_t tables_in, tables_out, rows;
};

/*
 * Read the stream on `in`, write the transformed stream with writer `w`
 * (finished here).  0, or -1 with e set.
 */
int transform_run(struct spec *s, FILE *in, const char *in_name,
		  struct stream_writer *w, struct transform_stats *st,
		  struct err *e);

#endif
