// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * discovery.c - block devices from libudev: the whole disks that exist at
 * start, and those added, changed and removed while the daemon runs.
 *
 * Context: a struct udev and the objects made from it are not thread-safe;
 * these functions are called by the thread running the daemon's event loop
 * only. disc_enumerate() reads sysfs and may take a while with many
 * devices; disc_monitor_receive() never blocks (the monitor's socket is
 * non-blocking).
 *
 * Called by: daemon.c (enumeration, the monitor), commands.c ("add path").
 * Calls: cli-parse.c (MAJ:MIN), libudev.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libudev.h>

#include "checkers.h"
#include "cli.h"
#include "discovery.h"

/*
 * udevd's control socket: if it exists, udevd runs and re-broadcasts
 * every event once it has processed it.
 */
#define UDEVD_CONTROL	"/run/udev/control"

/*
 * The monitor socket's receive buffer. A burst (a storage array bringing
 * thousands of LUNs at once) must not overflow it: lost events are lost
 * paths. Setting it beyond the system's rmem_max needs CAP_NET_ADMIN,
 * which the daemon has; without it the default stays, and that is logged.
 */
#define MONITOR_RCVBUF	(64 * 1024 * 1024)

/* Copy src into dst without leading and trailing blanks (sysfs pads them). */
static void copy_trimmed(char *dst, size_t size, const char *src)
{
	size_t len;

	dst[0] = '\0';
	if (!src)
		return;
	while (*src == ' ' || *src == '\t' || *src == '\n')
		src++;
	len = strlen(src);
	while (len && (src[len - 1] == ' ' || src[len - 1] == '\t' ||
		       src[len - 1] == '\n'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A sysfs attribute as an unsigned number; 0 when absent or not one. */
static unsigned int sysattr_uint(struct udev_device *dev, const char *attr)
{
	const char *v = udev_device_get_sysattr_value(dev, attr);
	unsigned long n;
	char *end;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || n > UINT_MAX)
		return 0;
	return n;
}

/*
 * What is known of a device without reading sysfs: its names and number
 * (what a remove event still carries). -EINVAL if it has no usable name.
 */
static int facts_names(struct udev_device *dev, struct path_facts *pf)
{
	const char *name = udev_device_get_sysname(dev);
	const char *node = udev_device_get_devnode(dev);
	int len;

	memset(pf, 0, sizeof(*pf));
	if (!name || strlen(name) >= sizeof(pf->devnode))
		return -EINVAL;
	strcpy(pf->devnode, name);
	/* udev's node name where it has one: it knows about "cciss!c0d0". */
	if (node)
		len = snprintf(pf->devpath, sizeof(pf->devpath), "%s", node);
	else
		len = snprintf(pf->devpath, sizeof(pf->devpath), "/dev/%s", name);
	if (len < 0 || (size_t)len >= sizeof(pf->devpath))
		return -EINVAL;
	pf->devt = udev_device_get_devnum(dev);
	return 0;
}

/* Bounds on what a device's properties may cost: they come from udev rules. */
#define PROPS_MAX	256
#define PROPS_BYTES	(32 * 1024)

void disc_facts_release(struct path_facts *pf)
{
	free(pf->props);
	pf->props = NULL;
}

/*
 * The udev properties of dev as "NAME=VALUE" strings, pointers and text in
 * one allocation (one free()). Past the bounds the rest are left out, and
 * said at debug level. NULL when there are none or on ENOMEM.
 */
static char **props_read(struct udev_device *dev)
{
	struct udev_list_entry *first, *e;
	size_t n = 0, bytes = 0, off;
	char **props, *text;

	first = udev_device_get_properties_list_entry(dev);
	udev_list_entry_foreach(e, first) {
		size_t len = strlen(udev_list_entry_get_name(e)) + 2 +
			     strlen(udev_list_entry_get_value(e) ?: "");

		if (n == PROPS_MAX || bytes + len > PROPS_BYTES) {
			mpath_log(MPATH_LOG_DEBUG, "discovery: %s: more udev properties than %d or %d bytes; the rest ignored",
				  udev_device_get_sysname(dev) ?: "?",
				  PROPS_MAX, PROPS_BYTES);
			break;
		}
		n++;
		bytes += len;
	}
	if (!n)
		return NULL;
	props = malloc((n + 1) * sizeof(*props) + bytes);
	if (!props)
		return NULL;
	text = (char *)(props + n + 1);
	off = 0;
	n = 0;
	udev_list_entry_foreach(e, first) {
		const char *name = udev_list_entry_get_name(e);
		const char *value = udev_list_entry_get_value(e) ?: "";
		size_t len = strlen(name) + 2 + strlen(value);

		if (off + len > bytes)
			break;
		props[n++] = text + off;
		off += sprintf(text + off, "%s=%s", name, value) + 1;
	}
	props[n] = NULL;
	return props;
}

/*
 * The WWID as upstream's multipath names it (its uid_attribute): udev's
 * ID_SERIAL for SCSI disks ("3" and the NAA identifier for most arrays),
 * ID_WWN for NVMe. Without udevd there is no ID_SERIAL; the kernel's own
 * VPD-derived device/wwid ("naa.600a...") is then turned into the same
 * form ("3600a..."), as scsi_id would give it.
 */
static void wwid_read(struct udev_device *dev, struct udev_device *sdev,
		      struct path_facts *pf)
{
	static const struct { const char *prefix, *type; } kinds[] = {
		{ "naa.", "3" }, { "eui.", "2" }, { "t10.", "1" },
	};
	const char *v = udev_device_get_property_value(dev, "ID_SERIAL");
	unsigned int i;
	size_t len;

	if (!v && strncmp(pf->devnode, "nvme", 4) == 0)
		v = udev_device_get_property_value(dev, "ID_WWN");
	if (v) {
		copy_trimmed(pf->wwid, sizeof(pf->wwid), v);
		return;
	}
	v = sdev ? udev_device_get_sysattr_value(sdev, "wwid") : NULL;
	if (!v)
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strncmp(v, kinds[i].prefix, 4) == 0) {
			snprintf(pf->wwid, sizeof(pf->wwid), "%s%s",
				 kinds[i].type, v + 4);
			/* sysfs pads some identifiers with blanks. */
			len = strlen(pf->wwid);
			while (len && pf->wwid[len - 1] == ' ')
				pf->wwid[--len] = '\0';
			return;
		}
	}
}

