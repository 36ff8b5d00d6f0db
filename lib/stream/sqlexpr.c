#include "stream/sqlexpr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/utf8.h"

/* --- the tree ------------------------------------------------------------ */

enum kind {
	K_COL,
	K_NUM,
	K_STR,
	K_BOOL,
	K_NULL,
	K_BIN,
	K_NOT,
	K_NEG,
	K_ISNULL,
	K_IN,
	K_BETWEEN,
	K_LIKE,
	K_FUNC,
	K_ARRAY, /* PostgreSQL's ARRAY[...], only inside = ANY (...) */
	K_AGG,	 /* a view's aggregate: op enum agg, neg DISTINCT, kid or -1 */
	K_CASE,	 /* CASE WHEN c THEN v ... [ELSE v] END: op 1 with ELSE */
	K_NOW,	 /* a view's clock: op enum now */
	K_IVL,	 /* a view's INTERVAL n unit: op enum unit, text n */
};

/* the clock a view reads: the session's wall clock (compared with a
 * timestamp without time zone), the instant (with one), today */
enum now { NOW_LOCAL, NOW_INSTANT, NOW_DATE };

enum unit { U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_MONTH, U_YEAR };

static const char *const unit_sql[] = { "SECOND", "MINUTE", "HOUR",
					"DAY",	  "MONTH",  "YEAR" };

enum op {
	O_AND,
	O_OR,
	O_EQ,
	O_NE,
	O_LT,
	O_LE,
	O_GT,
	O_GE,
	O_ADD,
	O_SUB,
	O_MUL,
	O_MOD,
	O_CAT,
};

static const char *const op_sql[] = {
	"AND", "OR", "=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "%", "||",
};

enum fn {
	F_LOWER,
	F_UPPER,
	F_CHAR_LENGTH,
	F_OCTET_LENGTH,
	F_TRIM,
	F_ABS,
	F_COALESCE,
};

static const char *const fn_sql[] = {
	"lower", "upper", "char_length", "octet_length", "trim", "abs",
	"coalesce",
};

enum agg { A_COUNT, A_SUM, A_MIN, A_MAX, A_AVG };

static const char *const agg_sql[] = { "count", "sum", "min", "max", "avg" };

/* the type of a node's value, as far as the rules care */
enum cls {
	C_NULL,
	C_NUM,
	C_TEXT, /* text of a column (or made of one) */
	C_STR,	/* a string literal: text, or a date, or an enum label */
	C_ENUM,
	C_BOOL,
	C_TIME, /* date, time, timestamp: vt says which */
	C_ANY,	/* a view's column of another type: read, not operated on */
	C_IVL,	/* a view's INTERVAL: added to or taken from a time only */
};

static const char *const cls_name[] = {
	"NULL",	   "a number", "text",			  "a string",
	"an enum", "a boolean", "a time", "a value of another type",
	"an interval",
};

struct node {
	enum kind kind;
	int op; /* K_BIN: enum op; K_FUNC: enum fn */
	enum cls cls;
	enum value_type vt; /* C_TIME, K_COL */
	int neg;	    /* K_ISNULL, K_IN, K_BETWEEN, K_LIKE: NOT */
	size_t col;	    /* K_COL */
	size_t item;	    /* K_COL of a view: its FROM item */
	char *text;	    /* K_NUM, K_STR */
	int kid;	    /* first operand, -1 */
	int next;	    /* the next operand of the same parent, -1 */
};

/* a view's FROM item: a table of the run under an alias, and how it is
 * joined to the items before it */
enum join { J_FIRST, J_INNER, J_LEFT, J_CROSS };

struct vitem {
	size_t tab; /* index into tabs */
	char *alias;
	enum join join;
	int on; /* J_INNER, J_LEFT: the condition */
};

struct sqlexpr {
	const struct schema_table *t; /* NULL for a view */
	struct node *n;
	size_t nn, cap;
	int root;
	/* a view (sqlview_*): the tables it may read, its FROM items */
	struct schema_table *const *tabs;
	size_t ntabs;
	const char *home;
	struct vitem *items;
	size_t nitems;
};

/* the column K_COL node n reads */
static const struct schema_column *col_of(const struct sqlexpr *x,
					  const struct node *n)
{
	if (!x->t)
		return &x->tabs[x->items[n->item].tab]->cols[n->col];
	return &x->t->cols[n->col];
}

void sqlexpr_free(struct sqlexpr *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nn; i++)
		free(x->n[i].text);
	for (size_t i = 0; i < x->nitems; i++)
		free(x->items[i].alias);
	free(x->items);
	free(x->n);
	free(x);
}

/* --- reading ------------------------------------------------------------- */

/* parentheses read deep (the tree's own depth is checked after) */
#define PARSE_DEPTH (4 * SQLEXPR_MAX_DEPTH)

enum tok { T_END, T_WORD, T_QIDENT, T_STR, T_NUM, T_OP };

struct parser {
	const char *s;
	size_t len, pos;
	enum sqlexpr_dialect d;
	struct sqlexpr *x;
	char *why;
	size_t whysz;
	struct err *e;
	int depth;
	/* the current token */
	enum tok k;
	size_t at;	/* where it starts */
	struct buf tx;	/* a word, a name or a string, unquoted */
	char op[4];	/* T_OP */
	/* a view: where an aggregate may stand, and whether inside one */
	int agg_ok, in_agg;
};

static int refuse(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int refuse(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->why[0] || p->e->class)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->why, p->whysz, fmt, ap);
	va_end(ap);
	if (!p->why[0])
		snprintf(p->why, p->whysz, "not an expression ferry carries");
	return -1;
}

/* the current token as the message shows it */
static const char *tok_show(struct parser *p, char *out, size_t outsz)
{
	size_t n = p->pos - p->at;

	if (p->k == T_END)
		return "the end";
	if (n > 40)
		n = 40;
	n = utf8_cut(p->s + p->at, n, n);
	snprintf(out, outsz, "'%.*s'", (int)n, p->s + p->at);
	return out;
}

static int unexpected(struct parser *p)
{
	char sh[64];

	return refuse(p, "%s at character %zu", tok_show(p, sh, sizeof(sh)),
		      p->at + 1);
}

static int is_word_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_word_char(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* a quoted name or string from p->pos (at its opening quote q) into tx */
static int lex_quoted(struct parser *p, char q)
{
	const char *s = p->s;

	buf_reset(&p->tx);
	for (p->pos++;; p->pos++) {
		char c;
		if (p->pos >= p->len)
			return refuse(p, "a quote not closed");
		c = s[p->pos];
		if (c == q) {
			if (p->pos + 1 < p->len && s[p->pos + 1] == q) {
				p->pos++;
			} else {
				p->pos++;
				break;
			}
		} else if (c == '\\' && q == '\'' && p->d == SQLEXPR_MYSQL) {
			/* MySQL's escapes in a string (its catalogs print
			 * them); \% and \_ keep their backslash */
			if (++p->pos >= p->len)
				return refuse(p, "a quote not closed");
			c = s[p->pos];
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'Z': c = 26; break;
			case '0': return refuse(p, "a string holding NUL");
			case '%':
			case '_':
				if (buf_addc(&p->tx, '\\', p->e) < 0)
					return -1;
				break;
			default: break;
			}
		}
		if (c == '\0')
			return refuse(p, "a string holding NUL");
		if (buf_addc(&p->tx, (unsigned char)c, p->e) < 0)
			return -1;
	}
	/* room for a NUL after it, so that data is never NULL */
	if (buf_addc(&p->tx, 0, p->e) < 0)
		return -1;
	p->tx.len--;
	if (!utf8_valid((const char *)p->tx.data, p->tx.len))
		return refuse(p, "a string that is not UTF-8");
	return 0;
}

static int next(struct parser *p)
{
	const char *s = p->s;
	static const char *const ops[] = {
		"!~~", "::", "<>", "!=", "<=", ">=", "||", "~~", "&&",
		"(",   ")",	 ",",  "=",	 "<",  ">",	 "+",  "-",
		"*",   "/",	 "%",  "[",	 "]",  "~",	 "!",  "^",
		"&",   "|",	 ";",  ".",	 ":",  "@",	 "#",  "?",
	};

	while (p->pos < p->len && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
				   s[p->pos] == '\n' || s[p->pos] == '\r'))
		p->pos++;
	p->at = p->pos;
	if (p->pos >= p->len) {
		p->k = T_END;
		return 0;
	}
	if (p->pos + 1 < p->len &&
	    ((s[p->pos] == '-' && s[p->pos + 1] == '-') ||
	     (s[p->pos] == '/' && s[p->pos + 1] == '*'))) {
		p->pos += 2;
		p->k = T_OP;
		return refuse(p, "a comment at character %zu", p->at + 1);
	}
	if (is_word_start(s[p->pos])) {
		buf_reset(&p->tx);
		while (p->pos < p->len && is_word_char(s[p->pos]))
			if (buf_addc(&p->tx, (unsigned char)s[p->pos++],
				     p->e) < 0)
				return -1;
		if (buf_addc(&p->tx, 0, p->e) < 0)
			return -1;
		p->tx.len--;
		p->k = T_WORD;
		return 0;
	}
	if (s[p->pos] >= '0' && s[p->pos] <= '9') {
		buf_reset(&p->tx);
		while (p->pos < p->len &&
		       ((s[p->pos] >= '0' && s[p->pos] <= '9') ||
			s[p->pos] == '.'))
			if (buf_addc(&p->tx, (unsigned char)s[p->pos++],
				     p->e) < 0)
				return -1;
		if (p->pos < p->len && is_word_char(s[p->pos]))
			return refuse(p, "the number at character %zu",
				      p->at + 1);
		p->k = T_NUM;
		return 0;
	}
	if (s[p->pos] == '\'') {
		p->k = T_STR;
		return lex_quoted(p, '\'');
	}
	if (s[p->pos] == (p->d == SQLEXPR_MYSQL ? '`' : '"')) {
		p->k = T_QIDENT;
		return lex_quoted(p, s[p->pos]);
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		size_t n = strlen(ops[i]);
		if (p->pos + n <= p->len && memcmp(s + p->pos, ops[i], n) == 0) {
			memcpy(p->op, ops[i], n + 1);
			p->pos += n;
			p->k = T_OP;
			return 0;
		}
	}
	p->pos++;
	p->k = T_OP;
	p->op[0] = '\0';
	return unexpected(p);
}

static int is_op(const struct parser *p, const char *op)
{
	return p->k == T_OP && strcmp(p->op, op) == 0;
}

static int is_word(const struct parser *p, const char *w)
{
	return p->k == T_WORD && strcasecmp((const char *)p->tx.data, w) == 0;
}

static int expect_op(struct parser *p, const char *op)
{
	if (!is_op(p, op))
		return unexpected(p);
	return next(p);
}

/* one level deeper into the text: refused past PARSE_DEPTH */
static int deeper(struct parser *p)
{
	if (++p->depth > PARSE_DEPTH)
		return refuse(p, "an expression nested over %d deep",
			      SQLEXPR_MAX_DEPTH);
	return 0;
}

static int new_node(struct parser *p, enum kind k, enum cls c)
{
	struct sqlexpr *x = p->x;
	struct node *n;

	if (x->nn >= SQLEXPR_MAX_NODES)
		return refuse(p, "an expression of over %d parts",
			      SQLEXPR_MAX_NODES);
	if (x->nn == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct node *nn = realloc(x->n, cap * sizeof(*nn));
		if (!nn)
			return err_oom(p->e);
		x->n = nn;
		x->cap = cap;
	}
	n = &x->n[x->nn];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->cls = c;
	n->vt = VALUE_NULL;
	n->kid = n->next = -1;
	return (int)x->nn++;
}

#define N(i) (&p->x->n[(i)])

static int node_text(struct parser *p, int i)
{
	if (!(N(i)->text = strndup((const char *)p->tx.data, p->tx.len)))
		return err_oom(p->e);
	return 0;
}

/* operands a (and b, c) under a new node */
static int parent(struct parser *p, enum kind k, int op, enum cls c, int a,
		  int b, int cc)
{
	int i = new_node(p, k, c);

	if (i < 0)
		return -1;
	N(i)->op = op;
	N(i)->kid = a;
	if (b >= 0)
		N(a)->next = b;
	if (cc >= 0)
		N(b)->next = cc;
	return i;
}

static int num_literal_is(const struct node *n, const char *v)
{
	return n->kind == K_NUM && strcmp(n->text, v) == 0;
}

/* a boolean column compared with 0 or 1 (MySQL keeps booleans as
 * numbers, and its catalogs print FALSE as 0): the literal becomes one */
static void bool_literal(struct parser *p, int a, int b)
{
	for (int k = 0; k < 2; k++) {
		int x = k ? a : b, y = k ? b : a;
		if (N(x)->cls == C_BOOL &&
		    (num_literal_is(N(y), "0") || num_literal_is(N(y), "1"))) {
			int one = N(y)->text[0] == '1';
			free(N(y)->text);
			N(y)->text = NULL;
			N(y)->kind = K_BOOL;
			N(y)->cls = C_BOOL;
			N(y)->op = one;
		}
	}
}

static int is_text(enum cls c)
{
	return c == C_TEXT || c == C_STR;
}

/* A view's clock (now(), or a time moved from it: its vt still
 * VALUE_NULL) compared with a time of kind vt: the session's wall clock
 * for a timestamp without time zone, the instant for one with it.  -1
 * when vt is neither. */
