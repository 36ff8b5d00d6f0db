/*
 * rejects - the stream of rows set aside: by ferry-load when the target
 * refuses them, by ferry-transform when a spec rule says "reject".  Each
 * table comes out with its own columns and one more, ferry_reject_reason
 * (text), so the rows can be fixed and fed again.  Past `max` rows the
 * run stops with ERR_REJECTS.
 */
#ifndef FERRY_REJECTS_H
#define FERRY_REJECTS_H

#include <stdint.h>

#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

struct rejects;

/* Create file `path` (its name is given in messages as `what`, e.g.
 * "--rejects out.ferry").  NULL with e set. */
struct rejects *rejects_open(const char *path, uint64_t max, struct err *e);

/* Set aside row `row` of table t (its columns, in t's order), for
 * `reason`.  The first row of a table begins the table in the file.  -1
 * with ERR_REJECTS past max (the row is written first), or an I/O error. */
int rejects_add(struct rejects *rj, const struct schema_table *t,
		const struct value *row, const char *reason, struct err *e);

/* End the current table, if one was begun: call at the end of each table. */
int rejects_end_table(struct rejects *rj, struct err *e);

/* Finish the stream and close the file: 0, or -1 with e set. */
int rejects_close(struct rejects *rj, struct err *e);

/* After a failure: finish what was written so that it stays readable,
 * close, free.  NULL is fine. */
void rejects_abort(struct rejects *rj);

uint64_t rejects_count(const struct rejects *rj);

#endif
