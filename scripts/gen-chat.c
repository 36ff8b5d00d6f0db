/*
 * gen-chat - write the reference chat database as bulk-load files
 *
 *   gen-chat --engine mysql|postgres --messages N --out DIR [--seed S]
 *
 * Writes DIR/<table>.<engine>.tsv for the seven tables of
 * schemas/chat/{mysql,postgres}.sql, in the column order of those files,
 * and DIR/counts.tsv (table, tab, rows).  For mysql the files are in the
 * format of
 *
 *   LOAD DATA LOCAL INFILE ... CHARACTER SET utf8mb4
 *     FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'
 *
 * (\N is NULL; backslash, tab, newline, CR and NUL are written as \\ \t \n
 * \r \0; binary columns are raw bytes escaped the same way), for postgres
 * in COPY's text format (\N; \\ \t \n \r; bytea as \\x and hex).
 *
 * The data is a function of N and the seed alone: the same arguments give
 * the same bytes, and both engines get the same logical rows.  Every table
 * draws from its own xoshiro256** stream, and no draw depends on the
 * engine; only the spelling of a value does.  The two spellings differ in
 * booleans (0/1 against f/t), timestamptz (PostgreSQL's carry "+00"; load
 * MySQL with time_zone '+00:00'), bytea, and the zero date, which MySQL
 * gets as '0000-00-00' and PostgreSQL as NULL.
 *
 * Fixed rows make the edge cases certain whatever the seed: see
 * special_bodies[] (messages 1..20), messages 21..24 (DST gaps and
 * folds), 25..26 (expires 9999-12-31), the three 1 MiB bodies at messages
 * N/4, N/2 and 3N/4, users 1..12 (BIGINT UNSIGNED and TIMESTAMP extremes,
 * zero date, all-0x00 and all-0xff hashes, 'NULL' and '\N' names),
 * chat_groups 1..3, conversations 1..3 (INT64_MIN, INT64_MAX) and
 * attachments 1..6.  Foreign-key-like columns only name rows that exist;
 * a group's messages come from its members, receipts never from the
 * sender, and (message_id, user_id) is unique.
 *
 * Build: cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o build/gen-chat \
 *            scripts/gen-chat.c
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEN_MIN_MESSAGES 100
#define GEN_MAX_MESSAGES 100000000
#define GEN_BIG_BODY 1048576  /* bytes of each of the three big bodies */
#define GEN_OUT_BUF (4 << 20) /* output buffer per table */
#define GEN_SCRATCH (2 << 20) /* body and JSON scratch buffers */
#define GEN_THUMB_MAX 2000

#define EXIT_USAGE 2
#define EXIT_SYSTEM 8

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum engine { ENGINE_MYSQL, ENGINE_PG };

static const char *progname = "gen-chat";

static void die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_SYSTEM, "out of memory");
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die(EXIT_SYSTEM, "out of memory");
	return p;
}

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* One independent stream per table: seed and stream number mixed. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03u);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), without modulo bias; n == 0 gives 0. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return 0;
	limit = UINT64_MAX - UINT64_MAX % n;
	do {
		x = rng_next(r);
	} while (x >= limit);
	return x % n;
}

