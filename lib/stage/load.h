/*
 * load - what ferry-load does: read a stream and write each table into a
 * database, one transaction per table (or per --commit-every rows).
 */
#ifndef FERRY_LOAD_H
#define FERRY_LOAD_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/progress.h"
#include "db/sink.h"
#include "db/uri.h"
#include "stage/metrics.h"

struct apply_stats;

struct load_map {
	const char *from;
	const char *to;
};

struct namefold_run;
/* The target's name of stream table st (--table-map, then folding, then
 * --schema for a table of no schema that no map names), and in *ft its
 * copy with folded names and that schema when either applies (the
 * caller frees it); -1 with e set (two names that fold to one). */
struct load_map;
int load_fold(enum uri_engine to, const struct load_map *maps, size_t nmaps,
	      const char *schema, int keep_case, const struct schema_table *st,
	      struct schema_table **ft, const char **name,
	      struct namefold_run *run, struct err *e);

/*
 * The target's name of view v (stream/objects.h), as a table of its name
 * from the source of `like` (a table of the run) would get it, malloc'd
 * in *name, and whether its column names fold (*fold).  1 when it folds
 * to the name of a view before it in run (why set), else 0; -1 with e set.
 */
struct schema_view;
int load_view_target(enum uri_engine to, const struct load_map *maps,
		     size_t nmaps, const char *schema, int keep_case,
		     const struct schema_table *like,
		     const struct schema_view *v, struct namefold_run *run,
		     char **name, int *fold, char *why, size_t whysz,
		     struct err *e);

/* The target's names of tables ts[0..n) (a stream's preview), each as
 * load_fold gives it, into *names (malloc'd, n of them, each too; free
 * with load_names_free); -1 with e set. */
int load_fold_names(enum uri_engine to, const struct load_map *maps,
		    size_t nmaps, const char *schema, int keep_case,
		    const struct schema_table *const *ts, size_t n,
		    char ***names, struct err *e);
void load_names_free(char **names, size_t n);

/* The tables a target holds (source_list_tables), for engine_names'
 * exists: 1 when name is one of them, compared without case when
 * nocase (the engine's names_nocase). */
struct load_held {
	char **names;
	int nocase;
};
int load_held(const char *name, void *ctx);

/* The target's name of stream table `name` under maps (--table-map). */
const char *load_target_name(const struct load_map *maps, size_t nmaps,
			     const char *name);

struct load_opts {
	struct sink_opts sink;
	int keep_case; /* --keep-case: no folding of names (namefold.h) */
	const struct load_map *maps; /* --table-map FROM=TO */
	size_t nmaps;
	const char *schema;	/* --schema: PostgreSQL schema of the tables
				 * the stream gives none, or NULL */
	const char *in_name;	/* for messages: a file name or "stdin" */
	int mode_given;		/* -m given: else --job picks per table */
	const char *stats_path; /* --stats FILE, or NULL */
	const char *schema_report_path; /* --schema-report FILE, or NULL */
	struct metrics *metrics;	/* --metrics-file: per table, or NULL */
	const char *metrics_path; /* its file, which --follow writes again
				   * every few seconds */
	const char *rejects_path;	/* --rejects FILE, or NULL */
	uint64_t max_rejects;		/* past this many, stop (ERR_REJECTS) */
	struct progress *progress;
	uint64_t rejected;	/* out: rows set aside */
	uint64_t rows, deleted; /* out: rows (delete mode: keys) of the tables
				 * committed, and rows deleted */
	void (*notice)(const char *line); /* shows the sink's notice, or NULL */
	/* --follow: a follow stream (version 2): its tables replace the
	 * target's (truncate, unless -m says otherwise), then its changes
	 * are applied (apply.h) */
	int follow;
	struct apply_stats *follow_stats; /* out, or NULL */
	/* --parallel N: table sections loaded by N connections at once (a
	 * table's key ranges by one, in order); 0 or 1: one */
	int parallel;
};

/*
 * Load the stream on `in` into `u`.  Tables are committed one by one: on
 * error, the table in flight is rolled back and earlier ones stay.  -1
 * with e set: ERR_STREAM for a bad or truncated stream (or a value the
 * target cannot take), ERR_DB, ERR_USAGE (a table that does not fit),
 * ERR_REJECTS (more rows refused than max_rejects), ERR_SYSTEM.
 *
 * With rejects_path, rows the target refuses are written there as a
 * stream: each table's schema plus a text column ferry_reject_reason.
 */
int load_run(const struct uri *u, struct load_opts *o, FILE *in, struct err *e);

/* One line for the user through o->notice (printf-style), if set. */
void load_notice(const struct load_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


#endif
