/*
 * loadfmt - the text of a value as ferry-load sends it to a server:
 * PostgreSQL's COPY text format, and MariaDB/MySQL's LOAD DATA fields
 * and INSERT literals.  Moved out of sink_pg.c and sink_mysql.c, which
 * hold the connections, so that the encoders can be fuzzed without a
 * server; no <libpq-fe.h> or <mysql.h> here.
 *
 * Every function appends one field to b (the caller writes the
 * separators: a tab between COPY and LOAD DATA fields, a newline after a
 * row; a comma between INSERT values) and returns 0, or -1 with
 * ERR_STREAM for a value the target cannot take (the load rejects the
 * row) or the class buf sets.  On -1, b may hold part of the field: the
 * caller cuts the row back.  Values are expected to have passed
 * value_check.
 */
#ifndef FERRY_LOADFMT_H
#define FERRY_LOADFMT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/value.h"

/*
 * A field of COPY ... FROM STDIN in text format: \N for NULL; text, enum,
 * json and decimal with backslash, tab, newline and carriage return
 * escaped (a NUL byte is ERR_STREAM: PostgreSQL refuses it); bytes as
 * \\x and hex; dates and timestamps in PostgreSQL's own form (years
 * before 1 as "YYYY-MM-DD BC", timestamptz with "+00"), infinity and
 * -infinity; bool as t/f, or 1/0 when bool_as_int (an integer column).
 */
int loadfmt_pg_copy(struct buf *b, enum value_type t, int bool_as_int,
		    const struct value *v, struct err *e);

/*
 * A MySQL SET's text s (len bytes: members between commas, '' for none)
 * as PostgreSQL's text[] literal: {"a","b"}, each member double-quoted
 * with " and \ escaped, {} for ''.  Not COPY-escaped (a DEFAULT's text).
 */
int loadfmt_pg_set_array(struct buf *b, const char *s, size_t len,
			 struct err *e);

/* The same as a field of COPY text (NULL as \N) */
int loadfmt_pg_copy_set(struct buf *b, const struct value *v, struct err *e);

/*
 * A field of LOAD DATA ... FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
 * LINES TERMINATED BY '\n': \N for NULL; text, enum, json and bytes with
 * backslash, tab, newline, CR and NUL escaped; other types in the text
 * MySQL reads, where nothing needs an escape.  Values MySQL has no room
 * for are ERR_STREAM: NaN and infinite floats or decimals, infinite
 * dates and timestamps, years outside 1..9999.
 */
int loadfmt_my_field(struct buf *b, enum value_type t, const struct value *v,
		     struct err *e);

/*
 * Append s[0..len) as a quoted SQL string literal (the MySQL sink calls
 * mysql_real_escape_string, which needs the connection's character set).
 */
typedef int (*loadfmt_quote_fn)(void *ctx, struct buf *b, const char *s,
				size_t len, struct err *e);

/*
 * A value of a multi-row INSERT: NULL; bytes as X'hex'; text, enum and
 * json through quote(ctx, ...); numbers bare; other types as the text
 * of loadfmt_my_field in single quotes (nothing in it needs an escape).
 * The same values are refused as by loadfmt_my_field.
 */
int loadfmt_my_literal(struct buf *b, enum value_type t, const struct value *v,
		       loadfmt_quote_fn quote, void *ctx, struct err *e);

#endif
