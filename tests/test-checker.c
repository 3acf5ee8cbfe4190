// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-checker.c - the per-checker API: states and their names, generic
 * messages, the per-checker sync flag, what checker_check() does when a
 * checker is disabled or has no fd, and how results a plugin should never
 * return are contained. Plugins are faked (fake-dl.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake-dl.h"
#include "test-util.h"

static int next_state;		/* what the fake check returns */
static int check_calls, free_calls, init_result;

static int fake_init(struct checker *c)
{
	c->context = &next_state;
	return init_result;
}

static void fake_free(struct checker *c)
{
	free_calls++;
	c->context = NULL;
}

static int fake_check(struct checker *c)
{
	check_calls++;
	return next_state;
}

static int fake_pending(struct checker *c)
{
	return next_state;
}

static bool fake_need_wait(struct checker *c)
{
	return true;
}

static void *fake_thread(struct checker_context *ctx)
{
	return NULL;
}

static const struct fake_sym plain_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_free", (void *)fake_free },
	{ "libcheck_check", (void *)fake_check },
	{ NULL, NULL },
};
static const struct fake_sym pending_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_free", (void *)fake_free },
	{ "libcheck_check", (void *)fake_check },
	{ "libcheck_pending", (void *)fake_pending },
	{ "libcheck_need_wait", (void *)fake_need_wait },
	{ NULL, NULL },
};

/* Drives its own asynchrony with a thread, as upstream's tur did. */
static const struct fake_sym threaded_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_free", (void *)fake_free },
	{ "libcheck_check", (void *)fake_check },
	{ "libcheck_thread", (void *)fake_thread },
	{ NULL, NULL },
};

static struct fake_dso plain = { "libcheckplain.so", plain_syms, NULL, 0, 0 };
static struct fake_dso pending = { "libcheckpending.so", pending_syms, NULL, 0, 0 };
static struct fake_dso threaded = { "libcheckthreaded.so", threaded_syms, NULL, 0, 0 };

static char *plugin_dir;

static int setup(void **state)
{
	fake_dl_reset();
	fake_dl_add(&plain);
	fake_dl_add(&pending);
	fake_dl_add(&threaded);
	plugin_dir = fake_plugin_dir();
	assert_int_equal(fake_plugin_elf(plugin_dir, plain.file), 0);
	assert_int_equal(fake_plugin_elf(plugin_dir, pending.file), 0);
	assert_int_equal(fake_plugin_elf(plugin_dir, threaded.file), 0);
	assert_int_equal(init_checkers(plugin_dir), 0);
	next_state = PATH_UP;
	check_calls = free_calls = init_result = 0;
	test_log_start();
	return 0;
}

static int teardown(void **state)
{
	cleanup_checkers();
	fake_plugin_dir_remove(plugin_dir);
	return 0;
}

static void select_checker(struct checker *c, const char *name)
{
	checker_clear(c);
	checker_get(c, name);
	assert_non_null(c->cls);
	assert_int_equal(checker_init(c, NULL), 0);
}

static void state_names_cover_every_state(void **state)
{
	static const char *const names[PATH_MAX_STATE] = {
		"wild", "unchecked", "down", "up", "shaky", "ghost",
		"pending", "timeout", "removed", "delayed", "disconnected",
	};
	int i;

	for (i = 0; i < PATH_MAX_STATE; i++)
		assert_string_equal(checker_state_name(i), names[i]);
	assert_string_equal(checker_state_name(-1), "invalid");
	assert_string_equal(checker_state_name(PATH_MAX_STATE), "invalid");
	assert_string_equal(checker_state_name(1 << 30), "invalid");
}

static void contract_values_are_fixed(void **state)
{
	/* Plugins compiled against upstream's header rely on these. */
	assert_int_equal(PATH_WILD, 0);
	assert_int_equal(PATH_UP, 3);
	assert_int_equal(PATH_PENDING, 6);
	assert_int_equal(PATH_DISCONNECTED, 10);
	assert_int_equal(PATH_MAX_STATE, 11);
	assert_int_equal(CHECKER_MSGID_DISCONNECTED, 8);
	assert_int_equal(CHECKER_MSGID_TIMED_OUT, 90);
	assert_int_equal(CHECKER_MSGID_UNCOLLECTABLE, 93);
	assert_int_equal(CHECKER_MSGID_RESERVED_STATE, 94);
	assert_int_equal(CHECKER_FIRST_MSGID, 100);
	assert_int_equal(offsetof(struct checker, cls), 0);
}

