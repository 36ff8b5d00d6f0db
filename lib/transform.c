#include "transform.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "expr.h"
#include "json.h"
#include "rejects.h"
#include "schema.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SPEC_MAX_BYTES (16u << 20)

/* room for a column's values as its operations remake them */
struct spec_bufs {
	struct buf clean, fmt, parse, mask;
};

struct col_op;
struct schema_table;
static void spec_bufs_init(struct spec_bufs *b);
static void spec_bufs_release(struct spec_bufs *b);
static enum value_type spec_column_type(const struct col_op *op,
					enum value_type from);
static int spec_apply(const struct col_op *op, const struct schema_table *t,
		      const struct value *row, size_t col, struct value *v,
		      struct spec_bufs *b, uint64_t rown, struct err *e);

/* one column's operations */
enum mask_method {
	MASK_NONE,
	MASK_HMAC,	/* hex of HMAC-SHA-256(key, value), 32 digits */
	MASK_EMAIL,	/* 16 hex digits of the HMAC, '@', the domain */
	MASK_REDACT,	/* a fixed text */
	MASK_KEEP_LAST, /* '*' for all but the last n characters */
};

#define MASK_HEX 32	  /* hex digits of a keyed hash kept */
#define MASK_EMAIL_HEX 16 /* of an email's */
#define MASK_MAX_KEEP 1000

struct col_op {
	char *name;
	char *rename; /* or NULL */
	bool drop;
	int line;
	bool used; /* "*": some table has the column */
	enum mask_method mask;
	char *mask_with;    /* MASK_REDACT's text */
	size_t keep;	    /* MASK_KEEP_LAST's n */
	unsigned char *key; /* MASK_HMAC, MASK_EMAIL: from the environment */
	size_t keylen;
	bool has_shift;
	int64_t shift; /* added to an integer column */
	char *zone;    /* a timestamp's wall clock zone: to timestamptz */
	char **map_from, **map_to; /* "map": text and enum values */
	size_t *map_len;	   /* of map_to's */
	size_t *from_len;
	size_t nmap;
	int unmapped;  /* a value the map lacks: 0 kept, 1 NULL, 2 error,
			* 3 reject the row */
	char *deflt;   /* "default": what a NULL becomes, or NULL */
	int cast_to;   /* "cast": the output type, or -1 */
	int cast_unix; /* from unix time: 0 no, 1 seconds, 1000 millis */
	int invalid;   /* a value that does not convert: 0 error, 1 NULL,
			* 2 reject the row */
	bool clean;    /* "clean": any of the three below */
	bool remove_nul, trim;
	int tcase;     /* 0 kept, 1 lower, 2 upper (ASCII letters) */
	int ambiguous; /* a wall time that happens twice: 0 error,
			* -1 the earlier, 1 the later */
};

/* a column added: from a field of a JSON column, or computed */
struct add_col {
	char *name;
	char *from;  /* the JSON column, or NULL */
	char **path; /* member names (array indexes as digits) */
	size_t npath;
	char *expr; /* or an expression (see expr.h), or NULL */
	int type;   /* the column's type; -1: the expression's */
	int invalid; /* 0 error, 1 NULL, 2 reject the row */
	int line;
};

/* one table's entry, or "*" */
struct table_spec {
	char *name;
	bool skip;
	char *rename; /* or NULL */
	struct col_op *cols;
	size_t ncols;
	char **order; /* output names, listed first in this order */
	size_t norder;
	struct add_col *adds;
	size_t nadds;
	char *where; /* keep only rows where this is true, or NULL */
	int where_line;
	int line;
	bool seen;
};

