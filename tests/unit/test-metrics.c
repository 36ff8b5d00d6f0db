/*
 * test-metrics - unit tests of lib/stage/metrics.c, the --metrics-file writer:
 * exact sample lines, label escaping of hostile names, watermarks and
 * lags of timestamp, date and integer columns, the last success kept
 * across a failed run, the atomic replacement and its errors.
 *
 * `test-metrics --write DIR` is the driver of tests/t7100-metrics-format.sh:
 * it writes sample files into DIR (for tests/promcheck.pl) and runs no
 * checks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "stage/metrics.h"
#include "stream/value.h"
#include "tap.h"

#define T2024 INT64_C(1704067200) /* 2024-01-01T00:00:00Z */
#define DAY2024 19723		  /* the same day, in days */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	p[n] = '\0';
	fclose(f);
	return p;
}

/* 1 if `line` (without its newline) is a whole line of text */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || !p[n]))
			return 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* the number of lines that start with prefix */
static int count_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;
	int c = 0;

	while (p && *p) {
		c += strncmp(p, prefix, n) == 0;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return c;
}

#define CHECK_LINE(text, line, ...)                                            \
	do {                                                                   \
		if (!TAP_CHECK(text && has_line(text, line), __VA_ARGS__))     \
			tap_diag("no line '%s' in:\n%s", line,                 \
				 text ? text : "(no file)");                   \
	} while (0)

static struct value ival(int64_t i)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.v.i = i;
	return v;
}

static struct value uval(uint64_t u)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.v.u = u;
	return v;
}

/* an int64 watermark pair for table t */
static void wm_int(struct metrics *m, const char *t, int64_t lo, int64_t hi)
{
	struct value a = ival(lo), b = ival(hi);
	struct err e;

	err_init(&e);
	if (metrics_watermark(m, t, VALUE_INT64, &a, &b, &e) < 0)
		tap_diag("metrics_watermark %s: %s", t, e.msg);
}

static char dir[1024];

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* files in dir other than . and .. */
static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int c = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		c += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return c;
}

static void rm_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[4200];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* --- the sample runs (also written by --write) -------------------------- */

static int write_basic(const char *path, struct err *e)
{
	struct metrics *m = metrics_new("load", "nightly", e);
	struct value a = ival(T2024 * 1000000),
		     b = ival(T2024 * 1000000 + 90500000);
	struct value i1 = ival(1000), i2 = ival(1234);
	int rc = -1;

	if (!m)
		return -1;
	metrics_set_now(m, 1700000000);
	if (metrics_table(m, "users", 10, 2048, 1.5, 0, e) < 0 ||
	    metrics_table(m, "messages", 1000000, 123456789, 42.25, 3, e) < 0 ||
	    metrics_watermark(m, "messages", VALUE_TIMESTAMPTZ, &a, &b, e) <
		0 ||
	    metrics_watermark(m, "users", VALUE_INT64, &i1, &i2, e) < 0 ||
	    metrics_write(m, path, 1, e) < 0)
		goto out;
	rc = 0;
out:
	metrics_free(m);
	return rc;
}

static const char hostile1[] = "a\"b\\c\nd";
static const char hostile2[] =
    "\xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1 \xf0\x9f\x92\xac";
static const char hostile3[] = "bad\xff\xfeutf8\r\t}{=,";
static const char hostile_job[] = "job\"with\\n\nnewline";

static int write_hostile(const char *path, struct err *e)
{
	struct metrics *m = metrics_new("verify", hostile_job, e);
	struct value a = ival(DAY2024), b = ival(DAY2024 + 2);
	int rc = -1;

	if (!m)
		return -1;
	metrics_set_now(m, 1700000000);
	if (metrics_table(m, hostile1, 1, 2, 0.000001, 3, e) < 0 ||
	    metrics_table(m, hostile2, 4, 5, 6, 7, e) < 0 ||
	    metrics_table(m, hostile3, 8, 9, 10, 11, e) < 0 ||
	    metrics_table(m, "", 0, 0, 0, 0, e) < 0 ||
	    metrics_watermark(m, hostile1, VALUE_DATE, &a, &b, e) < 0 ||
	    metrics_write(m, path, 1, e) < 0)
		goto out;
	rc = 0;
out:
	metrics_free(m);
	return rc;
}

