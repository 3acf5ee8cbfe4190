/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - multipathd's configuration: multipath.conf syntax, built-in
 * defaults, the blacklist and its exceptions, per-device settings.
 *
 * A struct mp_config is immutable once loaded: reconfigure loads a new one
 * and swaps it in, so readers need no lock. Owned by the daemon.
 */
#ifndef MPATHD_CONFIG_H
#define MPATHD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define DEFAULT_SOCKET_NAME	"@/org/kernel/linux/storage/multipathd"
#define DEFAULT_CONFIG_FILE	"/etc/multipath.conf"
#define DEFAULT_POLLING_INTERVAL	5

struct mp_config;	/* opaque: config.c */

/* What the configuration says about one path. */
struct path_settings {
	char checker[16];		/* "" never: resolved with the defaults */
	unsigned int checker_timeout;	/* seconds; 0: use the device's own */
	unsigned int polling_interval;	/* seconds, >= 1 */
	unsigned int max_polling_interval;	/* seconds, >= polling_interval */
};

/*
 * config_load - parse file (NULL: DEFAULT_CONFIG_FILE) into a new config.
 *
 * A missing file is not an error: the built-in defaults apply (and
 * *missing is set, when missing is not NULL). A syntax error (unbalanced
 * braces, a section where none may be) is reported as "FILE:LINE: reason"
 * and fails with -EINVAL. An unknown keyword or a bad value is reported with
 * its line and skipped, as upstream does. Returns 0 or -errno; *ret is set
 * only on success. Reports go through mpath_log().
 */
int config_load(const char *file, struct mp_config **ret, bool *missing);

/* config_parse - the same from a buffer (tests, fuzzing); name for reports. */
int config_parse(const char *buf, size_t len, const char *name,
		 struct mp_config **ret);

void config_free(struct mp_config *conf);

/* Global settings. */
unsigned int config_verbosity(const struct mp_config *conf);	/* 0..6, default 2 */
const char *config_plugin_dir(const struct mp_config *conf);	/* NULL: library default */
const char *config_socket_name(const struct mp_config *conf);	/* "@..." abstract */
/* plugin_permission_check: default true; see checker_set_permission_check(). */
bool config_plugin_permission_check(const struct mp_config *conf);

/*
 * config_init_checkers - (re)start the checker registry as conf says:
 * applies plugin_permission_check (warning once when it is off), then
 * init_checkers(plugin_dir). The daemon's thread, at start and at each
 * reconfigure, after cleanup_checkers(). Returns what init_checkers() does.
 */
int config_init_checkers(const struct mp_config *conf);

/*
 * What the blacklist may look at in a path. Any field may be NULL: what is
 * not known matches no entry of its kind (neither "RE" nor "!RE").
 */
struct bl_path {
	const char *devnode;	/* kernel name: "sda", "loop0" */
	const char *vendor;	/* SCSI vendor, product: "NETAPP", "LUN C-Mode" */
	const char *product;
	const char *wwid;	/* as upstream's uid_attribute gives it: "36001405..." */
	const char *protocol;	/* upstream's names: "scsi:fcp", "nvme:tcp", ... */
	/* The device's udev properties, "NAME=VALUE" (or "NAME"), NULL-ended. */
	const char *const *props;
};

/*
 * config_blacklisted_path - is this path excluded? The criteria are tried
 * in upstream's order: udev properties, devnode, vendor/product, protocol,
 * wwid. Within one criterion, a matching blacklist_exceptions entry wins
 * over a blacklist entry; an exception of one kind does not let in a path
 * excluded by an entry of another kind. '!' before a pattern inverts it.
 * With "property" entries in blacklist_exceptions, a path whose WWID and
 * properties are known but none of whose property names match them is
 * excluded (upstream's "udev property missing"). The built-in blacklist
 * keeps out ram, zram, loop, dm-, sr, fd, md, nbd, ... by devnode.
 * Any thread; no lock (the configuration is immutable).
 */
bool config_blacklisted_path(const struct mp_config *conf,
			     const struct bl_path *path);

/*
 * config_blacklist_reason - NULL when config_blacklisted_path() is false,
 * else why it is true: "udev property", "udev property missing",
 * "device node name", "vendor/product", "protocol" or "wwid".
 */
const char *config_blacklist_reason(const struct mp_config *conf,
				    const struct bl_path *path);

/* config_blacklisted - the same for a path known by these three only. */
bool config_blacklisted(const struct mp_config *conf, const char *devnode,
			const char *vendor, const char *product);

/*
 * config_alias - the alias that multipaths { multipath { wwid W alias A } }
 * gives the map whose WWID is exactly wwid (the last entry wins, as
 * upstream merges them), or NULL. The string lives as long as conf.
 */
const char *config_alias(const struct mp_config *conf, const char *wwid);

/*
 * config_path_settings - the settings for a path: overrides, then the first
 * matching devices/device entry, then defaults; the checker defaults to "tur"
 * for SCSI disks and "directio" otherwise.
 */
void config_path_settings(const struct mp_config *conf, const char *vendor,
			  const char *product, bool is_scsi,
			  struct path_settings *out);

/* config_dump - the effective configuration as text (malloc()ed), or NULL. */
char *config_dump(const struct mp_config *conf);

#endif /* MPATHD_CONFIG_H */
