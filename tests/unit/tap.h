/*
 * tap.h - a tiny header-only TAP producer for the C unit tests, in the
 * spirit of git's t/unit-tests/test-lib.h.
 *
 * Each check prints "ok N - description" or "not ok N - description" on
 * stdout; tap_done() prints the plan "1..N" last and returns the exit
 * status for main() (0 when every check passed, 1 otherwise).  Only TAP
 * goes to stdout: why a check failed (file:line, the expression, the
 * values) goes to stderr as "# " lines, which prove shows as diagnostics.
 *
 *     TAP_CHECK(cond, "description %d", arg);
 *     TAP_EQ_INT(got, expected, "description");
 *     TAP_EQ_UINT(got, expected, "description");
 *     TAP_EQ_STR(got, expected, "description");
 *     TAP_EQ_MEM(got, gotlen, expected, explen, "description");
 *     return tap_done();
 *
 * Every macro evaluates to 1 when the check passed and 0 when it failed,
 * so a test can stop early: `if (!TAP_CHECK(p != NULL, "...")) return;`.
 * The description is a printf format and is required.
 */
#ifndef FERRY_TAP_H
#define FERRY_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct tap_state {
	unsigned long count;
	unsigned long failed;
};

static inline struct tap_state *tap_state(void)
{
	static struct tap_state s;

	return &s;
}

/* A diagnostic line ("# ...") on stderr. */
TAP_UNUSED TAP_PRINTF(1, 2) static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Print the result line; returns ok. */
TAP_PRINTF(2, 0)
static inline int tap_result_(int ok, const char *fmt, va_list ap)
{
	struct tap_state *s = tap_state();

	s->count++;
	if (!ok)
		s->failed++;
	printf("%sok %lu - ", ok ? "" : "not ", s->count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

TAP_UNUSED TAP_PRINTF(5, 6) static inline int tap_check_(
    int ok, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result_(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_diag("check \"%s\" failed at %s:%d", expr, file, line);
	return ok;
}

TAP_UNUSED TAP_PRINTF(7, 8) static inline int tap_eq_int_(
    intmax_t a, intmax_t b, const char *ea, const char *eb, const char *file,
    int line, const char *fmt, ...)
{
	va_list ap;
	int ok = a == b;

	va_start(ap, fmt);
	tap_result_(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		tap_diag("check \"%s == %s\" failed at %s:%d", ea, eb, file,
			 line);
		tap_diag("   left: %" PRIdMAX, a);
		tap_diag("  right: %" PRIdMAX, b);
	}
	return ok;
}

TAP_UNUSED TAP_PRINTF(7, 8) static inline int tap_eq_uint_(
    uintmax_t a, uintmax_t b, const char *ea, const char *eb, const char *file,
    int line, const char *fmt, ...)
{
	va_list ap;
	int ok = a == b;

	va_start(ap, fmt);
	tap_result_(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		tap_diag("check \"%s == %s\" failed at %s:%d", ea, eb, file,
			 line);
		tap_diag("   left: %" PRIuMAX " (0x%" PRIxMAX ")", a, a);
		tap_diag("  right: %" PRIuMAX " (0x%" PRIxMAX ")", b, b);
	}
	return ok;
}

/* Print at most 200 bytes of p as a C-like quoted string on stderr. */
static inline void tap_dump_(const char *label, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i, n = len < 200 ? len : 200;

	fflush(stdout);
	fprintf(stderr, "# %s (%zu bytes): \"", label, len);
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fprintf(stderr, "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fprintf(stderr, "\"%s\n", n < len ? "..." : "");
}

TAP_UNUSED TAP_PRINTF(9, 10) static inline int tap_eq_mem_(
    const void *a, size_t alen, const void *b, size_t blen, const char *ea,
    const char *eb, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int ok;

	if (!a || !b)
		ok = a == b || (alen == 0 && blen == 0);
	else
		ok = alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
	va_start(ap, fmt);
	tap_result_(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		tap_diag("check \"%s == %s\" failed at %s:%d", ea, eb, file,
			 line);
		if (a && b) {
			size_t i = 0;
			while (i < alen && i < blen &&
			       ((const unsigned char *)a)[i] ==
				   ((const unsigned char *)b)[i])
				i++;
			tap_diag("  first difference at byte %zu", i);
		}
		if (a)
			tap_dump_("   left", a, alen);
		else
			tap_diag("   left: NULL");
		if (b)
			tap_dump_("  right", b, blen);
		else
			tap_diag("  right: NULL");
	}
	return ok;
}

TAP_UNUSED TAP_PRINTF(7, 8) static inline int tap_eq_str_(
    const char *a, const char *b, const char *ea, const char *eb,
    const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int ok = (a && b) ? strcmp(a, b) == 0 : a == b;

	va_start(ap, fmt);
	tap_result_(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		tap_diag("check \"%s == %s\" failed at %s:%d", ea, eb, file,
			 line);
		if (a)
			tap_dump_("   left", a, strlen(a));
		else
			tap_diag("   left: NULL");
		if (b)
			tap_dump_("  right", b, strlen(b));
		else
			tap_diag("  right: NULL");
	}
	return ok;
}

/* Print the plan; the exit status for main(). */
TAP_UNUSED static inline int tap_done(void)
{
	struct tap_state *s = tap_state();

	printf("1..%lu\n", s->count);
	if (s->failed)
		tap_diag("failed %lu of %lu checks", s->failed, s->count);
	fflush(stdout);
	return s->failed ? 1 : 0;
}

/* Number of checks so far, and of failed ones (for per-file summaries). */
TAP_UNUSED static inline unsigned long tap_count(void)
{
	return tap_state()->count;
}

TAP_UNUSED static inline unsigned long tap_failed(void)
{
	return tap_state()->failed;
}

#define TAP_CHECK(cond, ...)                                                   \
	tap_check_(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
#define TAP_EQ_INT(a, b, ...)                                                  \
	tap_eq_int_((intmax_t)(a), (intmax_t)(b), #a, #b, __FILE__, __LINE__,  \
		    __VA_ARGS__)
#define TAP_EQ_UINT(a, b, ...)                                                 \
	tap_eq_uint_((uintmax_t)(a), (uintmax_t)(b), #a, #b, __FILE__,         \
		     __LINE__, __VA_ARGS__)
#define TAP_EQ_STR(a, b, ...)                                                  \
	tap_eq_str_((a), (b), #a, #b, __FILE__, __LINE__, __VA_ARGS__)
#define TAP_EQ_MEM(a, alen, b, blen, ...)                                      \
	tap_eq_mem_((a), (alen), (b), (blen), #a, #b, __FILE__, __LINE__,      \
		    __VA_ARGS__)

#endif
