/*
 * probe - the one door to ferry-verify --probe's statements: each call
 * goes to the engine's implementation (probe_int.h).
 */
#include "db/probe_int.h"

#include <stdio.h>
#include <stdlib.h>

struct probe *probe_open(const struct uri *u, const struct source_opts *o,
			 struct err *e)
{
	if (u->engine == URI_PG)
		return probe_pg_open(u, o, e);
	return probe_mysql_open(u, o, e);
}

void probe_close(struct probe *p)
{
	if (p)
		p->ops->close(p);
}

int probe_rows(struct probe *p, const struct schema_table *t,
	       const size_t *cols, size_t n, char ***vals, size_t *nrows,
	       struct err *e)
{
	if (n > PROBE_MAX_COLS || !t->npk)
		return err_set(e, ERR_USAGE, "internal error: a probe of %zu "
					     "columns", n);
	return p->ops->rows(p, t, cols, n, vals, nrows, e);
}

void probe_vals_free(char **vals, size_t n)
{
	for (size_t i = 0; vals && i < n; i++)
		free(vals[i]);
	free(vals);
}

int probe_insert(struct probe *p, const struct schema_table *t,
		 const size_t *cols, const char *const *vals, size_t n,
		 char *why, size_t whysz, struct err *e)
{
	if (n > PROBE_MAX_COLS)
		return err_set(e, ERR_USAGE, "internal error: a probe of %zu "
					     "columns", n);
	return p->ops->insert(p, t, cols, vals, n, why, whysz, e);
}

int probe_update(struct probe *p, const struct schema_table *t, size_t col,
		 const char *val, const char *const *key, char *why,
		 size_t whysz, struct err *e)
{
	if (t->npk + 1 > PROBE_MAX_COLS)
		return err_set(e, ERR_USAGE, "internal error: a probe of %zu "
					     "key columns", t->npk);
	return p->ops->update(p, t, col, val, key, why, whysz, e);
}

void probe_why(char *why, size_t whysz, const char *msg)
{
	size_t o = 0;

	for (const char *s = msg; *s && o + 1 < whysz; s++) {
		if (*s == '\n' || *s == '\r') {
			if (s[1] == 0)
				break;
			why[o++] = ' ';
			continue;
		}
		why[o++] = *s;
	}
	why[o] = 0;
}
