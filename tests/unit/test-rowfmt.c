/*
 * test-rowfmt - unit tests of lib/stream/rowfmt.c: rows as CSV (RFC 4180), TSV
 * (PostgreSQL's COPY text format) and JSON lines, JSON lines read back
 * with rowfmt_parse_line, its error messages, and the bounded line reader.
 * Checks marked "regression:" guard bugs found and fixed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "stream/rowfmt.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "tap.h"

static struct schema_table *mk_table(const char *json)
{
	struct err e;
	struct schema_table *t;

	err_init(&e);
	t = schema_table_parse(json, strlen(json), &e);
	if (!t) {
		tap_diag("bad test schema: %s", e.msg);
		abort();
	}
	return t;
}

static int val_eq(enum value_type t, const struct value *a,
		  const struct value *b)
{
	uint64_t x, y;

	if (a->null || b->null)
		return a->null == b->null;
	switch (t) {
	case VALUE_NULL: return 1;
	case VALUE_BOOL: return a->v.b == b->v.b;
	case VALUE_INT64:
	case VALUE_DATE:
	case VALUE_TIME:
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ: return a->v.i == b->v.i;
	case VALUE_UINT64: return a->v.u == b->v.u;
	case VALUE_FLOAT64:
		memcpy(&x, &a->v.f, 8);
		memcpy(&y, &b->v.f, 8);
		return x == y;
	case VALUE_UUID: return memcmp(a->v.uuid, b->v.uuid, 16) == 0;
	default:
		return a->v.s.len == b->v.s.len &&
		       (a->v.s.len == 0 ||
			memcmp(a->v.s.p, b->v.s.p, a->v.s.len) == 0);
	}
}

static struct value sv(const char *s)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.v.s.p = s;
	v.v.s.len = strlen(s);
	return v;
}

static struct value svn(const char *s, size_t len)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.v.s.p = s;
	v.v.s.len = len;
	return v;
}

static struct value iv(int64_t i)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.v.i = i;
	return v;
}

static struct value nullv(void)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.null = true;
	return v;
}

static const char t_json[] =
    "{\"name\":\"t\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"name\",\"type\":\"text\"},"
    "{\"name\":\"note\",\"type\":\"text\"},"
    "{\"name\":\"data\",\"type\":\"bytes\"},"
    "{\"name\":\"price\",\"type\":\"decimal\"},"
    "{\"name\":\"at\",\"type\":\"timestamptz\"},"
    "{\"name\":\"ok\",\"type\":\"bool\"},"
    "{\"name\":\"doc\",\"type\":\"json\"},"
    "{\"name\":\"f\",\"type\":\"float64\"},"
    "{\"name\":\"kind\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]}]}";
#define T_NCOLS 10

static const char all_json[] = "{\"name\":\"all\",\"columns\":["
			       "{\"name\":\"b\",\"type\":\"bool\"},"
			       "{\"name\":\"i\",\"type\":\"int64\"},"
			       "{\"name\":\"u\",\"type\":\"uint64\"},"
			       "{\"name\":\"f\",\"type\":\"float64\"},"
			       "{\"name\":\"dec\",\"type\":\"decimal\"},"
			       "{\"name\":\"txt\",\"type\":\"text\"},"
			       "{\"name\":\"by\",\"type\":\"bytes\"},"
			       "{\"name\":\"d\",\"type\":\"date\"},"
			       "{\"name\":\"tm\",\"type\":\"time\"},"
			       "{\"name\":\"ts\",\"type\":\"timestamp\"},"
			       "{\"name\":\"tz\",\"type\":\"timestamptz\"},"
			       "{\"name\":\"j\",\"type\":\"json\"},"
			       "{\"name\":\"id\",\"type\":\"uuid\"},"
			       "{\"name\":\"e\",\"type\":\"enum\"},"
			       "{\"name\":\"n\",\"type\":\"null\"}]}";
#define ALL_NCOLS 15

/* row A of t: every column set */
static void row_a(struct value *r)
{
	r[0] = iv(1);
	r[1] = sv("plain");
	r[2] = nullv();
	r[3] = svn("\x00\xff", 2);
	r[4] = sv("12.50");
	r[5] = iv(0);
	memset(&r[6], 0, sizeof(r[6]));
	r[6].v.b = true;
	r[7] = sv("{\"k\": [1, \"x\"]}");
	memset(&r[8], 0, sizeof(r[8]));
	r[8].v.f = 1.5;
	r[9] = sv("a");
}

