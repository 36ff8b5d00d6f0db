/*
 * source_pg - read tables out of PostgreSQL with libpq.  Metadata comes
 * from the catalogs through PQexecParams; rows through COPY (SELECT ...)
 * TO STDOUT in binary, decoded here one tuple at a time.  Types outside
 * ferry's first set (interval, arrays, inet, ranges, domains, ...) are
 * selected as ::text, their canonical text, with the type recorded.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "db/coldefault.h"
#include "db/pg/pgbin.h"
#include "db/pg/pgname.h"
#include "db/pg/pgutil.h"
#include "db/source_int.h"
#include "stream/objects.h"
#include "stream/sqlexpr.h"
#include "stream/stream.h"
#include "stream/wkb.h"

/* microseconds and days between 1970-01-01 and PostgreSQL's 2000-01-01 */
#define PG_EPOCH_US INT64_C(946684800000000)
#define PG_EPOCH_DAYS 10957

struct pg_source {
	struct source base;
	PGconn *conn;
	/* the table being read */
	const struct source_query *q;
	enum pgbin_dec *dec;
	struct value *row;
	int copying;
	struct buf in; /* COPY data received, not yet decoded */
	/* or, instead of in, a large message from libpq used where it lies
	 * (not copied into in: a 60 MiB value is then held twice, not
	 * three times, counting libpq's own buffer) */
	char *chunk;
	size_t chunk_len;
	size_t pos; /* first byte of in (or chunk) not yet decoded */
	struct buf sql;
	struct buf scratch; /* numeric text */
};

#define PG(s) ((struct pg_source *)(s))

static int pg_fail(struct pg_source *p, struct err *e, const char *what)
{
	return pgutil_msg(e, what, PQerrorMessage(p->conn));
}

static int pg_res_fail(struct pg_source *p, PGresult *r, struct err *e,
		       const char *what)
{
	const char *m = r ? PQresultErrorMessage(r) : "";

	if (!r || !*m)
		return pg_fail(p, e, what);
	return pgutil_msg(e, what, m);
}

