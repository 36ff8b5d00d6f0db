#include "stage/load.h"

#include "db/namefold.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
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
	double keys_seconds; /* of them, building keys and indexes */
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
		    !cJSON_AddNumberToObject(t, "keys_seconds",
					     tabs[i].keys_seconds) ||
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
	char part[CHECKPOINT_PART_MAX], what[CHECKPOINT_PART_MAX + 8];

	/* a --part stream's rows resume apart from the other parts' */
	sink_checkpoint_part(t, part);
	snprintf(what, sizeof(what), "%s%s", *part ? "part " : "", part);
	if (sink_checkpoint_read(s, t->name, part, &j->ck, e) < 0)
		return err_prefix(e, "table %s", name);
	/* first: a stream that does not fit how the job loaded the table */
	if (j->ck.other_found)
		return err_set(
		    e, ERR_USAGE,
		    "table %s: job %s loaded it %s%s, and this stream holds "
		    "%s%s: the two cannot resume together (load this one "
		    "under another --job, or without one: -m upsert runs "
		    "again safely)",
		    name, o->sink.job, *j->ck.other_part ? "as part " : "whole",
		    j->ck.other_part, *part ? "its part " : "the whole table",
		    part);
	if (parse_checkpoint(j, name, o->sink.job, e) < 0)
		return -1;
	if (j->ck.found && j->ck.done && t->watermark < 0) {
		if (again && !*part)
			return 0;
		load_notice(o, "table %s: job %s loaded %s whole (%s); skipped",
		       name, o->sink.job, *part ? what : "it",
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
	if (j->rs.has_ck && t->watermark < 0 && (!again || *part))
		load_notice(o,
		       "table %s: resuming job %s%s%s after %" PRIu64
		       " rows committed (%s)",
		       name, o->sink.job, *part ? " at " : "", what, j->ck.rows,
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

/* --- one table section on one connection --------------------------------- */

/*
 * A table section as a connection loads it: task_open, task_row for each
 * of its rows, task_close; then task_merge adds what came of it to the
 * run's tables.  ferry-load --parallel hands each to a worker.
 */
struct table_task {
	const struct schema_table *in_t; /* the stream's */
	const struct schema_table *t;	 /* as loaded: its names folded */
	struct schema_table *own_in, *own_t; /* the copies a worker reads */
	char *name;			     /* the target's name */
	int seen;	/* a section of the table came before (a key range) */
	int keys_owed;	/* ... which left its key and indexes for the last */
	int load;	/* task_open: 1 its rows go in, 0 the job had them */
	int forced;	/* --mode truncate taken as insert: emptied before */
	enum sink_mode run_mode;
	double ts;
	/* what came of it */
	struct sink_table_stats st;
	uint64_t skipped;
	const char *mode_name;
	double secs;
	cJSON *renamed, *notes;
	struct stream_table_stats sstats; /* the stream's, at its end */
	/* --parallel */
	int state; /* TASK_OPEN, TASK_DONE (committed), TASK_FAILED */
	struct table_task *next;
};

enum { TASK_OPEN, TASK_DONE, TASK_FAILED };

static void task_free(struct table_task *tk)
{
	if (!tk)
		return;
	schema_table_free(tk->own_in);
	schema_table_free(tk->own_t);
	free(tk->name);
	cJSON_Delete(tk->renamed);
	cJSON_Delete(tk->notes);
	free(tk);
}

/* the table's error: "table T, ..." */
static int task_fail(struct sink *s, const struct table_task *tk,
		     const char *why, struct err *e)
{
	sink_abort_table(s, why);
	/* a column the stream describes wrongly: "table t, column c: ..." */
	if (e->class == ERR_STREAM)
		return err_prefix_place(e, "table %s", tk->name);
	return err_prefix(e, "table %s", tk->name);
}

/* Begin the section on sink s: 1 when its rows go in, 0 when the job
 * loaded all of it before (its rows are counted, not loaded), -1 */
static int task_open(const struct load_opts *o, struct sink *s,
		     struct job_table *job, struct table_task *tk,
		     struct err *e)
{
	int jrc;

	tk->run_mode = s->opts.mode;
	/* a later key range of a table the first emptied */
	tk->forced = tk->seen && s->opts.mode == SINK_TRUNCATE;
	if (tk->forced)
		s->opts.mode = SINK_INSERT;
	/* the key and indexes an earlier range left for the last */
	if (tk->keys_owed)
		s->keys_pending = 1;
	tk->load = 1;
	if (o->sink.job && o->follow) {
		/* a snapshot replaces what an earlier one left */
		job_table_release(job);
		job_table_begin(job, tk->t);
		if (!o->mode_given)
			s->opts.mode = SINK_TRUNCATE;
	} else if (o->sink.job) {
		job_table_release(job);
		job_table_begin(job, tk->t);
		if ((jrc = job_plan(s, o, job, tk->t, tk->name, tk->seen, e)) <
		    0)
			return -1;
		if (jrc == 0) {
			tk->load = 0;
			return 0;
		}
	}
	if (sink_begin_table(s, tk->t, tk->name, e) < 0)
		return task_fail(s, tk, "ferry-load gave up on this table", e);
	if (note_renamed(o, s, tk->name, &tk->renamed, e) < 0 ||
	    note_created(o, s, tk->name, &tk->notes, e) < 0) {
		sink_abort_table(s, "ferry-load gave up on this table");
		return -1;
	}
	return 1;
}

/* One row of the section (row_no: the stream's, for messages) */
static int task_row(const struct load_opts *o, struct sink *s,
		    struct job_table *job, struct table_task *tk,
		    const struct value *row, uint64_t row_no, struct err *e)
{
	int go = 1;

	if (!tk->load) {
		tk->skipped++;
		return 0;
	}
	if (o->sink.job && (go = job_row(job, row, row_no, e)) < 0) {
		sink_abort_table(s, "ferry-load gave up on this table");
		return err_prefix(e, "table %s", tk->name);
	}
	if (go && sink_write_row(s, row, e) < 0)
		return task_fail(s, tk, "ferry-load gave up on this table", e);
	return 0;
}

/* The section's rows are all in, checked against the stream's table-end
 * frame: its key and indexes, its commit */
static int task_close(struct sink *s, const struct job_table *job,
		      struct table_task *tk, struct err *e)
{
	if (tk->load) {
		if (sink_end_table(s, &tk->st, e) < 0) {
			sink_abort_table(s, "ferry-load gave up on this table");
			return err_prefix(e, "table %s", tk->name);
		}
		tk->skipped = job->skipped;
	}
	tk->mode_name = sink_mode_name(s->opts.mode);
	if (tk->forced)
		s->opts.mode = tk->run_mode;
	s->keys_pending = 0;
	tk->secs = progress_now() - tk->ts;
	return 0;
}

/* the run's tables, as --stats, views and foreign keys take them */
struct load_tabs {
	struct load_table *v;
	size_t n, cap;
	int keep_views; /* the tables are kept for views; -1: not known */
};

/* the run's entry of table `name` (the target's), or NULL */
static struct load_table *tabs_find(const struct load_tabs *lts,
				    const char *name)
{
	for (size_t k = 0; k < lts->n; k++)
		if (strcmp(lts->v[k].name, name) == 0)
			return &lts->v[k];
	return NULL;
}

/* What came of a section, added to its table's entry (made for the
 * first section of a table) */
static int task_merge(struct load_opts *o, struct load_tabs *lts,
		      const struct schema_objects *ob, struct table_task *tk,
		      struct err *e)
{
	const struct sink_table_stats *st = &tk->st;
	struct load_table *lt = tabs_find(lts, tk->name);

	if (!lt) {
		if (lts->n == lts->cap) {
			size_t ncap = lts->cap ? lts->cap * 2 : 16;
			struct load_table *nt =
			    realloc(lts->v, ncap * sizeof(*nt));
			if (!nt)
				return err_oom(e);
			lts->v = nt;
			lts->cap = ncap;
		}
		lt = &lts->v[lts->n];
		memset(lt, 0, sizeof(*lt));
		lt->mode = "skipped";
		if (lts->keep_views < 0)
			lts->keep_views =
			    o->sink.create && schema_objects_has_views(ob);
		if (lts->keep_views &&
		    (!(lt->vsrc = schema_table_copy(tk->in_t, e)) ||
		     !(lt->vdst = schema_table_copy(tk->t, e)))) {
			schema_table_free(lt->vsrc);
			return -1;
		}
		if (!(lt->name = strdup(tk->name)) ||
		    !(lt->from = strdup(tk->in_t->name))) {
			free(lt->name);
			schema_table_free(lt->vsrc);
			schema_table_free(lt->vdst);
			return err_oom(e);
		}
		lts->n++;
		lt->renamed = tk->renamed;
		lt->notes = tk->notes;
		tk->renamed = tk->notes = NULL;
		lt->created = st->created;
		lt->method = st->method;
	}
	lt->rows += st->rows;
	lt->skipped += tk->skipped;
	lt->rejected += st->rejected;
	lt->commits += st->commits;
	lt->deleted += st->deleted;
	if (st->commits)
		lt->mode = tk->mode_name;
	lt->seconds += tk->secs;
	lt->keys_seconds += st->keys_seconds;
	lt->keys_owed = st->keys_pending;
	lt->uncommitted = st->open ? lt->uncommitted + st->rows : 0;
	o->rows += st->rows;
	o->deleted += st->deleted;
	if (st->created && tk->t->nfkeys && !lt->fk &&
	    !(lt->fk = schema_table_copy(tk->t, e)))
		return -1;
	if (o->progress && o->parallel <= 1) /* else as it is read */
		progress_table_done(o->progress, st->rows + tk->skipped);
	if (o->metrics) {
		const struct stream_table_stats *ss = &tk->sstats;
		const struct schema_table *t = tk->t;
		if (metrics_table(o->metrics, tk->name, st->rows,
				  ss->stored_bytes, tk->secs, st->rejected,
				  e) < 0 ||
		    (t->watermark >= 0 && ss->has_watermark &&
		     metrics_watermark(o->metrics, tk->name,
				       t->cols[t->watermark].type,
				       &ss->watermark, &ss->watermark, e) < 0))
			return -1;
	}
	return 0;
}

/* --- --parallel: sections loaded by several connections at once --------- */

#define PAR_BATCH_ROWS 1024
#define PAR_BATCH_BYTES (256u << 10)
/* rows waiting for one connection, at most (a single larger row goes
 * alone) */
#define PAR_QUEUE_BYTES (4u << 20)

enum { PM_BEGIN, PM_ROWS, PM_END, PM_ABORT };

/* what the reading thread hands a worker, in order */
struct par_msg {
	struct par_msg *next;
	int kind;
	struct table_task *tk;
	size_t nrows, ncols;
	uint64_t first_row; /* the stream's number of the first */
	struct value *vals; /* nrows x ncols */
	struct buf bytes;   /* the values' bytes: vals point into it */
	size_t size;	    /* counted against PAR_QUEUE_BYTES */
};

struct load_par;

struct par_worker {
	struct load_par *lp;
	pthread_t th;
	int started;
	struct sink *s;
	struct job_table job;
	struct par_msg *head, *tail;
	size_t queued; /* bytes of the messages waiting */
	size_t open;   /* sections given, not yet committed or given up */
	int failed;
	/* the tables whose key ranges left their keys for a later one */
	char **owed;
	size_t nowed;
};

/* a table met: the connection its key ranges go to */
struct par_seen {
	char *name;
	size_t worker;
};

struct load_par {
	struct load_opts *o;
	struct sink *main; /* the run's own connection */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pthread_mutex_t shared; /* sink_opts shared_lock */
	struct par_worker *w;
	size_t n;
	int quit;
	int failed; /* a worker failed: e says how */
	struct err e;
	char *failed_table;
	struct table_task *first, *last; /* given, not merged: in order */
	struct par_seen *seen;
	size_t nseen, capseen;
	struct schema_objects objects; /* the workers' copy */
	int has_objects;
};

static void par_msg_free(struct par_msg *m)
{
	if (!m)
		return;
	free(m->vals);
	buf_release(&m->bytes);
	free(m);
}

static struct par_msg *par_msg_new(int kind, struct table_task *tk,
				   struct err *e)
{
	struct par_msg *m = calloc(1, sizeof(*m));

	if (!m) {
		err_oom(e);
		return NULL;
	}
	m->kind = kind;
	m->tk = tk;
	m->ncols = tk->t->ncols;
	m->size = sizeof(*m);
	buf_init(&m->bytes, SIZE_MAX / 2);
	return m;
}

/* Append a copy of row (its bytes into m->bytes, their offsets for now) */
static int par_msg_add(struct par_msg *m, const struct schema_table *t,
		       const struct value *row, uint64_t row_no, struct err *e)
{
	struct value *v;

	if (!m->vals) {
		if (!(m->vals = calloc((size_t)PAR_BATCH_ROWS * (m->ncols + 1),
				       sizeof(*m->vals))))
			return err_oom(e);
		m->first_row = row_no;
		m->size += (size_t)PAR_BATCH_ROWS * (m->ncols + 1) *
			   sizeof(*m->vals);
	}
	v = m->vals + m->nrows * m->ncols;
	memcpy(v, row, m->ncols * sizeof(*v));
	for (size_t i = 0; i < m->ncols; i++)
		if (!v[i].null && value_type_is_bytes(t->cols[i].type)) {
			size_t at = m->bytes.len;
			if (buf_add(&m->bytes, v[i].v.s.p, v[i].v.s.len, e) < 0)
				return -1;
			v[i].v.s.p = (const char *)(uintptr_t)at;
		}
	m->nrows++;
	return 0;
}

/* the bytes are all in: the values point into them */
static void par_msg_seal(struct par_msg *m, const struct schema_table *t)
{
	for (size_t r = 0; r < m->nrows; r++)
		for (size_t i = 0; i < m->ncols; i++) {
			struct value *v = &m->vals[r * m->ncols + i];
			if (!v->null && value_type_is_bytes(t->cols[i].type))
				v->v.s.p = (const char *)m->bytes.data +
					   (uintptr_t)v->v.s.p;
		}
	m->size += m->bytes.len;
}

/* A worker's part of a message; -1 with e set (its table given up) */
static int par_do(struct par_worker *w, struct par_msg *m, struct err *e)
{
	const struct load_opts *o = w->lp->o;
	struct table_task *tk = m->tk;

	switch (m->kind) {
	case PM_BEGIN:
		tk->ts = progress_now();
		for (size_t k = 0; k < w->nowed; k++)
			if (strcmp(w->owed[k], tk->name) == 0) {
				tk->keys_owed = 1;
				free(w->owed[k]);
				w->owed[k] = w->owed[--w->nowed];
				break;
			}
		return task_open(o, w->s, &w->job, tk, e) < 0 ? -1 : 0;
	case PM_ROWS:
		for (size_t r = 0; r < m->nrows; r++)
			if (task_row(o, w->s, &w->job, tk,
				     m->vals + r * m->ncols, m->first_row + r,
				     e) < 0)
				return -1;
		return 0;
	case PM_END:
		if (task_close(w->s, &w->job, tk, e) < 0)
			return -1;
		if (tk->st.keys_pending) {
			char **no = realloc(w->owed,
					    (w->nowed + 1) * sizeof(*no));
			if (!no)
				return err_oom(e);
			w->owed = no;
			if (!(w->owed[w->nowed] = strdup(tk->name)))
				return err_oom(e);
			w->nowed++;
		}
		return 0;
	default: /* PM_ABORT: the stream broke inside the section */
		if (tk->load)
			sink_abort_table(w->s,
					 "the input stream is broken or cut "
					 "short");
		return 0;
	}
}

static void *par_main(void *arg)
{
	struct par_worker *w = arg;
	struct load_par *lp = w->lp;

	pthread_mutex_lock(&lp->lock);
	for (;;) {
		struct par_msg *m;
		struct err e;
		int rc = 0;

		while (!w->head && !lp->quit)
			pthread_cond_wait(&lp->changed, &lp->lock);
		if (!(m = w->head))
			break;
		w->head = m->next;
		if (!w->head)
			w->tail = NULL;
		w->queued -= m->size;
		pthread_cond_broadcast(&lp->changed);
		pthread_mutex_unlock(&lp->lock);
		err_init(&e);
		if (!w->failed)
			rc = par_do(w, m, &e);
		pthread_mutex_lock(&lp->lock);
		if (rc < 0) {
			w->failed = 1;
			m->tk->state = TASK_FAILED;
			if (!lp->failed) {
				lp->failed = 1;
				lp->e = e;
				lp->failed_table = strdup(m->tk->name);
			}
		}
		if (m->kind == PM_END || m->kind == PM_ABORT) {
			if (m->tk->state == TASK_OPEN)
				m->tk->state = m->kind == PM_END && !w->failed
						   ? TASK_DONE
						   : TASK_FAILED;
			w->open--;
		}
		pthread_cond_broadcast(&lp->changed);
		par_msg_free(m);
	}
	pthread_mutex_unlock(&lp->lock);
	return NULL;
}

/* Queue m for w, waiting while w has PAR_QUEUE_BYTES waiting (not an
 * abort, which must get through).  -1 when a worker failed (lp->e). */
static int par_push(struct load_par *lp, struct par_worker *w,
		    struct par_msg *m)
{
	pthread_mutex_lock(&lp->lock);
	while (m->kind != PM_ABORT && !lp->failed && w->queued &&
	       w->queued + m->size > PAR_QUEUE_BYTES)
		pthread_cond_wait(&lp->changed, &lp->lock);
	if (lp->failed && m->kind != PM_ABORT) {
		pthread_mutex_unlock(&lp->lock);
		par_msg_free(m);
		return -1;
	}
	m->next = NULL;
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
	w->queued += m->size;
	pthread_cond_broadcast(&lp->changed);
	pthread_mutex_unlock(&lp->lock);
	return 0;
}

/* the stream's objects, copied for the workers (the reader's may grow) */
static int objects_copy(struct schema_objects *to,
			const struct schema_objects *from, struct err *e)
{
	char *j;
	int rc;

	memset(to, 0, sizeof(*to));
	if (!from->n)
		return 0;
	if (!(j = schema_objects_json(from, e)))
		return -1;
	rc = schema_objects_parse(to, j, strlen(j), e);
	free(j);
	return rc;
}

/* Open n connections with the run's sink options so, each a thread. */
static struct load_par *par_new(const struct uri *u, struct load_opts *o,
				const struct sink_opts *so, struct sink *main,
				size_t n, struct err *e)
{
	struct load_par *lp = calloc(1, sizeof(*lp));

	if (!lp || !(lp->w = calloc(n, sizeof(*lp->w)))) {
		free(lp);
		err_oom(e);
		return NULL;
	}
	lp->o = o;
	lp->main = main;
	lp->n = n;
	pthread_mutex_init(&lp->lock, NULL);
	pthread_cond_init(&lp->changed, NULL);
	pthread_mutex_init(&lp->shared, NULL);
	for (size_t i = 0; i < n; i++) {
		struct par_worker *w = &lp->w[i];
		struct sink_opts wo = *so;
		w->lp = lp;
		wo.job_worker = 1;
		wo.shared_lock = &lp->shared;
		wo.checkpoint_ctx = &w->job;
		wo.memory_share = (unsigned)n;
		if (!(w->s = sink_open(u, &wo, e)))
			return lp; /* par_free closes what opened */
		if (i == 0 && w->s->index_kib)
			load_notice(o,
				    "--parallel %zu: each connection builds "
				    "keys and indexes with maintenance_work_mem "
				    "%lld kB, its share of the server's %lld kB",
				    n, w->s->index_kib, w->s->index_of_kib);
		if (pthread_create(&w->th, NULL, par_main, w) != 0) {
			err_set(e, ERR_SYSTEM, "cannot start a thread");
			return lp;
		}
		w->started = 1;
	}
	return lp;
}

/* Stop the workers (each ends what it was given first) and free them;
 * what they loaded is merged by the caller first (par_merge). */
static void par_join(struct load_par *lp)
{
	if (!lp)
		return;
	pthread_mutex_lock(&lp->lock);
	lp->quit = 1;
	pthread_cond_broadcast(&lp->changed);
	pthread_mutex_unlock(&lp->lock);
	for (size_t i = 0; i < lp->n; i++)
		if (lp->w[i].started) {
			pthread_join(lp->w[i].th, NULL);
			lp->w[i].started = 0;
		}
}

static void par_free(struct load_par *lp)
{
	if (!lp)
		return;
	par_join(lp);
	for (size_t i = 0; i < lp->n; i++) {
		struct par_worker *w = &lp->w[i];
		while (w->head) {
			struct par_msg *m = w->head;
			w->head = m->next;
			par_msg_free(m);
		}
		sink_close(w->s);
		job_table_release(&w->job);
		for (size_t k = 0; k < w->nowed; k++)
			free(w->owed[k]);
		free(w->owed);
	}
	while (lp->first) {
		struct table_task *tk = lp->first;
		lp->first = tk->next;
		task_free(tk);
	}
	for (size_t i = 0; i < lp->nseen; i++)
		free(lp->seen[i].name);
	free(lp->seen);
	free(lp->failed_table);
	schema_objects_release(&lp->objects);
	pthread_mutex_destroy(&lp->lock);
	pthread_cond_destroy(&lp->changed);
	pthread_mutex_destroy(&lp->shared);
	free(lp->w);
	free(lp);
}

/*
 * Merge the sections the workers finished, in the order they were
 * given; with wait, wait for all of them (and, once a worker failed or
 * the workers stopped, take every one that committed, in any order).
 */
static int par_merge(struct load_par *lp, struct load_opts *o,
		     struct load_tabs *lts, const struct schema_objects *ob,
		     int wait, struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&lp->lock);
	for (;;) {
		struct table_task *tk = lp->first, **at = &lp->first;
		/* after a failure: the first that is over, wherever it is */
		while (tk && tk->state == TASK_OPEN && (lp->failed || lp->quit)) {
			at = &tk->next;
			tk = tk->next;
		}
		if (!tk)
			break;
		if (tk->state == TASK_OPEN) {
			if (!wait)
				break;
			pthread_cond_wait(&lp->changed, &lp->lock);
			continue;
		}
		*at = tk->next;
		if (lp->last == tk) {
			struct table_task *p = lp->first;
			while (p && p->next)
				p = p->next;
			lp->last = p;
		}
		pthread_mutex_unlock(&lp->lock);
		if (tk->state == TASK_DONE && rc == 0 &&
		    task_merge(o, lts, ob, tk, e) < 0)
			rc = -1;
		task_free(tk);
		pthread_mutex_lock(&lp->lock);
	}
	pthread_mutex_unlock(&lp->lock);
	return rc;
}

/* the table `name` given to a worker before, or NULL */
static const struct par_seen *par_seen_find(const struct load_par *lp,
					    const char *name)
{
	for (size_t k = 0; lp && k < lp->nseen; k++)
		if (strcmp(lp->seen[k].name, name) == 0)
			return &lp->seen[k];
	return NULL;
}

/* the connection the table goes to: the one of its earlier key ranges,
 * else one with nothing to do (once all are idle, when its foreign keys
 * need the tables before it committed); -1 when a worker failed */
static int par_pick(struct load_par *lp, struct table_task *tk, size_t *wi,
		    struct err *e)
{
	const struct par_seen *met = par_seen_find(lp, tk->name);
	struct par_seen *ns;
	int related;

	if (met) {
		tk->seen = 1;
		*wi = met->worker;
		return 0;
	}
	if (sink_claim_name(lp->main, tk->t, tk->name, e) < 0)
		return err_prefix(e, "table %s", tk->name);
	if ((related = sink_fk_related(lp->main, tk->t, tk->name, e)) < 0)
		return err_prefix(e, "table %s", tk->name);
	pthread_mutex_lock(&lp->lock);
	for (;;) {
		size_t idle = SIZE_MAX, busy = 0;
		if (lp->failed)
			break;
		for (size_t k = 0; k < lp->n; k++) {
			if (lp->w[k].open || lp->w[k].head)
				busy++;
			else if (idle == SIZE_MAX)
				idle = k;
		}
		if (idle != SIZE_MAX && (!related || !busy)) {
			*wi = idle;
			break;
		}
		pthread_cond_wait(&lp->changed, &lp->lock);
	}
	pthread_mutex_unlock(&lp->lock);
	if (lp->failed)
		return -1;
	if (lp->nseen == lp->capseen) {
		size_t nc = lp->capseen ? lp->capseen * 2 : 16;
		if (!(ns = realloc(lp->seen, nc * sizeof(*ns))))
			return err_oom(e);
		lp->seen = ns;
		lp->capseen = nc;
	}
	if (!(lp->seen[lp->nseen].name = strdup(tk->name)))
		return err_oom(e);
	lp->seen[lp->nseen++].worker = *wi;
	return 0;
}

/*
 * Hand the table section the reader is at to a worker: its rows in
 * batches, then its end once the stream's table-end frame checked them.
 * tk becomes the workers'.  -1: e set (the stream), or a worker failed
 * (lp->failed, e untouched).
 */
static int par_table(struct load_par *lp, struct stream_reader *r,
		     struct table_task *tk, struct err *e)
{
	const struct load_opts *o = lp->o;
	struct par_worker *w;
	struct par_msg *m = NULL;
	const struct value *row;
	size_t wi = 0;
	int rrc;

	if (par_pick(lp, tk, &wi, e) < 0) {
		task_free(tk);
		return -1;
	}
	w = &lp->w[wi];
	if (!(m = par_msg_new(PM_BEGIN, tk, e))) {
		task_free(tk);
		return -1;
	}
	pthread_mutex_lock(&lp->lock);
	w->open++;
	tk->next = NULL;
	if (lp->last)
		lp->last->next = tk;
	else
		lp->first = tk;
	lp->last = tk;
	pthread_mutex_unlock(&lp->lock);
	if (par_push(lp, w, m) < 0)
		goto abort;
	m = NULL;
	while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
		if (!m && !(m = par_msg_new(PM_ROWS, tk, e)))
			goto abort;
		if (par_msg_add(m, tk->t, row, stream_reader_row_number(r),
				e) < 0)
			goto abort;
		if (m->nrows == PAR_BATCH_ROWS ||
		    m->bytes.len >= PAR_BATCH_BYTES) {
			par_msg_seal(m, tk->t);
			rrc = par_push(lp, w, m);
			m = NULL;
			if (rrc < 0)
				goto abort;
		}
		if (o->progress)
			progress_update(o->progress, tk->name,
					stream_reader_row_number(r),
					stream_reader_offset(r));
	}
	if (rrc < 0)
		goto abort;
	if (m) {
		par_msg_seal(m, tk->t);
		rrc = par_push(lp, w, m);
		m = NULL;
		if (rrc < 0)
			goto abort;
	}
	tk->sstats = *stream_reader_table_stats(r);
	if (o->progress)
		progress_table_done(o->progress, stream_reader_row_number(r));
	if (!(m = par_msg_new(PM_END, tk, e)))
		goto abort;
	return par_push(lp, w, m);
abort: {
	/* the section is not whole: the worker rolls it back */
	struct err ignored;
	par_msg_free(m);
	if ((m = par_msg_new(PM_ABORT, tk, &ignored)))
		par_push(lp, w, m);
	return -1;
}
}

int load_run(const struct uri *u, struct load_opts *o, FILE *in, struct err *e)
{
	struct rejects *rj = NULL;
	struct sink_opts so = o->sink;
	struct stream_reader *r = NULL;
	struct sink *s = NULL;
	struct load_tabs lts = { NULL, 0, 0, -1 };
	struct load_par *lp = NULL; /* --parallel's workers */
	size_t nmet = 0;	    /* table sections read */
	const struct schema_table *t, *in_t;
	struct schema_table *ft = NULL; /* t, its names folded (namefold.h) */
	struct namefold_run *fold_run = NULL;
	struct job_table job;
	double t0 = progress_now();
	int rc = -1, trc, stats_tried = 0;
	char *inflight = NULL; /* the target's name of the table in flight */
	int *seqs = NULL;      /* load_sequences' outcome per object */
	size_t nseqs = 0;      /* of the objects read by the first table */
	int *views = NULL;     /* load_views' outcome per object */
	char **whys = NULL;    /* and why each view was not made */
	size_t nwhys = 0;
	char first_part[CHECKPOINT_PART_MAX];

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
	/* the job's lock once the first table is read: a --part stream's
	 * is its part's, so that the parts of a job load at once */
	so.job_lock_later = so.job && !o->follow;
	if (!(s = sink_open(u, &so, e)))
		goto out;
	if (s->notice && o->notice)
		o->notice(s->notice);
	if (!(fold_run = namefold_run_new(e)))
		goto out;
	if (o->parallel > 1 &&
	    !(lp = par_new(u, o, &so, s, (size_t)o->parallel, e)))
		goto out;
	if (lp && e->class)
		goto out;
	while ((trc = stream_reader_next_table(r, &in_t, e)) == 1) {
		const char *name;
		const struct schema_table *const *pv;
		size_t npv;
		struct table_task *tk;
		/* a follow stream is loaded knowingly, or not at all */
		if (!nmet &&
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
		if (!nmet && so.job_lock_later) {
			sink_checkpoint_part(in_t, first_part);
			if (sink_job_lock(s, first_part, e) < 0)
				goto out;
		}
		/* before the first row: every table --create must make */
		if (!nmet && so.create &&
		    (npv = stream_reader_preview(r, &pv)) > 0 &&
		    preflight_create(u, o, pv, npv, e) < 0)
			goto out;
		/* --mode truncate of several tables: all emptied together
		 * first, so that keys between them do not stand in the way */
		if (!nmet && so.mode == SINK_TRUNCATE &&
		    (npv = stream_reader_preview(r, &pv)) > 1 &&
		    empty_run(u, o, s, pv, npv, e) < 0)
			goto out;
		/* and the free sequences, before the tables whose defaults
		 * take their nextval */
		if (!nmet && !seqs) {
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
			if (lp && objects_copy(&lp->objects, ob, e) < 0)
				goto out;
			for (size_t k = 0; lp && k < lp->n; k++) {
				lp->w[k].s->run_emptied = s->run_emptied;
				lp->w[k].s->sequences =
				    so.create ? &lp->objects : NULL;
			}
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
		if (o->progress) {
			/* the run's rows, from the preview's estimates */
			if (!nmet) {
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
		nmet++;
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
		/* ranges that all follow in this stream (--parallel) keep
		 * one position for the table: one that begins later than
		 * the first would resume after another's last key, and
		 * rows would be skipped as loaded (a --part stream's range
		 * has a checkpoint of its own) */
		if (so.job && !o->follow && in_t->section_all &&
		    in_t->section_k > 1 && !tabs_find(&lts, name) &&
		    !par_seen_find(lp, name)) {
			err_set(e, ERR_USAGE,
				"table %s: the stream begins it at key range "
				"%u of %u, whose earlier ranges it says it "
				"holds: --job keeps one position for these "
				"ranges, which it would skip",
				name, in_t->section_k, in_t->section_n);
			goto out;
		}
		if (!(tk = calloc(1, sizeof(*tk))) ||
		    !(tk->name = strdup(name))) {
			free(tk);
			err_oom(e);
			goto out;
		}
		if (lp) {
			/* the worker's own copies: the reader's go with the
			 * next table */
			if (!(tk->own_in = schema_table_copy(in_t, e)) ||
			    (ft && !(tk->own_t = schema_table_copy(ft, e)))) {
				task_free(tk);
				goto out;
			}
			tk->in_t = tk->own_in;
			tk->t = tk->own_t ? tk->own_t : tk->own_in;
			if (par_table(lp, r, tk, e) < 0 ||
			    par_merge(lp, o, &lts, stream_reader_objects(r), 0,
				      e) < 0)
				goto out;
			continue;
		}
		tk->in_t = in_t;
		tk->t = t;
		tk->ts = progress_now();
		/* a table met again: the next key range of one extract
		 * (--parallel, --part); the first emptied it */
		{
			const struct load_table *met = tabs_find(&lts, name);
			tk->seen = met != NULL;
			tk->keys_owed = met && met->keys_owed;
		}
		if ((trc = task_open(o, s, &job, tk, e)) < 0) {
			task_free(tk);
			goto out;
		}
		if (trc == 0) {
			if (drain_table(r, &tk->skipped, e) < 0) {
				task_free(tk);
				goto out;
			}
		} else {
			const struct value *row;
			int rrc;
			while ((rrc = stream_reader_next_row(r, &row, e)) ==
			       1) {
				if (task_row(o, s, &job, tk, row,
					     stream_reader_row_number(r),
					     e) < 0) {
					task_free(tk);
					goto out;
				}
				if (o->progress)
					progress_update(
					    o->progress, name,
					    stream_reader_row_number(r),
					    stream_reader_offset(r));
			}
			/* a bad stream: nothing of this table is kept */
			if (rrc < 0) {
				sink_abort_table(s, "the input stream is "
						    "broken or cut short");
				task_free(tk);
				goto out;
			}
		}
		if (task_close(s, &job, tk, e) < 0 ||
		    (rj && rejects_end_table(rj, e) < 0)) {
			task_free(tk);
			goto out;
		}
		tk->sstats = *stream_reader_table_stats(r);
		trc = task_merge(o, &lts, stream_reader_objects(r), tk, e);
		task_free(tk);
		if (trc < 0)
			goto out;
		free(inflight);
		inflight = NULL;
	}
	if (trc < 0)
		goto out;
	if (lp) {
		if (par_merge(lp, o, &lts, stream_reader_objects(r), 1, e) < 0)
			goto out;
		if (lp->failed)
			goto out;
		free(inflight);
		inflight = NULL;
	}
	for (size_t k = 0; k < lts.n; k++)
		if (lts.v[k].keys_owed) {
			err_set(e, ERR_STREAM,
				"table %s: the stream ended before the last of "
				"its key ranges, after which its key and "
				"indexes are built",
				lts.v[k].name);
			goto out;
		}
	if (load_foreign_keys(o, s, lts.v, lts.n, e) < 0)
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
		    load_views(o, u, s, lts.v, lts.n, ob, views, whys, e) < 0 ||
		    schema_report(o, ob, seqs, views, whys, lts.v, lts.n, e) < 0)
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
	    write_stats(o->stats_path, lts.v, lts.n, progress_now() - t0,
			o->sink.mode == SINK_DELETE, NULL, NULL, e) < 0)
		goto out;
	rc = 0;
out:
	if (lp && rc < 0) {
		/* the workers finish what they were given whole, and roll
		 * back the section in flight; what they committed is told */
		struct err me;
		err_init(&me);
		par_join(lp);
		par_merge(lp, o, &lts, stream_reader_objects(r), 1, &me);
		if (lp->failed) {
			*e = lp->e;
			free(inflight);
			inflight = lp->failed_table;
			lp->failed_table = NULL;
		}
	}
	par_free(lp);
	/* a run that stops still says what it committed, and where it
	 * stopped: a rerun under --job goes on from there */
	if (rc < 0 && o->stats_path && !stats_tried) {
		struct err we;
		err_init(&we);
		/* what a failed table's open transaction held is gone */
		for (size_t k = 0; k < lts.n; k++) {
			lts.v[k].rows -= lts.v[k].uncommitted;
			lts.v[k].uncommitted = 0;
		}
		if (write_stats(o->stats_path, lts.v, lts.n, progress_now() - t0,
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
	for (size_t i = 0; i < lts.n; i++) {
		free(lts.v[i].name);
		free(lts.v[i].from);
		cJSON_Delete(lts.v[i].renamed);
		cJSON_Delete(lts.v[i].notes);
		schema_table_free(lts.v[i].fk);
		schema_table_free(lts.v[i].vsrc);
		schema_table_free(lts.v[i].vdst);
	}
	schema_table_free(ft);
	namefold_run_free(fold_run);
	free(lts.v);
	job_table_release(&job);
	sink_close(s);
	stream_reader_free(r);
	return rc;
}
