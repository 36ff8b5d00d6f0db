#include "extract.h"

#include <cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "jsonfile.h"

struct table_run {
	struct schema_table *t;
	const char *where;
	uint64_t zero_dates;
	double seconds;
	struct stream_table_stats st;
};

static int excluded(const struct extract_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nexcludes; i++)
		if (fnmatch(o->excludes[i], name, 0) == 0)
			return 1;
	return 0;
}

static const char *lookup(const struct extract_kv *kv, size_t n,
			  const char *table)
{
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].table, table) == 0)
			v = kv[i].value;
	return v;
}

/* Keep only the columns named in list (comma-separated), in that order. */
static int pick_columns(struct schema_table *t, const char *list, struct err *e)
{
	struct schema_column *cols;
	size_t n = 0, *map;
	const char *p = list;

	cols = calloc(t->ncols, sizeof(*cols));
	map = calloc(t->ncols, sizeof(*map));
	if (!cols || !map) {
		free(cols);
		free(map);
		return err_oom(e);
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		size_t i;

		for (i = 0; i < t->ncols; i++)
			if (t->cols[i].name && strlen(t->cols[i].name) == len &&
			    memcmp(t->cols[i].name, p, len) == 0)
				break;
		if (i == t->ncols || n == t->ncols) {
			err_set(e, ERR_USAGE,
				"--columns: table %s has no column '%.*s'%s",
				t->name, (int)(len > 60 ? 60 : len), p,
				i < t->ncols ? " (or it is named twice)" : "");
			goto fail;
		}
		cols[n] = t->cols[i];
		map[i] = n + 1;
		memset(&t->cols[i], 0, sizeof(t->cols[i])); /* moved */
		n++;
		p = comma ? comma + 1 : p + len;
	}
	if (n == 0) {
		err_set(e, ERR_USAGE, "--columns: no columns for table %s",
			t->name);
		goto fail;
	}
	/* free the columns left out, and keep the key only if whole */
	{
		size_t npk = 0;
		int whole = 1;
		for (size_t i = 0; i < t->npk; i++) {
			if (!map[t->pk[i]])
				whole = 0;
			else
				t->pk[npk++] = map[t->pk[i]] - 1;
		}
		t->npk = whole ? npk : 0;
	}
	/* keep the indexes whose columns are all kept, renumbered */
	{
		size_t nk = 0;
		for (size_t i = 0; i < t->nindexes; i++) {
			struct schema_index *x = &t->indexes[i];
			int whole = 1;
			for (size_t k = 0; k < x->ncols; k++) {
				if (!map[x->cols[k]])
					whole = 0;
				else
					x->cols[k] = map[x->cols[k]] - 1;
			}
			if (whole) {
				t->indexes[nk++] = *x;
			} else {
				free(x->name);
				free(x->cols);
			}
		}
		t->nindexes = nk;
	}
	for (size_t i = 0; i < t->ncols; i++)
		schema_column_release(&t->cols[i]);
	free(t->cols);
	t->cols = cols;
	t->ncols = n;
	for (size_t i = 0; i < n; i++)
		t->types[i] = cols[i].type;
	free(map);
	return 0;
fail:
	/* put moved columns back so the table frees cleanly */
	for (size_t i = 0; i < t->ncols; i++)
		if (map[i])
			t->cols[i] = cols[map[i] - 1];
	free(cols);
	free(map);
	return -1;
}

static int write_stats(const char *path, const struct table_run *runs, size_t n,
		       double seconds, struct err *e)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	int rc = -1;

	if (!root || !(arr = cJSON_AddArrayToObject(root, "tables")))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const struct table_run *r = &runs[i];
		char hex[DIGEST_HEX_LEN + 1];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			goto oom;
		digest_hex(&r->st.digest, hex);
		if (!cJSON_AddStringToObject(o, "table", r->t->name) ||
		    !cJSON_AddNumberToObject(o, "rows", (double)r->st.rows) ||
		    !cJSON_AddNumberToObject(o, "raw_bytes",
					     (double)r->st.raw_bytes) ||
		    !cJSON_AddNumberToObject(o, "stored_bytes",
					     (double)r->st.stored_bytes) ||
		    !cJSON_AddNumberToObject(o, "batches",
					     (double)r->st.batches) ||
		    !cJSON_AddNumberToObject(o, "seconds", r->seconds) ||
		    !cJSON_AddNumberToObject(
			o, "rows_per_second",
			r->seconds > 0 ? (double)r->st.rows / r->seconds : 0) ||
		    !cJSON_AddNumberToObject(o, "zero_dates_to_null",
					     (double)r->zero_dates) ||
		    !cJSON_AddStringToObject(o, "digest", hex))
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

