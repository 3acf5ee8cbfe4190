/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop-util.h - attaching and detaching the loop devices tests run on
 * (test-discovery, test-faults). Header-only, like test-util.h.
 */
#ifndef MPATH_LOOP_UTIL_H
#define MPATH_LOOP_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct test_loop {
	int fd;			/* keeps it bound (autoclear), or -1 */
	int nr;
	char name[16];		/* loopN */
	char path[32];		/* /dev/loopN */
};

/*
 * A read-only loop device over file, kept bound by ld->fd (autoclear: it
 * goes when the last descriptor on it is closed); flags are added to
 * LO_FLAGS_AUTOCLEAR | LO_FLAGS_READ_ONLY, label names it in sysfs.
 * Returns 0 or -errno (and says why on stderr).
 */
static inline int test_loop_attach(struct test_loop *ld, const char *file,
				   const char *label, unsigned int flags)
{
	struct loop_config cfg = {
		.info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_READ_ONLY | flags,
	};
	int ctl_fd, file_fd, fd = -1, nr = -1, tries, err = 0;

	file_fd = open(file, O_RDONLY | O_CLOEXEC);
	ctl_fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (file_fd < 0 || ctl_fd < 0) {
		err = -errno;
		goto out;
	}
	cfg.fd = file_fd;
	snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", label);
	/* Another process may take the free device first: EBUSY, again. */
	for (tries = 0; tries < 10; tries++) {
		nr = ioctl(ctl_fd, LOOP_CTL_GET_FREE);
		if (nr < 0) {
			err = -errno;
			break;
		}
		snprintf(ld->path, sizeof(ld->path), "/dev/loop%d", nr);
		fd = open(ld->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			break;
		}
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0) {
			err = 0;
			break;
		}
		err = -errno;
		close(fd);
		fd = -1;
		if (err != -EBUSY)
			break;
	}
out:
	if (err) {
		fprintf(stderr, "cannot attach a loop device over %s: %s\n",
			file, strerror(-err));
	} else {
		ld->fd = fd;
		ld->nr = nr;
		snprintf(ld->name, sizeof(ld->name), "loop%d", nr);
	}
	if (ctl_fd >= 0)
		close(ctl_fd);
	if (file_fd >= 0)
		close(file_fd);	/* the loop device holds the file */
	return err;
}

/* Unbind it: marks it for clearing at the last close, which this may be. */
static inline void test_loop_detach(struct test_loop *ld)
{
	if (ld->fd < 0)
		return;
	if (ioctl(ld->fd, LOOP_CLR_FD) < 0 && errno != ENXIO)
		fprintf(stderr, "LOOP_CLR_FD %s: %s\n", ld->path,
			strerror(errno));
	close(ld->fd);
	ld->fd = -1;
}

#endif /* MPATH_LOOP_UTIL_H */
