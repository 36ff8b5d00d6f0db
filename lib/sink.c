#include "sink.h"

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
