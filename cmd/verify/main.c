/*
 * ferry-verify - prove that two sides hold the same rows, or show where
 * they differ.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/outfile.h"
#include "db/uri.h"
#include "stage/cli.h"
#include "stage/verify.h"
#include "stream/stream.h"
#include "transform/transform.h"

#define MAX_ARGS 4096

static const char usage_text[] =
    "usage: ferry-verify [OPTIONS] A B\n"
    "\n"
    "Compare two sides table by table and say whether they hold the same\n"
    "rows.  A side is a database (mysql://USER@HOST[:PORT]/DB, or anything\n"
    "libpq takes) or a stream file; - reads a stream on stdin.  Rows are\n"
    "merged by primary key and compared in canonical form (5, 5 unsigned\n"
    "and 5.00 agree; JSON in any key order); a table without a key is\n"
    "compared by row count and digest.  Streams must be in key order\n"
    "(ferry-extract --order pk).\n"
    "\n"
    "  -s, --spec SPEC             compare side A as the ferry-transform spec\n"
    "                              SPEC reshapes it (renamed, dropped columns)\n"
    "  -t, --table NAME            only this table (repeatable)\n"
    "      --ignore-column T.COL   leave column COL of table T out (repeatable)\n"
    "      --cast T.COL=int|text|bytes\n"
    "                            read the column as ferry-extract --cast did\n"
    "      --table-map FROM=TO     compare A's table FROM with B's table TO\n"
    "      --schema NAME           a table A names without a schema is B's\n"
    "                              table of schema NAME (ferry-load --schema)\n"
    "                              (repeatable)\n"
    "      --keep-case             a MySQL name meets only itself on\n"
    "                              PostgreSQL (default: also its lower case,\n"
    "                              as ferry-load folds it)\n"
    "      --schema-only           compare the tables' structure instead of\n"
    "                              their rows: columns, types, NULL, defaults,\n"
    "                              identity and its counter, collations, keys,\n"
    "                              indexes, CHECKs, foreign keys (databases)\n"
    "      --probe                 with --schema-only (implied): try on both\n"
    "                              sides, in transactions rolled back, an\n"
    "                              INSERT of only the columns without\n"
    "                              defaults, a unique value in another case,\n"
    "                              a reference to a missing parent (consumes\n"
    "                              ids)\n"
    "      --rows                  compare row by row (always done: the merge\n"
    "                              runs in the same pass as the digests)\n"
    "      --max-diffs N           differences shown per table (default 100)\n"
    "      --zero-dates MODE       a MySQL zero date ('0000-00-00') is itself,\n"
    "                              equal only to the same (keep, the\n"
    "                              default), NULL as ferry-extract's default\n"
    "                              made it (null), or an error (error)\n"
    "      --time-precision N      compare times to N fraction digits, 0-6\n"
    "                              (default 6, the microsecond)\n"
    "      --float-ulps N          floats this many units in the last place\n"
    "                              apart agree (default 0: bit for bit)\n"
    "      --sample PERCENT        compare only the rows of a deterministic\n"
    "                              sample of the keys (0.0001 to 100)\n"
    "      --report FILE           write the result as JSON to FILE\n"
    "      --metrics-file FILE     write the run's figures for Prometheus\n"
    "                              (node_exporter's textfile collector;\n"
    "                              success means equal)\n"
    "      --emit-deletes FILE     write the keys only in B (the rows deleted\n"
    "                              in A since the copy) to FILE as a stream\n"
    "                              for ferry-load --mode delete; - writes it\n"
    "                              on stdout and the summary on stderr\n"
    "      --emit-upserts FILE     write A's rows that B lacks or holds\n"
    "                              otherwise to FILE as a stream for\n"
    "                              ferry-load --mode upsert (- as above)\n"
    "      --defaults-file FILE    MySQL option file for credentials\n"
    "      --connect-timeout S     seconds to connect (default 30)\n"
    "      --read-timeout S        seconds without a byte (default 3600)\n"
    "  -h, --help                  show this help and exit\n"
    "  -V, --version               show the version and exit\n"
    "\n"
    "Exit status: 0 equal, 1 the sides differ, 2 usage, 3 bad input stream,\n"
    "4 database, 5 spec error, 7 interrupted, 8 system error; never 0 when\n"
    "a side could not be read to its end.  See ferry-verify(1).\n";

/* --emit-*: FILE (written to a temporary name, renamed when complete) or
 * - (stdout) */
