/*
 * fuzz-ddl - libFuzzer target for the DDL that ferry-load --create runs
 * (sink.h: sink_pg_ddl_*, sink_mysql_ddl_table), for both engines.
 *
 * The input is a stream table's schema JSON (schema_table_parse).  When it
 * parses, every statement --create could run for it is built: PostgreSQL
 * with and without --enum-types (CREATE SCHEMA, CREATE TYPE of each enum,
 * CREATE TABLE,
 * ADD PRIMARY KEY, CREATE INDEX of each index), MySQL with and without
 * indexes and MariaDB's UUID.  A builder may refuse a column (ERR_STREAM);
 * what it builds is read by a small tokenizer of the engine's SQL, which
 * aborts unless the statement is exactly one statement of ferry's words:
 *
 *   - nothing but spaces, quoted identifiers, string literals (with the
 *     engine's escaping), numbers, words and ( ) , . [ ] = (PostgreSQL:
 *     also < >) outside quotes:
 *     no ';', no comment, no dollar quote, no other byte of the stream;
 *   - every quoted identifier unquotes to a name of the schema: the table
 *     (or a part of schema.table), a column, an index (PostgreSQL: with
 *     the table's name in front, cut to 63 bytes), an enum type's name;
 *   - every bare word is one of a fixed list of keywords and type names;
 *   - operators only inside CHECK (...), a generated column's AS (...)
 *     or after WHERE, where sqlexpr wrote them;
 *   - string literals only in a label list, "IN (...)", "ENUM (...)" or
 *     MySQL's "SET (...)" (a label or a SET's member),
 *     each unquoting to an enum label of the table, or as one DEFAULT
 *     (MySQL: also "DEFAULT (...)" and X'hex'), whose quoting the
 *     tokenizer proves keeps it one literal.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-ddl`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-ddl, which `make check`
 * runs on testdata/fuzz/ddl.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/mysql/sink_mysql.h"
#include "db/pg/pgname.h"
#include "db/pg/sink_pg.h"
#include "db/sink.h"
#include "stream/schema.h"

enum ddl_engine { DDL_PG, DDL_MYSQL };

static const char *const pg_words[] = {
	/* statements */
	"CREATE", "TABLE", "TYPE", "AS", "ENUM", "NOT", "NULL", "CHECK", "IN",
	"ALTER", "ADD", "PRIMARY", "KEY", "INDEX", "UNIQUE", "ON",
	/* types */
	"text", "name", "citext", "character", "varying", "varchar", "char",
	"bpchar", "bit", "varbit", "boolean", "bool", "smallint", "integer",
	"int", "bigint", "int2", "int4", "int8", "real", "double", "precision",
	"float4", "float8", "float", "numeric", "decimal", "money", "date",
	"time", "with", "without", "zone", "timetz", "timestamp", "timestamptz",
	"interval", "year", "month", "day", "hour", "minute", "second", "to",
	"bytea", "json", "jsonb", "jsonpath", "xml", "uuid", "inet", "cidr",
	"macaddr", "macaddr8", "tsvector", "tsquery", "point", "line", "lseg",
	"box", "path", "polygon", "circle", "int4range", "int8range",
	"numrange", "tsrange", "tstzrange", "daterange", "int4multirange",
	"int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
	"datemultirange", "pg_lsn", "pg_snapshot", "txid_snapshot", "oid",
	"xid", "xid8", "cid", "tid", "int2vector", "oidvector",
	/* identities and defaults */
	"DEFAULT", "GENERATED", "ALWAYS", "BY", "IDENTITY", "START", "WITH",
	"INCREMENT", "MINVALUE", "CURRENT_TIMESTAMP", "CURRENT_DATE",
	"gen_random_uuid", "COLLATE", "COLLATION", "IF", "EXISTS", "provider",
	"icu", "locale", "deterministic", "false", "SCHEMA", "AND",
	/* CHECK constraints and indexes on expressions (sqlexpr.h) */
	"CONSTRAINT", "OR", "IS", "LIKE", "BETWEEN", "TRUE", "FALSE", "WHERE",
	"lower", "upper", "char_length", "octet_length", "trim", "abs",
	"coalesce",
	/* generated columns */
	"STORED",
	/* a SET's text[] */
	"ARRAY", "array_ndims",
	/* domains */
	"DOMAIN", "VALUE",
	/* partitioned tables and their partitions */
	"PARTITION", "OF", "FOR", "VALUES", "FROM", "TO", "MAXVALUE", "RANGE",
	"LIST", "HASH", "MODULUS", "REMAINDER", NULL
};

