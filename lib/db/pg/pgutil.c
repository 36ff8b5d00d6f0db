#include "db/pg/pgutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/schema.h"

struct pg_conn *pgutil_connect(const char *conninfo, unsigned connect_timeout,
			       unsigned read_timeout)
{
	/* ours first: the keywords conninfo expands to come later and win */
	const char *keys[9], *vals[9];
	char ct[24], ut[24];
	int n = 0;

	if (connect_timeout) {
		snprintf(ct, sizeof(ct), "%u", connect_timeout);
		keys[n] = "connect_timeout";
		vals[n++] = ct;
	}
	if (read_timeout) {
		snprintf(ut, sizeof(ut), "%llu",
			 (unsigned long long)read_timeout * 1000);
		keys[n] = "keepalives";
		vals[n++] = "1";
		keys[n] = "keepalives_idle";
		vals[n++] = "60";
		keys[n] = "keepalives_interval";
		vals[n++] = "10";
		keys[n] = "keepalives_count";
		vals[n++] = "6";
		keys[n] = "tcp_user_timeout";
		vals[n++] = ut;
	}
	keys[n] = "dbname";
	vals[n++] = conninfo;
	keys[n] = NULL;
	vals[n] = NULL;
	return (struct pg_conn *)PQconnectdbParams(keys, vals, 1);
}

/* Set ERR_DB "what: message" with the server's message on one line. */
int pgutil_msg(struct err *e, const char *what, const char *m)
{
	char line[ERR_MSG_MAX];
	size_t o = 0;

	for (; *m && o + 1 < sizeof(line); m++) {
		if (*m == '\n' || *m == '\r' || *m == '\t') {
			if (o && line[o - 1] != ' ')
				line[o++] = ' ';
			continue;
		}
		line[o++] = *m;
	}
	while (o && line[o - 1] == ' ')
		o--;
	line[o] = '\0';
	return err_set(e, ERR_DB, "%s: %s", what, line);
}

int pgutil_exec(struct pg_conn *c, const char *sql, int n,
		const char *const *params, struct pg_result **out,
		const char *what, struct err *e)
{
	PGconn *conn = (PGconn *)c;
	PGresult *r = n ? PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0)
			: PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *m = r ? PQresultErrorMessage(r) : "";
		pgutil_msg(e, what, *m ? m : PQerrorMessage(conn));
		PQclear(r);
		return -1;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return 0;
}

/* Append name quoted as a PostgreSQL identifier. */
int pgutil_quote_ident(struct buf *b, const char *name, size_t len,
		       struct err *e)
{
	if (buf_addc(b, '"', e) < 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((name[i] == '"' && buf_addc(b, '"', e) < 0) ||
		    buf_addc(b, (unsigned char)name[i], e) < 0)
			return -1;
	return buf_addc(b, '"', e);
}

int pgutil_quote_literal(struct buf *b, const char *s, size_t len,
			 struct err *e)
{
	if ((memchr(s, '\\', len) && buf_addc(b, 'E', e) < 0) ||
	    buf_addc(b, '\'', e) < 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (((s[i] == '\'' || s[i] == '\\') &&
		     buf_addc(b, (unsigned char)s[i], e) < 0) ||
		    buf_addc(b, (unsigned char)s[i], e) < 0)
			return -1;
	return buf_addc(b, '\'', e);
}

int pgutil_quote_table(struct buf *b, const char *schema, const char *table,
		       struct err *e)
{
	const char *sc = schema ? schema : "public";

	if (pgutil_quote_ident(b, sc, strlen(sc), e) < 0 ||
	    buf_addc(b, '.', e) < 0)
		return -1;
	return pgutil_quote_ident(b, table, strlen(table), e);
}

int pgutil_parse_name(const char *name, char **schema, char **table,
		      struct err *e)
{
	if (schema_name_parse(name, schema, table, e) < 0)
		return -1;
	if (!*schema && !(*schema = strdup("public"))) {
		free(*table);
		*table = NULL;
		return err_oom(e);
	}
	return 0;
}

int pgutil_table_oid(struct pg_conn *conn, const char *schema,
		     const char *table, const char *kinds, char oid[16],
		     struct err *e)
{
	const char *vals[3] = { schema, table, kinds };
	PGresult *r = PQexecParams(
	    (PGconn *)conn,
	    "SELECT c.oid FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname = $1 AND c.relname = $2 "
	    "AND strpos($3, c.relkind::text) > 0",
	    3, NULL, vals, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pgutil_msg(e, "reading the catalog",
				r ? PQresultErrorMessage(r)
				  : PQerrorMessage((PGconn *)conn));
	} else if (PQntuples(r) == 1) {
		snprintf(oid, 16, "%s", PQgetvalue(r, 0, 0));
		rc = 1;
	}
	PQclear(r);
	return rc;
}

int pgutil_seq_unused(struct pg_conn *conn, const char *schema,
		      const char *name, long long *next, struct err *e)
{
	struct buf q;
	PGresult *r;
	int rc = -1;

	buf_init(&q, 1u << 16);
	if (buf_adds(&q, "SELECT last_value, is_called FROM ", e) < 0 ||
	    pgutil_quote_table(&q, schema, name, e) < 0)
		goto out;
	r = PQexecParams((PGconn *)conn, (char *)q.data, 0, NULL, NULL, NULL,
			 NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pgutil_msg(e, "reading a sequence",
				r ? PQresultErrorMessage(r)
				  : PQerrorMessage((PGconn *)conn));
	} else {
		rc = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), "f") == 0;
		if (rc)
			*next = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	}
	PQclear(r);
out:
	buf_release(&q);
	return rc;
}

int pgutil_parse_uri(const char *s, struct uri *u, struct err *e)
{
	PQconninfoOption *opts, *o;
	char *msg = NULL;
	const char *user = NULL, *host = NULL, *port = NULL, *db = NULL;
	struct buf d;

	u->engine = URI_PG;
	if (!(u->conninfo = strdup(s)))
		return err_oom(e);
	opts = PQconninfoParse(s, &msg);
	if (!opts) {
		size_t n = msg ? strlen(msg) : 0;
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		err_set(e, ERR_USAGE, "bad connection string: %s",
			msg ? msg : "out of memory");
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0)
			u->password_in_uri = 1;
		else if (strcmp(o->keyword, "user") == 0)
			user = o->val;
		else if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	buf_init(&d, 8192);
	if (buf_addf(&d, e, "postgres://%s%s%s%s%s/%s", user ? user : "",
		     user ? "@" : "", host && host[0] != '/' ? host : "",
		     port ? ":" : "", port ? port : "", db ? db : "") < 0 ||
	    (host && host[0] == '/' && buf_addf(&d, e, "?host=%s", host) < 0)) {
		buf_release(&d);
		PQconninfoFree(opts);
		return -1;
	}
	u->display = (char *)d.data;
	PQconninfoFree(opts);
	return 0;
}

/* "a", "b" of the columns cols (n of them) of the table, quoted, as
 * PostgreSQL names them */
int pgutil_quote_cols(char *const *names, struct buf *q, const size_t *cols,
		      size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *nm = names[cols[i]];
		if ((i && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_ident(q, nm, strlen(nm), e) < 0)
			return -1;
	}
	return 0;
}
