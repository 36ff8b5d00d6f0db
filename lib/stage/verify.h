/*
 * verify - what ferry-verify does: compare two sides, each a database or a
 * stream, table by table, and say exactly what differs.
 *
 * Tables are matched by name.  A table's rows are merged by primary key
 * (databases are read with --order pk, streams must have been written in
 * key order), values compared in their canonical form (value_canonical:
 * 5, 5 unsigned and 5.00 agree; JSON in any key order), and missing, extra
 * and changed keys listed.  A table without a primary key is compared
 * exactly too: each side's rows, in canonical form, are sorted (extsort:
 * in memory up to sort_budget, then in temporary files) and the two
 * sorted multisets merged, so that a row missing, extra or held once
 * too often is found and listed.  The order-independent digests of both
 * sides are computed and reported but decide nothing: they are an unkeyed
 * sum, which rows made to collide can fool (see ferry-verify(1)).
 */
#ifndef FERRY_VERIFY_H
#define FERRY_VERIFY_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "db/source.h"
#include "stage/metrics.h"

/* memory for sorting the rows of a table without a primary key, both
 * sides together */
#define VERIFY_SORT_BUDGET ((size_t)64 << 20)

struct spec;

struct verify_opts {
	const char *side[2]; /* a URI, a stream file, or "-" */
	int keep_case;	     /* --keep-case: a MySQL name meets only the same
			      * name, not its lower case (namefold.h) */
	int schema_only;     /* --schema-only: the tables' structure, not
			      * their rows (structure.h); databases only */
	int probe;	     /* --probe: and statements tried on both sides,
			      * rolled back (db/probe.h); implies the above */
	const char *const *tables; /* -t; none: every table of side A */
	size_t ntables;
	struct spec *spec; /* -s: side A as this spec reshapes it, or NULL */
	const char *const *map_from; /* --table-map FROM=TO: A's FROM is */
	const char *const *map_to;   /* B's TO */
	size_t nmaps;
	const char *schema; /* --schema: B's schema of A's tables of none (a
			     * MySQL side A, a PostgreSQL side B), or NULL */
	const char *const *ignore; /* --ignore-column TABLE.COL */
	size_t nignore;
	char *const *casts; /* --cast TABLE.COLUMN=TYPE, as extract's */
	size_t ncasts;
	uint64_t max_diffs;	 /* differences listed per table */
	int time_precision;	 /* fraction digits of times compared, 0-6 */
	uint64_t float_ulps;	 /* floats this close agree; 0: bitwise */
	uint64_t sample_ppm;	 /* keys compared per million; 0: all */
	const char *report_path; /* --report FILE, or NULL */
	struct source_opts source;
	FILE *out;  /* the human summary */
	FILE *warn; /* warnings, or NULL */
	/* --emit-deletes: a stream of the keys only in B goes here (not
	 * closed by verify_run), or NULL */
	FILE *emit;
	/* --emit-upserts: a stream of A's rows that B lacks or holds
	 * otherwise (A's compared columns under B's names), or NULL */
	FILE *emit_upserts;
	uint64_t upserts; /* out: rows written to emit_upserts */
	struct metrics
	    *metrics;	    /* --metrics-file: per table figures, or NULL */
	size_t sort_budget; /* 0: VERIFY_SORT_BUDGET; lower only for tests */
	int differ;	    /* out: something differs */
	uint64_t emitted;   /* out: keys written to emit */
};

/*
 * With o->emit, every compared table that has a primary key on side B
 * (the merge key: A's key, found in B) becomes a table of that stream:
 * B's name, B's primary-key columns, one row per key present in B only,
 * written as the merge finds it (whatever --max-diffs says).  A table
 * without such a key is left out, with a warning on o->warn.  The stream
 * is finished (its stream-end frame written) only when verify_run
 * returns 0; on error it is left without, so that no reader takes it
 * for complete.
 *
 * Compare.  0 with o->differ set to 0 or 1, or -1 with e set (ERR_STREAM
 * for a bad or truncated stream side, ERR_DB, ERR_USAGE): never 0 when a
 * side could not be read to its end.
 */
int verify_run(struct verify_opts *o, struct err *e);

#endif
