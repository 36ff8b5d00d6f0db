/*
 * jsonfile - write a cJSON document to a file: ferry-extract's and
 * ferry-load's --stats, ferry-verify's --report.  The file appears
 * complete or not at all (outfile.h).
 */
#ifndef FERRY_JSONFILE_H
#define FERRY_JSONFILE_H

#include <cJSON.h>

#include "base/err.h"

/* Write root, indented, and a newline to `path`; `opt` (the option that
 * named the file) goes in front of a message.  0, or -1 with e set
 * (ERR_SYSTEM). */
int jsonfile_write(const cJSON *root, const char *opt, const char *path,
		   struct err *e);

#endif
