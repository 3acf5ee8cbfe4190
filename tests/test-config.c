// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-config.c - multipath.conf as multipathd reads it: the built-in
 * defaults with no file, every keyword and alias, which settings a path
 * gets (overrides, then the first matching device, then defaults; tur for
 * SCSI, directio otherwise), syntax errors failing the load with file and
 * line, unknown keywords and bad values skipped with their line while the
 * rest applies, upstream's map-management keywords accepted and named in
 * one notice, the blacklist and its exceptions with upstream's meaning
 * ('!', wwid, property, protocol, product_blacklist), multipaths' aliases,
 * and the dump parsing back to itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "test-util.h"
#include "../multipathd/blacklist.c"
#include "../multipathd/config.c"
#include "../multipathd/config-parse.c"
#include "../multipathd/config-load.c"

#define NAME	"test.conf"

static int setup(void **state)
{
	test_log_start();
	return 0;
}

static struct mp_config *parse_ok(const char *text)
{
	struct mp_config *conf = NULL;
	int rc = config_parse(text, strlen(text), NAME, &conf);

	if (rc)
		fail_msg("parse failed (%d): %s", rc, test_log.last);
	return conf;
}

static struct path_settings settings_for(const struct mp_config *conf,
					 const char *vendor, const char *product,
					 bool scsi)
{
	struct path_settings ps;

	memset(&ps, 0xa5, sizeof(ps));	/* everything must be written */
	config_path_settings(conf, vendor, product, scsi, &ps);
	return ps;
}

/* Was the last problem logged "test.conf:LINE: ..." with reason in it? */
static void assert_reported(unsigned int line, const char *reason)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), NAME ":%u: ", line);
	if (strncmp(test_log.last, prefix, strlen(prefix)) ||
	    !strstr(test_log.last, reason))
		fail_msg("logged \"%s\", expected \"%s%s\"", test_log.last,
			 prefix, reason);
}

static void builtin_defaults_without_a_file(void **state)
{
	struct mp_config *conf = NULL;
	struct path_settings ps;

	assert_int_equal(config_parse(NULL, 0, NULL, &conf), 0);
	assert_int_equal(config_verbosity(conf), 2);
	assert_null(config_plugin_dir(conf));
	assert_true(config_plugin_permission_check(conf));
	assert_string_equal(config_socket_name(conf), DEFAULT_SOCKET_NAME);
	assert_string_equal(DEFAULT_SOCKET_NAME, "@/org/kernel/linux/storage/multipathd");
	ps = settings_for(conf, "NETAPP", "LUN", true);
	assert_string_equal(ps.checker, "tur");
	assert_int_equal(ps.checker_timeout, 0);
	assert_int_equal(ps.polling_interval, 5);
	assert_int_equal(ps.max_polling_interval, 20);
	ps = settings_for(conf, NULL, NULL, false);
	assert_string_equal(ps.checker, "directio");
	assert_true(config_blacklisted(conf, "loop0", NULL, NULL));
	assert_false(config_blacklisted(conf, "sda", "NETAPP", "LUN"));
	assert_int_equal(test_log_problems(), 0);
	config_free(conf);
	config_free(NULL);
}

static void missing_file_means_defaults(void **state)
{
	struct mp_config *conf = NULL;
	bool missing = false;

	assert_int_equal(config_load("/nonexistent/multipath.conf", &conf, &missing), 0);
	assert_true(missing);
	assert_non_null(conf);
	assert_int_equal(config_verbosity(conf), 2);
	assert_int_equal(test_log_problems(), 0);
	config_free(conf);
	/* missing may be NULL. */
	assert_int_equal(config_load("/nonexistent/multipath.conf", &conf, NULL), 0);
	config_free(conf);
}

static void file_is_read_and_unreadable_one_fails(void **state)
{
	char path[] = "/tmp/test-config.XXXXXX";
	const char *text = "defaults {\n\tverbosity 4\n}\n";
	struct mp_config *conf = NULL, *untouched = (void *)&path;
	bool missing = true;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(config_load(path, &conf, &missing), 0);
	assert_false(missing);
	assert_int_equal(config_verbosity(conf), 4);
	config_free(conf);

	/* A syntax error in a file names the file. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "}\n", 2), 2);
	close(fd);
	conf = untouched;
	assert_int_equal(config_load(path, &conf, &missing), -EINVAL);
	assert_ptr_equal(conf, untouched);
	assert_non_null(strstr(test_log.last, path));
	assert_non_null(strstr(test_log.last, ":4: unbalanced braces"));
	unlink(path);

	/* A directory cannot be read: an error, not the defaults. */
	assert_true(config_load("/tmp", &conf, &missing) < 0);
	assert_ptr_equal(conf, untouched);
	assert_non_null(strstr(test_log.last, "/tmp: cannot use: not a regular file"));
}

/*
 * A FIFO would block open() until a writer comes (start-up, the client,
 * a running daemon's reconfigure): refused at once instead. The open runs
 * in a child so that a regression hangs the child, not the test.
 */
static void a_fifo_is_refused_without_blocking(void **state)
{
	char dir[] = "/tmp/test-config-fifo.XXXXXX", path[64];
	struct mp_config *conf = NULL;
	int status, rc;
	double t0;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/multipath.conf", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	t0 = test_now();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		rc = config_load(path, &conf, NULL);
		_exit(rc == -EINVAL && strstr(test_log.last, "not a regular file") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	rmdir(dir);
	assert_true(WIFEXITED(status));		/* not killed by the alarm */
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(test_now() - t0 < 3);
}

/*
 * A device entry whose vendor or product is refused is dropped whole, with
 * one warning that says so: kept without it, it would match any vendor.
 */
static void a_device_with_a_bad_pattern_is_dropped_with_one_warning(void **state)
{
	const char *text =
		"devices {\n"
		"\tdevice { vendor \"(\" product \"X\" path_checker rdac }\n"
		"}\n"
		"blacklist {\n"
		"\tdevice { vendor \"ACME\" product \"[\" }\n"
		"}\n";
	struct mp_config *conf = NULL;
	struct path_settings set;

	test_log_start();
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &conf), 0);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 2);
	assert_non_null(strstr(test_log.all, "t.conf:2: vendor \"(\": invalid regular expression"));
	assert_non_null(strstr(test_log.all, "; the device entry is ignored"));
	assert_null(strstr(test_log.all, "without vendor or product"));
	/* Not kept as "product X, any vendor". */
	config_path_settings(conf, "OTHER", "X", true, &set);
	assert_string_not_equal(set.checker, "rdac");
	/* Not kept as "vendor ACME, any product". */
	assert_false(config_blacklisted(conf, "sdb", "ACME", "DISK"));
	config_free(conf);
}

