#include "stage/cat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "stream/rowfmt.h"

#define CAT_FLUSH_AT (256u << 10)
#define CAT_MAX_LINE (256u << 20)

static int out_write(FILE *out, struct buf *b, struct err *e)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len) {
		if (errno == EPIPE)
			return err_set(e, ERR_PIPE,
				       "the next stage of the pipe is gone");
		return err_set(e, ERR_SYSTEM, "write error: %s",
			       strerror(errno));
	}
	buf_reset(b);
	return 0;
}

struct flush_ctx {
	FILE *out;
};

static int flush_to(void *ctx, struct buf *b, struct err *e)
{
	return out_write(((struct flush_ctx *)ctx)->out, b, e);
}

static int selected(const struct cat_opts *o, const char *name, char *seen)
{
	if (!o->ntables)
		return 1;
	for (size_t i = 0; i < o->ntables; i++)
		if (strcmp(o->tables[i], name) == 0) {
			seen[i] = 1;
			return 1;
		}
	return 0;
}

static void human_bytes(char *out, size_t sz, uint64_t n)
{
	if (n < 10 * 1024)
		snprintf(out, sz, "%" PRIu64 " B", n);
	else if (n < UINT64_C(10) * 1024 * 1024)
		snprintf(out, sz, "%.1f KiB", (double)n / 1024);
	else
		snprintf(out, sz, "%.1f MiB", (double)n / (1024 * 1024));
}

/* a column's default, ON UPDATE and identity, as ferry-cat(1) shows them */
static int summary_extras(struct buf *b, const struct schema_column *c,
			  struct err *e)
{
	char d[300];

	if (c->def.kind &&
	    buf_addf(b, e, " default %s",
		     schema_default_describe(&c->def, d, sizeof(d))) < 0)
		return -1;
	if (c->on_update.kind &&
	    buf_addf(b, e, " on update %s",
		     schema_default_describe(&c->on_update, d, sizeof(d))) < 0)
		return -1;
	if (c->identity &&
	    buf_addf(b, e, " identity %s",
		     c->identity == SCHEMA_IDENTITY_ALWAYS ? "always"
							   : "by default") < 0)
		return -1;
	if (c->collation && buf_addf(b, e, " collate %s", c->collation) < 0)
		return -1;
	if (c->composite &&
	    buf_addf(b, e, " composite %s.%s (%zu attributes)",
		     c->composite->schema, c->composite->name,
		     c->composite->nattrs) < 0)
		return -1;
	if (c->domain &&
	    buf_addf(b, e, " domain %s.%s%s (%zu checks)", c->domain->schema,
		     c->domain->name, c->domain->not_null ? " not null" : "",
		     c->domain->nchecks) < 0)
		return -1;
	for (size_t k = 0; k < c->nset; k++)
		if (buf_addf(b, e, "%s'%s'", k ? ", " : " set of ", c->set[k]) <
		    0)
			return -1;
	if (c->generated && buf_addf(b, e, " generated %s (%s)",
				     c->generated_stored ? "stored" : "virtual",
				     c->generated) < 0)
		return -1;
	if (c->generated &&
	    buf_addf(b, e, " %s %s", c->generated_form ? "carried as" : "plain",
		     c->generated_form ? c->generated_form
				       : "(no portable form)") < 0)
		return -1;
	if (c->identity && c->identity_next &&
	    buf_addf(b, e, " next %lld", (long long)c->identity_next) < 0)
		return -1;
	if (c->identity && c->identity_increment != 1 &&
	    buf_addf(b, e, " increment %lld",
		     (long long)c->identity_increment) < 0)
		return -1;
	return 0;
}

static int summary_partition(struct buf *b, const struct schema_table *t,
			     struct err *e);

