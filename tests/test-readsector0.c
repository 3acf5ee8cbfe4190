// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-readsector0.c - the readsector0 checker against a fake SG_IO: a
 * table of device answers, try by try (ioctl errno, host status, SCSI
 * status, sense) and block sizes, and the state, message, number of tries
 * and transfer length each must give; then the O_DIRECT fallback taken
 * when SG_IO is not supported (ENOTTY, or EINVAL as from the loop
 * driver), on real files: a healthy file, an empty one, a misaligned
 * block size, a device without direct I/O, a dead fd.
 * The checker's source is included, so its ioctls, and those of the
 * library's SG_IO helper, land in the fake ioctl below.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <dirent.h>
#include <scsi/sg.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "test-util.h"
#include "../libmultipath/checkers/readsector0.c"
#include "msgtable-check.h"

/* --- a scripted SG_IO and a settable BLKSSZGET ---------------------------- */

#define FIXED(key, asc, ascq) \
	{ 0x70, 0, key, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0 }

struct sg_reply {
	int ret, err;		/* ret < 0: the ioctl fails with errno err */
	uint8_t status;
	uint16_t host, driver;
	uint8_t sense[18];
	size_t sense_len;
};

#define GOOD		{ .status = 0x00 }
#define ERRNO(e)	{ .ret = -1, .err = (e) }
#define STATUS(s)	{ .status = (s) }
#define HOST(h)		{ .host = (h) }
#define CC(k, a, q)	{ .status = 0x02, .sense = FIXED(k, a, q), .sense_len = 18 }
#define UA		CC(0x6, 0x29, 0x00)

#define MAX_REPLIES	6

int __real_ioctl(int fd, unsigned long req, ...);

/* Call i gets script[i]; calls past the end get the last reply again. */
static const struct sg_reply *script;
static int script_len;
static int sg_calls;
static int blkssz_calls;
/* BLKSSZGET: > 0 answers that size, 0 asks the kernel, < 0 fails (-errno). */
static int fake_blkssz;
static sg_io_hdr_t last_hdr;
static uint8_t last_cdb[16];
static bool bad_request;

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	const struct sg_reply *r;
	sg_io_hdr_t *hdr;
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == BLKSSZGET) {
		blkssz_calls++;
		if (fake_blkssz == 0)
			return __real_ioctl(fd, req, arg);
		if (fake_blkssz < 0) {
			errno = -fake_blkssz;
			return -1;
		}
		*(int *)arg = fake_blkssz;
		return 0;
	}
	if (req != SG_IO) {
		bad_request = true;
		errno = ENOTTY;
		return -1;
	}
	hdr = arg;
	r = &script[sg_calls < script_len ? sg_calls : script_len - 1];
	sg_calls++;
	last_hdr = *hdr;
	memcpy(last_cdb, hdr->cmdp, hdr->cmd_len <= 16 ? hdr->cmd_len : 16);
	if (r->ret < 0) {
		errno = r->err;
		return -1;
	}
	memset(hdr->dxferp, 0x5a, hdr->dxfer_len);
	hdr->status = r->status;
	hdr->masked_status = r->status >> 1;
	hdr->host_status = r->host;
	hdr->driver_status = r->driver;
	hdr->sb_len_wr = r->sense_len < hdr->mx_sb_len ? r->sense_len :
							 hdr->mx_sb_len;
	memcpy(hdr->sbp, r->sense, hdr->sb_len_wr);
	return 0;
}

static const char *msg_text(const struct checker *c)
{
	return CHECKER_MSG_TEXT(c->msgid);
}

static int run_check(int fd, unsigned int timeout, const struct sg_reply *r,
		     int nr, int blkssz, struct checker *c)
{
	script = r;
	script_len = nr;
	sg_calls = blkssz_calls = 0;
	fake_blkssz = blkssz;
	bad_request = false;
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout = timeout;
	assert_int_equal(libcheck_init(c), 0);
	c->path_state = libcheck_check(c);
	libcheck_free(c);
	assert_false(bad_request);
	assert_int_equal(blkssz_calls, 1);
	return c->path_state;
}

