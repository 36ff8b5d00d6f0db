/*
 * metrics - a run's figures as a Prometheus textfile (see metrics.h).
 *
 * Numbers are written without printf's %g: integers exactly in decimal,
 * times and durations as fixed-point seconds with at most six decimals
 * (microseconds), so a watermark of 2^64-1 or a timestamp to the
 * microsecond survives, and no locale can turn the point into a comma.
 */
#include "stage/metrics.h"

#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/utf8.h"

/* the largest file written, and the most of an old file read back */
#define METRICS_OUT_MAX ((size_t)256 << 20)
#define METRICS_OLD_MAX ((size_t)1 << 20)
#define US_PER_S INT64_C(1000000)

/* An integer watermark: -mag when neg, else mag (covers int64 and uint64). */
struct mint {
	int present;
	int neg;
	uint64_t mag;
};

/* A point in time or a duration: sec + usec / 1e6, usec in [0, 1e6). */
struct mtime {
	int present;
	int64_t sec;
	int64_t usec;
};

struct metrics_tab {
	char *name; /* valid UTF-8 */
	uint64_t rows, bytes, rejects;
	int has_seconds;
	double seconds;
	struct mtime t_loaded, t_newest;
	struct mint i_loaded, i_newest;
};

struct metrics {
	char *tool, *job; /* valid UTF-8; job NULL for none */
	struct metrics_tab *tabs;
	size_t ntabs, cap;
	struct timespec start; /* CLOCK_MONOTONIC */
	int64_t now;	       /* the time of the write; < 0: the clock */
	/* --follow: metrics_follow's figures */
	int follow;
	double lag_s, position_time;
	uint64_t position, transactions, changes, groups;
};

void metrics_follow(struct metrics *m, double lag_s, uint64_t position,
		    double position_time, uint64_t transactions,
		    uint64_t changes, uint64_t groups)
{
	m->follow = 1;
	m->lag_s = lag_s < 0 ? 0 : lag_s;
	m->position = position;
	m->position_time = position_time;
	m->transactions = transactions;
	m->changes = changes;
	m->groups = groups;
}

/*
 * A copy of s in which every byte that does not start valid UTF-8 is
 * replaced by U+FFFD: the Prometheus parser refuses a label value that is
 * not UTF-8, and one bad table name must not make the whole file unread.
 */
static char *utf8_copy(const char *s, struct err *e)
{
	size_t len = strlen(s), i = 0, bad;
	struct buf b;

	buf_init(&b, METRICS_OUT_MAX);
	if (buf_reserve(&b, len, e) < 0)
		goto fail;
	while (i < len) {
		bad = i + utf8_invalid_at(s + i, len - i);
		if (buf_add(&b, s + i, bad - i, e) < 0)
			goto fail;
		if (bad == len)
			break;
		if (buf_add(&b, "\xef\xbf\xbd", 3, e) < 0)
			goto fail;
		i = bad + 1;
	}
	b.data[b.len] = '\0'; /* buf_reserve alone does not end it */
	return (char *)b.data;
fail:
	buf_release(&b);
	return NULL;
}

struct metrics *metrics_new(const char *tool, const char *job, struct err *e)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m) {
		err_oom(e);
		return NULL;
	}
	m->now = -1;
	clock_gettime(CLOCK_MONOTONIC, &m->start);
	if (!(m->tool = utf8_copy(tool ? tool : "", e)))
		goto fail;
	if (job && *job && !(m->job = utf8_copy(job, e)))
		goto fail;
	return m;
fail:
	metrics_free(m);
	return NULL;
}

void metrics_free(struct metrics *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->ntabs; i++)
		free(m->tabs[i].name);
	free(m->tabs);
	free(m->tool);
	free(m->job);
	free(m);
}

void metrics_set_now(struct metrics *m, int64_t unix_seconds)
{
	m->now = unix_seconds;
}

/* The entry of `table` (its name made valid UTF-8 first, so two names
 * that become the same label value share one entry), added if new. */
static struct metrics_tab *tab_get(struct metrics *m, const char *table,
				   struct err *e)
{
	struct metrics_tab *t;
	char *name = utf8_copy(table ? table : "", e);
	size_t i;

