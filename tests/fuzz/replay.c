/*
 * replay - run a fuzz target on saved inputs, without libFuzzer (zstd's
 * tests/fuzz/regression_driver.c), so that `make check` replays the
 * corpus under ASan and UBSan.
 *
 *   replay-stream FILE|DIR...
 *
 * Each FILE, and every regular file directly inside each DIR (in byte
 * order of their names, so runs are repeatable), is read whole and handed
 * to LLVMFuzzerTestOneInput.  Output is TAP: "ok N - FILE" per input, then
 * "1..N".  An input that crashes the target aborts the process (the
 * sanitizers report it on stderr), which prove counts as a failure; one
 * that cannot be read is "not ok" and makes the exit status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (64u << 20)

static unsigned long replay_n;
static int replay_failed;

static void replay_not_ok(const char *path, const char *why)
{
	printf("not ok %lu - %s # %s\n", ++replay_n, path, why);
	replay_failed = 1;
}

/* Read the file at path whole and run the target on it. */
static void replay_file(const char *path)
{
	unsigned char *data = NULL, *p;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(path, "rb");

	if (!f) {
		replay_not_ok(path, strerror(errno));
		return;
	}
	for (;;) {
		if (len == cap) {
			/* room for one byte past the limit, to see it */
			if (cap > REPLAY_MAX_INPUT) {
				replay_not_ok(path, "input too large");
				goto out;
			}
			cap = cap ? cap * 2 : 4096;
			if (cap > REPLAY_MAX_INPUT)
				cap = REPLAY_MAX_INPUT + 1;
			if (!(p = realloc(data, cap))) {
				replay_not_ok(path, "out of memory");
				goto out;
			}
			data = p;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		replay_not_ok(path, "read error");
		goto out;
	}
	/* a TAP comment, so that a crash report follows the input's name */
	printf("# %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, len);
	printf("ok %lu - %s\n", ++replay_n, path);
	fflush(stdout);
out:
	free(data);
	fclose(f);
}

static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file directly inside dir, sorted by name. */
static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **p;
	size_t n = 0, cap = 0;

	if (!d) {
		replay_not_ok(dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		char *path = malloc(len);

		if (!path) {
			replay_not_ok(dir, "out of memory");
			break;
		}
		snprintf(path, len, "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(p = realloc(names, cap * sizeof(*names)))) {
				free(path);
				replay_not_ok(dir, "out of memory");
				break;
			}
			names = p;
		}
		names[n++] = path;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), replay_cmp);
	for (size_t i = 0; i < n; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0)
			replay_not_ok(argv[i], strerror(errno));
		else if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("1..%lu\n", replay_n);
	return replay_failed;
}