static int pg_exec(struct pg_source *p, const char *sql, struct err *e)
{
	PGresult *r = PQexec(p->conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		pg_res_fail(p, r, e, sql);
	PQclear(r);
	return ok ? 0 : -1;
}

static PGresult *pg_params(struct pg_source *p, const char *sql, int n,
			   const char *const *vals, struct err *e)
{
	PGresult *r = PQexecParams(p->conn, sql, n, NULL, vals, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_res_fail(p, r, e, "reading the catalog");
		PQclear(r);
		return NULL;
	}
	return r;
}

static int pg_begin(struct source *s, struct err *e)
{
	return pg_exec(PG(s), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		       e);
}

static int pg_begin_snapshot(struct source *s, const char *name,
			     struct err *e)
{
	struct pg_source *p = PG(s);
	struct buf q;
	int rc = -1;

	/* the server's own name for it, as 00000003-0000001B-1 */
	if (!*name || strspn(name, "0123456789ABCDEFabcdef-") != strlen(name) ||
	    strlen(name) > 64)
		return err_set(e, ERR_DB, "the server exported a snapshot "
					  "named oddly");
	buf_init(&q, 256);
	if ((PQtransactionStatus(p->conn) != PQTRANS_IDLE &&
	     pg_exec(p, "ROLLBACK", e) < 0) ||
	    pg_exec(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e) <
		0 ||
	    buf_adds(&q, "SET TRANSACTION SNAPSHOT ", e) < 0 ||
	    pgutil_quote_literal(&q, name, strlen(name), e) < 0)
		goto out;
	rc = pg_exec(p, (char *)q.data, e);
out:
	buf_release(&q);
	return rc;
}

static int pg_list_tables(struct source *s, char ***names, size_t *n,
			  struct err *e)
{
	PGresult *r = pg_params(
	    PG(s),
	    "SELECT n.nspname, c.relname FROM pg_class c "
	    "JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
	    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
	    "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2",
	    0, NULL, e);
	int rows;
	char **out;

	if (!r)
		return -1;
	rows = PQntuples(r);
	if (!(out = calloc((size_t)rows + 1, sizeof(*out)))) {
		PQclear(r);
		return err_oom(e);
	}
	for (int i = 0; i < rows; i++) {
		/* public's tables bare, as a name without a schema means */
		if (!(out[i] = schema_name_format(PQgetvalue(r, i, 0),
						  PQgetvalue(r, i, 1), e))) {
			source_names_free(out);
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	*names = out;
	*n = (size_t)rows;
	return 0;
}

/* text types read in binary as they are; arrays of them ("character
 * varying(4)[]") and everything else are read as ::text */
static int is_native_text(const char *st)
{
	if (strchr(st, '['))
		return 0;
	return strcmp(st, "text") == 0 || strcmp(st, "name") == 0 ||
	       strcmp(st, "citext") == 0 || strcmp(st, "character") == 0 ||
	       strcmp(st, "character varying") == 0 ||
	       strncmp(st, "character(", 10) == 0 ||
	       strncmp(st, "character varying(", 18) == 0;
}

/* typname and typtype to a stream type; VALUE_TEXT for text casts too */
static enum value_type map_type(const char *typname, const char *typtype)
{
	static const struct {
		const char *name;
		enum value_type t;
	} map[] = {
		{ "bool", VALUE_BOOL },
		{ "int2", VALUE_INT64 },
		{ "int4", VALUE_INT64 },
		{ "int8", VALUE_INT64 },
		{ "float4", VALUE_FLOAT64 },
		{ "float8", VALUE_FLOAT64 },
		{ "numeric", VALUE_DECIMAL },
		{ "bytea", VALUE_BYTES },
		{ "date", VALUE_DATE },
		{ "time", VALUE_TIME },
		{ "timestamp", VALUE_TIMESTAMP },
		{ "timestamptz", VALUE_TIMESTAMPTZ },
		{ "json", VALUE_JSON },
		{ "jsonb", VALUE_JSON },
		{ "uuid", VALUE_UUID },
		{ "geometry", VALUE_BYTES }, /* PostGIS: as EWKB */
	};

	if (typtype[0] == 'e')
		return VALUE_ENUM;
	if (typtype[0] == 'b')
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(typname, map[i].name) == 0)
				return map[i].t;
	return VALUE_TEXT;
}

/* an enum's labels from their JSON array text (PostgreSQL's, in
 * enumsortorder) into col */
static int enum_labels(struct schema_column *col, const char *lj, struct err *e)
{
	struct json_node *arr = json_parse(lj, strlen(lj), e);

	if (!arr)
		return -1;
	col->labels = calloc(arr->n + 1, sizeof(*col->labels));
	for (size_t k = 0; col->labels && k < arr->n; k++) {
		if (!(col->labels[k] = strdup(arr->kids[k].str)))
			break;
		col->nlabels++;
	}
	if (!col->labels || col->nlabels != arr->n) {
		json_free(arr);
		return err_oom(e);
	}
	json_free(arr);
	return 0;
}

/* a counter's figure, 0 when unknown or past int64 */
static int64_t seq_figure(PGresult *c, int i, int k)
{
	const char *v = PQgetvalue(c, i, k);
	char *end;
	long long n;

	if (PQgetisnull(c, i, k))
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	return errno || *end ? 0 : n;
}

/* col's identity (a serial too), its default or its generation, from
 * columns 10 to 15 */
static int describe_default(struct schema_column *col, PGresult *c, int i,
			    struct err *e)
{
	const char *idn = PQgetvalue(c, i, 11);

	col->identity_increment = 1;
	if (strcmp(PQgetvalue(c, i, 12), "t") == 0) {
		col->identity = strcmp(idn, "a") == 0
				    ? SCHEMA_IDENTITY_ALWAYS
				    : SCHEMA_IDENTITY_BY_DEFAULT;
		col->identity_next = seq_figure(c, i, 13);
		if (!(col->identity_increment = seq_figure(c, i, 14)))
			col->identity_increment = 1;
		return 0;
	}
	if (PQgetisnull(c, i, 10))
		return 0;
	if (*PQgetvalue(c, i, 15)) { /* 's': stored */
		col->generated_stored = 1;
		col->generated = strdup(PQgetvalue(c, i, 10));
		return col->generated ? 0 : err_oom(e);
	}
	return coldefault_pg(col, PQgetvalue(c, i, 10), e);
}

/* column i of the catalog query's result c into col */
static int describe_column(struct schema_column *col, PGresult *c, int i,
			   struct err *e)
{
	col->length = col->precision = col->scale = -1;
	if (!(col->name = strdup(PQgetvalue(c, i, 0))) ||
	    !(col->source_type = strdup(PQgetvalue(c, i, 1))))
		return err_oom(e);
	col->type = map_type(PQgetvalue(c, i, 2), PQgetvalue(c, i, 3));
	col->nullable = strcmp(PQgetvalue(c, i, 4), "t") != 0;
	col->has_default = strcmp(PQgetvalue(c, i, 9), "t") == 0;
	if (!PQgetisnull(c, i, 6)) {
		col->precision = strtoll(PQgetvalue(c, i, 6), NULL, 10);
		col->scale = strtoll(PQgetvalue(c, i, 7), NULL, 10);
	}
	if (!PQgetisnull(c, i, 8))
		col->length = strtoll(PQgetvalue(c, i, 8), NULL, 10);
	if (!PQgetisnull(c, i, 5) &&
	    enum_labels(col, PQgetvalue(c, i, 5), e) < 0)
		return -1;
	col->nonnegative = strcmp(PQgetvalue(c, i, 16), "t") == 0;
	/* a text column that compares without case: the MySQL collation
	 * of that meaning, which MySQL targets take and PostgreSQL ones
	 * make as ferry_ci (ferry_ci_as) again */
	if (!PQgetisnull(c, i, 17) && col->type == VALUE_TEXT) {
		const char *loc = PQgetvalue(c, i, 17);
		const char *mc = strstr(loc, "ks-level1") ? "utf8mb4_unicode_ci"
				 : strstr(loc, "ks-level2")
				     ? "utf8mb4_0900_as_ci"
				     : NULL;
		if (mc && !(col->collation = strdup(mc)))
			return err_oom(e);
	}
	/* citext compares without case, but not without accents */
	if (!col->collation && col->type == VALUE_TEXT && col->source_type &&
	    strcmp(col->source_type, "citext") == 0 &&
	    !(col->collation = strdup("utf8mb4_0900_as_ci")))
		return err_oom(e);
	return describe_default(col, c, i, e);
}

/* Whether column a of the table has a validated CHECK that keeps it >= 0,
 * in the forms PostgreSQL prints for "c >= 0" (and "0 <= c", and the one
 * ferry-load --create makes for a uint64): such a column is "unsigned" in
 * the stream, UNSIGNED on MySQL. */
/* and (MySQL's narrower UNSIGNED, as ferry-load --create makes it) the
 * same with an upper bound, which stays a CHECK of the stream too */
#define NONNEGATIVE_MAX(col, max)                                              \
	"'CHECK (((' || quote_ident(" col ") || ' >= 0) AND (' || "            \
	"quote_ident(" col ") || ' <= " max ")))'"
#define NONNEGATIVE_FORMS(col)                                                 \
	"('CHECK ((' || quote_ident(" col ") || ' >= 0))', "                   \
	"'CHECK ((0 <= ' || quote_ident(" col ") || '))', "                    \
	"'CHECK ((' || quote_ident(" col ") || ' >= (0)::numeric))', "         \
	"'CHECK (((0)::numeric <= ' || quote_ident(" col ") || '))', "         \
	"'CHECK ((' || quote_ident(" col ") || "                               \
	"' >= (0)::double precision))', "                                      \
	"'CHECK (((0)::double precision <= ' || quote_ident(" col ") || "      \
	"'))', "                                                               \
	"'CHECK (((' || quote_ident(" col ") || ' >= (0)::numeric) AND (' "    \
	"|| quote_ident(" col ") || "                                          \
	"' <= ''18446744073709551615''::numeric)))', "                         \
	NONNEGATIVE_MAX(col, "255") ", " NONNEGATIVE_MAX(col, "65535") ", "    \
	NONNEGATIVE_MAX(col, "16777215") ", "                                  \
	NONNEGATIVE_MAX(col, "''4294967295''::bigint") ")"
#define NONNEGATIVE_TYPES                                                      \
	"('int2', 'int4', 'int8', 'numeric', 'float4', 'float8')"
#define NONNEGATIVE_CHECK                                                        \
	"EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid "   \
	"AND k.contype = 'c' AND k.convalidated AND k.conkey = "                 \
	"ARRAY[a.attnum] AND pg_get_constraintdef(k.oid) IN " NONNEGATIVE_FORMS( \
	    "a.attname") ")"

/* The table (oid in vals[0]) and its columns, named nsp.rel; NULL with
 * e set. */
/* the next value of sequence nsp.rel, which no nextval has taken since it
 * was made or restarted: its last_value (is_called false), read from the
 * relation, named by the catalog and quoted; into col's identity_next */
static int seq_unused_next(struct pg_source *p, const char *nsp,
			   const char *rel, struct schema_column *col,
			   struct err *e)
{
	long long next;
	int rc = pgutil_seq_unused((struct pg_conn *)p->conn, nsp, rel, &next,
				   e);

	if (rc == 1)
		col->identity_next = next;
	return rc < 0 ? -1 : 0;
}

/* column col (named in vals[1]) of the table (oid in vals[0]) is of a
 * composite type: its schema, name and attributes into col->composite */
static int describe_composite(struct pg_source *p, const char *const *vals,
			      struct schema_column *col, struct err *e)
{
	PGresult *r = pg_params(
	    p,
	    "SELECT n.nspname, ty.typname, a2.attname, "
	    "format_type(a2.atttypid, a2.atttypmod) "
	    /* the column's type, or its arrays' element type */
	    "FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid "
	    "JOIN pg_type ty ON ty.oid = CASE WHEN at.typcategory = 'A' "
	    "THEN at.typelem ELSE at.oid END "
	    "JOIN pg_namespace n ON n.oid = ty.typnamespace "
	    "JOIN pg_attribute a2 ON a2.attrelid = ty.typrelid "
	    "AND a2.attnum > 0 AND NOT a2.attisdropped "
	    "WHERE a.attrelid = $1 AND a.attname = $2 ORDER BY a2.attnum",
	    2, vals, e);
	int rc = -1;

	if (!r)
		return -1;
	for (int k = 0; k < PQntuples(r); k++) {
		if (!col->composite &&
		    !(col->composite = schema_composite_new(
			  PQgetvalue(r, k, 0), PQgetvalue(r, k, 1), e)))
			goto out;
		if (schema_composite_add(col->composite, PQgetvalue(r, k, 2),
					 PQgetvalue(r, k, 3), e) < 0)
			goto out;
	}
	rc = 0;
out:
	PQclear(r);
	return rc;
}

static struct schema_table *describe_columns(struct pg_source *p,
					     const char *const *vals,
					     const char *nsp, const char *rel,
					     struct err *e)
{
	struct schema_table *t = NULL;
	PGresult *c = pg_params(
	    p,
	    "SELECT a.attname, format_type(t.oid, t.typmod), "
	    "t.typname, t.typtype, a.attnotnull OR dt.typnotnull, "
	    "CASE WHEN t.typtype = 'e' THEN (SELECT "
	    "array_to_json(array_agg(enumlabel ORDER BY enumsortorder))::text "
	    "FROM pg_enum WHERE enumtypid = t.oid) END, "
	    "CASE WHEN t.typname = 'numeric' AND t.typmod >= 4 "
	    "THEN ((t.typmod - 4) >> 16) & 65535 END, "
	    "CASE WHEN t.typname = 'numeric' AND t.typmod >= 4 "
	    "THEN (t.typmod - 4) & 65535 END, "
	    "CASE WHEN t.typname IN ('varchar', 'bpchar') AND "
	    "t.typmod >= 4 THEN t.typmod - 4 END, "
	    "a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '', "
	    "pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
	    /* a sequence the column owns: serial (its default is the
	     * sequence's nextval) or identity; the value it gives next */
	    "s.seqrelid IS NOT NULL AND (a.attidentity <> '' OR "
	    "pg_get_expr(d.adbin, d.adrelid) = 'nextval(' || "
	    "quote_literal(s.seqrelid::regclass::text) || '::regclass)'), "
	    "CASE WHEN has_sequence_privilege(s.seqrelid, 'SELECT, USAGE') "
	    "THEN COALESCE(pg_sequence_last_value(s.seqrelid)::numeric + "
	    "s.seqincrement, s.seqstart) END, s.seqincrement, a.attgenerated, "
	    "t.typname IN " NONNEGATIVE_TYPES " AND " NONNEGATIVE_CHECK ", "
	    /* a nondeterministic ICU collation: its locale, whose
	     * strength says what it ignores */
	    "(SELECT COALESCE(to_jsonb(co) ->> 'colllocale', "
	    "to_jsonb(co) ->> 'colliculocale', co.collcollate) "
	    "FROM pg_collation co WHERE co.oid = a.attcollation "
	    "AND NOT co.collisdeterministic), "
	    /* a sequence not called since it was made or restarted: its
	     * next value is in the relation only (columns 18 to 20) */
	    "s.seqrelid IS NOT NULL AND "
	    "has_sequence_privilege(s.seqrelid, 'SELECT, USAGE') AND "
	    "pg_sequence_last_value(s.seqrelid) IS NULL, "
	    "(SELECT sn.nspname FROM pg_class sc JOIN pg_namespace sn "
	    "ON sn.oid = sc.relnamespace WHERE sc.oid = s.seqrelid), "
	    "(SELECT sc.relname FROM pg_class sc WHERE sc.oid = s.seqrelid), "
	    /* a domain over a base type: its schema, name and NOT NULL
	     * (columns 21 to 23) */
	    "CASE WHEN db.oid IS NOT NULL THEN (SELECT dn.nspname FROM "
	    "pg_namespace dn WHERE dn.oid = dt.typnamespace) END, "
	    "CASE WHEN db.oid IS NOT NULL THEN dt.typname END, "
	    "dt.typnotnull, "
	    /* the domain's default, which a column without its own takes
	     * (column 24) */
	    "CASE WHEN dt.typtype = 'd' THEN "
	    "pg_get_expr(dt.typdefaultbin, 0) END, "
	    /* an array of an enum: the enum's labels (column 25) */
	    "(SELECT array_to_json(array_agg(ev.enumlabel "
	    "ORDER BY ev.enumsortorder))::text FROM pg_type at "
	    "JOIN pg_enum ev ON ev.enumtypid = at.typelem "
	    "WHERE at.oid = t.oid AND at.typcategory = 'A') "
	    "FROM pg_attribute a JOIN pg_type dt ON dt.oid = a.atttypid "
	    /* a domain over a base type is that type (its NOT NULL too;
	     * its CHECKs are the table's: describe_checks) */
	    "LEFT JOIN pg_type db ON dt.typtype = 'd' "
	    "AND db.oid = dt.typbasetype AND db.typtype <> 'd' "
	    "CROSS JOIN LATERAL (SELECT COALESCE(db.oid, dt.oid) AS oid, "
	    "COALESCE(db.typname, dt.typname) AS typname, "
	    "COALESCE(db.typtype, dt.typtype) AS typtype, "
	    "CASE WHEN db.oid IS NULL THEN a.atttypmod "
	    "ELSE dt.typtypmod END AS typmod) t "
	    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
	    "AND d.adnum = a.attnum "
	    "LEFT JOIN LATERAL (SELECT q.seqrelid, q.seqstart, q.seqincrement "
	    "FROM pg_depend dep JOIN pg_sequence q ON q.seqrelid = dep.objid "
	    "WHERE dep.classid = 'pg_class'::regclass "
	    "AND dep.refclassid = 'pg_class'::regclass "
	    "AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum "
	    "AND dep.deptype IN ('a', 'i') LIMIT 1) s ON true "
	    "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped "
	    "ORDER BY a.attnum",
	    1, vals, e);
	int rows;

	if (!c)
		return NULL;
	rows = PQntuples(c);
	if (rows > SCHEMA_MAX_COLUMNS || rows == 0) {
		err_set(e, ERR_STREAM, "%d columns (1 to %d can be carried)",
			rows, SCHEMA_MAX_COLUMNS);
		goto fail;
	}
	if (!(t = calloc(1, sizeof(*t))) ||
	    schema_table_set_name(t, nsp, rel, e) < 0 ||
	    !(t->cols = calloc((size_t)rows, sizeof(*t->cols))) ||
	    !(t->types = calloc((size_t)rows, sizeof(*t->types))) ||
	    !(t->pk = calloc((size_t)rows, sizeof(*t->pk)))) {
		err_oom(e);
		goto fail;
	}
	t->watermark = -1;
	for (int i = 0; i < rows; i++) {
		t->ncols++;
		if (describe_column(&t->cols[i], c, i, e) < 0)
			goto fail;
		t->types[i] = t->cols[i].type;
		/* a composite type, or an array of one */
		if (strcmp(PQgetvalue(c, i, 3), "c") == 0 ||
		    (t->cols[i].type == VALUE_TEXT && t->cols[i].source_type &&
		     strlen(t->cols[i].source_type) > 2 &&
		     strcmp(t->cols[i].source_type +
				strlen(t->cols[i].source_type) - 2,
			    "[]") == 0)) {
			const char *cv[2] = { vals[0], PQgetvalue(c, i, 0) };
			if (describe_composite(p, cv, &t->cols[i], e) < 0)
				goto fail;
		}
		if (!PQgetisnull(c, i, 21) && !PQgetisnull(c, i, 22) &&
		    !(t->cols[i].domain = schema_domain_new(
			  PQgetvalue(c, i, 21), PQgetvalue(c, i, 22),
			  strcmp(PQgetvalue(c, i, 23), "t") == 0, e)))
			goto fail;
		/* an array of an enum: its labels, for the type a PostgreSQL
		 * target makes */
		if (!PQgetisnull(c, i, 25) && t->cols[i].type == VALUE_TEXT) {
			struct schema_column *col = &t->cols[i];
			char **keep = col->labels;
			size_t nkeep = col->nlabels;
			col->labels = NULL;
			col->nlabels = 0;
			if (enum_labels(col, PQgetvalue(c, i, 25), e) < 0) {
				col->elabels = col->labels;
				col->nelabels = col->nlabels;
				col->labels = keep;
				col->nlabels = nkeep;
				goto fail;
			}
			col->elabels = col->labels;
			col->nelabels = col->nlabels;
			col->labels = keep;
			col->nlabels = nkeep;
		}
		/* a column of a domain with a DEFAULT and none of its own:
		 * an INSERT without it gets the domain's, which is the
		 * column's default on every target */
		if (!PQgetisnull(c, i, 24) &&
		    t->cols[i].def.kind == SCHEMA_DEFAULT_NONE &&
		    !t->cols[i].identity && !t->cols[i].generated &&
		    coldefault_pg(&t->cols[i], PQgetvalue(c, i, 24), e) < 0)
			goto fail;
		if (t->cols[i].identity && strcmp(PQgetvalue(c, i, 18), "t") == 0 &&
		    seq_unused_next(p, PQgetvalue(c, i, 19),
				    PQgetvalue(c, i, 20), &t->cols[i], e) < 0)
			goto fail;
	}
	PQclear(c);
	return t;
fail:
	PQclear(c);
	schema_table_free(t);
	return NULL;
}

/* t's primary key, in key order */
static int describe_key(struct pg_source *p, const char *const *vals,
			struct schema_table *t, struct err *e)
{
	PGresult *k =
	    pg_params(p,
		      "SELECT a.attname FROM pg_index i, "
		      "unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord), "
		      "pg_attribute a WHERE i.indrelid = $1 AND i.indisprimary "
		      "AND a.attrelid = i.indrelid AND a.attnum = k.attnum "
		      "ORDER BY k.ord",
		      1, vals, e);

	if (!k)
		return -1;
	for (int i = 0; i < PQntuples(k); i++) {
		int idx = schema_column_index(t, PQgetvalue(k, i, 0));
		if (idx >= 0)
			t->pk[t->npk++] = (size_t)idx;
	}
	PQclear(k);
	return 0;
}

/* The columns of t an index's name array "{a,b}" names, into cols (at
 * most 64); 0 when one is quoted, unknown or too many. */
static size_t index_columns(const char *arr, const struct schema_table *t,
			    size_t cols[64])
{
	size_t n = 0;

	if (*arr == '{')
		arr++;
	while (*arr && *arr != '}') {
		const char *end = arr;
		char name[SCHEMA_MAX_NAME + 1];
		int idx;
		if (*arr == '"')
			return 0;
		while (*end && *end != ',' && *end != '}')
			end++;
		if ((size_t)(end - arr) > SCHEMA_MAX_NAME || n == 64)
			return 0;
		memcpy(name, arr, (size_t)(end - arr));
		name[end - arr] = '\0';
		if ((idx = schema_column_index(t, name)) < 0)
			return 0;
		cols[n++] = (size_t)idx;
		arr = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* t's btree indexes on plain columns, without a predicate */
static int describe_indexes(struct pg_source *p, const char *const *vals,
			    struct schema_table *t, struct err *e)
{
	PGresult *x = pg_params(
	    p,
	    "SELECT c.relname, i.indisunique, ARRAY(SELECT a.attname "
	    "FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) "
	    "JOIN pg_attribute a ON a.attrelid = i.indrelid "
	    "AND a.attnum = k.n ORDER BY k.o)::text "
	    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
	    "JOIN pg_am am ON am.oid = c.relam "
	    "WHERE i.indrelid = $1 AND NOT i.indisprimary "
	    "AND i.indexprs IS NULL AND i.indpred IS NULL "
	    "AND am.amname = 'btree' AND NOT 0 = ANY (i.indkey::int2[]) "
	    "ORDER BY c.relname",
	    1, vals, e);

	if (!x)
		return -1;
	for (int i = 0; i < PQntuples(x); i++) {
		size_t cols[64];
		/* {a,b} of plain names; a quoted name makes us skip it */
		size_t n = index_columns(PQgetvalue(x, i, 2), t, cols);
		if (n && schema_add_index(t, PQgetvalue(x, i, 0), cols, n,
					  strcmp(PQgetvalue(x, i, 1), "t") == 0,
					  e) < 0) {
			PQclear(x);
			return -1;
		}
	}
	PQclear(x);
	return 0;
}

/* pg_constraint's confdeltype/confupdtype */
static enum schema_fk_action pg_fk_action(char c)
{
	switch (c) {
	case 'r': return SCHEMA_FK_RESTRICT;
	case 'c': return SCHEMA_FK_CASCADE;
	case 'n': return SCHEMA_FK_SET_NULL;
	case 'd': return SCHEMA_FK_SET_DEFAULT;
	default: return SCHEMA_FK_NO_ACTION;
	}
}

/* the names of a JSON array of strings, at most 64, into out (borrowed
 * from arr); the count, or -1 */
static int json_names(const struct json_node *arr, char **out)
{
	if (!arr || arr->kind != JSON_ARRAY || arr->n < 1 || arr->n > 64)
		return -1;
	for (size_t i = 0; i < arr->n; i++) {
		if (arr->kids[i].kind != JSON_STRING)
			return -1;
		out[i] = arr->kids[i].str;
	}
	return (int)arr->n;
}

/* t's validated CHECK constraints that mean the same everywhere
 * (source_add_check); a NOT VALID one is named in the objects frame */
static int describe_checks(struct pg_source *p, const char *const *vals,
			   struct schema_table *t, struct err *e)
{
	PGresult *r = pg_params(
	    p,
	    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
	    "WHERE conrelid = $1 AND contype = 'c' AND convalidated "
	    "ORDER BY conname",
	    1, vals, e);
	int rc = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++)
		if ((rc = source_set_check(t, PQgetvalue(r, i, 1), 1, e)) == 0)
			rc = source_add_check(t, PQgetvalue(r, i, 0),
					      PQgetvalue(r, i, 1), SQLEXPR_PG,
					      e);
		else if (rc > 0)
			rc = 0; /* the column's "set" */
	PQclear(r);
	if (rc < 0)
		return -1;
	/* the CHECKs of a column's domain, which the column carries as its
	 * base type: each the table's, named column_constraint */
	if (!(r = pg_params(
		  p,
		  "SELECT a.attname, a.attname || '_' || k.conname, "
		  "pg_get_constraintdef(k.oid), k.conname FROM pg_attribute a "
		  "JOIN pg_type dt ON dt.oid = a.atttypid AND dt.typtype = 'd' "
		  "JOIN pg_type db ON db.oid = dt.typbasetype "
		  "AND db.typtype <> 'd' "
		  "JOIN pg_constraint k ON k.contypid = dt.oid "
		  "AND k.contype = 'c' AND k.convalidated "
		  "WHERE a.attrelid = $1 AND a.attnum > 0 "
		  "AND NOT a.attisdropped ORDER BY a.attnum, k.conname",
		  1, vals, e)))
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		int ci = schema_column_index(t, PQgetvalue(r, i, 0));
		if (ci >= 0)
			rc = source_add_domain_check(
			    t, (size_t)ci, PQgetvalue(r, i, 1),
			    PQgetvalue(r, i, 3), PQgetvalue(r, i, 2),
			    SQLEXPR_PG, e);
	}
	PQclear(r);
	return rc;
}

/* t's btree indexes on expressions or with a WHERE whose every key and
 * predicate mean the same everywhere (sqlexpr.h), with default operator
 * classes, orders and collations and no INCLUDE columns; the others are
 * in the objects frame */
static int describe_xindexes(struct pg_source *p, const char *const *vals,
			     struct schema_table *t, struct err *e)
{
	PGresult *r = pg_params(
	    p,
	    "SELECT ic.relname, i.indisunique, (SELECT json_agg("
	    "pg_get_indexdef(i.indexrelid, k, false) ORDER BY k) "
	    "FROM generate_series(1, i.indnkeyatts) k)::text, "
	    "pg_get_expr(i.indpred, i.indrelid, false) "
	    "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
	    "JOIN pg_am am ON am.oid = ic.relam "
	    "WHERE i.indrelid = $1 AND NOT i.indisprimary AND i.indisvalid "
	    "AND am.amname = 'btree' AND i.indnatts = i.indnkeyatts "
	    "AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) "
	    "AND NOT EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o "
	    "WHERE o <> 0) "
	    "AND NOT EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) c(o) "
	    "JOIN pg_opclass oc ON oc.oid = c.o WHERE NOT oc.opcdefault) "
	    "AND NOT EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[], "
	    "i.indkey::int2[]) u(co, att) WHERE u.co <> 0 "
	    "AND u.co <> 100 AND NOT EXISTS (SELECT 1 FROM pg_attribute a "
	    "WHERE a.attrelid = i.indrelid AND a.attnum = u.att "
	    "AND a.attcollation = u.co)) "
	    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
	    "WHERE k.conindid = i.indexrelid AND k.contype = 'x') "
	    "ORDER BY 1",
	    1, vals, e);
	int rc = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		struct json_node *a = json_parse(
		    PQgetvalue(r, i, 2), strlen(PQgetvalue(r, i, 2)), e);
		char *keys[64];
		int n = a ? json_names(a, keys) : -1;

		if (!a)
			rc = -1;
		else if (n > 0)
			rc = source_add_xindex(
			    t, PQgetvalue(r, i, 0), (const char *const *)keys,
			    (size_t)n, *PQgetvalue(r, i, 1) == 't',
			    PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3),
			    SQLEXPR_PG, e);
		json_free(a);
	}
	PQclear(r);
	return rc;
}

