// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * directio.c - libcheckdirectio.so: a path is up when an O_DIRECT read of
 * its first logical block completes, in full, within the checker timeout.
 *
 * It works on any block device (SCSI, NVMe, virtio, loop), because it only
 * reads. The read bypasses the page cache (O_DIRECT), so it really reaches
 * the device. The daemon's c->fd is not opened O_DIRECT, so the checker
 * opens its own descriptor through /proc/self/fd/<c->fd> at the first check
 * and closes it in libcheck_free() (or when the orphan is reclaimed).
 *
 * The read is asynchronous (libaio): libcheck_check() submits it and
 * returns PATH_PENDING; libcheck_pending() reaps completions without
 * blocking. In sync mode (checker_is_sync()) libcheck_check() submits and
 * waits up to the timeout itself. No new read is issued while one is in
 * flight: a read on a dead path may stay in the kernel for minutes and
 * cannot be cancelled, and stacking reads on it would only pile up.
 *
 * Shared io contexts. An io context costs kernel memory and counts against
 * fs.aio-max-nr, so one per path does not scale to thousands of paths. Up
 * to DIO_GROUP_SIZE checkers share an aio_group (one io_setup()); each
 * checker has at most one read in flight, so a group never has more reads
 * out than the maxevents it was set up with. A completion may be reaped by
 * any checker of the group, in any thread: it is matched to its owner
 * through iocb.data and stored in the owner's context, under the group lock.
 *
 * Orphans. A checker freed while its read is in flight cannot free the
 * buffer the kernel is about to write to, nor its iocb. Its context stays
 * alive as an orphan, still a holder of its group, and is reclaimed
 * (buffer, fd, context) by whoever reaps its completion: another checker of
 * the group, or libcheck_reset().
 *
 * Timeout result: a read still out at the deadline gives PATH_TIMEOUT, not
 * PATH_DOWN. Neither is "up", so the daemon fails the path either way, but
 * the operator can tell a hung path from one that returned an error, and it
 * is what the framework reports for any other checker whose check hangs.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "checkers.h"
#include "mpath_time.h"

#define DIO_MAX_BLOCK		4096	/* largest read, and the buffer's alignment */
#define DIO_MIN_BLOCK		512
#define DIO_GROUP_SIZE		128	/* checkers, so reads in flight, per io context */

enum {
	MSG_UP = CHECKER_FIRST_MSGID,
	MSG_PENDING,
	MSG_SHORT_READ,
	MSG_TIMEOUT,
	MSG_STILL_HUNG,
	MSG_NO_AIO,
	MSG_SUBMIT_AGAIN,
	MSG_NO_DIRECT,
	MSG_OPEN_GONE,
	MSG_OPEN_FAILED,
	MSG_EIO,
	MSG_ETIMEDOUT,
	MSG_ENOLINK,
	MSG_EREMOTEIO,
	MSG_EBADE,
	MSG_ENODATA,
	MSG_EILSEQ,
	MSG_ENODEV,
	MSG_ENXIO,
	MSG_EINVAL,
	MSG_EAGAIN,
	MSG_ENOMEM,
	MSG_ECANCELED,
	MSG_EOTHER,
	MSG_NO_FDS,
};

