// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - multipathd's entry: options, where the log goes, daemonizing
 * with a pidfile, and the client mode ("multipathd show paths",
 * "multipathd -k").
 *
 * Calls: daemon.c (daemon_run(), in the worker process), notify.c
 * (notify_early()), cli-client.c (the client mode), the configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "notify.h"

#define PIDFILE	"/run/multipathd.pid"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: multipathd [-d] [-s] [-v LEVEL] [-c FILE]\n"
		"       multipathd [-c FILE] COMMAND...\n"
		"       multipathd -k[COMMAND]\n"
		"\n"
		"Monitors every path to multipathed storage with its path checker and\n"
		"tells device-mapper to fail paths that go down and reinstate them\n"
		"when they come back.\n"
		"\n"
		"  -d          stay in the foreground and log to stderr (default:\n"
		"              run as a daemon, write %s, log to syslog)\n"
		"  -s          no timestamps in the log on stderr (systemd's journal\n"
		"              adds its own)\n"
		"  -v LEVEL    verbosity 0-6: 0-1 errors, 2 state changes (default),\n"
		"              3 more, 4-6 debug; overrides the configuration\n"
		"  -c FILE     configuration file (default %s; without one,\n"
		"              built-in defaults apply)\n"
		"  -k          interactive client: send commands typed at a prompt\n"
		"  -kCOMMAND   send COMMAND, as in multipathd -k'show paths'\n"
		"  -B, -n, -w  accepted for upstream's units and scripts, and ignored:\n"
		"              this multipathd writes no bindings file, creates no\n"
		"              maps, and follows device-mapper through uevents\n"
		"  -h          this help\n"
		"\n"
		"COMMAND is sent to the running daemon, e.g. \"show paths\", \"show paths\n"
		"json\", \"show maps\", \"show maps json\", \"show checkers\", \"show\n"
		"status\", \"show config\", \"fail path sdb\", \"reinstate path sdb\",\n"
		"\"reconfigure\", \"shutdown\". The socket is\n"
		"the configuration's socket_name, or $MULTIPATH_SOCKET_NAME if set\n"
		"(default %s).\n",
		PIDFILE, DEFAULT_CONFIG_FILE, DEFAULT_SOCKET_NAME);
}

static int level_of_verbosity(int v)
{
	if (v <= 1)
		return MPATH_LOG_ERR;
	if (v == 2)
		return MPATH_LOG_NOTICE;
	if (v == 3)
		return MPATH_LOG_INFO;
	return MPATH_LOG_DEBUG;
}

/* How log_stderr() writes: set once in main(), before any thread runs. */
struct log_format {
	bool timestamps;	/* -d without -s */
	bool journal;		/* stderr is systemd's journal */
};

static void log_stderr(int level, const char *msg, void *data)
{
	const struct log_format *lf = data;
	const char *tag = level <= MPATH_LOG_WARNING ?
			  (level == MPATH_LOG_ERR ? "error: " : "warning: ") : "";
	struct timespec ts;

	if (lf && lf->journal) {
		/* "<N>": the journal files the line at syslog level N. */
		fprintf(stderr, "<%d>%s%s\n", level, tag, msg);
		return;
	}
	if (lf && !lf->timestamps) {
		fprintf(stderr, "multipathd: %s%s\n", tag, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%ld.%03ld multipathd: %s%s\n", (long)ts.tv_sec,
		ts.tv_nsec / 1000000, tag, msg);
}

/*
 * Is stderr the journal? systemd says so in $JOURNAL_STREAM ("DEV:INO" of
 * the stream it connected), which a child with redirected stderr inherits
 * too: hence the comparison with what stderr really is.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

static void log_syslog(int level, const char *msg, void *data)
{
	syslog(level, "%s", msg);	/* the levels are syslog's */
}

