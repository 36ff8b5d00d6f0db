#include "db/uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hex.h"
#include "db/pg/pgutil.h"

void uri_release(struct uri *u)
{
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->socket);
	free(u->db);
	free(u->conninfo);
	free(u->display);
	memset(u, 0, sizeof(*u));
}

/* percent-decode s[0..len) into a new string; NULL on a bad escape */
static char *pct_decode(const char *s, size_t len, int *bad, struct err *e)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out) {
		err_oom(e);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				*bad = 1;
				break;
			}
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			/* %00 would cut the C string short: refused */
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				*bad = 1;
				break;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (*bad) {
		free(out);
		err_set(e, ERR_USAGE, "bad percent escape in the database URI");
		return NULL;
	}
	return out;
}

static int parse_mysql(const char *s, struct uri *u, struct err *e)
{
	const char *p = strstr(s, "://") + 3;
	const char *at, *slash, *q, *end = p + strlen(p);
	const char *hostpart;
	int bad = 0;
	struct buf d;

	u->engine = URI_MYSQL;
	q = strchr(p, '?');
	if (!q)
		q = end;
	slash = memchr(p, '/', (size_t)(q - p));
	if (!slash)
		slash = q;
	/* the last '@' before the path: passwords may hold '@' unescaped */
	at = NULL;
	for (const char *c = p; c < slash; c++)
		if (*c == '@')
			at = c;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *uend = colon ? colon : at;
		if (uend > p &&
		    !(u->user = pct_decode(p, (size_t)(uend - p), &bad, e)))
			return -1;
		if (colon) {
			u->password_in_uri = 1;
			if (!(u->password = pct_decode(colon + 1,
						       (size_t)(at - colon - 1),
						       &bad, e)))
				return -1;
		}
		hostpart = at + 1;
	} else {
		hostpart = p;
	}
	if (hostpart < slash) {
		const char *colon = NULL;
		if (*hostpart == '[') { /* [::1]:3306 */
			const char *rb =
			    memchr(hostpart, ']', (size_t)(slash - hostpart));
			if (!rb)
				return err_set(
				    e, ERR_USAGE,
				    "unclosed '[' in the database URI");
			u->host =
			    strndup(hostpart + 1, (size_t)(rb - hostpart - 1));
			if (rb + 1 < slash && rb[1] == ':')
				colon = rb + 1;
			else if (rb + 1 != slash)
				return err_set(e, ERR_USAGE,
					       "bad host in the database URI");
		} else {
			colon =
			    memchr(hostpart, ':', (size_t)(slash - hostpart));
			u->host =
			    strndup(hostpart, (size_t)((colon ? colon : slash) -
						       hostpart));
		}
		if (!u->host)
			return err_oom(e);
		if (!*u->host) {
			free(u->host);
			u->host = NULL;
		}
		if (colon) {
			unsigned long port = 0;
			const char *c;
			for (c = colon + 1; c < slash; c++) {
				if (*c < '0' || *c > '9' || port > 65535)
					break;
				port = port * 10 + (unsigned long)(*c - '0');
			}
			if (c != slash || c == colon + 1 || port == 0 ||
			    port > 65535)
				return err_set(e, ERR_USAGE,
					       "bad port in the database URI");
			u->port = (unsigned)port;
		}
	}
	if (slash < q && slash + 1 < q &&
	    !(u->db = pct_decode(slash + 1, (size_t)(q - slash - 1), &bad, e)))
		return -1;
	/* query: socket=PATH (other keys are refused, not ignored) */
	for (const char *k = q < end ? q + 1 : end; k < end;) {
		const char *amp = strchr(k, '&'), *eq;
		size_t klen;
		if (!amp)
			amp = end;
		eq = memchr(k, '=', (size_t)(amp - k));
		klen = (size_t)((eq ? eq : amp) - k);
		if (eq && klen == 6 && memcmp(k, "socket", 6) == 0) {
			free(u->socket);
			if (!(u->socket = pct_decode(
				  eq + 1, (size_t)(amp - eq - 1), &bad, e)))
				return -1;
		} else if (klen) {
			return err_set(
			    e, ERR_USAGE,
			    "unknown parameter '%.*s' in the database URI",
			    (int)(klen > 40 ? 40 : klen), k);
		}
		k = amp < end ? amp + 1 : end;
	}
	buf_init(&d, 8192);
	if (buf_addf(&d, e, "mysql://%s%s%s", u->user ? u->user : "",
		     u->user ? "@" : "", u->host ? u->host : "") < 0 ||
	    (u->port && buf_addf(&d, e, ":%u", u->port) < 0) ||
	    buf_addf(&d, e, "/%s", u->db ? u->db : "") < 0 ||
	    (u->socket && buf_addf(&d, e, "?socket=%s", u->socket) < 0)) {
		buf_release(&d);
		return -1;
	}
	u->display = (char *)d.data;
	return 0;
}

int uri_parse(const char *s, struct uri *u, struct err *e)
{
	memset(u, 0, sizeof(*u));
	/* its display form is built in a buffer of twice that */
	if (strlen(s) > URI_MAX)
		return err_set(e, ERR_USAGE,
			       "the database URI is longer than %d bytes",
			       URI_MAX);
	if (strncmp(s, "mysql://", 8) == 0 ||
	    strncmp(s, "mariadb://", 10) == 0) {
		if (parse_mysql(s, u, e) < 0)
			goto fail;
		return 0;
	}
	if (pgutil_parse_uri(s, u, e) < 0)
		goto fail;
	return 0;
fail:
	uri_release(u);
	return -1;
}
