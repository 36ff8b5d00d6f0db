/*
 * metrics - the --metrics-file of ferry-extract, ferry-load and
 * ferry-verify: one run's figures in the Prometheus text exposition
 * format (version 0.0.4), for node_exporter's textfile collector.
 *
 * Use: metrics_new() when the run starts (the run's duration is measured
 * from then), metrics_table() and metrics_watermark() as tables finish,
 * metrics_write() once at the end, with success or failure, then
 * metrics_free().
 *
 * Each file describes one run, so every metric is a gauge: a counter
 * would restart at every run, and a `_total` name would promise rate()
 * something it cannot deliver.  The families, every sample labelled
 * tool="extract|load|verify" and, when a job is given, ferry_job="NAME":
 *
 *   ferry_last_run_success                 1 if the run succeeded, else 0
 *   ferry_last_run_timestamp_seconds       when the run ended (unix time)
 *   ferry_last_success_timestamp_seconds   when a run last succeeded: now
 *       on success; on failure the value of the file being replaced (same
 *       tool and job), and no sample when it has none, so that
 *       `time() - ferry_last_success_timestamp_seconds` keeps growing
 *       while runs fail
 *   ferry_run_duration_seconds             from metrics_new() to the write
 *
 * and, labelled table="NAME" as well, for each table given:
 *
 *   ferry_rows                      rows this run handled
 *   ferry_bytes                     bytes this run handled
 *   ferry_rejects                   rows rejected this run
 *   ferry_table_duration_seconds    time spent on the table
 *   ferry_watermark_timestamp_seconds         highest date/timestamp
 *   ferry_source_watermark_timestamp_seconds  watermark copied, and the
 *                                             source's newest (unix time)
 *   ferry_lag_seconds               source newest - copied, in seconds
 *   ferry_watermark                 highest integer watermark copied,
 *   ferry_source_watermark          and the source's newest
 *   ferry_watermark_lag             source newest - copied, in the
 *                                   watermark column's own units (ids,
 *                                   not necessarily rows: ids have gaps)
 *
 * and with ferry-load --follow (metrics_follow), the run being one long
 * one, written again every few seconds while it lasts:
 *
 *   ferry_follow_lag_seconds              source commit (or heartbeat) of
 *                                         the last change applied, to the
 *                                         target's commit of it
 *   ferry_follow_position                 the job's position (its order)
 *   ferry_follow_position_timestamp_seconds  the source time of it
 *   ferry_follow_transactions_total       source transactions applied,
 *   ferry_follow_changes_total            and their changes, this run
 *   ferry_follow_groups_total             target transactions this run
 *
 * The job's label is ferry_job, not job: Prometheus attaches its own job
 * (and instance) label to everything it scrapes, and renames a scraped
 * `job` label to `exported_job` unless honor_labels is set.
 *
 * A family with no sample is left out whole.  Label values are escaped
 * as the format requires (backslash, double quote, line feed), and bytes
 * that are not UTF-8 become U+FFFD, so any table name gives a valid file.
 * Only the tool, the job, table names and numbers reach the file: never a
 * URI, a user or a password.
 */
#ifndef FERRY_METRICS_H
#define FERRY_METRICS_H

#include <stdint.h>

#include "base/err.h"
#include "stream/value.h"

struct metrics;

/* A figure that was not measured: its sample is left out. */
#define METRICS_NONE UINT64_MAX

/* At most this many tables (more is ERR_SYSTEM). */
#define METRICS_MAX_TABLES 10000

/*
 * A new, empty run of `tool` ("extract", "load", "verify"); job: the
 * --job NAME, or NULL (or "") for none.  Both are copied.  The caller
 * owns the result (metrics_free).  NULL with e set (ERR_SYSTEM) when out
 * of memory.
 */
struct metrics *metrics_new(const char *tool, const char *job, struct err *e);

/*
 * Record one table's figures: rows, bytes and rejects (METRICS_NONE: not
 * measured) and the seconds spent on it (negative or NaN: not measured).
 * Called again for the same table, the figures add up.  0, or -1 with e
 * set (ERR_SYSTEM: out of memory, past METRICS_MAX_TABLES).
 */
int metrics_table(struct metrics *m, const char *table, uint64_t rows,
		  uint64_t bytes, double seconds, uint64_t rejects,
		  struct err *e);

/*
 * Record a table's watermarks, both of type `type`: `loaded` the highest
 * value this run extracted or loaded, `newest` the highest in the source
 * (either may be NULL or a NULL value: no sample).  Borrowed: the values
 * are converted at once.  Date, timestamp and timestamptz give the
 * _timestamp_seconds families and ferry_lag_seconds (a date counts as
 * midnight UTC, a timestamp without zone as UTC); int64 and uint64 give
 * ferry_watermark, ferry_source_watermark and ferry_watermark_lag, exact
 * to the unit.  A lag needs both values.  Other types, and the
 * infinities, record nothing.  Called again for the same table, the new
 * values replace the old.  0, or -1 with e set (ERR_SYSTEM).
 */
int metrics_watermark(struct metrics *m, const char *table,
		      enum value_type type, const struct value *loaded,
		      const struct value *newest, struct err *e);

/* ferry-load --follow's figures (above); each call replaces the last. */
void metrics_follow(struct metrics *m, double lag_s, uint64_t position,
		    double position_time, uint64_t transactions,
		    uint64_t changes, uint64_t groups);

/*
 * Write the whole file to `path` atomically: a hidden temporary file in
 * the same folder (.NAME.XXXXXX, which node_exporter ignores: it reads
 * only *.prom), written, synced, given mode 0644 and renamed over path,
 * so a reader sees the old file or the new one, never half of one.
 * success: the run succeeded (ferry_last_run_success 1, and the last
 * success is now); else the previous last success is read from the file
 * at path, if any (an unreadable old file counts as none).  On an error
 * the temporary file is removed; only a process killed during the write
 * leaves one (hidden, and not *.prom, so never read).  0, or -1 with e
 * set (ERR_SYSTEM, the message starting "--metrics-file PATH: ").  May
 * be called again.
 */
int metrics_write(struct metrics *m, const char *path, int success,
		  struct err *e);

/*
 * For tests: use `unix_seconds` as the time of the write instead of the
 * clock (a negative value: the clock again).
 */
void metrics_set_now(struct metrics *m, int64_t unix_seconds);

/* Free m and all it holds; metrics_free(NULL) does nothing. */
void metrics_free(struct metrics *m);

#endif