static void every_global_keyword_and_alias(void **state)
{
	static const struct {
		const char *text;
		unsigned int verbosity;
		const char *plugin_dir, *socket;
	} cases[] = {
		{ "defaults {\n verbosity 0\n}", 0, NULL, DEFAULT_SOCKET_NAME },
		{ "defaults {\n verbosity 6\n}", 6, NULL, DEFAULT_SOCKET_NAME },
		{ "defaults {\n plugin_dir /opt/mp\n}", 2, "/opt/mp", DEFAULT_SOCKET_NAME },
		{ "defaults {\n multipath_dir \"/lib/mp\"\n}", 2, "/lib/mp", DEFAULT_SOCKET_NAME },
		{ "defaults {\n socket_name @mpd-test\n}", 2, NULL, "@mpd-test" },
		{ "defaults {\n socket_name \"/run/mpd.sock\"\n}", 2, NULL, "/run/mpd.sock" },
		/* The last setting wins, also across sections. */
		{ "defaults {\n verbosity 3\n verbosity 5\n}\ndefaults { plugin_dir /a }\n"
		  "defaults { plugin_dir /b }", 5, "/b", DEFAULT_SOCKET_NAME },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_config *conf = parse_ok(cases[i].text);

		assert_int_equal(config_verbosity(conf), cases[i].verbosity);
		if (cases[i].plugin_dir)
			assert_string_equal(config_plugin_dir(conf), cases[i].plugin_dir);
		else
			assert_null(config_plugin_dir(conf));
		assert_string_equal(config_socket_name(conf), cases[i].socket);
		config_free(conf);
	}
	assert_int_equal(test_log_problems(), 0);
}

static const char *const layered[] = {
	/* 0: defaults and devices */
	"defaults {\n"
	"	polling_interval 10\n"
	"	checker_timeout 30\n"
	"}\n"
	"devices {\n"
	"	device {\n"
	"		vendor \"^NETAPP\"\n"
	"		product \"^LUN\"\n"
	"		path_checker rdac\n"
	"		polling_interval 20\n"
	"	}\n"
	"	device {\n"
	"		vendor \"^NETAPP\"\n"
	"		checker_timeout 60\n"
	"		max_polling_interval 15\n"
	"	}\n"
	"	device {\n"
	"		product \"^VRAID\"\n"
	"		checker emc_clariion\n"
	"		max_polling_interval 5\n"
	"	}\n"
	"}\n",
	/* 1: the same devices, overrides, a default checker */
	"overrides {\n"
	"	checker_timeout 5\n"
	"	polling_interval 3\n"
	"}\n"
	"defaults {\n"
	"	path_checker readsector0\n"
	"	max_polling_interval 50\n"
	"}\n"
	"devices {\n"
	"	device { vendor \"^NETAPP\" product \"^LUN\" path_checker rdac polling_interval 20 }\n"
	"	device { vendor \"^DGC\" max_polling_interval 7 }\n"
	"}\n",
};

static void settings_come_from_overrides_then_device_then_defaults(void **state)
{
	static const struct {
		int conf;
		const char *vendor, *product;
		bool scsi;
		struct path_settings want;
	} cases[] = {
		/* First matching device, then defaults; max is 4 x polling. */
		{ 0, "NETAPP", "LUN C-Mode", true, { "rdac", 30, 20, 80 } },
		{ 0, "NETAPP", "LUN C-Mode", false, { "rdac", 30, 20, 80 } },
		{ 0, "NETAPP", "INF-01", true, { "tur", 60, 10, 15 } },
		{ 0, "NETAPP", "INF-01", false, { "directio", 60, 10, 15 } },
		/* A maximum below the polling interval of another level rises. */
		{ 0, "DGC", "VRAID", false, { "emc_clariion", 30, 10, 10 } },
		{ 0, "IBM", "2145", true, { "tur", 30, 10, 40 } },
		{ 0, NULL, NULL, false, { "directio", 30, 10, 40 } },
		{ 0, NULL, "VRAID", true, { "emc_clariion", 30, 10, 10 } },
		/* Overrides beat the device, which beats defaults. */
		{ 1, "NETAPP", "LUN", true, { "rdac", 5, 3, 50 } },
		{ 1, "DGC", "x", true, { "readsector0", 5, 3, 7 } },
		{ 1, "IBM", "2145", false, { "readsector0", 5, 3, 50 } },
	};
	struct mp_config *conf[2];
	size_t i;

	for (i = 0; i < 2; i++)
		conf[i] = parse_ok(layered[i]);
	assert_int_equal(test_log_problems(), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct path_settings ps = settings_for(conf[cases[i].conf],
						       cases[i].vendor,
						       cases[i].product,
						       cases[i].scsi);

		if (strcmp(ps.checker, cases[i].want.checker) ||
		    ps.checker_timeout != cases[i].want.checker_timeout ||
		    ps.polling_interval != cases[i].want.polling_interval ||
		    ps.max_polling_interval != cases[i].want.max_polling_interval)
			fail_msg("case %zu: got %s/%u/%u/%u, want %s/%u/%u/%u", i,
				 ps.checker, ps.checker_timeout,
				 ps.polling_interval, ps.max_polling_interval,
				 cases[i].want.checker, cases[i].want.checker_timeout,
				 cases[i].want.polling_interval,
				 cases[i].want.max_polling_interval);
	}
	for (i = 0; i < 2; i++)
		config_free(conf[i]);
}

