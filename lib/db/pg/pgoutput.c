#include "db/pg/pgoutput.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hex.h"
#include "stream/wkb.h"

/* microseconds between 1970-01-01 and PostgreSQL's 2000-01-01 */
#define PG_EPOCH_US INT64_C(946684800000000)

/* --- reading a message ---------------------------------------------------- */

/* a cursor over one message; what and kind name it in errors */
struct rd {
	const unsigned char *b;
	size_t len, pos;
	const char *what; /* "pgoutput message", "replication message" */
	char kind;
	struct err *e;
};

static int rd_short(struct rd *r)
{
	return err_set(r->e, ERR_STREAM, "%s '%c' cut short at byte %zu",
		       r->what, r->kind, r->pos);
}

static int rd_need(struct rd *r, size_t n)
{
	return r->len - r->pos < n ? rd_short(r) : 0;
}

static uint32_t get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static int rd_u8(struct rd *r, unsigned *v)
{
	if (rd_need(r, 1) < 0)
		return -1;
	*v = r->b[r->pos++];
	return 0;
}

static int rd_u16(struct rd *r, unsigned *v)
{
	if (rd_need(r, 2) < 0)
		return -1;
	*v = (unsigned)r->b[r->pos] << 8 | r->b[r->pos + 1];
	r->pos += 2;
	return 0;
}

static int rd_u32(struct rd *r, uint32_t *v)
{
	if (rd_need(r, 4) < 0)
		return -1;
	*v = get32(r->b + r->pos);
	r->pos += 4;
	return 0;
}

static int rd_u64(struct rd *r, uint64_t *v)
{
	if (rd_need(r, 8) < 0)
		return -1;
	*v = (uint64_t)get32(r->b + r->pos) << 32 | get32(r->b + r->pos + 4);
	r->pos += 8;
	return 0;
}

/* a 32-bit length that must be >= 0 and fit in the bytes left */
static int rd_len(struct rd *r, size_t *n)
{
	size_t at = r->pos;
	uint32_t u;

	if (rd_u32(r, &u) < 0)
		return -1;
	if (u > INT32_MAX)
		return err_set(r->e, ERR_STREAM,
			       "%s '%c' has a negative length at byte %zu",
			       r->what, r->kind, at);
	if (r->len - r->pos < u)
		return rd_short(r);
	*n = u;
	return 0;
}

/* a PostgreSQL time (microseconds since 2000) as microseconds since 1970 */
static int rd_time(struct rd *r, int64_t *us)
{
	size_t at = r->pos;
	uint64_t u;

	if (rd_u64(r, &u) < 0)
		return -1;
	if (__builtin_add_overflow((int64_t)u, PG_EPOCH_US, us))
		return err_set(r->e, ERR_STREAM,
			       "%s '%c' has a time past what the stream holds "
			       "at byte %zu",
			       r->what, r->kind, at);
	return 0;
}

/* a NUL-terminated string inside the message */
static int rd_str(struct rd *r, const char **s)
{
	const unsigned char *nul = memchr(r->b + r->pos, '\0', r->len - r->pos);

	if (!nul)
		return err_set(r->e, ERR_STREAM,
			       "%s '%c' has an unterminated string at byte %zu",
			       r->what, r->kind, r->pos);
	*s = (const char *)r->b + r->pos;
	r->pos = (size_t)(nul - r->b) + 1;
	return 0;
}

static int rd_end(struct rd *r)
{
	if (r->pos == r->len)
		return 0;
	return err_set(r->e, ERR_STREAM,
		       "%s '%c' has bytes left over at byte %zu", r->what,
		       r->kind, r->pos);
}

/* a message kind or marker for a message: printable, or escaped */
static const char *quote_byte(char *q, size_t qsz, unsigned char c)
{
	char ch = (char)c;

	return err_quote(q, qsz, &ch, 1, 4);
}

/* --- the replication stream's CopyData ------------------------------------ */