static void generic_messages_have_texts(void **state)
{
	struct checker c;
	int id;

	checker_clear(&c);
	assert_string_equal(checker_message(&c), "");
	for (id = CHECKER_MSGID_DISABLED; id <= CHECKER_MSGID_DISCONNECTED; id++) {
		c.msgid = id;
		assert_true(strlen(checker_message(&c)) > 0);
	}
	c.msgid = CHECKER_MSGID_UP;
	assert_non_null(strstr(checker_message(&c), "up"));
	/* A plugin id without a plugin to look it up in has no text. */
	c.msgid = CHECKER_FIRST_MSGID;
	assert_string_equal(checker_message(&c), "");
	checker_clear_message(&c);
	assert_int_equal(c.msgid, CHECKER_MSGID_NONE);
	assert_string_equal(checker_message(NULL), "");
}

static void sync_flag_is_per_checker(void **state)
{
	struct checker a, b;

	select_checker(&a, "plain");
	select_checker(&b, "plain");
	assert_ptr_not_equal(a.cls, b.cls);
	assert_true(checker_is_sync(&a));
	assert_true(checker_is_sync(&b));
	checker_set_async(&a);
	assert_false(checker_is_sync(&a));
	assert_true(checker_is_sync(&b));	/* the other is unchanged */
	checker_set_sync(&a);
	checker_set_async(&b);
	assert_true(checker_is_sync(&a));
	assert_false(checker_is_sync(&b));
	checker_put(&a);
	checker_put(&b);
}

static void disabled_checker_does_not_check(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_set_fd(&c, 0);
	checker_disable(&c);
	checker_check(&c, PATH_UP);
	assert_int_equal(check_calls, 0);
	assert_int_equal(checker_get_state(&c), PATH_UNCHECKED);
	assert_int_equal(c.msgid, CHECKER_MSGID_DISABLED);
	checker_enable(&c);
	checker_check(&c, PATH_DOWN);
	assert_int_equal(check_calls, 1);
	assert_int_equal(checker_get_state(&c), PATH_UP);
	assert_int_equal(c.msgid, CHECKER_MSGID_NONE);
	checker_put(&c);
}

static void checker_without_fd_reports_wild(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_check(&c, PATH_UP);
	assert_int_equal(check_calls, 0);
	assert_int_equal(checker_get_state(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_NO_FD);
	checker_put(&c);
}

static void unselected_checker_is_unchecked(void **state)
{
	struct checker c;

	checker_clear(&c);
	assert_int_equal(c.fd, -1);
	assert_false(checker_selected(&c));
	assert_string_equal(checker_name(&c), "");
	assert_int_equal(checker_init(&c, NULL), -EINVAL);
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_UNCHECKED);
	assert_false(checker_need_wait(&c));
	checker_put(&c);	/* harmless */
	checker_check(NULL, PATH_UP);
	assert_int_equal(checker_get_state(NULL), PATH_UNCHECKED);
}

static void invalid_state_from_plugin_is_contained(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_set_fd(&c, 0);
	next_state = PATH_MAX_STATE + 3;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_INVALID);
	next_state = -7;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_WILD);
	checker_put(&c);
}

static void pending_result_is_collected_without_blocking(void **state)
{
	struct checker c;

	select_checker(&c, "pending");
	checker_set_fd(&c, 0);
	next_state = PATH_PENDING;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_PENDING);
	assert_true(checker_need_wait(&c));
	next_state = PATH_DOWN;
	assert_int_equal(checker_get_state(&c), PATH_DOWN);
	/* Not pending any more: the plugin is not asked again. */
	assert_false(checker_need_wait(&c));
	checker_put(&c);
}

/*
 * A synchronous check of a plugin that has neither libcheck_pending nor
 * libcheck_thread cannot be collected later: PATH_PENDING from it would
 * leave the path pending for ever. It becomes PATH_WILD, with a message,
 * and the next check runs the plugin again.
 */
static void uncollectable_pending_is_contained(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_set_fd(&c, 0);
	next_state = PATH_PENDING;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_UNCOLLECTABLE);
	assert_non_null(strstr(checker_message(&c), "pending"));
	assert_false(checker_need_wait(&c));
	next_state = PATH_UP;
	checker_check(&c, PATH_WILD);
	assert_int_equal(check_calls, 2);
	assert_int_equal(checker_get_state(&c), PATH_UP);
	checker_put(&c);
}

/* With libcheck_thread, a plugin collects its result itself: passed on. */
static void pending_from_a_threaded_plugin_is_passed_on(void **state)
{
	struct checker c;

	select_checker(&c, "threaded");
	checker_set_fd(&c, 0);
	checker_set_async(&c);
	next_state = PATH_PENDING;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_PENDING);
	assert_int_equal(c.msgid, CHECKER_MSGID_NONE);
	checker_put(&c);
}