#define M(id) [(id) - CHECKER_FIRST_MSGID]
const char *libcheck_msgtable[] = {
	M(MSG_UP) = "direct read of block 0 succeeded",
	M(MSG_PENDING) = "direct read of block 0 in progress",
	M(MSG_SHORT_READ) = "direct read of block 0 was short: the device returned less than one block",
	M(MSG_TIMEOUT) = "direct read did not complete within the checker timeout (I/O hangs)",
	M(MSG_STILL_HUNG) = "previous direct read still hangs past its timeout; no new read issued",
	M(MSG_NO_AIO) = "no aio context: io_setup failed (fs.aio-max-nr reached?)",
	M(MSG_SUBMIT_AGAIN) = "could not submit the direct read: out of aio resources",
	M(MSG_NO_DIRECT) = "device does not support O_DIRECT: Invalid argument (EINVAL)",
	M(MSG_OPEN_GONE) = "cannot reopen the device for direct I/O: device gone (ENXIO/ENODEV)",
	M(MSG_OPEN_FAILED) = "cannot reopen the device for direct I/O (error in the log)",
	M(MSG_EIO) = "direct read failed: Input/output error (EIO)",
	M(MSG_ETIMEDOUT) = "direct read failed: command timed out (ETIMEDOUT)",
	M(MSG_ENOLINK) = "direct read failed: transport error, link to the target lost (ENOLINK)",
	M(MSG_EREMOTEIO) = "direct read failed: target error (EREMOTEIO)",
	M(MSG_EBADE) = "direct read failed: reservation conflict or nexus error (EBADE)",
	M(MSG_ENODATA) = "direct read failed: medium error (ENODATA)",
	M(MSG_EILSEQ) = "direct read failed: protection information error (EILSEQ)",
	M(MSG_ENODEV) = "direct read failed: device offline (ENODEV)",
	M(MSG_ENXIO) = "direct read failed: No such device or address (ENXIO)",
	M(MSG_EINVAL) = "direct read failed: Invalid argument, size or alignment refused (EINVAL)",
	M(MSG_EAGAIN) = "direct read failed: device busy, Resource temporarily unavailable (EAGAIN)",
	M(MSG_ENOMEM) = "direct read failed: out of kernel resources (ENOMEM)",
	M(MSG_ECANCELED) = "direct read was cancelled (ECANCELED)",
	M(MSG_EOTHER) = "direct read failed with an unexpected error (error in the log)",
	M(MSG_NO_FDS) = "not checked: the daemon is out of file descriptors or memory (not the path's fault)",
	NULL,
};
#undef M

/* The block layer's errors (blk_status_to_errno) and what they mean. */
static const struct {
	int err;
	short msgid;
} dio_errors[] = {
	{ EIO, MSG_EIO }, { ETIMEDOUT, MSG_ETIMEDOUT },
	{ ENOLINK, MSG_ENOLINK }, { EREMOTEIO, MSG_EREMOTEIO },
	{ EBADE, MSG_EBADE }, { ENODATA, MSG_ENODATA },
	{ EILSEQ, MSG_EILSEQ }, { ENODEV, MSG_ENODEV },
	{ ENXIO, MSG_ENXIO }, { EINVAL, MSG_EINVAL },
	{ EAGAIN, MSG_EAGAIN }, { ENOMEM, MSG_ENOMEM },
	{ ECANCELED, MSG_ECANCELED },
};

/*
 * One io context and the checkers sharing it.
 *
 * holders counts the dio_ctx attached to the group, live or orphaned; it
 * is protected by dio_groups_lock. A group with holders has no I/O in
 * flight only if it has no orphans; a group without holders has none at
 * all, so io_destroy() never waits for I/O.
 *
 * lock protects reaping (the io_getevents() calls, so that each event is
 * dispatched exactly once), reaping, nr_orphans, and the completion fields
 * of every member dio_ctx. It is never held while sleeping: a thread that
 * blocks in io_getevents() (sync mode) drops it and sets reaping instead,
 * which makes the others leave the reaping to it (it wakes at every
 * completion and dispatches it at once) and wait on reaped if they too
 * must block. So a blocked reaper can never miss its own completion to
 * someone else's non-blocking reap.
 */
struct aio_group {
	struct aio_group *next;		/* dio_groups; dio_groups_lock */
	unsigned int holders;		/* dio_groups_lock */
	io_context_t ioctx;		/* set before the group is listed */
	pthread_mutex_t lock;
	pthread_cond_t reaped;		/* broadcast after dispatching events */
	bool reaping;			/* a thread blocks in io_getevents() */
	unsigned int nr_orphans;
};

/*
 * dio_groups_lock protects the list of groups and each group's holders.
 * Lock order: dio_groups_lock, then a group's lock.
 */
