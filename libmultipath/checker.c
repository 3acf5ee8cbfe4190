// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checker.c - the daemon's view of one checker: selecting a plugin for a
 * path, running checks, reading states. Offers the checker_* calls of
 * libmultipath.h (states.c has the names and messages, async.c the
 * executor's).
 *
 * Calls: registry.h (plugins and their references), async.h (checks on the
 * executor), states.h (plugin_result()), log.h. Called by the daemon only.
 *
 * A struct checker is used by one thread at a time (the caller's rule), so
 * nothing here locks; what is shared between checkers (the plugin) is
 * refcounted in registry.c, the executor locks its jobs (executor.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "async.h"
#include "registry.h"
#include "states.h"

void checker_clear(struct checker *c)
{
	if (!c)
		return;
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/*
 * Free the plugin's context and drop c's reference; keeps fd, timeout and
 * the flags that belong to the path rather than to the plugin.
 */
static void checker_unselect(struct checker *c)
{
	struct checker_priv *priv = checker_priv(c->cls);

	if (!priv)
		return;
	if (!async_release(priv)) {
		/* A running job owns the context and the record now. */
		c->context = NULL;
		c->cls = NULL;
		return;
	}
	if (priv->plugin->free)
		priv->plugin->free(c);
	c->context = NULL;
	c->cls = NULL;
	plugin_unref(priv->plugin);
	free(priv);
}

void checker_get(struct checker *c, const char *name)
{
	struct checker_plugin *p;
	struct checker_priv *priv;

	if (!c)
		return;
	checker_unselect(c);
	if (!name || !*name)
		return;
	p = plugin_get_by_name(name);
	if (!p)
		return;
	priv = calloc(1, sizeof(*priv));
	if (!priv) {
		mp_err("checker %s: out of memory", p->name);
		plugin_unref(p);
		return;
	}
	priv->plugin = p;
	priv->sync = true;	/* as upstream: a daemon asks for async */
	async_init(priv);
	c->cls = checker_handle(priv);
}

int checker_init(struct checker *c, void **mpctxt)
{
	struct checker_plugin *p;

	if (!c || !c->cls)
		return -EINVAL;
	p = checker_priv(c->cls)->plugin;
	c->mpcontext = mpctxt;
	if (p->init && p->init(c) != 0) {
		mp_err("checker %s: libcheck_init failed", p->name);
		return -EIO;
	}
	if (mpctxt && !*mpctxt && p->mp_init && p->mp_init(c) != 0) {
		/* The map-wide context is an optimisation; go on without. */
		mp_debug("checker %s: libcheck_mp_init failed", p->name);
		c->mpcontext = NULL;
	}
	return 0;
}

void checker_put(struct checker *c)
{
	if (!c)
		return;
	checker_unselect(c);
	checker_clear(c);
}

void checker_check(struct checker *c, int path_state)
{
	struct checker_priv *priv;
	struct checker_plugin *p;

	if (!c)
		return;
	c->msgid = CHECKER_MSGID_NONE;
	if (!c->cls) {
		c->path_state = PATH_UNCHECKED;
		return;
	}
	if (c->disable) {
		c->msgid = CHECKER_MSGID_DISABLED;
		c->path_state = PATH_UNCHECKED;
		return;
	}
	priv = checker_priv(c->cls);
	p = priv->plugin;
	if (p->builtin) {
		c->path_state = path_state;
		return;
	}
	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		c->path_state = PATH_WILD;
		return;
	}
	/* A job still out owns the plugin context: no second check. */
	if (async_outstanding(priv) && async_settle(c))
		return;
	if (!priv->sync && !p->pending && !p->thread) {
		/*
		 * A plain blocking check: run it on the executor. Plugins with
		 * libcheck_pending or libcheck_thread drive their own
		 * asynchrony (upstream semantics) and are called directly.
		 */
		async_submit(c);
		return;
	}
	c->path_state = plugin_result(c, p->check(c));
}

int checker_get_state(struct checker *c)
{
	struct checker_priv *priv;

	if (!c || !c->cls)
		return PATH_UNCHECKED;
	priv = checker_priv(c->cls);
	if (async_outstanding(priv))
		return async_get_state(c);
	if (c->path_state == PATH_PENDING && priv->plugin->pending)
		c->path_state = plugin_result(c, priv->plugin->pending(c));
	return c->path_state;
}

bool checker_need_wait(struct checker *c)
{
	struct checker_priv *priv;

	if (!c || !c->cls)
		return false;
	priv = checker_priv(c->cls);
	if (async_outstanding(priv))
		return async_need_wait(c);
	if (c->path_state != PATH_PENDING || !priv->plugin->need_wait)
		return false;
	return priv->plugin->need_wait(c);
}

void checker_set_fd(struct checker *c, int fd)
{
	if (c)
		c->fd = fd;
}

/* The flag lives in c's checker_priv, so it needs a selected plugin. */
void checker_set_sync(struct checker *c)
{
	if (c && c->cls)
		checker_priv(c->cls)->sync = true;
}

void checker_set_async(struct checker *c)
{
	if (c && c->cls)
		checker_priv(c->cls)->sync = false;
}

int checker_is_sync(const struct checker *c)
{
	return !c || !c->cls || checker_priv(c->cls)->sync;
}

void checker_enable(struct checker *c)
{
	if (c)
		c->disable = 0;
}

void checker_disable(struct checker *c)
{
	if (c)
		c->disable = 1;
}

int checker_selected(const struct checker *c)
{
	return c && c->cls;
}

const char *checker_name(const struct checker *c)
{
	return c && c->cls ? checker_priv(c->cls)->plugin->name : "";
}