static void syntax_errors_fail_with_file_and_line(void **state)
{
	static const struct {
		const char *text;
		size_t len;		/* 0: strlen(text) */
		unsigned int line;
		const char *reason;
	} cases[] = {
		{ "defaults {\n\tpolling_interval 5\n", 0, 1,
		  "unbalanced braces: 'defaults' opened here is not closed" },
		{ "defaults {\n}\n\nblacklist {\n\tdevice {\n\t\tvendor X\n}\n", 0, 4,
		  "'blacklist' opened here is not closed" },
		{ "defaults {\n}\n}\n", 0, 3, "unbalanced braces: '}' without '{'" },
		{ "defaults {\n\tdevices {\n\t}\n}\n", 0, 2,
		  "section 'devices' is not allowed in defaults" },
		{ "device {\n}\n", 0, 1, "section 'device' is not allowed in the top level" },
		{ "devices {\n\tdevice {\n\t\tdevice {\n", 0, 3,
		  "section 'device' is not allowed in devices/device" },
		{ "overrides {\n\tdevice {\n", 0, 2,
		  "section 'device' is not allowed in overrides" },
		{ "defaults {\n\tplugin_dir \"/opt\n}\n", 0, 2, "unterminated quoted string" },
		{ "defaults {\n\tplugin_dir \"/opt", 0, 2, "unterminated quoted string" },
		{ "polling_interval 5\n", 0, 1, "'polling_interval' outside of any section" },
		{ "\n\nhello world\n", 0, 3, "'hello' outside of any section" },
		{ "{\n}\n", 0, 1, "'{' without a section name" },
		{ "defaults {\n}\n\"blacklist\" {\n}\n", 0, 3,
		  "quoted string where a keyword was expected" },
		{ "defaults 5\n", 0, 1, "'defaults' must be followed by '{'" },
		{ "defaults {\n\tpolling_interval {\n\t}\n}\n", 0, 2,
		  "'polling_interval' takes a value, not a section" },
		{ "defaults {\n\tverbosity 2\x01\n}\n", 0, 2, "invalid character 0x01" },
		{ "defaults {\n\0}\n", 14, 2, "invalid character 0x00" },
		{ "defaults {\n\tvendor \"a\x7f\"\n}\n", 0, 2, "invalid character 0x7f" },
		{ "unknown {\n\tinner {\n\t\twwid 1\n\t}\n", 0, 1,
		  "unbalanced braces: the block opened here is not closed" },
		{ "multipaths {\n\tmultipath {\n\t\twwid 1\n\t}\n", 0, 1,
		  "unbalanced braces: 'multipaths' opened here is not closed" },
		{ "multipath {\n}\n", 0, 1,
		  "section 'multipath' is not allowed in the top level" },
		{ "multipaths {\n\tmultipath {\n\t\tmultipath {\n", 0, 3,
		  "section 'multipath' is not allowed in multipaths/multipath" },
		{ "devices {\n\tmultipath {\n", 0, 2,
		  "section 'multipath' is not allowed in devices" },
		/* Only overrides has upstream's protocol subsection. */
		{ "devices {\n\tprotocol {\n\t}\n}", 0, 2,
		  "'protocol' takes a value, not a section" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_config *conf = (void *)&conf;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int rc;

		test_log_start();
		rc = config_parse(cases[i].text, len, NAME, &conf);
		if (rc != -EINVAL)
			fail_msg("case %zu: rc %d", i, rc);
		assert_ptr_equal(conf, (void *)&conf);	/* *ret untouched */
		assert_int_equal(test_log.count[MPATH_LOG_ERR], 1);
		assert_reported(cases[i].line, cases[i].reason);
	}
}

static void long_lines_are_refused_not_truncated(void **state)
{
	size_t n = 5000;
	char *text = malloc(n + 64);
	struct mp_config *conf = NULL;

	assert_non_null(text);
	/* A value just under the limit is fine... */
	strcpy(text, "defaults {\nplugin_dir /");
	memset(text + strlen(text), 'p', 4000);
	strcpy(text + strlen("defaults {\nplugin_dir /") + 4000, "\n}\n");
	conf = parse_ok(text);
	assert_int_equal(strlen(config_plugin_dir(conf)), 4001);
	config_free(conf);
	/* ...one past it is a syntax error, in a value or in a comment. */
	strcpy(text, "defaults {\n\n# ");
	memset(text + strlen(text), 'c', n);
	strcpy(text + strlen("defaults {\n\n# ") + n, "\n}\n");
	assert_int_equal(config_parse(text, strlen(text), NAME, &conf), -EINVAL);
	assert_reported(3, "line longer than 4096 characters");
	text[12] = 'x';		/* the comment becomes a keyword */
	assert_int_equal(config_parse(text, strlen(text), NAME, &conf), -EINVAL);
	assert_reported(3, "line longer than 4096 characters");
	free(text);
}

static void deep_unknown_blocks_are_skipped_without_recursion(void **state)
{
	size_t depth = 100000, i;
	char *text = malloc(depth * 6 + 64), *p = text;
	struct mp_config *conf;

	assert_non_null(text);
	for (i = 0; i < depth; i++)
		p += sprintf(p, "x {\n");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "}\n");
	strcpy(p, "\ndefaults { verbosity 5 }\n");
	conf = parse_ok(text);
	assert_int_equal(config_verbosity(conf), 5);
	assert_int_equal(test_log_problems(), 1);
	assert_reported(1, "unknown section 'x', skipped");
	config_free(conf);
	free(text);
}