static int clock_as(struct parser *p, int i, enum value_type vt)
{
	struct node *n = N(i);

	if (vt != VALUE_TIMESTAMP && vt != VALUE_TIMESTAMPTZ)
		return -1;
	n->vt = vt;
	if (n->kind == K_NOW)
		n->op = vt == VALUE_TIMESTAMP ? NOW_LOCAL : NOW_INSTANT;
	else if (n->kind == K_BIN && n->kid >= 0 && N(n->kid)->vt == VALUE_NULL)
		return clock_as(p, n->kid, vt);
	return 0;
}

/* whether a op b means the same on both engines */
static int comparable(struct parser *p, int a, int b, int ordered)
{
	const struct node *x = N(a), *y = N(b);
	enum cls c = x->cls, d = y->cls;

	if (c == C_NULL || d == C_NULL)
		return 0;
	if (c == C_NUM && d == C_NUM)
		return 0;
	if (c == C_TIME || d == C_TIME) {
		if ((c == C_STR && y->vt == VALUE_TIMESTAMPTZ) ||
		    (d == C_STR && x->vt == VALUE_TIMESTAMPTZ))
			return refuse(p, "a time with time zone compared with a "
					 "string, which each engine reads in its "
					 "own time zone");
		if ((c == C_TIME && d == C_STR) || (c == C_STR && d == C_TIME) ||
		    (c == C_TIME && d == C_TIME && x->vt == y->vt))
			return 0;
		/* a clock reads as what it is compared with */
		if (c == C_TIME && d == C_TIME &&
		    ((x->vt == VALUE_NULL && clock_as(p, a, y->vt) == 0) ||
		     (y->vt == VALUE_NULL && clock_as(p, b, x->vt) == 0)))
			return 0;
	} else if (!ordered) {
		if (is_text(c) && is_text(d))
			return 0;
		if ((c == C_ENUM && d == C_STR) || (c == C_STR && d == C_ENUM))
			return 0;
		if (c == C_BOOL && d == C_BOOL)
			return 0;
	} else if (is_text(c) && is_text(d)) {
		return refuse(p, "text ordered by < or >, which each engine's "
				 "collations sort apart");
	}
	return refuse(p, "%s compared with %s%s", cls_name[c], cls_name[d],
		      ordered ? " by order" : "");
}

static int want_cls(struct parser *p, int a, enum cls c, enum cls c2,
		    const char *what)
{
	enum cls h = N(a)->cls;

	if (h == C_NULL || h == c || h == c2)
		return 0;
	return refuse(p, "%s of %s", what, cls_name[h]);
}

static int parse_or(struct parser *p);

static int column_node(struct parser *p, const struct schema_table *t,
		       size_t ci, size_t item);
static int view_column(struct parser *p);

/* a column named by the current token */
static int column(struct parser *p, int quoted)
{
	const struct schema_table *t = p->x->t;
	const char *name = (const char *)p->tx.data;
	int ci = -1;

	if (!t)
		return view_column(p);
	if (!p->tx.len)
		return refuse(p, "an empty name");
	if (memchr(p->tx.data, 0, p->tx.len))
		return refuse(p, "a name holding NUL");
	if (buf_addc(&p->tx, 0, p->e) < 0)
		return -1;
	p->tx.len--;
	for (size_t k = 0; k < t->ncols; k++)
		if (strcmp(t->cols[k].name, name) == 0)
			ci = (int)k;
	/* MySQL's column names are not case sensitive */
	for (size_t k = 0; ci < 0 && p->d == SQLEXPR_MYSQL && k < t->ncols; k++)
		if (strcasecmp(t->cols[k].name, name) == 0)
			ci = (int)k;
	(void)quoted;
	if (ci < 0)
		return refuse(p, "no column named %.*s", 64, name);
	return column_node(p, t, (size_t)ci, 0);
}

/* the current token (a name) as a NUL-terminated copy in out: 0, or -1
 * refused */
static int name_token(struct parser *p, char *out, size_t outsz)
{
	if (p->k != T_WORD && p->k != T_QIDENT)
		return unexpected(p);
	if (!p->tx.len || memchr(p->tx.data, 0, p->tx.len))
		return refuse(p, "an empty name or one holding NUL");
	if (p->tx.len >= outsz)
		return refuse(p, "a name of over %zu bytes", outsz - 1);
	memcpy(out, p->tx.data, p->tx.len);
	out[p->tx.len] = '\0';
	return 0;
}

static int same_name(const struct parser *p, const char *a, const char *b)
{
	/* MySQL's column names and aliases are not case sensitive */
	return p->d == SQLEXPR_MYSQL ? strcasecmp(a, b) == 0
				     : strcmp(a, b) == 0;
}

/* whether a qualifier names the schema of table t (or, MySQL, the
 * database the view is in) */
static int of_schema(const struct parser *p, const struct schema_table *t,
		     const char *q)
{
	if (t->schema)
		return strcmp(t->schema, q) == 0;
	return p->x->home && strcmp(p->x->home, q) == 0;
}

/* A view's column: col, item.col or schema.item.col (ferry's form:
 * "alias"."col" always), resolved among the FROM items read so far. */
static int view_column(struct parser *p)
{
	const struct sqlexpr *x = p->x;
	char part[3][SCHEMA_MAX_NAME + 1];
	int n = 0, hit = -1, hitcol = -1;

	for (;;) {
		if (name_token(p, part[n], sizeof(part[n])) < 0)
			return -1;
		n++;
		/* the dot must follow the name at once */
		if (n == 3 || p->pos >= p->len || p->s[p->pos] != '.')
			break;
		if (next(p) < 0 || next(p) < 0)
			return -1;
		if (is_op(p, "*"))
			return refuse(p, "a * in a view");
	}
	if (p->d == SQLEXPR_FERRY && n != 2)
		return refuse(p, "a column not written \"alias\".\"column\"");
	for (size_t k = 0; k < x->nitems; k++) {
		const struct vitem *it = &x->items[k];
		const struct schema_table *t = x->tabs[it->tab];
		if (n >= 2 && !same_name(p, it->alias, part[n - 2]))
			continue;
		if (n == 3 && !of_schema(p, t, part[0]))
			continue;
		for (size_t c = 0; c < t->ncols; c++) {
			if (!same_name(p, t->cols[c].name, part[n - 1]))
				continue;
			if (hit >= 0 && (hit != (int)k || hitcol != (int)c))
				return refuse(p, "the column name %.*s, of "
						 "more than one table",
					      64, part[n - 1]);
			hit = (int)k;
			hitcol = (int)c;
		}
	}
	if (hit < 0)
		return refuse(p, "no column %.*s%s%.*s of the view's tables", 64,
			      n >= 2 ? part[n - 2] : "", n >= 2 ? "." : "", 64,
			      part[n - 1]);
	return column_node(p, x->tabs[x->items[hit].tab], (size_t)hitcol,
			   (size_t)hit);
}

/* the node of column ci of t (FROM item `item` of a view) */
static int column_node(struct parser *p, const struct schema_table *t,
		       size_t ci, size_t item)
{
	const char *name = t->cols[ci].name;
	enum cls c;
	int i;

	switch (t->cols[ci].type) {
	case VALUE_BOOL: c = C_BOOL; break;
	case VALUE_INT64:
	case VALUE_UINT64:
	case VALUE_FLOAT64:
	case VALUE_DECIMAL: c = C_NUM; break;
	case VALUE_TEXT: c = C_TEXT; break;
	case VALUE_ENUM: c = C_ENUM; break;
	case VALUE_DATE:
	case VALUE_TIME:
	case VALUE_TIMESTAMP: c = C_TIME; break;
	default:
		/* a view reads an instant as a time too */
		if (!p->x->t && t->cols[ci].type == VALUE_TIMESTAMPTZ) {
			c = C_TIME;
			break;
		}
		/* a view passes any column through */
		if (!p->x->t) {
			c = C_ANY;
			break;
		}
		return refuse(p, "column %.*s, of type %s", 64, name,
			      value_type_name(t->cols[ci].type));
	}
	if ((i = new_node(p, K_COL, c)) < 0)
		return -1;
	N(i)->col = ci;
	N(i)->item = item;
	N(i)->vt = t->cols[ci].type;
	return next(p) < 0 ? -1 : i;
}

static const struct {
	const char *name;
	enum sqlexpr_dialect d; /* SQLEXPR_FERRY: every dialect */
	enum fn fn;
} fn_names[] = {
	{ "lower", SQLEXPR_FERRY, F_LOWER },
	{ "upper", SQLEXPR_FERRY, F_UPPER },
	{ "char_length", SQLEXPR_FERRY, F_CHAR_LENGTH },
	{ "character_length", SQLEXPR_MYSQL, F_CHAR_LENGTH },
	{ "character_length", SQLEXPR_PG, F_CHAR_LENGTH },
	{ "octet_length", SQLEXPR_FERRY, F_OCTET_LENGTH },
	{ "trim", SQLEXPR_FERRY, F_TRIM },
	{ "abs", SQLEXPR_FERRY, F_ABS },
	{ "coalesce", SQLEXPR_FERRY, F_COALESCE },
	{ "lcase", SQLEXPR_MYSQL, F_LOWER },
	{ "ucase", SQLEXPR_MYSQL, F_UPPER },
	{ "length", SQLEXPR_MYSQL, F_OCTET_LENGTH }, /* bytes in MySQL */
	{ "length", SQLEXPR_PG, F_CHAR_LENGTH },     /* characters in PG */
	{ "btrim", SQLEXPR_PG, F_TRIM },
};

/* a view's aggregate, its "(" the current token: count(*), count([DISTINCT]
 * x), sum, avg of numbers, min and max of numbers and times (not of
 * text, which the engines' collations order apart) */
static int aggregate(struct parser *p, enum agg a)
{
	int i, arg = -1, distinct = 0;

	if (!p->agg_ok)
		return refuse(p, "%s() outside the select list and HAVING",
			      agg_sql[a]);
	if (p->in_agg)
		return refuse(p, "an aggregate inside an aggregate");
	if (deeper(p) < 0 || next(p) < 0)
		return -1;
	if (is_word(p, "distinct")) {
		distinct = 1;
		if (next(p) < 0)
			return -1;
	}
	if (a == A_COUNT && !distinct && is_op(p, "*")) {
		if (next(p) < 0)
			return -1;
	} else if (a == A_COUNT && !distinct && p->d == SQLEXPR_MYSQL &&
		   p->k == T_NUM && p->tx.len == 1 &&
		   (p->tx.data[0] == '0' || p->tx.data[0] == '1') &&
		   p->pos < p->len && p->s[p->pos] == ')') {
		/* MySQL prints count(*) as count(0) */
		if (next(p) < 0)
			return -1;
	} else {
		p->in_agg = 1;
		arg = parse_or(p);
		p->in_agg = 0;
		if (arg < 0)
			return -1;
		if (N(arg)->cls == C_NULL)
			return refuse(p, "%s(NULL)", agg_sql[a]);
		if ((a == A_SUM || a == A_AVG) &&
		    want_cls(p, arg, C_NUM, C_NUM, agg_sql[a]) < 0)
			return -1;
		if ((a == A_MIN || a == A_MAX) &&
		    want_cls(p, arg, C_NUM, C_TIME, agg_sql[a]) < 0)
			return -1;
	}
	if (expect_op(p, ")") < 0)
		return -1;
	p->depth--;
	if (is_word(p, "filter") || is_word(p, "over") ||
	    is_word(p, "within"))
		return refuse(p, "%s() %s", agg_sql[a], (char *)p->tx.data);
	if ((i = new_node(p, K_AGG, C_NUM)) < 0)
		return -1;
	N(i)->op = (int)a;
	N(i)->neg = distinct;
	N(i)->kid = arg;
	if (a == A_MIN || a == A_MAX) {
		N(i)->cls = N(arg)->cls;
		N(i)->vt = N(arg)->vt;
	}
	return i;
}

/* value a into node i's class (coalesce's, a CASE's): one kind, a
 * column's text over a string */
static int merge_class(struct parser *p, int i, int a, const char *what)
{
	if (N(a)->cls == C_NULL)
		return 0;
	if (N(a)->cls == C_ANY)
		return refuse(p, "%s of %s", what, cls_name[C_ANY]);
	if (N(i)->cls == C_NULL || N(i)->cls == C_STR) {
		if (N(i)->cls == C_STR && N(a)->cls != C_STR &&
		    N(a)->cls != C_TEXT && N(a)->cls != C_TIME &&
		    N(a)->cls != C_ENUM)
			return refuse(p, "%s of %s and %s", what,
				      cls_name[C_STR], cls_name[N(a)->cls]);
		if (N(i)->cls == C_NULL || N(a)->cls != C_STR) {
			N(i)->cls = N(a)->cls;
			N(i)->vt = N(a)->vt;
		}
		return 0;
	}
	if (N(a)->cls == N(i)->cls &&
	    (N(a)->cls != C_TIME || N(a)->vt == N(i)->vt))
		return 0;
	if (N(a)->cls == C_STR && (N(i)->cls == C_TEXT ||
				   N(i)->cls == C_TIME || N(i)->cls == C_ENUM))
		return 0;
	return refuse(p, "%s of %s and %s", what, cls_name[N(i)->cls],
		      cls_name[N(a)->cls]);
}

/* a CASE's class: of its results (the operand after each condition,
 * and the ELSE, last, with no condition before it) */
static int case_class(struct parser *p, int i)
{
	for (int a = N(i)->kid; a >= 0;) {
		int v = N(a)->next;
		if (v < 0)
			return merge_class(p, i, a, "CASE");
		if (merge_class(p, i, v, "CASE") < 0)
			return -1;
		a = N(v)->next;
	}
	if (N(i)->cls == C_BOOL || N(i)->cls == C_ENUM)
		return refuse(p, "a CASE of %s", cls_name[N(i)->cls]);
	return 0;
}

