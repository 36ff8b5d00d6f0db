/*
 * ferry-extract - stream tables out of MariaDB/MySQL or PostgreSQL.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/jsonfile.h"
#include "base/outfile.h"
#include "base/progress.h"
#include "db/checkpoint.h"
#include "db/uri.h"
#include "stage/cli.h"
#include "stage/extract.h"
#include "stage/inventory.h"
#include "stream/stream.h"

#define MAX_ARGS 4096

static const char usage_text[] =
    "usage: ferry-extract [OPTIONS] SOURCE -t TABLE...\n"
    "       ferry-extract [OPTIONS] SOURCE --all-tables [--exclude PATTERN]...\n"
    "       ferry-extract --inventory [OPTIONS] SOURCE [-t TABLE... | --all-tables]\n"
    "       ferry-extract --follow [--until now|POSITION] [--resnapshot] [OPTIONS] SOURCE --all-tables | -t TABLE... --since-job NAME TARGET\n"
    "       ferry-extract SOURCE --follow-drop NAME\n"
    "\n"
    "Read tables out of a database in one consistent snapshot and write them\n"
    "as a ferry stream on stdout.  SOURCE is mysql://USER@HOST[:PORT]/DB\n"
    "(also ?socket=PATH) or anything libpq takes (postgres://..., host=...).\n"
    "\n"
    "  -t, --table NAME          extract this table (repeatable; schema.table\n"
    "                            on PostgreSQL)\n"
    "  -a, --all-tables          extract every base table\n"
    "  -x, --exclude PATTERN     leave out tables matching PATTERN (repeatable)\n"
    "      --columns TABLE=A,B   only these columns of TABLE, in this order\n"
    "      --where TABLE=SQL     only rows of TABLE where SQL holds\n"
    "      --cast TABLE.COLUMN=int|text|bytes\n"
    "                            read the column as int64 (a TINYINT(1) that\n"
    "                            holds 7), as its text (a TIME over a day)\n"
    "                            or as the bytes a text column stores\n"
    "      --order pk            rows in primary-key order\n"
    "      --part K/N            only the K-th of N primary-key ranges\n"
    "      --parallel N          N connections in one snapshot (1..64):\n"
    "                            tables, and key ranges of large ones, read\n"
    "                            at once into the one stream\n"
    "      --range-rows N        with --parallel: a table estimated at 2N\n"
    "                            rows or more is read in ranges of about N\n"
    "                            (default 100000)\n"
    "      --snapshot NAME       PostgreSQL: read the snapshot another session\n"
    "                            exported (--export-snapshot), so that\n"
    "                            several extracts (--part K/N) read one\n"
    "      --export-snapshot     PostgreSQL: print the name of a snapshot\n"
    "                            and hold it until the reader of standard\n"
    "                            output is gone (a pipe), or standard input\n"
    "                            ends; extracts nothing\n"
    "      --schema-only         tables without their rows\n"
    "      --incremental [TABLE=]COLUMN\n"
    "                            rows in the order of COLUMN (an increasing\n"
    "                            id or update time, NOT NULL) and the\n"
    "                            primary key; COLUMN is the stream's watermark\n"
    "      --since [TABLE=]VALUE only rows whose watermark is past VALUE\n"
    "      --since-job NAME TARGET\n"
    "                            only rows from the last watermark that\n"
    "                            ferry-load --job NAME committed into TARGET\n"
    "      --overlap N           with --since-job: start N seconds (N units\n"
    "                            of an integer watermark) earlier\n"
    "      --follow              with --since-job: after the snapshot, every\n"
    "                            committed change (PostgreSQL: logical\n"
    "                            decoding; MariaDB: the binary log); a rerun\n"
    "                            goes on from the job's checkpoint in TARGET\n"
    "      --until now|POSITION  --follow: end at the source's position now,\n"
    "                            or at POSITION (PostgreSQL: an LSN;\n"
    "                            MariaDB: FILE:POS)\n"
    "      --resnapshot          --follow: a new snapshot even when the job\n"
    "                            has a position (after exit 9 or 10)\n"
    "                            (with --inventory: what would stop it)\n"
    "      --follow-drop NAME    drop job NAME's replication slot and\n"
    "                            publication, and extract nothing\n"
    "      --inventory           move no rows: report per table its rows,\n"
    "                            bytes, key, column types and their mapping,\n"
    "                            and the columns that need a decision\n"
    "      --exact               --inventory: count rows (and odd values)\n"
    "                            instead of the engine's estimate\n"
    "      --time-column TABLE=COLUMN\n"
    "                            --inventory: rows per day of COLUMN over\n"
    "                            the 30 days to its newest value\n"
    "      --rate ROWS_PER_S     --inventory: estimate copy times at this rate\n"
    "      --rate-from FILE      --inventory: ... at the rates of an earlier\n"
    "                            run's --stats FILE\n"
    "      --report FILE         --inventory: write the report as JSON to FILE\n"
    "      --zero-dates MODE     null (default: zero dates become NULL, counted)\n"
    "                            or error\n"
    "      --defaults-file FILE  MySQL option file to read credentials from\n"
    "      --connect-timeout S   seconds to connect (default 30; 0 waits)\n"
    "      --read-timeout S      seconds without a byte from the server\n"
    "                            (default 3600; 0 waits)\n"
    "  -o, --output FILE         write the stream to FILE (-: stdout)\n"
    "  -l, --level N             zstd level 1-19; 0 stores (default 1)\n"
    "      --batch-bytes N       raw bytes per batch (default 1048576)\n"
    "      --stats FILE          write a JSON summary per table to FILE\n"
    "      --metrics-file FILE   write the run's figures for Prometheus\n"
    "                            (node_exporter's textfile collector)\n"
    "      --no-progress         no progress line, even on a terminal\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Passwords: libpq's PGPASSWORD, ~/.pgpass and service file; MySQL option\n"
    "files ([client]) or FERRY_MYSQL_PASSWORD.  Exit status: 0 ok, 2 usage,\n"
    "4 database, 3 a value that cannot be carried, 7 pipe closed or\n"
    "interrupted, 8 system error, 9 a followed table's schema changed,\n"
    "10 the position to follow on from is lost.  See ferry-extract(1).\n";

/* [TABLE=]VALUE: table NULL when there is no '=' */
static void parse_opt_kv(const char *opt, char *arg, struct extract_kv *kv)
{
	struct err e;

	if (cli_split_kv(opt, arg, "[TABLE=]VALUE", 1, &kv->table, &kv->value,
			 &e) < 0)
		cli_usage_error("%s", e.msg);
}