/* Uniform in [lo, hi]. */
static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* True with probability per_mille / 1000. */
static int rng_chance(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

static const char *rng_pick(struct rng *r, const char *const *v, size_t n)
{
	return v[rng_below(r, n)];
}

#define PICK(r, arr) rng_pick((r), (arr), NELEM(arr))

/*
 * Draws must happen in one fixed order for the output to be the same
 * with every compiler, so no expression below makes two of them: C leaves
 * the order of operands and of function arguments unspecified.
 */

/* Microseconds in [from_ms, from_ms + span_ms). */
static int64_t rng_us(struct rng *r, int64_t from_ms, int64_t span_ms)
{
	int64_t ms = from_ms + (int64_t)rng_below(r, (uint64_t)span_ms);

	return ms * 1000 + (int64_t)rng_below(r, 1000);
}

/* Seconds of the day: an hour in [h_lo, h_hi], then a second offset
 * below within (a multiple of unit). */
static unsigned rng_clock(struct rng *r, unsigned h_lo, unsigned h_hi,
			  unsigned within, unsigned unit)
{
	unsigned h = (unsigned)rng_range(r, h_lo, h_hi);

	return h * 3600 + (unsigned)rng_below(r, within) * unit;
}

/* ---- calendar ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#define MS_PER_DAY INT64_C(86400000)

/* Milliseconds since the epoch of a wall-clock time read as UTC. */
static int64_t ms_of(int64_t y, unsigned mo, unsigned d, unsigned h,
		     unsigned mi, unsigned s, unsigned ms)
{
	return days_from_civil(y, mo, d) * MS_PER_DAY +
	       ((int64_t)h * 3600 + mi * 60 + s) * 1000 + ms;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- byte buffers ---- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_init(struct buf *b, size_t cap)
{
	b->p = xmalloc(cap);
	b->len = 0;
	b->cap = cap;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (n > b->cap - b->len)
		die(EXIT_SYSTEM, "internal error: scratch buffer full");
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static size_t fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static size_t fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p = '-';
		return 1 + fmt_u64(p + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(p, (uint64_t)v);
}

static void buf_i64(struct buf *b, int64_t v)
{
	char tmp[24];

	buf_add(b, tmp, fmt_i64(tmp, v));
}

/* Fixed-width zero-padded decimal. */
static char *put_digits(char *p, uint64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* "YYYY-MM-DD HH:MM:SS" then `digits` fraction digits of `frac`. */
static size_t fmt_datetime(char *p, int64_t secs, uint64_t frac, int digits)
{
	char *q = p;
	int64_t days = floor_div(secs, 86400), y;
	int64_t sod = secs - days * 86400;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	q = put_digits(q, (uint64_t)y, 4);
	*q++ = '-';
	q = put_digits(q, m, 2);
	*q++ = '-';
	q = put_digits(q, d, 2);
	*q++ = ' ';
	q = put_digits(q, (uint64_t)(sod / 3600), 2);
	*q++ = ':';
	q = put_digits(q, (uint64_t)(sod / 60 % 60), 2);
	*q++ = ':';
	q = put_digits(q, (uint64_t)(sod % 60), 2);
	if (digits) {
		*q++ = '.';
		q = put_digits(q, frac, digits);
	}
	return (size_t)(q - p);
}

/* A JSON string literal; with ascii, every non-ASCII character as \uXXXX
 * (surrogate pairs above U+FFFF), as some clients send them. */
static void buf_json_string(struct buf *b, const char *s, int ascii)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char e[12];

	buf_add(b, "\"", 1);
	while (*u) {
		unsigned c = *u;

		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			buf_add(b, e, 2);
			u++;
		} else if (c < 0x20) {
			const char *named = c == '\n'	? "\\n"
					    : c == '\r' ? "\\r"
					    : c == '\t' ? "\\t"
					    : c == '\b' ? "\\b"
					    : c == '\f' ? "\\f"
							: NULL;
			if (named) {
				buf_str(b, named);
			} else {
				memcpy(e, "\\u00", 4);
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
				buf_add(b, e, 6);
			}
			u++;
		} else if (c < 0x80 || !ascii) {
			buf_add(b, (const char *)u, 1);
			u++;
		} else {
			/* input is valid UTF-8: decode one character */
			unsigned cp, n, i, units[2], nu = 0;

			if (c >= 0xf0) {
				cp = c & 0x07;
				n = 3;
			} else if (c >= 0xe0) {
				cp = c & 0x0f;
				n = 2;
			} else {
				cp = c & 0x1f;
				n = 1;
			}
			for (i = 1; i <= n; i++)
				cp = (cp << 6) | (u[i] & 0x3f);
			u += n + 1;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				units[nu++] = 0xd800 | (cp >> 10);
				units[nu++] = 0xdc00 | (cp & 0x3ff);
			} else {
				units[nu++] = cp;
			}
			for (i = 0; i < nu; i++) {
				e[0] = '\\';
				e[1] = 'u';
				e[2] = hex[units[i] >> 12];
				e[3] = hex[(units[i] >> 8) & 15];
				e[4] = hex[(units[i] >> 4) & 15];
				e[5] = hex[units[i] & 15];
				buf_add(b, e, 6);
			}
		}
	}
	buf_add(b, "\"", 1);
}

/* ---- table output ---- */

struct table {
	const char *name;
	enum engine engine;
	char *path;
	FILE *fp;
	char *buf;
	size_t len;
	uint64_t rows;
	int nfield; /* fields written in the current row */
};

static unsigned char esc_table[256]; /* byte -> escape letter, 0: as is */

static void escapes_init(enum engine e)
{
	esc_table['\\'] = '\\';
	esc_table['\t'] = 't';
	esc_table['\n'] = 'n';
	esc_table['\r'] = 'r';
	/* PostgreSQL text cannot hold NUL at all; bytes go as hex there */
	if (e == ENGINE_MYSQL)
		esc_table[0] = '0';
}

static void table_open(struct table *t, const char *dir, const char *name,
		       enum engine e)
{
	const char *suffix = e == ENGINE_MYSQL ? ".mysql.tsv" : ".postgres.tsv";
	size_t n = strlen(dir) + 1 + strlen(name) + strlen(suffix) + 1;
	int w;

	t->name = name;
	t->engine = e;
	t->path = xmalloc(n);
	w = snprintf(t->path, n, "%s/%s%s", dir, name, suffix);
	if (w < 0 || (size_t)w >= n)
		die(EXIT_SYSTEM, "internal error: path length");
	t->fp = fopen(t->path, "wb");
	if (!t->fp)
		die(EXIT_SYSTEM, "cannot create '%s': %s", t->path,
		    strerror(errno));
	t->buf = xmalloc(GEN_OUT_BUF);
	t->len = 0;
	t->rows = 0;
	t->nfield = 0;
}

static void table_flush(struct table *t)
{
	if (t->len && fwrite(t->buf, 1, t->len, t->fp) != t->len)
		die(EXIT_SYSTEM, "write '%s': %s", t->path, strerror(errno));
	t->len = 0;
}

static void table_close(struct table *t)
{
	table_flush(t);
	if (fflush(t->fp) != 0 || ferror(t->fp))
		die(EXIT_SYSTEM, "write '%s': %s", t->path, strerror(errno));
	if (fclose(t->fp) != 0)
		die(EXIT_SYSTEM, "close '%s': %s", t->path, strerror(errno));
	free(t->buf);
	free(t->path);
}

/* Room for n more bytes, after the field separator when one is due. */
static char *field(struct table *t, size_t n)
{
	if (n + 2 > GEN_OUT_BUF - t->len) {
		table_flush(t);
		if (n + 2 > GEN_OUT_BUF)
			die(EXIT_SYSTEM, "internal error: field too long");
	}
	if (t->nfield++)
		t->buf[t->len++] = '\t';
	return t->buf + t->len;
}

static void end_row(struct table *t)
{
	if (t->len == GEN_OUT_BUF)
		table_flush(t);
	t->buf[t->len++] = '\n';
	t->rows++;
	t->nfield = 0;
}

static void put_raw(struct table *t, const char *s, size_t n)
{
	memcpy(field(t, n), s, n);
	t->len += n;
}

static void put_str(struct table *t, const char *s)
{
	put_raw(t, s, strlen(s));
}

static void put_null(struct table *t)
{
	put_raw(t, "\\N", 2);
}

static void put_i64(struct table *t, int64_t v)
{
	t->len += fmt_i64(field(t, 24), v);
}

static void put_u64(struct table *t, uint64_t v)
{
	t->len += fmt_u64(field(t, 24), v);
}

/* An id column that may be NULL: 0 means NULL. */
static void put_ref(struct table *t, int64_t v)
{
	if (v)
		put_i64(t, v);
	else
		put_null(t);
}

static void put_bool(struct table *t, int v)
{
	if (t->engine == ENGINE_MYSQL)
		put_str(t, v ? "1" : "0");
	else
		put_str(t, v ? "t" : "f");
}

static void put_text(struct table *t, const char *s, size_t n)
{
	char *p = field(t, 2 * n), *q = p;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char e = esc_table[c];

		if (!e) {
			*q++ = (char)c;
			continue;
		}
		if (c == 0 && t->engine != ENGINE_MYSQL)
			die(EXIT_SYSTEM, "internal error: NUL in text");
		*q++ = '\\';
		*q++ = (char)e;
	}
	t->len += (size_t)(q - p);
}

static void put_cstr(struct table *t, const char *s)
{
	put_text(t, s, strlen(s));
}

/* Text or NULL (a NULL pointer). */
static void put_opt(struct table *t, const char *s)
{
	if (s)
		put_cstr(t, s);
	else
		put_null(t);
}

static void put_buf(struct table *t, const struct buf *b)
{
	put_text(t, b->p, b->len);
}

static void put_bytes(struct table *t, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p;
	size_t i;

	if (t->engine == ENGINE_MYSQL) {
		/* raw bytes, escaped as text; NUL as \0 */
		put_text(t, (const char *)s, n);
		return;
	}
	/* bytea hex format; the backslash itself is escaped for COPY */
	p = field(t, 3 + 2 * n);
	*p++ = '\\';
	*p++ = '\\';
	*p++ = 'x';
	for (i = 0; i < n; i++) {
		*p++ = hex[s[i] >> 4];
		*p++ = hex[s[i] & 15];
	}
	t->len += 3 + 2 * n;
}

