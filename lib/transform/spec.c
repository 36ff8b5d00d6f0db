/*
 * spec - reading a transform spec (ferry-spec(5)): strictly, every member
 * checked, errors with the line and the JSON path.
 */
#include "transform/transform.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "stream/rejects.h"
#include "stream/schema.h"
#include "transform/expr.h"
#include "transform/spec_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SPEC_MAX_BYTES (16u << 20)

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int line_of(const char *doc, const struct json_node *n)
{
	int line = 1;

	for (const char *p = doc; p < n->raw; p++)
		line += *p == '\n';
	return line;
}

/* "FILE: line N: PATH: message" */
int spec_err(struct err *e, const struct spec *s, int line, const char *path,
	     const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		return err_set(e, ERR_SPEC, "%s: line %d: %s: %s", s->file,
			       line, path, msg);
	return err_set(e, ERR_SPEC, "%s: %s: %s", s->file, path, msg);
}

/* A rule that sets rows aside needs --rejects: remember where the first
 * one is, for ferry-transform's message. */
static int note_reject(struct spec *s, const char *path, struct err *e)
{
	if (!s->rejects && !(s->rejects = strdup(path)))
		return err_oom(e);
	return 0;
}

/* "error", "null" or "reject" (0, 1, 2) */
static int get_rule(struct spec *s, const char *doc, const struct json_node *v,
		    const char *path, int *out, struct err *e)
{
	if (v->kind != JSON_STRING ||
	    (strcmp(v->str, "error") != 0 && strcmp(v->str, "null") != 0 &&
	     strcmp(v->str, "reject") != 0))
		return spec_err(e, s, line_of(doc, v), path,
				"expected \"error\", \"null\" or "
				"\"reject\"");
	*out = strcmp(v->str, "error") == 0  ? 0
	       : strcmp(v->str, "null") == 0 ? 1
					     : 2;
	return *out == 2 ? note_reject(s, path, e) : 0;
}

static const char *kind_name(enum json_kind k)
{
	switch (k) {
	case JSON_NULL: return "null";
	case JSON_FALSE:
	case JSON_TRUE: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	default: return "an object";
	}
}

/* A name: a non-empty string without NUL, at most SCHEMA_MAX_NAME bytes. */
static int get_name(const struct spec *s, const char *doc,
		    const struct json_node *n, const char *path, char **out,
		    struct err *e)
{
	if (n->kind != JSON_STRING)
		return spec_err(e, s, line_of(doc, n), path,
				"expected a name (a string), not %s",
				kind_name(n->kind));
	if (n->len == 0 || n->len > SCHEMA_MAX_NAME ||
	    memchr(n->str, '\0', n->len))
		return spec_err(e, s, line_of(doc, n), path,
				"a name must be 1 to 1024 bytes, no NUL");
	if (!(*out = dupn(n->str, n->len)))
		return err_oom(e);
	return 0;
}

static int get_bool(const struct spec *s, const char *doc,
		    const struct json_node *n, const char *path, bool *out,
		    struct err *e)
{
	if (n->kind != JSON_TRUE && n->kind != JSON_FALSE)
		return spec_err(e, s, line_of(doc, n), path,
				"expected true or false, not %s",
				kind_name(n->kind));
	*out = n->kind == JSON_TRUE;
	return 0;
}

/*
 * "mask": {"method": "hmac" | "email", "key_env": VAR}
 *       | {"method": "redact", "with": TEXT}
 *       | {"method": "keep_last", "n": N}
 */
static int parse_mask(struct spec *s, const char *doc,
		      const struct json_node *n, const char *path,
		      struct col_op *c, struct err *e)
{
	const struct json_node *m = NULL, *key = NULL, *with = NULL,
			       *num = NULL;
	char p[5 * SCHEMA_MAX_NAME];

