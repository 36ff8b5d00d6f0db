/* The DDL of ferry-load --create on PostgreSQL, built without a
 * connection (db/pg/sink_pg.h), apart from the sink so that what only
 * plans a load (ferry-load --check, through db/engine.h) links no sink. */
#include "db/pg/sink_pg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/engine.h"
#include "db/source.h"
#include "db/loadfmt.h"
#include "db/pg/pgutil.h"
#include "stream/objects.h"
#include "stream/sqlexpr.h"
#include "stream/wkb.h"

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
	{ "oid", NULL, PGP_NONE, 0 },
	{ "xid", NULL, PGP_NONE, 0 },
	{ "xid8", NULL, PGP_NONE, 0 },
	{ "cid", NULL, PGP_NONE, 0 },
	{ "tid", NULL, PGP_NONE, 0 },
	{ "int2vector", NULL, PGP_NONE, 0 },
	{ "oidvector", NULL, PGP_NONE, 0 },
	{ "\"char\"", NULL, PGP_NONE, 0 },
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
		if (*words == '"') { /* "char", PostgreSQL's one-byte type */
			if (*p++ != '"')
				return 0;
			words++;
			continue;
		}
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

/* a PostgreSQL type naming objects of its database's catalog */
static int is_reg_type(const char *st)
{
	static const char *const reg[] = {
		"regclass",    "regcollation", "regconfig",	"regdictionary",
		"regnamespace", "regoper",     "regoperator", "regproc",
		"regprocedure", "regrole",     "regtype",
	};

	for (size_t k = 0; k < sizeof(reg) / sizeof(reg[0]); k++)
		if (strncmp(st, reg[k], strlen(reg[k])) == 0 &&
		    (!st[strlen(reg[k])] || st[strlen(reg[k])] == '['))
			return 1;
	return 0;
}

/* "column c: source type '...' ...": ERR_STREAM, names and text escaped */
static int refuse_type(const struct schema_column *c, struct err *e)
{
	char nm[200], ty[200];

	err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120);
	err_quote(ty, sizeof(ty), c->source_type, strlen(c->source_type), 120);
	if (is_reg_type(c->source_type))
		return err_set(e, ERR_STREAM,
			       "column %s: source type '%s' holds names of "
			       "the source's catalog, which the target would "
			       "resolve anew or refuse: make the column text "
			       "(or the type) on the target first",
			       nm, ty);
	return err_set(e, ERR_STREAM,
		       "column %s: source type '%s' is not a PostgreSQL type "
		       "ferry creates",
		       nm, ty);
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

/* the PostgreSQL type --create gives a column */
static int column_type(const struct schema_table *t,
		       const struct schema_column *c, const char *schema,
		       const char *enum_type, struct buf *b, struct err *e)
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
	case VALUE_UINT64:
		/* an identity needs an integer type: BIGINT UNSIGNED
		 * AUTO_INCREMENT's values fit bigint long before they pass
		 * it (a CHECK keeps them >= 0) */
		return buf_adds(b, c->identity ? "bigint" : "numeric(20,0)", e);
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
		if (c->nset) /* a SET: its members, one each */
			return buf_adds(b, "text[]", e);
		/* an array of an enum: of the enum type made with the table
		 * (pgname_table_enums names it) */
		if (c->nelabels) {
			char nm[200];
			if (!enum_type)
				return err_set(
				    e, ERR_STREAM,
				    "column %s: an array of the enum %s needs "
				    "its enum type, which --enum-types check "
				    "does not make, or whose labels PostgreSQL "
				    "cannot hold",
				    err_quote(nm, sizeof(nm), c->name,
					      strlen(c->name), 60),
				    st);
			return pgutil_quote_table(b, schema, enum_type, e) < 0
				   ? -1
				   : buf_adds(b, "[]", e);
		}
		if (pg && *st)
			return pg_own_type(c, b, e); /* PG -> PG */
		/* a MySQL TIME used as a duration (838:59:59), as its
		 * text: PostgreSQL's interval holds it */
		if (source_time_as_text(c))
			return buf_adds(b, "interval", e);
		if ((starts(st, "varchar") || starts(st, "char")) &&
		    c->length > 0 && c->length <= 10485760)
			return buf_addf(b, e, "varchar(%" PRId64 ")",
					c->length);
		return buf_adds(b, "text", e);
	case VALUE_BYTES: return buf_adds(b, "bytea", e);
	case VALUE_DATE: return buf_adds(b, "date", e);
	/* the source's fractional digits: a value has no more, and the
	 * application's new ones are rounded as the source rounded them */
	case VALUE_TIME:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: {
		static const char *const w[] = { "time", "timestamp",
						 "timestamptz" };
		const char *ty = w[c->type == VALUE_TIME	  ? 0
				   : c->type == VALUE_TIMESTAMP ? 1
								: 2];
		int d = create_time_digits(c);
		return d < 6 ? buf_addf(b, e, "%s(%d)", ty, d)
			     : buf_adds(b, ty, e);
	}
	case VALUE_JSON:
		return buf_adds(
		    b, pg && strcmp(st, "json") == 0 ? "json" : "jsonb", e);
	case VALUE_UUID: return buf_adds(b, "uuid", e);
	case VALUE_ENUM:
		if (enum_type)
			return pgutil_quote_table(b, schema, enum_type, e);
		return buf_adds(b, "text", e);
	default: return buf_adds(b, "text", e);
	}
}