/* row B of t: awkward text, an empty string, NULLs */
static void row_b(struct value *r)
{
	r[0] = iv(-2);
	r[1] = sv("a,b\"c\nd\re\\f\tg");
	r[2] = sv("");
	for (int i = 3; i < T_NCOLS; i++)
		r[i] = nullv();
}

static void check_row(enum rowfmt_kind k, const struct schema_table *t,
		      const struct value *row, const char *want,
		      const char *what)
{
	struct buf b;
	struct err e;
	int rc;

	buf_init(&b, 1 << 20);
	err_init(&e);
	buf_adds(&b, "prefix|", &e); /* rows are appended */
	rc = rowfmt_row(&b, k, t, row, &e);
	if (rc < 0)
		tap_diag("error: %s", e.msg);
	TAP_EQ_STR(rc == 0 ? (const char *)b.data + 7 : "(failed)", want, "%s",
		   what);
	buf_release(&b);
}

static void check_header(enum rowfmt_kind k, const struct schema_table *t,
			 const char *want, const char *what)
{
	struct buf b;
	struct err e;

	buf_init(&b, 1 << 20);
	err_init(&e);
	TAP_CHECK(rowfmt_header(&b, k, t, &e) == 0, "%s succeeds", what);
	TAP_EQ_STR(b.data ? (const char *)b.data : "", want, "%s", what);
	buf_release(&b);
}

static void test_csv_tsv(void)
{
	struct schema_table *t = mk_table(t_json);
	struct schema_table *w =
	    mk_table("{\"name\":\"w\",\"columns\":["
		     "{\"name\":\"we\\\"ird\",\"type\":\"text\"},"
		     "{\"name\":\"a,b\",\"type\":\"text\"}]}");
	struct value r[T_NCOLS], wr[2];

	check_header(
	    ROWFMT_CSV, t,
	    "\"id\",\"name\",\"note\",\"data\",\"price\",\"at\",\"ok\",\"doc\",\"f\",\"kind\"\n",
	    "CSV header quotes every name");
	check_header(ROWFMT_TSV, t,
		     "id\tname\tnote\tdata\tprice\tat\tok\tdoc\tf\tkind\n",
		     "TSV header");
	check_header(ROWFMT_JSONL, t, "", "JSON lines have no header");
	check_header(ROWFMT_CSV, w, "\"we\"\"ird\",\"a,b\"\n",
		     "CSV header doubles quotes in names");

	row_a(r);
	check_row(
	    ROWFMT_CSV, t, r,
	    "1,plain,,\\x00ff,12.50,1970-01-01T00:00:00Z,true,\"{\"\"k\"\": [1, \"\"x\"\"]}\",1.5,a\n",
	    "CSV row: NULL is an empty field, a value with quotes is quoted and doubled");
	check_row(
	    ROWFMT_TSV, t, r,
	    "1\tplain\t\\N\t\\\\x00ff\t12.50\t1970-01-01T00:00:00Z\ttrue\t{\"k\": [1, \"x\"]}\t1.5\ta\n",
	    "TSV row: NULL is \\N, the backslash of bytes is doubled");
	row_b(r);
	check_row(
	    ROWFMT_CSV, t, r, "-2,\"a,b\"\"c\nd\re\\f\tg\",\"\",,,,,,,\n",
	    "CSV row: comma, quote, newline and CR quoted; empty string is \"\", NULL is nothing");
	check_row(
	    ROWFMT_TSV, t, r,
	    "-2\ta,b\"c\\nd\\re\\\\f\\tg\t\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n",
	    "TSV row: backslash, tab, newline and CR escaped; empty string is empty");

	wr[0] = sv("\\N");
	wr[1] = sv("x\ry");
	check_row(ROWFMT_TSV, w, wr, "\\\\N\tx\\ry\n",
		  "TSV: the text \\N is not NULL");
	check_row(ROWFMT_CSV, w, wr, "\\N,\"x\ry\"\n",
		  "CSV: a lone CR is quoted");
	wr[0] = sv("\"");
	wr[1] = sv(" lead");
	check_row(ROWFMT_CSV, w, wr, "\"\"\"\", lead\n",
		  "CSV: a lone quote becomes \"\"\"\"");
	wr[0] = nullv();
	wr[1] = sv("");
	check_row(ROWFMT_CSV, w, wr, ",\"\"\n", "CSV: NULL then empty string");
	check_row(ROWFMT_TSV, w, wr, "\\N\t\n", "TSV: NULL then empty string");
	{
		/* a long value that needs quoting, to cross buffer growth */
		static char longv[5000];
		struct buf b;
		struct err e;
		size_t q = 0;
		memset(longv, 'q', sizeof(longv) - 1);
		for (size_t i = 0; i < sizeof(longv) - 1; i += 7) {
			longv[i] = '"';
			q++;
		}
		wr[0] = sv(longv);
		wr[1] = sv("");
		buf_init(&b, 1 << 20);
		TAP_CHECK(
		    rowfmt_row(&b, ROWFMT_CSV, w, wr, &e) == 0 &&
			b.len == strlen(longv) + q + 2 + 4 &&
			b.data[0] == '"' && b.data[b.len - 1] == '\n' &&
			b.data[b.len] == '\0',
		    "CSV: a 5000-byte value with %zu quotes is quoted whole",
		    q);
		buf_release(&b);
	}
	schema_table_free(t);
	schema_table_free(w);
}

