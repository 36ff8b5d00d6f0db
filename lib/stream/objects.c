/*
 * objects - the objects frame's payload (objects.h).
 */
#include "stream/objects.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/utf8.h"
#include "stream/schema.h"

static void seq_free(struct schema_sequence *q)
{
	if (!q)
		return;
	free(q->schema);
	free(q->name);
	free(q);
}

static void view_free(struct schema_view *v)
{
	if (!v)
		return;
	free(v->schema);
	free(v->name);
	free(v->query);
	free(v);
}

static void object_free(struct schema_object *x)
{
	free(x->kind);
	free(x->table);
	free(x->name);
	free(x->detail);
	seq_free(x->seq);
	view_free(x->view);
}

static int kind_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > OBJECTS_MAX_KIND)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		      *k == '_' || *k == ' '))
			return 0;
	return 1;
}

static int text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && utf8_valid(s, n);
}

int schema_objects_add(struct schema_objects *o, const char *kind,
		       const char *table, const char *name, const char *detail,
		       struct err *e)
{
	struct schema_object *x;

	if (!kind || !kind_ok(kind))
		return err_set(e, ERR_STREAM,
			       "object kind must be 1 to %d bytes of a-z, "
			       "0-9, '_' and ' '",
			       OBJECTS_MAX_KIND);
	if (!name || !text_ok(name, SCHEMA_MAX_NAME) ||
	    (table && !text_ok(table, SCHEMA_MAX_NAME)))
		return err_set(e, ERR_STREAM,
			       "%s: a name must be 1 to %d bytes of UTF-8",
			       kind, SCHEMA_MAX_NAME);
	if (detail && !utf8_valid(detail, strlen(detail)))
		return err_set(e, ERR_STREAM, "%s %s: its detail is not UTF-8",
			       kind, name);
	if (o->n == OBJECTS_MAX)
		return err_set(e, ERR_STREAM, "more than %d objects",
			       OBJECTS_MAX);
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 16;
		struct schema_object *nv = realloc(o->v, nc * sizeof(*nv));
		if (!nv)
			return err_oom(e);
		o->v = nv;
		o->cap = nc;
	}
	x = &o->v[o->n];
	memset(x, 0, sizeof(*x));
	if (!(x->kind = strdup(kind)) || !(x->name = strdup(name)) ||
	    (table && !(x->table = strdup(table))) ||
	    (detail && *detail &&
	     !(x->detail = strndup(detail, utf8_cut(detail, strlen(detail),
						    OBJECTS_MAX_DETAIL))))) {
		free(x->kind);
		free(x->name);
		free(x->table);
		return err_oom(e);
	}
	o->n++;
	return 0;
}

static int add_member(struct buf *b, const char *key, const char *val,
		      struct err *e)
{
	if (buf_addf(b, e, ",\"%s\":", key) < 0)
		return -1;
	return json_add_string(b, val, strlen(val), e);
}

char *schema_objects_json(const struct schema_objects *o, struct err *e)
{
	struct buf b;
	char *out = NULL;

	buf_init(&b, 1u << 26);
	if (buf_adds(&b, "{\"objects\":[", e) < 0)
		goto out;
	for (size_t i = 0; i < o->n; i++) {
		const struct schema_object *x = &o->v[i];
		if (buf_adds(&b, i ? ",{\"kind\":" : "{\"kind\":", e) < 0 ||
		    json_add_string(&b, x->kind, strlen(x->kind), e) < 0 ||
		    (x->table && add_member(&b, "table", x->table, e) < 0) ||
		    add_member(&b, "name", x->name, e) < 0 ||
		    (x->detail && add_member(&b, "detail", x->detail, e) < 0))
			goto out;
		if (x->seq) {
			const struct schema_sequence *q = x->seq;
			if (buf_adds(&b, ",\"sequence\":{\"schema\":", e) < 0 ||
			    json_add_string(&b, q->schema, strlen(q->schema),
					    e) < 0 ||
			    add_member(&b, "name", q->name, e) < 0 ||
			    add_member(&b, "type", q->type, e) < 0 ||
			    buf_addf(
				&b, e,
				",\"start\":%" PRId64 ",\"increment\":%" PRId64
				",\"minimum\":%" PRId64 ",\"maximum\":%" PRId64
				",\"cycle\":%s,\"next\":%" PRId64 "}",
				q->start, q->increment, q->min, q->max,
				q->cycle ? "true" : "false", q->next) < 0)
				goto out;
		}
		if (x->view &&
		    (buf_adds(&b, ",\"view\":{\"name\":", e) < 0 ||
		     json_add_string(&b, x->view->name, strlen(x->view->name),
				     e) < 0 ||
		     (x->view->schema &&
		      add_member(&b, "schema", x->view->schema, e) < 0) ||
		     add_member(&b, "query", x->view->query, e) < 0 ||
		     buf_addc(&b, '}', e) < 0))
			goto out;
		if (buf_addc(&b, '}', e) < 0)
			goto out;
	}
	if (buf_adds(&b, "]}", e) < 0 || buf_addc(&b, '\0', e) < 0)
		goto out;
	if (!(out = malloc(b.len)))
		err_oom(e);
	else
		memcpy(out, b.data, b.len);
out:
	buf_release(&b);
	return out;
}

