// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-directio.c - figure 3, real devices: the directio checker on 64
 * loop devices, asynchronously (as multipathd runs it) and synchronously.
 *
 * Each loop device is read-only, over its own sparse file in a fresh
 * directory under /var/tmp, with loop direct I/O when the kernel accepts
 * it, so that a check's O_DIRECT read of block 0 goes through the block
 * layer and the loop driver to the file system and the disk, as on a real
 * path. Block 0 of each file is written: the read of a hole would be
 * answered by the file system with zeros, never reaching the disk.
 *
 * A round checks every device once. Asynchronous: checker_check() starts
 * all reads (directio drives its own asynchrony with libaio, not the
 * executor), then the benchmark sweeps checker_get_state() over the
 * checkers still pending, sleeping SWEEP_SLEEP_US between sweeps, until
 * none is pending. Synchronous: checker_check() on each device in turn,
 * which waits for its read. Per round it measures the wall time and the
 * process's CPU time (user + system, all threads, getrusage) divided by
 * the number of checks, and prints a Markdown table of medians with min
 * and max. Every check must report "up"; one that does not is named and
 * the program exits 1. Not a test: it measures and reports.
 *
 * Without root or a usable /dev/loop-control it prints one line saying why
 * and exits 0, so that the report says why the figure is missing. Loop
 * devices, files and directory are removed on every exit, also on errors
 * and on SIGINT, SIGTERM and SIGHUP.
 *
 * usage: bench-directio PLUGIN_DIR [ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "libmultipath.h"
#include "../tests/loop-util.h"
#include "bench-util.h"

#define NR_DEVICES	64
#define FILE_SIZE	(64 << 20)	/* bytes; sparse but for block 0 */
#define DATA_SIZE	4096		/* written at offset 0: the largest block read */
#define WARMUP_ROUNDS	3
#define DEFAULT_ROUNDS	50	/* a round of both modes takes about 5 ms */
#define SWEEP_SLEEP_US	200
/* Seconds. A read of a local loop device this slow is a failure, not a figure. */
#define CHECK_TIMEOUT	5
/* A disk-backed file system, unlike /tmp on many systems (tmpfs). */
#define TMP_PARENT	"/var/tmp"

enum { MODE_ASYNC, MODE_SYNC, NR_MODES };

static const char *const mode_name[NR_MODES] = {
	[MODE_ASYNC] = "asynchronous",
	[MODE_SYNC] = "synchronous",
};

struct dev {
	struct test_loop loop;	/* loop.fd < 0: not attached */
	int fd;			/* the path's descriptor, as multipathd opens it */
	struct checker c;
};

static struct dev devs[NR_DEVICES];
static char tmpdir[] = TMP_PARENT "/bench-directio.XXXXXX";
static bool have_tmpdir;
static bool have_checkers;

/*
 * The handler only records the signal: the rounds and the setup look at it
 * between steps and leave through the normal teardown, which must not run
 * in a handler (it calls into the library and may sleep).
 */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	/* No SA_RESTART: the sweep's nanosleep() returns, the loop looks. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A reader that went away (| head) must not cost the teardown. */
	signal(SIGPIPE, SIG_IGN);
}

/* The file system a directory is on, for the reader of the report. */
static const char *fs_name(const char *dir)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} known[] = {
		{ 0xEF53, "ext4" },	/* ext2 and ext3 share it; ext4 here */
		{ 0x58465342, "xfs" },
		{ 0x9123683E, "btrfs" },
		{ 0x01021994, "tmpfs" },
		{ 0x794C7630, "overlayfs" },
		{ 0x65735546, "a FUSE file system" },
	};
	struct statfs sfs;
	size_t i;

	if (statfs(dir, &sfs) < 0)
		return "an unknown file system";
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if ((unsigned long)sfs.f_type == known[i].magic)
			return known[i].name;
	return "an unknown file system";
}

/* Does the loop device pass its I/O on with direct I/O? From sysfs. */
static bool loop_dio(const struct test_loop *ld)
{
	char path[64], c = '0';
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/loop/dio", ld->name);
	f = fopen(path, "re");
	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == '1';
}

