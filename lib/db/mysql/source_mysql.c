/*
 * source_mysql - read tables out of MariaDB/MySQL with the client library
 * (libmariadb on Debian).  Metadata comes from information_schema through
 * prepared statements with bound parameters; rows through
 * mysql_use_result, one row in memory at a time.  The session runs in
 * UTC and utf8mb4, so TIMESTAMP values arrive in UTC and text as UTF-8.
 */
#include <errno.h>
#include <inttypes.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/coldefault.h"
#include "db/mysql/mytext.h"
#include "db/mysql/myutil.h"
#include "db/source_int.h"
#include "stream/sqlexpr.h"
#include "stream/stream.h"
#include "stream/wkb.h"

struct my_source {
	struct source base;
	MYSQL *conn;
	char *db;
	int mariadb;
	/* the collation my_weights last found, and its character set */
	char wcoll[65], wcs[65];
	int wpad; /* it pads with spaces (PAD SPACE) */
	/* information_schema.CHECK_CONSTRAINTS: -1 not asked yet, 0 absent
	 * (before MariaDB 10.2, MySQL 8.0.16), 1 there */
	int has_checks;
	/* the table being read */
	MYSQL_RES *res;
	const struct source_query *q;
	enum mytext_dec *dec;
	struct value *row;
	/* text columns of a character set other than UTF-8, whose
	 * conversion the server may do with '?' for what it cannot map:
	 * their column indexes, each read a second time as a check */
	size_t *conv, nconv;
	struct buf sql;
	struct buf scratch;
};

#define MY(s) ((struct my_source *)(s))

static int my_fail(struct my_source *m, struct err *e, const char *what)
{
	return err_set(e, ERR_DB, "%s: %s", what, mysql_error(m->conn));
}

static int my_exec(struct my_source *m, const char *sql, struct err *e)
{
	if (mysql_real_query(m->conn, sql, strlen(sql)))
		return my_fail(m, e, sql);
	return 0;
}

static int my_begin(struct source *s, struct err *e)
{
	struct my_source *m = MY(s);

	if (my_exec(m,
		    "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
		    e) < 0 ||
	    my_exec(m, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
		    e) < 0)
		return -1;
	return 0;
}

/* --- listing and describing tables --------------------------------------- */

struct names_ctx {
	char **names;
	size_t n, cap;
};

static int add_name(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct names_ctx *c = ctx;

	(void)lens;
	if (c->n + 2 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		char **nn = realloc(c->names, ncap * sizeof(*nn));
		if (!nn)
			return err_oom(e);
		c->names = nn;
		c->cap = ncap;
	}
	if (!vals[0] || !(c->names[c->n] = strdup(vals[0])))
		return vals[0] ? err_oom(e) : 0;
	c->names[++c->n] = NULL;
	return 0;
}

static int my_list_tables(struct source *s, char ***names, size_t *n,
			  struct err *e)
{
	struct names_ctx c = { 0 };

	if (!MY(s)->db)
		return err_set(e, ERR_USAGE, "the URI names no database");
	if (myutil_select(
		MY(s)->conn,
		"SELECT TABLE_NAME FROM information_schema.TABLES "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' "
		"ORDER BY TABLE_NAME",
		NULL, 0, 1, add_name, &c, e) < 0) {
		source_names_free(c.names);
		return -1;
	}
	if (!c.names && !(c.names = calloc(1, sizeof(*c.names))))
		return err_oom(e);
	/* a table named public.users is "public.users" to ferry */
	for (size_t i = 0; i < c.n; i++) {
		char *d = schema_name_format(NULL, c.names[i], e);
		if (!d) {
			source_names_free(c.names);
			return -1;
		}
		free(c.names[i]);
		c.names[i] = d;
	}
	*names = c.names;
	*n = c.n;
	return 0;
}

struct describe_ctx {
	struct schema_table *t;
	size_t cap;
	char **json_cols; /* MariaDB: columns with a json_valid() check */
	size_t njson;
	int mysql8;	   /* COLUMN_DEFAULT in MySQL's form, not MariaDB's */
	int64_t auto_next; /* TABLES.AUTO_INCREMENT, 0 when unknown */
};

static int64_t num_or_neg(const char *s)
{
	char *end;
	long long v;

	if (!s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	return v;
}

/* enum('a','b''c') (or set(...)) -> labels a, b'c into *out, *n */
static int parse_enum_labels(char ***out, size_t *n, const char *ct,
			     struct err *e)
{
	const char *p = strchr(ct, '(');
	size_t cap = 0;
	struct buf lab;

	if (!p)
		return err_set(e, ERR_STREAM, "cannot read the labels of '%s'",
			       ct);
	buf_init(&lab, 1u << 20);
	p++;
	while (*p == '\'') {
		char **nl;
		buf_reset(&lab);
		for (p++;; p++) {
			if (!*p)
				goto bad;
			if (*p == '\'' && p[1] == '\'') {
				if (buf_addc(&lab, '\'', e) < 0)
					goto fail;
				p++;
				continue;
			}
			if (*p == '\'')
				break;
			if (*p == '\\' && p[1]) {
				p++;
			}
			if (buf_addc(&lab, (unsigned char)*p, e) < 0)
				goto fail;
		}
		p++;
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 8;
			nl = realloc(*out, cap * sizeof(*nl));
			if (!nl) {
				err_oom(e);
				goto fail;
			}
			*out = nl;
		}
		if (!((*out)[*n] = strdup(lab.data ? (char *)lab.data : ""))) {
			err_oom(e);
			goto fail;
		}
		(*n)++;
		if (*p == ',')
			p++;
	}
	if (*p != ')')
		goto bad;
	buf_release(&lab);
	return 0;
bad:
	err_set(e, ERR_STREAM, "cannot read the labels of '%.60s'", ct);
fail:
	buf_release(&lab);
	return -1;
}

/* COLUMN_NAME DATA_TYPE COLUMN_TYPE IS_NULLABLE CHAR_LEN NUM_PREC NUM_SCALE */
static int add_column(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct describe_ctx *d = ctx;
	struct schema_table *t = d->t;
	struct schema_column *c;
	const char *dt = v[1] ? v[1] : "", *ct = v[2] ? v[2] : "";
	int unsig = strstr(ct, "unsigned") != NULL;

	(void)lens;
	if (t->ncols == SCHEMA_MAX_COLUMNS)
		return err_set(e, ERR_STREAM, "more than %d columns",
			       SCHEMA_MAX_COLUMNS);
	if (t->ncols == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct schema_column *nc = realloc(t->cols, ncap * sizeof(*nc));
		if (!nc)
			return err_oom(e);
		t->cols = nc;
		d->cap = ncap;
	}
	c = &t->cols[t->ncols];
	memset(c, 0, sizeof(*c));
	c->length = c->precision = c->scale = -1;
	t->ncols++;
	c->has_default = v[7] && strcmp(v[7], "1") == 0;
	if (!(c->name = strdup(v[0] ? v[0] : "")) ||
	    !(c->source_type = strdup(ct)))
		return err_oom(e);
	c->identity_increment = 1;
	if (v[11] && *v[11] && !(c->collation = strdup(v[11])))
		return err_oom(e);
	if (v[9] && strstr(v[9], "auto_increment")) {
		c->identity = SCHEMA_IDENTITY_BY_DEFAULT;
		c->identity_next = d->auto_next;
	}
	c->nullable = v[3] && strcmp(v[3], "YES") == 0;
	if (strcmp(dt, "tinyint") == 0 && strncmp(ct, "tinyint(1)", 10) == 0) {
		c->type = VALUE_BOOL;
	} else if (strcmp(dt, "tinyint") == 0 || strcmp(dt, "smallint") == 0 ||
		   strcmp(dt, "mediumint") == 0 || strcmp(dt, "int") == 0 ||
		   strcmp(dt, "integer") == 0 || strcmp(dt, "year") == 0) {
		c->type = VALUE_INT64;
	} else if (strcmp(dt, "bigint") == 0) {
		c->type = unsig ? VALUE_UINT64 : VALUE_INT64;
	} else if (strcmp(dt, "decimal") == 0) {
		c->type = VALUE_DECIMAL;
		c->precision = num_or_neg(v[5]);
		c->scale = num_or_neg(v[6]);
	} else if (strcmp(dt, "float") == 0 || strcmp(dt, "double") == 0) {
		c->type = VALUE_FLOAT64;
	} else if (strcmp(dt, "bit") == 0) {
		c->type = VALUE_UINT64;
	} else if (strcmp(dt, "char") == 0 || strcmp(dt, "varchar") == 0 ||
		   strcmp(dt, "tinytext") == 0 || strcmp(dt, "text") == 0 ||
		   strcmp(dt, "mediumtext") == 0 ||
		   strcmp(dt, "longtext") == 0 || strcmp(dt, "set") == 0 ||
		   strcmp(dt, "inet4") == 0 || strcmp(dt, "inet6") == 0) {
		c->type = VALUE_TEXT;
		c->length = num_or_neg(v[4]);
		/* a SET: its members, which a target keeps values to */
		if (strcmp(dt, "set") == 0 &&
		    parse_enum_labels(&c->set, &c->nset, ct, e) < 0)
			return err_prefix(e, "column %s", c->name);
		for (size_t k = 0; k < c->nset; k++)
			if (!c->set[k][0] || strchr(c->set[k], ',')) {
				/* not a set of members a stream names:
				 * plain text */
				for (k = 0; k < c->nset; k++)
					free(c->set[k]);
				free(c->set);
				c->set = NULL;
				c->nset = 0;
			}
		for (size_t i = 0; i < d->njson; i++)
			if (strcmp(d->json_cols[i], c->name) == 0)
				c->type = VALUE_JSON;
	} else if (strcmp(dt, "json") == 0) {
		c->type = VALUE_JSON;
	} else if (strcmp(dt, "binary") == 0 || strcmp(dt, "varbinary") == 0 ||
		   strcmp(dt, "tinyblob") == 0 || strcmp(dt, "blob") == 0 ||
		   strcmp(dt, "mediumblob") == 0 ||
		   strcmp(dt, "longblob") == 0) {
		c->type = VALUE_BYTES;
		c->length = num_or_neg(v[4]);
	} else if (strcmp(dt, "enum") == 0) {
		c->type = VALUE_ENUM;
		if (parse_enum_labels(&c->labels, &c->nlabels, ct, e) < 0)
			return err_prefix(e, "column %s", c->name);
	} else if (strcmp(dt, "date") == 0) {
		c->type = VALUE_DATE;
	} else if (strcmp(dt, "datetime") == 0) {
		c->type = VALUE_TIMESTAMP;
	} else if (strcmp(dt, "timestamp") == 0) {
		c->type = VALUE_TIMESTAMPTZ;
	} else if (strcmp(dt, "time") == 0) {
		c->type = VALUE_TIME;
	} else if (strcmp(dt, "uuid") == 0) {
		c->type = VALUE_UUID;
	} else if (wkb_is_spatial_type(dt)) {
		/* its SRID and WKB, carried as EWKB (stream/wkb.h) */
		c->type = VALUE_BYTES;
	} else {
		/* refused only if it stays in after --columns */
		char why[300];
		snprintf(
		    why, sizeof(why),
		    "type '%.200s' cannot be carried (leave the column out "
		    "with --columns)",
		    ct);
		c->type = VALUE_TEXT;
		if (!(c->refused = strdup(why)))
			return err_oom(e);
	}
	/* UNSIGNED: the target keeps it (CHECK (c >= 0) on PostgreSQL) */
	c->nonnegative =
	    unsig && (c->type == VALUE_INT64 || c->type == VALUE_UINT64 ||
		      c->type == VALUE_DECIMAL || c->type == VALUE_FLOAT64);
	/* a generated column's expression is no default */
	if (v[9] && strstr(v[9], "GENERATED") &&
	    !strstr(v[9], "DEFAULT_GENERATED")) {
		c->generated_stored = strstr(v[9], "STORED") != NULL;
		c->generated = strdup(v[10] ? v[10] : "");
		return c->generated ? 0 : err_oom(e);
	}
	return coldefault_mysql(c, v[8], v[9], d->mysql8, e);
}