struct spec {
	char *file;
	struct table_spec *tables;
	size_t ntables;
	struct table_spec *all; /* the "*" entry, or NULL */
	int64_t now;		/* now() in expressions: when it was loaded */
	char *rejects;		/* the first rule that rejects rows, or NULL */
};

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
static int spec_err(struct err *e, const struct spec *s, int line,
		    const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int spec_err(struct err *e, const struct spec *s, int line,
		    const char *path, const char *fmt, ...)
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
static int get_rule(struct spec *s, const char *doc,
		    const struct json_node *v, const char *path, int *out,
		    struct err *e)
{
	if (v->kind != JSON_STRING ||
	    (strcmp(v->str, "error") != 0 && strcmp(v->str, "null") != 0 &&
	     strcmp(v->str, "reject") != 0))
		return spec_err(e, s, line_of(doc, v), path,
				"expected \"error\", \"null\" or "
				"\"reject\"");
	*out = strcmp(v->str, "error") == 0 ? 0
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
		if (n->keylens[i] == 0 || d->kind != JSON_OBJECT)
			return spec_err(e, s, a->line, p,
					"expected a named object");
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
				return spec_err(e, s, line_of(doc, ex), q,
						"%s", e->msg);
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

static struct table_spec *find_table(struct spec *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (&s->tables[i] != s->all &&
		    strcmp(s->tables[i].name, name) == 0)
			return &s->tables[i];
	return NULL;
}

static const struct col_op *find_col(const struct table_spec *t,
				     const char *name)
{
	for (size_t i = 0; t && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* the output name of input column c, or NULL when it is dropped */
static const char *out_name(const struct table_spec *t,
			    const struct table_spec *all, const char *c)
{
	const struct col_op *op = find_col(t, c);

	if (!op)
		op = find_col(all, c);
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
	const struct table_spec *t = find_table((struct spec *)s, table);

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

/* A column operation on a column of the wrong type: exit 5 at
 * tables.T.columns.C.MEMBER. */
static int op_type_err(struct spec *s, const struct table_spec *t,
		       const struct schema_table *in,
		       const struct schema_column *col, const struct col_op *op,
		       const char *member, const char *what, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME + 32];

	snprintf(path, sizeof(path), "tables.%s.columns.%s.%s",
		 find_col(t, col->name) ? t->name : "*", col->name, member);
	return spec_err(e, s, op->line, path, "column %s of %s is %s: %s",
			col->name, in->name, value_type_name(col->type), what);
}

/* A map or default on column col of table in: text or enum only; for an
 * enum every old value must be one of its labels, and the output's
 * labels are what the map makes of them (cj: the column's JSON). */
static int plan_map(struct spec *s, const struct table_spec *t,
		    const struct schema_table *in,
		    const struct schema_column *col, const struct col_op *op,
		    cJSON *cj, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];
	cJSON *labels;

	snprintf(path, sizeof(path), "tables.%s.columns.%s",
		 find_col(t, col->name) ? t->name : "*", col->name);
	if (col->type != VALUE_TEXT && col->type != VALUE_ENUM)
		return spec_err(e, s, op->line, path,
				"column %s of %s is %s: map and default apply "
				"to text and enum columns",
				col->name, in->name,
				value_type_name(col->type));
	if (op->unmapped == 1)
		cJSON_ReplaceItemInObjectCaseSensitive(cj, "nullable",
						       cJSON_CreateTrue());
	if (col->type != VALUE_ENUM)
		return 0;
	for (size_t k = 0; k < op->nmap; k++) {
		size_t l;
		for (l = 0; l < col->nlabels; l++)
			if (strcmp(col->labels[l], op->map_from[k]) == 0)
				break;
		if (l == col->nlabels)
			return spec_err(e, s, op->line, path,
					"'%s' is not a label of column %s of "
					"%s",
					op->map_from[k], col->name, in->name);
	}
	/* the new labels, in the old order, each once */
	labels = cJSON_CreateArray();
	if (!labels)
		return err_oom(e);
	for (size_t l = 0; l < col->nlabels; l++) {
		const char *nl = NULL;
		cJSON *it;
		bool dup = false;
		for (size_t k = 0; k < op->nmap; k++)
			if (strcmp(col->labels[l], op->map_from[k]) == 0)
				nl = op->map_to[k];
		if (!nl && op->unmapped == 0)
			nl = col->labels[l];
		if (!nl)
			continue;
		cJSON_ArrayForEach(it, labels) dup |=
		    strcmp(it->valuestring, nl) == 0;
		if (!dup)
			cJSON_AddItemToArray(labels, cJSON_CreateString(nl));
	}
	if (op->deflt) {
		cJSON *it;
		bool found = false;
		cJSON_ArrayForEach(it, labels) found |=
		    strcmp(it->valuestring, op->deflt) == 0;
		if (!found) {
			cJSON_Delete(labels);
			return spec_err(e, s, op->line, path,
					"the default '%s' is not a label of "
					"column %s as the map leaves it",
					op->deflt, col->name);
		}
	}
	cJSON_ReplaceItemInObjectCaseSensitive(cj, "labels", labels);
	/* the source's type named the old labels */
	cJSON_DeleteItemFromObjectCaseSensitive(cj, "source_type");
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* what a rule that sets the row aside returns, the reason in e */
#define REJECTED 1

/*
 * Cast value v of type `from` (column col of row `row`) to op's type:
 * through the value's text form, which the new type must read whole
 * (12.50 is no int64, 7 no bool), except for the direct cases: unix
 * time, a timestamp's date, a bool's 0/1, timestamp and timestamptz.
 * A value that does not convert is an error naming it, or NULL.
 */
static int cast_value(const struct col_op *op, const struct schema_table *t,
		      const struct value *row, size_t col, enum value_type from,
		      struct value *v, struct buf *fb, struct buf *pb,
		      uint64_t rown, struct err *e)
{
	enum value_type to = (enum value_type)op->cast_to;
	struct value out;
	struct err e2;
	char key[256], val[128];

	if (from == to)
		return 0;
	if (op->cast_unix) {
		int64_t x = from == VALUE_INT64 ? v->v.i : (int64_t)v->v.u;
		int64_t us;
		if ((from == VALUE_UINT64 && v->v.u > INT64_MAX) ||
		    __builtin_mul_overflow(
			x, op->cast_unix == 1 ? 1000000 : 1000, &us) ||
		    us == VALUE_TS_NEG_INF || us == VALUE_TS_POS_INF)
			goto invalid;
		v->v.i = us;
		return 0;
	}
	if ((from == VALUE_TIMESTAMP || from == VALUE_TIMESTAMPTZ) &&
	    to == VALUE_DATE) {
		v->v.i = v->v.i == VALUE_TS_NEG_INF ? VALUE_DATE_NEG_INF
			 : v->v.i == VALUE_TS_POS_INF
			     ? VALUE_DATE_POS_INF
			     : floor_div(v->v.i, INT64_C(86400000000));
		return 0;
	}
	if ((from == VALUE_TIMESTAMP && to == VALUE_TIMESTAMPTZ) ||
	    (from == VALUE_TIMESTAMPTZ && to == VALUE_TIMESTAMP))
		return 0; /* zoneless times are UTC in ferry */
	if (from == VALUE_BOOL && (to == VALUE_INT64 || to == VALUE_UINT64)) {
		bool b = v->v.b;
		if (to == VALUE_INT64)
			v->v.i = b;
		else
			v->v.u = b;
		return 0;
	}
	buf_reset(fb);
	buf_reset(pb);
	if (value_format(fb, from, v, VALUE_STYLE_TEXT, &e2) < 0)
		goto invalid;
	memset(&out, 0, sizeof(out));
	/* what the writer would refuse (JSON that is not JSON, ...) is a
	 * value that does not convert */
	if (value_parse(to, fb->data ? (const char *)fb->data : "", fb->len, pb,
			&out, &e2) < 0 ||
	    value_check(to, &out, NULL, 0, &e2) < 0)
		goto invalid;
	*v = out;
	return 0;
invalid:
	if (op->invalid == 1) {
		v->null = true;
		return 0;
	}
	buf_reset(fb);
	if (value_format(fb, from, v, VALUE_STYLE_TEXT, &e2) < 0)
		snprintf(val, sizeof(val), "?");
	else
		err_quote(val, sizeof(val), (const char *)fb->data, fb->len,
			  64);
	err_set(e, op->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
		"table %s, row %" PRIu64 " (%s), column %s: %s '%s' is "
		"not a valid %s",
		t->name, rown, schema_row_key(t, row, key, sizeof(key)),
		t->cols[col].name, value_type_name(from), val,
		value_type_name(to));
	return op->invalid == 2 ? REJECTED : -1;
}

/* The field a names of JSON value j, as a value of a's type in out (into
 * b); NULL where the field is missing or JSON null. */
static int add_value(const struct add_col *a, const struct schema_table *t,
		     const struct value *row, const struct value *j,
		     struct buf *tb, struct buf *b, struct value *out,
		     uint64_t rown, struct err *e)
{
	struct json_node *root;
	const struct json_node *n;
	const char *txt = NULL;
	size_t len = 0;
	struct err e2;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->null = true;
	if (j->null)
		return 0;
	if (!(root = json_parse(j->v.s.p, j->v.s.len, &e2)))
		goto invalid;
	n = root;
	for (size_t i = 0; n && i < a->npath; i++) {
		if (n->kind == JSON_OBJECT)
			n = json_get(n, a->path[i]);
		else if (n->kind == JSON_ARRAY &&
			 strspn(a->path[i], "0123456789") ==
			     strlen(a->path[i])) {
			unsigned long ix = strtoul(a->path[i], NULL, 10);
			n = ix < n->n ? &n->kids[ix] : NULL;
		} else
			n = NULL;
	}
	if (!n || n->kind == JSON_NULL) {
		json_free(root);
		return 0;
	}
	switch (n->kind) {
	case JSON_STRING:
	case JSON_NUMBER:
		txt = n->str;
		len = n->len;
		break;
	case JSON_TRUE: txt = "true", len = 4; break;
	case JSON_FALSE: txt = "false", len = 5; break;
	default: txt = n->raw; len = n->rawlen;
	}
	buf_reset(b);
	buf_reset(tb);
	if (a->type == VALUE_JSON && n->kind == JSON_STRING) {
		/* a string field into a json column stays a JSON string */
		txt = n->raw;
		len = n->rawlen;
	}
	/* the text outlives the parsed tree: a parsed text value points
	 * into it */
	rc = buf_add(tb, txt, len, &e2);
	json_free(root);
	if (rc == 0)
		rc = value_parse((enum value_type)a->type,
				 tb->data ? (const char *)tb->data : "", len, b,
				 out, &e2);
	if (rc == 0) {
		out->null = false;
		if (value_check((enum value_type)a->type, out, NULL, 0, &e2) ==
		    0)
			return 0;
	}
invalid:
	memset(out, 0, sizeof(*out));
	out->null = true;
	if (a->invalid == 1)
		return 0;
	{
		char key[256];
		err_set(e, a->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
			"table %s, row %" PRIu64 " (%s), column %s: "
			"the field does not read as %s",
			t->name, rown, schema_row_key(t, row, key, sizeof(key)),
			a->name, value_type_name((enum value_type)a->type));
		return a->invalid == 2 ? REJECTED : -1;
	}
}

/*
 * Computed column a: expression x on input row `row`, as a value of a's
 * type in out (converted through its text form when the spec names
 * another type: tb, b).  An expression that fails (division by zero) or
 * a result that does not convert follows a's invalid rule.
 */
static int expr_value(const struct add_col *a, struct expr *x,
		      const struct schema_table *t, const struct value *row,
		      struct buf *tb, struct buf *b, struct value *out,
		      uint64_t rown, struct err *e)
{
	const struct value *v;
	enum value_type from = expr_type(x), to;
	struct err e2;
	char key[256], why[ERR_MSG_MAX];

	err_init(&e2);
	if (expr_eval(x, row, &v, &e2) < 0) {
		snprintf(why, sizeof(why), "%s", e2.msg);
		goto invalid;
	}
	*out = *v;
	to = a->type < 0 ? from : (enum value_type)a->type;
	if (v->null || from == to)
		return 0;
	if ((from == VALUE_TIMESTAMP || from == VALUE_TIMESTAMPTZ) &&
	    (to == VALUE_TIMESTAMP || to == VALUE_TIMESTAMPTZ))
		return 0; /* zoneless times are UTC in ferry */
	buf_reset(tb);
	buf_reset(b);
	memset(out, 0, sizeof(*out));
	if (value_format(tb, from, v, VALUE_STYLE_TEXT, &e2) == 0 &&
	    value_parse(to, (const char *)tb->data, tb->len, b, out, &e2) ==
		0 &&
	    value_check(to, out, NULL, 0, &e2) == 0)
		return 0;
	{
		char val[128];
		err_quote(val, sizeof(val), (const char *)tb->data, tb->len,
			  64);
		snprintf(why, sizeof(why), "%s '%s' is not a valid %s",
			 value_type_name(from), val, value_type_name(to));
	}
invalid:
	memset(out, 0, sizeof(*out));
	out->null = true;
	if (a->invalid == 1)
		return 0;
	err_set(e, a->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
		"table %s, row %" PRIu64 " (%s), column %s: %s", t->name, rown,
		schema_row_key(t, row, key, sizeof(key)), a->name, why);
	return a->invalid == 2 ? REJECTED : -1;
}

/* Clean text value v (v then points into b). */
static int clean_value(const struct col_op *op, struct buf *b, struct value *v,
		       struct err *e)
{
	const unsigned char *p = (const unsigned char *)v->v.s.p;
	size_t len = v->v.s.len, start = 0, end = len;

	if (op->trim) {
		while (start < end && (p[start] == ' ' || p[start] == '\t' ||
				       p[start] == '\n' || p[start] == '\r' ||
				       p[start] == '\f' || p[start] == '\v'))
			start++;
		while (end > start &&
		       (p[end - 1] == ' ' || p[end - 1] == '\t' ||
			p[end - 1] == '\n' || p[end - 1] == '\r' ||
			p[end - 1] == '\f' || p[end - 1] == '\v'))
			end--;
	}
	buf_reset(b);
	if (buf_reserve(b, end - start + 1, e) < 0)
		return -1;
	for (size_t i = start; i < end; i++) {
		unsigned char ch = p[i];
		if (ch == 0 && op->remove_nul)
			continue;
		if (op->tcase == 1 && ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		else if (op->tcase == 2 && ch >= 'a' && ch <= 'z')
			ch = (unsigned char)(ch - 'a' + 'A');
		b->data[b->len++] = ch;
	}
	b->data[b->len] = '\0';
	v->v.s.p = (const char *)b->data;
	v->v.s.len = b->len;
	return 0;
}

/* Map value v (column col of row `row`), or default it when NULL. */
static int map_value(const struct col_op *op, const struct schema_table *t,
		     const struct value *row, size_t col, struct value *v,
		     uint64_t rown, struct err *e)
{
	if (v->null) {
		if (op->deflt) {
			v->null = false;
			v->v.s.p = op->deflt;
			v->v.s.len = strlen(op->deflt);
		}
		return 0;
	}
	for (size_t k = 0; k < op->nmap; k++)
		if (v->v.s.len == op->from_len[k] &&
		    memcmp(v->v.s.p, op->map_from[k], v->v.s.len) == 0) {
			v->v.s.p = op->map_to[k];
			v->v.s.len = op->map_len[k];
			return 0;
		}
	if (op->nmap && op->unmapped == 1) {
		v->null = true;
		return 0;
	}
	if (op->nmap && op->unmapped >= 2) {
		char key[256], val[128];
		err_quote(val, sizeof(val), v->v.s.p, v->v.s.len, 64);
		err_set(e, op->unmapped == 3 ? ERR_REJECTS : ERR_SPEC,
			"table %s, row %" PRIu64 " (%s), column %s: "
			"value '%s' is not in the map",
			t->name, rown, schema_row_key(t, row, key, sizeof(key)),
			t->cols[col].name, val);
		return op->unmapped == 3 ? REJECTED : -1;
	}
	return 0;
}

/* one table's plan: output column i is input column from[i], reshaped by
 * ops[i] when that is not NULL, into bufs[i] */
struct spec_plan {
	const struct schema_table *in;
	struct schema_table *out;
	size_t *from;
	struct value *row;
	const struct col_op **ops; /* output column i's operations, or NULL */
	struct spec_bufs *bufs;	   /* and room for its values */
	size_t nmask;
	/* added columns: output nmask + k is adds[k], from input column
	 * add_from[k], parsed into abuf[k] */
	const struct add_col *adds;
	size_t nadds;
	size_t *add_from;
	struct buf *abuf;
	struct expr **ax; /* added column k's expression, or NULL */
	struct expr *where;
};

static void plan_release(struct spec_plan *p)
{
	schema_table_free(p->out);
	free(p->from);
	free(p->row);
	free(p->ops);
	for (size_t i = 0; p->bufs && i < p->nmask; i++)
		spec_bufs_release(&p->bufs[i]);
	free(p->bufs);
	for (size_t i = 0; p->abuf && i < 2 * p->nadds; i++)
		buf_release(&p->abuf[i]);
	free(p->abuf);
	free(p->add_from);
	for (size_t i = 0; p->ax && i < p->nadds; i++)
		expr_free(p->ax[i]);
	free(p->ax);
	expr_free(p->where);
	memset(p, 0, sizeof(*p));
}

static void add_hex(struct buf *b, const unsigned char *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		b->data[b->len++] = (unsigned char)hex[d[i] >> 4];
		b->data[b->len++] = (unsigned char)hex[d[i] & 15];
	}
	b->data[b->len] = '\0';
}

/* Add op's shift to integer value v of row `row` of input table t; an
 * overflow names the table, row, key and column. */
static int shift_value(const struct col_op *op, const struct schema_table *t,
		       const struct value *row, enum value_type type,
		       struct value *v, uint64_t rown, struct err *e)
{
	int64_t d = op->shift;
	bool over;

	if (type == VALUE_INT64) {
		int64_t r;
		over = __builtin_add_overflow(v->v.i, d, &r);
		if (!over)
			v->v.i = r;
	} else {
		uint64_t r;
		over = d >= 0 ? __builtin_add_overflow(v->v.u, (uint64_t)d, &r)
			      : __builtin_sub_overflow(
				    v->v.u, (uint64_t)0 - (uint64_t)d, &r);
		if (!over)
			v->v.u = r;
	}
	if (over) {
		char key[256];
		char val[32];
		if (type == VALUE_INT64)
			snprintf(val, sizeof(val), "%" PRId64, v->v.i);
		else
			snprintf(val, sizeof(val), "%" PRIu64, v->v.u);
		return err_set(e, ERR_SPEC,
			       "table %s, row %" PRIu64 " (%s), column %s: "
			       "%s shifted by %" PRId64 " is out of range",
			       t->name, rown,
			       schema_row_key(t, row, key, sizeof(key)),
			       op->name, val, d);
	}
	return 0;
}

/* the zone localtime_r works in */
static char current_zone[256];

static long gmtoff_at(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return LONG_MIN;
	return tm.tm_gmtoff;
}

/*
 * Timestamp v, a wall clock time in op's zone, to the instant it names
 * (microseconds since the epoch, UTC).  A time the zone skips (a
 * daylight-saving gap) is an error; one it passes twice is an error or
 * the earlier or later instant, as the spec says.
 */
static int zone_value(const struct col_op *op, const struct schema_table *t,
		      const struct value *row, size_t col, struct value *v,
		      uint64_t rown, struct err *e)
{
	int64_t us = v->v.i, secs, frac;
	time_t L, cand[3], ok[3];
	long offs[3];
	size_t nok = 0;

	if (us == VALUE_TS_NEG_INF || us == VALUE_TS_POS_INF)
		return 0;
	if (strcmp(current_zone, op->zone) != 0) {
		snprintf(current_zone, sizeof(current_zone), "%s", op->zone);
		setenv("TZ", op->zone, 1);
		tzset();
	}
	secs = us / 1000000;
	frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	L = (time_t)secs;
	/* the offsets in force around L; each gives a candidate instant,
	 * good when the zone shows L at that instant */
	offs[0] = gmtoff_at(L - 86400);
	offs[1] = gmtoff_at(L);
	offs[2] = gmtoff_at(L + 86400);
	for (size_t i = 0; i < 3; i++) {
		bool dup = false;
		if (offs[i] == LONG_MIN)
			continue;
		cand[i] = L - offs[i];
		for (size_t k = 0; k < nok; k++)
			dup |= ok[k] == cand[i];
		if (!dup && gmtoff_at(cand[i]) == offs[i])
			ok[nok++] = cand[i];
	}
	if (nok == 1 || (nok == 2 && op->ambiguous)) {
		time_t u = ok[0];
		if (nok == 2 && ((op->ambiguous < 0) == (ok[1] < ok[0])))
			u = ok[1];
		v->v.i = (int64_t)u * 1000000 + frac;
		return 0;
	}
	{
		char key[256], val[64];
		struct buf b;
		struct err e2;
		buf_init(&b, 64);
		if (value_format(&b, VALUE_TIMESTAMP, v, VALUE_STYLE_TEXT,
				 &e2) < 0)
			buf_release(&b);
		snprintf(val, sizeof(val), "%s", b.data ? (char *)b.data : "?");
		buf_release(&b);
		return err_set(
		    e, ERR_SPEC,
		    "table %s, row %" PRIu64 " (%s), column %s: %s "
		    "%s in %s%s",
		    t->name, rown, schema_row_key(t, row, key, sizeof(key)),
		    t->cols[col].name, val,
		    nok == 0 ? "does not exist" : "happens twice", op->zone,
		    nok == 0 ? " (a daylight-saving gap)"
			     : " (set \"ambiguous\" to "
			       "\"earlier\" or \"later\")");
	}
}

/* Mask text value v in place (v then points into b). */
static int mask_value(const struct col_op *op, struct buf *b, struct value *v,
		      struct err *e)
{
	const unsigned char *p = (const unsigned char *)v->v.s.p;
	size_t len = v->v.s.len;

	buf_reset(b);
	switch (op->mask) {
	case MASK_HMAC:
	case MASK_EMAIL: {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		const unsigned char *at = NULL;
		if (!HMAC(EVP_sha256(), op->key, (int)op->keylen, p, len, md,
			  &mdlen) ||
		    mdlen < MASK_HEX / 2)
			return err_set(e, ERR_SYSTEM, "HMAC-SHA-256 failed");
		for (size_t i = len; op->mask == MASK_EMAIL && i > 0; i--)
			if (p[i - 1] == '@') {
				at = p + i - 1;
				break;
			}
		if (buf_reserve(b, MASK_HEX + (at ? len : 0) + 1, e) < 0)
			return -1;
		/* an email keeps its domain; without an '@' it is hashed
		 * whole, like hmac */
		add_hex(b, md, at ? MASK_EMAIL_HEX / 2 : MASK_HEX / 2);
		if (at && buf_add(b, at, len - (size_t)(at - p), e) < 0)
			return -1;
		break;
	}
	case MASK_REDACT:
		if (buf_adds(b, op->mask_with, e) < 0)
			return -1;
		break;
	case MASK_KEEP_LAST: {
		size_t chars = 0, skip, i = 0;
		for (size_t k = 0; k < len; k++)
			chars += (p[k] & 0xC0) != 0x80;
		if (chars <= op->keep)
			return 0; /* nothing to hide */
		skip = chars - op->keep;
		/* past the first `skip` characters */
		for (size_t n = 0; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80 && n++ == skip)
				break;
		}
		if (buf_reserve(b, skip + (len - i) + 1, e) < 0)
			return -1;
		memset(b->data, '*', skip);
		b->len = skip;
		if (buf_add(b, p + i, len - i, e) < 0)
			return -1;
		break;
	}
	default: return 0;
	}
	v->v.s.p = (const char *)(b->data ? b->data : (unsigned char *)"");
	v->v.s.len = b->len;
	return 0;
}

/* Rename a member array of column names through map (in -> out names);
 * 1 when one of them is dropped. */
static int map_names(cJSON *arr, const struct schema_table *in,
		     const struct table_spec *t, const struct table_spec *all)
{
	cJSON *it;
	int dropped = 0;

	cJSON_ArrayForEach(it, arr)
	{
		const char *o;
		if (!cJSON_IsString(it))
			continue;
		if (schema_column_index(in, it->valuestring) < 0)
			continue;
		o = out_name(t, all, it->valuestring);
		if (!o)
			dropped = 1;
		else if (strcmp(o, it->valuestring) != 0)
			cJSON_SetValuestring(it, o);
	}
	return dropped;
}

/*
 * The plan for input table `in`: checks the table's entry against its
 * columns (before any row is read) and builds the output schema through
 * its JSON form, so that the key, watermark and indexes follow the
 * columns by name.
 */
static int plan_table(struct spec *s, struct table_spec *t,
		      const struct schema_table *in, struct spec_plan *p,
		      struct err *e)
{
	char *js = NULL, *outjs = NULL;
	cJSON *j = NULL, *cols, *newcols, *m;
	size_t nout = 0;
	char path[3 * SCHEMA_MAX_NAME];
	int rc = -1;
	struct table_spec *all = s->all;

	memset(p, 0, sizeof(*p));
	/* every column the entry names must exist */
	for (size_t i = 0; t && i < t->ncols; i++)
		if (schema_column_index(in, t->cols[i].name) < 0) {
			snprintf(path, sizeof(path), "tables.%s.columns.%s",
				 t->name, t->cols[i].name);
			return spec_err(e, s, t->cols[i].line, path,
					"table %s has no column %s", in->name,
					t->cols[i].name);
		}
	for (size_t i = 0; all && i < all->ncols; i++)
		if (schema_column_index(in, all->cols[i].name) >= 0)
			all->cols[i].used = true;
	if (!(p->from = calloc(in->ncols + 1, sizeof(*p->from))) ||
	    !(p->row =
		  calloc(in->ncols + (t ? t->nadds : 0) + 1, sizeof(*p->row))))
		return err_oom(e);
	if (!(js = schema_table_to_json(in, e)))
		goto out;
	if (!(j = cJSON_Parse(js))) {
		err_set(e, ERR_SYSTEM, "internal error: schema JSON");
		goto out;
	}
	cols = cJSON_GetObjectItemCaseSensitive(j, "columns");
	newcols = cJSON_CreateArray();
	if (!cols || !newcols) {
		cJSON_Delete(newcols);
		err_oom(e);
		goto out;
	}
	/* the columns in "order" first, in that order, then the rest */
	for (size_t pass = 0; pass < 2; pass++) {
		size_t nlist = pass == 0 && t ? t->norder : 0;
		for (size_t k = 0; k < (pass == 0 ? nlist : in->ncols); k++) {
			size_t i = k;
			const char *o;
			cJSON *c;
			if (pass == 0) {
				/* find the input column whose output name is
				 * order[k] */
				for (i = 0; i < in->ncols; i++) {
					o = out_name(t, all, in->cols[i].name);
					if (o && strcmp(o, t->order[k]) == 0)
						break;
				}
				if (i == in->ncols) {
					snprintf(path, sizeof(path),
						 "tables.%s.order[%zu]",
						 t->name, k);
					spec_err(e, s, t->line, path,
						 "table %s has no output "
						 "column %s",
						 in->name, t->order[k]);
					cJSON_Delete(newcols);
					goto out;
				}
			} else {
				size_t m2;
				o = out_name(t, all, in->cols[i].name);
				if (!o)
					continue;
				for (m2 = 0; t && m2 < t->norder; m2++)
					if (strcmp(o, t->order[m2]) == 0)
						break;
				if (t && m2 < t->norder)
					continue; /* placed already */
			}
			o = out_name(t, all, in->cols[i].name);
			for (size_t q = 0; q < nout; q++)
				if (strcmp(in->cols[p->from[q]].name,
					   in->cols[i].name) != 0 &&
				    strcmp(out_name(t, all,
						    in->cols[p->from[q]].name),
					   o) == 0) {
					snprintf(path, sizeof(path),
						 "tables.%s.columns",
						 t ? t->name : "*");
					spec_err(e, s, t ? t->line : all->line,
						 path,
						 "two columns of the output "
						 "are named %s (in table %s)",
						 o, in->name);
					cJSON_Delete(newcols);
					goto out;
				}
			c = cJSON_Duplicate(cJSON_GetArrayItem(cols, (int)i),
					    1);
			if (!c) {
				cJSON_Delete(newcols);
				err_oom(e);
				goto out;
			}
			cJSON_ReplaceItemInObjectCaseSensitive(
			    c, "name", cJSON_CreateString(o));
			cJSON_AddItemToArray(newcols, c);
			p->from[nout++] = i;
		}
	}
	/* each column's operations, checked against its type */
	if (!(p->ops = calloc(nout + 1, sizeof(*p->ops))) ||
	    !(p->bufs = calloc(nout + 1, sizeof(*p->bufs)))) {
		cJSON_Delete(newcols);
		err_oom(e);
		goto out;
	}
	p->nmask = nout;
	for (size_t i = 0; i < nout; i++) {
		const struct schema_column *col = &in->cols[p->from[i]];
		const struct col_op *op = find_col(t, col->name);
		if (!op)
			op = find_col(all, col->name);
		spec_bufs_init(&p->bufs[i]);
		p->ops[i] = op;
		/* a zone first: a cast after it sets the final type */
		if (op && op->zone) {
			cJSON *cj = cJSON_GetArrayItem(newcols, (int)i);
			if (col->type != VALUE_TIMESTAMP) {
				op_type_err(
				    s, t, in, col, op, "zone",
				    "a zone applies to a timestamp (a DATETIME)",
				    e);
				cJSON_Delete(newcols);
				goto out;
			}
			/* the column becomes a timestamptz; the source's
			 * type no longer describes it */
			cJSON_ReplaceItemInObjectCaseSensitive(
			    cj, "type", cJSON_CreateString("timestamptz"));
			cJSON_DeleteItemFromObjectCaseSensitive(cj,
								"source_type");
		}
		if (op && op->cast_to >= 0) {
			cJSON *cj = cJSON_GetArrayItem(newcols, (int)i);
			if (op->cast_unix && col->type != VALUE_INT64 &&
			    col->type != VALUE_UINT64) {
				op_type_err(
				    s, t, in, col, op, "cast",
				    "unix time comes from an integer column",
				    e);
				cJSON_Delete(newcols);
				goto out;
			}
			/* the column takes its new type; what described
			 * the old one goes */
			cJSON_ReplaceItemInObjectCaseSensitive(
			    cj, "type",
			    cJSON_CreateString(
				value_type_name((enum value_type)op->cast_to)));
			cJSON_DeleteItemFromObjectCaseSensitive(cj,
								"source_type");
			cJSON_DeleteItemFromObjectCaseSensitive(cj, "labels");
			cJSON_DeleteItemFromObjectCaseSensitive(cj, "length");
			cJSON_DeleteItemFromObjectCaseSensitive(cj,
								"precision");
			cJSON_DeleteItemFromObjectCaseSensitive(cj, "scale");
			if (op->invalid)
				cJSON_ReplaceItemInObjectCaseSensitive(
				    cj, "nullable", cJSON_CreateTrue());
		}
		if (op && op->clean) {
			if (col->type != VALUE_TEXT) {
				op_type_err(s, t, in, col, op, "clean",
					    "clean applies to text", e);
				cJSON_Delete(newcols);
				goto out;
			}
		}
		if (op && op->has_shift) {
			if (col->type != VALUE_INT64 &&
			    col->type != VALUE_UINT64) {
				op_type_err(s, t, in, col, op, "shift",
					    "shifts apply to integers", e);
				cJSON_Delete(newcols);
				goto out;
			}
		}
		if (op && (op->nmap || op->deflt)) {
			if (plan_map(s, t, in, col, op,
				     cJSON_GetArrayItem(newcols, (int)i),
				     e) < 0) {
				cJSON_Delete(newcols);
				goto out;
			}
		}
		if (op && op->mask &&
		    spec_column_type(op, col->type) != VALUE_TEXT) {
			op_type_err(s, t, in, col, op, "mask",
				    "masks apply to text", e);
			cJSON_Delete(newcols);
			goto out;
		}
	}
	/* columns added from JSON fields, after the others */
	if (t && t->nadds) {
		if (!(p->add_from = calloc(t->nadds, sizeof(*p->add_from))) ||
		    !(p->abuf = calloc(2 * t->nadds, sizeof(*p->abuf))) ||
		    !(p->ax = calloc(t->nadds, sizeof(*p->ax)))) {
			cJSON_Delete(newcols);
			err_oom(e);
			goto out;
		}
		p->adds = t->adds;
		p->nadds = t->nadds;
		for (size_t k = 0; k < t->nadds; k++) {
			const struct add_col *a = &t->adds[k];
			int fi = a->from ? schema_column_index(in, a->from) : 0;
			enum value_type ty = (enum value_type)a->type;
			cJSON *c, *it;
			buf_init(&p->abuf[2 * k],
				 (size_t)STREAM_MAX_ROW * 2 + 64);
			buf_init(&p->abuf[2 * k + 1],
				 (size_t)STREAM_MAX_ROW * 2 + 64);
			snprintf(path, sizeof(path), "tables.%s.add.%s",
				 t->name, a->name);
			if (a->expr) {
				size_t pl = strlen(path);
				snprintf(path + pl, sizeof(path) - pl, ".expr");
				if (!(p->ax[k] = expr_compile(
					  a->expr, strlen(a->expr), in, s->now,
					  e))) {
					spec_err(e, s, a->line, path, "%s",
						 e->msg);
					cJSON_Delete(newcols);
					goto out;
				}
				path[pl] = '\0';
				if (a->type < 0)
					ty = expr_type(p->ax[k]);
				if (ty == VALUE_NULL) {
					spec_err(e, s, a->line, path,
						 "the expression is always "
						 "NULL: give the column a type");
					cJSON_Delete(newcols);
					goto out;
				}
			} else if (fi < 0 || in->cols[fi].type != VALUE_JSON) {
				if (fi < 0)
					spec_err(e, s, a->line, path,
						 "table %s has no column %s",
						 in->name, a->from);
				else
					spec_err(
					    e, s, a->line, path,
					    "column %s of %s is %s, not "
					    "json",
					    a->from, in->name,
					    value_type_name(in->cols[fi].type));
				cJSON_Delete(newcols);
				goto out;
			}
			cJSON_ArrayForEach(it, newcols)
			{
				cJSON *nm = cJSON_GetObjectItemCaseSensitive(
				    it, "name");
				if (cJSON_IsString(nm) &&
				    strcmp(nm->valuestring, a->name) == 0) {
					spec_err(e, s, a->line, path,
						 "table %s already has an "
						 "output column %s",
						 in->name, a->name);
					cJSON_Delete(newcols);
					goto out;
				}
			}
			p->add_from[k] = (size_t)fi;
			c = cJSON_CreateObject();
			if (!c ||
			    !cJSON_AddStringToObject(c, "name", a->name) ||
			    !cJSON_AddStringToObject(c, "type",
						     value_type_name(ty)) ||
			    !cJSON_AddBoolToObject(c, "nullable", 1)) {
				cJSON_Delete(c);
				cJSON_Delete(newcols);
				err_oom(e);
				goto out;
			}
			cJSON_AddItemToArray(newcols, c);
		}
	}
	if (t && t->where) {
		snprintf(path, sizeof(path), "tables.%s.where", t->name);
		if (!(p->where = expr_compile(t->where, strlen(t->where), in,
					      s->now, e))) {
			spec_err(e, s, t->where_line, path, "%s", e->msg);
			cJSON_Delete(newcols);
			goto out;
		}
		if (expr_type(p->where) != VALUE_BOOL &&
		    expr_type(p->where) != VALUE_NULL) {
			spec_err(e, s, t->where_line, path,
				 "a filter must be true or false, not %s",
				 value_type_name(expr_type(p->where)));
			cJSON_Delete(newcols);
			goto out;
		}
	}
	p->in = in;
	if (nout == 0) {
		snprintf(path, sizeof(path), "tables.%s", t ? t->name : "*");
		spec_err(e, s, t ? t->line : all->line, path,
			 "leaves table %s no column", in->name);
		cJSON_Delete(newcols);
		goto out;
	}
	/* the key, the watermark and the indexes follow their columns */
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "primary_key")) &&
	    map_names(m, in, t, all)) {
		snprintf(path, sizeof(path), "tables.%s.columns",
			 t ? t->name : "*");
		spec_err(e, s, t ? t->line : all->line, path,
			 "drops a column of the primary key of %s", in->name);
		cJSON_Delete(newcols);
		goto out;
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "watermark")) &&
	    cJSON_IsString(m)) {
		const char *o = out_name(t, all, m->valuestring);
		if (!o)
			cJSON_DeleteItemFromObjectCaseSensitive(j, "watermark");
		else
			cJSON_SetValuestring(m, o);
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "indexes"))) {
		/* an index on a dropped column goes with it */
		for (int i = cJSON_GetArraySize(m) - 1; i >= 0; i--) {
			cJSON *ix = cJSON_GetArrayItem(m, i);
			cJSON *ic =
			    cJSON_GetObjectItemCaseSensitive(ix, "columns");
			if (ic && map_names(ic, in, t, all))
				cJSON_DeleteItemFromArray(m, i);
		}
	}
	cJSON_ReplaceItemInObjectCaseSensitive(j, "columns", newcols);
	if (t && t->rename)
		cJSON_ReplaceItemInObjectCaseSensitive(
		    j, "name", cJSON_CreateString(t->rename));
	if (!(outjs = cJSON_PrintUnformatted(j))) {
		err_oom(e);
		goto out;
	}
	if (!(p->out = schema_table_parse(outjs, strlen(outjs), e))) {
		err_prefix(e, "internal error: the schema of %s after the spec",
			   in->name);
		e->class = ERR_SYSTEM;
		goto out;
	}
	rc = 0;
