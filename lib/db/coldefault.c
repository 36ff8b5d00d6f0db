#include "db/coldefault.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "stream/value.h"

#define COLDEFAULT_MAX (64u << 10) /* longest default text carried */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int set_text(struct schema_default *d, enum schema_default_kind kind,
		    const char *s, size_t len, struct err *e)
{
	free(d->text);
	d->kind = kind;
	d->precision = -1;
	if (len > COLDEFAULT_MAX)
		len = COLDEFAULT_MAX; /* reported only: its start names it */
	if (!(d->text = strndup(s, len)))
		return err_oom(e);
	return 0;
}

/* the whole of s[0..len) as one call of a known function, "name",
 * "name()" or "name(n)", any case, in parentheses or not */
static int function_of(const char *s, size_t len, struct schema_default *d)
{
	static const struct {
		const char *name;
		enum schema_default_kind kind;
	} fns[] = {
		{ "current_timestamp", SCHEMA_DEFAULT_NOW },
		{ "now", SCHEMA_DEFAULT_NOW },
		{ "localtimestamp", SCHEMA_DEFAULT_NOW },
		{ "transaction_timestamp", SCHEMA_DEFAULT_NOW },
		{ "current_date", SCHEMA_DEFAULT_CURRENT_DATE },
		{ "curdate", SCHEMA_DEFAULT_CURRENT_DATE },
		{ "uuid", SCHEMA_DEFAULT_UUID },
		{ "gen_random_uuid", SCHEMA_DEFAULT_UUID },
		{ "uuid_generate_v4", SCHEMA_DEFAULT_UUID },
	};
	const char *p = s, *end = s + len;
	size_t wl = 0;
	int prec = -1, parens = 0;

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (end - p >= 2 && *p == '(' && end[-1] == ')') {
		p++;
		end--;
	}
	while (p + wl < end && ((lower(p[wl]) >= 'a' && lower(p[wl]) <= 'z') ||
				p[wl] == '_' || (p[wl] >= '0' && p[wl] <= '9')))
		wl++;
	if (p + wl < end) {
		const char *q = p + wl;
		if (*q++ != '(')
			return 0;
		parens = 1;
		if (q < end && *q >= '0' && *q <= '9') {
			prec = *q++ - '0';
		}
		if (q + 1 != end || *q != ')')
			return 0;
	}
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		size_t n = strlen(fns[i].name), k;
		if (n != wl)
			continue;
		for (k = 0; k < n && lower(p[k]) == fns[i].name[k]; k++)
			;
		if (k < n)
			continue;
		if (prec > 6 ||
		    (prec >= 0 && fns[i].kind != SCHEMA_DEFAULT_NOW))
			return 0;
		/* SQL's bare words; the others are called */
		if (!parens && strcmp(fns[i].name, "current_timestamp") &&
		    strcmp(fns[i].name, "localtimestamp") &&
		    strcmp(fns[i].name, "current_date"))
			return 0;
		d->kind = fns[i].kind;
		d->precision = prec;
		return 1;
	}
	return 0;
}

/*
 * The constant lit[0..len) as a VALUE default of c when it reads as a
 * value of c's type (raw_bytes: the bytes as they are, for a bytes
 * column; zone_utc: a timestamptz without an offset is UTC), else the
 * source's text as an EXPRESSION.
 */
static int set_constant(struct schema_column *c, const char *lit, size_t len,
			int raw_bytes, int zone_utc, const char *source,
			struct err *e)
{
	struct buf in, scratch, out;
	struct value v;
	struct err pe;
	int rc = -1;

