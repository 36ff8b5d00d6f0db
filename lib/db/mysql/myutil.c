#include "db/mysql/myutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/schema.h"

/* Append `name` quoted as a MySQL identifier: backticks, doubled inside. */
int myutil_connect(MYSQL *conn, const struct uri *u, const char *defaults_file,
		   unsigned connect_timeout, unsigned read_timeout,
		   unsigned long flags, struct err *e)
{
	unsigned long max_packet = 1ul << 30;
	const char *password = u->password;

	mysql_options(conn, MYSQL_READ_DEFAULT_GROUP, "client");
	if (defaults_file)
		mysql_options(conn, MYSQL_READ_DEFAULT_FILE, defaults_file);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
	if (connect_timeout)
		mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT,
			      &connect_timeout);
	if (read_timeout) {
		mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
		mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &read_timeout);
	}
	if (!password)
		password = getenv("FERRY_MYSQL_PASSWORD");
	if (!mysql_real_connect(
		conn, u->host, u->user, password, u->db, u->port, u->socket,
		flags & ~(unsigned long)CLIENT_MULTI_STATEMENTS))
		return err_set(e, ERR_DB, "cannot connect to %s: %s",
			       u->display, mysql_error(conn));
	/* every statement alone: whatever an option file asked for, the
	 * server refuses a string of several */
	if (mysql_set_server_option(conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF))
		return err_set(e, ERR_DB,
			       "%s: turning multiple statements off: %s",
			       u->display, mysql_error(conn));
	return 0;
}

int myutil_collation_word(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

int myutil_quote_ident(struct buf *b, const char *name, struct err *e)
{
	if (buf_addc(b, '`', e) < 0)
		return -1;
	for (const char *p = name; *p; p++)
		if ((*p == '`' && buf_addc(b, '`', e) < 0) ||
		    buf_addc(b, (unsigned char)*p, e) < 0)
			return -1;
	return buf_addc(b, '`', e);
}

/* the statement's error as ERR_DB; one without a message says its
 * number (and the connection's message), never nothing */
static int stmt_err(MYSQL_STMT *st, struct err *e)
{
	if (*mysql_stmt_error(st))
		return err_set(e, ERR_DB, "%s", mysql_stmt_error(st));
	return err_set(e, ERR_DB,
		       "a statement failed with error %u and no message",
		       mysql_stmt_errno(st));
}

int myutil_select(MYSQL *conn, const char *sql, const char *const *params,
		  unsigned nparams, unsigned ncols, myutil_row_fn fn, void *ctx,
		  struct err *e)
{
	MYSQL_STMT *st = mysql_stmt_init(conn);
	MYSQL_BIND pb[MYUTIL_MAX_COLS], rb[MYUTIL_MAX_COLS];
	unsigned long plen[MYUTIL_MAX_COLS], rlen[MYUTIL_MAX_COLS];
	__typeof__(*rb[0].is_null) rnull[MYUTIL_MAX_COLS];
	char *vals[MYUTIL_MAX_COLS] = { 0 };
	size_t caps[MYUTIL_MAX_COLS], lens[MYUTIL_MAX_COLS];
	int rc = -1, f;

	if (nparams > MYUTIL_MAX_COLS || ncols > MYUTIL_MAX_COLS) {
		if (st)
			mysql_stmt_close(st);
		return err_set(e, ERR_SYSTEM,
			       "internal error: a query of %u columns", ncols);
	}
	if (!st)
		return err_oom(e);
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		stmt_err(st, e);
		goto out;
	}
	memset(pb, 0, sizeof(pb));
	for (unsigned i = 0; i < nparams; i++) {
		plen[i] = strlen(params[i]);
		pb[i].buffer_type = MYSQL_TYPE_STRING;
		pb[i].buffer = (void *)params[i];
		pb[i].buffer_length = plen[i];
		pb[i].length = &plen[i];
	}
	if ((nparams && mysql_stmt_bind_param(st, pb)) ||
	    mysql_stmt_execute(st)) {
		stmt_err(st, e);
		goto out;
	}
	memset(rb, 0, sizeof(rb));
	for (unsigned i = 0; i < ncols; i++) {
		caps[i] = 256;
		if (!(vals[i] = malloc(caps[i] + 1))) {
			err_oom(e);
			goto out;
		}
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = vals[i];
		rb[i].buffer_length = caps[i];
		rb[i].length = &rlen[i];
		rb[i].is_null = &rnull[i];
	}
	if (mysql_stmt_bind_result(st, rb)) {
		stmt_err(st, e);
		goto out;
	}
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		char *row[MYUTIL_MAX_COLS];
		for (unsigned i = 0; i < ncols; i++) {
			if (rnull[i]) {
				row[i] = NULL;
				lens[i] = 0;
				continue;
			}
			if (rlen[i] > caps[i]) {
				/* fetch the whole value into a bigger buffer */
				char *nv = realloc(vals[i], rlen[i] + 1);
				if (!nv) {
					err_oom(e);
					goto out;
				}
				vals[i] = nv;
				caps[i] = rlen[i];
				rb[i].buffer = vals[i];
				rb[i].buffer_length = caps[i];
				if (mysql_stmt_fetch_column(st, &rb[i], i, 0)) {
					err_set(e, ERR_DB, "%s",
						mysql_stmt_error(st));
					goto out;
				}
			}
			vals[i][rlen[i]] = '\0';
			row[i] = vals[i];
			lens[i] = rlen[i];
		}
		if (fn(ctx, row, lens, e) < 0)
			goto out;
		/* buffers may have moved: bind them again */
		if (mysql_stmt_bind_result(st, rb)) {
			stmt_err(st, e);
			goto out;
		}
	}
	if (f != MYSQL_NO_DATA) {
		if (*mysql_stmt_error(st))
			stmt_err(st, e);
		else
			err_set(e, ERR_DB,
				"reading a result: fetch status %d, error %u "
				"without a message",
				f, mysql_stmt_errno(st));
		goto out;
	}
	rc = 0;
