#include "db/rowbuf.h"

#include <stdlib.h>
#include <string.h>

void rowbuf_init(struct rowbuf *rb, size_t max_bytes)
{
	buf_init(&rb->data, max_bytes);
	buf_init(&rb->offs, max_bytes);
	rb->row = NULL;
	rb->ncols = 0;
}

void rowbuf_release(struct rowbuf *rb)
{
	buf_release(&rb->data);
	buf_release(&rb->offs);
	free(rb->row);
	rb->row = NULL;
	rb->ncols = 0;
}

void rowbuf_reset(struct rowbuf *rb)
{
	buf_reset(&rb->data);
	buf_reset(&rb->offs);
}

size_t rowbuf_count(const struct rowbuf *rb)
{
	return rb->offs.len / sizeof(size_t);
}

int rowbuf_add(struct rowbuf *rb, const struct schema_table *t,
	       const struct value *row, struct err *e)
{
	size_t off = rb->data.len;

	if (buf_add(&rb->offs, &off, sizeof(off), e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (buf_addc(&rb->data, row[i].null ? 1 : 0, e) < 0 ||
		    (!row[i].null && t->cols[i].type != VALUE_NULL &&
		     value_encode(&rb->data, t->cols[i].type, &row[i], e) <
			 0)) {
			rb->offs.len -= sizeof(off);
			return -1;
		}
	}
	return 0;
}

const struct value *rowbuf_get(struct rowbuf *rb, const struct schema_table *t,
			       size_t i, struct err *e)
{
	const unsigned char *p, *end;
	size_t off, next;

	if (rb->ncols < t->ncols) {
		struct value *nr = realloc(rb->row, t->ncols * sizeof(*nr));
		if (!nr) {
			err_oom(e);
			return NULL;
		}
		rb->row = nr;
		rb->ncols = t->ncols;
	}
	memcpy(&off, rb->offs.data + i * sizeof(size_t), sizeof(off));
	if ((i + 1) * sizeof(size_t) < rb->offs.len)
		memcpy(&next, rb->offs.data + (i + 1) * sizeof(size_t),
		       sizeof(next));
	else
		next = rb->data.len;
	p = rb->data.data + off;
	end = rb->data.data + next;
	for (size_t c = 0; c < t->ncols; c++) {
		int null = p < end && *p++ == 1;
		rb->row[c].null = null;
		if (null || t->cols[c].type == VALUE_NULL) {
			rb->row[c].null = true;
			continue;
		}
		if (value_decode(&p, end, t->cols[c].type, (size_t)-1,
				 &rb->row[c], e) < 0)
			return NULL;
	}
	return rb->row;
}
