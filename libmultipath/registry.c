// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * registry.c - one plugin per checker name: lookup, load-on-demand,
 * references and unloading.
 *
 * Lookups are RCU readers and take no sleeping lock. Writers (publishing a
 * loaded plugin, cleanup, statistics) serialise on registry_lock, which is
 * never held while a plugin file is opened, loaded or unloaded: those may
 * block, and must hold up nobody but the threads waiting for that very
 * plugin. dlopen()/dlclose() never run inside a read-side section either.
 *
 * Calls: loader.h (validating, loading and unloading plugin files),
 * executor.h (executor_quiesce() at cleanup), rcu.h, log.h. Called by
 * checker.c and thread.c (plugins and references, registry.h), async.c
 * (the last reference of a checker put while its job ran), and the daemon
 * (libmultipath.h).
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"
#include "rcu.h"
#include "registry.h"

/*
 * registry_lock protects: the registry list's structure (registry_head and
 * each ->next; readers follow them under RCU), all_plugins and each
 * ->all_next, failed_names, plugin_dir, loads and registry_generation. It
 * is never held across file-system access, plugin_load() or dlclose(): an
 * open() may block for as long as a file server or a FIFO likes, and
 * nothing else (lookups that fall back to the lock, loads of other names,
 * statistics, reconfiguration, unloading) may wait for that. It is held
 * while a plugin's libcheck_reset() runs (on release, and in
 * reset_checker_classes()), which serialises resets with each other and
 * with publication; plugin constructors, destructors and resets must
 * therefore not call into the registry. Never taken inside an RCU
 * read-side section.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct checker_plugin *registry_head;	/* RCU list */
static struct checker_plugin *all_plugins;	/* every plugin not yet freed */
static char plugin_dir[PATH_MAX] = DEFAULT_PLUGIN_DIR;

/*
 * Bumped by init_checkers() and cleanup_checkers(): a load that started
 * under an older generation may have read another plugin directory, and
 * its plugin is not published (plugin_get_by_name()).
 */
static unsigned long registry_generation;

/*
 * The loads in progress, one per name, each on its loader's stack, so that
 * a name is loaded once however many threads ask for it at the same time
 * (and a failure is reported once) without holding registry_lock during
 * the load. A thread that wants a name being loaded waits on load_done,
 * which every loader broadcasts when it is done; one condition for all
 * loads, so that no waiter ever touches a loader's stack after it is gone.
 */
struct load_in_progress {
	struct load_in_progress *next;
	const char *name;
};
static struct load_in_progress *loads;
static pthread_cond_t load_done = PTHREAD_COND_INITIALIZER;

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
	.name = NONE_CHECKER,
	.jobs.name = none_plugin.name,
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
	 * After a reconfigure, a plugin pinned from before and its successor
	 * loaded from the same file share one DSO (dlopen() hands out the same
	 * object): its global state is the successor's, so leave it alone.
	 * A successor published after this check finds the state reset once
	 * more, as after reset_checker_classes().
	 */
	for (q = all_plugins; q && !shared; q = q->all_next)
		shared = q->handle == p->handle;
	if (p->reset && !shared)
		p->reset();
	pthread_mutex_unlock(&registry_lock);
	/* The dynamic loader counts the handle's users: shared or not. */
	plugin_unload(p);
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

/* Under registry_lock: the registered plugin called name, or NULL. */
static struct checker_plugin *find_registered(const char *name)
{
	struct checker_plugin *p;