static int summary_table_head(struct buf *b, const struct schema_table *t,
			      struct err *e)
{
	if (buf_addf(b, e, "table %s\n", t->name) < 0)
		return -1;
	if (t->schema && buf_addf(b, e, "  schema: %s, table: %s\n", t->schema,
				  t->table) < 0)
		return -1;
	if (t->source && buf_addf(b, e, "  source: %s\n", t->source) < 0)
		return -1;
	if (t->rows_estimated &&
	    buf_addf(b, e, "  rows the source estimated: %lld\n",
		     (long long)t->rows_estimate) < 0)
		return -1;
	if (t->section_n &&
	    buf_addf(b, e, "  key range %u of %u%s\n", t->section_k,
		     t->section_n,
		     t->section_ordered ? ", rows in key order" : "") < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		if (buf_addf(b, e, "  column %s: %s%s%s", c->name,
			     value_type_name(c->type),
			     c->nonnegative && c->type != VALUE_UINT64
				 ? " unsigned"
				 : "",
			     c->nullable ? "" : " not null") < 0)
			return -1;
		if (c->source_type &&
		    buf_addf(b, e, " (%s)", c->source_type) < 0)
			return -1;
		if (c->nlabels) {
			if (buf_adds(b, " labels", e) < 0)
				return -1;
			for (size_t k = 0; k < c->nlabels; k++)
				if (buf_addf(b, e, "%s'%s'", k ? "," : " ",
					     c->labels[k]) < 0)
					return -1;
		}
		if (summary_extras(b, c, e) < 0 || buf_addc(b, '\n', e) < 0)
			return -1;
	}
	if (t->npk) {
		if (buf_adds(b, "  primary key:", e) < 0)
			return -1;
		for (size_t i = 0; i < t->npk; i++)
			if (buf_addf(b, e, " %s", t->cols[t->pk[i]].name) < 0)
				return -1;
		if (buf_addc(b, '\n', e) < 0)
			return -1;
	} else if (buf_adds(b, "  primary key: none\n", e) < 0) {
		return -1;
	}
	for (size_t i = 0; i < t->nindexes; i++) {
		const struct schema_index *x = &t->indexes[i];
		if (buf_addf(b, e, "  %sindex %s:", x->unique ? "unique " : "",
			     x->name) < 0)
			return -1;
		for (size_t k = 0; k < x->ncols; k++)
			if (buf_addf(b, e, " %s", t->cols[x->cols[k]].name) < 0)
				return -1;
		if (buf_addc(b, '\n', e) < 0)
			return -1;
	}
	for (size_t i = 0; i < t->nfkeys; i++) {
		const struct schema_fkey *f = &t->fkeys[i];
		if (buf_addf(b, e, "  foreign key %s:", f->name) < 0)
			return -1;
		for (size_t k = 0; k < f->ncols; k++)
			if (buf_addf(b, e, "%s%s", k ? ", " : " ",
				     t->cols[f->cols[k]].name) < 0)
				return -1;
		if (buf_addf(b, e, " -> %s%s%s (",
			     f->ref_schema ? f->ref_schema : "",
			     f->ref_schema ? "." : "", f->ref_table) < 0)
			return -1;
		for (size_t k = 0; k < f->ncols; k++)
			if (buf_addf(b, e, "%s%s", k ? ", " : "",
				     f->ref_cols[k]) < 0)
				return -1;
		if (buf_addf(b, e, ") on delete %s on update %s\n",
			     schema_fk_action_sql(f->on_delete),
			     schema_fk_action_sql(f->on_update)) < 0)
			return -1;
	}
	for (size_t i = 0; i < t->nchecks; i++)
		if (buf_addf(b, e, "  check %s: %s\n", t->checks[i].name,
			     t->checks[i].expr) < 0)
			return -1;
	for (size_t i = 0; i < t->nxindexes; i++) {
		const struct schema_xindex *x = &t->xindexes[i];
		if (buf_addf(b, e, "  %sindex %s:", x->unique ? "unique " : "",
			     x->name) < 0)
			return -1;
		for (size_t k = 0; k < x->nkeys; k++)
			if (buf_addf(b, e, "%s%s", k ? ", " : " ", x->keys[k]) <
			    0)
				return -1;
		if ((x->where && buf_addf(b, e, " where %s", x->where) < 0) ||
		    buf_addc(b, '\n', e) < 0)
			return -1;
	}
	return summary_partition(b, t, e);
}

