#include "transform/expr_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "stream/stream.h"

/* --- evaluation ---------------------------------------------------------- */

static double to_double(struct expr *x, enum value_type t,
			const struct value *v)
{
	if (t == VALUE_INT64)
		return (double)v->v.i;
	if (t == VALUE_FLOAT64)
		return v->v.f;
	/* a decimal: its text is short, or its value is large anyway */
	struct err e;
	buf_reset(&x->num);
	if (buf_add(&x->num, v->v.s.p, v->v.s.len < 400 ? v->v.s.len : 400,
		    &e) < 0)
		return NAN;
	if (v->v.s.len > 400 && !memchr(v->v.s.p, '.', 400))
		return v->v.s.p[0] == '-' ? -INFINITY : INFINITY;
	return strtod((const char *)x->num.data, NULL);
}

/* a date or timestamp as (day, microsecond of the day) */
static void when(enum value_type t, const struct value *v, int64_t *d,
		 int64_t *us)
{
	if (t == VALUE_DATE) {
		*d = v->v.i == VALUE_DATE_NEG_INF   ? INT64_MIN
		     : v->v.i == VALUE_DATE_POS_INF ? INT64_MAX
						    : v->v.i;
		*us = 0;
		return;
	}
	if (v->v.i == VALUE_TS_NEG_INF || v->v.i == VALUE_TS_POS_INF) {
		*d = v->v.i;
		*us = 0;
		return;
	}
	*d = v->v.i / DAY_US;
	*us = v->v.i % DAY_US;
	if (*us < 0) {
		*us += DAY_US;
		(*d)--;
	}
}

static int cmpv(struct expr *x, enum value_type ta, const struct value *a,
		enum value_type tb, const struct value *b)
{
	switch (expr_fam(ta)) {
	case FAM_NUM:
		if (ta == VALUE_FLOAT64 || tb == VALUE_FLOAT64) {
			double p = to_double(x, ta, a), q = to_double(x, tb, b);
			/* NaN equals NaN and sorts above all, as in SQL */
			if (isnan(p) || isnan(q))
				return isnan(p) - isnan(q);
			return (p > q) - (p < q);
		}
		if (ta == VALUE_INT64 && tb == VALUE_INT64)
			return (a->v.i > b->v.i) - (a->v.i < b->v.i);
		return value_compare_mixed(ta, a, tb, b);
	case FAM_WHEN: {
		int64_t d1, u1, d2, u2;
		when(ta, a, &d1, &u1);
		when(tb, b, &d2, &u2);
		if (d1 != d2)
			return (d1 > d2) - (d1 < d2);
		return (u1 > u2) - (u1 < u2);
	}
	case FAM_BOOL: return (int)a->v.b - (int)b->v.b;
	case FAM_TIME: return (a->v.i > b->v.i) - (a->v.i < b->v.i);
	default: {
		size_t n = a->v.s.len < b->v.s.len ? a->v.s.len : b->v.s.len;
		int c = n ? memcmp(a->v.s.p, b->v.s.p, n) : 0;
		if (c)
			return c < 0 ? -1 : 1;
		return (a->v.s.len > b->v.s.len) - (a->v.s.len < b->v.s.len);
	}
	}
}

/* convert value v of type `from` to the same family's type `to` */
static int conv(struct expr *x, struct node *n, enum value_type from,
		const struct value *v, struct err *e)
{
	enum value_type to = n->type;

	n->r = *v;
	if (from == to)
		return 0;
	if (to == VALUE_FLOAT64) {
		n->r.v.f = to_double(x, from, v);
	} else if (to == VALUE_DECIMAL) { /* from an int64 */
		buf_reset(&n->buf);
		if (buf_add_i64(&n->buf, v->v.i, e) < 0)
			return -1;
		n->r.v.s.p = (const char *)n->buf.data;
		n->r.v.s.len = n->buf.len;
	} else if (from == VALUE_DATE) { /* to a timestamp */
		if (v->v.i == VALUE_DATE_NEG_INF ||
		    v->v.i == VALUE_DATE_POS_INF)
			n->r.v.i = v->v.i == VALUE_DATE_NEG_INF
				       ? VALUE_TS_NEG_INF
				       : VALUE_TS_POS_INF;
		else if (__builtin_mul_overflow(v->v.i, DAY_US, &n->r.v.i))
			return err_set(e, ERR_SPEC,
				       "a date is out of the timestamp range");
	}
	return 0;
}

