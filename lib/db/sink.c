#include "db/sink_int.h"

#include <inttypes.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct sink *sink_open(const struct uri *u, const struct sink_opts *o,
		       struct err *e)
{
	/* every engine's sink: one line each */
	static const struct {
		enum uri_engine id;
		struct sink *(*open)(const struct uri *,
				     const struct sink_opts *, struct err *);
	} sinks[] = {
		{ URI_MYSQL, sink_mysql_open },
		{ URI_PG, sink_pg_open },
	};

	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++)
		if (sinks[i].id == u->engine)
			return sinks[i].open(u, o, e);
	err_set(e, ERR_USAGE, "no sink for this database");
	return NULL;
}

const char *sink_mode_name(enum sink_mode m)
{
	switch (m) {
	case SINK_UPSERT: return "upsert";
	case SINK_TRUNCATE: return "truncate";
	case SINK_DELETE: return "delete";
	default: return "insert";
	}
}

int sink_group_begin(struct sink *s, struct err *e)
{
	s->opts.create = 0; /* a group's tables are there */
	s->keys_pending = 0;
	if (s->ops->group(s, 0, e) < 0)
		return -1;
	s->group = 1;
	return 0;
}

int sink_group_commit(struct sink *s, const char *table,
		      const struct checkpoint *c, struct err *e)
{
	if (s->opts.job && s->ops->checkpoint_write(s, table, c, e) < 0) {
		err_prefix(e, "job %s", s->opts.job);
		sink_group_abort(s);
		return -1;
	}
	if (s->ops->group(s, 1, e) < 0) {
		sink_group_abort(s);
		return -1;
	}
	s->group = 0;
	return 0;
}

void sink_group_abort(struct sink *s)
{
	struct err ignored;

	if (s->group)
		s->ops->group(s, 2, &ignored);
	s->group = 0;
}

void sink_set_mode(struct sink *s, enum sink_mode m)
{
	s->opts.mode = m;
}

int sink_begin_table(struct sink *s, const struct schema_table *t,
		     const char *name, struct err *e)
{
	s->row_no = 0;
	create_notes_release(&s->notes);
	return s->ops->begin_table(s, t, name, e);
}

int sink_write_row(struct sink *s, const struct value *row, struct err *e)
{
	s->row_no++;
	return s->ops->write_row(s, row, e);
}

int sink_end_table(struct sink *s, struct sink_table_stats *st, struct err *e)
{
	memset(st, 0, sizeof(*st));
	return s->ops->end_table(s, st, e);
}

int sink_foreign_keys(struct sink *s, const struct schema_table *t,
		      const char *name, char *const *refs,
		      struct create_notes *notes, struct err *e)
{
	return s->ops->foreign_keys(s, t, name, refs, notes, e);
}

int sink_sequence(struct sink *s, const struct schema_sequence *q, int create,
		  enum sink_seq_outcome *out, struct err *e)
{
	*out = SINK_SEQ_UNSUPPORTED;
	return s->ops->sequence ? s->ops->sequence(s, q, create, out, e) : 0;
}

int sink_view(struct sink *s, const char *name, const char *query,
	      const struct sink_view_tables *vt, enum sink_view_outcome *out,
	      char *why, size_t whysz, struct err *e)
{
	*out = SINK_VIEW_UNSUPPORTED;
	if (whysz)
		why[0] = '\0';
	return s->ops->view
		   ? s->ops->view(s, name, query, vt, out, why, whysz, e)
		   : 0;
}

int sink_value_refused(struct sink *s, const struct schema_table *t,
		       const struct value *row, size_t col, struct err *e)
{
	char key[160], why[ERR_MSG_MAX + 1200];

	if (e->class != ERR_STREAM && e->class != ERR_DB)
		return -1;
	if (e->class == ERR_STREAM && s->opts.reject) {
		snprintf(why, sizeof(why), "column %s: %s", t->cols[col].name,
			 e->msg);
		err_init(e);
		return s->opts.reject(s->opts.reject_ctx, t, row, why, e) < 0
			   ? -1
			   : 1;
	}
	if (t->npk)
		return err_prefix(e, "row %" PRIu64 " (%s), column %s",
				  s->row_no,
				  schema_row_key(t, row, key, sizeof(key)),
				  t->cols[col].name);
	return err_prefix(e, "row %" PRIu64 ", column %s", s->row_no,
			  t->cols[col].name);
}

