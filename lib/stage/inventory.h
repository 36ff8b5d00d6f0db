/*
 * inventory - what ferry-extract --inventory does: describe the tables of
 * a source without moving a row.  Per table: its rows (counted, or the
 * engine's estimate, said so), data and index bytes, primary key, every
 * column with its source type and the stream type it travels as, the
 * columns whose mapping needs a decision, the rows per day of a time
 * column, and a copy time from a rate.
 *
 * The result is a JSON document (schemas/inventory-report.schema.json)
 * and the same as readable text; main() prints the text.
 */
#ifndef FERRY_INVENTORY_H
#define FERRY_INVENTORY_H

#include <cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/source.h"
#include "db/uri.h"
#include "stage/extract.h"

#define INVENTORY_DAYS 30

struct inventory_opts {
	const char *const *tables; /* -t, in order; or all_tables */
	size_t ntables;
	int all_tables;
	const char *const *excludes; /* fnmatch patterns */
	size_t nexcludes;
	int exact; /* COUNT(*) and odd values, not estimates */
	const struct extract_kv *time_columns; /* --time-column T=COL */
	size_t ntime_columns;
	double rate;	       /* --rate rows per second; 0: none */
	const char *rate_from; /* --rate-from: a --stats file, or NULL */
	struct source_opts source;
	int follow; /* --follow: and what would stop following them */
};

/*
 * Describe the tables of u.  *report is the JSON document (the caller
 * frees it with cJSON_Delete), text gets the readable report.  -1 with e
 * set: ERR_USAGE (an unknown table or column, a bad --rate-from file),
 * ERR_DB.
 */
int inventory_run(const struct uri *u, const struct inventory_opts *o,
		  cJSON **report, struct buf *text, struct err *e);

#endif
