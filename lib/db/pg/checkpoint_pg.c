#include "db/pg/checkpoint_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/checkpoint_int.h"
#include "db/pg/pgutil.h"
#include "stream/schema.h"

static int pg_exec(PGconn *c, const char *sql, int nparams,
		   const char *const *params, PGresult **out, const char *what,
		   struct err *e)
{
	return pgutil_exec((struct pg_conn *)c, sql, nparams, params, out, what,
			   e);
}

/*
 * The name the previous release keyed a table's row by: the stream's name
 * as it wrote it, "schema.table" outside public, unquoted, so that a
 * table named x.y and table y of schema x shared one row.  malloc'd.
 */
static char *legacy_name(const char *table, struct err *e)
{
	char *sc, *tb, *out;
	size_t len;

	if (strcmp(table, CHECKPOINT_FOLLOW) == 0) {
		/* a follow job's row has one spelling */
		if (!(out = strdup(table)))
			err_oom(e);
		return out;
	}
	if (schema_name_parse(table, &sc, &tb, e) < 0)
		return NULL;
	if (!sc)
		return tb;
	len = strlen(sc) + strlen(tb) + 2;
	if ((out = malloc(len)))
		snprintf(out, len, "%s.%s", sc, tb);
	else
		err_oom(e);
	free(sc);
	free(tb);
	return out;
}

/* 1 when the checkpoint table has column `name`, 0 not, -1 */
static int has_column(struct pg_conn *conn, const char *name, struct err *e)
{
	const char *p[1] = { name };
	PGresult *r;
	int has;

	if (pg_exec((PGconn *)conn,
		    "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
		    "'" CHECKPOINT_TABLE "'::regclass AND attname = $1 "
		    "AND NOT attisdropped",
		    1, p, &r, "reading " CHECKPOINT_TABLE, e) < 0)
		return -1;
	has = PQntuples(r) == 1;
	PQclear(r);
	return has;
}

/*
 * Checkpoint table 1 -> 2, in one transaction that holds the table: part
 * added ('' for every row there, then no default), the primary key
 * (job, table_name) replaced by (job, table_name, part).
 */
static int upgrade_part(struct pg_conn *conn, struct err *e)
{
	PGresult *r = NULL;
	struct buf q;
	int has, rc = -1;

	if ((has = has_column(conn, "part", e)) != 0)
		return has < 0 ? -1 : 0;
	buf_init(&q, 4096);
	if (pg_exec((PGconn *)conn, "BEGIN", 0, NULL, NULL,
		    "upgrading " CHECKPOINT_TABLE, e) < 0)
		return -1;
	if (pg_exec((PGconn *)conn,
		    "LOCK TABLE " CHECKPOINT_TABLE " IN ACCESS EXCLUSIVE MODE",
		    0, NULL, NULL, "upgrading " CHECKPOINT_TABLE, e) < 0 ||
	    (has = has_column(conn, "part", e)) < 0)
		goto out;
	if (has) { /* another run did it meanwhile */
		rc = 0;
		goto out;
	}
	if (pg_exec((PGconn *)conn,
		    "ALTER TABLE " CHECKPOINT_TABLE
		    " ADD COLUMN part text NOT NULL DEFAULT ''",
		    0, NULL, NULL, "upgrading " CHECKPOINT_TABLE, e) < 0 ||
	    pg_exec((PGconn *)conn,
		    "ALTER TABLE " CHECKPOINT_TABLE
		    " ALTER COLUMN part DROP DEFAULT",
		    0, NULL, NULL, "upgrading " CHECKPOINT_TABLE, e) < 0 ||
	    pg_exec((PGconn *)conn,
		    "SELECT conname FROM pg_catalog.pg_constraint WHERE "
		    "conrelid = '" CHECKPOINT_TABLE "'::regclass AND "
		    "contype = 'p'",
		    0, NULL, &r, "upgrading " CHECKPOINT_TABLE, e) < 0)
		goto out;
	if (PQntuples(r) == 1) {
		if (buf_adds(&q, "ALTER TABLE " CHECKPOINT_TABLE
				 " DROP CONSTRAINT ", e) < 0 ||
		    pgutil_quote_ident(&q, PQgetvalue(r, 0, 0),
				       (size_t)PQgetlength(r, 0, 0), e) < 0 ||
		    pg_exec((PGconn *)conn, (const char *)q.data, 0, NULL, NULL,
			    "upgrading " CHECKPOINT_TABLE, e) < 0)
			goto out;
	}
	if (pg_exec((PGconn *)conn,
		    "ALTER TABLE " CHECKPOINT_TABLE
		    " ADD PRIMARY KEY (job, table_name, part)",
		    0, NULL, NULL, "upgrading " CHECKPOINT_TABLE, e) < 0)
		goto out;
	rc = 0;
out:
	PQclear(r);
	buf_release(&q);
	if (rc == 0)
		return pg_exec((PGconn *)conn, "COMMIT", 0, NULL, NULL,
			       "upgrading " CHECKPOINT_TABLE, e);
	{
		struct err ignored;
		err_init(&ignored);
		pg_exec((PGconn *)conn, "ROLLBACK", 0, NULL, NULL, "", &ignored);
	}
	return -1;
}

