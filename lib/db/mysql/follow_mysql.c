/*
 * follow_mysql - a MariaDB source's committed changes: its binary log
 * (log_bin, binlog_format ROW, binlog_row_image FULL), read as a replica
 * reads it (Connector/C's mariadb_rpl_open/fetch), each row image decoded
 * by binlog.h into the text a SELECT gives, and that text by mytext.h into
 * the value the snapshot reads (follow.h).
 *
 * Positions are a binary log file and a byte in it, FILE:POS; their order
 * is the file's number (the digits after its last '.') times 2^32 plus the
 * byte, so that it grows across files.  The snapshot's position is the one
 * its transaction began at (Binlog_snapshot_file/position); every commit's
 * is the byte after it.
 *
 * Schema changes are detected, never parsed: each statement the log
 * carries that is not a transaction's BEGIN or COMMIT (DDL: ALTER,
 * RENAME, DROP, TRUNCATE, CREATE ...) makes the followed tables be read
 * again from the catalog; a table gone, a column changed or an InnoDB
 * table id that moved (TRUNCATE rebuilds the table) is ERR_RESNAPSHOT.
 * Each TABLE_MAP of a followed table is checked against the catalog as
 * well (column count and types), which catches a change made while no
 * follow ran.
 *
 * A second connection does the SQL (catalog, SHOW MASTER STATUS): the
 * replication one carries nothing else once the dump has begun.
 */
#include "db/follow_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <mysql.h>
/* after mysql.h, whose types it uses */
#include <mariadb_rpl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/progress.h"
#include "db/mysql/binlog.h"
#include "db/mysql/mytext.h"
#include "db/mysql/myutil.h"

/* a followed table as the catalog had it when following began */
struct fm_table {
	const struct schema_table *t;
	size_t n;	    /* its columns in the catalog (and the log) */
	size_t *map;	    /* column i of the log -> column of t, or SIZE_MAX */
	char **coltypes;    /* COLUMN_TYPE of each, for the DDL check */
	char **datatypes;   /* DATA_TYPE of each */
	int64_t *octets;    /* CHARACTER_OCTET_LENGTH, -1 */
	int64_t *prec;	    /* NUMERIC_PRECISION, -1 */
	int64_t *scale;	    /* NUMERIC_SCALE, -1 */
	char *innodb_id;    /* the InnoDB table id, or NULL (unreadable) */
	unsigned char *uns; /* [n]: UNSIGNED */
	char *const **labels;	/* [n]: an ENUM's or SET's members */
	size_t *nlabels;	/* [n] */
	enum mytext_dec *dec; /* [t->ncols] */
	struct binlog_table_map *tm; /* its latest TABLE_MAP */
	uint64_t table_id;
	int mapped; /* tm is this transaction's */
};

/* one image of a row, queued: where its cells are */
struct qrow {
	size_t table;	      /* index of tabs[] */
	int op;		      /* STREAM_CHANGE_* */
	size_t before, after; /* first cell of each image, or SIZE_MAX */
};

struct qcell {
	size_t off, len;
	int null;
};

struct ffm {
	struct follow base;
	MYSQL *sql, *rconn;
	MARIADB_RPL *rpl;
	MARIADB_RPL_EVENT *ev;
	const struct source_opts *opts;
	char db[256];
	uint32_t dump_id; /* the server id the dump asks under */
	struct fm_table *tabs;
	size_t ntabs;
	struct binlog_table_map *scratch_map;
	/* where the log is: its file, and the byte after the last event */
	char file[512];
	uint64_t file_no;
	uint64_t pos;
	int checksum; /* each event ends in a CRC32 */
	int in_txn, txn_changes;
	int64_t txn_time;
	int boundary_new; /* a transaction boundary not yet told */
	double last_told;
	/* the rows of the rows event being handed out */
	struct qrow *q;
	size_t nq, capq, iq;
	struct qcell *cells;
	size_t ncells, capcells;
	struct buf qtext;
	int pending_commit;
	struct stream_position commit_pos;
	int64_t commit_time;
	struct follow_bufs b;
	struct buf scratch;
	uint64_t rows_seen;
};

#define FM(b) ((struct ffm *)(b))

static int my_fail(MYSQL *c, const char *what, struct err *e)
{
	return err_set(e, ERR_DB, "%s: %s", what, mysql_error(c));
}

/* the number of a binary log file: the digits after its last '.' */
static int file_number(const char *file, uint64_t *no)
{
	const char *dot = strrchr(file, '.');
	char *end;

	/* its name goes into positions of STREAM_MAX_POSITION bytes */
	if (strlen(file) > 200 || !dot || !dot[1] || dot[1] < '0' ||
	    dot[1] > '9')
		return -1;
	errno = 0;
	*no = strtoull(dot + 1, &end, 10);
	if (*end || errno || *no > UINT32_MAX)
		return -1;
	return 0;
}

static void make_pos(const char *file, uint64_t no, uint64_t pos,
		     struct stream_position *out)
{
	out->order = no << 32 | (pos & UINT32_MAX);
	snprintf(out->text, sizeof(out->text), "%.200s:%" PRIu64, file, pos);
}

/* FILE:POS into its parts: 0, or -1 */
static int parse_pos(const char *text, char *file, size_t filesz,
		     uint64_t *no, uint64_t *pos)
{
	const char *colon = strrchr(text, ':');
	char *end;
	size_t fl;

	if (!colon || colon == text || !colon[1] || colon[1] < '0' ||
	    colon[1] > '9')
		return -1;
	fl = (size_t)(colon - text);
	if (fl >= filesz || memchr(text, '/', fl))
		return -1;
	memcpy(file, text, fl);
	file[fl] = 0;
	errno = 0;
	*pos = strtoull(colon + 1, &end, 10);
	if (*end || errno || *pos > UINT32_MAX || *pos < 4)
		return -1;
	return file_number(file, no);
}

/* --- opening and closing ------------------------------------------------ */

static MYSQL *connect_to(const struct uri *u, const struct source_opts *o,
			 unsigned read_timeout, struct err *e)
{
	MYSQL *c = mysql_init(NULL);

	if (!c) {
		err_oom(e);
		return NULL;
	}
	if (myutil_connect(c, u, o->defaults_file, o->connect_timeout,
			   read_timeout, 0, e) < 0) {
		mysql_close(c);
		return NULL;
	}
	return c;
}

/* what read_table (or a catalog re-read) allocated for ft */
static void fm_table_release(struct fm_table *ft)
{
	for (size_t k = 0; k < ft->n; k++) {
		free(ft->coltypes[k]);
		free(ft->datatypes[k]);
	}
	free(ft->coltypes);
	free(ft->datatypes);
	free(ft->octets);
	free(ft->prec);
	free(ft->scale);
	free(ft->map);
	free(ft->uns);
	free((void *)ft->labels);
	free(ft->nlabels);
	free(ft->dec);
	free(ft->innodb_id);
	free(ft->tm);
}

