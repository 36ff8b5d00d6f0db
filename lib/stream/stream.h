/*
 * stream - the ferry record stream, version 1: writer and reader.
 *
 * man/man5/ferry-stream.5 is the specification; in short, all integers
 * little-endian:
 *
 *   stream     = header frame* ; a stream may be followed by another
 *   header     = 89 46 45 52 52 59 0D 0A 1A 0A, u8 major (1), u8 minor (0),
 *                4 reserved bytes (zero)
 *   frame      = 28-byte frame header, then stored_len payload bytes
 *   frame header:
 *      0 u8  kind     1 table-begin, 2 rows, 3 table-end, 4 stream-end,
 *                     5 objects (skippable; objects.h), 6 preview
 *                     (skippable; the tables' schemas up front)
 *      1 u8  flags    bit 0 skippable, bit 1 zstd; the rest reserved (0)
 *      2 u16 reserved (0)
 *      4 u32 stored_len   payload bytes in the stream
 *      8 u32 raw_len      payload bytes after decompression
 *     12 u32 count        rows in a rows frame, else 0
 *     16 u64 checksum     XXH3-64 (seed 0) of the raw payload
 *     24 u32 header_check low 32 bits of XXH3-64 of header bytes 0..23
 *
 *   table-begin payload: the table's schema as JSON (schema.h)
 *   rows payload: count rows, each a null bitmap of ceil(ncols/8) bytes
 *     (bit i%8 of byte i/8 set: column i is NULL) and then the non-NULL
 *     values in column order (value.h)
 *   table-end payload: u64 rows, u64 batches, u64 raw bytes, u64 stored
 *     bytes (sums over the table's rows frames), u64 digest low, u64
 *     digest high, u8 has_watermark, then the watermark value (binary
 *     encoding of the watermark column's type) when has_watermark is 1
 *   stream-end payload: u64 tables, u64 rows, u64 frames before this one,
 *     u64 digest low, u64 digest high (sum of the table digests)
 *
 * Memory: the writer holds one batch and its compressed copy; a row with
 * a value of STREAM_BIG_VALUE bytes or more goes in a frame of its own,
 * hashed, compressed and written from where its values lie, with no copy.
 * The reader holds one frame's raw payload (a large frame is decompressed
 * as it is read, without its stored copy), bounded by STREAM_MAX_FRAME;
 * buffers grown by a large frame are given back with the next frame.
 */
#ifndef FERRY_STREAM_H
#define FERRY_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "stream/digest.h"
#include "stream/objects.h"
#include "stream/schema.h"
#include "stream/value.h"

#define STREAM_VERSION_MAJOR 1
#define STREAM_VERSION_MINOR 0
/* a stream that follows its source's changes (--follow) is version 2.0:
 * a reader of version 1 refuses it by its number */
#define STREAM_FOLLOW_MAJOR 2
#define STREAM_FOLLOW_MINOR 0
#define STREAM_HEADER_SIZE 16
#define STREAM_FRAME_HEADER_SIZE 28

#define STREAM_MAX_FIELD (64u << 20) /* longest value, bytes */
/* a row holding one longest value, with room for its other columns */
#define STREAM_MAX_ROW (65u << 20)   /* widest encoded row, bytes */
#define STREAM_MAX_FRAME (65u << 20) /* largest raw payload, bytes */
/* a value this long is written to the stream from where it lies, in a
 * rows frame of its own, not copied into a batch */
#define STREAM_BIG_VALUE (1u << 20)
#define STREAM_DEFAULT_BATCH (1u << 20)
#define STREAM_MIN_BATCH (4u << 10)
#define STREAM_MAX_BATCH (16u << 20)

