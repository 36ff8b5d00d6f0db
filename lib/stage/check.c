#include "stage/check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "base/json.h"
#include "base/utf8.h"
#include "db/engine.h"
#include "db/loadfmt.h"
#include "db/namefold.h"
#include "db/source.h"
#include "stream/sqlexpr.h"
#include "stream/stream.h"

/* what a value may meet; the order is the report's */
enum check_kind {
	CK_NULL_NOT_NULL,
	CK_NUL_BYTE,
	CK_INVALID_UTF8,
	CK_BYTES_AS_HEX,
	CK_TOO_LONG,
	CK_OUT_OF_RANGE,
	CK_NOT_BOOL,
	CK_ENUM_LABEL,
	CK_SET_MEMBER,
	CK_DUPLICATE_KEY,
	CK_JSON_NUL,
	CK_NOT_STORABLE,
	CK_COUNT
};

static const char *const kind_name[CK_COUNT] = {
	"null_not_null", "nul_byte",   "invalid_utf8",
	"bytes_as_hex",	 "too_long",   "out_of_range",
	"not_bool",	 "enum_label", "set_member",
	"duplicate_key", "json_nul", "not_storable",
};

/* a finding of one column (or of the key, for duplicates) */
struct finding {
	uint64_t count;
	char **samples; /* up to opts.samples key texts */
	size_t nsamples;
};

/* an integer range of a target column */
struct range {
	int known;
	int unsigned_;
	int64_t lo, hi; /* signed targets */
	uint64_t uhi;	/* unsigned targets */
	int digits;	/* numeric(p,s): digits before the point; -1 */
};

/* what the check knows of one stream column against its target column */
struct col_check {
	const struct schema_column *sc; /* stream */
	const struct schema_column *tc; /* target, or the stream's own when
					 * the table is to be created */
	int text_in;			/* stream value is text-like */
	int nul;	 /* PostgreSQL target: NUL bytes refused */
	int bytes_hex;	 /* bytes into text are kept as \x hex text */
	int bytes_text;	 /* bytes into a text column */
	int64_t max_len; /* characters (or bytes with len_bytes); -1 */
	int len_bytes;
	struct range r;
	int to_bool; /* number into a bool column */
	int computed; /* the target's column is generated: it computes
		       * the value, the stream's is not sent */
	int jsonb;   /* a PostgreSQL jsonb: \u0000 refused */
	int my_store; /* MySQL: NaN, infinities, years outside 1..9999 */
	int ts_2038;  /* MySQL TIMESTAMP: 1970-01-01 00:00:01 .. 2038 */
	int64_t scale; /* MySQL DECIMAL(p,s): at most s digits after the
			* point (strict mode refuses more); -1 */
	int labels;  /* check enum labels */
	int members; /* check a SET's members (the target's "set") */
	struct finding f[CK_COUNT];
};

/* a foreign key whose parent comes later in the stream, empty now */
struct fk_later {
	char *name, *parent;
	size_t cols[64], n; /* stream columns */
	struct finding f;
};

/* a set of 64-bit hashes, open addressing (0 is empty) */
struct hset {
	uint64_t *slots;
	size_t nslots, nkeys;
};

/* the target's CHECK constraints, asked of the target over the stream's
 * rows in batches (source_check_rows) */
#define CHECK_BATCH 500
struct chk {
	char *name;
	char *cond; /* written for the target; NULL: not asked */
	enum source_rows what; /* a CHECK (cond), else what is asked */
	size_t fki;	       /* which foreign key or unique index */
	char *parent;
	struct finding f;
};

struct table_check {
	struct source *src; /* the target, read-only */
	cJSON *chk_notes;   /* the table's notes */
	int uniq_asked;	    /* unique indexes asked of the target (so not
			     * probed by hash, which names its rows) */
	char **seen;	    /* the stream's tables before this one, folded */
	size_t nseen;
	int labelled_by_check; /* a column's labels came from its CHECK */
	struct chk *chk;
	size_t nchk;
	struct buf chk_json;		  /* the batch: a JSON array */
	char *chk_key[CHECK_BATCH];	  /* each row's key text */
	size_t chk_n;
	int postgis;	  /* the target has PostGIS (--create's geometry) */
	int trigger_fills; /* a trigger may fill a NOT NULL column */
	const char *near; /* a target table whose name differs only in case
			   * from the missing one's, or NULL */
	const struct schema_table *t; /* the stream's: borrowed until the
				       * reader's next table */
	size_t ncols;
	struct schema_table *tt; /* target's description, or NULL */
	const struct engine *en; /* the target's */
	/* the names the target holds for the stream's (PostgreSQL's for
	 * those over 63 bytes), borrowed */
	const struct engine_names *names;
	/* the stream's objects so far: its free sequences, which a load
	 * makes before the tables whose defaults take their nextval */
	const struct schema_objects *objects;
	struct col_check *cc;
	/* duplicates */
	size_t *key; /* stream column indexes of the key */
	size_t nkey;
	struct hset keys; /* the stream's key hashes */
	int sorted, hashing;
	uint64_t dup_stopped; /* row from which duplicates went unchecked */
	int target_rows;      /* the target table holds rows */
	struct value prev[64];
	struct buf prev_mem;
	int has_prev;
	struct buf scratch;
	struct finding dup;
	/* the unique keys checked as the target compares them (ukey) */
	struct ukey *uk;
	size_t nuk;
	/* the run's tables in stream order, as the target names them, and
	 * this one's place among them (SIZE_MAX: not found) */
	char *const *run;
	size_t nrun, run_pos;
	/* foreign keys of the target's table to a table the stream loads
	 * later, which the target holds empty: each row with a reference
	 * is refused */
	struct fk_later *fkl;
	size_t nfkl;
	struct source *wsrc; /* the target, for its collations' weights */
};

/* a unique key the target would hold: a unique index, or the primary key
 * when the target compares its text under a collation */
#define UKEY_BATCH SOURCE_WEIGHTS_MAX
struct ukey {
	char *name;	       /* "primary key" or the index's name */
	size_t cols[64], n;    /* stream columns */
	char *coll[64];	       /* per column: the target's collation it
				* is compared under (MySQL: by its
				* WEIGHT_STRING), or NULL: byte for byte */
	const char *fallback[64]; /* --create's collation where the server
				   * lacks coll */
	struct hset keys;
	uint64_t stopped; /* row from which no longer checked (--max-keys) */
	struct finding dup, exists;
	/* rows waiting for their weights: each key column's text (or
	 * canonical bytes) in mem, NUL-ended, its start in at[r * n + k] */
	size_t npend;
	uint64_t prow[UKEY_BATCH];
	char *psample[UKEY_BATCH];
	size_t at[UKEY_BATCH * 64];
	struct buf mem;
};

/* --- helpers
 * ------------------------------------------------------------------- */

static int is_textish(enum value_type t)
{
	return t == VALUE_TEXT || t == VALUE_ENUM || t == VALUE_JSON ||
	       t == VALUE_DECIMAL;
}

static int is_number(enum value_type t)
{
	return t == VALUE_BOOL || t == VALUE_INT64 || t == VALUE_UINT64 ||
	       t == VALUE_FLOAT64 || t == VALUE_DECIMAL;
}

static int starts(const char *s, const char *p)
{
	return s && strncasecmp(s, p, strlen(p)) == 0;
}

/* whether a stream type goes into a target type at all (value checks
 * aside); 0 is a column a load would fail on */
static int compatible(enum value_type s, enum value_type t)
{
	if (s == t || (is_number(s) && is_number(t)))
		return 1;
	if (t == VALUE_TEXT)
		return 1; /* everything has a text form; bytes are checked */
	if (t == VALUE_ENUM)
		return s == VALUE_TEXT || s == VALUE_ENUM;
	if (t == VALUE_JSON)
		return s == VALUE_TEXT;
	if (t == VALUE_TIMESTAMP || t == VALUE_TIMESTAMPTZ)
		return s == VALUE_TIMESTAMP || s == VALUE_TIMESTAMPTZ ||
		       s == VALUE_DATE;
	return 0;
}

/* the integer range of a target column, from its type's text */
static struct range target_range(const struct schema_column *c,
				 int unsigned_ints)
{
	struct range r = { 0, 0, 0, 0, 0, -1 };
	const char *st = c->source_type ? c->source_type : "";
	int uns = strstr(st, "unsigned") != NULL;
	static const struct {
		const char *name;
		int64_t lo, hi;
		uint64_t uhi;
	} ints[] = {
		{ "tinyint", -128, 127, 255 },
		{ "smallint", -32768, 32767, 65535 },
		{ "mediumint", -8388608, 8388607, 16777215 },
		{ "int", INT32_MIN, INT32_MAX, UINT32_MAX },
		{ "integer", INT32_MIN, INT32_MAX, UINT32_MAX },
		{ "bigint", INT64_MIN, INT64_MAX, UINT64_MAX },
	};

	if (c->type == VALUE_DECIMAL && c->precision > 0 && c->scale >= 0 &&
	    c->scale <= c->precision) {
		r.known = 1;
		r.digits = (int)(c->precision - c->scale);
		return r;
	}
	if (c->type != VALUE_INT64 && c->type != VALUE_UINT64)
		return r;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		size_t n = strlen(ints[i].name);
		if (strncmp(st, ints[i].name, n) == 0 &&
		    (st[n] == '\0' || st[n] == '(' || st[n] == ' ')) {
			r.known = 1;
			r.unsigned_ = unsigned_ints && uns;
			r.lo = ints[i].lo;
			r.hi = ints[i].hi;
			r.uhi = ints[i].uhi;
			return r;
		}
	}
	return r;
}

/* digits before the point of a decimal text, leading zeros left out */
static int int_digits(const char *p, size_t len)
{
	size_t i = 0;
	int n = 0;

	if (i < len && (p[i] == '-' || p[i] == '+'))
		i++;
	while (i < len && p[i] == '0')
		i++;
	while (i < len && p[i] >= '0' && p[i] <= '9') {
		i++;
		n++;
	}
	return n;
}

static int in_range(const struct range *r, enum value_type t,
		    const struct value *v)
{
	if (!r->known)
		return 1;
	if (r->digits >= 0) {
		char tmp[24];
		int n;
		switch (t) {
		case VALUE_INT64:
			n = snprintf(tmp, sizeof(tmp), "%" PRId64, v->v.i);
			return int_digits(tmp, (size_t)n) <= r->digits;
		case VALUE_UINT64:
			n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v->v.u);
			return int_digits(tmp, (size_t)n) <= r->digits;
		case VALUE_DECIMAL:
			if (v->v.s.len &&
			    (v->v.s.p[0] == 'N' || v->v.s.p[0] == 'I' ||
			     (v->v.s.len > 1 && v->v.s.p[1] == 'I')))
				return 0; /* NaN, Infinity: no MySQL form */
			return int_digits(v->v.s.p, v->v.s.len) <= r->digits;
		default: return 1;
		}
	}
	switch (t) {
	case VALUE_BOOL: return 1;
	case VALUE_INT64:
		if (r->unsigned_)
			return v->v.i >= 0 && (uint64_t)v->v.i <= r->uhi;
		return v->v.i >= r->lo && v->v.i <= r->hi;
	case VALUE_UINT64:
		if (r->unsigned_)
			return v->v.u <= r->uhi;
		return v->v.u <= (uint64_t)r->hi;
	default: return 1;
	}
}

static int has_label(const struct schema_column *c, const char *p, size_t len)
{
	for (size_t k = 0; k < c->nlabels; k++)
		if (strlen(c->labels[k]) == len &&
		    memcmp(c->labels[k], p, len) == 0)
			return 1;
	return 0;
}

/* whether each member of v (between commas; '' has none) is one of c's
 * "set": exactly, or on MySQL, ASCII letters in either case (its SETs
 * take the members under their _ci collation) */
static int set_members(const struct schema_column *c, const struct value *v,
		       const struct engine *en)
{
	const char *p = v->v.s.p, *end = p + v->v.s.len;

	while (v->v.s.len && p <= end) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((q ? q : end) - p);
		int found = 0;
		for (size_t k = 0; k < c->nset && !found; k++)
			found = strlen(c->set[k]) == n &&
				(memcmp(c->set[k], p, n) == 0 ||
				 (en->names_nocase &&
				  strncasecmp(c->set[k], p, n) == 0));
		if (!found)
			return 0;
		if (!q)
			break;
		p = q + 1;
	}
	return 1;
}

static void finding_release(struct finding *f)
{
	for (size_t i = 0; i < f->nsamples; i++)
		free(f->samples[i]);
	free(f->samples);
	memset(f, 0, sizeof(*f));
}

/* count one finding for the row; keep its key when there is room */
/* a sample of f: the key text */
static int note_text(struct finding *f, const struct check_opts *o,
		     const char *key, struct err *e)
{
	f->count++;
	if (f->nsamples >= o->samples)
		return 0;
	if (!f->samples &&
	    !(f->samples = calloc(o->samples, sizeof(*f->samples))))
		return err_oom(e);
	if (!(f->samples[f->nsamples] = strdup(key)))
		return err_oom(e);
	f->nsamples++;
	return 0;
}

static int note(struct finding *f, const struct check_opts *o,
		const struct schema_table *t, const struct value *row,
		uint64_t row_no, struct err *e)
{
	char key[256];

	if (f->nsamples >= o->samples) {
		f->count++;
		return 0;
	}
	if (t->npk)
		schema_row_key(t, row, key, sizeof(key));
	else
		snprintf(key, sizeof(key), "row %" PRIu64, row_no);
	return note_text(f, o, key, e);
}

