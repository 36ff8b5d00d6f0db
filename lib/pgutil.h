/*
 * pgutil - what ferry's PostgreSQL source and sink share: the server's
 * messages on one line, and identifier quoting.
 */
#ifndef FERRY_PGUTIL_H
#define FERRY_PGUTIL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Set ERR_DB "what: message" with the server's message m on one line;
 * returns -1. */
int pgutil_msg(struct err *e, const char *what, const char *m);

/* Append name[0..len) quoted as an identifier ("", doubled inside). */
int pgutil_quote_ident(struct buf *b, const char *name, size_t len,
		       struct err *e);

/* Append schema.table (split at the first dot) or table, quoted. */
int pgutil_quote_table(struct buf *b, const char *name, struct err *e);

#endif
