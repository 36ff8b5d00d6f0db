/*
 * schema - table and column descriptors, and their JSON form (the payload
 * of a stream's table-begin frame; schemas/stream-table.schema.json).
 *
 *   {"name": "messages", "source": "mysql://old-db/chat",
 *    "columns": [{"name": "id", "type": "int64", "nullable": false,
 *                 "source_type": "bigint(20)"},
 *                {"name": "kind", "type": "enum", "nullable": false,
 *                 "source_type": "enum('text','image')",
 *                 "labels": ["text", "image"]}, ...],
 *    "primary_key": ["id"], "watermark": "id"}
 *
 * Optional table member "schema": the table is "name" in that schema (a
 * PostgreSQL source writes it, "public" too); "name" is then never split.
 * Without it (a MySQL source, or a version 1.0 writer) the table goes to
 * the target's default schema; only in a stream of a PostgreSQL source
 * (its "source" starts with "postgres") does a reader split "name" at its
 * first dot, as version 1.0 writers meant it (schema_table_parse).
 * Optional column members: source_type, length, precision, scale, labels,
 * and (version 1.2) default, on_update and identity:
 *   "default": {"value": "active"}      a constant, in the text form of
 *                                       the column's type (value.h)
 *   "default": {"function": "now", "precision": 3}    CURRENT_TIMESTAMP(3)
 *   "default": {"function": "current_date"} / {"function": "uuid"}
 *   "default": {"expression": "(1 + 2)"}  the source's own text, which no
 *                                       load runs: it is reported
 *   "on_update": {"function": "now", "precision": 0}  MySQL's ON UPDATE
 *   "identity": {"generated": "by default", "next": 5000, "increment": 1}
 *   "collation": "utf8mb4_general_ci"   a MySQL source's text collation
 *   "unsigned": true                    (1.3) a number the source keeps
 *                                       >= 0: UNSIGNED, CHECK (c >= 0)
 *   "element_labels": ["a", "b"]        (1.8) a text column holding a
 *                                       PostgreSQL array of an enum of
 *                                       these labels (source_type "T[]")
 *   "set": ["a", "b"]                   (1.5) a text column holding a
 *                                       MySQL SET of these labels, its
 *                                       values 'a,b' (a PostgreSQL text[]
 *                                       limited to them reads the same)
 *   "generated": {"expression": "`b` + 1", "stored": false,
 *                 "form": "(\"b\" + 1)"}
 *                                       a generated column, the source's
 *                                       text, which no load runs, and
 *                                       (1.5) when it means the same on
 *                                       every engine, ferry's portable
 *                                       form of it (stream/sqlexpr.h)
 *                                       AUTO_INCREMENT, an identity or a
 *                                       serial; next is the value the
 *                                       source's counter gives next
 * Optional table member "indexes": [{"name": "by_sender", "columns":
 * ["sender_id"], "unique": false}, ...], the source's secondary indexes on
 * plain columns, which ferry-load --create builds after the rows.
 * Optional table member "foreign_keys" (version 1.2): [{"name": "fk_user",
 * "columns": ["user_id"], "references": {"schema": "public", "table":
 * "users", "columns": ["id"]}, "on_delete": "cascade", "on_update":
 * "no action"}, ...]; actions are "no action", "restrict", "cascade",
 * "set null" and "set default".
 * Optional table member "checks" (version 1.4): [{"name": "price_min",
 * "expression": "(\"price\" >= 0)"}, ...], the source's CHECK
 * constraints that mean the same on every engine, each in ferry's
 * portable form (stream/sqlexpr.h); the others are in the objects frame.
 * Optional table member "expression_indexes" (version 1.4): [{"name":
 * "users_lower_name", "keys": ["lower(\"name\")"], "unique": true,
 * "where": "(\"deleted\" = FALSE)"}, ...], indexes on expressions or of
 * some rows only, each key and the predicate in the same form (a reader
 * that ignores the member makes no such index: never a plain index in
 * its place, which would be stricter).
 * Optional table member "partition" (version 1.7): {"strategy": "range",
 * "columns": ["created"], "parts": [{"name": "msgs_2024", "from":
 * ["2024-01-01"], "to": ["2025-01-01"]}, {"name": "msgs_old", "from":
 * [{"bound": "minvalue"}], "to": ["2024-01-01"]}, {"name": "msgs_rest",
 * "default": true}]}; "list" parts hold "values" (text or null), "hash"
 * parts "modulus" and "remainder"; each value in its column's text form.
 * Members a reader does not know are kept out of the struct and ignored.
 */
