/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapctx.h - the data a checker shares between the paths of one map
 * (libcheck_mp_init() allocates mpctx with malloc), one slot per checker
 * plugin and map, since each plugin has its own idea of what it holds.
 *
 * Lifetime: a path's struct checker points at &mpctx, and so does the copy
 * an executor job works on, which may outlive the path and the map (a hung
 * check). So a slot is allocated on its own, never moved, and freed only
 * when its map is gone AND its checker plugin has no job or thread left
 * that could read it (map_ctx_sweep()); until then it waits on a retired
 * list (daemon.maps.retired). Nothing leaks as maps come and go: a slot
 * outlives its map only as long as some check of its plugin is still
 * running.
 *
 * Event-loop thread only (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_MAPCTX_H
#define MPATHD_MAPCTX_H

struct checker;

struct map_ctx {
	struct map_ctx *next;
	char checker[16];	/* the plugin whose data mpctx is */
	void *mpctx;		/* the plugin's; NULL until libcheck_mp_init */
};

/*
 * map_ctx_slot - the slot for c's (selected) checker plugin in the list
 * ctxs (one map's), added if it has none, for checker_init(); NULL when
 * ctxs is NULL (no map), c has no checker selected, or on ENOMEM.
 */
void **map_ctx_slot(struct map_ctx **ctxs, const struct checker *c);

/*
 * map_ctx_retire - a map is going: move its slots (*ctxs) to the retired
 * list, where checks of their plugins may still read them.
 */
void map_ctx_retire(struct map_ctx **ctxs, struct map_ctx **retired);

/* map_ctx_sweep - free the retired slots no check can read any more. */
void map_ctx_sweep(struct map_ctx **retired);

#endif /* MPATHD_MAPCTX_H */
