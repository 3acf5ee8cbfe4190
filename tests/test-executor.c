// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-executor.c - asynchronous checks on the library's worker pool, with
 * a real plugin (libcheckpipe.so, whose blocking check reads one byte from
 * a pipe and hangs until the test writes it): results, timeouts, hung
 * checks and their recovery, the cap on hung workers, putting checkers with
 * jobs in flight, shutdown while checks hang, the completion eventfd and
 * checker_completed()'s list of checkers whose job completed, and
 * states a blocking plugin may not return (PATH_PENDING, which nothing would
 * collect, and the framework's and daemon's own states).
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test-util.h"

/* A checker of the pipe plugin with the test's end of its pipe. */
struct pipe_checker {
	struct checker c;
	int wfd;		/* write 'u', 'd', ... here to answer */
};

static void pc_open(struct pipe_checker *pc, unsigned int timeout)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	checker_clear(&pc->c);
	checker_get(&pc->c, "pipe");
	assert_non_null(pc->c.cls);
	checker_set_fd(&pc->c, p[0]);
	pc->c.timeout = timeout;
	assert_int_equal(checker_init(&pc->c, NULL), 0);
	checker_set_async(&pc->c);
	pc->wfd = p[1];
}

/* Put the checker and close both ends; a job in flight keeps its own fd. */
static void pc_close(struct pipe_checker *pc)
{
	int rfd = pc->c.fd;

	checker_put(&pc->c);
	close(rfd);
	close(pc->wfd);
}

static void pc_answer(struct pipe_checker *pc, char state)
{
	assert_int_equal(write(pc->wfd, &state, 1), 1);
}

/* Poll checker_get_state() until it is not PENDING (or 10 s passed). */
static int pc_wait(struct pipe_checker *pc)
{
	double end = test_now() + 10;
	int state;

	while ((state = checker_get_state(&pc->c)) == PATH_PENDING &&
	       test_now() < end)
		usleep(1000);
	return state;
}

/* Like pc_wait(), but also waits out PATH_TIMEOUT of an overdue job. */
static int pc_wait_result(struct pipe_checker *pc)
{
	double end = test_now() + 10;
	int state;

	while (((state = checker_get_state(&pc->c)) == PATH_PENDING ||
		state == PATH_TIMEOUT) && test_now() < end)
		usleep(1000);
	return state;
}

struct plugin_counts {
	long refcount;
	unsigned long started, completed, timed_out;
	unsigned long queued, running, stuck;
	bool found;
};

static struct plugin_counts counts(const char *name)
{
	struct checker_plugin_stats *st;
	struct plugin_counts cc = { 0 };
	int i, n = checker_plugin_stats(&st);

	for (i = 0; i < n; i++) {
		if (strcmp(st[i].name, name) != 0 || cc.found)
			continue;
		cc.found = true;
		cc.refcount = st[i].refcount;
		cc.started = st[i].checks_started;
		cc.completed = st[i].checks_completed;
		cc.timed_out = st[i].checks_timed_out;
		cc.queued = st[i].jobs_queued;
		cc.running = st[i].jobs_running;
		cc.stuck = st[i].jobs_stuck;
	}
	if (n >= 0)
		free(st);
	return cc;
}

static bool pipe_idle(void *arg)
{
	struct plugin_counts cc = counts("pipe");

	return cc.queued == 0 && cc.running == 0 &&
	       cc.refcount == (long)(intptr_t)arg;
}

static bool job_running(void *arg)
{
	return counts("pipe").running == 1;
}

static bool pipe_gone(void *arg)
{
	return !counts("pipe").found;
}

static int setup(void **state)
{
	assert_int_equal(init_checkers(test_plugin_dir()), 0);
	assert_int_equal(checker_executor_set_limits(64, 256), 0);
	test_log_start();
	return 0;
}

static int teardown(void **state)
{
	cleanup_checkers();
	checker_executor_set_limits(64, 256);
	return 0;
}

