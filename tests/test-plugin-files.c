// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-plugin-files.c - what the real dynamic loader makes of plugin files
 * as vendors and accidents put them in a plugin directory: a plugin with a
 * helper library found through $ORIGIN, a file built for another machine,
 * a FIFO, message tables at the contract's limit, and the descriptors
 * loading leaves open across reconfigurations.
 *
 * The plugins are the test suite's own ($O/tests/plugins): "origin" (linked
 * against libmpathtesthelper.so with a RUNPATH of $ORIGIN), "msgfull" (100
 * messages and a NULL terminator), "msgnoterm" (100 messages and no
 * terminator: run under `make test-asan` to see an over-read) and "pipe".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-util.h"
#include "real-plugin-util.h"

/* Generous: only a broken library makes the tests wait this long. */
#define WAIT_SECONDS 10.0

static const char *const test_plugins[] = {
	"origin", "msgfull", "msgnoterm", "pipe", NULL
};

/* A private directory, mode 0755, that the teardown removes. */
static char *temp_dir;

static const char *make_temp_dir(void)
{
	temp_dir = strdup("/tmp/mpath-files-XXXXXX");
	assert_non_null(temp_dir);
	assert_non_null(mkdtemp(temp_dir));
	assert_int_equal(chmod(temp_dir, 0755), 0);
	return temp_dir;
}

/* Copy $O/tests/plugins/file into dir as to, mode 0755. */
static void copy_plugin_file_as(const char *dir, const char *file,
				const char *as)
{
	char from[PATH_MAX], to[PATH_MAX], buf[65536];
	ssize_t n;
	int in, out;

	assert_true(snprintf(from, sizeof(from), "%s/%s", test_plugin_dir(),
			     file) < (int)sizeof(from));
	assert_true(snprintf(to, sizeof(to), "%s/%s", dir, as) <
		    (int)sizeof(to));
	in = open(from, O_RDONLY | O_CLOEXEC);
	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, n), n);
	assert_int_equal(n, 0);
	close(in);
	close(out);
	assert_int_equal(chmod(to, 0755), 0);
}

static void copy_plugin_file(const char *dir, const char *file)
{
	copy_plugin_file_as(dir, file, file);
}

static int setup(void **state)
{
	test_log_start();
	return real_plugins_init(test_plugins) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	cleanup_checkers();
	if (temp_dir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", temp_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", temp_dir);
		free(temp_dir);
		temp_dir = NULL;
	}
	checker_set_permission_check(true);
	mpath_log_set_handler(NULL, NULL);
	mpath_log_set_level(MPATH_LOG_NOTICE);
	return 0;
}

/* --- $ORIGIN ------------------------------------------------------------ */

/*
 * A plugin whose RUNPATH is $ORIGIN, copied with its helper library into a
 * directory of its own, loads (the helper is found beside it, not in the
 * build tree), works, and goes away again with its helper.
 */
static void origin_runpath_plugin_loads_with_its_helper(void **state)
{
	const char *dir = make_temp_dir();
	char helper[PATH_MAX];
	struct checker c;
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(devnull >= 0);
	copy_plugin_file(dir, "libcheckorigin.so");
	copy_plugin_file(dir, "libmpathtesthelper.so");
	snprintf(helper, sizeof(helper), "%s/libmpathtesthelper.so", dir);
	checker_set_permission_check(true);	/* our files, our directory */
	assert_int_equal(init_checkers(dir), 0);

	checker_clear(&c);
	checker_get(&c, "origin");
	assert_non_null(c.cls);
	assert_int_equal(test_log_problems(), 0);
	assert_true(test_dso_mapped(helper));
	assert_int_equal(checker_init(&c, NULL), 0);
	checker_set_fd(&c, devnull);
	checker_check(&c, PATH_UP);
	assert_int_equal(checker_get_state(&c), PATH_GHOST);
	assert_string_equal(checker_message(&c),
			    "answered by the helper library");
	checker_put(&c);
	cleanup_checkers();
	assert_false(test_dso_mapped("/libcheckorigin.so"));
	assert_false(test_dso_mapped(helper));
	close(devnull);
}

/*
 * How many different files whose path ends in suffix (or in suffix and
 * " (deleted)") are mapped into this process.
 */
static int mapped_inodes(const char *suffix)
{
	unsigned long inodes[16], inode;
	char line[PATH_MAX + 128], *name;
	FILE *f = fopen("/proc/self/maps", "re");
	int i, n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		name = strstr(line, suffix);
		if (!name || (strcmp(name + strlen(suffix), "") != 0 &&
			      strcmp(name + strlen(suffix), " (deleted)") != 0))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %lu", &inode) != 1)
			continue;
		for (i = 0; i < n && inodes[i] != inode; i++)
			;
		if (i == n && n < 16)
			inodes[n++] = inode;
	}
	fclose(f);
	return n;
}

