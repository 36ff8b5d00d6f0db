/*
 * engine - what a stage may ask of a database engine without knowing
 * which one it is: the facts that decide what a load does with a name or
 * a value, the risks a source's columns carry, and the names a load would
 * give a stream table.  ferry-load --check and ferry-inventory ask here
 * instead of branching on the engine, so that what they predict and what
 * the engine's own code does come from one place.
 *
 * Each engine fills one struct engine in its folder
 * (db/mysql/engine_mysql.c, db/pg/engine_pg.c); engine.c lists them.
 * Nothing here connects: a tool that asks links the engines' facts, not
 * their sources and sinks (source.c, sink.c and checkpoint.c each list
 * those).
 */
#ifndef FERRY_ENGINE_H
#define FERRY_ENGINE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/uri.h"
#include "stream/schema.h"

struct schema_objects; /* stream/objects.h */

/*
 * The names a load gives one stream table in the target.  Filled by
 * engine_names(), freed by engine_names_release().
 */
struct engine_names {
	char *table; /* the table, as the target holds it */
	char **cols; /* per stream column, as the target holds it; NULL
		      * when every column keeps the stream's name */
	size_t ncols;
	const struct name_rename *renamed; /* the names that changed, in
					    * order: table, columns,
					    * indexes */
	size_t nrenamed;
	void *impl; /* the engine's own */
};

/* The tables of one run (a load, a --check) under their names in the
 * target, to refuse two the target holds as one; engine_run_new. */
struct engine_run;

struct engine_impl; /* what only db/ sees: engine_int.h */

struct engine {
	const char *name;  /* as reports name it: "mysql", "postgresql" */
	const char *title; /* as messages name it: "MySQL", "PostgreSQL" */

	/* --- as a target ---------------------------------------------- */
	int names_nocase;	 /* table and column names compare without
				  * case */
	int text_refuses_nul;	 /* a text value may not hold U+0000 */
	int bytes_text_hex;	 /* bytes into a text column are kept as
				  * \x hex text; else taken as they are,
				  * if UTF-8 */
	int unsigned_ints;	 /* integer columns may be UNSIGNED */
	int key_weights;	 /* a text key compares under its column's
				  * collation, which source_weights tells */
	int bool_stores_numbers; /* a bool column stores any small number
				  * (which ferry refuses on the way out) */

	/* --- as a source (ferry-inventory) -------------------------------- */
	struct engine_risk {
		const char *kind, *detail;
	} bool_risk;		    /* kind NULL: a bool column risks nothing */
	const char *timestamp_risk; /* a timestamp without a zone */
	/* 1 when a text column of this source type is one ferry carries as
	 * its canonical text, a type outside its own set; NULL: none is */
	int (*foreign_text)(const char *source_type);

	const struct engine_impl *impl;
};

/* The engine of a URI's; NULL only for an engine uri.c does not parse. */
const struct engine *engine_of(enum uri_engine id);

/* A run's names, empty; NULL with e set when out of memory. */
struct engine_run *engine_run_new(const struct engine *en, struct err *e);
void engine_run_free(struct engine_run *run);

/*
 * The names a load of stream table t into table `name` gives it, in n
 * (released first).  `exists` says whether the target holds a table of
 * a name; with `create`, and the table not there, the indexes --create
 * makes are named too.  A name a load would refuse (two columns, tables
 * or indexes the target holds as one) goes to why[*nwhy] (ERR_USAGE;
 * why has room for 3) and the rest is still filled.  -1 with e set only
 * when out of memory.
 */
int engine_names(struct engine_run *run, const struct schema_table *t,
		 const char *name, int (*exists)(const char *, void *),
		 void *ctx, int create, struct engine_names *n, struct err *why,
		 int *nwhy, struct err *e);
void engine_names_release(const struct engine *en, struct engine_names *n);

/*
 * What ferry-load --create makes of a table otherwise than the source has
 * it, or not at all: a default it cannot translate, an ON UPDATE, an
 * identity the target holds differently.  One sentence each, naming the
 * column ("column c: ..."); the load prints them and --check lists them.
 */
