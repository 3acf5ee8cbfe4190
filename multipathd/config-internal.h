/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-internal.h - what config.c (the configuration object: defaults,
 * loading, queries, the dump) and config-parse.c (multipath.conf's lexer
 * and parser) share. Nothing outside those two files includes it: the rest
 * of multipathd sees struct mp_config only through config.h.
 */
#ifndef MPATHD_CONFIG_INTERNAL_H
#define MPATHD_CONFIG_INTERNAL_H

#include "blacklist.h"
#include "config.h"

#define DEFAULT_VERBOSITY		2
#define DEFAULT_MAX_POLLING_FACTOR	4	/* x polling_interval */
#define CHECKER_NAME_MAX		15	/* as the plugin loader accepts */

/* One level of settings (defaults, a device, overrides); 0 or "": not set. */
struct settings {
	char checker[CHECKER_NAME_MAX + 1];
	unsigned int checker_timeout;
	unsigned int polling_interval;
	unsigned int max_polling_interval;
	unsigned int max_line;		/* where max_polling_interval was set */
};

/* A devices/device entry: which devices it is for and what it sets. */
struct dev_entry {
	struct bl_device id;
	struct settings set;
};

/*
 * Bounds of multipaths/multipath values: upstream's WWID_SIZE less its NUL,
 * and a device-mapper name (DM_NAME_LEN less its NUL).
 */
#define CONF_WWID_MAX		127
#define CONF_ALIAS_MAX		127

/* A multipaths/multipath entry that names its map. */
struct mp_alias {
	char *wwid;
	char *alias;
};

/* Filled in by the parser, read-only once config_parse() returns it. */
struct mp_config {
	unsigned int verbosity;
	char *plugin_dir;		/* NULL: the library's default */
	bool plugin_permission_check;	/* default true */
	char *socket_name;
	struct settings defaults;	/* polling_interval always set */
	struct settings overrides;
	struct dev_entry *devices;	/* in file order; the first match wins */
	size_t n_devices;
	struct blacklist blacklist;	/* the built-in entries first */
	struct blacklist exceptions;
	struct mp_alias *aliases;	/* in file order, for the dump */
	size_t n_aliases;
	/* aliases[] sorted by wwid, the later of equal ones last (lookups) */
	const struct mp_alias **alias_index;
};

/* config_new - a configuration holding the built-in defaults, or NULL. */
struct mp_config *config_new(void);

/* config_add_device - append *dev, taking over its patterns; 0 or -ENOMEM. */
int config_add_device(struct mp_config *conf, struct dev_entry *dev);

/* config_add_alias - append a copy of wwid -> alias; 0 or -ENOMEM. */
int config_add_alias(struct mp_config *conf, const char *wwid,
		     const char *alias);

/* config_finish - build the lookup index once parsing is done; 0 or -ENOMEM. */
int config_finish(struct mp_config *conf);

#endif /* MPATHD_CONFIG_INTERNAL_H */