static int summary_bounds(struct buf *b, const struct schema_bound *v,
			  size_t n, struct err *e)
{
	for (size_t k = 0; k < n; k++) {
		const char *sep = k ? ", " : "(";
		if ((v[k].kind == SCHEMA_BOUND_VALUE
			 ? buf_addf(b, e, "%s'%s'", sep, v[k].value)
			 : buf_addf(b, e, "%s%s", sep,
				    v[k].kind == SCHEMA_BOUND_NULL  ? "NULL"
				    : v[k].kind == SCHEMA_BOUND_MIN ? "MINVALUE"
								    : "MAXVALUE")) <
		    0)
			return -1;
	}
	return buf_addc(b, ')', e);
}

/* "  partition by range (a): p1 from ('1') to ('9')", a line a part */
static int summary_partition(struct buf *b, const struct schema_table *t,
			     struct err *e)
{
	const struct schema_partition *p = t->partition;

	if (!p)
		return 0;
	for (size_t i = 0; i < p->nparts; i++) {
		const struct schema_part *x = &p->parts[i];
		if (buf_addf(b, e, "  partition by %s (",
			     p->strategy == 'r'	  ? "range"
			     : p->strategy == 'l' ? "list"
						  : "hash") < 0)
			return -1;
		for (size_t k = 0; k < p->ncols; k++)
			if (buf_addf(b, e, "%s%s", k ? ", " : "",
				     t->cols[p->cols[k]].name) < 0)
				return -1;
		if (buf_addf(b, e, "): %s ", x->name) < 0)
			return -1;
		if (x->is_default ? buf_adds(b, "default", e) < 0
		    : p->strategy == 'r'
			? buf_adds(b, "from ", e) < 0 ||
			      summary_bounds(b, x->from, p->ncols, e) < 0 ||
			      buf_adds(b, " to ", e) < 0 ||
			      summary_bounds(b, x->to, p->ncols, e) < 0
		    : p->strategy == 'l'
			? buf_adds(b, "in ", e) < 0 ||
			      summary_bounds(b, x->values, x->nvalues, e) < 0
			: buf_addf(b, e,
				   "with (modulus %" PRId64 ", remainder %" PRId64
				   ")",
				   x->modulus, x->remainder) < 0)
			return -1;
		if (buf_addc(b, '\n', e) < 0)
			return -1;
	}
	return 0;
}

static int summary_table_tail(struct buf *b, const struct schema_table *t,
			      const struct stream_table_stats *s, struct err *e)
{
	char raw[32], stored[32], hex[DIGEST_HEX_LEN + 1];

	human_bytes(raw, sizeof(raw), s->raw_bytes);
	human_bytes(stored, sizeof(stored), s->stored_bytes);
	digest_hex(&s->digest, hex);
	if (buf_addf(
		b, e,
		"  rows: %" PRIu64 "\n  batches: %" PRIu64
		"\n  raw bytes: %" PRIu64 " (%s)\n  stored bytes: %" PRIu64
		" (%s, %.2fx)\n  digest: %s\n",
		s->rows, s->batches, s->raw_bytes, raw, s->stored_bytes, stored,
		s->stored_bytes ? (double)s->raw_bytes / (double)s->stored_bytes
				: 1.0,
		hex) < 0)
		return -1;
	if (s->has_watermark) {
		if (buf_addf(b, e, "  watermark: %s = ",
			     t->cols[t->watermark].name) < 0 ||
		    value_format(b, t->cols[t->watermark].type, &s->watermark,
				 VALUE_STYLE_TEXT, e) < 0 ||
		    buf_addc(b, '\n', e) < 0)
			return -1;
	}
	return 0;
}

static int summary_kinds(struct buf *b, const struct schema_objects *o,
			 const char **kinds, size_t nk, struct err *e);

/* "views carried:", the views whose queries the stream holds (1.9), by
 * name; the rest is for summary_objects */
