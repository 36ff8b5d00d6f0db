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
	p->start = p->last = p->run_start = progress_now();
	p->shown = 0;
	p->table_est = p->run_est = p->run_done = 0;
}

void progress_table(struct progress *p)
{
	p->start = progress_now();
	p->table_est = 0;
}

void progress_run(struct progress *p, uint64_t rows)
{
	p->run_est = rows;
	p->run_done = 0;
	p->run_start = progress_now();
}

void progress_estimate(struct progress *p, uint64_t rows)
{
	p->table_est = rows;
}

void progress_table_done(struct progress *p, uint64_t rows)
{
	p->run_done += rows;
}

/* seconds as "45s", "12m05s", "3h07m" */
static void left_text(double secs, char *out, size_t outsz)
{
	unsigned long s = secs > 0 && secs < 1e9 ? (unsigned long)secs : 0;

	if (s < 60)
		snprintf(out, outsz, "%lus", s);
	else if (s < 3600)
		snprintf(out, outsz, "%lum%02lus", s / 60, s % 60);
	else
		snprintf(out, outsz, "%luh%02lum", s / 3600, s % 3600 / 60);
}

/* ", 45% (~12s left)": done of est at rate rows/s (an estimate passed
 * is 99% until the end) */
static void share_text(uint64_t done, uint64_t est, double rate, char *out,
		       size_t outsz)
{
	char left[32];
	double pct = est ? 100.0 * (double)done / (double)est : 0;

	if (!est) {
		out[0] = '\0';
		return;
	}
	left_text(done < est && rate > 0 ? (double)(est - done) / rate : 0,
		  left, sizeof(left));
	snprintf(out, outsz, ", %.0f%% (~%s left)", pct > 99 ? 99 : pct, left);
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
	{
		double rate = secs > 0 ? (double)rows / secs : 0.0,
		       rsecs = now - p->run_start;
		char ts[64], rs[80] = "";
		share_text(rows, p->table_est, rate, ts, sizeof(ts));
		/* the run's, at the run's rate so far */
		if (p->run_est) {
			char r2[64];
			share_text(p->run_done + rows, p->run_est,
				   rsecs > 0 ? (double)(p->run_done + rows) /
						   rsecs
					     : 0.0,
				   r2, sizeof(r2));
			snprintf(rs, sizeof(rs), "; all tables%s", r2 + 1);
		}
		fprintf(p->out,
			"\r\033[K%s: %s: %llu rows%s, %.0f rows/s, %.1f MiB%s",
			p->tool, table, (unsigned long long)rows, ts, rate,
			(double)bytes / (1024.0 * 1024.0), rs);
	}
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
