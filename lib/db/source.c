#include "base/utf8.h"
#include "db/source_int.h"
#include "stream/objects.h"
#include "stream/sqlexpr.h"

#include "db/pg/pgname.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct source *source_open(const struct uri *u, const struct source_opts *o,
			   struct err *e)
{
	/* every engine's source: one line each */
	static const struct {
		enum uri_engine id;
		struct source *(*open)(const struct uri *,
				       const struct source_opts *,
				       struct err *);
	} sources[] = {
		{ URI_MYSQL, source_mysql_open },
		{ URI_PG, source_pg_open },
	};

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (sources[i].id == u->engine)
			return sources[i].open(u, o, e);
	err_set(e, ERR_USAGE, "no source for this database");
	return NULL;
}

int source_begin(struct source *s, struct err *e)
{
	return s->ops->begin(s, e);
}

int source_begin_snapshot(struct source *s, const char *name, struct err *e)
{
	if (!s->ops->begin_snapshot)
		return err_set(e, ERR_USAGE,
			       "this database exports no snapshots");
	return s->ops->begin_snapshot(s, name, e);
}

int source_export_snapshot(struct source *s, char *name, size_t namesz,
			   struct err *e)
{
	if (!s->ops->export_snapshot)
		return err_set(e, ERR_USAGE,
			       "this database exports no snapshots (a "
			       "PostgreSQL source does)");
	return s->ops->export_snapshot(s, name, namesz, e);
}

/* tries of MariaDB's binary-log agreement before the global lock */
#define SHARED_TRIES 50

int source_begin_shared(struct source *const *src, size_t n, char *how,
			size_t howsz, struct err *e)
{
	char name[128], f0[512], f[512];
	uint64_t p0, p;
	struct err le;
	/* why the connections start under the lock */
	char why[120] = "the server has no binary log position to agree on";
	int rc;

	if (src[0]->ops->export_snapshot) {
		if (source_begin(src[0], e) < 0 ||
		    src[0]->ops->export_snapshot(src[0], name, sizeof(name),
						 e) < 0)
			return -1;
		for (size_t i = 1; i < n; i++)
			if (source_begin_snapshot(src[i], name, e) < 0)
				return -1;
		snprintf(how, howsz, "snapshot %s exported to %zu connections",
			 name, n);
		return 0;
	}
	for (int tries = 1; src[0]->ops->log_position && tries <= SHARED_TRIES;
	     tries++) {
		size_t i;
		for (i = 0; i < n; i++)
			if (source_begin(src[i], e) < 0)
				return -1;
		err_init(&le);
		if (source_log_position(src[0], f0, sizeof(f0), &p0, &le) < 0) {
			if (le.class != ERR_USAGE) {
				*e = le;
				return -1;
			}
			break; /* no binary log: the lock below */
		}
		for (i = 1; i < n; i++) {
			if (source_log_position(src[i], f, sizeof(f), &p, e) < 0)
				return -1;
			if (p != p0 || strcmp(f, f0) != 0)
				break;
		}
		if (i == n) {
			snprintf(how, howsz,
				 "%zu connections at binary log position "
				 "%s:%" PRIu64 " (try %d)",
				 n, f0, p0, tries);
			return 0;
		}
		snprintf(why, sizeof(why),
			 "their binary log positions did not agree in %d "
			 "tries: the server commits too often",
			 tries);
	}
	if (!src[0]->ops->global_lock)
		return err_set(e, ERR_USAGE,
			       "this database cannot share one snapshot among "
			       "connections");
	err_init(&le);
	if (src[0]->ops->global_lock(src[0], 1, &le) < 0)
		return err_set(e, ERR_USAGE,
			       "--parallel: the connections cannot be shown to "
			       "see one snapshot: %s, and FLUSH TABLES WITH "
			       "READ LOCK was refused (RELOAD); run --parallel "
			       "1, or grant RELOAD: %s",
			       why, le.msg);
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = source_begin(src[i], e);
	if (src[0]->ops->global_lock(src[0], 0, rc < 0 ? &le : e) < 0)
		rc = -1;
	if (rc == 0)
		snprintf(how, howsz,
			 "%zu connections began under FLUSH TABLES WITH READ "
			 "LOCK (%s)",
			 n, why);
	return rc;
}

int source_log_position(struct source *s, char *file, size_t filesz,
			uint64_t *pos, struct err *e)
{
	if (!s->ops->log_position)
		return err_set(e, ERR_USAGE, "this database has no binary log");
	return s->ops->log_position(s, file, filesz, pos, e);
}

int source_check_rows(struct source *s, const struct schema_table *t,
		      const char *cond, enum source_rows what, size_t idx,
		      const char *json, source_ordinal_fn fn, void *ctx,
		      struct err *e)
{
	return s->ops->check_rows ? s->ops->check_rows(s, t, cond, what, idx,
						       json, fn, ctx, e)
				  : 1;
}

int source_time_durations(struct source *s, struct schema_table *t,
			  struct err *e)
{
	return s->ops->durations ? s->ops->durations(s, t, e) : 0;
}

int source_time_as_text(const struct schema_column *c)
{
	const char *st = c->source_type;

	if (c->type != VALUE_TEXT || !st)
		return 0;
	if (strcmp(st, "time") == 0)
		return 1;
	/* MySQL's time(fsp): nothing after it (PostgreSQL's time(3) is
	 * "time(3) without time zone") */
	return strncmp(st, "time(", 5) == 0 && st[5] >= '0' && st[5] <= '6' &&
	       strcmp(st + 6, ")") == 0;
}

int source_rows_estimate(struct source *s, struct schema_table *t,
			 struct err *e)
{
	return s->ops->rows_estimate ? s->ops->rows_estimate(s, t, e) : 0;
}