static int add_pk(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct schema_table *t = ctx;
	int idx = v[0] ? schema_column_index(t, v[0]) : -1;

	(void)lens;
	(void)e;
	if (idx < 0)
		return 0; /* not a column we carry */
	t->pk[t->npk++] = (size_t)idx;
	return 0;
}

/* secondary indexes, one row per column in key order; indexes on
 * expressions, column prefixes, FULLTEXT and SPATIAL are left out */
struct index_ctx {
	struct schema_table *t;
	char *name;
	size_t cols[64];
	size_t n;
	int unique, usable;
};

static int index_flush(struct index_ctx *x, struct err *e)
{
	int rc = 0;

	if (x->name && x->usable && x->n)
		rc = schema_add_index(x->t, x->name, x->cols, x->n, x->unique,
				      e);
	free(x->name);
	x->name = NULL;
	x->n = 0;
	return rc;
}

/* INDEX_NAME NON_UNIQUE COLUMN_NAME SUB_PART INDEX_TYPE */
static int add_index_col(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct index_ctx *x = ctx;
	int idx;

	(void)lens;
	if (!v[0])
		return 0;
	if (!x->name || strcmp(x->name, v[0]) != 0) {
		if (index_flush(x, e) < 0)
			return -1;
		if (!(x->name = strdup(v[0])))
			return err_oom(e);
		x->unique = v[1] && strcmp(v[1], "0") == 0;
		x->usable = v[4] && (strcmp(v[4], "BTREE") == 0 ||
				     strcmp(v[4], "HASH") == 0);
	}
	idx = v[2] ? schema_column_index(x->t, v[2]) : -1;
	if (idx < 0 || v[3] || x->n == sizeof(x->cols) / sizeof(x->cols[0])) {
		x->usable = 0;
		return 0;
	}
	x->cols[x->n++] = (size_t)idx;
	return 0;
}

static int auto_next(void *ctx, char **v, size_t *lens, struct err *e);

/* whether the server lists CHECK constraints (asked once per source):
 * 1 or 0, -1 with e set */
static int has_check_constraints(struct my_source *m, struct err *e)
{
	int64_t n = 0;

	if (m->has_checks < 0) {
		if (myutil_select(m->conn,
				  "SELECT COUNT(*) FROM information_schema.TABLES "
				  "WHERE TABLE_SCHEMA = 'information_schema' "
				  "AND TABLE_NAME = 'CHECK_CONSTRAINTS'",
				  NULL, 0, 1, auto_next, &n, e) < 0)
			return -1;
		m->has_checks = n > 0;
	}
	return m->has_checks;
}

static int add_check(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)lens;
	return source_add_check(ctx, v[0], v[1], SQLEXPR_MYSQL, e);
}

/* t's CHECK constraints that mean the same everywhere (source_add_check);
 * a server older than MariaDB 10.2 or MySQL 8.0.16 has none to list, and
 * the objects frame says so */
static int describe_checks(struct my_source *m, const char *const *params,
			   struct schema_table *t, struct err *e)
{
	int has = has_check_constraints(m, e);

	if (has <= 0)
		return has;
	return myutil_select(
	    m->conn,
	    m->mariadb
		? "SELECT CONSTRAINT_NAME, CHECK_CLAUSE "
		  "FROM information_schema.CHECK_CONSTRAINTS "
		  "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? "
		  "AND CHECK_CLAUSE NOT REGEXP '^json_valid[(]`[^`]+`[)]$' "
		  "ORDER BY CONSTRAINT_NAME"
		: "SELECT tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE "
		  "FROM information_schema.TABLE_CONSTRAINTS tc "
		  "JOIN information_schema.CHECK_CONSTRAINTS cc "
		  "ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
		  "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
		  "WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = ? "
		  "AND cc.CONSTRAINT_SCHEMA = DATABASE() "
		  "AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY 1",
	    params, 1, 2, add_check, t, e);
}

/* MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)) */
static int add_json_check(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct describe_ctx *d = ctx;
	const char *cl = v[0], *a, *b;
	char **nj;

	(void)lens;
	if (!cl || strncmp(cl, "json_valid(`", 12) != 0)
		return 0;
	a = cl + 12;
	b = strstr(a, "`)");
	if (!b || b[2])
		return 0;
	nj = realloc(d->json_cols, (d->njson + 1) * sizeof(*nj));
	if (!nj)
		return err_oom(e);
	d->json_cols = nj;
	if (!(d->json_cols[d->njson] = strndup(a, (size_t)(b - a))))
		return err_oom(e);
	d->njson++;
	return 0;
}

static int auto_next(void *ctx, char **v, size_t *lens, struct err *e)
{
	int64_t *next = ctx;
	char *end;
	long long n;

	(void)lens;
	(void)e;
	if (!v[0])
		return 0;
	errno = 0;
	n = strtoll(v[0], &end, 10);
	*next = errno || *end || n < 0 ? 0 : n;
	return 0;
}

/* the foreign key being read, one column a row */
struct fk_ctx {
	struct schema_table *t;
	struct schema_fkey fk;
	char *name, *ref_table, *ref_cols[64];
	size_t cols[64];
};

static enum schema_fk_action my_fk_action(const char *rule)
{
	if (!rule)
		return SCHEMA_FK_NO_ACTION;
	if (strcmp(rule, "CASCADE") == 0)
		return SCHEMA_FK_CASCADE;
	if (strcmp(rule, "SET NULL") == 0)
		return SCHEMA_FK_SET_NULL;
	if (strcmp(rule, "SET DEFAULT") == 0)
		return SCHEMA_FK_SET_DEFAULT;
	if (strcmp(rule, "RESTRICT") == 0)
		return SCHEMA_FK_RESTRICT;
	return SCHEMA_FK_NO_ACTION;
}

static void fk_clear(struct fk_ctx *x)
{
	for (size_t k = 0; k < x->fk.ncols; k++)
		free(x->ref_cols[k]);
	free(x->name);
	free(x->ref_table);
	x->name = x->ref_table = NULL;
	x->fk.ncols = 0;
}

static int fk_flush(struct fk_ctx *x, struct err *e)
{
	int rc = 0;

	if (x->name) {
		x->fk.name = x->name;
		x->fk.ref_table = x->ref_table;
		x->fk.ref_schema = NULL;
		x->fk.cols = x->cols;
		x->fk.ref_cols = x->ref_cols;
		rc = schema_add_fkey(x->t, &x->fk, e);
	}
	fk_clear(x);
	return rc;
}

/* CONSTRAINT_NAME COLUMN_NAME REFERENCED_TABLE_NAME REFERENCED_COLUMN_NAME
 * DELETE_RULE UPDATE_RULE */
static int add_fk_col(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct fk_ctx *x = ctx;
	int idx = schema_column_index(x->t, v[1] ? v[1] : "");

	(void)lens;
	if (!v[0] || !v[2] || !v[3])
		return 0;
	if (x->name && strcmp(x->name, v[0]) != 0 && fk_flush(x, e) < 0)
		return -1;
	if (!x->name) {
		if (!(x->name = strdup(v[0])) || !(x->ref_table = strdup(v[2])))
			return err_oom(e);
		x->fk.on_delete = my_fk_action(v[4]);
		x->fk.on_update = my_fk_action(v[5]);
	}
	if (idx < 0 || x->fk.ncols == 64)
		return err_set(e, ERR_STREAM, "foreign key %s: column %s", v[0],
			       v[1] ? v[1] : "");
	x->cols[x->fk.ncols] = (size_t)idx;
	if (!(x->ref_cols[x->fk.ncols] = strdup(v[3])))
		return err_oom(e);
	x->fk.ncols++;
	return 0;
}

