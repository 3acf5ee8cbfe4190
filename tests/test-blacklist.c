// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-blacklist.c - multipathd's regex lists: which kernel names the
 * built-in blacklist keeps out, how patterns are refused (bad, empty, too
 * long, shapes that would blow up regcomp()), their cost estimate,
 * vendor/product pairs with unknown halves, upstream's '!' negation, the
 * wwid, property and protocol lists, exceptions winning within their own
 * kind only, the order of the criteria, the dump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test-util.h"
#include "../multipathd/blacklist.c"

static struct blacklist bl, exc;

static int setup(void **state)
{
	blacklist_init(&bl);
	blacklist_init(&exc);
	test_log_start();
	return 0;
}

static int teardown(void **state)
{
	blacklist_clear(&bl);
	blacklist_clear(&exc);
	return 0;
}

static void builtin_list_keeps_out_what_is_never_a_path(void **state)
{
	static const struct {
		const char *devnode;
		bool excluded;
	} cases[] = {
		{ "ram0", true }, { "zram1", true }, { "raw1", true },
		{ "loop0", true }, { "loop12", true }, { "fd0", true },
		{ "md127", true }, { "dm-0", true }, { "dm-42", true },
		{ "sr0", true }, { "scd1", true }, { "st0", true },
		{ "nbd15", true }, { "rbd0", true }, { "drbd1", true },
		{ "zd16", true }, { "dcssblk0", true }, { "pmem0", true },
		{ "mtdblock0", true }, { "ubiblock0_1", true },
		{ "nvme0c1n1", true }, { "nvme12c3n4", true },
		/* Paths, or at least not known never to be one. */
		{ "sda", false }, { "sdab", false }, { "vda", false },
		{ "xvdb", false }, { "dasda", false }, { "nvme0n1", false },
		{ "nvme10n2", false }, { "cciss!c0d0", false },
		{ "loop", false }, { "dm", false }, { "mdx", false },
		{ "emcpowera", false }, { "rssda", false },
	};
	size_t i;

	assert_int_equal(blacklist_add_builtin(&bl), 0);
	assert_true(bl.n_builtin > 0);
	assert_int_equal(bl.n_builtin, bl.list[BL_DEVNODE].n);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = blacklist_excluded(&bl, &exc, cases[i].devnode,
					      NULL, NULL);

		if (got != cases[i].excluded)
			fail_msg("%s: excluded %d, expected %d", cases[i].devnode,
				 got, cases[i].excluded);
	}
}