#ifndef FERRY_SCHEMA_H
#define FERRY_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "stream/value.h"

#define SCHEMA_MAX_COLUMNS 4096
#define SCHEMA_MAX_NAME 1024	/* bytes in a table or column name */
#define SCHEMA_MAX_LABELS 65535 /* labels of one enum column */
#define SCHEMA_CAST_INT 1	/* --cast ...=int: read as int64 */
#define SCHEMA_CAST_TEXT 2	/* --cast ...=text: read as its text */
#define SCHEMA_CAST_BYTES 3	/* --cast ...=bytes: a text column's stored
				 * bytes (MySQL: in its character set;
				 * PostgreSQL: its UTF-8) */

/* What a column gets when an INSERT leaves it out (or, for on_update,
 * when an UPDATE leaves it alone). */
enum schema_default_kind {
	SCHEMA_DEFAULT_NONE = 0,
	SCHEMA_DEFAULT_VALUE,	     /* text: the value's text form */
	SCHEMA_DEFAULT_NOW,	     /* the current timestamp; precision */
	SCHEMA_DEFAULT_CURRENT_DATE, /* the current date */
	SCHEMA_DEFAULT_UUID,	     /* a new random uuid */
	SCHEMA_DEFAULT_EXPRESSION,   /* text: the source's expression, made
				      * by no load (it is reported) */
};

struct schema_default {
	enum schema_default_kind kind;
	char *text;    /* VALUE, EXPRESSION; else NULL */
	int precision; /* NOW: 0..6, or -1 when not given */
};

enum schema_identity {
	SCHEMA_IDENTITY_NONE = 0,
	SCHEMA_IDENTITY_BY_DEFAULT, /* AUTO_INCREMENT, serial, BY DEFAULT */
	SCHEMA_IDENTITY_ALWAYS,	    /* GENERATED ALWAYS AS IDENTITY */
};

/* "CURRENT_TIMESTAMP(3)", "a new uuid", "the expression (1 + 2)", ...:
 * how messages name a default, into out (size outsz) */
const char *schema_default_describe(const struct schema_default *d, char *out,
				    size_t outsz);

struct schema_column;
/* c's constant default as a value of c's type (bytes-like ones in
 * scratch): 1, or 0 when it is none or not such a value */
int schema_default_value(const struct schema_column *c, struct buf *scratch,
			 struct value *v);

struct schema_column {
	char *name;
	enum value_type type;
	bool nullable;
	char *source_type; /* NULL when unknown */
	int64_t length;	   /* -1 when unknown */
	int64_t precision; /* -1 when unknown */
	int64_t scale;	   /* -1 when unknown */
	char **labels;	   /* enum labels, nlabels of them */
	size_t nlabels;
	char **set;  /* (1.5) a text column holding a MySQL SET of these
		      * labels, nset of them, as 'a,b' */
	size_t nset;
	/* (1.8) a PostgreSQL source's array of an enum (a text column, its
	 * source_type "mood[]"): the enum's labels, nelabels of them */
	char **elabels;
	size_t nelabels;
	/* a source's column that no stream type can carry: why, or NULL.
	 * Not part of the stream; a writer refuses such a column. */
	char *refused;
	/* a database's column: it has a default (or is an identity, an
	 * auto_increment or generated).  Not part of the stream. */
	bool has_default;
	/* ferry-extract --cast: the source reads the column as this type
	 * (SCHEMA_CAST_INT, SCHEMA_CAST_TEXT), 0 as its own.  Not part of
	 * the stream. */
	int cast;
	struct schema_default def;	 /* "default" */
	struct schema_default on_update; /* "on_update" */
	enum schema_identity identity;
	char *collation;	    /* a MySQL source's text collation
				     * ("utf8mb4_general_ci"), or NULL */
	char *generated;	    /* a generated column's expression, the
				     * source's text, or NULL */
	bool generated_stored;	    /* STORED, not VIRTUAL */
	/* (1.5) a PostgreSQL source's domain the column is of: its base type
	 * is the column's, its CHECKs the table's checks named
	 * "<column>_<check>" too (for readers that make none) */
	struct schema_domain *domain;
	/* (1.6) a PostgreSQL source's composite type the column is of: a
	 * PostgreSQL target makes it; the values are its text */
	struct schema_composite *composite;
	char *generated_form;	    /* (1.5) the same expression in ferry's
				     * portable form (stream/sqlexpr.h),
				     * which --create makes; NULL: the
				     * column is made plain */
	int64_t identity_next;	    /* 0: unknown */
	int64_t identity_increment; /* 1 unless the source says */
	bool nonnegative; /* "unsigned" (1.3): a number the source keeps
			   * >= 0 (MySQL's UNSIGNED, PostgreSQL's CHECK
			   * (c >= 0)) */
};

