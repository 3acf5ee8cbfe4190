// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-faults.c - directio and readsector0 on real block devices with real
 * faults: loop devices over the images of tests/faultfs, a FUSE file
 * system whose I/O is switched at run time to succeed, fail with EIO, or
 * hang until released. Each scenario runs for both checkers, asynchronous
 * as a daemon runs them (directio through its libcheck_pending, readsector0
 * on the library's executor), with a 2 s checker timeout:
 *
 *   healthy_up           a healthy device is up
 *   eio_down_then_up     EIO gives down with a message; ok gives up again
 *   hang_times_out       a hang never blocks the caller, gives timeout (or
 *                        down) within timeout + 1 s (asserted with 0.5 s to
 *                        spare), no earlier; meanwhile another device's
 *                        checks are up in well under the timeout; after
 *                        release the path is up again
 *   detach_mid_check     a loop device detached while its check hangs, and
 *                        the checker put meanwhile: no crash, no leak, the
 *                        device goes once the checker's I/O has drained,
 *                        and the plugin can be unloaded afterwards
 *
 * Needs root with CAP_SYS_ADMIN, /dev/fuse and /dev/loop-control; without
 * them every test is skipped and the binary exits 77 saying why.
 *
 * Everything set up is undone, also after a failed assertion: the per-test
 * teardown releases all hangs and puts the test's checkers, the group
 * teardown (and an atexit handler, for an exit in between) detaches the
 * loop devices, stops faultfs, unmounts and removes the mount point. The
 * loop devices are configured with autoclear, so they also go when this
 * process dies; faultfs gets SIGTERM when it does (PR_SET_PDEATHSIG). A
 * process killed while its I/O hangs cannot finish dying, though: faultfs's
 * -t limit fails such I/O after HANG_LIMIT_S, then everything goes but
 * the empty mount point directory. The whole run takes about 5 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-util.h"
#include "loop-util.h"

#define NR_IMAGES	3
#define CHECK_TIMEOUT	2	/* c->timeout, seconds */
#define POLL_MS		50	/* between checker_get_state() calls */
#define HANG_LIMIT_S	"10"	/* faultfs -t: see the comment on top */
#define MAX_CHECKERS	4

/* The images: the one faults are put on, a healthy one, one to detach. */
enum { IMG_MAIN, IMG_OTHER, IMG_DETACH };


/* A checker a test uses, with its fd, put by the teardown if still used. */
struct test_checker {
	struct checker c;
	int fd;
	bool used;
};

/*
 * What the fixtures set up, a singleton because the atexit handler must
 * find it too. Used by the main thread only.
 */
static struct {
	const char *skip;		/* why the tests cannot run, or NULL */
	char mnt[PATH_MAX];		/* the mount point, "" if not made */
	pid_t fs_pid;			/* faultfs, or 0 */
	struct test_loop loop[NR_IMAGES];
	char plugins[PATH_MAX];
	bool checkers_up;		/* init_checkers() done */
	struct test_checker chk[MAX_CHECKERS];
} env = {
	.loop = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 } },
};

/* --- the environment ---------------------------------------------------- */

static const char *why_cannot_run(void)
{
	if (geteuid() != 0)
		return "not root: cannot mount FUSE or set up loop devices";
	if (!test_have_cap_sys_admin())
		return "no CAP_SYS_ADMIN: cannot mount FUSE or set up loop devices";
	if (access("/dev/fuse", R_OK | W_OK))
		return "no usable /dev/fuse";
	if (access("/dev/loop-control", R_OK | W_OK))
		return "no usable /dev/loop-control";
	return NULL;
}

static const char *build_dir(void)
{
	const char *o = getenv("O");

	return o && *o ? o : ".";
}

/* Write a command to faultfs's control file. Returns 0 or -errno. */
static int ctl(const char *fmt, ...)
{
	char path[PATH_MAX + 16], cmd[64];
	va_list ap;
	int fd, len, err = 0;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/control", env.mnt);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/* How many requests to image img hang in faultfs now, or -1. */
static int hung_requests(int img)
{
	char path[PATH_MAX + 16], line[128];
	int i, hung = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/control", env.mnt);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "img%d %*s reads=%*u hung=%d", &i,
			   &hung) == 2 && i == img)
			break;
	fclose(f);
	return hung;
}

/* Wait until a request to image img hangs in faultfs; false after 2 s. */
static bool wait_hung(int img)
{
	double end = test_now() + 2;

	while (hung_requests(img) < 1) {
		if (test_now() > end)
			return false;
		usleep(10000);
	}
	return true;
}

