// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-loader.c - loading plugins, with the dynamic loader faked: what is
 * accepted, what is refused and why, that a refusal leaves nothing behind
 * and is reported once, that the object loaded is the file verified, and
 * that a load that blocks holds up nothing but the load of its own name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake-dl.h"
#include "test-util.h"

/* --- the fake plugins' code -------------------------------------------- */

static int fake_init_calls, fake_free_calls, fake_mp_init_calls;

static int fake_init(struct checker *c)
{
	fake_init_calls++;
	c->context = malloc(16);
	return c->context ? 0 : 1;
}

static void fake_free(struct checker *c)
{
	fake_free_calls++;
	free(c->context);
	c->context = NULL;
}

static int fake_check(struct checker *c)
{
	c->msgid = CHECKER_FIRST_MSGID + 1;
	return PATH_UP;
}

static int fake_mp_init(struct checker *c)
{
	fake_mp_init_calls++;
	*c->mpcontext = malloc(8);
	return *c->mpcontext ? 0 : 1;
}

static const char *two_msgs[] = { "first message", "second message", NULL };
static const char *no_msgs[] = { NULL };
static const char *many_msgs[151];

#define REQUIRED_SYMS \
	{ "libcheck_init", (void *)fake_init }, \
	{ "libcheck_free", (void *)fake_free }, \
	{ "libcheck_check", (void *)fake_check }

static const struct fake_sym good_syms[] = {
	REQUIRED_SYMS,
	{ "libcheck_mp_init", (void *)fake_mp_init },
	{ "libcheck_msgtable", (void *)two_msgs },
	{ NULL, NULL },
};
static const struct fake_sym minimal_syms[] = { REQUIRED_SYMS, { NULL, NULL } };
static const struct fake_sym empty_table_syms[] = {
	REQUIRED_SYMS, { "libcheck_msgtable", (void *)no_msgs }, { NULL, NULL },
};
static const struct fake_sym many_table_syms[] = {
	REQUIRED_SYMS, { "libcheck_msgtable", (void *)many_msgs }, { NULL, NULL },
};
static const struct fake_sym no_init_syms[] = {
	{ "libcheck_free", (void *)fake_free },
	{ "libcheck_check", (void *)fake_check }, { NULL, NULL },
};
static const struct fake_sym no_free_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_check", (void *)fake_check }, { NULL, NULL },
};
static const struct fake_sym no_check_syms[] = {
	{ "libcheck_init", (void *)fake_init },
	{ "libcheck_free", (void *)fake_free }, { NULL, NULL },
};

static struct fake_dso good = { "libcheckgood.so", good_syms, NULL, 0, 0 };
static struct fake_dso minimal = { "libcheckminimal.so", minimal_syms, NULL, 0, 0 };
static struct fake_dso empty_table = { "libcheckempty.so", empty_table_syms, NULL, 0, 0 };
static struct fake_dso many_table = { "libcheckmany.so", many_table_syms, NULL, 0, 0 };
static struct fake_dso no_init = { "libchecknoinit.so", no_init_syms, NULL, 0, 0 };
static struct fake_dso no_free = { "libchecknofree.so", no_free_syms, NULL, 0, 0 };
static struct fake_dso no_check = { "libchecknocheck.so", no_check_syms, NULL, 0, 0 };
static struct fake_dso broken = { "libcheckbroken.so", good_syms,
				  "libcheckbroken.so: undefined symbol: sg_io", 0, 0 };

static struct fake_dso *all_fakes[] = {
	&good, &minimal, &empty_table, &many_table, &no_init, &no_free,
	&no_check, &broken,
};

/* --- fixture ------------------------------------------------------------- */

static char *plugin_dir;

static int setup(void **state)
{
	size_t i;

	fake_dl_reset();
	plugin_dir = fake_plugin_dir();
	for (i = 0; i < sizeof(all_fakes) / sizeof(all_fakes[0]); i++) {
		fake_dl_add(all_fakes[i]);
		assert_int_equal(fake_plugin_elf(plugin_dir, all_fakes[i]->file), 0);
	}
	fake_init_calls = fake_free_calls = fake_mp_init_calls = 0;
	checker_set_permission_check(true);
	assert_int_equal(init_checkers(plugin_dir), 0);
	test_log_start();
	return 0;
}

