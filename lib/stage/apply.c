#include "stage/apply.h"

#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/progress.h"
#include "db/checkpoint.h"
#include "db/namefold.h"
#include "stage/metrics.h"

#define APPLY_MAX_CHANGES 10000
#define APPLY_MAX_MS 200
#define APPLY_BEAT_S 1.0 /* a heartbeat's position is kept this often */

/* one key's final state in the group */
struct ap_entry {
	size_t table;
	int del;
	uint64_t hash;
	unsigned char *key; /* the key's values, encoded */
	size_t klen;
	unsigned char *row; /* the row, encoded: bitmap and values */
	size_t rlen;
	unsigned char *unch; /* columns to leave as they are, or NULL */
};

struct ap_group {
	struct ap_entry *v;
	size_t n, cap;
	size_t *slot; /* open addressing: entry index + 1, 0 empty */
	size_t nslot;
	uint64_t changes;
	double started;
};

struct ap_table {
	const struct schema_table *t; /* names folded */
	struct schema_table *ft;      /* (owned when folding made it) */
	struct schema_table *keys;    /* key columns only: deletes */
	const char *name;	      /* the target's */
};

struct apply {
	const struct load_opts *o;
	struct sink *s;
	struct ap_table *tabs;
	size_t ntabs;
	struct ap_group g;
	struct value *vals;
	struct buf enc;
	uint64_t applied; /* the job's position */
	char applied_text[STREAM_MAX_POSITION + 1];
	uint64_t txns_total;		/* the checkpoint's rows_loaded */
	struct stream_position pending; /* the group's end */
	int64_t pending_us;		/* its source time */
	int has_pending;
	double applied_time; /* the source time of the job's position */
	double last_metrics;
	int metrics_failed;
	double last_beat;
	struct apply_stats *st;
};

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void group_clear(struct ap_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].key);
		free(g->v[i].row);
		free(g->v[i].unch);
	}
	g->n = 0;
	g->changes = 0;
	if (g->slot)
		memset(g->slot, 0, g->nslot * sizeof(*g->slot));
}

static void group_release(struct ap_group *g)
{
	group_clear(g);
	free(g->v);
	free(g->slot);
	memset(g, 0, sizeof(*g));
}

/* encode t's key values (from a row, or the npk values of key) */
static int enc_key(struct buf *b, const struct schema_table *t,
		   const struct value *row, const struct value *key,
		   struct err *e)
{
	buf_reset(b);
	for (size_t k = 0; k < t->npk; k++) {
		size_t c = t->pk[k];
		if (value_encode(b, t->cols[c].type, row ? &row[c] : &key[k],
				 e) < 0)
			return -1;
	}
	return 0;
}

static int grow_slots(struct ap_group *g, struct err *e)
{
	size_t n = g->nslot ? g->nslot * 2 : 1024;
	size_t *s = calloc(n, sizeof(*s));

	if (!s)
		return err_oom(e);
	for (size_t i = 0; i < g->n; i++) {
		size_t h = (size_t)g->v[i].hash & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = i + 1;
	}
	free(g->slot);
	g->slot = s;
	g->nslot = n;
	return 0;
}

/* the entry of (table, key bytes), made (empty) when new */
static struct ap_entry *entry(struct ap_group *g, size_t table,
			      const unsigned char *key, size_t klen,
			      struct err *e)
{
	uint64_t h = XXH3_64bits_withSeed(key, klen, table);
	size_t at;
	struct ap_entry *x;

	if ((g->n + 1) * 2 > g->nslot && grow_slots(g, e) < 0)
		return NULL;
	at = (size_t)h & (g->nslot - 1);
	while (g->slot[at]) {
		x = &g->v[g->slot[at] - 1];
		if (x->hash == h && x->table == table && x->klen == klen &&
		    memcmp(x->key, key, klen) == 0)
			return x;
		at = (at + 1) & (g->nslot - 1);
	}
	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 256;
		struct ap_entry *nv = realloc(g->v, ncap * sizeof(*nv));
		if (!nv) {
			err_oom(e);
			return NULL;
		}
		g->v = nv;
		g->cap = ncap;
	}
	x = &g->v[g->n];
	memset(x, 0, sizeof(*x));
	x->table = table;
	x->hash = h;
	x->klen = klen;
	if (!(x->key = malloc(klen ? klen : 1))) {
		err_oom(e);
		return NULL;
	}
	memcpy(x->key, key, klen);
	g->slot[at] = ++g->n;
	return x;
}

