#include "transform/expr_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "stream/stream.h"

/* --- types --------------------------------------------------------------- */

enum family expr_fam(enum value_type t)
{
	switch (t) {
	case VALUE_NULL: return FAM_NULL;
	case VALUE_BOOL: return FAM_BOOL;
	case VALUE_INT64:
	case VALUE_FLOAT64:
	case VALUE_DECIMAL: return FAM_NUM;
	case VALUE_BYTES: return FAM_BYTES;
	case VALUE_TIME: return FAM_TIME;
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return FAM_WHEN;
	default: return FAM_TEXT;
	}
}

/* what a column's values are in an expression */
static enum value_type col_type(enum value_type t)
{
	switch (t) {
	case VALUE_UINT64: return VALUE_INT64;
	case VALUE_ENUM:
	case VALUE_JSON:
	case VALUE_UUID: return VALUE_TEXT;
	default: return t;
	}
}

static const char *tname(enum value_type t)
{
	return t == VALUE_NULL ? "NULL" : value_type_name(t);
}

/* A text literal compared with a value of type `to` is read as one. */
static int coerce(struct node *n, enum value_type to, struct err *e)
{
	struct buf tmp;
	struct value v;
	struct err e2;
	char q[80];
	static const enum value_type tries[][3] = {
		[VALUE_TIMESTAMPTZ] = { VALUE_TIMESTAMPTZ, VALUE_TIMESTAMP,
					VALUE_DATE },
		[VALUE_TIMESTAMP] = { VALUE_TIMESTAMP, VALUE_DATE, VALUE_NULL },
		[VALUE_INT64] = { VALUE_INT64, VALUE_DECIMAL, VALUE_FLOAT64 },
	};
	enum value_type try[3] = { to, VALUE_NULL, VALUE_NULL };
	int rc = -1;

	if ((size_t)to < sizeof(tries) / sizeof(tries[0]) &&
	    tries[to][0] != VALUE_NULL)
		memcpy(try, tries[to], sizeof(try));
	buf_init(&tmp, STREAM_MAX_FIELD);
	for (int i = 0; i < 3 && try[i] != VALUE_NULL; i++) {
		memset(&v, 0, sizeof(v));
		buf_reset(&tmp);
		if (value_parse(try[i], (const char *)n->buf.data, n->buf.len,
				&tmp, &v, &e2) < 0 ||
		    value_check(try[i], &v, NULL, 0, &e2) < 0)
			continue;
		if (try[i] == VALUE_DATE && to != VALUE_DATE) {
			/* a date as the midnight it begins, UTC; a date
			 * past the timestamp range is not a timestamp */
			if (v.v.i == VALUE_DATE_NEG_INF)
				v.v.i = VALUE_TS_NEG_INF;
			else if (v.v.i == VALUE_DATE_POS_INF)
				v.v.i = VALUE_TS_POS_INF;
			else if (__builtin_mul_overflow(v.v.i, DAY_US, &v.v.i))
				continue;
			try[i] = to;
		}
		if (try[i] == VALUE_TIMESTAMP)
			try[i] = to;
		n->type = try[i];
		if (value_type_is_bytes(try[i])) {
			buf_reset(&n->buf);
			if (buf_add(&n->buf, v.v.s.p, v.v.s.len, e) < 0)
				goto out;
			v.v.s.p = (const char *)n->buf.data;
		}
		n->r = v;
		rc = 0;
		goto out;
	}
	expr_at_err(
	    e, n->pos, "'%s' is not a valid %s",
	    err_quote(q, sizeof(q), (const char *)n->buf.data, n->buf.len, 60),
	    tname(to));
out:
	buf_release(&tmp);
	return rc;
}

/* a and b are compared: the same family, a literal text read as the
 * other's type */
