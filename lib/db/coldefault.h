/*
 * coldefault - a source's column default as the stream carries it
 * (schema.h: struct schema_default), from the text a catalog shows:
 * MariaDB/MySQL's information_schema.COLUMNS.COLUMN_DEFAULT and
 * PostgreSQL's pg_get_expr(adbin).  No connection: fuzzed as text.
 *
 * A constant becomes a VALUE default only when it reads as a value of the
 * column's stream type (value_parse), in that type's text form; a known
 * function of the current time, date or a new uuid becomes that function;
 * anything else stays the source's own text as an EXPRESSION, which a
 * load never runs (the stream is untrusted) and reports by name.
 */
#ifndef FERRY_COLDEFAULT_H
#define FERRY_COLDEFAULT_H

#include "base/err.h"
#include "stream/schema.h"

/* MariaDB's COLUMN_DEFAULT (quoted literals, bare numbers, NULL, or an
 * expression), or MySQL 8's (mysql8: literals bare, `generated` when
 * EXTRA says DEFAULT_GENERATED), into c->def; its ON UPDATE from EXTRA
 * into c->on_update.  NULL text: no default.  0, or -1 on oom. */
int coldefault_mysql(struct schema_column *c, const char *text,
		     const char *extra, int mysql8, struct err *e);

/* PostgreSQL's deparsed default expression into c->def (NULL: none). */
int coldefault_pg(struct schema_column *c, const char *text, struct err *e);

#endif
