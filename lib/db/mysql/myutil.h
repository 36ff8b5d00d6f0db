/*
 * myutil - what ferry's MySQL/MariaDB source and sink share: connecting,
 * identifier quoting and catalog queries through prepared statements, so
 * that values always travel as bound parameters.
 */
#ifndef FERRY_MYUTIL_H
#define FERRY_MYUTIL_H

#include <mysql.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/uri.h"

#define MYUTIL_MAX_COLS 32

/*
 * Connect conn (from mysql_init, with any option of the caller's own
 * already set) to u as every ferry connection does: the [client] group of
 * the option files and defaults_file (or NULL), utf8mb4, packets up to
 * 1 GiB, connect_timeout and read_timeout in seconds (0: the library's
 * default), the password from u or FERRY_MYSQL_PASSWORD, and client
 * flags `flags`.  Never with multiple statements: CLIENT_MULTI_STATEMENTS
 * is taken out of flags and the server is told to refuse them, so each
 * query is one statement.  0, or -1 with ERR_DB naming the server.
 */
int myutil_connect(MYSQL *conn, const struct uri *u, const char *defaults_file,
		   unsigned connect_timeout, unsigned read_timeout,
		   unsigned long flags, struct err *e);

/* 1 when s may stand in SQL as a collation name as it is: 1 to 64 of
 * [a-z0-9_] */
int myutil_collation_word(const char *s);

/* MySQL's name of a table in ferry's name syntax: "app.t" for one of
 * schema app (not public), else its own name; malloc'd, NULL on oom or a
 * bad name (e set) */
char *myutil_table_name(const char *name, struct err *e);

/* Whether the database holds a table or view named `table` (MySQL's
 * name): 1, 0, or -1 with ERR_DB */
int myutil_table_exists(MYSQL *conn, const char *table, struct err *e);

/* Append `name` quoted as a MySQL identifier: backticks, doubled inside. */
int myutil_quote_ident(struct buf *b, const char *name, struct err *e);

/* Called per row with ncols values (NULL for SQL NULL) and their lengths;
 * -1 (e set) stops the query. */
typedef int (*myutil_row_fn)(void *ctx, char **vals, size_t *lens,
			     struct err *e);

/*
 * Run sql as a prepared statement with nparams string parameters (at most
 * MYUTIL_MAX_COLS) and call fn for each row of its ncols columns (at most
 * MYUTIL_MAX_COLS), values of any length fetched whole.  -1 with ERR_DB
 * and the server's message, or fn's error.
 */
int myutil_select(MYSQL *conn, const char *sql, const char *const *params,
		  unsigned nparams, unsigned ncols, myutil_row_fn fn, void *ctx,
		  struct err *e);

/* Run sql as a prepared statement with nparams string parameters (NULL:
 * SQL NULL; at most MYUTIL_MAX_COLS) and no result.  -1 with ERR_DB. */
int myutil_exec(MYSQL *conn, const char *sql, const char *const *params,
		unsigned nparams, struct err *e);

#endif
