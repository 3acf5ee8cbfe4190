// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * registry.c - one class per checker name: lookup, load-on-demand,
 * references and unloading.
 *
 * Lookups are RCU readers and take no sleeping lock. Writers (loading,
 * cleanup, statistics) serialise on registry_lock. dlopen()/dlclose() never
 * run inside a read-side section.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "rcu.h"

/*
 * registry_lock protects: the registry list's structure (registry_head and
 * each ->next; readers follow them under RCU), all_plugins and each
 * ->all_next, failed_names, plugin_dir, and each plugin's descriptors. It
 * is held across plugin_load() (so that a name is loaded once however many
 * threads ask for it at the same time) and across the dlclose() of an
 * unload; plugin constructors and destructors must therefore not call into
 * the registry. Never taken inside an RCU read-side section.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct checker_plugin *registry_head;	/* RCU list */
static struct checker_plugin *all_plugins;	/* every plugin not yet freed */
static char plugin_dir[PATH_MAX] = DEFAULT_PLUGIN_DIR;

/*
 * Names whose load failed since the last init_checkers()/cleanup_checkers(),
 * so that a missing plugin configured for ten thousand paths is reported
 * once, and not dlopen()ed ten thousand times. Bounded: past FAILED_MAX
 * names, further failures are still refused but logged at debug level only.
 */
struct failed_name {
	struct failed_name *next;
	char name[];
};
#define FAILED_MAX 64
static struct failed_name *failed_names;
static unsigned int failed_count;

/* Enforce plugin ownership and mode checks (the default). __atomic. */
static bool check_perms = true;

/*
 * The built-in "none" checker: no DSO, its check returns the state the
 * caller passed. The library's own reference keeps it from ever reaching
 * zero; it is never on the registry list.
 */
struct checker_plugin none_plugin = {
	.refcount = 1,
	.builtin = true,
	.registered = true,
	.fd = -1,
	.name = NONE_CHECKER,
};

void checker_set_permission_check(bool enforce)
{
	__atomic_store_n(&check_perms, enforce, __ATOMIC_RELAXED);
}

void plugin_ref(struct checker_plugin *p)
{
	long old = __atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED);

	/* Taking a reference needs one already: zero means a use after free. */
	assert(old > 0);
}

