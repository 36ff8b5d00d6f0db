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
 *   json jsonb (json for a PostgreSQL json source); uuid; enum text with a
 *   CHECK of its labels, or a native enum type with --enum-types.
 * The primary key is added after the rows.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/loadfmt.h"
#include "db/pg/checkpoint_pg.h"
#include "db/pg/pgbin.h"
#include "db/pg/pgname.h"
#include "db/pg/pgutil.h"
#include "db/pg/sink_pg.h"
#include "db/rowbuf.h"
#include "db/sink_int.h"

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
	int binary;	      /* this table's COPY is binary */
	int in_copy;
	int in_tx;
	int created;
	int resumed; /* created by an earlier run whose keys are pending */
	/* the names of the table and its columns (and, when it is made,
	 * its indexes) in PostgreSQL: the stream's, or for a name over 63
	 * bytes the one pgname.h gives it */
	struct pgname_table pn;
	/* the tables of this run: two that are one in PostgreSQL are
	 * refused (the second; the first is loaded by then) */
	struct pgname_run run;
	uint64_t rows, since_commit, commits;
	uint64_t deleted; /* delete mode */
};

#define PGS(s) ((struct pg_sink *)(s))

static int add_primary_key(struct pg_sink *p, struct err *e);

/* the oid of the target, found by its schema ($1) and table ($2) as
 * bound parameters, never through search_path */
#define TARGET_OID                                                             \
	"(SELECT c.oid FROM pg_catalog.pg_class c "                            \
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "            \
	"WHERE n.nspname = $1 AND c.relname = $2)"

/* a type name of a PostgreSQL source, "schema.type" or "type" as
 * format_type() wrote it unquoted */
static int quote_type_name(struct buf *b, const char *name, struct err *e)
{
	const char *dot = strchr(name, '.');

	if (!dot)
		return pgutil_quote_ident(b, name, strlen(name), e);
	if (pgutil_quote_ident(b, name, (size_t)(dot - name), e) < 0 ||
	    buf_addc(b, '.', e) < 0)
		return -1;
	return pgutil_quote_ident(b, dot + 1, strlen(dot + 1), e);
}
static int add_indexes(struct pg_sink *p, struct err *e);

/* "a", "b" of the columns cols (n of them) of the table, quoted, as
 * PostgreSQL names them */
