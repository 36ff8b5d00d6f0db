/*
 * test-cli - unit tests of the option-value parsers of lib/stage/cli.c
 * (cli_split_kv, cli_parse_number, cli_parse_part, cli_parse_sample,
 * cli_check_table_column): what they accept, what they give, and the
 * exact usage messages the tools print.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "stage/cli.h"
#include "tap.h"

static void test_split(void)
{
	char a[] = "messages=id > 5 AND k = 'x'", b[] = "created_at",
	     c[] = "=x", d[] = "t=", f[] = "";
	const char *key, *value;
	struct err e;

	TAP_EQ_INT(
	    cli_split_kv("--where", a, "TABLE=VALUE", 0, &key, &value, &e), 0,
	    "TABLE=VALUE splits");
	TAP_EQ_STR(key, "messages", "the key ends at the first '='");
	TAP_EQ_STR(value, "id > 5 AND k = 'x'", "the value keeps its '='");
	TAP_EQ_INT(
	    cli_split_kv("--since", b, "[TABLE=]VALUE", 1, &key, &value, &e), 0,
	    "a bare VALUE when the key is optional");
	TAP_CHECK(key == NULL, "no key for a bare VALUE");
	TAP_EQ_STR(value, "created_at", "the bare VALUE is the argument");
	TAP_EQ_INT(
	    cli_split_kv("--where", b, "TABLE=VALUE", 0, &key, &value, &e), -1,
	    "no '=' where a key is needed");
	TAP_EQ_STR(e.msg, "--where: 'created_at' is not TABLE=VALUE",
		   "its message");
	TAP_EQ_INT(e.class, ERR_USAGE, "a usage error");
	TAP_EQ_INT(
	    cli_split_kv("--table-map", c, "FROM=TO", 0, &key, &value, &e), -1,
	    "an empty key");
	TAP_EQ_STR(e.msg, "--table-map: '=x' is not FROM=TO", "its message");
	TAP_EQ_INT(
	    cli_split_kv("--since", d, "[TABLE=]VALUE", 1, &key, &value, &e),
	    -1, "an empty value");
	TAP_EQ_STR(d, "t=", "an error leaves the argument alone");
	TAP_EQ_INT(
	    cli_split_kv("--since", f, "[TABLE=]VALUE", 1, &key, &value, &e),
	    -1, "an empty argument");
}

static void test_numbers(void)
{
	char p1[] = "3/4", p2[] = "5/4", p3[] = "34";
	unsigned k, n;
	long long v;
	uint64_t ppm;
	struct err e;

	TAP_EQ_INT(cli_parse_number("--level", "19", 0, 19, &v, &e), 0,
		   "a number at the top of its range");
	TAP_EQ_INT(v, 19, "its value");
	TAP_EQ_INT(cli_parse_number("--level", "20", 0, 19, &v, &e), -1,
		   "a number past its range");
	TAP_EQ_STR(e.msg, "--level: '20' is not a number in 0..19",
		   "its message");
	TAP_EQ_INT(cli_parse_number("--level", "1x", 0, 19, &v, &e), -1,
		   "trailing garbage");
	TAP_EQ_INT(
	    cli_parse_number("--level", "99999999999999999999", 0, 19, &v, &e),
	    -1, "an overflow");
	TAP_EQ_INT(cli_parse_part(p1, &k, &n, &e), 0, "--part 3/4");
	TAP_CHECK(k == 3 && n == 4, "K and N");
	TAP_EQ_INT(cli_parse_part(p2, &k, &n, &e), -1, "--part 5/4");
	TAP_EQ_STR(e.msg, "--part K: '5' is not a number in 1..4",
		   "its message");
	TAP_EQ_INT(cli_parse_part(p3, &k, &n, &e), -1, "--part without '/'");
	TAP_EQ_STR(e.msg, "--part: '34' is not K/N", "its message");
	TAP_EQ_INT(cli_parse_sample("0.0001", &ppm, &e), 0, "--sample 0.0001");
	TAP_EQ_UINT(ppm, 1, "one per million");
	TAP_EQ_INT(cli_parse_sample("100", &ppm, &e), 0, "--sample 100");
	TAP_EQ_UINT(ppm, 1000000, "all of them");
	TAP_EQ_INT(cli_parse_sample("nan", &ppm, &e), -1, "--sample nan");
	TAP_EQ_STR(e.msg, "--sample: 'nan' is not a percentage in 0.0001..100",
		   "its message");
	TAP_EQ_INT(cli_parse_sample("0.00001", &ppm, &e), -1,
		   "--sample below its range");
	TAP_EQ_INT(cli_check_table_column("messages.body", &e), 0,
		   "TABLE.COLUMN");
	TAP_EQ_INT(cli_check_table_column("messages", &e), -1,
		   "a column without its table");
	TAP_EQ_STR(e.msg, "--ignore-column: 'messages' is not TABLE.COLUMN",
		   "its message");
}

int main(void)
{
	test_split();
	test_numbers();
	return tap_done();
}
