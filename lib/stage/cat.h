/*
 * cat - what ferry-cat does: decode a stream to JSON lines, CSV, TSV or a
 * summary; check a stream; encode JSON lines into a stream.
 */
#ifndef FERRY_CAT_H
#define FERRY_CAT_H

#include <stdio.h>

#include "base/err.h"
#include "stream/stream.h"

enum cat_format {
	CAT_JSONL,
	CAT_CSV,
	CAT_TSV,
	CAT_SUMMARY,
	CAT_CHECK, /* read everything, print one line (or nothing when quiet) */
};

struct cat_opts {
	enum cat_format format;
	const char *const *tables; /* only these tables; NULL/0: all */
	size_t ntables;
	int quiet;
	const char *in_name; /* for messages */
};

/*
 * Read the stream on `in`, write the chosen form to `out`.  -1 with e set:
 * ERR_STREAM for a bad stream, ERR_USAGE for a -t table that the stream
 * lacks (reported after the whole stream was read), ERR_PIPE/ERR_SYSTEM
 * for output errors.
 */
int cat_decode(FILE *in, FILE *out, const struct cat_opts *o, struct err *e);

/*
 * Read JSON lines on `in` (rows of the tables in schema_path, in schema
 * order) and write a stream to `out`.  -1 with e set: ERR_USAGE for a bad
 * schema file, ERR_STREAM for bad input (naming the line), others as above.
 */
int cat_encode(FILE *in, FILE *out, const char *schema_path,
	       const struct stream_writer_opts *wo, const char *in_name,
	       struct err *e);

#endif