#define SUMMARY_NAMES 8
static int summary_views(struct buf *b, const struct schema_objects *all,
			 struct schema_objects *rest, struct err *e)
{
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < all->n; i++)
		n += all->v[i].view != NULL;
	if (n && buf_addf(b, e, "views carried: %zu (", n) < 0)
		return -1;
	for (size_t i = 0; i < all->n; i++) {
		const struct schema_object *x = &all->v[i];
		char q[120];
		if (!x->view) {
			if (schema_objects_add(rest, x->kind, x->table, x->name,
					       x->detail, e) < 0)
				return -1;
			continue;
		}
		if (shown < SUMMARY_NAMES &&
		    ((shown && buf_adds(b, ", ", e) < 0) ||
		     buf_adds(b, err_quote(q, sizeof(q), x->name,
					   strlen(x->name), 100),
			      e) < 0))
			return -1;
		shown += shown < SUMMARY_NAMES;
	}
	if (n && ((n > shown && buf_addf(b, e, ", and %zu more", n - shown) <
				    0) ||
		  buf_adds(b, ")\n", e) < 0))
		return -1;
	return 0;
}

/* "not carried:" and a line per kind of object the stream names: its
 * number and the first names (table: name), quoted as messages quote */
static int summary_objects(struct buf *b, const struct schema_objects *all,
			   struct err *e)
{
	struct schema_objects left = { 0 }, *o = &left;
	const char *kinds[64];
	size_t nk;
	int rc = -1;

	if (summary_views(b, all, &left, e) < 0)
		goto out;
	nk = schema_objects_kinds(o, kinds, 64);
	rc = 0;
	if (!o->n)
		goto out;
	rc = summary_kinds(b, o, kinds, nk, e);
out:
	schema_objects_release(&left);
	return rc;
}

static int summary_kinds(struct buf *b, const struct schema_objects *o,
			 const char **kinds, size_t nk, struct err *e)
{
	if (buf_addf(b, e, "not carried: %zu objects of the source\n", o->n) <
	    0)
		return -1;
	for (size_t k = 0; k < nk; k++) {
		size_t n = schema_objects_count(o, kinds[k]), shown = 0;
		if (buf_addf(b, e, "  %s: %zu (", kinds[k], n) < 0)
			return -1;
		for (size_t i = 0; i < o->n && shown < SUMMARY_NAMES; i++) {
			const struct schema_object *x = &o->v[i];
			char q1[120], q2[120];
			if (strcmp(x->kind, kinds[k]) != 0)
				continue;
			if ((shown && buf_adds(b, ", ", e) < 0) ||
			    (x->table &&
			     buf_addf(b, e, "%s: ",
				      err_quote(q1, sizeof(q1), x->table,
						strlen(x->table), 100)) < 0) ||
			    buf_adds(b,
				     err_quote(q2, sizeof(q2), x->name,
					       strlen(x->name), 100),
				     e) < 0)
				return -1;
			shown++;
		}
		if ((n > shown &&
		     buf_addf(b, e, ", and %zu more", n - shown) < 0) ||
		    buf_adds(b, ")\n", e) < 0)
			return -1;
	}
	return 0;
}


/* a follow stream's changes (2.0): one line each, or with --summary and
 * --check the totals */