static void bad_lines_are_skipped_and_the_rest_applies(void **state)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *reason;
	} cases[] = {
		{ "defaults {\n\tfoo_bar 1\n}", 2, "unknown keyword 'foo_bar', ignored" },
		{ "defaults {\n\tpolling_interval abc\n}", 2,
		  "polling_interval: invalid value \"abc\" (a number from 1 to 86400)" },
		{ "defaults {\n\tpolling_interval 0\n}", 2, "polling_interval: invalid value \"0\"" },
		{ "defaults {\n\tpolling_interval -5\n}", 2, "invalid value \"-5\"" },
		{ "defaults {\n\tpolling_interval 5s\n}", 2, "invalid value \"5s\"" },
		{ "defaults {\n\tpolling_interval \" 5\"\n}", 2, "invalid value \" 5\"" },
		{ "defaults {\n\tpolling_interval 99999999999999999999\n}", 2, "invalid value" },
		{ "defaults {\n\tpolling_interval 86401\n}", 2, "invalid value \"86401\"" },
		{ "defaults {\n\tmax_polling_interval 0\n}", 2, "max_polling_interval: invalid value" },
		{ "defaults {\n\tmax_polling_interval 2\n}", 2,
		  "max_polling_interval 2 is less than polling_interval 5, ignored" },
		{ "overrides {\n\tpolling_interval 30\n\n\tmax_polling_interval 20\n}", 4,
		  "max_polling_interval 20 is less than polling_interval 30" },
		{ "devices {\n\tdevice {\n\t\tvendor X\n\t\tmax_polling_interval 1\n"
		  "\t\tpolling_interval 2\n\t}\n}", 4,
		  "max_polling_interval 1 is less than polling_interval 2" },
		{ "defaults {\n\tchecker_timeout 0\n}", 2, "checker_timeout: invalid value \"0\"" },
		{ "defaults {\n\tverbosity 7\n}", 2, "verbosity: invalid value \"7\" (a number from 0 to 6)" },
		{ "defaults {\n\tpath_checker \"tur x\"\n}", 2, "invalid checker name \"tur x\"" },
		{ "defaults {\n\tchecker ../evil\n}", 2, "checker: invalid checker name \"../evil\"" },
		{ "defaults {\n\tchecker sixteen_chars_xx\n}", 2, "invalid checker name" },
		{ "defaults {\n\tchecker \"\"\n}", 2, "invalid checker name" },
		{ "blacklist {\n\tdevnode \"(sd\"\n}", 2,
		  "devnode \"(sd\": invalid regular expression" },
		{ "blacklist_exceptions {\n\tdevnode \"\"\n}", 2, "devnode \"\": empty pattern" },
		{ "devices {\n\tdevice {\n\t\tvendor \"[\"\n\t\tproduct X\n\t}\n}", 3,
		  "vendor \"[\": invalid regular expression" },
		{ "blacklist {\n\tdevice {\n\t\tproduct \"x{99}{99}\"\n\t\tvendor X\n\t}\n}", 3,
		  "product \"x{99}{99}\": too complex for regcomp()" },
		{ "defaults {\n\tplugin_dir lib/mp\n}", 2,
		  "plugin_dir: \"lib/mp\" is not an absolute path" },
		{ "defaults {\n\tplugin_permission_check maybe\n}", 2,
		  "plugin_permission_check: invalid value \"maybe\" (yes or no), ignored" },
		{ "devices {\n\tdevice {\n\t\tvendor X\n\t\tplugin_permission_check no\n\t}\n}", 4,
		  "'plugin_permission_check' is not allowed in devices/device" },
		{ "defaults {\n\tsocket_name mpd\n}", 2, "socket_name: \"mpd\" is neither" },
		{ "defaults {\n\tsocket_name @\n}", 2, "socket_name: \"@\" is neither" },
		{ "defaults {\n\tdevnode sda\n}", 2, "'devnode' is not allowed in defaults, ignored" },
		{ "blacklist {\n\tpolling_interval 5\n}", 2,
		  "'polling_interval' is not allowed in blacklist" },
		{ "blacklist {\n\tdevice {\n\t\tvendor X\n\t\tchecker tur\n\t}\n}", 4,
		  "'checker' is not allowed in a blacklist device" },
		{ "devices {\n\tdevice {\n\t\tvendor X\n\t\tverbosity 3\n\t}\n}", 4,
		  "'verbosity' is not allowed in devices/device" },
		{ "devices {\n\tvendor X\n}", 2, "'vendor' is not allowed in devices" },
		{ "defaults {\n\tpolling_interval\n\t}", 2, "'polling_interval' without a value" },
		{ "defaults {\n\tpolling_interval }", 2, "'polling_interval' without a value" },
		{ "devices {\n\tdevice {\n\t\tchecker tur\n\t}\n}", 2,
		  "device without vendor or product, ignored" },
		{ "blacklist_exceptions {\n\tdevice { }\n}", 2, "device without vendor or product" },
		{ "multipaths {\n\tmultipath {\n\t\talias data\n\t}\n}", 2,
		  "multipath without wwid, ignored" },
		{ "multipaths {\n\tmultipath {\n\t\twwid 36001\n\t\talias \"a/b\"\n\t}\n}", 4,
		  "alias: invalid value \"a/b\" (1 to 127 characters, no '/'), ignored" },
		{ "multipaths {\n\tmultipath {\n\t\twwid 36001\n\t\twwid \"\"\n\t}\n}", 4,
		  "wwid: invalid value \"\" (1 to 127 characters), ignored" },
		{ "multipaths {\n\tmultipath {\n\t\twwid 36001\n\t\tpolling_interval 5\n\t}\n}", 4,
		  "'polling_interval' is not allowed in multipaths/multipath" },
		{ "multipaths {\n\tprio alua\n}", 2, "'prio' is not allowed in multipaths, ignored" },
		{ "multipaths {\n\tunknown_kw 1\n}", 2, "unknown keyword 'unknown_kw', ignored" },
		{ "blacklist {\n\tprio alua\n}", 2, "'prio' is not allowed in blacklist, ignored" },
		{ "defaults {\n\talias x\n}", 2, "'alias' is not allowed in defaults, ignored" },
		{ "defaults {\n\tprio alua\n\tno_path_retry queue\n\tfoo_bar 1\n}", 4,
		  "unknown keyword 'foo_bar', ignored" },
		{ "blacklist {\n\twwid \"(3600\"\n}", 2, "wwid \"(3600\": invalid regular expression" },
		{ "blacklist {\n\tproperty \"!\"\n}", 2, "property \"!\": empty pattern" },
		{ "blacklist_exceptions {\n\tprotocol \"scsi:(fcp\"\n}", 2,
		  "protocol \"scsi:(fcp\": invalid regular expression" },
		{ "devices {\n\tdevice {\n\t\tvendor X\n\t\trevision 0001\n\t}\n}", 4,
		  "revision: not supported, this device entry applies to every revision" },
		{ "devices {\n\tdevice {\n\t\tvendor X\n\t\tproduct_blacklist \"(\"\n\t}\n}", 4,
		  "product_blacklist \"(\": invalid regular expression" },
		{ "defaults {\r\n\tfoo 1\r\n}\r\n", 2, "unknown keyword 'foo'" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct mp_config *conf;

		/* The lines after the bad one must still apply. */
		snprintf(text, sizeof(text),
			 "%s\ndefaults {\n\tverbosity 5\n}\n", cases[i].text);
		test_log_start();
		conf = parse_ok(text);
		if (test_log_problems() != 1)
			fail_msg("case %zu: %d problems: %s", i, test_log_problems(),
				 test_log.all);
		assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);
		assert_reported(cases[i].line, cases[i].reason);
		assert_int_equal(config_verbosity(conf), 5);
		config_free(conf);
	}
}

static void patterns_share_one_budget(void **state)
{
	const char *costly = "^x|(ab?){160}";	/* 482 elements */
	unsigned int each = blacklist_pattern_cost(costly);
	unsigned int fit = CONF_REGEX_BUDGET / each, i;
	size_t size = (fit + 8) * 64;
	char *text = malloc(size), *p = text;
	struct mp_config *conf;

	assert_non_null(text);
	assert_true(each > 400 && each <= BL_EXPANSION_MAX);
	p += sprintf(p, "blacklist {\n");
	for (i = 0; i < fit + 2; i++)
		p += sprintf(p, "\tdevnode \"%s\"\n", costly);
	p += sprintf(p, "\tdevnode \"^sdq$\"\n}\ndefaults { verbosity 5 }\n");
	conf = parse_ok(text);
	/* The first pattern past the budget is refused, and each after it... */
	assert_int_equal(test_log_problems(), 2);
	assert_non_null(strstr(test_log.all, "patterns would expand to more than 16384"));
	{
		char line[64];

		snprintf(line, sizeof(line), NAME ":%u: devnode", fit + 2);
		assert_non_null(strstr(test_log.all, line));
	}
	assert_true(config_blacklisted(conf, "x0", NULL, NULL));
	/* ...that does not fit: a cheap one still does. */
	assert_true(config_blacklisted(conf, "sdq", NULL, NULL));
	assert_int_equal(config_verbosity(conf), 5);
	config_free(conf);
	free(text);
}

