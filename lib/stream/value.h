/*
 * value - ferry's type system: typed values, their binary encoding in a
 * row batch, their text forms, validation, comparison and the canonical
 * encoding that row digests hash.
 *
 * A struct value never owns memory: text, bytes, decimal, json and enum
 * point at bytes owned by someone else (a batch buffer, a parsed line), and
 * stay valid only as long as that owner says (see stream.h).
 *
 * Binary encoding of one value inside a row (after the row's null bitmap;
 * NULL values take no bytes):
 *   bool                 1 byte, 0 or 1
 *   int64                zig-zag LEB128 varint
 *   uint64               LEB128 varint
 *   float64              8 bytes, IEEE 754 binary64 bits, little-endian
 *   decimal text bytes json enum
 *                        LEB128 varint length, then that many bytes
 *   date                 zig-zag varint, days since 1970-01-01 (proleptic
 *                        Gregorian); INT32_MIN is -infinity, INT32_MAX
 *                        is infinity
 *   time                 varint, microseconds since midnight, at most
 *                        86400000000 (24:00:00)
 *   timestamp timestamptz
 *                        zig-zag varint, microseconds since 1970-01-01
 *                        00:00:00 (UTC for timestamptz); INT64_MIN is
 *                        -infinity, INT64_MAX is infinity
 *   uuid                 16 bytes, in RFC 4122 byte order
 *
 * Rules every value obeys (checked by value_check): text, json, enum and
 * decimal are valid UTF-8; json is one valid JSON value; decimal matches
 * -?(0|[1-9][0-9]*)(\.[0-9]+)? or is NaN, Infinity or -Infinity; a date's
 * days lie within PostgreSQL's range or are an infinity; time is at most
 * 24:00:00; an enum label is one of the column's labels when it has any.
 */
#ifndef FERRY_VALUE_H
#define FERRY_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

enum value_type {
	VALUE_NULL = 0,
	VALUE_BOOL,
	VALUE_INT64,
	VALUE_UINT64,
	VALUE_FLOAT64,
	VALUE_DECIMAL,
	VALUE_TEXT,
	VALUE_BYTES,
	VALUE_DATE,
	VALUE_TIME,
	VALUE_TIMESTAMP,
	VALUE_TIMESTAMPTZ,
	VALUE_JSON,
	VALUE_UUID,
	VALUE_ENUM,
	VALUE_TYPE_COUNT
};

#define VALUE_DATE_NEG_INF INT32_MIN
#define VALUE_DATE_POS_INF INT32_MAX
#define VALUE_TS_NEG_INF INT64_MIN
#define VALUE_TS_POS_INF INT64_MAX
#define VALUE_TIME_MAX INT64_C(86400000000)

struct value {
	bool null;
	union {
		bool b;
		int64_t i; /* int64, date, time, timestamp, timestamptz */
		uint64_t u;
		double f;
		uint8_t uuid[16];
		struct {
			const char *p;
			size_t len;
		} s; /* decimal, text, bytes, json, enum */
	} v;
};

/* The stream name of a type ("int64", "timestamptz", ...). */
const char *value_type_name(enum value_type t);

/* The type named `name`, or -1. */
int value_type_parse(const char *name);

/* 1 if values of type t are length-prefixed bytes (v.s), else 0. */
int value_type_is_bytes(enum value_type t);

/* --- varints ---------------------------------------------------------- */

/* Append an unsigned LEB128 varint (1 to 10 bytes) to out; returns the
 * number of bytes written.  out must have room for 10. */
size_t value_put_uvarint(unsigned char *out, uint64_t v);

/*
 * Read an unsigned varint from [*p, end).  Returns 0 and advances *p, or -1
 * when it runs past end, is longer than 10 bytes, overflows 64 bits, or is
 * not in its shortest form (so every value has exactly one encoding).
 */
int value_get_uvarint(const unsigned char **p, const unsigned char *end,
		      uint64_t *v);

static inline uint64_t value_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t value_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* --- binary encoding --------------------------------------------------- */

/* Append the binary encoding of non-NULL v (type t) to out. */
int value_encode(struct buf *out, enum value_type t, const struct value *v,
		 struct err *e);

/*
 * Decode one non-NULL value of type t from [*p, end), advancing *p.  String
 * kinds point into the input.  Does not run value_check.  -1 with
 * ERR_STREAM when the bytes run out or a length passes max_field.
 */
int value_decode(const unsigned char **p, const unsigned char *end,
		 enum value_type t, size_t max_field, struct value *v,
		 struct err *e);

/*
 * Check the rules in the header comment for a non-NULL v of type t.
 * labels/nlabels: an enum column's labels (none: any label).  -1 with
 * ERR_STREAM and a message saying what is wrong with the value.
 */
int value_check(enum value_type t, const struct value *v, char *const *labels,
		size_t nlabels, struct err *e);

/* --- text forms -------------------------------------------------------- */

enum value_style {
	VALUE_STYLE_JSON, /* a JSON value: numbers bare, others quoted */
	VALUE_STYLE_TEXT, /* plain text for CSV/TSV (caller escapes) */
};

