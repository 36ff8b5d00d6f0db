#include "stream/rejects.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

struct rejects {
	char *path;
	FILE *f;
	struct stream_writer *w;
	struct schema_table *t; /* the current table's reject schema */
	struct value *row;
	uint64_t count, max;
};

/* t's schema with a column ferry_reject_reason more */
static struct schema_table *reject_schema(const struct schema_table *t,
					  struct err *e)
{
	char *json = schema_table_to_json(t, e);
	struct schema_table *r;
	struct schema_column *c;
	enum value_type *ty;

	if (!json)
		return NULL;
	r = schema_table_parse(json, strlen(json), e);
	free(json);
	if (!r)
		return NULL;
	c = realloc(r->cols, (r->ncols + 1) * sizeof(*c));
	if (c)
		r->cols = c;
	ty = c ? realloc(r->types, (r->ncols + 1) * sizeof(*ty)) : NULL;
	if (ty)
		r->types = ty;
	if (!c || !ty) {
		schema_table_free(r);
		err_oom(e);
		return NULL;
	}
	c = &r->cols[r->ncols];
	memset(c, 0, sizeof(*c));
	c->length = c->precision = c->scale = -1;
	c->type = VALUE_TEXT;
	if (!(c->name = strdup("ferry_reject_reason"))) {
		schema_table_free(r);
		err_oom(e);
		return NULL;
	}
	r->types[r->ncols++] = VALUE_TEXT;
	r->watermark = -1;
	return r;
}

struct rejects *rejects_open(const char *path, uint64_t max, struct err *e)
{
	struct stream_writer_opts wo = { 1, STREAM_DEFAULT_BATCH, 0 };
	struct rejects *rj = calloc(1, sizeof(*rj));

	if (!rj || !(rj->path = strdup(path))) {
		free(rj);
		err_oom(e);
		return NULL;
	}
	rj->max = max;
	if (!(rj->f = fopen(path, "wb"))) {
		err_set(e, ERR_SYSTEM, "--rejects %s: %s", path,
			strerror(errno));
		goto fail;
	}
	if (!(rj->w = stream_writer_new(rj->f, &wo, e)))
		goto fail;
	return rj;
fail:
	if (rj->f)
		fclose(rj->f);
	free(rj->path);
	free(rj);
	return NULL;
}

int rejects_add(struct rejects *rj, const struct schema_table *t,
		const struct value *row, const char *reason, struct err *e)
{
	if (!rj->t) {
		if (!(rj->t = reject_schema(t, e)) ||
		    !(rj->row = calloc(rj->t->ncols, sizeof(*rj->row))) ||
		    stream_writer_begin_table(rj->w, rj->t, e) < 0) {
			if (e->class == ERR_OK)
				err_oom(e);
			return err_prefix(e, "--rejects %s", rj->path);
		}
	}
	memcpy(rj->row, row, t->ncols * sizeof(*row));
	rj->row[t->ncols].null = false;
	rj->row[t->ncols].v.s.p = reason;
	rj->row[t->ncols].v.s.len = strlen(reason);
	if (stream_writer_add_row(rj->w, rj->row, e) < 0)
		return err_prefix(e, "--rejects %s", rj->path);
	if (++rj->count > rj->max)
		return err_set(
		    e, ERR_REJECTS,
		    "%" PRIu64
		    " rows rejected, more than --max-rejects %" PRIu64
		    " (the last: %s)",
		    rj->count, rj->max, reason);
	return 0;
}

int rejects_end_table(struct rejects *rj, struct err *e)
{
	int rc = 0;

	if (rj->t && stream_writer_end_table(rj->w, e) < 0)
		rc = err_prefix(e, "--rejects %s", rj->path);
	schema_table_free(rj->t);
	rj->t = NULL;
	free(rj->row);
	rj->row = NULL;
	return rc;
}

static void rejects_free(struct rejects *rj)
{
	stream_writer_free(rj->w);
	if (rj->f)
		fclose(rj->f);
	schema_table_free(rj->t);
	free(rj->row);
	free(rj->path);
	free(rj);
}

int rejects_close(struct rejects *rj, struct err *e)
{
	int rc = -1;

	if (rejects_end_table(rj, e) < 0)
		goto out;
	if (stream_writer_finish(rj->w, e) < 0) {
		err_prefix(e, "--rejects %s", rj->path);
		goto out;
	}
	if (fclose(rj->f) != 0) {
		rj->f = NULL;
		err_set(e, ERR_SYSTEM, "--rejects %s: %s", rj->path,
			strerror(errno));
		goto out;
	}
	rj->f = NULL;
	rc = 0;
out:
	rejects_free(rj);
	return rc;
}

void rejects_abort(struct rejects *rj)
{
	struct err ignored;

	if (!rj)
		return;
	/* keep what was set aside readable, whatever stopped the run */
	err_init(&ignored);
	if (rejects_end_table(rj, &ignored) == 0)
		stream_writer_finish(rj->w, &ignored);
	rejects_free(rj);
}

uint64_t rejects_count(const struct rejects *rj)
{
	return rj ? rj->count : 0;
}
