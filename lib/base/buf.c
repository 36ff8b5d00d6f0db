#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

int buf_reserve(struct buf *b, size_t more, struct err *e)
{
	size_t need, ncap;
	unsigned char *p;

	if (more > b->max || b->len > b->max - more)
		return err_set(e, ERR_STREAM,
			       "value too large (over the limit of %zu bytes)",
			       b->max);
	need = b->len + more + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (!p)
		return err_oom(e);
	b->data = p;
	b->cap = ncap;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n, struct err *e)
{
	if (buf_reserve(b, n, e) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_addc(struct buf *b, unsigned char c, struct err *e)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_add(b, &c, 1, e);
}

int buf_add_quoted(struct buf *b, char q, const char *s, struct err *e)
{
	if (buf_addc(b, (unsigned char)q, e) < 0)
		return -1;
	for (; *s; s++)
		if ((*s == q && buf_addc(b, (unsigned char)q, e) < 0) ||
		    buf_addc(b, (unsigned char)*s, e) < 0)
			return -1;
	return buf_addc(b, (unsigned char)q, e);
}

int buf_adds(struct buf *b, const char *s, struct err *e)
{
	return buf_add(b, s, strlen(s), e);
}

int buf_addf(struct buf *b, struct err *e, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* first straight into the room there is: one vsnprintf call when it
	 * fits, which is nearly always */
	if (b->cap > b->len + 1) {
		room = b->cap - b->len;
		va_start(ap, fmt);
		n = vsnprintf((char *)b->data + b->len, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return err_set(e, ERR_SYSTEM, "cannot format a value");
		if ((size_t)n < room) {
			if ((size_t)n > b->max - b->len) {
				b->data[b->len] = '\0';
				return err_set(
				    e, ERR_STREAM,
				    "value too large (over the limit of %zu bytes)",
				    b->max);
			}
			b->len += (size_t)n;
			return 0;
		}
		b->data[b->len] = '\0';
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err_set(e, ERR_SYSTEM, "cannot format a value");
	if (buf_reserve(b, (size_t)n, e) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int buf_add_u64(struct buf *b, uint64_t v, struct err *e)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return buf_add(b, tmp + sizeof(tmp) - n, n, e);
}

int buf_add_i64(struct buf *b, int64_t v, struct err *e)
{
	if (v < 0) {
		if (buf_addc(b, '-', e) < 0)
			return -1;
		return buf_add_u64(b, (uint64_t)0 - (uint64_t)v, e);
	}
	return buf_add_u64(b, (uint64_t)v, e);
}

int buf_add_digits(struct buf *b, uint64_t v, unsigned width, struct err *e)
{
	char tmp[20];

	if (width > sizeof(tmp))
		width = sizeof(tmp);
	for (unsigned i = width; i-- > 0;) {
		tmp[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return buf_add(b, tmp, width, e);
}
