// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-directio.c - the directio checker with libaio replaced by a fake
 * kernel: reads are submitted to the fake, and the test decides when and
 * how each completes. Covers the results (full, short, failed, timed out),
 * one read in flight at most, orphans reclaimed by other checkers and at
 * reset, io contexts shared by many checkers, and concurrent use from
 * several threads.
 *
 * The checker's source is included, so its calls to libaio (and its
 * BLKBSZGET ioctl) bind to the wrappers below, and the tests can look at
 * its contexts and groups. The checker's O_DIRECT open is real: c->fd is
 * an 8 KiB file in a directory whose file system takes O_DIRECT ($O/tests,
 * /var/tmp or /tmp, the first that does; tmpfs before Linux 6.6 does not,
 * open() fails with EINVAL), chosen at start-up; without one, the tests
 * are skipped with a message.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "test-util.h"
#include "internal.h"
#include "../libmultipath/checkers/directio.c"

/* --- the fake kernel aio ------------------------------------------------ */

#define FAKE_MAX 256

struct fake_ioctx {
	int maxevents;
	int nr_sub;			/* submitted, not completed */
	struct iocb *sub[FAKE_MAX];
	void *sub_data[FAKE_MAX];
	int nr_done;			/* completed, not reaped */
	struct io_event done[FAKE_MAX];
};

/* lock protects everything in fake; completions signal cond. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int setups, destroys, submits, cancels, getevents;
	int live;			/* io contexts set up, not destroyed */
	int setup_error;		/* io_setup returns it if set */
	int submit_error;		/* io_submit returns it if set */
	bool cancel_works;		/* io_cancel returns 0 (old kernels) */
	bool complete_at_submit;	/* each read completes in full at once */
	struct iocb last;		/* copy of the last submitted iocb */
	int last_fd_flags;		/* F_GETFL of its descriptor */
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int fake_bsz = -1;	/* BLKBSZGET's answer; -1: ENOTTY */

int __wrap_io_setup(int maxevents, io_context_t *ctxp);
int __wrap_io_destroy(io_context_t ctx);
int __wrap_io_submit(io_context_t ctx, long nr, struct iocb *ios[]);
int __wrap_io_cancel(io_context_t ctx, struct iocb *iocb, struct io_event *evt);
int __wrap_io_getevents(io_context_t ctx, long min_nr, long nr,
			struct io_event *events, struct timespec *timeout);
int __wrap_ioctl(int fd, unsigned long req, ...);
int __real_ioctl(int fd, unsigned long req, ...);

int __wrap_io_setup(int maxevents, io_context_t *ctxp)
{
	struct fake_ioctx *f;

	pthread_mutex_lock(&fake.lock);
	fake.setups++;
	if (fake.setup_error) {
		pthread_mutex_unlock(&fake.lock);
		return fake.setup_error;
	}
	pthread_mutex_unlock(&fake.lock);
	assert_true(maxevents <= FAKE_MAX);
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->maxevents = maxevents;
	pthread_mutex_lock(&fake.lock);
	fake.live++;
	pthread_mutex_unlock(&fake.lock);
	*ctxp = (io_context_t)f;
	return 0;
}

int __wrap_io_destroy(io_context_t ctx)
{
	struct fake_ioctx *f = (struct fake_ioctx *)ctx;

	int out;

	pthread_mutex_lock(&fake.lock);
	fake.destroys++;
	fake.live--;
	out = f->nr_sub + f->nr_done;
	pthread_mutex_unlock(&fake.lock);
	/* A group is only destroyed when no read of it is out. */
	assert_int_equal(out, 0);
	free(f);
	return 0;
}

/* Under fake.lock. */
static void fake_complete_locked(struct fake_ioctx *f, int i, long res)
{
	struct io_event *ev = &f->done[f->nr_done++];

	ev->data = f->sub_data[i];
	ev->obj = f->sub[i];
	ev->res = (unsigned long)res;
	ev->res2 = 0;
	f->sub[i] = f->sub[--f->nr_sub];
	f->sub_data[i] = f->sub_data[f->nr_sub];
	pthread_cond_broadcast(&fake.cond);
}