int pgoutput_copydata(const unsigned char *buf, size_t len,
		      struct pgoutput_copydata *out, struct err *e)
{
	struct rd r = { buf, len, 1, "replication message", 0, e };
	char q[16];
	unsigned reply;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return err_set(e, ERR_STREAM, "empty replication message");
	r.kind = out->kind = (char)buf[0];
	switch (out->kind) {
	case 'w':
		if (rd_u64(&r, &out->wal_start) < 0 ||
		    rd_u64(&r, &out->wal_end) < 0 ||
		    rd_time(&r, &out->send_time_us) < 0)
			return -1;
		out->data = buf + r.pos;
		out->len = len - r.pos;
		return 0;
	case 'k':
		if (rd_u64(&r, &out->wal_end) < 0 ||
		    rd_time(&r, &out->send_time_us) < 0 ||
		    rd_u8(&r, &reply) < 0)
			return -1;
		out->reply_requested = reply != 0;
		return rd_end(&r);
	default:
		return err_set(e, ERR_STREAM,
			       "unknown replication message kind '%s'",
			       quote_byte(q, sizeof(q), buf[0]));
	}
}

/* --- pgoutput messages ---------------------------------------------------- */

void pgoutput_parser_init(struct pgoutput_parser *p)
{
	memset(p, 0, sizeof(*p));
}

void pgoutput_parser_release(struct pgoutput_parser *p)
{
	free(p->cols);
	free(p->old_tuple);
	free(p->new_tuple);
	free(p->rels);
	pgoutput_parser_init(p);
}

/* arr (cap items of size bytes) with room for need (<= max) items: the
 * array, or NULL with e set, arr left as it was */
static void *grow(void *arr, size_t *cap, size_t need, size_t size, size_t max,
		  struct err *e)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *p;

	if (need <= *cap)
		return arr;
	if (n > max)
		n = max;
	if (n < need)
		n = need;
	if (!(p = realloc(arr, n * size))) {
		err_oom(e);
		return NULL;
	}
	*cap = n;
	return p;
}

/* TupleData into *arr (cap items), its column count into *n */
static int rd_tuple(struct rd *r, struct pgoutput_datum **arr, size_t *cap,
		    size_t *n)
{
	unsigned ncols;
	char q[16];

	if (rd_u16(r, &ncols) < 0)
		return -1;
	if (ncols > PGOUTPUT_MAX_COLS)
		return err_set(r->e, ERR_STREAM,
			       "%s '%c' has a tuple of %u columns at byte %zu "
			       "(at most %d)",
			       r->what, r->kind, ncols, r->pos - 2,
			       PGOUTPUT_MAX_COLS);
	for (size_t i = 0; i < ncols; i++) {
		struct pgoutput_datum *d, *g;
		size_t at = r->pos;
		unsigned kind;

		if (rd_u8(r, &kind) < 0)
			return -1;
		if (!(g = grow(*arr, cap, i + 1, sizeof(**arr),
			       PGOUTPUT_MAX_COLS, r->e)))
			return -1;
		*arr = g;
		d = &g[i];
		d->kind = (char)kind;
		d->text = NULL;
		d->len = 0;
		switch (kind) {
		case 'n':
		case 'u': break;
		case 't':
			if (rd_len(r, &d->len) < 0)
				return -1;
			d->text = (const char *)r->b + r->pos;
			r->pos += d->len;
			break;
		case 'b':
			return err_set(r->e, ERR_STREAM,
				       "%s '%c' column %zu: binary tuple data "
				       "is not read",
				       r->what, r->kind, i + 1);
		default:
			return err_set(
			    r->e, ERR_STREAM,
			    "%s '%c' has an unknown column kind '%s' "
			    "at byte %zu",
			    r->what, r->kind,
			    quote_byte(q, sizeof(q), (unsigned char)kind), at);
		}
	}
	*n = ncols;
	return 0;
}

/* 'R': the relation and its columns */
static int rd_relation(struct rd *r, struct pgoutput_parser *p,
		       struct pgoutput_msg *m)
{
	unsigned ident, ncols;
	size_t at;
	char q[16];

