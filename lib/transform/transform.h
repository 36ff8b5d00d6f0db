/*
 * transform - reshape a stream by a JSON spec (ferry-spec(5)): skip,
 * rename and filter tables; rename, drop, reorder, convert, mask and add
 * columns.  Table by table, one row in memory; the writer recomputes
 * counts and digests of what it writes.
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

#include "base/buf.h"
#include "base/err.h"
#include "stream/stream.h"

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
const char *spec_table_source(const struct spec *s, const char *out);

/*
 * A table's plan: what the spec makes of input table t and its rows, for
 * ferry-transform and for side A of ferry-verify -s.  spec_plan_new checks
 * the table's entry against t (before any row is read): *out is NULL when
 * the spec skips the table; -1 with e set (ERR_SPEC).  The plan refers to
 * t, which must outlive it.
 */
struct spec_plan;
int spec_plan_new(struct spec *s, const struct schema_table *t,
		  struct spec_plan **out, struct err *e);
void spec_plan_free(struct spec_plan *p);

/* The output table's schema (names, types, key, indexes). */
const struct schema_table *spec_plan_schema(const struct spec_plan *p);

/* The input column output column col comes from; -1 for an added one. */
int spec_plan_source(const struct spec_plan *p, size_t col);

/* A key column whose values the spec may reorder (a cast, mask, map,
 * clean or zone on it), or NULL: a merge by key cannot follow those. */
const char *spec_plan_reorders_key(const struct spec_plan *p);

/*
 * Reshape input row `row` (its number rown, from 1, for messages): 1 and
 * *out the output row (valid until the next call); 0 when the table's
 * "where" drops it; 2 when a rule ("invalid": "reject", "unmapped":
 * "reject") sets it aside, why in e->msg (class ERR_REJECTS); -1 with e
 * set, naming table, row, key and column.
 */
int spec_plan_row(struct spec_plan *p, const struct value *row, uint64_t rown,
		  const struct value **out, struct err *e);

/* Where the spec first says "reject" (a JSON path), or NULL: rows it sets
 * aside need somewhere to go. */
const char *spec_rejects(const struct spec *s);

struct transform_stats {
	uint64_t tables_in, tables_out, rows;
	uint64_t filtered; /* rows the "where" filters dropped */
	uint64_t rejected; /* rows set aside */
};

/*
 * Read the stream on `in`, write the transformed stream with writer `w`
 * (finished here), and rows a rule rejects to rj (NULL when the spec has
 * no such rule).  0, or -1 with e set.
 */
struct rejects;
int transform_run(struct spec *s, FILE *in, const char *in_name,
		  struct stream_writer *w, struct rejects *rj,
		  struct transform_stats *st, struct err *e);

#endif