	for (p = registry_head; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Under registry_lock. */
static bool load_in_progress(const char *name)
{
	struct load_in_progress *l;

	for (l = loads; l; l = l->next)
		if (strcmp(l->name, name) == 0)
			return true;
	return false;
}

/*
 * Called with registry_lock held, returns with it held, drops it meanwhile:
 * load name from the current plugin directory and publish it, with a
 * reference for the caller in *ret. Returns 0; -EAGAIN when the registry
 * was reconfigured during the load (the plugin, loaded from what may no
 * longer be the plugin directory, has been unloaded again, and the caller
 * starts over); or another -errno when the load failed (logged and
 * remembered). No other thread loads or publishes name meanwhile: they
 * wait for loads to lose our entry.
 */
static int load_and_publish(const char *name, struct checker_plugin **ret)
{
	struct load_in_progress me = { .next = loads, .name = name };
	unsigned long generation = registry_generation;
	bool perms = __atomic_load_n(&check_perms, __ATOMIC_RELAXED);
	struct checker_plugin *p = NULL;
	char *dir = strdup(plugin_dir);
	struct load_in_progress **lp;
	int err;

	if (!dir) {
		mp_err("checker %s: out of memory", name);
		return -ENOMEM;
	}
	loads = &me;
	pthread_mutex_unlock(&registry_lock);
	err = plugin_load(dir, name, perms, &p);
	free(dir);
	pthread_mutex_lock(&registry_lock);
	for (lp = &loads; *lp != &me; lp = &(*lp)->next)
		;
	*lp = me.next;
	pthread_cond_broadcast(&load_done);

	if (generation != registry_generation) {
		if (!err) {
			mp_debug("checker %s: reconfigured while loading; loading again",
				 name);
			pthread_mutex_unlock(&registry_lock);
			plugin_unload(p);	/* never published */
			free(p);
			pthread_mutex_lock(&registry_lock);
		}
		return -EAGAIN;
	}
	if (err) {
		/* plugin_load() said why; make sure it does so only once. */
		remember_failure(name);
		return err;
	}
	p->refcount = 2;	/* the registry's and the caller's */
	p->registered = true;
	p->all_next = all_plugins;
	all_plugins = p;
	p->next = registry_head;
	mp_rcu_assign(registry_head, p);	/* publish */
	*ret = p;
	return 0;
}

/*
 * plugin_get_by_name - the plugin for name, with a reference for the caller,
 * loading it if needed; NULL (logged once) on failure. A registered plugin
 * is found without a sleeping lock. Loading takes registry_lock only to
 * look and to publish: a load that blocks holds up only the threads that
 * want the same name. May sleep; never call it inside a read-side section.
 */
struct checker_plugin *plugin_get_by_name(const char *name)
{
	struct checker_plugin *p;

	if (strcmp(name, NONE_CHECKER) == 0) {
		plugin_ref(&none_plugin);
		return &none_plugin;
	}
	p = lookup_registered(name);
	if (p)
		return p;

	pthread_mutex_lock(&registry_lock);
	for (;;) {
		/* Someone may have loaded it since we looked. */
		p = find_registered(name);
		if (p) {
			plugin_ref(p);
			break;
		}
		if (failed_before(name)) {
			mp_debug("checker %.64s: refused, as before", name);
			break;
		}
		if (!checker_name_valid(name)) {
			/* Before any file-system access: it becomes a path. */
			if (remember_failure(name))
				mp_err("checker name \"%.64s\" is invalid: use 1 to %d characters from A-Z, a-z, 0-9, '_' and '-'",
				       name, CHECKER_NAME_MAX);
			else
				mp_debug("checker name \"%.64s\" is invalid", name);
			break;
		}
		if (load_in_progress(name)) {
			pthread_cond_wait(&load_done, &registry_lock);
			continue;
		}
		if (load_and_publish(name, &p) != -EAGAIN)
			break;
		p = NULL;
	}
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
	registry_generation++;
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
	registry_generation++;
	pthread_mutex_unlock(&registry_lock);

	/*
	 * Each ->next is left intact for readers still walking the old list;
	 * read it before dropping the reference that may free p.
	 */
	for (; p; p = next) {
		next = p->next;
		plugin_unref(p);
	}
	/* Idle workers go; a hung one keeps its plugin loaded until it returns. */
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

static void fill_stats(struct checker_plugin_stats *s,
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
	s->checks_started = LOAD(jobs.started);
	s->checks_completed = LOAD(jobs.completed);
	s->checks_timed_out = LOAD(jobs.timed_out);
	s->jobs_queued = LOAD(jobs.queued);
	s->jobs_running = LOAD(jobs.running);
	s->jobs_stuck = LOAD(jobs.stuck);
#undef LOAD
}

int checker_plugin_stats(struct checker_plugin_stats **ret)
{
	struct checker_plugin_stats *s;
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
