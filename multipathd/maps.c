// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * maps.c - the daemon's dm-multipath maps (see maps.h): reading them,
 * following the kernel's changes to them, and driving each path's state in
 * its map toward what its checker and the operator say.
 *
 * How changes are learned. dm-multipath fails a path by itself when I/O on
 * it errors, and other tools create, reload and remove maps at any time.
 * Each of those sends a uevent for the map's dm device: "add" at create,
 * "change" at every resume (a new table) and for every path failed or
 * reinstated (DM_ACTION=PATH_FAILED / PATH_REINSTATED, DM_PATH=MAJ:MIN),
 * "remove" at removal. The daemon already listens to block uevents (udev's
 * when udevd runs, the kernel's otherwise), so maps ride on that monitor:
 * no second event source, and no wake-up while nothing happens. Each event
 * names its dm device, so only that map is re-read (one status ioctl).
 * device-mapper's own event interface (DM_DEV_ARM_POLL on the control
 * node) was not chosen: it says only that some map's event counter moved,
 * which means re-reading every map at each event, and it misses map
 * creation. Lost uevents (a full socket buffer) are noticed by the
 * monitor and answered with maps_refresh_all(), as are reconfigures.
 *
 * The rule (map_path_sync()): a path the checker says down, or that the
 * operator failed, is failed in its map if the kernel shows it active; a
 * path failed in its map, by anyone, is reinstated once a check that
 * started after the failure was seen says it is usable, and the operator
 * has not failed it. A path the kernel fails again right after we
 * reinstated it is held off, longer each time (up to
 * max_polling_interval), so a path that passes its check but fails I/O
 * does not make us fight the kernel in a loop.
 *
 * Called by: daemon.c (uevents, rescans, reconfigure), devices.c (paths
 * joining and leaving), checkloop.c (each result, each operator command;
 * sweeping retired slots), commands.c (lookups).
 * Calls: paths.c (lookups; a path that joins or leaves a map gets its
 * checker afresh), schedule.c (a path to be checked sooner), mapctx.c,
 * dm.c, the configuration.
 *
 * Event-loop thread only (daemon.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "mpath_time.h"
#include "config.h"
#include "daemon.h"
#include "dm.h"
#include "mapctx.h"
#include "maps.h"
#include "paths.h"
#include "schedule.h"

/* A kernel failure this soon after our reinstatement counts as a flap. */
#define FLAP_WINDOW_NS	(10 * MPATH_NSEC_PER_SEC)
#define FLAPS_MAX	8

/* --- lookups ------------------------------------------------------------- */

struct mpath_map *map_find(struct daemon *d, const char *name)
{
	unsigned int i;

	for (i = 0; i < d->maps.nr; i++)
		if (strcmp(d->maps.list[i]->name, name) == 0)
			return d->maps.list[i];
	return NULL;
}

static struct mpath_map *map_find_devt(struct daemon *d, dev_t devt)
{
	unsigned int i;

	for (i = 0; i < d->maps.nr; i++)
		if (d->maps.list[i]->devt == devt)
			return d->maps.list[i];
	return NULL;
}

static struct map_path *map_path_find(const struct mpath_map *m, dev_t devt)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		if (m->paths[i].devt == devt)
			return &m->paths[i];
	return NULL;
}

struct map_path *map_path_of(const struct path *pp)
{
	return pp->map ? map_path_find(pp->map, pp->facts.devt) : NULL;
}

const char *map_path_dm_state(const struct path *pp)
{
	const struct map_path *mp = map_path_of(pp);

	if (!mp)
		return "-";
	return mp->dm_failed ? "failed" : "active";
}

/* --- map-wide checker data ------------------------------------------------- */

void maps_sweep_retired(struct daemon *d)
{
	map_ctx_sweep(&d->maps.retired);
}

/* --- joining paths and maps ------------------------------------------------ */

/*
 * Move pp into map m (or out of any, m NULL). Its checker is selected
 * afresh, so that it gets m's map-wide data (or none): checker_init() is
 * the only moment a plugin is given it.
 */