static pthread_mutex_t dio_groups_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aio_group *dio_groups;

/*
 * A checker's context (c->context). The fields above the completion ones
 * belong to the checker's thread (one struct checker is used by one thread
 * at a time); once orphaned, only the reclaimer touches them.
 */
struct dio_ctx {
	struct iocb iocb;		/* iocb.data points back here */
	struct aio_group *grp;		/* one holder; NULL until io_setup works */
	unsigned char *buf;		/* DIO_MAX_BLOCK bytes, aligned as much */
	int fd;				/* our O_DIRECT descriptor, or -1 */
	int src_fd;			/* the c->fd it was reopened from */
	unsigned int blksize;		/* bytes read */
	uint64_t deadline;		/* of the read in flight, CLOCK_MONOTONIC ns */
	bool this_round;		/* that read was started by the last check */
	bool cancel_tried;
	int state;			/* last result, for a repeated pending call */
	short msgid;

	/* Completion: under grp->lock, written by whoever reaps. */
	bool inflight;			/* submitted, completion not reaped */
	bool done;			/* completion reaped, not yet evaluated */
	bool orphan;			/* freed by its checker while inflight */
	long res;			/* bytes read, or -errno */
	struct dio_ctx *reclaim_next;	/* a reaper's list of orphans to free */
};

static void group_free(struct aio_group *g)
{
	int rc = io_destroy(g->ioctx);

	if (rc < 0)
		mpath_log(MPATH_LOG_DEBUG, "directio: io_destroy: %s",
			  strerror(-rc));
	pthread_cond_destroy(&g->reaped);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* A new group, or NULL. Called with dio_groups_lock held; does not sleep. */
static struct aio_group *group_new(void)
{
	struct aio_group *g = calloc(1, sizeof(*g));
	pthread_condattr_t attr;
	int rc;

	if (!g)
		return NULL;
	rc = io_setup(DIO_GROUP_SIZE, &g->ioctx);
	if (rc < 0) {
		mpath_log(MPATH_LOG_WARNING,
			  "directio: io_setup(%d): %s; check fs.aio-max-nr",
			  DIO_GROUP_SIZE, strerror(-rc));
		free(g);
		return NULL;
	}
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->reaped, &attr);
	pthread_condattr_destroy(&attr);
	return g;
}

/* Attach to a group with room, setting one up if none has. May sleep. */
static struct aio_group *group_get(void)
{
	struct aio_group *g;

	pthread_mutex_lock(&dio_groups_lock);
	for (g = dio_groups; g; g = g->next)
		if (g->holders < DIO_GROUP_SIZE)
			break;
	if (!g) {
		g = group_new();
		if (g) {
			g->next = dio_groups;
			dio_groups = g;
		}
	}
	if (g)
		g->holders++;
	pthread_mutex_unlock(&dio_groups_lock);
	return g;
}

/*
 * Drop one holder. A group left without holders is destroyed unless it is
 * the only idle one: one is kept so that a path that goes and comes back
 * does not cost an io_destroy() and an io_setup(). libcheck_reset() frees
 * that one too. Called without any group lock held; may sleep.
 */
static void group_put(struct aio_group *g)
{
	struct aio_group **pp, *other, *dead = NULL;

	pthread_mutex_lock(&dio_groups_lock);
	if (--g->holders == 0) {
		for (other = dio_groups; other; other = other->next)
			if (other != g && other->holders == 0)
				break;
		for (pp = &dio_groups; other && *pp; pp = &(*pp)->next) {
			if (*pp == g) {
				*pp = g->next;
				dead = g;
				break;
			}
		}
	}
	pthread_mutex_unlock(&dio_groups_lock);
	if (dead)
		group_free(dead);
}

/* Close and free what a context owns; not its group holder. */
static void ctx_release(struct dio_ctx *ct)
{
	if (ct->fd >= 0)
		close(ct->fd);
	free(ct->buf);
	free(ct);
}