/* t's foreign keys, each as the source declares it */
static int describe_fkeys(struct pg_source *p, const char *const *vals,
			  struct schema_table *t, struct err *e)
{
	PGresult *r = pg_params(
	    p,
	    "SELECT c.conname, (SELECT json_agg(a.attname ORDER BY k.ord) "
	    "FROM unnest(c.conkey) WITH ORDINALITY AS k(n, ord) "
	    "JOIN pg_attribute a ON a.attrelid = c.conrelid "
	    "AND a.attnum = k.n)::text, n.nspname, r.relname, "
	    "(SELECT json_agg(a.attname ORDER BY k.ord) "
	    "FROM unnest(c.confkey) WITH ORDINALITY AS k(n, ord) "
	    "JOIN pg_attribute a ON a.attrelid = c.confrelid "
	    "AND a.attnum = k.n)::text, c.confdeltype, c.confupdtype "
	    "FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid "
	    "JOIN pg_namespace n ON n.oid = r.relnamespace "
	    "WHERE c.conrelid = $1 AND c.contype = 'f' ORDER BY c.conname",
	    1, vals, e);
	int rc = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		struct json_node *a = json_parse(
		    PQgetvalue(r, i, 1), strlen(PQgetvalue(r, i, 1)), e);
		struct json_node *b =
		    a ? json_parse(PQgetvalue(r, i, 4),
				   strlen(PQgetvalue(r, i, 4)), e)
		      : NULL;
		char *own[64], *ref[64];
		size_t cols[64];
		struct schema_fkey fk;
		int n = a ? json_names(a, own) : -1;

		memset(&fk, 0, sizeof(fk));
		if (!a || !b)
			rc = -1;
		else if (n < 0 || json_names(b, ref) != n)
			rc = err_set(
			    e, ERR_STREAM,
			    "foreign key %s: its columns cannot be read",
			    PQgetvalue(r, i, 0));
		for (int k = 0; rc == 0 && k < n; k++) {
			int idx = schema_column_index(t, own[k]);
			if (idx < 0)
				rc = err_set(e, ERR_STREAM,
					     "foreign key %s names no column",
					     PQgetvalue(r, i, 0));
			else
				cols[k] = (size_t)idx;
		}
		if (rc == 0) {
			fk.name = PQgetvalue(r, i, 0);
			fk.cols = cols;
			fk.ncols = (size_t)n;
			fk.ref_schema = PQgetvalue(r, i, 2);
			fk.ref_table = PQgetvalue(r, i, 3);
			fk.ref_cols = ref;
			fk.on_delete = pg_fk_action(*PQgetvalue(r, i, 5));
			fk.on_update = pg_fk_action(*PQgetvalue(r, i, 6));
			rc = schema_add_fkey(t, &fk, e);
		}
		json_free(a);
		json_free(b);
	}
	PQclear(r);
	return rc;
}

/* one value of a partition bound as pg_get_expr prints it: 'text' (''
 * doubled), a number, true/false, NULL, MINVALUE, MAXVALUE; *s moves past
 * it.  0, or -1 (not of that form) */
static int bound_value(const char **s, struct schema_bound *b, int range)
{
	const char *p = *s;
	size_t n;

	memset(b, 0, sizeof(*b));
	if (*p == '\'') {
		struct buf v;
		buf_init(&v, 65537);
		for (p++;; p++) {
			if (!*p) {
				buf_release(&v);
				return -1;
			}
			if (*p == '\'' && p[1] == '\'')
				p++;
			else if (*p == '\'')
				break;
			if (buf_addc(&v, (unsigned char)*p, NULL) < 0) {
				buf_release(&v);
				return -1;
			}
		}
		p++;
		if (buf_addc(&v, 0, NULL) < 0 ||
		    !(b->value = strdup((char *)v.data))) {
			buf_release(&v);
			return -1;
		}
		buf_release(&v);
		*s = p;
		return 0;
	}
	n = strcspn(p, ", )");
	if (n == 4 && strncmp(p, "NULL", 4) == 0 && !range)
		b->kind = SCHEMA_BOUND_NULL;
	else if (n == 8 && strncmp(p, "MINVALUE", 8) == 0 && range)
		b->kind = SCHEMA_BOUND_MIN;
	else if (n == 8 && strncmp(p, "MAXVALUE", 8) == 0 && range)
		b->kind = SCHEMA_BOUND_MAX;
	else if (n && ((n == 4 && strncmp(p, "true", 4) == 0) ||
		       (n == 5 && strncmp(p, "false", 5) == 0) ||
		       strspn(p, "-+0123456789.eE") == n)) {
		if (!(b->value = strndup(p, n)))
			return -1;
	} else {
		return -1;
	}
	*s = p + n;
	return 0;
}

/* "(v, v, ...)" into *out (n of them, at most max); -1 when not of that
 * form */
static int bound_list(const char **s, struct schema_bound **out, size_t *n,
		      size_t max, int range)
{
	const char *p = *s;
	size_t cap = 64; /* more than a key's 32 columns */

	*n = 0;
	if (*p++ != '(' || !(*out = calloc(cap, sizeof(**out))))
		return -1;
	for (;;) {
		if (*n == cap) {
			struct schema_bound *m;
			if (cap >= SCHEMA_MAX_LABELS ||
			    !(m = realloc(*out, 2 * cap * sizeof(*m))))
				return -1;
			*out = m;
			cap *= 2;
		}
		if (*n == max || bound_value(&p, &(*out)[*n], range) < 0)
			return -1;
		(*n)++;
		if (strncmp(p, ", ", 2) == 0)
			p += 2;
		else if (*p == ')')
			break;
		else
			return -1;
	}
	*s = p + 1;
	return 0;
}

/* a partition's bound text (pg_get_expr of relpartbound) into x: 0, or
 * -1 when it is not of a form ferry reads */
static int parse_partbound(const char *s, char strategy, size_t ncols,
			   struct schema_part *x)
{
	size_t n = 0, m = 0;

