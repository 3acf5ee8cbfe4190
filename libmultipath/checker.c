// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checker.c - the daemon's view of one checker: selecting a class for a
 * path, running checks, reading states and messages.
 *
 * A struct checker is used by one thread at a time (the caller's rule), so
 * nothing here locks; what is shared between checkers (the class) is
 * refcounted in registry.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const generic_msgs[CHECKER_GENERIC_MSGTABLE_SIZE] = {
	[CHECKER_MSGID_NONE] = "",
	[CHECKER_MSGID_DISABLED] = "checker disabled",
	[CHECKER_MSGID_NO_FD] = "no usable file descriptor for the device",
	[CHECKER_MSGID_INVALID] = "checker returned an invalid result",
	[CHECKER_MSGID_UP] = "path is up",
	[CHECKER_MSGID_DOWN] = "path is down",
	[CHECKER_MSGID_GHOST] = "path is passive (ghost)",
	[CHECKER_MSGID_UNSUPPORTED] = "checker does not support this device",
	[CHECKER_MSGID_DISCONNECTED] = "device not accessible through this path",
};

/* The library's own ids from CHECKER_MSGID_TIMED_OUT on (libmultipath.h). */
static const char *const library_msgs[] = {
	[CHECKER_MSGID_TIMED_OUT - CHECKER_MSGID_TIMED_OUT] =
		"check timed out",
	[CHECKER_MSGID_STILL_HUNG - CHECKER_MSGID_TIMED_OUT] =
		"previous check still hung; no new check started",
	[CHECKER_MSGID_NO_WORKER - CHECKER_MSGID_TIMED_OUT] =
		"no worker free: too many hung checks (cap reached)",
	[CHECKER_MSGID_UNCOLLECTABLE - CHECKER_MSGID_TIMED_OUT] =
		"checker returned pending, but has no way to deliver a result",
	[CHECKER_MSGID_RESERVED_STATE - CHECKER_MSGID_TIMED_OUT] =
		"checker returned a state only the framework or the daemon may set",
};
#define LIBRARY_MSGID_END \
	(CHECKER_MSGID_TIMED_OUT + \
	 (int)(sizeof(library_msgs) / sizeof(library_msgs[0])))

static const char *const state_names[PATH_MAX_STATE] = {
	[PATH_WILD] = "wild",
	[PATH_UNCHECKED] = "unchecked",
	[PATH_DOWN] = "down",
	[PATH_UP] = "up",
	[PATH_SHAKY] = "shaky",
	[PATH_GHOST] = "ghost",
	[PATH_PENDING] = "pending",
	[PATH_TIMEOUT] = "timeout",
	[PATH_REMOVED] = "removed",
	[PATH_DELAYED] = "delayed",
	[PATH_DISCONNECTED] = "disconnected",
};

const char *checker_state_name(int state)
{
	if (state < 0 || state >= PATH_MAX_STATE)
		return "invalid";
	return state_names[state];
}

/*
 * plugin_result - what a plugin's libcheck_check() or libcheck_pending()
 * returned, contained, so that no plugin can leave a path in a state
 * nothing will ever move it out of, or claim a state that is not its to
 * claim. The rules (checkers.h, "Path states", says the same to plugin
 * authors), on every path a result takes: a synchronous check, a check on
 * the executor, libcheck_pending():
 *
 *  - a value outside the path states becomes PATH_WILD with
 *    CHECKER_MSGID_INVALID;
 *  - PATH_PENDING from a plugin that has neither libcheck_pending nor
 *    libcheck_thread becomes PATH_WILD with CHECKER_MSGID_UNCOLLECTABLE:
 *    nothing would ever collect a result (checker_get_state() asks only
 *    libcheck_pending, a thread-less plugin has nothing running, and a job
 *    on the executor is over), so the path would be pending for ever and
 *    the daemon would wait for it for ever. As PATH_WILD the path is
 *    "cannot tell" for this round and the next checker_check() runs the
 *    plugin again;
 *  - PATH_UNCHECKED (the framework's: no check ran, checker disabled),
 *    PATH_REMOVED and PATH_DELAYED (the daemon's: device gone, reinstate
 *    held back) become PATH_WILD with CHECKER_MSGID_RESERVED_STATE: a
 *    plugin that ran a check on a present path cannot know them, and the
 *    daemon would act on them (a removed path is dropped);
 *  - everything else (PATH_WILD, PATH_DOWN, PATH_UP, PATH_SHAKY,
 *    PATH_GHOST, PATH_TIMEOUT, PATH_DISCONNECTED, and PATH_PENDING from a
 *    plugin that can deliver a result later) is passed on unchanged.
 *
 * c is the checker the plugin was given (the executor's shadow copy on a
 * worker): its msgid is set when the result is replaced. Any thread; never
 * blocks.
 */
int plugin_result(struct checker *c, int state)
{
	const struct checker_plugin *p = c->cls->plugin;
	short msgid;

	switch (state) {
	case PATH_WILD:
	case PATH_DOWN:
	case PATH_UP:
	case PATH_SHAKY:
	case PATH_GHOST:
	case PATH_TIMEOUT:
	case PATH_DISCONNECTED:
		return state;
	case PATH_PENDING:
		if (p->pending || p->thread)
			return state;
		msgid = CHECKER_MSGID_UNCOLLECTABLE;
		break;
	case PATH_UNCHECKED:
	case PATH_REMOVED:
	case PATH_DELAYED:
		msgid = CHECKER_MSGID_RESERVED_STATE;
		break;
	default:
		msgid = CHECKER_MSGID_INVALID;
		break;
	}
	mp_debug("checker %s returned %s state %d (%s): reported as wild",
		 p->name,
		 msgid == CHECKER_MSGID_INVALID ? "invalid" : "disallowed",
		 state, checker_state_name(state));
	c->msgid = msgid;
	return PATH_WILD;
}

void checker_clear(struct checker *c)
{
	if (!c)
		return;
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/*
 * Free the plugin's context and drop c's reference; keeps fd, timeout and
 * the flags that belong to the path rather than to the class.
 */
static void checker_unselect(struct checker *c)
{
	struct checker_class *cls = c->cls;

	if (!cls)
		return;
	if (!executor_release(cls)) {
		/* A running job owns the context and the record now. */
		c->context = NULL;
		c->cls = NULL;
		return;
	}
	if (cls->plugin->free)
		cls->plugin->free(c);
	c->context = NULL;
	c->cls = NULL;
	plugin_unref(cls->plugin);
	free(cls);
}

void checker_get(struct checker *c, const char *name)
{
	struct checker_plugin *p;
	struct checker_class *cls;

	if (!c)
		return;
	checker_unselect(c);
	if (!name || !*name)
		return;
	p = plugin_get_by_name(name);
	if (!p)
		return;
	cls = calloc(1, sizeof(*cls));
	if (!cls) {
		mp_err("checker %s: out of memory", p->name);
		plugin_unref(p);
		return;
	}
	cls->plugin = p;
	cls->sync = true;	/* as upstream: a daemon asks for async */
	c->cls = cls;
}

int checker_init(struct checker *c, void **mpctxt)
{
	struct checker_plugin *p;

	if (!c || !c->cls)
		return -EINVAL;
	p = c->cls->plugin;
	c->mpcontext = mpctxt;
	if (p->init && p->init(c) != 0) {
		mp_err("checker %s: libcheck_init failed", p->name);
		return -EIO;
	}
	if (mpctxt && !*mpctxt && p->mp_init && p->mp_init(c) != 0) {
		/* The map-wide context is an optimisation; go on without. */
		mp_debug("checker %s: libcheck_mp_init failed", p->name);
		c->mpcontext = NULL;
	}
	return 0;
}

void checker_put(struct checker *c)
{
	if (!c)
		return;
	checker_unselect(c);
	checker_clear(c);
}

void checker_check(struct checker *c, int path_state)
{
	struct checker_plugin *p;

	if (!c)
		return;
	c->msgid = CHECKER_MSGID_NONE;
	if (!c->cls) {
		c->path_state = PATH_UNCHECKED;
		return;
	}
	if (c->disable) {
		c->msgid = CHECKER_MSGID_DISABLED;
		c->path_state = PATH_UNCHECKED;
		return;
	}
	p = c->cls->plugin;
	if (p->builtin) {
		c->path_state = path_state;
		return;
	}
	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		c->path_state = PATH_WILD;
		return;
	}
	/* A job still out owns the plugin context: no second check. */
	if (__atomic_load_n(&c->cls->job_state, __ATOMIC_RELAXED) != JOB_IDLE &&
	    executor_settle(c))
		return;
	if (!c->cls->sync && !p->pending && !p->thread) {
		/*
		 * A plain blocking check: run it on the executor. Plugins with
		 * libcheck_pending or libcheck_thread drive their own
		 * asynchrony (upstream semantics) and are called directly.
		 */
		executor_submit(c);
		return;
	}
	c->path_state = plugin_result(c, p->check(c));
}

int checker_get_state(struct checker *c)
{
	struct checker_plugin *p;

	if (!c || !c->cls)
		return PATH_UNCHECKED;
	p = c->cls->plugin;
	if (__atomic_load_n(&c->cls->job_state, __ATOMIC_RELAXED) != JOB_IDLE)
		return executor_get_state(c);
	if (c->path_state == PATH_PENDING && p->pending)
		c->path_state = plugin_result(c, p->pending(c));
	return c->path_state;
}

bool checker_need_wait(struct checker *c)
{
	if (!c || !c->cls)
		return false;
	if (__atomic_load_n(&c->cls->job_state, __ATOMIC_RELAXED) != JOB_IDLE)
		return executor_need_wait(c);
	if (c->path_state != PATH_PENDING || !c->cls->plugin->need_wait)
		return false;
	return c->cls->plugin->need_wait(c);
}

void checker_set_fd(struct checker *c, int fd)
{
	if (c)
		c->fd = fd;
}

/* The flag lives with c's class record, so it needs a selected class. */
void checker_set_sync(struct checker *c)
{
	if (c && c->cls)
		c->cls->sync = true;
}

void checker_set_async(struct checker *c)
{
	if (c && c->cls)
		c->cls->sync = false;
}

int checker_is_sync(const struct checker *c)
{
	return !c || !c->cls || c->cls->sync;
}

void checker_enable(struct checker *c)
{
	if (c)
		c->disable = 0;
}

void checker_disable(struct checker *c)
{
	if (c)
		c->disable = 1;
}

int checker_selected(const struct checker *c)
{
	return c && c->cls;
}

const char *checker_name(const struct checker *c)
{
	return c && c->cls ? c->cls->plugin->name : "";
}

const char *checker_message(const struct checker *c)
{
	const struct checker_plugin *p;
	int id;

	if (!c)
		return "";
	id = c->msgid;
	if (id >= 0 && id < CHECKER_GENERIC_MSGTABLE_SIZE)
		return generic_msgs[id];
	if (id >= CHECKER_MSGID_TIMED_OUT && id < LIBRARY_MSGID_END)
		return library_msgs[id - CHECKER_MSGID_TIMED_OUT];
	if (!c->cls || id < CHECKER_FIRST_MSGID)
		return "";
	p = c->cls->plugin;
	if (id - CHECKER_FIRST_MSGID >= p->msgtable_len)
		return "";
	return p->msgtable[id - CHECKER_FIRST_MSGID];
}

void checker_clear_message(struct checker *c)
{
	if (c)
		c->msgid = CHECKER_MSGID_NONE;
}
