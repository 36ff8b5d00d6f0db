/* F_SETPIPE_SZ is Linux's: ask for it before any system header */
#define _GNU_SOURCE 1

#include "stage/cli.h"

#include "base/outfile.h"
#include "db/checkpoint.h"
#include "stage/metrics.h"
#include "stream/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *cli_name = "ferry";
static char interrupted_msg[128];
static size_t interrupted_len;

static void on_signal(int sig)
{
	(void)sig;
	if (write(2, interrupted_msg, interrupted_len) < 0) {
		/* nothing more can be done */
	}
	outfile_unlink_pending();
	_exit(ERR_PIPE);
}

/* which of fds 0-2 were closed when the program started (bits 0-2) */
static unsigned std_closed;

/*
 * A closed fd 0, 1 or 2 would be taken by the next open(): a database
 * socket read as the stream, or a stream written into it.  Each closed
 * one gets /dev/null in the opposite direction, so that a read of a
 * closed stdin or a write to a closed stdout fails instead of vanishing.
 */
static void hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		std_closed |= 1u << fd;
		got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got != fd) {
			/* cannot happen: fd was the lowest free one */
			_exit(ERR_SYSTEM);
		}
	}
}

int cli_std_closed(int fd)
{
	return fd >= 0 && fd <= 2 && (std_closed & (1u << fd));
}

static const char stdin_closed[] =
    "standard input is closed: there is no stream to read (name a file)";

void cli_need_std(int fd)
{
	if (!cli_std_closed(fd))
		return;
	fprintf(stderr, "%s: %s\n", cli_name,
		fd == 0 ? stdin_closed
			: "standard output is closed: there is nowhere to "
			  "write (use -o FILE)");
	exit(ERR_USAGE);
}

int cli_open_input(const char *path, FILE **f, const char **name, struct err *e)
{
	struct stat st;
	int fd;

	*f = NULL;
	*name = path;
	if (!path || strcmp(path, "-") == 0) {
		*name = "stdin";
		if (cli_std_closed(STDIN_FILENO))
			return err_set(e, ERR_USAGE, "%s", stdin_closed);
		*f = stdin;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e,
			       errno == ENOENT || errno == EACCES ||
				       errno == ENOTDIR || errno == ELOOP ||
				       errno == ENAMETOOLONG || errno == EPERM
				   ? ERR_USAGE
				   : ERR_SYSTEM,
			       "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int er = errno;
		close(fd);
		return err_set(e, ERR_SYSTEM, "%s: %s", path, strerror(er));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_USAGE, "%s: %s", path, strerror(EISDIR));
	}
	if (!(*f = fdopen(fd, "rb"))) {
		int er = errno;
		close(fd);
		return err_set(e, ERR_SYSTEM, "%s: %s", path, strerror(er));
	}
	return 0;
}

void cli_init(const char *prog)
{
	struct sigaction sa;

	hold_std_fds();
	cli_name = prog;
	snprintf(interrupted_msg, sizeof(interrupted_msg), "%s: interrupted\n",
		 prog);
	interrupted_len = strlen(interrupted_msg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* past ulimit -f a write fails with EFBIG, a clear error, instead
	 * of the process dying */
	sigaction(SIGXFSZ, &sa, NULL);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

const char *cli_prog(void)
{
	return cli_name;
}

void cli_say(const char *kind, const char *text)
{
	char *clean = err_clean_dup(text);

	fprintf(stderr, "%s: %s%s\n", cli_name, kind ? kind : "",
		clean ? clean : "out of memory");
	free(clean);
}

void cli_usage_error(const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cli_say(NULL, line);
	fprintf(stderr, "try '%s --help'\n", cli_name);
	exit(ERR_USAGE);
}

int cli_parse_number(const char *opt, const char *s, long long lo, long long hi,
		     long long *v, struct err *e)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || *end || *v < lo || *v > hi)
		return err_set(e, ERR_USAGE,
			       "%s: '%s' is not a number in %lld..%lld", opt, s,
			       lo, hi);
	return 0;
}

long long cli_number(const char *opt, const char *s, long long lo, long long hi)
{
	struct err e;
	long long v;

	if (cli_parse_number(opt, s, lo, hi, &v, &e) < 0)
		cli_usage_error("%s", e.msg);
	return v;
}

int cli_split_kv(const char *opt, char *arg, const char *form, int key_optional,
		 const char **key, const char **value, struct err *e)
{
	char *eq = strchr(arg, '=');

	if (!*arg || (!eq && !key_optional) || (eq && (eq == arg || !eq[1])))
		return err_set(e, ERR_USAGE, "%s: '%s' is not %s", opt, arg,
			       form);
	*key = NULL;
	*value = arg;
	if (eq) {
		*eq = '\0';
		*key = arg;
		*value = eq + 1;
	}
	return 0;
}

