#include "stage/verify.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/extsort.h"
#include "base/jsonfile.h"
#include "base/progress.h"
#include "db/checkpoint.h"
#include "db/engine.h"
#include "db/namefold.h"
#include "db/probe.h"
#include "db/uri.h"
#include "stage/cli.h"
#include "stage/metrics.h"
#include "stage/structure.h"
#include "stream/digest.h"
#include "stream/objects.h"
#include "stream/stream.h"
#include "transform/transform.h"
#include <xxhash.h>

#define KEY_MAX 16 /* primary-key columns a merge handles */

/*
 * A line (or the part of one) for people on o->out: names and values from
 * a stream or a database may hold control characters; escaped here, none
 * can end a line early or forge one ("the two sides are equal").  A
 * newline at the end of the format is the line's own.
 */
static void say(const struct verify_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct verify_opts *o, const char *fmt, ...)
{
	va_list ap;
	char *text, *clean;
	int n;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(text = malloc((size_t)n + 1)))
		return;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	len = (size_t)n;
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if ((clean = err_clean_dup(text)))
		fprintf(o->out, "%s%s", clean, len < (size_t)n ? "\n" : "");
	free(clean);
	free(text);
}

#define AS_UUID_TEXT 1
#define AS_UNPADDED 2
#define AS_BOOL_INT 4 /* a bool against an integer: as 0 or 1 */
#define AS_DURATION 8 /* a MySQL TIME's or a PostgreSQL interval's text:
		       * as months, days and microseconds */
static int duration_canon(const char *p, size_t n, char *out, size_t outsz);

struct side {
	const char *spec;
	char label;
	int is_stream;
	const struct engine *en; /* a database's engine; NULL: a stream */
	int pgmap; /* the other side may hold this side's names over 63
		    * bytes as PostgreSQL does, or the reverse: the sides
		    * are not databases of one engine */
	int fold;  /* and (pgmap, without --keep-case) the other may hold a
		    * MySQL name folded to lower case (namefold.h) */
	/* a database */
	struct uri uri;
	int have_uri;
	struct source *src;
	struct probe *probe; /* --probe: a connection of its own */
	char **names; /* its tables */
	size_t nnames;
	struct schema_table *dbt;
	/* --schema-only: every table compared, for its views */
	struct schema_table **seen;
	size_t nseen, capseen;
	struct source_query q;
	/* a stream */
	FILE *f;
	struct stream_reader *r;
	/* the table being compared */
	const struct schema_table *t;
	const struct value *row; /* current row, NULL at the end */
	uint64_t rows;
	struct digest dig;
	/* the current row's compared columns in canonical form, one after
	 * another (offs[i] .. offs[i + 1]): hashed for the digest and
	 * compared column by column, computed once */
	struct buf canon;
	size_t *offs;
	/* a keyed table's large text or bytes value (value.h) is not copied
	 * into canon: canon holds its head, big[i] says so, and the value's
	 * bytes are hashed and compared where the row holds them */
	unsigned char *big;
	/* columns whose uuid is compared as text (against a text column,
	 * AS_UUID_TEXT), or whose text without its trailing blanks (a
	 * CHAR(n) on either side, AS_UNPADDED), and room for the uuids' text */
	unsigned char *as_text;
	char (*utext)[VALUE_UUID_TEXT_LEN];
	char (*dtext)[64]; /* AS_DURATION: the canonical text */
	/* -s (side A): the spec's plan for the table, whose output schema t
	 * then is; rows read, and those its filter drops or a rule rejects */
	struct spec_plan *plan;
	uint64_t inrows, filtered, rejected;
	/* --sample: rows whose key hashes below sample_ppm per million */
	const size_t *skey;
	size_t nskey;
	uint64_t sample_ppm; /* 0: every row */
	struct buf skeybuf;
	/* --emit-deletes (side B): the keys only in this side go here;
	 * --emit-upserts (side A): this side's rows B lacks or has changed */
	struct stream_writer *emit;
	/* a table without a primary key: the canonical rows, to sort */
	struct extsort *sorted;
	/* the previous row's key, copied, to check the order */
	struct value prev[KEY_MAX];
	int has_prev;
	struct buf prevbuf;
};

/* one table's comparison */
struct cmp {
	const char *name;
	size_t ncols;	 /* compared columns */
	size_t *ca, *cb; /* their index on each side */
	size_t nkey;
	size_t ka[KEY_MAX], kb[KEY_MAX];
	uint64_t missing, extra, changed, shown;
	int columns_differ;
	cJSON *diffs; /* for --report */
	struct buf scratch, x, y;
	struct value *va, *vb; /* compared values, side order */
	enum value_type *ta, *tb;
	int64_t unit; /* --time-precision, in microseconds */
	/* --emit-deletes: B's key columns, the table of keys being written
	 * (NULL: none for this table) and a row of them */
	size_t ek[KEY_MAX];
	struct schema_table *et;
	struct value erow[KEY_MAX];
	uint64_t emitted;
	/* --emit-upserts: A's compared columns under B's names, the table
	 * of rows being written (NULL: none for this table), a row */
	struct schema_table *ut;
	struct value *urow;
	uint64_t upserts;
	struct buf key; /* a key's text, for messages */
	cJSON *tj;	/* the table in --report, NULL: none */
};

/* A side is a stream file unless it is a connection URI (scheme://),
 * libpq key=value pairs or libpq's empty connection string: a path that
 * names no file is then a missing file, said as such, never a connection
 * string that libpq refuses. */
static int is_stream_spec(const char *s)
{
	return strcmp(s, "-") == 0 ||
	       (*s && !strstr(s, "://") && !strchr(s, '='));
}

static int side_open(struct side *s, const struct verify_opts *o, struct err *e)
{
	buf_init(&s->prevbuf, (size_t)STREAM_MAX_ROW);
	s->is_stream = is_stream_spec(s->spec);
	if (s->is_stream) {
		const char *name;
		if (cli_open_input(s->spec, &s->f, &name, e) < 0)
			return -1;
		if (!(s->r = stream_reader_new(s->f, name, e)))
			return -1;
		return 0;
	}
	if (uri_parse(s->spec, &s->uri, e) < 0)
		return -1;
	s->have_uri = 1;
	if (s->uri.password_in_uri && o->warn)
		fprintf(o->warn,
			"%s: warning: a password in the URI of side %c is "
			"visible to every user of this machine (ps); use a "
			"password file\n",
			cli_prog(), s->label);
	if (!(s->src = source_open(&s->uri, &o->source, e)) ||
	    source_begin(s->src, e) < 0 ||
	    source_list_tables(s->src, &s->names, &s->nnames, e) < 0)
		return -1;
	/* ferry-load --job's own bookkeeping is not the data compared */
	{
		size_t k = 0;
		for (size_t i = 0; i < s->nnames; i++) {
			if (strcmp(s->names[i], CHECKPOINT_TABLE) == 0)
				free(s->names[i]);
			else
				s->names[k++] = s->names[i];
		}
		s->nnames = k;
		s->names[k] = NULL;
	}
	return 0;
}

static void side_spec_free(struct side *s)
{
	spec_plan_free(s->plan);
	s->plan = NULL;
}

static void side_close(struct side *s)
{
	if (s->r)
		stream_reader_free(s->r);
	if (s->f && s->f != stdin)
		fclose(s->f);
	source_names_free(s->names);
	schema_table_free(s->dbt);
	for (size_t i = 0; i < s->nseen; i++)
		schema_table_free(s->seen[i]);
	free(s->seen);
	source_close(s->src);
	probe_close(s->probe);
	if (s->have_uri)
		uri_release(&s->uri);
	buf_release(&s->prevbuf);
	free(s->offs);
	free(s->big);
	free(s->as_text);
	free(s->utext);
	free(s->dtext);
	extsort_free(s->sorted);
	side_spec_free(s);
}

/*
 * Whether name x of one side and y of the other are one table (table
 * set) or column: equal, or with pgmap a name over 63 bytes and the name
 * PostgreSQL holds for it (pgname.h), either way round.
 */
static int same_name(int pgmap, int fold, const char *x, const char *y,
		     int table)
{
	if (strcmp(x, y) == 0)
		return 1;
	if (!pgmap)
		return 0;
	return source_kept_name(x, y, table) || (fold && namefold_same(x, y));
}

/* The table of database side s that the other side calls `name`: its
 * name on s (borrowed from s), or NULL. */
static const char *db_name(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->names[i];
	for (size_t i = 0; s->pgmap && i < s->nnames; i++)
		if (same_name(1, s->fold, s->names[i], name, 1))
			return s->names[i];
	return NULL;
}

/*
 * A relation of side s that -t or --table-map names but that is not one
 * of its tables (a view): name when the side describes it, else NULL.
 * The view is then compared as a table is, by its key if it has one
 * (a view has none: its rows are sorted).
 */
static const char *named_view(struct side *s, const char *name)
{
	struct err e;
	struct schema_table *t;

	err_init(&e);
	if (!s->src || !(t = source_describe(s->src, name, &e)))
		return NULL;
	schema_table_free(t);
	return name;
}

/* The column of side s's table that the other side calls `name`, or -1 */
static int col_of(const struct side *s, const char *name)
{
	int j = schema_column_index(s->t, name);

	for (size_t k = 0; j < 0 && s->pgmap && k < s->t->ncols; k++)
		if (same_name(1, s->fold, s->t->cols[k].name, name, 0))
			j = (int)k;
	return j;
}

/* Describe table `name` on a database side; its rows are opened later,
 * once the merge key is known. */
static int db_table(const struct verify_opts *o, struct side *s,
		    const char *name, const char *aname, struct err *e)
{
	unsigned char used[64];

	schema_table_free(s->dbt);
	if (!(s->dbt = source_describe(s->src, name, e)))
		return -1;
	s->t = s->dbt;
	/* --cast: as ferry-extract read the column, on either side (by
	 * side A's name of the table) */
	for (size_t k = 0; k < o->ncasts; k += 64) {
		size_t n = o->ncasts - k < 64 ? o->ncasts - k : 64;
		if (source_apply_casts(s->dbt, aname, o->casts + k, n, used,
				       e) < 0 ||
		    (strcmp(aname, name) != 0 &&
		     source_apply_casts(s->dbt, name, o->casts + k, n, used,
					e) < 0))
			return -1;
	}
	/* MySQL TIME columns that are durations, as ferry-extract reads
	 * them */
	return source_time_durations(s->src, s->dbt, e) < 0 ? -1 : 0;
}

/*
 * Open the rows of a database side ordered by the merge key (its columns
 * `key`, nkey of them: A's primary key found in this side), whatever this
 * side's own primary key is.
 */
static int db_open(struct side *s, const size_t *key, size_t nkey,
		   struct err *e)
{
	if (nkey) {
		memcpy(s->dbt->pk, key, nkey * sizeof(*key));
		s->dbt->npk = nkey;
	}
	memset(&s->q, 0, sizeof(s->q));
	s->q.t = s->dbt;
	s->q.order_pk = nkey > 0;
	return source_open_rows(s->src, &s->q, e);
}

/* Whether the current row's key falls in the sample: the XXH3-64 of its
 * key columns' canonical forms, the same on every engine, decides. */
static int in_sample(struct side *s, struct err *e)
{
	buf_reset(&s->skeybuf);
	for (size_t i = 0; i < s->nskey; i++)
		if (value_canonical(&s->skeybuf, s->t->cols[s->skey[i]].type,
				    &s->row[s->skey[i]], e) < 0)
			return -1;
	return XXH3_64bits(s->skeybuf.data, s->skeybuf.len) % 1000000 <
	       s->sample_ppm;
}

/* -s: the current row as the spec makes it, as the target holds it; key
 * columns too, so that the merge pairs the right rows.  1, or 0 when the
 * spec filters or rejects the row. */
static int spec_row(struct side *s, struct err *e)
{
	const struct value *out;
	int rc = spec_plan_row(s->plan, s->row, ++s->inrows, &out, e);

	if (rc < 0)
		return err_prefix(e, "side %c", s->label);
	if (rc == 0 || rc == 2) {
		if (rc == 0)
			s->filtered++;
		else
			s->rejected++;
		return 0;
	}
	s->row = out;
	return 1;
}

