/*
 * structure - ferry-verify --schema-only's comparison of two tables
 * (structure.h).
 */
#include "stage/structure.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/engine.h"

struct sc {
	const struct schema_table *a, *b;
	int same_engine;
	structure_same_fn same;
	void *same_ctx;
	structure_diff_fn diff;
	void *diff_ctx;
	long n;
	struct buf scratch;
};

static int differs(struct sc *s, const char *about, struct err *e,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int differs(struct sc *s, const char *about, struct err *e,
		   const char *fmt, ...)
{
	char what[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	s->n++;
	return s->diff(s->diff_ctx, about, what, e);
}

/* b's column that a's column `name` is, or -1 */
static int col_in(struct sc *s, const struct schema_table *t,
		  const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	for (size_t i = 0; i < t->ncols; i++)
		if (s->same(s->same_ctx, name, t->cols[i].name, 0))
			return (int)i;
	return -1;
}

/* how a text column compares: the class of its collation (for messages
 * and for comparing across engines) */
static const char *compares(const struct schema_column *c)
{
	const char *k = c->collation;
	size_t n = k ? strlen(k) : 0;

	if (n >= 6 && strcmp(k + n - 6, "_as_ci") == 0)
		return "without case (but with accents)";
	if (n >= 3 && strcmp(k + n - 3, "_ci") == 0)
		return "without case or accents";
	return "byte by byte (case and accents count)";
}

static const char *nn(const char *s)
{
	return s ? s : "?";
}

static int same_default(struct sc *s, const struct schema_column *ca,
			const struct schema_column *cb)
{
	const struct schema_default *x = &ca->def, *y = &cb->def;

	if (x->kind != y->kind)
		return 0;
	switch (x->kind) {
	case SCHEMA_DEFAULT_VALUE: {
		struct value va, vb;
		size_t mark;
		int ok;
		if (x->text && y->text && strcmp(x->text, y->text) == 0)
			return 1;
		if (ca->type != cb->type)
			return 0;
		buf_reset(&s->scratch);
		if (!schema_default_value(ca, &s->scratch, &va))
			return 0;
		mark = s->scratch.len;
		if (!schema_default_value(cb, &s->scratch, &vb))
			return 0;
		(void)mark;
		ok = value_compare(ca->type, &va, &vb) == 0;
		return ok;
	}
	case SCHEMA_DEFAULT_EXPRESSION:
		/* each engine writes its own: text compared on one only */
		return !s->same_engine ||
		       (x->text && y->text && strcmp(x->text, y->text) == 0);
	default: return 1;
	}
}

/* whether b's column holds every value of a's as a's does: the same
 * stream type, or an unsigned 64-bit integer as a NUMERIC of 20 digits
 * (what --create makes of it on PostgreSQL) */
static int types_agree(const struct schema_column *ca,
		       const struct schema_column *cb)
{
	if (ca->type == cb->type)
		return 1;
	return ca->type == VALUE_UINT64 && cb->type == VALUE_DECIMAL &&
	       (cb->precision < 0 || cb->precision >= 20) && cb->scale <= 0;
}

/* b's counter behind a's: said */
static int counter(struct sc *s, const struct schema_column *ca,
		   const struct schema_column *cb, const char *about,
		   struct err *e)
{
	if (ca->identity == SCHEMA_IDENTITY_NONE ||
	    cb->identity == SCHEMA_IDENTITY_NONE || ca->identity_next <= 0 ||
	    cb->identity_next <= 0 || cb->identity_next >= ca->identity_next)
		return 0;
	return differs(s, about, e,
		       "counter behind: the next new row gets %" PRId64
		       " on B, %" PRId64
		       " on A (an id B may already hold: a duplicate key)",
		       cb->identity_next, ca->identity_next);
}

static int compare_column(struct sc *s, const struct schema_column *ca,
			  const struct schema_column *cb, struct err *e)
{
	char about[SCHEMA_MAX_NAME + 16], d1[200], d2[200];

	snprintf(about, sizeof(about), "column %s", ca->name);
	/* an enum, or an array of one, compares by its labels (the type's
	 * name and schema are the target's) */
	int by_labels = ca->type == VALUE_ENUM || (ca->nelabels && cb->nelabels);

	if (!types_agree(ca, cb) ||
	    (s->same_engine && !by_labels && ca->source_type &&
	     cb->source_type && strcmp(ca->source_type, cb->source_type) != 0))
		return differs(s, about, e, "type: A %s (%s), B %s (%s)",
			       value_type_name(ca->type), nn(ca->source_type),
			       value_type_name(cb->type), nn(cb->source_type));
	if (by_labels) {
		size_t na, nb;
		char *const *la = schema_enum_labels(ca, &na);
		char *const *lb = schema_enum_labels(cb, &nb);
		int same = na == nb;
		for (size_t i = 0; same && i < na; i++)
			same = strcmp(la[i], lb[i]) == 0;
		if (!same &&
		    differs(s, about, e,
			    "enum labels: A %zu, B %zu, or in another order "
			    "(ORDER BY it differs)",
			    na, nb) < 0)
			return -1;
	}
	if (ca->type == VALUE_TEXT && ca->length > 0 && cb->length > 0 &&
	    cb->length < ca->length &&
	    differs(s, about, e,
		    "B holds at most %" PRId64 " characters, A %" PRId64,
		    cb->length, ca->length) < 0)
		return -1;
	if (ca->type == VALUE_DECIMAL && ca->precision > 0 &&
	    cb->precision > 0 &&
	    (ca->precision != cb->precision || ca->scale != cb->scale) &&
	    differs(s, about, e,
		    "precision: A (%" PRId64 ", %" PRId64 "), B (%" PRId64
		    ", %" PRId64 ")",
		    ca->precision, ca->scale, cb->precision, cb->scale) < 0)
		return -1;
	if (ca->nullable != cb->nullable &&
	    differs(s, about, e, "%s",
		    ca->nullable ? "B refuses NULL, A takes it"
				 : "B takes NULL, A refuses it") < 0)
		return -1;
	if ((ca->identity != SCHEMA_IDENTITY_NONE) !=
		(cb->identity != SCHEMA_IDENTITY_NONE) &&
	    differs(s, about, e, "%s",
		    ca->identity != SCHEMA_IDENTITY_NONE
			? "A numbers new rows itself (identity or "
			  "AUTO_INCREMENT), B does not: an INSERT without it "
			  "fails"
			: "B numbers new rows itself, A does not") < 0)
		return -1;
	if (counter(s, ca, cb, about, e) < 0)
		return -1;
	if (ca->identity == SCHEMA_IDENTITY_NONE &&
	    cb->identity == SCHEMA_IDENTITY_NONE &&
	    (!ca->generated != !cb->generated) &&
	    differs(s, about, e, "%s",
		    ca->generated ? "generated on A, a plain column on B"
				  : "generated on B, a plain column on A") <
		0)
		return -1;
	if (ca->identity == SCHEMA_IDENTITY_NONE && !ca->generated &&
	    !same_default(s, ca, cb) &&
	    differs(s, about, e, "default: A %s, B %s",
		    schema_default_describe(&ca->def, d1, sizeof(d1)),
		    schema_default_describe(&cb->def, d2, sizeof(d2))) < 0)
		return -1;
	if (ca->on_update.kind != cb->on_update.kind &&
	    differs(s, about, e, "ON UPDATE: A %s, B %s",
		    schema_default_describe(&ca->on_update, d1, sizeof(d1)),
		    schema_default_describe(&cb->on_update, d2, sizeof(d2))) <
		0)
		return -1;
	if (ca->type == VALUE_TEXT) {
		const char *x = compares(ca), *y = compares(cb);
		if (s->same_engine && ca->collation && cb->collation
			? strcmp(ca->collation, cb->collation) != 0
			: strcmp(x, y) != 0)
			return differs(s, about, e,
				       "compares %s on A (%s), %s on B (%s)", x,
				       ca->collation ? ca->collation
						     : "its default",
				       y,
				       cb->collation ? cb->collation
						     : "its default");
	}
	return 0;
}

/* a list of a's columns (idx) as b's, into out: 0, or -1 when one is
 * not in b */
static int cols_in_b(struct sc *s, const size_t *idx, size_t n, int *out)
{
	for (size_t i = 0; i < n; i++)
		if ((out[i] = col_in(s, s->b, s->a->cols[idx[i]].name)) < 0)
			return -1;
	return 0;
}

static void cols_text(const struct schema_table *t, const size_t *idx,
		      size_t n, char *out, size_t outsz)
{
	size_t o = (size_t)snprintf(out, outsz, "(");
	for (size_t i = 0; i < n && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? ", " : "",
				      t->cols[idx[i]].name);
	if (o < outsz)
		snprintf(out + o, outsz - o, ")");
}

/* whether b has an index (or the primary key, when unique) on exactly
 * these columns (of b), in this order */
static int b_has_index(struct sc *s, const int *cols, size_t n, int unique)
{
	const struct schema_table *b = s->b;

	if (unique && b->npk == n) {
		size_t k = 0;
		while (k < n && b->pk[k] == (size_t)cols[k])
			k++;
		if (k == n)
			return 1;
	}
	for (size_t i = 0; i < b->nindexes; i++) {
		const struct schema_index *x = &b->indexes[i];
		size_t k = 0;
		if (x->ncols != n || (unique && !x->unique))
			continue;
		while (k < n && x->cols[k] == (size_t)cols[k])
			k++;
		if (k == n && (!x->unique || unique))
			return 1;
	}
	return 0;
}

static int compare_keys(struct sc *s, struct err *e)
{
	const struct schema_table *a = s->a, *b = s->b;
	int cols[SCHEMA_MAX_COLUMNS > 64 ? 64 : SCHEMA_MAX_COLUMNS];
	char txt[600];
	int same = a->npk == b->npk;

	/* the primary key */
	if (same && a->npk <= 64 && cols_in_b(s, a->pk, a->npk, cols) == 0) {
		for (size_t k = 0; k < a->npk; k++)
			same &= b->pk[k] == (size_t)cols[k];
	} else {
		same = 0;
	}
	if (!same) {
		char t2[600];
		cols_text(a, a->pk, a->npk, txt, sizeof(txt));
		cols_text(b, b->pk, b->npk, t2, sizeof(t2));
		if (differs(s, "primary key", e, "A %s, B %s",
			    a->npk ? txt : "none", b->npk ? t2 : "none") < 0)
			return -1;
	}
	/* each index of A on B: unique ones as unique (B refusing the
	 * same duplicates), plain ones at least as an index */
	for (size_t i = 0; i < a->nindexes; i++) {
		const struct schema_index *x = &a->indexes[i];
		char about[700];
		cols_text(a, x->cols, x->ncols, txt, sizeof(txt));
		snprintf(about, sizeof(about), "%s %s",
			 x->unique ? "unique key" : "index", txt);
		if (x->ncols > 64 || cols_in_b(s, x->cols, x->ncols, cols) < 0 ||
		    !b_has_index(s, cols, x->ncols, x->unique)) {
			if (differs(s, about, e, "%s",
				    x->unique
					? "not on B: B takes the duplicates A "
					  "refuses"
					: "not on B: queries on it scan the "
					  "table") < 0)
				return -1;
		}
	}
	/* unique keys only B has: it refuses rows A takes */
	for (size_t i = 0; i < b->nindexes; i++) {
		const struct schema_index *x = &b->indexes[i];
		int found = 0;
		if (!x->unique)
			continue;
		for (size_t j = 0; !found && j < a->nindexes; j++) {
			const struct schema_index *y = &a->indexes[j];
			size_t k = 0;
			if (!y->unique || y->ncols != x->ncols)
				continue;
			while (k < x->ncols &&
			       s->same(s->same_ctx, a->cols[y->cols[k]].name,
				       b->cols[x->cols[k]].name, 0))
				k++;
			found = k == x->ncols;
		}
		if (!found) {
			char about[700];
			cols_text(b, x->cols, x->ncols, txt, sizeof(txt));
			snprintf(about, sizeof(about), "unique key %s", txt);
			if (differs(s, about, e,
				    "only on B: B refuses duplicates A takes") <
			    0)
				return -1;
		}
	}
	return 0;
}

static int xindex_same(const struct schema_xindex *x,
		       const struct schema_xindex *y)
{
	if (x->unique != y->unique || x->nkeys != y->nkeys ||
	    !x->where != !y->where ||
	    (x->where && strcmp(x->where, y->where) != 0))
		return 0;
	for (size_t k = 0; k < x->nkeys; k++)
		if (strcmp(x->keys[k], y->keys[k]) != 0)
			return 0;
	return 1;
}

static int compare_xindexes(struct sc *s, struct err *e)
{
	for (int side = 0; side < 2; side++) {
		const struct schema_table *t = side ? s->b : s->a;
		const struct schema_table *o = side ? s->a : s->b;
		for (size_t i = 0; i < t->nxindexes; i++) {
			const struct schema_xindex *x = &t->xindexes[i];
			int found = 0;
			char about[700];
			for (size_t j = 0; !found && j < o->nxindexes; j++)
				found = xindex_same(x, &o->xindexes[j]);
			if (found)
				continue;
			snprintf(about, sizeof(about), "%sindex on %s%s%s",
				 x->unique ? "unique " : "",
				 x->nkeys ? x->keys[0] : "?",
				 x->nkeys > 1 ? ", ..." : "",
				 x->where ? " (some rows)" : "");
			if (differs(s, about, e, "only on %s", side ? "B" : "A") <
			    0)
				return -1;
		}
	}
	return 0;
}

/* Whether CHECK j of t is the bounds --create makes on PostgreSQL for a
 * MySQL integer UNSIGNED or YEAR (create_bound_type) of a column that o
 * has as that same MySQL type: the same rule as o's type */
static int bound_rule(struct sc *s, const struct schema_table *t, size_t j,
		      const struct schema_table *o)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t k;
		const char *ty = create_bound_type(t, i, &k), *oty;
		if (!ty || k != j)
			continue;
		for (size_t m = 0; m < o->ncols; m++)
			if (s->same(s->same_ctx, o->cols[m].name,
				    t->cols[i].name, 0) &&
			    (oty = create_bound_of(&o->cols[m])) &&
			    strcmp(oty, ty) == 0)
				return 1;
	}
	return 0;
}