static void show_notice(const char *line)
{
	cli_say("notice: ", line);
}

static void parse_kv(const char *opt, char *arg, struct extract_kv *kv)
{
	struct err e;

	if (cli_split_kv(opt, arg, "TABLE=VALUE", 0, &kv->table, &kv->value,
			 &e) < 0)
		cli_usage_error("%s", e.msg);
}

/* --inventory: the report on stdout, and as JSON with --report */
static int run_inventory(char *arg, const struct extract_opts *o,
			 struct inventory_opts *inv, const char *report_path,
			 const char *out_path)
{
	struct buf text;
	cJSON *report = NULL;
	struct uri u;
	struct err e;
	int rc;

	err_init(&e);
	if (out_path || o->nincrementals || o->nsinces || o->since_job ||
	    o->part_n || o->order_pk || o->nwheres || o->ncolumns ||
	    o->schema_only || o->stats_path)
		cli_usage_error("--inventory moves no rows: -o, --where, "
				"--columns, --order, --part, --incremental, "
				"--since, --schema-only and --stats do not "
				"apply");
	inv->tables = o->tables;
	inv->ntables = o->ntables;
	inv->all_tables = o->all_tables;
	inv->excludes = o->excludes;
	inv->nexcludes = o->nexcludes;
	inv->source = o->source;
	if (uri_parse(arg, &u, &e) < 0)
		return cli_report(&e);
	if (inv->source.defaults_file &&
	    cli_defaults_file(inv->source.defaults_file) != 0) {
		uri_release(&u);
		return ERR_USAGE;
	}
	if (u.password_in_uri) {
		cli_password_warning();
		cli_scrub_arg(arg, u.display);
	}
	buf_init(&text, (size_t)1 << 30);
	rc = inventory_run(&u, inv, &report, &text, &e);
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
	uri_release(&u);
	return rc < 0 ? cli_report(&e) : 0;
}

/* the values of options given more than once */
static const char *tables[MAX_ARGS], *excludes[MAX_ARGS];
static char *casts[MAX_ARGS];
static struct extract_kv columns[MAX_ARGS], wheres[MAX_ARGS];
static struct extract_kv incrementals[MAX_ARGS], sinces[MAX_ARGS];
static struct extract_kv time_columns[MAX_ARGS];