/* t's foreign keys to tables of the same database */
static int describe_fkeys(struct my_source *m, const char *const *params,
			  struct schema_table *t, struct err *e)
{
	struct fk_ctx x;
	const char *p3[3] = { params[0], params[0], params[0] };
	int rc;

	memset(&x, 0, sizeof(x));
	x.t = t;
	/* the rules by subqueries held to this database and table: a
	 * join with REFERENTIAL_CONSTRAINTS makes MariaDB scan every
	 * database for it (EXPLAIN: "Scanned all databases"), the sys
	 * schema's views too, where 10.11 can crash (a temporary table for
	 * a view's information_schema part that fails, then freed wrong:
	 * seen three times, once in CI) */
	rc = myutil_select(
	    m->conn,
	    "SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, "
	    "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
	    "(SELECT r.DELETE_RULE FROM "
	    "information_schema.REFERENTIAL_CONSTRAINTS r WHERE "
	    "r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ? AND "
	    "r.CONSTRAINT_NAME = k.CONSTRAINT_NAME), "
	    "(SELECT r.UPDATE_RULE FROM "
	    "information_schema.REFERENTIAL_CONSTRAINTS r WHERE "
	    "r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ? AND "
	    "r.CONSTRAINT_NAME = k.CONSTRAINT_NAME) "
	    "FROM information_schema.KEY_COLUMN_USAGE k "
	    "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? "
	    "AND k.REFERENCED_TABLE_SCHEMA = DATABASE() "
	    "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
	    p3, 3, 6, add_fk_col, &x, e);
	if (rc == 0)
		rc = fk_flush(&x, e);
	fk_clear(&x);
	return rc;
}

static struct schema_table *my_describe(struct source *s, const char *table,
					struct err *e)
{
	struct my_source *m = MY(s);
	struct describe_ctx d = { 0 };
	const char *params[1];
	struct schema_table *t;
	char *sc, *tb;

	if (!m->db) {
		err_set(e, ERR_USAGE, "the URI names no database");
		return NULL;
	}
	/* a MySQL table has no schema: "a.b" is the table named a.b, and so
	 * (as ever) is a.b without quotes */
	if (schema_name_parse(table, &sc, &tb, e) < 0)
		return NULL;
	if (sc && strchr(table, '"')) {
		err_set(e, ERR_USAGE,
			"table '%s': a MySQL table has no schema (a table "
			"named a.b is \"a.b\")",
			table);
		free(sc);
		free(tb);
		return NULL;
	}
	if (!(t = calloc(1, sizeof(*t))) ||
	    schema_table_set_name(t, NULL, sc ? table : tb, e) < 0) {
		free(t);
		free(sc);
		free(tb);
		if (e->class == ERR_OK)
			err_oom(e);
		return NULL;
	}
	free(sc);
	free(tb);
	params[0] = t->table;
	t->watermark = -1;
	d.t = t;
	d.mysql8 = !m->mariadb;
	/* the counter, read before the rows: it only grows, so a later
	 * value would only be safer */
	if (myutil_select(
		m->conn,
		"SELECT AUTO_INCREMENT FROM information_schema.TABLES "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
		params, 1, 1, auto_next, &d.auto_next, e) < 0)
		goto fail;
	if (m->mariadb &&
	    myutil_select(
		m->conn,
		"SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
		"WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
		params, 1, 1, add_json_check, &d, e) < 0)
		goto fail;
	if (myutil_select(
		m->conn,
		"SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
		"CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
		"COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%' "
		"OR EXTRA LIKE '%GENERATED%', COLUMN_DEFAULT, EXTRA, "
		"GENERATION_EXPRESSION, COLLATION_NAME "
		"FROM information_schema.COLUMNS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
		"ORDER BY ORDINAL_POSITION",
		params, 1, 12, add_column, &d, e) < 0)
		goto fail;
	if (t->ncols == 0) {
		err_set(e, ERR_DB, "no table '%s' in database '%s'", table,
			m->db);
		goto fail;
	}
	if (!(t->pk = calloc(t->ncols, sizeof(*t->pk))) ||
	    !(t->types = calloc(t->ncols, sizeof(*t->types)))) {
		err_oom(e);
		goto fail;
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->types[i] = t->cols[i].type;
	if (myutil_select(
		m->conn,
		"SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
		"AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
		params, 1, 1, add_pk, t, e) < 0)
		goto fail;
	{
		struct index_ctx x;
		int rc;

		memset(&x, 0, sizeof(x));
		x.t = t;
		rc = myutil_select(
		    m->conn,
		    "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, "
		    "INDEX_TYPE FROM information_schema.STATISTICS "
		    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
		    "AND INDEX_NAME <> 'PRIMARY' "
		    "ORDER BY INDEX_NAME, SEQ_IN_INDEX",
		    params, 1, 5, add_index_col, &x, e);
		if (rc == 0)
			rc = index_flush(&x, e);
		free(x.name);
		if (rc < 0)
			goto fail;
	}
	if (describe_fkeys(m, params, t, e) < 0 ||
	    describe_checks(m, params, t, e) < 0 ||
	    source_add_generated(t, SQLEXPR_MYSQL, e) < 0)
		goto fail;
	for (size_t i = 0; i < d.njson; i++)
		free(d.json_cols[i]);
	free(d.json_cols);
	return t;
fail:
	for (size_t i = 0; i < d.njson; i++)
		free(d.json_cols[i]);
	free(d.json_cols);
	if (e->class == ERR_STREAM || e->class == ERR_DB)
		err_prefix(e, "table %s", table);
	schema_table_free(t);
	return NULL;
}

/* --- reading rows ----------------------------------------------------------
 */

/* a position column (rhs 0), or its `after` value (rhs 1), which waits in
 * a user variable set with a bound parameter */
static int my_pos_expr(struct buf *b, const struct schema_column *c, size_t i,
		       int rhs, struct err *e)
{
	const char *as = "BINARY";

	switch (c->type) {
	case VALUE_INT64: as = "SIGNED"; break;
	case VALUE_UINT64: as = "UNSIGNED"; break;
	case VALUE_DECIMAL: as = "DECIMAL(65,30)"; break;
	case VALUE_DATE: as = "DATE"; break;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: as = "DATETIME(6)"; break;
	default: break;
	}
	if (!rhs) {
		int bin = strcmp(as, "BINARY") == 0;
		return (bin && buf_adds(b, "CAST(", e) < 0) ||
			       myutil_quote_ident(b, c->name, e) < 0 ||
			       (bin && buf_adds(b, " AS BINARY)", e) < 0)
			   ? -1
			   : 0;
	}
	return buf_addf(b, e, "CAST(@ferry_after%zu AS %s)", i, as);
}

static int my_set_after(struct my_source *m, const struct source_query *q,
			struct err *e)
{
	struct buf v;
	int rc = -1;

	buf_init(&v, (size_t)STREAM_MAX_FIELD + 64);
	for (size_t i = 0; i < q->nafter; i++) {
		const struct schema_column *c = &q->t->cols[q->pos[i]];
		char sql[64];
		const char *params[1];

		snprintf(sql, sizeof(sql), "SET @ferry_after%zu = ?", i);
		buf_reset(&v);
		if (value_format(&v, c->type, &q->after[i], VALUE_STYLE_TEXT,
				 e) < 0)
			goto out;
		/* MySQL's datetime text: a space, and no zone (the
		 * session is in UTC) */
		if (c->type == VALUE_TIMESTAMP ||
		    c->type == VALUE_TIMESTAMPTZ) {
			char *tp = memchr(v.data, 'T', v.len);
			if (tp)
				*tp = ' ';
			if (v.len && v.data[v.len - 1] == 'Z')
				v.len--;
		}
		if (buf_addc(&v, '\0', e) < 0)
			goto out;
		params[0] = (char *)v.data;
		if (myutil_exec(m->conn, sql, params, 1, e) < 0) {
			err_prefix(e, "setting where to start");
			goto out;
		}
	}
	rc = 0;
out:
	buf_release(&v);
	return rc;
}

/*
 * The character set of a MySQL text column of collation `coll` (its name
 * up to the first '_'), into cs, when it is one whose text the server
 * converts to utf8mb4 for the session: 1, or 0 for UTF-8 columns, binary
 * ones and names that are not a plain word.
 */
static int converted_charset(const char *coll, char *cs, size_t n)
{
	size_t k = 0;

	if (!coll)
		return 0;
	for (; coll[k] && coll[k] != '_'; k++)
		if (k + 1 >= n || !((coll[k] >= 'a' && coll[k] <= 'z') ||
				    (coll[k] >= '0' && coll[k] <= '9')))
			return 0;
	if (k == 0)
		return 0;
	memcpy(cs, coll, k);
	cs[k] = 0;
	return strcmp(cs, "utf8mb4") != 0 && strcmp(cs, "utf8mb3") != 0 &&
	       strcmp(cs, "utf8") != 0 && strcmp(cs, "binary") != 0;
}

/*
 * For a text column of character set cs: NULL when the server's utf8mb4
 * text of the value is the value, else the first 32 bytes it stores, in
 * hex.  The server puts '?' for a byte sequence it cannot map (an
 * undefined cp1251 0x98, a half gbk character, a lone surrogate in
 * utf16): then the text converted back differs from the stored bytes
 * and has a '?'.  (A character with two encodings, as some of cp932's,
 * converts back differently but has no '?' of its making.)
 */
static int conv_check_sql(struct buf *b, const char *col, const char *cs,
			  struct err *e)
{
	if (buf_adds(b, ", IF(CAST(CONVERT(CONVERT(", e) < 0 ||
	    myutil_quote_ident(b, col, e) < 0 ||
	    buf_addf(b, e, " USING utf8mb4) USING %s) AS BINARY) <=> CAST(",
		     cs) < 0 ||
	    myutil_quote_ident(b, col, e) < 0 ||
	    buf_adds(b, " AS BINARY) OR LOCATE('?', CONVERT(", e) < 0 ||
	    myutil_quote_ident(b, col, e) < 0 ||
	    buf_adds(b, " USING utf8mb4)) = 0, NULL, HEX(LEFT(CAST(", e) < 0 ||
	    myutil_quote_ident(b, col, e) < 0 ||
	    buf_adds(b, " AS BINARY), 32)))", e) < 0)
		return -1;
	return 0;
}

static int my_open_rows(struct source *s, const struct source_query *q,
			struct err *e)
{
	struct my_source *m = MY(s);
	const struct schema_table *t = q->t;
	int where = 0;

