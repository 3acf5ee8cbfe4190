/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * checkers.h - the path-checker plugin contract of libmultipath.
 *
 * This is the one header a checker plugin (libcheck<name>.so) includes. It
 * compiles on its own and is source-compatible with plugins written for the
 * upstream multipath-tools checker interface. Everything here is a fixed
 * contract: other people's plugins are compiled against these names, values
 * and layouts.
 *
 * The daemon side (loading, selecting and running checkers) is declared in
 * libmultipath.h, which includes this header.
 */
#ifndef MPATH_CHECKERS_H
#define MPATH_CHECKERS_H

#include <pthread.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Path states. The numeric values are part of the contract.
 *
 * PATH_WILD:         the checker cannot tell (device not supported, no fd).
 *                    Set by the framework or by a checker.
 * PATH_UNCHECKED:    no check has run, or the checker is disabled. Framework.
 * PATH_DOWN:         the path cannot do I/O. Checker.
 * PATH_UP:           the path works. Checker.
 * PATH_SHAKY:        the path works but should not be used (emc_clariion).
 * PATH_GHOST:        the path works but is passive (standby port of an
 *                    active/passive array); usable after a failover.
 * PATH_PENDING:      a check is in progress; ask again later. Checker or
 *                    framework (asynchronous checks).
 * PATH_TIMEOUT:      the check did not finish in time. Checker or framework.
 * PATH_REMOVED:      the device is gone. Daemon.
 * PATH_DELAYED:      a reinstate is being held back by the daemon's policy.
 * PATH_DISCONNECTED: the device is reachable but not accessible (LUN not
 *                    supported on this port). Checker.
 *
 * What the framework does with a state libcheck_check() or libcheck_pending()
 * returns, the same for synchronous checks and for checks it runs on its
 * executor (a worker thread, for a plugin with neither libcheck_pending nor
 * libcheck_thread):
 *
 *  - PATH_WILD, PATH_DOWN, PATH_UP, PATH_SHAKY, PATH_GHOST, PATH_TIMEOUT and
 *    PATH_DISCONNECTED are passed on unchanged, with the plugin's msgid.
 *  - PATH_PENDING is passed on from a plugin that can deliver the result
 *    later: one with libcheck_pending (the framework asks it), or with
 *    libcheck_thread (its next libcheck_check() reports what its thread
 *    found). From any other plugin nothing would ever collect a result and
 *    the path would stay pending for ever: it becomes PATH_WILD with
 *    CHECKER_MSGID_UNCOLLECTABLE, and the next check runs the plugin again.
 *    A plain blocking libcheck_check() returns the result itself.
 *  - PATH_UNCHECKED, PATH_REMOVED and PATH_DELAYED are the framework's and
 *    the daemon's to set: from a plugin they become PATH_WILD with
 *    CHECKER_MSGID_RESERVED_STATE. A plugin that cannot check returns
 *    PATH_WILD; one that finds the device gone returns PATH_DOWN.
 *  - Any other value becomes PATH_WILD with CHECKER_MSGID_INVALID.
 *
 * (The message ids of the last three cases are the library's, declared in
 * libmultipath.h.)
 */
enum path_check_state {
	PATH_WILD = 0,
	PATH_UNCHECKED,
	PATH_DOWN,
	PATH_UP,
	PATH_SHAKY,
	PATH_GHOST,
	PATH_PENDING,
	PATH_TIMEOUT,
	PATH_REMOVED,
	PATH_DELAYED,
	PATH_DISCONNECTED,
	PATH_MAX_STATE
};

/*
 * Message ids. Generic ids are below CHECKER_FIRST_MSGID; a checker's own
 * ids start there and index its libcheck_msgtable[] (id 100 is entry 0).
 */
enum {
	CHECKER_MSGID_NONE = 0,
	CHECKER_MSGID_DISABLED,
	CHECKER_MSGID_NO_FD,
	CHECKER_MSGID_INVALID,
	CHECKER_MSGID_UP,
	CHECKER_MSGID_DOWN,
	CHECKER_MSGID_GHOST,
	CHECKER_MSGID_UNSUPPORTED,
	CHECKER_MSGID_DISCONNECTED,
	CHECKER_GENERIC_MSGTABLE_SIZE,
	CHECKER_FIRST_MSGID = 100,
	CHECKER_MSGTABLE_SIZE = 100,	/* most entries a plugin table may have */
};

/*
 * The handle of one struct checker's private state in the framework (its
 * plugin, its mode, its running check). Upstream's name, kept for source
 * compatibility; in this library a loaded libcheck<name>.so is called a
 * "plugin", and "class" in the daemon side's names (libmultipath.h) means
 * plugin. Opaque to plugins: they only hand it back to
 * start_checker_thread(), through struct checker_context.
 *
 * Lifetime: c->cls, and a copy of it in a plugin's ctx->cls, is valid only
 * until libcheck_free() of that checker returns; the framework may free
 * what it points to right after. A thread of the plugin must not use it
 * after that.
 */
struct checker_class;