	if (rd_u32(r, &m->relid) < 0 || rd_str(r, &m->nspname) < 0 ||
	    rd_str(r, &m->relname) < 0)
		return -1;
	at = r->pos;
	if (rd_u8(r, &ident) < 0)
		return -1;
	if (!ident || !strchr("dnfi", (int)ident))
		return err_set(r->e, ERR_STREAM,
			       "%s 'R' has an unknown replica identity '%s' at "
			       "byte %zu",
			       r->what,
			       quote_byte(q, sizeof(q), (unsigned char)ident),
			       at);
	m->replident = (char)ident;
	if (rd_u16(r, &ncols) < 0)
		return -1;
	if (ncols > PGOUTPUT_MAX_COLS)
		return err_set(r->e, ERR_STREAM,
			       "%s 'R' has %u columns at byte %zu (at most %d)",
			       r->what, ncols, r->pos - 2, PGOUTPUT_MAX_COLS);
	for (size_t i = 0; i < ncols; i++) {
		struct pgoutput_relcol *c, *g;
		unsigned flags;
		uint32_t typmod;

		if (!(g = grow(p->cols, &p->cap_cols, i + 1, sizeof(*p->cols),
			       PGOUTPUT_MAX_COLS, r->e)))
			return -1;
		p->cols = g;
		c = &g[i];
		if (rd_u8(r, &flags) < 0 || rd_str(r, &c->name) < 0 ||
		    rd_u32(r, &c->type_oid) < 0 || rd_u32(r, &typmod) < 0)
			return -1;
		c->key = flags & 1;
		c->typmod = (int32_t)typmod;
	}
	m->ncols = ncols;
	m->cols = p->cols;
	return 0;
}

/* the marker byte in front of a tuple ('N', 'K', 'O'); expect lists the
 * ones allowed here */
static int rd_marker(struct rd *r, const char *expect, char *marker)
{
	size_t at = r->pos;
	unsigned c;
	char q[16];

	if (rd_u8(r, &c) < 0)
		return -1;
	if (!c || !strchr(expect, (int)c))
		return err_set(r->e, ERR_STREAM,
			       "%s '%c' has an unknown tuple marker '%s' at "
			       "byte %zu",
			       r->what, r->kind,
			       quote_byte(q, sizeof(q), (unsigned char)c), at);
	*marker = (char)c;
	return 0;
}

/* 'I', 'U', 'D': the relation, then the old tuple, the new one or both */
static int rd_change(struct rd *r, struct pgoutput_parser *p,
		     struct pgoutput_msg *m)
{
	const char *first = m->kind == 'I'   ? "N"
			    : m->kind == 'U' ? "KON"
					     : "KO";
	char mk;

	if (rd_u32(r, &m->relid) < 0 || rd_marker(r, first, &mk) < 0)
		return -1;
	if (mk != 'N') {
		m->old_kind = mk;
		if (rd_tuple(r, &p->old_tuple, &p->cap_old, &m->nold) < 0)
			return -1;
		m->old_tuple = p->old_tuple;
		if (m->kind == 'D')
			return 0;
		if (rd_marker(r, "N", &mk) < 0)
			return -1;
	}
	if (rd_tuple(r, &p->new_tuple, &p->cap_new, &m->nnew) < 0)
		return -1;
	m->new_tuple = p->new_tuple;
	return 0;
}

/* 'T': the relations; their count is bounded by the bytes that hold them */
static int rd_truncate(struct rd *r, struct pgoutput_parser *p,
		       struct pgoutput_msg *m)
{
	uint32_t n;
	unsigned opts;
	uint32_t *g;

	if (rd_u32(r, &n) < 0 || rd_u8(r, &opts) < 0)
		return -1;
	m->options = (int)opts;
	if ((r->len - r->pos) / 4 < n)
		return rd_short(r);
	if (n) {
		if (!(g = grow(p->rels, &p->cap_rels, n, sizeof(*p->rels), n,
			       r->e)))
			return -1;
		p->rels = g;
	}
	for (uint32_t i = 0; i < n; i++, r->pos += 4)
		p->rels[i] = get32(r->b + r->pos);
	m->nrels = n;
	m->rels = p->rels;
	return 0;
}

