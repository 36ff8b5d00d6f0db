#include "transform/expr_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "stream/stream.h"

int expr_at_err(struct err *e, size_t at, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ERR_SPEC, "at character %zu: %s", at, msg);
}

static const struct {
	const char *name;
	size_t min, max;
} fns[] = {
	[F_LOWER] = { "lower", 1, 1 },
	[F_UPPER] = { "upper", 1, 1 },
	[F_TRIM] = { "trim", 1, 1 },
	[F_LENGTH] = { "length", 1, 1 },
	[F_SUBSTR] = { "substr", 2, 3 },
	[F_CONCAT] = { "concat", 1, 100 },
	[F_COALESCE] = { "coalesce", 1, 100 },
	[F_NOW] = { "now", 0, 0 },
	[F_ABS] = { "abs", 1, 1 },
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

/* --- tokens ------------------------------------------------------------- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(unsigned char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80 || (!first && is_digit(c));
}

const char *expr_tok_text(struct expr *x, char *out, size_t n)
{
	if (x->tok == T_END)
		return "the end";
	return err_quote(out, n, x->src + x->tstart, x->tlen, 40);
}

int expr_lex(struct expr *x, struct err *e)
{
	const char *s = x->src;
	size_t p = x->pos;

	while (p < x->len &&
	       (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
		p++;
	x->tstart = p;
	if (p == x->len) {
		x->tok = T_END;
		x->tlen = 0;
		x->pos = p;
		return 0;
	}
	unsigned char c = (unsigned char)s[p];
	if (is_digit(c) || (c == '.' && p + 1 < x->len && is_digit(s[p + 1]))) {
		while (p < x->len && is_digit(s[p]))
			p++;
		if (p < x->len && s[p] == '.')
			for (p++; p < x->len && is_digit(s[p]);)
				p++;
		if (p < x->len && (s[p] == 'e' || s[p] == 'E')) {
			size_t q = p + 1;
			if (q < x->len && (s[q] == '+' || s[q] == '-'))
				q++;
			if (q < x->len && is_digit(s[q])) {
				for (p = q; p < x->len && is_digit(s[p]);)
					p++;
			}
		}
		if (p < x->len && is_name_char((unsigned char)s[p], false))
			return expr_at_err(e, x->tstart + 1,
					   "a number runs into a name");
		x->tok = T_NUM;
	} else if (is_name_char(c, true)) {
		while (p < x->len && is_name_char((unsigned char)s[p], false))
			p++;
		x->tok = T_NAME;
	} else if (c == '\'' || c == '"') {
		buf_reset(&x->tstr);
		for (p++;; p++) {
			if (p >= x->len)
				return expr_at_err(
				    e, x->tstart + 1,
				    c == '\'' ? "a string is not closed"
					      : "a quoted name is not "
						"closed");
			if ((unsigned char)s[p] == c) {
				if (p + 1 < x->len &&
				    (unsigned char)s[p + 1] == c)
					p++; /* '' or "" stands for one */
				else
					break;
			}
			if (buf_addc(&x->tstr, (unsigned char)s[p], e) < 0)
				return -1;
		}
		p++;
		if (!utf8_valid((const char *)x->tstr.data, x->tstr.len))
			return expr_at_err(e, x->tstart + 1, "not valid UTF-8");
		if (c == '"' && x->tstr.len == 0)
			return expr_at_err(e, x->tstart + 1,
					   "a quoted name is empty");
		x->tok = c == '\'' ? T_STR : T_QNAME;
	} else if (c == '(' || c == ')' || c == ',') {
		p++;
		x->tok = c == '(' ? T_LP : c == ')' ? T_RP : T_COMMA;
	} else {
		static const char *const ops[] = { "<=", ">=", "<>", "!=", "||",
						   "=",	 "<",  ">",  "+",  "-",
						   "*",	 "/",  "%" };
		size_t i;
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			size_t n = strlen(ops[i]);
			if (x->len - p >= n && memcmp(s + p, ops[i], n) == 0)
				break;
		}
		if (i == sizeof(ops) / sizeof(ops[0])) {
			char q[16];
			return expr_at_err(
			    e, p + 1, "unexpected character '%s'",
			    err_quote(q, sizeof(q), s + p, 1, 1));
		}
		p += strlen(ops[i]);
		x->tok = T_OP;
	}
	x->tlen = p - x->tstart;
	x->pos = p;
	return 0;
}

