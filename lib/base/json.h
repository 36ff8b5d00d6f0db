/*
 * json - a small strict JSON (RFC 8259) parser that keeps number text.
 *
 * cJSON reads numbers as doubles, which would change a BIGINT past 2^53 or
 * a DECIMAL; ferry must not.  This parser keeps every number exactly as
 * written, records each value's span in the input, and produces the
 * canonical form used by digests: no insignificant white space, object
 * keys sorted by their bytes (the last of duplicate keys wins, as in
 * PostgreSQL's jsonb), strings re-escaped minimally, numbers as their
 * exact value in plain decimal (2.5e-3 and 0.00250 both 0.0025).
 *
 * Nesting is limited to JSON_MAX_DEPTH levels; input must be valid UTF-8.
 */
#ifndef FERRY_JSON_H
#define FERRY_JSON_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define JSON_MAX_DEPTH 256

enum json_kind {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_node {
	enum json_kind kind;
	const char *raw; /* this value's text in the input (borrowed) */
	size_t rawlen;
	char *str; /* STRING: unescaped UTF-8 (may hold NUL); NUMBER: text */
	size_t len;
	size_t n; /* ARRAY/OBJECT: number of members */
	struct json_node *kids;
	char **keys; /* OBJECT: unescaped keys, NUL-terminated */
	size_t *keylens;
};

/*
 * Parse exactly one JSON value (surrounding white space allowed) from
 * s[0..len).  Returns a tree the caller frees with json_free(), or NULL
 * with e set (ERR_STREAM, message naming the byte offset).  raw spans
 * point into s, which must outlive the tree.
 */
struct json_node *json_parse(const char *s, size_t len, struct err *e);

/* Free a tree from json_parse(); NULL does nothing. */
void json_free(struct json_node *n);

/* Member `key` of an object, or NULL (last one if duplicated). */
const struct json_node *json_get(const struct json_node *obj, const char *key);

/*
 * For documents whose members mean something (schemas, specs): -1 with
 * ERR_STREAM when an object has a key twice or a string or key holds
 * U+0000, naming the key; else 0.
 */
int json_check_strict(const struct json_node *n, struct err *e);

/* Check that s[0..len) is one valid JSON value. 0 or -1 with e set. */
int json_validate(const char *s, size_t len, struct err *e);

/* Append the canonical form of s[0..len) to out.  0 or -1 with e set. */
int json_canonical(const char *s, size_t len, struct buf *out, struct err *e);

/* Append s[0..len) as a JSON string literal (quotes included). */
int json_add_string(struct buf *out, const char *s, size_t len, struct err *e);

/* The same escapes without the quotes around: byte by byte, so a string
 * may be written in slices (split anywhere, even inside a character). */
int json_add_string_body(struct buf *out, const char *s, size_t len,
			 struct err *e);

#endif