	if (!name)
		return NULL;
	for (i = m->ntabs; i-- > 0;)
		if (strcmp(m->tabs[i].name, name) == 0) {
			free(name);
			return &m->tabs[i];
		}
	if (m->ntabs == METRICS_MAX_TABLES) {
		free(name);
		err_set(e, ERR_SYSTEM, "metrics: more than %d tables",
			METRICS_MAX_TABLES);
		return NULL;
	}
	if (m->ntabs == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		void *p = realloc(m->tabs, ncap * sizeof(*m->tabs));

		if (!p) {
			free(name);
			err_oom(e);
			return NULL;
		}
		m->tabs = p;
		m->cap = ncap;
	}
	t = &m->tabs[m->ntabs++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->rows = t->bytes = t->rejects = METRICS_NONE;
	return t;
}

/* a += b, where either may be METRICS_NONE; stops short of METRICS_NONE */
static void add_figure(uint64_t *a, uint64_t b)
{
	if (b == METRICS_NONE)
		return;
	if (*a == METRICS_NONE)
		*a = b;
	else
		*a = b > METRICS_NONE - 1 - *a ? METRICS_NONE - 1 : *a + b;
}

int metrics_table(struct metrics *m, const char *table, uint64_t rows,
		  uint64_t bytes, double seconds, uint64_t rejects,
		  struct err *e)
{
	struct metrics_tab *t = tab_get(m, table, e);

	if (!t)
		return -1;
	add_figure(&t->rows, rows);
	add_figure(&t->bytes, bytes);
	add_figure(&t->rejects, rejects);
	if (seconds >= 0) { /* false for NaN */
		t->seconds = t->has_seconds ? t->seconds + seconds : seconds;
		t->has_seconds = 1;
	}
	return 0;
}

static struct mtime time_of(enum value_type type, const struct value *v)
{
	struct mtime t = { 0, 0, 0 };

	if (!v || v->null)
		return t;
	if (type == VALUE_DATE) {
		if (v->v.i == VALUE_DATE_NEG_INF ||
		    v->v.i == VALUE_DATE_POS_INF)
			return t;
		t.sec = v->v.i * 86400;
	} else {
		if (v->v.i == VALUE_TS_NEG_INF || v->v.i == VALUE_TS_POS_INF)
			return t;
		/* floor division: usec stays in [0, 1e6) before 1970 too */
		t.sec = v->v.i / US_PER_S;
		t.usec = v->v.i % US_PER_S;
		if (t.usec < 0) {
			t.usec += US_PER_S;
			t.sec--;
		}
	}
	t.present = 1;
	return t;
}

static struct mint int_of(enum value_type type, const struct value *v)
{
	struct mint n = { 0, 0, 0 };

	if (!v || v->null)
		return n;
	if (type == VALUE_UINT64) {
		n.mag = v->v.u;
	} else {
		n.neg = v->v.i < 0;
		n.mag =
		    n.neg ? (uint64_t)0 - (uint64_t)v->v.i : (uint64_t)v->v.i;
	}
	n.present = 1;
	return n;
}

int metrics_watermark(struct metrics *m, const char *table,
		      enum value_type type, const struct value *loaded,
		      const struct value *newest, struct err *e)
{
	struct metrics_tab *t;

	if (type != VALUE_DATE && type != VALUE_TIMESTAMP &&
	    type != VALUE_TIMESTAMPTZ && type != VALUE_INT64 &&
	    type != VALUE_UINT64)
		return 0;
	if (!(t = tab_get(m, table, e)))
		return -1;
	memset(&t->t_loaded, 0, sizeof(t->t_loaded));
	memset(&t->t_newest, 0, sizeof(t->t_newest));
	memset(&t->i_loaded, 0, sizeof(t->i_loaded));
	memset(&t->i_newest, 0, sizeof(t->i_newest));
	if (type == VALUE_INT64 || type == VALUE_UINT64) {
		t->i_loaded = int_of(type, loaded);
		t->i_newest = int_of(type, newest);
	} else {
		t->t_loaded = time_of(type, loaded);
		t->t_newest = time_of(type, newest);
	}
	return 0;
}

/* --- the text ----------------------------------------------------------- */

/* b - a, exactly (both come from one type, so the magnitude fits);
 * present only when both are. */
static struct mint int_diff(struct mint b, struct mint a)
{
	struct mint d = { a.present && b.present, 0, 0 };

	if (a.neg == b.neg) {
		/* same sign: |b| - |a|, negated for negatives */
		int bigger = b.mag >= a.mag;

		d.mag = bigger ? b.mag - a.mag : a.mag - b.mag;
		d.neg = a.neg ? bigger : !bigger;
	} else {
		d.mag = b.mag + a.mag;
		d.neg = b.neg;
	}
	if (d.mag == 0)
		d.neg = 0;
	return d;
}

/* b - a; present only when both are */
static struct mtime time_diff(struct mtime b, struct mtime a)
{
	struct mtime d = { a.present && b.present, b.sec - a.sec,
			   b.usec - a.usec };