/* --- over SG_IO ---------------------------------------------------------- */

struct rs0_case {
	const char *name;
	int blkssz;			/* see fake_blkssz */
	int nr;
	struct sg_reply r[MAX_REPLIES];
	int state;
	const char *msg;
	int calls;			/* SG_IO calls the check makes */
	unsigned int len;		/* bytes asked for: one block */
};

static const struct rs0_case cases[] = {
	{ "GOOD, 512-byte blocks", 512, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 512 },
	{ "GOOD, 4096-byte blocks", 4096, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 4096 },
	{ "GOOD, 520-byte blocks", 520, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 520 },
	{ "block size unknown: 512", -ENOTTY, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 512 },
	{ "block size bogus (256): 512", 256, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 512 },
	{ "block size bogus (1 MiB): 512", 1 << 20, 1, { GOOD }, PATH_UP,
	  "read of block 0 succeeded", 1, 512 },
	{ "ioctl fails with EIO", 512, 1, { ERRNO(EIO) }, PATH_DOWN,
	  "SG_IO ioctl failed", 1, 512 },
	{ "RESERVATION CONFLICT", 512, 1, { STATUS(0x18) }, PATH_UP,
	  "LUN reserved by another initiator; path is up", 1, 512 },
	{ "NOT READY 04/0B standby", 512, 1, { CC(0x2, 0x04, 0x0b) },
	  PATH_DOWN, "LUN not ready", 1, 512 },
	{ "MEDIUM ERROR 11/00 unrecovered read error", 512, 1,
	  { CC(0x3, 0x11, 0x00) }, PATH_DOWN,
	  "read of block 0 failed with CHECK CONDITION", 1, 512 },
	{ "ILLEGAL REQUEST 25/00", 512, 1, { CC(0x5, 0x25, 0x00) }, PATH_DOWN,
	  "read of block 0 failed with CHECK CONDITION", 1, 512 },
	{ "CHECK CONDITION without sense", 512, 1, { STATUS(0x02) },
	  PATH_DOWN, "read of block 0 failed with CHECK CONDITION", 1, 512 },
	{ "host DID_BUS_BUSY is not retried", 512, 1, { HOST(0x02), GOOD },
	  PATH_DOWN, "transport error on this path", 1, 512 },
	{ "host DID_NO_CONNECT", 512, 1, { HOST(0x01) }, PATH_DOWN,
	  "transport error on this path", 1, 512 },
	{ "BUSY", 512, 1, { STATUS(0x08) }, PATH_DOWN,
	  "device busy (BUSY or TASK SET FULL)", 1, 512 },
	{ "TASK SET FULL", 512, 1, { STATUS(0x28) }, PATH_DOWN,
	  "device busy (BUSY or TASK SET FULL)", 1, 512 },
	{ "TASK ABORTED", 512, 1, { STATUS(0x40) }, PATH_DOWN,
	  "read of block 0 returned an unexpected SCSI status", 1, 512 },

	/* Up to 3 tries while unit attentions come. */
	{ "UNIT ATTENTION, then GOOD", 512, 2, { UA, GOOD }, PATH_UP,
	  "read of block 0 succeeded", 2, 512 },
	{ "UNIT ATTENTION twice, then GOOD on the last try", 512, 3,
	  { UA, UA, GOOD }, PATH_UP, "read of block 0 succeeded", 3, 512 },
	{ "UNIT ATTENTION 3 times: the fourth answer is never asked", 512, 4,
	  { UA, UA, UA, GOOD }, PATH_DOWN,
	  "unit attention still reported after retries", 3, 512 },
	{ "UNIT ATTENTION then MEDIUM ERROR", 512, 2,
	  { UA, CC(0x3, 0x11, 0x00) }, PATH_DOWN,
	  "read of block 0 failed with CHECK CONDITION", 2, 512 },
};