int __wrap_io_submit(io_context_t ctx, long nr, struct iocb *ios[])
{
	struct fake_ioctx *f = (struct fake_ioctx *)ctx;
	int flags = fcntl(ios[0]->aio_fildes, F_GETFL);
	bool room;

	assert_int_equal(nr, 1);
	pthread_mutex_lock(&fake.lock);
	fake.submits++;
	if (fake.submit_error) {
		pthread_mutex_unlock(&fake.lock);
		return fake.submit_error;
	}
	/* The kernel refuses more reads than maxevents (EAGAIN). */
	room = f->nr_sub + f->nr_done < f->maxevents;
	if (!room) {
		pthread_mutex_unlock(&fake.lock);
		fail_msg("more reads in flight than the io context's maxevents");
	}
	fake.last = *ios[0];
	fake.last_fd_flags = flags;
	f->sub[f->nr_sub] = ios[0];
	f->sub_data[f->nr_sub++] = ios[0]->data;
	if (fake.complete_at_submit)
		fake_complete_locked(f, f->nr_sub - 1,
				     (long)ios[0]->u.c.nbytes);
	pthread_mutex_unlock(&fake.lock);
	return 1;
}

int __wrap_io_cancel(io_context_t ctx, struct iocb *iocb, struct io_event *evt)
{
	struct fake_ioctx *f = (struct fake_ioctx *)ctx;
	int i;

	pthread_mutex_lock(&fake.lock);
	fake.cancels++;
	for (i = 0; fake.cancel_works && i < f->nr_sub; i++) {
		if (f->sub[i] != iocb)
			continue;
		evt->data = f->sub_data[i];
		evt->obj = iocb;
		evt->res = (unsigned long)-ECANCELED;
		f->sub[i] = f->sub[--f->nr_sub];
		f->sub_data[i] = f->sub_data[f->nr_sub];
		pthread_mutex_unlock(&fake.lock);
		return 0;
	}
	pthread_mutex_unlock(&fake.lock);
	return -EINVAL;		/* what block devices answer */
}

int __wrap_io_getevents(io_context_t ctx, long min_nr, long nr,
			struct io_event *events, struct timespec *timeout)
{
	struct fake_ioctx *f = (struct fake_ioctx *)ctx;
	struct timespec end;
	int n = 0;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout->tv_sec;
	end.tv_nsec += timeout->tv_nsec;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&fake.lock);
	fake.getevents++;
	while (f->nr_done < min_nr &&
	       pthread_cond_timedwait(&fake.cond, &fake.lock, &end) == 0)
		;
	while (n < nr && f->nr_done > 0) {
		events[n++] = f->done[0];
		memmove(f->done, f->done + 1, --f->nr_done * sizeof(f->done[0]));
	}
	pthread_mutex_unlock(&fake.lock);
	return n;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != BLKBSZGET)
		return __real_ioctl(fd, req, arg);
	if (fake_bsz < 0) {
		errno = ENOTTY;
		return -1;
	}
	*(int *)arg = fake_bsz;
	return 0;
}

/* Complete ct's read with res. */
static void complete(struct checker *c, long res)
{
	struct dio_ctx *ct = c->context;
	struct fake_ioctx *f = (struct fake_ioctx *)ct->grp->ioctx;
	int i;

	bool found = false;

	pthread_mutex_lock(&fake.lock);
	for (i = 0; i < f->nr_sub && !found; i++) {
		if (f->sub_data[i] == ct) {
			fake_complete_locked(f, i, res);
			found = true;
		}
	}
	pthread_mutex_unlock(&fake.lock);
	assert_true(found);
}