/*
 * A stream's table in key ranges (ferry-extract --parallel): at the end
 * of one range's section, the next section, which must be the next range
 * of the same table: 1 and s->t moved on, 0 after the last range, -1.
 */
static int next_section(struct side *s, struct err *e)
{
	const struct schema_table *t = s->t, *nt;
	unsigned k, n;
	size_t ncols;
	char *name;
	int rc;

	if (!t || t->section_n < 2 || t->section_k >= t->section_n)
		return 0;
	/* the reader frees t at its next table */
	k = t->section_k;
	n = t->section_n;
	ncols = t->ncols;
	if (!(name = strdup(t->name)))
		return err_oom(e);
	s->t = NULL;
	if ((rc = stream_reader_next_table(s->r, &nt, e)) >= 0 &&
	    (rc == 0 || strcmp(nt->name, name) != 0 || nt->section_n != n ||
	     nt->section_k != k + 1 || nt->ncols != ncols))
		rc = err_set(e, ERR_STREAM,
			     "table %s: key range %u of %u is not followed by "
			     "range %u in the stream",
			     name, k, n, k + 1);
	free(name);
	if (rc < 0)
		return -1;
	s->t = nt;
	return 1;
}

/* The next row of the side's table: 1, 0 at its end, -1. */
static int side_next(struct side *s, struct err *e)
{
	for (;;) {
		int rc = s->is_stream ? stream_reader_next_row(s->r, &s->row, e)
				      : source_next_row(s->src, &s->row, e);

		if (rc == 0 && s->is_stream) {
			int nrc = next_section(s, e);
			if (nrc > 0)
				continue;
			if (nrc < 0)
				rc = -1;
		}
		if (rc <= 0) {
			s->row = NULL;
			if (rc < 0)
				err_prefix(e, "side %c (%s)", s->label,
					   s->is_stream ? "stream"
							: s->uri.display);
			return rc;
		}
		if (s->plan) {
			int keep = spec_row(s, e);
			if (keep < 0)
				return -1;
			if (!keep)
				continue;
		}
		if (s->sample_ppm && s->nskey) {
			int in = in_sample(s, e);
			if (in < 0)
				return -1;
			if (!in)
				continue;
		}
		s->rows++;
		return 1;
	}
}

static int ignored(const struct verify_opts *o, const char *table,
		   const char *col)
{
	size_t tl = strlen(table);

	for (size_t i = 0; i < o->nignore; i++)
		if (strncmp(o->ignore[i], table, tl) == 0 &&
		    o->ignore[i][tl] == '.' &&
		    strcmp(o->ignore[i] + tl + 1, col) == 0)
			return 1;
	return 0;
}

/* A value for a message: NULL bare; numbers bare in keys (quote 0),
 * everything else quoted, escaped and cut. */
static const char *value_text(struct buf *b, enum value_type t,
			      const struct value *v, int quote);

static const char *short_text(struct buf *b, enum value_type t,
			      const struct value *v)
{
	return value_text(b, t, v, 1);
}

static const char *value_text(struct buf *b, enum value_type t,
			      const struct value *v, int quote)
{
	struct err e;

	buf_reset(b);
	if (v->null) {
		buf_adds(b, "NULL", &e);
		return (char *)b->data;
	}
	{
		/* a long value's head is enough to show: never the whole
		 * of a large one (its hex form could be twice its size) */
		struct value w = *v;
		size_t full = 0;
		if (value_type_is_bytes(t) && t != VALUE_DECIMAL &&
		    w.v.s.len > 96) {
			full = w.v.s.len;
			w.v.s.len = 96;
		}
		char zd[40];
		/* a MySQL zero date, as --zero-dates keep reads it */
		if ((t == VALUE_DATE || t == VALUE_TIMESTAMP ||
		     t == VALUE_TIMESTAMPTZ) &&
		    source_zero_date_text(t, w.v.i, zd, sizeof(zd)))
			buf_adds(b, zd, &e);
		else if (value_format(b, t, &w, VALUE_STYLE_TEXT, &e) < 0)
			buf_adds(b, "?", &e);
		/* one line: control characters escaped, long values cut */
		char q[160];
		err_quote(q, sizeof(q), b->data ? (char *)b->data : "", b->len,
			  80);
		buf_reset(b);
		/* numbers bare in keys, a decimal's text too */
		if (quote || (value_type_is_bytes(t) && t != VALUE_DECIMAL) ||
		    t == VALUE_UUID ||
		    t == VALUE_DATE || t == VALUE_TIME ||
		    t == VALUE_TIMESTAMP || t == VALUE_TIMESTAMPTZ)
			buf_addf(b, &e, "'%s'", q);
		else
			buf_adds(b, q, &e);
		if (full)
			buf_addf(b, &e, " (%zu bytes)", full);
	}
	return b->data ? (char *)b->data : "";
}

/* "id=42, k='x'" of side s's current row */
static void key_text(struct cmp *c, struct side *s, const size_t *k,
		     struct buf *out)
{
	struct err e;

	buf_reset(out);
	for (size_t i = 0; i < c->nkey; i++) {
		const struct schema_column *col = &s->t->cols[k[i]];
		struct buf v;
		buf_init(&v, 4096);
		buf_addf(out, &e, "%s%s=%s", i ? ", " : "", col->name,
			 value_text(&v, col->type, &s->row[k[i]], 0));
		buf_release(&v);
	}
}

static int key_cmp(struct cmp *c, const struct side *a, const struct value *ra,
		   const size_t *ka, const struct side *b,
		   const struct value *rb, const size_t *kb)
{
	for (size_t i = 0; i < c->nkey; i++) {
		int r = value_compare_mixed(a->t->cols[ka[i]].type, &ra[ka[i]],
					    b->t->cols[kb[i]].type, &rb[kb[i]]);
		if (r)
			return r;
	}
	return 0;
}

/* Keys must rise strictly: a stream not in key order cannot be merged. */
static int check_order(struct cmp *c, struct side *s, const size_t *k,
		       struct err *e)
{
	size_t need = 0;

	if (s->has_prev) {
		for (size_t i = 0; i < c->nkey; i++) {
			int r = value_compare_mixed(
			    s->t->cols[k[i]].type, &s->prev[i],
			    s->t->cols[k[i]].type, &s->row[k[i]]);
			if (r < 0)
				break;
			if (r > 0 || i == c->nkey - 1)
				return err_set(
				    e, ERR_USAGE,
				    "side %c: table %s is not in primary-key "
				    "order at row %" PRIu64 " (extract it with "
				    "--order pk)",
				    s->label, c->name, s->rows);
		}
	}
	/* copy the key so that it outlives the row */
	for (size_t i = 0; i < c->nkey; i++)
		if (value_type_is_bytes(s->t->cols[k[i]].type))
			need += s->row[k[i]].v.s.len;
	buf_reset(&s->prevbuf);
	if (buf_reserve(&s->prevbuf, need + 1, e) < 0)
		return -1;
	for (size_t i = 0; i < c->nkey; i++) {
		s->prev[i] = s->row[k[i]];
		if (value_type_is_bytes(s->t->cols[k[i]].type)) {
			char *dst = (char *)s->prevbuf.data + s->prevbuf.len;
			memcpy(dst, s->row[k[i]].v.s.p, s->row[k[i]].v.s.len);
			s->prev[i].v.s.p = dst;
			s->prevbuf.len += s->row[k[i]].v.s.len;
		}
	}
	s->has_prev = 1;
	return 0;
}

/* The current row's compared columns in canonical form, into the side's
 * digest. */
static int add_digest(struct cmp *c, struct side *s, const size_t *cols,
		      struct value *vals, enum value_type *types, struct err *e)
{
	XXH128_hash_t h;
	struct digest d;
	size_t nbig = 0;

	buf_reset(&s->canon);
	for (size_t i = 0; i < c->ncols; i++) {
		enum value_type t = types[i];
		vals[i] = s->row[cols[i]];
		/* --time-precision: microseconds cut to the common precision */
		if (c->unit > 1 && !vals[i].null &&
		    (t == VALUE_TIME || t == VALUE_TIMESTAMP ||
		     t == VALUE_TIMESTAMPTZ) &&
		    vals[i].v.i != VALUE_TS_NEG_INF &&
		    vals[i].v.i != VALUE_TS_POS_INF) {
			int64_t r = vals[i].v.i % c->unit;
			vals[i].v.i -= r < 0 ? r + c->unit : r;
		}
		/* CHAR(n): its trailing blanks are padding on either
		 * engine (MySQL drops them, PostgreSQL's bpchar keeps them
		 * and ignores them when comparing) */
		if ((s->as_text[i] & AS_UNPADDED) && !vals[i].null &&
		    t == VALUE_TEXT)
			while (vals[i].v.s.len &&
			       vals[i].v.s.p[vals[i].v.s.len - 1] == ' ')
				vals[i].v.s.len--;
		if ((s->as_text[i] & AS_UUID_TEXT) && !vals[i].null) {
			/* a uuid against text: as its text form */
			value_uuid_text(&vals[i], s->utext[i]);
			vals[i].v.s.p = s->utext[i];
			vals[i].v.s.len = VALUE_UUID_TEXT_LEN;
			t = VALUE_TEXT;
		}
		if ((s->as_text[i] & AS_DURATION) && !vals[i].null &&
		    t == VALUE_TEXT &&
		    duration_canon(vals[i].v.s.p, vals[i].v.s.len, s->dtext[i],
				   sizeof(s->dtext[i]))) {
			vals[i].v.s.p = s->dtext[i];
			vals[i].v.s.len = strlen(s->dtext[i]);
		}
		s->offs[i] = s->canon.len;
		if ((s->as_text[i] & AS_BOOL_INT) && !vals[i].null &&
		    t == VALUE_BOOL) {
			/* false and true as the integer side's 0 and 1 */
			struct value n = { .null = false };
			n.v.i = vals[i].v.b ? 1 : 0;
			if (value_canonical(&s->canon, VALUE_INT64, &n, e) < 0)
				return -1;
			s->big[i] = 0;
			continue;
		}
		/* a key-less table sorts whole canonical rows: no shortcut */
		s->big[i] = c->nkey && value_canonical_big(t, &vals[i]);
		if (s->big[i]) {
			nbig++;
			if (value_canonical_head(&s->canon, t, &vals[i], e) < 0)
				return -1;
		} else if (value_canonical(&s->canon, t, &vals[i], e) < 0) {
			return -1;
		}
	}
	s->offs[c->ncols] = s->canon.len;
	if (nbig) {
		/* XXH3 fed in pieces hashes as if the row were whole */
		XXH3_state_t *st = XXH3_createState();
		if (!st)
			return err_oom(e);
		XXH3_128bits_reset(st);
		for (size_t i = 0; i < c->ncols; i++) {
			XXH3_128bits_update(st, s->canon.data + s->offs[i],
					    s->offs[i + 1] - s->offs[i]);
			if (s->big[i])
				XXH3_128bits_update(st, vals[i].v.s.p,
						    vals[i].v.s.len);
		}
		h = XXH3_128bits_digest(st);
		XXH3_freeState(st);
	} else {
		h = XXH3_128bits(s->canon.data, s->canon.len);
	}
	d.lo = h.low64;
	d.hi = h.high64;
	digest_add(&s->dig, &d);
	return 0;
}

static void note_diff(struct cmp *c, struct verify_opts *o, const char *kind,
		      const char *key, cJSON *cols, const char *line)
{
	cJSON *d;

	if (c->shown++ >= o->max_diffs) {
		cJSON_Delete(cols);
		return;
	}
	say(o, "  %s: %s%s\n", kind, key, line ? line : "");
	if (c->diffs && (d = cJSON_CreateObject())) {
		cJSON_AddStringToObject(d, "kind", kind);
		cJSON_AddStringToObject(d, "key", key);
		if (cols)
			cJSON_AddItemToObject(d, "columns", cols);
		cJSON_AddItemToArray(c->diffs, d);
	} else {
		cJSON_Delete(cols);
	}
}

/* Both sides are on rows with the same key: compare their columns. */
/* Units in the last place between two finite doubles (0 for -0 and 0);
 * UINT64_MAX when either is NaN or infinite and they differ. */
