#include "stage/extract.h"

#include <cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/jsonfile.h"
#include "db/checkpoint.h"
#include "db/follow.h"
#include "stream/digest.h"

#define MAX_POS (1 + 64) /* the watermark and the key's columns */

struct table_run {
	struct schema_table *t;
	const char *where;
	/* --incremental: the position columns, and where to start */
	size_t pos[MAX_POS];
	size_t npos;
	struct value after[MAX_POS];
	struct buf after_mem[MAX_POS];
	size_t nafter;
	int after_inclusive;
	uint64_t zero_dates;
	uint64_t *zero_col; /* per column */
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

/* whether foreign key f of a table points at table p (its own name, and
 * its schema where both have one) */
static int points_at(const struct schema_fkey *f, const struct schema_table *p)
{
	const char *own = p->table ? p->table : p->name;

	return strcmp(f->ref_table, own) == 0 &&
	       (!f->ref_schema || !p->schema ||
		strcmp(f->ref_schema, p->schema) == 0);
}

/*
 * The tables in foreign-key order: each after the tables of the run its
 * foreign keys point at, so that a load into existing tables meets each
 * parent row before its children; otherwise in the order they were
 * listed.  Tables whose keys form a cycle go in that order, and a notice
 * names them (a load into existing tables needs the keys deferrable, or
 * checked after).
 */
static int fk_order(const struct extract_opts *o, struct table_run *runs,
		    size_t n, struct err *e)
{
	struct table_run *out = calloc(n + 1, sizeof(*out));
	unsigned char *placed = calloc(n + 1, 1);
	char cycle[600] = "";
	size_t done = 0, clen = 0;

	if (!out || !placed) {
		free(out);
		free(placed);
		return err_oom(e);
	}
	while (done < n) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			const struct schema_table *t = runs[i].t;
			int ready = !placed[i];
			for (size_t f = 0; ready && f < t->nfkeys; f++)
				for (size_t j = 0; ready && j < n; j++)
					if (j != i && !placed[j] &&
					    points_at(&t->fkeys[f], runs[j].t))
						ready = 0;
			if (ready)
				pick = i;
		}
		if (pick == n) {
			/* a cycle: the first table left goes next */
			for (pick = 0; placed[pick]; pick++)
				;
			if (clen < sizeof(cycle) - 1) {
				int w = snprintf(cycle + clen,
						 sizeof(cycle) - clen, "%s%.100s",
						 clen ? ", " : "",
						 runs[pick].t->name);
				if (w > 0)
					clen += (size_t)w;
			}
		}
		out[done++] = runs[pick];
		placed[pick] = 1;
	}
	memcpy(runs, out, n * sizeof(*runs));
	free(out);
	free(placed);
	if (clen && o->notice) {
		char line[800];
		snprintf(line, sizeof(line),
			 "foreign keys form a cycle through %s: each of them "
			 "goes before a table it needs (a load into existing "
			 "tables needs those keys deferrable)",
			 cycle);
		o->notice(line);
	}
	return 0;
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

/* The checkpoints of --since-job, kept until the tables are planned. */
struct job_point {
	char *table;
	struct checkpoint c;
};

struct job_points {
	struct job_point *v;
	size_t n, cap;
};

static int keep_point(void *ctx, const char *table, const struct checkpoint *c,
		      struct err *e)
{
	struct job_points *j = ctx;
	struct job_point *p;

	if (j->n == j->cap) {
		size_t ncap = j->cap ? j->cap * 2 : 16;
		struct job_point *nv = realloc(j->v, ncap * sizeof(*nv));
		if (!nv)
			return err_oom(e);
		j->v = nv;
		j->cap = ncap;
	}
	p = &j->v[j->n];
	memset(p, 0, sizeof(*p));
	if (!(p->table = strdup(table)))
		return err_oom(e);
	j->n++;
	p->c = *c;
	/* the strings are the caller's: copy them */
	p->c.last_key = p->c.last_watermark = p->c.watermark_column =
	    p->c.updated_at = NULL;
	if ((c->updated_at && !(p->c.updated_at = strdup(c->updated_at))) ||
	    (c->last_key && !(p->c.last_key = strdup(c->last_key))) ||
	    (c->last_watermark &&
	     !(p->c.last_watermark = strdup(c->last_watermark))) ||
	    (c->watermark_column &&
	     !(p->c.watermark_column = strdup(c->watermark_column))))
		return err_oom(e);
	return 0;
}

static void free_points(struct job_points *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].table);
		checkpoint_release(&j->v[i].c);
	}
	free(j->v);
}

/* every checkpoint of --since-job's job in its target, into *jp: 0, or
 * -1 with e set (and *jp freed) */
static int read_points(const struct extract_opts *o, struct job_points *jp,
		       struct err *e)
{
	if (checkpoint_read_job(o->since_target, o->source.defaults_file,
				o->source.connect_timeout,
				o->source.read_timeout, o->since_job,
				keep_point, jp, e) < 0) {
		free_points(jp);
		return -1;
	}
	return 0;
}

/* the value of TABLE=VALUE for this table (the last one given), else of
 * a bare VALUE (--incremental and --since take one; --columns and
 * --where always name the table) */
static const char *lookup_all(const struct extract_kv *kv, size_t n,
			      const char *table)
{
	const char *any = NULL, *mine = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!kv[i].table)
			any = kv[i].value;
		else if (strcmp(kv[i].table, table) == 0)
			mine = kv[i].value;
	}
	return mine ? mine : any;
}

static int parse_after(struct table_run *r, size_t i, const char *text,
		       const char *what, struct err *e)
{
	const struct schema_column *c = &r->t->cols[r->pos[i]];

	buf_init(&r->after_mem[i], (size_t)STREAM_MAX_FIELD + 64);
	if (value_parse(c->type, text, strlen(text), &r->after_mem[i],
			&r->after[i], e) < 0)
		return err_prefix(e, "table %s: %s, column %s", r->t->name,
				  what, c->name);
	return 0;
}

