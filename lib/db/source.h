/*
 * source - read tables out of a database: an interface with one
 * implementation per engine (source_mysql.c, source_pg.c), so that another
 * engine is one more file.
 *
 * A source is one connection.  source_begin() starts one consistent,
 * read-only snapshot that every later read sees (MySQL: START TRANSACTION
 * WITH CONSISTENT SNAPSHOT; PostgreSQL: REPEATABLE READ READ ONLY).  Rows
 * stream from the server as they are read (MySQL: mysql_use_result;
 * PostgreSQL: COPY ... TO STDOUT in binary), so memory stays flat whatever
 * the table's size.
 *
 * Errors: ERR_DB for what the server says (connect, query, no such table),
 * ERR_STREAM for a value that cannot be carried without changing it, named
 * by table, row and column; the message ends with the server's own text.
 */
#ifndef FERRY_SOURCE_H
#define FERRY_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/uri.h"
#include "stream/schema.h"
#include "stream/value.h"

enum source_zero_dates {
	SOURCE_ZERO_DATES_NULL,	 /* '0000-00-00' becomes NULL, and is counted */
	SOURCE_ZERO_DATES_ERROR, /* ... is an error naming row and column */
	SOURCE_ZERO_DATES_MARK,	 /* ... is read as the value
				  * source_zero_date_mark gives it, equal
				  * only to the same zero date, and counted
				  * (ferry-verify; never for a stream) */
};

struct source_opts {
	const char *defaults_file; /* MySQL option file, or NULL */
	enum source_zero_dates zero_dates;
	unsigned connect_timeout; /* seconds to connect; 0: wait */
	unsigned read_timeout;	  /* seconds without a byte; 0: wait */
};

/* What to read of one table. */
struct source_query {
	const struct schema_table *t; /* from source_describe, maybe with
					 fewer columns */
	const char *where;	      /* SQL condition, or NULL */
	int order_pk;		      /* ORDER BY the primary key */
	unsigned part_k, part_n;      /* the K-th of N key ranges; 0 0: all */
	/*
	 * --incremental: rows in the order of their position, the columns
	 * pos[0..npos) (the watermark, then the key columns that are not
	 * it), and with `after` only those past a position: after[0..nafter)
	 * compared with the first nafter position columns, as a tuple.
	 * Position columns are NOT NULL, of a type source_pos_type accepts.
	 */
	const size_t *pos; /* NULL: no position order */
	size_t npos;
	const struct value *after; /* NULL: every row */
	size_t nafter;
	int after_inclusive; /* nafter 1: position >= after[0], not > */
};

/*
 * Whether a column of type t can be part of an --incremental position
 * (numbers, dates and times; text and enum as a key's tie-breaker, which
 * compare by their bytes): 1 or 0.
 */
int source_pos_type(enum value_type t, int as_watermark);

/*
 * Append the condition "position > after" (a tuple comparison, spelled
 * so that an index on the first column serves it) for the first n
 * position columns; with n 1 and inclusive, ">=".  expr appends column i's
 * expression (rhs 0) or the placeholder of its `after` value (rhs 1), in the
 * engine's own terms.
 */
typedef int (*source_expr_fn)(struct buf *b, const struct schema_column *c,
			      size_t i, int rhs, struct err *e);
int source_after_sql(struct buf *b, const struct schema_table *t,
		     const size_t *pos, size_t n, int inclusive,
		     source_expr_fn expr, struct err *e);

/*
 * For the implementations: append q's position part of a row query, the
 * "after" condition (" AND " when `where`, the query having a WHERE
 * already, else " WHERE ") and " ORDER BY" the position columns.  Nothing
 * when q has no position.  The engine sets the `after` values first.
 */
int source_position_sql(struct buf *b, const struct source_query *q, int where,
			source_expr_fn expr, struct err *e);

struct source;

/* Connect.  NULL with e set (ERR_DB, ERR_USAGE for a bad option). */
struct source *source_open(const struct uri *u, const struct source_opts *o,
			   struct err *e);

/* Start the snapshot every later read sees. */
int source_begin(struct source *s, struct err *e);
/*
 * End the transaction of source_begin and start one that sees the
 * snapshot another connection exported as `name` (PostgreSQL; a name the
 * server gave, checked before use): ferry-extract --follow reads the
 * tables as they were when its replication slot began.  ERR_USAGE on an
 * engine without them, ERR_DB.
 */