static int quote_cols(char *const *names, struct buf *q, const size_t *cols,
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

static int starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int from_pg(const struct schema_table *t)
{
	return starts(t->source, "postgres");
}

/* --- the DDL of --create, without a connection ---------------------------
 *
 * Nothing of the stream reaches this SQL but names, as quoted identifiers,
 * and enum labels, as quoted literals.  Types come from ferry: the stream
 * type picks one, and a PostgreSQL source's own type for a column carried
 * as text (interval, inet, arrays, ...) is parsed against pg_types below:
 * a name of the table, then (n) or (p,s) as numbers within the type's
 * range, then [] dimensions; ferry prints what it parsed, never the
 * stream's text, and anything else is refused.
 */

enum pg_param {
	PGP_NONE,    /* no modifier */
	PGP_LEN,     /* (n), 1..max */
	PGP_PREC,    /* (p), 0..6: seconds' fraction digits */
	PGP_NUMERIC, /* (p) or (p,s): p 1..1000, s -1000..1000 */
	PGP_FLOAT,   /* (p), 1..53 */
};

static const struct pg_type {
	const char *name;  /* as format_type() spells it */
	const char *after; /* words after the modifier, or NULL */
	enum pg_param param;
	int64_t max; /* PGP_LEN */
} pg_types[] = {
	{ "text", NULL, PGP_NONE, 0 },
	{ "name", NULL, PGP_NONE, 0 },
	{ "citext", NULL, PGP_NONE, 0 },
	{ "character varying", NULL, PGP_LEN, 10485760 },
	{ "varchar", NULL, PGP_LEN, 10485760 },
	{ "character", NULL, PGP_LEN, 10485760 },
	{ "char", NULL, PGP_LEN, 10485760 },
	{ "bpchar", NULL, PGP_LEN, 10485760 },
	{ "bit", NULL, PGP_LEN, 83886080 },
	{ "bit varying", NULL, PGP_LEN, 83886080 },
	{ "varbit", NULL, PGP_LEN, 83886080 },
	{ "boolean", NULL, PGP_NONE, 0 },
	{ "bool", NULL, PGP_NONE, 0 },
	{ "smallint", NULL, PGP_NONE, 0 },
	{ "integer", NULL, PGP_NONE, 0 },
	{ "int", NULL, PGP_NONE, 0 },
	{ "bigint", NULL, PGP_NONE, 0 },
	{ "int2", NULL, PGP_NONE, 0 },
	{ "int4", NULL, PGP_NONE, 0 },
	{ "int8", NULL, PGP_NONE, 0 },
	{ "real", NULL, PGP_NONE, 0 },
	{ "double precision", NULL, PGP_NONE, 0 },
	{ "float4", NULL, PGP_NONE, 0 },
	{ "float8", NULL, PGP_NONE, 0 },
	{ "float", NULL, PGP_FLOAT, 0 },
	{ "numeric", NULL, PGP_NUMERIC, 0 },
	{ "decimal", NULL, PGP_NUMERIC, 0 },
	{ "money", NULL, PGP_NONE, 0 },
	{ "date", NULL, PGP_NONE, 0 },
	{ "time", NULL, PGP_PREC, 0 },
	{ "time", "with time zone", PGP_PREC, 0 },
	{ "time", "without time zone", PGP_PREC, 0 },
	{ "timetz", NULL, PGP_PREC, 0 },
	{ "timestamp", NULL, PGP_PREC, 0 },
	{ "timestamp", "with time zone", PGP_PREC, 0 },
	{ "timestamp", "without time zone", PGP_PREC, 0 },
	{ "timestamptz", NULL, PGP_PREC, 0 },
	{ "interval", NULL, PGP_PREC, 0 },
	{ "interval year", NULL, PGP_NONE, 0 },
	{ "interval month", NULL, PGP_NONE, 0 },
	{ "interval day", NULL, PGP_NONE, 0 },
	{ "interval hour", NULL, PGP_NONE, 0 },
	{ "interval minute", NULL, PGP_NONE, 0 },
	{ "interval second", NULL, PGP_PREC, 0 },
	{ "interval year to month", NULL, PGP_NONE, 0 },
	{ "interval day to hour", NULL, PGP_NONE, 0 },
	{ "interval day to minute", NULL, PGP_NONE, 0 },
	{ "interval day to second", NULL, PGP_PREC, 0 },
	{ "interval hour to minute", NULL, PGP_NONE, 0 },
	{ "interval hour to second", NULL, PGP_PREC, 0 },
	{ "interval minute to second", NULL, PGP_PREC, 0 },
	{ "bytea", NULL, PGP_NONE, 0 },
	{ "json", NULL, PGP_NONE, 0 },
	{ "jsonb", NULL, PGP_NONE, 0 },
	{ "jsonpath", NULL, PGP_NONE, 0 },
	{ "xml", NULL, PGP_NONE, 0 },
	{ "uuid", NULL, PGP_NONE, 0 },
	{ "inet", NULL, PGP_NONE, 0 },
	{ "cidr", NULL, PGP_NONE, 0 },
	{ "macaddr", NULL, PGP_NONE, 0 },
	{ "macaddr8", NULL, PGP_NONE, 0 },
	{ "tsvector", NULL, PGP_NONE, 0 },
	{ "tsquery", NULL, PGP_NONE, 0 },
	{ "point", NULL, PGP_NONE, 0 },
	{ "line", NULL, PGP_NONE, 0 },
	{ "lseg", NULL, PGP_NONE, 0 },
	{ "box", NULL, PGP_NONE, 0 },
	{ "path", NULL, PGP_NONE, 0 },
	{ "polygon", NULL, PGP_NONE, 0 },
	{ "circle", NULL, PGP_NONE, 0 },
	{ "int4range", NULL, PGP_NONE, 0 },
	{ "int8range", NULL, PGP_NONE, 0 },
	{ "numrange", NULL, PGP_NONE, 0 },
	{ "tsrange", NULL, PGP_NONE, 0 },
	{ "tstzrange", NULL, PGP_NONE, 0 },
	{ "daterange", NULL, PGP_NONE, 0 },
	{ "int4multirange", NULL, PGP_NONE, 0 },
	{ "int8multirange", NULL, PGP_NONE, 0 },
	{ "nummultirange", NULL, PGP_NONE, 0 },
	{ "tsmultirange", NULL, PGP_NONE, 0 },
	{ "tstzmultirange", NULL, PGP_NONE, 0 },
	{ "datemultirange", NULL, PGP_NONE, 0 },
	{ "pg_lsn", NULL, PGP_NONE, 0 },
	{ "pg_snapshot", NULL, PGP_NONE, 0 },
	{ "txid_snapshot", NULL, PGP_NONE, 0 },
};

/* PostgreSQL's limit of array dimensions */
#define PG_MAX_DIMS 6

static void skip_spaces(const char **pp)
{
	while (**pp == ' ')
		(*pp)++;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The words of `words` (one space between them) at *pp, any case, one or
 * more spaces between them, whole words: 1 and *pp past them, or 0. */
static int match_words(const char **pp, const char *words)
{
	const char *p = *pp;

	while (*words) {
		if (*words == ' ') {
			if (*p != ' ')
				return 0;
			skip_spaces(&p);
			words++;
			continue;
		}
		if (!word_char(*p) ||
		    (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p) != *words)
			return 0;
		p++;
		words++;
	}
	if (word_char(*p))
		return 0;
	*pp = p;
	return 1;
}

/* A number at *pp: an optional minus, then 1 to 9 digits; 1 or 0. */
static int parse_number(const char **pp, int64_t *v)
{
	const char *p = *pp;
	int neg = 0, n = 0;

	*v = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9' && n < 10) {
		*v = *v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || n > 9)
		return 0;
	if (neg)
		*v = -*v;
	*pp = p;
	return 1;
}

/* "(a)" or "(a,b)" at *pp, spaces allowed inside: the count of numbers
 * (0 when there is no "(" at all), or -1 when it is not well formed */
static int parse_modifier(const char **pp, int64_t *a, int64_t *b)
{
	const char *p = *pp;
	int n = 1;

	skip_spaces(&p);
	if (*p != '(')
		return 0;
	p++;
	skip_spaces(&p);
	if (!parse_number(&p, a))
		return -1;
	skip_spaces(&p);
	if (*p == ',') {
		p++;
		skip_spaces(&p);
		if (!parse_number(&p, b))
			return -1;
		skip_spaces(&p);
		n = 2;
	}
	if (*p++ != ')')
		return -1;
	*pp = p;
	return n;
}

/* The type text st parsed against one entry of pg_types and printed by
 * ferry into b: 1, or 0 when st is not of this entry (b unchanged) */
static int parse_pg_type(const struct pg_type *ty, const char *st,
			 struct buf *b, struct err *e, int *rc)
{
	const char *p = st;
	int64_t x = 0, y = 0;
	int n, dims = 0;
	size_t mark = b->len;

	*rc = 0;
	skip_spaces(&p);
	if (!match_words(&p, ty->name))
		return 0;
	if ((n = parse_modifier(&p, &x, &y)) < 0)
		return 0;
	switch (ty->param) {
	case PGP_NONE:
		if (n)
			return 0;
		break;
	case PGP_LEN:
		if (n > 1 || (n && (x < 1 || x > ty->max)))
			return 0;
		break;
	case PGP_PREC:
		if (n > 1 || (n && (x < 0 || x > 6)))
			return 0;
		break;
	case PGP_FLOAT:
		if (n > 1 || (n && (x < 1 || x > 53)))
			return 0;
		break;
	case PGP_NUMERIC:
		if (n &&
		    (x < 1 || x > 1000 || (n == 2 && (y < -1000 || y > 1000))))
			return 0;
		break;
	}
	if (ty->after) {
		if (*p != ' ')
			return 0;
		skip_spaces(&p);
		if (!match_words(&p, ty->after))
			return 0;
	}
	for (;;) {
		const char *q = p;
		skip_spaces(&q);
		if (*q != '[')
			break;
		q++;
		skip_spaces(&q);
		if (*q != ']' || ++dims > PG_MAX_DIMS)
			return 0;
		p = q + 1;
	}
	skip_spaces(&p);
	if (*p)
		return 0;
	*rc = -1;
	if (buf_adds(b, ty->name, e) < 0 ||
	    (n == 1 && buf_addf(b, e, "(%" PRId64 ")", x) < 0) ||
	    (n == 2 && buf_addf(b, e, "(%" PRId64 ",%" PRId64 ")", x, y) < 0) ||
	    (ty->after &&
	     (buf_addc(b, ' ', e) < 0 || buf_adds(b, ty->after, e) < 0)))
		goto fail;
	while (dims--)
		if (buf_adds(b, "[]", e) < 0)
			goto fail;
	*rc = 0;
	return 1;
fail:
	b->len = mark;
	return 1;
}

/* "column c: source type '...' ...": ERR_STREAM, names and text escaped */
static int refuse_type(const struct schema_column *c, struct err *e)
{
	char nm[200], ty[200];

	return err_set(e, ERR_STREAM,
		       "column %s: source type '%s' is not a PostgreSQL type "
		       "ferry creates",
		       err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120),
		       err_quote(ty, sizeof(ty), c->source_type,
				 strlen(c->source_type), 120));
}