/* a failed run after a successful one at the same path */
static int write_failed(const char *path, struct err *e)
{
	struct metrics *m;
	int rc;

	if (write_basic(path, e) < 0 ||
	    !(m = metrics_new("load", "nightly", e)))
		return -1;
	metrics_set_now(m, 1700003600);
	rc = metrics_table(m, "users", 0, 0, 0.5, 0, e);
	if (rc == 0)
		rc = metrics_write(m, path, 0, e);
	metrics_free(m);
	return rc;
}

/* no job, a failed first run (no last success), figures left out, extreme
 * integer watermarks */
static int write_sparse(const char *path, struct err *e)
{
	struct metrics *m = metrics_new("extract", NULL, e);
	struct value u0 = uval(0), umax = uval(UINT64_MAX);
	int rc = -1;

	if (!m)
		return -1;
	if (metrics_table(m, "t1", 5, METRICS_NONE, -1, METRICS_NONE, e) < 0 ||
	    metrics_watermark(m, "t1", VALUE_UINT64, &u0, &umax, e) < 0 ||
	    metrics_write(m, path, 0, e) < 0)
		goto out;
	rc = 0;
out:
	metrics_free(m);
	return rc;
}

/* ferry-load --follow: its counters and lag, written twice in one run */
static int write_follow(const char *path, struct err *e)
{
	struct metrics *m = metrics_new("load", "chat", e);
	int rc = -1;

	if (!m)
		return -1;
	metrics_set_now(m, 1700000000);
	metrics_follow(m, 0.25, 30000000, 1699999999.5, 10, 20, 3);
	if (metrics_write(m, path, 1, e) < 0)
		goto out;
	metrics_follow(m, 0.125, 30000100, 1699999999.875, 12, 25, 4);
	if (metrics_write(m, path, 1, e) < 0)
		goto out;
	rc = 0;
out:
	metrics_free(m);
	return rc;
}

static int driver(const char *out)
{
	static const struct {
		const char *name;
		int (*fn)(const char *, struct err *);
	} runs[] = { { "basic.prom", write_basic },
		     { "hostile.prom", write_hostile },
		     { "failed.prom", write_failed },
		     { "sparse.prom", write_sparse },
		     { "follow.prom", write_follow } };
	char path[4200];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		err_init(&e);
		snprintf(path, sizeof(path), "%s/%s", out, runs[i].name);
		if (runs[i].fn(path, &e) < 0) {
			fprintf(stderr, "test-metrics: %s\n", e.msg);
			return 1;
		}
	}
	return 0;
}

/* --- checks ------------------------------------------------------------- */

static void test_basic(void)
{
	char path[4200];
	struct err e;
	struct stat st;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "basic.prom");
	TAP_EQ_INT(write_basic(path, &e), 0, "basic: written (%s)", e.msg);
	t = slurp(path);
	CHECK_LINE(
	    t, "ferry_last_run_success{tool=\"load\",ferry_job=\"nightly\"} 1",
	    "basic: last run succeeded");
	CHECK_LINE(t,
		   "ferry_last_run_timestamp_seconds{tool=\"load\","
		   "ferry_job=\"nightly\"} 1700000000",
		   "basic: last run time");
	CHECK_LINE(t,
		   "ferry_last_success_timestamp_seconds{tool=\"load\","
		   "ferry_job=\"nightly\"} 1700000000",
		   "basic: last success is now");
	CHECK_LINE(t,
		   "ferry_rows{tool=\"load\",ferry_job=\"nightly\","
		   "table=\"users\"} 10",
		   "basic: rows");
	CHECK_LINE(t,
		   "ferry_bytes{tool=\"load\",ferry_job=\"nightly\","
		   "table=\"messages\"} 123456789",
		   "basic: bytes");
	CHECK_LINE(t,
		   "ferry_rejects{tool=\"load\",ferry_job=\"nightly\","
		   "table=\"messages\"} 3",
		   "basic: rejects");
	CHECK_LINE(t,
		   "ferry_table_duration_seconds{tool=\"load\","
		   "ferry_job=\"nightly\",table=\"messages\"} 42.25",
		   "basic: table seconds");
	CHECK_LINE(t, "# TYPE ferry_rows gauge", "basic: rows is a gauge");
	TAP_EQ_INT(count_prefix(t, "# HELP ferry_rows "), 1,
		   "basic: one HELP for ferry_rows");
	TAP_EQ_INT(count_prefix(t, "# TYPE "), count_prefix(t, "# HELP "),
		   "basic: a TYPE for every HELP");
	TAP_EQ_INT(count_prefix(t, "ferry_run_duration_seconds{"), 1,
		   "basic: one run duration");
	TAP_CHECK(t && !strstr(t, "_total"), "basic: no counter names");
	TAP_CHECK(t && t[strlen(t) - 1] == '\n', "basic: ends in a newline");
	TAP_CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
		  "basic: mode 0644");
	TAP_EQ_INT(count_files(), 1, "basic: no temporary file left");
	free(t);
	unlink(path);
}