/* PostGIS's subtypes, as its typmod spells them (Z, M, ZM after) */
static const char *const geometry_subtypes[] = {
	"Geometry",	   "Point",	 "LineString",
	"Polygon",	   "MultiPoint", "MultiLineString",
	"MultiPolygon", "GeometryCollection",
};

/* MySQL's spatial types, in the order of geometry_subtypes */
static const char *const mysql_spatial[] = {
	"geometry",	"point",	   "linestring",
	"polygon",	"multipoint",	   "multilinestring",
	"multipolygon", "geometrycollection",
};

/*
 * A spatial column's PostgreSQL type: with PostGIS in the target (flags
 * PG_DDL_POSTGIS), geometry, of the source's subtype (MySQL's POINT is
 * geometry(Point)) and a PostgreSQL source's SRID; without it, bytea
 * holding the EWKB, noted.  The subtype and SRID are parsed, and printed
 * by ferry.
 */
static int spatial_type(const struct schema_column *c, int flags,
			struct buf *b, struct create_notes *notes,
			struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";
	const char *p = st + strlen("geometry");
	size_t sub = 0, zm = 0;
	long long srid = -1;
	char nm[200];

	if (!(flags & PG_DDL_POSTGIS)) {
		if (notes &&
		    create_notes_add(
			notes, e,
			"column %s: %s made bytea holding its EWKB: the "
			"target has no PostGIS (CREATE EXTENSION postgis "
			"before the load makes it geometry)",
			err_quote(nm, sizeof(nm), c->name, strlen(c->name),
				  120),
			st) < 0)
			return -1;
		return buf_adds(b, "bytea", e);
	}
	for (size_t k = 0; k < 8; k++)
		if (strcasecmp(st, mysql_spatial[k]) == 0 ||
		    (k == 7 && strcasecmp(st, "geomcollection") == 0))
			return k ? buf_addf(b, e, "geometry(%s)",
					    geometry_subtypes[k])
				 : buf_adds(b, "geometry", e);
	/* PostGIS: geometry, geometry(Sub[Z|M|ZM][,SRID]) */
	if (strncasecmp(st, "geometry", 8) != 0)
		return refuse_type(c, e);
	if (!*p)
		return buf_adds(b, "geometry", e);
	if (*p++ != '(')
		return refuse_type(c, e);
	for (sub = 0; sub < 8; sub++) {
		size_t n = strlen(geometry_subtypes[sub]);
		if (strncasecmp(p, geometry_subtypes[sub], n) == 0 &&
		    p[n] && strchr("ZzMm,)", p[n])) {
			p += n;
			break;
		}
	}
	if (sub == 8)
		return refuse_type(c, e);
	if (strncasecmp(p, "ZM", 2) == 0)
		zm = 3, p += 2;
	else if (*p == 'Z' || *p == 'z')
		zm = 1, p++;
	else if (*p == 'M' || *p == 'm')
		zm = 2, p++;
	if (*p == ',') {
		int64_t v;
		p++;
		if (!parse_number(&p, &v) || v < 0)
			return refuse_type(c, e);
		srid = v;
	}
	if (strcmp(p, ")") != 0)
		return refuse_type(c, e);
	if (buf_addf(b, e, "geometry(%s%s", geometry_subtypes[sub],
		     zm == 3	 ? "ZM"
		     : zm == 1 ? "Z"
		     : zm == 2 ? "M"
				 : "") < 0 ||
	    (srid >= 0 && buf_addf(b, e, ",%lld", srid) < 0))
		return -1;
	return buf_addc(b, ')', e);
}

/* a composite column: its type's name, once each attribute's type is
 * one ferry makes (sink_pg_ddl_composite) */
static int composite_type(const struct schema_column *c, struct buf *q,
			  struct err *e)
{
	struct buf tmp;
	int rc;

	buf_init(&tmp, 1u << 20);
	rc = sink_pg_ddl_composite(c, &tmp, e);
	buf_release(&tmp);
	if (rc < 0)
		return -1;
	/* an array of it: source_type "pair[]" */
	return pgutil_quote_table(q, c->composite->schema, c->composite->name,
				  e) < 0
		   ? -1
	       : c->source_type && strlen(c->source_type) > 2 &&
		       strcmp(c->source_type + strlen(c->source_type) - 2,
			      "[]") == 0
		   ? buf_adds(q, "[]", e)
		   : 0;
}

/* ", "-separated labels of c, quoted literals */
static int add_labels(const struct schema_column *c, struct buf *q,
		      struct err *e)
{
	size_t nl;
	char *const *labels = schema_enum_labels(c, &nl);