	m->q = q;
	free(m->dec);
	free(m->row);
	free(m->conv);
	m->nconv = 0;
	m->dec = calloc(t->ncols, sizeof(*m->dec));
	m->row = calloc(t->ncols, sizeof(*m->row));
	m->conv = calloc(t->ncols, sizeof(*m->conv));
	if (!m->dec || !m->row || !m->conv)
		return err_oom(e);
	buf_reset(&m->sql);
	if (buf_adds(&m->sql, "SELECT ", e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		/* a FLOAT's text has 6 digits (-16777216 reads -16777200):
		 * its float32 widened to a double has them all */
		const char *st = t->cols[i].source_type;
		int f32 = t->cols[i].type == VALUE_FLOAT64 && st &&
			  strncmp(st, "float", 5) == 0 && !t->cols[i].cast;
		int bin = t->cols[i].cast == SCHEMA_CAST_BYTES;
		m->dec[i] = mytext_decoder_for(&t->cols[i]);
		if ((i && buf_adds(&m->sql, ", ", e) < 0) ||
		    ((f32 || bin) && buf_adds(&m->sql, "CAST(", e) < 0) ||
		    myutil_quote_ident(&m->sql, t->cols[i].name, e) < 0 ||
		    (f32 && buf_adds(&m->sql, " AS DOUBLE)", e) < 0) ||
		    (bin && buf_adds(&m->sql, " AS BINARY)", e) < 0))
			return -1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		char cs[33];

		if ((c->type != VALUE_TEXT && c->type != VALUE_JSON) ||
		    c->cast || !converted_charset(c->collation, cs, sizeof(cs)))
			continue;
		if (conv_check_sql(&m->sql, c->name, cs, e) < 0)
			return -1;
		m->conv[m->nconv++] = i;
	}
	if (buf_adds(&m->sql, " FROM ", e) < 0 ||
	    myutil_quote_ident(&m->sql, t->table, e) < 0)
		return -1;
	if (q->where) {
		if (buf_addf(&m->sql, e, " WHERE (%s)", q->where) < 0)
			return -1;
		where = 1;
	}
	if (q->part_n > 1) {
		const char *k = t->cols[t->pk[0]].name;
		char lo[32], hi[32];
		int has_gt, has_le;
		int64_t gt, le, vlo = 0, vhi = 0;
		MYSQL_RES *r;
		MYSQL_ROW mr;
		struct buf mm;

		/* the key's range, read inside the snapshot */
		buf_init(&mm, 1u << 20);
		if (buf_adds(&mm, "SELECT MIN(", e) < 0 ||
		    myutil_quote_ident(&mm, k, e) < 0 ||
		    buf_adds(&mm, "), MAX(", e) < 0 ||
		    myutil_quote_ident(&mm, k, e) < 0 ||
		    buf_adds(&mm, ") FROM ", e) < 0 ||
		    myutil_quote_ident(&mm, t->table, e) < 0 ||
		    (q->where &&
		     buf_addf(&mm, e, " WHERE (%s)", q->where) < 0)) {
			buf_release(&mm);
			return -1;
		}
		if (mysql_real_query(m->conn, (char *)mm.data, mm.len)) {
			buf_release(&mm);
			return my_fail(m, e, "reading the key range");
		}
		buf_release(&mm);
		if (!(r = mysql_store_result(m->conn)))
			return my_fail(m, e, "reading the key range");
		mr = mysql_fetch_row(r);
		if (mr && mr[0] && mr[1]) {
			vlo = strtoll(mr[0], NULL, 10);
			vhi = strtoll(mr[1], NULL, 10);
		}
		mysql_free_result(r);
		source_part_bounds(vlo, vhi, q->part_k, q->part_n, &has_gt, &gt,
				   &has_le, &le);
		snprintf(lo, sizeof(lo), "%" PRId64, gt);
		snprintf(hi, sizeof(hi), "%" PRId64, le);
		if (has_gt &&
		    (buf_adds(&m->sql, where ? " AND " : " WHERE ", e) < 0 ||
		     myutil_quote_ident(&m->sql, k, e) < 0 ||
		     buf_addf(&m->sql, e, " > %s", lo) < 0))
			return -1;
		where |= has_gt;
		if (has_le &&
		    (buf_adds(&m->sql, where ? " AND " : " WHERE ", e) < 0 ||
		     myutil_quote_ident(&m->sql, k, e) < 0 ||
		     buf_addf(&m->sql, e, " <= %s", hi) < 0))
			return -1;
	}
	if ((q->after && my_set_after(m, q, e) < 0) ||
	    source_position_sql(&m->sql, q, where, my_pos_expr, e) < 0)
		return -1;
	if (!q->pos && q->order_pk && t->npk) {
		if (buf_adds(&m->sql, " ORDER BY ", e) < 0)
			return -1;
		/* text keys in byte order, not the collation's, and
		 * MariaDB's UUID in the order of its 16 bytes, not its own:
		 * the same order on every engine, so two sides can be
		 * merged */
		for (size_t i = 0; i < t->npk; i++) {
			const struct schema_column *c = &t->cols[t->pk[i]];
			int bin = c->type == VALUE_TEXT ||
				  c->type == VALUE_ENUM ||
				  c->type == VALUE_UUID;
			if ((i && buf_adds(&m->sql, ", ", e) < 0) ||
			    (bin && buf_adds(&m->sql, "CAST(", e) < 0) ||
			    myutil_quote_ident(&m->sql, c->name, e) < 0 ||
			    (bin && buf_adds(&m->sql, " AS BINARY)", e) < 0))
				return -1;
		}
	}
	if (mysql_real_query(m->conn, (char *)m->sql.data, m->sql.len))
		return my_fail(m, e, "query");
	if (!(m->res = mysql_use_result(m->conn)))
		return my_fail(m, e, "query");
	if (mysql_num_fields(m->res) != t->ncols + m->nconv)
		return err_set(e, ERR_DB,
			       "the server sent %u columns, expected %zu",
			       mysql_num_fields(m->res), t->ncols + m->nconv);
	return 0;
}

/* a converted column's check (conv_check_sql) failed for this row: the
 * error, naming the row, its key and the bytes */
static int conv_lost(struct my_source *m, MYSQL_ROW r, unsigned long *lens,
		     size_t i, const char *hex, struct err *e)
{
	const struct schema_table *t = m->q->t;
	const struct schema_column *c = &t->cols[i];
	char key[200], cs[33] = "";
	size_t kl = 0;

	(void)converted_charset(c->collation, cs, sizeof(cs));
	key[0] = 0;
	for (size_t k = 0; k < t->npk && kl < sizeof(key) - 1; k++) {
		size_t p = t->pk[k];
		int n = snprintf(key + kl, sizeof(key) - kl, "%s%s=%.*s",
				 k ? ", " : " (key ", t->cols[p].name,
				 (int)(r[p] ? (lens[p] > 40 ? 40 : lens[p]) : 4),
				 r[p] ? r[p] : "NULL");
		if (n < 0)
			break;
		kl += (size_t)n;
	}
	if (t->npk && kl < sizeof(key) - 1)
		snprintf(key + kl, sizeof(key) - kl, ")");
	return err_set(
	    e, ERR_STREAM,
	    "row %" PRIu64 "%s, column %s: the server cannot convert this %s "
	    "value to UTF-8 and would send '?' in its place (it stores the "
	    "bytes 0x%s%s, not all of them a %s character); correct the value "
	    "at the source, or read the column as bytes with --cast "
	    "%s.%s=bytes",
	    m->base.row_no, key, c->name, cs, hex,
	    strlen(hex) >= 64 ? "..." : "", cs, t->table, c->name);
}

/* the server's text for column i into v: mytext_decode, then the
 * --zero-dates choice for a zero date */
static int decode(struct my_source *m, size_t i, const char *p, size_t len,
		  struct value *v, struct err *e)
{
	const struct schema_column *c = &m->q->t->cols[i];
	int rc = mytext_decode(m->dec[i], p, len, &m->scratch, v, e);

	if (rc != MYTEXT_ZERO_DATE)
		return rc;
	if (m->base.opts.zero_dates == SOURCE_ZERO_DATES_ERROR)
		return err_set(e, ERR_STREAM, "zero date '%.*s'",
			       (int)(len > 30 ? 30 : len), p);
	m->base.zero_dates++;
	if (i < m->base.zero_ncols)
		m->base.zero_col[i]++;
	if (m->base.opts.zero_dates == SOURCE_ZERO_DATES_MARK) {
		/* as itself, for ferry-verify to compare */
		v->null = false;
		if (source_zero_date_mark(c->type, p, len, &v->v.i) < 0)
			return err_set(e, ERR_STREAM, "zero date '%.*s'",
				       (int)(len > 30 ? 30 : len), p);
		return 0;
	}
	v->null = true;
	if (!c->nullable)
		return err_set(e, ERR_STREAM,
			       "zero date '%.*s' in a NOT NULL column "
			       "(NULL cannot stand for it)",
			       (int)(len > 30 ? 30 : len), p);
	return 0;
}

static int my_next_row(struct source *s, const struct value **row,
		       struct err *e)
{
	struct my_source *m = MY(s);
	const struct schema_table *t = m->q->t;
	MYSQL_ROW r;
	unsigned long *lens;

