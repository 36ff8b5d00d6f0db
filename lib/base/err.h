/*
 * err - error values and the one-line message format.
 *
 * Every library call that can fail takes a `struct err *` and, on failure,
 * fills it with a class (the exit code main() will use, see DESIGN.md) and
 * a one-line message.  Each layer may add context in front with err_prefix()
 * so the line main() prints reads like
 *
 *     ferry-cat: in.ferry: byte 1234: table messages, batch 3: checksum
 * mismatch
 *
 * Messages start lowercase, have no full stop and no newline.  User values
 * are quoted with err_quote(), which replaces control characters and cuts
 * long values.  lib/ never prints and never exits; only main() reports.
 */
#ifndef FERRY_ERR_H
#define FERRY_ERR_H

#include <stddef.h>

enum err_class {
	ERR_OK = 0,
	ERR_DIFFER = 1,	 /* verify: the two sides differ */
	ERR_USAGE = 2,	 /* bad command line */
	ERR_STREAM = 3,	 /* corrupt, truncated or unsupported input stream */
	ERR_DB = 4,	 /* database error */
	ERR_SPEC = 5,	 /* transform spec error */
	ERR_REJECTS = 6, /* rows rejected past --max-rejects */
	ERR_PIPE = 7,	 /* interrupted, or another stage of the pipe failed */
	ERR_SYSTEM = 8,	 /* local I/O, out of memory, internal bug */
	ERR_RESNAPSHOT = 9,	/* --follow: a followed table's schema
				 * changed; take a new snapshot */
	ERR_POSITION_LOST = 10, /* --follow: the source no longer holds
				 * the position to resume from */
};

#define ERR_MSG_MAX 512

struct err {
	enum err_class class;
	char msg[ERR_MSG_MAX];
};

/* Clear an error value (class ERR_OK, empty message). */
void err_init(struct err *e);

/*
 * Set class and message (printf-style; the result is cut at ERR_MSG_MAX).
 * Always returns -1 so that callers can write `return err_set(e, ...);`.
 */
int err_set(struct err *e, enum err_class class, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "context: " in front of the current message; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Put "context, " in front: for a place that goes on ("table t, " before
 * "row 5, column c: ..."); returns -1. */
int err_prefix_place(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set ERR_SYSTEM "out of memory"; returns -1. */
int err_oom(struct err *e);

/*
 * Quote a user value for a message: at most `max` bytes of `s` (len bytes)
 * are copied into `buf` (size bufsz), control characters and quotes become
 * escapes, and a cut value ends in "...".  Returns buf.
 */
const char *err_quote(char *buf, size_t bufsz, const char *s, size_t len,
		      size_t max);

/*
 * A copy of s, malloc'd (the caller frees it), for a line of text meant
 * for people: every control character (below 0x20, and 0x7f) written as
 * \n, \t, \r or \xNN, so that a name holding a newline cannot
 * forge a line of its own.  NULL when out of memory.
 */
char *err_clean_dup(const char *s);

#endif
