/*
 * sink_mysql - write tables into MariaDB/MySQL.
 *
 * Rows travel by LOAD DATA LOCAL INFILE, fed from memory: write_row encodes
 * each row in LOAD DATA's text form into a bounded buffer, and when that
 * holds MY_FLUSH_AT bytes (or the table ends, or a commit is due) one LOAD
 * DATA statement runs whose local-infile read callback drains the buffer.
 * mysql_real_query() blocks while the server reads, so the rows must
 * already be in memory; a table becomes several LOAD DATA statements in
 * one transaction, and memory stays bounded by the buffer and one row.
 * The callbacks only ever hand over that buffer: a server that asks for
 * some other file gets our rows or nothing, never a local file.
 *
 * Where the server refuses LOAD DATA LOCAL (@@local_infile off, as MySQL 8
 * ships), the same buffer holds a multi-row INSERT instead, kept under the
 * server's max_allowed_packet.  FERRY_MYSQL_NO_LOCAL_INFILE=1 in the
 * environment picks that path too (for tests, or a proxy that breaks it).
 *
 * Never a silent change: the session runs in strict mode, and with LOCAL
 * the server turns data errors and duplicate keys into warnings and goes
 * on (it cannot stop the client's transmission), so after every statement
 * any warning, a note included (a DECIMAL rounded), is an error, and the
 * transaction is rolled back.  Values MySQL has no room for (NaN,
 * infinities, dates before year 1 or after 9999) are refused by row and
 * column before they reach the server.
 *
 * With --rejects (a reject callback) the INSERT path is taken whatever
 * @@local_infile says: LOAD DATA LOCAL cannot refuse a row, it turns the
 * refusal into a warning and goes on, while under strict mode an INSERT
 * of a refused row fails as a whole.  Rows go in batches of up to
 * MY_REJECT_BATCH, each inside SAVEPOINT ferry_batch; a batch refused (or
 * taken with a warning) is rolled back to it and written again one row at
 * a time, each inside SAVEPOINT ferry_row, and the rows refused then are
 * handed to the callback with the server's reason.
 *
 * CREATE TABLE commits implicitly in MySQL, so a missing table is created
 * before the transaction starts; if its load fails before anything was
 * committed, abort_table drops it again, as PostgreSQL's rollback would.
 */
#include <errmsg.h>
#include <errno.h>
#include <inttypes.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/progress.h"
#include "base/utf8.h"
#include "db/loadfmt.h"
#include "db/mysql/checkpoint_mysql.h"
#include "db/mysql/myutil.h"
#include "db/mysql/sink_mysql.h"
#include "db/rowbuf.h"
#include "db/source.h"
#include "db/sink_int.h"
#include "stream/sqlexpr.h"
#include "stream/stream.h"
#include "stream/wkb.h"

/* encoded bytes that make one LOAD DATA statement */
#define MY_FLUSH_AT (8u << 20)
/* the buffer's hard limit: MY_FLUSH_AT plus one widest row, escaped */
#define MY_BUF_MAX (512u << 20)
/* the temporary table an upsert loads into before merging; in delete
 * mode, the keys of the rows to delete */
#define MY_UPSERT_TMP "ferry_upsert_tmp"
/* InnoDB's row limit is 65535 bytes; VARCHAR/VARBINARY past this budget
 * become LONGTEXT/LONGBLOB, which live off the row */
#define MY_ROW_BUDGET 60000
/* a key column of unknown length: utf8mb4 keys hold 3072 bytes */
#define MY_KEY_CHARS 768
#define MY_KEY_BYTES 3072
/* rows per INSERT when refused rows are set aside: one refusal costs a
 * retry of this many rows one by one */
#define MY_REJECT_BATCH 1000

/* how a stream column goes into the target */
enum my_col {
	MY_COL_PLAIN,
	MY_COL_BIT, /* a BIT column: LOAD DATA reads BIT as bytes, so the
		     * number goes through a variable and CAST (a YEAR too,
		     * whose text '0' LOAD DATA reads as 2000) */
	MY_COL_GEN, /* a generated column of the target: it computes the
		     * value, which is not sent */
	MY_COL_GEOMETRY, /* a spatial column: the stream's EWKB goes as
			  * MySQL's own SRID + WKB (stream/wkb.h) */
};

struct my_sink {
	struct sink base;
	MYSQL *conn;
	int mariadb;
	unsigned long version;
	int use_insert;	 /* LOAD DATA LOCAL refused: multi-row INSERT */
	int insert_base; /* use_insert of every table (this one may differ) */
	size_t flush_at; /* encoded bytes that make a statement */
	size_t max_stmt; /* INSERT path: longest statement the server takes */
	/* the table being loaded */
	const struct schema_table *t;
	char *name;	   /* target table */
	enum my_col *kind; /* per stream column */
	struct buf geo;	   /* a geometry, as MySQL holds it */
	struct buf head;   /* the LOAD DATA statement */
	struct buf rows;   /* encoded rows (INSERT path: after the head) */
	size_t head_len;   /* INSERT path: bytes of "INSERT ... VALUES " */
	size_t nbuf;	   /* rows in `rows` */
	uint64_t first;	   /* table row number of the first of them */
	uint64_t nrows;	   /* rows written */
	uint64_t since_commit;
	uint64_t commits;
	int created;
	/* the table's non-unique indexes come after its rows (created by
	 * this run, or by one of the job that stopped before them) */
	int keys_later;
	int temp;  /* the upsert table exists */
	/* upsert: per unique index of the target other than its primary
	 * key, the query finding a staged row whose key there a row of
	 * another primary key holds (which ON DUPLICATE KEY UPDATE would
	 * overwrite), and the index's name */
	struct buf uq_sql, uq_names; /* NUL-separated */
	size_t nuq;
	int in_tx; /* a transaction is open */
	/* with rejects: the rows of the current batch, kept to retry */
	struct rowbuf keep;
	struct buf starts; /* size_t offset of each row's tuple in `rows` */
	struct buf one;	   /* the INSERT of one of them */
	uint64_t rejected;
	uint64_t deleted; /* delete mode */
	/* the read callback's state */
	int feeding;
	size_t feed_off;
	/* scratch */
	struct buf sql;
};

#define MYS(s) ((struct my_sink *)(s))

static int my_fail(struct my_sink *m, struct err *e, const char *what)
{
	return err_set(e, ERR_DB, "%s: %s", what, mysql_error(m->conn));
}

static int my_exec(struct my_sink *m, const char *sql, const char *what,
		   struct err *e)
{
	if (mysql_real_query(m->conn, sql, strlen(sql)))
		return my_fail(m, e, what ? what : sql);
	return 0;
}

/* Append a string literal for DDL (enum labels): quotes doubled, the
 * backslash escaped (the session does not set NO_BACKSLASH_ESCAPES). */
static int quote_literal(struct buf *b, const char *s, struct err *e)
{
	if (buf_addc(b, '\'', e) < 0)
		return -1;
	for (const char *p = s; *p; p++) {
		if ((*p == '\'' && buf_addc(b, '\'', e) < 0) ||
		    (*p == '\\' && buf_addc(b, '\\', e) < 0) ||
		    buf_addc(b, (unsigned char)*p, e) < 0)
			return -1;
	}
	return buf_addc(b, '\'', e);
}

/* s[0..len) as a string literal for DDL (a default): quotes doubled,
 * backslash and NUL escaped */
static int quote_literal_n(struct buf *b, const char *s, size_t len,
			   struct err *e)
{
	if (buf_addc(b, '\'', e) < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if ((s[i] == '\'' && buf_addc(b, '\'', e) < 0) ||
		    (s[i] == '\\' && buf_addc(b, '\\', e) < 0))
			return -1;
		if (s[i] == '\0' ? buf_adds(b, "\\0", e) < 0
				 : buf_addc(b, (unsigned char)s[i], e) < 0)
			return -1;
	}
	return buf_addc(b, '\'', e);
}

/* The first row's first column of a plain query, as text ("" for NULL)
 * into out (size outsz); 1 if there was a row, 0 if none. */
static int my_scalar(struct my_sink *m, const char *sql, char *out,
		     size_t outsz, struct err *e)
{
	MYSQL_RES *r;
	MYSQL_ROW row;

	if (mysql_real_query(m->conn, sql, strlen(sql)))
		return my_fail(m, e, sql);
	if (!(r = mysql_store_result(m->conn)))
		return my_fail(m, e, sql);
	row = mysql_fetch_row(r);
	snprintf(out, outsz, "%s", row && row[0] ? row[0] : "");
	mysql_free_result(r);
	return row != NULL;
}

/*
 * Where the server's text ends in " at row K" (K counted from 1 in each
 * statement), the start of that suffix, and K in *k; else NULL.
 */
static const char *at_row(const char *text, uint64_t *k)
{
	const char *at = NULL, *p;
	char *end;

	for (p = text; (p = strstr(p, " at row ")); p++)
		at = p;
	if (!at)
		return NULL;
	errno = 0;
	*k = (uint64_t)strtoull(at + 8, &end, 10);
	if (errno || end == at + 8 || *end)
		return NULL;
	return at;
}

/*
 * A statement of n buffered rows, the first of them the table's row
 * `first`, failed with the server's `text`.  The server counts rows from 1
 * in each statement ("... at row 3"): the message names the table's row
 * instead, or the range of rows.
 */
static int rows_fail(uint64_t first, size_t n, const char *text, struct err *e)
{
	uint64_t k;
	const char *at = at_row(text, &k);

	if (at && k >= 1 && k <= n)
		return err_set(e, ERR_DB, "row %" PRIu64 ": %.*s",
			       first + (k - 1), (int)(at - text), text);
	if (n == 1)
		return err_set(e, ERR_DB, "row %" PRIu64 ": %s", first, text);
	return err_set(e, ERR_DB, "rows %" PRIu64 " to %" PRIu64 ": %s", first,
		       first + n - 1, text);
}

/* The text of the last statement's first warning, into text (size sz). */
static void first_warning(struct my_sink *m, char *text, size_t sz)
{
	MYSQL_RES *r;
	MYSQL_ROW row;
	struct err ignored;

	snprintf(text, sz, "%u warnings", mysql_warning_count(m->conn));
	if (my_exec(m, "SHOW WARNINGS LIMIT 1", NULL, &ignored) == 0 &&
	    (r = mysql_store_result(m->conn))) {
		if ((row = mysql_fetch_row(r)) && mysql_num_fields(r) >= 3 &&
		    row[2])
			snprintf(text, sz, "%s", row[2]);
		mysql_free_result(r);
	}
}

/*
 * After a statement that wrote n rows: any warning is an error.  With LOAD
 * DATA LOCAL the server demotes duplicate keys and bad values to warnings
 * (and inserts something else); we roll that back.  The first warning's
 * text is the message.
 */
static int check_warnings(struct my_sink *m, size_t n, struct err *e)
{
	char text[ERR_MSG_MAX];

	if (!mysql_warning_count(m->conn))
		return 0;
	first_warning(m, text, sizeof(text));
	return rows_fail(m->first, n, text, e);
}

/* --- the local-infile callbacks ------------------------------------------
 */

static int infile_init(void **ptr, const char *filename, void *userdata)
{
	(void)filename;
	*ptr = userdata;
	return 0;
}

/* Hand over the buffered rows; nothing unless a LOAD DATA of ours runs. */
static int infile_read(void *ptr, char *out, unsigned int len)
{
	struct my_sink *m = ptr;
	size_t n;

	if (!m->feeding)
		return -1;
	n = m->rows.len - m->feed_off;
	if (n > len)
		n = len;
	if (n)
		memcpy(out, m->rows.data + m->feed_off, n);
	m->feed_off += n;
	return (int)n;
}

static void infile_end(void *ptr)
{
	(void)ptr;
}

static int infile_error(void *ptr, char *msg, unsigned int len)
{
	(void)ptr;
	snprintf(msg, len, "ferry: no rows to send for this request");
	return CR_UNKNOWN_ERROR;
}

/* --- statements --------------------------------------------------------- */

/* Send the first `len` bytes of the INSERT buffer (a whole statement,
 * its trailing comma left out) holding `n` rows. */
static int send_insert(struct my_sink *m, size_t len, size_t n, struct err *e)
{
	if (mysql_real_query(m->conn, (char *)m->rows.data, len - 1))
		return rows_fail(m->first, n, mysql_error(m->conn), e);
	return check_warnings(m, n, e);
}

/*
 * Rejects mode: is the server's error `code` about the rows sent (a key,
 * a constraint, a value), so that they are set aside?  Not so one about
 * the connection, the transaction (a deadlock rolls it back whole), a
 * lock wait, a kill, a full disk or missing rights: that stops the table.
 */
static int row_refused(unsigned code)
{
	switch (code) {
	case ER_DISK_FULL:
	case ER_OUTOFMEMORY:
	case ER_OUT_OF_RESOURCES:
	case ER_SERVER_SHUTDOWN:
	case ER_RECORD_FILE_FULL:
	case ER_TABLEACCESS_DENIED_ERROR:
	case ER_COLUMNACCESS_DENIED_ERROR:
	case ER_NET_PACKET_TOO_LARGE:
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_LOCK_TABLE_FULL:
	case ER_LOCK_DEADLOCK:
	case ER_OPTION_PREVENTS_STATEMENT:
	case ER_QUERY_INTERRUPTED:
	case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
#ifdef ER_CONNECTION_KILLED
	case ER_CONNECTION_KILLED:
#endif
#ifdef ER_STATEMENT_TIMEOUT
	case ER_STATEMENT_TIMEOUT:
#endif
		return 0;
	default: return code < CR_MIN_ERROR || code > CR_MAX_ERROR;
	}
}

/* The server's text as a reject's reason: one line, without the " at row
 * 1" of a one-row statement. */