static int teardown(void **state)
{
	cleanup_checkers();
	fake_plugin_dir_remove(plugin_dir);
	plugin_dir = NULL;
	checker_set_permission_check(true);
	return 0;
}

/* Every plugin but "none" is gone and every fake DSO was closed once. */
static void assert_all_unloaded(void)
{
	size_t i;

	for (i = 0; i < sizeof(all_fakes) / sizeof(all_fakes[0]); i++)
		assert_int_equal(all_fakes[i]->opens, all_fakes[i]->closes);
	assert_int_equal(test_plugin_count("good"), 0);
}

/* --- tests ----------------------------------------------------------------- */

static void load_succeeds_with_all_symbols(void **state)
{
	struct checker c1, c2;
	char expect[PATH_MAX];
	void *mpctx = NULL;

	checker_clear(&c1);
	checker_clear(&c2);
	checker_get(&c1, "good");
	assert_true(checker_selected(&c1));
	assert_string_equal(checker_name(&c1), "good");
	assert_int_equal(good.opens, 1);
	/*
	 * The verified file is loaded by its path, so that $ORIGIN is its
	 * directory, RTLD_NOW.
	 */
	snprintf(expect, sizeof(expect), "%s/libcheckgood.so", plugin_dir);
	assert_string_equal(fake_dlopen_file, expect);
	assert_true(fake_dlopen_flags & RTLD_NOW);

	/* A second user finds the loaded plugin without loading again. */
	checker_get(&c2, "good");
	assert_ptr_equal(c2.cls == NULL, false);
	assert_int_equal(good.opens, 1);
	assert_int_equal(test_plugin_refcount("good"), 3);

	assert_int_equal(checker_init(&c1, &mpctx), 0);
	assert_int_equal(fake_init_calls, 1);
	assert_int_equal(fake_mp_init_calls, 1);
	assert_non_null(mpctx);
	/* The map-wide context exists now: not allocated a second time. */
	assert_int_equal(checker_init(&c2, &mpctx), 0);
	assert_int_equal(fake_mp_init_calls, 1);

	checker_set_fd(&c1, 0);
	checker_check(&c1, PATH_DOWN);
	assert_int_equal(checker_get_state(&c1), PATH_UP);
	assert_string_equal(checker_message(&c1), "second message");

	checker_put(&c1);
	checker_put(&c2);
	free(mpctx);
	assert_int_equal(fake_free_calls, 2);
	assert_int_equal(good.closes, 0);
	assert_int_equal(test_log_problems(), 0);
	cleanup_checkers();
	assert_int_equal(good.closes, 1);
}

static void missing_file_is_reported_with_its_path(void **state)
{
	struct checker c;
	char expect[PATH_MAX];

	checker_clear(&c);
	checker_get(&c, "absent");
	assert_null(c.cls);
	assert_int_equal(fake_dlopen_calls, 0);
	snprintf(expect, sizeof(expect), "%s/libcheckabsent.so", plugin_dir);
	assert_non_null(strstr(test_log.last, expect));
	assert_non_null(strstr(test_log.last, "no such file"));
	assert_int_equal(test_plugin_count("absent"), 0);
}

static void expect_missing_symbol(const char *name, const char *sym,
				  struct fake_dso *dso)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, name);
	assert_null(c.cls);
	assert_non_null(strstr(test_log.last, sym));
	assert_non_null(strstr(test_log.last, dso->file));
	/* No half-built plugin: it was closed again and is not listed. */
	assert_int_equal(dso->opens, 1);
	assert_int_equal(dso->closes, 1);
	assert_int_equal(test_plugin_count(name), 0);
}

static void missing_libcheck_init_is_refused(void **state)
{
	expect_missing_symbol("noinit", "libcheck_init", &no_init);
}

static void missing_libcheck_free_is_refused(void **state)
{
	expect_missing_symbol("nofree", "libcheck_free", &no_free);
}

static void missing_libcheck_check_is_refused(void **state)
{
	expect_missing_symbol("nocheck", "libcheck_check", &no_check);
}

static void unloadable_file_reports_the_loader_error(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "broken");
	assert_null(c.cls);
	assert_non_null(strstr(test_log.last, "cannot be loaded"));
	assert_non_null(strstr(test_log.last, "undefined symbol: sg_io"));
	assert_int_equal(test_plugin_count("broken"), 0);
}

