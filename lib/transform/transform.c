#include "transform/transform.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "stream/rejects.h"
#include "stream/schema.h"
#include "stream/sqlexpr.h"
#include "transform/expr.h"
#include "transform/spec_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* A column operation on a column of the wrong type: exit 5 at
 * tables.T.columns.C.MEMBER. */
static int op_type_err(struct spec *s, const struct table_spec *t,
		       const struct schema_table *in,
		       const struct schema_column *col, const struct col_op *op,
		       const char *member, const char *what, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME + 32];

	snprintf(path, sizeof(path), "tables.%s.columns.%s.%s",
		 spec_find_col(t, col->name) ? t->name : "*", col->name,
		 member);
	return spec_err(e, s, op->line, path, "column %s of %s is %s: %s",
			col->name, in->name, value_type_name(col->type), what);
}

/* A map or default on column col of table in: text or enum only; for an
 * enum every old value must be one of its labels, and the output's
 * labels are what the map makes of them (cj: the column's JSON). */
static int plan_map(struct spec *s, const struct table_spec *t,
		    const struct schema_table *in,
		    const struct schema_column *col, const struct col_op *op,
		    cJSON *cj, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];
	cJSON *labels;

	snprintf(path, sizeof(path), "tables.%s.columns.%s",
		 spec_find_col(t, col->name) ? t->name : "*", col->name);
	if (col->type != VALUE_TEXT && col->type != VALUE_ENUM)
		return spec_err(e, s, op->line, path,
				"column %s of %s is %s: map and default apply "
				"to text and enum columns",
				col->name, in->name,
				value_type_name(col->type));
	if (op->unmapped == 1)
		cJSON_ReplaceItemInObjectCaseSensitive(cj, "nullable",
						       cJSON_CreateTrue());
	if (col->type != VALUE_ENUM)
		return 0;
	for (size_t k = 0; k < op->nmap; k++) {
		size_t l;
		for (l = 0; l < col->nlabels; l++)
			if (strcmp(col->labels[l], op->map_from[k]) == 0)
				break;
		if (l == col->nlabels)
			return spec_err(e, s, op->line, path,
					"'%s' is not a label of column %s of "
					"%s",
					op->map_from[k], col->name, in->name);
	}
	/* the new labels, in the old order, each once */
	labels = cJSON_CreateArray();
	if (!labels)
		return err_oom(e);
	for (size_t l = 0; l < col->nlabels; l++) {
		const char *nl = NULL;
		cJSON *it;
		bool dup = false;
		for (size_t k = 0; k < op->nmap; k++)
			if (strcmp(col->labels[l], op->map_from[k]) == 0)
				nl = op->map_to[k];
		if (!nl && op->unmapped == 0)
			nl = col->labels[l];
		if (!nl)
			continue;
		cJSON_ArrayForEach(it, labels) dup |=
		    strcmp(it->valuestring, nl) == 0;
		if (!dup)
			cJSON_AddItemToArray(labels, cJSON_CreateString(nl));
	}
	if (op->deflt) {
		cJSON *it;
		bool found = false;
		cJSON_ArrayForEach(it, labels) found |=
		    strcmp(it->valuestring, op->deflt) == 0;
		if (!found) {
			cJSON_Delete(labels);
			return spec_err(e, s, op->line, path,
					"the default '%s' is not a label of "
					"column %s as the map leaves it",
					op->deflt, col->name);
		}
	}
	cJSON_ReplaceItemInObjectCaseSensitive(cj, "labels", labels);
	/* the source's type named the old labels */
	cJSON_DeleteItemFromObjectCaseSensitive(cj, "source_type");
	return 0;
}

/* one table's plan: output column i is input column from[i], reshaped by
 * ops[i] when that is not NULL, into bufs[i] */
struct spec_plan {
	const struct schema_table *in;
	struct schema_table *out;
	size_t *from;
	struct value *row;
	const struct col_op **ops; /* output column i's operations, or NULL */
	struct spec_bufs *bufs;	   /* and room for its values */
	size_t nmask;
	/* added columns: output nmask + k is adds[k], from input column
	 * add_from[k], parsed into abuf[k] */
	const struct add_col *adds;
	size_t nadds;
	size_t *add_from;
	struct buf *abuf;
	struct expr **ax; /* added column k's expression, or NULL */
	struct expr *where;
	/* the input's CHECKs the output does not keep, for the objects
	 * frame: a column they read is dropped or its values changed */
	struct schema_objects dropped;
};

static void plan_release(struct spec_plan *p)
{
	schema_table_free(p->out);
	free(p->from);
	free(p->row);
	free(p->ops);
	for (size_t i = 0; p->bufs && i < p->nmask; i++)
		spec_bufs_release(&p->bufs[i]);
	free(p->bufs);
	for (size_t i = 0; p->abuf && i < 2 * p->nadds; i++)
		buf_release(&p->abuf[i]);
	free(p->abuf);
	free(p->add_from);
	for (size_t i = 0; p->ax && i < p->nadds; i++)
		expr_free(p->ax[i]);
	free(p->ax);
	expr_free(p->where);
	schema_objects_release(&p->dropped);
	memset(p, 0, sizeof(*p));
}

/* Rename a member array of column names through map (in -> out names);
 * 1 when one of them is dropped. */
static int map_names(cJSON *arr, const struct schema_table *in,
		     const struct table_spec *t, const struct table_spec *all)
{
	cJSON *it;
	int dropped = 0;

	cJSON_ArrayForEach(it, arr)
	{
		const char *o;
		if (!cJSON_IsString(it))
			continue;
		if (schema_column_index(in, it->valuestring) < 0)
			continue;
		o = spec_out_name(t, all, it->valuestring);
		if (!o)
			dropped = 1;
		else if (strcmp(o, it->valuestring) != 0)
			cJSON_SetValuestring(it, o);
	}
	return dropped;
}

/* every column table entry t names must be a column of in; the "*"
 * entry's are marked when they are */
static int plan_check_names(struct spec *s, const struct table_spec *t,
			    const struct schema_table *in, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];

	for (size_t i = 0; t && i < t->ncols; i++)
		if (schema_column_index(in, t->cols[i].name) < 0) {
			snprintf(path, sizeof(path), "tables.%s.columns.%s",
				 t->name, t->cols[i].name);
			return spec_err(e, s, t->cols[i].line, path,
					"table %s has no column %s", in->name,
					t->cols[i].name);
		}
	for (size_t i = 0; s->all && i < s->all->ncols; i++)
		if (schema_column_index(in, s->all->cols[i].name) >= 0)
			s->all->cols[i].used = true;
	return 0;
}

/* the input column whose output name is `name`, or in->ncols */
static size_t input_of(const struct spec *s, const struct table_spec *t,
		       const struct schema_table *in, const char *name)
{
	for (size_t i = 0; i < in->ncols; i++) {
		const char *o = spec_out_name(t, s->all, in->cols[i].name);
		if (o && strcmp(o, name) == 0)
			return i;
	}
	return in->ncols;
}

/* 1 when output column `name` is in t's "order" */
static int ordered(const struct table_spec *t, const char *name)
{
	for (size_t k = 0; t && k < t->norder; k++)
		if (strcmp(name, t->order[k]) == 0)
			return 1;
	return 0;
}

