#include "stage/inventory.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "db/engine.h"
#include "db/follow.h"

/*
 * The report is built as JSON first; the text is written from the JSON,
 * so the two never say different things.
 */

static int excluded(const struct inventory_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nexcludes; i++)
		if (fnmatch(o->excludes[i], name, 0) == 0)
			return 1;
	return 0;
}

/* --- rates ------------------------------------------------------------------
 */

struct rates {
	struct json_node *stats; /* the --rate-from file */
	double total; /* rows per second over the whole run, or --rate */
};

static int rates_load(struct rates *r, const struct inventory_opts *o,
		      struct err *e)
{
	FILE *f;
	struct buf b;
	char chunk[65536];
	size_t n;
	const struct json_node *secs, *tabs;
	struct err je;
	double rows = 0, seconds;

	memset(r, 0, sizeof(*r));
	r->total = o->rate;
	if (!o->rate_from)
		return 0;
	if (!(f = fopen(o->rate_from, "r")))
		return err_set(e, ERR_USAGE, "--rate-from %s: %s", o->rate_from,
			       strerror(errno));
	buf_init(&b, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n, e) < 0) {
			fclose(f);
			buf_release(&b);
			return err_prefix(e, "--rate-from %s", o->rate_from);
		}
	fclose(f);
	err_init(&je);
	r->stats = json_parse(b.data ? (char *)b.data : "", b.len, &je);
	buf_release(&b);
	secs = json_get(r->stats, "seconds"); /* NULL: not an object */
	tabs = json_get(r->stats, "tables");
	if (!secs || secs->kind != JSON_NUMBER || !tabs ||
	    tabs->kind != JSON_ARRAY)
		return err_set(e, ERR_USAGE,
			       "--rate-from %s: not the --stats file of "
			       "ferry-extract or ferry-load (no seconds and "
			       "tables)",
			       o->rate_from);
	for (size_t i = 0; i < tabs->n; i++) {
		const struct json_node *rw = json_get(&tabs->kids[i], "rows");
		if (rw && rw->kind == JSON_NUMBER)
			rows += strtod(rw->str, NULL);
	}
	seconds = strtod(secs->str, NULL);
	if (seconds > 0 && rows > 0)
		r->total = rows / seconds;
	return 0;
}

/* the rate for table `name`: its own in the stats file, else the total */
static double rates_for(const struct rates *r, const char *name)
{
	const struct json_node *tabs = json_get(r->stats, "tables");

	for (size_t i = 0; tabs && i < tabs->n; i++) {
		const struct json_node *n = json_get(&tabs->kids[i], "table");
		const struct json_node *v =
		    json_get(&tabs->kids[i], "rows_per_second");
		double rate;
		if (!n || n->kind != JSON_STRING || strcmp(n->str, name) != 0 ||
		    !v || v->kind != JSON_NUMBER)
			continue;
		if ((rate = strtod(v->str, NULL)) > 0)
			return rate;
	}
	return r->total;
}

/* --- risks ------------------------------------------------------------------
 */

static int add_risk(cJSON *risks, const char *column, const char *kind,
		    const char *detail, int64_t count, struct err *e)
{
	cJSON *r = cJSON_CreateObject();

	if (!r || !cJSON_AddItemToArray(risks, r) ||
	    !(column ? cJSON_AddStringToObject(r, "column", column)
		     : cJSON_AddNullToObject(r, "column")) ||
	    !cJSON_AddStringToObject(r, "kind", kind) ||
	    !cJSON_AddStringToObject(r, "detail", detail) ||
	    (count >= 0 && !cJSON_AddNumberToObject(r, "count", (double)count)))
		return err_oom(e);
	return 0;
}

/* the columns of t whose mapping needs a decision, in column order */
static int column_risks(cJSON *risks, const struct schema_table *t,
			const struct source_facts *f,
			const struct source_server *sv, const struct engine *en,
			struct err *e)
{
	if (!t->npk &&
	    add_risk(risks, NULL, "no_primary_key",
		     "no primary key: no --order pk, --part, --job resume, "
		     "upsert or row-by-row verify; duplicates go unnoticed",
		     -1, e) < 0)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		const char *st = c->source_type ? c->source_type : "";
		const char *cs = f->charsets ? f->charsets[i] : NULL;
		int64_t odd = f->odd ? f->odd[i] : -1;

