// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faultfs - a small FUSE file system whose I/O can be made to fail or hang
 * at run time: loop devices over its images are real block devices with
 * real faults.
 *
 *   faultfs [-s SIZE_MIB] [-n IMAGES] [-t HANG_LIMIT_S] MOUNTPOINT
 *
 * It serves img0 .. img<IMAGES-1> (default 2, of 1 MiB), which read as
 * zeros and discard what is written to them, and "control". A line written
 * to control switches the reads and writes of image IMG ("img1" or "1"),
 * or of all images without IMG:
 *   ok [IMG]       I/O succeeds (the initial mode)
 *   eio [IMG]      I/O fails with EIO
 *   hang [IMG]     I/O blocks in its handler while the image stays in hang
 *   release [IMG]  the same as ok: hung I/O goes on and succeeds
 * Whatever takes an image out of hang wakes its hung requests, which then
 * complete in the new mode ("hang" then "eio": a command that times out,
 * then fails). Reading control gives each image's mode, reads so far and
 * requests hung now. Files are opened direct_io: the page cache never
 * answers for an image, every read of a loop device reaches this process.
 *
 * It runs in the foreground, multithreaded: while requests hang, other
 * threads serve the other images and control. SIGTERM (SIGINT, SIGHUP)
 * fails the hung requests with EIO, unmounts and exits. With -t, hung
 * requests fail with EIO after HANG_LIMIT_S seconds: a safety net, as a
 * process whose I/O hangs here cannot finish exiting, even when killed.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fuse.h>
#include <fuse_lowlevel.h>	/* fuse_session_exited() */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_IMAGES	64
#define HANG_SLICE_S	0.1	/* see io_wait() */
#define CONTROL		"/control"

enum io_mode { MODE_OK, MODE_EIO, MODE_HANG };

static const char *const mode_names[] = {
	[MODE_OK] = "ok", [MODE_EIO] = "eio", [MODE_HANG] = "hang",
};

struct image {
	enum io_mode mode;
	unsigned long reads;	/* read requests received, ever */
	unsigned int hung;	/* requests waiting in io_wait() now */
};

/*
 * The file system, a singleton: FUSE callbacks reach their state through
 * a global either way. lock protects images[]; hung requests sleep on
 * unhang with it. size, nr_images and hang_limit are set before the mount
 * and never change.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t unhang;		/* images left hang: broadcast */
	struct image images[MAX_IMAGES];
	off_t size;
	unsigned int nr_images;
	unsigned int hang_limit;	/* seconds; 0: hang until released */
} fs = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.nr_images = 2,
};

/* The image numbered s ("0", "12"; no leading zeros), or -1. */
static int image_index(const char *s)
{
	char *end;
	unsigned long i;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	i = strtoul(s, &end, 10);
	return *end || i >= fs.nr_images ? -1 : (int)i;
}

/* The image a path ("/img3") names, or -1. */
static int image_of(const char *path)
{
	return strncmp(path, "/img", 4) ? -1 : image_index(path + 4);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait while image i hangs; returns the mode the request completes with.
 * Called by a FUSE worker thread without the lock; sleeps as long as the
 * image hangs. The wait is sliced so that a hung request notices the
 * session exiting: libfuse's signal handler only sets a flag, and the loop
 * then joins its workers, so this one must return by itself.
 */
static enum io_mode io_wait(int i, bool is_read)
{
	struct fuse_session *se = fuse_get_session(fuse_get_context()->fuse);
	struct image *img = &fs.images[i];
	double give_up = now() + fs.hang_limit;
	enum io_mode mode;

	pthread_mutex_lock(&fs.lock);
	img->reads += is_read;
	img->hung++;
	while (img->mode == MODE_HANG && !fuse_session_exited(se) &&
	       (!fs.hang_limit || now() < give_up)) {
		double t = now() + HANG_SLICE_S;
		struct timespec ts;

		ts.tv_sec = (time_t)t;
		ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&fs.unhang, &fs.lock, &ts);
	}
	img->hung--;
	mode = img->mode;
	pthread_mutex_unlock(&fs.lock);
	/* Still "hang": freed by the exit or the limit, not by a command. */
	return mode == MODE_HANG ? MODE_EIO : mode;
}

/*
 * A write to "control": command lines, applied in order up to the first
 * bad one. Returns size, or -EINVAL for a bad line.
 */
static int control_write(const char *buf, size_t size)
{
	char text[256], cmd[16], arg[16], extra, *line, *save;
	enum io_mode mode;
	int n, i, first, last;

	if (size >= sizeof(text))
		return -EINVAL;
	memcpy(text, buf, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n = sscanf(line, "%15s %15s %c", cmd, arg, &extra);
		if (n < 1)
			continue;	/* a blank line */
		if (n > 2)
			return -EINVAL;
		mode = MODE_OK;
		while (mode <= MODE_HANG && strcmp(cmd, mode_names[mode]))
			mode++;
		if (!strcmp(cmd, "release"))
			mode = MODE_OK;
		else if (mode > MODE_HANG)
			return -EINVAL;
		first = 0;
		last = fs.nr_images - 1;
		if (n == 2) {
			first = last = image_index(strncmp(arg, "img", 3) ?
						   arg : arg + 3);
			if (first < 0)
				return -EINVAL;
		}
		pthread_mutex_lock(&fs.lock);
		for (i = first; i <= last; i++)
			fs.images[i].mode = mode;
		if (mode != MODE_HANG)
			pthread_cond_broadcast(&fs.unhang);
		pthread_mutex_unlock(&fs.lock);
	}
	return size;
}