/* A sparse FILE_SIZE file whose first DATA_SIZE bytes are on disk. */
static int make_file(const char *file)
{
	static char data[DATA_SIZE];
	int fd, err = 0;

	memset(data, 0xa5, sizeof(data));
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* Synced, so that no check pays for writing it back. */
	errno = 0;
	if (pwrite(fd, data, sizeof(data), 0) != (ssize_t)sizeof(data) ||
	    ftruncate(fd, FILE_SIZE) < 0 || fdatasync(fd) < 0)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

/*
 * Attach device i. The file is unlinked as soon as the loop device holds
 * it (and on failure), so no file outlives the process whatever happens;
 * the loop device itself is autoclear, so even a killed run leaves none
 * behind once its descriptors are closed. *dio_flag is LO_FLAGS_DIRECT_IO
 * until the kernel refuses it; then it is 0 and *dio_refused is set.
 * Returns 0 or -errno; *loop_failed says whether attaching was what failed.
 */
static int attach_one(int i, unsigned int *dio_flag, bool *dio_refused,
		      bool *loop_failed)
{
	struct dev *d = &devs[i];
	char file[sizeof(tmpdir) + 16];
	int err;

	snprintf(file, sizeof(file), "%s/disk%02d", tmpdir, i);
	err = make_file(file);
	if (err) {
		fprintf(stderr, "bench-directio: cannot create %s: %s\n", file,
			strerror(-err));
		unlink(file);
		return err;
	}
	err = test_loop_attach(&d->loop, file, "bench-directio", *dio_flag);
	if (err == -EINVAL && *dio_flag) {
		/* Kernels that cannot do direct I/O on this file system say so. */
		*dio_flag = 0;
		*dio_refused = true;
		err = test_loop_attach(&d->loop, file, "bench-directio", 0);
	}
	unlink(file);
	*loop_failed = err != 0;
	if (err)
		return err;
	d->fd = open(d->loop.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (d->fd < 0) {
		err = -errno;
		fprintf(stderr, "bench-directio: open %s: %s\n", d->loop.path,
			strerror(errno));
	}
	return err;
}

/*
 * Returns 0, 1 when the figure cannot be made here (the line saying why is
 * printed), or -1 on an error (said on stderr).
 */
static int setup_devices(bool *dio_refused)
{
	unsigned int dio_flag = LO_FLAGS_DIRECT_IO;
	bool loop_failed = false;
	int i, err;

	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "bench-directio: mkdtemp %s: %s\n", tmpdir,
			strerror(errno));
		return -1;
	}
	have_tmpdir = true;
	for (i = 0; i < NR_DEVICES; i++) {
		if (stop_signal)
			return -1;
		err = attach_one(i, &dio_flag, dio_refused, &loop_failed);
		/* Root, yet no loop device at all: this machine cannot do it. */
		if (err && i == 0 && loop_failed) {
			printf("Skipped: cannot attach a loop device (%s).\n",
			       strerror(-err));
			return 1;
		}
		if (err)
			return -1;
	}
	if (rmdir(tmpdir) == 0)
		have_tmpdir = false;
	return 0;
}

static int setup_checkers(const char *plugin_dir)
{
	int i;

	/* The plugins of a build tree are owned by whoever built them. */
	checker_set_permission_check(false);
	mpath_log_set_level(MPATH_LOG_WARNING);
	if (init_checkers(plugin_dir) != 0) {
		fprintf(stderr, "bench-directio: init_checkers(%s) failed\n",
			plugin_dir);
		return -1;
	}
	have_checkers = true;
	for (i = 0; i < NR_DEVICES; i++) {
		struct checker *c = &devs[i].c;

		checker_get(c, "directio");
		if (!c->cls) {
			fprintf(stderr, "bench-directio: cannot load the directio checker from %s\n",
				plugin_dir);
			return -1;
		}
		checker_set_fd(c, devs[i].fd);
		c->timeout = CHECK_TIMEOUT;
		if (checker_init(c, NULL) != 0) {
			fprintf(stderr, "bench-directio: %s: checker_init failed\n",
				devs[i].loop.path);
			return -1;
		}
	}
	return 0;
}

/* Report a check that did not come back up; returns 1 to count it. */
static int not_up(const struct dev *d, int mode, int round, int state)
{
	fprintf(stderr, "bench-directio: %s: %s check, %s round %d: %s (%s)\n",
		d->loop.path, mode_name[mode],
		round < 0 ? "warm-up" : "measured",
		round < 0 ? round + WARMUP_ROUNDS + 1 : round + 1,
		checker_state_name(state), checker_message(&d->c));
	return 1;
}

/*
 * One asynchronous round. Sweeps ignore signals: every pending read ends
 * within CHECK_TIMEOUT (then as "timeout"), so the round finishes and no
 * read is left in flight for the teardown to wait for.
 */