/*
 * Append the text form of non-NULL v to out (see ferry-cat(1)): bool
 * true/false; integers in decimal; floats in plain digits when integral
 * and below 1e17, else in the shortest %g form that reads back to the same
 * bits, and NaN, Infinity, -Infinity; decimal as stored;
 * bytes as \x and lowercase hex; date YYYY-MM-DD; time HH:MM:SS[.ffffff];
 * timestamp YYYY-MM-DDTHH:MM:SS[.ffffff], timestamptz the same with Z;
 * years outside 0001-9999 with a sign or more digits (ISO 8601, year 0 is
 * 1 BC); infinities as infinity and -infinity; uuid in 8-4-4-4-12 form.
 * In JSON style, json values are JSON strings holding the JSON text (so
 * JSON null stays apart from SQL NULL), text is escaped, and non-finite
 * floats, decimals and all other non-numbers are strings.  Timestamps lie
 * between 4714-11-24 BC and INT64_MAX - 1 microseconds (about 294247 AD).
 */
int value_format(struct buf *out, enum value_type t, const struct value *v,
		 enum value_style style, struct err *e);

/* 1 when s[0..len) is -?digits, and with allow_frac also
 * (.digits)?([eE][+-]?digits)?, and nothing else (no NUL, hex, inf or nan
 * spellings); else 0. */
int value_number_syntax_ok(const char *s, size_t len, int allow_frac);

/*
 * Parse the text form of a value of type t from s[0..len) (the forms above;
 * also 't'/'f'/'1'/'0' for bool, a space instead of 'T' in timestamps, and
 * for timestamptz a +HH[:MM] or -HH[:MM] offset instead of 'Z', which is
 * required).  Bytes-like results are written to scratch, which
 * the caller owns, and v points there (the pointer may move if scratch
 * grows: parse all values first, then read them).  -1 with ERR_STREAM.
 */
int value_parse(enum value_type t, const char *s, size_t len,
		struct buf *scratch, struct value *v, struct err *e);

/* The lowercase 8-4-4-4-12 text of a uuid, without a terminating NUL. */
#define VALUE_UUID_TEXT_LEN 36
void value_uuid_text(const struct value *v, char out[VALUE_UUID_TEXT_LEN]);

/* --- comparison and canonical form -------------------------------------- */

/*
 * Order two non-NULL values of type t: <0, 0, >0.  Numbers numerically
 * (decimal too), text and bytes by their bytes.  For watermarks.
 */
int value_compare(enum value_type t, const struct value *a,
		  const struct value *b);

/*
 * Order two non-NULL values of possibly different types as their canonical
 * forms would compare as values: int64, uint64 and decimal numerically,
 * timestamp and timestamptz by their microseconds, text, enum, json and
 * bytes by their bytes, a uuid against any of those by the uuid's text
 * form.  Types of different families order by family.
 */
int value_compare_mixed(enum value_type ta, const struct value *a,
			enum value_type tb, const struct value *b);

/*
 * Append the canonical encoding of v (NULL allowed) to out: one tag byte
 * for the value's family, then a fixed-width or length-prefixed body, so
 * that equal values in any engine's spelling give equal bytes: int64,
 * uint64 and decimal share one form (decimal text without trailing
 * fraction zeros, so 5, 5 unsigned and 5.00 agree); every NaN
 * is one NaN; json has sorted keys and no white space; enum is text.
 */
int value_canonical(struct buf *out, enum value_type t, const struct value *v,
		    struct err *e);

/*
 * Read back one value of a canonical encoding at *p (before end) and step
 * past it: *v is the value (text, decimal and json pointing into the
 * encoding), *t the type it is shown as: VALUE_DECIMAL for every number
 * but a float, VALUE_TEXT for text and enum, the type itself otherwise.
 * For messages about rows known only by their canonical form.  0, or -1
 * when the bytes are not a canonical encoding.
 */
int value_canonical_next(const unsigned char **p, const unsigned char *end,
			 enum value_type *t, struct value *v);

/*
 * Large values: the canonical encoding of a text, enum or bytes value is a
 * 9-byte head (tag, u64le length) and then the value's own bytes.  For a
 * value of at least VALUE_CANON_BIG bytes, callers hash the bytes where
 * they lie instead of copying them (digest.h, verify): value_canonical_big
 * says whether v is such a value, value_canonical_head appends its head.
 */
#define VALUE_CANON_BIG (64u << 10)
#define VALUE_CANON_HEAD 9

static inline int value_canonical_big(enum value_type t, const struct value *v)
{
	return v && !v->null &&
	       (t == VALUE_TEXT || t == VALUE_ENUM || t == VALUE_BYTES) &&
	       v->v.s.len >= VALUE_CANON_BIG;
}

/* Append the 9-byte canonical head of a text, enum or bytes value. */
int value_canonical_head(struct buf *out, enum value_type t,
			 const struct value *v, struct err *e);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t value_days_from_civil(int64_t y, unsigned m, unsigned d);
void value_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
