#include "sink.h"

#include <string.h>

struct sink *sink_open(const struct uri *u, const struct sink_opts *o,
		       struct err *e)
{
	if (u->engine == URI_MYSQL)
		return sink_mysql_open(u, o, e);
	return sink_pg_open(u, o, e);
}

int sink_begin_table(struct sink *s, const struct schema_table *t,
		     const char *name, struct err *e)
{
	s->row_no = 0;
	return s->ops->begin_table(s, t, name, e);
}

int sink_write_row(struct sink *s, const struct value *row, struct err *e)
{
	s->row_no++;
	return s->ops->write_row(s, row, e);
}

int sink_end_table(struct sink *s, struct sink_table_stats *st, struct err *e)
{
	return s->ops->end_table(s, st, e);
}

void sink_abort_table(struct sink *s, const char *why)
{
	s->ops->abort_table(s, why);
}

void sink_close(struct sink *s)
{
	if (s)
		s->ops->close(s);
}

int sink_checkpoint_read(struct sink *s, const char *table,
			 struct checkpoint *c, struct err *e)
{
	return s->ops->checkpoint_read(s, table, c, e);
}

int sink_checkpoint_commit(struct sink *s, const struct schema_table *t,
			   uint64_t rows, int done, int keys_pending,
			   struct err *e)
{
	struct checkpoint c;

	if (!s->opts.job)
		return 0;
	memset(&c, 0, sizeof(c));
	if (s->opts.checkpoint &&
	    s->opts.checkpoint(s->opts.checkpoint_ctx, rows, &c, e) < 0)
		return -1;
	c.done = done;
	c.keys_pending = keys_pending;
	if (s->ops->checkpoint_write(s, t->name, &c, e) < 0)
		return err_prefix(e, "job %s", s->opts.job);
	return 0;
}
