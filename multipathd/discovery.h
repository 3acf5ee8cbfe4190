/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery.h - finding block devices with libudev, at start and live.
 *
 * Facts the daemon's loop needs about a device are read here, once, at
 * discovery and on change events, and kept with the path: the hot path
 * never goes back to sysfs.
 */
#ifndef MPATHD_DISCOVERY_H
#define MPATHD_DISCOVERY_H

#include <stdbool.h>
#include <sys/types.h>

#include "maps.h"

struct udev;
struct udev_monitor;

struct path_facts {
	char devnode[32];	/* kernel name: "sdb", "loop3" */
	char devpath[64];	/* "/dev/sdb" */
	dev_t devt;
	bool is_scsi;		/* a SCSI disk: sd, with a scsi_device parent */
	char vendor[9];		/* "" when unknown */
	char product[17];
	unsigned int scsi_timeout;	/* seconds from sysfs; 0 unknown */
	char wwid[64];		/* as upstream's uid_attribute: "3600a0..."; "" unknown */
	char protocol[16];	/* upstream's names: "scsi:fcp", "nvme"; "" unknown */
	/*
	 * The device's udev properties ("NAME=VALUE", NULL-ended), for the
	 * blacklist's "property" entries. Only while discovery hands the facts
	 * over (its callback, or until disc_facts_release() of an event): a
	 * path's own copy holds NULL. NULL also when they were not read.
	 */
	char **props;
};

/* disc_facts_release - free pf->props (an event's); NULL after. */
void disc_facts_release(struct path_facts *pf);

enum disc_action { DISC_ADD, DISC_CHANGE, DISC_REMOVE, DISC_DM };

/* One event from the monitor. */
struct disc_event {
	enum disc_action action;
	struct path_facts pf;	/* a disk's facts (for REMOVE, names only) */
	struct dm_uevent dm;	/* DISC_DM: a device-mapper device's event */
};

/*
 * disc_enumerate - call fn for every block device of type "disk" that
 * exists now (whole disks, not partitions). Returns 0 or -errno.
 */
int disc_enumerate(struct udev *udev,
		   void (*fn)(const struct path_facts *pf, void *data),
		   void *data);

/*
 * disc_device - the facts of one existing whole disk, by kernel name (or,
 * when name is NULL, by number), as disc_enumerate() would read them:
 * for "add path", its udev properties included (disc_facts_release()
 * them). 0, -ENODEV when there is no such block device, -ENOTBLK when it
 * is not a whole disk, or another -errno.
 */
int disc_device(struct udev *udev, const char *name, dev_t devt,
		struct path_facts *pf);

/* disc_monitor_open - a udev monitor for block devices; its fd is pollable. */
int disc_monitor_open(struct udev *udev, struct udev_monitor **ret);

/*
 * disc_monitor_receive - one pending event (the fd was readable). Returns 1
 * with *ev filled, 0 when the event is not about a whole disk (ignore it),
 * -errno on failure. Events of device-mapper devices (dm-N) come as
 * DISC_DM, with what device-mapper put in them (DM_ACTION, DM_PATH), and
 * their sysfs is not read: the map is maps.c's to read.
 */
int disc_monitor_receive(struct udev_monitor *mon, struct disc_event *ev);

#endif /* MPATHD_DISCOVERY_H */
