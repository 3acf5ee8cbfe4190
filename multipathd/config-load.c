// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config-load.c - config_load() (config.h): reading multipath.conf from
 * the file system, boundedly, and handing its text to the parser.
 *
 * Called by: main.c (the daemon's start, the client), daemon.c
 * (reconfigure).
 * Calls: config-parse.c (config_parse()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "libmultipath.h"

#define CONF_FILE_MAX		(1 << 20)	/* bytes; a real file is < 10 KiB */

/* Read a whole file of at most CONF_FILE_MAX bytes; 0 or -errno. */
static int read_file(int fd, char **ret, size_t *ret_len)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *bigger;
	ssize_t n;

	while (buf) {
		if (len == size) {
			bigger = realloc(buf, size * 2);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0) {
				*ret = buf;
				*ret_len = len;
				return 0;
			}
			n = -errno;
			free(buf);
			return n;
		}
		len += n;
		if (len > CONF_FILE_MAX) {
			free(buf);
			return -EFBIG;
		}
	}
	free(buf);
	return -ENOMEM;
}

int config_load(const char *file, struct mp_config **ret, bool *missing)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd, rc;

	if (!file)
		file = DEFAULT_CONFIG_FILE;
	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer,
	 * hanging start-up, the client, or a running daemon's reconfigure.
	 * Only a regular file is read, and it never blocks the reader.
	 */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		mpath_log(MPATH_LOG_INFO, "%s: no such file, using the built-in defaults",
			  file);
		rc = config_parse(NULL, 0, file, ret);
		if (rc == 0 && missing)
			*missing = true;
		return rc;
	}
	if (fd < 0) {
		rc = -errno;
		mpath_log(MPATH_LOG_ERR, "%s: cannot open: %s", file, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = fstat(fd, &st) < 0 ? -errno : -EINVAL;
		close(fd);
		mpath_log(MPATH_LOG_ERR, "%s: cannot use: %s", file,
			  rc == -EINVAL ? "not a regular file" : strerror(-rc));
		return rc;
	}
	rc = read_file(fd, &buf, &len);
	close(fd);
	if (rc) {
		mpath_log(MPATH_LOG_ERR, "%s: cannot read: %s", file,
			  rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		return rc;
	}
	rc = config_parse(buf, len, file, ret);
	free(buf);
	if (rc == 0 && missing)
		*missing = false;
	return rc;
}