/* A DATE; y == 0 is MySQL's zero date, which PostgreSQL gets as NULL. */
static void put_date(struct table *t, int64_t y, unsigned m, unsigned d)
{
	char *p;

	if (y == 0) {
		if (t->engine == ENGINE_MYSQL)
			put_str(t, "0000-00-00");
		else
			put_null(t);
		return;
	}
	p = field(t, 10);
	p = put_digits(p, (uint64_t)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	put_digits(p, d, 2);
	t->len += 10;
}

/* DATETIME(3) / timestamp(3): wall-clock milliseconds, no zone. */
static void put_datetime3(struct table *t, int64_t ms)
{
	int64_t s = floor_div(ms, 1000);

	t->len += fmt_datetime(field(t, 32), s, (uint64_t)(ms - s * 1000), 3);
}

static void put_datetime3_opt(struct table *t, int64_t ms, int present)
{
	if (present)
		put_datetime3(t, ms);
	else
		put_null(t);
}

/* TIMESTAMP(6) / timestamptz(6): microseconds since the epoch, UTC. */
static void put_timestamp6(struct table *t, int64_t us)
{
	int64_t s = floor_div(us, 1000000);
	char *p = field(t, 40);
	size_t n = fmt_datetime(p, s, (uint64_t)(us - s * 1000000), 6);

	if (t->engine == ENGINE_PG) {
		memcpy(p + n, "+00", 3);
		n += 3;
	}
	t->len += n;
}

static void put_timestamp6_opt(struct table *t, int64_t us, int present)
{
	if (present)
		put_timestamp6(t, us);
	else
		put_null(t);
}

static void put_time(struct table *t, unsigned sod)
{
	char *p = field(t, 8);

	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	put_digits(p, sod % 60, 2);
	t->len += 8;
}

/* DECIMAL(12,2) from a number of cents. */
static void put_cents(struct table *t, int64_t cents)
{
	uint64_t a =
	    cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	char *p = field(t, 26), *q = p;

	if (cents < 0)
		*q++ = '-';
	q += fmt_u64(q, a / 100);
	*q++ = '.';
	q = put_digits(q, a % 100, 2);
	t->len += (size_t)(q - p);
}

/* ---- vocabulary ---- */

static const char *const first_names[] = {
	"Alice",   "Bob",	  "Carol",	"Dave",	    "Erin",
	"Frank",   "Grace",	  "Heidi",	"José",	    "François",
	"Zoë",	   "Søren",	  "Łukasz",	"Björk",    "Nguyễn Văn An",
	"O'Brien", "D\"Artagnan", "Дмитрий",	"Наталья",  "Ёжик",
	"王伟",	   "李娜",	  "张三",	"さくら",   "山田太郎",
	"김민준",  "محمد",	  "فاطمة",	"יעל",	    "Αλέξανδρος",
	"สมชาย",   "अमित",	  "Ærøskøbing", "Mx. Null",
};

static const char *const name_suffixes[] = {
	" 🚀",
	" 👍🏽",
	" 🇯🇵",
	" 🇺🇦",
	" ❤️",
	" (away)",
	" [bot]",
	" 🏳️‍🌈",
	" 👨‍👩‍👧‍👦",
	" ☕",
	" ✨✨",
	" 𝕏",
};

static const char *const handles[] = {
	"alice",  "bob",   "carol",  "dave",	"erin",	  "frank",  "grace",
	"heidi",  "ivan",  "judy",   "mallory", "niaj",	  "olivia", "peggy",
	"rupert", "sybil", "trent",  "victor",	"walter", "yuki",   "li",
	"wei",	  "omar",  "fatima", "sven",	"jose",	  "dmitri", "natasha",
};

static const char *const domains[] = {
	"example.org",	"example.com", "mail.example.net",
	"corp.example", "例子.中国",   "пример.рф",
};

/* Pieces of message text: every script, emoji, quotes, backslashes. */
static const char *const fragments[] = {
	"ok",
	"hello, world",
	"see you at 10",
	"did you get the file?",
	"lol",
	"The build is red again, who broke main?",
	"Meeting moved to 3pm, same room.",
	"I'm running late, start without me",
	"https://example.org/search?q=ferry&lang=en#top",
	"can you review PR #1234?",
	"she said \"no\"",
	"it's O'Reilly's book",
	"`SELECT * FROM users WHERE name = 'x';`",
	"C:\\Users\\bob\\Desktop\\",
	"regex: ^\\d+\\.\\d{2}$",
	"\\n is not a newline",
	"\\\\server\\share\\folder",
	"50% off; 100$ -> 42€ / ¥500 / £3",
	"👍",
	"👍🏽",
	"😀😃😄",
	"🇯🇵 🇺🇦 🇧🇷",
	"🏳️‍🌈",
	"👨‍👩‍👧‍👦",
	"❤️🔥",
	"🎉🎉🎉",
	"你好，今天下午开会吗？",
	"这个bug我来修",
	"ありがとうございます！",
	"안녕하세요",
	"Привет, как дела?",
	"мы уже едем",
	"مرحبا، كيف حالك؟",
	"שלום לכולם",
	"Γειά σου Κόσμε",
	"สวัสดีครับ",
	"नमस्ते",
	"café vs cafe\xcc\x81",
	"zero\xe2\x80\x8bwidth",
	"bom\xef\xbb\xbfinside",
	"line\xe2\x80\xa8separator",
	"𝕏 𝔽𝕖𝕣𝕣𝕪 𐍈",
	"bell\a esc\x1b[1mbold\x1b[0m ctrl-z\x1a del\x7f",
	"NULL",
	"\\N",
	"N/A",
	"0",
	"-",
};

static const char *const separators[] = {
	" ", " ", " ", " ", ", ", "\n", "\r\n", "\t", "  ", "\n\n", " — ",
};

/* Messages 1..20 carry these bodies; NULL with is_deleted set. */
static const struct special_body {
	const char *text;
	int deleted;
} special_bodies[] = {
	{ "NULL", 0 },
	{ "\\N", 0 },
	{ "", 0 },
	{ NULL, 1 },
	{ "null", 0 },
	{ "\\", 0 },
	{ "C:\\Users\\alice\\Desktop\\", 0 },
	{ "\t", 0 },
	{ "line one\nline two\n\tindented line three", 0 },
	{ "windows\r\nline\r\nendings\r\n", 0 },
	{ "she said \"no\" and he said 'yes' \\ then `left`", 0 },
	{ "👍🏽 🇯🇵🇺🇦 👨‍👩‍👧‍👦 🏳️‍🌈",
	  0 },
	{ "你好，世界 / Привет, мир / مرحبا بالعالم / שלום עולם", 0 },
	{ "\\t is not a tab, \\n is not a newline, \\0 is not NUL", 0 },
	{ " ", 0 },
	{ "N", 0 },
	{ "\\\\N", 0 },
	{ "tab\tseparated\tvalues\t\tin a message", 0 },
	{ "lone\rcarriage return", 0 },
	{ "bell\a esc\x1b[1mbold\x1b[0m ctrl-z\x1a del\x7f e\xcc\x81 \xef\xbb\xbf",
	  0 },
};

static const char *const system_texts[] = {
	"joined the group",   "left the group",	       "changed the group name",
	"pinned a message",   "Вы добавили участника", "群公告已更新",
	"call ended (12:34)",
};

static const char *const group_names[] = {
	"Family 👨‍👩‍👧‍👦",
	"Backend team",
	"项目组",
	"Друзья",
	"O'Reilly readers",
	"\"Quoted\" club",
	"Fútbol ⚽",
	"موظفو الشركة",
	"チーム",
	"Ops \\ on-call",
	"General",
	"Random",
};

/* Attachment names with their MIME types. */
static const struct named_file {
	const char *name, *mime;
} image_files[] = {
	{ "IMG_0001.jpg", "image/jpeg" },
	{ "スクリーンショット 2024-03-01 10.15.00.png", "image/png" },
	{ "фото_с_отпуска.heic", "image/heic" },
	{ "🎉party.gif", "image/gif" },
	{ "photo (1).jpeg", "image/jpeg" },
	{ "scan.webp", "image/webp" },
}, other_files[] = {
	{ "report Q3 (final) v2.pdf", "application/pdf" },
	{ "données_2024.xlsx",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "README.txt", "text/plain; charset=utf-8" },
	{ "it's \"quoted\".zip", "application/zip" },
	{ "back\\slash.txt", "text/plain" },
	{ "tab\there.txt", "text/plain" },
	{ "voice message.ogg", "audio/ogg" },
	{ "clip.mp4", "video/mp4" },
	{ "論文.docx", "application/octet-stream" },
	{ "archive.tar.gz", "application/gzip" },
};

static const char *const devices[] = {
	"ios", "android", "web", "desktop", "android-tablet",
};

static const char *const langs[] = {
	"en", "zh-CN", "ru", "ar", "ja", "pt-BR", "de",
};

/* Builds text from fragments and separators into b (appending). */
static void gen_text(struct rng *r, struct buf *b, unsigned nfrag)
{
	unsigned i;

	for (i = 0; i < nfrag; i++) {
		if (i)
			buf_str(b, PICK(r, separators));
		buf_str(b, PICK(r, fragments));
	}
}

static void gen_body(struct rng *r, struct buf *b)
{
	unsigned n;

	b->len = 0;
	if (rng_chance(r, 20))
		n = (unsigned)rng_range(r, 20, 80); /* a long paragraph */
	else
		n = (unsigned)rng_range(r, 1, 6);
	gen_text(r, b, n);
}

/*
 * One of the three bodies of exactly GEN_BIG_BODY bytes: variant 0 is
 * ASCII with tabs, CR LF, quotes and backslashes, 1 is CJK, Cyrillic and
 * Arabic, 2 is emoji.  Pieces are appended while they fit, then ASCII dots
 * fill the rest, so the body is valid UTF-8 of the exact length.
 */
static void gen_big_body(struct rng *r, struct buf *b, int variant)
{
	static const char *const v0[] = {
		"The quick brown fox\tjumps over the lazy dog.\r\n",
		"\"quoted\" and 'single' and back\\slash\\\n",
		"NULL \\N \\t \\n\tcolumn\tcolumn\n",
	};
	static const char *const v1[] = {
		"你好，今天下午开会吗？",
		"Привет, как дела? ",
		"مرحبا بالعالم ",
		"ありがとうございます。",
		"\n",
	};
	static const char *const v2[] = {
		"👍🏽",
		"🇯🇵",
		"👨‍👩‍👧‍👦",
		"😀",
		"🏳️‍🌈",
		"𝕏",
		" ",
		"\n",
	};
	const char *const *v = variant == 0 ? v0 : variant == 1 ? v1 : v2;
	size_t nv = variant == 0   ? NELEM(v0)
		    : variant == 1 ? NELEM(v1)
				   : NELEM(v2);

	b->len = 0;
	for (;;) {
		const char *s = v[rng_below(r, nv)];
		size_t n = strlen(s);

		if (n > GEN_BIG_BODY - b->len)
			break;
		buf_add(b, s, n);
	}
	while (b->len < GEN_BIG_BODY)
		buf_add(b, ".", 1);
}

static void gen_bytes(struct rng *r, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)rng_next(r);
}

