// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-daemon.c - multipathd at scale, measured from outside: the
 * benchmark build of the daemon (bench/multipathd-bench, which adds
 * synthetic paths, see bench/synthetic-paths.c) runs as a child of this
 * program, which reads its CPU time and memory from /proc and talks to it
 * over its CLI socket like any client.
 *
 *   bench-daemon DAEMON PLUGIN_DIR scale RUNS N... [-spread] [-o DATAFILE]
 *	per N: CPU % of one core over a quiet window, resident memory (and
 *	per path beyond the run with N = 0), "show paths" latency p50/p99
 *	while checks run; polling_interval 5 = max_polling_interval, the
 *	bexec0 plugin (its check returns at once, so what is measured is
 *	the daemon and the framework). With -spread, the paths' first checks
 *	are spread evenly over the interval (paths found at different times)
 *	instead of all due at once. DATAFILE gets one line per N for the
 *	plot: paths, CPU %, RSS MiB (medians).
 *   bench-daemon DAEMON PLUGIN_DIR idle RUNS N
 *	wake-ups per second while nothing is due: every path checked, the
 *	next check an hour away.
 *   bench-daemon DAEMON PLUGIN_DIR shutdown RUNS N
 *	SIGTERM with N checks hung (bhang plugin) in flight: time until the
 *	process we started has exited, and until the worker process is gone.
 *
 * Prints markdown for bench/REPORT.md. Asserts nothing: it measures. A
 * daemon that does not come up in time is reported and the program exits
 * non-zero. Each daemon is killed (SIGKILL) if anything goes wrong, and
 * this program is a child subreaper, so that the daemon's worker process
 * is ours to reap too; nothing is left running.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "bench-util.h"

#define MAX_RUNS	16
#define MAX_SIZES	16
#define START_TIMEOUT_S	120
#define CPU_WINDOW_S	15	/* three polling cycles */
#define LAT_SAMPLES	100
#define LAT_GAP_MS	50	/* 100 samples over 5 s: a whole cycle */
#define IDLE_WINDOW_S	10

static const char *daemon_bin, *plugin_dir;
static char tmpdir[64];
static pid_t cur_sup = -1, cur_worker = -1;
static bool spread;	/* -spread: first checks spread over the interval */

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The q-quantile (0..1) of v[n], nearest rank; sorts v. */
static double quantile(double *v, int n, double q)
{
	int i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (int)(q * n + 0.999999) - 1;
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* "median (min-max)" of v[n], with prec decimals; sorts v. */
static const char *mmm(double *v, int n, int prec)
{
	static char bufs[4][128];
	static int k;
	char *b = bufs[k++ % 4];
	struct stat3 st = summarize(v, n);

	snprintf(b, 128, "%.*f (%.*f-%.*f)", prec, st.median, prec, st.min,
		 prec, st.max);
	return b;
}

static double median(double *v, int n)
{
	return summarize(v, n).median;
}

/* What the daemon said last: the cause, when something went wrong. */
static void show_log_tail(void)
{
	char path[128], line[512], tail[8][512];
	int n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/daemon.log", tmpdir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(tail[n++ % 8], sizeof(tail[0]), "%s", line);
	fclose(f);
	for (i = n > 8 ? n - 8 : 0; i < n; i++)
		fprintf(stderr, "  daemon: %s", tail[i % 8]);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench-daemon: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	show_log_tail();
	if (cur_sup > 0)
		kill(cur_sup, SIGKILL);
	if (cur_worker > 0)
		kill(cur_worker, SIGKILL);
	exit(1);
}

/* --- the daemon under test ------------------------------------------------ */

static char sock_name[64];

static void write_config(const char *checker, unsigned int interval,
			 unsigned int timeout)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/multipath.conf", tmpdir);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "defaults {\n"
		"\tpolling_interval %u\n\tmax_polling_interval %u\n"
		"\tchecker %s\n\tchecker_timeout %u\n\tplugin_dir \"%s\"\n"
		"\tverbosity 1\n}\n"
		"blacklist {\n\tdevnode \".*\"\n}\n"
		"blacklist_exceptions {\n\tdevnode \"^bench[0-9]+$\"\n}\n",
		interval, interval, checker, timeout, plugin_dir);
	fclose(f);
}