	if (d.usec < 0) {
		d.usec += US_PER_S;
		d.sec--;
	}
	return d;
}

/* The put_ functions append a sample value: 1, or 0 when there is none
 * (not present, METRICS_NONE), or -1 on error. */
static int put_u64(struct buf *o, uint64_t u, struct err *e)
{
	if (u == METRICS_NONE)
		return 0;
	return buf_add_u64(o, u, e) < 0 ? -1 : 1;
}

static int put_int(struct buf *o, struct mint n, struct err *e)
{
	if (!n.present)
		return 0;
	if (n.neg && buf_addc(o, '-', e) < 0)
		return -1;
	return buf_add_u64(o, n.mag, e) < 0 ? -1 : 1;
}

/* sec + usec/1e6 in plain decimal, trailing fraction zeros dropped */
static int put_time(struct buf *o, struct mtime t, struct err *e)
{
	uint64_t whole = (uint64_t)t.sec, frac = (uint64_t)t.usec;
	unsigned width = 6;

	if (!t.present)
		return 0;
	if (t.sec < 0) {
		if (buf_addc(o, '-', e) < 0)
			return -1;
		/* -(sec + usec/1e6) = (-sec - 1) + (1e6 - usec)/1e6 */
		whole = (uint64_t)0 - (uint64_t)t.sec;
		if (frac) {
			whole--;
			frac = (uint64_t)US_PER_S - frac;
		}
	}
	if (buf_add_u64(o, whole, e) < 0)
		return -1;
	if (!frac)
		return 1;
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	if (buf_addc(o, '.', e) < 0 || buf_add_digits(o, frac, width, e) < 0)
		return -1;
	return 1;
}

static struct mtime duration_of(double seconds)
{
	struct mtime t = { 1, 0, 0 };
	double us = floor(seconds * 1e6 + 0.5);

	if (!(us < 9e18)) /* ~292000 years, and the NaN from inf * 0 */
		us = 9e18;
	t.sec = (int64_t)us / US_PER_S;
	t.usec = (int64_t)us % US_PER_S;
	return t;
}

/* a label value: backslash, double quote and line feed escaped */
static int put_label(struct buf *o, const char *name, const char *v,
		     struct err *e)
{
	const char *p;