static void async_check_returns_pending_then_the_result(void **state)
{
	struct pipe_checker pc;

	pc_open(&pc, 5);
	checker_check(&pc.c, PATH_UNCHECKED);
	assert_int_equal(checker_get_state(&pc.c), PATH_PENDING);
	assert_true(checker_need_wait(&pc.c));
	pc_answer(&pc, 'd');
	assert_int_equal(pc_wait(&pc), PATH_DOWN);
	assert_string_equal(checker_message(&pc.c), "pipe says down");
	assert_false(checker_need_wait(&pc.c));
	/* The result stays until the next check. */
	assert_int_equal(checker_get_state(&pc.c), PATH_DOWN);
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_DOWN);
	assert_int_equal(pc_wait(&pc), PATH_UP);
	assert_int_equal(counts("pipe").started, 2);
	assert_int_equal(counts("pipe").completed, 2);
	pc_close(&pc);
}

static void sync_check_runs_inline(void **state)
{
	struct pipe_checker pc;

	pc_open(&pc, 5);
	checker_set_sync(&pc.c);
	pc_answer(&pc, 'g');
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(pc.c.path_state, PATH_GHOST);
	assert_int_equal(checker_get_state(&pc.c), PATH_GHOST);
	assert_int_equal(counts("pipe").started, 0);
	pc_close(&pc);
}

/*
 * Switched to sync while its job hangs, a checker must not run a second
 * check inline on the context the worker is using (here it would also
 * block for ever reading the pipe): it reports the job until it is over.
 */
static void switch_to_sync_waits_for_the_outstanding_job(void **state)
{
	struct pipe_checker pc;

	pc_open(&pc, 5);
	checker_check(&pc.c, PATH_UP);
	checker_set_sync(&pc.c);
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(pc.c.path_state, PATH_PENDING);
	assert_int_equal(counts("pipe").started, 1);
	pc_answer(&pc, 'd');
	assert_int_equal(pc_wait(&pc), PATH_DOWN);
	/* Settled: now the check runs inline. */
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_DOWN);
	assert_int_equal(pc.c.path_state, PATH_UP);
	assert_int_equal(counts("pipe").started, 1);
	pc_close(&pc);
}

static void completion_fd_wakes_a_poller(void **state)
{
	struct pipe_checker pc;
	struct pollfd pfd;
	uint64_t n;

	pfd.fd = checker_event_fd();
	pfd.events = POLLIN;
	assert_true(pfd.fd >= 0);
	while (read(pfd.fd, &n, sizeof(n)) > 0)
		;	/* drain what earlier tests left */
	pc_open(&pc, 5);
	checker_check(&pc.c, PATH_UP);
	/* Nothing completes while the check hangs. */
	assert_int_equal(poll(&pfd, 1, 200), 0);
	pc_answer(&pc, 'u');
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(read(pfd.fd, &n, sizeof(n)), sizeof(n));
	assert_true(n >= 1);
	/* Woken: the result is there, no waiting. */
	assert_int_equal(checker_get_state(&pc.c), PATH_UP);
	pc_close(&pc);
}

/*
 * A job queued while the only worker hangs must still run promptly, even
 * for a daemon that only sleeps on the completion fd and never polls: a
 * hung worker is "awake" but of no use.
 */
static void job_behind_a_hung_worker_runs_without_polling(void **state)
{
	struct pipe_checker hung, healthy;
	struct pollfd pfd;
	uint64_t n;

	pfd.fd = checker_event_fd();
	pfd.events = POLLIN;
	while (read(pfd.fd, &n, sizeof(n)) > 0)
		;
	pc_open(&hung, 30);
	pc_open(&healthy, 30);
	checker_check(&hung.c, PATH_UP);
	assert_true(test_wait_for(job_running, NULL, 10));
	pc_answer(&healthy, 'u');
	checker_check(&healthy.c, PATH_UP);
	/* Only the fd: no checker_get_state() until it says something is done. */
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(checker_get_state(&healthy.c), PATH_UP);
	assert_int_equal(checker_get_state(&hung.c), PATH_PENDING);
	pc_answer(&hung, 'u');
	assert_int_equal(pc_wait(&hung), PATH_UP);
	pc_close(&hung);
	pc_close(&healthy);
}

