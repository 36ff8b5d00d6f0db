/*
 * ferry-transform - reshape a ferry stream by a JSON spec: skip, rename
 * and filter tables; rename, drop, reorder, convert, mask and compute
 * columns.  Stream in, stream out, one row in memory.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/outfile.h"
#include "stage/cli.h"
#include "stream/rejects.h"
#include "stream/stream.h"
#include "transform/transform.h"

static const char usage_text[] =
    "usage: ferry-transform -s SPEC [-o FILE] [--rejects FILE] [-l LEVEL] "
    "[FILE]\n"
    "       ferry-transform --check-spec -s SPEC\n"
    "\n"
    "Read a ferry stream (FILE, or stdin when FILE is absent or -), reshape\n"
    "it by the JSON spec SPEC, and write the new stream to stdout.  The spec\n"
    "is checked before any row is read; row counts and digests are\n"
    "recomputed for what is written.  See ferry-spec(5) for the spec.\n"
    "\n"
    "  -s, --spec SPEC       the transform spec (JSON)\n"
    "      --check-spec      check the spec alone and exit\n"
    "  -o, --output FILE     write to FILE instead of stdout (-: stdout)\n"
    "      --rejects FILE    write rows a \"reject\" rule sets aside to FILE\n"
    "                        (a stream, with ferry_reject_reason)\n"
    "      --max-rejects N   stop with exit 6 past N rejected rows (default\n"
    "                        1000)\n"
    "  -l, --level N         zstd level, 1-19; 0 stores (default 1)\n"
    "      --batch-bytes N   raw bytes per batch (default 1048576)\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input stream, 5 spec error, 6 rows\n"
    "rejected past --max-rejects, 7 pipe closed or interrupted, 8 system\n"
    "error.  See ferry-transform(1).\n";

int main(int argc, char **argv)
{
	enum { OPT_BATCH = 256, OPT_CHECK_SPEC, OPT_REJECTS, OPT_MAX_REJECTS };
	static const struct option longopts[] = {
		{ "spec", required_argument, NULL, 's' },
		{ "check-spec", no_argument, NULL, OPT_CHECK_SPEC },
		{ "output", required_argument, NULL, 'o' },
		{ "level", required_argument, NULL, 'l' },
		{ "batch-bytes", required_argument, NULL, OPT_BATCH },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "max-rejects", required_argument, NULL, OPT_MAX_REJECTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* the version is the input's: a follow stream stays one */
	struct stream_writer_opts wo = { 1, STREAM_DEFAULT_BATCH, -1 };
	const char *out_path = NULL, *in_path = NULL, *spec_path = NULL;
	struct outfile output;
	const char *in_name = "stdin", *open_name, *rejects_path = NULL;
	uint64_t max_rejects = 1000;
	int max_set = 0;
	struct rejects *rj = NULL;
	struct transform_stats st;
	struct stream_writer *w = NULL;
	struct spec *spec;
	FILE *in = stdin, *out = stdout;
	struct err e;
	int c, rc, check_only = 0;

	err_init(&e);
	cli_init("ferry-transform");
	while ((c = getopt_long(argc, argv, "s:o:l:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 's': spec_path = optarg; break;
		case OPT_CHECK_SPEC: check_only = 1; break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_MAX_REJECTS:
			max_rejects = (uint64_t)cli_number(
			    "--max-rejects", optarg, 0, 1000000000000LL);
			max_set = 1;
			break;
		case 'o': out_path = cli_output(optarg); break;
		case 'l':
			wo.level = (int)cli_number("--level", optarg, 0, 19);
			break;
		case OPT_BATCH:
			wo.batch_bytes = (size_t)cli_number(
			    "--batch-bytes", optarg, STREAM_MIN_BATCH,
			    STREAM_MAX_BATCH);
			break;
		case 'h': return cli_help(usage_text);
		case 'V': return cli_version();
		default:
			fprintf(stderr, "try 'ferry-transform --help'\n");
			return ERR_USAGE;
		}
	}
	if (!spec_path)
		cli_usage_error("give the spec with -s SPEC");
	if (optind < argc - 1)
		cli_usage_error("more than one input file ('%s')",
				argv[optind + 1]);
	if (optind == argc - 1 && strcmp(argv[optind], "-") != 0)
		in_path = argv[optind];
	if (check_only && (out_path || in_path || rejects_path))
		cli_usage_error("--check-spec reads no stream: no FILE, -o or "
				"--rejects");
	if (max_set && !rejects_path)
		cli_usage_error("--max-rejects goes with --rejects");
	if (!check_only && !in_path)
		cli_need_std(STDIN_FILENO);
	if (!check_only && !out_path)
		cli_need_std(STDOUT_FILENO);
	if (!check_only && !out_path && isatty(STDOUT_FILENO))
		cli_usage_error("refusing to write a binary stream to a "
				"terminal (use -o FILE or a pipe)");

	/* the spec first: an error in it costs no row */
	if (!(spec = spec_load(spec_path, &e)))
		return cli_report(&e);
	if (check_only) {
		spec_free(spec);
		return 0;
	}
	if (spec_rejects(spec) && !rejects_path) {
		fprintf(stderr,
			"%s: the spec rejects rows (%s): give --rejects FILE "
			"to keep them\n",
			cli_prog(), spec_rejects(spec));
		spec_free(spec);
		return ERR_USAGE;
	}
	if (cli_open_input(in_path, &in, &open_name, &e) < 0) {
		spec_free(spec);
		return cli_report(&e);
	}
	if (in != stdin)
		in_name = open_name;
	if (outfile_open(&output, stdout, NULL, out_path, 0, &e) < 0) {
		spec_free(spec);
		if (in != stdin)
			fclose(in);
		return cli_report(&e);
	}
	out = output.f;
	if (!out_path)
		cli_widen_pipe(STDOUT_FILENO);
	setvbuf(in, NULL, _IOFBF, 1u << 20);
	setvbuf(out, NULL, _IOFBF, 1u << 20);

	rc = (w = stream_writer_new(out, &wo, &e)) ? 0 : -1;
	if (rc == 0 && rejects_path &&
	    !(rj = rejects_open(rejects_path, max_rejects, &e)))
		rc = -1;
	if (rc == 0)
		rc = transform_run(spec, in, in_name, w, rj, &st, &e);
	stream_writer_free(w);
	if (rj) {
		if (rc == 0)
			rc = rejects_close(rj, &e);
		else
			rejects_abort(rj);
		if (rc == 0 && st.rejected)
			fprintf(stderr, "%s: %" PRIu64 " rows rejected to %s\n",
				cli_prog(), st.rejected, rejects_path);
	}
	/* a half stream never takes -o FILE's name */
	if (outfile_finish(&output, rc == 0, &e) < 0)
		rc = -1;
	if (in != stdin)
		fclose(in);
	spec_free(spec);
	if (rc < 0)
		return cli_report(&e);
	return 0;
}