int source_relation_exists(struct source *s, const char *name,
			   struct err *e)
{
	return s->ops->relation_exists(s, name, e);
}

int source_list_tables(struct source *s, char ***names, size_t *n,
		       struct err *e)
{
	return s->ops->list_tables(s, names, n, e);
}

void source_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

struct schema_table *source_describe(struct source *s, const char *table,
				     struct err *e)
{
	return s->ops->describe(s, table, e);
}

int source_open_rows(struct source *s, const struct source_query *q,
		     struct err *e)
{
	s->zero_dates = 0;
	s->row_no = 0;
	free(s->zero_col);
	s->zero_ncols = 0;
	if (!(s->zero_col = calloc(q->t->ncols + 1, sizeof(*s->zero_col))))
		return err_oom(e);
	s->zero_ncols = q->t->ncols;
	return s->ops->open_rows(s, q, e);
}

int source_next_row(struct source *s, const struct value **row, struct err *e)
{
	return s->ops->next_row(s, row, e);
}

uint64_t source_zero_dates(const struct source *s)
{
	return s->zero_dates;
}

uint64_t source_zero_dates_in(const struct source *s, size_t col)
{
	return col < s->zero_ncols ? s->zero_col[col] : 0;
}

/* marks lie far below every value a stream holds (dates from -2440588,
 * timestamps from about -2.1e17), with room for --time-precision to
 * round them down */
#define ZERO_DATE_BASE (INT32_MIN / 2)
#define ZERO_TS_BASE (INT64_MIN / 2)
#define ZERO_DAY_US INT64_C(86400000000)

/* n digits at *p into *v: 1, or 0 */
static int digits(const char **p, const char *end, int n, int64_t *v)
{
	*v = 0;
	for (int k = 0; k < n; k++) {
		if (*p >= end || **p < '0' || **p > '9')
			return 0;
		*v = *v * 10 + (*(*p)++ - '0');
	}
	return 1;
}

int source_zero_date_mark(enum value_type t, const char *p, size_t len,
			  int64_t *v)
{
	const char *s = p, *end = p + len;
	int64_t y, m, d, hh = 0, mi = 0, ss = 0, us = 0, code;

	if (!digits(&s, end, 4, &y) || s >= end || *s++ != '-' ||
	    !digits(&s, end, 2, &m) || s >= end || *s++ != '-' ||
	    !digits(&s, end, 2, &d) || m > 12 || d > 31)
		goto bad;
	if (s < end) {
		if (*s++ != ' ' || !digits(&s, end, 2, &hh) || s >= end ||
		    *s++ != ':' || !digits(&s, end, 2, &mi) || s >= end ||
		    *s++ != ':' || !digits(&s, end, 2, &ss) || hh > 23 ||
		    mi > 59 || ss > 59)
			goto bad;
		if (s < end) {
			int n = 0;
			if (*s++ != '.')
				goto bad;
			while (s < end && n < 6 && *s >= '0' && *s <= '9') {
				us = us * 10 + (*s++ - '0');
				n++;
			}
			if (n == 0 || s != end)
				goto bad;
			for (; n < 6; n++)
				us *= 10;
		}
	}
	code = (y * 13 + m) * 32 + d;
	if (t == VALUE_DATE) {
		*v = ZERO_DATE_BASE + code;
		return 0;
	}
	*v = ZERO_TS_BASE + code * ZERO_DAY_US +
	     ((hh * 60 + mi) * 60 + ss) * INT64_C(1000000) + us;
	return 0;
bad:
	return -1;
}

int source_zero_date_text(enum value_type t, int64_t v, char *buf, size_t n)
{
	int64_t code, tod = 0;

	if (t == VALUE_DATE) {
		if (v < ZERO_DATE_BASE || v >= ZERO_DATE_BASE + 10000 * 416)
			return 0;
		code = v - ZERO_DATE_BASE;
	} else if (t == VALUE_TIMESTAMP || t == VALUE_TIMESTAMPTZ) {
		if (v < ZERO_TS_BASE ||
		    v >= ZERO_TS_BASE + 10000 * 416 * ZERO_DAY_US)
			return 0;
		code = (v - ZERO_TS_BASE) / ZERO_DAY_US;
		tod = (v - ZERO_TS_BASE) % ZERO_DAY_US;
	} else {
		return 0;
	}
	if (t == VALUE_DATE)
		snprintf(buf, n, "%04d-%02d-%02d", (int)(code / 416),
			 (int)(code / 32 % 13), (int)(code % 32));
	else
		snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%06d",
			 (int)(code / 416), (int)(code / 32 % 13),
			 (int)(code % 32), (int)(tod / 3600000000),
			 (int)(tod / 60000000 % 60), (int)(tod / 1000000 % 60),
			 (int)(tod % 1000000));
	return 1;
}

int source_table_facts(struct source *s, const struct schema_table *t,
		       int exact, struct source_facts *f, struct err *e)
{
	memset(f, 0, sizeof(*f));
	f->data_bytes = f->index_bytes = -1;
	return s->ops->facts(s, t, exact, f, e);
}

/* name, copied, after (*arr)[0..*n) */
static int push_name(char ***arr, size_t *n, const char *name, struct err *e)
{
	char **na = realloc(*arr, (*n + 1) * sizeof(*na));

	if (!na)
		return err_oom(e);
	*arr = na;
	if (!(na[*n] = strdup(name)))
		return err_oom(e);
	(*n)++;
	return 0;
}

static void free_names(char **arr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(arr[i]);
	free(arr);
}

int source_facts_add_trigger(struct source_facts *f, const char *name,
			     struct err *e)
{
	return push_name(&f->triggers, &f->ntriggers, name, e);
}

int source_facts_add_check(struct source_facts *f, const char *name,
			   struct err *e)
{
	return push_name(&f->check_names, &f->ncheck_names, name, e);
}