static int mysql_if(struct parser *p)
{
	int i, c, a, b;

	if (deeper(p) < 0 || next(p) < 0 || (c = parse_or(p)) < 0 ||
	    want_cls(p, c, C_BOOL, C_BOOL, "if()") < 0 ||
	    expect_op(p, ",") < 0 || (a = parse_or(p)) < 0 ||
	    expect_op(p, ",") < 0 || (b = parse_or(p)) < 0 ||
	    expect_op(p, ")") < 0)
		return -1;
	p->depth--;
	if ((i = parent(p, K_CASE, 1, C_NULL, c, a, b)) < 0)
		return -1;
	return case_class(p, i) < 0 ? -1 : i;
}

/* CASE WHEN c THEN v ... [ELSE v] END, "CASE" the current token (in a
 * view only: its value's type is what the view's column gets) */
static int case_when(struct parser *p)
{
	int i, last = -1, first = -1, nwhen = 0;

	if (deeper(p) < 0 || next(p) < 0)
		return -1;
	if (!is_word(p, "when"))
		return refuse(p, "CASE x WHEN (write CASE WHEN x = ...)");
	if ((i = new_node(p, K_CASE, C_NULL)) < 0)
		return -1;
	while (is_word(p, "when") || is_word(p, "else")) {
		int els = is_word(p, "else"), c = -1, v;
		if (next(p) < 0)
			return -1;
		if (!els) {
			if ((c = parse_or(p)) < 0 ||
			    want_cls(p, c, C_BOOL, C_BOOL, "WHEN") < 0)
				return -1;
			if (!is_word(p, "then"))
				return unexpected(p);
			if (next(p) < 0)
				return -1;
			nwhen++;
		}
		if ((v = parse_or(p)) < 0)
			return -1;
		if (c >= 0) {
			if (last >= 0)
				N(last)->next = c;
			else
				first = c;
			N(c)->next = v;
		} else if (last >= 0) {
			N(last)->next = v;
		}
		last = v;
		if (els) {
			N(i)->op = 1;
			break;
		}
	}
	if (!nwhen || !is_word(p, "end"))
		return unexpected(p);
	if (next(p) < 0)
		return -1;
	p->depth--;
	N(i)->kid = first;
	return case_class(p, i) < 0 ? -1 : i;
}

static int is_number_text(const char *s);

/* A view's clock by its name: a function's (parens: MySQL's and
 * PostgreSQL's now()) or a word's (PostgreSQL's and ferry's); its enum
 * now, or -1.  now() is the instant in PostgreSQL, MySQL's wall clock,
 * until it is compared with a time of one kind (clock_as). */
static int clock_of(const struct parser *p, const char *name, int parens)
{
	static const struct {
		const char *name;
		enum sqlexpr_dialect d;
		int parens;
		enum now now;
	} c[] = {
		{ "now", SQLEXPR_PG, 1, NOW_INSTANT },
		{ "current_timestamp", SQLEXPR_PG, 0, NOW_INSTANT },
		{ "localtimestamp", SQLEXPR_PG, 0, NOW_LOCAL },
		{ "current_date", SQLEXPR_PG, 0, NOW_DATE },
		{ "CURRENT_TIMESTAMP", SQLEXPR_FERRY, 0, NOW_INSTANT },
		{ "LOCALTIMESTAMP", SQLEXPR_FERRY, 0, NOW_LOCAL },
		{ "CURRENT_DATE", SQLEXPR_FERRY, 0, NOW_DATE },
		{ "now", SQLEXPR_MYSQL, 1, NOW_LOCAL },
		{ "current_timestamp", SQLEXPR_MYSQL, 1, NOW_LOCAL },
		{ "localtimestamp", SQLEXPR_MYSQL, 1, NOW_LOCAL },
		{ "utc_timestamp", SQLEXPR_MYSQL, 1, NOW_INSTANT },
		{ "curdate", SQLEXPR_MYSQL, 1, NOW_DATE },
		{ "current_date", SQLEXPR_MYSQL, 1, NOW_DATE },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++)
		if (c[i].d == p->d && c[i].parens == parens &&
		    (p->d == SQLEXPR_FERRY ? strcmp(c[i].name, name)
					   : strcasecmp(c[i].name, name)) == 0)
			return (int)c[i].now;
	return -1;
}

/* the node of clock k, the current token after its name (or its "(") */
static int clock_node(struct parser *p, int k)
{
	int i = new_node(p, K_NOW, C_TIME);

	if (i < 0)
		return -1;
	N(i)->op = k;
	/* a date is a date; a timestamp reads as what it is compared with */
	N(i)->vt = k == NOW_DATE ? VALUE_DATE : VALUE_NULL;
	return i;
}

static int clock_call(struct parser *p, int k)
{
	if (next(p) < 0)
		return -1;
	/* MySQL's NOW(6), as ferry writes it: microseconds, as every
	 * clock of ferry's reads */
	if (p->d == SQLEXPR_MYSQL && p->k == T_NUM && p->tx.len == 1 &&
	    p->tx.data[0] == '6' && next(p) < 0)
		return -1;
	if (!is_op(p, ")"))
		return refuse(p, "a clock with digits");
	if (next(p) < 0)
		return -1;
	return clock_node(p, k);
}

/* INTERVAL n unit (MySQL's and ferry's; PostgreSQL's is a string cast
 * to interval, read by interval_text), "INTERVAL" the current token */
static int interval_unit(const char *w)
{
	for (size_t u = 0; u < sizeof(unit_sql) / sizeof(*unit_sql); u++) {
		size_t n = strlen(unit_sql[u]);
		if (strncasecmp(w, unit_sql[u], n) == 0 &&
		    (!w[n] || ((w[n] == 's' || w[n] == 'S') && !w[n + 1])))
			return (int)u;
	}
	if (strcasecmp(w, "mon") == 0 || strcasecmp(w, "mons") == 0)
		return U_MONTH;
	return -1;
}

static int interval_node(struct parser *p, const char *num, int unit)
{
	int i;

	if (!is_number_text(num) || strchr(num, '.') || strlen(num) > 12)
		return refuse(p, "an interval of %.20s", num);
	if ((i = new_node(p, K_IVL, C_IVL)) < 0)
		return -1;
	N(i)->op = unit;
	if (!(N(i)->text = strdup(num)))
		return err_oom(p->e);
	return i;
}

static int interval(struct parser *p)
{
	char num[32];
	int neg = 0, u;

	if (next(p) < 0)
		return -1;
	if (is_op(p, "-")) {
		neg = 1;
		if (next(p) < 0)
			return -1;
	}
	if ((p->k != T_NUM && p->k != T_STR) || p->tx.len + 2 > sizeof(num))
		return unexpected(p);
	snprintf(num, sizeof(num), "%s%.*s", neg ? "-" : "", (int)p->tx.len,
		 (const char *)p->tx.data);
	if (next(p) < 0)
		return -1;
	if (p->k != T_WORD || (u = interval_unit((char *)p->tx.data)) < 0 ||
	    p->tx.data[p->tx.len - 1] == 's' || p->tx.data[p->tx.len - 1] == 'S')
		return refuse(p, "an interval in %s",
			      p->k == T_WORD ? (char *)p->tx.data : "no unit");
	if (next(p) < 0)
		return -1;
	return interval_node(p, num, u);
}

/* PostgreSQL's text of an interval of one unit ('7 days', '1 mon',
 * '00:05:00', '-01:00:00'), as an INTERVAL node */
static int interval_text(struct parser *p, const char *s)
{
	char num[32], w[16];
	int h, m, sec, u, n;

	if (sscanf(s, "%2d:%2d:%2d%n", &h, &m, &sec, &n) == 3 && !s[n] &&
	    h >= 0 && m >= 0 && m < 60 && sec >= 0 && sec < 60) {
		long v = sec ? (long)h * 3600 + m * 60 + sec
			 : m ? (long)h * 60 + m
			     : h;
		snprintf(num, sizeof(num), "%ld", v);
		return interval_node(p, num,
				     sec ? U_SECOND : m ? U_MINUTE : U_HOUR);
	}
	if (sscanf(s, "%30[-0-9] %15[a-z]%n", num, w, &n) == 2 && !s[n] &&
	    (u = interval_unit(w)) >= U_DAY)
		return interval_node(p, num, u);
	return refuse(p, "the interval '%.40s'", s);
}

/* the arguments of a function, after its "(" */
static int call(struct parser *p, const char *name)
{
	int f = -1, i, first = -1, last = -1, nargs = 0;

	if (!p->x->t) {
		int k;
		for (k = 0; k < (int)(sizeof(agg_sql) / sizeof(*agg_sql)); k++)
			if ((p->d == SQLEXPR_FERRY
				 ? strcmp(agg_sql[k], name)
				 : strcasecmp(agg_sql[k], name)) == 0)
				return aggregate(p, (enum agg)k);
		if ((k = clock_of(p, name, 1)) >= 0)
			return clock_call(p, k);
		/* MySQL's ifnull(a, b) is coalesce; if(c, a, b) a CASE */
		if (p->d == SQLEXPR_MYSQL && strcasecmp(name, "ifnull") == 0)
			name = "coalesce";
		if (p->d == SQLEXPR_MYSQL && strcasecmp(name, "if") == 0)
			return mysql_if(p);
	}

	for (size_t k = 0; k < sizeof(fn_names) / sizeof(*fn_names); k++)
		if ((fn_names[k].d == SQLEXPR_FERRY || fn_names[k].d == p->d) &&
		    (p->d == SQLEXPR_FERRY ? strcmp(fn_names[k].name, name)
					   : strcasecmp(fn_names[k].name,
							name)) == 0)
			f = (int)fn_names[k].fn;
	if (p->d != SQLEXPR_FERRY && strcasecmp(name, "concat") == 0)
		f = -2;
	if (f == -1)
		return refuse(p, "the function %.*s", 64, name);
	if (deeper(p) < 0)
		return -1;
	if (next(p) < 0)
		return -1;
	/* PostgreSQL prints trim(x) as TRIM(BOTH FROM x) */
	if (f == F_TRIM && p->d == SQLEXPR_PG && is_word(p, "both")) {
		if (next(p) < 0)
			return -1;
		if (!is_word(p, "from"))
			return refuse(p, "trim of other characters than "
					 "spaces");
		if (next(p) < 0)
			return -1;
	}
	while (!is_op(p, ")")) {
		int a;
		if (nargs && expect_op(p, ",") < 0)
			return -1;
		if ((a = parse_or(p)) < 0)
			return -1;
		if (last >= 0)
			N(last)->next = a;
		else
			first = a;
		last = a;
		nargs++;
	}
	if (next(p) < 0)
		return -1;
	p->depth--;
	if (f == -2) {
		/* MySQL's concat(a, b, ...): a || b || ..., NULL when one
		 * is, as || is in PostgreSQL */
		int acc = first;
		if (nargs < 2)
			return refuse(p, "concat of %d argument", nargs);
		for (int a = N(first)->next; a >= 0;) {
			int nx = N(a)->next;
			N(acc)->next = -1;
			N(a)->next = -1;
			if (want_cls(p, acc, C_TEXT, C_STR, "concat") < 0 ||
			    want_cls(p, a, C_TEXT, C_STR, "concat") < 0 ||
			    (acc = parent(p, K_BIN, O_CAT, C_TEXT, acc, a,
					  -1)) < 0)
				return -1;
			a = nx;
		}
		return acc;
	}
	if (f == F_COALESCE ? nargs < 1 : nargs != 1)
		return refuse(p, "%s of %d arguments", fn_sql[f], nargs);
	if ((i = new_node(p, K_FUNC, C_NULL)) < 0)
		return -1;
	N(i)->op = f;
	N(i)->kid = first;
	switch (f) {
	case F_LOWER:
	case F_UPPER:
	case F_TRIM:
		N(i)->cls = C_TEXT;
		return want_cls(p, first, C_TEXT, C_STR, fn_sql[f]) < 0 ? -1
									 : i;
	case F_CHAR_LENGTH:
	case F_OCTET_LENGTH:
		N(i)->cls = C_NUM;
		return want_cls(p, first, C_TEXT, C_STR, fn_sql[f]) < 0 ? -1
									 : i;
	case F_ABS:
		N(i)->cls = C_NUM;
		return want_cls(p, first, C_NUM, C_NUM, fn_sql[f]) < 0 ? -1 : i;
	default: break;
	}
	/* coalesce: of one kind; a column's text over a string */
	for (int a = first; a >= 0; a = N(a)->next)
		if (merge_class(p, i, a, "coalesce") < 0)
			return -1;
	if (N(i)->cls == C_ENUM || N(i)->cls == C_BOOL)
		return refuse(p, "coalesce of %s", cls_name[N(i)->cls]);
	return i;
}

/* the words after a cast's type name: the expression's, or (a view's)
 * the query's */
static int cast_stop(const struct parser *p)
{
	static const char *const w[] = {
		"and",	 "or",	  "is",	   "not",  "in",    "between", "like",
		"when",	 "then",  "else",  "end",  "as",    "from",    "where",
		"group", "having", "order", "limit", "on",   "join",    "left",
		"inner", "cross", "right", "full", "union", "using",
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++)
		if (is_word(p, w[i]))
			return 1;
	return 0;
}