static void optional_symbols_may_be_absent(void **state)
{
	struct checker c;
	struct checker_context ctx;
	pthread_t t;
	void *mpctx = NULL;

	checker_clear(&c);
	checker_get(&c, "minimal");
	assert_non_null(c.cls);
	assert_int_equal(checker_init(&c, &mpctx), 0);
	assert_null(mpctx);		/* no libcheck_mp_init */
	checker_set_fd(&c, 0);
	checker_check(&c, PATH_DOWN);
	assert_int_equal(checker_get_state(&c), PATH_UP);
	assert_false(checker_need_wait(&c));
	/* No libcheck_msgtable: its ids have no text. */
	assert_string_equal(checker_message(&c), "");
	/* No libcheck_thread: nothing to start. */
	ctx.cls = c.cls;
	assert_int_equal(start_checker_thread(&t, NULL, &ctx), EINVAL);
	assert_int_equal(test_plugin_refcount("minimal"), 2);
	reset_checker_classes();	/* no libcheck_reset: nothing to call */
	checker_put(&c);
}

static void empty_message_table_gives_empty_texts(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "empty");
	assert_non_null(c.cls);
	c.msgid = CHECKER_FIRST_MSGID;
	assert_string_equal(checker_message(&c), "");
	checker_put(&c);
}

static void message_table_is_indexed_from_first_msgid(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "good");
	c.msgid = CHECKER_FIRST_MSGID;
	assert_string_equal(checker_message(&c), "first message");
	c.msgid = CHECKER_FIRST_MSGID + 1;
	assert_string_equal(checker_message(&c), "second message");
	c.msgid = CHECKER_FIRST_MSGID + 2;	/* past the NULL terminator */
	assert_string_equal(checker_message(&c), "");
	c.msgid = CHECKER_MSGID_DISCONNECTED + 1;	/* between the ranges */
	assert_string_equal(checker_message(&c), "");
	c.msgid = -1;
	assert_string_equal(checker_message(&c), "");
	checker_put(&c);
}

static void oversized_message_table_is_capped_at_100(void **state)
{
	static char texts[150][8];
	struct checker c;
	int i;

	for (i = 0; i < 150; i++) {
		snprintf(texts[i], sizeof(texts[i]), "m%d", i);
		many_msgs[i] = texts[i];
	}
	many_msgs[150] = NULL;
	checker_clear(&c);
	checker_get(&c, "many");
	assert_non_null(c.cls);
	assert_non_null(strstr(test_log.last, "more than 100"));
	c.msgid = CHECKER_FIRST_MSGID + 99;
	assert_string_equal(checker_message(&c), "m99");
	c.msgid = CHECKER_FIRST_MSGID + 100;
	assert_string_equal(checker_message(&c), "");
	checker_put(&c);
}

static void invalid_names_never_reach_the_file_system(void **state)
{
	static const char *const bad[] = {
		"../../tmp/x", "/etc/passwd", "a/b", "a b", "tur;rm", ".",
		"..", "0123456789abcdef", "t\xc3\xbcr", "x\n",
	};
	struct checker c;
	size_t i;

	checker_clear(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fake_fs_calls = 0;
		test_log_start();
		checker_get(&c, bad[i]);
		assert_null(c.cls);
		assert_int_equal(fake_dl_count(&fake_fs_calls), 0);
		assert_int_equal(fake_dl_count(&fake_dlopen_calls), 0);
		assert_non_null(strstr(test_log.last, "invalid"));
		assert_int_equal(test_log_problems(), 1);
		/* Asked again: still refused, not reported again. */
		checker_get(&c, bad[i]);
		assert_null(c.cls);
		assert_int_equal(test_log_problems(), 1);
	}
	/* The empty name selects nothing and is no error. */
	test_log_start();
	checker_get(&c, "");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 0);
	/* Fifteen valid characters are a valid name: it is looked up. */
	fake_fs_calls = 0;
	checker_get(&c, "abcdefghij-_012");
	assert_null(c.cls);
	assert_true(fake_dl_count(&fake_fs_calls) > 0);
}

static void expect_refused(const char *name, const char *why)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, name);
	assert_null(c.cls);
	assert_non_null(strstr(test_log.last, why));
	assert_int_equal(fake_dl_count(&fake_dlopen_calls), 0);
}

