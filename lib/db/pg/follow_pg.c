/*
 * follow_pg - a PostgreSQL source's committed changes: logical decoding
 * with the built-in pgoutput plugin (protocol 1, text tuples) on a
 * replication connection (replication=database), through a slot and a
 * publication named after the job (follow.h).
 *
 * A second, ordinary connection does the SQL: the publication, the
 * catalog checks, and the heartbeats (pg_logical_emit_message, a WAL
 * record that touches no table), which the slot then sends back in order
 * with the transactions, so that an idle source still moves forward.
 */
#include "db/follow_int.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/progress.h"
#include "db/pg/pgoutput.h"
#include "db/pg/pgutil.h"

#define PG_EPOCH_US INT64_C(946684800000000)

/* what a followed table looked like in the catalog when following began */
struct fp_table {
	const struct schema_table *t;
	uint32_t oid;
	char **names;	 /* its columns pgoutput sends, in order */
	uint32_t *types; /* and their type OIDs */
	size_t n;
	size_t *map; /* column i of a tuple -> column of t */
	int seen;    /* a Relation message checked it */
};

struct fpg {
	struct follow base;
	PGconn *repl, *sql;
	char slot[FOLLOW_NAME_MAX];
	struct fp_table *tabs;
	size_t ntabs;
	struct pgoutput_parser parser;
	char *msg; /* the CopyData message being read (libpq's) */
	int streaming;
	int in_txn;
	int64_t txn_time;
	uint64_t received;  /* the highest WAL position seen */
	uint64_t confirmed; /* what the target committed */
	double last_feedback, last_ask, last_check;
	struct follow_bufs b;
	unsigned char *unch;
	struct buf scratch;
};

static void lsn_text(uint64_t lsn, char *out, size_t outsz)
{
	snprintf(out, outsz, "%X/%X", (unsigned)(lsn >> 32), (unsigned)lsn);
}

static int lsn_parse(const char *s, uint64_t *out)
{
	unsigned hi, lo;
	char tail;

	if (sscanf(s, "%X/%X%c", &hi, &lo, &tail) != 2)
		return -1;
	*out = (uint64_t)hi << 32 | lo;
	return 0;
}

static int sql_fail(PGconn *c, PGresult *r, const char *what, struct err *e)
{
	const char *m = r ? PQresultErrorMessage(r) : "";
	return pgutil_msg(e, what, *m ? m : PQerrorMessage(c));
}

