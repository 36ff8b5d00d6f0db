/*
 * test-sqlexpr - the CHECK expressions ferry carries (stream/sqlexpr.h):
 * what each engine's catalog prints reads into ferry's form, ferry's form
 * reads back to itself, each target gets its own quoting, and everything
 * that would not mean the same on both engines is refused with a reason.
 * The catalog texts below are what MariaDB 10.11 and PostgreSQL 15 print
 * (tests/t4600 makes them on the real servers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/schema.h"
#include "stream/sqlexpr.h"
#include "tap.h"

static const char schema_json[] =
    "{\"name\":\"t\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"},"
    "{\"name\":\"price\",\"type\":\"decimal\"},"
    "{\"name\":\"status\",\"type\":\"text\"},"
    "{\"name\":\"username\",\"type\":\"text\","
    "\"collation\":\"utf8mb4_general_ci\"},"
    "{\"name\":\"a\",\"type\":\"int64\"},{\"name\":\"b\",\"type\":\"int64\"},"
    "{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"flag\",\"type\":\"bool\"},"
    "{\"name\":\"ts\",\"type\":\"timestamptz\"},"
    "{\"name\":\"m\",\"type\":\"enum\",\"labels\":[\"sad\",\"ok\"]},"
    "{\"name\":\"f\",\"type\":\"float64\"},"
    "{\"name\":\"Weird \\\"col\",\"type\":\"int64\"},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"email\",\"type\":\"text\"}],"
    "\"primary_key\":[\"id\"]}";

static struct schema_table *t;
static char got[8192];

/* text of dialect d in dialect to: the result, or "no: why" */
static const char *tr(enum sqlexpr_dialect d, const char *text,
		      enum sqlexpr_dialect to, unsigned flags)
{
	struct err e;
	char why[256];
	struct sqlexpr *x;
	struct buf b;
	int rc;

	err_init(&e);
	if (!(x = sqlexpr_parse(text, d, t, why, sizeof(why), &e))) {
		snprintf(got, sizeof(got), "%s: %s", e.class ? "error" : "no",
			 e.class ? e.msg : why);
		return got;
	}
	buf_init(&b, 1u << 20);
	rc = sqlexpr_write(x, to, NULL, flags, &b, why, sizeof(why), &e);
	if (rc == 0 && buf_addc(&b, 0, &e) == 0)
		snprintf(got, sizeof(got), "%s", (const char *)b.data);
	else
		snprintf(got, sizeof(got), "%s: %s", rc < 0 ? "error" : "no",
			 rc < 0 ? e.msg : why);
	buf_release(&b);
	sqlexpr_free(x);
	return got;
}

/* ferry's form of text, and that it reads back to itself */
static const char *canon(enum sqlexpr_dialect d, const char *text)
{
	char once[8192];

	snprintf(once, sizeof(once), "%s", tr(d, text, SQLEXPR_FERRY, 0));
	if (strncmp(once, "no: ", 4) && strncmp(once, "error: ", 7)) {
		tr(SQLEXPR_FERRY, once, SQLEXPR_FERRY, 0);
		TAP_EQ_STR(got, once, "ferry's form of %s reads back alike",
			   text);
	}
	snprintf(got, sizeof(got), "%s", once);
	return got;
}

#define MY SQLEXPR_MYSQL
#define PG SQLEXPR_PG
#define FY SQLEXPR_FERRY

