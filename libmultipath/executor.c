// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * executor.c - running blocking checks asynchronously on a library-owned
 * pool of worker threads, with deadlines and bounded growth.
 *
 * A checker's job is embedded in its struct checker_class (at most one
 * outstanding job per checker, so nothing is allocated per check). The
 * worker runs the plugin's libcheck_check() on the job's own copy of the
 * struct checker (the "shadow"), with its own dup() of the fd: the daemon's
 * struct checker and fd are never touched by a worker, and the daemon may
 * close its fd or put the checker at any moment.
 *
 * Job states and who owns the job's fields in each:
 *   IDLE     the daemon (no job outstanding).
 *   QUEUED   the pool (on the queue); the daemon may remove it.
 *   RUNNING  the worker running it. If the daemon puts the checker now, the
 *            job is "orphaned": the worker frees the plugin context, closes
 *            the fd, drops the class reference and frees the record.
 *   DONE     the daemon, which collects the result in checker_get_state().
 * Transitions happen under pool.lock.
 *
 * Hung checks: a running job past its deadline makes its worker "written
 * off": it no longer counts as a worker, and a replacement may be started.
 * At most max_stuck workers are written off at a time; past that, nothing
 * grows and queued jobs wait, their checkers reporting why. Threads are
 * bounded by max_workers + max_stuck, the queue by the number of checkers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "rcu.h"

#define DEFAULT_MAX_WORKERS	64
#define DEFAULT_MAX_STUCK	256
#define DEFAULT_TIMEOUT_S	30	/* when a checker's timeout is 0 */
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
	struct checker_class *job;	/* running job, or NULL */
	bool written_off;
};

/*
 * The pool. lock protects every field below it, each job's state, list
 * linkage, worker and orphaned fields, and the per-class job counters'
 * consistency (they are atomics only so that statistics can read them
 * without the lock). Never held while calling plugin code, dup()/close(),
 * or dropping a class reference.
 *
 * Growth follows evidence of a backlog, not the queue's length: two cores
 * cannot run 64 workers usefully, and waking a worker costs more than a
 * quick check. A submit wakes a worker only if none is awake or the oldest
 * queued job has waited GROW_AFTER_NS; a worker that takes a job which
 * waited that long wakes one more. Checks that block thus fan out to more
 * workers within a few milliseconds; checks that return at once are drained
 * by one or two. When a job is queued while every awake worker is busy (and
 * a busy worker may be hung), one idle worker stands by: it sleeps until the
 * oldest job has waited GROW_AFTER_NS and then takes it, so no job waits
 * longer than that behind hung or slow checks, whether or not the daemon
 * polls. That costs one wake-up per burst of checks, not one per check.
 */
static struct {
	pthread_mutex_t lock;
	struct checker_class *head, *tail;	/* FIFO of queued jobs */
	struct worker *workers;		/* every live worker thread */
	struct worker *idle;		/* idle workers, most recent first */
	struct worker *standby;		/* the standby worker, if any */
	unsigned int nr_workers;	/* live, not written off */
	unsigned int nr_idle;		/* on the idle stack */
	unsigned int nr_stuck;		/* written off, still running */
	unsigned int nr_queued;
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define stat_add(field, n) __atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)

/*
 * job_state is written under pool.lock but read without it by the daemon's
 * thread (checker.c), which only needs to know "IDLE or not": only that
 * thread moves a job to or from IDLE, so a relaxed load suffices.
 */
#define job_get(job)	__atomic_load_n(&(job)->job_state, __ATOMIC_RELAXED)
#define job_set(job, s)	__atomic_store_n(&(job)->job_state, (s), __ATOMIC_RELAXED)

/* Under pool.lock. */
static void queue_push(struct checker_class *job)
{
	job->next = NULL;
	job->prev = pool.tail;
	if (pool.tail)
		pool.tail->next = job;
	else
		pool.head = job;
	pool.tail = job;
	pool.nr_queued++;
	stat_add(job->plugin->jobs_queued, 1);
}