/* order[k] of t names no output column of in */
static int order_err(struct spec *s, const struct table_spec *t,
		     const struct schema_table *in, size_t k, struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];

	snprintf(path, sizeof(path), "tables.%s.order[%zu]", t->name, k);
	for (size_t a = 0; a < t->nadds; a++)
		if (strcmp(t->adds[a].name, t->order[k]) == 0)
			return spec_err(e, s, t->line, path,
					"%s is an added column: added "
					"columns come after the others",
					t->order[k]);
	return spec_err(e, s, t->line, path, "table %s has no output column %s",
			in->name, t->order[k]);
}

/* Input column i, its JSON in cols, as the next output column (in
 * newcols, under its output name); no two input columns may take one
 * name. */
static int add_out_col(struct spec *s, const struct table_spec *t,
		       const struct schema_table *in, struct spec_plan *p,
		       size_t *nout, size_t i, cJSON *cols, cJSON *newcols,
		       struct err *e)
{
	const char *o = spec_out_name(t, s->all, in->cols[i].name);
	char path[3 * SCHEMA_MAX_NAME];
	cJSON *c;

	for (size_t q = 0; q < *nout; q++) {
		const char *qn = in->cols[p->from[q]].name;
		if (strcmp(qn, in->cols[i].name) != 0 &&
		    strcmp(spec_out_name(t, s->all, qn), o) == 0) {
			snprintf(path, sizeof(path), "tables.%s.columns",
				 t ? t->name : "*");
			return spec_err(e, s, t ? t->line : s->all->line, path,
					"two columns of the output are named "
					"%s (in table %s)",
					o, in->name);
		}
	}
	if (!(c = cJSON_Duplicate(cJSON_GetArrayItem(cols, (int)i), 1)))
		return err_oom(e);
	if (!cJSON_ReplaceItemInObjectCaseSensitive(c, "name",
						    cJSON_CreateString(o)) ||
	    !cJSON_AddItemToArray(newcols, c)) {
		cJSON_Delete(c);
		return err_oom(e);
	}
	p->from[(*nout)++] = i;
	return 0;
}

/* The output columns, in j's "columns": those t's "order" names first,
 * in that order, then the rest as they come; p->from says where each
 * comes from. */
static int plan_columns(struct spec *s, const struct table_spec *t,
			const struct schema_table *in, struct spec_plan *p,
			cJSON *j, size_t *nout, struct err *e)
{
	cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columns");
	cJSON *newcols = cJSON_CreateArray();
	int rc = -1;

	if (!cols || !newcols) {
		err_oom(e);
		goto out;
	}
	for (size_t k = 0; t && k < t->norder; k++) {
		size_t i = input_of(s, t, in, t->order[k]);
		if (i == in->ncols) {
			order_err(s, t, in, k, e);
			goto out;
		}
		if (add_out_col(s, t, in, p, nout, i, cols, newcols, e) < 0)
			goto out;
	}
	for (size_t i = 0; i < in->ncols; i++) {
		const char *o = spec_out_name(t, s->all, in->cols[i].name);
		if (!o || ordered(t, o))
			continue; /* dropped, or placed already */
		if (add_out_col(s, t, in, p, nout, i, cols, newcols, e) < 0)
			goto out;
	}
	if (!cJSON_ReplaceItemInObjectCaseSensitive(j, "columns", newcols)) {
		err_oom(e);
		goto out;
	}
	newcols = NULL;
	rc = 0;
out:
	cJSON_Delete(newcols);
	return rc;
}

/* Column col's operations op, checked against its type; cj, its output
 * JSON, takes the type they give it. */
static int plan_col_ops(struct spec *s, const struct table_spec *t,
			const struct schema_table *in,
			const struct schema_column *col,
			const struct col_op *op, cJSON *cj, struct err *e)
{
	/* a zone first: a cast after it sets the final type */
	if (op->zone) {
		if (col->type != VALUE_TIMESTAMP)
			return op_type_err(
			    s, t, in, col, op, "zone",
			    "a zone applies to a timestamp (a DATETIME)", e);
		/* the column becomes a timestamptz; the source's type no
		 * longer describes it */
		cJSON_ReplaceItemInObjectCaseSensitive(
		    cj, "type", cJSON_CreateString("timestamptz"));
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "source_type");
	}
	if (op->cast_to >= 0) {
		if (op->cast_unix && col->type != VALUE_INT64 &&
		    col->type != VALUE_UINT64)
			return op_type_err(
			    s, t, in, col, op, "cast",
			    "unix time comes from an integer column", e);
		/* the column takes its new type; what described the old
		 * one goes */
		cJSON_ReplaceItemInObjectCaseSensitive(
		    cj, "type",
		    cJSON_CreateString(
			value_type_name((enum value_type)op->cast_to)));
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "source_type");
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "labels");
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "length");
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "precision");
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "scale");
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "unsigned");
		if (op->invalid)
			cJSON_ReplaceItemInObjectCaseSensitive(
			    cj, "nullable", cJSON_CreateTrue());
	}
	if (op->clean && col->type != VALUE_TEXT)
		return op_type_err(s, t, in, col, op, "clean",
				   "clean applies to text", e);
	if (op->has_shift && col->type != VALUE_INT64 &&
	    col->type != VALUE_UINT64)
		return op_type_err(s, t, in, col, op, "shift",
				   "shifts apply to integers", e);
	/* a shift may take a value below 0: the column is no longer kept
	 * >= 0 */
	if (op->has_shift)
		cJSON_DeleteItemFromObjectCaseSensitive(cj, "unsigned");
	if ((op->nmap || op->deflt) && plan_map(s, t, in, col, op, cj, e) < 0)
		return -1;
	if (op->mask && spec_column_type(op, col->type) != VALUE_TEXT)
		return op_type_err(s, t, in, col, op, "mask",
				   "masks apply to text", e);
	return 0;
}

/* each output column's operations (t's entry before the "*" one) */
static int plan_ops(struct spec *s, const struct table_spec *t,
		    const struct schema_table *in, struct spec_plan *p,
		    cJSON *j, size_t nout, struct err *e)
{
	cJSON *newcols = cJSON_GetObjectItemCaseSensitive(j, "columns");

	if (!(p->ops = calloc(nout + 1, sizeof(*p->ops))) ||
	    !(p->bufs = calloc(nout + 1, sizeof(*p->bufs))))
		return err_oom(e);
	p->nmask = nout;
	for (size_t i = 0; i < nout; i++) {
		const struct schema_column *col = &in->cols[p->from[i]];
		const struct col_op *op = spec_find_col(t, col->name);
		if (!op)
			op = spec_find_col(s->all, col->name);
		spec_bufs_init(&p->bufs[i]);
		p->ops[i] = op;
		if (op &&
		    plan_col_ops(s, t, in, col, op,
				 cJSON_GetArrayItem(newcols, (int)i), e) < 0)
			return -1;
	}
	return 0;
}

/* Added column k of t: its expression compiled into p->ax[k], or its
 * JSON column checked; its type in *ty. */
