/*
 * fuzz-binlog - libFuzzer target for the binary log's row events
 * (db/mysql/binlog.h), which a MySQL/MariaDB source's --follow will read
 * from the server.
 *
 * Input: byte 0 picks the rows event's kind (WRITE, UPDATE or DELETE,
 * version 1 or 2), bytes 1-2 (little-endian) the length of a TABLE_MAP
 * body that follows, the rest is the rows event's body.  The TABLE_MAP is
 * read; when it reads, the rows are, with every column taken as UNSIGNED
 * when byte 0's high bit is set and two labels for every ENUM and SET.
 * Each value handed out must lie inside the image and be NULL exactly
 * when absent or SQL NULL.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-binlog`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-binlog, which `make
 * check` runs on testdata/fuzz/binlog.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "db/mysql/binlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char l1[] = "one", l2[] = "two";
static char *const two[] = { l1, l2 };

static int each_row(void *ctx, const struct binlog_image *before,
		    const struct binlog_image *after, struct err *e)
{
	const struct binlog_table_map *m = ctx;

	(void)e;
	for (int k = 0; k < 2; k++) {
		const struct binlog_image *img = k ? after : before;
		for (size_t i = 0; img && i < m->ncols; i++) {
			if (img->absent[i] && img->text[i]) {
				fprintf(stderr, "fuzz-binlog: an absent column "
						"has a value\n");
				abort();
			}
			/* touch every byte: ASan sees one out of bounds */
			for (size_t b = 0; img->text[i] && b < img->len[i]; b++)
				if (img->text[i][b] == 0x7f && b > (1u << 30))
					abort();
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned kinds[] = {
		BINLOG_WRITE_ROWS_V1,  BINLOG_UPDATE_ROWS_V1,
		BINLOG_DELETE_ROWS_V1, BINLOG_WRITE_ROWS,
		BINLOG_UPDATE_ROWS,    BINLOG_DELETE_ROWS,
	};
	struct binlog_table_map *m;
	struct binlog_header h;
	unsigned char *uns;
	char *const **labels;
	size_t *nlabels, tl;
	struct err e;

	if (size < 3)
		return 0;
	tl = (size_t)data[1] | (size_t)data[2] << 8;
	if (tl > size - 3)
		return 0;
	if (!(m = calloc(1, sizeof(*m))))
		return 0;
	err_init(&e);
	if (binlog_table_map(data + 3, tl, m, &e) == 0 &&
	    (uns = calloc(m->ncols, 1)) &&
	    (labels = calloc(m->ncols, sizeof(*labels))) &&
	    (nlabels = calloc(m->ncols, sizeof(*nlabels)))) {
		for (size_t i = 0; i < m->ncols; i++) {
			uns[i] = data[0] >> 7;
			labels[i] = two;
			nlabels[i] = 2;
		}
		memset(&h, 0, sizeof(h));
		h.type = kinds[(data[0] & 0x7f) % 6];
		h.body = data + 3 + tl;
		h.body_len = size - 3 - tl;
		binlog_rows(&h, m, uns, labels, nlabels, each_row, m, &e);
		free(nlabels);
		free(labels);
		free(uns);
	}
	free(m);
	/* the header reader on the whole input as one event */
	binlog_header(data, size, data[0] & 1, &h, &e);
	return 0;
}
