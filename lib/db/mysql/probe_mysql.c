/*
 * probe_mysql - probe.h on MySQL and MariaDB: a connection of its own,
 * each probe between START TRANSACTION and ROLLBACK, its values bound
 * as string parameters of a prepared statement.
 */
#include "db/probe_int.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/mysql/myutil.h"

struct mprobe {
	struct probe base;
	MYSQL *c;
};

#define MP(b) ((struct mprobe *)(b))

static int quote_table(struct buf *q, const struct schema_table *t,
		       struct err *e)
{
	return myutil_quote_ident(q, t->table ? t->table : t->name, e);
}

static void mp_close(struct probe *b)
{
	struct mprobe *p = MP(b);

	if (p->c)
		mysql_close(p->c);
	free(p);
}

struct rows_ctx {
	char **vals;
	size_t n, nrows;
};

static int keep_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct rows_ctx *r = ctx;

	(void)lens;
	if (r->nrows >= 2)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (v[i] && !(r->vals[r->nrows * r->n + i] = strdup(v[i])))
			return err_oom(e);
	r->nrows++;
	return 0;
}

static int mp_rows(struct probe *b, const struct schema_table *t,
		   const size_t *cols, size_t n, char ***vals, size_t *nrows,
		   struct err *e)
{
	struct mprobe *p = MP(b);
	struct rows_ctx r = { NULL, n, 0 };
	struct buf q;
	int rc = -1;

	*vals = NULL;
	*nrows = 0;
	buf_init(&q, 1u << 20);
	if (!(r.vals = calloc(2 * n + 1, sizeof(*r.vals)))) {
		err_oom(e);
		goto out;
	}
	if (buf_adds(&q, "SELECT ", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_adds(&q, ", ", e) < 0) ||
		    myutil_quote_ident(&q, t->cols[cols[i]].name, e) < 0)
			goto out;
	if (!n && buf_adds(&q, "1", e) < 0)
		goto out;
	if (buf_adds(&q, " FROM ", e) < 0 || quote_table(&q, t, e) < 0 ||
	    buf_adds(&q, " ORDER BY ", e) < 0)
		goto out;
	for (size_t k = 0; k < t->npk; k++)
		if ((k && buf_adds(&q, ", ", e) < 0) ||
		    myutil_quote_ident(&q, t->cols[t->pk[k]].name, e) < 0)
			goto out;
	if (buf_adds(&q, " LIMIT 2", e) < 0 ||
	    myutil_select(p->c, (char *)q.data, NULL, 0, (unsigned)n, keep_row,
			  &r, e) < 0)
		goto out;
	*vals = r.vals;
	*nrows = r.nrows;
	r.vals = NULL;
	rc = 0;
out:
	probe_vals_free(r.vals, 2 * n);
	buf_release(&q);
	return rc;
}

/* sql with params in a transaction rolled back: 1 taken, 0 refused */
static int try(struct mprobe *p, const char *sql, const char *const *params,
	       unsigned n, char *why, size_t whysz, struct err *e)
{
	struct err e2;
	int ok;

	if (mysql_query(p->c, "START TRANSACTION"))
		return err_set(e, ERR_DB, "probing: %s", mysql_error(p->c));
	err_init(&e2);
	ok = myutil_exec(p->c, sql, params, n, &e2) == 0;
	/* the client's own errors (2000-2999) are the connection's */
	if (!ok && mysql_errno(p->c) >= 2000 && mysql_errno(p->c) < 3000) {
		*e = e2;
		return -1;
	}
	if (!ok) /* the statement's own message (a prepared one's) */
		probe_why(why, whysz, e2.msg);
	if (mysql_query(p->c, "ROLLBACK"))
		return err_set(e, ERR_DB, "probing: %s", mysql_error(p->c));
	return ok;
}

static int mp_insert(struct probe *b, const struct schema_table *t,
		     const size_t *cols, const char *const *vals, size_t n,
		     char *why, size_t whysz, struct err *e)
{
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 20);
	if (buf_adds(&q, "INSERT INTO ", e) < 0 || quote_table(&q, t, e) < 0 ||
	    buf_adds(&q, " (", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_adds(&q, ", ", e) < 0) ||
		    myutil_quote_ident(&q, t->cols[cols[i]].name, e) < 0)
			goto out;
	if (buf_adds(&q, ") VALUES (", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (buf_adds(&q, i ? ", ?" : "?", e) < 0)
			goto out;
	if (buf_adds(&q, ")", e) < 0)
		goto out;
	rc = try(MP(b), (char *)q.data, vals, (unsigned)n, why, whysz, e);
out:
	buf_release(&q);
	return rc;
}

static int mp_update(struct probe *b, const struct schema_table *t,
		     size_t col, const char *val, const char *const *key,
		     char *why, size_t whysz, struct err *e)
{
	const char *params[PROBE_MAX_COLS];
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 20);
	params[0] = val;
	if (buf_adds(&q, "UPDATE ", e) < 0 || quote_table(&q, t, e) < 0 ||
	    buf_adds(&q, " SET ", e) < 0 ||
	    myutil_quote_ident(&q, t->cols[col].name, e) < 0 ||
	    buf_adds(&q, " = ? WHERE ", e) < 0)
		goto out;
	for (size_t k = 0; k < t->npk; k++) {
		params[k + 1] = key[k];
		if ((k && buf_adds(&q, " AND ", e) < 0) ||
		    myutil_quote_ident(&q, t->cols[t->pk[k]].name, e) < 0 ||
		    buf_adds(&q, " = ?", e) < 0)
			goto out;
	}
	rc = try(MP(b), (char *)q.data, params, (unsigned)t->npk + 1, why,
		 whysz, e);
out:
	buf_release(&q);
	return rc;
}

static const struct probe_ops mp_ops = { mp_rows, mp_insert, mp_update,
					 mp_close };

struct probe *probe_mysql_open(const struct uri *u,
			       const struct source_opts *o, struct err *e)
{
	struct mprobe *p = calloc(1, sizeof(*p));

	if (!p) {
		err_oom(e);
		return NULL;
	}
	p->base.ops = &mp_ops;
	if (!(p->c = mysql_init(NULL))) {
		err_oom(e);
		mp_close(&p->base);
		return NULL;
	}
	if (myutil_connect(p->c, u, o->defaults_file, o->connect_timeout,
			   o->read_timeout, 0, e) < 0) {
		mp_close(&p->base);
		return NULL;
	}
	if (mysql_query(p->c, "SET SESSION innodb_lock_wait_timeout = 2") ||
	    mysql_query(p->c, "SET SESSION time_zone = '+00:00'")) {
		err_set(e, ERR_DB, "probing: %s", mysql_error(p->c));
		mp_close(&p->base);
		return NULL;
	}
	return &p->base;
}