static int plan_add_source(struct spec *s, const struct table_spec *t,
			   const struct schema_table *in, struct spec_plan *p,
			   size_t k, char *path, size_t pathsz,
			   enum value_type *ty, struct err *e)
{
	const struct add_col *a = &t->adds[k];
	int fi = a->from ? schema_column_index(in, a->from) : 0;

	*ty = (enum value_type)a->type;
	if (a->expr) {
		size_t pl = strlen(path);
		snprintf(path + pl, pathsz - pl, ".expr");
		if (!(p->ax[k] = expr_compile(a->expr, strlen(a->expr), in,
					      s->now, e)))
			return spec_err(e, s, a->line, path, "%s", e->msg);
		path[pl] = '\0';
		if (a->type < 0)
			*ty = expr_type(p->ax[k]);
		if (*ty == VALUE_NULL)
			return spec_err(e, s, a->line, path,
					"the expression is always NULL: give "
					"the column a type");
	} else if (fi < 0) {
		return spec_err(e, s, a->line, path,
				"table %s has no column %s", in->name, a->from);
	} else if (in->cols[fi].type != VALUE_JSON) {
		return spec_err(e, s, a->line, path,
				"column %s of %s is %s, not json", a->from,
				in->name, value_type_name(in->cols[fi].type));
	}
	p->add_from[k] = (size_t)fi;
	return 0;
}

/* the columns t adds (from JSON fields, or expressions), after the
 * others in j's "columns" */
static int plan_adds(struct spec *s, const struct table_spec *t,
		     const struct schema_table *in, struct spec_plan *p,
		     cJSON *j, struct err *e)
{
	cJSON *newcols = cJSON_GetObjectItemCaseSensitive(j, "columns");
	char path[3 * SCHEMA_MAX_NAME];

	if (!t || !t->nadds)
		return 0;
	if (!(p->add_from = calloc(t->nadds, sizeof(*p->add_from))) ||
	    !(p->abuf = calloc(2 * t->nadds, sizeof(*p->abuf))) ||
	    !(p->ax = calloc(t->nadds, sizeof(*p->ax))))
		return err_oom(e);
	p->adds = t->adds;
	p->nadds = t->nadds;
	for (size_t k = 0; k < t->nadds; k++) {
		const struct add_col *a = &t->adds[k];
		enum value_type ty;
		cJSON *c, *it;

		buf_init(&p->abuf[2 * k], (size_t)STREAM_MAX_ROW * 2 + 64);
		buf_init(&p->abuf[2 * k + 1], (size_t)STREAM_MAX_ROW * 2 + 64);
		snprintf(path, sizeof(path), "tables.%s.add.%s", t->name,
			 a->name);
		if (plan_add_source(s, t, in, p, k, path, sizeof(path), &ty,
				    e) < 0)
			return -1;
		cJSON_ArrayForEach(it, newcols)
		{
			cJSON *nm =
			    cJSON_GetObjectItemCaseSensitive(it, "name");
			if (cJSON_IsString(nm) &&
			    strcmp(nm->valuestring, a->name) == 0)
				return spec_err(e, s, a->line, path,
						"table %s already has an "
						"output column %s",
						in->name, a->name);
		}
		if (!(c = cJSON_CreateObject()) ||
		    !cJSON_AddStringToObject(c, "name", a->name) ||
		    !cJSON_AddStringToObject(c, "type", value_type_name(ty)) ||
		    !cJSON_AddBoolToObject(c, "nullable", 1) ||
		    !cJSON_AddItemToArray(newcols, c)) {
			cJSON_Delete(c);
			return err_oom(e);
		}
	}
	return 0;
}

/* t's "where", compiled into p->where: true or false */
static int plan_where(struct spec *s, const struct table_spec *t,
		      const struct schema_table *in, struct spec_plan *p,
		      struct err *e)
{
	char path[3 * SCHEMA_MAX_NAME];

	if (!t || !t->where)
		return 0;
	snprintf(path, sizeof(path), "tables.%s.where", t->name);
	if (!(p->where =
		  expr_compile(t->where, strlen(t->where), in, s->now, e)))
		return spec_err(e, s, t->where_line, path, "%s", e->msg);
	if (expr_type(p->where) != VALUE_BOOL &&
	    expr_type(p->where) != VALUE_NULL)
		return spec_err(e, s, t->where_line, path,
				"a filter must be true or false, not %s",
				value_type_name(expr_type(p->where)));
	return 0;
}

static int op_changes(const struct col_op *op)
{
	return op && (op->mask != MASK_NONE || op->has_shift || op->zone ||
		      op->nmap || op->deflt || op->cast_to >= 0 || op->clean);
}

/* one expression of j: a check or an index's predicate (value 0), an
 * index's key (1), or the expression of generated input column value - 2;
 * names[] renamed by the spec; 1 when it reads a column the spec drops
 * or changes (*gone names it), -1 on oom; text left alone when it does
 * not read (the load names it) */
static int follow_expr(cJSON *s, size_t value, const struct table_spec *t,
		       const struct table_spec *all,
		       const struct schema_table *in, char **names,
		       const char **gone, struct err *e)
{
	char why[256];
	struct sqlexpr *x;
	struct buf b;
	int rc = 0;

	if (!cJSON_IsString(s))
		return 0;
	x = value >= 2 ? sqlexpr_parse_generated(s->valuestring, SQLEXPR_FERRY,
						 in, value - 2, why,
						 sizeof(why), e)
	    : value	   ? sqlexpr_parse_value(s->valuestring, SQLEXPR_FERRY,
					     in, why, sizeof(why), e)
			   : sqlexpr_parse(s->valuestring, SQLEXPR_FERRY, in,
					   why, sizeof(why), e);
	if (!x)
		return e->class ? -1 : 0;
	for (size_t c = 0; c < in->ncols; c++) {
		const char *cn = in->cols[c].name;
		const struct col_op *op = spec_find_col(t, cn);
		if (!op)
			op = spec_find_col(all, cn);
		names[c] = (char *)spec_out_name(t, all, cn);
		if (!*gone && sqlexpr_uses(x, c) &&
		    (!names[c] || op_changes(op)))
			*gone = cn;
		if (!names[c])
			names[c] = (char *)cn;
	}
	if (!*gone) {
		buf_init(&b, 1u << 22);
		if (sqlexpr_write(x, SQLEXPR_FERRY, names, 0, &b, why,
				  sizeof(why), e) == 0 &&
		    buf_addc(&b, 0, e) == 0 &&
		    !cJSON_SetValuestring(s, (const char *)b.data))
			rc = err_oom(e);
		if (e->class)
			rc = -1;
		buf_release(&b);
	}
	sqlexpr_free(x);
	return rc < 0 ? -1 : *gone != NULL;
}

/* The CHECKs of j follow their columns: renamed with them, and left out
 * (named in dropped, for the objects frame) when the spec drops a column
 * one reads or changes its values, which the check never saw. */