static void blocking_check_times_out_then_recovers(void **state)
{
	struct pipe_checker pc;
	double start;

	pc_open(&pc, 1);
	start = test_now();
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(checker_get_state(&pc.c), PATH_PENDING);
	while (checker_get_state(&pc.c) == PATH_PENDING && test_now() < start + 10)
		usleep(10000);
	/* Not before its deadline, and not long after (generous margin). */
	assert_true(test_now() - start >= 1.0);
	assert_int_equal(pc.c.path_state, PATH_TIMEOUT);
	assert_int_equal(pc.c.msgid, CHECKER_MSGID_TIMED_OUT);
	assert_non_null(strstr(checker_message(&pc.c), "timed out"));
	assert_false(checker_need_wait(&pc.c));
	assert_int_equal(counts("pipe").timed_out, 1);
	assert_int_equal(counts("pipe").stuck, 1);

	/* Checked again while the job hangs: no second job, says why. */
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(checker_get_state(&pc.c), PATH_TIMEOUT);
	assert_int_equal(pc.c.msgid, CHECKER_MSGID_STILL_HUNG);
	assert_int_equal(counts("pipe").started, 1);

	/* The hung check returns: its (late) result is reported ... */
	pc_answer(&pc, 'u');
	assert_true(test_wait_for(pipe_idle, (void *)2, 10));
	assert_int_equal(checker_get_state(&pc.c), PATH_UP);
	assert_int_equal(counts("pipe").stuck, 0);
	/* ... and checking resumes normally. */
	pc_answer(&pc, 'd');
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(pc_wait(&pc), PATH_DOWN);
	assert_int_equal(counts("pipe").started, 2);
	pc_close(&pc);
}

static bool past(void *arg)
{
	return test_now() >= *(double *)arg;
}

static void stuck_cap_stops_growth_until_released(void **state)
{
	struct checker_executor_stats es;
	struct pipe_checker a, b, c;
	double deadline;

	/* One worker, and at most one of them written off as hung. */
	assert_int_equal(checker_executor_set_limits(1, 1), 0);
	pc_open(&a, 1);
	pc_open(&b, 1);
	pc_open(&c, 1);

	checker_check(&a.c, PATH_UP);
	deadline = test_now() + 1.1;
	test_wait_for(past, &deadline, 5);
	assert_int_equal(checker_get_state(&a.c), PATH_TIMEOUT);
	checker_executor_stats(&es);
	assert_int_equal(es.written_off, 1);
	/* The log names the plugin whose check hung. */
	assert_true(test_log_contains("a job of pipe hung past its deadline"));

	/* A replacement worker takes b, which hangs too. */
	checker_check(&b.c, PATH_UP);
	deadline = test_now() + 1.1;
	test_wait_for(past, &deadline, 5);
	assert_int_equal(checker_get_state(&b.c), PATH_TIMEOUT);
	checker_executor_stats(&es);
	assert_int_equal(es.written_off, 1);	/* the cap */
	assert_int_equal(es.workers, 1);

	/* No worker for c: it waits, and past its deadline says why. */
	pc_answer(&c, 'u');
	checker_check(&c.c, PATH_UP);
	deadline = test_now() + 1.1;
	test_wait_for(past, &deadline, 5);
	assert_int_equal(checker_get_state(&c.c), PATH_TIMEOUT);
	assert_int_equal(c.c.msgid, CHECKER_MSGID_NO_WORKER);
	assert_non_null(strstr(checker_message(&c.c), "cap"));
	checker_executor_stats(&es);
	assert_int_equal(es.queued, 1);
	assert_int_equal(es.workers + es.written_off, 2);	/* no growth */

	/* a's hung check returns: its worker runs the waiting job. */
	pc_answer(&a, 'd');
	assert_int_equal(pc_wait_result(&c), PATH_UP);
	assert_int_equal(pc_wait_result(&a), PATH_DOWN);
	pc_answer(&b, 'u');
	assert_int_equal(pc_wait_result(&b), PATH_UP);
	checker_executor_stats(&es);
	assert_int_equal(es.written_off, 0);
	assert_int_equal(es.queued, 0);
	pc_close(&a);
	pc_close(&b);
	pc_close(&c);
}