static uint64_t ulps_apart(double x, double y)
{
	int64_t ix, iy;

	if (!isfinite(x) || !isfinite(y))
		return x == y ? 0 : UINT64_MAX;
	memcpy(&ix, &x, 8);
	memcpy(&iy, &y, 8);
	/* order the bit patterns like the numbers they stand for */
	if (ix < 0)
		ix = INT64_MIN - ix;
	if (iy < 0)
		iy = INT64_MIN - iy;
	return ix > iy ? (uint64_t)ix - (uint64_t)iy
		       : (uint64_t)iy - (uint64_t)ix;
}

/* a column that holds single-precision floats: PostgreSQL's real, MySQL's
 * FLOAT (and FLOAT(M,D)); its values are float32 widened, however a
 * side spelled them */
static int single_float(const struct schema_column *c)
{
	const char *st = c->source_type ? c->source_type : "";

	return c->type == VALUE_FLOAT64 && c->cast != SCHEMA_CAST_TEXT &&
	       (strcmp(st, "real") == 0 || strncasecmp(st, "float", 5) == 0);
}

/* Two values of single-precision columns on both sides: equal when they
 * are the same float32 (MySQL writes FLOAT 1.1 as "1.1", which reads as
 * the double nearest 1.1; PostgreSQL's real 1.1 comes as the float32
 * itself, widened: one value, two spellings).  Never for a double on
 * either side, whose digits past a float32's would be lost. */
static int same_float32(double x, double y)
{
	float fx = (float)x, fy = (float)y;

	if (isnan(fx) || isnan(fy))
		return isnan(fx) && isnan(fy);
	return fx == fy && signbit(fx) == signbit(fy);
}

static int compare_rows(struct cmp *c, struct verify_opts *o, struct side *a,
			struct side *b, struct buf *key, struct err *e)
{
	struct buf line;
	cJSON *cols = NULL;
	int differs = 0;

	buf_init(&line, 1u << 16);
	for (size_t i = 0; i < c->ncols; i++) {
		const struct schema_column *col = &a->t->cols[c->ca[i]];
		enum value_type ta = col->type;
		enum value_type tb = b->t->cols[c->cb[i]].type;
		const struct value *x = &a->row[c->ca[i]],
				   *y = &b->row[c->cb[i]];

		size_t la = a->offs[i + 1] - a->offs[i];
		size_t lb = b->offs[i + 1] - b->offs[i];

		if (la == lb && a->big[i] == b->big[i] &&
		    memcmp(a->canon.data + a->offs[i],
			   b->canon.data + b->offs[i], la) == 0 &&
		    (!a->big[i] || memcmp(x->v.s.p, y->v.s.p, x->v.s.len) == 0))
			continue;
		if (o->float_ulps && ta == VALUE_FLOAT64 &&
		    tb == VALUE_FLOAT64 && !x->null && !y->null &&
		    ulps_apart(x->v.f, y->v.f) <= o->float_ulps)
			continue;
		if (!x->null && !y->null && single_float(col) &&
		    single_float(&b->t->cols[c->cb[i]]) &&
		    same_float32(x->v.f, y->v.f))
			continue;
		if (!differs && c->diffs)
			cols = cJSON_CreateArray();
		differs = 1;
		buf_addf(&line, e, "%s %s: A %s B ", line.len ? ";" : "",
			 col->name, short_text(&c->x, ta, x));
		buf_addf(&line, e, "%s", short_text(&c->y, tb, y));
		if (cols) {
			cJSON *cj = cJSON_CreateObject();
			cJSON_AddStringToObject(cj, "column", col->name);
			cJSON_AddStringToObject(cj, "a",
						short_text(&c->x, ta, x));
			cJSON_AddStringToObject(cj, "b",
						short_text(&c->y, tb, y));
			cJSON_AddItemToArray(cols, cj);
		}
	}
	if (differs) {
		c->changed++;
		/* the key's text only for a row that differs */
		key_text(c, a, c->ka, key);
		note_diff(c, o, "changed", (char *)key->data, cols,
			  line.data ? (char *)line.data : "");
		cols = NULL;
	}
	cJSON_Delete(cols);
	buf_release(&line);
	return 0;
}

/* B's primary key is the merge key: the same columns, in any order */
static int b_key_is_merge_key(const struct cmp *c, const struct schema_table *t)
{
	int same = c->nkey > 0 && t->npk == c->nkey;

	for (size_t i = 0; same && i < t->npk; i++) {
		int in = 0;
		for (size_t k = 0; k < c->nkey; k++)
			in |= c->kb[k] == t->pk[i];
		same = in;
	}
	return same;
}

/* an --emit-* option writes nothing for table t of side B: say why */
static void emit_skip(const struct cmp *c, const struct verify_opts *o,
		      const struct schema_table *t, const char *what)
{
	char *name;

	if (!o->warn || !(name = err_clean_dup(t->name)))
		return;
	fprintf(o->warn, "%s: warning: table %s: %s: %s\n", cli_prog(), name,
		!t->npk || !c->nkey ? "no primary key on both sides"
				    : "the primary key of side B is not "
				      "that of side A",
		what);
	free(name);
}

/*
 * --emit-deletes: start table c's keys in B's stream, when B has a
 * primary key and it is the merge key (the same columns, in any order):
 * a key only in B then names exactly one row of B, the one to delete.
 * Otherwise warn and write nothing for the table.  Call it before B's
 * rows are opened (db_open puts the merge key in B's place).
 */
static int emit_begin(struct cmp *c, struct verify_opts *o, struct side *b,
		      struct err *e)
{
	const struct schema_table *t = b->t;

	if (!b_key_is_merge_key(c, t)) {
		emit_skip(c, o, t, "no keys written for --emit-deletes");
		return 0;
	}
	memcpy(c->ek, t->pk, t->npk * sizeof(*t->pk));
	if (!(c->et = schema_table_keys(t, c->ek, t->npk, e)))
		return -1;
	return stream_writer_begin_table(b->emit, c->et, e);
}

/* --emit-deletes: the key of B's current row, which A does not have. */
static int emit_key(struct cmp *c, struct side *b, struct err *e)
{
	if (!c->et)
		return 0;
	for (size_t i = 0; i < c->et->ncols; i++)
		c->erow[i] = b->row[c->ek[i]];
	if (stream_writer_add_row(b->emit, c->erow, e) < 0)
		return err_prefix(e, "--emit-deletes");
	c->emitted++;
	return 0;
}

/*
 * --emit-upserts: start table c's rows of A in A's stream: A's compared
 * columns under B's names and B's table name, keyed by the merge key, so
 * that ferry-load --mode upsert into B makes those rows as A has them.
 * The same condition as --emit-deletes: B's primary key is the merge key.
 */
static int upsert_begin(struct cmp *c, struct verify_opts *o, struct side *a,
			struct side *b, struct err *e)
{
	const struct schema_table *t = b->t;
	int same = b_key_is_merge_key(c, t);
	size_t pk[KEY_MAX];

	/* the key's columns are among those compared */
	for (size_t k = 0; same && k < c->nkey; k++) {
		size_t i = 0;
		while (i < c->ncols && c->ca[i] != c->ka[k])
			i++;
		same = i < c->ncols;
		pk[k] = i;
	}
	if (!same) {
		emit_skip(c, o, t, "no rows written for --emit-upserts");
		return 0;
	}
	if (!(c->ut = schema_table_keys(a->t, c->ca, c->ncols, e)) ||
	    !(c->urow = calloc(c->ncols + 1, sizeof(*c->urow))))
		return c->ut ? err_oom(e) : -1;
	free(c->ut->name);
	if (!(c->ut->name = strdup(t->name)))
		return err_oom(e);
	for (size_t i = 0; i < c->ncols; i++) {
		char *n = strdup(t->cols[c->cb[i]].name);
		if (!n)
			return err_oom(e);
		free(c->ut->cols[i].name);
		c->ut->cols[i].name = n;
	}
	memcpy(c->ut->pk, pk, c->nkey * sizeof(*pk));
	c->ut->npk = c->nkey;
	return stream_writer_begin_table(a->emit, c->ut, e);
}

/* --emit-upserts: A's current row, which B lacks or holds otherwise. */
static int upsert_row(struct cmp *c, struct side *a, struct err *e)
{
	if (!c->ut)
		return 0;
	for (size_t i = 0; i < c->ncols; i++)
		c->urow[i] = a->row[c->ca[i]];
	if (stream_writer_add_row(a->emit, c->urow, e) < 0)
		return err_prefix(e, "--emit-upserts");
	c->upserts++;
	return 0;
}

/*
 * "a=1, b='x'": a row known by its canonical form (the compared columns of
 * side A, in order), for the message about a row without a key.  Numbers
 * bare, every other value quoted; NULL bare.
 */
static void row_text(struct cmp *c, const struct side *a,
		     const unsigned char *p, size_t len, struct buf *out)
{
	const unsigned char *end = p + len;
	struct err e;

	buf_reset(out);
	for (size_t i = 0; i < c->ncols; i++) {
		enum value_type t;
		struct value v;
		const char *name = a->t->cols[c->ca[i]].name;

		if (value_canonical_next(&p, end, &t, &v) < 0) {
			buf_addf(out, &e, "%s%s=?", i ? ", " : "", name);
			break;
		}
		if (t == VALUE_DECIMAL) /* digits, or NaN: bare */
			buf_addf(out, &e, "%s%s=%.*s", i ? ", " : "", name,
				 (int)(v.v.s.len > 80 ? 80 : v.v.s.len),
				 v.v.s.p);
		else
			buf_addf(
			    out, &e, "%s%s=%s", i ? ", " : "", name,
			    value_text(&c->x, t, &v,
				       t != VALUE_FLOAT64 && t != VALUE_BOOL));
	}
}

/*
 * A table without a primary key: merge both sides' sorted canonical rows,
 * as comm(1) does, so that each row is matched with an equal one at most
 * once: a row A has more often than B is missing in B (once per copy), one
 * B has more often is extra.  Exact, whatever the digests say.
 */
static int keyless_merge(struct cmp *c, struct verify_opts *o, struct side *a,
			 struct side *b, struct buf *text, struct err *e)
{
	const unsigned char *pa = NULL, *pb = NULL;
	size_t la = 0, lb = 0;
	int ra, rb;

	if (extsort_finish(a->sorted, e) < 0)
		return err_prefix(e, "table %s, side A, sorting the rows",
				  c->name);
	if (extsort_finish(b->sorted, e) < 0)
		return err_prefix(e, "table %s, side B, sorting the rows",
				  c->name);
	if ((ra = extsort_next(a->sorted, &pa, &la, e)) < 0 ||
	    (rb = extsort_next(b->sorted, &pb, &lb, e)) < 0)
		return err_prefix(e, "table %s, sorting the rows", c->name);
	while (ra || rb) {
		int k = !ra ? 1 : !rb ? -1 : extsort_compare(pa, la, pb, lb);

		if (k < 0) {
			c->missing++;
			if (c->shown < o->max_diffs)
				row_text(c, a, pa, la, text);
			note_diff(c, o, "missing in B", (char *)text->data,
				  NULL, NULL);
		} else if (k > 0) {
			c->extra++;
			if (c->shown < o->max_diffs)
				row_text(c, a, pb, lb, text);
			note_diff(c, o, "extra in B", (char *)text->data, NULL,
				  NULL);
		}
		if (k <= 0 && (ra = extsort_next(a->sorted, &pa, &la, e)) < 0)
			return err_prefix(
			    e, "table %s, side A, sorting the rows", c->name);
		if (k >= 0 && (rb = extsort_next(b->sorted, &pb, &lb, e)) < 0)
			return err_prefix(
			    e, "table %s, side B, sorting the rows", c->name);
	}
	return 0;
}