/* one run at a time makes or upgrades the table: CREATE TABLE IF NOT
 * EXISTS run at once by two sessions can fail in one of them */
static int ensure_locked(struct pg_conn *conn, struct err *e);

int checkpoint_pg_ensure(struct pg_conn *conn, struct err *e)
{
	struct err unlock;
	int rc;

	if (pg_exec((PGconn *)conn,
		    "SELECT pg_advisory_lock(hashtext('ferry " CHECKPOINT_TABLE
		    "'))",
		    0, NULL, NULL, "locking " CHECKPOINT_TABLE, e) < 0)
		return -1;
	rc = ensure_locked(conn, e);
	err_init(&unlock);
	if (pg_exec((PGconn *)conn,
		    "SELECT pg_advisory_unlock(hashtext('ferry " CHECKPOINT_TABLE
		    "'))",
		    0, NULL, NULL, "unlocking " CHECKPOINT_TABLE, &unlock) < 0 &&
	    rc == 0) {
		*e = unlock;
		rc = -1;
	}
	return rc;
}

/*
 * name_quoted tells the two spellings of table_name apart: true, ferry's
 * name syntax (schema.h), where "x.y" and x.y are two tables; false (the
 * default the column gets when added to a table of the previous
 * release), that release's legacy_name().  A row is rewritten in the new
 * spelling with its next commit.
 */
static int ensure_locked(struct pg_conn *conn, struct err *e)
{
	int has;

	if (pg_exec((PGconn *)conn,
		    "CREATE TABLE IF NOT EXISTS " CHECKPOINT_TABLE " ("
		    "job text NOT NULL, table_name text NOT NULL, "
		    "rows_loaded bigint NOT NULL DEFAULT 0, "
		    "last_key text, last_watermark text, "
		    "watermark_column text, "
		    "state text NOT NULL DEFAULT 'loading', "
		    "keys_pending boolean NOT NULL DEFAULT false, "
		    "updated_at timestamptz NOT NULL DEFAULT now(), "
		    "name_quoted boolean NOT NULL DEFAULT false, "
		    "part text NOT NULL, "
		    "PRIMARY KEY (job, table_name, part))",
		    0, NULL, NULL, "creating " CHECKPOINT_TABLE, e) < 0)
		return -1;
	/* a table of an earlier release: add the column (only then, so
	 * that a role that may not ALTER it can still use a new one) */
	if ((has = has_column(conn, "name_quoted", e)) < 0)
		return -1;
	if (!has && pg_exec((PGconn *)conn,
			    "ALTER TABLE " CHECKPOINT_TABLE " ADD COLUMN IF NOT "
			    "EXISTS name_quoted boolean NOT NULL DEFAULT false",
			    0, NULL, NULL, "upgrading " CHECKPOINT_TABLE,
			    e) < 0)
		return -1;
	return upgrade_part(conn, e);
}

