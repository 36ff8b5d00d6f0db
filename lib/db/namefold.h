/*
 * namefold - the names of a MySQL source as an application's own
 * PostgreSQL schema spells them: unquoted, so in lower case.  MySQL
 * applications write `Users`.`CreateAt`; their PostgreSQL schema holds
 * users.createat, and a table made as "Users" would be one the application
 * never finds.  A pure function of the names and the two engines, which
 * ferry-load (and its --check) and ferry-verify apply alike; --keep-case
 * turns it off.  Only ASCII A-Z fold, as PostgreSQL folds unquoted names.
 */
#ifndef FERRY_NAMEFOLD_H
#define FERRY_NAMEFOLD_H

#include <stddef.h>

#include "base/err.h"
#include "db/uri.h"
#include "stream/schema.h"

/* Whether the names of stream table t fold on a target of engine `to`. */
int namefold_applies(enum uri_engine to, const struct schema_table *t,
		     int keep_case);

/* s with A-Z in lower case, malloc'd; NULL on oom (e set) */
char *namefold_name(const char *s, struct err *e);

/* Whether a and b are one name once folded */
int namefold_same(const char *a, const char *b);

/*
 * A copy of t with its table, column and index names folded; the caller
 * frees it.  NULL with ERR_USAGE when two columns (or indexes) fold to one
 * name, naming both; ERR_SYSTEM on oom.
 */
struct schema_table *namefold_table(const struct schema_table *t,
				    struct err *e);

/* The tables of one run: ERR_USAGE when two stream tables fold to one
 * target name, naming both.  Free with namefold_run_free(). */
struct namefold_run;
struct namefold_run *namefold_run_new(struct err *e);
int namefold_run_add(struct namefold_run *r, const char *name,
		     const char *folded, struct err *e);
void namefold_run_free(struct namefold_run *r);

#endif