/* Upstream's protocol names, from the SCSI transport above the disk. */
static void protocol_read(struct udev_device *dev, struct path_facts *pf)
{
	static const struct { const char *subsystem, *protocol; } kinds[] = {
		{ "fc_remote_ports", "scsi:fcp" }, { "iscsi_session", "scsi:iscsi" },
		{ "sas_end_device", "scsi:sas" }, { "sas_device", "scsi:sas" },
		{ "ata_port", "scsi:ata" },
	};
	struct udev_device *p;
	unsigned int i;

	if (strncmp(pf->devnode, "nvme", 4) == 0) {
		snprintf(pf->protocol, sizeof(pf->protocol), "nvme");
		return;
	}
	if (!pf->is_scsi)
		return;
	for (p = udev_device_get_parent(dev); p; p = udev_device_get_parent(p)) {
		const char *sub = udev_device_get_subsystem(p);

		for (i = 0; sub && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (strcmp(sub, kinds[i].subsystem) == 0) {
				snprintf(pf->protocol, sizeof(pf->protocol),
					 "%s", kinds[i].protocol);
				return;
			}
		}
	}
	snprintf(pf->protocol, sizeof(pf->protocol), "scsi:unspec");
}

/*
 * Everything about an existing device, read from sysfs (and udev's
 * database) now; its udev properties too when props (free them with
 * disc_facts_release()).
 */