static void group_writable_plugin_file_is_refused(void **state)
{
	char path[PATH_MAX];
	struct checker c;

	snprintf(path, sizeof(path), "%s/libcheckgood.so", plugin_dir);
	assert_int_equal(chmod(path, 0775), 0);
	expect_refused("good", "writable by group or others");
	assert_non_null(strstr(test_log.last, path));

	/* Turned off explicitly (tests only), the same file loads. */
	checker_set_permission_check(false);
	init_checkers(plugin_dir);	/* forget the refusal */
	checker_clear(&c);
	checker_get(&c, "good");
	assert_non_null(c.cls);
	checker_put(&c);
}

static void world_writable_plugin_directory_is_refused(void **state)
{
	assert_int_equal(chmod(plugin_dir, 0777), 0);
	expect_refused("good", "writable by group or others");
	assert_non_null(strstr(test_log.last, plugin_dir));
	assert_non_null(strstr(test_log.last, "directory"));
}

static void plugin_owned_by_another_user_is_refused(void **state)
{
	char path[PATH_MAX];

	if (geteuid() != 0) {
		print_message("skipped: needs root to chown the plugin file\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/libcheckgood.so", plugin_dir);
	assert_int_equal(chown(path, 4321, 4321), 0);
	expect_refused("good", "owned by another user");
}

static void symlinked_plugin_is_refused(void **state)
{
	char link[PATH_MAX];

	snprintf(link, sizeof(link), "%s/libchecklinked.so", plugin_dir);
	assert_int_equal(symlink("libcheckgood.so", link), 0);
	expect_refused("linked", "symbolic link");
}

static void non_elf_file_is_refused(void **state)
{
	assert_int_equal(fake_plugin_file(plugin_dir, "libcheckscript.so",
					  "#!/bin/sh\n", 10, 0755), 0);
	expect_refused("script", "not an ELF");
}

static void directory_named_like_a_plugin_is_refused(void **state)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/libcheckdir.so", plugin_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	expect_refused("dir", "not a regular file");
}

/*
 * A plugin for another machine is refused before dlopen(), with the
 * machine named, not with the dynamic loader's "No such file".
 */
static void plugin_for_another_machine_is_refused_before_dlopen(void **state)
{
	unsigned char elf[sizeof(Elf64_Ehdr)];
#if defined(__aarch64__)
	const uint16_t other = EM_X86_64;
	const char *why = "built for another machine (x86-64)";
#else
	const uint16_t other = EM_AARCH64;
	const char *why = "built for another machine (aarch64)";
#endif

	assert_int_equal(fake_elf_header(elf, sizeof(elf), other), 0);
	assert_int_equal(fake_plugin_file(plugin_dir, "libcheckforeign.so",
					  (char *)elf, sizeof(elf), 0755), 0);
	expect_refused("foreign", why);
	assert_int_equal(test_plugin_count("foreign"), 0);
}

/* A file too short to hold an ELF header is not a shared object. */
static void truncated_elf_header_is_refused(void **state)
{
	assert_int_equal(fake_plugin_file(plugin_dir, "libcheckshort.so",
					  "\177ELF\2\1\1", 7, 0755), 0);
	expect_refused("short", "not an ELF shared object");
}

/*
 * The plugin file is swapped between its verification and dlopen(), which
 * loads whatever the path names by then: the object loaded is not the file
 * verified, and is refused and unloaded again. Without the swap, the same
 * name loads.
 */
static char swap_from[PATH_MAX], swap_to[PATH_MAX];

static void swap_before_dlopen(const char *file)
{
	if (rename(swap_from, swap_to) != 0)
		perror("rename");
	fake_dlopen_hook = NULL;	/* once */
}

static void file_swapped_before_dlopen_is_refused(void **state)
{
	struct checker c;

	assert_int_equal(fake_plugin_elf(plugin_dir, "libcheckother.so"), 0);
	snprintf(swap_from, sizeof(swap_from), "%s/libcheckother.so",
		 plugin_dir);
	snprintf(swap_to, sizeof(swap_to), "%s/libcheckgood.so", plugin_dir);
	fake_dlopen_hook = swap_before_dlopen;
	checker_clear(&c);
	checker_get(&c, "good");
	assert_null(c.cls);
	assert_non_null(strstr(test_log.last, swap_to));
	assert_non_null(strstr(test_log.last, "changed"));
	/* Loaded, found to be another file, unloaded: nothing left. */
	assert_int_equal(fake_dl_count(&good.opens), 1);
	assert_int_equal(fake_dl_count(&good.closes), 1);
	assert_int_equal(test_plugin_count("good"), 0);

	/* The file in place now was not swapped under the load: accepted. */
	init_checkers(plugin_dir);
	checker_get(&c, "good");
	assert_non_null(c.cls);
	checker_put(&c);
}

