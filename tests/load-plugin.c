// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * load-plugin - load one checker the way a daemon would, run one check on a
 * device and print the result.
 *
 *   load-plugin [-i] [-s] [-v] [-t SECONDS] PLUGIN_DIR NAME [DEVICE]
 *
 * It exists so that a plugin can be tried by hand and by scripts (the SDK
 * test, `make run`) through the public API only: init_checkers(),
 * checker_get(), checker_init(), checker_check(), checker_get_state(),
 * checker_put(), cleanup_checkers(). It prints "NAME: STATE (MESSAGE)".
 *
 * Exit status: 0 when a state was printed, whatever the state; 1 when the
 * check could not be run or gave no result in time; 2 on a usage error or
 * when the checker could not be loaded (the library logs why).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmultipath.h"

#define DEFAULT_TIMEOUT 30	/* seconds, multipathd's default checker_timeout */
#define POLL_INTERVAL_NS (10 * 1000 * 1000)

static void usage(FILE *to)
{
	fprintf(to,
		"usage: load-plugin [-i] [-s] [-v] [-t SECONDS] PLUGIN_DIR NAME [DEVICE]\n"
		"  Loads checker NAME (PLUGIN_DIR/libcheckNAME.so, or the built-in \"none\"),\n"
		"  runs one check on DEVICE (default /dev/null) and prints NAME: STATE (MESSAGE).\n"
		"  -i  do not check the plugin's ownership and mode (for tests)\n"
		"  -s  run the check synchronously (default: asynchronously, as a daemon does)\n"
		"  -v  log at debug level\n"
		"  -t  the checker's timeout in seconds (default %d)\n",
		DEFAULT_TIMEOUT);
}

/*
 * The library logs to stderr by itself; a handler of our own marks the
 * lines as coming through this tool, which is what a daemon would do too.
 */
static void log_to_stderr(int level, const char *msg, void *data)
{
	fprintf(stderr, "load-plugin: %s: %s\n", mpath_log_level_name(level),
		msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait for an asynchronous check. checker_get_state() never blocks, so it
 * is polled. The library reports PATH_TIMEOUT itself at the checker's
 * deadline; our own limit, a second later, only guards against a library
 * that fails to, so that a script calling this tool never hangs.
 */
static int wait_for_result(struct checker *c, unsigned int timeout)
{
	const struct timespec tick = { 0, POLL_INTERVAL_NS };
	double deadline = now() + timeout + 1;
	int state;

	while ((state = checker_get_state(c)) == PATH_PENDING &&
	       now() < deadline)
		nanosleep(&tick, NULL);
	return state;
}

static int parse_timeout(const char *arg, unsigned int *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v == 0 || v > 3600 || arg[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir, *name, *device = "/dev/null";
	unsigned int timeout = DEFAULT_TIMEOUT;
	bool check_perms = true, sync = false;
	struct checker c;
	int opt, fd, err, state, ret = 0;

	while ((opt = getopt(argc, argv, "hist:v")) != -1) {
		switch (opt) {
		case 'i':
			check_perms = false;
			break;
		case 's':
			sync = true;
			break;
		case 't':
			if (parse_timeout(optarg, &timeout) < 0) {
				fprintf(stderr, "load-plugin: invalid timeout \"%s\": use 1 to 3600 seconds\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			mpath_log_set_level(MPATH_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2 || argc - optind > 3) {
		usage(stderr);
		return 2;
	}
	dir = argv[optind];
	name = argv[optind + 1];
	if (argc - optind == 3)
		device = argv[optind + 2];

	mpath_log_set_handler(log_to_stderr, NULL);
	/* Before anything is loaded: the setting applies to later loads. */
	if (!check_perms)
		checker_set_permission_check(false);
	err = init_checkers(dir);
	if (err) {
		fprintf(stderr, "load-plugin: init_checkers(%s): %s\n", dir,
			strerror(-err));
		return 1;
	}

	checker_clear(&c);
	checker_get(&c, name);
	if (!c.cls) {
		fprintf(stderr, "load-plugin: checker \"%s\" could not be loaded from %s (see the log above)\n",
			name, dir);
		cleanup_checkers();
		return 2;
	}

	/*
	 * O_NONBLOCK as multipathd opens paths: opening must not wait for a
	 * device that does not answer; the checker is what is meant to notice.
	 */
	fd = open(device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "load-plugin: cannot open %s: %s\n", device,
			strerror(errno));
		ret = 1;
		goto out_put;
	}
	checker_set_fd(&c, fd);
	c.timeout = timeout;
	err = checker_init(&c, NULL);
	if (err) {
		fprintf(stderr, "load-plugin: checker_init(%s): %s\n", name,
			strerror(-err));
		ret = 1;
		goto out_put;
	}
	/* The mode belongs to the checker's private record (checker_priv), so set it after get. */
	if (sync)
		checker_set_sync(&c);
	else
		checker_set_async(&c);

	checker_check(&c, PATH_UP);
	state = wait_for_result(&c, timeout);
	printf("%s: %s (%s)\n", name, checker_state_name(state),
	       checker_message(&c));
	if (state == PATH_PENDING) {
		fprintf(stderr, "load-plugin: no result after %u seconds\n",
			timeout + 1);
		ret = 1;
	}

out_put:
	checker_put(&c);
	/*
	 * The path's fd belongs to the caller, as in multipathd: checker_put()
	 * does not close it, so close it after the checker has let go of it.
	 */
	if (fd >= 0)
		close(fd);
	cleanup_checkers();
	return ret;
}
