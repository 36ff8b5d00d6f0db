#include "db/resume.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "stream/stream.h"

void resume_init(struct resume *r, const struct schema_table *t)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	buf_init(&r->last_mem, (size_t)STREAM_MAX_ROW);
	for (size_t i = 0; i < RESUME_MAX_POS; i++)
		buf_init(&r->ck_mem[i], (size_t)STREAM_MAX_FIELD + 64);
	if (t->npk + 1 > RESUME_MAX_POS)
		return;
	if (t->watermark >= 0)
		r->cols[r->n++] = (size_t)t->watermark;
	for (size_t k = 0; k < t->npk; k++)
		if ((int)t->pk[k] != t->watermark)
			r->cols[r->n++] = t->pk[k];
}

void resume_release(struct resume *r)
{
	for (size_t i = 0; i < RESUME_MAX_POS; i++)
		buf_release(&r->ck_mem[i]);
	buf_release(&r->last_mem);
	json_free(r->ck_key);
	free(r->key_text);
	free(r->wm_text);
	memset(r, 0, sizeof(*r));
}

int resume_parse(struct resume *r, const char *table, const char *job,
		 const char *wm_column, const char *last_wm,
		 const char *last_key, struct err *e)
{
	const struct schema_table *t = r->t;
	const struct json_node *key;
	struct err je;
	size_t at = 0;

	if (!r->n)
		return 0;
	if ((t->watermark >= 0) != (last_wm != NULL) || !last_key)
		return err_set(e, ERR_USAGE,
			       "table %s: job %s loaded it %s a watermark; "
			       "this stream has %s",
			       table, job, last_wm ? "with" : "without",
			       t->watermark >= 0 ? "one" : "none");
	if (t->watermark >= 0) {
		if (!wm_column ||
		    strcmp(wm_column, t->cols[t->watermark].name) != 0)
			return err_set(e, ERR_USAGE,
				       "table %s: the job's watermark column "
				       "is '%s', the stream's '%s'",
				       table, wm_column ? wm_column : "",
				       t->cols[t->watermark].name);
		if (value_parse(t->cols[t->watermark].type, last_wm,
				strlen(last_wm), &r->ck_mem[0], &r->ck[0],
				e) < 0)
			return err_prefix(e,
					  "table %s: the checkpoint's "
					  "watermark",
					  table);
		at = 1;
	}
	/* kept until resume_release: value_parse leaves text, decimal and
	 * json values pointing into the parsed strings */
	json_free(r->ck_key);
	err_init(&je);
	key = r->ck_key = json_parse(last_key, strlen(last_key), &je);
	if (key && json_check_strict(key, &je) < 0)
		key = NULL; /* a string holding U+0000 */
	if (!key || key->kind != JSON_ARRAY || key->n != t->npk)
		return err_set(e, ERR_USAGE,
			       "table %s: the checkpoint's last key does not "
			       "fit the stream's primary key of %zu columns",
			       table, t->npk);
	for (size_t i = at; i < r->n; i++) {
		size_t k = 0;
		const struct json_node *v;
		while (t->pk[k] != r->cols[i])
			k++;
		v = &key->kids[k];
		if (v->kind != JSON_STRING)
			return err_set(e, ERR_USAGE,
				       "table %s: the checkpoint's last key "
				       "holds a non-string",
				       table);
		if (value_parse(t->cols[r->cols[i]].type, v->str, v->len,
				&r->ck_mem[i], &r->ck[i], e) < 0)
			return err_prefix(e, "table %s: the checkpoint's key",
					  table);
	}
	r->has_ck = 1;
	return 0;
}

void resume_pos_of(const struct resume *r, const struct value *row,
		   struct value *pos)
{
	for (size_t i = 0; i < r->n; i++)
		pos[i] = row[r->cols[i]];
}

int resume_compare(const struct resume *r, const struct value *a,
		   const struct value *b)
{
	for (size_t i = 0; i < r->n; i++) {
		int c =
		    value_compare(r->t->cols[r->cols[i]].type, &a[i], &b[i]);
		if (c)
			return c;
	}
	return 0;
}

int resume_keep_last(struct resume *r, const struct value *pos, struct err *e)
{
	size_t off[RESUME_MAX_POS];

	buf_reset(&r->last_mem);
	for (size_t i = 0; i < r->n; i++) {
		r->last[i] = pos[i];
		off[i] = r->last_mem.len;
		if (value_type_is_bytes(r->t->cols[r->cols[i]].type) &&
		    !pos[i].null &&
		    buf_add(&r->last_mem, pos[i].v.s.p, pos[i].v.s.len, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		if (value_type_is_bytes(r->t->cols[r->cols[i]].type) &&
		    !r->last[i].null)
			r->last[i].v.s.p =
			    (const char *)r->last_mem.data + off[i];
	r->has_last = 1;
	return 0;
}

/* a value's text form, malloc'd; refused when it holds a NUL */
static char *text_of(const struct schema_column *c, const struct value *v,
		     struct err *e)
{
	struct buf b;
	char *s = NULL;

	buf_init(&b, (size_t)STREAM_MAX_FIELD * 2 + 64);
	if (value_format(&b, c->type, v, VALUE_STYLE_TEXT, e) < 0)
		goto out;
	if (memchr(b.data, '\0', b.len)) {
		err_set(e, ERR_STREAM,
			"column %s: a key or watermark holding a NUL byte "
			"cannot be kept in a checkpoint",
			c->name);
		goto out;
	}
	if (!(s = malloc(b.len + 1))) {
		err_oom(e);
		goto out;
	}
	memcpy(s, b.data ? b.data : (unsigned char *)"", b.len);
	s[b.len] = '\0';
out:
	buf_release(&b);
	return s;
}

int resume_texts(struct resume *r, const char **key, const char **wm,
		 struct err *e)
{
	const struct schema_table *t = r->t;
	cJSON *arr;

	free(r->key_text);
	free(r->wm_text);
	r->key_text = r->wm_text = NULL;
	if (!(arr = cJSON_CreateArray()))
		return err_oom(e);
	for (size_t k = 0; k < t->npk; k++) {
		size_t i = 0;
		char *s;
		cJSON *item;
		while (r->cols[i] != t->pk[k])
			i++;
		if (!(s = text_of(&t->cols[t->pk[k]], &r->last[i], e))) {
			cJSON_Delete(arr);
			return -1;
		}
		item = cJSON_CreateString(s);
		free(s);
		if (!item || !cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(arr);
			return err_oom(e);
		}
	}
	r->key_text = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	if (!r->key_text)
		return err_oom(e);
	if (t->watermark >= 0 &&
	    !(r->wm_text = text_of(&t->cols[t->watermark], &r->last[0], e)))
		return -1;
	*key = r->key_text;
	*wm = r->wm_text;
	return 0;
}
