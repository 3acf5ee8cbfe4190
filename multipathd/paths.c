// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * paths.c - the path table (paths.h): lookups, the blacklist's verdict,
 * applying the configuration to a path and selecting its checker. Which
 * map a path is in, and its state there, are maps.c's; adding and
 * removing paths is devices.c's.
 *
 * Called by: devices.c, maps.c (a path that joins or leaves a map gets its
 * checker afresh; lookups), checkloop.c, commands.c, daemon.c.
 * Calls: schedule.c (a checker selected afresh is due at once; dropping
 * one drops its check in flight), mapctx.c (the map's checker data), the
 * configuration, the library.
 *
 * Event-loop thread only (see daemon.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpath_time.h"
#include "config.h"
#include "daemon.h"
#include "mapctx.h"
#include "maps.h"
#include "paths.h"
#include "schedule.h"

struct path *path_find(struct daemon *d, const char *devnode)
{
	unsigned int i;

	for (i = 0; i < d->paths.nr; i++)
		if (strcmp(d->paths.list[i]->facts.devnode, devnode) == 0)
			return d->paths.list[i];
	return NULL;
}

/*
 * Does the blacklist keep this device out? With everything discovery
 * knows of it: names, vendor/product, WWID, protocol, and its udev
 * properties when pf still holds them (a path's own copy does not: then
 * "property" entries are not judged, rather than judged on nothing).
 */
bool path_blacklisted(struct daemon *d, const struct path_facts *pf)
{
	struct bl_path bp = {
		.devnode = pf->devnode,
		.vendor = pf->vendor[0] ? pf->vendor : NULL,
		.product = pf->product[0] ? pf->product : NULL,
		.wwid = pf->wwid[0] ? pf->wwid : NULL,
		.protocol = pf->protocol[0] ? pf->protocol : NULL,
		.props = (const char *const *)pf->props,
	};
	const char *why = config_blacklist_reason(d->conf, &bp);

	if (why)
		mpath_log(MPATH_LOG_DEBUG, "%s: blacklisted (%s)", pf->devnode,
			  why);
	return why != NULL;
}

struct path *path_find_devt(struct daemon *d, dev_t devt)
{
	unsigned int i;

	for (i = 0; i < d->paths.nr; i++)
		if (d->paths.list[i]->facts.devt == devt)
			return d->paths.list[i];
	return NULL;
}

void path_put_checker(struct daemon *d, struct path *pp)
{
	sched_pending_clear(&d->sched, pp);
	checker_put(&pp->checker);
}

void path_apply_config(struct daemon *d, struct path *pp, bool reselect)
{
	struct path_settings *set = &pp->set;
	unsigned int timeout;

	config_path_settings(d->conf, pp->facts.vendor, pp->facts.product,
			     pp->facts.is_scsi, set);
	timeout = set->checker_timeout ? set->checker_timeout :
		  pp->facts.scsi_timeout ? pp->facts.scsi_timeout :
		  MPATH_DEFAULT_CHECK_TIMEOUT_S;
	pp->interval = set->polling_interval;
	sched_path_at(&d->sched, pp, mpath_now_ns());
	if (!reselect && checker_selected(&pp->checker) &&
	    strcmp(checker_name(&pp->checker), set->checker) == 0) {
		pp->checker.timeout = timeout;
		return;
	}
	path_put_checker(d, pp);
	checker_clear(&pp->checker);
	checker_get(&pp->checker, set->checker);
	if (!checker_selected(&pp->checker)) {
		/* The library said why, once; the path shows it too. */
		snprintf(pp->msg, sizeof(pp->msg), "checker %s unavailable",
			 set->checker);
		return;
	}
	checker_set_fd(&pp->checker, pp->fd);
	pp->checker.timeout = timeout;
	if (checker_init(&pp->checker, map_ctx_slot(pp->map ? &pp->map->ctxs :
						    NULL, &pp->checker)) != 0) {
		snprintf(pp->msg, sizeof(pp->msg), "checker %s failed to start",
			 set->checker);
		checker_put(&pp->checker);
		return;
	}
	checker_set_async(&pp->checker);
}

int paths_reserve(struct daemon *d)
{
	unsigned int cap = d->paths.cap ? d->paths.cap * 2 : 64;
	struct path **p;

	if (d->paths.nr < d->paths.cap)
		return 0;
	p = realloc(d->paths.list, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->paths.list = p;
	if (sched_reserve(&d->sched, cap) < 0)
		return -ENOMEM;	/* the bigger table is harmless */
	d->paths.cap = cap;
	return 0;
}

void paths_insert(struct daemon *d, struct path *pp)
{
	d->paths.list[d->paths.nr++] = pp;
}

void paths_delete(struct daemon *d, struct path *pp)
{
	unsigned int i;

	for (i = 0; i < d->paths.nr; i++) {
		if (d->paths.list[i] == pp) {
			d->paths.list[i] = d->paths.list[--d->paths.nr];
			break;
		}
	}
}

void paths_free(struct daemon *d)
{
	free(d->paths.list);
	d->paths.list = NULL;
	d->paths.nr = d->paths.cap = 0;
}

/*
 * "losetup -d" on a device that is held open (we hold every path open)
 * only sets this flag: the kernel detaches at the last close, and says
 * nothing until then.
 */
int path_loop_autoclear(const struct path *pp)
{
	char path[96], ch = 0;
	int fd, n;

	if (strncmp(pp->facts.devnode, "loop", 4) != 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/block/%s/loop/autoclear",
		 pp->facts.devnode);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, &ch, 1);
	close(fd);
	return n == 1 ? ch == '1' : -1;
}

/*
 * Letting go lets the kernel detach it (its change event, size 0, then
 * finds nothing to add). One small sysfs read, for loop devices only.
 * Devices attached with autoclear already set (mount -o loop) are left
 * alone.
 */
void path_check_detach(struct path *pp)
{
	if (pp->loop_autoclear == 0 && path_loop_autoclear(pp) == 1)
		pp->detaching = true;
}
