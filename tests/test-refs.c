// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-refs.c - the lifetime of a plugin: its DSO is closed exactly once,
 * when the last reference goes, whoever holds it last (the registry, a
 * struct checker, a thread started with start_checker_thread()), and
 * libcheck_reset() runs at that moment, once. The dynamic loader is faked
 * (fake-dl.h) so every dlclose() is counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake-dl.h"
#include "test-util.h"

/*
 * The fake plugin's thread context: the checker and its thread share it and
 * whoever drops the last reference frees it, the pattern a real plugin with
 * threads follows.
 */
struct fake_ctx {
	struct checker_context ctx;	/* first: the library passes &ctx */
	int release_fd;			/* the thread returns when readable */
	int refs;			/* __atomic */
	pthread_t thread;
};

static int reset_calls;		/* __atomic: the reset runs in any thread */

static void ctx_put(struct fake_ctx *fc)
{
	if (__atomic_sub_fetch(&fc->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(fc);
}

static int fake_init(struct checker *c)
{
	struct fake_ctx *fc = calloc(1, sizeof(*fc));

	if (!fc)
		return 1;
	fc->ctx.cls = c->cls;
	fc->refs = 1;
	fc->release_fd = -1;
	c->context = fc;
	return 0;
}

static void fake_free(struct checker *c)
{
	if (c->context)
		ctx_put(c->context);
}

static void *fake_thread(struct checker_context *ctx)
{
	struct fake_ctx *fc = (struct fake_ctx *)ctx;
	char ch;

	if (read(fc->release_fd, &ch, 1) < 0)
		perror("fake_thread: read");
	ctx_put(fc);
	return NULL;
}

/* Starts a detached thread that waits for a byte on c->fd. */
static int fake_check(struct checker *c)
{
	struct fake_ctx *fc = c->context;
	pthread_attr_t attr;
	int err;

	fc->release_fd = c->fd;
	__atomic_add_fetch(&fc->refs, 1, __ATOMIC_RELAXED);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = start_checker_thread(&fc->thread, &attr, &fc->ctx);
	pthread_attr_destroy(&attr);
	if (err) {
		ctx_put(fc);
		return PATH_DOWN;
	}
	return PATH_PENDING;
}

static void fake_reset(void)
{
	__atomic_add_fetch(&reset_calls, 1, __ATOMIC_RELAXED);
}

static const struct fake_sym threaded_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_free", (void *)fake_free },
	{ "libcheck_check", (void *)fake_check },
	{ "libcheck_thread", (void *)fake_thread },
	{ "libcheck_reset", (void *)fake_reset },
	{ NULL, NULL },
};

static struct fake_dso threaded = { "libcheckthreaded.so", threaded_syms, NULL, 0, 0 };

static char *plugin_dir;

static int setup(void **state)
{
	fake_dl_reset();
	fake_dl_add(&threaded);
	reset_calls = 0;
	plugin_dir = fake_plugin_dir();
	assert_int_equal(fake_plugin_elf(plugin_dir, threaded.file), 0);
	assert_int_equal(init_checkers(plugin_dir), 0);
	test_log_start();
	return 0;
}

static int teardown(void **state)
{
	cleanup_checkers();
	fake_plugin_dir_remove(plugin_dir);
	plugin_dir = NULL;
	return 0;
}

static int closes(void)
{
	return fake_dl_count(&threaded.closes);
}

static int resets(void)
{
	return __atomic_load_n(&reset_calls, __ATOMIC_RELAXED);
}

/* A checker with the threaded plugin selected and initialised. */
static void select_threaded(struct checker *c)
{
	checker_clear(c);
	checker_get(c, "threaded");
	assert_non_null(c->cls);
	assert_int_equal(checker_init(c, NULL), 0);
}

/* Starts a check, whose thread blocks until a byte is written to *wfd. */
static void start_blocked_thread(struct checker *c, int *wfd)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	checker_set_fd(c, p[0]);
	checker_set_async(c);
	checker_check(c, PATH_UP);
	assert_int_equal(checker_get_state(c), PATH_PENDING);
	*wfd = p[1];
	/* The pipe's read end belongs to the thread now (closed in release). */
	c->fd = p[0];
}

struct ref_wait {
	const char *name;
	long refcount;
};

static bool refcount_is(void *arg)
{
	struct ref_wait *w = arg;

	return test_plugin_refcount(w->name) == w->refcount;
}

/* Wait until the plugin's refcount is n (n = -1: until it is gone). */
static bool wait_refcount(long n)
{
	struct ref_wait w = { "threaded", n };

	return test_wait_for(refcount_is, &w, 10.0);
}

static bool threads_done(void *name)
{
	struct checker_plugin_stats *st;
	bool done = true;
	int i, n = checker_plugin_stats(&st);

	for (i = 0; i < n; i++)
		if (strcmp(st[i].name, name) == 0 && st[i].threads_running)
			done = false;
	if (n >= 0)
		free(st);
	return done;
}

static bool plugin_gone_but_one(void *name)
{
	return test_plugin_count(name) == 1;
}

static void registry_first_then_checker(void **state)
{
	struct checker c;

	select_threaded(&c);
	assert_int_equal(test_plugin_refcount("threaded"), 2);
	cleanup_checkers();
	assert_int_equal(closes(), 0);
	/* Off the registry but pinned by the checker. */
	assert_int_equal(test_plugin_refcount("threaded"), 1);
	checker_put(&c);
	assert_int_equal(closes(), 1);
	assert_int_equal(resets(), 1);
	assert_int_equal(test_plugin_count("threaded"), 0);
}

