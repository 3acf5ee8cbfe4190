/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-dl.h - a fake dynamic loader for tests of plugin loading.
 *
 * Tests that include this header replace dlopen/dlsym/dlclose/dlerror (and
 * count open/openat) with -Wl,--wrap, which the Makefile derives from the
 * __wrap_ names below; they are linked with the library's objects, so the
 * library's own calls land here. A "fake DSO" is a struct with a symbol
 * table; dlopen() finds it by the base name of the file it is given (the
 * library passes /proc/self/fd/N, which is resolved back to the file name),
 * so the plugin files on disk are real (the permission checks run for real)
 * while their "code" is functions of the test.
 */
#ifndef MPATH_FAKE_DL_H
#define MPATH_FAKE_DL_H

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkers.h"

struct fake_sym {
	const char *name;
	void *addr;
};

struct fake_dso {
	const char *file;		/* base name: "libcheckgood.so" */
	const struct fake_sym *syms;	/* terminated by a NULL name */
	const char *load_error;		/* non-NULL: dlopen() fails so */
	int opens;			/* successful dlopen() calls */
	int closes;			/* dlclose() calls */
};

#define FAKE_DSO_MAX 32

/* Guarded by fake_lock: the library may load and unload from any thread. */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_dso *fake_dsos[FAKE_DSO_MAX];
static int fake_ndsos;
static int fake_dlopen_calls;	/* every dlopen(), failed ones too */
static int fake_dlopen_flags;	/* flags of the last dlopen() */
static char fake_dlopen_file[PATH_MAX];	/* file name given to the last one */
static int fake_fs_calls;	/* open() and openat() calls */
static const char *fake_error;

int __real_open(const char *path, int flags, ...);
int __real_openat(int dfd, const char *path, int flags, ...);

/* Forget every fake DSO and reset the counters. */
static inline void fake_dl_reset(void)
{
	pthread_mutex_lock(&fake_lock);
	fake_ndsos = 0;
	fake_dlopen_calls = fake_fs_calls = fake_dlopen_flags = 0;
	fake_dlopen_file[0] = '\0';
	fake_error = NULL;
	pthread_mutex_unlock(&fake_lock);
}

static inline void fake_dl_add(struct fake_dso *dso)
{
	pthread_mutex_lock(&fake_lock);
	dso->opens = dso->closes = 0;
	if (fake_ndsos < FAKE_DSO_MAX)
		fake_dsos[fake_ndsos++] = dso;
	pthread_mutex_unlock(&fake_lock);
}

static inline int fake_dl_count(int *counter)
{
	int n;

	pthread_mutex_lock(&fake_lock);
	n = *counter;
	pthread_mutex_unlock(&fake_lock);
	return n;
}

void *__wrap_dlopen(const char *file, int flags);
void *__wrap_dlopen(const char *file, int flags)
{
	char real[PATH_MAX];
	const char *base;
	ssize_t len;
	void *ret = NULL;
	int i;

	pthread_mutex_lock(&fake_lock);
	fake_dlopen_calls++;
	fake_dlopen_flags = flags;
	snprintf(fake_dlopen_file, sizeof(fake_dlopen_file), "%s", file);
	len = readlink(file, real, sizeof(real) - 1);
	if (len > 0) {
		real[len] = '\0';
		file = real;
	}
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	fake_error = "fake-dl: no such fake DSO";
	for (i = 0; i < fake_ndsos; i++) {
		struct fake_dso *dso = fake_dsos[i];

		if (strcmp(dso->file, base) != 0)
			continue;
		if (dso->load_error) {
			fake_error = dso->load_error;
		} else {
			dso->opens++;
			fake_error = NULL;
			ret = dso;
		}
		break;
	}
	pthread_mutex_unlock(&fake_lock);
	return ret;
}

int __wrap_dlclose(void *handle);
int __wrap_dlclose(void *handle)
{
	struct fake_dso *dso = handle;

	pthread_mutex_lock(&fake_lock);
	dso->closes++;
	pthread_mutex_unlock(&fake_lock);
	return 0;
}

void *__wrap_dlsym(void *handle, const char *name);
void *__wrap_dlsym(void *handle, const char *name)
{
	struct fake_dso *dso = handle;
	const struct fake_sym *s;
	void *ret = NULL;

	pthread_mutex_lock(&fake_lock);
	fake_error = "fake-dl: undefined symbol";
	for (s = dso->syms; s && s->name; s++) {
		if (strcmp(s->name, name) == 0) {
			ret = s->addr;
			fake_error = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&fake_lock);
	return ret;
}

char *__wrap_dlerror(void);
char *__wrap_dlerror(void)
{
	const char *e;

	pthread_mutex_lock(&fake_lock);
	e = fake_error;
	fake_error = NULL;
	pthread_mutex_unlock(&fake_lock);
	return (char *)e;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	pthread_mutex_lock(&fake_lock);
	fake_fs_calls++;
	pthread_mutex_unlock(&fake_lock);
	return __real_open(path, flags, mode);
}

int __wrap_openat(int dfd, const char *path, int flags, ...);
int __wrap_openat(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	pthread_mutex_lock(&fake_lock);
	fake_fs_calls++;
	pthread_mutex_unlock(&fake_lock);
	return __real_openat(dfd, path, flags, mode);
}

/* --- plugin files on disk ------------------------------------------------ */

/* A fresh private directory for plugin files; free() the result. */
static inline char *fake_plugin_dir(void)
{
	char *dir = strdup("/tmp/mpath-test-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	chmod(dir, 0755);
	return dir;
}

/* Write dir/file with the given bytes and mode; returns 0 or -errno. */
static inline int fake_plugin_file(const char *dir, const char *file,
				   const char *bytes, size_t len, mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = __real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, bytes, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return chmod(path, mode) < 0 ? -errno : 0;
}

/* An ELF-looking plugin file for a fake DSO, mode 0755. */
static inline int fake_plugin_elf(const char *dir, const char *file)
{
	static const char elf[16] = "\177ELF\2\1\1";

	return fake_plugin_file(dir, file, elf, sizeof(elf), 0755);
}

/* Remove dir and every file in it (the tests create no subdirectories). */
static inline void fake_plugin_dir_remove(char *dir)
{
	char cmd[PATH_MAX + 16];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

#endif /* MPATH_FAKE_DL_H */
