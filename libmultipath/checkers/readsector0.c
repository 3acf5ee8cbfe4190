// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * readsector0.c - libcheckreadsector0.so: read the first logical block.
 *
 * Where TEST UNIT READY only asks the logical unit whether it is ready,
 * this checker makes it fetch data, which is what the host needs a path
 * for. READ(10) of LBA 0 over SG_IO; where the device does not speak
 * SG_IO (NVMe, virtio, loop, ...), an O_DIRECT read of the same block,
 * so that the page cache cannot answer for a dead device.
 *
 * A plain blocking check: the framework's executor runs it on a worker for
 * asynchronous checkers and enforces the deadline, so no threads here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

/*
 * Retries after the first try, of unit attentions only: one is reported
 * once, so the next try is real.
 */
#define RS0_RETRIES		2
#define RS0_DEFAULT_BLOCK	512	/* when the device will not say */
/*
 * The largest logical block read. Real devices use 512 or 4096 (a few
 * arrays 520 or 528); anything beyond this is a bogus answer, and the
 * buffer, allocated per check, must stay small on a host with many paths.
 */
#define RS0_MAX_BLOCK		65536
#define RS0_ALIGN		4096	/* O_DIRECT buffer alignment */

enum {
	MSG_RS0_UP = CHECKER_FIRST_MSGID,
	MSG_RS0_UP_DIRECT,
	MSG_RS0_RESERVED,
	MSG_RS0_IOCTL_FAILED,
	MSG_RS0_TRANSPORT,
	MSG_RS0_UNIT_ATTENTION,
	MSG_RS0_NOT_READY,
	MSG_RS0_CHECK_CONDITION,
	MSG_RS0_BUSY,
	MSG_RS0_BAD_STATUS,
	MSG_RS0_NO_DIRECT_IO,
	MSG_RS0_OPEN_FAILED,
	MSG_RS0_READ_FAILED,
	MSG_RS0_SHORT_READ,
	MSG_RS0_NO_MEMORY,
	MSG_RS0_NO_FDS,
};

#define MSG(id)	[(id) - CHECKER_FIRST_MSGID]
const char *libcheck_msgtable[] = {
	MSG(MSG_RS0_UP) = "read of block 0 succeeded",
	MSG(MSG_RS0_UP_DIRECT) = "direct read of block 0 succeeded (no SG_IO on this device)",
	MSG(MSG_RS0_RESERVED) = "LUN reserved by another initiator; path is up",
	MSG(MSG_RS0_IOCTL_FAILED) = "SG_IO ioctl failed",
	MSG(MSG_RS0_TRANSPORT) = "transport error on this path",
	MSG(MSG_RS0_UNIT_ATTENTION) = "unit attention still reported after retries",
	MSG(MSG_RS0_NOT_READY) = "LUN not ready",
	MSG(MSG_RS0_CHECK_CONDITION) = "read of block 0 failed with CHECK CONDITION",
	MSG(MSG_RS0_BUSY) = "device busy (BUSY or TASK SET FULL)",
	MSG(MSG_RS0_BAD_STATUS) = "read of block 0 returned an unexpected SCSI status",
	MSG(MSG_RS0_NO_DIRECT_IO) = "device supports neither SG_IO nor direct I/O",
	MSG(MSG_RS0_OPEN_FAILED) = "cannot reopen the device for direct I/O",
	MSG(MSG_RS0_READ_FAILED) = "direct read of block 0 failed",
	MSG(MSG_RS0_SHORT_READ) = "direct read of block 0 returned too few bytes",
	MSG(MSG_RS0_NO_MEMORY) = "out of memory for the read buffer",
	MSG(MSG_RS0_NO_FDS) = "not checked: the daemon is out of file descriptors or memory (not the path's fault)",
	NULL,
};

/* No per-path state: each check sizes its buffer from the device. */
int libcheck_init(struct checker *c)
{
	c->context = NULL;
	return 0;
}

void libcheck_free(struct checker *c)
{
}

/* Asked at every check: a device may be reformatted under a path. */
static size_t rs0_block_size(int fd)
{
	int bs = 0;

	if (ioctl(fd, BLKSSZGET, &bs) < 0 || bs < 512 || bs > RS0_MAX_BLOCK)
		return RS0_DEFAULT_BLOCK;
	return bs;
}

/* Opens fail for want of descriptors: logged once until one works. */
static bool rs0_starved;

/*
 * O_DIRECT read of block 0 through a second open file: the path's fd was
 * opened without O_DIRECT, and setting it with fcntl() would change the
 * daemon's fd under its feet. /proc/self/fd reaches the same device even
 * when its node was renamed or removed.
 */