	if (n->kind != JSON_OBJECT)
		return spec_err(e, s, line_of(doc, n), path,
				"expected an object with a method, not %s",
				kind_name(n->kind));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		if (strcmp(k, "method") == 0)
			m = &n->kids[i];
		else if (strcmp(k, "key_env") == 0)
			key = &n->kids[i];
		else if (strcmp(k, "with") == 0)
			with = &n->kids[i];
		else if (strcmp(k, "n") == 0)
			num = &n->kids[i];
		else
			return spec_err(e, s, line_of(doc, &n->kids[i]), path,
					"unknown member '%s' (expected method, "
					"key_env, with or n)",
					k);
	}
	snprintf(p, sizeof(p), "%s.method", path);
	if (!m || m->kind != JSON_STRING)
		return spec_err(e, s, line_of(doc, m ? m : n), m ? p : path,
				"expected a method: \"hmac\", \"email\", "
				"\"redact\" or \"keep_last\"");
	if (strcmp(m->str, "hmac") == 0)
		c->mask = MASK_HMAC;
	else if (strcmp(m->str, "email") == 0)
		c->mask = MASK_EMAIL;
	else if (strcmp(m->str, "redact") == 0)
		c->mask = MASK_REDACT;
	else if (strcmp(m->str, "keep_last") == 0)
		c->mask = MASK_KEEP_LAST;
	else
		return spec_err(e, s, line_of(doc, m), p,
				"unknown method '%s' (expected hmac, email, "
				"redact or keep_last)",
				m->str);
	if ((key && c->mask != MASK_HMAC && c->mask != MASK_EMAIL) ||
	    (with && c->mask != MASK_REDACT) ||
	    (num && c->mask != MASK_KEEP_LAST))
		return spec_err(e, s, line_of(doc, n), path,
				"method %s takes %s", m->str,
				c->mask == MASK_REDACT	    ? "only with"
				: c->mask == MASK_KEEP_LAST ? "only n"
							    : "only key_env");
	if (c->mask == MASK_HMAC || c->mask == MASK_EMAIL) {
		const char *val;
		snprintf(p, sizeof(p), "%s.key_env", path);
		if (!key || key->kind != JSON_STRING || key->len == 0)
			return spec_err(
			    e, s, line_of(doc, key ? key : n), key ? p : path,
			    "a keyed mask needs key_env, the name of the "
			    "environment variable that holds the key");
		val = getenv(key->str);
		/* the key itself never goes into a message */
		if (!val || !*val)
			return spec_err(e, s, line_of(doc, key), p,
					"the environment variable %s is not "
					"set, or empty",
					key->str);
		c->keylen = strlen(val);
		if (!(c->key = malloc(c->keylen)))
			return err_oom(e);
		memcpy(c->key, val, c->keylen);
	}
	if (c->mask == MASK_REDACT) {
		snprintf(p, sizeof(p), "%s.with", path);
		if (with && with->kind != JSON_STRING)
			return spec_err(e, s, line_of(doc, with), p,
					"expected a string, not %s",
					kind_name(with->kind));
		if (with && (memchr(with->str, '\0', with->len) ||
			     with->len > SCHEMA_MAX_NAME))
			return spec_err(e, s, line_of(doc, with), p,
					"at most 1024 bytes, no NUL");
		if (!(c->mask_with =
			  with ? dupn(with->str, with->len) : strdup("***")))
			return err_oom(e);
	}
	if (c->mask == MASK_KEEP_LAST) {
		char *end;
		unsigned long v;
		snprintf(p, sizeof(p), "%s.n", path);
		if (!num || num->kind != JSON_NUMBER)
			return spec_err(e, s, line_of(doc, num ? num : n),
					num ? p : path,
					"keep_last needs n, a whole number "
					"0 to %d",
					MASK_MAX_KEEP);
		errno = 0;
		v = strtoul(num->str, &end, 10);
		if (*end || errno || num->str[0] == '-' || v > MASK_MAX_KEEP)
			return spec_err(e, s, line_of(doc, num), p,
					"expected a whole number 0 to %d, not "
					"%s",
					MASK_MAX_KEEP, num->str);
		c->keep = v;
	}
	return 0;
}

/* A zone of the system's tz database, such as Europe/Berlin. */
static int get_zone(const struct spec *s, const char *doc,
		    const struct json_node *n, const char *path, char **out,
		    struct err *e)
{
	const char *dir = getenv("TZDIR");
	char file[4096];
	unsigned char magic[4] = { 0 };
	struct stat st;
	FILE *f;

