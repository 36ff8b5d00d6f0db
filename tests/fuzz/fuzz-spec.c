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

#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "transform/transform.h"

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-spec: %s: %s\n", what, msg);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s;
	struct spec_plan *p = NULL;
	struct err e;

	if (!fixture_t) {
		setenv("FERRY_MASK_KEY", "fuzz-key", 1);
		fixture_init();
	}
	err_init(&e);
	if (!(s = spec_parse("fuzz.json", (const char *)data, size, &e))) {
		if (e.class != ERR_SPEC && e.class != ERR_SYSTEM)
			fuzz_fail("a spec error of another class", e.msg);
		return 0;
	}
	if (spec_plan_new(s, fixture_t, &p, &e) < 0) {
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "# plan: %s\n", e.msg);
		if (e.class != ERR_SPEC)
			fuzz_fail("a plan error of another class", e.msg);
		spec_free(s);
		return 0;
	}
	for (int i = 0; p && i < FIXTURE_ROWS; i++) {
		const struct schema_table *o = spec_plan_schema(p);
		const struct value *row;
		int rc = spec_plan_row(p, fixture_rows[i], (uint64_t)i + 1,
				       &row, &e);
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
