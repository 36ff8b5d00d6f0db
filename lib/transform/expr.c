#include "transform/expr.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "stream/stream.h"
#include "base/utf8.h"

#define DAY_US INT64_C(86400000000)

enum kind {
	N_CONST,
	N_COL,
	N_NOT,
	N_AND,
	N_OR,
	N_CMP,
	N_ISNULL,
	N_IN,
	N_LIKE,
	N_BETWEEN,
	N_ARITH,
	N_NEG,
	N_CAT,
	N_FUNC,
};

enum cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

enum fn {
	F_LOWER,
	F_UPPER,
	F_TRIM,
	F_LENGTH,
	F_SUBSTR,
	F_CONCAT,
	F_COALESCE,
	F_NOW,
	F_ABS,
};

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

struct node {
	enum kind kind;
	int sub;      /* enum cmp, an operator character, enum fn */
	bool neg;     /* NOT IN, NOT LIKE, NOT BETWEEN, IS NOT NULL */
	bool literal; /* a value written in the text */
	size_t pos;   /* where it starts in the text, from 1 */
	enum value_type type;
	size_t col;	       /* N_COL: the input column */
	enum value_type ctype; /* and its stream type */
	struct node **kids;
	size_t nkids, capkids;
	struct value r; /* the result of the last evaluation */
	struct buf buf; /* room for a result's bytes; N_COL's name */
};

enum tok { T_END, T_NUM, T_STR, T_NAME, T_QNAME, T_OP, T_LP, T_RP, T_COMMA };

struct expr {
	struct node *root;
	struct node **all;
	size_t nall, capall;
	const struct schema_table *t;
	int64_t now;
	struct buf num; /* a decimal's text, NUL-terminated for strtod */
	/* while parsing */
	const char *src;
	size_t len, pos;
	int depth;
	enum tok tok;
	size_t tstart, tlen; /* the current token's text */
	struct buf tstr;     /* a string's or quoted name's contents */
};

static int at_err(struct err *e, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int at_err(struct err *e, size_t at, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ERR_SPEC, "at character %zu: %s", at, msg);
}

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

static const char *tok_text(struct expr *x, char *out, size_t n)
{
	if (x->tok == T_END)
		return "the end";
	return err_quote(out, n, x->src + x->tstart, x->tlen, 40);
}