/* --- loads that block ------------------------------------------------ */

static bool call_done(void *arg)
{
	return __atomic_load_n((int *)arg, __ATOMIC_ACQUIRE);
}

/* What another thread does while a load is held at the gate. */
struct bystander {
	pthread_t thread;
	struct checker loaded, fresh;
	int plugins;		/* what checker_plugin_stats() said */
	int done;		/* __atomic */
};

static void *bystander_run(void *arg)
{
	struct bystander *b = arg;
	struct checker_plugin_stats *st;

	checker_clear(&b->loaded);
	checker_clear(&b->fresh);
	checker_get(&b->loaded, "good");	/* loaded already */
	checker_get(&b->fresh, "empty");	/* another name, not loaded */
	b->plugins = checker_plugin_stats(&st);
	if (b->plugins >= 0)
		free(st);
	checker_put(&b->fresh);
	checker_put(&b->loaded);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * The load of "minimal" blocks in open() (as on a FIFO or a hung file
 * server). Meanwhile another thread gets a loaded plugin, loads another
 * plugin and reads the statistics: none of that may wait for the blocked
 * load. A second thread asking for "minimal" itself waits for it and gets
 * the same plugin: the name is still loaded once. If the bystander is held
 * up, the gate is opened so that the test can end, and it fails.
 */
static void blocked_load_holds_up_only_its_own_name(void **state)
{
	struct test_get_call a, a2;
	struct bystander b = { 0 };
	struct checker c0;
	bool prompt;

	checker_clear(&c0);
	checker_get(&c0, "good");
	assert_non_null(c0.cls);
	fake_gate_close("libcheckminimal.so");
	assert_int_equal(test_get_start(&a, "minimal"), 0);
	assert_true(fake_gate_wait_for(1, 10));
	assert_int_equal(test_get_start(&a2, "minimal"), 0);
	assert_int_equal(pthread_create(&b.thread, NULL, bystander_run, &b), 0);
	prompt = test_wait_for(call_done, &b.done, 5.0);
	fake_gate_open();
	assert_int_equal(pthread_join(b.thread, NULL), 0);
	assert_int_equal(pthread_join(a.thread, NULL), 0);
	assert_int_equal(pthread_join(a2.thread, NULL), 0);
	assert_true(prompt);
	assert_int_equal(b.plugins, 3);	/* none, good, empty; not minimal */
	assert_non_null(a.c.cls);
	assert_non_null(a2.c.cls);
	assert_int_equal(fake_dl_count(&minimal.opens), 1);
	assert_int_equal(test_plugin_refcount("minimal"), 3);
	checker_put(&a.c);
	checker_put(&a2.c);
	checker_put(&c0);
	assert_int_equal(test_log_problems(), 0);
}

/* cleanup_checkers() and init_checkers() in a thread of their own. */
struct reconfigure_call {
	pthread_t thread;
	const char *dir;
	int done;		/* __atomic */
};

static void *reconfigure_run(void *arg)
{
	struct reconfigure_call *r = arg;

	cleanup_checkers();
	init_checkers(r->dir);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A reconfiguration to another plugin directory happens while a load from
 * the old one is blocked: the reconfiguration does not wait for it, and the
 * plugin loaded from the old directory is never published into the new
 * registry: it is unloaded again, cleanly, and the name is loaded from the
 * new directory instead.
 */
static void load_overtaken_by_reconfigure_is_discarded(void **state)
{
	struct reconfigure_call r = { 0 };
	struct checker_plugin_stats st;
	struct test_get_call a;
	char *dir2 = fake_plugin_dir();
	char expect[PATH_MAX];
	bool prompt, found = false;
	struct checker_plugin_stats *all;
	int i, n;

	assert_int_equal(fake_plugin_elf(dir2, "libcheckminimal.so"), 0);
	fake_gate_close("libcheckminimal.so");
	assert_int_equal(test_get_start(&a, "minimal"), 0);
	assert_true(fake_gate_wait_for(1, 10));
	r.dir = dir2;
	assert_int_equal(pthread_create(&r.thread, NULL, reconfigure_run, &r),
			 0);
	prompt = test_wait_for(call_done, &r.done, 5.0);
	fake_gate_open();
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	assert_int_equal(pthread_join(a.thread, NULL), 0);
	assert_true(prompt);

	assert_non_null(a.c.cls);
	n = checker_plugin_stats(&all);
	for (i = 0; i < n; i++) {
		if (strcmp(all[i].name, "minimal") == 0) {
			st = all[i];
			found = true;
		}
	}
	free(all);
	assert_true(found);
	assert_int_equal(test_plugin_count("minimal"), 1);
	snprintf(expect, sizeof(expect), "%s/libcheckminimal.so", dir2);
	assert_string_equal(st.path, expect);
	assert_true(st.registered);
	/* The old directory's load was unloaded; the new one is in use. */
	assert_int_equal(fake_dl_count(&minimal.opens), 2);
	assert_int_equal(fake_dl_count(&minimal.closes), 1);
	checker_put(&a.c);
	cleanup_checkers();
	assert_int_equal(fake_dl_count(&minimal.closes), 2);
	fake_plugin_dir_remove(dir2);
}

static void failure_is_reported_once_until_reinit(void **state)
{
	struct checker c;
	int i;

	checker_clear(&c);
	for (i = 0; i < 100; i++) {
		checker_get(&c, "nocheck");
		assert_null(c.cls);
	}
	assert_int_equal(test_log_problems(), 1);
	assert_int_equal(no_check.opens, 1);	/* not retried either */

	/* A reconfigure tries again: maybe the plugin was fixed. */
	init_checkers(plugin_dir);
	checker_get(&c, "nocheck");
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 2);
	assert_int_equal(no_check.opens, 2);
}

static void missing_plugin_directory_is_reported_not_fatal(void **state)
{
	struct checker c;
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/nonexistent", plugin_dir);
	assert_int_equal(init_checkers(dir), 0);
	assert_non_null(strstr(test_log.last, dir));
	assert_non_null(strstr(test_log.last, "only built-in"));
	checker_clear(&c);
	checker_get(&c, "none");
	assert_non_null(c.cls);
	checker_put(&c);
	checker_get(&c, "good");
	assert_null(c.cls);
}

static void none_is_built_in(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "none");
	assert_non_null(c.cls);
	assert_int_equal(fake_dl_count(&fake_dlopen_calls), 0);
	assert_int_equal(checker_init(&c, NULL), 0);
	checker_check(&c, PATH_GHOST);	/* no fd needed */
	assert_int_equal(checker_get_state(&c), PATH_GHOST);
	checker_put(&c);
	assert_int_equal(test_plugin_refcount("none"), 1);
}

