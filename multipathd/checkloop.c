// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkloop.c - the checking itself: start the checks that are due, collect
 * results as they complete, log each state change once, hand each result
 * to the path's map (maps.c, which keeps device-mapper's view in step),
 * and adapt each path's polling interval.
 *
 * Checks are asynchronous: starting one never blocks the loop. Results of
 * checks run on the library's executor are announced on its eventfd and
 * taken from its done list (checker_completed()), so collecting them costs
 * the number that completed. Checkers that drive their own asynchrony
 * (directio) and deadlines are noticed by polling the paths in flight,
 * with a backoff, only while some check is in flight. With nothing in
 * flight and nothing due, the loop sleeps until the next check is due.
 *
 * Cost at scale: the paths in flight are kept in their own array
 * (schedule.h), so a poll costs the number in flight, not the number of
 * paths. sched.next_due is a lower bound of when any path not in
 * flight is next due (sched_path_at() keeps it one); the table is walked
 * only when that moment comes, and that walk starts every check due soon
 * (batch_ns()) and recomputes the bound. Wake-ups for results or commands
 * cost no walk.
 *
 * Called by: daemon.c (each turn of the loop), commands.c ("fail path",
 * "reinstate path").
 * Calls: schedule.c (the bookkeeping), paths.c (loop devices being
 * detached), maps.c (each result and command; sweeping retired slots).
 *
 * Event-loop thread only (see daemon.h).
 */
#include <stdio.h>
#include <string.h>

#include "mpath_time.h"
#include "checkloop.h"
#include "daemon.h"
#include "maps.h"
#include "paths.h"
#include "schedule.h"

/*
 * When the first check is due, every check due within a fifth of its
 * path's interval (at most BATCH_MAX_NS) starts with it, a little early.
 * Paths found at different times are due at different moments, and each
 * wake-up costs a pass over the path table and a round of the executor's
 * workers waking: batching them this way cut the CPU of 10,000 paths due
 * at spread-out moments from 23 % of a core to 0.4 % (bench/REPORT.md).
 * A check is never late because of it, and never runs sooner than 4/5 of
 * its interval after the last one.
 */
#define BATCH_MAX_NS		MPATH_NSEC_PER_SEC

static uint64_t batch_ns(const struct path *pp)
{
	uint64_t early = pp->interval * MPATH_NSEC_PER_SEC / 5;

	return early < BATCH_MAX_NS ? early : BATCH_MAX_NS;
}

static void check_done(struct daemon *d, struct path *pp, int state,
		       uint64_t now)
{
	const char *msg = checker_message(&pp->checker);
	unsigned int max = pp->set.max_polling_interval;

	sched_pending_clear(&d->sched, pp);
	pp->checks++;
	if (state != pp->state) {
		mpath_log(MPATH_LOG_NOTICE, "%s: %s -> %s (%s%s%s)",
			  pp->facts.devnode, checker_state_name(pp->state),
			  checker_state_name(state), checker_name(&pp->checker),
			  *msg ? ": " : "", msg);
		pp->state = state;
		pp->last_change = now;
		sched_state_changed(&d->sched);
		pp->interval = pp->set.polling_interval;
	} else if (path_state_usable(state)) {
		/* Quiet and healthy: look less often, up to the maximum. */
		pp->interval = pp->interval * 2 > max ? max : pp->interval * 2;
	} else {
		pp->interval = pp->set.polling_interval;
	}
	snprintf(pp->msg, sizeof(pp->msg), "%s", msg);
	pp->result_started = pp->started;
	sched_path_at(&d->sched, pp, now + pp->interval * MPATH_NSEC_PER_SEC);
	/* May reschedule it sooner: a reinstatement waiting for a check. */
	map_path_sync(d, pp);
	path_check_detach(pp);
}

static void check_start(struct daemon *d, struct path *pp, uint64_t now)
{
	int state;

	if (!checker_selected(&pp->checker)) {
		sched_path_at(&d->sched, pp,
			      now + pp->interval * MPATH_NSEC_PER_SEC);
		return;
	}
	checker_check(&pp->checker, pp->state);
	sched_started(&d->sched, pp, now);
	state = checker_get_state(&pp->checker);
	if (state != PATH_PENDING) {
		check_done(d, pp, state, now);
		return;
	}
	sched_pending_add(&d->sched, pp, now);
}

void checks_run_due(struct daemon *d)
{
	uint64_t now = mpath_now_ns(), next = UINT64_MAX;
	unsigned int i;

	if (d->sched.next_due > now)
		return;
	/*
	 * The bound may be stale (a path that was due went away, or was
	 * rescheduled later): start a batch only when a check is really due,
	 * else every such wake-up would start a few early.
	 */
	for (i = 0; i < d->paths.nr && next > now; i++) {
		struct path *pp = d->paths.list[i];

		if (!pp->pending && pp->next_check < next)
			next = pp->next_check;
	}
	if (next > now) {
		sched_walked(&d->sched, next);
		return;
	}
	next = UINT64_MAX;
	for (i = 0; i < d->paths.nr; i++) {
		struct path *pp = d->paths.list[i];

		if (!pp->pending && pp->next_check <= now + batch_ns(pp))
			check_start(d, pp, now);
		if (!pp->pending && pp->next_check < next)
			next = pp->next_check;
	}
	sched_walked(&d->sched, next);
}

/* How many completions are taken from the library at a time. */
#define COMPLETED_BATCH		64

/*
 * Results of checks on the library's executor: exactly those that
 * completed, whatever the number in flight. The checkers a batch names
 * stay valid while it is handled: check_done() never frees a path (paths
 * are freed by devices.c, between turns of the loop), and a checker
 * selected afresh meanwhile has left the in-flight array.
 */
static void collect_completed(struct daemon *d, uint64_t now)
{
	struct checker *done[COMPLETED_BATCH];
	unsigned int n, i;

	do {
		n = checker_completed(done, COMPLETED_BATCH);
		for (i = 0; i < n; i++) {
			struct path *pp = path_of_checker(done[i]);
			int state;

			if (!pp->pending)
				continue;
			state = checker_get_state(&pp->checker);
			if (state != PATH_PENDING)
				check_done(d, pp, state, now);
		}
	} while (n == COMPLETED_BATCH);
}

void checks_collect(struct daemon *d)
{
	uint64_t now = mpath_now_ns();
	unsigned int i;

	collect_completed(d, now);
	/*
	 * Checkers that drive their own asynchrony (directio) announce
	 * nothing, and a hung check announces nothing either: the whole
	 * array is looked at only when a poll or a deadline is due.
	 */
	if (sched_poll_due(&d->sched, now)) {
		/* Backwards: check_done() moves the last entry into slot i. */
		for (i = d->sched.nr_pending; i-- > 0;) {
			struct path *pp = d->sched.pending[i];
			int state = checker_get_state(&pp->checker);

			if (state != PATH_PENDING)
				check_done(d, pp, state, now);
		}
		sched_poll_step(&d->sched, now);
	}
	/* A check that completed may have been the last to read a slot. */
	if (d->maps.retired)
		maps_sweep_retired(d);
}

void path_set_operator_failed(struct daemon *d, struct path *pp, bool failed)
{
	if (pp->operator_failed == failed)
		return;
	pp->operator_failed = failed;
	mpath_log(MPATH_LOG_NOTICE, "%s: %s by the operator", pp->facts.devnode,
		  failed ? "failed" : "reinstated");
	map_path_sync(d, pp);
	/* Check soon, so that "reinstate" shows the checker's view at once. */
	if (!failed && !pp->pending)
		sched_path_at(&d->sched, pp, mpath_now_ns());
}