static int lex(struct expr *x, struct err *e)
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
			return at_err(e, x->tstart + 1,
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
				return at_err(e, x->tstart + 1,
					      c == '\''
						  ? "a string is not closed"
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
			return at_err(e, x->tstart + 1, "not valid UTF-8");
		if (c == '"' && x->tstr.len == 0)
			return at_err(e, x->tstart + 1,
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
			return at_err(e, p + 1, "unexpected character '%s'",
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
		at_err(e, pos, "the expression has more than %d parts",
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

static struct node *p_or(struct expr *x, struct err *e);

static int deeper(struct expr *x, struct err *e)
{
	if (++x->depth > EXPR_MAX_DEPTH)
		return at_err(e, x->tstart + 1,
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
			at_err(e, k->pos,
			       "a number with an exponent is too "
			       "long");
			return NULL;
		}
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		k->type = VALUE_FLOAT64;
		k->r.v.f = strtod(tmp, NULL);
		if (!isfinite(k->r.v.f)) {
			at_err(e, k->pos, "%s is out of float64 range", tmp);
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
		at_err(e, fstart + 1,
		       "unknown function %s (expected lower, upper, trim, "
		       "length, substr, concat, coalesce, now or abs)",
		       err_quote(q, sizeof(q), x->src + fstart, flen, 40));
		return NULL;
	}
	if (!(n = new_node(x, N_FUNC, fstart + 1, e)))
		return NULL;
	n->sub = (int)f;
	if (lex(x, e) < 0 || deeper(x, e) < 0) /* past '(' */
		return NULL;
	if (x->tok != T_RP)
		for (;;) {
			struct node *a = p_or(x, e);
			if (!a || add_kid(n, a, e) < 0)
				return NULL;
			if (x->tok == T_RP)
				break;
			if (x->tok != T_COMMA) {
				at_err(e, x->tstart + 1,
				       "expected ',' or ')' in the arguments "
				       "of %s, not %s",
				       fns[f].name, tok_text(x, q, sizeof(q)));
				return NULL;
			}
			if (lex(x, e) < 0)
				return NULL;
		}
	x->depth--;
	if (n->nkids < fns[f].min || n->nkids > fns[f].max) {
		if (fns[f].min == fns[f].max)
			at_err(e, n->pos, "%s takes %zu argument%s, not %zu",
			       fns[f].name, fns[f].min,
			       fns[f].min == 1 ? "" : "s", n->nkids);
		else
			at_err(e, n->pos,
			       "%s takes %zu to %zu arguments, not %zu",
			       fns[f].name, fns[f].min, fns[f].max, n->nkids);
		return NULL;
	}
	if (lex(x, e) < 0) /* past ')' */
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
		if (deeper(x, e) < 0 || lex(x, e) < 0 || !(n = p_or(x, e)))
			return NULL;
		if (x->tok != T_RP) {
			at_err(e, x->tstart + 1, "expected ')', not %s",
			       tok_text(x, q, sizeof(q)));
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
			at_err(e, x->tstart + 1,
			       "expected a value, a column or '(', not %s "
			       "(quote a column of that name: \"%s\")",
			       tok_text(x, q, sizeof(q)),
			       tok_text(x, q, sizeof(q)));
			return NULL;
		}
		{
			size_t fs = x->tstart, fl = x->tlen;
			if (x->pos < x->len && x->src[x->pos] == '(') {
				if (lex(x, e) < 0)
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
		at_err(e, x->tstart + 1,
		       "expected a value, a column or '(', not %s",
		       tok_text(x, q, sizeof(q)));
		return NULL;
	}
	if (lex(x, e) < 0)
		return NULL;
	return n;
}

static struct node *p_unary(struct expr *x, struct err *e)
{
	if (is_op(x, "-") || is_op(x, "+")) {
		bool minus = is_op(x, "-");
		size_t pos = x->tstart + 1;
		struct node *k;
		if (deeper(x, e) < 0 || lex(x, e) < 0 || !(k = p_unary(x, e)))
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
		if (lex(x, e) < 0 || !(r = p_unary(x, e)))
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
		if (lex(x, e) < 0 || !(r = p_mul(x, e)))
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
		if (lex(x, e) < 0 || !(r = p_add(x, e)))
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
			if (lex(x, e) < 0 || !(r = p_cat(x, e)))
				return NULL;
			return pair(x, N_CMP, c, pos, l, r, e);
		}
	if (is_kw(x, "is")) {
		if (lex(x, e) < 0)
			return NULL;
		if (is_kw(x, "not")) {
			neg = true;
			if (lex(x, e) < 0)
				return NULL;
		}
		if (!is_kw(x, "null")) {
			at_err(e, x->tstart + 1,
			       "expected NULL after IS%s, not %s",
			       neg ? " NOT" : "", tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (lex(x, e) < 0 ||
		    !(n = pair(x, N_ISNULL, 0, pos, l, NULL, e)))
			return NULL;
		n->neg = neg;
		return n;
	}
	if (is_kw(x, "not")) {
		neg = true;
		if (lex(x, e) < 0)
			return NULL;
		if (!is_kw(x, "in") && !is_kw(x, "like") &&
		    !is_kw(x, "between")) {
			at_err(e, x->tstart + 1,
			       "expected IN, LIKE or BETWEEN after NOT, not %s",
			       tok_text(x, q, sizeof(q)));
			return NULL;
		}
	}
	if (is_kw(x, "in")) {
		if (!(n = pair(x, N_IN, 0, pos, l, NULL, e)) || lex(x, e) < 0)
			return NULL;
		n->neg = neg;
		if (x->tok != T_LP) {
			at_err(e, x->tstart + 1,
			       "expected '(' and a list after IN, not %s",
			       tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (deeper(x, e) < 0)
			return NULL;
		do {
			if (lex(x, e) < 0 || !(r = p_or(x, e)) ||
			    add_kid(n, r, e) < 0)
				return NULL;
		} while (x->tok == T_COMMA);
		if (x->tok != T_RP) {
			at_err(e, x->tstart + 1,
			       "expected ',' or ')' in the IN list, not %s",
			       tok_text(x, q, sizeof(q)));
			return NULL;
		}
		x->depth--;
		if (lex(x, e) < 0)
			return NULL;
		return n;
	}
	if (is_kw(x, "like")) {
		if (lex(x, e) < 0 || !(r = p_cat(x, e)) ||
		    !(n = pair(x, N_LIKE, 0, pos, l, r, e)))
			return NULL;
		n->neg = neg;
		return n;
	}
	if (is_kw(x, "between")) {
		struct node *hi;
		if (lex(x, e) < 0 || !(r = p_cat(x, e)))
			return NULL;
		if (!is_kw(x, "and")) {
			at_err(e, x->tstart + 1,
			       "expected AND in BETWEEN, not %s",
			       tok_text(x, q, sizeof(q)));
			return NULL;
		}
		if (lex(x, e) < 0 || !(hi = p_cat(x, e)) ||
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
		if (deeper(x, e) < 0 || lex(x, e) < 0 || !(k = p_not(x, e)))
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
		if (lex(x, e) < 0 || !(r = p_not(x, e)))
			return NULL;
		l = pair(x, N_AND, 0, pos, l, r, e);
	}
	return l;
}

static struct node *p_or(struct expr *x, struct err *e)
{
	struct node *l = p_and(x, e);

	while (l && is_kw(x, "or")) {
		size_t pos = x->tstart + 1;
		struct node *r;
		if (lex(x, e) < 0 || !(r = p_and(x, e)))
			return NULL;
		l = pair(x, N_OR, 0, pos, l, r, e);
	}
	return l;
}

/* --- types --------------------------------------------------------------- */

enum family {
	FAM_NULL,
	FAM_BOOL,
	FAM_NUM,
	FAM_TEXT,
	FAM_BYTES,
	FAM_TIME,
	FAM_WHEN
};

static enum family fam(enum value_type t)
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
	at_err(
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
	if (fam(a->type) != fam(b->type))
		return at_err(e, pos, "cannot compare %s with %s",
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
		if (fam(k[i]->type) != fam(anchor))
			return at_err(e, pos,
				      "arguments of types %s and %s do not "
				      "mix",
				      tname(anchor), tname(k[i]->type));
		f64 |= k[i]->type == VALUE_FLOAT64;
		dec |= k[i]->type == VALUE_DECIMAL;
		tz |= k[i]->type == VALUE_TIMESTAMPTZ;
		ts |= k[i]->type == VALUE_TIMESTAMP;
	}
	if (fam(anchor) == FAM_NUM)
		anchor = f64   ? VALUE_FLOAT64
			 : dec ? VALUE_DECIMAL
			       : VALUE_INT64;
	else if (fam(anchor) == FAM_WHEN)
		anchor = tz   ? VALUE_TIMESTAMPTZ
			 : ts ? VALUE_TIMESTAMP
			      : VALUE_DATE;
	*out = anchor;
	return 0;
}

static int want(struct node *k, enum family f, const char *what, size_t pos,
		struct err *e)
{
	if (k->type == VALUE_NULL || fam(k->type) == f)
		return 0;
	return at_err(e, pos, "%s, not %s", what, tname(k->type));
}

static int check(struct expr *x, struct node *n, struct err *e)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (check(x, n->kids[i], e) < 0)
			return -1;
	struct node *a = n->nkids > 0 ? n->kids[0] : NULL;
	struct node *b = n->nkids > 1 ? n->kids[1] : NULL;

	switch (n->kind) {
	case N_CONST: return 0;
	case N_COL: {
		int c = schema_column_index(x->t, (const char *)n->buf.data);
		char q[80];
		if (c < 0)
			return at_err(
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
				      buf_add(&n->buf, a->r.v.s.p,
					      a->r.v.s.len, e) < 0)
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
					return at_err(
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

/* --- evaluation ---------------------------------------------------------- */

static int ev(struct expr *x, struct node *n, const struct value *row,
	      struct err *e);

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
	switch (fam(ta)) {
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
	if (fam(t) == FAM_TEXT)
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
			if (ev(x, k, row, e) < 0)
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
			if (ev(x, k, row, e) < 0)
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
		if (ev(x, n->kids[i], row, e) < 0)
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

static int ev(struct expr *x, struct node *n, const struct value *row,
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
		if (ev(x, a, row, e) < 0)
			return -1;
		n->r.null = a->r.null;
		n->r.v.b = !a->r.v.b;
		return 0;
	case N_AND:
	case N_OR: {
		/* false AND anything is false, true OR anything true */
		bool stop = n->kind == N_OR;
		if (ev(x, a, row, e) < 0)
			return -1;
		n->r.null = false;
		n->r.v.b = stop;
		if (!a->r.null && a->r.v.b == stop)
			return 0;
		if (ev(x, b, row, e) < 0)
			return -1;
		if (!b->r.null && b->r.v.b == stop)
			return 0;
		n->r.null = a->r.null || b->r.null;
		n->r.v.b = !stop;
		return 0;
	}
	case N_CMP: {
		int c;
		if (ev(x, a, row, e) < 0 || ev(x, b, row, e) < 0)
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
		if (ev(x, a, row, e) < 0)
			return -1;
		n->r.null = false;
		n->r.v.b = a->r.null != n->neg;
		return 0;
	case N_IN: {
		bool saw_null = false;
		if (ev(x, a, row, e) < 0)
			return -1;
		n->r.null = a->r.null;
		if (a->r.null)
			return 0;
		for (size_t i = 1; i < n->nkids; i++) {
			struct node *k = n->kids[i];
			if (ev(x, k, row, e) < 0)
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
		if (ev(x, a, row, e) < 0 || ev(x, b, row, e) < 0)
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
		if (ev(x, a, row, e) < 0 || ev(x, b, row, e) < 0 ||
		    ev(x, h, row, e) < 0)
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
		if (ev(x, a, row, e) < 0 || ev(x, b, row, e) < 0)
			return -1;
		n->r.null = a->r.null || b->r.null;
		return n->r.null ? 0 : ev_arith(x, n, a, b, e);
	case N_NEG:
		if (ev(x, a, row, e) < 0)
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
		if (ev(x, a, row, e) < 0 || ev(x, b, row, e) < 0)
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

/* --- the interface ------------------------------------------------------- */

struct expr *expr_compile(const char *src, size_t len,
			  const struct schema_table *t, int64_t now,
			  struct err *e)
{
	struct expr *x;
	char q[64];

	if (len > EXPR_MAX_LEN) {
		err_set(e, ERR_SPEC, "the expression is longer than %d bytes",
			EXPR_MAX_LEN);
		return NULL;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		err_oom(e);
		return NULL;
	}
	x->src = src;
	x->len = len;
	x->t = t;
	x->now = now;
	buf_init(&x->num, 1024);
	buf_init(&x->tstr, EXPR_MAX_LEN);
	if (lex(x, e) < 0)
		goto fail;
	if (x->tok == T_END) {
		err_set(e, ERR_SPEC, "the expression is empty");
		goto fail;
	}
	if (!(x->root = p_or(x, e)))
		goto fail;
	if (x->tok != T_END) {
		at_err(e, x->tstart + 1,
		       "expected an operator or the end, "
		       "not %s",
		       tok_text(x, q, sizeof(q)));
		goto fail;
	}
	buf_release(&x->tstr);
	x->src = NULL;
	if (t && check(x, x->root, e) < 0)
		goto fail;
	return x;
fail:
	expr_free(x);
	return NULL;
}

enum value_type expr_type(const struct expr *x)
{
	return x->root->type;
}

int expr_eval(struct expr *x, const struct value *row, const struct value **out,
	      struct err *e)
{
	if (ev(x, x->root, row, e) < 0)
		return -1;
	*out = &x->root->r;
	return 0;
}

void expr_free(struct expr *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nall; i++) {
		buf_release(&x->all[i]->buf);
		free(x->all[i]->kids);
		free(x->all[i]);
	}
	free(x->all);
	buf_release(&x->num);
	buf_release(&x->tstr);
	free(x);
}