/* PostgreSQL's type name after :: (words, a (n) modifier, []) */
static int cast_type(struct parser *p, char *out, size_t outsz, int *array)
{
	size_t n = 0;

	*array = 0;
	out[0] = '\0';
	while (p->k == T_WORD || p->k == T_QIDENT ||
	       (n && is_op(p, ".") && p->k == T_OP)) {
		const char *w = p->k == T_OP ? "." : (const char *)p->tx.data;
		size_t wl = p->k == T_OP ? 1 : p->tx.len;
		if (n + wl + 2 >= outsz)
			return refuse(p, "a cast to a long type name");
		if (n && p->k != T_OP && out[n - 1] != '.')
			out[n++] = ' ';
		memcpy(out + n, w, wl);
		n += wl;
		out[n] = '\0';
		if (next(p) < 0)
			return -1;
		/* the words that end a type name: the next ones are the
		 * expression's */
		if (p->k == T_WORD && cast_stop(p))
			break;
	}
	if (!n)
		return unexpected(p);
	if (is_op(p, "("))
		return refuse(p, "a cast to %s(...)", out);
	if (is_op(p, "[")) {
		if (next(p) < 0 || expect_op(p, "]") < 0)
			return -1;
		*array = 1;
	}
	return 0;
}

static int type_in(const char *ty, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(ty, *list) == 0)
			return 1;
	return 0;
}

static int is_number_text(const char *s)
{
	int digits = 0, dots = 0;

	if (*s == '-')
		s++;
	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s >= '0' && *s <= '9')
			digits++;
		else
			return 0;
	}
	return digits > 0 && dots <= 1;
}

/* PostgreSQL's x::type: only where it changes no value */
static int cast(struct parser *p, int i)
{
	static const char *const num_types[] = {
		"integer", "bigint", "smallint", "numeric", "double precision",
		"real",	   NULL,
	};
	static const char *const wide_types[] = {
		"numeric", "bigint", "double precision", NULL,
	};
	static const char *const text_types[] = {
		"text", "character varying", "bpchar", "character", "varchar",
		NULL,
	};
	static const char *const time_types[] = {
		"date", "timestamp without time zone", "time without time zone",
		NULL,
	};
	char ty[160];
	int array;
	struct node *n;

	if (next(p) < 0 || cast_type(p, ty, sizeof(ty), &array) < 0)
		return -1;
	n = N(i);
	if (n->kind == K_ARRAY)
		return array ? i : refuse(p, "an array cast to %s", ty);
	if (array)
		return refuse(p, "a cast to %s[]", ty);
	if (n->kind == K_NUM && type_in(ty, num_types))
		return i;
	/* a view's '7 days'::interval */
	if (n->kind == K_STR && !p->x->t && strcmp(ty, "interval") == 0) {
		int j = interval_text(p, n->text);
		return j < 0 ? -1 : j;
	}
	if (n->kind == K_STR) {
		if (type_in(ty, num_types) && is_number_text(n->text)) {
			n->kind = K_NUM;
			n->cls = C_NUM;
			return i;
		}
		if (type_in(ty, num_types))
			return refuse(p, "a string cast to %s", ty);
		if (type_in(ty, text_types) || type_in(ty, time_types))
			return i;
		if (strstr(ty, "time zone") || strchr(ty, '(') ||
		    type_in(ty, (const char *const[]){ "boolean", "json",
						       "jsonb", "bytea",
						       "uuid", "interval",
						       NULL }))
			return refuse(p, "a string cast to %s", ty);
		/* an enum's label: 'sad'::mood */
		return i;
	}
	if (n->kind == K_COL) {
		const struct schema_column *c = col_of(p->x, n);
		if ((n->cls == C_TEXT || n->cls == C_ENUM) &&
		    type_in(ty, text_types) && strcmp(ty, "bpchar") != 0 &&
		    strcmp(ty, "character") != 0)
			return i;
		if ((c->type == VALUE_INT64 || c->type == VALUE_UINT64) &&
		    type_in(ty, wide_types))
			return i;
	}
	return refuse(p, "a cast to %s", ty);
}

/* PostgreSQL's ARRAY[...] */
static int array(struct parser *p)
{
	int i, last = -1;

	if (next(p) < 0 || expect_op(p, "[") < 0 ||
	    (i = new_node(p, K_ARRAY, C_NULL)) < 0)
		return -1;
	while (!is_op(p, "]")) {
		int a;
		if (last >= 0 && expect_op(p, ",") < 0)
			return -1;
		if ((a = parse_or(p)) < 0)
			return -1;
		if (last >= 0)
			N(last)->next = a;
		else
			N(i)->kid = a;
		last = a;
	}
	if (last < 0)
		return refuse(p, "an empty array");
	return next(p) < 0 ? -1 : i;
}

static int primary(struct parser *p)
{
	int i;

	if (p->k == T_NUM) {
		if (buf_addc(&p->tx, 0, p->e) < 0)
			return -1;
		p->tx.len--;
		if (!is_number_text((const char *)p->tx.data))
			return unexpected(p);
		if ((i = new_node(p, K_NUM, C_NUM)) < 0 || node_text(p, i) < 0)
			return -1;
		return next(p) < 0 ? -1 : i;
	}
	if (p->k == T_STR) {
		if ((i = new_node(p, K_STR, C_STR)) < 0 || node_text(p, i) < 0)
			return -1;
		return next(p) < 0 ? -1 : i;
	}
	if (p->k == T_QIDENT)
		return column(p, 1);
	if (is_op(p, "(")) {
		if (deeper(p) < 0)
			return -1;
		if (next(p) < 0 || (i = parse_or(p)) < 0 ||
		    expect_op(p, ")") < 0)
			return -1;
		p->depth--;
		return i;
	}
	if (p->k != T_WORD)
		return unexpected(p);
	if (is_word(p, "true") || is_word(p, "false")) {
		int one = is_word(p, "true");
		if ((i = new_node(p, K_BOOL, C_BOOL)) < 0)
			return -1;
		N(i)->op = one;
		return next(p) < 0 ? -1 : i;
	}
	if (is_word(p, "null")) {
		if ((i = new_node(p, K_NULL, C_NULL)) < 0)
			return -1;
		return next(p) < 0 ? -1 : i;
	}
	if (p->d == SQLEXPR_PG && is_word(p, "array"))
		return array(p);
	if (!p->x->t && is_word(p, "case"))
		return case_when(p);
	if (!p->x->t) {
		char w[32];
		int k;
		snprintf(w, sizeof(w), "%.*s", (int)p->tx.len,
			 (const char *)p->tx.data);
		if ((k = clock_of(p, w, 0)) >= 0)
			return next(p) < 0 ? -1 : clock_node(p, k);
		if (p->d != SQLEXPR_PG && is_word(p, "interval"))
			return interval(p);
	}
	/* MySQL's character set introducer: _utf8mb4'text' */
	if (p->d == SQLEXPR_MYSQL && p->tx.data[0] == '_' &&
	    p->pos < p->len && p->s[p->pos] == '\'') {
		if (!is_word(p, "_utf8mb4") && !is_word(p, "_utf8mb3") &&
		    !is_word(p, "_utf8"))
			return refuse(p, "a string in character set %.*s",
				      (int)p->tx.len - 1,
				      (const char *)p->tx.data + 1);
		if (next(p) < 0)
			return -1;
		return primary(p);
	}
	if (p->d == SQLEXPR_PG && (is_word(p, "e") || is_word(p, "b") ||
				   is_word(p, "x") || is_word(p, "u")) &&
	    p->pos < p->len && (p->s[p->pos] == '\'' || p->s[p->pos] == '&'))
		return refuse(p, "a string with escapes");
	{
		/* a function, or (bare) a column */
		char name[80];
		size_t save = p->pos;
		snprintf(name, sizeof(name), "%.*s", (int)p->tx.len,
			 (const char *)p->tx.data);
		while (save < p->len && (p->s[save] == ' '))
			save++;
		if (save < p->len && p->s[save] == '(') {
			if (next(p) < 0)
				return -1;
			return call(p, name);
		}
		if (p->d == SQLEXPR_FERRY)
			return unexpected(p);
		return column(p, 0);
	}
}

static int postfix(struct parser *p)
{
	int i = primary(p);

	while (i >= 0 && p->d == SQLEXPR_PG && is_op(p, "::"))
		i = cast(p, i);
	return i;
}

static int unary(struct parser *p)
{
	int i;

	if (!is_op(p, "-"))
		return postfix(p);
	if (deeper(p) < 0)
		return -1;
	if (next(p) < 0)
		return -1;
	/* -3 is a number */
	if (p->k == T_NUM) {
		if (buf_addc(&p->tx, 0, p->e) < 0)
			return -1;
		p->tx.len--;
		if (!is_number_text((const char *)p->tx.data))
			return unexpected(p);
		if ((i = new_node(p, K_NUM, C_NUM)) < 0 ||
		    !(N(i)->text = malloc(p->tx.len + 2)))
			return i < 0 ? -1 : err_oom(p->e);
		N(i)->text[0] = '-';
		memcpy(N(i)->text + 1, p->tx.data, p->tx.len);
		N(i)->text[p->tx.len + 1] = '\0';
		if (next(p) < 0)
			return -1;
		p->depth--;
		/* PostgreSQL: -(3)::integer, and the like */
		while (p->d == SQLEXPR_PG && is_op(p, "::"))
			if ((i = cast(p, i)) < 0)
				return -1;
		return i;
	}
	if ((i = unary(p)) < 0 || want_cls(p, i, C_NUM, C_NUM, "minus") < 0)
		return -1;
	p->depth--;
	/* -(1.5)::double precision: a number too */
	if (N(i)->kind == K_NUM) {
		char *s = N(i)->text, *m;
		if (s[0] == '-') {
			memmove(s, s + 1, strlen(s));
			return i;
		}
		if (!(m = malloc(strlen(s) + 2)))
			return err_oom(p->e);
		m[0] = '-';
		memcpy(m + 1, s, strlen(s) + 1);
		free(s);
		N(i)->text = m;
		return i;
	}
	return parent(p, K_NEG, 0, C_NUM, i, -1, -1);
}

static int parse_mul(struct parser *p)
{
	int a = unary(p);

	while (a >= 0) {
		int op, b;
		if (is_op(p, "*"))
			op = O_MUL;
		else if (is_op(p, "%") ||
			 (p->d == SQLEXPR_MYSQL && is_word(p, "mod")))
			op = O_MOD;
		else if (is_op(p, "/") || is_word(p, "div"))
			return refuse(p, "a division, whose result type each "
					 "engine gives differently");
		else
			break;
		if (next(p) < 0 || (b = unary(p)) < 0 ||
		    want_cls(p, a, C_NUM, C_NUM, op_sql[op]) < 0 ||
		    want_cls(p, b, C_NUM, C_NUM, op_sql[op]) < 0)
			return -1;
		a = parent(p, K_BIN, op, C_NUM, a, b, -1);
	}
	return a;
}

static int parse_add(struct parser *p)
{
	int a = parse_mul(p);

	while (a >= 0) {
		int op, b;
		if (is_op(p, "+"))
			op = O_ADD;
		else if (is_op(p, "-"))
			op = O_SUB;
		else if (is_op(p, "||") && p->d != SQLEXPR_MYSQL)
			op = O_CAT;
		else
			break;
		if (next(p) < 0 || (b = parse_mul(p)) < 0)
			return -1;
		/* a time moved by an interval (a view's): interval + time is
		 * time + interval */
		if (op == O_ADD && N(a)->cls == C_IVL && N(b)->cls == C_TIME) {
			int s = a;
			a = b;
			b = s;
		}
		if (op != O_CAT && (N(a)->cls == C_TIME || N(b)->cls == C_IVL)) {
			if (N(a)->cls != C_TIME || N(b)->cls != C_IVL)
				return refuse(p, "%s %s %s", cls_name[N(a)->cls],
					      op_sql[op], cls_name[N(b)->cls]);
			/* PostgreSQL's time of day wraps at midnight,
			 * MySQL's TIME does not; a date moved by hours is a
			 * timestamp in one, a date in the other */
			if (N(a)->vt == VALUE_TIME ||
			    (N(a)->vt == VALUE_DATE && N(b)->op < U_DAY))
				return refuse(p, "a %s moved by %s",
					      N(a)->vt == VALUE_DATE ? "date"
								     : "time of day",
					      unit_sql[N(b)->op]);
			if ((a = parent(p, K_BIN, op, C_TIME, a, b, -1)) < 0)
				return -1;
			N(a)->vt = N(N(a)->kid)->vt;
			continue;
		}
		if (op == O_CAT) {
			if (want_cls(p, a, C_TEXT, C_STR, "||") < 0 ||
			    want_cls(p, b, C_TEXT, C_STR, "||") < 0)
				return -1;
		} else if (want_cls(p, a, C_NUM, C_NUM, op_sql[op]) < 0 ||
			   want_cls(p, b, C_NUM, C_NUM, op_sql[op]) < 0)
			return -1;
		a = parent(p, K_BIN, op, op == O_CAT ? C_TEXT : C_NUM, a, b,
			   -1);
	}
	return a;
}

static int cmp_op(struct parser *p)
{
	static const struct {
		const char *s;
		int op;
	} t[] = {
		{ "=", O_EQ },	{ "<>", O_NE }, { "!=", O_NE }, { "<", O_LT },
		{ "<=", O_LE }, { ">", O_GT },	{ ">=", O_GE },
	};

	if (p->k != T_OP)
		return -1;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (strcmp(p->op, t[i].s) == 0)
			return t[i].op;
	return -1;
}

/* a [NOT] IN list: its items chained after a, each comparable with it */
static int in_list(struct parser *p, int a, int close_bracket)
{
	int last = a, n = 0;

	while (!is_op(p, close_bracket ? "]" : ")")) {
		int b;
		if (n && expect_op(p, ",") < 0)
			return -1;
		if ((b = parse_add(p)) < 0)
			return -1;
		bool_literal(p, a, b);
		if (comparable(p, a, b, 0) < 0)
			return -1;
		N(last)->next = b;
		last = b;
		n++;
	}
	if (!n)
		return refuse(p, "an empty IN list");
	return next(p);
}

