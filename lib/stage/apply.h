/*
 * apply - what ferry-load --follow does with a follow stream's changes
 * (stream version 2): apply them to the target in groups of source
 * transactions, each group one target transaction that also writes the
 * job's position (CHECKPOINT_FOLLOW), so that every change is applied
 * exactly once however often either side is stopped.
 *
 * A group keeps only each key's final state: its last row (an update
 * that leaves TOASTed columns unsent keeps them as they are on the
 * target), or its deletion.  It is applied by the sink's bulk paths, per
 * table: the deletions (children first, as the stream's tables come
 * parents first), then the rows by upsert (parents first); never one
 * statement per row.  A group ends at a source transaction's end once it
 * holds max_changes changes, is max_ms old, or the input has nothing more
 * ready.  A transaction at or before the job's position is skipped.
 *
 * Memory: one group, bounded by max_changes, and the largest source
 * transaction's keys (a transaction is never split).
 */
#ifndef FERRY_APPLY_H
#define FERRY_APPLY_H

#include <stdio.h>

#include "base/err.h"
#include "db/sink.h"
#include "stage/load.h"
#include "stream/stream.h"

struct apply_stats {
	uint64_t transactions; /* applied in this run */
	uint64_t skipped;      /* at or before the job's position */
	uint64_t changes;      /* read */
	uint64_t groups;       /* target transactions */
	uint64_t rows, deleted;
	double lag_s; /* source commit to target commit, of the last group */
	int ended;    /* the stream's end was reached (--until) */
};

/*
 * Apply the changes of r (positioned after its follow frame) through s,
 * which loaded the stream's tables (if any) and holds the job.  `in` is
 * the stream's file, unbuffered, whose readiness ends a group.  0 at the
 * stream's end, -1 with e set: ERR_PIPE when the stream stops after a
 * whole transaction (a rerun of both ends resumes), ERR_DB, ERR_STREAM,
 * ERR_USAGE (a table that does not fit).
 */
int apply_run(const struct uri *u, const struct load_opts *o, struct sink *s,
	      struct stream_reader *r, FILE *in, struct apply_stats *st,
	      struct err *e);

#endif
