/*
 * fuzz-spec - libFuzzer target for transform specs (transform.h): the
 * spec's JSON, its members, the expressions in it, the plan against a
 * table and the rows it makes.
 *
 * The input is a spec.  When it loads, it is planned against table "m",
 * which has a column of every type, and each of a few rows (ordinary,
 * extreme, all NULL) is reshaped.  Errors are expected; a crash is not,
 * nor an error of another class than a spec's, nor an output row whose
 * values the output schema's types (and an enum's labels) refuse.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-spec`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-spec, which `make check`
 * runs on testdata/fuzz/spec.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "schema.h"
#include "transform.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_schema[] =
    "{\"name\":\"m\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"u\",\"type\":\"uint64\"},"
    "{\"name\":\"f\",\"type\":\"float64\"},{\"name\":\"d\",\"type\":\"decimal\"},"
    "{\"name\":\"s\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"dt\",\"type\":\"date\"},{\"name\":\"ts\",\"type\":\"timestamp\"},"
    "{\"name\":\"tz\",\"type\":\"timestamptz\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"uu\",\"type\":\"uuid\"},{\"name\":\"tm\",\"type\":\"time\"},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"e\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]}],"
    "\"primary_key\":[\"id\"],\"watermark\":\"ts\","
    "\"indexes\":[{\"name\":\"by_s\",\"columns\":[\"s\"],\"unique\":false}]}";

#define NCOLS 14
#define NROWS 3

static struct schema_table *fuzz_t;
static struct value fuzz_rows[NROWS][NCOLS];

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-spec: %s: %s\n", what, msg);
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

	setenv("FERRY_MASK_KEY", "fuzz-key", 1);
	err_init(&e);
	fuzz_t = schema_table_parse(fuzz_schema, strlen(fuzz_schema), &e);
	if (!fuzz_t)
		fuzz_fail("schema", e.msg);
	r = fuzz_rows[0];
	r[0].v.i = 42;
	r[1].v.u = 7;
	r[2].v.f = 2.5;
	set_text(&r[3], "12.25");
	set_text(&r[4], " Ada@Example.org ");
	r[5].v.s.p = "\x00\xff";
	r[5].v.s.len = 2;
	r[6].v.i = 19783;
	r[7].v.i = INT64_C(1711846800000000); /* 2024-03-31 01:00, a DST day */
	r[8].v.i = INT64_C(1709294400000000);
	r[9].v.b = true;
	memset(r[10].v.uuid, 0xab, 16);
	r[11].v.i = INT64_C(3600000000);
	set_text(&r[12], "{\"a\": [1, {\"b\": \"x\"}], \"n\": 5}");
	set_text(&r[13], "b");
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
	r[11].v.i = VALUE_TIME_MAX;
	set_text(&r[12], "null");
	set_text(&r[13], "a");
	for (int i = 1; i < NCOLS; i++)
		fuzz_rows[2][i].null = true;
	fuzz_rows[2][0].v.i = 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s;
	struct spec_plan *p = NULL;
	struct err e;

	if (!fuzz_t)
		fuzz_init();
	err_init(&e);
	if (!(s = spec_parse("fuzz.json", (const char *)data, size, &e))) {
		if (e.class != ERR_SPEC && e.class != ERR_SYSTEM)
			fuzz_fail("a spec error of another class", e.msg);
		return 0;
	}
	if (spec_plan_new(s, fuzz_t, &p, &e) < 0) {
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "# plan: %s\n", e.msg);
		if (e.class != ERR_SPEC)
			fuzz_fail("a plan error of another class", e.msg);
		spec_free(s);
		return 0;
	}
	for (int i = 0; p && i < NROWS; i++) {
		const struct schema_table *o = spec_plan_schema(p);
		const struct value *row;
		int rc = spec_plan_row(p, fuzz_rows[i], (uint64_t)i + 1, &row,
				       &e);
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "# row %d: %d %s\n", i, rc,
				rc == 1 ? "" : e.msg);
		if (rc < 0 && e.class != ERR_SPEC && e.class != ERR_STREAM)
			fuzz_fail("a row error of another class", e.msg);
		if (rc != 1)
			continue;
		for (size_t c = 0; c < o->ncols; c++)
			if (!row[c].null &&
			    value_check(o->cols[c].type, &row[c],
					o->cols[c].labels, o->cols[c].nlabels,
					&e) < 0)
				fuzz_fail("an output value the schema refuses",
					  e.msg);
	}
	spec_plan_free(p);
	spec_free(s);
	return 0;
}
