#include "load.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

struct load_table {
	char *name;
	uint64_t rows;
	uint64_t rejected;
	uint64_t commits;
	int created;
	double seconds;
};

static const char *target_name(const struct load_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nmaps; i++)
		if (strcmp(o->maps[i].from, name) == 0)
			return o->maps[i].to;
	return name;
}

static int write_stats(const char *path, const struct load_table *tabs,
		       size_t n, double seconds, struct err *e)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text = NULL;
	FILE *f = NULL;
	int rc = -1;

	if (!root || !(arr = cJSON_AddArrayToObject(root, "tables")))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		cJSON *t = cJSON_CreateObject();
		if (!t || !cJSON_AddItemToArray(arr, t) ||
		    !cJSON_AddStringToObject(t, "table", tabs[i].name) ||
		    !cJSON_AddNumberToObject(t, "rows", (double)tabs[i].rows) ||
		    !cJSON_AddNumberToObject(t, "rejected",
					     (double)tabs[i].rejected) ||
		    !cJSON_AddNumberToObject(t, "commits",
					     (double)tabs[i].commits) ||
		    !cJSON_AddBoolToObject(t, "created", tabs[i].created) ||
		    !cJSON_AddNumberToObject(t, "seconds", tabs[i].seconds) ||
		    !cJSON_AddNumberToObject(t, "rows_per_second",
					     tabs[i].seconds > 0
						 ? (double)tabs[i].rows /
						       tabs[i].seconds
						 : 0))
			goto oom;
	}
	if (!cJSON_AddNumberToObject(root, "seconds", seconds) ||
	    !(text = cJSON_Print(root)))
		goto oom;
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 ||
	    fputc('\n', f) < 0) {
		err_set(e, ERR_SYSTEM, "--stats %s: %s", path, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		err_set(e, ERR_SYSTEM, "--stats %s: %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	rc = 0;
	goto out;
oom:
	err_oom(e);
out:
	if (f)
		fclose(f);
	free(text);
	cJSON_Delete(root);
	return rc;
}

/* the rejects stream: each table with a reason column more */
struct rejects {
	FILE *f;
	struct stream_writer *w;
	const struct schema_table *src; /* the table whose rows come now */
	struct schema_table *t;		/* its reject schema, once begun */
	struct value *row;
	uint64_t count, max;
};

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

static int rejects_end_table(struct rejects *rj, struct err *e)
{
	int rc = 0;

	if (rj->t)
		rc = stream_writer_end_table(rj->w, e);
	schema_table_free(rj->t);
	rj->t = NULL;
	free(rj->row);
	rj->row = NULL;
	return rc;
}

static int reject_row(void *ctx, const struct schema_table *t,
		      const struct value *row, const char *reason,
		      struct err *e)
{
	struct rejects *rj = ctx;

	if (!rj->t) {
		if (!(rj->t = reject_schema(t, e)) ||
		    !(rj->row = calloc(rj->t->ncols, sizeof(*rj->row))) ||
		    stream_writer_begin_table(rj->w, rj->t, e) < 0) {
			if (e->class == ERR_OK)
				err_oom(e);
			return -1;
		}
	}
	memcpy(rj->row, row, t->ncols * sizeof(*row));
	rj->row[t->ncols].null = false;
	rj->row[t->ncols].v.s.p = reason;
	rj->row[t->ncols].v.s.len = strlen(reason);
	if (stream_writer_add_row(rj->w, rj->row, e) < 0)
		return err_prefix(e, "--rejects");
	if (++rj->count > rj->max)
		return err_set(
		    e, ERR_REJECTS,
		    "%" PRIu64
		    " rows rejected, more than --max-rejects %" PRIu64
		    " (the last: %s)",
		    rj->count, rj->max, reason);
	return 0;
}

int load_run(const struct uri *u, struct load_opts *o, FILE *in, struct err *e)
{
	struct rejects rj;
	struct sink_opts so = o->sink;
	struct stream_reader *r = NULL;
	struct sink *s = NULL;
	struct load_table *tabs = NULL;
	size_t ntabs = 0, cap = 0;
	const struct schema_table *t;
	double t0 = progress_now();
	int rc = -1, trc;

	memset(&rj, 0, sizeof(rj));
	rj.max = o->max_rejects;
	if (!(r = stream_reader_new(in, o->in_name, e)))
		return -1;
	if (o->rejects_path) {
		struct stream_writer_opts wo = { 1, STREAM_DEFAULT_BATCH };
		if (!(rj.f = fopen(o->rejects_path, "wb"))) {
			err_set(e, ERR_SYSTEM, "--rejects %s: %s",
				o->rejects_path, strerror(errno));
			goto out;
		}
		if (!(rj.w = stream_writer_new(rj.f, &wo, e)))
			goto out;
		so.reject = reject_row;
		so.reject_ctx = &rj;
	}
	if (!(s = sink_open(u, &so, e)))
		goto out;
	if (s->notice && o->notice)
		o->notice(s->notice);
	while ((trc = stream_reader_next_table(r, &t, e)) == 1) {
		const char *name = target_name(o, t->name);
		const struct value *row;
		struct sink_table_stats st;
		double ts = progress_now();
		int rrc;

		if (ntabs == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct load_table *nt =
			    realloc(tabs, ncap * sizeof(*nt));
			if (!nt) {
				err_oom(e);
				goto out;
			}
			tabs = nt;
			cap = ncap;
		}
		memset(&st, 0, sizeof(st));
		rj.src = t;
		if (o->progress)
			progress_table(o->progress);
		if (sink_begin_table(s, t, name, e) < 0) {
			sink_abort_table(s, "ferry-load gave up on this table");
			err_prefix(e, "table %s", name);
			goto out;
		}
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			if (sink_write_row(s, row, e) < 0) {
				sink_abort_table(
				    s, "ferry-load gave up on this table");
				if (e->class == ERR_STREAM)
					err_prefix_place(e, "table %s", name);
				else
					err_prefix(e, "table %s", name);
				goto out;
			}
			if (o->progress)
				progress_update(o->progress, name,
						stream_reader_row_number(r),
						stream_reader_offset(r));
		}
		if (rrc < 0) {
			/* a bad stream: nothing of this table is kept */
			sink_abort_table(
			    s, "the input stream is broken or cut short");
			goto out;
		}
		if (sink_end_table(s, &st, e) < 0) {
			sink_abort_table(s, "ferry-load gave up on this table");
			err_prefix(e, "table %s", name);
			goto out;
		}
		if (!(tabs[ntabs].name = strdup(name))) {
			err_oom(e);
			goto out;
		}
		if (rj.w && rejects_end_table(&rj, e) < 0)
			goto out;
		tabs[ntabs].rows = st.rows;
		tabs[ntabs].rejected = st.rejected;
		tabs[ntabs].commits = st.commits;
		tabs[ntabs].created = st.created;
		tabs[ntabs].seconds = progress_now() - ts;
		ntabs++;
	}
	if (trc < 0)
		goto out;
	if (rj.w) {
		if (stream_writer_finish(rj.w, e) < 0)
			goto out;
		stream_writer_free(rj.w);
		rj.w = NULL;
		if (fclose(rj.f) != 0) {
			rj.f = NULL;
			err_set(e, ERR_SYSTEM, "--rejects %s: %s",
				o->rejects_path, strerror(errno));
			goto out;
		}
		rj.f = NULL;
	}
	if (o->stats_path &&
	    write_stats(o->stats_path, tabs, ntabs, progress_now() - t0, e) < 0)
		goto out;
	rc = 0;
out:
	o->rejected = rj.count;
	if (rj.w) {
		/* keep what was set aside readable, whatever stopped the load
		 */
		struct err ignored;
		err_init(&ignored);
		if (rejects_end_table(&rj, &ignored) == 0)
			stream_writer_finish(rj.w, &ignored);
		stream_writer_free(rj.w);
	}
	schema_table_free(rj.t);
	free(rj.row);
	if (rj.f)
		fclose(rj.f);
	if (o->progress)
		progress_clear(o->progress);
	for (size_t i = 0; i < ntabs; i++)
		free(tabs[i].name);
	free(tabs);
	sink_close(s);
	stream_reader_free(r);
	return rc;
}
