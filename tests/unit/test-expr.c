/*
 * test-expr - the expression language of transform specs (lib/expr): each
 * operator and function, NULL logic, literal coercion, and the messages of
 * syntax and type errors, evaluated on rows of a table with every type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/schema.h"
#include "tap.h"
#include "transform/expr.h"

static const char schema_json[] =
    "{\"name\":\"m\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"u\",\"type\":\"uint64\"},"
    "{\"name\":\"f\",\"type\":\"float64\"},{\"name\":\"d\",\"type\":\"decimal\"},"
    "{\"name\":\"s\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"dt\",\"type\":\"date\"},{\"name\":\"ts\",\"type\":\"timestamp\"},"
    "{\"name\":\"tz\",\"type\":\"timestamptz\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"uu\",\"type\":\"uuid\"},{\"name\":\"n\",\"type\":\"text\"},"
    "{\"name\":\"Mixed Case\",\"type\":\"text\"},"
    "{\"name\":\"big\",\"type\":\"uint64\"}],"
    "\"primary_key\":[\"id\"]}";

static struct schema_table *t;
static struct value row[14];
static char got[4096];

/* the result as text, "NULL", or "error: ..." */
static const char *run(const char *src)
{
	struct err e;
	struct expr *x;
	const struct value *v;
	struct buf b;

	err_init(&e);
	if (!(x = expr_compile(src, strlen(src), t, 1700000000000000, &e))) {
		snprintf(got, sizeof(got), "error: %s", e.msg);
		return got;
	}
	if (expr_eval(x, row, &v, &e) < 0) {
		snprintf(got, sizeof(got), "error: %s", e.msg);
	} else if (v->null) {
		snprintf(got, sizeof(got), "NULL");
	} else {
		buf_init(&b, 1u << 20);
		if (value_format(&b, expr_type(x), v, VALUE_STYLE_TEXT, &e) < 0)
			snprintf(got, sizeof(got), "format: %s", e.msg);
		else
			snprintf(got, sizeof(got), "%s:%s",
				 value_type_name(expr_type(x)),
				 (const char *)b.data);
		buf_release(&b);
	}
	expr_free(x);
	return got;
}

