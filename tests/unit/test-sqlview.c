/*
 * test-sqlview - the views ferry carries (stream/sqlexpr.h, sqlview_*):
 * what MariaDB 10.11's information_schema.VIEWS and PostgreSQL 15's
 * pg_get_viewdef print for a chat server's views reads into ferry's form,
 * which reads back to itself and is written for each target with its
 * names; what would not mean the same is refused with the reason.  The
 * texts are the servers' own (tests/t4820 makes the views on them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/schema.h"
#include "stream/sqlexpr.h"
#include "tap.h"

static const char *const my_json[] = {
	"{\"name\":\"Users\",\"columns\":["
	"{\"name\":\"Id\",\"type\":\"int64\"},"
	"{\"name\":\"UserName\",\"type\":\"text\","
	"\"collation\":\"utf8mb4_unicode_ci\"},"
	"{\"name\":\"Email\",\"type\":\"text\"},"
	"{\"name\":\"IsActive\",\"type\":\"bool\"},"
	"{\"name\":\"Status\",\"type\":\"enum\",\"labels\":[\"online\","
	"\"away\",\"offline\"]},"
	"{\"name\":\"CreatedAt\",\"type\":\"timestamp\"},"
	"{\"name\":\"Prefs\",\"type\":\"json\"}],\"primary_key\":[\"Id\"]}",
	"{\"name\":\"Channels\",\"columns\":["
	"{\"name\":\"Id\",\"type\":\"int64\"},"
	"{\"name\":\"Name\",\"type\":\"text\"},"
	"{\"name\":\"IsPrivate\",\"type\":\"bool\"}],\"primary_key\":[\"Id\"]}",
	"{\"name\":\"Members\",\"columns\":["
	"{\"name\":\"ChannelId\",\"type\":\"int64\"},"
	"{\"name\":\"UserId\",\"type\":\"int64\"},"
	"{\"name\":\"Role\",\"type\":\"text\"}]}",
	"{\"name\":\"Messages\",\"columns\":["
	"{\"name\":\"Id\",\"type\":\"int64\"},"
	"{\"name\":\"ChannelId\",\"type\":\"int64\"},"
	"{\"name\":\"UserId\",\"type\":\"int64\"},"
	"{\"name\":\"Body\",\"type\":\"text\"},"
	"{\"name\":\"Size\",\"type\":\"int64\"},"
	"{\"name\":\"CreatedAt\",\"type\":\"timestamp\"},"
	"{\"name\":\"DeletedAt\",\"type\":\"timestamp\"}],"
	"\"primary_key\":[\"Id\"]}",
};

static const char *const pg_json[] = {
	"{\"name\":\"users\",\"columns\":["
	"{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"username\",\"type\":\"text\"},"
	"{\"name\":\"email\",\"type\":\"text\"},"
	"{\"name\":\"is_active\",\"type\":\"bool\"},"
	"{\"name\":\"created_at\",\"type\":\"timestamptz\"},"
	"{\"name\":\"prefs\",\"type\":\"json\"}],\"primary_key\":[\"id\"]}",
	"{\"name\":\"channels\",\"columns\":["
	"{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"name\",\"type\":\"text\"},"
	"{\"name\":\"is_private\",\"type\":\"bool\"}],\"primary_key\":[\"id\"]}",
	"{\"name\":\"members\",\"columns\":["
	"{\"name\":\"channel_id\",\"type\":\"int64\"},"
	"{\"name\":\"user_id\",\"type\":\"int64\"},"
	"{\"name\":\"role\",\"type\":\"text\"}]}",
	"{\"name\":\"messages\",\"columns\":["
	"{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"channel_id\",\"type\":\"int64\"},"
	"{\"name\":\"user_id\",\"type\":\"int64\"},"
	"{\"name\":\"body\",\"type\":\"text\"},"
	"{\"name\":\"size\",\"type\":\"int64\"},"
	"{\"name\":\"created_at\",\"type\":\"timestamp\"},"
	"{\"name\":\"deleted_at\",\"type\":\"timestamp\"}],"
	"\"primary_key\":[\"id\"]}",
	"{\"name\":\"audit\",\"schema\":\"app\",\"columns\":["
	"{\"name\":\"id\",\"type\":\"int64\"},"
	"{\"name\":\"what\",\"type\":\"text\"}],\"primary_key\":[\"id\"]}",
};

#define NMY (sizeof(my_json) / sizeof(*my_json))
#define NPG (sizeof(pg_json) / sizeof(*pg_json))

static struct schema_table *my[NMY], *pg[NPG];
static char got[16384];

/* ferry's form of a view (columns cols, comma-separated), and that it
 * reads back to itself; "no: why" when refused */