int source_facts_add_ref(struct source_facts *f, const char *schema,
			 const char *table, struct err *e)
{
	size_t n = f->nrefs;

	/* the two lists stay as long as each other */
	if (push_name(&f->ref_schema, &n, schema, e) < 0)
		return -1;
	n = f->nrefs;
	if (push_name(&f->ref_table, &n, table, e) < 0) {
		free(f->ref_schema[f->nrefs]);
		return -1;
	}
	f->nrefs = n;
	return 0;
}

void source_facts_release(struct source_facts *f, size_t ncols)
{
	free_names(f->ref_schema, f->nrefs);
	free_names(f->ref_table, f->nrefs);
	free_names(f->check_names, f->ncheck_names);
	if (f->charsets)
		for (size_t i = 0; i < ncols; i++)
			free(f->charsets[i]);
	free(f->charsets);
	free(f->odd);
	if (f->check_labels)
		for (size_t i = 0; i < ncols; i++) {
			for (size_t k = 0;
			     f->check_labels[i] && k < f->ncheck_labels[i]; k++)
				free(f->check_labels[i][k]);
			free(f->check_labels[i]);
		}
	free(f->check_labels);
	free(f->ncheck_labels);
	free_names(f->triggers, f->ntriggers);
	f->triggers = NULL;
	f->ntriggers = 0;
	f->charsets = NULL;
	f->odd = NULL;
	f->check_labels = NULL;
	f->ncheck_labels = NULL;
}

int source_server_facts(struct source *s, struct source_server *f,
			struct err *e)
{
	memset(f, 0, sizeof(*f));
	return s->ops->server(s, f, e);
}

int source_apply_casts(struct schema_table *t, const char *table,
		       char *const *casts, size_t n, unsigned char *used,
		       struct err *e)
{
	size_t tl = strlen(table);

	for (size_t k = 0; k < n; k++) {
		const char *a = casts[k], *eq = strrchr(a, '=');
		struct schema_column *c = NULL;
		size_t cl;
		int to;
		if (!eq || strncmp(a, table, tl) != 0 || a[tl] != '.')
			continue;
		cl = (size_t)(eq - (a + tl + 1));
		for (size_t i = 0; i < t->ncols && !c; i++)
			if (strlen(t->cols[i].name) == cl &&
			    strncmp(t->cols[i].name, a + tl + 1, cl) == 0)
				c = &t->cols[i];
		/* a name the other side folds: MySQL's Flag is flag */
		for (size_t i = 0; i < t->ncols && !c; i++)
			if (strlen(t->cols[i].name) == cl &&
			    strncasecmp(t->cols[i].name, a + tl + 1, cl) == 0)
				c = &t->cols[i];
		if (!c)
			continue;
		used[k] = 1;
		to = strcmp(eq + 1, "int") == 0     ? SCHEMA_CAST_INT
		     : strcmp(eq + 1, "text") == 0  ? SCHEMA_CAST_TEXT
		     : strcmp(eq + 1, "bytes") == 0 ? SCHEMA_CAST_BYTES
						    : 0;
		if (!to)
			return err_set(e, ERR_USAGE,
				       "--cast %s: the type is int, text or "
				       "bytes",
				       a);
		/* a side that holds the bytes already (ferry-verify's
		 * other database) */
		if (to == SCHEMA_CAST_BYTES && c->type == VALUE_BYTES)
			continue;
		if (to == SCHEMA_CAST_BYTES &&
		    (c->type != VALUE_TEXT || c->refused))
			return err_set(e, ERR_USAGE,
				       "--cast %s: column %s is %s%s, not text",
				       a, c->name,
				       c->refused ? "of a type not carried: "
						  : "",
				       c->refused && c->source_type
					   ? c->source_type
					   : value_type_name(c->type));
		if (to == SCHEMA_CAST_INT &&
		    !(c->type == VALUE_BOOL || c->type == VALUE_INT64 ||
		      c->type == VALUE_UINT64 ||
		      (c->type == VALUE_DECIMAL && c->scale == 0)))
			return err_set(e, ERR_USAGE,
				       "--cast %s: column %s is %s, not a bool "
				       "or an integer",
				       a, c->name, value_type_name(c->type));
		if (to == SCHEMA_CAST_INT && c->source_type &&
		    strncmp(c->source_type, "bit", 3) == 0)
			return err_set(e, ERR_USAGE,
				       "--cast %s: column %s is a BIT, read as "
				       "its number already",
				       a, c->name);
		if (to == SCHEMA_CAST_TEXT && c->type == VALUE_BYTES)
			return err_set(e, ERR_USAGE,
				       "--cast %s: column %s holds bytes, "
				       "which are not text",
				       a, c->name);
		for (size_t j = 0; j < c->nlabels; j++)
			free(c->labels[j]);
		free(c->labels);
		c->labels = NULL;
		c->nlabels = 0;
		free(c->refused);
		c->refused = NULL;
		if (to == SCHEMA_CAST_BYTES) {
			for (size_t j = 0; j < c->nset; j++)
				free(c->set[j]);
			free(c->set);
			c->set = NULL;
			c->nset = 0;
			free(c->collation);
			c->collation = NULL;
		}
		c->cast = to;
		c->type = to == SCHEMA_CAST_INT	    ? VALUE_INT64
			  : to == SCHEMA_CAST_BYTES ? VALUE_BYTES
						    : VALUE_TEXT;
		if (t->types)
			t->types[c - t->cols] = c->type;
	}
	return 0;
}

int source_weights(struct source *s, const char *collation,
		   const char *const *texts, size_t n, struct buf *out,
		   size_t *ends, struct err *e)
{
	if (!s->ops->weights || n > SOURCE_WEIGHTS_MAX)
		return 1;
	return s->ops->weights(s, collation, texts, n, out, ends, e);
}

