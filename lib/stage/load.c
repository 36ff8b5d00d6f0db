#include "stage/load.h"

#include "db/namefold.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/jsonfile.h"
#include "db/engine.h"
#include "db/resume.h"
#include "db/source.h"
#include "stream/rejects.h"
#include "stream/sqlexpr.h"
#include "stream/stream.h"
#include "stage/apply.h"

struct load_table {
	char *name;
	uint64_t rows;
	uint64_t skipped; /* --job: committed by an earlier run */
	const char *mode;
	uint64_t rejected;
	uint64_t commits;
	uint64_t deleted; /* delete mode */
	int created;
	const char *method;
	double seconds;
	cJSON *renamed; /* the names the target holds under others, or NULL */
	cJSON *notes;	/* what --create made otherwise, or NULL */
	char *from;	/* the stream's name of the table */
	/* a table this run created that has foreign keys: its schema, for
	 * the keys made once every table is in; else NULL */
	struct schema_table *fk;
	/* when the stream carries views: the table as the stream and as
	 * the target name it, for the views made after every table */
	struct schema_table *vsrc, *vdst;
	/* its key and indexes wait for its last key range
	 * (schema_ranges_follow) */
	int keys_owed;
	/* rows of its ranges in a transaction still open (sink_table_stats
	 * open) */
	uint64_t uncommitted;
};

/* --- --job: where each table stands ------------------------------------ */

/* A table's place in the job: its checkpoint and its position (resume.h) */
struct job_table {
	struct checkpoint ck;
	struct resume rs;
	int ordered;	  /* rows must come in position order */
	uint64_t wrote;	  /* rows handed to the sink */
	uint64_t skipped; /* rows the job had committed before */
};

static void job_table_release(struct job_table *j)
{
	checkpoint_release(&j->ck);
	resume_release(&j->rs);
}

/* The checkpoint's position, read back in the stream's types. */
static int parse_checkpoint(struct job_table *j, const char *table,
			    const char *job, struct err *e)
{
	if (!j->ck.found || !j->ck.rows)
		return 0;
	/* loaded whole in one transaction: no key was kept, none is
	 * needed (job_plan skips the table) */
	if (j->ck.done && !j->ck.last_key && !j->ck.last_watermark && j->rs.t &&
	    j->rs.t->watermark < 0)
		return 0;
	return resume_parse(&j->rs, table, job, j->ck.watermark_column,
			    j->ck.last_watermark, j->ck.last_key, e);
}

static int job_table_begin(struct job_table *j, const struct schema_table *t)
{
	memset(j, 0, sizeof(*j));
	resume_init(&j->rs, t);
	return 0;
}

/* sink_checkpoint_fn: what the checkpoint says at a commit */
static int fill_checkpoint(void *ctx, uint64_t rows, struct checkpoint *c,
			   struct err *e)
{
	struct job_table *j = ctx;

	c->rows = j->ck.rows + rows;
	c->watermark_column = j->rs.t->watermark >= 0
				  ? j->rs.t->cols[j->rs.t->watermark].name
				  : NULL;
	c->last_key = j->ck.last_key;
	c->last_watermark = j->ck.last_watermark;
	if (!j->rs.has_last || !j->rs.n || !rows)
		return 0;
	{
		const char *key, *wm;
		if (resume_texts(&j->rs, &key, &wm, e) < 0)
			return -1;
		/* the checkpoint's text is borrowed: the sink writes it */
		c->last_key = (char *)key;
		c->last_watermark = (char *)wm;
	}
	return 0;
}

const char *load_target_name(const struct load_map *maps, size_t nmaps,
			     const char *name)
{
	for (size_t i = 0; i < nmaps; i++)
		if (strcmp(maps[i].from, name) == 0)
			return maps[i].to;
	return name;
}

/* a copy of v as member key of obj; nothing when v is NULL; -1 on oom */
static int add_copy(cJSON *obj, const char *key, const cJSON *v)
{
	cJSON *r;

	if (!v)
		return 0;
	if (!(r = cJSON_Duplicate(v, 1)) ||
	    !cJSON_AddItemToObject(obj, key, r)) {
		cJSON_Delete(r);
		return -1;
	}
	return 0;
}

/* --stats: the tables committed, in order; after a failure also
 * "failed": the table in flight (none after the tables) and the error */
static int write_stats(const char *path, const struct load_table *tabs,
		       size_t n, double seconds, int deletes,
		       const char *failed_table, const char *failed,
		       struct err *e)
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
						 : 0) ||
		    !cJSON_AddNumberToObject(t, "skipped",
					     (double)tabs[i].skipped) ||
		    !cJSON_AddStringToObject(t, "mode", tabs[i].mode))
			goto oom;
		if (add_copy(t, "renamed", tabs[i].renamed) < 0 ||
		    add_copy(t, "create_notes", tabs[i].notes) < 0)
			goto oom;
	}
	if (!cJSON_AddNumberToObject(root, "seconds", seconds))
		goto oom;
	if (failed) {
		cJSON *f = cJSON_AddObjectToObject(root, "failed");
		if (!f ||
		    (failed_table &&
		     !cJSON_AddStringToObject(f, "table", failed_table)) ||
		    !cJSON_AddStringToObject(f, "error", failed))
			goto oom;
	}
	rc = jsonfile_write(root, "--stats", path, e);
	goto out;
oom:
	err_oom(e);
out:
	cJSON_Delete(root);
	return rc;
}

/* The target's name of stream table `from` in this run, or NULL */
static const char *target_of(const struct load_table *tabs, size_t n,
			     const char *from)
{
	for (size_t i = 0; i < n; i++)
		if (tabs[i].from && strcmp(tabs[i].from, from) == 0)
			return tabs[i].name;
	return NULL;
}

/*
 * What of the source's schema the target did not get: the objects the
 * stream names as not carried (each with its table's target name), and
 * what --create made otherwise, per table.  A notice with --create; the
 * JSON to --schema-report.
 */
/* The free sequences the stream names (objects with their figures):
 * made with --create where the target lacks them, moved on where the
 * target's is behind; what was done to each in out[] (per object, -1 for
 * others), one notice with the counts. */
