/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry.h - what registry.c offers inside the library: finding plugins
 * by name (loading them on demand) and their references. init_checkers(),
 * cleanup_checkers(), reset_checker_classes(), checker_plugin_stats() and
 * checker_set_permission_check() are in libmultipath.h.
 */
#ifndef MPATH_REGISTRY_H
#define MPATH_REGISTRY_H

#include "internal.h"

/*
 * plugin_get_by_name - the plugin for name, with a reference for the
 * caller, loading it if needed; NULL (logged once) on failure. May sleep;
 * never call it inside an RCU read-side section.
 */
struct checker_plugin *plugin_get_by_name(const char *name);

/* plugin_ref - take one more reference; the caller already holds one. */
void plugin_ref(struct checker_plugin *p);

/*
 * plugin_unref - drop one reference; the last one unloads the plugin.
 * Never call it inside an RCU read-side section or with the registry's
 * lock held; never from plugin code (it may unmap the caller).
 */
void plugin_unref(struct checker_plugin *p);

/* The built-in "none" checker; never unloaded. */
extern struct checker_plugin none_plugin;

#endif /* MPATH_REGISTRY_H */