	if (strcmp(s, "DEFAULT") == 0 && strategy != 'h') {
		x->is_default = 1;
		return 0;
	}
	if (strncmp(s, "FOR VALUES ", 11) != 0)
		return -1;
	s += 11;
	if (strategy == 'r') {
		if (strncmp(s, "FROM ", 5) != 0)
			return -1;
		s += 5;
		if (bound_list(&s, &x->from, &n, ncols, 1) < 0 || n != ncols ||
		    strncmp(s, " TO ", 4) != 0)
			return -1;
		s += 4;
		return bound_list(&s, &x->to, &m, ncols, 1) < 0 || m != ncols ||
			       *s
			   ? -1
			   : 0;
	}
	if (strategy == 'l') {
		if (strncmp(s, "IN ", 3) != 0)
			return -1;
		s += 3;
		return bound_list(&s, &x->values, &x->nvalues,
				  SCHEMA_MAX_LABELS, 0) < 0 ||
			       *s
			   ? -1
			   : 0;
	}
	{
		long long mo, re;
		int used = 0;
		if (sscanf(s, "WITH (modulus %lld, remainder %lld)%n", &mo, &re,
			   &used) != 2 ||
		    s[used] || mo < 1 || mo > INT32_MAX || re < 0 || re >= mo)
			return -1;
		x->modulus = mo;
		x->remainder = re;
		return 0;
	}
}

/* t's partitioning (a partitioned table), when its key is of plain
 * columns, none of its partitions is partitioned again and every bound
 * reads: else it stays a "partitioning" object, not made */
static int describe_partition(struct pg_source *p, const char *const *vals,
			      struct schema_table *t, struct err *e)
{
	PGresult *r = pg_params(
	    p,
	    "SELECT pt.partstrat, (SELECT json_agg(a.attname ORDER BY k.ord) "
	    "FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k(att, ord) "
	    "JOIN pg_attribute a ON a.attrelid = pt.partrelid "
	    "AND a.attnum = k.att)::text, "
	    "pt.partexprs IS NULL AND NOT 0 = ANY(pt.partattrs::int2[]) "
	    "FROM pg_partitioned_table pt WHERE pt.partrelid = $1",
	    1, vals, e);
	struct schema_partition *sp = NULL;
	struct json_node *a = NULL;
	char *names[64];
	int n, rc = -1;

	if (!r)
		return -1;
	if (PQntuples(r) != 1 || *PQgetvalue(r, 0, 2) != 't' ||
	    !strchr("rlh", *PQgetvalue(r, 0, 0))) {
		PQclear(r);
		return 0;
	}
	if (!(a = json_parse(PQgetvalue(r, 0, 1), strlen(PQgetvalue(r, 0, 1)),
			     e)) ||
	    (n = json_names(a, names)) < 1 || !(sp = calloc(1, sizeof(*sp))) ||
	    !(sp->cols = calloc((size_t)n, sizeof(*sp->cols)))) {
		if (a && !e->class)
			err_oom(e);
		goto out;
	}
	sp->strategy = *PQgetvalue(r, 0, 0);
	for (int k = 0; k < n; k++) {
		int idx = schema_column_index(t, names[k]);
		if (idx < 0) {
			rc = 0; /* not one of the stream's columns */
			goto out;
		}
		sp->cols[sp->ncols++] = (size_t)idx;
	}
	PQclear(r);
	r = pg_params(p,
		      "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), "
		      "c.relkind FROM pg_inherits i JOIN pg_class c "
		      "ON c.oid = i.inhrelid WHERE i.inhparent = $1 "
		      "ORDER BY c.relname",
		      1, vals, e);
	if (!r)
		goto out;
	if (PQntuples(r) > SCHEMA_MAX_PARTS ||
	    !(sp->parts = calloc((size_t)PQntuples(r) + 1, sizeof(*sp->parts)))) {
		rc = PQntuples(r) > SCHEMA_MAX_PARTS ? 0 : err_oom(e);
		goto out;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		struct schema_part *x = &sp->parts[sp->nparts++];
		if (!(x->name = strdup(PQgetvalue(r, i, 0)))) {
			err_oom(e);
			goto out;
		}
		if (*PQgetvalue(r, i, 2) == 'p' ||
		    parse_partbound(PQgetvalue(r, i, 1), sp->strategy,
				    sp->ncols, x) < 0) {
			rc = 0; /* sub-partitioned, or a bound ferry cannot
				 * read: reported as not made */
			goto out;
		}
	}
	t->partition = sp;
	sp = NULL;
	rc = 0;
out:
	/* a bound list holds 64 entries (zeroed) before it grows: more than
	 * the key's columns, so the range bounds free whole */
	schema_partition_free(sp);
	json_free(a);
	PQclear(r);
	return rc;
}

static struct schema_table *pg_describe(struct source *s, const char *table,
					struct err *e)
{
	struct pg_source *p = PG(s);
	char *nsp = NULL, *rel = NULL;
	char oid[16];
	const char *vals[1] = { oid };
	struct schema_table *t = NULL;
	int found;

	/* the table is found once, by schema and name, and read by its
	 * schema-qualified name from then on: search_path has no say */
	if (pgutil_parse_name(table, &nsp, &rel, e) < 0)
		return NULL;
	if ((found = pgutil_table_oid((struct pg_conn *)p->conn, nsp, rel,
				      "rpvmf", oid, e)) <= 0) {
		if (found == 0)
			err_set(e, ERR_DB, "no table '%s' in %s", table,
				PQdb(p->conn));
		goto fail;
	}
	if (!(t = describe_columns(p, vals, nsp, rel, e)) ||
	    describe_key(p, vals, t, e) < 0 ||
	    describe_indexes(p, vals, t, e) < 0 ||
	    describe_fkeys(p, vals, t, e) < 0 ||
	    describe_checks(p, vals, t, e) < 0 ||
	    describe_xindexes(p, vals, t, e) < 0 ||
	    describe_partition(p, vals, t, e) < 0 ||
	    source_add_generated(t, SQLEXPR_PG, e) < 0)
		goto fail;
	free(nsp);
	free(rel);
	return t;
fail:
	free(nsp);
	free(rel);
	schema_table_free(t);
	if (e->class == ERR_DB || e->class == ERR_STREAM)
		err_prefix(e, "table %s", table);
	return NULL;
}

/* --- reading rows ------------------------------------------------------------
 */

static enum pgbin_dec decoder_for(const struct schema_column *c)
{
	const char *st = c->source_type ? c->source_type : "";

	/* --cast: the SELECT casts it (pg_open_rows) */
	if (c->cast == SCHEMA_CAST_INT)
		return PGBIN_DEC_INT8;
	if (c->cast == SCHEMA_CAST_TEXT)
		return PGBIN_DEC_TEXT;
	if (c->cast == SCHEMA_CAST_BYTES)
		return PGBIN_DEC_BYTES;
	switch (c->type) {
	case VALUE_BOOL: return PGBIN_DEC_BOOL;
	case VALUE_INT64:
		return strcmp(st, "smallint") == 0  ? PGBIN_DEC_INT2
		       : strcmp(st, "integer") == 0 ? PGBIN_DEC_INT4
						    : PGBIN_DEC_INT8;
	case VALUE_FLOAT64:
		return strcmp(st, "real") == 0 ? PGBIN_DEC_FLOAT4
					       : PGBIN_DEC_FLOAT8;
	case VALUE_DECIMAL: return PGBIN_DEC_NUMERIC;
	case VALUE_BYTES:
		return wkb_is_spatial_type(st) ? PGBIN_DEC_GEOMETRY
					       : PGBIN_DEC_BYTES;
	case VALUE_DATE: return PGBIN_DEC_DATE;
	case VALUE_TIME: return PGBIN_DEC_TIME;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return PGBIN_DEC_TS;
	case VALUE_UUID: return PGBIN_DEC_UUID;
	case VALUE_JSON:
		return strcmp(st, "jsonb") == 0 ? PGBIN_DEC_JSONB
						: PGBIN_DEC_TEXT;
	default: return PGBIN_DEC_TEXT;
	}
}

static int needs_cast(const struct schema_column *c);

/* what the SELECT casts column c to, or NULL: --cast's type (a boolean
 * through integer, which PostgreSQL casts to bigint no other way), or
 * text for text of a type outside the first set */
static const char *cast_sql(const struct schema_column *c)
{
	if (c->cast == SCHEMA_CAST_INT)
		return c->source_type && strcmp(c->source_type, "boolean") == 0
			   ? "::integer::bigint"
			   : "::bigint";
	if (c->cast == SCHEMA_CAST_BYTES)
		return NULL; /* convert_to(c::text, 'UTF8'): pg_open_rows */
	if (c->cast == SCHEMA_CAST_TEXT || needs_cast(c))
		return "::text";
	return NULL;
}

/* text columns of a type outside the first set are read as ::text */
static int needs_cast(const struct schema_column *c)
{
	return c->type == VALUE_TEXT &&
	       !is_native_text(c->source_type ? c->source_type : "");
}

/* a position column (rhs 0), or its `after` value as a setting (rhs 1):
 * COPY takes no parameters, so the values wait in settings of the
 * transaction, set with bound parameters */
static int pg_pos_expr(struct buf *b, const struct schema_column *c, size_t i,
		       int rhs, struct err *e)
{
	int text = c->type == VALUE_TEXT || c->type == VALUE_ENUM;
	const char *cast = "";

	if (!rhs)
		return pgutil_quote_ident(b, c->name, strlen(c->name), e) < 0 ||
			       (text &&
				buf_adds(b, "::text COLLATE \"C\"", e) < 0)
			   ? -1
			   : 0;
	switch (c->type) {
	case VALUE_INT64: cast = "::int8"; break;
	case VALUE_UINT64:
	case VALUE_DECIMAL: cast = "::numeric"; break;
	case VALUE_DATE: cast = "::date"; break;
	case VALUE_TIMESTAMP: cast = "::timestamp"; break;
	case VALUE_TIMESTAMPTZ: cast = "::timestamptz"; break;
	default: cast = " COLLATE \"C\""; break;
	}
	return buf_addf(b, e, "current_setting('ferry.after%zu')%s", i, cast);
}

static int pg_set_after(struct pg_source *p, const struct source_query *q,
			struct err *e)
{
	struct buf v;
	int rc = -1;

	buf_init(&v, (size_t)STREAM_MAX_FIELD + 64);
	for (size_t i = 0; i < q->nafter; i++) {
		const struct schema_column *c = &q->t->cols[q->pos[i]];
		char name[40];
		const char *params[2] = { name, NULL };
		PGresult *r;

		snprintf(name, sizeof(name), "ferry.after%zu", i);
		buf_reset(&v);
		if (value_format(&v, c->type, &q->after[i], VALUE_STYLE_TEXT,
				 e) < 0 ||
		    buf_addc(&v, '\0', e) < 0)
			goto out;
		params[1] = (char *)v.data;
		r = PQexecParams(p->conn, "SELECT set_config($1, $2, true)", 2,
				 NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			pg_res_fail(p, r, e, "setting where to start");
			PQclear(r);
			goto out;
		}
		PQclear(r);
	}
	rc = 0;
out:
	buf_release(&v);
	return rc;
}

static int pg_open_rows(struct source *s, const struct source_query *q,
			struct err *e)
{
	struct pg_source *p = PG(s);
	const struct schema_table *t = q->t;
	PGresult *r;
	int where = 0;