/* the labels of the enum column c is of, or (1.8) whose array it holds;
 * *n of them (0: none) */
static inline char *const *schema_enum_labels(const struct schema_column *c,
					      size_t *n)
{
	if (c->type == VALUE_ENUM) {
		*n = c->nlabels;
		return c->labels;
	}
	*n = c->nelabels;
	return c->elabels;
}

/* a secondary index of the source table: plain columns only */
struct schema_index {
	char *name;
	size_t *cols; /* column indexes, in key order */
	size_t ncols;
	bool unique;
};

/* a foreign key of the source table (version 1.2) */
enum schema_fk_action {
	SCHEMA_FK_NO_ACTION = 0,
	SCHEMA_FK_RESTRICT,
	SCHEMA_FK_CASCADE,
	SCHEMA_FK_SET_NULL,
	SCHEMA_FK_SET_DEFAULT,
};

struct schema_fkey {
	char *name;
	size_t *cols; /* column indexes of this table, ncols */
	size_t ncols;
	char *ref_schema; /* the referenced table: its schema (NULL: none) */
	char *ref_table;  /* and its own name */
	char **ref_cols;  /* its columns, ncols of them */
	enum schema_fk_action on_delete, on_update;
};

/* a domain (1.5): a PostgreSQL target makes it, or takes the one it has */
struct schema_domain {
	char *schema, *name;
	bool not_null;
	struct schema_check *checks; /* each reads the column "VALUE" */
	size_t nchecks;
};

void schema_domain_free(struct schema_domain *d);

/* a composite type (1.6): a PostgreSQL target makes it, or takes its own */
struct schema_composite {
	char *schema, *name;
	/* its attributes: name, and in expr its type as PostgreSQL's
	 * format_type spells it (which a load parses, never runs) */
	struct schema_check *attrs;
	size_t nattrs;
};
void schema_composite_free(struct schema_composite *c);
struct schema_composite *schema_composite_new(const char *schema,
					      const char *name, struct err *e);
int schema_composite_add(struct schema_composite *c, const char *name,
			 const char *type, struct err *e);
struct schema_composite *schema_composite_copy(const struct schema_composite *c,
					       struct err *e);
struct schema_domain *schema_domain_new(const char *schema, const char *name,
					bool not_null, struct err *e);
int schema_domain_add_check(struct schema_domain *d, const char *name,
			    const char *expr, struct err *e);
struct schema_domain *schema_domain_copy(const struct schema_domain *d,
					 struct err *e);

/* a CHECK constraint of the source table (version 1.4): its condition in
 * ferry's portable form (stream/sqlexpr.h), which a load reads again */
struct schema_check {
	char *name;
	char *expr;
};

/* an index on expressions or with a WHERE (version 1.4): each key and
 * the predicate in ferry's portable form (stream/sqlexpr.h) */