static int facts_read(struct udev_device *dev, struct path_facts *pf,
		      bool props)
{
	struct udev_device *sdev;
	int err = facts_names(dev, pf);

	if (err)
		return err;
	/* The parent is owned by dev: not unreferenced here. */
	sdev = udev_device_get_parent_with_subsystem_devtype(dev, "scsi",
							      "scsi_device");
	if (sdev) {
		pf->is_scsi = strncmp(pf->devnode, "sd", 2) == 0;
		copy_trimmed(pf->vendor, sizeof(pf->vendor),
			     udev_device_get_sysattr_value(sdev, "vendor"));
		copy_trimmed(pf->product, sizeof(pf->product),
			     udev_device_get_sysattr_value(sdev, "model"));
		pf->scsi_timeout = sysattr_uint(sdev, "timeout");
	}
	wwid_read(dev, sdev, pf);
	protocol_read(dev, pf);
	if (props)
		pf->props = props_read(dev);
	return 0;
}

static bool is_disk(struct udev_device *dev)
{
	const char *type = udev_device_get_devtype(dev);

	return type && strcmp(type, "disk") == 0;
}

int disc_enumerate(struct udev *udev,
		   void (*fn)(const struct path_facts *pf, void *data),
		   void *data)
{
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	int err;

	errno = 0;
	e = udev_enumerate_new(udev);
	if (!e)
		return errno ? -errno : -ENOMEM;
	/*
	 * DEVTYPE is in each device's uevent file, so this works without
	 * udevd as well; partitions are left out here, not in the loop.
	 */
	err = udev_enumerate_add_match_subsystem(e, "block");
	if (!err)
		err = udev_enumerate_add_match_property(e, "DEVTYPE", "disk");
	if (!err)
		err = udev_enumerate_scan_devices(e);
	if (err < 0) {
		mpath_log(MPATH_LOG_ERR, "discovery: cannot list block devices: %s",
			  strerror(-err));
		udev_enumerate_unref(e);
		return err;
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		const char *syspath = udev_list_entry_get_name(entry);
		struct udev_device *dev;
		struct path_facts pf;

		dev = udev_device_new_from_syspath(udev, syspath);
		if (!dev) {
			/* Gone since the scan: not an error. */
			mpath_log(MPATH_LOG_DEBUG, "discovery: %s vanished",
				  syspath);
			continue;
		}
		if (is_disk(dev) && facts_read(dev, &pf, true) == 0) {
			fn(&pf, data);
			disc_facts_release(&pf);
		} else
			mpath_log(MPATH_LOG_DEBUG, "discovery: %s ignored",
				  syspath);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return 0;
}

int disc_device(struct udev *udev, const char *name, dev_t devt,
		struct path_facts *pf)
{
	struct udev_device *dev;
	int err;

	errno = 0;
	dev = name ? udev_device_new_from_subsystem_sysname(udev, "block", name) :
		     udev_device_new_from_devnum(udev, 'b', devt);
	if (!dev)
		return errno && errno != ENOENT ? -errno : -ENODEV;
	/* A partition is not a path: discovery would not add it either. */
	/* With its properties: the blacklist's "property" entries judge it. */
	err = is_disk(dev) ? facts_read(dev, pf, true) : -ENOTBLK;
	udev_device_unref(dev);
	return err;
}

int disc_monitor_open(struct udev *udev, struct udev_monitor **ret)
{
	struct udev_monitor *mon;
	const char *source;
	int err;

	/*
	 * With udevd, its events: they come after udevd has finished with
	 * the device (rules run, links made). Without udevd nobody sends
	 * those, so the kernel's own uevents are the only source.
	 */
	source = access(UDEVD_CONTROL, F_OK) == 0 ? "udev" : "kernel";
	errno = 0;
	mon = udev_monitor_new_from_netlink(udev, source);
	if (!mon) {
		err = errno ? -errno : -ENOMEM;
		mpath_log(MPATH_LOG_ERR, "discovery: cannot open the %s event monitor: %s",
			  source, strerror(-err));
		return err;
	}
	/* Partitions are filtered in the socket, before they wake us up. */
	err = udev_monitor_filter_add_match_subsystem_devtype(mon, "block",
							      "disk");
	if (!err)
		err = udev_monitor_enable_receiving(mon);
	if (err < 0) {
		mpath_log(MPATH_LOG_ERR, "discovery: cannot start the %s event monitor: %s",
			  source, strerror(-err));
		udev_monitor_unref(mon);
		return err;
	}
	err = udev_monitor_set_receive_buffer_size(mon, MONITOR_RCVBUF);
	if (err < 0)
		mpath_log(MPATH_LOG_WARNING, "discovery: event buffer not enlarged: %s",
			  strerror(-err));
	mpath_log(MPATH_LOG_DEBUG, "discovery: listening to %s events", source);
	*ret = mon;
	return 0;
}

/*
 * A device-mapper device: dm-N is the kernel's name for each of them.
 * Only the event's own properties are used: the map is read by maps.c.
 */
static int dm_event(struct udev_device *dev, const char *act,
		    struct disc_event *ev)
{
	const char *v;

	memset(&ev->dm, 0, sizeof(ev->dm));
	ev->action = DISC_DM;
	ev->dm.remove = strcmp(act, "remove") == 0;
	ev->dm.devt = udev_device_get_devnum(dev);
	v = udev_device_get_property_value(dev, "DM_ACTION");
	if (v)
		snprintf(ev->dm.dm_action, sizeof(ev->dm.dm_action), "%s", v);
	ev->dm.dm_path = cli_parse_devt(udev_device_get_property_value(dev,
								       "DM_PATH"));
	mpath_log(MPATH_LOG_DEBUG, "discovery: %s %s %s%s%s",
		  act, udev_device_get_sysname(dev), ev->dm.dm_action,
		  ev->dm.dm_path ? " " : "",
		  udev_device_get_property_value(dev, "DM_PATH") ?: "");
	return ev->dm.devt ? 1 : 0;
}

int disc_monitor_receive(struct udev_monitor *mon, struct disc_event *ev)
{
	struct udev_device *dev;
	const char *act, *name;
	int ret = 0;

	ev->pf.props = NULL;	/* disc_facts_release() is always safe */
	errno = 0;
	dev = udev_monitor_receive_device(mon);
	if (!dev) {
		/*
		 * Nothing, or only events the filter dropped. ENOBUFS means
		 * events were lost: returned, so that the caller can
		 * enumerate again.
		 */
		if (!errno || errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR)
			return 0;
		return -errno;
	}
	act = udev_device_get_action(dev);
	name = udev_device_get_sysname(dev);
	if (!act || !is_disk(dev))
		goto out;
	if (name && strncmp(name, "dm-", 3) == 0) {
		if (strcmp(act, "add") == 0 || strcmp(act, "change") == 0 ||
		    strcmp(act, "remove") == 0)
			ret = dm_event(dev, act, ev);
		goto out;
	}
	if (strcmp(act, "remove") == 0) {
		/* Its sysfs directory is gone: only the event's facts are left. */
		if (facts_names(dev, &ev->pf) == 0) {
			ev->action = DISC_REMOVE;
			ret = 1;
		}
	} else if (strcmp(act, "add") == 0 || strcmp(act, "change") == 0) {
		if (facts_read(dev, &ev->pf, true) == 0) {
			ev->action = act[0] == 'a' ? DISC_ADD : DISC_CHANGE;
			ret = 1;
		}
	}
out:
	if (!ret)
		mpath_log(MPATH_LOG_DEBUG, "discovery: event %s %s ignored",
			  act ? act : "?", name ?: "?");
	udev_device_unref(dev);
	return ret;
}