/* Complete, in full, every read out in every group. */
static void complete_all(void)
{
	struct aio_group *g;

	pthread_mutex_lock(&dio_groups_lock);
	pthread_mutex_lock(&fake.lock);
	for (g = dio_groups; g; g = g->next) {
		struct fake_ioctx *f = (struct fake_ioctx *)g->ioctx;

		while (f->nr_sub)
			fake_complete_locked(f, 0, (long)f->sub[0]->u.c.nbytes);
	}
	pthread_mutex_unlock(&fake.lock);
	pthread_mutex_unlock(&dio_groups_lock);
}

static int fake_count(int *counter)
{
	int n;

	pthread_mutex_lock(&fake.lock);
	n = *counter;
	pthread_mutex_unlock(&fake.lock);
	return n;
}

/* --- checkers over a real file ---------------------------------------- */

static char file_path[PATH_MAX];
static int file_fd = -1;

/* The first of these where an O_DIRECT open works: not tmpfs. */
static bool make_file(const char *dir)
{
	char buf[8192] = { 0 };
	int fd, dfd;

	snprintf(file_path, sizeof(file_path), "%s/test-directio.XXXXXX", dir);
	fd = mkstemp(file_path);
	if (fd < 0)
		return false;
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    (dfd = open(file_path, O_RDONLY | O_DIRECT)) < 0) {
		close(fd);
		unlink(file_path);
		return false;
	}
	close(dfd);
	file_fd = fd;
	return true;
}

static int group_setup(void **state)
{
	const char *o = getenv("O");
	char odir[PATH_MAX];
	pthread_condattr_t attr;

	snprintf(odir, sizeof(odir), "%s/tests", o && *o ? o : ".");
	if (!make_file(odir) && !make_file("/var/tmp") && !make_file("/tmp"))
		fprintf(stderr, "no file system taking O_DIRECT in %s, /var/tmp, /tmp: skip the tests that need one\n",
			odir);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&fake.cond, &attr);
	pthread_condattr_destroy(&attr);
	return 0;
}

static int group_teardown(void **state)
{
	if (file_fd >= 0) {
		close(file_fd);
		unlink(file_path);
	}
	return 0;
}

static int setup(void **state)
{
	if (file_fd < 0)
		skip();
	pthread_mutex_lock(&fake.lock);
	fake.setups = fake.destroys = fake.submits = 0;
	fake.cancels = fake.getevents = 0;
	fake.setup_error = fake.submit_error = 0;
	fake.cancel_works = fake.complete_at_submit = false;
	pthread_mutex_unlock(&fake.lock);
	fake_bsz = -1;
	return 0;
}

/* Every test frees its checkers: reset then leaves no group behind. */
static int teardown(void **state)
{
	bool clean;

	libcheck_reset();
	clean = !dio_groups && fake_count(&fake.live) == 0;
	/* After a failed test, start the next one afresh (and leak). */
	dio_groups = NULL;
	fake.live = 0;
	assert_true(clean);
	return 0;
}

/* The framework's private state of a checker; only its sync flag is read. */
static struct checker_priv async_priv = { .sync = false };
static struct checker_priv sync_priv = { .sync = true };

static void dc_init(struct checker *c, bool sync)
{
	checker_clear(c);
	c->cls = checker_handle(sync ? &sync_priv : &async_priv);
	c->fd = file_fd;
	c->timeout = 30;
	assert_int_equal(libcheck_init(c), 0);
	assert_non_null(c->context);
}

static struct dio_ctx *ctx_of(struct checker *c)
{
	return c->context;
}

static struct aio_group *grp_of(struct checker *c)
{
	return ctx_of(c)->grp;
}

static const char *msg(const struct checker *c)
{
	if (c->msgid < CHECKER_FIRST_MSGID)
		return "";
	return libcheck_msgtable[c->msgid - CHECKER_FIRST_MSGID];
}

