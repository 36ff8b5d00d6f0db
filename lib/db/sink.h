/*
 * sink - write tables into a database: an interface with one
 * implementation per engine (sink_pg.c, sink_mysql.c).
 *
 * A sink is one connection.  Each table is loaded in a transaction of its
 * own (or one per --commit-every rows): sink_begin_table() starts it and
 * the bulk path (PostgreSQL: COPY ... FROM STDIN; MySQL: LOAD DATA LOCAL
 * INFILE fed from memory), sink_write_row() feeds rows, sink_end_table()
 * finishes and commits, sink_abort_table() ends the bulk path with an
 * error and rolls back, so what was not committed is absent.
 *
 * Errors: ERR_DB for what the server refuses (the message ends with its
 * text), ERR_STREAM for a value the target cannot take without changing
 * it (named by row and column), ERR_USAGE for a table that does not fit
 * (a stream column missing from the target table, a mode that needs a
 * primary key, two names that are one in PostgreSQL: pgname.h).
 */
#ifndef FERRY_SINK_H
#define FERRY_SINK_H

#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/checkpoint.h"
#include "db/engine.h"
#include "db/uri.h"
#include "stream/schema.h"
#include "stream/value.h"

enum sink_mode {
	SINK_INSERT,   /* a key that exists is an error */
	SINK_UPSERT,   /* a key that exists is updated */
	SINK_TRUNCATE, /* the table is emptied first, in the same transaction */
	SINK_DELETE,   /* each row is a key (the whole primary key of the
			* target, nothing else): its row is deleted */
};

/*
 * With a reject callback, rows the target refuses (a constraint, a value it
 * will not take) are handed to it with the server's reason instead of
 * failing the table; -1 from it (e set) stops the load.  Every mode:
 * upsert and delete stage, merge or delete each batch, and each row of a
 * refused batch, inside a savepoint.
 */
typedef int (*sink_reject_fn)(void *ctx, const struct schema_table *t,
			      const struct value *row, const char *reason,
			      struct err *e);

/*
 * With --job, the sink writes the table's checkpoint row in the same
 * transaction as each commit; this fills in what it says about the rows
 * written so far in this run (rows counts them): rows, last_key,
 * last_watermark, watermark_column.  The sink sets done and keys_pending.
 * The strings stay the loader's.
 */
typedef int (*sink_checkpoint_fn)(void *ctx, uint64_t rows,
				  struct checkpoint *c, struct err *e);

/* what a load does about triggers on a target table (--triggers) */
enum sink_triggers {
	SINK_TRIGGERS_REFUSE = 0, /* fail the table before its first row */
	SINK_TRIGGERS_DISABLE,	  /* PostgreSQL: off inside the load's
				   * transactions, on again at each commit */
	SINK_TRIGGERS_FIRE,	  /* let them run on every row */
};

struct sink_opts {
	enum sink_mode mode;
	enum sink_triggers triggers;
	const char *job; /* --job NAME, or NULL */
	/* the job's lock is left to sink_job_lock (ferry-load: once the
	 * stream's first table says whether it is a --part stream's) */
	int job_lock_later;
	sink_checkpoint_fn checkpoint;
	void *checkpoint_ctx;
	sink_reject_fn reject; /* NULL: a refused row fails the table */
	void *reject_ctx;
	int create;	    /* create missing tables from the stream schema */
	int no_indexes;	    /* --create: no secondary indexes */
	int enum_check;	    /* PostgreSQL: an enum as text with a CHECK of its
			     * labels (--enum-types check), not a type */
	int case_sensitive; /* --case-insensitive off: a MySQL _ci column is
			     * made with PostgreSQL's default collation */
	int citext;	    /* --case-insensitive citext: ... as citext */
	uint64_t commit_every;	   /* rows per transaction; 0: one per table */
	const char *defaults_file; /* MySQL option file, or NULL */
	unsigned connect_timeout;  /* seconds to connect; 0: wait */
	unsigned read_timeout;	   /* seconds without a byte; 0: wait */
	/* ferry-load --parallel: one more connection of a run whose first
	 * made the checkpoint table and holds the job's lock */
	int job_worker;
	/* ferry-load --parallel, PostgreSQL --create: what a table needs that
	 * other tables may share (its schema, collations, enum types,
	 * domains) is made before its transaction, each statement committed,
	 * under this lock of the run's connections; NULL: inside it */
	pthread_mutex_t *shared_lock;
	/* ferry-load --parallel N: the connection builds keys and indexes
	 * with an Nth of the memory the server gives one (PostgreSQL:
	 * maintenance_work_mem), so that N at once stay within it; 0 or 1:
	 * all of it */
	unsigned memory_share;
};