static void tabs_free(struct ffm *f)
{
	for (size_t i = 0; i < f->ntabs; i++)
		fm_table_release(&f->tabs[i]);
	free(f->tabs);
	f->tabs = NULL;
	f->ntabs = 0;
}

static void fm_close(struct follow *b)
{
	struct ffm *f = FM(b);

	if (f->ev)
		mariadb_free_rpl_event(f->ev);
	if (f->rpl)
		mariadb_rpl_close(f->rpl);
	if (f->rconn)
		mysql_close(f->rconn);
	if (f->sql)
		mysql_close(f->sql);
	tabs_free(f);
	free(f->scratch_map);
	free(f->q);
	free(f->cells);
	buf_release(&f->qtext);
	buf_release(&f->scratch);
	follow_bufs_free(&f->b);
	free(f);
}

/* --- the catalog -------------------------------------------------------- */

static const char *own_name(const struct schema_table *t)
{
	return t->table ? t->table : t->name;
}

struct col_rows {
	struct fm_table *ft;
	size_t cap;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int64_t num_or(const char *s, int64_t dflt)
{
	return s ? strtoll(s, NULL, 10) : dflt;
}

static int text_charset_ok(const char *cs)
{
	return !cs || strcmp(cs, "utf8mb4") == 0 ||
	       strcmp(cs, "utf8mb3") == 0 || strcmp(cs, "utf8") == 0 ||
	       strcmp(cs, "ascii") == 0 || strcmp(cs, "binary") == 0;
}

/* one column of a followed table, in ORDINAL_POSITION order */
static int add_col(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct col_rows *cr = ctx;
	struct fm_table *ft = cr->ft;
	const struct schema_table *t = ft->t;
	size_t i = ft->n;
	int c;

	(void)lens;
	if (i == cr->cap) {
		size_t cap = cr->cap ? cr->cap * 2 : 16;
		void *p[11];
		p[0] = realloc(ft->map, cap * sizeof(*ft->map));
		if (p[0])
			ft->map = p[0];
		p[1] = realloc(ft->coltypes, cap * sizeof(char *));
		if (p[1])
			ft->coltypes = p[1];
		p[2] = realloc(ft->datatypes, cap * sizeof(char *));
		if (p[2])
			ft->datatypes = p[2];
		p[3] = realloc(ft->octets, cap * sizeof(int64_t));
		if (p[3])
			ft->octets = p[3];
		p[4] = realloc(ft->prec, cap * sizeof(int64_t));
		if (p[4])
			ft->prec = p[4];
		p[5] = realloc(ft->scale, cap * sizeof(int64_t));
		if (p[5])
			ft->scale = p[5];
		p[6] = realloc(ft->uns, cap);
		if (p[6])
			ft->uns = p[6];
		p[7] = realloc((void *)ft->labels, cap * sizeof(*ft->labels));
		if (p[7])
			ft->labels = p[7];
		p[8] = realloc(ft->nlabels, cap * sizeof(size_t));
		if (p[8])
			ft->nlabels = p[8];
		for (int k = 0; k < 9; k++)
			if (!p[k])
				return err_oom(e);
		cr->cap = cap;
	}
	if (i >= BINLOG_MAX_COLS)
		return err_set(e, ERR_USAGE, "table %s has over %d columns",
			       t->name, BINLOG_MAX_COLS);
	/* name, COLUMN_TYPE, DATA_TYPE, CHARACTER_SET_NAME, octets,
	 * precision, scale */
	ft->coltypes[i] = dup_or_empty(v[1]);
	ft->datatypes[i] = dup_or_empty(v[2]);
	ft->n++;
	if (!ft->coltypes[i] || !ft->datatypes[i])
		return err_oom(e);
	ft->octets[i] = num_or(v[4], -1);
	ft->prec[i] = num_or(v[5], -1);
	ft->scale[i] = num_or(v[6], -1);
	ft->uns[i] = v[1] && strstr(v[1], "unsigned") != NULL;
	ft->labels[i] = NULL;
	ft->nlabels[i] = 0;
	c = v[0] ? schema_column_index(t, v[0]) : -1;
	ft->map[i] = c < 0 ? SIZE_MAX : (size_t)c;
	if (c >= 0) {
		const struct schema_column *col = &t->cols[c];
		if (col->nlabels) {
			ft->labels[i] = col->labels;
			ft->nlabels[i] = col->nlabels;
		} else if (col->nset) {
			ft->labels[i] = col->set;
			ft->nlabels[i] = col->nset;
		}
		if (!col->generated && col->cast != SCHEMA_CAST_BYTES &&
		    !text_charset_ok(v[3]))
			return err_set(e, ERR_USAGE,
				       "table %s, column %s is %s text: the "
				       "binary log keeps it in that character "
				       "set, which --follow does not convert "
				       "(utf8mb4, utf8mb3 and ascii are "
				       "followed); convert the column, or move "
				       "the table without --follow",
				       t->name, v[0], v[3]);
	}
	return 0;
}

static int keep_id(void *ctx, char **v, size_t *lens, struct err *e)
{
	char **id = ctx;

	(void)lens;
	free(*id);
	if (!(*id = strdup(v[0] ? v[0] : "")))
		return err_oom(e);
	return 0;
}

/* the InnoDB id of db.table, or NULL when the catalog does not say
 * (another engine, or no PROCESS privilege) */
static char *innodb_id(MYSQL *c, const char *db, const char *table)
{
	char name[1024], *id = NULL;
	const char *p[1] = { name };
	struct err e2;

	err_init(&e2);
	snprintf(name, sizeof(name), "%s/%s", db, table);
	if (myutil_select(c,
			  "SELECT TABLE_ID FROM information_schema."
			  "INNODB_SYS_TABLES WHERE NAME = ?",
			  p, 1, 1, keep_id, &id, &e2) < 0) {
		free(id);
		return NULL;
	}
	return id;
}

static const char cols_sql[] =
    "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, CHARACTER_SET_NAME, "
    "CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE FROM "
    "information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
    "ORDER BY ORDINAL_POSITION";

/* a followed table's columns in the catalog, each matched to t's */
static int read_table(struct ffm *f, struct fm_table *ft, struct err *e)
{
	const struct schema_table *t = ft->t;
	const char *p[2] = { f->db, own_name(t) };
	struct col_rows cr = { ft, 0 };

	if (myutil_select(f->sql, cols_sql, p, 2, 7, add_col, &cr, e) < 0)
		return -1;
	if (!ft->n)
		return err_set(e, ERR_RESNAPSHOT, "table %s is gone", t->name);
	if (!t->npk)
		return err_set(e, ERR_USAGE,
			       "table %s has no primary key: its updates and "
			       "deletes cannot be followed",
			       t->name);
	for (size_t c = 0; c < t->ncols; c++) {
		size_t i = 0;
		while (i < ft->n && ft->map[i] != c)
			i++;
		if (i == ft->n)
			return err_set(e, ERR_RESNAPSHOT,
				       "table %s no longer has column %s: take "
				       "a new snapshot (--resnapshot)",
				       t->name, t->cols[c].name);
	}
	if (!(ft->dec = calloc(t->ncols + 1, sizeof(*ft->dec))) ||
	    !(ft->tm = malloc(sizeof(*ft->tm))))
		return err_oom(e);
	for (size_t c = 0; c < t->ncols; c++)
		ft->dec[c] = mytext_decoder_for(&t->cols[c]);
	ft->innodb_id = innodb_id(f->sql, f->db, own_name(t));
	return 0;
}

static int read_tables(struct ffm *f, struct schema_table *const *tables,
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
	return follow_bufs_make(&f->b, tables, n, e);
}

static int ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/* whether stmt names `name` as a whole identifier (in any case, quoted
 * or not): a test that errs on the side of a name that is not it */
static int names(const char *stmt, size_t len, const char *name)
{
	size_t nl = strlen(name);

	if (!nl || nl > len)
		return 0;
	for (size_t i = 0; i + nl <= len; i++) {
		size_t k = 0;
		while (k < nl) {
			char a = stmt[i + k], b = name[k];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			k++;
		}
		if (k == nl && (i == 0 || !ident_char((unsigned char)stmt[i - 1])) &&
		    (i + nl == len ||
		     !ident_char((unsigned char)stmt[i + nl])))
			return 1;
	}
	return 0;
}

/* the start of a statement, for a message (static) */
static const char *stmt_start(const char *stmt, size_t len)
{
	static char what[64];

	snprintf(what, sizeof(what), "%.*s", (int)(len > 60 ? 60 : len), stmt);
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < ' ' || *p == '"')
			*p = ' ';
	return what;
}