/* For lookups, which may find a plugin whose last reference is going. */
static bool plugin_ref_unless_zero(struct checker_plugin *p)
{
	long n = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);

	do {
		if (n <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&p->refcount, &n, n + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* Under registry_lock: give to's list every descriptor from's holds. */
static int fds_move(struct checker_plugin *to, struct checker_plugin *from)
{
	int n = to->nr_old_fds + from->nr_old_fds + 1;
	int *fds = realloc(to->old_fds, n * sizeof(*fds));

	if (!fds)
		return -ENOMEM;
	if (from->nr_old_fds)
		memcpy(fds + to->nr_old_fds, from->old_fds,
		       from->nr_old_fds * sizeof(*fds));
	fds[n - 1] = from->fd;
	to->old_fds = fds;
	to->nr_old_fds = n;
	free(from->old_fds);
	from->old_fds = NULL;
	from->nr_old_fds = 0;
	from->fd = -1;
	return 0;
}

/*
 * The last reference is gone: nobody can find p (it left the registry list
 * before the registry dropped its reference) and nobody uses it. Reset and
 * unload the plugin, then free the struct once lookups that may still be
 * looking at it have finished. Library code, no lock held; sleeps.
 */
static void plugin_release(struct checker_plugin *p)
{
	struct checker_plugin **pp, *q;
	bool shared = false;

	mp_debug("checker %s: last reference dropped, unloading", p->name);
	pthread_mutex_lock(&registry_lock);
	for (pp = &all_plugins; *pp; pp = &(*pp)->all_next) {
		if (*pp == p) {
			*pp = p->all_next;
			break;
		}
	}
	/*
	 * After a reconfigure, a class pinned from before and its successor
	 * loaded from the same file share one DSO (dlopen() hands out the same
	 * object): its global state is the successor's, so leave it alone, and
	 * hand the successor our descriptors, which must stay open as long as
	 * the object is loaded (see struct checker_plugin).
	 */
	for (q = all_plugins; q && !shared; q = q->all_next) {
		if (q->handle != p->handle)
			continue;
		shared = true;
		if (fds_move(q, p) < 0) {
			/* Leak the numbers rather than free them for reuse. */
			mp_warn("checker %s: out of memory; keeping %d descriptors",
				p->name, p->nr_old_fds + 1);
			p->fd = -1;
			p->nr_old_fds = 0;
		}
	}
	if (p->reset && !shared)
		p->reset();
	/*
	 * dlclose() under the lock: whether the DSO is shared, and the closing
	 * of descriptors it is known by, must not change between our check
	 * and our dlclose(), or a concurrent release or load could see the
	 * DSO loaded under a descriptor number that is free again.
	 */
	plugin_unload(p);
	pthread_mutex_unlock(&registry_lock);
	mp_synchronize_rcu();
	free(p);
}

/*
 * plugin_unref - drop one reference; the last one unloads the plugin.
 * Never call it inside an RCU read-side section or with registry_lock held.
 */
void plugin_unref(struct checker_plugin *p)
{
	long n = __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);

	assert(n >= 0);
	if (n == 0) {
		assert(!p->builtin);
		plugin_release(p);
	}
}

/* Fast path: a registered plugin, with a reference taken, or NULL. */
static struct checker_plugin *lookup_registered(const char *name)
{
	struct checker_plugin *p;

	mp_rcu_read_lock();
	for (p = mp_rcu_dereference(registry_head); p;
	     p = mp_rcu_dereference(p->next)) {
		if (strcmp(p->name, name) == 0 && plugin_ref_unless_zero(p))
			break;
	}
	mp_rcu_read_unlock();
	/*
	 * A reader may still walk through a plugin that cleanup_checkers()
	 * has just unlinked. Such a plugin is valid but on its way out: let
	 * the caller load the name afresh, from the current plugin directory.
	 */
	if (p && !__atomic_load_n(&p->registered, __ATOMIC_ACQUIRE)) {
		plugin_unref(p);
		p = NULL;
	}
	return p;
}

/* Under registry_lock. */
static bool failed_before(const char *name)
{
	struct failed_name *f;

	for (f = failed_names; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return true;
	return false;
}

/* Under registry_lock. Returns false when the name is not remembered. */
static bool remember_failure(const char *name)
{
	size_t len = strnlen(name, 256);
	struct failed_name *f;

	if (failed_count >= FAILED_MAX)
		return false;
	f = malloc(sizeof(*f) + len + 1);
	if (!f)
		return false;
	memcpy(f->name, name, len);
	f->name[len] = '\0';
	f->next = failed_names;
	failed_names = f;
	failed_count++;
	return true;
}

/* Under registry_lock. */
static void forget_failures(void)
{
	while (failed_names) {
		struct failed_name *f = failed_names;

		failed_names = f->next;
		free(f);
	}
	failed_count = 0;
}

/*
 * plugin_get_by_name - the class for name, with a reference for the caller,
 * loading it if needed; NULL (logged once) on failure. May sleep; never call
 * it inside a read-side section.
 */
struct checker_plugin *plugin_get_by_name(const char *name)
{
	struct checker_plugin *p;
	int err;

	if (strcmp(name, NONE_CHECKER) == 0) {
		plugin_ref(&none_plugin);
		return &none_plugin;
	}
	p = lookup_registered(name);
	if (p)
		return p;

	pthread_mutex_lock(&registry_lock);
	/* Someone may have loaded it since we looked. */
	for (p = registry_head; p; p = p->next) {
		if (strcmp(p->name, name) == 0) {
			plugin_ref(p);
			goto out;
		}
	}
	if (failed_before(name)) {
		mp_debug("checker %.64s: refused, as before", name);
		goto out;
	}
	if (!checker_name_valid(name)) {
		/* Before any file-system access: the name becomes a path. */
		if (remember_failure(name))
			mp_err("checker name \"%.64s\" is invalid: use 1 to %d characters from A-Z, a-z, 0-9, '_' and '-'",
			       name, CHECKER_NAME_MAX);
		else
			mp_debug("checker name \"%.64s\" is invalid", name);
		goto out;
	}
	err = plugin_load(plugin_dir, name,
			  __atomic_load_n(&check_perms, __ATOMIC_RELAXED), &p);
	if (err) {
		/* plugin_load() said why; make sure it does so only once. */
		remember_failure(name);
		p = NULL;
		goto out;
	}
	p->refcount = 2;	/* the registry's and the caller's */
	p->registered = true;
	p->all_next = all_plugins;
	all_plugins = p;
	p->next = registry_head;
	mp_rcu_assign(registry_head, p);	/* publish */
out:
	pthread_mutex_unlock(&registry_lock);
	return p;
}

int init_checkers(const char *dir)
{
	struct stat st;
	int err = 0;

	if (!dir)
		dir = DEFAULT_PLUGIN_DIR;
	if (!*dir)
		return -EINVAL;
	pthread_mutex_lock(&registry_lock);
	if (strlen(dir) >= sizeof(plugin_dir))
		err = -ENAMETOOLONG;
	else
		strcpy(plugin_dir, dir);
	forget_failures();
	pthread_mutex_unlock(&registry_lock);
	if (err) {
		mp_err("checker plugin directory %.64s...: name too long", dir);
		return err;
	}
	/* Not fatal: "none" works, and the directory may appear later. */
	if (stat(dir, &st) < 0)
		mp_warn("checker plugin directory %s: %s; only built-in checkers are available",
			dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		mp_warn("checker plugin directory %s: not a directory; only built-in checkers are available",
			dir);
	return 0;
}

void cleanup_checkers(void)
{
	struct checker_plugin *p, *next;

	pthread_mutex_lock(&registry_lock);
	p = registry_head;
	mp_rcu_assign(registry_head, NULL);
	for (next = p; next; next = next->next)
		__atomic_store_n(&next->registered, false, __ATOMIC_RELEASE);
	forget_failures();
	pthread_mutex_unlock(&registry_lock);

	/*
	 * Each ->next is left intact for readers still walking the old list;
	 * read it before dropping the reference that may free p.
	 */
	for (; p; p = next) {
		next = p->next;
		plugin_unref(p);
	}
	/* Idle workers go; a hung one keeps its class loaded until it returns. */
	executor_quiesce();
}

void reset_checker_classes(void)
{
	struct checker_plugin *p;

	/* Holding the lock keeps every registered plugin loaded meanwhile. */
	pthread_mutex_lock(&registry_lock);
	for (p = registry_head; p; p = p->next)
		if (p->reset)
			p->reset();
	pthread_mutex_unlock(&registry_lock);
}

static void fill_stats(struct checker_class_stats *s,
		       const struct checker_plugin *p)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->name, p->name);
	if (p->path)
		snprintf(s->path, sizeof(s->path), "%s", p->path);
	s->refcount = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
	s->registered = __atomic_load_n(&p->registered, __ATOMIC_RELAXED);
#define LOAD(field) __atomic_load_n(&p->field, __ATOMIC_RELAXED)
	s->threads_running = LOAD(threads_running);
	s->checks_started = LOAD(checks_started);
	s->checks_completed = LOAD(checks_completed);
	s->checks_timed_out = LOAD(checks_timed_out);
	s->jobs_queued = LOAD(jobs_queued);
	s->jobs_running = LOAD(jobs_running);
	s->jobs_stuck = LOAD(jobs_stuck);
#undef LOAD
}

int checker_class_stats(struct checker_class_stats **ret)
{
	struct checker_class_stats *s;
	struct checker_plugin *p;
	int n = 1;

	pthread_mutex_lock(&registry_lock);
	for (p = all_plugins; p; p = p->all_next)
		n++;
	s = calloc(n, sizeof(*s));
	if (!s) {
		pthread_mutex_unlock(&registry_lock);
		return -ENOMEM;
	}
	fill_stats(&s[0], &none_plugin);
	n = 1;
	for (p = all_plugins; p; p = p->all_next)
		fill_stats(&s[n++], p);
	pthread_mutex_unlock(&registry_lock);
	*ret = s;
	return n;
}