	if (n->kind != JSON_STRING)
		return spec_err(e, s, line_of(doc, n), path,
				"expected a zone name such as "
				"\"Europe/Berlin\", not %s",
				kind_name(n->kind));
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (n->len == 0 || n->len > 255 || memchr(n->str, '\0', n->len) ||
	    n->str[0] == '/' || strstr(n->str, "..") || strchr(n->str, ':') ||
	    strchr(n->str, ','))
		return spec_err(e, s, line_of(doc, n), path,
				"'%s' is not a zone name", n->str);
	snprintf(file, sizeof(file), "%s/%s", dir, n->str);
	f = stat(file, &st) == 0 && S_ISREG(st.st_mode) ? fopen(file, "rb")
							: NULL;
	if (f) {
		if (fread(magic, 1, 4, f) != 4)
			magic[0] = 0;
		fclose(f);
	}
	if (memcmp(magic, "TZif", 4) != 0)
		return spec_err(e, s, line_of(doc, n), path,
				"unknown time zone '%s' (not in %s)", n->str,
				dir);
	if (!(*out = dupn(n->str, n->len)))
		return err_oom(e);
	return 0;
}

/* "cast": "TYPE" | {"to": "TYPE", "from": "unix_seconds" | "unix_millis"} */
static int parse_cast(struct spec *s, const char *doc,
		      const struct json_node *n, const char *path,
		      struct col_op *c, struct err *e)
{
	const struct json_node *to = n, *from = NULL;
	char p[5 * SCHEMA_MAX_NAME];
	int ty;

	if (n->kind == JSON_OBJECT) {
		to = NULL;
		for (size_t i = 0; i < n->n; i++) {
			if (strcmp(n->keys[i], "to") == 0)
				to = &n->kids[i];
			else if (strcmp(n->keys[i], "from") == 0)
				from = &n->kids[i];
			else
				return spec_err(e, s, line_of(doc, &n->kids[i]),
						path,
						"unknown member '%s' (expected "
						"to or from)",
						n->keys[i]);
		}
	}
	if (!to || to->kind != JSON_STRING)
		return spec_err(e, s, line_of(doc, to ? to : n), path,
				"expected a stream type, such as \"int64\" "
				"or \"timestamptz\"");
	ty = value_type_parse(to->str);
	if (ty < 0 || ty == VALUE_NULL || ty == VALUE_ENUM)
		return spec_err(e, s, line_of(doc, to), path,
				"'%s' is not a type a column can be cast to",
				to->str);
	c->cast_to = ty;
	if (from) {
		snprintf(p, sizeof(p), "%s.from", path);
		if (from->kind != JSON_STRING ||
		    (strcmp(from->str, "unix_seconds") != 0 &&
		     strcmp(from->str, "unix_millis") != 0))
			return spec_err(e, s, line_of(doc, from), p,
					"expected \"unix_seconds\" or "
					"\"unix_millis\"");
		if (ty != VALUE_TIMESTAMPTZ && ty != VALUE_TIMESTAMP)
			return spec_err(e, s, line_of(doc, from), p,
					"unix time casts to timestamptz or "
					"timestamp");
		c->cast_unix =
		    strcmp(from->str, "unix_seconds") == 0 ? 1 : 1000;
	}
	return 0;
}

/* "clean": {"remove_nul": true, "trim": true, "case": "lower"} */
static int parse_clean(struct spec *s, const char *doc,
		       const struct json_node *n, const char *path,
		       struct col_op *c, struct err *e)
{
	char p[5 * SCHEMA_MAX_NAME];

	if (n->kind != JSON_OBJECT)
		return spec_err(e, s, line_of(doc, n), path,
				"expected an object, not %s",
				kind_name(n->kind));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct json_node *v = &n->kids[i];
		snprintf(p, sizeof(p), "%s.%s", path, k);
		if (strcmp(k, "remove_nul") == 0) {
			if (get_bool(s, doc, v, p, &c->remove_nul, e) < 0)
				return -1;
		} else if (strcmp(k, "trim") == 0) {
			if (get_bool(s, doc, v, p, &c->trim, e) < 0)
				return -1;
		} else if (strcmp(k, "case") == 0) {
			if (v->kind != JSON_STRING ||
			    (strcmp(v->str, "lower") != 0 &&
			     strcmp(v->str, "upper") != 0))
				return spec_err(e, s, line_of(doc, v), p,
						"expected \"lower\" or "
						"\"upper\"");
			c->tcase = strcmp(v->str, "lower") == 0 ? 1 : 2;
		} else {
			return spec_err(e, s, line_of(doc, v), path,
					"unknown member '%s' (expected "
					"remove_nul, trim or case)",
					k);
		}
	}
	c->clean = c->remove_nul || c->trim || c->tcase;
	return 0;
}