static void bad_patterns_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *pattern;
		const char *reason;
	} cases[] = {
		{ "", "empty pattern" },
		{ "(sd", "invalid regular expression" },
		{ "sd[a-", "invalid regular expression" },
		{ "a{2,1}", "invalid regular expression" },
		{ "*x", "invalid regular expression" },
		/* What glibc's regcomp() would expand too far... */
		{ "(a{100}){100}", "too complex for regcomp()" },
		{ "a{513}", "too complex" },
		{ "a{99999999999999999999}", "too complex" },
		{ "((x{8}){8}){9}", "too complex" },
		{ "x{412,}y{100}", "too complex" },
		{ "(a++++++++++++++++++++|b)*", "too complex" },
		{ "[{]{600}", "too complex" },
		/* ...repeat what can match nothing, or an anchor... */
		{ "(a?){4000}", "too complex" },
		{ "^((v*)*){160}", "too complex" },
		{ "(a|b?)+", "too complex" },
		{ "(a|)*", "too complex" },
		{ "a**", "too complex" },
		{ "()*", "too complex" },
		{ "(^((((v)*)*)*)*){10}", "too complex" },
		{ "(\\bv)*", "too complex" },
		{ "(x|\\<y)+", "too complex" },
		{ "(a$)?", "too complex" },
		{ "^*", "too complex" },
		/* ...or nest unbounded repetitions more than four deep. */
		{ "(((((v)*x)*y)*z)*w)*", "nests repetitions more than 4 deep" },
		{ "^(((v{1,}){1,}){1,}){1,}{1,}", "too complex" },
		/* Counts in a row add up, they do not multiply. */
		{ "x{40}y{40}z{1,40}", NULL },
		{ "(x{20}){20}", NULL },
		{ "a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+s+t+", NULL },
		{ "^(sd|vd)[a-z]{1,3}[0-9]*$", NULL },
		{ "[]{600}]", NULL },		/* one bracket expression */
		{ "[[:alpha:]]{2}[[.-.]]", NULL },
		{ "^((((v)*x)*y)*z)*", NULL },	/* four deep */
		{ "^(a*b)*(c+|d)*((e?)?)?", NULL },
		{ "(ab?)*(a|b?)?", NULL },
		{ "(^|/)(sd|vd)[a-z]+$", NULL },	/* anchors, not repeated */
		{ "\\<LUN\\>( [0-9]+)*$", NULL },
		{ "a\\{5000}", NULL },	/* an escaped brace counts nothing */
	};
	char long_pattern[BL_PATTERN_MAX + 2];
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		err[0] = '\0';
		rc = blacklist_add_devnode(&bl, cases[i].pattern, err, sizeof(err));
		if (!cases[i].reason) {
			if (rc)
				fail_msg("\"%s\" refused: %s", cases[i].pattern, err);
			continue;
		}
		if (rc != -EINVAL || !strstr(err, cases[i].reason))
			fail_msg("\"%s\": rc %d, reason \"%s\", expected \"%s\"",
				 cases[i].pattern, rc, err, cases[i].reason);
	}

	memset(long_pattern, 'a', sizeof(long_pattern) - 1);
	long_pattern[sizeof(long_pattern) - 1] = '\0';
	assert_int_equal(blacklist_add_devnode(&bl, long_pattern, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "longer than"));
	long_pattern[BL_PATTERN_MAX] = '\0';
	assert_int_equal(blacklist_add_devnode(&bl, long_pattern, err, sizeof(err)), 0);
}

