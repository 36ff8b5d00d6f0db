/*
 * ferry-load - write a ferry stream into PostgreSQL or MariaDB/MySQL.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/jsonfile.h"
#include "base/progress.h"
#include "db/checkpoint.h"
#include "db/uri.h"
#include "stage/apply.h"
#include "stage/check.h"
#include "stage/cli.h"
#include "stage/load.h"
#include "stream/stream.h"

#define MAX_MAPS 4096

static const char usage_text[] =
    "usage: ferry-load [OPTIONS] TARGET [-i FILE]\n"
    "       ferry-load --check [OPTIONS] TARGET [-i FILE]\n"
    "\n"
    "Write the tables of a ferry stream (stdin, or -i FILE) into TARGET,\n"
    "one transaction per table.  TARGET is mysql://USER@HOST[:PORT]/DB\n"
    "(also ?socket=PATH) or anything libpq takes (postgres://..., host=...).\n"
    "\n"
    "  -i, --input FILE          read the stream from FILE\n"
    "  -m, --mode MODE           insert (default: a key that exists is an\n"
    "                            error), upsert, or truncate (empty the table\n"
    "                            first, in the same transaction), or delete\n"
    "                            (the stream holds keys, as ferry-verify\n"
    "                            --emit-deletes writes: delete their rows)\n"
    "  -c, --create              create missing tables from the stream's schema\n"
    "      --enum-types type|check\n"
    "                            PostgreSQL: an enum column gets an enum type\n"
    "                            of its labels, in their order (type, the\n"
    "                            default), or text with a CHECK of them\n"
    "      --triggers MODE       a target table with triggers: refuse (the\n"
    "                            default: fail it before its first row),\n"
    "                            disable (PostgreSQL: off for the load's\n"
    "                            transactions) or fire (they run on every row)\n"
    "      --case-insensitive on|off|citext\n"
    "                            MySQL -> PostgreSQL: a column whose collation\n"
    "                            compares without case gets one that does the\n"
    "                            same (on, the default), the default (off), or\n"
    "                            the type citext (LIKE works; accents apart)\n"
    "      --keep-case           MySQL -> PostgreSQL: keep names as they are\n"
    "                            (default: fold them to lower case, as the\n"
    "                            application's unquoted names)\n"
    "      --table-map FROM=TO   load stream table FROM into table TO\n"
    "                            (repeatable)\n"
    "      --commit-every N      commit every N rows (default: once per table)\n"
    "      --parallel N          load with N connections at once (1..64):\n"
    "                            each table in its own transaction, a table's\n"
    "                            key ranges on one, in order; its key and\n"
    "                            indexes built while others load\n"
    "      --rejects FILE        set the rows the target refuses aside in FILE\n"
    "                            (a stream, each with the server's reason)\n"
    "                            and go on, in every mode\n"
    "      --max-rejects N       with --rejects: stop past N refused rows\n"
    "                            (default 1000)\n"
    "      --indexes-after       --create: build the secondary indexes after\n"
    "                            the rows (the default)\n"
    "      --no-indexes          --create: build no secondary indexes\n"
    "      --job NAME            keep each table's progress in the target's\n"
    "                            ferry_checkpoint, committed with the rows;\n"
    "                            a rerun skips what the job committed, and a\n"
    "                            table with a watermark is upserted once it\n"
    "                            has rows (without -m)\n"
    "      --follow              with --job: load a follow stream (ferry-extract\n"
    "                            --follow): its tables replace the target's\n"
    "                            rows, then its changes are applied, each\n"
    "                            group of them committed with the job's\n"
    "                            position; a rerun goes on from there\n"
    "      --check               write nothing: read the stream as a load\n"
    "                            would and report what TARGET would refuse\n"
    "                            or change (exit 6 when rows would be refused)\n"
    "      --samples N           --check: sample keys per finding (default 5)\n"
    "      --max-keys N          --check: keys per table remembered to find\n"
    "                            duplicates (default 2000000)\n"
    "      --report FILE         --check: write the report as JSON to FILE\n"
    "      --defaults-file FILE  MySQL option file to read credentials from\n"
    "      --connect-timeout S   seconds to connect (default 30; 0 waits)\n"
    "      --read-timeout S      seconds without a byte from the server\n"
    "                            (default 3600; 0 waits)\n"
    "      --stats FILE          write a JSON summary per table to FILE\n"
    "      --schema NAME         PostgreSQL: put the tables the stream gives\n"
    "                            no schema (a MySQL source's) in schema NAME\n"
    "      --schema-report FILE  write to FILE as JSON what of the source's\n"
    "                            schema the target did not get: the objects\n"
    "                            the stream names as not carried, and what\n"
    "                            --create made otherwise\n"
    "      --metrics-file FILE   write the run's figures for Prometheus\n"
    "                            (node_exporter's textfile collector)\n"
    "      --no-progress         no progress line, even on a terminal\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input stream (the table in flight is\n"
    "rolled back), 4 database, 6 rows rejected (--check: rows would be\n"
    "refused), 7 pipe or interrupted (--follow: a rerun resumes), 8 system\n"
    "error.\n"
    "See ferry-load(1).\n";

static void show_notice(const char *line)
{
	cli_say("notice: ", line);
}

/* --check: the report on stdout (and --report FILE); 6 when a load
 * would refuse rows */