/* Move a watermark back by n units (seconds for dates and times). */
static int step_back(const struct schema_column *c, struct value *v, uint64_t n,
		     struct err *e)
{
	int64_t d;

	switch (c->type) {
	case VALUE_INT64:
		v->v.i = v->v.i < INT64_MIN +
				      (int64_t)(n > INT64_MAX ? INT64_MAX : n)
			     ? INT64_MIN
			     : v->v.i - (int64_t)n;
		return 0;
	case VALUE_UINT64: v->v.u = v->v.u > n ? v->v.u - n : 0; return 0;
	case VALUE_DATE:
		if (v->v.i == VALUE_DATE_NEG_INF ||
		    v->v.i == VALUE_DATE_POS_INF)
			return 0;
		d = (int64_t)((n + 86399) / 86400);
		v->v.i -= d;
		return 0;
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		if (v->v.i == VALUE_TS_NEG_INF || v->v.i == VALUE_TS_POS_INF)
			return 0;
		if (n > (uint64_t)INT64_MAX / 1000000 ||
		    __builtin_sub_overflow(v->v.i, (int64_t)n * 1000000, &d))
			return err_set(e, ERR_USAGE, "goes back too far");
		v->v.i = d;
		return 0;
	default:
		return err_set(e, ERR_USAGE,
			       "column %s is %s, which cannot be stepped back",
			       c->name, value_type_name(c->type));
	}
}

/* Set up --incremental for one table: its position, and where to start. */
static int plan_incremental(struct table_run *r, const char *col,
			    const struct extract_opts *o,
			    const struct job_points *jp, struct err *e)
{
	struct schema_table *t = r->t;
	const char *since = lookup_all(o->sinces, o->nsinces, t->name);
	const struct job_point *p = NULL;
	int w = schema_column_index(t, col);

	if (w < 0)
		return err_set(e, ERR_USAGE,
			       "--incremental: table %s has no column '%s'",
			       t->name, col);
	if (!t->npk)
		return err_set(e, ERR_USAGE,
			       "--incremental: table %s has no primary key, "
			       "which breaks ties between equal watermarks "
			       "and lets a rerun update rows",
			       t->name);
	if (t->npk + 1 > MAX_POS)
		return err_set(e, ERR_USAGE,
			       "--incremental: table %s: too many key columns",
			       t->name);
	if (t->cols[w].nullable)
		return err_set(
		    e, ERR_USAGE,
		    "--incremental: table %s, column %s may be NULL: a row "
		    "whose watermark is NULL would never be caught up",
		    t->name, col);
	if (!source_pos_type(t->cols[w].type, 1))
		return err_set(e, ERR_USAGE,
			       "--incremental: table %s, column %s is %s; a "
			       "watermark is a number, a date or a timestamp",
			       t->name, col, value_type_name(t->cols[w].type));
	t->watermark = w;
	r->pos[r->npos++] = (size_t)w;
	for (size_t k = 0; k < t->npk; k++) {
		const struct schema_column *c = &t->cols[t->pk[k]];
		if (t->pk[k] == (size_t)w)
			continue;
		if (!source_pos_type(c->type, 0))
			return err_set(e, ERR_USAGE,
				       "--incremental: table %s: key column %s "
				       "is %s, which cannot break ties",
				       t->name, c->name,
				       value_type_name(c->type));
		r->pos[r->npos++] = t->pk[k];
	}
	if (since) {
		r->nafter = 1;
		if (parse_after(r, 0, since, "--since", e) < 0) {
			e->class =
			    ERR_USAGE; /* the user's value, not a stream */
			return -1;
		}
		return 0;
	}
	if (!jp)
		return 0;
	for (size_t i = 0; i < jp->n; i++)
		if (strcmp(jp->v[i].table, t->name) == 0)
			p = &jp->v[i];
	if (p && p->c.parts_open)
		return err_set(e, ERR_USAGE,
			       "--since-job %s: table %s is being loaded in "
			       "parts (--part), not all of them done: there is "
			       "no one place to go on from yet",
			       o->since_job, t->name);
	if (!p || p->c.rows == 0 || (!p->c.last_key && !p->c.last_watermark))
		return 0; /* nothing loaded yet: every row */
	if (!p->c.last_watermark || !p->c.last_key)
		return err_set(e, ERR_USAGE,
			       "--since-job %s: table %s was loaded without "
			       "--incremental; its checkpoint has no watermark",
			       o->since_job, t->name);
	if (!p->c.watermark_column || strcmp(p->c.watermark_column, col) != 0)
		return err_set(
		    e, ERR_USAGE,
		    "--since-job %s: table %s was loaded with "
		    "watermark column '%s', not '%s'",
		    o->since_job, t->name,
		    p->c.watermark_column ? p->c.watermark_column : "", col);
	/*
	 * From the last watermark committed, inclusive: a row written since
	 * with that same watermark but a lower key would be missed by the
	 * exact (watermark, key) position, so rows sharing it are read again
	 * and upserted.  With the watermark as the whole key (an id), the
	 * position is exact.  --overlap reaches further back, for rows that
	 * commit out of their watermark's order.
	 */
	if (parse_after(r, 0, p->c.last_watermark, "the checkpoint's watermark",
			e) < 0)
		return -1;
	r->nafter = 1;
	r->after_inclusive = r->npos > 1 || o->overlap > 0;
	if (o->overlap > 0 &&
	    step_back(&r->t->cols[w], &r->after[0], o->overlap, e) < 0)
		return err_prefix(e, "--overlap: table %s", t->name);
	if (o->notice) {
		char line[700];
		snprintf(
		    line, sizeof(line),
		    "table %.100s: from %.100s %s %.60s (job %.100s: %" PRIu64
		    " rows by %s)",
		    t->name, col, r->after_inclusive ? ">=" : ">",
		    p->c.last_watermark, o->since_job, p->c.rows,
		    p->c.updated_at ? p->c.updated_at : "?");
		o->notice(line);
	}
	return 0;
}

