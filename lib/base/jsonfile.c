#include "base/jsonfile.h"

#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"

int jsonfile_write(const cJSON *root, const char *opt, const char *path,
		   struct err *e)
{
	char *text = cJSON_Print(root);
	size_t len;
	int rc;

	if (!text)
		return err_oom(e);
	/* the newline in place of the terminating NUL */
	len = strlen(text);
	text[len] = '\n';
	rc = outfile_replace(opt, path, text, len + 1, 0, e);
	free(text);
	return rc;
}