int sink_empty_tables(struct sink *s, char *const *names, size_t n,
		      struct err *e)
{
	if (s->ops->empty_tables(s, names, n, e) < 0)
		return -1;
	s->run_emptied = 1;
	return 0;
}

int sink_fk_related(struct sink *s, const struct schema_table *t,
		    const char *name, struct err *e)
{
	return s->ops->fk_related ? s->ops->fk_related(s, t, name, e) : 0;
}

int sink_claim_name(struct sink *s, const struct schema_table *t,
		    const char *name, struct err *e)
{
	return s->ops->claim_name ? s->ops->claim_name(s, t, name, e) : 0;
}

void sink_abort_table(struct sink *s, const char *why)
{
	s->ops->abort_table(s, why);
}

int sink_triggers_refusal(struct err *e, char *const *names, size_t n)
{
	char list[400] = "", q[120];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(list) - 1; i++) {
		int w = snprintf(
		    list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
		    err_quote(q, sizeof(q), names[i], strlen(names[i]), 60));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return err_set(e, ERR_USAGE,
		       "%s %s would run on every row ferry writes, and a "
		       "trigger can change or drop rows: --triggers disable "
		       "(PostgreSQL) or --triggers fire says which",
		       n == 1 ? "trigger" : "triggers", list);
}

void sink_close(struct sink *s)
{
	if (s) {
		create_notes_release(&s->notes);
		s->ops->close(s);
	}
}

int sink_checkpoint_read(struct sink *s, const char *table, const char *part,
			 struct checkpoint *c, struct err *e)
{
	return s->ops->checkpoint_read(s, table, part, c, e);
}

int sink_job_lock(struct sink *s, const char *part, struct err *e)
{
	return s->ops->job_lock(s, part, e);
}

void sink_checkpoint_part(const struct schema_table *t,
			  char out[CHECKPOINT_PART_MAX])
{
	/* the key ranges of one stream (--parallel) are the table's */
	if (t->section_all)
		out[0] = 0;
	else
		checkpoint_part_name(out, t->section_k, t->section_n);
}

int sink_checkpoint_commit(struct sink *s, const struct schema_table *t,
			   uint64_t rows, int done, int keys_pending,
			   struct err *e)
{
	struct checkpoint c;

	if (!s->opts.job || s->group)
		return 0;
	memset(&c, 0, sizeof(c));
	if (s->opts.checkpoint &&
	    s->opts.checkpoint(s->opts.checkpoint_ctx, rows, &c, e) < 0)
		return -1;
	/* a key range of a table whose later ranges follow: not done yet
	 * (a --part stream's range is a part of its own) */
	sink_checkpoint_part(t, c.part);
	c.done = done && !schema_ranges_follow(t);
	c.keys_pending = keys_pending;
	if (s->ops->checkpoint_write(s, t->name, &c, e) < 0)
		return err_prefix(e, "job %s", s->opts.job);
	return 0;
}

static int same_name(const char *a, const char *b, int nocase)
{
	return nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* Every key column, and nothing else: a part of a composite key would
 * delete every row that shares it, more than the keys name. */
int sink_check_key_columns(const struct schema_table *t, char *const *pk,
			   size_t npk, int nocase, struct err *e)
{
	if (!npk)
		return err_set(e, ERR_USAGE,
			       "the target table has no primary key, which "
			       "--mode delete needs");
	for (size_t i = 0; i < t->ncols; i++) {
		size_t k = 0;
		while (k < npk && !same_name(t->cols[i].name, pk[k], nocase))
			k++;
		if (k == npk)
			return err_set(e, ERR_USAGE,
				       "column %s is not in the primary key of "
				       "the target (--mode delete takes key "
				       "columns only)",
				       t->cols[i].name);
	}
	for (size_t k = 0; k < npk; k++) {
		size_t i = 0;
		while (i < t->ncols &&
		       !same_name(t->cols[i].name, pk[k], nocase))
			i++;
		if (i == t->ncols)
			return err_set(e, ERR_USAGE,
				       "key column %s of the target is not in "
				       "the stream (--mode delete needs the "
				       "whole primary key)",
				       pk[k]);
	}
	return 0;
}
