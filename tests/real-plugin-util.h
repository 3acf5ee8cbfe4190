/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * real-plugin-util.h - helpers for the tests that load the test suite's real
 * plugins (the .c files in tests/plugins) with the real dynamic loader: one
 * plugin's statistics, conditions to wait for, and the plugin directory
 * set-up. Header-only, like test-util.h, so each test binary stays one file.
 * The Makefile does not list it as a dependency of the tests: after changing
 * it, touch the tests that include it.
 */
#ifndef MPATH_REAL_PLUGIN_UTIL_H
#define MPATH_REAL_PLUGIN_UTIL_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"

/*
 * Copy the statistics of the first loaded plugin called name into *ret.
 * False when no plugin of that name is loaded (or on allocation failure,
 * which the callers treat as a failed assertion anyway).
 */
static inline bool real_plugin_stats(const char *name,
				    struct checker_plugin_stats *ret)
{
	struct checker_plugin_stats *st;
	int i, n = checker_plugin_stats(&st);
	bool found = false;

	for (i = 0; i < n && !found; i++) {
		if (strcmp(st[i].name, name) == 0) {
			*ret = st[i];
			found = true;
		}
	}
	if (n >= 0)
		free(st);
	return found;
}

/* The number of start_checker_thread() threads of a plugin; -1: not loaded. */
static inline long real_threads_running(const char *name)
{
	struct checker_plugin_stats st;

	return real_plugin_stats(name, &st) ? (long)st.threads_running : -1;
}

/* For test_wait_for(): no plugin called (const char *)arg is loaded. */
static inline bool real_plugin_gone(void *arg)
{
	return test_plugin_count(arg) == 0;
}

/*
 * For test_wait_for(): every thread of plugin (const char *)arg has dropped
 * its reference, leaving only the registry's. threads_running goes to zero
 * just before the thread's reference is dropped, so both are waited for.
 */
static inline bool real_plugin_idle(void *arg)
{
	struct checker_plugin_stats st;

	return real_plugin_stats(arg, &st) && st.threads_running == 0 &&
	       st.refcount <= 1;
}

/*
 * Would the library's permission check refuse this file or directory? A
 * path that cannot be examined is left for the loader to report.
 */
static inline bool real_path_unsafe(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return (st.st_uid != 0 && st.st_uid != geteuid()) ||
	       (st.st_mode & (S_IWGRP | S_IWOTH));
}

/*
 * Point the registry at the test plugins named in the NULL-terminated
 * plugins[]. The permission check stays on, as in production, unless the
 * build tree itself would fail it (a tree checked out group-writable, or
 * owned by another user): that is a property of the machine, not of the
 * code under test, so then it is turned off, with a note saying so.
 * Returns init_checkers()'s result.
 */
static inline int real_plugins_init(const char *const *plugins)
{
	char path[PATH_MAX];
	const char *dir = test_plugin_dir();
	bool unsafe = real_path_unsafe(dir);
	int i;

	for (i = 0; plugins[i] && !unsafe; i++) {
		/* A path too long to check is one the loader cannot open. */
		if (snprintf(path, sizeof(path), "%s/libcheck%s.so", dir,
			     plugins[i]) < (int)sizeof(path))
			unsafe = real_path_unsafe(path);
	}
	if (unsafe)
		fprintf(stderr, "note: %s is not owned by root or by us, or is writable by others: plugin permission check turned off\n",
			dir);
	checker_set_permission_check(!unsafe);
	return init_checkers(dir);
}

#endif /* MPATH_REAL_PLUGIN_UTIL_H */
