#include "stream/rowfmt.h"

#include <errno.h>
#include <string.h>

static int tsv_escape_from(struct buf *out, size_t start, struct err *e);

int rowfmt_header(struct buf *out, enum rowfmt_kind k,
		  const struct schema_table *t, struct err *e)
{
	struct value v;

	if (k == ROWFMT_JSONL)
		return 0;
	v.null = false;
	for (size_t i = 0; i < t->ncols; i++) {
		if (i && buf_addc(out, k == ROWFMT_CSV ? ',' : '\t', e) < 0)
			return -1;
		v.v.s.p = t->cols[i].name;
		v.v.s.len = strlen(t->cols[i].name);
		if (k == ROWFMT_CSV) {
			if (buf_addc(out, '"', e) < 0)
				return -1;
			for (size_t j = 0; j < v.v.s.len; j++)
				if ((v.v.s.p[j] == '"' &&
				     buf_addc(out, '"', e) < 0) ||
				    buf_addc(out, (unsigned char)v.v.s.p[j],
					     e) < 0)
					return -1;
			if (buf_addc(out, '"', e) < 0)
				return -1;
		} else {
			/* a name with a tab or newline must not make
			 * columns or rows of its own */
			size_t start = out->len;
			if (buf_add(out, v.v.s.p, v.v.s.len, e) < 0 ||
			    tsv_escape_from(out, start, e) < 0)
				return -1;
		}
	}
	return buf_addc(out, '\n', e);
}

/* Quote the text form at out[start..] for CSV, in place, when needed. */
static int csv_quote_from(struct buf *out, size_t start, int is_empty_value,
			  struct err *e)
{
	size_t len = out->len - start, quotes = 0, i, o;
	int need = is_empty_value;

	for (i = start; i < out->len; i++) {
		unsigned char c = out->data[i];
		if (c == '"')
			quotes++;
		if (c == '"' || c == ',' || c == '\n' || c == '\r')
			need = 1;
	}
	if (!need)
		return 0;
	if (buf_reserve(out, quotes + 2, e) < 0)
		return -1;
	/* shift right from the end, doubling quotes */
	o = start + len + quotes + 2;
	out->data[o] = '\0';
	out->data[--o] = '"';
	for (i = start + len; i-- > start;) {
		out->data[--o] = out->data[i];
		if (out->data[i] == '"')
			out->data[--o] = '"';
	}
	out->data[--o] = '"';
	out->len = start + len + quotes + 2;
	return 0;
}

/* Escape out[start..] for PostgreSQL COPY text format, in place. */
static int tsv_escape_from(struct buf *out, size_t start, struct err *e)
{
	size_t len = out->len - start, extra = 0, i, o;

	for (i = start; i < out->len; i++) {
		unsigned char c = out->data[i];
		if (c == '\\' || c == '\t' || c == '\n' || c == '\r')
			extra++;
	}
	if (!extra)
		return 0;
	if (buf_reserve(out, extra, e) < 0)
		return -1;
	o = start + len + extra;
	out->data[o] = '\0';
	for (i = start + len; i-- > start;) {
		unsigned char c = out->data[i];
		switch (c) {
		case '\\': out->data[--o] = '\\'; break;
		case '\t': out->data[--o] = 't'; break;
		case '\n': out->data[--o] = 'n'; break;
		case '\r': out->data[--o] = 'r'; break;
		default: out->data[--o] = c; continue;
		}
		out->data[--o] = '\\';
	}
	out->len = start + len + extra;
	return 0;
}

/* a large value goes out in slices of this many of its bytes */
#define ROWFMT_SLICE (1u << 20)

/* Is v a large text or bytes value (value.h's VALUE_CANON_BIG) that a
 * caller with a flush function gets in slices, never formatted whole? */
static int sliced(enum value_type t, const struct value *v)
{
	return !v->null &&
	       (t == VALUE_TEXT || t == VALUE_ENUM || t == VALUE_JSON ||
		t == VALUE_BYTES) &&
	       v->v.s.len >= VALUE_CANON_BIG;
}

