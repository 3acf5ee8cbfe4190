// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-discovery.c - multipathd's discovery module (multipathd/discovery.c,
 * included here) on the real libudev, sysfs and uevents, with loop devices
 * made for the purpose:
 *
 *   enumerate_finds_an_attached_loop_device
 *                        its name, node and number (as stat() sees them),
 *                        not SCSI, no vendor, no timeout
 *   enumerate_reports_whole_disks_as_sysfs_has_them
 *                        every whole disk in /sys/class/block, no partition
 *                        (the test's loop device has one), and each disk's
 *                        number, SCSI-ness, vendor, model and timeout as
 *                        sysfs says
 *   monitor_reports_add_and_remove
 *                        a loop device created and deleted (LOOP_CTL_ADD,
 *                        LOOP_CTL_REMOVE): "add" with its facts, "remove"
 *                        with its name and number
 *   monitor_reports_attach_and_detach_as_change_not_partitions
 *                        binding and unbinding a loop device are "change"
 *                        events; the events of a partition added to it
 *                        (BLKPG) are never reported
 *
 * Needs root and /dev/loop-control; without them every test is skipped
 * and the binary exits 77 saying why. The monitor tests also need uevents
 * to reach this process (they do not in some containers): a raw uevent
 * socket opened alongside is the witness. If it sees the event the
 * monitor missed, the test fails; if neither sees anything, the test is
 * skipped with that reason.
 *
 * Loop devices are bound with autoclear, so they go when this process
 * dies; the group teardown, and an atexit handler for an exit in between,
 * unbind them, delete the device a test created and remove the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/blkpg.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/netlink.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include "test-util.h"
#include "loop-util.h"
/* cli_parse_devt(), which discovery.c uses, is the parser's. */
#include "../multipathd/cli-parse.c"
#include "../multipathd/discovery.c"

#define IMAGE_SIZE	(1024 * 1024)
#define EVENT_WAIT_S	5.0


/*
 * What the fixtures set up, a singleton because the atexit handler must
 * find it too. Used by the main thread only.
 */
static struct {
	const char *skip;		/* why no test can run, or NULL */
	char image[PATH_MAX];		/* the backing file, "" if none */
	struct test_loop main;		/* bound over the image, partitioned */
	struct test_loop other;		/* what the change test binds */
	int created;			/* index made with LOOP_CTL_ADD, or -1 */
	struct udev *udev;
	int ran;			/* tests that were not skipped */
	char skipped[512];		/* reasons of the tests skipped */
} env = {
	.main = { .fd = -1 },
	.other = { .fd = -1 },
	.created = -1,
};

/* --- the environment ---------------------------------------------------- */

static const char *why_cannot_run(void)
{
	if (geteuid() != 0)
		return "not root: cannot set up loop devices";
	if (!test_have_cap_sys_admin())
		return "no CAP_SYS_ADMIN: cannot set up loop devices";
	if (access("/dev/loop-control", R_OK | W_OK))
		return "no usable /dev/loop-control";
	if (access("/sys/class/block", R_OK))
		return "no /sys/class/block";
	return NULL;
}

/* A test that cannot run here: say why, and skip it. */
static void skip_test(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void skip_test(const char *fmt, ...)
{
	size_t len = strlen(env.skipped);
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(env.skipped + len, sizeof(env.skipped) - len, "%s%s",
		 len ? "; " : "", why);
	printf("skip: %s\n", why);
	env.ran--;
	skip();
}

/* Read a small sysfs file into buf, without the newline; false if absent. */
static bool read_sysfs(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	buf[0] = '\0';
	if (!f)
		return false;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The device number sysfs gives block device name, or 0. */
static dev_t sysfs_devt(const char *name)
{
	char path[PATH_MAX], buf[32];
	unsigned int maj, min;

	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	if (!read_sysfs(path, buf, sizeof(buf)) ||
	    sscanf(buf, "%u:%u", &maj, &min) != 2)
		return 0;
	return makedev(maj, min);
}

static bool block_exists(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	return access(path, F_OK) == 0;
}

/* The backing file: 1 MiB of zeroes. */
static int make_image(void)
{
	int fd, err = 0;

	snprintf(env.image, sizeof(env.image), "/tmp/test-discovery.XXXXXX");
	fd = mkostemp(env.image, O_CLOEXEC);
	if (fd < 0) {
		env.image[0] = '\0';
		return -errno;
	}
	if (ftruncate(fd, IMAGE_SIZE) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Give ld (bound with a partition scan) a partition, ld->name + "p1", for
 * discovery to leave out. Added with BLKPG rather than written as a
 * partition table: that works also on kernels built without any partition
 * table parser. Returns 0 or -errno.
 */
static int add_partition(struct test_loop *ld)
{
	struct blkpg_partition part = {
		.start = 512,
		.length = IMAGE_SIZE - 512,
		.pno = 1,
	};
	struct blkpg_ioctl_arg arg = {
		.op = BLKPG_ADD_PARTITION,
		.datalen = sizeof(part),
		.data = &part,
	};

	return ioctl(ld->fd, BLKPG, &arg) < 0 ? -errno : 0;
}

/* Bind a free loop device over the image. Returns 0 or -errno. */
static int loop_attach(struct test_loop *ld, unsigned int flags)
{
	return test_loop_attach(ld, env.image, "test-discovery", flags);
}

/* Delete loop device nr; a transient opener (udevd's probing) is waited out. */
static int loop_delete(int nr)
{
	double end = test_now() + 5;
	int fd, r;

	fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((r = ioctl(fd, LOOP_CTL_REMOVE, nr)) < 0 && errno == EBUSY &&
	       test_now() < end)
		usleep(10000);
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

/*
 * Create a loop device that does not exist yet; its index, or -errno.
 * Far above the ones in use, so that no other user of LOOP_CTL_GET_FREE
 * is likely to pick it up in the moment it exists.
 */
static int loop_create(void)
{
	int fd, i, nr = -EEXIST;

	fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < 100 && nr == -EEXIST; i++) {
		nr = ioctl(fd, LOOP_CTL_ADD, 1000 + (getpid() + i) % 4000);
		if (nr < 0)
			nr = -errno;
	}
	close(fd);
	return nr;
}

static void cleanup_all(void)
{
	test_loop_detach(&env.other);
	test_loop_detach(&env.main);
	if (env.created >= 0) {
		int err = loop_delete(env.created);

		if (err && err != -ENODEV)
			fprintf(stderr, "cannot delete loop%d: %s\n",
				env.created, strerror(-err));
		env.created = -1;
	}
	if (env.image[0]) {
		unlink(env.image);
		env.image[0] = '\0';
	}
	if (env.udev) {
		udev_unref(env.udev);
		env.udev = NULL;
	}
}

static int group_setup(void **state)
{
	int err;

	env.skip = why_cannot_run();
	if (env.skip) {
		fprintf(stderr, "test-discovery: skip: %s\n", env.skip);
		return 0;
	}
	test_log_start();	/* keeps the debug log off stderr */
	atexit(cleanup_all);
	env.udev = udev_new();
	if (!env.udev) {
		perror("udev_new");
		return -1;
	}
	err = make_image();
	if (!err)
		err = loop_attach(&env.main, LO_FLAGS_PARTSCAN);
	if (!err)
		err = add_partition(&env.main);
	if (err) {
		fprintf(stderr, "setup: %s\n", strerror(-err));
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

/* Skipped when the environment cannot run any of these tests. */
static void need_env(void)
{
	if (env.skip)
		skip();
	env.ran++;
}

/* --- enumeration ------------------------------------------------------------ */

struct found {
	struct path_facts *pf;
	size_t nr, cap;
};

static void collect(const struct path_facts *pf, void *data)
{
	struct found *f = data;

	if (f->nr == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->pf = realloc(f->pf, f->cap * sizeof(*f->pf));
		assert_non_null(f->pf);
	}
	f->pf[f->nr++] = *pf;
	f->pf[f->nr - 1].props = NULL;	/* discovery's, freed after the call */
}

static const struct path_facts *found_get(const struct found *f,
					  const char *name)
{
	size_t i;

	for (i = 0; i < f->nr; i++)
		if (strcmp(f->pf[i].devnode, name) == 0)
			return &f->pf[i];
	return NULL;
}

static void enumerate_finds_an_attached_loop_device(void **state)
{
	struct found f = { 0 };
	const struct path_facts *pf;
	struct stat st;

	need_env();
	assert_int_equal(disc_enumerate(env.udev, collect, &f), 0);
	pf = found_get(&f, env.main.name);
	assert_non_null(pf);
	assert_string_equal(pf->devpath, env.main.path);
	assert_int_equal(stat(env.main.path, &st), 0);
	assert_int_equal(pf->devt, st.st_rdev);
	assert_false(pf->is_scsi);
	assert_string_equal(pf->vendor, "");
	assert_string_equal(pf->product, "");
	assert_int_equal(pf->scsi_timeout, 0);
	free(f.pf);
}

/* A sysfs attribute of name's SCSI device, trimmed, cut to size. */
static void scsi_attr(const char *name, const char *attr, char *buf,
		      size_t size)
{
	char path[PATH_MAX], raw[128];

	snprintf(path, sizeof(path), "/sys/class/block/%s/device/%s", name,
		 attr);
	read_sysfs(path, raw, sizeof(raw));
	copy_trimmed(buf, size, raw);
}

/* Check pf against what sysfs says, read directly; false if it differs. */
static bool facts_match_sysfs(const struct path_facts *pf)
{
	char path[PATH_MAX], buf[128], want[32];
	bool scsi;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition",
		 pf->devnode);
	if (access(path, F_OK) == 0) {
		print_error("%s is a partition\n", pf->devnode);
		return false;
	}
	if (pf->devt != sysfs_devt(pf->devnode)) {
		print_error("%s: wrong device number\n", pf->devnode);
		return false;
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/device/scsi_device",
		 pf->devnode);
	scsi = access(path, F_OK) == 0;
	if (pf->is_scsi != (scsi && strncmp(pf->devnode, "sd", 2) == 0)) {
		print_error("%s: is_scsi %d\n", pf->devnode, pf->is_scsi);
		return false;
	}
	if (!scsi)
		return !pf->vendor[0] && !pf->product[0] && !pf->scsi_timeout;
	scsi_attr(pf->devnode, "vendor", want, sizeof(pf->vendor));
	if (strcmp(pf->vendor, want)) {
		print_error("%s: vendor \"%s\", not \"%s\"\n", pf->devnode,
			    pf->vendor, want);
		return false;
	}
	scsi_attr(pf->devnode, "model", want, sizeof(pf->product));
	if (strcmp(pf->product, want)) {
		print_error("%s: product \"%s\", not \"%s\"\n", pf->devnode,
			    pf->product, want);
		return false;
	}
	scsi_attr(pf->devnode, "timeout", buf, sizeof(buf));
	if (pf->scsi_timeout != strtoul(buf, NULL, 10)) {
		print_error("%s: timeout %u, not %s\n", pf->devnode,
			    pf->scsi_timeout, buf);
		return false;
	}
	return true;
}

/* Is name a whole disk, by its uevent file? */
static bool sysfs_is_disk(const char *name)
{
	char path[PATH_MAX], line[128];
	bool disk = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/block/%s/uevent", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		disk |= strcmp(line, "DEVTYPE=disk\n") == 0;
	fclose(f);
	return disk;
}

static void enumerate_reports_whole_disks_as_sysfs_has_them(void **state)
{
	struct found f = { 0 };
	struct dirent *de;
	char part[32];
	int bad = 0;
	size_t i;
	DIR *dir;

	need_env();
	assert_int_equal(disc_enumerate(env.udev, collect, &f), 0);
	for (i = 0; i < f.nr; i++)
		bad += !facts_match_sysfs(&f.pf[i]);

	/* The test's partition exists, and is not reported. */
	snprintf(part, sizeof(part), "%sp1", env.main.name);
	assert_true(block_exists(part));
	assert_null(found_get(&f, part));

	/*
	 * Every whole disk is reported; one that went away since the
	 * enumeration (another test's loop device) does not count.
	 */
	dir = opendir("/sys/class/block");
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || !sysfs_is_disk(de->d_name) ||
		    found_get(&f, de->d_name))
			continue;
		if (block_exists(de->d_name)) {
			print_error("%s not reported\n", de->d_name);
			bad++;
		}
	}
	closedir(dir);
	printf("    %zu whole disks\n", f.nr);
	assert_int_equal(bad, 0);
	free(f.pf);
}

/* --- the monitor ------------------------------------------------------------- */

/*
 * The witness: a raw socket on the kernel's uevent broadcast, which works
 * wherever uevents reach this process at all. -errno if it cannot be had.
 */
static int witness_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's own events */
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Has the witness seen "action@.../name"? Drains what it has. */
static bool witness_saw(int fd, const char *action, const char *name)
{
	char buf[8192], want[64];
	bool seen = false;
	ssize_t n;

	if (fd < 0)
		return false;
	snprintf(want, sizeof(want), "%s@", action);
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		const char *slash;

		buf[n] = '\0';	/* the header is the first string */
		slash = strrchr(buf, '/');
		if (strncmp(buf, want, strlen(want)) == 0 && slash &&
		    strcmp(slash + 1, name) == 0)
			seen = true;
	}
	return seen;
}

/* A monitor and its witness, for one test. */
struct watch {
	struct udev_monitor *mon;
	int witness;		/* fd, or -errno */
	bool saw_partition;	/* an event about a partition was reported */
	char partition[32];	/* its name */
};

static void watch_open(struct watch *w, const char *partition)
{
	int err;

	memset(w, 0, sizeof(*w));
	snprintf(w->partition, sizeof(w->partition), "%s",
		 partition ? partition : "");
	w->witness = witness_open();
	err = disc_monitor_open(env.udev, &w->mon);
	if (err && w->witness < 0)
		skip_test("no uevent socket here (monitor: %s, raw socket: %s)",
			  strerror(-err), strerror(-w->witness));
	assert_int_equal(err, 0);
	assert_true(udev_monitor_get_fd(w->mon) >= 0);
}

static void watch_close(struct watch *w)
{
	if (w->mon)
		udev_monitor_unref(w->mon);
	if (w->witness >= 0)
		close(w->witness);
	w->mon = NULL;
	w->witness = -1;
}

static const char *const action_names[] = {
	[DISC_ADD] = "add", [DISC_CHANGE] = "change", [DISC_REMOVE] = "remove",
};

/*
 * Wait for the monitor to report action on name; its facts in *ret. If it
 * does not come: a failure if the witness saw it, else the test is skipped
 * (uevents do not reach this process). Cleans up w on the way out of a
 * failing or skipped test.
 */
static void watch_expect(struct watch *w, enum disc_action want,
			 const char *name, struct path_facts *ret)
{
	struct pollfd pfd = { .fd = udev_monitor_get_fd(w->mon),
			      .events = POLLIN };
	double end = test_now() + EVENT_WAIT_S;
	enum disc_action action = want;
	struct disc_event ev;
	int r;

	while (test_now() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		while ((r = disc_monitor_receive(w->mon, &ev)) == 1) {
			/* Its udev properties are the receiver's to free. */
			disc_facts_release(&ev.pf);
			if (ev.action == DISC_DM)
				continue;
			action = ev.action;
			if (w->partition[0] &&
			    strcmp(ev.pf.devnode, w->partition) == 0)
				w->saw_partition = true;
			if (action == want && strcmp(ev.pf.devnode, name) == 0) {
				*ret = ev.pf;
				return;
			}
		}
		if (r < 0) {
			watch_close(w);
			fail_msg("disc_monitor_receive: %s", strerror(-r));
		}
	}
	if (witness_saw(w->witness, action_names[want], name)) {
		watch_close(w);
		fail_msg("the kernel sent \"%s\" for %s, the monitor did not report it",
			 action_names[want], name);
	}
	watch_close(w);
	skip_test("no \"%s\" event for %s reached this process within %.0f s (no udevd, and kernel uevents not delivered here?)",
		  action_names[want], name, EVENT_WAIT_S);
}

static void monitor_reports_add_and_remove(void **state)
{
	struct path_facts pf;
	struct watch w;
	char name[16];
	dev_t devt;
	int nr, err;

	need_env();
	watch_open(&w, NULL);
	nr = loop_create();
	if (nr < 0) {
		watch_close(&w);
		skip_test("cannot create a loop device: %s", strerror(-nr));
	}
	env.created = nr;
	snprintf(name, sizeof(name), "loop%d", nr);
	devt = sysfs_devt(name);
	assert_true(devt != 0);

	watch_expect(&w, DISC_ADD, name, &pf);
	assert_string_equal(pf.devnode, name);
	assert_int_equal(pf.devt, devt);
	assert_false(pf.is_scsi);

	err = loop_delete(nr);
	if (err)
		watch_close(&w);
	assert_int_equal(err, 0);
	env.created = -1;
	watch_expect(&w, DISC_REMOVE, name, &pf);
	/* What a remove event still tells: the names and the number. */
	assert_string_equal(pf.devnode, name);
	assert_int_equal(pf.devt, devt);
	assert_true(strcmp(pf.devpath, "/dev/") > 0 &&
		    strcmp(pf.devpath + 5, name) == 0);
	watch_close(&w);
}

/* Receive until nothing came for quiet seconds: the rest of an action's events. */
static void watch_drain(struct watch *w, double quiet)
{
	struct pollfd pfd = { .fd = udev_monitor_get_fd(w->mon),
			      .events = POLLIN };
	struct disc_event ev;

	while (poll(&pfd, 1, quiet * 1000) > 0)
		while (disc_monitor_receive(w->mon, &ev) == 1) {
			disc_facts_release(&ev.pf);
			if (ev.action != DISC_DM &&
			    strcmp(ev.pf.devnode, w->partition) == 0)
				w->saw_partition = true;
		}
}

/* Have the kernel announce a change of block device name (sysfs "uevent"). */
static int trigger_change(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/class/block/%s/uevent", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "change", 6) != 6)
		err = -errno;
	close(fd);
	return err;
}

static void monitor_reports_attach_and_detach_as_change_not_partitions(void **state)
{
	struct path_facts pf;
	struct watch w;
	int err;

	need_env();
	watch_open(&w, NULL);
	err = loop_attach(&env.other, LO_FLAGS_PARTSCAN);
	if (err)
		watch_close(&w);
	assert_int_equal(err, 0);
	snprintf(w.partition, sizeof(w.partition), "%sp1", env.other.name);

	watch_expect(&w, DISC_CHANGE, env.other.name, &pf);
	assert_int_equal(pf.devt, sysfs_devt(env.other.name));
	assert_string_equal(pf.devpath, env.other.path);
	assert_false(pf.is_scsi);
	watch_drain(&w, 0.3);

	/*
	 * A partition appears. The kernel sends its events in order, so once
	 * the change asked for afterwards is in, so is the partition's "add".
	 */
	err = add_partition(&env.other);
	if (!err)
		err = trigger_change(env.other.name);
	if (err)
		watch_close(&w);
	assert_int_equal(err, 0);
	watch_expect(&w, DISC_CHANGE, env.other.name, &pf);
	if (w.witness >= 0)
		assert_true(witness_saw(w.witness, "add", w.partition));
	assert_false(w.saw_partition);

	/* Unbinding deletes the partition and changes the disk. */
	test_loop_detach(&env.other);
	watch_expect(&w, DISC_CHANGE, env.other.name, &pf);
	watch_drain(&w, 0.3);
	assert_false(w.saw_partition);
	watch_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enumerate_finds_an_attached_loop_device),
		cmocka_unit_test(enumerate_reports_whole_disks_as_sysfs_has_them),
		cmocka_unit_test(monitor_reports_add_and_remove),
		cmocka_unit_test(monitor_reports_attach_and_detach_as_change_not_partitions),
	};
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	if (env.skip || !env.ran) {
		printf("skip: %s\n", env.skip ? env.skip : env.skipped);
		return 77;
	}
	if (env.skipped[0])
		printf("skipped some: %s\n", env.skipped);
	return failed ? 1 : 0;
}