static int load_sequences(const struct load_opts *o, struct sink *s,
			  const struct schema_objects *ob, size_t from,
			  int *out, struct err *e)
{
	size_t cnt[SINK_SEQ_AHEAD + 1] = { 0 }, all = 0;

	for (size_t i = from; i < ob->n; i++) {
		enum sink_seq_outcome r;
		out[i] = -1;
		if (!ob->v[i].seq)
			continue;
		if (sink_sequence(s, ob->v[i].seq, o->sink.create, &r, e) < 0)
			return err_prefix(e, "sequence %s", ob->v[i].name);
		out[i] = (int)r;
		cnt[r]++;
		all++;
	}
	if (all && o->notice) {
		char line[400];
		if (cnt[SINK_SEQ_UNSUPPORTED])
			snprintf(line, sizeof(line),
				 "sequences: %zu of the source not made (the "
				 "target has no sequences ferry makes)",
				 all);
		else
			snprintf(line, sizeof(line),
				 "sequences: %zu made, %zu moved on to the "
				 "source's next value, %zu already there or "
				 "past it, %zu not in the target%s",
				 cnt[SINK_SEQ_MADE], cnt[SINK_SEQ_MOVED],
				 cnt[SINK_SEQ_AHEAD], cnt[SINK_SEQ_ABSENT],
				 cnt[SINK_SEQ_ABSENT] ? " (--create makes them)"
						      : "");
		o->notice(line);
	}
	return 0;
}

static const char *seq_outcome_name(int r)
{
	switch (r) {
	case SINK_SEQ_MADE: return "made";
	case SINK_SEQ_MOVED: return "moved";
	case SINK_SEQ_AHEAD: return "ahead";
	case SINK_SEQ_ABSENT: return "absent";
	default: return "not made";
	}
}

static const char *view_outcome_name(int r)
{
	switch (r) {
	case SINK_VIEW_MADE: return "made";
	case SINK_VIEW_EXISTS: return "exists";
	default: return "not made";
	}
}

static int schema_report(const struct load_opts *o,
			 const struct schema_objects *all, const int *seqs,
			 const int *views, char *const *whys,
			 const struct load_table *tabs, size_t n, struct err *e)
{
	cJSON *root = NULL, *arr, *counts, *tables, *jseq, *jview;
	struct schema_objects left = { 0 }, *ob = &left;
	const char *kinds[64];
	size_t nk;
	int rc = -1;

	/* what the target has now is no longer "not carried" */
	for (size_t i = 0; i < all->n; i++) {
		const struct schema_object *x = &all->v[i];
		if (seqs[i] == SINK_SEQ_MADE || seqs[i] == SINK_SEQ_MOVED ||
		    seqs[i] == SINK_SEQ_AHEAD || views[i] == SINK_VIEW_MADE ||
		    views[i] == SINK_VIEW_EXISTS)
			continue;
		/* values, not an object to make: said as they are */
		if (strcmp(x->kind, "zero dates") == 0) {
			char line[600];
			snprintf(line, sizeof(line),
				 "table %.200s, column %.200s: zero dates of "
				 "the source: %.100s",
				 x->table ? x->table : "", x->name,
				 x->detail ? x->detail : "");
			if (o->notice)
				o->notice(line);
			continue;
		}
		if (schema_objects_add(&left, x->kind, x->table, x->name,
				       whys[i] ? whys[i] : x->detail, e) < 0)
			goto out;
	}
	nk = schema_objects_kinds(ob, kinds, 64);
	if (ob->n && o->sink.create && o->notice) {
		char line[900];
		size_t len = (size_t)snprintf(
		    line, sizeof(line),
		    "not made: %zu objects of the source the stream names "
		    "but does not carry (",
		    ob->n);
		for (size_t k = 0; k < nk && len < sizeof(line) - 80; k++)
			len += (size_t)snprintf(
			    line + len, sizeof(line) - len, "%s%zu %s",
			    k ? ", " : "", schema_objects_count(ob, kinds[k]),
			    kinds[k]);
		snprintf(line + len, sizeof(line) - len, "%s",
			 o->schema_report_path
			     ? "); each is in --schema-report"
			     : "); --schema-report FILE lists them");
		o->notice(line);
	}
	if (!o->schema_report_path) {
		rc = 0;
		goto out;
	}
	if (!(root = cJSON_CreateObject()) ||
	    !(arr = cJSON_AddArrayToObject(root, "not_carried")) ||
	    !(counts = cJSON_AddObjectToObject(root, "counts")) ||
	    !(jseq = cJSON_AddArrayToObject(root, "sequences")) ||
	    !(jview = cJSON_AddArrayToObject(root, "views")) ||
	    !(tables = cJSON_AddArrayToObject(root, "tables")))
		goto oom;
	for (size_t i = 0; i < all->n; i++) {
		const struct schema_object *x = &all->v[i];
		cJSON *j;
		if (!x->seq)
			continue;
		if (!(j = cJSON_CreateObject()) ||
		    !cJSON_AddItemToArray(jseq, j) ||
		    !cJSON_AddStringToObject(j, "name", x->name) ||
		    !cJSON_AddNumberToObject(j, "next", (double)x->seq->next) ||
		    !cJSON_AddStringToObject(j, "outcome",
					     seq_outcome_name(seqs[i])))
			goto oom;
	}
	for (size_t i = 0; i < all->n; i++) {
		const struct schema_object *x = &all->v[i];
		cJSON *j;
		if (views[i] < 0 || views[i] == SINK_VIEW_UNSUPPORTED)
			continue;
		if (!(j = cJSON_CreateObject()) ||
		    !cJSON_AddItemToArray(jview, j) ||
		    !cJSON_AddStringToObject(j, "name", x->name) ||
		    !cJSON_AddStringToObject(j, "outcome",
					     view_outcome_name(views[i])) ||
		    (whys[i] && !cJSON_AddStringToObject(j, "detail", whys[i])))
			goto oom;
	}
	for (size_t i = 0; i < ob->n; i++) {
		const struct schema_object *x = &ob->v[i];
		cJSON *j = cJSON_CreateObject();
		const char *tg = x->table ? target_of(tabs, n, x->table) : NULL;
		if (!j || !cJSON_AddItemToArray(arr, j) ||
		    !cJSON_AddStringToObject(j, "kind", x->kind) ||
		    !cJSON_AddStringToObject(j, "name", x->name) ||
		    (x->table &&
		     !cJSON_AddStringToObject(j, "table", x->table)) ||
		    (tg && !cJSON_AddStringToObject(j, "target", tg)) ||
		    (x->detail &&
		     !cJSON_AddStringToObject(j, "detail", x->detail)))
			goto oom;
	}
	for (size_t k = 0; k < nk; k++)
		if (!cJSON_AddNumberToObject(
			counts, kinds[k],
			(double)schema_objects_count(ob, kinds[k])))
			goto oom;
	for (size_t i = 0; i < n; i++) {
		cJSON *t = cJSON_CreateObject();
		if (!t || !cJSON_AddItemToArray(tables, t) ||
		    !cJSON_AddStringToObject(t, "table",
					     tabs[i].from ? tabs[i].from
							  : tabs[i].name) ||
		    !cJSON_AddStringToObject(t, "target", tabs[i].name) ||
		    !cJSON_AddBoolToObject(t, "created", tabs[i].created) ||
		    add_copy(t, "create_notes", tabs[i].notes) < 0)
			goto oom;
	}
	rc = jsonfile_write(root, "--schema-report", o->schema_report_path, e);
	goto out;
oom:
	err_oom(e);
out:
	cJSON_Delete(root);
	schema_objects_release(&left);
	return rc;
}