	p->q = q;
	free(p->dec);
	free(p->row);
	p->dec = calloc(t->ncols, sizeof(*p->dec));
	p->row = calloc(t->ncols, sizeof(*p->row));
	if (!p->dec || !p->row)
		return err_oom(e);
	buf_reset(&p->sql);
	if (buf_adds(&p->sql, "COPY (SELECT ", e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *n = t->cols[i].name;
		p->dec[i] = decoder_for(&t->cols[i]);
		/* a SET's members as MySQL writes them: a,b */
		int set = t->cols[i].nset > 0;
		int bin = t->cols[i].cast == SCHEMA_CAST_BYTES;
		const char *cast = cast_sql(&t->cols[i]);
		if ((i && buf_adds(&p->sql, ", ", e) < 0) ||
		    (set && buf_adds(&p->sql, "array_to_string(", e) < 0) ||
		    (bin && buf_adds(&p->sql, "convert_to(", e) < 0) ||
		    pgutil_quote_ident(&p->sql, n, strlen(n), e) < 0 ||
		    (set && buf_adds(&p->sql, ", ',')", e) < 0) ||
		    (bin && buf_adds(&p->sql, "::text, 'UTF8')", e) < 0) ||
		    (!set && cast && buf_adds(&p->sql, cast, e) < 0))
			return -1;
	}
	if (buf_adds(&p->sql, " FROM ", e) < 0 ||
	    pgutil_quote_table(&p->sql, t->schema, t->table, e) < 0)
		return -1;
	if (q->where) {
		if (buf_addf(&p->sql, e, " WHERE (%s)", q->where) < 0)
			return -1;
		where = 1;
	}
	if (q->part_n > 1) {
		const char *k = t->cols[t->pk[0]].name;
		struct buf mm;
		int has_gt, has_le;
		int64_t gt, le, lo = 0, hi = 0;

		buf_init(&mm, 1u << 20);
		if (buf_adds(&mm, "SELECT min(", e) < 0 ||
		    pgutil_quote_ident(&mm, k, strlen(k), e) < 0 ||
		    buf_adds(&mm, ")::int8, max(", e) < 0 ||
		    pgutil_quote_ident(&mm, k, strlen(k), e) < 0 ||
		    buf_adds(&mm, ")::int8 FROM ", e) < 0 ||
		    pgutil_quote_table(&mm, t->schema, t->table, e) < 0 ||
		    (q->where &&
		     buf_addf(&mm, e, " WHERE (%s)", q->where) < 0)) {
			buf_release(&mm);
			return -1;
		}
		r = PQexec(p->conn, (char *)mm.data);
		buf_release(&mm);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			pg_res_fail(p, r, e, "reading the key range");
			PQclear(r);
			return -1;
		}
		if (!PQgetisnull(r, 0, 0)) {
			lo = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			hi = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		}
		PQclear(r);
		source_part_bounds(lo, hi, q->part_k, q->part_n, &has_gt, &gt,
				   &has_le, &le);
		if (has_gt &&
		    (buf_adds(&p->sql, where ? " AND " : " WHERE ", e) < 0 ||
		     pgutil_quote_ident(&p->sql, k, strlen(k), e) < 0 ||
		     buf_addf(&p->sql, e, " > %" PRId64, gt) < 0))
			return -1;
		where |= has_gt;
		if (has_le &&
		    (buf_adds(&p->sql, where ? " AND " : " WHERE ", e) < 0 ||
		     pgutil_quote_ident(&p->sql, k, strlen(k), e) < 0 ||
		     buf_addf(&p->sql, e, " <= %" PRId64, le) < 0))
			return -1;
	}
	if ((q->after && pg_set_after(p, q, e) < 0) ||
	    source_position_sql(&p->sql, q, where, pg_pos_expr, e) < 0)
		return -1;
	if (!q->pos && q->order_pk && t->npk) {
		if (buf_adds(&p->sql, " ORDER BY ", e) < 0)
			return -1;
		/* text and enum keys in byte order (not the collation's,
		 * not an enum's declaration order): the same on every engine */
		for (size_t i = 0; i < t->npk; i++) {
			const struct schema_column *c = &t->cols[t->pk[i]];
			int bin =
			    c->type == VALUE_TEXT || c->type == VALUE_ENUM;
			if ((i && buf_adds(&p->sql, ", ", e) < 0) ||
			    pgutil_quote_ident(&p->sql, c->name,
					       strlen(c->name), e) < 0 ||
			    (bin &&
			     buf_adds(&p->sql, "::text COLLATE \"C\"", e) < 0))
				return -1;
		}
	}
	if (buf_adds(&p->sql, ") TO STDOUT (FORMAT binary)", e) < 0)
		return -1;
	r = PQexec(p->conn, (char *)p->sql.data);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		pg_res_fail(p, r, e, "query");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	p->copying = 1;
	buf_reset(&p->in);
	PQfreemem(p->chunk);
	p->chunk = NULL;
	p->pos = 0;
	/* the 19-byte header: signature, flags, extension length */
	return 0;
}

#define PG_ADOPT (1u << 20) /* a message this long is used in place */

static const unsigned char *in_data(const struct pg_source *p)
{
	return p->chunk ? (const unsigned char *)p->chunk : p->in.data;
}

static size_t in_len(const struct pg_source *p)
{
	return p->chunk ? p->chunk_len : p->in.len;
}

/* make n bytes available at in_data(p)[pos..]: 1, 0 at the end of the
 * COPY, -1 */
static int need(struct pg_source *p, size_t n, struct err *e)
{
	while (in_len(p) - p->pos < n) {
		char *chunk = NULL;
		int got;

		if (p->chunk) {
			/* what is left of a message used in place */
			size_t left = p->chunk_len - p->pos;
			buf_reset(&p->in);
			if (left &&
			    buf_add(&p->in, p->chunk + p->pos, left, e) < 0)
				return -1;
			PQfreemem(p->chunk);
			p->chunk = NULL;
			p->pos = 0;
			continue;
		}
		if (p->pos > 0 && p->pos >= p->in.len / 2) {
			memmove(p->in.data, p->in.data + p->pos,
				p->in.len - p->pos);
			p->in.len -= p->pos;
			p->pos = 0;
		}
		got = PQgetCopyData(p->conn, &chunk, 0);
		if (got == -1)
			return 0;
		if (got < 0)
			return pg_fail(p, e, "reading rows");
		if (p->pos == p->in.len && (size_t)got >= PG_ADOPT) {
			buf_release(&p->in);
			PQfreemem(p->chunk);
			p->chunk = chunk;
			p->chunk_len = (size_t)got;
			p->pos = 0;
			continue;
		}
		if (buf_add(&p->in, chunk, (size_t)got, e) < 0) {
			PQfreemem(chunk);
			return -1;
		}
		PQfreemem(chunk);
	}
	return 1;
}