		if (c->refused) {
			if (add_risk(risks, c->name, "refused", c->refused, -1,
				     e) < 0)
				return -1;
			continue;
		}
		if (en->bool_risk.kind && c->type == VALUE_BOOL &&
		    add_risk(risks, c->name, en->bool_risk.kind,
			     en->bool_risk.detail, odd, e) < 0)
			return -1;
		if ((c->type == VALUE_DATE || c->type == VALUE_TIMESTAMP ||
		     c->type == VALUE_TIMESTAMPTZ) &&
		    sv->zero_dates_allowed &&
		    add_risk(risks, c->name, "zero_dates",
			     "the server's sql_mode lets zero dates in: "
			     "'0000-00-00' becomes NULL (counted) or, with "
			     "--zero-dates error, stops the extract",
			     odd, e) < 0)
			return -1;
		if (c->type == VALUE_TIMESTAMP &&
		    add_risk(risks, c->name, "datetime_zone",
			     en->timestamp_risk, -1, e) < 0)
			return -1;
		if (c->type == VALUE_ENUM &&
		    add_risk(risks, c->name, "enum",
			     "ENUM: the target needs every label (--create "
			     "makes an enum type of them, or a CHECK with "
			     "--enum-types check); a "
			     "target column with fewer labels refuses rows",
			     -1, e) < 0)
			return -1;
		if (strstr(st, "unsigned") &&
		    add_risk(risks, c->name, "unsigned",
			     c->type == VALUE_UINT64
				 ? "BIGINT UNSIGNED: values past "
				   "9223372036854775807 do not fit a bigint "
				   "(--create makes numeric(20,0))"
				 : "unsigned: the target type must hold the "
				   "upper half of the range",
			     -1, e) < 0)
			return -1;
		if (cs &&
		    (strcmp(cs, "utf8mb3") == 0 || strcmp(cs, "utf8") == 0) &&
		    add_risk(risks, c->name, "utf8mb3",
			     "utf8mb3: no 4-byte characters at the source; "
			     "the target (utf8mb4, PostgreSQL UTF8) takes "
			     "more, and compares and sorts differently",
			     -1, e) < 0)
			return -1;
		if (cs && c->type == VALUE_TEXT && strcmp(cs, "utf8mb3") != 0 &&
		    strcmp(cs, "utf8") != 0 && strcmp(cs, "utf8mb4") != 0 &&
		    add_risk(risks, c->name, "charset",
			     "not a UTF-8 column: the server converts it to "
			     "UTF-8 on the way out; bytes written through a "
			     "wrong connection character set stay garbled",
			     -1, e) < 0)
			return -1;
		if (c->type == VALUE_JSON &&
		    add_risk(risks, c->name, "json",
			     "JSON: jsonb keeps no key order, duplicate keys "
			     "or number spelling; the digest compares it in "
			     "canonical form",
			     -1, e) < 0)
			return -1;
		if (c->type == VALUE_BYTES &&
		    add_risk(risks, c->name, "blob",
			     "binary: bytea on PostgreSQL; a target text "
			     "column takes only valid UTF-8",
			     -1, e) < 0)
			return -1;
		if (c->type == VALUE_TEXT && en->foreign_text &&
		    en->foreign_text(st) &&
		    add_risk(risks, c->name, "as_text",
			     "a type outside ferry's set: travels as its "
			     "canonical text; into MySQL it becomes text",
			     -1, e) < 0)
			return -1;
	}
	return 0;
}

/* --- rows per day ------------------------------------------------------------
 */

static int add_day(void *ctx, const char *day, uint64_t rows, struct err *e)
{
	cJSON *d = cJSON_CreateObject();

	if (!d || !cJSON_AddItemToArray(ctx, d) ||
	    !cJSON_AddStringToObject(d, "day", day) ||
	    !cJSON_AddNumberToObject(d, "rows", (double)rows))
		return err_oom(e);
	return 0;
}