/* the tree of the last parse(): the row's values point into it */
static struct json_node *last_tree;

/* Parse one JSON line (without its newline) against tables.  The row
 * stays valid until the next call (or parse_done()). */
static int parse(const char *line, struct schema_table *const *tables, size_t n,
		 int only, size_t *which, struct value *row,
		 struct buf *scratch, struct err *e)
{
	json_free(last_tree);
	last_tree = NULL;
	err_init(e);
	return rowfmt_parse_line(line, strlen(line), tables, n, only, which,
				 row, scratch, &last_tree, e);
}

static void parse_done(void)
{
	json_free(last_tree);
	last_tree = NULL;
}

static void test_jsonl(void)
{
	struct schema_table *t = mk_table(t_json), *all = mk_table(all_json);
	struct schema_table *tabs[2] = { t, all };
	struct value r[ALL_NCOLS], got[ALL_NCOLS];
	struct buf b, scratch;
	struct err e;
	struct json_node *tree;
	size_t which = 99;
	int rc;

	buf_init(&b, 1 << 20);
	buf_init(&scratch, 1 << 20);
	row_a(r);
	check_row(
	    ROWFMT_JSONL, t, r,
	    "{\"table\":\"t\",\"row\":{\"id\":1,\"name\":\"plain\",\"note\":null,"
	    "\"data\":\"\\\\x00ff\",\"price\":\"12.50\",\"at\":\"1970-01-01T00:00:00Z\","
	    "\"ok\":true,\"doc\":\"{\\\"k\\\": [1, \\\"x\\\"]}\",\"f\":1.5,\"kind\":\"a\"}}\n",
	    "JSON line of row A");
	row_b(r);
	check_row(
	    ROWFMT_JSONL, t, r,
	    "{\"table\":\"t\",\"row\":{\"id\":-2,\"name\":\"a,b\\\"c\\nd\\re\\\\f\\tg\","
	    "\"note\":\"\",\"data\":null,\"price\":null,\"at\":null,\"ok\":null,\"doc\":null,"
	    "\"f\":null,\"kind\":null}}\n",
	    "JSON line of row B");

	/* rows A and B read back through rowfmt_parse_line */
	for (int k = 0; k < 2; k++) {
		struct value want[T_NCOLS];
		int ok = 1;
		if (k == 0)
			row_a(want);
		else
			row_b(want);
		buf_reset(&b);
		rowfmt_row(&b, ROWFMT_JSONL, t, want, &e);
		tree = NULL;
		rc = rowfmt_parse_line((const char *)b.data, b.len - 1, tabs, 2,
				       -1, &which, got, &scratch, &tree, &e);
		TAP_CHECK(rc == 0 && which == 0,
			  "row %c parses back as a row of t (%s)", 'A' + k,
			  rc ? e.msg : "ok");
		for (int c = 0; rc == 0 && c < T_NCOLS; c++)
			if (!val_eq(t->cols[c].type, &got[c], &want[c])) {
				tap_diag("column %s differs", t->cols[c].name);
				ok = 0;
			}
		TAP_CHECK(rc == 0 && ok, "row %c: every value reads back equal",
			  'A' + k);
		json_free(tree);
	}

	/* every type, with edge values, through a JSON line and back */
	memset(r, 0, sizeof(r));
	r[0].v.b = false;
	r[1].v.i = INT64_MIN;
	r[2].v.u = UINT64_MAX;
	r[3].v.f = -0.0;
	r[4] = sv("-0.001");
	r[5] = svn("nul\0 \xf0\x9f\x98\x80 \x01\x7f", 12);
	r[6] = svn("", 0);
	r[7] = iv(INT64_C(-2440588));
	r[8] = iv(VALUE_TIME_MAX);
	r[9] = iv(-1);
	r[10] = iv(INT64_MAX);
	r[11] = sv("null");
	for (int i = 0; i < 16; i++)
		r[12].v.uuid[i] = (uint8_t)(i * 17);
	r[13] = sv("label");
	r[14] = nullv();
	for (int variant = 0; variant < 4; variant++) {
		int ok = 1;
		if (variant == 1) {
			r[3].v.f = NAN;
			r[4] = sv("NaN");
			r[7] = iv(VALUE_DATE_POS_INF);
			r[9] = iv(INT64_MIN);
			r[11] = sv("  {\"z\": null, \"a\": [1.0]}  ");
			r[1].v.i = INT64_MAX;
			r[2].v.u = 0;
			r[6] = svn("\x00\xff", 2);
		} else if (variant == 2) {
			r[3].v.f = -INFINITY;
			r[11] = sv("\"a string\"");
			r[0].v.b = true;
			r[5] = sv("");
		} else if (variant == 3) {
			r[3].v.f = 4.9406564584124654e-324;
			r[11] = sv("12345678901234567890123");
			r[4] = sv("123456789012345678901234567890.5");
		}
		buf_reset(&b);
		rowfmt_row(&b, ROWFMT_JSONL, all, r, &e);
		tree = NULL;
		rc = rowfmt_parse_line((const char *)b.data, b.len - 1, tabs, 2,
				       -1, &which, got, &scratch, &tree, &e);
		TAP_CHECK(rc == 0 && which == 1,
			  "every type, variant %d, parses back (%s)", variant,
			  rc ? e.msg : "ok");
		for (int c = 0; rc == 0 && c < ALL_NCOLS; c++)
			if (!val_eq(all->cols[c].type, &got[c], &r[c])) {
				tap_diag("variant %d: column %s differs in %s",
					 variant, all->cols[c].name,
					 (const char *)b.data);
				ok = 0;
			}
		TAP_CHECK(rc == 0 && ok,
			  "every type, variant %d: values read back equal",
			  variant);
		json_free(tree);
	}

	/* a bare row object when one table is possible; other spellings */
	rc = parse(
	    "{\"b\":\"t\",\"i\":\"-5\",\"u\":7,\"f\":1e3,\"dec\":2.50,\"txt\":\"x\","
	    "\"by\":\"\\\\x0A\",\"d\":\"2024-02-29\",\"tm\":\"13:45:01.5\","
	    "\"ts\":\"2024-02-29 12:00:00\",\"tz\":\"2024-02-29T14:00:00+02:00\","
	    "\"j\":{\"a\": [1, 2]},\"id\":\"00112233-4455-6677-8899-AABBCCDDEEFF\","
	    "\"e\":\"z\",\"n\":null}",
	    tabs, 2, 1, &which, got, &scratch, &e);
	TAP_CHECK(rc == 0 && which == 1,
		  "a bare row object is a row of tables[only] (%s)",
		  rc ? e.msg : "ok");
	if (rc == 0) {
		TAP_CHECK(got[0].v.b && got[1].v.i == -5 && got[2].v.u == 7 &&
			      got[3].v.f == 1000.0,
			  "bool 't', int64 from a string, uint64, float 1e3");
		TAP_CHECK(got[4].v.s.len == 4 &&
			      memcmp(got[4].v.s.p, "2.50", 4) == 0,
			  "decimal from a JSON number keeps its text 2.50");
		TAP_CHECK(got[6].v.s.len == 1 && got[6].v.s.p[0] == '\n',
			  "bytes from \\x0A");
		TAP_CHECK(got[9].v.i == got[10].v.i,
			  "timestamp with a space, timestamptz with +02:00");
		TAP_CHECK(
		    got[11].v.s.len == 13 &&
			memcmp(got[11].v.s.p, "{\"a\": [1, 2]}", 13) == 0,
		    "a json column given as a JSON object is taken as written");
		TAP_CHECK(got[12].v.uuid[0] == 0x00 &&
			      got[12].v.uuid[15] == 0xff,
			  "uuid in capitals");
		TAP_CHECK(got[14].null, "null column");
	}
	rc = parse(
	    "{\"table\":\"t\",\"row\":{\"id\":3,\"name\":null,\"note\":null,\"data\":null,"
	    "\"price\":null,\"at\":null,\"ok\":null,\"doc\":null,\"f\":null,\"kind\":null}}",
	    tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == 0 && which == 0 && got[0].v.i == 3 && got[1].null &&
		      got[9].null,
		  "wrapper names the table among several (%s)",
		  rc ? e.msg : "ok");
	buf_release(&b);
	buf_release(&scratch);
	schema_table_free(t);
	schema_table_free(all);
}

