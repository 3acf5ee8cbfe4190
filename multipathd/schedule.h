/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * schedule.h - the scheduler's bookkeeping: when each path is next due,
 * which paths have a check in flight, and how often the loop polls those.
 * The decisions (what to start, what a result means) are checkloop.c's;
 * this is the state they rest on, kept consistent by the functions below.
 * (Not sched.h: multipathd/ is on the include path, and <sched.h> is the
 * C library's.)
 *
 * struct sched is part of struct daemon (daemon.sched). Others may read
 * its fields (show status, the loop's timer); only schedule.c writes them.
 * Event-loop thread only (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_SCHEDULE_H
#define MPATHD_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

struct path;

/* The first poll of checks in flight, and the most the backoff grows to. */
#define SCHED_POLL_FIRST_NS	(5 * 1000000ull)	/* 5 ms */
#define SCHED_POLL_MAX_NS	(250 * 1000000ull)	/* 250 ms */

struct sched {
	/*
	 * The paths with a check in flight, each at its pending_slot, so
	 * that collecting results costs the number in flight, not the
	 * number of paths. As many slots as the path table has (sized by
	 * sched_reserve()), so adding one never allocates.
	 */
	struct path **pending;
	unsigned int nr_pending, cap;
	uint64_t next_due;		/* no path not in flight is due before */
	uint64_t poll_pending_at;	/* next poll of self-driven checks */
	uint64_t poll_backoff;		/* ns, doubles while they pend */
	uint64_t deadline_at;		/* none in flight times out before */
	unsigned long checks_started, state_changes;
};

/*
 * sched_path_at - pp is next due at when (CLOCK_MONOTONIC ns), keeping
 * next_due a lower bound: the one way anyone sets a path's next check.
 */
void sched_path_at(struct sched *s, struct path *pp, uint64_t when);

/*
 * sched_reserve - room for cap checks in flight: called as the path table
 * grows, so that sched_pending_add() never fails. 0 or -ENOMEM (then the
 * old room stays).
 */
int sched_reserve(struct sched *s, unsigned int cap);

/* sched_free - the in-flight array (shutdown, after every path is gone). */
void sched_free(struct sched *s);

/* sched_started - a check of pp started at now: counted, and remembered. */
void sched_started(struct sched *s, struct path *pp, uint64_t now);

/*
 * sched_pending_add - pp's check is in flight; the first one in flight
 * starts the polling backoff over.
 */
void sched_pending_add(struct sched *s, struct path *pp, uint64_t now);

/*
 * sched_pending_clear - pp's check is no longer in flight (its result came,
 * or its checker is dropped, the path with it): out of the array. Does
 * nothing for a path with no check in flight.
 */
void sched_pending_clear(struct sched *s, struct path *pp);

/* sched_state_changed - a path's state changed (counted, for STATUS=). */
void sched_state_changed(struct sched *s);

/* sched_walked - the path table was walked: next is the new bound. */
void sched_walked(struct sched *s, uint64_t next);

/*
 * sched_poll_due - is it time to look at every check in flight: the next
 * poll (for checkers that drive their own asynchrony) or the earliest
 * deadline (a hung check reports a timeout then) has come?
 */
bool sched_poll_due(const struct sched *s, uint64_t now);

/*
 * sched_poll_step - the checks in flight were polled at now: back off
 * until the next poll (doubling, up to SCHED_POLL_MAX_NS), and take the
 * earliest deadline of those still in flight. Costs the number in flight.
 */
void sched_poll_step(struct sched *s, uint64_t now);

/*
 * sched_next_wakeup - when the loop must next wake up for the checks: the
 * next due path, the next poll of checks in flight, or a hung check's
 * deadline, whichever comes first. 0 means never (nothing to do).
 */
uint64_t sched_next_wakeup(const struct sched *s);

#endif /* MPATHD_SCHEDULE_H */
