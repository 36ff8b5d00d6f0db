/*
 * fuzz-jsonl - libFuzzer target for the JSON-lines reader of ferry-cat
 * --encode (rowfmt_parse_line), on the every-type table of fixture.h.
 *
 * Each line of the input is parsed as a row, named ({"table": "m",
 * "row": {...}}) or bare.  What must hold: no crash and no leak; an error
 * is a stream error; a row that it and the stream writer's value checks
 * accept, written back as a JSON line and read again, is the same row
 * (the same canonical bytes).
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-jsonl`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-jsonl, which `make
 * check` runs on testdata/fuzz/jsonl.
 */
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

#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-jsonl: %s: %s\n", what, msg);
	abort();
}

/* the canonical bytes of a row, into out */
static void canon(const struct value *row, struct buf *out)
{
	struct err e;

	buf_reset(out);
	for (size_t i = 0; i < fixture_t->ncols; i++)
		if (value_canonical(out, fixture_t->cols[i].type, &row[i], &e) <
		    0)
			fuzz_fail("canonical form", e.msg);
}

static void one_line(const char *line, size_t len)
{
	struct schema_table *tables[1] = { fixture_t };
	struct value row[FIXTURE_COLS], again[FIXTURE_COLS];
	struct json_node *tree = NULL, *tree2 = NULL;
	struct buf scratch, scratch2, out, c1, c2;
	struct err e;
	size_t which;

	buf_init(&scratch, 1u << 24);
	buf_init(&scratch2, 1u << 24);
	buf_init(&out, 1u << 26);
	buf_init(&c1, 1u << 24);
	buf_init(&c2, 1u << 24);
	err_init(&e);
	if (rowfmt_parse_line(line, len, tables, 1, 0, &which, row, &scratch,
			      &tree, &e) < 0) {
		if (e.class != ERR_STREAM)
			fuzz_fail("an error of another class", e.msg);
		goto out;
	}
	for (size_t i = 0; i < fixture_t->ncols; i++) {
		const struct schema_column *c = &fixture_t->cols[i];
		/* the stream writer checks each value next (an enum's
		 * label, UTF-8): a row it refuses goes no further */
		if (!row[i].null && value_check(c->type, &row[i], c->labels,
						c->nlabels, &e) < 0)
			goto out;
	}
	if (rowfmt_row(&out, ROWFMT_JSONL, fixture_t, row, &e) < 0) {
		if (e.class == ERR_STREAM)
			goto out; /* over the output limit */
		fuzz_fail("a row that does not format", e.msg);
	}
	if (rowfmt_parse_line((const char *)out.data, out.len - 1, tables, 1, 0,
			      &which, again, &scratch2, &tree2, &e) < 0)
		fuzz_fail("its own line does not read back", e.msg);
	canon(row, &c1);
	canon(again, &c2);
	if (c1.len != c2.len || memcmp(c1.data, c2.data, c1.len) != 0)
		fuzz_fail("read back, the row changed", "");
out:
	json_free(tree);
	json_free(tree2);
	buf_release(&scratch);
	buf_release(&scratch2);
	buf_release(&out);
	buf_release(&c1);
	buf_release(&c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	if (!fixture_t)
		fixture_init();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		one_line(p, len);
		p += len + (nl != NULL);
	}
	return 0;
}
