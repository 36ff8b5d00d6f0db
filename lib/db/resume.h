/*
 * resume - where a --job load of a table stands: the position columns of
 * the table (its watermark, then the primary key's other columns; or the
 * primary key), the position a checkpoint recorded, read back from its
 * text, and the position of the last row handed to the sink, written as
 * the checkpoint's text at each commit.
 *
 * A checkpoint row is untrusted input (anyone who can write the target
 * can change it): resume_parse checks it against the stream's table and
 * refuses what does not fit, and the values it yields stay valid until
 * resume_release.  tests/fuzz/fuzz-resume.c fuzzes the parse, the text
 * round trip and the comparison.
 */
#ifndef FERRY_RESUME_H
#define FERRY_RESUME_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

#define RESUME_MAX_POS (1 + 64)

struct json_node;

struct resume {
	const struct schema_table *t;
	size_t cols[RESUME_MAX_POS]; /* the position's columns in t */
	size_t n;		     /* 0: the table has no position */
	/* the checkpoint's position (has_ck), pointing into ck_mem and
	 * ck_key, which live as long as the struct */
	int has_ck;
	struct value ck[RESUME_MAX_POS];
	struct buf ck_mem[RESUME_MAX_POS];
	struct json_node *ck_key;
	/* the last row's position (has_last), copied into last_mem */
	int has_last;
	struct value last[RESUME_MAX_POS];
	struct buf last_mem;
	/* resume_texts' results */
	char *key_text, *wm_text;
};

/* Start on table t (which must outlive r). */
void resume_init(struct resume *r, const struct schema_table *t);
void resume_release(struct resume *r);

/*
 * Read a checkpoint's position: wm_column, last_wm (NULL without a
 * watermark) and last_key (a JSON array of the key's columns as text, in
 * primary-key order).  0 with has_ck set, or -1 with ERR_USAGE when it
 * does not fit the table (named `table` in messages; `job` too).
 */
int resume_parse(struct resume *r, const char *table, const char *job,
		 const char *wm_column, const char *last_wm,
		 const char *last_key, struct err *e);

/* The position of row (the table's columns) into pos[0..r->n). */
void resume_pos_of(const struct resume *r, const struct value *row,
		   struct value *pos);

/* Order two positions: <0, 0, >0. */
int resume_compare(const struct resume *r, const struct value *a,
		   const struct value *b);

/* Keep pos (of r->n values) as the last row's, copied. */
int resume_keep_last(struct resume *r, const struct value *pos, struct err *e);

/*
 * The last row's position as a checkpoint records it: *key the JSON
 * array, *wm the watermark's text (NULL without one); both owned by r,
 * valid until the next call.  A key or watermark holding a NUL byte is
 * refused (ERR_STREAM).
 */
int resume_texts(struct resume *r, const char **key, const char **wm,
		 struct err *e);

#endif
