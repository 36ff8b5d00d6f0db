/*
 * fuzz-options - libFuzzer target for the option values the tools parse
 * from the command line (cli.h): KEY=VALUE pairs (--where, --columns,
 * --incremental, --since, --table-map), --part K/N, --sample PERCENT,
 * --ignore-column TABLE.COLUMN and bounded numbers, and the --since value
 * itself, which ferry-extract parses as the watermark column's type.
 *
 * Input: byte 0 picks the parser, byte 1 a type or a range, the rest is
 * the argument (made NUL-terminated, as argv is).  Every error must be a
 * usage error that leaves the argument as it was; every success must
 * keep its promises: a split puts KEY '=' VALUE back together into the
 * argument, with neither empty and no '=' in KEY; a number lies in its
 * range and reads back the same; --part gives 1 <= K <= N <= 100000;
 * --sample 1 to 1000000 parts per million.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-options`, and
 * with tests/fuzz/replay.c into build/asan/tests/replay-options, which
 * `make check` runs on testdata/fuzz/options.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "stage/cli.h"
#include "stream/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *arg)
{
	fprintf(stderr, "fuzz-options: %s: '%s'\n", what, arg);
	abort();
}

static void usage_error(const struct err *e, const char *arg, const char *orig)
{
	if (e->class != ERR_USAGE || !e->msg[0])
		fuzz_fail("an error that is not a usage error", orig);
	if (strcmp(arg, orig) != 0)
		fuzz_fail("an error that changes the argument", orig);
}

static void split(char *arg, const char *orig, int key_optional,
		  enum value_type since)
{
	const char *key, *value;
	struct err e;

	if (cli_split_kv("--since", arg, "[TABLE=]VALUE", key_optional, &key,
			 &value, &e) < 0) {
		usage_error(&e, arg, orig);
		return;
	}
	if (!*value || (key && (!*key || strchr(key, '='))) ||
	    (!key && !key_optional))
		fuzz_fail("an empty or wrong part", orig);
	if (key) {
		size_t kl = strlen(key);
		if (key != arg || value != arg + kl + 1 || orig[kl] != '=' ||
		    strncmp(orig, key, kl) != 0 || strcmp(orig + kl + 1, value))
			fuzz_fail("KEY=VALUE does not give the argument back",
				  orig);
	} else if (value != arg || strcmp(value, orig) != 0) {
		fuzz_fail("a bare VALUE is not the argument", orig);
	}
	if (since != VALUE_NULL) {
		/* as extract's --since parses it for the watermark column */
		struct buf scratch;
		struct value v;
		buf_init(&scratch, 1u << 20);
		if (value_parse(since, value, strlen(value), &scratch, &v, &e) <
			0 &&
		    e.class != ERR_STREAM)
			fuzz_fail("a --since value error of another class",
				  orig);
		buf_release(&scratch);
	}
}

static void number(char *arg, const char *orig, uint8_t range)
{
	static const long long lo[] = { 0, 1, 0, -5 },
			       hi[] = { 19, 100000, 1000000000000LL, 5 };
	long long v, w;
	char text[32];
	struct err e;
	int r = range % 4;

	if (cli_parse_number("--n", arg, lo[r], hi[r], &v, &e) < 0) {
		usage_error(&e, arg, orig);
		return;
	}
	snprintf(text, sizeof(text), "%lld", v);
	if (v < lo[r] || v > hi[r] ||
	    cli_parse_number("--n", text, lo[r], hi[r], &w, &e) < 0 || w != v)
		fuzz_fail("a number outside its range or changing", orig);
}

static void part(char *arg, const char *orig)
{
	unsigned k = 0, n = 0;
	struct err e;

	if (cli_parse_part(arg, &k, &n, &e) < 0) {
		if (e.class != ERR_USAGE || !e.msg[0])
			fuzz_fail("a --part error that is not a usage error",
				  orig);
		return;
	}
	if (k < 1 || k > n || n > 100000)
		fuzz_fail("--part out of range", orig);
}

static void sample(char *arg, const char *orig)
{
	uint64_t ppm = 0;
	struct err e;

	if (cli_parse_sample(arg, &ppm, &e) < 0) {
		usage_error(&e, arg, orig);
		return;
	}
	if (ppm < 1 || ppm > 1000000)
		fuzz_fail("--sample out of range", orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg, *orig;
	struct err e;

	if (size < 2)
		return 0;
	if (!(arg = malloc(size - 1)) || !(orig = malloc(size - 1)))
		abort();
	memcpy(arg, data + 2, size - 2);
	arg[size - 2] = '\0';
	memcpy(orig, arg, size - 1);
	switch (data[0] % 6) {
	case 0: split(arg, orig, 0, VALUE_NULL); break;
	case 1:
		split(arg, orig, 1,
		      (enum value_type)(data[1] % VALUE_TYPE_COUNT));
		break;
	case 2: number(arg, orig, data[1]); break;
	case 3: part(arg, orig); break;
	case 4: sample(arg, orig); break;
	case 5:
		if (cli_check_table_column(arg, &e) < 0)
			usage_error(&e, arg, orig);
		else if (!strchr(orig, '.'))
			fuzz_fail("a column without its table", orig);
		break;
	}
	free(arg);
	free(orig);
	return 0;
}