	buf_init(&in, COLDEFAULT_MAX * 2 + 8);
	buf_init(&scratch, COLDEFAULT_MAX * 2 + 8);
	buf_init(&out, COLDEFAULT_MAX * 4 + 8);
	err_init(&pe);
	if (len > COLDEFAULT_MAX)
		goto expression;
	if (c->type == VALUE_BYTES && raw_bytes) {
		static const char digits[] = "0123456789abcdef";
		if (buf_adds(&in, "\\x", e) < 0)
			goto out;
		for (size_t i = 0; i < len; i++)
			if (buf_addc(&in, digits[(unsigned char)lit[i] >> 4],
				     e) < 0 ||
			    buf_addc(&in, digits[(unsigned char)lit[i] & 15],
				     e) < 0)
				goto out;
	} else if (buf_add(&in, lit, len, e) < 0) {
		goto out;
	}
	if (c->type == VALUE_TIMESTAMPTZ && zone_utc &&
	    buf_addc(&in, 'Z', e) < 0)
		goto out;
	if (value_parse(c->type, in.data ? (char *)in.data : "", in.len,
			&scratch, &v, &pe) < 0 ||
	    value_check(c->type, &v, c->labels, c->nlabels, &pe) < 0 ||
	    value_format(&out, c->type, &v, VALUE_STYLE_TEXT, &pe) < 0)
		goto expression;
	rc = set_text(&c->def, SCHEMA_DEFAULT_VALUE,
		      out.data ? (char *)out.data : "", out.len, e);
	goto out;
expression:
	rc = set_text(&c->def, SCHEMA_DEFAULT_EXPRESSION, source,
		      strlen(source), e);
out:
	buf_release(&in);
	buf_release(&scratch);
	buf_release(&out);
	return rc;
}

static int is_number(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return 0;
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
	       *p == 'E' || ((*p == '-' || *p == '+') && lower(p[-1]) == 'e'))
		p++;
	return *p == '\0';
}

/* MariaDB's quoted literal 'a''b\\c' at s, whole: its text into b */
static int my_unquote(const char *s, struct buf *b, struct err *e, int *ok)
{
	const char *p = s + 1;

	*ok = 0;
	if (*s != '\'')
		return 0;
	for (;; p++) {
		char ch = *p;
		if (!ch)
			return 0;
		if (ch == '\'' && p[1] == '\'') {
			p++;
		} else if (ch == '\'') {
			break;
		} else if (ch == '\\' && p[1]) {
			static const char from[] = "0nrtZb",
					  to[] = "\0\n\r\t\032\b";
			const char *f = strchr(from, *++p);
			ch = f && *p ? to[f - from] : *p;
		}
		if (buf_addc(b, (unsigned char)ch, e) < 0)
			return -1;
	}
	*ok = p[1] == '\0';
	return 0;
}

static int on_update_mysql(struct schema_column *c, const char *extra,
			   struct err *e)
{
	const char *p;

	(void)e;
	for (p = extra; p && *p; p++) {
		static const char key[] = "on update ";
		size_t k;
		for (k = 0; key[k] && lower(p[k]) == key[k]; k++)
			;
		if (key[k])
			continue;
		p += k;
		if (!function_of(p, strlen(p), &c->on_update))
			return set_text(&c->on_update,
					SCHEMA_DEFAULT_EXPRESSION, p, strlen(p),
					e);
		if (c->on_update.kind == SCHEMA_DEFAULT_NOW &&
		    c->on_update.precision < 0)
			c->on_update.precision = 0;
		return 0;
	}
	return 0;
}

int coldefault_mysql(struct schema_column *c, const char *text,
		     const char *extra, int mysql8, struct err *e)
{
	int generated = extra && strstr(extra, "DEFAULT_GENERATED") != NULL;
	struct buf b;
	int ok, rc;

	if (on_update_mysql(c, extra, e) < 0)
		return -1;
	if (!text || (!mysql8 && strcmp(text, "NULL") == 0))
		return 0; /* none, or DEFAULT NULL, which is every column's */
	if (function_of(text, strlen(text), &c->def)) {
		/* MySQL's CURRENT_TIMESTAMP without a precision is 0 */
		if (c->def.kind == SCHEMA_DEFAULT_NOW && c->def.precision < 0)
			c->def.precision = 0;
		return 0;
	}
	if (mysql8 && !generated)
		return set_constant(c, text, strlen(text), 1, 1, text, e);
	if (mysql8 || !(*text == '\'' || is_number(text)))
		return set_text(&c->def, SCHEMA_DEFAULT_EXPRESSION, text,
				strlen(text), e);
	if (*text != '\'')
		return set_constant(c, text, strlen(text), 1, 1, text, e);
	buf_init(&b, COLDEFAULT_MAX + 8);
	rc = my_unquote(text, &b, e, &ok);
	if (rc == 0)
		rc = ok ? set_constant(c, b.data ? (char *)b.data : "", b.len,
				       1, 1, text, e)
			: set_text(&c->def, SCHEMA_DEFAULT_EXPRESSION, text,
				   strlen(text), e);
	buf_release(&b);
	return rc;
}