static void bad_value_keeps_the_previous_setting(void **state)
{
	struct mp_config *conf = parse_ok("defaults {\n"
					  "	verbosity 4\n"
					  "	verbosity loud\n"
					  "	checker directio\n"
					  "	checker bad/name\n"
					  "	socket_name @first\n"
					  "	socket_name relative\n"
					  "}\n");
	struct path_settings ps = settings_for(conf, NULL, NULL, true);

	assert_int_equal(test_log_problems(), 3);
	assert_int_equal(config_verbosity(conf), 4);
	assert_string_equal(ps.checker, "directio");
	assert_string_equal(config_socket_name(conf), "@first");
	config_free(conf);
}

static void quotes_comments_and_layout(void **state)
{
	struct mp_config *conf = parse_ok(
		"# a comment\n"
		"! another comment\n"
		"defaults { # trailing comment\n"
		"	plugin_dir \"/opt/my plugins/#1 {x}\"   ! comment after\n"
		"	socket_name @/my/socket#not-a-comment-in-a-word?\n"
		"}\n"
		"devices\n"
		"{\n"
		"	device { vendor \"NET APP\" product \"LUN!\" path_checker hp_sw }\n"
		"}\n"
		"\n"
		"blacklist{devnode \"^sd[x-z]$\"}\n");
	struct path_settings ps;

	assert_int_equal(test_log_problems(), 0);
	assert_string_equal(config_plugin_dir(conf), "/opt/my plugins/#1 {x}");
	/* '#' ends an unquoted word: a comment starts there. */
	assert_string_equal(config_socket_name(conf), "@/my/socket");
	ps = settings_for(conf, "NET APP", "LUN!", true);
	assert_string_equal(ps.checker, "hp_sw");
	ps = settings_for(conf, "NET APP", "LUN", true);
	assert_string_equal(ps.checker, "tur");
	assert_true(config_blacklisted(conf, "sdy", NULL, NULL));
	assert_false(config_blacklisted(conf, "sdb", NULL, NULL));
	config_free(conf);
}

static void blacklist_and_exceptions(void **state)
{
	static const struct {
		int conf;
		const char *devnode, *vendor, *product;
		bool excluded;
	} cases[] = {
		{ 0, "loop0", NULL, NULL, true },
		{ 0, "ram1", NULL, NULL, true },
		{ 0, "dm-3", "Linux", "dm", true },
		{ 0, "sda", "NETAPP", "LUN", false },
		{ 1, "loop0", NULL, NULL, false },	/* the exception lets it in */
		{ 1, "loop7", "Linux", "loop", false },
		{ 1, "zram0", NULL, NULL, true },
		{ 1, "sda", "NETAPP", "LUN", false },
		{ 1, "sdb", "NETAPP", "LUN", true },	/* devnode entry */
		{ 1, "sdc", "DGC", "LUNZ", true },	/* device entry */
		{ 1, "sdc", "DGC", "VRAID", false },
		{ 1, "sdc", NULL, "LUNZ", false },	/* vendor unknown */
		{ 1, "sdd", "IBM", "Universal Xport", true },
		{ 1, "sdd", "IBM", "2145", false },
		{ 1, "sde", "HP", "LOGICAL VOLUME", false },	/* excepted */
		/*
		 * Upstream's rule: an exception lets in only what an entry
		 * of its own kind keeps out; sdb's devnode entry still holds.
		 */
		{ 1, "sdb", "HP", "LOGICAL VOLUME", true },
	};
	const char *texts[] = {
		"",
		"blacklist {\n"
		"	devnode \"^sdb$\"\n"
		"	device {\n"
		"		vendor \"^DGC\"\n"
		"		product \"^LUNZ\"\n"
		"	}\n"
		"	device { product \"Universal Xport\" }\n"
		"	device { vendor \"^HP$\" }\n"
		"}\n"
		"blacklist_exceptions {\n"
		"	devnode loop\n"
		"	device { vendor ^HP$ product \"^LOGICAL\" }\n"
		"}\n",
	};
	struct mp_config *conf[2];
	size_t i;

	for (i = 0; i < 2; i++)
		conf[i] = parse_ok(texts[i]);
	assert_int_equal(test_log_problems(), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = config_blacklisted(conf[cases[i].conf], cases[i].devnode,
					      cases[i].vendor, cases[i].product);

		if (got != cases[i].excluded)
			fail_msg("case %zu (%s): excluded %d", i, cases[i].devnode, got);
	}
	for (i = 0; i < 2; i++)
		config_free(conf[i]);
}