void source_server_release(struct source_server *f)
{
	free(f->version);
	free(f->sql_mode);
	f->version = f->sql_mode = NULL;
}

int source_rows_per_day(struct source *s, const struct schema_table *t,
			size_t col, unsigned days, char **newest,
			source_day_fn fn, void *ctx, struct err *e)
{
	*newest = NULL;
	return s->ops->per_day(s, t, col, days, newest, fn, ctx, e);
}

void source_close(struct source *s)
{
	if (s) {
		free(s->zero_col);
		s->zero_col = NULL;
		s->ops->close(s);
	}
}

/* offset of the end of part k from lo: min(step * k, span), where a span
 * of 0 stands for the whole 2^64 range */
static uint64_t part_end(uint64_t span, uint64_t step, unsigned k)
{
	uint64_t off;

	if (__builtin_mul_overflow(step, (uint64_t)k, &off))
		return span;
	if (span && off > span)
		return span;
	return off;
}

void source_part_bounds(int64_t lo, int64_t hi, unsigned k, unsigned n,
			int *has_gt, int64_t *gt, int *has_le, int64_t *le)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0: all of int64 */
	uint64_t step;

	if (span == 0)
		step = UINT64_MAX / n + 1;
	else
		step = span / n + (span % n != 0);
	/* bounds are "end - 1", which always lies within lo..hi */
	*has_gt = k > 1;
	*gt = (int64_t)((uint64_t)lo + part_end(span, step, k - 1) - 1);
	*has_le = k < n;
	*le = (int64_t)((uint64_t)lo + part_end(span, step, k) - 1);
}

int source_pos_type(enum value_type t, int as_watermark)
{
	switch (t) {
	case VALUE_INT64:
	case VALUE_UINT64:
	case VALUE_DECIMAL:
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return 1;
	case VALUE_TEXT:
	case VALUE_ENUM: return !as_watermark;
	default: return 0;
	}
}

/* c_i > a_i, c_i = a_i */
static int compare_sql(struct buf *b, const struct schema_table *t,
		       const size_t *pos, size_t i, const char *op,
		       source_expr_fn expr, struct err *e)
{
	const struct schema_column *c = &t->cols[pos[i]];
	if (expr(b, c, i, 0, e) < 0 || buf_addf(b, e, " %s ", op) < 0 ||
	    expr(b, c, i, 1, e) < 0)
		return -1;
	return 0;
}

int source_after_sql(struct buf *b, const struct schema_table *t,
		     const size_t *pos, size_t n, int inclusive,
		     source_expr_fn expr, struct err *e)
{
	if (n == 1 && inclusive)
		return compare_sql(b, t, pos, 0, ">=", expr, e);
	/* c0 >= a0 AND (c0 > a0 OR (c0 = a0 AND (c1 > a1 OR (...)))) */
	if (n > 1 && (compare_sql(b, t, pos, 0, ">=", expr, e) < 0 ||
		      buf_adds(b, " AND ", e) < 0))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (buf_adds(b, "(", e) < 0 ||
		    compare_sql(b, t, pos, i, ">", expr, e) < 0)
			return -1;
		if (i + 1 < n && (buf_adds(b, " OR (", e) < 0 ||
				  compare_sql(b, t, pos, i, "=", expr, e) < 0 ||
				  buf_adds(b, " AND ", e) < 0))
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (buf_adds(b, i + 1 < n ? "))" : ")", e) < 0)
			return -1;
	return 0;
}

int source_position_sql(struct buf *b, const struct source_query *q, int where,
			source_expr_fn expr, struct err *e)
{
	const struct schema_table *t = q->t;

	if (q->after && (buf_adds(b, where ? " AND " : " WHERE ", e) < 0 ||
			 source_after_sql(b, t, q->pos, q->nafter,
					  q->after_inclusive, expr, e) < 0))
		return -1;
	if (!q->pos)
		return 0;
	if (buf_adds(b, " ORDER BY ", e) < 0)
		return -1;
	for (size_t i = 0; i < q->npos; i++)
		if ((i && buf_adds(b, ", ", e) < 0) ||
		    expr(b, &t->cols[q->pos[i]], i, 0, e) < 0)
			return -1;
	return 0;
}

int source_kept_name(const char *x, const char *y, int table)
{
	return table ? pgname_same_table(x, y) || pgname_same_table(y, x)
		     : pgname_same(x, y) || pgname_same(y, x);
}

/* canon is what a column c the stream has as "unsigned" says already:
 * ("c" >= 0), (0 <= "c"), or the uint64 range ferry-load makes */
static int unsigned_check(const struct schema_table *t, const char *canon,
			  struct err *e)
{
	int found = 0;

	for (size_t i = 0; i < t->ncols && !found; i++) {
		struct buf q;
		if (!t->cols[i].nonnegative)
			continue;
		buf_init(&q, 1u << 16);
		if (buf_addc(&q, '"', e) < 0)
			goto next;
		for (const char *c = t->cols[i].name; *c; c++)
			if ((*c == '"' && buf_addc(&q, '"', e) < 0) ||
			    buf_addc(&q, (unsigned char)*c, e) < 0)
				goto next;
		if (buf_addc(&q, '"', e) < 0 || buf_addc(&q, 0, e) < 0)
			goto next;
		for (int f = 0; f < 3; f++) {
			char want[2 * (SCHEMA_MAX_NAME * 2 + 4) + 64];
			const char *c = (const char *)q.data;
			if (f == 0)
				snprintf(want, sizeof(want), "(%s >= 0)", c);
			else if (f == 1)
				snprintf(want, sizeof(want), "(0 <= %s)", c);
			else
				snprintf(want, sizeof(want),
					 "((%s >= 0) AND (%s <= "
					 "18446744073709551615))",
					 c, c);
			if (strcmp(want, canon) == 0)
				found = 1;
		}
	next:
		buf_release(&q);
		if (e->class)
			return -1;
	}
	return found;
}