/*
 * A package upgrade replaces a plugin file (a new file renamed over the
 * old) and the daemon reconfigures, while its paths still hold the plugin
 * loaded from the old file. The dynamic loader knows the old object by the
 * plugin's path, but the new plugin must be the new file, loaded beside it,
 * not refused and not the old object. Twice over, to have two older
 * versions loaded at once.
 */
static void replaced_plugin_loads_while_the_old_one_is_in_use(void **state)
{
	const char *dir = make_temp_dir();
	char path[PATH_MAX], tmp[PATH_MAX];
	struct checker old[3];
	struct checker_plugin_stats *st;
	int i, n, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(devnull >= 0);
	copy_plugin_file(dir, "libcheckorigin.so");
	copy_plugin_file(dir, "libmpathtesthelper.so");
	snprintf(path, sizeof(path), "%s/libcheckorigin.so", dir);
	snprintf(tmp, sizeof(tmp), "%s/new", dir);
	checker_set_permission_check(true);
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			/* The upgrade: a new file, renamed over the old one. */
			copy_plugin_file_as(dir, "libcheckorigin.so", "new");
			assert_int_equal(rename(tmp, path), 0);
			cleanup_checkers();
		}
		assert_int_equal(init_checkers(dir), 0);
		checker_clear(&old[i]);
		checker_get(&old[i], "origin");
		assert_non_null(old[i].cls);
		assert_int_equal(test_log_problems(), 0);
		assert_int_equal(checker_init(&old[i], NULL), 0);
		checker_set_fd(&old[i], devnull);
		checker_check(&old[i], PATH_UP);
		assert_int_equal(checker_get_state(&old[i]), PATH_GHOST);
	}
	/* Three plugins, each loaded from its own file. */
	assert_int_equal(test_plugin_count("origin"), 3);
	n = checker_plugin_stats(&st);
	for (i = 0; i < n; i++)
		if (strcmp(st[i].name, "origin") == 0)
			assert_string_equal(st[i].path, path);
	free(st);
	assert_int_equal(mapped_inodes("/libcheckorigin.so"), 3);
	for (i = 0; i < 3; i++)
		checker_put(&old[i]);
	cleanup_checkers();
	assert_int_equal(test_plugin_count("origin"), 0);
	assert_false(test_dso_mapped("/libcheckorigin.so"));
	assert_false(test_dso_mapped("/libcheckorigin.so (deleted)"));
	close(devnull);
}

/* --- files that are not plugins for this machine ------------------------ */

/*
 * An ELF header like a shared object's, but for another machine: the
 * refusal says so, and names the machine, instead of the dynamic loader's
 * "No such file or directory".
 */
static void write_foreign_elf(const char *path, unsigned char cls,
			      uint16_t machine)
{
	unsigned char buf[sizeof(Elf64_Ehdr)] = { 0 };
	int fd;

	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = cls;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	/* e_type and e_machine are at the same offsets in both classes. */
	buf[offsetof(Elf64_Ehdr, e_type)] = ET_DYN;
	buf[offsetof(Elf64_Ehdr, e_machine)] = machine & 0xff;
	buf[offsetof(Elf64_Ehdr, e_machine) + 1] = machine >> 8;
	buf[offsetof(Elf64_Ehdr, e_version)] = EV_CURRENT;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	close(fd);
	assert_int_equal(chmod(path, 0755), 0);
}

static void expect_foreign_refused(const char *name, const char *machine)
{
	char path[PATH_MAX], expect[128];
	struct checker c;

	snprintf(path, sizeof(path), "%s/libcheck%s.so", temp_dir, name);
	snprintf(expect, sizeof(expect), "built for another machine (%s)",
		 machine);
	test_log_start();
	checker_clear(&c);
	checker_get(&c, name);
	assert_null(c.cls);
	assert_int_equal(test_log_problems(), 1);
	if (!strstr(test_log.last, expect) || !strstr(test_log.last, path))
		fail_msg("expected \"%s\" about %s, got: %s", expect, path,
			 test_log.last);
	assert_null(strstr(test_log.last, "No such file"));
	assert_int_equal(test_plugin_count(name), 0);
}

static void plugin_for_another_machine_says_so(void **state)
{
	const char *dir = make_temp_dir();
	char path[PATH_MAX];
#if defined(__aarch64__)
	const uint16_t other = EM_X86_64;
	const char *other_name = "x86-64";
#else
	const uint16_t other = EM_AARCH64;
	const char *other_name = "aarch64";
#endif

	snprintf(path, sizeof(path), "%s/libcheckforeign.so", dir);
	write_foreign_elf(path, ELFCLASS64, other);
	snprintf(path, sizeof(path), "%s/libcheckthirtytwo.so", dir);
	write_foreign_elf(path, ELFCLASS32, EM_386);
	checker_set_permission_check(true);
	assert_int_equal(init_checkers(dir), 0);
	expect_foreign_refused("foreign", other_name);
#if !defined(__i386__)		/* there, it is our own machine */
	expect_foreign_refused("thirtytwo", "i386");
#endif
}

/* --- a FIFO in the plugin directory --------------------------------------- */

