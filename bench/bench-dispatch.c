// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-dispatch.c - the framework's own cost per check: nanoseconds per
 * synchronous checker_check() + checker_get_state() with a plugin whose
 * check returns at once (bexec0), against calling that plugin's
 * libcheck_check() directly through its function pointer. Median, min and
 * max of several rounds. Not a test: it measures and reports.
 *
 * usage: bench-dispatch PLUGIN_DIR [ROUNDS]
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "libmultipath.h"
#include "bench-util.h"

#define CHECKS_PER_ROUND 1000000

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	double *fw, *direct, t;
	struct stat3 sf, sd;
	typeof(&libcheck_check) check;
	char path[4096];
	struct checker c;
	void *dso;
	int r, i, fd, bad = 0;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: %s PLUGIN_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	fw = calloc(rounds, sizeof(double));
	direct = calloc(rounds, sizeof(double));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	checker_set_permission_check(false);	/* the build tree */
	if (!fw || !direct || fd < 0 || init_checkers(argv[1]) != 0)
		return 1;
	checker_clear(&c);
	checker_get(&c, "bexec0");
	checker_set_fd(&c, fd);
	if (!c.cls || checker_init(&c, NULL) != 0) {
		fprintf(stderr, "cannot load bexec0 from %s\n", argv[1]);
		return 1;
	}
	/* The same plugin's function, called with no framework around it. */
	snprintf(path, sizeof(path), "%s/libcheckbexec0.so", argv[1]);
	dso = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	check = dso ? (typeof(check))dlsym(dso, "libcheck_check") : NULL;
	if (!check)
		return 1;

	for (r = 0; r < rounds; r++) {
		t = wall_seconds();
		for (i = 0; i < CHECKS_PER_ROUND; i++) {
			checker_check(&c, PATH_UP);
			bad += checker_get_state(&c) != PATH_UP;
		}
		fw[r] = (wall_seconds() - t) * 1e9 / CHECKS_PER_ROUND;
		t = wall_seconds();
		for (i = 0; i < CHECKS_PER_ROUND; i++)
			bad += check(&c) != PATH_UP;
		direct[r] = (wall_seconds() - t) * 1e9 / CHECKS_PER_ROUND;
	}
	sf = summarize(fw, rounds);
	sd = summarize(direct, rounds);
	printf("Synchronous check through the framework, ns per check: median (min-max) of %d rounds of %d\n\n",
	       rounds, CHECKS_PER_ROUND);
	printf("| path | ns per check |\n|---|---:|\n");
	printf("| checker_check + checker_get_state | %.1f (%.1f-%.1f) |\n",
	       sf.median, sf.min, sf.max);
	printf("| libcheck_check called directly | %.1f (%.1f-%.1f) |\n",
	       sd.median, sd.min, sd.max);
	printf("| the framework's own cost | %.1f |\n", sf.median - sd.median);
	checker_put(&c);
	cleanup_checkers();
	dlclose(dso);
	close(fd);
	free(fw);
	free(direct);
	return bad ? 1 : 0;
}
