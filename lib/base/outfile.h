/*
 * outfile - a file that ferry writes for others to read (a stream's -o, a
 * --stats, --report or --metrics-file, a decoded ferry-cat -o) appears
 * complete or not at all.  It is written under a hidden temporary name in
 * the same folder (.NAME.XXXXXX), synced, and renamed over NAME only once
 * all of it is written: a full disk, a failed run or a kill never leaves a
 * half file under NAME, nor destroys the one that was there.
 *
 * A device, a pipe or a symbolic link is written where it is (renaming
 * over it would replace it), and no path means the standard output.
 *
 * The temporary names of the files being written are kept in a small
 * table that outfile_unlink_pending() (safe in a signal handler) removes.
 */
#ifndef FERRY_OUTFILE_H
#define FERRY_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "base/err.h"

/* files that may be open at once under a temporary name */
#define OUTFILE_MAX_PENDING 4

struct outfile {
	const char *opt;  /* the option that named the file, for messages */
	const char *path; /* NULL: the standard output */
	char *tmp;	  /* the temporary name, or NULL */
	FILE *f;
	mode_t mode; /* 0: what a plain create gives under the umask */
};

/*
 * Open path for writing, or take `std` (the program's standard output)
 * when path is NULL; messages name `opt` (may be NULL) and path.  mode 0
 * gives a plain create's mode.  0, or -1 with e set (ERR_SYSTEM).
 */
int outfile_open(struct outfile *o, FILE *std, const char *opt,
		 const char *path, mode_t mode, struct err *e);

/*
 * ok: the run succeeded: flush, sync, close and rename into place (0, or
 * -1 with e set: ERR_PIPE for a closed pipe, else ERR_SYSTEM); otherwise
 * close and remove the temporary file (returns 0).
 */
int outfile_finish(struct outfile *o, int ok, struct err *e);

/* Write len bytes of data as the whole of path, the same way. */
int outfile_replace(const char *opt, const char *path, const void *data,
		    size_t len, mode_t mode, struct err *e);

/* Remove the temporary files still being written; async-signal-safe. */
void outfile_unlink_pending(void);

#endif