static void test_follow(void)
{
	char path[4200];
	struct err e;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "follow.prom");
	TAP_EQ_INT(write_follow(path, &e), 0, "follow: written (%s)", e.msg);
	t = slurp(path);
	CHECK_LINE(t,
		   "ferry_follow_lag_seconds{tool=\"load\",ferry_job=\"chat\"} "
		   "0.125",
		   "follow: the last lag");
	CHECK_LINE(t,
		   "ferry_follow_position{tool=\"load\",ferry_job=\"chat\"} "
		   "30000100",
		   "follow: the position");
	CHECK_LINE(t,
		   "ferry_follow_changes_total{tool=\"load\",ferry_job="
		   "\"chat\"} 25",
		   "follow: changes, a counter of the run");
	CHECK_LINE(t, "# TYPE ferry_follow_changes_total counter",
		   "follow: typed counter");
	TAP_EQ_INT(count_prefix(t, "# TYPE "), count_prefix(t, "# HELP "),
		   "follow: a TYPE for every HELP");
	free(t);
	unlink(path);
}

static void test_hostile(void)
{
	char path[4200];
	struct err e;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "hostile.prom");
	TAP_EQ_INT(write_hostile(path, &e), 0, "hostile: written (%s)", e.msg);
	t = slurp(path);
	CHECK_LINE(t,
		   "ferry_rows{tool=\"verify\",ferry_job=\"job\\\"with\\\\n"
		   "\\nnewline\",table=\"a\\\"b\\\\c\\nd\"} 1",
		   "hostile: quote, backslash and newline escaped");
	CHECK_LINE(t,
		   "ferry_rows{tool=\"verify\",ferry_job=\"job\\\"with\\\\n"
		   "\\nnewline\",table=\"\xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1 "
		   "\xf0\x9f\x92\xac\"} 4",
		   "hostile: UTF-8 kept as it is");
	CHECK_LINE(
	    t,
	    "ferry_rows{tool=\"verify\",ferry_job=\"job\\\"with\\\\n"
	    "\\nnewline\",table=\"bad\xef\xbf\xbd\xef\xbf\xbdutf8\r\t}{=,"
	    "\"} 8",
	    "hostile: bytes that are not UTF-8 become U+FFFD");
	CHECK_LINE(t,
		   "ferry_table_duration_seconds{tool=\"verify\",ferry_job="
		   "\"job\\\"with\\\\n\\nnewline\",table=\"a\\\"b\\\\c\\nd\"} "
		   "0.000001",
		   "hostile: a microsecond");
	CHECK_LINE(t,
		   "ferry_lag_seconds{tool=\"verify\",ferry_job="
		   "\"job\\\"with\\\\n\\nnewline\",table=\"a\\\"b\\\\c\\nd\"} "
		   "172800",
		   "hostile: date lag of two days");
	CHECK_LINE(
	    t,
	    "ferry_watermark_timestamp_seconds{tool=\"verify\",ferry_job="
	    "\"job\\\"with\\\\n\\nnewline\",table=\"a\\\"b\\\\c\\nd\"} "
	    "1704067200",
	    "hostile: a date is midnight UTC");
	TAP_EQ_INT(count_prefix(t, "ferry_rows{"), 4,
		   "hostile: four tables, one line each");
	free(t);
	unlink(path);
}

