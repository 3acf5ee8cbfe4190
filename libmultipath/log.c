// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log.c - the library's log: named levels, a threshold, and a handler the
 * daemon installs (stderr when none is installed). Offers log.h and the
 * mpath_log* calls of checkers.h and libmultipath.h; calls nothing of the
 * library, and every other file calls it.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "libmultipath.h"
#include "log.h"

/*
 * The handler and its data are one unit, so they are read and written
 * together under sink_lock; the handler itself is called after the lock is
 * dropped, so a slow handler does not serialise other threads' logging.
 */
struct log_sink {
	mpath_log_fn fn;
	void *data;
};

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_sink sink;			/* sink_lock */
static int log_level = MPATH_LOG_NOTICE;	/* __atomic */

static const char *const level_names[] = {
	[MPATH_LOG_ERR] = "error",
	[MPATH_LOG_WARNING] = "warning",
	[MPATH_LOG_NOTICE] = "notice",
	[MPATH_LOG_INFO] = "info",
	[MPATH_LOG_DEBUG] = "debug",
};

const char *mpath_log_level_name(int level)
{
	if (level < MPATH_LOG_ERR || level > MPATH_LOG_DEBUG)
		return "invalid";
	return level_names[level];
}

void mpath_log_set_handler(mpath_log_fn fn, void *data)
{
	pthread_mutex_lock(&sink_lock);
	sink.fn = fn;
	sink.data = data;
	pthread_mutex_unlock(&sink_lock);
}

void mpath_log_set_level(int level)
{
	if (level < MPATH_LOG_ERR)
		level = MPATH_LOG_ERR;
	if (level > MPATH_LOG_DEBUG)
		level = MPATH_LOG_DEBUG;
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

int mpath_log_get_level(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

void mpath_vlog(int level, const char *fmt, va_list ap)
{
	char msg[512];
	struct log_sink to;

	if (level > __atomic_load_n(&log_level, __ATOMIC_RELAXED))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pthread_mutex_lock(&sink_lock);
	to = sink;
	pthread_mutex_unlock(&sink_lock);
	if (to.fn)
		to.fn(level, msg, to.data);
	else
		fprintf(stderr, "libmultipath: %s: %s\n",
			mpath_log_level_name(level), msg);
}

void mpath_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mpath_vlog(level, fmt, ap);
	va_end(ap);
}