static void path_move(struct daemon *d, struct path *pp, struct mpath_map *m)
{
	if (pp->map == m)
		return;
	if (m)
		mpath_log(MPATH_LOG_NOTICE, "%s: in map %s", pp->facts.devnode,
			  m->name);
	else
		mpath_log(MPATH_LOG_NOTICE, "%s: no longer in map %s",
			  pp->facts.devnode, pp->map->name);
	pp->map = m;
	path_apply_config(d, pp, true);
}

void map_path_link(struct daemon *d, struct path *pp)
{
	unsigned int i;

	for (i = 0; i < d->maps.nr; i++) {
		struct map_path *mp = map_path_find(d->maps.list[i],
						    pp->facts.devt);

		if (mp && !mp->pp) {
			mp->pp = pp;
			pp->map = d->maps.list[i];
			return;
		}
	}
	pp->map = NULL;
}

void map_path_unlink(struct daemon *d, struct path *pp)
{
	struct map_path *mp = map_path_of(pp);

	if (mp && mp->pp == pp)
		mp->pp = NULL;
	pp->map = NULL;
}

/* --- keeping the kernel's state in line ------------------------------------- */

static const char *origin_text(enum dm_fail_origin o)
{
	switch (o) {
	case DM_FAIL_FOUND:
		return "when multipathd found it";
	case DM_FAIL_KERNEL:
		return "by the kernel";
	case DM_FAIL_CHECKER:
		return "by multipathd (checker)";
	case DM_FAIL_OPERATOR:
		return "by the operator";
	case DM_FAIL_NONE:
		break;
	}
	return "";
}

/*
 * The result of a message to the kernel: a failure is logged once, not at
 * every check that retries it, and so is the first success after one.
 */
static void msg_result(struct path *pp, struct map_path *mp, const char *verb,
		       int err)
{
	if (err && !mp->msg_failed)
		mpath_log(MPATH_LOG_ERR, "%s: cannot %s it in map %s: %s (retried at each check)",
			  pp->facts.devnode, verb, pp->map->name,
			  strerror(-err));
	else if (!err && mp->msg_failed)
		mpath_log(MPATH_LOG_NOTICE, "%s: map %s takes messages again",
			  pp->facts.devnode, pp->map->name);
	mp->msg_failed = err != 0;
}

static void sync_fail(struct daemon *d, struct path *pp, struct map_path *mp,
		      uint64_t now)
{
	enum dm_fail_origin origin = pp->operator_failed ? DM_FAIL_OPERATOR :
							    DM_FAIL_CHECKER;
	int err;

	if (mp->dm_failed)
		return;
	err = dm_fail_path(pp->map->name, pp->facts.devt);
	msg_result(pp, mp, "fail", err);
	if (err)
		return;
	mp->dm_failed = true;
	mp->origin = origin;
	mp->failed_at = 0;	/* ours: the checker's view stays current */
	if (origin == DM_FAIL_OPERATOR)
		mpath_log(MPATH_LOG_NOTICE, "%s: failed in map %s: failed by the operator",
			  pp->facts.devnode, pp->map->name);
	else
		mpath_log(MPATH_LOG_NOTICE, "%s: failed in map %s: checker %s",
			  pp->facts.devnode, pp->map->name,
			  checker_state_name(pp->state));
}

static void sync_reinstate(struct daemon *d, struct path *pp,
			   struct map_path *mp, uint64_t now)
{
	int err;

	/*
	 * Failed by someone else: the checker's last word may predate the
	 * failure, so wait for a check that started after it was seen.
	 */
	if (pp->result_started < mp->failed_at) {
		if (!pp->pending)
			sched_path_at(&d->sched, pp, now);
		return;
	}
	if (now < mp->holdoff_until) {
		/* It is failed in the map meanwhile: look again then. */
		if (!pp->pending)
			sched_path_at(&d->sched, pp, mp->holdoff_until);
		return;
	}
	err = dm_reinstate_path(pp->map->name, pp->facts.devt);
	msg_result(pp, mp, "reinstate", err);
	if (err)
		return;
	mpath_log(MPATH_LOG_NOTICE, "%s: reinstated in map %s: failed %s, checker %s",
		  pp->facts.devnode, pp->map->name, origin_text(mp->origin),
		  checker_state_name(pp->state));
	mp->dm_failed = false;
	mp->origin = DM_FAIL_NONE;
	mp->failed_at = 0;
	mp->reinstated_at = now;
}

