/*
 * fuzz-sqlexpr - libFuzzer target for the CHECK expressions ferry
 * carries (stream/sqlexpr.h).
 *
 * The input's first byte picks the dialect it is read in (ferry's form,
 * MySQL's, PostgreSQL's: its value mod 3) and what it is read as (bits
 * 4-7 mod 3: a condition, an index's key, or the expression of generated
 * column (bits 2-3) of the table), the rest is the text, read against a
 * table with
 * a column of each kind (and names holding quotes of both engines).  A
 * text it refuses must be refused with a reason and no error; one it reads
 * must write ferry's form, which must read back and write to the same
 * text; and written for MySQL and PostgreSQL it must be one expression of
 * ferry's words only: outside its quotes nothing but names of functions
 * and keywords, numbers and operators (no ';', no comment), every quoted
 * name a column of the table, every string closed where the engine closes
 * it.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-sqlexpr`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-sqlexpr, which `make
 * check` runs on testdata/fuzz/sqlexpr.
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

static const char table_json[] =
    "{\"name\":\"t\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\"},{\"name\":\"n\",\"type\":\"decimal\"},"
    "{\"name\":\"s\",\"type\":\"text\"},"
    "{\"name\":\"ci\",\"type\":\"text\",\"collation\":\"utf8mb4_general_ci\"},"
    "{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"e\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]},"
    "{\"name\":\"f\",\"type\":\"float64\","
    "\"generated\":{\"expression\":\"id * 2\"}},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"q\\\"`'x\",\"type\":\"int64\"}],"
    "\"primary_key\":[\"id\"]}";

static struct schema_table *tab;

static void fuzz_fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz-sqlexpr: %s: %s\n", what, msg);
	abort();
}

static const char *const words[] = {
	"AND",	"OR",	     "NOT",	    "IS",	    "NULL",
	"IN",	"BETWEEN",   "LIKE",	    "TRUE",	    "FALSE",
	"lower", "upper",    "char_length", "octet_length", "trim",
	"abs",	"coalesce",  "concat",	    NULL,
};

/* sql (of dialect d) is made of ferry's tokens only */
static void check_tokens(const char *sql, size_t len, enum sqlexpr_dialect d)
{
	char qi = d == SQLEXPR_MYSQL ? '`' : '"';

	for (size_t i = 0; i < len;) {
		char c = sql[i];
		if (c == qi) {
			char name[256];
			size_t n = 0;
			int found = 0;
			for (i++;; i++) {
				if (i >= len)
					fuzz_fail("a name not closed", sql);
				if (sql[i] == qi) {
					if (i + 1 < len && sql[i + 1] == qi)
						i++;
					else
						break;
				}
				if (n + 1 >= sizeof(name))
					fuzz_fail("a long name", sql);
				name[n++] = sql[i];
			}
			name[n] = '\0';
			i++;
			for (size_t k = 0; k < tab->ncols; k++)
				if (strcmp(tab->cols[k].name, name) == 0)
					found = 1;
			if (!found)
				fuzz_fail("a name not of the table", sql);
		} else if (c == '\'' || (c == 'E' && i + 1 < len &&
					 sql[i + 1] == '\'' &&
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

static struct sqlexpr *parse_as(const char *text, enum sqlexpr_dialect d,
				int mode, size_t col, char *why, size_t whysz,
				struct err *e)
{
	if (mode == 2)
		return sqlexpr_parse_generated(text, d, tab, col, why, whysz, e);
	if (mode == 1)
		return sqlexpr_parse_value(text, d, tab, why, whysz, e);
	return sqlexpr_parse(text, d, tab, why, whysz, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sqlexpr_dialect d;
	struct sqlexpr *x, *y;
	struct err e;
	struct buf a, b;
	char why[256], *text;
	int mode;
	size_t col;

	err_init(&e);
	if (!tab && !(tab = schema_table_parse(table_json, strlen(table_json),
					       &e)))
		fuzz_fail("the table", e.msg);
	if (size < 1)
		return 0;
	d = (enum sqlexpr_dialect)(data[0] % 3);
	mode = (data[0] >> 4) % 3;
	col = (size_t)(data[0] >> 2) & 3;
	if (!(text = strndup((const char *)data + 1, size - 1)))
		return 0;
	x = parse_as(text, d, mode, col, why, sizeof(why), &e);
	free(text);
	if (!x) {
		if (e.class || !why[0])
			fuzz_fail("a refusal without a reason", e.msg);
		return 0;
	}
	buf_init(&a, 1u << 22);
	buf_init(&b, 1u << 22);
	if (sqlexpr_write(x, SQLEXPR_FERRY, NULL, 0, &a, why, sizeof(why),
			  &e) != 0 ||
	    buf_addc(&a, 0, &e) < 0)
		fuzz_fail("ferry's form not written", why);
	if (!(y = parse_as((const char *)a.data, SQLEXPR_FERRY, mode, col, why,
			   sizeof(why), &e)))
		fuzz_fail("ferry's form not read back", why);
	if (sqlexpr_write(y, SQLEXPR_FERRY, NULL, 0, &b, why, sizeof(why),
			  &e) != 0 ||
	    buf_addc(&b, 0, &e) < 0 || strcmp((char *)a.data, (char *)b.data))
		fuzz_fail("ferry's form reads back to another", (char *)a.data);
	for (int k = 0; k < 3; k++) {
		enum sqlexpr_dialect to = k ? SQLEXPR_PG : SQLEXPR_MYSQL;
		int rc;
		buf_reset(&b);
		rc = sqlexpr_write(y, to, NULL, k == 2 ? SQLEXPR_CI_NO_LIKE : 0,
				   &b, why, sizeof(why), &e);
		if (rc < 0)
			fuzz_fail("an error writing", e.msg);
		if (rc == 1 && (!why[0] || b.len))
			fuzz_fail("a refusal without a reason", why);
		if (rc == 0)
			check_tokens((const char *)b.data, b.len, to);
	}
	sqlexpr_free(y);
	sqlexpr_free(x);
	buf_release(&a);
	buf_release(&b);
	return 0;
}