/* after a statement that may have changed tables: is each followed
 * table still the one the snapshot read? */
static int check_tables(struct ffm *f, const char *stmt, size_t stmt_len,
			struct err *e)
{
	for (size_t i = 0; i < f->ntabs; i++) {
		struct fm_table now;
		const struct fm_table *was = &f->tabs[i];
		struct err e2;
		int changed = 0;

		memset(&now, 0, sizeof(now));
		now.t = was->t;
		err_init(&e2);
		{
			const char *p[2] = { f->db, own_name(was->t) };
			struct col_rows cr = { &now, 0 };
			if (myutil_select(f->sql, cols_sql, p, 2, 7, add_col,
					  &cr, &e2) < 0 &&
			    e2.class == ERR_DB) {
				*e = e2;
				changed = -1;
			}
		}
		if (!changed && now.n != was->n)
			changed = 1;
		for (size_t k = 0; !changed && k < now.n; k++)
			changed = now.map[k] != was->map[k] ||
				  strcmp(now.coltypes[k], was->coltypes[k]);
		if (!changed && was->innodb_id) {
			char *id = innodb_id(f->sql, f->db, own_name(was->t));
			changed = !id || strcmp(id, was->innodb_id) != 0;
			free(id);
		}
		fm_table_release(&now);
		if (changed < 0)
			return -1;
		if (changed)
			return err_set(e, ERR_RESNAPSHOT,
				       "table %s changed on the source (the "
				       "binary log's \"%s\"): take a new "
				       "snapshot (--resnapshot)",
				       was->t->name, stmt_start(stmt, stmt_len));
	}
	return 0;
}

/* the type class a DATA_TYPE's column has in the log, or 0 for one
 * not checked by its code */
static unsigned expect_type(const char *dt)
{
	static const struct {
		const char *dt;
		unsigned type;
	} k[] = {
		{ "tinyint", BINLOG_T_TINY },	     { "smallint", BINLOG_T_SHORT },
		{ "mediumint", BINLOG_T_INT24 },    { "int", BINLOG_T_LONG },
		{ "bigint", BINLOG_T_LONGLONG },    { "float", BINLOG_T_FLOAT },
		{ "double", BINLOG_T_DOUBLE },	     { "decimal", BINLOG_T_NEWDECIMAL },
		{ "varchar", BINLOG_T_VARCHAR },    { "varbinary", BINLOG_T_VARCHAR },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(dt, k[i].dt) == 0)
			return k[i].type;
	return 0;
}

/* a TABLE_MAP of a followed table: the columns the catalog had */
static int check_map(const struct fm_table *ft,
		     const struct binlog_table_map *m, struct err *e)
{
	if (m->ncols != ft->n)
		goto changed;
	for (size_t i = 0; i < ft->n; i++) {
		const struct binlog_col *c = &m->cols[i];
		unsigned want = expect_type(ft->datatypes[i]);
		if (want && c->type != want)
			goto changed;
		if (want == BINLOG_T_VARCHAR && ft->octets[i] >= 0 &&
		    (int64_t)c->meta != ft->octets[i])
			goto changed;
		if (want == BINLOG_T_NEWDECIMAL &&
		    ((int64_t)c->meta != ft->prec[i] ||
		     (int64_t)c->meta2 != ft->scale[i]))
			goto changed;
	}
	return 0;
changed:
	return err_set(e, ERR_RESNAPSHOT,
		       "table %s: the binary log has its rows with other "
		       "columns than the catalog (an ALTER TABLE): take a "
		       "new snapshot (--resnapshot)",
		       ft->t->name);
}

/* --- the follow operations -------------------------------------------- */

static int fm_create(struct follow *b, struct schema_table *const *tables,
		     size_t n, struct source *src,
		     struct stream_position *start, struct err *e)
{
	struct ffm *f = FM(b);
	char file[512];
	uint64_t pos, no;

	if (read_tables(f, tables, n, e) < 0 ||
	    source_log_position(src, file, sizeof(file), &pos, e) < 0)
		return -1;
	if (file_number(file, &no) < 0 || pos > UINT32_MAX)
		return err_set(e, ERR_DB,
			       "the snapshot's binary log position %.200s:%" PRIu64
			       " is not one ferry can order",
			       file, pos);
	make_pos(file, no, pos, start);
	return 0;
}

static int fm_resume(struct follow *b, struct schema_table *const *tables,
		     size_t n, struct err *e)
{
	return read_tables(FM(b), tables, n, e);
}

struct log_list {
	const char *want;
	int found;
};