static pid_t find_worker(pid_t sup)
{
	char path[64];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", sup, sup);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* One request; the reply (malloc()ed) or NULL. */
static char *ask(const char *cmd)
{
	char *reply = NULL;
	int fd = cli_connect(sock_name);

	if (fd < 0)
		return NULL;
	if (cli_send(fd, cmd) < 0 || cli_recv(fd, &reply, 10000) < 0)
		reply = NULL;
	close(fd);
	return reply;
}

/* A number after key in the reply to cmd, or -1. */
static long ask_number(const char *cmd, const char *key)
{
	char *r = ask(cmd), *p;
	long v = -1;

	if (r && (p = strstr(r, key)))
		v = strtol(p + strlen(key), NULL, 10);
	free(r);
	return v;
}

static void start_daemon(unsigned int paths, unsigned int max_hung)
{
	char conf[128], log[128], n[16], h[16];
	double t0 = wall_seconds();

	snprintf(conf, sizeof(conf), "%s/multipath.conf", tmpdir);
	snprintf(log, sizeof(log), "%s/daemon.log", tmpdir);
	snprintf(sock_name, sizeof(sock_name), "@/libmultipath/bench-%d", getpid());
	snprintf(n, sizeof(n), "%u", paths);
	snprintf(h, sizeof(h), "%u", max_hung);
	cur_sup = fork();
	if (cur_sup < 0)
		die("fork: %s", strerror(errno));
	if (cur_sup == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd >= 0)
			dup2(fd, 2);
		setenv("MULTIPATHD_BENCH_PATHS", n, 1);
		setenv("MULTIPATHD_BENCH_MAX_HUNG", h, 1);
		setenv("MULTIPATH_SOCKET_NAME", sock_name, 1);
		if (spread)
			setenv("MULTIPATHD_BENCH_SPREAD", "1", 1);
		execl(daemon_bin, daemon_bin, "-d", "-c", conf, (char *)NULL);
		_exit(127);
	}
	/* Up when it answers and has all its paths. */
	for (;;) {
		if (ask_number("show status", "paths: ") == (long)paths)
			break;
		if (waitpid(cur_sup, NULL, WNOHANG) == cur_sup) {
			cur_sup = -1;
			die("the daemon exited at start; see %s", log);
		}
		if (wall_seconds() - t0 > START_TIMEOUT_S)
			die("the daemon did not come up with %u paths in %d s",
			    paths, START_TIMEOUT_S);
		sleep_s(0.02);
	}
	cur_worker = find_worker(cur_sup);
	if (cur_worker < 0)
		die("cannot find the daemon's worker process");
}

