/* MariaDB and MySQL as ferry's stages see them (db/engine.h) */
#include "db/engine_int.h"
#include "db/mysql/sink_mysql.h"

/* --create makes every type; what it makes otherwise, into notes */
static int create_refusal(const struct schema_table *t,
			  const struct engine_names *n, unsigned flags,
			  const struct schema_objects *seqs,
			  struct create_notes *notes, struct err *why)
{
	struct buf ddl;
	struct my_ddl_target tg = { 1, "utf8mb4_nopad_bin", NULL, NULL, 1 };
	int rc;

	(void)flags;
	(void)seqs; /* MySQL has no sequences ferry makes */
	buf_init(&ddl, 1u << 24);
	rc = sink_mysql_ddl_table(t, n->table ? n->table : t->name, 1, &tg,
				  &ddl, notes, why);
	buf_release(&ddl);
	return rc;
}

static const struct engine_impl impl = {
	.id = URI_MYSQL,
	/* names are kept as they are */
	.create_refusal = create_refusal,
	.create_max_len = sink_mysql_ddl_max_len,
};

const struct engine engine_mysql = {
	.name = "mysql",
	.title = "MySQL",
	.names_nocase = 1,
	.text_refuses_nul = 0,
	.bytes_text_hex = 0,
	.unsigned_ints = 1,
	.bool_stores_numbers = 1,
	.key_weights = 1,
	.bool_risk = { "tinyint1",
		       "TINYINT(1) travels as bool: a value other than 0 or 1 "
		       "is refused at extract (cast it in the source, or "
		       "extract the column with --columns left out)" },
	.timestamp_risk = "DATETIME has no zone: it travels as timestamp; say "
			  "the zone it was written in (spec: zone) to make it "
			  "timestamptz",
	.foreign_text = NULL,
	.impl = &impl,
};
