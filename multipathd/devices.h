/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devices.h - devices coming and going: a discovered device becomes a
 * monitored path (unless the blacklist keeps it out), joins the map whose
 * table holds it and gets its checker; a vanished, blacklisted, deleted or
 * detached one leaves its map, its check in flight and the table.
 *
 * Event-loop thread only (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_DEVICES_H
#define MPATHD_DEVICES_H

struct daemon;
struct path;
struct path_facts;

/*
 * The names "del path" keeps out of the table until "add path": part of
 * struct daemon (daemon.devices).
 */
struct devices {
	char (*deleted)[32];
	unsigned int nr_deleted;
};

/*
 * device_add - start monitoring a device, or refresh the facts of one we
 * monitor (a change event). Blacklisted and deleted devices are ignored.
 */
void device_add(struct daemon *d, const struct path_facts *pf);

/* device_remove - stop monitoring pp, and free it. */
void device_remove(struct daemon *d, struct path *pp);

/*
 * device_add_operator - "add path": start monitoring a device discovery
 * would add, even one deleted by "del path" before. 0 (also when it is
 * monitored already), -EPERM when the blacklist keeps it out, -EIO when it
 * cannot be monitored (cannot be opened, no medium: logged).
 */
int device_add_operator(struct daemon *d, const struct path_facts *pf);

/*
 * device_del_operator - "del path": stop monitoring pp, and keep its name
 * out of the table (udev's add and change events, rescans) until "add
 * path". 0, or -ENOSPC / -ENOMEM when the name cannot be kept (pp stays).
 */
int device_del_operator(struct daemon *d, struct path *pp);

/*
 * devices_sweep_detaching - release the paths found being detached
 * (path_check_detach()); called by the loop, never while it iterates the
 * table.
 */
void devices_sweep_detaching(struct daemon *d);

/*
 * devices_free - shutdown: every path, the table, the maps and the
 * scheduler's array. Hung checks are orphaned to the library.
 */
void devices_free(struct daemon *d);

#endif /* MPATHD_DEVICES_H */
