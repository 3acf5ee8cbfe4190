/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * executor.h - a generic job queue: a pool of worker threads the library
 * owns runs jobs, each with a deadline, with bounded growth (executor.c).
 *
 * The executor knows nothing of checkers or plugins. A job is a function
 * to run on a worker, embedded in its owner's record (container_of() gets
 * the record back) or an arg, with a deadline, a result, a callback for a job
 * released while it runs, a pointer to its owner's counters and a name for
 * the log. async.c builds jobs from checkers.
 *
 * One owner thread per job: the owner (the thread that submits it) is the
 * only one that submits, settles, collects or releases a given job. Jobs
 * that complete are also appended to a done list, from which a consumer
 * takes exactly what completed (executor_take_done()).
 */
#ifndef MPATH_EXECUTOR_H
#define MPATH_EXECUTOR_H

#include <stdbool.h>
#include <stdint.h>

struct worker;

/*
 * A job's states, and who owns the job's fields in each:
 *   IDLE     the owner (nothing outstanding).
 *   QUEUED   the pool (on the queue); the owner may release it.
 *   RUNNING  the worker running it. Released now, the job is handed over:
 *            the worker calls job->released() after job->run() returned,
 *            which frees the owner's record.
 *   DONE     the owner, which collects job->result (executor_collect()).
 */
enum job_state { JOB_IDLE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* How a job still outstanding stands against its deadline. */
enum job_progress {
	JOB_ON_TIME,		/* queued or running, before its deadline */
	JOB_LATE_QUEUED,	/* past its deadline without a worker */
	JOB_LATE,		/* running past its deadline: first reported */
	JOB_STILL_LATE,		/* running past its deadline: reported before */
};

/*
 * The counters of one owner of jobs (e.g. one plugin), shared by all its
 * jobs, with the owner's name for the log. The counters are __atomic, so
 * statistics read them without the pool's lock; the pool keeps them
 * consistent under its lock. name is set before the first job is
 * submitted and never changes.
 */
struct job_stats {
	const char *name;		/* its owner, for the log */
	unsigned long started;		/* submitted, ever */
	unsigned long completed;	/* run() returned, ever */
	unsigned long timed_out;	/* reported past the deadline, ever */
	long queued;			/* waiting for a worker now */
	long running;			/* on a worker now, stuck ones too */
	long stuck;			/* running past their deadline now */
};

struct job;

/* What a kind of job does: shared by every job of that kind. */
struct job_ops {
	int (*run)(struct job *job);	/* on a worker, no lock held */
	void (*released)(struct job *job);	/* see JOB_RUNNING above */
};

/*
 * One job, embedded in its owner's record (one per checker: a check
 * allocates nothing). Kept small: there is one per path.
 */
struct job {
	/* Set by the owner before the first submit; then read-only. */
	const struct job_ops *ops;
	struct job_stats *stats;	/* valid until released() returns */
	void *arg;			/* the owner's; see executor_take_done() */

	/* The executor's, under its lock (see executor.c). */
	int state;			/* enum job_state; __atomic */
	int result;			/* what run() returned, in JOB_DONE */
	bool orphaned;			/* released while running */
	bool late;			/* reported past its deadline */
	bool on_done;			/* linked on the done list, not the queue */
	uint64_t queued_at;		/* mpath_now_ns() */
	uint64_t deadline;		/* mpath_now_ns() */
	/*
	 * The queue while QUEUED, the done list while DONE and on_done: a
	 * job is never on both, so one pair of links serves either.
	 */
	struct job *next, *prev;
	struct worker *worker;		/* the worker running it */
};

/*
 * job_state - the job's state without the pool's lock. Only the owner
 * moves a job to or from JOB_IDLE, so the owner can tell "outstanding or
 * not" from a relaxed load; anything finer needs the calls below.
 */
static inline int job_state(const struct job *job)
{
	return __atomic_load_n(&job->state, __ATOMIC_RELAXED);
}

/*
 * executor_submit - queue an IDLE job, due within timeout_s seconds. The
 * caller has set ops, stats (with its name) and arg. Never blocks for long
 * (takes the pool's lock; may start a worker thread).
 */
void executor_submit(struct job *job, unsigned int timeout_s);

/*
 * executor_settle - before the owner submits the job again: true if it is
 * still QUEUED or RUNNING (*progress says how it stands); false if it is
 * IDLE now (a DONE job's uncollected result is dropped).
 */
bool executor_settle(struct job *job, enum job_progress *progress);

/*
 * executor_collect - the job's state, as found: JOB_DONE (the result is in
 * job->result and the job is IDLE again), JOB_QUEUED or JOB_RUNNING
 * (*progress says how it stands), or JOB_IDLE.
 */
int executor_collect(struct job *job, enum job_progress *progress);

/* executor_need_wait - queued or running, and before its deadline. */
bool executor_need_wait(struct job *job);

/*
 * executor_release - the owner gives the job up. Returns the state it had:
 * JOB_RUNNING means the worker took the job over (and calls released()
 * when run() returns); otherwise the job is IDLE and the owner's again (a
 * QUEUED job was taken off the queue without running).
 */
int executor_release(struct job *job);

/*
 * executor_take_done - take up to max jobs off the done list, oldest first,
 * storing each one's arg (as it was when the job was submitted) in args[];
 * returns how many. A job is on the done list from its completion until it
 * is taken, collected, settled or released, so each completion is handed
 * out at most once, and never after its owner released the job. The jobs
 * stay DONE (collect them as usual). The args are read under the pool's
 * lock, so a job released meanwhile is never touched. Re-arms the
 * completion eventfd, as looking at a job does.
 */
unsigned int executor_take_done(void **args, unsigned int max);

/*
 * executor_event_fd - the eventfd written when jobs complete, created on
 * first use; the fd or -errno. Writes are coalesced (see executor.c).
 */
int executor_event_fd(void);

/* executor_quiesce - idle workers exit; busy ones finish their job first. */
void executor_quiesce(void);

/* executor_set_limits - 0 or -EINVAL; see checker_executor_set_limits(). */
int executor_set_limits(unsigned int max_workers, unsigned int max_stuck);

struct executor_stats {
	unsigned int workers;		/* live workers, not written off */
	unsigned int idle;		/* of those, waiting for work */
	unsigned int written_off;	/* hung past a deadline, still alive */
	unsigned int queued;		/* jobs waiting for a worker */
	unsigned int done;		/* jobs on the done list */
	unsigned int max_workers;
	unsigned int max_stuck;
};

void executor_get_stats(struct executor_stats *s);

#endif /* MPATH_EXECUTOR_H */