/* ---- the data set ---- */

struct chat {
	enum engine engine;
	uint64_t seed;
	int64_t nmsg, nusers, ngroups, nconv;
	/* members of group g: member_ids[member_off[g-1] .. member_off[g]) */
	int64_t *member_off, *member_ids;
	int64_t *group_owner;
	/* conversation c: conv_a[c] creator, conv_b[c] peer (0: a group) */
	int64_t *conv_a, *conv_b;
	int64_t *conv_last_us, *conv_last_msg;
	struct buf body, json, text;
};

/* Times: accounts 2015..2018, groups and conversations in 2018, messages
 * from 2019-01-01 to 2025-06-01 in id order. */
#define T_USERS_FROM ms_of(2015, 1, 1, 0, 0, 0, 0)
#define T_USERS_TO ms_of(2018, 1, 1, 0, 0, 0, 0)
#define T_2018 ms_of(2018, 1, 1, 0, 0, 0, 0)
#define T_2019 ms_of(2019, 1, 1, 0, 0, 0, 0)
#define T_MSG_TO ms_of(2025, 6, 1, 0, 0, 0, 0)

static void gen_user_settings(struct rng *r, struct buf *j)
{
	j->len = 0;
	buf_str(j, "{\"theme\": \"");
	buf_str(j, rng_chance(r, 500) ? "dark" : "light");
	buf_str(j, "\", \"lang\": \"");
	buf_str(j, PICK(r, langs));
	buf_str(j, "\", \"notify\": {\"push\": ");
	buf_str(j, rng_chance(r, 800) ? "true" : "false");
	buf_str(j, ", \"email\": ");
	buf_str(j, rng_chance(r, 300) ? "true" : "false");
	buf_str(j, ", \"quiet\": [22, 7]}, \"font_scale\": ");
	buf_str(j, rng_chance(r, 500) ? "1.25" : "1.50");
	if (rng_chance(r, 300)) {
		const char *sig = PICK(r, fragments);

		/* sometimes every non-ASCII character as a \u escape */
		buf_str(j, ", \"signature\": ");
		buf_json_string(j, sig, (int)rng_below(r, 2));
	}
	buf_str(j, "}");
}

