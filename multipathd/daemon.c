// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon.c - multipathd's event loop: one epoll set holding a timerfd
 * armed for the next due check (no periodic tick), a signalfd, the udev
 * monitor, the CLI socket and its connections, and the executor's
 * completion eventfd. Also reconfiguration and shutdown.
 *
 * Everything runs in this one thread; checks never block it (they run on
 * the library's executor or drive their own asynchronous I/O).
 *
 * Called by: main.c (daemon_run(), in the worker process).
 * Calls: checkloop.c (each turn), schedule.c (when the checks need the
 * loop next), clients.c, devices.c (udev events, reconfigure, the detach
 * sweep, shutdown), maps.c (dm uevents, rescans), paths.c (reconfigure),
 * notify.c, discovery.c, cli.c, dm.c, the configuration.
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

#include "mpath_time.h"
#include "checkloop.h"
#include "cli.h"
#include "clients.h"
#include "config.h"
#include "daemon.h"
#include "devices.h"
#include "discovery.h"
#include "dm.h"
#include "maps.h"
#include "notify.h"
#include "paths.h"
#include "schedule.h"

static int ep_add(struct daemon *d, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Arm the timer for when something is next due; disarm if nothing is. */
static void timer_arm(struct daemon *d)
{
	uint64_t next = sched_next_wakeup(&d->sched);
	uint64_t cl = clients_next_deadline(d);
	struct itimerspec its = { 0 };

	if (cl && (!next || cl < next))
		next = cl;

	if (next == d->timer_armed)
		return;
	if (next) {
		its.it_value.tv_sec = next / MPATH_NSEC_PER_SEC;
		its.it_value.tv_nsec = next % MPATH_NSEC_PER_SEC;
	}
	if (timerfd_settime(d->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		d->timer_armed = next;
}

/* --- devices ------------------------------------------------------------- */

static void add_cb(const struct path_facts *pf, void *data)
{
	device_add(data, pf);
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
			device_add(d, &ev.pf);
			break;
		case DISC_REMOVE:
			pp = path_find(d, ev.pf.devnode);
			if (pp)
				device_remove(d, pp);
			break;
		case DISC_DM:
			maps_event(d, &ev.dm);
			break;
		}
		disc_facts_release(&ev.pf);
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

static int daemon_reconfigure(struct daemon *d)
{
	struct mp_config *conf;
	bool missing = false;
	unsigned int i;
	int err;

	d->reconfigure = false;
	err = config_load(d->conf_file, &conf, &missing);
	if (!err && missing && d->conf_file) {
		config_free(conf);
		mpath_log(MPATH_LOG_ERR, "reconfigure: %s: no such file", d->conf_file);
		err = -ENOENT;
	}
	if (err) {
		mpath_log(MPATH_LOG_ERR, "reconfigure: configuration not reloaded, keeping the old one");
		return err;
	}
	config_free(d->conf);
	d->conf = conf;
	/*
	 * Drop the registry's plugins and reselect every checker: plugins are
	 * loaded afresh (from a new plugin_dir too); a plugin whose check still
	 * hangs stays loaded until that check returns.
	 */
	cleanup_checkers();
	config_init_checkers(conf);
	maps_refresh_all(d);
	for (i = 0; i < d->paths.nr;) {
		struct path *pp = d->paths.list[i];

		if (path_blacklisted(d, &pp->facts)) {
			device_remove(d, pp);	/* moves the last one here */
			continue;
		}
		path_apply_config(d, pp, true);
		i++;
	}
	disc_enumerate(d->udev, add_cb, d);	/* newly allowed devices */
	mpath_log(MPATH_LOG_NOTICE, "reconfigured: %u paths", d->paths.nr);
	return 0;
}

/* --- the loop ----------------------------------------------------------- */

/*
 * Say why the socket cannot be had. When the name is taken, say by whom:
 * another multipathd, or anyone else who bound it first (an abstract name
 * has no owner), which the operator will want to know.
 */
static void listen_failed(const char *sock, int err)
{
	uid_t uid;
	pid_t pid;
	int fd;

	if (err == -EADDRINUSE) {
		fd = cli_connect_timeout(sock, 1000);
		if (fd >= 0 && cli_peer(fd, &pid, &uid) == 0) {
			mpath_log(MPATH_LOG_ERR, "cannot listen on %s: it is in use by pid %d (uid %u)%s",
				  sock, (int)pid, (unsigned int)uid,
				  uid == 0 ? "; is another multipathd running?" :
				  ", not root: someone took the daemon's name");
			close(fd);
			return;
		}
		if (fd >= 0)
			close(fd);
	}
	mpath_log(MPATH_LOG_ERR, "cannot listen on %s: %s%s", sock,
		  strerror(-err), err == -EADDRINUSE ?
		  " (is another multipathd running?)" : "");
}

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
	d->listenfd = notify_take_socket(d, sock);	/* socket activation */
	if (d->listenfd < 0)
		d->listenfd = cli_listen(sock);
	if (d->listenfd < 0) {
		listen_failed(sock, d->listenfd);
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
	config_init_checkers(d->conf);
	maps_refresh_all(d);
	if (d->udev)
		disc_enumerate(d->udev, add_cb, d);
	mpath_log(MPATH_LOG_NOTICE, "multipathd started: %u paths, socket %s",
		  d->paths.nr, sock);
	return 0;
}

static void daemon_teardown(struct daemon *d)
{
	clients_close_all(d);
	/* Hung checks are orphaned to the library; nothing here waits. */
	devices_free(d);
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
		clients_expire(d);
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
		clients_accept(d);
		break;
	case TAG_UDEV:
		udev_event(d);
		break;
	case TAG_WATCHDOG:
		notify_watchdog(d);
		break;
	default:
		clients_event(d, ev->data.ptr, ev->events);
		break;
	}
}

int daemon_run(struct daemon *d)
{
	struct epoll_event events[32];
	int err;

	d->start_time = mpath_now_ns();
	d->listenfd = d->sigfd = d->timerfd = d->epfd = d->evfd = -1;
	err = daemon_setup(d);
	if (err) {
		daemon_teardown(d);
		return err;
	}
	d->running = true;
	notify_ready(d);
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
		devices_sweep_detaching(d);
		if (d->reconfigure && d->running) {
			notify_reloading(d);
			daemon_reconfigure(d);
			notify_reloaded(d);
		}
		notify_status(d);
	}
	mpath_log(MPATH_LOG_NOTICE, "multipathd stopping");
	notify_stopping(d);
	daemon_teardown(d);
	return 0;
}