/* Free the orphans a reaper collected. Without the group lock; may sleep. */
static void reclaim_orphans(struct dio_ctx *list)
{
	struct dio_ctx *ct;

	while ((ct = list)) {
		struct aio_group *g = ct->grp;

		list = ct->reclaim_next;
		mpath_log(MPATH_LOG_DEBUG,
			  "directio: orphaned read completed (%ld), reclaimed",
			  ct->res);
		ctx_release(ct);
		group_put(g);
	}
}

/*
 * Store each completion in its owner's context; orphans go on *reclaim,
 * to be freed once the lock is dropped. Called with g->lock held.
 */
static void dispatch_locked(struct aio_group *g, struct io_event *ev, int n,
			    struct dio_ctx **reclaim)
{
	int i;

	for (i = 0; i < n; i++) {
		struct dio_ctx *ct = ev[i].data;

		ct->res = (long)ev[i].res;
		ct->inflight = false;
		if (ct->orphan) {
			g->nr_orphans--;
			ct->reclaim_next = *reclaim;
			*reclaim = ct;
		} else {
			ct->done = true;
		}
	}
	if (n > 0)
		pthread_cond_broadcast(&g->reaped);
}

/*
 * Reap whatever has completed in g, without waiting. Called with g->lock
 * held; the syscall does not sleep with a zero timeout. Leaves it to a
 * blocked reaper if there is one: that thread dispatches every completion
 * as soon as it arrives.
 */
static void reap_nowait_locked(struct aio_group *g, struct dio_ctx **reclaim)
{
	struct io_event ev[DIO_GROUP_SIZE];
	struct timespec zero = { 0, 0 };
	int n;

	if (g->reaping)
		return;
	for (;;) {
		n = io_getevents(g->ioctx, 0, DIO_GROUP_SIZE, ev, &zero);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			mpath_log(MPATH_LOG_DEBUG, "directio: io_getevents: %s",
				  strerror(-n));
			return;
		}
		dispatch_locked(g, ev, n, reclaim);
		if (n < DIO_GROUP_SIZE)
			return;
	}
}

/*
 * Sync mode: wait until ct's read completes or its deadline passes. One
 * thread per group blocks in io_getevents() (see struct aio_group); the
 * others wait on reaped. Called by ct's checker thread, without locks;
 * sleeps up to the deadline.
 */
static void dio_wait(struct dio_ctx *ct)
{
	struct aio_group *g = ct->grp;
	struct io_event ev[DIO_GROUP_SIZE];
	struct dio_ctx *reclaim = NULL;
	struct timespec ts;
	uint64_t now;
	int n;

	pthread_mutex_lock(&g->lock);
	while (ct->inflight && (now = mpath_now_ns()) < ct->deadline) {
		if (g->reaping) {
			ts.tv_sec = ct->deadline / MPATH_NSEC_PER_SEC;
			ts.tv_nsec = ct->deadline % MPATH_NSEC_PER_SEC;
			pthread_cond_timedwait(&g->reaped, &g->lock, &ts);
			continue;
		}
		g->reaping = true;
		pthread_mutex_unlock(&g->lock);
		ts.tv_sec = (ct->deadline - now) / MPATH_NSEC_PER_SEC;
		ts.tv_nsec = (ct->deadline - now) % MPATH_NSEC_PER_SEC;
		n = io_getevents(g->ioctx, 1, DIO_GROUP_SIZE, ev, &ts);
		pthread_mutex_lock(&g->lock);
		g->reaping = false;
		/* Waiters must take over the reaping even if n <= 0. */
		pthread_cond_broadcast(&g->reaped);
		if (n > 0) {
			dispatch_locked(g, ev, n, &reclaim);
		} else if (n < 0 && n != -EINTR) {
			mpath_log(MPATH_LOG_DEBUG, "directio: io_getevents: %s",
				  strerror(-n));
			break;
		}
	}
	pthread_mutex_unlock(&g->lock);
	reclaim_orphans(reclaim);
}

