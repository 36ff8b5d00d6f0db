/*
 * fuzz-pgoutput - libFuzzer target for PostgreSQL's logical replication
 * stream (pgoutput.h): the CopyData messages of a replication connection,
 * the pgoutput messages inside them, and the values their text tuples
 * carry.
 *
 * Input: byte 0 % 3 picks the mode, the rest is its input.
 *   0  pgoutput_copydata; an XLogData's message goes on to pgoutput_parse
 *   1  pgoutput_parse
 *   2  pgoutput_value: byte 1 picks a column (its type, source type,
 *      --cast, SET or labels) from the table below, the rest is the text
 * Errors are expected; a crash is not, nor an error of another class than
 * ERR_STREAM.  A message that parses has every string, text and content
 * inside the input, and every column count within the limits; every
 * proper prefix of it is refused, as is the message with a byte more (a
 * keepalive too).  A value that reads passes value_check with the
 * column's labels, and scratch grew by at most the text's length + 4.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-pgoutput`, and
 * with tests/fuzz/replay.c into build/asan/tests/replay-pgoutput, which
 * `make check` runs on testdata/fuzz/pgoutput.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/pg/pgoutput.h"
#include "stream/schema.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-pgoutput: %s: %s\n", what, detail);
	abort();
}

static void expect_stream_error(int rc, const struct err *e, const char *what)
{
	if (rc != -1)
		fuzz_fail(what, "accepted");
	if (e->class != ERR_STREAM)
		fuzz_fail(what, e->msg);
	if (!e->msg[0] || strchr(e->msg, '\n'))
		fuzz_fail("an error message that is not one line", e->msg);
}

/* p[0..n) lies within b[0..len) */
static void inside(const unsigned char *b, size_t len, const void *p, size_t n,
		   const char *what)
{
	const unsigned char *q = p;

	if (!q && !n)
		return;
	if (!q || q < b || q > b + len || n > (size_t)(b + len - q))
		fuzz_fail("points outside the message", what);
}

static void string_inside(const unsigned char *b, size_t len, const char *s,
			  const char *what)
{
	if (!s)
		fuzz_fail("a string left unset", what);
	inside(b, len, s, strlen(s) + 1, what);
}

static void tuple_inside(const unsigned char *b, size_t len,
			 const struct pgoutput_datum *t, size_t n)
{
	if (n > PGOUTPUT_MAX_COLS)
		fuzz_fail("a tuple past the limit", "");
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind != 'n' && t[i].kind != 'u' && t[i].kind != 't')
			fuzz_fail("a column of an unknown kind", "");
		if (t[i].kind == 't')
			inside(b, len, t[i].text, t[i].len, "a column's text");
		else if (t[i].text || t[i].len)
			fuzz_fail("a NULL column with text", "");
	}
}

/* what a message that parses must be */
static void check_msg(const unsigned char *b, size_t len,
		      const struct pgoutput_msg *m)
{
	if (m->kind != (char)b[0] || !strchr("BCORYIUDTM", m->kind))
		fuzz_fail("a message of another kind", "");
	switch (m->kind) {
	case 'O': string_inside(b, len, m->prefix, "an origin"); break;
	case 'R':
		string_inside(b, len, m->nspname, "a namespace");
		string_inside(b, len, m->relname, "a relation");
		if (m->ncols > PGOUTPUT_MAX_COLS)
			fuzz_fail("a relation past the limit", "");
		if (!m->replident || !strchr("dnfi", m->replident))
			fuzz_fail("an unknown replica identity", "");
		for (size_t i = 0; i < m->ncols; i++)
			string_inside(b, len, m->cols[i].name, "a column");
		break;
	case 'I':
	case 'U':
	case 'D':
		if ((m->kind == 'I' && m->old_kind) ||
		    (m->kind == 'D' && (!m->old_kind || m->nnew)) ||
		    (m->old_kind && m->old_kind != 'K' && m->old_kind != 'O'))
			fuzz_fail("tuples of the wrong kinds", "");
		tuple_inside(b, len, m->old_tuple, m->nold);
		tuple_inside(b, len, m->new_tuple, m->nnew);
		break;
	case 'T':
		if (m->nrels > len / 4)
			fuzz_fail("more relations than bytes", "");
		break;
	case 'M':
		string_inside(b, len, m->prefix, "a prefix");
		inside(b, len, m->content, m->content_len, "a content");
		break;
	default: break;
	}
}