/* As if the checker's timeout had passed since its read was submitted. */
static void expire(struct checker *c)
{
	ctx_of(c)->deadline = mpath_now_ns() - 1;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* Complete the read of a context the test kept (an orphan's). */
static void complete_ctx(struct dio_ctx *ct, long res)
{
	struct checker tmp = { .context = ct };

	complete(&tmp, res);
}

/* --- results ------------------------------------------------------------ */

static void test_full_read_is_up(void **state)
{
	struct checker c;
	int fd;

	dc_init(&c, false);
	assert_int_equal(fake.setups, 1);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(c.msgid, MSG_PENDING);
	assert_int_equal(fake.submits, 1);
	/* One block at offset 0, aligned, on a descriptor of our own. */
	assert_int_equal(fake.last.aio_lio_opcode, IO_CMD_PREAD);
	assert_int_equal(fake.last.u.c.offset, 0);
	assert_int_equal(fake.last.u.c.nbytes, 4096);
	assert_int_equal((uintptr_t)fake.last.u.c.buf % 4096, 0);
	assert_ptr_equal(fake.last.data, c.context);
	assert_int_not_equal(fake.last.aio_fildes, c.fd);
	assert_true(fake.last_fd_flags & O_DIRECT);
	fd = fake.last.aio_fildes;

	assert_true(libcheck_need_wait(&c));
	assert_int_equal(libcheck_pending(&c), PATH_PENDING);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	assert_int_equal(c.msgid, MSG_UP);
	assert_string_equal(msg(&c), "direct read of block 0 succeeded");
	assert_false(libcheck_need_wait(&c));
	/* Asked again without a new check: the same answer. */
	assert_int_equal(libcheck_pending(&c), PATH_UP);

	libcheck_free(&c);
	assert_null(c.context);
	assert_false(fd_open(fd));
}

/* BLKBSZGET decides the read's size: 4096 when unknown, at most 4096. */
static void test_block_size(void **state)
{
	static const struct {
		int bsz;
		unsigned long nbytes;
	} cases[] = {
		{ -1, 4096 }, { 512, 512 }, { 1024, 1024 }, { 4096, 4096 },
		{ 8192, 4096 }, { 65536, 4096 }, { 1000, 4096 }, { 0, 4096 },
		{ 256, 4096 },
	};
	struct checker c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_bsz = cases[i].bsz;
		dc_init(&c, false);
		assert_int_equal(libcheck_check(&c), PATH_PENDING);
		assert_int_equal(fake.last.u.c.nbytes, cases[i].nbytes);
		complete(&c, cases[i].nbytes);
		assert_int_equal(libcheck_pending(&c), PATH_UP);
		libcheck_free(&c);
	}
}

static void test_short_read_is_down(void **state)
{
	static const long res[] = { 4095, 512, 0 };
	struct checker c;
	size_t i;

	dc_init(&c, false);
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		assert_int_equal(libcheck_check(&c), PATH_PENDING);
		complete(&c, res[i]);
		assert_int_equal(libcheck_pending(&c), PATH_DOWN);
		assert_int_equal(c.msgid, MSG_SHORT_READ);
		assert_non_null(strstr(msg(&c), "short"));
	}
	libcheck_free(&c);
}

static void test_read_error_is_down_with_reason(void **state)
{
	static const struct {
		int err;
		const char *text;
	} cases[] = {
		{ EIO, "Input/output error (EIO)" },
		{ ETIMEDOUT, "timed out (ETIMEDOUT)" },
		{ ENOLINK, "transport error" },
		{ EREMOTEIO, "target error" },
		{ EBADE, "reservation conflict" },
		{ ENODATA, "medium error" },
		{ ENODEV, "offline" },
		{ ENXIO, "No such device or address" },
		{ EINVAL, "Invalid argument" },
		{ ENOSPC, "unexpected error" },
	};
	struct checker c;
	size_t i;

	test_log_start();
	dc_init(&c, false);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(libcheck_check(&c), PATH_PENDING);
		complete(&c, -cases[i].err);
		assert_int_equal(libcheck_pending(&c), PATH_DOWN);
		assert_non_null(strstr(msg(&c), cases[i].text));
	}
	/* An error without a message of its own is logged with its text. */
	assert_non_null(strstr(test_log.all, "No space left on device"));
	libcheck_free(&c);
}