int cli_parse_part(char *arg, unsigned *k, unsigned *n, struct err *e)
{
	char *slash = strchr(arg, '/');
	long long kk, nn;

	if (!slash)
		return err_set(e, ERR_USAGE, "--part: '%s' is not K/N", arg);
	*slash = '\0';
	if (cli_parse_number("--part N", slash + 1, 1, CHECKPOINT_MAX_PARTS,
			     &nn, e) < 0 ||
	    cli_parse_number("--part K", arg, 1, nn, &kk, e) < 0)
		return -1;
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}

int cli_parse_sample(const char *arg, uint64_t *ppm, struct err *e)
{
	char *end;
	double pct;

	errno = 0;
	pct = strtod(arg, &end);
	if (errno || end == arg || *end || !(pct >= 0.0001) || pct > 100)
		return err_set(e, ERR_USAGE,
			       "--sample: '%s' is not a percentage in "
			       "0.0001..100",
			       arg);
	*ppm = (uint64_t)(pct * 10000.0 + 0.5);
	return 0;
}

int cli_check_cast(const char *arg, struct err *e)
{
	if (!strchr(arg, '.') || !strrchr(arg, '='))
		return err_set(e, ERR_USAGE,
			       "--cast: '%s' is not TABLE.COLUMN=TYPE", arg);
	return 0;
}

void cli_add_cast(char *arg, char **casts, size_t *n, size_t max)
{
	struct err e;

	if (cli_check_cast(arg, &e) < 0)
		cli_usage_error("%s", e.msg);
	if (*n == max)
		cli_usage_error("too many --cast options");
	casts[(*n)++] = arg;
}

int cli_check_table_column(const char *arg, struct err *e)
{
	if (!strchr(arg, '.'))
		return err_set(e, ERR_USAGE,
			       "--ignore-column: '%s' is not TABLE.COLUMN",
			       arg);
	return 0;
}

int cli_report(const struct err *e)
{
	char msg[80];

	/* a failure that left no message is still named, for a report */
	if (!e->msg[0]) {
		snprintf(
		    msg, sizeof(msg),
		    "internal error: a failure of class %d left no message",
		    (int)e->class);
		cli_say(NULL, msg);
		return e->class ? (int)e->class : ERR_SYSTEM;
	}
	cli_say(NULL, e->msg);
	return e->class ? (int)e->class : ERR_SYSTEM;
}

static int output_error(struct err *e)
{
	if (errno == EPIPE)
		return err_set(e, ERR_PIPE,
			       "the next stage of the pipe is gone");
	return err_set(e, ERR_SYSTEM, "write error: %s", strerror(errno));
}

int cli_close_output(FILE *out, struct err *e)
{
	int rc = 0;

	if (fflush(out) != 0)
		rc = output_error(e);
	if (fclose(out) != 0 && rc == 0)
		rc = output_error(e);
	return rc;
}

void cli_timeout(int opt, const char *arg, unsigned *connect, unsigned *read)
{
	if (opt == CLI_OPT_CONNECT_TIMEOUT)
		*connect =
		    (unsigned)cli_number("--connect-timeout", arg, 0, 86400);
	else
		*read = (unsigned)cli_number("--read-timeout", arg, 0, 864000);
}

void cli_scrub_arg(char *arg, const char *display)
{
	size_t n = strlen(arg), d = strlen(display);

	memset(arg, ' ', n);
	memcpy(arg, display, d < n ? d : n);
}

void cli_widen_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}

int cli_help(const char *text)
{
	fputs(text, stdout);
	return fclose(stdout) == 0 ? 0 : ERR_SYSTEM;
}

#ifndef FERRY_VERSION
#define FERRY_VERSION "unknown"
#endif

int cli_version(void)
{
	printf("%s %s (stream format %d.%d)\n", cli_prog(), FERRY_VERSION,
	       STREAM_VERSION_MAJOR, STREAM_VERSION_MINOR);
	return fclose(stdout) == 0 ? 0 : ERR_SYSTEM;
}

int cli_defaults_file(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s: --defaults-file %s: %s\n", cli_prog(),
			path, strerror(errno));
		return ERR_USAGE;
	}
	fclose(f);
	return 0;
}

void cli_password_warning(void)
{
	fprintf(stderr,
		"%s: warning: a password in the URI is visible to every user "
		"of this machine (ps); use a password file\n",
		cli_prog());
}

int cli_metrics_finish(struct metrics *m, const char *path, int rc, int ok,
		       struct err *e)
{
	struct err me;

	err_init(&me);
	if (m && path && metrics_write(m, path, rc == 0 && ok, &me) < 0) {
		if (rc == 0) {
			*e = me;
			rc = -1;
		} else {
			cli_report(&me);
		}
	}
	metrics_free(m);
	return rc;
}