static void mariadb_catalog(void)
{
	TAP_EQ_STR(canon(MY, "`price` >= 0"), "(\"price\" >= 0)", "MariaDB >=");
	TAP_EQ_STR(canon(MY, "`status` in ('a','b\\'c','d\\\\e')"),
		   "(\"status\" IN ('a', 'b''c', 'd\\e'))",
		   "MariaDB IN, its backslash escapes undone");
	TAP_EQ_STR(canon(MY, "char_length(`username`) between 3 and 32"),
		   "(char_length(\"username\") BETWEEN 3 AND 32)", "BETWEEN");
	TAP_EQ_STR(canon(MY, "`username` = lcase(`username`) or `username` is "
			     "null"),
		   "((\"username\" = lower(\"username\")) OR (\"username\" IS "
		   "NULL))",
		   "lcase is lower; OR below AND");
	TAP_EQ_STR(canon(MY, "`a` < `b` and `a` <> 5 or `b` is not null"),
		   "(((\"a\" < \"b\") AND (\"a\" <> 5)) OR (\"b\" IS NOT NULL))",
		   "precedence of AND over OR");
	TAP_EQ_STR(canon(MY, "`a` + `b` * 2 - 1 > -3 and `a` MOD 2 = 0 and "
			     "abs(`a`) < 100"),
		   "(((((\"a\" + (\"b\" * 2)) - 1) > -3) AND ((\"a\" % 2) = 0)) "
		   "AND (abs(\"a\") < 100))",
		   "arithmetic, MOD, a negative number");
	TAP_EQ_STR(canon(MY, "`email` like '%@%' and `email`  not like 'x%'"),
		   "((\"email\" LIKE '%@%') AND (\"email\" NOT LIKE 'x%'))",
		   "LIKE, NOT LIKE");
	TAP_EQ_STR(canon(MY, "`d` >= '2000-01-01'"), "(\"d\" >= '2000-01-01')",
		   "a date with a string");
	TAP_EQ_STR(canon(MY, "octet_length(`username`) < 200 and "
			     "trim(`username`) <> '' and coalesce(`a`,0) >= 0 "
			     "and concat(`username`,'x', `email`) <> 'y'"),
		   "((((octet_length(\"username\") < 200) AND "
		   "(trim(\"username\") <> '')) AND (coalesce(\"a\", 0) >= 0)) "
		   "AND (((\"username\" || 'x') || \"email\") <> 'y'))",
		   "MySQL's length() counts bytes; concat is ||");
	TAP_EQ_STR(canon(MY, "`flag` = 1 or `flag` = 0"),
		   "((\"flag\" = TRUE) OR (\"flag\" = FALSE))",
		   "a boolean compared with 1 and 0");
	TAP_EQ_STR(canon(MY, "`a` not in (1,2) and `a` not between 7 and 9"),
		   "((\"a\" NOT IN (1, 2)) AND (\"a\" NOT BETWEEN 7 AND 9))",
		   "NOT IN, NOT BETWEEN");
	TAP_EQ_STR(canon(MY, "`status` = _utf8mb4'x'"), "(\"status\" = 'x')",
		   "a utf8mb4 introducer");
	TAP_EQ_STR(canon(MY, "`STATUS` <> ''"), "(\"status\" <> '')",
		   "MySQL's names are not case sensitive");
}