/* --- duplicates
 * --------------------------------------------------------------- */

static int is_bytes(enum value_type t)
{
	return value_type_is_bytes(t);
}

static int keep_prev(struct table_check *tc, const struct value *row,
		     struct err *e)
{
	size_t off[64];

	buf_reset(&tc->prev_mem);
	for (size_t i = 0; i < tc->nkey; i++) {
		const struct value *v = &row[tc->key[i]];
		tc->prev[i] = *v;
		off[i] = tc->prev_mem.len;
		if (!v->null && is_bytes(tc->t->cols[tc->key[i]].type) &&
		    buf_add(&tc->prev_mem, v->v.s.p, v->v.s.len, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < tc->nkey; i++)
		if (!tc->prev[i].null && is_bytes(tc->t->cols[tc->key[i]].type))
			tc->prev[i].v.s.p =
			    (const char *)tc->prev_mem.data + off[i];
	tc->has_prev = 1;
	return 0;
}

/* <0, 0, >0: the row's key against the previous row's */
static int cmp_prev(const struct table_check *tc, const struct value *row)
{
	for (size_t i = 0; i < tc->nkey; i++) {
		const struct value *a = &row[tc->key[i]], *b = &tc->prev[i];
		int c;
		if (a->null || b->null) {
			if (a->null != b->null)
				return a->null ? -1 : 1;
			continue;
		}
		c = value_compare(tc->t->cols[tc->key[i]].type, a, b);
		if (c)
			return c;
	}
	return 0;
}

/* 1 when the hash was there, 0 when added, -1 */
static int hset_add(struct hset *hs, uint64_t h, struct err *e)
{
	size_t i;

	if (!h)
		h = 1;
	if ((hs->nkeys + 1) * 2 > hs->nslots) {
		size_t n = hs->nslots ? hs->nslots * 2 : 1024;
		uint64_t *ns = calloc(n, sizeof(*ns));
		if (!ns)
			return err_oom(e);
		for (size_t k = 0; k < hs->nslots; k++) {
			uint64_t x = hs->slots[k];
			if (!x)
				continue;
			for (i = (size_t)(x & (n - 1)); ns[i];
			     i = (i + 1) & (n - 1))
				;
			ns[i] = x;
		}
		free(hs->slots);
		hs->slots = ns;
		hs->nslots = n;
	}
	for (i = (size_t)(h & (hs->nslots - 1)); hs->slots[i];
	     i = (i + 1) & (hs->nslots - 1))
		if (hs->slots[i] == h)
			return 1;
	hs->slots[i] = h;
	hs->nkeys++;
	return 0;
}

/* 1 when h is in the set, else 0 */
static int hset_has(const struct hset *hs, uint64_t h)
{
	if (!hs->nslots)
		return 0;
	if (!h)
		h = 1;
	for (size_t i = (size_t)(h & (hs->nslots - 1)); hs->slots[i];
	     i = (i + 1) & (hs->nslots - 1))
		if (hs->slots[i] == h)
			return 1;
	return 0;
}

static void hset_release(struct hset *hs)
{
	free(hs->slots);
	memset(hs, 0, sizeof(*hs));
}

/* 1 when the row's key came before in this table, 0, -1 */
static int dup_row(struct table_check *tc, const struct check_opts *o,
		   const struct value *row, uint64_t row_no, struct err *e)
{
	int dup = 0, c = 0;

	if (!tc->nkey)
		return 0;
	if (tc->has_prev) {
		c = cmp_prev(tc, row);
		if (c < 0)
			tc->sorted = 0;
	}
	if (tc->hashing && tc->keys.nkeys >= o->max_keys) {
		/* out of room: a stream in key order goes on by neighbours */
		tc->hashing = 0;
		hset_release(&tc->keys);
	}
	if (tc->hashing) {
		buf_reset(&tc->scratch);
		for (size_t i = 0; i < tc->nkey; i++)
			if (value_canonical(&tc->scratch,
					    tc->t->cols[tc->key[i]].type,
					    &row[tc->key[i]], e) < 0)
				return -1;
		if ((dup = hset_add(
			 &tc->keys,
			 XXH3_64bits(tc->scratch.data, tc->scratch.len), e)) <
		    0)
			return -1;
	} else if (tc->sorted) {
		dup = tc->has_prev && c == 0;
	} else if (!tc->dup_stopped) {
		tc->dup_stopped = row_no;
	}
	return keep_prev(tc, row, e) < 0 ? -1 : dup;
}

/* --- unique keys as the target compares them
 * --------------------------------------------------------------- */

static int stream_col(const struct table_check *tc,
		      const struct schema_table *t, const char *name);
static int target_col(const struct table_check *tc, size_t i);
static int add_note(cJSON *notes, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_finding(cJSON *arr, const char *column, const char *kind,
		       const char *detail, const struct finding *f, int changed,
		       struct err *e);
static int add_key_finding(cJSON *arr, const struct schema_table *t,
			   const size_t *cols, size_t n, const char *kind,
			   const char *detail, const struct finding *f,
			   struct err *e);


static void ukey_release(struct ukey *u)
{
	free(u->name);
	for (size_t k = 0; k < u->n; k++)
		free(u->coll[k]);
	hset_release(&u->keys);
	finding_release(&u->dup);
	finding_release(&u->exists);
	for (size_t r = 0; r < u->npend; r++)
		free(u->psample[r]);
	buf_release(&u->mem);
}

/* the collation a MySQL target compares stream column i under, when its
 * server must be asked (text not compared byte for byte); *fallback the
 * one --create takes where the server lacks it; NULL: byte for byte */
static const char *target_collation(const struct table_check *tc, size_t i,
				    const char **fallback)
{
	const struct schema_column *sc = &tc->t->cols[i];
	const char *co = NULL;
	int ti;

	*fallback = NULL;
	if (!tc->wsrc || sc->type != VALUE_TEXT)
		return NULL;
	if (tc->tt) {
		if ((ti = target_col(tc, i)) < 0 ||
		    tc->tt->cols[ti].type != VALUE_TEXT)
			return NULL;
		co = tc->tt->cols[ti].collation;
	} else if ((co = sc->collation)) {
		size_t n = strlen(co);
		if (n > 3 && strcmp(co + n - 3, "_ci") == 0)
			*fallback = "utf8mb4_unicode_ci";
	}
	if (!co || strstr(co, "_nopad_bin") || strcmp(co, "binary") == 0)
		return NULL;
	return co;
}

static int ukey_add(struct table_check *tc, const char *name,
		    const size_t *cols, size_t n, struct err *e)
{
	struct ukey *nu, *u;

	if (!n || n > 64)
		return 0;
	if (!(nu = realloc(tc->uk, (tc->nuk + 1) * sizeof(*nu))))
		return err_oom(e);
	tc->uk = nu;
	u = &tc->uk[tc->nuk];
	memset(u, 0, sizeof(*u));
	buf_init(&u->mem, (size_t)STREAM_MAX_ROW * UKEY_BATCH);
	tc->nuk++;
	if (!(u->name = strdup(name)))
		return err_oom(e);
	u->n = n;
	for (size_t k = 0; k < n; k++) {
		const char *co = target_collation(tc, cols[k], &u->fallback[k]);
		u->cols[k] = cols[k];
		if (co && !(u->coll[k] = strdup(co)))
			return err_oom(e);
	}
	return 0;
}

/* the unique keys to check: each unique index the target has (or
 * --create makes), and the primary key when the target compares its
 * text under a collation (the byte-for-byte check of begin_key is then
 * off) */
static int ukeys_begin(struct table_check *tc, const struct check_opts *o,
		       struct err *e)
{
	const struct schema_table *t = tc->t;
	const struct schema_table *kt = tc->tt ? tc->tt : t;
	size_t cols[64];

	if (o->mode == SINK_DELETE)
		return 0;
	for (size_t k = 0; k < tc->nkey; k++) {
		const char *fb;
		if (!target_collation(tc, tc->key[k], &fb))
			continue;
		if (ukey_add(tc, "primary key", tc->key, tc->nkey, e) < 0)
			return -1;
		tc->nkey = 0;
		break;
	}
	for (size_t x = 0; x < kt->nindexes; x++) {
		const struct schema_index *ix = &kt->indexes[x];
		size_t n = 0;
		if (!ix->unique || ix->ncols > 64)
			continue;
		for (size_t k = 0; k < ix->ncols; k++) {
			int i = tc->tt ? stream_col(tc, t,
						    kt->cols[ix->cols[k]].name)
				       : (int)ix->cols[k];
			if (i < 0)
				break;
			cols[n++] = (size_t)i;
		}
		if (n == ix->ncols && ukey_add(tc, ix->name, cols, n, e) < 0)
			return -1;
	}
	return 0;
}

/* the weights of the pending rows' column k under u's collation for it,
 * into w (row r's from wat[r] to wend[r]); 1 when the server cannot say
 * (the column is then compared byte for byte); 0; -1 */
static int ukey_weights(struct table_check *tc, struct ukey *u, size_t k,
			struct buf *w, size_t *wat, size_t *wend, struct err *e)
{
	const char *texts[UKEY_BATCH];
	size_t ends[UKEY_BATCH];
	int rc;

	for (size_t r = 0; r < u->npend; r++)
		texts[r] = (const char *)u->mem.data + u->at[r * 64 + k] + 1;
	for (;;) {
		size_t from = w->len;
		rc = source_weights(tc->wsrc, u->coll[k], texts, u->npend, w,
				    ends, e);
		if (rc <= 0) {
			for (size_t r = 0; rc == 0 && r < u->npend; r++) {
				wat[r] = r ? ends[r - 1] : from;
				wend[r] = ends[r];
			}
			return rc;
		}
		/* a collation the server lacks: --create's, or bytes */
		free(u->coll[k]);
		u->coll[k] = NULL;
		if (!u->fallback[k] ||
		    !(u->coll[k] = strdup(u->fallback[k])))
			return u->fallback[k] ? err_oom(e) : 1;
		u->fallback[k] = NULL;
	}
}

/* hash the pending rows (with the server's weights of the columns it
 * compares under a collation): into u's keys, each one there already a
 * duplicate; or with probe (the target's own rows) each one the stream
 * has a key_exists */
static int ukey_flush(struct table_check *tc, struct ukey *u,
		      const struct check_opts *o, int probe, struct err *e)
{
	struct buf w, h, cb;
	size_t wat[UKEY_BATCH * 64], wend[UKEY_BATCH * 64];
	int rc = -1;

	if (!u->npend)
		return 0;
	buf_init(&w, (size_t)UKEY_BATCH * 64 * 4096);
	buf_init(&h, (size_t)STREAM_MAX_ROW * 4 + 1024);
	buf_init(&cb, (size_t)STREAM_MAX_ROW + 1024);
	for (size_t k = 0; k < u->n; k++) {
		size_t a[UKEY_BATCH], b[UKEY_BATCH];
		int wrc = 0;
		if (u->coll[k] &&
		    (wrc = ukey_weights(tc, u, k, &w, a, b, e)) < 0)
			goto out;
		for (size_t r = 0; r < u->npend; r++) {
			wat[r * 64 + k] = u->coll[k] && !wrc ? a[r] : SIZE_MAX;
			wend[r * 64 + k] = u->coll[k] && !wrc ? b[r] : 0;
		}
	}
	for (size_t r = 0; r < u->npend; r++) {
		int d;
		buf_reset(&h);
		for (size_t k = 0; k < u->n; k++) {
			const unsigned char *p = u->mem.data + u->at[r * 64 + k];
			size_t len;
			if (wat[r * 64 + k] != SIZE_MAX) {
				p = w.data + wat[r * 64 + k];
				len = wend[r * 64 + k] - wat[r * 64 + k];
			} else if (*p == 'W') {
				/* not weighed after all: as a 'B' is */
				struct value v;
				memset(&v, 0, sizeof(v));
				v.v.s.p = (const char *)p + 1;
				v.v.s.len = strlen(v.v.s.p);
				buf_reset(&cb);
				if (value_canonical(&cb, VALUE_TEXT, &v, e) < 0)
					goto out;
				p = cb.data;
				len = cb.len;
			} else {
				memcpy(&len, p + 1, sizeof(len));
				p += 1 + sizeof(len);
			}
			if (buf_add(&h, &len, sizeof(len), e) < 0 ||
			    buf_add(&h, p, len, e) < 0)
				goto out;
		}
		if (probe) {
			if (hset_has(&u->keys, XXH3_64bits(h.data, h.len)) &&
			    note_text(&u->exists, o, u->psample[r], e) < 0)
				goto out;
			continue;
		}
		if ((d = hset_add(&u->keys, XXH3_64bits(h.data, h.len), e)) <
			0 ||
		    (d && note_text(&u->dup, o, u->psample[r], e) < 0))
			goto out;
	}
	rc = 0;
out:
	for (size_t r = 0; r < u->npend; r++)
		free(u->psample[r]);
	u->npend = 0;
	buf_reset(&u->mem);
	buf_release(&w);
	buf_release(&h);
	buf_release(&cb);
	return rc;
}

/* row (values vals[k] of u's columns) waits for its weights; sample
 * names it */
static int ukey_push(struct table_check *tc, struct ukey *u,
		     const struct check_opts *o, const struct value *const *vals,
		     const enum value_type *types, const char *sample, int probe,
		     struct err *e)
{
	struct buf *m = &u->mem;
	size_t r = u->npend;

	for (size_t k = 0; k < u->n; k++)
		if (vals[k]->null)
			return 0; /* a unique key holds NULLs apart */
	for (size_t k = 0; k < u->n; k++) {
		const struct value *v = vals[k];
		u->at[r * 64 + k] = m->len;
		/* text the server weighs: itself, NUL-ended (a NUL in it:
		 * byte for byte, as the column is then) */
		if (u->coll[k] && !memchr(v->v.s.p, '\0', v->v.s.len)) {
			if (buf_addc(m, 'W', e) < 0 ||
			    buf_add(m, v->v.s.p, v->v.s.len, e) < 0 ||
			    buf_addc(m, 0, e) < 0)
				return -1;
		} else {
			size_t at = m->len, len;
			if (buf_addc(m, 'B', e) < 0 ||
			    buf_add(m, &at, sizeof(at), e) < 0 ||
			    value_canonical(m, types[k], v, e) < 0)
				return -1;
			len = m->len - at - 1 - sizeof(len);
			memcpy(m->data + at + 1, &len, sizeof(len));
		}
	}
	if (!(u->psample[r] = strdup(sample)))
		return err_oom(e);
	u->npend++;
	return u->npend == UKEY_BATCH ? ukey_flush(tc, u, o, probe, e) : 0;
}

/* a stream row against each unique key */
static int ukeys_row(struct table_check *tc, const struct check_opts *o,
		     const struct value *row, uint64_t row_no, struct err *e)
{
	const struct schema_table *t = tc->t;
	char key[256];
	int named = 0;

	for (size_t x = 0; x < tc->nuk; x++) {
		struct ukey *u = &tc->uk[x];
		const struct value *vals[64];
		enum value_type types[64];
		if (u->stopped)
			continue;
		if (u->keys.nkeys >= o->max_keys) {
			u->stopped = row_no;
			hset_release(&u->keys);
			continue;
		}
		if (!named) {
			if (t->npk)
				schema_row_key(t, row, key, sizeof(key));
			else
				snprintf(key, sizeof(key), "row %" PRIu64,
					 row_no);
			named = 1;
		}
		for (size_t k = 0; k < u->n; k++) {
			vals[k] = &row[u->cols[k]];
			types[k] = t->cols[u->cols[k]].type;
		}
		if (ukey_push(tc, u, o, vals, types, key, 0, e) < 0)
			return -1;
	}
	return 0;
}

/* the unique keys' findings, and their notes */
static int ukeys_end(struct table_check *tc, const struct check_opts *o,
		     cJSON *jt, int *bad, struct err *e)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(jt, "findings");
	cJSON *notes = cJSON_GetObjectItemCaseSensitive(jt, "notes");

	for (size_t x = 0; x < tc->nuk; x++) {
		struct ukey *u = &tc->uk[x];
		char detail[600], how[200] = "";
		if (ukey_flush(tc, u, o, 0, e) < 0)
			return -1;
		for (size_t k = 0; k < u->n; k++)
			if (u->coll[k] && !how[0])
				snprintf(how, sizeof(how),
					 " (equal under the target's collation "
					 "%s)",
					 u->coll[k]);
		if (u->stopped &&
		    add_note(notes, e,
			     "%s checked up to row %" PRIu64
			     " only: more than %" PRIu64
			     " keys (raise --max-keys)",
			     u->name, u->stopped, o->max_keys) < 0)
			return -1;
		if (!u->dup.count)
			continue;
		snprintf(detail, sizeof(detail),
			 "a key of %s%s that came before in the stream%s",
			 strcmp(u->name, "primary key") ? "unique index " : "",
			 u->name, how);
		*bad = 1;
		if (add_key_finding(arr, tc->t, u->cols, u->n, "duplicate_key",
				    detail, &u->dup, e) < 0)
			return -1;
	}
	return 0;
}

/* --- a table
 * ------------------------------------------------------------------- */

static void table_release(struct table_check *tc)
{
	if (tc->cc)
		for (size_t i = 0; i < tc->ncols; i++)
			for (int k = 0; k < CK_COUNT; k++)
				finding_release(&tc->cc[i].f[k]);
	free(tc->cc);
	finding_release(&tc->dup);
	schema_table_free(tc->tt);
	free(tc->key);
	hset_release(&tc->keys);
	buf_release(&tc->prev_mem);
	buf_release(&tc->scratch);
	for (size_t x = 0; x < tc->nuk; x++)
		ukey_release(&tc->uk[x]);
	free(tc->uk);
	for (size_t x = 0; x < tc->nfkl; x++) {
		free(tc->fkl[x].name);
		free(tc->fkl[x].parent);
		finding_release(&tc->fkl[x].f);
	}
	free(tc->fkl);
	for (size_t k = 0; k < tc->nchk; k++) {
		free(tc->chk[k].name);
		free(tc->chk[k].cond);
		free(tc->chk[k].parent);
		finding_release(&tc->chk[k].f);
	}
	free(tc->chk);
	for (size_t r = 0; r < tc->chk_n; r++)
		free(tc->chk_key[r]);
	buf_release(&tc->chk_json);
	memset(tc, 0, sizeof(*tc));
}

static int col_index(const struct schema_table *t, const char *name, int nocase)
{
	for (size_t i = 0; i < t->ncols; i++)
		if ((nocase ? strcasecmp : strcmp)(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* the name the target holds for stream column i */
static const char *held_name(const struct table_check *tc, size_t i)
{
	return tc->names && tc->names->cols ? tc->names->cols[i]
					    : tc->t->cols[i].name;
}

/* The stream column of t that target column `name` is, or -1 */
static int stream_col(const struct table_check *tc,
		      const struct schema_table *t, const char *name)
{
	if (!tc->names || !tc->names->cols)
		return col_index(t, name, tc->en->names_nocase);
	for (size_t i = 0; i < tc->names->ncols; i++)
		if (strcmp(tc->names->cols[i], name) == 0)
			return (int)i;
	return -1;
}

/* The target column that stream column i goes into, or -1 */
static int target_col(const struct table_check *tc, size_t i)
{
	return col_index(tc->tt, held_name(tc, i), tc->en->names_nocase);
}

static int add_note(cJSON *notes, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_note(cJSON *notes, struct err *e, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!cJSON_AddItemToArray(notes, cJSON_CreateString(line)))
		return err_oom(e);
	return 0;
}

/* The target table's triggers as the load meets them (--triggers) */
static int begin_triggers(const struct check_opts *o,
			  const struct source_facts *f, cJSON *notes,
			  cJSON *problems, int *fails, struct err *e)
{
	struct err why;

	if (!f->ntriggers)
		return 0;
	err_init(&why);
	sink_triggers_refusal(&why, f->triggers, f->ntriggers);
	if (o->triggers == SINK_TRIGGERS_FIRE)
		return add_note(notes, e,
				"%zu trigger(s) would run on every row "
				"(--triggers fire)",
				f->ntriggers);
	if (o->triggers == SINK_TRIGGERS_DISABLE)
		return add_note(notes, e,
				"%zu trigger(s) would be off inside the load's "
				"transactions (--triggers disable)",
				f->ntriggers);
	*fails = 1;
	return add_note(problems, e, "%s", why.msg);
}

/* A target table that exists: described, its CHECK lists as labels, and
 * notes on the rows it holds and its triggers. */
/* the run's place of the target's table (schema, table), or SIZE_MAX */
static size_t run_place(const struct table_check *tc, const char *schema,
			const char *table, struct err *e)
{
	for (size_t k = 0; k < tc->nrun; k++) {
		char *rs = NULL, *rt = NULL;
		int same;
		if (schema_name_parse(tc->run[k], &rs, &rt, e) < 0)
			return SIZE_MAX;
		same = (tc->en->names_nocase ? strcasecmp(rt, table)
					     : strcmp(rt, table)) == 0 &&
		       (!schema || strcmp(rs ? rs : "public", schema) == 0);
		free(rs);
		free(rt);
		if (same)
			return k;
	}
	return SIZE_MAX;
}

/*
 * The target's foreign keys of this table to a table the stream loads
 * after it (an older stream, or one of a cycle): when the target holds
 * that table empty (or --mode truncate empties the run first), each row
 * with a reference is refused, counted per key (fk_later); else a row
 * whose parent the target lacks is, which a note says.
 */
static int begin_fk_order(struct table_check *tc, struct source *src,
			  const struct check_opts *o, cJSON *notes,
			  struct err *e)
{
	const struct schema_table *tt = tc->tt;

	for (size_t f = 0; tc->run_pos != SIZE_MAX && f < tt->nfkeys; f++) {
		const struct schema_fkey *fk = &tt->fkeys[f];
		size_t k = run_place(tc, fk->ref_schema, fk->ref_table, e);
		struct fk_later *nl, *l;
		int empty = o->mode == SINK_TRUNCATE && tc->nrun > 1;
		if (e->class)
			return -1;
		if (k == SIZE_MAX || k <= tc->run_pos)
			continue;
		if (!empty) {
			struct schema_table *pt =
			    source_describe(src, tc->run[k], e);
			struct source_facts pf;
			int rc;
			if (!pt)
				return -1;
			memset(&pf, 0, sizeof(pf));
			rc = source_table_facts(src, pt, 0, &pf, e);
			empty = !pf.has_rows;
			source_facts_release(&pf, pt->ncols);
			schema_table_free(pt);
			if (rc < 0)
				return -1;
		}
		if (!empty) {
			if (add_note(notes, e,
				     "foreign key %s refers to %s, which the "
				     "stream loads after this table: a row "
				     "whose parent the target lacks until then "
				     "is refused",
				     fk->name, tc->run[k]) < 0)
				return -1;
			continue;
		}
		if (!(nl = realloc(tc->fkl, (tc->nfkl + 1) * sizeof(*nl))))
			return err_oom(e);
		tc->fkl = nl;
		l = &tc->fkl[tc->nfkl];
		memset(l, 0, sizeof(*l));
		tc->nfkl++;
		if (!(l->name = strdup(fk->name)) ||
		    !(l->parent = strdup(tc->run[k])))
			return err_oom(e);
		for (size_t c = 0; c < fk->ncols && c < 64; c++) {
			int i = stream_col(tc, tc->t, tt->cols[fk->cols[c]].name);
			if (i < 0) {
				l->n = 0; /* a column the stream does not fill */
				break;
			}
			l->cols[l->n++] = (size_t)i;
		}
	}
	return 0;
}

static int begin_existing(struct table_check *tc, struct source *src,
			  const struct check_opts *o, const char *name,
			  cJSON *jt, cJSON *notes, cJSON *problems, int *fails,
			  struct err *e)
{
	struct source_facts f;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (!(tc->tt = source_describe(src, name, e)))
		return -1;
	if (source_table_facts(src, tc->tt, 0, &f, e) < 0)
		goto out;
	if (!cJSON_AddBoolToObject(jt, "empty", !f.has_rows)) {
		err_oom(e);
		goto out;
	}
	tc->target_rows = f.has_rows;
	/* a text column whose CHECK lists its values (an enum as ferry-load
	 * --create makes one in PostgreSQL) takes only those: they become
	 * the column's labels */
	for (size_t i = 0; f.check_labels && i < tc->tt->ncols; i++) {
		struct schema_column *tcol = &tc->tt->cols[i];
		if (!f.check_labels[i] || tcol->nlabels ||
		    tcol->type != VALUE_TEXT)
			continue;
		tcol->labels = f.check_labels[i];
		tcol->nlabels = f.ncheck_labels[i];
		f.check_labels[i] = NULL;
		tc->labelled_by_check = 1;
	}
	if (f.has_rows && o->mode == SINK_INSERT &&
	    add_note(notes, e,
		     "the table holds rows: a key that exists would be "
		     "refused (--mode insert); the target's keys are looked "
		     "up") < 0)
		goto out;
	if (f.has_rows && o->mode == SINK_TRUNCATE &&
	    add_note(notes, e,
		     "the table holds rows: --mode truncate would empty it") <
		0)
		goto out;
	/* PostgreSQL's TRUNCATE refuses a table that a table outside it
	 * refers to: the run's tables go in one statement, others not; a
	 * stream whose preview names one table (several extracts one after
	 * another, ferry-cat --encode) has each emptied alone */
	for (size_t k = 0; o->mode == SINK_TRUNCATE && k < f.nrefs; k++) {
		size_t at = run_place(tc, f.ref_schema[k], f.ref_table[k], e);
		if (e->class)
			goto out;
		if (at != SIZE_MAX && tc->nrun > 1)
			continue;
		*fails = 1;
		if (at != SIZE_MAX
			? add_note(problems, e,
				   "table %s.%s refers to it by a foreign key: "
				   "the stream does not list its tables first "
				   "(several extracts, or ferry-cat --encode), "
				   "so --mode truncate empties each table "
				   "alone, and cannot empty a table another "
				   "refers to (extract the tables in one run, "
				   "or empty them first)",
				   f.ref_schema[k], f.ref_table[k]) < 0
			: add_note(problems, e,
				   "table %s.%s refers to it by a foreign key "
				   "and is not loaded in this run: --mode "
				   "truncate cannot empty a table another "
				   "refers to (load both in one run, or empty "
				   "%s first)",
				   f.ref_schema[k], f.ref_table[k],
				   f.ref_table[k]) < 0)
			goto out;
	}
	/* --triggers fire: a BEFORE trigger may fill a NOT NULL column the
	 * stream lacks (NOT NULL is checked after it; on MySQL the load
	 * uses INSERT for such a table, which LOAD DATA would refuse) */
	tc->trigger_fills = o->triggers == SINK_TRIGGERS_FIRE &&
			    f.ntriggers > 0;
	/* a CHECK the description lacks (ferry cannot read it) is not
	 * asked: said */
	for (size_t k = 0; o->mode != SINK_DELETE && k < f.ncheck_names; k++) {
		size_t j = 0;
		while (j < tc->tt->nchecks &&
		       strcmp(tc->tt->checks[j].name, f.check_names[k]) != 0)
			j++;
		if (j == tc->tt->nchecks &&
		    add_note(notes, e,
			     "CHECK %s of the target not checked: ferry cannot "
			     "read it (the load finds it)",
			     f.check_names[k]) < 0)
			goto out;
	}
	/* a MySQL load runs with foreign_key_checks off: its tables come in
	 * any order */
	if (begin_triggers(o, &f, notes, problems, fails, e) < 0 ||
	    (strcmp(tc->en->name, "mysql") != 0 &&
	     begin_fk_order(tc, src, o, notes, e) < 0))
		goto out;
	rc = 0;
out:
	source_facts_release(&f, tc->tt->ncols);
	return rc;
}

/* --create on PostgreSQL: a partition whose name the target holds
 * already (any relation: a table, a partition) stops the table */
static int partitions_free(struct table_check *tc, const char *name,
			   cJSON *problems, int *fails, struct err *e)
{
	const struct schema_partition *sp = tc->t->partition;
	char *sc = NULL, *tb = NULL;
	int rc = 0;

	if (schema_name_parse(name, &sc, &tb, e) < 0)
		return -1;
	for (size_t k = 0; rc == 0 && k < sp->nparts; k++) {
		const char *pn = sp->parts[k].name;
		char *full;
		struct schema_table *held;
		struct err de;
		/* a longer name is cut by the load (pgname.h): not asked */
		if (strlen(pn) > 63)
			continue;
		if (!(full = schema_name_format(sc, pn, e))) {
			rc = -1;
			break;
		}
		err_init(&de);
		held = source_describe(tc->src, full, &de);
		if (held) {
			*fails = 1;
			rc = add_note(problems, e,
				      "partition %s: the target holds a table "
				      "of that name, which --create cannot "
				      "make",
				      full);
			schema_table_free(held);
		} else if (de.class != ERR_DB || !strstr(de.msg, "no table '")) {
			*e = de;
			rc = -1;
		}
		free(full);
	}
	free(sc);
	free(tb);
	return rc;
}

/* A target table that does not exist: a problem without --create, else
 * what --create would make of it, or refuse. */
static int begin_missing(struct table_check *tc, const struct check_opts *o,
			 const char *name, cJSON *jt, cJSON *notes,
			 cJSON *problems, int *fails, struct err *e)
{
	struct err why;
	struct create_notes cn = { 0 };

	if (!cJSON_AddNullToObject(jt, "empty") ||
	    !cJSON_AddBoolToObject(jt, "create", o->create))
		return err_oom(e);
	if (!o->create) {
		*fails = 1;
		if (tc->near)
			return add_note(problems, e,
					"table %s does not exist (use "
					"--create); the target has \"%s\", a "
					"name that differs only in case (see "
					"--keep-case)",
					name, tc->near);
		return add_note(problems, e,
				"table %s does not exist (use --create)", name);
	}
	if (add_note(notes, e,
		     "--create would make it from the stream's schema (types "
		     "as in ferry-load(1)), its primary key after the rows") <
	    0)
		return -1;
	/* a source type --create refuses fails the table; what it makes
	 * otherwise than the source has it, the load says too */
	err_init(&why);
	if (engine_create_refusal(
		tc->en, tc->t, tc->names,
		(o->case_sensitive ? ENGINE_CREATE_CASE_SENSITIVE : 0) |
		    (o->citext ? ENGINE_CREATE_CITEXT : 0) |
		    (tc->postgis ? ENGINE_CREATE_POSTGIS : 0) |
		    (o->enum_check ? ENGINE_CREATE_ENUM_CHECK : 0),
		tc->objects, &cn, &why) == 0) {
		int rc = 0;
		for (size_t i = 0; i < cn.n && rc == 0; i++)
			rc = add_note(notes, e, "%s", cn.msg[i]);
		for (size_t i = 0; i < tc->t->nfkeys && rc == 0; i++)
			rc = add_note(notes, e,
				      "foreign key %s made once every table "
				      "of the run is loaded; the rows are "
				      "then checked against it",
				      tc->t->fkeys[i].name);
		if (rc == 0 && tc->t->partition &&
		    strcmp(tc->en->name, "postgresql") == 0) {
			rc = add_note(notes, e,
				      "partitioned as the source, its %zu "
				      "partitions made with it",
				      tc->t->partition->nparts);
			if (rc == 0)
				rc = partitions_free(tc, name, problems, fails,
						     e);
		}
		create_notes_release(&cn);
		return rc;
	}
	create_notes_release(&cn);
	if (why.class != ERR_STREAM) {
		*e = why;
		return -1;
	}
	*fails = 1;
	return add_note(problems, e, "%s", why.msg);
}

/* the key duplicates are looked for: the target's when it has one the
 * stream carries, else the stream's */
static void begin_key(struct table_check *tc)
{
	const struct schema_table *t = tc->t;

	for (size_t k = 0; tc->tt && k < tc->tt->npk; k++) {
		int i = stream_col(tc, t, tc->tt->cols[tc->tt->pk[k]].name);
		if (i < 0) {
			tc->nkey = 0;
			break;
		}
		tc->key[tc->nkey++] = (size_t)i;
	}
	if (!tc->nkey)
		for (size_t k = 0; k < t->npk; k++)
			tc->key[tc->nkey++] = t->pk[k];
	if (tc->nkey > 64)
		tc->nkey = 0;
}

/* what each value of stream column sc meets in target column tcol */
static void begin_value_checks(struct table_check *tc, struct col_check *c,
			       const struct schema_column *sc,
			       const struct schema_column *tcol)
{
	const struct engine *en = tc->en;

	c->text_in = is_textish(sc->type);
	c->bytes_hex = en->bytes_text_hex;
	c->nul =
	    en->text_refuses_nul && c->text_in && tcol->type != VALUE_BYTES;
	c->bytes_text = sc->type == VALUE_BYTES &&
			(tcol->type == VALUE_TEXT || tcol->type == VALUE_ENUM ||
			 tcol->type == VALUE_JSON);
	c->max_len = -1;
	if (tc->tt && tcol->length > 0 &&
	    (tcol->type == VALUE_TEXT || tcol->type == VALUE_BYTES) &&
	    (sc->type == VALUE_TEXT || sc->type == VALUE_ENUM ||
	     sc->type == VALUE_BYTES)) {
		const char *st = tcol->source_type;
		c->max_len = tcol->length;
		c->len_bytes = tcol->type == VALUE_BYTES ||
			       !(starts(st, "varchar") || starts(st, "char") ||
				 starts(st, "character"));
	}
	/* a table --create makes: a column it makes narrower than the
	 * source's (a MySQL key column of text of no known length) */
	if (!tc->tt) {
		long ml = engine_create_max_len(en, tc->t,
						(size_t)(sc - tc->t->cols));
		if (ml > 0 && (sc->type == VALUE_TEXT ||
			       sc->type == VALUE_BYTES)) {
			c->max_len = ml;
			c->len_bytes = sc->type == VALUE_BYTES;
		}
	}
	if (tc->tt)
		c->r = target_range(tcol, en->unsigned_ints);
	c->to_bool = tcol->type == VALUE_BOOL &&
		     (sc->type == VALUE_INT64 || sc->type == VALUE_UINT64 ||
		      sc->type == VALUE_DECIMAL);
	c->labels =
	    tc->tt && (tcol->type == VALUE_ENUM || tcol->type == VALUE_TEXT) &&
	    tcol->nlabels && (sc->type == VALUE_TEXT || sc->type == VALUE_ENUM);
	c->members = tcol->nset && sc->type == VALUE_TEXT;
	/* MySQL: what the load's own formatting refuses (loadfmt.h), the
	 * TIMESTAMP range, and a DECIMAL's fraction in strict mode */
	c->my_store = strcmp(en->name, "mysql") == 0 &&
		      (sc->type == VALUE_FLOAT64 || sc->type == VALUE_DECIMAL ||
		       sc->type == VALUE_DATE || sc->type == VALUE_TIMESTAMP ||
		       sc->type == VALUE_TIMESTAMPTZ);
	c->ts_2038 = c->my_store && tc->tt &&
		     (sc->type == VALUE_TIMESTAMP ||
		      sc->type == VALUE_TIMESTAMPTZ) &&
		     starts(tcol->source_type, "timestamp");
	c->scale = c->my_store && sc->type == VALUE_DECIMAL &&
			   tcol->type == VALUE_DECIMAL && tcol->scale >= 0 &&
			   tcol->precision > 0
		       ? tcol->scale
		       : -1;
	/* jsonb refuses the escape \u0000 (json keeps it as text): the
	 * target's jsonb column, or the jsonb --create makes of JSON but a
	 * PostgreSQL source's json */
	c->jsonb = en->text_refuses_nul &&
		   (sc->type == VALUE_JSON || sc->type == VALUE_TEXT) &&
		   (tc->tt ? tcol->type == VALUE_JSON && tcol->source_type &&
				 strcmp(tcol->source_type, "jsonb") == 0
			   : sc->type == VALUE_JSON &&
				 !(starts(tc->t->source, "postgres") &&
				   sc->source_type &&
				   strcmp(sc->source_type, "json") == 0));
}

/* digits after the point of a decimal text, its trailing zeros aside
 * (MySQL drops those without a word) */
static int64_t frac_digits(const char *p, size_t len)
{
	const char *dot = memchr(p, '.', len);

	if (!dot)
		return 0;
	while (len && p[len - 1] == '0')
		len--;
	return len > (size_t)(dot + 1 - p) ? (int64_t)(len - (size_t)(dot + 1 - p))
					   : 0;
}

/* JSON text holding the escape \u0000 */
static int json_nul_escape(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] == 'u' && i + 5 < n &&
		    memcmp(p + i + 2, "0000", 4) == 0)
			return 1;
		i++; /* the escaped character */
	}
	return 0;
}

/* whether the target computes column i (target column tcol) itself, as
 * a generated column: one it has, or one --create would make; -1 oom */
static int computed(const struct table_check *tc, size_t i,
		    const struct schema_column *tcol)
{
	const struct schema_column *sc = &tc->t->cols[i];
	struct err e = { 0 };
	struct buf b;
	char why[256];
	int rc;

	if (tc->tt)
		return tcol->generated != NULL;
	if (!sc->generated_form)
		return 0;
	buf_init(&b, 1u << 20);
	rc = sqlexpr_translate_generated(
	    sc->generated_form, tc->t, i,
	    strcmp(tc->en->name, "postgresql") == 0 ? SQLEXPR_PG
						    : SQLEXPR_MYSQL,
	    NULL, 0, &b, why, sizeof(why), &e);
	buf_release(&b);
	return rc < 0 ? -1 : rc == 0;
}

/* Stream column i against the target's: its JSON in cols, a column the
 * target lacks or cannot take in problems. */
static int begin_column(struct table_check *tc, size_t i, const char *name,
			cJSON *cols, cJSON *problems, int *fails, struct err *e)
{
	struct col_check *c = &tc->cc[i];
	const struct schema_column *sc = &tc->t->cols[i];
	const struct schema_column *tcol;
	cJSON *jc = cJSON_CreateObject();
	int ti = tc->tt ? target_col(tc, i) : -1;
	const char *status = "ok";

	c->sc = sc;
	c->tc = tc->tt ? (ti >= 0 ? &tc->tt->cols[ti] : NULL) : sc;
	if (!jc || !cJSON_AddItemToArray(cols, jc) ||
	    !cJSON_AddStringToObject(jc, "name", sc->name) ||
	    !cJSON_AddStringToObject(jc, "stream_type",
				     value_type_name(sc->type)) ||
	    !cJSON_AddBoolToObject(jc, "stream_nullable", sc->nullable))
		return err_oom(e);
	if (!(tcol = c->tc)) {
		int held = strcmp(held_name(tc, i), sc->name) != 0;
		*fails = 1;
		status = "missing";
		if (add_note(problems, e, "table %s has no column %s%s%s%s%s%s",
			     name, sc->name, held ? " (" : "",
			     held ? held_name(tc, i) : "", held ? " in " : "",
			     held ? tc->en->title : "", held ? ")" : "") < 0)
			return -1;
	} else {
		if (tc->tt &&
		    (!cJSON_AddStringToObject(
			 jc, "target_type",
			 tcol->source_type ? tcol->source_type : "") ||
		     !cJSON_AddBoolToObject(jc, "target_nullable",
					    tcol->nullable)))
			return err_oom(e);
		/* MySQL takes text into a binary column as its bytes
		 * (PostgreSQL would read bytea escapes in it) */
		if (!compatible(sc->type, tcol->type) &&
		    !(strcmp(tc->en->name, "mysql") == 0 &&
		      is_textish(sc->type) && tcol->type == VALUE_BYTES)) {
			*fails = 1;
			status = "type_mismatch";
			if (add_note(problems, e,
				     "column %s: a stream %s does not go into "
				     "%s",
				     sc->name, value_type_name(sc->type),
				     tcol->source_type ? tcol->source_type
						       : "") < 0)
				return -1;
		} else if ((c->computed = computed(tc, i, tcol)) < 0) {
			return err_oom(e);
		} else if (c->computed) {
			status = "generated";
		} else if (sc->nullable && !tcol->nullable) {
			status = "nullability";
		} else if (tc->tt && sc->type != tcol->type) {
			status = "converted";
		}
		begin_value_checks(tc, c, sc, tcol);
	}
	if (!cJSON_AddStringToObject(jc, "status", status))
		return err_oom(e);
	return 0;
}

/* a column of the target the stream does not fill must take NULL or
 * have a default */
static int begin_unfilled(struct table_check *tc, const char *name,
			  cJSON *notes, cJSON *problems, int *fails,
			  struct err *e)
{
	for (size_t i = 0; tc->tt && i < tc->tt->ncols; i++) {
		const struct schema_column *tcol = &tc->tt->cols[i];
		if (tcol->nullable || tcol->has_default ||
		    stream_col(tc, tc->t, tcol->name) >= 0)
			continue;
		if (tc->trigger_fills) {
			if (add_note(notes, e,
				     "column %s of %s is NOT NULL without a "
				     "default and the stream has no value for "
				     "it: the load counts on a trigger to fill "
				     "it (--triggers fire), or fails",
				     tcol->name, name) < 0)
				return -1;
			continue;
		}
		*fails = 1;
		if (add_note(problems, e,
			     "column %s of %s is NOT NULL without a default, "
			     "and the stream has no value for it",
			     tcol->name, name) < 0)
			return -1;
	}
	return 0;
}

/*
 * Set up the checks of stream table t against the target: its columns
 * (JSON in cols, problems that fail the whole table in problems, other
 * remarks in notes).  *fails: a load would fail on the table itself.
 */
/* check k of tt reads one column only, a text column with labels (its
 * CHECK (col IN (...)) taken as an enum's) */
static int labels_check(const struct schema_table *tt, size_t k)
{
	char why[256];
	struct err pe;
	struct sqlexpr *x;
	size_t used = 0, col = 0;

	err_init(&pe);
	if (!(x = sqlexpr_parse(tt->checks[k].expr, SQLEXPR_FERRY, tt, why,
				sizeof(why), &pe)))
		return 0;
	for (size_t i = 0; i < tt->ncols; i++)
		if (sqlexpr_uses(x, i)) {
			used++;
			col = i;
		}
	sqlexpr_free(x);
	return used == 1 && tt->cols[col].nlabels &&
	       tt->cols[col].type == VALUE_TEXT;
}

/* table schema.table came earlier in the stream (a load has its rows
 * by now) */
static int seen_before(const struct table_check *tc, const char *schema,
		       const char *table, struct err *e)
{
	struct table_check t2 = *tc;

	t2.run = tc->seen;
	t2.nrun = tc->nseen;
	return run_place(&t2, schema, table, e) != SIZE_MAX;
}

/*
 * The target's CHECK constraints, each written for it by ferry, to be
 * asked of the target over the stream's rows (a load that writes rows,
 * into a table the target has).  One ferry cannot write, or a target
 * that cannot say, is a note: not checked.
 */
static int begin_checks(struct table_check *tc, const struct check_opts *o,
			cJSON *notes, struct err *e)
{
	const struct schema_table *tt = tc->tt;
	char *names[SCHEMA_MAX_COLUMNS];
	struct create_notes cn = { 0 };
	int pg = strcmp(tc->en->name, "postgresql") == 0;

	/* a delete that a foreign key of another table refuses (MySQL too:
	 * its delete runs with foreign_key_checks on) */
	if (tt && o->mode == SINK_DELETE) {
		struct chk *c;
		if (!tc->target_rows ||
		    (!pg && strcmp(tc->en->name, "mysql") != 0))
			return 0;
		if (!(tc->chk = calloc(1, sizeof(*tc->chk))))
			return err_oom(e);
		tc->chk_notes = notes;
		buf_init(&tc->chk_json, (size_t)STREAM_MAX_ROW * 4);
		c = &tc->chk[tc->nchk++];
		c->what = SOURCE_ROWS_REFERENCED;
		if (!(c->name = strdup("")) || !(c->cond = strdup("")))
			return err_oom(e);
		return 0;
	}
	if (!tt || (!tt->nchecks && !tt->nfkeys && !tt->nindexes))
		return 0;
	if (!pg && strcmp(tc->en->name, "mysql") != 0)
		return !tt->nchecks
			   ? 0
			   : add_note(notes, e,
				      "%zu CHECK constraint(s) of the target "
				      "not checked by --check on %s (the load "
				      "finds them)",
				      tt->nchecks, tc->en->title);
	if (!(tc->chk = calloc(tt->nchecks + tt->nfkeys + tt->nindexes,
			       sizeof(*tc->chk))))
		return err_oom(e);
	tc->chk_notes = notes;
	for (size_t i = 0; i < tt->ncols && i < SCHEMA_MAX_COLUMNS; i++)
		names[i] = tt->cols[i].name;
	buf_init(&tc->chk_json, (size_t)STREAM_MAX_ROW * 4);
	for (size_t k = 0; k < tt->nchecks; k++) {
		struct chk *c = &tc->chk[tc->nchk++];
		struct buf b;
		int rc;
		if (!(c->name = strdup(tt->checks[k].name)))
			return err_oom(e);
		/* a column's own list of values, taken as its labels:
		 * enum_label names those rows already */
		if (tc->labelled_by_check && labels_check(tt, k))
			continue;
		buf_init(&b, 1u << 20);
		rc = create_check(tt, k, pg ? SQLEXPR_PG : SQLEXPR_MYSQL, names,
				  0, &b, &cn, e);
		if (rc == 1 && !(c->cond = strdup((char *)b.data)))
			rc = err_oom(e);
		buf_release(&b);
		if (rc < 0) {
			create_notes_release(&cn);
			return -1;
		}
		if (rc == 0 &&
		    add_note(notes, e,
			     "CHECK %s of the target not checked: ferry cannot "
			     "write it (the load finds it)",
			     c->name) < 0) {
			create_notes_release(&cn);
			return -1;
		}
	}
	create_notes_release(&cn);
	/* a foreign key to a table the run does not load: its parents are
	 * the target's, looked up there (one the run loads is
	 * foreign_key_order's, or there when its rows are); a MySQL load
	 * runs with foreign_key_checks off and takes such rows */
	for (size_t k = 0; pg && k < tt->nfkeys; k++) {
		const struct schema_fkey *fk = &tt->fkeys[k];
		struct chk *c;
		size_t at = run_place(tc, fk->ref_schema, fk->ref_table, e);
		char par[300];
		if (e->class)
			return -1;
		if (at != SIZE_MAX || seen_before(tc, fk->ref_schema,
						  fk->ref_table, e))
			continue;
		if (e->class)
			return -1;
		c = &tc->chk[tc->nchk++];
		c->what = SOURCE_ROWS_ORPHAN;
		c->fki = k;
		snprintf(par, sizeof(par), "%s%s%s",
			 fk->ref_schema ? fk->ref_schema : "",
			 fk->ref_schema ? "." : "", fk->ref_table);
		if (!(c->name = strdup(fk->name ? fk->name : "")) ||
		    !(c->parent = strdup(par)) || !(c->cond = strdup("")))
			return err_oom(e);
	}
	/* a unique index other than the key, on a target that holds rows:
	 * which stream rows collide there, named by their own key (insert:
	 * any row; upsert: a row of another key, which it cannot update) */
	for (size_t x = 0; tc->target_rows && x < tt->nindexes; x++) {
		struct chk *c;
		if (!tt->indexes[x].unique ||
		    (o->mode != SINK_INSERT && o->mode != SINK_UPSERT))
			continue;
		c = &tc->chk[tc->nchk++];
		c->what = o->mode == SINK_UPSERT ? SOURCE_ROWS_UNIQUE_OTHER
						 : SOURCE_ROWS_UNIQUE;
		c->fki = x;
		if (!(c->name = strdup(tt->indexes[x].name
					   ? tt->indexes[x].name
					   : "")) ||
		    !(c->cond = strdup("")))
			return err_oom(e);
		tc->uniq_asked = 1;
	}
	return 0;
}

struct chk_hit {
	struct table_check *tc;
	const struct check_opts *o;
	struct chk *c;
};

static int chk_hit(void *ctx, long ordinal, struct err *e)
{
	struct chk_hit *h = ctx;

	if (ordinal < 1 || (size_t)ordinal > h->tc->chk_n)
		return err_set(e, ERR_DB, "CHECK %s: row %ld of a batch of %zu",
			       h->c->name, ordinal, h->tc->chk_n);
	return note_text(&h->c->f, h->o, h->tc->chk_key[ordinal - 1], e);
}

/* the batch asked of the target, check by check */
static int chk_flush(struct table_check *tc, const struct check_opts *o,
		     struct err *e)
{
	cJSON *notes = tc->chk_notes;

	if (!tc->chk_n)
		return 0;
	if (buf_addc(&tc->chk_json, ']', e) < 0)
		return -1;
	for (size_t k = 0; k < tc->nchk; k++) {
		struct chk *c = &tc->chk[k];
		struct chk_hit h = { tc, o, c };
		struct err ce;
		int rc;
		if (!c->cond)
			continue;
		err_init(&ce);
		rc = source_check_rows(tc->src, tc->tt, c->cond, c->what,
				       c->fki, (char *)tc->chk_json.data,
				       chk_hit, &h, &ce);
		if (rc < 0 && ce.class != ERR_STREAM) {
			*e = ce;
			return -1;
		}
		if (rc != 0) {
			/* not asked again: said once */
			if (notes &&
			    add_note(notes, e,
				     "%s %s of the target not checked: %s",
				     c->what == SOURCE_ROWS_CHECK ? "CHECK"
				     : c->what == SOURCE_ROWS_ORPHAN
					 ? "foreign key"
				     : c->what == SOURCE_ROWS_REFERENCED
					 ? "foreign keys that refer to it"
					 : "unique index",
				     c->name,
				     rc > 0 ? "the target cannot say" : ce.msg) <
				0)
				return -1;
			free(c->cond);
			c->cond = NULL;
		}
	}
	for (size_t r = 0; r < tc->chk_n; r++)
		free(tc->chk_key[r]);
	tc->chk_n = 0;
	buf_reset(&tc->chk_json);
	return 0;
}

/* row into the batch: an object of its values by the target's names */
static int chk_row(struct table_check *tc, const struct check_opts *o,
		   const struct value *row, struct err *e)
{
	struct buf *j = &tc->chk_json;
	char key[256];
	int first = 1;
	/* PostgreSQL reads the object by the target's column names, MySQL
	 * column k's value as "c<k>" (source_check_rows) */
	int by_name = strcmp(tc->en->name, "mysql") != 0;

	if (buf_addc(j, tc->chk_n ? ',' : '[', e) < 0 || buf_addc(j, '{', e) < 0)
		return -1;
	for (size_t i = 0; i < tc->t->ncols; i++) {
		const struct col_check *c = &tc->cc[i];
		if (!c->tc || c->computed)
			continue;
		if ((!first && buf_addc(j, ',', e) < 0) ||
		    (by_name ? json_add_string(j, c->tc->name,
					       strlen(c->tc->name), e)
			     : buf_addf(j, e, "\"c%td\"",
					c->tc - tc->tt->cols)) <
			0 ||
		    buf_addc(j, ':', e) < 0)
			return -1;
		first = 0;
		if (row[i].null ? buf_adds(j, "null", e) < 0
				: value_format(j, c->sc->type, &row[i],
					       VALUE_STYLE_JSON, e) < 0)
			return -1;
	}
	if (buf_addc(j, '}', e) < 0)
		return -1;
	schema_row_key(tc->t, row, key, sizeof(key));
	if (!(tc->chk_key[tc->chk_n] = strdup(key)))
		return err_oom(e);
	tc->chk_n++;
	if (tc->chk_n == CHECK_BATCH || j->len > (size_t)STREAM_MAX_ROW)
		return chk_flush(tc, o, e);
	return 0;
}

static int table_begin(struct table_check *tc, struct source *src,
		       const struct check_opts *o, const struct engine *en,
		       const struct schema_table *t, const char *name,
		       const struct engine_names *names, int exists, cJSON *jt,
		       int *fails, struct err *e)
{
	cJSON *cols, *notes, *problems;

	tc->t = t;
	tc->src = src;
	tc->en = en;
	tc->names = names;
	tc->ncols = t->ncols;
	tc->sorted = tc->hashing = 1;
	buf_init(&tc->prev_mem, (size_t)STREAM_MAX_ROW);
	buf_init(&tc->scratch, (size_t)STREAM_MAX_ROW + 1024);
	if (!(tc->cc = calloc(t->ncols, sizeof(*tc->cc))) ||
	    !(tc->key = calloc(t->ncols + 1, sizeof(*tc->key))) ||
	    !(cols = cJSON_AddArrayToObject(jt, "columns")) ||
	    !(notes = cJSON_AddArrayToObject(jt, "notes")) ||
	    !(problems = cJSON_AddArrayToObject(jt, "problems")) ||
	    !cJSON_AddBoolToObject(jt, "exists", exists))
		return err_oom(e);
	if (exists ? begin_existing(tc, src, o, name, jt, notes, problems,
				    fails, e)
		   : begin_missing(tc, o, name, jt, notes, problems, fails, e))
		return -1;
	begin_key(tc);
	if (ukeys_begin(tc, o, e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++)
		if (begin_column(tc, i, name, cols, problems, fails, e) < 0)
			return -1;
	if (begin_checks(tc, o, notes, e) < 0)
		return -1;
	/* what the load refuses of the mode itself, in its words */
	if (o->mode == SINK_UPSERT && !t->npk) {
		*fails = 1;
		if (add_note(problems, e, "--mode upsert needs a primary key") <
		    0)
			return -1;
	}
	if (o->mode == SINK_DELETE && tc->tt) {
		char *pk[64];
		size_t npk = 0;
		struct err why;
		err_init(&why);
		for (size_t k = 0; k < tc->tt->npk && npk < 64; k++)
			pk[npk++] = tc->tt->cols[tc->tt->pk[k]].name;
		if (sink_check_key_columns(t, pk, npk, tc->en->names_nocase,
					   &why) < 0) {
			*fails = 1;
			if (add_note(problems, e, "%s", why.msg) < 0)
				return -1;
		}
		return 0; /* a delete writes no column */
	}
	return begin_unfilled(tc, name, notes, problems, fails, e);
}

static int check_row(struct table_check *tc, const struct check_opts *o,
		     const struct value *row, uint64_t row_no, struct err *e)
{
	const struct schema_table *t = tc->t;
	int d;

	for (size_t i = 0; i < t->ncols; i++) {
		struct col_check *c = &tc->cc[i];
		const struct value *v = &row[i];
		enum value_type st = c->sc->type;
		int k = -1;

		if (!c->tc || c->computed)
			continue;
		if (v->null) {
			if (!c->tc->nullable)
				k = CK_NULL_NOT_NULL;
		} else if (c->nul && memchr(v->v.s.p, '\0', v->v.s.len)) {
			k = CK_NUL_BYTE;
		} else if (c->bytes_text) {
			/* PostgreSQL keeps bytes in a text column as \x hex
			 * text; MySQL takes them as they are, if UTF-8 */
			if (c->bytes_hex)
				k = CK_BYTES_AS_HEX;
			else if (!utf8_valid(v->v.s.p, v->v.s.len))
				k = CK_INVALID_UTF8;
		} else if (c->to_bool) {
			int ok = st == VALUE_INT64
				     ? (v->v.i == 0 || v->v.i == 1)
				 : st == VALUE_UINT64
				     ? v->v.u <= 1
				     : v->v.s.len == 1 && (v->v.s.p[0] == '0' ||
							   v->v.s.p[0] == '1');
			if (!ok)
				k = CK_NOT_BOOL;
		} else if (!in_range(&c->r, st, v)) {
			k = CK_OUT_OF_RANGE;
		} else if (c->labels &&
			   !has_label(c->tc, v->v.s.p, v->v.s.len)) {
			k = CK_ENUM_LABEL;
		} else if (c->members && !set_members(c->tc, v, tc->en)) {
			k = CK_SET_MEMBER;
		} else if (c->jsonb && json_nul_escape(v->v.s.p, v->v.s.len)) {
			k = CK_JSON_NUL;
		} else if (c->my_store) {
			struct err fe;
			size_t mark = tc->scratch.len;
			err_init(&fe);
			if (loadfmt_my_field(&tc->scratch, st, v, &fe) < 0) {
				if (fe.class != ERR_STREAM) {
					*e = fe;
					return -1;
				}
				k = CK_NOT_STORABLE;
			}
			tc->scratch.len = mark;
			if (k < 0 && c->ts_2038 &&
			    (v->v.i < INT64_C(1000000) ||
			     v->v.i > INT64_C(2147483647999999)))
				k = CK_OUT_OF_RANGE;
			if (k < 0 && c->scale >= 0 &&
			    frac_digits(v->v.s.p, v->v.s.len) > c->scale)
				k = CK_OUT_OF_RANGE;
		}
		if (k < 0 && !v->null && c->max_len >= 0) {
			uint64_t n = c->len_bytes || st == VALUE_BYTES
					 ? v->v.s.len
					 : utf8_chars(v->v.s.p, v->v.s.len);
			if (n > (uint64_t)c->max_len)
				k = CK_TOO_LONG;
		}
		if (k >= 0 && note(&c->f[k], o, t, row, row_no, e) < 0)
			return -1;
	}
	if (tc->nchk && chk_row(tc, o, row, e) < 0)
		return -1;
	if ((d = dup_row(tc, o, row, row_no, e)) < 0)
		return -1;
	if (d && note(&tc->dup, o, t, row, row_no, e) < 0)
		return -1;
	for (size_t x = 0; x < tc->nfkl; x++) {
		struct fk_later *l = &tc->fkl[x];
		int refs = l->n > 0;
		for (size_t k = 0; refs && k < l->n; k++)
			refs = !row[l->cols[k]].null;
		if (refs && note(&l->f, o, t, row, row_no, e) < 0)
			return -1;
	}
	return ukeys_row(tc, o, row, row_no, e);
}

static const char *detail_of(const struct col_check *c, int k,
			     const struct engine *en, char *buf, size_t sz)
{
	const char *tt = c->tc && c->tc->source_type
			     ? c->tc->source_type
			     : value_type_name(c->tc->type);

	switch (k) {
	case CK_NULL_NOT_NULL: return "NULL into a NOT NULL column";
	case CK_NOT_STORABLE:
		return "a value MySQL cannot store (NaN, an infinity, a year "
		       "outside 1..9999)";
	case CK_JSON_NUL:
		return "JSON holding \\u0000, which PostgreSQL's jsonb refuses";
	case CK_NUL_BYTE:
		snprintf(buf, sz, "text holding a NUL byte, which %s refuses",
			 en->title);
		return buf;
	case CK_INVALID_UTF8:
		snprintf(buf, sz, "bytes that are not UTF-8 into %s", tt);
		return buf;
	case CK_BYTES_AS_HEX: return "bytes stored as \\x hex text";
	case CK_TOO_LONG:
		if (c->tc == c->sc) /* a table --create would make */
			snprintf(buf, sz,
				 "longer than the %" PRId64 " %s --create "
				 "gives the key column",
				 c->max_len,
				 c->len_bytes ? "bytes" : "characters");
		else
			snprintf(buf, sz, "longer than %s's %" PRId64 " %s",
				 tt, c->max_len,
				 c->len_bytes ? "bytes" : "characters");
		return buf;
	case CK_OUT_OF_RANGE:
		snprintf(buf, sz, "out of the range of %s", tt);
		return buf;
	case CK_NOT_BOOL:
		snprintf(buf, sz, "neither 0 nor 1 into %s%s", tt,
			 en->bool_stores_numbers
			     ? " (stored, but a bool to ferry: refused on "
			       "the way out)"
			     : "");
		return buf;
	case CK_SET_MEMBER:
		snprintf(buf, sz, "a member the SET (%s) does not have", tt);
		return buf;
	case CK_ENUM_LABEL:
		if (c->tc && c->tc->type == VALUE_TEXT)
			snprintf(buf, sz,
				 "a value the column's CHECK (IN ...) does not "
				 "list");
		else
			snprintf(buf, sz, "a label %s does not have", tt);
		return buf;
	default: return "";
	}
}

static int add_finding(cJSON *arr, const char *column, const char *kind,
		       const char *detail, const struct finding *f, int changed,
		       struct err *e)
{
	cJSON *o = cJSON_CreateObject(), *s;

	if (!o || !cJSON_AddItemToArray(arr, o) ||
	    !cJSON_AddStringToObject(o, "column", column) ||
	    !cJSON_AddStringToObject(o, "kind", kind) ||
	    !cJSON_AddStringToObject(o, "effect",
				     changed ? "changed" : "refused") ||
	    !cJSON_AddStringToObject(o, "detail", detail) ||
	    !cJSON_AddNumberToObject(o, "count", (double)f->count) ||
	    !(s = cJSON_AddArrayToObject(o, "samples")))
		return err_oom(e);
	for (size_t i = 0; i < f->nsamples; i++)
		if (!cJSON_AddItemToArray(s, cJSON_CreateString(f->samples[i])))
			return err_oom(e);
	return 0;
}

/* a finding of the key over columns cols[0..n) of t (NULL: its first n),
 * named by them joined with commas */
static int add_key_finding(cJSON *arr, const struct schema_table *t,
			   const size_t *cols, size_t n, const char *kind,
			   const char *detail, const struct finding *f,
			   struct err *e)
{
	struct buf names;
	int rc = 0;

	buf_init(&names, 1u << 16);
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = (k && buf_addc(&names, ',', e) < 0) ||
			     buf_adds(&names, t->cols[cols ? cols[k] : k].name,
				      e) < 0
			 ? -1
			 : 0;
	if (rc == 0)
		rc = add_finding(arr, (char *)names.data, kind, detail, f, 0,
				 e);
	buf_release(&names);
	return rc;
}

/* the table's findings into jt; *bad set when a row would be refused */
static int table_end(struct table_check *tc, const struct check_opts *o,
		     uint64_t rows, cJSON *jt, int *bad, struct err *e)
{
	cJSON *arr;
	char detail[400];

	if (!cJSON_AddNumberToObject(jt, "rows", (double)rows) ||
	    !(arr = cJSON_AddArrayToObject(jt, "findings")))
		return err_oom(e);
	for (size_t i = 0; i < tc->t->ncols; i++)
		for (int k = 0; k < CK_COUNT; k++) {
			const struct finding *f = &tc->cc[i].f[k];
			if (!f->count)
				continue;
			if (k != CK_BYTES_AS_HEX)
				*bad = 1;
			if (add_finding(arr, tc->t->cols[i].name, kind_name[k],
					detail_of(&tc->cc[i], k, tc->en, detail,
						  sizeof(detail)),
					f, k == CK_BYTES_AS_HEX, e) < 0)
				return -1;
		}
	if (tc->dup.count) {
		*bad = 1;
		if (add_key_finding(arr, tc->t, tc->key, tc->nkey,
				    "duplicate_key",
				    "a primary key that came before in the "
				    "stream",
				    &tc->dup, e) < 0)
			return -1;
	}
	if (tc->dup_stopped) {
		cJSON *notes = cJSON_GetObjectItemCaseSensitive(jt, "notes");
		if (add_note(notes, e,
			     "duplicate keys checked up to row %" PRIu64
			     " only: more than %" PRIu64
			     " keys, not in key order (extract with --order "
			     "pk, or raise --max-keys)",
			     tc->dup_stopped, o->max_keys) < 0)
			return -1;
	}
	if (tc->nchk && chk_flush(tc, o, e) < 0)
		return -1;
	for (size_t k = 0; k < tc->nchk; k++) {
		const struct chk *c = &tc->chk[k];
		if (!c->f.count)
			continue;
		*bad = 1;
		if (c->what == SOURCE_ROWS_REFERENCED) {
			if (add_key_finding(arr, tc->tt, tc->tt->pk,
					    tc->tt->npk, "referenced",
					    "a row of the target another table "
					    "refers to by a foreign key that "
					    "refuses its delete (NO ACTION, "
					    "RESTRICT)",
					    &c->f, e) < 0)
				return -1;
		} else if (c->what == SOURCE_ROWS_ORPHAN) {
			snprintf(detail, sizeof(detail),
				 "a reference (foreign key %s) to a row of %s "
				 "that the target lacks",
				 c->name, c->parent);
			if (add_key_finding(arr, tc->tt,
					    tc->tt->fkeys[c->fki].cols,
					    tc->tt->fkeys[c->fki].ncols,
					    "foreign_key", detail, &c->f, e) < 0)
				return -1;
		} else if (c->what != SOURCE_ROWS_CHECK) {
			snprintf(detail, sizeof(detail),
				 "a key of unique index %s the target already "
				 "holds%s",
				 c->name,
				 c->what == SOURCE_ROWS_UNIQUE_OTHER
				     ? " in a row of another primary key "
				       "(--mode upsert cannot update it)"
				     : " (--mode insert refuses it)");
			if (add_key_finding(arr, tc->tt,
					    tc->tt->indexes[c->fki].cols,
					    tc->tt->indexes[c->fki].ncols,
					    "key_exists", detail, &c->f, e) < 0)
				return -1;
		} else {
			snprintf(detail, sizeof(detail),
				 "a row the target's CHECK constraint %s "
				 "refuses",
				 c->name);
			if (add_finding(arr, c->name, "check_constraint",
					detail, &c->f, 0, e) < 0)
				return -1;
		}
	}
	for (size_t x = 0; x < tc->nfkl; x++) {
		const struct fk_later *l = &tc->fkl[x];
		if (!l->f.count)
			continue;
		snprintf(detail, sizeof(detail),
			 "a reference (foreign key %s) to %s, which the stream "
			 "loads after this table and the target holds empty",
			 l->name, l->parent);
		*bad = 1;
		if (add_key_finding(arr, tc->t, l->cols, l->n,
				    "foreign_key_order", detail, &l->f, e) < 0)
			return -1;
	}
	return ukeys_end(tc, o, jt, bad, e);
}

/*
 * --mode insert into a table that holds rows: read the target's keys (in
 * the same read-only snapshot) and look each up among the stream's,
 * hashed as the duplicates were; a key both have is a row the load
 * would refuse.  Memory: the stream's key hashes, already there.
 */
/* --mode insert into a table that holds rows: the target's rows against
 * each unique key's stream keys, as probe_existing does the primary
 * key's */
static int probe_ukeys(struct table_check *tc, struct source *src,
		       const struct check_opts *o, cJSON *jt, int *bad,
		       struct err *e)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(jt, "findings");

	if (!tc->tt || !tc->target_rows || o->mode != SINK_INSERT)
		return 0;
	for (size_t x = 0; x < tc->nuk; x++) {
		struct ukey *u = &tc->uk[x];
		size_t tcols[64];
		struct schema_table *kt;
		struct source_query q;
		/* asked of the target already, by the stream's rows */
		if (tc->uniq_asked && strcmp(u->name, "primary key") != 0)
			continue;
		const struct value *row;
		char detail[600];
		int nrc = 0, rc = 0;
		if (u->stopped)
			continue;
		for (size_t k = 0; k < u->n && nrc == 0; k++) {
			int i = target_col(tc, u->cols[k]);
			if (i < 0)
				nrc = 1;
			else
				tcols[k] = (size_t)i;
		}
		if (nrc)
			continue;
		if (!(kt = schema_table_keys(tc->tt, tcols, u->n, e)))
			return -1;
		memset(&q, 0, sizeof(q));
		q.t = kt;
		if (source_open_rows(src, &q, e) < 0) {
			schema_table_free(kt);
			return -1;
		}
		while ((nrc = source_next_row(src, &row, e)) == 1) {
			const struct value *vals[64];
			enum value_type types[64];
			char key[256];
			for (size_t k = 0; k < u->n; k++) {
				vals[k] = &row[k];
				types[k] = kt->cols[k].type;
			}
			schema_row_key(kt, row, key, sizeof(key));
			if (ukey_push(tc, u, o, vals, types, key, 1, e) < 0) {
				nrc = -1;
				break;
			}
		}
		if (nrc == 0 && ukey_flush(tc, u, o, 1, e) < 0)
			nrc = -1;
		if (nrc < 0) {
			/* the rows of the read, to their end */
			while (source_next_row(src, &row, e) == 1)
				;
			schema_table_free(kt);
			return -1;
		}
		if (u->exists.count) {
			snprintf(detail, sizeof(detail),
				 "a key of %s%s the target already holds "
				 "(--mode insert refuses it)",
				 strcmp(u->name, "primary key")
				     ? "unique index "
				     : "",
				 u->name);
			*bad = 1;
			rc = add_key_finding(arr, kt, NULL, u->n, "key_exists",
					     detail, &u->exists, e);
		}
		schema_table_free(kt);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int probe_existing(struct table_check *tc, struct source *src,
			  const struct check_opts *o, cJSON *jt, int *bad,
			  struct err *e)
{
	size_t tcols[64];
	struct schema_table *kt = NULL;
	struct source_query q;
	struct finding f;
	const struct value *row;
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(jt, "findings");
	cJSON *notes = cJSON_GetObjectItemCaseSensitive(jt, "notes");
	int rc = -1, nrc;

	if (!tc->tt || !tc->target_rows || o->mode != SINK_INSERT || !tc->nkey)
		return 0;
	if (!tc->hashing)
		return add_note(notes, e,
				"keys the target holds not looked up: more "
				"than %" PRIu64 " keys (raise --max-keys)",
				o->max_keys);
	for (size_t k = 0; k < tc->nkey; k++) {
		int i = target_col(tc, tc->key[k]);
		if (i < 0)
			return 0;
		tcols[k] = (size_t)i;
	}
	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	if (!(kt = schema_table_keys(tc->tt, tcols, tc->nkey, e)))
		return -1;
	q.t = kt;
	if (source_open_rows(src, &q, e) < 0)
		goto out;
	while ((nrc = source_next_row(src, &row, e)) == 1) {
		buf_reset(&tc->scratch);
		for (size_t k = 0; k < kt->ncols; k++)
			if (value_canonical(&tc->scratch, kt->cols[k].type,
					    &row[k], e) < 0)
				goto out;
		if (hset_has(&tc->keys,
			     XXH3_64bits(tc->scratch.data, tc->scratch.len)) &&
		    note(&f, o, kt, row, 0, e) < 0)
			goto out;
	}
	if (nrc < 0)
		goto out;
	if (f.count) {
		*bad = 1;
		if (add_key_finding(arr, kt, NULL, kt->ncols, "key_exists",
				    "a primary key the target already holds "
				    "(--mode insert refuses it)",
				    &f, e) < 0)
			goto out;
	}
	rc = 0;
out:
	finding_release(&f);
	schema_table_free(kt);
	return rc;
}

/* --- text
 * ------------------------------------------------------------------------ */

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static int text_report(struct buf *b, const cJSON *root, struct err *e)
{
	const cJSON *t, *x;
	int problems = 0, findings = 0;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "tables"))
	{
		const cJSON *empty =
		    cJSON_GetObjectItemCaseSensitive(t, "empty");
		int exists =
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "exists"));
		int mismatch = 0;

		cJSON_ArrayForEach(
		    x, cJSON_GetObjectItemCaseSensitive(t, "columns"))
		    mismatch |= strcmp(jstr(x, "status"), "ok") != 0;
		if (buf_addf(b, e, "table %s -> %s: %.0f rows; ",
			     jstr(t, "table"), jstr(t, "target_table"),
			     cJSON_GetObjectItemCaseSensitive(t, "rows")
				 ->valuedouble) < 0 ||
		    buf_adds(b,
			     !exists	? (cJSON_IsTrue(
					       cJSON_GetObjectItemCaseSensitive(
						   t, "create"))
					       ? "missing, --create would make it"
					       : "MISSING")
			     : mismatch ? "exists, differs"
					: "exists, matches",
			     e) < 0 ||
		    (cJSON_IsBool(empty) &&
		     buf_adds(b,
			      cJSON_IsTrue(empty) ? ", empty" : ", NOT EMPTY",
			      e) < 0) ||
		    buf_addc(b, '\n', e) < 0)
			return -1;
		cJSON_ArrayForEach(
		    x, cJSON_GetObjectItemCaseSensitive(t, "columns"))
		{
			const char *st = jstr(x, "status");
			/* no target type: a table --create would make */
			int made = !cJSON_GetObjectItemCaseSensitive(
			    x, "target_type");
			if (strcmp(st, "ok") == 0)
				continue;
			if (buf_addf(
				b, e, "  column %s: %s (stream %s%s, %s%s%s)\n",
				jstr(x, "name"), st, jstr(x, "stream_type"),
				cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
				    x, "stream_nullable"))
				    ? " null"
				    : "",
				made ? "as --create makes it" : "target ",
				made ? "" : jstr(x, "target_type"),
				cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
				    x, "target_nullable"))
				    ? " not null"
				    : "") < 0)
				return -1;
		}
		cJSON_ArrayForEach(
		    x, cJSON_GetObjectItemCaseSensitive(t, "problems"))
		{
			problems++;
			if (buf_addf(b, e, "  FAILS: %s\n", x->valuestring) < 0)
				return -1;
		}
		cJSON_ArrayForEach(
		    x, cJSON_GetObjectItemCaseSensitive(
			   t, "notes")) if (buf_addf(b, e, "  note: %s\n",
						     x->valuestring) <
					    0) return -1;
		cJSON_ArrayForEach(
		    x, cJSON_GetObjectItemCaseSensitive(t, "findings"))
		{
			const cJSON *s;
			int first = 1;
			if (strcmp(jstr(x, "effect"), "refused") == 0)
				findings++;
			if (buf_addf(
				b, e, "  %s: %s: %.0f rows: %s; keys: ",
				jstr(x, "column"), jstr(x, "kind"),
				cJSON_GetObjectItemCaseSensitive(x, "count")
				    ->valuedouble,
				jstr(x, "detail")) < 0)
				return -1;
			cJSON_ArrayForEach(
			    s, cJSON_GetObjectItemCaseSensitive(x, "samples"))
			{
				if (buf_addf(b, e, "%s%s", first ? "" : "; ",
					     s->valuestring) < 0)
					return -1;
				first = 0;
			}
			if (buf_addc(b, '\n', e) < 0)
				return -1;
		}
	}
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "views"))
	{
		const char *oc = jstr(t, "outcome");
		if (buf_addf(b, e, "view %s%s%s: %s%s\n", jstr(t, "view"),
			     cJSON_GetObjectItemCaseSensitive(t, "target")
				 ? " -> "
				 : "",
			     cJSON_GetObjectItemCaseSensitive(t, "target")
				 ? jstr(t, "target")
				 : "",
			     strcmp(oc, "made") == 0 ? "--create would make it"
			     : strcmp(oc, "exists") == 0
				 ? "the target has it, left as it is"
				 : "not made: ",
			     strcmp(oc, "not made") == 0 ? jstr(t, "reason")
							 : "") < 0)
			return -1;
	}
	if (!problems && !findings)
		return buf_adds(b, "check: a load would go through\n", e);
	return buf_addf(b, e,
			"check: a load would fail: %d findings of refused "
			"rows, %d table problems\n",
			findings, problems);
}