static int find_log(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct log_list *l = ctx;

	(void)lens;
	(void)e;
	if (v[0] && strcmp(v[0], l->want) == 0)
		l->found = 1;
	return 0;
}

struct settings {
	char v[8][256];
	int got;
};

static int keep_settings(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct settings *s = ctx;

	(void)lens;
	(void)e;
	for (int i = 0; i < 8; i++)
		snprintf(s->v[i], sizeof(s->v[i]), "%s", v[i] ? v[i] : "");
	s->got = 1;
	return 0;
}

struct master_pos {
	char file[512];
	uint64_t pos;
	int got;
};

static int keep_master(void *ctx, char **v, size_t *lens, struct err *e)
{
	struct master_pos *m = ctx;

	(void)lens;
	(void)e;
	if (v[0] && v[1] && strlen(v[0]) < sizeof(m->file)) {
		snprintf(m->file, sizeof(m->file), "%s", v[0]);
		m->pos = strtoull(v[1], NULL, 10);
		m->got = 1;
	}
	return 0;
}

static int fm_start(struct follow *b, const struct stream_position *from,
		    struct err *e)
{
	struct ffm *f = FM(b);
	struct log_list ll;
	unsigned long start;

	if (parse_pos(from->text, f->file, sizeof(f->file), &f->file_no,
		      &f->pos) < 0)
		return err_set(e, ERR_USAGE,
			       "'%.200s' is no binary log position (FILE:POS)",
			       from->text);
	ll.want = f->file;
	ll.found = 0;
	if (myutil_select(f->sql, "SHOW BINARY LOGS", NULL, 0, 2, find_log, &ll,
			  e) < 0)
		return err_prefix(e, "--follow needs the BINLOG MONITOR "
				     "privilege (REPLICATION CLIENT)");
	if (!ll.found)
		return err_set(e, ERR_POSITION_LOST,
			       "the source no longer has binary log %s (purged, "
			       "binlog_expire_logs_seconds): the changes since "
			       "the checkpoint at %s cannot be read; start again "
			       "with a new snapshot (--resnapshot)",
			       f->file, from->text);
	{
		struct settings s;
		memset(&s, 0, sizeof(s));
		if (myutil_select(f->sql,
				  "SELECT @@log_bin, @@global.binlog_format, "
				  "@@global.binlog_row_image, "
				  "@@global.binlog_checksum, 0, 0, 0, 0",
				  NULL, 0, 8, keep_settings, &s, e) < 0)
			return -1;
		if (strcmp(s.v[0], "1") != 0)
			return err_set(e, ERR_USAGE,
				       "the source's binary log is off: start "
				       "it with log_bin, binlog_format = ROW "
				       "and a server_id");
		if (strcmp(s.v[1], "ROW") != 0)
			return err_set(e, ERR_USAGE,
				       "the source's binlog_format is %s: set "
				       "binlog_format = ROW",
				       s.v[1]);
		if (strcmp(s.v[2], "FULL") != 0)
			return err_set(e, ERR_USAGE,
				       "the source's binlog_row_image is %s: "
				       "set binlog_row_image = FULL",
				       s.v[2]);
		/* the dump sends checksums as the log has them (every
		 * event, the made-up ROTATE first included) */
		f->checksum = strcmp(s.v[3], "NONE") != 0;
	}
	/* and a heartbeat each second while there is nothing to send */
	if (mysql_query(f->rconn, "SET @master_binlog_checksum = "
				  "@@global.binlog_checksum") ||
	    mysql_query(f->rconn, "SET @master_heartbeat_period = 1000000000") ||
	    mysql_query(f->rconn, "SET @mariadb_slave_capability = 4"))
		return my_fail(f->rconn, "setting up the binary log dump", e);
	if (!(f->rpl = mariadb_rpl_init(f->rconn)))
		return err_set(e, ERR_DB, "cannot start reading the binary log");
	start = (unsigned long)f->pos;
	if (mariadb_rpl_optionsv(f->rpl, MARIADB_RPL_FILENAME, f->file,
				 strlen(f->file)) ||
	    mariadb_rpl_optionsv(f->rpl, MARIADB_RPL_START, start) ||
	    mariadb_rpl_optionsv(f->rpl, MARIADB_RPL_SERVER_ID,
				 (uint32_t)f->dump_id) ||
	    mariadb_rpl_optionsv(f->rpl, MARIADB_RPL_FLAGS, 0) ||
	    mariadb_rpl_optionsv(f->rpl, MARIADB_RPL_VERIFY_CHECKSUM, 1))
		return err_set(e, ERR_DB,
			       "cannot set up reading the binary log");
	if (mariadb_rpl_open(f->rpl))
		return my_fail(f->rconn, "reading the binary log", e);
	f->last_told = progress_now();
	return 0;
}

static int fm_confirm(struct follow *b, uint64_t order, struct err *e)
{
	/* the server keeps its binary logs by its own rule
	 * (binlog_expire_logs_seconds), not by a replica's word */
	(void)b;
	(void)order;
	(void)e;
	return 0;
}

static int fm_now(struct follow *b, struct stream_position *pos, struct err *e)
{
	struct ffm *f = FM(b);
	struct master_pos m;
	uint64_t no;

	memset(&m, 0, sizeof(m));
	if (myutil_select(f->sql, "SHOW MASTER STATUS", NULL, 0, 4,
			  keep_master, &m, e) < 0)
		return -1;
	if (!m.got || file_number(m.file, &no) < 0)
		return err_set(e, ERR_DB,
			       "the source says no binary log position (SHOW "
			       "MASTER STATUS)");
	make_pos(m.file, no, m.pos, pos);
	return 0;
}

static int fm_position(struct follow *b, const char *text,
		       struct stream_position *pos, struct err *e)
{
	char file[512];
	uint64_t no, p;

	(void)b;
	if (strlen(text) > 400 ||
	    parse_pos(text, file, sizeof(file), &no, &p) < 0)
		return err_set(e, ERR_USAGE,
			       "--until: '%.60s' is not now or a position of "
			       "this source (a binary log file and byte, such "
			       "as mariadb-bin.000012:4711)",
			       text);
	make_pos(file, no, p, pos);
	return 0;
}

static int fm_drop(struct follow *b, struct err *e)
{
	/* nothing of a job is kept on a MariaDB source */
	(void)b;
	(void)e;
	return 0;
}

/* --- the rows of an event ------------------------------------------------ */

/* a MariaDB UUID (uuid) or INET6 of 16 bytes, of which the log kept
 * len, as a SELECT writes it: the length of the text in out */
static size_t bytes16_text(int uuid, const char *p, size_t len, char out[64])
{
	unsigned char b[16] = { 0 };
	size_t o = 0;

	memcpy(b, p, len);
	if (uuid) {
		for (int i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				out[o++] = '-';
			o += (size_t)snprintf(out + o, 64 - o, "%02x", b[i]);
		}
		return o;
	}
	if (!inet_ntop(AF_INET6, b, out, 64))
		return (size_t)snprintf(out, 64, "?");
	return strlen(out);
}