static void test_parse_errors(void)
{
	struct schema_table *t = mk_table(t_json), *all = mk_table(all_json);
	struct schema_table *tabs[2] = { t, all };
	struct value got[ALL_NCOLS];
	struct buf scratch;
	struct err e;
	size_t which;
	const char *full =
	    "\"id\":1,\"name\":\"n\",\"note\":null,\"data\":null,\"price\":null,"
	    "\"at\":null,\"ok\":null,\"doc\":null,\"f\":null,\"kind\":null";
	char line[1024];
	int rc;

	buf_init(&scratch, 1 << 20);
#define LINE(...) snprintf(line, sizeof(line), __VA_ARGS__)
	LINE("{\"table\":\"t\",\"row\":{%s}}", full);
	TAP_EQ_INT(parse(line, tabs, 2, -1, &which, got, &scratch, &e), 0,
		   "control line parses");

	LINE(
	    "{\"table\":\"t\",\"row\":{\"id\":1,\"name\":\"n\",\"data\":null,\"price\":null,"
	    "\"at\":null,\"ok\":null,\"doc\":null,\"f\":null,\"kind\":null}}");
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "a missing column is an error");
	TAP_EQ_STR(e.msg, "table t, column note: missing",
		   "missing column: message");

	LINE("{\"table\":\"t\",\"row\":{%s,\"zzz\":1}}", full);
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "an unknown column is an error");
	TAP_EQ_STR(e.msg, "table t: no column 'zzz'",
		   "unknown column: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":\"abc\",%s}}",
	     strchr(full, ',') + 1);
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "a value of the wrong type is an error");
	TAP_EQ_STR(e.msg, "table t, column id: invalid int64 'abc'",
		   "wrong type: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":1,\"name\":5%s}}",
	     strstr(full, ",\"note\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(rc ? e.msg : "(parsed)",
		   "table t, column name: a number for a column of type text",
		   "a number for a text column: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":[1]%s}}",
	     strstr(full, ",\"name\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(
	    rc ? e.msg : "(parsed)",
	    "table t, column id: a JSON array for a column of type int64",
	    "an array for an int64 column: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":true%s}}",
	     strstr(full, ",\"name\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(rc ? e.msg : "(parsed)",
		   "table t, column id: true/false for a column of type int64",
		   "true for an int64 column: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":9223372036854775808%s}}",
	     strstr(full, ",\"name\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(
	    rc ? e.msg : "(parsed)",
	    "table t, column id: int64 out of range '9223372036854775808'",
	    "int64 overflow: message");

	LINE("{\"table\":\"t\",\"row\":{\"id\":1.5%s}}",
	     strstr(full, ",\"name\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && strstr(e.msg, "column id"),
		  "1.5 for an int64 column (%s)", e.msg);

	LINE("{\"table\":\"nope\",\"row\":{\"x\":1}}");
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(rc ? e.msg : "(parsed)", "table 'nope' is not in the schema",
		   "unknown table: message");

	LINE("{%s}", full);
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM &&
		      strstr(e.msg, "several tables"),
		  "a bare row with several tables is an error (%s)", e.msg);
	rc = parse(line, tabs, 2, 0, &which, got, &scratch, &e);
	TAP_CHECK(rc == 0 && which == 0,
		  "the same bare row with only = 0 parses");

	rc = parse("[1,2]", tabs, 2, 0, &which, got, &scratch, &e);
	TAP_EQ_STR(rc ? e.msg : "(parsed)", "a line must be a JSON object",
		   "an array line: message");
	rc = parse("{\"table\":\"t\",", tabs, 2, 0, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM &&
		      strstr(e.msg, "invalid JSON"),
		  "invalid JSON is an error (%s)", e.msg);
	rc = parse("", tabs, 2, 0, &which, got, &scratch, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM,
		  "an empty line is an error");

	LINE("{\"table\":\"t\",\"row\":{\"id\":1%s}}",
	     strstr(full, ",\"name\""));
	memcpy(strstr(line, "\"ok\":null"), "\"ok\":\"ye\"", 9);
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_EQ_STR(rc ? e.msg : "(parsed)",
		   "table t, column ok: invalid bool 'ye'",
		   "bad bool: message");

	/* fixed bug, kept as a regression test: the NUL-byte bug of value_parse
	 * seen from a JSON line: an int64 written as "12\u0000junk" reads as 12
	 */
	LINE("{\"table\":\"t\",\"row\":{\"id\":\"12\\u0000junk\"%s}}",
	     strstr(full, ",\"name\""));
	rc = parse(line, tabs, 2, -1, &which, got, &scratch, &e);
	TAP_CHECK(
	    rc == -1 && strstr(e.msg, "column id"),
	    "regression: an int64 \"12\\u0000junk\" is refused (got %s, id %lld)",
	    rc ? "an error" : "success", rc ? 0LL : (long long)got[0].v.i);