static int finish_copy(struct pg_source *p, struct err *e)
{
	PGresult *r;
	int rc = 0;

	p->copying = 0;
	while ((r = PQgetResult(p->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
			rc = pg_res_fail(p, r, e, "reading rows");
		PQclear(r);
	}
	return rc;
}

static int pg_next_row(struct source *s, const struct value **row,
		       struct err *e)
{
	struct pg_source *p = PG(s);
	const struct schema_table *t = p->q->t;
	size_t off, total, col;
	int16_t nf;
	int rc;

	if (!p->copying)
		return 0;
	if (s->row_no == 0 && p->pos == 0) {
		/* the file header, once */
		static const char sig[11] = "PGCOPY\n\377\r\n";
		if ((rc = need(p, 19, e)) <= 0)
			return rc < 0 ? -1
				      : err_set(e, ERR_DB,
						"COPY ended before its header");
		if (memcmp(in_data(p), sig, 11) != 0)
			return err_set(e, ERR_DB, "not a binary COPY header");
		off = 19 + ((size_t)in_data(p)[15] << 24 |
			    (size_t)in_data(p)[16] << 16 |
			    (size_t)in_data(p)[17] << 8 | in_data(p)[18]);
		if ((rc = need(p, off, e)) <= 0)
			return rc < 0 ? -1
				      : err_set(e, ERR_DB,
						"COPY header cut short");
		p->pos = off;
	}
	if ((rc = need(p, 2, e)) <= 0)
		return rc < 0 ? -1
			      : err_set(e, ERR_DB,
					"COPY ended without its trailer");
	nf = (int16_t)(in_data(p)[p->pos] << 8 | in_data(p)[p->pos + 1]);
	if (nf == -1) {
		p->pos += 2;
		if ((rc = need(p, 1, e)) < 0)
			return -1;
		return finish_copy(p, e) < 0 ? -1 : 0;
	}
	/* first make the whole tuple available, then decode it in place */
	while ((rc = pgbin_tuple_size(in_data(p) + p->pos, in_len(p) - p->pos,
				      t->ncols, STREAM_MAX_FIELD, &total, &col,
				      e)) == 0)
		if ((rc = need(p, total, e)) <= 0)
			return rc < 0
				   ? -1
				   : err_set(e, ERR_DB, "COPY row cut short");
	if (rc < 0)
		return col == SIZE_MAX
			   ? -1
			   : err_prefix(e, "row %" PRIu64 ", column %s",
					s->row_no + 1, t->cols[col].name);
	s->row_no++;
	if (pgbin_decode_row(p->dec, t->ncols, in_data(p) + p->pos, total,
			     &p->scratch, p->row, &col, e) < 0) {
		if (e->class != ERR_STREAM || col == SIZE_MAX)
			return -1;
		return err_prefix(e, "row %" PRIu64 ", column %s", s->row_no,
				  t->cols[col].name);
	}
	p->pos += total;
	*row = p->row;
	return 1;
}

static void pg_close(struct source *s)
{
	struct pg_source *p = PG(s);

	if (p->conn)
		PQfinish(p->conn);
	free(p->dec);
	free(p->row);
	buf_release(&p->in);
	buf_release(&p->sql);
	buf_release(&p->scratch);
	free(p);
}

/* --- inventory ------------------------------------------------------------ */

/* run sql with parameters; the result, or NULL with e set */
static PGresult *pg_query(struct pg_source *p, const char *sql, int n,
			  const char *const *vals, struct err *e)
{
	PGresult *r = PQexecParams(p->conn, sql, n, NULL, vals, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_res_fail(p, r, e, "reading the table");
		PQclear(r);
		return NULL;
	}
	return r;
}

static int64_t cell_i64(PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return -1;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* drop the characters of `out` that are in `del` */
static void squeeze(struct buf *b, const char *del)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len; i++)
		if (!strchr(del, (char)b->data[i]))
			b->data[n++] = b->data[i];
	b->len = n;
}

static void strip_all(struct buf *b, const char *what)
{
	size_t wl = strlen(what), n = 0;

	for (size_t i = 0; i < b->len;) {
		if (i + wl <= b->len && memcmp(b->data + i, what, wl) == 0) {
			i += wl;
			continue;
		}
		b->data[n++] = b->data[i++];
	}
	b->len = n;
}

/*
 * The labels of a CHECK of the form ferry-load --create writes for an
 * enum, col IN ('a', 'b'), as pg_get_constraintdef spells it back:
 * CHECK ((col = ANY (ARRAY['a'::text, 'b'::text]))), casts and
 * parentheses as the column's type makes them.  0 and *labels set, 0 and
 * *n 0 when def is any other condition, -1 out of memory.
 */
static int check_labels(const char *def, const char *col, char ***labels,
			size_t *n, struct err *e)
{
	struct buf sk, want, lit;
	char **v = NULL;
	size_t nv = 0;
	int rc = -1;

	*labels = NULL;
	*n = 0;
	buf_init(&sk, 1u << 20);
	buf_init(&want, 1u << 20);
	buf_init(&lit, 1u << 16);
	/* the literals out, each a '?' in the skeleton */
	for (const char *p = def; *p;) {
		if (*p != '\'') {
			if (buf_addc(&sk, *p++, e) < 0)
				goto out;
			continue;
		}
		buf_reset(&lit);
		for (p++;; p++) {
			if (!*p)
				goto none;
			if (*p == '\'') {
				if (p[1] != '\'')
					break;
				p++;
			}
			if (buf_addc(&lit, *p, e) < 0)
				goto out;
		}
		p++;
		{
			char **nv2 = realloc(v, (nv + 1) * sizeof(*v));
			if (!nv2) {
				err_oom(e);
				goto out;
			}
			v = nv2;
			/* an empty literal '' leaves lit without data */
			if (!(v[nv] = strndup(lit.data ? (char *)lit.data : "",
					      lit.len))) {
				err_oom(e);
				goto out;
			}
			nv++;
		}
		if (buf_addc(&sk, '?', e) < 0)
			goto out;
	}
	if (!nv)
		goto none;
	/* the expected skeleton, for the column bare or quoted */
	for (int quoted = 0; quoted < 2; quoted++) {
		buf_reset(&want);
		if (buf_adds(&want, "CHECK", e) < 0 ||
		    (quoted ? pgutil_quote_ident(&want, col, strlen(col), e)
			    : buf_adds(&want, col, e)) < 0 ||
		    buf_adds(&want, "=ANYARRAY[", e) < 0)
			goto out;
		for (size_t i = 0; i < nv; i++)
			if (buf_adds(&want, i ? ",?" : "?", e) < 0)
				goto out;
		if (buf_addc(&want, ']', e) < 0)
			goto out;
		squeeze(&want, "() ");
		{
			struct buf t2;
			int same;
			buf_init(&t2, 1u << 20);
			if (buf_add(&t2, sk.data, sk.len, e) < 0) {
				buf_release(&t2);
				goto out;
			}
			strip_all(&t2, "::text[]");
			strip_all(&t2, "::character varying");
			strip_all(&t2, "::bpchar");
			strip_all(&t2, "::text");
			squeeze(&t2, "() ");
			same = t2.len == want.len &&
			       memcmp(t2.data, want.data, t2.len) == 0;
			buf_release(&t2);
			if (same) {
				*labels = v;
				*n = nv;
				v = NULL;
				nv = 0;
				break;
			}
		}
	}
none:
	rc = 0;
out:
	for (size_t i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	buf_release(&sk);
	buf_release(&want);
	buf_release(&lit);
	return rc;
}

static int pg_facts(struct source *s, const struct schema_table *t, int exact,
		    struct source_facts *f, struct err *e)
{
	struct pg_source *p = PG(s);
	const char *vals[1];
	PGresult *r = NULL;
	struct buf name, q;
	int rc = -1;

	buf_init(&name, 1u << 20);
	buf_init(&q, 1u << 20);
	char oid[16];
	int found;

	if (pgutil_quote_table(&name, t->schema, t->table, e) < 0)
		goto out;
	if ((found = pgutil_table_oid((struct pg_conn *)p->conn, t->schema,
				      t->table, "rpvmf", oid, e)) <= 0) {
		if (found == 0)
			err_set(e, ERR_DB, "no such table");
		goto out;
	}
	vals[0] = oid;
	/* reltuples is -1 for a table never analysed (PostgreSQL 14+) */
	if (!(r = pg_query(p,
			   "SELECT c.reltuples::bigint, pg_table_size(c.oid), "
			   "pg_indexes_size(c.oid) FROM pg_class c "
			   "WHERE c.oid = $1::oid",
			   1, vals, e)))
		goto out;
	if (PQntuples(r) == 1) {
		int64_t n = cell_i64(r, 0, 0);
		if (n >= 0) {
			f->rows = (uint64_t)n;
			f->rows_known = 1;
		}
		f->data_bytes = cell_i64(r, 0, 1);
		f->index_bytes = cell_i64(r, 0, 2);
	}
	PQclear(r);
	r = NULL;
	if (buf_adds(&q, "SELECT EXISTS (SELECT 1 FROM ", e) < 0 ||
	    buf_add(&q, name.data, name.len, e) < 0 ||
	    buf_addc(&q, ')', e) < 0 ||
	    !(r = pg_query(p, (char *)q.data, 0, NULL, e)))
		goto out;
	f->has_rows = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	r = NULL;
	/* enabled user triggers, as ferry-load's sink reads them */
	if (!(r = pg_query(p,
			   "SELECT tgname FROM pg_catalog.pg_trigger "
			   "WHERE tgrelid = $1::oid AND NOT tgisinternal "
			   "AND tgenabled <> 'D' ORDER BY tgname",
			   1, vals, e)))
		goto out;
	for (int i = 0; i < PQntuples(r); i++)
		if (source_facts_add_trigger(f, PQgetvalue(r, i, 0), e) < 0)
			goto out;
	PQclear(r);
	r = NULL;
	/* every CHECK constraint, by name */
	if (!(r = pg_query(p,
			   "SELECT conname FROM pg_catalog.pg_constraint "
			   "WHERE conrelid = $1::oid AND contype = 'c' "
			   "ORDER BY 1",
			   1, vals, e)))
		goto out;
	for (int i = 0; i < PQntuples(r); i++)
		if (source_facts_add_check(f, PQgetvalue(r, i, 0), e) < 0)
			goto out;
	PQclear(r);
	r = NULL;
	/* the other tables whose foreign keys refer to it */
	if (!(r = pg_query(p,
			   "SELECT DISTINCT n.nspname, c.relname "
			   "FROM pg_catalog.pg_constraint k "
			   "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
			   "JOIN pg_catalog.pg_namespace n "
			   "ON n.oid = c.relnamespace "
			   "WHERE k.confrelid = $1::oid AND k.contype = 'f' "
			   "AND k.conrelid <> k.confrelid ORDER BY 1, 2",
			   1, vals, e)))
		goto out;
	for (int i = 0; i < PQntuples(r); i++)
		if (source_facts_add_ref(f, PQgetvalue(r, i, 0),
					 PQgetvalue(r, i, 1), e) < 0)
			goto out;
	PQclear(r);
	r = NULL;
	/* the labels of single-column CHECKs (text with a CHECK is how
	 * ferry-load --create makes an enum) */
	if (!(r = pg_query(p,
			   "SELECT a.attname, pg_get_constraintdef(c.oid) "
			   "FROM pg_constraint c JOIN pg_attribute a ON "
			   "a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
			   "WHERE c.conrelid = $1::oid AND c.contype = 'c' "
			   "AND array_length(c.conkey, 1) = 1",
			   1, vals, e)))
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		int ci = schema_column_index(t, PQgetvalue(r, i, 0));
		char **labels;
		size_t n;
		if (ci < 0)
			continue;
		if (check_labels(PQgetvalue(r, i, 1), PQgetvalue(r, i, 0),
				 &labels, &n, e) < 0)
			goto out;
		if (!n)
			continue;
		if ((!f->check_labels &&
		     (!(f->check_labels =
			    calloc(t->ncols, sizeof(*f->check_labels))) ||
		      !(f->ncheck_labels =
			    calloc(t->ncols, sizeof(*f->ncheck_labels))))) ||
		    f->check_labels[ci]) {
			for (size_t k = 0; k < n; k++)
				free(labels[k]);
			free(labels);
			if (!f->check_labels || !f->ncheck_labels) {
				err_oom(e);
				goto out;
			}
			continue; /* a second CHECK: the first one's */
		}
		f->check_labels[ci] = labels;
		f->ncheck_labels[ci] = n;
	}
	PQclear(r);
	r = NULL;
	if (exact) {
		buf_reset(&q);
		if (buf_adds(&q, "SELECT count(*) FROM ", e) < 0 ||
		    buf_add(&q, name.data, name.len, e) < 0 ||
		    !(r = pg_query(p, (char *)q.data, 0, NULL, e)))
			goto out;
		f->rows = (uint64_t)cell_i64(r, 0, 0);
		f->rows_exact = f->rows_known = 1;
	}
	rc = 0;
out:
	PQclear(r);
	buf_release(&name);
	buf_release(&q);
	if (rc < 0)
		err_prefix(e, "table %s", t->name);
	return rc;
}

static int pg_server(struct source *s, struct source_server *f, struct err *e)
{
	PGresult *r = pg_query(
	    PG(s), "SELECT version(), to_regtype('geometry') IS NOT NULL", 0,
	    NULL, e);

	if (!r)
		return -1;
	f->version = strdup(PQgetvalue(r, 0, 0));
	f->postgis = *PQgetvalue(r, 0, 1) == 't';
	PQclear(r);
	if (!f->version)
		return err_oom(e);
	f->zero_dates_allowed = 0;
	return 0;
}

static int pg_per_day(struct source *s, const struct schema_table *t,
		      size_t col, unsigned days, char **newest,
		      source_day_fn fn, void *ctx, struct err *e)
{
	struct pg_source *p = PG(s);
	const char *vals[2];
	char back[16];
	PGresult *r = NULL;
	struct buf q, cn, tn;
	int rc = -1;

	buf_init(&q, 1u << 20);
	buf_init(&cn, 1u << 20);
	buf_init(&tn, 1u << 20);
	if (pgutil_quote_ident(&cn, t->cols[col].name,
			       strlen(t->cols[col].name), e) < 0 ||
	    pgutil_quote_table(&tn, t->schema, t->table, e) < 0 ||
	    buf_adds(&q, "SELECT to_char(max(", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q, "), 'YYYY-MM-DD') FROM ", e) < 0 ||
	    buf_add(&q, tn.data, tn.len, e) < 0 ||
	    !(r = pg_query(p, (char *)q.data, 0, NULL, e)))
		goto out;
	if (PQgetisnull(r, 0, 0)) {
		rc = 0;
		goto out;
	}
	if (!(*newest = strdup(PQgetvalue(r, 0, 0)))) {
		err_oom(e);
		goto out;
	}
	PQclear(r);
	r = NULL;
	snprintf(back, sizeof(back), "%u", days ? days - 1 : 0);
	vals[0] = *newest;
	vals[1] = back;
	buf_reset(&q);
	if (buf_adds(&q, "SELECT to_char(", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q, ", 'YYYY-MM-DD') AS d, count(*) FROM ", e) < 0 ||
	    buf_add(&q, tn.data, tn.len, e) < 0 ||
	    buf_adds(&q, " WHERE ", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q, " >= $1::date - $2::int GROUP BY d ORDER BY d", e) <
		0 ||
	    !(r = pg_query(p, (char *)q.data, 2, vals, e)))
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t n = cell_i64(r, i, 1);
		if (PQgetisnull(r, i, 0))
			continue;
		if (fn(ctx, PQgetvalue(r, i, 0), n < 0 ? 0 : (uint64_t)n, e) <
		    0)
			goto out;
	}
	rc = 0;
out:
	PQclear(r);
	buf_release(&q);
	buf_release(&cn);
	buf_release(&tn);
	if (rc < 0 && e->class == ERR_DB)
		err_prefix(e, "table %s, column %s", t->name,
			   t->cols[col].name);
	return rc;
}

/* --- objects the stream does not carry ----------------------------------
 * Each query: kind, schema, table (both NULL: of no table), name, detail;
 * objects of extensions and of PostgreSQL's own schemas left out, and
 * what describe carries: btree indexes on plain columns without a
 * predicate, a CHECK (c >= 0) of a number. */
#define PG_USER_NS(n)                                                          \
	n ".nspname NOT IN ('pg_catalog', 'information_schema') AND " n        \
	  ".nspname NOT LIKE 'pg\\_toast%' AND " n                             \
	  ".nspname NOT LIKE 'pg\\_temp\\_%'"
#define PG_NOT_EXT(oid)                                                        \
	"NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.objid = " oid           \
	" AND x.deptype = 'e')"
#define PG_QNAME                                                               \
	"CASE WHEN n.nspname = 'public' THEN quote_ident(c.relname) "          \
	"ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END"
