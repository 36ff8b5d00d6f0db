/*
 * pgoutput - the messages of PostgreSQL's logical replication, as a
 * replication connection sends them after START_REPLICATION ... LOGICAL
 * with the built-in pgoutput plugin (proto_version '1', text tuples), and
 * the values its text tuples carry.
 *
 * Two layers, both untrusted input (tests/fuzz/fuzz-pgoutput.c):
 *
 *   pgoutput_copydata() reads one CopyData message of the replication
 *   stream: XLogData ('w': u64 wal start, u64 wal end, u64 send time, then
 *   one pgoutput message) or a primary keepalive ('k': u64 wal end, u64
 *   send time, u8 reply requested).
 *
 *   pgoutput_parse() reads one pgoutput message (protocol 1; PostgreSQL's
 *   "Logical Replication Message Formats"): Begin 'B', Commit 'C', Origin
 *   'O', Relation 'R', Type 'Y', Insert 'I', Update 'U', Delete 'D',
 *   Truncate 'T', Message 'M'.  Integers are big-endian; strings are
 *   NUL-terminated.  Anything cut short, with bytes left over, or with an
 *   unknown kind or tuple marker is ERR_STREAM naming the message kind and
 *   byte offset.
 *
 * Nothing is copied: the strings and tuple data point into the caller's
 * buffer, which must outlive their use.  Timestamps are converted from
 * PostgreSQL's epoch (2000-01-01) to microseconds since 1970-01-01 UTC.
 */
#ifndef FERRY_PGOUTPUT_H
#define FERRY_PGOUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "stream/schema.h"
#include "stream/value.h"

#define PGOUTPUT_MAX_COLS 1664 /* PostgreSQL's MaxTupleAttributeNumber */

/* one CopyData message of the replication stream */
struct pgoutput_copydata {
	char kind;		   /* 'w' XLogData or 'k' keepalive */
	uint64_t wal_start;	   /* 'w' */
	uint64_t wal_end;	   /* both */
	int64_t send_time_us;	   /* both, since 1970 */
	int reply_requested;	   /* 'k' */
	const unsigned char *data; /* 'w': the pgoutput message */
	size_t len;
};

/* 0 with *out set, or -1 with ERR_STREAM */
int pgoutput_copydata(const unsigned char *buf, size_t len,
		      struct pgoutput_copydata *out, struct err *e);

/* one column of a tuple */
struct pgoutput_datum {
	char kind;	  /* 'n' NULL, 'u' unchanged TOASTed value, 't' text */
	const char *text; /* 't': the value's text output, not terminated */
	size_t len;
};

/* one column of a Relation message */
struct pgoutput_relcol {
	int key; /* flags bit 0: part of the replica identity key */
	const char *name;
	uint32_t type_oid;
	int32_t typmod;
};

struct pgoutput_msg {
	char kind; /* 'B', 'C', 'O', 'R', 'Y', 'I', 'U', 'D', 'T', 'M' */
	/* B: final LSN of the transaction, commit time, xid */
	/* C: commit LSN, end LSN, commit time */
	uint64_t lsn;
	uint64_t end_lsn;
	int64_t time_us; /* since 1970-01-01 UTC */
	uint32_t xid;
	/* R, I, U, D: the relation's OID */
	uint32_t relid;
	/* R: namespace (empty for pg_catalog), name, replica identity
	 * ('d', 'n', 'f', 'i'), columns */
	const char *nspname;
	const char *relname;
	char replident;
	size_t ncols;
	struct pgoutput_relcol *cols; /* in the parser's memory */
	/* I, U, D: the tuples.  old_kind: 0 none, 'K' the old key's
	 * columns (others 'n'), 'O' the whole old row (REPLICA IDENTITY
	 * FULL).  D has an old tuple and no new one. */
	char old_kind;
	size_t nold, nnew;
	struct pgoutput_datum *old_tuple; /* in the parser's memory */
	struct pgoutput_datum *new_tuple;
	/* T: relations truncated, options (1 CASCADE, 2 RESTART IDENTITY) */
	size_t nrels;
	const uint32_t *rels; /* in the parser's memory */
	int options;
	/* M: transactional flag, its LSN (lsn), prefix, content */
	int transactional;
	const char *prefix;
	const unsigned char *content;
	size_t content_len;
	/* O: origin LSN (lsn) and name (prefix) */
};

/* The parser: arrays it hands out live until its next call. */
struct pgoutput_parser {
	struct pgoutput_relcol *cols;
	struct pgoutput_datum *old_tuple, *new_tuple;
	uint32_t *rels;
	size_t cap_cols, cap_old, cap_new, cap_rels;
};

void pgoutput_parser_init(struct pgoutput_parser *p);
void pgoutput_parser_release(struct pgoutput_parser *p);

/* Parse one pgoutput message: 0 with *m set, -1 with ERR_STREAM (or
 * ERR_SYSTEM when out of memory). */
int pgoutput_parse(struct pgoutput_parser *p, const unsigned char *buf,
		   size_t len, struct pgoutput_msg *m, struct err *e);

/*
 * The value of column c (as source_describe of a PostgreSQL source made
 * it) from the text a tuple carries for it, exactly as the snapshot's
 * binary COPY gives it, so that a row read from the stream of changes and
 * the same row read by a snapshot are one: text in the server's output
 * forms with DateStyle ISO, TimeZone UTC, IntervalStyle postgres,
 * extra_float_digits 3 and bytea_output hex.  A real column's text is
 * read as a float and widened; dates and timestamps may end in " BC"; a
 * SET column (c->nset) is a text[] literal whose members are joined with
 * commas; --cast int reads a boolean's 't'/'f' as 1/0; --cast text and
 * types read as ::text keep the text, but for what that cast changes: a
 * boolean's 't' is 'true', a character(n) loses its trailing blanks, an
 * inet without a netmask gets its /32 or /128.  Bytes, a SET's members
 * and such an inet go to scratch, v pointing there; each call appends
 * at most len + 4 bytes, so a caller that reserves the sum for a row
 * first keeps every earlier value's pointer valid.  Other strings point
 * into text or are constants.  The value passes value_check (with the
 * column's labels).  -1 with ERR_STREAM saying what is wrong with the
 * value (the caller names the table, row and column), or ERR_SYSTEM when
 * out of memory or c is no column a PostgreSQL source makes.
 */
int pgoutput_value(const struct schema_column *c, const char *text, size_t len,
		   struct buf *scratch, struct value *v, struct err *e);

#endif