/* Wait until key in the reply to cmd reaches at least want. */
static void wait_for(const char *cmd, const char *key, long want)
{
	double t0 = wall_seconds();

	while (ask_number(cmd, key) < want) {
		if (wall_seconds() - t0 > START_TIMEOUT_S)
			die("\"%s\": %s did not reach %ld in %d s", cmd, key,
			    want, START_TIMEOUT_S);
		sleep_s(0.1);
	}
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void stop_daemon(void)
{
	kill(cur_sup, SIGTERM);
	reap(cur_sup);
	reap(cur_worker);
	cur_sup = cur_worker = -1;
}

/* --- /proc ---------------------------------------------------------------------- */

/*
 * User + system CPU of the whole process, every thread (exited ones too),
 * in seconds: its CPU-time clock, to the nanosecond (/proc/PID/stat counts
 * 10 ms ticks, too coarse for a daemon that uses a few ms per second).
 */
static double proc_cpu_s(pid_t pid)
{
	struct timespec ts;
	clockid_t clk;
	int err;

	err = clock_getcpuclockid(pid, &clk);
	if (err)
		die("pid %d: no CPU-time clock: %s", pid, strerror(err));
	if (clock_gettime(clk, &ts) < 0)
		die("pid %d: CPU-time clock: %s", pid, strerror(errno));
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A "Key: N" line of /proc/PID/status (or of a task's), or -1. */
static long status_field(const char *path, const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long rss_kib(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return status_field(path, "VmRSS");
}

/*
 * Context switches (voluntary and involuntary) of all the process's threads
 * now, and how many threads; *main gets the main thread's (the event loop).
 */
static long ctx_switches(pid_t pid, int *threads, long *main_thread)
{
	char path[320];
	struct dirent *de;
	long sum = 0, n;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		die("%s: %s", path, strerror(errno));
	*threads = 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", pid,
			 de->d_name);
		n = status_field(path, "voluntary_ctxt_switches") +
		    status_field(path, "nonvoluntary_ctxt_switches");
		if (atoi(de->d_name) == pid)
			*main_thread = n;
		sum += n;
		(*threads)++;
	}
	closedir(dir);
	return sum;
}

/* --- the figures --------------------------------------------------------------- */

/* One "show paths": connect, ask, read the whole reply; seconds. */
static double show_paths_once(unsigned int paths)
{
	double t0 = wall_seconds(), t;
	char *r = ask("show paths");
	unsigned int lines = 0;
	const char *p;

	t = wall_seconds() - t0;
	if (!r)
		die("show paths: no reply");
	for (p = r; (p = strchr(p, '\n')); p++)
		lines++;
	free(r);
	if (lines != paths + 1)
		die("show paths: %u lines for %u paths", lines, paths);
	return t;
}

static void scale(int runs, unsigned int *sizes, int nsizes, const char *data)
{
	double cpu[MAX_SIZES][MAX_RUNS], rss[MAX_SIZES][MAX_RUNS];
	double p50[MAX_SIZES][MAX_RUNS], p99[MAX_SIZES][MAX_RUNS];
	double base_rss[MAX_RUNS], lat[LAT_SAMPLES];
	double med_cpu[MAX_SIZES], med_kib[MAX_SIZES], med_per[MAX_SIZES];
	double med_p99[MAX_SIZES];
	FILE *df = NULL;
	int s, r, i;

	write_config("bexec0", 5, 30);
	for (s = 0; s < nsizes; s++) {
		for (r = 0; r < runs; r++) {
			double c0, t0;

			start_daemon(sizes[s], 0);
			/* Every path checked once, then one cycle to settle. */
			wait_for("show status", "checks started: ", sizes[s]);
			sleep_s(5);
			c0 = proc_cpu_s(cur_worker);
			t0 = wall_seconds();
			sleep_s(CPU_WINDOW_S);
			cpu[s][r] = 100 * (proc_cpu_s(cur_worker) - c0) /
				    (wall_seconds() - t0);
			rss[s][r] = rss_kib(cur_worker) +
				    rss_kib(cur_sup);
			for (i = 0; i < LAT_SAMPLES; i++) {
				lat[i] = show_paths_once(sizes[s]) * 1e3;
				sleep_s(LAT_GAP_MS / 1e3);
			}
			p50[s][r] = quantile(lat, LAT_SAMPLES, 0.50);
			p99[s][r] = quantile(lat, LAT_SAMPLES, 0.99);
			stop_daemon();
			if (sizes[s] == 0)
				base_rss[r] = rss[s][r];
		}
	}

	printf("| paths | CPU, %% of one core | resident memory, MiB | per path beyond N = 0, bytes | per added path, bytes | show paths p50, ms | show paths p99, ms |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	if (data)
		df = fopen(data, "w");
	for (s = 0; s < nsizes; s++) {
		double per[MAX_RUNS], mib[MAX_RUNS];
		char perpath[96] = "-", added[32] = "-";

		for (r = 0; r < runs; r++) {
			mib[r] = rss[s][r] / 1024;
			per[r] = sizes[s] && sizes[0] == 0 ?
				 (rss[s][r] - base_rss[r]) * 1024 / sizes[s] : 0;
		}
		med_cpu[s] = median(cpu[s], runs);
		med_kib[s] = median(rss[s], runs);
		med_p99[s] = median(p99[s], runs);
		med_per[s] = -1;
		if (sizes[s] && sizes[0] == 0) {
			snprintf(perpath, sizeof(perpath), "%s", mmm(per, runs, 0));
			med_per[s] = median(per, runs);
		}
		/* The slope from the row before: what one more path costs. */
		if (s && sizes[s] > sizes[s - 1])
			snprintf(added, sizeof(added), "%.0f",
				 (med_kib[s] - med_kib[s - 1]) * 1024 /
				 (sizes[s] - sizes[s - 1]));
		if (df)
			fprintf(df, "%u %.3f %.2f\n", sizes[s], med_cpu[s],
				med_kib[s] / 1024);
		printf("| %u | %s | %s | %s | %s | %s | %s |\n", sizes[s],
		       mmm(cpu[s], runs, 2), mmm(mib, runs, 1), perpath, added,
		       mmm(p50[s], runs, 1), mmm(p99[s], runs, 1));
	}
	if (df)
		fclose(df);
	printf("\nMedian (min-max) of %d runs per row; each run a fresh daemon. CPU: user + system time of the daemon's worker process (all threads) over %d s, from its CPU-time clock (clock_getcpuclockid, nanoseconds); memory: VmRSS of the worker and its supervisor after that window (\"per added path\": the difference from the row above, over the paths added); latency: %d requests of \"show paths\", %d ms apart, each a new connection and the whole reply, p50 and p99 per run.\n\n",
	       runs, CPU_WINDOW_S, LAT_SAMPLES, LAT_GAP_MS);
	/* The targets, judged on the biggest row of at least 10,000 paths. */
	s = nsizes - 1;
	if (sizes[s] < 10000)
		return;
	printf("Target: %u paths%s under 2 %% of one core: %s (%.2f %%)\n\n",
	       sizes[s], spread ? " (checks spread out)" : "",
	       med_cpu[s] < 2 ? "MET" : "MISSED", med_cpu[s]);
	if (med_per[s] >= 0)
		printf("Target: %u paths under 1 KiB resident per path beyond the daemon with none: %s (%.0f bytes)\n\n",
		       sizes[s], med_per[s] < 1024 ? "MET" : "MISSED",
		       med_per[s]);
	printf("Target: %u paths%s, show paths p99 under 100 ms: %s (%.1f ms)\n",
	       sizes[s], spread ? " (checks spread out)" : "",
	       med_p99[s] < 100 ? "MET" : "MISSED", med_p99[s]);
}

static void idle(int runs, unsigned int paths)
{
	double wps[MAX_RUNS], lwps[MAX_RUNS], idle_max;
	int r, threads0, threads1;

	write_config("bexec0", 3600, 30);
	for (r = 0; r < runs; r++) {
		long c0, c1, m0 = 0, m1 = 0;
		double t0, t;

		start_daemon(paths, 0);
		wait_for("show status", "checks started: ", paths);
		sleep_s(1);	/* the last results collected, nobody asking */
		c0 = ctx_switches(cur_worker, &threads0, &m0);
		t0 = wall_seconds();
		sleep_s(IDLE_WINDOW_S);
		c1 = ctx_switches(cur_worker, &threads1, &m1);
		t = wall_seconds() - t0;
		lwps[r] = (m1 - m0) / t;
		wps[r] = (c1 - c0) / t;
		if (threads0 != threads1)
			fprintf(stderr, "bench-daemon: threads %d -> %d during the idle window\n",
				threads0, threads1);
		stop_daemon();
	}
	printf("| paths | wake-ups per second, event loop | wake-ups per second, all threads |\n");
	printf("|---:|---:|---:|\n");
	printf("| %u | %s | %s |\n", paths, mmm(lwps, runs, 2),
	       mmm(wps, runs, 2));
	qsort(wps, runs, sizeof(*wps), cmp_double);
	idle_max = wps[runs - 1];
	printf("\nMedian (min-max) of %d runs of %d s each, after every path was checked once, with polling_interval 3600: nothing is due. Wake-ups are context switches, voluntary and involuntary (/proc/PID/task/*/status): those of the event loop's thread, and the sum over all %d threads of the worker process (executor workers included), so any thread that wakes up shows here; nobody talks to the daemon during the window.\n",
	       runs, IDLE_WINDOW_S, threads1);
	printf("\nTarget: zero wake-ups per second while nothing is due: %s (at most %.2f per second, all threads, in any run)\n",
	       idle_max == 0 ? "MET" : "MISSED", idle_max);
}

static void shutdown_bench(int runs, unsigned int paths)
{
	double sup[MAX_RUNS], gone[MAX_RUNS];
	int r;

	write_config("bhang", 5, 1);
	for (r = 0; r < runs; r++) {
		double t0;

		start_daemon(paths, paths + 64);
		/* Every check hung and written off by the executor. */
		wait_for("show checkers", " idle), ", paths);
		t0 = wall_seconds();
		kill(cur_sup, SIGTERM);
		reap(cur_sup);
		sup[r] = (wall_seconds() - t0) * 1e3;
		reap(cur_worker);
		gone[r] = (wall_seconds() - t0) * 1e3;
		cur_sup = cur_worker = -1;
	}
	printf("| hung checks | SIGTERM to exit of multipathd, ms | SIGTERM to worker process gone, ms |\n");
	printf("|---:|---:|---:|\n");
	printf("| %u | %s | %s |\n", paths, mmm(sup, runs, 1),
	       mmm(gone, runs, 1));
	printf("\nMedian (min-max) of %d runs. %u synthetic paths whose check never returns (the bhang plugin, checker_timeout 1): each check is timed out and its worker thread written off, with the executor's cap on hung workers raised to %u for this run, so all %u threads are blocked in their checks when SIGTERM is sent. \"Exit of multipathd\": the process that was started (the supervisor, what init waits for); \"worker gone\": the process running the event loop and the hung threads, reaped.\n",
	       runs, paths, paths + 64, paths);
	qsort(sup, runs, sizeof(*sup), cmp_double);
	qsort(gone, runs, sizeof(*gone), cmp_double);
	printf("\nTarget: shutdown under 1 s with %u checks hung: %s (slowest run: exit %.1f ms, worker gone %.1f ms)\n",
	       paths, gone[runs - 1] < 1000 ? "MET" : "MISSED",
	       sup[runs - 1], gone[runs - 1]);
}

static void cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/multipath.conf", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/daemon.log", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static void on_signal(int sig)
{
	if (cur_sup > 0)
		kill(cur_sup, SIGKILL);
	if (cur_worker > 0)
		kill(cur_worker, SIGKILL);
	_exit(128 + sig);
}

int main(int argc, char **argv)
{
	unsigned int sizes[MAX_SIZES];
	const char *data = NULL;
	int runs, nsizes = 0, i;

	if (argc < 6) {
		fprintf(stderr, "usage: bench-daemon DAEMON PLUGIN_DIR scale|idle|shutdown RUNS N... [-spread] [-o DATAFILE]\n");
		return 2;
	}
	daemon_bin = argv[1];
	plugin_dir = realpath(argv[2], NULL);	/* the config wants it absolute */
	if (!plugin_dir) {
		fprintf(stderr, "bench-daemon: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	runs = atoi(argv[4]);
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench-daemon: RUNS must be 1 to %d\n", MAX_RUNS);
		return 2;
	}
	for (i = 5; i < argc; i++) {
		if (strcmp(argv[i], "-spread") == 0) {
			spread = true;
			continue;
		}
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			data = argv[++i];
			continue;
		}
		if (nsizes == MAX_SIZES) {
			fprintf(stderr, "bench-daemon: at most %d sizes\n", MAX_SIZES);
			return 2;
		}
		sizes[nsizes++] = strtoul(argv[i], NULL, 10);
	}
	if (!nsizes)
		return 2;
	if (access(daemon_bin, X_OK) != 0) {
		fprintf(stderr, "bench-daemon: %s: %s\n", daemon_bin, strerror(errno));
		return 1;
	}
	/* The daemon's worker is reparented to us when its supervisor exits. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bench-daemon.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "bench-daemon: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	atexit(cleanup);

	if (strcmp(argv[3], "scale") == 0)
		scale(runs, sizes, nsizes, data);
	else if (strcmp(argv[3], "idle") == 0)
		idle(runs, sizes[0]);
	else if (strcmp(argv[3], "shutdown") == 0)
		shutdown_bench(runs, sizes[0]);
	else
		die("%s: not scale, idle or shutdown", argv[3]);
	return 0;
}