static int queue_image(struct ffm *f, const struct fm_table *ft,
		       const struct binlog_image *im, size_t *first,
		       struct err *e)
{
	size_t ncols = ft->n;

	if (!im) {
		*first = SIZE_MAX;
		return 0;
	}
	if (f->ncells + ncols > f->capcells) {
		size_t cap = f->capcells ? f->capcells : 64;
		struct qcell *p;
		while (cap < f->ncells + ncols)
			cap *= 2;
		if (!(p = realloc(f->cells, cap * sizeof(*p))))
			return err_oom(e);
		f->cells = p;
		f->capcells = cap;
	}
	*first = f->ncells;
	for (size_t i = 0; i < ncols; i++) {
		struct qcell *c = &f->cells[f->ncells++];
		c->null = !im->text[i];
		c->off = f->qtext.len;
		c->len = im->text[i] ? im->len[i] : 0;
		if (im->absent[i])
			return err_set(e, ERR_USAGE,
				       "the binary log leaves columns out of "
				       "its row images: set binlog_row_image "
				       "= FULL on the source");
		if (!c->null && (strcmp(ft->datatypes[i], "uuid") == 0 ||
				 strcmp(ft->datatypes[i], "inet6") == 0)) {
			/* 16 bytes (less their trailing zeros) in the log,
			 * their text in a SELECT */
			char text[64];
			if (c->len > 16)
				return err_set(e, ERR_STREAM,
					       "table %s: a %s of %zu bytes in "
					       "the binary log",
					       ft->t->name, ft->datatypes[i],
					       c->len);
			c->len = bytes16_text(ft->datatypes[i][0] == 'u',
					      im->text[i], c->len, text);
			if (buf_add(&f->qtext, text, c->len, e) < 0)
				return -1;
			continue;
		}
		if (c->len && buf_add(&f->qtext, im->text[i], c->len, e) < 0)
			return -1;
		/* the log keeps a BINARY(n) without its trailing zero bytes,
		 * which a SELECT gives */
		if (!c->null && strcmp(ft->datatypes[i], "binary") == 0)
			while ((int64_t)c->len < ft->octets[i]) {
				if (buf_addc(&f->qtext, 0, e) < 0)
					return -1;
				c->len++;
			}
	}
	return 0;
}

struct rows_ctx {
	struct ffm *f;
	size_t table;
	int op;
};

static int queue_row(void *ctx, const struct binlog_image *before,
		     const struct binlog_image *after, struct err *e)
{
	struct rows_ctx *rc = ctx;
	struct ffm *f = rc->f;
	const struct fm_table *ft = &f->tabs[rc->table];
	struct qrow *r;

	if (f->nq == f->capq) {
		size_t cap = f->capq ? f->capq * 2 : 16;
		struct qrow *p = realloc(f->q, cap * sizeof(*p));
		if (!p)
			return err_oom(e);
		f->q = p;
		f->capq = cap;
	}
	r = &f->q[f->nq];
	r->table = rc->table;
	r->op = rc->op;
	if (queue_image(f, ft, before, &r->before, e) < 0 ||
	    queue_image(f, ft, after, &r->after, e) < 0)
		return -1;
	f->nq++;
	return 0;
}

/* the cells of an image into values of t's columns */
static int image_values(struct ffm *f, const struct fm_table *ft, size_t first,
			struct value *row, struct err *e)
{
	const struct schema_table *t = ft->t;

	for (size_t c = 0; c < t->ncols; c++)
		row[c].null = true;
	for (size_t i = 0; i < ft->n; i++) {
		const struct qcell *cell = &f->cells[first + i];
		size_t c = ft->map[i];
		const struct schema_column *col;
		int rc;
		if (c == SIZE_MAX || cell->null)
			continue;
		col = &t->cols[c];
		/* a generated column's value is the target's to compute */
		if (col->generated)
			continue;
		rc = mytext_decode(ft->dec[c],
				   (const char *)f->qtext.data + cell->off,
				   cell->len, &f->scratch, &row[c], e);
		if (rc == MYTEXT_ZERO_DATE) {
			if (f->opts->zero_dates == SOURCE_ZERO_DATES_ERROR ||
			    !col->nullable)
				return err_set(e, ERR_STREAM,
					       "table %s, column %s: zero date "
					       "'%.*s'",
					       t->name, col->name,
					       (int)(cell->len > 30 ? 30
								    : cell->len),
					       (const char *)f->qtext.data +
						   cell->off);
			row[c].null = true;
			continue;
		}
		if (rc < 0)
			return err_prefix(e, "table %s, column %s", t->name,
					  col->name);
	}
	return 0;
}

/* the bytes an image's geometries take once decoded: at most their
 * cells' (mytext_decode) */
static size_t geometry_room(const struct ffm *f, const struct fm_table *ft,
			    size_t first)
{
	size_t room = 0;

	for (size_t i = 0; i < ft->n; i++) {
		size_t c = ft->map[i];
		if (c != SIZE_MAX && ft->dec[c] == MYTEXT_GEOMETRY)
			room += f->cells[first + i].len;
	}
	return room;
}

/* the next queued row as a change */
static int pop_change(struct ffm *f, struct follow_event *ev, struct err *e)
{
	const struct qrow *r = &f->q[f->iq++];
	const struct fm_table *ft = &f->tabs[r->table];
	const struct schema_table *t = ft->t;
	struct stream_change *c = &ev->change;

	memset(c, 0, sizeof(*c));
	ev->kind = FOLLOW_CHANGE;
	c->table = r->table;
	c->op = r->op;
	buf_reset(&f->scratch);
	if (buf_reserve(&f->scratch,
			64u * (t->ncols + 1) * 2 +
			    (r->before != SIZE_MAX
				 ? geometry_room(f, ft, r->before)
				 : 0) +
			    (r->after != SIZE_MAX
				 ? geometry_room(f, ft, r->after)
				 : 0),
			e) < 0)
		return -1;
	switch (r->op) {
	case STREAM_CHANGE_INSERT:
		if (image_values(f, ft, r->after, f->b.row, e) < 0 ||
		    follow_key_of(t, f->b.row, f->b.key, e) < 0)
			return -1;
		c->row = f->b.row;
		return 0;
	case STREAM_CHANGE_UPDATE: {
		int same = 1;
		struct value *oldrow = calloc(t->ncols + 1, sizeof(*oldrow));
		if (!oldrow)
			return err_oom(e);
		if (image_values(f, ft, r->before, oldrow, e) < 0 ||
		    follow_key_of(t, oldrow, f->b.old, e) < 0 ||
		    image_values(f, ft, r->after, f->b.row, e) < 0 ||
		    follow_key_of(t, f->b.row, f->b.key, e) < 0) {
			free(oldrow);
			return -1;
		}
		free(oldrow);
		for (size_t k = 0; k < t->npk; k++)
			same &= value_compare(t->cols[t->pk[k]].type,
					      &f->b.old[k], &f->b.key[k]) == 0;
		c->row = f->b.row;
		if (!same)
			c->old_key = f->b.old;
		return 0;
	}
	default: {
		struct value *oldrow = calloc(t->ncols + 1, sizeof(*oldrow));
		int rc;
		if (!oldrow)
			return err_oom(e);
		rc = image_values(f, ft, r->before, oldrow, e) < 0 ||
			     follow_key_of(t, oldrow, f->b.key, e) < 0
			 ? -1
			 : 0;
		free(oldrow);
		c->key = f->b.key;
		return rc;
	}
	}
}