/* a row of t (unchanged columns as NULL) into bytes: bitmap, values */
static int enc_row(struct buf *b, const struct schema_table *t,
		   const struct value *row, const unsigned char *unch,
		   struct err *e)
{
	size_t nb = (t->ncols + 7) / 8;

	buf_reset(b);
	if (buf_reserve(b, nb, e) < 0)
		return -1;
	memset(b->data, 0, nb);
	b->len = nb;
	for (size_t i = 0; i < t->ncols; i++) {
		if (row[i].null || (unch && (unch[i / 8] >> (i % 8) & 1))) {
			b->data[i / 8] |= (unsigned char)(1u << (i % 8));
			continue;
		}
		if (value_encode(b, t->cols[i].type, &row[i], e) < 0)
			return -1;
	}
	return 0;
}

static int dec_row(const struct schema_table *t, const unsigned char *p,
		   size_t len, struct value *out, struct err *e)
{
	size_t nb = (t->ncols + 7) / 8;
	const unsigned char *q = p + nb, *end = p + len;

	for (size_t i = 0; i < t->ncols; i++) {
		if (p[i / 8] >> (i % 8) & 1) {
			out[i].null = true;
			continue;
		}
		if (value_decode(&q, end, t->cols[i].type, STREAM_MAX_FIELD,
				 &out[i], e) < 0)
			return -1;
	}
	return 0;
}

static int dup_bytes(unsigned char **out, const void *p, size_t n,
		     struct err *e)
{
	free(*out);
	if (!(*out = malloc(n ? n : 1)))
		return err_oom(e);
	memcpy(*out, p, n);
	return 0;
}

/* one change into the group: the key's state after it */
static int group_add(struct apply *a, const struct stream_event *ev,
		     struct err *e)
{
	const struct stream_change *c = &ev->change;
	const struct schema_table *t = a->tabs[c->table].t;
	size_t nb = (t->ncols + 7) / 8;
	struct ap_entry *x;
	struct buf kb;
	int rc = -1;

	buf_init(&kb, (size_t)STREAM_MAX_ROW);
	a->g.changes++;
	if (c->op == STREAM_CHANGE_UPDATE && c->old_key) {
		/* the key moved: the old one is gone */
		if (enc_key(&kb, t, NULL, c->old_key, e) < 0 ||
		    !(x = entry(&a->g, c->table, kb.data, kb.len, e)))
			goto out;
		x->del = 1;
		free(x->row);
		free(x->unch);
		x->row = x->unch = NULL;
	}
	if (enc_key(&kb, t, c->row, c->key, e) < 0 ||
	    !(x = entry(&a->g, c->table, kb.data, kb.len, e)))
		goto out;
	if (c->op == STREAM_CHANGE_DELETE) {
		x->del = 1;
		free(x->row);
		free(x->unch);
		x->row = x->unch = NULL;
		rc = 0;
		goto out;
	}
	if (c->unchanged && x->row && !x->del) {
		/* columns left as they were: as the group's row has them */
		unsigned char *keep = NULL;
		if (dec_row(t, x->row, x->rlen, a->vals, e) < 0)
			goto out;
		for (size_t i = 0; i < t->ncols; i++)
			if (!(c->unchanged[i / 8] >> (i % 8) & 1))
				a->vals[i] = c->row[i];
		if (x->unch) {
			/* still unknown: unchanged before and now */
			if (!(keep = malloc(nb))) {
				err_oom(e);
				goto out;
			}
			for (size_t i = 0; i < nb; i++)
				keep[i] = x->unch[i] & c->unchanged[i];
		}
		if (enc_row(&a->enc, t, a->vals, keep, e) < 0 ||
		    dup_bytes(&x->row, a->enc.data, a->enc.len, e) < 0) {
			free(keep);
			goto out;
		}
		x->rlen = a->enc.len;
		free(x->unch);
		x->unch = keep;
	} else {
		if (enc_row(&a->enc, t, c->row, c->unchanged, e) < 0 ||
		    dup_bytes(&x->row, a->enc.data, a->enc.len, e) < 0)
			goto out;
		x->rlen = a->enc.len;
		free(x->unch);
		x->unch = NULL;
		if (c->unchanged &&
		    (dup_bytes(&x->unch, c->unchanged, nb, e) < 0))
			goto out;
	}
	x->del = 0;
	rc = 0;
out:
	buf_release(&kb);
	return rc;
}

