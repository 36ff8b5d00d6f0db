/*
 * expr - the expression language of transform specs (ferry-spec(5)), for
 * a table's "where" filter and for computed columns.
 *
 *     status = 'sent' AND deleted_at IS NULL AND sender_id IN (1, 2)
 *     lower(trim(email)) || '@' || coalesce(domain, 'example.org')
 *
 * An expression is compiled once per table against the columns of the
 * input table (their names as the stream has them, before the spec renames
 * anything), so that unknown columns, unknown functions and type mistakes
 * are found before any row is read.  Every node gets a static type and its
 * own room for its result, so evaluating a row allocates nothing once the
 * buffers have grown to the sizes the data needs.
 *
 * Values are SQL's: NULL propagates through operators and functions (but
 * concat and coalesce), AND, OR and NOT use three-valued logic, and a
 * "where" keeps a row only when it is true.
 */
#ifndef FERRY_EXPR_H
#define FERRY_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

/* longest expression text, deepest nesting, most nodes */
#define EXPR_MAX_LEN 65536
#define EXPR_MAX_DEPTH 64
#define EXPR_MAX_NODES 4096

struct expr;

/*
 * Compile src[0..len) against the columns of input table t.  With t NULL,
 * check the syntax and the function names only (a spec is checked so when
 * it is loaded, before any table is known).  now: what now() returns, in
 * microseconds since 1970 UTC (one instant for a whole run).  NULL with e
 * set (ERR_SPEC, "at character N: ...").
 */
struct expr *expr_compile(const char *src, size_t len,
			  const struct schema_table *t, int64_t now,
			  struct err *e);

/* The result's type: bool, int64, float64, decimal, text, bytes, date,
 * time, timestamp or timestamptz; VALUE_NULL when it is always NULL. */
enum value_type expr_type(const struct expr *x);

/*
 * Evaluate on a row of the table it was compiled for.  *out points at the
 * result, valid until the next call or expr_free.  -1 with e set (ERR_SPEC:
 * division by zero, integer overflow, ...), with no place in front: the
 * caller names table, row and column.
 */
int expr_eval(struct expr *x, const struct value *row, const struct value **out,
	      struct err *e);

void expr_free(struct expr *x);

/* SQL LIKE: % any run of characters, _ one character, \ takes the next
 * character literally.  Exposed for tests. */
int expr_like(const char *s, size_t slen, const char *p, size_t plen);

#endif
