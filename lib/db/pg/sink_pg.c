/*
 * sink_pg - write tables into PostgreSQL with COPY ... FROM STDIN: in
 * binary format when every column has a binary form for its target type
 * (pgbin.h), which spares the server the parsing of each value; else in
 * text format, the path psql's \copy takes, so that every target type
 * (also interval, inet, arrays and domains carried as text) reads a
 * value with its own input function.  One transaction per table (or per
 * --commit-every rows); a table ended early is rolled back.
 *
 * --create maps stream types to PostgreSQL types (see ferry-load(1)):
 *   bool boolean; int64 smallint/integer/bigint by the source's width;
 *   uint64 numeric(20,0); float64 real for a source float/real, else
 *   double precision; decimal numeric(p,s); text varchar(n) for a MySQL
 *   varchar/char(n), a PostgreSQL source's own type for PG -> PG, else
 *   text; bytes bytea; date, time, timestamp, timestamptz as themselves;
 *   json jsonb (json for a PostgreSQL json source); uuid; enum an enum
 *   type of its labels (make_enum), or text with a CHECK of them with
 *   --enum-types check.
 * The primary key is added after the rows.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/progress.h"
#include "db/loadfmt.h"
#include "db/pg/checkpoint_pg.h"
#include "db/pg/pgbin.h"
#include "db/pg/pgname.h"
#include "db/pg/pgutil.h"
#include "db/pg/sink_pg.h"
#include "db/rowbuf.h"
#include "db/sink_int.h"
#include "stream/objects.h"
#include "stream/sqlexpr.h"

#define PG_COPY_CHUNK (256u << 10)
#define PG_COPY_QUEUE 4 /* chunks waiting for the sender thread */

/*
 * A sender thread feeds COPY while the caller decodes and formats the next
 * rows: without it, the client's work and the server's took turns (each
 * at half a core), as libpq's blocking send waits for the server to drain
 * a socket buffer of a few hundred KiB.  Memory: PG_COPY_QUEUE + 2 chunks.
 */
struct copy_queue {
	pthread_t thread;
	int running;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct buf full[PG_COPY_QUEUE];
	size_t head, count; /* ring of filled chunks */
	struct buf spare[PG_COPY_QUEUE];
	size_t nspare;
	int stop;
	int failed; /* PQputCopyData failed; message in errmsg */
	char errmsg[ERR_MSG_MAX];
	PGconn *conn;
};

struct pg_sink {
	struct sink base;
	PGconn *conn;
	const struct schema_table *t;
	struct buf name;  /* the target, quoted */
	struct buf plain; /* the same, for pg_get_serial_sequence */
	char *tschema;	  /* the target's schema and table, unquoted */
	char *ttable;
	struct buf cols; /* "c1", "c2", ... */
	struct buf copy; /* rows waiting for PQputCopyData */
	struct copy_queue q;
	/* with rejects: the rows of the current sub-batch, kept to retry */
	struct rowbuf keep;
	struct buf lines; /* size_t start of each row's line in copy */
	uint64_t rejected;
	int *as_int;	      /* per column: bool written as 1/0 */
	unsigned char *bkind; /* per column: its enum pgbin_kind */
	unsigned char *gen;   /* per column: the target's is generated: it
			       * computes the value, which is not sent */
	size_t ngen;
	unsigned char *as_hex; /* per column: bytes into a PostGIS geometry,
				* written in bare hex */
	unsigned char *as_set; /* per column: a SET's 'a,b' into a text[]
				* column, written {"a","b"} */
	int binary;	      /* this table's COPY is binary */
	int in_copy;
	int in_tx;
	int created;
	int resumed; /* created by an earlier run whose keys are pending */
	/* the table was made or emptied in the transaction now open:
	 * COPY ... FREEZE may load it */
	int fresh;
	/* its schema, collations and types were made before its
	 * transaction (sink_opts shared_lock) */
	int shared_made;
	/* the names of the table and its columns (and, when it is made,
	 * its indexes) in PostgreSQL: the stream's, or for a name over 63
	 * bytes the one pgname.h gives it */
	struct pgname_table pn;
	/* the tables of this run: two that are one in PostgreSQL are
	 * refused (the second; the first is loaded by then) */
	struct pgname_run run;
	uint64_t rows, since_commit, commits;
	uint64_t deleted; /* delete mode */
	/* the target table's enabled user triggers, their tgenabled, and
	 * whether --triggers disable has them off now */
	char **trig;
	char *trig_on;
	size_t ntrig;
	int trig_off;
};

#define PGS(s) ((struct pg_sink *)(s))

static int add_primary_key(struct pg_sink *p, struct err *e);
static int exec_ok(struct pg_sink *p, const char *sql, struct err *e);
static int exec_refusable(struct pg_sink *p, const char *sql, const char *what,
			  uint64_t *ntuples, char *why, size_t whysz,
			  struct err *e);

/* the oid of the target, found by its schema ($1) and table ($2) as
 * bound parameters, never through search_path */
#define TARGET_OID                                                             \
	"(SELECT c.oid FROM pg_catalog.pg_class c "                            \
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "            \
	"WHERE n.nspname = $1 AND c.relname = $2)"

static int add_indexes(struct pg_sink *p, struct err *e);

/* Run one statement.  PQexecParams, not PQexec: the extended protocol
 * refuses a string of several statements, so none can ride along. */