/* what the command line says */
struct args {
	struct extract_opts o;
	struct inventory_opts inv;
	int inventory, show_progress;
	int export_snapshot; /* --export-snapshot */
	const char *report_path, *out_path, *metrics_path;
	char *since_target; /* --since-job's TARGET */
};

enum {
	OPT_COLUMNS = 256,
	OPT_CAST,
	OPT_WHERE,
	OPT_ORDER,
	OPT_PART,
	OPT_PARALLEL,
	OPT_SNAPSHOT,
	OPT_EXPORT_SNAPSHOT,
	OPT_RANGE_ROWS,
	OPT_SCHEMA_ONLY,
	OPT_ZERO_DATES,
	OPT_DEFAULTS,
	OPT_BATCH,
	OPT_STATS,
	OPT_NO_PROGRESS,
	OPT_INCREMENTAL,
	OPT_SINCE,
	OPT_SINCE_JOB,
	OPT_OVERLAP,
	OPT_INVENTORY,
	OPT_EXACT,
	OPT_TIME_COLUMN,
	OPT_RATE,
	OPT_RATE_FROM,
	OPT_REPORT,
	OPT_FOLLOW,
	OPT_UNTIL,
	OPT_FOLLOW_DROP,
	OPT_RESNAPSHOT,
};

