/*
 * probe_pg - probe.h on PostgreSQL: a connection of its own, each probe
 * between BEGIN and ROLLBACK, its values bound as text parameters.
 */
#include "db/probe_int.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/pg/pgutil.h"

struct pprobe {
	struct probe base;
	PGconn *c;
};

#define PP(b) ((struct pprobe *)(b))

static int quote_table(struct buf *q, const struct schema_table *t,
		       struct err *e)
{
	return pgutil_quote_table(q, t->schema ? t->schema : "public",
				  t->table ? t->table : t->name, e);
}

static int quote_col(struct buf *q, const struct schema_table *t, size_t i,
		     struct err *e)
{
	return pgutil_quote_ident(q, t->cols[i].name, strlen(t->cols[i].name),
				  e);
}

static void pp_close(struct probe *b)
{
	struct pprobe *p = PP(b);

	if (p->c)
		PQfinish(p->c);
	free(p);
}

static int pp_rows(struct probe *b, const struct schema_table *t,
		   const size_t *cols, size_t n, char ***vals, size_t *nrows,
		   struct err *e)
{
	struct pprobe *p = PP(b);
	struct buf q;
	PGresult *r = NULL;
	int rc = -1;

	*vals = NULL;
	*nrows = 0;
	buf_init(&q, 1u << 20);
	if (buf_adds(&q, "SELECT ", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_adds(&q, ", ", e) < 0) ||
		    quote_col(&q, t, cols[i], e) < 0 ||
		    buf_adds(&q, "::text", e) < 0)
			goto out;
	if (!n && buf_adds(&q, "1", e) < 0)
		goto out;
	if (buf_adds(&q, " FROM ", e) < 0 || quote_table(&q, t, e) < 0 ||
	    buf_adds(&q, " ORDER BY ", e) < 0)
		goto out;
	for (size_t k = 0; k < t->npk; k++)
		if ((k && buf_adds(&q, ", ", e) < 0) ||
		    quote_col(&q, t, t->pk[k], e) < 0)
			goto out;
	if (buf_adds(&q, " LIMIT 2", e) < 0 ||
	    pgutil_exec((struct pg_conn *)p->c, (char *)q.data, 0, NULL,
			(struct pg_result **)&r, "probing", e) < 0)
		goto out;
	*nrows = (size_t)PQntuples(r);
	if (!(*vals = calloc(*nrows * n + 1, sizeof(**vals)))) {
		err_oom(e);
		goto out;
	}
	for (size_t k = 0; k < *nrows; k++)
		for (size_t i = 0; i < n; i++)
			if (!PQgetisnull(r, (int)k, (int)i) &&
			    !((*vals)[k * n + i] =
				  strdup(PQgetvalue(r, (int)k, (int)i)))) {
				err_oom(e);
				goto out;
			}
	rc = 0;
out:
	if (rc < 0) {
		probe_vals_free(*vals, *nrows * n);
		*vals = NULL;
		*nrows = 0;
	}
	PQclear(r);
	buf_release(&q);
	return rc;
}

/* sql with params between BEGIN and ROLLBACK: 1 taken, 0 refused */
static int try(struct pprobe *p, const char *sql, int n,
	       const char *const *params, char *why, size_t whysz,
	       struct err *e)
{
	PGresult *r;
	int ok;

	if (pgutil_exec((struct pg_conn *)p->c, "BEGIN", 0, NULL, NULL,
			"probing", e) < 0 ||
	    pgutil_exec((struct pg_conn *)p->c, "SET LOCAL lock_timeout = '2s'",
			0, NULL, NULL, "probing", e) < 0)
		return -1;
	r = PQexecParams(p->c, sql, n, NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	     PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		probe_why(why, whysz,
			  r ? PQresultErrorMessage(r) : PQerrorMessage(p->c));
	PQclear(r);
	if (PQstatus(p->c) != CONNECTION_OK)
		return pgutil_msg(e, "probing", PQerrorMessage(p->c));
	if (pgutil_exec((struct pg_conn *)p->c, "ROLLBACK", 0, NULL, NULL,
			"probing", e) < 0)
		return -1;
	return ok;
}

static int pp_insert(struct probe *b, const struct schema_table *t,
		     const size_t *cols, const char *const *vals, size_t n,
		     char *why, size_t whysz, struct err *e)
{
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 20);
	if (buf_adds(&q, "INSERT INTO ", e) < 0 || quote_table(&q, t, e) < 0)
		goto out;
	if (!n) {
		if (buf_adds(&q, " DEFAULT VALUES", e) < 0)
			goto out;
	} else {
		if (buf_adds(&q, " (", e) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			if ((i && buf_adds(&q, ", ", e) < 0) ||
			    quote_col(&q, t, cols[i], e) < 0)
				goto out;
		if (buf_adds(&q, ") VALUES (", e) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (buf_addf(&q, e, "%s$%zu", i ? ", " : "", i + 1) < 0)
				goto out;
		if (buf_adds(&q, ")", e) < 0)
			goto out;
	}
	rc = try(PP(b), (char *)q.data, (int)n, vals, why, whysz, e);
out:
	buf_release(&q);
	return rc;
}

static int pp_update(struct probe *b, const struct schema_table *t,
		     size_t col, const char *val, const char *const *key,
		     char *why, size_t whysz, struct err *e)
{
	const char *params[PROBE_MAX_COLS];
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 20);
	params[0] = val;
	if (buf_adds(&q, "UPDATE ", e) < 0 || quote_table(&q, t, e) < 0 ||
	    buf_adds(&q, " SET ", e) < 0 || quote_col(&q, t, col, e) < 0 ||
	    buf_adds(&q, " = $1 WHERE ", e) < 0)
		goto out;
	for (size_t k = 0; k < t->npk; k++) {
		params[k + 1] = key[k];
		if ((k && buf_adds(&q, " AND ", e) < 0) ||
		    quote_col(&q, t, t->pk[k], e) < 0 ||
		    buf_addf(&q, e, " = $%zu", k + 2) < 0)
			goto out;
	}
	rc = try(PP(b), (char *)q.data, (int)t->npk + 1, params, why, whysz,
		 e);
out:
	buf_release(&q);
	return rc;
}

static const struct probe_ops pp_ops = { pp_rows, pp_insert, pp_update,
					 pp_close };

struct probe *probe_pg_open(const struct uri *u, const struct source_opts *o,
			    struct err *e)
{
	struct pprobe *p = calloc(1, sizeof(*p));

	if (!p) {
		err_oom(e);
		return NULL;
	}
	p->base.ops = &pp_ops;
	p->c = (PGconn *)pgutil_connect(u->conninfo, o->connect_timeout,
					o->read_timeout);
	if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
		char what[600];
		snprintf(what, sizeof(what), "cannot connect to %s to probe",
			 u->display);
		if (p->c)
			pgutil_msg(e, what, PQerrorMessage(p->c));
		else
			err_oom(e);
		pp_close(&p->base);
		return NULL;
	}
	if (pgutil_exec((struct pg_conn *)p->c,
			"SET client_encoding = 'UTF8'", 0, NULL, NULL,
			"probing", e) < 0 ||
	    pgutil_exec((struct pg_conn *)p->c, "SET DateStyle = ISO, YMD", 0,
			NULL, NULL, "probing", e) < 0) {
		pp_close(&p->base);
		return NULL;
	}
	return &p->base;
}