int source_begin_snapshot(struct source *s, const char *name, struct err *e);

/*
 * The name under which the snapshot source_begin began is exported to
 * other sessions (PostgreSQL: pg_export_snapshot()), into name[0..namesz);
 * it holds while s's transaction does.  ERR_USAGE on an engine without
 * them, ERR_DB.
 */
int source_export_snapshot(struct source *s, char *name, size_t namesz,
			   struct err *e);

/*
 * Begin one snapshot that all n sources see (ferry-extract --parallel):
 * PostgreSQL: src[0]'s, exported and imported by the others; MariaDB:
 * every connection starts WITH CONSISTENT SNAPSHOT, again until all say
 * the same binary log position, or, on a server without the binary log
 * (or MySQL), all start while src[0] holds FLUSH TABLES WITH READ LOCK
 * (then given back).  `how` says which, for the user.  ERR_USAGE when
 * none is possible (no binary log and no RELOAD), ERR_DB.
 */
int source_begin_shared(struct source *const *src, size_t n, char *how,
			size_t howsz, struct err *e);

/*
 * The binary log file and position of the snapshot source_begin began
 * (MariaDB's Binlog_snapshot_file and Binlog_snapshot_position): every
 * transaction the snapshot sees is before it, every other after.
 * ERR_USAGE when the engine or server has none (no log_bin), ERR_DB.
 */
int source_log_position(struct source *s, char *file, size_t filesz,
			uint64_t *pos, struct err *e);

/*
 * ferry-load --check: which rows of json (a JSON array of objects, each a
 * row of table t by its column names) t's condition cond (a CHECK
 * constraint written for the engine by ferry, stream/sqlexpr.h) makes
 * false, each row's 1-based place to fn; inside the read-only snapshot,
 * by the target itself, which leaves nothing behind.  With cond NULL,
 * what says which rows instead: SOURCE_ROWS_ORPHAN, those whose foreign
 * key t->fkeys[idx] refers to a parent the target lacks;
 * SOURCE_ROWS_UNIQUE, those whose key of unique index t->indexes[idx] a
 * row of the target holds; SOURCE_ROWS_UNIQUE_OTHER, ... a row of
 * another primary key holds (what an upsert cannot update);
 * SOURCE_ROWS_REFERENCED, those (--mode delete) that a row of another
 * table of the target refers to by a foreign key that refuses the delete
 * (NO ACTION, RESTRICT; CASCADE and SET NULL take it).  0; 1 when
 * the engine cannot say; -1 with ERR_STREAM and the target's message
 * when it could not evaluate them (the snapshot goes on), another class
 * else.
 */
enum source_rows {
	SOURCE_ROWS_CHECK,
	SOURCE_ROWS_ORPHAN,
	SOURCE_ROWS_UNIQUE,
	SOURCE_ROWS_UNIQUE_OTHER,
	SOURCE_ROWS_REFERENCED,
};
typedef int (*source_ordinal_fn)(void *ctx, long ordinal, struct err *e);
int source_check_rows(struct source *s, const struct schema_table *t,
		      const char *cond, enum source_rows what, size_t idx,
		      const char *json, source_ordinal_fn fn, void *ctx,
		      struct err *e);

/*
 * MySQL's TIME is a duration (-838:59:59.999999 to 838:59:59.999999); the
 * stream's time is a time of day.  Each time column of t (not cast) that
 * holds a value outside 00:00:00..24:00:00, found by MIN and MAX in the
 * snapshot, is read as its text instead (--cast text), which a
 * PostgreSQL target makes interval: the number of such columns, 0 on
 * engines whose time is a time of day, or -1 with e set.
 */
int source_time_durations(struct source *s, struct schema_table *t,
			  struct err *e);
/* 1 if column c of a stream is a MySQL TIME carried as its text (a
 * duration, or --cast text) */
int source_time_as_text(const struct schema_column *c);

/*
 * The base tables of the database (PostgreSQL: of every schema that is not
 * a system one, named schema.table outside public), as schema_name_format
 * writes them: a part that holds a dot is quoted.  source_describe takes
 * such names; on PostgreSQL one without a schema is in public.  *names is a
 * NULL-terminated array the caller frees with source_names_free().
 */