/* PostgreSQL's a = ANY (ARRAY[...]) and a <> ALL (...): IN and NOT IN */
static int any_all(struct parser *p, int a, int op)
{
	int all = is_word(p, "all"), arr, i, depth = 0;

	if ((op != O_EQ || all) && (op != O_NE || !all))
		return refuse(p, "%s %s (...)", op_sql[op], all ? "ALL" : "ANY");
	if (next(p) < 0 || expect_op(p, "(") < 0)
		return -1;
	/* ((ARRAY[...])::text[]) */
	while (is_op(p, "(")) {
		if (next(p) < 0)
			return -1;
		depth++;
	}
	if (!is_word(p, "array") || (arr = array(p)) < 0)
		return p->why[0] || p->e->class ? -1 : unexpected(p);
	for (;;) {
		if (is_op(p, "::")) {
			if ((arr = cast(p, arr)) < 0)
				return -1;
		} else if (depth && is_op(p, ")")) {
			if (next(p) < 0)
				return -1;
			depth--;
		} else
			break;
	}
	if (depth || expect_op(p, ")") < 0)
		return depth ? unexpected(p) : -1;
	if ((i = parent(p, K_IN, 0, C_BOOL, a, -1, -1)) < 0)
		return -1;
	N(i)->neg = all;
	N(a)->next = N(arr)->kid;
	for (int b = N(arr)->kid; b >= 0; b = N(b)->next) {
		bool_literal(p, a, b);
		if (comparable(p, a, b, 0) < 0)
			return -1;
	}
	N(arr)->kid = -1;
	return i;
}

static int pred(struct parser *p)
{
	int a = parse_add(p), op, neg = 0, i, b, c;

	if (a < 0)
		return -1;
	if ((op = cmp_op(p)) >= 0) {
		if (next(p) < 0)
			return -1;
		if (p->d == SQLEXPR_PG && (is_word(p, "any") || is_word(p, "all")))
			return any_all(p, a, op);
		if ((b = parse_add(p)) < 0)
			return -1;
		if (op == O_EQ || op == O_NE)
			bool_literal(p, a, b);
		if (comparable(p, a, b, op != O_EQ && op != O_NE) < 0)
			return -1;
		if (cmp_op(p) >= 0)
			return refuse(p, "a chain of comparisons");
		return parent(p, K_BIN, op, C_BOOL, a, b, -1);
	}
	if (p->d == SQLEXPR_PG && (is_op(p, "~~") || is_op(p, "!~~"))) {
		neg = is_op(p, "!~~");
		goto like;
	}
	if (is_word(p, "is")) {
		if (next(p) < 0)
			return -1;
		if (is_word(p, "not")) {
			neg = 1;
			if (next(p) < 0)
				return -1;
		}
		if (!is_word(p, "null"))
			return refuse(p, "IS %s%s", neg ? "NOT " : "",
				      p->k == T_WORD ? (char *)p->tx.data
						     : "...");
		if (next(p) < 0 ||
		    (i = parent(p, K_ISNULL, 0, C_BOOL, a, -1, -1)) < 0)
			return -1;
		N(i)->neg = neg;
		return i;
	}
	if (is_word(p, "not")) {
		neg = 1;
		if (next(p) < 0)
			return -1;
		if (!is_word(p, "in") && !is_word(p, "between") &&
		    !is_word(p, "like"))
			return unexpected(p);
	}
	if (is_word(p, "in")) {
		if (next(p) < 0 || expect_op(p, "(") < 0 ||
		    (i = parent(p, K_IN, 0, C_BOOL, a, -1, -1)) < 0 ||
		    in_list(p, a, 0) < 0)
			return -1;
		N(i)->neg = neg;
		return i;
	}
	if (is_word(p, "between")) {
		if (next(p) < 0 || (b = parse_add(p)) < 0)
			return -1;
		if (!is_word(p, "and"))
			return unexpected(p);
		if (next(p) < 0 || (c = parse_add(p)) < 0 ||
		    comparable(p, a, b, 1) < 0 || comparable(p, a, c, 1) < 0 ||
		    (i = parent(p, K_BETWEEN, 0, C_BOOL, a, b, c)) < 0)
			return -1;
		N(i)->neg = neg;
		return i;
	}
	if (is_word(p, "like"))
		goto like;
	return a;
like:
	if (next(p) < 0 || (b = parse_add(p)) < 0)
		return -1;
	if (is_word(p, "escape"))
		return refuse(p, "LIKE ... ESCAPE");
	if (N(a)->cls != C_TEXT || !is_text(N(b)->cls))
		return refuse(p, "LIKE of %s and %s", cls_name[N(a)->cls],
			      cls_name[N(b)->cls]);
	if ((i = parent(p, K_LIKE, 0, C_BOOL, a, b, -1)) < 0)
		return -1;
	N(i)->neg = neg;
	return i;
}

static int want_bool(struct parser *p, int a, const char *what)
{
	return want_cls(p, a, C_BOOL, C_BOOL, what);
}

static int parse_not(struct parser *p)
{
	int a;

	if (!is_word(p, "not"))
		return pred(p);
	if (deeper(p) < 0)
		return -1;
	if (next(p) < 0 || (a = parse_not(p)) < 0 ||
	    want_bool(p, a, "NOT") < 0)
		return -1;
	p->depth--;
	return parent(p, K_NOT, 0, C_BOOL, a, -1, -1);
}

static int parse_and(struct parser *p)
{
	int a = parse_not(p), b;

	while (a >= 0 && is_word(p, "and")) {
		if (next(p) < 0 || (b = parse_not(p)) < 0 ||
		    want_bool(p, a, "AND") < 0 || want_bool(p, b, "AND") < 0)
			return -1;
		a = parent(p, K_BIN, O_AND, C_BOOL, a, b, -1);
	}
	if (a >= 0 && (is_op(p, "&&") || is_word(p, "xor")))
		return unexpected(p);
	return a;
}

static int parse_or(struct parser *p)
{
	int a = parse_and(p), b;

	while (a >= 0 && is_word(p, "or")) {
		if (next(p) < 0 || (b = parse_and(p)) < 0 ||
		    want_bool(p, a, "OR") < 0 || want_bool(p, b, "OR") < 0)
			return -1;
		a = parent(p, K_BIN, O_OR, C_BOOL, a, b, -1);
	}
	if (a >= 0 && is_op(p, "||"))
		return refuse(p, "MySQL's || (OR, or concat by sql_mode)");
	return a;
}

static int tree_depth(const struct sqlexpr *x, int i)
{
	int most = 0;

	for (; i >= 0; i = x->n[i].next) {
		int d = 1 + tree_depth(x, x->n[i].kid);
		if (d > most)
			most = d;
	}
	return most;
}

/* whether the tree from node i (and what follows it) holds a node of
 * kind k */
static int has_kind(const struct sqlexpr *x, int i, enum kind k)
{
	for (; i >= 0; i = x->n[i].next)
		if (x->n[i].kind == k || has_kind(x, x->n[i].kid, k))
			return 1;
	return 0;
}

static int reads_column(const struct sqlexpr *x, int i)
{
	return has_kind(x, i, K_COL);
}

/* an ARRAY[...] left in the tree: one not under = ANY */
static int stray_array(const struct sqlexpr *x, int i)
{
	return has_kind(x, i, K_ARRAY);
}