static void cleanup_unloads_everything(void **state)
{
	struct checker c[4];
	int i;

	for (i = 0; i < 4; i++) {
		checker_clear(&c[i]);
		checker_get(&c[i], i % 2 ? "good" : "minimal");
		assert_non_null(c[i].cls);
	}
	for (i = 0; i < 4; i++)
		checker_put(&c[i]);
	cleanup_checkers();
	assert_all_unloaded();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(load_succeeds_with_all_symbols),
		T(missing_file_is_reported_with_its_path),
		T(missing_libcheck_init_is_refused),
		T(missing_libcheck_free_is_refused),
		T(missing_libcheck_check_is_refused),
		T(unloadable_file_reports_the_loader_error),
		T(optional_symbols_may_be_absent),
		T(empty_message_table_gives_empty_texts),
		T(message_table_is_indexed_from_first_msgid),
		T(oversized_message_table_is_capped_at_100),
		T(invalid_names_never_reach_the_file_system),
		T(group_writable_plugin_file_is_refused),
		T(world_writable_plugin_directory_is_refused),
		T(plugin_owned_by_another_user_is_refused),
		T(symlinked_plugin_is_refused),
		T(non_elf_file_is_refused),
		T(directory_named_like_a_plugin_is_refused),
		T(plugin_for_another_machine_is_refused_before_dlopen),
		T(truncated_elf_header_is_refused),
		T(file_swapped_before_dlopen_is_refused),
		T(blocked_load_holds_up_only_its_own_name),
		T(load_overtaken_by_reconfigure_is_discarded),
		T(failure_is_reported_once_until_reinit),
		T(missing_plugin_directory_is_reported_not_fatal),
		T(none_is_built_in),
		T(cleanup_unloads_everything),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