static int dio_set(struct checker *c, struct dio_ctx *ct, int state,
		   short msgid)
{
	ct->state = state;
	ct->msgid = msgid;
	c->msgid = msgid;
	return state;
}

/* The state a failed read (or submission) with error err stands for. */
static int dio_error(struct checker *c, struct dio_ctx *ct, int err)
{
	size_t i;

	for (i = 0; i < sizeof(dio_errors) / sizeof(dio_errors[0]); i++)
		if (dio_errors[i].err == err)
			return dio_set(c, ct, PATH_DOWN, dio_errors[i].msgid);
	mpath_log(MPATH_LOG_INFO, "directio: fd %d: read failed: %s", c->fd,
		  strerror(err));
	return dio_set(c, ct, PATH_DOWN, MSG_EOTHER);
}

/*
 * Is ct's read still in flight? Reaps first. A completion nobody evaluated
 * is dropped: it is an earlier round's. Checker thread; never blocks.
 */
static bool dio_busy(struct dio_ctx *ct)
{
	struct aio_group *g = ct->grp;
	struct dio_ctx *reclaim = NULL;
	bool busy;

	pthread_mutex_lock(&g->lock);
	if (ct->inflight)
		reap_nowait_locked(g, &reclaim);
	busy = ct->inflight;
	ct->done = false;
	pthread_mutex_unlock(&g->lock);
	reclaim_orphans(reclaim);
	return busy;
}

/*
 * The result of ct's read as far as it is known; reaps first if reap.
 * Checker thread, without locks; never blocks.
 */
static int dio_result(struct checker *c, struct dio_ctx *ct, bool reap)
{
	struct aio_group *g = ct->grp;
	struct dio_ctx *reclaim = NULL;
	struct io_event ev;
	bool done, inflight, timed_out;
	long res;
	int rc = 0;

	pthread_mutex_lock(&g->lock);
	if (reap && ct->inflight)
		reap_nowait_locked(g, &reclaim);
	done = ct->done;
	ct->done = false;
	res = ct->res;
	inflight = ct->inflight;
	timed_out = inflight && mpath_now_ns() >= ct->deadline;
	if (timed_out && !ct->cancel_tried) {
		/*
		 * Block devices do not cancel reads (-EINVAL), and kernels
		 * since 4.20 deliver a cancelled read's completion through the
		 * ring anyway (-EINPROGRESS). Only a 0 (older kernels) means
		 * the read is over and no completion will follow.
		 */
		ct->cancel_tried = true;
		rc = io_cancel(g->ioctx, &ct->iocb, &ev);
		if (rc == 0)
			ct->inflight = false;
		mpath_log(MPATH_LOG_DEBUG, "directio: fd %d: read timed out; io_cancel: %s",
			  c->fd, rc ? strerror(-rc) : "cancelled");
	}
	pthread_mutex_unlock(&g->lock);
	reclaim_orphans(reclaim);

	if (done) {
		if (res < 0)
			return dio_error(c, ct, (int)-res);
		if (res < (long)ct->blksize)
			return dio_set(c, ct, PATH_DOWN, MSG_SHORT_READ);
		return dio_set(c, ct, PATH_UP, MSG_UP);
	}
	if (timed_out)
		return dio_set(c, ct, PATH_TIMEOUT, MSG_TIMEOUT);
	if (inflight)
		return dio_set(c, ct, PATH_PENDING, MSG_PENDING);
	/* Nothing started since the last result: repeat it. */
	c->msgid = ct->msgid;
	return ct->state;
}

/* Opens fail for want of descriptors: logged once until one works. */
static bool dio_starved;

/*
 * Reopen c->fd with O_DIRECT (again if c->fd changed) and size the read:
 * one logical block, from BLKBSZGET. Checker thread, nothing in flight.
 * Returns PATH_UP when ready, else the state to report.
 */