/* what ferry_form reads: a condition, an index's key, or the expression
 * of generated column FORM_GENERATED + i */
#define FORM_CHECK 0
#define FORM_KEY 1
#define FORM_GENERATED 2

/* text of dialect d (as form says) read against t in ferry's form,
 * column i named names[i] (NULL: t's), malloc'd; NULL with why set when
 * it does not translate (or e, out of memory) */
static char *ferry_form(const char *text, int dialect, size_t form,
			const struct schema_table *t, char *const *names,
			char *why, size_t whysz, struct err *e)
{
	enum sqlexpr_dialect d = (enum sqlexpr_dialect)dialect;
	struct sqlexpr *x =
	    form >= FORM_GENERATED
		? sqlexpr_parse_generated(text, d, t, form - FORM_GENERATED,
					  why, whysz, e)
	    : form == FORM_KEY ? sqlexpr_parse_value(text, d, t, why, whysz, e)
			       : sqlexpr_parse(text, d, t, why, whysz, e);
	struct buf b;
	char *s = NULL;

	if (!x)
		return NULL;
	buf_init(&b, 1u << 22);
	if (sqlexpr_write(x, SQLEXPR_FERRY, names, 0, &b, why, whysz, e) == 0 &&
	    buf_addc(&b, 0, e) == 0) {
		if (b.len > SQLEXPR_MAX_LEN)
			snprintf(why, whysz, "an expression of over %d bytes",
				 SQLEXPR_MAX_LEN);
		else if (!(s = strdup((const char *)b.data)))
			err_oom(e);
	}
	buf_release(&b);
	sqlexpr_free(x);
	return s;
}

/* a check named name goes to t in ferry's form f (taken) unless t has
 * one of that name, or (unsigned_too) f is what a column's "unsigned"
 * says; 0, or -1 out of memory */
static int keep_check(struct schema_table *t, const char *name, char *f,
		      int unsigned_too, struct err *e)
{
	int rc = unsigned_too ? unsigned_check(t, f, e) : 0;

	if (rc == 0)
		rc = schema_add_check(t, name, f, e);
	free(f);
	return rc < 0 ? -1 : 0;
}

static int has_check(const struct schema_table *t, const char *name)
{
	for (size_t i = 0; i < t->nchecks; i++)
		if (strcmp(t->checks[i].name, name) == 0)
			return 1;
	return 0;
}

int source_add_check(struct schema_table *t, const char *name,
		     const char *text, int dialect, struct err *e)
{
	char why[256];
	char *f;

	if (!name || !*name || !text || has_check(t, name))
		return 0;
	if (!(f = ferry_form(text, dialect, FORM_CHECK, t, NULL, why,
			     sizeof(why), e)))
		return e->class ? -1 : 0;
	return keep_check(t, name, f, 1, e);
}

/* an identifier as PostgreSQL prints it (bare, or "quoted" with ""
 * doubled) at *p, equal to name: 1 with *p past it */
static int pg_ident_is(const char **p, const char *name)
{
	const char *s = *p;
	size_t n = strlen(name);

	if (*s != '"') {
		if (strncmp(s, name, n) != 0)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_' ||
			      (i && name[i] >= '0' && name[i] <= '9')))
				return 0;
		*p = s + n;
		return 1;
	}
	for (s++; *name; s++, name++) {
		if (*name == '"' && (s[0] != '"' || s[1] != '"'))
			return 0;
		if (*name == '"')
			s++;
		else if (*s != *name)
			return 0;
	}
	if (*s != '"' || s[1] == '"')
		return 0;
	*p = s + 1;
	return 1;
}

static int skip(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return 0;
	*p += n;
	return 1;
}

/* PostgreSQL's text of a one-dimension text[] ({a,"b c"}) as a SET's
 * 'a,b c' in out; 0, or -1 when it is not one (NULLs, commas in a
 * member, more dimensions) or out of memory (e set) */
static int pg_array_as_set(const char *s, struct buf *out, struct err *e)
{
	if (*s++ != '{')
		return -1;
	if (*s == '}')
		return s[1] ? -1 : buf_addc(out, 0, e);
	for (;;) {
		size_t at = out->len;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\\')
					s++;
				if (!*s || *s == ',' ||
				    buf_addc(out, (unsigned char)*s, e) < 0)
					return -1;
			}
			s++;
		} else {
			for (; *s && *s != ',' && *s != '}'; s++)
				if (*s == '"' || *s == '\\' || *s == '{' ||
				    buf_addc(out, (unsigned char)*s, e) < 0)
					return -1;
			/* an unquoted NULL is no member */
			if (out->len - at == 4 &&
			    strncasecmp((char *)out->data + at, "null", 4) == 0)
				return -1;
		}
		if (out->len == at)
			return -1;
		if (*s == '}')
			return s[1] ? -1 : buf_addc(out, 0, e);
		if (*s++ != ',' || buf_addc(out, ',', e) < 0)
			return -1;
	}
}

