/*
 * test-pgname - unit tests of lib/db/pg/pgname.c: the names PostgreSQL holds
 * for names over 63 bytes, never cut inside a UTF-8 character, distinct
 * for long names that share a prefix, and the collisions refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/utf8.h"
#include "db/pg/pgname.h"
#include "stream/schema.h"
#include "tap.h"

static char *repeat(const char *s, size_t n)
{
	size_t l = strlen(s);
	char *r = malloc(l * n + 1);

	if (!r)
		abort();
	for (size_t i = 0; i < n; i++)
		memcpy(r + i * l, s, l);
	r[l * n] = '\0';
	return r;
}

static struct schema_table *mk_table(const char *name, const char *c1,
				     const char *c2)
{
	struct buf b;
	struct err e;
	struct schema_table *t;

	err_init(&e);
	buf_init(&b, 1u << 16);
	if (buf_addf(&b, &e,
		     "{\"name\":\"%s\",\"columns\":[{\"name\":\"id\","
		     "\"type\":\"int64\"},{\"name\":\"%s\",\"type\":\"text\"},"
		     "{\"name\":\"%s\",\"type\":\"text\"}],"
		     "\"primary_key\":[\"id\"],\"indexes\":["
		     "{\"name\":\"%s\",\"columns\":[\"%s\"]},"
		     "{\"name\":\"%s\",\"columns\":[\"%s\"]}]}",
		     name, c1, c2, c1, c1, c2, c2) < 0)
		abort();
	t = schema_table_parse((char *)b.data, b.len, &e);
	buf_release(&b);
	if (!t) {
		tap_diag("bad test schema: %s", e.msg);
		abort();
	}
	return t;
}

static void test_fit(void)
{
	char out[PGNAME_MAX + 1], out2[PGNAME_MAX + 1], want[80];
	char *s63 = repeat("a", 63), *s64 = repeat("a", 64);
	char *e64 = repeat("\xc3\xa9", 64); /* 64 x 'é', 128 bytes */
	char *b64 = repeat("b", 64);

	TAP_EQ_INT(pgname_fit("users", out), 0, "a short name is kept");
	TAP_EQ_STR(out, "users", "... as it is");
	TAP_EQ_INT(pgname_fit("", out), 0, "the empty name is kept");
	TAP_EQ_INT(pgname_fit(s63, out), 0, "63 bytes are kept");
	TAP_EQ_STR(out, s63, "... as they are");

	TAP_EQ_INT(pgname_fit(s64, out), 1, "64 bytes are shortened");
	TAP_EQ_UINT(strlen(out), 63, "to 63 bytes");
	snprintf(want, sizeof(want), "%.54s_%08x", s64,
		 (unsigned)(XXH3_64bits(s64, 64) >> 32));
	TAP_EQ_STR(out, want, "54 bytes, '_', 8 hex of XXH3-64 of the name");

	TAP_EQ_INT(pgname_fit(e64, out), 1, "64 x 'é' are shortened");
	TAP_CHECK(strlen(out) <= 63, "to at most 63 bytes (%zu)", strlen(out));
	TAP_CHECK(utf8_valid(out, strlen(out)), "never inside a character");
	TAP_EQ_UINT(strlen(out), 54 + 9, "27 characters kept (54 bytes)");
	{
		/* a 3-byte character over byte 54: the cut backs off */
		char *m = repeat("a", 53);
		char name[200];
		snprintf(name, sizeof(name), "%s\xe8\xa1\xa8%s", m, m);
		pgname_fit(name, out);
		TAP_CHECK(utf8_valid(out, strlen(out)),
			  "a 3-byte character across the cut is left out");
		TAP_EQ_INT(out[53], '_', "... the suffix follows 53 bytes");
		free(m);
	}
	{
		/* two names sharing their first 63 bytes stay apart */
		char a[100], b[100];
		snprintf(a, sizeof(a), "%sx", s63);
		snprintf(b, sizeof(b), "%sy", s63);
		pgname_fit(a, out);
		pgname_fit(b, out2);
		TAP_CHECK(strcmp(out, out2) != 0,
			  "names sharing 63 bytes differ (%s, %s)", out, out2);
		TAP_EQ_INT(pgname_fit(a, out2), 1, "deterministic");
		TAP_EQ_STR(out, out2, "... the same name every time");
	}
	TAP_CHECK(pgname_same(s64, out) == 0, "another name does not fit it");
	pgname_fit(b64, out);
	TAP_EQ_INT(pgname_same(b64, out), 1, "a long name is its fitted one");
	TAP_EQ_INT(pgname_same("users", "users"), 1, "a name is itself");
	free(s63);
	free(s64);
	free(e64);
	free(b64);
}

