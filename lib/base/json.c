#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/utf8.h"

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	struct err *e;
};

static int perr(struct parser *p, const char *what)
{
	return err_set(p->e, ERR_STREAM, "invalid JSON at byte %zu: %s", p->pos,
		       what);
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int read_hex4(struct parser *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (p->len - p->pos < 4)
		return perr(p, "short \\u escape");
	for (i = 0; i < 4; i++) {
		int h = hex_value(p->s[p->pos + (size_t)i]);
		if (h < 0)
			return perr(p, "bad \\u escape");
		v = v << 4 | (unsigned)h;
	}
	p->pos += 4;
	*out = v;
	return 0;
}

/* Parse a string at p->pos (on the opening quote) into out (unescaped). */
static int parse_string(struct parser *p, struct buf *out)
{
	p->pos++;
	for (;;) {
		size_t start = p->pos;
		unsigned char c;

		while (p->pos < p->len) {
			c = (unsigned char)p->s[p->pos];
			if (c == '"' || c == '\\' || c < 0x20)
				break;
			p->pos++;
		}
		if (p->pos > start) {
			if (!utf8_valid(p->s + start, p->pos - start)) {
				p->pos = start;
				return perr(p, "string is not valid UTF-8");
			}
			if (buf_add(out, p->s + start, p->pos - start, p->e) <
			    0)
				return -1;
		}
		if (p->pos >= p->len)
			return perr(p, "unterminated string");
		c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c < 0x20)
			return perr(p, "control character in string");
		p->pos++; /* backslash */
		if (p->pos >= p->len)
			return perr(p, "unterminated string");
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			if (buf_addc(out, c, p->e) < 0)
				return -1;
			break;
		case 'b':
			if (buf_addc(out, '\b', p->e) < 0)
				return -1;
			break;
		case 'f':
			if (buf_addc(out, '\f', p->e) < 0)
				return -1;
			break;
		case 'n':
			if (buf_addc(out, '\n', p->e) < 0)
				return -1;
			break;
		case 'r':
			if (buf_addc(out, '\r', p->e) < 0)
				return -1;
			break;
		case 't':
			if (buf_addc(out, '\t', p->e) < 0)
				return -1;
			break;
		case 'u': {
			unsigned cp, lo;
			char enc[4];
			size_t n;

			if (read_hex4(p, &cp) < 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return perr(p, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->pos < 2 ||
				    p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u')
					return perr(p, "lone high surrogate");
				p->pos += 2;
				if (read_hex4(p, &lo) < 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return perr(p, "bad surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			n = utf8_encode(cp, enc);
			if (buf_add(out, enc, n, p->e) < 0)
				return -1;
			break;
		}
		default: p->pos--; return perr(p, "bad escape");
		}
	}
}

static int parse_number(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->pos;

	if (i < p->len && s[i] == '-')
		i++;
	if (i >= p->len)
		return perr(p, "bad number");
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return perr(p, "bad number");
	}
	if (i < p->len && s[i] == '.') {
		i++;
		if (i >= p->len || s[i] < '0' || s[i] > '9') {
			p->pos = i;
			return perr(p, "bad number");
		}
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->len || s[i] < '0' || s[i] > '9') {
			p->pos = i;
			return perr(p, "bad number");
		}
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	p->pos = i;
	return 0;
}

static int literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return perr(p, "unexpected character");
	p->pos += n;
	return 0;
}

static char *dup_buf(struct buf *b, size_t *len, struct err *e)
{
	char *s = malloc(b->len + 1);

	if (!s) {
		err_oom(e);
		return NULL;
	}
	memcpy(s, b->data ? (char *)b->data : "", b->len);
	s[b->len] = '\0';
	*len = b->len;
	return s;
}

static void node_release(struct json_node *n)
{
	size_t i;

	free(n->str);
	for (i = 0; i < n->n; i++) {
		node_release(&n->kids[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->kids);
	free(n->keys);
	free(n->keylens);
}

static int parse_value(struct parser *p, struct json_node *n, int depth);

static int grow_kids(struct json_node *n, size_t *cap, int object,
		     struct err *e)
{
	size_t ncap = *cap ? *cap * 2 : 4;
	struct json_node *k;

	if (n->n < *cap)
		return 0;
	k = realloc(n->kids, ncap * sizeof(*k));
	if (!k)
		return err_oom(e);
	n->kids = k;
	if (object) {
		char **keys = realloc(n->keys, ncap * sizeof(*keys));
		size_t *kl;
		if (!keys)
			return err_oom(e);
		n->keys = keys;
		kl = realloc(n->keylens, ncap * sizeof(*kl));
		if (!kl)
			return err_oom(e);
		n->keylens = kl;
	}
	*cap = ncap;
	return 0;
}

static int parse_value(struct parser *p, struct json_node *n, int depth)
{
	size_t start, cap = 0;
	struct buf b;
	int rc = -1;

	memset(n, 0, sizeof(*n));
	if (depth > JSON_MAX_DEPTH)
		return perr(p, "nested too deeply");
	skip_ws(p);
	if (p->pos >= p->len)
		return perr(p, "unexpected end");
	start = p->pos;
	buf_init(&b, p->len + 16);
	switch (p->s[p->pos]) {
	case 'n':
		n->kind = JSON_NULL;
		rc = literal(p, "null");
		break;
	case 't':
		n->kind = JSON_TRUE;
		rc = literal(p, "true");
		break;
	case 'f':
		n->kind = JSON_FALSE;
		rc = literal(p, "false");
		break;
	case '"':
		n->kind = JSON_STRING;
		rc = parse_string(p, &b);
		if (rc == 0 && !(n->str = dup_buf(&b, &n->len, p->e)))
			rc = -1;
		break;
	case '[':
		n->kind = JSON_ARRAY;
		p->pos++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ']') {
			p->pos++;
			rc = 0;
			break;
		}
		for (;;) {
			if (grow_kids(n, &cap, 0, p->e) < 0)
				goto out;
			if (parse_value(p, &n->kids[n->n], depth + 1) < 0) {
				node_release(&n->kids[n->n]);
				goto out;
			}
			n->n++;
			skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->s[p->pos] == ']') {
				p->pos++;
				rc = 0;
				break;
			}
			perr(p, "expected ',' or ']'");
			goto out;
		}
		break;
	case '{':
		n->kind = JSON_OBJECT;
		p->pos++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == '}') {
			p->pos++;
			rc = 0;
			break;
		}
		for (;;) {
			size_t klen;
			char *key;

			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				perr(p, "expected a string key");
				goto out;
			}
			buf_reset(&b);
			if (parse_string(p, &b) < 0)
				goto out;
			if (!(key = dup_buf(&b, &klen, p->e)))
				goto out;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				perr(p, "expected ':'");
				goto out;
			}
			p->pos++;
			if (grow_kids(n, &cap, 1, p->e) < 0) {
				free(key);
				goto out;
			}
			n->keys[n->n] = key;
			n->keylens[n->n] = klen;
			if (parse_value(p, &n->kids[n->n], depth + 1) < 0) {
				node_release(&n->kids[n->n]);
				free(key);
				goto out;
			}
			n->n++;
			skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->s[p->pos] == '}') {
				p->pos++;
				rc = 0;
				break;
			}
			perr(p, "expected ',' or '}'");
			goto out;
		}
		break;
	default:
		n->kind = JSON_NUMBER;
		rc = parse_number(p);
		if (rc == 0) {
			buf_reset(&b);
			if (buf_add(&b, p->s + start, p->pos - start, p->e) <
				0 ||
			    !(n->str = dup_buf(&b, &n->len, p->e)))
				rc = -1;
		}
		break;
	}