/*
 * One checker instance, owned by the daemon (one per path). It is used by
 * one thread at a time; plugins read and write it only from the calls the
 * framework makes into them.
 */
struct checker {
	struct checker_class *cls;
	int fd;			/* -1: none */
	unsigned int timeout;	/* seconds */
	int disable;
	int path_state;
	short msgid;
	void *context;		/* the plugin's per-path data */
	void **mpcontext;	/* data shared by all paths of one map */
};

/*
 * Embedded in a plugin's own thread context. The plugin sets cls from
 * c->cls in libcheck_init() and passes the context to start_checker_thread().
 * cls is valid only until libcheck_free() of that checker returns (see
 * struct checker_class above); start_checker_thread() reads it only while
 * it runs, and the thread it starts never does.
 */
struct checker_context {
	struct checker_class *cls;
};

/*
 * start_checker_thread - start the plugin's libcheck_thread(ctx) in a thread.
 *
 * Semantics of pthread_create(): returns 0, or a positive error number when
 * the thread could not be started (EINVAL if the plugin has no
 * libcheck_thread). The plugin may join, detach or cancel the thread.
 *
 * The thread's entry function lives in libmultipath. It keeps the plugin
 * loaded until libcheck_thread() returns or the thread is cancelled, and only
 * then drops its reference, which may unload the plugin: plugin code is never
 * unmapped under a running thread. The reference is taken here, before the
 * thread exists, so the path may be removed at any moment after this call.
 * ctx must stay valid until libcheck_thread() returns (the plugin co-owns it
 * with its thread); the library itself never reads ctx after this call.
 *
 * Context: called from libcheck_check(); may sleep.
 */
int start_checker_thread(pthread_t *thread, const pthread_attr_t *attr,
			 struct checker_context *ctx);

/*
 * checker_is_sync - true when c's checks should complete before
 * libcheck_check() returns (the daemon asked for a synchronous checker);
 * false when a plugin that drives its own asynchrony may return
 * PATH_PENDING and deliver the result through libcheck_pending().
 */
int checker_is_sync(const struct checker *c);

/*
 * Logging for plugins. Levels are the syslog(3) priorities, named here so
 * that plugins need not include <syslog.h>. The daemon decides where
 * messages go and which levels pass; library and plugin code should log
 * failures at MPATH_LOG_ERR/WARNING once, and everything routine at
 * MPATH_LOG_DEBUG.
 */
enum mpath_log_level {
	MPATH_LOG_ERR = 3,
	MPATH_LOG_WARNING = 4,
	MPATH_LOG_NOTICE = 5,
	MPATH_LOG_INFO = 6,
	MPATH_LOG_DEBUG = 7,
};

void mpath_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The symbols a plugin exports. Declared here so that the compiler checks a
 * plugin's definitions against the contract, and so that the library's
 * dlsym() results are typed from the same declarations.
 *
 * Required: libcheck_init, libcheck_free, libcheck_check.
 */
int libcheck_init(struct checker *c);		/* allocate c->context; !0: failure */
void libcheck_free(struct checker *c);		/* free c->context */
int libcheck_check(struct checker *c);		/* one check: returns a path state */
int libcheck_mp_init(struct checker *c);	/* allocate *c->mpcontext (malloc) */
void libcheck_reset(void);			/* reset plugin-global state */
void *libcheck_thread(struct checker_context *ctx);
int libcheck_pending(struct checker *c);	/* non-blocking: result of PENDING */
bool libcheck_need_wait(struct checker *c);	/* a check of this round still runs */
extern const char *libcheck_msgtable[];		/* NULL-terminated, <= 100 entries */

/*
 * libcheck_msgtable: at most CHECKER_MSGTABLE_SIZE texts, then NULL. The
 * framework never reads past the table: it reads at most as many entries
 * as the symbol's size says (a table defined in C has one), and never more
 * than CHECKER_MSGTABLE_SIZE of a table whose size it cannot tell. A table
 * with no NULL where its terminator belongs is not refused: its entries up
 * to that limit are used, and the plugin is named in the log with what is
 * wrong.
 *
 * Installing a plugin. The framework loads <plugin dir>/libcheck<name>.so
 * only if the name is 1 to 15 characters from A-Z a-z 0-9 _ -, the file
 * is a regular file (not a symbolic link, FIFO, device, ...) and an ELF
 * shared object for the daemon's machine, and (unless the daemon turned
 * the check off) the file and its directory are owned by root or by the
 * daemon's user and are not writable by group or others. It is loaded by
 * its path, and refused if the object loaded is not the file checked (the
 * file was replaced while loading, or an older file of that name is still
 * loaded, pinned by a running check: it loads at a reconfigure after that
 * one is gone). A plugin may ship helper libraries beside it and link with
 * -Wl,-rpath,'$ORIGIN': $ORIGIN is the plugin directory. Such helpers are
 * loaded by the dynamic loader, with only the directory's checks; give
 * them a name of their own (not libcheck*.so) and the plugin's ownership
 * and mode. Every refusal is logged once, with the file and the reason.
 */

#ifdef __cplusplus
}
#endif

#endif /* MPATH_CHECKERS_H */
