/*
 * fuzz-sqlview - libFuzzer target for the views ferry carries
 * (stream/sqlexpr.h, sqlview_*).
 *
 * The input's first byte picks the dialect the rest is read in (ferry's
 * form, MySQL's, PostgreSQL's: its bits 0-1 mod 3) and how many columns
 * the view has (bits 2-4), against three tables (one
 * in a schema of its own, names holding quotes of both engines).  A text
 * it refuses must be refused with a reason and no error; one it reads must
 * give ferry's form, which must read back to itself; and written for
 * MySQL and PostgreSQL it must be one SELECT of ferry's words only:
 * outside its quotes nothing but keywords and function names of ferry's,
 * numbers and operators (no ';', no comment), every string and name
 * closed where the engine closes it; and the view reads as a table of
 * views over it.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-sqlview`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-sqlview, which `make
 * check` runs on testdata/fuzz/sqlview.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/sqlexpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table_t[] =
    "{\"name\":\"t\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"n\",\"type\":"
    "\"decimal\"},{\"name\":\"s\",\"type\":\"text\"},"
    "{\"name\":\"ci\",\"type\":\"text\",\"collation\":"
    "\"utf8mb4_general_ci\"},"
    "{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"e\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"q\\\"`'x\",\"type\":\"int64\"}],\"primary_key\":[\"id\"]}";
static const char table_u[] =
    "{\"name\":\"u\",\"columns\":[{\"name\":\"id\",\"type\":\"int64\"},"
    "{\"name\":\"t_id\",\"type\":\"int64\"},"
    "{\"name\":\"at\",\"type\":\"timestamp\"}]}";
static const char table_w[] =
    "{\"name\":\"w\\\"`\",\"schema\":\"app\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"}]}";
static const char *const table_json[] = { table_t, table_u, table_w };
#define NT (sizeof(table_json) / sizeof(*table_json))

static struct schema_table *tabs[NT];
static char cname[8][2] = { "a", "b", "c", "d", "e", "f", "g", "h" };
static char *const cols[] = { cname[0], cname[1], cname[2], cname[3],
			      cname[4], cname[5], cname[6], cname[7] };

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-sqlview: %s: %s\n", what, msg);
	abort();
}

static const char *const words[] = {
	"SELECT",
	"DISTINCT",
	"AS",
	"FROM",
	"JOIN",
	"LEFT",
	"CROSS",
	"ON",
	"WHERE",
	"GROUP",
	"BY",
	"HAVING",
	"LIMIT",
	"CASE",
	"WHEN",
	"THEN",
	"ELSE",
	"END",
	"AND",
	"OR",
	"NOT",
	"IS",
	"NULL",
	"IN",
	"BETWEEN",
	"LIKE",
	"TRUE",
	"FALSE",
	"lower",
	"upper",
	"char_length",
	"octet_length",
	"trim",
	"abs",
	"coalesce",
	"concat",
	"count",
	"ORDER",
	"ASC",
	"DESC",
	"NULLS",
	"FIRST",
	"LAST",
	"LOCALTIMESTAMP",
	"CURRENT_TIMESTAMP",
	"CURRENT_DATE",
	"NOW",
	"UTC_TIMESTAMP",
	"CURDATE",
	"INTERVAL",
	"interval",
	"SECOND",
	"MINUTE",
	"HOUR",
	"DAY",
	"MONTH",
	"YEAR",
	"sum",
	"min",
	"max",
	"avg",
	NULL,
};

/* sql (of dialect d) is made of ferry's tokens only */
static void check_tokens(const char *sql, size_t len, enum sqlexpr_dialect d)
{
	char qi = d == SQLEXPR_MYSQL ? '`' : '"';

	for (size_t i = 0; i < len;) {
		char c = sql[i];
		if (c == qi) {
			for (i++;; i++) {
				if (i >= len)
					fuzz_fail("a name not closed", sql);
				if (sql[i] == qi) {
					if (i + 1 < len && sql[i + 1] == qi)
						i++;
					else
						break;
				}
			}
			i++;
		} else if (c == '\'' ||
			   (c == 'E' && i + 1 < len && sql[i + 1] == '\'' &&
			    d == SQLEXPR_PG)) {
			int esc = d == SQLEXPR_MYSQL || c == 'E';
			if (c == 'E')
				i++;
			for (i++;; i++) {
				if (i >= len)
					fuzz_fail("a string not closed", sql);
				if (esc && sql[i] == '\\') {
					i++;
					continue;
				}
				if (sql[i] == '\'') {
					if (i + 1 < len && sql[i + 1] == '\'')
						i++;
					else
						break;
				}
			}
			i++;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			size_t s = i;
			int ok = 0;
			while (i < len && ((sql[i] >= 'a' && sql[i] <= 'z') ||
					   (sql[i] >= 'A' && sql[i] <= 'Z') ||
					   sql[i] == '_'))
				i++;
			for (const char *const *w = words; *w; w++)
				if (strlen(*w) == i - s &&
				    memcmp(*w, sql + s, i - s) == 0)
					ok = 1;
			if (!ok)
				fuzz_fail("a word not of ferry's", sql);
		} else if (c == '-' && i + 1 < len &&
			   (sql[i + 1] == '-' || sql[i + 1] == '>')) {
			fuzz_fail("a comment or ->", sql);
		} else if (strchr("0123456789.()=<>,+-*%| ", c) && c) {
			if (c == '|' && !(i + 1 < len && sql[i + 1] == '|'))
				fuzz_fail("a lone |", sql);
			i += c == '|' ? 2 : 1;
		} else {
			fuzz_fail("a byte not of ferry's", sql);
		}
	}
}