static int plan_checks(const struct table_spec *t, const struct table_spec *all,
		       const struct schema_table *in, cJSON *j,
		       struct schema_objects *dropped, struct err *e)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "checks");
	char **names;
	int rc = 0;

	if (!m || !in->nchecks)
		return 0;
	if (!(names = calloc(in->ncols + 1, sizeof(*names))))
		return err_oom(e);
	for (int i = cJSON_GetArraySize(m) - 1; i >= 0 && rc == 0; i--) {
		cJSON *ck = cJSON_GetArrayItem(m, i);
		cJSON *ex = cJSON_GetObjectItemCaseSensitive(ck, "expression");
		cJSON *nm = cJSON_GetObjectItemCaseSensitive(ck, "name");
		const char *gone = NULL;
		char *detail;
		size_t n;
		int g;

		if (!cJSON_IsString(ex) || !cJSON_IsString(nm))
			continue;
		/* the text as it was, and why it goes */
		n = strlen(ex->valuestring) + SCHEMA_MAX_NAME + 64;
		if (!(detail = malloc(n))) {
			rc = err_oom(e);
			break;
		}
		snprintf(detail, n, "%s", ex->valuestring);
		if ((g = follow_expr(ex, 0, t, all, in, names, &gone, e)) < 0) {
			rc = -1;
		} else if (g) {
			size_t k = strlen(detail);
			snprintf(detail + k, n - k, " (the spec %s column %s)",
				 spec_out_name(t, all, gone) ? "changes"
							     : "drops",
				 gone);
			rc = schema_objects_add(dropped, "check constraint",
						in->name, nm->valuestring,
						detail, e);
			cJSON_DeleteItemFromArray(m, i);
		}
		free(detail);
	}
	free(names);
	return rc;
}

/* The generated columns of j (output column i is input column from[i])
 * follow theirs as plan_checks does the checks (and a SET the spec
 * changes loses its members); one the spec changes
 * itself, or that reads a column the spec drops or changes, becomes a
 * plain column holding the stream's values (named in dropped). */
static int plan_generated(const struct table_spec *t,
			  const struct table_spec *all,
			  const struct schema_table *in, const size_t *from,
			  size_t nout, cJSON *j, struct schema_objects *dropped,
			  struct err *e)
{
	cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columns");
	char **names;
	int rc = 0;

	if (!(names = calloc(in->ncols + 1, sizeof(*names))))
		return err_oom(e);
	for (size_t i = 0; i < nout && rc == 0; i++) {
		const struct schema_column *col = &in->cols[from[i]];
		cJSON *cj = cJSON_GetArrayItem(cols, (int)i);
		cJSON *g = cJSON_GetObjectItemCaseSensitive(cj, "generated");
		cJSON *f = cJSON_GetObjectItemCaseSensitive(g, "form");
		const struct col_op *op = spec_find_col(t, col->name);
		const char *gone = NULL;
		char detail[SCHEMA_MAX_NAME + 200];
		int r;

		if (!op)
			op = spec_find_col(all, col->name);
		/* a domain's checks held the source's values, not the
		 * spec's: the column goes as its base type */
		if (col->domain && op_changes(op)) {
			rc = schema_objects_add(
			    dropped, "domain", in->name, col->name,
			    "made its base type (the spec changes its values)",
			    e);
			cJSON_DeleteItemFromObjectCaseSensitive(cj, "domain");
			if (rc < 0)
				break;
		}
		/* a SET whose values the spec changes is plain text */
		if (col->nset && op_changes(op)) {
			rc = schema_objects_add(
			    dropped, "set", in->name, col->name,
			    "made plain text (the spec changes its values)", e);
			cJSON_DeleteItemFromObjectCaseSensitive(cj, "set");
		}
		if (!col->generated || rc < 0)
			continue;
		if (op_changes(op))
			r = 1, gone = col->name;
		else
			r = follow_expr(f, 2 + from[i], t, all, in, names,
					&gone, e);
		if (r < 0) {
			rc = -1;
		} else if (r) {
			snprintf(detail, sizeof(detail),
				 "made a plain column holding the stream's "
				 "values (the spec %s column %s)",
				 spec_out_name(t, all, gone) ? "changes"
							     : "drops",
				 gone);
			rc = schema_objects_add(dropped, "generated column",
						in->name, col->name, detail, e);
			cJSON_DeleteItemFromObjectCaseSensitive(cj,
								"generated");
		}
	}
	free(names);
	return rc;
}

/* The indexes on expressions of j, as plan_checks does the checks */
static int plan_xindexes(const struct table_spec *t,
			 const struct table_spec *all,
			 const struct schema_table *in, cJSON *j,
			 struct schema_objects *dropped, struct err *e)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "expression_indexes");
	char **names;
	int rc = 0;

	if (!m || !in->nxindexes)
		return 0;
	if (!(names = calloc(in->ncols + 1, sizeof(*names))))
		return err_oom(e);
	for (int i = cJSON_GetArraySize(m) - 1; i >= 0 && rc == 0; i--) {
		cJSON *ix = cJSON_GetArrayItem(m, i), *k;
		cJSON *nm = cJSON_GetObjectItemCaseSensitive(ix, "name");
		cJSON *ks = cJSON_GetObjectItemCaseSensitive(ix, "keys");
		const char *gone = NULL;
		char detail[SCHEMA_MAX_NAME + 96];
		int g = 0;

		cJSON_ArrayForEach(k, ks)
		{
			if (g == 0)
				g = follow_expr(k, 1, t, all, in, names, &gone,
						e);
		}
		if (g == 0)
			g = follow_expr(
			    cJSON_GetObjectItemCaseSensitive(ix, "where"), 0, t,
			    all, in, names, &gone, e);
		if (g < 0) {
			rc = -1;
		} else if (g && cJSON_IsString(nm)) {
			snprintf(detail, sizeof(detail),
				 "an index on expressions (the spec %s "
				 "column %s)",
				 spec_out_name(t, all, gone) ? "changes"
							     : "drops",
				 gone);
			rc = schema_objects_add(dropped, "index", in->name,
						nm->valuestring, detail, e);
			cJSON_DeleteItemFromArray(m, i);
		}
	}
	free(names);
	return rc;
}

/* The key, the watermark, the indexes and the foreign keys of j follow
 * their columns (renamed, dropped); the spec may not drop a key column. */