static void postgres_catalog(void)
{
	TAP_EQ_STR(canon(PG, "CHECK ((price >= (0)::numeric))"),
		   "(\"price\" >= 0)", "PostgreSQL's cast of a number");
	TAP_EQ_STR(
	    canon(PG, "CHECK (((status)::text = ANY ((ARRAY['a'::character "
		      "varying, 'b''c'::character varying, 'd\\e'::character "
		      "varying])::text[])))"),
	    "(\"status\" IN ('a', 'b''c', 'd\\e'))", "= ANY (ARRAY[...]) is IN");
	TAP_EQ_STR(canon(PG, "CHECK (((char_length((username)::text) >= 3) AND "
			     "(char_length((username)::text) <= 32)))"),
		   "((char_length(\"username\") >= 3) AND "
		   "(char_length(\"username\") <= 32))",
		   "casts of a text column");
	TAP_EQ_STR(canon(PG, "CHECK ((((a < b) AND (NOT (a = 5))) OR (b IS NOT "
			     "NULL)))"),
		   "(((\"a\" < \"b\") AND (NOT (\"a\" = 5))) OR (\"b\" IS NOT "
		   "NULL))",
		   "NOT");
	TAP_EQ_STR(canon(PG, "CHECK (((((a + (b * 2)) - 1) > '-3'::integer) AND "
			     "((a % 2) = 0) AND (abs(a) < 100)))"),
		   "(((((\"a\" + (\"b\" * 2)) - 1) > -3) AND ((\"a\" % 2) = 0)) "
		   "AND (abs(\"a\") < 100))",
		   "a string cast to integer is a number");
	TAP_EQ_STR(canon(PG, "CHECK (((email ~~ '%@%'::text) AND (email !~~ "
			     "'x%'::text)))"),
		   "((\"email\" LIKE '%@%') AND (\"email\" NOT LIKE 'x%'))",
		   "~~ and !~~");
	TAP_EQ_STR(canon(PG, "CHECK ((d >= '2000-01-01'::date))"),
		   "(\"d\" >= '2000-01-01')", "a date");
	TAP_EQ_STR(
	    canon(PG, "CHECK (((length((username)::text) < 200) AND "
		      "(octet_length(email) < 300) AND (TRIM(BOTH FROM "
		      "username) <> ''::text) AND (COALESCE(a, 0) >= 0) AND "
		      "(((username)::text || 'x'::text) <> 'y'::text)))"),
	    "(((((char_length(\"username\") < 200) AND (octet_length(\"email\") "
	    "< 300)) AND (trim(\"username\") <> '')) AND (coalesce(\"a\", 0) "
	    ">= 0)) AND ((\"username\" || 'x') <> 'y'))",
	    "PostgreSQL's length() counts characters; TRIM(BOTH FROM x)");
	TAP_EQ_STR(canon(PG, "CHECK (((a <> ALL (ARRAY[1, 2])) AND ((a < 7) OR "
			     "(a > 9))))"),
		   "((\"a\" NOT IN (1, 2)) AND ((\"a\" < 7) OR (\"a\" > 9)))",
		   "<> ALL is NOT IN");
	TAP_EQ_STR(canon(PG, "CHECK (((m <> 'sad'::mood) AND (f > "
			     "(1.5)::double precision) AND (price < "
			     "'1000000'::numeric) AND ((- a) < 0) AND "
			     "(\"Weird \"\"col\" > 0)))"),
		   "(((((\"m\" <> 'sad') AND (\"f\" > 1.5)) AND (\"price\" < "
		   "1000000)) AND ((- \"a\") < 0)) AND (\"Weird \"\"col\" > 0))",
		   "an enum label, a quoted name, minus");
	TAP_EQ_STR(canon(PG, "CHECK ((m = ANY (ARRAY['sad'::app.mood])))"),
		   "(\"m\" IN ('sad'))", "a type of another schema");
	TAP_EQ_STR(canon(PG, "CHECK ((flag = true))"), "(\"flag\" = TRUE)",
		   "a boolean");
}