int pgoutput_parse(struct pgoutput_parser *p, const unsigned char *buf,
		   size_t len, struct pgoutput_msg *m, struct err *e)
{
	struct rd r = { buf, len, 1, "pgoutput message", 0, e };
	uint32_t oid;
	unsigned flags;
	const char *skip;
	char q[16];

	memset(m, 0, sizeof(*m));
	if (len == 0)
		return err_set(e, ERR_STREAM, "empty pgoutput message");
	r.kind = m->kind = (char)buf[0];
	switch (m->kind) {
	case 'B':
		if (rd_u64(&r, &m->lsn) < 0 || rd_time(&r, &m->time_us) < 0 ||
		    rd_u32(&r, &m->xid) < 0)
			return -1;
		break;
	case 'C':
		if (rd_u8(&r, &flags) < 0)
			return -1;
		if (flags)
			return err_set(e, ERR_STREAM,
				       "pgoutput message 'C' has unknown flags "
				       "%u at byte 1",
				       flags);
		if (rd_u64(&r, &m->lsn) < 0 || rd_u64(&r, &m->end_lsn) < 0 ||
		    rd_time(&r, &m->time_us) < 0)
			return -1;
		break;
	case 'O':
		if (rd_u64(&r, &m->lsn) < 0 || rd_str(&r, &m->prefix) < 0)
			return -1;
		break;
	case 'R':
		if (rd_relation(&r, p, m) < 0)
			return -1;
		break;
	case 'Y':
		/* a type's OID, namespace and name: no use to us */
		if (rd_u32(&r, &oid) < 0 || rd_str(&r, &skip) < 0 ||
		    rd_str(&r, &skip) < 0)
			return -1;
		break;
	case 'I':
	case 'U':
	case 'D':
		if (rd_change(&r, p, m) < 0)
			return -1;
		break;
	case 'T':
		if (rd_truncate(&r, p, m) < 0)
			return -1;
		break;
	case 'M':
		if (rd_u8(&r, &flags) < 0 || rd_u64(&r, &m->lsn) < 0 ||
		    rd_str(&r, &m->prefix) < 0 ||
		    rd_len(&r, &m->content_len) < 0)
			return -1;
		m->transactional = flags & 1;
		m->content = buf + r.pos;
		r.pos += m->content_len;
		break;
	default:
		return err_set(e, ERR_STREAM,
			       "unknown pgoutput message kind '%s'",
			       quote_byte(q, sizeof(q), buf[0]));
	}
	return rd_end(&r);
}

/* --- values --------------------------------------------------------------- */