	if (!m->res)
		return 0;
	r = mysql_fetch_row(m->res);
	if (!r) {
		if (mysql_errno(m->conn))
			return my_fail(m, e, "reading rows");
		mysql_free_result(m->res);
		m->res = NULL;
		return 0;
	}
	lens = mysql_fetch_lengths(m->res);
	s->row_no++;
	buf_reset(&m->scratch);
	/* decoded uuids and the like are short, a geometry no longer than
	 * the server's bytes: no move while filling */
	{
		size_t room = 64u * t->ncols;
		for (size_t i = 0; i < t->ncols; i++)
			if (m->dec[i] == MYTEXT_GEOMETRY && r[i])
				room += lens[i];
		if (buf_reserve(&m->scratch, room, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		if (!r[i]) {
			m->row[i].null = true;
			continue;
		}
		if (decode(m, i, r[i], lens[i], &m->row[i], e) < 0) {
			if (e->class != ERR_STREAM)
				return -1;
			return err_prefix(e, "row %" PRIu64 ", column %s",
					  s->row_no, t->cols[i].name);
		}
	}
	for (size_t k = 0; k < m->nconv; k++)
		if (r[t->ncols + k])
			return conv_lost(m, r, lens, m->conv[k],
					 r[t->ncols + k], e);
	*row = m->row;
	return 1;
}

static void my_close(struct source *s)
{
	struct my_source *m = MY(s);

	if (m->res)
		mysql_free_result(m->res);
	if (m->conn)
		mysql_close(m->conn);
	free(m->dec);
	free(m->row);
	free(m->conv);
	free(m->db);
	buf_release(&m->sql);
	buf_release(&m->scratch);
	free(m);
}

/* --- inventory ------------------------------------------------------------ */

/* Run sql (no parameters) and hand its first row to fn: for queries whose
 * number of columns passes what a prepared statement here binds. */
static int my_first_row(struct my_source *m, const char *sql, size_t len,
			myutil_row_fn fn, void *ctx, struct err *e)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = 0;

	if (mysql_real_query(m->conn, sql, len))
		return my_fail(m, e, "counting rows");
	if (!(res = mysql_store_result(m->conn)))
		return my_fail(m, e, "counting rows");
	if ((row = mysql_fetch_row(res)))
		rc = fn(ctx, row, NULL, e);
	mysql_free_result(res);
	return rc;
}

static int64_t num_or_minus(const char *s)
{
	char *end;
	long long v;

	if (!s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	return v;
}

static int got_sizes(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct source_facts *f = ctx;
	int64_t rows = num_or_minus(v[0]);

	(void)lens;
	(void)e;
	if (rows >= 0) {
		f->rows = (uint64_t)rows;
		f->rows_known = 1;
	}
	f->data_bytes = num_or_minus(v[1]);
	f->index_bytes = num_or_minus(v[2]);
	return 0;
}

struct charset_ctx {
	const struct schema_table *t;
	struct source_facts *f;
};

static int got_charset(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct charset_ctx *c = ctx;
	int i = v[0] ? schema_column_index(c->t, v[0]) : -1;

	(void)lens;
	if (i < 0 || !v[1])
		return 0;
	if (!(c->f->charsets[i] = strdup(v[1])))
		return err_oom(e);
	return 0;
}

static int got_one(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)v;
	(void)lens;
	(void)e;
	*(int *)ctx = 1;
	return 0;
}

/* COUNT(*), then the odd values of the columns counted, in order */
struct odd_ctx {
	const struct schema_table *t;
	struct source_facts *f;
};

static int got_counts(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct odd_ctx *o = ctx;
	size_t k = 1;
	int64_t n = num_or_minus(v[0]);

	(void)lens;
	(void)e;
	o->f->rows = n > 0 ? (uint64_t)n : 0;
	for (size_t i = 0; i < o->t->ncols; i++)
		if (o->f->odd[i] == 0) {
			int64_t c = v[k] ? num_or_minus(v[k]) : 0;
			o->f->odd[i] = c < 0 ? 0 : c;
			k++;
		}
	return 0;
}

static int is_date_kind(const struct schema_column *c)
{
	return c->type == VALUE_DATE || c->type == VALUE_TIMESTAMP ||
	       c->type == VALUE_TIMESTAMPTZ;
}

static int got_trigger(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)lens;
	return source_facts_add_trigger(ctx, v[0] ? v[0] : "", e);
}

static int my_facts(struct source *s, const struct schema_table *t, int exact,
		    struct source_facts *f, struct err *e)
{
	struct my_source *m = MY(s);
	const char *params[1] = { t->table };
	struct charset_ctx cc = { t, f };
	struct odd_ctx oc = { t, f };
	struct buf q;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (!(f->charsets = calloc(t->ncols, sizeof(*f->charsets))) ||
	    !(f->odd = calloc(t->ncols, sizeof(*f->odd)))) {
		err_oom(e);
		goto out;
	}
	if (myutil_select(m->conn,
			  "SELECT TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH "
			  "FROM information_schema.TABLES "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
			  params, 1, 3, got_sizes, f, e) < 0 ||
	    myutil_select(m->conn,
			  "SELECT COLUMN_NAME, CHARACTER_SET_NAME "
			  "FROM information_schema.COLUMNS "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
			  params, 1, 2, got_charset, &cc, e) < 0 ||
	    myutil_select(
		m->conn,
		"SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
		"WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND "
		"EVENT_OBJECT_TABLE = ? ORDER BY TRIGGER_NAME",
		params, 1, 1, got_trigger, f, e) < 0)
		goto out;
	if (buf_adds(&q, "SELECT 1 FROM ", e) < 0 ||
	    myutil_quote_ident(&q, t->table, e) < 0 ||
	    buf_adds(&q, " LIMIT 1", e) < 0 ||
	    my_first_row(m, (char *)q.data, q.len, got_one, &f->has_rows, e) <
		0)
		goto out;
	for (size_t i = 0; i < t->ncols; i++)
		f->odd[i] = -1;
	if (exact) {
		/* one pass: the count, a bool column's values that are not
		 * 0 or 1 (refused at extract), a date column's zero dates
		 * (NULL or refused at extract) */
		buf_reset(&q);
		if (buf_adds(&q, "SELECT COUNT(*)", e) < 0)
			goto out;
		for (size_t i = 0; i < t->ncols; i++) {
			const struct schema_column *c = &t->cols[i];
			int b = c->type == VALUE_BOOL, d = is_date_kind(c);
			if (c->refused || (!b && !d))
				continue;
			f->odd[i] = 0;
			if (buf_adds(&q, b ? ", SUM(" : ", SUM(YEAR(", e) < 0 ||
			    myutil_quote_ident(&q, c->name, e) < 0 ||
			    buf_adds(&q,
				     b ? " NOT IN (0, 1))" : ") = 0 OR MONTH(",
				     e) < 0)
				goto out;
			if (d && (myutil_quote_ident(&q, c->name, e) < 0 ||
				  buf_adds(&q, ") = 0 OR DAYOFMONTH(", e) < 0 ||
				  myutil_quote_ident(&q, c->name, e) < 0 ||
				  buf_adds(&q, ") = 0)", e) < 0))
				goto out;
		}
		if (buf_adds(&q, " FROM ", e) < 0 ||
		    myutil_quote_ident(&q, t->table, e) < 0 ||
		    my_first_row(m, (char *)q.data, q.len, got_counts, &oc, e) <
			0)
			goto out;
		f->rows_exact = f->rows_known = 1;
	}
	rc = 0;
out:
	buf_release(&q);
	if (rc < 0)
		err_prefix(e, "table %s", t->name);
	return rc;
}

static int got_server(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct source_server *f = ctx;

	(void)lens;
	if (!(f->version = strdup(v[0] ? v[0] : "")) ||
	    !(f->sql_mode = strdup(v[1] ? v[1] : "")))
		return err_oom(e);
	return 0;
}

static int my_server(struct source *s, struct source_server *f, struct err *e)
{
	if (myutil_select(MY(s)->conn, "SELECT VERSION(), @@GLOBAL.sql_mode",
			  NULL, 0, 2, got_server, f, e) < 0)
		return -1;
	/* without NO_ZERO_DATE (or TRADITIONAL, which holds it) the
	 * server takes '0000-00-00'; NO_ZERO_IN_DATE alone still takes it */
	f->zero_dates_allowed =
	    !f->sql_mode || (!strstr(f->sql_mode, "NO_ZERO_DATE") &&
			     !strstr(f->sql_mode, "TRADITIONAL"));
	return 0;
}

struct day_ctx {
	source_day_fn fn;
	void *ctx;
	char **newest;
};

static int got_newest(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct day_ctx *d = ctx;

	(void)lens;
	if (v[0] && !(*d->newest = strdup(v[0])))
		return err_oom(e);
	return 0;
}

static int got_day(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct day_ctx *d = ctx;
	int64_t n = num_or_minus(v[1]);

	(void)lens;
	if (!v[0])
		return 0;
	return d->fn(d->ctx, v[0], n < 0 ? 0 : (uint64_t)n, e);
}

static int my_per_day(struct source *s, const struct schema_table *t,
		      size_t col, unsigned days, char **newest,
		      source_day_fn fn, void *ctx, struct err *e)
{
	struct my_source *m = MY(s);
	struct day_ctx d = { fn, ctx, newest };
	char back[16];
	const char *params[2];
	struct buf q, cn;
	int rc = -1;

	buf_init(&q, 1u << 20);
	buf_init(&cn, 1u << 20);
	if (myutil_quote_ident(&cn, t->cols[col].name, e) < 0 ||
	    buf_adds(&q, "SELECT DATE_FORMAT(MAX(", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q, "), '%Y-%m-%d') FROM ", e) < 0 ||
	    myutil_quote_ident(&q, t->table, e) < 0 ||
	    myutil_select(m->conn, (char *)q.data, NULL, 0, 1, got_newest, &d,
			  e) < 0)
		goto out;
	if (!*newest) {
		rc = 0;
		goto out;
	}
	snprintf(back, sizeof(back), "%u", days ? days - 1 : 0);
	params[0] = *newest;
	params[1] = back;
	buf_reset(&q);
	if (buf_adds(&q, "SELECT DATE_FORMAT(", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q, ", '%Y-%m-%d') AS d, COUNT(*) FROM ", e) < 0 ||
	    myutil_quote_ident(&q, t->table, e) < 0 ||
	    buf_adds(&q, " WHERE ", e) < 0 ||
	    buf_add(&q, cn.data, cn.len, e) < 0 ||
	    buf_adds(&q,
		     " >= DATE_SUB(CAST(? AS DATE), INTERVAL "
		     "CAST(? AS UNSIGNED) DAY) GROUP BY d ORDER BY d",
		     e) < 0 ||
	    myutil_select(m->conn, (char *)q.data, params, 2, 2, got_day, &d,
			  e) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&q);
	buf_release(&cn);
	if (rc < 0)
		err_prefix(e, "table %s, column %s", t->name,
			   t->cols[col].name);
	return rc;
}

/* --- objects the stream does not carry ----------------------------------
 * Each query: kind, table (NULL: of no table), name, detail.  What
 * describe carries is left out: plain BTREE/HASH indexes, MariaDB's
 * json_valid CHECK of a JSON column. */
static const char *const my_object_sql[] = {
	"SELECT 'trigger', EVENT_OBJECT_TABLE, TRIGGER_NAME, "
	"CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION) "
	"FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
	"ORDER BY 2, 3",
	"SELECT LOWER(ROUTINE_TYPE), NULL, ROUTINE_NAME, NULL "
	"FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
	"ORDER BY 1, 3",
	"SELECT 'event', NULL, EVENT_NAME, CONCAT(EVENT_TYPE, ' ', STATUS) "
	"FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() "
	"ORDER BY 3",
	"SELECT 'index', TABLE_NAME, INDEX_NAME, CONCAT(MAX(INDEX_TYPE), ' (', "
	"GROUP_CONCAT(COALESCE(COLUMN_NAME, '(expression)'), "
	"IF(SUB_PART IS NULL, '', CONCAT('(', SUB_PART, ')')) "
	"ORDER BY SEQ_IN_INDEX SEPARATOR ', '), ')') "
	"FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
	"AND INDEX_NAME <> 'PRIMARY' GROUP BY TABLE_NAME, INDEX_NAME "
	"HAVING MAX(INDEX_TYPE NOT IN ('BTREE', 'HASH')) = 1 "
	"OR MAX(SUB_PART IS NOT NULL) = 1 OR MAX(COLUMN_NAME IS NULL) = 1 "
	"ORDER BY 2, 3",
	"SELECT 'partitioning', TABLE_NAME, TABLE_NAME, "
	"CONCAT(MAX(PARTITION_METHOD), ', ', COUNT(*), ' partitions') "
	"FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() "
	"AND PARTITION_NAME IS NOT NULL GROUP BY TABLE_NAME ORDER BY 2",
	"SELECT 'table comment', TABLE_NAME, TABLE_NAME, TABLE_COMMENT "
	"FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
	"AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COMMENT <> '' ORDER BY 2",
	"SELECT 'column comment', TABLE_NAME, COLUMN_NAME, COLUMN_COMMENT "
	"FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
	"AND COLUMN_COMMENT <> '' ORDER BY 2, ORDINAL_POSITION",
	"SELECT 'grant', TABLE_NAME, GRANTEE, GROUP_CONCAT(PRIVILEGE_TYPE "
	"ORDER BY PRIVILEGE_TYPE SEPARATOR ', ') "
	"FROM information_schema.TABLE_PRIVILEGES "
	"WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME, GRANTEE "
	"ORDER BY 2, 3",
	"SELECT 'grant', NULL, GRANTEE, GROUP_CONCAT(PRIVILEGE_TYPE "
	"ORDER BY PRIVILEGE_TYPE SEPARATOR ', ') "
	"FROM information_schema.SCHEMA_PRIVILEGES "
	"WHERE TABLE_SCHEMA = DATABASE() GROUP BY GRANTEE ORDER BY 3",
};

/* CHECK constraints: MariaDB's view has TABLE_NAME (and names are per
 * table), MySQL 8's does not (names are per schema) */
#define MY_CHECKS_MARIADB                                                      \
	"SELECT 'check constraint', TABLE_NAME, CONSTRAINT_NAME, "             \
	"CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "              \
	"WHERE CONSTRAINT_SCHEMA = DATABASE() "                                \
	"AND CHECK_CLAUSE NOT REGEXP '^json_valid[(]`[^`]+`[)]$' "             \
	"ORDER BY 2, 3"
#define MY_CHECKS_MYSQL8                                                       \
	"SELECT 'check constraint', tc.TABLE_NAME, tc.CONSTRAINT_NAME, "       \
	"cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc "        \
	"JOIN information_schema.CHECK_CONSTRAINTS cc "                        \
	"ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "                      \
	"AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "                         \
	"WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' " \
	"AND cc.CONSTRAINT_SCHEMA = DATABASE() "                               \
	"ORDER BY 2, 3"

struct my_objects_ctx {
	source_object_fn fn;
	void *ctx;
};

static int my_object_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct my_objects_ctx *c = ctx;