static int exec_ok(struct pg_sink *p, const char *sql, struct err *e)
{
	PGresult *r = PQexecParams(p->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pgutil_msg(e, "query", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

/* What the schema holds under the name: 0 nothing, 1 an enum type with
 * exactly column c's labels in their order, 2 another type (or table). */
static int enum_found(struct pg_sink *p, const struct schema_column *c,
		      const char *name, struct err *e)
{
	const char *vals[2] = { p->tschema, name };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT t.typtype, e.enumlabel FROM pg_catalog.pg_type t "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	    "LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
	    "WHERE n.nspname = $1 AND t.typname = $2 "
	    "ORDER BY e.enumsortorder",
	    2, NULL, vals, NULL, NULL, 0);
	int rows, rc;
	size_t nl;
	char *const *labels = schema_enum_labels(c, &nl);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgutil_msg(e, "reading the catalog", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	rows = PQntuples(r);
	rc = rows ? 1 : 0;
	if (rows && (strcmp(PQgetvalue(r, 0, 0), "e") != 0 ||
		     (size_t)rows != nl))
		rc = 2;
	for (int k = 0; rc == 1 && k < rows; k++)
		if (strcmp(PQgetvalue(r, k, 1), labels[k]) != 0)
			rc = 2;
	PQclear(r);
	return rc;
}

/*
 * Give enum column col its type: the one pgname_table_enums named when
 * the schema has no type of that name or has it with the same labels in
 * the same order (a PostgreSQL source's type shared by tables, a rerun),
 * else the first of name_2, name_3, ... that is free or the same; made
 * when it is not there.  A name moved on is said (a note).
 */
static int make_enum(struct pg_sink *p, const struct schema_table *t,
		     size_t col, struct err *e)
{
	const struct schema_column *c = &t->cols[col];
	char *base = p->pn.enums[col], name[PGNAME_MAX + 1], q1[80], q2[80],
	     q3[80];
	struct buf q;
	int found = -1, rc = -1;

	snprintf(name, sizeof(name), "%s", base);
	for (unsigned k = 2; k <= 101; k++) {
		if ((found = enum_found(p, c, name, e)) < 0)
			return -1;
		if (found < 2 || k == 101)
			break;
		pgname_enum_next(base, k, name);
	}
	if (found == 2)
		return err_set(
		    e, ERR_USAGE,
		    "column %s: no free name for its enum type "
		    "(%s and its _2 to _100 are all other types)",
		    err_quote(q1, sizeof(q1), c->name, strlen(c->name), 60),
		    err_quote(q3, sizeof(q3), base, strlen(base), 70));
	if (strcmp(name, base) != 0) {
		if (create_notes_add(
			&p->base.notes, e,
			"column %s: its enum type is %s, as the schema has a "
			"type %s with other labels",
			err_quote(q1, sizeof(q1), c->name, strlen(c->name), 60),
			err_quote(q2, sizeof(q2), name, strlen(name), 70),
			err_quote(q3, sizeof(q3), base, strlen(base), 70)) < 0)
			return -1;
		free(p->pn.enums[col]);
		if (!(p->pn.enums[col] = strdup(name)))
			return err_oom(e);
	}
	if (found == 1)
		return 0;
	buf_init(&q, 1u << 24);
	if (sink_pg_ddl_enum(t, &p->pn, col, p->pn.enums[col], &q, e) == 0)
		rc = exec_ok(p, (char *)q.data, e);
	buf_release(&q);
	return rc;
}

/* Make the target's schema when it has none of that name (a PostgreSQL
 * source's table in schema app, say): one note names it. */
static int ensure_schema(struct pg_sink *p, const char *schema, struct err *e);

static int make_schema(struct pg_sink *p, struct err *e)
{
	char q1[80];
	int rc = ensure_schema(p, p->tschema, e);

	if (rc <= 0)
		return rc;
	return create_notes_add(
	    &p->base.notes, e, "schema %s: made, as the target had none",
	    err_quote(q1, sizeof(q1), p->tschema, strlen(p->tschema), 60));
}

/* schema made when the target has none of that name (CREATE SCHEMA IF NOT
 * EXISTS needs the database's CREATE right even when it is there): 1
 * made, 0 there, -1 */
static int ensure_schema(struct pg_sink *p, const char *schema, struct err *e)
{
	const char *vals[1] = { schema };
	PGresult *r = PQexecParams(p->conn,
				   "SELECT 1 FROM pg_catalog.pg_namespace "
				   "WHERE nspname = $1",
				   1, NULL, vals, NULL, NULL, 0);
	struct buf q;
	int rc, found;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pgutil_msg(e, "query", PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	found = PQntuples(r) > 0;
	PQclear(r);
	if (found)
		return 0;
	buf_init(&q, 1u << 20);
	rc = sink_pg_ddl_schema(schema, &q, e) < 0
		 ? -1
		 : exec_ok(p, (char *)q.data, e);
	buf_release(&q);
	return rc < 0 ? -1 : 1;
}

/* the citext extension, in the schema PostgreSQL gives it (the first
 * of the search path) unless the database has it: --case-insensitive
 * citext; it is trusted, so a role that may create in the database may
 * make it */
static int make_citext(struct pg_sink *p, struct err *e)
{
	if (exec_ok(p, "CREATE EXTENSION IF NOT EXISTS citext", e) < 0)
		return err_prefix(e, "making the citext extension "
				     "(--case-insensitive citext)");
	return 0;
}

/* column i's domain, or its composite type: the target's of that name,
 * or made (its schema too); a type of that name of another kind stops
 * the table */
static int make_domain(struct pg_sink *p, const struct schema_table *t,
		       size_t i, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	int comp = c->composite && !sink_pg_domain_column(c, PG_DDL_DOMAINS);
	const char *vals[2] = { comp ? c->composite->schema : c->domain->schema,
				comp ? c->composite->name : c->domain->name };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT ty.typtype FROM pg_catalog.pg_type ty "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace "
	    "WHERE n.nspname = $1 AND ty.typname = $2",
	    2, NULL, vals, NULL, NULL, 0);
	struct buf q;
	int rc = -1;
	char kind;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pgutil_msg(e, "looking for a domain",
				PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	kind = PQntuples(r) ? *PQgetvalue(r, 0, 0) : 0;
	PQclear(r);
	if (kind == (comp ? 'c' : 'd'))
		return 0; /* the target's, as it is */
	if (kind) {
		char q1[160];
		return err_set(e, ERR_USAGE,
			       "column %s: the target has a type %s that is "
			       "not a %s",
			       t->cols[i].name,
			       err_quote(q1, sizeof(q1), vals[1],
					 strlen(vals[1]), 60),
			       comp ? "composite type" : "domain");
	}
	if (ensure_schema(p, vals[0], e) < 0)
		return -1;
	buf_init(&q, 1u << 20);
	if ((comp ? sink_pg_ddl_composite(c, &q, e)
		  : sink_pg_ddl_domain(t, i, &p->pn, &q, &p->base.notes, e)) ==
	    0)
		rc = exec_ok(p, (char *)q.data, e);
	buf_release(&q);
	return rc;
}

/* 1 when the target has PostGIS's geometry type (on the search path, as
 * the CREATE TABLE finds it), 0 when not, -1 on error */
static int has_postgis(struct pg_sink *p, struct err *e)
{
	PGresult *r = PQexecParams(
	    p->conn, "SELECT to_regtype('geometry') IS NOT NULL", 0, NULL,
	    NULL, NULL, NULL, 0);
	int rc;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pgutil_msg(e, "looking for PostGIS",
				PQresultErrorMessage(r));
	else
		rc = *PQgetvalue(r, 0, 0) == 't';
	PQclear(r);
	return rc;
}

/* the sink_pg_ddl_table flags of a table this sink makes, or -1 */
static int ddl_flags(struct pg_sink *p, struct err *e)
{
	int flags = p->base.opts.enum_check ? PG_DDL_ENUM_CHECK : 0;

	if (!p->base.opts.case_sensitive)
		flags |= PG_DDL_CI;
	if (p->base.opts.citext)
		flags |= PG_DDL_CITEXT;
	flags |= PG_DDL_DOMAINS;
	switch (has_postgis(p, e)) {
	case -1: return -1;
	case 1: flags |= PG_DDL_POSTGIS; break;
	default: break;
	}
	return flags;
}

/*
 * What a table --create makes needs and other tables may share: its
 * schema, the collations (or citext) of its case-insensitive columns, its
 * enum types, domains and composite types.  A column refused stops the
 * table before any of them is made.
 */
static int create_shared(struct pg_sink *p, const struct schema_table *t,
			 int flags, struct err *e)
{
	struct buf q;
	int et = !(flags & PG_DDL_ENUM_CHECK);
	int rc = -1;

	buf_init(&q, 1u << 24);
	if ((et && pgname_table_enums(&p->pn, t, e) < 0) ||
	    sink_pg_ddl_table(t, &p->pn, flags, &q, NULL, e) < 0 ||
	    make_schema(p, e) < 0)
		goto out;
	/* the collations its case-insensitive columns need, or citext
	 * (theirs, or a PostgreSQL source's citext column's) */
	for (size_t i = 0, cit = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const char *ci =
		    flags & PG_DDL_CI ? sink_pg_ci_collation(c) : NULL;
		buf_reset(&q);
		if (!cit && ((ci && (flags & PG_DDL_CITEXT)) ||
			     (c->type == VALUE_TEXT && c->source_type &&
			      strcmp(c->source_type, "citext") == 0))) {
			if (make_citext(p, e) < 0)
				goto out;
			cit = 1;
		} else if (ci && !(flags & PG_DDL_CITEXT) &&
			   (sink_pg_ddl_collation(p->pn.schema, ci, &q, e) < 0 ||
			    exec_ok(p, (char *)q.data, e) < 0)) {
			goto out;
		}
	}
	for (size_t i = 0; et && i < t->ncols; i++)
		if (p->pn.enums[i] && make_enum(p, t, i, e) < 0)
			goto out;
	for (size_t i = 0; i < t->ncols; i++)
		if ((sink_pg_domain_column(&t->cols[i], flags) ||
		     sink_pg_composite_column(t, i)) &&
		    make_domain(p, t, i, e) < 0)
			goto out;
	rc = 0;
out:
	buf_release(&q);
	return rc;
}

/*
 * --parallel: the table's shared objects (create_shared) made outside its
 * transaction, each statement committed, under the run's lock: two
 * connections making one type would otherwise wait for each other's
 * commit and then fail.  A table that fails later leaves them behind; a
 * rerun takes them as they are.  Nothing when the target has the table.
 */
static int create_shared_first(struct pg_sink *p, const struct schema_table *t,
			       struct err *e)
{
	char oid[16];
	int rc, flags;

	if ((rc = pgutil_table_oid((struct pg_conn *)p->conn, p->tschema,
				   p->ttable, PGUTIL_ANY_RELKIND, oid, e)) != 0)
		return rc < 0 ? -1 : 0;
	if ((flags = ddl_flags(p, e)) < 0)
		return -1;
	pthread_mutex_lock(p->base.opts.shared_lock);
	rc = create_shared(p, t, flags, e);
	pthread_mutex_unlock(p->base.opts.shared_lock);
	p->shared_made = rc == 0;
	return rc;
}

/* Create the table: its statement is built first, so a column refused
 * stops the table before any of its DDL runs; then its schema, the
 * collations and enum types it needs (unless made first), and the
 * table. */
static int create_table(struct pg_sink *p, const struct schema_table *t,
			struct err *e)
{
	struct buf q;
	int rc = -1, flags = ddl_flags(p, e);

	buf_init(&q, 1u << 24);
	if (flags < 0 || (!p->shared_made && create_shared(p, t, flags, e) < 0))
		goto out;
	if (sink_pg_ddl_table(t, &p->pn, flags, &q, &p->base.notes, e) < 0)
		goto out;
	rc = exec_ok(p, (char *)q.data, e);
	/* its partitions, each a statement of its own */
	for (size_t k = 0; rc == 0 && t->partition && k < t->partition->nparts;
	     k++) {
		buf_reset(&q);
		rc = sink_pg_ddl_partition(t, &p->pn, k, &q, e) < 0
			 ? -1
			 : exec_ok(p, (char *)q.data, e);
	}
	/* the indexes on expressions come after the rows: what of them
	 * cannot be made is said now, with the table's other notes */
	for (size_t x = 0; rc == 0 && !p->base.opts.no_indexes &&
			   p->pn.indexes && x < t->nxindexes;
	     x++) {
		buf_reset(&q);
		if (sink_pg_ddl_xindex(t, &p->pn, x, flags, &q, &p->base.notes,
				       e) < 0)
			rc = -1;
	}
out:
	buf_release(&q);
	return rc;
}

/* Read the target's columns: every stream column must be there. */
static int check_columns(struct pg_sink *p, const struct schema_table *t,
			 int *exists, struct err *e)
{
	const char *vals[2] = { p->tschema, p->ttable };
	PGresult *r =
	    PQexecParams(p->conn,
			 "SELECT a.attname, t.typname, t.typtype, "
			 "a.attgenerated <> '' "
			 "FROM pg_attribute a "
			 "JOIN pg_type t ON t.oid = a.atttypid "
			 "WHERE a.attrelid = " TARGET_OID " AND a.attnum > 0 "
			 "AND NOT a.attisdropped",
			 2, NULL, vals, NULL, NULL, 0);
	int rows;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgutil_msg(e, "reading the catalog", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	rows = PQntuples(r);
	*exists = rows > 0;
	p->ngen = 0;
	for (size_t i = 0; rows > 0 && i < t->ncols; i++) {
		int found = 0;
		for (int k = 0; k < rows && !found; k++)
			if (strcmp(PQgetvalue(r, k, 0), p->pn.cols[i]) == 0) {
				found = 1;
				p->gen[i] = *PQgetvalue(r, k, 3) == 't';
				p->ngen += p->gen[i];
				p->as_hex[i] =
				    t->cols[i].type == VALUE_BYTES &&
				    strcmp(PQgetvalue(r, k, 1), "geometry") ==
					0;
				p->as_set[i] =
				    t->cols[i].nset &&
				    (strcmp(PQgetvalue(r, k, 1), "_text") == 0 ||
				     strcmp(PQgetvalue(r, k, 1), "_varchar") ==
					 0);
				p->as_int[i] =
				    t->cols[i].type == VALUE_BOOL &&
				    strcmp(PQgetvalue(r, k, 1), "bool") != 0;
				p->bkind[i] = (unsigned char)pgbin_kind(
				    t->cols[i].type, PQgetvalue(r, k, 1),
				    PQgetvalue(r, k, 2)[0]);
			}
		if (!found) {
			/* named quoted, public left out, as ever */
			const char *q = (const char *)p->name.data;
			if (strcmp(p->tschema, "public") == 0)
				q += strlen("\"public\".");
			if (strcmp(p->pn.cols[i], t->cols[i].name) != 0)
				err_set(e, ERR_USAGE,
					"table %s has no column %s (%s: "
					"PostgreSQL keeps 63 bytes of a name)",
					q, t->cols[i].name, p->pn.cols[i]);
			else
				err_set(e, ERR_USAGE,
					"table %s has no column %s", q,
					t->cols[i].name);
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	/* the columns rows are sent to: all but the generated ones */
	buf_reset(&p->cols);
	for (size_t i = 0, n = 0; *exists && i < t->ncols; i++)
		if (!p->gen[i] &&
		    ((n++ && buf_adds(&p->cols, ", ", e) < 0) ||
		     pgutil_quote_ident(&p->cols, p->pn.cols[i],
					strlen(p->pn.cols[i]), e) < 0))
			return -1;
	return 0;
}

static void *sender_main(void *arg)
{
	struct copy_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct buf chunk;

		while (!q->count && !q->stop)
			pthread_cond_wait(&q->changed, &q->lock);
		if (!q->count)
			break;
		chunk = q->full[q->head];
		q->head = (q->head + 1) % PG_COPY_QUEUE;
		q->count--;
		pthread_mutex_unlock(&q->lock);
		if (!q->failed && chunk.len &&
		    PQputCopyData(q->conn, (char *)chunk.data,
				  (int)chunk.len) != 1) {
			snprintf(q->errmsg, sizeof(q->errmsg), "%s",
				 PQerrorMessage(q->conn));
			q->failed = 1;
		}
		pthread_mutex_lock(&q->lock);
		buf_reset(&chunk);
		q->spare[q->nspare++] = chunk;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static int sender_start(struct pg_sink *p, struct err *e)
{
	struct copy_queue *q = &p->q;

	q->head = q->count = 0;
	q->stop = q->failed = 0;
	q->conn = p->conn;
	if (pthread_create(&q->thread, NULL, sender_main, q) != 0)
		return err_set(e, ERR_SYSTEM, "cannot start the COPY thread");
	q->running = 1;
	return 0;
}

/* Hand the chunk in hand to the sender; take an empty one back. */
static int sender_push(struct pg_sink *p, struct err *e)
{
	struct copy_queue *q = &p->q;
	int failed;

	if (!p->copy.len)
		return 0;
	pthread_mutex_lock(&q->lock);
	while (q->count == PG_COPY_QUEUE || (!q->nspare && !q->failed))
		pthread_cond_wait(&q->changed, &q->lock);
	failed = q->failed;
	if (!failed) {
		q->full[(q->head + q->count) % PG_COPY_QUEUE] = p->copy;
		q->count++;
		p->copy = q->spare[--q->nspare];
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	if (failed)
		return pgutil_msg(e, "COPY", q->errmsg);
	return 0;
}

/* Send what is queued and stop the thread: the connection is ours again. */
static int sender_stop(struct pg_sink *p, struct err *e)
{
	struct copy_queue *q = &p->q;

	if (!q->running)
		return 0;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	q->running = 0;
	if (q->failed)
		return pgutil_msg(e, "COPY", q->errmsg);
	return 0;
}

/*
 * Delete mode: the keys go into a temporary table of the target's key
 * columns (their types, so that COPY reads each value as the target
 * would), dropped at the commit.
 */
static int create_key_stage(struct pg_sink *p, struct err *e)
{
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q,
		     "CREATE TEMP TABLE ferry_stage ON COMMIT DROP AS "
		     "SELECT ",
		     e) < 0 ||
	    buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, " FROM ", e) < 0 ||
	    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
	    buf_adds(&q, " WITH NO DATA", e) < 0)
		goto out;
	rc = exec_ok(p, (char *)q.data, e);
out:
	buf_release(&q);
	return rc;
}

/* Delete mode: delete the rows whose keys are staged, count them, and drop
 * the stage (start_copy makes a new one after a --commit-every commit).
 * With why: 1 when the server refuses it for the rows' own fault (a row
 * another refers to), why set. */
static int delete_staged(struct pg_sink *p, char *why, size_t whysz,
			 struct err *e)
{
	const struct schema_table *t = p->t;
	struct buf q;
	uint64_t ndel = 0;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "DELETE FROM ", e) < 0 ||
	    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
	    buf_adds(&q, " AS ferry_t USING ferry_stage AS ferry_s WHERE ", e) <
		0)
		goto out;
	for (size_t i = 0, any = 0; i < t->ncols; i++) {
		const char *n = p->pn.cols[i];
		if (p->gen[i])
			continue;
		if ((any++ && buf_adds(&q, " AND ", e) < 0) ||
		    buf_adds(&q, "ferry_t.", e) < 0 ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0 ||
		    buf_adds(&q, " = ferry_s.", e) < 0 ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0)
			goto out;
	}
	rc = exec_refusable(p, (char *)q.data, "deleting the rows of the keys",
			    &ndel, why, whysz, e);
	if (rc != 0)
		goto out;
	p->deleted += ndel;
	rc = exec_ok(p, "DROP TABLE ferry_stage", e);
out:
	buf_release(&q);
	return rc;
}

/* Upsert mode: the temporary table the rows are staged in, LIKE the
 * target with its defaults, dropped at the commit */
static int create_upsert_stage(struct pg_sink *p, struct err *e)
{
	struct buf q;
	int rc;

	buf_init(&q, 1u << 20);
	rc = buf_adds(&q, "CREATE TEMP TABLE ferry_stage (LIKE ", e) < 0 ||
		     buf_add(&q, p->name.data, p->name.len, e) < 0 ||
		     buf_adds(&q, " INCLUDING DEFAULTS) ON COMMIT DROP", e) < 0
		 ? -1
		 : exec_ok(p, (char *)q.data, e);
	buf_release(&q);
	return rc;
}

static int start_copy(struct pg_sink *p, struct err *e)
{
	struct buf q;
	PGresult *r;
	int rc = -1, freeze;

	buf_init(&q, 1u << 24);
	if (p->base.opts.mode == SINK_DELETE) {
		if (create_key_stage(p, e) < 0 ||
		    buf_adds(&q, "COPY ferry_stage (", e) < 0)
			goto out;
	} else if (p->base.opts.mode == SINK_UPSERT) {
		if (create_upsert_stage(p, e) < 0 ||
		    buf_adds(&q, "COPY ferry_stage (", e) < 0)
			goto out;
	} else if (buf_adds(&q, "COPY ", e) < 0 ||
		   buf_add(&q, p->name.data, p->name.len, e) < 0 ||
		   buf_adds(&q, " (", e) < 0) {
		goto out;
	}
	/* rows made or emptied in this transaction go in frozen, as VACUUM
	 * would leave them: nothing for it to do after the load, no hint
	 * bits for the first reader to write.  Not into a partitioned
	 * table (PostgreSQL refuses it) */
	freeze = p->fresh && p->base.opts.mode != SINK_DELETE &&
		 p->base.opts.mode != SINK_UPSERT && !p->t->partition;
	if (buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, ") FROM STDIN", e) < 0 ||
	    ((p->binary || freeze) &&
	     buf_addf(&q, e, " WITH (%s%s%s)", p->binary ? "FORMAT binary" : "",
		      p->binary && freeze ? ", " : "",
		      freeze ? "FREEZE" : "") < 0))
		goto out;
	r = PQexec(p->conn, (char *)q.data);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		pgutil_msg(e, "COPY", PQresultErrorMessage(r));
		PQclear(r);
		goto out;
	}
	PQclear(r);
	p->in_copy = 1;
	if (p->binary && pgbin_header(&p->copy, e) < 0)
		goto out;
	rc = sender_start(p, e);
out:
	buf_release(&q);
	return rc;
}

/* End the COPY; its errors (a duplicate key, a bad value) come here. */
static int end_copy(struct pg_sink *p, struct err *e)
{
	PGresult *r;
	int rc = 0;

	if (!p->in_copy)
		return 0;
	if ((p->binary && pgbin_trailer(&p->copy, e) < 0) ||
	    sender_push(p, e) < 0 || sender_stop(p, e) < 0)
		return -1;
	p->in_copy = 0;
	if (PQputCopyEnd(p->conn, NULL) != 1)
		return pgutil_msg(e, "COPY", PQerrorMessage(p->conn));
	while ((r = PQgetResult(p->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
			rc = pgutil_msg(e, "COPY", PQresultErrorMessage(r));
		PQclear(r);
	}
	return rc;
}

/* upsert: move the staged rows into the table (with why: 1 when the
 * server refuses them for their own fault, why set) */
static int merge_stage(struct pg_sink *p, char *why, size_t whysz,
		       struct err *e)
{
	const struct schema_table *t = p->t;
	struct buf q;
	int rc = -1, any = 0;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "INSERT INTO ", e) < 0 ||
	    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
	    buf_adds(&q, " (", e) < 0 ||
	    buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, ") OVERRIDING SYSTEM VALUE SELECT ", e) < 0 ||
	    buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, " FROM ferry_stage ON CONFLICT (", e) < 0)
		goto out;
	if (pgutil_quote_cols(p->pn.cols, &q, t->pk, t->npk, e) < 0)
		goto out;
	if (buf_adds(&q, ") DO UPDATE SET ", e) < 0)
		goto out;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *n = p->pn.cols[i];
		int key = 0;
		for (size_t k = 0; k < t->npk; k++)
			key |= t->pk[k] == i;
		if (key || p->gen[i])
			continue;
		if ((any && buf_adds(&q, ", ", e) < 0) ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0 ||
		    buf_adds(&q, " = EXCLUDED.", e) < 0 ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0)
			goto out;
		any = 1;
	}
	if (!any) { /* only key columns: nothing to update */
		char *at = strstr((char *)q.data, ") DO UPDATE SET ");
		q.len = (size_t)(at - (char *)q.data);
		if (buf_adds(&q, ") DO NOTHING", e) < 0)
			goto out;
	}
	if ((rc = exec_refusable(p, (char *)q.data, "merging the rows", NULL,
				 why, whysz, e)) != 0)
		goto out;
	rc = exec_ok(p, "DROP TABLE ferry_stage", e);