static void pattern_cost_follows_what_regcomp_copies(void **state)
{
	static const struct {
		const char *pattern;
		unsigned int cost;
	} cases[] = {
		{ "sda", 3 }, { "[a-z]", 1 }, { "\\.", 1 }, { "a|b", 2 },
		{ "a*", 1 }, { "a?", 1 }, { "a+", 2 }, { "a++", 4 },
		{ "x{4}", 4 }, { "x{2,5}", 5 }, { "x{3,}", 4 }, { "x{0}", 1 },
		{ "(ab){3}", 9 }, { "((a+){2}){2}", 14 },
		{ "^(sd|vd)[a-z]", 7 }, { "(a", 2 }, { "a)", 2 },
		{ "a**", BL_EXPANSION_MAX + 1 }, { "(a+b*)*", 4 },
		{ "^sd$", 4 }, { "\\bsd", 3 }, { "(^a)+", BL_EXPANSION_MAX + 1 },
		{ "a{2", 2 }, { "a{2(b{300}){2}", BL_EXPANSION_MAX + 1 }, { "x{600}", BL_EXPANSION_MAX + 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int got = blacklist_pattern_cost(cases[i].pattern);

		if (got != cases[i].cost)
			fail_msg("\"%s\": cost %u, expected %u", cases[i].pattern,
				 got, cases[i].cost);
	}
}

static void failed_set_keeps_the_old_pattern(void **state)
{
	struct bl_pattern p = { .text = NULL };
	char err[160];

	assert_true(blacklist_pattern_match(&p, "anything"));	/* absent */
	assert_true(blacklist_pattern_match(&p, NULL));
	assert_int_equal(blacklist_pattern_set(&p, "^IBM$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_pattern_set(&p, "(", err, sizeof(err)), -EINVAL);
	assert_string_equal(p.text, "^IBM$");
	assert_true(blacklist_pattern_match(&p, "IBM"));
	assert_false(blacklist_pattern_match(&p, "IBMX"));
	assert_false(blacklist_pattern_match(&p, NULL));	/* unknown value */
	assert_int_equal(blacklist_pattern_set(&p, "NETAPP", err, sizeof(err)), 0);
	assert_true(blacklist_pattern_match(&p, "NETAPP"));
	blacklist_pattern_clear(&p);
	assert_null(p.text);
	blacklist_pattern_clear(&p);	/* twice is harmless */
}

static struct bl_device make_device(const char *vendor, const char *product)
{
	struct bl_device d;
	char err[160];

	memset(&d, 0, sizeof(d));
	if (vendor)
		assert_int_equal(blacklist_pattern_set(&d.vendor, vendor, err,
						       sizeof(err)), 0);
	if (product)
		assert_int_equal(blacklist_pattern_set(&d.product, product, err,
						       sizeof(err)), 0);
	return d;
}

static void device_entries_need_every_given_half_to_match(void **state)
{
	static const struct {
		const char *vendor, *product;	/* the device */
		bool matches[4];		/* entries 0-3 below */
	} cases[] = {
		{ "NETAPP", "LUN C-Mode", { true, true, true, false } },
		{ "NETAPP", "INF-01-00", { true, false, false, false } },
		{ "DGC", "LUN C-Mode", { false, false, true, false } },
		{ "IBM", "2145", { false, false, false, true } },
		{ NULL, "LUN", { false, false, true, false } },
		{ "NETAPP", NULL, { true, false, false, false } },
		{ NULL, NULL, { false, false, false, false } },
	};
	struct bl_device d[4] = {
		make_device("^NETAPP", NULL),
		make_device("^NETAPP", "^LUN"),
		make_device(NULL, "^LUN"),
		make_device("^IBM$", "^2145$"),
	};
	struct bl_device none;
	size_t i, j;

	memset(&none, 0, sizeof(none));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; j < 4; j++) {
			bool got = blacklist_device_match(&d[j], cases[i].vendor,
							  cases[i].product);

			if (got != cases[i].matches[j])
				fail_msg("%s/%s against entry %zu: %d",
					 cases[i].vendor ? cases[i].vendor : "(null)",
					 cases[i].product ? cases[i].product : "(null)",
					 j, got);
		}
		/* An entry with neither half is for nobody. */
		assert_false(blacklist_device_match(&none, cases[i].vendor,
						    cases[i].product));
	}
	for (j = 0; j < 4; j++)
		blacklist_device_clear(&d[j]);
}

static void exceptions_win_within_their_kind(void **state)
{
	struct bl_device d = make_device("^DGC", NULL);
	struct bl_device e = make_device("^DGC", "^VRAID");
	char err[160];

	assert_int_equal(blacklist_add_builtin(&bl), 0);
	assert_int_equal(blacklist_add_devnode(&bl, "^sd[a-c]$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add_device(&bl, &d), 0);
	assert_null(d.vendor.text);		/* taken over */

	assert_true(blacklist_excluded(&bl, &exc, "loop0", NULL, NULL));
	assert_true(blacklist_excluded(&bl, &exc, "sdb", "IBM", "2145"));
	assert_true(blacklist_excluded(&bl, &exc, "sdz", "DGC", "VRAID"));
	assert_false(blacklist_excluded(&bl, &exc, "sdz", "IBM", "2145"));
	assert_false(blacklist_excluded(&bl, &exc, "sdz", NULL, NULL));

	assert_int_equal(blacklist_add_devnode(&exc, "^loop", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add_devnode(&exc, "^sdb$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add_device(&exc, &e), 0);
	assert_false(blacklist_excluded(&bl, &exc, "loop0", NULL, NULL));
	assert_true(blacklist_excluded(&bl, &exc, "ram0", NULL, NULL));
	assert_false(blacklist_excluded(&bl, &exc, "sdb", "IBM", "2145"));
	assert_true(blacklist_excluded(&bl, &exc, "sda", "IBM", "2145"));
	/*
	 * A device exception does not let in a blacklisted devnode:
	 * upstream weighs an exception against entries of its kind only.
	 */
	assert_true(blacklist_excluded(&bl, &exc, "sda", "DGC", "VRAID 5"));
	assert_false(blacklist_excluded(&bl, &exc, "sdz", "DGC", "VRAID"));
	assert_true(blacklist_excluded(&bl, &exc, "sdz", "DGC", "RAID 5"));
	/* A NULL devnode is matched by the device entries only. */
	assert_true(blacklist_excluded(&bl, &exc, NULL, "DGC", "RAID 5"));
	assert_false(blacklist_excluded(&bl, &exc, NULL, NULL, NULL));
}

static void negation_and_its_escape(void **state)
{
	static const struct {
		const char *pattern, *value;
		bool matches;
	} cases[] = {
		{ "!^sd[a-z]", "sda", false },
		{ "!^sd[a-z]", "vda", true },
		{ "!^sd[a-z]", "", true },
		{ "!^sd[a-z]", NULL, false },	/* unknown: neither */
		{ "^sd[a-z]", NULL, false },
		{ "\\!^x", "!x", false },	/* "\!" is '!' itself: "!^x" */
		{ "\\!x", "!x", true },
		{ "\\!x", "x", false },
		{ "a!b", "a!b", true },		/* not at the start: literal */
		{ "!!x", "!x", false },		/* inverted "!x" */
		{ "!!x", "x", true },
	};
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bl_pattern p = { .text = NULL };

		assert_int_equal(blacklist_pattern_set_negatable(&p, cases[i].pattern,
								 err, sizeof(err)), 0);
		/* Kept as written, for the dump. */
		assert_string_equal(p.text, cases[i].pattern);
		if (blacklist_pattern_match(&p, cases[i].value) != cases[i].matches)
			fail_msg("\"%s\" against \"%s\": %d", cases[i].pattern,
				 cases[i].value ? cases[i].value : "(null)",
				 !cases[i].matches);
		blacklist_pattern_clear(&p);
	}
	/* Outside the blacklist sections, '!' is a character like others. */
	{
		struct bl_pattern p = { .text = NULL };

		assert_int_equal(blacklist_pattern_set(&p, "!x", err, sizeof(err)), 0);
		assert_true(blacklist_pattern_match(&p, "!x"));
		assert_false(blacklist_pattern_match(&p, "y"));
		blacklist_pattern_clear(&p);
	}
	/* "!" alone leaves nothing to match. */
	{
		struct bl_pattern p = { .text = NULL };

		assert_int_equal(blacklist_pattern_set_negatable(&p, "!", err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "empty pattern");
		assert_int_equal(blacklist_add(&bl, BL_KINDS, "x", err, sizeof(err)),
				 -EINVAL);
	}
}

static void wwid_property_and_protocol_lists(void **state)
{
	static const char *const good[] = { "ID_SERIAL=x", "ID_WWN=0x5000", NULL };
	static const char *const bare[] = { "ID_SERIAL", "ID_WWN", NULL };
	static const char *const bad[] = { "ID_SERIAL=x", "ID_FS_TYPE=LVM2_member", NULL };
	static const char *const plain[] = { "ID_SERIAL=x", NULL };
	/* A property name matches on its name only, never its value. */
	static const char *const in_value[] = { "ID_SERIAL=ID_WWN", NULL };
	char err[160], longname[400];
	const char *long_props[] = { longname, NULL };
	struct bl_path p = { .devnode = "sda", .wwid = "3600508b400105e21" };

	assert_int_equal(blacklist_add(&bl, BL_WWID, "^3600508b4", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&exc, BL_WWID, "e21$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_PROPERTY, "^ID_FS_TYPE$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&exc, BL_PROPERTY, "^ID_WWN$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_PROTOCOL, "!^scsi:(fcp|iscsi)$", err, sizeof(err)), 0);

	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);	/* excepted */
	p.wwid = "3600508b400105e22";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_WWID);
	p.wwid = "36001405";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);

	p.props = good;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);
	p.props = bare;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);
	p.props = bad;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_PROPERTY);
	p.props = plain;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PROPERTY_MISSING);
	p.props = in_value;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PROPERTY_MISSING);
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	p.props = long_props;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PROPERTY_MISSING);
	p.props = good;

	p.protocol = "scsi:fcp";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);
	p.protocol = "scsi:sas";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_PROTOCOL);
	p.protocol = NULL;	/* unknown: "!..." does not match it */
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);

	assert_string_equal(blacklist_reason_name(BL_PROPERTY_MISSING),
			    "udev property missing");
	assert_string_equal(blacklist_reason_name(BL_BY_WWID), "wwid");
	assert_string_equal(blacklist_reason_name(BL_PASS), "not blacklisted");
}