static void checker_first_then_registry(void **state)
{
	struct checker c;

	select_threaded(&c);
	checker_put(&c);
	assert_int_equal(closes(), 0);
	assert_int_equal(test_plugin_refcount("threaded"), 1);
	cleanup_checkers();
	assert_int_equal(closes(), 1);
	assert_int_equal(resets(), 1);
}

static void thread_last(void **state)
{
	struct checker c;
	int wfd, rfd;

	select_threaded(&c);
	start_blocked_thread(&c, &wfd);
	rfd = c.fd;
	assert_int_equal(test_plugin_refcount("threaded"), 3);
	checker_put(&c);
	cleanup_checkers();
	/* Only the thread holds the plugin now: it must stay loaded. */
	assert_int_equal(closes(), 0);
	assert_int_equal(resets(), 0);
	assert_int_equal(test_plugin_refcount("threaded"), 1);
	assert_int_equal(write(wfd, "x", 1), 1);
	assert_true(wait_refcount(-1));
	assert_int_equal(closes(), 1);
	assert_int_equal(resets(), 1);
	close(rfd);
}

static void thread_first_then_checker_then_registry(void **state)
{
	struct checker c;
	int wfd, rfd;

	select_threaded(&c);
	start_blocked_thread(&c, &wfd);
	rfd = c.fd;
	assert_int_equal(write(wfd, "x", 1), 1);
	assert_true(wait_refcount(2));
	assert_true(threads_done("threaded"));
	assert_int_equal(closes(), 0);
	checker_put(&c);
	assert_int_equal(closes(), 0);
	cleanup_checkers();
	assert_int_equal(closes(), 1);
	close(wfd);
	close(rfd);
}

/*
 * Many holders, released in every order of a fixed set: the close happens
 * exactly once, after the last of them, never before.
 */
static void every_release_order_closes_once(void **state)
{
	/* 0, 1: checkers; 2, 3: threads; 4: the registry. */
	static const int orders[][5] = {
		{ 0, 1, 2, 3, 4 }, { 4, 3, 2, 1, 0 }, { 2, 4, 0, 3, 1 },
		{ 4, 0, 1, 2, 3 }, { 3, 2, 4, 1, 0 }, { 1, 3, 0, 4, 2 },
	};
	size_t o;

	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		struct checker c[2];
		int wfd[2], rfd[2], i, expected_closes = o;

		assert_int_equal(init_checkers(plugin_dir), 0);
		for (i = 0; i < 2; i++) {
			select_threaded(&c[i]);
			start_blocked_thread(&c[i], &wfd[i]);
			rfd[i] = c[i].fd;
		}
		assert_int_equal(test_plugin_refcount("threaded"), 5);
		for (i = 0; i < 5; i++) {
			int who = orders[o][i];

			assert_int_equal(closes(), expected_closes);
			if (who < 2)
				checker_put(&c[who]);
			else if (who < 4)
				assert_int_equal(write(wfd[who - 2], "x", 1), 1);
			else
				cleanup_checkers();
			/* Each release drops exactly one reference. */
			assert_true(wait_refcount(i < 4 ? 4 - i : -1));
		}
		assert_int_equal(closes(), expected_closes + 1);
		assert_int_equal(resets(), expected_closes + 1);
		for (i = 0; i < 2; i++) {
			close(wfd[i]);
			close(rfd[i]);
		}
	}
}

/*
 * A reconfigure while a thread still pins the old plugin: the name is loaded
 * afresh, the two share the DSO, and the old one's unloading neither resets
 * the successor's state nor closes it twice.
 */
static void reconfigure_while_a_thread_pins_the_old_plugin(void **state)
{
	struct checker old, fresh;
	int wfd, rfd;

	select_threaded(&old);
	start_blocked_thread(&old, &wfd);
	rfd = old.fd;
	checker_put(&old);
	cleanup_checkers();
	assert_int_equal(init_checkers(plugin_dir), 0);
	select_threaded(&fresh);
	assert_int_equal(threaded.opens, 2);
	assert_int_equal(test_plugin_count("threaded"), 2);

	assert_int_equal(write(wfd, "x", 1), 1);
	assert_true(test_wait_for(plugin_gone_but_one, "threaded", 10.0));
	/* The old plugin went; the shared DSO's state was left alone. */
	assert_int_equal(closes(), 1);
	assert_int_equal(resets(), 0);

	checker_put(&fresh);
	cleanup_checkers();
	assert_int_equal(closes(), 2);
	assert_int_equal(resets(), 1);
	close(wfd);
	close(rfd);
}

static void stats_list_registry_and_pinned_plugins(void **state)
{
	struct checker_plugin_stats *st;
	struct checker c;
	int n, i, found = 0;

	select_threaded(&c);
	cleanup_checkers();
	n = checker_plugin_stats(&st);
	assert_true(n >= 2);
	assert_string_equal(st[0].name, "none");
	for (i = 1; i < n; i++) {
		if (strcmp(st[i].name, "threaded") != 0)
			continue;
		found++;
		assert_false(st[i].registered);
		assert_int_equal(st[i].refcount, 1);
		assert_non_null(strstr(st[i].path, "/libcheckthreaded.so"));
	}
	free(st);
	assert_int_equal(found, 1);
	checker_put(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(registry_first_then_checker),
		T(checker_first_then_registry),
		T(thread_last),
		T(thread_first_then_checker_then_registry),
		T(every_release_order_closes_once),
		T(reconfigure_while_a_thread_pins_the_old_plugin),
		T(stats_list_registry_and_pinned_plugins),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