/* Side A as the spec makes it: its output schema from here on */
static int cmp_spec(const struct verify_opts *o, struct side *a,
		    const char *name, struct err *e)
{
	const char *kc;

	side_spec_free(a);
	if (!o->spec)
		return 0;
	if (spec_plan_new(o->spec, a->t, &a->plan, e) < 0)
		return -1;
	if (!a->plan)
		return err_set(e, ERR_SYSTEM,
			       "internal error: table %s is skipped", name);
	if ((kc = spec_plan_reorders_key(a->plan))) {
		err_set(e, ERR_SPEC,
			"table %s: the spec converts key column %s, which "
			"ferry-verify cannot merge on",
			name, kc);
		side_spec_free(a);
		return -1;
	}
	a->t = spec_plan_schema(a->plan);
	a->inrows = a->filtered = a->rejected = 0;
	return 0;
}

/* c's buffers, and its and the sides' arrays of A's columns */
static int cmp_alloc(struct cmp *c, const struct verify_opts *o, struct side *a,
		     struct side *b, struct err *e)
{
	size_t n = a->t->ncols + 1;

	c->unit = 1;
	for (int p = o->time_precision; p < 6; p++)
		c->unit *= 10;
	buf_init(&c->scratch, (size_t)STREAM_MAX_ROW * 2 + 65536);
	buf_init(&c->x, 1u << 20);
	buf_init(&c->y, 1u << 20);
	buf_init(&c->key, 1u << 16);
	buf_init(&a->canon, (size_t)STREAM_MAX_ROW * 2 + 65536);
	buf_init(&b->canon, (size_t)STREAM_MAX_ROW * 2 + 65536);
	buf_init(&a->skeybuf, (size_t)STREAM_MAX_ROW);
	buf_init(&b->skeybuf, (size_t)STREAM_MAX_ROW);
	c->ca = calloc(n, sizeof(*c->ca));
	c->cb = calloc(n, sizeof(*c->cb));
	c->va = calloc(n, sizeof(*c->va));
	c->vb = calloc(n, sizeof(*c->vb));
	c->ta = calloc(n, sizeof(*c->ta));
	c->tb = calloc(n, sizeof(*c->tb));
	for (int i = 0; i < 2; i++) {
		struct side *s = i ? b : a;
		free(s->as_text);
		free(s->utext);
	free(s->dtext);
		free(s->offs);
		free(s->big);
		s->as_text = calloc(n, 1);
		s->utext = calloc(n, sizeof(*s->utext));
		s->dtext = calloc(n, sizeof(*s->dtext));
		s->offs = calloc(n, sizeof(*s->offs));
		s->big = calloc(n, 1);
		if (!s->as_text || !s->utext || !s->dtext || !s->offs || !s->big)
			return err_oom(e);
	}
	if (!c->ca || !c->cb || !c->va || !c->vb || !c->ta || !c->tb)
		return err_oom(e);
	return 0;
}

/* the columns both sides have, in A's order, and how each pair is
 * compared; a column of one side only makes the table differ */
/* a text column of fixed length, padded with blanks: MySQL's CHAR(n),
 * PostgreSQL's character(n) (bpchar) */
static int blank_padded(const struct schema_column *c)
{
	const char *st = c->source_type;

	return st && (strncmp(st, "char(", 5) == 0 ||
		      strncmp(st, "character(", 10) == 0 ||
		      strcmp(st, "bpchar") == 0 || strcmp(st, "character") == 0);
}

/*
 * The text of a MySQL TIME ('-838:59:59.5') or of a PostgreSQL interval in
 * its postgres style ('1 year 2 mons -3 days +04:05:06.789', '838:59:59')
 * as "<months>m<days>d<microseconds>us" into out: 1, or 0 when it is
 * neither (then the text is compared as it is).
 */
static int duration_canon(const char *p, size_t n, char *out, size_t outsz)
{
	const char *s = p, *end = p + n;
	int64_t months = 0, days = 0, us = 0;
	int any = 0;

	while (s < end) {
		const char *t;
		int64_t num = 0, sign = 1;
		int nd = 0;
		while (s < end && *s == ' ')
			s++;
		if (s >= end)
			break;
		t = s;
		if (*t == '-' || *t == '+')
			sign = *t++ == '-' ? -1 : 1;
		while (t < end && *t >= '0' && *t <= '9' && nd < 10) {
			num = num * 10 + (*t++ - '0');
			nd++;
		}
		if (!nd || (t < end && *t >= '0' && *t <= '9'))
			return 0;
		if (t < end && *t == ':') {
			int64_t mm, ss, f = 0, v;
			int fd = 0;
			if (end - t < 6 || t[3] != ':' || t[1] < '0' ||
			    t[1] > '5' || t[2] < '0' || t[2] > '9' ||
			    t[4] < '0' || t[4] > '5' || t[5] < '0' || t[5] > '9')
				return 0;
			mm = (t[1] - '0') * 10 + (t[2] - '0');
			ss = (t[4] - '0') * 10 + (t[5] - '0');
			t += 6;
			if (t < end && *t == '.') {
				t++;
				while (t < end && *t >= '0' && *t <= '9' &&
				       fd < 6) {
					f = f * 10 + (*t++ - '0');
					fd++;
				}
				if (!fd || (t < end && *t >= '0' && *t <= '9'))
					return 0;
				for (; fd < 6; fd++)
					f *= 10;
			}
			if (__builtin_mul_overflow(num, INT64_C(3600000000),
						   &v) ||
			    __builtin_add_overflow(
				v, (mm * 60 + ss) * INT64_C(1000000) + f, &v) ||
			    __builtin_add_overflow(us, sign * v, &us))
				return 0;
		} else {
			static const struct {
				const char *w;
				int kind, mult;
			} units[] = {
				{ "years", 0, 12 }, { "year", 0, 12 },
				{ "mons", 0, 1 },   { "mon", 0, 1 },
				{ "days", 1, 1 },   { "day", 1, 1 },
			};
			size_t u;
			if (t >= end || *t++ != ' ')
				return 0;
			for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
				size_t wl = strlen(units[u].w);
				if ((size_t)(end - t) >= wl &&
				    memcmp(t, units[u].w, wl) == 0 &&
				    (t + wl == end || t[wl] == ' '))
					break;
			}
			if (u == sizeof(units) / sizeof(units[0]))
				return 0;
			t += strlen(units[u].w);
			if (units[u].kind == 0)
				months += sign * num * units[u].mult;
			else
				days += sign * num;
		}
		s = t;
		any = 1;
	}
	if (!any)
		return 0;
	snprintf(out, outsz, "%" PRId64 "m%" PRId64 "d%" PRId64 "us", months,
		 days, us);
	return 1;
}

/* a column whose text is a duration: a MySQL TIME read as text, or a
 * PostgreSQL interval */
static int is_duration(const struct schema_column *c)
{
	return source_time_as_text(c) ||
	       (c->type == VALUE_TEXT && c->source_type &&
		strncmp(c->source_type, "interval", 8) == 0);
}

/* an integer column: int64, uint64, or a decimal of scale 0 */
static int is_integer(const struct schema_column *c)
{
	return c->type == VALUE_INT64 || c->type == VALUE_UINT64 ||
	       (c->type == VALUE_DECIMAL && c->scale == 0);
}

static int key_column(const struct schema_table *t, size_t i)
{
	for (size_t k = 0; k < t->npk; k++)
		if (t->pk[k] == i)
			return 1;
	return 0;
}

/* column i of a database side's t read as its text (--cast text) */
static void time_as_text(struct schema_table *t, size_t i)
{
	t->cols[i].cast = SCHEMA_CAST_TEXT;
	t->cols[i].type = VALUE_TEXT;
	if (t->types)
		t->types[i] = VALUE_TEXT;
}

static void cmp_columns(struct cmp *c, const struct verify_opts *o,
			struct side *a, struct side *b)
{
	const char *name = c->name;

	for (size_t i = 0; i < a->t->ncols; i++) {
		const char *cn = a->t->cols[i].name;
		int j = col_of(b, cn);
		size_t k = c->ncols;
		if (ignored(o, name, cn))
			continue;
		if (j < 0) {
			c->columns_differ = 1;
			say(o, "%s: column %s only in A\n", name, cn);
			continue;
		}
		c->ca[k] = i;
		c->cb[k] = (size_t)j;
		/* a MySQL TIME that is a duration on one side: the other
		 * side's time read as its text too */
		if (source_time_as_text(&a->t->cols[i]) &&
		    b->t->cols[j].type == VALUE_TIME && b->dbt)
			time_as_text(b->dbt, (size_t)j);
		if (source_time_as_text(&b->t->cols[j]) &&
		    a->t->cols[i].type == VALUE_TIME && a->dbt)
			time_as_text(a->dbt, i);
		c->ta[k] = a->t->cols[i].type;
		c->tb[k] = b->t->cols[j].type;
		/* a timestamp against a timestamptz: by their microseconds
		 * (ferry reads and writes zoneless timestamps as UTC) */
		if ((c->ta[k] == VALUE_TIMESTAMP &&
		     c->tb[k] == VALUE_TIMESTAMPTZ) ||
		    (c->ta[k] == VALUE_TIMESTAMPTZ &&
		     c->tb[k] == VALUE_TIMESTAMP))
			c->ta[k] = c->tb[k] = VALUE_TIMESTAMP;
		/* a uuid against text (CHAR(36)): by the uuid's text form */
		a->as_text[k] =
		    c->ta[k] == VALUE_UUID && c->tb[k] == VALUE_TEXT
			? AS_UUID_TEXT
			: 0;
		b->as_text[k] =
		    c->ta[k] == VALUE_TEXT && c->tb[k] == VALUE_UUID
			? AS_UUID_TEXT
			: 0;
		/* a bool against an integer (a MySQL TINYINT next to a
		 * PostgreSQL boolean): false and true as 0 and 1, so that
		 * 0/1 agree and 7 differs */
		if (c->ta[k] == VALUE_BOOL && is_integer(&b->t->cols[j]))
			a->as_text[k] |= AS_BOOL_INT;
		if (c->tb[k] == VALUE_BOOL && is_integer(&a->t->cols[i]))
			b->as_text[k] |= AS_BOOL_INT;
		/* durations: by their months, days and microseconds */
		if (c->ta[k] == VALUE_TEXT && c->tb[k] == VALUE_TEXT &&
		    (is_duration(&a->t->cols[i]) ||
		     is_duration(&b->t->cols[j]))) {
			a->as_text[k] |= AS_DURATION;
			b->as_text[k] |= AS_DURATION;
		}
		/* a CHAR(n) on either side: both without trailing blanks */
		if (c->ta[k] == VALUE_TEXT && c->tb[k] == VALUE_TEXT &&
		    (blank_padded(&a->t->cols[i]) ||
		     blank_padded(&b->t->cols[j])) &&
		    !key_column(a->t, i)) {
			a->as_text[k] |= AS_UNPADDED;
			b->as_text[k] |= AS_UNPADDED;
		}
		c->ncols++;
	}
	for (size_t j = 0; j < b->t->ncols; j++)
		if (col_of(a, b->t->cols[j].name) < 0 &&
		    !ignored(o, name, b->t->cols[j].name)) {
			c->columns_differ = 1;
			say(o, "%s: column %s only in B\n", name,
			    b->t->cols[j].name);
		}
}

/* the key: A's primary key, found by name in B; without one on both
 * sides the rows are sorted */
static int cmp_key(struct cmp *c, const struct verify_opts *o, struct side *a,
		   struct side *b, struct err *e)
{
	size_t budget = o->sort_budget ? o->sort_budget : VERIFY_SORT_BUDGET;

	c->nkey = a->t->npk <= KEY_MAX ? a->t->npk : 0;
	for (size_t i = 0; i < c->nkey; i++) {
		int j = col_of(b, a->t->cols[a->t->pk[i]].name);
		if (j < 0) {
			c->nkey = 0;
			break;
		}
		c->ka[i] = a->t->pk[i];
		c->kb[i] = (size_t)j;
	}
	if (c->nkey)
		return 0;
	say(o, "%s: no primary key on both sides: comparing the rows sorted\n",
	    c->name);
	extsort_free(a->sorted);
	extsort_free(b->sorted);
	b->sorted = NULL;
	if (!(a->sorted = extsort_new(budget / 2, e)) ||
	    !(b->sorted = extsort_new(budget / 2, e)))
		return -1;
	return 0;
}

/* the emitted streams' tables begun, both sides' rows opened in key
 * order, and the first row of each read */