static int plan_follow(struct spec *s, const struct table_spec *t,
		       const struct schema_table *in, cJSON *j, struct err *e)
{
	const struct table_spec *all = s->all;
	char path[3 * SCHEMA_MAX_NAME];
	cJSON *m;

	if ((m = cJSON_GetObjectItemCaseSensitive(j, "primary_key")) &&
	    map_names(m, in, t, all)) {
		snprintf(path, sizeof(path), "tables.%s.columns",
			 t ? t->name : "*");
		return spec_err(e, s, t ? t->line : all->line, path,
				"drops a column of the primary key of %s",
				in->name);
	}
	/* a catch-up resumes from the watermark the load committed, read
	 * back as a source value: a column whose values the spec changes
	 * is no longer the source's watermark, and the output has none (a
	 * job then refuses to take the table as caught up by it) */
	if (in->watermark >= 0) {
		const char *wn = in->cols[in->watermark].name;
		const struct col_op *op = spec_find_col(t, wn);
		if (!op)
			op = spec_find_col(all, wn);
		if (op &&
		    (op->mask != MASK_NONE || op->has_shift || op->zone ||
		     op->nmap || op->deflt || op->cast_to >= 0 || op->clean))
			cJSON_DeleteItemFromObjectCaseSensitive(j, "watermark");
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "watermark")) &&
	    cJSON_IsString(m)) {
		const char *o = spec_out_name(t, all, m->valuestring);
		if (!o)
			cJSON_DeleteItemFromObjectCaseSensitive(j, "watermark");
		else
			cJSON_SetValuestring(m, o);
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "indexes"))) {
		/* an index on a dropped column goes with it */
		for (int i = cJSON_GetArraySize(m) - 1; i >= 0; i--) {
			cJSON *ix = cJSON_GetArrayItem(m, i);
			cJSON *ic =
			    cJSON_GetObjectItemCaseSensitive(ix, "columns");
			if (ic && map_names(ic, in, t, all))
				cJSON_DeleteItemFromArray(m, i);
		}
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(j, "foreign_keys"))) {
		/* so does a foreign key; the names it references are the
		 * other table's, as the source has them */
		for (int i = cJSON_GetArraySize(m) - 1; i >= 0; i--) {
			cJSON *fk = cJSON_GetArrayItem(m, i);
			cJSON *fc =
			    cJSON_GetObjectItemCaseSensitive(fk, "columns");
			if (fc && map_names(fc, in, t, all))
				cJSON_DeleteItemFromArray(m, i);
		}
	}
	return 0;
}

/* A partitioned table's key follows its columns (renamed); a key column
 * the spec drops or whose values it changes takes the partitioning away
 * (its bounds are the source's values), which is said */
static int plan_partition(const struct table_spec *t,
			  const struct table_spec *all,
			  const struct schema_table *in, cJSON *j,
			  struct schema_objects *dropped, struct err *e)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "partition"), *pc, *c;
	int changed = 0;

	if (!m || !in->partition)
		return 0;
	pc = cJSON_GetObjectItemCaseSensitive(m, "columns");
	cJSON_ArrayForEach(c, pc)
	{
		const struct col_op *op;
		if (!cJSON_IsString(c))
			continue;
		if (!(op = spec_find_col(t, c->valuestring)))
			op = spec_find_col(all, c->valuestring);
		if (op && op_changes(op))
			changed = 1;
	}
	if (!changed && pc && !map_names(pc, in, t, all))
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(j, "partition");
	return schema_objects_add(dropped, "partitioning", in->name, in->name,
				  "its key column is dropped or changed by "
				  "the spec: one plain table",
				  e);
}

/* t's "rename", in ferry's name syntax: "archive.messages" moves the
 * table to schema archive, a bare name keeps its schema */
static int plan_rename(const struct table_spec *t,
		       const struct schema_table *in, cJSON *j, struct err *e)
{
	char *rs, *rt;
	int rc = 0;

	if (!t || !t->rename)
		return 0;
	if (schema_name_parse(t->rename, &rs, &rt, e) < 0) {
		e->class = ERR_SPEC;
		err_prefix(e, "tables.%s.rename", in->name);
		return -1;
	}
	if (!cJSON_ReplaceItemInObjectCaseSensitive(j, "name",
						    cJSON_CreateString(rt)))
		rc = err_oom(e);
	else if (rs) {
		cJSON_DeleteItemFromObjectCaseSensitive(j, "schema");
		if (!cJSON_AddStringToObject(j, "schema", rs))
			rc = err_oom(e);
	}
	free(rs);
	free(rt);
	return rc;
}

/*
 * The plan for input table `in`: checks the table's entry against its
 * columns (before any row is read) and builds the output schema through
 * its JSON form, so that the key, watermark and indexes follow the
 * columns by name.
 */
static int plan_table(struct spec *s, struct table_spec *t,
		      const struct schema_table *in, struct spec_plan *p,
		      struct err *e)
{
	char *outjs = NULL;
	cJSON *j = NULL;
	size_t nout = 0;
	char path[3 * SCHEMA_MAX_NAME];
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (plan_check_names(s, t, in, e) < 0)
		return -1;
	if (!(p->from = calloc(in->ncols + 1, sizeof(*p->from))) ||
	    !(p->row = calloc(in->ncols + (t ? t->nadds : 0) + 1,
			      sizeof(*p->row)))) {
		err_oom(e);
		goto out;
	}
	/* the input's schema as a document to edit, never text to read */
	if (!(j = schema_table_to_cjson(in, e)))
		goto out;
	if (plan_columns(s, t, in, p, j, &nout, e) < 0 ||
	    plan_ops(s, t, in, p, j, nout, e) < 0 ||
	    plan_adds(s, t, in, p, j, e) < 0 || plan_where(s, t, in, p, e) < 0)
		goto out;
	p->in = in;
	if (nout == 0) {
		snprintf(path, sizeof(path), "tables.%s", t ? t->name : "*");
		spec_err(e, s, t ? t->line : s->all->line, path,
			 "leaves table %s no column", in->name);
		goto out;
	}
	if (plan_follow(s, t, in, j, e) < 0 ||
	    plan_checks(t, s->all, in, j, &p->dropped, e) < 0 ||
	    plan_xindexes(t, s->all, in, j, &p->dropped, e) < 0 ||
	    plan_partition(t, s->all, in, j, &p->dropped, e) < 0 ||
	    plan_generated(t, s->all, in, p->from, nout, j, &p->dropped, e) <
		0 ||
	    plan_rename(t, in, j, e) < 0)
		goto out;
	if (!(outjs = cJSON_PrintUnformatted(j))) {
		err_oom(e);
		goto out;
	}
	if (!(p->out = schema_table_parse(outjs, strlen(outjs), e))) {
		err_prefix(e, "internal error: the schema of %s after the spec",
			   in->name);
		e->class = ERR_SYSTEM;
		goto out;
	}
	rc = 0;
out:
	free(outjs);
	cJSON_Delete(j);
	if (rc < 0)
		plan_release(p);
	return rc;
}

int spec_plan_new(struct spec *s, const struct schema_table *t,
		  struct spec_plan **out, struct err *e)
{
	struct table_spec *ts = spec_find_table(s, t->name);
	struct spec_plan *p;

