/*
 * engine_int - for the engines (db/mysql/, db/pg/), not for callers: the
 * operations each fills in beside its facts (engine.h).  They build
 * without a connection; what connects (source, sink, checkpoint) each
 * opens through its own table (source.c, sink.c, checkpoint.c), so that
 * a tool links the engines' halves it uses and no more.
 */
#ifndef FERRY_ENGINE_INT_H
#define FERRY_ENGINE_INT_H

#include "db/engine.h"

struct engine_impl {
	enum uri_engine id;

	/* engine_run_new's state, NULL: the run has none (names are kept
	 * as they are); names NULL: engine_names keeps every name */
	void *(*run_new)(struct err *e);
	void (*run_free)(void *run);
	int (*names)(void *run, const struct schema_table *t, const char *name,
		     int (*exists)(const char *, void *), void *ctx, int create,
		     struct engine_names *n, struct err *why, int *nwhy,
		     struct err *e);
	void (*names_release)(struct engine_names *n);
	/* NULL: --create makes every table */
	/* NULL: --create's columns hold what the source's do */
	long (*create_max_len)(const struct schema_table *t, size_t i);
	int (*create_refusal)(const struct schema_table *t,
			      const struct engine_names *n, unsigned flags,
			      const struct schema_objects *seqs,
			      struct create_notes *notes, struct err *why);
};

extern const struct engine engine_mysql;
extern const struct engine engine_pg;

#endif
