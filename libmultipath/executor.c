// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * executor.c - a generic job queue: runs jobs (executor.h) on a pool of
 * worker threads the library owns, with deadlines and bounded growth.
 *
 * Calls: log.h, rcu.h (workers register with RCU, as the jobs' code may
 * read RCU-protected data). Called by async.c (jobs from checkers) and
 * registry.c (executor_quiesce() at cleanup). It calls nothing of its
 * users except each job's run() and released() callbacks.
 *
 * A job is embedded in its owner's record (at most one outstanding job per
 * record, so nothing is allocated per job). Job states, and who owns the
 * job's fields in each, are in executor.h; transitions happen under
 * pool.lock, and only the owner moves a job to or from IDLE.
 *
 * Hung jobs: a running job past its deadline makes its worker "written
 * off": it no longer counts as a worker, and a replacement may be started.
 * At most max_stuck workers are written off at a time; past that, nothing
 * grows and queued jobs wait, their owners finding them late. Threads are
 * bounded by max_workers + max_stuck, the queue and the done list by the
 * number of jobs (each job is on each at most once).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "log.h"
#include "mpath_time.h"
#include "rcu.h"

#define DEFAULT_MAX_WORKERS	64
#define DEFAULT_MAX_STUCK	256
#define IDLE_EXIT_S		30	/* an idle worker exits after this */
#define WORKER_STACK		(256 * 1024)
#define GROW_AFTER_NS		1000000ull	/* 1 ms in the queue: grow */

struct worker {
	pthread_t thread;
	struct worker *next;		/* pool.workers */
	struct worker *next_idle;	/* pool.idle stack, while idle */
	pthread_cond_t wake;		/* signalled when claimed or told to go */
	bool claimed;			/* taken off the idle stack: work to do */
	bool dismissed;			/* woken to exit (shrinking) */
	bool standby;			/* pool.standby: see arm_standby() */
	struct job *job;		/* running job, or NULL */
	bool written_off;
};

/*
 * The pool. lock protects every field below it, the executor's fields of
 * each job (executor.h), and the consistency of the owners' job counters
 * (they are atomics only so that statistics can read them without the
 * lock). Never held while calling a job's run() or released(): those may
 * block, close descriptors, or unload code.
 *
 * Growth follows evidence of a backlog, not the queue's length: two cores
 * cannot run 64 workers usefully, and waking a worker costs more than a
 * quick job. A submit wakes a worker only if none is awake or the oldest
 * queued job has waited GROW_AFTER_NS; a worker that takes a job which
 * waited that long wakes one more. Jobs that block thus fan out to more
 * workers within a few milliseconds; jobs that return at once are drained
 * by one or two. When a job is queued while every awake worker is busy (and
 * a busy worker may be hung), one idle worker stands by: it sleeps until the
 * oldest job has waited GROW_AFTER_NS and then takes it, so no job waits
 * longer than that behind hung or slow jobs, whether or not the owner
 * polls. That costs one wake-up per burst of jobs, not one per job.
 */
/* A FIFO of jobs, linked through job->next and job->prev; under pool.lock. */
struct job_list {
	struct job *head, *tail;
	unsigned int nr;
};

static struct {
	pthread_mutex_t lock;
	struct job_list queue;		/* queued jobs, oldest first */
	struct job_list done;		/* completed jobs, oldest first */
	struct worker *workers;		/* every live worker thread */
	struct worker *idle;		/* idle workers, most recent first */
	struct worker *standby;		/* the standby worker, if any */
	unsigned int nr_workers;	/* live, not written off */
	unsigned int nr_idle;		/* on the idle stack */
	unsigned int nr_stuck;		/* written off, still running */
	unsigned int max_workers;
	unsigned int max_stuck;
	bool shrink;			/* idle workers should exit */
	bool notify_armed;		/* next completion writes event_fd */
	int event_fd;			/* -1 until first needed */
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.max_workers = DEFAULT_MAX_WORKERS,
	.max_stuck = DEFAULT_MAX_STUCK,
	.notify_armed = true,
	.event_fd = -1,
};

