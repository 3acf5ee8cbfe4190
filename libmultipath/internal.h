/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - what the files of libmultipath share and nothing exports.
 *
 * Two objects carry the framework:
 *
 *  - struct checker_plugin: one per checker name, what DESIGN.md and the
 *    statistics call a "class". The plugin's DSO handle and its entry points,
 *    shared by every path using that checker, refcounted.
 *
 *  - struct checker_class: one per struct checker that has a checker
 *    selected; c->cls points to it. The contract gives plugins an opaque
 *    "struct checker_class *" that they only hand back (to
 *    start_checker_thread()), and struct checker has no other field the
 *    framework may use. So per-checker framework state (the sync flag, later
 *    the executor's job) lives here, without changing the fixed layout of
 *    struct checker. It holds one reference to its plugin.
 */
#ifndef MPATH_INTERNAL_H
#define MPATH_INTERNAL_H

#include <stdbool.h>
#include "libmultipath.h"

#define CHECKER_NAME_MAX 15		/* longest valid checker name */
#define NONE_CHECKER "none"

#ifndef DEFAULT_PLUGIN_DIR
#define DEFAULT_PLUGIN_DIR "/usr/local/lib/multipath"
#endif

/*
 * A class: one checker plugin.
 *
 * References (refcount), each counted once:
 *  - the registry, while the plugin is on the registry list;
 *  - each struct checker_class (i.e. each struct checker) that selected it;
 *  - each running thread started by start_checker_thread() for it.
 * The registry's reference is dropped only after the plugin is unlinked from
 * the registry list, so a count of zero means nobody can find it any more.
 * Whoever drops the last reference unloads it (libcheck_reset(), dlclose())
 * and frees the struct after an RCU grace period, because a lookup may still
 * be reading its name and refcount. That code is library code: a plugin
 * never drops the last reference to itself. The built-in "none" plugin is
 * static and never freed.
 *
 * Fields other than refcount, next and threads_running are written before
 * the plugin is published and never change: readers need no lock.
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

	/* Executor statistics, __atomic (see executor.c). */
	unsigned long checks_started;
	unsigned long checks_completed;
	unsigned long checks_timed_out;
	long jobs_queued;
	long jobs_running;
	long jobs_stuck;
};

enum job_state { JOB_IDLE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/*
 * A struct checker's own framework state; see the top of this file. Owned
 * by the daemon's struct checker, except while its executor job runs after
 * the checker was put: then the worker owns it and frees it (executor.c).
 */
struct checker_class {
	struct checker_plugin *plugin;	/* one reference, owned */
	bool sync;			/* the daemon's thread only */

	/* The executor's job for this checker: see executor.c for locking. */
	int job_state;			/* enum job_state */
	bool orphaned;			/* put while running: worker frees */
	bool timed_out;			/* this job passed its deadline */
	int result;			/* the state the job's check returned */
	unsigned long long queued_at;	/* CLOCK_MONOTONIC, ns */
	unsigned long long deadline;	/* CLOCK_MONOTONIC, ns */
	struct checker_class *next, *prev;	/* the pool's queue */
	struct worker *worker;		/* the worker running the job */
	struct checker shadow;		/* the copy the worker checks with */
};

/* registry.c */
struct checker_plugin *plugin_get_by_name(const char *name);
void plugin_ref(struct checker_plugin *p);
void plugin_unref(struct checker_plugin *p);
extern struct checker_plugin none_plugin;

/* loader.c: validation and dlopen(); no locks held by the callers. */
bool checker_name_valid(const char *name);
int plugin_load(const char *dir, const char *name, bool check_perms,
		struct checker_plugin **ret);
void plugin_unload(struct checker_plugin *p);

/* checker.c */
int plugin_result(struct checker *c, int state);

/* executor.c: asynchronous checks for plugins without libcheck_pending. */
bool executor_settle(struct checker *c);
void executor_submit(struct checker *c);
int executor_get_state(struct checker *c);
bool executor_need_wait(struct checker *c);
bool executor_release(struct checker_class *cls);
void executor_quiesce(void);

/* log.c */
void mpath_vlog(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define mp_err(...)	mpath_log(MPATH_LOG_ERR, __VA_ARGS__)
#define mp_warn(...)	mpath_log(MPATH_LOG_WARNING, __VA_ARGS__)
#define mp_notice(...)	mpath_log(MPATH_LOG_NOTICE, __VA_ARGS__)
#define mp_debug(...)	mpath_log(MPATH_LOG_DEBUG, __VA_ARGS__)

#endif /* MPATH_INTERNAL_H */