static int compare_checks(struct sc *s, struct err *e)
{
	for (int side = 0; side < 2; side++) {
		const struct schema_table *t = side ? s->b : s->a;
		const struct schema_table *o = side ? s->a : s->b;
		for (size_t i = 0; i < t->nchecks; i++) {
			int found = 0;
			char about[700];
			for (size_t j = 0; !found && j < o->nchecks; j++)
				found = strcmp(t->checks[i].expr,
					       o->checks[j].expr) == 0;
			if (found || bound_rule(s, t, i, o))
				continue;
			snprintf(about, sizeof(about), "CHECK %.600s",
				 t->checks[i].expr);
			if (differs(s, about, e, "only on %s: %s", side ? "B" : "A",
				    side ? "B refuses rows A takes"
					 : "B takes rows A refuses") < 0)
				return -1;
		}
	}
	return 0;
}

/* MySQL checks NO ACTION at once, as RESTRICT: the two are one rule
 * unless both sides are PostgreSQL (where NO ACTION may be deferred) */
static int action_same(const struct sc *s, enum schema_fk_action x,
		       enum schema_fk_action y)
{
	if (x == y)
		return 1;
	if (s->same_engine & STRUCTURE_BOTH_PG)
		return 0;
	return (x == SCHEMA_FK_NO_ACTION || x == SCHEMA_FK_RESTRICT) &&
	       (y == SCHEMA_FK_NO_ACTION || y == SCHEMA_FK_RESTRICT);
}