static const struct {
	const char *src, *want;
} cases[] = {
	/* columns and literals */
	{ "id", "int64:42" },
	{ "u", "int64:7" },
	{ "s", "text:Hello World" },
	{ "\"Mixed Case\"", "text:x" },
	{ "uu", "text:0102abcd-0000-4000-8000-00000000000f" },
	{ "1.50", "decimal:1.50" },
	{ "007", "int64:7" },
	{ ".5", "decimal:0.5" },
	{ "-2.5", "decimal:-2.5" },
	{ "--0.5", "decimal:0.5" },
	{ "- - -1.5", "decimal:-1.5" },
	{ "1e3", "float64:1000" },
	{ "99999999999999999999", "decimal:99999999999999999999" },
	{ "'it''s'", "text:it's" },
	{ "TRUE", "bool:true" },
	{ "null", "NULL" },
	/* arithmetic */
	{ "id + 1", "int64:43" },
	{ "id - u * 2", "int64:28" },
	{ "(id - u) * 2", "int64:70" },
	{ "id / 5", "int64:8" },
	{ "id % 5", "int64:2" },
	{ "-id", "int64:-42" },
	{ "id / 0", "error: division by zero" },
	{ "9223372036854775807 + 1", "error: integer out of range" },
	{ "big + 0", "error: column big: 18446744073709551615 is past the "
		     "int64 range expressions compute in" },
	{ "id + f", "float64:44.5" },
	{ "d * 2", "float64:24.5" },
	{ "id + NULL", "NULL" },
	/* comparison */
	{ "id = 42", "bool:true" },
	{ "id <> 42", "bool:false" },
	{ "id != 41", "bool:true" },
	{ "d = 12.250", "bool:true" },
	{ "d > 12", "bool:true" },
	{ "f < 2.6", "bool:true" },
	{ "f < 2.5", "bool:false" },
	{ "s = 'Hello World'", "bool:true" },
	{ "s < 'I'", "bool:true" },
	{ "ts >= '2024-03-01'", "bool:true" },
	{ "ts < '2024-03-01 12:00:01'", "bool:true" },
	{ "tz = '2024-03-01T12:00:00Z'", "bool:true" },
	{ "tz = '2024-03-01 13:00:00+01:00'", "bool:true" },
	{ "dt = '2024-03-01'", "bool:true" },
	{ "dt < ts", "bool:true" },
	{ "id = '42'", "bool:true" },
	{ "k = TRUE", "bool:true" },
	{ "n = 'x'", "NULL" },
	{ "n IS NULL", "bool:true" },
	{ "s IS NOT NULL", "bool:true" },
	{ "id BETWEEN 40 AND 42", "bool:true" },
	{ "id NOT BETWEEN 40 AND 42", "bool:false" },
	{ "id IN (1, 2, 42)", "bool:true" },
	{ "id IN (1, 2)", "bool:false" },
	{ "id NOT IN (1, 2)", "bool:true" },
	{ "id IN (1, NULL)", "NULL" },
	{ "id IN (42, NULL)", "bool:true" },
	{ "s LIKE 'Hello%'", "bool:true" },
	{ "s LIKE '%o W%'", "bool:true" },
	{ "s LIKE 'H_llo World'", "bool:true" },
	{ "s LIKE 'hello%'", "bool:false" },
	{ "s NOT LIKE '%x%'", "bool:true" },
	{ "'50%' LIKE '50\\%'", "bool:true" },
	{ "'500' LIKE '50\\%'", "bool:false" },
	{ "'héllo' LIKE 'h_llo'", "bool:true" },
	/* logic, with NULL's three values */
	{ "id = 42 AND k", "bool:true" },
	{ "n = 'x' AND FALSE", "bool:false" },
	{ "n = 'x' AND TRUE", "NULL" },
	{ "n = 'x' OR TRUE", "bool:true" },
	{ "n = 'x' OR FALSE", "NULL" },
	{ "NOT k", "bool:false" },
	{ "NOT (n = 'x')", "NULL" },
	{ "id = 1 OR id = 42 AND NOT k", "bool:false" },
	/* text */
	{ "s || '!'", "text:Hello World!" },
	{ "s || n", "NULL" },
	{ "'#' || id || ' ' || k", "text:#42 true" },
	{ "concat(s, n, '-', id)", "text:Hello World-42" },
	{ "lower(s)", "text:hello world" },
	{ "upper(s)", "text:HELLO WORLD" },
	{ "trim('  a b \t')", "text:a b" },
	{ "length(s)", "int64:11" },
	{ "length('héllo')", "int64:5" },
	{ "length(b)", "int64:3" },
	{ "substr(s, 7)", "text:World" },
	{ "substr(s, 1, 5)", "text:Hello" },
	{ "substr(s, 0, 3)", "text:He" },
	{ "substr('héllo', 2, 2)", "text:él" },
	{ "substr(s, 2, -1)", "error: negative substring length -1" },
	{ "coalesce(n, s)", "text:Hello World" },
	{ "coalesce(n, 'none')", "text:none" },
	{ "coalesce(NULL, id, f)", "float64:42" },
	{ "coalesce(dt, ts)", "timestamp:2024-03-01T00:00:00" },
	{ "now()", "timestamptz:2023-11-14T22:13:20Z" },
	{ "abs(-id)", "int64:42" },
	{ "abs(-2.50)", "decimal:2.50" },
	{ "ABS(f - 10)", "float64:7.5" },
	/* mistakes, found before any row */
	{ "", "error: the expression is empty" },
	{ "id +", "error: at character 5: expected a value, a column or "
		  "'(', not the end" },
	{ "id = = 1", "error: at character 6: expected a value, a column or "
		      "'(', not =" },
	{ "(id = 1", "error: at character 8: expected ')', not the end" },
	{ "id = 1 2", "error: at character 8: expected an operator or the "
		      "end, not 2" },
	{ "nope = 1", "error: at character 1: table m has no column nope" },
	{ "frob(id)", "error: at character 1: unknown function frob "
		      "(expected lower, upper, trim, length, substr, concat, "
		      "coalesce, now or abs)" },
	{ "substr(s)", "error: at character 1: substr takes 2 to 3 "
		       "arguments, not 1" },
	{ "id = 'abc'", "error: at character 6: 'abc' is not a valid int64" },
	{ "ts > 'yesterday'", "error: at character 6: 'yesterday' is not a "
			      "valid timestamp" },
	{ "id = s", "error: at character 4: cannot compare int64 with text" },
	{ "s + 1", "error: at character 1: arithmetic takes numbers, not "
		   "text" },
	{ "id AND k", "error: at character 1: AND and OR take true or "
		      "false, not int64" },
	{ "'abc", "error: at character 1: a string is not closed" },
	{ "id # 1", "error: at character 4: unexpected character '#'" },
	{ "12abc", "error: at character 1: a number runs into a name" },
	{ "s LIKE 5", "error: at character 8: a LIKE pattern is text, not "
		      "int64" },
	{ "id = 1 = 2", "error: at character 8: expected an operator or "
			"the end, not =" },
	{ "select", "error: at character 1: table m has no column select" },
	{ "and", "error: at character 1: expected a value, a column or '(', "
		 "not and (quote a column of that name: \"and\")" },
};