static void test_no_fd_is_wild(void **state)
{
	struct checker c;

	dc_init(&c, false);
	c.fd = -1;
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_NO_FD);
	assert_int_equal(fake.submits, 0);
	libcheck_free(&c);
}

/*
 * A file that refuses O_DIRECT (EINVAL): the checker cannot tell, and says
 * so. A character device always refuses it; so does tmpfs before Linux 6.6.
 */
static void test_no_o_direct_is_wild(void **state)
{
	struct checker c;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	dc_init(&c, false);
	c.fd = fd;
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, MSG_NO_DIRECT);
	assert_int_equal(fake.submits, 0);
	libcheck_free(&c);
	close(fd);
}

/*
 * The daemon out of descriptors (the lowest free one made the limit): the
 * reopen fails with EMFILE, and the path is not judged: never down, which
 * would fail a healthy path in its map. Logged once, not per check.
 */
static void test_out_of_fds_is_not_a_path_failure(void **state)
{
	struct rlimit rl;
	struct checker c;
	int lowest, st[3], i;
	char path[64];
	rlim_t old;

	dc_init(&c, false);
	c.fd = file_fd;
	test_log_start();
	lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	old = rl.rlim_cur;
	rl.rlim_cur = lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", file_fd);
	lowest = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (lowest >= 0 || errno != EMFILE) {
		/* valgrind keeps the limit to itself: nothing to test. */
		if (lowest >= 0)
			close(lowest);
		rl.rlim_cur = old;
		setrlimit(RLIMIT_NOFILE, &rl);
		libcheck_free(&c);
		skip();
	}
	for (i = 0; i < 3; i++)
		st[i] = libcheck_check(&c);
	rl.rlim_cur = old;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(st[i], PATH_WILD);
	assert_int_equal(c.msgid, MSG_NO_FDS);
	assert_int_equal(fake.submits, 0);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);
	assert_non_null(strstr(test_log.all, "Too many open files"));
	/* Descriptors free again: checked as usual, and said so. */
	fake.complete_at_submit = true;
	st[0] = libcheck_check(&c);
	assert_true(st[0] == PATH_UP || st[0] == PATH_PENDING);
	assert_non_null(strstr(test_log.all, "devices can be opened again"));
	libcheck_free(&c);
}

/* A new c->fd (the path was reopened) is reopened with O_DIRECT too. */
static void test_new_fd_is_reopened(void **state)
{
	struct checker c;
	int fd2 = dup(file_fd), first;

	dc_init(&c, false);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	first = fake.last.aio_fildes;
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	c.fd = fd2;
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(ctx_of(&c)->src_fd, fd2);
	/* The old descriptor was closed (its number may come back). */
	assert_true(fake.last.aio_fildes == first || !fd_open(first));
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
	close(fd2);
}

/* --- timeouts and reads in flight ---------------------------------------- */

