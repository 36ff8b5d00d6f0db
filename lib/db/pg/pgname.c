#include "db/pg/pgname.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/*
 * The core of the rule on name[0..len).  The cut backs off over UTF-8
 * continuation bytes (10xxxxxx) so that it falls before the lead byte of
 * the character it would split; a name that is not UTF-8 still gets a
 * cut of at least PGNAME_KEEP - 3 bytes, whatever its bytes.
 */
static int fit_len(const char *name, size_t len, char out[PGNAME_MAX + 1])
{
	uint64_t h;
	size_t cut = PGNAME_KEEP;

	if (len <= PGNAME_MAX) {
		memcpy(out, name, len);
		out[len] = '\0';
		return 0;
	}
	while (cut > PGNAME_KEEP - 3 &&
	       ((unsigned char)name[cut] & 0xC0) == 0x80)
		cut--;
	h = XXH3_64bits(name, len);
	memcpy(out, name, cut);
	snprintf(out + cut, PGNAME_MAX + 1 - cut, "_%08x", (unsigned)(h >> 32));
	return 1;
}

int pgname_fit(const char *name, char out[PGNAME_MAX + 1])
{
	return fit_len(name, strlen(name), out);
}

int pgname_fit_name(const char *name, char schema[PGNAME_MAX + 1],
		    char table[PGNAME_MAX + 1], struct err *e)
{
	char *sc = NULL, *tb = NULL;

	if (schema_name_parse(name, &sc, &tb, e) < 0)
		return -1;
	pgname_fit(sc ? sc : "public", schema);
	pgname_fit(tb, table);
	free(sc);
	free(tb);
	return 0;
}

int pgname_fit_table(struct buf *b, const char *name, struct err *e)
{
	const char *dot = strchr(name, '.');
	char part[PGNAME_MAX + 1];
	int changed = 0;

	if (dot) {
		changed |= fit_len(name, (size_t)(dot - name), part);
		if (buf_adds(b, part, e) < 0 || buf_addc(b, '.', e) < 0)
			return -1;
		name = dot + 1;
	}
	changed |= pgname_fit(name, part);
	if (buf_adds(b, part, e) < 0)
		return -1;
	return changed;
}

int pgname_same(const char *name, const char *pgname)
{
	char fit[PGNAME_MAX + 1];

	if (strcmp(name, pgname) == 0)
		return 1;
	return pgname_fit(name, fit) && strcmp(fit, pgname) == 0;
}

int pgname_same_table(const char *name, const char *pgname)
{
	const char *dot = strchr(name, '.'), *pdot = strchr(pgname, '.');
	char fit[PGNAME_MAX + 1];

	if (strcmp(name, pgname) == 0)
		return 1;
	if (!dot != !pdot)
		return 0;
	if (dot) {
		size_t pl = (size_t)(pdot - pgname);
		fit_len(name, (size_t)(dot - name), fit);
		if (strlen(fit) != pl || memcmp(fit, pgname, pl) != 0)
			return 0;
		name = dot + 1;
		pgname = pdot + 1;
	}
	return pgname_same(name, pgname);
}

int pgname_column_index(const struct schema_table *t, const char *pgname)
{
	int i = schema_column_index(t, pgname);

	if (i >= 0)
		return i;
	for (size_t k = 0; k < t->ncols; k++)
		if (pgname_same(t->cols[k].name, pgname))
			return (int)k;
	return -1;
}

void pgname_table_release(struct pgname_table *m)
{
	free(m->schema);
	free(m->tname);
	m->schema = m->tname = NULL;
	for (size_t i = 0; m->cols && i < m->ncols; i++)
		free(m->cols[i]);
	for (size_t i = 0; m->indexes && i < m->nindexes; i++)
		free(m->indexes[i]);
	for (size_t i = 0; m->enums && i < m->ncols; i++)
		free(m->enums[i]);
	free(m->enums);
	for (size_t i = 0; i < m->nrenamed; i++) {
		free(m->renamed[i].from);
		free(m->renamed[i].to);
	}
	free(m->cols);
	free(m->indexes);
	free(m->renamed);
	free(m->table);
	memset(m, 0, sizeof(*m));
}

static int add_renamed(struct pgname_table *m, const char *kind,
		       const char *from, const char *to, struct err *e)
{
	struct name_rename *r =
	    realloc(m->renamed, (m->nrenamed + 1) * sizeof(*r));

	if (!r)
		return err_oom(e);
	m->renamed = r;
	r = &m->renamed[m->nrenamed];
	r->kind = kind;
	r->from = strdup(from);
	r->to = strdup(to);
	if (!r->from || !r->to) {
		free(r->from);
		free(r->to);
		return err_oom(e);
	}
	m->nrenamed++;
	return 0;
}

/*
 * Two of names[0..n) (whose own names are from[]) that are one in
 * PostgreSQL: refused, naming both.  Only a changed name can meet
 * another (the stream's names differ), so only those are compared
 * with all.
 */