static int parse_column(struct spec *s, const char *doc,
			const struct json_node *n, const char *tpath,
			struct col_op *c, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];

	snprintf(path, sizeof(path), "%s.columns.%s", tpath, c->name);
	c->line = line_of(doc, n);
	if (n->kind != JSON_OBJECT)
		return spec_err(e, s, c->line, path,
				"expected an object, not %s",
				kind_name(n->kind));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct json_node *v = &n->kids[i];
		char p[4 * SCHEMA_MAX_NAME];

		snprintf(p, sizeof(p), "%s.%s", path, k);
		if (strcmp(k, "rename") == 0) {
			if (get_name(s, doc, v, p, &c->rename, e) < 0)
				return -1;
		} else if (strcmp(k, "drop") == 0) {
			if (get_bool(s, doc, v, p, &c->drop, e) < 0)
				return -1;
		} else if (strcmp(k, "mask") == 0) {
			if (parse_mask(s, doc, v, p, c, e) < 0)
				return -1;
		} else if (strcmp(k, "zone") == 0) {
			if (get_zone(s, doc, v, p, &c->zone, e) < 0)
				return -1;
		} else if (strcmp(k, "map") == 0) {
			if (v->kind != JSON_OBJECT)
				return spec_err(
				    e, s, line_of(doc, v), p,
				    "expected an object of old to new "
				    "values, not %s",
				    kind_name(v->kind));
			c->map_from = calloc(v->n + 1, sizeof(char *));
			c->map_to = calloc(v->n + 1, sizeof(char *));
			c->map_len = calloc(v->n + 1, sizeof(size_t));
			c->from_len = calloc(v->n + 1, sizeof(size_t));
			if (!c->map_from || !c->map_to || !c->map_len ||
			    !c->from_len)
				return err_oom(e);
			for (size_t j = 0; j < v->n; j++) {
				const struct json_node *to = &v->kids[j];
				if (to->kind != JSON_STRING)
					return spec_err(
					    e, s, line_of(doc, to), p,
					    "the new value of '%s' must be a "
					    "string, not %s",
					    v->keys[j], kind_name(to->kind));
				if (!(c->map_from[c->nmap] =
					  dupn(v->keys[j], v->keylens[j])) ||
				    !(c->map_to[c->nmap] =
					  dupn(to->str, to->len)))
					return err_oom(e);
				c->from_len[c->nmap] = v->keylens[j];
				c->map_len[c->nmap++] = to->len;
			}
		} else if (strcmp(k, "unmapped") == 0) {
			if (v->kind != JSON_STRING ||
			    (strcmp(v->str, "keep") != 0 &&
			     strcmp(v->str, "null") != 0 &&
			     strcmp(v->str, "error") != 0 &&
			     strcmp(v->str, "reject") != 0))
				return spec_err(e, s, line_of(doc, v), p,
						"expected \"keep\", \"null\", "
						"\"error\" or \"reject\"");
			c->unmapped = strcmp(v->str, "keep") == 0    ? 0
				      : strcmp(v->str, "null") == 0  ? 1
				      : strcmp(v->str, "error") == 0 ? 2
								     : 3;
			if (c->unmapped == 3 && note_reject(s, p, e) < 0)
				return -1;
		} else if (strcmp(k, "cast") == 0) {
			if (parse_cast(s, doc, v, p, c, e) < 0)
				return -1;
		} else if (strcmp(k, "invalid") == 0) {
			if (get_rule(s, doc, v, p, &c->invalid, e) < 0)
				return -1;
		} else if (strcmp(k, "clean") == 0) {
			if (parse_clean(s, doc, v, p, c, e) < 0)
				return -1;
		} else if (strcmp(k, "default") == 0) {
			if (v->kind != JSON_STRING)
				return spec_err(e, s, line_of(doc, v), p,
						"expected a string, not %s",
						kind_name(v->kind));
			if (!(c->deflt = dupn(v->str, v->len)))
				return err_oom(e);
		} else if (strcmp(k, "ambiguous") == 0) {
			if (v->kind != JSON_STRING ||
			    (strcmp(v->str, "error") != 0 &&
			     strcmp(v->str, "earlier") != 0 &&
			     strcmp(v->str, "later") != 0))
				return spec_err(e, s, line_of(doc, v), p,
						"expected \"error\", "
						"\"earlier\" or \"later\"");
			c->ambiguous = strcmp(v->str, "earlier") == 0 ? -1
				       : strcmp(v->str, "later") == 0 ? 1
								      : 0;
		} else if (strcmp(k, "shift") == 0) {
			char *end;
			long long x;
			if (v->kind != JSON_NUMBER)
				return spec_err(
				    e, s, line_of(doc, v), p,
				    "expected a whole number, not %s",
				    kind_name(v->kind));
			errno = 0;
			x = strtoll(v->str, &end, 10);
			if (*end || errno)
				return spec_err(e, s, line_of(doc, v), p,
						"expected a whole number that "
						"fits 64 bits, not %s",
						v->str);
			c->has_shift = true;
			c->shift = (int64_t)x;
		} else {
			return spec_err(
			    e, s, line_of(doc, v), path,
			    "unknown member '%s' (expected rename, "
			    "drop, mask, shift, zone, ambiguous, "
			    "map, unmapped, default, clean, cast or "
			    "invalid)",
			    k);
		}
	}
	if (c->drop && c->rename)
		return spec_err(e, s, c->line, path,
				"drops the column and renames it");
	if (c->drop && c->mask)
		return spec_err(e, s, c->line, path,
				"drops the column and masks it");
	if (c->drop && (c->has_shift || c->zone || c->nmap || c->deflt ||
			c->clean || c->cast_to >= 0))
		return spec_err(e, s, c->line, path,
				"drops the column and converts it");
	return 0;
}

