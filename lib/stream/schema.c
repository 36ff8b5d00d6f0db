#include "stream/schema.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/utf8.h"

void schema_column_release(struct schema_column *c)
{
	free(c->name);
	free(c->source_type);
	for (size_t k = 0; k < c->nlabels; k++)
		free(c->labels[k]);
	free(c->labels);
	for (size_t k = 0; k < c->nset; k++)
		free(c->set[k]);
	free(c->set);
	for (size_t k = 0; k < c->nelabels; k++)
		free(c->elabels[k]);
	free(c->elabels);
	free(c->refused);
	free(c->def.text);
	free(c->on_update.text);
	free(c->generated);
	free(c->generated_form);
	schema_domain_free(c->domain);
	schema_composite_free(c->composite);
	free(c->collation);
	memset(c, 0, sizeof(*c));
}

void schema_domain_free(struct schema_domain *d)
{
	if (!d)
		return;
	free(d->schema);
	free(d->name);
	for (size_t i = 0; i < d->nchecks; i++) {
		free(d->checks[i].name);
		free(d->checks[i].expr);
	}
	free(d->checks);
	free(d);
}

struct schema_domain *schema_domain_new(const char *schema, const char *name,
					bool not_null, struct err *e)
{
	struct schema_domain *d = calloc(1, sizeof(*d));

	if (!d || !(d->schema = strdup(schema)) || !(d->name = strdup(name))) {
		schema_domain_free(d);
		err_oom(e);
		return NULL;
	}
	d->not_null = not_null;
	return d;
}

/* a check named name of expression expr after (*arr)[0..*n) */
static int add_check(struct schema_check **arr, size_t *n, const char *name,
		     const char *expr, struct err *e)
{
	struct schema_check *a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return err_oom(e);
	*arr = a;
	a = &a[*n];
	a->name = strdup(name);
	a->expr = strdup(expr);
	if (!a->name || !a->expr) {
		free(a->name);
		free(a->expr);
		return err_oom(e);
	}
	(*n)++;
	return 0;
}

int schema_domain_add_check(struct schema_domain *d, const char *name,
			    const char *expr, struct err *e)
{
	return add_check(&d->checks, &d->nchecks, name, expr, e);
}

struct schema_domain *schema_domain_copy(const struct schema_domain *s,
					 struct err *e)
{
	struct schema_domain *d =
	    schema_domain_new(s->schema, s->name, s->not_null, e);

	for (size_t i = 0; d && i < s->nchecks; i++)
		if (schema_domain_add_check(d, s->checks[i].name,
					    s->checks[i].expr, e) < 0) {
			schema_domain_free(d);
			return NULL;
		}
	return d;
}

void schema_composite_free(struct schema_composite *c)
{
	if (!c)
		return;
	free(c->schema);
	free(c->name);
	for (size_t i = 0; i < c->nattrs; i++) {
		free(c->attrs[i].name);
		free(c->attrs[i].expr);
	}
	free(c->attrs);
	free(c);
}

struct schema_composite *schema_composite_new(const char *schema,
					      const char *name, struct err *e)
{
	struct schema_composite *c = calloc(1, sizeof(*c));

	if (!c || !(c->schema = strdup(schema)) || !(c->name = strdup(name))) {
		schema_composite_free(c);
		err_oom(e);
		return NULL;
	}
	return c;
}

int schema_composite_add(struct schema_composite *c, const char *name,
			 const char *type, struct err *e)
{
	return add_check(&c->attrs, &c->nattrs, name, type, e);
}

struct schema_composite *schema_composite_copy(const struct schema_composite *s,
					       struct err *e)
{
	struct schema_composite *c = schema_composite_new(s->schema, s->name, e);

	for (size_t i = 0; c && i < s->nattrs; i++)
		if (schema_composite_add(c, s->attrs[i].name, s->attrs[i].expr,
					 e) < 0) {
			schema_composite_free(c);
			return NULL;
		}
	return c;
}

int schema_default_value(const struct schema_column *c, struct buf *scratch,
			 struct value *v)
{
	struct err pe;

	err_init(&pe);
	if (c->def.kind != SCHEMA_DEFAULT_VALUE || !c->def.text)
		return 0;
	return value_parse(c->type, c->def.text, strlen(c->def.text), scratch,
			   v, &pe) == 0 &&
	       value_check(c->type, v, c->labels, c->nlabels, &pe) == 0;
}

const char *schema_default_describe(const struct schema_default *d, char *out,
				    size_t outsz)
{
	char q[160];
	const char *t = d->text ? d->text : "";

	switch (d->kind) {
	case SCHEMA_DEFAULT_VALUE:
		snprintf(out, outsz, "'%s'",
			 err_quote(q, sizeof(q), t, strlen(t), 120));
		break;
	case SCHEMA_DEFAULT_NOW:
		if (d->precision > 0)
			snprintf(out, outsz, "CURRENT_TIMESTAMP(%d)",
				 d->precision);
		else
			snprintf(out, outsz, "CURRENT_TIMESTAMP");
		break;
	case SCHEMA_DEFAULT_CURRENT_DATE:
		snprintf(out, outsz, "CURRENT_DATE");
		break;
	case SCHEMA_DEFAULT_UUID: snprintf(out, outsz, "a new uuid"); break;
	case SCHEMA_DEFAULT_EXPRESSION:
		snprintf(out, outsz, "the expression %s",
			 err_quote(q, sizeof(q), t, strlen(t), 120));
		break;
	default: snprintf(out, outsz, "none"); break;
	}
	return out;
}

static void bounds_free(struct schema_bound *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++)
		free(b[i].value);
	free(b);
}

void schema_partition_free(struct schema_partition *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nparts; i++) {
		struct schema_part *x = &p->parts[i];
		free(x->name);
		bounds_free(x->from, p->ncols);
		bounds_free(x->to, p->ncols);
		bounds_free(x->values, x->nvalues);
	}
	free(p->parts);
	free(p->cols);
	free(p);
}

void schema_table_free(struct schema_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		schema_column_release(&t->cols[i]);
	for (size_t i = 0; i < t->nfkeys; i++) {
		struct schema_fkey *f = &t->fkeys[i];
		free(f->name);
		free(f->cols);
		free(f->ref_schema);
		free(f->ref_table);
		for (size_t k = 0; f->ref_cols && k < f->ncols; k++)
			free(f->ref_cols[k]);
		free(f->ref_cols);
	}
	free(t->fkeys);
	for (size_t i = 0; i < t->nchecks; i++) {
		free(t->checks[i].name);
		free(t->checks[i].expr);
	}
	free(t->checks);
	for (size_t i = 0; i < t->nxindexes; i++) {
		for (size_t k = 0; k < t->xindexes[i].nkeys; k++)
			free(t->xindexes[i].keys[k]);
		free(t->xindexes[i].keys);
		free(t->xindexes[i].name);
		free(t->xindexes[i].where);
	}
	free(t->xindexes);
	schema_partition_free(t->partition);
	for (size_t i = 0; i < t->nindexes; i++) {
		free(t->indexes[i].name);
		free(t->indexes[i].cols);
	}
	free(t->indexes);
	free(t->cols);
	free(t->pk);
	free(t->types);
	free(t->name);
	free(t->schema);
	free(t->table);
	free(t->source);
	free(t);
}

/* one part of a name: bare up to the first dot (stop_at_dot) or the end,
 * or quoted; *end after it */
static int name_part(const char *p, int stop_at_dot, char **out,
		     const char **end, struct err *e)
{
	struct buf b;

	buf_init(&b, SCHEMA_MAX_NAME + 1);
	if (*p == '"') {
		for (p++;; p++) {
			if (!*p) {
				buf_release(&b);
				return err_set(e, ERR_USAGE,
					       "a quote is not closed");
			}
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			if (buf_addc(&b, (unsigned char)*p, e) < 0) {
				buf_release(&b);
				return -1;
			}
		}
		p++;
	} else {
		const char *q = p;
		while (*q && !(stop_at_dot && *q == '.'))
			q++;
		if (buf_add(&b, p, (size_t)(q - p), e) < 0) {
			buf_release(&b);
			return -1;
		}
		p = q;
	}
	if (b.len == 0) {
		buf_release(&b);
		return err_set(e, ERR_USAGE, "an empty name");
	}
	if (!(*out = strndup((const char *)b.data, b.len))) {
		buf_release(&b);
		return err_oom(e);
	}
	buf_release(&b);
	*end = p;
	return 0;
}

int schema_name_parse(const char *text, char **schema, char **table,
		      struct err *e)
{
	const char *p = text;
	char *first = NULL;

	*schema = *table = NULL;
	if (name_part(p, 1, &first, &p, e) < 0)
		goto fail;
	if (!*p) {
		*table = first;
		return 0;
	}
	if (*p != '.') {
		err_set(e, ERR_USAGE, "text after a closing quote");
		goto fail;
	}
	if (name_part(p + 1, 0, table, &p, e) < 0)
		goto fail;
	if (*p) {
		err_set(e, ERR_USAGE, "text after a closing quote");
		goto fail;
	}
	*schema = first;
	return 0;
fail:
	free(first);
	free(*table);
	*table = NULL;
	return err_prefix(e, "table name '%.60s'", text);
}

static int name_add(struct buf *b, const char *s, struct err *e)
{
	if (*s && *s != '"' && !strchr(s, '.'))
		return buf_adds(b, s, e);
	return buf_add_quoted(b, '"', s, e);
}

char *schema_name_format(const char *schema, const char *table, struct err *e)
{
	struct buf b;
	char *s = NULL;

	buf_init(&b, 4 * SCHEMA_MAX_NAME + 8);
	if (schema && strcmp(schema, "public") != 0 &&
	    (name_add(&b, schema, e) < 0 || buf_addc(&b, '.', e) < 0))
		goto out;
	if (name_add(&b, table, e) < 0)
		goto out;
	if (!(s = strndup((const char *)b.data, b.len)))
		err_oom(e);
out:
	buf_release(&b);
	return s;
}

