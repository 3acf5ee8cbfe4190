// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * loader.c - turning a checker name into a loaded, verified plugin.
 *
 * Loading a plugin runs its code with the daemon's privileges, so the name
 * is validated before it touches the file system, and the file that is
 * loaded is the file that was checked:
 *
 *  1. The directory is opened and checked (owner, mode), and the file is
 *     opened in it with O_PATH and without following a symbolic link, so
 *     that nothing is opened in the device or FIFO sense before its type is
 *     known: a FIFO named like a plugin would block an open() until someone
 *     writes to it. Only a regular file is opened for reading, with
 *     O_NONBLOCK, and must still be the file examined.
 *  2. On that descriptor: the owner and mode, and the ELF header (a shared
 *     object, for this machine: the dynamic loader says "No such file or
 *     directory" about a plugin for another machine).
 *  3. dlopen() by the file's path. Vendors ship helper libraries beside
 *     their plugin and find them with a RUNPATH of $ORIGIN, which the
 *     dynamic loader takes from the name it was given: through
 *     /proc/self/fd/N it would be /proc/self/fd. Loading by path is also
 *     what keeps no descriptor open per plugin (the loader knows an object
 *     by every name it was opened with; a /proc/self/fd/N name could only
 *     be kept unique by keeping N open for as long as the object is loaded,
 *     and a plugin pinned across reconfigurations handed those descriptors
 *     on for ever). An older file of the same path still loaded (a package
 *     upgrade) would be handed out again for that name: the path is then
 *     spelt another way (load_name()).
 *  4. The object loaded is the file verified: the kernel's identity of the
 *     file mapped at the object's dynamic section, and of the verified
 *     descriptor mapped by us, must be the same (loaded_is_verified()). If
 *     the path named another file by the time dlopen() opened it (the file
 *     was replaced, or a directory above renamed, in between), the object
 *     is closed again and the plugin refused.
 *
 * What step 4 cannot undo: a file swapped in between steps 2 and 3 has had
 * its constructors run before it is refused. Swapping it takes write access
 * to the plugin directory, which the permission check grants only to root
 * and to the daemon's own user, who could replace the plugin anyway; the
 * directories above the plugin directory are trusted, like any path root
 * configures. Helper libraries found through $ORIGIN are loaded by the
 * dynamic loader from that same checked directory.
 *
 * Nothing here touches the registry's lists or takes the registry's mutex:
 * the registry calls in without holding it, because opening a file may
 * block (a hung file server) and dlopen() and dlclose() may sleep and run
 * the plugin's constructors and destructors. The one lock here, dl_lock,
 * is below.
 *
 * Offers loader.h. Calls: log.h only. Called by registry.c only.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

/*
 * dl_lock orders our reads of a loaded object's link map (the dynamic
 * loader's memory, read while we hold a handle) before the dlclose() that
 * drops the object's last reference and frees that memory, possibly in
 * another thread. The dynamic loader's own lock already orders them, but
 * ThreadSanitizer cannot see it (ld.so is not instrumented). Held around
 * those reads and around every dlclose() of ours, never across anything
 * else; the dynamic loader serialises dlclose() calls process-wide anyway,
 * so this adds no waiting. Destructors run under it: they must not load or
 * unload plugins (they could not with the loader's lock held either).
 */
static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

/* dlclose() under dl_lock; see above. */
static int dl_close(void *handle)
{
	int ret;

	pthread_mutex_lock(&dl_lock);
	ret = dlclose(handle);
	pthread_mutex_unlock(&dl_lock);
	return ret;
}

/*
 * An address inside a mapping of the object's file: its dynamic section,
 * which every shared object has, in a segment loaded from the file. NULL
 * if the dynamic loader does not say. The caller holds handle.
 */
static uintptr_t object_address(void *handle)
{
	struct link_map *lm = NULL;
	uintptr_t addr = 0;

	pthread_mutex_lock(&dl_lock);
	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) == 0 && lm)
		addr = (uintptr_t)lm->l_ld;
	pthread_mutex_unlock(&dl_lock);
	return addr;
}

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

/* What a file that is not a regular file is, for the refusal. */
static const char *file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "of an unknown type";
	}
}