/* "add": {"NAME": {"from_json": COL, "path": [..], "type": T,
 *                  "invalid": "error" | "null" | "reject"}}, or
 *        {"NAME": {"expr": "...", "type": T, "invalid": ...}} */
static int parse_adds(struct spec *s, const char *doc,
		      const struct json_node *n, const char *path,
		      struct table_spec *t, struct err *e)
{
	if (n->kind != JSON_OBJECT)
		return spec_err(e, s, line_of(doc, n), path,
				"expected an object of new columns, not %s",
				kind_name(n->kind));
	if (!(t->adds = calloc(n->n + 1, sizeof(*t->adds))))
		return err_oom(e);
	for (size_t i = 0; i < n->n; i++) {
		const struct json_node *d = &n->kids[i];
		struct add_col *a = &t->adds[t->nadds];
		char p[4 * SCHEMA_MAX_NAME], q[5 * SCHEMA_MAX_NAME];
		const struct json_node *ty = NULL, *pa = NULL, *fr = NULL,
				       *ex = NULL;

		if (!(a->name = dupn(n->keys[i], n->keylens[i])))
			return err_oom(e);
		t->nadds++;
		a->line = line_of(doc, d);
		snprintf(p, sizeof(p), "%s.%s", path, a->name);
		if (n->keylens[i] == 0 || n->keylens[i] > SCHEMA_MAX_NAME)
			return spec_err(e, s, a->line, path,
					"a new column's name must be 1 to "
					"1024 bytes, not %zu",
					n->keylens[i]);
		if (d->kind != JSON_OBJECT)
			return spec_err(e, s, a->line, p,
					"expected an object, not %s",
					kind_name(d->kind));
		for (size_t j = 0; j < d->n; j++) {
			const char *k = d->keys[j];
			const struct json_node *v = &d->kids[j];
			snprintf(q, sizeof(q), "%s.%s", p, k);
			if (strcmp(k, "from_json") == 0)
				fr = v;
			else if (strcmp(k, "path") == 0)
				pa = v;
			else if (strcmp(k, "type") == 0)
				ty = v;
			else if (strcmp(k, "expr") == 0)
				ex = v;
			else if (strcmp(k, "invalid") == 0) {
				if (get_rule(s, doc, v, q, &a->invalid, e) < 0)
					return -1;
			} else
				return spec_err(e, s, line_of(doc, v), p,
						"unknown member '%s' (expected "
						"expr, from_json, path, type "
						"or invalid)",
						k);
		}
		a->type = -1;
		if (ty) {
			snprintf(q, sizeof(q), "%s.type", p);
			if (ty->kind != JSON_STRING ||
			    (a->type = value_type_parse(ty->str)) < 0 ||
			    a->type == VALUE_NULL || a->type == VALUE_ENUM)
				return spec_err(e, s, line_of(doc, ty), q,
						"expected a stream type other "
						"than enum");
		}
		if (ex) {
			struct expr *x;
			snprintf(q, sizeof(q), "%s.expr", p);
			if (fr || pa)
				return spec_err(e, s, a->line, p,
						"a new column is computed by "
						"expr or taken from_json, not "
						"both");
			if (ex->kind != JSON_STRING)
				return spec_err(e, s, line_of(doc, ex), q,
						"expected an expression in a "
						"string, not %s",
						kind_name(ex->kind));
			if (!(a->expr = dupn(ex->str, ex->len)))
				return err_oom(e);
			/* the syntax now; names and types with the table */
			if (!(x = expr_compile(ex->str, ex->len, NULL, 0, e)))
				return spec_err(e, s, line_of(doc, ex), q, "%s",
						e->msg);
			expr_free(x);
			continue;
		}
		if (!fr || !pa || !ty)
			return spec_err(e, s, a->line, p,
					"a new column needs expr, or "
					"from_json, path and type");
		snprintf(q, sizeof(q), "%s.from_json", p);
		if (get_name(s, doc, fr, q, &a->from, e) < 0)
			return -1;
		snprintf(q, sizeof(q), "%s.path", p);
		if (pa->kind != JSON_ARRAY || pa->n == 0)
			return spec_err(e, s, line_of(doc, pa), q,
					"expected an array of member names "
					"(and array indexes)");
		if (!(a->path = calloc(pa->n + 1, sizeof(*a->path))))
			return err_oom(e);
		for (size_t j = 0; j < pa->n; j++) {
			const struct json_node *el = &pa->kids[j];
			if (el->kind == JSON_STRING)
				a->path[j] = dupn(el->str, el->len);
			else if (el->kind == JSON_NUMBER &&
				 strspn(el->str, "0123456789") == el->len)
				a->path[j] = dupn(el->str, el->len);
			else
				return spec_err(
				    e, s, line_of(doc, el), q,
				    "element %zu is neither a "
				    "member name nor an array index",
				    j);
			if (!a->path[j])
				return err_oom(e);
			a->npath++;
		}
	}
	return 0;
}