static int cmp_open(struct cmp *c, struct verify_opts *o, struct side *a,
		    struct side *b, struct err *e)
{
	if (b->emit && emit_begin(c, o, b, e) < 0)
		return -1;
	if (a->emit && upsert_begin(c, o, a, b, e) < 0)
		return -1;
	if (a->plan) {
		/* A's database rows come in the input table's key order */
		size_t kin[KEY_MAX];
		for (size_t i = 0; i < c->nkey; i++)
			kin[i] = (size_t)spec_plan_source(a->plan, c->ka[i]);
		if (!a->is_stream && db_open(a, kin, c->nkey, e) < 0)
			return -1;
	} else if (!a->is_stream && db_open(a, c->ka, c->nkey, e) < 0) {
		return -1;
	}
	if (!b->is_stream && db_open(b, c->kb, c->nkey, e) < 0)
		return -1;
	a->skey = c->ka;
	b->skey = c->kb;
	a->nskey = b->nskey = c->nkey;
	a->sample_ppm = b->sample_ppm = c->nkey ? o->sample_ppm : 0;
	if (o->sample_ppm && o->sample_ppm < 1000000 && !c->nkey)
		say(o, "%s: no key to sample by: every row compared\n",
		    c->name);
	a->has_prev = b->has_prev = 0;
	digest_init(&a->dig);
	digest_init(&b->dig);
	a->rows = b->rows = 0;
	if (side_next(a, e) < 0 || side_next(b, e) < 0)
		return -1;
	return 0;
}

/* the row side s (A or B) stands on: into its digest and, by key,
 * checked for order */
static int cmp_take(struct cmp *c, struct side *s, struct side *a,
		    struct err *e)
{
	int is_a = s == a;

	if (!s->row)
		return 0;
	if (add_digest(c, s, is_a ? c->ca : c->cb, is_a ? c->va : c->vb,
		       is_a ? c->ta : c->tb, e) < 0)
		return -1;
	return c->nkey ? check_order(c, s, is_a ? c->ka : c->kb, e) : 0;
}

/* no key: the canonical form of the row side s stands on, kept to sort */
static int cmp_keep(struct cmp *c, struct side *s, struct err *e)
{
	if (!s->row ||
	    extsort_add(s->sorted, s->canon.data, s->canon.len, e) >= 0)
		return 0;
	return err_prefix(e, "table %s, side %c, sorting the rows", c->name,
			  s->label);
}

/* By key: the rows of one side before the other's row, missing in B or
 * extra in B, until both stand on one key or are done. */