	*out = NULL;
	if (ts)
		ts->seen = true;
	if (ts && ts->skip)
		return 0;
	if (!(p = calloc(1, sizeof(*p))))
		return err_oom(e);
	if (plan_table(s, ts, t, p, e) < 0) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

const struct schema_table *spec_plan_schema(const struct spec_plan *p)
{
	return p->out;
}

int spec_plan_source(const struct spec_plan *p, size_t col)
{
	return col < p->nmask ? (int)p->from[col] : -1;
}

const char *spec_plan_reorders_key(const struct spec_plan *p)
{
	for (size_t i = 0; i < p->out->npk; i++) {
		size_t c = p->out->pk[i];
		const struct col_op *op = c < p->nmask ? p->ops[c] : NULL;
		if (op && (op->cast_to >= 0 || op->mask || op->nmap ||
			   op->clean || op->zone))
			return p->out->cols[c].name;
	}
	return NULL;
}

int spec_plan_row(struct spec_plan *p, const struct value *row, uint64_t rown,
		  const struct value **out, struct err *e)
{
	int rc;

	if (p->where) {
		const struct value *w;
		if (expr_eval(p->where, row, &w, e) < 0) {
			char key[256];
			return err_prefix(
			    e,
			    "table %s, row %" PRIu64
			    " (%s): the filter (where)",
			    p->in->name, rown,
			    schema_row_key(p->in, row, key, sizeof(key)));
		}
		if (w->null || !w->v.b)
			return 0;
	}
	for (size_t i = 0; i < p->nmask; i++) {
		p->row[i] = row[p->from[i]];
		if (p->ops[i] &&
		    (rc = spec_apply(p->ops[i], p->in, row, p->from[i],
				     &p->row[i], &p->bufs[i], rown, e)) != 0)
			return rc < 0 ? -1 : 2;
	}
	for (size_t k = 0; k < p->nadds; k++) {
		struct value *v = &p->row[p->nmask + k];
		rc = p->ax[k]
			 ? spec_expr_value(&p->adds[k], p->ax[k], p->in, row,
					   &p->abuf[2 * k], &p->abuf[2 * k + 1],
					   v, rown, e)
			 : spec_field_value(&p->adds[k], p->in, row,
					    &row[p->add_from[k]],
					    &p->abuf[2 * k],
					    &p->abuf[2 * k + 1], v, rown, e);
		if (rc != 0)
			return rc < 0 ? -1 : 2;
	}
	*out = p->row;
	return 1;
}

void spec_plan_free(struct spec_plan *p)
{
	if (!p)
		return;
	plan_release(p);
	free(p);
}

/* The names the spec gives what a view of the input reads: per preview
 * table its output name (NULL: skipped) and its columns' (NULL: dropped,
 * or values changed); then each view carried, as a table of the views
 * after it, under its own names. */
struct view_names {
	struct schema_table **in; /* the input's tables, then views */
	char **out;
	char ***cols;
	size_t n, ntables;
};

static int view_table_out(void *ctx, size_t i, enum sqlexpr_dialect d,
			  struct buf *b, struct err *e)
{
	const struct view_names *vn = ctx;
	const char *s = vn->out[i];

	(void)d;
	return s ? buf_add_quoted(b, '"', s, e) : 1;
}

static void view_names_release(struct view_names *vn)
{
	for (size_t i = 0; i < vn->n; i++) {
		free(vn->out[i]);
		for (size_t k = 0; vn->cols[i] && k < vn->in[i]->ncols; k++)
			free(vn->cols[i][k]);
		free(vn->cols[i]);
		if (i >= vn->ntables)
			schema_table_free(vn->in[i]);
	}
	free(vn->in);
	free(vn->out);
	free(vn->cols);
}

/* the preview's tables under the spec's names, room for nviews more */
static int view_names_new(struct spec *s, struct stream_reader *r,
			  size_t nviews, struct view_names *vn, struct err *e)
{
	const struct schema_table *const *pv;
	size_t n = stream_reader_preview(r, &pv);

	memset(vn, 0, sizeof(*vn));
	if (!(vn->in = calloc(n + nviews + 1, sizeof(*vn->in))) ||
	    !(vn->out = calloc(n + nviews + 1, sizeof(*vn->out))) ||
	    !(vn->cols = calloc(n + nviews + 1, sizeof(*vn->cols))))
		return err_oom(e);
	for (size_t i = 0; i < n; i++) {
		struct spec_plan *p;
		vn->in[i] = (struct schema_table *)pv[i];
		vn->n = vn->ntables = i + 1;
		if (spec_plan_new(s, pv[i], &p, e) < 0)
			return -1;
		if (!p)
			continue; /* skipped: a view of it is not carried */
		if (!(vn->out[i] = strdup(p->out->name)) ||
		    !(vn->cols[i] = calloc(pv[i]->ncols + 1, sizeof(char *)))) {
			spec_plan_free(p);
			return err_oom(e);
		}
		for (size_t j = 0; j < p->nmask; j++)
			if ((!p->ops[j] || !op_changes(p->ops[j])) &&
			    !(vn->cols[i][p->from[j]] =
				  strdup(p->out->cols[j].name))) {
				spec_plan_free(p);
				return err_oom(e);
			}
		spec_plan_free(p);
	}
	return 0;
}

/* objects o[0..n) into out, each view's query written again with the
 * spec's names (or the view named as not carried, with the reason) */
static int views_renamed(struct spec *s, struct stream_reader *r,
			 const struct schema_object *o, size_t n,
			 struct schema_objects *out, struct err *e)
{
	struct view_names vn;
	size_t nviews = 0;
	struct buf q;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		nviews += o[i].view != NULL;
	buf_init(&q, (size_t)SQLEXPR_MAX_LEN * 2);
	if (view_names_new(s, r, nviews, &vn, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct schema_object *x = &o[i];
		struct sqlview_names nm = { view_table_out, &vn,
					    (char *const *const *)vn.cols, 0 };
		char why[400], detail[600];
		int trc = 1;
		if (x->view) {
			buf_reset(&q);
			if ((trc = sqlview_translate(x->view->query, vn.in, vn.n,
						     SQLEXPR_FERRY, &nm, 0, &q,
						     why, sizeof(why), e)) < 0 ||
			    (trc == 0 && buf_addc(&q, 0, e) < 0))
				goto out;
			if (trc)
				snprintf(detail, sizeof(detail),
					 "not carried by the spec: %s", why);
		}
		if (schema_objects_add(out, x->kind, x->table, x->name,
				       x->view && trc ? detail : x->detail,
				       e) < 0 ||
		    (x->seq && schema_objects_set_sequence(out, x->seq, e) < 0))
			goto out;
		if (!x->view || trc)
			continue;
		if (schema_objects_set_view(out, x->view->schema, x->view->name,
					    (const char *)q.data, e) < 0)
			goto out;
		/* the view, as a table of the views after it */
		if ((vn.in[vn.n] = sqlview_table(x->view->query, vn.in, vn.n,
						 x->view->schema, x->view->name,
						 why, sizeof(why), e))) {
			struct schema_table *t = vn.in[vn.n];
			vn.cols[vn.n] = calloc(t->ncols + 1, sizeof(char *));
			vn.out[vn.n] = strdup(t->name);
			vn.n++;
			if (!vn.cols[vn.n - 1] || !vn.out[vn.n - 1]) {
				err_oom(e);
				goto out;
			}
			for (size_t k = 0; k < t->ncols; k++)
				if (!(vn.cols[vn.n - 1][k] =
					  strdup(t->cols[k].name))) {
					err_oom(e);
					goto out;
				}
		} else if (e->class) {
			goto out;
		}
	}
	rc = 0;
out:
	buf_release(&q);
	view_names_release(&vn);
	return rc;
}

/* The objects frames read since the last call, passed on as one (names
 * as the source has them: a spec's renames do not apply to them, but a
 * view's query reads the tables and columns as the spec names them). */
static int pass_objects(struct spec *s, struct stream_reader *r,
			struct stream_writer *w, size_t *done, struct err *e)
{
	const struct schema_objects *o = stream_reader_objects(r);
	struct schema_objects part, renamed = { 0 };
	int rc;