static void free_runs(struct table_run *runs, size_t n)
{
	for (size_t i = 0; runs && i < n; i++) {
		schema_table_free(runs[i].t);
		free(runs[i].zero_col);
		for (size_t k = 0; k < runs[i].nafter; k++)
			buf_release(&runs[i].after_mem[k]);
	}
	free(runs);
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
	struct job_points jp = { NULL, 0, 0 };
	unsigned char *cast_used = NULL; /* per --cast: it named a column */
	int rc = -1;

	if (o->since_job && read_points(o, &jp, e) < 0)
		return -1;

	if (o->all_tables) {
		if (source_list_tables(src, &all, &nall, e) < 0)
			return -1;
		names = (const char *const *)all;
	} else {
		names = o->tables;
		nall = o->ntables;
	}
	if (!(runs = calloc(nall + 1, sizeof(*runs))) ||
	    !(cast_used = calloc(o->ncasts + 1, 1))) {
		err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < nall; i++) {
		struct schema_table *t;
		const char *cols;

		if (excluded(o, names[i]) ||
		    (o->all_tables && strcmp(names[i], CHECKPOINT_TABLE) == 0))
			continue; /* ferry-load --job's bookkeeping, not data */
		if (!(t = source_describe(src, names[i], e)))
			goto out;
		/* by the table found: users and public.users are one */
		for (size_t k = 0; k < n; k++)
			if (strcmp(runs[k].t->name, t->name) == 0) {
				err_set(e, ERR_USAGE, "table %s is named twice",
					names[i]);
				schema_table_free(t);
				goto out;
			}
		runs[n++].t = t;
		/* what the whole table holds, for a load's progress */
		if (!o->nwheres && o->part_n <= 1 && !o->nincrementals &&
		    !o->schema_only && !o->follow &&
		    source_rows_estimate(src, t, e) < 0)
			goto out;
		free(t->source);
		if (!(t->source = strdup(u->display))) {
			err_oom(e);
			goto out;
		}
		if ((cols = lookup_all(o->columns, o->ncolumns, t->name)) &&
		    pick_columns(t, cols, e) < 0)
			goto out;
		if (source_apply_casts(t, t->name, o->casts, o->ncasts,
				       cast_used, e) < 0)
			goto out;
		/* MySQL TIME columns used as durations: as their text */
		{
			unsigned char *was_time = calloc(t->ncols + 1, 1);
			int nd;
			if (!was_time) {
				err_oom(e);
				goto out;
			}
			for (size_t c = 0; c < t->ncols; c++)
				was_time[c] = t->cols[c].type == VALUE_TIME;
			if ((nd = source_time_durations(src, t, e)) < 0) {
				free(was_time);
				goto out;
			}
			for (size_t c = 0; nd && o->notice && c < t->ncols;
			     c++) {
				char line[400];
				if (!was_time[c] ||
				    !source_time_as_text(&t->cols[c]))
					continue;
				snprintf(line, sizeof(line),
					 "table %.100s, column %.100s: TIME "
					 "values outside a day (a duration): "
					 "carried as their text, which "
					 "ferry-load --create makes interval "
					 "on PostgreSQL",
					 t->name, t->cols[c].name);
				o->notice(line);
			}
			free(was_time);
		}
		runs[n - 1].where = lookup_all(o->wheres, o->nwheres, t->name);
		{
			const char *inc = lookup_all(o->incrementals,
						     o->nincrementals, t->name);
			if (inc &&
			    plan_incremental(&runs[n - 1], inc, o,
					     o->since_job ? &jp : NULL, e) < 0)
				goto out;
		}
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
		if (o->part_n > 1) {
			/* one section of the table's: a load of several
			 * parts in one stream knows them apart */
			t->section_k = o->part_k;
			t->section_n = o->part_n;
			t->section_ordered = o->order_pk;
		}
	}
	/* a table option for a table not extracted is a mistake */
	for (size_t i = 0;
	     i < o->ncolumns + o->nwheres + o->nincrementals + o->nsinces;
	     i++) {
		const char *tn, *opt;
		size_t k;
		if (i < o->ncolumns) {
			tn = o->columns[i].table;
			opt = "--columns";
		} else if (i < o->ncolumns + o->nwheres) {
			tn = o->wheres[i - o->ncolumns].table;
			opt = "--where";
		} else if (i < o->ncolumns + o->nwheres + o->nincrementals) {
			tn =
			    o->incrementals[i - o->ncolumns - o->nwheres].table;
			opt = "--incremental";
		} else {
			tn = o->sinces[i - o->ncolumns - o->nwheres -
				       o->nincrementals]
				 .table;
			opt = "--since";
		}
		if (!tn)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(runs[k].t->name, tn) == 0)
				break;
		if (k == n) {
			err_set(e, ERR_USAGE,
				"%s names table '%s', which is not extracted",
				opt, tn);
			goto out;
		}
		if (i >= o->ncolumns + o->nwheres + o->nincrementals &&
		    runs[k].t->watermark < 0) {
			err_set(e, ERR_USAGE,
				"--since names table '%s', which is not "
				"extracted with --incremental",
				tn);
			goto out;
		}
	}
	if (n == 0) {
		err_set(e, ERR_USAGE, "no tables to extract");
		goto out;
	}
	for (size_t k = 0; k < o->ncasts; k++)
		if (!cast_used[k]) {
			err_set(e, ERR_USAGE,
				"--cast %s names no column of a table "
				"extracted",
				o->casts[k]);
			goto out;
		}
	if (fk_order(o, runs, n, e) < 0)
		goto out;
	rc = 0;
out:
	source_names_free(all);
	free(cast_used);
	free_points(&jp);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!(runs[i].zero_col =
			  calloc(runs[i].t->ncols + 1, sizeof(uint64_t))))
			rc = err_oom(e);
	if (rc < 0) {
		free_runs(runs, n);
		return -1;
	}
	*runs_out = runs;
	*nruns = n;
	return 0;
}

/* The preview frame (the tables' schemas) and the objects frame: what
 * the source holds of these tables (and with --all-tables, of the whole
 * database) that the stream does not carry, which only part 1 of
 * --part K/N writes. */