static void reason_of(const char *text, char *why, size_t whysz)
{
	uint64_t k;
	const char *at = at_row(text, &k);

	snprintf(why, whysz, "%.*s", at ? (int)(at - text) : (int)strlen(text),
		 text);
	for (char *c = why; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

/*
 * Rejects mode: run the INSERT sql[0..len) of n rows, the first of them
 * the table's row `first`.  0 when the server took them without a
 * warning; 1 when it refused them or warned (the caller rolls back), the
 * reason in why; -1 (e set) for an error that is not the rows' own.
 */
static int try_insert(struct my_sink *m, const unsigned char *sql, size_t len,
		      uint64_t first, size_t n, char *why, size_t whysz,
		      struct err *e)
{
	char text[ERR_MSG_MAX];

	if (mysql_real_query(m->conn, (const char *)sql, len)) {
		if (!row_refused(mysql_errno(m->conn)))
			return rows_fail(first, n, mysql_error(m->conn), e);
		reason_of(mysql_error(m->conn), why, whysz);
		return 1;
	}
	if (!mysql_warning_count(m->conn))
		return 0;
	first_warning(m, text, sizeof(text));
	reason_of(text, why, whysz);
	return 1;
}

static int upsert_held(struct my_sink *m, char *why, size_t whysz,
		       struct err *e);
static int staged_exec(struct my_sink *m, const char *what, char *why,
		       size_t whysz, struct err *e);
static int seen_keys(struct my_sink *m, const char *what, char *why,
		     size_t whysz, struct err *e);
static int merge_upsert(struct my_sink *m, char *why, size_t whysz,
			struct err *e);
static int delete_staged(struct my_sink *m, char *why, size_t whysz,
			 struct err *e);

/*
 * Rejects mode: the INSERT of try_insert, and in upsert and delete modes
 * (where it fills the temporary table) the staged rows merged or deleted
 * by their keys; 0, 1 refused (why set; the caller rolls back), -1.
 */
static int try_apply(struct my_sink *m, const unsigned char *sql, size_t len,
		     uint64_t first, size_t n, char *why, size_t whysz,
		     struct err *e)
{
	int rc = try_insert(m, sql, len, first, n, why, whysz, e);

	if (rc != 0)
		return rc;
	if (m->base.opts.mode == SINK_UPSERT &&
	    (rc = upsert_held(m, why, whysz, e)) == 0 &&
	    (rc = seen_keys(m, "ADD", why, whysz, e)) == 0)
		rc = merge_upsert(m, why, whysz, e);
	else if (m->base.opts.mode == SINK_DELETE)
		rc = delete_staged(m, why, whysz, e);
	return rc;
}

/*
 * Upsert with rejects: ferry_seen holds the keys this load gave the table
 * so far, so that a key the stream holds twice is the second row's fault
 * (a duplicate key, as --check says), not an update of the first.  `what`:
 * "CREATE" (at the table's beginning), "ADD" (the staged keys, refusable),
 * "DROP" (at its end).
 */
static int seen_keys(struct my_sink *m, const char *what, char *why,
		     size_t whysz, struct err *e)
{
	const struct schema_table *t = m->t;
	struct buf *q = &m->sql;

	if (strcmp(what, "DROP") == 0)
		return my_exec(m, "DROP TEMPORARY TABLE IF EXISTS ferry_seen",
			       NULL, e);
	buf_reset(q);
	if (strcmp(what, "CREATE") == 0) {
		if (my_exec(m, "DROP TEMPORARY TABLE IF EXISTS ferry_seen",
			    NULL, e) < 0 ||
		    buf_adds(q, "CREATE TEMPORARY TABLE ferry_seen (PRIMARY KEY "
				"(",
			     e) < 0)
			return -1;
	} else if (buf_adds(q, "INSERT INTO ferry_seen SELECT ", e) < 0) {
		return -1;
	}
	for (size_t k = 0; k < t->npk; k++)
		if ((k && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, t->cols[t->pk[k]].name, e) < 0)
			return -1;
	if (strcmp(what, "CREATE") == 0) {
		if (buf_adds(q, ")) SELECT ", e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++)
			if ((k && buf_adds(q, ", ", e) < 0) ||
			    myutil_quote_ident(q, t->cols[t->pk[k]].name, e) <
				0)
				return -1;
		if (buf_adds(q, " FROM ", e) < 0 ||
		    myutil_quote_ident(q, m->name, e) < 0 ||
		    buf_adds(q, " LIMIT 0", e) < 0)
			return -1;
		return staged_exec(m, "making the table of keys", NULL, 0, e);
	}
	if (buf_adds(q, " FROM " MY_UPSERT_TMP, e) < 0)
		return -1;
	return staged_exec(m, "keeping the keys", why, whysz, e);
}

/* after a rollback to a savepoint: the temporary table empty for sure */
static int rolled_back(struct my_sink *m, const char *savepoint,
		       struct err *e)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT %s", savepoint);
	if (my_exec(m, sql, NULL, e) < 0)
		return -1;
	return m->temp ? my_exec(m, "DELETE FROM " MY_UPSERT_TMP,
				 "emptying the temporary table", e)
		       : 0;
}

/*
 * Rejects mode: send the n kept rows, the first `len` bytes of the INSERT
 * buffer, as one statement inside SAVEPOINT ferry_batch; when that is
 * refused, roll back to it and send them again one row at a time, each
 * inside SAVEPOINT ferry_row, handing the rows refused to the reject
 * callback.  The buffer is left as it is; the kept rows are forgotten.
 */
static int flush_kept(struct my_sink *m, size_t len, size_t n, struct err *e)
{
	const struct schema_table *t = m->t;
	char why[ERR_MSG_MAX];
	int rc;

	if (my_exec(m, "SAVEPOINT ferry_batch", NULL, e) < 0)
		return -1;
	rc = try_apply(m, m->rows.data, len - 1, m->first, n, why, sizeof(why),
		       e);
	if (rc < 0 || (rc == 1 && rolled_back(m, "ferry_batch", e) < 0))
		return -1;
	for (size_t i = 0; rc == 1 && i < n; i++) {
		const struct value *row;
		size_t a, b = len;
		int r;

		memcpy(&a, m->starts.data + i * sizeof(size_t), sizeof(a));
		if (i + 1 < n)
			memcpy(&b, m->starts.data + (i + 1) * sizeof(size_t),
			       sizeof(b));
		/* the statement's head and this row, its comma left out */
		buf_reset(&m->one);
		if (buf_add(&m->one, m->rows.data, m->head_len, e) < 0 ||
		    buf_add(&m->one, m->rows.data + a, b - a - 1, e) < 0 ||
		    my_exec(m, "SAVEPOINT ferry_row", NULL, e) < 0)
			return -1;
		r = try_apply(m, m->one.data, m->one.len, m->first + i, 1, why,
			      sizeof(why), e);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (my_exec(m, "RELEASE SAVEPOINT ferry_row", NULL, e) <
			    0)
				return -1;
			continue;
		}
		if (rolled_back(m, "ferry_row", e) < 0 ||
		    !(row = rowbuf_get(&m->keep, t, i, e)))
			return -1;
		m->rejected++;
		m->nrows--;
		if (m->base.opts.reject(m->base.opts.reject_ctx, t, row, why,
					e) < 0)
			return -1;
	}
	if (my_exec(m, "RELEASE SAVEPOINT ferry_batch", NULL, e) < 0)
		return -1;
	rowbuf_reset(&m->keep);
	buf_reset(&m->starts);
	return 0;
}

/* INSERT path: send n rows, the first `len` bytes of the buffer. */
static int send_rows(struct my_sink *m, size_t len, size_t n, struct err *e)
{
	if (m->base.opts.reject)
		return flush_kept(m, len, n, e);
	return send_insert(m, len, n, e);
}

/* Send the buffered rows: one LOAD DATA (or INSERT) statement. */
static int flush_rows(struct my_sink *m, struct err *e)
{
	int rc;

	if (!m->nbuf)
		return 0;
	if (m->use_insert) {
		if (send_rows(m, m->rows.len, m->nbuf, e) < 0)
			return -1;
		m->rows.len = m->head_len;
	} else {
		m->feeding = 1;
		m->feed_off = 0;
		rc = mysql_real_query(m->conn, (char *)m->head.data,
				      m->head.len);
		m->feeding = 0;
		if (rc)
			return rows_fail(m->first, m->nbuf,
					 mysql_error(m->conn), e);
		if (m->feed_off != m->rows.len)
			return err_set(e, ERR_DB,
				       "LOAD DATA read %zu of %zu bytes",
				       m->feed_off, m->rows.len);
		if (check_warnings(m, m->nbuf, e) < 0)
			return -1;
		buf_reset(&m->rows);
	}
	m->first += m->nbuf;
	m->nbuf = 0;
	return 0;
}

/* Upsert: move the rows of the temporary table into the target, updating
 * rows whose key exists, and empty it. */
/* the columns rows are sent to, quoted: all but the generated ones */
static int sent_cols(struct my_sink *m, struct buf *q, struct err *e)
{
	const struct schema_table *t = m->t;

	for (size_t i = 0, n = 0; i < t->ncols; i++)
		if (m->kind[i] != MY_COL_GEN &&
		    ((n++ && buf_adds(q, ", ", e) < 0) ||
		     myutil_quote_ident(q, t->cols[i].name, e) < 0))
			return -1;
	return 0;
}

struct uq_ctx {
	char name[200];
	size_t ncols;
	struct my_sink *m;
};

/* one query of uq_sql: "SELECT s.pk..., t.pk... FROM staged s JOIN
 * target t ON t.c = s.c ... WHERE NOT (t.pk <=> s.pk ...) LIMIT 1" */
static int uq_end(struct uq_ctx *u, struct err *e)
{
	struct my_sink *m = u->m;
	const struct schema_table *t = m->t;

	if (!u->ncols)
		return 0;
	if (buf_adds(&m->uq_sql, " WHERE NOT (", e) < 0)
		return -1;
	for (size_t k = 0; k < t->npk; k++) {
		const char *c = t->cols[t->pk[k]].name;
		if ((k && buf_adds(&m->uq_sql, " AND ", e) < 0) ||
		    buf_adds(&m->uq_sql, "ferry_t.", e) < 0 ||
		    myutil_quote_ident(&m->uq_sql, c, e) < 0 ||
		    buf_adds(&m->uq_sql, " <=> ferry_s.", e) < 0 ||
		    myutil_quote_ident(&m->uq_sql, c, e) < 0)
			return -1;
	}
	if (buf_adds(&m->uq_sql, ") LIMIT 1", e) < 0 ||
	    buf_addc(&m->uq_sql, 0, e) < 0 ||
	    buf_add(&m->uq_names, u->name, strlen(u->name) + 1, e) < 0)
		return -1;
	m->nuq++;
	u->ncols = 0;
	return 0;
}

static int uq_col(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct uq_ctx *u = ctx;
	struct my_sink *m = u->m;
	const struct schema_table *t = m->t;
	struct buf *q = &m->uq_sql;

	(void)lens;
	if (!vals[0] || !vals[1])
		return 0;
	if (!u->ncols || strcmp(u->name, vals[0]) != 0) {
		if (uq_end(u, e) < 0)
			return -1;
		snprintf(u->name, sizeof(u->name), "%s", vals[0]);
		if (buf_adds(q, "SELECT ", e) < 0)
			return -1;
		for (int side = 0; side < 2; side++)
			for (size_t k = 0; k < t->npk; k++)
				if (((side || k) && buf_adds(q, ", ", e) < 0) ||
				    buf_adds(q, side ? "ferry_t." : "ferry_s.",
					     e) < 0 ||
				    myutil_quote_ident(q,
						       t->cols[t->pk[k]].name,
						       e) < 0)
					return -1;
		if (buf_adds(q, " FROM " MY_UPSERT_TMP " AS ferry_s JOIN ", e) <
			0 ||
		    myutil_quote_ident(q, m->name, e) < 0 ||
		    buf_adds(q, " AS ferry_t ON ", e) < 0)
			return -1;
	} else if (buf_adds(q, " AND ", e) < 0) {
		return -1;
	}
	u->ncols++;
	return buf_adds(q, "ferry_t.", e) < 0 ||
			       myutil_quote_ident(q, vals[1], e) < 0 ||
			       buf_adds(q, " = ferry_s.", e) < 0 ||
			       myutil_quote_ident(q, vals[1], e) < 0
		   ? -1
		   : 0;
}

/* upsert: the target's unique indexes other than its primary key */
static int upsert_uniques(struct my_sink *m, struct err *e)
{
	const char *params[1] = { m->name };
	struct uq_ctx u = { .m = m };

	if (myutil_select(
		m->conn,
		"SELECT INDEX_NAME, COLUMN_NAME FROM "
		"information_schema.STATISTICS WHERE TABLE_SCHEMA = "
		"DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND "
		"INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
		params, 1, 2, uq_col, &u, e) < 0)
		return err_prefix(e, "reading the unique indexes");
	return uq_end(&u, e);
}

/* the staged row's key (side 0) and the target row's (side 1) that
 * collide on a unique index, each as "id=5" */
struct uq_hit {
	const struct schema_table *t;
	char key[2][200];
	int found;
};

static int uq_row(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct uq_hit *h = ctx;

	(void)e;
	h->found = 1;
	for (int side = 0; side < 2; side++) {
		size_t at = 0, sz = sizeof(h->key[side]);
		for (size_t k = 0; k < h->t->npk && at < sz; k++) {
			char v[100];
			size_t i = (size_t)side * h->t->npk + k;
			at += (size_t)snprintf(
			    h->key[side] + at, sz - at, "%s%s=%s",
			    k ? "," : "", h->t->cols[h->t->pk[k]].name,
			    vals[i] ? err_quote(v, sizeof(v), vals[i], lens[i],
						 60)
				    : "NULL");
		}
	}
	return 0;
}

/* Upsert: a staged row whose key of a unique index a target row of
 * another primary key holds stops the table, as PostgreSQL's ON CONFLICT
 * does: MySQL's ON DUPLICATE KEY UPDATE would overwrite that other row
 * with it, and the row itself would never arrive. */
static int upsert_held(struct my_sink *m, char *why, size_t whysz,
		       struct err *e)
{
	const char *sql = (const char *)m->uq_sql.data;
	const char *ix = (const char *)m->uq_names.data;

	for (size_t k = 0; k < m->nuq; k++) {
		struct uq_hit h = { .t = m->t };
		char nm[200];
		if (myutil_select(m->conn, sql, NULL, 0,
				  (unsigned)(2 * m->t->npk), uq_row, &h, e) < 0)
			return err_prefix(e, "looking up the unique indexes");
		if (h.found) {
			err_quote(nm, sizeof(nm), ix, strlen(ix), 80);
			/* rejects: said of the row (one row: this one) */
			if (why) {
				snprintf(why, whysz,
					 "its key of unique index %s is held "
					 "by the target's row %s",
					 nm, h.key[1]);
				return 1;
			}
			return err_set(
			    e, ERR_DB,
			    "row %s: its key of unique index %s is held by "
			    "the target's row %s: --mode upsert refuses it "
			    "(ON DUPLICATE KEY UPDATE would overwrite that "
			    "row)",
			    h.key[0], nm, h.key[1]);
		}
		sql += strlen(sql) + 1;
		ix += strlen(ix) + 1;
	}
	return 0;
}

/* a statement of the merge or delete: with why, 1 when the server refused
 * it (or warned) for the rows' own fault, why set */
static int staged_exec(struct my_sink *m, const char *what, char *why,
		       size_t whysz, struct err *e)
{
	char text[ERR_MSG_MAX];

	if (mysql_real_query(m->conn, (char *)m->sql.data, m->sql.len)) {
		if (!why || !row_refused(mysql_errno(m->conn)))
			return my_fail(m, e, what);
		reason_of(mysql_error(m->conn), why, whysz);
		return 1;
	}
	if (!why || !mysql_warning_count(m->conn))
		return 0;
	first_warning(m, text, sizeof(text));
	reason_of(text, why, whysz);
	return 1;
}

static int merge_upsert(struct my_sink *m, char *why, size_t whysz,
			struct err *e)
{
	int rc;
	const struct schema_table *t = m->t;
	struct buf *q = &m->sql;
	int any = 0;

	buf_reset(q);
	if (buf_adds(q, "INSERT INTO ", e) < 0 ||
	    myutil_quote_ident(q, m->name, e) < 0 || buf_adds(q, " (", e) < 0 ||
	    sent_cols(m, q, e) < 0 || buf_adds(q, ") SELECT ", e) < 0 ||
	    sent_cols(m, q, e) < 0)
		return -1;
	if (buf_adds(q, " FROM " MY_UPSERT_TMP " ON DUPLICATE KEY UPDATE ", e) <
	    0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		int key = 0;
		for (size_t k = 0; k < t->npk; k++)
			key |= t->pk[k] == i;
		if (key || m->kind[i] == MY_COL_GEN)
			continue;
		if ((any && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, t->cols[i].name, e) < 0 ||
		    buf_adds(q, " = VALUES(", e) < 0 ||
		    myutil_quote_ident(q, t->cols[i].name, e) < 0 ||
		    buf_addc(q, ')', e) < 0)
			return -1;
		any = 1;
	}
	if (!any) {
		/* only key columns: an existing row stays as it is */
		const char *k = t->cols[t->pk[0]].name;
		if (myutil_quote_ident(q, k, e) < 0 ||
		    buf_adds(q, " = ", e) < 0 ||
		    myutil_quote_ident(q, k, e) < 0)
			return -1;
	}
	if ((rc = staged_exec(m, "merging the loaded rows", why, whysz, e)) !=
	    0)
		return rc;
	return my_exec(m, "DELETE FROM " MY_UPSERT_TMP,
		       "emptying the upsert table", e);
}

/* Delete mode: delete the rows whose keys the temporary table holds,
 * count them, and empty it. */
static int delete_staged(struct my_sink *m, char *why, size_t whysz,
			 struct err *e)
{
	const struct schema_table *t = m->t;
	struct buf *q = &m->sql;
	my_ulonglong n;
	int rc;

	buf_reset(q);
	if (buf_adds(q, "DELETE ferry_t FROM ", e) < 0 ||
	    myutil_quote_ident(q, m->name, e) < 0 ||
	    buf_adds(q, " AS ferry_t JOIN " MY_UPSERT_TMP " AS ferry_s ON ",
		     e) < 0)
		return -1;
	for (size_t i = 0, k = 0; i < t->ncols; i++)
		if (m->kind[i] != MY_COL_GEN &&
		    ((k++ && buf_adds(q, " AND ", e) < 0) ||
		     buf_adds(q, "ferry_t.", e) < 0 ||
		     myutil_quote_ident(q, t->cols[i].name, e) < 0 ||
		     buf_adds(q, " = ferry_s.", e) < 0 ||
		     myutil_quote_ident(q, t->cols[i].name, e) < 0))
			return -1;
	if ((rc = staged_exec(m, "deleting the rows of the keys", why, whysz,
			      e)) != 0)
		return rc;
	n = mysql_affected_rows(m->conn);
	if (n != (my_ulonglong)-1)
		m->deleted += (uint64_t)n;
	return my_exec(m, "DELETE FROM " MY_UPSERT_TMP,
		       "emptying the table of keys", e);
}

/* Delete mode: the stream's columns must be the target's primary key. */
struct key_ctx {
	char *names[SCHEMA_MAX_COLUMNS];
	size_t n;
};

static int key_col(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct key_ctx *k = ctx;

	(void)lens;
	if (!vals[0] || k->n == SCHEMA_MAX_COLUMNS)
		return 0;
	if (!(k->names[k->n] = strdup(vals[0])))
		return err_oom(e);
	k->n++;
	return 0;
}

static int check_key_only(struct my_sink *m, struct err *e)
{
	const char *params[1] = { m->name };
	struct key_ctx *k = calloc(1, sizeof(*k));
	int rc = -1;

	if (!k)
		return err_oom(e);
	if (myutil_select(
		m->conn,
		"SELECT COLUMN_NAME FROM information_schema.STATISTICS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
		"AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
		params, 1, 1, key_col, k, e) < 0) {
		err_prefix(e, "reading the primary key");
		goto out;
	}
	/* MySQL column names do not differ in case alone */
	rc = sink_check_key_columns(m->t, k->names, k->n, 1, e);
out:
	for (size_t i = 0; i < k->n; i++)
		free(k->names[i]);
	free(k);
	return rc;
}

/* Delete mode: a temporary table of the target's key columns, with their
 * types and collations, so that keys compare as the target's do. */
static int create_key_stage(struct my_sink *m, struct err *e)
{
	struct buf *q = &m->sql;

	buf_reset(q);
	if (buf_adds(q, "CREATE TEMPORARY TABLE " MY_UPSERT_TMP " SELECT ", e) <
		0 ||
	    sent_cols(m, q, e) < 0)
		return -1;
	if (buf_adds(q, " FROM ", e) < 0 ||
	    myutil_quote_ident(q, m->name, e) < 0 ||
	    buf_adds(q, " LIMIT 0", e) < 0)
		return -1;
	if (my_exec(m, "DROP TEMPORARY TABLE IF EXISTS " MY_UPSERT_TMP, NULL,
		    e) < 0 ||
	    my_exec(m, (char *)q->data, "creating the table of keys", e) < 0)
		return -1;
	m->temp = 1;
	return 0;
}

/* Everything buffered goes in, merged, committed; a new transaction
 * starts when `again`. */
static int commit_rows(struct my_sink *m, int again, struct err *e)
{
	/* with rejects each batch was merged or deleted as it went */
	int staged = !m->base.opts.reject;

	if (flush_rows(m, e) < 0 ||
	    (staged && m->base.opts.mode == SINK_UPSERT &&
	     (upsert_held(m, NULL, 0, e) < 0 ||
	      merge_upsert(m, NULL, 0, e) < 0)) ||
	    (staged && m->base.opts.mode == SINK_DELETE &&
	     delete_staged(m, NULL, 0, e) < 0) ||
	    sink_checkpoint_commit(&m->base, m->t, m->nrows,
				   !again && !m->keys_later, m->keys_later,
				   e) < 0)
		return -1;
	if (m->temp && !again) {
		if (my_exec(m, "DROP TEMPORARY TABLE " MY_UPSERT_TMP,
			    "dropping the upsert table", e) < 0 ||
		    (!staged && m->base.opts.mode == SINK_UPSERT &&
		     seen_keys(m, "DROP", NULL, 0, e) < 0))
			return -1;
		m->temp = 0;
	}
	if (m->base.group)
		return 0; /* sink_group_commit commits */
	if (my_exec(m, "COMMIT", NULL, e) < 0)
		return -1;
	m->in_tx = 0;
	m->commits++;
	m->since_commit = 0;
	if (!again)
		return 0;
	if (my_exec(m, "START TRANSACTION", NULL, e) < 0)
		return -1;
	m->in_tx = 1;
	return 0;
}

/* --- creating a table ----------------------------------------------------
 *
 * The stream type of each column, and for numbers the source type, pick
 * the MySQL type:
 *
 *   bool         TINYINT(1)
 *   int64        BIGINT; a MySQL source's tinyint/smallint/mediumint/int/
 *                year keeps its type (without display width, with
 *                unsigned), PostgreSQL's smallint and integer become
 *                SMALLINT and INT
 *   uint64       BIGINT UNSIGNED
 *   float64      DOUBLE; FLOAT for a source "float" or "real"
 *   decimal      DECIMAL(p,s) when known (p <= 65, s <= 30), else
 *                DECIMAL(65,30); a value that does not fit is refused by
 *                the server (strict mode), never rounded
 *                (int64, float64 and decimal: UNSIGNED when the stream
 *                column is "unsigned")
 *   text         VARCHAR(n) for a known length up to 16383, else a MySQL
 *                source's utf8mb4 TINYTEXT/TEXT/MEDIUMTEXT as it was, else
 *                LONGTEXT; CHARACTER SET utf8mb4 and a MySQL source's own
 *                collation; any other source's, the binary one without
 *                PAD SPACE: uniqueness as strict as PostgreSQL's
 *   bytes        a MySQL source's BINARY(n) as it was; VARBINARY(n) for a
 *                known length up to 65535, else a MySQL source's
 *                TINYBLOB/BLOB/MEDIUMBLOB as it was, else LONGBLOB
 *   date         DATE
 *   time         TIME(p), the source's fractional digits (6 unsaid)
 *   timestamp    DATETIME(p), likewise
 *   timestamptz  DATETIME(p) holding UTC (the session's zone): TIMESTAMP
 *                would stop at 2038 and change its default and update
 *                behaviour with explicit_defaults_for_timestamp
 *   json         JSON (in MariaDB a LONGTEXT checked by json_valid)
 *   uuid         UUID on MariaDB 10.7 and later, else CHAR(36)
 *   enum         ENUM(labels), collated as text; VARCHAR(255) without
 *                labels, or when a label ends in a space (ENUM would strip
 *                it) or is longer than 255 characters
 *   null         TEXT
 *
 * NOT NULL where the stream column is not nullable; the stream's primary
 * key becomes the PRIMARY KEY.  Key columns of unknown length become
 * VARCHAR(768) or VARBINARY(3072), what an InnoDB key can hold (a longer
 * value is refused by strict mode).  VARCHAR and VARBINARY columns that
 * would pass InnoDB's 65535-byte row become LONGTEXT/LONGBLOB.
 */

/* A MySQL/PostgreSQL integer source type narrower than BIGINT, as a MySQL
 * type ("int unsigned"), or NULL.  Only known words pass into DDL. */
static const char *narrow_int(const char *st, char *out, size_t outsz)
{
	static const struct {
		const char *word, *type;
	} words[] = {
		{ "tinyint", "TINYINT" }, { "smallint", "SMALLINT" },
		{ "int2", "SMALLINT" },	  { "mediumint", "MEDIUMINT" },
		{ "int", "INT" },	  { "integer", "INT" },
		{ "int4", "INT" },	  { "year", "YEAR" },
	};
	const char *p = st, *type = NULL;
	size_t wl = 0;
	int unsig = 0;

	if (!st)
		return NULL;
	while ((p[wl] >= 'a' && p[wl] <= 'z') || (p[wl] >= '0' && p[wl] <= '9'))
		wl++;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == wl &&
		    strncmp(words[i].word, p, wl) == 0)
			type = words[i].type;
	if (!type)
		return NULL;
	p += wl;
	if (*p == '(') {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p++ != ')')
			return NULL;
	}
	if (strncmp(p, " unsigned", 9) == 0) {
		unsig = 1;
		p += 9;
	}
	if (strncmp(p, " zerofill", 9) == 0)
		p += 9;
	if (*p || (unsig && strcmp(type, "YEAR") == 0))
		return NULL;
	snprintf(out, outsz, "%s%s", type, unsig ? " UNSIGNED" : "");
	return out;
}