/* property, devnode, device, protocol, wwid: the first that excludes says why. */
static void criteria_in_upstreams_order(void **state)
{
	static const char *const props[] = { "ID_CDROM=1", NULL };
	struct bl_device d = make_device("^QEMU$", NULL);
	char err[160];
	struct bl_path p = {
		.devnode = "sr0", .vendor = "QEMU", .product = "QEMU DVD-ROM",
		.wwid = "QEMU_DVD", .protocol = "scsi:ata", .props = props,
	};

	assert_int_equal(blacklist_add(&bl, BL_PROPERTY, "^ID_CDROM$", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_DEVNODE, "^sr", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add_device(&bl, &d), 0);
	assert_int_equal(blacklist_add(&bl, BL_PROTOCOL, "ata", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_WWID, "QEMU", err, sizeof(err)), 0);

	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_PROPERTY);
	p.props = NULL;
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_DEVNODE);
	p.devnode = "sdz";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_DEVICE);
	p.vendor = "ATA";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_PROTOCOL);
	p.protocol = "scsi:sas";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_WWID);
	/* Each kind's exception undoes only its own kind. */
	assert_int_equal(blacklist_add(&exc, BL_WWID, ".", err, sizeof(err)), 0);
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_PASS);
	p.protocol = "scsi:ata";
	assert_int_equal(blacklist_check(&bl, &exc, &p), BL_BY_PROTOCOL);
}