struct schema_xindex {
	char *name;
	char **keys; /* nkeys, each an expression ("\"c\"" for a column) */
	size_t nkeys;
	bool unique;
	char *where; /* NULL: the index holds every row */
};

/* (1.7) a PostgreSQL source's partitioned table: how it is split, which
 * a PostgreSQL target made by --create repeats (the rows still travel as
 * the table's) */
enum schema_bound_kind {
	SCHEMA_BOUND_VALUE = 0, /* value: its text (value.h's form) */
	SCHEMA_BOUND_NULL,	/* a list partition's NULL */
	SCHEMA_BOUND_MIN,	/* MINVALUE */
	SCHEMA_BOUND_MAX,	/* MAXVALUE */
};
struct schema_bound {
	enum schema_bound_kind kind;
	char *value;
};
struct schema_part {
	char *name; /* the partition's own name (its schema the table's) */
	bool is_default;
	struct schema_bound *from, *to; /* range: the key's ncols each */
	struct schema_bound *values;	/* list */
	size_t nvalues;
	int64_t modulus, remainder; /* hash */
};
#define SCHEMA_MAX_PARTS 65535
struct schema_partition {
	char strategy; /* 'r' range, 'l' list, 'h' hash */
	size_t *cols;  /* the key's column indexes */
	size_t ncols;
	struct schema_part *parts;
	size_t nparts;
};
void schema_partition_free(struct schema_partition *p);

/* "NO ACTION", "CASCADE", ...: the SQL words of an action */
const char *schema_fk_action_sql(enum schema_fk_action a);

struct schema_table {
	/* how ferry's tools name the table to the user and match it (-t,
	 * spec keys, verify's pairs, checkpoints): schema_name_format() of
	 * schema and table.  Set the three with schema_table_set_name(). */
	char *name;
	char *schema; /* NULL: none, the target's default */
	char *table;  /* the table's own name, never split */
	char *source; /* NULL when unknown */
	struct schema_column *cols;
	size_t ncols;
	size_t *pk; /* column indexes of the primary key */
	size_t npk;
	int watermark;		      /* column index, or -1 */
	/* (1.10) the source's estimate of its rows when extracted, for
	 * progress; rows_estimated 0: none */
	int64_t rows_estimate;
	bool rows_estimated;
	/* (1.11) "section": this is the section_k-th of section_n key
	 * ranges of the table (ferry-extract --parallel, --part), its rows
	 * in key order when section_ordered; section_n 0: the whole table */
	unsigned section_k, section_n;
	bool section_ordered;
	bool section_all; /* "all": every range follows in this stream */
	struct schema_index *indexes; /* secondary indexes, nindexes */
	size_t nindexes;
	struct schema_fkey *fkeys; /* foreign keys, nfkeys */
	size_t nfkeys;
	struct schema_check *checks; /* CHECK constraints, nchecks */
	size_t nchecks;
	struct schema_xindex *xindexes; /* "expression_indexes" */
	size_t nxindexes;
	struct schema_partition *partition; /* (1.7) "partition", or NULL */
	enum value_type *types; /* ncols types, for digest_row */
};

/*
 * Parse a table object from JSON text.  Returns a table the caller frees
 * with schema_table_free(), or NULL with e set (ERR_STREAM; the message
 * names the member that is wrong).
 */
struct schema_table *schema_table_parse(const char *json, size_t len,
					struct err *e);

/*
 * Read a schema file: one table object, or an array of them.  *tables is
 * an array the caller frees with schema_tables_free().  -1 with e set
 * (ERR_USAGE when the file cannot be read or is wrong).
 */
int schema_file_load(const char *path, struct schema_table ***tables, size_t *n,
		     struct err *e);

void schema_tables_free(struct schema_table **tables, size_t n);

/* (1.11) t is a key range of its table ("section") after which more
 * come: true when section_k < section_n */
bool schema_more_ranges(const struct schema_table *t);
/* ... and they follow in this stream (section "all", --parallel): a
 * loader leaves the table's key, indexes and counters to the last */
bool schema_ranges_follow(const struct schema_table *t);