/* b[0..len) parsed: each proper prefix of it is refused, and so is it
 * with a byte more */
static void prefixes(struct pgoutput_parser *p, const unsigned char *b,
		     size_t len)
{
	struct pgoutput_msg m;
	struct err e;
	unsigned char *more = malloc(len + 1);

	if (!more)
		abort();
	/* each prefix in memory of its own length, for ASan to see a read
	 * past it */
	for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
		unsigned char *c = malloc(cut ? cut : 1);
		if (!c)
			abort();
		memcpy(c, b, cut);
		err_init(&e);
		expect_stream_error(pgoutput_parse(p, c, cut, &m, &e), &e,
				    "a message cut short");
		free(c);
	}
	memcpy(more, b, len);
	more[len] = 0;
	err_init(&e);
	expect_stream_error(pgoutput_parse(p, more, len + 1, &m, &e), &e,
			    "a message with a byte more");
	free(more);
}

static void message(const unsigned char *b, size_t len)
{
	struct pgoutput_parser p;
	struct pgoutput_msg m;
	struct err e;

	pgoutput_parser_init(&p);
	err_init(&e);
	if (pgoutput_parse(&p, b, len, &m, &e) < 0) {
		expect_stream_error(-1, &e, "a message refused");
	} else {
		check_msg(b, len, &m);
		prefixes(&p, b, len);
		/* again with the arrays the parser holds now */
		err_init(&e);
		if (pgoutput_parse(&p, b, len, &m, &e) < 0)
			fuzz_fail("a message parses once only", e.msg);
		check_msg(b, len, &m);
	}
	pgoutput_parser_release(&p);
}

static void copydata(const unsigned char *b, size_t len)
{
	struct pgoutput_copydata cd;
	struct err e;
	unsigned char *more;

	err_init(&e);
	if (pgoutput_copydata(b, len, &cd, &e) < 0) {
		expect_stream_error(-1, &e, "a CopyData refused");
		return;
	}
	if (cd.kind == 'w') {
		if (len < 25 || cd.data != b + 25 || cd.len != len - 25)
			fuzz_fail("XLogData's message is not the rest", "");
		message(cd.data, cd.len);
		return;
	}
	if (cd.kind != 'k' || len != 18)
		fuzz_fail("a keepalive of another length", "");
	for (size_t cut = 0; cut < len; cut++) {
		err_init(&e);
		expect_stream_error(pgoutput_copydata(b, cut, &cd, &e), &e,
				    "a keepalive cut short");
	}
	if (!(more = malloc(len + 1)))
		abort();
	memcpy(more, b, len);
	more[len] = 0;
	err_init(&e);
	expect_stream_error(pgoutput_copydata(more, len + 1, &cd, &e), &e,
			    "a keepalive with a byte more");
	free(more);
}

/* the columns a PostgreSQL source describes, as source_describe and
 * --cast leave them */
static char *set_members[] = { (char *)"a", (char *)"b c", (char *)"d\"e" };
static char *mood_labels[] = { (char *)"sad", (char *)"ok", (char *)"it's" };

