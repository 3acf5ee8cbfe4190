/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-dl.h - a fake dynamic loader for tests of plugin loading.
 *
 * Tests that include this header replace dlopen/dlsym/dlclose/dlerror/
 * dlinfo (and count open/openat) with -Wl,--wrap, which the Makefile derives
 * from the __wrap_ names below; they are linked with the library's objects,
 * so the library's own calls land here. A "fake DSO" is a struct with a
 * symbol table; dlopen() finds it by the base name of the file it is given
 * (a /proc/self/fd/N name is resolved back to the file name), so the plugin
 * files on disk are real (the permission checks run for real) while their
 * "code" is functions of the test.
 *
 * Like the real dynamic loader, the fake maps the file it was given when it
 * loads a DSO that is not loaded yet, and dlinfo(RTLD_DI_LINKMAP) points
 * l_ld into that mapping: the library's check that the object loaded is the
 * file it verified runs for real. An RTLD_NOLOAD probe returns a loaded DSO
 * (and its dlclose() is not counted as a close), NULL for one not loaded.
 * fake_dlopen_hook runs first, so a test can swap the file in between;
 * fake_gate_close() makes an open() of one file block, like an open() of a
 * FIFO or of a file on a hung server.
 */
#ifndef MPATH_FAKE_DL_H
#define MPATH_FAKE_DL_H

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
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

/*
 * What the fake loader holds for each loaded DSO, parallel to fake_dsos[]
 * (struct fake_dso is initialised positionally by the tests, so it does not
 * grow): one page of the file it was loaded from, and its link map.
 */
static struct fake_loaded {
	void *map;			/* NULL while not loaded */
	size_t map_len;
	struct link_map lm;		/* l_ld points into map */
	int probes;			/* RTLD_NOLOAD handles not closed yet */
} fake_loaded[FAKE_DSO_MAX];

/* Called by dlopen() before it looks at the file; not under fake_lock. */
static void (*fake_dlopen_hook)(const char *file);

/* The gate (fake_gate_close): all under fake_lock. */
static pthread_cond_t fake_gate_cond = PTHREAD_COND_INITIALIZER;
static const char *fake_gate_file;	/* base name held, or NULL */
static int fake_gate_waiting;		/* threads held at the gate now */

int __real_open(const char *path, int flags, ...);
int __real_openat(int dfd, const char *path, int flags, ...);

/* Under fake_lock: forget what was mapped for DSO number i. */
static inline void fake_unmap(int i)
{
	if (fake_loaded[i].map)
		munmap(fake_loaded[i].map, fake_loaded[i].map_len);
	memset(&fake_loaded[i], 0, sizeof(fake_loaded[i]));
}

/* Under fake_lock: map (the first page of) file for DSO number i. */
static inline void fake_map(int i, const char *file)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = __real_open(file, O_RDONLY | O_CLOEXEC);
	void *map;

	fake_unmap(i);
	if (fd < 0)
		return;
	map = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	fake_loaded[i].map = map;
	fake_loaded[i].map_len = page;
	fake_loaded[i].lm.l_ld = map;
	fake_loaded[i].lm.l_name = (char *)fake_dsos[i]->file;
}

/* Under fake_lock: the index of a handle dlopen() returned, or -1. */
static inline int fake_index(const void *handle)
{
	int i;

	for (i = 0; i < fake_ndsos; i++)
		if (fake_dsos[i] == handle)
			return i;
	return -1;
}

/* Forget every fake DSO and reset the counters. */
static inline void fake_dl_reset(void)
{
	int i;

	pthread_mutex_lock(&fake_lock);
	for (i = 0; i < FAKE_DSO_MAX; i++)
		fake_unmap(i);
	fake_ndsos = 0;
	fake_dlopen_hook = NULL;
	fake_gate_file = NULL;
	pthread_cond_broadcast(&fake_gate_cond);
	fake_dlopen_calls = fake_fs_calls = fake_dlopen_flags = 0;
	fake_dlopen_file[0] = '\0';
	fake_error = NULL;
	pthread_mutex_unlock(&fake_lock);
}

static inline void fake_dl_add(struct fake_dso *dso)
{
	pthread_mutex_lock(&fake_lock);
	dso->opens = dso->closes = 0;
	if (fake_ndsos < FAKE_DSO_MAX) {
		fake_unmap(fake_ndsos);
		fake_dsos[fake_ndsos++] = dso;
	}
	pthread_mutex_unlock(&fake_lock);
}