static int reject_row(void *ctx, const struct schema_table *t,
		      const struct value *row, const char *reason,
		      struct err *e)
{
	return rejects_add(ctx, t, row, reason, e);
}

/* Read the rest of the current table, checked, loading nothing. */
static int drain_table(struct stream_reader *r, uint64_t *n, struct err *e)
{
	const struct value *row;
	int rrc;

	while ((rrc = stream_reader_next_row(r, &row, e)) == 1)
		(*n)++;
	return rrc;
}

void load_notice(const struct load_opts *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->notice(line);
}

/*
 * The names the sink gave table `name` in the target under others (a
 * PostgreSQL name over 63 bytes): one notice each, and for --stats an
 * array of {"kind", "name", "target"} in *out (NULL when none).
 */
static int note_renamed(const struct load_opts *o, const struct sink *s,
			const char *name, cJSON **out, struct err *e)
{
	*out = NULL;
	if (!s->nrenamed)
		return 0;
	if (!(*out = cJSON_CreateArray()))
		return err_oom(e);
	for (size_t i = 0; i < s->nrenamed; i++) {
		const struct name_rename *r = &s->renamed[i];
		cJSON *j = cJSON_CreateObject();
		if (!j || !cJSON_AddItemToArray(*out, j) ||
		    !cJSON_AddStringToObject(j, "kind", r->kind) ||
		    !cJSON_AddStringToObject(j, "name", r->from) ||
		    !cJSON_AddStringToObject(j, "target", r->to))
			return err_oom(e);
		if (strcmp(r->kind, "table") == 0)
			load_notice(o, "table '%s' is '%s' on PostgreSQL", r->from,
			       r->to);
		else
			load_notice(o, "table %s: %s '%s' is '%s' on PostgreSQL",
			       name, r->kind, r->from, r->to);
	}
	return 0;
}

/* Sentences of cn: a notice each, and appended to the --stats array
 * *arr (made when the first comes) */
static int add_notes(const struct load_opts *o, const char *name,
		     const struct create_notes *cn, cJSON **arr, struct err *e)
{
	for (size_t i = 0; i < cn->n; i++) {
		cJSON *j;
		load_notice(o, "table %s: %s", name, cn->msg[i]);
		if (!*arr && !(*arr = cJSON_CreateArray()))
			return err_oom(e);
		if (!(j = cJSON_CreateString(cn->msg[i])) ||
		    !cJSON_AddItemToArray(*arr, j)) {
			cJSON_Delete(j);
			return err_oom(e);
		}
	}
	return 0;
}

/* What --create made of the table otherwise than the source has it: a
 * notice each, and for --stats an array of the sentences (NULL: none) */
static int note_created(const struct load_opts *o, const struct sink *s,
			const char *name, cJSON **out, struct err *e)
{
	*out = NULL;
	return add_notes(o, name, &s->notes, out, e);
}

/*
 * --job: decide how table t goes in, from its checkpoint.  1: load it,
 * 0: the job loaded all of it before (skip it), -1 with e set.
 */
static int job_plan(struct sink *s, const struct load_opts *o,
		    struct job_table *j, const struct schema_table *t,
		    const char *name, int again, struct err *e)
{
	if (sink_checkpoint_read(s, t->name, &j->ck, e) < 0)
		return err_prefix(e, "table %s", name);
	/* first: a stream that does not fit how the job loaded the table */
	if (parse_checkpoint(j, name, o->sink.job, e) < 0)
		return -1;
	if (j->ck.found && j->ck.done && t->watermark < 0) {
		if (again)
			return 0;
		load_notice(o, "table %s: job %s loaded it whole (%s); skipped",
		       name, o->sink.job,
		       j->ck.updated_at ? j->ck.updated_at : "");
		return 0;
	}
	if (!o->mode_given)
		s->opts.mode = t->watermark >= 0 && j->ck.found && j->ck.rows
				   ? SINK_UPSERT
				   : SINK_INSERT;
	s->opts.commit_every = o->sink.commit_every;
	if (!t->npk && o->sink.commit_every) {
		/* no key, no place to resume from: all or nothing */
		s->opts.commit_every = 0;
		load_notice(o,
		       "table %s has no primary key: loaded in one "
		       "transaction (--commit-every needs a key to resume)",
		       name);
	}
	j->ordered = j->rs.n && (s->opts.commit_every || j->rs.has_ck ||
				 t->watermark >= 0);
	/* a table in key ranges resumes by its key, whatever the commits */
	if (t->section_n > 1)
		j->ordered = j->rs.n > 0;
	s->keys_pending = j->ck.keys_pending;
	if (j->rs.has_ck && t->watermark < 0 && !again)
		load_notice(o,
		       "table %s: resuming job %s after %" PRIu64
		       " rows committed (%s)",
		       name, o->sink.job, j->ck.rows,
		       j->ck.updated_at ? j->ck.updated_at : "");
	return 1;
}

