// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-config-corpus.c - real multipath.conf files, as operators have them,
 * loaded by multipathd's parser (tests/conf/):
 *
 *   upstream-hwtable.conf  what "multipath -t" prints: upstream's whole
 *                          built-in hardware table and defaults, generated
 *                          by Debian 12's multipath-tools 0.9.4;
 *   distro.conf            a typical site configuration: a blacklist with
 *                          wwid and device entries, exceptions by wwid,
 *                          vendor settings, multipaths with aliases;
 *   rhel-mpathconf.conf    the shape of what RHEL's "mpathconf --enable"
 *                          writes: a property exception, an empty blacklist.
 *
 * For each, NAME.expected holds every message at notice level or above,
 * one per line, "LEVEL: MESSAGE", and the load must log exactly those: no
 * warning per line for upstream's map-management keywords, one notice
 * naming them, and a warning per line only for what nobody knows. Then
 * what the file says must hold (its blacklist with upstream's meaning, the
 * settings paths get, the aliases), and its dump must load again without a
 * warning. The files are read from tests/conf, or $CONF_CORPUS_DIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test-util.h"
#include "../multipathd/blacklist.c"
#include "../multipathd/config.c"
#include "../multipathd/config-parse.c"

/* Messages at MPATH_LOG_NOTICE or above, "LEVEL: MESSAGE\n" each. */
static char *seen;
static size_t seen_len;

static void capture(int level, const char *msg, void *data)
{
	const char *name = level <= MPATH_LOG_ERR ? "err" :
			   level == MPATH_LOG_WARNING ? "warning" : "notice";
	size_t add = strlen(name) + strlen(msg) + 3;
	char *bigger;

	if (level > MPATH_LOG_NOTICE)
		return;
	bigger = realloc(seen, seen_len + add + 1);
	assert_non_null(bigger);
	seen = bigger;
	seen_len += sprintf(seen + seen_len, "%s: %s\n", name, msg);
}

static void capture_start(void)
{
	free(seen);
	seen = NULL;
	seen_len = 0;
	mpath_log_set_level(MPATH_LOG_DEBUG);
	mpath_log_set_handler(capture, NULL);
}

static char *slurp(const char *name, const char *suffix, size_t *len)
{
	const char *dir = getenv("CONF_CORPUS_DIR");
	char path[PATH_MAX];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s%s", dir ? dir : "tests/conf", name,
		 suffix);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s (run from the top of the tree, or set CONF_CORPUS_DIR)",
			 path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

/* Parse tests/conf/NAME.conf; its messages must be NAME.expected's. */
static struct mp_config *load(const char *name)
{
	char file[128];
	size_t len;
	char *text, *expected;
	struct mp_config *conf = NULL;
	int rc;

	snprintf(file, sizeof(file), "%s.conf", name);
	text = slurp(name, ".conf", &len);
	expected = slurp(name, ".expected", NULL);
	capture_start();
	rc = config_parse(text, len, file, &conf);
	if (rc)
		fail_msg("%s does not load (%d):\n%s", file, rc, seen ? seen : "");
	if (strcmp(seen ? seen : "", expected))
		fail_msg("%s: logged\n%s\nexpected\n%s", file, seen ? seen : "",
			 expected);
	free(text);
	free(expected);
	return conf;
}

/* The dump of what was loaded loads again, without a message, to itself. */
static void dump_round_trips(const struct mp_config *conf)
{
	char *first = config_dump(conf), *second;
	struct mp_config *again = NULL;

	assert_non_null(first);
	capture_start();
	assert_int_equal(config_parse(first, strlen(first), "dump", &again), 0);
	if (seen)
		fail_msg("the dump logs:\n%s", seen);
	second = config_dump(again);
	assert_non_null(second);
	assert_string_equal(first, second);
	free(first);
	free(second);
	config_free(again);
}

static void assert_reason(const struct mp_config *conf, const struct bl_path *p,
			  const char *reason)
{
	const char *got = config_blacklist_reason(conf, p);

	if ((got == NULL) != (reason == NULL) || (got && strcmp(got, reason)))
		fail_msg("%s (%s/%s, wwid %s): blacklisted by \"%s\", expected \"%s\"",
			 p->devnode ? p->devnode : "-",
			 p->vendor ? p->vendor : "-", p->product ? p->product : "-",
			 p->wwid ? p->wwid : "-", got ? got : "-",
			 reason ? reason : "-");
}

static void assert_checker(const struct mp_config *conf, const char *vendor,
			   const char *product, const char *checker)
{
	struct path_settings ps;

	config_path_settings(conf, vendor, product, true, &ps);
	if (strcmp(ps.checker, checker))
		fail_msg("%s/%s: checker %s, expected %s", vendor, product,
			 ps.checker, checker);
}