int schema_table_set_name(struct schema_table *t, const char *schema,
			  const char *table, struct err *e)
{
	char *sc = NULL, *tb = strdup(table), *nm;

	if (!tb || (schema && !(sc = strdup(schema)))) {
		free(tb);
		return err_oom(e);
	}
	if (!(nm = schema_name_format(schema, table, e))) {
		free(tb);
		free(sc);
		return -1;
	}
	free(t->name);
	free(t->schema);
	free(t->table);
	t->name = nm;
	t->schema = sc;
	t->table = tb;
	return 0;
}

void schema_tables_free(struct schema_table **tables, size_t n)
{
	if (!tables)
		return;
	for (size_t i = 0; i < n; i++)
		schema_table_free(tables[i]);
	free(tables);
}

static const char *const fk_words[] = {
	[SCHEMA_FK_NO_ACTION] = "no action",
	[SCHEMA_FK_RESTRICT] = "restrict",
	[SCHEMA_FK_CASCADE] = "cascade",
	[SCHEMA_FK_SET_NULL] = "set null",
	[SCHEMA_FK_SET_DEFAULT] = "set default",
};

const char *schema_fk_action_sql(enum schema_fk_action a)
{
	static const char *const sql[] = {
		[SCHEMA_FK_NO_ACTION] = "NO ACTION",
		[SCHEMA_FK_RESTRICT] = "RESTRICT",
		[SCHEMA_FK_CASCADE] = "CASCADE",
		[SCHEMA_FK_SET_NULL] = "SET NULL",
		[SCHEMA_FK_SET_DEFAULT] = "SET DEFAULT",
	};
	return (unsigned)a < sizeof(sql) / sizeof(sql[0]) ? sql[a]
							  : "NO ACTION";
}

int schema_add_fkey(struct schema_table *t, const struct schema_fkey *fk,
		    struct err *e)
{
	struct schema_fkey *nf =
			       realloc(t->fkeys, (t->nfkeys + 1) * sizeof(*nf)),
			   *d;

	if (!nf)
		return err_oom(e);
	t->fkeys = nf;
	d = &t->fkeys[t->nfkeys];
	memset(d, 0, sizeof(*d));
	t->nfkeys++; /* released with the table, whole or in part */
	d->on_delete = fk->on_delete;
	d->on_update = fk->on_update;
	if (!(d->name = strdup(fk->name)) ||
	    (fk->ref_schema && !(d->ref_schema = strdup(fk->ref_schema))) ||
	    !(d->ref_table = strdup(fk->ref_table)) ||
	    !(d->cols = calloc(fk->ncols, sizeof(*d->cols))) ||
	    !(d->ref_cols = calloc(fk->ncols, sizeof(*d->ref_cols))))
		return err_oom(e);
	for (size_t k = 0; k < fk->ncols; k++) {
		d->cols[k] = fk->cols[k];
		if (!(d->ref_cols[k] = strdup(fk->ref_cols[k])))
			return err_oom(e);
		d->ncols = k + 1;
	}
	return 0;
}

/* A copy of what c owns into d; 0, or -1 (oom, e set) with d released. */
static int column_copy(struct schema_column *d, const struct schema_column *c,
		       struct err *e)
{
	*d = *c;
	d->name = d->source_type = d->refused = NULL;
	d->labels = d->set = d->elabels = NULL;
	d->nlabels = d->nset = d->nelabels = 0;
	d->def.text = d->on_update.text = d->generated = d->collation = NULL;
	d->generated_form = NULL;
	d->domain = NULL;
	d->composite = NULL;
	if (c->domain && !(d->domain = schema_domain_copy(c->domain, e)))
		goto oom;
	if (c->composite &&
	    !(d->composite = schema_composite_copy(c->composite, e)))
		goto oom;
	if (c->collation && !(d->collation = strdup(c->collation)))
		goto oom;
	if (c->generated && !(d->generated = strdup(c->generated)))
		goto oom;
	if (c->generated_form &&
	    !(d->generated_form = strdup(c->generated_form)))
		goto oom;
	if ((c->def.text && !(d->def.text = strdup(c->def.text))) ||
	    (c->on_update.text &&
	     !(d->on_update.text = strdup(c->on_update.text))))
		goto oom;
	if (!(d->name = strdup(c->name)) ||
	    (c->source_type && !(d->source_type = strdup(c->source_type))) ||
	    (c->refused && !(d->refused = strdup(c->refused))) ||
	    (c->nlabels && !(d->labels = calloc(c->nlabels, sizeof(char *)))))
		goto oom;
	for (; d->nlabels < c->nlabels; d->nlabels++)
		if (!(d->labels[d->nlabels] = strdup(c->labels[d->nlabels])))
			goto oom;
	if (c->nset && !(d->set = calloc(c->nset, sizeof(char *))))
		goto oom;
	for (; d->nset < c->nset; d->nset++)
		if (!(d->set[d->nset] = strdup(c->set[d->nset])))
			goto oom;
	if (c->nelabels && !(d->elabels = calloc(c->nelabels, sizeof(char *))))
		goto oom;
	for (; d->nelabels < c->nelabels; d->nelabels++)
		if (!(d->elabels[d->nelabels] =
			  strdup(c->elabels[d->nelabels])))
			goto oom;
	return 0;
oom:
	schema_column_release(d);
	return err_oom(e);
}

struct schema_table *schema_table_keys(const struct schema_table *t,
				       const size_t *cols, size_t n,
				       struct err *e)
{
	struct schema_table *k = calloc(1, sizeof(*k));

	if (!k) {
		err_oom(e);
		return NULL;
	}
	k->watermark = -1;
	if (schema_table_set_name(k, t->schema, t->table ? t->table : t->name,
				  e) < 0)
		goto fail;
	if ((t->source && !(k->source = strdup(t->source))) ||
	    !(k->cols = calloc(n ? n : 1, sizeof(*k->cols))) ||
	    !(k->types = calloc(n ? n : 1, sizeof(*k->types))) ||
	    !(k->pk = calloc(n ? n : 1, sizeof(*k->pk)))) {
		err_oom(e);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (cols[i] >= t->ncols) {
			err_set(e, ERR_SYSTEM,
				"internal error: table %s has no column %zu",
				t->name, cols[i]);
			goto fail;
		}
		if (column_copy(&k->cols[i], &t->cols[cols[i]], e) < 0)
			goto fail;
		k->ncols++;
		k->types[i] = k->cols[i].type;
		k->pk[i] = i;
	}
	k->npk = n;
	return k;
fail:
	schema_table_free(k);
	return NULL;
}

int schema_add_index(struct schema_table *t, const char *name,
		     const size_t *cols, size_t ncols, bool unique,
		     struct err *e)
{
	struct schema_index *ni, *x;

	ni = realloc(t->indexes, (t->nindexes + 1) * sizeof(*ni));
	if (!ni)
		return err_oom(e);
	t->indexes = ni;
	x = &t->indexes[t->nindexes];
	x->name = strdup(name);
	x->cols = malloc((ncols ? ncols : 1) * sizeof(*x->cols));
	if (!x->name || !x->cols) {
		free(x->name);
		free(x->cols);
		return err_oom(e);
	}
	memcpy(x->cols, cols, ncols * sizeof(*cols));
	x->ncols = ncols;
	x->unique = unique;
	t->nindexes++;
	return 0;
}

