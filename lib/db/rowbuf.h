/*
 * rowbuf - rows kept aside in their binary stream encoding, to be read
 * back one by one: a loader keeps the rows of its last few thousand so it
 * can retry them one at a time and set aside those the target refuses.
 * Bounded by its maximum size (an error when full, never a silent drop).
 */
#ifndef FERRY_ROWBUF_H
#define FERRY_ROWBUF_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

struct rowbuf {
	struct buf data;   /* encoded rows, one after another */
	struct buf offs;   /* size_t offset of each row in data */
	struct value *row; /* ncols values for rowbuf_get */
	size_t ncols;
};

void rowbuf_init(struct rowbuf *rb, size_t max_bytes);
void rowbuf_release(struct rowbuf *rb);

/* Forget the rows kept, keeping the memory. */
void rowbuf_reset(struct rowbuf *rb);

/* Number of rows kept. */
size_t rowbuf_count(const struct rowbuf *rb);

/* Keep a copy of row (t->ncols values). */
int rowbuf_add(struct rowbuf *rb, const struct schema_table *t,
	       const struct value *row, struct err *e);

/* Row i, decoded: borrowed until the next rowbuf call. */
const struct value *rowbuf_get(struct rowbuf *rb, const struct schema_table *t,
			       size_t i, struct err *e);

#endif
