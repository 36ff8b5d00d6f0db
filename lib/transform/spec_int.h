/*
 * spec_int - what lib/transform/spec.c (reading a transform spec),
 * lib/transform/colops.c (one column's operations on one value) and
 * lib/transform/transform.c (a table's plan, and the run) share.  Not for the
 * tools: see transform.h.
 */
#ifndef FERRY_SPEC_INT_H
#define FERRY_SPEC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "transform/expr.h"
#include "transform/transform.h"

/* one column's operations */
enum mask_method {
	MASK_NONE,
	MASK_HMAC,	/* hex of HMAC-SHA-256(key, value), 32 digits */
	MASK_EMAIL,	/* 16 hex digits of the HMAC, '@', the domain */
	MASK_REDACT,	/* a fixed text */
	MASK_KEEP_LAST, /* '*' for all but the last n characters */
};

#define MASK_HEX 32	  /* hex digits of a keyed hash kept */
#define MASK_EMAIL_HEX 16 /* of an email's */
#define MASK_MAX_KEEP 1000

struct col_op {
	char *name;
	char *rename; /* or NULL */
	bool drop;
	int line;
	bool used; /* "*": some table has the column */
	enum mask_method mask;
	char *mask_with;    /* MASK_REDACT's text */
	size_t keep;	    /* MASK_KEEP_LAST's n */
	unsigned char *key; /* MASK_HMAC, MASK_EMAIL: from the environment */
	size_t keylen;
	bool has_shift;
	int64_t shift; /* added to an integer column */
	char *zone;    /* a timestamp's wall clock zone: to timestamptz */
	char **map_from, **map_to; /* "map": text and enum values */
	size_t *map_len;	   /* of map_to's */
	size_t *from_len;
	size_t nmap;
	int unmapped;  /* a value the map lacks: 0 kept, 1 NULL, 2 error,
			* 3 reject the row */
	char *deflt;   /* "default": what a NULL becomes, or NULL */
	int cast_to;   /* "cast": the output type, or -1 */
	int cast_unix; /* from unix time: 0 no, 1 seconds, 1000 millis */
	int invalid;   /* a value that does not convert: 0 error, 1 NULL,
			* 2 reject the row */
	bool clean;    /* "clean": any of the three below */
	bool remove_nul, trim;
	int tcase;     /* 0 kept, 1 lower, 2 upper (ASCII letters) */
	int ambiguous; /* a wall time that happens twice: 0 error,
			* -1 the earlier, 1 the later */
};

/* a column added: from a field of a JSON column, or computed */
struct add_col {
	char *name;
	char *from;  /* the JSON column, or NULL */
	char **path; /* member names (array indexes as digits) */
	size_t npath;
	char *expr;  /* or an expression (see expr.h), or NULL */
	int type;    /* the column's type; -1: the expression's */
	int invalid; /* 0 error, 1 NULL, 2 reject the row */
	int line;
};

/* one table's entry, or "*" */
struct table_spec {
	char *name;
	bool skip;
	char *rename; /* or NULL */
	struct col_op *cols;
	size_t ncols;
	char **order; /* output names, listed first in this order */
	size_t norder;
	struct add_col *adds;
	size_t nadds;
	char *where; /* keep only rows where this is true, or NULL */
	int where_line;
	int line;
	bool seen;
};

struct spec {
	char *file;
	struct table_spec *tables;
	size_t ntables;
	struct table_spec *all; /* the "*" entry, or NULL */
	int64_t now;		/* now() in expressions: when it was loaded */
	char *rejects;		/* the first rule that rejects rows, or NULL */
};

/* room for a column's values as its operations remake them */
struct spec_bufs {
	struct buf clean, fmt, parse, mask;
	void *mac; /* the column's keyed HMAC (EVP_MAC_CTX), once used */
};

/* what a rule that sets the row aside returns, the reason in e */
#define REJECTED 1

/* --- spec.c ------------------------------------------------------------- */

/* "FILE: line N: PATH: message", ERR_SPEC; returns -1 */
int spec_err(struct err *e, const struct spec *s, int line, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* table `name`'s entry, or NULL; column `name` of an entry (t may be
 * NULL), or NULL */
struct table_spec *spec_find_table(struct spec *s, const char *name);
const struct col_op *spec_find_col(const struct table_spec *t,
				   const char *name);

/* the output name of input column `col` under entry t and "*" (either
 * may be NULL), or NULL when it is dropped */
const char *spec_out_name(const struct table_spec *t,
			  const struct table_spec *all, const char *col);

/* --- colops.c ----------------------------------------------------------- */

void spec_bufs_init(struct spec_bufs *b);
void spec_bufs_release(struct spec_bufs *b);

/* The type of a column of type `from` after op (NULL: none). */
enum value_type spec_column_type(const struct col_op *op, enum value_type from);

/* Run op's operations on value v of column col (of row `row`, number
 * rown, of input table t), in their order: shift, clean, map and default,
 * zone, cast, mask.  b: room for the value's new forms.  0, REJECTED (the
 * reason in e), or -1. */
int spec_apply(const struct col_op *op, const struct schema_table *t,
	       const struct value *row, size_t col, struct value *v,
	       struct spec_bufs *b, uint64_t rown, struct err *e);

/* Added column a of row `row`: the field of JSON value j, or the value of
 * expression x, as a value of a's type in out (room in tb, b).  0,
 * REJECTED, or -1, by a's invalid rule. */
int spec_field_value(const struct add_col *a, const struct schema_table *t,
		     const struct value *row, const struct value *j,
		     struct buf *tb, struct buf *b, struct value *out,
		     uint64_t rown, struct err *e);
int spec_expr_value(const struct add_col *a, struct expr *x,
		    const struct schema_table *t, const struct value *row,
		    struct buf *tb, struct buf *b, struct value *out,
		    uint64_t rown, struct err *e);

#endif
