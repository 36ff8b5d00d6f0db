/*
 * fixture.h - the table the transform fuzz targets work on: a column of
 * every stream type, and three rows of it (ordinary values, the edges of
 * every range, every column NULL but the key).  Included by
 * fuzz-expr.c and fuzz-spec.c.
 */
#ifndef FERRY_FUZZ_FIXTURE_H
#define FERRY_FUZZ_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

static const char fixture_schema[] =
    "{\"name\":\"m\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
    "{\"name\":\"u\",\"type\":\"uint64\"},"
    "{\"name\":\"f\",\"type\":\"float64\"},{\"name\":\"d\",\"type\":\"decimal\"},"
    "{\"name\":\"s\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"dt\",\"type\":\"date\"},{\"name\":\"ts\",\"type\":\"timestamp\"},"
    "{\"name\":\"tz\",\"type\":\"timestamptz\"},{\"name\":\"k\",\"type\":\"bool\"},"
    "{\"name\":\"uu\",\"type\":\"uuid\"},{\"name\":\"tm\",\"type\":\"time\"},"
    "{\"name\":\"j\",\"type\":\"json\"},"
    "{\"name\":\"e\",\"type\":\"enum\",\"labels\":[\"a\",\"b\"]}],"
    "\"primary_key\":[\"id\"],\"watermark\":\"ts\","
    "\"indexes\":[{\"name\":\"by_s\",\"columns\":[\"s\"],\"unique\":false}]}";

#define FIXTURE_COLS 14
#define FIXTURE_ROWS 3

static struct schema_table *fixture_t;
static struct value fixture_rows[FIXTURE_ROWS][FIXTURE_COLS];

static void fixture_text(struct value *v, const char *s)
{
	v->null = false;
	v->v.s.p = s;
	v->v.s.len = strlen(s);
}

/* Parse the schema and fill the rows; abort when the schema is bad. */
static void fixture_init(void)
{
	struct err e;
	struct value *r;

	err_init(&e);
	fixture_t =
	    schema_table_parse(fixture_schema, strlen(fixture_schema), &e);
	if (!fixture_t) {
		fprintf(stderr, "fixture: %s\n", e.msg);
		abort();
	}
	r = fixture_rows[0];
	r[0].v.i = 42;
	r[1].v.u = 7;
	r[2].v.f = 2.5;
	fixture_text(&r[3], "12.25");
	fixture_text(&r[4], " Ada@Example.org h\xc3\xa9llo ");
	r[5].v.s.p = "\x00\xff";
	r[5].v.s.len = 2;
	r[6].v.i = 19783;
	r[7].v.i = INT64_C(1711846800000000); /* 2024-03-31 01:00, a DST day */
	r[8].v.i = INT64_C(1709294400000000);
	r[9].v.b = true;
	memset(r[10].v.uuid, 0xab, 16);
	r[11].v.i = INT64_C(3600000000);
	fixture_text(&r[12], "{\"a\": [1, {\"b\": \"x\"}], \"n\": 5}");
	fixture_text(&r[13], "b");
	r = fixture_rows[1];
	r[0].v.i = INT64_MIN;
	r[1].v.u = UINT64_MAX;
	r[2].v.f = -0.0;
	fixture_text(&r[3], "-99999999999999999999999999999.000000001");
	fixture_text(&r[4], "");
	r[5].v.s.p = "";
	r[5].v.s.len = 0;
	r[6].v.i = VALUE_DATE_POS_INF;
	r[7].v.i = VALUE_TS_NEG_INF;
	r[8].v.i = VALUE_TS_POS_INF - 1;
	r[11].v.i = VALUE_TIME_MAX;
	fixture_text(&r[12], "null");
	fixture_text(&r[13], "a");
	for (int i = 1; i < FIXTURE_COLS; i++)
		fixture_rows[2][i].null = true;
	fixture_rows[2][0].v.i = 3;
}

#endif