/* --- the run
 * --------------------------------------------------------------------- */

/*
 * The names a load would give the table under others (PostgreSQL's for
 * names over 63 bytes), as notes and as "renamed" in jt (indexes only when it
 * would make the table), and the collisions why[0..nwhy) that would fail it.
 */
static int note_names(cJSON *jt, const struct engine *en,
		      const struct engine_names *n, const struct err *why,
		      int nwhy, int exists, int *fails, struct err *e)
{
	cJSON *notes = cJSON_GetObjectItemCaseSensitive(jt, "notes");
	cJSON *problems = cJSON_GetObjectItemCaseSensitive(jt, "problems");
	cJSON *arr = NULL;

	for (int k = 0; k < nwhy; k++) {
		*fails = 1;
		if (add_note(problems, e, "%s", why[k].msg) < 0)
			return -1;
	}
	for (size_t i = 0; i < n->nrenamed; i++) {
		const struct name_rename *r = &n->renamed[i];
		cJSON *j;
		if (exists && strcmp(r->kind, "index") == 0)
			continue;
		if (!arr && !(arr = cJSON_AddArrayToObject(jt, "renamed")))
			return err_oom(e);
		if (!(j = cJSON_CreateObject()) ||
		    !cJSON_AddItemToArray(arr, j) ||
		    !cJSON_AddStringToObject(j, "kind", r->kind) ||
		    !cJSON_AddStringToObject(j, "name", r->from) ||
		    !cJSON_AddStringToObject(j, "target", r->to))
			return err_oom(e);
		if (add_note(notes, e, "%s '%s' is '%s' on %s", r->kind,
			     r->from, r->to, en->title) < 0)
			return -1;
	}
	return 0;
}

