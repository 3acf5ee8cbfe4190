/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.h - one monitored block device (struct path) and the table of
 * them: lookups, the blacklist's verdict, and the configuration applied
 * to a path with its checker selected. Adding and removing paths, which
 * also involves maps, is devices.c's.
 *
 * The table (daemon.paths) owns every struct path. Event-loop thread only
 * (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_PATHS_H
#define MPATHD_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libmultipath.h"
#include "config.h"
#include "discovery.h"

struct daemon;
struct mpath_map;

/* One monitored block device. Owned by daemon.paths. */
struct path {
	struct path_facts facts;	/* read at discovery and on change */
	struct path_settings set;	/* from the configuration */
	int fd;				/* the device, O_RDONLY; -1 if it failed */
	struct checker checker;
	int state;			/* last result: PATH_* */
	char msg[128];			/* the message that came with it */
	bool pending;			/* a check is in flight (schedule.c) */
	unsigned int pending_slot;	/* its index in sched.pending then */
	bool operator_failed;		/* "fail path": until "reinstate path" */
	struct mpath_map *map;		/* the map whose table holds it, or NULL */
	unsigned int interval;		/* current polling interval, s */
	uint64_t next_check;		/* CLOCK_MONOTONIC ns (schedule.c) */
	uint64_t started;		/* when the check in flight started */
	uint64_t result_started;	/* when the check behind state started */
	uint64_t last_change;		/* when state last changed */
	unsigned long checks;		/* completed checks */
	int loop_autoclear;		/* loop devices: the flag at add; -1 not loop */
	bool detaching;			/* being detached: release at next sweep */
};

/* path_of_checker - the path whose checker c is (checker_completed()). */
static inline struct path *path_of_checker(struct checker *c)
{
	return (struct path *)((char *)c - offsetof(struct path, checker));
}

/* The path table: part of struct daemon. */
struct path_table {
	struct path **list;
	unsigned int nr, cap;
};

/* A path in one of these states may carry I/O. */
static inline bool path_state_usable(int state)
{
	return state == PATH_UP || state == PATH_GHOST;
}

/* States that mean the path must not carry I/O; others decide nothing. */
static inline bool path_state_failed(int state)
{
	return state == PATH_DOWN || state == PATH_TIMEOUT ||
	       state == PATH_SHAKY || state == PATH_DISCONNECTED;
}

/* path_find, path_find_devt - the monitored path by name or number; NULL. */
struct path *path_find(struct daemon *d, const char *devnode);
struct path *path_find_devt(struct daemon *d, dev_t devt);

/*
 * path_blacklisted - does the blacklist keep this device out? With
 * everything discovery knows of it; logged at debug level.
 */
bool path_blacklisted(struct daemon *d, const struct path_facts *pf);

/*
 * path_apply_config - take the path's settings from the configuration and,
 * with reselect (or when none is selected), select and set up its checker
 * afresh, with its map's data (pp->map). The next check is due at once; a
 * check in flight is dropped with the checker it ran on.
 */
void path_apply_config(struct daemon *d, struct path *pp, bool reselect);

/*
 * path_put_checker - drop the path's checker (removal); a check in flight
 * is the library's to finish.
 */
void path_put_checker(struct daemon *d, struct path *pp);

/*
 * paths_reserve - room in the table for one more path, and for its check
 * in flight. 0 or -ENOMEM.
 */
int paths_reserve(struct daemon *d);

/* paths_insert - pp into the table, after paths_reserve() said 0. */
void paths_insert(struct daemon *d, struct path *pp);

/* paths_delete - pp out of the table (the last one moves to its index). */
void paths_delete(struct daemon *d, struct path *pp);

/* paths_free - the table itself, once it is empty (shutdown). */
void paths_free(struct daemon *d);

/*
 * path_loop_autoclear - the "autoclear" flag of a loop device, or -1 (not
 * a loop device, or unreadable). One small sysfs read.
 */
int path_loop_autoclear(const struct path *pp);

/*
 * path_check_detach - after a check of a loop device: if its autoclear flag
 * went from 0 to 1 while we monitored it, someone detached it: mark the
 * path detaching, for devices_sweep_detaching() to let go of.
 */
void path_check_detach(struct path *pp);

#endif /* MPATHD_PATHS_H */