static int round_async(int round, double *cpu, double *wall,
		       unsigned int *sweeps)
{
	static const struct timespec nap = { 0, SWEEP_SLEEP_US * 1000L };
	bool pending[NR_DEVICES];
	int i, left, bad = 0, st;
	double c0, w0;

	for (i = 0; i < NR_DEVICES; i++)
		checker_set_async(&devs[i].c);
	*sweeps = 0;
	c0 = cpu_seconds();
	w0 = wall_seconds();
	for (i = 0; i < NR_DEVICES; i++) {
		checker_check(&devs[i].c, PATH_UP);
		pending[i] = true;
	}
	for (;;) {
		left = 0;
		for (i = 0; i < NR_DEVICES; i++) {
			if (!pending[i])
				continue;
			st = checker_get_state(&devs[i].c);
			if (st == PATH_PENDING) {
				left++;
				continue;
			}
			pending[i] = false;
			if (st != PATH_UP)
				bad += not_up(&devs[i], MODE_ASYNC, round, st);
		}
		(*sweeps)++;
		if (!left)
			break;
		nanosleep(&nap, NULL);
	}
	*cpu = cpu_seconds() - c0;
	*wall = wall_seconds() - w0;
	return bad;
}

static int round_sync(int round, double *cpu, double *wall)
{
	int i, bad = 0, st;
	double c0, w0;

	for (i = 0; i < NR_DEVICES; i++)
		checker_set_sync(&devs[i].c);
	c0 = cpu_seconds();
	w0 = wall_seconds();
	for (i = 0; i < NR_DEVICES; i++) {
		checker_check(&devs[i].c, PATH_UP);
		st = checker_get_state(&devs[i].c);
		if (st != PATH_UP)
			bad += not_up(&devs[i], MODE_SYNC, round, st);
	}
	*cpu = cpu_seconds() - c0;
	*wall = wall_seconds() - w0;
	return bad;
}

/* Is the loop device still bound to one of our files? From sysfs. */
static bool still_ours(const struct test_loop *ld)
{
	char path[64], file[PATH_MAX];
	bool ours = false;
	FILE *f;

	if (!ld->name[0])	/* never attached */
		return false;
	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file",
		 ld->name);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* The number may already serve someone else: compare the file. */
	if (fgets(file, sizeof(file), f))
		ours = !strncmp(file, tmpdir, strlen(tmpdir));
	fclose(f);
	return ours;
}

/*
 * LOOP_CLR_FD only marks a device that another process still holds open
 * (udev probing it, a multipathd watching loop devices); it is cleared at
 * that holder's last close. Wait for that a little, so that nothing of
 * ours is left bound when the program says it is done.
 */
static void wait_unbound(void)
{
	int i, tries, left = 0;

	for (tries = 0; tries < 200; tries++) {
		for (i = 0, left = 0; i < NR_DEVICES; i++)
			left += still_ours(&devs[i].loop);
		if (!left)
			return;
		usleep(10000);
	}
	for (i = 0; i < NR_DEVICES; i++)
		if (still_ours(&devs[i].loop))
			fprintf(stderr, "bench-directio: %s is still bound: another process holds it open; it goes when that one closes it\n",
				devs[i].loop.path);
}

/*
 * Nothing may still hold a loop device when it is detached, or it would
 * stay bound until that holder closes: the checkers (directio keeps its
 * own O_DIRECT descriptor) and the path descriptors go first.
 */
static void teardown(void)
{
	int i;

	for (i = 0; i < NR_DEVICES; i++)
		if (checker_selected(&devs[i].c))
			checker_put(&devs[i].c);
	if (have_checkers)
		cleanup_checkers();
	for (i = 0; i < NR_DEVICES; i++) {
		if (devs[i].fd >= 0)
			close(devs[i].fd);
		devs[i].fd = -1;
		test_loop_detach(&devs[i].loop);
	}
	wait_unbound();
	if (have_tmpdir && rmdir(tmpdir) < 0)
		fprintf(stderr, "bench-directio: rmdir %s: %s\n", tmpdir,
			strerror(errno));
	have_tmpdir = false;
}