int schema_column_index(const struct schema_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

static char *xstrdup(const char *s, struct err *e)
{
	char *d = strdup(s);

	if (!d)
		err_oom(e);
	return d;
}

/* a name: non-empty valid UTF-8 without NUL, at most SCHEMA_MAX_NAME */
static int is(const struct json_node *n, enum json_kind k)
{
	return n && n->kind == k;
}

static int is_bool(const struct json_node *n)
{
	return is(n, JSON_TRUE) || is(n, JSON_FALSE);
}

static char *get_name(const struct json_node *obj, const char *member,
		      const char *what, struct err *e)
{
	const struct json_node *j = json_get(obj, member);
	size_t len;

	if (!is(j, JSON_STRING)) {
		err_set(e, ERR_STREAM, "%s: \"%s\" must be a string", what,
			member);
		return NULL;
	}
	len = j->len; /* no U+0000: json_check_strict */
	if (len == 0 || len > SCHEMA_MAX_NAME || !utf8_valid(j->str, len)) {
		err_set(e, ERR_STREAM,
			"%s: \"%s\" must be 1 to %d bytes of UTF-8", what,
			member, SCHEMA_MAX_NAME);
		return NULL;
	}
	return xstrdup(j->str, e);
}

static int get_int(const struct json_node *obj, const char *member,
		   int64_t *out, const char *what, struct err *e)
{
	const struct json_node *j = json_get(obj, member);
	double v;

	*out = -1;
	if (!j || is(j, JSON_NULL))
		return 0;
	/* read as a double, as JSON numbers are: 1e2 is 100 */
	v = is(j, JSON_NUMBER) ? strtod(j->str, NULL) : -1;
	if (v < 0 || v > 9007199254740992.0 || v != floor(v))
		return err_set(e, ERR_STREAM,
			       "%s: \"%s\" must be a non-negative integer",
			       what, member);
	*out = (int64_t)v;
	return 0;
}

/* a whole JSON number that fits int64 (no fraction or exponent) */
static int get_int64(const struct json_node *n, int64_t *out)
{
	const char *p;
	char *end;
	long long v;

	if (!is(n, JSON_NUMBER))
		return -1;
	for (p = n->str; *p; p++)
		if (*p == '.' || *p == 'e' || *p == 'E')
			return -1;
	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* "default" or "on_update" of column c into d */
static int parse_default(const struct json_node *j, const char *member,
			 const struct schema_column *c,
			 struct schema_default *d, struct err *e)
{
	const struct json_node *m = json_get(j, member), *v, *f, *x, *p;
	int n;

	d->kind = SCHEMA_DEFAULT_NONE;
	d->precision = -1;
	if (!m || is(m, JSON_NULL))
		return 0;
	v = json_get(m, "value");
	f = json_get(m, "function");
	x = json_get(m, "expression");
	p = json_get(m, "precision");
	n = (v != NULL) + (f != NULL) + (x != NULL);
	if (!is(m, JSON_OBJECT) || n != 1)
		return err_set(e, ERR_STREAM,
			       "column %s: \"%s\" must be an object with one "
			       "of value, function, expression",
			       c->name, member);
	if (v || x) {
		const struct json_node *s = v ? v : x;
		if (!is(s, JSON_STRING) || !utf8_valid(s->str, s->len))
			return err_set(e, ERR_STREAM,
				       "column %s: \"%s\": \"%s\" must be a "
				       "UTF-8 string",
				       c->name, member,
				       v ? "value" : "expression");
		d->kind = v ? SCHEMA_DEFAULT_VALUE : SCHEMA_DEFAULT_EXPRESSION;
		return (d->text = xstrdup(s->str, e)) ? 0 : -1;
	}
	if (!is(f, JSON_STRING))
		return err_set(e, ERR_STREAM,
			       "column %s: \"%s\": \"function\" must be a "
			       "string",
			       c->name, member);
	if (strcmp(f->str, "now") == 0) {
		int64_t prec = -1;
		d->kind = SCHEMA_DEFAULT_NOW;
		if (p && !is(p, JSON_NULL) &&
		    (get_int64(p, &prec) < 0 || prec < 0 || prec > 6))
			return err_set(e, ERR_STREAM,
				       "column %s: \"%s\": \"precision\" "
				       "must be 0 to 6",
				       c->name, member);
		d->precision = (int)prec;
		return 0;
	}
	if (strcmp(f->str, "current_date") == 0) {
		d->kind = SCHEMA_DEFAULT_CURRENT_DATE;
		return 0;
	}
	if (strcmp(f->str, "uuid") == 0) {
		d->kind = SCHEMA_DEFAULT_UUID;
		return 0;
	}
	/* a function of a later version: not made, and reported so */
	if (f->len > 200 || !utf8_valid(f->str, f->len))
		return err_set(e, ERR_STREAM,
			       "column %s: \"%s\": \"function\" is not a "
			       "name",
			       c->name, member);
	d->kind = SCHEMA_DEFAULT_EXPRESSION;
	if (!(d->text = malloc(f->len + 3)))
		return err_oom(e);
	snprintf(d->text, f->len + 3, "%s()", f->str);
	return 0;
}

static int parse_identity(const struct json_node *j, struct schema_column *c,
			  struct err *e)
{
	const struct json_node *m = json_get(j, "identity"), *g, *n, *i;

	c->identity_increment = 1;
	if (!m || is(m, JSON_NULL))
		return 0;
	if (!is(m, JSON_OBJECT))
		return err_set(e, ERR_STREAM,
			       "column %s: \"identity\" must be an object",
			       c->name);
	g = json_get(m, "generated");
	n = json_get(m, "next");
	i = json_get(m, "increment");
	c->identity = SCHEMA_IDENTITY_BY_DEFAULT;
	if (g && is(g, JSON_STRING) && strcmp(g->str, "always") == 0)
		c->identity = SCHEMA_IDENTITY_ALWAYS;
	else if (g &&
		 !(is(g, JSON_STRING) && strcmp(g->str, "by default") == 0))
		return err_set(e, ERR_STREAM,
			       "column %s: \"identity\": \"generated\" must "
			       "be \"by default\" or \"always\"",
			       c->name);
	if (n && !is(n, JSON_NULL) && get_int64(n, &c->identity_next) < 0)
		return err_set(e, ERR_STREAM,
			       "column %s: \"identity\": \"next\" must be a "
			       "64-bit integer",
			       c->name);
	if (i && !is(i, JSON_NULL) &&
	    (get_int64(i, &c->identity_increment) < 0 ||
	     c->identity_increment == 0))
		return err_set(e, ERR_STREAM,
			       "column %s: \"identity\": \"increment\" must "
			       "be a 64-bit integer other than 0",
			       c->name);
	return 0;
}

static int parse_generated(const struct json_node *j, struct schema_column *c,
			   struct err *e)
{
	const struct json_node *m = json_get(j, "generated"), *x, *st, *f;

	if (!m || is(m, JSON_NULL))
		return 0;
	x = is(m, JSON_OBJECT) ? json_get(m, "expression") : NULL;
	st = is(m, JSON_OBJECT) ? json_get(m, "stored") : NULL;
	f = is(m, JSON_OBJECT) ? json_get(m, "form") : NULL;
	if (!is(x, JSON_STRING) || !utf8_valid(x->str, x->len) ||
	    (st && !is_bool(st)) ||
	    (f && !is(f, JSON_NULL) &&
	     !(is(f, JSON_STRING) && utf8_valid(f->str, f->len))))
		return err_set(e, ERR_STREAM,
			       "column %s: \"generated\" must be an object "
			       "with a UTF-8 string \"expression\", "
			       "\"stored\" true or false and a UTF-8 string "
			       "\"form\" or none",
			       c->name);
	c->generated_stored = st && is(st, JSON_TRUE);
	if (f && is(f, JSON_STRING) &&
	    !(c->generated_form = xstrdup(f->str, e)))
		return -1;
	return (c->generated = xstrdup(x->str, e)) ? 0 : -1;
}

/* "domain": {"schema", "name", "not_null", "checks": [{"name",
 * "expression"}]}; the expressions are read by a load, not here */
static int parse_domain(const struct json_node *j, struct schema_column *c,
			struct err *e)
{
	const struct json_node *m = json_get(j, "domain"), *sc, *nm, *nn, *ck;

	if (!m || is(m, JSON_NULL))
		return 0;
	sc = is(m, JSON_OBJECT) ? json_get(m, "schema") : NULL;
	nm = is(m, JSON_OBJECT) ? json_get(m, "name") : NULL;
	nn = is(m, JSON_OBJECT) ? json_get(m, "not_null") : NULL;
	ck = is(m, JSON_OBJECT) ? json_get(m, "checks") : NULL;
	if (!is(sc, JSON_STRING) || !*sc->str ||
	    strlen(sc->str) > SCHEMA_MAX_NAME ||
	    !utf8_valid(sc->str, strlen(sc->str)) || !is(nm, JSON_STRING) ||
	    !*nm->str || strlen(nm->str) > SCHEMA_MAX_NAME ||
	    !utf8_valid(nm->str, strlen(nm->str)) || (nn && !is_bool(nn)) ||
	    (ck && !is(ck, JSON_NULL) && !is(ck, JSON_ARRAY)) ||
	    (ck && is(ck, JSON_ARRAY) && ck->n > 64))
		return err_set(e, ERR_STREAM,
			       "column %s: \"domain\" must be an object with "
			       "a \"schema\" and a \"name\" of 1 to %d bytes, "
			       "\"not_null\" true or false and up to 64 "
			       "\"checks\"",
			       c->name, SCHEMA_MAX_NAME);
	if (!(c->domain = schema_domain_new(sc->str, nm->str,
					    nn && is(nn, JSON_TRUE), e)))
		return -1;
	for (size_t x = 0; ck && is(ck, JSON_ARRAY) && x < ck->n; x++) {
		const struct json_node *cn = json_get(&ck->kids[x], "name");
		const struct json_node *ex =
		    json_get(&ck->kids[x], "expression");
		if (!is(cn, JSON_STRING) || !*cn->str ||
		    strlen(cn->str) > SCHEMA_MAX_NAME ||
		    !utf8_valid(cn->str, strlen(cn->str)) ||
		    !is(ex, JSON_STRING) || !*ex->str ||
		    strlen(ex->str) > 65536 ||
		    !utf8_valid(ex->str, strlen(ex->str)))
			return err_set(e, ERR_STREAM,
				       "column %s: a domain check needs a name "
				       "and an expression",
				       c->name);
		if (schema_domain_add_check(c->domain, cn->str, ex->str, e) <
		    0)
			return -1;
	}
	return 0;
}

/* a name of 1 to SCHEMA_MAX_NAME bytes of UTF-8 */
static int is_name(const struct json_node *n)
{
	return is(n, JSON_STRING) && *n->str &&
	       strlen(n->str) <= SCHEMA_MAX_NAME &&
	       utf8_valid(n->str, strlen(n->str));
}

/* "composite": {"schema", "name", "attributes": [{"name", "type"}]};
 * the types are parsed by a load against its own list, not here */
/* 1 when c's source type is an array ("pair[]") */
static int array_source(const struct schema_column *c)
{
	size_t n = c->source_type ? strlen(c->source_type) : 0;

	return n > 2 && strcmp(c->source_type + n - 2, "[]") == 0;
}

/* "composite", or (1.8) on an array column "element_composite": a reader
 * before 1.8 ignores the latter, and so refuses the array's type rather
 * than take its values for one value of the type */
static int parse_composite(const struct json_node *j, struct schema_column *c,
			   struct err *e)
{
	const struct json_node *m, *sc, *nm, *at;

	if (!(m = json_get(j, array_source(c) ? "element_composite"
					      : "composite")) ||
	    is(m, JSON_NULL))
		return 0;
	sc = is(m, JSON_OBJECT) ? json_get(m, "schema") : NULL;
	nm = is(m, JSON_OBJECT) ? json_get(m, "name") : NULL;
	at = is(m, JSON_OBJECT) ? json_get(m, "attributes") : NULL;
	if (!is_name(sc) || !is_name(nm) || !is(at, JSON_ARRAY) ||
	    at->n == 0 || at->n > SCHEMA_MAX_COLUMNS)
		return err_set(e, ERR_STREAM,
			       "column %s: \"composite\" must be an object "
			       "with a \"schema\" and a \"name\" of 1 to %d "
			       "bytes and 1 to %d \"attributes\"",
			       c->name, SCHEMA_MAX_NAME, SCHEMA_MAX_COLUMNS);
	if (!(c->composite = schema_composite_new(sc->str, nm->str, e)))
		return -1;
	for (size_t x = 0; x < at->n; x++) {
		const struct json_node *an = json_get(&at->kids[x], "name");
		const struct json_node *ty = json_get(&at->kids[x], "type");
		if (!is_name(an) || !is(ty, JSON_STRING) || !*ty->str ||
		    strlen(ty->str) > 256 ||
		    !utf8_valid(ty->str, strlen(ty->str)))
			return err_set(e, ERR_STREAM,
				       "column %s: a composite attribute needs "
				       "a name and a type",
				       c->name);
		if (schema_composite_add(c->composite, an->str, ty->str, e) <
		    0)
			return -1;
	}
	return 0;
}

/* member m (named what) of column c: an array of UTF-8 strings, into
 * *out (n of them) */
static int parse_labels(const struct json_node *m, const char *what,
			const struct schema_column *c, char ***out, size_t *n,
			struct err *e)
{
	if (!is(m, JSON_ARRAY))
		return err_set(e, ERR_STREAM, "column %s: \"%s\" must be an array",
			       c->name, what);
	if (m->n > SCHEMA_MAX_LABELS)
		return err_set(e, ERR_STREAM, "column %s: more than %d %s",
			       c->name, SCHEMA_MAX_LABELS,
			       strcmp(what, "set") ? "enum labels"
						   : "set members");
	if (!(*out = calloc(m->n + 1, sizeof(**out))))
		return err_oom(e);
	for (size_t k = 0; k < m->n; k++) {
		const struct json_node *l = &m->kids[k];
		if (!is(l, JSON_STRING) || !utf8_valid(l->str, strlen(l->str)))
			return err_set(e, ERR_STREAM,
				       "column %s: %s %zu must be a UTF-8 "
				       "string",
				       c->name,
				       strcmp(what, "set") ? "label" : "set member",
				       k + 1);
		if (!((*out)[k] = xstrdup(l->str, e)))
			return -1;
		(*n)++;
	}
	return 0;
}

static int parse_column(const struct json_node *j, struct schema_column *c,
			size_t idx, struct err *e)
{
	char what[64];
	const struct json_node *m;
	int type;

	snprintf(what, sizeof(what), "column %zu", idx + 1);
	if (!is(j, JSON_OBJECT))
		return err_set(e, ERR_STREAM, "%s is not an object", what);
	if (!(c->name = get_name(j, "name", what, e)))
		return -1;
	m = json_get(j, "type");
	if (!is(m, JSON_STRING) || (type = value_type_parse(m->str)) < 0)
		return err_set(
		    e, ERR_STREAM,
		    "column %s: \"type\" must be one of the stream types",
		    c->name);
	c->type = (enum value_type)type;
	m = json_get(j, "nullable");
	if (m && !is_bool(m))
		return err_set(e, ERR_STREAM,
			       "column %s: \"nullable\" must be true or false",
			       c->name);
	c->nullable = !m || is(m, JSON_TRUE);
	if (c->type == VALUE_NULL && !c->nullable)
		return err_set(e, ERR_STREAM,
			       "column %s: a null column must be nullable",
			       c->name);
	m = json_get(j, "source_type");
	if (m && !is(m, JSON_NULL)) {
		if (!is(m, JSON_STRING))
			return err_set(
			    e, ERR_STREAM,
			    "column %s: \"source_type\" must be a string",
			    c->name);
		if (!(c->source_type = xstrdup(m->str, e)))
			return -1;
	}
	snprintf(what, sizeof(what), "column %.40s", c->name);
	if (get_int(j, "length", &c->length, what, e) < 0 ||
	    get_int(j, "precision", &c->precision, what, e) < 0 ||
	    get_int(j, "scale", &c->scale, what, e) < 0 ||
	    parse_default(j, "default", c, &c->def, e) < 0 ||
	    parse_default(j, "on_update", c, &c->on_update, e) < 0 ||
	    parse_identity(j, c, e) < 0 || parse_generated(j, c, e) < 0)
		return -1;
	m = json_get(j, "unsigned");
	if (m && !is(m, JSON_NULL)) {
		if (!is_bool(m))
			return err_set(e, ERR_STREAM,
				       "column %s: \"unsigned\" must be true "
				       "or false",
				       c->name);
		c->nonnegative = is(m, JSON_TRUE);
		if (c->nonnegative && c->type != VALUE_INT64 &&
		    c->type != VALUE_UINT64 && c->type != VALUE_DECIMAL &&
		    c->type != VALUE_FLOAT64)
			return err_set(e, ERR_STREAM,
				       "column %s: only a number can be "
				       "\"unsigned\"",
				       c->name);
	}
	m = json_get(j, "collation");
	if (m && !is(m, JSON_NULL)) {
		if (!is(m, JSON_STRING) || !m->len || m->len > 64 ||
		    !utf8_valid(m->str, m->len))
			return err_set(e, ERR_STREAM,
				       "column %s: \"collation\" must be a "
				       "name of 1 to 64 bytes",
				       c->name);
		if (!(c->collation = xstrdup(m->str, e)))
			return -1;
	}
	m = json_get(j, "labels");
	if (m && !is(m, JSON_NULL)) {
		if (m->n > 0 && c->type != VALUE_ENUM)
			return err_set(
			    e, ERR_STREAM,
			    "column %s: labels on a column of type %s", c->name,
			    value_type_name(c->type));
		if (parse_labels(m, "labels", c, &c->labels, &c->nlabels, e) <
		    0)
			return -1;
	}
	if (parse_domain(j, c, e) < 0 || parse_composite(j, c, e) < 0)
		return -1;
	m = json_get(j, "element_labels");
	if (m && !is(m, JSON_NULL)) {
		size_t sl = c->source_type ? strlen(c->source_type) : 0;
		if (c->type != VALUE_TEXT || sl < 3 ||
		    strcmp(c->source_type + sl - 2, "[]") != 0)
			return err_set(e, ERR_STREAM,
				       "column %s: \"element_labels\" on a "
				       "column that is not a text array",
				       c->name);
		if (parse_labels(m, "labels", c, &c->elabels, &c->nelabels,
				 e) < 0)
			return -1;
		if (!c->nelabels)
			return err_set(e, ERR_STREAM,
				       "column %s: \"element_labels\" empty",
				       c->name);
	}
	m = json_get(j, "set");
	if (m && !is(m, JSON_NULL)) {
		if (c->type != VALUE_TEXT)
			return err_set(e, ERR_STREAM,
				       "column %s: \"set\" on a column of type "
				       "%s",
				       c->name, value_type_name(c->type));
		if (parse_labels(m, "set", c, &c->set, &c->nset, e) < 0)
			return -1;
		/* a member is what lies between commas */
		for (size_t k = 0; k < c->nset; k++)
			if (!c->set[k][0] || strchr(c->set[k], ','))
				return err_set(e, ERR_STREAM,
					       "column %s: set member %zu "
					       "is empty or holds a comma",
					       c->name, k + 1);
		if (!c->nset)
			return err_set(e, ERR_STREAM,
				       "column %s: \"set\" without members",
				       c->name);
	}
	return 0;
}

static int fk_action(const struct json_node *a, enum schema_fk_action *out)
{
	*out = SCHEMA_FK_NO_ACTION;
	if (!a || is(a, JSON_NULL))
		return 0;
	for (size_t i = 0; is(a, JSON_STRING) && i < 5; i++)
		if (strcmp(a->str, fk_words[i]) == 0) {
			*out = (enum schema_fk_action)i;
			return 0;
		}
	return -1;
}

/* one foreign key object into fk (its strings borrowed from j) */
static int parse_fkey(const struct json_node *k, const struct schema_table *t,
		      struct schema_fkey *fk, size_t *cols, char **refs,
		      struct err *e)
{
	const struct json_node *nm = json_get(k, "name"),
			       *cs = json_get(k, "columns"),
			       *rf = json_get(k, "references"), *rs, *rt, *rc;

	rs = json_get(rf, "schema");
	rt = json_get(rf, "table");
	rc = json_get(rf, "columns");
	if (!is(nm, JSON_STRING) || !*nm->str || !is(cs, JSON_ARRAY) ||
	    cs->n < 1 || cs->n > 64 || !is(rf, JSON_OBJECT) ||
	    !is(rt, JSON_STRING) || !*rt->str ||
	    (rs && !is(rs, JSON_NULL) && !is(rs, JSON_STRING)) ||
	    !is(rc, JSON_ARRAY) || rc->n != cs->n ||
	    fk_action(json_get(k, "on_delete"), &fk->on_delete) < 0 ||
	    fk_action(json_get(k, "on_update"), &fk->on_update) < 0)
		return err_set(e, ERR_STREAM,
			       "a foreign key needs a name, 1 to 64 columns, "
			       "references with a table and as many columns, "
			       "and actions no action, restrict, cascade, set "
			       "null or set default");
	fk->name = nm->str;
	fk->ref_table = rt->str;
	fk->ref_schema = is(rs, JSON_STRING) ? rs->str : NULL;
	fk->ncols = cs->n;
	fk->cols = cols;
	fk->ref_cols = refs;
	for (size_t y = 0; y < cs->n; y++) {
		const struct json_node *c = &cs->kids[y], *r = &rc->kids[y];
		int idx =
		    is(c, JSON_STRING) ? schema_column_index(t, c->str) : -1;
		if (idx < 0 || !is(r, JSON_STRING) || !*r->str)
			return err_set(e, ERR_STREAM,
				       "foreign key %s names no column",
				       nm->str);
		cols[y] = (size_t)idx;
		refs[y] = r->str;
	}
	return 0;
}

int schema_add_check(struct schema_table *t, const char *name,
		     const char *expr, struct err *e)
{
	return add_check(&t->checks, &t->nchecks, name, expr, e);
}

int schema_add_xindex(struct schema_table *t, const struct schema_xindex *x,
		      struct err *e)
{
	struct schema_xindex *n =
	    realloc(t->xindexes, (t->nxindexes + 1) * sizeof(*n));

	if (!n)
		return err_oom(e);
	t->xindexes = n;
	n = &t->xindexes[t->nxindexes];
	memset(n, 0, sizeof(*n));
	n->unique = x->unique;
	if (!(n->name = strdup(x->name)) ||
	    (x->where && !(n->where = strdup(x->where))) ||
	    !(n->keys = calloc(x->nkeys, sizeof(*n->keys))))
		goto oom;
	for (; n->nkeys < x->nkeys; n->nkeys++)
		if (!(n->keys[n->nkeys] = strdup(x->keys[n->nkeys])))
			goto oom;
	t->nxindexes++;
	return 0;
oom:
	for (size_t k = 0; k < n->nkeys; k++)
		free(n->keys[k]);
	free(n->keys);
	free(n->name);
	free(n->where);
	return err_oom(e);
}

static int expr_text_ok(const struct json_node *s)
{
	return is(s, JSON_STRING) && *s->str && strlen(s->str) <= 65536;
}

/* "expression_indexes": texts read by a load, as "checks" */
static int parse_xindexes(const struct json_node *j, struct schema_table *t,
			  struct err *e)
{
	const struct json_node *m = json_get(j, "expression_indexes");

	if (!m || is(m, JSON_NULL))
		return 0;
	if (!is(m, JSON_ARRAY))
		return err_set(e, ERR_STREAM,
			       "\"expression_indexes\" must be an array");
	for (size_t x = 0; x < m->n; x++) {
		const struct json_node *ix = &m->kids[x];
		const struct json_node *nm = json_get(ix, "name");
		const struct json_node *ks = json_get(ix, "keys");
		const struct json_node *un = json_get(ix, "unique");
		const struct json_node *wh = json_get(ix, "where");
		struct schema_xindex xi;
		char *keys[32];

		if (!is(nm, JSON_STRING) || !*nm->str ||
		    strlen(nm->str) > SCHEMA_MAX_NAME || !is(ks, JSON_ARRAY) ||
		    ks->n < 1 || ks->n > 32 || (un && !is_bool(un)) ||
		    (wh && !is(wh, JSON_NULL) && !expr_text_ok(wh)))
			return err_set(e, ERR_STREAM,
				       "an expression index needs a name, 1 to "
				       "32 keys, unique true or false and a "
				       "where of text or null");
		for (size_t k = 0; k < ks->n; k++) {
			if (!expr_text_ok(&ks->kids[k]))
				return err_set(e, ERR_STREAM,
					       "expression index %s: a key "
					       "must be text of 1 to 65536 "
					       "bytes",
					       nm->str);
			keys[k] = ks->kids[k].str;
		}
		xi.name = nm->str;
		xi.keys = keys;
		xi.nkeys = ks->n;
		xi.unique = un && is(un, JSON_TRUE);
		xi.where = wh && is(wh, JSON_STRING) ? wh->str : NULL;
		if (schema_add_xindex(t, &xi, e) < 0)
			return -1;
	}
	return 0;
}

/* a bound of a partition: text, null (list only), or {"bound":
 * "minvalue" | "maxvalue"} (range only) */
static int parse_bound(const struct json_node *v, int range,
		       struct schema_bound *b, struct err *e)
{
	const struct json_node *k;

	memset(b, 0, sizeof(*b));
	if (is(v, JSON_STRING) && strlen(v->str) == v->len && v->len <= 65536) {
		b->kind = SCHEMA_BOUND_VALUE;
		return (b->value = strdup(v->str)) ? 0 : err_oom(e);
	}
	if (!range && is(v, JSON_NULL)) {
		b->kind = SCHEMA_BOUND_NULL;
		return 0;
	}
	if (range && is(v, JSON_OBJECT) && (k = json_get(v, "bound")) &&
	    is(k, JSON_STRING) &&
	    (strcmp(k->str, "minvalue") == 0 || strcmp(k->str, "maxvalue") == 0)) {
		b->kind = k->str[1] == 'i' ? SCHEMA_BOUND_MIN : SCHEMA_BOUND_MAX;
		return 0;
	}
	return err_set(e, ERR_STREAM,
		       "a partition bound must be text (of up to 65536 bytes, "
		       "no NUL)%s",
		       range ? " or {\"bound\": \"minvalue\" or \"maxvalue\"}"
			     : " or null");
}

static int parse_bounds(const struct json_node *a, size_t want, int range,
			struct schema_bound **out, size_t *n, struct err *e)
{
	if (!is(a, JSON_ARRAY) || a->n < 1 || a->n > SCHEMA_MAX_LABELS ||
	    (want && a->n != want))
		return err_set(e, ERR_STREAM,
			       "a partition's bounds must be an array of %s",
			       want ? "one per key column" : "1 to 65535 values");
	if (!(*out = calloc(a->n, sizeof(**out))))
		return err_oom(e);
	for (*n = 0; *n < a->n; (*n)++)
		if (parse_bound(&a->kids[*n], range, &(*out)[*n], e) < 0)
			return -1;
	return 0;
}

/* "partition": {"strategy", "columns", "parts"} (1.7) */
static int parse_partition(const struct json_node *j, struct schema_table *t,
			   struct err *e)
{
	const struct json_node *m = json_get(j, "partition");
	const struct json_node *st, *cs, *ps;
	struct schema_partition *p;

	if (!m || is(m, JSON_NULL))
		return 0;
	st = json_get(m, "strategy");
	cs = json_get(m, "columns");
	ps = json_get(m, "parts");
	if (!is(m, JSON_OBJECT) || !is(st, JSON_STRING) ||
	    (strcmp(st->str, "range") != 0 && strcmp(st->str, "list") != 0 &&
	     strcmp(st->str, "hash") != 0) ||
	    !is(cs, JSON_ARRAY) || cs->n < 1 || cs->n > 32 ||
	    (strcmp(st->str, "range") != 0 && cs->n != 1 &&
	     strcmp(st->str, "hash") != 0) ||
	    !is(ps, JSON_ARRAY) || ps->n > SCHEMA_MAX_PARTS)
		return err_set(e, ERR_STREAM,
			       "\"partition\" needs a strategy (range, list or "
			       "hash), 1 to 32 columns (list: 1) and an array "
			       "of parts");
	if (!(p = calloc(1, sizeof(*p))))
		return err_oom(e);
	t->partition = p;
	p->strategy = st->str[0] == 'r' ? 'r' : st->str[0] == 'l' ? 'l' : 'h';
	if (!(p->cols = calloc(cs->n, sizeof(*p->cols))) ||
	    !(p->parts = calloc(ps->n ? ps->n : 1, sizeof(*p->parts))))
		return err_oom(e);
	for (; p->ncols < cs->n; p->ncols++) {
		const struct json_node *c = &cs->kids[p->ncols];
		int idx = is(c, JSON_STRING) ? schema_column_index(t, c->str)
					     : -1;
		if (idx < 0)
			return err_set(e, ERR_STREAM,
				       "\"partition\" names no column of the "
				       "table");
		p->cols[p->ncols] = (size_t)idx;
	}
	for (size_t i = 0; i < ps->n; i++) {
		const struct json_node *x = &ps->kids[i];
		const struct json_node *nm = json_get(x, "name");
		const struct json_node *df = json_get(x, "default");
		/* counted at once: freed with the table whatever comes */
		struct schema_part *q = &p->parts[p->nparts++];
		size_t nb = 0;
		if (!is(x, JSON_OBJECT) || !is(nm, JSON_STRING) || !*nm->str ||
		    strlen(nm->str) != nm->len || nm->len > SCHEMA_MAX_NAME ||
		    (df && !is_bool(df)))
			return err_set(e, ERR_STREAM,
				       "a partition needs a name (of up to %d "
				       "bytes)",
				       SCHEMA_MAX_NAME);
		if (!(q->name = strdup(nm->str)))
			return err_oom(e);
		if (df && is(df, JSON_TRUE)) {
			if (p->strategy == 'h')
				return err_set(e, ERR_STREAM,
					       "partition %s: a hash partition "
					       "cannot be the default",
					       nm->str);
			q->is_default = 1;
			continue;
		}
		if (p->strategy == 'r') {
			if (parse_bounds(json_get(x, "from"), p->ncols, 1,
					 &q->from, &nb, e) < 0 ||
			    parse_bounds(json_get(x, "to"), p->ncols, 1, &q->to,
					 &nb, e) < 0)
				return err_prefix(e, "partition %s", nm->str);
		} else if (p->strategy == 'l') {
			if (parse_bounds(json_get(x, "values"), 0, 0, &q->values,
					 &q->nvalues, e) < 0)
				return err_prefix(e, "partition %s", nm->str);
		} else {
			const struct json_node *mo = json_get(x, "modulus");
			const struct json_node *re = json_get(x, "remainder");
			char *end;
			if (!is(mo, JSON_NUMBER) || !is(re, JSON_NUMBER))
				return err_set(e, ERR_STREAM,
					       "partition %s: a hash partition "
					       "needs a modulus and a remainder",
					       nm->str);
			q->modulus = strtoll(mo->str, &end, 10);
			if (*end)
				q->modulus = 0;
			q->remainder = strtoll(re->str, &end, 10);
			if (*end)
				q->remainder = -1;
			if (q->modulus < 1 || q->modulus > INT32_MAX ||
			    q->remainder < 0 || q->remainder >= q->modulus)
				return err_set(e, ERR_STREAM,
					       "partition %s: a modulus of 1 "
					       "and more, a remainder below it",
					       nm->str);
		}
	}
	return 0;
}

/* "checks": the text of each is read by a load (sqlexpr.h), not here, so
 * that a newer writer's wider forms are reported by name, not refused */
static int parse_checks(const struct json_node *j, struct schema_table *t,
			struct err *e)
{
	const struct json_node *m = json_get(j, "checks");

	if (!m || is(m, JSON_NULL))
		return 0;
	if (!is(m, JSON_ARRAY))
		return err_set(e, ERR_STREAM, "\"checks\" must be an array");
	for (size_t x = 0; x < m->n; x++) {
		const struct json_node *nm = json_get(&m->kids[x], "name");
		const struct json_node *ex =
		    json_get(&m->kids[x], "expression");
		if (!is(nm, JSON_STRING) || !*nm->str ||
		    strlen(nm->str) > SCHEMA_MAX_NAME || !is(ex, JSON_STRING) ||
		    !*ex->str || strlen(ex->str) > 65536)
			return err_set(e, ERR_STREAM,
				       "a check needs a name (of up to %d "
				       "bytes) and an expression (of up to "
				       "65536)",
				       SCHEMA_MAX_NAME);
		for (size_t y = 0; y < x; y++)
			if (strcmp(t->checks[y].name, nm->str) == 0)
				return err_set(e, ERR_STREAM,
					       "two checks named %s", nm->str);
		if (schema_add_check(t, nm->str, ex->str, e) < 0)
			return -1;
	}
	return 0;
}

static int parse_fkeys(const struct json_node *j, struct schema_table *t,
		       struct err *e)
{
	const struct json_node *m = json_get(j, "foreign_keys");

	if (!m || is(m, JSON_NULL))
		return 0;
	if (!is(m, JSON_ARRAY))
		return err_set(e, ERR_STREAM,
			       "\"foreign_keys\" must be an array");
	for (size_t x = 0; x < m->n; x++) {
		struct schema_fkey fk;
		size_t cols[64];
		char *refs[64];
		memset(&fk, 0, sizeof(fk));
		if (parse_fkey(&m->kids[x], t, &fk, cols, refs, e) < 0 ||
		    schema_add_fkey(t, &fk, e) < 0)
			return -1;
	}
	return 0;
}

static struct schema_table *table_from_json(const struct json_node *j,
					    struct err *e)
{
	struct schema_table *t;
	const struct json_node *cols, *m;
	int n;

	if (!is(j, JSON_OBJECT)) {
		err_set(e, ERR_STREAM, "table schema is not a JSON object");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		err_oom(e);
		return NULL;
	}
	t->watermark = -1;
	m = json_get(j, "source");
	if (m && is(m, JSON_STRING) && !(t->source = xstrdup(m->str, e)))
		goto fail;
	{
		char *nm = get_name(j, "name", "table", e), *sc = NULL;
		const char *dot;
		int rc;
		if (!nm)
			goto fail;
		if (json_get(j, "schema")) {
			if (!(sc = get_name(j, "schema", "table", e))) {
				free(nm);
				goto fail;
			}
			rc = schema_table_set_name(t, sc, nm, e);
		} else if (t->source &&
			   strncmp(t->source, "postgres", 8) == 0 &&
			   (dot = strchr(nm, '.'))) {
			/* a version 1.0 writer named a table outside public
			 * schema.table */
			if (!(sc = strndup(nm, (size_t)(dot - nm)))) {
				free(nm);
				err_oom(e);
				goto fail;
			}
			rc = schema_table_set_name(t, sc, dot + 1, e);
		} else {
			rc = schema_table_set_name(t, NULL, nm, e);
		}
		free(nm);
		free(sc);
		if (rc < 0)
			goto fail;
	}
	cols = json_get(j, "columns");
	if (!is(cols, JSON_ARRAY) || (n = (int)cols->n) == 0) {
		err_set(e, ERR_STREAM, "\"columns\" must be a non-empty array");
		goto fail_named;
	}
	if (n > SCHEMA_MAX_COLUMNS) {
		err_set(e, ERR_STREAM, "%d columns is over the limit of %d", n,
			SCHEMA_MAX_COLUMNS);
		goto fail_named;
	}
	t->cols = calloc((size_t)n, sizeof(*t->cols));
	t->types = calloc((size_t)n, sizeof(*t->types));
	if (!t->cols || !t->types) {
		err_oom(e);
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		t->ncols++;
		if (parse_column(&cols->kids[i], &t->cols[i], (size_t)i, e) < 0)
			goto fail_named;
		t->types[i] = t->cols[i].type;
		for (int k = 0; k < i; k++)
			if (strcmp(t->cols[k].name, t->cols[i].name) == 0) {
				err_set(e, ERR_STREAM,
					"column %s appears twice",
					t->cols[i].name);
				goto fail_named;
			}
	}
	m = json_get(j, "primary_key");
	if (m && !is(m, JSON_NULL)) {
		int np;
		if (!is(m, JSON_ARRAY)) {
			err_set(e, ERR_STREAM,
				"\"primary_key\" must be an array");
			goto fail_named;
		}
		np = (int)m->n;
		t->pk = calloc((size_t)np + 1, sizeof(*t->pk));
		if (!t->pk) {
			err_oom(e);
			goto fail;
		}
		for (int i = 0; i < np; i++) {
			const struct json_node *k = &m->kids[i];
			int idx = is(k, JSON_STRING)
				      ? schema_column_index(t, k->str)
				      : -1;
			if (idx < 0) {
				err_set(e, ERR_STREAM,
					"primary key member %d is not a column",
					i + 1);
				goto fail_named;
			}
			for (size_t q = 0; q < t->npk; q++)
				if (t->pk[q] == (size_t)idx) {
					err_set(e, ERR_STREAM,
						"primary key member %d names "
						"column %s again",
						i + 1, t->cols[idx].name);
					goto fail_named;
				}
			t->pk[t->npk++] = (size_t)idx;
		}
	}
	m = json_get(j, "rows_estimate");
	if (m && !is(m, JSON_NULL)) {
		if (get_int64(m, &t->rows_estimate) < 0 || t->rows_estimate < 0) {
			err_set(e, ERR_STREAM, "\"rows_estimate\" must be a "
					       "whole number, 0 or more");
			goto fail_named;
		}
		t->rows_estimated = true;
	}
	m = json_get(j, "section");
	if (m && !is(m, JSON_NULL)) {
		const struct json_node *k = json_get(m, "index"),
				       *of = json_get(m, "of"),
				       *ord = json_get(m, "ordered"),
				       *all = json_get(m, "all");
		int64_t vk, vn;
		if (!is(m, JSON_OBJECT) || !k || !of || get_int64(k, &vk) < 0 ||
		    get_int64(of, &vn) < 0 || vn < 1 || vn > 100000 || vk < 1 ||
		    vk > vn || (ord && !is(ord, JSON_TRUE) && !is(ord, JSON_FALSE)) ||
		    (all && !is(all, JSON_TRUE) && !is(all, JSON_FALSE))) {
			err_set(e, ERR_STREAM,
				"\"section\" must be {\"index\": K, \"of\": N"
				"[, \"ordered\": true|false, \"all\": true|false]}"
				" with 1 <= K <= N <= 100000");
			goto fail_named;
		}
		t->section_k = (unsigned)vk;
		t->section_n = (unsigned)vn;
		t->section_ordered = ord && is(ord, JSON_TRUE);
		t->section_all = all && is(all, JSON_TRUE);
	}
	m = json_get(j, "watermark");
	if (m && !is(m, JSON_NULL)) {
		if (!is(m, JSON_STRING) ||
		    (t->watermark = schema_column_index(t, m->str)) < 0) {
			err_set(e, ERR_STREAM, "\"watermark\" is not a column");
			goto fail_named;
		}
		if (t->cols[t->watermark].type == VALUE_NULL ||
		    t->cols[t->watermark].type == VALUE_JSON) {
			err_set(e, ERR_STREAM,
				"watermark column %s cannot be of type %s",
				t->cols[t->watermark].name,
				value_type_name(t->cols[t->watermark].type));
			goto fail_named;
		}
	}
	m = json_get(j, "indexes");
	if (m && !is(m, JSON_NULL)) {
		if (!is(m, JSON_ARRAY)) {
			err_set(e, ERR_STREAM, "\"indexes\" must be an array");
			goto fail_named;
		}
		for (size_t x = 0; x < m->n; x++) {
			const struct json_node *ix = &m->kids[x];
			const struct json_node *nm = json_get(ix, "name");
			const struct json_node *cs = json_get(ix, "columns");
			const struct json_node *un = json_get(ix, "unique");
			size_t *icols, ni = 0;

			if (!is(nm, JSON_STRING) || !*nm->str ||
			    !is(cs, JSON_ARRAY) || (int)cs->n < 1 ||
			    (un && !is_bool(un))) {
				err_set(e, ERR_STREAM,
					"an index needs a name, columns and "
					"unique true or false");
				goto fail_named;
			}
			if (!(icols = malloc((size_t)(int)cs->n *
					     sizeof(*icols)))) {
				err_oom(e);
				goto fail;
			}
			for (size_t y = 0; y < cs->n; y++) {
				const struct json_node *c = &cs->kids[y];
				int idx = is(c, JSON_STRING)
					      ? schema_column_index(t, c->str)
					      : -1;
				if (idx < 0) {
					free(icols);
					err_set(
					    e, ERR_STREAM,
					    "index %s names no column of the table",
					    nm->str);
					goto fail_named;
				}
				icols[ni++] = (size_t)idx;
			}
			if (schema_add_index(t, nm->str, icols, ni,
					     un && is(un, JSON_TRUE), e) < 0) {
				free(icols);
				goto fail;
			}
			free(icols);
		}
	}
	if (parse_fkeys(j, t, e) < 0 || parse_checks(j, t, e) < 0 ||
	    parse_xindexes(j, t, e) < 0 || parse_partition(j, t, e) < 0)
		goto fail_named;
	return t;
fail_named:
	err_prefix(e, "table %s", t->name);
fail:
	schema_table_free(t);
	return NULL;
}

/* a schema's JSON, strictly: no member twice, no U+0000 in a string, no
 * trailing text; NULL with e set */
static struct json_node *parse_strict(const char *s, size_t len, struct err *e)
{
	struct json_node *n = json_parse(s, len, e);

	if (n && json_check_strict(n, e) < 0) {
		json_free(n);
		return NULL;
	}
	return n;
}

struct schema_table *schema_table_parse(const char *json, size_t len,
					struct err *e)
{
	struct json_node *j = parse_strict(json, len, e);
	struct schema_table *t;

	if (!j) {
		err_prefix(e, "table schema");
		return NULL;
	}
	t = table_from_json(j, e);
	json_free(j);
	return t;
}

int schema_file_load(const char *path, struct schema_table ***tables, size_t *n,
		     struct err *e)
{
	struct buf b;
	FILE *f = fopen(path, "rb");
	struct json_node *j = NULL;
	int rc = -1;
	size_t count, got;

	*tables = NULL;
	*n = 0;
	buf_init(&b, 64u << 20);
	if (!f)
		return err_set(e, ERR_USAGE, "%s: %s", path, strerror(errno));
	for (;;) {
		if (buf_reserve(&b, 65536, e) < 0)
			goto out;
		got = fread(b.data + b.len, 1, 65536, f);
		b.len += got;
		if (got < 65536)
			break;
	}
	if (ferror(f)) {
		err_set(e, ERR_USAGE, "%s: read error", path);
		goto out;
	}
	if (!(j = parse_strict((const char *)b.data, b.len, e))) {
		e->class = ERR_USAGE;
		err_prefix(e, "%s", path);
		goto out;
	}
	count = is(j, JSON_ARRAY) ? (size_t)(int)j->n : 1;
	*tables = calloc(count + 1, sizeof(**tables));
	if (!*tables) {
		err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		const struct json_node *tj =
		    is(j, JSON_ARRAY) ? &j->kids[i] : j;
		if (!((*tables)[i] = table_from_json(tj, e))) {
			e->class = ERR_USAGE;
			err_prefix(e, "%s", path);
			goto out;
		}
		(*n)++;
	}
	rc = 0;
out:
	if (rc < 0) {
		schema_tables_free(*tables, *n);
		*tables = NULL;
		*n = 0;
	}
	json_free(j);
	buf_release(&b);
	fclose(f);
	return rc;
}

static int add_default(cJSON *cj, const char *member,
		       const struct schema_default *d)
{
	static const char *const fn[] = {
		[SCHEMA_DEFAULT_NOW] = "now",
		[SCHEMA_DEFAULT_CURRENT_DATE] = "current_date",
		[SCHEMA_DEFAULT_UUID] = "uuid",
	};
	cJSON *o;

	if (d->kind == SCHEMA_DEFAULT_NONE)
		return 0;
	if (!(o = cJSON_AddObjectToObject(cj, member)))
		return -1;
	switch (d->kind) {
	case SCHEMA_DEFAULT_VALUE:
		return cJSON_AddStringToObject(o, "value", d->text) ? 0 : -1;
	case SCHEMA_DEFAULT_EXPRESSION:
		return cJSON_AddStringToObject(o, "expression", d->text) ? 0
									 : -1;
	default:
		if (!cJSON_AddStringToObject(o, "function", fn[d->kind]))
			return -1;
		if (d->kind == SCHEMA_DEFAULT_NOW && d->precision >= 0 &&
		    !cJSON_AddNumberToObject(o, "precision", d->precision))
			return -1;
		return 0;
	}
}

/* next and increment as the integers they are (cJSON's numbers are
 * doubles, which would round a counter past 2^53) */
static int add_identity(cJSON *cj, const struct schema_column *c)
{
	char num[32];
	cJSON *o;

	if (c->identity == SCHEMA_IDENTITY_NONE)
		return 0;
	if (!(o = cJSON_AddObjectToObject(cj, "identity")) ||
	    !cJSON_AddStringToObject(o, "generated",
				     c->identity == SCHEMA_IDENTITY_ALWAYS
					 ? "always"
					 : "by default"))
		return -1;
	snprintf(num, sizeof(num), "%lld", (long long)c->identity_next);
	if (c->identity_next && !cJSON_AddRawToObject(o, "next", num))
		return -1;
	snprintf(num, sizeof(num), "%lld", (long long)c->identity_increment);
	if (c->identity_increment != 1 &&
	    !cJSON_AddRawToObject(o, "increment", num))
		return -1;
	return 0;
}

static int add_fkeys(cJSON *j, const struct schema_table *t)
{
	cJSON *fa = cJSON_AddArrayToObject(j, "foreign_keys");

	if (!fa)
		return -1;
	for (size_t i = 0; i < t->nfkeys; i++) {
		const struct schema_fkey *f = &t->fkeys[i];
		cJSON *o = cJSON_CreateObject(), *cs, *r, *rc;
		if (!o || !cJSON_AddItemToArray(fa, o) ||
		    !cJSON_AddStringToObject(o, "name", f->name) ||
		    !(cs = cJSON_AddArrayToObject(o, "columns")) ||
		    !(r = cJSON_AddObjectToObject(o, "references")) ||
		    (f->ref_schema &&
		     !cJSON_AddStringToObject(r, "schema", f->ref_schema)) ||
		    !cJSON_AddStringToObject(r, "table", f->ref_table) ||
		    !(rc = cJSON_AddArrayToObject(r, "columns")) ||
		    !cJSON_AddStringToObject(o, "on_delete",
					     fk_words[f->on_delete]) ||
		    !cJSON_AddStringToObject(o, "on_update",
					     fk_words[f->on_update]))
			return -1;
		for (size_t k = 0; k < f->ncols; k++) {
			cJSON *a = cJSON_CreateString(t->cols[f->cols[k]].name),
			      *b = cJSON_CreateString(f->ref_cols[k]);
			if (!a || !cJSON_AddItemToArray(cs, a) || !b ||
			    !cJSON_AddItemToArray(rc, b)) {
				cJSON_Delete(b);
				return -1;
			}
		}
	}
	return 0;
}

/* member `name` of o: an array of the n strings s; 1, or 0 out of memory */
static int add_strings(cJSON *o, const char *name, char *const *s, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, name);

	for (size_t k = 0; a && k < n; k++) {
		cJSON *v = cJSON_CreateString(s[k]);
		if (!v || !cJSON_AddItemToArray(a, v)) {
			cJSON_Delete(v);
			return 0;
		}
	}
	return a != NULL;
}

static cJSON *bounds_json(const struct schema_bound *b, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < n; i++) {
		cJSON *v = b[i].kind == SCHEMA_BOUND_VALUE
			       ? cJSON_CreateString(b[i].value)
			   : b[i].kind == SCHEMA_BOUND_NULL ? cJSON_CreateNull()
							    : cJSON_CreateObject();
		if (v && (b[i].kind == SCHEMA_BOUND_MIN ||
			  b[i].kind == SCHEMA_BOUND_MAX) &&
		    !cJSON_AddStringToObject(v,
					     "bound", b[i].kind == SCHEMA_BOUND_MIN
							  ? "minvalue"
							  : "maxvalue")) {
			cJSON_Delete(v);
			v = NULL;
		}
		if (!v || !cJSON_AddItemToArray(a, v)) {
			cJSON_Delete(v);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

/* "partition" (1.7): 1, or 0 out of memory */
static int partition_json(const struct schema_table *t, cJSON *j)
{
	const struct schema_partition *p = t->partition;
	cJSON *o = cJSON_AddObjectToObject(j, "partition"), *cs, *ps;

	if (!o ||
	    !cJSON_AddStringToObject(o, "strategy",
				     p->strategy == 'r'	  ? "range"
				     : p->strategy == 'l' ? "list"
							  : "hash") ||
	    !(cs = cJSON_AddArrayToObject(o, "columns")) ||
	    !(ps = cJSON_AddArrayToObject(o, "parts")))
		return 0;
	for (size_t k = 0; k < p->ncols; k++) {
		cJSON *s = cJSON_CreateString(t->cols[p->cols[k]].name);
		if (!s || !cJSON_AddItemToArray(cs, s))
			return 0;
	}
	for (size_t i = 0; i < p->nparts; i++) {
		const struct schema_part *x = &p->parts[i];
		cJSON *q = cJSON_CreateObject(), *a;
		if (!q || !cJSON_AddItemToArray(ps, q) ||
		    !cJSON_AddStringToObject(q, "name", x->name))
			return 0;
		if (x->is_default) {
			if (!cJSON_AddBoolToObject(q, "default", 1))
				return 0;
			continue;
		}
		if (p->strategy == 'r') {
			if (!(a = bounds_json(x->from, p->ncols)) ||
			    !cJSON_AddItemToObject(q, "from", a))
				return 0;
			if (!(a = bounds_json(x->to, p->ncols)) ||
			    !cJSON_AddItemToObject(q, "to", a))
				return 0;
		} else if (p->strategy == 'l') {
			if (!(a = bounds_json(x->values, x->nvalues)) ||
			    !cJSON_AddItemToObject(q, "values", a))
				return 0;
		} else if (!cJSON_AddNumberToObject(q, "modulus",
						    (double)x->modulus) ||
			   !cJSON_AddNumberToObject(q, "remainder",
						    (double)x->remainder)) {
			return 0;
		}
	}
	return 1;
}

struct cJSON *schema_table_to_cjson(const struct schema_table *t, struct err *e)
{
	cJSON *j = cJSON_CreateObject(), *cols, *pk;

	if (!j)
		goto oom;
	if (!cJSON_AddStringToObject(j, "name", t->table ? t->table : t->name))
		goto oom;
	if (t->schema && !cJSON_AddStringToObject(j, "schema", t->schema))
		goto oom;
	if (t->source && !cJSON_AddStringToObject(j, "source", t->source))
		goto oom;
	if (!(cols = cJSON_AddArrayToObject(j, "columns")))
		goto oom;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		cJSON *cj = cJSON_CreateObject();
		if (!cj || !cJSON_AddItemToArray(cols, cj))
			goto oom;
		if (!cJSON_AddStringToObject(cj, "name", c->name) ||
		    !cJSON_AddStringToObject(cj, "type",
					     value_type_name(c->type)) ||
		    !cJSON_AddBoolToObject(cj, "nullable", c->nullable))
			goto oom;
		if (c->source_type &&
		    !cJSON_AddStringToObject(cj, "source_type", c->source_type))
			goto oom;
		if (c->length >= 0 &&
		    !cJSON_AddNumberToObject(cj, "length", (double)c->length))
			goto oom;
		if (c->precision >= 0 &&
		    !cJSON_AddNumberToObject(cj, "precision",
					     (double)c->precision))
			goto oom;
		if (c->scale >= 0 &&
		    !cJSON_AddNumberToObject(cj, "scale", (double)c->scale))
			goto oom;
		if (add_default(cj, "default", &c->def) < 0 ||
		    add_default(cj, "on_update", &c->on_update) < 0 ||
		    add_identity(cj, c) < 0)
			goto oom;
		if (c->collation &&
		    !cJSON_AddStringToObject(cj, "collation", c->collation))
			goto oom;
		if (c->nonnegative && !cJSON_AddTrueToObject(cj, "unsigned"))
			goto oom;
		if (c->generated) {
			cJSON *g = cJSON_AddObjectToObject(cj, "generated");
			if (!g ||
			    !cJSON_AddStringToObject(g, "expression",
						     c->generated) ||
			    !cJSON_AddBoolToObject(g, "stored",
						   c->generated_stored) ||
			    (c->generated_form &&
			     !cJSON_AddStringToObject(g, "form",
						      c->generated_form)))
				goto oom;
		}
		if ((c->nlabels &&
		     !add_strings(cj, "labels", c->labels, c->nlabels)) ||
		    (c->nelabels && !add_strings(cj, "element_labels",
						 c->elabels, c->nelabels)))
			goto oom;
		if (c->domain) {
			const struct schema_domain *d = c->domain;
			cJSON *dj = cJSON_AddObjectToObject(cj, "domain"), *ca;
			if (!dj ||
			    !cJSON_AddStringToObject(dj, "schema", d->schema) ||
			    !cJSON_AddStringToObject(dj, "name", d->name) ||
			    !cJSON_AddBoolToObject(dj, "not_null",
						   d->not_null) ||
			    !(ca = cJSON_AddArrayToObject(dj, "checks")))
				goto oom;
			for (size_t k = 0; k < d->nchecks; k++) {
				cJSON *o = cJSON_CreateObject();
				if (!o || !cJSON_AddItemToArray(ca, o) ||
				    !cJSON_AddStringToObject(
					o, "name", d->checks[k].name) ||
				    !cJSON_AddStringToObject(
					o, "expression", d->checks[k].expr))
					goto oom;
			}
		}
		if (c->composite) {
			const struct schema_composite *k = c->composite;
			cJSON *kj = cJSON_AddObjectToObject(
				  cj, array_source(c) ? "element_composite"
						      : "composite"),
			      *ka;
			if (!kj ||
			    !cJSON_AddStringToObject(kj, "schema", k->schema) ||
			    !cJSON_AddStringToObject(kj, "name", k->name) ||
			    !(ka = cJSON_AddArrayToObject(kj, "attributes")))
				goto oom;
			for (size_t x = 0; x < k->nattrs; x++) {
				cJSON *o = cJSON_CreateObject();
				if (!o || !cJSON_AddItemToArray(ka, o) ||
				    !cJSON_AddStringToObject(o, "name",
							     k->attrs[x].name) ||
				    !cJSON_AddStringToObject(o, "type",
							     k->attrs[x].expr))
					goto oom;
			}
		}
		if (c->nset) {
			if (!add_strings(cj, "set", c->set, c->nset))
				goto oom;
		}
	}
	if (!(pk = cJSON_AddArrayToObject(j, "primary_key")))
		goto oom;
	for (size_t i = 0; i < t->npk; i++) {
		cJSON *ks = cJSON_CreateString(t->cols[t->pk[i]].name);
		if (!ks || !cJSON_AddItemToArray(pk, ks))
			goto oom;
	}
	if (t->watermark >= 0 &&
	    !cJSON_AddStringToObject(j, "watermark",
				     t->cols[t->watermark].name))
		goto oom;
	if (t->rows_estimated) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)t->rows_estimate);
		if (!cJSON_AddRawToObject(j, "rows_estimate", num))
			goto oom;
	}
	if (t->section_n) {
		cJSON *so = cJSON_AddObjectToObject(j, "section");
		if (!so ||
		    !cJSON_AddNumberToObject(so, "index", t->section_k) ||
		    !cJSON_AddNumberToObject(so, "of", t->section_n) ||
		    !cJSON_AddBoolToObject(so, "ordered", t->section_ordered) ||
		    !cJSON_AddBoolToObject(so, "all", t->section_all))
			goto oom;
	}
	if (t->nindexes) {
		cJSON *ia = cJSON_AddArrayToObject(j, "indexes");
		if (!ia)
			goto oom;
		for (size_t i = 0; i < t->nindexes; i++) {
			const struct schema_index *x = &t->indexes[i];
			cJSON *o = cJSON_CreateObject(), *cs;
			if (!o || !cJSON_AddItemToArray(ia, o) ||
			    !cJSON_AddStringToObject(o, "name", x->name) ||
			    !(cs = cJSON_AddArrayToObject(o, "columns")) ||
			    !cJSON_AddBoolToObject(o, "unique", x->unique))
				goto oom;
			for (size_t k = 0; k < x->ncols; k++) {
				cJSON *cn = cJSON_CreateString(
				    t->cols[x->cols[k]].name);
				if (!cn || !cJSON_AddItemToArray(cs, cn))
					goto oom;
			}
		}
	}
	if (t->nfkeys && add_fkeys(j, t) < 0)
		goto oom;
	if (t->nchecks) {
		cJSON *ca = cJSON_AddArrayToObject(j, "checks");
		if (!ca)
			goto oom;
		for (size_t i = 0; i < t->nchecks; i++) {
			cJSON *o = cJSON_CreateObject();
			if (!o || !cJSON_AddItemToArray(ca, o) ||
			    !cJSON_AddStringToObject(o, "name",
						     t->checks[i].name) ||
			    !cJSON_AddStringToObject(o, "expression",
						     t->checks[i].expr))
				goto oom;
		}
	}
	if (t->nxindexes) {
		cJSON *xa = cJSON_AddArrayToObject(j, "expression_indexes");
		if (!xa)
			goto oom;
		for (size_t i = 0; i < t->nxindexes; i++) {
			const struct schema_xindex *x = &t->xindexes[i];
			cJSON *o = cJSON_CreateObject(), *ks;
			if (!o || !cJSON_AddItemToArray(xa, o) ||
			    !cJSON_AddStringToObject(o, "name", x->name) ||
			    !(ks = cJSON_AddArrayToObject(o, "keys")) ||
			    !cJSON_AddBoolToObject(o, "unique", x->unique) ||
			    (x->where &&
			     !cJSON_AddStringToObject(o, "where", x->where)))
				goto oom;
			for (size_t k = 0; k < x->nkeys; k++) {
				cJSON *s = cJSON_CreateString(x->keys[k]);
				if (!s || !cJSON_AddItemToArray(ks, s))
					goto oom;
			}
		}
	}
	if (t->partition && !partition_json(t, j))
		goto oom;
	return j;