static void refused(void)
{
	static const struct {
		enum sqlexpr_dialect d;
		const char *text, *why;
	} r[] = {
		{ MY, "`email` regexp '^[^@]+@'", "no: 'regexp' at character 9" },
		{ PG, "CHECK ((email ~ '^[^@]+@'::text))",
		  "no: '~' at character 15" },
		{ MY, "`a` / 2 > 1", "no: a division, whose result type each "
				     "engine gives differently" },
		{ MY, "`status` > 'a'", "no: text ordered by < or >, which "
					"each engine's collations sort apart" },
		{ MY, "`a` = 'x'", "no: a number compared with a string" },
		{ MY, "`flag` = 2", "no: a boolean compared with a number" },
		{ MY, "json_valid(`j`)", "no: the function json_valid" },
		{ MY, "`j` is not null", "no: column j, of type json" },
		{ MY, "`a`", "no: a condition of a number, not a boolean" },
		{ MY, "`status` = _latin1'x'",
		  "no: a string in character set latin1" },
		{ MY, "`status` = 'a\\0'", "no: a string holding NUL" },
		{ MY, "`a` = 1 || `b` = 2",
		  "no: MySQL's || (OR, or concat by sql_mode)" },
		{ MY, "`nope` > 0", "no: no column named nope" },
		{ MY, "`a` > 1e3", "no: the number at character 7" },
		{ PG, "CHECK ((ts > '2001-01-01 00:00:00+00'::timestamp with "
		      "time zone))",
		  "no: column ts, of type timestamptz" },
		{ PG, "CHECK ((a)::text <> ''::text)", "no: a cast to text" },
		{ PG, "CHECK ((f)::integer > 0)", "no: a cast to integer" },
		{ PG, "CHECK ((m < 'ok'::mood))",
		  "no: an enum compared with a string by order" },
		{ PG, "CHECK ((flag IS NOT TRUE))", "no: IS NOT TRUE" },
		{ PG, "CHECK ((a = ANY (ARRAY[1])) AND (a = ARRAY[1]))",
		  "no: an array" },
		{ PG, "CHECK ((status = E'\\n'))", "no: a string with escapes" },
		{ PG, "CHECK ((a > 0)); DROP TABLE t", "no: ';' at character 16" },
		{ PG, "CHECK ((a > 0)) -- x", "no: a comment at character 17" },
		{ MY, "`a` > 0 /* x */", "no: a comment at character 9" },
		{ MY, "`a` > 0 # x", "no: '#' at character 9" },
		{ FY, "a > 0", "no: 'a' at character 1" },
		{ FY, "(\"a\" > 0", "no: the end at character 9" },
		{ FY, "(\"a\" > 0) OR", "no: the end at character 13" },
		{ FY, "'it''s' = \"status\"", NULL },
		{ FY, "(\"a\" = 1) AND (\"a\" = 2) = (\"b\" = 3)", NULL },
		{ FY, "(\"a\" = 1) AND (\"a\" = 2) < (\"b\" = 3)",
		  "no: a boolean compared with a boolean by order" },
	};

	for (size_t i = 0; i < sizeof(r) / sizeof(*r); i++) {
		const char *g = tr(r[i].d, r[i].text, FY, 0);
		if (r[i].why)
			TAP_EQ_STR(g, r[i].why, "refused: %s", r[i].text);
		else
			TAP_CHECK(strncmp(g, "no:", 3) != 0, "read: %s (%s)",
				  r[i].text, g);
	}
	{
		char deep[800];
		size_t n = 0;
		for (int i = 0; i < 300; i++)
			deep[n++] = '(';
		memcpy(deep + n, "\"a\" > 0", 7);
		n += 7;
		for (int i = 0; i < 300; i++)
			deep[n++] = ')';
		deep[n] = '\0';
		TAP_EQ_STR(tr(FY, deep, FY, 0),
			   "no: an expression nested over 64 deep",
			   "nesting has a limit");
		n = 0;
		for (int i = 0; i < 70; i++) {
			memcpy(deep + n, "`a` + ", 6);
			n += 6;
		}
		memcpy(deep + n, "1 > 0", 6);
		TAP_EQ_STR(tr(MY, deep, FY, 0),
			   "no: an expression nested over 64 deep",
			   "so has a tree's depth without parentheses");
	}
}

static void targets(void)
{
	const char *x = "((\"status\" IN ('it''s', 'back\\slash')) AND "
			"((\"username\" || 'x') LIKE '%x'))";

	TAP_EQ_STR(tr(FY, x, MY, 0),
		   "((`status` IN ('it''s', 'back\\\\slash')) AND "
		   "(concat(`username`, 'x') LIKE '%x'))",
		   "MySQL: backticks, backslash doubled, concat()");
	TAP_EQ_STR(tr(FY, x, PG, 0),
		   "((\"status\" IN ('it''s', E'back\\\\slash')) AND "
		   "((\"username\" || 'x') LIKE '%x'))",
		   "PostgreSQL: E'' where a backslash is");
	TAP_EQ_STR(tr(FY, x, PG, SQLEXPR_CI_NO_LIKE),
		   "no: LIKE on a case-insensitive column, which PostgreSQL 15 "
		   "refuses on its nondeterministic collation",
		   "LIKE on a _ci column with a nondeterministic collation");
	TAP_EQ_STR(tr(FY, "(\"email\" LIKE '%x')", PG, SQLEXPR_CI_NO_LIKE),
		   "(\"email\" LIKE '%x')", "LIKE on another column");
	TAP_EQ_STR(tr(FY, "(\"Weird \"\"col\" > 0)", MY, 0),
		   "(`Weird \"col` > 0)", "a name quoted by MySQL's rules");
	{
		struct err e;
		char why[128];
		struct buf b;
		char *names[14];
		err_init(&e);
		buf_init(&b, 1 << 16);
		for (size_t i = 0; i < t->ncols; i++)
			names[i] = t->cols[i].name;
		names[4] = (char *)"x`y";
		TAP_EQ_INT(sqlexpr_translate("((\"a\" > 0) AND (\"b\" > \"a\"))",
					     t, MY, names, 0, &b, why,
					     sizeof(why), &e),
			   0, "translated under other names");
		TAP_EQ_MEM(b.data, b.len, "((`x``y` > 0) AND (`b` > `x``y`))",
			   strlen("((`x``y` > 0) AND (`b` > `x``y`))"),
			   "each column under its new name");
		buf_release(&b);
	}
}

