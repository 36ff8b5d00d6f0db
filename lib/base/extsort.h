/*
 * extsort - sort a multiset of byte strings in bounded memory.
 *
 * Records are added one by one and come back in byte order (memcmp over
 * the shorter length, then the shorter first), duplicates kept.  While
 * the records added fit the memory budget they are sorted in memory; past
 * it each full buffer is sorted and written as a run to an unlinked
 * temporary file in $TMPDIR (or /tmp), and the runs are merged, at most
 * EXTSORT_FANIN at a time (more runs are first merged into longer ones).
 * Memory: the budget while adding, then EXTSORT_FANIN read buffers and
 * each run's current record; disk: the records once more, with 4 bytes
 * each.
 *
 * ferry-verify sorts the canonical rows of a table without a primary key
 * with it, to compare two such tables exactly (see verify.h).
 */
#ifndef FERRY_EXTSORT_H
#define FERRY_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define EXTSORT_FANIN 32
#define EXTSORT_MIN_BUDGET ((size_t)4096)
#define EXTSORT_MAX_RECORD ((size_t)UINT32_MAX)

struct extsort;

/* The order records come back in: <0, 0, >0. */
int extsort_compare(const void *a, size_t la, const void *b, size_t lb);

/*
 * A sorter using about budget bytes of memory (at least
 * EXTSORT_MIN_BUDGET; a single record larger than the budget is still
 * taken, alone).  The caller frees it with extsort_free.  NULL with e set
 * (ERR_SYSTEM) when memory runs out.
 */
struct extsort *extsort_new(size_t budget, struct err *e);

/*
 * Add a copy of the record p[0..len).  0, or -1 with e set: ERR_SYSTEM
 * for a temporary file that cannot be made or written (the message names
 * it, strerror last), or a record above EXTSORT_MAX_RECORD.  Not after
 * extsort_finish.
 */
int extsort_add(struct extsort *s, const void *p, size_t len, struct err *e);

/* Stop adding and get ready to hand the records out.  0 or -1 (e set as
 * for extsort_add). */
int extsort_finish(struct extsort *s, struct err *e);

/*
 * The next record in order: 1 with *p and *len set (borrowed until the
 * next call or extsort_free), 0 after the last, -1 with e set (ERR_SYSTEM:
 * a temporary file that cannot be read back).  Only after extsort_finish.
 */
int extsort_next(struct extsort *s, const unsigned char **p, size_t *len,
		 struct err *e);

/* Records added so far, and runs written to temporary files. */
uint64_t extsort_count(const struct extsort *s);
uint64_t extsort_runs(const struct extsort *s);

/* Free the sorter and close (so remove) its temporary files.  NULL is
 * fine. */
void extsort_free(struct extsort *s);

#endif