static int write_objects(struct source *src, const struct extract_opts *o,
			 const struct table_run *runs, size_t nruns,
			 struct stream_writer *w, struct err *e)
{
	struct schema_objects ob = { 0 };
	struct schema_table **ts;
	int rc = -1;

	if (!(ts = calloc(nruns + 1, sizeof(*ts))))
		return err_oom(e);
	for (size_t i = 0; i < nruns; i++)
		ts[i] = runs[i].t;
	/* the tables to come, so that a load checks each before a row */
	if (stream_writer_add_preview(w, (const struct schema_table *const *)ts,
				      nruns, e) < 0)
		goto out;
	if (o->part_n > 1 && o->part_k != 1) {
		rc = 0;
		goto out;
	}
	if (source_objects(src, ts, nruns, o->all_tables, &ob, e) < 0)
		goto out;
	rc = ob.n ? stream_writer_add_objects(w, &ob, e) : 0;
out:
	schema_objects_release(&ob);
	free(ts);
	return rc;
}

/* After a table's rows (all its sections): each column's zero dates,
 * made NULL, said, so that no value changes without a word, here and in
 * the stream (an objects frame after the table: --check and the load's
 * report name them, ferry-cat lists them); and its metrics. */
static int table_written(const struct extract_opts *o,
			 const struct table_run *r, struct stream_writer *w,
			 struct err *e)
{
	struct schema_objects zo = { 0 };
	int zrc = 0;

	for (size_t k = 0; r->zero_dates && k < r->t->ncols && zrc == 0; k++) {
		uint64_t n = r->zero_col[k];
		char line[400], detail[120];
		if (!n)
			continue;
		snprintf(line, sizeof(line),
			 "table %.100s, column %.100s: %" PRIu64
			 " zero date%s ('0000-00-00' and the "
			 "like) made NULL (--zero-dates error "
			 "stops at them)",
			 r->t->name, r->t->cols[k].name, n, n == 1 ? "" : "s");
		if (o->notice)
			o->notice(line);
		snprintf(detail, sizeof(detail),
			 "%" PRIu64 " made NULL by ferry-extract "
			 "--zero-dates null",
			 n);
		zrc = schema_objects_add(&zo, "zero dates", r->t->name,
					 r->t->cols[k].name, detail, e);
	}
	if (zrc == 0 && zo.n)
		zrc = stream_writer_add_objects(w, &zo, e);
	schema_objects_release(&zo);
	if (zrc < 0)
		return -1;
	if (o->metrics &&
	    (metrics_table(o->metrics, r->t->name, r->st.rows, r->st.raw_bytes,
			   r->seconds, METRICS_NONE, e) < 0 ||
	     (r->t->watermark >= 0 && r->st.has_watermark &&
	      metrics_watermark(o->metrics, r->t->name,
				r->t->cols[r->t->watermark].type,
				r->nafter ? &r->after[0] : NULL,
				&r->st.watermark, e) < 0)))
		return -1;
	return 0;
}

/* the rows the source estimates the run's tables hold, 0 when it does
 * not know one's, for the progress line */
static uint64_t run_estimate(const struct table_run *runs, size_t nruns)
{
	uint64_t all = 0;

	for (size_t i = 0; i < nruns; i++) {
		if (!runs[i].t->rows_estimated)
			return 0;
		all += (uint64_t)runs[i].t->rows_estimate;
	}
	return all;
}

/* what to read of run r: the k-th of n key ranges (0 0: all of it) */
static struct source_query run_query(const struct extract_opts *o,
				     const struct table_run *r, unsigned k,
				     unsigned n)
{
	struct source_query q = {
		r->t,	     r->where,
		o->order_pk, k,
		n,	     r->npos ? r->pos : NULL,
		r->npos,     r->nafter ? r->after : NULL,
		r->nafter,   r->after_inclusive,
	};
	return q;
}

/* every table's rows into w */
static int write_tables(struct source *src, const struct extract_opts *o,
			struct table_run *runs, size_t nruns,
			struct stream_writer *w, struct err *e)
{
	/* the run's rows, when the source estimates every table's */
	if (o->progress)
		progress_run(o->progress, run_estimate(runs, nruns));
	for (size_t i = 0; i < nruns; i++) {
		struct table_run *r = &runs[i];
		struct source_query q = run_query(o, r, o->part_k, o->part_n);
		const struct value *row;
		uint64_t rows = 0;
		double ts = progress_now();
		int nrc = 0;

		if (o->progress) {
			progress_table(o->progress);
			if (r->t->rows_estimated)
				progress_estimate(o->progress,
						  (uint64_t)r->t->rows_estimate);
		}
		if (stream_writer_begin_table(w, r->t, e) < 0)
			return -1;
		if (!o->schema_only) {
			if (source_open_rows(src, &q, e) < 0)
				return err_prefix(e, "table %s", r->t->name);
			while ((nrc = source_next_row(src, &row, e)) == 1) {
				if (stream_writer_add_row(w, row, e) < 0)
					return -1;
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
				return -1;
			}
		}
		if (o->progress)
			progress_table_done(o->progress, rows);
		if (stream_writer_end_table(w, e) < 0)
			return -1;
		r->st = *stream_writer_last_table(w);
		r->zero_dates = source_zero_dates(src);
		for (size_t k = 0; r->zero_dates && k < r->t->ncols; k++)
			r->zero_col[k] = source_zero_dates_in(src, k);
		r->seconds = progress_now() - ts;
		if (table_written(o, r, w, e) < 0)
			return -1;
	}
	return 0;
}

/* --- --parallel ---------------------------------------------------------- */

/*
 * --parallel N: N connections in one snapshot (source_begin_shared) take
 * the items, whole tables and key ranges of large ones, in order; each
 * writes its item's section (table-begin, rows, table-end) through a
 * section writer of its own, which compresses it.  The stream holds the
 * sections in item order: the connection whose item is next writes
 * straight to the output, the others keep theirs in memory, up to
 * PAR_SPOOL bytes each, and wait for their turn when it is full or when
 * their item is done.  A table in several ranges is so several
 * contiguous sections in key order, whose digests add up to the table's.
 */