static void rs0_table(void **state)
{
	static const uint8_t read10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rs0_case *t = &cases[i];
		struct checker c;

		print_message("  %s\n", t->name);
		assert_true(t->nr >= 1 && t->nr <= MAX_REPLIES);
		run_check(3, 9, t->r, t->nr, t->blkssz, &c);
		assert_int_equal(c.path_state, t->state);
		assert_string_equal(msg_text(&c), t->msg);
		assert_int_equal(sg_calls, t->calls);
		/* READ(10) of LBA 0, one block, into a buffer of one block. */
		assert_int_equal(last_hdr.cmd_len, 10);
		assert_memory_equal(last_cdb, read10, 10);
		assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_FROM_DEV);
		assert_int_equal(last_hdr.dxfer_len, t->len);
		assert_int_equal(last_hdr.timeout, 9000);
	}
}

static void rs0_default_timeout_is_30s(void **state)
{
	static const struct sg_reply good = GOOD;
	struct checker c;

	assert_int_equal(run_check(3, 0, &good, 1, 512, &c), PATH_UP);
	assert_int_equal(last_hdr.timeout, 30000);
}

/* --- the O_DIRECT fallback, on real files -------------------------------- */

static const struct sg_reply no_sg = ERRNO(ENOTTY);
static char tmp_path[PATH_MAX];

/* A file of len bytes next to the test binaries (not on a tmpfs). */
static int make_file(size_t len)
{
	const char *o = getenv("O");
	char data[4096];
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "%s/tests/.rs0-test-XXXXXX",
		 o && *o ? o : ".");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	memset(data, 'x', sizeof(data));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static void drop_file(int fd)
{
	close(fd);
	unlink(tmp_path);
}

/*
 * Skip the fallback tests where the file system refuses O_DIRECT; with
 * misaligned, also where it accepts a 520-byte direct read (it then cannot
 * show a failing one).
 */