	(void)lens;
	if (!v[0] || !v[2])
		return 0;
	return c->fn(c->ctx, v[0], NULL, v[1], v[2], v[3], NULL, e);
}

static int my_objects(struct source *s, source_object_fn fn, void *ctx,
		      struct err *e)
{
	struct my_source *m = MY(s);
	struct my_objects_ctx c = { fn, ctx };
	int has;

	for (size_t i = 0; i < sizeof(my_object_sql) / sizeof(*my_object_sql);
	     i++)
		if (myutil_select(m->conn, my_object_sql[i], NULL, 0, 4,
				  my_object_row, &c, e) < 0)
			return -1;
	/* CHECK constraints came with MariaDB 10.2 and MySQL 8.0.16: an
	 * older server's are not listed, and the stream says so */
	if ((has = has_check_constraints(m, e)) < 0)
		return -1;
	if (!has)
		return fn(ctx, "unlisted", NULL, NULL, "check constraint",
			  "this server has no information_schema."
			  "CHECK_CONSTRAINTS",
			  NULL, e);
	return myutil_select(m->conn,
			     m->mariadb ? MY_CHECKS_MARIADB : MY_CHECKS_MYSQL8,
			     NULL, 0, 4, my_object_row, &c, e);
}

/* --- views ----------------------------------------------------------------- */

struct my_names {
	char **v;
	size_t n, cap;
};

static int names_add(struct my_names *l, const char *s, struct err *e)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return err_oom(e);
		l->v = nv;
		l->cap = nc;
	}
	if (!(l->v[l->n] = strdup(s ? s : "")))
		return err_oom(e);
	l->n++;
	return 0;
}

static void names_release(struct my_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* a view's name and query (NULL: not readable, kept as "") */
static int view_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct my_names *l = ctx;

	(void)lens;
	return v[0] && (names_add(l, v[0], e) < 0 || names_add(l, v[1], e) < 0)
		   ? -1
		   : 0;
}

static int column_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)lens;
	return v[0] ? names_add(ctx, v[0], e) : 0;
}

static int my_views(struct source *s, source_view_fn fn, void *ctx,
		    struct err *e)
{
	struct my_source *m = MY(s);
	struct my_names views = { 0 };
	int rc;

	rc = myutil_select(m->conn,
			   "SELECT TABLE_NAME, VIEW_DEFINITION "
			   "FROM information_schema.VIEWS "
			   "WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
			   NULL, 0, 2, view_row, &views, e);
	for (size_t i = 0; rc == 0 && i + 1 < views.n; i += 2) {
		struct my_names cols = { 0 };
		const char *p[1] = { views.v[i] };
		struct source_view v;
		rc = myutil_select(m->conn,
				   "SELECT COLUMN_NAME FROM "
				   "information_schema.COLUMNS WHERE "
				   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
				   "? ORDER BY ORDINAL_POSITION",
				   p, 1, 1, column_row, &cols, e);
		memset(&v, 0, sizeof(v));
		v.own = v.name = views.v[i];
		v.home = m->db;
		/* without SHOW VIEW the definition reads empty */
		v.sql = views.v[i + 1][0] ? views.v[i + 1] : NULL;
		v.cols = cols.v;
		v.ncols = cols.n;
		v.mysql = 1;
		if (rc == 0)
			rc = fn(ctx, &v, e);
		names_release(&cols);
	}
	names_release(&views);
	return rc;
}

static int estimate_row(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct schema_table *t = ctx;

	(void)lens;
	(void)e;
	if (v[0]) {
		t->rows_estimate = strtoll(v[0], NULL, 10);
		t->rows_estimated = t->rows_estimate >= 0;
	}
	return 0;
}

static int my_rows_estimate(struct source *s, struct schema_table *t,
			    struct err *e)
{
	const char *p[1] = { t->table ? t->table : t->name };

	return myutil_select(MY(s)->conn,
			     "SELECT TABLE_ROWS FROM information_schema.TABLES "
			     "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
			     p, 1, 1, estimate_row, t, e);
}

/* MySQL has no schemas within a database: a name with one is the
 * table the load makes under schema.table (myutil_table_name) */
static int my_relation_exists(struct source *s, const char *name,
			      struct err *e)
{
	char *tn = myutil_table_name(name, e);
	int rc;

	if (!tn)
		return -1;
	rc = myutil_table_exists(MY(s)->conn, tn, e);
	free(tn);
	return rc;
}

struct weights_ctx {
	struct buf *out;
	size_t *ends;
	size_t n;
	int got;
};

static int weights_row(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct weights_ctx *w = ctx;

	for (size_t k = 0; k < w->n; k++) {
		if (vals[k] && buf_add(w->out, vals[k], lens[k], e) < 0)
			return -1;
		w->ends[k] = w->out->len;
	}
	w->got = 1;
	return 0;
}

