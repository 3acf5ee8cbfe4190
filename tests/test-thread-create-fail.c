// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-thread-create-fail.c - start_checker_thread() when pthread_create()
 * fails, with the real loader and the real "block" plugin.
 *
 * pthread_create() is replaced by a wrapper that fails with EAGAIN on
 * demand. The Makefile links this test with the library's objects (not
 * libmultipath.so) and exports them, so the plugin's call to
 * start_checker_thread() binds to those objects and reaches the wrapper
 * (the plugin still names libmultipath.so.N as a dependency, found through
 * the rpath the Makefile gives test plugins). A test that the wrapper also
 * lets a thread start proves it is in the path.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-util.h"
#include "real-plugin-util.h"

/* Generous: only a broken library makes the tests wait this long. */
#define WAIT_SECONDS 10.0

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);

/* Set by the tests, read by whichever thread creates one. __atomic. */
static bool fail_thread_create;
static int thread_create_calls;

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	__atomic_add_fetch(&thread_create_calls, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&fail_thread_create, __ATOMIC_RELAXED))
		return EAGAIN;
	return __real_pthread_create(thread, attr, fn, arg);
}

static const char *const test_plugins[] = { "block", NULL };

/* Per test: the pipe whose read end is block's fd. */
struct fixture {
	int pipe[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	if (pipe2(f->pipe, O_CLOEXEC) != 0) {
		free(f);
		return -1;
	}
	__atomic_store_n(&fail_thread_create, false, __ATOMIC_RELAXED);
	__atomic_store_n(&thread_create_calls, 0, __ATOMIC_RELAXED);
	test_log_start();
	if (real_plugins_init(test_plugins) != 0) {
		close(f->pipe[0]);
		close(f->pipe[1]);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Closing the write end releases a block thread a failed test left behind. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	bool gone;

	__atomic_store_n(&fail_thread_create, false, __ATOMIC_RELAXED);
	cleanup_checkers();
	close(f->pipe[1]);
	gone = test_wait_for(real_plugin_gone, "block", WAIT_SECONDS);
	close(f->pipe[0]);
	free(f);
	mpath_log_set_handler(NULL, NULL);
	mpath_log_set_level(MPATH_LOG_NOTICE);
	return gone ? 0 : -1;
}

/* A selected, initialised, asynchronous "block" checker on the pipe. */
static void get_block_checker(struct checker *c, struct fixture *f)
{
	checker_clear(c);
	checker_get(c, "block");
	if (!c->cls)
		print_error("block did not load: %s\n", test_log.last);
	assert_non_null(c->cls);
	checker_set_fd(c, f->pipe[0]);
	assert_int_equal(checker_init(c, NULL), 0);
	checker_set_async(c);
}

/*
 * The thread cannot be created: the check returns the plugin's failure
 * state and message, the reference taken for the thread is dropped again
 * (registry and checker remain), and the plugin unloads normally after.
 */
static void test_thread_create_failure_drops_thread_reference(void **state)
{
	struct fixture *f = *state;
	struct checker c;

	get_block_checker(&c, f);
	__atomic_store_n(&fail_thread_create, true, __ATOMIC_RELAXED);
	checker_check(&c, PATH_UP);
	assert_int_equal(__atomic_load_n(&thread_create_calls,
					 __ATOMIC_RELAXED), 1);
	assert_int_equal(checker_get_state(&c), PATH_DOWN);
	assert_int_equal(c.msgid, CHECKER_FIRST_MSGID);
	assert_string_equal(checker_message(&c), "cannot start thread");
	/* Reported by the library if at all, and not over and over. */
	assert_true(test_log_problems() <= 1);

	assert_int_equal(test_plugin_refcount("block"), 2);
	assert_int_equal(real_threads_running("block"), 0);
	checker_put(&c);
	assert_int_equal(test_plugin_refcount("block"), 1);
	cleanup_checkers();
	assert_int_equal(test_plugin_count("block"), 0);
	assert_false(test_dso_mapped("/libcheckblock.so"));
}

/*
 * The same path with creation allowed: the wrapper is called and a thread
 * does start, which holds the plugin until it is released.
 */
static void test_thread_starts_through_wrapper(void **state)
{
	struct fixture *f = *state;
	struct checker c;

	get_block_checker(&c, f);
	checker_check(&c, PATH_UP);
	assert_int_equal(__atomic_load_n(&thread_create_calls,
					 __ATOMIC_RELAXED), 1);
	assert_int_equal(checker_get_state(&c), PATH_PENDING);
	assert_int_equal(real_threads_running("block"), 1);
	assert_int_equal(test_plugin_refcount("block"), 3);

	checker_put(&c);
	cleanup_checkers();
	assert_true(test_dso_mapped("/libcheckblock.so"));
	assert_int_equal(write(f->pipe[1], "x", 1), 1);
	assert_true(test_wait_for(real_plugin_gone, "block", WAIT_SECONDS));
	assert_false(test_dso_mapped("/libcheckblock.so"));
	assert_int_equal(test_log_problems(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_thread_create_failure_drops_thread_reference,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_thread_starts_through_wrapper,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
