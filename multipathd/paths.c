// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * paths.c - the path table: adding discovered devices (unless the
 * blacklist keeps them out), applying the configuration and selecting each
 * path's checker, and removing vanished devices. Which map a path is in,
 * and its state there, are maps.c's.
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

#include "mpath_time.h"
#include "daemon.h"

static int loop_autoclear(const struct path *pp);

/*
 * At most this many "del path" names are remembered: root's commands
 * only, but a loop in a script must not grow the daemon without bound.
 */
#define MAX_DELETED	4096

/* The index of devnode among the deleted names, or -1. */
static int path_deleted(struct daemon *d, const char *devnode)
{
	unsigned int i;

	for (i = 0; i < d->nr_deleted; i++)
		if (strcmp(d->deleted[i], devnode) == 0)
			return (int)i;
	return -1;
}

struct path *path_find(struct daemon *d, const char *devnode)
{
	unsigned int i;

	for (i = 0; i < d->nr_paths; i++)
		if (strcmp(d->paths[i]->facts.devnode, devnode) == 0)
			return d->paths[i];
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

	for (i = 0; i < d->nr_paths; i++)
		if (d->paths[i]->facts.devt == devt)
			return d->paths[i];
	return NULL;
}

/* Drop the path's checker; a check in flight is the library's to finish. */
static void path_put_checker(struct daemon *d, struct path *pp)
{
	path_pending_clear(d, pp);
	checker_put(&pp->checker);
}

/*
 * path_apply_config - take the path's settings from the configuration and,
 * with reselect (or when none is selected), select and set up its checker
 * afresh. The next check is due at once.
 */
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
	path_schedule(d, pp, mpath_now_ns());
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
	if (checker_init(&pp->checker, map_ctx_slot(d, pp)) != 0) {
		snprintf(pp->msg, sizeof(pp->msg), "checker %s failed to start",
			 set->checker);
		checker_put(&pp->checker);
		return;
	}
	checker_set_async(&pp->checker);
}

/* Room for more paths, in the table and in the in-flight array alike. */
static int paths_grow(struct daemon *d)
{
	unsigned int cap = d->cap_paths ? d->cap_paths * 2 : 64;
	struct path **p = realloc(d->paths, cap * sizeof(*p));

	if (!p)
		return -ENOMEM;
	d->paths = p;
	p = realloc(d->pending, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;	/* the bigger table is harmless */
	d->pending = p;
	d->cap_paths = cap;
	return 0;
}

/*
 * path_add - start monitoring a device, or refresh the facts of one we
 * monitor (a change event). Blacklisted devices are ignored.
 */
void path_add(struct daemon *d, const struct path_facts *pf)
{
	struct path *pp = path_find(d, pf->devnode);
	uint64_t size;

	if (!pp && path_deleted(d, pf->devnode) >= 0) {
		mpath_log(MPATH_LOG_DEBUG, "%s: deleted by the operator, not added",
			  pf->devnode);
		return;
	}
	if (path_blacklisted(d, pf)) {
		if (pp)
			path_remove(d, pp);
		return;
	}
	if (pp) {
		/* A loop device detached: a change event, and no medium. */
		if (pp->fd >= 0 && ioctl(pp->fd, BLKGETSIZE64, &size) == 0 &&
		    size == 0) {
			path_remove(d, pp);
			return;
		}
		pp->facts = *pf;
		pp->facts.props = NULL;		/* discovery's, for now */
		path_apply_config(d, pp, false);
		return;
	}
	if (d->nr_paths == d->cap_paths && paths_grow(d) < 0) {
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
	pp->loop_autoclear = loop_autoclear(pp);
	checker_clear(&pp->checker);
	map_path_link(d, pp);
	path_apply_config(d, pp, true);
	d->paths[d->nr_paths++] = pp;
	mpath_log(MPATH_LOG_NOTICE, "%s: added (%u:%u, checker %s%s%s)",
		  pf->devnode, major(pf->devt), minor(pf->devt),
		  pp->set.checker, pp->map ? ", map " : "",
		  pp->map ? pp->map->name : "");
}

void path_remove(struct daemon *d, struct path *pp)
{
	unsigned int i;

	for (i = 0; i < d->nr_paths; i++) {
		if (d->paths[i] == pp) {
			d->paths[i] = d->paths[--d->nr_paths];
			break;
		}
	}
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

/*
 * The "autoclear" flag of a loop device, or -1. "losetup -d" on a device
 * that is held open (we hold every path open) only sets this flag: the
 * kernel detaches at the last close, and says nothing until then.
 */
static int loop_autoclear(const struct path *pp)
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
 * path_check_detach - after a check of a loop device: if its autoclear flag
 * went from 0 to 1 while we monitored it, someone detached it; let go, so
 * that the kernel can (its change event, size 0, then finds nothing to add).
 * One small sysfs read, for loop devices only. Devices attached with
 * autoclear already set (mount -o loop) are left alone.
 */
void path_check_detach(struct path *pp)
{
	if (pp->loop_autoclear == 0 && loop_autoclear(pp) == 1)
		pp->detaching = true;
}

/* Release the paths found being detached (not while iterating the table). */
void paths_sweep_detaching(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_paths;) {
		struct path *pp = d->paths[i];

		if (!pp->detaching) {
			i++;
			continue;
		}
		mpath_log(MPATH_LOG_NOTICE, "%s: being detached, releasing it",
			  pp->facts.devnode);
		path_remove(d, pp);	/* moves the last path to i */
	}
}

/*
 * path_add_operator - "add path": start monitoring a device discovery would
 * add, even one deleted by "del path" before. 0 (also when it is
 * monitored already), -EPERM when the blacklist keeps it out, -EIO when it
 * cannot be monitored (cannot be opened, no medium: logged).
 */
int path_add_operator(struct daemon *d, const struct path_facts *pf)
{
	int i = path_deleted(d, pf->devnode);

	if (i >= 0)
		memmove(d->deleted[i], d->deleted[--d->nr_deleted],
		       sizeof(d->deleted[i]));
	if (path_find(d, pf->devnode))
		return 0;
	if (path_blacklisted(d, pf))
		return -EPERM;
	path_add(d, pf);
	return path_find(d, pf->devnode) ? 0 : -EIO;
}

/*
 * path_del_operator - "del path": stop monitoring pp, and keep its name out
 * of the table (udev's add and change events, rescans) until "add path",
 * as upstream's multipathd ignores events of a path it was told to drop.
 * 0, or -ENOSPC when too many names are kept out already (pp stays).
 */
int path_del_operator(struct daemon *d, struct path *pp)
{
	char (*del)[32];

	if (path_deleted(d, pp->facts.devnode) < 0) {
		if (d->nr_deleted >= MAX_DELETED)
			return -ENOSPC;
		del = realloc(d->deleted, (d->nr_deleted + 1) * sizeof(*del));
		if (!del)
			return -ENOMEM;
		d->deleted = del;
		snprintf(del[d->nr_deleted++], sizeof(*del), "%s",
			 pp->facts.devnode);
	}
	path_remove(d, pp);
	return 0;
}

void paths_free(struct daemon *d)
{
	free(d->deleted);
	d->deleted = NULL;
	d->nr_deleted = 0;
	while (d->nr_paths)
		path_remove(d, d->paths[d->nr_paths - 1]);
	free(d->paths);
	free(d->pending);
	d->paths = d->pending = NULL;
	d->cap_paths = 0;
	/* Slots that hung checks may still read stay: the process ends. */
	maps_free(d);
}