out:
	free(js);
	free(outjs);
	cJSON_Delete(j);
	if (rc < 0)
		plan_release(p);
	return rc;
}

static enum value_type spec_column_type(const struct col_op *op, enum value_type from)
{
	if (op && op->cast_to >= 0)
		return (enum value_type)op->cast_to;
	if (op && op->zone)
		return VALUE_TIMESTAMPTZ;
	return from;
}

static void spec_bufs_init(struct spec_bufs *b)
{
	buf_init(&b->clean, (size_t)STREAM_MAX_ROW);
	buf_init(&b->fmt, (size_t)STREAM_MAX_ROW * 2 + 64);
	buf_init(&b->parse, (size_t)STREAM_MAX_ROW * 2 + 64);
	buf_init(&b->mask, (size_t)STREAM_MAX_ROW);
}

static void spec_bufs_release(struct spec_bufs *b)
{
	buf_release(&b->clean);
	buf_release(&b->fmt);
	buf_release(&b->parse);
	buf_release(&b->mask);
}

/* Run op's operations on value v of column col (of row `row` of table t),
 * in their order: shift, clean, map and default, zone, cast, mask.  b:
 * room for the value's new forms.  0, REJECTED, or -1. */
static int spec_apply(const struct col_op *op, const struct schema_table *t,
	       const struct value *row, size_t col, struct value *v,
	       struct spec_bufs *b, uint64_t rown, struct err *e)
{
	enum value_type ty = t->cols[col].type;
	int rc;

