// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * loader.c - turning a checker name into a loaded, verified plugin.
 *
 * Loading a plugin runs its code with the daemon's privileges, so the name
 * is validated before it touches the file system, and the file that is
 * checked is the file that is loaded: the plugin is opened once (no symlinks
 * followed), its ownership and mode are checked on that descriptor, and
 * dlopen() is given /proc/self/fd/N, not the path, so nobody can swap the
 * file between the check and the load. The descriptor stays open while the
 * plugin is loaded; that keeps its /proc/self/fd name unique among loaded
 * objects (the dynamic loader matches already-loaded objects by name).
 *
 * Nothing here takes a lock or touches the registry's lists. The registry
 * calls in holding its mutex (a sleeping lock, never an RCU read-side
 * section), because dlopen() and dlclose() may sleep and run the plugin's
 * constructors and destructors.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

bool checker_name_valid(const char *name)
{
	size_t i;

	if (!name)
		return false;
	for (i = 0; name[i]; i++) {
		char ch = name[i];

		if (i >= CHECKER_NAME_MAX)
			return false;
		/* Spelled out: isalnum() depends on the locale. */
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return i > 0;
}

/*
 * Refuse what someone other than root or us could have written. Returns
 * NULL when acceptable, else the reason.
 */
static const char *unsafe_owner_or_mode(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "is owned by another user (must be root or the daemon's user)";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "is writable by group or others";
	return NULL;
}

/* Count the entries of a plugin's table, at most CHECKER_MSGTABLE_SIZE. */
static short msgtable_length(const char *path, const char **table)
{
	short n;

	for (n = 0; n < CHECKER_MSGTABLE_SIZE && table[n]; n++)
		;
	if (n == CHECKER_MSGTABLE_SIZE && table[n])
		mp_warn("checker plugin %s: libcheck_msgtable has more than %d entries; using the first %d",
			path, CHECKER_MSGTABLE_SIZE, CHECKER_MSGTABLE_SIZE);
	return n;
}

/*
 * Look up a plugin symbol, typed from its declaration in checkers.h, so a
 * field of the wrong type does not compile.
 */
#define PLUGIN_SYM(p, field, sym) \
	((p)->field = (typeof(&sym))dlsym((p)->handle, #sym))

/* Resolve the entry points; returns the missing required symbol or NULL. */
static const char *resolve_symbols(struct checker_plugin *p)
{
	const char **table;

	if (!PLUGIN_SYM(p, init, libcheck_init))
		return "libcheck_init";
	if (!PLUGIN_SYM(p, free, libcheck_free))
		return "libcheck_free";
	if (!PLUGIN_SYM(p, check, libcheck_check))
		return "libcheck_check";
	PLUGIN_SYM(p, mp_init, libcheck_mp_init);
	PLUGIN_SYM(p, reset, libcheck_reset);
	PLUGIN_SYM(p, thread, libcheck_thread);
	PLUGIN_SYM(p, pending, libcheck_pending);
	PLUGIN_SYM(p, need_wait, libcheck_need_wait);
	table = (const char **)dlsym(p->handle, "libcheck_msgtable");
	if (table) {
		p->msgtable = table;
		p->msgtable_len = msgtable_length(p->path, table);
	}
	/* Absent optional symbols leave an error behind; don't leak it. */
	dlerror();
	return NULL;
}

/* Open the directory and the plugin file and check both; returns an fd. */
static int open_verified(const char *dir, const char *file, const char *path,
			 bool check_perms)
{
	struct stat st;
	const char *why;
	unsigned char magic[4];
	int dfd, fd, err;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		mp_err("checker plugin directory %s: cannot open: %s", dir,
		       strerror(-err));
		return err;
	}
	if (check_perms) {
		if (fstat(dfd, &st) < 0) {
			err = -errno;
			close(dfd);
			mp_err("checker plugin directory %s: %s", dir,
			       strerror(-err));
			return err;
		}
		why = unsafe_owner_or_mode(&st);
		if (why) {
			close(dfd);
			mp_err("checker plugin %s refused: its directory %s %s",
			       path, dir, why);
			return -EPERM;
		}
	}
	fd = openat(dfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	err = -errno;
	close(dfd);
	if (fd < 0) {
		if (err == -ENOENT)
			mp_err("checker plugin %s: no such file", path);
		else if (err == -ELOOP)
			mp_err("checker plugin %s refused: it is a symbolic link",
			       path);
		else
			mp_err("checker plugin %s: cannot open: %s", path,
			       strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		mp_err("checker plugin %s: %s", path, strerror(-err));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		mp_err("checker plugin %s refused: not a regular file", path);
		goto fail;
	}
	if (check_perms && (why = unsafe_owner_or_mode(&st))) {
		err = -EPERM;
		mp_err("checker plugin %s refused: the file %s", path, why);
		goto fail;
	}
	if (pread(fd, magic, sizeof(magic), 0) != sizeof(magic) ||
	    memcmp(magic, "\177ELF", sizeof(magic)) != 0) {
		err = -ENOEXEC;
		mp_err("checker plugin %s: not an ELF shared object", path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/*
 * plugin_load - load dir/libcheck<name>.so into a new, unpublished plugin.
 *
 * The name must already be valid. Logs each failure with the file and the
 * reason; on failure nothing is left loaded or allocated. On success *ret
 * holds a plugin with refcount 0, owned by the caller. May sleep.
 */
int plugin_load(const char *dir, const char *name, bool check_perms,
		struct checker_plugin **ret)
{
	char file[sizeof("libcheck.so") + CHECKER_NAME_MAX];
	char fdpath[sizeof("/proc/self/fd/") + 12];
	struct checker_plugin *p;
	const char *missing;
	int err;

	snprintf(file, sizeof(file), "libcheck%s.so", name);
	p = calloc(1, sizeof(*p));
	if (!p || asprintf(&p->path, "%s/%s", dir, file) < 0) {
		free(p);
		mp_err("checker %s: out of memory", name);
		return -ENOMEM;
	}
	strcpy(p->name, name);
	p->fd = open_verified(dir, file, p->path, check_perms);
	if (p->fd < 0) {
		err = p->fd;
		goto fail;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", p->fd);
	p->handle = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		const char *why = dlerror();

		mp_err("checker plugin %s: cannot be loaded: %s", p->path,
		       why ? why : "unknown dynamic loader error");
		err = -ENOEXEC;
		goto fail;
	}
	missing = resolve_symbols(p);
	if (missing) {
		mp_err("checker plugin %s: does not export the required symbol %s",
		       p->path, missing);
		err = -ENOENT;
		goto fail;
	}
	mp_debug("checker %s: loaded %s", name, p->path);
	*ret = p;
	return 0;
fail:
	plugin_unload(p);
	free(p);	/* never published: no reader can see it */
	return err;
}

/*
 * plugin_unload - dlclose() a plugin and free what plugin_load() allocated,
 * except the struct itself (readers may still see it until a grace period
 * has passed). Runs exactly once per plugin: with the registry mutex held,
 * or on a plugin that was never published. May sleep.
 */
void plugin_unload(struct checker_plugin *p)
{
	if (p->handle && dlclose(p->handle) != 0) {
		const char *why = dlerror();

		mp_warn("checker plugin %s: dlclose failed: %s", p->path,
			why ? why : "unknown error");
	}
	p->handle = NULL;
	/* The object is gone: its /proc/self/fd names may be reused now. */
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	while (p->nr_old_fds > 0)
		close(p->old_fds[--p->nr_old_fds]);
	free(p->old_fds);
	p->old_fds = NULL;
	free(p->path);
	p->path = NULL;
}
