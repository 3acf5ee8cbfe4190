// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapctx.c - the map-wide checker data slots and their lifetime (mapctx.h).
 *
 * Called by: paths.c (a checker selected in a map gets its slot), maps.c
 * (a map that goes retires its slots; retired slots are swept).
 * Calls: only the library (which checker plugins still run).
 *
 * Event-loop thread only (daemon.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmultipath.h"
#include "mapctx.h"

void **map_ctx_slot(struct map_ctx **ctxs, const struct checker *c)
{
	const char *name = checker_name(c);
	struct map_ctx *mc;

	if (!ctxs || !checker_selected(c))
		return NULL;
	for (mc = *ctxs; mc; mc = mc->next)
		if (strcmp(mc->checker, name) == 0)
			return &mc->mpctx;
	mc = calloc(1, sizeof(*mc));
	if (!mc)
		return NULL;
	snprintf(mc->checker, sizeof(mc->checker), "%s", name);
	mc->next = *ctxs;
	*ctxs = mc;
	return &mc->mpctx;
}

void map_ctx_retire(struct map_ctx **ctxs, struct map_ctx **retired)
{
	while (*ctxs) {
		struct map_ctx *mc = *ctxs;

		*ctxs = mc->next;
		mc->next = *retired;
		*retired = mc;
	}
}

/* Does a job or thread of plugin name still run (and may read a slot)? */
static bool plugin_busy(const struct checker_plugin_stats *st, int n,
		       const char *name)
{
	int i;

	if (n < 0)
		return true;	/* cannot tell: keep it */
	for (i = 0; i < n; i++)
		if (strcmp(st[i].name, name) == 0)
			return st[i].jobs_queued || st[i].jobs_running ||
			       st[i].threads_running;
	return false;		/* unloaded: nothing of it runs */
}

void map_ctx_sweep(struct map_ctx **retired)
{
	struct checker_plugin_stats *st = NULL;
	struct map_ctx **link = retired;
	int n;

	if (!*retired)
		return;
	n = checker_plugin_stats(&st);
	while (*link) {
		struct map_ctx *mc = *link;

		if (plugin_busy(st, n, mc->checker)) {
			link = &mc->next;
			continue;
		}
		*link = mc->next;
		free(mc->mpctx);
		free(mc);
	}
	if (n >= 0)
		free(st);
}