static int rs0_direct_read(struct checker *c, void *buf, size_t bs)
{
	char path[64];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd);
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		mpath_log(MPATH_LOG_DEBUG, "readsector0: open %s: errno %d",
			  path, err);
		/* EINVAL: the file system or driver refuses O_DIRECT. */
		if (err == EINVAL) {
			c->msgid = MSG_RS0_NO_DIRECT_IO;
			return PATH_WILD;
		}
		/*
		 * The daemon's own shortage says nothing about the path:
		 * not down (that would fail it in its map), said once.
		 */
		if (err == EMFILE || err == ENFILE || err == ENOMEM) {
			if (!__atomic_exchange_n(&rs0_starved, true,
						 __ATOMIC_RELAXED))
				mpath_log(MPATH_LOG_WARNING, "readsector0: cannot open devices: %s; paths are not judged until descriptors are free",
					  strerror(err));
			c->msgid = MSG_RS0_NO_FDS;
			return PATH_WILD;
		}
		c->msgid = MSG_RS0_OPEN_FAILED;
		return PATH_DOWN;
	}
	__atomic_store_n(&rs0_starved, false, __ATOMIC_RELAXED);
	n = pread(fd, buf, bs, 0);
	err = errno;
	close(fd);
	if (n < 0) {
		mpath_log(MPATH_LOG_DEBUG, "readsector0: read %s: errno %d",
			  path, err);
		c->msgid = MSG_RS0_READ_FAILED;
		return PATH_DOWN;
	}
	if ((size_t)n < bs) {
		c->msgid = MSG_RS0_SHORT_READ;
		return PATH_DOWN;
	}
	c->msgid = MSG_RS0_UP_DIRECT;
	return PATH_UP;
}

/* The answer of a READ(10) that SG_IO carried. */
static int rs0_sg_state(struct checker *c, const struct mpath_sg_result *res)
{
	switch (res->cls) {
	case MPATH_SG_GOOD:
		c->msgid = MSG_RS0_UP;
		return PATH_UP;
	case MPATH_SG_IOCTL_ERROR:
		c->msgid = MSG_RS0_IOCTL_FAILED;
		return PATH_DOWN;
	case MPATH_SG_TRANSPORT:
		c->msgid = MSG_RS0_TRANSPORT;
		return PATH_DOWN;
	case MPATH_SG_RESERVATION_CONFLICT:
		/* The LUN answered; every path would get the same refusal. */
		c->msgid = MSG_RS0_RESERVED;
		return PATH_UP;
	case MPATH_SG_CHECK_CONDITION:
		if (res->sense.valid &&
		    res->sense.key == MPATH_SENSE_UNIT_ATTENTION)
			c->msgid = MSG_RS0_UNIT_ATTENTION;
		else if (res->sense.valid &&
			 res->sense.key == MPATH_SENSE_NOT_READY)
			c->msgid = MSG_RS0_NOT_READY;
		else
			c->msgid = MSG_RS0_CHECK_CONDITION;
		return PATH_DOWN;
	case MPATH_SG_BUSY:
		c->msgid = MSG_RS0_BUSY;
		return PATH_DOWN;
	case MPATH_SG_OTHER_STATUS:
	default:
		c->msgid = MSG_RS0_BAD_STATUS;
		return PATH_DOWN;
	}
}

int libcheck_check(struct checker *c)
{
	/* READ(10): LBA 0 (bytes 2-5), transfer length 1 block (bytes 7-8). */
	static const uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct mpath_sg_result res;
	size_t bs = rs0_block_size(c->fd);
	void *buf;
	int rc, state;

	/* Aligned for O_DIRECT; SG_IO does not need it but takes it. */
	if (posix_memalign(&buf, RS0_ALIGN, bs) != 0) {
		c->msgid = MSG_RS0_NO_MEMORY;
		return PATH_DOWN;
	}

	rc = mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_FROM_DEV, buf, bs,
			  mpath_check_timeout_ms(c), RS0_RETRIES,
			  MPATH_SG_RETRY_UNIT_ATTENTION, &res);

	/*
	 * Block drivers without SG_IO answer ENOTTY (virtio, NVMe, dm), but
	 * some, loop among them, answer EINVAL. A SCSI device has no reason to
	 * refuse this well-formed one-block READ with EINVAL, and the direct
	 * read is a fair test of any block device, so both take the fallback.
	 */
	if (rc == -ENOTTY || rc == -EINVAL)
		state = rs0_direct_read(c, buf, bs);
	else
		state = rs0_sg_state(c, &res);
	free(buf);
	return state;
}