int source_set_check(struct schema_table *t, const char *def, int take,
		     struct err *e)
{
	for (size_t i = 0; def && i < t->ncols; i++) {
		struct schema_column *c = &t->cols[i];
		const char *p = def;
		char **m = NULL;
		size_t n = 0;
		int ok;

		if (c->type != VALUE_TEXT || !c->source_type ||
		    strcmp(c->source_type, "text[]") != 0 || (take && c->nset))
			continue;
		ok = skip(&p, "CHECK (((") && pg_ident_is(&p, c->name) &&
		     skip(&p, " <@ ARRAY[");
		while (ok && *p == '\'') {
			struct buf b;
			char **nm;
			buf_init(&b, SCHEMA_MAX_NAME);
			for (p++; ok; p++) {
				if (!*p)
					ok = 0;
				else if (*p == '\'' && p[1] == '\'')
					ok = buf_addc(&b, '\'', e) == 0, p++;
				else if (*p == '\'')
					break;
				else
					ok = buf_addc(&b, (unsigned char)*p, e) ==
					     0;
			}
			ok = ok && b.len && !memchr(b.data, ',', b.len) &&
			     skip(&p, "'::text") && n < SCHEMA_MAX_LABELS;
			if (ok && (nm = realloc(m, (n + 1) * sizeof(*m)))) {
				m = nm;
				ok = buf_addc(&b, 0, e) == 0 &&
				     (m[n] = strdup((char *)b.data)) != NULL;
				n += ok;
			} else if (ok) {
				ok = 0;
				err_oom(e);
			}
			buf_release(&b);
			if (ok && !skip(&p, ", "))
				break;
		}
		ok = ok && n && skip(&p, "]) AND (array_ndims(") &&
		     pg_ident_is(&p, c->name) && skip(&p, ") = 1)))") && !*p;
		if (ok && take) {
			c->set = m;
			c->nset = n;
			/* a default '{a,b}' is the SET's 'a,b' */
			if (c->def.kind == SCHEMA_DEFAULT_VALUE && c->def.text) {
				struct buf b;
				buf_init(&b, strlen(c->def.text) + 1);
				if (pg_array_as_set(c->def.text, &b, e) == 0) {
					free(c->def.text);
					c->def.text = (char *)b.data;
				} else {
					buf_release(&b);
					c->def.kind = SCHEMA_DEFAULT_EXPRESSION;
				}
			}
			return e->class ? -1 : 1;
		}
		while (n)
			free(m[--n]);
		free(m);
		if (e->class)
			return -1;
		if (ok)
			return 1;
	}
	return 0;
}

int source_add_generated(struct schema_table *t, int dialect, struct err *e)
{
	char why[256];

	for (size_t i = 0; i < t->ncols; i++) {
		struct schema_column *c = &t->cols[i];
		if (!c->generated || c->generated_form)
			continue;
		c->generated_form =
		    ferry_form(c->generated, dialect, FORM_GENERATED + i, t,
			       NULL, why, sizeof(why), e);
		if (e->class)
			return -1;
	}
	return 0;
}

/* *out, malloc'd: "detail (not carried: why)" */
static int not_carried(const char *detail, const char *why, char **out,
		       struct err *e)
{
	size_t n = strlen(detail) + strlen(why) + 32;

	if (!(*out = malloc(n)))
		return err_oom(e);
	snprintf(*out, n, "%s (not carried: %s)", detail, why);
	return 0;
}

/* "detail (why it is not carried)" for a source's CHECK of t that
 * source_add_check left out; *out NULL when no reason is found */
static int check_why(const struct schema_table *t, const char *detail,
		     char **out, struct err *e)
{
	char why[256];
	int d = t->source && strncmp(t->source, "postgres", 8) == 0
		    ? SQLEXPR_PG
		    : SQLEXPR_MYSQL;
	struct sqlexpr *x = sqlexpr_parse(detail, (enum sqlexpr_dialect)d, t,
					  why, sizeof(why), e);

	*out = NULL;
	if (x) {
		sqlexpr_free(x);
		return 0;
	}
	if (e->class)
		return -1;
	return not_carried(detail, why, out, e);
}

/* "detail (not carried: why)" for a domain's CHECK (reading VALUE) that
 * source_add_domain_check left out */
static int domain_check_why(const char *detail, char **out, struct err *e)
{
	struct schema_table one;
	struct schema_column c;
	char why[256];
	struct sqlexpr *x;

	memset(&one, 0, sizeof(one));
	memset(&c, 0, sizeof(c));
	c.name = (char *)"VALUE";
	c.type = VALUE_TEXT;
	one.cols = &c;
	one.ncols = 1;
	*out = NULL;
	if ((x = sqlexpr_parse(detail, SQLEXPR_PG, &one, why, sizeof(why), e))) {
		sqlexpr_free(x);
		snprintf(why, sizeof(why), "not a check of the column's type");
	} else if (e->class) {
		return -1;
	}
	return not_carried(detail, why, out, e);
}

int source_add_domain_check(struct schema_table *t, size_t col,
			    const char *name, const char *own,
			    const char *text, int dialect, struct err *e)
{
	struct schema_table one;
	struct schema_column c = t->cols[col];
	char *names[1] = { t->cols[col].name };
	char why[256];
	char *f;

	if (!name || !*name || !text || strlen(name) > SCHEMA_MAX_NAME ||
	    has_check(t, name))
		return 0;
	/* VALUE, as the catalog prints it, is the column */
	memset(&one, 0, sizeof(one));
	c.name = (char *)"VALUE";
	one.cols = &c;
	one.ncols = 1;
	one.source = t->source;
	if (!(f = ferry_form(text, dialect, FORM_CHECK, &one, names, why,
			     sizeof(why), e)))
		return e->class ? -1 : 0;
	/* the domain's own check reads VALUE */
	if (t->cols[col].domain) {
		char *g = ferry_form(text, dialect, FORM_CHECK, &one, NULL, why,
				     sizeof(why), e);
		int rc = g ? schema_domain_add_check(t->cols[col].domain, own,
						     g, e)
			   : e->class ? -1
				      : 0;
		free(g);
		if (rc < 0) {
			free(f);
			return -1;
		}
	}
	return keep_check(t, name, f, 0, e);
}