/* member key of object x: NULL when absent or null, else its string */
static int get_str(const struct json_node *x, const char *key, const char **out,
		   size_t i, struct err *e)
{
	const struct json_node *m = json_get(x, key);

	*out = NULL;
	if (!m || m->kind == JSON_NULL)
		return 0;
	if (m->kind != JSON_STRING)
		return err_set(e, ERR_STREAM,
			       "objects[%zu]: \"%s\" must be a string", i, key);
	*out = m->str;
	return 0;
}

/* a whole number of 64 bits, exactly as written */
static int get_i64(const struct json_node *q, const char *key, int64_t *out,
		   struct err *e)
{
	const struct json_node *m = json_get(q, key);
	char *end;
	long long v;

	if (!m || m->kind != JSON_NUMBER)
		return err_set(e, ERR_STREAM,
			       "sequence: \"%s\" must be a whole number", key);
	errno = 0;
	v = strtoll(m->str, &end, 10);
	if (errno || *end || end == m->str)
		return err_set(e, ERR_STREAM,
			       "sequence: \"%s\" must be a whole number of "
			       "64 bits",
			       key);
	*out = v;
	return 0;
}

static int parse_sequence(struct schema_objects *o, const struct json_node *q,
			  struct err *e)
{
	struct schema_sequence s;
	const struct json_node *sc, *nm, *ty, *cy;

	if (!q || q->kind == JSON_NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	sc = json_get(q, "schema");
	nm = json_get(q, "name");
	ty = json_get(q, "type");
	cy = json_get(q, "cycle");
	if (q->kind != JSON_OBJECT || !sc || sc->kind != JSON_STRING || !nm ||
	    nm->kind != JSON_STRING || !ty || ty->kind != JSON_STRING ||
	    ty->len >= sizeof(s.type) ||
	    (cy && cy->kind != JSON_TRUE && cy->kind != JSON_FALSE))
		return err_set(e, ERR_STREAM,
			       "sequence: must be an object with strings "
			       "schema, name and type");
	if (get_i64(q, "start", &s.start, e) < 0 ||
	    get_i64(q, "increment", &s.increment, e) < 0 ||
	    get_i64(q, "minimum", &s.min, e) < 0 ||
	    get_i64(q, "maximum", &s.max, e) < 0 ||
	    get_i64(q, "next", &s.next, e) < 0)
		return -1;
	s.schema = sc->str;
	s.name = nm->str;
	memcpy(s.type, ty->str, ty->len + 1);
	s.cycle = cy && cy->kind == JSON_TRUE;
	return schema_objects_set_sequence(o, &s, e);
}

static int parse_view(struct schema_objects *o, const struct json_node *v,
		      struct err *e)
{
	const struct json_node *sc, *nm, *q;

	if (!v || v->kind == JSON_NULL)
		return 0;
	sc = v->kind == JSON_OBJECT ? json_get(v, "schema") : NULL;
	nm = v->kind == JSON_OBJECT ? json_get(v, "name") : NULL;
	q = v->kind == JSON_OBJECT ? json_get(v, "query") : NULL;
	if (!nm || nm->kind != JSON_STRING || !q || q->kind != JSON_STRING ||
	    (sc && sc->kind != JSON_STRING && sc->kind != JSON_NULL))
		return err_set(e, ERR_STREAM,
			       "view: must be an object with strings name and "
			       "query");
	return schema_objects_set_view(
	    o, sc && sc->kind == JSON_STRING ? sc->str : NULL, nm->str, q->str,
	    e);
}

int schema_objects_set_view(struct schema_objects *o, const char *schema,
			    const char *name, const char *query,
			    struct err *e)
{
	struct schema_object *x;
	struct schema_view *v;