static int run_check(const struct uri *u, const struct check_opts *co, FILE *in,
		     const char *report_path)
{
	struct buf text;
	cJSON *report = NULL;
	struct err e;
	int rc, refused = 0;

	err_init(&e);
	buf_init(&text, (size_t)1 << 30);
	rc = check_run(u, co, in, &report, &text, &refused, &e);
	if (rc == 0 && report_path)
		rc = jsonfile_write(report, "--report", report_path, &e);
	if (rc == 0 && (fwrite(text.data, 1, text.len, stdout) != text.len ||
			cli_close_output(stdout, &e) < 0)) {
		if (e.class == ERR_OK)
			err_set(&e, ERR_SYSTEM, "stdout: %s", strerror(errno));
		rc = -1;
	}
	cJSON_Delete(report);
	buf_release(&text);
	if (rc < 0) {
		if (e.class == ERR_STREAM && strncmp(e.msg, "byte ", 5) == 0)
			err_prefix(&e, "%s", co->in_name);
		return cli_report(&e);
	}
	return refused ? ERR_REJECTS : 0;
}

/* what the command line says */
struct args {
	struct load_opts o;
	const char *in_path, *metrics_path, *report_path;
	int show_progress, max_set, check, enum_types_set;
	long long samples, max_keys; /* -1: not given */
};

enum {
	OPT_ENUM_TYPES = 256,
	OPT_TRIGGERS,
	OPT_KEEP_CASE,
	OPT_CASE_INSENSITIVE,
	OPT_TABLE_MAP,
	OPT_COMMIT_EVERY,
	OPT_DEFAULTS,
	OPT_STATS,
	OPT_NO_PROGRESS,
	OPT_REJECTS,
	OPT_MAX_REJECTS,
	OPT_INDEXES_AFTER,
	OPT_NO_INDEXES,
	OPT_JOB,
	OPT_CHECK,
	OPT_SAMPLES,
	OPT_MAX_KEYS,
	OPT_REPORT,
	OPT_SCHEMA_REPORT,
	OPT_SCHEMA,
	OPT_FOLLOW,
	OPT_PARALLEL,
};

static const struct option longopts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "mode", required_argument, NULL, 'm' },
	{ "create", no_argument, NULL, 'c' },
	{ "enum-types", required_argument, NULL, OPT_ENUM_TYPES },
	{ "triggers", required_argument, NULL, OPT_TRIGGERS },
	{ "keep-case", no_argument, NULL, OPT_KEEP_CASE },
	{ "case-insensitive", required_argument, NULL, OPT_CASE_INSENSITIVE },
	{ "table-map", required_argument, NULL, OPT_TABLE_MAP },
	{ "commit-every", required_argument, NULL, OPT_COMMIT_EVERY },
	{ "job", required_argument, NULL, OPT_JOB },
	{ "defaults-file", required_argument, NULL, OPT_DEFAULTS },
	{ "connect-timeout", required_argument, NULL, CLI_OPT_CONNECT_TIMEOUT },
	{ "read-timeout", required_argument, NULL, CLI_OPT_READ_TIMEOUT },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "metrics-file", required_argument, NULL, CLI_OPT_METRICS_FILE },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "indexes-after", no_argument, NULL, OPT_INDEXES_AFTER },
	{ "no-indexes", no_argument, NULL, OPT_NO_INDEXES },
	{ "max-rejects", required_argument, NULL, OPT_MAX_REJECTS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "schema-report", required_argument, NULL, OPT_SCHEMA_REPORT },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "parallel", required_argument, NULL, OPT_PARALLEL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static struct load_map maps[MAX_MAPS];