static const char *const pg_object_sql[] = {
	"SELECT 'trigger', n.nspname, c.relname, t.tgname, "
	"pg_get_triggerdef(t.oid) FROM pg_trigger t "
	"JOIN pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND " PG_USER_NS("n") " ORDER BY 2, 3, 4",
	"SELECT 'index', n.nspname, c.relname, ic.relname, "
	"pg_get_indexdef(i.indexrelid) FROM pg_index i "
	"JOIN pg_class ic ON ic.oid = i.indexrelid "
	"JOIN pg_class c ON c.oid = i.indrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_am am ON am.oid = ic.relam "
	"WHERE NOT i.indisprimary AND " PG_USER_NS(
	    "n") " AND "
		 "(i.indexprs IS NOT NULL OR i.indpred IS NOT NULL "
		 "OR am.amname <> 'btree' OR 0 = ANY (i.indkey::int2[])) "
		 "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
		 "WHERE k.conindid = i.indexrelid AND k.contype = 'x') "
		 "ORDER BY 2, 3, 4",
	"SELECT CASE k.contype WHEN 'c' THEN 'check constraint' "
	"ELSE 'exclusion constraint' END, n.nspname, c.relname, k.conname, "
	"pg_get_constraintdef(k.oid) FROM pg_constraint k "
	"JOIN pg_class c ON c.oid = k.conrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE k.contype IN ('c', 'x') AND " PG_USER_NS(
	    "n") " "
		 "AND NOT (k.contype = 'c' AND k.convalidated "
		 "AND array_length(k.conkey, 1) = 1 AND EXISTS (SELECT 1 "
		 "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
		 "WHERE a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
		 "AND ty.typname IN " NONNEGATIVE_TYPES " "
		 "AND pg_get_constraintdef(k.oid) IN " NONNEGATIVE_FORMS(
		     "a.attname") ")) ORDER BY 2, 3, 4",
	/* the CHECKs of a column's domain: carried as the table's checks
	 * named column_check (describe_checks); the others named here */
	"SELECT 'domain check', n.nspname, c.relname, "
	"a.attname || '_' || k.conname, pg_get_constraintdef(k.oid) "
	"FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_type dt ON dt.oid = a.atttypid AND dt.typtype = 'd' "
	"JOIN pg_constraint k ON k.contypid = dt.oid AND k.contype = 'c' "
	"WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 "
	"AND NOT a.attisdropped AND " PG_USER_NS("n") " ORDER BY 2, 3, 4",
	"SELECT 'partitioning', n.nspname, c.relname, c.relname, "
	"pg_get_partkeydef(c.oid) FROM pg_class c "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind = 'p' AND " PG_USER_NS("n") " ORDER BY 2, 3",
	"SELECT 'inheritance', n.nspname, c.relname, "
	"CASE WHEN pn.nspname = 'public' THEN quote_ident(pc.relname) "
	"ELSE quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) END, "
	"'inherits from it' FROM pg_inherits h "
	"JOIN pg_class c ON c.oid = h.inhrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_class pc ON pc.oid = h.inhparent "
	"JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
	"WHERE NOT c.relispartition AND " PG_USER_NS("n") " ORDER BY 2, 3, 4",
	"SELECT 'table comment', n.nspname, c.relname, c.relname, "
	"d.description FROM pg_description d "
	"JOIN pg_class c ON d.classoid = 'pg_class'::regclass "
	"AND d.objoid = c.oid AND d.objsubid = 0 "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r', 'p') AND " PG_USER_NS("n") " ORDER BY 2, 3",
	"SELECT 'column comment', n.nspname, c.relname, a.attname, "
	"d.description FROM pg_description d "
	"JOIN pg_class c ON d.classoid = 'pg_class'::regclass "
	"AND d.objoid = c.oid "
	"JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE d.objsubid > 0 AND c.relkind IN ('r', 'p') AND " PG_USER_NS(
	    "n") " ORDER BY 2, 3, a.attnum",
	"SELECT 'grant', n.nspname, c.relname, "
	"CASE WHEN g.grantee = 0 THEN 'PUBLIC' "
	"ELSE pg_get_userbyid(g.grantee) END, "
	"string_agg(g.privilege_type, ', ' ORDER BY g.privilege_type) "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"CROSS JOIN LATERAL aclexplode(c.relacl) g "
	"WHERE c.relkind IN ('r', 'p') AND g.grantee <> c.relowner AND " PG_USER_NS(
	    "n") " GROUP BY 2, 3, 4 ORDER BY 2, 3, 4",
	"SELECT 'policy', n.nspname, c.relname, p.polname, "
	"pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p "
	"JOIN pg_class c ON c.oid = p.polrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE " PG_USER_NS("n") " ORDER BY 2, 3, 4",
	"SELECT 'row level security', n.nspname, c.relname, c.relname, "
	"CASE WHEN c.relforcerowsecurity THEN 'forced' ELSE 'enabled' END "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relrowsecurity AND " PG_USER_NS("n") " ORDER BY 2, 3",
	"SELECT 'rule', schemaname, tablename, rulename, definition "
	"FROM pg_rules WHERE schemaname NOT IN ('pg_catalog', "
	"'information_schema') ORDER BY 2, 3, 4",
	/* of no table */
	/* plain views: pg_views */
	"SELECT 'materialized view', NULL, NULL, " PG_QNAME ", NULL "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind = 'm' AND " PG_USER_NS("n") " AND " PG_NOT_EXT(
	    "c.oid") " ORDER BY 1, 4",
	"SELECT CASE p.prokind WHEN 'p' THEN 'procedure' "
	"WHEN 'a' THEN 'aggregate' ELSE 'function' END, NULL, NULL, "
	"CASE WHEN n.nspname = 'public' THEN quote_ident(p.proname) "
	"ELSE quote_ident(n.nspname) || '.' || quote_ident(p.proname) END "
	"|| '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL "
	"FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
	"WHERE " PG_USER_NS("n") " AND " PG_NOT_EXT("p.oid") " ORDER BY 1, 4",
	"SELECT CASE t.typtype WHEN 'd' THEN 'domain' "
	"WHEN 'r' THEN 'range type' WHEN 'e' THEN 'enum type' "
	"ELSE 'composite type' END, NULL, NULL, "
	"CASE WHEN n.nspname = 'public' THEN quote_ident(t.typname) "
	"ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END, "
	"NULL FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
	"WHERE " PG_USER_NS("n") " AND " PG_NOT_EXT(
	    "t.oid") " AND "
		     "(t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND "
		     "(SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c') "
		     "OR (t.typtype = 'e' AND NOT EXISTS (SELECT 1 FROM pg_attribute a "
		     "JOIN pg_class c ON c.oid = a.attrelid WHERE a.atttypid IN "
		     "(t.oid, t.typarray) "
		     "AND c.relkind IN ('r', 'p') AND NOT a.attisdropped))) ORDER BY 1, 4",
	"SELECT 'extension', NULL, NULL, extname, extversion "
	"FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 4",
	"SELECT 'event trigger', NULL, NULL, evtname, evtevent "
	"FROM pg_event_trigger ORDER BY 4",
};

/* sequences no column owns, with what CREATE SEQUENCE needs, the value
 * each gives next (its start when never used) and whether ferry may read
 * it */
#define PG_FREE_SEQUENCES                                                          \
	"SELECT " PG_QNAME ", n.nspname, c.relname, "                              \
	"format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, "              \
	"q.seqmin, q.seqmax, q.seqcycle, "                                         \
	"CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN "                  \
	"pg_sequence_last_value(c.oid)::numeric + q.seqincrement END, "            \
	"has_sequence_privilege(c.oid, 'SELECT') "                                 \
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "           \
	"JOIN pg_sequence q ON q.seqrelid = c.oid "                                \
	"WHERE c.relkind = 'S' AND " PG_USER_NS("n") " AND " PG_NOT_EXT(           \
	    "c.oid") " AND NOT EXISTS (SELECT 1 FROM pg_depend d "                 \
		     "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid " \
		     "AND d.deptype IN ('a', 'i')) ORDER BY 1"

static int pg_sequences(struct pg_source *p, source_object_fn fn, void *ctx,
			struct err *e)
{
	PGresult *r = pg_query(p, PG_FREE_SEQUENCES, 0, NULL, e);
	int rc = 0;

	if (!r)
		return -1;
	for (int k = 0; k < PQntuples(r) && rc == 0; k++) {
		struct schema_sequence q;
		const char *ty = PQgetvalue(r, k, 3);
		char detail[200];
		memset(&q, 0, sizeof(q));
		q.schema = PQgetvalue(r, k, 1);
		q.name = PQgetvalue(r, k, 2);
		snprintf(q.type, sizeof(q.type), "%s", ty);
		q.start = strtoll(PQgetvalue(r, k, 4), NULL, 10);
		q.increment = strtoll(PQgetvalue(r, k, 5), NULL, 10);
		q.min = strtoll(PQgetvalue(r, k, 6), NULL, 10);
		q.max = strtoll(PQgetvalue(r, k, 7), NULL, 10);
		q.cycle = strcmp(PQgetvalue(r, k, 8), "t") == 0;
		q.next = q.start;
		/* not used since made or restarted: the relation says */
		if (PQgetisnull(r, k, 9) &&
		    strcmp(PQgetvalue(r, k, 10), "t") == 0) {
			long long next;
			int u = pgutil_seq_unused((struct pg_conn *)p->conn,
						  q.schema, q.name, &next, e);
			if (u < 0) {
				rc = -1;
				break;
			}
			if (u)
				q.next = next;
		}
		if (!PQgetisnull(r, k, 9)) {
			/* past the end: where a cycle starts again, or the
			 * end, where the source too has no more */
			char *end;
			errno = 0;
			q.next = strtoll(PQgetvalue(r, k, 9), &end, 10);
			if (errno || *end || q.next > q.max || q.next < q.min)
				q.next =
				    q.cycle ? (q.increment > 0 ? q.min : q.max)
					    : (q.increment > 0 ? q.max : q.min);
		}
		/* a value ferry cannot read is not guessed: the sequence
		 * is named, not made */
		if (strcmp(PQgetvalue(r, k, 10), "t") != 0) {
			rc =
			    fn(ctx, "sequence", NULL, NULL, PQgetvalue(r, k, 0),
			       "its value is not readable (grant SELECT on it)",
			       NULL, e);
			continue;
		}
		snprintf(detail, sizeof(detail), "%s, next %" PRId64, ty,
			 q.next);
		rc = fn(ctx, "sequence", NULL, NULL, PQgetvalue(r, k, 0),
			detail, &q, e);
	}
	PQclear(r);
	return rc;
}

/* the plain views, each with its query and its columns (as JSON) */
#define PG_VIEWS                                                                \
	"SELECT n.nspname, c.relname, " PG_QNAME ", pg_get_viewdef(c.oid), "    \
	"(SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a "    \
	"WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)"     \
	"::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
	"WHERE c.relkind = 'v' AND " PG_USER_NS("n") " AND " PG_NOT_EXT(        \
	    "c.oid") " ORDER BY 3"

static int pg_views(struct source *s, source_view_fn fn, void *ctx,
		    struct err *e)
{
	struct pg_source *p = PG(s);
	PGresult *r = pg_query(p, PG_VIEWS, 0, NULL, e);
	int rc = 0;

	if (!r)
		return -1;
	for (int k = 0; k < PQntuples(r) && rc == 0; k++) {
		struct source_view v;
		const char *cj = PQgetvalue(r, k, 4);
		struct json_node *j = json_parse(cj, strlen(cj), e);
		char **cols = NULL;
		size_t n = 0;
		if (!j)
			break;
		if (j->kind == JSON_ARRAY && j->n &&
		    !(cols = calloc(j->n, sizeof(*cols)))) {
			json_free(j);
			rc = err_oom(e);
			break;
		}
		for (size_t i = 0; j->kind == JSON_ARRAY && i < j->n; i++)
			if (j->kids[i].kind == JSON_STRING)
				cols[n++] = j->kids[i].str;
		memset(&v, 0, sizeof(v));
		v.schema = strcmp(PQgetvalue(r, k, 0), "public") == 0
			       ? NULL
			       : PQgetvalue(r, k, 0);
		v.own = PQgetvalue(r, k, 1);
		v.name = PQgetvalue(r, k, 2);
		v.home = "public";
		v.sql = PQgetisnull(r, k, 3) ? NULL : PQgetvalue(r, k, 3);
		v.cols = cols;
		v.ncols = n;
		rc = fn(ctx, &v, e);
		free(cols);
		json_free(j);
	}
	PQclear(r);
	return rc < 0 || e->class ? -1 : 0;
}

static int pg_rows_estimate(struct source *s, struct schema_table *t,
			    struct err *e)
{
	struct pg_source *p = PG(s);
	const char *vals[2] = { t->schema ? t->schema : "public",
				t->table ? t->table : t->name };
	PGresult *r = pg_query(p,
			       "SELECT c.reltuples::bigint, c.relkind = 'r' AND "
			       "pg_relation_size(c.oid) = 0 FROM pg_class c "
			       "JOIN pg_namespace n ON n.oid = c.relnamespace "
			       "WHERE n.nspname = $1 AND c.relname = $2",
			       2, vals, e);
	long long n = -1;
	struct buf q;
	const char *plan, *at;

	if (!r)
		return -1;
	if (PQntuples(r) == 1) {
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		/* no pages: empty (EXPLAIN would guess ten pages of rows) */
		if (n < 0 && strcmp(PQgetvalue(r, 0, 1), "t") == 0)
			n = 0;
	}
	PQclear(r);
	if (n >= 0) {
		t->rows_estimate = n;
		t->rows_estimated = 1;
		return 0;
	}
	/* never analysed (reltuples -1, PostgreSQL 14+), as a table just
	 * loaded often is: the planner's estimate from its size, the first
	 * line of EXPLAIN ("Seq Scan on t  (cost=... rows=N width=W)") */
	buf_init(&q, 1u << 16);
	if (buf_adds(&q, "EXPLAIN SELECT * FROM ", e) < 0 ||
	    pgutil_quote_table(&q, vals[0], vals[1], e) < 0) {
		buf_release(&q);
		return -1;
	}
	r = pg_query(p, (char *)q.data, 0, NULL, e);
	buf_release(&q);
	if (!r)
		return -1;
	if (PQntuples(r) >= 1 && (plan = PQgetvalue(r, 0, 0)) &&
	    (at = strstr(plan, " rows=")) && at[6] >= '0' && at[6] <= '9') {
		t->rows_estimate = strtoll(at + 6, NULL, 10);
		t->rows_estimated = 1;
	}
	PQclear(r);
	return 0;
}

static int pg_relation_exists(struct source *s, const char *name,
			      struct err *e)
{
	char fs[PGNAME_MAX + 1], ft[PGNAME_MAX + 1], oid[16];

	if (pgname_fit_name(name, fs, ft, e) < 0)
		return -1;
	return pgutil_table_oid((struct pg_conn *)PG(s)->conn, fs, ft,
				PGUTIL_ANY_RELKIND, oid, e);
}

static int pg_objects(struct source *s, source_object_fn fn, void *ctx,
		      struct err *e)
{
	struct pg_source *p = PG(s);

	if (pg_sequences(p, fn, ctx, e) < 0)
		return -1;

	for (size_t i = 0; i < sizeof(pg_object_sql) / sizeof(*pg_object_sql);
	     i++) {
		PGresult *r = pg_query(p, pg_object_sql[i], 0, NULL, e);
		if (!r)
			return -1;
		for (int k = 0; k < PQntuples(r); k++) {
			const char *v[5];
			for (int c = 0; c < 5; c++)
				v[c] = PQgetisnull(r, k, c)
					   ? NULL
					   : PQgetvalue(r, k, c);
			if (v[0] && v[3] &&
			    fn(ctx, v[0], v[1], v[2], v[3], v[4], NULL, e) <
				0) {
				PQclear(r);
				return -1;
			}
		}
		PQclear(r);
	}
	return 0;
}

