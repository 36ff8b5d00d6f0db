/*
 * uri - where a database is and how to log in to it.
 *
 * A MySQL/MariaDB source or target is written
 *     mysql://[USER[:PASSWORD]@][HOST][:PORT][/DB][?socket=PATH]
 * (also mariadb://); USER, PASSWORD and DB are percent-decoded.  Anything
 * else is handed to libpq as it is (postgres://..., postgresql://...,
 * "host=... dbname=...").
 *
 * Passwords do not belong on a command line, where ps(1) shows them:
 * libpq reads PGPASSWORD, ~/.pgpass and pg_service.conf itself; for MySQL
 * ferry reads option files ([client] group, or --defaults-file) and then
 * FERRY_MYSQL_PASSWORD.  A password written in the URI still works, and
 * uri_parse() says so in password_in_uri so that main() can warn.
 */
#ifndef FERRY_URI_H
#define FERRY_URI_H

#include "base/err.h"

enum uri_engine {
	URI_MYSQL = 1,
	URI_PG = 2,
};

struct uri {
	enum uri_engine engine;
	/* MySQL: NULL when not given */
	char *user;
	char *password;
	char *host;
	char *socket;
	char *db;
	unsigned port; /* 0: default */
	/* PostgreSQL: the string as given, for PQconnectdb */
	char *conninfo;
	/* the location without any password, for messages and streams */
	char *display;
	int password_in_uri;
};

#define URI_MAX 4096 /* bytes of a URI: longer is a usage error */

/*
 * Parse s into u (all members owned by u).  -1 with ERR_USAGE and a message
 * when the URI is malformed or over URI_MAX bytes (no password is ever
 * copied into a message).
 */
int uri_parse(const char *s, struct uri *u, struct err *e);

/* Free what uri_parse() allocated; the struct may be parsed into again. */
void uri_release(struct uri *u);

#endif
