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

#endif