/* --job: 1 when the row goes to the sink, 0 when the job has it, -1 */
static int job_row(struct job_table *j, const struct value *row,
		   uint64_t row_no, struct err *e)
{
	struct value pos[RESUME_MAX_POS];

	if (!j->ordered)
		return 1;
	resume_pos_of(&j->rs, row, pos);
	if (j->rs.has_last && resume_compare(&j->rs, pos, j->rs.last) <= 0)
		return err_set(
		    e, ERR_USAGE,
		    "row %" PRIu64 ": rows are not in %s order, which --job "
		    "needs to know where to resume (extract with %s)",
		    row_no,
		    j->rs.t->watermark >= 0 ? "watermark" : "primary-key",
		    j->rs.t->watermark >= 0 ? "--incremental" : "--order pk");
	if (resume_keep_last(&j->rs, pos, e) < 0)
		return -1;
	/* a table with a watermark gets what ferry-extract chose to send
	 * (it may read rows again on purpose); a whole table resumes after
	 * the last key committed */
	if (j->rs.has_ck && j->rs.t->watermark < 0 &&
	    resume_compare(&j->rs, pos, j->rs.ck) <= 0) {
		j->skipped++;
		return 0;
	}
	j->wrote++;
	return 1;
}

/*
 * The name stream table st goes to, and with namefold.h's folding a copy
 * of it with its names folded in *ft: --table-map names the stream's
 * table as it is or folded, and its target is taken as written.
 */
int load_fold(enum uri_engine to, const struct load_map *maps, size_t nmaps,
	      const char *schema, int keep_case, const struct schema_table *st,
	      struct schema_table **ft, const char **name,
	      struct namefold_run *run, struct err *e)
{
	const char *mapped = load_target_name(maps, nmaps, st->name);
	char *own;
	int rc;

	*ft = NULL;
	*name = mapped;
	if (namefold_applies(to, st, keep_case)) {
		if (!(*ft = namefold_table(st, e)))
			return err_prefix(e, "table %s", st->name);
		if (mapped == st->name) {
			*name = load_target_name(maps, nmaps, (*ft)->name);
			if (*name == (*ft)->name &&
			    namefold_run_add(run, st->name, *name, e) < 0)
				return -1;
		}
	}
	/* --schema: a table of no schema that no --table-map names goes
	 * to that schema, under the name it has now */
	if (!schema || st->schema ||
	    (*name != st->name && (!*ft || *name != (*ft)->name)))
		return 0;
	if (!*ft && !(*ft = schema_table_copy(st, e)))
		return -1;
	if (!(own = strdup((*ft)->table ? (*ft)->table : (*ft)->name)))
		return err_oom(e);
	rc = schema_table_set_name(*ft, schema, own, e);
	free(own);
	if (rc < 0)
		return -1;
	*name = (*ft)->name;
	return 0;
}

/* The target's name of the table foreign key f of t references: as the
 * stream names it, under --table-map; malloc'd */
static char *fk_target(const struct load_opts *o, const struct schema_fkey *f,
		       struct err *e)
{
	char *n = schema_name_format(f->ref_schema, f->ref_table, e), *out;
	const char *m;

	if (!n)
		return NULL;
	m = load_target_name(o->maps, o->nmaps, n);
	/* --schema: the referenced table went there too */
	if (m == n && o->schema && !f->ref_schema)
		out = schema_name_format(o->schema, f->ref_table, e);
	else if (!(out = strdup(m)))
		err_oom(e);
	free(n);
	return out;
}

/*
 * The foreign keys of the tables this run created, once every table is
 * in (so that order and cycles do not matter): what is not made, or rows
 * that break one, a notice each and in --stats create_notes.
 */
static int load_foreign_keys(const struct load_opts *o, struct sink *s,
			     struct load_table *tabs, size_t ntabs,
			     struct err *e)
{
	for (size_t i = 0; i < ntabs; i++) {
		const struct schema_table *t = tabs[i].fk;
		struct create_notes cn = { 0 };
		char **refs;
		int rc = 0;

		if (!t)
			continue;
		if (!(refs = calloc(t->nfkeys, sizeof(*refs))))
			return err_oom(e);
		for (size_t k = 0; k < t->nfkeys && rc == 0; k++)
			if (!(refs[k] = fk_target(o, &t->fkeys[k], e)))
				rc = -1;
		if (rc == 0)
			rc =
			    sink_foreign_keys(s, t, tabs[i].name, refs, &cn, e);
		if (rc == 0)
			rc = add_notes(o, tabs[i].name, &cn, &tabs[i].notes, e);
		for (size_t k = 0; k < t->nfkeys; k++)
			free(refs[k]);
		free(refs);
		create_notes_release(&cn);
		if (rc < 0)
			return err_prefix(e, "table %s: foreign keys",
					  tabs[i].name);
	}
	return 0;
}

int load_view_target(enum uri_engine to, const struct load_map *maps,
		     size_t nmaps, const char *schema, int keep_case,
		     const struct schema_table *like,
		     const struct schema_view *v, struct namefold_run *run,
		     char **name, int *fold, char *why, size_t whysz,
		     struct err *e)
{
	struct schema_table *stub, *ft = NULL;
	const char *nm;
	int rc;

	*name = NULL;
	if (!(stub = schema_table_copy(like, e)))
		return -1;
	rc = schema_table_set_name(stub, v->schema, v->name, e);
	if (rc == 0)
		rc = load_fold(to, maps, nmaps, schema, keep_case, stub, &ft,
			       &nm, run, e);
	if (rc == 0 && !(*name = strdup(nm)))
		rc = err_oom(e);
	*fold = namefold_applies(to, stub, keep_case);
	schema_table_free(ft);
	schema_table_free(stub);
	if (rc < 0 && e->class == ERR_USAGE) {
		snprintf(why, whysz, "%s", e->msg);
		err_init(e);
		return 1;
	}
	return rc;
}

/*
 * View v, made on the target as `name`, as a table of the views after it
 * (sqlview_table): appended to src, names (a copy of name) and cols (its
 * columns' target names, folded as the view's were) at *n.  -1 on oom.
 */