	if (!o->n)
		return err_set(e, ERR_SYSTEM, "internal error: no object");
	x = &o->v[o->n - 1];
	if ((schema && !text_ok(schema, SCHEMA_MAX_NAME)) || !name ||
	    !text_ok(name, SCHEMA_MAX_NAME))
		return err_set(e, ERR_STREAM,
			       "view %s: its schema and name must be 1 to %d "
			       "bytes of UTF-8",
			       x->name, SCHEMA_MAX_NAME);
	if (!query || !text_ok(query, OBJECTS_MAX_QUERY))
		return err_set(e, ERR_STREAM,
			       "view %s: its query must be 1 to %d bytes of "
			       "UTF-8",
			       x->name, OBJECTS_MAX_QUERY);
	if (!(v = calloc(1, sizeof(*v))) ||
	    (schema && !(v->schema = strdup(schema))) ||
	    !(v->name = strdup(name)) || !(v->query = strdup(query))) {
		view_free(v);
		return err_oom(e);
	}
	view_free(x->view);
	x->view = v;
	return 0;
}

int schema_objects_parse(struct schema_objects *o, const char *json, size_t len,
			 struct err *e)
{
	struct json_node *j = json_parse(json, len, e);
	const struct json_node *arr;
	size_t was = o->n;
	int rc = -1;

	if (!j)
		return -1;
	if (json_check_strict(j, e) < 0)
		goto out;
	arr = j->kind == JSON_OBJECT ? json_get(j, "objects") : NULL;
	if (!arr || arr->kind != JSON_ARRAY) {
		err_set(e, ERR_STREAM,
			"objects: must be an object with an array \"objects\"");
		goto out;
	}
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_node *x = &arr->kids[i];
		const char *kind, *table, *name, *detail;
		if (x->kind != JSON_OBJECT) {
			err_set(e, ERR_STREAM,
				"objects[%zu]: must be an object", i);
			goto out;
		}
		if (get_str(x, "kind", &kind, i, e) < 0 ||
		    get_str(x, "table", &table, i, e) < 0 ||
		    get_str(x, "name", &name, i, e) < 0 ||
		    get_str(x, "detail", &detail, i, e) < 0)
			goto out;
		if (detail && strlen(detail) > OBJECTS_MAX_DETAIL) {
			err_set(e, ERR_STREAM,
				"objects[%zu]: \"detail\" is over %d bytes", i,
				OBJECTS_MAX_DETAIL);
			goto out;
		}
		if (schema_objects_add(o, kind, table, name, detail, e) < 0 ||
		    parse_sequence(o, json_get(x, "sequence"), e) < 0 ||
		    parse_view(o, json_get(x, "view"), e) < 0) {
			err_prefix(e, "objects[%zu]", i);
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		while (o->n > was)
			object_free(&o->v[--o->n]);
	json_free(j);
	return rc;
}

int schema_objects_set_sequence(struct schema_objects *o,
				const struct schema_sequence *q, struct err *e)
{
	struct schema_object *x;
	struct schema_sequence *d;

	if (!o->n)
		return err_set(e, ERR_SYSTEM, "internal error: no object");
	x = &o->v[o->n - 1];
	if (!q->schema || !q->name || !text_ok(q->schema, SCHEMA_MAX_NAME) ||
	    !text_ok(q->name, SCHEMA_MAX_NAME))
		return err_set(e, ERR_STREAM,
			       "sequence %s: its schema and name must be 1 to "
			       "%d bytes of UTF-8",
			       x->name, SCHEMA_MAX_NAME);
	if (strcmp(q->type, "smallint") != 0 &&
	    strcmp(q->type, "integer") != 0 && strcmp(q->type, "bigint") != 0)
		return err_set(e, ERR_STREAM,
			       "sequence %s: type must be smallint, integer or "
			       "bigint",
			       x->name);
	if (!q->increment || q->min > q->max || q->start < q->min ||
	    q->start > q->max || q->next < q->min || q->next > q->max)
		return err_set(e, ERR_STREAM,
			       "sequence %s: its increment is 0, or start or "
			       "next is outside minimum..maximum",
			       x->name);
	if (!(d = calloc(1, sizeof(*d))))
		return err_oom(e);
	*d = *q;
	d->schema = strdup(q->schema);
	d->name = strdup(q->name);
	if (!d->schema || !d->name) {
		seq_free(d);
		return err_oom(e);
	}
	seq_free(x->seq);
	x->seq = d;
	return 0;
}

int schema_objects_has_views(const struct schema_objects *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].view)
			return 1;
	return 0;
}

size_t schema_objects_count(const struct schema_objects *o, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n; i++)
		n += strcmp(o->v[i].kind, kind) == 0;
	return n;
}

size_t schema_objects_kinds(const struct schema_objects *o, const char **kinds,
			    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n; i++) {
		size_t k = 0;
		while (k < n && strcmp(kinds[k], o->v[i].kind) != 0)
			k++;
		if (k == n && n < max)
			kinds[n++] = o->v[i].kind;
	}
	return n;
}

void schema_objects_release(struct schema_objects *o)
{
	for (size_t i = 0; i < o->n; i++)
		object_free(&o->v[i]);
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}
