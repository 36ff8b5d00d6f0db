#include "db/engine_int.h"
#include "stream/sqlexpr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* every engine ferry speaks: one line each */
static const struct engine *const engines[] = {
	&engine_mysql,
	&engine_pg,
};

const struct engine *engine_of(enum uri_engine id)
{
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (engines[i]->impl->id == id)
			return engines[i];
	return NULL; /* uri.c parses only the engines above */
}

struct engine_run {
	const struct engine *en;
	void *state;
};

struct engine_run *engine_run_new(const struct engine *en, struct err *e)
{
	struct engine_run *run = calloc(1, sizeof(*run));

	if (!run) {
		err_oom(e);
		return NULL;
	}
	run->en = en;
	if (en->impl->run_new && !(run->state = en->impl->run_new(e))) {
		free(run);
		return NULL;
	}
	return run;
}

void engine_run_free(struct engine_run *run)
{
	if (!run)
		return;
	if (run->en->impl->run_free)
		run->en->impl->run_free(run->state);
	free(run);
}

int engine_names(struct engine_run *run, const struct schema_table *t,
		 const char *name, int (*exists)(const char *, void *),
		 void *ctx, int create, struct engine_names *n, struct err *why,
		 int *nwhy, struct err *e)
{
	const struct engine_impl *im = run->en->impl;

	engine_names_release(run->en, n);
	if (im->names)
		return im->names(run->state, t, name, exists, ctx, create, n,
				 why, nwhy, e);
	if (!(n->table = strdup(name)))
		return err_oom(e);
	n->ncols = t->ncols;
	return 0;
}

void engine_names_release(const struct engine *en, struct engine_names *n)
{
	if (en->impl->names_release)
		en->impl->names_release(n);
	free(n->table);
	memset(n, 0, sizeof(*n));
}

long engine_create_max_len(const struct engine *en,
			   const struct schema_table *t, size_t i)
{
	return en->impl->create_max_len ? en->impl->create_max_len(t, i) : 0;
}

int engine_create_refusal(const struct engine *en, const struct schema_table *t,
			  const struct engine_names *n, unsigned flags,
			  const struct schema_objects *seqs,
			  struct create_notes *notes, struct err *why)
{
	if (!en->impl->create_refusal)
		return 0;
	return en->impl->create_refusal(t, n, flags, seqs, notes, why);
}

int create_notes_add(struct create_notes *cn, struct err *e, const char *fmt,
		     ...)
{
	char msg[600], **nm;
	va_list ap;

	if (!cn)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!(nm = realloc(cn->msg, (cn->n + 1) * sizeof(*nm))))
		return err_oom(e);
	cn->msg = nm;
	if (!(cn->msg[cn->n] = strdup(msg)))
		return err_oom(e);
	cn->n++;
	return 0;
}

int create_notes_default(struct create_notes *cn, const struct schema_column *c,
			 const char *holds, struct err *e)
{
	char nm[160], how[300];

	err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120);
	schema_default_describe(&c->def, how, sizeof(how));
	if (c->def.kind == SCHEMA_DEFAULT_EXPRESSION)
		return create_notes_add(
		    cn, e,
		    "column %s: default %s not made: ferry makes constants, "
		    "the current time and date and new uuids, never an "
		    "expression of a stream",
		    nm, how);
	if (c->def.kind == SCHEMA_DEFAULT_VALUE)
		return create_notes_add(
		    cn, e, "column %s: default %s not made: not a %s value%s",
		    nm, how, value_type_name(c->type), holds);
	return create_notes_add(cn, e,
				"column %s: default %s not made on a %s column",
				nm, how, value_type_name(c->type));
}

int create_check(const struct schema_table *t, size_t k, int dialect,
		 char *const *names, unsigned flags, struct buf *out,
		 struct create_notes *notes, struct err *e)
{
	const struct schema_check *c = &t->checks[k];
	char why[256];
	int rc = sqlexpr_translate(c->expr, t, (enum sqlexpr_dialect)dialect,
				   names, flags, out, why, sizeof(why), e);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return 1;
	return create_notes_not_made(notes, "check", c->name, why, e) < 0 ? -1
									  : 0;
}

const char *create_unsigned_max(const struct schema_column *c)
{
	static const struct {
		const char *type, *max;
	} w[] = {
		{ "tinyint", "255" },
		{ "smallint", "65535" },
		{ "mediumint", "16777215" },
		{ "int", "4294967295" },
	};
	const char *st = c->source_type;

	if (!st || c->type != VALUE_INT64 || !strstr(st, " unsigned"))
		return NULL;
	for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++) {
		size_t n = strlen(w[i].type);
		if (strncmp(st, w[i].type, n) == 0 &&
		    (st[n] == '(' || st[n] == ' '))
			return w[i].max;
	}
	return NULL;
}

/* a MySQL integer UNSIGNED's largest value, and its type */
struct bound {
	const char *max, *type;
};
static const struct bound bounds[] = {
	{ "255", "TINYINT UNSIGNED" },
	{ "65535", "SMALLINT UNSIGNED" },
	{ "16777215", "MEDIUMINT UNSIGNED" },
	{ "4294967295", "INT UNSIGNED" },
};