static int view_as_table(struct schema_table **src, char **names,
			 char ***cols, size_t *n, const struct schema_view *v,
			 const char *name, int fold, struct err *e)
{
	char why[400];
	struct schema_table *t =
	    sqlview_table(v->query, src, *n, v->schema, v->name, why,
			  sizeof(why), e);

	if (!t)
		return e->class ? -1 : 0;
	if (!(names[*n] = strdup(name)) ||
	    !(cols[*n] = calloc(t->ncols + 1, sizeof(**cols)))) {
		free(names[*n]);
		schema_table_free(t);
		return err_oom(e);
	}
	src[*n] = t;
	(*n)++;
	for (size_t k = 0; k < t->ncols; k++)
		if (!(cols[*n - 1][k] = fold ? namefold_name(t->cols[k].name, e)
					     : strdup(t->cols[k].name)))
			return e->class ? -1 : err_oom(e);
	return 0;
}

/*
 * With --create, after the run's last table: each view whose query the
 * stream carries, made on the target over the tables of the run under
 * their target names (sink_view); what became of each in out[] (per
 * object, -1 for others) and why[] (malloc'd, NULL when made), a notice
 * per view not made and one with the counts.
 */
static int load_views(const struct load_opts *o, const struct uri *u,
		      struct sink *s, const struct load_table *tabs,
		      size_t ntabs, const struct schema_objects *ob, int *out,
		      char **whys, struct err *e)
{
	struct schema_table **src = NULL;
	char **names = NULL, ***cols = NULL;
	struct namefold_run *run = NULL;
	size_t n = 0, cnt[SINK_VIEW_REFUSED + 1] = { 0 }, all = 0;
	size_t ntables = SIZE_MAX; /* src[ntables..n) are views */
	int rc = -1;

	for (size_t i = 0; i < ob->n; i++)
		out[i] = -1;
	if (!o->sink.create || !schema_objects_has_views(ob))
		return 0;
	/* the run's tables, then each view made as a table of the views
	 * after it */
	if (!(src = calloc(ntabs + ob->n + 1, sizeof(*src))) ||
	    !(names = calloc(ntabs + ob->n + 1, sizeof(*names))) ||
	    !(cols = calloc(ntabs + ob->n + 1, sizeof(*cols))) ||
	    !(run = namefold_run_new(e))) {
		if (!e->class)
			err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < ntabs; i++) {
		if (!tabs[i].vsrc)
			continue;
		src[n] = tabs[i].vsrc;
		names[n] = tabs[i].name;
		if (!(cols[n] = calloc(tabs[i].vdst->ncols + 1,
				       sizeof(**cols)))) {
			err_oom(e);
			goto out;
		}
		for (size_t k = 0; k < tabs[i].vdst->ncols; k++)
			cols[n][k] = tabs[i].vdst->cols[k].name;
		n++;
	}
	ntables = n;
	for (size_t i = 0; i < ob->n; i++) {
		const struct schema_view *v = ob->v[i].view;
		struct sink_view_tables vt;
		enum sink_view_outcome r = SINK_VIEW_REFUSED;
		char why[600], *name;
		int frc, fold;
		if (!v)
			continue;
		if (!n)
			break;
		if ((frc = load_view_target(u->engine, o->maps, o->nmaps,
					    o->schema, o->keep_case, src[0], v,
					    run, &name, &fold, why,
					    sizeof(why), e)) < 0)
			goto out;
		if (frc == 0) {
			vt.tabs = src;
			vt.names = names;
			vt.cols = (char *const *const *)cols;
			vt.n = n;
			vt.fold = fold;
			frc = sink_view(s, name, v->query, &vt, &r, why,
					sizeof(why), e);
			if (frc == 0 &&
			    (r == SINK_VIEW_MADE || r == SINK_VIEW_EXISTS))
				frc = view_as_table(src, names, cols, &n, v, name,
						    fold, e);
			free(name);
			if (frc < 0) {
				err_prefix(e, "view %s", ob->v[i].name);
				goto out;
			}
		}
		out[i] = (int)r;
		cnt[r]++;
		all++;
		if (r == SINK_VIEW_REFUSED) {
			if (!(whys[i] = strdup(why))) {
				err_oom(e);
				goto out;
			}
			load_notice(o, "view %s: not made: %s", ob->v[i].name,
				    why);
		}
	}
	if (all && !cnt[SINK_VIEW_UNSUPPORTED])
		load_notice(o,
			    "views: %zu made, %zu already in the target (left "
			    "as they are), %zu not made",
			    cnt[SINK_VIEW_MADE], cnt[SINK_VIEW_EXISTS],
			    cnt[SINK_VIEW_REFUSED]);
	rc = 0;
out:
	for (size_t i = 0; cols && i < n; i++) {
		for (size_t k = 0; i >= ntables && k < src[i]->ncols; k++)
			free(cols[i][k]);
		free(cols[i]);
	}
	for (size_t i = ntables; i < n; i++) {
		free(names[i]);
		schema_table_free(src[i]);
	}
	free(cols);
	free(names);
	free(src);
	namefold_run_free(run);
	return rc;
}

/* --- --create: every table checked before the first row ---------------- */

int load_held(const char *name, void *ctx)
{
	const struct load_held *h = ctx;

	for (char **p = h->names; p && *p; p++)
		if ((h->nocase ? strcasecmp : strcmp)(*p, name) == 0)
			return 1;
	return 0;
}

/*
 * With --create and the stream's preview of its tables: each table the
 * target lacks must be one --create can make (its names and its DDL, as
 * --check judges them), or nothing is written.  One refusal is the error
 * it would be at its table; several are a notice each and one error.
 */
void load_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int load_fold_names(enum uri_engine to, const struct load_map *maps,
		    size_t nmaps, const char *schema, int keep_case,
		    const struct schema_table *const *ts, size_t n,
		    char ***names, struct err *e)
{
	/* a run of its own: the load's folds each table again as it comes */
	struct namefold_run *fr = namefold_run_new(e);
	int rc = 0;

	*names = fr ? calloc(n + 1, sizeof(**names)) : NULL;
	if (!*names) {
		namefold_run_free(fr);
		return e->class ? -1 : err_oom(e);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct schema_table *ft = NULL;
		const char *name;
		if (load_fold(to, maps, nmaps, schema, keep_case, ts[i], &ft,
			      &name, fr, e) < 0)
			rc = -1;
		else if (!((*names)[i] = strdup(name)))
			rc = err_oom(e);
		schema_table_free(ft);
	}
	namefold_run_free(fr);
	if (rc < 0) {
		load_names_free(*names, n);
		*names = NULL;
	}
	return rc;
}