out:
	buf_release(&q);
	return rc;
}

/* rows per COPY when refused rows are set aside: one failure costs a
 * retry of this many rows one by one */
#define PG_REJECT_BATCH 1000

/* the server's reason, one line, without the "ERROR:" in front */
static void reason_of(PGresult *r, PGconn *conn, char *out, size_t outsz)
{
	const char *m =
	    r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *d =
	    r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;

	if (!m)
		m = PQerrorMessage(conn);
	snprintf(out, outsz, "%s%s%s", m, d ? " " : "", d ? d : "");
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

/* only the row's own fault is a reject: a data exception (22) or an
 * integrity constraint (23); a deadlock, a lock timeout or a full disk
 * fail the table */
static int row_fault(const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return state &&
	       (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0);
}

/*
 * sql, inside the transaction: 0 when it went through (*ntuples, when
 * given, its row count), 1 when why is given and the server refused it for
 * the rows' own fault (why set), -1 else.
 */
static int exec_refusable(struct pg_sink *p, const char *sql, const char *what,
			  uint64_t *ntuples, char *why, size_t whysz,
			  struct err *e)
{
	PGresult *r = PQexecParams(p->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (ntuples)
			*ntuples = strtoull(PQcmdTuples(r), NULL, 10);
	} else if (why && row_fault(r)) {
		reason_of(r, p->conn, why, whysz);
		rc = 1;
	} else {
		rc = pgutil_msg(e, what, PQresultErrorMessage(r));
	}
	PQclear(r);
	return rc;
}

/*
 * One COPY of data[0..len) into the target, inside the transaction: 0 when
 * the server took it, 1 when it refused it (why set), -1 when the
 * connection failed.
 */
static int copy_sync(struct pg_sink *p, const char *into,
		     const unsigned char *data, size_t len, char *why,
		     size_t whysz, struct err *e)
{
	struct buf q;
	PGresult *r;
	int rc = 0;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "COPY ", e) < 0 ||
	    (into ? buf_adds(&q, into, e)
		  : buf_add(&q, p->name.data, p->name.len, e)) < 0 ||
	    buf_adds(&q, " (", e) < 0 ||
	    buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, ") FROM STDIN", e) < 0) {
		buf_release(&q);
		return -1;
	}
	r = PQexec(p->conn, (char *)q.data);
	buf_release(&q);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		pgutil_msg(e, "COPY", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if ((len &&
	     PQputCopyData(p->conn, (const char *)data, (int)len) != 1) ||
	    PQputCopyEnd(p->conn, NULL) != 1)
		return pgutil_msg(e, "COPY", PQerrorMessage(p->conn));
	while ((r = PQgetResult(p->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			if (row_fault(r)) {
				reason_of(r, p->conn, why, whysz);
				rc = 1;
			} else {
				rc = pgutil_msg(e, "COPY",
						PQresultErrorMessage(r));
			}
		}
		PQclear(r);
	}
	if (PQstatus(p->conn) != CONNECTION_OK)
		return pgutil_msg(e, "COPY", PQerrorMessage(p->conn));
	return rc;
}

/*
 * Upsert with rejects: ferry_seen holds the keys this load gave the table
 * so far, so that a key the stream holds twice is the second row's fault
 * (a duplicate key, as --check says and as the load without rejects
 * fails), not an update of the first: made at the table's beginning, kept
 * across --commit-every commits, dropped at its end.  `q` SQL: "CREATE",
 * "ADD" (the staged keys), "DROP".
 */
static int seen_keys(struct pg_sink *p, const char *q, char *why, size_t whysz,
		     struct err *e)
{
	const struct schema_table *t = p->t;
	struct buf s;
	int rc;

	if (strcmp(q, "DROP") == 0)
		return exec_ok(p, "DROP TABLE IF EXISTS pg_temp.ferry_seen", e);
	buf_init(&s, 1u << 20);
	if (strcmp(q, "CREATE") == 0) {
		rc = exec_ok(p, "DROP TABLE IF EXISTS pg_temp.ferry_seen", e) <
				     0 ||
			     buf_adds(&s, "CREATE TEMP TABLE ferry_seen AS SELECT ",
				      e) < 0 ||
			     pgutil_quote_cols(p->pn.cols, &s, t->pk, t->npk,
					       e) < 0 ||
			     buf_adds(&s, " FROM ", e) < 0 ||
			     buf_add(&s, p->name.data, p->name.len, e) < 0 ||
			     buf_adds(&s, " WITH NO DATA", e) < 0 ||
			     exec_ok(p, (char *)s.data, e) < 0
			 ? -1
			 : 0;
		buf_reset(&s);
		if (rc == 0)
			rc = buf_adds(&s, "ALTER TABLE ferry_seen ADD PRIMARY "
					  "KEY (",
				      e) < 0 ||
				     pgutil_quote_cols(p->pn.cols, &s, t->pk,
						       t->npk, e) < 0 ||
				     buf_addc(&s, ')', e) < 0
				 ? -1
				 : exec_ok(p, (char *)s.data, e);
	} else {
		rc = buf_adds(&s, "INSERT INTO ferry_seen SELECT ", e) < 0 ||
			     pgutil_quote_cols(p->pn.cols, &s, t->pk, t->npk,
					       e) < 0 ||
			     buf_adds(&s, " FROM ferry_stage", e) < 0
			 ? -1
			 : exec_refusable(p, (char *)s.data, "keeping the keys",
					  NULL, why, whysz, e);
	}
	buf_release(&s);
	return rc;
}

/* rows data[0..len) of the rows kept, applied as the mode says: copied
 * into the table, or staged and merged (upsert) or deleted by their keys
 * (delete); 0, 1 when the server refused them (why set), -1 */
static int apply_kept(struct pg_sink *p, const unsigned char *data,
		      size_t len, char *why, size_t whysz, struct err *e)
{
	int rc;

	switch (p->base.opts.mode) {
	case SINK_UPSERT:
		if ((rc = create_upsert_stage(p, e)) < 0 ||
		    (rc = copy_sync(p, "ferry_stage", data, len, why, whysz,
				    e)) != 0 ||
		    (rc = seen_keys(p, "ADD", why, whysz, e)) != 0)
			return rc;
		return merge_stage(p, why, whysz, e);
	case SINK_DELETE:
		if (create_key_stage(p, e) < 0)
			return -1;
		if ((rc = copy_sync(p, "ferry_stage", data, len, why, whysz,
				    e)) != 0)
			return rc;
		return delete_staged(p, why, whysz, e);
	default: return copy_sync(p, NULL, data, len, why, whysz, e);
	}
}

/* Write the kept rows; on a refusal, again one by one, rejecting those the
 * server refuses. */
static int flush_kept(struct pg_sink *p, struct err *e)
{
	const struct schema_table *t = p->t;
	size_t n = rowbuf_count(&p->keep);
	char why[ERR_MSG_MAX];
	int rc;

	if (!n)
		return 0;
	if (exec_ok(p, "SAVEPOINT ferry_batch", e) < 0)
		return -1;
	rc = apply_kept(p, p->copy.data, p->copy.len, why, sizeof(why), e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (exec_ok(p, "ROLLBACK TO SAVEPOINT ferry_batch", e) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			size_t a, b;
			memcpy(&a, p->lines.data + i * sizeof(size_t),
			       sizeof(a));
			if (i + 1 < n)
				memcpy(&b,
				       p->lines.data + (i + 1) * sizeof(size_t),
				       sizeof(b));
			else
				b = p->copy.len;
			if (exec_ok(p, "SAVEPOINT ferry_row", e) < 0)
				return -1;
			rc = apply_kept(p, p->copy.data + a, b - a, why,
					sizeof(why), e);
			if (rc < 0)
				return -1;
			if (rc == 1) {
				const struct value *row;
				if (exec_ok(p,
					    "ROLLBACK TO SAVEPOINT ferry_row",
					    e) < 0 ||
				    !(row = rowbuf_get(&p->keep, t, i, e)))
					return -1;
				p->rejected++;
				p->rows--;
				if (p->base.opts.reject(p->base.opts.reject_ctx,
							t, row, why, e) < 0)
					return -1;
			} else if (exec_ok(p, "RELEASE SAVEPOINT ferry_row",
					   e) < 0) {
				return -1;
			}
		}
	}
	if (exec_ok(p, "RELEASE SAVEPOINT ferry_batch", e) < 0)
		return -1;
	rowbuf_reset(&p->keep);
	buf_reset(&p->lines);
	buf_reset(&p->copy);
	return 0;
}

/* Delete mode: the stream's columns must be the target's primary key. */
static int check_key_only(struct pg_sink *p, const struct schema_table *t,
			  struct err *e)
{
	const char *vals[2] = { p->tschema, p->ttable };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON "
	    "a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
	    "WHERE i.indrelid = " TARGET_OID " AND i.indisprimary",
	    2, NULL, vals, NULL, NULL, 0);
	char **pk = NULL;
	int n, rc = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgutil_msg(e, "reading the primary key",
			   PQresultErrorMessage(r));
		goto out;
	}
	n = PQntuples(r);
	if (!(pk = calloc((size_t)n + 1, sizeof(*pk)))) {
		err_oom(e);
		goto out;
	}
	/* a key column over 63 bytes in the stream is its PostgreSQL name
	 * in the catalog: compared under the stream's */
	for (int i = 0; i < n; i++) {
		int c = pgname_column_index(t, PQgetvalue(r, i, 0));
		pk[i] =
		    c >= 0 && strcmp(p->pn.cols[c], PQgetvalue(r, i, 0)) == 0
			? t->cols[c].name
			: PQgetvalue(r, i, 0);
	}
	rc = sink_check_key_columns(t, pk, (size_t)n, 0, e);