static int per_day(struct source *src, const struct schema_table *t,
		   const char *colname, cJSON *to, struct err *e)
{
	int col = schema_column_index(t, colname);
	const struct schema_column *c;
	cJSON *o, *days;
	char *newest = NULL;
	uint64_t sum = 0;
	const cJSON *d;
	int rc;

	if (col < 0)
		return err_set(e, ERR_USAGE,
			       "--time-column: table %s has no column %s",
			       t->name, colname);
	c = &t->cols[col];
	if (c->type != VALUE_DATE && c->type != VALUE_TIMESTAMP &&
	    c->type != VALUE_TIMESTAMPTZ)
		return err_set(e, ERR_USAGE,
			       "--time-column: column %s of table %s is %s, "
			       "not a date or time",
			       colname, t->name, value_type_name(c->type));
	if (!(o = cJSON_AddObjectToObject(to, "rows_per_day")) ||
	    !cJSON_AddStringToObject(o, "column", colname) ||
	    !cJSON_AddNumberToObject(o, "days", INVENTORY_DAYS) ||
	    !(days = cJSON_AddArrayToObject(o, "per_day")))
		return err_oom(e);
	rc = source_rows_per_day(src, t, (size_t)col, INVENTORY_DAYS, &newest,
				 add_day, days, e);
	if (rc == 0 && !(newest ? cJSON_AddStringToObject(o, "newest", newest)
				: cJSON_AddNullToObject(o, "newest")))
		rc = err_oom(e);
	free(newest);
	if (rc < 0)
		return -1;
	cJSON_ArrayForEach(d, days) sum +=
	    (uint64_t)cJSON_GetObjectItemCaseSensitive(d, "rows")->valuedouble;
	if (!cJSON_AddNumberToObject(o, "rows", (double)sum) ||
	    !cJSON_AddNumberToObject(o, "average_per_day",
				     (double)sum / INVENTORY_DAYS))
		return err_oom(e);
	return 0;
}

/* --- one table
 * ---------------------------------------------------------------- */

static int table_report(struct source *src, const struct inventory_opts *o,
			const struct source_server *sv, const struct engine *en,
			const struct rates *rt, const char *name, cJSON *tabs,
			struct err *e)
{
	struct schema_table *t = NULL;
	struct source_facts f;
	cJSON *o_t, *arr, *risks;
	double rate;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (!(t = source_describe(src, name, e)))
		return -1;
	if (source_table_facts(src, t, o->exact, &f, e) < 0)
		goto out;
	if (!(o_t = cJSON_CreateObject()) || !cJSON_AddItemToArray(tabs, o_t) ||
	    !cJSON_AddStringToObject(o_t, "table", t->name) ||
	    !(f.rows_known
		  ? cJSON_AddNumberToObject(o_t, "rows", (double)f.rows)
		  : cJSON_AddNullToObject(o_t, "rows")) ||
	    !cJSON_AddBoolToObject(o_t, "rows_exact", f.rows_exact) ||
	    !(f.data_bytes >= 0 ? cJSON_AddNumberToObject(o_t, "data_bytes",
							  (double)f.data_bytes)
				: cJSON_AddNullToObject(o_t, "data_bytes")) ||
	    !(f.index_bytes >= 0
		  ? cJSON_AddNumberToObject(o_t, "index_bytes",
					    (double)f.index_bytes)
		  : cJSON_AddNullToObject(o_t, "index_bytes")) ||
	    !(arr = cJSON_AddArrayToObject(o_t, "primary_key")))
		goto oom;
	for (size_t k = 0; k < t->npk; k++)
		if (!cJSON_AddItemToArray(
			arr, cJSON_CreateString(t->cols[t->pk[k]].name)))
			goto oom;
	if (!(arr = cJSON_AddArrayToObject(o_t, "columns")))
		goto oom;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct schema_column *c = &t->cols[i];
		cJSON *oc = cJSON_CreateObject(), *labs;
		if (!oc || !cJSON_AddItemToArray(arr, oc) ||
		    !cJSON_AddStringToObject(oc, "name", c->name) ||
		    !cJSON_AddStringToObject(oc, "source_type",
					     c->source_type ? c->source_type
							    : "") ||
		    !(c->refused ? cJSON_AddNullToObject(oc, "type")
				 : cJSON_AddStringToObject(
				       oc, "type", value_type_name(c->type))) ||
		    !cJSON_AddBoolToObject(oc, "nullable", c->nullable) ||
		    (c->length >= 0 && !cJSON_AddNumberToObject(
					   oc, "length", (double)c->length)) ||
		    (f.charsets && f.charsets[i] &&
		     !cJSON_AddStringToObject(oc, "charset", f.charsets[i])))
			goto oom;
		if (c->nlabels) {
			if (!(labs = cJSON_AddArrayToObject(oc, "labels")))
				goto oom;
			for (size_t k = 0; k < c->nlabels; k++)
				if (!cJSON_AddItemToArray(
					labs, cJSON_CreateString(c->labels[k])))
					goto oom;
		}
	}
	if (!(risks = cJSON_AddArrayToObject(o_t, "risks")) ||
	    column_risks(risks, t, &f, sv, en, e) < 0)
		goto out;
	for (size_t i = 0; i < o->ntime_columns; i++)
		if (strcmp(o->time_columns[i].table, t->name) == 0 &&
		    per_day(src, t, o->time_columns[i].value, o_t, e) < 0)
			goto out;
	rate = rates_for(rt, t->name);
	if (rate > 0 && f.rows_known &&
	    (!cJSON_AddNumberToObject(o_t, "rate", rate) ||
	     !cJSON_AddNumberToObject(o_t, "copy_seconds",
				      (double)f.rows / rate)))
		goto oom;
	rc = 0;
	goto out;
