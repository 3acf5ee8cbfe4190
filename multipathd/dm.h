/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dm.h - what multipathd asks of device-mapper: which multipath map each
 * path belongs to, and the fail_path / reinstate_path target messages.
 */
#ifndef MPATHD_DM_H
#define MPATHD_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DM_MAP_NAME_MAX	128

struct dm_maps;		/* opaque: a snapshot of the multipath maps (dm.c) */

/*
 * dm_available - is device-mapper usable (/dev/mapper/control present and
 * the driver answering)? Without it multipathd runs monitor-only.
 */
bool dm_available(void);

/*
 * dm_maps_read - list every map with a "multipath" target and the paths
 * (major:minor) in its table. Returns 0 or -errno; *ret set on success.
 */
int dm_maps_read(struct dm_maps **ret);
void dm_maps_free(struct dm_maps *maps);

/* The map the path belongs to, or NULL. Valid while maps lives. */
const char *dm_maps_lookup(const struct dm_maps *maps, dev_t path);

/*
 * dm_fail_path / dm_reinstate_path - send "fail_path MAJ:MIN" or
 * "reinstate_path MAJ:MIN" to map's multipath target (sector 0).
 * Returns 0 or -errno (the reason is logged).
 */
int dm_fail_path(const char *map, dev_t path);
int dm_reinstate_path(const char *map, dev_t path);

#endif /* MPATHD_DM_H */