static const char *form(enum sqlexpr_dialect d, const char *text,
			const char *cols)
{
	struct err e;
	char why[256], cbuf[512], *names[32], *save = NULL;
	size_t n = 0;
	struct buf b;
	int rc;
	struct schema_table *const *ts = d == SQLEXPR_MYSQL ? my : pg;
	size_t nts = d == SQLEXPR_MYSQL ? NMY : NPG;

	snprintf(cbuf, sizeof(cbuf), "%s", cols);
	for (char *c = strtok_r(cbuf, ",", &save); c && n < 32;
	     c = strtok_r(NULL, ",", &save))
		names[n++] = c;
	err_init(&e);
	buf_init(&b, 1u << 20);
	rc = sqlview_parse(text, d, ts, nts,
			   d == SQLEXPR_MYSQL ? "vw" : "public", names, n, &b,
			   why, sizeof(why), &e);
	if (rc == 0 && buf_addc(&b, 0, &e) == 0) {
		char once[16384];
		snprintf(once, sizeof(once), "%s", (const char *)b.data);
		buf_reset(&b);
		rc = sqlview_parse(once, SQLEXPR_FERRY, ts, nts, NULL, NULL, 0,
				   &b, why, sizeof(why), &e);
		TAP_CHECK(rc == 0 && buf_addc(&b, 0, &e) == 0 &&
			      strcmp((const char *)b.data, once) == 0,
			  "ferry's form reads back alike (%s)",
			  rc ? why : (const char *)b.data);
		snprintf(got, sizeof(got), "%s", once);
	} else {
		snprintf(got, sizeof(got), "%s: %s", rc < 0 ? "error" : "no",
			 rc < 0 ? e.msg : why);
	}
	buf_release(&b);
	return got;
}

/* the targets' names: "T_<stream name>" quoted, columns in upper case
 * for the pg tables */
static int tname(void *ctx, size_t i, enum sqlexpr_dialect d, struct buf *out,
		 struct err *e)
{
	struct schema_table *const *ts = ctx;
	char q = d == SQLEXPR_MYSQL ? '`' : '"';

	return buf_addf(out, e, "%cT_%s%c", q, ts[i]->name, q);
}

static const char *target(enum sqlexpr_dialect from, const char *ferry,
			  enum sqlexpr_dialect to, int fold, unsigned flags)
{
	struct err e;
	char why[256];
	struct buf b;
	struct sqlview_names nm = { tname, from == SQLEXPR_MYSQL ? my : pg,
				    NULL, fold };
	int rc;

	err_init(&e);
	buf_init(&b, 1u << 20);
	rc = sqlview_translate(ferry, from == SQLEXPR_MYSQL ? my : pg,
			       from == SQLEXPR_MYSQL ? NMY : NPG, to, &nm,
			       flags, &b, why, sizeof(why), &e);
	if (rc == 0 && buf_addc(&b, 0, &e) == 0)
		snprintf(got, sizeof(got), "%s", (const char *)b.data);
	else
		snprintf(got, sizeof(got), "%s: %s", rc < 0 ? "error" : "no",
			 rc < 0 ? e.msg : why);
	buf_release(&b);
	return got;
}

#define MY SQLEXPR_MYSQL
#define PG SQLEXPR_PG
#define FERRY SQLEXPR_FERRY