static int enum_fits(const struct schema_column *c)
{
	for (size_t i = 0; i < c->nlabels; i++) {
		size_t n = strlen(c->labels[i]);
		if ((n && c->labels[i][n - 1] == ' ') ||
		    utf8_chars(c->labels[i], strlen(c->labels[i])) > 255)
			return 0;
	}
	return c->nlabels > 0;
}

/* the characters of the VARCHAR an ENUM MySQL cannot hold becomes: its
 * longest label's, at least 255 */
static size_t enum_width(const struct schema_column *c)
{
	size_t w = 255;

	for (size_t k = 0; k < c->nlabels; k++) {
		size_t n = utf8_chars(c->labels[k], strlen(c->labels[k]));
		if (n > w)
			w = n;
	}
	return w;
}

/* a SET's members as MySQL holds them: up to 64, none ending in a space
 * (MySQL strips it), none over 255 characters */
static int set_fits(const struct schema_column *c)
{
	if (!c->nset || c->nset > 64)
		return 0;
	for (size_t i = 0; i < c->nset; i++) {
		size_t n = strlen(c->set[i]);
		if (c->set[i][n - 1] == ' ' || utf8_chars(c->set[i], n) > 255)
			return 0;
	}
	return 1;
}

/* the collation a text column of a MySQL source is made with: its own
 * when the target knows it (MySQL -> MySQL keeps case-insensitive
 * equality), a utf8mb4 one of its kind for another character set's;
 * what is not its own, a note.  Any other source: the no-pad binary one,
 * which keeps apart what PostgreSQL keeps apart */
static const char *text_collation(const struct schema_column *c,
				  const struct my_ddl_target *tg,
				  struct create_notes *notes, struct err *e,
				  int *rc)
{
	const char *cs = c->collation, *pick;
	char nm[160];
	size_t n;

	*rc = 0;
	if (!cs)
		return tg->bin;
	n = strlen(cs);
	if (myutil_collation_word(cs) && strncmp(cs, "utf8mb4_", 8) == 0 &&
	    (!tg->has_collation || tg->has_collation(tg->ctx, cs)))
		return cs;
	pick = n > 3 && strcmp(cs + n - 3, "_ci") == 0 ? "utf8mb4_unicode_ci"
						       : tg->bin;
	*rc = create_notes_add(
	    notes, e,
	    "column %s: collation %s made as %s, which this server has",
	    err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120),
	    myutil_collation_word(cs) ? cs : "(not a collation name)", pick);
	return pick;
}

static int add_text_cs(struct buf *b, const char *coll, struct err *e)
{
	return buf_addf(b, e, " CHARACTER SET utf8mb4 COLLATE %s", coll);
}

