/*
 * myutil - what ferry's MySQL/MariaDB source and sink share: identifier
 * quoting and catalog queries through prepared statements, so that
 * values always travel as bound parameters.
 */
#ifndef FERRY_MYUTIL_H
#define FERRY_MYUTIL_H

#include <mysql.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define MYUTIL_MAX_COLS 8

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

#endif