enum stream_frame_kind {
	STREAM_FRAME_TABLE_BEGIN = 1,
	STREAM_FRAME_ROWS = 2,
	STREAM_FRAME_TABLE_END = 3,
	STREAM_FRAME_STREAM_END = 4,
	STREAM_FRAME_OBJECTS = 5, /* 1.3, skippable: what is not carried */
	STREAM_FRAME_PREVIEW = 6, /* 1.3, skippable: the tables to come */
	STREAM_FRAME_FOLLOW = 7,    /* 2.0: the tables followed, from where */
	STREAM_FRAME_CHANGES = 8,   /* 2.0: changes of a source transaction */
	STREAM_FRAME_HEARTBEAT = 9, /* 2.0: the source is at a position */
};

/* changes a changes frame holds at most */
#define STREAM_MAX_CHANGES (1u << 24)
/* bytes of a position's text */
#define STREAM_MAX_POSITION 256

/* tables a preview frame lists at most (a writer leaves out the frame
 * for more) */
#define STREAM_MAX_PREVIEW 100000

enum stream_frame_flags {
	STREAM_FLAG_SKIPPABLE = 1 << 0,
	STREAM_FLAG_ZSTD = 1 << 1,
};

/* What a table-end frame says (and what the reader counted). */
struct stream_table_stats {
	uint64_t rows;
	uint64_t batches;
	uint64_t raw_bytes;
	uint64_t stored_bytes;
	struct digest digest;
	bool has_watermark;
	struct value watermark; /* borrowed, valid until the next table */
};

struct stream_totals {
	uint64_t tables;
	uint64_t rows;
	uint64_t frames;
	struct digest digest;
	/* 2.0: source transactions and changes after the follow frame */
	uint64_t transactions;
	uint64_t changes;
};

/* --- writer ------------------------------------------------------------- */

struct stream_writer_opts {
	int level; /* zstd level 1..19; 0 stores batches uncompressed */
	size_t batch_bytes; /* raw bytes per batch, STREAM_MIN/MAX_BATCH */
	int follow;	    /* 1: a stream of version 2.0, which may follow;
			     * -1: the header waits for the first frame, and
			     * stream_writer_set_follow may make it 2.0 */
};

/* --- following a source's changes (version 2.0) --------------------------
 *
 * After its tables (the snapshot, maybe none), a follow stream holds one
 * follow frame: the tables whose changes follow and the source position
 * the snapshot was taken at; then the source's committed transactions in
 * commit order, each as changes frames (the last one flagged, with the
 * transaction's position and commit time), and heartbeats.  A position
 * is a number that grows with every transaction (PostgreSQL: the commit
 * LSN; MySQL: file number * 2^32 + offset) and the source's own text of
 * it, from which a source resumes.
 */
struct stream_position {
	uint64_t order;
	char text[STREAM_MAX_POSITION + 1];
};

enum stream_change_op {
	STREAM_CHANGE_INSERT = 1,
	STREAM_CHANGE_UPDATE = 2,
	STREAM_CHANGE_DELETE = 3,
};

/* One change of a table: insert (row), update (row, with the columns the
 * source left as they were flagged in unchanged and NULL in row, and the
 * old key when the key changed), delete (key).  Keys are the values of
 * the table's primary key columns, in key order. */
struct stream_change {
	enum stream_change_op op;
	size_t table; /* index into the follow frame's tables */
	const struct value *row;	 /* insert, update: ncols values */
	const unsigned char *unchanged;	 /* update: ceil(ncols/8), or NULL */
	const struct value *old_key;	 /* update: npk values, or NULL */
	const struct value *key;	 /* delete: npk values */
};

enum stream_event_kind {
	STREAM_EVENT_CHANGE = 1,
	STREAM_EVENT_COMMIT,	/* a source transaction's end */
	STREAM_EVENT_HEARTBEAT, /* nothing more up to this position */
};

struct stream_event {
	enum stream_event_kind kind;
	struct stream_change change;	/* CHANGE */
	const struct schema_table *t;	/* CHANGE: its table */
	const struct stream_position *pos; /* COMMIT, HEARTBEAT */
	int64_t time_us; /* COMMIT: commit time; HEARTBEAT: the source's
			  * clock; microseconds since 1970 UTC */
	uint64_t transaction; /* CHANGE, COMMIT: 1 for the stream's first */
};