static int refuse_same(const char *what, char *const *names,
		       const char *const *from, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], from[i]) == 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			char qa[300], qb[300], qc[100];
			if (k == i || strcmp(names[i], names[k]) != 0)
				continue;
			return err_set(
			    e, ERR_USAGE,
			    "%s '%s' and '%s' are both '%s' in PostgreSQL, "
			    "which keeps %d bytes of a name (rename one)",
			    what,
			    err_quote(qa, sizeof(qa), from[i < k ? i : k],
				      strlen(from[i < k ? i : k]), 256),
			    err_quote(qb, sizeof(qb), from[i < k ? k : i],
				      strlen(from[i < k ? k : i]), 256),
			    err_quote(qc, sizeof(qc), names[i],
				      strlen(names[i]), 64),
			    PGNAME_MAX);
		}
	}
	return 0;
}

int pgname_table_init(struct pgname_table *m, const struct schema_table *t,
		      const char *target, struct err *e)
{
	struct buf b;
	const char **from = NULL;
	char fit[PGNAME_MAX + 1];
	int rc = -1, changed;

	memset(m, 0, sizeof(*m));
	buf_init(&b, 1u << 12);
	if ((changed = pgname_fit_table(&b, target, e)) < 0)
		goto out;
	if (!(m->table = strdup((char *)b.data)))
		goto oom;
	if (changed && add_renamed(m, "table", target, m->table, e) < 0)
		goto out;
	{
		char *sc = NULL, *tb = NULL;
		if (schema_name_parse(target, &sc, &tb, e) < 0)
			goto out;
		if (sc) {
			pgname_fit(sc, fit);
			free(sc);
			if (!(m->schema = strdup(fit))) {
				free(tb);
				goto oom;
			}
		}
		pgname_fit(tb, fit);
		free(tb);
		if (!(m->tname = strdup(fit)))
			goto oom;
	}
	if (!(m->cols = calloc(t->ncols + 1, sizeof(*m->cols))) ||
	    !(from = calloc(t->ncols + 1, sizeof(*from))))
		goto oom;
	m->ncols = t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		changed = pgname_fit(t->cols[i].name, fit);
		from[i] = t->cols[i].name;
		if (!(m->cols[i] = strdup(fit)))
			goto oom;
		if (changed &&
		    add_renamed(m, "column", t->cols[i].name, fit, e) < 0)
			goto out;
	}
	rc = refuse_same("columns", m->cols, from, m->ncols, e);
	goto out;
oom:
	err_oom(e);
out:
	free(from);
	buf_release(&b);
	if (rc < 0)
		pgname_table_release(m);
	return rc;
}

int pgname_table_indexes(struct pgname_table *m, const struct schema_table *t,
			 const char *target, struct err *e)
{
	const char *tn = strrchr(target, '.');
	char **full = NULL;
	struct buf nm;
	size_t tl;
	int rc = -1;
	/* a PostgreSQL source's own names, unique in its schema, are kept
	 * for a table loaded under its own name: prefixing them could meet
	 * another of its names ("medium_address" made
	 * "user_threepids_medium_address", which the schema also has) */
	int keep = t->source && strncmp(t->source, "postgres", 8) == 0 &&
		   strcmp(target, t->name) == 0;
	/* the plain indexes, then those on expressions */
	size_t nall = t->nindexes + t->nxindexes;

	tn = tn ? tn + 1 : target;
	tl = strlen(tn);
	buf_init(&nm, 1u << 16);
	for (size_t i = 0; m->indexes && i < m->nindexes; i++)
		free(m->indexes[i]);
	free(m->indexes);
	m->nindexes = 0;
	if (!(m->indexes = calloc(nall + 1, sizeof(*m->indexes))) ||
	    !(full = calloc(nall + 1, sizeof(*full))))
		goto oom;
	for (size_t x = 0; x < nall; x++) {
		const char *ix = x < t->nindexes
				     ? t->indexes[x].name
				     : t->xindexes[x - t->nindexes].name;
		char fit[PGNAME_MAX + 1];
		int changed;

		/* PostgreSQL's index names are per schema, MySQL's per
		 * table: a name that does not start with the table's gets it
		 * in front ("messages_idx_sender") */
		buf_reset(&nm);
		if (!keep && !(strncmp(ix, tn, tl) == 0 && ix[tl] == '_') &&
		    (buf_adds(&nm, tn, e) < 0 || buf_addc(&nm, '_', e) < 0))
			goto out;
		if (buf_adds(&nm, ix, e) < 0)
			goto out;
		changed = pgname_fit((char *)nm.data, fit);
		if (!(full[x] = strdup((char *)nm.data)) ||
		    !(m->indexes[x] = strdup(fit)))
			goto oom;
		m->nindexes++;
		if (changed && add_renamed(m, "index", full[x], fit, e) < 0)
			goto out;
	}
	rc = refuse_same("indexes", m->indexes, (const char *const *)full,
			 m->nindexes, e);
	goto out;
oom:
	err_oom(e);
out:
	for (size_t x = 0; full && x < nall; x++)
		free(full[x]);
	free(full);
	buf_release(&nm);
	return rc;
}

