/*
 * bar.c: the progress bar of import and migrate copy (bar.h).
 */
#include "cmd/bar.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define BAR_INTERVAL 0.1 /* seconds between frames */

void
bar_init(struct bar *b)
{
	memset(b, 0, sizeof(*b));
	b->on = isatty(STDERR_FILENO);
	b->phase = -1;
	b->seen = -1;
}

double
bar_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bar_phase(struct bar *b, int phase)
{
	b->seen = phase;
	b->started = bar_seconds();
}

void
bar_draw(struct bar *b, int phase, const char *label, int percent, int64_t rows,
    int last)
{
	double now = bar_seconds(), elapsed, left;
	struct timespec pause = { 0, 0 };
	char cells[BAR_WIDTH + 1];
	int filled;

	if (!b->on)
		return;
	if (phase != b->seen)
		bar_phase(b, phase);
	if (now - b->drawn < BAR_INTERVAL) {
		if (!last)
			return;
		left = BAR_INTERVAL - (now - b->drawn);
		pause.tv_nsec = (long)(left * 1e9);
		nanosleep(&pause, NULL);
		now = bar_seconds();
	}
	if (phase != b->phase && b->phase != -1)
		fputc('\n', stderr);
	b->phase = phase;
	b->drawn = now;
	elapsed = now - b->started;
	percent = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	filled = percent * BAR_WIDTH / 100;
	memset(cells, '#', (size_t)filled);
	memset(cells + filled, '.', (size_t)(BAR_WIDTH - filled));
	cells[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% %9" PRId64 " rows %9.0f rows/s", label,
	    cells, percent, rows, elapsed > 0 ? (double)rows / elapsed : 0.0);
	fflush(stderr);
}

void
bar_end(struct bar *b)
{
	if (b->phase != -1)
		fputc('\n', stderr);
	b->phase = -1;
}