static enum sink_mode parse_mode(const char *arg)
{
	static const struct {
		const char *name;
		enum sink_mode mode;
	} modes[] = {
		{ "insert", SINK_INSERT },
		{ "upsert", SINK_UPSERT },
		{ "truncate", SINK_TRUNCATE },
		{ "delete", SINK_DELETE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(arg, modes[i].name) == 0)
			return modes[i].mode;
	cli_usage_error(
	    "--mode: '%s' is not insert, upsert, truncate or delete", arg);
}

static void add_map(struct load_opts *o, char *arg)
{
	const char *from, *to;
	struct err e;

	if (cli_split_kv("--table-map", arg, "FROM=TO", 0, &from, &to, &e) < 0)
		cli_usage_error("%s", e.msg);
	if (o->nmaps == MAX_MAPS)
		cli_usage_error("too many --table-map options");
	maps[o->nmaps].from = from;
	maps[o->nmaps++].to = to;
}

/*
 * The options into a; exits 2 on a usage error.  -1 to go on, else the
 * exit code (--help, --version, an unknown option).
 */
static int parse_options(int argc, char **argv, struct args *a)
{
	struct load_opts *o = &a->o;
	int c;

	while ((c = getopt_long(argc, argv, "i:m:chV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': a->in_path = optarg; break;
		case OPT_JOB: o->sink.job = optarg; break;
		case 'm':
			o->mode_given = 1;
			o->sink.mode = parse_mode(optarg);
			break;
		case 'c': o->sink.create = 1; break;
		case OPT_ENUM_TYPES:
			if (strcmp(optarg, "type") != 0 &&
			    strcmp(optarg, "check") != 0)
				cli_usage_error("--enum-types takes type or "
						"check, not '%s'",
						optarg);
			o->sink.enum_check = strcmp(optarg, "check") == 0;
			a->enum_types_set = 1;
			break;
		case OPT_KEEP_CASE: o->keep_case = 1; break;
		case OPT_CASE_INSENSITIVE:
			if (strcmp(optarg, "on") && strcmp(optarg, "off") &&
			    strcmp(optarg, "citext"))
				cli_usage_error("--case-insensitive is on, off "
						"or citext");
			o->sink.case_sensitive = strcmp(optarg, "off") == 0;
			o->sink.citext = strcmp(optarg, "citext") == 0;
			break;
		case OPT_TRIGGERS:
			if (strcmp(optarg, "refuse") == 0)
				o->sink.triggers = SINK_TRIGGERS_REFUSE;
			else if (strcmp(optarg, "disable") == 0)
				o->sink.triggers = SINK_TRIGGERS_DISABLE;
			else if (strcmp(optarg, "fire") == 0)
				o->sink.triggers = SINK_TRIGGERS_FIRE;
			else
				cli_usage_error("--triggers is refuse, disable "
						"or fire");
			break;
		case OPT_TABLE_MAP: add_map(o, optarg); break;
		case OPT_COMMIT_EVERY:
			o->sink.commit_every = (uint64_t)cli_number(
			    "--commit-every", optarg, 1, 1000000000000LL);
			break;
		case OPT_DEFAULTS: o->sink.defaults_file = optarg; break;
		case CLI_OPT_CONNECT_TIMEOUT:
		case CLI_OPT_READ_TIMEOUT:
			cli_timeout(c, optarg, &o->sink.connect_timeout,
				    &o->sink.read_timeout);
			break;
		case OPT_STATS: o->stats_path = optarg; break;
		case CLI_OPT_METRICS_FILE: a->metrics_path = optarg; break;
		case OPT_NO_PROGRESS: a->show_progress = 0; break;
		case OPT_REJECTS: o->rejects_path = optarg; break;
		case OPT_INDEXES_AFTER: o->sink.no_indexes = 0; break;
		case OPT_NO_INDEXES: o->sink.no_indexes = 1; break;
		case OPT_MAX_REJECTS:
			o->max_rejects = (uint64_t)cli_number(
			    "--max-rejects", optarg, 0, 1000000000000LL);
			a->max_set = 1;
			break;
		case OPT_CHECK: a->check = 1; break;
		case OPT_SAMPLES:
			a->samples = cli_number("--samples", optarg, 0, 100000);
			break;
		case OPT_MAX_KEYS:
			a->max_keys =
			    cli_number("--max-keys", optarg, 1, 1000000000LL);
			break;
		case OPT_REPORT: a->report_path = optarg; break;
		case OPT_SCHEMA_REPORT: o->schema_report_path = optarg; break;
		case OPT_SCHEMA: o->schema = optarg; break;
		case OPT_FOLLOW: o->follow = 1; break;
		case OPT_PARALLEL:
			o->parallel = (int)cli_number("--parallel", optarg, 1, 64);
			break;
		case 'h': return cli_help(usage_text);
		case 'V': return cli_version();
		default:
			fprintf(stderr, "try 'ferry-load --help'\n");
			return ERR_USAGE;
		}
	}
	return -1;
}

/* options that go together, and those that exclude each other: exits 2
 * when they do not hold; an exit code for a bad --job name */
static int check_options(const struct args *a, int argc)
{
	const struct load_opts *o = &a->o;
	struct err e;

	if (!a->check &&
	    (a->samples >= 0 || a->max_keys >= 0 || a->report_path))
		cli_usage_error("--samples, --max-keys and --report go with "
				"--check");
	if (a->check &&
	    (o->sink.job || o->rejects_path || a->metrics_path ||
	     o->stats_path || o->sink.commit_every || o->schema_report_path))
		cli_usage_error("--check writes nothing: --job, --rejects, "
				"--stats, --schema-report, --metrics-file and "
				"--commit-every do not apply");
	if (a->max_set && !o->rejects_path)
		cli_usage_error("--max-rejects goes with --rejects");
	if (o->sink.mode == SINK_DELETE && o->sink.create)
		cli_usage_error("--mode delete does not go with --create: it "
				"deletes from tables that exist");
	if (optind != argc - 1)
		cli_usage_error(optind >= argc ? "no TARGET given"
					       : "more than one TARGET");
	if (o->follow &&
	    (!o->sink.job || a->check || o->rejects_path ||
	     o->sink.commit_every || o->sink.mode == SINK_DELETE))
		cli_usage_error("--follow needs --job NAME (where the changes "
				"applied are kept) and excludes --check, "
				"--rejects, --commit-every and --mode delete");
	if (o->parallel > 1 &&
	    (o->follow || o->rejects_path || o->sink.mode == SINK_DELETE))
		cli_usage_error("--parallel excludes --follow (changes apply in "
				"their order), --rejects (one stream of refused "
				"rows) and --mode delete (deletes go in the "
				"stream's order, which foreign keys may need)");
	if (!o->sink.job)
		return 0;
	err_init(&e);
	if (checkpoint_check_job(o->sink.job, &e) < 0)
		return cli_report(&e);
	if (o->sink.mode == SINK_TRUNCATE && !o->follow)
		cli_usage_error("--mode truncate with --job would empty what a "
				"rerun resumes");
	if (o->sink.mode == SINK_DELETE)
		cli_usage_error("--mode delete takes no --job: the job's "
				"checkpoints are its loads'");
	return 0;
}

/* The target (arg) parsed into u, its options checked against its
 * engine; an exit code when they do not hold. */
static int open_target(const struct args *a, char *arg, struct uri *u)
{
	const struct load_opts *o = &a->o;
	struct err e;

	err_init(&e);
	if (uri_parse(arg, u, &e) < 0)
		return cli_report(&e);
	if (o->sink.defaults_file) {
		if (u->engine != URI_MYSQL) {
			uri_release(u);
			cli_usage_error("--defaults-file is for MySQL targets");
		}
		if (cli_defaults_file(o->sink.defaults_file) != 0) {
			uri_release(u);
			return ERR_USAGE;
		}
	}
	if (a->enum_types_set && u->engine != URI_PG) {
		uri_release(u);
		cli_usage_error("--enum-types is for PostgreSQL targets");
	}
	if (o->schema && (u->engine != URI_PG || !*o->schema ||
			  strlen(o->schema) > SCHEMA_MAX_NAME)) {
		uri_release(u);
		cli_usage_error("--schema takes a PostgreSQL schema's name (a "
				"MySQL target's database is the one its URI "
				"names)");
	}
	if (o->sink.triggers == SINK_TRIGGERS_DISABLE && u->engine != URI_PG) {
		uri_release(u);
		cli_usage_error("--triggers disable is for PostgreSQL targets: "
				"MySQL cannot turn a trigger off for one "
				"session (drop it, or --triggers fire)");
	}
	if (u->password_in_uri) {
		cli_password_warning();
		cli_scrub_arg(arg, u->display);
	}
	return 0;
}

/* --check: what a load would do, on stdout (and --report) */
static int run_checks(const struct args *a, const struct uri *u, FILE *in)
{
	const struct load_opts *o = &a->o;
	struct check_opts co;

	memset(&co, 0, sizeof(co));
	co.mode = o->sink.mode;
	co.create = o->sink.create;
	co.triggers = o->sink.triggers;
	co.keep_case = o->keep_case;
	co.case_sensitive = o->sink.case_sensitive;
	co.citext = o->sink.citext;
	co.enum_check = o->sink.enum_check;
	co.maps = o->maps;
	co.nmaps = o->nmaps;
	co.schema = o->schema;
	co.in_name = o->in_name;
	co.samples =
	    a->samples >= 0 ? (unsigned)a->samples : CHECK_DEFAULT_SAMPLES;
	co.max_keys =
	    a->max_keys > 0 ? (uint64_t)a->max_keys : CHECK_DEFAULT_MAX_KEYS;
	co.defaults_file = o->sink.defaults_file;
	co.connect_timeout = o->sink.connect_timeout;
	co.read_timeout = o->sink.read_timeout;
	co.progress = o->progress;
	return run_check(u, &co, in, a->report_path);
}

/* the load itself; what it set aside and deleted said on stderr */
static int run_load(struct args *a, const struct uri *u, FILE *in)
{
	struct load_opts *o = &a->o;
	struct apply_stats fs;
	struct err e;
	int rc;

	err_init(&e);
	if (a->metrics_path &&
	    !(o->metrics = metrics_new("load", o->sink.job, &e)))
		return cli_report(&e);
	o->metrics_path = a->metrics_path;
	o->follow_stats = &fs;
	memset(&fs, 0, sizeof(fs));
	rc = load_run(u, o, in, &e);
	if (o->follow && (fs.transactions || fs.skipped || fs.ended))
		fprintf(stderr,
			"%s: followed %llu transactions (%llu changes) in %llu "
			"target transactions%s%s\n",
			cli_prog(), (unsigned long long)fs.transactions,
			(unsigned long long)fs.changes,
			(unsigned long long)fs.groups,
			fs.skipped ? "; skipped those the job had" : "",
			fs.ended ? "; the stream ended" : "");
	rc = cli_metrics_finish(o->metrics, a->metrics_path, rc, 1, &e);
	if (o->rejected)
		fprintf(stderr, "%s: %llu rows rejected, set aside in %s\n",
			cli_prog(), (unsigned long long)o->rejected,
			o->rejects_path);
	/* deletes are never silent: what went, even when a later table
	 * failed (the tables before it stay committed) */
	if (o->sink.mode == SINK_DELETE && (rc == 0 || o->rows))
		fprintf(stderr, "%s: %llu rows deleted for %llu keys\n",
			cli_prog(), (unsigned long long)o->deleted,
			(unsigned long long)o->rows);
	if (rc < 0) {
		if (e.class == ERR_STREAM && strncmp(e.msg, "byte ", 5) == 0)
			err_prefix(&e, "%s", o->in_name);
		return cli_report(&e);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct args a;
	struct progress prog_state;
	const char *in_name;
	FILE *in = stdin;
	struct uri u;
	struct err e;
	int rc;

	memset(&a, 0, sizeof(a));
	a.show_progress = 1;
	a.samples = a.max_keys = -1;
	a.o.maps = maps;
	a.o.sink.mode = SINK_INSERT;
	a.o.in_name = "stdin";
	a.o.max_rejects = 1000;
	a.o.notice = show_notice;
	a.o.sink.connect_timeout = CLI_CONNECT_TIMEOUT;
	a.o.sink.read_timeout = CLI_READ_TIMEOUT;
	err_init(&e);
	cli_init("ferry-load");
	if ((rc = parse_options(argc, argv, &a)) >= 0)
		return rc;
	if ((rc = check_options(&a, argc)) != 0)
		return rc;
	if ((rc = open_target(&a, argv[optind], &u)) != 0)
		return rc;
	if (cli_open_input(a.in_path, &in, &in_name, &e) < 0) {
		uri_release(&u);
		return cli_report(&e);
	}
	if (in != stdin)
		a.o.in_name = in_name;
	/* --follow: nothing waits in a buffer, so that a group ends when
	 * the pipe has nothing more (apply.h) */
	if (a.o.follow)
		setvbuf(in, NULL, _IONBF, 0);
	else
		setvbuf(in, NULL, _IOFBF, 1u << 20);
	cli_widen_pipe(fileno(in));
	progress_init(&prog_state, stderr, cli_prog(), a.show_progress);
	a.o.progress = &prog_state;
	rc = a.check ? run_checks(&a, &u, in) : run_load(&a, &u, in);
	if (in != stdin)
		fclose(in);
	uri_release(&u);
	return rc;
}
