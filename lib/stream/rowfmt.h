/*
 * rowfmt - rows as text: JSON lines, CSV (RFC 4180) and TSV (PostgreSQL's
 * COPY text format), and JSON lines read back into rows.
 *
 * Text forms of single values are value_format()'s.  A JSON line is
 *     {"table":"NAME","row":{"column":value,...}}
 * and rowfmt_parse_line() also takes a bare row object when only one
 * table is possible.
 */
#ifndef FERRY_ROWFMT_H
#define FERRY_ROWFMT_H

#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "stream/schema.h"
#include "stream/value.h"

enum rowfmt_kind {
	ROWFMT_JSONL,
	ROWFMT_CSV,
	ROWFMT_TSV,
};

/* Append the header line (column names) for CSV/TSV; nothing for JSONL. */
int rowfmt_header(struct buf *out, enum rowfmt_kind k,
		  const struct schema_table *t, struct err *e);

/* Append one row as a line (with its newline). */
int rowfmt_row(struct buf *out, enum rowfmt_kind k,
	       const struct schema_table *t, const struct value *row,
	       struct err *e);

/* Where a line too large to hold goes: fn writes out's bytes and empties
 * it (0, or -1 with e set). */
struct rowfmt_flush {
	int (*fn)(void *ctx, struct buf *out, struct err *e);
	void *ctx;
};

/* rowfmt_row, but a large text or bytes value (value.h's VALUE_CANON_BIG
 * and more) is formatted a slice at a time, fl taking the line so far
 * before each slice: the same bytes in the end, in bounded memory. */
int rowfmt_row_to(struct buf *out, enum rowfmt_kind k,
		  const struct schema_table *t, const struct value *row,
		  const struct rowfmt_flush *fl, struct err *e);

/*
 * Parse one JSON line into a row of the table it names.  *tree receives the
 * parse tree, which the caller frees with json_free() once the row has been
 * used (values point into it, into `line`, or into scratch).  `tables`:
 * the tables a line may name; a bare row object is taken as a row of
 * tables[only] when only >= 0.  On success *which is the table's index.
 * -1 with ERR_STREAM and a message naming the table and column.
 */
int rowfmt_parse_line(const char *line, size_t len,
		      struct schema_table *const *tables, size_t ntables,
		      int only, size_t *which, struct value *row,
		      struct buf *scratch, struct json_node **tree,
		      struct err *e);

/*
 * A line reader with a bounded line length (no getline: its buffer
 * grows without limit).
 */
struct rowfmt_lines {
	FILE *in;
	struct buf block; /* bytes read, not yet returned */
	size_t pos;
	struct buf line;
	int eof;
	unsigned long long lineno;
};

void rowfmt_lines_init(struct rowfmt_lines *l, FILE *in, size_t max_line);
void rowfmt_lines_release(struct rowfmt_lines *l);

/*
 * Next line without its newline (a CR before it is kept): 1 with
 * l->line holding it, 0 at the end of input, -1 with e set (ERR_SYSTEM on
 * a read error, ERR_STREAM for a line over the limit).
 */
int rowfmt_lines_next(struct rowfmt_lines *l, struct err *e);

#endif
