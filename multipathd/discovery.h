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
};

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
