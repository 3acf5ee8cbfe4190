/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-util.h - helpers shared by the cmocka tests: capturing the library's
 * log, temporary plugin directories, waiting for a condition, and asking
 * /proc/self/maps whether a DSO is mapped. Header-only so that each test
 * binary stays one file plus the library.
 */
#ifndef MPATH_TEST_UTIL_H
#define MPATH_TEST_UTIL_H

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libmultipath.h"

/* --- log capture -------------------------------------------------------- */

struct log_capture {
	pthread_mutex_t lock;
	int count[8];		/* messages per level */
	char last[512];		/* the last message at MPATH_LOG_WARNING or worse */
	char all[8192];		/* every message, newline-separated, truncated */
};

static struct log_capture test_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

static inline void test_log_handler(int level, const char *msg, void *data)
{
	struct log_capture *lc = data;
	size_t len;

	pthread_mutex_lock(&lc->lock);
	if (level >= 0 && level < 8)
		lc->count[level]++;
	if (level <= MPATH_LOG_WARNING)
		snprintf(lc->last, sizeof(lc->last), "%s", msg);
	len = strlen(lc->all);
	snprintf(lc->all + len, sizeof(lc->all) - len, "%s\n", msg);
	pthread_mutex_unlock(&lc->lock);
	if (getenv("TEST_LOG"))
		fprintf(stderr, "log[%d]: %s\n", level, msg);
}

/* Start capturing (at debug level); clears what was captured before. */
static inline void test_log_start(void)
{
	pthread_mutex_lock(&test_log.lock);
	memset(test_log.count, 0, sizeof(test_log.count));
	test_log.last[0] = test_log.all[0] = '\0';
	pthread_mutex_unlock(&test_log.lock);
	mpath_log_set_level(MPATH_LOG_DEBUG);
	mpath_log_set_handler(test_log_handler, &test_log);
}

/* Number of messages at level ERR or WARNING captured so far. */
static inline int test_log_problems(void)
{
	int n;

	pthread_mutex_lock(&test_log.lock);
	n = test_log.count[MPATH_LOG_ERR] + test_log.count[MPATH_LOG_WARNING];
	pthread_mutex_unlock(&test_log.lock);
	return n;
}

/* Has any message captured since test_log_start() contained s? */
static inline bool test_log_contains(const char *s)
{
	bool found;

	pthread_mutex_lock(&test_log.lock);
	found = strstr(test_log.all, s) != NULL;
	pthread_mutex_unlock(&test_log.lock);
	return found;
}

/* --- checker_get() on a thread of its own ------------------------------ */

/* A load that may block (a FIFO, a load held at a gate), run aside. */
struct test_get_call {
	pthread_t thread;
	const char *name;
	struct checker c;
	int done;		/* __atomic: checker_get() has returned */
};

static inline void *test_get_run(void *arg)
{
	struct test_get_call *g = arg;

	checker_clear(&g->c);
	checker_get(&g->c, g->name);
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start checker_get(&g->c, name) on a new thread: pthread_create()'s result. */
static inline int test_get_start(struct test_get_call *g, const char *name)
{
	g->name = name;
	g->done = 0;
	return pthread_create(&g->thread, NULL, test_get_run, g);
}

/* For test_wait_for(): has that checker_get() returned? */
static inline bool test_get_done(void *arg)
{
	return __atomic_load_n(&((struct test_get_call *)arg)->done,
			       __ATOMIC_ACQUIRE);
}

/* --- time and waiting -------------------------------------------------- */

static inline double test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll cond() every millisecond for up to seconds; true once it holds. */
static inline bool test_wait_for(bool (*cond)(void *), void *arg,
				 double seconds)
{
	double end = test_now() + seconds;

	do {
		if (cond(arg))
			return true;
		usleep(1000);
	} while (test_now() < end);
	return cond(arg);
}

/* --- privileges ---------------------------------------------------------- */

/* Does this process hold CAP_SYS_ADMIN (loop devices, FUSE mounts)? */
static inline bool test_have_cap_sys_admin(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps & (1ull << CAP_SYS_ADMIN);
}

/* --- DSOs and plugin directories -------------------------------------- */

/* Is a file whose path ends in suffix mapped into this process? */
static inline bool test_dso_mapped(const char *suffix)
{
	char line[PATH_MAX + 128];
	size_t slen = strlen(suffix);
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");

		line[len] = '\0';
		found = len >= slen && strcmp(line + len - slen, suffix) == 0;
	}
	fclose(f);
	return found;
}

/* The directory holding this build's test plugins ($O/tests/plugins). */
static inline const char *test_plugin_dir(void)
{
	static char dir[PATH_MAX];
	const char *o = getenv("O");

	if (!dir[0])
		snprintf(dir, sizeof(dir), "%s/tests/plugins",
			 o && *o ? o : ".");
	return dir;
}

/* The refcount the library reports for a plugin, or -1 if not loaded. */
static inline long test_plugin_refcount(const char *name)
{
	struct checker_plugin_stats *st;
	long ref = -1;
	int i, n = checker_plugin_stats(&st);

	for (i = 0; i < n; i++)
		if (strcmp(st[i].name, name) == 0 && ref < 0)
			ref = st[i].refcount;
	if (n >= 0)
		free(st);
	return ref;
}

/* How many loaded plugins (registered or pinned) carry this name. */
static inline int test_plugin_count(const char *name)
{
	struct checker_plugin_stats *st;
	int i, found = 0, n = checker_plugin_stats(&st);

	for (i = 0; i < n; i++)
		found += strcmp(st[i].name, name) == 0;
	if (n >= 0)
		free(st);
	return found;
}

#endif /* MPATH_TEST_UTIL_H */