/* run sql on c with params; *out the result when asked (tuples) */
static int run(PGconn *c, const char *sql, int n, const char *const *params,
	       PGresult **out, const char *what, struct err *e)
{
	return pgutil_exec((struct pg_conn *)c, sql, n, params, out, what, e);
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *connect_to(const struct uri *u, const struct source_opts *o,
			  int replication, struct err *e)
{
	const char *keys[4] = { "dbname", NULL, NULL, NULL };
	const char *vals[4] = { u->conninfo, NULL, NULL, NULL };
	char ct[24];
	PGconn *c;
	int n = 1;

	/* after dbname, so that the conninfo it expands to cannot turn
	 * them off */
	if (replication) {
		keys[n] = "replication";
		vals[n++] = "database";
	}
	if (o->connect_timeout) {
		snprintf(ct, sizeof(ct), "%u", o->connect_timeout);
		keys[n] = "connect_timeout";
		vals[n++] = ct;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (!c) {
		err_oom(e);
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		char what[600];
		snprintf(what, sizeof(what), "cannot connect to %s%s",
			 u->display, replication ? " for replication" : "");
		pgutil_msg(e, what, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	/* the server's notices (a publication to drop that is not there)
	 * are not the user's business */
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

static void tabs_free(struct fpg *f)
{
	for (size_t i = 0; i < f->ntabs; i++) {
		for (size_t k = 0; k < f->tabs[i].n; k++)
			free(f->tabs[i].names[k]);
		free(f->tabs[i].names);
		free(f->tabs[i].types);
		free(f->tabs[i].map);
	}
	free(f->tabs);
	f->tabs = NULL;
	f->ntabs = 0;
}

static void pg_close(struct fpg *f)
{
	if (!f)
		return;
	PQfreemem(f->msg);
	if (f->repl)
		PQfinish(f->repl);
	if (f->sql)
		PQfinish(f->sql);
	tabs_free(f);
	pgoutput_parser_release(&f->parser);
	buf_release(&f->scratch);
	follow_bufs_free(&f->b);
	free(f->unch);
	free(f);
}

static const char *own_schema(const struct schema_table *t)
{
	return t->schema ? t->schema : "public";
}

static const char *own_name(const struct schema_table *t)
{
	return t->table ? t->table : t->name;
}

/* what is wrong with a table's replica identity (pg_class.relreplident)
 * for following, or NULL: DEFAULT and FULL will do */
static const char *replident_problem(char kind)
{
	switch (kind) {
	case 'd':
	case 'f': return NULL;
	case 'n':
		return "REPLICA IDENTITY NOTHING: its updates and deletes "
		       "cannot be followed (ALTER TABLE ... REPLICA IDENTITY "
		       "DEFAULT)";
	default:
		return "REPLICA IDENTITY USING INDEX: ferry follows rows by the "
		       "primary key (ALTER TABLE ... REPLICA IDENTITY DEFAULT)";
	}
}

/* a followed table's oid, replica identity and the columns pgoutput
 * sends, each matched to a column of t */
static int read_table(struct fpg *f, struct fp_table *ft, struct err *e)
{
	const struct schema_table *t = ft->t;
	const char *p[2] = { own_schema(t), own_name(t) };
	PGresult *r = NULL;
	char oid[16];
	int rc = -1;

	if (run(f->sql,
		"SELECT c.oid, c.relreplident FROM pg_catalog.pg_class c "
		"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'",
		2, p, &r, "reading the catalog", e) < 0)
		return -1;
	if (PQntuples(r) != 1) {
		err_set(e, ERR_RESNAPSHOT, "table %s is gone", t->name);
		goto out;
	}
	ft->oid = (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
	if (!t->npk) {
		err_set(e, ERR_USAGE,
			"table %s has no primary key: its updates and deletes "
			"cannot be followed (and publishing it would refuse "
			"them on the source)",
			t->name);
		goto out;
	}
	if (replident_problem(PQgetvalue(r, 0, 1)[0])) {
		err_set(e, ERR_USAGE, "table %s has %s", t->name,
			replident_problem(PQgetvalue(r, 0, 1)[0]));
		goto out;
	}
	PQclear(r);
	r = NULL;
	snprintf(oid, sizeof(oid), "%" PRIu32, ft->oid);
	p[0] = oid;
	if (run(f->sql,
		"SELECT attname, atttypid FROM pg_catalog.pg_attribute "
		"WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped "
		"AND attgenerated = '' ORDER BY attnum",
		1, p, &r, "reading the catalog", e) < 0)
		return -1;
	ft->n = (size_t)PQntuples(r);
	if (!(ft->names = calloc(ft->n + 1, sizeof(*ft->names))) ||
	    !(ft->types = calloc(ft->n + 1, sizeof(*ft->types))) ||
	    !(ft->map = calloc(ft->n + 1, sizeof(*ft->map)))) {
		err_oom(e);
		goto out;
	}
	for (size_t i = 0; i < ft->n; i++) {
		const char *name = PQgetvalue(r, (int)i, 0);
		int c = schema_column_index(t, name);
		if (!(ft->names[i] = strdup(name))) {
			err_oom(e);
			goto out;
		}
		ft->types[i] =
		    (uint32_t)strtoul(PQgetvalue(r, (int)i, 1), NULL, 10);
		if (c < 0) {
			err_set(e, ERR_RESNAPSHOT,
				"table %s has a column %s the snapshot did "
				"not read: take a new snapshot (--resnapshot)",
				t->name, name);
			goto out;
		}
		ft->map[i] = (size_t)c;
	}
	/* every column the snapshot read that is not generated comes */
	for (size_t c = 0; c < t->ncols; c++) {
		size_t i = 0;
		if (t->cols[c].generated)
			continue;
		while (i < ft->n && ft->map[i] != c)
			i++;
		if (i == ft->n) {
			err_set(e, ERR_RESNAPSHOT,
				"table %s no longer has column %s: take a new "
				"snapshot (--resnapshot)",
				t->name, t->cols[c].name);
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(r);
	return rc;
}

static int read_tables(struct fpg *f, struct schema_table *const *tables,
		       size_t n, struct err *e)
{
	tabs_free(f);
	if (!(f->tabs = calloc(n + 1, sizeof(*f->tabs))))
		return err_oom(e);
	for (size_t i = 0; i < n; i++) {
		f->tabs[i].t = tables[i];
		f->ntabs++;
		if (read_table(f, &f->tabs[i], e) < 0)
			return -1;
	}
	if (follow_bufs_make(&f->b, tables, n, e) < 0)
		return -1;
	free(f->unch);
	if (!(f->unch = calloc((f->b.maxcols + 7) / 8, 1)))
		return err_oom(e);
	return 0;
}

/* the slot is still held by a walsender whose client is gone (a
 * follow stopped a moment ago): the server lets go of it shortly */
static int slot_busy(const PGresult *r)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return st && strcmp(st, "55006") == 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int drop_old(struct fpg *f, struct err *e)
{
	const char *p[1] = { f->slot };
	struct buf q;
	PGresult *r;
	int rc = -1, tries = 0;

	buf_init(&q, 1024);
	for (;;) {
		r = PQexecParams(
		    f->sql,
		    "SELECT pg_catalog.pg_drop_replication_slot("
		    "slot_name) FROM pg_catalog.pg_replication_slots "
		    "WHERE slot_name = $1",
		    1, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			break;
		if (!slot_busy(r) || ++tries >= 100) {
			sql_fail(f->sql, r,
				 "dropping the job's old replication slot", e);
			PQclear(r);
			goto out;
		}
		PQclear(r);
		pause_ms(100);
	}
	PQclear(r);
	if (buf_adds(&q, "DROP PUBLICATION IF EXISTS ", e) < 0 ||
	    pgutil_quote_ident(&q, f->slot, strlen(f->slot), e) < 0 ||
	    run(f->sql, (char *)q.data, 0, NULL, NULL,
		"dropping the job's old publication", e) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&q);
	return rc;
}

static int pg_drop(struct fpg *f, struct err *e)
{
	return drop_old(f, e);
}

static int pg_create(struct fpg *f, struct schema_table *const *tables,
		     size_t n, struct source *src, struct stream_position *start,
		     struct err *e)
{
	struct buf q;
	PGresult *r = NULL;
	int rc = -1;

	buf_init(&q, 1u << 24);
	if (read_tables(f, tables, n, e) < 0 || drop_old(f, e) < 0)
		goto out;
	/* the publication first: the slot decodes with the catalog as it
	 * was, and must find it there */
	if (buf_adds(&q, "CREATE PUBLICATION ", e) < 0 ||
	    pgutil_quote_ident(&q, f->slot, strlen(f->slot), e) < 0 ||
	    buf_adds(&q, " FOR TABLE ", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_adds(&q, ", ", e) < 0) ||
		    buf_adds(&q, "ONLY ", e) < 0 ||
		    pgutil_quote_table(&q, own_schema(tables[i]),
				       own_name(tables[i]), e) < 0)
			goto out;
	if (run(f->sql, (char *)q.data, 0, NULL, NULL,
		"creating the publication", e) < 0)
		goto out;
	buf_reset(&q);
	if (buf_adds(&q, "CREATE_REPLICATION_SLOT ", e) < 0 ||
	    pgutil_quote_ident(&q, f->slot, strlen(f->slot), e) < 0 ||
	    buf_adds(&q, " LOGICAL pgoutput (SNAPSHOT 'export')", e) < 0)
		goto out;
	r = PQexec(f->repl, (char *)q.data);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
	    PQnfields(r) < 3) {
		sql_fail(f->repl, r, "creating the replication slot", e);
		goto out;
	}
	if (lsn_parse(PQgetvalue(r, 0, 1), &start->order) < 0) {
		err_set(e, ERR_DB, "the slot's start '%.40s' is no position",
			PQgetvalue(r, 0, 1));
		goto out;
	}
	lsn_text(start->order, start->text, sizeof(start->text));
	/* the tables are read in the slot's snapshot: no gap, no overlap */
	if (source_begin_snapshot(src, PQgetvalue(r, 0, 2), e) < 0)
		goto out;
	f->confirmed = f->received = start->order;
	rc = 0;
out:
	PQclear(r);
	buf_release(&q);
	return rc;
}

static int pg_resume(struct fpg *f, struct schema_table *const *tables,
		  size_t n, struct err *e)
{
	const char *p[1] = { f->slot };
	PGresult *r = NULL;
	int rc = -1;

	if (run(f->sql,
		"SELECT confirmed_flush_lsn, "
		"(SELECT count(*) FROM pg_catalog.pg_publication WHERE pubname "
		"= $1), wal_status IS DISTINCT FROM 'lost' "
		"FROM pg_catalog.pg_replication_slots WHERE slot_name = "
		"$1 AND plugin = 'pgoutput' AND database = "
		"current_database()",
		1, p, &r, "reading the replication slot", e) < 0)
		return -1;
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 2), "t") != 0) {
		err_set(e, ERR_POSITION_LOST,
			"the job's replication slot %s lost the WAL it kept "
			"(max_slot_wal_keep_size): the changes since its "
			"checkpoint cannot be read; start again with a new "
			"snapshot (--resnapshot)",
			f->slot);
		goto out;
	}
	if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 1), "1") != 0) {
		err_set(e, ERR_POSITION_LOST,
			"the job's replication slot or publication %s is gone: "
			"the changes since its checkpoint cannot be read; "
			"start again with a new snapshot (--resnapshot)",
			f->slot);
		goto out;
	}
	if (!PQgetisnull(r, 0, 0) &&
	    lsn_parse(PQgetvalue(r, 0, 0), &f->confirmed) < 0) {
		err_set(e, ERR_DB, "the slot's position is unreadable");
		goto out;
	}
	if (read_tables(f, tables, n, e) < 0)
		goto out;
	/* the publication is the job's: a table it lacks sends nothing,
	 * which must not pass for a table without changes */
	for (size_t i = 0; i < n; i++) {
		const char *q[3] = { f->slot, own_schema(tables[i]),
				     own_name(tables[i]) };
		PQclear(r);
		r = NULL;
		if (run(f->sql,
			"SELECT 1 FROM pg_catalog.pg_publication_tables WHERE "
			"pubname = $1 AND schemaname = $2 AND tablename = $3",
			3, q, &r, "reading the publication", e) < 0)
			goto out;
		if (PQntuples(r) != 1) {
			err_set(e, ERR_USAGE,
				"table %s is not one job %s follows: a table "
				"more needs a new snapshot (--resnapshot)",
				tables[i]->name, f->slot);
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(r);
	return rc;
}

static int pg_start(struct fpg *f, const struct stream_position *from,
		 struct err *e)
{
	char lsn[40];
	struct buf q;
	PGresult *r;
	int rc = -1, tries = 0;

	if (from->order < f->confirmed)
		return err_set(e, ERR_POSITION_LOST,
			       "the job's replication slot %s has moved past "
			       "the checkpoint's position %s: the changes in "
			       "between are lost; start again with a new "
			       "snapshot (--resnapshot)",
			       f->slot, from->text);
	lsn_text(from->order, lsn, sizeof(lsn));
	buf_init(&q, 1024);
	if (buf_adds(&q, "START_REPLICATION SLOT ", e) < 0 ||
	    pgutil_quote_ident(&q, f->slot, strlen(f->slot), e) < 0 ||
	    buf_addf(&q, e,
		     " LOGICAL %s (proto_version '1', messages 'true', "
		     "publication_names ",
		     lsn) < 0 ||
	    pgutil_quote_literal(&q, f->slot, strlen(f->slot), e) < 0 ||
	    buf_adds(&q, ")", e) < 0)
		goto out;
	while ((r = PQexec(f->repl, (char *)q.data)) &&
	       PQresultStatus(r) != PGRES_COPY_BOTH && slot_busy(r) &&
	       ++tries < 100) {
		PQclear(r);
		pause_ms(100);
	}
	if (PQresultStatus(r) != PGRES_COPY_BOTH) {
		sql_fail(f->repl, r, "starting replication", e);
		PQclear(r);
		goto out;
	}
	PQclear(r);
	f->streaming = 1;
	f->received = from->order;
	if (f->confirmed < from->order)
		f->confirmed = f->confirmed ? f->confirmed : from->order;
	f->last_feedback = f->last_ask = f->last_check = progress_now();
	rc = 0;
out:
	buf_release(&q);
	return rc;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

/* a standby status update: received, and what the target committed */
static int feedback(struct fpg *f, struct err *e)
{
	unsigned char m[34];
	int64_t us = progress_wall_us() - PG_EPOCH_US;
	m[0] = 'r';
	put64(m + 1, f->received);
	put64(m + 9, f->confirmed);
	put64(m + 17, f->confirmed);
	put64(m + 25, (uint64_t)us);
	m[33] = 0;
	if (PQputCopyData(f->repl, (const char *)m, sizeof(m)) != 1 ||
	    PQflush(f->repl) != 0)
		return pgutil_msg(e, "sending the slot's position",
				  PQerrorMessage(f->repl));
	f->last_feedback = progress_now();
	return 0;
}

static int pg_confirm(struct fpg *f, uint64_t order, struct err *e)
{
	if (order <= f->confirmed)
		return 0;
	f->confirmed = order;
	return f->streaming ? feedback(f, e) : 0;
}

/* ask the source for a heartbeat: a WAL record of no table */
static int ask_heartbeat(struct fpg *f, struct err *e)
{
	f->last_ask = progress_now();
	return run(f->sql,
		   "SELECT pg_catalog.pg_logical_emit_message(false, "
		   "'ferry', 'heartbeat')",
		   0, NULL, NULL, "asking for a heartbeat", e);
}

static int pg_position(struct fpg *f, const char *text,
		    struct stream_position *pos, struct err *e)
{
	(void)f;
	if (strlen(text) > 40 || lsn_parse(text, &pos->order) < 0)
		return err_set(e, ERR_USAGE,
			       "--until: '%.40s' is not now or a position of "
			       "this source (an LSN such as 0/16B3748)",
			       text);
	lsn_text(pos->order, pos->text, sizeof(pos->text));
	/* a heartbeat past it is asked for when the source is idle */
	return 0;
}

static int pg_now(struct fpg *f, struct stream_position *pos, struct err *e)
{
	PGresult *r;

	if (run(f->sql, "SELECT pg_catalog.pg_current_wal_insert_lsn()", 0,
		NULL, &r, "reading the source's position", e) < 0)
		return -1;
	if (lsn_parse(PQgetvalue(r, 0, 0), &pos->order) < 0) {
		PQclear(r);
		return err_set(e, ERR_DB,
			       "the source's position is unreadable");
	}
	PQclear(r);
	lsn_text(pos->order, pos->text, sizeof(pos->text));
	return ask_heartbeat(f, e);
}

/* every followed table still there (a DROP sends no message) */
static int check_tables(struct fpg *f, struct err *e)
{
	struct buf arr;
	PGresult *r;
	const char *p[1];
	int rc = -1;

	f->last_check = progress_now();
	buf_init(&arr, 1u << 20);
	if (buf_addc(&arr, '{', e) < 0)
		goto out;
	for (size_t i = 0; i < f->ntabs; i++)
		if (buf_addf(&arr, e, "%s%" PRIu32, i ? "," : "",
			     f->tabs[i].oid) < 0)
			goto out;
	if (buf_adds(&arr, "}", e) < 0)
		goto out;
	p[0] = (char *)arr.data;
	if (run(f->sql,
		"SELECT x FROM unnest($1::oid[]) x WHERE NOT EXISTS (SELECT "
		"FROM pg_catalog.pg_class c WHERE c.oid = x) LIMIT 1",
		1, p, &r, "reading the catalog", e) < 0)
		goto out;
	if (PQntuples(r)) {
		uint32_t gone =
		    (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		for (size_t i = 0; i < f->ntabs; i++)
			if (f->tabs[i].oid == gone)
				err_set(
				    e, ERR_RESNAPSHOT,
				    "table %s was dropped on the source: "
				    "take a new snapshot of what is left (--resnapshot)",
				    f->tabs[i].t->name);
		goto out;
	}
	PQclear(r);
	rc = 0;
out:
	buf_release(&arr);
	return rc;
}

static struct fp_table *table_of(struct fpg *f, uint32_t relid)
{
	for (size_t i = 0; i < f->ntabs; i++)
		if (f->tabs[i].oid == relid)
			return &f->tabs[i];
	return NULL;
}

/* a Relation message: the table as the stream has it, or a schema
 * change */
static int relation(struct fpg *f, const struct pgoutput_msg *m,
		    struct err *e)
{
	struct fp_table *ft = table_of(f, m->relid);

	if (!ft)
		return err_set(e, ERR_RESNAPSHOT,
			       "the source sends changes of table %s.%s, "
			       "which is not followed (renamed?): take a "
			       "new snapshot (--resnapshot)",
			       m->nspname, m->relname);
	if (strcmp(m->nspname, own_schema(ft->t)) != 0 ||
	    strcmp(m->relname, own_name(ft->t)) != 0)
		return err_set(e, ERR_RESNAPSHOT,
			       "table %s was renamed to %s.%s on the source: "
			       "take a new snapshot (--resnapshot)",
			       ft->t->name, m->nspname, m->relname);
	if (m->replident == 'n' || m->replident == 'i')
		return err_set(e, ERR_RESNAPSHOT,
			       "table %s: its replica identity changed on the "
			       "source",
			       ft->t->name);
	if (m->ncols != ft->n)
		goto changed;
	for (size_t i = 0; i < ft->n; i++)
		if (strcmp(m->cols[i].name, ft->names[i]) != 0 ||
		    m->cols[i].type_oid != ft->types[i])
			goto changed;
	ft->seen = 1;
	return 0;
changed:
	return err_set(e, ERR_RESNAPSHOT,
		       "table %s: its columns changed on the source (ALTER "
		       "TABLE): take a new snapshot (--resnapshot)",
		       ft->t->name);
}

/* the values of a tuple into row (columns of t not sent: NULL) */
static int tuple_values(struct fpg *f, const struct fp_table *ft,
			const struct pgoutput_datum *d, size_t n,
			struct value *row, unsigned char *unch, struct err *e)
{
	const struct schema_table *t = ft->t;

	if (n != ft->n)
		return err_set(e, ERR_RESNAPSHOT,
			       "table %s: a change with %zu columns, not %zu",
			       t->name, n, ft->n);
	for (size_t c = 0; c < t->ncols; c++)
		row[c].null = true;
	if (unch)
		memset(unch, 0, (t->ncols + 7) / 8);
	for (size_t i = 0; i < n; i++) {
		size_t c = ft->map[i];
		const struct schema_column *col = &t->cols[c];
		if (d[i].kind == 'n') {
			row[c].null = true;
			continue;
		}
		if (d[i].kind == 'u') {
			if (!unch)
				return err_set(e, ERR_STREAM,
					       "table %s, column %s: an "
					       "unchanged value where there "
					       "is none",
					       t->name, col->name);
			unch[c / 8] |= (unsigned char)(1u << (c % 8));
			continue;
		}
		if (pgoutput_value(col, d[i].text, d[i].len, &f->scratch,
				   &row[c], e) < 0)
			return err_prefix(e, "table %s, column %s", t->name,
					  col->name);
	}
	return 0;
}

static size_t tuple_bytes(const struct pgoutput_datum *d, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += d[i].len + 5; /* pgoutput_value: len + 4 */
	return sum;
}

/* an Insert, Update or Delete as a change */
static int change(struct fpg *f, const struct pgoutput_msg *m,
		  struct follow_event *ev, struct err *e)
{
	struct fp_table *ft = table_of(f, m->relid);
	struct stream_change *c = &ev->change;
	const struct schema_table *t;

	if (!ft || !ft->seen)
		return err_set(e, ERR_STREAM,
			       "a change of relation %" PRIu32
			       " before its description",
			       m->relid);
	t = ft->t;
	memset(c, 0, sizeof(*c));
	c->table = (size_t)(ft - f->tabs);
	ev->kind = FOLLOW_CHANGE;
	/* values land in scratch: room for all of them first, so that
	 * none moves */
	buf_reset(&f->scratch);
	if (buf_reserve(&f->scratch,
			tuple_bytes(m->new_tuple, m->nnew) +
			    tuple_bytes(m->old_tuple, m->nold) + 16,
			e) < 0)
		return -1;
	switch (m->kind) {
	case 'I':
		c->op = STREAM_CHANGE_INSERT;
		if (tuple_values(f, ft, m->new_tuple, m->nnew, f->b.row, NULL,
				 e) < 0 ||
		    follow_key_of(t, f->b.row, f->b.key, e) < 0)
			return -1;
		c->row = f->b.row;
		return 0;
	case 'U': {
		int any = 0;
		c->op = STREAM_CHANGE_UPDATE;
		if (tuple_values(f, ft, m->new_tuple, m->nnew, f->b.row, f->unch,
				 e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++)
			if (f->unch[t->pk[k] / 8] >> (t->pk[k] % 8) & 1)
				return err_set(e, ERR_STREAM,
					       "table %s: an update that "
					       "leaves its key unsent",
					       t->name);
		if (follow_key_of(t, f->b.row, f->b.key, e) < 0)
			return -1;
		for (size_t i = 0; i < (t->ncols + 7) / 8; i++)
			any |= f->unch[i];
		c->row = f->b.row;
		c->unchanged = any ? f->unch : NULL;
		if (m->old_kind) {
			/* the old row's values go elsewhere: its key only */
			struct value *oldrow =
			    calloc(t->ncols + 1, sizeof(*oldrow));
			int same = 1, rc;
			if (!oldrow)
				return err_oom(e);
			rc = tuple_values(f, ft, m->old_tuple, m->nold, oldrow,
					  NULL, e) < 0 ||
				     follow_key_of(t, oldrow, f->b.old, e) < 0
				 ? -1
				 : 0;
			free(oldrow);
			if (rc < 0)
				return -1;
			for (size_t k = 0; k < t->npk; k++)
				same &=
				    value_compare(t->cols[t->pk[k]].type,
						  &f->b.old[k], &f->b.key[k]) == 0;
			if (!same)
				c->old_key = f->b.old;
		}
		return 0;
	}
	default: {
		struct value *oldrow;
		int rc;
		c->op = STREAM_CHANGE_DELETE;
		if (!m->old_kind)
			return err_set(e, ERR_STREAM,
				       "table %s: a delete without its key",
				       t->name);
		if (!(oldrow = calloc(t->ncols + 1, sizeof(*oldrow))))
			return err_oom(e);
		rc = tuple_values(f, ft, m->old_tuple, m->nold, oldrow, NULL,
				  e) < 0 ||
			     follow_key_of(t, oldrow, f->b.key, e) < 0
			 ? -1
			 : 0;
		free(oldrow);
		c->key = f->b.key;
		return rc;
	}
	}
}

/* one pgoutput message: 1 with an event, 0 for none, -1 */
static int message(struct fpg *f, const unsigned char *p, size_t len,
		   struct follow_event *ev, struct err *e)
{
	struct pgoutput_msg m;

	if (pgoutput_parse(&f->parser, p, len, &m, e) < 0)
		return -1;
	switch (m.kind) {
	case 'B':
		f->in_txn = 1;
		f->txn_time = m.time_us;
		return 0;
	case 'C':
		f->in_txn = 0;
		ev->kind = FOLLOW_COMMIT;
		ev->pos.order = m.end_lsn;
		lsn_text(m.end_lsn, ev->pos.text, sizeof(ev->pos.text));
		ev->time_us = m.time_us;
		if (m.end_lsn > f->received)
			f->received = m.end_lsn;
		return 1;
	case 'R': return relation(f, &m, e) < 0 ? -1 : 0;
	case 'I':
	case 'U':
	case 'D': return change(f, &m, ev, e) < 0 ? -1 : 1;
	case 'T': {
		const char *name = "?";
		for (size_t i = 0; i < m.nrels; i++) {
			struct fp_table *ft = table_of(f, m.rels[i]);
			if (ft)
				name = ft->t->name;
		}
		return err_set(e, ERR_RESNAPSHOT,
			       "table %s was truncated on the source: take a "
			       "new snapshot (--resnapshot)",
			       name);
	}
	case 'M':
		if (m.transactional || f->in_txn)
			return 0;
		/* a point in the source's order: nothing of the followed
		 * tables committed up to it that was not sent */
		ev->kind = FOLLOW_HEARTBEAT;
		ev->pos.order = m.lsn;
		lsn_text(m.lsn, ev->pos.text, sizeof(ev->pos.text));
		ev->time_us = progress_wall_us();
		if (m.lsn > f->received)
			f->received = m.lsn;
		return 1;
	default: return 0; /* Origin, Type */
	}
}

static int pg_next(struct fpg *f, struct follow_event *ev, int wait_ms,
		struct err *e)
{
	double start = progress_now();

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		struct pgoutput_copydata cd;
		double t = progress_now();
		int got, rc;

		PQfreemem(f->msg);
		f->msg = NULL;
		if (t - f->last_feedback >= 1.0 && feedback(f, e) < 0)
			return -1;
		if (t - f->last_check >= 5.0 && !f->in_txn &&
		    check_tables(f, e) < 0)
			return -1;
		got = PQgetCopyData(f->repl, &f->msg, 1);
		if (got == 0) {
			struct pollfd pfd = { PQsocket(f->repl), POLLIN, 0 };
			double left = (double)wait_ms / 1000 - (t - start);
			if (left <= 0) {
				if (!f->in_txn && t - f->last_ask >= 1.0 &&
				    ask_heartbeat(f, e) < 0)
					return -1;
				return 0;
			}
			if (left > 0.5)
				left = 0.5;
			if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 &&
			    errno != EINTR)
				return err_set(e, ERR_SYSTEM, "poll: %s",
					       strerror(errno));
			if (PQconsumeInput(f->repl) != 1)
				return pgutil_msg(e, "reading changes",
						  PQerrorMessage(f->repl));
			continue;
		}
		if (got == -1) {
			PGresult *r = PQgetResult(f->repl);
			sql_fail(f->repl, r, "the replication stream ended", e);
			PQclear(r);
			return -1;
		}
		if (got < 0)
			return pgutil_msg(e, "reading changes",
					  PQerrorMessage(f->repl));
		if (pgoutput_copydata((const unsigned char *)f->msg,
				      (size_t)got, &cd, e) < 0)
			return -1;
		if (cd.kind == 'k') {
			if (cd.reply_requested && feedback(f, e) < 0)
				return -1;
			continue;
		}
		if ((rc = message(f, cd.data, cd.len, ev, e)) != 0)
			return rc;
	}
}

#define PGF(b) ((struct fpg *)(b))

static int op_create(struct follow *b, struct schema_table *const *t, size_t n,
		     struct source *src, struct stream_position *start,
		     struct err *e)
{
	return pg_create(PGF(b), t, n, src, start, e);
}

static int op_resume(struct follow *b, struct schema_table *const *t, size_t n,
		     struct err *e)
{
	return pg_resume(PGF(b), t, n, e);
}

static int op_start(struct follow *b, const struct stream_position *from,
		    struct err *e)
{
	return pg_start(PGF(b), from, e);
}

static int op_next(struct follow *b, struct follow_event *ev, int wait_ms,
		   struct err *e)
{
	return pg_next(PGF(b), ev, wait_ms, e);
}

static int op_confirm(struct follow *b, uint64_t order, struct err *e)
{
	return pg_confirm(PGF(b), order, e);
}

static int op_now(struct follow *b, struct stream_position *pos, struct err *e)
{
	return pg_now(PGF(b), pos, e);
}

static int op_position(struct follow *b, const char *text,
		       struct stream_position *pos, struct err *e)
{
	return pg_position(PGF(b), text, pos, e);
}

static int op_drop(struct follow *b, struct err *e)
{
	return pg_drop(PGF(b), e);
}

static void op_close(struct follow *b)
{
	pg_close(PGF(b));
}

static const struct follow_ops pg_ops = {
	"postgresql", op_create, op_resume,   op_start, op_next,  op_confirm,
	op_now,	      op_position, op_drop, op_close,
};

struct follow *follow_pg_open(const struct uri *u, const char *job,
			   const struct source_opts *o, struct err *e)
{
	/* the text forms pgutput's tuples carry (pgoutput_value) */
	static const char *const sets[] = {
		"SET DateStyle = ISO, YMD",   "SET IntervalStyle = postgres",
		"SET extra_float_digits = 3", "SET TimeZone = 'UTC'",
		"SET bytea_output = hex",     "SET client_encoding = 'UTF8'",
	};
	struct fpg *f;

	if (!(f = calloc(1, sizeof(*f)))) {
		err_oom(e);
		return NULL;
	}
	f->base.ops = &pg_ops;
	follow_slot_name(job, f->slot);
	pgoutput_parser_init(&f->parser);
	buf_init(&f->scratch, (size_t)STREAM_MAX_ROW * 2);
	if (!(f->sql = connect_to(u, o, 0, e)) ||
	    !(f->repl = connect_to(u, o, 1, e)))
		goto fail;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (run(f->repl, sets[i], 0, NULL, NULL, "setting up", e) < 0)
			goto fail;
	return &f->base;
fail:
	pg_close(f);
	return NULL;
}

/* --- preflight -------------------------------------------------------- */

int follow_pg_preflight(const struct uri *u, const struct source_opts *o,
		     char *const *names, size_t n, follow_finding_fn fn,
		     void *ctx, struct err *e)
{
	PGconn *c;
	PGresult *r = NULL;
	int rc = -1;

	if (!(c = connect_to(u, o, 0, e)))
		return -1;
	if (run(c,
		"SELECT current_setting('wal_level'), "
		"current_setting('max_replication_slots')::int - (SELECT "
		"count(*) FROM pg_catalog.pg_replication_slots), "
		"current_setting('max_wal_senders')::int - (SELECT count(*) "
		"FROM pg_catalog.pg_stat_replication), "
		"(SELECT rolreplication OR rolsuper FROM pg_catalog.pg_roles "
		"WHERE rolname = current_user), "
		"has_database_privilege(current_database(), 'CREATE'), "
		"(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = "
		"current_user)",
		0, NULL, &r, "reading the server's settings", e) < 0)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 0), "logical") != 0 &&
	    follow_say(fn, ctx, "server", e,
		"wal_level is '%s': set wal_level = logical and restart the "
		"server",
		PQgetvalue(r, 0, 0)) < 0)
		goto out;
	if (strtol(PQgetvalue(r, 0, 1), NULL, 10) < 1 &&
	    follow_say(fn, ctx, "server", e,
		"no replication slot is free: raise max_replication_slots "
		"(a restart) or drop one") < 0)
		goto out;
	if (strtol(PQgetvalue(r, 0, 2), NULL, 10) < 1 &&
	    follow_say(fn, ctx, "server", e,
		"no WAL sender is free: raise max_wal_senders (a restart)") < 0)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 3), "t") != 0 &&
	    follow_say(fn, ctx, "role", e,
		"the role may not replicate: ALTER ROLE ... REPLICATION") < 0)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 4), "t") != 0 &&
	    follow_say(fn, ctx, "role", e,
		"the role may not create a publication here: GRANT CREATE ON "
		"DATABASE ... TO it") < 0)
		goto out;
	{
		int super = strcmp(PQgetvalue(r, 0, 5), "t") == 0;
		PQclear(r);
		r = NULL;
		for (size_t i = 0; i < n; i++) {
			char *sc = NULL, *tb = NULL;
			const char *p[2];
			int bad;
			if (pgutil_parse_name(names[i], &sc, &tb, e) < 0)
				goto out;
			p[0] = sc;
			p[1] = tb;
			bad = run(c,
				  "SELECT c.relreplident, EXISTS (SELECT FROM "
				  "pg_catalog.pg_index x WHERE x.indrelid = "
				  "c.oid AND x.indisprimary), pg_catalog."
				  "pg_has_role(c.relowner, 'USAGE') FROM "
				  "pg_catalog.pg_class c JOIN pg_catalog."
				  "pg_namespace s ON s.oid = c.relnamespace "
				  "WHERE s.nspname = $1 AND c.relname = $2",
				  2, p, &r, "reading the catalog", e) < 0;
			free(sc);
			free(tb);
			if (bad)
				goto out;
			if (PQntuples(r) != 1) {
				PQclear(r);
				r = NULL;
				continue;
			}
			if (strcmp(PQgetvalue(r, 0, 1), "t") != 0 &&
			    follow_say(fn, ctx, names[i], e,
				"no primary key: its changes cannot be applied "
				"(and publishing it would refuse its UPDATEs "
				"and DELETEs on the source)") < 0)
				goto out;
			if (replident_problem(PQgetvalue(r, 0, 0)[0]) &&
			    follow_say(fn, ctx, names[i], e, "%s",
				replident_problem(PQgetvalue(r, 0, 0)[0])) < 0)
				goto out;
			if (!super && strcmp(PQgetvalue(r, 0, 2), "t") != 0 &&
			    follow_say(fn, ctx, names[i], e,
				"the role does not own it, which a "
				"publication needs") < 0)
				goto out;
			PQclear(r);
			r = NULL;
		}
	}
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}