out:
	for (unsigned i = 0; i < ncols; i++)
		free(vals[i]);
	mysql_stmt_close(st);
	return rc;
}

int myutil_exec(MYSQL *conn, const char *sql, const char *const *params,
		unsigned nparams, struct err *e)
{
	MYSQL_STMT *st = mysql_stmt_init(conn);
	MYSQL_BIND b[MYUTIL_MAX_COLS];
	unsigned long len[MYUTIL_MAX_COLS];
	__typeof__(*b[0].is_null) isnull[MYUTIL_MAX_COLS];
	int rc = -1;

	if (!st)
		return err_oom(e);
	if (nparams > MYUTIL_MAX_COLS) {
		err_set(e, ERR_SYSTEM, "internal error: %u parameters",
			nparams);
		goto out;
	}
	memset(b, 0, sizeof(b));
	for (unsigned i = 0; i < nparams; i++) {
		isnull[i] = params[i] == NULL;
		len[i] = params[i] ? strlen(params[i]) : 0;
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = (void *)(params[i] ? params[i] : "");
		b[i].buffer_length = len[i];
		b[i].length = &len[i];
		b[i].is_null = &isnull[i];
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) ||
	    (nparams && mysql_stmt_bind_param(st, b)) ||
	    mysql_stmt_execute(st)) {
		stmt_err(st, e);
		goto out;
	}
	rc = 0;
out:
	mysql_stmt_close(st);
	return rc;
}

char *myutil_table_name(const char *name, struct err *e)
{
	char *sc, *tb, *out;

	if (schema_name_parse(name, &sc, &tb, e) < 0)
		return NULL;
	if (sc && strcmp(sc, "public") != 0) {
		size_t len = strlen(sc) + strlen(tb) + 2;
		if ((out = malloc(len)))
			snprintf(out, len, "%s.%s", sc, tb);
		free(tb);
	} else {
		out = tb;
	}
	free(sc);
	if (!out)
		err_oom(e);
	return out;
}

static int one_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)v;
	(void)lens;
	(void)e;
	*(int *)ctx = 1;
	return 0;
}

int myutil_table_exists(MYSQL *conn, const char *table, struct err *e)
{
	const char *p[1] = { table };
	int found = 0;

	if (myutil_select(conn,
			  "SELECT 1 FROM information_schema.TABLES "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
			  p, 1, 1, one_row, &found, e) < 0)
		return -1;
	return found;
}