static void put_with_jobs_queued_or_running_10000_times(void **state)
{
	int i;

	/* Few workers, so that some jobs are still queued when put. */
	assert_int_equal(checker_executor_set_limits(2, 4), 0);
	for (i = 0; i < 10000; i++) {
		struct pipe_checker *pc = malloc(sizeof(*pc));

		assert_non_null(pc);
		pc_open(pc, 5);
		pc_answer(pc, "udg"[i % 3]);
		checker_check(&pc->c, PATH_UP);
		if (i % 7 == 0)
			checker_get_state(&pc->c);
		pc_close(pc);
		memset(pc, 0x5a, sizeof(*pc));
		free(pc);
	}
	/* Every job is done or removed, every record freed: registry only. */
	assert_true(test_wait_for(pipe_idle, (void *)1, 30));
	assert_int_equal(test_log_problems(), 0);
}

static void shutdown_with_a_hung_check_is_prompt(void **state)
{
	struct pipe_checker pc;
	double start;

	pc_open(&pc, 1);
	checker_check(&pc.c, PATH_UP);
	assert_true(test_wait_for(job_running, NULL, 10));
	start = test_now();
	checker_put(&pc.c);
	cleanup_checkers();
	/* Bounded, however long the check hangs (generous margin). */
	assert_true(test_now() - start < 2.0);
	/* The job pins the plugin: still mapped and listed while it runs. */
	assert_true(test_dso_mapped("/libcheckpipe.so"));
	assert_true(counts("pipe").found);
	pc_answer(&pc, 'u');
	assert_true(test_wait_for(pipe_gone, NULL, 10));
	assert_false(test_dso_mapped("/libcheckpipe.so"));
	close(pc.wfd);
	/* c's fd was reset by checker_put; the pipe's read end is the job's. */
}

struct driver {
	pthread_t thread;
	int id;
	int failures;
};

#define DRIVER_CHECKERS	4
#define DRIVER_ROUNDS	200

static void *drive(void *arg)
{
	static const char answers[] = "udg";
	static const int expect[] = { PATH_UP, PATH_DOWN, PATH_GHOST };
	struct driver *d = arg;
	struct pipe_checker pc[DRIVER_CHECKERS];
	struct checker none;
	int r, i;

	for (i = 0; i < DRIVER_CHECKERS; i++) {
		int p[2];

		if (pipe(p) < 0)
			return NULL;
		checker_clear(&pc[i].c);
		checker_get(&pc[i].c, "pipe");
		checker_set_fd(&pc[i].c, p[0]);
		pc[i].c.timeout = 10;
		checker_init(&pc[i].c, NULL);
		checker_set_async(&pc[i].c);
		pc[i].wfd = p[1];
	}
	checker_clear(&none);
	checker_get(&none, "none");
	for (r = 0; r < DRIVER_ROUNDS; r++) {
		for (i = 0; i < DRIVER_CHECKERS; i++) {
			char a = answers[(r + i + d->id) % 3];

			if (write(pc[i].wfd, &a, 1) != 1)
				d->failures++;
			checker_check(&pc[i].c, PATH_UP);
		}
		checker_check(&none, PATH_SHAKY);
		d->failures += checker_get_state(&none) != PATH_SHAKY;
		for (i = 0; i < DRIVER_CHECKERS; i++) {
			double end = test_now() + 10;
			int st;

			while ((st = checker_get_state(&pc[i].c)) == PATH_PENDING &&
			       test_now() < end)
				usleep(100);
			d->failures += st != expect[(r + i + d->id) % 3];
		}
	}
	for (i = 0; i < DRIVER_CHECKERS; i++) {
		int rfd = pc[i].c.fd;

		checker_put(&pc[i].c);
		close(rfd);
		close(pc[i].wfd);
	}
	checker_put(&none);
	return NULL;
}