/* Under pool.lock. */
static void queue_remove(struct checker_class *job)
{
	if (job->prev)
		job->prev->next = job->next;
	else
		pool.head = job->next;
	if (job->next)
		job->next->prev = job->prev;
	else
		pool.tail = job->prev;
	job->next = job->prev = NULL;
	pool.nr_queued--;
	stat_add(job->plugin->jobs_queued, -1);
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

int checker_event_fd(void)
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
	stat_add(w->job->plugin->jobs_stuck, 1);
	mp_notice("checker %s: check hung past its deadline; worker written off (%u hung)",
		  w->job->plugin->name, pool.nr_stuck);
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
		.tv_sec = ns / 1000000000ull,
		.tv_nsec = ns % 1000000000ull,
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
		write_off_expired(now_ns());
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
	return pool.head && now - pool.head->queued_at >= GROW_AFTER_NS;
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
	while (pool.head && !pool.shrink) {
		uint64_t due = pool.head->queued_at + GROW_AFTER_NS;
		struct timespec until;

		if (now_ns() >= due)
			break;
		until = ns_to_timespec(due);
		pthread_cond_timedwait(&w->wake, &pool.lock, &until);
	}
	w->standby = false;
	pool.standby = NULL;
	return pool.head != NULL;
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

/* The last of a job whose checker was put while it ran. No lock held. */
static void job_free_orphan(struct checker_class *job)
{
	struct checker_plugin *p = job->plugin;

	if (p->free)
		p->free(&job->shadow);
	plugin_unref(p);	/* may unload: this is library code */
	free(job);
}

/*
 * Under pool.lock: tell the daemon a job completed. Writes are coalesced:
 * after one write, completions stay silent until the daemon looks at a job
 * again (checker_get_state() or a new check re-arm it), so a round of ten
 * thousand completions costs a handful of wake-ups, and none is lost: a job
 * that completes after the daemon last looked finds the notification armed.
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
static void run_job(struct worker *w, struct checker_class *job)
{
	struct checker_plugin *p = job->plugin;
	int state;

	pthread_mutex_unlock(&pool.lock);
	state = plugin_result(&job->shadow, p->check(&job->shadow));
	if (job->shadow.fd >= 0)
		close(job->shadow.fd);
	job->shadow.fd = -1;
	stat_add(p->checks_completed, 1);

	pthread_mutex_lock(&pool.lock);
	w->job = NULL;
	job->worker = NULL;
	job->result = state;
	stat_add(p->jobs_running, -1);
	if (w->written_off) {
		w->written_off = false;
		pool.nr_stuck--;
		pool.nr_workers++;
		stat_add(p->jobs_stuck, -1);
	}
	if (job->orphaned) {
		pthread_mutex_unlock(&pool.lock);
		job_free_orphan(job);
		pthread_mutex_lock(&pool.lock);
	} else {
		job_set(job, JOB_DONE);
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
	until = ns_to_timespec(now_ns() + IDLE_EXIT_S * 1000000000ull);
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
		struct checker_class *job;
		uint64_t now;

		/*
		 * A worker that came back from a hung job into a full pool
		 * leaves, but only once the queue is empty: jobs may have been
		 * waiting just for it (the stuck cap). Still bounded: it was
		 * counted among the max_stuck while it hung.
		 */
		if (w->standby && !standby_wait(w))
			continue;
		if (!pool.head) {
			if (!worker_idle(w))
				break;
			continue;
		}
		job = pool.head;
		queue_remove(job);
		job_set(job, JOB_RUNNING);
		job->worker = w;
		w->job = job;
		stat_add(job->plugin->jobs_running, 1);
		/* This job waited long: the queue is backing up, add a hand. */
		now = now_ns();
		if (pool.head && now - job->queued_at >= GROW_AFTER_NS)
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

/* The timeout message of a job still outstanding at its deadline. */
static short overdue_msgid(const struct checker_class *job)
{
	if (job_get(job) == JOB_QUEUED)
		return CHECKER_MSGID_NO_WORKER;
	return job->timed_out ? CHECKER_MSGID_STILL_HUNG :
				CHECKER_MSGID_TIMED_OUT;
}

/*
 * Under pool.lock: the job of c is outstanding (QUEUED or RUNNING). Report
 * PATH_PENDING, or PATH_TIMEOUT once the deadline has passed.
 */
static void report_outstanding(struct checker *c, struct checker_class *job)
{
	uint64_t now = now_ns();

	if (now < job->deadline) {
		c->path_state = PATH_PENDING;
		return;
	}
	c->msgid = overdue_msgid(job);
	c->path_state = PATH_TIMEOUT;
	if (!job->timed_out) {
		job->timed_out = true;
		stat_add(job->plugin->checks_timed_out, 1);
	}
	if (job->worker && write_off(job->worker) && pool.head)
		wake_one();
}

/*
 * executor_settle - before a new check of c: if its job is still queued or
 * running, report PATH_PENDING or PATH_TIMEOUT and return true (no new
 * check may start, whether the checker is sync or async now); a finished
 * job's uncollected result is stale and is dropped. Daemon's thread only.
 */
bool executor_settle(struct checker *c)
{
	struct checker_class *job = c->cls;
	int state;

	pthread_mutex_lock(&pool.lock);
	state = job_get(job);
	if (state == JOB_QUEUED || state == JOB_RUNNING) {
		pool.notify_armed = true;
		report_outstanding(c, job);
		if (c->path_state == PATH_TIMEOUT && state == JOB_RUNNING)
			c->msgid = CHECKER_MSGID_STILL_HUNG;
		pthread_mutex_unlock(&pool.lock);
		return true;
	}
	job_set(job, JOB_IDLE);
	pthread_mutex_unlock(&pool.lock);
	return false;
}

/*
 * executor_submit - queue a check of c. Called by checker_check() once
 * executor_settle() found no job outstanding: the job is IDLE, and only
 * this thread moves it out of IDLE, so no lock is needed until it is queued.
 */
void executor_submit(struct checker *c)
{
	struct checker_class *job = c->cls;
	unsigned int timeout = c->timeout ? c->timeout : DEFAULT_TIMEOUT_S;
	uint64_t now;
	int fd;

	fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		mp_debug("checker %s: cannot dup fd %d: %s", job->plugin->name,
			 c->fd, strerror(errno));
		c->msgid = CHECKER_MSGID_NO_FD;
		c->path_state = PATH_WILD;
		return;
	}
	now = now_ns();
	job->shadow = *c;
	job->shadow.fd = fd;
	job->queued_at = now;
	job->deadline = now + (uint64_t)timeout * 1000000000ull;
	job->timed_out = false;
	job->orphaned = false;
	stat_add(job->plugin->checks_started, 1);

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
	c->path_state = PATH_PENDING;
}