static int cmp_unmatched(struct cmp *c, struct verify_opts *o, struct side *a,
			 struct side *b, struct err *e)
{
	while (a->row || b->row) {
		int k = !a->row ? 1
			: !b->row
			    ? -1
			    : key_cmp(c, a, a->row, c->ka, b, b->row, c->kb);
		if (k == 0)
			break;
		if (k < 0) {
			key_text(c, a, c->ka, &c->key);
			c->missing++;
			note_diff(c, o, "missing in B", (char *)c->key.data,
				  NULL, NULL);
			if (upsert_row(c, a, e) < 0 || side_next(a, e) < 0 ||
			    cmp_take(c, a, a, e) < 0)
				return -1;
		} else {
			key_text(c, b, c->kb, &c->key);
			c->extra++;
			note_diff(c, o, "extra in B", (char *)c->key.data, NULL,
				  NULL);
			if (emit_key(c, b, e) < 0 || side_next(b, e) < 0 ||
			    cmp_take(c, b, a, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* Both sides to their ends: merged by key, or (no key) kept to sort and
 * merged after. */
static int cmp_merge(struct cmp *c, struct verify_opts *o, struct side *a,
		     struct side *b, struct err *e)
{
	while (a->row || b->row) {
		uint64_t before = c->changed;

		if (cmp_take(c, a, a, e) < 0 || cmp_take(c, b, a, e) < 0)
			return -1;
		if (!c->nkey) {
			/* no key: read both to their ends, keeping every
			 * row's canonical form to sort */
			if (cmp_keep(c, a, e) < 0 || cmp_keep(c, b, e) < 0 ||
			    (a->row && side_next(a, e) < 0) ||
			    (b->row && side_next(b, e) < 0))
				return -1;
			continue;
		}
		if (cmp_unmatched(c, o, a, b, e) < 0)
			return -1;
		if (!a->row && !b->row)
			break;
		if (compare_rows(c, o, a, b, &c->key, e) < 0 ||
		    (c->changed > before && upsert_row(c, a, e) < 0))
			return -1;
		if (side_next(a, e) < 0 || side_next(b, e) < 0)
			return -1;
	}
	return 0;
}

/* the tables of --emit-deletes and --emit-upserts ended */
static int cmp_end_emits(struct cmp *c, struct verify_opts *o, struct side *a,
			 struct side *b, struct err *e)
{
	if (c->et) {
		if (stream_writer_end_table(b->emit, e) < 0)
			return err_prefix(e, "--emit-deletes");
		o->emitted += c->emitted;
	}
	if (c->ut) {
		if (stream_writer_end_table(a->emit, e) < 0)
			return err_prefix(e, "--emit-upserts");
		o->upserts += c->upserts;
	}
	return 0;
}

/* the table's verdict in the summary */
static void cmp_say(const struct cmp *c, const struct verify_opts *o,
		    const struct side *a, const struct side *b, int equal)
{
	const char *name = c->name;

	say(o, "%s: A %" PRIu64 " rows, B %" PRIu64 " rows: %s", name, a->rows,
	    b->rows, equal ? "equal" : "DIFFERENT");
	if (c->nkey && o->sample_ppm && o->sample_ppm < 1000000)
		say(o, " [a sample: %.4g%% of the keys]",
		    (double)o->sample_ppm / 10000.0);
	if (!equal && c->nkey)
		say(o,
		    " (%" PRIu64 " missing in B, %" PRIu64
		    " extra in B, %" PRIu64 " changed)",
		    c->missing, c->extra, c->changed);
	else if (!equal && (c->missing || c->extra))
		say(o, " (%" PRIu64 " missing in B, %" PRIu64 " extra in B)",
		    c->missing, c->extra);
	say(o, "\n");
	if (a->rejected)
		say(o,
		    "%s: side A has %" PRIu64 " rows the spec rejects: not "
		    "compared\n",
		    name, a->rejected);
	if (c->shown > o->max_diffs)
		say(o, "  ... and %" PRIu64 " more differences\n",
		    c->shown - o->max_diffs);
	if (c->et)
		say(o, "%s: %" PRIu64 " keys only in B written for deletion\n",
		    name, c->emitted);
	if (c->ut)
		say(o, "%s: %" PRIu64 " rows of A written for upsert\n", name,
		    c->upserts);
}

/* the table's verdict in --report's JSON */
static void cmp_json(const struct cmp *c, const struct side *a,
		     const struct side *b, int equal, double seconds, cJSON *tj)
{
	char da[DIGEST_HEX_LEN + 1], db[DIGEST_HEX_LEN + 1];

	digest_hex(&a->dig, da);
	digest_hex(&b->dig, db);
	cJSON_AddNumberToObject(tj, "rows_a", (double)a->rows);
	cJSON_AddNumberToObject(tj, "rows_b", (double)b->rows);
	cJSON_AddStringToObject(tj, "digest_a", da);
	cJSON_AddStringToObject(tj, "digest_b", db);
	cJSON_AddBoolToObject(tj, "equal", equal);
	cJSON_AddBoolToObject(tj, "merged_by_key", c->nkey > 0);
	if (!c->nkey)
		cJSON_AddNumberToObject(tj, "sort_runs",
					(double)(extsort_runs(a->sorted) +
						 extsort_runs(b->sorted)));
	cJSON_AddNumberToObject(tj, "missing_in_b", (double)c->missing);
	cJSON_AddNumberToObject(tj, "extra_in_b", (double)c->extra);
	cJSON_AddNumberToObject(tj, "changed", (double)c->changed);
	if (a->plan) {
		cJSON_AddNumberToObject(tj, "filtered_a", (double)a->filtered);
		cJSON_AddNumberToObject(tj, "rejected_a", (double)a->rejected);
	}
	cJSON_AddNumberToObject(tj, "seconds", seconds);
}

static void cmp_release(struct cmp *c, struct side *a, struct side *b)
{
	cJSON_Delete(c->tj);
	schema_table_free(c->et);
	schema_table_free(c->ut);
	free(c->urow);
	free(c->ca);
	free(c->cb);
	free(c->va);
	free(c->vb);
	free(c->ta);
	free(c->tb);
	buf_release(&c->scratch);
	buf_release(&c->x);
	buf_release(&c->y);
	buf_release(&c->key);
	for (int i = 0; i < 2; i++) {
		struct side *s = i ? b : a;
		buf_release(&s->canon);
		buf_release(&s->skeybuf);
		extsort_free(s->sorted);
		s->sorted = NULL;
	}
}

/*
 * Compare table `name` of sides a and b (each standing at it): the rows
 * merged by key, or sorted when there is none; the verdict said on
 * o->out and added to report (when not NULL).
 */
/* --- --schema-only ------------------------------------------------------ */

static int struct_same(void *ctx, const char *a, const char *b, int table)
{
	const struct side *s = ctx;

	return same_name(s->pgmap, s->fold, a, b, table);
}

struct struct_diffs {
	struct verify_opts *o;
	cJSON *arr;
};

static int struct_diff(void *ctx, const char *about, const char *what,
		       struct err *e)
{
	struct struct_diffs *d = ctx;

	(void)e;
	say(d->o, "  %s: %s\n", about, what);
	if (d->arr) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "about", about);
		cJSON_AddStringToObject(x, "what", what);
		cJSON_AddItemToArray(d->arr, x);
	}
	return 0;
}

static int compare_table(struct verify_opts *o, struct side *a, struct side *b,
			 const char *name, cJSON *report, struct err *e)
{
	struct cmp c;
	double t0 = progress_now();
	int rc = -1, equal;
	long behind = 0;

	memset(&c, 0, sizeof(c));
	c.name = name;
	if (cmp_spec(o, a, name, e) < 0)
		return -1;
	if (cmp_alloc(&c, o, a, b, e) < 0)
		goto out;
	if (report) {
		c.tj = cJSON_CreateObject();
		cJSON_AddStringToObject(c.tj, "table", name);
		c.diffs = cJSON_AddArrayToObject(c.tj, "differences");
	}
	cmp_columns(&c, o, a, b);
	if (cmp_key(&c, o, a, b, e) < 0 || cmp_open(&c, o, a, b, e) < 0 ||
	    cmp_merge(&c, o, a, b, e) < 0 ||
	    (!c.nkey && keyless_merge(&c, o, a, b, &c.key, e) < 0) ||
	    cmp_end_emits(&c, o, a, b, e) < 0)
		goto out;
	/* two databases: B's counters go on from A's, or the application's
	 * next INSERT there takes an id B holds */
	if (!a->is_stream && !b->is_stream && !o->spec) {
		struct struct_diffs d = { o, NULL };
		if (c.tj)
			d.arr = cJSON_AddArrayToObject(c.tj, "structure");
		if ((behind = structure_counters(a->t, b->t, struct_same, b,
						 struct_diff, &d, e)) < 0)
			goto out;
	}
	/* the merge decides, by key or over the sorted rows: exact either
	 * way; the digests, an unkeyed sum, decide nothing */
	equal = !c.columns_differ && a->rows == b->rows && !c.missing &&
		!c.extra && !c.changed && !behind;
	if (!equal)
		o->differ = 1;
	cmp_say(&c, o, a, b, equal);
	if (o->metrics &&
	    metrics_table(o->metrics, name, a->rows, METRICS_NONE,
			  progress_now() - t0, METRICS_NONE, e) < 0)
		goto out;
	if (c.tj) {
		cmp_json(&c, a, b, equal, progress_now() - t0, c.tj);
		cJSON_AddItemToArray(report, c.tj);
		c.tj = NULL;
	}
	rc = 0;
out:
	cmp_release(&c, a, b);
	if (rc < 0 && (e->class == ERR_STREAM || e->class == ERR_DB))
		err_prefix(e, "table %s", name);
	return rc;
}

/* --- --probe -------------------------------------------------------------- */

/* a value for column c that no row holds, made from one a row holds
 * (v): 1 with out, 0 when ferry makes none for its type */
static int fresh_value(const struct schema_column *c, const char *v,
		       char *out, size_t outsz)
{
	switch (c->type) {
	case VALUE_INT64:
	case VALUE_UINT64:
	case VALUE_DECIMAL: {
		/* a near value the column's type holds (a TINYINT's 127:
		 * MySQL outside strict mode would clamp a far one where
		 * PostgreSQL refuses it); one a row holds already makes
		 * both sides refuse, which is no difference */
		const char *st = c->source_type ? c->source_type : "";
		long long max = strncmp(st, "tinyint", 7) == 0	  ? 127
				: strncmp(st, "smallint", 8) == 0 ? 32767
				: strncmp(st, "mediumint", 9) == 0 ? 8388607
				: strncmp(st, "int", 3) == 0	   ? 2147483647LL
							   : 9007199254740991LL;
		char *end;
		long long x = strtoll(v, &end, 10);
		if (*end && *end != '.')
			return 0;
		snprintf(out, outsz, "%lld", x <= max - 7 ? x + 7 : x - 7);
		return 1;
	}
	case VALUE_TEXT:
		snprintf(out, outsz, "~fp%zu", strlen(v) % 10);
		return 1;
	case VALUE_UUID:
		snprintf(out, outsz, "f0e1d2c3-b4a5-4697-8877-665544332211");
		return 1;
	default: return 0;
	}
}

/* a key or unique index of t holds column i */
static int in_unique(const struct schema_table *t, size_t i)
{
	if (key_column(t, i))
		return 1;
	for (size_t x = 0; x < t->nindexes; x++)
		for (size_t k = 0; t->indexes[x].unique && k < t->indexes[x].ncols;
		     k++)
			if (t->indexes[x].cols[k] == i)
				return 1;
	return 0;
}

struct probe_run {
	struct verify_opts *o;
	struct side *s[2];
	struct struct_diffs *d;
	size_t ucols[2][PROBE_MAX_COLS]; /* the columns read, each side's */
	size_t nu;
	char **vals[2];
	size_t nrows[2];
	long n; /* differences */
};

/* the value side k's row r holds for A's column ia, or NULL */
static const char *pval(const struct probe_run *pr, int k, size_t r, size_t ia)
{
	for (size_t u = 0; u < pr->nu; u++)
		if (pr->ucols[0][u] == ia)
			return pr->vals[k][r * pr->nu + u];
	return NULL;
}

/* A's column ia among those read (added when there is room): 0, -1 */
static int use_col(struct probe_run *pr, size_t ia)
{
	int jb;

	for (size_t u = 0; u < pr->nu; u++)
		if (pr->ucols[0][u] == ia)
			return 0;
	if (pr->nu == PROBE_MAX_COLS ||
	    (jb = col_of(pr->s[1], pr->s[0]->t->cols[ia].name)) < 0)
		return -1;
	pr->ucols[0][pr->nu] = ia;
	pr->ucols[1][pr->nu++] = (size_t)jb;
	return 0;
}

/* the two sides' answers to one probe: a difference when they differ */
static int probe_said(struct probe_run *pr, const char *about, const int ok[2],
		      char why[2][300], struct err *e)
{
	char what[700];

	if (ok[0] == ok[1])
		return 0;
	snprintf(what, sizeof(what), "%s: %s", ok[0] ? "A takes it, B refuses"
						     : "B takes it, A refuses",
		 ok[0] ? why[1] : why[0]);
	pr->n++;
	return struct_diff(pr->d, about, what, e);
}

/* an INSERT giving only the columns that have no default (a row's
 * values; a key's or unique column's made fresh) */
static int probe_insert_row(struct probe_run *pr, struct err *e)
{
	const struct schema_table *ta = pr->s[0]->t;
	size_t cols[2][PROBE_MAX_COLS], n = 0;
	char fresh[2][PROBE_MAX_COLS][64];
	const char *vals[2][PROBE_MAX_COLS];
	char why[2][300], about[700];
	int ok[2];
	size_t o = 0;

	o += (size_t)snprintf(about, sizeof(about),
			      "probe: an INSERT giving only (");
	for (size_t i = 0; i < ta->ncols; i++) {
		const struct schema_column *c = &ta->cols[i];
		if (c->nullable || c->has_default || c->generated ||
		    c->identity != SCHEMA_IDENTITY_NONE ||
		    c->def.kind != SCHEMA_DEFAULT_NONE)
			continue;
		if (n == PROBE_MAX_COLS || c->type == VALUE_BYTES ||
		    use_col(pr, i) < 0)
			return 0; /* not probed */
		for (int k = 0; k < 2; k++) {
			const char *v = pval(pr, k, 0, i);
			size_t u = 0;
			while (pr->ucols[0][u] != i)
				u++;
			cols[k][n] = pr->ucols[k][u];
			vals[k][n] = v;
			if (v && in_unique(ta, i)) {
				if (!fresh_value(c, v, fresh[k][n],
						 sizeof(fresh[k][n])))
					return 0;
				vals[k][n] = fresh[k][n];
			}
		}
		if (o < sizeof(about))
			o += (size_t)snprintf(about + o, sizeof(about) - o,
					      "%s%s", n ? ", " : "", c->name);
		n++;
	}
	if (o < sizeof(about))
		snprintf(about + o, sizeof(about) - o, ")");
	for (int k = 0; k < 2; k++)
		if ((ok[k] = probe_insert(pr->s[k]->probe, pr->s[k]->t, cols[k],
					  vals[k], n, why[k], sizeof(why[k]),
					  e)) < 0)
			return -1;
	return probe_said(pr, about, ok, why, e);
}

/* row 1's key on side k, in t's key order */
static int key_vals(struct probe_run *pr, int k, size_t r, const char **key)
{
	const struct schema_table *ta = pr->s[0]->t;

	for (size_t x = 0; x < ta->npk; x++)
		if (!(key[x] = pval(pr, k, r, ta->pk[x])))
			return -1;
	return 0;
}

/* UPDATE row r's column ia (A's) to vals[k] on each side */
static int probe_set(struct probe_run *pr, const char *about, size_t ia,
		     size_t r, const char *const vals[2], struct err *e)
{
	const char *key[PROBE_MAX_COLS];
	char why[2][300];
	int ok[2];

	for (int k = 0; k < 2; k++) {
		size_t u = 0;
		while (pr->ucols[0][u] != ia)
			u++;
		if (key_vals(pr, k, r, key) < 0)
			return 0;
		if ((ok[k] = probe_update(pr->s[k]->probe, pr->s[k]->t,
					  pr->ucols[k][u], vals[k], key, why[k],
					  sizeof(why[k]), e)) < 0)
			return -1;
	}
	return probe_said(pr, about, ok, why, e);
}

/* a unique text column: row 2 given row 1's value in another case */
static int probe_case(struct probe_run *pr, size_t ia, struct err *e)
{
	const struct schema_column *c = &pr->s[0]->t->cols[ia];
	char other[2][512];
	const char *vals[2];
	char about[SCHEMA_MAX_NAME + 64];

	for (int k = 0; k < 2; k++) {
		const char *v = pval(pr, k, 0, ia);
		int changed = 0;
		if (!v || strlen(v) >= sizeof(other[k]))
			return 0;
		for (size_t i = 0; v[i]; i++) {
			char ch = v[i];
			if (ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 'a' + 'A');
			else if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			changed |= ch != v[i];
			other[k][i] = ch;
		}
		other[k][strlen(v)] = 0;
		if (!changed)
			return 0;
		vals[k] = other[k];
	}
	snprintf(about, sizeof(about),
		 "probe: a duplicate of %s in another case", c->name);
	return probe_set(pr, about, ia, 1, vals, e);
}

/* a foreign key's column: row 1 pointed at a parent that is not there */
static int probe_orphan(struct probe_run *pr, const struct schema_fkey *fk,
			struct err *e)
{
	const struct schema_column *c = &pr->s[0]->t->cols[fk->cols[0]];
	const char *vals[2];
	char about[SCHEMA_MAX_NAME * 2 + 64];

	switch (c->type) {
	case VALUE_INT64:
	case VALUE_UINT64:
	case VALUE_DECIMAL: vals[0] = vals[1] = "2147480001"; break;
	case VALUE_TEXT: vals[0] = vals[1] = "~ferry probe: no parent"; break;
	case VALUE_UUID:
		vals[0] = vals[1] = "f0e1d2c3-b4a5-4697-8877-665544332212";
		break;
	default: return 0;
	}
	snprintf(about, sizeof(about),
		 "probe: %s pointing at no %s row", c->name, fk->ref_table);
	return probe_set(pr, about, fk->cols[0], 0, vals, e);
}

/* the probes of one table, both sides: the differences, or -1 */
static long probe_table(struct verify_opts *o, struct side *a, struct side *b,
			struct struct_diffs *d, struct err *e)
{
	const struct schema_table *ta = a->t;
	struct probe_run pr;
	long rc = -1;

	memset(&pr, 0, sizeof(pr));
	pr.o = o;
	pr.s[0] = a;
	pr.s[1] = b;
	pr.d = d;
	if (!ta->npk || !b->t->npk)
		return 0; /* no key to find a row by */
	for (size_t k = 0; k < ta->npk; k++)
		if (use_col(&pr, ta->pk[k]) < 0)
			return 0;
	/* what the probes read: required columns, unique text columns,
	 * single-column foreign keys (those that fit) */
	for (size_t i = 0; i < ta->ncols; i++) {
		const struct schema_column *c = &ta->cols[i];
		int need = !c->nullable && !c->has_default && !c->generated &&
			   c->identity == SCHEMA_IDENTITY_NONE &&
			   c->def.kind == SCHEMA_DEFAULT_NONE;
		need |= c->type == VALUE_TEXT && in_unique(ta, i);
		if (need)
			(void)use_col(&pr, i);
	}
	for (size_t f = 0; f < ta->nfkeys; f++)
		if (ta->fkeys[f].ncols == 1)
			(void)use_col(&pr, ta->fkeys[f].cols[0]);
	for (int k = 0; k < 2; k++) {
		const struct schema_table *t = pr.s[k]->t;
		if (probe_rows(pr.s[k]->probe, t, pr.ucols[k], pr.nu,
			       &pr.vals[k], &pr.nrows[k], e) < 0)
			goto out;
	}
	if (pr.nrows[0] < 1 || pr.nrows[1] < 1) {
		rc = 0; /* an empty table: nothing to make rows from */
		goto out;
	}
	if (probe_insert_row(&pr, e) < 0)
		goto out;
	for (size_t i = 0; pr.nrows[0] > 1 && pr.nrows[1] > 1 && i < ta->ncols;
	     i++) {
		int single = 0;
		for (size_t x = 0; x < ta->nindexes; x++)
			single |= ta->indexes[x].unique &&
				  ta->indexes[x].ncols == 1 &&
				  ta->indexes[x].cols[0] == i;
		single |= ta->npk == 1 && ta->pk[0] == i;
		if (single && ta->cols[i].type == VALUE_TEXT &&
		    pval(&pr, 0, 0, i) && probe_case(&pr, i, e) < 0)
			goto out;
	}
	for (size_t f = 0; f < ta->nfkeys; f++)
		if (ta->fkeys[f].ncols == 1 && pval(&pr, 0, 0, ta->fkeys[f].cols[0]) &&
		    probe_orphan(&pr, &ta->fkeys[f], e) < 0)
			goto out;
	rc = pr.n;
out:
	for (int k = 0; k < 2; k++)
		probe_vals_free(pr.vals[k], pr.nrows[k] * pr.nu);
	return rc;
}

/* a routine's name without its arguments (PostgreSQL lists "f(integer)",
 * MySQL "f"), into out */
static const char *bare_name(const char *n, char *out, size_t outsz)
{
	const char *paren = strchr(n, '(');
	size_t l = paren ? (size_t)(paren - n) : strlen(n);

	snprintf(out, outsz, "%.*s", (int)(l < outsz ? l : outsz - 1), n);
	return out;
}

/* the objects of kinds[] that one side has and the other not, each a
 * difference (what it means for the application: says_a, says_b):
 * their number, or -1 */
/*
 * A view carried on both sides of one engine (b->en the other's): its
 * query in ferry's form the same, or a difference said (1).  Between two
 * engines each deparses in its own way (PostgreSQL writes BETWEEN as two
 * comparisons), so only the names are compared there.
 */
static int view_differs(const struct side *b, const struct schema_object *o,
			const struct schema_objects *y, struct struct_diffs *d,
			struct err *e)
{
	char nx[SCHEMA_MAX_NAME], ny[SCHEMA_MAX_NAME];
	char about[SCHEMA_MAX_NAME + 16];

	if (b->pgmap)
		return 0;
	bare_name(o->name, nx, sizeof(nx));
	for (size_t j = 0; j < y->n; j++) {
		const struct schema_object *p = &y->v[j];
		if (strcmp(p->kind, "view") != 0)
			continue;
		bare_name(p->name, ny, sizeof(ny));
		if (strcmp(nx, ny) != 0)
			continue;
		if (!p->view || strcmp(o->view->query, p->view->query) == 0)
			return 0;
		snprintf(about, sizeof(about), "view %s", o->name);
		return struct_diff(d, about,
				   "its query differs (read in ferry's "
				   "form on each side)",
				   e) < 0
			   ? -1
			   : 1;
	}
	return 0;
}

static long objects_differ(const struct side *b, const struct schema_objects *oa,
			   const struct schema_objects *ob,
			   const char *const *kinds, struct struct_diffs *d,
			   struct err *e)
{
	long n = 0;

	for (int side = 0; side < 2; side++) {
		const struct schema_objects *x = side ? ob : oa;
		const struct schema_objects *y = side ? oa : ob;
		for (size_t i = 0; i < x->n; i++) {
			const struct schema_object *o = &x->v[i];
			char nx[SCHEMA_MAX_NAME], ny[SCHEMA_MAX_NAME];
			char about[2 * SCHEMA_MAX_NAME + 32];
			int want = 0, found = 0, rc;
			for (const char *const *k = kinds; *k; k++)
				want |= strcmp(o->kind, *k) == 0;
			if (!want)
				continue;
			bare_name(o->name, nx, sizeof(nx));
			for (size_t j = 0; !found && j < y->n; j++) {
				const struct schema_object *p = &y->v[j];
				/* a routine may be a function on one engine and
				 * a procedure on the other: both are routines */
				int routine =
				    (strcmp(o->kind, "function") == 0 ||
				     strcmp(o->kind, "procedure") == 0) &&
				    (strcmp(p->kind, "function") == 0 ||
				     strcmp(p->kind, "procedure") == 0);
				if (!routine && strcmp(p->kind, o->kind) != 0)
					continue;
				bare_name(p->name, ny, sizeof(ny));
				found = side ? same_name(b->pgmap, b->fold, ny, nx,
							 1)
					     : same_name(b->pgmap, b->fold, nx, ny,
							 1);
			}
			if (found && !side && o->view &&
			    (rc = view_differs(b, o, y, d, e)) != 0) {
				if (rc < 0)
					return -1;
				n++;
			}
			if (found)
				continue;
			snprintf(about, sizeof(about), "%s %s", o->kind, o->name);
			n++;
			if (struct_diff(d, about,
					side ? "only on B: what it does there, "
					       "A does not"
					     : "not on B: what it does on A, B "
					       "does not",
					e) < 0)
				return -1;
		}
	}
	return n;
}

/* what each side holds and the stream does not carry (source_objects):
 * of its table being compared, or (whole_db) of no table; 0, or -1
 * with e set (ob released by the caller either way) */
static int both_objects(struct side *a, struct side *b, int whole_db,
			struct schema_objects ob[2], struct err *e)
{
	struct side *s[2] = { a, b };

	memset(ob, 0, 2 * sizeof(*ob));
	/* of the whole database: its views read the tables compared */
	for (int k = 0; k < 2; k++)
		if (source_objects(s[k]->src, whole_db ? s[k]->seen : &s[k]->dbt,
				   whole_db ? s[k]->nseen : 1, whole_db, &ob[k],
				   e) < 0)
			return err_prefix(e, "side %c", s[k]->label);
	return 0;
}

/* the triggers and rules of table t on each side */
static long table_objects(struct side *a, struct side *b,
			  struct struct_diffs *d, struct err *e)
{
	static const char *const kinds[] = { "trigger", "rule", NULL };
	struct schema_objects ob[2];
	long n = -1;

	if (both_objects(a, b, 0, ob, e) == 0)
		n = objects_differ(b, &ob[0], &ob[1], kinds, d, e);
	schema_objects_release(&ob[0]);
	schema_objects_release(&ob[1]);
	return n;
}

/* the structure of table `name` on both sides, every difference said */
static int structure_table(struct verify_opts *o, struct side *a,
			   struct side *b, const char *name, cJSON *report,
			   struct err *e)
{
	struct struct_diffs d = { o, NULL };
	cJSON *tj = NULL;
	long n;

	if (report) {
		tj = cJSON_CreateObject();
		cJSON_AddStringToObject(tj, "table", name);
		d.arr = cJSON_AddArrayToObject(tj, "structure");
	}
	/* the tables a whole-database run's views read (structure_sequences) */
	for (int k = 0; !o->ntables && k < 2; k++) {
		struct side *sk = k ? b : a;
		if (sk->nseen == sk->capseen) {
			size_t nc = sk->capseen ? sk->capseen * 2 : 16;
			struct schema_table **ns =
			    realloc(sk->seen, nc * sizeof(*ns));
			if (!ns)
				return err_oom(e);
			sk->seen = ns;
			sk->capseen = nc;
		}
		if (!(sk->seen[sk->nseen] = schema_table_copy(sk->t, e)))
			return -1;
		sk->nseen++;
	}
	n = structure_compare(a->t, b->t,
			      (a->en == b->en) |
				  (a->en && b->en &&
				   strcmp(a->en->name, "postgresql") == 0 &&
				   strcmp(b->en->name, "postgresql") == 0
				       ? STRUCTURE_BOTH_PG
				       : 0),
			      struct_same, b,
			      struct_diff, &d, e);
	if (n >= 0) {
		long tn = table_objects(a, b, &d, e);
		n = tn < 0 ? -1 : n + tn;
	}
	if (n >= 0 && o->probe) {
		long pn = probe_table(o, a, b, &d, e);
		n = pn < 0 ? -1 : n + pn;
	}
	if (n < 0) {
		cJSON_Delete(tj);
		return err_prefix(e, "table %s", name);
	}
	if (n)
		o->differ = 1;
	say(o, "%s: %s\n", name,
	    n ? "structure DIFFERENT" : "the same structure");
	if (tj) {
		cJSON_AddBoolToObject(tj, "equal", n == 0);
		cJSON_AddItemToArray(report, tj);
	}
	return 0;
}

/* every sequence of A that belongs to no column: on B too, and not
 * behind (the next value it gives at least A's); and the views,
 * routines and events of either side on the other */
static int structure_sequences(struct verify_opts *o, struct side sd[2],
			       cJSON *report, struct err *e)
{
	struct schema_objects ob[2];
	struct struct_diffs d = { o, NULL };
	cJSON *tj = NULL;
	long n = 0;
	int rc = -1;

	if (both_objects(&sd[0], &sd[1], 1, ob, e) < 0)
		goto out;
	if (report) {
		tj = cJSON_CreateObject();
		cJSON_AddStringToObject(tj, "sequences", "free");
		/* and the views, routines and events (the member's name
		 * is kept for readers of earlier reports) */
		d.arr = cJSON_AddArrayToObject(tj, "structure");
	}
	for (size_t i = 0; i < ob[0].n; i++) {
		const struct schema_object *x = &ob[0].v[i];
		const struct schema_object *y = NULL;
		char about[SCHEMA_MAX_NAME + 16], what[200];
		if (strcmp(x->kind, "sequence") != 0)
			continue;
		for (size_t j = 0; !y && j < ob[1].n; j++)
			if (strcmp(ob[1].v[j].kind, "sequence") == 0 &&
			    same_name(sd[1].pgmap, sd[1].fold, x->name,
				      ob[1].v[j].name, 1))
				y = &ob[1].v[j];
		snprintf(about, sizeof(about), "sequence %s", x->name);
		if (!y)
			snprintf(what, sizeof(what), "not on B");
		else if (x->seq && y->seq && y->seq->next < x->seq->next &&
			 y->seq->increment > 0)
			snprintf(what, sizeof(what),
				 "behind: it gives %" PRId64 " next on B, %" PRId64
				 " on A",
				 y->seq->next, x->seq->next);
		else
			continue;
		n++;
		if (struct_diff(&d, about, what, e) < 0)
			goto out;
	}
	{
		static const char *const kinds[] = { "view", "materialized view",
						     "function", "procedure",
						     "event", NULL };
		long m = objects_differ(&sd[1], &ob[0], &ob[1], kinds, &d, e);
		if (m < 0)
			goto out;
		n += m;
	}
	if (n)
		o->differ = 1;
	if (tj) {
		cJSON_AddBoolToObject(tj, "equal", n == 0);
		cJSON_AddItemToArray(report, tj);
		tj = NULL;
	}
	rc = 0;
out:
	cJSON_Delete(tj);
	schema_objects_release(&ob[0]);
	schema_objects_release(&ob[1]);
	return rc;
}

/* -s, then --table-map: the name on side B of side A's table, and back */
/* --schema: a name of a table put in that schema (to_b) or taken out of
 * it; NULL when it does not apply.  Kept in one of a few buffers, so
 * that a caller may hold two at once. */
static const char *schema_moved(const struct verify_opts *o, const char *n,
				int to_b)
{
	static char ring[4][2 * SCHEMA_MAX_NAME + 8];
	static unsigned next;
	char *sc = NULL, *tb = NULL, *f = NULL, *slot;
	struct err e;

	if (!o->schema)
		return NULL;
	err_init(&e);
	if (schema_name_parse(n, &sc, &tb, &e) < 0)
		return NULL;
	if (to_b && !sc)
		f = schema_name_format(o->schema, tb, &e);
	else if (!to_b && sc && strcmp(sc, o->schema) == 0)
		f = schema_name_format(NULL, tb, &e);
	free(sc);
	free(tb);
	if (!f)
		return NULL;
	slot = ring[next++ % 4];
	snprintf(slot, sizeof(ring[0]), "%s", f);
	free(f);
	return slot;
}

static const char *name_b(const struct verify_opts *o, const char *a)
{
	const char *m;

	if (o->spec && spec_table_name(o->spec, a))
		a = spec_table_name(o->spec, a);
	for (size_t i = 0; i < o->nmaps; i++)
		if (strcmp(o->map_from[i], a) == 0)
			return o->map_to[i];
	return (m = schema_moved(o, a, 1)) ? m : a;
}

static const char *name_a(const struct verify_opts *o, const char *b)
{
	size_t i;
	const char *m;

	for (i = 0; i < o->nmaps; i++)
		if (strcmp(o->map_to[i], b) == 0) {
			b = o->map_from[i];
			break;
		}
	if (i == o->nmaps && (m = schema_moved(o, b, 0)))
		b = m;
	return o->spec ? spec_table_source(o->spec, b) : b;
}

static int wanted(const struct verify_opts *o, const char *name)
{
	/* a table the spec skips is not in the migration's result */
	if (o->spec && !spec_table_name(o->spec, name))
		return 0;
	if (!o->ntables)
		return 1;
	for (size_t i = 0; i < o->ntables; i++)
		if (strcmp(o->tables[i], name) == 0)
			return 1;
	return 0;
}

/* A table only one side has. */
static void one_sided(struct verify_opts *o, const char *name, char side,
		      cJSON *report)
{
	say(o, "%s: only in %c: DIFFERENT\n", name, side);
	o->differ = 1;
	if (report) {
		cJSON *tj = cJSON_CreateObject();
		cJSON_AddStringToObject(tj, "table", name);
		cJSON_AddStringToObject(tj, "only_in", side == 'A' ? "A" : "B");
		cJSON_AddBoolToObject(tj, "equal", 0);
		cJSON_AddItemToArray(report, tj);
	}
}

/* Skip (read and check) the rows of a stream table that is not compared. */
static int skip_stream_table(struct side *s, struct err *e)
{
	const struct value *row;
	int rc;

	while ((rc = stream_reader_next_row(s->r, &row, e)) == 1)
		;
	return rc;
}

#define MAX_SEEN 4096

/* the streams --emit-upserts (side A's) and --emit-deletes (B's) write */
static int run_emits(const struct verify_opts *o, struct side sd[2],
		     struct err *e)
{
	struct stream_writer_opts wo = { 1, STREAM_DEFAULT_BATCH, 0 };

	if (o->emit_upserts &&
	    !(sd[0].emit = stream_writer_new(o->emit_upserts, &wo, e)))
		return err_prefix(e, "--emit-upserts");
	if (o->emit && !(sd[1].emit = stream_writer_new(o->emit, &wo, e)))
		return err_prefix(e, "--emit-deletes");
	return 0;
}

/* -t names all met in a stream (seen[0..n) are the tables it held) */
static int all_seen(const struct verify_opts *o, char **seen, size_t n,
		    struct err *e)
{
	for (size_t i = 0; i < o->ntables; i++) {
		size_t k = 0;
		while (k < n &&
		       !(seen[k] && strcmp(seen[k], o->tables[i]) == 0))
			k++;
		if (k == n)
			return err_set(e, ERR_USAGE,
				       "no table %s in the stream",
				       o->tables[i]);
	}
	return 0;
}

/* Both sides streams: the other's table ot must be the one s stands on,
 * st (the two hold their tables in one order) */
static int other_stream_table(const struct verify_opts *o, struct side *s,
			      struct side *other, const struct schema_table *st,
			      const struct schema_table *ot, struct err *e)
{
	if (!same_name(s->pgmap, s->fold, ot->name, name_b(o, st->name), 1))
		return err_set(e, ERR_USAGE,
			       "the two streams hold their tables in another "
			       "order (table %s against %s)",
			       st->name, ot->name);
	other->t = ot;
	return 0;
}

/*
 * A stream on one side at least: the stream (A's if both) drives, the
 * other side follows table by table; tables of one side only are said
 * so.  The stream is read to its end.
 */
static int run_streams(struct verify_opts *o, struct side sd[2], cJSON *tables,
		       struct err *e)
{
	struct side *s = sd[0].is_stream ? &sd[0] : &sd[1];
	struct side *other = s == &sd[0] ? &sd[1] : &sd[0];
	const struct schema_table *st;
	char **seen = calloc(MAX_SEEN, sizeof(*seen));
	size_t seen_n = 0;
	int trc, other_done = 0, rc = -1;

	if (!seen)
		return err_oom(e);
	while ((trc = stream_reader_next_table(s->r, &st, e)) == 1) {
		const struct schema_table *ot = NULL;
		const char *on, *an;
		int orc = 0;

		/* a later key range of a table not compared, which its
		 * first range's turn skipped or named */
		if (st->section_n > 1 && st->section_k > 1) {
			if (skip_stream_table(s, e) < 0)
				goto out;
			continue;
		}
		if (other->is_stream && !other_done) {
			if ((orc = stream_reader_next_table(other->r, &ot, e)) <
			    0)
				goto out;
			other_done = orc == 0;
		}
		/* -t names and the report speak side A's names */
		an = s == &sd[0] ? st->name : name_a(o, st->name);
		if (!wanted(o, an)) {
			if (skip_stream_table(s, e) < 0 ||
			    (orc == 1 && skip_stream_table(other, e) < 0))
				goto out;
			continue;
		}
		if (seen_n < MAX_SEEN)
			seen[seen_n++] = an[0] ? strdup(an) : NULL;
		s->t = st;
		if (other->is_stream && orc == 0) {
			/* B has ended: the rest of A is A's alone */
			one_sided(o, st->name, s->label, tables);
			if (skip_stream_table(s, e) < 0)
				goto out;
			continue;
		}
		if (other->is_stream) {
			if (other_stream_table(o, s, other, st, ot, e) < 0)
				goto out;
		} else if (!(on = db_name(other, s == &sd[0]
						     ? name_b(o, st->name)
						     : name_a(o, st->name)))) {
			one_sided(o, st->name, s->label, tables);
			if (skip_stream_table(s, e) < 0)
				goto out;
			continue;
		} else if (db_table(o, other, on, an, e) < 0) {
			goto out;
		}
		{
			/* st goes with the table's last key range */
			char *anc = strdup(an);
			int crc = anc ? compare_table(o, &sd[0], &sd[1], anc,
						      tables, e)
				      : err_oom(e);
			free(anc);
			if (crc < 0)
				goto out;
		}
	}
	if (trc < 0)
		goto out;
	if (stream_reader_follow(s->r) ||
	    (other->is_stream && stream_reader_follow(other->r))) {
		err_set(e, ERR_USAGE,
			"a stream that follows its source's changes (stream "
			"version 2) is not compared: compare the databases "
			"once it is loaded");
		goto out;
	}
	/* whatever B holds past A's end is B's alone: read it all, so that
	 * a truncation there is seen too */
	while (other->is_stream && !other_done) {
		const struct schema_table *ot;
		int orc = stream_reader_next_table(other->r, &ot, e);
		if (orc < 0)
			goto out;
		if (orc == 0)
			break;
		if (wanted(o, name_a(o, ot->name)))
			one_sided(o, ot->name, other->label, tables);
		if (skip_stream_table(other, e) < 0)
			goto out;
	}
	rc = all_seen(o, seen, seen_n, e);
out:
	for (size_t i = 0; i < seen_n; i++)
		free(seen[i]);
	free(seen);
	return rc;
}

/* Two databases: the tables -t names, or every table of either side
 * (A's first, then those only B has). */
static int run_databases(struct verify_opts *o, struct side sd[2],
			 cJSON *tables, struct err *e)
{
	for (int pass = 0; pass < 2; pass++) {
		const char *const *names =
		    o->ntables ? o->tables
			       : (const char *const *)sd[pass].names;
		size_t n = o->ntables ? o->ntables : sd[pass].nnames;

		for (size_t i = 0; i < n; i++) {
			/* nm on side A, nb on side B */
			const char *nm =
			    pass == 0 ? names[i] : name_a(o, names[i]);
			const char *nb, *ra, *rb;
			int in_a, in_b;

			if (o->spec && !spec_table_name(o->spec, nm))
				continue; /* skipped by the spec */
			nb = name_b(o, nm);
			in_a = (ra = db_name(&sd[0], nm)) != NULL;
			in_b = (rb = db_name(&sd[1], nb)) != NULL;
			/* a view, named: compared as a table */
			if (o->ntables && !in_a)
				in_a = (ra = named_view(&sd[0], nm)) != NULL;
			if (o->ntables && !in_b)
				in_b = (rb = named_view(&sd[1], nb)) != NULL;
			if (pass == 1 && (o->ntables || in_a))
				continue;
			if (!in_a && !in_b)
				return err_set(e, ERR_USAGE,
					       "no table %s on either side",
					       nm);
			if (!in_a || !in_b) {
				one_sided(o, in_a ? nm : nb, in_a ? 'A' : 'B',
					  tables);
				continue;
			}
			if (db_table(o, &sd[0], ra, nm, e) < 0 ||
			    db_table(o, &sd[1], rb, nm, e) < 0 ||
			    (o->schema_only
				 ? structure_table(o, &sd[0], &sd[1], nm,
						   tables, e)
				 : compare_table(o, &sd[0], &sd[1], nm, tables,
						 e)) < 0)
				return -1;
		}
	}
	return 0;
}

/* both sides were read to their ends: the emitted keys are complete;
 * the verdict said and written to --report */
static int run_finish(struct verify_opts *o, struct side sd[2], cJSON *root,
		      struct err *e)
{
	if (sd[1].emit && stream_writer_finish(sd[1].emit, e) < 0)
		return err_prefix(e, "--emit-deletes");
	if (sd[0].emit && stream_writer_finish(sd[0].emit, e) < 0)
		return err_prefix(e, "--emit-upserts");
	say(o, "%s\n",
	    o->differ ? "the two sides DIFFER" : "the two sides are equal");
	if (!root)
		return 0;
	cJSON_AddBoolToObject(root, "equal", !o->differ);
	cJSON_AddStringToObject(
	    root, "a", sd[0].is_stream ? sd[0].spec : sd[0].uri.display);
	cJSON_AddStringToObject(
	    root, "b", sd[1].is_stream ? sd[1].spec : sd[1].uri.display);
	return jsonfile_write(root, "--report", o->report_path, e);
}

static int run(struct verify_opts *o, struct err *e)
{
	struct side sd[2];
	cJSON *root = NULL, *tables = NULL;
	int rc = -1;

	memset(sd, 0, sizeof(sd));
	sd[0].spec = o->side[0];
	sd[0].label = 'A';
	sd[1].spec = o->side[1];
	sd[1].label = 'B';
	o->differ = 0;
	o->emitted = o->upserts = 0;
	if (o->probe)
		o->schema_only = 1;
	if (o->schema_only &&
	    (is_stream_spec(o->side[0]) || is_stream_spec(o->side[1]) ||
	     o->spec || o->emit || o->emit_upserts || o->sample_ppm)) {
		err_set(e, ERR_USAGE,
			"--schema-only compares two databases' tables, without "
			"-s, --emit-deletes, --emit-upserts or --sample");
		goto out;
	}
	if (run_emits(o, sd, e) < 0)
		goto out;
	if (o->report_path) {
		root = cJSON_CreateObject();
		tables = cJSON_AddArrayToObject(root, "tables");
	}
	if (side_open(&sd[0], o, e) < 0) {
		err_prefix(e, "side A");
		goto out;
	}
	if (side_open(&sd[1], o, e) < 0) {
		err_prefix(e, "side B");
		goto out;
	}
	for (int k = 0; o->probe && k < 2; k++)
		if (!(sd[k].probe = probe_open(&sd[k].uri, &o->source, e))) {
			err_prefix(e, "side %c", sd[k].label);
			goto out;
		}
	/* names over 63 bytes on one side, PostgreSQL's for them on the
	 * other: unless both are databases of one engine */
	for (int i = 0; i < 2; i++)
		sd[i].en = sd[i].is_stream ? NULL : engine_of(sd[i].uri.engine);
	sd[0].pgmap = sd[1].pgmap = !sd[0].en || sd[0].en != sd[1].en;
	sd[0].fold = sd[1].fold = sd[0].pgmap && !o->keep_case;
	if ((sd[0].is_stream || sd[1].is_stream
		 ? run_streams(o, sd, tables, e)
		 : run_databases(o, sd, tables, e)) < 0 ||
	    (o->schema_only && !o->ntables &&
	     structure_sequences(o, sd, tables, e) < 0) ||
	    run_finish(o, sd, root, e) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(root);
	stream_writer_free(sd[1].emit);
	stream_writer_free(sd[0].emit);
	side_close(&sd[0]);
	side_close(&sd[1]);
	return rc;
}

/* -t names as ferry prints them (public."x.y" is "x.y"), so that they
 * meet the names of the sides' tables */
int verify_run(struct verify_opts *o, struct err *e)
{
	const char *const *given = o->tables;
	char **norm = NULL;
	size_t n = 0;
	int rc = -1;

	if (o->ntables && !(norm = calloc(o->ntables, sizeof(*norm))))
		return err_oom(e);
	for (; n < o->ntables; n++) {
		char *sc, *tb;
		if (schema_name_parse(given[n], &sc, &tb, e) < 0) {
			err_prefix(e, "-t");
			goto out;
		}
		norm[n] = schema_name_format(sc, tb, e);
		free(sc);
		free(tb);
		if (!norm[n])
			goto out;
	}
	o->tables = (const char *const *)norm;
	rc = run(o, e);
	o->tables = given;
out:
	for (size_t i = 0; i < n; i++)
		free(norm[i]);
	free(norm);
	return rc;
}