void map_path_sync(struct daemon *d, struct path *pp)
{
	struct map_path *mp;

	if (!d->dm || !pp->map)
		return;
	mp = map_path_of(pp);
	if (!mp)
		return;
	if (pp->operator_failed || path_state_failed(pp->state))
		sync_fail(d, pp, mp, mpath_now_ns());
	else if (mp->dm_failed && path_state_usable(pp->state))
		sync_reinstate(d, pp, mp, mpath_now_ns());
}

/* --- reading maps ---------------------------------------------------------------- */

/* The kernel failed a path we had reinstated moments ago: hold off. */
static void note_flap(struct path *pp, struct map_path *mp, uint64_t now)
{
	uint64_t hold;

	if (!mp->reinstated_at || now - mp->reinstated_at > FLAP_WINDOW_NS) {
		mp->flaps = 0;
		return;
	}
	if (mp->flaps < FLAPS_MAX)
		mp->flaps++;
	hold = (uint64_t)pp->set.polling_interval << mp->flaps;
	if (hold > pp->set.max_polling_interval)
		hold = pp->set.max_polling_interval;
	mp->holdoff_until = now + hold * MPATH_NSEC_PER_SEC;
	mpath_log(MPATH_LOG_WARNING, "%s: failed again in map %s by the kernel %.1f s after it was reinstated; not reinstating it for %llu s",
		  pp->facts.devnode, pp->map ? pp->map->name : "?",
		  (now - mp->reinstated_at) / 1e9, (unsigned long long)hold);
}

/*
 * Take in what the kernel says of one path: its state in the map as read
 * now (mp), against what we knew (old, NULL for a path new to the map).
 */
static void path_state_read(struct mpath_map *m, struct map_path *mp,
			    const struct map_path *old, bool map_new,
			    uint64_t now)
{
	const char *dev = mp->pp ? mp->pp->facts.devnode : NULL;
	char devt[24];

	if (!dev) {
		snprintf(devt, sizeof(devt), "%u:%u", major(mp->devt),
			 minor(mp->devt));
		dev = devt;
	}
	if (old) {
		mp->origin = old->origin;
		mp->failed_at = old->failed_at;
		mp->reinstated_at = old->reinstated_at;
		mp->holdoff_until = old->holdoff_until;
		mp->flaps = old->flaps;
		mp->msg_failed = old->msg_failed;
	}
	if (!mp->dm_failed) {
		if (old && old->dm_failed)
			mpath_log(MPATH_LOG_NOTICE, "%s: reinstated in map %s, not by multipathd",
				  dev, m->name);
		mp->origin = DM_FAIL_NONE;
		mp->failed_at = 0;
		return;
	}
	if (old && old->dm_failed)
		return;		/* nothing new */
	mp->origin = old || !map_new ? DM_FAIL_KERNEL : DM_FAIL_FOUND;
	mp->failed_at = now;
	mpath_log(MPATH_LOG_NOTICE, "%s: failed in map %s %s (fail count %u)",
		  dev, m->name, origin_text(mp->origin), mp->fail_count);
	if (old && mp->pp)
		note_flap(mp->pp, mp, now);
}

/*
 * The alias the configuration gives the map's WWID (its dm uuid without
 * upstream's "mpath-" prefix). Copied: the configuration changes at a
 * reconfigure, which re-reads every map.
 */
static void map_alias_update(struct daemon *d, struct mpath_map *m)
{
	const char *alias = NULL;

	if (d->conf && strncmp(m->uuid, "mpath-", 6) == 0)
		alias = config_alias(d->conf, m->uuid + 6);
	snprintf(m->alias, sizeof(m->alias), "%s", alias ? alias : "");
}