static bool is_op(const struct expr *x, const char *op)
{
	return x->tok == T_OP && x->tlen == strlen(op) &&
	       memcmp(x->src + x->tstart, op, x->tlen) == 0;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

static bool is_kw(const struct expr *x, const char *w)
{
	return x->tok == T_NAME && word_is(x->src + x->tstart, x->tlen, w);
}

static bool is_reserved(const struct expr *x)
{
	static const char *const kws[] = { "and",  "or",   "not",  "is",
					   "null", "in",   "like", "between",
					   "true", "false" };
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (is_kw(x, kws[i]))
			return true;
	return false;
}

/* --- the tree ----------------------------------------------------------- */

static struct node *new_node(struct expr *x, enum kind k, size_t pos,
			     struct err *e)
{
	struct node *n;

	if (x->nall == EXPR_MAX_NODES) {
		expr_at_err(e, pos, "the expression has more than %d parts",
			    EXPR_MAX_NODES);
		return NULL;
	}
	if (x->nall == x->capall) {
		size_t cap = x->capall ? 2 * x->capall : 16;
		struct node **a = realloc(x->all, cap * sizeof(*a));
		if (!a) {
			err_oom(e);
			return NULL;
		}
		x->all = a;
		x->capall = cap;
	}
	if (!(n = calloc(1, sizeof(*n)))) {
		err_oom(e);
		return NULL;
	}
	x->all[x->nall++] = n;
	n->kind = k;
	n->pos = pos;
	buf_init(&n->buf, STREAM_MAX_FIELD);
	return n;
}

static int add_kid(struct node *n, struct node *k, struct err *e)
{
	if (n->nkids == n->capkids) {
		size_t cap = n->capkids ? 2 * n->capkids : 4;
		struct node **a = realloc(n->kids, cap * sizeof(*a));
		if (!a)
			return err_oom(e);
		n->kids = a;
		n->capkids = cap;
	}
	n->kids[n->nkids++] = k;
	return 0;
}

static struct node *pair(struct expr *x, enum kind k, int sub, size_t pos,
			 struct node *a, struct node *b, struct err *e)
{
	struct node *n = new_node(x, k, pos, e);

	if (!n || add_kid(n, a, e) < 0 || (b && add_kid(n, b, e) < 0))
		return NULL;
	n->sub = sub;
	return n;
}

static int deeper(struct expr *x, struct err *e)
{
	if (++x->depth > EXPR_MAX_DEPTH)
		return expr_at_err(e, x->tstart + 1,
				   "the expression nests deeper than %d",
				   EXPR_MAX_DEPTH);
	return 0;
}

/* a number: int64; too large for it, or with a fraction, decimal; with an
 * exponent, float64 */
static struct node *p_number(struct expr *x, struct err *e)
{
	const char *s = x->src + x->tstart;
	size_t n = x->tlen;
	struct node *k = new_node(x, N_CONST, x->tstart + 1, e);

	if (!k)
		return NULL;
	k->literal = true;
	if (memchr(s, 'e', n) || memchr(s, 'E', n)) {
		char tmp[64];
		if (n >= sizeof(tmp)) {
			expr_at_err(e, k->pos,
				    "a number with an exponent is too "
				    "long");
			return NULL;
		}
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		k->type = VALUE_FLOAT64;
		k->r.v.f = strtod(tmp, NULL);
		if (!isfinite(k->r.v.f)) {
			expr_at_err(e, k->pos, "%s is out of float64 range",
				    tmp);
			return NULL;
		}
		return k;
	}
	/* the decimal text without leading zeros, "0" before a bare point,
	 * no bare point at the end */
	size_t i = 0;
	while (i + 1 < n && s[i] == '0' && s[i + 1] != '.')
		i++;
	if (s[i] == '.' && buf_addc(&k->buf, '0', e) < 0)
		return NULL;
	if (buf_add(&k->buf, s + i, n - i, e) < 0)
		return NULL;
	if (k->buf.data[k->buf.len - 1] == '.')
		k->buf.data[--k->buf.len] = '\0';
	if (!memchr(k->buf.data, '.', k->buf.len)) {
		uint64_t v = 0;
		bool big = false;
		for (size_t j = 0; j < k->buf.len; j++) {
			unsigned d = (unsigned)(k->buf.data[j] - '0');
			if (v > (UINT64_MAX - d) / 10)
				big = true;
			else
				v = v * 10 + d;
		}
		if (!big && v <= INT64_MAX) {
			k->type = VALUE_INT64;
			k->r.v.i = (int64_t)v;
			return k;
		}
	}
	k->type = VALUE_DECIMAL;
	k->r.v.s.p = (const char *)k->buf.data;
	k->r.v.s.len = k->buf.len;
	return k;
}

static struct node *p_call(struct expr *x, size_t fstart, size_t flen,
			   struct err *e)
{
	struct node *n;
	size_t f;
	char q[64];

	for (f = 0; f < NFNS; f++)
		if (word_is(x->src + fstart, flen, fns[f].name))
			break;
	if (f == NFNS) {
		expr_at_err(e, fstart + 1,
			    "unknown function %s (expected lower, upper, trim, "
			    "length, substr, concat, coalesce, now or abs)",
			    err_quote(q, sizeof(q), x->src + fstart, flen, 40));
		return NULL;
	}
	if (!(n = new_node(x, N_FUNC, fstart + 1, e)))
		return NULL;
	n->sub = (int)f;
	if (expr_lex(x, e) < 0 || deeper(x, e) < 0) /* past '(' */
		return NULL;
	if (x->tok != T_RP)
		for (;;) {
			struct node *a = expr_parse(x, e);
			if (!a || add_kid(n, a, e) < 0)
				return NULL;
			if (x->tok == T_RP)
				break;
			if (x->tok != T_COMMA) {
				expr_at_err(
				    e, x->tstart + 1,
				    "expected ',' or ')' in the arguments "
				    "of %s, not %s",
				    fns[f].name,
				    expr_tok_text(x, q, sizeof(q)));
				return NULL;
			}
			if (expr_lex(x, e) < 0)
				return NULL;
		}
	x->depth--;
	if (n->nkids < fns[f].min || n->nkids > fns[f].max) {
		if (fns[f].min == fns[f].max)
			expr_at_err(e, n->pos,
				    "%s takes %zu argument%s, not %zu",
				    fns[f].name, fns[f].min,
				    fns[f].min == 1 ? "" : "s", n->nkids);
		else
			expr_at_err(
			    e, n->pos, "%s takes %zu to %zu arguments, not %zu",
			    fns[f].name, fns[f].min, fns[f].max, n->nkids);
		return NULL;
	}
	if (expr_lex(x, e) < 0) /* past ')' */
		return NULL;
	return n;
}

static struct node *p_primary(struct expr *x, struct err *e)
{
	struct node *n;
	char q[64];

	switch (x->tok) {
	case T_NUM:
		if (!(n = p_number(x, e)))
			return NULL;
		break;
	case T_STR:
		if (!(n = new_node(x, N_CONST, x->tstart + 1, e)) ||
		    buf_add(&n->buf, x->tstr.data, x->tstr.len, e) < 0)
			return NULL;
		n->literal = true;
		n->type = VALUE_TEXT;
		n->r.v.s.p = (const char *)n->buf.data;
		n->r.v.s.len = n->buf.len;
		break;
	case T_LP: {
		if (deeper(x, e) < 0 || expr_lex(x, e) < 0 ||
		    !(n = expr_parse(x, e)))
			return NULL;
		if (x->tok != T_RP) {
			expr_at_err(e, x->tstart + 1, "expected ')', not %s",
				    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		x->depth--;
		break;
	}
	case T_NAME:
		if (is_kw(x, "true") || is_kw(x, "false") || is_kw(x, "null")) {
			if (!(n = new_node(x, N_CONST, x->tstart + 1, e)))
				return NULL;
			n->literal = true;
			if (is_kw(x, "null")) {
				n->type = VALUE_NULL;
				n->r.null = true;
			} else {
				n->type = VALUE_BOOL;
				n->r.v.b = is_kw(x, "true");
			}
			break;
		}
		if (is_reserved(x)) {
			expr_at_err(e, x->tstart + 1,
				    "expected a value, a column or '(', not %s "
				    "(quote a column of that name: \"%s\")",
				    expr_tok_text(x, q, sizeof(q)),
				    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		{
			size_t fs = x->tstart, fl = x->tlen;
			if (x->pos < x->len && x->src[x->pos] == '(') {
				if (expr_lex(x, e) < 0)
					return NULL;
				return p_call(x, fs, fl, e);
			}
		}
		if (!(n = new_node(x, N_COL, x->tstart + 1, e)) ||
		    buf_add(&n->buf, x->src + x->tstart, x->tlen, e) < 0)
			return NULL;
		break;
	case T_QNAME:
		if (!(n = new_node(x, N_COL, x->tstart + 1, e)) ||
		    buf_add(&n->buf, x->tstr.data, x->tstr.len, e) < 0)
			return NULL;
		break;
	default:
		expr_at_err(e, x->tstart + 1,
			    "expected a value, a column or '(', not %s",
			    expr_tok_text(x, q, sizeof(q)));
		return NULL;
	}
	if (expr_lex(x, e) < 0)
		return NULL;
	return n;
}

static struct node *p_unary(struct expr *x, struct err *e)
{
	if (is_op(x, "-") || is_op(x, "+")) {
		bool minus = is_op(x, "-");
		size_t pos = x->tstart + 1;
		struct node *k;
		if (deeper(x, e) < 0 || expr_lex(x, e) < 0 ||
		    !(k = p_unary(x, e)))
			return NULL;
		x->depth--;
		return minus ? pair(x, N_NEG, '-', pos, k, NULL, e) : k;
	}
	return p_primary(x, e);
}

static struct node *p_mul(struct expr *x, struct err *e)
{
	struct node *l = p_unary(x, e);

	while (l && (is_op(x, "*") || is_op(x, "/") || is_op(x, "%"))) {
		int op = x->src[x->tstart];
		size_t pos = x->tstart + 1;
		struct node *r;
		if (expr_lex(x, e) < 0 || !(r = p_unary(x, e)))
			return NULL;
		l = pair(x, N_ARITH, op, pos, l, r, e);
	}
	return l;
}

static struct node *p_add(struct expr *x, struct err *e)
{
	struct node *l = p_mul(x, e);

	while (l && (is_op(x, "+") || is_op(x, "-"))) {
		int op = x->src[x->tstart];
		size_t pos = x->tstart + 1;
		struct node *r;
		if (expr_lex(x, e) < 0 || !(r = p_mul(x, e)))
			return NULL;
		l = pair(x, N_ARITH, op, pos, l, r, e);
	}
	return l;
}

static struct node *p_cat(struct expr *x, struct err *e)
{
	struct node *l = p_add(x, e);

	while (l && is_op(x, "||")) {
		size_t pos = x->tstart + 1;
		struct node *r;
		if (expr_lex(x, e) < 0 || !(r = p_add(x, e)))
			return NULL;
		l = pair(x, N_CAT, 0, pos, l, r, e);
	}
	return l;
}

/* one comparison, IS [NOT] NULL, [NOT] IN, [NOT] LIKE, [NOT] BETWEEN */
static struct node *p_pred(struct expr *x, struct err *e)
{
	static const char *const cmps[] = { "=", "<>", "<", "<=", ">", ">=" };
	struct node *l = p_cat(x, e), *n, *r;
	size_t pos = x->tstart + 1;
	bool neg = false;
	char q[64];

	if (!l)
		return NULL;
	for (int c = 0; c < 6; c++)
		if (is_op(x, cmps[c]) || (c == C_NE && is_op(x, "!="))) {
			if (expr_lex(x, e) < 0 || !(r = p_cat(x, e)))
				return NULL;
			return pair(x, N_CMP, c, pos, l, r, e);
		}
	if (is_kw(x, "is")) {
		if (expr_lex(x, e) < 0)
			return NULL;
		if (is_kw(x, "not")) {
			neg = true;
			if (expr_lex(x, e) < 0)
				return NULL;
		}
		if (!is_kw(x, "null")) {
			expr_at_err(e, x->tstart + 1,
				    "expected NULL after IS%s, not %s",
				    neg ? " NOT" : "",
				    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (expr_lex(x, e) < 0 ||
		    !(n = pair(x, N_ISNULL, 0, pos, l, NULL, e)))
			return NULL;
		n->neg = neg;
		return n;
	}
	if (is_kw(x, "not")) {
		neg = true;
		if (expr_lex(x, e) < 0)
			return NULL;
		if (!is_kw(x, "in") && !is_kw(x, "like") &&
		    !is_kw(x, "between")) {
			expr_at_err(
			    e, x->tstart + 1,
			    "expected IN, LIKE or BETWEEN after NOT, not %s",
			    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
	}
	if (is_kw(x, "in")) {
		if (!(n = pair(x, N_IN, 0, pos, l, NULL, e)) ||
		    expr_lex(x, e) < 0)
			return NULL;
		n->neg = neg;
		if (x->tok != T_LP) {
			expr_at_err(e, x->tstart + 1,
				    "expected '(' and a list after IN, not %s",
				    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (deeper(x, e) < 0)
			return NULL;
		do {
			if (expr_lex(x, e) < 0 || !(r = expr_parse(x, e)) ||
			    add_kid(n, r, e) < 0)
				return NULL;
		} while (x->tok == T_COMMA);
		if (x->tok != T_RP) {
			expr_at_err(
			    e, x->tstart + 1,
			    "expected ',' or ')' in the IN list, not %s",
			    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		x->depth--;
		if (expr_lex(x, e) < 0)
			return NULL;
		return n;
	}
	if (is_kw(x, "like")) {
		if (expr_lex(x, e) < 0 || !(r = p_cat(x, e)) ||
		    !(n = pair(x, N_LIKE, 0, pos, l, r, e)))
			return NULL;
		n->neg = neg;
		return n;
	}
	if (is_kw(x, "between")) {
		struct node *hi;
		if (expr_lex(x, e) < 0 || !(r = p_cat(x, e)))
			return NULL;
		if (!is_kw(x, "and")) {
			expr_at_err(e, x->tstart + 1,
				    "expected AND in BETWEEN, not %s",
				    expr_tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (expr_lex(x, e) < 0 || !(hi = p_cat(x, e)) ||
		    !(n = pair(x, N_BETWEEN, 0, pos, l, r, e)) ||
		    add_kid(n, hi, e) < 0)
			return NULL;
		n->neg = neg;
		return n;
	}
	return l;
}

static struct node *p_not(struct expr *x, struct err *e)
{
	if (is_kw(x, "not")) {
		size_t pos = x->tstart + 1;
		struct node *k;
		if (deeper(x, e) < 0 || expr_lex(x, e) < 0 ||
		    !(k = p_not(x, e)))
			return NULL;
		x->depth--;
		return pair(x, N_NOT, 0, pos, k, NULL, e);
	}
	return p_pred(x, e);
}

static struct node *p_and(struct expr *x, struct err *e)
{
	struct node *l = p_not(x, e);

	while (l && is_kw(x, "and")) {
		size_t pos = x->tstart + 1;
		struct node *r;
		if (expr_lex(x, e) < 0 || !(r = p_not(x, e)))
			return NULL;
		l = pair(x, N_AND, 0, pos, l, r, e);
	}
	return l;
}

struct node *expr_parse(struct expr *x, struct err *e)
{
	struct node *l = p_and(x, e);

	while (l && is_kw(x, "or")) {
		size_t pos = x->tstart + 1;
		struct node *r;
		if (expr_lex(x, e) < 0 || !(r = p_and(x, e)))
			return NULL;
		l = pair(x, N_OR, 0, pos, l, r, e);
	}
	return l;
}
