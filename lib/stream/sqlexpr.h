/*
 * sqlexpr - the SQL expressions ferry carries from one engine to another:
 * CHECK constraints, in a small portable form of its own.
 *
 * A source's catalog shows a CHECK in its own dialect (MariaDB's
 * CHECK_CLAUSE, PostgreSQL's pg_get_constraintdef).  sqlexpr_parse reads
 * that text into a tree, against the table's columns, and accepts only
 * what means the same on both engines: columns, numbers, strings, TRUE,
 * FALSE, NULL; AND, OR, NOT; = <> < <= > >=; + - * %; || (MySQL's
 * concat()); IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN, [NOT] LIKE; and
 * the functions lower, upper, char_length, octet_length, trim, abs and
 * coalesce, each operand of a type that the operator takes on both
 * engines (text is not ordered by < or >: its collations sort apart; a
 * boolean is not a number).  Anything else (a regular expression, a
 * division, a cast that changes a value, a function of one engine) is
 * refused with the reason, and the constraint is reported, not made.
 *
 * The stream carries the tree as ferry's own text, fully parenthesised:
 *
 *     (("price" >= 0) AND ("status" IN ('sent', 'read')))
 *
 * (columns in double quotes, strings in single quotes, each quote
 * doubled, nothing else escaped).  A load reads that text again with the
 * same strict parser (it is untrusted input: only the grammar above gets
 * through, and every name must be a column of the table) and writes it in
 * the target's dialect, every identifier and string quoted by the
 * target's rules, so no text of the stream reaches SQL unparsed.
 * No connection: fuzzed as text (tests/fuzz/fuzz-sqlexpr.c).
 */
#ifndef FERRY_SQLEXPR_H
#define FERRY_SQLEXPR_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"

enum sqlexpr_dialect {
	SQLEXPR_FERRY = 0, /* the stream's form (above) */
	SQLEXPR_MYSQL,	   /* MariaDB/MySQL */
	SQLEXPR_PG,	   /* PostgreSQL */
};

#define SQLEXPR_MAX_LEN 65536 /* bytes of text read */
#define SQLEXPR_MAX_NODES 2048
#define SQLEXPR_MAX_DEPTH 64

struct sqlexpr;

/*
 * Read text (a condition: its value is a boolean) of dialect d against
 * the columns of t.  The tree, or NULL: with e->class ERR_OK when the
 * text is not one ferry carries (why, size whysz, says what stops it),
 * else e set (out of memory).
 */
struct sqlexpr *sqlexpr_parse(const char *text, enum sqlexpr_dialect d,
			      const struct schema_table *t, char *why,
			      size_t whysz, struct err *e);

/*
 * The same for a value (an index's key): any type but a boolean, and
 * never a constant (it reads at least one column).
 */
struct sqlexpr *sqlexpr_parse_value(const char *text, enum sqlexpr_dialect d,
				    const struct schema_table *t, char *why,
				    size_t whysz, struct err *e);

/* How the target makes a text column that the source compared case
 * insensitively (its "collation" ends in _ci): a nondeterministic
 * collation, on which PostgreSQL 15 refuses LIKE */
#define SQLEXPR_CI_NO_LIKE 1
/* a PostgreSQL domain's CHECK: the column named VALUE is the keyword */
#define SQLEXPR_VALUE_KEYWORD 2

/*
 * Append x in dialect d to out, column i of its table named names[i]
 * (NULL: the names of the table it was read against).  0; 1 when the
 * target cannot hold it (why says why; out is then left as it was); -1
 * out of memory.
 */
int sqlexpr_write(const struct sqlexpr *x, enum sqlexpr_dialect d,
		  char *const *names, unsigned flags, struct buf *out,
		  char *why, size_t whysz, struct err *e);

/* whether x reads column i of its table */
int sqlexpr_uses(const struct sqlexpr *x, size_t col);

void sqlexpr_free(struct sqlexpr *x);

/*
 * A generated column's expression: the value of column col of t.  It
 * must read a column, no generated one (t's columns whose "generated" is
 * set: PostgreSQL computes each from stored columns only), and give what
 * the column holds as it is (a number for a number, text for text, a
 * boolean for a boolean, a time of the column's own kind).
 */
struct sqlexpr *sqlexpr_parse_generated(const char *text,
					enum sqlexpr_dialect d,
					const struct schema_table *t,
					size_t col, char *why, size_t whysz,
					struct err *e);

/*
 * text (ferry's form, of a stream) read against t and written in dialect
 * d under names (NULL: t's own): 0 with out appended, 1 when it cannot be
 * (why set: the text is not ferry's form, or the target cannot hold it),
 * -1 out of memory.
 */
int sqlexpr_translate(const char *text, const struct schema_table *t,
		      enum sqlexpr_dialect d, char *const *names,
		      unsigned flags, struct buf *out, char *why, size_t whysz,
		      struct err *e);
