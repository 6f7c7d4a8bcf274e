/*
 * bar.h: the progress bar of the commands that move many rows (import,
 * migrate copy).  On a terminal only, on stderr:
 *
 *   importing [##############................]  46%     46000 rows   9200
 * rows/s
 *
 * at most ten frames a second; a frame that comes too soon is dropped,
 * unless it is the last of a phase, which waits its turn so the bar never
 * stops short of where the work got.  Each phase gets a line of its own.
 */
#ifndef CLOUDPAM_CMD_BAR_H
#define CLOUDPAM_CMD_BAR_H

#include <stdint.h>

struct bar {
	int on;         /* stderr is a terminal */
	int phase;      /* phase last drawn, or -1 */
	int seen;       /* phase last begun, or -1 */
	double started; /* when that phase began */
	double drawn;   /* when last drawn */
};

/* A bar, on when stderr is a terminal. */
void bar_init(struct bar *b);

/* Seconds on the monotonic clock. */
double bar_seconds(void);

/* Phase begins now (rows per second count from here).  bar_draw begins a
 * phase it has not seen by itself. */
void bar_phase(struct bar *b, int phase);

/* A frame: label (padded by the caller), percent (0 to 100), rows and
 * rows per second since the phase began; last: the phase's last frame. */
void bar_draw(struct bar *b, int phase, const char *label, int percent,
    int64_t rows, int last);

/* End the bar's line, if one was drawn, before anything else is said. */
void bar_end(struct bar *b);

#endif
