// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-config.c - libFuzzer target for multipath.conf.
 *
 * Each input is parsed as a configuration file. When it loads, the result
 * is queried the way the daemon queries it (the blacklist, with and
 * without WWIDs, udev properties and protocols, the path settings, so that
 * the regular expressions the input compiled are also matched, and the
 * aliases), and its promises are checked: a checker name is always set,
 * 1 <= polling_interval <= max_polling_interval, the blacklist's two
 * entry points agree, every multipath entry's WWID has an alias, the one
 * of the last entry for it. Then it is dumped, and
 * the dump must parse again without a single warning and dump to the same
 * text: the round trip the unit tests check on hand-written files, here
 * on whatever the fuzzer finds. A broken promise abort()s, which libFuzzer
 * reports as a crash; leaks and sanitizer reports fail the run as well.
 *
 * Seeds: tests/fuzz/corpus-config/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmultipath.h"
#include "../../multipathd/blacklist.c"
#include "../../multipathd/config.c"
#include "../../multipathd/config-parse.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Problems the parser reported since the last reset; one thread only. */
static unsigned int problems;

/*
 * Count problems instead of printing them: every message is still
 * formatted (by mpath_vlog(), at debug level), so the reports' format
 * strings are fuzzed too, but libFuzzer's output stays readable.
 */
static void count_problems(int level, const char *msg, void *data)
{
	if (level <= MPATH_LOG_WARNING)
		problems++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mpath_log_set_level(MPATH_LOG_DEBUG);
	mpath_log_set_handler(count_problems, NULL);
	return 0;
}

static void check_settings(const struct mp_config *conf, const char *vendor,
			   const char *product, bool scsi)
{
	struct path_settings ps;
	size_t len;

	config_path_settings(conf, vendor, product, scsi, &ps);
	len = strnlen(ps.checker, sizeof(ps.checker));
	if (len == 0 || len >= sizeof(ps.checker))
		abort();
	if (ps.polling_interval < 1 ||
	    ps.max_polling_interval < ps.polling_interval)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[][3] = {
		{ "sda", "NETAPP", "LUN C-Mode" },
		{ "loop0", NULL, NULL },
		{ "nvme0n1", "NVMe", "Linux" },
		{ "dm-1", "DGC", "VRAID" },
		{ "sdb", "", "" },
	};
	static const char *const props[][4] = {
		{ "ID_SERIAL=3600a098", "ID_WWN=0x600a098", "DEVTYPE=disk", NULL },
		{ "SCSI_IDENT_LUN_NAA_REG=6001405", NULL },
		{ "ID_CDROM", "=", "", NULL },
		{ NULL },
	};
	static const char *const wwids[] = {
		"3600a098038303053453f463045727a35", "", NULL, "36001405",
		"SATA_disk",
	};
	static const char *const protocols[] = {
		"scsi:fcp", NULL, "nvme:tcp", "undef", "scsi:iscsi",
	};
	struct mp_config *conf, *again;
	char *dump, *redump;
	size_t i, j;

	if (config_parse((const char *)data, size, "fuzz.conf", &conf))
		return 0;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct bl_path path = {
			.devnode = ids[i][0], .vendor = ids[i][1],
			.product = ids[i][2],
		};

		if (config_blacklisted(conf, ids[i][0], ids[i][1], ids[i][2]) !=
		    config_blacklisted_path(conf, &path))
			abort();
		for (j = 0; j < sizeof(props) / sizeof(props[0]); j++) {
			path.wwid = wwids[(i + j) % 5];
			path.protocol = protocols[(i + j) % 5];
			path.props = props[j];
			if (config_blacklisted_path(conf, &path) !=
			    (config_blacklist_reason(conf, &path) != NULL))
				abort();
		}
		check_settings(conf, ids[i][1], ids[i][2], i & 1);
		config_alias(conf, wwids[i]);
	}
	/* The last entry for a WWID names its map. */
	for (i = 0; i < conf->n_aliases; i++) {
		const char *alias = config_alias(conf, conf->aliases[i].wwid);

		for (j = i + 1; j < conf->n_aliases; j++)
			if (!strcmp(conf->aliases[j].wwid, conf->aliases[i].wwid))
				break;
		if (!alias || (j == conf->n_aliases &&
			       strcmp(alias, conf->aliases[i].alias)))
			abort();
	}
	if (config_verbosity(conf) > 6 || !config_socket_name(conf))
		abort();

	dump = config_dump(conf);
	if (!dump)
		abort();
	problems = 0;
	if (config_parse(dump, strlen(dump), "dump.conf", &again) || problems)
		abort();
	redump = config_dump(again);
	if (!redump || strcmp(dump, redump))
		abort();

	free(redump);
	free(dump);
	config_free(again);
	config_free(conf);
	return 0;
}