/* Is loop device nr bound to a file? */
static bool loop_bound(int nr)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/backing_file", nr);
	return access(path, F_OK) == 0;
}

/* Does loop device nr pass I/O on with direct I/O? */
static bool loop_dio(int nr)
{
	char path[64], c = '0';
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/dio", nr);
	f = fopen(path, "re");
	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == '1';
}

/*
 * A read-only loop device over image img, kept bound by env.loop[img].fd
 * (autoclear: it goes when the last descriptor on it is closed). Direct
 * I/O: the loop device passes reads on asynchronously, so a hung one does
 * not hold up its worker, as on a real device with a command queue; the
 * image is opened direct_io by faultfs either way. Returns 0 or -errno.
 */
static int loop_attach(int img)
{
	struct test_loop *ld = &env.loop[img];
	char file[PATH_MAX + 16], label[32];
	int err;

	snprintf(file, sizeof(file), "%s/img%d", env.mnt, img);
	snprintf(label, sizeof(label), "faultfs/img%d", img);
	err = test_loop_attach(ld, file, label, LO_FLAGS_DIRECT_IO);
	if (!err)
		printf("    %s over %s, direct I/O %s\n", ld->path, file,
		       loop_dio(ld->nr) ? "on" : "off");
	return err;
}

static void loop_detach(int img)
{
	test_loop_detach(&env.loop[img]);
}

/* --- checkers ------------------------------------------------------------ */

/*
 * Would the library refuse the plugins of this build: a file or directory
 * owned by someone else than root and us, or writable by group or others
 * (a tree built by a CI user with umask 002, say)?
 */
static bool plugins_refused(void)
{
	static const char *const names[] = { "", "/libcheckdirectio.so",
					     "/libcheckreadsector0.so" };
	char path[PATH_MAX + 32];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", env.plugins, names[i]);
		if (stat(path, &st) == 0 &&
		    ((st.st_uid != 0 && st.st_uid != geteuid()) ||
		     (st.st_mode & (S_IWGRP | S_IWOTH))))
			return true;
	}
	return false;
}

static int start_checkers(void)
{
	static bool check_off;	/* outlives cleanup_checkers() */
	int err;

	if (!check_off && plugins_refused()) {
		fprintf(stderr, "%s fails the plugin permission check: turned off\n",
			env.plugins);
		checker_set_permission_check(false);
		check_off = true;
	}
	err = init_checkers(env.plugins);
	env.checkers_up = !err;
	return err;
}

static void stop_checkers(void)
{
	if (env.checkers_up)
		cleanup_checkers();
	env.checkers_up = false;
}

/* Wait up to seconds for c to leave PATH_PENDING; its state. */
static int wait_state(struct checker *c, double t0, double seconds,
		      double *took)
{
	struct pollfd pfd = { .fd = checker_event_fd(), .events = POLLIN };
	uint64_t count;
	int state;

	/*
	 * An executor job completing makes the eventfd readable; directio
	 * completes its reads itself, in checker_get_state(), so for it the
	 * poll is just the 50 ms sleep between two polls.
	 */
	while ((state = checker_get_state(c)) == PATH_PENDING &&
	       test_now() - t0 < seconds) {
		if (poll(&pfd, 1, POLL_MS) > 0 &&
		    read(pfd.fd, &count, sizeof(count)) < 0)
			usleep(1000);
	}
	if (took)
		*took = test_now() - t0;
	return state;
}

/* Start a check, wait for its result. */
static int check(struct checker *c, double seconds, double *took)
{
	double t0 = test_now();

	checker_check(c, PATH_UP);
	return wait_state(c, t0, seconds, took);
}

static void report(const char *what, struct checker *c, int state,
		   double took)
{
	printf("    %-11s %-28s %-8s after %.3f s (%s)\n", checker_name(c),
	       what, checker_state_name(state), took, checker_message(c));
}

/* A new asynchronous checker name on image img's loop device. */
static struct checker *new_checker(const char *name, int img)
{
	struct test_checker *tc = NULL;
	int i;

