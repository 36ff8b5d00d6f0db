/*
 * colops - one column's spec operations on one value (shift, clean, map,
 * zone, cast, mask) and the values of added columns.
 */
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
#include "transform/expr.h"
#include "transform/spec_int.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * Cast value v of type `from` (column col of row `row`) to op's type:
 * through the value's text form, which the new type must read whole
 * (12.50 is no int64, 7 no bool), except for the direct cases: unix
 * time, a timestamp's date, a bool's 0/1, timestamp and timestamptz.
 * A value that does not convert is an error naming it, or NULL.
 */
static int cast_value(const struct col_op *op, const struct schema_table *t,
		      const struct value *row, size_t col, enum value_type from,
		      struct value *v, struct buf *fb, struct buf *pb,
		      uint64_t rown, struct err *e)
{
	enum value_type to = (enum value_type)op->cast_to;
	struct value out;
	struct err e2;
	char key[256], val[128];

	if (from == to)
		return 0;
	if (op->cast_unix) {
		int64_t x = from == VALUE_INT64 ? v->v.i : (int64_t)v->v.u;
		int64_t us;
		if ((from == VALUE_UINT64 && v->v.u > INT64_MAX) ||
		    __builtin_mul_overflow(
			x, op->cast_unix == 1 ? 1000000 : 1000, &us) ||
		    us == VALUE_TS_NEG_INF || us == VALUE_TS_POS_INF)
			goto invalid;
		v->v.i = us;
		return 0;
	}
	if ((from == VALUE_TIMESTAMP || from == VALUE_TIMESTAMPTZ) &&
	    to == VALUE_DATE) {
		v->v.i = v->v.i == VALUE_TS_NEG_INF ? VALUE_DATE_NEG_INF
			 : v->v.i == VALUE_TS_POS_INF
			     ? VALUE_DATE_POS_INF
			     : floor_div(v->v.i, INT64_C(86400000000));
		return 0;
	}
	if ((from == VALUE_TIMESTAMP && to == VALUE_TIMESTAMPTZ) ||
	    (from == VALUE_TIMESTAMPTZ && to == VALUE_TIMESTAMP))
		return 0; /* zoneless times are UTC in ferry */
	if (from == VALUE_BOOL && (to == VALUE_INT64 || to == VALUE_UINT64)) {
		bool b = v->v.b;
		if (to == VALUE_INT64)
			v->v.i = b;
		else
			v->v.u = b;
		return 0;
	}
	buf_reset(fb);
	buf_reset(pb);
	if (value_format(fb, from, v, VALUE_STYLE_TEXT, &e2) < 0)
		goto invalid;
	memset(&out, 0, sizeof(out));
	/* what the writer would refuse (JSON that is not JSON, ...) is a
	 * value that does not convert */
	if (value_parse(to, fb->data ? (const char *)fb->data : "", fb->len, pb,
			&out, &e2) < 0 ||
	    value_check(to, &out, NULL, 0, &e2) < 0)
		goto invalid;
	*v = out;
	return 0;
invalid:
	if (op->invalid == 1) {
		v->null = true;
		return 0;
	}
	buf_reset(fb);
	if (value_format(fb, from, v, VALUE_STYLE_TEXT, &e2) < 0)
		snprintf(val, sizeof(val), "?");
	else
		err_quote(val, sizeof(val), (const char *)fb->data, fb->len,
			  64);
	err_set(e, op->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
		"table %s, row %" PRIu64 " (%s), column %s: %s '%s' is "
		"not a valid %s",
		t->name, rown, schema_row_key(t, row, key, sizeof(key)),
		t->cols[col].name, value_type_name(from), val,
		value_type_name(to));
	return op->invalid == 2 ? REJECTED : -1;
}

/* The field a names of JSON value j, as a value of a's type in out (into
 * b); NULL where the field is missing or JSON null. */