static const char *const my_words[] = { "CREATE",
					"TABLE",
					"ALTER",
					"ADD",
					"NOT",
					"NULL",
					"PRIMARY",
					"KEY",
					"UNIQUE",
					"ENGINE",
					"InnoDB",
					"DEFAULT",
					"CHARSET",
					"utf8mb4",
					"COLLATE",
					"utf8mb4_bin",
					"CHARACTER",
					"SET",
					"ENUM",
					"TINYINT",
					"SMALLINT",
					"MEDIUMINT",
					"INT",
					"BIGINT",
					"UNSIGNED",
					"YEAR",
					"FLOAT",
					"DOUBLE",
					"DECIMAL",
					"VARCHAR",
					"LONGTEXT",
					"VARBINARY",
					"LONGBLOB",
					"DATE",
					"TIME",
					"DATETIME",
					"JSON",
					"UUID",
					"BIT",
					"INET4",
					"INET6",
					"GEOMETRY",
					"POINT",
					"LINESTRING",
					"POLYGON",
					"MULTIPOINT",
					"MULTILINESTRING",
					"MULTIPOLYGON",
					"GEOMETRYCOLLECTION",
					"CHAR",
					"TEXT",
					"AUTO_INCREMENT",
					"ON",
					"UPDATE",
					"CURRENT_TIMESTAMP",
					"CURRENT_DATE",
					"utf8mb4_nopad_bin",
					/* CHECK constraints (sqlexpr.h) */
					"CONSTRAINT",
					"CHECK",
					"AND",
					"OR",
					"IS",
					"IN",
					"LIKE",
					"BETWEEN",
					"TRUE",
					"FALSE",
					"lower",
					"upper",
					"char_length",
					"octet_length",
					"trim",
					"abs",
					"coalesce",
					"concat",
					/* generated columns */
					"AS",
					"STORED",
					"VIRTUAL",
					NULL };

struct ddl_check {
	const struct schema_table *t;
	enum ddl_engine engine;
	const char *sql;
	size_t len;
	struct buf tok; /* the current identifier or literal, unquoted */
};

static void ddl_fail(const struct ddl_check *c, const char *why, size_t at)
{
	fprintf(stderr, "fuzz-ddl: %s at byte %zu of: %.*s\n", why, at,
		(int)c->len, c->sql);
	abort();
}