int checkpoint_pg_lock(struct pg_conn *conn, const char *job, const char *part,
		       struct err *e)
{
	char of[CHECKPOINT_PART_MAX + 8] = "";
	const char *p[2] = { job, of };
	PGresult *r;
	int got;

	/* the whole job's lock is the one earlier releases take */
	if (part && *part)
		snprintf(of, sizeof(of), " part %s", part);
	if (pg_exec((PGconn *)conn,
		    "SELECT pg_try_advisory_lock(hashtext('ferry job ' || $1 "
		    "|| $2))",
		    2, p, &r, "locking the job", e) < 0)
		return -1;
	got = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!got)
		return err_set(e, ERR_DB,
			       "job %s%s: another ferry-load of this job%s is "
			       "running against this database",
			       job, of, *of ? "'s part" : "");
	return 0;
}

/* the columns checkpoint_from_row reads, in its order */
#define PG_SELECT_CHECKPOINT                                                   \
	"SELECT rows_loaded, last_key, last_watermark, watermark_column, "     \
	"state, CASE WHEN keys_pending THEN '1' ELSE '0' END, "                \
	"to_char(updated_at AT TIME ZONE 'UTC', "                              \
	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), table_name, part "                  \
	"FROM " CHECKPOINT_TABLE " "

/* each row of r through fn: -1 with e set */
static int each_row(PGresult *r,
		    int (*fn)(void *, char **, size_t *, struct err *),
		    void *ctx, struct err *e)
{
	for (int i = 0; i < PQntuples(r); i++) {
		char *row[9];
		size_t lens[9];
		for (int k = 0; k < 9; k++) {
			row[k] =
			    PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
			lens[k] = (size_t)PQgetlength(r, i, k);
		}
		if (fn(ctx, row, lens, e) < 0)
			return -1;
	}
	return 0;
}

int checkpoint_pg_read(struct pg_conn *conn, const char *job, const char *table,
		       const char *part, struct checkpoint *c, struct err *e)
{
	const char *p[3] = { job, table, NULL };
	struct checkpoint_pick pk = { c, part };
	char *legacy;
	PGresult *r;
	int rc;

	memset(c, 0, sizeof(*c));
	if (checkpoint_check_table(table, e) < 0 ||
	    !(legacy = legacy_name(table, e)))
		return -1;
	p[2] = legacy;
	/* the new spelling before the previous release's, for each part */
	rc = pg_exec((PGconn *)conn,
		     PG_SELECT_CHECKPOINT
		     "WHERE job = $1 AND (name_quoted AND table_name = $2 OR "
		     "NOT name_quoted AND table_name = $3) "
		     "ORDER BY part, name_quoted DESC",
		     3, p, &r, "reading " CHECKPOINT_TABLE, e);
	free(legacy);
	if (rc < 0)
		return -1;
	rc = each_row(r, checkpoint_pick_row, &pk, e);
	PQclear(r);
	if (rc < 0)
		checkpoint_release(c);
	return rc;
}

int checkpoint_pg_write(struct pg_conn *conn, const char *job,
			const char *table, const struct checkpoint *c,
			struct err *e)
{
	char rows[24];
	const char *p[9], *d[2];
	char *legacy;
	int rc;

