/*
 * engine_int - for the engines (db/mysql/, db/pg/) and the files of db/,
 * not for callers: the operations each engine fills in beside its facts
 * (engine.h), through which source.c, sink.c and checkpoint.c open it.
 */
#ifndef FERRY_ENGINE_INT_H
#define FERRY_ENGINE_INT_H

#include "db/checkpoint_int.h"
#include "db/engine.h"
#include "db/sink.h"
#include "db/source.h"

struct engine_impl {
	enum uri_engine id;
	struct source *(*source_open)(const struct uri *u,
				      const struct source_opts *o,
				      struct err *e);
	struct sink *(*sink_open)(const struct uri *u,
				  const struct sink_opts *o, struct err *e);
	int (*checkpoint_read_job)(const struct uri *u,
				   const char *defaults_file, unsigned ct,
				   unsigned rt, const char *job,
				   struct checkpoint_job *j, struct err *e);

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
	int (*create_refusal)(const struct schema_table *t,
			      const struct engine_names *n, struct err *why);
};

extern const struct engine engine_mysql;
extern const struct engine engine_pg;

#endif