int main(void)
{
	struct err e;
	static const unsigned char uuid[16] = { 1,    2, 0xab, 0xcd, 0, 0,
						0x40, 0, 0x80, 0,    0, 0,
						0,    0, 0,    0x0f };

	err_init(&e);
	t = schema_table_parse(schema_json, strlen(schema_json), &e);
	if (!TAP_CHECK(t != NULL, "the schema parses (%s)", e.msg))
		return tap_done();
	memset(row, 0, sizeof(row));
	row[0].v.i = 42;
	row[1].v.u = 7;
	row[2].v.f = 2.5;
	row[3].v.s.p = "12.25";
	row[3].v.s.len = 5;
	row[4].v.s.p = "Hello World";
	row[4].v.s.len = 11;
	row[5].v.s.p = "\x00\x01\xff";
	row[5].v.s.len = 3;
	row[6].v.i = 19783;			/* 2024-03-01 */
	row[7].v.i = INT64_C(1709294400000000); /* 2024-03-01 12:00 */
	row[8].v.i = INT64_C(1709294400000000);
	row[9].v.b = true;
	memcpy(row[10].v.uuid, uuid, 16);
	row[11].null = true;
	row[12].v.s.p = "x";
	row[12].v.s.len = 1;
	row[13].v.u = UINT64_MAX;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		TAP_EQ_STR(run(cases[i].src), cases[i].want, "%s",
			   cases[i].src);

	/* the syntax alone, before a table is known */
	{
		struct expr *x =
		    expr_compile("nope = 1 AND frob2 IS NULL", 26, NULL, 0, &e);
		TAP_CHECK(x != NULL, "syntax only: unknown columns wait for "
				     "the table");
		expr_free(x);
		x = expr_compile("frob(1)", 7, NULL, 0, &e);
		TAP_CHECK(x == NULL && e.class == ERR_SPEC,
			  "syntax only: an unknown function is an error");
	}
	/* deep nesting is refused, not a stack overflow */
	{
		char deep[400];
		size_t n = 0;
		for (int i = 0; i < 100; i++)
			deep[n++] = '(';
		deep[n++] = '1';
		for (int i = 0; i < 100; i++)
			deep[n++] = ')';
		struct expr *x = expr_compile(deep, n, t, 0, &e);
		TAP_CHECK(x == NULL && strstr(e.msg, "nests deeper than 64"),
			  "nesting past 64 is refused (%s)", e.msg);
	}
	/* evaluating again reuses the nodes' room: the same answers */
	{
		struct expr *x =
		    expr_compile("concat(upper(s), id)", 20, t, 0, &e);
		const struct value *v = NULL;
		int ok = x != NULL;
		for (int i = 0; ok && i < 1000; i++)
			ok = expr_eval(x, row, &v, &e) == 0 &&
			     v->v.s.len == 13 &&
			     memcmp(v->v.s.p, "HELLO WORLD42", 13) == 0;
		TAP_CHECK(ok, "a thousand evaluations give the same text");
		expr_free(x);
	}
	TAP_CHECK(expr_like("", 0, "%", 1) && !expr_like("a", 1, "", 0) &&
		      expr_like("abcabc", 6, "%abc", 4) &&
		      expr_like("aXbXc", 5, "a%b%c", 5) &&
		      !expr_like("aXbXd", 5, "a%b%c", 5),
		  "LIKE backtracks over %%");
	schema_table_free(t);
	return tap_done();
}