/*
 * The number of entries of a plugin's libcheck_msgtable, reading no entry
 * past the end of the table. The contract: NULL-terminated, at most
 * CHECKER_MSGTABLE_SIZE entries before the terminator. Where the dynamic
 * symbol table says how large the table is (it does for a table defined in
 * C), at most that many entries are read, and at most one past the
 * contract's limit, to see its terminator. Where it does not, no more than
 * the contract's CHECKER_MSGTABLE_SIZE entries are read: the entry after
 * them may not exist. A table without a terminator where one must be is
 * not refused (its texts are only messages): its entries up to the limit
 * are used, and the plugin is named once with what is wrong. Called after
 * the plugin was verified, from plugin_load(); may sleep.
 */
static short msgtable_length(const char *path, const char **table)
{
	const ElfW(Sym) *sym = NULL;
	size_t limit = CHECKER_MSGTABLE_SIZE, n;
	bool sized = false;
	Dl_info info;

	if (dladdr1(table, &info, (void **)&sym, RTLD_DL_SYMENT) && sym &&
	    info.dli_saddr == (void *)table && sym->st_size >= sizeof(*table)) {
		sized = true;
		limit = sym->st_size / sizeof(*table);
		if (limit > CHECKER_MSGTABLE_SIZE + 1)
			limit = CHECKER_MSGTABLE_SIZE + 1;
	}
	for (n = 0; n < limit && table[n]; n++)
		;
	if (n < limit)
		return n;
	if (n > CHECKER_MSGTABLE_SIZE) {
		mp_warn("checker plugin %s: libcheck_msgtable has more than %d entries; using the first %d",
			path, CHECKER_MSGTABLE_SIZE, CHECKER_MSGTABLE_SIZE);
		return CHECKER_MSGTABLE_SIZE;
	}
	if (sized)
		mp_warn("checker plugin %s: libcheck_msgtable is not NULL-terminated; using its %zu entries",
			path, n);
	else
		mp_warn("checker plugin %s: libcheck_msgtable has no NULL terminator within its first %d entries (it has more than %d, or is not terminated); using those %d",
			path, CHECKER_MSGTABLE_SIZE, CHECKER_MSGTABLE_SIZE,
			CHECKER_MSGTABLE_SIZE);
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

/* --- the ELF header ------------------------------------------------------ */

static const struct {
	uint16_t machine;
	const char *name;
} machine_names[] = {
	{ EM_386, "i386" },		{ EM_X86_64, "x86-64" },
	{ EM_ARM, "arm" },		{ EM_AARCH64, "aarch64" },
	{ EM_PPC, "ppc" },		{ EM_PPC64, "ppc64" },
	{ EM_S390, "s390" },		{ EM_RISCV, "riscv" },
	{ EM_MIPS, "mips" },		{ EM_SPARC, "sparc" },
	{ EM_SPARCV9, "sparc64" },	{ EM_IA_64, "ia64" },
	{ EM_ALPHA, "alpha" },		{ EM_PARISC, "parisc" },
	{ EM_SH, "sh" },		{ EM_68K, "m68k" },
#ifdef EM_LOONGARCH
	{ EM_LOONGARCH, "loongarch" },
#endif
};

/*
 * What identifies the machine an ELF file is for: the bytes that must be
 * equal between a plugin and the process that loads it.
 */
struct elf_target {
	unsigned char cls;		/* e_ident[EI_CLASS] */
	unsigned char data;		/* e_ident[EI_DATA] */
	uint16_t type;			/* e_type */
	uint16_t machine;		/* e_machine */
};

/*
 * Decode the target of an ELF header of len bytes. e_type and e_machine
 * sit at the same offsets in both classes, in the file's byte order.
 * Returns false if the header is not a complete ELF header.
 */
static bool elf_target_of(const unsigned char *h, size_t len,
			  struct elf_target *t)
{
	const unsigned char *type = h + offsetof(Elf64_Ehdr, e_type);
	const unsigned char *machine = h + offsetof(Elf64_Ehdr, e_machine);

	if (len < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG) != 0)
		return false;
	t->cls = h[EI_CLASS];
	t->data = h[EI_DATA];
	if (!((t->cls == ELFCLASS32 && len >= sizeof(Elf32_Ehdr)) ||
	      (t->cls == ELFCLASS64 && len >= sizeof(Elf64_Ehdr))))
		return false;
	if (t->data == ELFDATA2LSB) {
		t->type = type[0] | type[1] << 8;
		t->machine = machine[0] | machine[1] << 8;
	} else if (t->data == ELFDATA2MSB) {
		t->type = type[0] << 8 | type[1];
		t->machine = machine[0] << 8 | machine[1];
	} else {
		return false;
	}
	return true;
}