/* Upstream's blacklist: '!', wwid, property (and its "missing"), protocol. */
static void upstream_blacklist_semantics(void **state)
{
	static const char *const wwn[] = { "DEVTYPE=disk", "ID_WWN=0x6001", NULL };
	static const char *const ident[] = { "SCSI_IDENT_LUN_NAA_REG=6001", NULL };
	static const char *const serial[] = { "ID_SERIAL=QEMU_HARDDISK", NULL };
	static const char *const cdrom[] = { "ID_CDROM=1", "ID_WWN=0x1", NULL };
	static const char *const cdrom2[] = { "ID_WWN=0x1", "ID_CDROM=1", NULL };
	static const char *const none[] = { NULL };
	static const struct {
		struct bl_path path;
		const char *reason;	/* NULL: not blacklisted */
	} cases[] = {
		/* "!^(sd[a-z]|dasd[a-z]|nvme[0-9])": everything else is out. */
		{ { .devnode = "sda" }, NULL },
		{ { .devnode = "dasdb" }, NULL },
		{ { .devnode = "nvme0n1" }, NULL },
		{ { .devnode = "vda" }, "device node name" },
		{ { .devnode = "xvdb" }, "device node name" },
		{ { .devnode = "loop3" }, NULL },	/* devnode exception */
		{ { .devnode = NULL }, NULL },		/* unknown: no match */
		/* wwid, with an exception of its own kind. */
		{ { .devnode = "sdb", .wwid = "36000c29aabbccdd" }, "wwid" },
		{ { .devnode = "sdb", .wwid = "3600a0980383030" }, NULL },
		{ { .devnode = "sdb", .wwid = "SATA_disk1" }, NULL },
		/* An exception of another kind does not help. */
		{ { .devnode = "vdb", .wwid = "3600a0980383030" }, "device node name" },
		{ { .devnode = "sdc", .vendor = "DGC", .product = "LUNZ",
		    .wwid = "3600a0980383030" }, "vendor/product" },
		/* Properties: a blacklisted name, the exceptions' names. */
		{ { .devnode = "sdd", .wwid = "35000c5001", .props = wwn }, NULL },
		{ { .devnode = "sdd", .wwid = "35000c5001", .props = ident }, NULL },
		{ { .devnode = "sdd", .wwid = "35000c5001", .props = serial },
		  "udev property missing" },
		{ { .devnode = "sdd", .wwid = "35000c5001", .props = none },
		  "udev property missing" },
		/* Without a WWID, a missing property does not count. */
		{ { .devnode = "sdd", .props = serial }, NULL },
		{ { .devnode = "sdd", .wwid = "", .props = serial }, NULL },
		/* Unknown properties: no property criterion at all. */
		{ { .devnode = "sdd", .wwid = "35000c5001" }, NULL },
		/* The first property that matches either list decides. */
		{ { .devnode = "sde", .wwid = "35000c5001", .props = cdrom }, "udev property" },
		{ { .devnode = "sde", .wwid = "35000c5001", .props = cdrom2 }, NULL },
		/* Property comes before devnode, as upstream orders them. */
		{ { .devnode = "vde", .wwid = "35000c5001", .props = serial },
		  "udev property missing" },
		/* protocol */
		{ { .devnode = "sdf", .protocol = "scsi:usb" }, "protocol" },
		{ { .devnode = "sdf", .protocol = "scsi:fcp" }, NULL },
		/* '!' in a blacklist device entry; "\!" is a literal '!'. */
		{ { .devnode = "sdg", .vendor = "ACME", .product = "X" }, "vendor/product" },
		{ { .devnode = "sdg", .vendor = "NETAPP", .product = "X" }, NULL },
		{ { .devnode = "sdg", .vendor = "NETAPP", .product = "!X" }, "vendor/product" },
		{ { .devnode = "sdg", .vendor = "NETAPP" }, NULL },
	};
	struct mp_config *conf = parse_ok(
		"blacklist {\n"
		"	devnode \"!^(sd[a-z]|dasd[a-z]|nvme[0-9])\"\n"
		"	wwid \"^3600\"\n"
		"	property \"^ID_CDROM$\"\n"
		"	protocol \"scsi:usb\"\n"
		"	device { vendor \"!^NETAPP$\" }\n"
		"	device { product \"\\!X\" }\n"
		"	device { vendor DGC product LUNZ }\n"
		"}\n"
		"blacklist_exceptions {\n"
		"	devnode \"^loop\"\n"
		"	wwid \"^3600a098\"\n"
		"	property \"(SCSI_IDENT_|ID_WWN)\"\n"
		"}\n");
	size_t i;

	assert_int_equal(test_log_problems(), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bl_path *pp = &cases[i].path;
		const char *got = config_blacklist_reason(conf, pp);

		if ((got == NULL) != (cases[i].reason == NULL) ||
		    (got && strcmp(got, cases[i].reason)))
			fail_msg("case %zu (%s): blacklisted by \"%s\", expected \"%s\"",
				 i, pp->devnode ? pp->devnode : "(null)",
				 got ? got : "-",
				 cases[i].reason ? cases[i].reason : "-");
		assert_int_equal(config_blacklisted_path(conf, pp), got != NULL);
	}
	/* The old entry point is the same decision, for what it is given. */
	assert_true(config_blacklisted(conf, "vda", NULL, NULL));
	assert_false(config_blacklisted(conf, "sda", NULL, NULL));
	config_free(conf);
}

/* How many captured messages contain text. */
static int logged(const char *text)
{
	const char *at = test_log.all;
	int n = 0;

	while ((at = strstr(at, text))) {
		n++;
		at++;
	}
	return n;
}

static void map_keywords_are_summarised_once(void **state)
{
	struct mp_config *conf;

	conf = parse_ok(
		"defaults {\n"
		"	user_friendly_names yes\n"
		"	find_multipaths yes\n"
		"	polling_interval 7\n"
		"	udev_dir /dev\n"
		"}\n"
		"devices {\n"
		"	device {\n"
		"		vendor NETAPP\n"
		"		product LUN\n"
		"		path_grouping_policy group_by_prio\n"
		"		prio alua\n"
		"		hardware_handler \"1 alua\"\n"
		"		no_path_retry queue\n"
		"		path_checker rdac\n"
		"	}\n"
		"	device { vendor X prio const no_path_retry 12 hw_typo 1 }\n"
		"}\n"
		"overrides {\n"
		"	no_path_retry fail\n"
		"	protocol {\n"
		"		type \"scsi:fcp\"\n"
		"		dev_loss_tmo 60\n"
		"	}\n"
		"	another_typo 2\n"
		"}\n"
		"multipaths { multipath { wwid 36001 alias a rr_weight priorities } }\n");
	/* Typos, and only they, are warned on their lines. */
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 2);
	assert_int_equal(logged("test.conf:17: unknown keyword 'hw_typo', ignored\n"), 1);
	assert_int_equal(logged("test.conf:25: unknown keyword 'another_typo', ignored\n"), 1);
	/* The rest: one notice, each name once, in the order of first use. */
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 1);
	assert_int_equal(logged("test.conf: 9 keywords for map management are not used by this daemon: "
			 "user_friendly_names, find_multipaths, udev_dir, path_grouping_policy, prio, "
			 "hardware_handler, no_path_retry, protocol, rr_weight\n"), 1);
	/* What this daemon implements keeps its meaning next to them. */
	assert_int_equal(settings_for(conf, "NETAPP", "LUN", true).polling_interval, 7);
	assert_string_equal(settings_for(conf, "NETAPP", "LUN", true).checker, "rdac");
	assert_string_equal(config_alias(conf, "36001"), "a");
	config_free(conf);

	/* One keyword: the grammar follows. */
	test_log_start();
	conf = parse_ok("defaults { find_multipaths yes }");
	assert_int_equal(logged("test.conf: 1 keyword for map management is not used by this daemon: find_multipaths\n"), 1);
	config_free(conf);

	/* None: no notice. */
	test_log_start();
	conf = parse_ok("defaults { polling_interval 3 }");
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 0);
	config_free(conf);

	/* A syntax error: the error only, no notice about a file not loaded. */
	test_log_start();
	assert_int_equal(config_parse("defaults { prio alua", 20, NAME, &conf), -EINVAL);
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 0);
}