/*
 * --mode truncate of a run of several tables (the stream's preview): empty
 * the tables the target has, together, before the first row
 * (sink_empty_tables).  (--mode truncate does not go with --job, whose
 * rerun would empty what it resumes.)
 */
static int empty_run(const struct uri *u, const struct load_opts *o,
		     struct sink *s, const struct schema_table *const *pv,
		     size_t n, struct err *e)
{
	char **names = NULL;
	int rc = -1;

	if (load_fold_names(u->engine, o->maps, o->nmaps, o->schema,
			    o->keep_case, pv, n, &names, e) < 0 ||
	    sink_empty_tables(s, names, n, e) < 0)
		goto out;
	load_notice(o,
	       "--mode truncate: the run's %zu tables emptied together before "
	       "the first row",
	       n);
	rc = 0;
out:
	load_names_free(names, n);
	return rc;
}

static int preflight_create(const struct uri *u, const struct load_opts *o,
			    const struct schema_table *const *pv, size_t n,
			    struct err *e)
{
	const struct engine *en = engine_of(u->engine);
	struct source_opts so;
	struct source *src = NULL;
	struct engine_run *run = NULL;
	struct namefold_run *fr = NULL;
	struct engine_names nm;
	struct load_held held = { NULL, en ? en->names_nocase : 0 };
	size_t nnames = 0, bad = 0;
	struct err first;
	struct create_notes refusals = { 0 };
	unsigned flags =
	    (o->sink.case_sensitive ? ENGINE_CREATE_CASE_SENSITIVE : 0) |
	    (o->sink.citext ? ENGINE_CREATE_CITEXT : 0) |
	    (o->sink.enum_check ? ENGINE_CREATE_ENUM_CHECK : 0);
	int rc = -1;