out:
	buf_release(&b);
	if (rc == 0) {
		n->raw = p->s + start;
		n->rawlen = p->pos - start;
	}
	return rc;
}

struct json_node *json_parse(const char *s, size_t len, struct err *e)
{
	struct parser p = { s, len, 0, e };
	struct json_node *n = calloc(1, sizeof(*n));

	if (!n) {
		err_oom(e);
		return NULL;
	}
	if (parse_value(&p, n, 0) < 0)
		goto fail;
	skip_ws(&p);
	if (p.pos != len) {
		perr(&p, "trailing characters");
		goto fail;
	}
	return n;
fail:
	node_release(n);
	free(n);
	return NULL;
}

void json_free(struct json_node *n)
{
	if (!n)
		return;
	node_release(n);
	free(n);
}

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
	size_t klen = strlen(key);
	size_t i;

	if (!obj || obj->kind != JSON_OBJECT)
		return NULL;
	for (i = obj->n; i-- > 0;)
		if (obj->keylens[i] == klen &&
		    memcmp(obj->keys[i], key, klen) == 0)
			return &obj->kids[i];
	return NULL;
}

int json_check_strict(const struct json_node *n, struct err *e)
{
	char q[96];

	if (n->kind == JSON_STRING && memchr(n->str, '\0', n->len))
		return err_set(e, ERR_STREAM, "a string holds U+0000");
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == JSON_OBJECT) {
			if (memchr(n->keys[i], '\0', n->keylens[i]))
				return err_set(e, ERR_STREAM,
					       "a key holds U+0000");
			for (size_t k = 0; k < i; k++)
				if (n->keylens[k] == n->keylens[i] &&
				    memcmp(n->keys[k], n->keys[i],
					   n->keylens[i]) == 0)
					return err_set(
					    e, ERR_STREAM,
					    "member \"%s\" appears twice",
					    err_quote(q, sizeof(q), n->keys[i],
						      n->keylens[i], 60));
		}
		if (json_check_strict(&n->kids[i], e) < 0)
			return -1;
	}
	return 0;
}