/* --- events --------------------------------------------------------------- */

static struct fm_table *table_by_id(struct ffm *f, uint64_t id)
{
	for (size_t i = 0; i < f->ntabs; i++)
		if (f->tabs[i].mapped && f->tabs[i].table_id == id)
			return &f->tabs[i];
	return NULL;
}

static void end_txn(struct ffm *f)
{
	f->in_txn = 0;
	for (size_t i = 0; i < f->ntabs; i++)
		f->tabs[i].mapped = 0;
}

/* a transaction ended at the byte after h: its commit, or (none of its
 * rows followed) a boundary a heartbeat may name */
static void txn_ends(struct ffm *f, const struct binlog_header *h)
{
	if (f->txn_changes) {
		f->pending_commit = 1;
		make_pos(f->file, f->file_no, f->pos, &f->commit_pos);
		f->commit_time = (int64_t)h->timestamp * 1000000;
	} else {
		f->boundary_new = 1;
	}
	f->txn_changes = 0;
	end_txn(f);
}

static int table_map(struct ffm *f, const struct binlog_header *h,
		     struct err *e)
{
	struct binlog_table_map *m = f->scratch_map;

	if (binlog_table_map(h->body, h->body_len, m, e) < 0)
		return -1;
	if (strcmp(m->db, f->db) != 0)
		return 0;
	for (size_t i = 0; i < f->ntabs; i++) {
		struct fm_table *ft = &f->tabs[i];
		if (strcmp(m->table, own_name(ft->t)) != 0)
			continue;
		if (check_map(ft, m, e) < 0)
			return -1;
		ft->table_id = m->table_id;
		ft->mapped = 1;
		/* the names point into the event, which goes */
		memcpy(ft->tm, m, sizeof(*m));
		ft->tm->db = f->db;
		ft->tm->table = own_name(ft->t);
		return 0;
	}
	return 0;
}

static int rows_event(struct ffm *f, const struct binlog_header *h,
		      struct err *e)
{
	struct fm_table *ft;
	struct rows_ctx rc;
	uint64_t id;

	if (binlog_rows_table(h, &id, e) < 0)
		return -1;
	if (!(ft = table_by_id(f, id)))
		return 0; /* a table not followed */
	rc.f = f;
	rc.table = (size_t)(ft - f->tabs);
	switch (h->type) {
	case BINLOG_WRITE_ROWS_V1:
	case BINLOG_WRITE_ROWS: rc.op = STREAM_CHANGE_INSERT; break;
	case BINLOG_UPDATE_ROWS_V1:
	case BINLOG_UPDATE_ROWS: rc.op = STREAM_CHANGE_UPDATE; break;
	default: rc.op = STREAM_CHANGE_DELETE; break;
	}
	f->nq = f->iq = f->ncells = 0;
	buf_reset(&f->qtext);
	if (binlog_rows(h, ft->tm, ft->uns, ft->labels, ft->nlabels, queue_row,
			&rc, e) < 0)
		return err_prefix(e, "table %s", ft->t->name);
	f->txn_changes += f->nq > 0;
	f->rows_seen += f->nq;
	return 0;
}

/* a QUERY event: BEGIN, COMMIT, or a statement (DDL) */
static int query_event(struct ffm *f, const struct binlog_header *h,
		       struct err *e)
{
	const unsigned char *p = h->body, *end = h->body + h->body_len;
	size_t dl, sl;
	const char *stmt, *db;
	size_t len;

	/* thread id 4, time 4, db length 1, error 2, status length 2 */
	if (h->body_len < 13)
		return err_set(e, ERR_STREAM, "binary log QUERY event cut short");
	dl = p[8];
	sl = (size_t)p[11] | (size_t)p[12] << 8;
	p += 13;
	if ((size_t)(end - p) < sl + dl + 1)
		return err_set(e, ERR_STREAM, "binary log QUERY event cut short");
	p += sl;
	db = (const char *)p;
	p += dl + 1;
	stmt = (const char *)p;
	len = (size_t)(end - p);
	if (len == 5 && memcmp(stmt, "BEGIN", 5) == 0) {
		f->in_txn = 1;
		return 0;
	}
	if ((len == 6 && memcmp(stmt, "COMMIT", 6) == 0)) {
		txn_ends(f, h);
		return 0;
	}
	if (len == 8 && memcmp(stmt, "ROLLBACK", 8) == 0) {
		/* a transaction that also wrote to a table without
		 * transactions: what of it reached the log stays */
		txn_ends(f, h);
		return 0;
	}
	if (f->in_txn) {
		/* inside a transaction only savepoints; anything else is a
		 * statement logged as such (a session's binlog_format) */
		if ((len >= 9 && memcmp(stmt, "SAVEPOINT", 9) == 0) ||
		    (len >= 11 && memcmp(stmt, "ROLLBACK TO", 11) == 0) ||
		    (len >= 17 && memcmp(stmt, "RELEASE SAVEPOINT", 17) == 0))
			return 0;
		return err_set(e, ERR_USAGE,
			       "the binary log holds a statement, not its rows "
			       "(\"%s\"): set binlog_format = ROW on the source, "
			       "for every session",
			       stmt_start(stmt, len));
	}
	if (len >= 2 && (memcmp(stmt, "XA", 2) == 0 || memcmp(stmt, "xa", 2) == 0))
		return err_set(e, ERR_USAGE,
			       "the binary log holds an XA transaction, which "
			       "--follow does not read");
	/* anything else may have changed a followed table: one it names
	 * (in the source's database) stops here, every time this part of
	 * the log is read, whatever the catalog says by then; the catalog
	 * catches the rest */
	for (size_t i = 0; i < f->ntabs; i++)
		if (names(stmt, len, own_name(f->tabs[i].t)) &&
		    ((dl == strlen(f->db) && memcmp(db, f->db, dl) == 0) ||
		     names(stmt, len, f->db)))
			return err_set(e, ERR_RESNAPSHOT,
				       "table %s: the binary log has \"%s\" "
				       "for it (a schema change): take a new "
				       "snapshot (--resnapshot)",
				       f->tabs[i].t->name,
				       stmt_start(stmt, len));
	if (check_tables(f, stmt, len, e) < 0)
		return -1;
	if (!f->in_txn)
		txn_ends(f, h);
	return 0;
}

