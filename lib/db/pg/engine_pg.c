/* PostgreSQL as ferry's stages see it (db/engine.h) */
#include "db/engine_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/pg/pgname.h"
#include "db/pg/sink_pg.h"

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* text PostgreSQL types ferry carries as text of its own */
static int foreign_text(const char *st)
{
	return *st && strcmp(st, "text") != 0 && strcmp(st, "name") != 0 &&
	       strcmp(st, "citext") != 0 && !starts(st, "character");
}

static void *run_new(struct err *e)
{
	struct pgname_run *r = calloc(1, sizeof(*r));

	if (!r)
		err_oom(e);
	return r;
}

static void run_free(void *run)
{
	pgname_run_release(run);
	free(run);
}

static void names_release(struct engine_names *n)
{
	if (n->impl)
		pgname_table_release(n->impl);
	free(n->impl);
}

/* the names pgname.h gives: the table's fitted, then the columns' and,
 * for a table --create makes, the indexes' */
static int names(void *run, const struct schema_table *t, const char *name,
		 int (*exists)(const char *, void *), void *ctx, int create,
		 struct engine_names *n, struct err *why, int *nwhy,
		 struct err *e)
{
	struct pgname_table *pn = calloc(1, sizeof(*pn));
	struct buf b;
	int rc = -1, first = *nwhy;

	if (!pn)
		return err_oom(e);
	n->impl = pn;
	n->ncols = t->ncols;
	buf_init(&b, 1u << 12);
	if (pgname_fit_table(&b, name, e) < 0)
		goto out;
	if (!(n->table = strdup((const char *)b.data))) {
		err_oom(e);
		goto out;
	}
	if (pgname_run_add(run, name, n->table, &why[*nwhy]) < 0)
		(*nwhy)++;
	if (pgname_table_init(pn, t, name, &why[*nwhy]) < 0)
		(*nwhy)++;
	else if (create && !exists(n->table, ctx) &&
		 pgname_table_indexes(pn, t, name, &why[*nwhy]) < 0)
		(*nwhy)++;
	if (create && pn->table && pgname_table_enums(pn, t, e) < 0)
		goto out;
	for (int k = first; k < *nwhy; k++)
		if (why[k].class != ERR_USAGE) {
			*e = why[k];
			goto out;
		}
	if (pn->table) {
		n->cols = pn->cols;
		n->renamed = pn->renamed;
		n->nrenamed = pn->nrenamed;
	}
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

static int create_refusal(const struct schema_table *t,
			  const struct engine_names *n, unsigned flags,
			  const struct schema_objects *seqs,
			  struct create_notes *notes, struct err *why)
{
	const struct pgname_table *given = n->impl;
	struct pgname_table pn;
	struct buf ddl;
	int rc;

	/* names that collide are reported already */
	if (!given || !given->table)
		return 0;
	/* the free sequences a load makes first: their nextval defaults */
	pn = *given;
	pn.sequences = seqs;
	buf_init(&ddl, 1u << 24);
	rc = sink_pg_ddl_table(
	    t, &pn,
	    (flags & ENGINE_CREATE_CASE_SENSITIVE ? 0 : PG_DDL_CI) |
		(flags & ENGINE_CREATE_CITEXT ? PG_DDL_CITEXT : 0) |
		PG_DDL_DOMAINS |
		(flags & ENGINE_CREATE_POSTGIS ? PG_DDL_POSTGIS : 0) |
		(flags & ENGINE_CREATE_ENUM_CHECK ? PG_DDL_ENUM_CHECK : 0),
	    &ddl, notes, why);
	buf_release(&ddl);
	return rc;
}

static const struct engine_impl impl = {
	.id = URI_PG,
	.run_new = run_new,
	.run_free = run_free,
	.names = names,
	.names_release = names_release,
	.create_refusal = create_refusal,
};

const struct engine engine_pg = {
	.name = "postgresql",
	.title = "PostgreSQL",
	.names_nocase = 0,
	.text_refuses_nul = 1,
	.bytes_text_hex = 1,
	.unsigned_ints = 0,
	.bool_stores_numbers = 0,
	.key_weights = 0, /* nondeterministic collations: not told */
	.bool_risk = { NULL, NULL },
	.timestamp_risk = "timestamp without time zone: say the zone it was "
			  "written in (spec: zone) to make it timestamptz",
	.foreign_text = foreign_text,
	.impl = &impl,
};