	for (i = 0; i < MAX_CHECKERS && !tc; i++)
		if (!env.chk[i].used)
			tc = &env.chk[i];
	assert_non_null(tc);
	assert_true(env.loop[img].fd >= 0);
	/* As multipathd opens a path; the checkers reopen it O_DIRECT. */
	tc->fd = open(env.loop[img].path, O_RDONLY | O_CLOEXEC);
	assert_true(tc->fd >= 0);
	checker_clear(&tc->c);
	tc->used = true;
	checker_get(&tc->c, name);
	assert_non_null(tc->c.cls);
	checker_set_fd(&tc->c, tc->fd);
	tc->c.timeout = CHECK_TIMEOUT;
	assert_int_equal(checker_init(&tc->c, NULL), 0);
	checker_set_async(&tc->c);
	return &tc->c;
}

static struct test_checker *test_checker_of(struct checker *c)
{
	return (struct test_checker *)((char *)c -
				       offsetof(struct test_checker, c));
}

/* Put c; closes its fd unless the test has (fd -1). */
static void put_checker(struct checker *c)
{
	struct test_checker *tc = test_checker_of(c);

	checker_put(c);
	if (tc->fd >= 0)
		close(tc->fd);
	tc->fd = -1;
	tc->used = false;
}

/*
 * Put the checker of slot tc once nothing of it is in flight: after the
 * release, a check that gives a result of its own (not pending, not the
 * timeout of a read or job still out) means the last one has drained.
 * Otherwise a directio read would be orphaned, and the plugin could be
 * unloaded with it (cleanup_checkers) and its memory reported as leaked.
 */
static void drain_and_put(struct test_checker *tc)
{
	double end = test_now() + 5;
	int state;

	while (tc->fd >= 0 && test_now() < end) {
		state = check(&tc->c, CHECK_TIMEOUT + 1, NULL);
		if (state != PATH_PENDING && state != PATH_TIMEOUT)
			break;
		usleep(50000);
	}
	put_checker(&tc->c);
}

/* --- faultfs and the fixtures --------------------------------------------- */

