/*
 * buf - a growable byte buffer with a hard maximum (curl's dynbuf).
 *
 * A buf owns its memory.  Growing past `max` is an error (ERR_STREAM with
 * the caller's context, by default "value too large"), never an unbounded
 * allocation.  The data is always followed by a NUL byte that is not part
 * of len, so text can be handed to C string functions.
 */
#ifndef FERRY_BUF_H
#define FERRY_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* Initialise an empty buffer that may hold at most `max` bytes. */
void buf_init(struct buf *b, size_t max);

/* Free the memory; the buffer is empty and may be used again. */
void buf_release(struct buf *b);

/* Make room for `more` bytes after len.  -1 with ERR_SYSTEM on out of
 * memory, ERR_STREAM when len + more passes max. */
int buf_reserve(struct buf *b, size_t more, struct err *e);

int buf_add(struct buf *b, const void *p, size_t n, struct err *e);
int buf_addc(struct buf *b, unsigned char c, struct err *e);
int buf_adds(struct buf *b, const char *s, struct err *e);
/* s between two q, each q in it doubled (a quoted SQL name) */
int buf_add_quoted(struct buf *b, char q, const char *s, struct err *e);
int buf_addf(struct buf *b, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append v in decimal (no printf: this is on every row's path). */
int buf_add_u64(struct buf *b, uint64_t v, struct err *e);
int buf_add_i64(struct buf *b, int64_t v, struct err *e);

/* Append v as exactly `width` decimal digits, zero-padded (v must fit). */
int buf_add_digits(struct buf *b, uint64_t v, unsigned width, struct err *e);

/* Set len to 0, keeping the memory. */
static inline void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Cut b back to len bytes (len <= b->len), still NUL-ended. */
static inline void buf_cut(struct buf *b, size_t len)
{
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

#endif