static int fkey_same(struct sc *s, const struct schema_table *t,
		     const struct schema_fkey *x,
		     const struct schema_table *o,
		     const struct schema_fkey *y)
{
	if (x->ncols != y->ncols ||
	    !action_same(s, x->on_delete, y->on_delete) ||
	    !action_same(s, x->on_update, y->on_update) ||
	    !s->same(s->same_ctx, x->ref_table, y->ref_table, 1))
		return 0;
	for (size_t k = 0; k < x->ncols; k++)
		if (!s->same(s->same_ctx, t->cols[x->cols[k]].name,
			     o->cols[y->cols[k]].name, 0) ||
		    !s->same(s->same_ctx, x->ref_cols[k], y->ref_cols[k], 0))
			return 0;
	return 1;
}

static int compare_fkeys(struct sc *s, struct err *e)
{
	for (int side = 0; side < 2; side++) {
		const struct schema_table *t = side ? s->b : s->a;
		const struct schema_table *o = side ? s->a : s->b;
		for (size_t i = 0; i < t->nfkeys; i++) {
			const struct schema_fkey *x = &t->fkeys[i];
			int found = 0;
			char about[1400], cols[600];
			for (size_t j = 0; !found && j < o->nfkeys; j++)
				found = side ? fkey_same(s, o, &o->fkeys[j], t, x)
					     : fkey_same(s, t, x, o, &o->fkeys[j]);
			if (found)
				continue;
			cols_text(t, x->cols, x->ncols, cols, sizeof(cols));
			snprintf(about, sizeof(about),
				 "foreign key %s -> %.300s", cols, x->ref_table);
			if (differs(s, about, e, "only on %s (or with other "
						 "actions): %s",
				    side ? "B" : "A",
				    side ? "B refuses rows A takes"
					 : "B keeps rows whose parent is gone") <
			    0)
				return -1;
		}
	}
	return 0;
}

