#include "db/mysql/checkpoint_mysql.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/checkpoint_int.h"
#include "db/mysql/myutil.h"

static int my_exec(MYSQL *conn, const char *sql, const char *const *params,
		   unsigned n, const char *what, struct err *e)
{
	if (myutil_exec(conn, sql, params, n, e) < 0)
		return err_prefix(e, "%s", what);
	return 0;
}

struct got_one {
	int found;
	char *v;
};

static int got_value(void *ctx, char **row, size_t *lens, struct err *e)
{
	struct got_one *g = ctx;

	(void)lens;
	g->found = 1;
	free(g->v);
	return checkpoint_dup(&g->v, row[0], e);
}

/* 1 when the checkpoint table has column part, 0 not, -1 */
static int has_part(MYSQL *conn, struct err *e)
{
	struct got_one g = { 0, NULL };

	if (myutil_select(conn,
			  "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
			  "'" CHECKPOINT_TABLE "' AND COLUMN_NAME = 'part'",
			  NULL, 0, 1, got_value, &g, e) < 0)
		return err_prefix(e, "reading " CHECKPOINT_TABLE);
	free(g.v);
	return g.found;
}

/*
 * Checkpoint table 1 -> 2 in place: part added ('' for every row there,
 * then no default), the primary key (job, table_name) replaced by (job,
 * table_name, part), in one ALTER.  A run that finds it done meanwhile
 * (its ALTER failed on the column another added) goes on.
 */
static int upgrade_part(MYSQL *conn, struct err *e)
{
	int has = has_part(conn, e);

	if (has != 0)
		return has < 0 ? -1 : 0;
	if (my_exec(conn,
		    "ALTER TABLE " CHECKPOINT_TABLE " ADD COLUMN part "
		    "VARCHAR(32) NOT NULL DEFAULT '' AFTER updated_at, "
		    "DROP PRIMARY KEY, ADD PRIMARY KEY (job, table_name, part)",
		    NULL, 0, "upgrading " CHECKPOINT_TABLE, e) < 0) {
		struct err again;
		err_init(&again);
		if (has_part(conn, &again) != 1)
			return -1;
	}
	return my_exec(conn,
		       "ALTER TABLE " CHECKPOINT_TABLE
		       " ALTER COLUMN part DROP DEFAULT",
		       NULL, 0, "upgrading " CHECKPOINT_TABLE, e);
}

int checkpoint_my_ensure(MYSQL *conn, struct err *e)
{
	if (my_exec(conn,
		       "CREATE TABLE IF NOT EXISTS " CHECKPOINT_TABLE " ("
		       "job VARCHAR(191) NOT NULL, "
		       "table_name VARCHAR(191) NOT NULL, "
		       "rows_loaded BIGINT UNSIGNED NOT NULL DEFAULT 0, "
		       "last_key LONGTEXT NULL, last_watermark TEXT NULL, "
		       "watermark_column VARCHAR(255) NULL, "
		       "state VARCHAR(16) NOT NULL DEFAULT 'loading', "
		       "keys_pending TINYINT(1) NOT NULL DEFAULT 0, "
		       "updated_at DATETIME(6) NOT NULL, "
		       "part VARCHAR(32) NOT NULL, "
		       "PRIMARY KEY (job, table_name, part)) ENGINE=InnoDB "
		       "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
		       NULL, 0, "creating " CHECKPOINT_TABLE, e) < 0)
		return -1;
	return upgrade_part(conn, e);
}

int checkpoint_my_lock(MYSQL *conn, const char *job, const char *part,
		       struct err *e)
{
	char of[CHECKPOINT_PART_MAX + 8] = "";
	const char *p[2] = { job, of };
	struct got_one g = { 0, NULL };
	int ok;

