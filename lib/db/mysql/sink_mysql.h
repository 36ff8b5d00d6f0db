/*
 * sink_mysql - the MariaDB/MySQL sink (db/sink.h), opened through
 * sink_open(): here what it builds without a connection, the DDL of
 * --create (see db/pg/sink_pg.h for what holds of every DDL builder).
 */
#ifndef FERRY_SINK_MYSQL_H
#define FERRY_SINK_MYSQL_H

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"

struct create_notes;
/* MySQL's CREATE TABLE, primary key and (with indexes) secondary indexes
 * in it; native_uuid: MariaDB's UUID type, else CHAR(36); AUTO_INCREMENT
 * and defaults where MySQL has their like, what it leaves out in notes
 * (db/engine.h; NULL: nowhere) */
int sink_mysql_ddl_table(const struct schema_table *t, const char *target,
			 int indexes, int native_uuid, struct buf *q,
			 struct create_notes *notes, struct err *e);

#endif