int source_add_xindex(struct schema_table *t, const char *name,
		      const char *const *keys, size_t nkeys, int unique,
		      const char *where, int dialect, struct err *e)
{
	char why[256];
	char *k[32] = { 0 }, *w = NULL;
	struct schema_xindex x;
	int rc = 0, ok = nkeys > 0 && nkeys <= 32 && name && *name;

	for (size_t i = 0; ok && i < nkeys; i++)
		if (!(k[i] = ferry_form(keys[i], dialect, FORM_KEY, t, NULL,
					why, sizeof(why), e)))
			ok = 0;
	if (ok && where &&
	    !(w = ferry_form(where, dialect, FORM_CHECK, t, NULL, why,
			     sizeof(why), e)))
		ok = 0;
	if (e->class)
		rc = -1;
	else if (ok) {
		x.name = (char *)name;
		x.keys = k;
		x.nkeys = nkeys;
		x.unique = unique;
		x.where = w;
		rc = schema_add_xindex(t, &x, e);
	}
	for (size_t i = 0; i < nkeys && i < 32; i++)
		free(k[i]);
	free(w);
	return rc;
}

struct objects_ctx {
	struct schema_table *const *tables;
	size_t n;
	int whole_db;
	struct schema_objects *o;
	size_t bytes; /* what the frame's JSON may take, at the most */
	int full;     /* the frame's limits reached: no more are listed */
};

/* the objects frame stays within its limits (OBJECTS_MAX, and a frame of
 * STREAM_MAX_FRAME bytes: every byte may become a 6-byte \u escape); past
 * them one last entry says that more were not listed */
#define OBJECTS_BYTES_MAX (48u << 20)
static int object_room(struct objects_ctx *c, const char *kind,
		       const char *table, const char *name, const char *detail,
		       struct err *e)
{
	size_t b = 80 + 6 * (strlen(kind) + strlen(name) +
			     (table ? strlen(table) : 0) +
			     (detail ? strlen(detail) : 0));

	if (c->full)
		return 0;
	if (c->o->n + 2 <= OBJECTS_MAX && c->bytes + b <= OBJECTS_BYTES_MAX) {
		c->bytes += b;
		return 1;
	}
	c->full = 1;
	if (schema_objects_add(c->o, "unlisted", NULL, "objects",
			       "more objects of the source than one objects "
			       "frame holds: the rest are not listed",
			       e) < 0)
		return -1;
	return 0;
}

static int object_found(void *ctx, const char *kind, const char *schema,
			const char *table, const char *name, const char *detail,
			const struct schema_sequence *seq, struct err *e)
{
	struct objects_ctx *c = ctx;
	const char *tn = NULL;
	char *why = NULL;
	char cut[SCHEMA_MAX_NAME + 1];
	size_t n;
	int rc;

	if (!name || !*name)
		return 0;
	/* the source's text shown as it is, or not at all */
	if (detail && !utf8_valid(detail, strlen(detail)))
		detail = NULL;
	/* a name past the limit (a function's long list of argument
	 * types) is cut where a character begins, never a reason to fail */
	if ((n = utf8_cut(name, strlen(name), SCHEMA_MAX_NAME)) <
	    strlen(name)) {
		memcpy(cut, name, n);
		cut[n] = '\0';
		name = cut;
	}
	if (!table) {
		int room;
		/* what the source could not list concerns every run */
		if (!c->whole_db && strcmp(kind, "unlisted") != 0)
			return 0;
		if ((room = object_room(c, kind, NULL, name, detail, e)) <= 0)
			return room;
		if (schema_objects_add(c->o, kind, NULL, name, detail, e) < 0)
			return -1;
		/* figures that break the rules: the sequence is still named */
		if (seq && schema_objects_set_sequence(c->o, seq, e) < 0) {
			if (e->class != ERR_STREAM)
				return -1;
			err_init(e);
		}
		return 0;
	}
	for (size_t i = 0; i < c->n && !tn; i++) {
		const struct schema_table *t = c->tables[i];
		const char *own = t->table ? t->table : t->name;
		if (strcmp(own, table) == 0 &&
		    (!schema || !t->schema || strcmp(t->schema, schema) == 0))
			tn = t->name;
	}
	if (!tn)
		return 0;
	if (strcmp(kind, "partitioning") == 0) {
		/* carried in the table's "partition" */
		for (size_t i = 0; i < c->n; i++)
			if (c->tables[i]->name == tn && c->tables[i]->partition)
				return 0;
	}
	if (strcmp(kind, "index") == 0) {
		/* carried in the table's "expression_indexes" */
		for (size_t i = 0; i < c->n; i++)
			for (size_t k = 0; c->tables[i]->name == tn &&
					   k < c->tables[i]->nxindexes;
			     k++)
				if (strcmp(c->tables[i]->xindexes[k].name,
					   name) == 0)
					return 0;
	}
	if (strcmp(kind, "check constraint") == 0 ||
	    strcmp(kind, "domain check") == 0) {
		int dom = kind[0] == 'd';
		const struct schema_table *t = NULL;
		for (size_t i = 0; i < c->n && !t; i++)
			if (c->tables[i]->name == tn)
				t = c->tables[i];
		/* carried in the table's "checks": not listed */
		for (size_t i = 0; t && i < t->nchecks; i++)
			if (strcmp(t->checks[i].name, name) == 0)
				return 0;
		/* a SET's, carried as the column's "set" */
		if (!dom && t && detail &&
		    (rc = source_set_check((struct schema_table *)t, detail, 0,
					   e)) != 0)
			return rc < 0 ? -1 : 0;
		if (t && detail &&
		    (rc = dom ? domain_check_why(detail, &why, e)
			      : check_why(t, detail, &why, e)) != 0)
			return rc;
		if (why)
			detail = why;
	}
	if ((rc = object_room(c, kind, tn, name, detail, e)) <= 0) {
		free(why);
		return rc;
	}
	rc = schema_objects_add(c->o, kind, tn, name, detail, e);
	free(why);
	return rc;
}