static int rotate_event(struct ffm *f, const struct binlog_header *h,
			struct err *e)
{
	size_t fl;
	uint64_t no, pos = 0;

	if (h->body_len < 9)
		return err_set(e, ERR_STREAM, "binary log ROTATE event cut short");
	for (int i = 7; i >= 0; i--)
		pos = pos << 8 | h->body[i];
	fl = h->body_len - 8;
	if (fl >= sizeof(f->file))
		return err_set(e, ERR_STREAM, "binary log file name too long");
	{
		char name[sizeof(f->file)];
		memcpy(name, h->body + 8, fl);
		name[fl] = 0;
		if (file_number(name, &no) < 0)
			return err_set(e, ERR_STREAM,
				       "binary log file '%.100s' has no number",
				       name);
		memcpy(f->file, name, fl + 1);
	}
	f->file_no = no;
	f->pos = pos;
	return 0;
}

/* one event: 1 with ev set, 0 for none, -1 */
static int event(struct ffm *f, const MARIADB_RPL_EVENT *rev,
		 struct follow_event *ev, struct err *e)
{
	struct binlog_header h;
	const unsigned char *raw = rev->raw_data;
	size_t len = rev->raw_data_size;

	if (len && raw[0] == 0) { /* the packet's OK byte */
		raw++;
		len--;
	}
	if (binlog_header(raw, len, f->checksum, &h, e) < 0)
		return -1;
	/* a fake event (ROTATE, FORMAT_DESCRIPTION at the start) has
	 * next_pos 0 and does not move the position */
	switch (h.type) {
	case BINLOG_ROTATE: return rotate_event(f, &h, e) < 0 ? -1 : 0;
	case BINLOG_HEARTBEAT:
		if (f->in_txn)
			return 0;
		ev->kind = FOLLOW_HEARTBEAT;
		if (h.next_pos)
			f->pos = h.next_pos;
		make_pos(f->file, f->file_no, f->pos, &ev->pos);
		ev->time_us = progress_wall_us();
		f->boundary_new = 0;
		f->last_told = progress_now();
		return 1;
	default: break;
	}
	if (h.next_pos)
		f->pos = h.next_pos;
	switch (h.type) {
	case BINLOG_FORMAT_DESCRIPTION:
	case BINLOG_ANNOTATE_ROWS:
	case 3:	  /* STOP */
	case 161: /* BINLOG_CHECKPOINT */
	case 163: /* GTID_LIST */
		return 0;
	case BINLOG_GTID:
		/* flags2 bit 0: a statement of its own (DDL), no BEGIN */
		if (h.body_len >= 13 && !(h.body[12] & 1))
			f->in_txn = 1;
		f->txn_changes = 0;
		return 0;
	case BINLOG_TABLE_MAP: return table_map(f, &h, e);
	case BINLOG_WRITE_ROWS_V1:
	case BINLOG_UPDATE_ROWS_V1:
	case BINLOG_DELETE_ROWS_V1:
	case BINLOG_WRITE_ROWS:
	case BINLOG_UPDATE_ROWS:
	case BINLOG_DELETE_ROWS: return rows_event(f, &h, e);
	case BINLOG_XID: txn_ends(f, &h); return 0;
	case BINLOG_QUERY: return query_event(f, &h, e);
	case 5:	 /* INTVAR */
	case 13: /* RAND */
	case 14: /* USER_VAR */
		return err_set(e, ERR_USAGE,
			       "the binary log holds statements, not rows: set "
			       "binlog_format = ROW on the source");
	default:
		return err_set(e, ERR_USAGE,
			       "the binary log holds an event of kind %u, "
			       "which --follow does not read (a compressed "
			       "event: set log_bin_compress = OFF)",
			       h.type);
	}
}

static int fm_next(struct follow *b, struct follow_event *ev, int wait_ms,
		   struct err *e)
{
	struct ffm *f = FM(b);
	double start = progress_now();

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		int rc;

		if (f->iq < f->nq)
			return pop_change(f, ev, e) < 0 ? -1 : 1;
		if (f->pending_commit) {
			f->pending_commit = 0;
			ev->kind = FOLLOW_COMMIT;
			ev->pos = f->commit_pos;
			ev->time_us = f->commit_time;
			f->boundary_new = 0;
			f->last_told = progress_now();
			return 1;
		}
		/* a boundary past transactions of other tables: told now
		 * and then, so that the position moves on */
		if (f->boundary_new && !f->in_txn &&
		    progress_now() - f->last_told >= 0.2) {
			ev->kind = FOLLOW_HEARTBEAT;
			make_pos(f->file, f->file_no, f->pos, &ev->pos);
			ev->time_us = progress_wall_us();
			f->boundary_new = 0;
			f->last_told = progress_now();
			return 1;
		}
		if (!f->in_txn && (progress_now() - start) * 1000 >= wait_ms)
			return 0;
		if (!(f->ev = mariadb_rpl_fetch(f->rpl, f->ev))) {
			unsigned en = mysql_errno(f->rconn);
			if (en == 1236)
				return err_set(e, ERR_POSITION_LOST,
					       "the source cannot send its binary "
					       "log from %s:%" PRIu64 ": %s; start "
					       "again with a new snapshot "
					       "(--resnapshot)",
					       f->file, f->pos,
					       mysql_error(f->rconn));
			if (en)
				return my_fail(f->rconn, "reading the binary log",
					       e);
			return err_set(e, ERR_DB,
				       "reading the binary log: %s",
				       f->rpl->error_msg[0] ? f->rpl->error_msg
							    : "the server ended "
							      "the dump");
		}
		if ((rc = event(f, f->ev, ev, e)) != 0)
			return rc;
	}
}

static const struct follow_ops fm_ops = {
	"mysql",   fm_create, fm_resume, fm_start, fm_next,
	fm_confirm, fm_now,   fm_position, fm_drop, fm_close,
};

