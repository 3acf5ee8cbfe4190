// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-real-threads.c - the real dynamic loader and real plugins: checker
 * threads that outlive their struct checker and the registry, a struct
 * checker freed before its thread starts, reference counting under
 * concurrent use and reconfiguration, and load failures of real files.
 *
 * The plugins are the test suite's own (tests/plugins/): "block" (its
 * thread waits for a byte on the path's fd), "quick" (its thread returns at
 * once) and "nosym" (lacks libcheck_check). Whether a plugin is loaded is
 * asked of /proc/self/maps, not of the library, so "unloaded" means that the
 * code is really gone.
 *
 * Set TEST_QUICK=1 to shrink the iteration counts (for valgrind, which runs
 * the threads one at a time).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-util.h"
#include "real-plugin-util.h"

/* Generous: only a broken library makes the tests wait this long. */
#define WAIT_SECONDS 10.0

/*
 * Threads of one plugin the tests let run at a time: valgrind aborts past
 * 500 threads, and small CI machines should not be flooded either. It does
 * not narrow the race the tests look for, which is between a check and the
 * start of the thread it started.
 */
#define MAX_LIVE_THREADS 32

static const char *const test_plugins[] = {
	"block", "quick", "nosym", NULL
};

/* Per test: descriptors the teardown must close. */
struct fixture {
	int pipe[2];		/* block's fd: read end, write end */
	int devnull;		/* an fd on which reads never block */
};

static bool test_quick(void)
{
	const char *q = getenv("TEST_QUICK");

	return q && *q && strcmp(q, "0") != 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->pipe[0] = f->pipe[1] = -1;
	f->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (f->devnull < 0 || pipe2(f->pipe, O_CLOEXEC) != 0) {
		if (f->devnull >= 0)
			close(f->devnull);
		free(f);
		return -1;
	}
	test_log_start();
	if (real_plugins_init(test_plugins) != 0) {
		close(f->devnull);
		close(f->pipe[0]);
		close(f->pipe[1]);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/*
 * Also after a failed test: closing the pipe's write end releases a block
 * thread still waiting (it reads EOF), so its plugin can go before the read
 * end is closed and before the next test starts.
 */
static int teardown(void **state)
{
	struct fixture *f = *state;
	bool gone;

	cleanup_checkers();
	close(f->pipe[1]);
	gone = test_wait_for(real_plugin_gone, "block", WAIT_SECONDS) &&
	       test_wait_for(real_plugin_gone, "quick", WAIT_SECONDS);
	close(f->pipe[0]);
	close(f->devnull);
	free(f);
	mpath_log_set_handler(NULL, NULL);
	mpath_log_set_level(MPATH_LOG_NOTICE);
	return gone ? 0 : -1;
}

/*
 * A thread blocked in plugin code keeps the plugin loaded after its struct
 * checker is put and the registry is cleaned up, and the plugin is unloaded
 * (unmapped) when, and only when, that thread returns.
 */
static void test_blocked_thread_outlives_checker_and_registry(void **state)
{
	struct fixture *f = *state;
	struct checker_plugin_stats st = { .refcount = -1 };
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "block");
	assert_non_null(c.cls);
	assert_true(test_dso_mapped("/libcheckblock.so"));
	checker_set_fd(&c, f->pipe[0]);
	assert_int_equal(checker_init(&c, NULL), 0);
	checker_set_async(&c);
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_PENDING);
	/* Registry, checker and thread. */
	assert_int_equal(test_plugin_refcount("block"), 3);
	assert_int_equal(real_threads_running("block"), 1);

	checker_put(&c);
	assert_int_equal(test_plugin_refcount("block"), 2);
	cleanup_checkers();

	assert_true(test_dso_mapped("/libcheckblock.so"));
	assert_true(real_plugin_stats("block", &st));
	assert_false(st.registered);
	assert_int_equal(st.threads_running, 1);
	assert_int_equal(st.refcount, 1);

	assert_int_equal(write(f->pipe[1], "x", 1), 1);
	assert_true(test_wait_for(real_plugin_gone, "block", WAIT_SECONDS));
	assert_false(test_dso_mapped("/libcheckblock.so"));
	assert_int_equal(test_log_problems(), 0);
}

