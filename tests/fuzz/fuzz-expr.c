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

#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"
#include "transform/expr.h"

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-expr: %s: %s\n", what, msg);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr *x;
	struct err e;
	struct buf b;

	if (!fixture_t)
		fixture_init();
	err_init(&e);
	x = expr_compile((const char *)data, size, NULL, 0, &e);
	if (!x) {
		/* bad syntax: the table cannot make it good */
		if (e.class != ERR_SPEC)
			fuzz_fail("syntax error of another class", e.msg);
		x = expr_compile((const char *)data, size, fixture_t, 0, &e);
		if (x)
			fuzz_fail("compiles with the table only", "");
		return 0;
	}
	expr_free(x);
	x = expr_compile((const char *)data, size, fixture_t,
			 INT64_C(1700000000000000), &e);
	if (!x)
		return 0;
	buf_init(&b, 1u << 20);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < FIXTURE_ROWS; i++) {
			const struct value *v;
			enum value_type t = expr_type(x);
			if (expr_eval(x, fixture_rows[i], &v, &e) < 0) {
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