int spec_field_value(const struct add_col *a, const struct schema_table *t,
		     const struct value *row, const struct value *j,
		     struct buf *tb, struct buf *b, struct value *out,
		     uint64_t rown, struct err *e)
{
	struct json_node *root;
	const struct json_node *n;
	const char *txt = NULL;
	size_t len = 0;
	struct err e2;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->null = true;
	if (j->null)
		return 0;
	if (!(root = json_parse(j->v.s.p, j->v.s.len, &e2)))
		goto invalid;
	n = root;
	for (size_t i = 0; n && i < a->npath; i++) {
		if (n->kind == JSON_OBJECT)
			n = json_get(n, a->path[i]);
		else if (n->kind == JSON_ARRAY &&
			 strspn(a->path[i], "0123456789") ==
			     strlen(a->path[i])) {
			unsigned long ix = strtoul(a->path[i], NULL, 10);
			n = ix < n->n ? &n->kids[ix] : NULL;
		} else
			n = NULL;
	}
	if (!n || n->kind == JSON_NULL) {
		json_free(root);
		return 0;
	}
	switch (n->kind) {
	case JSON_STRING:
	case JSON_NUMBER:
		txt = n->str;
		len = n->len;
		break;
	case JSON_TRUE: txt = "true", len = 4; break;
	case JSON_FALSE: txt = "false", len = 5; break;
	default: txt = n->raw; len = n->rawlen;
	}
	buf_reset(b);
	buf_reset(tb);
	if (a->type == VALUE_JSON && n->kind == JSON_STRING) {
		/* a string field into a json column stays a JSON string */
		txt = n->raw;
		len = n->rawlen;
	}
	/* the text outlives the parsed tree: a parsed text value points
	 * into it */
	rc = buf_add(tb, txt, len, &e2);
	json_free(root);
	if (rc == 0)
		rc = value_parse((enum value_type)a->type,
				 tb->data ? (const char *)tb->data : "", len, b,
				 out, &e2);
	if (rc == 0) {
		out->null = false;
		if (value_check((enum value_type)a->type, out, NULL, 0, &e2) ==
		    0)
			return 0;
	}
invalid:
	memset(out, 0, sizeof(*out));
	out->null = true;
	if (a->invalid == 1)
		return 0;
	{
		char key[256];
		err_set(e, a->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
			"table %s, row %" PRIu64 " (%s), column %s: "
			"the field does not read as %s",
			t->name, rown, schema_row_key(t, row, key, sizeof(key)),
			a->name, value_type_name((enum value_type)a->type));
		return a->invalid == 2 ? REJECTED : -1;
	}
}

/*
 * Computed column a: expression x on input row `row`, as a value of a's
 * type in out (converted through its text form when the spec names
 * another type: tb, b).  An expression that fails (division by zero) or
 * a result that does not convert follows a's invalid rule.
 */
int spec_expr_value(const struct add_col *a, struct expr *x,
		    const struct schema_table *t, const struct value *row,
		    struct buf *tb, struct buf *b, struct value *out,
		    uint64_t rown, struct err *e)
{
	const struct value *v;
	enum value_type from = expr_type(x), to;
	struct err e2;
	char key[256], why[ERR_MSG_MAX];

	err_init(&e2);
	if (expr_eval(x, row, &v, &e2) < 0) {
		snprintf(why, sizeof(why), "%s", e2.msg);
		goto invalid;
	}
	*out = *v;
	to = a->type < 0 ? from : (enum value_type)a->type;
	if (v->null || from == to)
		return 0;
	if ((from == VALUE_TIMESTAMP || from == VALUE_TIMESTAMPTZ) &&
	    (to == VALUE_TIMESTAMP || to == VALUE_TIMESTAMPTZ))
		return 0; /* zoneless times are UTC in ferry */
	buf_reset(tb);
	buf_reset(b);
	memset(out, 0, sizeof(*out));
	if (value_format(tb, from, v, VALUE_STYLE_TEXT, &e2) == 0 &&
	    value_parse(to, (const char *)tb->data, tb->len, b, out, &e2) ==
		0 &&
	    value_check(to, out, NULL, 0, &e2) == 0)
		return 0;
	{
		char val[128];
		err_quote(val, sizeof(val), (const char *)tb->data, tb->len,
			  64);
		snprintf(why, sizeof(why), "%s '%s' is not a valid %s",
			 value_type_name(from), val, value_type_name(to));
	}
invalid:
	memset(out, 0, sizeof(*out));
	out->null = true;
	if (a->invalid == 1)
		return 0;
	err_set(e, a->invalid == 2 ? ERR_REJECTS : ERR_SPEC,
		"table %s, row %" PRIu64 " (%s), column %s: %s", t->name, rown,
		schema_row_key(t, row, key, sizeof(key)), a->name, why);
	return a->invalid == 2 ? REJECTED : -1;
}

