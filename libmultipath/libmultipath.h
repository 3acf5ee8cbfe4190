/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmultipath.h - the daemon side of the path-checker framework.
 *
 * What a program that monitors paths (multipathd, a test, a benchmark)
 * includes: selecting checkers for paths, running checks, reading results,
 * and routing the library's log. Plugins include only checkers.h.
 *
 * Thread safety: every function may be called concurrently from several
 * threads on different struct checker objects; one struct checker is used by
 * one thread at a time. No function here may be called from inside a plugin's
 * libcheck_* callback unless it says so.
 *
 * Error convention: functions that can fail return 0 or -errno. A path state
 * is a result, not an error.
 *
 * Words: a "plugin" is one loaded checker (libcheck<name>.so, or the
 * built-in "none"), shared by every path that selected it. Two names of
 * upstream's contract still say "class", kept for source compatibility:
 * in reset_checker_classes() the "classes" are the registered plugins;
 * struct checker_class (checkers.h) is not a plugin but the opaque handle
 * of one struct checker's private state in the library (c->cls).
 */
#ifndef MPATH_LIBMULTIPATH_H
#define MPATH_LIBMULTIPATH_H

#include <stdarg.h>
#include <stddef.h>
#include "checkers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- the contract: upstream's names and semantics ----------------------- */

/*
 * init_checkers - (re)start the registry, loading plugins from plugin_dir.
 *
 * plugin_dir NULL means the compiled-in default. May be called again after
 * cleanup_checkers() (a reconfigure), also while plugins from before are still
 * pinned by running threads. Forgets earlier load failures, so a plugin
 * installed since is tried again. Returns 0 or -errno (-ENAMETOOLONG for an
 * over-long directory, -ENOMEM).
 */
int init_checkers(const char *plugin_dir);

/*
 * cleanup_checkers - drop the registry's references to every plugin.
 *
 * A plugin still used by a struct checker, a running thread or a running
 * executor job stays loaded until its last user drops it; then it is
 * unloaded by library code. Calls libcheck_reset() of each plugin whose
 * last reference goes. May sleep.
 */
void cleanup_checkers(void);

/* checker_clear - zero a struct checker that holds no plugin; fd = -1. */
void checker_clear(struct checker *c);

/*
 * checker_get - select the checker called name for c, loading it if needed.
 *
 * On failure (invalid name, missing or refused plugin) c->cls is NULL and the
 * reason is logged once per name until the next init_checkers(). A checker
 * that already had a plugin selected drops it first (as checker_put() would,
 * but c->fd and c->timeout are kept). Lookups of loaded plugins take no
 * sleeping lock; loading may sleep.
 */
void checker_get(struct checker *c, const char *name);

/*
 * checker_init - set up the plugin's per-path context (libcheck_init) and,
 * when *mpctxt is NULL, the map-wide one (libcheck_mp_init). mpctxt may be
 * NULL. Returns 0 or -errno: -EINVAL without a plugin, -EIO if libcheck_init
 * failed. A failing libcheck_mp_init is not fatal: c->mpcontext becomes NULL.
 */
int checker_init(struct checker *c, void **mpctxt);

/* checker_put - free the plugin context, drop c's reference, clear c. */
void checker_put(struct checker *c);

/*
 * checker_check - start (asynchronous checker) or run (synchronous) a check.
 * path_state is the caller's current view of the path, returned as the
 * result by the built-in "none" checker. Read the result with
 * checker_get_state().
 */
void checker_check(struct checker *c, int path_state);

/* checker_get_state - the result of the last check; never blocks. */
int checker_get_state(struct checker *c);

/* checker_need_wait - true if a check started this round is still running. */
bool checker_need_wait(struct checker *c);

void checker_set_fd(struct checker *c, int fd);
void checker_set_sync(struct checker *c);	/* per checker, not per plugin */
void checker_set_async(struct checker *c);
void checker_enable(struct checker *c);
void checker_disable(struct checker *c);
int checker_selected(const struct checker *c);

/* checker_name - the selected plugin's name, or "" when none is selected. */
const char *checker_name(const struct checker *c);

/*
 * checker_message - the text of c->msgid: a generic text for ids below
 * CHECKER_FIRST_MSGID, the plugin's libcheck_msgtable[] entry above, "" for
 * an id outside both. Valid while c keeps its plugin.
 */
const char *checker_message(const struct checker *c);

/* checker_state_name - "up", "down", ...; "invalid" when out of range. */
const char *checker_state_name(int state);

void checker_clear_message(struct checker *c);

/* reset_checker_classes - call libcheck_reset() of every registered plugin. */
void reset_checker_classes(void);

/* --- additions ------------------------------------------------------------ */

/*
 * checker_set_permission_check - refuse (true, the default) or accept (false)
 * plugin files and plugin directories that are not owned by root or by this
 * process's user, or that group or others may write. Loading a plugin runs
 * its code with the daemon's privileges, so anyone who may write the file or
 * its directory may run code as the daemon. For operators whose plugins are
 * installed where that check cannot pass but the writers are trusted (e.g.
 * a package manager that installs under a group-writable directory):
 * multipathd turns it off with "plugin_permission_check no" in the defaults
 * section of multipath.conf. Applies to loads that start after the call;
 * call it before init_checkers(). Any thread.
 */