static int cat_follow(struct stream_reader *r, const struct cat_opts *o,
		      FILE *out, struct buf *b, struct err *e)
{
	const struct stream_follow *f = stream_reader_follow(r);
	struct stream_event ev;
	uint64_t txns = 0, changes = 0, beats = 0;
	char last[STREAM_MAX_POSITION + 1];
	int rc;

	snprintf(last, sizeof(last), "%s", f->start.text);
	while ((rc = stream_reader_next_event(r, &ev, e)) == 1) {
		const struct stream_change *c = &ev.change;
		const struct schema_table *t = ev.t;
		if (ev.kind == STREAM_EVENT_COMMIT) {
			txns++;
			snprintf(last, sizeof(last), "%s", ev.pos->text);
		} else if (ev.kind == STREAM_EVENT_HEARTBEAT) {
			beats++;
			snprintf(last, sizeof(last), "%s", ev.pos->text);
		} else {
			changes++;
		}
		if (o->format == CAT_SUMMARY || o->format == CAT_CHECK)
			continue;
		if (ev.kind != STREAM_EVENT_CHANGE) {
			if (buf_addf(b, e, "{\"%s\":", ev.kind == STREAM_EVENT_COMMIT
						       ? "commit"
						       : "heartbeat") < 0 ||
			    json_add_string(b, ev.pos->text,
					    strlen(ev.pos->text), e) < 0 ||
			    buf_addf(b, e, ",\"order\":\"%" PRIu64 "\"}\n",
				     ev.pos->order) < 0)
				return -1;
		} else {
			size_t at = b->len;
			/* the row's line as for a table, with the change's
			 * transaction, kind, and keys in front */
			if (buf_addf(b, e, "{\"transaction\":%" PRIu64
					   ",\"op\":\"%s\",",
				     ev.transaction,
				     c->op == STREAM_CHANGE_INSERT ? "insert"
				     : c->op == STREAM_CHANGE_UPDATE
					 ? "update"
					 : "delete") < 0)
				return -1;
			if (c->row) {
				size_t line = b->len;
				if (rowfmt_row(b, ROWFMT_JSONL, t, c->row, e) < 0)
					return -1;
				/* drop the line's own '{' and its newline */
				memmove(b->data + line, b->data + line + 1,
					b->len - line - 1);
				buf_cut(b, b->len - 1);
				if (b->len > at && b->data[b->len - 1] == '\n')
					buf_cut(b, b->len - 1);
				buf_cut(b, b->len - 1); /* its '}' */
			} else if (buf_adds(b, "\"table\":", e) < 0 ||
				   json_add_string(b, t->name, strlen(t->name),
						   e) < 0) {
				return -1;
			}
			if (c->unchanged) {
				int first = 1;
				if (buf_adds(b, ",\"unchanged\":[", e) < 0)
					return -1;
				for (size_t i = 0; i < t->ncols; i++) {
					if (!(c->unchanged[i / 8] >> (i % 8) & 1))
						continue;
					if ((!first && buf_addc(b, ',', e) < 0) ||
					    json_add_string(b, t->cols[i].name,
							    strlen(t->cols[i].name),
							    e) < 0)
						return -1;
					first = 0;
				}
				if (buf_addc(b, ']', e) < 0)
					return -1;
			}
			for (int k = 0; k < 2; k++) {
				const struct value *key = k ? c->key : c->old_key;
				if (!key)
					continue;
				if (buf_adds(b, k ? ",\"key\":[" : ",\"old_key\":[",
					     e) < 0)
					return -1;
				for (size_t i = 0; i < t->npk; i++) {
					const struct schema_column *kc =
					    &t->cols[t->pk[i]];
					if ((i && buf_addc(b, ',', e) < 0) ||
					    value_format(b, kc->type, &key[i],
							 VALUE_STYLE_JSON, e) < 0)
						return -1;
				}
				if (buf_addc(b, ']', e) < 0)
					return -1;
			}
			if (buf_adds(b, "}\n", e) < 0)
				return -1;
		}
		if (b->len >= CAT_FLUSH_AT && out_write(out, b, e) < 0)
			return -1;
	}
	if (o->format == CAT_SUMMARY) {
		struct err ignored;
		if (buf_addf(b, rc < 0 ? &ignored : e,
			     "follow: %zu tables from %s (%s); %" PRIu64
			     " transactions, %" PRIu64 " changes, %" PRIu64
			     " heartbeats, up to %s%s\n",
			     f->ntables, f->start.text, f->engine, txns,
			     changes, beats, last,
			     rc < 0 && e->class == ERR_PIPE ? " (interrupted)"
							    : "") < 0 &&
		    rc == 0)
			return -1;
	}
	if (rc < 0) {
		/* what came whole is shown, then why it stopped */
		struct err ignored;
		if (o->format != CAT_CHECK)
			out_write(out, b, &ignored);
		return -1;
	}
	if (o->format == CAT_CHECK && !o->quiet &&
	    buf_addf(b, e,
		     "%s: follow ok, %" PRIu64 " transactions, %" PRIu64
		     " changes, up to %s\n",
		     o->in_name, txns, changes, last) < 0)
		return -1;
	return 0;
}