/* For test_wait_for(): plugin (const char *)arg has few enough threads. */
static bool few_threads_running(void *arg)
{
	return real_threads_running(arg) <= MAX_LIVE_THREADS;
}

/*
 * The struct checker is freed, and poisoned first, right after each check,
 * normally before the thread the check started has even run: neither the
 * thread nor the library's thread entry may read it. Every thread's
 * reference is dropped exactly once.
 */
static void test_checker_freed_before_thread_starts(void **state)
{
	struct fixture *f = *state;
	int i, iterations = test_quick() ? 1000 : 10000;

	for (i = 0; i < iterations; i++) {
		struct checker *c = malloc(sizeof(*c));

		assert_non_null(c);
		checker_clear(c);
		checker_get(c, "quick");
		assert_non_null(c->cls);
		checker_set_fd(c, f->devnull);
		assert_int_equal(checker_init(c, NULL), 0);
		checker_set_async(c);
		checker_check(c, PATH_UP);
		assert_int_equal(checker_get_state(c), PATH_PENDING);
		checker_put(c);
		memset(c, 0x5a, sizeof(*c));
		free(c);
		if (i % MAX_LIVE_THREADS == MAX_LIVE_THREADS - 1)
			assert_true(test_wait_for(few_threads_running, "quick",
						  WAIT_SECONDS));
	}

	assert_true(test_wait_for(real_plugin_idle, "quick", WAIT_SECONDS));
	assert_int_equal(real_threads_running("quick"), 0);
	assert_int_equal(test_plugin_refcount("quick"), 1);
	cleanup_checkers();
	assert_int_equal(test_plugin_count("quick"), 0);
	assert_false(test_dso_mapped("/libcheckquick.so"));
	assert_int_equal(test_log_problems(), 0);
}

/* --- concurrent use and reconfiguration -------------------------------- */

#define WORKERS 8
#define CHURN_PAUSE_US 200

enum name_kind { LOADS, BUILTIN, FAILS };

static const struct {
	const char *name;
	enum name_kind kind;
} worker_names[] = {
	{ "quick", LOADS },
	{ "block", LOADS },
	{ "none", BUILTIN },
	{ "quick", LOADS },	/* twice: same-name get/put is the hot path */
	{ "missing", FAILS },	/* no such file */
	{ "nosym", FAILS },	/* no libcheck_check */
	{ "../quick", FAILS },	/* invalid name */
};
#define N_NAMES (sizeof(worker_names) / sizeof(worker_names[0]))
#define N_FAILING_NAMES 3

/* One worker's state; results are checked by the main thread after join. */
struct worker {
	pthread_t thread;
	uint32_t seed;
	long ops;		/* at least this many, see worker_run() */
	int devnull;
	const int *churn_done;	/* __atomic */
	long done;		/* ops done */
	long wrong;		/* results that contradict the contract */
	long checks;		/* checks that started a thread */
};

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static bool churn_is_done(const struct worker *w)
{
	return __atomic_load_n(w->churn_done, __ATOMIC_ACQUIRE);
}

/*
 * Runs a check on c, which holds a plugin and no context yet; returns false
 * if the outcome contradicts the contract. The built-in "none" checker
 * returns the state passed in; the plugins start a thread.
 */
static bool worker_check(struct worker *w, struct checker *c, bool builtin)
{
	if (checker_init(c, NULL) != 0)
		return false;
	/* Skip rather than wait: a worker must not stall the others. */
	if (!builtin &&
	    real_threads_running(checker_name(c)) > MAX_LIVE_THREADS)
		return true;
	checker_set_fd(c, w->devnull);
	checker_set_async(c);
	checker_check(c, PATH_GHOST);
	if (builtin)
		return checker_get_state(c) == PATH_GHOST;
	w->checks++;
	return checker_get_state(c) == PATH_PENDING;
}