/*
 * A FIFO named like a plugin is refused at once, as not a regular file,
 * instead of blocking the load (and everything that waits for it) until
 * someone opens the FIFO for writing. If the load does hang, the test opens
 * the FIFO itself to let it go, and fails.
 */
static void fifo_named_like_a_plugin_is_refused_promptly(void **state)
{
	const char *dir = make_temp_dir();
	struct test_get_call g;
	char path[PATH_MAX];
	bool prompt;
	int wfd;

	snprintf(path, sizeof(path), "%s/libcheckfifo.so", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	checker_set_permission_check(false);
	assert_int_equal(init_checkers(dir), 0);
	assert_int_equal(test_get_start(&g, "fifo"), 0);
	prompt = test_wait_for(test_get_done, &g, 5.0);
	if (!prompt) {
		/* Release a load blocked in open(), so the test can end. */
		wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (wfd >= 0)
			close(wfd);
	}
	assert_int_equal(pthread_join(g.thread, NULL), 0);
	assert_true(prompt);
	assert_null(g.c.cls);
	assert_non_null(strstr(test_log.last, path));
	assert_non_null(strstr(test_log.last, "not a regular file"));
	assert_non_null(strstr(test_log.last, "FIFO"));
}

/* --- message tables at the contract's limit ------------------------------ */

/* 100 messages and the terminator: all usable, nothing to complain about. */
static void message_table_of_100_and_terminator_is_fine(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "msgfull");
	assert_non_null(c.cls);
	assert_int_equal(test_log_problems(), 0);
	c.msgid = CHECKER_FIRST_MSGID;
	assert_string_equal(checker_message(&c), "message 00");
	c.msgid = CHECKER_FIRST_MSGID + 99;
	assert_string_equal(checker_message(&c), "message 99");
	c.msgid = CHECKER_FIRST_MSGID + 100;
	assert_string_equal(checker_message(&c), "");
	checker_put(&c);
}

/*
 * 100 messages and no terminator: the loader reads the 100 entries and not
 * one more (under ASan, reading the 101st is a global-buffer-overflow),
 * keeps them, and says the table is not terminated.
 */
static void unterminated_message_table_of_100_is_not_overread(void **state)
{
	struct checker c;

	checker_clear(&c);
	checker_get(&c, "msgnoterm");
	assert_non_null(c.cls);
	assert_int_equal(test_log_problems(), 1);
	assert_true(test_log_contains("/libcheckmsgnoterm.so"));
	assert_true(test_log_contains("not NULL-terminated"));
	c.msgid = CHECKER_FIRST_MSGID;
	assert_string_equal(checker_message(&c), "message 00");
	c.msgid = CHECKER_FIRST_MSGID + 99;
	assert_string_equal(checker_message(&c), "message 99");
	c.msgid = CHECKER_FIRST_MSGID + 100;
	assert_string_equal(checker_message(&c), "");
	checker_put(&c);
}

/* --- descriptors across reconfigurations --------------------------------- */

/* The number of open descriptors of this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* not the directory's own */
}

/* Reconfigure as a daemon does: re-select each path's checker. */
static void reconfigure(struct checker *paths, int n)
{
	int i;

	cleanup_checkers();
	assert_int_equal(init_checkers(test_plugin_dir()), 0);
	for (i = 0; i < n; i++) {
		checker_put(&paths[i]);
		checker_get(&paths[i], "pipe");
		assert_non_null(paths[i].cls);
	}
}

/*
 * Two paths use one plugin; the daemon reconfigures 100 times. While one
 * path still holds the old plugin, the other already loads the new one from
 * the same file, so the two plugins share the loaded object each time. The
 * number of open descriptors must not depend on the number of rounds.
 */
static void reconfigure_100_times_leaks_no_descriptor(void **state)
{
	struct checker paths[2];
	int i, before;

	for (i = 0; i < 2; i++) {
		checker_clear(&paths[i]);
		checker_get(&paths[i], "pipe");
		assert_non_null(paths[i].cls);
	}
	reconfigure(paths, 2);	/* whatever a first round sets up, once */
	before = count_fds();
	for (i = 0; i < 100; i++)
		reconfigure(paths, 2);
	assert_int_equal(count_fds(), before);
	assert_int_equal(test_plugin_count("pipe"), 1);
	for (i = 0; i < 2; i++)
		checker_put(&paths[i]);
	cleanup_checkers();
	assert_int_equal(test_plugin_count("pipe"), 0);
	assert_false(test_dso_mapped("/libcheckpipe.so"));
	assert_int_equal(test_log_problems(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(origin_runpath_plugin_loads_with_its_helper),
		T(replaced_plugin_loads_while_the_old_one_is_in_use),
		T(plugin_for_another_machine_says_so),
		T(fifo_named_like_a_plugin_is_refused_promptly),
		T(message_table_of_100_and_terminator_is_fine),
		T(unterminated_message_table_of_100_is_not_overread),
		T(reconfigure_100_times_leaks_no_descriptor),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
