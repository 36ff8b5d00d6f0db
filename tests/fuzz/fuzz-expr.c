/*
 * fuzz-expr - libFuzzer target for the expression language of transform
 * specs (expr.h).
 *
 * The input is an expression.  It is compiled once without a table (the
 * syntax alone) and once against a table with a column of every type; when
 * that succeeds it is evaluated on rows of ordinary, extreme and NULL
 * values.  Errors are expected; what must never happen is a crash, a read
 * outside a value, a compile that succeeds against the table but not
 * without it, or a result that is not a valid value of the expression's
 * type (text that is not UTF-8, say), which the stream writer would
 * refuse.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-expr`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-expr, which `make check`
 * runs on testdata/fuzz/expr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "schema.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_schema[] =
    "{\"name\":\"m\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"u\",\"type\":\"uint64\"},"
    "{\"name\":\"f\",\"type\":\"float64\"},{\"name\":\"d\",\"type\":\"decimal\"},"
    "{\"name\":\"s\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"dt\",\"type\":\"date\"},{\"name\":\"ts\",\"type\":\"timestamp\"},"
    "{\"name\":\"tz\",\"type\":\"timestamptz\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"uu\",\"type\":\"uuid\"},{\"name\":\"tm\",\"type\":\"time\"},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"e\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]}],"
    "\"primary_key\":[\"id\"]}";

#define NCOLS 14
#define NROWS 3

static struct schema_table *fuzz_t;
static struct value fuzz_rows[NROWS][NCOLS];

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-expr: %s: %s\n", what, msg);
	abort();
}

static void set_text(struct value *v, const char *s)
{
	v->null = false;
	v->v.s.p = s;
	v->v.s.len = strlen(s);
}

static void fuzz_init(void)
{
	struct err e;
	struct value *r;

	err_init(&e);
	fuzz_t = schema_table_parse(fuzz_schema, strlen(fuzz_schema), &e);
	if (!fuzz_t)
		fuzz_fail("schema", e.msg);
	/* row 0: ordinary values */
	r = fuzz_rows[0];
	r[0].v.i = 42;
	r[1].v.u = 7;
	r[2].v.f = 2.5;
	set_text(&r[3], "12.25");
	set_text(&r[4], "h\xc3\xa9llo w\xc3\xb6rld");
	r[5].v.s.p = "\x00\xff";
	r[5].v.s.len = 2;
	r[6].v.i = 19783;
	r[7].v.i = INT64_C(1709294400000000);
	r[8].v.i = INT64_C(1709294400000000);
	r[9].v.b = true;
	memset(r[10].v.uuid, 0xab, 16);
	r[11].v.i = INT64_C(3600000000);
	set_text(&r[12], "{\"a\": [1, 2]}");
	set_text(&r[13], "b");
	/* row 1: the edges of every range */
	r = fuzz_rows[1];
	r[0].v.i = INT64_MIN;
	r[1].v.u = UINT64_MAX;
	r[2].v.f = -0.0;
	set_text(&r[3], "-99999999999999999999999999999.000000001");
	set_text(&r[4], "");
	r[5].v.s.p = "";
	r[5].v.s.len = 0;
	r[6].v.i = VALUE_DATE_POS_INF;
	r[7].v.i = VALUE_TS_NEG_INF;
	r[8].v.i = VALUE_TS_POS_INF - 1;
	r[9].v.b = false;
	r[11].v.i = VALUE_TIME_MAX;
	set_text(&r[12], "null");
	set_text(&r[13], "a");
	/* row 2: every value NULL */
	for (int i = 0; i < NCOLS; i++)
		fuzz_rows[2][i].null = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr *x;
	struct err e;
	struct buf b;

	if (!fuzz_t)
		fuzz_init();
	err_init(&e);
	x = expr_compile((const char *)data, size, NULL, 0, &e);
	if (!x) {
		/* bad syntax: the table cannot make it good */
		if (e.class != ERR_SPEC)
			fuzz_fail("syntax error of another class", e.msg);
		x = expr_compile((const char *)data, size, fuzz_t, 0, &e);
		if (x)
			fuzz_fail("compiles with the table only", "");
		return 0;
	}
	expr_free(x);
	x = expr_compile((const char *)data, size, fuzz_t,
			 INT64_C(1700000000000000), &e);
	if (!x)
		return 0;
	buf_init(&b, 1u << 20);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NROWS; i++) {
			const struct value *v;
			enum value_type t = expr_type(x);
			if (expr_eval(x, fuzz_rows[i], &v, &e) < 0) {
				if (e.class != ERR_SPEC &&
				    e.class != ERR_STREAM) /* too long */
					fuzz_fail("eval error of another class",
						  e.msg);
				continue;
			}
			if (v->null || t == VALUE_NULL)
				continue;
			if (value_check(t, v, NULL, 0, &e) < 0)
				fuzz_fail("an invalid result", e.msg);
			buf_reset(&b);
			if (value_format(&b, t, v, VALUE_STYLE_JSON, &e) < 0)
				fuzz_fail("a result that does not format",
					  e.msg);
		}
	buf_release(&b);
	expr_free(x);
	return 0;
}