static int comparable(struct node *a, struct node *b, size_t pos, struct err *e)
{
	if (a->type == VALUE_NULL || b->type == VALUE_NULL)
		return 0;
	if (a->literal && a->type == VALUE_TEXT && b->type != VALUE_TEXT) {
		if (coerce(a, b->type, e) < 0)
			return -1;
	} else if (b->literal && b->type == VALUE_TEXT &&
		   a->type != VALUE_TEXT) {
		if (coerce(b, a->type, e) < 0)
			return -1;
	}
	if (expr_fam(a->type) != expr_fam(b->type))
		return expr_at_err(e, pos, "cannot compare %s with %s",
				   tname(a->type), tname(b->type));
	return 0;
}

/* the type a list of values (coalesce's) share */
static int common_type(struct node **k, size_t n, size_t pos,
		       enum value_type *out, struct err *e)
{
	enum value_type anchor = VALUE_NULL;
	bool text = false, f64 = false, dec = false, tz = false, ts = false;

	for (size_t i = 0; i < n && anchor == VALUE_NULL; i++)
		if (k[i]->type != VALUE_NULL &&
		    !(k[i]->literal && k[i]->type == VALUE_TEXT))
			anchor = k[i]->type;
		else if (k[i]->type == VALUE_TEXT)
			text = true;
	if (anchor == VALUE_NULL)
		anchor = text ? VALUE_TEXT : VALUE_NULL;
	for (size_t i = 0; i < n; i++) {
		if (k[i]->type == VALUE_NULL)
			continue;
		if (k[i]->literal && k[i]->type == VALUE_TEXT &&
		    anchor != VALUE_TEXT && coerce(k[i], anchor, e) < 0)
			return -1;
		if (expr_fam(k[i]->type) != expr_fam(anchor))
			return expr_at_err(
			    e, pos,
			    "arguments of types %s and %s do not "
			    "mix",
			    tname(anchor), tname(k[i]->type));
		f64 |= k[i]->type == VALUE_FLOAT64;
		dec |= k[i]->type == VALUE_DECIMAL;
		tz |= k[i]->type == VALUE_TIMESTAMPTZ;
		ts |= k[i]->type == VALUE_TIMESTAMP;
	}
	if (expr_fam(anchor) == FAM_NUM)
		anchor = f64   ? VALUE_FLOAT64
			 : dec ? VALUE_DECIMAL
			       : VALUE_INT64;
	else if (expr_fam(anchor) == FAM_WHEN)
		anchor = tz   ? VALUE_TIMESTAMPTZ
			 : ts ? VALUE_TIMESTAMP
			      : VALUE_DATE;
	*out = anchor;
	return 0;
}

static int want(struct node *k, enum family f, const char *what, size_t pos,
		struct err *e)
{
	if (k->type == VALUE_NULL || expr_fam(k->type) == f)
		return 0;
	return expr_at_err(e, pos, "%s, not %s", what, tname(k->type));
}