/* a table the server estimates at twice this many rows or more is read
 * in ranges of about this many rows (--range-rows) */
#define PAR_PART_ROWS 100000
#define PAR_MAX_PARTS 10000
/* output a connection keeps in memory while another has the turn */
#define PAR_SPOOL (8u << 20)

struct par_item {
	size_t run;
	unsigned k, n; /* the k-th of n key ranges; 0 0: the whole table */
};

struct par;

struct par_worker {
	struct par *p;
	struct source *src;
	struct stream_writer *w;
	struct buf spool; /* output waiting for its turn */
	size_t item;
	int direct; /* its turn: writes go out */
	uint64_t bytes;
	pthread_t th;
	int started;
	struct err e;
};

struct par {
	const struct extract_opts *o;
	struct table_run *runs;
	struct par_item *items;
	size_t nitems, next, head;
	unsigned *left;	  /* per run: its items not yet written */
	double *started;  /* per run: when its first item began */
	uint64_t *trows;  /* per run: rows written so far */
	FILE *out;
	pthread_mutex_t mu;
	pthread_cond_t turn;
	int failed;
	struct err e; /* the first failure */
};

/* wait until wk's item is the next in the stream: 0, or -1 when another
 * connection failed */
static int par_wait_turn(struct par_worker *wk)
{
	struct par *p = wk->p;
	int ok;

	pthread_mutex_lock(&p->mu);
	while (p->head != wk->item && !p->failed)
		pthread_cond_wait(&p->turn, &p->mu);
	ok = !p->failed;
	pthread_mutex_unlock(&p->mu);
	return ok ? 0 : -1;
}

static int par_out(struct par_worker *wk, const void *ptr, size_t n)
{
	if (n && fwrite(ptr, 1, n, wk->p->out) != n)
		return -1;
	wk->bytes += n;
	return 0;
}

/* its turn: what waited in memory goes out, and the rest straight */
static int par_go_direct(struct par_worker *wk)
{
	if (wk->direct)
		return 0;
	if (par_wait_turn(wk) < 0) {
		errno = ECANCELED;
		return -1;
	}
	if (par_out(wk, wk->spool.data, wk->spool.len) < 0)
		return -1;
	buf_reset(&wk->spool);
	wk->direct = 1;
	return 0;
}

/* stream_write_fn of a connection's section writer */
static int par_write(void *ctx, const void *ptr, size_t n)
{
	struct par_worker *wk = ctx;
	struct err e;

	if (!wk->direct && wk->spool.len + n <= PAR_SPOOL) {
		err_init(&e);
		if (buf_add(&wk->spool, ptr, n, &e) < 0) {
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}
	if (par_go_direct(wk) < 0)
		return -1;
	return par_out(wk, ptr, n);
}

static int par_failed(struct par *p)
{
	int f;

	pthread_mutex_lock(&p->mu);
	f = p->failed;
	pthread_mutex_unlock(&p->mu);
	return f;
}

/* one item: its section, then (its turn) into the stream */
static int par_item(struct par_worker *wk, size_t i, struct err *e)
{
	struct par *p = wk->p;
	const struct extract_opts *o = p->o;
	const struct par_item *it = &p->items[i];
	struct table_run *r = &p->runs[it->run];
	struct source_query q = run_query(o, r, it->k, it->n);
	const struct stream_table_stats *st;
	const struct value *row;
	struct schema_table *sec = NULL; /* a range's schema says which */
	uint64_t rows = 0;
	unsigned left;
	int nrc = 0, rc = -1;

	wk->item = i;
	wk->direct = 0;
	buf_reset(&wk->spool);
	pthread_mutex_lock(&p->mu);
	if (!p->started[it->run])
		p->started[it->run] = progress_now();
	pthread_mutex_unlock(&p->mu);
	if (it->n) {
		if (!(sec = schema_table_copy(r->t, e)))
			return -1;
		sec->section_k = it->k;
		sec->section_n = it->n;
		sec->section_ordered = o->order_pk;
		sec->section_all = true;
	}
	if (stream_writer_begin_table(wk->w, sec ? sec : r->t, e) < 0)
		goto out;
	if (!o->schema_only) {
		if (source_open_rows(wk->src, &q, e) < 0) {
			err_prefix(e, "table %s", r->t->name);
			goto out;
		}
		while ((nrc = source_next_row(wk->src, &row, e)) == 1) {
			if (stream_writer_add_row(wk->w, row, e) < 0)
				goto out;
			if (++rows % 8192 == 0 && par_failed(p)) {
				err_set(e, ERR_SYSTEM, "stopped");
				goto out;
			}
		}
		if (nrc < 0) {
			if (e->class == ERR_STREAM)
				err_prefix_place(e, "table %s", r->t->name);
			else
				err_prefix(e, "table %s", r->t->name);
			goto out;
		}
	}
	rc = stream_writer_end_table(wk->w, e);
out:
	schema_table_free(sec);
	if (rc < 0)
		return -1;
	if (par_go_direct(wk) < 0)
		return errno == ECANCELED ? err_set(e, ERR_SYSTEM, "stopped")
		       : errno == EPIPE
			   ? err_set(e, ERR_PIPE,
				     "the next stage of the pipe is gone")
			   : err_set(e, ERR_SYSTEM, "write error: %s",
				     strerror(errno));
	/* its turn: the items before it are in the stream */
	st = stream_writer_last_table(wk->w);
	pthread_mutex_lock(&p->mu);
	if (!it->n) {
		r->st = *st;
	} else {
		r->st.rows += st->rows;
		r->st.batches += st->batches;
		r->st.raw_bytes += st->raw_bytes;
		r->st.stored_bytes += st->stored_bytes;
		digest_add(&r->st.digest, &st->digest);
	}
	r->zero_dates += source_zero_dates(wk->src);
	for (size_t k = 0; source_zero_dates(wk->src) && k < r->t->ncols; k++)
		r->zero_col[k] += source_zero_dates_in(wk->src, k);
	p->trows[it->run] += st->rows;
	left = --p->left[it->run];
	if (o->progress) {
		if (it->k <= 1) {
			progress_table(o->progress);
			if (r->t->rows_estimated)
				progress_estimate(o->progress,
						  (uint64_t)r->t->rows_estimate);
		}
		progress_update(o->progress, r->t->name, p->trows[it->run],
				stream_writer_bytes(wk->w));
		if (!left)
			progress_table_done(o->progress, p->trows[it->run]);
	}
	pthread_mutex_unlock(&p->mu);
	if (!left) {
		r->seconds = progress_now() - p->started[it->run];
		if (table_written(o, r, wk->w, e) < 0)
			return -1;
	}
	pthread_mutex_lock(&p->mu);
	p->head++;
	pthread_cond_broadcast(&p->turn);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static void *par_main(void *arg)
{
	struct par_worker *wk = arg;
	struct par *p = wk->p;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->mu);
		if (p->failed || p->next == p->nitems) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (par_item(wk, i, &wk->e) < 0) {
			pthread_mutex_lock(&p->mu);
			if (!p->failed) {
				p->failed = 1;
				p->e = wk->e;
			}
			pthread_cond_broadcast(&p->turn);
			pthread_mutex_unlock(&p->mu);
			break;
		}
	}
	return NULL;
}