static void eight_threads_drive_their_own_checkers(void **state)
{
	struct driver d[8];
	int i;

	for (i = 0; i < 8; i++) {
		d[i].id = i;
		d[i].failures = 0;
		assert_int_equal(pthread_create(&d[i].thread, NULL, drive, &d[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(d[i].thread, NULL);
		assert_int_equal(d[i].failures, 0);
	}
	assert_int_equal(counts("pipe").started,
			 8 * DRIVER_CHECKERS * DRIVER_ROUNDS);
	assert_true(test_wait_for(pipe_idle, (void *)1, 10));
}

/*
 * A plain blocking plugin has no libcheck_pending: if its check returns
 * PATH_PENDING on a worker, nothing would ever collect a result, and the
 * path would stay pending for ever. The framework contains it like an
 * invalid result: PATH_WILD with a message saying why, and the next check
 * starts a new job.
 */
static void pending_from_a_blocking_check_is_contained(void **state)
{
	struct pipe_checker pc;

	pc_open(&pc, 5);
	pc_answer(&pc, 'p');
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(pc_wait(&pc), PATH_WILD);
	assert_int_equal(pc.c.msgid, CHECKER_MSGID_UNCOLLECTABLE);
	assert_non_null(strstr(checker_message(&pc.c), "pending"));
	assert_false(checker_need_wait(&pc.c));
	assert_int_equal(checker_get_state(&pc.c), PATH_WILD);
	/* Still checkable: the next check is a new job, with its result. */
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_WILD);
	assert_int_equal(pc_wait(&pc), PATH_UP);
	assert_int_equal(counts("pipe").started, 2);
	assert_int_equal(counts("pipe").completed, 2);
	pc_close(&pc);
}

/*
 * PATH_UNCHECKED, PATH_REMOVED and PATH_DELAYED are the framework's and the
 * daemon's to set: from a plugin's check on a worker they become PATH_WILD,
 * with a message, and checking goes on.
 */
static void reserved_states_from_a_blocking_check_are_contained(void **state)
{
	static const char answers[] = { 'n', 'r', 'l' };
	struct pipe_checker pc;
	size_t i;

	pc_open(&pc, 5);
	for (i = 0; i < sizeof(answers); i++) {
		pc_answer(&pc, answers[i]);
		checker_check(&pc.c, PATH_UP);
		assert_int_equal(pc_wait(&pc), PATH_WILD);
		assert_int_equal(pc.c.msgid, CHECKER_MSGID_RESERVED_STATE);
		assert_true(strlen(checker_message(&pc.c)) > 0);
	}
	pc_answer(&pc, 'g');
	checker_check(&pc.c, PATH_WILD);
	assert_int_equal(pc_wait(&pc), PATH_GHOST);
	assert_int_equal(counts("pipe").started, 4);
	pc_close(&pc);
}

/* The same rules hold for the same plugin checked synchronously. */
static void sync_check_contains_pending_and_reserved_states(void **state)
{
	static const char answers[] = { 'p', 'n', 'r', 'l' };
	struct pipe_checker pc;
	size_t i;

	pc_open(&pc, 5);
	checker_set_sync(&pc.c);
	for (i = 0; i < sizeof(answers); i++) {
		pc_answer(&pc, answers[i]);
		checker_check(&pc.c, PATH_UP);
		assert_int_equal(checker_get_state(&pc.c), PATH_WILD);
		assert_int_equal(pc.c.msgid, answers[i] == 'p' ?
				 CHECKER_MSGID_UNCOLLECTABLE :
				 CHECKER_MSGID_RESERVED_STATE);
	}
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_WILD);
	assert_int_equal(checker_get_state(&pc.c), PATH_UP);
	assert_int_equal(counts("pipe").started, 0);
	pc_close(&pc);
}

static bool two_running(void *arg)
{
	return counts("pipe").running == 2;
}

static bool completed_at_least(void *arg)
{
	return counts("pipe").completed >= (unsigned long)(uintptr_t)arg;
}

/* checker_completed() with the daemon's buffer of 8. */
static unsigned int completed(struct checker **done)
{
	return checker_completed(done, 8);
}

/*
 * checker_completed() hands out the daemon's own checkers, in the order
 * their jobs completed, each once; one still running is not among them
 * until it completes.
 */
static void completed_returns_each_finished_checker_once(void **state)
{
	struct pipe_checker a, b, c;
	struct checker *done[8];

	assert_int_equal(completed(done), 0);	/* nothing left over */
	pc_open(&a, 5);
	pc_open(&b, 5);
	pc_open(&c, 5);
	checker_check(&a.c, PATH_UP);
	checker_check(&b.c, PATH_UP);
	checker_check(&c.c, PATH_UP);
	pc_answer(&b, 'd');
	assert_true(test_wait_for(completed_at_least, (void *)1, 10));
	pc_answer(&a, 'u');
	assert_true(test_wait_for(completed_at_least, (void *)2, 10));
	assert_int_equal(completed(done), 2);
	assert_ptr_equal(done[0], &b.c);
	assert_ptr_equal(done[1], &a.c);
	assert_int_equal(completed(done), 0);	/* each once */
	/* Returned, not collected: the results are still there. */
	assert_int_equal(checker_get_state(&b.c), PATH_DOWN);
	assert_int_equal(checker_get_state(&a.c), PATH_UP);
	assert_int_equal(checker_get_state(&c.c), PATH_PENDING);
	pc_answer(&c, 'g');
	assert_true(test_wait_for(completed_at_least, (void *)3, 10));
	assert_int_equal(completed(done), 1);
	assert_ptr_equal(done[0], &c.c);
	assert_int_equal(checker_get_state(&c.c), PATH_GHOST);
	pc_close(&a);
	pc_close(&b);
	pc_close(&c);
}

/*
 * A checker whose result checker_get_state() already collected, one that
 * was put, one whose result a new check dropped, and one put while its job
 * ran are not returned: the daemon may have freed them.
 */
static void completed_skips_collected_put_and_rechecked(void **state)
{
	struct pipe_checker a, b, c, d;
	struct checker *done[8];
	int rfd;

	pc_open(&a, 5);
	pc_open(&b, 5);
	pc_open(&c, 5);
	pc_open(&d, 5);
	checker_check(&a.c, PATH_UP);
	checker_check(&b.c, PATH_UP);
	checker_check(&c.c, PATH_UP);
	checker_check(&d.c, PATH_UP);
	pc_answer(&a, 'u');
	pc_answer(&b, 'u');
	pc_answer(&c, 'u');
	assert_true(test_wait_for(completed_at_least, (void *)3, 10));
	assert_int_equal(checker_get_state(&a.c), PATH_UP);	/* collected */
	pc_close(&b);						/* put */
	checker_check(&c.c, PATH_UP);		/* result dropped, new job */
	assert_true(test_wait_for(two_running, NULL, 10));	/* c, d */
	rfd = d.c.fd;
	checker_put(&d.c);			/* put while running */
	pc_answer(&d, 'u');
	assert_true(test_wait_for(completed_at_least, (void *)4, 10));
	close(rfd);
	close(d.wfd);
	assert_int_equal(completed(done), 0);
	/* c's new job completes: now it is returned. */
	pc_answer(&c, 'd');
	assert_true(test_wait_for(completed_at_least, (void *)5, 10));
	assert_int_equal(completed(done), 1);
	assert_ptr_equal(done[0], &c.c);
	assert_int_equal(checker_get_state(&c.c), PATH_DOWN);
	pc_close(&a);
	pc_close(&c);
}

/* max bounds each call; what is left comes with the next calls. */
#define MANY_CHECKERS	70	/* more than async.c takes at once */

static void completed_hands_out_at_most_max(void **state)
{
	struct pipe_checker *pc = calloc(MANY_CHECKERS, sizeof(*pc));
	struct checker *done[MANY_CHECKERS + 1];
	unsigned int i, n, seen = 0;

	assert_non_null(pc);
	for (i = 0; i < MANY_CHECKERS; i++) {
		pc_open(&pc[i], 5);
		pc_answer(&pc[i], 'u');
		checker_check(&pc[i].c, PATH_UP);
	}
	assert_true(test_wait_for(completed_at_least,
				  (void *)(uintptr_t)MANY_CHECKERS, 10));
	assert_int_equal(checker_completed(done, 3), 3);
	seen += 3;
	assert_int_equal(checker_completed(done, 0), 0);
	n = checker_completed(done + seen, MANY_CHECKERS + 1);
	assert_int_equal(n, MANY_CHECKERS - 3);
	seen += n;
	assert_int_equal(checker_completed(done, 8), 0);
	/* Every checker exactly once. */
	for (i = 0; i < seen; i++) {
		unsigned int j;

		assert_true(done[i] >= &pc[0].c &&
			    done[i] <= &pc[MANY_CHECKERS - 1].c);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(done[i], done[j]);
	}
	for (i = 0; i < MANY_CHECKERS; i++)
		pc_close(&pc[i]);
	free(pc);
}

/* Checks that do not run on the executor never show up. */
static void completed_ignores_synchronous_checks(void **state)
{
	struct pipe_checker pc;
	struct checker *done[8];

	pc_open(&pc, 5);
	checker_set_sync(&pc.c);
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_UP);
	assert_int_equal(checker_get_state(&pc.c), PATH_UP);
	assert_int_equal(completed(done), 0);
	pc_close(&pc);
}

