/*
 * fuzz-checkpoint - libFuzzer target for how ferry reads the rows of its
 * checkpoint table (untrusted: anyone who can write the target can change
 * them) before any position in them is parsed: a load's pick of its
 * part's row (checkpoint_pick_row) and ferry-extract --since-job's
 * gathering of a table's parts into one checkpoint (checkpoint_job_row,
 * lib/db/checkpoint.c).
 *
 * Input: lines, each a row of 9 fields split at tabs (rows_loaded,
 * last_key, last_watermark, watermark_column, state, keys_pending,
 * updated_at, table_name, part; "\N" is NULL, table_name never is); the
 * first line's part is the part a load asks for.  Errors are expected;
 * a crash is not, nor an error of another class than ERR_USAGE.  What
 * must hold: a picked row has the part asked for; a table's gathered
 * checkpoint comes once per run of its rows, and one of parts not all
 * done has no position and no rows.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-checkpoint`, and
 * with tests/fuzz/replay.c into build/asan/tests/replay-checkpoint, which
 * `make check` runs on testdata/fuzz/checkpoint.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "db/checkpoint.h"
#include "db/checkpoint_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ROWS 64

struct seen {
	char last[256];
	int calls;
};

static int on_table(void *ctx, const char *table, const struct checkpoint *c,
		    struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	/* rows come grouped by table: one checkpoint per run of them */
	if (s->calls && strcmp(s->last, table) == 0 && strlen(table) < 255)
		abort();
	snprintf(s->last, sizeof(s->last), "%s", table);
	s->calls++;
	if (c->parts_open && (c->last_key || c->rows || c->done))
		abort();
	return 0;
}

static int bad_class(const struct err *e)
{
	return e->class != ERR_USAGE && e->class != ERR_SYSTEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *rows[MAX_ROWS][9];
	size_t lens[9] = { 0 }, n = 0;
	char want[CHECKPOINT_PART_MAX] = "";
	struct checkpoint c;
	struct checkpoint_pick pk = { &c, want };
	struct checkpoint_job j;
	struct seen s = { "", 0 };
	struct err e;
	int rc = 0;

	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	for (char *line = text, *next; line && n < MAX_ROWS; line = next) {
		char *f = line;
		size_t k;
		if ((next = strchr(line, '\n')))
			*next++ = 0;
		for (k = 0; k < 9 && f; k++) {
			char *tab = strchr(f, '\t');
			if (tab)
				*tab++ = 0;
			rows[n][k] = strcmp(f, "\\N") == 0 && k != 7 ? NULL : f;
			f = tab;
		}
		if (k < 9)
			break; /* a short line ends the rows */
		n++;
	}
	if (n && rows[0][8] && strlen(rows[0][8]) < sizeof(want))
		snprintf(want, sizeof(want), "%s", rows[0][8]);

	/* a load's read of (job, table, want) */
	memset(&c, 0, sizeof(c));
	err_init(&e);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = checkpoint_pick_row(&pk, rows[i], lens, &e);
	if (rc < 0 && bad_class(&e))
		abort();
	if (rc == 0 && c.found && strcmp(c.part, want) != 0)
		abort();
	checkpoint_release(&c);

	/* --since-job's read of the job: rows in table order */
	memset(&j, 0, sizeof(j));
	j.fn = on_table;
	j.ctx = &s;
	j.job = "fuzz";
	err_init(&e);
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = checkpoint_job_row(&j, rows[i], lens, &e);
	rc = checkpoint_job_end(&j, rc, &e);
	if (rc < 0 && bad_class(&e))
		abort();
	free(text);
	return 0;
}
