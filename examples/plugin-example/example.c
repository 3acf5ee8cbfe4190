// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * example.c - a template for an out-of-tree path checker plugin.
 *
 * Copy this directory, rename the checker (the file name libcheck<name>.so
 * is what the daemon's "path_checker <name>" setting looks up) and replace
 * the body of libcheck_check() with a real test of the path.
 *
 * This checker does something harmless but real: it asks the kernel
 * whether the path's file descriptor still refers to a file of a kind a
 * path can be (fstat()). Nothing is read or written, so it is safe on any
 * device, but it also proves little about the storage behind the path.
 *
 * A plugin includes only <checkers.h>, the plugin contract. Everything in
 * it is provided either by the plugin (the libcheck_* symbols) or by
 * libmultipath (start_checker_thread(), mpath_log()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <checkers.h>

/*
 * The plugin's own messages. Entry 0 is message id CHECKER_FIRST_MSGID
 * (100), entry 1 is 101, and so on; the table ends with NULL and has at
 * most CHECKER_MSGTABLE_SIZE entries. Naming the ids keeps the table and
 * the code that sets c->msgid from drifting apart.
 */
enum {
	MSG_EXAMPLE_USABLE = CHECKER_FIRST_MSGID,
	MSG_EXAMPLE_FSTAT_FAILED,
};

const char *libcheck_msgtable[] = {
	[MSG_EXAMPLE_USABLE - CHECKER_FIRST_MSGID] = "fd is usable",
	[MSG_EXAMPLE_FSTAT_FAILED - CHECKER_FIRST_MSGID] = "fstat() on the path's fd failed",
	NULL,
};

/*
 * Per-path state, hung on c->context. One struct checker is used by one
 * thread at a time, so nothing in here needs a lock. Should this plugin
 * ever start its own thread, embed a struct checker_context here, set its
 * cls from c->cls in libcheck_init(), and give it to
 * start_checker_thread(); see README.md.
 */
struct example_context {
	unsigned long checks;	/* checks run on this path so far */
};

/*
 * Required. Called once per path when the daemon selects this checker.
 * Allocate what the checks need; return non-zero if that fails, and the
 * path is not checked with this checker.
 */
int libcheck_init(struct checker *c)
{
	struct example_context *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return 1;
	c->context = ctx;
	return 0;
}

/*
 * Required. Called when the path stops using this checker (path removed,
 * another checker selected, shutdown). Free what libcheck_init() allocated.
 * The fd is not ours to close: it belongs to the daemon's path.
 */
void libcheck_free(struct checker *c)
{
	free(c->context);
	c->context = NULL;
}

/* For the debug log: what kind of file the fd refers to. */
static const char *file_kind(mode_t mode)
{
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISREG(mode))
		return "regular file";
	return "unsupported file type";
}

/*
 * Required. One check of the path behind c->fd; returns a path state and
 * sets c->msgid to explain it.
 *
 * This may block (a real checker does I/O to storage that may be dead):
 * the framework is what runs it asynchronously, with c->timeout, so the
 * plugin can stay a plain blocking function. The framework has already
 * handled a disabled checker and a missing fd (c->fd < 0) before calling.
 */
int libcheck_check(struct checker *c)
{
	struct example_context *ctx = c->context;
	struct stat st;
	int err = 0;

	ctx->checks++;
	if (fstat(c->fd, &st) < 0)
		err = errno;
	/*
	 * Routine results go to debug level only: the daemon reports state
	 * changes itself, and thousands of paths would otherwise flood the
	 * log. Below the daemon's level the message is not even formatted.
	 */
	mpath_log(MPATH_LOG_DEBUG, "example: check %lu of fd %d: %s",
		  ctx->checks, c->fd,
		  err ? strerror(err) : file_kind(st.st_mode));
	if (err) {
		c->msgid = MSG_EXAMPLE_FSTAT_FAILED;
		return PATH_DOWN;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode) &&
	    !S_ISREG(st.st_mode)) {
		/*
		 * A directory, FIFO or socket is not something a path can be:
		 * say so with a generic message rather than guess at a state.
		 */
		c->msgid = CHECKER_MSGID_UNSUPPORTED;
		return PATH_WILD;
	}
	c->msgid = MSG_EXAMPLE_USABLE;
	return PATH_UP;
}
