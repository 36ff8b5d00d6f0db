#include "transform/expr_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "stream/stream.h"

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
	if (expr_lex(x, e) < 0)
		goto fail;
	if (x->tok == T_END) {
		err_set(e, ERR_SPEC, "the expression is empty");
		goto fail;
	}
	if (!(x->root = expr_parse(x, e)))
		goto fail;
	if (x->tok != T_END) {
		expr_at_err(e, x->tstart + 1,
			    "expected an operator or the end, "
			    "not %s",
			    expr_tok_text(x, q, sizeof(q)));
		goto fail;
	}
	buf_release(&x->tstr);
	x->src = NULL;
	if (t && expr_check(x, x->root, e) < 0)
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
	if (expr_ev(x, x->root, row, e) < 0)
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
