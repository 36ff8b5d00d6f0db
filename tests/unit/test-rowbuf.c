/*
 * test-rowbuf - rows kept aside (lib/rowbuf) read back exactly, and the
 * secondary indexes of a table schema through JSON and back (lib/schema).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db/rowbuf.h"
#include "stream/digest.h"
#include "stream/schema.h"
#include "tap.h"

static const char schema_json[] =
    "{\"name\":\"t\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"u\",\"type\":\"uint64\"},{\"name\":\"f\",\"type\":\"float64\"},"
    "{\"name\":\"s\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"ts\",\"type\":\"timestamptz\"},{\"name\":\"z\",\"type\":\"null\"},"
    "{\"name\":\"k\",\"type\":\"bool\"}],"
    "\"primary_key\":[\"id\"],"
    "\"indexes\":[{\"name\":\"by_s_u\",\"columns\":[\"s\",\"u\"],\"unique\":false},"
    "{\"name\":\"uq_b\",\"columns\":[\"b\"],\"unique\":true}]}";

static struct digest row_digest(const struct schema_table *t,
				const struct value *row)
{
	struct buf scratch;
	struct digest d;
	struct err e;

	buf_init(&scratch, 1u << 20);
	digest_row(t->types, row, t->ncols, &scratch, &d, &e);
	buf_release(&scratch);
	return d;
}

int main(void)
{
	struct err e;
	struct schema_table *t;
	struct rowbuf rb;
	struct value rows[3][8];
	struct digest want[3];
	char *json;

	err_init(&e);
	t = schema_table_parse(schema_json, strlen(schema_json), &e);
	TAP_CHECK(t != NULL, "schema with indexes parses (%s)", e.msg);
	if (!t)
		return tap_done();
	TAP_EQ_UINT(t->nindexes, 2, "two indexes");
	TAP_EQ_STR(t->indexes[0].name, "by_s_u", "first index name");
	TAP_EQ_UINT(t->indexes[0].ncols, 2, "first index has two columns");
	TAP_EQ_UINT(t->indexes[0].cols[0], 3, "its first column is s");
	TAP_CHECK(t->indexes[1].unique && !t->indexes[0].unique,
		  "unique flags");

	json = schema_table_to_json(t, &e);
	TAP_CHECK(json && strstr(json,
				 "\"indexes\":[{\"name\":\"by_s_u\","
				 "\"columns\":[\"s\",\"u\"],\"unique\":false}"),
		  "indexes written back as JSON");
	free(json);

	{
		static const char bad[] =
		    "{\"name\":\"t\",\"columns\":[{\"name\":\"a\","
		    "\"type\":\"int64\"}],\"indexes\":[{\"name\":"
		    "\"i\",\"columns\":[\"nope\"]}]}";
		struct schema_table *b =
		    schema_table_parse(bad, strlen(bad), &e);
		TAP_CHECK(!b && strstr(e.msg, "index i names no column"),
			  "an index on a missing column is refused: %s", e.msg);
		schema_table_free(b);
	}

	memset(rows, 0, sizeof(rows));
	rows[0][0].v.i = INT64_MIN;
	rows[0][1].v.u = UINT64_MAX;
	rows[0][2].v.f = NAN;
	rows[0][3].v.s.p = "héllo\tworld\n";
	rows[0][3].v.s.len = strlen(rows[0][3].v.s.p);
	rows[0][4].v.s.p = "\0\377";
	rows[0][4].v.s.len = 2;
	rows[0][5].v.i = INT64_MAX;
	rows[0][6].null = true;
	rows[0][7].v.b = true;
	rows[1][0].v.i = 7;
	for (int c = 1; c < 8; c++)
		rows[1][c].null = true;
	rows[2][0].v.i = -1;
	rows[2][1].v.u = 0;
	rows[2][2].v.f = -0.0;
	rows[2][3].v.s.p = "";
	rows[2][4].v.s.p = "";
	rows[2][5].v.i = 0;
	rows[2][6].null = true;
	rows[2][7].v.b = false;

	rowbuf_init(&rb, 1u << 20);
	for (int r = 0; r < 3; r++) {
		want[r] = row_digest(t, rows[r]);
		TAP_CHECK(rowbuf_add(&rb, t, rows[r], &e) == 0, "row %d kept",
			  r);
	}
	TAP_EQ_UINT(rowbuf_count(&rb), 3, "three rows kept");
	for (int r = 2; r >= 0; r--) {
		const struct value *got = rowbuf_get(&rb, t, (size_t)r, &e);
		struct digest d;
		TAP_CHECK(got != NULL, "row %d read back", r);
		if (!got)
			continue;
		d = row_digest(t, got);
		TAP_CHECK(digest_equal(&d, &want[r]), "row %d reads back equal",
			  r);
	}
	{
		const struct value *got = rowbuf_get(&rb, t, 0, &e);
		TAP_CHECK(got && got[4].v.s.len == 2 && got[4].v.s.p[0] == 0 &&
			      (unsigned char)got[4].v.s.p[1] == 0377,
			  "bytes with NUL come back whole");
		TAP_CHECK(got && isnan(got[2].v.f) && got[6].null && got[7].v.b,
			  "NaN, a null column and a bool come back");
	}
	rowbuf_reset(&rb);
	TAP_EQ_UINT(rowbuf_count(&rb), 0, "reset forgets the rows");
	rowbuf_release(&rb);

	rowbuf_init(&rb, 16);
	TAP_CHECK(rowbuf_add(&rb, t, rows[0], &e) == -1 &&
		      e.class == ERR_STREAM,
		  "a full rowbuf is an error, not a silent drop");
	rowbuf_release(&rb);
	schema_table_free(t);
	return tap_done();
}
