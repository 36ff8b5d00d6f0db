/*
 * binlog - the MariaDB/MySQL binary log's row events, read without the
 * client library's own row decoder (Connector/C 3.3's mis-decodes CHAR,
 * ENUM, TIMESTAMP(3) and negative integers): the event header, TABLE_MAP
 * and WRITE/UPDATE/DELETE_ROWS (versions 1 and 2), and each value of a
 * row image written in the text the server sends for it over the text
 * protocol, so that mytext.h turns it into the same ferry value as a
 * snapshot's SELECT (a FLOAT as CAST(col AS DOUBLE) gives it).
 *
 * Untrusted input (tests/fuzz/fuzz-binlog.c): every length is checked
 * against the bytes left before it is used; anything cut short or out of
 * range is ERR_STREAM naming the event and byte.  Nothing is copied:
 * names point into the caller's buffer.  No <mysql.h> here.
 */
#ifndef FERRY_BINLOG_H
#define FERRY_BINLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define BINLOG_HEADER 19
#define BINLOG_MAX_COLS 4096

enum binlog_event_type {
	BINLOG_QUERY = 2,
	BINLOG_ROTATE = 4,
	BINLOG_FORMAT_DESCRIPTION = 15,
	BINLOG_XID = 16,
	BINLOG_TABLE_MAP = 19,
	BINLOG_WRITE_ROWS_V1 = 23,
	BINLOG_UPDATE_ROWS_V1 = 24,
	BINLOG_DELETE_ROWS_V1 = 25,
	BINLOG_HEARTBEAT = 27,
	BINLOG_WRITE_ROWS = 30,
	BINLOG_UPDATE_ROWS = 31,
	BINLOG_DELETE_ROWS = 32,
	BINLOG_ANNOTATE_ROWS = 160, /* MariaDB */
	BINLOG_GTID = 162,	    /* MariaDB */
};

/* the type codes of a TABLE_MAP's columns: MYSQL_TYPE_* as the log
 * writes them (mysql_com.h, without including it) */
enum binlog_type {
	BINLOG_T_DECIMAL = 0,
	BINLOG_T_TINY = 1,
	BINLOG_T_SHORT = 2,
	BINLOG_T_LONG = 3,
	BINLOG_T_FLOAT = 4,
	BINLOG_T_DOUBLE = 5,
	BINLOG_T_NULL = 6,
	BINLOG_T_TIMESTAMP = 7,
	BINLOG_T_LONGLONG = 8,
	BINLOG_T_INT24 = 9,
	BINLOG_T_DATE = 10,
	BINLOG_T_TIME = 11,
	BINLOG_T_DATETIME = 12,
	BINLOG_T_YEAR = 13,
	BINLOG_T_NEWDATE = 14,
	BINLOG_T_VARCHAR = 15,
	BINLOG_T_BIT = 16,
	BINLOG_T_TIMESTAMP2 = 17,
	BINLOG_T_DATETIME2 = 18,
	BINLOG_T_TIME2 = 19,
	BINLOG_T_JSON = 245,
	BINLOG_T_NEWDECIMAL = 246,
	BINLOG_T_ENUM = 247,
	BINLOG_T_SET = 248,
	BINLOG_T_TINY_BLOB = 249,
	BINLOG_T_MEDIUM_BLOB = 250,
	BINLOG_T_LONG_BLOB = 251,
	BINLOG_T_BLOB = 252,
	BINLOG_T_VAR_STRING = 253,
	BINLOG_T_STRING = 254,
	BINLOG_T_GEOMETRY = 255,
};

/* the common header of an event */
struct binlog_header {
	uint32_t timestamp;
	unsigned type;
	uint32_t server_id;
	uint32_t size;	   /* the whole event, header and checksum */
	uint32_t next_pos; /* the position after it in its file */
	unsigned flags;
	const unsigned char *body; /* after the header */
	size_t body_len;	   /* up to the checksum, if any */
};

/* An event's bytes (header first) and whether a 4-byte checksum ends
 * them: 0 with *h, -1 with ERR_STREAM. */
int binlog_header(const unsigned char *p, size_t len, int checksum,
		  struct binlog_header *h, struct err *e);

/* one column of a TABLE_MAP */
struct binlog_col {
	unsigned type;	/* MYSQL_TYPE_* as the log writes it */
	unsigned real;	/* for STRING: ENUM (247), SET (248) or STRING */
	unsigned meta;	/* the type's metadata, decoded (lengths, fsp) */
	unsigned meta2; /* NEWDECIMAL scale, BIT bits of the last byte */
	int nullable;
};

struct binlog_table_map {
	uint64_t table_id;
	const char *db, *table; /* NUL-terminated, in the event */
	size_t ncols;
	struct binlog_col cols[BINLOG_MAX_COLS];
};

/* A TABLE_MAP event's body into *m: 0, or -1 with ERR_STREAM. */
int binlog_table_map(const unsigned char *body, size_t len,
		     struct binlog_table_map *m, struct err *e);

/* The table id a rows event names (before its rows are read): 0, -1. */
int binlog_rows_table(const struct binlog_header *h, uint64_t *table_id,
		      struct err *e);

/*
 * One row image of a rows event, each column as the server's text:
 * text[i] of len[i] bytes (text[i] NULL: SQL NULL; absent[i]: the image
 * left the column out), pointing into out, which the call fills.
 */
struct binlog_image {
	const char *text[BINLOG_MAX_COLS];
	size_t len[BINLOG_MAX_COLS];
	unsigned char absent[BINLOG_MAX_COLS];
};

/*
 * The rows of rows event h (of table m): fn is called per row, with its
 * before image (UPDATE, DELETE) and after image (WRITE, UPDATE) or NULL.
 * unsigned_col[i]: column i is UNSIGNED (which the log does not say).
 * labels[i]/nlabels[i]: an ENUM's or SET's members in order, for column
 * i (the log carries their numbers).  0, or -1 with e set (what fn
 * returns, or ERR_STREAM).
 */
typedef int (*binlog_row_fn)(void *ctx, const struct binlog_image *before,
			     const struct binlog_image *after, struct err *e);
int binlog_rows(const struct binlog_header *h, const struct binlog_table_map *m,
		const unsigned char *unsigned_col, char *const *const *labels,
		const size_t *nlabels, binlog_row_fn fn, void *ctx,
		struct err *e);

#endif