/* Clean text value v (v then points into b). */
static int clean_value(const struct col_op *op, struct buf *b, struct value *v,
		       struct err *e)
{
	const unsigned char *p = (const unsigned char *)v->v.s.p;
	size_t len = v->v.s.len, start = 0, end = len;

	if (op->trim) {
		while (start < end && (p[start] == ' ' || p[start] == '\t' ||
				       p[start] == '\n' || p[start] == '\r' ||
				       p[start] == '\f' || p[start] == '\v'))
			start++;
		while (end > start &&
		       (p[end - 1] == ' ' || p[end - 1] == '\t' ||
			p[end - 1] == '\n' || p[end - 1] == '\r' ||
			p[end - 1] == '\f' || p[end - 1] == '\v'))
			end--;
	}
	buf_reset(b);
	if (buf_reserve(b, end - start + 1, e) < 0)
		return -1;
	for (size_t i = start; i < end; i++) {
		unsigned char ch = p[i];
		if (ch == 0 && op->remove_nul)
			continue;
		if (op->tcase == 1 && ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		else if (op->tcase == 2 && ch >= 'a' && ch <= 'z')
			ch = (unsigned char)(ch - 'a' + 'A');
		b->data[b->len++] = ch;
	}
	b->data[b->len] = '\0';
	v->v.s.p = (const char *)b->data;
	v->v.s.len = b->len;
	return 0;
}

/* Map value v (column col of row `row`), or default it when NULL. */
static int map_value(const struct col_op *op, const struct schema_table *t,
		     const struct value *row, size_t col, struct value *v,
		     uint64_t rown, struct err *e)
{
	if (v->null) {
		if (op->deflt) {
			v->null = false;
			v->v.s.p = op->deflt;
			v->v.s.len = strlen(op->deflt);
		}
		return 0;
	}
	for (size_t k = 0; k < op->nmap; k++)
		if (v->v.s.len == op->from_len[k] &&
		    memcmp(v->v.s.p, op->map_from[k], v->v.s.len) == 0) {
			v->v.s.p = op->map_to[k];
			v->v.s.len = op->map_len[k];
			return 0;
		}
	if (op->nmap && op->unmapped == 1) {
		v->null = true;
		return 0;
	}
	if (op->nmap && op->unmapped >= 2) {
		char key[256], val[128];
		err_quote(val, sizeof(val), v->v.s.p, v->v.s.len, 64);
		err_set(e, op->unmapped == 3 ? ERR_REJECTS : ERR_SPEC,
			"table %s, row %" PRIu64 " (%s), column %s: "
			"value '%s' is not in the map",
			t->name, rown, schema_row_key(t, row, key, sizeof(key)),
			t->cols[col].name, val);
		return op->unmapped == 3 ? REJECTED : -1;
	}
	return 0;
}

static void add_hex(struct buf *b, const unsigned char *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		b->data[b->len++] = (unsigned char)hex[d[i] >> 4];
		b->data[b->len++] = (unsigned char)hex[d[i] & 15];
	}
	b->data[b->len] = '\0';
}

/* Add op's shift to integer value v of row `row` of input table t; an
 * overflow names the table, row, key and column. */
static int shift_value(const struct col_op *op, const struct schema_table *t,
		       const struct value *row, enum value_type type,
		       struct value *v, uint64_t rown, struct err *e)
{
	int64_t d = op->shift;
	bool over;

	if (type == VALUE_INT64) {
		int64_t r;
		over = __builtin_add_overflow(v->v.i, d, &r);
		if (!over)
			v->v.i = r;
	} else {
		uint64_t r;
		over = d >= 0 ? __builtin_add_overflow(v->v.u, (uint64_t)d, &r)
			      : __builtin_sub_overflow(
				    v->v.u, (uint64_t)0 - (uint64_t)d, &r);
		if (!over)
			v->v.u = r;
	}
	if (over) {
		char key[256];
		char val[32];
		if (type == VALUE_INT64)
			snprintf(val, sizeof(val), "%" PRId64, v->v.i);
		else
			snprintf(val, sizeof(val), "%" PRIu64, v->v.u);
		return err_set(e, ERR_SPEC,
			       "table %s, row %" PRIu64 " (%s), column %s: "
			       "%s shifted by %" PRId64 " is out of range",
			       t->name, rown,
			       schema_row_key(t, row, key, sizeof(key)),
			       op->name, val, d);
	}
	return 0;
}