out:
	free(pk);
	PQclear(r);
	return rc;
}

static void triggers_release(struct pg_sink *p)
{
	for (size_t i = 0; i < p->ntrig; i++)
		free(p->trig[i]);
	free(p->trig);
	free(p->trig_on);
	p->trig = NULL;
	p->trig_on = NULL;
	p->ntrig = 0;
	p->trig_off = 0;
}

/* the target table's enabled user triggers (not those of its foreign
 * keys, which are internal) into p->trig */
static int read_triggers(struct pg_sink *p, struct err *e)
{
	const char *vals[2] = { p->tschema, p->ttable };
	PGresult *r =
	    PQexecParams(p->conn,
			 "SELECT tgname, tgenabled FROM pg_catalog.pg_trigger "
			 "WHERE tgrelid = " TARGET_OID " AND NOT tgisinternal "
			 "AND tgenabled <> 'D' ORDER BY tgname",
			 2, NULL, vals, NULL, NULL, 0);
	int n;

	triggers_release(p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pgutil_msg(e, "reading the table's triggers",
				    PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	n = PQntuples(r);
	if (n && (!(p->trig = calloc((size_t)n, sizeof(*p->trig))) ||
		  !(p->trig_on = calloc((size_t)n, 1)))) {
		PQclear(r);
		return err_oom(e);
	}
	for (int i = 0; i < n; i++) {
		if (!(p->trig[i] = strdup(PQgetvalue(r, i, 0)))) {
			PQclear(r);
			return err_oom(e);
		}
		p->trig_on[i] = *PQgetvalue(r, i, 1);
		p->ntrig++;
	}
	PQclear(r);
	return 0;
}

/* --triggers disable: each trigger off (on = 0) or back as it was (on =
 * 1, ALWAYS and REPLICA kept), inside the current transaction, so that a
 * commit never leaves one off and a rollback puts it back */
static int triggers_set(struct pg_sink *p, int on, struct err *e)
{
	struct buf q;
	int rc = 0;

	if (p->base.opts.triggers != SINK_TRIGGERS_DISABLE || !p->ntrig ||
	    p->trig_off == !on)
		return 0;
	buf_init(&q, 1u << 20);
	for (size_t i = 0; i < p->ntrig && rc == 0; i++) {
		const char *how =
		    !on			   ? " DISABLE TRIGGER "
		    : p->trig_on[i] == 'A' ? " ENABLE ALWAYS TRIGGER "
		    : p->trig_on[i] == 'R' ? " ENABLE REPLICA TRIGGER "
					   : " ENABLE TRIGGER ";
		buf_reset(&q);
		rc = buf_adds(&q, "ALTER TABLE ", e) < 0 ||
			     buf_add(&q, p->name.data, p->name.len, e) < 0 ||
			     buf_adds(&q, how, e) < 0 ||
			     pgutil_quote_ident(&q, p->trig[i],
						strlen(p->trig[i]), e) < 0
			 ? -1
			 : exec_ok(p, (char *)q.data, e);
	}
	buf_release(&q);
	if (rc == 0)
		p->trig_off = !on;
	return rc;
}

/* an existing table's triggers, before a row or a TRUNCATE reaches it:
 * refused, turned off, or let fire, as --triggers says */
static int table_triggers(struct pg_sink *p, struct err *e)
{
	if (read_triggers(p, e) < 0)
		return -1;
	if (!p->ntrig || p->base.opts.triggers == SINK_TRIGGERS_FIRE)
		return 0;
	if (p->base.opts.triggers == SINK_TRIGGERS_REFUSE)
		return sink_triggers_refusal(e, p->trig, p->ntrig);
	return triggers_set(p, 0, e);
}

/* "does not exist", and the table the target holds under the same name
 * in another case, when there is one (see --keep-case) */
static int missing_table(struct pg_sink *p, const char *name, struct err *e)
{
	const char *vals[2] = { p->tschema, p->ttable };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT c.relname FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname = $1 AND lower(c.relname) = lower($2) "
	    "AND c.relkind IN ('r', 'p') ORDER BY c.relname LIMIT 1",
	    2, NULL, vals, NULL, NULL, 0);
	char near[120];

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		const char *n = PQgetvalue(r, 0, 0);
		err_quote(near, sizeof(near), n, strlen(n), 100);
		PQclear(r);
		return err_set(e, ERR_USAGE,
			       "table %s does not exist (use --create); the "
			       "target has \"%s\", a name that differs only in "
			       "case (see --keep-case)",
			       name, near);
	}
	PQclear(r);
	return err_set(e, ERR_USAGE, "table %s does not exist (use --create)",
		       name);
}