static int is_word(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

static int bad_value(struct err *e, const char *what, const char *s, size_t len)
{
	char q[96];

	return err_set(e, ERR_STREAM, "invalid %s '%s'", what,
		       err_quote(q, sizeof(q), s, len, 40));
}

static int out_of_range(struct err *e, const char *what, const char *s,
			size_t len)
{
	char q[96];

	return err_set(e, ERR_STREAM, "%s out of range '%s'", what,
		       err_quote(q, sizeof(q), s, len, 40));
}


/*
 * A real: read as the float it is and widened, as binary COPY's float4
 * is, so that 1.1 becomes (double)1.1f and not 1.1.  A text that rounds
 * to an infinity or, from a number that is not zero, to zero is refused
 * (no float4 prints so); a subnormal float is what it is.
 */
static int real_value(const char *s, size_t len, struct value *v, struct err *e)
{
	char num[64], *end;
	float f;

	if (is_word(s, len, "NaN")) {
		v->v.f = (double)NAN;
		return 0;
	}
	if (is_word(s, len, "Infinity") || is_word(s, len, "-Infinity")) {
		v->v.f = s[0] == '-' ? -(double)INFINITY : (double)INFINITY;
		return 0;
	}
	if (len >= sizeof(num) || !value_number_syntax_ok(s, len, 1))
		return bad_value(e, "real", s, len);
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	f = strtof(num, &end);
	if (*end)
		return bad_value(e, "real", s, len);
	if (errno == ERANGE && (isinf(f) || f == 0))
		return out_of_range(e, "real", s, len);
	v->v.f = (double)f;
	return 0;
}

/*
 * A date or timestamp in DateStyle ISO: YYYY-MM-DD (four to seven digits
 * of year), then for a timestamp the time and for timestamptz the offset,
 * and " BC" last for a year before 1: year Y BC is the proleptic year
 * 1 - Y, which value_parse reads as -YYYY (0001 BC is year 0).
 */
static int datetime_value(enum value_type t, const char *s, size_t len,
			  struct buf *scratch, struct value *v, struct err *e)
{
	const char *name = value_type_name(t);
	char tmp[64];
	size_t core = len, n = 0, at;
	int64_t y = 0;
	int bc;

	if (is_word(s, len, "infinity") || is_word(s, len, "-infinity"))
		return value_parse(t, s, len, scratch, v, e);
	bc = len >= 3 && memcmp(s + len - 3, " BC", 3) == 0;
	if (bc)
		core -= 3;
	for (; n < core && s[n] >= '0' && s[n] <= '9'; n++)
		if (n < 7)
			y = y * 10 + (s[n] - '0');
	/* no year 0, no sign: PostgreSQL writes neither */
	if (n < 4 || n > 7 || y == 0)
		return bad_value(e, name, s, len);
	if (!bc)
		return value_parse(t, s, len, scratch, v, e);
	if (core - n > sizeof(tmp) - 16)
		return bad_value(e, name, s, len);
	y = 1 - y;
	at = (size_t)snprintf(tmp, sizeof(tmp), "%s%04" PRId64,
			      y < 0 ? "-" : "", y < 0 ? -y : y);
	memcpy(tmp + at, s + n, core - n); /* a NUL in it stays wrong */
	if (value_parse(t, tmp, at + core - n, scratch, v, e) == 0)
		return 0;
	/* the message names the server's text, not ours */
	if (strncmp(e->msg, "invalid ", 8) == 0)
		return bad_value(e, name, s, len);
	return out_of_range(e, name, s, len);
}

static int set_bad(struct err *e, struct buf *scratch, size_t start,
		   const char *why, const char *s, size_t len)
{
	char q[96];

	buf_cut(scratch, start);
	return err_set(e, ERR_STREAM, "%s '%s'", why,
		       err_quote(q, sizeof(q), s, len, 40));
}

static int array_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * A SET column: its text[] in array_out's form, {a,"b c","d\"e"} (a
 * member is quoted when it is empty, holds a space, a quote, a
 * backslash, a brace or a comma, or reads NULL; inside quotes a quote or
 * backslash has a backslash in front), with [lo:hi]= in front when the
 * lower bound is not 1.  The value is the members joined with commas, as
 * the snapshot's array_to_string(col, ',') gives it, written to scratch:
 * never more bytes than the text.  A NULL member (which the SET's CHECK
 * keeps out) and more than one dimension are refused.
 */
static int set_value(const char *s, size_t len, struct buf *scratch,
		     struct value *v, struct err *e)
{
	static const char bad[] = "invalid array of SET members",
			  dims[] = "an array of SET members of more than one "
				   "dimension",
			  null[] = "a NULL in an array of SET members";
	size_t i = 0, start = scratch->len;
	unsigned char *o;

