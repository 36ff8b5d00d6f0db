#include "jsonfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jsonfile_write(const cJSON *root, const char *opt, const char *path,
		   struct err *e)
{
	char *text = cJSON_Print(root);
	FILE *f;
	int failed = 0;

	if (!text)
		return err_oom(e);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0)
		failed = errno ? errno : EIO;
	if (f && fclose(f) != 0 && !failed)
		failed = errno;
	free(text);
	if (failed)
		return err_set(e, ERR_SYSTEM, "%s %s: %s", opt, path,
			       strerror(failed));
	return 0;
}