oom:
	err_oom(e);
out:
	source_facts_release(&f, t->ncols);
	schema_table_free(t);
	return rc;
}

/* --- text
 * ---------------------------------------------------------------------- */

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int add_bytes(struct buf *b, double n, struct err *e)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	if (n < 0)
		return buf_adds(b, "?", e);
	while (n >= 1024 && u < 4) {
		n /= 1024;
		u++;
	}
	return u ? buf_addf(b, e, "%.1f %s", n, unit[u])
		 : buf_addf(b, e, "%.0f B", n);
}

static int add_duration(struct buf *b, double s, struct err *e)
{
	if (s < 60)
		return buf_addf(b, e, "%.0f s", s < 1 ? 1 : s);
	if (s < 3600)
		return buf_addf(b, e, "%.0f min %.0f s",
				(double)(int64_t)(s / 60),
				s - 60 * (double)(int64_t)(s / 60));
	return buf_addf(b, e, "%.0f h %.0f min", (double)(int64_t)(s / 3600),
			(s - 3600 * (double)(int64_t)(s / 3600)) / 60);
}

static int text_table(struct buf *b, const cJSON *t, struct err *e)
{
	const cJSON *c, *r,
	    *pk = cJSON_GetObjectItemCaseSensitive(t, "primary_key");
	const cJSON *pd = cJSON_GetObjectItemCaseSensitive(t, "rows_per_day");
	double rows = num(t, "rows");
	int first = 1;

	if (buf_addf(b, e, "\ntable %s: ", str(t, "table")) < 0 ||
	    (rows >= 0 ? buf_addf(b, e, "%.0f rows%s", rows,
				  cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
				      t, "rows_exact"))
				      ? ""
				      : " (estimate)")
		       : buf_adds(b, "rows unknown (never analysed)", e)) < 0 ||
	    buf_adds(b, ", data ", e) < 0 ||
	    add_bytes(b, num(t, "data_bytes"), e) < 0 ||
	    buf_adds(b, ", indexes ", e) < 0 ||
	    add_bytes(b, num(t, "index_bytes"), e) < 0 ||
	    buf_adds(b, ", primary key ", e) < 0)
		return -1;
	if (!cJSON_GetArraySize(pk) && buf_adds(b, "NONE", e) < 0)
		return -1;
	cJSON_ArrayForEach(c, pk)
	{
		if (buf_addf(b, e, "%s%s", first ? "(" : ", ", c->valuestring) <
		    0)
			return -1;
		first = 0;
	}
	if ((!first && buf_addc(b, ')', e) < 0) || buf_addc(b, '\n', e) < 0)
		return -1;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "columns"))
	{
		const char *ty = str(c, "type");
		if (buf_addf(b, e, "  %-24s %-32s -> %-12s %s\n",
			     str(c, "name"), str(c, "source_type"),
			     ty ? ty : "(refused)",
			     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
				 c, "nullable"))
				 ? "null"
				 : "not null") < 0)
			return -1;
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(t, "risks"))
	{
		double n = num(r, "count");
		const char *col = str(r, "column");
		if (buf_addf(b, e, "  decide: %s%s%s: %s", col ? col : "",
			     col ? ": " : "", str(r, "kind"),
			     str(r, "detail")) < 0 ||
		    (n >= 0 && buf_addf(b, e, " (%.0f rows)", n) < 0) ||
		    buf_addc(b, '\n', e) < 0)
			return -1;
	}
	if (pd) {
		const char *newest = str(pd, "newest");
		if (buf_addf(
			b, e,
			"  rows per day by %s, the %d days to %s: %.0f rows, "
			"%.1f a day\n",
			str(pd, "column"), INVENTORY_DAYS,
			newest ? newest : "(no rows)", num(pd, "rows"),
			num(pd, "average_per_day")) < 0)
			return -1;
		cJSON_ArrayForEach(
		    c, cJSON_GetObjectItemCaseSensitive(
			   pd, "per_day")) if (buf_addf(b, e, "    %s %.0f\n",
							str(c, "day"),
							num(c, "rows")) <
					       0) return -1;
	}
	if (num(t, "copy_seconds") >= 0 &&
	    (buf_addf(b, e, "  copy: about ") < 0 ||
	     add_duration(b, num(t, "copy_seconds"), e) < 0 ||
	     buf_addf(b, e, " at %.0f rows/s\n", num(t, "rate")) < 0))
		return -1;
	return 0;
}

