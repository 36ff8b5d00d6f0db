/*
 * test-json - unit tests of lib/base/json.c: what json_parse accepts and
 * refuses (RFC 8259), the tree it builds, json_canonical's exact output
 * and json_add_string's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "tap.h"

/* Parse s (len bytes); 1 if accepted. */
static int parses(const char *s, size_t len, struct err *e)
{
	struct json_node *n;

	err_init(e);
	n = json_parse(s, len, e);
	if (!n)
		return 0;
	json_free(n);
	return 1;
}

static void accept(const char *s)
{
	struct err e;
	int ok = parses(s, strlen(s), &e);

	if (!ok)
		tap_diag("error: %s", e.msg);
	TAP_CHECK(ok, "accepted: %s", s);
}

static void reject_n(const char *s, size_t len, const char *what)
{
	struct err e;
	int ok = parses(s, len, &e);

	TAP_CHECK(!ok && e.class == ERR_STREAM &&
		      strncmp(e.msg, "invalid JSON at byte ", 21) == 0,
		  "refused: %s (%s)", what, e.msg);
}

static void reject(const char *s)
{
	reject_n(s, strlen(s), s);
}

static void canonical_is(const char *in, const char *want)
{
	struct buf b;
	struct err e;
	int rc;

	buf_init(&b, 1 << 20);
	err_init(&e);
	rc = json_canonical(in, strlen(in), &b, &e);
	if (rc < 0)
		tap_diag("error: %s", e.msg);
	TAP_EQ_STR(rc == 0 ? (const char *)b.data : "(failed)", want,
		   "canonical of %s", in);
	buf_release(&b);
}

static void add_string_is(const char *s, size_t len, const char *want,
			  const char *what)
{
	struct buf b;
	struct err e;

	buf_init(&b, 1 << 20);
	err_init(&e);
	TAP_CHECK(json_add_string(&b, s, len, &e) == 0,
		  "json_add_string %s succeeds", what);
	TAP_EQ_MEM(b.data, b.len, want, strlen(want), "json_add_string %s",
		   what);
	buf_release(&b);
}

/* a string of depth nested arrays: [[[...]]] */
static char *nested(size_t depth, char open, char close, const char *inner)
{
	size_t il = strlen(inner);
	char *s = malloc(2 * depth + il + 1);

	if (!s)
		abort();
	memset(s, open, depth);
	memcpy(s + depth, inner, il);
	memset(s + depth + il, close, depth);
	s[2 * depth + il] = '\0';
	return s;
}

/* {"a":{"a":...{"a":1}...}} with depth objects */
static char *nested_objects(size_t depth)
{
	size_t n = depth * 6 + 2;
	char *s = malloc(n + depth + 1), *o = s;

	if (!s)
		abort();
	for (size_t i = 0; i < depth; i++) {
		memcpy(o, "{\"a\":", 5);
		o += 5;
	}
	*o++ = '1';
	memset(o, '}', depth);
	o += depth;
	*o = '\0';
	return s;
}

static void test_accept_reject(void)
{
	accept("null");
	accept("true");
	accept("false");
	accept("0");
	accept("-0");
	accept("1.5e-3");
	accept("1E+10");
	accept("-1.0e0");
	accept("\"\"");
	accept("[]");
	accept("{}");
	accept(" \t\r\n[ 1 , { \"a\" : [ ] } ] \n");
	accept("{\"a\":1,\"a\":2}");
	accept("\"\\u0000\"");
	accept("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	accept("\"\\uD83D\\uDE00\"");
	accept("\"\xf0\x9f\x98\x80 \xe2\x82\xac \x7f\"");
	accept("12345678901234567890123");

	reject("");
	reject("   ");
	reject("[1,]");
	reject("[1,,2]");
	reject("[,1]");
	reject("{\"a\":1,}");
	reject("{,}");
	reject("{\"a\"}");
	reject("{\"a\" 1}");
	reject("{a:1}");
	reject("{'a':1}");
	reject("{1:1}");
	reject("[1 2]");
	reject("[1");
	reject("{\"a\":1");
	reject("]");
	reject("01");
	reject("-01");
	reject("00");
	reject("1.");
	reject(".5");
	reject("+1");
	reject("1e");
	reject("1e+");
	reject("-");
	reject("0x10");
	reject("NaN");
	reject("Infinity");
	reject("-Infinity");
	reject("nul");
	reject("nulll");
	reject("True");
	reject("1 2");
	reject("{} {}");
	reject("\"abc");
	reject("\"\\ud800\"");
	reject("\"\\udc00\"");
	reject("\"\\ud800x\"");
	reject("\"\\ud800\\u0041\"");
	reject("\"\\ud800\\ud800\"");
	reject("\"\\uDBFF\"");
	reject("\"\\u12\"");
	reject("\"\\u12g4\"");
	reject("\"\\x41\"");
	reject("\"\\a\"");
	reject("\"\\\"");
	reject("\"a\tb\"");
	reject("\"a\nb\"");
	reject("\"\x01\"");
	reject("\"\x1f\"");
	reject("// c\n1");
	reject("/* c */ 1");
	reject("[1]x");
	reject("\"\xc3\x28\"");
	reject("\"\xc0\xaf\"");
	reject("\"\xed\xa0\x80\"");
	reject("\"\xf4\x90\x80\x80\"");
	reject("\"\xff\"");
	reject("\xef\xbb\xbf{}");
	reject_n("\"a\0b\"", 5, "raw NUL byte in a string");
	reject_n("1\0", 2, "NUL byte after a value");
	reject_n("[1,2]", 4, "input cut before the closing bracket");
	reject_n("true", 3, "input cut inside a literal");
	reject_n("\"\\u00e9\"", 6, "input cut inside a \\u escape");
	reject_n("\"\\ud83d\\ude00\"", 8,
		 "input cut between the halves of a surrogate pair");
}

