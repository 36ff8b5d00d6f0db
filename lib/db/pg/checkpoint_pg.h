/*
 * checkpoint_pg - the ferry_checkpoint table (db/checkpoint.h) on
 * PostgreSQL, for the PostgreSQL sink; conn is a PGconn.
 */
#ifndef FERRY_CHECKPOINT_PG_H
#define FERRY_CHECKPOINT_PG_H

#include "base/err.h"
#include "db/checkpoint.h"
#include "db/checkpoint_int.h"
#include "db/uri.h"

struct pg_conn;

/* Create the table when missing, or make a table 1 table 2 (outside a
 * transaction). */
int checkpoint_pg_ensure(struct pg_conn *conn, struct err *e);
/* Hold the session lock of the job (of its part "K/N" when part is
 * neither NULL nor ""), or fail (ERR_DB) when another run has it. */
int checkpoint_pg_lock(struct pg_conn *conn, const char *job, const char *part,
		       struct err *e);
/* Read (job, table, part); c->found 0 when there is no row (nor table);
 * c->other_found when a row of another part stands against it. */
int checkpoint_pg_read(struct pg_conn *conn, const char *job, const char *table,
		       const char *part, struct checkpoint *c, struct err *e);
/* Insert or replace (job, table, c->part) with c. */
int checkpoint_pg_write(struct pg_conn *conn, const char *job,
			const char *table, const struct checkpoint *c,
			struct err *e);
/* checkpoint_read_job on a PostgreSQL database (libpq reads its own
 * files: no defaults_file) */
int checkpoint_pg_read_job(const struct uri *u, const char *defaults_file,
			   unsigned ct, unsigned rt, const char *job,
			   struct checkpoint_job *j, struct err *e);

#endif