struct follow *follow_mysql_open(const struct uri *u, const char *job,
				 const struct source_opts *o, struct err *e)
{
	char slot[FOLLOW_NAME_MAX];
	struct ffm *f;
	uint32_t h = 2166136261u;
	unsigned rt = o->read_timeout > 30 ? o->read_timeout : 30;

	if (!u->db || !*u->db || strlen(u->db) >= sizeof(f->db)) {
		err_set(e, ERR_USAGE,
			"--follow: the source URI names no database");
		return NULL;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		err_oom(e);
		return NULL;
	}
	f->base.ops = &fm_ops;
	f->opts = o;
	snprintf(f->db, sizeof(f->db), "%s", u->db);
	follow_slot_name(job, slot);
	for (const char *p = slot; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	/* a replica's id of its own, the same for a job's every run (the
	 * server ends a dump of a run that is gone when the next comes) */
	f->dump_id = (h & 0x3fffffff) | 0x40000000;
	buf_init(&f->qtext, (size_t)STREAM_MAX_ROW * 4);
	buf_init(&f->scratch, (size_t)STREAM_MAX_ROW * 2);
	if (!(f->scratch_map = malloc(sizeof(*f->scratch_map))) ||
	    !(f->sql = connect_to(u, o, o->read_timeout, e)) ||
	    !(f->rconn = connect_to(u, o, rt, e))) {
		if (!f->scratch_map)
			err_oom(e);
		fm_close(&f->base);
		return NULL;
	}
	return &f->base;
}

/* --- preflight ------------------------------------------------------------ */

static int count_rows(void *ctx, char **v, size_t *lens, struct err *e)
{
	(void)v;
	(void)lens;
	(void)e;
	(*(size_t *)ctx)++;
	return 0;
}

int follow_mysql_preflight(const struct uri *u, const struct source_opts *o,
			   char *const *names, size_t n, follow_finding_fn fn,
			   void *ctx, struct err *e)
{
	MYSQL *c;
	struct settings s;
	int rc = -1;

	if (!u->db || !*u->db)
		return follow_say(fn, ctx, "server", e,
			   "the source URI names no database");
	if (!(c = connect_to(u, o, o->read_timeout, e)))
		return -1;
	memset(&s, 0, sizeof(s));
	if (myutil_select(c,
			  "SELECT @@log_bin, @@binlog_format, "
			  "@@binlog_row_image, @@log_bin_compress, "
			  "@@binlog_expire_logs_seconds, VERSION(), "
			  "@@server_id, @@binlog_checksum",
			  NULL, 0, 8, keep_settings, &s, e) < 0)
		goto out;
	if (strcmp(s.v[0], "1") != 0 &&
	    follow_say(fn, ctx, "server", e,
		"log_bin is off: start the server with log_bin (and "
		"binlog_format = ROW, binlog_row_image = FULL, a server_id)") <
		0)
		goto out;
	if (strcmp(s.v[1], "ROW") != 0 &&
	    follow_say(fn, ctx, "server", e,
		"binlog_format is %s: set binlog_format = ROW (SET GLOBAL, and "
		"in the server's configuration)",
		s.v[1]) < 0)
		goto out;
	if (strcmp(s.v[2], "FULL") != 0 &&
	    follow_say(fn, ctx, "server", e,
		"binlog_row_image is %s: set binlog_row_image = FULL", s.v[2]) <
		0)
		goto out;
	if (strcmp(s.v[3], "1") == 0 &&
	    follow_say(fn, ctx, "server", e,
		"log_bin_compress is on: set it off (compressed events are "
		"not read)") < 0)
		goto out;
	if (strcmp(s.v[0], "1") == 0 && strcmp(s.v[4], "0") != 0 &&
	    follow_say(fn, ctx, "server", e,
		"binary logs are kept %s seconds (binlog_expire_logs_seconds): "
		"a follow stopped for longer must start again with a new "
		"snapshot",
		s.v[4]) < 0)
		goto out;
	if (strstr(s.v[5], "MariaDB") == NULL &&
	    follow_say(fn, ctx, "server", e,
		"%s is not MariaDB: --follow reads MariaDB's binary log "
		"(MySQL's snapshot position needs a global lock, not done)",
		s.v[5]) < 0)
		goto out;
	{
		struct err e2;
		size_t k = 0;
		err_init(&e2);
		if (myutil_select(c, "SHOW MASTER STATUS", NULL, 0, 4,
				  count_rows, &k, &e2) < 0 &&
		    follow_say(fn, ctx, "role", e,
			"the user may not read the binary log position: GRANT "
			"BINLOG MONITOR (REPLICATION CLIENT)") < 0)
			goto out;
		err_init(&e2);
		k = 0;
		if (myutil_select(c,
				  "SELECT 1 FROM information_schema."
				  "USER_PRIVILEGES WHERE GRANTEE = CONCAT('''', "
				  "SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "
				  "'''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', "
				  "-1), '''') AND PRIVILEGE_TYPE IN "
				  "('REPLICATION SLAVE', 'SUPER')",
				  NULL, 0, 1, count_rows, &k, &e2) < 0 ||
		    (!k &&
		     follow_say(fn, ctx, "role", e,
			 "the user may not read the binary log: GRANT "
			 "REPLICATION SLAVE ON *.*") < 0))
			goto out;
		err_init(&e2);
		k = 0;
		if (myutil_select(c,
				  "SELECT 1 FROM information_schema."
				  "INNODB_SYS_TABLES LIMIT 1",
				  NULL, 0, 1, count_rows, &k, &e2) < 0 &&
		    follow_say(fn, ctx, "role", e,
			"the user may not read InnoDB's table ids (GRANT "
			"PROCESS): without them a TRUNCATE of a followed "
			"table goes unnoticed") < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p[2] = { u->db, names[i] };
		size_t k = 0;
		if (myutil_select(c,
				  "SELECT 1 FROM information_schema."
				  "TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND "
				  "TABLE_NAME = ? AND CONSTRAINT_TYPE = "
				  "'PRIMARY KEY'",
				  p, 2, 1, count_rows, &k, e) < 0)
			goto out;
		if (!k && follow_say(fn, ctx, names[i], e,
			      "no primary key: its changes cannot be applied") <
			      0)
			goto out;
		k = 0;
		if (myutil_select(c,
				  "SELECT 1 FROM information_schema.COLUMNS "
				  "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND "
				  "CHARACTER_SET_NAME NOT IN ('utf8mb4', "
				  "'utf8mb3', 'utf8', 'ascii', 'binary') AND "
				  "GENERATION_EXPRESSION IS NULL",
				  p, 2, 1, count_rows, &k, e) < 0)
			goto out;
		if (k && follow_say(fn, ctx, names[i], e,
			     "%zu text column%s in another character set than "
			     "utf8mb4, utf8mb3 or ascii, which the binary log "
			     "keeps unconverted: convert them",
			     k, k == 1 ? "" : "s") < 0)
			goto out;
	}
	rc = 0;
out:
	mysql_close(c);
	return rc;
}
