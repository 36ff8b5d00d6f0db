/*
 * follow - the committed changes of a source after a snapshot, for
 * ferry-extract --follow: an interface with one implementation per engine
 * (PostgreSQL: follow_pg.c, logical decoding with the built-in pgoutput
 * plugin on a replication connection; MariaDB: follow_mysql.c, the binary
 * log's row events read as a replica would).
 *
 * A follow is named by its job (--since-job NAME): PostgreSQL keeps a
 * replication slot and a publication of that name (follow_slot_name), so
 * that a rerun resumes where the target's checkpoint says, and the slot
 * keeps the source's WAL from that point until the target has committed
 * it (follow_confirm).  MariaDB keeps nothing for a job: a rerun reads
 * the binary log from the checkpoint's file and position, as long as the
 * server still has that file (binlog_expire_logs_seconds).
 *
 * Events come in commit order: the changes of one source transaction, then
 * its commit with its position; and heartbeats, positions past which
 * nothing of the followed tables committed.  A schema change on a followed
 * table (ALTER, RENAME, TRUNCATE, DROP) is ERR_RESNAPSHOT naming the
 * table, a slot that is gone ERR_POSITION_LOST: never guessed past.
 *
 * Errors: ERR_DB for what the server says, ERR_STREAM for a change the
 * stream cannot carry (named by table and column), ERR_USAGE for a table
 * that cannot be followed (no primary key, no replica identity).
 */
#ifndef FERRY_FOLLOW_H
#define FERRY_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "db/source.h"
#include "db/uri.h"
#include "stream/stream.h"

/* bytes of a slot or publication name, with its NUL */
#define FOLLOW_NAME_MAX 64

/* The slot (and publication) of job `job`: "ferry_", the job's letters,
 * digits and underscores in lower case (others become '_', at most 40),
 * '_' and 8 hex digits of a hash of the whole name, so that two jobs
 * never share one. */
void follow_slot_name(const char *job, char out[FOLLOW_NAME_MAX]);

struct follow;

/* Connect for following (a replication connection and one for SQL). */
struct follow *follow_open(const struct uri *u, const char *job,
			   const struct source_opts *o, struct err *e);

/* the engine as the stream's follow frame names it */
const char *follow_engine(const struct follow *f);

/*
 * Start anew, from the snapshot that src (begun, of the same source)
 * reads the tables [0..n) in; *start is its position.  PostgreSQL: drop
 * the job's old slot and publication, publish the tables (each with a
 * primary key, the replica identity), make the slot and import its
 * exported snapshot into src.  MariaDB: the binary log position of src's
 * consistent snapshot.
 */
int follow_create(struct follow *f, struct schema_table *const *tables,
		  size_t n, struct source *src, struct stream_position *start,
		  struct err *e);

/* Go on from the job's slot, which must exist (ERR_POSITION_LOST). */
int follow_resume(struct follow *f, struct schema_table *const *tables,
		  size_t n, struct err *e);

/* Stream the transactions committed after `from`. */
int follow_start(struct follow *f, const struct stream_position *from,
		 struct err *e);

enum follow_event_kind {
	FOLLOW_CHANGE = 1,
	FOLLOW_COMMIT,
	FOLLOW_HEARTBEAT,
};

struct follow_event {
	enum follow_event_kind kind;
	struct stream_change change; /* CHANGE: table indexes tables[] */
	struct stream_position pos;  /* COMMIT, HEARTBEAT */
	int64_t time_us;	     /* commit time, or the source's clock */
};

/*
 * The next event: 1 with *ev (its values borrowed until the next call),
 * 0 when none came within wait_ms milliseconds (a heartbeat is asked of
 * the source then), -1 with e set.
 */
int follow_next(struct follow *f, struct follow_event *ev, int wait_ms,
		struct err *e);

/* The target has committed everything up to `order`: the source may let
 * go of it (PostgreSQL: the slot's confirmed position). */
int follow_confirm(struct follow *f, uint64_t order, struct err *e);

/* The source's position now (--until now): every transaction committed
 * before this call has an order at or below it, and a heartbeat past it
 * is on its way. */
int follow_now(struct follow *f, struct stream_position *pos, struct err *e);

/* A position as the source writes it (PostgreSQL: an LSN, 16/B374D848),
 * for --until: 0, or -1 with ERR_USAGE. */
int follow_position(struct follow *f, const char *text,
		    struct stream_position *pos, struct err *e);

/* Drop the job's slot and publication (ferry-extract --follow-drop). */
int follow_drop(struct follow *f, struct err *e);

void follow_close(struct follow *f);

/*
 * ferry-extract --inventory --follow: everything that would stop
 * following the tables names[0..n) (ferry's names) of u, each a call of
 * fn with what it is about ("server", "role" or a table's name) and what
 * to do, all of them, before anything starts.  -1 with e set (ERR_DB,
 * or what fn returns).
 */
typedef int (*follow_finding_fn)(void *ctx, const char *about, const char *what,
				 struct err *e);
int follow_preflight(const struct uri *u, const struct source_opts *o,
		     char *const *names, size_t n, follow_finding_fn fn,
		     void *ctx, struct err *e);

#endif