long structure_counters(const struct schema_table *a,
			const struct schema_table *b, structure_same_fn same,
			void *same_ctx, structure_diff_fn diff, void *diff_ctx,
			struct err *e)
{
	struct sc s;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.b = b;
	s.same = same;
	s.same_ctx = same_ctx;
	s.diff = diff;
	s.diff_ctx = diff_ctx;
	for (size_t i = 0; i < a->ncols; i++) {
		int j = col_in(&s, b, a->cols[i].name);
		char about[SCHEMA_MAX_NAME + 16];
		snprintf(about, sizeof(about), "column %s", a->cols[i].name);
		if (j >= 0 && counter(&s, &a->cols[i], &b->cols[j], about, e) < 0)
			return -1;
	}
	return s.n;
}

/* a bound of a partition, as PostgreSQL writes it (values quoted) */
static int bound_text(struct buf *q, const struct schema_bound *v, size_t n,
		      struct err *e)
{
	for (size_t k = 0; k < n; k++) {
		int rc = buf_adds(q, k ? ", " : "", e);
		if (rc == 0)
			switch (v[k].kind) {
			case SCHEMA_BOUND_NULL: rc = buf_adds(q, "NULL", e); break;
			case SCHEMA_BOUND_MIN: rc = buf_adds(q, "MINVALUE", e); break;
			case SCHEMA_BOUND_MAX: rc = buf_adds(q, "MAXVALUE", e); break;
			default:
				rc = buf_addf(q, e, "'%s'",
					      v[k].value ? v[k].value : "");
			}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* what partition p of a table split by strategy st holds, in q: "FOR
 * VALUES FROM ('2024-01-01') TO ('2025-01-01')", "DEFAULT", ... */
static int part_text(struct buf *q, char st, size_t ncols,
		     const struct schema_part *p, struct err *e)
{
	buf_reset(q);
	if (p->is_default)
		return buf_adds(q, "DEFAULT", e);
	switch (st) {
	case 'r':
		if (buf_adds(q, "FOR VALUES FROM (", e) < 0 ||
		    bound_text(q, p->from, ncols, e) < 0 ||
		    buf_adds(q, ") TO (", e) < 0 ||
		    bound_text(q, p->to, ncols, e) < 0)
			return -1;
		break;
	case 'l':
		if (buf_adds(q, "FOR VALUES IN (", e) < 0 ||
		    bound_text(q, p->values, p->nvalues, e) < 0)
			return -1;
		break;
	default:
		return buf_addf(q, e,
				"FOR VALUES WITH (MODULUS %" PRId64
				", REMAINDER %" PRId64 ")",
				p->modulus, p->remainder);
	}
	return buf_addc(q, ')', e);
}

/* "range (created_at)", or "none (one plain table)" */
static void split_text(char *out, size_t sz, const struct schema_table *t)
{
	const struct schema_partition *p = t->partition;
	size_t at;

	if (!p) {
		snprintf(out, sz, "none (one plain table)");
		return;
	}
	at = (size_t)snprintf(out, sz, "%s (",
			      p->strategy == 'r'   ? "range"
			      : p->strategy == 'l' ? "list"
						   : "hash");
	for (size_t k = 0; k < p->ncols && at < sz; k++)
		at += (size_t)snprintf(out + at, sz - at, "%s%s", k ? ", " : "",
				       t->cols[p->cols[k]].name);
	if (at < sz)
		snprintf(out + at, sz - at, ")");
}

/*
 * How both sides split the table into partitions (PostgreSQL on both:
 * MySQL targets get one plain table, as ferry-load(1) says): the strategy,
 * the key's columns, and each partition by its name and what it holds.
 * A partition manager, or the application's own CREATE TABLE ...
 * PARTITION OF, fails on a plain table.
 */
static int compare_partition(struct sc *s, struct err *e)
{
	const struct schema_partition *pa = s->a->partition, *pb =
								  s->b->partition;
	char ta[300], tb[300];
	int same_key;
	struct buf q2;
	int rc = -1;

	if (!(s->same_engine & STRUCTURE_BOTH_PG) || (!pa && !pb))
		return 0;
	split_text(ta, sizeof(ta), s->a);
	split_text(tb, sizeof(tb), s->b);
	same_key = pa && pb && pa->strategy == pb->strategy &&
		   pa->ncols == pb->ncols;
	for (size_t k = 0; same_key && k < pa->ncols; k++)
		same_key = s->same(s->same_ctx, s->a->cols[pa->cols[k]].name,
				   s->b->cols[pb->cols[k]].name, 0) ||
			   strcmp(s->a->cols[pa->cols[k]].name,
				  s->b->cols[pb->cols[k]].name) == 0;
	if (!same_key)
		return differs(s, "partitioning", e, "A by %s, B by %s", ta,
			       tb);
	buf_init(&q2, (size_t)1 << 24);
	for (int side = 0; side < 2; side++) {
		const struct schema_partition *t = side ? pb : pa;
		const struct schema_partition *o = side ? pa : pb;
		for (size_t i = 0; i < t->nparts; i++) {
			const struct schema_part *p = &t->parts[i];
			const struct schema_part *op = NULL;
			char about[SCHEMA_MAX_NAME + 16];
			for (size_t j = 0; !op && j < o->nparts; j++)
				if (strcmp(o->parts[j].name, p->name) == 0 ||
				    s->same(s->same_ctx,
					    side ? o->parts[j].name : p->name,
					    side ? p->name : o->parts[j].name,
					    1))
					op = &o->parts[j];
			snprintf(about, sizeof(about), "partition %s", p->name);
			if (part_text(&s->scratch, t->strategy, t->ncols, p, e) <
			    0)
				goto out;
			if (!op) {
				if (differs(s, about, e, "only on %s (%s)",
					    side ? "B" : "A",
					    (char *)s->scratch.data) < 0)
					goto out;
				continue;
			}
			if (side)
				continue; /* said from A's side */
			if (part_text(&q2, o->strategy, o->ncols, op, e) < 0)
				goto out;
			if (strcmp((char *)s->scratch.data, (char *)q2.data) &&
			    differs(s, about, e, "A %s, B %s",
				    (char *)s->scratch.data,
				    (char *)q2.data) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	buf_release(&q2);
	return rc;
}

long structure_compare(const struct schema_table *a,
		       const struct schema_table *b, int same_engine,
		       structure_same_fn same, void *same_ctx,
		       structure_diff_fn diff, void *diff_ctx, struct err *e)
{
	struct sc s;
	long rc = -1;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.b = b;
	s.same_engine = same_engine;
	s.same = same;
	s.same_ctx = same_ctx;
	s.diff = diff;
	s.diff_ctx = diff_ctx;
	buf_init(&s.scratch, (size_t)1 << 24);
	for (size_t i = 0; i < a->ncols; i++) {
		int j = col_in(&s, b, a->cols[i].name);
		char about[SCHEMA_MAX_NAME + 16];
		if (j >= 0) {
			if (compare_column(&s, &a->cols[i], &b->cols[j], e) < 0)
				goto out;
			continue;
		}
		snprintf(about, sizeof(about), "column %s", a->cols[i].name);
		if (differs(&s, about, e, "not on B") < 0)
			goto out;
	}
	for (size_t j = 0; j < b->ncols; j++) {
		const struct schema_column *c = &b->cols[j];
		char about[SCHEMA_MAX_NAME + 16];
		int found = 0;
		for (size_t i = 0; !found && i < a->ncols; i++)
			found = strcmp(a->cols[i].name, c->name) == 0 ||
				same(same_ctx, a->cols[i].name, c->name, 0);
		if (found)
			continue;
		snprintf(about, sizeof(about), "column %s", c->name);
		if (differs(&s, about, e, "%s",
			    !c->nullable && !c->has_default &&
				    c->def.kind == SCHEMA_DEFAULT_NONE &&
				    c->identity == SCHEMA_IDENTITY_NONE
				? "only on B, NOT NULL without a default: "
				  "the application's INSERTs fail there"
				: "only on B") < 0)
			goto out;
	}
	if (compare_keys(&s, e) < 0 || compare_xindexes(&s, e) < 0 ||
	    compare_checks(&s, e) < 0 || compare_fkeys(&s, e) < 0 ||
	    compare_partition(&s, e) < 0)
		goto out;
	rc = s.n;
out:
	buf_release(&s.scratch);
	return rc;
}