int pgname_enum_labels_ok(char *const *labels, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strlen(labels[i]) > PGNAME_MAX)
			return 0;
		for (size_t k = 0; k < i; k++)
			if (strcmp(labels[i], labels[k]) == 0)
				return 0;
	}
	return 1;
}

/* The last part of format_type's text of a type ("mood", "app.mood",
 * "\"Mood\"", "app.\"My \"\"x\"\"\"") unquoted into b. */
static int type_last_part(const char *ft, struct buf *b, struct err *e)
{
	const char *p = ft, *start = ft;
	int q = 0;

	for (; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == '.' && !q)
			start = p + 1;
	}
	buf_reset(b);
	if (*start != '"')
		return buf_adds(b, start, e);
	for (p = start + 1; *p; p++) {
		if (*p == '"' && p[1] == '"')
			p++;
		else if (*p == '"')
			break;
		if (buf_addc(b, *p, e) < 0)
			return -1;
	}
	return 0;
}

int pgname_table_enums(struct pgname_table *m, const struct schema_table *t,
		       struct err *e)
{
	int pg = t->source && strncmp(t->source, "postgres", 8) == 0;
	struct buf nm;
	int rc = -1;

	for (size_t i = 0; m->enums && i < m->ncols; i++)
		free(m->enums[i]);
	free(m->enums);
	if (!(m->enums = calloc(t->ncols + 1, sizeof(*m->enums))))
		return err_oom(e);
	buf_init(&nm, 1u << 16);
	for (size_t i = 0; i < t->ncols && i < m->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		char fit[PGNAME_MAX + 1];

		size_t nl;
		char *const *labels = schema_enum_labels(c, &nl);

		/* an enum column, or (1.8) an array of an enum */
		if ((c->type != VALUE_ENUM && !c->nelabels) ||
		    !pgname_enum_labels_ok(labels, nl))
			continue;
		if (pg && c->source_type && *c->source_type) {
			char *st = strdup(c->source_type);
			size_t sl = st ? strlen(st) : 0;
			if (!st) {
				err_oom(e);
				goto out;
			}
			if (c->nelabels && sl > 2 &&
			    strcmp(st + sl - 2, "[]") == 0)
				st[sl - 2] = 0;
			rc = type_last_part(st, &nm, e);
			free(st);
			if (rc < 0)
				goto out;
			rc = -1;
		} else {
			buf_reset(&nm);
			if (buf_adds(&nm, m->tname, e) < 0 ||
			    buf_addc(&nm, '_', e) < 0 ||
			    buf_adds(&nm, m->cols[i], e) < 0)
				goto out;
		}
		if (!nm.len)
			continue;
		pgname_fit((const char *)nm.data, fit);
		if (!(m->enums[i] = strdup(fit))) {
			err_oom(e);
			goto out;
		}
	}
	rc = 0;
out:
	buf_release(&nm);
	return rc;
}

void pgname_enum_next(const char *base, unsigned k, char out[PGNAME_MAX + 1])
{
	char name[PGNAME_MAX + 16];

	snprintf(name, sizeof(name), "%s_%u", base, k);
	pgname_fit(name, out);
}

int pgname_run_add(struct pgname_run *r, const char *name, const char *pgname,
		   struct err *e)
{
	char **f, **t;

	for (size_t i = 0; i < r->n; i++) {
		char qa[300], qb[300];
		if (strcmp(r->to[i], pgname) != 0)
			continue;
		if (strcmp(r->from[i], name) == 0)
			return 0;
		return err_set(
		    e, ERR_USAGE,
		    "tables '%s' and '%s' are both '%s' in "
		    "PostgreSQL, which keeps %d bytes of a name "
		    "(rename one)",
		    err_quote(qa, sizeof(qa), r->from[i], strlen(r->from[i]),
			      256),
		    err_quote(qb, sizeof(qb), name, strlen(name), 256), pgname,
		    PGNAME_MAX);
	}
	if (!(f = realloc(r->from, (r->n + 1) * sizeof(*f))))
		return err_oom(e);
	r->from = f;
	if (!(t = realloc(r->to, (r->n + 1) * sizeof(*t))))
		return err_oom(e);
	r->to = t;
	if (!(f[r->n] = strdup(name)))
		return err_oom(e);
	if (!(t[r->n] = strdup(pgname))) {
		free(f[r->n]);
		return err_oom(e);
	}
	r->n++;
	return 0;
}

void pgname_run_release(struct pgname_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->from[i]);
		free(r->to[i]);
	}
	free(r->from);
	free(r->to);
	memset(r, 0, sizeof(*r));
}