/*
 * Random get, put and check on one struct checker of its own, w->ops times
 * and then on until the reconfiguring thread is done, so that every
 * reconfiguration races with the workers. cmocka's assertions may only be
 * used by the main thread, so this counts what went wrong instead.
 */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct checker c;
	enum name_kind kind = FAILS;
	bool inited = false;

	checker_clear(&c);
	for (w->done = 0; w->done < w->ops || !churn_is_done(w); w->done++) {
		uint32_t r = xorshift32(&w->seed);
		unsigned int pick = (r >> 8) % N_NAMES;

		switch (r % 8) {
		case 0: case 1: case 2: case 3:
			checker_get(&c, worker_names[pick].name);
			kind = worker_names[pick].kind;
			inited = false;
			if ((kind == FAILS) != !c.cls ||
			    (c.cls && strcmp(checker_name(&c),
					     worker_names[pick].name) != 0))
				w->wrong++;
			break;
		case 4: case 5:
			checker_put(&c);
			inited = false;
			if (c.cls || c.context)
				w->wrong++;
			break;
		default:
			if (!c.cls || inited)
				break;
			inited = true;
			if (!worker_check(w, &c, kind == BUILTIN))
				w->wrong++;
			break;
		}
	}
	checker_put(&c);
	return NULL;
}

/* The reconfiguring thread: cleanup_checkers() then init_checkers(). */
struct churn {
	pthread_t thread;
	int rounds;
	int failures;		/* init_checkers() that did not return 0 */
	int done;		/* __atomic; set when all rounds are done */
};

static void *churn_run(void *arg)
{
	struct churn *ch = arg;
	int k;

	for (k = 0; k < ch->rounds; k++) {
		cleanup_checkers();
		if (init_checkers(test_plugin_dir()) != 0)
			ch->failures++;
		/* Let the workers load and pin plugins between rounds. */
		usleep(CHURN_PAUSE_US);
	}
	__atomic_store_n(&ch->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool plugins_gone(void *unused)
{
	return test_plugin_count("quick") == 0 && test_plugin_count("block") == 0;
}

/*
 * Eight threads get, put and check checkers of several names (loaded,
 * built in, failing) while a ninth reconfigures a few hundred times. Every
 * get yields the plugin asked for or none as the name dictates, each failing
 * name is logged at most once per reconfiguration, and at the end every
 * reference is accounted for: nothing but "none" is left, with its own
 * reference only, and both plugins are unmapped.
 */
static void test_concurrent_get_put_with_reconfigure(void **state)
{
	struct fixture *f = *state;
	struct worker w[WORKERS];
	struct churn ch = { .rounds = test_quick() ? 50 : 400 };
	struct checker_plugin_stats *st;
	long ops = test_quick() ? 5000 : 100000;
	long wrong = 0, checks = 0, done = 0;
	int i, n;

	/* Hundreds of failures are logged; debug messages would be noise. */
	mpath_log_set_level(MPATH_LOG_WARNING);
	memset(w, 0, sizeof(w));
	for (i = 0; i < WORKERS; i++) {
		w[i].seed = 0x9e3779b9u * (i + 1);
		w[i].ops = ops;
		w[i].devnull = f->devnull;
		w[i].churn_done = &ch.done;
	}
	for (i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&w[i].thread, NULL, worker_run,
						&w[i]), 0);
	assert_int_equal(pthread_create(&ch.thread, NULL, churn_run, &ch), 0);
	for (i = 0; i < WORKERS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		wrong += w[i].wrong;
		checks += w[i].checks;
		done += w[i].done;
	}
	assert_int_equal(pthread_join(ch.thread, NULL), 0);

	print_message("%d workers, %ld ops, %ld checks with a thread, %d reconfigurations, %d failures logged\n",
		      WORKERS, done, checks, ch.rounds, test_log_problems());
	assert_int_equal(wrong, 0);
	assert_int_equal(ch.failures, 0);
	/* The test must really have started threads to prove anything. */
	assert_true(checks > 0);
	assert_true(test_log_problems() > 0);
	assert_true(test_log_problems() <=
		    (2 * ch.rounds + 1) * N_FAILING_NAMES);

	cleanup_checkers();
	/* Threads started by the last checks may still be running. */
	assert_true(test_wait_for(plugins_gone, NULL, WAIT_SECONDS));
	n = checker_plugin_stats(&st);
	assert_int_equal(n, 1);
	assert_string_equal(st[0].name, "none");
	free(st);
	assert_int_equal(test_plugin_refcount("none"), 1);
	assert_false(test_dso_mapped("/libcheckquick.so"));
	assert_false(test_dso_mapped("/libcheckblock.so"));
}

/* --- load failures -------------------------------------------------------- */

/*
 * A plugin without libcheck_check is refused, with the file and the symbol
 * named, leaves nothing loaded, is reported once until the next
 * init_checkers(), and is tried (and reported) again after it.
 */
static void test_missing_symbol_logged_once_per_init(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "nosym");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 1);
	assert_true(test_log_contains("libcheck_check"));
	assert_true(test_log_contains("/libchecknosym.so"));
	assert_int_equal(test_plugin_count("nosym"), 0);
	assert_false(test_dso_mapped("/libchecknosym.so"));

	test_log_start();
	checker_get(&c, "nosym");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 0);
	assert_false(test_log_contains("libcheck_check"));

	assert_int_equal(init_checkers(test_plugin_dir()), 0);
	test_log_start();
	checker_get(&c, "nosym");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 1);
	assert_true(test_log_contains("libcheck_check"));
	assert_true(test_log_contains("/libchecknosym.so"));
	assert_int_equal(test_plugin_count("nosym"), 0);
	assert_false(test_dso_mapped("/libchecknosym.so"));
}

