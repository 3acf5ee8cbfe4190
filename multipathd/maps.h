/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * maps.h - the daemon's dm-multipath maps: one object per map, holding the
 * kernel's view of each of its paths, kept in step with the kernel by
 * device-mapper's uevents, and the rule that drives each path's state in
 * its map toward what its checker and the operator say.
 *
 * maps.c owns every struct mpath_map, through the map table in struct
 * daemon. Event-loop thread only (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_MAPS_H
#define MPATHD_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dm.h"
#include "mapctx.h"

struct daemon;
struct path;

/* Who failed a path in its map, as far as multipathd knows. */
enum dm_fail_origin {
	DM_FAIL_NONE,		/* active */
	DM_FAIL_FOUND,		/* failed when we first read the map */
	DM_FAIL_KERNEL,		/* by the kernel (or another tool) */
	DM_FAIL_CHECKER,	/* by us: its checker said it is down */
	DM_FAIL_OPERATOR,	/* by us: "fail path" */
};

/* One path of a map's table, in table order. */
struct map_path {
	dev_t devt;
	struct path *pp;	/* the monitored path, or NULL: not ours */
	bool dm_failed;		/* the kernel's state: F (as read, or as sent) */
	unsigned int fail_count;	/* the kernel's count, as last read */
	enum dm_fail_origin origin;	/* while dm_failed */
	uint64_t failed_at;	/* failed by others: seen then (ns); else 0 */
	uint64_t reinstated_at;	/* when we last reinstated it; 0 never */
	uint64_t holdoff_until;	/* flapping: no reinstatement before */
	unsigned int flaps;	/* kernel failures soon after reinstating */
	bool msg_failed;	/* the last message failed (logged once) */
};

/* One dm-multipath map. */
struct mpath_map {
	char name[DM_MAP_NAME_MAX];
	char uuid[DM_MAP_UUID_MAX];	/* the dm uuid: "mpath-<WWID>" */
	char alias[DM_MAP_NAME_MAX];	/* multipaths { multipath { alias } }; "" */
	dev_t devt;			/* the map's own device (dm-N) */
	struct map_path *paths;		/* in table order */
	unsigned int nr_paths;
	struct map_ctx *ctxs;		/* map-wide checker data */
};

/* The maps: part of struct daemon (daemon.maps). */
struct map_table {
	struct mpath_map **list;
	unsigned int nr, cap;
	struct map_ctx *retired;	/* slots of gone maps (mapctx.h) */
};

/* A device-mapper device's uevent, as discovery passes it on. */
struct dm_uevent {
	bool remove;		/* "remove", else "add" or "change" */
	dev_t devt;		/* the dm device */
	char dm_action[24];	/* DM_ACTION: "PATH_FAILED", ...; "" none */
	dev_t dm_path;		/* DM_PATH; 0 none */
};

/*
 * maps_refresh_all - read every multipath map now (start, reconfigure,
 * lost events): new maps are added, vanished ones dropped, the others
 * updated. Without device-mapper it does nothing.
 */
void maps_refresh_all(struct daemon *d);

/* maps_event - a dm device changed: re-read that one map. */
void maps_event(struct daemon *d, const struct dm_uevent *ev);

/* map_find - the map named name, or NULL. */
struct mpath_map *map_find(struct daemon *d, const char *name);

/*
 * map_path_link / map_path_unlink - a path starts or stops being monitored:
 * join it to the map whose table holds it (pp->map), or take it out.
 */
void map_path_link(struct daemon *d, struct path *pp);
void map_path_unlink(struct daemon *d, struct path *pp);

/* map_path_of - pp's entry in its map, or NULL when in none. */
struct map_path *map_path_of(const struct path *pp);

/* "active", "failed", or "-" when the path is in no map. */
const char *map_path_dm_state(const struct path *pp);

/*
 * map_path_sync - drive pp's state in its map toward what its checker and
 * the operator say: fail it if its checker says down (or the operator
 * failed it) and the kernel shows it active; reinstate it if it is failed
 * (by anyone) and a check started after the failure says usable. Each
 * action is logged once, with its reason. Call after every check result
 * and operator command.
 */
void map_path_sync(struct daemon *d, struct path *pp);

/*
 * maps_sweep_retired - free the retired slots no check can read any more
 * (after results are collected: a check that completed may have been the
 * last to read one).
 */
void maps_sweep_retired(struct daemon *d);

/* maps_free - drop every map (shutdown); paths keep running without. */
void maps_free(struct daemon *d);

#endif /* MPATHD_MAPS_H */