void checker_set_permission_check(bool enforce);

/*
 * Routing the log. The library and plugins call mpath_log(); messages above
 * the level set here are dropped before they are formatted. Without a
 * handler, messages go to stderr. The handler may be called from any thread,
 * concurrently, and must not call back into the library.
 */
typedef void (*mpath_log_fn)(int level, const char *msg, void *data);
void mpath_log_set_handler(mpath_log_fn fn, void *data);
void mpath_log_set_level(int level);	/* default MPATH_LOG_NOTICE */
int mpath_log_get_level(void);
const char *mpath_log_level_name(int level);	/* "error", ...; "invalid" */

/*
 * One plugin as checker_plugin_stats() reports it. A plugin stays listed
 * until it is unloaded, also after cleanup_checkers() while users pin it.
 */
struct checker_plugin_stats {
	char name[16];
	char path[256];			/* the plugin file; "" when built in */
	long refcount;			/* registry + checkers + threads + jobs */
	bool registered;		/* still in the registry */
	unsigned long threads_running;	/* start_checker_thread threads */
	unsigned long checks_started;	/* executor jobs queued, ever */
	unsigned long checks_completed;	/* executor jobs returned, ever */
	unsigned long checks_timed_out;	/* jobs that passed their deadline */
	unsigned long jobs_queued;	/* waiting for a worker now */
	unsigned long jobs_running;	/* on a worker now, stuck ones too */
	unsigned long jobs_stuck;	/* running past their deadline now */
};

/*
 * checker_plugin_stats - snapshot of every loaded plugin.
 *
 * On success stores a malloc()ed array (free() it) in *ret and returns the
 * number of entries; returns -ENOMEM on failure. May sleep (takes the
 * registry's writer mutex); never call it from a plugin callback.
 */
int checker_plugin_stats(struct checker_plugin_stats **ret);

/* --- the executor (asynchronous checks) --------------------------------- */

/*
 * An asynchronous checker (checker_set_async) whose plugin has neither
 * libcheck_pending nor libcheck_thread (plugins with those manage their own
 * asynchrony) has its blocking libcheck_check() run on a worker of a
 * pool the library owns: checker_check() returns PATH_PENDING at once and
 * checker_get_state() returns the result when the job is done, or
 * PATH_TIMEOUT (with one of the first three messages below) once c->timeout
 * seconds (30 when 0) have passed. A checker never has more than one job
 * outstanding.
 *
 * The library's own message ids, below CHECKER_FIRST_MSGID like the generic
 * ones of checkers.h; checker_message() has their texts.
 */
enum {
	CHECKER_MSGID_TIMED_OUT = 90,	/* the check passed its deadline */
	CHECKER_MSGID_STILL_HUNG,	/* the last check still hangs: none started */
	CHECKER_MSGID_NO_WORKER,	/* queued past the deadline: hung-check cap */
	/*
	 * A plugin result the framework does not pass on (checkers.h, "Path
	 * states"): the state is PATH_WILD, with
	 */
	CHECKER_MSGID_UNCOLLECTABLE,	/* PATH_PENDING nothing could collect */
	CHECKER_MSGID_RESERVED_STATE,	/* unchecked, removed or delayed */
};

/*
 * checker_event_fd - an eventfd that becomes readable when executor jobs
 * complete: poll it, read() it to reset it, then call checker_completed()
 * (or checker_get_state() of each checker). Writes are coalesced: after one,
 * completions stay silent until the daemon looks again (checker_check(),
 * checker_get_state() or checker_completed()), and none is lost. Owned by
 * the library; do not close it. Returns the fd or -errno.
 */
int checker_event_fd(void);

/*
 * checker_completed - store in done[] up to max checkers whose executor job
 * completed since the last call, oldest first, and return how many. Each
 * is the address of the struct checker that started the check (the one
 * passed to checker_check()); collect its result with checker_get_state().
 * Each completion is returned once. A checker that was put (or given
 * another plugin) after its job completed, or whose result was already
 * collected by checker_get_state() or dropped by a new checker_check(), is
 * not returned. Checks that are not run on the executor (synchronous
 * checkers, plugins with libcheck_pending or libcheck_thread) never appear.
 * Call it from the daemon's thread that owns the checkers, not concurrently
 * with checker_put() of those checkers elsewhere; any number of checkers
 * may be waiting, so call it again while it returns max. Never blocks for
 * long (takes the executor's lock).
 */
unsigned int checker_completed(struct checker **done, unsigned int max);

/*
 * checker_executor_set_limits - at most max_workers workers (default 64)
 * and at most max_stuck of them written off as hung (default 256).
 * Returns 0 or -EINVAL.
 */
int checker_executor_set_limits(unsigned int max_workers,
				unsigned int max_stuck);

struct checker_executor_stats {
	unsigned int workers;		/* live workers, not written off */
	unsigned int idle;		/* of those, waiting for work */
	unsigned int written_off;	/* hung past a deadline, still alive */
	unsigned int queued;		/* jobs waiting for a worker */
	unsigned int max_workers;
	unsigned int max_stuck;
};

void checker_executor_stats(struct checker_executor_stats *s);

#ifdef __cplusplus
}
#endif

#endif /* MPATH_LIBMULTIPATH_H */