/* the tables the target holds, and how it compares their names */
/* a held table whose name is name but for case, or NULL */
static const char *held_near(const struct load_held *h, const char *name)
{
	for (char **p = h->names; p && *p; p++)
		if (strcasecmp(*p, name) == 0 && strcmp(*p, name) != 0)
			return *p;
	return NULL;
}

/* the tables of the stream's preview frame, in its order, named as the
 * load folds them (*names stays NULL without a preview) */
static int run_order(const struct uri *u, const struct check_opts *o,
		     const struct stream_reader *r, char ***names, size_t *n,
		     struct err *e)
{
	const struct schema_table *const *pv;
	size_t npv = stream_reader_preview(r, &pv);

	if (!npv)
		return 0;
	if (load_fold_names(u->engine, o->maps, o->nmaps, o->schema,
			    o->keep_case, pv, npv, names, e) < 0)
		return -1;
	*n = npv;
	return 0;
}

/* the zero dates ferry-extract made NULL (its objects of kind "zero
 * dates", after each table): a note of the table each is of */
static int zero_date_notes(const struct schema_objects *ob, cJSON *tabs,
			   struct err *e)
{
	for (size_t i = 0; ob && i < ob->n; i++) {
		const struct schema_object *x = &ob->v[i];
		cJSON *jt;
		if (strcmp(x->kind, "zero dates") != 0 || !x->table)
			continue;
		cJSON_ArrayForEach(jt, tabs)
		{
			const char *tn = jstr(jt, "table");
			cJSON *notes;
			if (!tn || strcmp(tn, x->table) != 0)
				continue;
			notes = cJSON_GetObjectItemCaseSensitive(jt, "notes");
			if (notes &&
			    add_note(notes, e,
				     "column %s: zero dates ('0000-00-00' and "
				     "the like) of the source: %s; the target "
				     "gets NULL (ferry-verify --zero-dates null "
				     "compares them so)",
				     x->name, x->detail ? x->detail : "") < 0)
				return -1;
		}
	}
	return 0;
}