/* the items: each table whole, or in key ranges when it is large */
static int par_plan(struct par *p, size_t nruns, struct err *e)
{
	size_t n = 0, cap = nruns + 1;
	int64_t rr = p->o->range_rows ? (int64_t)p->o->range_rows
				       : PAR_PART_ROWS;

	if (!(p->items = calloc(cap, sizeof(*p->items))))
		return err_oom(e);
	for (size_t i = 0; i < nruns; i++) {
		const struct schema_table *t = p->runs[i].t;
		unsigned parts = 1;
		if (!p->o->schema_only && !p->runs[i].npos && t->npk &&
		    (t->cols[t->pk[0]].type == VALUE_INT64 ||
		     t->cols[t->pk[0]].type == VALUE_UINT64) &&
		    t->rows_estimated &&
		    t->rows_estimate >= 2 * rr) {
			int64_t k = (t->rows_estimate + rr - 1) / rr;
			parts = k > PAR_MAX_PARTS ? PAR_MAX_PARTS : (unsigned)k;
		}
		if (n + parts > cap) {
			size_t ncap = (n + parts) * 2;
			struct par_item *ni =
			    realloc(p->items, ncap * sizeof(*ni));
			if (!ni)
				return err_oom(e);
			p->items = ni;
			cap = ncap;
		}
		for (unsigned k = 1; k <= parts; k++) {
			p->items[n].run = i;
			p->items[n].k = parts > 1 ? k : 0;
			p->items[n].n = parts > 1 ? parts : 0;
			n++;
		}
		p->left[i] = parts;
	}
	p->nitems = n;
	return 0;
}

static int write_tables_parallel(struct source *const *srcs, unsigned nsrc,
				 const struct extract_opts *o,
				 struct table_run *runs, size_t nruns,
				 struct stream_writer *w, FILE *out,
				 struct err *e)
{
	struct par p;
	struct par_worker *wks;
	int rc = -1, setup = 0;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.runs = runs;
	p.out = out;
	err_init(&p.e);
	if (!(wks = calloc(nsrc, sizeof(*wks))) ||
	    !(p.left = calloc(nruns + 1, sizeof(*p.left))) ||
	    !(p.started = calloc(nruns + 1, sizeof(*p.started))) ||
	    !(p.trows = calloc(nruns + 1, sizeof(*p.trows)))) {
		free(wks);
		free(p.left);
		free(p.started);
		free(p.trows);
		return err_oom(e);
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.turn, NULL);
	if (par_plan(&p, nruns, e) < 0)
		goto out;
	if (o->progress)
		progress_run(o->progress, run_estimate(runs, nruns));
	/* what went before the tables is out before any section */
	if (stream_writer_flush(w, e) < 0)
		goto out;
	for (unsigned i = 0; i < nsrc; i++) {
		wks[i].p = &p;
		wks[i].src = srcs[i];
		err_init(&wks[i].e);
		buf_init(&wks[i].spool, PAR_SPOOL);
		if (!(wks[i].w = stream_writer_new_section(par_write, &wks[i],
							   &o->writer, e))) {
			setup = -1;
			goto join;
		}
	}
	for (unsigned i = 0; i < nsrc; i++) {
		if (pthread_create(&wks[i].th, NULL, par_main, &wks[i]) != 0) {
			pthread_mutex_lock(&p.mu);
			if (!p.failed) {
				p.failed = 1;
				err_set(&p.e, ERR_SYSTEM,
					"cannot start a thread: %s",
					strerror(errno));
			}
			pthread_cond_broadcast(&p.turn);
			pthread_mutex_unlock(&p.mu);
			break;
		}
		wks[i].started = 1;
	}
join:
	for (unsigned i = 0; i < nsrc; i++)
		if (wks[i].started)
			pthread_join(wks[i].th, NULL);
	if (p.failed) {
		*e = p.e;
		goto out;
	}
	if (setup < 0)
		goto out;
	for (unsigned i = 0; i < nsrc; i++)
		stream_writer_absorb(w, stream_writer_totals(wks[i].w),
				     wks[i].bytes);
	rc = 0;
out:
	for (unsigned i = 0; i < nsrc; i++) {
		stream_writer_free(wks[i].w);
		buf_release(&wks[i].spool);
	}
	pthread_cond_destroy(&p.turn);
	pthread_mutex_destroy(&p.mu);
	free(wks);
	free(p.items);
	free(p.left);
	free(p.started);
	free(p.trows);
	return rc;
}

/* --- --follow ------------------------------------------------------------ */

/* the job's follow position in its target: 1 and *pos, 0 when none */
static int job_position(const struct extract_opts *o,
			struct stream_position *pos, struct err *e)
{
	struct job_points jp = { NULL, 0, 0 };
	int found = 0;

