/*
 * progress - a one-line progress report on stderr, only when stderr is a
 * terminal, at most a few times a second.  The one module of lib/ that
 * prints: main() hands it the stream to print on.
 */
#ifndef FERRY_PROGRESS_H
#define FERRY_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *out; /* NULL: report nothing */
	const char *tool;
	double start; /* of the current table, seconds */
	double last;  /* of the last report */
	int shown;    /* a line is on the screen */
	/* the source's estimates (0 unknown): the current table's rows,
	 * and the whole run's with the rows of the tables done */
	uint64_t table_est, run_est, run_done;
	double run_start;
};

/* Report on `out` only if it is a terminal and `enabled`. */
void progress_init(struct progress *p, FILE *out, const char *tool,
		   int enabled);

/* A table starts (its clock starts). */
void progress_table(struct progress *p);

/* The rows the run's tables hold together, as the source estimated them
 * (0: unknown); its clock starts. */
void progress_run(struct progress *p, uint64_t rows);

/* The current table's rows as the source estimated them (0: unknown),
 * after progress_table: its line says how far it is and the time left. */
void progress_estimate(struct progress *p, uint64_t rows);

/* The current table ended with `rows`: the run's share of them. */
void progress_table_done(struct progress *p, uint64_t rows);

/* Rows and bytes so far of `table`; prints when enough time has passed. */
void progress_update(struct progress *p, const char *table, uint64_t rows,
		     uint64_t bytes);

/* Clear the line (before a message, or at the end). */
void progress_clear(struct progress *p);

/* Seconds since an arbitrary start, monotonic. */
double progress_now(void);

/* Microseconds since 1970 by the wall clock (a source's clock, for lag). */
int64_t progress_wall_us(void);

#endif