static int dio_open(struct checker *c, struct dio_ctx *ct)
{
	char path[32];
	int fd, bsz = 0;

	if (ct->fd >= 0 && ct->src_fd == c->fd)
		return PATH_UP;
	if (ct->fd >= 0) {
		close(ct->fd);
		ct->fd = -1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd);
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		mpath_log(MPATH_LOG_INFO, "directio: open %s with O_DIRECT: %s",
			  path, strerror(err));
		if (err == EINVAL)	/* e.g. tmpfs: cannot tell, not down */
			return dio_set(c, ct, PATH_WILD, MSG_NO_DIRECT);
		if (err == ENXIO || err == ENODEV)
			return dio_set(c, ct, PATH_DOWN, MSG_OPEN_GONE);
		/*
		 * The daemon's own shortage says nothing about the path:
		 * never down for it (which would fail a healthy path in its
		 * map), and said once, not per path per check.
		 */
		if (err == EMFILE || err == ENFILE || err == ENOMEM) {
			if (!__atomic_exchange_n(&dio_starved, true,
						 __ATOMIC_RELAXED))
				mpath_log(MPATH_LOG_WARNING, "directio: cannot open devices: %s; paths are not judged until descriptors are free",
					  strerror(err));
			return dio_set(c, ct, PATH_WILD, MSG_NO_FDS);
		}
		return dio_set(c, ct, PATH_DOWN, MSG_OPEN_FAILED);
	}
	if (__atomic_exchange_n(&dio_starved, false, __ATOMIC_RELAXED))
		mpath_log(MPATH_LOG_NOTICE, "directio: devices can be opened again");
	/* Not a power of two, or no answer (not a block device): 4096. */
	if (ioctl(fd, BLKBSZGET, &bsz) < 0 || bsz < DIO_MIN_BLOCK ||
	    (bsz & (bsz - 1)))
		bsz = DIO_MAX_BLOCK;
	ct->blksize = bsz > DIO_MAX_BLOCK ? DIO_MAX_BLOCK : bsz;
	ct->fd = fd;
	ct->src_fd = c->fd;
	return PATH_UP;
}

int libcheck_init(struct checker *c)
{
	struct dio_ctx *ct = calloc(1, sizeof(*ct));

	if (!ct)
		return 1;
	if (posix_memalign((void **)&ct->buf, DIO_MAX_BLOCK, DIO_MAX_BLOCK)) {
		free(ct);
		return 1;
	}
	ct->fd = -1;
	ct->src_fd = -1;
	ct->state = PATH_UNCHECKED;
	/* Without a group (io_setup failed) the first check tries again. */
	ct->grp = group_get();
	c->context = ct;
	return 0;
}

/* Checker thread; may sleep (io_destroy of an idle group). */
void libcheck_free(struct checker *c)
{
	struct dio_ctx *ct = c->context, *reclaim = NULL;
	struct aio_group *g;
	bool orphaned = false;

	if (!ct)
		return;
	c->context = NULL;
	g = ct->grp;
	if (!g) {
		ctx_release(ct);
		return;
	}
	pthread_mutex_lock(&g->lock);
	if (ct->inflight)
		reap_nowait_locked(g, &reclaim);
	if (ct->inflight) {
		/* The kernel still writes to buf: the reaper frees it all. */
		ct->orphan = true;
		g->nr_orphans++;
		orphaned = true;
	}
	pthread_mutex_unlock(&g->lock);
	reclaim_orphans(reclaim);
	if (orphaned) {
		mpath_log(MPATH_LOG_DEBUG, "directio: freed with a read in flight; orphaned");
		return;
	}
	ctx_release(ct);
	group_put(g);
}