/*
 * Write a large value through flush, a slice at a time: the line so far,
 * then each slice's formatted text, so that the formatted value (twice the
 * value as hex) is never held whole.  Every encoding here works byte by
 * byte, so a slice may end anywhere; CSV's quoting is decided first by a
 * look over the whole value.
 */
static int row_sliced(struct buf *out, enum rowfmt_kind k, enum value_type t,
		      const struct value *v, const struct rowfmt_flush *fl,
		      struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = v->v.s.p;
	size_t len = v->v.s.len;
	int quote = 0;

	if (k == ROWFMT_JSONL ||
	    (k == ROWFMT_CSV && t != VALUE_BYTES &&
	     (memchr(p, '"', len) || memchr(p, ',', len) ||
	      memchr(p, '\n', len) || memchr(p, '\r', len))))
		quote = 1;
	if (quote && buf_addc(out, '"', e) < 0)
		return -1;
	if (t == VALUE_BYTES &&
	    buf_adds(out, k == ROWFMT_CSV ? "\\x" : "\\\\x", e) < 0)
		return -1;
	while (len) {
		size_t n = len < ROWFMT_SLICE ? len : ROWFMT_SLICE, start;

		if (fl->fn(fl->ctx, out, e) < 0)
			return -1;
		start = out->len;
		if (t == VALUE_BYTES) {
			unsigned char *o;
			if (buf_reserve(out, 2 * n, e) < 0)
				return -1;
			o = out->data + out->len;
			for (size_t i = 0; i < n; i++) {
				*o++ = (unsigned char)
				    hex[(unsigned char)p[i] >> 4];
				*o++ = (unsigned char)
				    hex[(unsigned char)p[i] & 15];
			}
			out->len += 2 * n;
			out->data[out->len] = '\0';
		} else if (k == ROWFMT_JSONL) {
			if (json_add_string_body(out, p, n, e) < 0)
				return -1;
		} else if (k == ROWFMT_CSV) {
			size_t run = 0;
			for (size_t i = 0; i < n; i++) {
				if (p[i] != '"')
					continue;
				/* a quote doubled */
				if (buf_add(out, p + run, i + 1 - run, e) < 0 ||
				    buf_addc(out, '"', e) < 0)
					return -1;
				run = i + 1;
			}
			if (buf_add(out, p + run, n - run, e) < 0)
				return -1;
		} else if (buf_add(out, p, n, e) < 0 ||
			   tsv_escape_from(out, start, e) < 0) {
			return -1;
		}
		p += n;
		len -= n;
	}
	if (quote && buf_addc(out, '"', e) < 0)
		return -1;
	return 0;
}

int rowfmt_row(struct buf *out, enum rowfmt_kind k,
	       const struct schema_table *t, const struct value *row,
	       struct err *e)
{
	return rowfmt_row_to(out, k, t, row, NULL, e);
}