/* CHARACTER_SET_NAME of a collation the server has, and whether it pads
 * with spaces (the '1' after it) */
static int charset_row(void *ctx, char **vals, size_t *lens, struct err *e)
{
	char *cs = ctx;

	(void)e;
	if (vals[0] && lens[0] < 63) {
		snprintf(cs, 64, "%s", vals[0]);
		cs[strlen(cs) + 1] = vals[1] && vals[1][0] == '1' ? 1 : 0;
	}
	return 0;
}

static int my_weights(struct source *s, const char *collation,
		      const char *const *texts, size_t n, struct buf *out,
		      size_t *ends, struct err *e)
{
	struct my_source *m = MY(s);
	const char *params[1] = { collation };
	struct weights_ctx w = { out, ends, n, 0 };
	char *padless[SOURCE_WEIGHTS_MAX];
	struct buf q;
	int rc = -1;

	/* the collation, a name of the server's own catalog, and its
	 * character set: the only words of the statement not ferry's */
	if (strcmp(collation, m->wcoll) != 0) {
		m->wcoll[0] = m->wcs[0] = '\0';
		if (strlen(collation) >= sizeof(m->wcoll))
			return 1;
		/* PAD SPACE: all but MariaDB's _nopad_ and MySQL 8's _0900_
		 * collations */
		if (myutil_select(m->conn,
				  "SELECT CHARACTER_SET_NAME, "
				  "COLLATION_NAME NOT LIKE '%nopad%' AND "
				  "COLLATION_NAME NOT LIKE '%\\_0900\\_%' "
				  "FROM information_schema.COLLATIONS "
				  "WHERE COLLATION_NAME = ?",
				  params, 1, 2, charset_row, m->wcs, e) < 0)
			return -1;
		if (!m->wcs[0])
			return 1;
		m->wpad = m->wcs[strlen(m->wcs) + 1] == 1;
		snprintf(m->wcoll, sizeof(m->wcoll), "%s", collation);
	}
	if (!m->wcs[0])
		return 1;
	/* PAD SPACE compares a text as if its trailing spaces were not
	 * there, which WEIGHT_STRING does not show: they go first */
	if (m->wpad) {
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(texts[k]);
			while (len && texts[k][len - 1] == ' ')
				len--;
			if (!(padless[k] = strndup(texts[k], len))) {
				for (size_t j = 0; j < k; j++)
					free(padless[j]);
				return err_oom(e);
			}
		}
		texts = (const char *const *)padless;
	}
	buf_init(&q, 1u << 16);
	if (buf_adds(&q, "SELECT ", e) < 0)
		goto out;
	for (size_t k = 0; k < n; k++)
		if ((k && buf_adds(&q, ", ", e) < 0) ||
		    buf_adds(&q, "WEIGHT_STRING(CONVERT(? USING ", e) < 0 ||
		    myutil_quote_ident(&q, m->wcs, e) < 0 ||
		    buf_adds(&q, ") COLLATE ", e) < 0 ||
		    myutil_quote_ident(&q, m->wcoll, e) < 0 ||
		    buf_addc(&q, ')', e) < 0)
			goto out;
	if (myutil_select(m->conn, (char *)q.data, texts, (unsigned)n,
			  (unsigned)n, weights_row, &w, e) < 0)
		goto out;
	rc = w.got ? 0 : 1;
out:
	for (size_t k = 0; m->wpad && k < n; k++)
		free(padless[k]);
	buf_release(&q);
	return rc;
}

/* the snapshot's binary log position: MariaDB says it of the transaction
 * START TRANSACTION WITH CONSISTENT SNAPSHOT began */
static int my_log_position(struct source *s, char *file, size_t filesz,
			   uint64_t *pos, struct err *e)
{
	struct my_source *m = MY(s);
	MYSQL_RES *r;
	MYSQL_ROW row;
	int have_file = 0, have_pos = 0;

	if (my_exec(m, "SHOW SESSION STATUS LIKE 'binlog_snapshot_%'", e) < 0)
		return -1;
	if (!(r = mysql_store_result(m->conn)))
		return my_fail(m, e, "reading the snapshot's binlog position");
	while ((row = mysql_fetch_row(r))) {
		if (!row[0] || !row[1])
			continue;
		if (strcmp(row[0], "Binlog_snapshot_file") == 0 &&
		    *row[1]) {
			snprintf(file, filesz, "%s", row[1]);
			have_file = strlen(row[1]) < filesz;
		} else if (strcmp(row[0], "Binlog_snapshot_position") ==
			   0) {
			char *end;
			*pos = strtoull(row[1], &end, 10);
			have_pos = *row[1] && !*end;
		}
	}
	mysql_free_result(r);
	if (!have_file || !have_pos)
		return err_set(e, ERR_USAGE,
			       "the server says no binary log position of the "
			       "snapshot (Binlog_snapshot_file): --follow "
			       "needs MariaDB with log_bin on (MySQL is not "
			       "followed)");
	return 0;
}

/* source_time_durations: one scan of t for all its TIME columns */
static int my_durations(struct source *s, struct schema_table *t,
			struct err *e)
{
	struct my_source *m = MY(s);
	struct buf q;
	MYSQL_RES *r = NULL;
	MYSQL_ROW row;
	size_t cols[64], n = 0;
	int rc = -1, found = 0;

	for (size_t i = 0; i < t->ncols && n < 64; i++)
		if (t->cols[i].type == VALUE_TIME && !t->cols[i].cast)
			cols[n++] = i;
	if (!n)
		return 0;
	buf_init(&q, 1u << 20);
	if (buf_adds(&q, "SELECT ", e) < 0)
		goto out;
	for (size_t k = 0; k < n; k++) {
		const char *c = t->cols[cols[k]].name;
		if ((k && buf_adds(&q, ", ", e) < 0) ||
		    buf_adds(&q, "MIN(", e) < 0 ||
		    myutil_quote_ident(&q, c, e) < 0 ||
		    buf_adds(&q, ") < TIME'00:00:00' OR MAX(", e) < 0 ||
		    myutil_quote_ident(&q, c, e) < 0 ||
		    buf_adds(&q, ") > TIME'24:00:00'", e) < 0)
			goto out;
	}
	if (buf_adds(&q, " FROM ", e) < 0 ||
	    myutil_quote_ident(&q, t->table, e) < 0)
		goto out;
	if (mysql_real_query(m->conn, (char *)q.data, q.len) ||
	    !(r = mysql_store_result(m->conn))) {
		my_fail(m, e, "reading the range of TIME columns");
		goto out;
	}
	if (!(row = mysql_fetch_row(r)) || mysql_num_fields(r) != n) {
		err_set(e, ERR_DB, "reading the range of TIME columns: no row");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		struct schema_column *c = &t->cols[cols[k]];
		if (!row[k] || strcmp(row[k], "1") != 0)
			continue;
		c->cast = SCHEMA_CAST_TEXT;
		c->type = VALUE_TEXT;
		if (t->types)
			t->types[cols[k]] = VALUE_TEXT;
		found++;
	}
	rc = found;
out:
	if (r)
		mysql_free_result(r);
	buf_release(&q);
	return rc;
}

/* a collation name a JSON_TABLE column may be given as it is: its
 * character set's name (the part before the first '_'), its length */
static size_t coll_charset(const char *coll)
{
	const char *us = myutil_collation_word(coll) ? strchr(coll, '_') : NULL;

	return us && us > coll && us[1] ? (size_t)(us - coll) : 0;
}

/* the type a JSON_TABLE column takes to hold a value of target column c
 * as the table would: from ferry's own names, the collation checked */
static int jt_type(struct buf *q, const struct schema_column *c,
		   struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";
	size_t cs;

	switch (c->type) {
	case VALUE_BOOL: return buf_adds(q, "TINYINT", e);
	case VALUE_INT64: return buf_adds(q, "BIGINT", e);
	case VALUE_UINT64: return buf_adds(q, "BIGINT UNSIGNED", e);
	case VALUE_FLOAT64:
		return buf_adds(q, strncmp(st, "float", 5) == 0 ? "FLOAT" : "DOUBLE",
				e);
	case VALUE_DECIMAL:
		if (c->precision >= 1 && c->precision <= 65 && c->scale >= 0 &&
		    c->scale <= 30 && c->scale <= c->precision)
			return buf_addf(q, e, "DECIMAL(%" PRId64 ",%" PRId64 ")",
					c->precision, c->scale);
		return buf_adds(q, "DECIMAL(65,30)", e);
	case VALUE_DATE: return buf_adds(q, "DATE", e);
	case VALUE_TIME: return buf_adds(q, "TIME(6)", e);
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return buf_adds(q, "DATETIME(6)", e);
	case VALUE_BYTES: /* its \x and hex, made bytes by UNHEX */
		return buf_adds(q, "LONGTEXT CHARACTER SET ascii", e);
	default: break;
	}
	if (buf_adds(q, "LONGTEXT", e) < 0)
		return -1;
	if ((cs = coll_charset(c->collation)) &&
	    (buf_adds(q, " CHARACTER SET ", e) < 0 ||
	     buf_add(q, c->collation, cs, e) < 0 ||
	     buf_adds(q, " COLLATE ", e) < 0 ||
	     buf_adds(q, c->collation, e) < 0))
		return -1;
	return 0;
}

/* "ferry_check_X.`col`" */
static int jt_col(struct buf *q, const char *alias, const char *name,
		  struct err *e)
{
	return buf_adds(q, alias, e) < 0 || buf_addc(q, '.', e) < 0 ||
			       myutil_quote_ident(q, name, e) < 0
		   ? -1
		   : 0;
}

/* the rows whose key of unique index x a row of the target holds (other:
 * a row of another primary key): a condition false for them */