#define stat_add(field, n) __atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)

/*
 * state is written under pool.lock but read without it by the owner
 * (job_state()), which only needs to know "IDLE or not": only the owner
 * moves a job to or from IDLE, so a relaxed access suffices.
 */
#define job_set(job, s)	__atomic_store_n(&(job)->state, (s), __ATOMIC_RELAXED)

/* Under pool.lock: job at the end of l. A job is on one list at most. */
static void list_append(struct job_list *l, struct job *job)
{
	job->next = NULL;
	job->prev = l->tail;
	if (l->tail)
		l->tail->next = job;
	else
		l->head = job;
	l->tail = job;
	l->nr++;
}

/* Under pool.lock: job off l, which holds it. */
static void list_unlink(struct job_list *l, struct job *job)
{
	if (job->prev)
		job->prev->next = job->next;
	else
		l->head = job->next;
	if (job->next)
		job->next->prev = job->prev;
	else
		l->tail = job->prev;
	job->next = job->prev = NULL;
	l->nr--;
}

/* Under pool.lock. */
static void queue_push(struct job *job)
{
	list_append(&pool.queue, job);
	stat_add(job->stats->queued, 1);
}

/* Under pool.lock. */
static void queue_remove(struct job *job)
{
	list_unlink(&pool.queue, job);
	stat_add(job->stats->queued, -1);
}

/* Under pool.lock: a job completed, append it to the done list. */
static void done_push(struct job *job)
{
	list_append(&pool.done, job);
	job->on_done = true;
}

/* Under pool.lock: off the done list, if it is on it. */
static void done_remove(struct job *job)
{
	if (!job->on_done)
		return;
	list_unlink(&pool.done, job);
	job->on_done = false;
}

/* Under pool.lock: DONE (or IDLE) -> IDLE, off the done list. */
static void job_idle(struct job *job)
{
	done_remove(job);
	job_set(job, JOB_IDLE);
}

/* Under pool.lock: create the eventfd if it does not exist yet. */
static int event_fd_locked(void)
{
	if (pool.event_fd < 0) {
		pool.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (pool.event_fd < 0)
			mp_err("executor: cannot create eventfd: %s",
			       strerror(errno));
	}
	return pool.event_fd;
}

int executor_event_fd(void)
{
	int fd;

	pthread_mutex_lock(&pool.lock);
	fd = event_fd_locked();
	pthread_mutex_unlock(&pool.lock);
	return fd < 0 ? -EMFILE : fd;
}

/* Under pool.lock: a worker past its job's deadline stops counting. */
static bool write_off(struct worker *w)
{
	if (w->written_off || pool.nr_stuck >= pool.max_stuck)
		return false;
	w->written_off = true;
	pool.nr_workers--;
	pool.nr_stuck++;
	stat_add(w->job->stats->stuck, 1);
	mp_notice("executor: a job of %s hung past its deadline; worker written off (%u hung)",
		  w->job->stats->name, pool.nr_stuck);
	return true;
}

/* Under pool.lock: write off every worker whose job is past its deadline. */
static void write_off_expired(uint64_t now)
{
	struct worker *w;

	for (w = pool.workers; w; w = w->next)
		if (w->job && !w->written_off && now >= w->job->deadline)
			write_off(w);
}

static void *worker_main(void *arg);

/* Workers' condition variables time out on the monotonic clock. */
static void worker_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

static struct timespec ns_to_timespec(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / MPATH_NSEC_PER_SEC,
		.tv_nsec = ns % MPATH_NSEC_PER_SEC,
	};

	return ts;
}

