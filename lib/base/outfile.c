#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *volatile pending[OUTFILE_MAX_PENDING];

void outfile_unlink_pending(void)
{
	for (int i = 0; i < OUTFILE_MAX_PENDING; i++)
		if (pending[i])
			unlink(pending[i]);
}

static int fail(const struct outfile *o, int errnum, struct err *e)
{
	const char *path = o->path;

	if (errnum == EPIPE)
		return err_set(e, ERR_PIPE,
			       "the next stage of the pipe is gone");
	if (!o->path)
		return err_set(e, ERR_SYSTEM, "write error: %s",
			       strerror(errnum));
	if (o->opt)
		return err_set(e, ERR_SYSTEM, "%s %s: %s", o->opt, path,
			       strerror(errnum));
	return err_set(e, ERR_SYSTEM, "%s: %s", path, strerror(errnum));
}

static void forget(struct outfile *o)
{
	for (int i = 0; i < OUTFILE_MAX_PENDING; i++)
		if (pending[i] == o->tmp)
			pending[i] = NULL;
	free(o->tmp);
	o->tmp = NULL;
}

int outfile_open(struct outfile *o, FILE *std, const char *opt,
		 const char *path, mode_t mode, struct err *e)
{
	const char *slash, *base;
	struct stat st;
	size_t dl, tl;
	int fd, slot = -1;

	memset(o, 0, sizeof(*o));
	o->opt = opt;
	o->path = path;
	o->mode = mode;
	if (!path) {
		o->f = std;
		return 0;
	}
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base)
		return o->opt ? err_set(e, ERR_SYSTEM, "%s %s: not a file name",
					o->opt, path)
			      : err_set(e, ERR_SYSTEM, "%s: not a file name",
					path);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!(o->f = fopen(path, "wb")))
			return fail(o, errno, e);
		return 0;
	}
	for (int i = 0; i < OUTFILE_MAX_PENDING && slot < 0; i++)
		if (!pending[i])
			slot = i;
	if (slot < 0)
		return err_set(e, ERR_SYSTEM, "%s: too many files at once",
			       path);
	dl = (size_t)(base - path);
	tl = strlen(path) + 16;
	if (!(o->tmp = malloc(tl)))
		return err_oom(e);
	memcpy(o->tmp, path, dl);
	snprintf(o->tmp + dl, tl - dl, ".%s.XXXXXX", base);
	if ((fd = mkstemp(o->tmp)) < 0) {
		int errnum = errno;
		free(o->tmp);
		o->tmp = NULL;
		return fail(o, errnum, e);
	}
	pending[slot] = o->tmp;
	if (!mode) { /* a plain create's mode, not mkstemp's 0600 */
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	(void)fchmod(fd, mode);
	if (!(o->f = fdopen(fd, "wb"))) {
		int errnum = errno;
		close(fd);
		unlink(o->tmp);
		forget(o);
		return fail(o, errnum, e);
	}
	return 0;
}

/* make a rename durable: sync the folder; best effort */
static void sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd;

	if (!slash) {
		dfd = open(".", O_RDONLY | O_DIRECTORY);
	} else {
		size_t dl = (size_t)(slash - path) + 1;
		if (!(dir = malloc(dl + 1)))
			return;
		memcpy(dir, path, dl);
		dir[dl] = '\0';
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		free(dir);
	}
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
}

int outfile_finish(struct outfile *o, int ok, struct err *e)
{
	int rc = 0;

	if (!o->f)
		return 0;
	if (!o->tmp) { /* the standard output, a device, a pipe */
		if (!ok) {
			if (o->path)
				fclose(o->f);
		} else if (fflush(o->f) != 0) {
			rc = fail(o, errno, e);
			fclose(o->f);
		} else if (fclose(o->f) != 0) {
			rc = fail(o, errno, e);
		}
		o->f = NULL;
		return rc;
	}
	if (ok) {
		if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
			rc = fail(o, errno, e);
		if (fclose(o->f) != 0 && rc == 0)
			rc = fail(o, errno, e);
		if (rc == 0 && rename(o->tmp, o->path) != 0)
			rc = fail(o, errno, e);
		if (rc == 0)
			sync_folder(o->path);
	} else {
		fclose(o->f);
	}
	if (!ok || rc < 0)
		unlink(o->tmp);
	o->f = NULL;
	forget(o);
	return rc;
}

int outfile_replace(const char *opt, const char *path, const void *data,
		    size_t len, mode_t mode, struct err *e)
{
	struct outfile o;

	if (outfile_open(&o, NULL, opt, path, mode, e) < 0)
		return -1;
	if (len && fwrite(data, 1, len, o.f) != len) {
		int errnum = errno ? errno : EIO;
		outfile_finish(&o, 0, e);
		return fail(&o, errnum, e);
	}
	return outfile_finish(&o, 1, e);
}