/* The engine's estimate of t's rows (PostgreSQL's reltuples, MySQL's
 * TABLE_ROWS) into t->rows_estimate, rows_estimated set; left unset when
 * the engine has none (a table never analysed).  -1 with ERR_DB. */
int source_rows_estimate(struct source *s, struct schema_table *t,
			 struct err *e);

/* Whether the database holds a table or view named `name` (ferry's name
 * syntax; PostgreSQL: of public when it names no schema, fitted to 63
 * bytes as a load fits it): 1, 0, or -1 with ERR_DB. */
int source_relation_exists(struct source *s, const char *name,
			   struct err *e);

int source_list_tables(struct source *s, char ***names, size_t *n,
		       struct err *e);
void source_names_free(char **names);

/*
 * 1 when names x and y may be one table (table set) or column read from
 * two sides, one of them a database that cannot hold the other's name as
 * it is: the name an engine keeps for the other, either way round
 * (PostgreSQL cuts names over 63 bytes: db/pg/pgname.h).  Equal names
 * are not asked.
 */
int source_kept_name(const char *x, const char *y, int table);

/*
 * Describe a table: columns with their stream types, primary key.  The
 * caller frees it with schema_table_free().  NULL with ERR_DB when the
 * table does not exist, ERR_STREAM when a column's type cannot be carried
 * (naming the column and its type).
 */
struct schema_table *source_describe(struct source *s, const char *table,
				     struct err *e);

/* Start reading rows of q->t; q must live until the rows are read. */
int source_open_rows(struct source *s, const struct source_query *q,
		     struct err *e);

/*
 * Next row: 1 with *row set (q->t->ncols values, borrowed until the next
 * call), 0 at the end of the table, -1 with e set.
 */
int source_next_row(struct source *s, const struct value **row, struct err *e);

/* Zero dates turned into NULL (or marked) in the current table so far. */
uint64_t source_zero_dates(const struct source *s);
/* ... of column col of the current table */
uint64_t source_zero_dates_in(const struct source *s, size_t col);

/*
 * A zero date's MySQL text p[0..len) ('0000-00-00', '2020-00-15',
 * '0000-00-00 00:00:00.5') as a value of type t (date, timestamp or
 * timestamptz) that no real date or timestamp is: below every one a
 * stream holds (and the infinities), one per text.  0, or -1 with
 * ERR_STREAM when p is not such a text.
 */
int source_zero_date_mark(enum value_type t, const char *p, size_t len,
			  int64_t *v);
/* the text of a value source_zero_date_mark gave into buf: 1, or 0 when
 * v is no such value */
int source_zero_date_text(enum value_type t, int64_t v, char *buf, size_t n);

/* Close the connection (rolling back the read-only snapshot); NULL does
 * nothing. */
void source_close(struct source *s);

/*
 * --cast TABLE.COLUMN=TYPE (ferry-extract, ferry-verify): each of
 * casts[0..n) that names table `table` (ferry's name, as -t gives it)
 * and a column of t makes the source read that column as TYPE: int (a
 * bool, such as a MySQL TINYINT(1) holding 7, or an integer, or a decimal
 * of scale 0, read as int64) or text (any column but bytes, read as the
 * server's own text of its value).  used[k] is set for each cast that
 * named t.  0, or -1 with ERR_USAGE naming the cast that cannot be.
 */
int source_apply_casts(struct schema_table *t, const char *table,
		       char *const *casts, size_t n, unsigned char *used,
		       struct err *e);

#define SOURCE_WEIGHTS_MAX 32 /* texts of one source_weights call */

/*
 * How the server compares texts[0..n) (n <= SOURCE_WEIGHTS_MAX, each a C
 * string) under its collation `collation`: each text's sort key
 * (MySQL's WEIGHT_STRING), equal exactly when the collation holds the
 * two texts equal (case, accents, PAD SPACE), appended to out, text k's
 * ending at ends[k].  0; 1 when the engine cannot say or has no such
 * collation (nothing appended); -1 with e set.  Read-only.
 */
int source_weights(struct source *s, const char *collation,
		   const char *const *texts, size_t n, struct buf *out,
		   size_t *ends, struct err *e);

/* --- inventory: ferry-extract --inventory, ferry-load --check ---------- */

