#include "db/namefold.h"

#include <stdlib.h>
#include <string.h>

#include "stream/sqlexpr.h"

static char fold_char(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int namefold_engines(enum uri_engine from, enum uri_engine to,
			    int keep_case)
{
	return !keep_case && from == URI_MYSQL && to == URI_PG;
}

int namefold_applies(enum uri_engine to, const struct schema_table *t,
		     int keep_case)
{
	return t->source && strncmp(t->source, "mysql", 5) == 0 &&
	       namefold_engines(URI_MYSQL, to, keep_case);
}

char *namefold_name(const char *s, struct err *e)
{
	char *d = strdup(s);

	if (!d) {
		err_oom(e);
		return NULL;
	}
	for (char *p = d; *p; p++)
		*p = fold_char(*p);
	return d;
}

int namefold_same(const char *a, const char *b)
{
	while (*a && fold_char(*a) == fold_char(*b)) {
		a++;
		b++;
	}
	return *a == *b;
}

/* names[i] folded into place; two that become one: ERR_USAGE */
static int fold_names(char **names, char *const *orig, size_t n,
		      const char *kind, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char *f = namefold_name(names[i], e);
		if (!f)
			return -1;
		free(names[i]);
		names[i] = f;
		for (size_t k = 0; k < i; k++)
			if (strcmp(names[k], f) == 0)
				return err_set(
				    e, ERR_USAGE,
				    "%s '%s' and '%s' are both '%s' in "
				    "PostgreSQL, which ferry folds a MySQL "
				    "name to (lower case, as an unquoted name; "
				    "--keep-case keeps them)",
				    kind, orig[k], orig[i], f);
	}
	return 0;
}

/* a string member folded in place */
static int fold_str(char **s, struct err *e)
{
	char *f = namefold_name(*s, e);

	if (!f)
		return -1;
	free(*s);
	*s = f;
	return 0;
}

/* the foreign keys' names and what they reference, which is of the same
 * MySQL source and so folded alike */
static int fold_fkeys(struct schema_table *f, struct err *e)
{
	for (size_t i = 0; i < f->nfkeys; i++) {
		struct schema_fkey *k = &f->fkeys[i];
		if (fold_str(&k->name, e) < 0 || fold_str(&k->ref_table, e) < 0)
			return -1;
		for (size_t c = 0; c < k->ncols; c++)
			if (fold_str(&k->ref_cols[c], e) < 0)
				return -1;
	}
	return 0;
}

/* the names in each CHECK, expression index and generated column of f
 * (read against t, the names before) as cols has them now; one that does
 * not read stays as it is, and the load names it */
/* *x, an expression of t as `form` says (0 a condition, 1 an index's
 * key, 2 + i the expression of generated column i), rewritten with the
 * names cols has now */