/* ENUM('a', 'b') or SET('a', 'b'): what opens it, then the labels */
static int label_type(struct buf *b, const char *open, char *const *labels,
		      size_t n, struct err *e)
{
	if (buf_adds(b, open, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_adds(b, ", ", e) < 0) ||
		    quote_literal(b, labels[i], e) < 0)
			return -1;
	return buf_addc(b, ')', e);
}


/* a MySQL source's size class of a TEXT or BLOB ("mediumtext" ->
 * "MEDIUMTEXT"), or NULL (callers also ask for the length MySQL gives
 * such a column: PostgreSQL's "text" has none) */
static const char *lob_class(const char *st, int text)
{
	static const char *const t[][2] = {
		{ "tinytext", "TINYTEXT" },	{ "text", "TEXT" },
		{ "mediumtext", "MEDIUMTEXT" }, { "tinyblob", "TINYBLOB" },
		{ "blob", "BLOB" },		{ "mediumblob", "MEDIUMBLOB" },
	};
	for (size_t i = text ? 0 : 3; i < (text ? 3u : 6u); i++)
		if (strcmp(st, t[i][0]) == 0)
			return t[i][1];
	return NULL;
}

/*
 * A spatial column's MySQL type: MySQL's own name, or PostGIS's subtype
 * ("geometry(Point,4326)" is POINT); one with Z or M coordinates is
 * refused, MySQL's geometries being 2D.
 */
static int spatial_type(const struct schema_column *c, struct buf *b,
			struct err *e)
{
	static const char *const names[][2] = {
		{ "geometrycollection", "GEOMETRYCOLLECTION" },
		{ "geomcollection", "GEOMETRYCOLLECTION" },
		{ "multilinestring", "MULTILINESTRING" },
		{ "multipolygon", "MULTIPOLYGON" },
		{ "multipoint", "MULTIPOINT" },
		{ "linestring", "LINESTRING" },
		{ "polygon", "POLYGON" },
		{ "point", "POINT" },
		{ "geometry", "GEOMETRY" },
	};
	const char *st = c->source_type, *sub = st;
	size_t n;

	if (strncasecmp(st, "geometry(", 9) == 0)
		sub = st + 9;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		n = strlen(names[k][0]);
		if (strncasecmp(sub, names[k][0], n) != 0)
			continue;
		if (sub == st && sub[n])
			continue; /* MySQL's: the word alone */
		if (sub != st && sub[n] != ',' && sub[n] != ')') {
			char nm[200];
			return err_set(e, ERR_STREAM,
				       "column %s: %s has Z or M coordinates, "
				       "which MySQL cannot hold (its "
				       "geometries are 2D)",
				       err_quote(nm, sizeof(nm), c->name,
						 strlen(c->name), 120),
				       st);
		}
		return buf_adds(b, names[k][1], e);
	}
	return buf_adds(b, "GEOMETRY", e);
}

static int add_col_type(const struct my_ddl_target *tg, struct buf *b,
			const struct schema_column *c, const char *itype,
			long keylen, size_t *budget, struct create_notes *notes,
			struct err *e)
{
	/* a key column: of no known length, keylen characters (bytes) */
	int key = keylen != 0;
	int nrc;
	const char *coll = text_collation(c, tg, notes, e, &nrc);
	const char *st = c->source_type ? c->source_type : "";
	char tmp[64];
	int64_t n = c->length;

	if (nrc < 0)
		return -1;

	switch (c->type) {
	case VALUE_BOOL: return buf_adds(b, "TINYINT(1)", e);
	case VALUE_INT64: {
		const char *it = itype			      ? itype
				 : narrow_int(st, tmp, sizeof(tmp)) ? tmp
								    : "BIGINT";
		if (buf_adds(b, it, e) < 0)
			return -1;
		/* a number kept >= 0 (a PostgreSQL CHECK (c >= 0)) */
		return c->nonnegative && !strstr(it, "UNSIGNED") &&
			       strcmp(it, "YEAR") != 0
			   ? buf_adds(b, " UNSIGNED", e)
			   : 0;
	}
	case VALUE_UINT64: {
		/* a MySQL source's BIT(n) stays BIT(n) */
		int bits = 0;
		if (strncmp(st, "bit(", 4) == 0 &&
		    sscanf(st + 4, "%d", &bits) == 1 && bits >= 1 &&
		    bits <= 64)
			return buf_addf(b, e, "BIT(%d)", bits);
		return buf_adds(b, "BIGINT UNSIGNED", e);
	}
	case VALUE_FLOAT64:
		if (buf_adds(b,
			     strcmp(st, "float") == 0 ||
				     strncmp(st, "float ", 6) == 0 ||
				     strcmp(st, "real") == 0 ||
				     strcmp(st, "float4") == 0
				 ? "FLOAT"
				 : "DOUBLE",
			     e) < 0)
			return -1;
		return c->nonnegative ? buf_adds(b, " UNSIGNED", e) : 0;
	case VALUE_DECIMAL:
		if (c->precision >= 1 && c->precision <= 65 && c->scale >= 0 &&
		    c->scale <= 30 && c->scale <= c->precision) {
			if (buf_addf(b, e, "DECIMAL(%" PRId64 ",%" PRId64 ")",
				     c->precision, c->scale) < 0)
				return -1;
		} else if (buf_adds(b, "DECIMAL(65,30)", e) < 0) {
			return -1;
		}
		return c->nonnegative ? buf_adds(b, " UNSIGNED", e) : 0;
	case VALUE_TEXT:
		if (set_fits(c))
			return label_type(b, "SET(", c->set, c->nset, e) < 0
				   ? -1
				   : add_text_cs(b, coll, e);
		/* MariaDB's address types, where the target has them */
		if (tg->native_inet &&
		    (strcmp(st, "inet4") == 0 || strcmp(st, "inet6") == 0))
			return buf_adds(b, st[4] == '4' ? "INET4" : "INET6", e);
		/* a MySQL TIME carried as its text (a duration): TIME
		 * again, with its fractional digits */
		if (source_time_as_text(c)) {
			*budget += 6;
			return buf_addf(b, e, "TIME(%c)",
					c->source_type[4] == '('
					    ? c->source_type[5]
					    : '0');
		}
		if (key && (n < 0 || n > 16383))
			n = keylen > 0 ? keylen : MY_KEY_CHARS;
		if (n >= 0 && n <= 16383 &&
		    (key || *budget + 4 * (size_t)n + 2 <= MY_ROW_BUDGET)) {
			*budget += 4 * (size_t)n + 2;
			return buf_addf(b, e, "VARCHAR(%" PRId64 ")", n) < 0
				   ? -1
				   : add_text_cs(b, coll, e);
		}
		/* a MySQL source's utf8mb4 TEXT keeps its size class (in
		 * another character set its text may need more bytes) */
		return buf_adds(b, lob_class(st, 1) && c->length > 0 &&
					   c->collation &&
					   strncmp(c->collation, "utf8mb4_", 8) ==
					       0
				       ? lob_class(st, 1)
				       : "LONGTEXT",
				e) < 0
			   ? -1
			   : add_text_cs(b, coll, e);
	case VALUE_BYTES: {
		if (wkb_is_spatial_type(c->source_type))
			return spatial_type(c, b, e);
		/* a MySQL source's BINARY(n) stays fixed (its values are n
		 * bytes, zero-padded) */
		int fixed = strncmp(st, "binary(", 7) == 0 && n > 0 && n <= 255;
		if (fixed) {
			*budget += (size_t)n;
			return buf_addf(b, e, "BINARY(%" PRId64 ")", n);
		}
	}
		if (key && (n < 0 || n > 65535))
			n = keylen > 0 ? keylen : MY_KEY_BYTES;
		if (n >= 0 && n <= 65535 &&
		    (key || *budget + (size_t)n + 2 <= MY_ROW_BUDGET)) {
			*budget += (size_t)n + 2;
			return buf_addf(b, e, "VARBINARY(%" PRId64 ")", n);
		}
		return buf_adds(b, lob_class(st, 0) && c->length > 0
				       ? lob_class(st, 0)
				       : "LONGBLOB",
				e);
	case VALUE_DATE: return buf_adds(b, "DATE", e);
	/* the source's fractional digits: a value has no more */
	case VALUE_TIME: return buf_addf(b, e, "TIME(%d)", create_time_digits(c));
	case VALUE_TIMESTAMP:
	case VALUE_TIMESTAMPTZ:
		return buf_addf(b, e, "DATETIME(%d)", create_time_digits(c));
	case VALUE_JSON: return buf_adds(b, "JSON", e);
	case VALUE_UUID:
		return buf_adds(b, tg->native_uuid ? "UUID" : "CHAR(36)", e);
	case VALUE_ENUM:
		if (!enum_fits(c)) {
			size_t w = enum_width(c);
			if (w > 16383)
				return buf_adds(b, "LONGTEXT", e) < 0
					   ? -1
					   : add_text_cs(b, coll, e);
			*budget += 4 * w + 2;
			return buf_addf(b, e, "VARCHAR(%zu)", w) < 0
				   ? -1
				   : add_text_cs(b, coll, e);
		}
		return label_type(b, "ENUM(", c->labels, c->nlabels, e) < 0
			   ? -1
			   : add_text_cs(b, coll, e);
	case VALUE_NULL:
		return buf_adds(b, "TEXT", e) < 0 ? -1
						  : add_text_cs(b, tg->bin, e);
	default: break;
	}
	return err_set(e, ERR_SYSTEM, "internal error: bad type %d",
		       (int)c->type);
}

/* a column of the primary key or of a secondary index --create makes:
 * it needs a type MySQL can index */
static int is_key(const struct schema_table *t, size_t i, int indexes)
{
	for (size_t k = 0; k < t->npk; k++)
		if (t->pk[k] == i)
			return 1;
	for (size_t x = 0; indexes && x < t->nindexes; x++)
		for (size_t k = 0; k < t->indexes[x].ncols; k++)
			if (t->indexes[x].cols[k] == i)
				return 1;
	return 0;
}

/* a constant default d of column c as MySQL reads it into c's type
 * (after DEFAULT, in parentheses for BLOB, TEXT and JSON): 1, or 0 when it
 * is not a value of c's type or not one MySQL holds (nothing added) */
static int my_default_literal(const struct schema_column *c, const char *d,
			      int paren, struct buf *q, struct err *e)
{
	struct buf scratch, txt;
	struct value v;
	struct err pe;
	int rc = -1;

	buf_init(&scratch, 1u << 20);
	buf_init(&txt, 1u << 20);
	err_init(&pe);
	if (!schema_default_value(c, &scratch, &v)) {
		rc = 0;
		goto out;
	}
	if (c->type == VALUE_BYTES) {
		static const char hx[] = "0123456789abcdef";
		if (buf_adds(&txt, "X'", e) < 0)
			goto out;
		for (size_t i = 0; i < v.v.s.len; i++)
			if (buf_addc(&txt, hx[(unsigned char)v.v.s.p[i] >> 4],
				     e) < 0 ||
			    buf_addc(&txt, hx[(unsigned char)v.v.s.p[i] & 15],
				     e) < 0)
				goto out;
		if (buf_addc(&txt, '\'', e) < 0)
			goto out;
	} else if (c->type == VALUE_TEXT || c->type == VALUE_JSON ||
		   c->type == VALUE_ENUM) {
		if (buf_adds(&txt, d, e) < 0) /* its text is the value */
			goto out;
	} else if (loadfmt_my_field(&txt, c->type, &v, &pe) < 0) {
		rc = 0; /* an infinity, a year past 9999 */
		goto out;
	}
	if (buf_adds(q, paren ? " DEFAULT (" : " DEFAULT ", e) < 0)
		goto out;
	if (c->type == VALUE_BYTES) {
		if (buf_add(q, txt.data, txt.len, e) < 0)
			goto out;
	} else if (quote_literal_n(q, txt.data ? (char *)txt.data : "", txt.len,
				   e) < 0) {
		goto out;
	}
	if (paren && buf_addc(q, ')', e) < 0)
		goto out;
	rc = 1;
out:
	buf_release(&scratch);
	buf_release(&txt);
	return rc;
}

/* " DEFAULT ..." of column c (whose MySQL type is ty) where MySQL has
 * its like, else a note */
static int my_column_default(const struct schema_column *c, const char *ty,
			     struct buf *q, struct create_notes *notes,
			     struct err *e)
{
	const struct schema_default *d = &c->def;
	int blob = strncmp(ty, "LONG", 4) == 0 || strncmp(ty, "JSON", 4) == 0 ||
		   strncmp(ty, "TEXT", 4) == 0;
	int ts = c->type == VALUE_TIMESTAMP || c->type == VALUE_TIMESTAMPTZ, rc;

	switch (d->kind) {
	case SCHEMA_DEFAULT_NONE: return 0;
	case SCHEMA_DEFAULT_VALUE:
		if ((rc = my_default_literal(c, d->text, blob, q, e)) != 0)
			return rc < 0 ? -1 : 0;
		break;
	case SCHEMA_DEFAULT_NOW:
		/* the column's own precision: MySQL takes no other */
		if (ts)
			return buf_addf(q, e, " DEFAULT CURRENT_TIMESTAMP(%d)",
					create_time_digits(c));
		if (c->type == VALUE_DATE)
			return buf_adds(q, " DEFAULT (CURRENT_DATE)", e);
		break;
	case SCHEMA_DEFAULT_CURRENT_DATE:
		if (c->type == VALUE_DATE)
			return buf_adds(q, " DEFAULT (CURRENT_DATE)", e);
		break;
	case SCHEMA_DEFAULT_UUID:
		if (c->type == VALUE_UUID || c->type == VALUE_TEXT)
			return buf_adds(q, " DEFAULT (UUID())", e);
		break;
	case SCHEMA_DEFAULT_EXPRESSION: break;
	}
	return create_notes_default(notes, c, " MySQL holds", e);
}

/* the column AUTO_INCREMENT goes to: MySQL has one per table, of an
 * integer type; -1 when none */
static int auto_column(const struct schema_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].identity && (t->cols[i].type == VALUE_INT64 ||
					    t->cols[i].type == VALUE_UINT64))
			return (int)i;
	return -1;
}

/* AUTO_INCREMENT, default and ON UPDATE of column i, after its type
 * (which starts at q[type_at]) */