static void test_timeout_then_still_hung(void **state)
{
	struct checker c;

	dc_init(&c, false);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	expire(&c);
	assert_false(libcheck_need_wait(&c));
	assert_int_equal(libcheck_pending(&c), PATH_TIMEOUT);
	assert_int_equal(c.msgid, MSG_TIMEOUT);
	assert_int_equal(fake.cancels, 1);
	/* Asked again: the same, and no second cancel. */
	assert_int_equal(libcheck_pending(&c), PATH_TIMEOUT);
	assert_int_equal(fake.cancels, 1);

	/* The read still hangs: no new one, the path stays timed out. */
	assert_int_equal(libcheck_check(&c), PATH_TIMEOUT);
	assert_int_equal(c.msgid, MSG_STILL_HUNG);
	assert_non_null(strstr(msg(&c), "no new read"));
	assert_int_equal(fake.submits, 1);

	/* It completes at last: the next check starts a new read. */
	complete(&c, 4096);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(fake.submits, 2);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

/* Where io_cancel works (older kernels) the read is over at once. */
static void test_timeout_cancelled(void **state)
{
	struct checker c;

	fake.cancel_works = true;
	dc_init(&c, false);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	expire(&c);
	assert_int_equal(libcheck_pending(&c), PATH_TIMEOUT);
	assert_int_equal(fake.cancels, 1);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(fake.submits, 2);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

static void test_timeout_zero_is_30s(void **state)
{
	struct checker c;
	uint64_t left;

	dc_init(&c, false);
	c.timeout = 0;
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	left = ctx_of(&c)->deadline - mpath_now_ns();
	assert_true(left > 29 * MPATH_NSEC_PER_SEC && left <= 30 * MPATH_NSEC_PER_SEC);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

static void test_no_second_read_in_flight(void **state)
{
	struct checker c;

	dc_init(&c, false);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(fake.submits, 1);
	/* That read was not started in this round. */
	assert_false(libcheck_need_wait(&c));
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	assert_int_equal(fake.submits, 2);
	assert_true(libcheck_need_wait(&c));
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

/* --- sync mode ---------------------------------------------------------------- */

static void *complete_later(void *arg)
{
	usleep(20000);
	complete(arg, -EIO);
	return NULL;
}

static void test_sync_waits_for_result(void **state)
{
	struct checker c;
	pthread_t t;

	dc_init(&c, true);
	fake.complete_at_submit = true;
	assert_int_equal(libcheck_check(&c), PATH_UP);
	assert_int_equal(c.msgid, MSG_UP);
	fake.complete_at_submit = false;
	assert_int_equal(pthread_create(&t, NULL, complete_later, &c), 0);
	assert_int_equal(libcheck_check(&c), PATH_DOWN);
	assert_int_equal(c.msgid, MSG_EIO);
	pthread_join(t, NULL);
	libcheck_free(&c);
}

static void test_sync_timeout(void **state)
{
	struct checker c;

	dc_init(&c, true);
	c.timeout = 1;
	assert_int_equal(libcheck_check(&c), PATH_TIMEOUT);
	assert_int_equal(c.msgid, MSG_TIMEOUT);
	/* Still hung: reported at once, nothing new submitted. */
	assert_int_equal(libcheck_check(&c), PATH_TIMEOUT);
	assert_int_equal(c.msgid, MSG_STILL_HUNG);
	assert_int_equal(fake.submits, 1);
	complete(&c, 4096);
	fake.complete_at_submit = true;
	assert_int_equal(libcheck_check(&c), PATH_UP);
	libcheck_free(&c);
}

/* --- failures of the aio calls ---------------------------------------------- */

static void test_io_setup_failure(void **state)
{
	struct checker c;

	fake.setup_error = -EAGAIN;
	dc_init(&c, false);
	assert_null(grp_of(&c));
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, MSG_NO_AIO);
	/* The next check tries again. */
	fake.setup_error = 0;
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

static void test_io_submit_failure(void **state)
{
	struct checker c;

	dc_init(&c, false);
	fake.submit_error = -EAGAIN;
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, MSG_SUBMIT_AGAIN);
	fake.submit_error = -EIO;
	assert_int_equal(libcheck_check(&c), PATH_DOWN);
	assert_int_equal(c.msgid, MSG_EIO);
	assert_false(ctx_of(&c)->inflight);
	fake.submit_error = 0;
	assert_int_equal(libcheck_check(&c), PATH_PENDING);
	complete(&c, 4096);
	assert_int_equal(libcheck_pending(&c), PATH_UP);
	libcheck_free(&c);
}

/* --- orphans ---------------------------------------------------------------- */

static void test_orphan_reclaimed_by_other_checker(void **state)
{
	struct checker a, b;
	struct dio_ctx *orphan;
	struct aio_group *g;
	int fd;

	dc_init(&a, false);
	dc_init(&b, false);
	g = grp_of(&a);
	assert_ptr_equal(grp_of(&b), g);
	assert_int_equal(libcheck_check(&a), PATH_PENDING);
	orphan = a.context;
	fd = orphan->fd;

	libcheck_free(&a);
	assert_null(a.context);
	/* Its buffer, fd and group membership outlive it. */
	assert_int_equal(g->nr_orphans, 1);
	assert_int_equal(g->holders, 2);
	assert_true(fd_open(fd));

	complete_ctx(orphan, 4096);
	assert_int_equal(libcheck_check(&b), PATH_PENDING);
	/* b's reap collects the orphan's completion and frees it. */
	assert_int_equal(libcheck_pending(&b), PATH_PENDING);
	assert_int_equal(g->nr_orphans, 0);
	assert_int_equal(g->holders, 1);
	assert_false(fd_open(fd));

	complete(&b, 4096);
	assert_int_equal(libcheck_pending(&b), PATH_UP);
	libcheck_free(&b);
}

static void test_orphan_freed_at_reset(void **state)
{
	struct checker a;
	struct dio_ctx *orphan;

	dc_init(&a, false);
	assert_int_equal(libcheck_check(&a), PATH_PENDING);
	orphan = a.context;
	libcheck_free(&a);

	/* Still hanging: reset keeps it and its group. */
	libcheck_reset();
	assert_non_null(dio_groups);
	assert_int_equal(dio_groups->nr_orphans, 1);
	assert_int_equal(fake.destroys, 0);

	/* Completed, nobody reaped it: reset does, and frees the group. */
	complete_ctx(orphan, -EIO);
	libcheck_reset();
	assert_null(dio_groups);
	assert_int_equal(fake.destroys, 1);
}

/* A freed checker with a completed but unreaped read is no orphan. */
static void test_free_after_completion(void **state)
{
	struct checker a;
	int fd;

	dc_init(&a, false);
	assert_int_equal(libcheck_check(&a), PATH_PENDING);
	fd = ctx_of(&a)->fd;
	complete(&a, 4096);
	libcheck_free(&a);
	assert_false(fd_open(fd));
	/* The only group is idle: kept for reuse until reset. */
	assert_non_null(dio_groups);
	assert_int_equal(dio_groups->holders, 0);
	assert_int_equal(dio_groups->nr_orphans, 0);
	dc_init(&a, false);
	assert_int_equal(fake.setups, 1);
	libcheck_free(&a);
}

/* --- sharing -------------------------------------------------------------- */

static void test_many_checkers_share_contexts(void **state)
{
	enum { N = 300 };
	struct checker *cs = calloc(N, sizeof(*cs));
	unsigned int holders = 0, groups = 0;
	struct aio_group *g;
	int i, reaps;

	assert_non_null(cs);
	for (i = 0; i < N; i++)
		dc_init(&cs[i], false);
	assert_int_equal(fake.setups, (N + DIO_GROUP_SIZE - 1) / DIO_GROUP_SIZE);
	for (g = dio_groups; g; g = g->next) {
		assert_true(g->holders <= DIO_GROUP_SIZE);
		holders += g->holders;
		groups++;
	}
	assert_int_equal(holders, N);
	assert_int_equal(groups, fake.setups);

	for (i = 0; i < N; i++)
		assert_int_equal(libcheck_check(&cs[i]), PATH_PENDING);
	assert_int_equal(fake.submits, N);
	complete_all();
	reaps = fake.getevents;
	for (i = 0; i < N; i++) {
		assert_int_equal(libcheck_pending(&cs[i]), PATH_UP);
		assert_int_equal(cs[i].msgid, MSG_UP);
	}
	/* The first reap of each group collected every member's result. */
	assert_true(fake.getevents - reaps <= 2 * (int)groups);

	for (i = 0; i < N; i++)
		libcheck_free(&cs[i]);
	/* One idle group is kept; the others are gone. */
	assert_int_equal(fake.destroys, fake.setups - 1);
	free(cs);
}

/* --- threads ---------------------------------------------------------------- */

enum { THREADS = 4, PER_THREAD = 40, ROUNDS = 100 };

struct worker_arg {
	pthread_t thread;
	bool sync;
	int failures;
};

static int stop_completer;

static void *completer(void *arg)
{
	while (!__atomic_load_n(&stop_completer, __ATOMIC_ACQUIRE)) {
		complete_all();
		usleep(200);
	}
	return NULL;
}

static int worker_wait(struct checker *c)
{
	double end = test_now() + 10;
	int st;

	while ((st = libcheck_pending(c)) == PATH_PENDING && test_now() < end)
		usleep(100);
	return st;
}

static void *worker(void *arg)
{
	struct worker_arg *w = arg;
	struct checker cs[PER_THREAD];
	int i, r, st;

	for (i = 0; i < PER_THREAD; i++) {
		checker_clear(&cs[i]);
		cs[i].cls = checker_handle(w->sync ? &sync_priv : &async_priv);
		cs[i].fd = file_fd;
		cs[i].timeout = 30;
		w->failures += libcheck_init(&cs[i]) != 0;
	}
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < PER_THREAD; i++) {
			st = libcheck_check(&cs[i]);
			w->failures += st != (w->sync ? PATH_UP : PATH_PENDING);
		}
		if (!w->sync && r % 10 == 5) {
			/* Free one with its read out, most likely an orphan. */
			libcheck_free(&cs[0]);
			w->failures += libcheck_init(&cs[0]) != 0;
			w->failures += libcheck_check(&cs[0]) != PATH_PENDING;
		}
		for (i = 0; !w->sync && i < PER_THREAD; i++)
			w->failures += worker_wait(&cs[i]) != PATH_UP;
	}
	for (i = 0; i < PER_THREAD; i++)
		libcheck_free(&cs[i]);
	return NULL;
}

static void test_threads_share_groups(void **state)
{
	struct worker_arg w[THREADS] = { 0 };
	pthread_t comp;
	int i;

	__atomic_store_n(&stop_completer, 0, __ATOMIC_RELEASE);
	assert_int_equal(pthread_create(&comp, NULL, completer, NULL), 0);
	for (i = 0; i < THREADS; i++) {
		w[i].sync = i % 2 == 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL, worker,
						&w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		assert_int_equal(w[i].failures, 0);
	}
	__atomic_store_n(&stop_completer, 1, __ATOMIC_RELEASE);
	pthread_join(comp, NULL);
	/* THREADS * PER_THREAD checkers at most: two groups. */
	assert_int_equal(fake.setups,
			 (THREADS * PER_THREAD + DIO_GROUP_SIZE - 1) / DIO_GROUP_SIZE);
	complete_all();		/* orphans left hanging, reclaimed by reset */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_full_read_is_up),
		T(test_block_size),
		T(test_short_read_is_down),
		T(test_read_error_is_down_with_reason),
		T(test_no_fd_is_wild),
		T(test_no_o_direct_is_wild),
		T(test_out_of_fds_is_not_a_path_failure),
		T(test_new_fd_is_reopened),
		T(test_timeout_then_still_hung),
		T(test_timeout_cancelled),
		T(test_timeout_zero_is_30s),
		T(test_no_second_read_in_flight),
		T(test_sync_waits_for_result),
		T(test_sync_timeout),
		T(test_io_setup_failure),
		T(test_io_submit_failure),
		T(test_orphan_reclaimed_by_other_checker),
		T(test_orphan_freed_at_reset),
		T(test_free_after_completion),
		T(test_many_checkers_share_contexts),
		T(test_threads_share_groups),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