/* Every one of them, in one file: the notice is cut short, and says so. */
static void the_notice_fits_one_message(void **state)
{
	char *text = malloc(N_MAP_KEYWORDS * 64 + 64), *at = text;
	struct mp_config *conf;
	char head[96];
	size_t i;

	assert_non_null(text);
	at += sprintf(at, "defaults {\n");
	for (i = 0; i < N_MAP_KEYWORDS; i++)
		at += sprintf(at, "\t%s 1\n", map_keywords[i]);
	sprintf(at, "}\n");
	/* Each use, at debug level (verbosity 4). */
	conf = parse_ok(text);
	assert_non_null(strstr(test_log.all, "test.conf:2: 'alias_prefix' is for map management, not used by this daemon\n"));
	config_free(conf);

	test_log_start();
	mpath_log_set_level(MPATH_LOG_NOTICE);
	conf = parse_ok(text);
	assert_int_equal(test_log_problems(), 0);
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 1);
	snprintf(head, sizeof(head), "test.conf: %zu keywords for map management are not used by this daemon: alias_prefix, ",
		 N_MAP_KEYWORDS);
	assert_ptr_equal(strstr(test_log.all, head), test_log.all);
	assert_non_null(strstr(test_log.all, " more (verbosity 4 logs each)\n"));
	/* The log cuts at 511 characters: it must fit, the end included. */
	assert_true(strlen(test_log.all) < 511);
	config_free(conf);

	/* However long the file's name. */
	test_log_start();
	mpath_log_set_level(MPATH_LOG_NOTICE);
	{
		char name[600];

		memset(name, 'f', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		assert_int_equal(config_parse(text, strlen(text), name, &conf), 0);
		assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 1);
		config_free(conf);
	}
	free(text);
}

/* The table must stay sorted (bsearch) and apart from what we implement. */
static void map_keyword_table_is_sorted_and_apart(void **state)
{
	size_t i;

	for (i = 1; i < N_MAP_KEYWORDS; i++)
		if (strcmp(map_keywords[i - 1], map_keywords[i]) >= 0)
			fail_msg("not sorted: %s, %s", map_keywords[i - 1],
				 map_keywords[i]);
	for (i = 0; i < N_MAP_KEYWORDS; i++) {
		if (keyword_find(map_keywords[i]))
			fail_msg("%s is implemented, yet listed as map management",
				 map_keywords[i]);
		assert_int_equal(map_keyword_find(map_keywords[i]), (int)i);
	}
	assert_int_equal(map_keyword_find("polling_interval"), -1);
	assert_int_equal(map_keyword_find("prio_"), -1);
}

static void aliases_from_multipaths(void **state)
{
	struct mp_config *conf = parse_ok(
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 3600a098038303053453f463045727a35\n"
		"		alias oradata01\n"
		"		path_grouping_policy multibus\n"
		"	}\n"
		"	multipath { wwid 36001405a alias first }\n"
		"	multipath { wwid 36001405b }\n"
		"	multipath { wwid 36001405a alias second }\n"
		"}\n"
		"multipaths {\n"
		"	multipath { alias \"third\" wwid 36001405c }\n"
		"}\n");
	char *dump;

	assert_int_equal(test_log_problems(), 0);
	assert_string_equal(config_alias(conf, "3600a098038303053453f463045727a35"),
			    "oradata01");
	/* Upstream merges entries for one WWID; the later setting wins. */
	assert_string_equal(config_alias(conf, "36001405a"), "second");
	assert_null(config_alias(conf, "36001405b"));
	assert_string_equal(config_alias(conf, "36001405c"), "third");
	/* Exact, not a pattern or a prefix. */
	assert_null(config_alias(conf, "36001405"));
	assert_null(config_alias(conf, "36001405aa"));
	assert_null(config_alias(conf, "3600.*"));
	assert_null(config_alias(conf, NULL));
	dump = config_dump(conf);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "multipaths {\n\tmultipath {\n"
				     "\t\twwid \"3600a098038303053453f463045727a35\"\n"
				     "\t\talias \"oradata01\"\n\t}\n"));
	free(dump);
	config_free(conf);

	/* No multipaths: no aliases, and no section in the dump. */
	conf = parse_ok("");
	assert_null(config_alias(conf, "36001405a"));
	dump = config_dump(conf);
	assert_non_null(dump);
	assert_null(strstr(dump, "multipaths"));
	free(dump);
	config_free(conf);
}

/* Lookups stay right with many maps, in any order. */
static void many_aliases(void **state)
{
	size_t n = 20000, i;
	char *text = malloc(n * 64 + 32), *at = text, wwid[32], alias[32];
	struct mp_config *conf;

	assert_non_null(text);
	at += sprintf(at, "multipaths {\n");
	for (i = 0; i < n; i++)
		at += sprintf(at, "multipath { wwid 36%014zx alias mpath%zu }\n",
			      (i * 7919) % n, i);
	sprintf(at, "}\n");
	conf = parse_ok(text);
	for (i = 0; i < n; i++) {
		snprintf(wwid, sizeof(wwid), "36%014zx", (i * 7919) % n);
		snprintf(alias, sizeof(alias), "mpath%zu", i);
		assert_string_equal(config_alias(conf, wwid), alias);
	}
	assert_null(config_alias(conf, "36ffffffffffffff"));
	config_free(conf);
	free(text);
}

static void product_blacklist_blacklists_the_vendors_products(void **state)
{
	struct mp_config *conf = parse_ok(
		"devices {\n"
		"	device {\n"
		"		vendor \"^DGC\"\n"
		"		product \".*\"\n"
		"		product_blacklist \"LUNZ\"\n"
		"		path_checker emc_clariion\n"
		"	}\n"
		"	device { vendor \"(NETAPP|LSI)\" product_blacklist \"Universal Xport\" }\n"
		"	device { vendor BAD product_blacklist X product \"[\" }\n"
		"}\n");

	assert_int_equal(test_log_problems(), 1);	/* the bad product */
	assert_true(config_blacklisted(conf, "sda", "DGC", "LUNZ"));
	assert_false(config_blacklisted(conf, "sda", "DGC", "VRAID"));
	assert_true(config_blacklisted(conf, "sdb", "LSI", "Universal Xport"));
	assert_false(config_blacklisted(conf, "sdb", "LSI", "INF-01-00"));
	assert_false(config_blacklisted(conf, "sdb", "IBM", "Universal Xport"));
	/* A dropped entry blacklists nothing either. */
	assert_false(config_blacklisted(conf, "sdc", "BAD", "X"));
	assert_string_equal(settings_for(conf, "DGC", "VRAID", true).checker,
			    "emc_clariion");
	config_free(conf);
}

/* dump -> parse -> dump gives the same text, without a warning. */
/*
 * plugin_permission_check: yes by default, "no" turns it off, a bad value
 * keeps what was set before; the dump says what is in effect.
 */
