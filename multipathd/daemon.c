// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - multipathd's event loop: one epoll set holding a timerfd
 * armed for the next due check (no periodic tick), a signalfd, the udev
 * monitor, the CLI socket and its connections, and the executor's
 * completion eventfd. Also reconfiguration and shutdown.
 *
 * Everything runs in this one thread; checks never block it (they run on
 * the library's executor or drive their own asynchronous I/O).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <libudev.h>

#include "daemon.h"

#define MAX_CONNS	256	/* more clients than this wait in the backlog */

/* epoll tags of the fixed sources; connections are tagged by pointer. */
enum { TAG_TIMER = 1, TAG_SIGNAL, TAG_LISTEN, TAG_EVENTS, TAG_UDEV, TAG_MAX };

static int ep_add(struct daemon *d, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Arm the timer for when something is next due; disarm if nothing is. */
static void timer_arm(struct daemon *d)
{
	uint64_t next = checks_next_wakeup(d);
	struct itimerspec its = { 0 };

	if (next == d->timer_armed)
		return;
	if (next) {
		its.it_value.tv_sec = next / 1000000000ull;
		its.it_value.tv_nsec = next % 1000000000ull;
	}
	if (timerfd_settime(d->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		d->timer_armed = next;
}

/* --- CLI connections --------------------------------------------------- */

/*
 * At the connection cap, stop watching the listening socket (it would stay
 * readable and spin the loop); the next client waits in the backlog until
 * a connection closes.
 */
static void listen_pause(struct daemon *d, bool pause)
{
	struct epoll_event ev = { .events = pause ? 0 : EPOLLIN,
				  .data.u64 = TAG_LISTEN };

	if (d->listen_paused == pause)
		return;
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, d->listenfd, &ev) == 0)
		d->listen_paused = pause;
}

static void conn_close(struct daemon *d, struct cli_conn *conn)
{
	unsigned int i;

	for (i = 0; i < d->nr_conns; i++) {
		if (d->conns[i] == conn) {
			d->conns[i] = d->conns[--d->nr_conns];
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, cli_conn_fd(conn), NULL);
	cli_conn_free(conn);
	listen_pause(d, false);
}

static void conn_accept(struct daemon *d)
{
	for (;;) {
		struct cli_conn *conn;
		int fd;

		if (d->nr_conns >= MAX_CONNS) {
			listen_pause(d, true);
			return;
		}
		fd = accept4(d->listenfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		conn = cli_conn_new(fd);
		if (!conn)
			continue;	/* cli_conn_new closed it */
		if (d->nr_conns == d->cap_conns) {
			unsigned int cap = d->cap_conns ? d->cap_conns * 2 : 16;
			struct cli_conn **c = realloc(d->conns, cap * sizeof(*c));

			if (!c) {
				cli_conn_free(conn);
				return;
			}
			d->conns = c;
			d->cap_conns = cap;
		}
		d->conns[d->nr_conns++] = conn;
		if (ep_add(d, fd, EPOLLIN, (uintptr_t)conn) < 0)
			conn_close(d, conn);
	}
}

static void conn_event(struct daemon *d, struct cli_conn *conn,
		       uint32_t events)
{
	struct epoll_event ev = { .data.u64 = (uintptr_t)conn };
	const char *line;
	int ret;

	if (events & EPOLLOUT) {
		ret = cli_conn_flush(conn);
		if (ret < 0) {
			conn_close(d, conn);
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		while ((ret = cli_conn_read(conn, &line)) == 1) {
			char *reply = command_run(d, line, cli_conn_uid(conn));

			ret = cli_conn_reply(conn, reply ? reply :
					     "error: out of memory\n");
			free(reply);
			if (ret < 0 || cli_conn_flush(conn) < 0) {
				conn_close(d, conn);
				return;
			}
		}
		if (ret < 0 && !cli_conn_wants_write(conn)) {
			conn_close(d, conn);
			return;
		}
	}
	/* Wait for the socket to drain before reading more requests. */
	ev.events = cli_conn_wants_write(conn) ? EPOLLOUT : EPOLLIN;
	epoll_ctl(d->epfd, EPOLL_CTL_MOD, cli_conn_fd(conn), &ev);
}

/* --- devices ------------------------------------------------------------- */

static void add_cb(const struct path_facts *pf, void *data)
{
	path_add(data, pf);
}

static void udev_event(struct daemon *d)
{
	struct disc_event ev;
	struct path *pp;
	int ret;

	/*
	 * 0 means nothing more, or an event not about a whole disk; the fd is
	 * level-triggered, so anything still queued wakes the loop again.
	 */
	while ((ret = disc_monitor_receive(d->mon, &ev)) > 0) {
		switch (ev.action) {
		case DISC_ADD:
		case DISC_CHANGE:
			path_add(d, &ev.pf);
			break;
		case DISC_REMOVE:
			pp = path_find(d, ev.pf.devnode);
			if (pp)
				path_remove(d, pp);
			break;
		case DISC_DM:
			maps_event(d, &ev.dm);
			break;
		}
	}
	if (ret == -ENOBUFS) {
		/* Events were lost: look at what is there now. */
		mpath_log(MPATH_LOG_WARNING, "udev events lost; rescanning devices and maps");
		disc_enumerate(d->udev, add_cb, d);
		maps_refresh_all(d);
	}
}

static void signal_event(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			mpath_log(MPATH_LOG_NOTICE, "SIGHUP: reconfiguring");
			d->reconfigure = true;
		} else {
			mpath_log(MPATH_LOG_NOTICE, "%s: shutting down",
				  strsignal(si.ssi_signo));
			d->running = false;
		}
	}
}

/* --- reconfigure ----------------------------------------------------------- */

int daemon_reconfigure(struct daemon *d)
{
	struct mp_config *conf;
	unsigned int i;
	int err;

	d->reconfigure = false;
	err = config_load(d->conf_file, &conf, NULL);
	if (err) {
		mpath_log(MPATH_LOG_ERR, "reconfigure: configuration not reloaded, keeping the old one");
		return err;
	}
	config_free(d->conf);
	d->conf = conf;
	/*
	 * Drop the registry's classes and reselect every checker: plugins are
	 * loaded afresh (from a new plugin_dir too); a class whose check still
	 * hangs stays loaded until that check returns.
	 */
	cleanup_checkers();
	init_checkers(config_plugin_dir(conf));
	maps_refresh_all(d);
	for (i = 0; i < d->nr_paths;) {
		struct path *pp = d->paths[i];

		if (config_blacklisted(conf, pp->facts.devnode, pp->facts.vendor,
				       pp->facts.product)) {
			path_remove(d, pp);	/* moves the last one here */
			continue;
		}
		path_apply_config(d, pp, true);
		i++;
	}
	disc_enumerate(d->udev, add_cb, d);	/* newly allowed devices */
	mpath_log(MPATH_LOG_NOTICE, "reconfigured: %u paths", d->nr_paths);
	return 0;
}

/* --- the loop ----------------------------------------------------------- */

static int daemon_setup(struct daemon *d)
{
	const char *sock = getenv("MULTIPATH_SOCKET_NAME");
	sigset_t mask;
	int err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->timerfd < 0 || d->epfd < 0) {
		mpath_log(MPATH_LOG_ERR, "cannot set up the event loop: %s",
			  strerror(errno));
		return -errno;
	}
	if (!sock || !*sock)
		sock = config_socket_name(d->conf);
	d->listenfd = cli_listen(sock);
	if (d->listenfd < 0) {
		mpath_log(MPATH_LOG_ERR, "cannot listen on %s: %s (is another multipathd running?)",
			  sock, strerror(-d->listenfd));
		return d->listenfd;
	}
	d->evfd = checker_event_fd();
	err = ep_add(d, d->timerfd, EPOLLIN, TAG_TIMER);
	err = err ?: ep_add(d, d->sigfd, EPOLLIN, TAG_SIGNAL);
	err = err ?: ep_add(d, d->listenfd, EPOLLIN, TAG_LISTEN);
	if (!err && d->evfd >= 0)
		err = ep_add(d, d->evfd, EPOLLIN, TAG_EVENTS);
	if (err)
		return err;

	d->udev = udev_new();
	if (!d->udev || disc_monitor_open(d->udev, &d->mon) < 0) {
		mpath_log(MPATH_LOG_WARNING, "no udev monitor: devices added or removed later are not seen");
		d->mon = NULL;
	} else {
		ep_add(d, udev_monitor_get_fd(d->mon), EPOLLIN, TAG_UDEV);
	}
	d->dm = dm_available();
	if (!d->dm)
		mpath_log(MPATH_LOG_NOTICE, "device-mapper not available: monitoring only, no path will be failed or reinstated");
	init_checkers(config_plugin_dir(d->conf));
	maps_refresh_all(d);
	if (d->udev)
		disc_enumerate(d->udev, add_cb, d);
	if (bench_synthetic_paths)
		bench_synthetic_paths(d);
	mpath_log(MPATH_LOG_NOTICE, "multipathd started: %u paths, socket %s",
		  d->nr_paths, sock);
	return 0;
}

static void daemon_teardown(struct daemon *d)
{
	while (d->nr_conns)
		conn_close(d, d->conns[d->nr_conns - 1]);
	free(d->conns);
	/* Hung checks are orphaned to the library; nothing here waits. */
	paths_free(d);
	cleanup_checkers();
	if (d->mon)
		udev_monitor_unref(d->mon);
	if (d->udev)
		udev_unref(d->udev);
	if (d->listenfd >= 0)
		close(d->listenfd);
	close(d->epfd);
	close(d->timerfd);
	close(d->sigfd);
	config_free(d->conf);
	d->conf = NULL;
}

static void dispatch(struct daemon *d, struct epoll_event *ev, bool *collect)
{
	uint64_t buf;

	switch (ev->data.u64) {
	case TAG_TIMER:
		if (read(d->timerfd, &buf, sizeof(buf)) < 0 && errno != EAGAIN)
			mpath_log(MPATH_LOG_DEBUG, "timerfd: %s", strerror(errno));
		d->timer_armed = 0;
		*collect = true;
		break;
	case TAG_EVENTS:
		/* Read first: completions after this re-arm it (executor.c). */
		if (read(d->evfd, &buf, sizeof(buf)) < 0 && errno != EAGAIN)
			mpath_log(MPATH_LOG_DEBUG, "eventfd: %s", strerror(errno));
		*collect = true;
		break;
	case TAG_SIGNAL:
		signal_event(d);
		break;
	case TAG_LISTEN:
		conn_accept(d);
		break;
	case TAG_UDEV:
		udev_event(d);
		break;
	default:
		conn_event(d, (struct cli_conn *)(uintptr_t)ev->data.u64,
			   ev->events);
		break;
	}
}

int daemon_run(struct daemon *d)
{
	struct epoll_event events[32];
	int err;

	d->start_time = now_ns();
	d->listenfd = d->sigfd = d->timerfd = d->epfd = d->evfd = -1;
	err = daemon_setup(d);
	if (err) {
		daemon_teardown(d);
		return err;
	}
	d->running = true;
	while (d->running) {
		bool collect = false;
		int i, n;

		checks_run_due(d);
		timer_arm(d);
		n = epoll_wait(d->epfd, events, 32, -1);
		if (n < 0 && errno != EINTR) {
			mpath_log(MPATH_LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		d->wakeups++;
		for (i = 0; i < n && d->running; i++)
			dispatch(d, &events[i], &collect);
		if (collect)
			checks_collect(d);
		paths_sweep_detaching(d);
		if (d->reconfigure && d->running)
			daemon_reconfigure(d);
	}
	mpath_log(MPATH_LOG_NOTICE, "multipathd stopping");
	daemon_teardown(d);
	return 0;
}