int cat_decode(FILE *in, FILE *out, const struct cat_opts *o, struct err *e)
{
	struct stream_reader *r;
	const struct schema_table *t;
	const struct value *row;
	struct buf b;
	char *seen = NULL;
	uint64_t raw = 0, stored = 0, batches = 0, ntables = 0, nrows = 0;
	struct digest dsum;
	enum rowfmt_kind kind = o->format == CAT_CSV   ? ROWFMT_CSV
				: o->format == CAT_TSV ? ROWFMT_TSV
						       : ROWFMT_JSONL;
	int rows_out = o->format == CAT_JSONL || o->format == CAT_CSV ||
		       o->format == CAT_TSV;
	int rc = -1, trc;
	struct flush_ctx fc = { out };
	struct rowfmt_flush fl = { flush_to, &fc };

	buf_init(&b, (size_t)CAT_MAX_LINE);
	digest_init(&dsum);
	if (!(r = stream_reader_new(in, o->in_name, e)))
		return -1;
	if (!(seen = calloc(o->ntables + 1, 1))) {
		err_oom(e);
		goto out;
	}
	while ((trc = stream_reader_next_table(r, &t, e)) == 1) {
		int sel = selected(o, t->name, seen);
		const struct stream_table_stats *s;
		int rrc;

		if (sel && o->format == CAT_SUMMARY &&
		    summary_table_head(&b, t, e) < 0)
			goto out;
		if (sel && rows_out && rowfmt_header(&b, kind, t, e) < 0)
			goto out;
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			if (!sel || !rows_out)
				continue;
			if (rowfmt_row_to(&b, kind, t, row, &fl, e) < 0) {
				err_prefix(e, "table %s, row %" PRIu64, t->name,
					   stream_reader_row_number(r));
				goto out;
			}
			if (b.len >= CAT_FLUSH_AT && out_write(out, &b, e) < 0)
				goto out;
		}
		if (rrc < 0)
			goto out;
		s = stream_reader_table_stats(r);
		raw += s->raw_bytes;
		stored += s->stored_bytes;
		batches += s->batches;
		/* totals over every table, also of concatenated streams */
		ntables++;
		nrows += s->rows;
		digest_add(&dsum, &s->digest);
		if (sel && o->format == CAT_SUMMARY &&
		    summary_table_tail(&b, t, s, e) < 0)
			goto out;
		if (out_write(out, &b, e) < 0)
			goto out;
	}
	if (trc < 0)
		goto out;
	if (stream_reader_follow(r) && cat_follow(r, o, out, &b, e) < 0)
		goto out;
	{
		char hex[DIGEST_HEX_LEN + 1];

		digest_hex(&dsum, hex);
		if (o->format == CAT_SUMMARY &&
		    buf_addf(&b, e,
			     "total: %" PRIu64 " tables, %" PRIu64
			     " rows, %" PRIu64 " batches, %" PRIu64
			     " raw bytes, %" PRIu64
			     " stored bytes, digest %s\n",
			     ntables, nrows, batches, raw, stored, hex) < 0)
			goto out;
		if (o->format == CAT_CHECK && !o->quiet &&
		    buf_addf(&b, e,
			     "%s: ok, %" PRIu64 " tables, %" PRIu64
			     " rows, digest %s\n",
			     o->in_name, ntables, nrows, hex) < 0)
			goto out;
		if (o->format == CAT_SUMMARY &&
		    summary_objects(&b, stream_reader_objects(r), e) < 0)
			goto out;
		if (stream_reader_skipped_frames(r) &&
		    o->format == CAT_SUMMARY &&
		    buf_addf(&b, e, "skipped frames: %" PRIu64 "\n",
			     stream_reader_skipped_frames(r)) < 0)
			goto out;
	}
	if (out_write(out, &b, e) < 0)
		goto out;
	for (size_t i = 0; i < o->ntables; i++)
		if (!seen[i]) {
			err_set(e, ERR_USAGE, "table '%s' is not in the stream",
				o->tables[i]);
			goto out;
		}
	rc = 0;
