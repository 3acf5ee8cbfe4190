// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * states.c - what a check's result means: the names of the path states,
 * the texts of message ids, and the containment of what a plugin returned
 * (plugin_result()).
 *
 * Calls: log.h. Called by checker.c (synchronous checks, libcheck_pending)
 * and async.c (checks on the executor). Offers states.h, and
 * checker_state_name(), checker_message(), checker_clear_message() of
 * libmultipath.h.
 */
#include <stddef.h>

#include "states.h"

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
	const struct checker_plugin *p = checker_priv(c->cls)->plugin;
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
	p = checker_priv(c->cls)->plugin;
	if (id - CHECKER_FIRST_MSGID >= p->msgtable_len)
		return "";
	return p->msgtable[id - CHECKER_FIRST_MSGID];
}

void checker_clear_message(struct checker *c)
{
	if (c)
		c->msgid = CHECKER_MSGID_NONE;
}