/* a target's quoted table name, for a view's SQL that --check only
 * writes to see whether it can be written */
static int view_table_any(void *ctx, size_t i, enum sqlexpr_dialect d,
			  struct buf *out, struct err *e)
{
	(void)ctx;
	return buf_addf(out, e, d == SQLEXPR_MYSQL ? "`t%zu`" : "\"t%zu\"", i);
}

/*
 * With --create, what the load would do with each view whose query the
 * stream carries (ferry-load(1), Views): "views" in the report, each
 * made, left (the target has the name) or not made with the reason.
 * tabs[0..n): the stream's tables of the run.
 */
static int check_views(const struct uri *u, const struct check_opts *o,
		       struct source *src, const struct schema_objects *ob,
		       struct schema_table *const *tabs, size_t n, cJSON *root,
		       struct err *e)
{
	struct namefold_run *run = NULL;
	struct sqlview_names nm = { view_table_any, NULL, NULL, 0 };
	const struct engine *en = engine_of(u->engine);
	enum sqlexpr_dialect d = en && strcmp(en->name, "postgresql") == 0
					 ? SQLEXPR_PG
					 : SQLEXPR_MYSQL;
	unsigned flags = d == SQLEXPR_PG && !o->case_sensitive && !o->citext
			     ? SQLEXPR_CI_NO_LIKE
			     : 0;
	cJSON *jv;
	struct buf b;
	struct schema_table **all; /* the run's tables, then views made */
	size_t nall = n, ntables = n;
	int rc = -1;