static void gen_users(struct chat *c, struct table *t)
{
	struct rng r;
	int64_t id;
	struct buf *txt = &c->text, *js = &c->json;
	static const int16_t tz[] = { -720, -600, -480, -300, -240, -180,
				      0,    60,	  120,	180,  330,  345,
				      480,  540,  570,	600,  765,  840 };

	rng_init(&r, c->seed, 1);
	for (id = 1; id <= c->nusers; id++) {
		const char *handle = PICK(&r, handles);
		unsigned char sha[32];
		int64_t created, seen_us;
		unsigned k;

		/* id, external_id: a Twitter-style snowflake, or the extremes
		 */
		put_i64(t, id);
		if (id == 1)
			put_u64(t, UINT64_MAX);
		else if (id == 2)
			put_u64(t, UINT64_C(9223372036854775808));
		else if (id == 3)
			put_u64(t, UINT64_C(0));
		else if (rng_chance(&r, 120))
			put_null(t);
		else
			put_u64(t, ((uint64_t)(T_USERS_FROM - 1288834974657 +
					       id * 1000)
				    << 22) |
				       ((uint64_t)(id >> 12) & 0x3ff) << 12 |
				       ((uint64_t)id & 0xfff));

		/* username: ASCII letters then the id, so unique */
		txt->len = 0;
		if (id == 1) {
			buf_str(txt, "admin");
		} else {
			buf_str(txt, handle);
			buf_i64(txt, id);
		}
		put_buf(t, txt);

		/* email */
		if (id == 10) {
			put_cstr(t, "李@例子.中国");
		} else if (rng_chance(&r, 100)) {
			put_null(t);
		} else {
			buf_str(txt, "@");
			buf_str(txt, PICK(&r, domains));
			put_buf(t, txt);
		}

		/* display_name: NULL, '', 128 four-byte characters, names */
		txt->len = 0;
		if (id == 7) {
			for (k = 0; k < 128; k++)
				buf_str(txt, "😀");
			put_buf(t, txt);
		} else if (id == 8) {
			put_cstr(t, "");
		} else if (id == 9) {
			put_null(t);
		} else if (id == 11) {
			put_cstr(t, "NULL");
		} else if (id == 12) {
			put_cstr(t, "\\N");
		} else if (rng_chance(&r, 50)) {
			put_null(t);
		} else if (rng_chance(&r, 30)) {
			put_cstr(t, "");
		} else {
			buf_str(txt, PICK(&r, first_names));
			if (rng_chance(&r, 300))
				buf_str(txt, PICK(&r, name_suffixes));
			put_buf(t, txt);
		}

		/* is_bot, is_active */
		put_bool(t, rng_chance(&r, 30));
		put_bool(t, !rng_chance(&r, 50));

		/* birthday: zero dates (MySQL only), a leap day, NULL */
		if (id == 2)
			put_date(t, 0, 0, 0);
		else if (id == 3)
			put_date(t, 2000, 2, 29);
		else if (id == 4)
			put_date(t, 1969, 12, 31);
		else if (rng_chance(&r, 300))
			put_null(t);
		else if (rng_chance(&r, 70))
			put_date(t, 0, 0, 0);
		else {
			int64_t y;
			unsigned m, d;

			civil_from_days(rng_range(&r, -7305, 14975), &y, &m,
					&d);
			put_date(t, y, m, d);
		}

		/* tz_offset_min */
		if (rng_chance(&r, 200))
			put_null(t);
		else
			put_i64(t, tz[rng_below(&r, NELEM(tz))]);

		/* quiet_from, quiet_until */
		if (id == 5) {
			put_time(t, 0);
			put_time(t, 86399);
		} else if (rng_chance(&r, 400)) {
			put_time(t, rng_clock(&r, 20, 23, 4, 900));
			put_time(t, rng_clock(&r, 6, 8, 3600, 1));
		} else {
			put_null(t);
			put_null(t);
		}

		/* settings: JSON object, '{}', JSON null (not SQL NULL) */
		if (id == 6)
			put_cstr(t, "null");
		else if (id == 7)
			put_cstr(t, "{}");
		else if (rng_chance(&r, 300))
			put_null(t);
		else {
			gen_user_settings(&r, js);
			put_buf(t, js);
		}

		/* avatar_sha256: all 0x00, all 0xff, random, NULL */
		if (id == 1 || id == 2) {
			memset(sha, id == 1 ? 0x00 : 0xff, sizeof(sha));
			put_bytes(t, sha, sizeof(sha));
		} else if (rng_chance(&r, 200)) {
			put_null(t);
		} else {
			gen_bytes(&r, sha, sizeof(sha));
			if (id == 3) {
				sha[0] = 0x00;
				sha[31] = 0xff;
			}
			put_bytes(t, sha, sizeof(sha));
		}

		/* created_at, in id order; user 10 in a European DST gap */
		created = T_USERS_FROM +
			  (T_USERS_TO - T_USERS_FROM) / c->nusers * (id - 1) +
			  (int64_t)rng_below(&r, 86400000);
		if (id == 10)
			created = ms_of(2017, 3, 26, 2, 30, 0, 250);
		put_datetime3(t, created);

		/* last_seen_at: TIMESTAMP's first and last instants, NULL */
		seen_us =
		    rng_us(&r, ms_of(2024, 1, 1, 0, 0, 0, 0), 500 * MS_PER_DAY);
		if (id == 5)
			put_timestamp6(t, 1000000);
		else if (id == 6)
			put_timestamp6(t,
				       INT64_C(2147483647) * 1000000 + 999999);
		else
			put_timestamp6_opt(t, seen_us, !rng_chance(&r, 150));
		end_row(t);
	}
}

static int64_t pick_user(struct rng *r, const struct chat *c)
{
	return 1 + (int64_t)rng_below(r, (uint64_t)c->nusers);
}