/* text of dialect d as generated column `col` of t, written for `to` */
static const char *gen(enum sqlexpr_dialect d, const char *text,
		       const char *col, enum sqlexpr_dialect to)
{
	struct err e;
	char why[256];
	struct buf b;
	struct sqlexpr *x;
	size_t i = (size_t)schema_column_index(t, col);
	int rc;

	err_init(&e);
	if (!(x = sqlexpr_parse_generated(text, d, t, i, why, sizeof(why),
					  &e))) {
		snprintf(got, sizeof(got), "no: %s", e.class ? e.msg : why);
		return got;
	}
	buf_init(&b, 1u << 20);
	rc = sqlexpr_write(x, to, NULL, 0, &b, why, sizeof(why), &e);
	if (rc == 0 && buf_addc(&b, 0, &e) == 0)
		snprintf(got, sizeof(got), "%s", (const char *)b.data);
	else
		snprintf(got, sizeof(got), "no: %s", rc < 0 ? e.msg : why);
	buf_release(&b);
	sqlexpr_free(x);
	return got;
}

static void generated(void)
{
	TAP_EQ_STR(gen(MY, "concat(`status`,' ',`email`)", "username", PG),
		   "((\"status\" || ' ') || \"email\")",
		   "MariaDB's concat() into a text column, for PostgreSQL");
	TAP_EQ_STR(gen(PG, "(price * (a)::numeric)", "b", MY),
		   "(`price` * `a`)", "a number into an integer column");
	TAP_EQ_STR(gen(MY, "`a` > 3", "flag", PG), "(\"a\" > 3)",
		   "a boolean into a boolean column");
	TAP_EQ_STR(gen(MY, "`a` > 3", "b", PG),
		   "no: a boolean in a column of type int64",
		   "a boolean into an integer column");
	TAP_EQ_STR(gen(MY, "concat(`status`,'x')", "a", PG),
		   "no: text in a column of type int64", "text into a number");
	TAP_EQ_STR(gen(MY, "`a` + 1", "status", PG),
		   "no: a number in a column of type text",
		   "a number into a text column (MySQL would cast, "
		   "PostgreSQL refuses)");
	TAP_EQ_STR(gen(MY, "'x'", "status", PG),
		   "no: an expression of no column", "a constant");
	TAP_EQ_STR(gen(MY, "`m`", "status", PG),
		   "no: an enum in a column of type text", "an enum into text");
	TAP_EQ_STR(gen(MY, "`d`", "d", PG),
		   "no: an expression of a generated column",
		   "itself (generated columns read stored columns only)");
	TAP_EQ_STR(gen(MY, "json_unquote(`j`)", "status", PG),
		   "no: the function json_unquote", "a JSON function");
}

int main(void)
{
	struct err e;

	err_init(&e);
	t = schema_table_parse(schema_json, strlen(schema_json), &e);
	if (!TAP_CHECK(t != NULL, "the schema parses (%s)", e.msg))
		return tap_done();
	mariadb_catalog();
	postgres_catalog();
	refused();
	targets();
	/* d is generated from here on */
	t->cols[schema_column_index(t, "d")].generated = strdup("x");
	generated();
	schema_table_free(t);
	return tap_done();
}