/*
 * Every path holds its device open, and a check in flight holds a copy:
 * a host with thousands of paths needs more descriptors than the usual
 * soft limit of 1024. Take the hard limit (the daemon uses poll and epoll
 * only, never select, so high descriptor numbers are harmless).
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		mpath_log(MPATH_LOG_WARNING, "cannot raise the open file limit to %llu: %s",
			  (unsigned long long)rl.rlim_max, strerror(errno));
}

/*
 * Become a daemon holding a locked pidfile. The parent returns only once
 * the pidfile is written, so "multipathd && multipathd show paths" works.
 */
static int daemonize(int *ret_fd)
{
	char buf[32];
	int fd, len;
	pid_t pid;

	fd = open(PIDFILE, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "multipathd: %s: %s\n", PIDFILE, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "multipathd: already running (%s is locked)\n",
			PIDFILE);
		close(fd);
		return -EEXIST;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);	/* the child holds the lock (inherited) */
	setsid();
	if (chdir("/") < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, len) != len)
		return -EIO;
	/* Keep fd open: the lock lives as long as the daemon. */
	*ret_fd = fd;
	if (!freopen("/dev/null", "r", stdin) ||
	    !freopen("/dev/null", "w", stdout) ||
	    !freopen("/dev/null", "w", stderr))
		return -EIO;
	return 0;
}

/*
 * Shutdown with hung checks. A process whose read hangs in the kernel (an
 * aio request in flight, a thread in uninterruptible block I/O) cannot
 * finish exiting until that I/O ends, however promptly it shuts down. So
 * the process that init, systemd or a test watches is a thin supervisor:
 * it forwards signals to the worker process running the daemon, and the
 * worker, once it has shut down cleanly (socket closed, checkers put), says
 * so through a pipe with its exit status; the supervisor exits with it at
 * once. A worker still stuck in the kernel is left to it and goes when its
 * I/O ends. The worker also exits when the supervisor dies (PDEATHSIG).
 */
static int supervise(struct daemon *d, int pidfd)
{
	int status_pipe[2], sfd, exit_status = 1, wstatus;
	struct pollfd pfd[2];
	sigset_t mask;
	unsigned char st;
	pid_t child, parent;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);	/* the worker inherits this */
	if (pipe2(status_pipe, O_CLOEXEC) < 0)
		return 1;
	parent = getpid();
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		/* If the supervisor is killed outright, shut down too. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			raise(SIGTERM);	/* it died before prctl(): pending */
		close(status_pipe[0]);
		if (pidfd >= 0)
			close(pidfd);	/* the lock is the supervisor's */
		st = daemon_run(d) ? 1 : 0;
		/* Shut down: tell the supervisor before a hung exit can stall. */
		if (write(status_pipe[1], &st, 1) != 1)
			st = 1;
		exit(st);
	}
	close(status_pipe[1]);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	pfd[0] = (struct pollfd){ .fd = status_pipe[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, sfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(child, si.ssi_signo);
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			if (read(status_pipe[0], &st, 1) == 1) {
				exit_status = st;
			} else if (waitpid(child, &wstatus, 0) == child) {
				/* It died without saying so: a crash. */
				exit_status = WIFEXITED(wstatus) ?
					      WEXITSTATUS(wstatus) : 1;
				mpath_log(MPATH_LOG_ERR, "the daemon process died unexpectedly");
			}
			break;
		}
	}
	return exit_status;
}

/*
 * The client mode. It needs only the socket's name, so a configuration it
 * cannot read (an admin mid-edit, a mode-0600 file) costs a warning, not
 * the command: $MULTIPATH_SOCKET_NAME or the default name is used then.
 */
static int client(struct daemon *d, int argc, char **argv, bool interactive)
{
	const char *sock = getenv("MULTIPATH_SOCKET_NAME");
	int err;

	if (sock && *sock)
		return cli_client_main(sock, argc, argv, interactive);
	/* config_load() has said what is wrong with the file. */
	err = config_load(d->conf_file, &d->conf, NULL);
	if (err) {
		fprintf(stderr, "multipathd: warning: configuration not usable; trying the default socket %s\n",
			DEFAULT_SOCKET_NAME);
		return cli_client_main(DEFAULT_SOCKET_NAME, argc, argv,
				       interactive);
	}
	err = cli_client_main(config_socket_name(d->conf), argc, argv,
			      interactive);
	config_free(d->conf);
	d->conf = NULL;
	return err;
}