static int has_id(const int64_t *v, size_t n, int64_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void gen_groups(struct chat *c, struct table *t, struct table *tm)
{
	struct rng r, rm;
	int64_t g, total = 0;
	static const int16_t sizes[] = { 200, 500, 500, 1000, 2000, 32767 };

	rng_init(&r, c->seed, 2);
	rng_init(&rm, c->seed, 3);
	c->member_off = xcalloc((size_t)c->ngroups + 1, sizeof(int64_t));
	c->member_ids = xcalloc((size_t)c->ngroups * 18, sizeof(int64_t));
	c->group_owner = xcalloc((size_t)c->ngroups + 1, sizeof(int64_t));
	for (g = 1; g <= c->ngroups; g++) {
		int64_t owner = pick_user(&r, c);
		int64_t created =
		    T_2018 + (int64_t)rng_below(&r, 180 * MS_PER_DAY);
		int64_t *m = c->member_ids + total, updated_us;
		size_t k, i;

		c->group_owner[g] = owner;
		put_i64(t, g);
		put_i64(t, owner);
		c->text.len = 0;
		buf_str(&c->text, PICK(&r, group_names));
		if (rng_chance(&r, 500)) {
			buf_str(&c->text, " #");
			buf_i64(&c->text, g);
		}
		put_buf(t, &c->text);
		/* description: multi-line text, '' or NULL */
		if (rng_chance(&r, 400)) {
			put_null(t);
		} else if (rng_chance(&r, 150)) {
			put_cstr(t, "");
		} else {
			c->text.len = 0;
			gen_text(&r, &c->text, (unsigned)rng_range(&r, 2, 12));
			put_buf(t, &c->text);
		}
		put_bool(t, rng_chance(&r, 300));
		/* monthly_fee: the largest DECIMAL(12,2), 1.50, 0.01, NULL */
		if (g == 1)
			put_cents(t, INT64_C(999999999999));
		else if (g == 2)
			put_cents(t, 150);
		else if (g == 3)
			put_cents(t, 1);
		else if (rng_chance(&r, 600))
			put_null(t);
		else if (rng_chance(&r, 300))
			put_cents(t, 0);
		else
			put_cents(t, rng_range(&r, 99, 99999));
		put_i64(t, g == 1 ? 32767 : sizes[rng_below(&r, NELEM(sizes))]);
		/* settings */
		if (rng_chance(&r, 500)) {
			put_null(t);
		} else {
			struct buf *j = &c->json;
			const char *welcome;

			j->len = 0;
			buf_str(j, "{\"slow_mode_s\":");
			buf_i64(j, rng_range(&r, 0, 300));
			buf_str(j, ",\"pinned\":[");
			buf_i64(j, rng_range(&r, 1, c->nmsg));
			buf_str(j, ",");
			buf_i64(j, rng_range(&r, 1, c->nmsg));
			buf_str(j, "],\"welcome\":");
			welcome = PICK(&r, fragments);
			buf_json_string(j, welcome, (int)rng_below(&r, 2));
			buf_str(j, ",\"limits\":{\"file_mb\":1.50,"
				   "\"ids\":[12345678901234567890,-1,0]}}");
			put_buf(t, j);
		}
		put_datetime3(t, created);
		updated_us = rng_us(&r, T_2019, 2000 * MS_PER_DAY);
		put_timestamp6_opt(t, updated_us, rng_chance(&r, 500));
		end_row(t);

		/* members: the owner and 1..17 others, in key order */
		k = 2 + rng_below(&rm, 17);
		if ((int64_t)k > c->nusers)
			k = (size_t)c->nusers;
		m[0] = owner;
		for (i = 1; i < k; i++) {
			int64_t u;

			do {
				u = pick_user(&rm, c);
			} while (has_id(m, i, u));
			m[i] = u;
		}
		qsort(m, k, sizeof(*m), cmp_i64);
		for (i = 0; i < k; i++) {
			put_i64(tm, g);
			put_i64(tm, m[i]);
			if (m[i] == owner)
				put_str(tm, "owner");
			else
				put_str(tm, rng_chance(&rm, 100) ? "admin"
								 : "member");
			if (rng_chance(&rm, 800))
				put_null(tm);
			else
				put_cstr(tm, PICK(&rm, first_names));
			put_bool(tm, rng_chance(&rm, 150));
			put_datetime3(tm, created + (int64_t)rng_below(
							&rm, 30 * MS_PER_DAY));
			end_row(tm);
		}
		total += (int64_t)k;
		c->member_off[g] = total;
	}
}

/* Conversations 1..ngroups belong to the groups of the same id; the rest
 * are direct chats between two users.  Written after the messages, which
 * give last_message_at. */
static void plan_conversations(struct chat *c, struct rng *r)
{
	int64_t i;
	size_t n = (size_t)c->nconv + 1;

	c->conv_a = xcalloc(n, sizeof(int64_t));
	c->conv_b = xcalloc(n, sizeof(int64_t));
	c->conv_last_us = xcalloc(n, sizeof(int64_t));
	c->conv_last_msg = xcalloc(n, sizeof(int64_t));
	for (i = 1; i <= c->nconv; i++) {
		if (i <= c->ngroups) {
			c->conv_a[i] = c->group_owner[i];
			continue;
		}
		c->conv_a[i] = pick_user(r, c);
		do {
			c->conv_b[i] = pick_user(r, c);
		} while (c->conv_b[i] == c->conv_a[i]);
	}
}

static void gen_conversations(struct chat *c, struct table *t, struct rng *r)
{
	int64_t i;

	for (i = 1; i <= c->nconv; i++) {
		int group = i <= c->ngroups;

		put_i64(t, i);
		put_ref(t, group ? i : 0);
		put_i64(t, c->conv_a[i]);
		put_ref(t, c->conv_b[i]);
		if (rng_chance(r, 850)) {
			put_null(t);
		} else {
			c->text.len = 0;
			gen_text(r, &c->text, (unsigned)rng_range(r, 1, 3));
			put_buf(t, &c->text);
		}
		put_bool(t, rng_chance(r, 100));
		/* sort_order: pinned chats use the int64 extremes */
		if (i == 1)
			put_i64(t, INT64_MIN);
		else if (i == 2)
			put_i64(t, INT64_MAX);
		else if (i == 3)
			put_i64(t, -1);
		else if (rng_chance(r, 20))
			put_i64(t, rng_range(r, 1, 100));
		else
			put_i64(t, 0);
		put_datetime3(t,
			      T_2018 + (int64_t)rng_below(r, 365 * MS_PER_DAY));
		put_timestamp6_opt(t, c->conv_last_us[i],
				   c->conv_last_us[i] != 0);
		end_row(t);
	}
}

static void gen_metadata(struct rng *r, struct buf *j, int64_t id,
			 int64_t nusers)
{
	j->len = 0;
	switch (rng_below(r, 6)) {
	case 0:
		buf_str(j, "{\"client\": \"ios\", \"version\": \"4.2.1\", "
			   "\"mentions\": [");
		buf_i64(j, 1 + (int64_t)rng_below(r, (uint64_t)nusers));
		buf_str(j, ", ");
		buf_i64(j, 1 + (int64_t)rng_below(r, (uint64_t)nusers));
		buf_str(j, "], \"reply\": {\"quote\": ");
		buf_json_string(j, PICK(r, fragments), 0);
		buf_str(j, "}}");
		break;
	case 1:
		buf_str(j, "{\"price\":1.50,\"currency\":\"EUR\",\"qty\":");
		buf_i64(j, rng_range(r, 1, 9));
		buf_str(j, "}");
		break;
	case 2:
		buf_str(j, "{\"big\":12345678901234567890,\"ratio\":2.5e-3,"
			   "\"neg\":-42,\"pi\":3.141592653589793,\"seq\":");
		buf_i64(j, id);
		buf_str(j, "}");
		break;
	case 3:
		buf_str(j, "{\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" "
			   "back\\\\slash\\nnew\\tline\",\"echo\":");
		buf_json_string(j, PICK(r, fragments), 1);
		buf_str(j, ",\"tags\":[\"a\",\"b\",[],{}]}");
		break;
	case 4:
		buf_str(j, "{\"nested\":{\"a\":{\"b\":{\"c\":[1,2,{\"d\":null},"
			   "[true,false]]}}},\"empty\":\"\",\"none\":null}");
		break;
	default: buf_str(j, rng_chance(r, 500) ? "{}" : "[]"); break;
	}
}

/* Readers of message id other than its sender, in key order. */
static void gen_receipts(struct chat *c, struct rng *r, struct table *t,
			 int64_t id, int64_t conv, int64_t sender,
			 int64_t sent_us)
{
	int64_t readers[2];
	size_t k, i;

	if (c->conv_b[conv]) {
		k = rng_below(r, 2);
		if (k)
			readers[0] = sender == c->conv_a[conv]
					 ? c->conv_b[conv]
					 : c->conv_a[conv];
	} else {
		int64_t lo = c->member_off[conv - 1], hi = c->member_off[conv];
		uint64_t x = rng_below(r, 8);

		k = x < 5 ? 0 : x < 7 ? 1 : 2;
		if ((int64_t)k > hi - lo - 1)
			k = (size_t)(hi - lo - 1);
		for (i = 0; i < k; i++) {
			int64_t u;

			do {
				u = c->member_ids[lo +
						  (int64_t)rng_below(
						      r, (uint64_t)(hi - lo))];
			} while (u == sender || has_id(readers, i, u));
			readers[i] = u;
		}
		if (k == 2 && readers[0] > readers[1]) {
			int64_t tmp = readers[0];

			readers[0] = readers[1];
			readers[1] = tmp;
		}
	}
	for (i = 0; i < k; i++) {
		put_i64(t, id);
		put_i64(t, readers[i]);
		put_timestamp6(
		    t, sent_us + (int64_t)rng_below(r, UINT64_C(86400000000)));
		if (rng_chance(r, 100))
			put_null(t);
		else
			put_str(t, PICK(r, devices));
		end_row(t);
	}
}

static void gen_attachment(struct chat *c, struct rng *r, struct table *t,
			   int64_t msg, int image, int64_t sent_us)
{
	unsigned char sha[32], *thumb;
	int64_t id = (int64_t)t->rows + 1;
	const struct named_file *f;
	const char *mime;
	size_t n;

	put_i64(t, id);
	put_i64(t, msg);
	f = image ? &image_files[rng_below(r, NELEM(image_files))]
		  : &other_files[rng_below(r, NELEM(other_files))];
	mime = f->mime;
	put_cstr(t, f->name);
	put_opt(t, rng_chance(r, 50) ? NULL : mime);
	/* size_bytes: BIGINT UNSIGNED up to its maximum */
	if (id == 1)
		put_u64(t, UINT64_MAX);
	else if (id == 2)
		put_u64(t, UINT64_C(9223372036854775808));
	else if (id == 3)
		put_u64(t, 0);
	else if (rng_chance(r, 20))
		put_u64(t, rng_below(r, UINT64_C(5) << 30));
	else
		put_u64(t, rng_below(r, 50 << 20));
	/* sha256 */
	if (id <= 2)
		memset(sha, id == 1 ? 0x00 : 0xff, sizeof(sha));
	else
		gen_bytes(r, sha, sizeof(sha));
	put_bytes(t, sha, sizeof(sha));
	/* price */
	if (id == 4)
		put_cents(t, 150);
	else if (rng_chance(r, 900))
		put_null(t);
	else
		put_cents(t, rng_range(r, 0, 100000));
	/* width, height */
	if (image) {
		put_i64(t, rng_range(r, 16, 8000));
		put_i64(t, rng_range(r, 16, 8000));
	} else {
		put_null(t);
		put_null(t);
	}
	/* duration_s: audio and video, plus DOUBLE's extremes */
	if (id == 3) {
		put_str(t, "0");
	} else if (id == 4) {
		put_str(t, "1.7976931348623157e308");
	} else if (id == 5) {
		put_str(t, "5e-324");
	} else if (!image && (strncmp(mime, "audio/", 6) == 0 ||
			      strncmp(mime, "video/", 6) == 0)) {
		char num[32];
		int64_t ms = rng_range(r, 1, 3600000);
		size_t len = fmt_i64(num, ms / 1000);

		num[len++] = '.';
		put_digits(num + len, (uint64_t)(ms % 1000), 3);
		put_raw(t, num, len + 3);
	} else {
		put_null(t);
	}
	/* thumbnail: images only, 0..2000 bytes, JPEG magic first */
	n = (size_t)rng_below(r, GEN_THUMB_MAX + 1);
	if (id == 1)
		n = 0;
	else if (id == 2)
		n = GEN_THUMB_MAX;
	if (id == 6 || (!image && id > 2) || (id > 6 && rng_chance(r, 300))) {
		put_null(t);
	} else {
		thumb = (unsigned char *)c->json.p; /* scratch */
		gen_bytes(r, thumb, n);
		if (n >= 3)
			memcpy(thumb, "\xff\xd8\xff", 3);
		put_bytes(t, thumb, n);
	}
	put_timestamp6(t, sent_us + (int64_t)rng_below(r, 5000000));
	end_row(t);
}

static void gen_messages(struct chat *c, struct table *t, struct table *ta,
			 struct table *tr)
{
	struct rng r, ra, rr, rb;
	int64_t id, step = (T_MSG_TO - T_2019) / c->nmsg;
	int64_t big[3];
	static const int64_t dst[4][7] = {
		/* Europe: 02:30 does not exist on 2024-03-31 */
		{ 2024, 3, 31, 2, 30, 0, 0 },
		{ 2024, 3, 31, 2, 59, 59, 999 },
		/* Europe: 02:30 happens twice on 2023-10-29 */
		{ 2023, 10, 29, 2, 30, 0, 500 },
		/* USA: 02:15 does not exist on 2024-03-10 */
		{ 2024, 3, 10, 2, 15, 0, 250 },
	};

	if (step < 1)
		step = 1;
	big[0] = c->nmsg / 4;
	big[1] = c->nmsg / 2;
	big[2] = c->nmsg / 4 * 3;
	rng_init(&r, c->seed, 4);
	rng_init(&ra, c->seed, 5);
	rng_init(&rr, c->seed, 6);
	rng_init(&rb, c->seed, 8);
	for (id = 1; id <= c->nmsg; id++) {
		int64_t conv, sender, created, server_us;
		uint64_t x;
		const char *kind;
		int deleted, edited, body_null = 0, is_big = -1, i;

		/* 35% of messages go to group chats */
		if (rng_chance(&r, 350))
			conv = 1 + (int64_t)rng_below(&r, (uint64_t)c->ngroups);
		else
			conv = c->ngroups + 1 +
			       (int64_t)rng_below(
				   &r, (uint64_t)(c->nconv - c->ngroups));
		if (c->conv_b[conv]) {
			sender = rng_below(&r, 2) ? c->conv_b[conv]
						  : c->conv_a[conv];
		} else {
			int64_t lo = c->member_off[conv - 1];
			int64_t hi = c->member_off[conv];

			sender =
			    c->member_ids[lo + (int64_t)rng_below(
						   &r, (uint64_t)(hi - lo))];
		}
		x = rng_below(&r, 100);
		kind = x < 85	? "text"
		       : x < 91 ? "image"
		       : x < 95 ? "file"
				: "system";
		deleted = rng_chance(&r, 10);
		edited = rng_chance(&r, 40);
		created = T_2019 + step * (id - 1) +
			  (int64_t)rng_below(&r, (uint64_t)step);
		if (id >= 21 && id <= 24) {
			const int64_t *d = dst[id - 21];

			created = ms_of(d[0], (unsigned)d[1], (unsigned)d[2],
					(unsigned)d[3], (unsigned)d[4],
					(unsigned)d[5], (unsigned)d[6]);
		}
		server_us = created * 1000 + (int64_t)rng_below(&r, 2000000);

		/* body */
		c->body.len = 0;
		for (i = 0; i < 3; i++)
			if (id == big[i])
				is_big = i;
		if (id <= (int64_t)NELEM(special_bodies)) {
			const struct special_body *s = &special_bodies[id - 1];

			deleted = s->deleted;
			body_null = s->text == NULL;
			if (s->text)
				buf_str(&c->body, s->text);
			kind = "text";
		} else if (is_big >= 0) {
			gen_big_body(&rb, &c->body, is_big);
			deleted = 0;
			kind = "text";
		} else if (deleted) {
			body_null = 1;
		} else if (kind[0] == 's') {
			if (rng_chance(&r, 200))
				body_null = 1;
			else
				buf_str(&c->body, PICK(&r, system_texts));
		} else if (kind[0] == 'i' && rng_chance(&r, 400)) {
			/* an image without a caption: '' */
		} else if (kind[0] != 't' && rng_chance(&r, 300)) {
			body_null = 1;
		} else if (rng_chance(&r, 5)) {
			const struct special_body *s =
			    &special_bodies[rng_below(&r,
						      NELEM(special_bodies))];

			body_null = s->text == NULL;
			if (s->text)
				buf_str(&c->body, s->text);
		} else {
			gen_body(&r, &c->body);
		}

		put_i64(t, id);
		put_i64(t, conv);
		put_i64(t, sender);
		put_str(t, kind);
		if (body_null)
			put_null(t);
		else
			put_buf(t, &c->body);
		/* reply_to_id: the previous message of the conversation */
		put_ref(t, c->conv_last_msg[conv] && rng_chance(&r, 50)
			       ? c->conv_last_msg[conv]
			       : 0);
		/* metadata */
		if (!deleted && rng_chance(&r, 120)) {
			gen_metadata(&r, &c->json, id, c->nusers);
			put_buf(t, &c->json);
		} else {
			put_null(t);
		}
		put_bool(t, edited);
		put_bool(t, deleted);
		put_datetime3(t, created);
		put_datetime3_opt(t, created + rng_range(&r, 1000, 3600000),
				  edited);
		/* expires_at: ephemeral messages; 9999-12-31 means never */
		if (id == 25 || id == 26)
			put_datetime3(t, ms_of(9999, 12, 31, 23, 59, 59, 999));
		else
			put_datetime3_opt(t, created + 7 * MS_PER_DAY,
					  rng_chance(&r, 10));
		put_timestamp6(t, server_us);
		end_row(t);

		if (server_us > c->conv_last_us[conv])
			c->conv_last_us[conv] = server_us;
		c->conv_last_msg[conv] = id;
		if (kind[0] == 'i' || kind[0] == 'f')
			gen_attachment(c, &ra, ta, id, kind[0] == 'i',
				       server_us);
		gen_receipts(c, &rr, tr, id, conv, sender, server_us);
	}
}

static const char *const table_names[] = {
	"users",    "chat_groups", "group_members", "conversations",
	"messages", "attachments", "read_receipts",
};

enum { T_USERS, T_GROUPS, T_MEMBERS, T_CONV, T_MESSAGES, T_ATTACH, T_READ };

static void usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: gen-chat --engine mysql|postgres --messages N --out DIR "
	    "[--seed S]\n"
	    "\n"
	    "Writes DIR/<table>.<engine>.tsv for the reference chat schema "
	    "(schemas/chat/)\n"
	    "in the bulk-load format of the engine (LOAD DATA / COPY "
	    "text), and\n"
	    "DIR/counts.tsv.  N >= %d; the same arguments give the same "
	    "bytes.\n",
	    GEN_MIN_MESSAGES);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo,
			  uint64_t hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	return v;