/*
 * Hold every open() and openat() of a file called file (a base name; a
 * string that outlives the gate) until fake_gate_open().
 */
static inline void fake_gate_close(const char *file)
{
	pthread_mutex_lock(&fake_lock);
	fake_gate_file = file;
	pthread_mutex_unlock(&fake_lock);
}

static inline void fake_gate_open(void)
{
	pthread_mutex_lock(&fake_lock);
	fake_gate_file = NULL;
	pthread_cond_broadcast(&fake_gate_cond);
	pthread_mutex_unlock(&fake_lock);
}

/* Wait up to seconds until n threads are held at the gate. */
static inline bool fake_gate_wait_for(int n, double seconds)
{
	struct timespec until;
	bool reached;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)seconds;
	pthread_mutex_lock(&fake_lock);
	while (fake_gate_waiting < n &&
	       pthread_cond_timedwait(&fake_gate_cond, &fake_lock, &until) == 0)
		;
	reached = fake_gate_waiting >= n;
	pthread_mutex_unlock(&fake_lock);
	return reached;
}

/* Under fake_lock: what an open() of path does at the gate. */
static inline void fake_gate_pass(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	while (fake_gate_file && strcmp(base, fake_gate_file) == 0) {
		fake_gate_waiting++;
		pthread_cond_broadcast(&fake_gate_cond);
		pthread_cond_wait(&fake_gate_cond, &fake_lock);
		fake_gate_waiting--;
	}
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
	void (*hook)(const char *);
	int i;

	pthread_mutex_lock(&fake_lock);
	hook = fake_dlopen_hook;
	pthread_mutex_unlock(&fake_lock);
	if (hook)
		hook(file);
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
		if (flags & RTLD_NOLOAD) {
			/*
			 * A probe: the handle if loaded, else NULL. Not
			 * counted as an open, nor its dlclose() as a close.
			 */
			if (dso->opens > dso->closes) {
				fake_loaded[i].probes++;
				fake_error = NULL;
				ret = dso;
			}
		} else if (dso->load_error) {
			fake_error = dso->load_error;
		} else {
			/* Not loaded yet: map the file, as ld.so would. */
			if (dso->opens == dso->closes)
				fake_map(i, file);
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
	int i;

	pthread_mutex_lock(&fake_lock);
	i = fake_index(dso);
	if (i >= 0 && fake_loaded[i].probes > 0) {
		fake_loaded[i].probes--;
		pthread_mutex_unlock(&fake_lock);
		return 0;
	}
	dso->closes++;
	if (i >= 0 && dso->closes == dso->opens)
		fake_unmap(i);
	pthread_mutex_unlock(&fake_lock);
	return 0;
}

int __wrap_dlinfo(void *handle, int request, void *arg);
int __wrap_dlinfo(void *handle, int request, void *arg)
{
	int i, ret = -1;

	pthread_mutex_lock(&fake_lock);
	i = fake_index(handle);
	fake_error = "fake-dl: dlinfo request not supported";
	if (i >= 0 && request == RTLD_DI_LINKMAP) {
		*(struct link_map **)arg = &fake_loaded[i].lm;
		fake_error = NULL;
		ret = 0;
	}
	pthread_mutex_unlock(&fake_lock);
	return ret;
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
	fake_gate_pass(path);
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
	fake_gate_pass(path);
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

/*
 * The ELF header of a shared object for this machine: this program's own,
 * as a shared object, with e_machine replaced unless machine is EM_NONE.
 * Returns 0 or -errno.
 */
static inline int fake_elf_header(unsigned char *buf, size_t len,
				  uint16_t machine)
{
	int fd = __real_open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	uint16_t type;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, 0);
	close(fd);
	if (n != (ssize_t)len || len < sizeof(Elf32_Ehdr))
		return -EIO;
	/* e_type and e_machine: same offsets in both classes, native order. */
	type = ET_DYN;
	memcpy(buf + offsetof(Elf64_Ehdr, e_type), &type, sizeof(type));
	if (machine != EM_NONE)
		memcpy(buf + offsetof(Elf64_Ehdr, e_machine), &machine,
		       sizeof(machine));
	return 0;
}

/* An ELF-looking plugin file for a fake DSO, mode 0755. */
static inline int fake_plugin_elf(const char *dir, const char *file)
{
	unsigned char elf[sizeof(Elf64_Ehdr)];
	int err = fake_elf_header(elf, sizeof(elf), EM_NONE);

	return err ? err : fake_plugin_file(dir, file, (char *)elf,
					     sizeof(elf), 0755);
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