int executor_get_state(struct checker *c)
{
	struct checker_class *job = c->cls;

	pthread_mutex_lock(&pool.lock);
	pool.notify_armed = true;
	switch (job_get(job)) {
	case JOB_DONE:
		job_set(job, JOB_IDLE);
		c->path_state = job->result;
		c->msgid = job->shadow.msgid;
		c->context = job->shadow.context;
		break;
	case JOB_QUEUED:
	case JOB_RUNNING:
		report_outstanding(c, job);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&pool.lock);
	return c->path_state;
}

bool executor_need_wait(struct checker *c)
{
	struct checker_class *job = c->cls;
	bool wait;

	pthread_mutex_lock(&pool.lock);
	wait = (job_get(job) == JOB_QUEUED ||
		job_get(job) == JOB_RUNNING) && now_ns() < job->deadline;
	pthread_mutex_unlock(&pool.lock);
	return wait;
}

/*
 * executor_release - the daemon is done with c's record. Returns true if the
 * record still belongs to the daemon (free it and the plugin context as
 * usual), false if a running job took it over and will free both.
 */
bool executor_release(struct checker_class *job)
{
	int fd = -1;
	bool mine = true;

	pthread_mutex_lock(&pool.lock);
	switch (job_get(job)) {
	case JOB_QUEUED:
		queue_remove(job);
		fd = job->shadow.fd;
		job->shadow.fd = -1;
		job_set(job, JOB_IDLE);
		break;
	case JOB_RUNNING:
		job->orphaned = true;
		mine = false;
		break;
	default:
		job_set(job, JOB_IDLE);
		break;
	}
	pthread_mutex_unlock(&pool.lock);
	if (fd >= 0)
		close(fd);
	return mine;
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

/* Let idle workers exit (cleanup_checkers); busy ones finish first. */
void executor_quiesce(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.shrink = true;
	dismiss_idle();
	pthread_mutex_unlock(&pool.lock);
}

int checker_executor_set_limits(unsigned int max_workers,
				unsigned int max_stuck)
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

void checker_executor_stats(struct checker_executor_stats *s)
{
	pthread_mutex_lock(&pool.lock);
	s->workers = pool.nr_workers;
	s->idle = pool.nr_idle;
	s->written_off = pool.nr_stuck;
	s->queued = pool.nr_queued;
	s->max_workers = pool.max_workers;
	s->max_stuck = pool.max_stuck;
	pthread_mutex_unlock(&pool.lock);
}