static void dump_writes_every_list_as_written(void **state)
{
	char err[160], *text = NULL;
	size_t size = 0;
	FILE *f;

	assert_int_equal(blacklist_add(&bl, BL_PROTOCOL, "scsi:usb", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_PROPERTY, "!ID_WWN", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_WWID, "\\!x", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add(&bl, BL_DEVNODE, "!^sd", err, sizeof(err)), 0);
	f = open_memstream(&text, &size);
	assert_non_null(f);
	blacklist_dump(&bl, f, "\t");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "\tdevnode \"!^sd\"\n\twwid \"\\!x\"\n"
				  "\tproperty \"!ID_WWN\"\n\tprotocol \"scsi:usb\"\n");
	free(text);
}

static void dump_comments_out_the_builtin_entries(void **state)
{
	struct bl_device d = make_device("^HP$", "^OPEN-");
	struct bl_device v = make_device("^COMPAQ", NULL);
	char err[160], *text = NULL;
	size_t size = 0, i;
	FILE *f;

	assert_int_equal(blacklist_add_builtin(&bl), 0);
	assert_int_equal(blacklist_add_devnode(&bl, "^hd[a-z]", err, sizeof(err)), 0);
	assert_int_equal(blacklist_add_device(&bl, &d), 0);
	assert_int_equal(blacklist_add_device(&bl, &v), 0);
	f = open_memstream(&text, &size);
	assert_non_null(f);
	blacklist_dump(&bl, f, "\t");
	assert_int_equal(fclose(f), 0);

	for (i = 0; blacklist_builtin[i]; i++) {
		char line[BL_PATTERN_MAX + 64];

		snprintf(line, sizeof(line), "\t# built in: devnode \"%s\"\n",
			 blacklist_builtin[i]);
		assert_non_null(strstr(text, line));
	}
	assert_non_null(strstr(text, "\n\tdevnode \"^hd[a-z]\"\n"
				     "\tdevice {\n\t\tvendor \"^HP$\"\n"
				     "\t\tproduct \"^OPEN-\"\n\t}\n"
				     "\tdevice {\n\t\tvendor \"^COMPAQ\"\n\t}\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(builtin_list_keeps_out_what_is_never_a_path),
		T(bad_patterns_are_refused_with_a_reason),
		T(pattern_cost_follows_what_regcomp_copies),
		T(failed_set_keeps_the_old_pattern),
		T(device_entries_need_every_given_half_to_match),
		T(exceptions_win_within_their_kind),
		T(negation_and_its_escape),
		T(wwid_property_and_protocol_lists),
		T(criteria_in_upstreams_order),
		T(dump_writes_every_list_as_written),
		T(dump_comments_out_the_builtin_entries),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