static void test_tree(void)
{
	const char *s =
	    " {\"n\": 12345678901234567890123, \"f\": -1.50e+10, \"s\": \"a\\u0000b\","
	    " \"e\": \"\\ud83d\\ude00\\u00e9\", \"arr\": [true, false, null, {}],"
	    " \"d\": 1, \"d\": 2} ";
	struct err e;
	struct json_node *n;
	const struct json_node *m;

	err_init(&e);
	n = json_parse(s, strlen(s), &e);
	if (!TAP_CHECK(n != NULL, "parse an object with every kind")) {
		tap_diag("error: %s", e.msg);
		return;
	}
	TAP_EQ_INT(n->kind, JSON_OBJECT, "top is an object");
	TAP_EQ_INT(n->n, 7, "7 members (duplicates kept in the tree)");
	TAP_EQ_MEM(n->raw, n->rawlen, s + 1, strlen(s) - 2,
		   "raw span excludes outer white space");
	m = json_get(n, "n");
	TAP_CHECK(m && m->kind == JSON_NUMBER, "n is a number");
	if (m)
		TAP_EQ_MEM(m->str, m->len, "12345678901234567890123", 23,
			   "a big number is kept as exact text");
	m = json_get(n, "f");
	if (TAP_CHECK(m && m->kind == JSON_NUMBER, "f is a number"))
		TAP_EQ_MEM(m->str, m->len, "-1.50e+10", 9,
			   "number text as written");
	m = json_get(n, "s");
	if (TAP_CHECK(m && m->kind == JSON_STRING, "s is a string")) {
		TAP_EQ_MEM(m->str, m->len, "a\0b", 3,
			   "\\u0000 unescapes to a NUL byte");
		TAP_EQ_MEM(m->raw, m->rawlen, "\"a\\u0000b\"", 10,
			   "string raw span is the literal");
	}
	m = json_get(n, "e");
	if (TAP_CHECK(m && m->kind == JSON_STRING, "e is a string"))
		TAP_EQ_MEM(
		    m->str, m->len, "\xf0\x9f\x98\x80\xc3\xa9", 6,
		    "surrogate pair becomes 4-byte UTF-8, \\u00e9 two bytes");
	m = json_get(n, "arr");
	if (TAP_CHECK(m && m->kind == JSON_ARRAY && m->n == 4,
		      "arr is an array of 4")) {
		TAP_CHECK(m->kids[0].kind == JSON_TRUE &&
			      m->kids[1].kind == JSON_FALSE &&
			      m->kids[2].kind == JSON_NULL &&
			      m->kids[3].kind == JSON_OBJECT &&
			      m->kids[3].n == 0,
			  "array members have their kinds");
		TAP_EQ_MEM(m->raw, m->rawlen, "[true, false, null, {}]", 23,
			   "array raw span");
	}
	m = json_get(n, "d");
	TAP_CHECK(m && m->kind == JSON_NUMBER && m->len == 1 &&
		      m->str[0] == '2',
		  "json_get of a duplicated key gives the last");
	TAP_CHECK(json_get(n, "missing") == NULL,
		  "json_get of a missing key is NULL");
	TAP_CHECK(json_get(&n->kids[0], "x") == NULL,
		  "json_get on a non-object is NULL");
	TAP_CHECK(json_get(NULL, "x") == NULL, "json_get(NULL) is NULL");
	json_free(n);
	json_free(NULL);
	TAP_CHECK(1, "json_free(NULL) does nothing");

	{
		char key[] = "{\"k\\u0000ey\":1}";
		err_init(&e);
		n = json_parse(key, strlen(key), &e);
		TAP_CHECK(n && n->n == 1 && n->keylens[0] == 4 &&
			      memcmp(n->keys[0], "k\0ey", 4) == 0,
			  "an object key with an escaped NUL keeps its length");
		json_free(n);
	}
}

