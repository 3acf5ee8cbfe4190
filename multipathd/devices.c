// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices.c - devices coming and going (devices.h): adding discovered
 * devices as paths (unless the blacklist or "del path" keeps them out),
 * removing vanished ones, the operator's "add path" and "del path", and
 * letting go of loop devices being detached.
 *
 * Called by: daemon.c (udev events, reconfigure, the sweep after each
 * turn, shutdown), commands.c ("add path", "del path").
 * Calls: paths.c (the table, the checker), maps.c (joining and leaving a
 * map), schedule.c (freeing its array at shutdown).
 *
 * Event-loop thread only (see daemon.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "daemon.h"
#include "devices.h"
#include "maps.h"
#include "paths.h"
#include "schedule.h"

/*
 * At most this many "del path" names are remembered: root's commands
 * only, but a loop in a script must not grow the daemon without bound.
 */
#define MAX_DELETED	4096

/* The index of devnode among the deleted names, or -1. */
static int device_deleted(struct daemon *d, const char *devnode)
{
	unsigned int i;

	for (i = 0; i < d->devices.nr_deleted; i++)
		if (strcmp(d->devices.deleted[i], devnode) == 0)
			return (int)i;
	return -1;
}

void device_add(struct daemon *d, const struct path_facts *pf)
{
	struct path *pp = path_find(d, pf->devnode);
	uint64_t size;

	if (!pp && device_deleted(d, pf->devnode) >= 0) {
		mpath_log(MPATH_LOG_DEBUG, "%s: deleted by the operator, not added",
			  pf->devnode);
		return;
	}
	if (path_blacklisted(d, pf)) {
		if (pp)
			device_remove(d, pp);
		return;
	}
	if (pp) {
		/* A loop device detached: a change event, and no medium. */
		if (pp->fd >= 0 && ioctl(pp->fd, BLKGETSIZE64, &size) == 0 &&
		    size == 0) {
			device_remove(d, pp);
			return;
		}
		pp->facts = *pf;
		pp->facts.props = NULL;		/* discovery's, for now */
		path_apply_config(d, pp, false);
		return;
	}
	if (paths_reserve(d) < 0) {
		mpath_log(MPATH_LOG_ERR, "%s: out of memory", pf->devnode);
		return;
	}
	pp = calloc(1, sizeof(*pp));
	if (!pp) {
		mpath_log(MPATH_LOG_ERR, "%s: out of memory", pf->devnode);
		return;
	}
	pp->facts = *pf;
	pp->facts.props = NULL;		/* discovery's, for now */
	pp->fd = open(pf->devpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (pp->fd < 0) {
		/* Gone already, or not ours to open: nothing to monitor. */
		mpath_log(MPATH_LOG_WARNING, "%s: cannot open %s: %s",
			  pf->devnode, pf->devpath, strerror(errno));
		free(pp);
		return;
	}
	if (ioctl(pp->fd, BLKGETSIZE64, &size) == 0 && size == 0) {
		/* No medium (an unattached loop device): nothing to check yet;
		 * the change event when it gets one adds it. */
		mpath_log(MPATH_LOG_DEBUG, "%s: size 0, ignored", pf->devnode);
		close(pp->fd);
		free(pp);
		return;
	}
	pp->state = PATH_UNCHECKED;
	pp->loop_autoclear = path_loop_autoclear(pp);
	checker_clear(&pp->checker);
	map_path_link(d, pp);
	path_apply_config(d, pp, true);
	paths_insert(d, pp);
	mpath_log(MPATH_LOG_NOTICE, "%s: added (%u:%u, checker %s%s%s)",
		  pf->devnode, major(pf->devt), minor(pf->devt),
		  pp->set.checker, pp->map ? ", map " : "",
		  pp->map ? pp->map->name : "");
}

void device_remove(struct daemon *d, struct path *pp)
{
	paths_delete(d, pp);
	mpath_log(MPATH_LOG_NOTICE, "%s: removed", pp->facts.devnode);
	map_path_unlink(d, pp);
	/*
	 * A check in flight keeps its own copy of the fd (executor) or its own
	 * O_DIRECT descriptor (directio): closing ours cannot hurt it.
	 */
	path_put_checker(d, pp);
	if (pp->fd >= 0)
		close(pp->fd);
	free(pp);
}

void devices_sweep_detaching(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->paths.nr;) {
		struct path *pp = d->paths.list[i];

		if (!pp->detaching) {
			i++;
			continue;
		}
		mpath_log(MPATH_LOG_NOTICE, "%s: being detached, releasing it",
			  pp->facts.devnode);
		device_remove(d, pp);	/* moves the last path to i */
	}
}

int device_add_operator(struct daemon *d, const struct path_facts *pf)
{
	struct devices *dv = &d->devices;
	int i = device_deleted(d, pf->devnode);

	if (i >= 0)
		memmove(dv->deleted[i], dv->deleted[--dv->nr_deleted],
			sizeof(dv->deleted[i]));
	if (path_find(d, pf->devnode))
		return 0;
	if (path_blacklisted(d, pf))
		return -EPERM;
	device_add(d, pf);
	return path_find(d, pf->devnode) ? 0 : -EIO;
}

/* As upstream's multipathd ignores events of a path it was told to drop. */
int device_del_operator(struct daemon *d, struct path *pp)
{
	struct devices *dv = &d->devices;
	char (*del)[32];

	if (device_deleted(d, pp->facts.devnode) < 0) {
		if (dv->nr_deleted >= MAX_DELETED)
			return -ENOSPC;
		del = realloc(dv->deleted, (dv->nr_deleted + 1) * sizeof(*del));
		if (!del)
			return -ENOMEM;
		dv->deleted = del;
		snprintf(del[dv->nr_deleted++], sizeof(*del), "%s",
			 pp->facts.devnode);
	}
	device_remove(d, pp);
	return 0;
}

void devices_free(struct daemon *d)
{
	free(d->devices.deleted);
	d->devices.deleted = NULL;
	d->devices.nr_deleted = 0;
	while (d->paths.nr)
		device_remove(d, d->paths.list[d->paths.nr - 1]);
	paths_free(d);
	sched_free(&d->sched);
	/* Slots that hung checks may still read stay: the process ends. */
	maps_free(d);
}