struct sink_table_stats {
	uint64_t rows; /* rows written, rejects not counted */
	uint64_t rejected;
	uint64_t commits;
	int created;
	const char *method; /* how rows went in ("COPY binary", ...), or NULL */
	/* seconds spent building keys and indexes after the rows */
	double keys_seconds;
	uint64_t deleted;   /* delete mode: rows deleted (rows: keys read) */
	/* the table's key and indexes wait for its last key range
	 * (schema_ranges_follow): the next sink_begin_table of it needs
	 * keys_pending */
	int keys_pending;
	/* its transaction is still open: the next key range of the table
	 * goes on in it (PostgreSQL, no --job; MySQL commits each) */
	int open;
};

struct sink;
struct sink_ops;

/* Connect.  NULL with e set.  s->notice may then hold one line that
 * main() should show (a slower path the server forces, say). */
struct sink *sink_open(const struct uri *u, const struct sink_opts *o,
		       struct err *e);

/* "insert", "upsert", "truncate" or "delete": as --mode spells it */
const char *sink_mode_name(enum sink_mode m);

/*
 * Delete mode: 0 when the columns of stream table t are the primary key of
 * the target (what ferry-load --check asks too), whose key columns are pk[0..npk) (names compared without
 * case when nocase, as MySQL does); else -1 with e set (ERR_USAGE, naming
 * the column).
 */
int sink_check_key_columns(const struct schema_table *t, char *const *pk,
			   size_t npk, int nocase, struct err *e);

/*
 * Start loading stream table t into target table `name` (a stream table
 * may be mapped to another name).  Creates it with --create when missing.
 */
int sink_begin_table(struct sink *s, const struct schema_table *t,
		     const char *name, struct err *e);

/* One row of t->ncols values. */
int sink_write_row(struct sink *s, const struct value *row, struct err *e);

/* Finish the table: end the bulk path, merge (upsert), add the primary
 * key of a created table, move sequences past the loaded ids, commit. */
int sink_end_table(struct sink *s, struct sink_table_stats *st, struct err *e);

/*
 * --job: read the checkpoint of stream table `table`, part `part` (before
 * sink_begin_table).  The sink, when opened with a job, has made the
 * checkpoint table and holds the job's lock.
 */
int sink_checkpoint_read(struct sink *s, const char *table, const char *part,
			 struct checkpoint *c, struct err *e);
/* --job with job_lock_later: hold the job's lock, its part "K/N"'s when
 * part is not "" (so that the parts of one job load at once), or fail
 * (ERR_DB) when another run has it */
int sink_job_lock(struct sink *s, const char *part, struct err *e);
/* The checkpoint part of stream table t: "" the whole table (one section,
 * or the ranges of one stream that all follow), "K/N" a --part stream's */
void sink_checkpoint_part(const struct schema_table *t,
			  char out[CHECKPOINT_PART_MAX]);

/*
 * --mode truncate of several tables: empty those of names[0..n) (ferry's
 * name syntax, as sink_begin_table takes them) the target has, together,
 * committed before the first row, so that keys between them do not stand
 * in the way (PostgreSQL: one TRUNCATE of them all; MySQL: DELETE with
 * foreign_key_checks off); each table's own truncation is then not done.
 * 0, or -1 with e set (nothing emptied).
 */
int sink_empty_tables(struct sink *s, char *const *names, size_t n,
		      struct err *e);

/*
 * After the run's last table: the foreign keys of stream table t, which
 * this run created as `name`, each referencing the target's table
 * refs[i] (ferry's name syntax).  Each is made without checking the rows
 * (PostgreSQL: NOT VALID; MySQL: foreign_key_checks off), then the rows
 * are checked (PostgreSQL: VALIDATE; MySQL: an anti-join), so that the
 * tables can come in any order, cycles included.  A key not made, or rows
 * that break one, are a sentence in notes; -1 only when out of memory or
 * the connection is gone.
 */
int sink_foreign_keys(struct sink *s, const struct schema_table *t,
		      const char *name, char *const *refs,
		      struct create_notes *notes, struct err *e);

/*
 * ferry-load --parallel: 1 when the target holds table `name` (stream
 * table t) with a foreign key to another table or from one, which the
 * server checks as rows come (PostgreSQL), so that the table must wait
 * for the tables loaded before it; 0 when not (or the engine does not
 * check them during a load: MySQL's runs with foreign_key_checks off);
 * -1 with e set.
 */
int sink_fk_related(struct sink *s, const struct schema_table *t,
		    const char *name, struct err *e);

/*
 * ferry-load --parallel: what sink_begin_table refuses of a table for the
 * tables of the whole run, asked of the run's own connection before the
 * table goes to another: two names that are one in the target
 * (PostgreSQL: pgname.h's run).  0, or -1 with e set as sink_begin_table
 * sets it.
 */
int sink_claim_name(struct sink *s, const struct schema_table *t,
		    const char *name, struct err *e);