/* Under pool.lock: start a worker (a standby one, or one that takes work). */
static void spawn_worker(bool standby)
{
	pthread_attr_t attr;
	struct worker *w;
	int err;

	if (pool.nr_workers >= pool.max_workers)
		write_off_expired(mpath_now_ns());
	if (pool.nr_workers >= pool.max_workers)
		return;
	w = calloc(1, sizeof(*w));
	if (!w)
		return;
	worker_cond_init(&w->wake);
	w->standby = standby;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	err = pthread_create(&w->thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (err) {
		pthread_cond_destroy(&w->wake);
		free(w);
		mp_warn("executor: cannot start a worker: %s", strerror(err));
		return;
	}
	w->next = pool.workers;
	pool.workers = w;
	pool.nr_workers++;
	if (standby)
		pool.standby = w;
}

/* Under pool.lock: claim the most recently idle worker, or start one. */
static void wake_one(void)
{
	struct worker *w = pool.idle;

	if (!w) {
		spawn_worker(false);
		return;
	}
	pool.idle = w->next_idle;
	pool.nr_idle--;
	w->claimed = true;
	pthread_cond_signal(&w->wake);
}

/* Under pool.lock: is the oldest queued job waiting too long? */
static bool backlog(uint64_t now)
{
	return pool.queue.head &&
	       now - pool.queue.head->queued_at >= GROW_AFTER_NS;
}

/* Under pool.lock: make an idle worker the standby (see the pool comment). */
static void arm_standby(void)
{
	struct worker *w = pool.idle;

	if (pool.standby)
		return;
	if (!w) {
		spawn_worker(true);
		return;
	}
	pool.idle = w->next_idle;
	pool.nr_idle--;
	w->claimed = true;
	w->standby = true;
	pool.standby = w;
	pthread_cond_signal(&w->wake);
}

/*
 * Under pool.lock: the standby worker waits until the oldest job has waited
 * GROW_AFTER_NS. Returns true when it should take that job now; false when
 * the queue drained meanwhile (it is no longer the standby then).
 */
static bool standby_wait(struct worker *w)
{
	while (pool.queue.head && !pool.shrink) {
		uint64_t due = pool.queue.head->queued_at + GROW_AFTER_NS;
		struct timespec until;

		if (mpath_now_ns() >= due)
			break;
		until = ns_to_timespec(due);
		pthread_cond_timedwait(&w->wake, &pool.lock, &until);
	}
	w->standby = false;
	pool.standby = NULL;
	return pool.queue.head != NULL;
}

/* Under pool.lock. */
static void worker_unlink(struct worker *w)
{
	struct worker **pp;

	for (pp = &pool.workers; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
}

/*
 * Under pool.lock: tell the owners a job completed. Writes are coalesced:
 * after one write, completions stay silent until an owner looks at a job
 * again (a submit, settle, collect or take_done re-arms them), so a round
 * of ten thousand completions costs a handful of wake-ups, and none is
 * lost: a job that completes after the owner last looked finds the
 * notification armed.
 */
static void notify_completion(void)
{
	uint64_t one = 1;

	if (!pool.notify_armed || pool.event_fd < 0)
		return;
	pool.notify_armed = false;
	/* EAGAIN means the counter is saturated: already readable. */
	if (write(pool.event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		mp_debug("executor: eventfd write: %s", strerror(errno));
}

/* Run one job. Called with the lock held, which is dropped meanwhile. */
static void run_job(struct worker *w, struct job *job)
{
	int state;

	pthread_mutex_unlock(&pool.lock);
	state = job->ops->run(job);

	pthread_mutex_lock(&pool.lock);
	/*
	 * Counted here, under the lock that publishes the result, so that
	 * whoever sees the count move finds the result too (DONE, and on
	 * the done list), never a moment before.
	 */
	stat_add(job->stats->completed, 1);
	w->job = NULL;
	job->worker = NULL;
	job->result = state;
	stat_add(job->stats->running, -1);
	if (w->written_off) {
		w->written_off = false;
		pool.nr_stuck--;
		pool.nr_workers++;
		stat_add(job->stats->stuck, -1);
	}
	if (job->orphaned) {
		/* The owner gave it up: its record is ours to hand back. */
		pthread_mutex_unlock(&pool.lock);
		job->ops->released(job);
		pthread_mutex_lock(&pool.lock);
	} else {
		job_set(job, JOB_DONE);
		done_push(job);
		notify_completion();
	}
}

/* Under pool.lock: wait on the idle stack. Returns false: exit instead. */
static bool worker_idle(struct worker *w)
{
	struct timespec until;

	if (pool.shrink || pool.nr_workers > pool.max_workers)
		return false;
	w->claimed = false;
	w->dismissed = false;
	w->next_idle = pool.idle;
	pool.idle = w;
	pool.nr_idle++;
	until = ns_to_timespec(mpath_now_ns() + IDLE_EXIT_S * MPATH_NSEC_PER_SEC);
	while (!w->claimed && !w->dismissed) {
		if (pthread_cond_timedwait(&w->wake, &pool.lock, &until) ==
		    ETIMEDOUT)
			break;
	}
	/*
	 * Claimed: for work, or as the standby. Either way back to the main
	 * loop, which gives up the standby role (standby_wait) before it
	 * decides to exit; exiting here would leave pool.standby dangling.
	 */
	if (w->claimed)
		return true;
	/* Timed out (or told to go) while still on the idle stack. */
	for (struct worker **pp = &pool.idle; *pp; pp = &(*pp)->next_idle) {
		if (*pp == w) {
			*pp = w->next_idle;
			pool.nr_idle--;
			break;
		}
	}
	return false;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	mp_rcu_register();
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		struct job *job;
		uint64_t now;

		/*
		 * A worker that came back from a hung job into a full pool
		 * leaves, but only once the queue is empty: jobs may have been
		 * waiting just for it (the stuck cap). Still bounded: it was
		 * counted among the max_stuck while it hung.
		 */
		if (w->standby && !standby_wait(w))
			continue;
		if (!pool.queue.head) {
			if (!worker_idle(w))
				break;
			continue;
		}
		job = pool.queue.head;
		queue_remove(job);
		job_set(job, JOB_RUNNING);
		job->worker = w;
		w->job = job;
		stat_add(job->stats->running, 1);
		/* This job waited long: the queue is backing up, add a hand. */
		now = mpath_now_ns();
		if (pool.queue.head && now - job->queued_at >= GROW_AFTER_NS)
			wake_one();
		run_job(w, job);
	}
	pool.nr_workers--;
	if (pool.standby == w)		/* cannot happen; never dangle */
		pool.standby = NULL;
	worker_unlink(w);
	pthread_mutex_unlock(&pool.lock);
	pthread_cond_destroy(&w->wake);
	free(w);
	mp_rcu_unregister();
	return NULL;
}

/*
 * Under pool.lock: job is outstanding (QUEUED or RUNNING). How does it
 * stand against its deadline? Past it, the job counts as timed out (once),
 * and its worker is written off, letting a replacement take queued jobs.
 */
static enum job_progress progress_of(struct job *job)
{
	enum job_progress pr;

	if (mpath_now_ns() < job->deadline)
		return JOB_ON_TIME;
	if (job_state(job) == JOB_QUEUED)
		pr = JOB_LATE_QUEUED;
	else
		pr = job->late ? JOB_STILL_LATE : JOB_LATE;
	if (!job->late) {
		job->late = true;
		stat_add(job->stats->timed_out, 1);
	}
	if (job->worker && write_off(job->worker) && pool.queue.head)
		wake_one();
	return pr;
}

bool executor_settle(struct job *job, enum job_progress *progress)
{
	int state;

	pthread_mutex_lock(&pool.lock);
	state = job_state(job);
	if (state == JOB_QUEUED || state == JOB_RUNNING) {
		pool.notify_armed = true;
		*progress = progress_of(job);
		pthread_mutex_unlock(&pool.lock);
		return true;
	}
	job_idle(job);
	pthread_mutex_unlock(&pool.lock);
	return false;
}

/*
 * The job is IDLE, and only its owner moves it out of IDLE, so no lock is
 * needed until it is queued.
 */
void executor_submit(struct job *job, unsigned int timeout_s)
{
	uint64_t now = mpath_now_ns();

	job->queued_at = now;
	job->deadline = now + (uint64_t)timeout_s * MPATH_NSEC_PER_SEC;
	job->late = false;
	job->orphaned = false;
	stat_add(job->stats->started, 1);

	pthread_mutex_lock(&pool.lock);
	job_set(job, JOB_QUEUED);
	queue_push(job);
	pool.shrink = false;
	pool.notify_armed = true;
	event_fd_locked();
	if (pool.nr_workers == pool.nr_idle || backlog(now))
		wake_one();	/* nobody awake, or those awake can't keep up */
	else
		arm_standby();	/* those awake may be hung: stand by */
	pthread_mutex_unlock(&pool.lock);
}

int executor_collect(struct job *job, enum job_progress *progress)
{
	int state;

	pthread_mutex_lock(&pool.lock);
	pool.notify_armed = true;
	state = job_state(job);
	switch (state) {
	case JOB_DONE:
		job_idle(job);
		break;
	case JOB_QUEUED:
	case JOB_RUNNING:
		*progress = progress_of(job);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&pool.lock);
	return state;
}

bool executor_need_wait(struct job *job)
{
	bool wait;
	int state;

	pthread_mutex_lock(&pool.lock);
	state = job_state(job);
	wait = (state == JOB_QUEUED || state == JOB_RUNNING) &&
	       mpath_now_ns() < job->deadline;
	pthread_mutex_unlock(&pool.lock);
	return wait;
}

int executor_release(struct job *job)
{
	int state;

	pthread_mutex_lock(&pool.lock);
	state = job_state(job);
	switch (state) {
	case JOB_QUEUED:
		queue_remove(job);
		job_idle(job);
		break;
	case JOB_RUNNING:
		job->orphaned = true;
		break;
	default:
		job_idle(job);
		break;
	}
	pthread_mutex_unlock(&pool.lock);
	return state;
}

unsigned int executor_take_done(void **args, unsigned int max)
{
	unsigned int n = 0;

	pthread_mutex_lock(&pool.lock);
	pool.notify_armed = true;
	while (n < max && pool.done.head) {
		struct job *job = pool.done.head;

		done_remove(job);
		args[n++] = job->arg;
	}
	pthread_mutex_unlock(&pool.lock);
	return n;
}

/* Under pool.lock: every idle worker wakes up unclaimed and exits. */
static void dismiss_idle(void)
{
	struct worker *w;

	for (w = pool.idle; w; w = w->next_idle) {
		w->dismissed = true;
		pthread_cond_signal(&w->wake);
	}
	if (pool.standby)
		pthread_cond_signal(&pool.standby->wake);
}

void executor_quiesce(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.shrink = true;
	dismiss_idle();
	pthread_mutex_unlock(&pool.lock);
}

int executor_set_limits(unsigned int max_workers, unsigned int max_stuck)
{
	if (max_workers == 0 || max_workers > 4096 || max_stuck > 65536)
		return -EINVAL;
	pthread_mutex_lock(&pool.lock);
	pool.max_workers = max_workers;
	pool.max_stuck = max_stuck;
	if (pool.nr_workers > max_workers)
		dismiss_idle();		/* extra workers exit */
	pthread_mutex_unlock(&pool.lock);
	return 0;
}

void executor_get_stats(struct executor_stats *s)
{
	pthread_mutex_lock(&pool.lock);
	s->workers = pool.nr_workers;
	s->idle = pool.nr_idle;
	s->written_off = pool.nr_stuck;
	s->queued = pool.queue.nr;
	s->done = pool.done.nr;
	s->max_workers = pool.max_workers;
	s->max_stuck = pool.max_stuck;
	pthread_mutex_unlock(&pool.lock);
}
