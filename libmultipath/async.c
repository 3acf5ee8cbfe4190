// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * async.c - asynchronous checks: a checker's blocking libcheck_check() run
 * as a job on the executor. The only file that knows both checkers and the
 * executor.
 *
 * Calls: executor.h (the generic job queue), states.h (plugin_result()),
 * registry.h (plugin_unref() for a checker put while its job ran), log.h.
 * Called by checker.c (async.h) and by the daemon (checker_event_fd(),
 * checker_completed(), the executor's limits and statistics).
 *
 * A checker's job is embedded in its struct checker_priv (at most one
 * outstanding job per checker, so nothing is allocated per check). The
 * worker runs the plugin's libcheck_check() on the job's own copy of the
 * struct checker (the "shadow"), with its own dup() of the fd: the daemon's
 * struct checker and fd are never touched by a worker, and the daemon may
 * close its fd or put the checker at any moment. Put while the job runs,
 * the job takes the record over: the worker frees the plugin context,
 * drops the plugin reference and frees the record (check_released()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "async.h"
#include "mpath_time.h"
#include "registry.h"
#include "states.h"

static struct checker_priv *priv_of(struct job *job)
{
	return (struct checker_priv *)((char *)job -
				       offsetof(struct checker_priv, job));
}

/* On a worker, no lock held: one check on the shadow. */
static int run_check(struct job *job)
{
	struct checker_priv *priv = priv_of(job);
	struct checker *shadow = &priv->shadow;
	int state;

	state = plugin_result(shadow, priv->plugin->check(shadow));
	if (shadow->fd >= 0)
		close(shadow->fd);
	shadow->fd = -1;
	return state;
}

/* On a worker, no lock held: the last of a job whose checker was put. */
static void check_released(struct job *job)
{
	struct checker_priv *priv = priv_of(job);
	struct checker_plugin *p = priv->plugin;

	if (p->free)
		p->free(&priv->shadow);
	plugin_unref(p);	/* may unload: this is library code */
	free(priv);
}

static const struct job_ops check_ops = {
	.run = run_check,
	.released = check_released,
};

void async_init(struct checker_priv *priv)
{
	priv->job.ops = &check_ops;
	priv->job.stats = &priv->plugin->jobs;
	priv->shadow.fd = -1;
}

/*
 * A job still outstanding: PATH_PENDING, or PATH_TIMEOUT once it is late,
 * with the reason. settling: a new check was asked for, and none starts
 * while the last one runs.
 */
static void report_outstanding(struct checker *c, enum job_progress pr,
			       bool settling)
{
	switch (pr) {
	case JOB_ON_TIME:
		c->path_state = PATH_PENDING;
		return;
	case JOB_LATE_QUEUED:
		c->msgid = CHECKER_MSGID_NO_WORKER;
		break;
	case JOB_LATE:
		c->msgid = settling ? CHECKER_MSGID_STILL_HUNG :
				      CHECKER_MSGID_TIMED_OUT;
		break;
	case JOB_STILL_LATE:
		c->msgid = CHECKER_MSGID_STILL_HUNG;
		break;
	}
	c->path_state = PATH_TIMEOUT;
}

bool async_settle(struct checker *c)
{
	enum job_progress pr;

	if (!executor_settle(&checker_priv(c->cls)->job, &pr))
		return false;
	report_outstanding(c, pr, true);
	return true;
}

void async_submit(struct checker *c)
{
	struct checker_priv *priv = checker_priv(c->cls);
	int fd;

	fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		mp_debug("checker %s: cannot dup fd %d: %s", priv->plugin->name,
			 c->fd, strerror(errno));
		c->msgid = CHECKER_MSGID_NO_FD;
		c->path_state = PATH_WILD;
		return;
	}
	priv->shadow = *c;
	priv->shadow.fd = fd;
	priv->job.arg = c;	/* what checker_completed() hands out */
	executor_submit(&priv->job, mpath_check_timeout_s(c));
	c->path_state = PATH_PENDING;
}

int async_get_state(struct checker *c)
{
	struct checker_priv *priv = checker_priv(c->cls);
	enum job_progress pr;

	switch (executor_collect(&priv->job, &pr)) {
	case JOB_DONE:
		/* IDLE again: the shadow is ours, the worker is done with it. */
		c->path_state = priv->job.result;
		c->msgid = priv->shadow.msgid;
		c->context = priv->shadow.context;
		break;
	case JOB_QUEUED:
	case JOB_RUNNING:
		report_outstanding(c, pr, false);
		break;
	default:
		break;
	}
	return c->path_state;
}

bool async_need_wait(struct checker *c)
{
	return executor_need_wait(&checker_priv(c->cls)->job);
}

bool async_release(struct checker_priv *priv)
{
	switch (executor_release(&priv->job)) {
	case JOB_RUNNING:
		return false;
	case JOB_QUEUED:
		/* Taken off the queue unrun: its fd is ours to close. */
		close(priv->shadow.fd);
		priv->shadow.fd = -1;
		break;
	default:
		break;
	}
	return true;
}

#define COMPLETED_BATCH 64

unsigned int checker_completed(struct checker **done, unsigned int max)
{
	void *batch[COMPLETED_BATCH];
	unsigned int n = 0;

	if (!done)
		return 0;
	while (n < max) {
		unsigned int want = max - n, got, i;

		if (want > COMPLETED_BATCH)
			want = COMPLETED_BATCH;
		got = executor_take_done(batch, want);
		for (i = 0; i < got; i++)
			done[n++] = batch[i];
		if (got < want)
			break;
	}
	return n;
}

int checker_event_fd(void)
{
	return executor_event_fd();
}

int checker_executor_set_limits(unsigned int max_workers,
				unsigned int max_stuck)
{
	return executor_set_limits(max_workers, max_stuck);
}

void checker_executor_stats(struct checker_executor_stats *s)
{
	struct executor_stats es;

	executor_get_stats(&es);
	s->workers = es.workers;
	s->idle = es.idle;
	s->written_off = es.written_off;
	s->queued = es.queued;
	s->max_workers = es.max_workers;
	s->max_stuck = es.max_stuck;
}
