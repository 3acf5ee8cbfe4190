/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dm.h - what multipathd asks of device-mapper: the maps there are, one
 * multipath map's paths with the kernel's state of each, and the
 * fail_path / reinstate_path target messages.
 *
 * Event-loop thread only (libdevmapper is not thread-safe); every call is
 * one or more ioctls on /dev/mapper/control, none of which waits for I/O.
 */
#ifndef MPATHD_DM_H
#define MPATHD_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DM_MAP_NAME_MAX	128	/* the kernel's DM_NAME_LEN */
#define DM_MAP_UUID_MAX	129	/* the kernel's DM_UUID_LEN */

/*
 * dm_available - is device-mapper usable (/dev/mapper/control present and
 * the driver answering)? Without it multipathd runs monitor-only.
 */
bool dm_available(void);

/* One dm device, as DM_DEVICE_LIST names it (of any target type). */
struct dm_map_id {
	char name[DM_MAP_NAME_MAX];
	dev_t devt;
};

/*
 * dm_map_list - every dm device. On success *ret is a malloc()ed array of
 * *nr entries (free() it). Returns 0 or -errno (logged).
 */
int dm_map_list(struct dm_map_id **ret, unsigned int *nr);

/* One path of a multipath map, as the kernel's status shows it. */
struct dm_map_path {
	dev_t devt;
	bool failed;			/* "F": failed in the map */
	unsigned int fail_count;	/* the kernel's count of failures */
};

/* One multipath map, read with dm_map_read(). */
struct dm_map_info {
	char name[DM_MAP_NAME_MAX];
	char uuid[DM_MAP_UUID_MAX];	/* "" when it has none */
	dev_t devt;
	struct dm_map_path *paths;	/* malloc()ed; in table order */
	unsigned int nr_paths;
};

/*
 * dm_map_read - the name, uuid and paths (in table order, with their
 * states) of dm device devt, from one status ioctl. Returns 0 with *ret
 * filled (dm_map_info_release() it), or:
 *   -ENXIO        no such device (removed meanwhile);
 *   -ENODATA      no live table yet (created, not yet loaded and resumed);
 *   -EMEDIUMTYPE  not a multipath map;
 *   -EINVAL       a multipath status that makes no sense (logged);
 *   -ENAMETOOLONG, -ENOMEM, other -errno from the ioctl.
 */
int dm_map_read(dev_t devt, struct dm_map_info *ret);
void dm_map_info_release(struct dm_map_info *info);

/*
 * dm_fail_path / dm_reinstate_path - send "fail_path MAJ:MIN" or
 * "reinstate_path MAJ:MIN" to map's multipath target (sector 0).
 * Returns 0 or -errno, logged at debug level only: the caller reports it.
 */
int dm_fail_path(const char *map, dev_t path);
int dm_reinstate_path(const char *map, dev_t path);

#endif /* MPATHD_DM_H */