int libcheck_check(struct checker *c)
{
	struct dio_ctx *ct = c->context;
	struct iocb *ios[1] = { NULL };
	int state, rc;

	if (!ct)
		return PATH_WILD;
	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		return PATH_WILD;
	}
	if (!ct->grp && !(ct->grp = group_get()))
		return dio_set(c, ct, PATH_WILD, MSG_NO_AIO);

	if (dio_busy(ct)) {
		/* The read still out serves this round too: never stack one. */
		ct->this_round = false;
		if (checker_is_sync(c))
			dio_wait(ct);
		state = dio_result(c, ct, false);
		if (state == PATH_TIMEOUT)
			return dio_set(c, ct, state, MSG_STILL_HUNG);
		return state;
	}
	state = dio_open(c, ct);
	if (state != PATH_UP)
		return state;

	io_prep_pread(&ct->iocb, ct->fd, ct->buf, ct->blksize, 0);
	ct->iocb.data = ct;
	ct->deadline = mpath_now_ns() +
		       mpath_check_timeout_s(c) * MPATH_NSEC_PER_SEC;
	ct->this_round = true;
	ct->cancel_tried = false;
	/* Before submitting: another thread may reap it at once. */
	pthread_mutex_lock(&ct->grp->lock);
	ct->inflight = true;
	pthread_mutex_unlock(&ct->grp->lock);
	ios[0] = &ct->iocb;
	rc = io_submit(ct->grp->ioctx, 1, ios);
	if (rc != 1) {
		pthread_mutex_lock(&ct->grp->lock);
		ct->inflight = false;
		pthread_mutex_unlock(&ct->grp->lock);
		rc = rc < 0 ? -rc : EAGAIN;
		mpath_log(MPATH_LOG_DEBUG, "directio: fd %d: io_submit: %s",
			  c->fd, strerror(rc));
		/* Our resources, not the path's: cannot tell. */
		if (rc == EAGAIN || rc == ENOMEM)
			return dio_set(c, ct, PATH_WILD, MSG_SUBMIT_AGAIN);
		return dio_error(c, ct, rc);
	}
	if (!checker_is_sync(c))
		return dio_set(c, ct, PATH_PENDING, MSG_PENDING);
	dio_wait(ct);
	return dio_result(c, ct, false);
}

/* Non-blocking: the result of the read libcheck_check() started. */
int libcheck_pending(struct checker *c)
{
	struct dio_ctx *ct = c->context;

	if (!ct || !ct->grp)
		return PATH_WILD;
	return dio_result(c, ct, true);
}

bool libcheck_need_wait(struct checker *c)
{
	struct dio_ctx *ct = c->context;
	bool inflight;

	if (!ct || !ct->grp || !ct->this_round)
		return false;
	pthread_mutex_lock(&ct->grp->lock);
	inflight = ct->inflight;
	pthread_mutex_unlock(&ct->grp->lock);
	return inflight && mpath_now_ns() < ct->deadline;
}

/*
 * Reclaim the orphans whose reads have completed and free the groups
 * nobody holds. Groups still used by checkers stay. An orphan whose read
 * still hangs keeps its group: its buffer must outlive the read. If the
 * plugin is being unloaded, that memory and io context are left behind on
 * purpose (io_destroy() would wait for the hung read, for minutes), which
 * costs one block and one fd per hung read. May sleep.
 */
void libcheck_reset(void)
{
	struct aio_group **pp, *g, *dead = NULL;
	struct dio_ctx *reclaim, *ct;

	pthread_mutex_lock(&dio_groups_lock);
	for (pp = &dio_groups; (g = *pp);) {
		unsigned int orphans;

		reclaim = NULL;
		pthread_mutex_lock(&g->lock);
		reap_nowait_locked(g, &reclaim);
		orphans = g->nr_orphans;
		pthread_mutex_unlock(&g->lock);
		while ((ct = reclaim)) {
			reclaim = ct->reclaim_next;
			ctx_release(ct);
			g->holders--;
		}
		if (g->holders == 0) {
			*pp = g->next;
			g->next = dead;
			dead = g;
			continue;
		}
		if (orphans)
			mpath_log(MPATH_LOG_NOTICE,
				  "directio: %u reads of freed checkers still hang; their buffers stay until they complete",
				  orphans);
		pp = &g->next;
	}
	pthread_mutex_unlock(&dio_groups_lock);
	while ((g = dead)) {
		dead = g->next;
		group_free(g);
	}
}