/* Stop faultfs: SIGTERM releases its hung requests, then it unmounts. */
static void stop_faultfs(void)
{
	double end = test_now() + 5;
	int status;

	if (env.fs_pid <= 0)
		return;
	kill(env.fs_pid, SIGTERM);
	while (waitpid(env.fs_pid, &status, WNOHANG) == 0) {
		if (test_now() > end) {
			fprintf(stderr, "faultfs does not exit: killed\n");
			kill(env.fs_pid, SIGKILL);
			waitpid(env.fs_pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	env.fs_pid = 0;
}

/*
 * Undo everything, in order: release the hangs (I/O drains), put the
 * checkers, detach the loop devices, stop faultfs, unmount (in case it
 * could not), remove the mount point. Idempotent; the group teardown and
 * the atexit handler both call it.
 */
static void cleanup_all(void)
{
	int i;

	if (env.fs_pid > 0)
		ctl("release");
	for (i = 0; i < MAX_CHECKERS; i++)
		if (env.chk[i].used)
			drain_and_put(&env.chk[i]);
	stop_checkers();
	for (i = 0; i < NR_IMAGES; i++)
		loop_detach(i);
	stop_faultfs();
	if (env.mnt[0]) {
		if (umount2(env.mnt, MNT_DETACH) < 0 && errno != EINVAL &&
		    errno != ENOENT)
			fprintf(stderr, "umount %s: %s\n", env.mnt,
				strerror(errno));
		if (rmdir(env.mnt) < 0)
			fprintf(stderr, "rmdir %s: %s\n", env.mnt,
				strerror(errno));
		env.mnt[0] = '\0';
	}
}

static void start_faultfs(void)
{
	char tool[PATH_MAX], control[PATH_MAX + 16];
	pid_t parent = getpid();
	double end;
	int status;

	snprintf(tool, sizeof(tool), "%s/tests/faultfs", build_dir());
	fflush(NULL);
	env.fs_pid = fork();
	if (env.fs_pid == 0) {
		/* Stop when we die, however we die. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		execl(tool, "faultfs", "-n", "3", "-t", HANG_LIMIT_S, env.mnt,
		      (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	if (env.fs_pid < 0) {
		env.fs_pid = 0;
		return;
	}
	/* control appears when the file system is mounted and answers. */
	snprintf(control, sizeof(control), "%s/control", env.mnt);
	for (end = test_now() + 10; access(control, F_OK) != 0;
	     usleep(10000)) {
		if (waitpid(env.fs_pid, &status, WNOHANG) == env.fs_pid) {
			fprintf(stderr, "%s exited with status %#x before mounting\n",
				tool, status);
			env.fs_pid = 0;
			return;
		}
		if (test_now() > end) {
			fprintf(stderr, "%s did not mount within 10 s\n", tool);
			stop_faultfs();
			return;
		}
	}
}

static int group_setup(void **state)
{
	env.skip = why_cannot_run();
	if (env.skip) {
		fprintf(stderr, "test-faults: skip: %s\n", env.skip);
		return 0;
	}
	test_log_start();	/* keeps the library's debug log off stderr */
	snprintf(env.plugins, sizeof(env.plugins), "%s/libmultipath/checkers",
		 build_dir());
	snprintf(env.mnt, sizeof(env.mnt), "/tmp/test-faults.XXXXXX");
	if (!mkdtemp(env.mnt)) {
		perror("mkdtemp");
		env.mnt[0] = '\0';
		return -1;
	}
	atexit(cleanup_all);
	start_faultfs();
	if (!env.fs_pid || loop_attach(IMG_MAIN) || loop_attach(IMG_OTHER) ||
	    start_checkers()) {
		cleanup_all();
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	cleanup_all();
	return 0;
}

/* --- per test ------------------------------------------------------------ */

/*
 * Undo what a test may have left, failed or not: hangs released, checkers
 * put once their I/O has drained (so that nothing is left in flight), the
 * detach test's device gone, the registry back.
 */
static int teardown(void **state)
{
	int i, err;

	if (env.skip)
		return 0;
	err = ctl("release");
	for (i = 0; i < MAX_CHECKERS; i++)
		if (env.chk[i].used)
			drain_and_put(&env.chk[i]);
	loop_detach(IMG_DETACH);
	if (!env.checkers_up && start_checkers())
		err = -1;
	return err;
}

/* --- the tests ------------------------------------------------------------ */

static void healthy_up(const char *name)
{
	struct checker *c = new_checker(name, IMG_MAIN);
	double took;
	int state = check(c, CHECK_TIMEOUT + 1, &took);

	report("healthy", c, state, took);
	assert_int_equal(state, PATH_UP);
	assert_true(checker_message(c)[0]);
}

static void eio_down_then_up(const char *name)
{
	struct checker *c = new_checker(name, IMG_MAIN);
	double took;
	int state;

	assert_int_equal(ctl("eio %d", IMG_MAIN), 0);
	state = check(c, CHECK_TIMEOUT + 1, &took);
	report("eio", c, state, took);
	assert_int_equal(state, PATH_DOWN);
	assert_true(checker_message(c)[0]);

	assert_int_equal(ctl("ok %d", IMG_MAIN), 0);
	state = check(c, CHECK_TIMEOUT + 1, &took);
	report("eio, then ok", c, state, took);
	assert_int_equal(state, PATH_UP);
}

/* A check of c, on a healthy device while another hangs: up, in time. */
static void assert_up_meanwhile(struct checker *c, const char *what)
{
	double took;
	int state = check(c, CHECK_TIMEOUT + 1, &took);

	report(what, c, state, took);
	assert_int_equal(state, PATH_UP);
	assert_true(took < 1.0);
}

static void hang_times_out(const char *name)
{
	struct checker *c = new_checker(name, IMG_MAIN);
	struct checker *other = new_checker(name, IMG_OTHER);
	double t0, end, took;
	int state, rounds;

	assert_int_equal(ctl("hang %d", IMG_MAIN), 0);
	t0 = test_now();
	checker_check(c, PATH_UP);
	took = test_now() - t0;
	printf("    %-11s %-28s returned after %.3f s\n", name,
	       "checker_check on a hang", took);
	assert_true(took < 0.5);	/* the caller is never blocked */
	assert_int_equal(checker_get_state(c), PATH_PENDING);
	assert_true(wait_hung(IMG_MAIN));	/* stuck in faultfs */

	assert_up_meanwhile(other, "other device, during hang");

	state = wait_state(c, t0, CHECK_TIMEOUT + 3, &took);
	report("hang", c, state, took);
	assert_true(state == PATH_TIMEOUT || state == PATH_DOWN);
	assert_true(took >= CHECK_TIMEOUT - 0.25);
	assert_true(took <= CHECK_TIMEOUT + 1.5);

	/* Still hung: a new check may not stack a read, nor say up. */
	state = check(c, 0.5, &took);
	report("hang, checked again", c, state, took);
	assert_int_not_equal(state, PATH_UP);
	assert_up_meanwhile(other, "other device, after timeout");

	/* The hung read must drain before a new one is issued. */
	assert_int_equal(ctl("release %d", IMG_MAIN), 0);
	t0 = test_now();
	end = t0 + 10;
	for (rounds = 1; ; rounds++) {
		state = check(c, CHECK_TIMEOUT + 1, NULL);
		if (state == PATH_UP || test_now() > end)
			break;
		usleep(100000);
	}
	took = test_now() - t0;
	report("hang, then release", c, state, took);
	printf("    %-11s %-28s %d check(s)\n", name, "up again after", rounds);
	assert_int_equal(state, PATH_UP);
}

static void detach_mid_check(const char *name)
{
	char dso[64];
	struct checker *c, *helper = NULL;
	struct test_checker *tc;
	double t0, end;
	int nr, state;

	snprintf(dso, sizeof(dso), "/libcheck%s.so", name);
	assert_int_equal(loop_attach(IMG_DETACH), 0);
	nr = env.loop[IMG_DETACH].nr;
	c = new_checker(name, IMG_DETACH);
	tc = test_checker_of(c);
	assert_int_equal(ctl("hang %d", IMG_DETACH), 0);
	t0 = test_now();
	checker_check(c, PATH_UP);
	assert_true(test_now() - t0 < 0.5);
	assert_true(wait_hung(IMG_DETACH));

	/*
	 * The device goes away under the check: the daemon lets go of it.
	 * The kernel only marks it: it stays bound until its last opener,
	 * the checker's own descriptor with the read in flight, is closed.
	 */
	assert_int_equal(ioctl(tc->fd, LOOP_CLR_FD), 0);
	close(tc->fd);
	tc->fd = -1;
	loop_detach(IMG_DETACH);
	state = checker_get_state(c);
	report("detached while hung", c, state, test_now() - t0);
	assert_int_not_equal(state, PATH_UP);
	assert_true(loop_bound(nr));

	/*
	 * The checker goes too, while its read still hangs: directio keeps
	 * the context as an orphan, the executor hands the job's record to
	 * the worker. readsector0 goes further: its registry reference is
	 * dropped too, so that the worker, when released, drops the last
	 * reference and unloads the plugin it is returning from. directio
	 * may not be unloaded with a read in flight (by design it would
	 * leave the orphan's memory behind), so its registry waits.
	 */
	put_checker(c);
	if (strcmp(name, "directio") == 0)
		helper = new_checker(name, IMG_OTHER);
	else
		stop_checkers();
	assert_true(loop_bound(nr));
	assert_int_equal(ctl("release %d", IMG_DETACH), 0);

	/*
	 * The device goes once the released read has drained and the
	 * checker's descriptor is closed. An orphaned directio read is
	 * reclaimed by whoever reaps its io context next: here, the checks
	 * of another path.
	 */
	t0 = test_now();
	for (end = t0 + 5; loop_bound(nr) && test_now() < end;)
		if (helper)
			check(helper, CHECK_TIMEOUT + 1, NULL);
		else
			usleep(1000);
	printf("    %-11s %-28s %s %.3f s after release\n", name,
	       "loop device", loop_bound(nr) ? "still bound" : "gone",
	       test_now() - t0);
	assert_false(loop_bound(nr));

	if (helper)
		put_checker(helper);
	stop_checkers();
	for (end = test_now() + 5; test_dso_mapped(dso) && test_now() < end;)
		usleep(10000);
	assert_false(test_dso_mapped(dso));
	assert_int_equal(start_checkers(), 0);
}

/*
 * Each scenario once per checker, as its own named test; skipped (in the
 * test: cmocka counts a skip in a setup function as an error) when the
 * environment cannot run it.
 */
static void run(void (*test)(const char *name), const char *name)
{
	if (env.skip)
		skip();
	test(name);
}

#define FOR_BOTH(test)							\
static void test##_directio(void **state) { run(test, "directio"); }	\
static void test##_readsector0(void **state) { run(test, "readsector0"); }

FOR_BOTH(healthy_up)
FOR_BOTH(eio_down_then_up)
FOR_BOTH(hang_times_out)
FOR_BOTH(detach_mid_check)

#define TEST(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(healthy_up_directio),
		TEST(healthy_up_readsector0),
		TEST(eio_down_then_up_directio),
		TEST(eio_down_then_up_readsector0),
		TEST(hang_times_out_directio),
		TEST(hang_times_out_readsector0),
		TEST(detach_mid_check_directio),
		TEST(detach_mid_check_readsector0),
	};
	int failed;

	/* Results are printed as they come, between cmocka's lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	if (env.skip) {
		printf("skip: %s\n", env.skip);
		return 77;
	}
	return failed ? 1 : 0;
}