	if (op->has_shift && !v->null &&
	    shift_value(op, t, row, ty, v, rown, e) < 0)
		return -1;
	if (op->clean && !v->null && clean_value(op, &b->clean, v, e) < 0)
		return -1;
	if ((op->nmap || op->deflt) &&
	    (rc = map_value(op, t, row, col, v, rown, e)) != 0)
		return rc;
	if (op->zone) {
		if (!v->null && zone_value(op, t, row, col, v, rown, e) < 0)
			return -1;
		ty = VALUE_TIMESTAMPTZ; /* an instant now */
	}
	if (op->cast_to >= 0 && !v->null &&
	    (rc = cast_value(op, t, row, col, ty, v, &b->fmt, &b->parse, rown,
			     e)) != 0)
		return rc;
	if (op->mask && !v->null && mask_value(op, &b->mask, v, e) < 0)
		return -1;
	return 0;
}

int spec_plan_new(struct spec *s, const struct schema_table *t,
		  struct spec_plan **out, struct err *e)
{
	struct table_spec *ts = find_table(s, t->name);
	struct spec_plan *p;

	*out = NULL;
	if (ts)
		ts->seen = true;
	if (ts && ts->skip)
		return 0;
	if (!(p = calloc(1, sizeof(*p))))
		return err_oom(e);
	if (plan_table(s, ts, t, p, e) < 0) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

const struct schema_table *spec_plan_schema(const struct spec_plan *p)
{
	return p->out;
}

int spec_plan_source(const struct spec_plan *p, size_t col)
{
	return col < p->nmask ? (int)p->from[col] : -1;
}

const char *spec_plan_reorders_key(const struct spec_plan *p)
{
	for (size_t i = 0; i < p->out->npk; i++) {
		size_t c = p->out->pk[i];
		const struct col_op *op = c < p->nmask ? p->ops[c] : NULL;
		if (op && (op->cast_to >= 0 || op->mask || op->nmap ||
			   op->clean || op->zone))
			return p->out->cols[c].name;
	}
	return NULL;
}

int spec_plan_row(struct spec_plan *p, const struct value *row, uint64_t rown,
		  const struct value **out, struct err *e)
{
	int rc;

	if (p->where) {
		const struct value *w;
		if (expr_eval(p->where, row, &w, e) < 0) {
			char key[256];
			return err_prefix(e,
					  "table %s, row %" PRIu64
					  " (%s): the filter (where)",
					  p->in->name, rown,
					  schema_row_key(p->in, row, key,
							 sizeof(key)));
		}
		if (w->null || !w->v.b)
			return 0;
	}
	for (size_t i = 0; i < p->nmask; i++) {
		p->row[i] = row[p->from[i]];
		if (p->ops[i] &&
		    (rc = spec_apply(p->ops[i], p->in, row, p->from[i],
				     &p->row[i], &p->bufs[i], rown, e)) != 0)
			return rc < 0 ? -1 : 2;
	}
	for (size_t k = 0; k < p->nadds; k++) {
		struct value *v = &p->row[p->nmask + k];
		rc = p->ax[k] ? expr_value(&p->adds[k], p->ax[k], p->in, row,
					   &p->abuf[2 * k],
					   &p->abuf[2 * k + 1], v, rown, e)
			      : add_value(&p->adds[k], p->in, row,
					  &row[p->add_from[k]],
					  &p->abuf[2 * k],
					  &p->abuf[2 * k + 1], v, rown, e);
		if (rc != 0)
			return rc < 0 ? -1 : 2;
	}
	*out = p->row;
	return 1;
}

void spec_plan_free(struct spec_plan *p)
{
	if (!p)
		return;
	plan_release(p);
	free(p);
}

const char *spec_rejects(const struct spec *s)
{
	return s->rejects;
}

int spec_check_table(struct spec *s, const struct schema_table *t,
		     struct err *e)
{
	struct spec_plan *p;

