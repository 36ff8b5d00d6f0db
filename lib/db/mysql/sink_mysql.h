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

/* MySQL's CREATE TABLE, primary key and (with indexes) secondary indexes
 * in it; native_uuid: MariaDB's UUID type, else CHAR(36) */
int sink_mysql_ddl_table(const struct schema_table *t, const char *target,
			 int indexes, int native_uuid, struct buf *q,
			 struct err *e);

#endif