static void mariadb_views(void)
{
	char f[16384];

	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id`,`vw`.`Users`."
			"`UserName` AS `UserName`,`vw`.`Users`.`Email` AS "
			"`Email` from `vw`.`Users` where `vw`.`Users`."
			"`IsActive` = 1 and `vw`.`Users`.`Status` <> "
			"'offline'",
			"Id,UserName,Email"),
		   "SELECT \"Users\".\"Id\" AS \"Id\", \"Users\".\"UserName\" "
		   "AS \"UserName\", \"Users\".\"Email\" AS \"Email\" FROM "
		   "\"Users\" AS \"Users\" WHERE ((\"Users\".\"IsActive\" = "
		   "TRUE) AND (\"Users\".\"Status\" <> 'offline'))",
		   "a filter over one table, its db.table.column names");
	snprintf(f, sizeof(f), "%s",
		 form(MY,
		      "select `c`.`Id` AS `ChannelId`,`c`.`Name` AS `Name`,"
		      "count(0) AS `Messages`,count(distinct `m`.`UserId`) "
		      "AS `Posters`,max(`m`.`CreatedAt`) AS `LastAt`,"
		      "sum(`m`.`Size`) AS `Bytes` from (`vw`.`Channels` `c` "
		      "left join `vw`.`Messages` `m` on(`m`.`ChannelId` = "
		      "`c`.`Id` and `m`.`DeletedAt` is null)) group by "
		      "`c`.`Id`,`c`.`Name`",
		      "ChannelId,Name,Messages,Posters,LastAt,Bytes"));
	TAP_EQ_STR(f,
		   "SELECT \"c\".\"Id\" AS \"ChannelId\", \"c\".\"Name\" AS "
		   "\"Name\", count(*) AS \"Messages\", count(DISTINCT "
		   "\"m\".\"UserId\") AS \"Posters\", max(\"m\".\"CreatedAt\") "
		   "AS \"LastAt\", sum(\"m\".\"Size\") AS \"Bytes\" FROM "
		   "\"Channels\" AS \"c\" LEFT JOIN \"Messages\" AS \"m\" ON "
		   "((\"m\".\"ChannelId\" = \"c\".\"Id\") AND "
		   "(\"m\".\"DeletedAt\" IS NULL)) GROUP BY \"c\".\"Id\", "
		   "\"c\".\"Name\"",
		   "aggregates, count(0) is count(*), a LEFT JOIN");
	TAP_EQ_STR(
	    target(MY, f, PG, 1, 0),
	    "SELECT \"c\".\"Id\" AS \"channelid\", \"c\".\"Name\" AS "
	    "\"name\", count(*) AS \"messages\", count(DISTINCT "
	    "\"m\".\"UserId\") AS \"posters\", max(\"m\".\"CreatedAt\") "
	    "AS \"lastat\", sum(\"m\".\"Size\") AS \"bytes\" FROM "
	    "\"T_Channels\" AS \"c\" LEFT JOIN \"T_Messages\" AS \"m\" ON "
	    "((\"m\".\"ChannelId\" = \"c\".\"Id\") AND "
	    "(\"m\".\"DeletedAt\" IS NULL)) GROUP BY \"c\".\"Id\", "
	    "\"c\".\"Name\"",
	    "written for PostgreSQL: the target's table names, the "
	    "view's column names folded");
	TAP_EQ_STR(target(MY, f, MY, 0, 0),
		   "SELECT `c`.`Id` AS `ChannelId`, `c`.`Name` AS `Name`, "
		   "count(*) AS `Messages`, count(DISTINCT `m`.`UserId`) AS "
		   "`Posters`, max(`m`.`CreatedAt`) AS `LastAt`, "
		   "sum(`m`.`Size`) AS `Bytes` FROM `T_Channels` AS `c` LEFT "
		   "JOIN `T_Messages` AS `m` ON ((`m`.`ChannelId` = `c`.`Id`) "
		   "AND (`m`.`DeletedAt` IS NULL)) GROUP BY `c`.`Id`, "
		   "`c`.`Name`",
		   "written for MySQL");
	TAP_EQ_STR(
	    form(MY,
		 "select `m`.`ChannelId` AS `ChannelId`,`u`.`UserName` AS "
		 "`UserName`,case when `m`.`Role` = 'owner' then 'Owner' else "
		 "'Member' end AS `Label`,if(`u`.`IsActive`,'yes','no') AS "
		 "`Active`,ifnull(`u`.`Email`,'') AS `Email` from "
		 "((`vw`.`Members` `m` join `vw`.`Users` `u` on(`u`.`Id` = "
		 "`m`.`UserId`)) join `vw`.`Channels` `c` on(`c`.`Id` = "
		 "`m`.`ChannelId`)) where `c`.`IsPrivate` = 0",
		 "ChannelId,UserName,Label,Active,Email"),
	    "SELECT \"m\".\"ChannelId\" AS \"ChannelId\", \"u\".\"UserName\" "
	    "AS \"UserName\", (CASE WHEN (\"m\".\"Role\" = 'owner') THEN "
	    "'Owner' ELSE 'Member' END) AS \"Label\", (CASE WHEN "
	    "\"u\".\"IsActive\" THEN 'yes' ELSE 'no' END) AS \"Active\", "
	    "coalesce(\"u\".\"Email\", '') AS \"Email\" FROM \"Members\" AS "
	    "\"m\" JOIN \"Users\" AS \"u\" ON (\"u\".\"Id\" = "
	    "\"m\".\"UserId\") JOIN \"Channels\" AS \"c\" ON (\"c\".\"Id\" = "
	    "\"m\".\"ChannelId\") WHERE (\"c\".\"IsPrivate\" = FALSE)",
	    "CASE, if(), ifnull(), two joins nested to the left");
	TAP_EQ_STR(
	    form(MY,
		 "select `vw`.`Messages`.`ChannelId` AS `ChannelId`,"
		 "count(0) AS `N` from `vw`.`Messages` group by "
		 "`vw`.`Messages`.`ChannelId` having count(0) > 1",
		 "ChannelId,N"),
	    "SELECT \"Messages\".\"ChannelId\" AS \"ChannelId\", count(*) "
	    "AS \"N\" FROM \"Messages\" AS \"Messages\" GROUP BY "
	    "\"Messages\".\"ChannelId\" HAVING (count(*) > 1)",
	    "HAVING");
	TAP_EQ_STR(form(MY,
			"select `u`.`Id` AS `U`,`c`.`Id` AS `C` from "
			"`vw`.`Users` `u` join `vw`.`Channels` `c` where "
			"`u`.`Id` = `c`.`Id`",
			"U,C"),
		   "SELECT \"u\".\"Id\" AS \"U\", \"c\".\"Id\" AS \"C\" FROM "
		   "\"Users\" AS \"u\" CROSS JOIN \"Channels\" AS \"c\" WHERE "
		   "(\"u\".\"Id\" = \"c\".\"Id\")",
		   "a join with no ON is a CROSS JOIN");
	TAP_EQ_STR(form(MY,
			"select `c`.`Name` AS `Channel`,sum(`m`.`Size`) AS `Total` "
			"from (`vw`.`Channels` `c` join `vw`.`Messages` `m` "
			"on(`m`.`ChannelId` = `c`.`Id`)) group by `c`.`Name` order "
			"by sum(`m`.`Size`) desc,`c`.`Name` limit 10",
			"Channel,Total"),
		   "SELECT \"c\".\"Name\" AS \"Channel\", sum(\"m\".\"Size\") AS "
		   "\"Total\" FROM \"Channels\" AS \"c\" JOIN \"Messages\" AS \"m\" "
		   "ON (\"m\".\"ChannelId\" = \"c\".\"Id\") GROUP BY "
		   "\"c\".\"Name\" ORDER BY sum(\"m\".\"Size\") DESC NULLS LAST, "
		   "\"c\".\"Name\" ASC NULLS FIRST LIMIT 10",
		   "ORDER BY, MySQL's NULLs first going up");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Messages`.`Id` AS `Id`,`vw`.`Messages`."
			"`DeletedAt` AS `DeletedAt` from `vw`.`Messages` order by "
			"`vw`.`Messages`.`DeletedAt`,1 desc, `Id`",
			"Id,DeletedAt"),
		   "SELECT \"Messages\".\"Id\" AS \"Id\", "
		   "\"Messages\".\"DeletedAt\" AS \"DeletedAt\" FROM \"Messages\" "
		   "AS \"Messages\" ORDER BY \"Messages\".\"DeletedAt\" ASC NULLS "
		   "FIRST, \"Messages\".\"Id\" DESC NULLS LAST, "
		   "\"Messages\".\"Id\" ASC NULLS FIRST",
		   "ORDER BY a column's number, a view's column name");
	TAP_EQ_STR(target(MY, got, MY, 0, 0),
		   "SELECT `Messages`.`Id` AS `Id`, `Messages`.`DeletedAt` AS "
		   "`DeletedAt` FROM `T_Messages` AS `Messages` ORDER BY "
		   "`Messages`.`DeletedAt` ASC, `Messages`.`Id` DESC, "
		   "`Messages`.`Id` ASC",
		   "MySQL's own order: no NULLS said");
	TAP_EQ_STR(form(MY,
			"select `c`.`Name` AS `Channel`,`u`.`UserName` AS `Owner`,"
			"count(0) AS `N` from ((`vw`.`Channels` `c` join "
			"`vw`.`Members` `m` on(`m`.`ChannelId` = `c`.`Id`)) join "
			"`vw`.`Users` `u` on(`u`.`Id` = `m`.`UserId`)) group by "
			"`c`.`Id`",
			"Channel,Owner,N"),
		   "SELECT \"c\".\"Name\" AS \"Channel\", \"u\".\"UserName\" AS "
		   "\"Owner\", count(*) AS \"N\" FROM \"Channels\" AS \"c\" JOIN "
		   "\"Members\" AS \"m\" ON (\"m\".\"ChannelId\" = \"c\".\"Id\") "
		   "JOIN \"Users\" AS \"u\" ON (\"u\".\"Id\" = \"m\".\"UserId\") "
		   "GROUP BY \"c\".\"Id\"",
		   "a column MariaDB takes ungrouped is carried");
	snprintf(f, sizeof(f), "%s", got);
	TAP_EQ_STR(target(MY, f, PG, 1, 0),
		   "no: column u.UserName is neither grouped by nor aggregated, "
		   "which PostgreSQL refuses",
		   "PostgreSQL: not made, the column named (c.Name is of the "
		   "table whose key is grouped by)");
	TAP_CHECK(strncmp(target(MY, f, MY, 0, 0), "SELECT", 6) == 0,
		  "MariaDB: made (%s)", got);
	TAP_EQ_STR(target(MY,
			  "SELECT DISTINCT \"u\".\"Id\" AS \"a\" FROM \"Users\" AS "
			  "\"u\" ORDER BY \"u\".\"UserName\" ASC NULLS FIRST",
			  PG, 0, 0),
		   "no: SELECT DISTINCT ordered by what it does not select, "
		   "which PostgreSQL refuses",
		   "DISTINCT ordered by what it does not select");
	snprintf(f, sizeof(f), "%s",
		 form(MY,
		      "select `vw`.`Messages`.`Id` AS `Id` from "
		      "`vw`.`Messages` where `vw`.`Messages`.`CreatedAt` > "
		      "current_timestamp() - interval 5 minute and "
		      "`vw`.`Messages`.`CreatedAt` < utc_timestamp() + interval "
		      "1 hour and curdate() > '2020-01-01'",
		      "Id"));
	TAP_EQ_STR(f,
		   "SELECT \"Messages\".\"Id\" AS \"Id\" FROM \"Messages\" AS "
		   "\"Messages\" WHERE (((\"Messages\".\"CreatedAt\" > "
		   "(LOCALTIMESTAMP - INTERVAL 5 MINUTE)) AND "
		   "(\"Messages\".\"CreatedAt\" < (LOCALTIMESTAMP + INTERVAL 1 "
		   "HOUR))) AND (CURRENT_DATE > '2020-01-01'))",
		   "MySQL's clocks: a DATETIME reads the wall clock");
	TAP_EQ_STR(target(MY, f, PG, 0, 0),
		   "SELECT \"Messages\".\"Id\" AS \"Id\" FROM \"T_Messages\" AS "
		   "\"Messages\" WHERE (((\"Messages\".\"CreatedAt\" > "
		   "(LOCALTIMESTAMP - interval '5 MINUTE')) AND "
		   "(\"Messages\".\"CreatedAt\" < (LOCALTIMESTAMP + interval '1 "
		   "HOUR'))) AND (CURRENT_DATE > '2020-01-01'))",
		   "written for PostgreSQL");
	TAP_EQ_STR(target(MY, f, MY, 0, 0),
		   "SELECT `Messages`.`Id` AS `Id` FROM `T_Messages` AS "
		   "`Messages` WHERE (((`Messages`.`CreatedAt` > (NOW(6) - "
		   "INTERVAL 5 MINUTE)) AND (`Messages`.`CreatedAt` < (NOW(6) + "
		   "INTERVAL 1 HOUR))) AND (CURDATE() > '2020-01-01'))",
		   "written for MySQL");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id` from `vw`.`Users` "
			"where `vw`.`Users`.`CreatedAt` > '2020-01-01' + interval "
			"1 day",
			"Id"),
		   "no: a string + an interval", "a string moved by an interval");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id` from `vw`.`Users` "
			"where `vw`.`Users`.`CreatedAt` > current_timestamp(3)",
			"Id"),
		   "no: a clock with digits", "a clock of other digits");
	TAP_EQ_STR(form(MY,
			"select `ActiveUsers`.`Id` AS `Id` from "
			"`vw`.`ActiveUsers`",
			"Id"),
		   "no: vw.ActiveUsers, which is not a table of this run",
		   "a view of a view");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id` from `vw`.`Users` "
			"where `vw`.`Users`.`UserName` like 'a%'",
			"Id"),
		   "SELECT \"Users\".\"Id\" AS \"Id\" FROM \"Users\" AS "
		   "\"Users\" WHERE (\"Users\".\"UserName\" LIKE 'a%')",
		   "LIKE");
	TAP_EQ_STR(target(MY, got, PG, 1, SQLEXPR_CI_NO_LIKE),
		   "no: LIKE on a case-insensitive column, which PostgreSQL 15 "
		   "refuses on its nondeterministic collation",
		   "LIKE on a case-insensitive column is not made on "
		   "PostgreSQL 15");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id` from `other`."
			"`Users`",
			"Id"),
		   "no: other.Users, which is not a table of this run",
		   "a table of another database");
	TAP_EQ_STR(form(MY,
			"select `vw`.`Users`.`Id` AS `Id`, 1 AS `x` from "
			"`vw`.`Users`",
			"Id"),
		   "no: more select items than the view has columns",
		   "the catalog's columns count the items");
}

