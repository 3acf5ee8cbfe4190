/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mpath_time.h - the clock and the check timeout, as the library, its
 * plugins and the daemon all reckon them. Part of the plugin SDK (installed
 * next to checkers.h); header only, so it adds no symbol to the ABI.
 */
#ifndef MPATH_TIME_H
#define MPATH_TIME_H

#include <stdint.h>
#include <time.h>

#include "checkers.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPATH_NSEC_PER_SEC	1000000000ull

/*
 * A check's timeout when struct checker's timeout is 0, in seconds: the
 * SCSI layer's own default command timeout, and upstream's.
 */
#define MPATH_DEFAULT_CHECK_TIMEOUT_S	30u

/* mpath_now_ns - CLOCK_MONOTONIC in nanoseconds; never goes back. */
static inline uint64_t mpath_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MPATH_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* mpath_check_timeout_s - c's timeout, or the default when it is 0. */
static inline unsigned int mpath_check_timeout_s(const struct checker *c)
{
	return c->timeout ? c->timeout : MPATH_DEFAULT_CHECK_TIMEOUT_S;
}

/*
 * mpath_check_timeout_ms - the same in milliseconds, as SG_IO takes it;
 * saturates instead of wrapping for absurd values.
 */
static inline unsigned int mpath_check_timeout_ms(const struct checker *c)
{
	unsigned int s = mpath_check_timeout_s(c);

	return s > UINT32_MAX / 1000 ? UINT32_MAX : s * 1000;
}

#ifdef __cplusplus
}
#endif

#endif /* MPATH_TIME_H */