/* After the teardown: die of the signal, so the caller sees it did. */
static int finish(int rc)
{
	teardown();
	if (stop_signal) {
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	return rc;
}

static void print_report(int rounds, bool dio_refused, double wall[][NR_MODES],
			 double cpu[][NR_MODES], double *sweeps)
{
	int i, mode, dio_on = 0;
	char dio[96];
	double *v = calloc(rounds, sizeof(double));
	struct stat3 w, c, s;

	if (!v)
		return;
	for (i = 0; i < NR_DEVICES; i++)
		dio_on += loop_dio(&devs[i].loop);
	/* Asked for, then read back: the kernel may have said yes and done no. */
	if (dio_on == NR_DEVICES)
		snprintf(dio, sizeof(dio), "on");
	else if (dio_refused)
		snprintf(dio, sizeof(dio), "off (the kernel refused LO_FLAGS_DIRECT_IO)");
	else if (dio_on == 0)
		snprintf(dio, sizeof(dio), "off (asked for, not in effect)");
	else
		snprintf(dio, sizeof(dio), "on for %d of %d devices", dio_on,
			 NR_DEVICES);
	s = summarize(sweeps, rounds);

	printf("The `directio` checker on %d read-only loop devices, each over its own\n"
	       "sparse %d MiB file on %s under %s with its first %d KiB written.\n"
	       "Loop direct I/O %s, so a check's O_DIRECT read of block 0\n%s.\n",
	       NR_DEVICES, FILE_SIZE >> 20, fs_name(TMP_PARENT), TMP_PARENT,
	       DATA_SIZE >> 10,
	       dio, dio_on == NR_DEVICES ?
			"goes through the loop device to the file system, bypassing the page cache" :
			"goes through the loop device and may be answered from the page cache");
	printf("A round checks every device once. Asynchronous: checker_check() starts\n"
	       "all %d reads (libaio, no executor), then checker_get_state() is called on\n"
	       "every checker still pending, with a %d us nanosleep() between sweeps,\n"
	       "until none is pending (median %.0f sweeps per round, %.0f-%.0f), so its\n"
	       "wall time is rounded up to a whole number of sweeps. Synchronous:\n"
	       "checker_check() on each device in turn, which waits for its read in\n"
	       "io_getevents(). Wall time per round (CLOCK_MONOTONIC); CPU time per\n"
	       "check: this process's user + system time (all threads, getrusage) over\n"
	       "the round, divided by %d. Median (min-max) of %d rounds after %d\n"
	       "warm-up rounds, the two modes alternating round by round.\n\n",
	       NR_DEVICES, SWEEP_SLEEP_US, s.median, s.min, s.max, NR_DEVICES,
	       rounds, WARMUP_ROUNDS);
	printf("| mode | devices | wall per round (ms) | CPU per check (us) |\n");
	printf("|---|---:|---:|---:|\n");
	for (mode = 0; mode < NR_MODES; mode++) {
		for (i = 0; i < rounds; i++)
			v[i] = wall[i][mode] * 1e3;
		w = summarize(v, rounds);
		for (i = 0; i < rounds; i++)
			v[i] = cpu[i][mode] * 1e6 / NR_DEVICES;
		c = summarize(v, rounds);
		printf("| %s | %d | %.2f (%.2f-%.2f) | %.1f (%.1f-%.1f) |\n",
		       mode_name[mode], NR_DEVICES, w.median, w.min, w.max,
		       c.median, c.min, c.max);
	}
	printf("\nThe loop driver's own work (its kernel worker, the read of the file\n"
	       "beneath) is done by kernel threads and is mostly not charged to this\n"
	       "process: the CPU column is the checker's and its caller's cost.\n");
	free(v);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_ROUNDS;
	double (*wall)[NR_MODES], (*cpu)[NR_MODES], *sweeps;
	bool dio_refused = false;
	int i, r, fd, bad = 0;
	unsigned int n;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: %s PLUGIN_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("Skipped: not root, cannot set up loop devices.\n");
		return 0;
	}
	fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Skipped: cannot open /dev/loop-control (%s).\n",
		       strerror(errno));
		return 0;
	}
	close(fd);

	wall = calloc(rounds, sizeof(*wall));
	cpu = calloc(rounds, sizeof(*cpu));
	sweeps = calloc(rounds, sizeof(*sweeps));
	if (!wall || !cpu || !sweeps) {
		fprintf(stderr, "bench-directio: out of memory\n");
		return 1;
	}
	for (i = 0; i < NR_DEVICES; i++) {
		devs[i].loop.fd = -1;
		devs[i].fd = -1;
		checker_clear(&devs[i].c);
	}
	catch_signals();

	r = setup_devices(&dio_refused);
	if (r)
		return finish(r > 0 ? 0 : 1);
	if (setup_checkers(argv[1]))
		return finish(1);

	/*
	 * Alternating the modes round by round spreads whatever else the
	 * machine does over both columns alike. The warm-up rounds
	 * (negative) open directio's O_DIRECT descriptors and its io context,
	 * once per checker, and are not counted.
	 */
	for (r = -WARMUP_ROUNDS; r < rounds && !bad && !stop_signal; r++) {
		double c_a, w_a, c_s, w_s;

		bad += round_async(r, &c_a, &w_a, &n);
		bad += round_sync(r, &c_s, &w_s);
		if (r < 0)
			continue;
		wall[r][MODE_ASYNC] = w_a;
		cpu[r][MODE_ASYNC] = c_a;
		sweeps[r] = n;
		wall[r][MODE_SYNC] = w_s;
		cpu[r][MODE_SYNC] = c_s;
	}
	if (bad) {
		fprintf(stderr, "bench-directio: %d checks did not report up\n",
			bad);
		return finish(1);
	}
	if (stop_signal)
		return finish(1);
	print_report(rounds, dio_refused, wall, cpu, sweeps);
	free(wall);
	free(cpu);
	free(sweeps);
	return finish(0);
}