static void upstream_hardware_table(void **state)
{
	static const char *const wwn[] = { "DEVNAME=/dev/sda", "ID_SERIAL=3600a0980",
					   "ID_WWN=0x600a0980", NULL };
	static const char *const serial_only[] = { "DEVNAME=/dev/vdb",
						   "ID_SERIAL=QM00001", NULL };
	struct mp_config *conf = load("upstream-hwtable");
	struct path_settings ps;

	/* "blacklist all but sd, dasd and nvme" */
	assert_reason(conf, &(struct bl_path){ .devnode = "sda" }, NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "dasda" }, NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "nvme0n1" }, NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "vda" }, "device node name");
	assert_reason(conf, &(struct bl_path){ .devnode = "xvdb" }, "device node name");
	assert_reason(conf, &(struct bl_path){ .devnode = "loop0" }, "device node name");
	/* Controller LUNs, from the blacklist and from product_blacklist. */
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .vendor = "DGC",
					       .product = "LUNZ" }, "vendor/product");
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .vendor = "LSI",
					       .product = "Universal Xport" },
		      "vendor/product");
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .vendor = "DGC",
					       .product = "VRAID" }, NULL);
	/* property "(SCSI_IDENT_|ID_WWN)" in the exceptions. */
	assert_reason(conf, &(struct bl_path){ .devnode = "sdc", .wwid = "3600a0980",
					       .props = wwn }, NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "sdc", .wwid = "QM00001",
					       .props = serial_only },
		      "udev property missing");
	/* Its checkers are this project's plugins. */
	assert_checker(conf, "DGC", "VRAID", "emc_clariion");
	assert_checker(conf, "DEC", "HSG80", "hp_sw");
	assert_checker(conf, "NVME", "HPE Alletra", "none");
	assert_checker(conf, "NETAPP", "LUN", "tur");
	assert_checker(conf, "ACME", "unknown", "tur");
	config_path_settings(conf, "ACME", "unknown", true, &ps);
	assert_int_equal(ps.polling_interval, 5);
	assert_int_equal(ps.max_polling_interval, 20);
	dump_round_trips(conf);
	config_free(conf);
}

static void distribution_config(void **state)
{
	struct mp_config *conf = load("distro");
	struct path_settings ps;

	assert_string_equal(config_alias(conf, "3600a098038303053453f463045727a35"),
			    "ora_data01");
	assert_string_equal(config_alias(conf, "3600a098038303053453f463045727a36"),
			    "ora_data02");
	assert_string_equal(config_alias(conf, "3624a93701c0d5c1f4b7e4a2b00011c3e"),
			    "vmstore");
	assert_null(config_alias(conf, "3600a098038303053453f463045727a37"));

	assert_reason(conf, &(struct bl_path){ .devnode = "hda" }, "device node name");
	assert_reason(conf, &(struct bl_path){ .devnode = "sr0" }, "device node name");
	/* '!' inside a pattern is a character: the cciss node names. */
	assert_reason(conf, &(struct bl_path){ .devnode = "cciss!c0d0" },
		      "device node name");
	assert_reason(conf, &(struct bl_path){ .devnode = "sda",
					       .wwid = "3600508b1001c5e4d2f1a" }, "wwid");
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .vendor = "DELL",
					       .product = "PERC H730P Mini" },
		      "vendor/product");
	assert_reason(conf, &(struct bl_path){ .devnode = "sdc", .vendor = "NETAPP",
					       .product = "LUN C-Mode",
					       .wwid = "3600a098038303053453f463045727a35" },
		      NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "sdd" }, NULL);

	config_path_settings(conf, "NETAPP", "LUN C-Mode", true, &ps);
	assert_string_equal(ps.checker, "tur");
	assert_int_equal(ps.polling_interval, 10);
	config_path_settings(conf, "PURE", "FlashArray", true, &ps);
	assert_int_equal(ps.checker_timeout, 15);
	assert_string_equal(ps.checker, "tur");
	config_path_settings(conf, "PURE", "FlashArray", false, &ps);
	assert_string_equal(ps.checker, "directio");
	dump_round_trips(conf);
	config_free(conf);
}

static void rhel_mpathconf_default(void **state)
{
	static const char *const ident[] = { "ID_SERIAL=36001405", "SCSI_IDENT_LUN_NAA_REGEXT=6001405",
					     NULL };
	static const char *const ata[] = { "ID_SERIAL=SAMSUNG_MZ7LH", "ID_ATA=1", NULL };
	struct mp_config *conf = load("rhel-mpathconf");
	struct path_settings ps;

	assert_reason(conf, &(struct bl_path){ .devnode = "sda", .wwid = "36001405",
					       .props = ident }, NULL);
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .wwid = "SAMSUNG_MZ7LH",
					       .props = ata }, "udev property missing");
	/* No WWID yet: not shut out for lacking properties. */
	assert_reason(conf, &(struct bl_path){ .devnode = "sdb", .props = ata }, NULL);
	/* The caller passes no properties: the criterion is left out. */
	assert_false(config_blacklisted(conf, "sdb", "ATA", "SAMSUNG MZ7LH"));
	config_path_settings(conf, "LIO-ORG", "disk", true, &ps);
	assert_string_equal(ps.checker, "tur");
	assert_int_equal(ps.polling_interval, DEFAULT_POLLING_INTERVAL);
	dump_round_trips(conf);
	config_free(conf);
}

/* The comparison catches a difference: a warning more, and one less. */
static void a_difference_is_seen(void **state)
{
	struct mp_config *conf = NULL;
	const char *text = "defaults {\n\tprio alua\n\tprio_typo 1\n}\n";

	capture_start();
	assert_int_equal(config_parse(text, strlen(text), "x.conf", &conf), 0);
	assert_string_equal(seen,
			    "warning: x.conf:3: unknown keyword 'prio_typo', ignored\n"
			    "notice: x.conf: 1 keyword for map management is not used by this daemon: prio\n");
	config_free(conf);
}

static int teardown(void **state)
{
	mpath_log_set_handler(NULL, NULL);
	free(seen);
	seen = NULL;
	seen_len = 0;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(upstream_hardware_table),
		T(distribution_config),
		T(rhel_mpathconf_default),
		T(a_difference_is_seen),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