	if (!en)
		return 0;
	memset(&so, 0, sizeof(so));
	memset(&nm, 0, sizeof(nm));
	err_init(&first);
	so.defaults_file = o->sink.defaults_file;
	so.connect_timeout = o->sink.connect_timeout;
	so.read_timeout = o->sink.read_timeout;
	if (!(run = engine_run_new(en, e)) || !(fr = namefold_run_new(e)) ||
	    !(src = source_open(u, &so, e)) || source_begin(src, e) < 0 ||
	    source_list_tables(src, &held.names, &nnames, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct schema_table *ft = NULL;
		const struct schema_table *t;
		const char *name;
		struct err why[3], w;
		int nwhy = 0;

		err_init(&w);
		err_init(&why[0]);
		err_init(&why[1]);
		err_init(&why[2]);
		if (load_fold(u->engine, o->maps, o->nmaps, o->schema,
			      o->keep_case, pv[i], &ft, &name, fr, &w) < 0) {
			if (w.class == ERR_SYSTEM) {
				*e = w;
				goto out;
			}
			name = pv[i]->name;
		} else {
			t = ft ? ft : pv[i];
			if (engine_names(run, t, name, load_held, &held, 1, &nm,
					 why, &nwhy, e) < 0) {
				schema_table_free(ft);
				goto out;
			}
			if (nwhy)
				w = why[0];
			else if (!load_held(nm.table, &held) &&
				 engine_create_refusal(en, t, &nm, flags, NULL,
						       NULL, &w) == 0)
				err_init(&w);
		}
		if (w.class == ERR_STREAM)
			err_prefix_place(&w, "table %s", name);
		else if (w.class)
			err_prefix(&w, "table %s", name);
		schema_table_free(ft); /* name may be its */
		if (!w.class)
			continue;
		if (!bad++)
			first = w;
		if (create_notes_add(&refusals, e, "--create cannot make %s",
				     w.msg) < 0)
			goto out;
	}
	if (bad == 1)
		*e = first;
	for (size_t i = 0; bad > 1 && o->notice && i < refusals.n; i++)
		o->notice(refusals.msg[i]);
	if (bad > 1)
		err_set(e, first.class,
			"--create cannot make %zu of the stream's %zu tables "
			"(each named above); nothing was written",
			bad, n);
	rc = bad ? -1 : 0;
out:
	engine_names_release(en, &nm);
	create_notes_release(&refusals);
	source_names_free(held.names);
	source_close(src);
	namefold_run_free(fr);
	engine_run_free(run);
	return rc;
}

int load_run(const struct uri *u, struct load_opts *o, FILE *in, struct err *e)
{
	struct rejects *rj = NULL;
	struct sink_opts so = o->sink;
	struct stream_reader *r = NULL;
	struct sink *s = NULL;
	struct load_table *tabs = NULL;
	size_t ntabs = 0, cap = 0;
	const struct schema_table *t, *in_t;
	struct schema_table *ft = NULL; /* t, its names folded (namefold.h) */
	struct namefold_run *fold_run = NULL;
	struct job_table job;
	cJSON *renamed = NULL; /* the table in flight's, for --stats */
	cJSON *created_notes = NULL;
	double t0 = progress_now();
	int rc = -1, trc, stats_tried = 0;
	char *inflight = NULL; /* the target's name of the table in flight */
	int *seqs = NULL;      /* load_sequences' outcome per object */
	size_t nseqs = 0;      /* of the objects read by the first table */
	int *views = NULL;     /* load_views' outcome per object */
	char **whys = NULL;    /* and why each view was not made */
	size_t nwhys = 0;
	int keep_views = -1;   /* the tables are kept for views */

	memset(&job, 0, sizeof(job));
	if (!(r = stream_reader_new(in, o->in_name, e)))
		return -1;
	if (o->rejects_path) {
		if (!(rj = rejects_open(o->rejects_path, o->max_rejects, e)))
			goto out;
		so.reject = reject_row;
		so.reject_ctx = rj;
	}
	if (so.job) {
		so.checkpoint = fill_checkpoint;
		so.checkpoint_ctx = &job;
	}
	/* a follow stream's snapshot replaces the tables' rows */
	if (o->follow && !o->mode_given)
		so.mode = SINK_TRUNCATE;
	if (!(s = sink_open(u, &so, e)))
		goto out;
	if (s->notice && o->notice)
		o->notice(s->notice);
	if (!(fold_run = namefold_run_new(e)))
		goto out;
	while ((trc = stream_reader_next_table(r, &in_t, e)) == 1) {
		const char *name;
		const struct value *row;
		const struct schema_table *const *pv;
		size_t npv;
		struct sink_table_stats st;
		double ts = progress_now();
		uint64_t skipped = 0;
		size_t again;	    /* tabs' entry of the table, met before */
		struct load_table *lt; /* this table's entry */
		double secs;
		enum sink_mode run_mode;
		const char *mode_name;
		int rrc, forced;
		/* a follow stream is loaded knowingly, or not at all */
		if (!ntabs &&
		    (stream_reader_version(r) == STREAM_FOLLOW_MAJOR) !=
			!!o->follow) {
			err_set(e, ERR_USAGE,
				o->follow ? "--follow: %s is not a follow "
					    "stream (extract with --follow)"
					  : "%s follows its source's changes "
					    "(stream version 2): load it with "
					    "--follow --job NAME",
				o->in_name);
			goto out;
		}
		/* before the first row: every table --create must make */
		if (!ntabs && so.create &&
		    (npv = stream_reader_preview(r, &pv)) > 0 &&
		    preflight_create(u, o, pv, npv, e) < 0)
			goto out;
		/* --mode truncate of several tables: all emptied together
		 * first, so that keys between them do not stand in the way */
		if (!ntabs && so.mode == SINK_TRUNCATE &&
		    (npv = stream_reader_preview(r, &pv)) > 1 &&
		    empty_run(u, o, s, pv, npv, e) < 0)
			goto out;
		/* and the free sequences, before the tables whose defaults
		 * take their nextval */
		if (!ntabs && !seqs) {
			const struct schema_objects *ob =
			    stream_reader_objects(r);
			if (!(seqs = calloc(ob->n + 1, sizeof(*seqs)))) {
				err_oom(e);
				goto out;
			}
			if (load_sequences(o, s, ob, 0, seqs, e) < 0)
				goto out;
			nseqs = ob->n;
			if (so.create)
				s->sequences = ob;
		}
		schema_table_free(ft);
		ft = NULL;
		if (load_fold(u->engine, o->maps, o->nmaps, o->schema,
			      o->keep_case, in_t, &ft, &name, fold_run, e) < 0)
			goto out;
		t = ft ? ft : in_t;
		free(inflight);
		if (!(inflight = strdup(name))) {
			err_oom(e);
			goto out;
		}

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
		if (o->progress) {
			/* the run's rows, from the preview's estimates */
			if (!ntabs) {
				uint64_t all = 0;
				npv = stream_reader_preview(r, &pv);
				for (size_t k = 0; k < npv && all != UINT64_MAX;
				     k++)
					all = pv[k]->rows_estimated
						  ? all + (uint64_t)pv[k]
							      ->rows_estimate
						  : UINT64_MAX;
				progress_run(o->progress,
					     all == UINT64_MAX || !npv ? 0 : all);
			}
			progress_table(o->progress);
			if (in_t->rows_estimated)
				progress_estimate(o->progress,
						  (uint64_t)in_t->rows_estimate);
		}
		/* a table met again: the next key range of one extract
		 * (--parallel, --part); the first emptied it */
		again = SIZE_MAX;
		for (size_t k = 0; k < ntabs && again == SIZE_MAX; k++)
			if (strcmp(tabs[k].name, name) == 0)
				again = k;
		run_mode = s->opts.mode;
		forced = again != SIZE_MAX && s->opts.mode == SINK_TRUNCATE;
		if (forced)
			s->opts.mode = SINK_INSERT;
		if (so.job && !o->follow && in_t->section_n > 1 &&
		    (!in_t->section_ordered || !in_t->npk)) {
			err_set(e, ERR_USAGE,
				"table %s comes in %u key ranges whose rows are "
				"not in key order: --job resumes such a table "
				"after the last key it committed (extract with "
				"--order pk)",
				name, in_t->section_n);
			goto out;
		}
		/* the key and indexes an earlier range left for the last */
		if (again != SIZE_MAX && tabs[again].keys_owed)
			s->keys_pending = 1;
		if (so.job && o->follow) {
			/* a snapshot replaces what an earlier one left */
			job_table_release(&job);
			job_table_begin(&job, t);
			if (!o->mode_given)
				s->opts.mode = SINK_TRUNCATE;
		} else if (so.job) {
			int jrc;
			job_table_release(&job);
			job_table_begin(&job, t);
			if ((jrc = job_plan(s, o, &job, t, name,
					    again != SIZE_MAX, e)) < 0)
				goto out;
			if (jrc == 0) {
				if (drain_table(r, &skipped, e) < 0)
					goto out;
				goto done;
			}
		}
		if (sink_begin_table(s, t, name, e) < 0) {
			sink_abort_table(s, "ferry-load gave up on this table");
			/* a column the stream describes wrongly: "table t,
			 * column c: ..." */
			if (e->class == ERR_STREAM)
				err_prefix_place(e, "table %s", name);
			else
				err_prefix(e, "table %s", name);
			goto out;
		}
		if (note_renamed(o, s, name, &renamed, e) < 0 ||
		    note_created(o, s, name, &created_notes, e) < 0) {
			sink_abort_table(s, "ferry-load gave up on this table");
			goto out;
		}
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			int go = 1;
			if (so.job && (go = job_row(&job, row,
						    stream_reader_row_number(r),
						    e)) < 0) {
				sink_abort_table(
				    s, "ferry-load gave up on this table");
				err_prefix(e, "table %s", name);
				goto out;
			}
			if (go && sink_write_row(s, row, e) < 0) {
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
		skipped = job.skipped;
	done:
		mode_name = sink_mode_name(s->opts.mode);
		if (forced)
			s->opts.mode = run_mode;
		s->keys_pending = 0;
		if (rj && rejects_end_table(rj, e) < 0)
			goto out;
		if (again != SIZE_MAX) {
			/* one more range of a table of the run: its figures
			 * add to the table's */
			lt = &tabs[again];
			cJSON_Delete(renamed);
			cJSON_Delete(created_notes);
		} else {
			lt = &tabs[ntabs];
			memset(lt, 0, sizeof(*lt));
			lt->mode = "skipped";
			if (keep_views < 0)
				keep_views = so.create &&
					     schema_objects_has_views(
						 stream_reader_objects(r));
			if (keep_views &&
			    (!(lt->vsrc = schema_table_copy(in_t, e)) ||
			     !(lt->vdst = schema_table_copy(t, e)))) {
				schema_table_free(lt->vsrc);
				goto out;
			}
			if (!(lt->name = strdup(name)) ||
			    !(lt->from = strdup(in_t->name))) {
				free(lt->name);
				schema_table_free(lt->vsrc);
				schema_table_free(lt->vdst);
				err_oom(e);
				goto out;
			}
			ntabs++;
			lt->renamed = renamed;
			lt->notes = created_notes;
			lt->created = st.created;
			lt->method = st.method;
		}
		renamed = NULL;
		created_notes = NULL;
		secs = progress_now() - ts;
		lt->rows += st.rows;
		lt->skipped += skipped;
		lt->rejected += st.rejected;
		lt->commits += st.commits;
		lt->deleted += st.deleted;
		if (st.commits)
			lt->mode = mode_name;
		lt->seconds += secs;
		lt->keys_owed = st.keys_pending;
		lt->uncommitted = st.open ? lt->uncommitted + st.rows : 0;
		o->rows += st.rows;
		o->deleted += st.deleted;
		if (st.created && t->nfkeys && !lt->fk &&
		    !(lt->fk = schema_table_copy(t, e)))
			goto out;
		if (o->progress)
			progress_table_done(o->progress, st.rows + skipped);
		free(inflight);
		inflight = NULL;
		if (o->metrics) {
			const struct stream_table_stats *ts2 =
			    stream_reader_table_stats(r);
			if (metrics_table(o->metrics, name, st.rows,
					  ts2->stored_bytes, secs, st.rejected,
					  e) < 0 ||
			    (t->watermark >= 0 && ts2->has_watermark &&
			     metrics_watermark(
				 o->metrics, name, t->cols[t->watermark].type,
				 &ts2->watermark, &ts2->watermark, e) < 0))
				goto out;
		}
	}
	if (trc < 0)
		goto out;
	for (size_t k = 0; k < ntabs; k++)
		if (tabs[k].keys_owed) {
			err_set(e, ERR_STREAM,
				"table %s: the stream ended before the last of "
				"its key ranges, after which its key and "
				"indexes are built",
				tabs[k].name);
			goto out;
		}
	if (load_foreign_keys(o, s, tabs, ntabs, e) < 0)
		goto out;
	if (!!o->follow != !!stream_reader_follow(r)) {
		err_set(e, ERR_USAGE,
			o->follow ? "--follow: %s is not a follow stream "
				    "(extract with --follow)"
				  : "%s follows its source's changes (stream "
				    "version 2): load it with --follow --job "
				    "NAME",
			o->in_name);
		goto out;
	}
	if (rj) {
		o->rejected = rejects_count(rj);
		int crc = rejects_close(rj, e);
		rj = NULL;
		if (crc < 0)
			goto out;
	}
	{
		/* the sequences of objects frames after the first table's */
		const struct schema_objects *ob = stream_reader_objects(r);
		int *ns = realloc(seqs, (ob->n + 1) * sizeof(*seqs));
		if (!ns) {
			err_oom(e);
			goto out;
		}
		seqs = ns;
		if (!(views = calloc(ob->n + 1, sizeof(*views))) ||
		    !(whys = calloc(ob->n + 1, sizeof(*whys)))) {
			err_oom(e);
			goto out;
		}
		nwhys = ob->n;
		if (load_sequences(o, s, ob, nseqs, seqs, e) < 0 ||
		    load_views(o, u, s, tabs, ntabs, ob, views, whys, e) < 0 ||
		    schema_report(o, ob, seqs, views, whys, tabs, ntabs, e) < 0)
			goto out;
	}
	if (o->follow) {
		struct apply_stats ast;
		int arc = apply_run(u, o, s, r, in, &ast, e);
		if (o->follow_stats)
			*o->follow_stats = ast;
		if (arc < 0)
			goto out;
	}
	stats_tried = 1;
	if (o->stats_path &&
	    write_stats(o->stats_path, tabs, ntabs, progress_now() - t0,
			o->sink.mode == SINK_DELETE, NULL, NULL, e) < 0)
		goto out;
	rc = 0;
out:
	/* a run that stops still says what it committed, and where it
	 * stopped: a rerun under --job goes on from there */
	if (rc < 0 && o->stats_path && !stats_tried) {
		struct err we;
		err_init(&we);
		/* what a failed table's open transaction held is gone */
		for (size_t k = 0; k < ntabs; k++) {
			tabs[k].rows -= tabs[k].uncommitted;
			tabs[k].uncommitted = 0;
		}
		if (write_stats(o->stats_path, tabs, ntabs, progress_now() - t0,
				o->sink.mode == SINK_DELETE, inflight, e->msg,
				&we) < 0 &&
		    o->notice) {
			char line[ERR_MSG_MAX + 40];
			snprintf(line, sizeof(line), "--stats not written: %s",
				 we.msg);
			o->notice(line);
		}
	}
	free(inflight);
	free(seqs);
	free(views);
	for (size_t i = 0; whys && i < nwhys; i++)
		free(whys[i]);
	free(whys);
	if (rj) {
		o->rejected = rejects_count(rj);
		rejects_abort(rj);
	}
	if (o->progress)
		progress_clear(o->progress);
	for (size_t i = 0; i < ntabs; i++) {
		free(tabs[i].name);
		free(tabs[i].from);
		cJSON_Delete(tabs[i].renamed);
		cJSON_Delete(tabs[i].notes);
		schema_table_free(tabs[i].fk);
		schema_table_free(tabs[i].vsrc);
		schema_table_free(tabs[i].vdst);
	}
	cJSON_Delete(renamed);
	schema_table_free(ft);
	namefold_run_free(fold_run);
	cJSON_Delete(created_notes);
	free(tabs);
	job_table_release(&job);
	sink_close(s);
	stream_reader_free(r);
	return rc;
}