/* a copy of t without the columns in unch (never a key column) */
static struct schema_table *project(const struct schema_table *t,
				    const unsigned char *unch, struct err *e)
{
	struct schema_table *p = schema_table_copy(t, e);
	size_t *map, n = 0;

	if (!p)
		return NULL;
	if (!(map = calloc(t->ncols + 1, sizeof(*map)))) {
		schema_table_free(p);
		err_oom(e);
		return NULL;
	}
	for (size_t i = 0; i < p->ncols; i++) {
		if (unch[i / 8] >> (i % 8) & 1) {
			schema_column_release(&p->cols[i]);
			continue;
		}
		map[i] = n;
		p->cols[n] = p->cols[i];
		p->types[n] = p->types[i];
		n++;
	}
	p->ncols = n;
	for (size_t k = 0; k < p->npk; k++)
		p->pk[k] = map[p->pk[k]];
	/* what the target builds is not this table's business */
	for (size_t i = 0; i < p->nindexes; i++) {
		free(p->indexes[i].name);
		free(p->indexes[i].cols);
	}
	p->nindexes = 0;
	p->watermark = -1;
	free(map);
	return p;
}

/* rows of table ti (all with the unchanged columns `mask`, or none) by
 * upsert; done[] marks the entries written */
static int upsert_rows(struct apply *a, size_t ti, const unsigned char *mask,
		       unsigned char *done, struct err *e)
{
	struct ap_table *at = &a->tabs[ti];
	const struct schema_table *t = at->t;
	struct schema_table *pt = NULL;
	struct sink_table_stats st;
	size_t nb = (t->ncols + 7) / 8;
	struct value *pv = NULL;
	int rc = -1;

	if (mask && !(pt = project(t, mask, e)))
		return -1;
	if (!(pv = calloc(t->ncols + 1, sizeof(*pv)))) {
		err_oom(e);
		goto out;
	}
	sink_set_mode(a->s, SINK_UPSERT);
	if (sink_begin_table(a->s, pt ? pt : t, at->name, e) < 0)
		goto fail;
	for (size_t i = 0; i < a->g.n; i++) {
		const struct ap_entry *x = &a->g.v[i];
		size_t n = 0;
		if (done[i] || x->table != ti || x->del ||
		    (mask ? !x->unch || memcmp(x->unch, mask, nb) != 0
			  : x->unch != NULL))
			continue;
		done[i] = 1;
		if (dec_row(t, x->row, x->rlen, a->vals, e) < 0)
			goto fail;
		for (size_t c = 0; c < t->ncols; c++)
			if (!mask || !(mask[c / 8] >> (c % 8) & 1))
				pv[n++] = a->vals[c];
		if (sink_write_row(a->s, pv, e) < 0)
			goto fail;
	}
	if (sink_end_table(a->s, &st, e) < 0)
		goto fail;
	a->st->rows += st.rows;
	rc = 0;
	goto out;
fail:
	err_prefix(e, "table %s", at->name);
out:
	free(pv);
	schema_table_free(pt);
	return rc;
}

static int delete_keys(struct apply *a, size_t ti, struct err *e)
{
	struct ap_table *at = &a->tabs[ti];
	const struct schema_table *t = at->t;
	struct sink_table_stats st;
	int any = 0;

	for (size_t i = 0; i < a->g.n && !any; i++)
		any = a->g.v[i].table == ti && a->g.v[i].del;
	if (!any)
		return 0;
	sink_set_mode(a->s, SINK_DELETE);
	if (sink_begin_table(a->s, at->keys, at->name, e) < 0)
		return err_prefix(e, "table %s", at->name);
	for (size_t i = 0; i < a->g.n; i++) {
		const struct ap_entry *x = &a->g.v[i];
		const unsigned char *p = x->key, *end = x->key + x->klen;
		if (x->table != ti || !x->del)
			continue;
		for (size_t k = 0; k < t->npk; k++)
			if (value_decode(&p, end, t->cols[t->pk[k]].type,
					 STREAM_MAX_FIELD, &a->vals[k], e) < 0)
				return err_prefix(e, "table %s", at->name);
		if (sink_write_row(a->s, a->vals, e) < 0)
			return err_prefix(e, "table %s", at->name);
	}
	if (sink_end_table(a->s, &st, e) < 0)
		return err_prefix(e, "table %s", at->name);
	a->st->deleted += st.deleted;
	return 0;
}

/* the job's position, in the same transaction as what led to it */
static int commit_position(struct apply *a, int ended, struct err *e)
{
	struct checkpoint c;
	char order[24];

	memset(&c, 0, sizeof(c));
	snprintf(order, sizeof(order), "%" PRIu64, a->pending.order);
	c.rows = a->txns_total;
	c.last_watermark = order;
	c.last_key = a->pending.text;
	c.done = ended;
	if (sink_group_commit(a->s, CHECKPOINT_FOLLOW, &c, e) < 0)
		return -1;
	a->applied = a->pending.order;
	snprintf(a->applied_text, sizeof(a->applied_text), "%s",
		 a->pending.text);
	a->has_pending = 0;
	if (a->pending_us) {
		a->applied_time = (double)a->pending_us / 1e6;
		a->st->lag_s = wall_s() - a->applied_time;
	}
	return 0;
}

