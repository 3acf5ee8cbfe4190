// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * synthetic-paths.c - synthetic paths for benchmarking multipathd at a
 * scale no test machine has block devices for. Linked only into
 * bench/multipathd-bench (see the Makefile): multipathd's own objects,
 * linked with -Wl,--wrap=notify_ready, so that the loop's call to
 * notify_ready() once it is set up (the socket listens, discovery is
 * done) lands here first. The daemon's code knows nothing of it; the
 * multipathd that is built and installed does not contain this file.
 *
 * With MULTIPATHD_BENCH_PATHS=N in the environment, the daemon starts with
 * N paths named bench0 ... bench<N-1>, each holding /dev/null open as its
 * device (so a path costs the descriptor a real one costs). They go through
 * device_add() like discovered devices: the configuration must let "bench*"
 * through its blacklist and select a checker for them (vendor "BENCH",
 * product "SYNTHETIC"), normally one of bench/plugins.
 *
 * MULTIPATHD_BENCH_SPREAD=1 spreads their first checks evenly over the
 * polling interval, as paths discovered at different times are, instead
 * of starting them all at once (so every check is due at its own moment:
 * the worst case for the event loop's wake-ups).
 *
 * MULTIPATHD_BENCH_MAX_HUNG=M raises the executor's cap on checks written
 * off as hung, so that M checks can hang at once (the shutdown benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpath_time.h"
#include "daemon.h"
#include "devices.h"
#include "notify.h"
#include "paths.h"
#include "schedule.h"

static unsigned long env_number(const char *name, unsigned long max)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return 0;
	v = strtoul(s, &end, 10);
	if (*end || v > max) {
		mpath_log(MPATH_LOG_ERR, "%s=%s: not a number up to %lu, ignored",
			  name, s, max);
		return 0;
	}
	return v;
}

/* The daemon is set up; it is about to say READY=1 and enter its loop. */
static void synthetic_paths(struct daemon *d)
{
	unsigned long n = env_number("MULTIPATHD_BENCH_PATHS", 1000000);
	unsigned long hung = env_number("MULTIPATHD_BENCH_MAX_HUNG", 65536);
	bool spread = env_number("MULTIPATHD_BENCH_SPREAD", 1);
	uint64_t now;
	struct path_facts pf;
	unsigned long i;

	if (hung && checker_executor_set_limits(64, hung) != 0)
		mpath_log(MPATH_LOG_ERR, "MULTIPATHD_BENCH_MAX_HUNG=%lu refused",
			  hung);
	for (i = 0; i < n; i++) {
		memset(&pf, 0, sizeof(pf));
		snprintf(pf.devnode, sizeof(pf.devnode), "bench%lu", i);
		snprintf(pf.devpath, sizeof(pf.devpath), "/dev/null");
		snprintf(pf.vendor, sizeof(pf.vendor), "BENCH");
		snprintf(pf.product, sizeof(pf.product), "SYNTHETIC");
		device_add(d, &pf);
	}
	/*
	 * Spread from now, after the adding: that takes seconds in a
	 * sanitizer build, and moments already past would all be due at
	 * once, bunching every check into one burst for good.
	 */
	now = mpath_now_ns();
	for (i = 0; spread && i < d->paths.nr; i++) {
		struct path *pp = d->paths.list[i];

		sched_path_at(&d->sched, pp, now + pp->interval *
			      MPATH_NSEC_PER_SEC * i / d->paths.nr);
	}
	mpath_log(MPATH_LOG_NOTICE, "benchmark: %lu synthetic paths asked, %u paths",
		  n, d->paths.nr);
}

void __real_notify_ready(struct daemon *d);
void __wrap_notify_ready(struct daemon *d);

/* notify_ready() as the daemon calls it (-Wl,--wrap=notify_ready). */
void __wrap_notify_ready(struct daemon *d)
{
	synthetic_paths(d);
	__real_notify_ready(d);
}
