/*
 * pgbin - PostgreSQL's binary COPY format, for ferry-load: which stream
 * type can travel to which target column type this way, and the bytes of
 * one value.  Binary COPY spares the server the parsing of every value's
 * text (a million chat messages: 1.9 s of COPY as text, 1.0 s as binary),
 * but each target type has its own binary form, so a table takes it only
 * when every column's pair is one of those below; any other (a float4, a
 * domain, an interval carried as text) keeps the whole table in text.
 *
 * The other way, for a PostgreSQL source: COPY (SELECT ...) TO STDOUT in
 * binary sends tuples of length-prefixed fields in each column type's
 * binary form; pgbin_tuple_size and pgbin_decode_row take them apart.
 * Their input is the server's bytes and is trusted for nothing: every
 * length is checked against the bytes at hand.
 */
#ifndef FERRY_PGBIN_H
#define FERRY_PGBIN_H

#include "base/buf.h"
#include "base/err.h"
#include "stream/value.h"

enum pgbin_kind {
	PGB_NONE = 0, /* no binary form: the table goes as text */
	PGB_BOOL,
	PGB_BOOL_INT2, /* a bool into a smallint, integer or bigint */
	PGB_BOOL_INT4,
	PGB_BOOL_INT8,
	PGB_INT2, /* an int64 into a smallint: range checked */
	PGB_INT4,
	PGB_INT8,
	PGB_NUMERIC, /* int64, uint64 or decimal into numeric */
	PGB_FLOAT8,
	PGB_TEXT, /* text, enum or json as their bytes */
	PGB_JSONB,
	PGB_BYTEA,
	PGB_DATE,
	PGB_TIME,
	PGB_TIMESTAMP, /* timestamp or timestamptz */
	PGB_UUID,
	PGB_UUID_TEXT, /* a uuid into a text column: its 36 characters */
};

/* The way stream type t goes into a target column of type `typname`
 * (pg_type.typname; typtype 'e' for an enum type), or PGB_NONE. */
enum pgbin_kind pgbin_kind(enum value_type t, const char *typname,
			   char typtype);

/* The stream's header and trailer, and the start of a row of n fields. */
int pgbin_header(struct buf *b, struct err *e);
int pgbin_trailer(struct buf *b, struct err *e);
int pgbin_row(struct buf *b, size_t n, struct err *e);

/* One field: its length and bytes (-1 for NULL).  A value the target type
 * cannot hold is ERR_DB, as the server would say it; a NUL in text
 * ERR_STREAM. */
int pgbin_value(struct buf *b, enum pgbin_kind k, enum value_type t,
		const struct value *v, struct err *e);

/* --- decoding, for the PostgreSQL source ----------------------------- */

/* how a column's binary COPY field becomes a value */
enum pgbin_dec {
	PGBIN_DEC_BOOL,
	PGBIN_DEC_INT2,
	PGBIN_DEC_INT4,
	PGBIN_DEC_INT8,
	PGBIN_DEC_FLOAT4,
	PGBIN_DEC_FLOAT8,
	PGBIN_DEC_NUMERIC,
	PGBIN_DEC_TEXT,	 /* text types, enum labels, json, anything cast to
			  * text */
	PGBIN_DEC_JSONB, /* a version byte, then text */
	PGBIN_DEC_BYTES,
	PGBIN_DEC_DATE,
	PGBIN_DEC_TIME,
	PGBIN_DEC_TS,
	PGBIN_DEC_UUID,
	PGBIN_DEC_GEOMETRY, /* PostGIS EWKB, to stream/wkb.h's form in
			     * scratch, as a numeric's text */
	PGBIN_DEC_COUNT
};

/*
 * The size in bytes of the tuple at b[0..avail): its 16-bit field count
 * (which must be ncols; the trailer's -1 is the caller's to see first),
 * then per field a 32-bit length (-1: NULL) and that many bytes.  1 with
 * *size set when the whole tuple is there; 0 when more bytes are needed,
 * with *size the length to have before asking again (more than avail);
 * -1 with ERR_DB when the field count is wrong, or ERR_STREAM and *col
 * the field when a length passes max_field (*col is SIZE_MAX otherwise).
 */
int pgbin_tuple_size(const unsigned char *b, size_t avail, size_t ncols,
		     size_t max_field, size_t *size, size_t *col,
		     struct err *e);

/*
 * Decode the tuple b[0..size) that pgbin_tuple_size measured into
 * row[0..ncols), field i with dec[i].  Text and bytes point into b;
 * numerics are written as text to scratch (reset first), and row points
 * there once every field is decoded, so the values stay valid while b
 * and scratch are untouched.  0, or -1 with ERR_STREAM (malformed field,
 * *col its index) or ERR_SYSTEM.  Values are not run through value_check.
 */
int pgbin_decode_row(const enum pgbin_dec *dec, size_t ncols,
		     const unsigned char *b, size_t size, struct buf *scratch,
		     struct value *row, size_t *col, struct err *e);

/*
 * One field b[0..len) with decoder d into v.  A numeric's canonical text
 * (-?digits[.digits] with the field's display scale, NaN, Infinity,
 * -Infinity) is appended to scratch and v points there: the pointer moves
 * if scratch grows later (pgbin_decode_row takes care of that).  0, or -1
 * with ERR_STREAM.
 */
int pgbin_decode(enum pgbin_dec d, const unsigned char *b, size_t len,
		 struct buf *scratch, struct value *v, struct err *e);

/* The stream type of decoder d's values (VALUE_TEXT for TEXT and JSONB
 * alike: the column says which). */
enum value_type pgbin_dec_type(enum pgbin_dec d);

#endif