#undef LINE
	buf_release(&scratch);
	schema_table_free(t);
	schema_table_free(all);
}

static void test_lines(void)
{
	static const char text[] = "one\r\n\ntwo\nthree-is-long\nlast";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "rb");
	struct rowfmt_lines l;
	struct err e;
	int rc;

	rowfmt_lines_init(&l, f, 8);
	err_init(&e);
	rc = rowfmt_lines_next(&l, &e);
	TAP_CHECK(rc == 1 && l.line.len == 4 &&
		      memcmp(l.line.data, "one\r", 4) == 0,
		  "first line keeps its CR");
	rc = rowfmt_lines_next(&l, &e);
	TAP_CHECK(rc == 1 && l.line.len == 0, "an empty line");
	rc = rowfmt_lines_next(&l, &e);
	TAP_CHECK(rc == 1 && l.line.len == 3 && l.lineno == 3,
		  "third line, lineno 3");
	rc = rowfmt_lines_next(&l, &e);
	TAP_CHECK(rc == -1 && e.class == ERR_STREAM && strstr(e.msg, "line 4"),
		  "a line over the limit is an error naming it (%s)", e.msg);
	rowfmt_lines_release(&l);
	fclose(f);

	f = fmemopen((void *)text, sizeof(text) - 1, "rb");
	rowfmt_lines_init(&l, f, 100);
	{
		int n = 0;
		char last[16] = "";
		while ((rc = rowfmt_lines_next(&l, &e)) == 1) {
			n++;
			snprintf(last, sizeof(last), "%s",
				 (const char *)l.line.data);
		}
		TAP_CHECK(rc == 0 && n == 5 && strcmp(last, "last") == 0,
			  "5 lines, the last without a newline (%d, '%s')", n,
			  last);
	}
	rowfmt_lines_release(&l);
	fclose(f);
}