/* Describe every table before the first row moves: fail early. */
static int plan(struct source *src, const struct uri *u,
		const struct extract_opts *o, struct table_run **runs_out,
		size_t *nruns, struct err *e)
{
	char **all = NULL;
	size_t nall = 0, n = 0;
	struct table_run *runs = NULL;
	const char *const *names;
	int rc = -1;

	if (o->all_tables) {
		if (source_list_tables(src, &all, &nall, e) < 0)
			return -1;
		names = (const char *const *)all;
	} else {
		names = o->tables;
		nall = o->ntables;
	}
	if (!(runs = calloc(nall + 1, sizeof(*runs)))) {
		err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < nall; i++) {
		struct schema_table *t;
		const char *cols;

		if (excluded(o, names[i]))
			continue;
		for (size_t k = 0; k < n; k++)
			if (strcmp(runs[k].t->name, names[i]) == 0) {
				err_set(e, ERR_USAGE, "table %s is named twice",
					names[i]);
				goto out;
			}
		if (!(t = source_describe(src, names[i], e)))
			goto out;
		runs[n++].t = t;
		free(t->source);
		if (!(t->source = strdup(u->display))) {
			err_oom(e);
			goto out;
		}
		if ((cols = lookup(o->columns, o->ncolumns, t->name)) &&
		    pick_columns(t, cols, e) < 0)
			goto out;
		runs[n - 1].where = lookup(o->wheres, o->nwheres, t->name);
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].refused) {
				err_set(e, ERR_STREAM,
					"table %s, column %s: %s", t->name,
					t->cols[c].name, t->cols[c].refused);
				goto out;
			}
		if (o->order_pk && !t->npk) {
			err_set(
			    e, ERR_USAGE,
			    "table %s has no primary key: --order pk needs one",
			    t->name);
			goto out;
		}
		if (o->part_n > 1 &&
		    (!t->npk || (t->cols[t->pk[0]].type != VALUE_INT64 &&
				 t->cols[t->pk[0]].type != VALUE_UINT64))) {
			err_set(
			    e, ERR_USAGE,
			    "table %s: --part needs a primary key whose first "
			    "column is an integer",
			    t->name);
			goto out;
		}
	}
	/* a --columns or --where for a table not extracted is a mistake */
	for (size_t i = 0; i < o->ncolumns + o->nwheres; i++) {
		const char *tn = i < o->ncolumns
				     ? o->columns[i].table
				     : o->wheres[i - o->ncolumns].table;
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(runs[k].t->name, tn) == 0)
				break;
		if (k == n) {
			err_set(e, ERR_USAGE,
				"%s names table '%s', which is not extracted",
				i < o->ncolumns ? "--columns" : "--where", tn);
			goto out;
		}
	}
	if (n == 0) {
		err_set(e, ERR_USAGE, "no tables to extract");
		goto out;
	}
	rc = 0;
out:
	source_names_free(all);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			schema_table_free(runs[i].t);
		free(runs);
		return -1;
	}
	*runs_out = runs;
	*nruns = n;
	return 0;
}

int extract_run(const struct uri *u, const struct extract_opts *o, FILE *out,
		struct err *e)
{
	struct source *src;
	struct stream_writer *w = NULL;
	struct table_run *runs = NULL;
	size_t nruns = 0;
	double t0 = progress_now();
	int rc = -1;

	if (!(src = source_open(u, &o->source, e)))
		return -1;
	if (source_begin(src, e) < 0 || plan(src, u, o, &runs, &nruns, e) < 0)
		goto out;
	if (!(w = stream_writer_new(out, &o->writer, e)))
		goto out;
	for (size_t i = 0; i < nruns; i++) {
		struct table_run *r = &runs[i];
		struct source_query q = { r->t, r->where, o->order_pk,
					  o->part_k, o->part_n };
		const struct value *row;
		uint64_t rows = 0;
		double ts = progress_now();
		int nrc = 0;

		if (o->progress)
			progress_table(o->progress);
		if (stream_writer_begin_table(w, r->t, e) < 0)
			goto out;
		if (!o->schema_only) {
			if (source_open_rows(src, &q, e) < 0) {
				err_prefix(e, "table %s", r->t->name);
				goto out;
			}
			while ((nrc = source_next_row(src, &row, e)) == 1) {
				if (stream_writer_add_row(w, row, e) < 0)
					goto out;
				rows++;
				if (o->progress)
					progress_update(o->progress, r->t->name,
							rows,
							stream_writer_bytes(w));
			}
			if (nrc < 0) {
				/* "table t, row 5, column c: ..." for values */
				if (e->class == ERR_STREAM)
					err_prefix_place(e, "table %s",
							 r->t->name);
				else
					err_prefix(e, "table %s", r->t->name);
				goto out;
			}
		}
		if (stream_writer_end_table(w, e) < 0)
			goto out;
		r->st = *stream_writer_last_table(w);
		r->zero_dates = source_zero_dates(src);
		r->seconds = progress_now() - ts;
	}
	if (stream_writer_finish(w, e) < 0)
		goto out;
	if (o->stats_path &&
	    write_stats(o->stats_path, runs, nruns, progress_now() - t0, e) < 0)
		goto out;
	rc = 0;
out:
	if (o->progress)
		progress_clear(o->progress);
	stream_writer_free(w);
	source_close(src);
	for (size_t i = 0; i < nruns; i++)
		schema_table_free(runs[i].t);
	free(runs);
	return rc;
}
