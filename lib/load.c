#include "load.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rejects.h"
#include "jsonfile.h"
#include "stream.h"

struct load_table {
	char *name;
	uint64_t rows;
	uint64_t rejected;
	uint64_t commits;
	uint64_t deleted; /* delete mode */
	int created;
	const char *method;
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
		       size_t n, double seconds, int deletes, struct err *e)
{
	cJSON *root = cJSON_CreateObject(), *arr;
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
		    (deletes && !cJSON_AddNumberToObject(
				    t, "deleted", (double)tabs[i].deleted)) ||
		    !cJSON_AddBoolToObject(t, "created", tabs[i].created) ||
		    (tabs[i].method &&
		     !cJSON_AddStringToObject(t, "method", tabs[i].method)) ||
		    !cJSON_AddNumberToObject(t, "seconds", tabs[i].seconds) ||
		    !cJSON_AddNumberToObject(t, "rows_per_second",
					     tabs[i].seconds > 0
						 ? (double)tabs[i].rows /
						       tabs[i].seconds
						 : 0))
			goto oom;
	}
	if (!cJSON_AddNumberToObject(root, "seconds", seconds))
		goto oom;
	rc = jsonfile_write(root, "--stats", path, e);
	goto out;
oom:
	err_oom(e);
out:
	cJSON_Delete(root);
	return rc;
}

static int reject_row(void *ctx, const struct schema_table *t,
		      const struct value *row, const char *reason,
		      struct err *e)
{
	return rejects_add(ctx, t, row, reason, e);
}

int load_run(const struct uri *u, struct load_opts *o, FILE *in, struct err *e)
{
	struct rejects *rj = NULL;
	struct sink_opts so = o->sink;
	struct stream_reader *r = NULL;
	struct sink *s = NULL;
	struct load_table *tabs = NULL;
	size_t ntabs = 0, cap = 0;
	const struct schema_table *t;
	double t0 = progress_now();
	int rc = -1, trc;

	if (!(r = stream_reader_new(in, o->in_name, e)))
		return -1;
	if (o->rejects_path) {
		if (!(rj = rejects_open(o->rejects_path, o->max_rejects, e)))
			goto out;
		so.reject = reject_row;
		so.reject_ctx = rj;
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
		if (rj && rejects_end_table(rj, e) < 0)
			goto out;
		tabs[ntabs].rows = st.rows;
		tabs[ntabs].rejected = st.rejected;
		tabs[ntabs].commits = st.commits;
		tabs[ntabs].deleted = st.deleted;
		o->rows += st.rows;
		o->deleted += st.deleted;
		tabs[ntabs].created = st.created;
		tabs[ntabs].method = st.method;
		tabs[ntabs].seconds = progress_now() - ts;
		ntabs++;
	}
	if (trc < 0)
		goto out;
	if (rj) {
		o->rejected = rejects_count(rj);
		int crc = rejects_close(rj, e);
		rj = NULL;
		if (crc < 0)
			goto out;
	}
	if (o->stats_path &&
	    write_stats(o->stats_path, tabs, ntabs, progress_now() - t0,
			o->sink.mode == SINK_DELETE, e) < 0)
		goto out;
	rc = 0;
out:
	if (rj) {
		o->rejected = rejects_count(rj);
		rejects_abort(rj);
	}
	if (o->progress)
		progress_clear(o->progress);
	for (size_t i = 0; i < ntabs; i++)
		free(tabs[i].name);
	free(tabs);
	sink_close(s);
	stream_reader_free(r);
	return rc;
}