static int my_column_extras(const struct schema_table *t, size_t i,
			    size_t type_at, struct buf *q,
			    struct create_notes *notes, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	char nm[160], how[300], ty[16];

	err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120);
	snprintf(ty, sizeof(ty), "%.*s", (int)(q->len - type_at),
		 (char *)q->data + type_at);
	if (c->identity) {
		if (auto_column(t) != (int)i)
			return create_notes_add(
			    notes, e,
			    "column %s: identity not made: MySQL has one "
			    "AUTO_INCREMENT column a table, of an integer type",
			    nm);
		if (c->identity == SCHEMA_IDENTITY_ALWAYS &&
		    create_notes_add(notes, e,
				     "column %s: GENERATED ALWAYS becomes "
				     "AUTO_INCREMENT, which an INSERT may give "
				     "a value",
				     nm) < 0)
			return -1;
		if (c->identity_increment != 1 &&
		    create_notes_add(notes, e,
				     "column %s: identity increment %lld not "
				     "made: MySQL's is the server's "
				     "auto_increment_increment",
				     nm, (long long)c->identity_increment) < 0)
			return -1;
		return buf_adds(q, " AUTO_INCREMENT", e);
	}
	if (my_column_default(c, ty, q, notes, e) < 0)
		return -1;
	if (c->on_update.kind == SCHEMA_DEFAULT_NOW &&
	    (c->type == VALUE_TIMESTAMP || c->type == VALUE_TIMESTAMPTZ))
		/* MariaDB takes only the column's own precision here */
		return buf_addf(q, e, " ON UPDATE CURRENT_TIMESTAMP(%d)",
				create_time_digits(c));
	if (c->on_update.kind)
		return create_notes_add(
		    notes, e, "column %s: ON UPDATE %s not made", nm,
		    schema_default_describe(&c->on_update, how, sizeof(how)));
	return 0;
}

/* AS (...) STORED or VIRTUAL for generated column i of t: 1 when made,
 * 0 when the column is to be plain (a note says why), -1 */
static int my_generated(const struct schema_table *t, size_t i, struct buf *q,
			struct create_notes *notes, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	size_t at = q->len;
	char nm[160];
	int rc;

	if (buf_adds(q, " AS (", e) < 0 ||
	    (rc = create_generated(t, i, SQLEXPR_MYSQL, NULL, 0, q, notes,
				   e)) < 0)
		return -1;
	if (rc == 0) {
		q->len = at;
		return 0;
	}
	if (buf_adds(q, c->generated_stored ? ") STORED" : ") VIRTUAL", e) < 0)
		return -1;
	if (!c->nullable &&
	    create_notes_add(notes, e,
			     "column %s: NOT NULL not made: MariaDB takes none "
			     "on a generated column (it holds NULL only where "
			     "its expression gives NULL)",
			     err_quote(nm, sizeof(nm), c->name,
				       strlen(c->name), 120)) < 0)
		return -1;
	return 1;
}

/* the AUTO_INCREMENT column needs to lead an index: one of its own when
 * neither the primary key nor an index --create makes starts with it */
static int auto_key(const struct schema_table *t, int indexes, struct buf *q,
		    struct err *e)
{
	int a = auto_column(t);

	if (a < 0 || (t->npk && t->pk[0] == (size_t)a))
		return 0;
	/* an index that leads with it (sink_mysql_index_later keeps those
	 * in the CREATE TABLE) */
	for (size_t x = 0; indexes && x < t->nindexes; x++)
		if (t->indexes[x].ncols && t->indexes[x].cols[0] == (size_t)a)
			return 0;
	if (buf_adds(q, ", KEY (", e) < 0 ||
	    myutil_quote_ident(q, t->cols[a].name, e) < 0)
		return -1;
	return buf_addc(q, ')', e);
}

/* whether column c is text or bytes of no length MySQL can index as it
 * is: --create sizes it when it is a key column */
static int no_length(const struct schema_column *c)
{
	return (c->type == VALUE_TEXT && !set_fits(c) &&
		!(c->length > 0 && c->length <= 16383)) ||
	       (c->type == VALUE_BYTES &&
		!(c->length > 0 && c->length <= 65535));
}

/* the bytes column c takes in an InnoDB key when its own size is known
 * (4 bytes a character); *var set for text and bytes, which a prefix can
 * shorten */
static size_t known_key_bytes(const struct schema_column *c, int *var)
{
	*var = 0;
	switch (c->type) {
	case VALUE_TEXT:
		if (set_fits(c))
			return 8; /* a SET: a bit each member */
		*var = 1;
		return 4 * (size_t)c->length;
	case VALUE_ENUM:
		if (enum_fits(c))
			return 2;
		/* a VARCHAR as long as the longest label */
		*var = 1;
		return 4 * enum_width(c);
	case VALUE_BYTES: *var = 1; return (size_t)c->length;
	case VALUE_DECIMAL: return 32;
	case VALUE_UUID: return 144;
	default: return 8;
	}
}

/*
 * The size --create gives key column i of t when it has no_length:
 * VARCHAR(768) (VARBINARY(3072)), InnoDB's whole key, unless a primary
 * key or unique index holds it with other columns; there the columns of
 * no length share what the others leave of the 3072 bytes, equally, so
 * that the key can be made (a longer value is refused, and --check names
 * it).  The characters (bytes); 0 when i is no such column; -1 when
 * nothing is left for it.
 */
long sink_mysql_key_length(const struct schema_table *t, size_t i,
			   int indexes)
{
	size_t share = MY_KEY_BYTES;
	const struct schema_column *c = &t->cols[i];

	if (!no_length(c))
		return 0;
	for (size_t x = 0; x <= (indexes ? t->nindexes : 0); x++) {
		const size_t *cols = x ? t->indexes[x - 1].cols : t->pk;
		size_t n = x ? t->indexes[x - 1].ncols : t->npk;
		size_t fixed = 0, nvar = 0, has = 0;
		int var;
		if (x && !t->indexes[x - 1].unique)
			continue; /* a prefix does there */
		for (size_t k = 0; k < n; k++) {
			has |= cols[k] == i;
			if (no_length(&t->cols[cols[k]]))
				nvar++;
			else
				fixed += known_key_bytes(&t->cols[cols[k]],
							 &var);
		}
		if (!has)
			continue;
		if (fixed >= MY_KEY_BYTES)
			return -1;
		if ((MY_KEY_BYTES - fixed) / nvar < share)
			share = (MY_KEY_BYTES - fixed) / nvar;
	}
	if (c->type == VALUE_TEXT)
		share /= 4;
	return share ? (long)share : -1;
}

long sink_mysql_ddl_max_len(const struct schema_table *t, size_t i)
{
	long n;

	if (!is_key(t, i, 1) || (n = sink_mysql_key_length(t, i, 1)) <= 0)
		return 0;
	return n;
}

/* the bytes column i of t takes in an InnoDB key as add_col_type makes
 * it; *var set for text and bytes, which a prefix can shorten */
static size_t key_bytes(const struct schema_table *t, size_t i, int indexes,
			int *var)
{
	const struct schema_column *c = &t->cols[i];
	long n;

	if (!no_length(c))
		return known_key_bytes(c, var);
	*var = 1;
	n = sink_mysql_key_length(t, i, indexes);
	if (n <= 0)
		n = c->type == VALUE_TEXT ? MY_KEY_CHARS : MY_KEY_BYTES;
	return c->type == VALUE_TEXT ? 4 * (size_t)n : (size_t)n;
}

/* the key over cols[0..n) fits InnoDB's 3072 bytes: 0 with *prefix 0;
 * else the characters (bytes) of each text (bytes) column a non-unique
 * index keeps, in *prefix; -1 when no prefix can make it fit */
static int key_fit(const struct schema_table *t, int indexes, const size_t *cols,
		   size_t n, size_t *prefix, size_t *total)
{
	size_t fixed = 0, nvar = 0;
	int var;

	*total = 0;
	*prefix = 0;
	for (size_t k = 0; k < n; k++) {
		size_t b = key_bytes(t, cols[k], indexes, &var);
		*total += b;
		if (var)
			nvar++;
		else
			fixed += b;
	}
	if (*total <= MY_KEY_BYTES)
		return 0;
	if (!nvar || fixed + nvar * 4 > MY_KEY_BYTES)
		return -1;
	*prefix = (MY_KEY_BYTES - fixed) / nvar;
	return 0;
}

/* whether check k of t reads column col: 1, 0 (or unreadable: the
 * check's own translation names it), -1 out of memory */
static int check_reads(const struct schema_table *t, size_t k, size_t col,
		       struct err *e)
{
	char why[256];
	struct sqlexpr *x = sqlexpr_parse(t->checks[k].expr, SQLEXPR_FERRY, t,
					  why, sizeof(why), e);
	int rc;

	if (!x)
		return e->class ? -1 : 0;
	rc = sqlexpr_uses(x, col);
	sqlexpr_free(x);
	return rc;
}

/* the action of foreign key f that sets its columns (ON UPDATE CASCADE,
 * SET NULL, SET DEFAULT; ON DELETE SET NULL, SET DEFAULT), or NULL */
static const char *fk_sets(const struct schema_fkey *f)
{
	if (f->on_update == SCHEMA_FK_CASCADE)
		return "ON UPDATE CASCADE";
	if (f->on_update == SCHEMA_FK_SET_NULL)
		return "ON UPDATE SET NULL";
	if (f->on_update == SCHEMA_FK_SET_DEFAULT)
		return "ON UPDATE SET DEFAULT";
	if (f->on_delete == SCHEMA_FK_SET_NULL)
		return "ON DELETE SET NULL";
	if (f->on_delete == SCHEMA_FK_SET_DEFAULT)
		return "ON DELETE SET DEFAULT";
	return NULL;
}

/* 1 when CHECK k of t may not be made (noted), as it reads the
 * AUTO_INCREMENT column a or a column that a foreign key of t sets
 * (MariaDB refuses the key then: the key is kept, the check named);
 * 0 when it may; -1 out of memory */
static int check_blocked(const struct schema_table *t, size_t k, int a,
			 struct create_notes *notes, struct err *e)
{
	const char *nm = t->checks[k].name;
	char qn[160], qc[160], qf[160];
	int rc;

	err_quote(qn, sizeof(qn), nm, strlen(nm), 120);
	if (a >= 0 && (rc = check_reads(t, k, (size_t)a, e)) != 0)
		return rc < 0 || create_notes_add(
				     notes, e,
				     "check %s: not made: it reads column %s, "
				     "which is AUTO_INCREMENT here, and MySQL "
				     "allows no CHECK on such a column",
				     qn,
				     err_quote(qc, sizeof(qc), t->cols[a].name,
					       strlen(t->cols[a].name), 120)) <
				     0
			   ? -1
			   : 1;
	for (size_t f = 0; f < t->nfkeys; f++) {
		const struct schema_fkey *fk = &t->fkeys[f];
		const char *act = fk_sets(fk);
		for (size_t c = 0; act && c < fk->ncols; c++) {
			const char *cn = t->cols[fk->cols[c]].name;
			if ((rc = check_reads(t, k, fk->cols[c], e)) == 0)
				continue;
			return rc < 0 ||
					   create_notes_add(
					       notes, e,
					       "check %s: not made: it reads "
					       "column %s, which foreign key "
					       "%s sets (%s), and MariaDB "
					       "refuses the key of a column a "
					       "CHECK reads",
					       qn,
					       err_quote(qc, sizeof(qc), cn,
							 strlen(cn), 120),
					       err_quote(qf, sizeof(qf),
							 fk->name,
							 strlen(fk->name), 120),
					       act) < 0
				   ? -1
				   : 1;
		}
	}
	return 0;
}

/* the notice for key column i of t, sized to kl characters (bytes) */
static int key_sized_note(const struct schema_table *t, size_t i, long kl,
			  struct create_notes *notes, struct err *e)
{
	const struct schema_column *c = &t->cols[i];
	char nm[160];
	int text = c->type == VALUE_TEXT;

	if (kl >= (text ? MY_KEY_CHARS : MY_KEY_BYTES))
		return 0;
	return create_notes_add(
	    notes, e,
	    "column %s: %s(%ld) (the source gives it no length), so that "
	    "its unique key with other columns fits the %d bytes of an "
	    "InnoDB key; a longer value is refused (--check names it)",
	    err_quote(nm, sizeof(nm), c->name, strlen(c->name), 120),
	    text ? "VARCHAR" : "VARBINARY", kl, MY_KEY_BYTES);
}

/* ", KEY name (cols)" (with sep first) of index x of t, sized as
 * --create sizes its columns, into q; q NULL: only checked */
static int index_clause(const struct schema_table *t, size_t x,
			const char *sep, struct buf *q, struct err *e)
{
	const struct schema_index *ix = &t->indexes[x];
	size_t pre, total;

	/* past InnoDB's 3072 key bytes: a non-unique index keeps a prefix
	 * of its text, which finds the same rows; a unique one on a prefix
	 * would refuse rows the source has */
	if (key_fit(t, 1, ix->cols, ix->ncols, &pre, &total) < 0 ||
	    (pre && ix->unique))
		return err_set(e, ERR_STREAM,
			       "column %s: unique index %s would take %zu "
			       "bytes in MySQL, over the %d an InnoDB key "
			       "holds (its columns of known size alone take "
			       "that)",
			       t->cols[ix->cols[0]].name, ix->name, total,
			       MY_KEY_BYTES);
	if (!q)
		return 0;
	if (buf_adds(q, sep, e) < 0 ||
	    buf_adds(q, ix->unique ? "UNIQUE KEY " : "KEY ", e) < 0 ||
	    myutil_quote_ident(q, ix->name, e) < 0 || buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t k = 0; k < ix->ncols; k++) {
		const struct schema_column *c = &t->cols[ix->cols[k]];
		int var;
		size_t b = key_bytes(t, ix->cols[k], 1, &var);
		if ((k && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, c->name, e) < 0)
			return -1;
		if (pre && var && b > pre &&
		    buf_addf(q, e, "(%zu)",
			     c->type == VALUE_TEXT ? pre / 4 : pre) < 0)
			return -1;
	}
	return buf_addc(q, ')', e);
}

int sink_mysql_index_later(const struct schema_table *t, size_t x)
{
	const struct schema_index *ix = &t->indexes[x];
	int a = auto_column(t);

	return !ix->unique && ix->ncols &&
	       !(a >= 0 && ix->cols[0] == (size_t)a);
}

int sink_mysql_ddl_later_indexes(const struct schema_table *t,
				 const char *target,
				 int (*have)(void *ctx, const char *name),
				 void *ctx, struct buf *q, struct err *e)
{
	size_t n = 0;

	buf_reset(q);
	for (size_t x = 0; x < t->nindexes; x++) {
		if (!sink_mysql_index_later(t, x) ||
		    (have && have(ctx, t->indexes[x].name)))
			continue;
		if ((!n && (buf_adds(q, "ALTER TABLE ", e) < 0 ||
			    myutil_quote_ident(q, target, e) < 0)) ||
		    index_clause(t, x, n ? ", ADD " : " ADD ", q, e) < 0)
			return -1;
		n++;
	}
	return n ? 0 : 1;
}