int rowfmt_row_to(struct buf *out, enum rowfmt_kind k,
		  const struct schema_table *t, const struct value *row,
		  const struct rowfmt_flush *fl, struct err *e)
{
	if (k == ROWFMT_JSONL) {
		if (buf_adds(out, "{\"table\":", e) < 0 ||
		    json_add_string(out, t->name, strlen(t->name), e) < 0 ||
		    buf_adds(out, ",\"row\":{", e) < 0)
			return -1;
		for (size_t i = 0; i < t->ncols; i++) {
			if (i && buf_addc(out, ',', e) < 0)
				return -1;
			if (json_add_string(out, t->cols[i].name,
					    strlen(t->cols[i].name), e) < 0 ||
			    buf_addc(out, ':', e) < 0)
				return -1;
			if (row[i].null) {
				if (buf_adds(out, "null", e) < 0)
					return -1;
			} else if (fl && sliced(t->cols[i].type, &row[i])) {
				if (row_sliced(out, k, t->cols[i].type, &row[i],
					       fl, e) < 0)
					return -1;
			} else if (value_format(out, t->cols[i].type, &row[i],
						VALUE_STYLE_JSON, e) < 0) {
				return -1;
			}
		}
		return buf_adds(out, "}}\n", e);
	}
	for (size_t i = 0; i < t->ncols; i++) {
		size_t start;

		if (i && buf_addc(out, k == ROWFMT_CSV ? ',' : '\t', e) < 0)
			return -1;
		if (row[i].null) {
			if (k == ROWFMT_TSV && buf_adds(out, "\\N", e) < 0)
				return -1;
			continue;
		}
		if (fl && sliced(t->cols[i].type, &row[i])) {
			if (row_sliced(out, k, t->cols[i].type, &row[i], fl,
				       e) < 0)
				return -1;
			continue;
		}
		start = out->len;
		if (value_format(out, t->cols[i].type, &row[i],
				 VALUE_STYLE_TEXT, e) < 0)
			return -1;
		if (k == ROWFMT_CSV) {
			if (csv_quote_from(out, start, out->len == start, e) <
			    0)
				return -1;
		} else if (tsv_escape_from(out, start, e) < 0) {
			return -1;
		}
	}
	return buf_addc(out, '\n', e);
}

/* One JSON member into a value of column c. */
static int value_from_json(const struct json_node *n,
			   const struct schema_column *c, struct buf *scratch,
			   struct value *v, struct err *e)
{
	enum value_type t = c->type;

	v->null = false;
	if (n->kind == JSON_NULL) {
		v->null = true;
		return 0;
	}
	if (t == VALUE_JSON) {
		/* a string holds the JSON text (as ferry-cat writes it);
		 * any other JSON value is taken as written */
		if (n->kind == JSON_STRING) {
			v->v.s.p = n->str;
			v->v.s.len = n->len;
		} else {
			v->v.s.p = n->raw;
			v->v.s.len = n->rawlen;
		}
		return 0;
	}
	switch (n->kind) {
	case JSON_TRUE:
	case JSON_FALSE:
		if (t != VALUE_BOOL)
			return err_set(e, ERR_STREAM,
				       "true/false for a column of type %s",
				       value_type_name(t));
		v->v.b = n->kind == JSON_TRUE;
		return 0;
	case JSON_NUMBER:
		if (t != VALUE_INT64 && t != VALUE_UINT64 &&
		    t != VALUE_FLOAT64 && t != VALUE_DECIMAL && t != VALUE_BOOL)
			return err_set(e, ERR_STREAM,
				       "a number for a column of type %s",
				       value_type_name(t));
		/* numbers are parsed from their exact text */
		return value_parse(t, n->str, n->len, scratch, v, e);
	case JSON_STRING: return value_parse(t, n->str, n->len, scratch, v, e);
	default:
		return err_set(e, ERR_STREAM,
			       "a JSON %s for a column of type %s",
			       n->kind == JSON_ARRAY ? "array" : "object",
			       value_type_name(t));
	}
}

static int is_wrapper(const struct json_node *n)
{
	const struct json_node *tn = json_get(n, "table");
	const struct json_node *rn = json_get(n, "row");

	return n->n == 2 && tn && tn->kind == JSON_STRING && rn &&
	       rn->kind == JSON_OBJECT;
}

int rowfmt_parse_line(const char *line, size_t len,
		      struct schema_table *const *tables, size_t ntables,
		      int only, size_t *which, struct value *row,
		      struct buf *scratch, struct json_node **tree,
		      struct err *e)
{
	const struct json_node *obj;
	const struct schema_table *t = NULL;
	char q[96];
	size_t i;