static int eq(const struct buf *b, const char *s, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

static int eqs(const struct buf *b, const char *s)
{
	return eq(b, s, strlen(s));
}

/* name, or one side of its first dot (PostgreSQL's schema.table) */
static int is_name_or_part(const struct ddl_check *c, const char *name)
{
	const char *dot = strchr(name, '.');

	if (eqs(&c->tok, name) && (c->engine == DDL_MYSQL || !dot))
		return 1;
	return c->engine == DDL_PG && dot &&
	       (eq(&c->tok, name, (size_t)(dot - name)) ||
		eqs(&c->tok, dot + 1));
}

/* PostgreSQL's index name: [table_]index, fitted as pgname.h says */
static int is_pg_index_name(const struct ddl_check *c, const char *ix)
{
	const char *tn = strrchr(c->t->name, '.');
	char cand[2 * SCHEMA_MAX_NAME + 2], fit[PGNAME_MAX + 1];

	tn = tn ? tn + 1 : c->t->name;
	snprintf(cand, sizeof(cand), "%s_%s", tn, ix);
	for (int k = 0; k < 2; k++) {
		pgname_fit(k ? ix : cand, fit);
		if (eqs(&c->tok, fit))
			return 1;
	}
	return 0;
}

/* a name, or (PostgreSQL) the name pgname.h gives it */
static int is_name_fitted(const struct ddl_check *c, const char *name)
{
	char fit[PGNAME_MAX + 1];

	if (eqs(&c->tok, name))
		return 1;
	if (c->engine != DDL_PG)
		return 0;
	pgname_fit(name, fit);
	return eqs(&c->tok, fit);
}

/* the names of the table being checked (PostgreSQL), or NULL */
static const struct pgname_table *cur_pn;

static int known_ident(const struct ddl_check *c)
{
	const struct schema_table *t = c->t;

	if (c->engine == DDL_PG &&
	    (eqs(&c->tok, "ferry_ci") || eqs(&c->tok, "ferry_ci_as")))
		return 1;

	if (is_name_or_part(c, t->name))
		return 1;
	/* a table without a schema is public's, named so; the table's own
	 * parts, which may hold dots (schema.h's name syntax) */
	if (c->engine == DDL_PG && eqs(&c->tok, "public"))
		return 1;
	/* the schema (or table) pgname_table_init fitted */
	if (c->engine == DDL_PG && cur_pn &&
	    ((cur_pn->schema && eqs(&c->tok, cur_pn->schema)) ||
	     (cur_pn->table && eqs(&c->tok, cur_pn->table))))
		return 1;
	if ((t->table && is_name_fitted(c, t->table)) ||
	    (t->schema && is_name_fitted(c, t->schema)))
		return 1;
	if (c->engine == DDL_PG) {
		const char *dot = strchr(t->name, '.');
		char part[SCHEMA_MAX_NAME + 1];
		size_t n = dot ? (size_t)(dot - t->name) : strlen(t->name);
		snprintf(part, sizeof(part), "%.*s", (int)n, t->name);
		if (is_name_fitted(c, part) ||
		    (dot && is_name_fitted(c, dot + 1)))
			return 1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		if (is_name_fitted(c, t->cols[i].name))
			return 1;
		/* an enum type: named by pgname_table_enums from the
		 * table's and column's names or a PostgreSQL source's type */
		if (c->engine == DDL_PG &&
		    (t->cols[i].type == VALUE_ENUM || t->cols[i].nelabels) &&
		    cur_pn && cur_pn->enums && cur_pn->enums[i] &&
		    eqs(&c->tok, cur_pn->enums[i]))
			return 1;
	}
	for (size_t x = 0; x < t->nindexes; x++)
		if (c->engine == DDL_PG
			? is_pg_index_name(c, t->indexes[x].name)
			: eqs(&c->tok, t->indexes[x].name))
			return 1;
	for (size_t x = 0; c->engine == DDL_PG && x < t->nxindexes; x++)
		if (is_pg_index_name(c, t->xindexes[x].name) ||
		    (cur_pn && cur_pn->indexes &&
		     t->nindexes + x < cur_pn->nindexes &&
		     eqs(&c->tok, cur_pn->indexes[t->nindexes + x])))
			return 1;
	for (size_t k = 0; k < t->nchecks; k++)
		if (eqs(&c->tok, t->checks[k].name))
			return 1;
	/* a partition, named as pgname.h fits it */
	for (size_t k = 0; t->partition && k < t->partition->nparts; k++)
		if (is_name_fitted(c, t->partition->parts[k].name))
			return 1;
	/* PostgreSQL's one-byte type "char", quoted as its name must be */
	if (c->engine == DDL_PG && eqs(&c->tok, "char"))
		return 1;
	/* a column's composite type: its schema, name, attributes */
	for (size_t i = 0; c->engine == DDL_PG && i < t->ncols; i++) {
		const struct schema_composite *k = t->cols[i].composite;
		if (!k)
			continue;
		if (eqs(&c->tok, k->schema) || eqs(&c->tok, k->name))
			return 1;
		for (size_t x = 0; x < k->nattrs; x++)
			if (eqs(&c->tok, k->attrs[x].name))
				return 1;
	}
	/* a column's domain: its schema, its name, its checks' names */
	for (size_t i = 0; c->engine == DDL_PG && i < t->ncols; i++) {
		const struct schema_domain *d = t->cols[i].domain;
		if (!d)
			continue;
		if (eqs(&c->tok, d->schema) || eqs(&c->tok, d->name))
			return 1;
		for (size_t k = 0; k < d->nchecks; k++)
			if (eqs(&c->tok, d->checks[k].name))
				return 1;
	}
	return 0;
}

static int known_label(const struct ddl_check *c)
{
	const struct schema_table *t = c->t;

	for (size_t i = 0; i < t->ncols; i++) {
		for (size_t k = 0; k < t->cols[i].nlabels; k++)
			if (eqs(&c->tok, t->cols[i].labels[k]))
				return 1;
		for (size_t k = 0; k < t->cols[i].nset; k++)
			if (eqs(&c->tok, t->cols[i].set[k]))
				return 1;
		for (size_t k = 0; k < t->cols[i].nelabels; k++)
			if (eqs(&c->tok, t->cols[i].elabels[k]))
				return 1;
	}
	return 0;
}

/* a value of a partition's bounds */
static int known_bound(const struct ddl_check *c)
{
	const struct schema_partition *p = c->t->partition;

	for (size_t k = 0; p && k < p->nparts; k++) {
		const struct schema_part *x = &p->parts[k];
		for (size_t i = 0; x->from && i < p->ncols; i++)
			if ((x->from[i].value && eqs(&c->tok, x->from[i].value)) ||
			    (x->to[i].value && eqs(&c->tok, x->to[i].value)))
				return 1;
		for (size_t i = 0; i < x->nvalues; i++)
			if (x->values[i].value &&
			    eqs(&c->tok, x->values[i].value))
				return 1;
	}
	return 0;
}

static int known_word(const struct ddl_check *c, const char *w, size_t n)
{
	const char *const *list = c->engine == DDL_PG ? pg_words : my_words;

	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	/* MySQL: a column's own collation (checked to be a word by the
	 * builder), or the case-insensitive one it falls back to */
	for (size_t i = 0; c->engine == DDL_MYSQL && i < c->t->ncols; i++) {
		const char *cs = c->t->cols[i].collation;
		if (cs && strlen(cs) == n && memcmp(cs, w, n) == 0)
			return 1;
	}
	return c->engine == DDL_MYSQL && n == 18 &&
	       memcmp(w, "utf8mb4_unicode_ci", 18) == 0;
}

static void tok_add(struct ddl_check *c, char ch)
{
	struct err e;

	if (buf_addc(&c->tok, (unsigned char)ch, &e) < 0)
		abort();
}

/* A quoted identifier or literal opening at sql[i] (the quote q): its
 * text unquoted into c->tok, and the index past it.  Doubled quotes
 * stand for one; with `backslash`, \\ and \' do too, and any other
 * backslash escape is not ferry's. */
static size_t unquote(struct ddl_check *c, size_t i, char q, int backslash)
{
	const char *s = c->sql;
	size_t start = i;

	buf_reset(&c->tok);
	for (i++; i < c->len; i++) {
		if (backslash && s[i] == '\\') {
			if (i + 1 >= c->len ||
			    (s[i + 1] != '\\' && s[i + 1] != '\'' &&
			     s[i + 1] != '0'))
				ddl_fail(
				    c,
				    "a backslash escape ferry does not write",
				    i);
			tok_add(c, s[++i]);
		} else if (s[i] == q) {
			if (i + 1 < c->len && s[i + 1] == q) {
				tok_add(c, q);
				i++;
			} else {
				return i + 1;
			}
		} else {
			tok_add(c, s[i]);
		}
	}
	ddl_fail(c, "a quote that does not end", start);
	return c->len;
}

static int word_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static int word_char(char ch)
{
	return word_start(ch) || (ch >= '0' && ch <= '9');
}

/* Check one statement; aborts when it is not what ferry may send. */
static void ddl_check(const struct schema_table *t, enum ddl_engine engine,
		      const struct buf *q)
{
	struct ddl_check c = {
		t, engine, (const char *)q->data, q->len, { 0 }
	};
	const char *s = c.sql;
	const char idq = engine == DDL_PG ? '"' : '`';
	/* the last word, to see "IN (" and "ENUM (" open a label list */
	const char *last = "";
	size_t lastn = 0;
	int depth = 0, labels = 0, labels_depth = 0;
	int dflt = 0; /* just after DEFAULT or "DEFAULT (": one literal */
	int bnd = 0;  /* after FOR VALUES: a partition's bounds */
	int loc = 0;  /* just after "locale =": ferry's ICU locale */
	/* inside CHECK (...) or after WHERE: an expression sqlexpr wrote,
	 * whose literals are any string the quoting keeps one literal */
	int expr = 0, expr_depth = 0, want_expr = 0;

	buf_init(&c.tok, 1u << 26);
	if (strlen(s) != c.len)
		ddl_fail(&c, "a NUL byte", strlen(s));
	for (size_t i = 0; i < c.len;) {
		char ch = s[i];
		if (ch == ' ') {
			i++;
		} else if (ch == idq) {
			if (labels)
				ddl_fail(&c, "an identifier among labels", i);
			i = unquote(&c, i, idq, 0);
			if (!known_ident(&c))
				ddl_fail(&c, "an identifier not of the schema",
					 i);
			last = "";
			lastn = 0;
		} else if (ch == '\'' || (engine == DDL_PG && ch == 'E' &&
					  i + 1 < c.len && s[i + 1] == '\'')) {
			int e_str = ch == 'E';
			if (!labels && !dflt && !loc && !expr && !bnd)
				ddl_fail(&c, "a literal outside a label list",
					 i);
			i = unquote(&c, i + (size_t)e_str, '\'',
				    engine == DDL_MYSQL || e_str);
			if (bnd) {
				if (!known_bound(&c))
					ddl_fail(&c,
						 "a literal that is no bound",
						 i);
				continue;
			}
			if (loc && !eqs(&c.tok, "und-u-ks-level1") &&
			    !eqs(&c.tok, "und-u-ks-level2"))
				ddl_fail(&c, "a locale ferry does not write",
					 i);
			if (!dflt && !loc && !expr && !known_label(&c))
				ddl_fail(&c, "a literal that is not a label",
					 i);
			dflt = loc = 0;
		} else if ((ch >= '0' && ch <= '9') ||
			   (ch == '-' && i + 1 < c.len && s[i + 1] >= '0' &&
			    s[i + 1] <= '9')) {
			if (labels && !expr)
				ddl_fail(&c, "a number among labels", i);
			for (i++; i < c.len && s[i] >= '0' && s[i] <= '9'; i++)
				;
			if (i < c.len && word_char(s[i]))
				ddl_fail(&c, "a number running into a word", i);
		} else if (word_start(ch)) {
			size_t j = i;
			while (j < c.len && word_char(s[j]))
				j++;
			if (labels && !expr)
				ddl_fail(&c, "a word among labels", i);
			if (engine == DDL_MYSQL && dflt && j - i == 1 &&
			    s[i] == 'X' && j < c.len && s[j] == '\'') {
				/* X'hex' */
				i = unquote(&c, j, '\'', 0);
				for (size_t k = 0; k < c.tok.len; k++)
					if (!strchr("0123456789abcdef",
						    c.tok.data[k]))
						ddl_fail(&c, "X'' of not hex",
							 i);
				dflt = 0;
				continue;
			}
			if (!known_word(&c, s + i, j - i))
				ddl_fail(&c, "a word ferry does not write", i);
			dflt = j - i == 7 && memcmp(s + i, "DEFAULT", 7) == 0;
			bnd |= engine == DDL_PG && j - i == 6 &&
			       memcmp(s + i, "VALUES", 6) == 0;
			loc = j - i == 6 && memcmp(s + i, "locale", 6) == 0;
			/* CHECK (...) and a generated column's AS (...)
			 * hold an expression; AS IDENTITY does not */
			want_expr = !expr &&
				    ((j - i == 5 && memcmp(s + i, "CHECK", 5) == 0) ||
				     (j - i == 2 && memcmp(s + i, "AS", 2) == 0));
			if (j - i == 5 && memcmp(s + i, "WHERE", 5) == 0) {
				/* to the end of the statement */
				expr = 1;
				expr_depth = 0;
			}
			last = s + i;
			lastn = j - i;
			i = j;
		} else if (ch == '(') {
			depth++;
			if (want_expr) {
				expr = 1;
				expr_depth = depth;
				want_expr = 0;
			}
			/* MySQL's DEFAULT ('...') keeps the one literal */
			dflt = dflt && engine == DDL_MYSQL;
			if (!bnd &&
			    ((lastn == 2 && memcmp(last, "IN", 2) == 0) ||
			     (lastn == 4 && memcmp(last, "ENUM", 4) == 0) ||
			     (lastn == 3 && memcmp(last, "SET", 3) == 0 &&
			      engine == DDL_MYSQL))) {
				labels = 1;
				labels_depth = depth;
			}
			last = "";
			lastn = 0;
			i++;
		} else if (ch == ')') {
			if (depth-- == 0)
				ddl_fail(&c, "a ')' without its '('", i);
			if (labels && depth < labels_depth)
				labels = 0;
			if (expr && expr_depth && depth < expr_depth)
				expr = 0;
			i++;
		} else if (expr && engine == DDL_PG &&
			   ((ch == '@' && i && s[i - 1] == '<') ||
			    (ch == ':' && i + 1 < c.len && s[i + 1] == ':'))) {
			/* a SET's <@ and its ::text */
			i += ch == ':' ? 2 : 1;
		} else if (expr && strchr("+-*%|<>=", ch)) {
			/* an operator of sqlexpr's; never a comment */
			if (ch == '-' && i + 1 < c.len && s[i + 1] == '-')
				ddl_fail(&c, "a comment", i);
			i++;
		} else if (ch == ',' || ch == '.' || ch == '[' || ch == ']' ||
			   ch == '=' ||
			   ((ch == '>' || ch == '<') && engine == DDL_PG)) {
			if (labels && !expr && ch != ',')
				ddl_fail(&c, "punctuation among labels", i);
			if (ch != ',') {
				last = "";
				lastn = 0;
			}
			i++;
		} else {
			ddl_fail(&c, "a byte ferry does not write", i);
		}
	}
	if (depth)
		ddl_fail(&c, "a '(' that is not closed", c.len);
	buf_release(&c.tok);
}

/* A builder's answer: a statement to check, or a refusal of its class */
static void ddl_done(const struct schema_table *t, enum ddl_engine engine,
		     int rc, struct buf *q, const struct err *e)
{
	if (rc < 0) {
		if (e->class != ERR_STREAM) {
			fprintf(stderr, "fuzz-ddl: error of class %d: %s\n",
				(int)e->class, e->msg);
			abort();
		}
	} else if (q->len) {
		ddl_check(t, engine, q);
	}
	buf_reset(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema_table *t;
	struct pgname_table pn;
	struct buf q;
	struct err e;

	err_init(&e);
	t = schema_table_parse((const char *)data, size, &e);
	if (!t)
		return 0;
	buf_init(&q, 1u << 24);
	memset(&pn, 0, sizeof(pn));
	/* names that are one in PostgreSQL are refused before any DDL */
	if (pgname_table_init(&pn, t, t->name, &e) < 0 ||
	    pgname_table_indexes(&pn, t, t->name, &e) < 0 ||
	    pgname_table_enums(&pn, t, &e) < 0)
		goto mysql;
	cur_pn = &pn;
	ddl_done(t, DDL_PG,
		 sink_pg_ddl_schema(pn.schema ? pn.schema : pn.table, &q, &e),
		 &q, &e);
	for (int fl = 0; fl < 16; fl++) {
		struct create_notes cn = { 0 };
		int et = !(fl & PG_DDL_ENUM_CHECK);
		ddl_done(t, DDL_PG, sink_pg_ddl_table(t, &pn, fl, &q, &cn, &e),
			 &q, &e);
		for (size_t i = 0; i < t->ncols; i++)
			if (sink_pg_domain_column(&t->cols[i], fl))
				ddl_done(t, DDL_PG,
					 sink_pg_ddl_domain(t, i, &pn, &q, &cn,
							    &e),
					 &q, &e);
		for (size_t i = 0; fl == 0 && i < t->ncols; i++)
			if (sink_pg_composite_column(t, i))
				ddl_done(t, DDL_PG,
					 sink_pg_ddl_composite(&t->cols[i], &q,
							       &e),
					 &q, &e);
		create_notes_release(&cn);
		for (size_t i = 0; i < t->ncols; i++)
			if (sink_pg_ci_collation(&t->cols[i]))
				ddl_done(t, DDL_PG,
					 sink_pg_ddl_collation(
					     "public",
					     sink_pg_ci_collation(&t->cols[i]),
					     &q, &e),
					 &q, &e);
		for (size_t i = 0; et && i < t->ncols; i++)
			if (pn.enums[i])
				ddl_done(t, DDL_PG,
					 sink_pg_ddl_enum(t, &pn, i,
							  pn.enums[i], &q, &e),
					 &q, &e);
	}
	ddl_done(t, DDL_PG, sink_pg_ddl_primary_key(t, &pn, &q, &e), &q, &e);
	for (size_t k = 0; t->partition && k < t->partition->nparts; k++)
		ddl_done(t, DDL_PG, sink_pg_ddl_partition(t, &pn, k, &q, &e), &q,
			 &e);
	for (size_t x = 0; x < t->nindexes; x++)
		ddl_done(t, DDL_PG, sink_pg_ddl_index(t, &pn, x, &q, &e), &q,
			 &e);
	for (size_t x = 0; x < t->nxindexes; x++) {
		int made = sink_pg_ddl_xindex(t, &pn, x, PG_DDL_CI, &q, NULL,
					      &e);
		if (made == 0 && q.len)
			ddl_fail(&(struct ddl_check){ t, DDL_PG,
						      (char *)q.data, q.len,
						      { 0 } },
				 "text left by an index not made", 0);
		ddl_done(t, DDL_PG, made < 0 ? -1 : 0, &q, &e);
	}
mysql:
	cur_pn = NULL;
	pgname_table_release(&pn);
	/* v / 3: the server; v % 3: MY_DDL_NO_INDEXES, _INDEXES, or
	 * _INDEXES_LATER and then the ALTER TABLE of those left out */
	for (int v = 0; v < 6; v++) {
		struct my_ddl_target tg = { v / 3,
					    v / 3 ? "utf8mb4_nopad_bin"
						  : "utf8mb4_bin",
					    NULL, NULL, v / 3 };
		int rc = sink_mysql_ddl_table(t, t->name, v % 3, &tg, &q, NULL,
					      &e);
		ddl_done(t, DDL_MYSQL, rc, &q, &e);
		if (rc == 0 && v % 3 == MY_DDL_INDEXES_LATER)
			ddl_done(t, DDL_MYSQL,
				 sink_mysql_ddl_later_indexes(t, t->name, NULL,
							      NULL, &q, &e),
				 &q, &e);
	}
	buf_release(&q);
	schema_table_free(t);
	return 0;
}
