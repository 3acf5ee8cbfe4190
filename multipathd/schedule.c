// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * schedule.c - the scheduler's bookkeeping (schedule.h): each path's next
 * due moment with a lower bound over all of them, the array of checks in
 * flight, and the backoff of their polling.
 *
 * Called by: checkloop.c (starting checks, collecting results), paths.c
 * (a checker selected afresh is due at once; a dropped one leaves the
 * array), maps.c (a path to be checked sooner), daemon.c (the timer),
 * devices.c (shutdown).
 * Calls: nothing of multipathd's; it only reads the struct path fields
 * named in paths.h as the scheduler's.
 *
 * Event-loop thread only (daemon.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "libmultipath.h"
#include "mpath_time.h"
#include "paths.h"
#include "schedule.h"

void sched_path_at(struct sched *s, struct path *pp, uint64_t when)
{
	pp->next_check = when;
	if (when < s->next_due)
		s->next_due = when;
}

int sched_reserve(struct sched *s, unsigned int cap)
{
	struct path **p;

	if (cap <= s->cap)
		return 0;
	p = realloc(s->pending, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->pending = p;
	s->cap = cap;
	return 0;
}

void sched_free(struct sched *s)
{
	free(s->pending);
	s->pending = NULL;
	s->nr_pending = s->cap = 0;
}

void sched_started(struct sched *s, struct path *pp, uint64_t now)
{
	pp->started = now;
	s->checks_started++;
}

/*
 * When the loop must look at pp's check even if no completion is announced:
 * its deadline, and a little after, so that the library reports it late.
 */
static uint64_t pending_deadline(const struct path *pp)
{
	return pp->started + pp->checker.timeout * MPATH_NSEC_PER_SEC +
	       SCHED_POLL_FIRST_NS;
}

void sched_pending_add(struct sched *s, struct path *pp, uint64_t now)
{
	uint64_t deadline = pending_deadline(pp);

	pp->pending = true;
	pp->pending_slot = s->nr_pending;
	s->pending[s->nr_pending++] = pp;
	if (s->nr_pending == 1) {
		s->poll_backoff = SCHED_POLL_FIRST_NS;
		s->poll_pending_at = now + s->poll_backoff;
		s->deadline_at = deadline;
	} else if (deadline < s->deadline_at) {
		s->deadline_at = deadline;
	}
}

void sched_pending_clear(struct sched *s, struct path *pp)
{
	struct path *last;

	if (!pp->pending)
		return;
	pp->pending = false;
	last = s->pending[--s->nr_pending];
	s->pending[pp->pending_slot] = last;
	last->pending_slot = pp->pending_slot;
}

void sched_state_changed(struct sched *s)
{
	s->state_changes++;
}

void sched_walked(struct sched *s, uint64_t next)
{
	s->next_due = next;
}

bool sched_poll_due(const struct sched *s, uint64_t now)
{
	return s->nr_pending &&
	       (now >= s->poll_pending_at || now >= s->deadline_at);
}

void sched_poll_step(struct sched *s, uint64_t now)
{
	unsigned int i;

	if (!s->nr_pending)
		return;
	if (now >= s->poll_pending_at) {
		s->poll_backoff *= 2;
		if (s->poll_backoff > SCHED_POLL_MAX_NS)
			s->poll_backoff = SCHED_POLL_MAX_NS;
		s->poll_pending_at = now + s->poll_backoff;
	}
	/*
	 * The bound only moves down between polls (a check that left the
	 * array leaves it low: one early look, then it is exact again).
	 */
	s->deadline_at = UINT64_MAX;
	for (i = 0; i < s->nr_pending; i++) {
		uint64_t due = pending_deadline(s->pending[i]);

		if (due < s->deadline_at)
			s->deadline_at = due;
	}
}

uint64_t sched_next_wakeup(const struct sched *s)
{
	/* 0: the table was never walked; the timer takes 1 as "at once". */
	uint64_t next = s->next_due ? s->next_due : 1;

	if (s->nr_pending) {
		if (s->deadline_at < next)
			next = s->deadline_at;
		if (s->poll_pending_at < next)
			next = s->poll_pending_at;
	}
	return next == UINT64_MAX ? 0 : next;
}
