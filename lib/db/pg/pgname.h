/*
 * pgname - the names PostgreSQL holds for names it cannot.
 *
 * PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1)
 * and silently cuts a longer one, possibly inside a UTF-8 character;
 * MySQL and MariaDB take names of 64 characters, up to 256 bytes in
 * utf8mb4.  ferry gives every name it writes to or looks up in
 * PostgreSQL (tables, columns, the indexes it makes) by one rule:
 *
 *   - a name of at most 63 bytes is itself;
 *   - a longer one is cut after at most 54 bytes, at a character
 *     boundary (never inside a UTF-8 sequence), followed by "_" and 8
 *     lowercase hex digits: the high 32 bits of XXH3-64 (seed 0) of the
 *     whole name.  So two long names that share their first bytes stay
 *     apart, and the result is at most 63 bytes.
 *
 * The rule is deterministic and needs nothing but the name: ferry-load
 * --create, a later load into the table it made, ferry-load --check and
 * ferry-verify all arrive at the same name.  What the rule cannot
 * promise, that the result differs from every other name of the table or
 * run (a column may already be called what another's long name becomes),
 * pgname_table_init checks, refusing a collision with ERR_USAGE, the
 * class of a table that does not fit its target.
 *
 * Depends on err, buf and schema only; no libpq.
 */
#ifndef FERRY_PGNAME_H
#define FERRY_PGNAME_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"

#define PGNAME_MAX 63  /* bytes PostgreSQL keeps of a name */
#define PGNAME_KEEP 54 /* bytes of a long name kept before the suffix */

/*
 * Write the PostgreSQL name of `name` (NUL-terminated, any length) to
 * out, NUL-terminated.  Returns 1 when it differs from name (name was
 * longer than PGNAME_MAX bytes), 0 when it is name itself.  Never fails.
 * Bytes that are not valid UTF-8 are kept as they are; the cut backs off
 * over at most 3 continuation bytes.
 */
int pgname_fit(const char *name, char out[PGNAME_MAX + 1]);

/*
 * The schema (public when name gives none, whatever search_path says) and
 * table that name, in ferry's name syntax (schema.h), means on
 * PostgreSQL, each fitted as pgname_fit fits it.  0, or -1 with e set
 * (ERR_USAGE for a name that does not parse).
 */
int pgname_fit_name(const char *name, char schema[PGNAME_MAX + 1],
		    char table[PGNAME_MAX + 1], struct err *e);

/*
 * Append the PostgreSQL name of a table name to b: "schema.table" is
 * split at its first dot, as pgutil_quote_table splits it, and each part
 * fitted on its own.  Returns 1 when it differs from name, 0 when not,
 * -1 with e set (a full buffer).
 */
int pgname_fit_table(struct buf *b, const char *name, struct err *e);

/* A name of a table as PostgreSQL holds it, when that is another. */
/*
 * The PostgreSQL names of one stream table loaded into target table
 * `target`.  Everything in it is owned by it; pgname_table_release frees.
 */
struct pgname_table {
	char *table;  /* the target, fitted (schema.table kept) */
	char *schema; /* its schema, fitted; NULL: public */
	char *tname;  /* its table part, fitted (a name may hold dots:
		       * schema.h's name syntax) */
	char **cols;  /* per stream column, ncols of them */
	size_t ncols;
	char **indexes; /* per secondary index, after pgname_table_indexes;
			 * else NULL */
	size_t nindexes;
	char **enums; /* per stream column, after pgname_table_enums: the
		       * name of its enum type in the table's schema, or
		       * NULL (not an enum, or labels no type can hold) */
	struct name_rename *renamed; /* the names that changed, in order:
				      * the table, columns, indexes */
	size_t nrenamed;
	/* the stream's objects whose free sequences the target has (the
	 * load made or found them): DEFAULT nextval() of one is made;
	 * borrowed, NULL: none */
	const struct schema_objects *sequences;
};

/*
 * Fill m with the names of the table and the columns of t loaded into
 * `target`.  -1 with e set: ERR_USAGE when two columns have the same
 * name in PostgreSQL ("columns 'a...' and 'b...' are both 'c' in
 * PostgreSQL ..."), ERR_SYSTEM when out of memory.  m is released
 * either way (pgname_table_release may be called on it).
 */
int pgname_table_init(struct pgname_table *m, const struct schema_table *t,
		      const char *target, struct err *e);

/*
 * Add the names ferry-load --create gives t's secondary indexes: for a
 * PostgreSQL source's table loaded under its own name, the index's own
 * name (unique in its schema there); else the index's name with the
 * target table's name (its part after the last dot, unfitted) and "_" in
 * front unless it starts so already; fitted,
 * so that a name over 63 bytes ends in its hash instead of a cut.  -1
 * with e set: ERR_USAGE when two indexes would share a name.  The names of
 * t->xindexes follow those of t->indexes in m->indexes.
 */
int pgname_table_indexes(struct pgname_table *m, const struct schema_table *t,
			 const char *target, struct err *e);

/*
 * Name the enum types ferry-load --create gives t's enum columns: a
 * PostgreSQL source's column keeps its type's own name (format_type's
 * text, its last part unquoted), a MySQL one gets "<table>_<column>"
 * (the target's names), fitted.  A column whose labels a PostgreSQL enum
 * cannot hold (none, one over 63 bytes, two alike) gets NULL: it is made
 * as text with a CHECK.  The name is the one to try first: the load
 * moves past a type of the schema that holds other labels
 * (pgname_enum_next).  -1 with e set when out of memory.
 */
int pgname_table_enums(struct pgname_table *m, const struct schema_table *t,
		       struct err *e);

/* Whether PostgreSQL can hold labels[0..n) as an enum type's. */
int pgname_enum_labels_ok(char *const *labels, size_t n);

/*
 * The k-th name (k >= 2) to try for an enum type first named `base`:
 * base_k, fitted.
 */
void pgname_enum_next(const char *base, unsigned k, char out[PGNAME_MAX + 1]);

/* Free what m holds; m may be zeroed or released already. */
void pgname_table_release(struct pgname_table *m);

/*
 * The tables of one run (a load, a --check) under their PostgreSQL
 * names, to refuse two that PostgreSQL holds as one.  Zeroed to start;
 * pgname_run_release frees.
 */
struct pgname_run {
	char **from, **to;
	size_t n;
};

/*
 * Note table `name` of the run, held as `pgname` in PostgreSQL.  0 when
 * no other table of the run is held so (the same name again is fine);
 * -1 with e set: ERR_USAGE naming both ("tables 'a...' and 'b...' are
 * both 'c' in PostgreSQL ..."), ERR_SYSTEM when out of memory.
 */
int pgname_run_add(struct pgname_run *r, const char *name, const char *pgname,
		   struct err *e);
void pgname_run_release(struct pgname_run *r);

/*
 * The index of the column of t whose PostgreSQL name is `pgname`: an
 * exact match first, then one whose long name fits to it.  -1 when none.
 */
int pgname_column_index(const struct schema_table *t, const char *pgname);

/*
 * Whether `name` (a stream's or MySQL's) is held as `pgname` in
 * PostgreSQL: equal, or fitting to it.  1 or 0.
 */
int pgname_same(const char *name, const char *pgname);

/*
 * Whether `name` is held as `pgname` when names are tables (each part of
 * schema.table fitted).  1 or 0.
 */
int pgname_same_table(const char *name, const char *pgname);

#endif