/*
 * Install what dm_map_read() gave into m: the new path list replaces the
 * old one, the paths of the table are linked to the monitored paths, and
 * paths that left or joined are moved. Takes info's path array.
 */
static int map_take(struct daemon *d, struct mpath_map *m,
		    struct dm_map_info *info, bool map_new)
{
	struct map_path *old = m->paths, *np;
	unsigned int nr_old = m->nr_paths, i, j;
	uint64_t now = mpath_now_ns();

	np = calloc(info->nr_paths ? info->nr_paths : 1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	snprintf(m->uuid, sizeof(m->uuid), "%s", info->uuid);
	map_alias_update(d, m);
	for (i = 0; i < info->nr_paths; i++) {
		const struct map_path *o = NULL;

		np[i].devt = info->paths[i].devt;
		np[i].dm_failed = info->paths[i].failed;
		np[i].fail_count = info->paths[i].fail_count;
		for (j = 0; j < nr_old && !o; j++)
			if (old[j].devt == np[i].devt)
				o = &old[j];
		np[i].pp = path_find_devt(d, np[i].devt);
		if (np[i].pp && np[i].pp->map && np[i].pp->map != m) {
			/* The kernel normally prevents it; said once. */
			if (!o)
				mpath_log(MPATH_LOG_WARNING, "%s: in maps %s and %s; staying with %s",
					  np[i].pp->facts.devnode,
					  np[i].pp->map->name, m->name,
					  np[i].pp->map->name);
			np[i].pp = NULL;
		}
		path_state_read(m, &np[i], o, map_new, now);
	}
	m->paths = np;
	m->nr_paths = info->nr_paths;
	dm_map_info_release(info);
	/* Paths that left: out of the map, their checker without its data. */
	for (j = 0; j < nr_old; j++) {
		struct path *pp = old[j].pp;

		if (pp && pp->map == m && !map_path_find(m, pp->facts.devt))
			path_move(d, pp, NULL);
	}
	free(old);
	/* Paths that joined: in, then in line with their checker. */
	for (i = 0; i < m->nr_paths; i++) {
		struct path *pp = m->paths[i].pp;

		if (pp)
			path_move(d, pp, m);
	}
	for (i = 0; i < m->nr_paths; i++)
		if (m->paths[i].pp)
			map_path_sync(d, m->paths[i].pp);
	return 0;
}

static void map_free(struct daemon *d, struct mpath_map *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++) {
		struct path *pp = m->paths[i].pp;

		if (pp && pp->map == m)
			pp->map = NULL;
	}
	/* Checks of its paths may still read the slots: retire them. */
	map_ctx_retire(&m->ctxs, &d->maps.retired);
	free(m->paths);
	free(m);
}

/* Forget map m: its paths stay monitored, in no map. */
static void map_remove(struct daemon *d, struct mpath_map *m)
{
	unsigned int i;

	mpath_log(MPATH_LOG_NOTICE, "map %s: removed", m->name);
	for (i = 0; i < d->maps.nr; i++) {
		if (d->maps.list[i] == m) {
			d->maps.list[i] = d->maps.list[--d->maps.nr];
			break;
		}
	}
	for (i = 0; i < m->nr_paths; i++) {
		struct path *pp = m->paths[i].pp;

		if (pp && pp->map == m)
			path_move(d, pp, NULL);
	}
	map_free(d, m);
	maps_sweep_retired(d);
}

static void map_log_added(const struct mpath_map *m)
{
	unsigned int i, mine = 0;

	for (i = 0; i < m->nr_paths; i++)
		mine += m->paths[i].pp != NULL;
	mpath_log(MPATH_LOG_NOTICE, "map %s: added (uuid %s, %u:%u, %u paths, %u monitored)",
		  m->name, *m->uuid ? m->uuid : "none", major(m->devt),
		  minor(m->devt), m->nr_paths, mine);
}

