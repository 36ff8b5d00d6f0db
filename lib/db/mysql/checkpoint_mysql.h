/*
 * checkpoint_mysql - the ferry_checkpoint table (db/checkpoint.h) on
 * MariaDB and MySQL, for the MySQL sink.
 */
#ifndef FERRY_CHECKPOINT_MYSQL_H
#define FERRY_CHECKPOINT_MYSQL_H

#include <mysql.h>

#include "base/err.h"
#include "db/checkpoint.h"
#include "db/checkpoint_int.h"
#include "db/uri.h"

int checkpoint_my_ensure(MYSQL *conn, struct err *e);
int checkpoint_my_lock(MYSQL *conn, const char *job, const char *part,
		       struct err *e);
/* as checkpoint_pg_read, checkpoint_pg_write (checkpoint_pg.h) */
int checkpoint_my_read(MYSQL *conn, const char *job, const char *table,
		       const char *part, struct checkpoint *c, struct err *e);
int checkpoint_my_write(MYSQL *conn, const char *job, const char *table,
			const struct checkpoint *c, struct err *e);
/* checkpoint_read_job on a MariaDB or MySQL database */
int checkpoint_my_read_job(const struct uri *u, const char *defaults_file,
			   unsigned ct, unsigned rt, const char *job,
			   struct checkpoint_job *j, struct err *e);

#endif