static void plugin_permission_check_is_yes_or_no(void **state)
{
	static const struct {
		const char *text;
		bool expect;
	} cases[] = {
		{ "", true },
		{ "defaults {\n plugin_permission_check no\n}", false },
		{ "defaults {\n plugin_permission_check yes\n}", true },
		{ "defaults {\n plugin_permission_check no\n plugin_permission_check yes\n}", true },
		{ "defaults {\n plugin_permission_check no\n plugin_permission_check NO\n}", false },
		{ "defaults {\n plugin_permission_check \"no\"\n}", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_config *conf = parse_ok(cases[i].text);
		char *dump = config_dump(conf);

		assert_non_null(dump);
		if (config_plugin_permission_check(conf) != cases[i].expect)
			fail_msg("case %zu: \"%s\"", i, cases[i].text);
		assert_non_null(strstr(dump, cases[i].expect ?
				       "\tplugin_permission_check yes\n" :
				       "\tplugin_permission_check no\n"));
		free(dump);
		config_free(conf);
	}
}

/* Applied when the registry (re)starts; off, it says so once. */
static void plugin_permission_check_is_applied_and_warned_once(void **state)
{
	/* A plugin directory that exists: no other warning. */
	struct mp_config *off = parse_ok("defaults {\n plugin_dir /\n plugin_permission_check no\n}");
	struct mp_config *on = parse_ok("defaults {\n plugin_dir /\n}");

	test_log_start();
	assert_int_equal(config_init_checkers(off), 0);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);
	assert_non_null(strstr(test_log.all, "plugin_permission_check is off"));
	cleanup_checkers();
	test_log_start();
	assert_int_equal(config_init_checkers(on), 0);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 0);
	assert_null(strstr(test_log.all, "plugin_permission_check"));
	cleanup_checkers();
	config_free(off);
	config_free(on);
}

static void assert_dump_round_trips(const char *text)
{
	struct mp_config *a = parse_ok(text), *b;
	char *first = config_dump(a), *second;

	assert_non_null(first);
	test_log_start();
	b = parse_ok(first);
	if (test_log_problems())
		fail_msg("dump does not parse cleanly: %s\n%s", test_log.all, first);
	second = config_dump(b);
	assert_non_null(second);
	assert_string_equal(first, second);
	config_free(a);
	config_free(b);
	free(first);
	free(second);
}

static void dump_round_trips(void **state)
{
	static const char *const texts[] = {
		"",
		"defaults { verbosity 0 polling_interval 1 max_polling_interval 1 }",
		"defaults {\n"
		"	verbosity 5\n"
		"	checker tur\n"
		"	checker_timeout 45\n"
		"	max_polling_interval 60\n"
		"	plugin_dir \"/opt/multipath plugins\"\n"
		"	socket_name \"/run/multipathd.sock\"\n"
		"}\n"
		"blacklist {\n"
		"	devnode \"^(hd|xvd)[a-z]\"\n"
		"	device { vendor \"^DGC\" product \"LUNZ #1 {a}\" }\n"
		"	device { product \"!bang\" }\n"
		"	devnode \"!^(sd|dasd)\"\n"
		"	wwid \"\\!literal\"\n"
		"	property \"^ID_CDROM\"\n"
		"	protocol \"scsi:(ata|usb)\"\n"
		"}\n"
		"blacklist_exceptions {\n"
		"	devnode loop\n"
		"	device { vendor \"^HP$\" }\n"
		"	wwid \"^3600a098\"\n"
		"	property \"(SCSI_IDENT_|ID_WWN)\"\n"
		"}\n"
		"devices {\n"
		"	device { vendor NETAPP product LUN path_checker rdac polling_interval 7 }\n"
		"	device { product \"^VRAID\" checker_timeout 9 max_polling_interval 99 }\n"
		"	device { vendor \"^DGC\" product_blacklist LUNZ path_checker emc_clariion }\n"
		"}\n"
		"overrides { checker_timeout 11 polling_interval 12 }\n"
		"multipaths {\n"
		"	multipath { wwid 3600a098038303053453f463045727a35 alias \"ora data #1\" }\n"
		"	multipath { wwid 36001405abcdef alias \"{x}\" prio alua }\n"
		"	multipath { wwid 36001405ffff }\n"
		"}\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_dump_round_trips(texts[i]);
}

static void dump_says_what_is_in_effect(void **state)
{
	struct mp_config *conf = parse_ok(layered[1]), *again;
	char *text = config_dump(conf);
	struct path_settings a, b;

	assert_non_null(text);
	assert_non_null(strstr(text, "defaults {\n\tverbosity 2\n"));
	assert_non_null(strstr(text, "\tpath_checker readsector0\n"));
	assert_non_null(strstr(text, "\tsocket_name \"" DEFAULT_SOCKET_NAME "\"\n"));
	assert_non_null(strstr(text, "\t# built in: devnode \""));
	assert_non_null(strstr(text, "overrides {\n\tchecker_timeout 5\n\tpolling_interval 3\n}\n"));
	/* The dump, loaded again, gives every path the same settings. */
	again = parse_ok(text);
	a = settings_for(conf, "NETAPP", "LUN", true);
	b = settings_for(again, "NETAPP", "LUN", true);
	assert_memory_equal(&a, &b, sizeof(a));
	a = settings_for(conf, "DGC", "x", false);
	b = settings_for(again, "DGC", "x", false);
	assert_memory_equal(&a, &b, sizeof(a));
	free(text);
	config_free(conf);
	config_free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(builtin_defaults_without_a_file),
		T(plugin_permission_check_is_yes_or_no),
		T(plugin_permission_check_is_applied_and_warned_once),
		T(missing_file_means_defaults),
		T(file_is_read_and_unreadable_one_fails),
		T(a_fifo_is_refused_without_blocking),
		T(a_device_with_a_bad_pattern_is_dropped_with_one_warning),
		T(every_global_keyword_and_alias),
		T(settings_come_from_overrides_then_device_then_defaults),
		T(syntax_errors_fail_with_file_and_line),
		T(long_lines_are_refused_not_truncated),
		T(deep_unknown_blocks_are_skipped_without_recursion),
		T(bad_lines_are_skipped_and_the_rest_applies),
		T(patterns_share_one_budget),
		T(bad_value_keeps_the_previous_setting),
		T(quotes_comments_and_layout),
		T(blacklist_and_exceptions),
		T(upstream_blacklist_semantics),
		T(map_keywords_are_summarised_once),
		T(the_notice_fits_one_message),
		T(map_keyword_table_is_sorted_and_apart),
		T(aliases_from_multipaths),
		T(many_aliases),
		T(product_blacklist_blacklists_the_vendors_products),
		T(dump_round_trips),
		T(dump_says_what_is_in_effect),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