static void postgres_views(void)
{
	char f[16384];

	TAP_EQ_STR(
	    form(PG,
		 " SELECT users.id,\n    users.username,\n    "
		 "users.email,\n    users.created_at,\n    "
		 "users.prefs\n   FROM users\n  WHERE (users.is_active "
		 "AND ((users.username)::text !~~ 'bot%'::text));",
		 "id,username,email,created_at,prefs"),
	    "SELECT \"users\".\"id\" AS \"id\", \"users\".\"username\" AS "
	    "\"username\", \"users\".\"email\" AS \"email\", "
	    "\"users\".\"created_at\" AS \"created_at\", "
	    "\"users\".\"prefs\" AS \"prefs\" FROM \"users\" AS "
	    "\"users\" WHERE (\"users\".\"is_active\" AND "
	    "(\"users\".\"username\" NOT LIKE 'bot%'))",
	    "columns of any type pass through; casts to text");
	snprintf(f, sizeof(f), "%s",
		 form(PG,
		      " SELECT m.channel_id,\n    u.username,\n        CASE\n"
		      "            WHEN (m.role = 'owner'::text) THEN "
		      "'Owner'::text\n            ELSE 'Member'::text\n"
		      "        END AS label,\n    COALESCE(u.email, ''::text) "
		      "AS email\n   FROM ((members m\n     JOIN users u ON "
		      "((u.id = m.user_id)))\n     JOIN channels c ON ((c.id "
		      "= m.channel_id)))\n  WHERE (NOT c.is_private);",
		      "channel_id,username,label,email"));
	TAP_EQ_STR(f,
		   "SELECT \"m\".\"channel_id\" AS \"channel_id\", "
		   "\"u\".\"username\" AS \"username\", (CASE WHEN "
		   "(\"m\".\"role\" = 'owner') THEN 'Owner' ELSE 'Member' END) "
		   "AS \"label\", coalesce(\"u\".\"email\", '') AS \"email\" "
		   "FROM \"members\" AS \"m\" JOIN \"users\" AS \"u\" ON "
		   "(\"u\".\"id\" = \"m\".\"user_id\") JOIN \"channels\" AS "
		   "\"c\" ON (\"c\".\"id\" = \"m\".\"channel_id\") WHERE (NOT "
		   "\"c\".\"is_private\")",
		   "PostgreSQL's CASE, COALESCE, nested joins");
	TAP_EQ_STR(
	    target(PG, f, MY, 0, 0),
	    "SELECT `m`.`channel_id` AS `channel_id`, `u`.`username` AS "
	    "`username`, (CASE WHEN (`m`.`role` = 'owner') THEN 'Owner' "
	    "ELSE 'Member' END) AS `label`, coalesce(`u`.`email`, '') AS "
	    "`email` FROM `T_members` AS `m` JOIN `T_users` AS `u` ON "
	    "(`u`.`id` = `m`.`user_id`) JOIN `T_channels` AS `c` ON "
	    "(`c`.`id` = `m`.`channel_id`) WHERE (NOT `c`.`is_private`)",
	    "written for MySQL");
	TAP_EQ_STR(form(PG,
			" SELECT a.id,\n    a.what,\n    u.username\n   "
			"FROM (app.audit a\n     JOIN users u ON ((u.id = "
			"a.id)));",
			"id,what,username"),
		   "SELECT \"a\".\"id\" AS \"id\", \"a\".\"what\" AS \"what\", "
		   "\"u\".\"username\" AS \"username\" FROM \"app.audit\" AS "
		   "\"a\" JOIN \"users\" AS \"u\" ON (\"u\".\"id\" = "
		   "\"a\".\"id\")",
		   "a table of another schema: its stream name");
	TAP_EQ_STR(form(PG,
			" SELECT u.id AS u,\n    c.id AS c\n   FROM users "
			"u,\n    channels c\n  WHERE (u.id = c.id);",
			"u,c"),
		   "SELECT \"u\".\"id\" AS \"u\", \"c\".\"id\" AS \"c\" FROM "
		   "\"users\" AS \"u\" CROSS JOIN \"channels\" AS \"c\" WHERE "
		   "(\"u\".\"id\" = \"c\".\"id\")",
		   "a comma is a CROSS JOIN");
	snprintf(f, sizeof(f), "%s",
		 form(PG,
		      " SELECT users.id\n   FROM users\n  WHERE ((users.created_at > "
		      "(now() - '00:05:00'::interval)) AND (users.created_at < "
		      "(CURRENT_TIMESTAMP + '01:00:00'::interval)));",
		      "id"));
	TAP_EQ_STR(f,
		   "SELECT \"users\".\"id\" AS \"id\" FROM \"users\" AS \"users\" "
		   "WHERE ((\"users\".\"created_at\" > (CURRENT_TIMESTAMP - "
		   "INTERVAL 5 MINUTE)) AND (\"users\".\"created_at\" < "
		   "(CURRENT_TIMESTAMP + INTERVAL 1 HOUR)))",
		   "PostgreSQL's clocks: a timestamptz reads the instant");
	TAP_EQ_STR(target(PG, f, MY, 0, 0),
		   "SELECT `users`.`id` AS `id` FROM `T_users` AS `users` WHERE "
		   "((`users`.`created_at` > (UTC_TIMESTAMP(6) - INTERVAL 5 "
		   "MINUTE)) AND (`users`.`created_at` < (UTC_TIMESTAMP(6) + "
		   "INTERVAL 1 HOUR)))",
		   "on MySQL, where ferry keeps an instant as a DATETIME in UTC");
	TAP_EQ_STR(form(PG,
			" SELECT messages.id,\n    messages.body\n   FROM "
			"messages\n  WHERE (messages.created_at > (now() - "
			"'7 days'::interval));",
			"id,body"),
		   "SELECT \"messages\".\"id\" AS \"id\", \"messages\".\"body\" AS "
		   "\"body\" FROM \"messages\" AS \"messages\" WHERE "
		   "(\"messages\".\"created_at\" > (LOCALTIMESTAMP - INTERVAL 7 "
		   "DAY))",
		   "now() against a timestamp without time zone: the wall clock");
	TAP_EQ_STR(form(PG,
			" SELECT messages.id FROM messages WHERE "
			"((messages.created_at)::date < (CURRENT_DATE - 30));",
			"id"),
		   "no: a cast to date", "a column cast to a date");
	TAP_EQ_STR(form(PG,
			" SELECT users.id FROM users WHERE (users.created_at > "
			"'2026-01-01 00:00:00+00'::timestamp with time zone);",
			"id"),
		   "no: a string cast to timestamp with time zone",
		   "an instant against a string");
	TAP_EQ_STR(form(PG,
			" SELECT c.name AS channel,\n    sum(m.size) AS total\n"
			"   FROM (channels c\n     JOIN messages m ON ((m.channel_id "
			"= c.id)))\n  GROUP BY c.name\n  ORDER BY (sum(m.size)) "
			"DESC, c.name\n LIMIT 10;",
			"channel,total"),
		   "SELECT \"c\".\"name\" AS \"channel\", sum(\"m\".\"size\") AS "
		   "\"total\" FROM \"channels\" AS \"c\" JOIN \"messages\" AS \"m\" "
		   "ON (\"m\".\"channel_id\" = \"c\".\"id\") GROUP BY "
		   "\"c\".\"name\" ORDER BY sum(\"m\".\"size\") DESC NULLS FIRST, "
		   "\"c\".\"name\" ASC NULLS LAST LIMIT 10",
		   "ORDER BY, PostgreSQL's NULLs last going up");
	snprintf(f, sizeof(f), "%s",
		 form(PG,
		      " SELECT messages.id,\n    messages.deleted_at\n   FROM "
		      "messages\n  ORDER BY messages.deleted_at NULLS FIRST, "
		      "messages.id DESC;",
		      "id,deleted_at"));
	TAP_EQ_STR(f,
		   "SELECT \"messages\".\"id\" AS \"id\", \"messages\".\"deleted_at\" "
		   "AS \"deleted_at\" FROM \"messages\" AS \"messages\" ORDER BY "
		   "\"messages\".\"deleted_at\" ASC NULLS FIRST, "
		   "\"messages\".\"id\" DESC NULLS FIRST",
		   "NULLS FIRST said");
	TAP_EQ_STR(target(PG, f, MY, 0, 0),
		   "SELECT `messages`.`id` AS `id`, `messages`.`deleted_at` AS "
		   "`deleted_at` FROM `T_messages` AS `messages` ORDER BY "
		   "`messages`.`deleted_at` ASC, (`messages`.`id` IS NULL) DESC, "
		   "`messages`.`id` DESC",
		   "on MySQL: NULL first going down by IS NULL");
	TAP_EQ_STR(form(PG, " SELECT users.id FROM users ORDER BY users.prefs;",
			"id"),
		   "no: ORDER BY a value of another type", "ORDER BY json");
	TAP_EQ_STR(form(PG,
			" SELECT users.id FROM users UNION SELECT "
			"channels.id FROM channels;",
			"id"),
		   "no: 'UNION' at character 29", "UNION");
	TAP_EQ_STR(form(PG,
			" SELECT u.id FROM (users u JOIN (members m JOIN "
			"channels c ON (c.id = m.channel_id)) ON (u.id = "
			"m.user_id));",
			"id"),
		   "no: a join nested on the right of another, or a subquery",
		   "a join nested on the right");
	TAP_EQ_STR(
	    form(PG, " SELECT x.id FROM (SELECT users.id FROM users) x;", "id"),
	    "no: a subquery", "a subquery in FROM");
	TAP_EQ_STR(
	    form(PG, " SELECT max(users.username) AS m FROM users;", "m"),
	    "no: max of text", "max of text");
	TAP_EQ_STR(
	    form(PG, " SELECT users.id FROM users WHERE (count(*) > 1);", "id"),
	    "no: count() outside the select list and HAVING",
	    "an aggregate in WHERE");
	TAP_EQ_STR(form(PG, " SELECT id FROM users u2, users;", "id"),
		   "no: the column name id, of more than one table",
		   "an ambiguous column");
	TAP_EQ_STR(form(PG, " SELECT id FROM users;", "id"),
		   "SELECT \"users\".\"id\" AS \"id\" FROM \"users\" AS "
		   "\"users\"",
		   "a bare column of the one table");
	TAP_EQ_STR(form(PG, " SELECT NULL AS n FROM users;", "n"),
		   "no: a column of NULL, of no type", "NULL");
	TAP_EQ_STR(form(PG,
			" SELECT users.id, count(*) OVER () AS c FROM "
			"users;",
			"id,c"),
		   "no: count() OVER", "a window");
	TAP_EQ_STR(form(FERRY,
			"SELECT \"u\".\"id\" AS \"id\" FROM \"users\" AS "
			"\"u\"; DROP TABLE \"users\"",
			""),
		   "no: ';' at character 44",
		   "ferry's form: one SELECT and nothing after it");
	TAP_EQ_STR(form(FERRY,
			"SELECT \"u\".\"id\" AS \"id\" FROM \"users\" AS "
			"\"u\" WHERE pg_sleep(1) IS NULL",
			""),
		   "no: the function pg_sleep",
		   "ferry's form: only ferry's functions");
	TAP_EQ_STR(
	    form(FERRY, "SELECT id AS \"id\" FROM \"users\" AS \"u\"", ""),
	    "no: 'id' at character 8", "ferry's form: names quoted");
}

int main(void)
{
	struct err e;

	err_init(&e);
	for (size_t i = 0; i < NMY; i++)
		if (!TAP_CHECK((my[i] = schema_table_parse(my_json[i],
							   strlen(my_json[i]),
							   &e)) != NULL,
			       "MariaDB table %zu parses (%s)", i, e.msg))
			return tap_done();
	for (size_t i = 0; i < NPG; i++)
		if (!TAP_CHECK((pg[i] = schema_table_parse(pg_json[i],
							   strlen(pg_json[i]),
							   &e)) != NULL,
			       "PostgreSQL table %zu parses (%s)", i, e.msg))
			return tap_done();
	mariadb_views();
	postgres_views();
	for (size_t i = 0; i < NMY; i++)
		schema_table_free(my[i]);
	for (size_t i = 0; i < NPG; i++)
		schema_table_free(pg[i]);
	return tap_done();
}