/* A plugin file that does not exist is reported once, with its path. */
static void test_missing_file_logged_once_with_path(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "missing");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 1);
	assert_true(test_log_contains("/libcheckmissing.so"));

	test_log_start();
	checker_get(&c, "missing");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 0);
	assert_int_equal(test_plugin_count("missing"), 0);
}

/*
 * After a reconfigure, a plugin pinned from before and its successor share
 * one loaded object, known to the dynamic loader under the names of both
 * plugins' plugin files. Whichever is released first, a later load of
 * another plugin must not be handed that object: each name gets its own
 * file's code, here the refusal of a plugin without libcheck_check.
 */
static void check_load_after_shared_release(bool older_first)
{
	struct checker old, cur, other;
	bool other_selected, refusal_logged;

	checker_clear(&old);
	checker_clear(&cur);
	checker_clear(&other);
	checker_get(&old, "quick");
	assert_non_null(old.cls);
	cleanup_checkers();
	assert_int_equal(init_checkers(test_plugin_dir()), 0);
	checker_get(&cur, "quick");
	if (older_first) {
		checker_put(&old);
	} else {
		/* The registry holds the successor's last reference. */
		checker_put(&cur);
		cleanup_checkers();
		assert_int_equal(init_checkers(test_plugin_dir()), 0);
	}
	assert_true(test_dso_mapped("/libcheckquick.so"));

	test_log_start();
	checker_get(&other, "nosym");
	other_selected = checker_selected(&other);
	refusal_logged = test_log_contains("libcheck_check");
	/* Put all first, so a failure leaves nothing for the teardown. */
	checker_put(&other);
	checker_put(&cur);
	checker_put(&old);
	assert_false(other_selected);
	assert_true(refusal_logged);
	assert_int_equal(test_plugin_count("nosym"), 0);
}

static void test_load_after_older_shared_release_gets_its_own_code(void **state)
{
	check_load_after_shared_release(true);
}

static void test_load_after_newer_shared_release_gets_its_own_code(void **state)
{
	check_load_after_shared_release(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_blocked_thread_outlives_checker_and_registry,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_checker_freed_before_thread_starts,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_concurrent_get_put_with_reconfigure,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_missing_symbol_logged_once_per_init,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_missing_file_logged_once_with_path,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_load_after_older_shared_release_gets_its_own_code,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_load_after_newer_shared_release_gets_its_own_code,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