static int parse_table(struct spec *s, const char *doc,
		       const struct json_node *n, struct table_spec *t,
		       struct err *e)
{
	char path[2 * SCHEMA_MAX_NAME];
	bool all = strcmp(t->name, "*") == 0;

	snprintf(path, sizeof(path), "tables.%s", t->name);
	t->line = line_of(doc, n);
	if (n->kind != JSON_OBJECT)
		return spec_err(e, s, t->line, path,
				"expected an object, not %s",
				kind_name(n->kind));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct json_node *v = &n->kids[i];
		char p[3 * SCHEMA_MAX_NAME];

		snprintf(p, sizeof(p), "%s.%s", path, k);
		if (all &&
		    (strcmp(k, "skip") == 0 || strcmp(k, "rename") == 0 ||
		     strcmp(k, "order") == 0 || strcmp(k, "where") == 0))
			return spec_err(e, s, line_of(doc, v), p,
					"'%s' cannot apply to every table "
					"(\"*\" takes columns only)",
					k);
		if (strcmp(k, "skip") == 0) {
			if (get_bool(s, doc, v, p, &t->skip, e) < 0)
				return -1;
		} else if (strcmp(k, "rename") == 0) {
			if (get_name(s, doc, v, p, &t->rename, e) < 0)
				return -1;
		} else if (strcmp(k, "columns") == 0) {
			if (v->kind != JSON_OBJECT)
				return spec_err(
				    e, s, line_of(doc, v), p,
				    "expected an object of columns, "
				    "not %s",
				    kind_name(v->kind));
			if (!(t->cols = calloc(v->n + 1, sizeof(*t->cols))))
				return err_oom(e);
			for (size_t j = 0; j < v->n; j++) {
				struct col_op *c = &t->cols[t->ncols];
				c->cast_to = -1;
				if (!(c->name =
					  dupn(v->keys[j], v->keylens[j])))
					return err_oom(e);
				t->ncols++;
				if (parse_column(s, doc, &v->kids[j], path, c,
						 e) < 0)
					return -1;
			}
		} else if (strcmp(k, "where") == 0) {
			struct expr *x;
			if (v->kind != JSON_STRING)
				return spec_err(e, s, line_of(doc, v), p,
						"expected an expression in a "
						"string, not %s",
						kind_name(v->kind));
			if (!(t->where = dupn(v->str, v->len)))
				return err_oom(e);
			t->where_line = line_of(doc, v);
			if (!(x = expr_compile(v->str, v->len, NULL, 0, e)))
				return spec_err(e, s, t->where_line, p, "%s",
						e->msg);
			expr_free(x);
		} else if (strcmp(k, "add") == 0) {
			if (all)
				return spec_err(e, s, line_of(doc, v), p,
						"'add' cannot apply to every "
						"table");
			if (parse_adds(s, doc, v, p, t, e) < 0)
				return -1;
		} else if (strcmp(k, "order") == 0) {
			if (v->kind != JSON_ARRAY)
				return spec_err(e, s, line_of(doc, v), p,
						"expected an array of column "
						"names, not %s",
						kind_name(v->kind));
			if (!(t->order = calloc(v->n + 1, sizeof(*t->order))))
				return err_oom(e);
			for (size_t j = 0; j < v->n; j++) {
				char q[4 * SCHEMA_MAX_NAME];
				snprintf(q, sizeof(q), "%s[%zu]", p, j);
				if (get_name(s, doc, &v->kids[j], q,
					     &t->order[t->norder], e) < 0)
					return -1;
				t->norder++;
				for (size_t m = 0; m + 1 < t->norder; m++)
					if (strcmp(t->order[m],
						   t->order[t->norder - 1]) ==
					    0)
						return spec_err(
						    e, s,
						    line_of(doc, &v->kids[j]),
						    q,
						    "column %s is listed "
						    "twice",
						    t->order[m]);
			}
		} else {
			return spec_err(e, s, line_of(doc, v), path,
					"unknown member '%s' (expected %s)", k,
					all ? "columns"
					    : "skip, rename, where, columns, "
					      "add or order");
		}
	}
	if (t->skip &&
	    (t->rename || t->ncols || t->norder || t->nadds || t->where))
		return spec_err(e, s, t->line, path,
				"skips the table and also reshapes it");
	return 0;
}

