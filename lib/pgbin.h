/*
 * pgbin - PostgreSQL's binary COPY format, for ferry-load: which stream
 * type can travel to which target column type this way, and the bytes of
 * one value.  Binary COPY spares the server the parsing of every value's
 * text (a million chat messages: 1.9 s of COPY as text, 1.0 s as binary),
 * but each target type has its own binary form, so a table takes it only
 * when every column's pair is one of those below; any other (a float4, a
 * domain, an interval carried as text) keeps the whole table in text.
 */
#ifndef FERRY_PGBIN_H
#define FERRY_PGBIN_H

#include "buf.h"
#include "err.h"
#include "value.h"

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

#endif