static void test_watermarks(void)
{
	char path[4200];
	struct err e;
	struct metrics *m;
	struct value a, b, c, u0, umax, imin, imax, tinf, nul, seven;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "wm.prom");
	a = ival(T2024 * 1000000);
	b = ival(T2024 * 1000000 + 90500000);
	c = ival(-1500000); /* 1969-12-31T23:59:58.5Z */
	u0 = uval(0);
	umax = uval(UINT64_MAX);
	imin = ival(INT64_MIN);
	imax = ival(INT64_MAX);
	tinf = ival(VALUE_TS_POS_INF);
	seven = ival(7);
	nul = ival(0);
	nul.null = true;
	m = metrics_new("extract", NULL, &e);
	if (!TAP_CHECK(m != NULL, "watermarks: new"))
		return;
	metrics_set_now(m, 1);
	TAP_EQ_INT(metrics_watermark(m, "ts", VALUE_TIMESTAMPTZ, &a, &b, &e), 0,
		   "watermarks: timestamptz recorded");
	metrics_watermark(m, "old", VALUE_TIMESTAMP, &c, &a, &e);
	metrics_watermark(m, "behind", VALUE_TIMESTAMP, &b, &a, &e);
	wm_int(m, "i", 1000, 1234);
	wm_int(m, "ineg", 10, 5);
	metrics_watermark(m, "iwide", VALUE_INT64, &imin, &imax, &e);
	metrics_watermark(m, "u", VALUE_UINT64, &u0, &umax, &e);
	metrics_watermark(m, "only", VALUE_INT64, &seven, NULL, &e);
	metrics_watermark(m, "nul", VALUE_INT64, &seven, &nul, &e);
	metrics_watermark(m, "inf", VALUE_TIMESTAMP, &a, &tinf, &e);
	TAP_EQ_INT(metrics_watermark(m, "txt", VALUE_TEXT, &a, &b, &e), 0,
		   "watermarks: a text watermark is no error");
	/* replaced, not added to */
	wm_int(m, "again", 1, 2);
	wm_int(m, "again", 40, 50);
	TAP_EQ_INT(metrics_write(m, path, 1, &e), 0, "watermarks: written");
	metrics_free(m);
	t = slurp(path);
	CHECK_LINE(t,
		   "ferry_watermark_timestamp_seconds{tool=\"extract\","
		   "table=\"ts\"} 1704067200",
		   "watermarks: loaded timestamp in unix seconds");
	CHECK_LINE(t,
		   "ferry_source_watermark_timestamp_seconds{tool=\"extract\","
		   "table=\"ts\"} 1704067290.5",
		   "watermarks: newest timestamp");
	CHECK_LINE(t, "ferry_lag_seconds{tool=\"extract\",table=\"ts\"} 90.5",
		   "watermarks: lag = newest - loaded");
	CHECK_LINE(t,
		   "ferry_watermark_timestamp_seconds{tool=\"extract\","
		   "table=\"old\"} -1.5",
		   "watermarks: before 1970");
	CHECK_LINE(t,
		   "ferry_lag_seconds{tool=\"extract\",table=\"old\"} "
		   "1704067201.5",
		   "watermarks: lag across 1970");
	CHECK_LINE(t,
		   "ferry_lag_seconds{tool=\"extract\",table=\"behind\"} "
		   "-90.5",
		   "watermarks: a negative lag stays negative");
	CHECK_LINE(t, "ferry_watermark{tool=\"extract\",table=\"i\"} 1000",
		   "watermarks: integer loaded");
	CHECK_LINE(t,
		   "ferry_source_watermark{tool=\"extract\",table=\"i\"} 1234",
		   "watermarks: integer newest");
	CHECK_LINE(t, "ferry_watermark_lag{tool=\"extract\",table=\"i\"} 234",
		   "watermarks: integer lag");
	CHECK_LINE(t, "ferry_watermark_lag{tool=\"extract\",table=\"ineg\"} -5",
		   "watermarks: negative integer lag");
	CHECK_LINE(t,
		   "ferry_watermark_lag{tool=\"extract\",table=\"iwide\"} "
		   "18446744073709551615",
		   "watermarks: INT64_MAX - INT64_MIN exactly");
	CHECK_LINE(t,
		   "ferry_watermark{tool=\"extract\",table=\"iwide\"} "
		   "-9223372036854775808",
		   "watermarks: INT64_MIN");
	CHECK_LINE(t,
		   "ferry_watermark_lag{tool=\"extract\",table=\"u\"} "
		   "18446744073709551615",
		   "watermarks: uint64 lag exactly");
	CHECK_LINE(t, "ferry_watermark{tool=\"extract\",table=\"only\"} 7",
		   "watermarks: loaded alone");
	TAP_EQ_INT(count_prefix(t, "ferry_watermark_lag{tool=\"extract\","
				   "table=\"only\"}"),
		   0, "watermarks: no lag without the newest");
	TAP_EQ_INT(count_prefix(t, "ferry_watermark_lag{tool=\"extract\","
				   "table=\"nul\"}"),
		   0, "watermarks: no lag with a NULL newest");
	TAP_EQ_INT(count_prefix(t, "ferry_source_watermark_timestamp_seconds{"
				   "tool=\"extract\",table=\"inf\"}") +
		       count_prefix(t, "ferry_lag_seconds{tool=\"extract\","
				       "table=\"inf\"}"),
		   0, "watermarks: infinity gives no sample");
	TAP_CHECK(t && !strstr(t, "table=\"txt\""),
		  "watermarks: a text watermark gives no sample");
	CHECK_LINE(t,
		   "ferry_watermark_lag{tool=\"extract\",table=\"again\"} 10",
		   "watermarks: a second call replaces the first");
	TAP_EQ_INT(count_prefix(t, "ferry_rows{"), 0,
		   "watermarks: no ferry_rows without metrics_table");
	TAP_EQ_INT(count_prefix(t, "# HELP ferry_rows "), 0,
		   "watermarks: an empty family is left out whole");
	free(t);
	unlink(path);
}