/* --metrics-file and the progress line, every few seconds and at the
 * end; a file that cannot be written is said once, and following goes on */
static void report(struct apply *a, int now)
{
	const struct load_opts *o = a->o;
	double t = progress_now();

	if (o->progress) {
		char what[96];
		snprintf(what, sizeof(what), "following, lag %.1f s",
			 a->st->lag_s);
		progress_update(o->progress, what, a->st->transactions,
				a->st->changes);
	}
	if (!o->metrics || !o->metrics_path ||
	    (!now && t - a->last_metrics < 5))
		return;
	a->last_metrics = t;
	metrics_follow(o->metrics, a->st->lag_s, a->applied, a->applied_time,
		       a->st->transactions, a->st->changes, a->st->groups);
	{
		struct err me;
		err_init(&me);
		if (metrics_write(o->metrics, o->metrics_path, 1, &me) < 0 &&
		    !a->metrics_failed) {
			a->metrics_failed = 1;
			load_notice(o, "%s", me.msg);
		}
	}
}

/* the group into the target, in one transaction with its position */
static int group_apply(struct apply *a, int ended, struct err *e)
{
	unsigned char *done = NULL;
	int rc = -1;

	if (!a->has_pending)
		return 0;
	if (sink_group_begin(a->s, e) < 0)
		return -1;
	if (a->g.n && !(done = calloc(a->g.n, 1))) {
		err_oom(e);
		goto fail;
	}
	for (size_t ti = a->ntabs; ti-- > 0;)
		if (delete_keys(a, ti, e) < 0)
			goto fail;
	for (size_t ti = 0; ti < a->ntabs; ti++) {
		int full = 0;
		for (size_t i = 0; i < a->g.n && !full; i++)
			full = a->g.v[i].table == ti && !a->g.v[i].del &&
			       !a->g.v[i].unch;
		if (full && upsert_rows(a, ti, NULL, done, e) < 0)
			goto fail;
		/* then each set of columns left unsent, on its own */
		for (size_t i = 0; i < a->g.n; i++)
			if (!done[i] && a->g.v[i].table == ti &&
			    !a->g.v[i].del && a->g.v[i].unch &&
			    upsert_rows(a, ti, a->g.v[i].unch, done, e) < 0)
				goto fail;
	}
	if (commit_position(a, ended, e) < 0)
		goto out;
	a->st->groups++;
	group_clear(&a->g);
	rc = 0;
	goto out;
fail:
	sink_group_abort(a->s);
out:
	free(done);
	return rc;
}