/* a flush that appends what it is given to another buffer */
static int flush_into(void *ctx, struct buf *b, struct err *e)
{
	if (buf_add((struct buf *)ctx, b->data, b->len, e) < 0)
		return -1;
	buf_reset(b);
	return 0;
}

/*
 * Large values go out in slices (rowfmt_row_to): every format must give
 * the same bytes as the line made whole, with quotes, backslashes, tabs,
 * newlines, control bytes and split UTF-8 characters across the slices'
 * edges, and the line buffer must never hold the value whole.
 */
static void test_sliced(void)
{
	struct schema_table *t =
	    mk_table("{\"name\":\"big\",\"columns\":["
		     "{\"name\":\"id\",\"type\":\"int64\"},"
		     "{\"name\":\"s\",\"type\":\"text\"},"
		     "{\"name\":\"b\",\"type\":\"bytes\"},"
		     "{\"name\":\"j\",\"type\":\"json\"}]}");
	static const char pieces[][4] = { "\"",	  "\\",	      "\t",
					  "\n",	  "\r",	      ",",
					  "\x01", "\xc3\xa9", "\xe2\x82\xac",
					  "a" };
	size_t len = (3u << 20) + 77;
	char *s = malloc(len), *bin = malloc(len), *js = malloc(len);
	uint64_t x = 88172645463325252ull;
	enum rowfmt_kind kinds[] = { ROWFMT_CSV, ROWFMT_TSV, ROWFMT_JSONL };
	struct value r[4];

	for (size_t i = 0; i < len;) {
		const char *p;
		size_t n;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p = pieces[x % 10];
		n = strlen(p);
		if (i + n > len)
			p = "a", n = 1;
		memcpy(s + i, p, n);
		i += n;
	}
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		bin[i] = (char)(x >> 24);
	}
	/* a JSON string, large: "..." */
	memset(js, 'q', len);
	js[0] = '"';
	js[len - 1] = '"';
	memset(r, 0, sizeof(r));
	r[0].v.i = 7;
	r[1].v.s.p = s;
	r[1].v.s.len = len;
	r[2].v.s.p = bin;
	r[2].v.s.len = len;
	r[3].v.s.p = js;
	r[3].v.s.len = len;
	for (size_t k = 0; k < 3; k++) {
		struct buf whole, line, got;
		struct err e;
		struct rowfmt_flush fl = { flush_into, &got };

		err_init(&e);
		buf_init(&whole, 64u << 20);
		buf_init(&line, 64u << 20);
		buf_init(&got, 64u << 20);
		TAP_CHECK(rowfmt_row(&whole, kinds[k], t, r, &e) == 0 &&
			      rowfmt_row_to(&line, kinds[k], t, r, &fl, &e) ==
				  0 &&
			      flush_into(&got, &line, &e) == 0,
			  "format %zu: a row of three 3 MiB values, whole and "
			  "in slices",
			  k);
		TAP_EQ_MEM(got.data, got.len, whole.data, whole.len,
			   "format %zu: slices give the same bytes", k);
		TAP_CHECK(line.cap < (8u << 20),
			  "format %zu: the line buffer stayed small (%zu)", k,
			  line.cap);
		buf_release(&whole);
		buf_release(&line);
		buf_release(&got);
	}
	free(s);
	free(bin);
	free(js);
	schema_table_free(t);
}

int main(void)
{
	test_sliced();
	test_csv_tsv();
	test_jsonl();
	test_parse_errors();
	test_lines();
	parse_done();
	return tap_done();
}