static struct sqlexpr *parse(const char *text, enum sqlexpr_dialect d,
			     const struct schema_table *t, int value, char *why,
			     size_t whysz, struct err *e)
{
	struct parser p;
	struct sqlexpr *x;
	size_t len;

	if (whysz)
		why[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.why = why;
	p.whysz = whysz;
	p.e = e;
	p.d = d;
	len = text ? strlen(text) : 0;
	if (!text || len > SQLEXPR_MAX_LEN) {
		snprintf(why, whysz, "an expression of over %d bytes",
			 SQLEXPR_MAX_LEN);
		return NULL;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		err_oom(e);
		return NULL;
	}
	x->t = t;
	x->root = -1;
	p.x = x;
	p.s = text;
	p.len = len;
	buf_init(&p.tx, SQLEXPR_MAX_LEN + 16);
	/* PostgreSQL's pg_get_constraintdef: CHECK (...) */
	if (next(&p) == 0 && d == SQLEXPR_PG && is_word(&p, "check")) {
		if (next(&p) == 0 && !is_op(&p, "("))
			unexpected(&p);
	}
	if (!why[0] && !e->class && (x->root = parse_or(&p)) >= 0 &&
	    p.k != T_END)
		unexpected(&p);
	buf_release(&p.tx);
	if (!why[0] && !e->class && x->root >= 0 && stray_array(x, x->root))
		snprintf(why, whysz, "an array");
	/* ferry's form has a parenthesis per level: it must read back */
	if (!why[0] && !e->class && x->root >= 0 &&
	    tree_depth(x, x->root) > SQLEXPR_MAX_DEPTH)
		snprintf(why, whysz, "an expression nested over %d deep",
			 SQLEXPR_MAX_DEPTH);
	if (!why[0] && !e->class && x->root >= 0 && value == 0 &&
	    x->n[x->root].cls != C_BOOL)
		snprintf(why, whysz, "a condition of %s, not a boolean",
			 cls_name[x->n[x->root].cls]);
	if (!why[0] && !e->class && x->root >= 0 && value == 1 &&
	    (x->n[x->root].cls == C_BOOL || !reads_column(x, x->root)))
		snprintf(why, whysz, "a key of %s",
			 x->n[x->root].cls == C_BOOL ? "a boolean"
						     : "no column");
	if (why[0] || e->class || x->root < 0) {
		if (!why[0] && !e->class)
			snprintf(why, whysz, "not an expression ferry carries");
		sqlexpr_free(x);
		return NULL;
	}
	return x;
}

/* --- writing ------------------------------------------------------------- */

struct writer {
	const struct sqlexpr *x;
	enum sqlexpr_dialect d;
	char *const *names;
	unsigned flags;
	struct buf *b;
	char *why;
	size_t whysz;
	struct err *e;
	const struct sqlview_names *vn; /* a view's target names, or NULL */
};

static int w_ident(struct writer *w, const char *s)
{
	return buf_add_quoted(w->b, w->d == SQLEXPR_MYSQL ? '`' : '"', s,
			      w->e);
}

/* a string literal: quotes doubled; a backslash doubled where the
 * dialect escapes with it (MySQL; PostgreSQL's E'' form) */
static int w_str(struct writer *w, const char *s)
{
	int esc = w->d == SQLEXPR_MYSQL ||
		  (w->d == SQLEXPR_PG && strchr(s, '\\') != NULL);

	if ((w->d == SQLEXPR_PG && esc && buf_addc(w->b, 'E', w->e) < 0) ||
	    buf_addc(w->b, '\'', w->e) < 0)
		return -1;
	for (; *s; s++)
		if ((*s == '\'' && buf_addc(w->b, '\'', w->e) < 0) ||
		    (esc && *s == '\\' && buf_addc(w->b, '\\', w->e) < 0) ||
		    buf_addc(w->b, (unsigned char)*s, w->e) < 0)
			return -1;
	return buf_addc(w->b, '\'', w->e);
}

static int w_node(struct writer *w, int i);

/* the operands from i on, ", " between */
static int w_list(struct writer *w, int i)
{
	for (int first = 1; i >= 0; i = w->x->n[i].next, first = 0)
		if ((!first && buf_adds(w->b, ", ", w->e) < 0) ||
		    w_node(w, i) < 0)
			return -1;
	return 0;
}

/* a column under node i whose source compared text case insensitively
 * by its collation (a PostgreSQL citext does by its type, which a
 * PostgreSQL target keeps: LIKE works there) */
static int ci_column(const struct sqlexpr *x, int i)
{
	for (; i >= 0; i = x->n[i].next) {
		const struct node *n = &x->n[i];
		if (n->kind == K_COL) {
			const struct schema_column *c = col_of(x, n);
			const char *co = c->collation;
			if (co && strstr(co, "_ci") &&
			    !(c->source_type &&
			      strcmp(c->source_type, "citext") == 0))
				return 1;
		}
		if (ci_column(x, n->kid))
			return 1;
	}
	return 0;
}

static int w_node(struct writer *w, int i)
{
	const struct node *n = &w->x->n[i];
	struct buf *b = w->b;
	struct err *e = w->e;
	int a = n->kid, c = a >= 0 ? w->x->n[a].next : -1;

	switch (n->kind) {
	case K_COL: {
		const char *nm = w->names ? w->names[n->col]
				 : w->x->t ? w->x->t->cols[n->col].name
					   : NULL;
		if (!w->x->t) {
			/* a view's: "alias"."column" */
			const struct vitem *it = &w->x->items[n->item];
			nm = w->vn && w->vn->cols && w->vn->cols[it->tab]
				 ? w->vn->cols[it->tab][n->col]
				 : w->x->tabs[it->tab]->cols[n->col].name;
			/* a column the target has not as the view read it */
			if (!nm) {
				snprintf(w->why, w->whysz,
					 "it reads %.64s.%.64s, dropped or "
					 "changed",
					 w->x->tabs[it->tab]->name,
					 w->x->tabs[it->tab]->cols[n->col].name);
				return 1;
			}
			if (w_ident(w, it->alias) < 0 ||
			    buf_addc(b, '.', e) < 0)
				return -1;
			return w_ident(w, nm);
		}
		if ((w->flags & SQLEXPR_VALUE_KEYWORD) &&
		    strcmp(nm, "VALUE") == 0)
			return buf_adds(b, "VALUE", e);
		return w_ident(w, nm);
	}
	case K_NUM: return buf_adds(b, n->text, e);
	case K_STR: return w_str(w, n->text);
	case K_BOOL: return buf_adds(b, n->op ? "TRUE" : "FALSE", e);
	case K_NULL: return buf_adds(b, "NULL", e);
	case K_BIN:
		if (n->op == O_CAT && w->d == SQLEXPR_MYSQL)
			return buf_adds(b, "concat(", e) < 0 || w_node(w, a) < 0 ||
				       buf_adds(b, ", ", e) < 0 ||
				       w_node(w, c) < 0
				   ? -1
				   : buf_addc(b, ')', e);
		return buf_addc(b, '(', e) < 0 || w_node(w, a) < 0 ||
			       buf_addf(b, e, " %s ", op_sql[n->op]) < 0 ||
			       w_node(w, c) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_NOT:
		return buf_adds(b, "(NOT ", e) < 0 || w_node(w, a) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_NEG:
		return buf_adds(b, "(- ", e) < 0 || w_node(w, a) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_ISNULL:
		return buf_addc(b, '(', e) < 0 || w_node(w, a) < 0 ||
			       buf_adds(b, n->neg ? " IS NOT NULL)"
						  : " IS NULL)",
					e) < 0
			   ? -1
			   : 0;
	case K_IN:
		return buf_addc(b, '(', e) < 0 || w_node(w, a) < 0 ||
			       buf_adds(b, n->neg ? " NOT IN (" : " IN (", e) <
				   0 ||
			       w_list(w, c) < 0
			   ? -1
			   : buf_adds(b, "))", e);
	case K_BETWEEN:
		return buf_addc(b, '(', e) < 0 || w_node(w, a) < 0 ||
			       buf_adds(b, n->neg ? " NOT BETWEEN " : " BETWEEN ",
					e) < 0 ||
			       w_node(w, c) < 0 || buf_adds(b, " AND ", e) < 0 ||
			       w_node(w, w->x->n[c].next) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_LIKE:
		if (w->d == SQLEXPR_PG && (w->flags & SQLEXPR_CI_NO_LIKE) &&
		    ci_column(w->x, a)) {
			snprintf(w->why, w->whysz,
				 "LIKE on a case-insensitive column, which "
				 "PostgreSQL 15 refuses on its "
				 "nondeterministic collation");
			return 1;
		}
		return buf_addc(b, '(', e) < 0 || w_node(w, a) < 0 ||
			       buf_adds(b, n->neg ? " NOT LIKE " : " LIKE ", e) <
				   0 ||
			       w_node(w, c) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_FUNC:
		return buf_addf(b, e, "%s(", fn_sql[n->op]) < 0 ||
			       w_list(w, a) < 0
			   ? -1
			   : buf_addc(b, ')', e);
	case K_NOW: {
		/* ferry's words are PostgreSQL's; MySQL's clocks read
		 * microseconds as PostgreSQL's do, and an instant ferry
		 * stores on MySQL as a DATETIME in UTC */
		static const char *const pg[] = { "LOCALTIMESTAMP",
						  "CURRENT_TIMESTAMP",
						  "CURRENT_DATE" };
		static const char *const my[] = { "NOW(6)", "UTC_TIMESTAMP(6)",
						  "CURDATE()" };
		return buf_adds(b, (w->d == SQLEXPR_MYSQL ? my : pg)[n->op], e);
	}
	case K_IVL:
		if (w->d == SQLEXPR_PG)
			return buf_addf(b, e, "interval '%s %s'", n->text,
					unit_sql[n->op]);
		return buf_addf(b, e, "INTERVAL %s %s", n->text, unit_sql[n->op]);
	case K_AGG:
		if (buf_addf(b, e, "%s(%s", agg_sql[n->op],
			     n->neg ? "DISTINCT " : "") < 0 ||
		    (a < 0 ? buf_addc(b, '*', e) : w_node(w, a)) < 0)
			return -1;
		return buf_addc(b, ')', e);
	case K_CASE:
		if (buf_adds(b, "(CASE", e) < 0)
			return -1;
		while (a >= 0) {
			int v = w->x->n[a].next, rc;
			if (v < 0)
				rc = buf_adds(b, " ELSE ", e) < 0 ? -1
								   : w_node(w, a);
			else
				rc = buf_adds(b, " WHEN ", e) < 0 ||
					     w_node(w, a) < 0 ||
					     buf_adds(b, " THEN ", e) < 0
					 ? -1
					 : w_node(w, v);
			if (rc)
				return rc;
			a = v < 0 ? -1 : w->x->n[v].next;
		}
		return buf_adds(b, " END)", e);
	case K_ARRAY: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: sqlexpr node %d",
		       (int)n->kind);
}

int sqlexpr_write(const struct sqlexpr *x, enum sqlexpr_dialect d,
		  char *const *names, unsigned flags, struct buf *out,
		  char *why, size_t whysz, struct err *e)
{
	struct writer w = { x, d, names, flags, out, why, whysz, e, NULL };
	size_t len = out->len;
	int rc;

	if (whysz)
		why[0] = '\0';
	rc = w_node(&w, x->root);
	/* a node below declined (1) only by returning it through a
	 * non-negative path: look at why */
	if (rc >= 0 && why[0])
		rc = 1;
	if (rc != 0)
		out->len = len;
	return rc;
}

static int uses(const struct sqlexpr *x, int i, size_t col)
{
	for (; i >= 0; i = x->n[i].next)
		if ((x->n[i].kind == K_COL && x->n[i].col == col) ||
		    uses(x, x->n[i].kid, col))
			return 1;
	return 0;
}

int sqlexpr_uses(const struct sqlexpr *x, size_t col)
{
	return uses(x, x->root, col);
}

/* x, read from ferry's form (NULL: it was not, why set, or e), written
 * in d and freed: sqlexpr_translate's answer */
static int write_read(struct sqlexpr *x, enum sqlexpr_dialect d,
		      char *const *names, unsigned flags, struct buf *out,
		      char *why, size_t whysz, struct err *e)
{
	int rc;

	if (!x)
		return e->class ? -1 : 1;
	rc = sqlexpr_write(x, d, names, flags, out, why, whysz, e);
	sqlexpr_free(x);
	return rc;
}

int sqlexpr_translate(const char *text, const struct schema_table *t,
		      enum sqlexpr_dialect d, char *const *names,
		      unsigned flags, struct buf *out, char *why, size_t whysz,
		      struct err *e)
{
	return write_read(
	    sqlexpr_parse(text, SQLEXPR_FERRY, t, why, whysz, e), d, names,
	    flags, out, why, whysz, e);
}

struct sqlexpr *sqlexpr_parse(const char *text, enum sqlexpr_dialect d,
			      const struct schema_table *t, char *why,
			      size_t whysz, struct err *e)
{
	return parse(text, d, t, 0, why, whysz, e);
}

struct sqlexpr *sqlexpr_parse_value(const char *text, enum sqlexpr_dialect d,
				    const struct schema_table *t, char *why,
				    size_t whysz, struct err *e)
{
	return parse(text, d, t, 1, why, whysz, e);
}

/* whether a value of class c may be stored in a column of type vt as it
 * is, on both engines */
static int fits_column(const struct node *n, enum value_type vt)
{
	switch (n->cls) {
	case C_NUM:
		return vt == VALUE_INT64 || vt == VALUE_UINT64 ||
		       vt == VALUE_FLOAT64 || vt == VALUE_DECIMAL;
	case C_TEXT: return vt == VALUE_TEXT;
	case C_BOOL: return vt == VALUE_BOOL;
	case C_TIME: return vt == n->vt;
	default: return 0;
	}
}

static int reads_generated(const struct sqlexpr *x, int i)
{
	for (; i >= 0; i = x->n[i].next)
		if ((x->n[i].kind == K_COL && x->t->cols[x->n[i].col].generated) ||
		    reads_generated(x, x->n[i].kid))
			return 1;
	return 0;
}

struct sqlexpr *sqlexpr_parse_generated(const char *text,
					enum sqlexpr_dialect d,
					const struct schema_table *t,
					size_t col, char *why, size_t whysz,
					struct err *e)
{
	struct sqlexpr *x = parse(text, d, t, 2, why, whysz, e);
	const struct node *r;

	if (!x)
		return NULL;
	r = &x->n[x->root];
	if (!reads_column(x, x->root))
		snprintf(why, whysz, "an expression of no column");
	else if (reads_generated(x, x->root))
		/* PostgreSQL computes each from stored columns only */
		snprintf(why, whysz, "an expression of a generated column");
	else if (!fits_column(r, t->cols[col].type))
		snprintf(why, whysz, "%s in a column of type %s",
			 cls_name[r->cls], value_type_name(t->cols[col].type));
	if (!why[0])
		return x;
	sqlexpr_free(x);
	return NULL;
}

int sqlexpr_translate_generated(const char *text,
				const struct schema_table *t, size_t col,
				enum sqlexpr_dialect d, char *const *names,
				unsigned flags, struct buf *out, char *why,
				size_t whysz, struct err *e)
{
	return write_read(
	    sqlexpr_parse_generated(text, SQLEXPR_FERRY, t, col, why, whysz, e),
	    d, names, flags, out, why, whysz, e);
}

int sqlexpr_translate_value(const char *text, const struct schema_table *t,
			    enum sqlexpr_dialect d, char *const *names,
			    unsigned flags, struct buf *out, char *why,
			    size_t whysz, struct err *e)
{
	return write_read(
	    sqlexpr_parse_value(text, SQLEXPR_FERRY, t, why, whysz, e), d,
	    names, flags, out, why, whysz, e);
}

/* --- views --------------------------------------------------------------- */

struct view {
	struct sqlexpr *x;
	int distinct;
	int *sel;
	char **names;
	size_t nsel, selcap;
	int where, having;
	int *group;
	size_t ngroup, groupcap;
	/* ORDER BY: each item's node (below -1: select item -2 - k, until
	 * the select list is read) and its ORD_ flags */
	int *ord;
	unsigned char *ordfl;
	size_t nord, ordcap;
	char limit[24]; /* "" when none */
};

#define ORD_DESC 1
#define ORD_NULLS_FIRST 2

static void view_free(struct view *v)
{
	if (!v)
		return;
	sqlexpr_free(v->x);
	for (size_t i = 0; i < v->nsel; i++)
		free(v->names[i]);
	free(v->names);
	free(v->sel);
	free(v->group);
	free(v->ord);
	free(v->ordfl);
	free(v);
}

/* words that end a FROM item: never an alias */
static int from_keyword(const struct parser *p)
{
	static const char *const w[] = {
		"on",	 "join",   "inner",	"left",	   "right",  "full",
		"cross", "natural", "where",	"group",   "having", "order",
		"limit", "using",  "union",	"intersect", "except", "window",
		"offset", "fetch", "for",	"straight_join", "lateral",
		"tablesample", "as",
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++)
		if (is_word(p, w[i]))
			return 1;
	return 0;
}

/* one table of the FROM list, joined by j: [schema.]table [[AS] alias] */
static int from_item(struct parser *p, enum join j)
{
	struct sqlexpr *x = p->x;
	char a[SCHEMA_MAX_NAME + 1], b[SCHEMA_MAX_NAME + 1], al[SCHEMA_MAX_NAME + 1];
	const char *own = a;
	int n = 1, hit = -1;
	struct vitem *it;

	if (is_op(p, "("))
		return refuse(p, "a join nested on the right of another, or a "
				 "subquery");
	if (is_word(p, "select") || is_word(p, "values"))
		return refuse(p, "a subquery");
	if (is_word(p, "lateral") || is_word(p, "only"))
		return refuse(p, "FROM %s", (char *)p->tx.data);
	if (name_token(p, a, sizeof(a)) < 0)
		return -1;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		if (next(p) < 0 || next(p) < 0 ||
		    name_token(p, b, sizeof(b)) < 0)
			return -1;
		n = 2;
		own = b;
	}
	if (next(p) < 0)
		return -1;
	if (is_op(p, "("))
		return refuse(p, "a function in FROM");
	for (size_t i = 0; i < x->ntabs; i++) {
		const struct schema_table *t = x->tabs[i];
		const char *tn = t->table ? t->table : t->name;
		if (p->d == SQLEXPR_FERRY
			? (n != 1 || strcmp(t->name, a) != 0)
			: (strcmp(tn, own) != 0 ||
			   (n == 2 && !of_schema(p, t, a)) ||
			   (n == 1 && t->schema && p->d == SQLEXPR_MYSQL)))
			continue;
		if (hit >= 0)
			return refuse(p, "the table name %.*s, of more than "
					 "one schema",
				      64, own);
		hit = (int)i;
	}
	if (hit < 0)
		return refuse(p, "%.*s%s%.*s, which is not a table of this run",
			      64, n == 2 ? a : "", n == 2 ? "." : "", 64, own);
	if (is_word(p, "as")) {
		if (next(p) < 0 || name_token(p, al, sizeof(al)) < 0 ||
		    next(p) < 0)
			return -1;
	} else if (p->k == T_QIDENT || (p->k == T_WORD && !from_keyword(p))) {
		if (name_token(p, al, sizeof(al)) < 0 || next(p) < 0)
			return -1;
	} else if (p->d == SQLEXPR_FERRY) {
		return unexpected(p);
	} else {
		snprintf(al, sizeof(al), "%s", own);
	}
	for (size_t k = 0; k < x->nitems; k++)
		if (same_name(p, x->items[k].alias, al))
			return refuse(p, "the alias %.*s, given twice", 64, al);
	if (x->nitems >= SQLVIEW_MAX_ITEMS)
		return refuse(p, "a view of over %d tables", SQLVIEW_MAX_ITEMS);
	if (!(it = realloc(x->items, (x->nitems + 1) * sizeof(*it))))
		return err_oom(p->e);
	x->items = it;
	it = &x->items[x->nitems];
	memset(it, 0, sizeof(*it));
	if (!(it->alias = strdup(al)))
		return err_oom(p->e);
	it->tab = (size_t)hit;
	it->join = j;
	it->on = -1;
	x->nitems++;
	return 0;
}