int sink_mysql_ddl_table(const struct schema_table *t, const char *target,
			 int indexes, const struct my_ddl_target *tg,
			 struct buf *q, struct create_notes *notes,
			 struct err *e)
{
	size_t budget = 0;
	int a = auto_column(t);

	/* a PostgreSQL source's partitioned table: one plain table here */
	if (t->partition && notes &&
	    create_notes_not_made(notes, "partitioning", t->table ? t->table : t->name,
				  "ferry makes no MySQL partitioning: one "
				  "plain table holds every row",
				  e) < 0)
		return -1;
	if (buf_adds(q, "CREATE TABLE ", e) < 0 ||
	    myutil_quote_ident(q, target, e) < 0 || buf_adds(q, " (", e) < 0)
		return -1;
	/* key columns first into the row budget: they cannot go off-row */
	for (size_t i = 0; i < t->ncols; i++)
		if (is_key(t, i, indexes) && t->cols[i].length > 0) {
			size_t n = (size_t)t->cols[i].length;
			budget +=
			    t->cols[i].type == VALUE_TEXT ? 4 * n + 2 : n + 2;
		}
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		size_t scratch = 0, type_at;
		int key = is_key(t, i, indexes) || (int)i == a;
		long kl = key ? sink_mysql_key_length(t, i, indexes) : 0;
		if ((i && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, c->name, e) < 0 ||
		    buf_addc(q, ' ', e) < 0)
			return -1;
		type_at = q->len;
		if (add_col_type(tg, q, c, create_bound_type(t, i, NULL),
				 key ? (kl ? kl : -1) : 0,
				 key ? &scratch : &budget, notes, e) < 0 ||
		    (kl > 0 && key_sized_note(t, i, kl, notes, e) < 0))
			return -1;
		if (c->generated) {
			int rc = my_generated(t, i, q, notes, e);
			if (rc < 0)
				return -1;
			if (rc == 1)
				continue;
		}
		if ((!c->nullable && buf_adds(q, " NOT NULL", e) < 0) ||
		    my_column_extras(t, i, type_at, q, notes, e) < 0)
			return -1;
	}
	if (auto_key(t, indexes, q, e) < 0)
		return -1;
	if (t->npk) {
		size_t pre, total;
		if (key_fit(t, indexes, t->pk, t->npk, &pre, &total) < 0 ||
		    pre)
			return err_set(
			    e, ERR_STREAM,
			    "column %s: the primary key would take %zu bytes in "
			    "MySQL, over the %d an InnoDB key holds (its "
			    "columns of known size alone take that)",
			    t->cols[t->pk[0]].name, total, MY_KEY_BYTES);
		if (buf_adds(q, ", PRIMARY KEY (", e) < 0)
			return -1;
		for (size_t k = 0; k < t->npk; k++)
			if ((k && buf_adds(q, ", ", e) < 0) ||
			    myutil_quote_ident(q, t->cols[t->pk[k]].name, e) <
				0)
				return -1;
		if (buf_addc(q, ')', e) < 0)
			return -1;
	}
	/* secondary indexes with the table, or the unique ones and the
	 * others after the rows (sink_mysql_ddl_later_indexes); each is
	 * checked against InnoDB's key size now, before any row */
	for (size_t x = 0; indexes && x < t->nindexes; x++)
		if (index_clause(t, x, ", ",
				 indexes == MY_DDL_INDEXES_LATER &&
				     sink_mysql_index_later(t, x)
				 ? NULL
				 : q,
				 e) < 0)
			return -1;
	/* indexes on expressions or of some rows: none here */
	for (size_t x = 0; indexes && x < t->nxindexes; x++)
		if (create_notes_not_made(
			notes, "index", t->xindexes[x].name,
			t->xindexes[x].where
			    ? "an index of some rows only (WHERE), which MySQL "
			      "and MariaDB have not"
			    : "an index on expressions, which MariaDB has not "
			      "(MySQL 8's functional key parts ferry does not "
			      "make)",
			e) < 0)
			return -1;
	for (size_t k = 0; k < t->nchecks; k++) {
		const char *nm = t->checks[k].name;
		size_t at = q->len;
		int rc;
		/* the bounds of an UNSIGNED type: the column's type */
		int implied = 0;
		for (size_t i = 0; i < t->ncols && !implied; i++) {
			size_t bk;
			implied = create_bound_type(t, i, &bk) && bk == k;
		}
		if (implied)
			continue;
		/* MySQL refuses a CHECK on an AUTO_INCREMENT column, and
		 * MariaDB one on a column a foreign key sets */
		if ((rc = check_blocked(t, k, a, notes, e)) != 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		/* MySQL's names are of up to 64 characters */
		if (buf_adds(q, ", ", e) < 0 ||
		    (utf8_chars(nm, strlen(nm)) <= 64 &&
		     (buf_adds(q, "CONSTRAINT ", e) < 0 ||
		      myutil_quote_ident(q, nm, e) < 0 ||
		      buf_addc(q, ' ', e) < 0)) ||
		    buf_adds(q, "CHECK (", e) < 0)
			return -1;
		if ((rc = create_check(t, k, SQLEXPR_MYSQL, NULL, 0, q, notes,
				       e)) < 0)
			return -1;
		if (rc == 0)
			q->len = at;
		else if (buf_addc(q, ')', e) < 0)
			return -1;
	}
	if (buf_addf(q, e, ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=%s",
		     tg->bin) < 0)
		return -1;
	/* the source's next value: an INSERT after the load never reuses a
	 * number the source gave out; rows loaded past it move it on */
	if (a >= 0 && t->cols[a].identity_next > 1)
		return buf_addf(q, e, " AUTO_INCREMENT=%lld",
				(long long)t->cols[a].identity_next);
	return 0;
}

static int count_row(void *ctx, char **vals, size_t *lens, struct err *e);

/* whether the server knows collation name (my_ddl_target) */
static int known_collation(void *ctx, const char *name)
{
	struct my_sink *m = ctx;
	const char *params[1] = { name };
	int n = 0;
	struct err ignored;

	err_init(&ignored);
	if (myutil_select(m->conn,
			  "SELECT COUNT(*) FROM information_schema.COLLATIONS "
			  "WHERE COLLATION_NAME = ?",
			  params, 1, 1, count_row, &n, &ignored) < 0)
		return 0;
	return n > 0;
}

/* the binary collation without PAD SPACE this server has */
static const char *nopad_bin(const struct my_sink *m)
{
	if (m->mariadb)
		return m->version >= 100200 ? "utf8mb4_nopad_bin"
					    : "utf8mb4_bin";
	return m->version >= 80000 ? "utf8mb4_0900_bin" : "utf8mb4_bin";
}

/* whether the indexes of a table made by --create may come after its rows:
 * not when rows must meet them as they go in (upsert, rejects), nor inside
 * a transaction of several tables (ALTER TABLE would commit it) */
static int later_ok(const struct my_sink *m)
{
	const struct sink_opts *o = &m->base.opts;

	return !o->no_indexes && !o->reject && !m->base.group &&
	       o->mode != SINK_UPSERT && o->mode != SINK_DELETE;
}

static int any_later(const struct schema_table *t)
{
	for (size_t x = 0; x < t->nindexes; x++)
		if (sink_mysql_index_later(t, x))
			return 1;
	return 0;
}

static int build_later(struct my_sink *m, int resumed, struct err *e);

static int create_table(struct my_sink *m, struct err *e)
{
	struct buf *q = &m->sql;
	struct my_ddl_target tg = { m->mariadb && m->version >= 100700,
				    nopad_bin(m), known_collation, m,
				    m->mariadb && m->version >= 101000 };

	int later = later_ok(m);

	buf_reset(q);
	if (sink_mysql_ddl_table(m->t, m->name,
				 m->base.opts.no_indexes ? MY_DDL_NO_INDEXES
				 : later		 ? MY_DDL_INDEXES_LATER
							 : MY_DDL_INDEXES,
				 &tg, q, &m->base.notes, e) < 0)
		return -1;
	if (mysql_real_query(m->conn, (char *)q->data, q->len))
		return my_fail(m, e, "creating the table");
	m->keys_later = later && any_later(m->t);
	return 0;
}

static int has_index(void *ctx, const char *name)
{
	struct my_sink *m = ctx;
	const char *params[2] = { m->name, name };
	int n = 0;
	struct err ignored;

	err_init(&ignored);
	if (myutil_select(m->conn,
			  "SELECT COUNT(*) FROM information_schema.STATISTICS "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
			  "AND INDEX_NAME = ?",
			  params, 2, 1, count_row, &n, &ignored) < 0)
		return 0; /* then ADD KEY says what is wrong */
	return n > 0;
}

/*
 * The indexes left for after the rows, in one ALTER TABLE (one pass over
 * the rows, a sort for each), which commits on its own; those an earlier
 * run of the job made before it stopped are kept (resumed).
 */
static int build_later(struct my_sink *m, int resumed, struct err *e)
{
	int rc = sink_mysql_ddl_later_indexes(m->t, m->name,
					      resumed ? has_index : NULL, m,
					      &m->sql, e);

	if (rc)
		return rc < 0 ? -1 : 0;
	return my_exec(m, (char *)m->sql.data,
		       "building the table's indexes after its rows", e);
}

/* --- beginning a table ---------------------------------------------------
 */

static int count_row(void *ctx, char **vals, size_t *lens, struct err *e)
{
	(void)lens;
	(void)e;
	*(int *)ctx = vals[0] && strcmp(vals[0], "0") != 0;
	return 0;
}

struct cols_ctx {
	struct my_sink *m;
	unsigned char *seen; /* per stream column */
};

/* COLUMN_NAME DATA_TYPE of the target: which stream column it is */
static int target_col(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct cols_ctx *c = ctx;
	const struct schema_table *t = c->m->t;

	(void)lens;
	(void)e;
	if (!vals[0])
		return 0;
	/* MySQL column names do not differ in case alone */
	for (size_t i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, vals[0]) == 0) {
			c->seen[i] = 1;
			/* LOAD DATA reads a YEAR's '0' as 2000, not 0000:
			 * the number goes through a variable too */
			if (vals[1] && (strcmp(vals[1], "bit") == 0 ||
					strcmp(vals[1], "year") == 0))
				c->m->kind[i] = MY_COL_BIT;
			if (vals[1] && wkb_is_spatial_type(vals[1]) &&
			    t->cols[i].type == VALUE_BYTES)
				c->m->kind[i] = MY_COL_GEOMETRY;
			/* not DEFAULT_GENERATED, MySQL 8's mark of a
			 * default expression */
			if (vals[2] && (strstr(vals[2], "VIRTUAL GENERATED") ||
					strstr(vals[2], "STORED GENERATED") ||
					strstr(vals[2], "PERSISTENT GENERATED")))
				c->m->kind[i] = MY_COL_GEN;
		}
	return 0;
}

static int check_columns(struct my_sink *m, struct err *e)
{
	const struct schema_table *t = m->t;
	const char *params[1] = { m->name };
	struct cols_ctx c = { m, NULL };
	int rc = -1;

	if (!(c.seen = calloc(t->ncols ? t->ncols : 1, 1)))
		return err_oom(e);
	if (myutil_select(m->conn,
			  "SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM "
			  "information_schema.COLUMNS WHERE TABLE_SCHEMA = "
			  "DATABASE() AND TABLE_NAME = ?",
			  params, 1, 3, target_col, &c, e) < 0) {
		err_prefix(e, "reading the columns of the table");
		goto out;
	}
	for (size_t i = 0; i < t->ncols; i++)
		if (!c.seen[i]) {
			err_set(e, ERR_USAGE, "table %s has no column %s",
				m->name, t->cols[i].name);
			goto out;
		}
	rc = 0;
out:
	free(c.seen);
	return rc;
}

/* The statement that loads the buffer (or the INSERT head in the buffer) */
static int build_head(struct my_sink *m, struct err *e)
{
	const struct schema_table *t = m->t;
	const char *into = m->temp ? MY_UPSERT_TMP : NULL;
	struct buf *h = m->use_insert ? &m->rows : &m->head;
	int bits = 0;

	buf_reset(&m->head);
	buf_reset(&m->rows);
	if (m->use_insert) {
		if (buf_adds(h, "INSERT INTO ", e) < 0)
			return -1;
	} else if (buf_adds(h,
			    "LOAD DATA LOCAL INFILE 'ferry:stream' INTO TABLE ",
			    e) < 0) {
		return -1;
	}
	if ((into ? buf_adds(h, into, e) : myutil_quote_ident(h, m->name, e)) <
	    0)
		return -1;
	if (!m->use_insert &&
	    buf_adds(h,
		     " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' "
		     "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'",
		     e) < 0)
		return -1;
	if (buf_adds(h, " (", e) < 0)
		return -1;
	for (size_t i = 0, n = 0; i < t->ncols; i++) {
		if (m->kind[i] == MY_COL_GEN)
			continue;
		if (n++ && buf_adds(h, ", ", e) < 0)
			return -1;
		if (!m->use_insert && m->kind[i] == MY_COL_BIT) {
			if (buf_addf(h, e, "@v%zu", i) < 0)
				return -1;
			bits = 1;
		} else if (myutil_quote_ident(h, t->cols[i].name, e) < 0) {
			return -1;
		}
	}
	if (buf_addc(h, ')', e) < 0)
		return -1;
	if (bits) {
		int any = 0;
		if (buf_adds(h, " SET ", e) < 0)
			return -1;
		for (size_t i = 0; i < t->ncols; i++) {
			if (m->kind[i] != MY_COL_BIT)
				continue;
			if ((any && buf_adds(h, ", ", e) < 0) ||
			    myutil_quote_ident(h, t->cols[i].name, e) < 0 ||
			    buf_addf(h, e, " = CAST(@v%zu AS UNSIGNED)", i) < 0)
				return -1;
			any = 1;
		}
	}
	if (m->use_insert) {
		if (buf_adds(h, " VALUES ", e) < 0)
			return -1;
		m->head_len = h->len;
	}
	return 0;
}