static FILE *open_emit(struct outfile *out, const char *path, struct err *e)
{
	if (outfile_open(out, stdout, NULL,
			 strcmp(path, "-") == 0 ? NULL : path, 0, e) < 0)
		return NULL;
	setvbuf(out->f, NULL, _IOFBF, 1u << 20);
	cli_widen_pipe(fileno(out->f));
	return out->f;
}

/* what the command line says */
struct args {
	struct verify_opts o;
	const char *spec_path, *emit_path, *up_path, *metrics_path;
	char *side_copy[2]; /* a side without its password on argv */
};

enum {
	OPT_IGNORE = 256,
	OPT_CAST,
	OPT_MAX_DIFFS,
	OPT_REPORT,
	OPT_DEFAULTS,
	OPT_TIME_PRECISION,
	OPT_FLOAT_ULPS,
	OPT_SAMPLE,
	OPT_TABLE_MAP,
	OPT_ROWS,
	OPT_KEEP_CASE,
	OPT_SCHEMA_ONLY,
	OPT_PROBE,
	OPT_EMIT_DELETES,
	OPT_EMIT_UPSERTS,
	OPT_SCHEMA,
	OPT_ZERO_DATES,
};

static const struct option longopts[] = {
	{ "spec", required_argument, NULL, 's' },
	{ "table", required_argument, NULL, 't' },
	{ "ignore-column", required_argument, NULL, OPT_IGNORE },
	{ "cast", required_argument, NULL, OPT_CAST },
	{ "max-diffs", required_argument, NULL, OPT_MAX_DIFFS },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "metrics-file", required_argument, NULL, CLI_OPT_METRICS_FILE },
	{ "time-precision", required_argument, NULL, OPT_TIME_PRECISION },
	{ "float-ulps", required_argument, NULL, OPT_FLOAT_ULPS },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "table-map", required_argument, NULL, OPT_TABLE_MAP },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "zero-dates", required_argument, NULL, OPT_ZERO_DATES },
	{ "rows", no_argument, NULL, OPT_ROWS },
	{ "keep-case", no_argument, NULL, OPT_KEEP_CASE },
	{ "schema-only", no_argument, NULL, OPT_SCHEMA_ONLY },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "emit-deletes", required_argument, NULL, OPT_EMIT_DELETES },
	{ "emit-upserts", required_argument, NULL, OPT_EMIT_UPSERTS },
	{ "defaults-file", required_argument, NULL, OPT_DEFAULTS },
	{ "connect-timeout", required_argument, NULL, CLI_OPT_CONNECT_TIMEOUT },
	{ "read-timeout", required_argument, NULL, CLI_OPT_READ_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *tables[MAX_ARGS], *ignore[MAX_ARGS];
static int zero_dates_given; /* --zero-dates on the command line */
static char *casts[MAX_ARGS];
static const char *map_from[MAX_ARGS], *map_to[MAX_ARGS];

/* the options that say what is compared, and how */
static int parse_compare_option(int c, struct verify_opts *o)
{
	const char *from, *to;
	struct err e;

	switch (c) {
	case 't':
		if (o->ntables == MAX_ARGS)
			cli_usage_error("too many -t options");
		tables[o->ntables++] = optarg;
		return 1;
	case OPT_CAST:
		cli_add_cast(optarg, casts, &o->ncasts, MAX_ARGS);
		return 1;
	case OPT_ZERO_DATES:
		zero_dates_given = 1;
		if (strcmp(optarg, "keep") == 0)
			o->source.zero_dates = SOURCE_ZERO_DATES_MARK;
		else if (strcmp(optarg, "null") == 0)
			o->source.zero_dates = SOURCE_ZERO_DATES_NULL;
		else if (strcmp(optarg, "error") == 0)
			o->source.zero_dates = SOURCE_ZERO_DATES_ERROR;
		else
			cli_usage_error("--zero-dates: '%s' is not keep, null "
					"or error",
					optarg);
		return 1;
	case OPT_IGNORE:
		if (cli_check_table_column(optarg, &e) < 0)
			cli_usage_error("%s", e.msg);
		if (o->nignore == MAX_ARGS)
			cli_usage_error(
			    "--ignore-column: '%s' is not TABLE.COLUMN",
			    optarg);
		ignore[o->nignore++] = optarg;
		return 1;
	case OPT_FLOAT_ULPS:
		o->float_ulps = (uint64_t)cli_number("--float-ulps", optarg, 0,
						     1000000000000LL);
		return 1;
	case OPT_ROWS: return 1; /* the row-level merge is never skipped */
	case OPT_KEEP_CASE: o->keep_case = 1; return 1;
	case OPT_SCHEMA_ONLY: o->schema_only = 1; return 1;
	case OPT_PROBE: o->probe = 1; return 1;
	case OPT_SCHEMA:
		if (!*optarg || strlen(optarg) > SCHEMA_MAX_NAME)
			cli_usage_error("--schema takes a schema's name");
		o->schema = optarg;
		return 1;
	case OPT_TABLE_MAP:
		if (cli_split_kv("--table-map", optarg, "FROM=TO", 0, &from,
				 &to, &e) < 0)
			cli_usage_error("%s", e.msg);
		if (o->nmaps == MAX_ARGS)
			cli_usage_error("too many --table-map options");
		map_from[o->nmaps] = from;
		map_to[o->nmaps++] = to;
		return 1;
	case OPT_SAMPLE:
		if (cli_parse_sample(optarg, &o->sample_ppm, &e) < 0)
			cli_usage_error("%s", e.msg);
		return 1;
	case OPT_TIME_PRECISION:
		o->time_precision =
		    (int)cli_number("--time-precision", optarg, 0, 6);
		return 1;
	default: return 0;
	}
}

/*
 * The options into a; exits 2 on a usage error.  -1 to go on, else the
 * exit code (--help, --version, an unknown option).
 */
static int parse_options(int argc, char **argv, struct args *a)
{
	struct verify_opts *o = &a->o;
	int c;

	while ((c = getopt_long(argc, argv, "s:t:hV", longopts, NULL)) != -1) {
		if (parse_compare_option(c, o))
			continue;
		switch (c) {
		case 's': a->spec_path = optarg; break;
		case OPT_MAX_DIFFS:
			o->max_diffs = (uint64_t)cli_number(
			    "--max-diffs", optarg, 0, 1000000000LL);
			break;
		case OPT_REPORT: o->report_path = optarg; break;
		case CLI_OPT_METRICS_FILE: a->metrics_path = optarg; break;
		case OPT_EMIT_DELETES: a->emit_path = optarg; break;
		case OPT_EMIT_UPSERTS: a->up_path = optarg; break;
		case OPT_DEFAULTS: o->source.defaults_file = optarg; break;
		case CLI_OPT_CONNECT_TIMEOUT:
		case CLI_OPT_READ_TIMEOUT:
			cli_timeout(c, optarg, &o->source.connect_timeout,
				    &o->source.read_timeout);
			break;
		case 'h': return cli_help(usage_text);
		case 'V': return cli_version();
		default:
			fprintf(stderr, "try 'ferry-verify --help'\n");
			return ERR_USAGE;
		}
	}
	if (argc - optind != 2)
		cli_usage_error("give two sides, A and B");
	return -1;
}

/* The two sides; a password in one leaves the visible command line
 * (verify reads a copy).  An exit code when out of memory. */
static int take_sides(struct args *a, char **argv)
{
	struct verify_opts *o = &a->o;

	for (int i = 0; i < 2; i++) {
		struct uri su;
		struct err se;
		o->side[i] = argv[i];
		err_init(&se);
		if (!(strstr(o->side[i], "://") || strchr(o->side[i], '=')) ||
		    uri_parse(o->side[i], &su, &se) < 0)
			continue;
		if (su.password_in_uri) {
			if (!(a->side_copy[i] = strdup(o->side[i]))) {
				uri_release(&su);
				err_oom(&se);
				return cli_report(&se);
			}
			cli_scrub_arg(argv[i], su.display);
			o->side[i] = a->side_copy[i];
		}
		uri_release(&su);
	}
	return 0;
}

/* options that exclude each other, and where the summary goes: exits 2
 * when they do not hold */
static void check_options(struct args *a)
{
	struct verify_opts *o = &a->o;
	int a_in = strcmp(o->side[0], "-") == 0;
	int b_in = strcmp(o->side[1], "-") == 0;
	int del_out = a->emit_path && strcmp(a->emit_path, "-") == 0;
	int up_out = a->up_path && strcmp(a->up_path, "-") == 0;

	if (a_in && b_in)
		cli_usage_error("only one side can be stdin");
	if (a_in || b_in)
		cli_need_std(STDIN_FILENO);
	if (a->emit_path && o->sample_ppm)
		cli_usage_error("--emit-deletes writes every key: it does not "
				"go with --sample");
	if (a->up_path && o->sample_ppm)
		cli_usage_error("--emit-upserts writes every row: it does not "
				"go with --sample");
	if (del_out && up_out)
		cli_usage_error("only one of --emit-deletes and --emit-upserts "
				"can be -");
	/* a stream holds no zero date: what is emitted is what
	 * ferry-extract would carry, NULL */
	if ((a->emit_path || a->up_path) &&
	    o->source.zero_dates == SOURCE_ZERO_DATES_MARK) {
		if (zero_dates_given)
			cli_usage_error("--zero-dates keep: a stream cannot "
					"hold a zero date (--emit-* takes null "
					"or error)");
		o->source.zero_dates = SOURCE_ZERO_DATES_NULL;
	}
	if (del_out || up_out) {
		cli_need_std(STDOUT_FILENO);
		if (isatty(STDOUT_FILENO))
			cli_usage_error(
			    "refusing to write a binary stream to a terminal "
			    "(use a FILE or a pipe)");
		/* stdout carries the stream alone */
		o->out = stderr;
	}
}

/* the comparison, with the streams of --emit-deletes and --emit-upserts
 * complete or not at all; ERR_DIFFER when the sides differ */
static int run_verify(struct args *a)
{
	struct verify_opts *o = &a->o;
	struct outfile emit, emit_up;
	struct err e;
	int rc;

	err_init(&e);
	if ((a->emit_path && !(o->emit = open_emit(&emit, a->emit_path, &e))) ||
	    (a->up_path &&
	     !(o->emit_upserts = open_emit(&emit_up, a->up_path, &e)))) {
		struct err ignored;
		/* the first one's temporary file goes, too */
		if (o->emit)
			outfile_finish(&emit, 0, &ignored);
		return cli_report(&e);
	}
	if (a->metrics_path && !(o->metrics = metrics_new("verify", NULL, &e)))
		return cli_report(&e);
	rc = verify_run(o, &e);
	/* a stream of keys cut short never takes FILE's name; on stdout it
	 * stays without its end frame, which a loader refuses */
	if (a->emit_path && outfile_finish(&emit, rc == 0, &e) < 0)
		rc = -1;
	if (a->up_path && outfile_finish(&emit_up, rc == 0, &e) < 0)
		rc = -1;
	if (rc == 0 && o->out == stdout && cli_close_output(stdout, &e) < 0)
		rc = -1;
	rc =
	    cli_metrics_finish(o->metrics, a->metrics_path, rc, !o->differ, &e);
	if (rc < 0)
		return cli_report(&e);
	return o->differ ? ERR_DIFFER : 0;
}

int main(int argc, char **argv)
{
	struct args a;
	struct verify_opts *o = &a.o;
	struct err e;
	int rc;

	memset(&a, 0, sizeof(a));
	o->tables = tables;
	o->ignore = ignore;
	o->casts = casts;
	o->map_from = map_from;
	o->map_to = map_to;
	o->max_diffs = 100;
	o->time_precision = 6;
	o->out = stdout;
	o->warn = stderr;
	o->source.zero_dates = SOURCE_ZERO_DATES_MARK;
	o->source.connect_timeout = CLI_CONNECT_TIMEOUT;
	o->source.read_timeout = CLI_READ_TIMEOUT;
	err_init(&e);
	cli_init("ferry-verify");
	/* for tests only: a small sort budget makes a small key-less table
	 * spill to temporary files (ferry-verify(1), ENVIRONMENT) */
	if (getenv("FERRY_VERIFY_SORT_BYTES"))
		o->sort_budget =
		    (size_t)cli_number("FERRY_VERIFY_SORT_BYTES",
				       getenv("FERRY_VERIFY_SORT_BYTES"), 4096,
				       (long long)VERIFY_SORT_BUDGET * 64);
	if ((rc = parse_options(argc, argv, &a)) >= 0 ||
	    (rc = take_sides(&a, argv + optind)) != 0)
		return rc;
	check_options(&a);
	if (o->source.defaults_file &&
	    cli_defaults_file(o->source.defaults_file))
		rc = ERR_USAGE;
	/* the spec first: an error in it costs no read */
	else if (a.spec_path && !(o->spec = spec_load(a.spec_path, &e)))
		rc = cli_report(&e);
	else
		rc = run_verify(&a);
	spec_free(o->spec);
	free(a.side_copy[0]);
	free(a.side_copy[1]);
	return rc;
}