/* what the follow frame says (reader: borrowed from the reader) */
struct stream_follow {
	const char *engine; /* "postgresql" or "mysql" */
	const char *source; /* as a table's "source" */
	struct stream_position start; /* the snapshot's position */
	struct schema_table *const *tables;
	size_t ntables;
};

struct stream_writer;

/*
 * A writer on `out` (not closed by the writer).  The stream header is
 * written at once.  NULL with e set on a bad option (ERR_USAGE), out of
 * memory, or a write error (ERR_SYSTEM, or ERR_PIPE when the reader of a
 * pipe is gone).
 */
struct stream_writer *stream_writer_new(FILE *out,
					const struct stream_writer_opts *opts,
					struct err *e);

/*
 * A section writer: frames of tables (and objects frames) without the
 * stream's header or end, each write given to fn(ctx, p, n), which
 * returns 0, or -1 with errno set.  ferry-extract --parallel has one per
 * connection and puts their output, whole tables or key ranges of one
 * table, into one stream in order; stream_writer_absorb then counts them
 * in that stream's end.  stream_writer_finish is refused.
 */
typedef int (*stream_write_fn)(void *ctx, const void *p, size_t n);
struct stream_writer *stream_writer_new_section(
    stream_write_fn fn, void *ctx, const struct stream_writer_opts *opts,
    struct err *e);

/* What the writer wrote so far: tables, rows, frames, digest. */
const struct stream_totals *stream_writer_totals(const struct stream_writer *w);

/* Count in w's stream-end the frames of section writers that went
 * into w's output: t their totals, `bytes` their bytes. */
void stream_writer_absorb(struct stream_writer *w,
			  const struct stream_totals *t, uint64_t bytes);

/*
 * Start a table.  The writer keeps `t` (it must live until
 * stream_writer_end_table) and writes its schema.
 */
int stream_writer_begin_table(struct stream_writer *w,
			      const struct schema_table *t, struct err *e);

/*
 * Add one row: t->ncols values.  Each value is checked (NULL only in a
 * nullable column, value_check) and the row's size against the limits;
 * the error names the table, row number and column.  The values may be
 * reused as soon as the call returns.
 */
int stream_writer_add_row(struct stream_writer *w, const struct value *row,
			  struct err *e);

/* Flush the last batch and write the table-end frame. */
int stream_writer_end_table(struct stream_writer *w, struct err *e);

/* Write an objects frame (kind 5, skippable) of o, outside a table:
 * what the source holds that the stream does not carry. */
int stream_writer_add_objects(struct stream_writer *w,
			      const struct schema_objects *o, struct err *e);

/* Write a preview frame (kind 6, skippable) outside a table: the
 * schemas of the n tables the stream will hold, in order, so that a load
 * can check every table before its first row.  Nothing is written when
 * they do not fit one frame. */
int stream_writer_add_preview(struct stream_writer *w,
			      const struct schema_table *const *tables,
			      size_t n, struct err *e);

/* With opts.follow -1, before the first frame: the stream is version 2.0
 * (ferry-transform, once it has read its input's version). */
int stream_writer_set_follow(struct stream_writer *w, struct err *e);

/* Follow streams (opts.follow): after the last table, the follow
 * frame; the tables must live until the writer is freed. */
int stream_writer_begin_follow(struct stream_writer *w,
			       const struct stream_follow *f, struct err *e);

/* One change of the transaction being written (checked against its
 * table as a row is; the error names table and column).  A frame is
 * written when the transaction's changes fill a batch. */
int stream_writer_change(struct stream_writer *w,
			 const struct stream_change *c, struct err *e);

/* End the transaction: its last changes frame, with its position (its
 * order greater than the last one's) and commit time.  A transaction
 * without changes writes nothing. */
int stream_writer_commit(struct stream_writer *w,
			 const struct stream_position *pos, int64_t time_us,
			 struct err *e);

/* Drop the changes of the transaction being written: 1 when they were
 * all still buffered (nothing of them written), 0 when frames of it are
 * out already (the caller commits it instead). */