static int table_name(void *ctx, size_t i, enum sqlexpr_dialect d,
		      struct buf *out, struct err *e)
{
	(void)ctx;
	return buf_addf(out, e, d == SQLEXPR_MYSQL ? "`T%zu`" : "\"T%zu\"", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sqlexpr_dialect d;
	struct err e;
	struct buf a, b;
	char why[256], *text;
	int rc;

	err_init(&e);
	for (size_t i = 0; i < NT; i++)
		if (!tabs[i] &&
		    !(tabs[i] = schema_table_parse(table_json[i],
						   strlen(table_json[i]), &e)))
			fuzz_fail("a table", e.msg);
	if (size < 1)
		return 0;
	d = (enum sqlexpr_dialect)((data[0] & 3) % 3);
	if (!(text = strndup((const char *)data + 1, size - 1)))
		return 0;
	buf_init(&a, 1u << 22);
	buf_init(&b, 1u << 22);
	rc =
	    sqlview_parse(text, d, tabs, NT, "db", cols,
			  (size_t)(data[0] >> 2) & 7, &a, why, sizeof(why), &e);
	free(text);
	if (rc < 0)
		fuzz_fail("an error reading", e.msg);
	if (rc == 1 && (!why[0] || a.len))
		fuzz_fail("a refusal without a reason", why);
	if (rc == 0) {
		if (buf_addc(&a, 0, &e) < 0)
			fuzz_fail("out of memory", e.msg);
		if (sqlview_parse((const char *)a.data, SQLEXPR_FERRY, tabs, NT,
				  NULL, NULL, 0, &b, why, sizeof(why),
				  &e) != 0 ||
		    buf_addc(&b, 0, &e) < 0)
			fuzz_fail("ferry's form not read back", why);
		if (strcmp((char *)a.data, (char *)b.data))
			fuzz_fail("ferry's form reads back to another",
				  (char *)a.data);
		/* the view as a table of views over it */
		{
			struct schema_table *vt = sqlview_table(
			    (const char *)a.data, tabs, NT, "app", "v", why,
			    sizeof(why), &e);
			if (!vt && e.class)
				fuzz_fail("an error making the view's table",
					  e.msg);
			schema_table_free(vt);
		}
		for (int k = 0; k < 3; k++) {
			enum sqlexpr_dialect to =
			    k ? SQLEXPR_PG : SQLEXPR_MYSQL;
			struct sqlview_names nm = { table_name, NULL, NULL,
						    k == 1 };
			buf_reset(&b);
			rc = sqlview_translate((const char *)a.data, tabs, NT,
					       to, &nm,
					       k == 2 ? SQLEXPR_CI_NO_LIKE : 0,
					       &b, why, sizeof(why), &e);
			if (rc < 0)
				fuzz_fail("an error writing", e.msg);
			if (rc == 1 && (!why[0] || b.len))
				fuzz_fail("a refusal without a reason", why);
			if (rc == 0)
				check_tokens((const char *)b.data, b.len, to);
		}
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
