/*
 * probe_int - for the engines that implement probe.h
 * (db/pg/probe_pg.c, db/mysql/probe_mysql.c), not for callers.
 */
#ifndef FERRY_PROBE_INT_H
#define FERRY_PROBE_INT_H

#include "db/probe.h"

struct probe_ops {
	int (*rows)(struct probe *p, const struct schema_table *t,
		    const size_t *cols, size_t n, char ***vals, size_t *nrows,
		    struct err *e);
	/* sql built by the engine: insert (n columns) or update (set one
	 * column, where the key) */
	int (*insert)(struct probe *p, const struct schema_table *t,
		      const size_t *cols, const char *const *vals, size_t n,
		      char *why, size_t whysz, struct err *e);
	int (*update)(struct probe *p, const struct schema_table *t,
		      size_t col, const char *val, const char *const *key,
		      char *why, size_t whysz, struct err *e);
	void (*close)(struct probe *p);
};

struct probe {
	const struct probe_ops *ops;
};

struct probe *probe_pg_open(const struct uri *u, const struct source_opts *o,
			    struct err *e);
struct probe *probe_mysql_open(const struct uri *u,
			       const struct source_opts *o, struct err *e);

/* a statement refused: its message on one line into why */
void probe_why(char *why, size_t whysz, const char *msg);

#endif
