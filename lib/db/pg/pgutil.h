/*
 * pgutil - what ferry's PostgreSQL source and sink share: connecting, the
 * server's messages on one line, and identifier quoting.
 */
#ifndef FERRY_PGUTIL_H
#define FERRY_PGUTIL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/uri.h"

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

/*
 * Run one statement sql on c, with n bound parameters (n 0: the simple
 * protocol, which a replication connection takes alone): 0, and the
 * result in *out when out is not NULL (the caller PQclears it); -1 with
 * ERR_DB "what: the server's message".
 */
struct pg_result;
int pgutil_exec(struct pg_conn *c, const char *sql, int n,
		const char *const *params, struct pg_result **out,
		const char *what, struct err *e);

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

/* "a", "b": names[cols[0..n)], each quoted as an identifier */
int pgutil_quote_cols(char *const *names, struct buf *q, const size_t *cols,
		      size_t n, struct err *e);
/* Append "schema"."table", each part quoted; schema NULL is public (ferry
 * never leaves a table to search_path). */
int pgutil_quote_table(struct buf *b, const char *schema, const char *table,
		       struct err *e);

/*
 * The table that name (ferry's name syntax, schema.h) means on PostgreSQL:
 * *schema and *table, malloc'd, the caller frees both; a name without a
 * schema is in public, whatever search_path says, so that every tool and
 * every run reads a name as the same table.  -1 with ERR_USAGE.
 */
int pgutil_parse_name(const char *name, char **schema, char **table,
		      struct err *e);

/*
 * Find table in schema (matched exactly, as bound parameters) among the
 * relations of the kinds in `kinds` (pg_class.relkind letters, "rp" for
 * tables): 1 and its oid as text in oid[0..16), 0 when there is none, -1
 * with ERR_DB.
 */
int pgutil_table_oid(struct pg_conn *conn, const char *schema,
		     const char *table, const char *kinds, char oid[16],
		     struct err *e);
/* every relkind: a name any relation of the schema holds */
#define PGUTIL_ANY_RELKIND "rivSmtcfpI"


/*
 * A sequence (schema.name, quoted) no nextval has taken from since it was
 * made or restarted, for which pg_sequence_last_value() is NULL: 1 with
 * *next its last_value, the value it gives next; 0 when one has; -1 with
 * ERR_DB.
 */
int pgutil_seq_unused(struct pg_conn *conn, const char *schema,
		      const char *name, long long *next, struct err *e);

/*
 * A postgres:// URI or key=value conninfo, read by libpq's own parser into
 * u (engine URI_PG, conninfo a copy of s, display without the password).
 * -1 with ERR_USAGE naming what libpq refused.
 */
int pgutil_parse_uri(const char *s, struct uri *u, struct err *e);

#endif