	if (checkpoint_params(p, rows, job, table, c, "t", "f", e) < 0)
		return -1;
	if (!(legacy = legacy_name(table, e)))
		return -1;
	d[0] = job;
	d[1] = legacy;
	/* the row of the previous release goes: this one replaces it */
	rc = pg_exec((PGconn *)conn,
		     "DELETE FROM " CHECKPOINT_TABLE " WHERE job = $1 AND "
		     "table_name = $2 AND NOT name_quoted",
		     2, d, NULL, "writing " CHECKPOINT_TABLE, e);
	free(legacy);
	if (rc < 0)
		return -1;
	return pg_exec(
	    (PGconn *)conn,
	    "INSERT INTO " CHECKPOINT_TABLE
	    " (job, table_name, rows_loaded, last_key, last_watermark, "
	    "watermark_column, state, keys_pending, updated_at, name_quoted, "
	    "part) VALUES ($1, $2, $3::bigint, $4, $5, $6, $7, $8::boolean, "
	    "clock_timestamp(), true, $9) "
	    "ON CONFLICT (job, table_name, part) DO UPDATE "
	    "SET rows_loaded = EXCLUDED.rows_loaded, "
	    "last_key = EXCLUDED.last_key, "
	    "last_watermark = EXCLUDED.last_watermark, "
	    "watermark_column = EXCLUDED.watermark_column, "
	    "state = EXCLUDED.state, keys_pending = EXCLUDED.keys_pending, "
	    "updated_at = EXCLUDED.updated_at, name_quoted = true",
	    9, p, NULL, "writing " CHECKPOINT_TABLE, e);
}

int checkpoint_pg_read_job(const struct uri *u, const char *defaults_file,
			   unsigned ct, unsigned rt, const char *job,
			   struct checkpoint_job *j, struct err *e)
{
	PGconn *conn;

	(void)defaults_file;
	conn = (PGconn *)pgutil_connect(u->conninfo, ct, rt);
	const char *p[1] = { job };
	PGresult *r = NULL;
	int rc = -1;

	if (!conn)
		return err_oom(e);
	if (PQstatus(conn) != CONNECTION_OK) {
		pgutil_msg(e, "cannot connect", PQerrorMessage(conn));
		goto out;
	}
	if (pg_exec(conn, "SELECT to_regclass('" CHECKPOINT_TABLE "') IS NULL",
		    0, NULL, &r, "reading " CHECKPOINT_TABLE, e) < 0)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		rc = 0; /* no table: no checkpoints */
		goto out;
	}
	PQclear(r);
	r = NULL;
	if (pg_exec(conn,
		    "SELECT rows_loaded, last_key, last_watermark, "
		    "watermark_column, state, keys_pending::text, "
		    "to_char(updated_at AT TIME ZONE 'UTC', "
		    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), table_name, "
		    "coalesce(to_jsonb(ck) ->> 'part', ''), "
		    "to_jsonb(ck) ->> 'name_quoted' "
		    "FROM " CHECKPOINT_TABLE " ck WHERE job = $1 "
		    "ORDER BY table_name, 9",
		    1, p, &r, "reading " CHECKPOINT_TABLE, e) < 0)
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		static char one[] = "1", zero[] = "0";
		char *row[9], *name = NULL;
		size_t lens[9];
		int jrc;
		for (int k = 0; k < 9; k++) {
			row[k] =
			    PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
			lens[k] = (size_t)PQgetlength(r, i, k);
		}
		/* keys_pending::text is "true"/"false" */
		row[5] = row[5] && row[5][0] == 't' ? one : zero;
		if (PQgetisnull(r, i, 9) ||
		    strcmp(PQgetvalue(r, i, 9), "true") != 0) {
			/* the previous release's spelling: schema.table */
			const char *dot = strchr(row[7], '.');
			char *sc = dot ? strndup(row[7], (size_t)(dot - row[7]))
				       : NULL;
			if (dot && !sc) {
				err_oom(e);
				goto out;
			}
			name =
			    schema_name_format(sc, dot ? dot + 1 : row[7], e);
			free(sc);
			if (!name)
				goto out;
			row[7] = name;
			lens[7] = strlen(name);
		}
		jrc = checkpoint_job_row(j, row, lens, e);
		free(name);
		if (jrc < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0 && e->class == ERR_DB)
		err_prefix(e, "%s", u->display);
	PQclear(r);
	PQfinish(conn);
	return rc;
}