static bool direct_io_works(int fd, bool misaligned)
{
	char path[64];
	void *buf = NULL;
	bool ok = true;
	int dfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dfd = open(path, O_RDONLY | O_DIRECT);
	if (dfd < 0)
		return false;
	if (misaligned) {
		assert_int_equal(posix_memalign(&buf, 4096, 4096), 0);
		ok = pread(dfd, buf, 520, 0) < 0;
		free(buf);
	}
	close(dfd);
	return ok;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void rs0_direct_read_of_a_healthy_device(void **state)
{
	struct checker c;
	int fd = make_file(4096), fds;

	if (!direct_io_works(fd, false)) {
		drop_file(fd);
		print_message("skip: the file system of %s does not do O_DIRECT as needed\n",
			      tmp_path);
		skip();
	}
	fds = open_fds();
	/* BLKSSZGET goes to the kernel: not a block device, so 512. */
	assert_int_equal(run_check(fd, 5, &no_sg, 1, 0, &c), PATH_UP);
	assert_string_equal(msg_text(&c),
			    "direct read of block 0 succeeded (no SG_IO on this device)");
	assert_int_equal(sg_calls, 1);
	assert_int_equal(last_hdr.dxfer_len, 512);
	/* The second open file is closed again. */
	assert_int_equal(open_fds(), fds);
	drop_file(fd);
}

/* The loop driver refuses SG_IO with EINVAL rather than ENOTTY. */
static void rs0_direct_read_when_sg_io_is_einval(void **state)
{
	static const struct sg_reply einval = ERRNO(EINVAL);
	struct checker c;
	int fd = make_file(4096);

	if (!direct_io_works(fd, false)) {
		drop_file(fd);
		print_message("skip: the file system of %s does not do O_DIRECT as needed\n",
			      tmp_path);
		skip();
	}
	assert_int_equal(run_check(fd, 5, &einval, 1, 0, &c), PATH_UP);
	assert_string_equal(msg_text(&c),
			    "direct read of block 0 succeeded (no SG_IO on this device)");
	assert_int_equal(sg_calls, 1);
	drop_file(fd);
}

static void rs0_direct_read_short(void **state)
{
	struct checker c;
	int fd = make_file(0);

	if (!direct_io_works(fd, false)) {
		drop_file(fd);
		print_message("skip: the file system of %s does not do O_DIRECT as needed\n",
			      tmp_path);
		skip();
	}
	assert_int_equal(run_check(fd, 5, &no_sg, 1, 0, &c), PATH_DOWN);
	assert_string_equal(msg_text(&c),
			    "direct read of block 0 returned too few bytes");
	drop_file(fd);
}

static void rs0_direct_read_fails(void **state)
{
	struct checker c;
	int fd = make_file(4096);

	if (!direct_io_works(fd, true)) {
		drop_file(fd);
		print_message("skip: the file system of %s does not do O_DIRECT as needed\n",
			      tmp_path);
		skip();
	}
	/* 520 bytes is no multiple of the file system's block: EINVAL. */
	assert_int_equal(run_check(fd, 5, &no_sg, 1, 520, &c), PATH_DOWN);
	assert_string_equal(msg_text(&c), "direct read of block 0 failed");
	drop_file(fd);
}

static void rs0_no_sg_io_and_no_direct_io(void **state)
{
	struct checker c;
	int fd = open("/dev/null", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(run_check(fd, 5, &no_sg, 1, 0, &c), PATH_WILD);
	assert_string_equal(msg_text(&c),
			    "device supports neither SG_IO nor direct I/O");
	close(fd);
}

static void rs0_direct_reopen_fails(void **state)
{
	struct checker c;
	int fd = open("/dev/null", O_RDONLY);

	/* A number that was just closed: /proc/self/fd has no such entry. */
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run_check(fd, 5, &no_sg, 1, 512, &c), PATH_DOWN);
	assert_string_equal(msg_text(&c),
			    "cannot reopen the device for direct I/O");
}

/* The lowest free descriptor becomes the limit: the next open() fails. */
static rlim_t fds_exhaust(void)
{
	struct rlimit rl;
	rlim_t old;
	int lowest = dup(0);

	assert_true(lowest >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	old = rl.rlim_cur;
	rl.rlim_cur = lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	return old;
}

/* Does the checker's open() fail with EMFILE now? (Not under valgrind.) */
static bool fds_exhausted(int of)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", of);
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EMFILE;
}

static void fds_restore(rlim_t old)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = old;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/*
 * The daemon out of descriptors: the path is not judged (never down, which
 * would fail a healthy path in its map), and that is logged once.
 */
static void rs0_out_of_fds_is_not_a_path_failure(void **state)
{
	struct checker c;
	int fd = open("/dev/null", O_RDONLY), i, state_seen[2];
	rlim_t old;

	assert_true(fd >= 0);
	test_log_start();
	old = fds_exhaust();
	if (!fds_exhausted(fd)) {
		fds_restore(old);
		close(fd);
		skip();		/* valgrind keeps the limit to itself */
	}
	for (i = 0; i < 2; i++)
		state_seen[i] = run_check(fd, 5, &no_sg, 1, 512, &c);
	fds_restore(old);
	close(fd);
	assert_int_equal(state_seen[0], PATH_WILD);
	assert_int_equal(state_seen[1], PATH_WILD);
	assert_string_equal(msg_text(&c),
			    "not checked: the daemon is out of file descriptors or memory (not the path's fault)");
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);
	assert_non_null(strstr(test_log.all, "Too many open files"));
}

static void rs0_msgtable_is_well_formed(void **state)
{
	ASSERT_MSGTABLE_WELL_FORMED(libcheck_msgtable);
	/* An entry for every message id, the last one included. */
	assert_int_equal(sizeof(libcheck_msgtable) / sizeof(libcheck_msgtable[0]),
			 MSG_RS0_NO_FDS - CHECKER_FIRST_MSGID + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rs0_table),
		cmocka_unit_test(rs0_default_timeout_is_30s),
		cmocka_unit_test(rs0_direct_read_of_a_healthy_device),
		cmocka_unit_test(rs0_out_of_fds_is_not_a_path_failure),
		cmocka_unit_test(rs0_direct_read_when_sg_io_is_einval),
		cmocka_unit_test(rs0_direct_read_short),
		cmocka_unit_test(rs0_direct_read_fails),
		cmocka_unit_test(rs0_no_sg_io_and_no_direct_io),
		cmocka_unit_test(rs0_direct_reopen_fails),
		cmocka_unit_test(rs0_msgtable_is_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