int stream_writer_discard(struct stream_writer *w);

/* A heartbeat frame: the source is at pos (not before the last
 * transaction) and nothing of the tables followed happened since. */
int stream_writer_heartbeat(struct stream_writer *w,
			    const struct stream_position *pos, int64_t time_us,
			    struct err *e);

/* Flush what was written to `out` (a follow stream is read as it is
 * written). */
int stream_writer_flush(struct stream_writer *w, struct err *e);

/* Write the stream-end frame and flush `out`. */
int stream_writer_finish(struct stream_writer *w, struct err *e);

/* Bytes written so far (stream header and frames), for progress. */
uint64_t stream_writer_bytes(const struct stream_writer *w);

/* Stats of the last table ended (for progress and summaries). */
const struct stream_table_stats *stream_writer_last_table(
    const struct stream_writer *w);

/* Free the writer; NULL does nothing.  Writes nothing. */
void stream_writer_free(struct stream_writer *w);

/* --- reader ------------------------------------------------------------- */

struct stream_reader;

/*
 * A reader on `in` (not closed by the reader); `name` is used in messages
 * (a file name, or "stdin").  Reads nothing yet.
 */
struct stream_reader *stream_reader_new(FILE *in, const char *name,
					struct err *e);

/*
 * Move to the next table: 1 and *t set (borrowed, valid until the next
 * call of stream_reader_next_table), 0 at the end of the stream (its
 * stream-end frame read and its totals checked), -1 with e set (ERR_STREAM
 * for a bad or truncated stream, with the byte offset and table).  Rows of
 * the current table that were not read are read and checked first.
 */
int stream_reader_next_table(struct stream_reader *r,
			     const struct schema_table **t, struct err *e);

/*
 * Next row of the current table: 1 and *row set to ncols values (borrowed:
 * valid until the next call), 0 at the table's end (its table-end frame
 * read and checked against what was read: rows, batches, bytes, digest and
 * watermark), -1 with e set.
 */
int stream_reader_next_row(struct stream_reader *r, const struct value **row,
			   struct err *e);

/* The table-end stats, valid after stream_reader_next_row returned 0. */
const struct stream_table_stats *stream_reader_table_stats(
    const struct stream_reader *r);

/* The stream-end totals, valid after stream_reader_next_table returned 0. */
const struct stream_totals *stream_reader_totals(const struct stream_reader *r);

/* Byte offset in the input of the next byte to read. */
uint64_t stream_reader_offset(const struct stream_reader *r);

/* Number of the current row in its table (1-based), for messages. */
uint64_t stream_reader_row_number(const struct stream_reader *r);

/* The objects of every objects frame read so far (an objects frame
 * inside a table is an error). */
const struct schema_objects *stream_reader_objects(
    const struct stream_reader *r);

/* The tables of the last preview frame read (borrowed), their number;
 * 0 when there was none. */
size_t stream_reader_preview(const struct stream_reader *r,
			     const struct schema_table *const **tables);

/*
 * stream_reader_next_table returns 0 at a follow frame as at a stream's
 * end; this is then what it says (borrowed from the reader), else NULL.
 */
const struct stream_follow *stream_reader_follow(
    const struct stream_reader *r);

/*
 * After the follow frame: the next change, transaction end or heartbeat
 * (1, *ev borrowed until the next call), 0 at the stream's end (its
 * stream-end frame read and checked), -1 with e set: ERR_PIPE when the
 * input ends after a whole transaction or heartbeat (interrupted: a
 * rerun resumes), ERR_STREAM for anything else.
 */
int stream_reader_next_event(struct stream_reader *r, struct stream_event *ev,
			     struct err *e);

/* The major version of the stream being read (1, or 2 for a follow
 * stream); 0 before its header is read. */
unsigned stream_reader_version(const struct stream_reader *r);

/* Unknown skippable frames skipped so far. */
uint64_t stream_reader_skipped_frames(const struct stream_reader *r);

void stream_reader_free(struct stream_reader *r);

#endif