/* the zone localtime_r works in */
static char current_zone[256];

static long gmtoff_at(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return LONG_MIN;
	return tm.tm_gmtoff;
}

/*
 * Timestamp v, a wall clock time in op's zone, to the instant it names
 * (microseconds since the epoch, UTC).  A time the zone skips (a
 * daylight-saving gap) is an error; one it passes twice is an error or
 * the earlier or later instant, as the spec says.
 */
static int zone_value(const struct col_op *op, const struct schema_table *t,
		      const struct value *row, size_t col, struct value *v,
		      uint64_t rown, struct err *e)
{
	int64_t us = v->v.i, secs, frac;
	time_t L, cand[3], ok[3];
	long offs[3];
	size_t nok = 0;

	if (us == VALUE_TS_NEG_INF || us == VALUE_TS_POS_INF)
		return 0;
	if (strcmp(current_zone, op->zone) != 0) {
		snprintf(current_zone, sizeof(current_zone), "%s", op->zone);
		setenv("TZ", op->zone, 1);
		tzset();
	}
	secs = us / 1000000;
	frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	L = (time_t)secs;
	/* the offsets in force around L; each gives a candidate instant,
	 * good when the zone shows L at that instant */
	offs[0] = gmtoff_at(L - 86400);
	offs[1] = gmtoff_at(L);
	offs[2] = gmtoff_at(L + 86400);
	for (size_t i = 0; i < 3; i++) {
		bool dup = false;
		if (offs[i] == LONG_MIN)
			continue;
		cand[i] = L - offs[i];
		for (size_t k = 0; k < nok; k++)
			dup |= ok[k] == cand[i];
		if (!dup && gmtoff_at(cand[i]) == offs[i])
			ok[nok++] = cand[i];
	}
	if (nok == 1 || (nok == 2 && op->ambiguous)) {
		time_t u = ok[0];
		if (nok == 2 && ((op->ambiguous < 0) == (ok[1] < ok[0])))
			u = ok[1];
		v->v.i = (int64_t)u * 1000000 + frac;
		return 0;
	}
	{
		char key[256], val[64];
		struct buf b;
		struct err e2;
		buf_init(&b, 64);
		if (value_format(&b, VALUE_TIMESTAMP, v, VALUE_STYLE_TEXT,
				 &e2) < 0)
			buf_release(&b);
		snprintf(val, sizeof(val), "%s", b.data ? (char *)b.data : "?");
		buf_release(&b);
		return err_set(
		    e, ERR_SPEC,
		    "table %s, row %" PRIu64 " (%s), column %s: %s "
		    "%s in %s%s",
		    t->name, rown, schema_row_key(t, row, key, sizeof(key)),
		    t->cols[col].name, val,
		    nok == 0 ? "does not exist" : "happens twice", op->zone,
		    nok == 0 ? " (a daylight-saving gap)"
			     : " (set \"ambiguous\" to "
			       "\"earlier\" or \"later\")");
	}
}

/* Mask text value v in place (v then points into b). */
/* HMAC-SHA-256 of p[0..len) under op's key, into md (32 bytes): the
 * column's context is keyed once, and each value starts again from that
 * key (a one-shot HMAC() looked up SHA-256 and set up the key for every
 * value) */
static int hmac_value(const struct col_op *op, struct spec_bufs *sb,
		      const unsigned char *p, size_t len, unsigned char *md,
		      struct err *e)
{
	EVP_MAC_CTX *ctx = sb->mac;
	size_t outl = 0;

	if (!ctx) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM params[2];
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
		EVP_MAC_free(mac); /* the context keeps its reference */
		if (!ctx || !EVP_MAC_init(ctx, op->key, op->keylen, params)) {
			EVP_MAC_CTX_free(ctx);
			return err_set(e, ERR_SYSTEM,
				       "HMAC-SHA-256 is not available");
		}
		sb->mac = ctx;
	} else if (!EVP_MAC_init(ctx, NULL, 0, NULL)) {
		return err_set(e, ERR_SYSTEM, "HMAC-SHA-256 failed");
	}
	if (!EVP_MAC_update(ctx, p, len) ||
	    !EVP_MAC_final(ctx, md, &outl, 32) || outl != 32)
		return err_set(e, ERR_SYSTEM, "HMAC-SHA-256 failed");
	return 0;
}