/*
 * The machine this process runs code for: the ELF header of the object
 * this library is part of, which the dynamic loader mapped at its base
 * (libmultipath.so, or a program linked with its objects). False if it
 * cannot be found; plugins are then left to dlopen() to judge.
 */
static bool own_elf_target(struct elf_target *t)
{
	Dl_info info;

	if (!dladdr((void *)&checker_name_valid, &info) || !info.dli_fbase)
		return false;
	return elf_target_of(info.dli_fbase, sizeof(Elf64_Ehdr), t);
}

/*
 * "aarch64", or "x86-64, 32-bit" when only the class or byte order tell
 * the plugin's machine from ours.
 */
static void describe_machine(const struct elf_target *t,
			     const struct elf_target *own, char *buf,
			     size_t len)
{
	const char *name = NULL;
	char number[16];
	size_t i;

	for (i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (machine_names[i].machine == t->machine)
			name = machine_names[i].name;
	if (!name) {
		snprintf(number, sizeof(number), "machine %u", t->machine);
		name = number;
	}
	if (t->machine != own->machine)
		snprintf(buf, len, "%s", name);
	else if (t->cls != own->cls)
		snprintf(buf, len, "%s, %s", name,
			 t->cls == ELFCLASS32 ? "32-bit" : "64-bit");
	else
		snprintf(buf, len, "%s, %s", name,
			 t->data == ELFDATA2LSB ? "little-endian" : "big-endian");
}

/*
 * The file is an ELF shared object for this machine. Returns 0, or -ENOEXEC
 * with the reason logged, naming the file.
 */
static int check_elf_header(int fd, const char *path)
{
	unsigned char h[sizeof(Elf64_Ehdr)];
	struct elf_target t, own;
	char machine[64];
	ssize_t n;

	n = pread(fd, h, sizeof(h), 0);
	if (n < 0 || !elf_target_of(h, n, &t)) {
		mp_err("checker plugin %s: not an ELF shared object", path);
		return -ENOEXEC;
	}
	if (own_elf_target(&own) &&
	    (t.cls != own.cls || t.data != own.data ||
	     t.machine != own.machine)) {
		describe_machine(&t, &own, machine, sizeof(machine));
		mp_err("checker plugin %s refused: built for another machine (%s)",
		       path, machine);
		return -ENOEXEC;
	}
	if (t.type != ET_DYN) {
		mp_err("checker plugin %s: not an ELF shared object (%s)", path,
		       t.type == ET_EXEC ? "an executable" :
		       t.type == ET_REL ? "an object file, not linked" :
					  "another kind of ELF file");
		return -ENOEXEC;
	}
	return 0;
}

/* --- opening and verifying ----------------------------------------------- */

/*
 * Open the directory and the plugin file and check both (steps 1 and 2 at
 * the top of this file). Returns a descriptor for reading, or -errno with
 * the reason logged, naming the file.
 */
static int open_verified(const char *dir, const char *file, const char *path,
			 bool check_perms)
{
	struct stat st, st2;
	const char *why;
	int dfd, pfd, fd = -1, err;

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
	/* O_PATH: look at what the name is before opening it for real. */
	pfd = openat(dfd, file, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		if (err == -ENOENT)
			mp_err("checker plugin %s: no such file", path);
		else
			mp_err("checker plugin %s: cannot open: %s", path,
			       strerror(-err));
		goto out;
	}
	if (fstat(pfd, &st) < 0) {
		err = -errno;
		mp_err("checker plugin %s: %s", path, strerror(-err));
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		err = -ELOOP;
		mp_err("checker plugin %s refused: it is a symbolic link", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		mp_err("checker plugin %s refused: not a regular file (it is %s)",
		       path, file_type_name(st.st_mode));
		goto out;
	}
	if (check_perms && (why = unsafe_owner_or_mode(&st))) {
		err = -EPERM;
		mp_err("checker plugin %s refused: the file %s", path, why);
		goto out;
	}
	/*
	 * Now open it to read. O_NONBLOCK, in case it was replaced with a
	 * FIFO meanwhile; and it must still be the file just examined.
	 */
	fd = openat(dfd, file,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st2) < 0) {
		err = -errno;
		mp_err("checker plugin %s: cannot open: %s", path,
		       strerror(-err));
		goto out;
	}
	if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		err = -EAGAIN;
		mp_err("checker plugin %s refused: the file changed while it was being opened",
		       path);
		goto out;
	}
	err = check_elf_header(fd, path);
out:
	if (pfd >= 0)
		close(pfd);
	close(dfd);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

/* --- is the object loaded the file verified? ------------------------------ */

/* A mapping's file, as /proc/self/maps shows it. */
struct map_file {
	unsigned int major, minor;
	unsigned long inode;
	bool found;
};

/*
 * Find the mappings that contain the addresses a and b in /proc/self/maps.
 * Returns 0, or -errno if the file cannot be read.
 */
static int mapped_files(uintptr_t a, uintptr_t b, struct map_file *ma,
			struct map_file *mb)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t size = 0;

	if (!f)
		return -errno;
	ma->found = mb->found = false;
	while ((!ma->found || !mb->found) && getline(&line, &size, f) > 0) {
		unsigned long start, end, inode;
		unsigned int major, minor;
		struct map_file m;

		if (sscanf(line, "%lx-%lx %*s %*x %x:%x %lu", &start, &end,
			   &major, &minor, &inode) != 5)
			continue;
		m = (struct map_file){ major, minor, inode, true };
		if (a >= start && a < end)
			*ma = m;
		if (b >= start && b < end)
			*mb = m;
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * Step 4 at the top of this file: is the object dlopen() returned the file
 * open on fd? Returns NULL if it is, else why not.
 *
 * Comparing the descriptor's fstat() with a stat() of the name the object
 * was loaded by would race with a rename, and st_dev is not the device
 * number /proc/self/maps shows on every file system (btrfs subvolumes). So
 * the kernel is asked twice the same question: which file is mapped at an
 * address of the object (its dynamic section, l_ld, always in a mapping of
 * its file), and which file is mapped where we map a page of the verified
 * descriptor. Both answers come from /proc/self/maps, in the same terms,
 * and the object's mapping cannot change while we hold the handle.
 */
static const char *loaded_is_verified(void *handle, int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	struct map_file loaded = { 0 }, verified = { 0 };
	uintptr_t addr = object_address(handle);
	void *ours;
	int err;

	if (!addr)
		return "the dynamic loader does not say what it mapped";
	ours = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	if (ours == MAP_FAILED)
		return "the verified file cannot be mapped to compare";
	err = mapped_files(addr, (uintptr_t)ours, &loaded, &verified);
	munmap(ours, page);
	if (err)
		return "/proc/self/maps cannot be read to compare";
	if (!loaded.found || !verified.found || !verified.inode)
		return "the mapped files cannot be found to compare";
	if (loaded.major != verified.major || loaded.minor != verified.minor ||
	    loaded.inode != verified.inode)
		return "the file changed between its verification and its loading";
	return NULL;
}

/* The most older files of one plugin path that may be loaded at once. */
#define MAX_SPELLINGS 16	/* 2 * MAX_SPELLINGS <= strlen(dots) */

/*
 * The name to dlopen() the verified file on fd by, malloc()ed in *ret.
 * Returns 0, -ENOMEM, or -EBUSY when MAX_SPELLINGS older files of this
 * path are loaded.
 *
 * The dynamic loader hands out an object already loaded under the name it
 * is given without looking at the file. After a package upgrade replaced a
 * plugin file, the object of the old file is still loaded under the
 * plugin's path while a plugin from before the reconfiguration is in use
 * (paths not re-selected yet, a hung check), and dlopen(path) would return
 * it, the wrong code. So the name is probed with RTLD_NOLOAD (which loads
 * nothing): if no object is loaded under it, or the one that is is this
 * very file, it will do; if an older file is loaded under it, the same path
 * is spelt another way, "dir/./file", then "dir/././file", ..., names the
 * dynamic loader compares as strings, so that each older file keeps its
 * name and this one is loaded beside it. $ORIGIN is the same directory
 * whatever the spelling. A file loaded again and again (reconfigurations
 * while a plugin is pinned) keeps one name: nothing grows.
 */
static int load_name(const char *dir, const char *file, int fd, char **ret)
{
	static const char dots[] = "./././././././././././././././././";
	char *name = NULL;
	int k;

	for (k = 0; k < MAX_SPELLINGS; k++) {
		void *h;
		bool older;

		free(name);
		if (asprintf(&name, "%s/%.*s%s", dir, 2 * k, dots, file) < 0)
			return -ENOMEM;
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
		if (!h)
			break;
		older = loaded_is_verified(h, fd) != NULL;
		dl_close(h);
		if (!older)
			break;
	}
	if (k == MAX_SPELLINGS) {
		free(name);
		return -EBUSY;
	}
	*ret = name;
	return 0;
}

/*
 * plugin_load - load dir/libcheck<name>.so into a new, unpublished plugin.
 *
 * The name must already be valid. Logs each failure with the file and the
 * reason; on failure nothing is left loaded or allocated. On success *ret
 * holds a plugin with refcount 0, owned by the caller, and no descriptor
 * stays open. No lock held; may sleep, and may block as long as the file
 * system does.
 */
int plugin_load(const char *dir, const char *name, bool check_perms,
		struct checker_plugin **ret)
{
	char file[sizeof("libcheck.so") + CHECKER_NAME_MAX];
	struct checker_plugin *p;
	const char *missing, *why;
	char *dlname;
	int fd, err;

	snprintf(file, sizeof(file), "libcheck%s.so", name);
	p = calloc(1, sizeof(*p));
	if (!p || asprintf(&p->path, "%s/%s", dir, file) < 0) {
		free(p);
		mp_err("checker %s: out of memory", name);
		return -ENOMEM;
	}
	strcpy(p->name, name);
	p->jobs.name = p->name;
	fd = open_verified(dir, file, p->path, check_perms);
	if (fd < 0) {
		err = fd;
		goto fail;
	}
	err = load_name(dir, file, fd, &dlname);
	if (err == -EBUSY)
		mp_err("checker plugin %s refused: %d older versions of it are still loaded",
		       p->path, MAX_SPELLINGS);
	else if (err)
		mp_err("checker %s: out of memory", name);
	if (err)
		goto fail;
	p->handle = dlopen(dlname, RTLD_NOW | RTLD_LOCAL);
	free(dlname);
	if (!p->handle) {
		why = dlerror();
		mp_err("checker plugin %s: cannot be loaded: %s", p->path,
		       why ? why : "unknown dynamic loader error");
		err = -ENOEXEC;
		goto fail;
	}
	why = loaded_is_verified(p->handle, fd);
	if (why) {
		mp_err("checker plugin %s refused: %s", p->path, why);
		err = -EAGAIN;
		goto fail;
	}
	close(fd);
	fd = -1;
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
	if (fd >= 0)
		close(fd);
	plugin_unload(p);
	free(p);	/* never published: no reader can see it */
	return err;
}

/*
 * plugin_unload - dlclose() a plugin and free what plugin_load() allocated,
 * except the struct itself (readers may still see it until a grace period
 * has passed). Runs exactly once per plugin, on a plugin nobody can find
 * or use any more. No lock held; may sleep (the plugin's destructors run).
 */
void plugin_unload(struct checker_plugin *p)
{
	if (p->handle && dl_close(p->handle) != 0) {
		const char *why = dlerror();

		mp_warn("checker plugin %s: dlclose failed: %s", p->path,
			why ? why : "unknown error");
	}
	p->handle = NULL;
	free(p->path);
	p->path = NULL;
}