	if (read_points(o, &jp, e) < 0)
		return -1;
	for (size_t i = 0; i < jp.n; i++) {
		const struct checkpoint *c = &jp.v[i].c;
		char *end;
		if (strcmp(jp.v[i].table, CHECKPOINT_FOLLOW) != 0 ||
		    !c->last_watermark || !c->last_key)
			continue;
		pos->order = strtoull(c->last_watermark, &end, 10);
		if (*end || strlen(c->last_key) > STREAM_MAX_POSITION) {
			free_points(&jp);
			return err_set(e, ERR_DB,
				       "--since-job %s: the checkpoint's "
				       "position is unreadable",
				       o->since_job);
		}
		snprintf(pos->text, sizeof(pos->text), "%s", c->last_key);
		found = 1;
	}
	free_points(&jp);
	return found;
}

/*
 * A MariaDB source keeps nothing of a job (no publication), so a table
 * added to a resumed follow would send its changes without its snapshot:
 * every table must be one the job's snapshot loaded (a row of its own in
 * the job's checkpoints).  When none of them is found by its name (the
 * pipeline renames tables), the target's rows cannot say, and the
 * follow goes on.
 */
static int job_has_tables(const struct extract_opts *o,
			  const struct table_run *runs, size_t n, struct err *e)
{
	struct job_points jp = { NULL, 0, 0 };
	size_t found = 0;
	const char *missing = NULL;

	if (read_points(o, &jp, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < jp.n && strcmp(jp.v[k].table, runs[i].t->name) != 0)
			k++;
		if (k < jp.n)
			found++;
		else if (!missing)
			missing = runs[i].t->name;
	}
	if (found && missing) {
		err_set(e, ERR_USAGE,
			"table %s is not one job %s follows (its snapshot did "
			"not load it): a table more needs a new snapshot "
			"(--resnapshot)",
			missing, o->since_job);
		free_points(&jp);
		return -1;
	}
	free_points(&jp);
	return 0;
}

/* the tables as their changes travel: a generated column's value is the
 * target's to compute, so it comes as NULL */
static int follow_tables(const struct table_run *runs, size_t n,
			 struct schema_table ***out, struct err *e)
{
	struct schema_table **ts = calloc(n + 1, sizeof(*ts));

	if (!ts)
		return err_oom(e);
	*out = ts;
	for (size_t i = 0; i < n; i++) {
		if (!(ts[i] = schema_table_copy(runs[i].t, e)))
			return -1;
		for (size_t c = 0; c < ts[i]->ncols; c++)
			if (ts[i]->cols[c].generated)
				ts[i]->cols[c].nullable = true;
		if (!ts[i]->npk)
			return err_set(e, ERR_USAGE,
				       "--follow: table %s has no primary key, "
				       "by which its changes are applied",
				       ts[i]->name);
	}
	return 0;
}

static void follow_tables_free(struct schema_table **ts, size_t n)
{
	for (size_t i = 0; ts && i < n; i++)
		schema_table_free(ts[i]);
	free(ts);
}

/* events from f into w until --until's position (or an error) */
static int follow_loop(struct follow *f, const struct extract_opts *o,
		       const struct stream_position *until,
		       struct stream_writer *w, struct err *e)
{
	struct follow_event ev;
	double last_confirm = progress_now();
	uint64_t txns = 0;

	for (;;) {
		int rc = follow_next(f, &ev, 1000, e);
		if (rc < 0)
			return -1;
		if (progress_now() - last_confirm >= 5.0) {
			struct stream_position at;
			int jrc = job_position(o, &at, e);
			if (jrc < 0 ||
			    (jrc == 1 && follow_confirm(f, at.order, e) < 0))
				return -1;
			last_confirm = progress_now();
		}
		if (rc == 0) {
			if (stream_writer_flush(w, e) < 0)
				return -1;
			continue;
		}
		switch (ev.kind) {
		case FOLLOW_CHANGE:
			if (stream_writer_change(w, &ev.change, e) < 0)
				return -1;
			break;
		case FOLLOW_COMMIT:
			/* --until: a transaction past it is not this
			 * stream's (unless frames of it are out already) */
			if (until && ev.pos.order > until->order &&
			    stream_writer_discard(w))
				return 0;
			if (stream_writer_commit(w, &ev.pos, ev.time_us, e) <
				0 ||
			    stream_writer_flush(w, e) < 0)
				return -1;
			txns++;
			if (o->progress)
				progress_update(o->progress, "following",
						txns, stream_writer_bytes(w));
			break;
		case FOLLOW_HEARTBEAT:
			if (stream_writer_heartbeat(w, &ev.pos, ev.time_us,
						    e) < 0 ||
			    stream_writer_flush(w, e) < 0)
				return -1;
			break;
		}
		if (until && ev.kind != FOLLOW_CHANGE &&
		    ev.pos.order >= until->order)
			return 0;
	}
}

/*
 * --follow: the snapshot, then its changes.  The first run of a job makes
 * its slot (whose exported snapshot the tables are read in) and goes on
 * from the slot's start; a run whose job has a position in the target
 * goes on from there, without a snapshot.
 */