static void test_sums(void)
{
	char path[4200];
	struct err e;
	struct metrics *m;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "sums.prom");
	m = metrics_new("load", "", &e);
	if (!TAP_CHECK(m != NULL, "sums: new"))
		return;
	metrics_table(m, "t", 1, METRICS_NONE, 0.25, 0, &e);
	metrics_table(m, "t", 2, METRICS_NONE, 0.5, 4, &e);
	metrics_table(m, "t", UINT64_MAX - 1, METRICS_NONE, -1, 0, &e);
	TAP_EQ_INT(metrics_write(m, path, 1, &e), 0, "sums: written");
	metrics_free(m);
	t = slurp(path);
	CHECK_LINE(t,
		   "ferry_rows{tool=\"load\",table=\"t\"} 18446744073709551614",
		   "sums: rows add up and stop short of overflow");
	CHECK_LINE(t, "ferry_rejects{tool=\"load\",table=\"t\"} 4",
		   "sums: rejects add up");
	CHECK_LINE(
	    t, "ferry_table_duration_seconds{tool=\"load\",table=\"t\"} 0.75",
	    "sums: seconds add up, a negative one is not measured");
	TAP_CHECK(t && !strstr(t, "ferry_bytes"),
		  "sums: bytes never measured: no family");
	TAP_CHECK(t && !strstr(t, "ferry_job"), "sums: an empty job is none");
	free(t);
	unlink(path);
}

static void test_failure_keeps_success(void)
{
	char path[4200], other[4200];
	struct err e;
	struct metrics *m;
	char *t;

	err_init(&e);
	path_in(path, sizeof(path), "fail.prom");
	TAP_EQ_INT(write_failed(path, &e), 0, "failure: written (%s)", e.msg);
	t = slurp(path);
	CHECK_LINE(
	    t, "ferry_last_run_success{tool=\"load\",ferry_job=\"nightly\"} 0",
	    "failure: last run failed");
	CHECK_LINE(t,
		   "ferry_last_run_timestamp_seconds{tool=\"load\","
		   "ferry_job=\"nightly\"} 1700003600",
		   "failure: last run is the failed one");
	CHECK_LINE(t,
		   "ferry_last_success_timestamp_seconds{tool=\"load\","
		   "ferry_job=\"nightly\"} 1700000000",
		   "failure: last success kept from the old file");
	free(t);

	/* a second failure still keeps it */
	m = metrics_new("load", "nightly", &e);
	metrics_set_now(m, 1700007200);
	TAP_EQ_INT(metrics_write(m, path, 0, &e), 0, "failure: again");
	metrics_free(m);
	t = slurp(path);
	CHECK_LINE(t,
		   "ferry_last_success_timestamp_seconds{tool=\"load\","
		   "ferry_job=\"nightly\"} 1700000000",
		   "failure: kept through two failures");
	free(t);

	/* another job's file does not lend its last success */
	m = metrics_new("load", "hourly", &e);
	TAP_EQ_INT(metrics_write(m, path, 0, &e), 0, "failure: other job");
	metrics_free(m);
	t = slurp(path);
	TAP_CHECK(t && !strstr(t, "ferry_last_success_timestamp_seconds"),
		  "failure: another job's last success is not taken");
	free(t);
	unlink(path);

	/* no old file: no sample, and no HELP either */
	path_in(other, sizeof(other), "first.prom");
	m = metrics_new("load", "nightly", &e);
	TAP_EQ_INT(metrics_write(m, other, 0, &e), 0, "failure: first run");
	metrics_free(m);
	t = slurp(other);
	TAP_CHECK(t && !strstr(t, "ferry_last_success_timestamp_seconds"),
		  "failure: no old file, no last success");
	CHECK_LINE(
	    t, "ferry_last_run_success{tool=\"load\",ferry_job=\"nightly\"} 0",
	    "failure: first run failed");
	free(t);

	/* a garbled old value is not copied */
	{
		FILE *f = fopen(other, "w");

		fputs("ferry_last_success_timestamp_seconds{tool=\"load\","
		      "ferry_job=\"nightly\"} 12x\n",
		      f);
		fclose(f);
	}
	m = metrics_new("load", "nightly", &e);
	TAP_EQ_INT(metrics_write(m, other, 0, &e), 0, "failure: garbled old");
	metrics_free(m);
	t = slurp(other);
	TAP_CHECK(t && !strstr(t, "ferry_last_success_timestamp_seconds"),
		  "failure: a garbled old value is dropped");
	free(t);
	unlink(other);
}