static int text_of(struct buf *out, enum value_type t, const struct value *v,
		   struct err *e)
{
	if (expr_fam(t) == FAM_TEXT)
		return buf_add(out, v->v.s.p, v->v.s.len, e);
	return value_format(out, t, v, VALUE_STYLE_TEXT, e);
}

static void set_text(struct node *n)
{
	n->r.null = false;
	n->r.v.s.p = (const char *)n->buf.data;
	n->r.v.s.len = n->buf.len;
}

static size_t utf8_next(const char *s, size_t i, size_t n)
{
	for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80;)
		i++;
	return i;
}

int expr_like(const char *s, size_t sn, const char *p, size_t pn)
{
	size_t si = 0, pi = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '%') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn && p[pi] == '_') {
			pi++;
			si = utf8_next(s, si, sn);
			continue;
		}
		if (pi < pn) {
			size_t q = pi;
			if (p[q] == '\\' && q + 1 < pn)
				q++;
			if (p[q] == s[si]) {
				pi = q + 1;
				si++;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return 0;
		/* let the last % take one character more */
		star_s = utf8_next(s, star_s, sn);
		si = star_s;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

static int overflow(struct err *e)
{
	return err_set(e, ERR_SPEC, "integer out of range");
}

static int ev_arith(struct expr *x, struct node *n, struct node *a,
		    struct node *b, struct err *e)
{
	if (n->type == VALUE_INT64) {
		int64_t p = a->r.v.i, q = b->r.v.i, r = 0;
		switch (n->sub) {
		case '+':
			if (__builtin_add_overflow(p, q, &r))
				return overflow(e);
			break;
		case '-':
			if (__builtin_sub_overflow(p, q, &r))
				return overflow(e);
			break;
		case '*':
			if (__builtin_mul_overflow(p, q, &r))
				return overflow(e);
			break;
		default:
			if (q == 0)
				return err_set(e, ERR_SPEC, "division by zero");
			if (q == -1)
				r = n->sub == '%' ? 0 : -p;
			else
				r = n->sub == '%' ? p % q : p / q;
			if (q == -1 && n->sub == '/' && p == INT64_MIN)
				return overflow(e);
		}
		n->r.v.i = r;
		return 0;
	}
	double p = to_double(x, a->type, &a->r),
	       q = to_double(x, b->type, &b->r);
	switch (n->sub) {
	case '+': n->r.v.f = p + q; break;
	case '-': n->r.v.f = p - q; break;
	case '*': n->r.v.f = p * q; break;
	default:
		if (q == 0)
			return err_set(e, ERR_SPEC, "division by zero");
		n->r.v.f = n->sub == '%' ? fmod(p, q) : p / q;
	}
	return 0;
}

static int ev_substr(struct node *n, struct err *e)
{
	const struct value *s = &n->kids[0]->r;
	int64_t from = n->kids[1]->r.v.i, to = INT64_MAX;
	size_t i = 0, b = 0, pos = 1;

	if (n->nkids == 3) {
		int64_t len = n->kids[2]->r.v.i;
		if (len < 0)
			return err_set(e, ERR_SPEC,
				       "negative substring length %" PRId64,
				       len);
		if (__builtin_add_overflow(from, len, &to))
			to = INT64_MAX;
	}
	if (from < 1)
		from = 1;
	n->r.v.s.p = s->v.s.p;
	n->r.v.s.len = 0;
	if (to <= from)
		return 0;
	/* characters from..to-1, counting from 1 */
	for (; i < s->v.s.len && (int64_t)pos < from; pos++)
		i = utf8_next(s->v.s.p, i, s->v.s.len);
	for (b = i; i < s->v.s.len && (int64_t)pos < to; pos++)
		i = utf8_next(s->v.s.p, i, s->v.s.len);
	n->r.v.s.p = s->v.s.p + b;
	n->r.v.s.len = i - b;
	return 0;
}

static int ev_func(struct expr *x, struct node *n, const struct value *row,
		   struct err *e)
{
	struct node *a = n->nkids ? n->kids[0] : NULL;

	switch ((enum fn)n->sub) {
	case F_NOW: return 0;
	case F_CONCAT:
		buf_reset(&n->buf);
		for (size_t i = 0; i < n->nkids; i++) {
			struct node *k = n->kids[i];
			if (expr_ev(x, k, row, e) < 0)
				return -1;
			if (!k->r.null &&
			    text_of(&n->buf, k->type, &k->r, e) < 0)
				return -1;
		}
		set_text(n);
		return 0;
	case F_COALESCE:
		for (size_t i = 0; i < n->nkids; i++) {
			struct node *k = n->kids[i];
			if (expr_ev(x, k, row, e) < 0)
				return -1;
			if (!k->r.null)
				return conv(x, n, k->type, &k->r, e);
		}
		n->r.null = true;
		return 0;
	default: break;
	}
	/* the rest are NULL when an argument is */
	for (size_t i = 0; i < n->nkids; i++) {
		if (expr_ev(x, n->kids[i], row, e) < 0)
			return -1;
		if (n->kids[i]->r.null) {
			n->r.null = true;
			return 0;
		}
	}
	n->r.null = false;
	switch ((enum fn)n->sub) {
	case F_LOWER:
	case F_UPPER:
		buf_reset(&n->buf);
		if (buf_add(&n->buf, a->r.v.s.p, a->r.v.s.len, e) < 0)
			return -1;
		for (size_t i = 0; i < n->buf.len; i++) {
			unsigned char c = n->buf.data[i];
			if (n->sub == F_LOWER && c >= 'A' && c <= 'Z')
				n->buf.data[i] = (unsigned char)(c + 32);
			else if (n->sub == F_UPPER && c >= 'a' && c <= 'z')
				n->buf.data[i] = (unsigned char)(c - 32);
		}
		set_text(n);
		return 0;
	case F_TRIM: {
		const char *p = a->r.v.s.p;
		size_t s = 0, t = a->r.v.s.len;
		while (s < t && (p[s] == ' ' || p[s] == '\t' || p[s] == '\n' ||
				 p[s] == '\r'))
			s++;
		while (t > s && (p[t - 1] == ' ' || p[t - 1] == '\t' ||
				 p[t - 1] == '\n' || p[t - 1] == '\r'))
			t--;
		n->r.v.s.p = p + s;
		n->r.v.s.len = t - s;
		return 0;
	}
	case F_LENGTH:
		if (a->type == VALUE_BYTES) {
			n->r.v.i = (int64_t)a->r.v.s.len;
		} else {
			int64_t c = 0;
			for (size_t i = 0; i < a->r.v.s.len; i++)
				c += ((unsigned char)a->r.v.s.p[i] & 0xC0) !=
				     0x80;
			n->r.v.i = c;
		}
		return 0;
	case F_SUBSTR: return ev_substr(n, e);
	case F_ABS:
		n->r = a->r;
		if (n->type == VALUE_INT64) {
			if (a->r.v.i == INT64_MIN)
				return overflow(e);
			n->r.v.i = a->r.v.i < 0 ? -a->r.v.i : a->r.v.i;
		} else if (n->type == VALUE_FLOAT64) {
			n->r.v.f = fabs(a->r.v.f);
		} else if (a->r.v.s.len > 0 && a->r.v.s.p[0] == '-') {
			n->r.v.s.p++;
			n->r.v.s.len--;
		}
		return 0;
	default: return 0;
	}
}

int expr_ev(struct expr *x, struct node *n, const struct value *row,
	    struct err *e)
{
	struct node *a = n->nkids ? n->kids[0] : NULL;
	struct node *b = n->nkids > 1 ? n->kids[1] : NULL;

	switch (n->kind) {
	case N_CONST: return 0;
	case N_COL: {
		const struct value *v = &row[n->col];
		n->r = *v;
		if (v->null)
			return 0;
		if (n->ctype == VALUE_UINT64) {
			if (v->v.u > INT64_MAX)
				return err_set(e, ERR_SPEC,
					       "column %s: %" PRIu64
					       " is past the int64 range "
					       "expressions compute in",
					       x->t->cols[n->col].name, v->v.u);
			n->r.v.i = (int64_t)v->v.u;
		} else if (n->ctype == VALUE_UUID) {
			char t[VALUE_UUID_TEXT_LEN];
			value_uuid_text(v, t);
			buf_reset(&n->buf);
			if (buf_add(&n->buf, t, sizeof(t), e) < 0)
				return -1;
			set_text(n);
		}
		return 0;
	}
	case N_NOT:
		if (expr_ev(x, a, row, e) < 0)
			return -1;
		n->r.null = a->r.null;
		n->r.v.b = !a->r.v.b;
		return 0;
	case N_AND:
	case N_OR: {
		/* false AND anything is false, true OR anything true */
		bool stop = n->kind == N_OR;
		if (expr_ev(x, a, row, e) < 0)
			return -1;
		n->r.null = false;
		n->r.v.b = stop;
		if (!a->r.null && a->r.v.b == stop)
			return 0;
		if (expr_ev(x, b, row, e) < 0)
			return -1;
		if (!b->r.null && b->r.v.b == stop)
			return 0;
		n->r.null = a->r.null || b->r.null;
		n->r.v.b = !stop;
		return 0;
	}
	case N_CMP: {
		int c;
		if (expr_ev(x, a, row, e) < 0 || expr_ev(x, b, row, e) < 0)
			return -1;
		n->r.null = a->r.null || b->r.null;
		if (n->r.null)
			return 0;
		c = cmpv(x, a->type, &a->r, b->type, &b->r);
		switch ((enum cmp)n->sub) {
		case C_EQ: n->r.v.b = c == 0; break;
		case C_NE: n->r.v.b = c != 0; break;
		case C_LT: n->r.v.b = c < 0; break;
		case C_LE: n->r.v.b = c <= 0; break;
		case C_GT: n->r.v.b = c > 0; break;
		case C_GE: n->r.v.b = c >= 0; break;
		}
		return 0;
	}
	case N_ISNULL:
		if (expr_ev(x, a, row, e) < 0)
			return -1;
		n->r.null = false;
		n->r.v.b = a->r.null != n->neg;
		return 0;
	case N_IN: {
		bool saw_null = false;
		if (expr_ev(x, a, row, e) < 0)
			return -1;
		n->r.null = a->r.null;
		if (a->r.null)
			return 0;
		for (size_t i = 1; i < n->nkids; i++) {
			struct node *k = n->kids[i];
			if (expr_ev(x, k, row, e) < 0)
				return -1;
			if (k->r.null)
				saw_null = true;
			else if (cmpv(x, a->type, &a->r, k->type, &k->r) == 0) {
				n->r.v.b = !n->neg;
				return 0;
			}
		}
		n->r.null = saw_null;
		n->r.v.b = n->neg;
		return 0;
	}
	case N_LIKE:
		if (expr_ev(x, a, row, e) < 0 || expr_ev(x, b, row, e) < 0)
			return -1;
		n->r.null = a->r.null || b->r.null;
		if (!n->r.null)
			n->r.v.b =
			    expr_like(a->r.v.s.p, a->r.v.s.len, b->r.v.s.p,
				      b->r.v.s.len) != n->neg;
		return 0;
	case N_BETWEEN: {
		struct node *h = n->kids[2];
		int lo = -1, hi = -1; /* -1 unknown, else 0/1 */
		if (expr_ev(x, a, row, e) < 0 || expr_ev(x, b, row, e) < 0 ||
		    expr_ev(x, h, row, e) < 0)
			return -1;
		if (!a->r.null && !b->r.null)
			lo = cmpv(x, a->type, &a->r, b->type, &b->r) >= 0;
		if (!a->r.null && !h->r.null)
			hi = cmpv(x, a->type, &a->r, h->type, &h->r) <= 0;
		n->r.null = false;
		if (lo == 0 || hi == 0)
			n->r.v.b = false;
		else if (lo == 1 && hi == 1)
			n->r.v.b = true;
		else
			n->r.null = true;
		n->r.v.b = n->r.v.b != n->neg;
		return 0;
	}
	case N_ARITH:
		if (expr_ev(x, a, row, e) < 0 || expr_ev(x, b, row, e) < 0)
			return -1;
		n->r.null = a->r.null || b->r.null;
		return n->r.null ? 0 : ev_arith(x, n, a, b, e);
	case N_NEG:
		if (expr_ev(x, a, row, e) < 0)
			return -1;
		n->r.null = a->r.null;
		if (n->r.null)
			return 0;
		if (n->type == VALUE_INT64) {
			if (a->r.v.i == INT64_MIN)
				return overflow(e);
			n->r.v.i = -a->r.v.i;
		} else {
			n->r.v.f = -to_double(x, a->type, &a->r);
		}
		return 0;
	case N_CAT:
		if (expr_ev(x, a, row, e) < 0 || expr_ev(x, b, row, e) < 0)
			return -1;
		n->r.null = a->r.null || b->r.null;
		if (n->r.null)
			return 0;
		buf_reset(&n->buf);
		if (text_of(&n->buf, a->type, &a->r, e) < 0 ||
		    text_of(&n->buf, b->type, &b->r, e) < 0)
			return -1;
		set_text(n);
		return 0;
	case N_FUNC: return ev_func(x, n, row, e);
	}
	return 0;
}