	if (o->n == *done)
		return 0;
	part.v = o->v + *done;
	part.n = part.cap = o->n - *done;
	*done = o->n;
	if (!schema_objects_has_views(&part))
		return stream_writer_add_objects(w, &part, e);
	rc = views_renamed(s, r, part.v, part.n, &renamed, e) < 0
		 ? -1
		 : stream_writer_add_objects(w, &renamed, e);
	schema_objects_release(&renamed);
	return rc;
}

/* The preview of the tables to come, as the spec makes them (a table
 * it skips left out), passed on once. */
static int pass_preview(struct spec *s, struct stream_reader *r,
			struct stream_writer *w, struct err *e)
{
	const struct schema_table *const *pv;
	size_t n = stream_reader_preview(r, &pv), k = 0;
	struct schema_table **out;
	int rc = -1;

	if (!n)
		return 0;
	if (!(out = calloc(n, sizeof(*out))))
		return err_oom(e);
	for (size_t i = 0; i < n; i++) {
		struct spec_plan *p;
		if (spec_plan_new(s, pv[i], &p, e) < 0)
			goto out;
		if (!p)
			continue;
		out[k] = schema_table_copy(p->out, e);
		spec_plan_free(p);
		if (!out[k++])
			goto out;
	}
	rc = stream_writer_add_preview(
	    w, (const struct schema_table *const *)out, k, e);
out:
	for (size_t i = 0; i < k; i++)
		schema_table_free(out[i]);
	free(out);
	return rc;
}

/* --- a follow stream's changes -------------------------------------------- */

/* One followed table: its plan for rows and a second for keys (so that an
 * update's old key and its row are reshaped side by side), its index in
 * the output's follow frame, or none when the spec skips it. */
struct fw_table {
	struct spec_plan *row, *key;
	size_t out; /* SIZE_MAX: skipped */
	struct value *in_row; /* a row of the input table, for keys */
	struct value *okey, *oold, *orow;
	unsigned char *unch;
};

/* the output key of p from the input key values key[0..npk) */
static int fw_key(struct fw_table *f, const struct value *key,
		  struct value *out, struct err *e)
{
	struct spec_plan *p = f->key;
	const struct schema_table *in = p->in, *o = p->out;

	for (size_t c = 0; c < in->ncols; c++)
		f->in_row[c].null = true;
	for (size_t k = 0; k < in->npk; k++)
		f->in_row[in->pk[k]] = key[k];
	for (size_t k = 0; k < o->npk; k++) {
		size_t j = o->pk[k];
		out[k] = f->in_row[p->from[j]];
		if (p->ops[j] && spec_apply(p->ops[j], in, f->in_row,
					    p->from[j], &out[k], &p->bufs[j], 0,
					    e) != 0)
			return err_prefix(e, "table %s, a changed key",
					  in->name);
	}
	return 0;
}

/* the plans of the followed tables, and the output's follow frame */
static int fw_setup(struct spec *s, const struct stream_follow *f,
		    struct fw_table *ft, struct schema_table **outs,
		    size_t *nout, struct err *e)
{
	*nout = 0;
	for (size_t i = 0; i < f->ntables; i++) {
		const struct schema_table *t = f->tables[i];
		const struct schema_table *o;
		ft[i].out = SIZE_MAX;
		if (spec_plan_new(s, t, &ft[i].row, e) < 0)
			return -1;
		if (!ft[i].row)
			continue;
		if (spec_plan_new(s, t, &ft[i].key, e) < 0)
			return -1;
		o = ft[i].row->out;
		if (!o->npk)
			return err_set(e, ERR_SPEC,
				       "table %s: the spec leaves it no primary "
				       "key, by which its changes are applied",
				       t->name);
		for (size_t k = 0; k < o->npk; k++) {
			size_t j = o->pk[k];
			int from = j < ft[i].row->nmask
				       ? (int)ft[i].row->from[j]
				       : -1;
			int inkey = 0;
			for (size_t q = 0; from >= 0 && q < t->npk; q++)
				inkey |= t->pk[q] == (size_t)from;
			if (!inkey)
				return err_set(
				    e, ERR_SPEC,
				    "table %s: key column %s of the output "
				    "does not come from the input's key, which "
				    "is all a deletion carries",
				    t->name, o->cols[j].name);
		}
		if (!(ft[i].in_row = calloc(t->ncols + 1, sizeof(struct value))) ||
		    !(ft[i].okey = calloc(o->npk + 1, sizeof(struct value))) ||
		    !(ft[i].oold = calloc(o->npk + 1, sizeof(struct value))) ||
		    !(ft[i].unch = calloc(o->ncols / 8 + 1, 1)))
			return err_oom(e);
		ft[i].out = *nout;
		/* the writer keeps it as it is (stream_follow's type) */
		outs[(*nout)++] = (struct schema_table *)o;
	}
	return 0;
}

/* the output's change for input change c of table f (0: none) */
static int fw_change(struct fw_table *f, const struct stream_change *c,
		     struct stream_writer *w, uint64_t *n, struct err *e)
{
	struct spec_plan *p = f->row;
	const struct schema_table *in = p->in, *o = p->out;
	struct stream_change oc;
	const struct value *orow;
	int rc, any = 0;

	memset(&oc, 0, sizeof(oc));
	oc.table = f->out;
	if (c->op == STREAM_CHANGE_DELETE) {
		if (fw_key(f, c->key, f->okey, e) < 0)
			return -1;
		oc.op = STREAM_CHANGE_DELETE;
		oc.key = f->okey;
		(*n)++;
		return stream_writer_change(w, &oc, e);
	}
	if (c->unchanged && (p->nadds || p->where))
		return err_set(e, ERR_SPEC,
			       "table %s: an update that leaves values unsent "
			       "(TOAST), and a spec that computes columns or "
			       "filters rows, which would need them",
			       in->name);
	if (c->old_key && fw_key(f, c->old_key, f->oold, e) < 0)
		return -1;
	rc = spec_plan_row(p, c->row, 0, &orow, e);
	if (rc < 0)
		return -1;
	if (rc == 2) {
		e->class = ERR_SPEC;
		return err_prefix(e, "a change the spec rejects");
	}
	if (rc == 0) {
		/* filtered out: an insert is none, an update is the row
		 * leaving what the target holds */
		if (c->op == STREAM_CHANGE_INSERT)
			return 0;
		for (int k = 0; k < 2; k++) {
			const struct value *key = k ? c->old_key : NULL;
			struct value ik[64];
			if (k && !key)
				continue;
			if (!k) {
				if (in->npk > 64)
					return err_set(e, ERR_SPEC,
						       "table %s: a key of "
						       "%zu columns",
						       in->name, in->npk);
				for (size_t q = 0; q < in->npk; q++)
					ik[q] = c->row[in->pk[q]];
				key = ik;
			}
			if (fw_key(f, key, f->okey, e) < 0)
				return -1;
			memset(&oc, 0, sizeof(oc));
			oc.table = f->out;
			oc.op = STREAM_CHANGE_DELETE;
			oc.key = f->okey;
			(*n)++;
			if (stream_writer_change(w, &oc, e) < 0)
				return -1;
		}
		return 0;
	}
	oc.op = c->op;
	oc.row = orow;
	oc.old_key = c->old_key ? f->oold : NULL;
	if (c->unchanged) {
		memset(f->unch, 0, o->ncols / 8 + 1);
		for (size_t j = 0; j < p->nmask; j++)
			if (c->unchanged[p->from[j] / 8] >> (p->from[j] % 8) &
			    1) {
				f->unch[j / 8] |= (unsigned char)(1u << (j % 8));
				any = 1;
			}
		oc.unchanged = any ? f->unch : NULL;
	}
	(*n)++;
	return stream_writer_change(w, &oc, e);
}

/* After the tables: the follow frame as the spec makes its tables, then
 * each change reshaped by its table's rules, keys too. */
static int transform_follow(struct spec *s, struct stream_reader *r,
			    struct stream_writer *w, struct transform_stats *st,
			    struct err *e)
{
	const struct stream_follow *f = stream_reader_follow(r);
	struct fw_table *ft = calloc(f->ntables + 1, sizeof(*ft));
	struct schema_table **outs = calloc(f->ntables + 1, sizeof(*outs));
	struct stream_follow of = *f;
	struct stream_event ev;
	size_t nout = 0;
	int rc = -1, erc;