	if (spec_plan_new(s, t, &p, e) < 0)
		return -1;
	spec_plan_free(p);
	return 0;
}

int transform_run(struct spec *s, FILE *in, const char *in_name,
		  struct stream_writer *w, struct rejects *rj,
		  struct transform_stats *st, struct err *e)
{
	struct stream_reader *r = stream_reader_new(in, in_name, e);
	const struct schema_table *t;
	struct spec_plan *p = NULL;
	int rc = -1, trc;

	memset(st, 0, sizeof(*st));
	if (!r)
		return -1;
	while ((trc = stream_reader_next_table(r, &t, e)) == 1) {
		const struct value *row, *orow;
		uint64_t rown = 0;
		int rrc;

		st->tables_in++;
		spec_plan_free(p);
		if (spec_plan_new(s, t, &p, e) < 0)
			goto out;
		if (!p)
			continue; /* skipped: the reader checks its rows on */
		if (stream_writer_begin_table(w, p->out, e) < 0)
			goto out;
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			int prc = spec_plan_row(p, row, ++rown, &orow, e);
			if (prc < 0)
				goto out;
			if (prc == 0) {
				st->filtered++;
				continue;
			}
			if (prc == 2) {
				char why[ERR_MSG_MAX];
				snprintf(why, sizeof(why), "%s", e->msg);
				if (!rj) {
					e->class = ERR_SPEC;
					goto out;
				}
				if (rejects_add(rj, t, row, why, e) < 0)
					goto out;
				st->rejected++;
				continue;
			}
			if (stream_writer_add_row(w, orow, e) < 0)
				goto out;
			st->rows++;
		}
		if (rrc < 0) {
			err_prefix(e, "%s", in_name);
			goto out;
		}
		if (stream_writer_end_table(w, e) < 0)
			goto out;
		if (rj && rejects_end_table(rj, e) < 0)
			goto out;
		st->tables_out++;
	}
	if (trc < 0) {
		err_prefix(e, "%s", in_name);
		goto out;
	}
	/* a table the spec names but the stream lacks is likely a typo,
	 * and one that would leave, say, a masking undone */
	for (size_t i = 0; i < s->ntables; i++)
		if (&s->tables[i] != s->all && !s->tables[i].seen) {
			char path[2 * SCHEMA_MAX_NAME];
			snprintf(path, sizeof(path), "tables.%s",
				 s->tables[i].name);
			spec_err(e, s, s->tables[i].line, path,
				 "the stream has no table %s",
				 s->tables[i].name);
			goto out;
		}
	for (size_t i = 0; s->all && i < s->all->ncols; i++)
		if (!s->all->cols[i].used) {
			char path[2 * SCHEMA_MAX_NAME];
			snprintf(path, sizeof(path), "tables.*.columns.%s",
				 s->all->cols[i].name);
			spec_err(e, s, s->all->cols[i].line, path,
				 "no table in the stream has a column %s",
				 s->all->cols[i].name);
			goto out;
		}
	if (stream_writer_finish(w, e) < 0)
		goto out;
	rc = 0;
out:
	spec_plan_free(p);
	stream_reader_free(r);
	return rc;
}
