/*
 * sink_pg - the PostgreSQL sink (db/sink.h), opened through sink_open():
 * here what it builds without a connection.
 *
 * The DDL of --create, built from stream table t without a connection
 * (ferry-load runs each statement alone; tests/fuzz/fuzz-ddl.c checks
 * them).  Each appends one statement, without ';', to q; PostgreSQL's
 * take the names from pn (pgname_table_init, and pgname_table_indexes for
 * indexes), MySQL's `target` the table's name.  Text of the
 * stream reaches it only as a quoted identifier (a name) or a quoted
 * literal (an enum label); types come from the engine's own table of
 * types, numbers printed by ferry.  -1 with e set: ERR_STREAM "column c:
 * ..." for a column whose type ferry will not create, else ERR_SYSTEM.
 */
#ifndef FERRY_SINK_PG_H
#define FERRY_SINK_PG_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/pg/pgname.h"
#include "stream/schema.h"

/* CREATE TABLE with NOT NULL and an enum column of the type pn->enums
 * names (pgname_table_enums; the load makes it first, sink_pg_ddl_enum),
 * else, or with PG_DDL_ENUM_CHECK, text with its labels as CHECK (c IN
 * (...)); PostgreSQL types as ferry-load(1) lists them */
struct create_notes;
/* ... with identities and defaults where PostgreSQL has their like; what
 * it leaves out goes to notes (db/engine.h; NULL: nowhere) */
#define PG_DDL_ENUM_CHECK 1 /* enums as text + CHECK (--enum-types check) */
#define PG_DDL_CI 2	    /* a MySQL _ci column gets COLLATE ferry_ci */
#define PG_DDL_CITEXT 4	    /* ... or (with PG_DDL_CI) the type citext */
#define PG_DDL_DOMAINS 8    /* a column of a domain is of that domain */
#define PG_DDL_POSTGIS 16   /* the target has PostGIS: spatial columns are
			     * geometry, not bytea */
int sink_pg_ddl_table(const struct schema_table *t,
		      const struct pgname_table *pn, int flags, struct buf *q,
		      struct create_notes *notes, struct err *e);
/* whether column i of t is made of its composite type (a PostgreSQL
 * source's) */
int sink_pg_composite_column(const struct schema_table *t, size_t i);
/* CREATE TYPE of column c's composite type, each attribute's type parsed
 * against ferry's list (one that is not: ERR_STREAM, nothing made) */
int sink_pg_ddl_composite(const struct schema_column *c, struct buf *q,
			  struct err *e);
/* whether column c is made of its domain under flags (PG_DDL_DOMAINS) */
int sink_pg_domain_column(const struct schema_column *c, int flags);
/* CREATE DOMAIN of column i's domain: its base type (the column's), its
 * NOT NULL and the checks that translate (the others noted) */
int sink_pg_ddl_domain(const struct schema_table *t, size_t i,
		       const struct pgname_table *pn, struct buf *q,
		       struct create_notes *notes, struct err *e);
/* the collation ferry gives a MySQL source's case-insensitive text
 * column ("ferry_ci", or "ferry_ci_as" for an accent-sensitive one), or
 * NULL */
const char *sink_pg_ci_collation(const struct schema_column *c);
/* CREATE SCHEMA IF NOT EXISTS schema */
int sink_pg_ddl_schema(const char *schema, struct buf *q, struct err *e);
/* CREATE COLLATION IF NOT EXISTS schema.name, nondeterministic ICU */
int sink_pg_ddl_collation(const char *schema, const char *name, struct buf *q,
			  struct err *e);
/* CREATE TYPE schema.name AS ENUM of column col's labels, in pn's schema */
int sink_pg_ddl_enum(const struct schema_table *t,
		     const struct pgname_table *pn, size_t col,
		     const char *name, struct buf *q, struct err *e);
/* ALTER TABLE ... ADD PRIMARY KEY; nothing when t has no key */
int sink_pg_ddl_primary_key(const struct schema_table *t,
			    const struct pgname_table *pn, struct buf *q,
			    struct err *e);
/* CREATE [UNIQUE] INDEX of t->indexes[x], named as pn->indexes[x] (after
 * pgname_table_indexes) */
int sink_pg_ddl_index(const struct schema_table *t,
		      const struct pgname_table *pn, size_t x, struct buf *q,
		      struct err *e);
/* CREATE [UNIQUE] INDEX of t->xindexes[x] on its expressions, WHERE its
 * predicate: 1 with q set; 0 when one of them does not translate (a
 * note names it); -1 out of memory */
/* CREATE TABLE of partition k of a partitioned t (t->partition), in the
 * table's schema, PARTITION OF it FOR VALUES ... (each value a quoted
 * literal, read by PostgreSQL as the key column's type) */
int sink_pg_ddl_partition(const struct schema_table *t,
			  const struct pgname_table *pn, size_t k, struct buf *q,
			  struct err *e);
int sink_pg_ddl_xindex(const struct schema_table *t,
		       const struct pgname_table *pn, size_t x, int flags,
		       struct buf *q, struct create_notes *notes,
		       struct err *e);

#endif