/* the views of the source, as its catalog shows them, until every one
 * that reads the run's tables (and views before it) is read */
struct pending_view {
	char *schema, *own, *name, *home, *sql;
	char **cols;
	size_t ncols;
	int mysql, done;
};

struct views_ctx {
	struct pending_view *v;
	size_t n, cap;
};

static void pending_release(struct views_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct pending_view *p = &c->v[i];
		free(p->schema);
		free(p->own);
		free(p->name);
		free(p->home);
		free(p->sql);
		for (size_t k = 0; k < p->ncols; k++)
			free(p->cols[k]);
		free(p->cols);
	}
	free(c->v);
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*bad = 1;
	return d;
}

static int view_found(void *ctx, const struct source_view *v, struct err *e)
{
	struct views_ctx *c = ctx;
	struct pending_view *p;
	int bad = 0;

	if (!v->name || !*v->name || !v->own || !*v->own)
		return 0;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		struct pending_view *nv = realloc(c->v, nc * sizeof(*nv));
		if (!nv)
			return err_oom(e);
		c->v = nv;
		c->cap = nc;
	}
	p = &c->v[c->n++];
	memset(p, 0, sizeof(*p));
	p->schema = dup_or_null(v->schema, &bad);
	p->own = dup_or_null(v->own, &bad);
	p->name = dup_or_null(v->name, &bad);
	p->home = dup_or_null(v->home, &bad);
	p->sql = dup_or_null(v->sql, &bad);
	p->mysql = v->mysql;
	if (!bad && v->ncols && !(p->cols = calloc(v->ncols, sizeof(char *))))
		bad = 1;
	for (size_t k = 0; !bad && k < v->ncols; k++)
		p->cols[p->ncols++] = dup_or_null(v->cols[k], &bad);
	return bad ? err_oom(e) : 0;
}

/*
 * Each view carried in ferry's form when it reads only the run's tables,
 * and views carried before it, in the grammar both engines share
 * (sqlexpr.h): read again until no more are, so that a view comes after
 * the views it reads (a load makes them in that order); the others named
 * with the reason.
 */
static int views_carry(struct objects_ctx *c, struct views_ctx *vc,
		       struct err *e)
{
	struct schema_table **tabs, **made = NULL;
	size_t ntabs = c->n, nmade = 0;
	char (*why)[400] = NULL;
	struct buf q;
	int rc = -1, progress = 1;

	if (!vc->n)
		return 0;
	if (!(tabs = calloc(c->n + vc->n + 1, sizeof(*tabs))) ||
	    !(made = calloc(vc->n + 1, sizeof(*made))) ||
	    !(why = calloc(vc->n, sizeof(*why)))) {
		free(tabs);
		free(made);
		return err_oom(e);
	}
	if (c->n)
		memcpy(tabs, c->tables, c->n * sizeof(*tabs));
	buf_init(&q, (size_t)SQLEXPR_MAX_LEN * 2);
	while (progress) {
		progress = 0;
		for (size_t i = 0; i < vc->n; i++) {
			struct pending_view *p = &vc->v[i];
			int prc, room;
			if (p->done)
				continue;
			if (!p->sql) {
				snprintf(why[i], sizeof(why[i]),
					 "its query is not readable (grant "
					 "SHOW VIEW on it)");
				continue;
			}
			buf_reset(&q);
			if ((prc = sqlview_parse(
				 p->sql, p->mysql ? SQLEXPR_MYSQL : SQLEXPR_PG,
				 tabs, ntabs, p->home, p->cols, p->ncols, &q,
				 why[i], sizeof(why[i]), e)) < 0)
				goto out;
			if (prc)
				continue;
			if (buf_addc(&q, 0, e) < 0)
				goto out;
			p->done = progress = 1;
			/* what views after it read of it */
			made[nmade] = sqlview_table((const char *)q.data, tabs,
						    ntabs, p->schema, p->own,
						    why[i], sizeof(why[i]), e);
			if (!made[nmade] && e->class)
				goto out;
			if (made[nmade])
				tabs[ntabs++] = made[nmade++];
			if ((room = object_room(c, "view", NULL, p->name,
						(const char *)q.data, e)) < 0)
				goto out;
			if (room &&
			    (schema_objects_add(c->o, "view", NULL, p->name,
						NULL, e) < 0 ||
			     schema_objects_set_view(c->o, p->schema, p->own,
						     (const char *)q.data,
						     e) < 0))
				goto out;
		}
	}
	for (size_t i = 0; i < vc->n; i++) {
		char detail[600];
		int room;
		if (vc->v[i].done)
			continue;
		snprintf(detail, sizeof(detail),
			 vc->v[i].sql ? "its query is not one ferry carries: %s"
				      : "%s",
			 why[i]);
		if ((room = object_room(c, "view", NULL, vc->v[i].name, detail,
					e)) < 0 ||
		    (room && schema_objects_add(c->o, "view", NULL,
						vc->v[i].name, detail, e) < 0))
			goto out;
	}
	rc = 0;
out:
	buf_release(&q);
	for (size_t i = 0; i < nmade; i++)
		schema_table_free(made[i]);
	free(made);
	free(tabs);
	free(why);
	return rc;
}

int source_objects(struct source *s, struct schema_table *const *tables,
		   size_t n, int whole_db, struct schema_objects *o,
		   struct err *e)
{
	struct objects_ctx c = { tables, n, whole_db, o, 0, 0 };

	struct views_ctx vc = { NULL, 0, 0 };
	int rc;

	if (s->ops->objects(s, object_found, &c, e) < 0)
		return -1;
	if (!whole_db || !s->ops->views)
		return 0;
	rc = s->ops->views(s, view_found, &vc, e) < 0 ? -1
						      : views_carry(&c, &vc, e);
	pending_release(&vc);
	return rc;
}