/*
 * PATH_UNCHECKED (the framework's), PATH_REMOVED and PATH_DELAYED (the
 * daemon's) from a plugin become PATH_WILD with a message, whether
 * libcheck_check or libcheck_pending returned them.
 */
static void reserved_states_from_a_plugin_are_contained(void **state)
{
	static const int reserved[] = {
		PATH_UNCHECKED, PATH_REMOVED, PATH_DELAYED,
	};
	struct checker c, p;
	size_t i;

	select_checker(&c, "plain");
	select_checker(&p, "pending");
	checker_set_fd(&c, 0);
	checker_set_fd(&p, 0);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		next_state = reserved[i];
		checker_check(&c, PATH_UP);
		assert_int_equal(checker_get_state(&c), PATH_WILD);
		assert_int_equal(c.msgid, CHECKER_MSGID_RESERVED_STATE);
		assert_true(strlen(checker_message(&c)) > 0);

		next_state = PATH_PENDING;
		checker_check(&p, PATH_UP);
		assert_int_equal(checker_get_state(&p), PATH_PENDING);
		next_state = reserved[i];
		assert_int_equal(checker_get_state(&p), PATH_WILD);
		assert_int_equal(p.msgid, CHECKER_MSGID_RESERVED_STATE);
	}
	/* Every state a checker may set is passed on unchanged. */
	next_state = PATH_DISCONNECTED;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_DISCONNECTED);
	next_state = PATH_TIMEOUT;
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_TIMEOUT);
	checker_put(&c);
	checker_put(&p);
}

static void failing_init_is_reported(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "plain");
	init_result = 1;
	assert_int_equal(checker_init(&c, NULL), -EIO);
	assert_non_null(strstr(test_log.last, "libcheck_init"));
	checker_put(&c);
}

static void reselecting_frees_the_old_context_and_keeps_the_fd(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_set_fd(&c, 7);
	c.timeout = 30;
	checker_get(&c, "pending");
	assert_int_equal(free_calls, 1);
	assert_string_equal(checker_name(&c), "pending");
	assert_int_equal(c.fd, 7);
	assert_int_equal(c.timeout, 30);
	assert_null(c.context);
	assert_int_equal(test_plugin_refcount("plain"), 1);
	checker_put(&c);
	assert_int_equal(c.fd, -1);
	assert_null(c.cls);
}

static void put_clears_the_checker(void **state)
{
	struct checker c;

	select_checker(&c, "plain");
	checker_set_fd(&c, 3);
	checker_disable(&c);
	checker_put(&c);
	assert_int_equal(free_calls, 1);
	assert_null(c.cls);
	assert_null(c.context);
	assert_int_equal(c.fd, -1);
	assert_int_equal(c.disable, 0);
	assert_int_equal(test_plugin_refcount("plain"), 1);
}

static void log_level_filters_and_names(void **state)
{
	assert_string_equal(mpath_log_level_name(MPATH_LOG_ERR), "error");
	assert_string_equal(mpath_log_level_name(MPATH_LOG_DEBUG), "debug");
	assert_string_equal(mpath_log_level_name(42), "invalid");
	mpath_log_set_level(MPATH_LOG_WARNING);
	assert_int_equal(mpath_log_get_level(), MPATH_LOG_WARNING);
	mpath_log(MPATH_LOG_INFO, "dropped %d", 1);
	mpath_log(MPATH_LOG_ERR, "kept %d", 2);
	assert_int_equal(test_log.count[MPATH_LOG_INFO], 0);
	assert_int_equal(test_log.count[MPATH_LOG_ERR], 1);
	assert_string_equal(test_log.last, "kept 2");
	mpath_log_set_level(99);	/* clamped */
	assert_int_equal(mpath_log_get_level(), MPATH_LOG_DEBUG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(state_names_cover_every_state),
		T(contract_values_are_fixed),
		T(generic_messages_have_texts),
		T(sync_flag_is_per_checker),
		T(disabled_checker_does_not_check),
		T(checker_without_fd_reports_wild),
		T(unselected_checker_is_unchecked),
		T(invalid_state_from_plugin_is_contained),
		T(pending_result_is_collected_without_blocking),
		T(uncollectable_pending_is_contained),
		T(pending_from_a_threaded_plugin_is_passed_on),
		T(reserved_states_from_a_plugin_are_contained),
		T(failing_init_is_reported),
		T(reselecting_frees_the_old_context_and_keeps_the_fd),
		T(put_clears_the_checker),
		T(log_level_filters_and_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