struct spec *spec_parse(const char *name, const char *json, size_t len,
			struct err *e)
{
	struct spec *s = calloc(1, sizeof(*s));
	struct json_node *root = NULL;
	const struct json_node *tables;

	if (!s) {
		err_oom(e);
		return NULL;
	}
	if (!(s->file = strdup(name))) {
		err_oom(e);
		goto fail;
	}
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		s->now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	if (!(root = json_parse(json, len, e)) ||
	    json_check_strict(root, e) < 0) {
		e->class = ERR_SPEC;
		err_prefix(e, "%s", name);
		goto fail;
	}
	if (root->kind != JSON_OBJECT) {
		spec_err(e, s, 1, "(top)", "expected an object, not %s",
			 kind_name(root->kind));
		goto fail;
	}
	for (size_t i = 0; i < root->n; i++)
		if (strcmp(root->keys[i], "tables") != 0 &&
		    strcmp(root->keys[i], "comment") != 0) {
			spec_err(e, s, line_of(json, &root->kids[i]), "(top)",
				 "unknown member '%s' (expected tables or "
				 "comment)",
				 root->keys[i]);
			goto fail;
		}
	tables = json_get(root, "tables");
	if (!tables) {
		spec_err(e, s, 1, "(top)", "no member 'tables'");
		goto fail;
	}
	if (tables->kind != JSON_OBJECT) {
		spec_err(e, s, line_of(json, tables), "tables",
			 "expected an object of tables, not %s",
			 kind_name(tables->kind));
		goto fail;
	}
	if (!(s->tables = calloc(tables->n + 1, sizeof(*s->tables)))) {
		err_oom(e);
		goto fail;
	}
	for (size_t i = 0; i < tables->n; i++) {
		struct table_spec *t = &s->tables[s->ntables];
		if (!(t->name = dupn(tables->keys[i], tables->keylens[i]))) {
			err_oom(e);
			goto fail;
		}
		s->ntables++;
		if (tables->keylens[i] == 0 ||
		    memchr(tables->keys[i], '\0', tables->keylens[i])) {
			spec_err(e, s, line_of(json, &tables->kids[i]),
				 "tables", "a table name must not be empty");
			goto fail;
		}
		if (parse_table(s, json, &tables->kids[i], t, e) < 0)
			goto fail;
		if (strcmp(t->name, "*") == 0)
			s->all = t;
	}
	json_free(root);
	return s;
fail:
	json_free(root);
	spec_free(s);
	return NULL;
}

