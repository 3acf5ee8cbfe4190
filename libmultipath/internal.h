/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - the private types the files of libmultipath share and
 * nothing exports. What each file offers is declared in its own header
 * (registry.h, loader.h, executor.h, async.h, states.h, log.h, rcu.h).
 *
 * The words, used in this sense everywhere in the library:
 *
 *  - plugin: one loaded libcheck<name>.so (or the built-in "none"), shared
 *    by every path that uses that checker: struct checker_plugin,
 *    refcounted (registry.c).
 *
 *  - checker_priv: the framework's private state of one struct checker
 *    that has a checker selected: its plugin reference, its sync flag, its
 *    executor job (async.c).
 *
 *  - job: only the executor's unit of work (executor.h).
 *
 * The contract (checkers.h) fixes struct checker's layout, and its only
 * field for the framework is "struct checker_class *cls", a handle plugins
 * never look into (they only hand it back, via struct checker_context, to
 * start_checker_thread()). The library's struct checker_class is therefore
 * never defined: c->cls points to the checker's struct checker_priv, and
 * checker_priv() below is the one place that converts the handle.
 */
#ifndef MPATH_INTERNAL_H
#define MPATH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "libmultipath.h"
#include "executor.h"
#include "log.h"

#define CHECKER_NAME_MAX 15		/* longest valid checker name */
#define NONE_CHECKER "none"

#ifndef DEFAULT_PLUGIN_DIR
#define DEFAULT_PLUGIN_DIR "/usr/local/lib/multipath"
#endif

/*
 * A plugin: one loaded checker.
 *
 * References (refcount), each counted once:
 *  - the registry, while the plugin is on the registry list;
 *  - each struct checker_priv (i.e. each struct checker) that selected it;
 *  - each running thread started by start_checker_thread() for it.
 * The registry's reference is dropped only after the plugin is unlinked from
 * the registry list, so a count of zero means nobody can find it any more.
 * Whoever drops the last reference unloads it (libcheck_reset(), dlclose())
 * and frees the struct after an RCU grace period, because a lookup may still
 * be reading its name and refcount. That code is library code: a plugin
 * never drops the last reference to itself. The built-in "none" plugin is
 * static and never freed.
 *
 * Fields other than refcount, next, all_next, registered, threads_running
 * and jobs are written before the plugin is published and never change:
 * readers need no lock.
 */
struct checker_plugin {
	struct checker_plugin *next;	/* registry list, RCU; registry mutex */
	struct checker_plugin *all_next; /* list of all live plugins; mutex */
	long refcount;			/* __atomic; never negative */
	long threads_running;		/* __atomic; start_checker_thread */
	bool registered;		/* on the registry list; mutex */
	bool builtin;
	void *handle;			/* dlopen() handle; NULL if built in */
	char name[CHECKER_NAME_MAX + 1];
	char *path;			/* malloc()ed; NULL if built in */

	typeof(&libcheck_init) init;
	typeof(&libcheck_free) free;
	typeof(&libcheck_check) check;
	typeof(&libcheck_mp_init) mp_init;
	typeof(&libcheck_reset) reset;
	typeof(&libcheck_thread) thread;
	typeof(&libcheck_pending) pending;
	typeof(&libcheck_need_wait) need_wait;
	const char **msgtable;
	short msgtable_len;		/* entries used, <= CHECKER_MSGTABLE_SIZE */

	struct job_stats jobs;		/* its checks on the executor */
};

/*
 * The framework's private state of one struct checker (see the top of this
 * file). Owned by the daemon's struct checker, except while its executor
 * job runs after the checker was put: then the worker owns it and frees it
 * (async.c).
 */
struct checker_priv {
	struct checker_plugin *plugin;	/* one reference, owned */
	bool sync;			/* the daemon's thread only */

	/* Asynchronous checks (async.c); the executor's locking applies. */
	struct job job;			/* at most one check outstanding */
	struct checker shadow;		/* the copy the worker checks with */
};

/*
 * checker_priv - the private state behind a checker's handle (c->cls, or
 * a plugin's ctx->cls). A cast, because the contract names the handle
 * struct checker_class and struct checker has no other field for us.
 * checker_handle() is the way back, for storing into c->cls.
 */
static inline struct checker_priv *checker_priv(const struct checker_class *cls)
{
	return (struct checker_priv *)cls;
}

static inline struct checker_class *checker_handle(struct checker_priv *priv)
{
	return (struct checker_class *)priv;
}

#endif /* MPATH_INTERNAL_H */