static int extract_follow(const struct uri *u, const struct extract_opts *o,
			  FILE *out, struct err *e)
{
	struct source *src = NULL;
	struct follow *f = NULL;
	struct stream_writer *w = NULL;
	struct table_run *runs = NULL;
	struct schema_table **ft = NULL;
	struct stream_position start, until;
	struct stream_follow sf;
	struct stream_writer_opts wo;
	size_t nruns = 0;
	int rc = -1, resume;

	memset(&start, 0, sizeof(start));
	if (o->follow_drop) {
		if (!(f = follow_open(u, o->follow_drop, &o->source, e)))
			return -1;
		rc = follow_drop(f, e);
		follow_close(f);
		return rc;
	}
	if ((resume = o->resnapshot ? 0 : job_position(o, &start, e)) < 0 ||
	    !(src = source_open(u, &o->source, e)) || source_begin(src, e) < 0 ||
	    plan(src, u, o, &runs, &nruns, e) < 0 ||
	    follow_tables(runs, nruns, &ft, e) < 0 ||
	    !(f = follow_open(u, o->since_job, &o->source, e)))
		goto out;
	if (resume) {
		if ((strcmp(follow_engine(f), "mysql") == 0 &&
		     job_has_tables(o, runs, nruns, e) < 0) ||
		    follow_resume(f, ft, nruns, e) < 0)
			goto out;
		if (o->notice) {
			char line[600];
			snprintf(line, sizeof(line),
				 "job %.100s: following on from %.260s, where the "
				 "target's checkpoint is",
				 o->since_job, start.text);
			o->notice(line);
		}
	} else if (follow_create(f, ft, nruns, src, &start, e) < 0) {
		goto out;
	}
	wo = o->writer;
	wo.follow = 1;
	if (!(w = stream_writer_new(out, &wo, e)))
		goto out;
	if (!resume && (write_objects(src, o, runs, nruns, w, e) < 0 ||
			write_tables(src, o, runs, nruns, w, e) < 0))
		goto out;
	/* the snapshot is read: let it go */
	source_close(src);
	src = NULL;
	sf.engine = follow_engine(f);
	sf.source = u->display;
	sf.start = start;
	sf.tables = ft;
	sf.ntables = nruns;
	if (stream_writer_begin_follow(w, &sf, e) < 0 ||
	    stream_writer_flush(w, e) < 0 || follow_start(f, &start, e) < 0 ||
	    (resume && follow_confirm(f, start.order, e) < 0) ||
	    (o->until && strcmp(o->until, "now") == 0 &&
	     follow_now(f, &until, e) < 0) ||
	    (o->until && strcmp(o->until, "now") != 0 &&
	     follow_position(f, o->until, &until, e) < 0) ||
	    follow_loop(f, o, o->until ? &until : NULL, w, e) < 0 ||
	    stream_writer_finish(w, e) < 0)
		goto out;
	rc = 0;
out:
	if (o->progress)
		progress_clear(o->progress);
	stream_writer_free(w);
	follow_close(f);
	source_close(src);
	follow_tables_free(ft, nruns);
	free_runs(runs, nruns);
	return rc;
}

/* Every table in one snapshot: one connection, or --parallel N */
int extract_run(const struct uri *u, const struct extract_opts *o, FILE *out,
		struct err *e)
{
	unsigned nsrc = o->parallel > 1 ? o->parallel : 1;
	struct source **srcs;
	struct stream_writer *w = NULL;
	struct table_run *runs = NULL;
	size_t nruns = 0;
	double t0 = progress_now();
	char how[300];
	int rc = -1;

	if (o->follow || o->follow_drop)
		return extract_follow(u, o, out, e);
	if (!(srcs = calloc(nsrc, sizeof(*srcs))))
		return err_oom(e);
	for (unsigned i = 0; i < nsrc; i++)
		if (!(srcs[i] = source_open(u, &o->source, e)))
			goto out;
	if (o->snapshot) {
		/* one snapshot, another session's: every connection in it */
		for (unsigned i = 0; i < nsrc; i++)
			if (source_begin_snapshot(srcs[i], o->snapshot, e) < 0) {
				err_prefix(e, "--snapshot %s", o->snapshot);
				goto out;
			}
		snprintf(how, sizeof(how), "snapshot %s imported by %u connections",
			 o->snapshot, nsrc);
	} else if (nsrc == 1 ? source_begin(srcs[0], e) < 0
			     : source_begin_shared(srcs, nsrc, how, sizeof(how),
						   e) < 0) {
		goto out;
	}
	if (plan(srcs[0], u, o, &runs, &nruns, e) < 0)
		goto out;
	if (nsrc > 1 && o->notice) {
		char line[400];
		snprintf(line, sizeof(line), "--parallel %u: %s", nsrc, how);
		o->notice(line);
	}
	if (!(w = stream_writer_new(out, &o->writer, e)) ||
	    write_objects(srcs[0], o, runs, nruns, w, e) < 0 ||
	    (nsrc == 1 ? write_tables(srcs[0], o, runs, nruns, w, e)
		       : write_tables_parallel(srcs, nsrc, o, runs, nruns, w,
					       out, e)) < 0 ||
	    stream_writer_finish(w, e) < 0)
		goto out;
	if (o->stats_path &&
	    write_stats(o->stats_path, runs, nruns, progress_now() - t0, e) < 0)
		goto out;
	rc = 0;
out:
	if (o->progress)
		progress_clear(o->progress);
	stream_writer_free(w);
	for (unsigned i = 0; i < nsrc; i++)
		source_close(srcs[i]);
	free(srcs);
	free_runs(runs, nruns);
	return rc;
}

int extract_export_snapshot(const struct uri *u, const struct extract_opts *o,
			    FILE *out, FILE *in, struct err *e)
{
	struct source *src;
	struct stat st;
	char name[128];
	int rc = -1, fd = fileno(out);

	if (!(src = source_open(u, &o->source, e)))
		return -1;
	if (source_begin(src, e) < 0 ||
	    source_export_snapshot(src, name, sizeof(name), e) < 0)
		goto out;
	if (fprintf(out, "%s\n", name) < 0 || fflush(out) != 0) {
		err_set(e, errno == EPIPE ? ERR_PIPE : ERR_SYSTEM,
			"writing the snapshot's name: %s", strerror(errno));
		goto out;
	}
	if (o->notice) {
		char line[300];
		snprintf(line, sizeof(line),
			 "snapshot %s exported: it holds until %s", name,
			 fstat(fd, &st) == 0 &&
				 (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			     ? "the reader of standard output is gone"
			     : "standard input ends");
		o->notice(line);
	}
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		/* a pipe's write end reports POLLERR once its reader closed */
		struct pollfd p = { .fd = fd, .events = 0, .revents = 0 };
		for (;;) {
			int n = poll(&p, 1, -1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err_set(e, ERR_SYSTEM, "waiting: %s",
					strerror(errno));
				goto out;
			}
			if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
				break;
		}
	} else {
		while (fgetc(in) != EOF)
			;
	}
	rc = 0;
out:
	source_close(src);
	return rc;
}