/* What the engine knows of a table, besides its columns. */
struct source_facts {
	uint64_t rows; /* COUNT(*) when rows_exact, else the engine's
			* estimate (TABLE_ROWS, reltuples) */
	int rows_exact;
	int rows_known;	     /* 0: no estimate (a table never analysed) */
	int64_t data_bytes;  /* -1 when unknown */
	int64_t index_bytes; /* -1 when unknown */
	int has_rows;	     /* at least one row: read, not estimated */
	char **charsets;     /* t->ncols: a text column's character set
			      * (MySQL), NULL elsewhere; or NULL */
	int64_t *odd;	     /* t->ncols, with exact on MySQL: a bool
			      * column's values other than 0 and 1, a date
			      * column's zero dates; -1 not counted; or
			      * NULL */
	/* t->ncols (PostgreSQL): the labels a column's own CHECK (col IN
	 * ('a', 'b')) allows, as ferry-load --create writes an enum;
	 * NULL for a column without one; or NULL */
	char ***check_labels;
	size_t *ncheck_labels;
	/* the table's enabled user triggers, by name (ferry-load refuses a
	 * table with any unless told --triggers) */
	char **triggers;
	size_t ntriggers;
	/* PostgreSQL: the other tables whose foreign keys refer to it, by
	 * schema and name (a TRUNCATE of it alone is refused) */
	char **ref_schema, **ref_table;
	size_t nrefs;
	/* PostgreSQL: the names of its CHECK constraints, every one (the
	 * description holds those ferry reads) */
	char **check_names;
	size_t ncheck_names;
};

/* add a CHECK constraint's name to f; 0, or -1 on oom */
int source_facts_add_check(struct source_facts *f, const char *name,
			   struct err *e);
/* add a table that refers to f's to f; 0, or -1 on oom */
int source_facts_add_ref(struct source_facts *f, const char *schema,
			 const char *table, struct err *e);
/* add a trigger's name to f; 0, or -1 on oom */
int source_facts_add_trigger(struct source_facts *f, const char *name,
			     struct err *e);

/*
 * Fill f for table t (from source_describe): counted with exact (and then
 * the odd values too), else estimated.  The caller releases f with
 * source_facts_release(f, t->ncols).  -1 with ERR_DB.
 */
int source_table_facts(struct source *s, const struct schema_table *t,
		       int exact, struct source_facts *f, struct err *e);
void source_facts_release(struct source_facts *f, size_t ncols);

/* The server: its version, and (MySQL) the global sql_mode and whether
 * it lets zero dates in.  Strings owned by f. */
struct source_server {
	char *version;
	char *sql_mode; /* NULL on PostgreSQL */
	int zero_dates_allowed;
	int postgis; /* PostgreSQL: PostGIS's geometry type is there */
};
int source_server_facts(struct source *s, struct source_server *f,
			struct err *e);
void source_server_release(struct source_server *f);

/*
 * Rows per day of date or time column `col` of t, over the `days` days
 * that end with the day of its newest value (so that a copy of a database
 * taken long ago still says how fast it grew): fn is called per day that
 * has rows, oldest first, with the day as YYYY-MM-DD.  *newest gets that
 * last day (malloc'd, NULL when the column holds no value).
 */
typedef int (*source_day_fn)(void *ctx, const char *day, uint64_t rows,
			     struct err *e);
int source_rows_per_day(struct source *s, const struct schema_table *t,
			size_t col, unsigned days, char **newest,
			source_day_fn fn, void *ctx, struct err *e);

/* --- objects: what the stream does not carry (stream/objects.h) ------ */

struct schema_sequence;
/* seq: a free sequence's figures (kind "sequence"), or NULL */
typedef int (*source_object_fn)(void *ctx, const char *kind, const char *schema,
				const char *table, const char *name,
				const char *detail,
				const struct schema_sequence *seq,
				struct err *e);
struct schema_objects;
/*
 * Append to o what the source holds and the stream does not carry: the
 * triggers, CHECK constraints, indexes, partitioning, comments, grants
 * and the like of the n tables given (as source_describe made them, each
 * object named with its table's stream name), and with whole_db also
 * what belongs to no table (views, routines, events, sequences, types,
 * extensions).  Read in the snapshot of source_begin.  -1 with ERR_DB.
 */
int source_objects(struct source *s, struct schema_table *const *tables,
		   size_t n, int whole_db, struct schema_objects *o,
		   struct err *e);

#endif