out:
	if (rc < 0 && e->class == ERR_STREAM)
		err_prefix(e, "%s", o->in_name);
	free(seen);
	buf_release(&b);
	stream_reader_free(r);
	return rc;
}

int cat_encode(FILE *in, FILE *out, const char *schema_path,
	       const struct stream_writer_opts *wo, const char *in_name,
	       struct err *e)
{
	struct schema_table **tables = NULL;
	struct stream_writer *w = NULL;
	struct rowfmt_lines lines;
	struct json_node *tree = NULL;
	struct value *row = NULL;
	struct buf scratch;
	size_t ntables = 0, cur = 0, maxcols = 0;
	int begun = 0, rc = -1, lrc;

	rowfmt_lines_init(&lines, in, CAT_MAX_LINE);
	buf_init(&scratch, (size_t)CAT_MAX_LINE);
	if (schema_file_load(schema_path, &tables, &ntables, e) < 0)
		goto out;
	if (ntables == 0) {
		err_set(e, ERR_USAGE, "%s: no tables in the schema",
			schema_path);
		goto out;
	}
	for (size_t i = 0; i < ntables; i++) {
		if (tables[i]->ncols > maxcols)
			maxcols = tables[i]->ncols;
		for (size_t k = 0; k < i; k++)
			if (strcmp(tables[k]->name, tables[i]->name) == 0) {
				err_set(e, ERR_USAGE,
					"%s: table %s appears twice",
					schema_path, tables[i]->name);
				goto out;
			}
	}
	if (!(row = calloc(maxcols, sizeof(*row)))) {
		err_oom(e);
		goto out;
	}
	if (!(w = stream_writer_new(out, wo, e)))
		goto out;
	while ((lrc = rowfmt_lines_next(&lines, e)) == 1) {
		size_t which;
		const char *s = (const char *)lines.line.data;
		size_t len = lines.line.len;

		if (len && s[len - 1] == '\r')
			len--; /* CRLF line ends */
		if (len == 0)
			continue;
		if (rowfmt_parse_line(s, len, tables, ntables,
				      ntables == 1 ? 0 : -1, &which, row,
				      &scratch, &tree, e) < 0)
			goto line_fail;
		if (which < cur) {
			err_set(
			    e, ERR_STREAM,
			    "rows of table %s come after those of table %s: "
			    "tables must follow the schema's order",
			    tables[which]->name, tables[cur]->name);
			goto line_fail;
		}
		/* end the current table; schema tables with no lines are
		 * written as empty tables */
		while (cur < which) {
			if (!begun &&
			    stream_writer_begin_table(w, tables[cur], e) < 0)
				goto out;
			if (stream_writer_end_table(w, e) < 0)
				goto out;
			begun = 0;
			cur++;
		}
		if (!begun) {
			if (stream_writer_begin_table(w, tables[cur], e) < 0)
				goto out;
			begun = 1;
		}
		if (stream_writer_add_row(w, row, e) < 0)
			goto line_fail;
		json_free(tree);
		tree = NULL;
	}
	if (lrc < 0)
		goto line_fail_noprefix;
	for (; cur < ntables; cur++) {
		if (!begun && stream_writer_begin_table(w, tables[cur], e) < 0)
			goto out;
		if (stream_writer_end_table(w, e) < 0)
			goto out;
		begun = 0;
	}
	if (stream_writer_finish(w, e) < 0)
		goto out;
	rc = 0;
	goto out;
line_fail:
	if (e->class == ERR_STREAM)
		err_prefix(e, "%s: line %llu", in_name, lines.lineno);
	goto out;
line_fail_noprefix:
	if (e->class == ERR_STREAM)
		err_prefix(e, "%s", in_name);
out:
	json_free(tree);
	free(row);
	stream_writer_free(w);
	schema_tables_free(tables, ntables);
	buf_release(&scratch);
	rowfmt_lines_release(&lines);
	return rc;
}