/* A read of "control": one line per image, from offset off. */
static int control_read(char *buf, size_t size, off_t off)
{
	char text[MAX_IMAGES * 64];
	size_t len = 0;
	unsigned int i;

	pthread_mutex_lock(&fs.lock);
	for (i = 0; i < fs.nr_images; i++) {
		const struct image *img = &fs.images[i];

		len += snprintf(text + len, sizeof(text) - len,
				"img%u %s reads=%lu hung=%u\n", i,
				mode_names[img->mode], img->reads, img->hung);
	}
	pthread_mutex_unlock(&fs.lock);
	if (off >= (off_t)len)
		return 0;
	if (size > len - off)
		size = len - off;
	memcpy(buf, text + off, size);
	return size;
}

static int ffs_getattr(const char *path, struct stat *st,
		       struct fuse_file_info *fi)
{
	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_nlink = 1;
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (!strcmp(path, CONTROL)) {
		st->st_mode = S_IFREG | 0600;
	} else if (image_of(path) >= 0) {
		st->st_mode = S_IFREG | 0644;
		st->st_size = fs.size;
		st->st_blocks = fs.size / 512;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int ffs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		       off_t off, struct fuse_file_info *fi,
		       enum fuse_readdir_flags flags)
{
	char name[16];
	unsigned int i;

	if (strcmp(path, "/"))
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, CONTROL + 1, NULL, 0, 0);
	for (i = 0; i < fs.nr_images; i++) {
		snprintf(name, sizeof(name), "img%u", i);
		fill(buf, name, NULL, 0, 0);
	}
	return 0;
}

static int ffs_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, CONTROL) && image_of(path) < 0)
		return -ENOENT;
	/* Every read comes here: no page cache can hide a fault. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

/* For O_TRUNC, as in "echo hang >control"; images keep their size. */
static int ffs_truncate(const char *path, off_t size,
			struct fuse_file_info *fi)
{
	if (!strcmp(path, CONTROL))
		return 0;
	return image_of(path) >= 0 ? -EPERM : -ENOENT;
}

/* I/O of size bytes at off to image i: the bytes done, or -errno. */
static int image_io(int i, bool is_read, size_t size, off_t off)
{
	if (io_wait(i, is_read) == MODE_EIO)
		return -EIO;
	if (off >= fs.size)
		return is_read ? 0 : -ENOSPC;
	return (off_t)size < fs.size - off ? (off_t)size : fs.size - off;
}

static int ffs_read(const char *path, char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	int i = image_of(path), n;

	if (i < 0)
		return control_read(buf, size, off);
	n = image_io(i, true, size, off);
	if (n > 0)
		memset(buf, 0, n);
	return n;
}

static int ffs_write(const char *path, const char *buf, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	int i = image_of(path);

	/* What is written to an image is discarded. */
	return i < 0 ? control_write(buf, size) : image_io(i, false, size, off);
}

static const struct fuse_operations ffs_ops = {
	.getattr = ffs_getattr,
	.readdir = ffs_readdir,
	.open = ffs_open,
	.truncate = ffs_truncate,
	.read = ffs_read,
	.write = ffs_write,
};

static int parse_uint(const char *arg, unsigned int min, unsigned int max,
		      unsigned int *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	/*
	 * Foreground (-f), so that our pid is the file system's. Enough
	 * threads that requests hung on every image leave some to serve
	 * "control"; max_idle_threads given, or libfuse 3.14 warns.
	 */
	char *fargv[] = {
		argv[0], "-f", "-o",
		"fsname=faultfs,subtype=faultfs,max_threads=256,max_idle_threads=16",
		NULL /* the mount point */, NULL,
	};
	unsigned int mib = 1;
	pthread_condattr_t attr;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "n:s:t:")) != -1 && !err) {
		if (opt == 'n')
			err = parse_uint(optarg, 1, MAX_IMAGES, &fs.nr_images);
		else if (opt == 's')
			err = parse_uint(optarg, 1, 1 << 20, &mib);
		else if (opt == 't')
			err = parse_uint(optarg, 0, INT_MAX, &fs.hang_limit);
		else
			err = -EINVAL;
	}
	if (err || argc - optind != 1) {
		fprintf(stderr,
			"usage: faultfs [-s SIZE_MIB] [-n IMAGES] [-t HANG_LIMIT_S] MOUNTPOINT\n"
			"  serves img0..img<IMAGES-1> (1 MiB, 2 images by default, at most %d)\n"
			"  and \"control\": write \"ok|eio|hang|release [IMG]\" to it.\n"
			"  -t: hung I/O fails (EIO) after this many seconds (default: never)\n",
			MAX_IMAGES);
		return 2;
	}
	fs.size = (off_t)mib << 20;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&fs.unhang, &attr);
	pthread_condattr_destroy(&attr);
	fargv[4] = argv[optind];
	return fuse_main(5, fargv, &ffs_ops, NULL);
}