static void test_atomic(void)
{
	char path[4200];
	struct err e;
	struct metrics *m;
	struct stat before, after;
	char old[64];
	int fd;
	ssize_t n;

	err_init(&e);
	path_in(path, sizeof(path), "atomic.prom");
	TAP_EQ_INT(write_basic(path, &e), 0, "atomic: first file");
	fd = open(path, O_RDONLY);
	stat(path, &before);
	m = metrics_new("load", "nightly", &e);
	TAP_EQ_INT(metrics_write(m, path, 0, &e), 0, "atomic: second file");
	metrics_free(m);
	stat(path, &after);
	TAP_CHECK(before.st_ino != after.st_ino,
		  "atomic: replaced by a new file, not rewritten in place");
	n = fd >= 0 ? read(fd, old, sizeof(old) - 1) : -1;
	old[n > 0 ? n : 0] = '\0';
	TAP_CHECK(strncmp(old, "# HELP ferry_last_run_success", 29) == 0,
		  "atomic: a reader of the old file still reads it whole");
	if (fd >= 0)
		close(fd);
	TAP_EQ_INT(count_files(), 1, "atomic: no temporary file left");
	unlink(path);
}

static void test_errors(void)
{
	char path[4200], want[4300];
	struct err e;
	struct metrics *m;

	err_init(&e);
	m = metrics_new("load", NULL, &e);
	path_in(path, sizeof(path), "missing/m.prom");
	TAP_EQ_INT(metrics_write(m, path, 1, &e), -1,
		   "errors: a missing folder fails");
	TAP_EQ_INT(e.class, ERR_SYSTEM, "errors: a system error");
	snprintf(want, sizeof(want),
		 "--metrics-file %s: No such file or directory", path);
	TAP_EQ_STR(e.msg, want, "errors: the message names the file");
	TAP_EQ_INT(count_files(), 0, "errors: nothing left behind");

	err_init(&e);
	TAP_EQ_INT(metrics_write(m, dir, 1, &e), -1,
		   "errors: a folder as the file fails");
	TAP_EQ_INT(count_files(), 0, "errors: nothing left behind either");
	err_init(&e);
	snprintf(path, sizeof(path), "%s/", dir);
	TAP_EQ_INT(metrics_write(m, path, 1, &e), -1,
		   "errors: a path ending in / fails");
	snprintf(want, sizeof(want), "--metrics-file %s: not a file name",
		 path);
	TAP_EQ_STR(e.msg, want, "errors: and says why");
	metrics_free(m);
	metrics_free(NULL);
	TAP_CHECK(1, "errors: metrics_free(NULL) does nothing");
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");

	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return driver(argv[2]);
	snprintf(dir, sizeof(dir), "%s/test-metrics.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		tap_diag("mkdtemp %s: %s", dir, strerror(errno));
		return 1;
	}
	test_basic();
	test_follow();
	test_hostile();
	test_watermarks();
	test_sums();
	test_failure_keeps_success();
	test_atomic();
	test_errors();
	rm_dir();
	return tap_done();
}