int expr_check(struct expr *x, struct node *n, struct err *e)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (expr_check(x, n->kids[i], e) < 0)
			return -1;
	struct node *a = n->nkids > 0 ? n->kids[0] : NULL;
	struct node *b = n->nkids > 1 ? n->kids[1] : NULL;

	switch (n->kind) {
	case N_CONST: return 0;
	case N_COL: {
		int c = schema_column_index(x->t, (const char *)n->buf.data);
		char q[80];
		if (c < 0)
			return expr_at_err(
			    e, n->pos, "table %s has no column %s", x->t->name,
			    err_quote(q, sizeof(q), (const char *)n->buf.data,
				      n->buf.len, 60));
		n->col = (size_t)c;
		n->ctype = x->t->cols[c].type;
		n->type = col_type(n->ctype);
		return 0;
	}
	case N_NOT:
	case N_AND:
	case N_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (want(n->kids[i], FAM_BOOL,
				 n->kind == N_NOT ? "NOT takes true or false"
						  : "AND and OR take true or "
						    "false",
				 n->kids[i]->pos, e) < 0)
				return -1;
		n->type = VALUE_BOOL;
		return 0;
	case N_CMP:
		if (comparable(a, b, n->pos, e) < 0)
			return -1;
		n->type = VALUE_BOOL;
		return 0;
	case N_ISNULL: n->type = VALUE_BOOL; return 0;
	case N_IN:
	case N_BETWEEN:
		for (size_t i = 1; i < n->nkids; i++)
			if (comparable(a, n->kids[i], n->kids[i]->pos, e) < 0)
				return -1;
		n->type = VALUE_BOOL;
		return 0;
	case N_LIKE:
		if (want(a, FAM_TEXT, "LIKE takes text", a->pos, e) < 0 ||
		    want(b, FAM_TEXT, "a LIKE pattern is text", b->pos, e) < 0)
			return -1;
		n->type = VALUE_BOOL;
		return 0;
	case N_ARITH:
		if (want(a, FAM_NUM, "arithmetic takes numbers", a->pos, e) <
			0 ||
		    want(b, FAM_NUM, "arithmetic takes numbers", b->pos, e) < 0)
			return -1;
		/* integers stay integers; anything else computes in float64 */
		n->type =
		    (a->type == VALUE_INT64 || a->type == VALUE_NULL) &&
			    (b->type == VALUE_INT64 || b->type == VALUE_NULL)
			? VALUE_INT64
			: VALUE_FLOAT64;
		return 0;
	case N_NEG:
		if (want(a, FAM_NUM, "'-' takes a number", a->pos, e) < 0)
			return -1;
		n->type = a->type == VALUE_NULL ? VALUE_INT64 : a->type;
		if (a->type == VALUE_DECIMAL) {
			/* a literal's minus belongs to the literal; a
			 * column's decimal is negated in float64 */
			if (!a->literal) {
				n->type = VALUE_FLOAT64;
				return 0;
			}
			/* -(-x) is x */
			if (a->r.v.s.p[0] == '-'
				? buf_add(&n->buf, a->r.v.s.p + 1,
					  a->r.v.s.len - 1, e) < 0
				: buf_addc(&n->buf, '-', e) < 0 ||
				      buf_add(&n->buf, a->r.v.s.p, a->r.v.s.len,
					      e) < 0)
				return -1;
			n->kind = N_CONST;
			n->literal = true;
			n->r.v.s.p = (const char *)n->buf.data;
			n->r.v.s.len = n->buf.len;
		}
		return 0;
	case N_CAT: n->type = VALUE_TEXT; return 0;
	case N_FUNC:
		switch ((enum fn)n->sub) {
		case F_LOWER:
		case F_UPPER:
		case F_TRIM:
			if (want(a, FAM_TEXT, "it takes text", a->pos, e) < 0)
				return -1;
			n->type = VALUE_TEXT;
			return 0;
		case F_LENGTH:
			if (a->type != VALUE_NULL && a->type != VALUE_BYTES &&
			    want(a, FAM_TEXT, "length takes text or bytes",
				 a->pos, e) < 0)
				return -1;
			n->type = VALUE_INT64;
			return 0;
		case F_SUBSTR:
			if (want(a, FAM_TEXT, "substr takes text", a->pos, e) <
			    0)
				return -1;
			for (size_t i = 1; i < n->nkids; i++)
				if (n->kids[i]->type != VALUE_NULL &&
				    n->kids[i]->type != VALUE_INT64)
					return expr_at_err(
					    e, n->kids[i]->pos,
					    "substr's start and length are "
					    "whole numbers, not %s",
					    tname(n->kids[i]->type));
			n->type = VALUE_TEXT;
			return 0;
		case F_CONCAT: n->type = VALUE_TEXT; return 0;
		case F_COALESCE:
			return common_type(n->kids, n->nkids, n->pos, &n->type,
					   e);
		case F_NOW:
			n->type = VALUE_TIMESTAMPTZ;
			n->r.v.i = x->now;
			return 0;
		case F_ABS:
			if (want(a, FAM_NUM, "abs takes a number", a->pos, e) <
			    0)
				return -1;
			n->type = a->type == VALUE_NULL ? VALUE_INT64 : a->type;
			return 0;
		}
	}
	return 0;
}