struct spec *spec_load(const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	struct spec *s = NULL;
	char chunk[65536];
	size_t n;

	if (!f) {
		err_set(e, errno == ENOENT ? ERR_SPEC : ERR_SYSTEM, "%s: %s",
			path, strerror(errno));
		return NULL;
	}
	buf_init(&b, SPEC_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n, e) < 0) {
			err_set(e, ERR_SPEC, "%s: larger than 16 MiB", path);
			goto out;
		}
	if (ferror(f)) {
		err_set(e, ERR_SYSTEM, "%s: %s", path, strerror(errno));
		goto out;
	}
	s = spec_parse(path, b.data ? (const char *)b.data : "", b.len, e);
out:
	fclose(f);
	buf_release(&b);
	return s;
}

static void table_spec_release(struct table_spec *t)
{
	free(t->name);
	free(t->rename);
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].rename);
		free(t->cols[i].mask_with);
		free(t->cols[i].zone);
		for (size_t k = 0; k < t->cols[i].nmap; k++) {
			free(t->cols[i].map_from[k]);
			free(t->cols[i].map_to[k]);
		}
		free(t->cols[i].map_from);
		free(t->cols[i].map_to);
		free(t->cols[i].map_len);
		free(t->cols[i].from_len);
		free(t->cols[i].deflt);
		if (t->cols[i].key) {
			OPENSSL_cleanse(t->cols[i].key, t->cols[i].keylen);
			free(t->cols[i].key);
		}
	}
	free(t->cols);
	for (size_t i = 0; i < t->norder; i++)
		free(t->order[i]);
	free(t->order);
	for (size_t i = 0; i < t->nadds; i++) {
		free(t->adds[i].name);
		free(t->adds[i].from);
		for (size_t k = 0; k < t->adds[i].npath; k++)
			free(t->adds[i].path[k]);
		free(t->adds[i].path);
		free(t->adds[i].expr);
	}
	free(t->adds);
	free(t->where);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++)
		table_spec_release(&s->tables[i]);
	free(s->tables);
	free(s->file);
	free(s->rejects);
	free(s);
}

struct table_spec *spec_find_table(struct spec *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (&s->tables[i] != s->all &&
		    strcmp(s->tables[i].name, name) == 0)
			return &s->tables[i];
	return NULL;
}

const struct col_op *spec_find_col(const struct table_spec *t, const char *name)
{
	for (size_t i = 0; t && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* the output name of input column c, or NULL when it is dropped */
const char *spec_out_name(const struct table_spec *t,
			  const struct table_spec *all, const char *c)
{
	const struct col_op *op = spec_find_col(t, c);

	if (!op)
		op = spec_find_col(all, c);
	if (!op)
		return c;
	if (op->drop)
		return NULL;
	return op->rename ? op->rename : c;
}

/* The operations on column col of input table `table`: the table's own
 * entry for it, else the "*" entry's, else NULL. */

const char *spec_table_name(const struct spec *s, const char *table)
{
	const struct table_spec *t = spec_find_table((struct spec *)s, table);

	if (!t)
		return table;
	if (t->skip)
		return NULL;
	return t->rename ? t->rename : table;
}

const char *spec_table_source(const struct spec *s, const char *out)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const struct table_spec *t = &s->tables[i];
		if (t != s->all && t->rename && strcmp(t->rename, out) == 0)
			return t->name;
	}
	return out;
}

const char *spec_rejects(const struct spec *s)
{
	return s->rejects;
}