/* the schema of the target of stream table t named `name`, whose
 * names pn holds: fit holds it when it is fitted here */
static const char *target_schema(const struct pgname_table *pn,
				 const struct schema_table *t,
				 const char *name, char fit[PGNAME_MAX + 1])
{
	if (pn->schema)
		return pn->schema;
	if (t->schema && strcmp(name, t->name) == 0) {
		pgname_fit(t->schema, fit);
		return fit;
	}
	/* no schema (a MySQL source's table): public, as a bare name means
	 * everywhere in ferry, whatever search_path */
	return "public";
}

static int pg_fk_related(struct sink *s, const struct schema_table *t,
			 const char *name, struct err *e)
{
	struct pg_sink *p = PGS(s);
	struct pgname_table pn;
	char fit[PGNAME_MAX + 1];
	const char *vals[2];
	PGresult *r;
	int rc;

	if (pgname_table_init(&pn, t, name, e) < 0)
		return -1;
	vals[0] = target_schema(&pn, t, name, fit);
	vals[1] = pn.tname;
	r = PQexecParams(p->conn,
			 "SELECT 1 FROM pg_catalog.pg_constraint "
			 "WHERE contype = 'f' AND conrelid <> confrelid "
			 "AND " TARGET_OID " IN (conrelid, confrelid) LIMIT 1",
			 2, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pgutil_msg(e, "reading the catalog",
				PQresultErrorMessage(r));
	else
		rc = PQntuples(r) > 0;
	PQclear(r);
	pgname_table_release(&pn);
	return rc;
}

static int pg_claim_name(struct sink *s, const struct schema_table *t,
			 const char *name, struct err *e)
{
	struct pgname_table pn;
	int rc;

	if (pgname_table_init(&pn, t, name, e) < 0)
		return -1;
	rc = pgname_run_add(&PGS(s)->run, name, pn.table, e);
	pgname_table_release(&pn);
	return rc;
}

static int pg_begin_table(struct sink *s, const struct schema_table *t,
			  const char *name, struct err *e)
{
	struct pg_sink *p = PGS(s);
	char fit[PGNAME_MAX + 1];
	int exists = 0;

	p->t = t;
	s->renamed = NULL;
	s->nrenamed = 0;
	/* the names PostgreSQL holds, and their collisions, before a
	 * thing is written */
	pgname_table_release(&p->pn);
	if (pgname_table_init(&p->pn, t, name, e) < 0 ||
	    pgname_run_add(&p->run, name, p->pn.table, e) < 0)
		return -1;
	p->binary = 0;
	p->rows = p->since_commit = p->commits = p->deleted = 0;
	p->created = p->resumed = p->shared_made = 0;
	buf_reset(&p->name);
	buf_reset(&p->plain);
	buf_reset(&p->cols);
	buf_reset(&p->copy);
	free(p->as_int);
	free(p->bkind);
	free(p->gen);
	free(p->as_set);
	free(p->as_hex);
	p->bkind = p->gen = p->as_set = p->as_hex = NULL;
	p->ngen = 0;
	if (!(p->as_int = calloc(t->ncols, sizeof(*p->as_int))) ||
	    !(p->bkind = calloc(t->ncols + 1, 1)) ||
	    !(p->gen = calloc(t->ncols + 1, 1)) ||
	    !(p->as_set = calloc(t->ncols + 1, 1)) ||
	    !(p->as_hex = calloc(t->ncols + 1, 1)))
		return err_oom(e);
	/* the catalog's names: schema and table, fitted (pgname.h) */
	free(p->tschema);
	free(p->ttable);
	p->tschema = strdup(target_schema(&p->pn, t, name, fit));
	p->ttable = strdup(p->pn.tname);
	if (!p->tschema || !p->ttable)
		return err_oom(e);
	/* the DDL builders name the same schema */
	free(p->pn.schema);
	if (!(p->pn.schema = strdup(p->tschema)))
		return err_oom(e);
	if (pgutil_quote_table(&p->name, p->tschema, p->ttable, e) < 0 ||
	    buf_add(&p->plain, p->name.data, p->name.len, e) < 0)
		return -1;
	if (s->opts.mode == SINK_UPSERT && !t->npk)
		return err_set(e, ERR_USAGE,
			       "--mode upsert needs a primary key");
	if (s->opts.mode == SINK_DELETE && s->opts.create)
		return err_set(e, ERR_USAGE,
			       "--mode delete does not go with --create");
	/* the indexes --create would make: their names' collisions are
	 * refused now, before the table is */
	if ((s->opts.create || s->keys_pending) && !s->opts.no_indexes &&
	    pgname_table_indexes(&p->pn, t, name, e) < 0)
		return -1;
	if (s->opts.shared_lock && s->opts.create && !p->in_tx && !s->group &&
	    create_shared_first(p, t, e) < 0)
		return -1;
	/* a key range after one that held its transaction open goes on in
	 * it (pg_end_table) */
	if (!s->group && !p->in_tx) {
		if (exec_ok(p, "BEGIN", e) < 0)
			return -1;
		p->fresh = 0;
	}
	p->in_tx = 1;
	if (check_columns(p, t, &exists, e) < 0)
		return -1;
	if (exists && s->opts.mode == SINK_DELETE &&
	    check_key_only(p, t, e) < 0)
		return -1;
	triggers_release(p);
	if (exists && !s->keys_pending && table_triggers(p, e) < 0)
		return -1;
	if (!exists) {
		if (!s->opts.create)
			return missing_table(p, name, e);
		p->pn.sequences = s->sequences;
		if (create_table(p, t, e) < 0 ||
		    check_columns(p, t, &exists, e) < 0)
			return -1;
		p->created = p->fresh = 1;
		/* an upsert needs the key to merge against, and rejects must
		 * meet a duplicate key row by row: add it now */
		if ((s->opts.mode == SINK_UPSERT || s->opts.reject) &&
		    (add_primary_key(p, e) < 0 || add_indexes(p, e) < 0))
			return -1;
	} else if (s->keys_pending) {
		/* an earlier run of the job made the table and was stopped
		 * before its key and indexes: they come at the end, or now
		 * when rows must meet the key */
		p->created = p->resumed = 1;
		if ((s->opts.mode == SINK_UPSERT || s->opts.reject) &&
		    (add_primary_key(p, e) < 0 || add_indexes(p, e) < 0))
			return -1;
	} else if (s->opts.mode == SINK_TRUNCATE && !s->run_emptied) {
		struct buf q;
		int rc;
		buf_init(&q, 1u << 20);
		rc = buf_adds(&q, "TRUNCATE ", e) < 0 ||
			     buf_add(&q, p->name.data, p->name.len, e) < 0
			 ? -1
			 : exec_ok(p, (char *)q.data, e);
		buf_release(&q);
		if (rc < 0)
			return -1;
		p->fresh = 1;
	}
	/* the names changed: the table's and its columns', and its indexes'
	 * when they are made here (they come last) */
	s->nrenamed = p->pn.nrenamed;
	while (!p->created && s->nrenamed &&
	       strcmp(p->pn.renamed[s->nrenamed - 1].kind, "index") == 0)
		s->nrenamed--;
	s->renamed = s->nrenamed ? p->pn.renamed : NULL;
	p->rejected = 0;
	rowbuf_reset(&p->keep);
	buf_reset(&p->lines);
	if (s->opts.reject) /* a COPY per batch of kept rows (apply_kept) */
		return s->opts.mode == SINK_UPSERT
			   ? seen_keys(p, "CREATE", NULL, 0, e)
			   : 0;
	/* binary when every column has a binary form for its target type
	 * (FERRY_PG_COPY=text keeps text) */
	p->binary = !(getenv("FERRY_PG_COPY") &&
		      strcmp(getenv("FERRY_PG_COPY"), "text") == 0);
	for (size_t i = 0; i < t->ncols; i++)
		if ((p->bkind[i] == PGB_NONE || p->as_set[i]) && !p->gen[i])
			p->binary = 0;
	return start_copy(p, e);
}

/*
 * bytea's hex form, twice the value's size: outside the reject mode (which
 * keeps whole rows in hand to retry them) a large value goes to the sender
 * thread in chunks as it is written, so its hex form is never held whole.
 * bare: no \\x (PostGIS's geometry reads its EWKB in bare hex).
 */
static int add_copy_hex(struct pg_sink *p, const unsigned char *s, size_t len,
			int bare, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	int piecewise = !p->base.opts.reject;

	if (!bare && buf_add(&p->copy, "\\\\x", 3, e) < 0)
		return -1;
	while (len) {
		size_t n = piecewise && len > PG_COPY_CHUNK / 2
			       ? PG_COPY_CHUNK / 2
			       : len;
		unsigned char *o;

		if (buf_reserve(&p->copy, 2 * n, e) < 0)
			return -1;
		o = p->copy.data + p->copy.len;
		for (size_t k = 0; k < n; k++) {
			*o++ = (unsigned char)hex[s[k] >> 4];
			*o++ = (unsigned char)hex[s[k] & 15];
		}
		p->copy.len += 2 * n;
		p->copy.data[p->copy.len] = '\0';
		s += n;
		len -= n;
		if (piecewise && p->copy.len >= PG_COPY_CHUNK &&
		    sender_push(p, e) < 0)
			return -1;
	}
	return 0;
}

/*
 * A large text or bytea of a binary COPY row: its length, then its bytes
 * to the sender thread in chunks as they are written, so that the value
 * is not held a second time (outside the reject mode only, which uses
 * text).  0, or -1 (ERR_STREAM for a NUL in text, as pgbin_value says).
 */
static int add_bin_chunked(struct pg_sink *p, int text, const struct value *v,
			   struct err *e)
{
	const char *s = v->v.s.p;
	size_t len = v->v.s.len;
	unsigned char hdr[4];

	if (text && memchr(s, '\0', len))
		return err_set(e, ERR_STREAM,
			       "text holds a NUL byte, which PostgreSQL "
			       "refuses (a transform can remove it)");
	if (len > INT32_MAX)
		return err_set(e, ERR_STREAM,
			       "a value of %zu bytes is too long for "
			       "PostgreSQL",
			       len);
	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
	if (buf_add(&p->copy, hdr, 4, e) < 0)
		return -1;
	while (len) {
		size_t n = len > PG_COPY_CHUNK / 2 ? PG_COPY_CHUNK / 2 : len;
		if (buf_add(&p->copy, s, n, e) < 0)
			return -1;
		s += n;
		len -= n;
		if (p->copy.len >= PG_COPY_CHUNK && sender_push(p, e) < 0)
			return -1;
	}
	return 0;
}

/* one value of a COPY text row; a large bytea goes out in chunks */
static int add_value(struct pg_sink *p, size_t i, const struct value *v,
		     struct err *e)
{
	enum value_type t = p->t->cols[i].type;

	if (t == VALUE_BYTES && !v->null &&
	    (v->v.s.len > PG_COPY_CHUNK / 2 || p->as_hex[i]))
		return add_copy_hex(p, (const unsigned char *)v->v.s.p,
				    v->v.s.len, p->as_hex[i], e);
	if (p->as_set[i])
		return loadfmt_pg_copy_set(&p->copy, v, e);
	return loadfmt_pg_copy(&p->copy, t, p->as_int[i], v, e);
}

/* the keys of a created table still wait for the table's end */
static int keys_deferred(const struct pg_sink *p)
{
	return p->created && p->base.opts.mode != SINK_UPSERT &&
	       !p->base.opts.reject;
}

static int commit_and_go_on(struct pg_sink *p, struct err *e)
{
	if (p->base.opts.reject) {
		if (flush_kept(p, e) < 0 ||
		    sink_checkpoint_commit(&p->base, p->t, p->rows, 0,
					   keys_deferred(p), e) < 0 ||
		    triggers_set(p, 1, e) < 0 || exec_ok(p, "COMMIT", e) < 0)
			return -1;
		p->in_tx = 0;
		p->commits++;
		p->since_commit = 0;
		if (exec_ok(p, "BEGIN", e) < 0)
			return -1;
		p->in_tx = 1;
		p->fresh = 0;
		return triggers_set(p, 0, e);
	}
	if (end_copy(p, e) < 0 ||
	    (p->base.opts.mode == SINK_UPSERT &&
	     merge_stage(p, NULL, 0, e) < 0) ||
	    (p->base.opts.mode == SINK_DELETE &&
	     delete_staged(p, NULL, 0, e) < 0) ||
	    sink_checkpoint_commit(&p->base, p->t, p->rows, 0, keys_deferred(p),
				   e) < 0 ||
	    triggers_set(p, 1, e) < 0 || exec_ok(p, "COMMIT", e) < 0)
		return -1;
	p->in_tx = 0;
	p->commits++;
	p->since_commit = 0;
	if (exec_ok(p, "BEGIN", e) < 0)
		return -1;
	p->in_tx = 1;
	p->fresh = 0;
	if (triggers_set(p, 0, e) < 0)
		return -1;
	return start_copy(p, e);
}

static int pg_write_row(struct sink *s, const struct value *row, struct err *e)
{
	struct pg_sink *p = PGS(s);
	const struct schema_table *t = p->t;
	size_t start = p->copy.len;

	if (p->binary && pgbin_row(&p->copy, t->ncols - p->ngen, e) < 0)
		return -1;
	for (size_t i = 0, n = 0; i < t->ncols; i++) {
		if (p->gen[i])
			continue;
		int big = p->binary && !s->opts.reject && !row[i].null &&
			  (p->bkind[i] == PGB_BYTEA || p->bkind[i] == PGB_TEXT) &&
			  row[i].v.s.len > PG_COPY_CHUNK / 2;
		if (big ? add_bin_chunked(p, p->bkind[i] == PGB_TEXT, &row[i],
					  e) < 0
		    : p->binary
			? pgbin_value(&p->copy, (enum pgbin_kind)p->bkind[i],
				      t->cols[i].type, &row[i], e) < 0
			: ((n && buf_addc(&p->copy, '\t', e) < 0) ||
			   add_value(p, i, &row[i], e) < 0)) {
			int rc;
			/* with rejects, a value PostgreSQL cannot hold (a
			 * NUL in text) is a refused row; the rows in hand
			 * are whole, so it is cut off */
			if (!s->opts.reject)
				return sink_value_refused(s, t, row, i, e);
			buf_cut(&p->copy, start);
			if ((rc = sink_value_refused(s, t, row, i, e)) == 1)
				p->rejected++;
			return rc == 1 ? 0 : -1;
		}
		n++;
	}
	if (!p->binary && buf_addc(&p->copy, '\n', e) < 0)
		return -1;
	if (s->opts.reject &&
	    (buf_add(&p->lines, &start, sizeof(start), e) < 0 ||
	     rowbuf_add(&p->keep, t, row, e) < 0))
		return -1;
	p->rows++;
	p->since_commit++;
	if (s->opts.reject) {
		if ((rowbuf_count(&p->keep) >= PG_REJECT_BATCH ||
		     p->copy.len >= PG_COPY_CHUNK) &&
		    flush_kept(p, e) < 0)
			return -1;
	} else if (p->copy.len >= PG_COPY_CHUNK && sender_push(p, e) < 0) {
		return -1;
	}
	if (s->opts.commit_every && p->since_commit >= s->opts.commit_every)
		return commit_and_go_on(p, e);
	return 0;
}

/* Move serial and identity sequences past the highest loaded value. */
static int fix_sequences(struct pg_sink *p, struct err *e)
{
	/* $3, the name quoted and schema-qualified, is only read as one */
	const char *vals[3] = { p->tschema, p->ttable, (char *)p->plain.data };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT a.attname, pg_get_serial_sequence($3, a.attname) "
	    "FROM pg_attribute a WHERE a.attrelid = " TARGET_OID " "
	    "AND a.attnum > 0 AND NOT a.attisdropped "
	    "AND pg_get_serial_sequence($3, a.attname) IS NOT NULL",
	    3, NULL, vals, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc =
		    pgutil_msg(e, "reading sequences", PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *col = PQgetvalue(r, i, 0);
		char before[32] = "";
		const char *seqv[2] = { PQgetvalue(r, i, 1), NULL };
		struct buf q;
		PGresult *s;

		/* the source's own counter (its next value, after rows it
		 * deleted): the sequence goes past it too, so that no number
		 * the source gave out is given again */
		for (size_t k = 0; k < p->t->ncols; k++)
			if (strcmp(p->pn.cols[k], col) == 0 &&
			    p->t->cols[k].identity &&
			    p->t->cols[k].identity_next > 1 &&
			    p->t->cols[k].identity_increment > 0)
				snprintf(before, sizeof(before), "%lld",
					 (long long)p->t->cols[k].identity_next -
					     1);
		if (before[0])
			seqv[1] = before;
		buf_init(&q, 1u << 20);
		/* only forward, and to the highest value itself (is_called):
		 * max + 1 would overflow at the type's maximum */
		if (buf_adds(&q,
			     "SELECT setval($1::regclass, m, true) FROM "
			     "(SELECT GREATEST(max(",
			     e) < 0 ||
		    pgutil_quote_ident(&q, col, strlen(col), e) < 0 ||
		    buf_adds(&q, ")::bigint, $2::bigint) AS m FROM ", e) < 0 ||
		    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
		    buf_adds(&q,
			     ") s WHERE m IS NOT NULL AND m >= COALESCE("
			     "pg_sequence_last_value($1::regclass), "
			     "(SELECT seqstart FROM pg_sequence WHERE "
			     "seqrelid = $1::regclass))",
			     e) < 0) {
			buf_release(&q);
			rc = -1;
			break;
		}
		s = PQexecParams(p->conn, (char *)q.data, 2, NULL, seqv, NULL,
				 NULL, 0);
		if (PQresultStatus(s) != PGRES_TUPLES_OK)
			rc = pgutil_msg(e, "moving a sequence",
					PQresultErrorMessage(s));
		PQclear(s);
		buf_release(&q);
	}
	PQclear(r);
	return rc;
}

static int add_primary_key(struct pg_sink *p, struct err *e)
{
	struct buf q;
	int rc = -1;

	if (!p->t->npk)
		return 0;
	buf_init(&q, 1u << 20);
	if (sink_pg_ddl_primary_key(p->t, &p->pn, &q, e) == 0)
		rc = exec_ok(p, (char *)q.data, e);
	buf_release(&q);
	return rc;
}

/*
 * The secondary indexes of a created table, named as pgname.h says
 * (pgname_table_indexes, at the table's start).
 */
static int add_indexes(struct pg_sink *p, struct err *e)
{
	const struct schema_table *t = p->t;
	struct buf q;
	int rc = -1;

	if (p->base.opts.no_indexes || (!t->nindexes && !t->nxindexes))
		return 0;
	if (!p->pn.indexes)
		return err_set(e, ERR_SYSTEM,
			       "internal error: index names not made");
	buf_init(&q, 1u << 20);
	for (size_t x = 0; x < t->nindexes; x++) {
		buf_reset(&q);
		if (sink_pg_ddl_index(t, &p->pn, x, &q, e) < 0 ||
		    exec_ok(p, (char *)q.data, e) < 0)
			goto out;
	}
	for (size_t x = 0; x < t->nxindexes; x++) {
		int made;
		buf_reset(&q);
		if ((made = sink_pg_ddl_xindex(
			 t, &p->pn, x,
			 (p->base.opts.case_sensitive ? 0 : PG_DDL_CI) |
			     (p->base.opts.citext ? PG_DDL_CITEXT : 0),
			 &q, NULL, e)) < 0 ||
		    (made && exec_ok(p, (char *)q.data, e) < 0))
			goto out;
	}
	rc = 0;
out:
	buf_release(&q);
	return rc;
}

static int pg_end_table(struct sink *s, struct sink_table_stats *st,
			struct err *e)
{
	struct pg_sink *p = PGS(s);
	int follow, hold, later;

	if (end_copy(p, e) < 0 || (s->opts.reject && flush_kept(p, e) < 0))
		return -1;
	/* with rejects, each batch of kept rows was merged or deleted */
	if (!s->opts.reject && s->opts.mode == SINK_UPSERT &&
	    merge_stage(p, NULL, 0, e) < 0)
		return -1;
	if (s->opts.reject && s->opts.mode == SINK_UPSERT &&
	    seen_keys(p, "DROP", NULL, 0, e) < 0)
		return -1;
	if (!s->opts.reject && s->opts.mode == SINK_DELETE &&
	    delete_staged(p, NULL, 0, e) < 0)
		return -1;
	/* keys and indexes of a created table after its rows: one sort
	 * each instead of an insertion per row; when its key ranges follow
	 * (--parallel), after the last, and without a job they go in one
	 * transaction, which this range leaves open */
	follow = schema_ranges_follow(p->t);
	hold = follow && !s->opts.job;
	later = keys_deferred(p) && follow;
	if (keys_deferred(p) && !later) {
		double t0 = progress_now();
		if (add_primary_key(p, e) < 0 || add_indexes(p, e) < 0)
			return -1;
		st->keys_seconds = progress_now() - t0;
	}
	/* the counters after the last range too: max() over a table
	 * without its key yet reads all of it, at every range */
	if ((!follow && fix_sequences(p, e) < 0) ||
	    sink_checkpoint_commit(s, p->t, p->rows, 1, later, e) < 0 ||
	    triggers_set(p, 1, e) < 0 ||
	    (!s->group && !hold && exec_ok(p, "COMMIT", e) < 0))
		return -1;
	p->in_tx = s->group || hold;
	p->commits++;
	st->rows = p->rows;
	st->rejected = p->rejected;
	st->commits = p->commits;
	st->created = p->created && !p->resumed;
	st->keys_pending = later;
	st->open = hold;
	st->deleted = p->deleted;
	st->method = s->opts.reject ? "COPY text, batches in savepoints"
		     : p->binary    ? "COPY binary"
				    : "COPY text";
	return 0;
}

static void pg_abort_table(struct sink *s, const char *why)
{
	struct pg_sink *p = PGS(s);
	PGresult *r;

	if (p->in_copy) {
		struct err ignored;
		/* an error message ends the COPY: nothing of it is kept */
		sender_stop(p, &ignored);
		PQputCopyEnd(p->conn, why);
		while ((r = PQgetResult(p->conn)))
			PQclear(r);
		p->in_copy = 0;
	}
	if (p->in_tx) {
		r = PQexec(p->conn, "ROLLBACK");
		PQclear(r);
		p->in_tx = 0;
	}
}

static void pg_close(struct sink *s)
{
	struct pg_sink *p = PGS(s);

	if (p->conn)
		PQfinish(p->conn);
	triggers_release(p);
	free(p->as_int);
	free(p->tschema);
	free(p->ttable);
	free(p->bkind);
	free(p->gen);
	free(p->as_set);
	free(p->as_hex);
	pgname_table_release(&p->pn);
	pgname_run_release(&p->run);
	buf_release(&p->name);
	buf_release(&p->plain);
	buf_release(&p->cols);
	buf_release(&p->copy);
	rowbuf_release(&p->keep);
	buf_release(&p->lines);
	for (size_t i = 0; i < p->q.nspare; i++)
		buf_release(&p->q.spare[i]);
	pthread_mutex_destroy(&p->q.lock);
	pthread_cond_destroy(&p->q.changed);
	free(p);
}

static int pg_checkpoint_read(struct sink *s, const char *table,
			      const char *part, struct checkpoint *c,
			      struct err *e)
{
	return checkpoint_pg_read((struct pg_conn *)PGS(s)->conn, s->opts.job,
				  table, part, c, e);
}

static int pg_job_lock(struct sink *s, const char *part, struct err *e)
{
	return checkpoint_pg_lock((struct pg_conn *)PGS(s)->conn, s->opts.job,
				  part, e);
}

static int pg_checkpoint_write(struct sink *s, const char *table,
			       const struct checkpoint *c, struct err *e)
{
	return checkpoint_pg_write((struct pg_conn *)PGS(s)->conn, s->opts.job,
				   table, c, e);
}

/* a table in ferry's name syntax, quoted: its schema (public when it
 * names none) and table, each fitted to what PostgreSQL holds */
static int quote_target(struct buf *q, const char *name, struct err *e)
{
	char fs[PGNAME_MAX + 1], ft[PGNAME_MAX + 1];

	if (pgname_fit_name(name, fs, ft, e) < 0)
		return -1;
	return pgutil_quote_table(q, fs, ft, e);
}

/* ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID of t's
 * foreign key k, named for t as pn says */
static int fkey_sql(const struct schema_table *t, const char *name,
		    const struct pgname_table *pn, size_t k, const char *ref,
		    struct buf *q, struct err *e)
{
	const struct schema_fkey *f = &t->fkeys[k];
	char fit[PGNAME_MAX + 1];

	pgname_fit(f->name, fit);
	if (buf_adds(q, "ALTER TABLE ", e) < 0 ||
	    quote_target(q, name, e) < 0 ||
	    buf_adds(q, " ADD CONSTRAINT ", e) < 0 ||
	    pgutil_quote_ident(q, fit, strlen(fit), e) < 0 ||
	    buf_adds(q, " FOREIGN KEY (", e) < 0 ||
	    pgutil_quote_cols(pn->cols, q, f->cols, f->ncols, e) < 0 ||
	    buf_adds(q, ") REFERENCES ", e) < 0 ||
	    quote_target(q, ref, e) < 0 || buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t c = 0; c < f->ncols; c++) {
		pgname_fit(f->ref_cols[c], fit);
		if ((c && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_ident(q, fit, strlen(fit), e) < 0)
			return -1;
	}
	return buf_addf(q, e, ") ON DELETE %s ON UPDATE %s NOT VALID",
			schema_fk_action_sql(f->on_delete),
			schema_fk_action_sql(f->on_update));
}

/* one statement on its own (autocommit): 1 done, 0 refused (why in msg),
 * -1 when the connection is gone */
static int exec_or_say(struct pg_sink *p, const char *sql, char *msg,
		       size_t msgsz, struct err *e)
{
	struct err why;

	err_init(&why);
	if (exec_ok(p, sql, &why) == 0)
		return 1;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		*e = why;
		return -1;
	}
	snprintf(msg, msgsz, "%s", why.msg);
	return 0;
}

static int pg_foreign_keys(struct sink *s, const struct schema_table *t,
			   const char *name, char *const *refs,
			   struct create_notes *notes, struct err *e)
{
	struct pg_sink *p = PGS(s);
	struct pgname_table pn;
	struct buf q;
	char msg[600], fn[160];
	int rc = 0;

	if (pgname_table_init(&pn, t, name, e) < 0)
		return e->class == ERR_USAGE ? 0 : -1;
	buf_init(&q, 1u << 20);
	for (size_t k = 0; k < t->nfkeys && rc >= 0; k++) {
		const char *fkn = t->fkeys[k].name;
		err_quote(fn, sizeof(fn), fkn, strlen(fkn), 100);
		buf_reset(&q);
		if (fkey_sql(t, name, &pn, k, refs[k], &q, e) < 0) {
			rc = -1;
			break;
		}
		if ((rc = exec_or_say(p, (char *)q.data, msg, sizeof(msg),
				      e)) <= 0) {
			if (rc == 0 &&
			    create_notes_add(notes, e,
					     "foreign key %s not made: %s", fn,
					     msg) < 0)
				rc = -1;
			continue;
		}
		buf_reset(&q);
		pgname_fit(fkn, msg);
		if (buf_adds(&q, "ALTER TABLE ", e) < 0 ||
		    quote_target(&q, name, e) < 0 ||
		    buf_adds(&q, " VALIDATE CONSTRAINT ", e) < 0 ||
		    pgutil_quote_ident(&q, msg, strlen(msg), e) < 0) {
			rc = -1;
			break;
		}
		if ((rc = exec_or_say(p, (char *)q.data, msg, sizeof(msg),
				      e)) == 0 &&
		    create_notes_add(notes, e,
				     "foreign key %s is NOT VALID: rows that "
				     "were loaded break it (%s); it holds for "
				     "rows written from now on",
				     fn, msg) < 0)
			rc = -1;
	}
	buf_release(&q);
	pgname_table_release(&pn);
	return rc < 0 ? -1 : 0;
}

/* the sequence schema.name: its oid and the value it gives next, into
 * oid and next; 0 when there is none */
static int seq_find(struct pg_sink *p, const struct schema_sequence *q,
		    char *oid, size_t oidsz, long long *next, struct err *e)
{
	const char *vals[2] = { q->schema, q->name };
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT c.oid, COALESCE(pg_sequence_last_value(c.oid) + "
	    "s.seqincrement, s.seqstart), "
	    "pg_sequence_last_value(c.oid) IS NULL "
	    "FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
	    "WHERE n.nspname = $1 AND c.relname = $2",
	    2, NULL, vals, NULL, NULL, 0);
	int found, unused;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pgutil_msg(e, "query", PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	found = PQntuples(r) == 1;
	unused = found && strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	if (found) {
		snprintf(oid, oidsz, "%s", PQgetvalue(r, 0, 0));
		*next = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	}
	PQclear(r);
	/* not used since made or restarted: its next value is the
	 * relation's last_value, not its start */
	if (unused && pgutil_seq_unused((struct pg_conn *)p->conn, q->schema,
					q->name, next, e) < 0)
		return -1;
	return found;
}

static int pg_sequence(struct sink *s, const struct schema_sequence *q,
		       int create, enum sink_seq_outcome *out, struct err *e)
{
	struct pg_sink *p = PGS(s);
	char oid[32], nx[32];
	long long cur = 0;
	int found;

	*out = SINK_SEQ_ABSENT;
	if ((found = seq_find(p, q, oid, sizeof(oid), &cur, e)) < 0)
		return -1;
	if (!found) {
		struct buf b;
		int rc;
		if (!create)
			return 0;
		/* every word ferry's, every number printed by ferry, the
		 * names quoted */
		buf_init(&b, 1u << 16);
		rc = ensure_schema(p, q->schema, e) < 0 ? -1 : 0;
		if (rc == 0 &&
		    (buf_adds(&b, "CREATE SEQUENCE ", e) < 0 ||
		     pgutil_quote_table(&b, q->schema, q->name, e) < 0 ||
		     buf_addf(&b, e,
			      " AS %s INCREMENT BY %" PRId64
			      " MINVALUE %" PRId64 " MAXVALUE %" PRId64
			      " START WITH %" PRId64 " %s",
			      strcmp(q->type, "smallint") == 0	? "smallint"
			      : strcmp(q->type, "integer") == 0 ? "integer"
								: "bigint",
			      q->increment, q->min, q->max, q->start,
			      q->cycle ? "CYCLE" : "NO CYCLE") < 0))
			rc = -1;
		if (rc == 0)
			rc = exec_ok(p, (char *)b.data, e);
		buf_release(&b);
		if (rc < 0 ||
		    (found = seq_find(p, q, oid, sizeof(oid), &cur, e)) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_DB,
				       "sequence %s.%s: not found "
				       "after it was made",
				       q->schema, q->name);
		*out = SINK_SEQ_MADE;
	} else if (q->increment > 0 ? cur >= q->next : cur <= q->next) {
		*out = SINK_SEQ_AHEAD;
		return 0;
	} else {
		*out = SINK_SEQ_MOVED;
	}
	if (cur == q->next)
		return 0;
	snprintf(nx, sizeof(nx), "%" PRId64, q->next);
	{
		const char *vals[2] = { oid, nx };
		PGresult *r = PQexecParams(
		    p->conn, "SELECT setval($1::oid::regclass, $2, false)", 2,
		    NULL, vals, NULL, NULL, 0);
		int rc = PQresultStatus(r) == PGRES_TUPLES_OK
			     ? 0
			     : pgutil_msg(e, "setval", PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
}

/* one TRUNCATE of every table of names the target has */
static int pg_empty_tables(struct sink *s, char *const *names, size_t n,
			   struct err *e)
{
	struct pg_sink *p = PGS(s);
	struct buf q;
	size_t found = 0;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "TRUNCATE ", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *sc = NULL, *tb = NULL;
		char fs[PGNAME_MAX + 1], ft[PGNAME_MAX + 1];
		const char *vals[2] = { fs, ft };
		PGresult *r;
		int has;
		if (schema_name_parse(names[i], &sc, &tb, e) < 0)
			goto out;
		pgname_fit(sc ? sc : "public", fs);
		pgname_fit(tb, ft);
		free(sc);
		free(tb);
		r = PQexecParams(p->conn, "SELECT " TARGET_OID " IS NOT NULL", 2,
				 NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			pgutil_msg(e, "looking for the tables",
				   PQresultErrorMessage(r));
			PQclear(r);
			goto out;
		}
		has = *PQgetvalue(r, 0, 0) == 't';
		PQclear(r);
		if (has && ((found++ && buf_adds(&q, ", ", e) < 0) ||
			    pgutil_quote_table(&q, fs, ft, e) < 0))
			goto out;
	}
	if (!found) {
		rc = 0;
		goto out;
	}
	if (exec_ok(p, "BEGIN", e) < 0)
		goto out;
	if (exec_ok(p, (char *)q.data, e) < 0) {
		struct err ignored;
		err_init(&ignored);
		exec_ok(p, "ROLLBACK", &ignored);
		err_prefix(e, "emptying the run's tables (--mode truncate)");
		goto out;
	}
	rc = exec_ok(p, "COMMIT", e);
out:
	buf_release(&q);
	return rc;
}

static int pg_group(struct sink *s, int what, struct err *e)
{
	struct pg_sink *p = PGS(s);
	static const char *const sql[3] = { "BEGIN", "COMMIT", "ROLLBACK" };
	int rc;

	if (what == 2 && p->in_copy)
		pg_abort_table(s, "ferry-load gave up on these changes");
	if (what == 2 && !p->in_tx)
		return 0;
	rc = exec_ok(p, sql[what], e);
	p->in_tx = what == 0 && rc == 0;
	p->fresh = 0;
	return rc;
}

/* --- views --------------------------------------------------------------- */

static int view_table(void *ctx, size_t i, enum sqlexpr_dialect d,
		      struct buf *out, struct err *e)
{
	const struct sink_view_tables *vt = ctx;

	(void)d;
	return quote_target(out, vt->names[i], e);
}

static int pg_view(struct sink *s, const char *name, const char *query,
		   const struct sink_view_tables *vt,
		   enum sink_view_outcome *out, char *why, size_t whysz,
		   struct err *e)
{
	struct pg_sink *p = PGS(s);
	struct sqlview_names nm = { view_table, (void *)vt, vt->cols,
				    vt->fold };
	/* LIKE on ferry_ci fails when run, before PostgreSQL 18 */
	unsigned flags = !s->opts.case_sensitive && !s->opts.citext
			     ? SQLEXPR_CI_NO_LIKE
			     : 0;
	char fs[PGNAME_MAX + 1], ft[PGNAME_MAX + 1], oid[16];
	struct buf q;
	PGresult *r;
	int rc;

	*out = SINK_VIEW_REFUSED;
	if (pgname_fit_name(name, fs, ft, e) < 0)
		return -1;
	if ((rc = pgutil_table_oid((struct pg_conn *)p->conn, fs, ft,
				   PGUTIL_ANY_RELKIND, oid, e)) < 0)
		return -1;
	if (rc) {
		*out = SINK_VIEW_EXISTS;
		return 0;
	}
	buf_init(&q, (size_t)SQLEXPR_MAX_LEN * 4);
	rc = buf_adds(&q, "CREATE VIEW ", e) < 0 ||
		     pgutil_quote_table(&q, fs, ft, e) < 0 ||
		     buf_adds(&q, " AS ", e) < 0
		 ? -1
		 : sqlview_translate(query, vt->tabs, vt->n, SQLEXPR_PG, &nm,
				     flags, &q, why, whysz, e);
	if (rc == 0 && (buf_addc(&q, 0, e) < 0 || ensure_schema(p, fs, e) < 0))
		rc = -1;
	if (rc == 0) {
		r = PQexecParams(p->conn, (const char *)q.data, 0, NULL, NULL,
				 NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			*out = SINK_VIEW_MADE;
		else if (PQstatus(p->conn) == CONNECTION_OK)
			snprintf(why, whysz, "%s",
				 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				     ? PQresultErrorField(
					   r, PG_DIAG_MESSAGE_PRIMARY)
				     : "refused");
		else
			rc = pgutil_msg(e, "CREATE VIEW",
					PQresultErrorMessage(r));
		PQclear(r);
	}
	buf_release(&q);
	return rc < 0 ? -1 : 0;
}

static const struct sink_ops pg_ops = {
	.group = pg_group,
	.empty_tables = pg_empty_tables,
	.fk_related = pg_fk_related,
	.claim_name = pg_claim_name,
	.begin_table = pg_begin_table,
	.write_row = pg_write_row,
	.end_table = pg_end_table,
	.abort_table = pg_abort_table,
	.foreign_keys = pg_foreign_keys,
	.close = pg_close,
	.checkpoint_read = pg_checkpoint_read,
	.job_lock = pg_job_lock,
	.checkpoint_write = pg_checkpoint_write,
	.sequence = pg_sequence,
	.view = pg_view,
};

/* sink_opts memory_share: maintenance_work_mem, an nth of the server's
 * (PostgreSQL takes no less than 1 MiB), for this session */
static int share_memory(struct pg_sink *p, unsigned n, struct err *e)
{
	PGresult *r = PQexecParams(
	    p->conn,
	    "SELECT setting::bigint FROM pg_catalog.pg_settings "
	    "WHERE name = 'maintenance_work_mem'",
	    0, NULL, NULL, NULL, NULL, 0);
	const char *vals[1];
	char v[32];
	long long kib;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pgutil_msg(e, "reading maintenance_work_mem",
			   PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	kib = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	p->base.index_of_kib = kib;
	p->base.index_kib = kib / n < 1024 ? 1024 : kib / n;
	snprintf(v, sizeof(v), "%lldkB", p->base.index_kib);
	vals[0] = v;
	r = PQexecParams(p->conn,
			 "SELECT pg_catalog.set_config('maintenance_work_mem', "
			 "$1, false)",
			 1, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgutil_msg(e, "setting maintenance_work_mem",
			   PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

struct sink *sink_pg_open(const struct uri *u, const struct sink_opts *o,
			  struct err *e)
{
	struct pg_sink *p = calloc(1, sizeof(*p));
	char what[600];

	if (!p) {
		err_oom(e);
		return NULL;
	}
	p->base.ops = &pg_ops;
	p->base.opts = *o;
	buf_init(&p->name, 1u << 16);
	buf_init(&p->plain, 1u << 16);
	buf_init(&p->cols, 1u << 24);
	buf_init(&p->copy, (size_t)PG_COPY_CHUNK + (300u << 20));
	rowbuf_init(&p->keep, 1u << 30);
	buf_init(&p->lines, 1u << 24);
	pthread_mutex_init(&p->q.lock, NULL);
	pthread_cond_init(&p->q.changed, NULL);
	for (size_t i = 0; i < PG_COPY_QUEUE; i++)
		buf_init(&p->q.spare[p->q.nspare++],
			 (size_t)PG_COPY_CHUNK + (300u << 20));
	p->conn = (PGconn *)pgutil_connect(u->conninfo, o->connect_timeout,
					   o->read_timeout);
	if (!p->conn) {
		err_oom(e);
		goto fail;
	}
	snprintf(what, sizeof(what), "cannot connect to %s", u->display);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		pgutil_msg(e, what, PQerrorMessage(p->conn));
		goto fail;
	}
	if (PQsetClientEncoding(p->conn, "UTF8") != 0) {
		pgutil_msg(e, "setting the client encoding",
			   PQerrorMessage(p->conn));
		goto fail;
	}
	if (exec_ok(p, "SET DateStyle = ISO, YMD", e) < 0 ||
	    exec_ok(p, "SET TimeZone = 'UTC'", e) < 0 ||
	    exec_ok(p, "SET client_min_messages = warning", e) < 0 ||
	    (o->memory_share > 1 && share_memory(p, o->memory_share, e) < 0))
		goto fail;
	if (o->job && !o->job_worker &&
	    (checkpoint_pg_ensure((struct pg_conn *)p->conn, e) < 0 ||
	     (!o->job_lock_later &&
	      checkpoint_pg_lock((struct pg_conn *)p->conn, o->job, "", e) < 0)))
		goto fail;
	return &p->base;
fail:
	pg_close(&p->base);
	return NULL;
}
