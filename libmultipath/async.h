/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * async.h - what async.c offers checker.c: running a checker's blocking
 * check as a job on the executor. Daemon side, the checker's thread only.
 * checker_event_fd(), checker_completed() and the executor's limits and
 * statistics are in libmultipath.h.
 */
#ifndef MPATH_ASYNC_H
#define MPATH_ASYNC_H

#include <stdbool.h>

#include "internal.h"

/* async_init - set up priv's job; before the checker's first check. */
void async_init(struct checker_priv *priv);

/* async_outstanding - a job of priv is not IDLE (no lock; owner only). */
static inline bool async_outstanding(const struct checker_priv *priv)
{
	return job_state(&priv->job) != JOB_IDLE;
}

/*
 * async_settle - before a new check of c: if its job is still queued or
 * running, report PATH_PENDING or PATH_TIMEOUT in c and return true (no new
 * check may start, whether the checker is sync or async now); a finished
 * job's uncollected result is stale and is dropped.
 */
bool async_settle(struct checker *c);

/* async_submit - queue a check of c (after async_settle() said false). */
void async_submit(struct checker *c);

/* async_get_state - collect the job's result into c, or report it late. */
int async_get_state(struct checker *c);

/* async_need_wait - the job is outstanding and before its deadline. */
bool async_need_wait(struct checker *c);

/*
 * async_release - the daemon is done with priv. Returns true if priv still
 * belongs to the daemon (free it and the plugin context as usual), false if
 * a running job took it over and will free both.
 */
bool async_release(struct checker_priv *priv);

#endif /* MPATH_ASYNC_H */
