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

/* The mask the spec puts on column col of input table `table`, or NULL;
 * spec_mask applies it to the non-NULL text value v (v then points into
 * b). For ferry-verify -s, which compares side A masked as the target is. */
struct col_op;
const struct col_op *spec_column_mask(const struct spec *s, const char *table,
				      const char *col);
int spec_mask(const struct col_op *op, struct buf *b, struct value *v,
	      struct err *e);

/* The zone the spec gives timestamp column col of input table `table`, or
 * NULL; spec_zone turns value v (column col of row `row`, number rown)
 * into the instant it names, as ferry-transform does. */
const struct col_op *spec_column_zone(const struct spec *s, const char *table,
				      const char *col);
int spec_zone(const struct col_op *op, const struct schema_table *t,
	      const struct value *row, size_t col, struct value *v,
	      uint64_t rown, struct err *e);

/* The map or default on column col of input table `table`, or NULL;
 * spec_map applies it to value v as ferry-transform does. */
const struct col_op *spec_column_map(const struct spec *s, const char *table,
				     const char *col);
int spec_map(const struct col_op *op, const struct schema_table *t,
	     const struct value *row, size_t col, struct value *v,
	     uint64_t rown, struct err *e);

/* The cleaning of text column col, or NULL; spec_clean applies it to the
 * non-NULL value v (v then points into b). */
const struct col_op *spec_column_clean(const struct spec *s, const char *table,
				       const char *col);
int spec_clean(const struct col_op *op, struct buf *b, struct value *v,
	       struct err *e);

/* The cast of column col of input table `table` (its new type in *to), or
 * NULL; spec_cast applies it to the non-NULL value v of type `from`, as
 * ferry-transform does (fb and pb: room for the value's forms). */
const struct col_op *spec_column_cast(const struct spec *s, const char *table,
				      const char *col, enum value_type *to);
int spec_cast(const struct col_op *op, const struct schema_table *t,
	      const struct value *row, size_t col, enum value_type from,
	      struct value *v, struct buf *fb, struct buf *pb, uint64_t rown,
	      struct err *e);

/* Whether the spec shifts column col of input table `table`, by *by. */
bool spec_column_shift(const struct spec *s, const char *table, const char *col,
		       int64_t *by);

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
