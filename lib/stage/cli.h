/*
 * cli - what every ferry program's main() does the same way: its name in
 * messages, signals, usage errors, numbers from the command line, and the
 * one line that reports an error.  With progress.c, the only module of
 * lib/ that writes to stderr or exits, always on behalf of main().
 */
#ifndef FERRY_CLI_H
#define FERRY_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/*
 * Remember the program's name for messages; ignore SIGPIPE (a closed pipe
 * shows as EPIPE, exit 7); make SIGINT, SIGTERM and SIGHUP print
 * "PROG: interrupted" and exit 7.
 */
void cli_init(const char *prog);

/*
 * cli_init() first makes sure fds 0-2 are open: a closed one would become
 * the database connection at the next open.  A closed stdin is given
 * /dev/null for writing and a closed stdout or stderr /dev/null for
 * reading, so that any use fails.  cli_std_closed(fd): 1 when fd was
 * closed at start.  cli_need_std(fd): when the program is about to read
 * the stream from stdin (0) or write its data to stdout (1) and that fd
 * was closed, say so and exit 2.
 */
int cli_std_closed(int fd);
void cli_need_std(int fd);

/*
 * Open the input a tool reads its stream from, alike in every tool: path
 * NULL or "-" is stdin, else the file, which must be a file or a pipe that
 * can be read (not a directory).  *f and *name ("stdin" or path) are set;
 * close *f when it is not stdin.  0, or -1 with e set: ERR_USAGE
 * "PATH: reason" for a path the user named wrong (missing, unreadable, a
 * directory, too long), or for a closed stdin; ERR_SYSTEM for what the
 * machine failed at (out of descriptors or memory, an I/O error).
 */
int cli_open_input(const char *path, FILE **f, const char **name,
		   struct err *e);

/* An -o argument: "-" is the standard output (NULL), as -i - is the
 * standard input; anything else is a path */
static inline const char *cli_output(const char *arg)
{
	return arg && arg[0] == '-' && !arg[1] ? NULL : arg;
}

/* The name given to cli_init(). */
const char *cli_prog(void);

/* Print "PROG: KIND<text>" on stderr, one line: text's control characters
 * escaped (err_clean_dup), so that no name can forge a line.  kind may be
 * NULL (nothing), or "notice: " and the like. */
void cli_say(const char *kind, const char *text);

/* Print "PROG: <message>" and "try 'PROG --help'" on stderr; exit 2. */
void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Parse a whole decimal number in lo..hi for option opt, or
 * cli_usage_error(). */
long long cli_number(const char *opt, const char *s, long long lo,
		     long long hi);

/*
 * The parsers of option values, apart from main() so that they can be
 * fuzzed (tests/fuzz/fuzz-options.c): each returns 0, or -1 with
 * ERR_USAGE and the message main() passes to cli_usage_error().  None
 * exits.
 */

/* cli_number without the exit: "OPT: 'S' is not a number in LO..HI". */
int cli_parse_number(const char *opt, const char *s, long long lo, long long hi,
		     long long *v, struct err *e);

/*
 * Split arg, option opt's KEY=VALUE, at its first '=', in place: the '='
 * becomes a NUL, *key is arg and *value what followed the '='; neither
 * may be empty (VALUE may hold more '=').  When key_optional, an arg
 * without '=' is a bare VALUE: *key NULL, *value arg, which must not be
 * empty.  On error arg is untouched and the message is
 * "OPT: 'ARG' is not FORM".  (--where, --columns, --time-column,
 * --incremental and --since of ferry-extract; --table-map of ferry-load
 * and ferry-verify.)
 */
int cli_split_kv(const char *opt, char *arg, const char *form, int key_optional,
		 const char **key, const char **value, struct err *e);

/* --part K/N: 1 <= K <= N <= 100000.  The '/' of arg becomes a NUL. */
int cli_parse_part(char *arg, unsigned *k, unsigned *n, struct err *e);

/* --sample PERCENT, 0.0001 to 100, as parts per million (1 to 1000000). */
int cli_parse_sample(const char *arg, uint64_t *ppm, struct err *e);

/* --ignore-column TABLE.COLUMN: arg must hold a '.'. */
int cli_check_table_column(const char *arg, struct err *e);

/* --cast's TABLE.COLUMN=TYPE: its shape (what it names is checked
 * against the tables, source_apply_casts); -1 with ERR_USAGE */
int cli_check_cast(const char *arg, struct err *e);

/* One --cast more: checked (cli_check_cast), then casts[(*n)++]; a bad
 * one, or one past max, is a usage error (exit 2). */
void cli_add_cast(char *arg, char **casts, size_t *n, size_t max);

/*
 * When fd is a pipe, ask for a 1 MiB pipe buffer (the default 64 KiB makes
 * the stages of a pipeline take turns at every batch).  Best effort.
 */
void cli_widen_pipe(int fd);

/* --help: print text on stdout; 0, or ERR_SYSTEM when stdout fails. */
int cli_help(const char *text);

/* --version: "PROG VERSION (stream format M.m)" on stdout; 0 or ERR_SYSTEM. */
int cli_version(void);

/* --defaults-file: 0 when FILE can be read, else print why and return
 * ERR_USAGE (the MySQL client library would skip it in silence). */
int cli_defaults_file(const char *path);

/* Warn on stderr that a password written in a URI shows in ps. */
void cli_password_warning(void);

/*
 * Hide a password given in a command-line argument from ps and
 * /proc/PID/cmdline: overwrite arg in place with `display` (the location
 * without the password), cut to arg's length and padded with spaces.
 * Call it once the argument has been parsed into copies.
 */
void cli_scrub_arg(char *arg, const char *display);

/*
 * --connect-timeout and --read-timeout of the tools that connect: their
 * defaults in seconds, and, for option `opt` (OPT_CONNECT or OPT_READ,
 * below), the seconds its argument gives into *connect or *read (a bad
 * number is a usage error).
 */
#define CLI_CONNECT_TIMEOUT 30
#define CLI_READ_TIMEOUT 3600
enum {
	CLI_OPT_CONNECT_TIMEOUT = 200,
	CLI_OPT_READ_TIMEOUT,
	CLI_OPT_METRICS_FILE,
};
void cli_timeout(int opt, const char *arg, unsigned *connect, unsigned *read);

/*
 * --metrics-file: write m to path (nothing when path is NULL), the run a
 * success when rc is 0 and ok, and free m.  A file that cannot be
 * written fails a run that had not failed (rc -1, e set); after a failed
 * run its message is printed and rc stays.  Returns rc.
 */
struct metrics;
int cli_metrics_finish(struct metrics *m, const char *path, int rc, int ok,
		       struct err *e);

/* Print "PROG: <e->msg>" on stderr; return the exit code for e's class. */
int cli_report(const struct err *e);

/*
 * Flush and close out (stdout or a file): 0, or -1 with e set (ERR_PIPE
 * when the next stage is gone, ERR_SYSTEM otherwise).
 */
int cli_close_output(FILE *out, struct err *e);

#endif