static const struct {
	enum value_type type;
	const char *source_type;
	int cast;
	int set;
	int labels;
} columns[] = {
	{ VALUE_BOOL, "boolean", 0, 0, 0 },
	{ VALUE_INT64, "smallint", 0, 0, 0 },
	{ VALUE_INT64, "integer", 0, 0, 0 },
	{ VALUE_INT64, "bigint", 0, 0, 0 },
	{ VALUE_FLOAT64, "real", 0, 0, 0 },
	{ VALUE_FLOAT64, "double precision", 0, 0, 0 },
	{ VALUE_DECIMAL, "numeric(12,3)", 0, 0, 0 },
	{ VALUE_TEXT, "text", 0, 0, 0 },
	{ VALUE_TEXT, "character(4)", 0, 0, 0 },
	{ VALUE_TEXT, "interval", 0, 0, 0 },
	{ VALUE_TEXT, "inet", 0, 0, 0 },
	{ VALUE_TEXT, "text[]", 0, 1, 0 },
	{ VALUE_BYTES, "bytea", 0, 0, 0 },
	{ VALUE_DATE, "date", 0, 0, 0 },
	{ VALUE_TIME, "time without time zone", 0, 0, 0 },
	{ VALUE_TIMESTAMP, "timestamp without time zone", 0, 0, 0 },
	{ VALUE_TIMESTAMPTZ, "timestamp with time zone", 0, 0, 0 },
	{ VALUE_JSON, "json", 0, 0, 0 },
	{ VALUE_JSON, "jsonb", 0, 0, 0 },
	{ VALUE_UUID, "uuid", 0, 0, 0 },
	{ VALUE_ENUM, "mood", 0, 0, 1 },
	{ VALUE_ENUM, "mood", 0, 0, 0 },
	{ VALUE_INT64, "boolean", SCHEMA_CAST_INT, 0, 0 },
	{ VALUE_INT64, "numeric(20,0)", SCHEMA_CAST_INT, 0, 0 },
	{ VALUE_TEXT, "boolean", SCHEMA_CAST_TEXT, 0, 0 },
	{ VALUE_TEXT, "character(4)", SCHEMA_CAST_TEXT, 0, 0 },
	{ VALUE_TEXT, "inet", SCHEMA_CAST_TEXT, 0, 0 },
	{ VALUE_TEXT, "real", SCHEMA_CAST_TEXT, 0, 0 },
	{ VALUE_UINT64, "numeric(20,0)", 0, 0, 0 },
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static void value(unsigned pick, const char *text, size_t len)
{
	struct schema_column c;
	struct buf scratch;
	struct value v;
	struct err e;
	size_t before;
	unsigned k = pick % NCOLUMNS;

	memset(&c, 0, sizeof(c));
	c.type = columns[k].type;
	c.source_type = (char *)columns[k].source_type;
	c.cast = columns[k].cast;
	if (columns[k].set) {
		c.set = set_members;
		c.nset = sizeof(set_members) / sizeof(set_members[0]);
	}
	if (columns[k].labels) {
		c.labels = mood_labels;
		c.nlabels = sizeof(mood_labels) / sizeof(mood_labels[0]);
	}
	buf_init(&scratch, 1u << 24);
	/* something there already: the value's bytes come after it */
	err_init(&e);
	if (buf_adds(&scratch, "x", &e) < 0)
		abort();
	before = scratch.len;
	if (pgoutput_value(&c, text, len, &scratch, &v, &e) < 0) {
		expect_stream_error(-1, &e, "a value refused");
	} else {
		if (v.null)
			fuzz_fail("a value reads as NULL", text);
		if (value_check(c.type, &v, c.labels, c.nlabels, &e) < 0)
			fuzz_fail("a value value_check refuses", e.msg);
		if (value_type_is_bytes(c.type) && v.v.s.len > len + 4)
			fuzz_fail("a value longer than its text + 4", text);
	}
	if (scratch.len - before > len + 4 || scratch.data[0] != 'x')
		fuzz_fail("scratch grew by more than the text + 4", text);
	buf_release(&scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: copydata(data + 1, size - 1); break;
	case 1: message(data + 1, size - 1); break;
	default:
		if (size < 2)
			return 0;
		/* a copy of exactly the text: ASan sees a read past it */
		if (!(text = malloc(size > 2 ? size - 2 : 1)))
			abort();
		memcpy(text, data + 2, size - 2);
		value(data[1], text, size - 2);
		free(text);
		break;
	}
	return 0;
}