	if (!ft || !outs) {
		err_oom(e);
		goto out;
	}
	if (fw_setup(s, f, ft, outs, &nout, e) < 0)
		goto out;
	if (!nout) {
		err_set(e, ERR_SPEC,
			"the spec skips every table the stream follows");
		goto out;
	}
	of.tables = outs;
	of.ntables = nout;
	if (stream_writer_begin_follow(w, &of, e) < 0 ||
	    stream_writer_flush(w, e) < 0)
		goto out;
	while ((erc = stream_reader_next_event(r, &ev, e)) == 1) {
		switch (ev.kind) {
		case STREAM_EVENT_CHANGE:
			if (ft[ev.change.table].out == SIZE_MAX)
				continue;
			if (fw_change(&ft[ev.change.table], &ev.change, w,
				      &st->rows, e) < 0)
				goto out;
			break;
		case STREAM_EVENT_COMMIT:
			if (stream_writer_commit(w, ev.pos, ev.time_us, e) < 0 ||
			    stream_writer_flush(w, e) < 0)
				goto out;
			break;
		case STREAM_EVENT_HEARTBEAT:
			if (stream_writer_heartbeat(w, ev.pos, ev.time_us, e) <
				0 ||
			    stream_writer_flush(w, e) < 0)
				goto out;
			break;
		}
	}
	if (erc < 0)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; ft && i < f->ntables; i++) {
		spec_plan_free(ft[i].row);
		spec_plan_free(ft[i].key);
		free(ft[i].in_row);
		free(ft[i].okey);
		free(ft[i].oold);
		free(ft[i].unch);
	}
	free(ft);
	free(outs);
	return rc;
}

int transform_run(struct spec *s, FILE *in, const char *in_name,
		  struct stream_writer *w, struct rejects *rj,
		  struct transform_stats *st, struct err *e)
{
	size_t objects_done = 0;
	int preview_done = 0;
	struct stream_reader *r = stream_reader_new(in, in_name, e);
	const struct schema_table *t;
	struct spec_plan *p = NULL;
	int rc = -1, trc;

	memset(st, 0, sizeof(*st));
	if (!r)
		return -1;
	while ((trc = stream_reader_next_table(r, &t, e)) == 1) {
		const struct value *row, *orow;
		uint64_t rown = 0;
		int rrc;

		/* a follow stream in, a follow stream out */
		if (!st->tables_in &&
		    stream_reader_version(r) == STREAM_FOLLOW_MAJOR &&
		    stream_writer_set_follow(w, e) < 0)
			goto out;
		st->tables_in++;
		if (!preview_done++ && pass_preview(s, r, w, e) < 0)
			goto out;
		if (pass_objects(s, r, w, &objects_done, e) < 0)
			goto out;
		spec_plan_free(p);
		if (spec_plan_new(s, t, &p, e) < 0)
			goto out;
		if (!p)
			continue; /* skipped: the reader checks its rows on */
		if ((p->dropped.n &&
		     stream_writer_add_objects(w, &p->dropped, e) < 0) ||
		    stream_writer_begin_table(w, p->out, e) < 0)
			goto out;
		while ((rrc = stream_reader_next_row(r, &row, e)) == 1) {
			int prc = spec_plan_row(p, row, ++rown, &orow, e);
			if (prc < 0)
				goto out;
			if (prc == 0) {
				st->filtered++;
				continue;
			}
			if (prc == 2) {
				char why[ERR_MSG_MAX];
				snprintf(why, sizeof(why), "%s", e->msg);
				if (!rj) {
					e->class = ERR_SPEC;
					goto out;
				}
				if (rejects_add(rj, t, row, why, e) < 0)
					goto out;
				st->rejected++;
				continue;
			}
			if (stream_writer_add_row(w, orow, e) < 0)
				goto out;
			st->rows++;
		}
		if (rrc < 0) {
			err_prefix(e, "%s", in_name);
			goto out;
		}
		if (stream_writer_end_table(w, e) < 0)
			goto out;
		if (rj && rejects_end_table(rj, e) < 0)
			goto out;
		st->tables_out++;
	}
	if (trc < 0) {
		err_prefix(e, "%s", in_name);
		goto out;
	}
	if (stream_reader_follow(r) &&
	    ((!st->tables_in && stream_writer_set_follow(w, e) < 0) ||
	     pass_objects(s, r, w, &objects_done, e) < 0 ||
	     transform_follow(s, r, w, st, e) < 0)) {
		if (e->class == ERR_STREAM || e->class == ERR_PIPE)
			err_prefix(e, "%s", in_name);
		goto out;
	}
	/* a table the spec names but the stream lacks is likely a typo,
	 * and one that would leave, say, a masking undone */
	for (size_t i = 0; i < s->ntables; i++)
		if (&s->tables[i] != s->all && !s->tables[i].seen) {
			char path[2 * SCHEMA_MAX_NAME];
			snprintf(path, sizeof(path), "tables.%s",
				 s->tables[i].name);
			spec_err(e, s, s->tables[i].line, path,
				 "the stream has no table %s",
				 s->tables[i].name);
			goto out;
		}
	for (size_t i = 0; s->all && i < s->all->ncols; i++)
		if (!s->all->cols[i].used) {
			char path[2 * SCHEMA_MAX_NAME];
			snprintf(path, sizeof(path), "tables.*.columns.%s",
				 s->all->cols[i].name);
			spec_err(e, s, s->all->cols[i].line, path,
				 "no table in the stream has a column %s",
				 s->all->cols[i].name);
			goto out;
		}
	if (pass_objects(s, r, w, &objects_done, e) < 0 ||
	    stream_writer_finish(w, e) < 0)
		goto out;
	rc = 0;
out:
	spec_plan_free(p);
	stream_reader_free(r);
	return rc;
}