/*
 * -k'show paths format "%d %t"': upstream's client sends the string as
 * one command line. Ours joins its words with blanks (quoting a word that
 * has any), so the string is split at blanks first: joined again, it is
 * the line as given, its quotes included.
 */
static int client_line(struct daemon *d, char *line)
{
	char **words, *save = NULL, *w;
	int n = 0, err;

	words = calloc(strlen(line) / 2 + 2, sizeof(*words));
	if (!words) {
		fprintf(stderr, "multipathd: out of memory\n");
		return 1;
	}
	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	err = client(d, n, words, false);
	free(words);
	return err;
}

int main(int argc, char **argv)
{
	static struct log_format lf = { .timestamps = true };
	struct daemon d = { 0 };
	int verbosity = -1, opt, err, pidfd = -1;
	bool interactive = false, missing = false;
	char *command = NULL;

	while ((opt = getopt(argc, argv, "+dsv:c:k::hBnw")) != -1) {
		switch (opt) {
		case 'd':
			d.foreground = true;
			break;
		case 's':
			lf.timestamps = false;
			break;
		case 'B':	/* read-only bindings: we write none */
		case 'n':	/* upstream ignores it too */
		case 'w':	/* old dm event waiting: we follow uevents */
			break;
		case 'v':
			/* One digit: atoi() would take "abc" for 0. */
			if (optarg[0] < '0' || optarg[0] > '6' || optarg[1]) {
				fprintf(stderr, "multipathd: -v %s: use 0 to 6\n", optarg);
				return 1;
			}
			verbosity = optarg[0] - '0';
			break;
		case 'c':
			d.conf_file = optarg;
			break;
		case 'k':
			/* -k'show paths': upstream's one-shot form. */
			if (optarg && *optarg)
				command = optarg;
			else
				interactive = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}

	lf.journal = stderr_is_journal();
	mpath_log_set_handler(log_stderr, &lf);
	mpath_log_set_level(MPATH_LOG_WARNING);
	if (command)
		return client_line(&d, command);
	if (interactive || optind < argc)
		return client(&d, argc - optind, argv + optind, interactive);
	/* Before daemonize() forks: LISTEN_PID names this process. */
	if (notify_early(&d.notify) < 0)
		return 1;
	/*
	 * The file's own verbosity is not known before it is read: -v, or
	 * the default level, so that the load's notices (the summary of map
	 * management keywords) are seen at start, not only at a reconfigure.
	 */
	mpath_log_set_level(level_of_verbosity(verbosity >= 0 ? verbosity : 2));
	err = config_load(d.conf_file, &d.conf, &missing);
	if (!err && missing && d.conf_file) {
		/* Named on the command line: a typo must not mean defaults. */
		fprintf(stderr, "multipathd: -c %s: no such file\n", d.conf_file);
		config_free(d.conf);
		return 1;
	}
	if (err) {
		fprintf(stderr, "multipathd: cannot use the configuration %s\n",
			d.conf_file ? d.conf_file : DEFAULT_CONFIG_FILE);
		return 1;
	}

	mpath_log_set_level(level_of_verbosity(verbosity >= 0 ? verbosity :
					       (int)config_verbosity(d.conf)));
	if (!d.foreground) {
		openlog("multipathd", LOG_PID, LOG_DAEMON);
		if (daemonize(&pidfd) < 0)
			return 1;
		mpath_log_set_handler(log_syslog, NULL);
	}
	raise_fd_limit();
	err = supervise(&d, pidfd);
	if (!d.foreground)
		unlink(PIDFILE);
	config_free(d.conf);
	return err;
}
