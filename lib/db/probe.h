/*
 * probe - statements run as an application would run them, inside a
 * transaction that is always rolled back, to see whether a database
 * takes them or refuses them (ferry-verify --probe).  One connection of
 * its own per database (not the snapshot's, which is read-only); values
 * travel as bound parameters in the engine's text form, identifiers
 * quoted by the engine's rules.  A probe waits at most 2 s for a lock.
 *
 * A rolled-back INSERT still takes a value from a sequence or an
 * AUTO_INCREMENT counter: probes consume ids.
 */
#ifndef FERRY_PROBE_H
#define FERRY_PROBE_H

#include <stddef.h>

#include "base/err.h"
#include "db/source.h"
#include "db/uri.h"
#include "stream/schema.h"

#define PROBE_MAX_COLS 32 /* columns a probe reads or writes */

struct probe;

struct probe *probe_open(const struct uri *u, const struct source_opts *o,
			 struct err *e);
void probe_close(struct probe *p);

/*
 * The first (at most) 2 rows of t by its primary key, each as the text of
 * t's columns cols[0..n) (NULL for SQL NULL): vals[r * n + i], malloc'd
 * (probe_vals_free), *nrows of them.  0, or -1 with e set.
 */
int probe_rows(struct probe *p, const struct schema_table *t,
	       const size_t *cols, size_t n, char ***vals, size_t *nrows,
	       struct err *e);
void probe_vals_free(char **vals, size_t n);

/*
 * INSERT INTO t (cols) VALUES (vals), or UPDATE t SET cols[0] = vals[0]
 * WHERE its primary key = key (t->npk texts), in a transaction rolled
 * back: 1 when the database took it, 0 when it refused it (its message in
 * why), -1 with e set when the connection failed.
 */
int probe_insert(struct probe *p, const struct schema_table *t,
		 const size_t *cols, const char *const *vals, size_t n,
		 char *why, size_t whysz, struct err *e);
int probe_update(struct probe *p, const struct schema_table *t, size_t col,
		 const char *val, const char *const *key, char *why,
		 size_t whysz, struct err *e);

#endif
