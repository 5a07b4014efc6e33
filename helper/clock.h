/*
 * clock: the one clock for "at most once a second" and "at most every N seconds" in the
 * serving loop: monotonic (a wall-clock step never stops or floods a timer), coarse (no
 * system call cost to speak of), in whole seconds.
 */
#ifndef KP_CLOCK_H
#define KP_CLOCK_H

#include <time.h>

static inline time_t
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

#endif
