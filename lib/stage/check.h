/*
 * check - what ferry-load --check does: read a stream exactly as a load
 * would, write nothing, and say what the target would refuse or change.
 *
 * The target is read through a source (lib/db/source.h) in one read-only
 * transaction: for each stream table, whether the target table exists
 * and matches (columns, types, nullability) or what --create would make
 * of it, whether it is empty, and per column every value the target
 * would refuse or change: NUL bytes in text bound for PostgreSQL, bytes
 * that are no UTF-8 bound for a text column, text longer than the
 * column, numbers out of its type's range, a bool column fed other than
 * 0 or 1, enum labels the target lacks, NULL into NOT NULL, and
 * duplicate primary keys within the stream, each with a count and up to
 * `samples` keys.
 *
 * Memory stays bounded whatever the stream's size: a table's keys are
 * remembered as 64-bit hashes up to max_keys of them; past that, a
 * stream in key order is checked by comparing neighbours, and one that is
 * not says its duplicates were checked only so far.
 */
#ifndef FERRY_CHECK_H
#define FERRY_CHECK_H

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/progress.h"
#include "db/sink.h"
#include "db/uri.h"
#include "stage/load.h"

#define CHECK_DEFAULT_SAMPLES 5
#define CHECK_DEFAULT_MAX_KEYS 2000000 /* 32 MiB of hashes at most */

struct check_opts {
	enum sink_mode mode;
	int create;		     /* --create: a missing table is made */
	enum sink_triggers triggers; /* --triggers */
	int keep_case;		     /* --keep-case (namefold.h) */
	int case_sensitive;	     /* --case-insensitive off */
	int citext;		     /* --case-insensitive citext */
	int enum_check;		     /* --enum-types check */
	const struct load_map *maps; /* --table-map FROM=TO */
	size_t nmaps;
	const char *schema;  /* --schema (load.h) */
	const char *in_name; /* for messages: a file name or "stdin" */
	unsigned samples;    /* sample keys per column and finding */
	uint64_t max_keys;   /* hashes kept per table for duplicates */
	const char *defaults_file;
	unsigned connect_timeout, read_timeout;
	struct progress *progress;
};

/*
 * Check the stream on `in` against `u`.  *report is the JSON document
 * (schemas/check-report.schema.json; the caller frees it with
 * cJSON_Delete), text gets the readable report, *refused is set when a
 * load would refuse rows or fail on a table.  -1 with e set: ERR_STREAM
 * (a bad or truncated stream, as the load would meet it), ERR_DB,
 * ERR_SYSTEM.
 */
int check_run(const struct uri *u, const struct check_opts *o, FILE *in,
	      cJSON **report, struct buf *text, int *refused, struct err *e);

#endif