static void test_table_name(void)
{
	struct buf b;
	struct err e;
	char *l = repeat("t", 70), name[200], fit[PGNAME_MAX + 1];

	err_init(&e);
	buf_init(&b, 1u << 12);
	TAP_EQ_INT(pgname_fit_table(&b, "chat.users", &e), 0,
		   "schema.table that fits is kept");
	TAP_EQ_STR((char *)b.data, "chat.users", "... as it is");
	buf_reset(&b);
	snprintf(name, sizeof(name), "chat.%s", l);
	TAP_EQ_INT(pgname_fit_table(&b, name, &e), 1,
		   "a long table part is shortened");
	pgname_fit(l, fit);
	TAP_CHECK(strncmp((char *)b.data, "chat.", 5) == 0 &&
		      strcmp((char *)b.data + 5, fit) == 0,
		  "each part on its own (%s)", (char *)b.data);
	TAP_EQ_INT(pgname_same_table(name, (char *)b.data), 1,
		   "the long name matches its fitted one");
	TAP_EQ_INT(pgname_same_table(l, (char *)b.data), 0,
		   "not without its schema");
	buf_release(&b);
	free(l);
}

static void test_table(void)
{
	struct pgname_table m;
	struct err e;
	char *p63 = repeat("c", 63), *i60 = repeat("i", 60);
	char a[100], b[100], fa[PGNAME_MAX + 1];
	struct schema_table *t;

	snprintf(a, sizeof(a), "%sa", p63);
	snprintf(b, sizeof(b), "%sb", p63);
	t = mk_table("t", a, b);
	err_init(&e);
	TAP_EQ_INT(pgname_table_init(&m, t, "t", &e), 0,
		   "two long columns sharing 63 bytes are fine");
	TAP_EQ_STR(m.table, "t", "the table keeps its name");
	TAP_EQ_STR(m.cols[0], "id", "a short column keeps its name");
	TAP_CHECK(strcmp(m.cols[1], m.cols[2]) != 0, "the long ones differ");
	TAP_EQ_UINT(m.nrenamed, 2, "two names renamed");
	TAP_EQ_STR(m.renamed[0].kind, "column", "kind column");
	TAP_EQ_STR(m.renamed[0].from, a, "from the long name");
	TAP_EQ_STR(m.renamed[0].to, m.cols[1], "to the short one");
	TAP_EQ_INT(pgname_column_index(t, m.cols[2]), 2,
		   "a column found by its PostgreSQL name");
	TAP_EQ_INT(pgname_column_index(t, "id"), 0, "... and a short one");
	TAP_EQ_INT(pgname_column_index(t, "nope"), -1, "... or not at all");
	TAP_EQ_INT(pgname_table_indexes(&m, t, "t", &e), 0, "index names");
	TAP_CHECK(strlen(m.indexes[0]) <= 63 &&
		      strncmp(m.indexes[0], "t_ccc", 5) == 0,
		  "the table's name in front, shortened (%s)", m.indexes[0]);
	TAP_CHECK(strcmp(m.indexes[0], m.indexes[1]) != 0,
		  "two long index names differ");
	TAP_EQ_UINT(m.nrenamed, 4, "... and are reported");
	pgname_table_release(&m);
	pgname_table_release(&m);
	schema_table_free(t);

	/* a column named what another's long name becomes */
	pgname_fit(a, fa);
	t = mk_table("t", a, fa);
	err_init(&e);
	TAP_EQ_INT(pgname_table_init(&m, t, "t", &e), -1,
		   "a collision is refused");
	TAP_EQ_INT(e.class, ERR_USAGE, "... as a table that does not fit");
	TAP_CHECK(strstr(e.msg, a) && strstr(e.msg, fa) &&
		      strstr(e.msg, "columns '"),
		  "... naming both (%s)", e.msg);
	TAP_CHECK(m.cols == NULL, "... and nothing is kept");
	schema_table_free(t);

	/* a long table name: its indexes are named after the long name */
	{
		char tn[100];
		snprintf(tn, sizeof(tn), "%s\xc3\xa9\xc3\xa9", i60);
		t = mk_table(tn, "x", "y");
		TAP_EQ_INT(pgname_table_init(&m, t, tn, &e), 0,
			   "a long table name");
		TAP_EQ_STR(m.renamed[0].kind, "table", "renamed as a table");
		TAP_EQ_INT(pgname_table_indexes(&m, t, tn, &e), 0,
			   "its index names");
		TAP_CHECK(strlen(m.indexes[0]) <= 63 &&
			      utf8_valid(m.indexes[0], strlen(m.indexes[0])),
			  "are valid UTF-8 of at most 63 bytes");
		pgname_table_release(&m);
		schema_table_free(t);
	}
	free(p63);
	free(i60);
}

/* utf8_cut, which the objects frame's names and details use */
static void test_utf8_cut(void)
{
	static const char s[] = "ab\xc3\xa9\xe2\x82\xac"; /* ab, é, € */

	TAP_EQ_INT((int)utf8_cut(s, 7, 20), 7, "a text that fits is whole");
	TAP_EQ_INT((int)utf8_cut(s, 7, 7), 7, "max at the end: whole");
	TAP_EQ_INT((int)utf8_cut(s, 7, 6), 4, "not inside the euro sign");
	TAP_EQ_INT((int)utf8_cut(s, 7, 3), 2, "not inside the e acute");
	TAP_EQ_INT((int)utf8_cut(s, 7, 4), 4, "after the e acute");
}

int main(void)
{
	test_utf8_cut();
	test_fit();
	test_table_name();
	test_table();
	return tap_done();
}