	if (buf_adds(o, name, e) < 0 || buf_add(o, "=\"", 2, e) < 0)
		return -1;
	for (p = v; *p; p++) {
		const char *esc = *p == '\\'   ? "\\\\"
				  : *p == '"'  ? "\\\""
				  : *p == '\n' ? "\\n"
					       : NULL;
		if (esc ? buf_adds(o, esc, e) : buf_addc(o, *p, e))
			return -1;
	}
	return buf_addc(o, '"', e);
}

/* `{tool="...",ferry_job="..."` and, with a table, `,table="..."`; then
 * `}` */
static int put_labels(struct buf *o, const struct metrics *m, const char *table,
		      struct err *e)
{
	if (buf_addc(o, '{', e) < 0 || put_label(o, "tool", m->tool, e) < 0)
		return -1;
	if (m->job && (buf_addc(o, ',', e) < 0 ||
		       put_label(o, "ferry_job", m->job, e) < 0))
		return -1;
	if (table &&
	    (buf_addc(o, ',', e) < 0 || put_label(o, "table", table, e) < 0))
		return -1;
	return buf_addc(o, '}', e);
}

static int put_family(struct buf *o, const char *name, const char *help,
		      struct err *e)
{
	return buf_addf(o, e, "# HELP %s %s\n# TYPE %s gauge\n", name, help,
			name);
}

/* The per-table families, in this order; each picks its sample. */
enum {
	F_ROWS,
	F_BYTES,
	F_REJECTS,
	F_SECONDS,
	F_WM_TS,
	F_SRC_WM_TS,
	F_LAG_S,
	F_WM,
	F_SRC_WM,
	F_WM_LAG,
	F_COUNT
};

static const struct {
	const char *name, *help;
} table_family[F_COUNT] = {
	[F_ROWS] = { "ferry_rows", "Rows of the table the last run handled." },
	[F_BYTES] = { "ferry_bytes",
		      "Bytes of the table the last run handled." },
	[F_REJECTS] = { "ferry_rejects",
			"Rows of the table the last run rejected." },
	[F_SECONDS] = { "ferry_table_duration_seconds",
			"Seconds the last run spent on the table." },
	[F_WM_TS] = { "ferry_watermark_timestamp_seconds",
		      "Highest date or timestamp watermark the last run "
		      "copied, in unix time." },
	[F_SRC_WM_TS] = { "ferry_source_watermark_timestamp_seconds",
			  "Newest date or timestamp watermark in the source, "
			  "in unix time." },
	[F_LAG_S] = { "ferry_lag_seconds",
		      "Source's newest timestamp watermark minus the one "
		      "copied, in seconds." },
	[F_WM] = { "ferry_watermark",
		   "Highest integer watermark the last run copied." },
	[F_SRC_WM] = { "ferry_source_watermark",
		       "Newest integer watermark in the source." },
	[F_WM_LAG] = { "ferry_watermark_lag",
		       "Source's newest integer watermark minus the one "
		       "copied, in the column's units." },
};

/* Append table t's sample value of family f: 1, or 0 when it has none,
 * or -1 on error. */
static int put_value(struct buf *o, const struct metrics_tab *t, int f,
		     struct err *e)
{
	switch (f) {
	case F_ROWS: return put_u64(o, t->rows, e);
	case F_BYTES: return put_u64(o, t->bytes, e);
	case F_REJECTS: return put_u64(o, t->rejects, e);
	case F_SECONDS:
		return t->has_seconds ? put_time(o, duration_of(t->seconds), e)
				      : 0;
	case F_WM_TS: return put_time(o, t->t_loaded, e);
	case F_SRC_WM_TS: return put_time(o, t->t_newest, e);
	case F_LAG_S:
		return put_time(o, time_diff(t->t_newest, t->t_loaded), e);
	case F_WM: return put_int(o, t->i_loaded, e);
	case F_SRC_WM: return put_int(o, t->i_newest, e);
	default: return put_int(o, int_diff(t->i_newest, t->i_loaded), e);
	}
}

static int put_tables(struct buf *o, const struct metrics *m, struct err *e)
{
	struct buf val;
	size_t i;
	int f, rc = -1, head, has;

	buf_init(&val, 64);
	for (f = 0; f < F_COUNT; f++) {
		head = 0;
		for (i = 0; i < m->ntabs; i++) {
			buf_reset(&val);
			has = put_value(&val, &m->tabs[i], f, e);
			if (has < 0)
				goto out;
			if (!has)
				continue;
			if (!head++ && put_family(o, table_family[f].name,
						  table_family[f].help, e) < 0)
				goto out;
			if (buf_adds(o, table_family[f].name, e) < 0 ||
			    put_labels(o, m, m->tabs[i].name, e) < 0 ||
			    buf_addf(o, e, " %s\n", (char *)val.data) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	buf_release(&val);
	return rc;
}

/* A run-wide family with its one sample: name, labels, value. */
static int put_run(struct buf *o, const struct metrics *m, const char *name,
		   const char *help, const char *value, struct err *e)
{
	if (put_family(o, name, help, e) < 0 || buf_adds(o, name, e) < 0 ||
	    put_labels(o, m, NULL, e) < 0)
		return -1;
	return buf_addf(o, e, " %s\n", value);
}

/* the --follow families: counters of this run, gauges of now */
static int put_follow(struct buf *o, const struct metrics *m, struct err *e)
{
	static const struct {
		const char *name, *help, *type;
	} f[] = {
		{ "ferry_follow_lag_seconds",
		  "Source commit of the last change applied to its target "
		  "commit, in seconds.",
		  "gauge" },
		{ "ferry_follow_position", "The job's source position (order).",
		  "gauge" },
		{ "ferry_follow_position_timestamp_seconds",
		  "Source time of the job's position (unix time).", "gauge" },
		{ "ferry_follow_transactions_total",
		  "Source transactions applied this run.", "counter" },
		{ "ferry_follow_changes_total",
		  "Changes of the source transactions applied this run.",
		  "counter" },
		{ "ferry_follow_groups_total",
		  "Target transactions this run committed.", "counter" },
	};
	char v[64];

	if (!m->follow)
		return 0;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		switch (i) {
		case 0: snprintf(v, sizeof(v), "%.3f", m->lag_s); break;
		case 1: snprintf(v, sizeof(v), "%" PRIu64, m->position); break;
		case 2: snprintf(v, sizeof(v), "%.6f", m->position_time); break;
		case 3:
			snprintf(v, sizeof(v), "%" PRIu64, m->transactions);
			break;
		case 4: snprintf(v, sizeof(v), "%" PRIu64, m->changes); break;
		default:
			snprintf(v, sizeof(v), "%" PRIu64, m->groups);
			break;
		}
		if (buf_addf(o, e, "# HELP %s %s\n# TYPE %s %s\n%s", f[i].name,
			     f[i].help, f[i].name, f[i].type, f[i].name) < 0 ||
		    put_labels(o, m, NULL, e) < 0 ||
		    buf_addf(o, e, " %s\n", v) < 0)
			return -1;
	}
	return 0;
}

/*
 * Copy into prev the value of our own ferry_last_success_timestamp_seconds
 * series (same name, same labels) in the file at path: a number in the
 * plain form this module writes, else nothing.  An old file that is
 * missing, unreadable, too big or of another tool or job is no error:
 * it only means no last success is known.
 */
static void read_prev_success(const struct metrics *m, const char *path,
			      struct buf *prev)
{
	static const char name[] = "ferry_last_success_timestamp_seconds";
	struct buf old, key;
	struct err ignore;
	FILE *f;
	size_t n, d, fd;
	const char *p, *end, *nl, *v, *q;

	buf_init(&old, METRICS_OLD_MAX);
	buf_init(&key, METRICS_OUT_MAX);
	if (buf_adds(&key, name, &ignore) < 0 ||
	    put_labels(&key, m, NULL, &ignore) < 0 ||
	    buf_addc(&key, ' ', &ignore) < 0 ||
	    buf_reserve(&old, METRICS_OLD_MAX, &ignore) < 0)
		goto out;
	if (!(f = fopen(path, "r")))
		goto out;
	n = fread(old.data, 1, METRICS_OLD_MAX, f);
	fclose(f);
	old.len = n;
	for (p = (const char *)old.data, end = p + n; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			break; /* a line cut off: not trusted */
		if ((size_t)(nl - p) <= key.len ||
		    memcmp(p, key.data, key.len) != 0)
			continue;
		v = p + key.len;
		/* -?digits(.digits)?, then the end of the line */
		q = v + (*v == '-');
		d = fd = 0;
		while (q < nl && *q >= '0' && *q <= '9' && ++d)
			q++;
		if (d && q < nl && *q == '.')
			for (q++; q < nl && *q >= '0' && *q <= '9'; q++)
				fd++;
		if (!d || q != nl || (q[-1] == '.' && !fd) || d > 20)
			continue;
		buf_add(prev, v, (size_t)(nl - v), &ignore);
		break;
	}
out:
	buf_release(&old);
	buf_release(&key);
}

int metrics_write(struct metrics *m, const char *path, int success,
		  struct err *e)
{
	struct buf o, prev, num;
	struct timespec now;
	struct mtime dur = { 1, 0, 0 };
	int64_t wall = m->now >= 0 ? m->now : (int64_t)time(NULL);
	int rc = -1;

	buf_init(&o, METRICS_OUT_MAX);
	buf_init(&prev, 64);
	buf_init(&num, 64);
	clock_gettime(CLOCK_MONOTONIC, &now);
	dur.sec = (int64_t)now.tv_sec - (int64_t)m->start.tv_sec;
	dur.usec = ((int64_t)now.tv_nsec - (int64_t)m->start.tv_nsec) / 1000;
	if (dur.usec < 0) {
		dur.usec += US_PER_S;
		dur.sec--;
	}
	if (success) {
		if (buf_add_i64(&prev, wall, e) < 0)
			goto out;
	} else {
		read_prev_success(m, path, &prev);
	}

	if (put_run(&o, m, "ferry_last_run_success",
		    "1 if the last run succeeded, else 0.", success ? "1" : "0",
		    e) < 0 ||
	    buf_add_i64(&num, wall, e) < 0 ||
	    put_run(&o, m, "ferry_last_run_timestamp_seconds",
		    "When the last run ended, in unix time.", (char *)num.data,
		    e) < 0)
		goto out;
	if (prev.len && put_run(&o, m, "ferry_last_success_timestamp_seconds",
				"When a run last succeeded, in unix time.",
				(char *)prev.data, e) < 0)
		goto out;
	buf_reset(&num);
	if (put_time(&num, dur, e) < 0 ||
	    put_run(&o, m, "ferry_run_duration_seconds",
		    "Seconds the last run took.", (char *)num.data, e) < 0 ||
	    put_tables(&o, m, e) < 0 || put_follow(&o, m, e) < 0)
		goto out;
	/* readable by node_exporter, whatever user it runs as */
	rc = outfile_replace("--metrics-file", path, o.data, o.len, 0644, e);
out:
	if (rc < 0 && e->class == ERR_STREAM) /* a buf past its maximum */
		err_set(e, ERR_SYSTEM, "--metrics-file %s: too large", path);
	buf_release(&o);
	buf_release(&prev);
	buf_release(&num);
	return rc;
}