	if (buf_reserve(scratch, len, e) < 0)
		return -1;
	o = scratch->data + start;
	if (i < len && s[i] == '[') {
		/* [lo:hi]=, the bounds not checked against the members */
		while (++i < len && s[i] != ']')
			if (!s[i] || !strchr("0123456789-:", s[i]))
				return set_bad(e, scratch, start, bad, s, len);
		if (++i < len && s[i] == '[')
			return set_bad(e, scratch, start, dims, s, len);
		if (i >= len || s[i++] != '=')
			return set_bad(e, scratch, start, bad, s, len);
	}
	if (i >= len || s[i++] != '{')
		return set_bad(e, scratch, start, bad, s, len);
	if (i < len && s[i] == '}') {
		i++;
		goto end;
	}
	for (;;) {
		if (i < len && s[i] == '{')
			return set_bad(e, scratch, start, dims, s, len);
		if (i < len && s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && ++i >= len)
					break;
				*o++ = (unsigned char)s[i];
			}
			if (i++ >= len)
				return set_bad(e, scratch, start, bad, s, len);
		} else {
			size_t at = i;
			for (; i < len && s[i] != ',' && s[i] != '}'; i++)
				if (s[i] == '"' || s[i] == '\\' ||
				    s[i] == '{' || array_space(s[i]))
					return set_bad(e, scratch, start, bad,
						       s, len);
			if (i == at)
				return set_bad(e, scratch, start, bad, s, len);
			if (i - at == 4 && strncasecmp(s + at, "NULL", 4) == 0)
				return set_bad(e, scratch, start, null, s, len);
			memcpy(o, s + at, i - at);
			o += i - at;
		}
		if (i < len && s[i] == '}') {
			i++;
			break;
		}
		if (i >= len || s[i++] != ',')
			return set_bad(e, scratch, start, bad, s, len);
		*o++ = ',';
	}
end:
	if (i != len)
		return set_bad(e, scratch, start, bad, s, len);
	buf_cut(scratch, (size_t)(o - scratch->data));
	v->v.s.p = (const char *)scratch->data + start;
	v->v.s.len = scratch->len - start;
	return 0;
}

static int is_bpchar(const char *st)
{
	return strcmp(st, "character") == 0 ||
	       (strncmp(st, "character(", 10) == 0 && !strchr(st, '['));
}

/*
 * A text column: the text, but where the snapshot's ::text cast (of
 * --cast text, or of a type outside the first set) gives another text
 * than the type's output: a boolean's 't' is 'true', a character(n)
 * loses its trailing blanks, and an inet keeps its netmask even when it
 * is the whole address (/32, /128).  The inet's text goes to scratch,
 * four bytes longer at most.
 */
static int text_value(const struct schema_column *c, const char *st,
		      const char *s, size_t len, struct buf *scratch,
		      struct value *v, struct err *e)
{
	int cast = c->cast == SCHEMA_CAST_TEXT;

	if (cast && strcmp(st, "boolean") == 0) {
		if (!is_word(s, len, "t") && !is_word(s, len, "f"))
			return bad_value(e, "boolean", s, len);
		s = s[0] == 't' ? "true" : "false";
		len = strlen(s);
	} else if (cast && is_bpchar(st)) {
		while (len && s[len - 1] == ' ')
			len--;
	} else if (strcmp(st, "inet") == 0 && !memchr(s, '/', len)) {
		size_t start = scratch->len;
		const char *mask = memchr(s, ':', len) ? "/128" : "/32";
		if (buf_add(scratch, s, len, e) < 0 ||
		    buf_adds(scratch, mask, e) < 0)
			return -1;
		s = (const char *)scratch->data + start;
		len = scratch->len - start;
	}
	v->v.s.p = s;
	v->v.s.len = len;
	return 0;
}

/* --cast int: the SELECT's ::bigint (a boolean's ::integer::bigint) */
static int cast_int_value(const char *st, const char *s, size_t len,
			  struct buf *scratch, struct value *v, struct err *e)
{
	if (strcmp(st, "boolean") != 0)
		return value_parse(VALUE_INT64, s, len, scratch, v, e);
	if (!is_word(s, len, "t") && !is_word(s, len, "f"))
		return bad_value(e, "boolean", s, len);
	v->v.i = s[0] == 't';
	return 0;
}