struct create_notes {
	char **msg;
	size_t n;
};
int create_notes_add(struct create_notes *cn, struct err *e, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
void create_notes_release(struct create_notes *cn);
/* the sentence for column c's default, which the target does not make:
 * an expression, a constant not a value of c's type (one the target
 * holds, says `holds`), or a function of no use on c's type */
int create_notes_default(struct create_notes *cn, const struct schema_column *c,
			 const char *holds, struct err *e);
/* "KIND NAME: not made: WHY", the name quoted as err_quote does */
/* The largest value of a MySQL integer UNSIGNED narrower than bigint,
 * from its source type ("int(10) unsigned", "tinyint unsigned"), which
 * --create on PostgreSQL keeps by CHECK ((c >= 0) AND (c <= max)); or NULL */
const char *create_unsigned_max(const struct schema_column *c);

/*
 * A MySQL UNSIGNED integer narrower than BIGINT taken to PostgreSQL is a
 * wider integer with CHECK ((c >= 0) AND (c <= 65535)) (ferry-load(1)),
 * a YEAR one with CHECK ((c = 0) OR (c BETWEEN 1901 AND 2155)): column i
 * of t with such a check of ferry's form is that MySQL type again
 * ("SMALLINT UNSIGNED", "YEAR"), the check its bounds (*k, when not NULL);
 * NULL when it has none.  create_bound_of: the same type of a MySQL
 * source's column c, whose bounds --create makes so; NULL when none.
 */
const char *create_bound_type(const struct schema_table *t, size_t i,
			      size_t *k);
const char *create_bound_of(const struct schema_column *c);

/* The fractional-second digits --create gives a time or timestamp column
 * on any target: the source's ("datetime(3)", "time(0)", "timestamp(3)
 * with time zone"; a MySQL "datetime", "time" or "timestamp" has none),
 * else 6 */
int create_time_digits(const struct schema_column *c);

int create_notes_not_made(struct create_notes *cn, const char *kind,
			  const char *name, const char *why, struct err *e);

/*
 * CHECK k of t (ferry's form, stream/sqlexpr.h) as the condition for a
 * target of sqlexpr dialect `dialect`, its columns named names[i]: 1 with
 * the condition appended to out; 0 when it cannot be made there, with a
 * note naming it and why; -1 out of memory.
 */
int create_check(const struct schema_table *t, size_t k, int dialect,
		 char *const *names, unsigned flags, struct buf *out,
		 struct create_notes *notes, struct err *e);

/*
 * Generated column i of t (its "generated_form") as the expression for a
 * target of sqlexpr dialect `dialect`, columns named names[i]: 1 with the
 * expression appended to out; 0 when the column is to be made plain,
 * holding the source's values, with a note saying why; -1 out of memory.
 */
int create_generated(const struct schema_table *t, size_t i, int dialect,
		     char *const *names, unsigned flags, struct buf *out,
		     struct create_notes *notes, struct err *e);

/*
 * Whether ferry-load --create would make stream table t under names n:
 * 0 when it would, its notes (above) added to notes when not NULL (seqs:
 * the stream's objects, whose free sequences a load makes first, or
 * NULL); -1
 * with why set: ERR_STREAM "column c: ..." naming a column whose type it
 * refuses, else (out of memory) another class.
 */
/* The most characters (bytes, for a bytes column) --create's column i of
 * t takes where it takes fewer than the source may hold (a MySQL key
 * column of text of no known length); 0: no such limit. */
long engine_create_max_len(const struct engine *en,
			   const struct schema_table *t, size_t i);

#define ENGINE_CREATE_CASE_SENSITIVE 1 /* --case-insensitive off */
#define ENGINE_CREATE_ENUM_CHECK 2     /* --enum-types check */
#define ENGINE_CREATE_CITEXT 4	       /* --case-insensitive citext */
#define ENGINE_CREATE_POSTGIS 8	       /* the target has PostGIS */
int engine_create_refusal(const struct engine *en, const struct schema_table *t,
			  const struct engine_names *n, unsigned flags,
			  const struct schema_objects *seqs,
			  struct create_notes *notes, struct err *why);

#endif