oom:
	cJSON_Delete(j);
	err_oom(e);
	return NULL;
}

bool schema_more_ranges(const struct schema_table *t)
{
	return t->section_n > 1 && t->section_k < t->section_n;
}

bool schema_ranges_follow(const struct schema_table *t)
{
	return t->section_all && schema_more_ranges(t);
}

struct schema_table *schema_table_copy(const struct schema_table *t,
				       struct err *e)
{
	char *j = schema_table_to_json(t, e);
	struct schema_table *c = j ? schema_table_parse(j, strlen(j), e) : NULL;

	free(j);
	return c;
}

char *schema_table_to_json(const struct schema_table *t, struct err *e)
{
	cJSON *j = schema_table_to_cjson(t, e);
	char *s;

	if (!j)
		return NULL;
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!s)
		err_oom(e);
	return s;
}

const char *schema_row_key(const struct schema_table *t,
			   const struct value *row, char *out, size_t outsz)
{
	struct buf b;
	struct err e;
	char q[96];

	if (!outsz)
		return out;
	out[0] = '\0';
	buf_init(&b, 4096);
	for (size_t i = 0; i < t->npk; i++) {
		const struct schema_column *c = &t->cols[t->pk[i]];
		const struct value *v = &row[t->pk[i]];
		size_t start;

		if ((i && buf_adds(&b, ", ", &e) < 0) ||
		    buf_addf(&b, &e, "%s=", c->name) < 0)
			break;
		if (v->null) {
			if (buf_adds(&b, "NULL", &e) < 0)
				break;
			continue;
		}
		start = b.len;
		if (value_format(&b, c->type, v, VALUE_STYLE_TEXT, &e) < 0)
			break;
		if (value_type_is_bytes(c->type) && c->type != VALUE_BYTES) {
			/* quote text keys, with control characters escaped */
			err_quote(q, sizeof(q), (char *)b.data + start,
				  b.len - start, 40);
			b.len = start;
			if (buf_addf(&b, &e, "'%s'", q) < 0)
				break;
		}
	}
	snprintf(out, outsz, "%s", b.data ? (char *)b.data : "");
	buf_release(&b);
	return out;
}