static int jt_cond(const struct schema_table *t, enum source_rows what,
		   size_t idx, struct buf *q, struct err *e)
{
	const struct schema_index *ix = &t->indexes[idx];
	if (buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
	    myutil_quote_ident(q, t->table, e) < 0 ||
	    buf_adds(q, " ferry_check_p WHERE ", e) < 0)
		return -1;
	for (size_t k = 0; k < ix->ncols; k++) {
		const char *c = t->cols[ix->cols[k]].name;
		if ((k && buf_adds(q, " AND ", e) < 0) ||
		    jt_col(q, "ferry_check_p", c, e) < 0 ||
		    buf_adds(q, " = ", e) < 0 ||
		    jt_col(q, "ferry_check_r", c, e) < 0)
			return -1;
	}
	if (what == SOURCE_ROWS_UNIQUE_OTHER && t->npk) {
		if (buf_adds(q, " AND NOT (", e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++) {
			const char *c = t->cols[t->pk[k]].name;
			if ((k && buf_adds(q, " AND ", e) < 0) ||
			    jt_col(q, "ferry_check_p", c, e) < 0 ||
			    buf_adds(q, " <=> ", e) < 0 ||
			    jt_col(q, "ferry_check_r", c, e) < 0)
				return -1;
		}
		if (buf_addc(q, ')', e) < 0)
			return -1;
	}
	return buf_addc(q, ')', e);
}

struct jt_refs {
	struct buf *q;
	char con[200], tb[200];
	int open;
};

/* one column pair of a foreign key that refers to the table: constraint,
 * child table, its column, the table's column */
static int jt_ref_col(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct jt_refs *x = ctx;
	struct buf *q = x->q;

	(void)lens;
	if (!vals[0] || !vals[1] || !vals[2] || !vals[3])
		return 0;
	if (!x->open || strcmp(x->con, vals[0]) != 0 ||
	    strcmp(x->tb, vals[1]) != 0) {
		if ((x->open && buf_adds(q, ") AND ", e) < 0) ||
		    buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
		    myutil_quote_ident(q, vals[1], e) < 0 ||
		    buf_adds(q, " ferry_check_c WHERE ", e) < 0)
			return -1;
		snprintf(x->con, sizeof(x->con), "%s", vals[0]);
		snprintf(x->tb, sizeof(x->tb), "%s", vals[1]);
		x->open = 1;
	} else if (buf_adds(q, " AND ", e) < 0) {
		return -1;
	}
	return jt_col(q, "ferry_check_c", vals[2], e) < 0 ||
			       buf_adds(q, " = ", e) < 0 ||
			       jt_col(q, "ferry_check_r", vals[3], e) < 0
		   ? -1
		   : 0;
}

/* the rows a child row refers to by a foreign key that refuses their
 * delete (RESTRICT, NO ACTION), as a condition false for them; 1 when
 * none refers to t (the rules by subqueries held to this database, as
 * describe_fkeys reads them) */
static int jt_referenced(struct my_source *m, const struct schema_table *t,
			 struct buf *q, struct err *e)
{
	const char *params[1] = { t->table };
	struct jt_refs x = { .q = q };

	if (myutil_select(
		m->conn,
		"SELECT k.CONSTRAINT_NAME, k.TABLE_NAME, k.COLUMN_NAME, "
		"k.REFERENCED_COLUMN_NAME FROM "
		"information_schema.KEY_COLUMN_USAGE k "
		"WHERE k.TABLE_SCHEMA = DATABASE() "
		"AND k.REFERENCED_TABLE_SCHEMA = DATABASE() "
		"AND k.REFERENCED_TABLE_NAME = ? "
		"AND (SELECT r.DELETE_RULE FROM "
		"information_schema.REFERENTIAL_CONSTRAINTS r WHERE "
		"r.CONSTRAINT_SCHEMA = DATABASE() AND "
		"r.TABLE_NAME = k.TABLE_NAME AND "
		"r.CONSTRAINT_NAME = k.CONSTRAINT_NAME) IN ('RESTRICT', "
		"'NO ACTION') "
		"ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
		params, 1, 4, jt_ref_col, &x, e) < 0)
		return err_prefix(e, "reading the foreign keys that refer to it");
	return !x.open ? 1 : buf_addc(q, ')', e);
}

struct jt_hits {
	source_ordinal_fn fn;
	void *ctx;
};

static int jt_hit(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct jt_hits *h = ctx;

	(void)lens;
	return h->fn(h->ctx, vals[0] ? strtol(vals[0], NULL, 10) : 0, e);
}

/* source_check_rows: each row made a row of t's column types by the
 * server itself (JSON_TABLE over json, whose objects hold column k's
 * value as "c<k>"), the condition asked over them; a statement that
 * fails leaves the snapshot as it was */
static int my_check_rows(struct source *s, const struct schema_table *t,
			 const char *cond, enum source_rows what, size_t idx,
			 const char *json, source_ordinal_fn fn, void *ctx,
			 struct err *e)
{
	struct my_source *m = MY(s);
	const char *params[1] = { json };
	struct jt_hits h = { fn, ctx };
	struct buf q, refs;
	struct err qe;
	int rc = -1;

	/* no JSON_TABLE; and a MySQL load takes a row of no parent
	 * (foreign_key_checks off), so --check does not ask for them */
	if ((!m->mariadb && mysql_get_server_version(m->conn) < 80004) ||
	    what == SOURCE_ROWS_ORPHAN)
		return 1;
	buf_init(&q, 1u << 20);
	/* what refers to t: asked first, and nothing to ask without it */
	buf_init(&refs, 1u << 20);
	if (what == SOURCE_ROWS_REFERENCED &&
	    ((rc = jt_referenced(m, t, &refs, e)) != 0 ||
	     (rc = buf_addc(&refs, 0, e)) != 0)) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	rc = -1;
	if (buf_adds(&q, "SELECT ferry_check_place FROM (SELECT "
			 "j.ferry_check_place",
		     e) < 0)
		goto out;
	for (size_t k = 0; k < t->ncols; k++) {
		char jc[32];
		snprintf(jc, sizeof(jc), "j.c%zu", k);
		if (buf_adds(&q, ", ", e) < 0 ||
		    (t->cols[k].type == VALUE_BYTES
			 ? buf_addf(&q, e, "UNHEX(SUBSTRING(%s, 3))", jc)
			 : buf_adds(&q, jc, e)) < 0 ||
		    buf_adds(&q, " AS ", e) < 0 ||
		    myutil_quote_ident(&q, t->cols[k].name, e) < 0)
			goto out;
	}
	if (buf_adds(&q, " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
			 "ferry_check_place FOR ORDINALITY",
		     e) < 0)
		goto out;
	for (size_t k = 0; k < t->ncols; k++)
		if (buf_addf(&q, e, ", c%zu ", k) < 0 ||
		    jt_type(&q, &t->cols[k], e) < 0 ||
		    buf_addf(&q, e, " PATH '$.c%zu'", k) < 0)
			goto out;
	if (buf_adds(&q, ")) AS j) AS ferry_check_r WHERE (", e) < 0 ||
	    (what == SOURCE_ROWS_CHECK ? buf_adds(&q, cond, e)
	     : what == SOURCE_ROWS_REFERENCED
		 ? buf_adds(&q, (char *)refs.data, e)
		 : jt_cond(t, what, idx, &q, e)) < 0 ||
	    buf_adds(&q, ") IS FALSE", e) < 0)
		goto out;
	err_init(&qe);
	rc = myutil_select(m->conn, (char *)q.data, params, 1, 1, jt_hit, &h,
			   &qe);
	if (rc < 0) {
		/* the server's refusal: said, the snapshot goes on */
		if (qe.class == ERR_DB)
			err_set(e, ERR_STREAM, "%s", qe.msg);
		else
			*e = qe;
	}
out:
	buf_release(&q);
	buf_release(&refs);
	return rc;
}

/* FLUSH TABLES WITH READ LOCK (the RELOAD privilege), or UNLOCK TABLES */
static int my_global_lock(struct source *s, int on, struct err *e)
{
	return my_exec(MY(s), on ? "FLUSH TABLES WITH READ LOCK" : "UNLOCK TABLES",
		       e);
}

static const struct source_ops my_ops = {
	my_begin,   my_list_tables, my_describe, my_open_rows,
	my_next_row, my_close,	    my_facts,	 my_server,
	my_per_day, my_objects,	    NULL, my_weights,	 my_log_position,
	my_durations, my_check_rows, my_views, my_rows_estimate,
	my_relation_exists,
	NULL, /* export_snapshot: MySQL shares none */
	my_global_lock,
};

struct source *source_mysql_open(const struct uri *u,
				 const struct source_opts *o, struct err *e)
{
	struct my_source *m = calloc(1, sizeof(*m));

	if (!m) {
		err_oom(e);
		return NULL;
	}
	m->base.ops = &my_ops;
	m->base.opts = *o;
	buf_init(&m->sql, 1u << 20);
	buf_init(&m->scratch, 1u << 20);
	if (!(m->conn = mysql_init(NULL))) {
		err_oom(e);
		goto fail;
	}
	if (myutil_connect(m->conn, u, o->defaults_file, o->connect_timeout,
			   o->read_timeout, 0, e) < 0)
		goto fail;
	m->mariadb = strstr(mysql_get_server_info(m->conn), "MariaDB") != NULL;
	m->has_checks = -1;
	if (u->db && !(m->db = strdup(u->db))) {
		err_oom(e);
		goto fail;
	}
	/* UTC: TIMESTAMP values arrive as they are stored; long timeouts: a
	 * slow next stage must not make the server give up on us */
	if (my_exec(m, "SET NAMES utf8mb4", e) < 0 ||
	    my_exec(m, "SET SESSION time_zone = '+00:00'", e) < 0 ||
	    my_exec(m, "SET SESSION net_write_timeout = 86400", e) < 0 ||
	    my_exec(m, "SET SESSION net_read_timeout = 86400", e) < 0)
		goto fail;
	return &m->base;
fail:
	my_close(&m->base);
	return NULL;
}
