/*
 * fuzz-uri - libFuzzer target for the database URI parser (uri.h).
 *
 * The input, cut at its first NUL, is parsed as a side of ferry-extract,
 * ferry-load or ferry-verify would be.  What must hold: no crash and no
 * leak, an error is a usage error, and a parsed URI has a display form
 * (what messages and streams show) that never holds the password it was
 * given.
 *
 * Built with -fsanitize=fuzzer by `make build/fuzz/fuzz-uri`, and with
 * tests/fuzz/replay.c into build/asan/tests/replay-uri, which `make check`
 * runs on testdata/fuzz/uri.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "db/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct uri u;
	struct err e;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err_init(&e);
	memset(&u, 0, sizeof(u));
	if (uri_parse(s, &u, &e) < 0) {
		if (e.class != ERR_USAGE && e.class != ERR_SYSTEM) {
			fprintf(stderr, "fuzz-uri: error of class %d: %s\n",
				(int)e.class, e.msg);
			abort();
		}
	} else {
		if (!u.display) {
			fprintf(stderr, "fuzz-uri: no display form\n");
			abort();
		}
		/* the display never carries the password where a URI
		 * does, after the user in its authority part (the same
		 * text may be elsewhere: in a database name, say) */
		char *leak = NULL;
		size_t pl = u.password ? strlen(u.password) : 0;
		if (pl && (leak = malloc(pl + 3)) != NULL) {
			leak[0] = ':';
			memcpy(leak + 1, u.password, pl);
			memcpy(leak + 1 + pl, "@", 2);
		}
		/* the authority part of the display: scheme://HERE/ */
		const char *auth = strstr(u.display, "://");
		const char *aend = auth ? strchr(auth + 3, '/') : NULL;
		char *hit = leak && auth ? strstr(auth, leak) : NULL;
		if (hit && (!aend || hit < aend)) {
			fprintf(stderr, "fuzz-uri: the display shows the "
					"password\n");
			abort();
		}
		free(leak);
		uri_release(&u);
	}
	free(s);
	return 0;
}
