#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void err_init(struct err *e)
{
	e->class = ERR_OK;
	e->msg[0] = '\0';
}

int err_set(struct err *e, enum err_class class, const char *fmt, ...)
{
	va_list ap;

	e->class = class;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void prefix_with(struct err *e, const char *head, const char *sep)
{
	char old[ERR_MSG_MAX];
	size_t hl = strlen(head), sl = strlen(sep), ol, o;

	memcpy(old, e->msg, sizeof(old));
	ol = strlen(old);
	/* cut explicitly: the message is one bounded line */
	if (hl > sizeof(e->msg) - 1 - sl)
		hl = sizeof(e->msg) - 1 - sl;
	memcpy(e->msg, head, hl);
	memcpy(e->msg + hl, sep, sl);
	o = hl + sl;
	if (ol > sizeof(e->msg) - 1 - o)
		ol = sizeof(e->msg) - 1 - o;
	memcpy(e->msg + o, old, ol);
	e->msg[o + ol] = '\0';
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char head[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	prefix_with(e, head, ": ");
	return -1;
}

int err_prefix_place(struct err *e, const char *fmt, ...)
{
	char head[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	prefix_with(e, head, ", ");
	return -1;
}

int err_oom(struct err *e)
{
	return err_set(e, ERR_SYSTEM, "out of memory");
}

const char *err_quote(char *buf, size_t bufsz, const char *s, size_t len,
		      size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	size_t i;

	if (bufsz < 8) {
		if (bufsz)
			buf[0] = '\0';
		return buf;
	}
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o + 8 >= bufsz)
			break;
		if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
			buf[o++] = '\\';
			switch (c) {
			case '\n': buf[o++] = 'n'; break;
			case '\t': buf[o++] = 't'; break;
			case '\r': buf[o++] = 'r'; break;
			case '\'': buf[o++] = '\''; break;
			case '\\': buf[o++] = '\\'; break;
			default:
				buf[o++] = 'x';
				buf[o++] = hex[c >> 4];
				buf[o++] = hex[c & 15];
			}
		} else {
			buf[o++] = (char)c;
		}
	}
	/* never cut inside a UTF-8 sequence: drop its first bytes too */
	while (i < len && i > 0 && o > 0 &&
	       ((unsigned char)s[i] & 0xc0) == 0x80 &&
	       (unsigned char)s[i - 1] >= 0x80) {
		i--;
		o--;
	}
	if (i < len) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

char *err_clean_dup(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), o = 0;
	char *d = malloc(n * 4 + 1);

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != 0x7f) {
			d[o++] = (char)c;
			continue;
		}
		d[o++] = '\\';
		switch (c) {
		case '\n': d[o++] = 'n'; break;
		case '\t': d[o++] = 't'; break;
		case '\r': d[o++] = 'r'; break;
		default:
			d[o++] = 'x';
			d[o++] = hex[c >> 4];
			d[o++] = hex[c & 15];
		}
	}
	d[o] = '\0';
	return d;
}