static void test_depth(void)
{
	struct err e;
	char *s;

	/* JSON_MAX_DEPTH: the outermost value is at depth 0, a value at a
	 * depth above 256 is refused (ferry-stream(5), Limits) */
	s = nested(256, '[', ']', "");
	TAP_CHECK(parses(s, strlen(s), &e), "256 nested arrays accepted");
	free(s);
	s = nested(256, '[', ']', "1");
	TAP_CHECK(parses(s, strlen(s), &e),
		  "a number inside 256 nested arrays (depth 256) accepted");
	free(s);
	s = nested(257, '[', ']', "");
	TAP_CHECK(parses(s, strlen(s), &e),
		  "257 nested arrays (innermost at depth 256) accepted");
	free(s);
	s = nested(257, '[', ']', "1");
	TAP_CHECK(!parses(s, strlen(s), &e) && e.class == ERR_STREAM &&
		      strstr(e.msg, "nested"),
		  "a value at depth 257 refused (%s)", e.msg);
	free(s);
	s = nested(300, '[', ']', "");
	TAP_CHECK(!parses(s, strlen(s), &e) && e.class == ERR_STREAM,
		  "300 nested arrays refused without crashing");
	free(s);
	s = nested(100000, '[', ']', "");
	TAP_CHECK(!parses(s, strlen(s), &e) && e.class == ERR_STREAM,
		  "100000 nested arrays refused without crashing");
	free(s);
	s = nested(100000, '[', ']', "");
	s[100000] = '\0'; /* only the opening brackets */
	TAP_CHECK(!parses(s, 100000, &e), "100000 unclosed brackets refused");
	free(s);
	s = nested_objects(256);
	TAP_CHECK(parses(s, strlen(s), &e), "256 nested objects accepted");
	free(s);
	s = nested_objects(300);
	TAP_CHECK(!parses(s, strlen(s), &e) && e.class == ERR_STREAM,
		  "300 nested objects refused without crashing");
	free(s);
	s = nested(300, '[', ']', "");
	{
		struct buf b;
		buf_init(&b, 1 << 20);
		TAP_CHECK(
		    json_canonical(s, strlen(s), &b, &e) == -1 && b.len == 0,
		    "json_canonical of too deep input fails and writes nothing");
		TAP_CHECK(json_validate(s, strlen(s), &e) == -1,
			  "json_validate of too deep input fails");
		buf_release(&b);
	}
	free(s);
}

static void test_error_offsets(void)
{
	struct err e;

	parses("[1,]", 4, &e);
	TAP_CHECK(strncmp(e.msg, "invalid JSON at byte 3: ", 24) == 0,
		  "message for a trailing comma names byte 3 (%s)", e.msg);
	parses("[1] x", 5, &e);
	TAP_EQ_STR(e.msg, "invalid JSON at byte 4: trailing characters",
		   "message for trailing characters");
	parses("\"\\ud800\"", 8, &e);
	TAP_CHECK(strstr(e.msg, "surrogate") != NULL,
		  "lone surrogate message says so (%s)", e.msg);
	parses("\"a\x01\"", 4, &e);
	TAP_EQ_STR(e.msg, "invalid JSON at byte 2: control character in string",
		   "message for a control character");
	parses("", 0, &e);
	TAP_EQ_STR(e.msg, "invalid JSON at byte 0: unexpected end",
		   "message for empty input");
}

