// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * thread.c - threads that run plugin code: start_checker_thread().
 *
 * Offers start_checker_thread() of checkers.h. Calls: registry.h (plugin
 * references), rcu.h, log.h. Called by plugins, from libcheck_check().
 *
 * The hazard (docs/design.md, "The hazard"): a thread executing plugin
 * code must keep the plugin mapped, and whatever drops the thread's
 * reference (and so may dlclose() the plugin) must not be plugin code.
 * Hence:
 *  - the reference is taken here, by the creator, before pthread_create(),
 *    and dropped again if the thread cannot be created;
 *  - the entry function and the cleanup that drops the reference are here,
 *    in libmultipath, and the cleanup also runs if the plugin's thread is
 *    cancelled or calls pthread_exit();
 *  - the thread reads only its own start record, never the caller's
 *    struct checker, which may be freed the moment this function returns.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rcu.h"
#include "registry.h"

/* Owned by the new thread once pthread_create() succeeded. */
struct thread_start {
	struct checker_plugin *plugin;	/* the thread's reference */
	struct checker_context *ctx;	/* the plugin's, passed through */
};

/*
 * Runs after libcheck_thread() returned or was unwound by cancellation: no
 * plugin frame is left on this stack, so the plugin may be unloaded here.
 */
static void checker_thread_done(void *arg)
{
	struct checker_plugin *p = arg;

	__atomic_sub_fetch(&p->threads_running, 1, __ATOMIC_RELAXED);
	plugin_unref(p);
	mp_rcu_unregister();
}

static void *checker_thread_entry(void *arg)
{
	struct thread_start start = *(struct thread_start *)arg;
	void *ret;
	int cancel_state;

	free(arg);
	/*
	 * A cancellation that arrives before the cleanup handler is in place
	 * would leak the reference; hold it off until then.
	 */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	mp_rcu_register();
	pthread_cleanup_push(checker_thread_done, start.plugin);
	pthread_setcancelstate(cancel_state, NULL);
	ret = start.plugin->thread(start.ctx);
	pthread_cleanup_pop(1);
	return ret;
}

int start_checker_thread(pthread_t *thread, const pthread_attr_t *attr,
			 struct checker_context *ctx)
{
	struct checker_plugin *p;
	struct thread_start *start;
	int err;

	if (!thread || !ctx || !ctx->cls)
		return EINVAL;
	p = checker_priv(ctx->cls)->plugin;
	if (!p->thread) {
		mp_err("checker %s: start_checker_thread without libcheck_thread",
		       p->name);
		return EINVAL;
	}
	start = malloc(sizeof(*start));
	if (!start)
		return ENOMEM;
	start->plugin = p;
	start->ctx = ctx;

	plugin_ref(p);
	__atomic_add_fetch(&p->threads_running, 1, __ATOMIC_RELAXED);
	err = pthread_create(thread, attr, checker_thread_entry, start);
	if (err) {
		mp_err("checker %s: cannot start checker thread: %s", p->name,
		       strerror(err));
		__atomic_sub_fetch(&p->threads_running, 1, __ATOMIC_RELAXED);
		free(start);
		plugin_unref(p);
	}
	return err;
}