	for (size_t k = 0; k < nl; k++)
		if ((k && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_literal(q, labels[k], strlen(labels[k]), e) <
			0)
			return -1;
	return 0;
}

/*
 * A SET's text[] takes its members only, one dimension, as PostgreSQL
 * prints it back (a PostgreSQL source knows the column by it):
 *   CHECK ((("c" <@ ARRAY['a'::text, 'b'::text]) AND (array_ndims("c") = 1)))
 */
static int set_check(const struct schema_column *c, const char *nm,
		     struct buf *q, struct err *e)
{
	if (buf_adds(q, " CHECK (((", e) < 0 ||
	    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
	    buf_adds(q, " <@ ARRAY[", e) < 0)
		return -1;
	for (size_t k = 0; k < c->nset; k++)
		if ((k && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_literal(q, c->set[k], strlen(c->set[k]), e) <
			0 ||
		    buf_adds(q, "::text", e) < 0)
			return -1;
	return buf_adds(q, "]) AND (array_ndims(", e) < 0 ||
		       pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		       buf_adds(q, ") = 1)))", e) < 0
		   ? -1
		   : 0;
}

int sink_pg_ddl_enum(const struct schema_table *t,
		     const struct pgname_table *pn, size_t col,
		     const char *name, struct buf *q, struct err *e)
{
	const struct schema_column *c = &t->cols[col];

	if (buf_adds(q, "CREATE TYPE ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, name, e) < 0 ||
	    buf_adds(q, " AS ENUM (", e) < 0 || add_labels(c, q, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

/* a constant default d of column c as a literal PostgreSQL reads as that
 * value: 1, or 0 when it is not a value of c's type (nothing added) */
static int default_literal(const struct schema_column *c, const char *d,
			   struct buf *q, struct err *e)
{
	struct buf scratch, txt;
	struct value v;
	struct err pe;
	int rc = -1;

	buf_init(&scratch, 1u << 20);
	buf_init(&txt, 1u << 20);
	err_init(&pe);
	if (!schema_default_value(c, &scratch, &v)) {
		rc = 0;
		goto out;
	}
	/* dates in PostgreSQL's own form (BC years); the rest as the
	 * stream writes them, which PostgreSQL reads */
	if (c->type == VALUE_DATE || c->type == VALUE_TIMESTAMP ||
	    c->type == VALUE_TIMESTAMPTZ) {
		if (loadfmt_pg_copy(&txt, c->type, 0, &v, &pe) < 0) {
			rc = 0;
			goto out;
		}
	} else if (c->nset) {
		if (loadfmt_pg_set_array(&txt, d, strlen(d), e) < 0)
			goto out;
	} else if (buf_adds(&txt, d, e) < 0) {
		goto out;
	}
	if (buf_adds(q, " DEFAULT ", e) < 0 ||
	    pgutil_quote_literal(q, txt.data ? (char *)txt.data : "", txt.len,
				 e) < 0)
		goto out;
	rc = 1;
out:
	buf_release(&scratch);
	buf_release(&txt);
	return rc;
}

/* " DEFAULT ..." of column c where PostgreSQL has its like, else a note */
/* PostgreSQL's nextval('seq'::regclass) default of a free sequence the
 * target has (pn->sequences): DEFAULT nextval of it, its name quoted
 * anew; 1 when written, 0 when not such a default */
static int nextval_default(const struct schema_column *c,
			   const struct schema_objects *seqs, struct buf *q,
			   struct err *e)
{
	const char *t = c->def.text, *end;
	char *sc = NULL, *nm = NULL;
	struct buf name;
	int rc = 0;

	if (!seqs || !t || strncmp(t, "nextval('", 9) != 0 ||
	    !(end = strstr(t + 9, "'::regclass)")) || end[12] ||
	    memchr(t + 9, '\'', (size_t)(end - (t + 9))))
		return 0;
	buf_init(&name, 1u << 16);
	if (buf_add(&name, t + 9, (size_t)(end - (t + 9)), e) < 0 ||
	    buf_addc(&name, 0, e) < 0) {
		rc = -1;
		goto out;
	}
	{
		struct err pe;
		err_init(&pe);
		if (schema_name_parse((char *)name.data, &sc, &nm, &pe) < 0)
			goto out;
	}
	for (size_t i = 0; i < seqs->n && rc == 0; i++) {
		const struct schema_sequence *s = seqs->v[i].seq;
		struct buf qn;
		if (!s || strcmp(s->name, nm) != 0 ||
		    strcmp(s->schema, sc ? sc : "public") != 0)
			continue;
		buf_init(&qn, 1u << 16);
		rc = pgutil_quote_table(&qn, s->schema, s->name, e) < 0 ||
				     buf_adds(q, " DEFAULT nextval(", e) < 0 ||
				     pgutil_quote_literal(q, (char *)qn.data,
							  qn.len, e) < 0 ||
				     buf_adds(q, "::regclass)", e) < 0
			 ? -1
			 : 1;
		buf_release(&qn);
	}
out:
	free(sc);
	free(nm);
	buf_release(&name);
	return rc;
}

static int column_default(const struct schema_column *c,
			  const struct schema_objects *seqs, struct buf *q,
			  struct create_notes *notes, struct err *e)
{
	const struct schema_default *d = &c->def;
	enum value_type ty = c->type;
	int ts = ty == VALUE_TIMESTAMP || ty == VALUE_TIMESTAMPTZ, rc;

	switch (d->kind) {
	case SCHEMA_DEFAULT_NONE: return 0;
	case SCHEMA_DEFAULT_VALUE:
		if ((rc = default_literal(c, d->text, q, e)) != 0)
			return rc < 0 ? -1 : 0;
		break;
	case SCHEMA_DEFAULT_NOW:
		if (ts && d->precision >= 0 && d->precision < 6)
			return buf_addf(q, e, " DEFAULT CURRENT_TIMESTAMP(%d)",
					d->precision);
		if (ts)
			return buf_adds(q, " DEFAULT CURRENT_TIMESTAMP", e);
		if (ty == VALUE_DATE)
			return buf_adds(q, " DEFAULT CURRENT_DATE", e);
		break;
	case SCHEMA_DEFAULT_CURRENT_DATE:
		if (ty == VALUE_DATE || ts)
			return buf_adds(q, " DEFAULT CURRENT_DATE", e);
		break;
	case SCHEMA_DEFAULT_UUID:
		if (ty == VALUE_UUID || ty == VALUE_TEXT)
			return buf_adds(q, " DEFAULT gen_random_uuid()", e);
		break;
	case SCHEMA_DEFAULT_EXPRESSION:
		if ((rc = nextval_default(c, seqs, q, e)) != 0)
			return rc < 0 ? -1 : 0;
		break;
	}
	return create_notes_default(notes, c, "", e);
}

/* identity, default and what PostgreSQL has no form for, of column c
 * (named nm in the target) */
const char *sink_pg_ci_collation(const struct schema_column *c)
{
	size_t n = c->collation ? strlen(c->collation) : 0;

	/* a SET's members are its labels exactly; a citext column of a
	 * PostgreSQL source compares without case by its type */
	if (c->type != VALUE_TEXT || n < 4 || c->nset ||
	    (c->source_type && strcmp(c->source_type, "citext") == 0) ||
	    strcmp(c->collation + n - 3, "_ci") != 0)
		return NULL;
	/* MySQL's _ci collations ignore accents too, but _as_ci ones */
	return n > 6 && strcmp(c->collation + n - 6, "_as_ci") == 0
		   ? "ferry_ci_as"
		   : "ferry_ci";
}

int sink_pg_ddl_schema(const char *schema, struct buf *q, struct err *e)
{
	if (buf_adds(q, "CREATE SCHEMA IF NOT EXISTS ", e) < 0)
		return -1;
	return pgutil_quote_ident(q, schema, strlen(schema), e);
}

int sink_pg_ddl_collation(const char *schema, const char *name, struct buf *q,
			  struct err *e)
{
	if (buf_adds(q, "CREATE COLLATION IF NOT EXISTS ", e) < 0 ||
	    pgutil_quote_table(q, schema, name, e) < 0)
		return -1;
	return buf_addf(q, e,
			" (provider = icu, locale = 'und-u-ks-level%d', "
			"deterministic = false)",
			strcmp(name, "ferry_ci_as") == 0 ? 2 : 1);
}

/* the sqlexpr flags of a target made with flags: LIKE is an error on
 * ferry_ci before PostgreSQL 18, not on citext */
static unsigned no_like(int flags)
{
	return (flags & PG_DDL_CI) && !(flags & PG_DDL_CITEXT)
		   ? SQLEXPR_CI_NO_LIKE
		   : 0;
}

/* the table's case-insensitive columns, made so: one note */
static int ci_note(const struct schema_table *t, int flags,
		   struct create_notes *notes, struct err *e)
{
	char list[400] = "", q[80];
	size_t len = 0, n = 0;

	if (!(flags & PG_DDL_CI))
		return 0;
	for (size_t i = 0; i < t->ncols; i++)
		if (sink_pg_ci_collation(&t->cols[i])) {
			if (len < sizeof(list) - 1) {
				int w = snprintf(
				    list + len, sizeof(list) - len, "%s%s",
				    n ? ", " : "",
				    err_quote(q, sizeof(q), t->cols[i].name,
					      strlen(t->cols[i].name), 60));
				if (w > 0)
					len += (size_t)w;
			}
			n++;
		}
	if (!n)
		return 0;
	if (flags & PG_DDL_CITEXT)
		return create_notes_add(
		    notes, e,
		    "%s %s: %s %scollation compares without case; made citext "
		    "(--case-insensitive citext), which does too, LIKE "
		    "included, but keeps accents apart ('e' and 'é' are two "
		    "values there) and its length is a CHECK",
		    n == 1 ? "column" : "columns", list,
		    n == 1 ? "its" : "their", from_pg(t) ? "" : "MySQL ");
	return create_notes_add(
	    notes, e,
	    "%s %s: %s %scollation compares without case (and accents, "
	    "but _as_ci); made with the nondeterministic ICU collation "
	    "ferry_ci (ferry_ci_as), which does the same; LIKE and regular "
	    "expressions on %s are an error before PostgreSQL 18",
	    n == 1 ? "column" : "columns", list, n == 1 ? "its" : "their",
	    from_pg(t) ? "" : "MySQL ", n == 1 ? "it" : "them");
}

/* GENERATED ALWAYS AS (...) STORED for generated column i of t: 1 when
 * made, 0 when the column is to be plain (a note says why), -1 */
static int column_generated(const struct schema_table *t, size_t i,
			    const struct pgname_table *pn, int flags,
			    struct buf *q, struct create_notes *notes,
			    struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	unsigned xf = no_like(flags);
	size_t at = q->len;
	char qn[160];
	int rc;

	if (buf_adds(q, " GENERATED ALWAYS AS (", e) < 0 ||
	    (rc = create_generated(t, i, SQLEXPR_PG, pn->cols, xf, q, notes,
				   e)) < 0)
		return -1;
	if (rc == 0) {
		q->len = at;
		return 0;
	}
	if (buf_adds(q, ") STORED", e) < 0)
		return -1;
	if (!c->generated_stored &&
	    create_notes_add(notes, e,
			     "column %s: VIRTUAL generated column made STORED, "
			     "the one kind PostgreSQL has (the same values, "
			     "kept on disk)",
			     err_quote(qn, sizeof(qn), c->name,
				       strlen(c->name), 120)) < 0)
		return -1;
	return 1;
}

static int column_extras(const struct schema_table *t, size_t i,
			 const struct pgname_table *pn, int flags,
			 struct buf *q, struct create_notes *notes,
			 struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	const struct schema_objects *seqs = pn->sequences;
	char qn[160], how[300];
	int rc;

	err_quote(qn, sizeof(qn), c->name, strlen(c->name), 120);
	if (c->generated &&
	    (rc = column_generated(t, i, pn, flags, q, notes, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (sink_pg_ci_collation(c) && !(flags & PG_DDL_CI) &&
	    create_notes_add(
		notes, e,
		"column %s: collation %s compares without case; made "
		"case-sensitive (--case-insensitive off): 'Alice' and 'alice' "
		"are two values there (a unique key holds both, = 'alice' "
		"misses 'Alice')",
		qn,
		err_quote(how, sizeof(how), c->collation, strlen(c->collation),
			  64)) < 0)
		return -1;
	if (c->on_update.kind &&
	    create_notes_add(
		notes, e,
		"column %s: ON UPDATE %s not made: PostgreSQL has no such "
		"column attribute (an UPDATE that leaves the column out "
		"keeps its value)",
		qn,
		schema_default_describe(&c->on_update, how, sizeof(how))) < 0)
		return -1;
	if (!c->identity)
		return column_default(c, seqs, q, notes, e);
	if (c->type != VALUE_INT64 && c->type != VALUE_UINT64)
		return create_notes_add(notes, e,
					"column %s: identity not made on a %s "
					"column",
					qn, value_type_name(c->type));
	if (buf_adds(q,
		     c->identity == SCHEMA_IDENTITY_ALWAYS
			 ? " GENERATED ALWAYS AS IDENTITY"
			 : " GENERATED BY DEFAULT AS IDENTITY",
		     e) < 0)
		return -1;
	/* the source's next value first, so that an INSERT after the load
	 * never reuses a number the source gave out (rows deleted since);
	 * the load moves it past the highest value it wrote */
	if (c->identity_next || c->identity_increment != 1) {
		int64_t next = c->identity_next ? c->identity_next : 1;
		if (buf_addf(q, e,
			     " (START WITH %" PRId64 " INCREMENT BY %" PRId64,
			     next, c->identity_increment) < 0 ||
		    (next < 1 && c->identity_increment > 0 &&
		     buf_addf(q, e, " MINVALUE %" PRId64, next) < 0) ||
		    buf_addc(q, ')', e) < 0)
			return -1;
	}
	return 0;
}

/* CHECK (c >= 0) of a number the source keeps >= 0 (MySQL's UNSIGNED,
 * a PostgreSQL source's own such CHECK), and of every uint64; a uint64
 * made numeric(20,0) also stays <= 2^64 - 1, and a MySQL INT, MEDIUMINT,
 * SMALLINT or TINYINT UNSIGNED <= its own largest value, as there */
static int unsigned_check(const struct schema_column *c, const char *nm,
			  struct buf *q, struct err *e)
{
	int nonneg = c->nonnegative || c->type == VALUE_UINT64;
	const char *max = create_unsigned_max(c);

	if (!nonneg || (c->type != VALUE_INT64 && c->type != VALUE_UINT64 &&
			c->type != VALUE_DECIMAL && c->type != VALUE_FLOAT64))
		return 0;
	if (buf_adds(q, " CHECK (", e) < 0 ||
	    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
	    buf_adds(q, " >= 0", e) < 0)
		return -1;
	if (c->type == VALUE_UINT64 && !c->identity &&
	    (buf_adds(q, " AND ", e) < 0 ||
	     pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
	     buf_adds(q, " <= 18446744073709551615", e) < 0))
		return -1;
	if (max && c->nonnegative &&
	    (buf_adds(q, " AND ", e) < 0 ||
	     pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
	     buf_addf(q, e, " <= %s", max) < 0))
		return -1;
	return buf_addc(q, ')', e);
}

/* a MySQL YEAR's values on PostgreSQL: 0 or 1901 to 2155, as MySQL
 * takes them (a MySQL target reads this CHECK as YEAR again) */
static int year_check(const struct schema_column *c, const char *nm,
		      struct buf *q, struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";

	if (c->type != VALUE_INT64 || strncmp(st, "year", 4) != 0 ||
	    (st[4] && st[4] != '('))
		return 0;
	return buf_adds(q, " CHECK ((", e) < 0 ||
		       pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		       buf_adds(q, " = 0) OR (", e) < 0 ||
		       pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		       buf_adds(q, " BETWEEN 1901 AND 2155))", e) < 0
		   ? -1
		   : 0;
}

/* citext for a case-insensitive column (PG_DDL_CITEXT), with its source
 * length of characters as a CHECK */
static int citext_type(const struct schema_column *c, const char *nm,
		       struct buf *q, struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";

	if (buf_adds(q, "citext", e) < 0)
		return -1;
	if (!((starts(st, "varchar") || starts(st, "char") ||
	       starts(st, "character")) &&
	      c->length > 0 && c->length <= 10485760))
		return 0;
	return buf_adds(q, " CHECK (char_length(", e) < 0 ||
		       pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		       buf_addf(q, e, ") <= %" PRId64 ")", c->length) < 0
		   ? -1
		   : 0;
}

/* COLLATE ferry_ci of a case-insensitive MySQL column (PG_DDL_CI) */
static int column_collate(const struct schema_column *c,
			  const struct pgname_table *pn, int flags,
			  struct buf *q, struct err *e)
{
	const char *ci = sink_pg_ci_collation(c);

	if (!ci || !(flags & PG_DDL_CI) || (flags & PG_DDL_CITEXT))
		return 0;
	if (buf_adds(q, " COLLATE ", e) < 0)
		return -1;
	return pgutil_quote_table(q, pn->schema, ci, e);
}

/* the enum columns no PostgreSQL enum type can hold, by name */
static int enum_note(const struct schema_table *t, struct create_notes *notes,
		     struct err *e)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		char q[80];
		if (c->type != VALUE_ENUM || !c->nlabels ||
		    pgname_enum_labels_ok(c->labels, c->nlabels))
			continue;
		if (create_notes_add(
			notes, e,
			"column %s: a PostgreSQL enum type cannot hold its "
			"labels (one is over 63 bytes, or two are alike); made "
			"as text with a CHECK of its labels, which keeps the "
			"values but sorts them as text",
			err_quote(q, sizeof(q), c->name, strlen(c->name), 60)) <
		    0)
			return -1;
	}
	return 0;
}

/* the source's CHECK constraints that translate (engine.h create_check),
 * named as the source names them when the name fits PostgreSQL's 63
 * bytes (else PostgreSQL names it) */
/* whether name is the one PostgreSQL gives an unnamed CHECK that
 * sink_pg_ddl_table writes on a column (table_column_check): a check of
 * the source of that name then goes unnamed, or the two would collide */
static int inline_check_name(const struct schema_table *t,
			     const struct pgname_table *pn, int flags,
			     const char *name)
{
	size_t tl = strlen(pn->tname);

	if (strncmp(name, pn->tname, tl) != 0 || name[tl] != '_')
		return 0;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		size_t cl = strlen(pn->cols[i]);
		int has = c->nonnegative || c->type == VALUE_UINT64 ||
			  (c->type == VALUE_ENUM && c->nlabels &&
			   ((flags & PG_DDL_ENUM_CHECK) || !pn->enums ||
			    !pn->enums[i]));
		if (has && strncmp(name + tl + 1, pn->cols[i], cl) == 0 &&
		    strncmp(name + tl + 1 + cl, "_check", 6) == 0)
			return 1;
	}
	return 0;
}

int sink_pg_composite_column(const struct schema_table *t, size_t i)
{
	const struct schema_column *c = &t->cols[i];

	return c->composite && from_pg(t) && c->type == VALUE_TEXT &&
	       !c->domain && !c->nset;
}

int sink_pg_ddl_composite(const struct schema_column *c, struct buf *q,
			  struct err *e)
{
	const struct schema_composite *k = c->composite;

	if (buf_adds(q, "CREATE TYPE ", e) < 0 ||
	    pgutil_quote_table(q, k->schema, k->name, e) < 0 ||
	    buf_adds(q, " AS (", e) < 0)
		return -1;
	for (size_t x = 0; x < k->nattrs; x++) {
		struct schema_column a;
		char nm[300];
		memset(&a, 0, sizeof(a));
		snprintf(nm, sizeof(nm), "%s (of type %s.%s, attribute %s)",
			 c->name, k->schema, k->name, k->attrs[x].name);
		a.name = nm;
		a.source_type = k->attrs[x].expr;
		if ((x && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_ident(q, k->attrs[x].name,
				       strlen(k->attrs[x].name), e) < 0 ||
		    buf_addc(q, ' ', e) < 0 || pg_own_type(&a, q, e) < 0)
			return -1;
	}
	return buf_addc(q, ')', e);
}

int sink_pg_domain_column(const struct schema_column *c, int flags)
{
	return c->domain && (flags & PG_DDL_DOMAINS) && c->type != VALUE_ENUM &&
	       !c->nset;
}

/* whether check nm of t is "<column>_<check>" of a column's domain that
 * is made (the domain holds it) */
static int domain_check(const struct schema_table *t, int flags,
			const char *nm)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		size_t cl = strlen(c->name);
		if (!sink_pg_domain_column(c, flags) ||
		    strncmp(nm, c->name, cl) != 0 || nm[cl] != '_')
			continue;
		for (size_t k = 0; k < c->domain->nchecks; k++)
			if (strcmp(nm + cl + 1, c->domain->checks[k].name) == 0)
				return 1;
	}
	return 0;
}

int sink_pg_ddl_domain(const struct schema_table *t, size_t i,
		       const struct pgname_table *pn, struct buf *q,
		       struct create_notes *notes, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	const struct schema_domain *d = c->domain;
	struct schema_column v = *c;
	struct schema_table one;
	char why[256], qn[160];

	/* the checks read VALUE, a one-column table's */
	memset(&one, 0, sizeof(one));
	v.name = (char *)"VALUE";
	one.cols = &v;
	one.ncols = 1;
	one.source = t->source;
	if (buf_adds(q, "CREATE DOMAIN ", e) < 0 ||
	    pgutil_quote_table(q, d->schema, d->name, e) < 0 ||
	    buf_adds(q, " AS ", e) < 0 ||
	    column_type(t, c, pn->schema, NULL, q, e) < 0 ||
	    (d->not_null && buf_adds(q, " NOT NULL", e) < 0))
		return -1;
	for (size_t k = 0; k < d->nchecks; k++) {
		const char *nm = d->checks[k].name;
		size_t at = q->len;
		int rc;
		if (buf_adds(q, " CONSTRAINT ", e) < 0 ||
		    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		    buf_adds(q, " CHECK (", e) < 0 ||
		    (rc = sqlexpr_translate(d->checks[k].expr, &one, SQLEXPR_PG,
					    NULL, SQLEXPR_VALUE_KEYWORD, q, why,
					    sizeof(why), e)) < 0)
			return -1;
		if (rc == 0) {
			if (buf_addc(q, ')', e) < 0)
				return -1;
			continue;
		}
		buf_cut(q, at);
		if (create_notes_add(notes, e,
				     "domain %s: check %s not made: %s",
				     err_quote(qn, sizeof(qn), d->name,
					       strlen(d->name), 60),
				     nm, why) < 0)
			return -1;
	}
	return 0;
}

static int table_checks(const struct schema_table *t,
			const struct pgname_table *pn, int flags, struct buf *q,
			struct create_notes *notes, struct err *e)
{
	unsigned xf = no_like(flags);

	for (size_t k = 0; k < t->nchecks; k++) {
		const char *nm = t->checks[k].name;
		size_t at = q->len;
		int rc;
		if (domain_check(t, flags, nm))
			continue; /* the column's domain has it */
		if (buf_adds(q, ", ", e) < 0 ||
		    (strlen(nm) <= 63 &&
		     !inline_check_name(t, pn, flags, nm) &&
		     (buf_adds(q, "CONSTRAINT ", e) < 0 ||
		      pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		      buf_addc(q, ' ', e) < 0)) ||
		    buf_adds(q, "CHECK (", e) < 0)
			return -1;
		if ((rc = create_check(t, k, SQLEXPR_PG, pn->cols, xf, q, notes,
				       e)) < 0)
			return -1;
		if (rc == 0)
			q->len = at;
		else if (buf_addc(q, ')', e) < 0)
			return -1;
	}
	return 0;
}

int sink_pg_ddl_table(const struct schema_table *t,
		      const struct pgname_table *pn, int flags, struct buf *q,
		      struct create_notes *notes, struct err *e)
{
	int enum_check = flags & PG_DDL_ENUM_CHECK;

	if (ci_note(t, flags, notes, e) < 0 ||
	    (!enum_check && enum_note(t, notes, e) < 0))
		return -1;
	/* every column whose type is refused, said at once */
	struct err refused;
	int nrefused = 0;

	err_init(&refused);
	if (buf_adds(q, "CREATE TABLE ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0 ||
	    buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const char *nm = pn->cols[i];
		const char *et = !enum_check && pn->enums ? pn->enums[i] : NULL;
		/* a case-insensitive column made citext: its length a CHECK */
		int cit = (flags & PG_DDL_CI) && (flags & PG_DDL_CITEXT) &&
			  sink_pg_ci_collation(c);
		struct err ce;
		int trc;

		if ((i && buf_adds(q, ", ", e) < 0) ||
		    pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		    buf_addc(q, ' ', e) < 0)
			return -1;
		err_init(&ce);
		trc = sink_pg_domain_column(c, flags)
			  ? pgutil_quote_table(q, c->domain->schema,
					       c->domain->name, &ce)
		      : sink_pg_composite_column(t, i)
			  ? composite_type(c, q, &ce)
		      : cit ? citext_type(c, nm, q, &ce)
		      : c->type == VALUE_BYTES && c->source_type &&
			      wkb_is_spatial_type(c->source_type)
			  ? spatial_type(c, flags, q, notes, &ce)
			  : column_type(t, c, pn->schema, et, q, &ce);
		if (trc < 0 && ce.class != ERR_STREAM) {
			*e = ce;
			return -1;
		}
		if (trc < 0) {
			char before[ERR_MSG_MAX];
			memcpy(before, refused.msg, sizeof(before));
			err_set(&refused, ERR_STREAM, "%s%s%s", before,
				nrefused ? "; " : "", ce.msg);
			nrefused++;
			continue;
		}
		if ((!sink_pg_domain_column(c, flags) &&
		     column_collate(c, pn, flags, q, e) < 0) ||
		    (!c->nullable && buf_adds(q, " NOT NULL", e) < 0) ||
		    column_extras(t, i, pn, flags, q, notes, e) < 0 ||
		    unsigned_check(c, nm, q, e) < 0 ||
		    year_check(c, nm, q, e) < 0)
			return -1;
		if (c->type == VALUE_ENUM && c->nlabels && !et &&
		    (buf_adds(q, " CHECK (", e) < 0 ||
		     pgutil_quote_ident(q, nm, strlen(nm), e) < 0 ||
		     buf_adds(q, " IN (", e) < 0 || add_labels(c, q, e) < 0 ||
		     buf_adds(q, "))", e) < 0))
			return -1;
		if (c->nset && set_check(c, nm, q, e) < 0)
			return -1;
	}
	if (nrefused) {
		*e = refused;
		return -1;
	}
	if (table_checks(t, pn, flags, q, notes, e) < 0 || buf_addc(q, ')', e) < 0)
		return -1;
	/* a PostgreSQL source's partitioned table: partitioned alike (its
	 * partitions are made after it, sink_pg_ddl_partition) */
	if (t->partition) {
		const struct schema_partition *sp = t->partition;
		if (buf_addf(q, e, " PARTITION BY %s (",
			     sp->strategy == 'r'   ? "RANGE"
			     : sp->strategy == 'l' ? "LIST"
						   : "HASH") < 0 ||
		    pgutil_quote_cols(pn->cols, q, sp->cols, sp->ncols, e) < 0 ||
		    buf_addc(q, ')', e) < 0)
			return -1;
	}
	return 0;
}

static int partition_bounds(const struct schema_bound *v, size_t n,
			    struct buf *q, struct err *e)
{
	if (buf_addc(q, '(', e) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		if (k && buf_adds(q, ", ", e) < 0)
			return -1;
		if (v[k].kind == SCHEMA_BOUND_VALUE
			? pgutil_quote_literal(q, v[k].value,
					       strlen(v[k].value), e) < 0
			: buf_adds(q,
				   v[k].kind == SCHEMA_BOUND_NULL  ? "NULL"
				   : v[k].kind == SCHEMA_BOUND_MIN ? "MINVALUE"
								   : "MAXVALUE",
				   e) < 0)
			return -1;
	}
	return buf_addc(q, ')', e);
}

int sink_pg_ddl_partition(const struct schema_table *t,
			  const struct pgname_table *pn, size_t k, struct buf *q,
			  struct err *e)
{
	const struct schema_partition *sp = t->partition;
	const struct schema_part *x = &sp->parts[k];
	char name[PGNAME_MAX + 1];

	pgname_fit(x->name, name);
	if (buf_adds(q, "CREATE TABLE ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, name, e) < 0 ||
	    buf_adds(q, " PARTITION OF ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0)
		return -1;
	if (x->is_default)
		return buf_adds(q, " DEFAULT", e);
	if (buf_adds(q, " FOR VALUES ", e) < 0)
		return -1;
	switch (sp->strategy) {
	case 'r':
		return buf_adds(q, "FROM ", e) < 0 ||
			       partition_bounds(x->from, sp->ncols, q, e) < 0 ||
			       buf_adds(q, " TO ", e) < 0 ||
			       partition_bounds(x->to, sp->ncols, q, e) < 0
			   ? -1
			   : 0;
	case 'l':
		return buf_adds(q, "IN ", e) < 0 ||
			       partition_bounds(x->values, x->nvalues, q, e) < 0
			   ? -1
			   : 0;
	default:
		return buf_addf(q, e,
				"WITH (MODULUS %" PRId64 ", REMAINDER %" PRId64
				")",
				x->modulus, x->remainder);
	}
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
	    pgutil_quote_cols(pn->cols, q, t->pk, t->npk, e) < 0)
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
	    pgutil_quote_cols(pn->cols, q, ix->cols, ix->ncols, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

int sink_pg_ddl_xindex(const struct schema_table *t,
		       const struct pgname_table *pn, size_t x, int flags,
		       struct buf *q, struct create_notes *notes,
		       struct err *e)
{
	const struct schema_xindex *ix = &t->xindexes[x];
	unsigned xf = no_like(flags);
	size_t at = t->nindexes + x;
	char why[256];
	const char *name;
	size_t start = q->len;
	int rc = 0;

	if (!pn->indexes || at >= pn->nindexes)
		return err_set(e, ERR_SYSTEM,
			       "internal error: index names not made");
	name = pn->indexes[at];
	if (buf_adds(q, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ",
		     e) < 0 ||
	    pgutil_quote_ident(q, name, strlen(name), e) < 0 ||
	    buf_adds(q, " ON ", e) < 0 ||
	    pgutil_quote_table(q, pn->schema, pn->tname, e) < 0 ||
	    buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t k = 0; k < ix->nkeys && rc == 0; k++) {
		if (buf_adds(q, k ? ", (" : "(", e) < 0)
			return -1;
		rc = sqlexpr_translate_value(ix->keys[k], t, SQLEXPR_PG,
					     pn->cols, xf, q, why, sizeof(why),
					     e);
		if (rc == 0 && buf_addc(q, ')', e) < 0)
			return -1;
	}
	if (rc == 0 && buf_addc(q, ')', e) < 0)
		return -1;
	if (rc == 0 && ix->where &&
	    (buf_adds(q, " WHERE ", e) < 0 ||
	     (rc = sqlexpr_translate(ix->where, t, SQLEXPR_PG, pn->cols, xf, q,
				     why, sizeof(why), e)) < 0))
		return -1;
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 1;
	q->len = start;
	return create_notes_not_made(notes, "index", ix->name, why, e) < 0
		   ? -1
		   : 0;
}