static void end_state(struct my_sink *m)
{
	free(m->name);
	m->name = NULL;
	free(m->kind);
	m->kind = NULL;
	m->t = NULL;
	m->nbuf = 0;
	buf_reset(&m->rows);
	rowbuf_reset(&m->keep);
	buf_reset(&m->starts);
	buf_reset(&m->uq_sql);
	buf_reset(&m->uq_names);
	m->nuq = 0;
}


struct trig_list {
	char **names;
	size_t n;
};

static int add_trigger(void *ctx, char **vals, size_t *lens, struct err *e)
{
	struct trig_list *l = ctx;
	char **nn;

	(void)lens;
	if (!(nn = realloc(l->names, (l->n + 1) * sizeof(*nn))))
		return err_oom(e);
	l->names = nn;
	if (!(l->names[l->n] = strdup(vals[0] ? vals[0] : "")))
		return err_oom(e);
	l->n++;
	return 0;
}

/* an existing table's triggers, before a row or a DELETE reaches it:
 * refused unless --triggers fire (MySQL cannot turn one off for a
 * session: --triggers disable is refused at the command line) */
static int table_triggers(struct my_sink *m, struct err *e)
{
	const char *params[1] = { m->name };
	struct trig_list l = { NULL, 0 };
	int rc;

	rc = myutil_select(
	    m->conn,
	    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
	    "WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND "
	    "EVENT_OBJECT_TABLE = ? ORDER BY TRIGGER_NAME",
	    params, 1, 1, add_trigger, &l, e);
	if (rc < 0)
		err_prefix(e, "reading the table's triggers");
	else if (l.n && m->base.opts.triggers == SINK_TRIGGERS_FIRE)
		/* LOAD DATA refuses a NOT NULL column the stream lacks
		 * before a BEFORE INSERT trigger can fill it; INSERT runs
		 * the trigger first, as the application's own INSERTs do */
		m->use_insert = 1;
	else if (l.n)
		rc = m->base.opts.triggers == SINK_TRIGGERS_DISABLE
			 ? err_set(e, ERR_USAGE,
				   "--triggers disable is for PostgreSQL "
				   "targets")
			 : sink_triggers_refusal(e, l.names, l.n);
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	free(l.names);
	return rc;
}

static int my_begin_table(struct sink *s, const struct schema_table *t,
			  const char *name, struct err *e)
{
	struct my_sink *m = MYS(s);
	const char *params[1];
	int exists = 0;

	end_state(m);
	m->t = t;
	m->use_insert = m->insert_base;
	m->nrows = m->since_commit = m->commits = m->rejected = 0;
	m->deleted = 0;
	m->first = 1;
	m->created = m->temp = m->keys_later = 0;
	/* MySQL has no schemas: a table of public is the table itself, one of
	 * schema app is the table named app.name (as ever); "a.b" is a.b */
	if (!(m->name = myutil_table_name(name, e)))
		return -1;
	params[0] = m->name;
	if (!(m->kind = calloc(t->ncols ? t->ncols : 1, sizeof(*m->kind))))
		return err_oom(e);
	if (s->opts.mode == SINK_UPSERT && !t->npk)
		return err_set(e, ERR_USAGE,
			       "--mode upsert needs a primary key");
	if (s->opts.mode == SINK_DELETE && s->opts.create)
		return err_set(e, ERR_USAGE,
			       "--mode delete does not go with --create");
	if (myutil_select(
		m->conn,
		"SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
		params, 1, 1, count_row, &exists, e) < 0)
		return err_prefix(e, "looking for the table");
	if (!exists) {
		if (!s->opts.create)
			return err_set(e, ERR_USAGE,
				       "table %s does not exist (use --create)",
				       name);
		/* DDL commits: before the transaction, dropped on abort */
		if (create_table(m, e) < 0)
			return -1;
		m->created = 1;
	} else if (s->keys_pending && !s->opts.no_indexes &&
		   any_later(t)) {
		/* an earlier run of the job made the table and stopped
		 * before its indexes, or an earlier key range of it left them
		 * for the last: they come after the rows, or now (before the
		 * transaction: ALTER TABLE commits) when rows must meet them */
		if (later_ok(m))
			m->keys_later = 1;
		else if (build_later(m, 1, e) < 0)
			return -1;
	}
	if (check_columns(m, e) < 0 ||
	    (s->opts.mode == SINK_DELETE && check_key_only(m, e) < 0) ||
	    (!m->created && table_triggers(m, e) < 0))
		return -1;
	if (!s->group && my_exec(m, "START TRANSACTION", NULL, e) < 0)
		return -1;
	m->in_tx = 1;
	if (s->opts.mode == SINK_TRUNCATE && !m->created && !s->run_emptied) {
		/* not TRUNCATE, which commits */
		buf_reset(&m->sql);
		if (buf_adds(&m->sql, "DELETE FROM ", e) < 0 ||
		    myutil_quote_ident(&m->sql, name, e) < 0)
			return -1;
		if (my_exec(m, (char *)m->sql.data, "emptying the table", e) <
		    0)
			return -1;
	}
	if (s->opts.mode == SINK_UPSERT) {
		buf_reset(&m->sql);
		if (buf_adds(&m->sql,
			     "CREATE TEMPORARY TABLE " MY_UPSERT_TMP " LIKE ",
			     e) < 0 ||
		    myutil_quote_ident(&m->sql, name, e) < 0)
			return -1;
		if (my_exec(m, "DROP TEMPORARY TABLE IF EXISTS " MY_UPSERT_TMP,
			    NULL, e) < 0 ||
		    my_exec(m, (char *)m->sql.data, "creating the upsert table",
			    e) < 0 ||
		    upsert_uniques(m, e) < 0 ||
		    (s->opts.reject && seen_keys(m, "CREATE", NULL, 0, e) < 0))
			return -1;
		m->temp = 1;
	}
	if (s->opts.mode == SINK_DELETE && create_key_stage(m, e) < 0)
		return -1;
	return build_head(m, e);
}

/* --- encoding rows ------------------------------------------------------- */

/* INSERT path: a string literal in the connection's character set */
static int add_sql_string(void *ctx, struct buf *b, const char *s, size_t len,
			  struct err *e)
{
	struct my_sink *m = ctx;
	unsigned long n;

	if (buf_reserve(b, 2 * len + 3, e) < 0)
		return -1;
	b->data[b->len++] = '\'';
	n = mysql_real_escape_string(m->conn, (char *)b->data + b->len, s,
				     (unsigned long)len);
	b->len += n;
	b->data[b->len++] = '\'';
	b->data[b->len] = '\0';
	return 0;
}

static int add_value(struct my_sink *m, size_t i, enum value_type t,
		     const struct value *v, struct err *e)
{
	struct value g;

	if (m->kind[i] == MY_COL_GEOMETRY && !v->null) {
		buf_reset(&m->geo);
		if (wkb_to_mysql((const unsigned char *)v->v.s.p, v->v.s.len,
				 &m->geo, e) < 0)
			return -1;
		g.null = false;
		g.v.s.p = (const char *)m->geo.data;
		g.v.s.len = m->geo.len;
		v = &g;
	}
	if (m->use_insert)
		return loadfmt_my_literal(&m->rows, t, v, add_sql_string, m, e);
	return loadfmt_my_field(&m->rows, t, v, e);
}

static int my_write_row(struct sink *s, const struct value *row, struct err *e)
{
	struct my_sink *m = MYS(s);
	const struct schema_table *t = m->t;
	size_t start = m->rows.len;

	if (m->use_insert && buf_addc(&m->rows, '(', e) < 0)
		goto fail;
	for (size_t i = 0, n = 0; i < t->ncols; i++) {
		if (m->kind[i] == MY_COL_GEN)
			continue;
		if ((n++ &&
		     buf_addc(&m->rows, m->use_insert ? ',' : '\t', e) < 0) ||
		    add_value(m, i, t->types[i], &row[i], e) < 0) {
			int rc;
			buf_cut(&m->rows, start);
			if (e->class != ERR_STREAM)
				return -1;
			/* a value MySQL cannot hold: a refused row */
			if ((rc = sink_value_refused(s, t, row, i, e)) == 1)
				m->rejected++;
			return rc == 1 ? 0 : -1;
		}
	}
	if (buf_adds(&m->rows, m->use_insert ? ")," : "\n", e) < 0)
		goto fail;
	if (m->use_insert && m->rows.len > m->max_stmt && m->nbuf) {
		/* too long for one statement: send the rows before this */
		size_t rl = m->rows.len - start;
		if (send_rows(m, start, m->nbuf, e) < 0)
			return -1;
		memmove(m->rows.data + m->head_len, m->rows.data + start, rl);
		m->rows.len = m->head_len + rl;
		m->first += m->nbuf;
		m->nbuf = 0;
		start = m->head_len;
	}
	if (s->opts.reject) {
		if (buf_add(&m->starts, &start, sizeof(start), e) < 0)
			goto fail;
		if (rowbuf_add(&m->keep, t, row, e) < 0) {
			m->starts.len -= sizeof(start);
			goto fail;
		}
	}
	m->nbuf++;
	m->nrows++;
	m->since_commit++;
	if ((m->rows.len >= m->flush_at ||
	     (s->opts.reject && m->nbuf >= MY_REJECT_BATCH)) &&
	    flush_rows(m, e) < 0)
		return -1;
	if (s->opts.commit_every && m->since_commit >= s->opts.commit_every)
		return commit_rows(m, 1, e);
	return 0;
fail:
	m->rows.len = start;
	return -1;
}

/* the one value of a one-column row, as text */
static int scalar_row(void *ctx, char **vals, size_t *lens, struct err *e)
{
	(void)e;
	if (vals[0] && lens[0] < 31)
		snprintf(ctx, 32, "%s", vals[0]);
	return 0;
}

/* an existing table's AUTO_INCREMENT moved on to the source's counter
 * (its next value, after rows it deleted), never back; after the commit,
 * as ALTER TABLE commits */
static int counter_forward(struct my_sink *m, struct err *e)
{
	const struct schema_table *t = m->t;
	const char *params[1] = { m->name };
	char cur[32] = "";
	long long next = 0;

	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].identity && t->cols[i].identity_next > next)
			next = (long long)t->cols[i].identity_next;
	if (m->created || next <= 1)
		return 0;
	if (myutil_select(m->conn,
			  "SELECT AUTO_INCREMENT FROM information_schema.TABLES "
			  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
			  params, 1, 1, scalar_row, cur, e) < 0)
		return err_prefix(e, "reading the table's AUTO_INCREMENT");
	if (!cur[0] || strtoll(cur, NULL, 10) >= next)
		return 0;
	buf_reset(&m->sql);
	if (buf_adds(&m->sql, "ALTER TABLE ", e) < 0 ||
	    myutil_quote_ident(&m->sql, m->name, e) < 0 ||
	    buf_addf(&m->sql, e, " AUTO_INCREMENT = %lld", next) < 0)
		return -1;
	return my_exec(m, (char *)m->sql.data,
		       "moving AUTO_INCREMENT to the source's counter", e);
}

static int my_end_table(struct sink *s, struct sink_table_stats *st,
			struct err *e)
{
	struct my_sink *m = MYS(s);
	/* the indexes wait for the table's last key range */
	int later = m->keys_later && schema_ranges_follow(m->t);

	/* in a group, AUTO_INCREMENT follows the ids InnoDB is given (and
	 * ALTER TABLE would commit) */
	if (commit_rows(m, 0, e) < 0 ||
	    (!s->group && counter_forward(m, e) < 0))
		return -1;
	/* the rows are committed, the job's checkpoint saying the indexes
	 * are owed: a stop from here on resumes into building them */
	if (m->keys_later && !later) {
		double t0 = progress_now();
		if (build_later(m, !m->created, e) < 0)
			return -1;
		st->keys_seconds = progress_now() - t0;
		if (s->opts.job) {
			if (my_exec(m, "START TRANSACTION", NULL, e) < 0)
				return -1;
			m->in_tx = 1;
			if (sink_checkpoint_commit(s, m->t, m->nrows, 1, 0, e) <
				0 ||
			    my_exec(m, "COMMIT", NULL, e) < 0)
				return -1;
			m->in_tx = 0;
		}
	}
	st->keys_pending = later;
	st->rows = m->nrows;
	st->rejected = m->rejected;
	st->commits = m->commits;
	st->created = m->created;
	st->deleted = m->deleted;
	end_state(m);
	return 0;
}

/*
 * The rows of a failed LOAD DATA never reach the server outside the
 * statement, so `why` has nowhere to go: the rollback is the message.
 * Errors are ignored; the connection may be gone.
 */
static void my_abort_table(struct sink *s, const char *why)
{
	struct my_sink *m = MYS(s);

	(void)why;
	if (m->in_tx)
		mysql_real_query(m->conn, "ROLLBACK", 8);
	m->in_tx = 0;
	if (m->temp)
		mysql_real_query(
		    m->conn, "DROP TEMPORARY TABLE IF EXISTS " MY_UPSERT_TMP,
		    strlen("DROP TEMPORARY TABLE IF EXISTS " MY_UPSERT_TMP));
	m->temp = 0;
	if (m->created && !m->commits && m->name) {
		struct err ignored;
		buf_reset(&m->sql);
		if (buf_adds(&m->sql, "DROP TABLE IF EXISTS ", &ignored) == 0 &&
		    myutil_quote_ident(&m->sql, m->name, &ignored) == 0)
			mysql_real_query(m->conn, (char *)m->sql.data,
					 m->sql.len);
	}
	m->created = 0;
	end_state(m);
}

static void my_close(struct sink *s)
{
	struct my_sink *m = MYS(s);

	if (m->conn)
		mysql_close(m->conn);
	end_state(m);
	buf_release(&m->head);
	buf_release(&m->geo);
	buf_release(&m->rows);
	buf_release(&m->sql);
	buf_release(&m->uq_sql);
	buf_release(&m->uq_names);
	rowbuf_release(&m->keep);
	buf_release(&m->starts);
	buf_release(&m->one);
	free(m);
}

static int my_checkpoint_read(struct sink *s, const char *table,
			      const char *part, struct checkpoint *c,
			      struct err *e)
{
	return checkpoint_my_read(MYS(s)->conn, s->opts.job, table, part, c,
				  e);
}

static int my_job_lock(struct sink *s, const char *part, struct err *e)
{
	return checkpoint_my_lock(MYS(s)->conn, s->opts.job, part, e);
}

static int my_checkpoint_write(struct sink *s, const char *table,
			       const struct checkpoint *c, struct err *e)
{
	return checkpoint_my_write(MYS(s)->conn, s->opts.job, table, c, e);
}

/* ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY (the session has
 * foreign_key_checks off: the rows are not checked), or the anti-join
 * that counts the rows breaking it (count) */
static int my_fkey_sql(const struct schema_table *t, const char *tn, size_t k,
		       const char *rn, int count, struct buf *q, struct err *e)
{
	const struct schema_fkey *f = &t->fkeys[k];

	if (count) {
		if (buf_adds(q, "SELECT COUNT(*) FROM ", e) < 0 ||
		    myutil_quote_ident(q, tn, e) < 0 ||
		    buf_adds(q, " c WHERE ", e) < 0)
			return -1;
		for (size_t c = 0; c < f->ncols; c++)
			if (buf_adds(q, "c.", e) < 0 ||
			    myutil_quote_ident(q, t->cols[f->cols[c]].name, e) <
				0 ||
			    buf_adds(q, " IS NOT NULL AND ", e) < 0)
				return -1;
		if (buf_adds(q, "NOT EXISTS (SELECT 1 FROM ", e) < 0 ||
		    myutil_quote_ident(q, rn, e) < 0 ||
		    buf_adds(q, " p WHERE ", e) < 0)
			return -1;
		for (size_t c = 0; c < f->ncols; c++)
			if ((c && buf_adds(q, " AND ", e) < 0) ||
			    buf_adds(q, "p.", e) < 0 ||
			    myutil_quote_ident(q, f->ref_cols[c], e) < 0 ||
			    buf_adds(q, " = c.", e) < 0 ||
			    myutil_quote_ident(q, t->cols[f->cols[c]].name, e) <
				0)
				return -1;
		return buf_addc(q, ')', e);
	}
	if (buf_adds(q, "ALTER TABLE ", e) < 0 ||
	    myutil_quote_ident(q, tn, e) < 0 ||
	    buf_adds(q, " ADD CONSTRAINT ", e) < 0 ||
	    myutil_quote_ident(q, f->name, e) < 0 ||
	    buf_adds(q, " FOREIGN KEY (", e) < 0)
		return -1;
	for (size_t c = 0; c < f->ncols; c++)
		if ((c && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, t->cols[f->cols[c]].name, e) < 0)
			return -1;
	if (buf_adds(q, ") REFERENCES ", e) < 0 ||
	    myutil_quote_ident(q, rn, e) < 0 || buf_adds(q, " (", e) < 0)
		return -1;
	for (size_t c = 0; c < f->ncols; c++)
		if ((c && buf_adds(q, ", ", e) < 0) ||
		    myutil_quote_ident(q, f->ref_cols[c], e) < 0)
			return -1;
	return buf_addf(q, e, ") ON DELETE %s ON UPDATE %s",
			schema_fk_action_sql(f->on_delete),
			schema_fk_action_sql(f->on_update));
}

static int my_foreign_keys(struct sink *s, const struct schema_table *t,
			   const char *name, char *const *refs,
			   struct create_notes *notes, struct err *e)
{
	struct my_sink *m = MYS(s);
	char *tn = myutil_table_name(name, e), *rn = NULL, fn[160], n[32];
	struct buf *q = &m->sql;
	int rc = 0;

	if (!tn)
		return -1;
	for (size_t k = 0; k < t->nfkeys && rc == 0; k++) {
		struct err why;
		err_init(&why);
		err_quote(fn, sizeof(fn), t->fkeys[k].name,
			  strlen(t->fkeys[k].name), 100);
		free(rn);
		buf_reset(q);
		if (!(rn = myutil_table_name(refs[k], e)) ||
		    my_fkey_sql(t, tn, k, rn, 0, q, e) < 0) {
			rc = -1;
			break;
		}
		if (my_exec(m, (char *)q->data, "adding a foreign key", &why) <
		    0) {
			if (mysql_ping(m->conn)) {
				*e = why;
				rc = -1;
			} else if (create_notes_add(notes, e,
						    "foreign key %s not made: "
						    "%s",
						    fn, why.msg) < 0) {
				rc = -1;
			}
			continue;
		}
		buf_reset(q);
		if (my_fkey_sql(t, tn, k, rn, 1, q, e) < 0 ||
		    my_scalar(m, (char *)q->data, n, sizeof(n), e) < 0) {
			rc = -1;
			break;
		}
		if (strcmp(n, "0") != 0 &&
		    create_notes_add(notes, e,
				     "foreign key %s: %s rows that were loaded "
				     "break it; MySQL keeps the key and checks "
				     "only rows written from now on",
				     fn, n) < 0)
			rc = -1;
	}
	free(rn);
	free(tn);
	return rc;
}

/* DELETE of every table of names the target has, foreign_key_checks off
 * for the session meanwhile, one transaction */
static int my_empty_tables(struct sink *s, char *const *names, size_t n,
			   struct err *e)
{
	struct my_sink *m = MYS(s);
	int rc = -1, in_tx = 0;

	if (my_exec(m, "SET SESSION foreign_key_checks = 0", NULL, e) < 0)
		return -1;
	if (my_exec(m, "START TRANSACTION", NULL, e) < 0)
		goto out;
	in_tx = 1;
	for (size_t i = 0; i < n; i++) {
		const char *params[1];
		char *tn = myutil_table_name(names[i], e);
		int exists = 0;
		if (!tn)
			goto out;
		params[0] = tn;
		if (myutil_select(m->conn,
				  "SELECT COUNT(*) FROM information_schema.TABLES "
				  "WHERE TABLE_SCHEMA = DATABASE() AND "
				  "TABLE_NAME = ?",
				  params, 1, 1, count_row, &exists, e) < 0) {
			free(tn);
			goto out;
		}
		buf_reset(&m->sql);
		if (exists &&
		    (buf_adds(&m->sql, "DELETE FROM ", e) < 0 ||
		     myutil_quote_ident(&m->sql, tn, e) < 0 ||
		     my_exec(m, (char *)m->sql.data,
			     "emptying the run's tables (--mode truncate)",
			     e) < 0)) {
			free(tn);
			goto out;
		}
		free(tn);
	}
	if (my_exec(m, "COMMIT", NULL, e) < 0)
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx) {
		struct err ignored;
		err_init(&ignored);
		my_exec(m, "ROLLBACK", NULL, &ignored);
	}
	{
		struct err ignored;
		err_init(&ignored);
		/* back to the load's own setting (see my_open) */
		if (my_exec(m, "SET SESSION foreign_key_checks = 0", NULL,
			    rc < 0 ? &ignored : e) < 0)
			rc = -1;
	}
	return rc;
}

static int my_group(struct sink *s, int what, struct err *e)
{
	struct my_sink *m = MYS(s);
	static const char *const sql[3] = { "START TRANSACTION", "COMMIT",
					    "ROLLBACK" };
	int rc;

	if (what == 2) {
		my_abort_table(s, "ferry-load gave up on these changes");
		return 0;
	}
	rc = my_exec(m, sql[what], NULL, e);
	m->in_tx = what == 0 && rc == 0;
	return rc;
}

/* --- views --------------------------------------------------------------- */

static int view_table(void *ctx, size_t i, enum sqlexpr_dialect d,
		      struct buf *out, struct err *e)
{
	const struct sink_view_tables *vt = ctx;
	char *tn = myutil_table_name(vt->names[i], e);
	int rc;

	(void)d;
	if (!tn)
		return -1;
	rc = myutil_quote_ident(out, tn, e);
	free(tn);
	return rc;
}

static int my_view(struct sink *s, const char *name, const char *query,
		   const struct sink_view_tables *vt,
		   enum sink_view_outcome *out, char *why, size_t whysz,
		   struct err *e)
{
	struct my_sink *m = MYS(s);
	struct sqlview_names nm = { view_table, (void *)vt, vt->cols,
				    vt->fold };
	char *tn = myutil_table_name(name, e);
	int found, rc;
	struct buf q;

	*out = SINK_VIEW_REFUSED;
	if (!tn)
		return -1;
	if ((found = myutil_table_exists(m->conn, tn, e)) < 0) {
		free(tn);
		return -1;
	}
	if (found) {
		free(tn);
		*out = SINK_VIEW_EXISTS;
		return 0;
	}
	buf_init(&q, (size_t)SQLEXPR_MAX_LEN * 4);
	rc = buf_adds(&q, "CREATE VIEW ", e) < 0 ||
		     myutil_quote_ident(&q, tn, e) < 0 ||
		     buf_adds(&q, " AS ", e) < 0
		 ? -1
		 : sqlview_translate(query, vt->tabs, vt->n, SQLEXPR_MYSQL,
				     &nm, 0, &q, why, whysz, e);
	free(tn);
	if (rc == 0 && buf_addc(&q, 0, e) < 0)
		rc = -1;
	if (rc == 0) {
		if (!mysql_real_query(m->conn, (const char *)q.data,
				      q.len - 1))
			*out = SINK_VIEW_MADE;
		else if (mysql_errno(m->conn) == CR_SERVER_GONE_ERROR ||
			 mysql_errno(m->conn) == CR_SERVER_LOST)
			rc = my_fail(m, e, "CREATE VIEW");
		else
			snprintf(why, whysz, "%s", mysql_error(m->conn));
	}
	buf_release(&q);
	return rc < 0 ? -1 : 0;
}

static const struct sink_ops my_ops = {
	.group = my_group,
	.empty_tables = my_empty_tables,
	.begin_table = my_begin_table,
	.write_row = my_write_row,
	.end_table = my_end_table,
	.abort_table = my_abort_table,
	.foreign_keys = my_foreign_keys,
	.close = my_close,
	.checkpoint_read = my_checkpoint_read,
	.job_lock = my_job_lock,
	.checkpoint_write = my_checkpoint_write,
	.view = my_view,
};

struct sink *sink_mysql_open(const struct uri *u, const struct sink_opts *o,
			     struct err *e)
{
	struct my_sink *m = calloc(1, sizeof(*m));
	const char *env;
	unsigned local_infile = 1;
#ifdef MARIADB_PACKAGE_VERSION_ID
	my_bool reconnect = 0;
#endif
	char v[64];
	int rc;

	if (!m) {
		err_oom(e);
		return NULL;
	}
	m->base.ops = &my_ops;
	m->base.opts = *o;
	buf_init(&m->head, 1u << 24);
	buf_init(&m->geo, (size_t)STREAM_MAX_FIELD);
	buf_init(&m->rows, MY_BUF_MAX);
	buf_init(&m->sql, 1u << 24);
	buf_init(&m->uq_sql, 1u << 20);
	buf_init(&m->uq_names, 1u << 16);
	rowbuf_init(&m->keep, 1u << 30);
	buf_init(&m->starts, 1u << 24);
	buf_init(&m->one, MY_BUF_MAX);
	if (!(m->conn = mysql_init(NULL))) {
		err_oom(e);
		goto fail;
	}
	mysql_options(m->conn, MYSQL_OPT_LOCAL_INFILE, &local_infile);
	if (myutil_connect(m->conn, u, o->defaults_file, o->connect_timeout,
			   o->read_timeout, CLIENT_LOCAL_FILES, e) < 0)
		goto fail;
#ifdef MARIADB_PACKAGE_VERSION_ID
	/* a silent reconnect would lose the open transaction; set after
	 * connecting, so that an option file cannot turn it back on (MySQL's
	 * own library defaults to off and complains when asked) */
	mysql_options(m->conn, MYSQL_OPT_RECONNECT, &reconnect);
#endif
	m->mariadb = strstr(mysql_get_server_info(m->conn), "MariaDB") != NULL;
	m->version = mysql_get_server_version(m->conn);
	mysql_set_local_infile_handler(m->conn, infile_init, infile_read,
				       infile_end, infile_error, m);
	/* UTC: DATETIME holds timestamptz as UTC and TIMESTAMP columns read
	 * it right; strict: a value that does not fit is an error, never a
	 * change; no foreign key checks: tables come in any order; long
	 * timeouts: a slow upstream must not make the server give up */
	if (my_exec(m, "SET NAMES utf8mb4", NULL, e) < 0 ||
	    my_exec(m, "SET SESSION time_zone = '+00:00'", NULL, e) < 0 ||
	    my_exec(m,
		    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
		    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
		    "NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'",
		    NULL, e) < 0 ||
	    /* the tables come in any order; a delete acts as the
	     * application's own would: RESTRICT refuses it, CASCADE and
	     * SET NULL follow */
	    my_exec(m,
		    o->mode == SINK_DELETE
			? "SET SESSION foreign_key_checks = 1"
			: "SET SESSION foreign_key_checks = 0",
		    NULL, e) < 0 ||
	    my_exec(m, "SET SESSION net_write_timeout = 86400", NULL, e) < 0 ||
	    my_exec(m, "SET SESSION net_read_timeout = 86400", NULL, e) < 0 ||
	    my_exec(m, "SET SESSION wait_timeout = 86400", NULL, e) < 0)
		goto fail;
	if ((rc = my_scalar(m, "SELECT DATABASE()", v, sizeof(v), e)) < 0)
		goto fail;
	if (!rc || !v[0]) {
		err_set(e, ERR_USAGE, "the URI names no database");
		goto fail;
	}
	if (o->job && !o->job_worker &&
	    (checkpoint_my_ensure(m->conn, e) < 0 ||
	     (!o->job_lock_later &&
	      checkpoint_my_lock(m->conn, o->job, "", e) < 0)))
		goto fail;
	if ((rc = my_scalar(m, "SELECT @@GLOBAL.local_infile", v, sizeof(v),
			    e)) < 0)
		goto fail;
	env = getenv("FERRY_MYSQL_NO_LOCAL_INFILE");
	/* rejects: LOAD DATA LOCAL would take a refused row with a warning */
	m->use_insert = strcmp(v, "1") != 0 ||
			(env && *env && strcmp(env, "0")) || o->reject;
	m->insert_base = m->use_insert;
	if (strcmp(v, "1") != 0)
		m->base.notice =
		    "the server refuses LOAD DATA LOCAL INFILE "
		    "(local_infile is off): loading with multi-row "
		    "INSERTs instead";
	m->flush_at = MY_FLUSH_AT;
	if ((rc = my_scalar(m, "SELECT @@SESSION.max_allowed_packet", v,
			    sizeof(v), e)) < 0)
		goto fail;
	m->max_stmt = strtoul(v, NULL, 10);
	m->max_stmt = m->max_stmt > 4096 ? m->max_stmt - 1024 : 1u << 20;
	if (m->use_insert && m->flush_at > m->max_stmt / 2)
		m->flush_at = m->max_stmt / 2;
	return &m->base;
fail:
	my_close(&m->base);
	return NULL;
}
