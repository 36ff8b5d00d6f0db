#include "db/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "db/checkpoint_int.h"
#include "db/mysql/checkpoint_mysql.h"
#include "db/pg/checkpoint_pg.h"

void checkpoint_release(struct checkpoint *c)
{
	free(c->last_key);
	free(c->last_watermark);
	free(c->watermark_column);
	free(c->updated_at);
	memset(c, 0, sizeof(*c));
}

int checkpoint_check_job(const char *job, struct err *e)
{
	size_t len = strlen(job);

	if (len == 0 || !utf8_valid(job, len) ||
	    utf8_chars(job, len) > CHECKPOINT_MAX_NAME)
		return err_set(e, ERR_USAGE,
			       "--job: a name of 1 to %d characters of UTF-8",
			       CHECKPOINT_MAX_NAME);
	for (const char *p = job; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_USAGE,
				       "--job: no control characters");
	return 0;
}

int checkpoint_check_table(const char *table, struct err *e)
{
	if (utf8_chars(table, strlen(table)) > CHECKPOINT_MAX_NAME)
		return err_set(e, ERR_USAGE,
			       "table %.60s...: a name longer than %d "
			       "characters cannot have a checkpoint",
			       table, CHECKPOINT_MAX_NAME);
	return 0;
}

int checkpoint_dup(char **out, const char *s, struct err *e)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return err_oom(e);
	return 0;
}

int checkpoint_params(const char *p[8], char rows[24], const char *job,
		      const char *table, const struct checkpoint *c,
		      const char *yes, const char *no, struct err *e)
{
	if (checkpoint_check_table(table, e) < 0)
		return -1;
	snprintf(rows, 24, "%" PRIu64, c->rows);
	p[0] = job;
	p[1] = table;
	p[2] = rows;
	p[3] = c->last_key;
	p[4] = c->last_watermark;
	p[5] = c->watermark_column;
	p[6] = c->done ? "done" : "loading";
	p[7] = c->keys_pending ? yes : no;
	return 0;
}

int checkpoint_from_row(void *ctx, char **row, size_t *lens, struct err *e)
{
	struct checkpoint *c = ctx;
	(void)lens;
	checkpoint_release(c);
	c->found = 1;
	c->rows = strtoull(row[0] ? row[0] : "0", NULL, 10);
	c->done = row[4] && strcmp(row[4], "done") == 0;
	c->keys_pending = row[5] && strcmp(row[5], "1") == 0;
	if (checkpoint_dup(&c->last_key, row[1], e) < 0 ||
	    checkpoint_dup(&c->last_watermark, row[2], e) < 0 ||
	    checkpoint_dup(&c->watermark_column, row[3], e) < 0 ||
	    checkpoint_dup(&c->updated_at, row[6], e) < 0)
		return -1;
	return 0;
}

int checkpoint_job_row(void *ctx, char **row, size_t *lens, struct err *e)
{
	struct checkpoint_job *j = ctx;
	struct checkpoint c;
	int rc;

	memset(&c, 0, sizeof(c));
	if (checkpoint_from_row(&c, row, lens, e) < 0) {
		checkpoint_release(&c);
		return -1;
	}
	rc = j->fn(j->ctx, row[7], &c, e);
	checkpoint_release(&c);
	return rc;
}

int checkpoint_read_job(const struct uri *u, const char *defaults_file,
			unsigned connect_timeout, unsigned read_timeout,
			const char *job, checkpoint_fn fn, void *ctx,
			struct err *e)
{
	/* every engine's checkpoint table: one line each */
	static const struct {
		enum uri_engine id;
		int (*read_job)(const struct uri *, const char *, unsigned,
				unsigned, const char *, struct checkpoint_job *,
				struct err *);
	} engines[] = {
		{ URI_MYSQL, checkpoint_my_read_job },
		{ URI_PG, checkpoint_pg_read_job },
	};
	struct checkpoint_job j = { fn, ctx };

	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (engines[i].id == u->engine)
			return engines[i].read_job(u, defaults_file,
						   connect_timeout,
						   read_timeout, job, &j, e);
	return err_set(e, ERR_USAGE, "no checkpoint table for this database");
}