	if (!o->create || !n)
		return 0;
	if (!(jv = cJSON_AddArrayToObject(root, "views")) ||
	    !(all = calloc(n + ob->n + 1, sizeof(*all))))
		return err_oom(e);
	memcpy(all, tabs, n * sizeof(*all));
	if (!(run = namefold_run_new(e))) {
		free(all);
		return -1;
	}
	buf_init(&b, (size_t)SQLEXPR_MAX_LEN * 4);
	for (size_t i = 0; i < ob->n; i++) {
		const struct schema_view *v = ob->v[i].view;
		char why[600], *name = NULL;
		const char *outcome = "not made";
		int frc, fold;
		cJSON *j;
		if (!v)
			continue;
		why[0] = '\0';
		if ((frc = load_view_target(u->engine, o->maps, o->nmaps,
					    o->schema, o->keep_case, tabs[0], v,
					    run, &name, &fold, why,
					    sizeof(why), e)) < 0)
			goto out;
		if (frc == 0 && (frc = source_relation_exists(src, name, e)) < 0) {
			free(name);
			goto out;
		}
		if (frc == 1 && !why[0]) {
			outcome = "exists";
		} else if (frc == 0) {
			buf_reset(&b);
			if ((frc = sqlview_translate(v->query, all, nall, d,
						     &nm, flags, &b, why,
						     sizeof(why), e)) < 0) {
				free(name);
				goto out;
			}
			if (frc == 0)
				outcome = "made";
		}
		/* a view made (or there) is a table of the views after it */
		if (strcmp(outcome, "not made") != 0) {
			char w2[400];
			if (!(all[nall] = sqlview_table(v->query, all, nall,
							v->schema, v->name, w2,
							sizeof(w2), e)) &&
			    e->class) {
				free(name);
				goto out;
			}
			nall += all[nall] != NULL;
		}
		if (!(j = cJSON_CreateObject()) || !cJSON_AddItemToArray(jv, j) ||
		    !cJSON_AddStringToObject(j, "view", ob->v[i].name) ||
		    (name && !cJSON_AddStringToObject(j, "target", name)) ||
		    !cJSON_AddStringToObject(j, "outcome", outcome) ||
		    (strcmp(outcome, "not made") == 0 &&
		     !cJSON_AddStringToObject(j, "reason", why))) {
			free(name);
			err_oom(e);
			goto out;
		}
		free(name);
	}
	rc = 0;
out:
	buf_release(&b);
	namefold_run_free(run);
	for (size_t i = ntables; i < nall; i++)
		schema_table_free(all[i]);
	free(all);
	return rc;
}

