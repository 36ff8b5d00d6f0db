/*
 * mytext - the values of MySQL's text protocol: how the text a
 * MariaDB/MySQL server sends for a column (mysql_fetch_row) becomes a
 * ferry value.  Split out of source_mysql.c, which holds the connection,
 * so that the server's text can be fuzzed without a server; no
 * <mysql.h> here.
 */
#ifndef FERRY_MYTEXT_H
#define FERRY_MYTEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

/* how a column's text from the server becomes a value */
enum mytext_dec {
	MYTEXT_BOOL, /* tinyint(1): 0 or 1, anything else is an error */
	MYTEXT_INT,
	MYTEXT_UINT,
	MYTEXT_FLOAT,
	MYTEXT_DECIMAL,
	MYTEXT_TEXT, /* also enum, set, json: taken as they are */
	MYTEXT_BYTES,
	MYTEXT_DATE,
	MYTEXT_DATETIME,  /* no zone */
	MYTEXT_TIMESTAMP, /* UTC, the session's zone */
	MYTEXT_TIME,
	MYTEXT_BIT, /* big-endian bytes */
	MYTEXT_UUID,
	MYTEXT_GEOMETRY, /* the server's SRID + WKB, to EWKB (stream/wkb.h)
			  * in scratch, no longer than the text */
	MYTEXT_DEC_COUNT
};

/* The decoder for column c (its ferry type and source type). */
enum mytext_dec mytext_decoder_for(const struct schema_column *c);

/* The stream type a decoder's values have. */
enum value_type mytext_type(enum mytext_dec d);

/* 1 if p[0..len) is a zero date, or one with a zero month or day
 * ('0000-00-00', '2020-00-15'), else 0. */
int mytext_is_zero_date(const char *p, size_t len);

/*
 * Decode the server's text p[0..len) (not NUL-terminated) with d into v.
 * Text and bytes point into p; uuids and geometries are written to
 * scratch (see value_parse: reserve room before decoding a row so that
 * pointers stay put; a geometry takes at most its text's length).  Returns 0; MYTEXT_ZERO_DATE for a zero date of a date, datetime
 * or timestamp column, v untouched (the caller's --zero-dates decides);
 * -1 with ERR_STREAM when the text is not a value of the column's type.
 * Does not run value_check (text is not checked for UTF-8 here).
 */
#define MYTEXT_ZERO_DATE 1
int mytext_decode(enum mytext_dec d, const char *p, size_t len,
		  struct buf *scratch, struct value *v, struct err *e);

#endif
