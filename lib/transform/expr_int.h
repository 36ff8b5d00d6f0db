/*
 * expr_int - what the three phases of the expression language share
 * (transform/expr.h is the interface): expr_parse.c reads the text into a
 * tree of nodes, expr_check.c gives each node its type and reads literals
 * as the types they meet, expr_eval.c computes a node's value for a row.
 * expr.c compiles (parse, then check) and frees.
 */
#ifndef FERRY_EXPR_INT_H
#define FERRY_EXPR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "transform/expr.h"

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

/* the types that compare with each other */
enum family {
	FAM_NULL,
	FAM_BOOL,
	FAM_NUM,
	FAM_TEXT,
	FAM_BYTES,
	FAM_TIME,
	FAM_WHEN
};

/* ERR_SPEC "at character AT: ..." */
int expr_at_err(struct err *e, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- expr_parse.c -------------------------------------------------------- */

/* the next token of x->src into x->tok (and x->tstart, x->tlen, x->tstr) */
int expr_lex(struct expr *x, struct err *e);
/* the current token as a message shows it */
const char *expr_tok_text(struct expr *x, char *out, size_t n);
/* an expression from the current token on: the tree's root, or NULL */
struct node *expr_parse(struct expr *x, struct err *e);

/* --- expr_check.c -------------------------------------------------------- */

enum family expr_fam(enum value_type t);
/* the types of n and its kids against x->t, literals read as the types
 * they meet */
int expr_check(struct expr *x, struct node *n, struct err *e);

/* --- expr_eval.c --------------------------------------------------------- */

/* n's value for row into n->r */
int expr_ev(struct expr *x, struct node *n, const struct value *row,
	    struct err *e);

#endif
