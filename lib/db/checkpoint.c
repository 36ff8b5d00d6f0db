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

int checkpoint_params(const char *p[9], char rows[24], const char *job,
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
	p[8] = c->part;
	return 0;
}

void checkpoint_part_name(char out[CHECKPOINT_PART_MAX], unsigned k,
			  unsigned n)
{
	out[0] = 0;
	if (n > 1)
		snprintf(out, CHECKPOINT_PART_MAX, "%u/%u", k, n);
}

/* the N of part "K/N", 0 for the whole table or a spelling not ferry's */
static unsigned part_of(const char *part)
{
	const char *slash = strchr(part, '/');

	return slash ? (unsigned)strtoul(slash + 1, NULL, 10) : 0;
}

static unsigned part_k(const char *part)
{
	return (unsigned)strtoul(part, NULL, 10);
}

/* whether a row of part `have` stands against loading part `want`: the
 * whole table against a part, or parts of two different N */
static int part_conflict(const char *want, const char *have)
{
	if (strcmp(want, have) == 0)
		return 0;
	if (!*want || !*have)
		return 1;
	return part_of(want) != part_of(have);
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
	/* a part's name is ferry's own "K/N"; anything longer is not */
	if (row[8] && strlen(row[8]) >= CHECKPOINT_PART_MAX)
		return err_set(e, ERR_USAGE,
			       CHECKPOINT_TABLE ": part %.30s... is not a "
			       "part ferry writes",
			       row[8]);
	snprintf(c->part, sizeof(c->part), "%s", row[8] ? row[8] : "");
	return 0;
}

int checkpoint_pick_row(void *ctx, char **row, size_t *lens, struct err *e)
{
	struct checkpoint_pick *pk = ctx;
	struct checkpoint got;

	memset(&got, 0, sizeof(got));
	if (checkpoint_from_row(&got, row, lens, e) < 0) {
		checkpoint_release(&got);
		return -1;
	}
	if (!pk->c->found && strcmp(got.part, pk->part) == 0) {
		int other = pk->c->other_found;
		char name[CHECKPOINT_PART_MAX];
		memcpy(name, pk->c->other_part, sizeof(name));
		*pk->c = got;
		pk->c->other_found = other;
		memcpy(pk->c->other_part, name, sizeof(name));
		return 0;
	}
	if (!pk->c->other_found && part_conflict(pk->part, got.part)) {
		pk->c->other_found = 1;
		memcpy(pk->c->other_part, got.part, sizeof(got.part));
	}
	checkpoint_release(&got);
	return 0;
}

static void job_parts_free(struct checkpoint_job *j)
{
	for (size_t i = 0; i < j->n; i++)
		checkpoint_release(&j->parts[i]);
	j->n = 0;
	free(j->table);
	j->table = NULL;
}

/*
 * The gathered table handed on: its one row, or its parts as one
 * checkpoint, parts_open until every part 1..N is there and done (parts
 * are never --incremental, so they hold keys only).
 */
static int job_flush(struct checkpoint_job *j, struct err *e)
{
	struct checkpoint all;
	unsigned n, best = 0, got = 0;
	size_t at = 0;
	unsigned char *had;
	int rc;

	if (!j->table)
		return 0;
	if (j->n == 1 && !j->parts[0].part[0]) {
		rc = j->fn(j->ctx, j->table, &j->parts[0], e);
		job_parts_free(j);
		return rc;
	}
	n = part_of(j->parts[0].part);
	if (!n || n > CHECKPOINT_MAX_PARTS) {
		rc = err_set(e, ERR_USAGE,
			     "job %s: table %s has a checkpoint of part '%s', "
			     "which is not a part ferry writes",
			     j->job, j->table, j->parts[0].part);
		job_parts_free(j);
		return rc;
	}
	memset(&all, 0, sizeof(all));
	all.found = 1;
	all.done = 1;
	/* one pass: the rows go together (parts of one N, no whole-table
	 * row, no watermark), and each part 1..N is done once */
	had = calloc((size_t)n + 1, 1);
	if (!had) {
		job_parts_free(j);
		return err_oom(e);
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct checkpoint *c = &j->parts[i];
		unsigned k = part_k(c->part);
		if (!c->part[0] || part_of(c->part) != n || c->last_watermark) {
			rc = err_set(e, ERR_USAGE,
				     "job %s: table %s has checkpoints of "
				     "parts that do not go together ('%s' "
				     "and '%s')",
				     j->job, j->table, j->parts[0].part,
				     c->part);
			free(had);
			job_parts_free(j);
			return rc;
		}
		if (!all.updated_at ||
		    (c->updated_at && strcmp(c->updated_at, all.updated_at) > 0))
			all.updated_at = c->updated_at;
		if (k < 1 || k > n || had[k] || !c->done)
			continue;
		had[k] = 1;
		got++;
		all.rows += c->rows;
		all.keys_pending |= c->keys_pending;
		if (c->last_key && k > best) {
			best = k;
			at = i;
		}
	}
	free(had);
	if (got != n) {
		/* no one place to go on from until every part is done */
		all.done = 0;
		all.rows = 0;
		all.parts_open = 1;
	} else if (best) {
		all.last_key = j->parts[at].last_key;
		all.watermark_column = j->parts[at].watermark_column;
	}
	/* borrowed from the parts: not released here */
	rc = j->fn(j->ctx, j->table, &all, e);
	job_parts_free(j);
	return rc;
}

int checkpoint_job_row(void *ctx, char **row, size_t *lens, struct err *e)
{
	struct checkpoint_job *j = ctx;
	struct checkpoint c;

	if (j->table && strcmp(j->table, row[7]) != 0 && job_flush(j, e) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	if (checkpoint_from_row(&c, row, lens, e) < 0) {
		checkpoint_release(&c);
		return -1;
	}
	if (!j->table && !(j->table = strdup(row[7]))) {
		checkpoint_release(&c);
		return err_oom(e);
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 4;
		struct checkpoint *v = realloc(j->parts, cap * sizeof(*v));
		if (!v) {
			checkpoint_release(&c);
			return err_oom(e);
		}
		j->parts = v;
		j->cap = cap;
	}
	j->parts[j->n++] = c;
	return 0;
}

int checkpoint_job_end(struct checkpoint_job *j, int rc, struct err *e)
{
	if (rc == 0)
		rc = job_flush(j, e);
	job_parts_free(j);
	free(j->parts);
	j->parts = NULL;
	j->cap = 0;
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
	struct checkpoint_job j = { fn, ctx, job, NULL, NULL, 0, 0 };

	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (engines[i].id == u->engine)
			return checkpoint_job_end(
			    &j,
			    engines[i].read_job(u, defaults_file,
						connect_timeout, read_timeout,
						job, &j, e),
			    e);
	return err_set(e, ERR_USAGE, "no checkpoint table for this database");
}