/* a FROM list, joins left-deep: its first item may be a parenthesised
 * list of its own */
static int from_list(struct parser *p)
{
	if (is_op(p, "(")) {
		if (deeper(p) < 0 || next(p) < 0 || from_list(p) < 0 ||
		    expect_op(p, ")") < 0)
			return -1;
		p->depth--;
	} else if (from_item(p, J_FIRST) < 0) {
		return -1;
	}
	for (;;) {
		enum join j;
		int comma = is_op(p, ",");
		if (comma) {
			j = J_CROSS;
		} else if (is_word(p, "join")) {
			j = J_INNER;
		} else if (is_word(p, "inner") || is_word(p, "cross")) {
			j = is_word(p, "inner") ? J_INNER : J_CROSS;
			if (next(p) < 0)
				return -1;
			if (!is_word(p, "join"))
				return unexpected(p);
		} else if (is_word(p, "left")) {
			j = J_LEFT;
			if (next(p) < 0)
				return -1;
			if (is_word(p, "outer") && next(p) < 0)
				return -1;
			if (!is_word(p, "join"))
				return unexpected(p);
		} else if (is_word(p, "right") || is_word(p, "full") ||
			   is_word(p, "natural") ||
			   is_word(p, "straight_join")) {
			return refuse(p, "a %s join", (char *)p->tx.data);
		} else {
			return 0;
		}
		if (next(p) < 0 || from_item(p, j) < 0)
			return -1;
		if (is_word(p, "using"))
			return refuse(p, "JOIN ... USING (...)");
		if (!comma && is_word(p, "on")) {
			int on;
			if (next(p) < 0 || (on = parse_or(p)) < 0 ||
			    want_bool(p, on, "ON") < 0)
				return -1;
			p->x->items[p->x->nitems - 1].on = on;
			if (j == J_CROSS)
				p->x->items[p->x->nitems - 1].join = J_INNER;
		} else if (j == J_LEFT) {
			return unexpected(p);
		} else {
			/* MySQL's join with no ON */
			p->x->items[p->x->nitems - 1].join = J_CROSS;
		}
	}
}

static int push_int(int **v, size_t *n, size_t *cap, int i, struct err *e)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		int *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return err_oom(e);
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = i;
	return 0;
}

/* an expression of the view: within the depth ferry's form reads back,
 * no ARRAY[...] left */
static int view_expr(struct parser *p, int i)
{
	if (i < 0)
		return -1;
	if (stray_array(p->x, i))
		return refuse(p, "an array");
	if (tree_depth(p->x, i) > SQLEXPR_MAX_DEPTH)
		return refuse(p, "an expression nested over %d deep",
			      SQLEXPR_MAX_DEPTH);
	return i;
}

/* the select list, from the token after SELECT [DISTINCT] to FROM */
static int select_list(struct parser *p, struct view *v, char *const *cols,
		       size_t ncols)
{
	p->agg_ok = 1;
	for (;;) {
		char nm[SCHEMA_MAX_NAME + 1];
		int a, named = 0;
		if ((a = view_expr(p, parse_or(p))) < 0)
			return -1;
		if (N(a)->cls == C_NULL)
			return refuse(p, "a column of NULL, of no type");
		if (is_word(p, "as")) {
			if (next(p) < 0)
				return -1;
			named = 1;
		}
		if (named || p->k == T_QIDENT ||
		    (p->k == T_WORD && !is_word(p, "from"))) {
			if (name_token(p, nm, sizeof(nm)) < 0 || next(p) < 0)
				return -1;
			named = 1;
		}
		if (p->d == SQLEXPR_FERRY && !named)
			return refuse(p, "a select item without AS");
		if (p->d != SQLEXPR_FERRY) {
			if (v->nsel >= ncols)
				return refuse(p, "more select items than the "
						 "view has columns");
			snprintf(nm, sizeof(nm), "%s", cols[v->nsel]);
		}
		if (!*nm)
			return refuse(p, "an empty column name");
		if (v->nsel == v->selcap) {
			size_t nc = v->selcap ? v->selcap * 2 : 8;
			int *ns = realloc(v->sel, nc * sizeof(*ns));
			char **nn;
			if (!ns)
				return err_oom(p->e);
			v->sel = ns;
			if (!(nn = realloc(v->names, nc * sizeof(*nn))))
				return err_oom(p->e);
			v->names = nn;
			v->selcap = nc;
		}
		if (!(v->names[v->nsel] = strdup(nm)))
			return err_oom(p->e);
		v->sel[v->nsel++] = a;
		if (is_word(p, "from"))
			break;
		if (expect_op(p, ",") < 0)
			return -1;
	}
	p->agg_ok = 0;
	if (p->d != SQLEXPR_FERRY && v->nsel != ncols)
		return refuse(p, "%zu select items for %zu columns", v->nsel,
			      ncols);
	/* ORDER BY a column of the view: its select item */
	for (size_t i = 0; i < v->nord; i++)
		if (v->ord[i] < -1) {
			int a = v->sel[-2 - v->ord[i]];
			if (N(a)->cls == C_ANY || N(a)->cls == C_NULL)
				return refuse(p, "ORDER BY %s",
					      cls_name[N(a)->cls]);
			v->ord[i] = a;
		}
	for (size_t i = 0; i < v->nsel; i++)
		for (size_t k = 0; k < i; k++)
			if (same_name(p, v->names[i], v->names[k]))
				return refuse(p, "the column name %.*s, twice",
					      64, v->names[i]);
	return 0;
}

/* the select item an ORDER BY names (a name of the view's columns, or
 * its number), -1 when it names none */
static int order_item(struct parser *p, char *const *cols, size_t ncols)
{
	if (p->d == SQLEXPR_FERRY)
		return -1;
	if (p->k == T_NUM) {
		char *end;
		long k;
		if (memchr(p->tx.data, '.', p->tx.len))
			return -1;
		k = strtol((const char *)p->tx.data, &end, 10);
		return k >= 1 && (size_t)k <= ncols ? (int)k - 1 : -2;
	}
	/* a bare name: the view's column first, as both engines read it */
	if ((p->k == T_WORD || p->k == T_QIDENT) &&
	    !(p->pos < p->len && (p->s[p->pos] == '.' || p->s[p->pos] == '(')))
		for (size_t k = 0; k < ncols; k++)
			if (strlen(cols[k]) == p->tx.len &&
			    memcmp(cols[k], p->tx.data, p->tx.len) == 0)
				return (int)k;
	return -1;
}

/* ORDER BY value [ASC | DESC] [NULLS FIRST | LAST], ...: where NULL goes
 * said for every item (MySQL puts it first going up, PostgreSQL last) */
static int order_by(struct parser *p, struct view *v, char *const *cols,
		    size_t ncols)
{
	if (next(p) < 0)
		return -1;
	if (!is_word(p, "by"))
		return unexpected(p);
	if (next(p) < 0)
		return -1;
	for (;;) {
		int it = order_item(p, cols, ncols), a;
		unsigned char fl = 0;
		if (it == -2)
			return refuse(p, "ORDER BY a number of no column");
		if (it >= 0) {
			a = -2 - it;
			if (next(p) < 0)
				return -1;
		} else {
			p->agg_ok = 1;
			a = view_expr(p, parse_or(p));
			p->agg_ok = 0;
			if (a < 0)
				return -1;
			if (N(a)->cls == C_ANY || N(a)->cls == C_NULL)
				return refuse(p, "ORDER BY %s",
					      cls_name[N(a)->cls]);
		}
		if (is_word(p, "desc"))
			fl |= ORD_DESC;
		if ((is_word(p, "asc") || is_word(p, "desc")) && next(p) < 0)
			return -1;
		/* the source's own default */
		if ((p->d == SQLEXPR_MYSQL) == !(fl & ORD_DESC))
			fl |= ORD_NULLS_FIRST;
		if (is_word(p, "nulls")) {
			if (p->d == SQLEXPR_MYSQL || next(p) < 0)
				return p->d == SQLEXPR_MYSQL ? unexpected(p)
							     : -1;
			if (is_word(p, "first"))
				fl |= ORD_NULLS_FIRST;
			else if (is_word(p, "last"))
				fl &= (unsigned char)~ORD_NULLS_FIRST;
			else
				return unexpected(p);
			if (next(p) < 0)
				return -1;
		} else if (p->d == SQLEXPR_FERRY) {
			return refuse(p, "ORDER BY without NULLS FIRST or "
					 "LAST");
		}
		if (v->nord == v->ordcap) {
			size_t nc = v->ordcap ? v->ordcap * 2 : 8;
			unsigned char *nf = realloc(v->ordfl, nc);
			int *no;
			if (!nf)
				return err_oom(p->e);
			v->ordfl = nf;
			if (!(no = realloc(v->ord, nc * sizeof(*no))))
				return err_oom(p->e);
			v->ord = no;
			v->ordcap = nc;
		}
		v->ord[v->nord] = a;
		v->ordfl[v->nord++] = fl;
		if (!is_op(p, ","))
			return 0;
		if (next(p) < 0)
			return -1;
	}
}

/* what follows FROM's list: WHERE, GROUP BY, HAVING, ORDER BY, LIMIT */
static int view_tail(struct parser *p, struct view *v, char *const *cols,
		     size_t ncols)
{
	if (is_word(p, "where")) {
		if (next(p) < 0 || (v->where = view_expr(p, parse_or(p))) < 0 ||
		    want_bool(p, v->where, "WHERE") < 0)
			return -1;
	}
	if (is_word(p, "group")) {
		if (next(p) < 0)
			return -1;
		if (!is_word(p, "by"))
			return unexpected(p);
		if (next(p) < 0)
			return -1;
		for (;;) {
			int g = view_expr(p, parse_or(p));
			if (g < 0 || push_int(&v->group, &v->ngroup,
					      &v->groupcap, g, p->e) < 0)
				return -1;
			if (!is_op(p, ","))
				break;
			if (next(p) < 0)
				return -1;
		}
	}
	if (is_word(p, "having")) {
		p->agg_ok = 1;
		if (next(p) < 0 ||
		    (v->having = view_expr(p, parse_or(p))) < 0 ||
		    want_bool(p, v->having, "HAVING") < 0)
			return -1;
		p->agg_ok = 0;
	}
	if (is_word(p, "order") && order_by(p, v, cols, ncols) < 0)
		return -1;
	if (is_word(p, "limit")) {
		if (next(p) < 0)
			return -1;
		if (p->k != T_NUM || p->tx.len >= sizeof(v->limit) ||
		    memchr(p->tx.data, '.', p->tx.len))
			return unexpected(p);
		memcpy(v->limit, p->tx.data, p->tx.len);
		v->limit[p->tx.len] = '\0';
		if (next(p) < 0)
			return -1;
	}
	if (p->d == SQLEXPR_PG && is_op(p, ";") && next(p) < 0)
		return -1;
	if (p->k != T_END)
		return unexpected(p);
	return 0;
}

static struct view *view_read(const char *text, enum sqlexpr_dialect d,
			      struct schema_table *const *tabs, size_t ntabs,
			      const char *home, char *const *cols,
			      size_t ncols, char *why, size_t whysz,
			      struct err *e)
{
	struct parser p;
	struct view *v;
	size_t len = text ? strlen(text) : 0, sel;
	int depth = 0;

	if (whysz)
		why[0] = '\0';
	if (!text || len > SQLEXPR_MAX_LEN) {
		snprintf(why, whysz, "a view of over %d bytes",
			 SQLEXPR_MAX_LEN);
		return NULL;
	}
	if (!(v = calloc(1, sizeof(*v))) ||
	    !(v->x = calloc(1, sizeof(*v->x)))) {
		free(v);
		err_oom(e);
		return NULL;
	}
	v->where = v->having = -1;
	v->x->root = -1;
	v->x->tabs = tabs;
	v->x->ntabs = ntabs;
	v->x->home = home;
	memset(&p, 0, sizeof(p));
	p.why = why;
	p.whysz = whysz;
	p.e = e;
	p.d = d;
	p.x = v->x;
	p.s = text;
	p.len = len;
	buf_init(&p.tx, SQLEXPR_MAX_LEN + 16);
	if (next(&p) < 0)
		goto out;
	if (!is_word(&p, "select")) {
		refuse(&p, "not a SELECT");
		goto out;
	}
	if (next(&p) < 0)
		goto out;
	if (is_word(&p, "distinct")) {
		v->distinct = 1;
		if (next(&p) < 0)
			goto out;
		if (is_word(&p, "on")) {
			refuse(&p, "DISTINCT ON");
			goto out;
		}
	}
	/* the FROM list first, so that the select list's names resolve */
	sel = p.at;
	while (p.k != T_END && !(depth == 0 && is_word(&p, "from"))) {
		depth += is_op(&p, "(") - is_op(&p, ")");
		if (next(&p) < 0)
			goto out;
	}
	if (p.k == T_END) {
		refuse(&p, "a view that reads no table");
		goto out;
	}
	if (next(&p) < 0 || from_list(&p) < 0 ||
	    view_tail(&p, v, cols, ncols) < 0)
		goto out;
	p.pos = sel;
	if (next(&p) < 0)
		goto out;
	select_list(&p, v, cols, ncols);
out:
	buf_release(&p.tx);
	if (why[0] || e->class) {
		if (!why[0] && !e->class)
			snprintf(why, whysz, "not a view ferry carries");
		view_free(v);
		return NULL;
	}
	return v;
}