/* PostgreSQL's 'text' or E'text' at *pp, its text into b: 1 and *pp past
 * it, or 0 */
static int pg_unquote(const char **pp, struct buf *b, struct err *e, int *rc)
{
	const char *p = *pp;
	int esc = 0;

	*rc = 0;
	if (*p == 'E' && p[1] == '\'') {
		esc = 1;
		p++;
	}
	if (*p != '\'')
		return 0;
	for (p++;; p++) {
		char ch = *p;
		if (!ch)
			return 0;
		if (ch == '\'' && p[1] == '\'') {
			p++;
		} else if (ch == '\'') {
			break;
		} else if (esc && ch == '\\') {
			static const char from[] = "nrtb\\'",
					  to[] = "\n\r\t\b\\'";
			const char *f = p[1] ? strchr(from, p[1]) : NULL;
			if (!f)
				return 0; /* octal, hex, unicode: left as is */
			ch = to[f - from];
			p++;
		}
		if (buf_addc(b, (unsigned char)ch, e) < 0) {
			*rc = -1;
			return 1;
		}
	}
	*pp = p + 1;
	return 1;
}

/* casts "::type" to the end: a type name's characters only */
static int only_casts(const char *p)
{
	while (*p) {
		if (p[0] != ':' || p[1] != ':')
			return 0;
		p += 2;
		if (!*p)
			return 0;
		while (*p && *p != ':') {
			if (*p == '\'' || *p == ';' || *p == '|')
				return 0;
			p++;
		}
	}
	return 1;
}

int coldefault_pg(struct schema_column *c, const char *text, struct err *e)
{
	const char *p = text;
	struct buf b;
	int rc = 0;

	if (!text || strncmp(text, "NULL::", 6) == 0 ||
	    strcmp(text, "NULL") == 0)
		return 0;
	if (function_of(text, strlen(text), &c->def))
		return 0;
	/* what PostgreSQL prints for DEFAULT 'now'::date (and ::timestamp,
	 * ::timestamptz): the day or time of each insert, not a constant */
	if (strcmp(text, "('now'::text)::date") == 0 ||
	    strcmp(text, "'now'::date") == 0) {
		c->def.kind = SCHEMA_DEFAULT_CURRENT_DATE;
		c->def.precision = -1;
		return 0;
	}
	if (strcmp(text, "('now'::text)::timestamp without time zone") == 0 ||
	    strcmp(text, "('now'::text)::timestamp with time zone") == 0) {
		c->def.kind = SCHEMA_DEFAULT_NOW;
		c->def.precision = -1;
		return 0;
	}
	buf_init(&b, COLDEFAULT_MAX + 8);
	if (pg_unquote(&p, &b, e, &rc)) {
		if (rc == 0)
			rc = only_casts(p)
				 ? set_constant(c, b.data ? (char *)b.data : "",
						b.len, 0, 0, text, e)
				 : set_text(&c->def, SCHEMA_DEFAULT_EXPRESSION,
					    text, strlen(text), e);
	} else {
		/* 0, 1.50, false, (-5) */
		size_t n = strlen(text);
		const char *s = text;
		if (n >= 3 && s[0] == '(' && s[n - 1] == ')') {
			s++;
			n -= 2;
		}
		if (buf_add(&b, s, n, e) < 0 || buf_addc(&b, '\0', e) < 0)
			rc = -1;
		else if (is_number((char *)b.data) ||
			 strcmp((char *)b.data, "true") == 0 ||
			 strcmp((char *)b.data, "false") == 0)
			rc = set_constant(c, s, n, 0, 0, text, e);
		else
			rc = set_text(&c->def, SCHEMA_DEFAULT_EXPRESSION, text,
				      strlen(text), e);
	}
	buf_release(&b);
	return rc;
}