int json_validate(const char *s, size_t len, struct err *e)
{
	struct json_node *n = json_parse(s, len, e);

	if (!n)
		return -1;
	json_free(n);
	return 0;
}

int json_add_string(struct buf *out, const char *s, size_t len, struct err *e)
{
	if (buf_addc(out, '"', e) < 0 ||
	    json_add_string_body(out, s, len, e) < 0)
		return -1;
	return buf_addc(out, '"', e);
}

int json_add_string_body(struct buf *out, const char *s, size_t len,
			 struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (buf_add(out, s + run, i - run, e) < 0)
			return -1;
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (buf_add(out, esc, n, e) < 0)
			return -1;
	}
	return buf_add(out, s + run, len - run, e);
}

struct keyref {
	const char *key;
	size_t len;
	size_t idx;
};

static int keycmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* equal keys: keep input order so the last one can win */
	return x->idx < y->idx ? -1 : 1;
}

/*
 * A number's exact value in plain decimal: no exponent, no leading zeros,
 * no trailing fraction zeros, no "-0" (2.5e-3 and 0.00250 both give
 * 0.0025; 1E+2 gives 100), so that MariaDB's text, PostgreSQL's jsonb and
 * MySQL's doubles agree.  An exponent that would need more than
 * JSON_CANON_MAX_SHIFT zeros keeps the form d.ddde[-]N instead.
 */
#define JSON_CANON_MAX_SHIFT 1000

static int canonical_number(struct buf *out, const char *s, size_t len,
			    struct err *e)
{
	const char *p = s, *end = s + len, *ds;
	int neg = 0;
	long long exp = 0, point;
	size_t nd = 0, first, last;
	struct buf dig;
	int rc = -1;