/* an integer column, in its type's range as binary COPY has it */
static int int_value(const char *st, const char *s, size_t len,
		     struct buf *scratch, struct value *v, struct err *e)
{
	if (value_parse(VALUE_INT64, s, len, scratch, v, e) < 0)
		return -1;
	if (strcmp(st, "smallint") == 0 &&
	    (v->v.i < INT16_MIN || v->v.i > INT16_MAX))
		return out_of_range(e, "smallint", s, len);
	if (strcmp(st, "integer") == 0 &&
	    (v->v.i < INT32_MIN || v->v.i > INT32_MAX))
		return out_of_range(e, "integer", s, len);
	return 0;
}

/* a column of no --cast and no SET */
/*
 * A PostGIS geometry's text: its EWKB in hex.  The bytes, then their
 * form of stream/wkb.h, both to scratch: len bytes in all, within what
 * the caller reserves (len + 4).
 */
static int geometry_value(const char *s, size_t len, struct buf *scratch,
			  struct value *v, struct err *e)
{
	size_t at = scratch->len, mid;

	if (len % 2)
		return bad_value(e, "geometry", s, len);
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
		unsigned char byte;
		if (hi < 0 || lo < 0) {
			scratch->len = at;
			return bad_value(e, "geometry", s, len);
		}
		byte = (unsigned char)(hi << 4 | lo);
		if (buf_add(scratch, &byte, 1, e) < 0)
			return -1;
	}
	mid = scratch->len;
	if (wkb_normalize(scratch->data + at, mid - at, scratch, NULL, e) < 0)
		return -1;
	v->v.s.p = (const char *)scratch->data + mid;
	v->v.s.len = scratch->len - mid;
	return 0;
}

static int native_value(const struct schema_column *c, const char *st,
			const char *s, size_t len, struct buf *scratch,
			struct value *v, struct err *e)
{
	if (c->type == VALUE_BYTES && wkb_is_spatial_type(st))
		return geometry_value(s, len, scratch, v, e);
	switch (c->type) {
	case VALUE_BOOL:
		if (!is_word(s, len, "t") && !is_word(s, len, "f"))
			return bad_value(e, "bool", s, len);
		v->v.b = s[0] == 't';
		return 0;
	case VALUE_INT64: return int_value(st, s, len, scratch, v, e);
	case VALUE_FLOAT64:
		if (strcmp(st, "real") == 0)
			return real_value(s, len, v, e);
		return value_parse(VALUE_FLOAT64, s, len, scratch, v, e);
	case VALUE_DATE:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		return datetime_value(c->type, s, len, scratch, v, e);
	case VALUE_TEXT: return text_value(c, st, s, len, scratch, v, e);
	case VALUE_NULL:
	case VALUE_TYPE_COUNT: break;
	default: return value_parse(c->type, s, len, scratch, v, e);
	}
	return err_set(e, ERR_SYSTEM, "internal error: a value of type %d",
		       (int)c->type);
}

int pgoutput_value(const struct schema_column *c, const char *text, size_t len,
		   struct buf *scratch, struct value *v, struct err *e)
{
	const char *st = c->source_type ? c->source_type : "";
	int rc;

	memset(v, 0, sizeof(*v));
	if (c->cast == SCHEMA_CAST_INT && c->type != VALUE_INT64)
		return err_set(e, ERR_SYSTEM,
			       "internal error: --cast int of a %s column",
			       value_type_name(c->type));
	if (c->nset && c->type == VALUE_TEXT)
		rc = set_value(text, len, scratch, v, e);
	else if (c->cast == SCHEMA_CAST_INT)
		rc = cast_int_value(st, text, len, scratch, v, e);
	else if (c->cast == SCHEMA_CAST_BYTES) {
		/* the snapshot's convert_to(c::text, 'UTF8') */
		v->v.s.p = text;
		v->v.s.len = len;
		rc = 0;
	} else
		rc = native_value(c, st, text, len, scratch, v, e);
	if (rc < 0)
		return -1;
	v->null = false;
	return value_check(c->type, v, c->labels, c->nlabels, e);
}