	/* the whole job's lock is the one earlier releases take */
	if (part && *part)
		snprintf(of, sizeof(of), " part %s", part);
	/* lock names are at most 64 characters: a hash of the job's */
	if (myutil_select(conn,
			  "SELECT GET_LOCK(CONCAT('ferry ', SHA1(CONCAT(?, ?))), "
			  "0)",
			  p, 2, 1, got_value, &g, e) < 0) {
		err_prefix(e, "locking the job");
		free(g.v);
		return -1;
	}
	ok = g.v && strcmp(g.v, "1") == 0;
	free(g.v);
	if (!ok)
		return err_set(e, ERR_DB,
			       "job %s%s: another ferry-load of this job%s is "
			       "running against this database",
			       job, of, *of ? "'s part" : "");
	return 0;
}

/* the columns checkpoint_from_row reads, in its order, part the last:
 * the column, or '' of a checkpoint table 1, which ferry-extract
 * --since-job may read (ferry-load makes it table 2) */
#define MY_SELECT_CHECKPOINT_OF(part)                                          \
	"SELECT rows_loaded, last_key, last_watermark, watermark_column, "     \
	"state, keys_pending, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ')"   \
	", table_name, " part " FROM " CHECKPOINT_TABLE " WHERE job = ?"
#define MY_SELECT_CHECKPOINT MY_SELECT_CHECKPOINT_OF("part")
#define MY_SELECT_CHECKPOINT_1 MY_SELECT_CHECKPOINT_OF("''")

int checkpoint_my_read(MYSQL *conn, const char *job, const char *table,
		       const char *part, struct checkpoint *c, struct err *e)
{
	const char *p[2] = { job, table };
	struct checkpoint_pick pk = { c, part };

	memset(c, 0, sizeof(*c));
	if (checkpoint_check_table(table, e) < 0)
		return -1;
	if (myutil_select(conn,
			  MY_SELECT_CHECKPOINT " AND table_name = ? ORDER BY part",
			  p, 2, 9, checkpoint_pick_row, &pk, e) < 0) {
		checkpoint_release(c);
		return err_prefix(e, "reading " CHECKPOINT_TABLE);
	}
	return 0;
}

int checkpoint_my_write(MYSQL *conn, const char *job, const char *table,
			const struct checkpoint *c, struct err *e)
{
	char rows[24];
	const char *p[9];

	if (checkpoint_params(p, rows, job, table, c, "1", "0", e) < 0)
		return -1;
	return my_exec(
	    conn,
	    "INSERT INTO " CHECKPOINT_TABLE
	    " (job, table_name, rows_loaded, last_key, last_watermark, "
	    "watermark_column, state, keys_pending, part, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) "
	    "ON DUPLICATE KEY UPDATE rows_loaded = VALUES(rows_loaded), "
	    "last_key = VALUES(last_key), "
	    "last_watermark = VALUES(last_watermark), "
	    "watermark_column = VALUES(watermark_column), "
	    "state = VALUES(state), keys_pending = VALUES(keys_pending), "
	    "updated_at = VALUES(updated_at)",
	    p, 9, "writing " CHECKPOINT_TABLE, e);
}

int checkpoint_my_read_job(const struct uri *u, const char *defaults_file,
			   unsigned ct, unsigned rt, const char *job,
			   struct checkpoint_job *j, struct err *e)
{
	MYSQL *conn = mysql_init(NULL);
	const char *p[1] = { job };
	struct got_one g = { 0, NULL };
	int rc = -1;

	if (!conn)
		return err_oom(e);
	if (myutil_connect(conn, u, defaults_file, ct, rt, 0, e) < 0)
		goto out;
	if (myutil_select(conn,
			  "SELECT TABLE_NAME FROM information_schema.TABLES "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
			  "'" CHECKPOINT_TABLE "'",
			  NULL, 0, 1, got_value, &g, e) < 0)
		goto out;
	if (g.found) {
		int has = has_part(conn, e);
		if (has < 0 ||
		    myutil_select(conn,
				  has ? MY_SELECT_CHECKPOINT
					" ORDER BY table_name, part"
				      : MY_SELECT_CHECKPOINT_1
					" ORDER BY table_name",
				  p, 1, 9, checkpoint_job_row, j, e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0 && e->class == ERR_DB)
		err_prefix(e, "%s: reading " CHECKPOINT_TABLE, u->display);
	free(g.v);
	mysql_close(conn);
	return rc;
}