static int fold_expr(const struct schema_table *t, char **x, size_t form,
		     char *const *cols, struct err *e)
{
	struct buf b;
	char why[256];
	int rc;

	if (!*x)
		return 0;
	buf_init(&b, 1u << 22);
	rc = form >= 2 ? sqlexpr_translate_generated(*x, t, form - 2,
						     SQLEXPR_FERRY, cols, 0,
						     &b, why, sizeof(why), e)
	     : form    ? sqlexpr_translate_value(*x, t, SQLEXPR_FERRY, cols,
						 0, &b, why, sizeof(why), e)
		       : sqlexpr_translate(*x, t, SQLEXPR_FERRY, cols, 0, &b,
					   why, sizeof(why), e);
	if (rc == 0 && (rc = buf_addc(&b, 0, e)) == 0) {
		char *s = strdup((const char *)b.data);
		if (!s)
			rc = err_oom(e);
		else {
			free(*x);
			*x = s;
		}
	}
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

static int fold_checks(const struct schema_table *t, struct schema_table *f,
		       char *const *cols, struct err *e)
{
	for (size_t i = 0; i < f->nchecks; i++)
		if (fold_expr(t, &f->checks[i].expr, 0, cols, e) < 0)
			return -1;
	for (size_t i = 0; i < f->nxindexes; i++) {
		struct schema_xindex *x = &f->xindexes[i];
		for (size_t k = 0; k < x->nkeys; k++)
			if (fold_expr(t, &x->keys[k], 1, cols, e) < 0)
				return -1;
		if (fold_expr(t, &x->where, 0, cols, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < f->ncols; i++)
		if (fold_expr(t, &f->cols[i].generated_form, 2 + i, cols, e) <
		    0)
			return -1;
	return 0;
}

struct schema_table *namefold_table(const struct schema_table *t, struct err *e)
{
	char *table = NULL;
	char **cols = NULL, **ixs = NULL, **ocols = NULL, **oixs = NULL;
	struct schema_table *f = schema_table_copy(t, e);
	int rc = -1;

	if (!f)
		goto out;
	if (!(cols = calloc(f->ncols + 1, sizeof(*cols))) ||
	    !(ixs = calloc(f->nindexes + 1, sizeof(*ixs))) ||
	    !(ocols = calloc(f->ncols + 1, sizeof(*ocols))) ||
	    !(oixs = calloc(f->nindexes + 1, sizeof(*oixs)))) {
		err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < f->ncols; i++) {
		cols[i] = f->cols[i].name;
		ocols[i] = t->cols[i].name;
	}
	for (size_t i = 0; i < f->nindexes; i++) {
		ixs[i] = f->indexes[i].name;
		oixs[i] = t->indexes[i].name;
	}
	if (fold_names(cols, ocols, f->ncols, "columns", e) < 0 ||
	    fold_names(ixs, oixs, f->nindexes, "indexes", e) < 0)
		goto put_back;
	if (!(table = namefold_name(f->table, e)) ||
	    schema_table_set_name(f, f->schema, table, e) < 0 ||
	    fold_fkeys(f, e) < 0 || fold_checks(t, f, cols, e) < 0)
		goto put_back;
	rc = 0;
put_back:
	for (size_t i = 0; i < f->ncols; i++)
		f->cols[i].name = cols[i];
	for (size_t i = 0; i < f->nindexes; i++)
		f->indexes[i].name = ixs[i];
out:
	free(table);
	free(cols);
	free(ixs);
	free(ocols);
	free(oixs);
	if (rc < 0) {
		schema_table_free(f);
		return NULL;
	}
	return f;
}

struct namefold_run {
	char **name, **folded;
	size_t n;
};

struct namefold_run *namefold_run_new(struct err *e)
{
	struct namefold_run *r = calloc(1, sizeof(*r));

	if (!r)
		err_oom(e);
	return r;
}

int namefold_run_add(struct namefold_run *r, const char *name,
		     const char *folded, struct err *e)
{
	char **n, **f;

	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->folded[i], folded) == 0) {
			if (strcmp(r->name[i], name) == 0)
				return 0;
			return err_set(e, ERR_USAGE,
				       "tables '%s' and '%s' are both '%s' in "
				       "PostgreSQL, which ferry folds a MySQL "
				       "name to (lower case, as an unquoted "
				       "name; --keep-case keeps them, or "
				       "--table-map one)",
				       r->name[i], name, folded);
		}
	if (!(n = realloc(r->name, (r->n + 1) * sizeof(*n))))
		return err_oom(e);
	r->name = n;
	if (!(f = realloc(r->folded, (r->n + 1) * sizeof(*f))))
		return err_oom(e);
	r->folded = f;
	if (!(r->name[r->n] = strdup(name)))
		return err_oom(e);
	if (!(r->folded[r->n] = strdup(folded))) {
		free(r->name[r->n]);
		return err_oom(e);
	}
	r->n++;
	return 0;
}

void namefold_run_free(struct namefold_run *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->folded[i]);
	}
	free(r->name);
	free(r->folded);
	free(r);
}
