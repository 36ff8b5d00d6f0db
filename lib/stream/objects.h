/*
 * objects - what a source holds that the stream does not carry: its
 * triggers, views, routines, events, constraints and indexes ferry cannot
 * make, comments, grants and the like, by kind and name.  The payload of
 * a stream's objects frame (kind 5, since 1.3; ferry-stream(5),
 * schemas/stream-objects.schema.json):
 *
 *   {"objects": [{"kind": "trigger", "table": "users", "name": "users_bi",
 *                 "detail": "BEFORE INSERT"},
 *                {"kind": "view", "name": "active_users"}, ...]}
 *
 * A "sequence" object may have a member "sequence": {"schema": "app",
 * "name": "ticket_no", "type": "bigint", "start": 1, "increment": 1,
 * "minimum": 1, "maximum": 9223372036854775807, "cycle": false,
 * "next": 3250}, from which a load makes it and sets it.  A "view" object
 * may have a member "view": {"schema": "app", "name": "active_users",
 * "query": "SELECT ..."} (since 1.9), its query in ferry's form
 * (sqlexpr.h), from which a load with --create makes it.
 * kind: 1 to 64 bytes of a-z, 0-9, '_' and ' '; name: 1 to
 * SCHEMA_MAX_NAME bytes of UTF-8; table (optional): the table it belongs
 * to, in schema.h's name syntax; detail (optional): up to
 * OBJECTS_MAX_DETAIL bytes of UTF-8.  At most OBJECTS_MAX objects.
 * Members a reader does not know are ignored.  The text is the source's,
 * shown to people and written to reports, never run.
 */
#ifndef FERRY_OBJECTS_H
#define FERRY_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define OBJECTS_MAX 100000
#define OBJECTS_MAX_KIND 64
#define OBJECTS_MAX_DETAIL 4096

/* A sequence no column owns (PostgreSQL): what CREATE SEQUENCE needs
 * and the value it gives next, all printed by ferry into SQL */
struct schema_sequence {
	char *schema, *name;
	char type[9]; /* "smallint", "integer" or "bigint" */
	int64_t start, increment, min, max;
	bool cycle;
	int64_t next; /* the value the source gives next */
};

/* A view whose query ferry carries (stream/sqlexpr.h, sqlview_*): its
 * schema (NULL: none, or PostgreSQL's public) and name, and its query in
 * ferry's form, which a load reads again before it writes any SQL */
struct schema_view {
	char *schema, *name;
	char *query;
};

struct schema_object {
	char *kind;
	char *table; /* NULL: not of one table */
	char *name;
	char *detail;		     /* NULL: none */
	struct schema_sequence *seq; /* kind "sequence": NULL when unknown */
	struct schema_view *view;    /* kind "view": NULL when not carried */
};

struct schema_objects {
	struct schema_object *v;
	size_t n, cap;
};

/* Append one (strings copied; table and detail may be NULL; a detail
 * longer than OBJECTS_MAX_DETAIL is cut at a character boundary).
 * ERR_STREAM when the kind or name breaks the rules above or there would
 * be more than OBJECTS_MAX. */
int schema_objects_add(struct schema_objects *o, const char *kind,
		       const char *table, const char *name, const char *detail,
		       struct err *e);

/* Give the object just added (the last) its sequence, copied: its
 * names 1 to SCHEMA_MAX_NAME bytes, its type one of the three, increment
 * not 0, min <= next <= max unless it cycles; ERR_STREAM otherwise. */
int schema_objects_set_sequence(struct schema_objects *o,
				const struct schema_sequence *q, struct err *e);

/* Give the object just added (the last) its view, copied: schema NULL or
 * and name 1 to SCHEMA_MAX_NAME bytes of UTF-8, query 1 to
 * OBJECTS_MAX_QUERY bytes of it (read as a query only by a load);
 * ERR_STREAM otherwise. */
#define OBJECTS_MAX_QUERY 65536
int schema_objects_set_view(struct schema_objects *o, const char *schema,
			    const char *name, const char *query,
			    struct err *e);

/* Whether o holds a view whose query the stream carries */
int schema_objects_has_views(const struct schema_objects *o);

/* The payload JSON (NUL-terminated, malloc'd), or NULL with e set. */
char *schema_objects_json(const struct schema_objects *o, struct err *e);

/* Parse a payload and append its objects to o: 0, or -1 with e set
 * (ERR_STREAM naming what is wrong, o as it was). */
int schema_objects_parse(struct schema_objects *o, const char *json, size_t len,
			 struct err *e);

/* Objects of one kind ("trigger"). */
size_t schema_objects_count(const struct schema_objects *o, const char *kind);

/* The kinds in o, each once, in order of first appearance, into kinds
 * (at most max); their number. */
size_t schema_objects_kinds(const struct schema_objects *o, const char **kinds,
			    size_t max);

void schema_objects_release(struct schema_objects *o);

#endif
