/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loader.h - what loader.c offers: validating a checker name and a plugin
 * file, dlopen() and dlclose(). No locks held by the callers; may sleep.
 */
#ifndef MPATH_LOADER_H
#define MPATH_LOADER_H

#include <stdbool.h>

#include "internal.h"

/* checker_name_valid - 1 to CHECKER_NAME_MAX characters of [A-Za-z0-9_-]. */
bool checker_name_valid(const char *name);

/*
 * plugin_load - load dir/libcheck<name>.so into a new, unpublished plugin
 * in *ret (refcount 0). check_perms: refuse files and directories others
 * may write (checker_set_permission_check()). Returns 0 or -errno.
 */
int plugin_load(const char *dir, const char *name, bool check_perms,
		struct checker_plugin **ret);

/* plugin_unload - dlclose() p and free what it holds, not p itself. */
void plugin_unload(struct checker_plugin *p);

#endif /* MPATH_LOADER_H */
