#include "base/progress.h"

#include <time.h>
#include <unistd.h>

double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t progress_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void progress_init(struct progress *p, FILE *out, const char *tool, int enabled)
{
	p->out = enabled && out && isatty(fileno(out)) ? out : NULL;
	p->tool = tool;
	p->start = p->last = progress_now();
	p->shown = 0;
}

void progress_table(struct progress *p)
{
	p->start = progress_now();
}

void progress_update(struct progress *p, const char *table, uint64_t rows,
		     uint64_t bytes)
{
	double now, secs;

	if (!p->out || (rows & 1023))
		return;
	now = progress_now();
	if (now - p->last < 0.25)
		return;
	p->last = now;
	secs = now - p->start;
	fprintf(p->out, "\r\033[K%s: %s: %llu rows, %.0f rows/s, %.1f MiB",
		p->tool, table, (unsigned long long)rows,
		secs > 0 ? (double)rows / secs : 0.0,
		(double)bytes / (1024.0 * 1024.0));
	fflush(p->out);
	p->shown = 1;
}

void progress_clear(struct progress *p)
{
	if (p->out && p->shown) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->shown = 0;
	}
}
