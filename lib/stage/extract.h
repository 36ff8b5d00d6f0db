/*
 * extract - what ferry-extract does: read tables out of a database in one
 * snapshot and write them as a stream.
 */
#ifndef FERRY_EXTRACT_H
#define FERRY_EXTRACT_H

#include <stdio.h>

#include "base/err.h"
#include "base/progress.h"
#include "db/source.h"
#include "db/uri.h"
#include "stage/metrics.h"
#include "stream/stream.h"

/* TABLE=VALUE options (--columns, --where; --incremental and --since,
 * where table NULL stands for every table) */
struct extract_kv {
	const char *table;
	const char *value;
};

struct extract_opts {
	const char *const *tables; /* -t, in order; or all_tables */
	size_t ntables;
	int all_tables;
	const char *const *excludes; /* fnmatch patterns */
	size_t nexcludes;
	const struct extract_kv *columns;
	size_t ncolumns;
	const struct extract_kv *wheres;
	size_t nwheres;
	char *const *casts; /* --cast TABLE.COLUMN=TYPE (source.h) */
	size_t ncasts;
	int order_pk;
	unsigned part_k, part_n; /* 0 0: whole tables */
	int schema_only;
	const struct extract_kv *incrementals; /* --incremental [T=]COLUMN */
	size_t nincrementals;
	const struct extract_kv *sinces; /* --since [T=]VALUE */
	size_t nsinces;
	const char *since_job; /* --since-job NAME TARGET */
	const struct uri *since_target;
	uint64_t overlap; /* --overlap: read back this far past the job's */
	/* --follow: after the snapshot, every committed change, in a
	 * stream of version 2; the job (since_job) names the slot, and
	 * its checkpoint in since_target says where to go on from */
	int follow;
	const char *until; /* --until now|POSITION, or NULL */
	const char *follow_drop; /* --follow-drop NAME: drop the job's slot
				  * and publication, extract nothing */
	int resnapshot; /* --resnapshot: a new snapshot (and slot) even
			 * when the job has a position */
	void (*notice)(const char *line); /* one line for the user, or NULL */
	struct source_opts source;
	struct stream_writer_opts writer;
	const char *stats_path; /* --stats FILE, or NULL */
	struct metrics
	    *metrics; /* --metrics-file: per table figures, or NULL */
	struct progress *progress;
	/* --parallel: connections reading one snapshot, whole tables and
	 * key ranges of large ones at once (1: one connection) */
	unsigned parallel;
	/* --range-rows: rows per key range of a table read in ranges (a
	 * table the source estimates at twice as many or more); 0: 100000 */
	uint64_t range_rows;
	/* --snapshot NAME: every connection reads the snapshot another
	 * session exported (PostgreSQL), or NULL */
	const char *snapshot;
};

/*
 * --export-snapshot: begin a snapshot of `u` (PostgreSQL), write its name
 * and a newline to out, and hold it until out's reader goes away (out a
 * pipe or socket) or `in` ends (otherwise), so that extracts given
 * --snapshot NAME meanwhile read it.  -1 with e set: ERR_USAGE on an
 * engine that exports none, ERR_DB, ERR_PIPE.
 */
int extract_export_snapshot(const struct uri *u, const struct extract_opts *o,
			    FILE *out, FILE *in, struct err *e);

/*
 * Extract from `u` to `out`.  -1 with e set: ERR_USAGE for options that do
 * not fit the tables (an unknown column in --columns, --order pk on a table
 * without a key, ...), ERR_DB, ERR_STREAM (a value that cannot be carried),
 * ERR_PIPE/ERR_SYSTEM for output errors.  On error the stream is left
 * without its stream-end frame, so that no reader takes it for complete.
 */
int extract_run(const struct uri *u, const struct extract_opts *o, FILE *out,
		struct err *e);

#endif