/*
 * A MySQL UNSIGNED integer narrower than BIGINT taken to PostgreSQL is a
 * wider integer with CHECK ((c >= 0) AND (c <= 65535)) (ferry-load(1));
 * back on MySQL, column i of t with such a check of ferry's form is that
 * type again ("SMALLINT UNSIGNED"), the check its bounds (*k, when not
 * NULL); so is a YEAR, whose check is ((c = 0) OR (c BETWEEN 1901 AND
 * 2155)); NULL when it has none.
 */
const char *create_bound_type(const struct schema_table *t, size_t i,
			      size_t *k)
{
	const struct bound *w = bounds;
	const struct schema_column *c = &t->cols[i];
	char q[2 * SCHEMA_MAX_NAME + 3], form[3 * sizeof(q) + 64];
	size_t n = 0;

	if (c->type != VALUE_INT64 || !t->nchecks)
		return NULL;
	/* the name as ferry's form quotes it */
	q[n++] = '"';
	for (const char *s = c->name; *s && n < sizeof(q) - 3; s++) {
		if (*s == '"')
			q[n++] = '"';
		q[n++] = *s;
	}
	q[n++] = '"';
	q[n] = '\0';
	/* a MySQL YEAR, as ferry makes one on PostgreSQL */
	snprintf(form, sizeof(form),
		 "((%s = 0) OR ((%s >= 1901) AND (%s <= 2155)))", q, q, q);
	for (size_t j = 0; j < t->nchecks; j++)
		if (strcmp(t->checks[j].expr, form) == 0) {
			if (k)
				*k = j;
			return "YEAR";
		}
	for (size_t x = 0; c->nonnegative && x < sizeof(bounds) / sizeof(*bounds);
	     x++) {
		snprintf(form, sizeof(form), "((%s >= 0) AND (%s <= %s))", q, q,
			 w[x].max);
		for (size_t j = 0; j < t->nchecks; j++)
			if (strcmp(t->checks[j].expr, form) == 0) {
				if (k)
					*k = j;
				return w[x].type;
			}
	}
	return NULL;
}

const char *create_bound_of(const struct schema_column *c)
{
	const char *st = c->source_type ? c->source_type : "";
	const char *max;

	if (c->type == VALUE_INT64 && strncmp(st, "year", 4) == 0 &&
	    (!st[4] || st[4] == '('))
		return "YEAR";
	if (!c->nonnegative || !(max = create_unsigned_max(c)))
		return NULL;
	for (size_t x = 0; x < sizeof(bounds) / sizeof(*bounds); x++)
		if (strcmp(bounds[x].max, max) == 0)
			return bounds[x].type;
	return NULL;
}

int create_time_digits(const struct schema_column *c)
{
	const char *st = c->source_type ? c->source_type : "";
	const char *p = strchr(st, '(');

	if (strcmp(st, "datetime") == 0 || strcmp(st, "time") == 0 ||
	    strcmp(st, "timestamp") == 0)
		return 0;
	if (p && p[1] >= '0' && p[1] <= '6' && p[2] == ')' &&
	    (strncmp(st, "datetime(", 9) == 0 || strncmp(st, "time(", 5) == 0 ||
	     strncmp(st, "timestamp(", 10) == 0))
		return p[1] - '0';
	return 6;
}

int create_notes_not_made(struct create_notes *cn, const char *kind,
			  const char *name, const char *why, struct err *e)
{
	char nm[160];

	return create_notes_add(
	    cn, e, "%s %s: not made: %s", kind,
	    err_quote(nm, sizeof(nm), name, strlen(name), 120), why);
}

int create_generated(const struct schema_table *t, size_t i, int dialect,
		     char *const *names, unsigned flags, struct buf *out,
		     struct create_notes *notes, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	char nm[160], gx[160], why[256];
	int rc = 1;

	why[0] = '\0';
	if (c->generated_form) {
		rc = sqlexpr_translate_generated(
		    c->generated_form, t, i, (enum sqlexpr_dialect)dialect,
		    names, flags, out, why, sizeof(why), e);
	} else {
		/* why the source's text has no portable form */
		int d = t->source && strncmp(t->source, "postgres", 8) == 0
			    ? SQLEXPR_PG
			    : SQLEXPR_MYSQL;
		struct sqlexpr *x = sqlexpr_parse_generated(
		    c->generated, (enum sqlexpr_dialect)d, t, i, why,
		    sizeof(why), e);
		if (x)
			snprintf(why, sizeof(why),
				 "the stream carries no portable form of it "
				 "(written before stream 1.5)");
		sqlexpr_free(x);
	}
	if (rc <= 0 || e->class)
		return e->class ? -1 : 1;
	return create_notes_add(
		   notes, e,
		   "column %s: generated column (%s) made as a plain column "
		   "holding the source's values: %s",
		   err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120),
		   err_quote(gx, sizeof(gx), c->generated,
			     strlen(c->generated), 120),
		   why) < 0
	       ? -1
	       : 0;
}

void create_notes_release(struct create_notes *cn)
{
	for (size_t i = 0; cn && i < cn->n; i++)
		free(cn->msg[i]);
	if (cn) {
		free(cn->msg);
		cn->msg = NULL;
		cn->n = 0;
	}
}