static int text_report(struct buf *b, const cJSON *root, struct err *e)
{
	const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root, "server");
	const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "totals");
	const cJSON *t;
	const char *mode = str(sv, "sql_mode");

	if (buf_addf(b, e, "source %s: %s\n", str(root, "source"),
		     str(sv, "version")) < 0 ||
	    (mode && buf_addf(b, e, "sql_mode '%s': zero dates %s\n", mode,
			      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
				  sv, "zero_dates_allowed"))
				  ? "allowed"
				  : "refused") < 0))
		return -1;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
				  root, "tables")) if (text_table(b, t, e) <
						       0) return -1;
	if (buf_addf(
		b, e, "\ntotal: %.0f tables, %.0f rows%s, data ",
		num(tot, "tables"), num(tot, "rows"),
		cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "exact"))
		    ? ""
		    : " (estimate)") < 0 ||
	    add_bytes(b, num(tot, "data_bytes"), e) < 0 ||
	    buf_adds(b, ", indexes ", e) < 0 ||
	    add_bytes(b, num(tot, "index_bytes"), e) < 0 ||
	    buf_addf(b, e, ", %.0f columns to decide on", num(tot, "risks")) <
		0)
		return -1;
	if (num(tot, "copy_seconds") >= 0 &&
	    (buf_adds(b, ", copy about ", e) < 0 ||
	     add_duration(b, num(tot, "copy_seconds"), e) < 0))
		return -1;
	return buf_addc(b, '\n', e);
}

/* --- the run
 * ------------------------------------------------------------------- */

static int totals(cJSON *root, struct err *e)
{
	const cJSON *t;
	double rows = 0, data = 0, idx = 0, secs = 0, risks = 0, ntab = 0;
	int have_secs = 0;
	cJSON *o;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "tables"))
	{
		ntab++;
		if (num(t, "rows") > 0)
			rows += num(t, "rows");
		if (num(t, "data_bytes") > 0)
			data += num(t, "data_bytes");
		if (num(t, "index_bytes") > 0)
			idx += num(t, "index_bytes");
		if (num(t, "copy_seconds") >= 0) {
			secs += num(t, "copy_seconds");
			have_secs = 1;
		}
		risks += cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(t, "risks"));
	}
	if (!(o = cJSON_AddObjectToObject(root, "totals")) ||
	    !cJSON_AddNumberToObject(o, "tables", ntab) ||
	    !cJSON_AddNumberToObject(o, "rows", rows) ||
	    !cJSON_AddNumberToObject(o, "data_bytes", data) ||
	    !cJSON_AddNumberToObject(o, "index_bytes", idx) ||
	    !cJSON_AddNumberToObject(o, "risks", risks) ||
	    (have_secs && !cJSON_AddNumberToObject(o, "copy_seconds", secs)))
		return err_oom(e);
	return 0;
}

static int add_finding(void *ctx, const char *about, const char *what,
		       struct err *e)
{
	cJSON *arr = ctx, *f = cJSON_CreateObject();

	if (!f || !cJSON_AddItemToArray(arr, f) ||
	    !cJSON_AddStringToObject(f, "about", about) ||
	    !cJSON_AddStringToObject(f, "what", what))
		return err_oom(e);
	return 0;
}