/*
 * Read the map of dm device devt and bring our object in line: added,
 * updated, or removed when it is gone or no longer a multipath map.
 */
static void map_refresh(struct daemon *d, dev_t devt)
{
	struct mpath_map *m = map_find_devt(d, devt);
	struct dm_map_info info;
	bool map_new = false;
	int err;

	err = dm_map_read(devt, &info);
	if (err) {
		if (err == -ENOMEM)
			mpath_log(MPATH_LOG_ERR, "dm: map %u:%u: out of memory reading it",
				  major(devt), minor(devt));
		else if (err != -ENXIO && err != -ENODATA &&
			 err != -EMEDIUMTYPE && err != -EINVAL &&
			 err != -ENAMETOOLONG)
			mpath_log(MPATH_LOG_WARNING, "dm: map %u:%u: cannot read its status: %s",
				  major(devt), minor(devt), strerror(-err));
		/* Gone, not (or no longer) multipath: let it go. */
		if (m && err != -ENOMEM)
			map_remove(d, m);
		return;
	}
	if (m && strcmp(m->name, info.name) != 0) {
		mpath_log(MPATH_LOG_NOTICE, "map %s: renamed to %s", m->name,
			  info.name);
		snprintf(m->name, sizeof(m->name), "%s", info.name);
	}
	if (!m) {
		if (d->maps.nr == d->maps.cap) {
			unsigned int cap = d->maps.cap ? 2 * d->maps.cap : 16;
			struct mpath_map **p = realloc(d->maps.list,
							cap * sizeof(*p));

			if (!p)
				goto nomem;
			d->maps.list = p;
			d->maps.cap = cap;
		}
		m = calloc(1, sizeof(*m));
		if (!m)
			goto nomem;
		snprintf(m->name, sizeof(m->name), "%s", info.name);
		m->devt = devt;
		d->maps.list[d->maps.nr++] = m;
		map_new = true;
	}
	if (map_take(d, m, &info, map_new) < 0)
		goto nomem;
	if (map_new)
		map_log_added(m);
	return;
nomem:
	dm_map_info_release(&info);
	mpath_log(MPATH_LOG_ERR, "dm: map %s: out of memory", info.name);
}

void maps_event(struct daemon *d, const struct dm_uevent *ev)
{
	struct mpath_map *m;
	struct path *pp;

	if (!d->dm)
		return;
	if (ev->remove) {
		m = map_find_devt(d, ev->devt);
		if (m)
			map_remove(d, m);
		return;
	}
	map_refresh(d, ev->devt);
	/*
	 * A path failed in its map: check it now rather than at its next
	 * interval, so that it is reinstated as soon as it works (or shown
	 * down as soon as it does not).
	 */
	if (strcmp(ev->dm_action, "PATH_FAILED") == 0 && ev->dm_path) {
		pp = path_find_devt(d, ev->dm_path);
		if (pp && !pp->pending)
			sched_path_at(&d->sched, pp, mpath_now_ns());
	}
}

void maps_refresh_all(struct daemon *d)
{
	struct dm_map_id *ids = NULL;
	unsigned int nr = 0, i, j;

	if (!d->dm)
		return;
	if (dm_map_list(&ids, &nr) < 0)
		return;		/* logged; keep what we have */
	/* Maps that are gone. */
	for (i = 0; i < d->maps.nr;) {
		bool found = false;

		for (j = 0; j < nr && !found; j++)
			found = ids[j].devt == d->maps.list[i]->devt;
		if (found)
			i++;
		else
			map_remove(d, d->maps.list[i]); /* the last to i */
	}
	for (j = 0; j < nr; j++)
		map_refresh(d, ids[j].devt);
	free(ids);
	mpath_log(MPATH_LOG_DEBUG, "dm: %u multipath maps", d->maps.nr);
}

void maps_free(struct daemon *d)
{
	while (d->maps.nr)
		map_free(d, d->maps.list[--d->maps.nr]);
	free(d->maps.list);
	d->maps.list = NULL;
	d->maps.cap = 0;
	maps_sweep_retired(d);
}