/* The eventfd says "look", and checker_completed() says at what. */
static void completion_fd_then_completed(void **state)
{
	struct pipe_checker pc;
	struct checker *done[8];
	struct pollfd pfd;
	uint64_t n;

	pfd.fd = checker_event_fd();
	pfd.events = POLLIN;
	assert_true(pfd.fd >= 0);
	while (read(pfd.fd, &n, sizeof(n)) > 0)
		;
	pc_open(&pc, 5);
	checker_check(&pc.c, PATH_UP);
	pc_answer(&pc, 'd');
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(read(pfd.fd, &n, sizeof(n)), sizeof(n));
	assert_int_equal(completed(done), 1);
	assert_ptr_equal(done[0], &pc.c);
	assert_int_equal(checker_get_state(&pc.c), PATH_DOWN);
	/* Looked: the next completion notifies again. */
	pc_answer(&pc, 'u');
	checker_check(&pc.c, PATH_DOWN);
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(completed(done), 1);
	assert_int_equal(checker_get_state(&pc.c), PATH_UP);
	pc_close(&pc);
}

static void limits_are_validated(void **state)
{
	struct checker_executor_stats es;

	assert_int_equal(checker_executor_set_limits(0, 1), -EINVAL);
	assert_int_equal(checker_executor_set_limits(8, 9), 0);
	checker_executor_stats(&es);
	assert_int_equal(es.max_workers, 8);
	assert_int_equal(es.max_stuck, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(async_check_returns_pending_then_the_result),
		T(sync_check_runs_inline),
		T(switch_to_sync_waits_for_the_outstanding_job),
		T(completion_fd_wakes_a_poller),
		T(job_behind_a_hung_worker_runs_without_polling),
		T(blocking_check_times_out_then_recovers),
		T(stuck_cap_stops_growth_until_released),
		T(put_with_jobs_queued_or_running_10000_times),
		T(shutdown_with_a_hung_check_is_prompt),
		T(eight_threads_drive_their_own_checkers),
		T(limits_are_validated),
		T(completed_returns_each_finished_checker_once),
		T(completed_skips_collected_put_and_rechecked),
		T(completed_hands_out_at_most_max),
		T(completed_ignores_synchronous_checks),
		T(completion_fd_then_completed),
		T(pending_from_a_blocking_check_is_contained),
		T(reserved_states_from_a_blocking_check_are_contained),
		T(sync_check_contains_pending_and_reserved_states),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