	buf_init(&dig, len + 1);
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	/* all digits into dig; point = digits before the decimal point */
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if (buf_addc(&dig, (unsigned char)*p, e) < 0)
			goto out;
	point = (long long)dig.len;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			if (buf_addc(&dig, (unsigned char)*p, e) < 0)
				goto out;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 1000000000LL)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	ds = (const char *)dig.data;
	nd = dig.len;
	/* significant digits: ds[first..last] */
	for (first = 0; first < nd && ds[first] == '0'; first++)
		;
	if (first == nd) {
		rc = buf_addc(out, '0', e);
		goto out;
	}
	for (last = nd - 1; ds[last] == '0'; last--)
		;
	point +=
	    exp - (long long)first; /* digits of ds[first..] before the point */
	if (neg && buf_addc(out, '-', e) < 0)
		goto out;
	if (point > JSON_CANON_MAX_SHIFT || point < -JSON_CANON_MAX_SHIFT) {
		if (buf_addc(out, (unsigned char)ds[first], e) < 0)
			goto out;
		if (last > first &&
		    (buf_addc(out, '.', e) < 0 ||
		     buf_add(out, ds + first + 1, last - first, e) < 0))
			goto out;
		rc = buf_addf(out, e, "e%lld", point - 1);
		goto out;
	}
	if (point <= 0) {
		if (buf_adds(out, "0.", e) < 0)
			goto out;
		for (long long z = 0; z < -point; z++)
			if (buf_addc(out, '0', e) < 0)
				goto out;
		rc = buf_add(out, ds + first, last - first + 1, e);
		goto out;
	}
	for (long long i = 0; i < point; i++)
		if (buf_addc(out,
			     first + (size_t)i <= last
				 ? (unsigned char)ds[first + (size_t)i]
				 : '0',
			     e) < 0)
			goto out;
	if ((long long)(last - first + 1) > point &&
	    (buf_addc(out, '.', e) < 0 ||
	     buf_add(out, ds + first + (size_t)point,
		     (size_t)((long long)(last - first + 1) - point), e) < 0))
		goto out;
	rc = 0;
out:
	buf_release(&dig);
	return rc;
}

static int emit_canonical(const struct json_node *n, struct buf *out,
			  struct err *e)
{
	size_t i;

	switch (n->kind) {
	case JSON_NULL: return buf_adds(out, "null", e);
	case JSON_TRUE: return buf_adds(out, "true", e);
	case JSON_FALSE: return buf_adds(out, "false", e);
	case JSON_NUMBER: return canonical_number(out, n->str, n->len, e);
	case JSON_STRING: return json_add_string(out, n->str, n->len, e);
	case JSON_ARRAY:
		if (buf_addc(out, '[', e) < 0)
			return -1;
		for (i = 0; i < n->n; i++) {
			if (i && buf_addc(out, ',', e) < 0)
				return -1;
			if (emit_canonical(&n->kids[i], out, e) < 0)
				return -1;
		}
		return buf_addc(out, ']', e);
	case JSON_OBJECT: {
		struct keyref *refs;
		int first = 1, rc = -1;

		if (buf_addc(out, '{', e) < 0)
			return -1;
		refs = malloc((n->n ? n->n : 1) * sizeof(*refs));
		if (!refs)
			return err_oom(e);
		for (i = 0; i < n->n; i++) {
			refs[i].key = n->keys[i];
			refs[i].len = n->keylens[i];
			refs[i].idx = i;
		}
		qsort(refs, n->n, sizeof(*refs), keycmp);
		for (i = 0; i < n->n; i++) {
			/* of equal keys only the last (in input order) counts
			 */
			if (i + 1 < n->n && refs[i + 1].len == refs[i].len &&
			    memcmp(refs[i + 1].key, refs[i].key, refs[i].len) ==
				0)
				continue;
			if (!first && buf_addc(out, ',', e) < 0)
				goto obj_out;
			first = 0;
			if (json_add_string(out, refs[i].key, refs[i].len, e) <
				0 ||
			    buf_addc(out, ':', e) < 0 ||
			    emit_canonical(&n->kids[refs[i].idx], out, e) < 0)
				goto obj_out;
		}
		rc = buf_addc(out, '}', e);
	obj_out:
		free(refs);
		return rc;
	}
	}
	return err_set(e, ERR_SYSTEM, "internal error: bad JSON node");
}

int json_canonical(const char *s, size_t len, struct buf *out, struct err *e)
{
	struct json_node *n = json_parse(s, len, e);
	int rc;

	if (!n)
		return -1;
	rc = emit_canonical(n, out, e);
	json_free(n);
	return rc;
}