static int mask_value(const struct col_op *op, struct spec_bufs *sb,
		      struct value *v, struct err *e)
{
	const unsigned char *p = (const unsigned char *)v->v.s.p;
	size_t len = v->v.s.len;
	struct buf *b = &sb->mask;

	buf_reset(b);
	switch (op->mask) {
	case MASK_HMAC:
	case MASK_EMAIL: {
		unsigned char md[32];
		const unsigned char *at = NULL;
		if (hmac_value(op, sb, p, len, md, e) < 0)
			return -1;
		for (size_t i = len; op->mask == MASK_EMAIL && i > 0; i--)
			if (p[i - 1] == '@') {
				at = p + i - 1;
				break;
			}
		if (buf_reserve(b, MASK_HEX + (at ? len : 0) + 1, e) < 0)
			return -1;
		/* an email keeps its domain; without an '@' it is hashed
		 * whole, like hmac */
		add_hex(b, md, at ? MASK_EMAIL_HEX / 2 : MASK_HEX / 2);
		if (at && buf_add(b, at, len - (size_t)(at - p), e) < 0)
			return -1;
		break;
	}
	case MASK_REDACT:
		if (buf_adds(b, op->mask_with, e) < 0)
			return -1;
		break;
	case MASK_KEEP_LAST: {
		size_t chars = 0, skip, i = 0;
		for (size_t k = 0; k < len; k++)
			chars += (p[k] & 0xC0) != 0x80;
		if (chars <= op->keep)
			return 0; /* nothing to hide */
		skip = chars - op->keep;
		/* past the first `skip` characters */
		for (size_t n = 0; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80 && n++ == skip)
				break;
		}
		if (buf_reserve(b, skip + (len - i) + 1, e) < 0)
			return -1;
		memset(b->data, '*', skip);
		b->len = skip;
		if (buf_add(b, p + i, len - i, e) < 0)
			return -1;
		break;
	}
	default: return 0;
	}
	v->v.s.p = (const char *)(b->data ? b->data : (unsigned char *)"");
	v->v.s.len = b->len;
	return 0;
}

enum value_type spec_column_type(const struct col_op *op, enum value_type from)
{
	if (op && op->cast_to >= 0)
		return (enum value_type)op->cast_to;
	if (op && op->zone)
		return VALUE_TIMESTAMPTZ;
	return from;
}

void spec_bufs_init(struct spec_bufs *b)
{
	buf_init(&b->clean, (size_t)STREAM_MAX_ROW);
	buf_init(&b->fmt, (size_t)STREAM_MAX_ROW * 2 + 64);
	buf_init(&b->parse, (size_t)STREAM_MAX_ROW * 2 + 64);
	buf_init(&b->mask, (size_t)STREAM_MAX_ROW);
	b->mac = NULL;
}

void spec_bufs_release(struct spec_bufs *b)
{
	buf_release(&b->clean);
	buf_release(&b->fmt);
	buf_release(&b->parse);
	buf_release(&b->mask);
	EVP_MAC_CTX_free(b->mac);
	b->mac = NULL;
}

/* Run op's operations on value v of column col (of row `row` of table t),
 * in their order: shift, clean, map and default, zone, cast, mask.  b:
 * room for the value's new forms.  0, REJECTED, or -1. */
int spec_apply(const struct col_op *op, const struct schema_table *t,
	       const struct value *row, size_t col, struct value *v,
	       struct spec_bufs *b, uint64_t rown, struct err *e)
{
	enum value_type ty = t->cols[col].type;
	int rc;

	if (op->has_shift && !v->null &&
	    shift_value(op, t, row, ty, v, rown, e) < 0)
		return -1;
	if (op->clean && !v->null && clean_value(op, &b->clean, v, e) < 0)
		return -1;
	if ((op->nmap || op->deflt) &&
	    (rc = map_value(op, t, row, col, v, rown, e)) != 0)
		return rc;
	if (op->zone) {
		if (!v->null && zone_value(op, t, row, col, v, rown, e) < 0)
			return -1;
		ty = VALUE_TIMESTAMPTZ; /* an instant now */
	}
	if (op->cast_to >= 0 && !v->null &&
	    (rc = cast_value(op, t, row, col, ty, v, &b->fmt, &b->parse, rown,
			     e)) != 0)
		return rc;
	if (op->mask && !v->null && mask_value(op, b, v, e) < 0)
		return -1;
	return 0;
}