int check_run(const struct uri *u, const struct check_opts *o, FILE *in,
	      cJSON **report, struct buf *text, int *refused, struct err *e)
{
	struct source_opts so;
	struct source *src = NULL;
	struct source *wsrc = NULL; /* MySQL: its collations' weights */
	char **run_names = NULL;    /* the preview's tables, folded */
	char **seen = NULL;	    /* the tables read so far, folded */
	size_t nseen = 0;
	size_t nrun = 0;
	struct stream_reader *r = NULL;
	struct table_check tc;
	const struct schema_table *t, *in_t;
	struct schema_table *ft = NULL; /* t with folded names */
	struct namefold_run *fold_run = NULL;
	const struct engine *en = engine_of(u->engine);
	struct load_held held = { NULL, en ? en->names_nocase : 0 };
	size_t nnames = 0;
	cJSON *root = NULL, *tabs;
	struct engine_names nm;
	struct engine_run *run = NULL;
	struct source_server facts = { 0 };
	struct schema_table **vtabs = NULL; /* the run's, for its views */
	size_t nvtabs = 0;
	int keep_views = -1;
	int rc = -1, trc;
	/* a table read in --parallel key ranges is checked as one: the
	 * range after which more follow, and the table's check so far */
	char *open = NULL, *closed = NULL;
	unsigned open_k = 0, open_n = 0;
	cJSON *jt = NULL;
	uint64_t rows = 0;
	int fails = 0, bad = 0;

	*report = NULL;
	*refused = 0;
	memset(&tc, 0, sizeof(tc));
	memset(&nm, 0, sizeof(nm));
	memset(&so, 0, sizeof(so));
	so.defaults_file = o->defaults_file;
	so.connect_timeout = o->connect_timeout;
	so.read_timeout = o->read_timeout;
	if (!en)
		return err_set(e, ERR_SYSTEM, "internal error: no engine");
	if (!(r = stream_reader_new(in, o->in_name, e)))
		return -1;
	if (!(run = engine_run_new(en, e)) || !(fold_run = namefold_run_new(e)))
		goto out;
	/* one read-only transaction: nothing the check does can write */
	if (!(src = source_open(u, &so, e)) || source_begin(src, e) < 0 ||
	    source_list_tables(src, &held.names, &nnames, e) < 0 ||
	    source_server_facts(src, &facts, e) < 0)
		goto out;
	/* a MySQL target compares text keys under collations: its server
	 * says how, on a second connection (the first reads rows) */
	if (en->key_weights && !(wsrc = source_open(u, &so, e)))
		goto out;
	if (!(root = cJSON_CreateObject()) ||
	    !cJSON_AddStringToObject(root, "target", u->display) ||
	    !cJSON_AddStringToObject(root, "engine", en->name) ||
	    !cJSON_AddStringToObject(root, "mode", sink_mode_name(o->mode)) ||
	    !cJSON_AddBoolToObject(root, "create", o->create) ||
	    !(tabs = cJSON_AddArrayToObject(root, "tables"))) {
		err_oom(e);
		goto out;
	}
	while ((trc = stream_reader_next_table(r, &in_t, e)) == 1) {
		const char *name;
		const char *tname; /* as the target holds it */
		const struct value *row;
		int rrc, exists;
		struct err why[3];
		int nwhy = 0;

		if (open) {
			/* the next range of the table in flight */
			if (strcmp(in_t->name, open) != 0 ||
			    in_t->section_n != open_n ||
			    in_t->section_k != open_k + 1) {
				err_set(e, ERR_STREAM,
					"table %s: key range %u of %u is not "
					"followed by range %u in the stream",
					open, open_k, open_n, open_k + 1);
				goto out;
			}
			name = open;
			goto rows;
		}
		rows = 0;
		fails = bad = 0;
		jt = cJSON_CreateObject();
		/* the names folded as a load folds them (namefold.h) */
		table_release(&tc);
		schema_table_free(ft);
		ft = NULL;
		if (load_fold(u->engine, o->maps, o->nmaps, o->schema,
			      o->keep_case, in_t, &ft, &name, fold_run,
			      e) < 0) {
			cJSON_Delete(jt);
			goto out;
		}
		/* its later ranges come after the reader drops in_t */
		if (!ft && in_t->section_all &&
		    in_t->section_k < in_t->section_n &&
		    !(ft = schema_table_copy(in_t, e))) {
			cJSON_Delete(jt);
			goto out;
		}
		t = ft ? ft : in_t;
		/* the names the target holds, as a load would make them,
		 * and the collisions a load would refuse */
		err_init(&why[0]);
		err_init(&why[1]);
		err_init(&why[2]);
		if (engine_names(run, t, name, load_held, &held, o->create, &nm,
				 why, &nwhy, e) < 0)
			goto out;
		tname = nm.table;
		exists = load_held(tname, &held);
		if (!jt || !cJSON_AddItemToArray(tabs, jt) ||
		    !cJSON_AddStringToObject(jt, "table", in_t->name) ||
		    !cJSON_AddStringToObject(jt, "target_table", tname)) {
			err_oom(e);
			goto out;
		}
		if (o->progress)
			progress_table(o->progress);
		table_release(&tc);
		tc.near = exists ? NULL : held_near(&held, tname);
		tc.objects = stream_reader_objects(r);
		tc.wsrc = wsrc;
		/* the run's tables in stream order, named as this one */
		if (!run_names && run_order(u, o, r, &run_names, &nrun, e) < 0)
			goto out;
		tc.run = run_names;
		tc.nrun = nrun;
		tc.seen = seen;
		tc.nseen = nseen;
		tc.postgis = facts.postgis;
		tc.run_pos = SIZE_MAX;
		for (size_t k = 0; k < nrun; k++)
			if (strcmp(run_names[k], name) == 0)
				tc.run_pos = k;
		if (table_begin(&tc, src, o, en, t, tname, &nm, exists, jt,
				&fails, e) < 0 ||
		    note_names(jt, en, &nm, why, nwhy, exists, &fails, e) < 0) {
			err_prefix(e, "table %s", name);
			goto out;
		}
	rows:
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			rows++;
			if (check_row(&tc, o, row, stream_reader_row_number(r),
				      e) < 0) {
				err_prefix_place(e, "table %s, row %" PRIu64,
						 name,
						 stream_reader_row_number(r));
				goto out;
			}
			if (o->progress)
				progress_update(o->progress, name,
						stream_reader_row_number(r),
						stream_reader_offset(r));
		}
		if (rrc < 0)
			goto out;
		if (in_t->section_all && in_t->section_k < in_t->section_n) {
			if (!open && !(open = strdup(name))) {
				err_oom(e);
				goto out;
			}
			open_k = in_t->section_k;
			open_n = in_t->section_n;
			continue;
		}
		/* the last range: name (open's) lives to the iteration's end */
		free(closed);
		closed = open;
		open = NULL;
		if (keep_views < 0)
			keep_views = o->create &&
				     schema_objects_has_views(stream_reader_objects(r));
		if (keep_views) {
			struct schema_table **nv =
			    realloc(vtabs, (nvtabs + 1) * sizeof(*nv));
			if (!nv) {
				err_oom(e);
				goto out;
			}
			vtabs = nv;
			if (!(vtabs[nvtabs] = schema_table_copy(in_t, e)))
				goto out;
			nvtabs++;
		}
		{
			char **ns = realloc(seen, (nseen + 1) * sizeof(*ns));
			if (!ns || !(ns[nseen] = strdup(name))) {
				if (ns)
					seen = ns;
				err_oom(e);
				goto out;
			}
			seen = ns;
			nseen++;
		}
		if (table_end(&tc, o, rows, jt, &bad, e) < 0)
			goto out;
		if (probe_existing(&tc, src, o, jt, &bad, e) < 0 ||
		    probe_ukeys(&tc, src, o, jt, &bad, e) < 0) {
			err_prefix(e, "table %s: reading the target's keys",
				   name);
			goto out;
		}
		if (!cJSON_AddBoolToObject(jt, "clean", !fails && !bad)) {
			err_oom(e);
			goto out;
		}
		if (fails || bad)
			*refused = 1;
		table_release(&tc);
	}
	if (trc < 0)
		goto out;
	if (open) {
		err_set(e, ERR_STREAM,
			"table %s: the stream ended before the last of its key "
			"ranges, after which its key and indexes are built",
			open);
		goto out;
	}
	if (stream_reader_follow(r)) {
		err_set(e, ERR_USAGE,
			"--check reads a stream of tables: this one follows "
			"its source's changes (stream version 2); check a "
			"stream of the same tables without --follow");
		goto out;
	}
	if (zero_date_notes(stream_reader_objects(r), tabs, e) < 0 ||
	    check_views(u, o, src, stream_reader_objects(r), vtabs, nvtabs,
			root, e) < 0)
		goto out;
	if (!cJSON_AddBoolToObject(root, "clean", !*refused) ||
	    text_report(text, root, e) < 0) {
		if (e->class == ERR_OK)
			err_oom(e);
		goto out;
	}
	*report = root;
	root = NULL;
	rc = 0;
out:
	free(open);
	free(closed);
	if (o->progress)
		progress_clear(o->progress);
	table_release(&tc);
	schema_table_free(ft);
	namefold_run_free(fold_run);
	engine_names_release(en, &nm);
	engine_run_free(run);
	cJSON_Delete(root);
	source_names_free(held.names);
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	source_server_release(&facts);
	for (size_t k = 0; k < nvtabs; k++)
		schema_table_free(vtabs[k]);
	free(vtabs);
	source_close(src);
	if (wsrc)
		source_close(wsrc);
	load_names_free(run_names, nrun);
	stream_reader_free(r);
	return rc;
}