static const struct option longopts[] = {
	{ "table", required_argument, NULL, 't' },
	{ "all-tables", no_argument, NULL, 'a' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "cast", required_argument, NULL, OPT_CAST },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "part", required_argument, NULL, OPT_PART },
	{ "parallel", required_argument, NULL, OPT_PARALLEL },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "export-snapshot", no_argument, NULL, OPT_EXPORT_SNAPSHOT },
	{ "range-rows", required_argument, NULL, OPT_RANGE_ROWS },
	{ "schema-only", no_argument, NULL, OPT_SCHEMA_ONLY },
	{ "incremental", required_argument, NULL, OPT_INCREMENTAL },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "since-job", required_argument, NULL, OPT_SINCE_JOB },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "zero-dates", required_argument, NULL, OPT_ZERO_DATES },
	{ "defaults-file", required_argument, NULL, OPT_DEFAULTS },
	{ "connect-timeout", required_argument, NULL, CLI_OPT_CONNECT_TIMEOUT },
	{ "read-timeout", required_argument, NULL, CLI_OPT_READ_TIMEOUT },
	{ "output", required_argument, NULL, 'o' },
	{ "level", required_argument, NULL, 'l' },
	{ "batch-bytes", required_argument, NULL, OPT_BATCH },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "metrics-file", required_argument, NULL, CLI_OPT_METRICS_FILE },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "inventory", no_argument, NULL, OPT_INVENTORY },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "time-column", required_argument, NULL, OPT_TIME_COLUMN },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "rate-from", required_argument, NULL, OPT_RATE_FROM },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "follow-drop", required_argument, NULL, OPT_FOLLOW_DROP },
	{ "resnapshot", no_argument, NULL, OPT_RESNAPSHOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* one TABLE=... option more, of at most MAX_ARGS */
static struct extract_kv *next_kv(const char *opt, struct extract_kv *kvs,
				  size_t *n)
{
	if (*n == MAX_ARGS)
		cli_usage_error("too many %s options", opt);
	return &kvs[(*n)++];
}

/* the options that say which rows: tables, columns, filters, order */
static int parse_rows_option(int c, struct args *a)
{
	struct extract_opts *o = &a->o;
	struct err e;

	switch (c) {
	case OPT_COLUMNS:
		parse_kv("--columns", optarg,
			 next_kv("--columns", columns, &o->ncolumns));
		return 1;
	case OPT_CAST:
		cli_add_cast(optarg, casts, &o->ncasts, MAX_ARGS);
		return 1;
	case OPT_WHERE:
		parse_kv("--where", optarg,
			 next_kv("--where", wheres, &o->nwheres));
		return 1;
	case OPT_ORDER:
		if (strcmp(optarg, "pk") != 0)
			cli_usage_error("--order: '%s' is not 'pk'", optarg);
		o->order_pk = 1;
		return 1;
	case OPT_PART:
		if (cli_parse_part(optarg, &o->part_k, &o->part_n, &e) < 0)
			cli_usage_error("%s", e.msg);
		return 1;
	case OPT_PARALLEL:
		o->parallel = (unsigned)cli_number("--parallel", optarg, 1, 64);
		return 1;
	case OPT_SNAPSHOT:
		/* the server's own form of a name, as 00000003-0000001B-1 */
		if (!*optarg || strlen(optarg) > 64 ||
		    strspn(optarg, "0123456789ABCDEFabcdef-") != strlen(optarg))
			cli_usage_error("--snapshot: '%s' is not the name of an "
					"exported snapshot (as 00000003-0000001B-1)",
					optarg);
		o->snapshot = optarg;
		return 1;
	case OPT_EXPORT_SNAPSHOT:
		a->export_snapshot = 1;
		return 1;
	case OPT_RANGE_ROWS:
		o->range_rows = (uint64_t)cli_number("--range-rows", optarg,
						     1000, 1000000000000LL);
		return 1;
	case OPT_SCHEMA_ONLY: o->schema_only = 1; return 1;
	case OPT_INCREMENTAL:
		parse_opt_kv(
		    "--incremental", optarg,
		    next_kv("--incremental", incrementals, &o->nincrementals));
		return 1;
	case OPT_SINCE:
		parse_opt_kv("--since", optarg,
			     next_kv("--since", sinces, &o->nsinces));
		return 1;
	case OPT_OVERLAP:
		o->overlap = (uint64_t)cli_number("--overlap", optarg, 0,
						  1000000000000LL);
		return 1;
	case OPT_ZERO_DATES:
		if (strcmp(optarg, "null") == 0)
			o->source.zero_dates = SOURCE_ZERO_DATES_NULL;
		else if (strcmp(optarg, "error") == 0)
			o->source.zero_dates = SOURCE_ZERO_DATES_ERROR;
		else
			cli_usage_error(
			    "--zero-dates: '%s' is not null or error", optarg);
		return 1;
	default: return 0;
	}
}

/* --inventory's own options */
static int parse_inventory_option(int c, struct args *a)
{
	switch (c) {
	case OPT_INVENTORY: a->inventory = 1; return 1;
	case OPT_EXACT: a->inv.exact = 1; return 1;
	case OPT_TIME_COLUMN:
		parse_kv("--time-column", optarg,
			 next_kv("--time-column", time_columns,
				 &a->inv.ntime_columns));
		return 1;
	case OPT_RATE:
		a->inv.rate =
		    (double)cli_number("--rate", optarg, 1, 1000000000000LL);
		return 1;
	case OPT_RATE_FROM: a->inv.rate_from = optarg; return 1;
	case OPT_REPORT: a->report_path = optarg; return 1;
	default: return 0;
	}
}

/*
 * The options into a; exits 2 on a usage error.  -1 to go on, else the
 * exit code (--help, --version, an unknown option).
 */
static int parse_options(int argc, char **argv, struct args *a)
{
	struct extract_opts *o = &a->o;
	int c;

	while ((c = getopt_long(argc, argv, "t:ax:o:l:hV", longopts, NULL)) !=
	       -1) {
		if (parse_rows_option(c, a) || parse_inventory_option(c, a))
			continue;
		switch (c) {
		case 't':
			if (o->ntables == MAX_ARGS)
				cli_usage_error("too many -t options");
			tables[o->ntables++] = optarg;
			break;
		case 'a': o->all_tables = 1; break;
		case 'x':
			if (o->nexcludes == MAX_ARGS)
				cli_usage_error("too many --exclude options");
			excludes[o->nexcludes++] = optarg;
			break;
		case OPT_SINCE_JOB:
			/* two arguments: NAME, then TARGET */
			if (optind >= argc || argv[optind][0] == '-')
				cli_usage_error("--since-job NAME TARGET: no "
						"TARGET");
			if (o->since_job)
				cli_usage_error("--since-job is given twice");
			o->since_job = optarg;
			a->since_target = argv[optind++];
			break;
		case OPT_DEFAULTS: o->source.defaults_file = optarg; break;
		case OPT_FOLLOW: o->follow = 1; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_FOLLOW_DROP: o->follow_drop = optarg; break;
		case OPT_RESNAPSHOT: o->resnapshot = 1; break;
		case CLI_OPT_CONNECT_TIMEOUT:
		case CLI_OPT_READ_TIMEOUT:
			cli_timeout(c, optarg, &o->source.connect_timeout,
				    &o->source.read_timeout);
			break;
		case 'o': a->out_path = cli_output(optarg); break;
		case 'l':
			o->writer.level =
			    (int)cli_number("--level", optarg, 0, 19);
			break;
		case OPT_BATCH:
			o->writer.batch_bytes = (size_t)cli_number(
			    "--batch-bytes", optarg, STREAM_MIN_BATCH,
			    STREAM_MAX_BATCH);
			break;
		case OPT_STATS: o->stats_path = optarg; break;
		case CLI_OPT_METRICS_FILE: a->metrics_path = optarg; break;
		case OPT_NO_PROGRESS: a->show_progress = 0; break;
		case 'h': return cli_help(usage_text);
		case 'V': return cli_version();
		default:
			fprintf(stderr, "try 'ferry-extract --help'\n");
			return ERR_USAGE;
		}
	}
	if (optind != argc - 1)
		cli_usage_error(optind >= argc ? "no SOURCE given"
					       : "more than one SOURCE");
	return -1;
}

/* options that go together, and those that exclude each other: exits 2
 * when they do not hold */
static void check_options(const struct args *a)
{
	const struct extract_opts *o = &a->o;
	const struct inventory_opts *inv = &a->inv;

	if (o->follow_drop) {
		if (o->follow || o->ntables || o->all_tables || o->since_job ||
		    a->inventory || a->out_path)
			cli_usage_error("--follow-drop NAME extracts nothing: "
					"it goes alone with SOURCE");
		return;
	}
	if (a->export_snapshot) {
		if (o->follow || o->ntables || o->all_tables || o->since_job ||
		    a->inventory || a->out_path || o->snapshot)
			cli_usage_error("--export-snapshot extracts nothing: it "
					"goes alone with SOURCE");
		return;
	}
	if (o->snapshot &&
	    (o->follow || o->since_job || o->nincrementals || a->inventory))
		cli_usage_error("--snapshot excludes --follow, --since-job, "
				"--incremental and --inventory (each begins a "
				"snapshot of its own)");
	if ((o->until || o->resnapshot) && !o->follow)
		cli_usage_error("--until and --resnapshot go with --follow");
	if (o->follow && !a->inventory &&
	    (!o->since_job || o->nincrementals || o->nsinces || o->part_n ||
	     o->ncolumns || o->nwheres || o->schema_only || o->overlap))
		cli_usage_error(
		    "--follow needs --since-job NAME TARGET (the target's "
		    "checkpoint says what it committed) and excludes "
		    "--incremental, --since, --part, --columns, --where, "
		    "--schema-only, --overlap and --inventory");
	if (o->parallel > 1 && (o->follow || o->part_n || a->inventory))
		cli_usage_error("--parallel excludes --follow, --part and "
				"--inventory");
	if (o->range_rows && o->parallel <= 1)
		cli_usage_error("--range-rows goes with --parallel N (N > 1)");
	if (!o->all_tables && !o->ntables)
		cli_usage_error("name tables with -t, or use --all-tables");
	if (o->all_tables && o->ntables)
		cli_usage_error("-t and --all-tables exclude each other");
	if (o->schema_only && (o->part_n || o->order_pk || o->nwheres))
		cli_usage_error("--schema-only reads no rows: --part, --order "
				"and --where do not apply");
	if (!a->inventory && (inv->exact || inv->ntime_columns || inv->rate ||
			      inv->rate_from || a->report_path))
		cli_usage_error("--exact, --time-column, --rate, --rate-from "
				"and --report go with --inventory");
	if (inv->rate && inv->rate_from)
		cli_usage_error("--rate and --rate-from exclude each other");
	if (a->inventory)
		return; /* run_inventory says what does not apply */
	if (!a->out_path)
		cli_need_std(STDOUT_FILENO);
	if (!a->out_path && isatty(STDOUT_FILENO))
		cli_usage_error(
		    "refusing to write a binary stream to a terminal "
		    "(use -o FILE or a pipe)");
	if (o->nsinces && o->since_job)
		cli_usage_error("--since and --since-job exclude each other");
	if (o->overlap && !o->since_job)
		cli_usage_error("--overlap goes with --since-job");
	if ((o->nsinces || (o->since_job && !o->follow)) && !o->nincrementals)
		cli_usage_error("--since and --since-job need --incremental");
	if (o->nincrementals && (o->part_n || o->schema_only))
		cli_usage_error(
		    "--incremental excludes --part and --schema-only");
}

/* The source (arg) and --since-job's target parsed into u and target;
 * an exit code when they do not parse. */
static int open_uris(struct args *a, char *arg, struct uri *u,
		     struct uri *target)
{
	struct extract_opts *o = &a->o;
	struct err e;

	err_init(&e);
	if (o->since_job) {
		if (checkpoint_check_job(o->since_job, &e) < 0)
			return cli_report(&e);
		if (uri_parse(a->since_target, target, &e) < 0)
			return cli_report(&e);
		if (target->password_in_uri) {
			cli_password_warning();
			cli_scrub_arg(a->since_target, target->display);
		}
		o->since_target = target;
	}
	if (uri_parse(arg, u, &e) < 0)
		return cli_report(&e);
	if (o->source.defaults_file) {
		if (u->engine != URI_MYSQL &&
		    !(o->since_job && target->engine == URI_MYSQL)) {
			uri_release(u);
			uri_release(target);
			cli_usage_error(
			    "--defaults-file is for MySQL databases");
		}
		if (cli_defaults_file(o->source.defaults_file) != 0)
			return ERR_USAGE; /* main releases u and target */
	}
	if (u->password_in_uri) {
		cli_password_warning();
		cli_scrub_arg(arg, u->display);
	}
	return 0;
}

/* the extract itself, into -o FILE (complete, or not at all) or stdout */
static int run_extract(struct args *a, const struct uri *u)
{
	struct extract_opts *o = &a->o;
	struct progress prog_state;
	struct outfile output;
	struct err e;
	int rc;

	err_init(&e);
	if (outfile_open(&output, stdout, NULL, a->out_path, 0, &e) < 0)
		return cli_report(&e);
	setvbuf(output.f, NULL, _IOFBF, 1u << 20);
	cli_widen_pipe(fileno(output.f));
	progress_init(&prog_state, stderr, cli_prog(), a->show_progress);
	o->progress = &prog_state;
	if (a->metrics_path &&
	    !(o->metrics = metrics_new("extract", o->since_job, &e)))
		return cli_report(&e);
	rc = extract_run(u, o, output.f, &e);
	/* a half stream never takes -o FILE's name */
	if (outfile_finish(&output, rc == 0, &e) < 0)
		rc = -1;
	rc = cli_metrics_finish(o->metrics, a->metrics_path, rc, 1, &e);
	return rc < 0 ? cli_report(&e) : 0;
}

int main(int argc, char **argv)
{
	struct args a;
	struct uri u, target;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&u, 0, sizeof(u));
	memset(&target, 0, sizeof(target));
	a.show_progress = 1;
	a.o.tables = tables;
	a.o.excludes = excludes;
	a.o.columns = columns;
	a.o.wheres = wheres;
	a.o.casts = casts;
	a.o.incrementals = incrementals;
	a.o.sinces = sinces;
	a.inv.time_columns = time_columns;
	a.o.notice = show_notice;
	a.o.writer.level = 1;
	a.o.writer.batch_bytes = STREAM_DEFAULT_BATCH;
	a.o.source.zero_dates = SOURCE_ZERO_DATES_NULL;
	a.o.source.connect_timeout = CLI_CONNECT_TIMEOUT;
	a.o.source.read_timeout = CLI_READ_TIMEOUT;
	cli_init("ferry-extract");
	if ((rc = parse_options(argc, argv, &a)) >= 0)
		return rc;
	/* --inventory of a database: every table, as a newcomer expects */
	if (a.inventory && !a.o.all_tables && !a.o.ntables)
		a.o.all_tables = 1;
	check_options(&a);
	if (a.inventory) {
		a.inv.follow = a.o.follow;
		return run_inventory(argv[optind], &a.o, &a.inv, a.report_path,
				     a.out_path);
	}
	rc = open_uris(&a, argv[optind], &u, &target);
	if (rc == 0 && (a.export_snapshot || a.o.snapshot) &&
	    u.engine != URI_PG) {
		uri_release(&u);
		uri_release(&target);
		cli_usage_error("--snapshot and --export-snapshot are for "
				"PostgreSQL sources (MariaDB exports no "
				"snapshot; --parallel shares one there)");
	}
	if (rc == 0 && a.export_snapshot) {
		struct err e;
		err_init(&e);
		cli_need_std(STDOUT_FILENO);
		if (extract_export_snapshot(&u, &a.o, stdout, stdin, &e) < 0)
			rc = cli_report(&e);
	} else if (rc == 0) {
		rc = run_extract(&a, &u);
	}
	uri_release(&u);
	uri_release(&target);
	return rc;
}