/* the rows of json that t's foreign key fk would find no parent for in
 * the target (MATCH SIMPLE: a NULL in the key refers to nothing), as a
 * condition that is false for them; the record is ferry_check_r */
static int orphan_cond(const struct schema_table *t, size_t fk, struct buf *q,
		       struct err *e)
{
	const struct schema_fkey *f = &t->fkeys[fk];

	if (buf_adds(q, "NOT (", e) < 0)
		return -1;
	for (size_t k = 0; k < f->ncols; k++) {
		const char *c = t->cols[f->cols[k]].name;
		if (buf_adds(q, "ferry_check_r.", e) < 0 ||
		    pgutil_quote_ident(q, c, strlen(c), e) < 0 ||
		    buf_adds(q, " IS NOT NULL AND ", e) < 0)
			return -1;
	}
	if (buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
	    pgutil_quote_table(q, f->ref_schema, f->ref_table, e) < 0 ||
	    buf_adds(q, " ferry_check_p WHERE ", e) < 0)
		return -1;
	for (size_t k = 0; k < f->ncols; k++) {
		const char *c = t->cols[f->cols[k]].name, *r = f->ref_cols[k];
		if ((k && buf_adds(q, " AND ", e) < 0) ||
		    buf_adds(q, "ferry_check_p.", e) < 0 ||
		    pgutil_quote_ident(q, r, strlen(r), e) < 0 ||
		    buf_adds(q, " = ferry_check_r.", e) < 0 ||
		    pgutil_quote_ident(q, c, strlen(c), e) < 0)
			return -1;
	}
	return buf_adds(q, "))", e);
}

/* the rows of json whose key of unique index x a row of the target holds
 * (other: a row of another primary key), as a condition false for them */
static int unique_cond(const struct schema_table *t, size_t x, int other,
		       struct buf *q, struct err *e)
{
	const struct schema_index *ix = &t->indexes[x];

	if (buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
	    pgutil_quote_table(q, t->schema, t->table, e) < 0 ||
	    buf_adds(q, " ferry_check_p WHERE ", e) < 0)
		return -1;
	for (size_t k = 0; k < ix->ncols; k++) {
		const char *c = t->cols[ix->cols[k]].name;
		if ((k && buf_adds(q, " AND ", e) < 0) ||
		    buf_adds(q, "ferry_check_p.", e) < 0 ||
		    pgutil_quote_ident(q, c, strlen(c), e) < 0 ||
		    buf_adds(q, " = ferry_check_r.", e) < 0 ||
		    pgutil_quote_ident(q, c, strlen(c), e) < 0)
			return -1;
	}
	if (other && t->npk) {
		if (buf_adds(q, " AND (", e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++) {
			const char *c = t->cols[t->pk[k]].name;
			if ((k && buf_adds(q, ", ", e) < 0) ||
			    buf_adds(q, "ferry_check_p.", e) < 0 ||
			    pgutil_quote_ident(q, c, strlen(c), e) < 0)
				return -1;
		}
		if (buf_adds(q, ") IS DISTINCT FROM (", e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++) {
			const char *c = t->cols[t->pk[k]].name;
			if ((k && buf_adds(q, ", ", e) < 0) ||
			    buf_adds(q, "ferry_check_r.", e) < 0 ||
			    pgutil_quote_ident(q, c, strlen(c), e) < 0)
				return -1;
		}
		if (buf_addc(q, ')', e) < 0)
			return -1;
	}
	return buf_addc(q, ')', e);
}

struct ref_ctx {
	struct buf *q;
	char conname[32]; /* the constraint's oid */
	int open; /* a NOT EXISTS being written */
};

/* one column pair of a foreign key that refers to t: conoid, schema,
 * table, the child's column, t's column */
static int referenced_col(struct ref_ctx *x, const char *con, const char *sc,
			  const char *tb, const char *col, const char *pcol,
			  struct err *e)
{
	struct buf *q = x->q;

	if (!x->open || strcmp(x->conname, con) != 0) {
		if ((x->open && buf_addc(q, ')', e) < 0) ||
		    (x->open && buf_adds(q, " AND ", e) < 0) ||
		    buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
		    pgutil_quote_table(q, sc, tb, e) < 0 ||
		    buf_adds(q, " ferry_check_c WHERE ", e) < 0)
			return -1;
		snprintf(x->conname, sizeof(x->conname), "%s", con);
		x->open = 1;
	} else if (buf_adds(q, " AND ", e) < 0) {
		return -1;
	}
	return buf_adds(q, "ferry_check_c.", e) < 0 ||
			       pgutil_quote_ident(q, col, strlen(col), e) < 0 ||
			       buf_adds(q, " = ferry_check_r.", e) < 0 ||
			       pgutil_quote_ident(q, pcol, strlen(pcol), e) < 0
		   ? -1
		   : 0;
}

/* the rows of json a child row of the target refers to by a foreign key
 * that refuses their delete, as a condition false for them: 1 when no
 * such foreign key refers to t (nothing to ask) */
static int referenced_cond(struct pg_source *p, const struct schema_table *t,
			   struct buf *q, struct err *e)
{
	struct buf name;
	struct ref_ctx x = { .q = q };
	const char *vals[1];
	PGresult *r;
	int rc = -1;

	buf_init(&name, 1u << 16);
	if (pgutil_quote_table(&name, t->schema, t->table, e) < 0 ||
	    buf_addc(&name, 0, e) < 0)
		goto out;
	vals[0] = (const char *)name.data;
	r = PQexecParams(
	    p->conn,
	    "SELECT c.oid::text, n.nspname, r.relname, a.attname, pa.attname "
	    "FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
	    "JOIN pg_namespace n ON n.oid = r.relnamespace CROSS JOIN "
	    "LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS "
	    "k(ck, pk, ord) "
	    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck "
	    "JOIN pg_attribute pa ON pa.attrelid = c.confrelid "
	    "AND pa.attnum = k.pk "
	    "WHERE c.contype = 'f' AND c.confrelid = $1::regclass "
	    "AND c.confdeltype IN ('a', 'r') ORDER BY c.oid, k.ord",
	    1, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgutil_msg(e, "reading the foreign keys that refer to it",
			   PQresultErrorMessage(r));
		PQclear(r);
		goto out;
	}
	rc = 0;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = referenced_col(&x, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
				    PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
				    PQgetvalue(r, i, 4), e);
	PQclear(r);
	if (rc == 0)
		rc = !x.open ? 1 : buf_addc(q, ')', e);
out:
	buf_release(&name);
	return rc;
}

/* source_check_rows: each row made a record of t's type by PostgreSQL
 * itself (json_populate_record), under a savepoint, so that an error
 * leaves the snapshot usable */
static int pg_check_rows(struct source *s, const struct schema_table *t,
			 const char *cond, enum source_rows what, size_t idx,
			 const char *json, source_ordinal_fn fn, void *ctx,
			 struct err *e)
{
	struct pg_source *p = PG(s);
	const char *vals[1] = { json };
	struct buf q, refs;
	PGresult *r;
	int rc = -1;

	/* what refers to t: asked first, and nothing to ask without it */
	buf_init(&refs, 1u << 20);
	if (what == SOURCE_ROWS_REFERENCED &&
	    (rc = referenced_cond(p, t, &refs, e)) != 0) {
		buf_release(&refs);
		return rc < 0 ? -1 : 0;
	}
	if (what == SOURCE_ROWS_REFERENCED && buf_addc(&refs, 0, e) < 0) {
		buf_release(&refs);
		return -1;
	}
	rc = -1;
	r = PQexec(p->conn, "SAVEPOINT ferry_check");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = pgutil_msg(e, "SAVEPOINT", PQresultErrorMessage(r));
		PQclear(r);
		buf_release(&refs);
		return rc;
	}
	PQclear(r);
	buf_init(&q, 1u << 20);
	if (buf_adds(&q,
		     "SELECT x.ferry_check_place FROM json_array_elements($1::"
		     "json) WITH ORDINALITY AS x(ferry_check_row, "
		     "ferry_check_place), LATERAL json_populate_record(NULL::",
		     e) < 0 ||
	    pgutil_quote_table(&q, t->schema, t->table, e) < 0 ||
	    buf_adds(&q, ", x.ferry_check_row) AS ferry_check_r WHERE (", e) <
		0 ||
	    (what == SOURCE_ROWS_CHECK	      ? buf_adds(&q, cond, e)
	     : what == SOURCE_ROWS_REFERENCED ? buf_adds(&q, (char *)refs.data,
							 e)
	     : what == SOURCE_ROWS_ORPHAN     ? orphan_cond(t, idx, &q, e)
					      : unique_cond(t, idx,
							    what ==
								SOURCE_ROWS_UNIQUE_OTHER,
							    &q, e)) < 0 ||
	    buf_adds(&q, ") IS FALSE", e) < 0)
		goto out;
	r = PQexecParams(p->conn, (char *)q.data, 1, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
		PQclear(r);
		if ((r = PQexec(p->conn, "ROLLBACK TO SAVEPOINT ferry_check")))
			PQclear(r);
		msg[strcspn(msg, "\n")] = 0;
		err_set(e, ERR_STREAM, "%s", msg);
		goto out;
	}
	rc = 0;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = fn(ctx, strtol(PQgetvalue(r, i, 0), NULL, 10), e);
	PQclear(r);
	if (rc == 0) {
		r = PQexec(p->conn, "RELEASE SAVEPOINT ferry_check");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pgutil_msg(e, "RELEASE SAVEPOINT",
					PQresultErrorMessage(r));
		PQclear(r);
	}
out:
	buf_release(&q);
	buf_release(&refs);
	return rc;
}

static int pg_export_snapshot(struct source *s, char *name, size_t namesz,
			      struct err *e)
{
	PGresult *r = pg_params(PG(s), "SELECT pg_export_snapshot()", 0, NULL,
				e);
	int ok;

	if (!r)
		return -1;
	ok = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) &&
	     strlen(PQgetvalue(r, 0, 0)) < namesz;
	if (ok)
		snprintf(name, namesz, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return ok ? 0
		  : err_set(e, ERR_DB, "the server exported no snapshot name");
}

static const struct source_ops pg_ops = {
	pg_begin, pg_list_tables, pg_describe, pg_open_rows, pg_next_row,
	pg_close, pg_facts,	  pg_server,   pg_per_day,   pg_objects,
	pg_begin_snapshot,
	NULL, /* weights: PostgreSQL has no WEIGHT_STRING */
	NULL, /* log_position: PostgreSQL follows by its slot */
	NULL, /* durations: its time is a time of day */
	pg_check_rows,
	pg_views,
	pg_rows_estimate,
	pg_relation_exists,
	pg_export_snapshot,
	NULL, /* global_lock: snapshots are exported */
};

struct source *source_pg_open(const struct uri *u, const struct source_opts *o,
			      struct err *e)
{
	struct pg_source *p = calloc(1, sizeof(*p));

	if (!p) {
		err_oom(e);
		return NULL;
	}
	p->base.ops = &pg_ops;
	p->base.opts = *o;
	buf_init(&p->in, (size_t)STREAM_MAX_ROW * 2);
	buf_init(&p->sql, 1u << 20);
	buf_init(&p->scratch, (size_t)STREAM_MAX_ROW);
	p->conn = (PGconn *)pgutil_connect(u->conninfo, o->connect_timeout,
					   o->read_timeout);
	if (!p->conn) {
		err_oom(e);
		goto fail;
	}
	if (PQstatus(p->conn) != CONNECTION_OK) {
		char what[600];
		snprintf(what, sizeof(what), "cannot connect to %s",
			 u->display);
		pg_fail(p, e, what);
		goto fail;
	}
	if (PQsetClientEncoding(p->conn, "UTF8") != 0) {
		pg_fail(p, e, "setting the client encoding");
		goto fail;
	}
	/* the text of types read as ::text: ISO dates, all float digits */
	if (pg_exec(p, "SET DateStyle = ISO, YMD", e) < 0 ||
	    pg_exec(p, "SET IntervalStyle = postgres", e) < 0 ||
	    pg_exec(p, "SET extra_float_digits = 3", e) < 0 ||
	    pg_exec(p, "SET TimeZone = 'UTC'", e) < 0)
		goto fail;
	return &p->base;
fail:
	pg_close(&p->base);
	return NULL;
}