/* --- PostgreSQL's grouping rule ---------------------------------------- */

/* nodes a and b (with what follows each, when list) are the same tree */
static int same_tree(const struct sqlexpr *x, int a, int b, int list)
{
	for (; a >= 0 && b >= 0; a = x->n[a].next, b = x->n[b].next) {
		const struct node *m = &x->n[a], *n = &x->n[b];
		if (m->kind != n->kind || m->op != n->op || m->neg != n->neg ||
		    (m->kind == K_COL &&
		     (m->col != n->col || m->item != n->item)) ||
		    (!m->text != !n->text) ||
		    (m->text && strcmp(m->text, n->text) != 0) ||
		    !same_tree(x, m->kid, n->kid, 1))
			return 0;
		if (!list)
			return 1;
	}
	return a < 0 && b < 0;
}

/* whether every column of FROM item `item`'s primary key is grouped by */
static int key_grouped(const struct view *v, size_t item)
{
	const struct sqlexpr *x = v->x;
	const struct schema_table *t = x->tabs[x->items[item].tab];

	if (!t->npk)
		return 0;
	for (size_t k = 0; k < t->npk; k++) {
		int found = 0;
		for (size_t g = 0; g < v->ngroup && !found; g++) {
			const struct node *n = &x->n[v->group[g]];
			found = n->kind == K_COL && n->item == item &&
				n->col == t->pk[k];
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* -1 when node i (and what it reads) is grouped by, or aggregated, or a
 * column of a table whose primary key is grouped by (PostgreSQL's
 * rule); else the index of the first column that is not */
static int ungrouped(const struct view *v, int i)
{
	const struct sqlexpr *x = v->x;
	int bad;

	for (size_t g = 0; g < v->ngroup; g++)
		if (same_tree(x, i, v->group[g], 0))
			return -1;
	switch (x->n[i].kind) {
	case K_AGG: return -1;
	case K_COL: return key_grouped(v, x->n[i].item) ? -1 : i;
	default: break;
	}
	for (int k = x->n[i].kid; k >= 0; k = x->n[k].next)
		if ((bad = ungrouped(v, k)) >= 0)
			return bad;
	return -1;
}

/* PostgreSQL refuses a grouped query's column that is neither grouped
 * by nor aggregated nor of a table whose key is grouped by (MariaDB takes
 * it): 1 with why, else 0 */
static int pg_grouping(const struct view *v, char *why, size_t whysz)
{
	const struct sqlexpr *x = v->x;
	int grouped = v->ngroup > 0, bad = -1;

	/* and SELECT DISTINCT orders by what it selects */
	for (size_t i = 0; v->distinct && i < v->nord; i++) {
		int in = 0;
		for (size_t k = 0; k < v->nsel && !in; k++)
			in = same_tree(x, v->ord[i], v->sel[k], 0);
		if (!in) {
			snprintf(why, whysz,
				 "SELECT DISTINCT ordered by what it does not "
				 "select, which PostgreSQL refuses");
			return 1;
		}
	}
	for (size_t i = 0; i < v->nsel && !grouped; i++)
		grouped = has_kind(x, v->sel[i], K_AGG);
	if (!grouped && v->having < 0)
		return 0;
	for (size_t i = 0; i < v->nsel && bad < 0; i++)
		bad = ungrouped(v, v->sel[i]);
	if (bad < 0 && v->having >= 0)
		bad = ungrouped(v, v->having);
	for (size_t i = 0; i < v->nord && bad < 0; i++)
		bad = ungrouped(v, v->ord[i]);
	if (bad < 0)
		return 0;
	snprintf(why, whysz,
		 "column %.64s.%.64s is neither grouped by nor aggregated, "
		 "which PostgreSQL refuses",
		 x->items[x->n[bad].item].alias, col_of(x, &x->n[bad])->name);
	return 1;
}

/* a name of the view's own, folded to lower case where asked */
static int w_out_name(struct writer *w, const char *s, int fold)
{
	char *f;
	int rc;

	if (!fold)
		return w_ident(w, s);
	if (!(f = strdup(s)))
		return err_oom(w->e);
	for (char *c = f; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	rc = w_ident(w, f);
	free(f);
	return rc;
}

static int view_write(const struct view *v, enum sqlexpr_dialect d,
		      const struct sqlview_names *nm, unsigned flags,
		      struct buf *out, char *why, size_t whysz, struct err *e)
{
	struct writer w = { v->x, d, NULL, flags, out, why, whysz, e, nm };
	const struct sqlexpr *x = v->x;
	size_t len = out->len;
	int rc = 0;

	if (whysz)
		why[0] = '\0';
	if (d == SQLEXPR_PG && pg_grouping(v, why, whysz))
		return 1;
	if (buf_adds(out, v->distinct ? "SELECT DISTINCT " : "SELECT ", e) < 0)
		return -1;
	for (size_t i = 0; i < v->nsel && !rc; i++)
		if ((i && buf_adds(out, ", ", e) < 0) ||
		    (rc = w_node(&w, v->sel[i])) < 0 ||
		    buf_adds(out, " AS ", e) < 0 ||
		    w_out_name(&w, v->names[i], nm && nm->fold) < 0)
			return -1;
	if (!rc && buf_adds(out, " FROM ", e) < 0)
		return -1;
	for (size_t i = 0; i < x->nitems && !rc; i++) {
		const struct vitem *it = &x->items[i];
		static const char *const jw[] = { "", " JOIN ", " LEFT JOIN ",
						  " CROSS JOIN " };
		if (buf_adds(out, jw[it->join], e) < 0)
			return -1;
		if (!nm) {
			if (w_ident(&w, x->tabs[it->tab]->name) < 0)
				return -1;
		} else if ((rc = nm->table(nm->ctx, it->tab, d, out, e)) != 0) {
			if (rc < 0)
				return -1;
			snprintf(why, whysz, "it reads %.64s, which is left out",
				 x->tabs[it->tab]->name);
			out->len = len;
			return 1;
		}
		if (buf_adds(out, " AS ", e) < 0 || w_ident(&w, it->alias) < 0)
			return -1;
		if (it->on >= 0 && (buf_adds(out, " ON ", e) < 0 ||
				    (rc = w_node(&w, it->on)) < 0))
			return -1;
	}
	if (!rc && v->where >= 0 &&
	    (buf_adds(out, " WHERE ", e) < 0 || (rc = w_node(&w, v->where)) < 0))
		return -1;
	for (size_t i = 0; i < v->ngroup && !rc; i++)
		if (buf_adds(out, i ? ", " : " GROUP BY ", e) < 0 ||
		    (rc = w_node(&w, v->group[i])) < 0)
			return -1;
	if (!rc && v->having >= 0 &&
	    (buf_adds(out, " HAVING ", e) < 0 ||
	     (rc = w_node(&w, v->having)) < 0))
		return -1;
	for (size_t i = 0; i < v->nord && !rc; i++) {
		int desc = v->ordfl[i] & ORD_DESC,
		    first = !!(v->ordfl[i] & ORD_NULLS_FIRST);
		if (buf_adds(out, i ? ", " : " ORDER BY ", e) < 0)
			return -1;
		/* MySQL has no NULLS FIRST or LAST: its own order puts NULL
		 * first going up; else NULL is ordered first by IS NULL */
		if (d == SQLEXPR_MYSQL && first == !desc) {
			if ((rc = w_node(&w, v->ord[i])) < 0 ||
			    buf_adds(out, desc ? " DESC" : " ASC", e) < 0)
				return -1;
			continue;
		}
		if (d == SQLEXPR_MYSQL &&
		    (buf_addc(out, '(', e) < 0 ||
		     (rc = w_node(&w, v->ord[i])) < 0 ||
		     buf_adds(out, desc ? " IS NULL) DESC, " : " IS NULL) ASC, ",
			      e) < 0))
			return -1;
		if (!rc && ((rc = w_node(&w, v->ord[i])) < 0 ||
			    buf_adds(out, desc ? " DESC" : " ASC", e) < 0 ||
			    (d != SQLEXPR_MYSQL &&
			     buf_adds(out, first ? " NULLS FIRST" : " NULLS LAST",
				      e) < 0)))
			return -1;
	}
	if (!rc && v->limit[0] && buf_addf(out, e, " LIMIT %s", v->limit) < 0)
		return -1;
	if (rc >= 0 && why[0])
		rc = 1;
	if (rc != 0)
		out->len = len;
	return rc;
}

int sqlview_parse(const char *text, enum sqlexpr_dialect d,
		  struct schema_table *const *tabs, size_t ntabs,
		  const char *home, char *const *cols, size_t ncols,
		  struct buf *out, char *why, size_t whysz, struct err *e)
{
	struct view *v = view_read(text, d, tabs, ntabs, home, cols, ncols,
				   why, whysz, e);
	int rc;

	if (!v)
		return e->class ? -1 : 1;
	rc = view_write(v, SQLEXPR_FERRY, NULL, 0, out, why, whysz, e);
	view_free(v);
	/* ferry's form must read back within its limits */
	if (rc == 0 && out->len > SQLEXPR_MAX_LEN) {
		snprintf(why, whysz, "a view of over %d bytes in ferry's form",
			 SQLEXPR_MAX_LEN);
		return 1;
	}
	return rc;
}

/* one column of a view's table: select item i's value, as a stream
 * column (the column's own type when it is one) */
static int view_column_json(const struct view *v, size_t i, struct buf *b,
			    struct err *e)
{
	const struct sqlexpr *x = v->x;
	const struct node *n = &x->n[v->sel[i]];
	const struct schema_column *c = n->kind == K_COL ? col_of(x, n) : NULL;
	enum value_type vt;

	switch (n->cls) {
	case C_NUM: vt = n->kind == K_AGG && n->op == A_COUNT ? VALUE_INT64
							   : VALUE_DECIMAL;
		break;
	case C_BOOL: vt = VALUE_BOOL; break;
	case C_TIME: vt = n->vt == VALUE_NULL ? VALUE_TIMESTAMP : n->vt; break;
	case C_TEXT:
	case C_STR: vt = VALUE_TEXT; break;
	default: vt = c ? c->type : VALUE_TEXT; break;
	}
	if (c && n->cls != C_STR)
		vt = c->type;
	if ((i && buf_addc(b, ',', e) < 0) ||
	    buf_adds(b, "{\"name\":", e) < 0 ||
	    json_add_string(b, v->names[i], strlen(v->names[i]), e) < 0 ||
	    buf_addf(b, e, ",\"type\":\"%s\"", value_type_name(vt)) < 0)
		return -1;
	if (c && c->collation &&
	    (buf_adds(b, ",\"collation\":", e) < 0 ||
	     json_add_string(b, c->collation, strlen(c->collation), e) < 0))
		return -1;
	if (c && vt == VALUE_ENUM) {
		if (buf_adds(b, ",\"labels\":[", e) < 0)
			return -1;
		for (size_t k = 0; k < c->nlabels; k++)
			if ((k && buf_addc(b, ',', e) < 0) ||
			    json_add_string(b, c->labels[k],
					    strlen(c->labels[k]), e) < 0)
				return -1;
		if (buf_addc(b, ']', e) < 0)
			return -1;
	}
	return buf_addc(b, '}', e);
}

struct schema_table *sqlview_table(const char *text,
				   struct schema_table *const *tabs,
				   size_t ntabs, const char *schema,
				   const char *name, char *why, size_t whysz,
				   struct err *e)
{
	struct view *v = view_read(text, SQLEXPR_FERRY, tabs, ntabs, NULL,
				   NULL, 0, why, whysz, e);
	struct schema_table *t = NULL;
	struct buf b;

	if (!v)
		return NULL;
	buf_init(&b, (size_t)SQLEXPR_MAX_LEN * 8);
	if (buf_adds(&b, "{\"name\":", e) < 0 ||
	    json_add_string(&b, name, strlen(name), e) < 0 ||
	    (schema && (buf_adds(&b, ",\"schema\":", e) < 0 ||
			json_add_string(&b, schema, strlen(schema), e) < 0)) ||
	    buf_adds(&b, ",\"columns\":[", e) < 0)
		goto out;
	for (size_t i = 0; i < v->nsel; i++)
		if (view_column_json(v, i, &b, e) < 0)
			goto out;
	if (buf_adds(&b, "]}", e) < 0)
		goto out;
	if (!(t = schema_table_parse((const char *)b.data, b.len, e)) &&
	    e->class == ERR_STREAM) {
		/* a view's columns that are no table's (a name twice) */
		snprintf(why, whysz, "%s", e->msg);
		err_init(e);
	}
out:
	buf_release(&b);
	view_free(v);
	return t;
}

int sqlview_translate(const char *text, struct schema_table *const *tabs,
		      size_t ntabs, enum sqlexpr_dialect d,
		      const struct sqlview_names *nm, unsigned flags,
		      struct buf *out, char *why, size_t whysz, struct err *e)
{
	struct view *v = view_read(text, SQLEXPR_FERRY, tabs, ntabs, NULL,
				   NULL, 0, why, whysz, e);
	int rc;

	if (!v)
		return e->class ? -1 : 1;
	rc = view_write(v, d, nm, flags, out, why, whysz, e);
	view_free(v);
	return rc;
}