/* A copy of everything of t that a stream carries (through its JSON
 * form), the caller frees it; NULL with e set. */
struct schema_table *schema_table_copy(const struct schema_table *t,
				       struct err *e);

/* The table as compact JSON, malloc'd, caller frees; NULL on oom (e set). */
char *schema_table_to_json(const struct schema_table *t, struct err *e);

/* The same as a cJSON document to edit (transform's plan), caller
 * cJSON_Delete()s it; NULL on oom (e set) */
struct cJSON;
struct cJSON *schema_table_to_cjson(const struct schema_table *t,
				    struct err *e);

/* Add a foreign key (its strings copied); 0 or -1 (oom). */
int schema_add_fkey(struct schema_table *t, const struct schema_fkey *fk,
		    struct err *e);

/* Add a CHECK constraint (its strings copied); 0 or -1 (oom). */
int schema_add_check(struct schema_table *t, const char *name,
		     const char *expr, struct err *e);

/* Add an index of expressions (its strings copied); 0 or -1 (oom). */
int schema_add_xindex(struct schema_table *t, const struct schema_xindex *x,
		      struct err *e);

/* Add an index of ncols columns (indexes into t->cols); 0 or -1 (oom). */
int schema_add_index(struct schema_table *t, const char *name,
		     const size_t *cols, size_t ncols, bool unique,
		     struct err *e);

/*
 * A new table holding only the columns cols[0..n) of t, in that order,
 * all of them its primary key, in that order: t's name and source, no
 * indexes, no watermark (the shape of a stream of keys, as ferry-verify
 * --emit-deletes writes).  The caller frees it with schema_table_free();
 * NULL with e set on oom or a column index out of range (ERR_SYSTEM).
 */
struct schema_table *schema_table_keys(const struct schema_table *t,
				       const size_t *cols, size_t n,
				       struct err *e);

/*
 * Table names as the user writes them (-t, --table-map, --ignore-column,
 * spec keys) and ferry prints them: "table" or "schema.table", each part
 * either bare (taken as it is, up to the first dot for a schema) or in
 * double quotes with PostgreSQL's rules ("" for a quote inside), so that a
 * table named x.y is "x.y" and one in schema public is public."x.y".
 * A bare part may hold any character but a dot (a quote only not first),
 * so every name of the previous release reads as it did.
 *
 * schema_name_parse: *schema (NULL when the text names none) and *table,
 * malloc'd, the caller frees both.  -1 with ERR_USAGE for text that is
 * not such a name (an empty part, a quote not closed, text after one).
 */
int schema_name_parse(const char *text, char **schema, char **table,
		      struct err *e);

/*
 * The name of table in schema as schema_name_parse reads it back, a part
 * quoted only when it must be (it holds a dot or starts with a quote);
 * schema NULL or "public" is left out, as ferry always names a table of
 * public.  malloc'd, the caller frees; NULL on oom (e set).
 */
char *schema_name_format(const char *schema, const char *table, struct err *e);

/* Set t's schema (NULL: none), table and so name; 0 or -1 (oom). */
int schema_table_set_name(struct schema_table *t, const char *schema,
			  const char *table, struct err *e);

/* Free what a column owns (not the struct itself). */
void schema_column_release(struct schema_column *c);

/* Free a table; NULL does nothing. */
void schema_table_free(struct schema_table *t);

/*
 * "id=42" or "a=1, b='x'": the primary key of `row` for messages, cut to
 * fit out (size outsz); "" when the table has no primary key.
 */
const char *schema_row_key(const struct schema_table *t,
			   const struct value *row, char *out, size_t outsz);

/* Index of column `name`, or -1. */
int schema_column_index(const struct schema_table *t, const char *name);

/*
 * A name a target holds under another than the stream's (PostgreSQL cuts
 * names of over 63 bytes: db/pg/pgname.h), for the reports.
 */
struct name_rename {
	const char *kind; /* "table", "column" or "index" */
	char *from;	  /* the name in the stream (an index: the name
			   * ferry would give it, table name in front) */
	char *to;	  /* the name in the target */
};

#endif