/* A PostgreSQL source's own type of a text column, as ferry prints it */
static int pg_own_type(const struct schema_column *c, struct buf *b,
		       struct err *e)
{
	for (size_t i = 0; i < sizeof(pg_types) / sizeof(pg_types[0]); i++) {
		int rc;
		if (parse_pg_type(&pg_types[i], c->source_type, b, e, &rc))
			return rc;
	}
	return refuse_type(c, e);
}

/* the name of the enum type of column c (--enum-types), quoted: a
 * PostgreSQL source's type keeps its name, else the column's */
static int enum_type_name(const struct schema_table *t,
			  const struct schema_column *c, struct buf *b,
			  struct err *e)
{
	if (from_pg(t) && c->source_type && *c->source_type)
		return quote_type_name(b, c->source_type, e);
	return pgutil_quote_ident(b, c->name, strlen(c->name), e);
}

/* the PostgreSQL type --create gives a column */
static int column_type(const struct schema_table *t,
		       const struct schema_column *c, int enum_types,
		       struct buf *b, struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";
	int pg = from_pg(t), uns = strstr(st, "unsigned") != NULL;

	switch (c->type) {
	case VALUE_BOOL: return buf_adds(b, "boolean", e);
	case VALUE_INT64:
		if (starts(st, "tinyint") || (starts(st, "smallint") && !uns))
			return buf_adds(b, "smallint", e);
		if (starts(st, "smallint") || starts(st, "mediumint") ||
		    starts(st, "year") ||
		    (starts(st, "int") && !uns && !starts(st, "int8")))
			return buf_adds(b, "integer", e);
		return buf_adds(b, "bigint", e);
	case VALUE_UINT64: return buf_adds(b, "numeric(20,0)", e);
	case VALUE_FLOAT64:
		return buf_adds(b,
				starts(st, "float") || starts(st, "real")
				    ? "real"
				    : "double precision",
				e);
	case VALUE_DECIMAL:
		if (c->precision > 0 && c->precision <= 1000 && c->scale >= 0 &&
		    c->scale <= c->precision)
			return buf_addf(b, e,
					"numeric(%" PRId64 ",%" PRId64 ")",
					c->precision, c->scale);
		return buf_adds(b, "numeric", e);
	case VALUE_TEXT:
		if (pg && *st)
			return pg_own_type(c, b, e); /* PG -> PG */
		if ((starts(st, "varchar") || starts(st, "char")) &&
		    c->length > 0 && c->length <= 10485760)
			return buf_addf(b, e, "varchar(%" PRId64 ")",
					c->length);
		return buf_adds(b, "text", e);
	case VALUE_BYTES: return buf_adds(b, "bytea", e);
	case VALUE_DATE: return buf_adds(b, "date", e);
	case VALUE_TIME: return buf_adds(b, "time", e);
	case VALUE_TIMESTAMP: return buf_adds(b, "timestamp", e);
	case VALUE_TIMESTAMPTZ: return buf_adds(b, "timestamptz", e);
	case VALUE_JSON:
		return buf_adds(
		    b, pg && strcmp(st, "json") == 0 ? "json" : "jsonb", e);
	case VALUE_UUID: return buf_adds(b, "uuid", e);
	case VALUE_ENUM:
		if (enum_types && c->nlabels)
			return enum_type_name(t, c, b, e);
		return buf_adds(b, "text", e);
	default: return buf_adds(b, "text", e);
	}
}