static void test_canonical(void)
{
	canonical_is("{\"b\":1,\"a\":[1, 2]}", "{\"a\":[1,2],\"b\":1}");
	canonical_is("{ \"a\":[1,2],\"b\":1 }", "{\"a\":[1,2],\"b\":1}");
	canonical_is("{\"b\": 1.0, \"a\": [true, null], \"b\": \"x/y\"}",
		     "{\"a\":[true,null],\"b\":\"x/y\"}");
	canonical_is("{\"a\":1,\"a\":2,\"a\":3}", "{\"a\":3}");
	canonical_is("{\"a\":1,\"b\":0,\"a\":2}", "{\"a\":2,\"b\":0}");
	canonical_is("{\"ab\":1,\"a\":2,\"b\":3,\"\":4}",
		     "{\"\":4,\"a\":2,\"ab\":1,\"b\":3}");
	/* keys compare as unescaped UTF-8 bytes, unsigned */
	canonical_is("{\"\\u00e9\":1,\"z\":2,\"\\u007f\":3}",
		     "{\"z\":2,\"\x7f\":3,\"\xc3\xa9\":1}");
	canonical_is("{\"b\":{\"d\":1,\"c\":2},\"a\":[{\"y\":1,\"x\":2}]}",
		     "{\"a\":[{\"x\":2,\"y\":1}],\"b\":{\"c\":2,\"d\":1}}");
	/* numbers: exact value in plain decimal */
	canonical_is("[1.0, 1e0, 1E+0, -0, 12345678901234567890123]",
		     "[1,1,1,0,12345678901234567890123]");
	canonical_is("[2.5e-3, 0.00250, -12.5e-1, 1.50, 100, 1E+2, -0.0e5]",
		     "[0.0025,0.0025,-1.25,1.5,100,100,0]");
	canonical_is("[123.456e1, 0.5e1, 10.010, 1.23e1001, 5e-1002]",
		     "[1234.56,5,10.01,1.23e1001,5e-1002]");
	canonical_is(" \"\\u0041\\/\\u00e9\\ud83d\\ude00\" ",
		     "\"A/\xc3\xa9\xf0\x9f\x98\x80\"");
	canonical_is("\"\\b\\f\\n\\r\\t\\u0001\\u001F\\u007f\\\"\\\\\"",
		     "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\\"\\\\\"");
	canonical_is("\"\\u0000\"", "\"\\u0000\"");
	canonical_is("[ ]", "[]");
	canonical_is("{ }", "{}");
	canonical_is("null", "null");
	canonical_is(" true ", "true");
	canonical_is("[[[]],{}]", "[[[]],{}]");
	{
		struct buf b;
		struct err e;
		buf_init(&b, 1 << 20);
		buf_adds(&b, "prefix:", &e);
		TAP_CHECK(json_canonical("[1, 2]", 6, &b, &e) == 0 &&
			      strcmp((const char *)b.data, "prefix:[1,2]") == 0,
			  "json_canonical appends to out");
		buf_reset(&b);
		TAP_CHECK(json_canonical("[1,]", 4, &b, &e) == -1 &&
			      e.class == ERR_STREAM,
			  "json_canonical of invalid JSON fails");
		buf_release(&b);
		buf_init(&b, 4);
		TAP_CHECK(
		    json_canonical("[1, 2, 3]", 9, &b, &e) == -1,
		    "json_canonical fails when out would pass its maximum");
		buf_release(&b);
	}
	{
		struct err e;
		TAP_EQ_INT(json_validate("{\"a\":[1,{}]}", 12, &e), 0,
			   "json_validate valid");
		TAP_EQ_INT(json_validate("{\"a\":[1,{}]", 11, &e), -1,
			   "json_validate invalid");
	}
}

static void test_add_string(void)
{
	add_string_is("", 0, "\"\"", "empty");
	add_string_is("plain", 5, "\"plain\"", "plain");
	add_string_is("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash");
	add_string_is("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"", "short escapes");
	add_string_is("\x01\x1f", 2, "\"\\u0001\\u001f\"",
		      "other control characters");
	add_string_is("a\0b", 3, "\"a\\u0000b\"", "NUL byte");
	add_string_is("/\x7f", 2, "\"/\x7f\"", "slash and DEL as themselves");
	add_string_is("\xc3\xa9\xf0\x9f\x98\x80", 6,
		      "\"\xc3\xa9\xf0\x9f\x98\x80\"", "UTF-8 as itself");
	add_string_is("\n", 1, "\"\\n\"", "a lone newline");
	add_string_is("xyz\"", 4, "\"xyz\\\"\"", "escape at the end");
	{
		/* escape every byte 0..0x7f and parse the result back */
		char all[128];
		struct buf b;
		struct err e;
		struct json_node *n;
		for (int i = 0; i < 128; i++)
			all[i] = (char)i;
		buf_init(&b, 1 << 20);
		json_add_string(&b, all, 128, &e);
		n = json_parse((const char *)b.data, b.len, &e);
		TAP_CHECK(
		    n && n->kind == JSON_STRING && n->len == 128 &&
			memcmp(n->str, all, 128) == 0,
		    "json_add_string of bytes 0..127 parses back to the same bytes");
		json_free(n);
		buf_release(&b);
	}
	{
		struct buf b;
		struct err e;
		buf_init(&b, 3);
		TAP_CHECK(json_add_string(&b, "abcd", 4, &e) == -1 &&
			      e.class == ERR_STREAM,
			  "json_add_string past the buffer maximum fails");
		buf_release(&b);
	}
}

int main(void)
{
	test_accept_reject();
	test_tree();
	test_depth();
	test_error_offsets();
	test_canonical();
	test_add_string();
	return tap_done();
}