/* whether the next stage has more bytes ready on in */
static int input_ready(FILE *in)
{
	struct pollfd p = { fileno(in), POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

static int tables_setup(struct apply *a, const struct uri *u,
			const struct stream_follow *f, struct err *e)
{
	struct namefold_run *run = namefold_run_new(e);
	size_t maxc = 1;
	int rc = -1;

	if (!run)
		return -1;
	if (!(a->tabs = calloc(f->ntables + 1, sizeof(*a->tabs))))
		goto oom;
	for (size_t i = 0; i < f->ntables; i++) {
		struct ap_table *at = &a->tabs[i];
		const char *name;
		const struct schema_table *t;
		a->ntabs++;
		if (load_fold(u->engine, a->o->maps, a->o->nmaps, a->o->schema,
			      a->o->keep_case, f->tables[i], &at->ft, &name,
			      run, e) < 0)
			goto out;
		t = at->ft ? at->ft : f->tables[i];
		at->t = t;
		if (!(at->name = strdup(name)))
			goto oom;
		if (!(at->keys = schema_table_keys(t, t->pk, t->npk, e)))
			goto out;
		if (t->ncols > maxc)
			maxc = t->ncols;
	}
	if (!(a->vals = calloc(maxc, sizeof(*a->vals))))
		goto oom;
	rc = 0;
	goto out;
oom:
	err_oom(e);
out:
	namefold_run_free(run);
	return rc;
}

static void tables_free(struct apply *a)
{
	for (size_t i = 0; i < a->ntabs; i++) {
		schema_table_free(a->tabs[i].ft);
		schema_table_free(a->tabs[i].keys);
		free((char *)a->tabs[i].name);
	}
	free(a->tabs);
	free(a->vals);
}

int apply_run(const struct uri *u, const struct load_opts *o, struct sink *s,
	      struct stream_reader *r, FILE *in, struct apply_stats *st,
	      struct err *e)
{
	const struct stream_follow *f = stream_reader_follow(r);
	struct apply a;
	struct stream_event ev;
	struct checkpoint ck;
	int rc = -1, erc, replay;

	memset(&a, 0, sizeof(a));
	memset(st, 0, sizeof(*st));
	a.o = o;
	a.s = s;
	a.st = st;
	buf_init(&a.enc, (size_t)STREAM_MAX_ROW);
	if (tables_setup(&a, u, f, e) < 0 ||
	    sink_checkpoint_read(s, CHECKPOINT_FOLLOW, "", &ck, e) < 0)
		goto out;
	if (ck.found && ck.last_watermark) {
		a.applied = strtoull(ck.last_watermark, NULL, 10);
		snprintf(a.applied_text, sizeof(a.applied_text), "%s",
			 ck.last_key ? ck.last_key : "");
		a.txns_total = ck.rows;
	}
	checkpoint_release(&ck);
	if (a.applied < f->start.order) {
		/* the snapshot's position: where a rerun goes on from */
		a.pending = f->start;
		a.has_pending = 1;
		if (group_apply(&a, 0, e) < 0)
			goto out;
		load_notice(o, "following from %s", f->start.text);
	} else if (a.applied > f->start.order) {
		load_notice(
		    o,
		    "job %s: changes up to %s are in already; those before "
		    "are skipped",
		    o->sink.job, a.applied_text);
	}
	/* while transactions may be ones the job has, the group holds one
	 * transaction at a time */
	replay = a.applied > f->start.order;
	a.last_beat = progress_now();
	while ((erc = stream_reader_next_event(r, &ev, e)) == 1) {
		switch (ev.kind) {
		case STREAM_EVENT_CHANGE:
			if (!a.g.changes && !a.g.n)
				a.g.started = progress_now();
			st->changes++;
			if (group_add(&a, &ev, e) < 0)
				goto out;
			continue;
		case STREAM_EVENT_COMMIT:
			if (ev.pos->order <= a.applied) {
				/* the job has it: this transaction's changes
				 * are the group's only ones */
				st->skipped++;
				group_clear(&a.g);
				continue;
			}
			replay = 0;
			a.pending = *ev.pos;
			a.pending_us = ev.time_us;
			a.has_pending = 1;
			a.txns_total++;
			st->transactions++;
			if (a.g.changes >= APPLY_MAX_CHANGES ||
			    (progress_now() - a.g.started) * 1000 >=
				APPLY_MAX_MS ||
			    !input_ready(in)) {
				if (group_apply(&a, 0, e) < 0)
					goto out;
				a.last_beat = progress_now();
			}
			break;
		case STREAM_EVENT_HEARTBEAT:
			if (ev.pos->order <= a.applied || replay)
				continue;
			a.pending = *ev.pos;
			a.pending_us = ev.time_us;
			a.has_pending = 1;
			if (a.g.n ||
			    progress_now() - a.last_beat >= APPLY_BEAT_S) {
				if (group_apply(&a, 0, e) < 0)
					goto out;
				a.last_beat = progress_now();
			}
			break;
		}
		report(&a, 0);
	}
	if (erc < 0) {
		/* what came whole is in: the group of whole transactions */
		struct err keep = *e;
		if (keep.class == ERR_PIPE && a.has_pending &&
		    group_apply(&a, 0, e) < 0)
			goto out;
		*e = keep;
		goto out;
	}
	/* the end (--until): the last group, and the stream's position */
	if (!a.has_pending) {
		a.pending.order = a.applied;
		snprintf(a.pending.text, sizeof(a.pending.text), "%s",
			 a.applied_text[0] ? a.applied_text : f->start.text);
		a.has_pending = 1;
	}
	if (group_apply(&a, 1, e) < 0)
		goto out;
	st->ended = 1;
	/* the source's counters moved with its inserts, the target's only
	 * past the rows it holds: say how to give them the source's */
	load_notice(o, "the stream ended at %s; the tables' counters stand "
		       "past the ids they hold: to give them the source's, "
		       "ferry-extract SOURCE --all-tables --schema-only | "
		       "ferry-load TARGET -m upsert",
		    a.applied_text);
	rc = 0;
out:
	report(&a, 1);
	sink_group_abort(s);
	group_release(&a.g);
	tables_free(&a);
	buf_release(&a.enc);
	return rc;
}
