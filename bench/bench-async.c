// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-async.c - CPU cost of one asynchronous check: through the
 * library's executor versus thread-per-check (start_checker_thread(), the
 * way upstream runs asynchronous TUR checks).
 *
 * For 1,000 and 10,000 checkers, with a plugin whose check returns at once
 * and one whose check blocks for 1 ms, it runs rounds of "start every check,
 * then collect every result" and divides the process's CPU time (user +
 * system, all threads, from getrusage) by the number of checks. Both paths
 * collect the same way: sleep in poll() on the completion eventfd (which the
 * thread-per-check path never signals, so there it is a 1 ms sleep), then
 * ask each checker for its state. Prints a Markdown table of medians with
 * min and max, and the ratio. Not a test: it measures and reports.
 *
 * usage: bench-async PLUGIN_DIR [ROUNDS]
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "libmultipath.h"
#include "bench-util.h"

struct result {
	struct stat3 cpu;		/* CPU microseconds per check */
	double wall_ms;			/* median wall time per round */
};

/* One round: start all checks, then collect all results. */
static int run_round(struct checker *c, int n, int efd, double *cpu,
		     double *wall)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	double c0 = cpu_seconds(), w0 = wall_seconds();
	uint64_t drain;
	int i, bad = 0;

	for (i = 0; i < n; i++)
		checker_check(&c[i], PATH_UP);
	for (i = 0; i < n; i++) {
		int st;

		while ((st = checker_get_state(&c[i])) == PATH_PENDING) {
			if (poll(&pfd, 1, 1) > 0 &&
			    read(efd, &drain, sizeof(drain)) < 0)
				perror("read eventfd");
		}
		bad += st != PATH_UP;
	}
	*cpu = cpu_seconds() - c0;
	*wall = wall_seconds() - w0;
	return bad;
}

/*
 * The check's own cost, without any framework: 64 plain threads share the
 * n checks, each a 1 ms nanosleep() (block_us 1000) or nothing. What the
 * kernel charges for sleeping and waking is paid by every way of running
 * such a check, which the report shows beside each path's cost.
 */
struct raw_share {
	int count;
	long block_us;
};

static void *raw_worker(void *arg)
{
	struct raw_share *rs = arg;
	struct timespec ts = { 0, rs->block_us * 1000L };
	int i;

	for (i = 0; i < rs->count; i++)
		if (rs->block_us)
			nanosleep(&ts, NULL);
	return NULL;
}

static double measure_raw(int n, long block_us, int rounds)
{
	enum { RAW_THREADS = 64 };
	double *cpu = calloc(rounds, sizeof(double)), med;
	struct raw_share rs = { n / RAW_THREADS, block_us };
	pthread_t t[RAW_THREADS];
	int r, i;

	if (!block_us) {	/* a check that does nothing costs nothing */
		free(cpu);
		return 0;
	}
	for (r = 0; r < rounds; r++) {
		double c0 = cpu_seconds();

		for (i = 0; i < RAW_THREADS; i++)
			pthread_create(&t[i], NULL, raw_worker, &rs);
		for (i = 0; i < RAW_THREADS; i++)
			pthread_join(t[i], NULL);
		cpu[r] = (cpu_seconds() - c0) * 1e6 / n;
	}
	med = summarize(cpu, rounds).median;
	free(cpu);
	return med;
}

static int measure(const char *name, int n, int rounds, int fd,
		   struct result *res)
{
	struct checker *c = calloc(n, sizeof(*c));
	double *cpu = calloc(rounds, sizeof(double));
	double *wall = calloc(rounds, sizeof(double));
	double dummy_cpu, dummy_wall;
	int i, bad = 0, efd = checker_event_fd();

	if (!c || !cpu || !wall || efd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		checker_clear(&c[i]);
		checker_get(&c[i], name);
		if (!c[i].cls) {
			fprintf(stderr, "cannot load checker %s\n", name);
			return -1;
		}
		checker_set_fd(&c[i], fd);
		c[i].timeout = 30;
		if (checker_init(&c[i], NULL) != 0)
			return -1;
		checker_set_async(&c[i]);
	}
	bad += run_round(c, n, efd, &dummy_cpu, &dummy_wall);	/* warm-up */
	for (i = 0; i < rounds; i++) {
		bad += run_round(c, n, efd, &cpu[i], &wall[i]);
		cpu[i] = cpu[i] * 1e6 / n;
	}
	res->cpu = summarize(cpu, rounds);
	res->wall_ms = summarize(wall, rounds).median * 1e3;
	for (i = 0; i < n; i++)
		checker_put(&c[i]);
	free(c);
	free(cpu);
	free(wall);
	if (bad)
		fprintf(stderr, "%s: %d checks did not report up\n", name, bad);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *label, *exec, *thread;
		long block_us;
	} plugins[] = {
		{ "returns at once", "bexec0", "bthread0", 0 },
		{ "blocks 1 ms", "bexec1ms", "bthread1ms", 1000 },
	};
	static const int sizes[] = { 1000, 10000 };
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	size_t p, s;
	int fd, worst = 0;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: %s PLUGIN_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || init_checkers(argv[1]) != 0) {
		perror("setup");
		return 1;
	}
	/* The benchmark plugins live in the build tree, owned by the builder. */
	checker_set_permission_check(false);
	mpath_log_set_level(MPATH_LOG_WARNING);

	printf("CPU time per asynchronous check, microseconds: median (min-max) of %d rounds\n\n",
	       rounds);
	printf("| check | checkers | executor | thread per check | ratio | the check itself | wall/round exec, thread |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|\n");
	for (p = 0; p < sizeof(plugins) / sizeof(plugins[0]); p++) {
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct result ex, th;
			double ratio, raw;

			if (measure(plugins[p].exec, sizes[s], rounds, fd, &ex) ||
			    measure(plugins[p].thread, sizes[s], rounds, fd, &th)) {
				fprintf(stderr, "measurement failed\n");
				return 1;
			}
			ratio = th.cpu.median / ex.cpu.median;
			raw = measure_raw(sizes[s], plugins[p].block_us, rounds);
			printf("| %s | %d | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.1fx | %.2f | %.0f ms, %.0f ms |\n",
			       plugins[p].label, sizes[s], ex.cpu.median,
			       ex.cpu.min, ex.cpu.max, th.cpu.median,
			       th.cpu.min, th.cpu.max, ratio, raw,
			       ex.wall_ms, th.wall_ms);
			if (ratio < 5)
				worst = 1;
		}
	}
	printf("\n\"The check itself\": the same checks run by 64 plain threads without the\n"
	       "framework: what the kernel charges for sleeping 1 ms and waking up, which\n"
	       "every way of running such a check pays (it varies with how many threads\n"
	       "sleep at once, so it is context, not a figure to subtract).\n");
	printf("\nTarget: the executor costs at most 1/5 of thread-per-check CPU (ratio >= 5x): %s\n",
	       worst ? "MISSED in at least one row" :
		       "met in every row");
	cleanup_checkers();
	close(fd);
	return 0;
}