/* --follow: what would stop following the tables described, all of it */
static int follow_report(const struct uri *u, const struct inventory_opts *o,
			 cJSON *root, struct buf *text, struct err *e)
{
	const cJSON *t, *tabs = cJSON_GetObjectItemCaseSensitive(root, "tables");
	size_t n = 0;
	char **names = calloc((size_t)cJSON_GetArraySize(tabs) + 1,
			      sizeof(*names));
	cJSON *fo, *arr;
	const cJSON *f;
	int rc = -1;

	if (!names)
		return err_oom(e);
	cJSON_ArrayForEach(t, tabs)
	{
		const char *name = str(t, "table");
		if (name)
			names[n++] = (char *)name;
	}
	if (!(fo = cJSON_AddObjectToObject(root, "follow")) ||
	    !(arr = cJSON_AddArrayToObject(fo, "findings"))) {
		err_oom(e);
		goto out;
	}
	if (follow_preflight(u, &o->source, names, n, add_finding, arr, e) <
	    0)
		goto out;
	if (!cJSON_AddBoolToObject(fo, "ready", cJSON_GetArraySize(arr) == 0)) {
		err_oom(e);
		goto out;
	}
	if (cJSON_GetArraySize(arr) == 0) {
		rc = buf_adds(text, "follow: ready\n", e);
		goto out;
	}
	if (buf_addf(text, e, "follow: %d things would stop it:\n",
		     cJSON_GetArraySize(arr)) < 0)
		goto out;
	cJSON_ArrayForEach(f, arr) if (buf_addf(text, e, "  %s: %s\n",
						str(f, "about"),
						str(f, "what")) < 0) goto out;
	rc = 0;
out:
	free(names);
	return rc;
}

int inventory_run(const struct uri *u, const struct inventory_opts *o,
		  cJSON **report, struct buf *text, struct err *e)
{
	struct source *src = NULL;
	struct source_server sv;
	struct rates rt;
	char **all = NULL;
	size_t nall = 0;
	cJSON *root = NULL, *tabs, *svo;
	const struct engine *en = engine_of(u->engine);
	int rc = -1;

	*report = NULL;
	memset(&sv, 0, sizeof(sv));
	if (!en)
		return err_set(e, ERR_SYSTEM, "internal error: no engine");
	if (rates_load(&rt, o, e) < 0)
		goto out;
	for (size_t i = 0; i < o->ntime_columns; i++) {
		int named = o->all_tables;
		for (size_t k = 0; k < o->ntables; k++)
			named |=
			    strcmp(o->tables[k], o->time_columns[i].table) == 0;
		if (!named) {
			err_set(e, ERR_USAGE,
				"--time-column: table %s is not one of the "
				"tables described",
				o->time_columns[i].table);
			goto out;
		}
	}
	if (!(src = source_open(u, &o->source, e)) ||
	    source_begin(src, e) < 0 || source_server_facts(src, &sv, e) < 0)
		goto out;
	if (!(root = cJSON_CreateObject()) ||
	    !cJSON_AddStringToObject(root, "source", u->display) ||
	    !cJSON_AddStringToObject(root, "engine", en->name) ||
	    !(svo = cJSON_AddObjectToObject(root, "server")) ||
	    !cJSON_AddStringToObject(svo, "version",
				     sv.version ? sv.version : "") ||
	    !(sv.sql_mode
		  ? cJSON_AddStringToObject(svo, "sql_mode", sv.sql_mode)
		  : cJSON_AddNullToObject(svo, "sql_mode")) ||
	    !cJSON_AddBoolToObject(svo, "zero_dates_allowed",
				   sv.zero_dates_allowed) ||
	    !cJSON_AddBoolToObject(root, "exact", o->exact) ||
	    !(tabs = cJSON_AddArrayToObject(root, "tables"))) {
		err_oom(e);
		goto out;
	}
	if (o->all_tables) {
		if (source_list_tables(src, &all, &nall, e) < 0)
			goto out;
		for (size_t i = 0; i < nall; i++)
			if (!excluded(o, all[i]) &&
			    table_report(src, o, &sv, en, &rt, all[i], tabs,
					 e) < 0)
				goto out;
	} else {
		for (size_t i = 0; i < o->ntables; i++)
			if (table_report(src, o, &sv, en, &rt, o->tables[i],
					 tabs, e) < 0)
				goto out;
	}
	if (totals(root, e) < 0 || text_report(text, root, e) < 0 ||
	    (o->follow && follow_report(u, o, root, text, e) < 0))
		goto out;
	*report = root;
	root = NULL;
	rc = 0;
out:
	cJSON_Delete(root);
	json_free(rt.stats);
	source_names_free(all);
	source_server_release(&sv);
	source_close(src);
	return rc;
}