bad:
	fprintf(stderr,
		"%s: %s: '%s' is not a number from %" PRIu64 " to %" PRIu64
		"\ntry 'gen-chat --help'\n",
		progname, opt, s, lo, hi);
	exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct chat c;
	struct table t[NELEM(table_names)];
	struct rng rc;
	const char *engine = NULL, *dir = NULL;
	uint64_t nmsg = 0;
	size_t i;
	int a;
	FILE *fp;
	char *path;
	size_t plen;

	memset(&c, 0, sizeof(c));
	c.seed = 1;
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return fflush(stdout) == 0 ? 0 : EXIT_SYSTEM;
		}
		if (a + 1 >= argc || strncmp(arg, "--", 2) != 0) {
			fprintf(stderr, "%s: %s '%s'\ntry 'gen-chat --help'\n",
				progname,
				strncmp(arg, "--", 2) == 0
				    ? "missing value for"
				    : "unexpected argument",
				arg);
			return EXIT_USAGE;
		}
		if (strcmp(arg, "--engine") == 0)
			engine = argv[++a];
		else if (strcmp(arg, "--messages") == 0)
			nmsg = parse_u64(arg, argv[++a], GEN_MIN_MESSAGES,
					 GEN_MAX_MESSAGES);
		else if (strcmp(arg, "--out") == 0)
			dir = argv[++a];
		else if (strcmp(arg, "--seed") == 0)
			c.seed = parse_u64(arg, argv[++a], 0, UINT64_MAX);
		else {
			fprintf(stderr,
				"%s: unknown option '%s'\ntry 'gen-chat "
				"--help'\n",
				progname, arg);
			return EXIT_USAGE;
		}
	}
	if (!engine || !nmsg || !dir) {
		fprintf(stderr,
			"%s: --engine, --messages and --out are required\n"
			"try 'gen-chat --help'\n",
			progname);
		return EXIT_USAGE;
	}
	if (strcmp(engine, "mysql") == 0)
		c.engine = ENGINE_MYSQL;
	else if (strcmp(engine, "postgres") == 0)
		c.engine = ENGINE_PG;
	else {
		fprintf(stderr,
			"%s: --engine: '%s' is neither mysql nor postgres\n"
			"try 'gen-chat --help'\n",
			progname, engine);
		return EXIT_USAGE;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die(EXIT_SYSTEM, "cannot create '%s': %s", dir,
		    strerror(errno));

	c.nmsg = (int64_t)nmsg;
	c.nusers = c.nmsg / 50 < 10 ? 10 : c.nmsg / 50;
	c.ngroups = c.nmsg / 500 < 3 ? 3 : c.nmsg / 500;
	c.nconv = c.nmsg / 20 < 5 ? 5 : c.nmsg / 20;
	buf_init(&c.body, GEN_SCRATCH);
	buf_init(&c.json, GEN_SCRATCH);
	buf_init(&c.text, GEN_SCRATCH);
	escapes_init(c.engine);
	for (i = 0; i < NELEM(table_names); i++)
		table_open(&t[i], dir, table_names[i], c.engine);

	gen_users(&c, &t[T_USERS]);
	gen_groups(&c, &t[T_GROUPS], &t[T_MEMBERS]);
	rng_init(&rc, c.seed, 7);
	plan_conversations(&c, &rc);
	gen_messages(&c, &t[T_MESSAGES], &t[T_ATTACH], &t[T_READ]);
	gen_conversations(&c, &t[T_CONV], &rc);

	plen = strlen(dir) + sizeof("/counts.tsv");
	path = xmalloc(plen);
	snprintf(path, plen, "%s/counts.tsv", dir);
	fp = fopen(path, "w");
	if (!fp)
		die(EXIT_SYSTEM, "cannot create '%s': %s", path,
		    strerror(errno));
	for (i = 0; i < NELEM(table_names); i++) {
		fprintf(fp, "%s\t%" PRIu64 "\n", t[i].name, t[i].rows);
		table_close(&t[i]);
	}
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0)
		die(EXIT_SYSTEM, "write '%s': %s", path, strerror(errno));
	free(path);
	free(c.body.p);
	free(c.json.p);
	free(c.text.p);
	free(c.member_off);
	free(c.member_ids);
	free(c.group_owner);
	free(c.conv_a);
	free(c.conv_b);
	free(c.conv_last_us);
	free(c.conv_last_msg);
	return 0;
}
