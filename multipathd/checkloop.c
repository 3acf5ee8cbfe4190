// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkloop.c - the checking itself: start the checks that are due, collect
 * results as they complete, log each state change once, keep
 * device-mapper's view in step (fail_path / reinstate_path), and adapt each
 * path's polling interval.
 *
 * Checks are asynchronous: starting one never blocks the loop. Results of
 * checks run on the library's executor are announced on its eventfd;
 * checkers that drive their own asynchrony (directio) and deadlines are
 * noticed by polling the paths in flight, with a backoff, only while some
 * check is in flight. With nothing in flight and nothing due, the loop
 * sleeps until the next check is due.
 *
 * Event-loop thread only (see daemon.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "daemon.h"

#define NSEC			1000000000ull
#define POLL_FIRST_NS		(5 * 1000000ull)	/* 5 ms */
#define POLL_MAX_NS		(250 * 1000000ull)	/* 250 ms */

/* A path in one of these states may carry I/O. */
bool path_state_usable(int state)
{
	return state == PATH_UP || state == PATH_GHOST;
}

/* States that mean the path must not carry I/O; others decide nothing. */
static bool path_state_failed(int state)
{
	return state == PATH_DOWN || state == PATH_TIMEOUT ||
	       state == PATH_SHAKY || state == PATH_DISCONNECTED;
}

/* Bring the path's state in its map in line with what we know. */
static void dm_sync(struct daemon *d, struct path *pp)
{
	bool fail;
	int err;

	if (!d->dm || !pp->map[0])
		return;
	if (pp->operator_failed || path_state_failed(pp->state))
		fail = true;
	else if (path_state_usable(pp->state))
		fail = false;
	else
		return;
	if (fail == pp->dm_failed)
		return;
	err = fail ? dm_fail_path(pp->map, pp->facts.devt) :
		     dm_reinstate_path(pp->map, pp->facts.devt);
	if (err == 0) {
		pp->dm_failed = fail;
		mpath_log(MPATH_LOG_NOTICE, "%s: %s in map %s",
			  pp->facts.devnode, fail ? "failed" : "reinstated",
			  pp->map);
	}
}

static void check_done(struct daemon *d, struct path *pp, int state,
		       uint64_t now)
{
	const char *msg = checker_message(&pp->checker);
	unsigned int max = pp->set.max_polling_interval;

	if (pp->pending) {
		pp->pending = false;
		d->nr_pending--;
	}
	pp->checks++;
	if (state != pp->state) {
		mpath_log(MPATH_LOG_NOTICE, "%s: %s -> %s (%s%s%s)",
			  pp->facts.devnode, checker_state_name(pp->state),
			  checker_state_name(state), checker_name(&pp->checker),
			  *msg ? ": " : "", msg);
		pp->state = state;
		pp->last_change = now;
		d->state_changes++;
		pp->interval = pp->set.polling_interval;
	} else if (path_state_usable(state)) {
		/* Quiet and healthy: look less often, up to the maximum. */
		pp->interval = pp->interval * 2 > max ? max : pp->interval * 2;
	} else {
		pp->interval = pp->set.polling_interval;
	}
	snprintf(pp->msg, sizeof(pp->msg), "%s", msg);
	dm_sync(d, pp);
	pp->next_check = now + pp->interval * NSEC;
	path_check_detach(pp);
}

static void check_start(struct daemon *d, struct path *pp, uint64_t now)
{
	int state;

	if (!checker_selected(&pp->checker)) {
		pp->next_check = now + pp->interval * NSEC;
		return;
	}
	checker_check(&pp->checker, pp->state);
	pp->started = now;
	d->checks_started++;
	state = checker_get_state(&pp->checker);
	if (state != PATH_PENDING) {
		check_done(d, pp, state, now);
		return;
	}
	pp->pending = true;
	if (d->nr_pending++ == 0) {
		d->poll_backoff = POLL_FIRST_NS;
		d->poll_pending_at = now + d->poll_backoff;
	}
}

void checks_run_due(struct daemon *d)
{
	uint64_t now = now_ns();
	unsigned int i;

	for (i = 0; i < d->nr_paths; i++) {
		struct path *pp = d->paths[i];

		if (!pp->pending && pp->next_check <= now)
			check_start(d, pp, now);
	}
}

void checks_collect(struct daemon *d)
{
	uint64_t now = now_ns();
	unsigned int i;

	if (!d->nr_pending)
		return;
	for (i = 0; i < d->nr_paths && d->nr_pending; i++) {
		struct path *pp = d->paths[i];
		int state;

		if (!pp->pending)
			continue;
		state = checker_get_state(&pp->checker);
		if (state != PATH_PENDING)
			check_done(d, pp, state, now);
	}
	if (d->nr_pending && now >= d->poll_pending_at) {
		d->poll_backoff *= 2;
		if (d->poll_backoff > POLL_MAX_NS)
			d->poll_backoff = POLL_MAX_NS;
		d->poll_pending_at = now + d->poll_backoff;
	}
}

/* When the loop must next wake up: 0 means never (nothing to do). */
uint64_t checks_next_wakeup(struct daemon *d)
{
	uint64_t next = 0;
	unsigned int i;

	for (i = 0; i < d->nr_paths; i++) {
		struct path *pp = d->paths[i];
		uint64_t due;

		if (pp->pending)
			/* Its deadline: a hung check reports a timeout then. */
			due = pp->started + pp->checker.timeout * NSEC +
			      POLL_FIRST_NS;
		else
			due = pp->next_check;
		if (!next || due < next)
			next = due;
	}
	if (d->nr_pending && (!next || d->poll_pending_at < next))
		next = d->poll_pending_at;
	return next;
}

void path_set_operator_failed(struct daemon *d, struct path *pp, bool failed)
{
	if (pp->operator_failed == failed)
		return;
	pp->operator_failed = failed;
	mpath_log(MPATH_LOG_NOTICE, "%s: %s by the operator", pp->facts.devnode,
		  failed ? "failed" : "reinstated");
	dm_sync(d, pp);
	/* Check soon, so that "reinstate" shows the checker's view at once. */
	if (!failed && !pp->pending)
		pp->next_check = now_ns();
}