/* ", "-separated labels of c, quoted literals */
static int add_labels(const struct schema_column *c, struct buf *q,
		      struct err *e)
{
	for (size_t k = 0; k < c->nlabels; k++)
		if ((k && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_literal(q, c->labels[k], strlen(c->labels[k]),
					 e) < 0)
			return -1;
	return 0;
}

int sink_pg_ddl_enum(const struct schema_table *t, size_t col, struct buf *q,
		     struct err *e)
{
	const struct schema_column *c = &t->cols[col];

	if (buf_adds(q, "CREATE TYPE ", e) < 0 ||
	    enum_type_name(t, c, q, e) < 0 ||
	    buf_adds(q, " AS ENUM (", e) < 0 || add_labels(c, q, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

int sink_pg_ddl_table(const struct schema_table *t,
		      const struct pgname_table *pn, int enum_types,
		      struct buf *q, struct err *e)
{
	if (buf_adds(q, "CREATE TABLE ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0 ||
	    buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const char *nm = pn->cols[i];
		if ((i && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		    buf_addc(q, ' ', e) < 0 ||
		    column_type(t, c, enum_types, q, e) < 0 ||
		    (!c->nullable && buf_adds(q, " NOT NULL", e) < 0))
			return -1;
		if (c->type == VALUE_ENUM && c->nlabels && !enum_types &&
		    (buf_adds(q, " CHECK (", e) < 0 ||
		     pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		     buf_adds(q, " IN (", e) < 0 || add_labels(c, q, e) < 0 ||
		     buf_adds(q, "))", e) < 0))
			return -1;
	}
	return buf_addc(q, ')', e);
}

int sink_pg_ddl_primary_key(const struct schema_table *t,
			    const struct pgname_table *pn, struct buf *q,
			    struct err *e)
{
	if (!t->npk)
		return 0;
	if (buf_adds(q, "ALTER TABLE ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0 ||
	    buf_adds(q, " ADD PRIMARY KEY (", e) < 0 ||
	    quote_cols(pn->cols, q, t->pk, t->npk, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

/*
 * PostgreSQL's index names are per schema, MySQL's per table: the names
 * pgname_table_indexes gave (the target table's name in front, fitted to
 * 63 bytes as pgname.h says).
 */
int sink_pg_ddl_index(const struct schema_table *t,
		      const struct pgname_table *pn, size_t x, struct buf *q,
		      struct err *e)
{
	const struct schema_index *ix = &t->indexes[x];
	const char *nm;

	if (!pn->indexes || x >= pn->nindexes)
		return err_set(e, ERR_SYSTEM,
			       "internal error: index names not made");
	nm = pn->indexes[x];
	if (buf_adds(q, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ",
		     e) < 0 ||
	    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
	    buf_adds(q, " ON ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0 ||
	    buf_adds(q, " (", e) < 0 ||
	    quote_cols(pn->cols, q, ix->cols, ix->ncols, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

/* CREATE TYPE for --enum-types, unless a type of that name exists: in a
 * savepoint, so that the refusal of a duplicate leaves the table's
 * transaction usable */
static int create_enum(struct pg_sink *p, const struct schema_table *t,
		       size_t col, struct err *e)
{
	struct buf q;
	PGresult *r = NULL;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (sink_pg_ddl_enum(t, col, &q, e) < 0 ||
	    exec_ok(p, "SAVEPOINT ferry_enum", e) < 0)
		goto out;
	r = PQexecParams(p->conn, (char *)q.data, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		rc = exec_ok(p, "RELEASE SAVEPOINT ferry_enum", e);
	} else {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (!state || strcmp(state, "42710") != 0) {
			pgutil_msg(e, "creating an enum type",
				   PQresultErrorMessage(r));
			goto out;
		}
		/* duplicate_object: the type is there already */
		rc = exec_ok(p, "ROLLBACK TO SAVEPOINT ferry_enum", e);
	}
out:
	PQclear(r);
	buf_release(&q);
	return rc;
}

/* Create the table: its statement is built first, so a column refused
 * stops the table before any of its DDL runs. */
static int create_table(struct pg_sink *p, const struct schema_table *t,
			struct err *e)
{
	struct buf q;
	int rc = -1, et = p->base.opts.enum_types;

	buf_init(&q, 1u << 24);
	if (sink_pg_ddl_table(t, &p->pn, et, &q, e) < 0)
		goto out;
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].type == VALUE_ENUM && et && t->cols[i].nlabels &&
		    create_enum(p, t, i, e) < 0)
			goto out;
	rc = exec_ok(p, (char *)q.data, e);
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
			 "SELECT a.attname, t.typname, t.typtype "
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
	for (size_t i = 0; rows > 0 && i < t->ncols; i++) {
		int found = 0;
		for (int k = 0; k < rows && !found; k++)
			if (strcmp(PQgetvalue(r, k, 0), p->pn.cols[i]) == 0) {
				found = 1;
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
 * the stage (start_copy makes a new one after a --commit-every commit). */
static int delete_staged(struct pg_sink *p, struct err *e)
{
	const struct schema_table *t = p->t;
	struct buf q;
	PGresult *r = NULL;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "DELETE FROM ", e) < 0 ||
	    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
	    buf_adds(&q, " AS ferry_t USING ferry_stage AS ferry_s WHERE ", e) <
		0)
		goto out;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *n = p->pn.cols[i];
		if ((i && buf_adds(&q, " AND ", e) < 0) ||
		    buf_adds(&q, "ferry_t.", e) < 0 ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0 ||
		    buf_adds(&q, " = ferry_s.", e) < 0 ||
		    pgutil_quote_ident(&q, n, strlen(n), e) < 0)
			goto out;
	}
	r = PQexec(p->conn, (char *)q.data);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pgutil_msg(e, "deleting the rows of the keys",
			   PQresultErrorMessage(r));
		goto out;
	}
	p->deleted += strtoull(PQcmdTuples(r), NULL, 10);
	rc = exec_ok(p, "DROP TABLE ferry_stage", e);
out:
	PQclear(r);
	buf_release(&q);
	return rc;
}

static int start_copy(struct pg_sink *p, struct err *e)
{
	struct buf q;
	PGresult *r;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (p->base.opts.mode == SINK_DELETE) {
		if (create_key_stage(p, e) < 0 ||
		    buf_adds(&q, "COPY ferry_stage (", e) < 0)
			goto out;
	} else if (p->base.opts.mode == SINK_UPSERT) {
		if (buf_adds(&q, "CREATE TEMP TABLE ferry_stage (LIKE ", e) <
			0 ||
		    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
		    buf_adds(&q, " INCLUDING DEFAULTS) ON COMMIT DROP", e) <
			0 ||
		    exec_ok(p, (char *)q.data, e) < 0)
			goto out;
		buf_reset(&q);
		if (buf_adds(&q, "COPY ferry_stage (", e) < 0)
			goto out;
	} else if (buf_adds(&q, "COPY ", e) < 0 ||
		   buf_add(&q, p->name.data, p->name.len, e) < 0 ||
		   buf_adds(&q, " (", e) < 0) {
		goto out;
	}
	if (buf_add(&q, p->cols.data, p->cols.len, e) < 0 ||
	    buf_adds(&q, ") FROM STDIN", e) < 0 ||
	    (p->binary && buf_adds(&q, " WITH (FORMAT binary)", e) < 0))
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

/* upsert: move the staged rows into the table */
static int merge_stage(struct pg_sink *p, struct err *e)
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
	if (quote_cols(p->pn.cols, &q, t->pk, t->npk, e) < 0)
		goto out;
	if (buf_adds(&q, ") DO UPDATE SET ", e) < 0)
		goto out;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *n = p->pn.cols[i];
		int key = 0;
		for (size_t k = 0; k < t->npk; k++)
			key |= t->pk[k] == i;
		if (key)
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
	if (exec_ok(p, (char *)q.data, e) < 0)
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

/*
 * One COPY of data[0..len) into the target, inside the transaction: 0 when
 * the server took it, 1 when it refused it (why set), -1 when the
 * connection failed.
 */
static int copy_sync(struct pg_sink *p, const unsigned char *data, size_t len,
		     char *why, size_t whysz, struct err *e)
{
	struct buf q;
	PGresult *r;
	int rc = 0;

	buf_init(&q, 1u << 24);
	if (buf_adds(&q, "COPY ", e) < 0 ||
	    buf_add(&q, p->name.data, p->name.len, e) < 0 ||
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
			const char *state =
			    PQresultErrorField(r, PG_DIAG_SQLSTATE);
			/* only the row's own fault is a reject: a data
			 * exception (22) or an integrity constraint (23); a
			 * deadlock, a lock timeout or a full disk fail the
			 * table */
			if (state && (strncmp(state, "22", 2) == 0 ||
				      strncmp(state, "23", 2) == 0)) {
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
	rc = copy_sync(p, p->copy.data, p->copy.len, why, sizeof(why), e);
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
			rc = copy_sync(p, p->copy.data + a, b - a, why,
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

static int pg_begin_table(struct sink *s, const struct schema_table *t,
			  const char *name, struct err *e)
{
	struct pg_sink *p = PGS(s);
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
	p->created = p->resumed = 0;
	buf_reset(&p->name);
	buf_reset(&p->plain);
	buf_reset(&p->cols);
	buf_reset(&p->copy);
	free(p->as_int);
	free(p->bkind);
	p->bkind = NULL;
	if (!(p->as_int = calloc(t->ncols, sizeof(*p->as_int))) ||
	    !(p->bkind = calloc(t->ncols + 1, 1)))
		return err_oom(e);
	/* the catalog's names: schema and table, fitted (pgname.h) */
	free(p->tschema);
	free(p->ttable);
	if (p->pn.schema) {
		p->tschema = strdup(p->pn.schema);
	} else if (t->schema && strcmp(name, t->name) == 0) {
		char fit[PGNAME_MAX + 1];
		pgname_fit(t->schema, fit);
		p->tschema = strdup(fit);
	} else {
		/* no schema (a MySQL source's table): public, as a bare
		 * name means everywhere in ferry, whatever search_path */
		p->tschema = strdup("public");
	}
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
	for (size_t i = 0; i < t->ncols; i++)
		if ((i && buf_adds(&p->cols, ", ", e) < 0) ||
		    pgutil_quote_ident(&p->cols, p->pn.cols[i],
				       strlen(p->pn.cols[i]), e) < 0)
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
	if (exec_ok(p, "BEGIN", e) < 0)
		return -1;
	p->in_tx = 1;
	if (check_columns(p, t, &exists, e) < 0)
		return -1;
	if (exists && s->opts.mode == SINK_DELETE &&
	    check_key_only(p, t, e) < 0)
		return -1;
	if (!exists) {
		if (!s->opts.create)
			return err_set(e, ERR_USAGE,
				       "table %s does not exist (use --create)",
				       name);
		if (create_table(p, t, e) < 0 ||
		    check_columns(p, t, &exists, e) < 0)
			return -1;
		p->created = 1;
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
	} else if (s->opts.mode == SINK_TRUNCATE) {
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
	if (s->opts.reject) {
		if (s->opts.mode == SINK_UPSERT || s->opts.mode == SINK_DELETE)
			return err_set(
			    e, ERR_USAGE,
			    "rejects are set aside in insert and truncate "
			    "modes only");
		return 0; /* a COPY per batch of kept rows */
	}
	/* binary when every column has a binary form for its target type
	 * (FERRY_PG_COPY=text keeps text) */
	p->binary = !(getenv("FERRY_PG_COPY") &&
		      strcmp(getenv("FERRY_PG_COPY"), "text") == 0);
	for (size_t i = 0; i < t->ncols; i++)
		if (p->bkind[i] == PGB_NONE)
			p->binary = 0;
	return start_copy(p, e);
}

/*
 * bytea's hex form, twice the value's size: outside the reject mode (which
 * keeps whole rows in hand to retry them) a large value goes to the sender
 * thread in chunks as it is written, so its hex form is never held whole.
 */
static int add_copy_hex(struct pg_sink *p, const unsigned char *s, size_t len,
			struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	int piecewise = !p->base.opts.reject;

	if (buf_add(&p->copy, "\\\\x", 3, e) < 0)
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

/* one value of a COPY text row; a large bytea goes out in chunks */
static int add_value(struct pg_sink *p, size_t i, const struct value *v,
		     struct err *e)
{
	enum value_type t = p->t->cols[i].type;

	if (t == VALUE_BYTES && !v->null && v->v.s.len > PG_COPY_CHUNK / 2)
		return add_copy_hex(p, (const unsigned char *)v->v.s.p,
				    v->v.s.len, e);
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
		    exec_ok(p, "COMMIT", e) < 0)
			return -1;
		p->in_tx = 0;
		p->commits++;
		p->since_commit = 0;
		if (exec_ok(p, "BEGIN", e) < 0)
			return -1;
		p->in_tx = 1;
		return 0;
	}
	if (end_copy(p, e) < 0 ||
	    (p->base.opts.mode == SINK_UPSERT && merge_stage(p, e) < 0) ||
	    (p->base.opts.mode == SINK_DELETE && delete_staged(p, e) < 0) ||
	    sink_checkpoint_commit(&p->base, p->t, p->rows, 0, keys_deferred(p),
				   e) < 0 ||
	    exec_ok(p, "COMMIT", e) < 0)
		return -1;
	p->in_tx = 0;
	p->commits++;
	p->since_commit = 0;
	if (exec_ok(p, "BEGIN", e) < 0)
		return -1;
	p->in_tx = 1;
	return start_copy(p, e);
}

static int pg_write_row(struct sink *s, const struct value *row, struct err *e)
{
	struct pg_sink *p = PGS(s);
	const struct schema_table *t = p->t;

	if (s->opts.reject) {
		size_t start = p->copy.len;
		if (buf_add(&p->lines, &start, sizeof(start), e) < 0 ||
		    rowbuf_add(&p->keep, t, row, e) < 0)
			return -1;
	}
	if (p->binary && pgbin_row(&p->copy, t->ncols, e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (p->binary
			? pgbin_value(&p->copy, (enum pgbin_kind)p->bkind[i],
				      t->cols[i].type, &row[i], e) < 0
			: ((i && buf_addc(&p->copy, '\t', e) < 0) ||
			   add_value(p, i, &row[i], e) < 0)) {
			if (e->class != ERR_STREAM && e->class != ERR_DB)
				return -1;
			char key[160];
			if (t->npk)
				return err_prefix(
				    e, "row %" PRIu64 " (%s), column %s",
				    s->row_no,
				    schema_row_key(t, row, key, sizeof(key)),
				    t->cols[i].name);
			return err_prefix(e, "row %" PRIu64 ", column %s",
					  s->row_no, t->cols[i].name);
		}
	}
	if (!p->binary && buf_addc(&p->copy, '\n', e) < 0)
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
		const char *seqv[1] = { PQgetvalue(r, i, 1) };
		struct buf q;
		PGresult *s;

		buf_init(&q, 1u << 20);
		/* only forward, and to the highest value itself (is_called):
		 * max + 1 would overflow at the type's maximum */
		if (buf_adds(&q,
			     "SELECT setval($1::regclass, m, true) FROM "
			     "(SELECT max(",
			     e) < 0 ||
		    pgutil_quote_ident(&q, col, strlen(col), e) < 0 ||
		    buf_adds(&q, ")::bigint AS m FROM ", e) < 0 ||
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
		s = PQexecParams(p->conn, (char *)q.data, 1, NULL, seqv, NULL,
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

	if (p->base.opts.no_indexes || !t->nindexes)
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
	rc = 0;
out:
	buf_release(&q);
	return rc;
}

static int pg_end_table(struct sink *s, struct sink_table_stats *st,
			struct err *e)
{
	struct pg_sink *p = PGS(s);

	if (end_copy(p, e) < 0 || (s->opts.reject && flush_kept(p, e) < 0))
		return -1;
	if (s->opts.mode == SINK_UPSERT && merge_stage(p, e) < 0)
		return -1;
	if (s->opts.mode == SINK_DELETE && delete_staged(p, e) < 0)
		return -1;
	/* keys and indexes of a created table after its rows: one sort
	 * each instead of an insertion per row */
	if (p->created && s->opts.mode != SINK_UPSERT && !s->opts.reject &&
	    (add_primary_key(p, e) < 0 || add_indexes(p, e) < 0))
		return -1;
	if (fix_sequences(p, e) < 0 ||
	    sink_checkpoint_commit(s, p->t, p->rows, 1, 0, e) < 0 ||
	    exec_ok(p, "COMMIT", e) < 0)
		return -1;
	p->in_tx = 0;
	p->commits++;
	st->rows = p->rows;
	st->rejected = p->rejected;
	st->commits = p->commits;
	st->created = p->created && !p->resumed;
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
	free(p->as_int);
	free(p->tschema);
	free(p->ttable);
	free(p->bkind);
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
			      struct checkpoint *c, struct err *e)
{
	return checkpoint_pg_read((struct pg_conn *)PGS(s)->conn, s->opts.job,
				  table, c, e);
}

static int pg_checkpoint_write(struct sink *s, const char *table,
			       const struct checkpoint *c, struct err *e)
{
	return checkpoint_pg_write((struct pg_conn *)PGS(s)->conn, s->opts.job,
				   table, c, e);
}

static const struct sink_ops pg_ops = {
	pg_begin_table, pg_write_row,	    pg_end_table,	 pg_abort_table,
	pg_close,	pg_checkpoint_read, pg_checkpoint_write,
};

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
	    exec_ok(p, "SET client_min_messages = warning", e) < 0)
		goto fail;
	if (o->job &&
	    (checkpoint_pg_ensure((struct pg_conn *)p->conn, e) < 0 ||
	     checkpoint_pg_lock((struct pg_conn *)p->conn, o->job, e) < 0))
		goto fail;
	return &p->base;
fail:
	pg_close(&p->base);
	return NULL;
}