	*tree = json_parse(line, len, e);
	if (!*tree)
		return -1;
	if ((*tree)->kind != JSON_OBJECT)
		return err_set(e, ERR_STREAM, "a line must be a JSON object");
	if (is_wrapper(*tree)) {
		const struct json_node *tn = json_get(*tree, "table");
		for (i = 0; i < ntables; i++)
			if (strlen(tables[i]->name) == tn->len &&
			    memcmp(tables[i]->name, tn->str, tn->len) == 0)
				break;
		if (i == ntables)
			return err_set(
			    e, ERR_STREAM, "table '%s' is not in the schema",
			    err_quote(q, sizeof(q), tn->str, tn->len, 60));
		obj = json_get(*tree, "row");
	} else {
		if (only < 0)
			return err_set(
			    e, ERR_STREAM,
			    "a line must be {\"table\": NAME, \"row\": {...}} "
			    "when the schema has several tables");
		i = (size_t)only;
		obj = *tree;
	}
	t = tables[i];
	*which = i;
	buf_reset(scratch);
	/* decoded bytes are shorter than the line: no move while filling */
	if (buf_reserve(scratch, len, e) < 0)
		return -1;
	for (size_t m = 0; m < obj->n; m++) {
		int idx = -1;
		for (size_t k = 0; k < t->ncols; k++)
			if (strlen(t->cols[k].name) == obj->keylens[m] &&
			    memcmp(t->cols[k].name, obj->keys[m],
				   obj->keylens[m]) == 0)
				idx = (int)k;
		if (idx < 0)
			return err_set(e, ERR_STREAM,
				       "table %s: no column '%s'", t->name,
				       err_quote(q, sizeof(q), obj->keys[m],
						 obj->keylens[m], 60));
	}
	for (size_t k = 0; k < t->ncols; k++) {
		const struct json_node *n = json_get(obj, t->cols[k].name);
		if (!n)
			return err_set(e, ERR_STREAM,
				       "table %s, column %s: missing", t->name,
				       t->cols[k].name);
		if (value_from_json(n, &t->cols[k], scratch, &row[k], e) < 0)
			return err_prefix(e, "table %s, column %s", t->name,
					  t->cols[k].name);
	}
	return 0;
}

void rowfmt_lines_init(struct rowfmt_lines *l, FILE *in, size_t max_line)
{
	l->in = in;
	buf_init(&l->block, 1u << 20);
	buf_init(&l->line, max_line);
	l->pos = 0;
	l->eof = 0;
	l->lineno = 0;
}

void rowfmt_lines_release(struct rowfmt_lines *l)
{
	buf_release(&l->block);
	buf_release(&l->line);
}

int rowfmt_lines_next(struct rowfmt_lines *l, struct err *e)
{
	buf_reset(&l->line);
	for (;;) {
		unsigned char *nl;
		size_t avail = l->block.len - l->pos, got;

		if (avail) {
			nl = memchr(l->block.data + l->pos, '\n', avail);
			if (nl) {
				size_t n =
				    (size_t)(nl - (l->block.data + l->pos));
				if (buf_add(&l->line, l->block.data + l->pos, n,
					    e) < 0)
					goto too_long;
				l->pos += n + 1;
				l->lineno++;
				return 1;
			}
			if (buf_add(&l->line, l->block.data + l->pos, avail,
				    e) < 0)
				goto too_long;
		}
		l->pos = 0;
		buf_reset(&l->block);
		if (l->eof)
			break;
		if (buf_reserve(&l->block, 1u << 20, e) < 0)
			return -1;
		got = fread(l->block.data, 1, 1u << 20, l->in);
		l->block.len = got;
		if (got < (1u << 20)) {
			if (ferror(l->in))
				return err_set(e, ERR_SYSTEM, "read error: %s",
					       strerror(errno));
			l->eof = 1;
		}
	}
	if (l->line.len) {
		l->lineno++;
		return 1;
	}
	return 0;
too_long:
	if (e->class == ERR_SYSTEM)
		return -1;
	return err_set(e, ERR_STREAM,
		       "line %llu is longer than the limit of %zu bytes",
		       l->lineno + 1, l->line.max);
}
