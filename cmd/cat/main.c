/*
 * ferry-cat - look inside a ferry stream: decode it to JSON lines, CSV,
 * TSV or a summary, check it, or encode JSON lines into a stream.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/outfile.h"
#include "stage/cat.h"
#include "stage/cli.h"
#include "stream/stream.h"

#define MAX_TABLE_ARGS 1024

static const char usage_text[] =
    "usage: ferry-cat [-f FORMAT] [-t TABLE]... [-o FILE] [FILE]\n"
    "       ferry-cat --check [-q] [FILE]\n"
    "       ferry-cat --encode -S SCHEMA [-l LEVEL] [--batch-bytes N] [-o FILE] [FILE]\n"
    "\n"
    "Decode a ferry stream (FILE, or stdin when FILE is absent or -), check\n"
    "it, or encode JSON lines into one.\n"
    "\n"
    "  -f, --format FORMAT   jsonl (default), csv, tsv or summary\n"
    "  -t, --table NAME      only this table (repeatable)\n"
    "  -o, --output FILE     write to FILE instead of stdout (-: stdout)\n"
    "  -c, --check           read and verify the whole stream; print one line\n"
    "  -q, --quiet           with --check, print nothing\n"
    "  -e, --encode          read JSON lines, write a stream\n"
    "  -S, --schema FILE     the table schema(s) for --encode\n"
    "  -l, --level N         zstd level for --encode, 1-19; 0 stores (default 1)\n"
    "      --batch-bytes N   raw bytes per batch for --encode (default 1048576)\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input stream, 7 pipe closed or\n"
    "interrupted, 8 system error.  See ferry-cat(1) and ferry-stream(5).\n";

int main(int argc, char **argv)
{
	enum { OPT_BATCH = 256 };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "table", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "encode", no_argument, NULL, 'e' },
		{ "schema", required_argument, NULL, 'S' },
		{ "level", required_argument, NULL, 'l' },
		{ "batch-bytes", required_argument, NULL, OPT_BATCH },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *tables[MAX_TABLE_ARGS];
	struct stream_writer_opts wo = { 1, STREAM_DEFAULT_BATCH, 0 };
	struct cat_opts co = { CAT_JSONL, tables, 0, 0, "stdin" };
	const char *out_path = NULL, *in_path = NULL, *schema = NULL, *in_name;
	struct outfile output;
	int check = 0, encode = 0, format_set = 0, encode_opts = 0, c, rc;
	FILE *in = stdin, *out = stdout;
	struct err e;

	err_init(&e);
	cli_init("ferry-cat");
	while ((c = getopt_long(argc, argv, "f:t:o:cqeS:l:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			format_set = 1;
			if (strcmp(optarg, "jsonl") == 0)
				co.format = CAT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				co.format = CAT_CSV;
			else if (strcmp(optarg, "tsv") == 0)
				co.format = CAT_TSV;
			else if (strcmp(optarg, "summary") == 0)
				co.format = CAT_SUMMARY;
			else
				cli_usage_error(
				    "unknown format '%s' (jsonl, csv, tsv, summary)",
				    optarg);
			break;
		case 't':
			if (co.ntables == MAX_TABLE_ARGS)
				cli_usage_error("more than %d -t options",
						MAX_TABLE_ARGS);
			tables[co.ntables++] = optarg;
			break;
		case 'o': out_path = cli_output(optarg); break;
		case 'c': check = 1; break;
		case 'q': co.quiet = 1; break;
		case 'e': encode = 1; break;
		case 'S':
			schema = optarg;
			encode_opts = 1;
			break;
		case 'l':
			wo.level = (int)cli_number("--level", optarg, 0, 19);
			encode_opts = 1;
			break;
		case OPT_BATCH:
			wo.batch_bytes = (size_t)cli_number(
			    "--batch-bytes", optarg, STREAM_MIN_BATCH,
			    STREAM_MAX_BATCH);
			encode_opts = 1;
			break;
		case 'h': return cli_help(usage_text);
		case 'V': return cli_version();
		default:
			fprintf(stderr, "try 'ferry-cat --help'\n");
			return ERR_USAGE;
		}
	}
	if (optind < argc - 1)
		cli_usage_error("more than one input file ('%s')",
				argv[optind + 1]);
	if (optind == argc - 1 && strcmp(argv[optind], "-") != 0)
		in_path = argv[optind];
	if (check && encode)
		cli_usage_error("--check and --encode exclude each other");
	if (encode && (format_set || co.ntables || co.quiet))
		cli_usage_error("-f, -t and -q do not go with --encode");
	if (!encode && encode_opts)
		cli_usage_error("-S, -l and --batch-bytes need --encode");
	if (encode && !schema)
		cli_usage_error("--encode needs -S SCHEMA");
	if (check && (format_set || out_path || co.ntables))
		cli_usage_error("-f, -t and -o do not go with --check");
	if (co.quiet && !check)
		cli_usage_error("-q goes with --check");
	if (check)
		co.format = CAT_CHECK;
	if (encode && !out_path && isatty(STDOUT_FILENO))
		cli_usage_error(
		    "refusing to write a binary stream to a terminal "
		    "(use -o FILE or a pipe)");

	if (!out_path && !check)
		cli_need_std(STDOUT_FILENO);
	if (cli_open_input(in_path, &in, &in_name, &e) < 0)
		return cli_report(&e);
	if (in != stdin)
		co.in_name = in_name;
	if (out_path) {
		/* a half stream or half a decode never takes -o FILE's name */
		if (outfile_open(&output, stdout, NULL, out_path, 0, &e) < 0) {
			if (in != stdin)
				fclose(in);
			return cli_report(&e);
		}
		out = output.f;
	}
	setvbuf(in, NULL, _IOFBF, 1u << 20);
	setvbuf(out, NULL, _IOFBF, 1u << 20);

	if (encode)
		rc = cat_encode(in, out, schema, &wo, co.in_name, &e);
	else
		rc = cat_decode(in, out, &co, &e);
	if (out_path) {
		if (outfile_finish(&output, rc == 0, &e) < 0)
			rc = -1;
	} else if (rc == 0) {
		rc = cli_close_output(out, &e);
	}
	if (in != stdin)
		fclose(in);
	if (rc < 0)
		return cli_report(&e);
	return 0;
}