/* ... of a value (sqlexpr_parse_value) */
int sqlexpr_translate_value(const char *text, const struct schema_table *t,
			    enum sqlexpr_dialect d, char *const *names,
			    unsigned flags, struct buf *out, char *why,
			    size_t whysz, struct err *e);

/* ... of a generated column (sqlexpr_parse_generated) */
int sqlexpr_translate_generated(const char *text,
				const struct schema_table *t, size_t col,
				enum sqlexpr_dialect d, char *const *names,
				unsigned flags, struct buf *out, char *why,
				size_t whysz, struct err *e);

/* --- views ----------------------------------------------------------------
 *
 * A view's query, in the same spirit: read from the source's catalog
 * (PostgreSQL's pg_get_viewdef, MySQL's VIEWS.VIEW_DEFINITION) against the
 * tables of the run, and carried only when it is a query both engines
 * read alike:
 *
 *   SELECT [DISTINCT] value AS name, ...
 *   FROM table [AS alias] { [INNER | LEFT [OUTER]] JOIN table [AS alias]
 *        ON condition | CROSS JOIN table [AS alias] | , table [AS alias] }
 *   [WHERE condition] [GROUP BY value, ...] [HAVING condition]
 *   [ORDER BY value [ASC | DESC] [NULLS FIRST | LAST], ...] [LIMIT n]
 *
 * where a value is what a CHECK may hold (above), any column of the
 * tables, CASE WHEN ... END (MySQL's if()), a clock (now(),
 * CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE; MySQL's now(),
 * utc_timestamp(), curdate()) or a time moved by an INTERVAL of one unit
 * (a clock compared with a timestamp without time zone reads the wall
 * clock, with an instant the instant), and in the select list and
 * HAVING count(*), count([DISTINCT] x), sum, avg, min and max (not of
 * text).  Joins are left-deep: a parenthesised join on the right of
 * another, a subquery, UNION, a window, a table that is not of
 * the run (nor a view carried before, sqlview_table) and any function
 * not named above are
 * refused with the reason, and the view is named as not made.
 *
 * Ferry's form, which the stream carries, names each table by its stream
 * name in double quotes, gives every table an alias and every column one
 * ("alias"."column"), every select item its name and every ORDER BY item
 * where NULL goes (NULLS FIRST or LAST, as the source put it):
 *
 *   SELECT ("u"."id") AS "id", count(*) AS "n" FROM "users" AS "u"
 *   LEFT JOIN "members" AS "m" ON ("m"."user_id" = "u"."id")
 *   GROUP BY "u"."id"
 *
 * A load reads it again with the same parser (untrusted input) against
 * the stream's tables and writes it in the target's dialect, tables and
 * columns under their target names, every name quoted by the target's
 * rules; no text of the stream reaches SQL unparsed.
 */

#define SQLVIEW_MAX_ITEMS 64 /* FROM items of one view */

/*
 * Read text, a view's query in dialect d, against tabs[0..ntabs) (home:
 * the schema or MySQL database a qualified name of a table without a
 * schema must name; NULL: none), its columns named cols[0..ncols) in
 * order (d != SQLEXPR_FERRY; in ferry's form each item's AS names it),
 * and append ferry's form to out.  0; 1 when it is not a view ferry
 * carries (why says why, out as it was); -1 out of memory.
 */
int sqlview_parse(const char *text, enum sqlexpr_dialect d,
		  struct schema_table *const *tabs, size_t ntabs,
		  const char *home, char *const *cols, size_t ncols,
		  struct buf *out, char *why, size_t whysz, struct err *e);

/* How a target names what a view reads */
struct sqlview_names {
	/* append tabs[i]'s target name, quoted for dialect d: 0, 1 when the
	 * target has no such table (the view is not written), -1 */
	int (*table)(void *ctx, size_t i, enum sqlexpr_dialect d,
		     struct buf *out, struct err *e);
	void *ctx;
	/* per table, its columns' target names; NULL (or a NULL entry):
	 * the stream's; a NULL name: a column the target does not have as
	 * the view reads it (the view is not written) */
	char *const *const *cols;
	/* the view's own column names in lower case (namefold.h) */
	int fold;
};

/*
 * text (ferry's form, of a stream) read against tabs and written as the
 * target's SELECT in dialect d under nm: 0 with out appended, 1 when it
 * cannot be (why set), -1 out of memory.
 */
int sqlview_translate(const char *text, struct schema_table *const *tabs,
		      size_t ntabs, enum sqlexpr_dialect d,
		      const struct sqlview_names *nm, unsigned flags,
		      struct buf *out, char *why, size_t whysz, struct err *e);

/*
 * The view of text (ferry's form) as a table of the run, named schema
 * (NULL: none) and name: its columns named as the view's, each of the
 * type of the column it is (collation and labels too) or of its value, so
 * that a view over it reads as over a table.  NULL with why set when the
 * text is not ferry's form, or with e (out of memory).
 */
struct schema_table *sqlview_table(const char *text,
				   struct schema_table *const *tabs,
				   size_t ntabs, const char *schema,
				   const char *name, char *why, size_t whysz,
				   struct err *e);

#endif
