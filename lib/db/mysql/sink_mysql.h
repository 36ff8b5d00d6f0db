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

/* What the MySQL DDL builder needs to know of the target server */
struct my_ddl_target {
	int native_uuid; /* MariaDB 10.7+: a UUID type, else CHAR(36) */
	/* the binary collation that pads no spaces ("bob" and "bob " two
	 * values, as in PostgreSQL): utf8mb4_nopad_bin on MariaDB,
	 * utf8mb4_0900_bin on MySQL 8, else utf8mb4_bin */
	const char *bin;
	/* whether the server knows a collation; NULL: every one */
	int (*has_collation)(void *ctx, const char *name);
	void *ctx;
	int native_inet; /* MariaDB 10.10+: INET4 and INET6 */
};
/*
 * The characters (bytes) of the VARCHAR (VARBINARY) --create gives key
 * column i of t, text (bytes) the source gives no length MySQL can index:
 * 768 (3072), or in a primary key or unique index (with indexes) with
 * other columns an equal share of what they leave of InnoDB's 3072 key
 * bytes; 0 when i is not such a column (or not in a key: then the caller
 * does not ask); -1 when the key cannot fit.
 */
long sink_mysql_key_length(const struct schema_table *t, size_t i,
			   int indexes);

/* The most characters (bytes) --create's column i of t takes, where it
 * takes fewer than the source may hold: a key column sized as above; 0:
 * no such limit */
long sink_mysql_ddl_max_len(const struct schema_table *t, size_t i);

/* indexes of sink_mysql_ddl_table */
#define MY_DDL_NO_INDEXES 0 /* none (--no-indexes): the primary key only */
#define MY_DDL_INDEXES 1    /* every index in the CREATE TABLE */
/* the unique ones in the CREATE TABLE, the others left for
 * sink_mysql_ddl_later_indexes after the rows: InnoDB then builds each by
 * one sort instead of an insertion per row */
#define MY_DDL_INDEXES_LATER 2

/* MySQL's CREATE TABLE, primary key and secondary indexes in it as
 * indexes says, types and collations as tg says; AUTO_INCREMENT
 * and defaults where MySQL has their like, what it leaves out in notes
 * (db/engine.h; NULL: nowhere) */
int sink_mysql_ddl_table(const struct schema_table *t, const char *target,
			 int indexes, const struct my_ddl_target *tg,
			 struct buf *q, struct create_notes *notes,
			 struct err *e);

/* Whether MY_DDL_INDEXES_LATER leaves index x of t for after the rows: a
 * non-unique one (which no row can fail) that does not lead with the
 * AUTO_INCREMENT column (which needs a key at CREATE TABLE). */
int sink_mysql_index_later(const struct schema_table *t, size_t x);

/* The ALTER TABLE target ADD KEY ... of the indexes MY_DDL_INDEXES_LATER
 * left out, but those whose names have(name) says the table holds
 * (have NULL: none), in q; 0, or 1 when there is none to add (q empty) */
int sink_mysql_ddl_later_indexes(const struct schema_table *t,
				 const char *target,
				 int (*have)(void *ctx, const char *name),
				 void *ctx, struct buf *q, struct err *e);

#endif
