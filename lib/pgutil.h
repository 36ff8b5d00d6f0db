/*
 * pgutil - what ferry's PostgreSQL source and sink share: connecting, the
 * server's messages on one line, and identifier quoting.
 */
#ifndef FERRY_PGUTIL_H
#define FERRY_PGUTIL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct pg_conn;

/*
 * Connect with conninfo (a URI or key=value pairs), giving up after
 * connect_timeout seconds (0: libpq's default, wait), and with TCP
 * keepalives and tcp_user_timeout of read_timeout seconds (0: none), so
 * that a server that vanished is noticed; what conninfo says itself wins.
 * The connection, to check with PQstatus; NULL when out of memory.
 */
struct pg_conn *pgutil_connect(const char *conninfo, unsigned connect_timeout,
			       unsigned read_timeout);

/* Set ERR_DB "what: message" with the server's message m on one line;
 * returns -1. */
int pgutil_msg(struct err *e, const char *what, const char *m);

/* Append name[0..len) quoted as an identifier ("", doubled inside). */
int pgutil_quote_ident(struct buf *b, const char *name, size_t len,
		       struct err *e);

/*
 * Append s[0..len) as a string literal that reads the same whatever
 * standard_conforming_strings says, as PQescapeLiteral writes it but
 * without a connection: '...' with quotes doubled, or E'...' with
 * quotes and backslashes doubled when s holds a backslash.  s is UTF-8
 * (ferry's client encoding, where no byte of a multi-byte character is a
 * quote or a backslash) without NUL.
 */
int pgutil_quote_literal(struct buf *b, const char *s, size_t len,
			 struct err *e);

/* Append schema.table (split at the first dot) or table, quoted. */
int pgutil_quote_table(struct buf *b, const char *name, struct err *e);

#endif