/* Give up on the current table: end the bulk path with `why` and roll
 * back.  Never fails; the connection may be gone. */
void sink_abort_table(struct sink *s, const char *why);

void sink_close(struct sink *s);

/*
 * A sequence no column owns (stream/objects.h): made when the target has
 * none of that name and create is set (its schema too), and moved on to
 * the source's next value when the target's is behind it, never back.
 * Outside a table's transaction.  -1 with ERR_DB.
 */
struct schema_sequence;
enum sink_seq_outcome {
	SINK_SEQ_UNSUPPORTED, /* the target engine has none */
	SINK_SEQ_ABSENT,      /* not there, and not made (no create) */
	SINK_SEQ_MADE,	      /* made, at the source's next value */
	SINK_SEQ_MOVED,	      /* there, moved on to the source's next value */
	SINK_SEQ_AHEAD,	      /* there, already at or past it: left alone */
};
int sink_sequence(struct sink *s, const struct schema_sequence *q, int create,
		  enum sink_seq_outcome *out, struct err *e);

/*
 * A view (stream/objects.h) made on the target as `name` (ferry's name
 * syntax), its query ferry's form (stream/sqlexpr.h) read against the
 * stream's tables vt->tabs, written with their target names and their
 * columns' target names.  Left alone when the target has a table or view
 * of that name; not made (why set) when the query cannot be written for
 * the target or the target refuses it.  Outside a table's transaction.
 * -1 only when out of memory or the connection is gone.
 */
struct sink_view_tables {
	struct schema_table *const *tabs; /* the stream's */
	char *const *names;		  /* their target names */
	char *const *const *cols;	  /* their columns' target names */
	size_t n;
	int fold; /* the view's own column names in lower case */
};
enum sink_view_outcome {
	SINK_VIEW_UNSUPPORTED, /* the engine makes none */
	SINK_VIEW_MADE,
	SINK_VIEW_EXISTS,  /* the target has that name: left alone */
	SINK_VIEW_REFUSED, /* not made: why */
};
int sink_view(struct sink *s, const char *name, const char *query,
	      const struct sink_view_tables *vt, enum sink_view_outcome *out,
	      char *why, size_t whysz, struct err *e);

/*
 * What the load and --check say of a table with enabled triggers under
 * --triggers refuse: ERR_USAGE naming them (names[0..n), at most a few
 * hundred bytes of them) and the two choices; returns -1.
 */
int sink_triggers_refusal(struct err *e, char *const *names, size_t n);

struct sink {
	const struct sink_ops *ops;
	struct sink_opts opts;
	const char *notice; /* one line for the user, set at open, or NULL */
	uint64_t row_no;    /* rows of the current table, for messages */
	/* --job: the table was created by an earlier run of the job, which
	 * did not get to build its primary key and indexes; set by the
	 * loader before sink_begin_table */
	int keys_pending;
	/* set by sink_begin_table: the names of the table the target holds
	 * under others (PostgreSQL: those over 63 bytes, see pgname.h),
	 * borrowed until the next sink_begin_table; NULL and 0 when none */
	const struct name_rename *renamed;
	size_t nrenamed;
	/* set by sink_begin_table of a table it creates: what --create made
	 * otherwise than the source has it, or not at all (db/engine.h),
	 * kept until the next sink_begin_table */
	struct create_notes notes;
	/* set by the loader before the first table it creates: the stream's
	 * objects, whose free sequences it made or found in the target; a
	 * column default nextval() of one of them is made (PostgreSQL).
	 * NULL: none */
	const struct schema_objects *sequences;
	/* set by sink_empty_tables: --mode truncate's tables were emptied
	 * together, before the first; a table's own truncation is done */
	int run_emptied;
	/* inside sink_group_begin .. commit: tables begin and end inside
	 * the one transaction, without their checkpoints */
	int group;
	/* set by sink_open with memory_share: the memory this connection
	 * builds indexes with, and the server's for one, in KiB; 0: not
	 * shared */
	long long index_kib, index_of_kib;
};

/*
 * ferry-load --follow: one transaction over several tables, which exist
 * (from sink_group_begin on, the sink creates none).
 * After sink_group_begin, each sink_begin_table .. sink_end_table works
 * inside it, in the mode set by sink_set_mode (upsert or delete), with
 * no commit and no checkpoint of its own; sink_group_commit writes the
 * checkpoint c of `table` (ferry's name, or CHECKPOINT_FOLLOW) and
 * commits all of it; sink_group_abort rolls it back.  -1 with e set.
 */
int sink_group_begin(struct sink *s, struct err *e);
int sink_group_commit(struct sink *s, const char *table,
		      const struct checkpoint *c, struct err *e);
void sink_group_abort(struct sink *s);
void sink_set_mode(struct sink *s, enum sink_mode m);

#endif
