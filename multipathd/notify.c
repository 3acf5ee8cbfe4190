// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify.c - multipathd under systemd (notify.h).
 *
 * libsystemd's sd-daemon does the talking: sd_listen_fds() and
 * sd_is_socket_unix() for socket activation, sd_notify() for the
 * notifications, sd_watchdog_enabled() for WatchdogSec=. They are small,
 * but the protocol has details (LISTEN_PID and LISTEN_FDNAMES, abstract
 * NOTIFY_SOCKET addresses, credentials, WATCHDOG_PID) that systemd keeps
 * right in one place; upstream multipath-tools uses the same calls.
 *
 * Called by: main.c (notify_early()), daemon.c (everything else).
 * Calls: libsystemd only; it reads the path table, the maps' count and the
 * scheduler's counters for STATUS=.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "notify.h"
#include "paths.h"

int notify_early(struct notify_state *n)
{
	uint64_t usec = 0;
	int nfds, fd;

	n->listen_fd = -1;
	n->watchdog_fd = -1;
	n->enabled = getenv("NOTIFY_SOCKET") != NULL;
	if (sd_watchdog_enabled(0, &usec) > 0)
		n->watchdog_usec = usec;

	/* Unset: the worker and anything it runs must not take them again. */
	nfds = sd_listen_fds(1);
	if (nfds <= 0)
		return nfds < 0 ? nfds : 0;
	fd = SD_LISTEN_FDS_START;
	if (nfds != 1 || sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
		fprintf(stderr, "multipathd: systemd passed %d file descriptors; expected one listening Unix stream socket (check multipathd.socket)\n",
			nfds);
		return -EINVAL;
	}
	n->listen_fd = fd;	/* sd_listen_fds() set FD_CLOEXEC */
	return 0;
}

/* The name a Unix socket is bound to, "@..." for an abstract one. */
static void socket_name(int fd, char *buf, size_t len)
{
	struct sockaddr_un sun = { 0 };
	socklen_t sl = sizeof(sun);
	size_t n;

	buf[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&sun, &sl) < 0 ||
	    sl <= offsetof(struct sockaddr_un, sun_path))
		return;
	n = sl - offsetof(struct sockaddr_un, sun_path);
	if (sun.sun_path[0] == '\0')
		snprintf(buf, len, "@%.*s", (int)n - 1, sun.sun_path + 1);
	else
		snprintf(buf, len, "%.*s", (int)strnlen(sun.sun_path, n),
			 sun.sun_path);
}

int notify_take_socket(struct daemon *d, const char *sock)
{
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
	int fd = d->notify.listen_fd, fl;

	if (fd < 0)
		return -1;
	d->notify.listen_fd = -1;
	/* clients_accept() takes connections until EAGAIN. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		mpath_log(MPATH_LOG_ERR, "the socket systemd passed: %s; listening on %s instead",
			  strerror(errno), sock);
		close(fd);
		return -1;
	}
	socket_name(fd, name, sizeof(name));
	if (strcmp(name, sock))
		mpath_log(MPATH_LOG_WARNING, "systemd passed a socket on %s, not on %s (socket_name): listening on %s",
			  name, sock, name);
	else
		mpath_log(MPATH_LOG_INFO, "listening on %s, passed by systemd", name);
	return fd;
}

/* What STATUS= says: how many paths are up and down. */
static void send_status(struct daemon *d, const char *also)
{
	unsigned int i, up = 0, down = 0, other;

	for (i = 0; i < d->paths.nr; i++) {
		int st = d->paths.list[i]->state;

		if (path_state_usable(st))
			up++;
		else if (path_state_failed(st))
			down++;
	}
	other = d->paths.nr - up - down;
	/* Other: not checked yet, a check pending, or the checker cannot tell. */
	sd_notifyf(0, "%sSTATUS=%u paths: %u up, %u down, %u other; %u maps",
		   also, d->paths.nr, up, down, other, d->maps.nr);
	d->notify.last_changes = d->sched.state_changes;
	d->notify.last_paths = d->paths.nr;
	d->notify.status_sent = true;
}

void notify_ready(struct daemon *d)
{
	struct notify_state *n = &d->notify;
	struct itimerspec its = { 0 };
	uint64_t half;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_WATCHDOG };

	if (!n->enabled)
		return;
	send_status(d, "READY=1\n");
	if (!n->watchdog_usec)
		return;
	/* Half the timeout, as sd_watchdog_enabled(3) advises. */
	half = n->watchdog_usec / 2;
	if (!half)
		half = 1;
	its.it_value.tv_sec = half / 1000000;
	its.it_value.tv_nsec = (half % 1000000) * 1000;
	its.it_interval = its.it_value;
	n->watchdog_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (n->watchdog_fd < 0 ||
	    timerfd_settime(n->watchdog_fd, 0, &its, NULL) < 0 ||
	    epoll_ctl(d->epfd, EPOLL_CTL_ADD, n->watchdog_fd, &ev) < 0) {
		mpath_log(MPATH_LOG_ERR, "cannot set up the watchdog timer: %s; systemd will think multipathd hung",
			  strerror(errno));
		if (n->watchdog_fd >= 0)
			close(n->watchdog_fd);
		n->watchdog_fd = -1;
		return;
	}
	mpath_log(MPATH_LOG_INFO, "systemd watchdog: pinging every %llu ms",
		  (unsigned long long)half / 1000);
}

void notify_status(struct daemon *d)
{
	/* Cheap when nothing changed: this runs after every wake-up. */
	if (!d->notify.enabled || !d->notify.status_sent ||
	    (d->notify.last_changes == d->sched.state_changes &&
	     d->notify.last_paths == d->paths.nr))
		return;
	send_status(d, "");
}

void notify_watchdog(struct daemon *d)
{
	uint64_t ticks;

	if (d->notify.watchdog_fd < 0)
		return;
	if (read(d->notify.watchdog_fd, &ticks, sizeof(ticks)) < 0 &&
	    errno != EAGAIN)
		mpath_log(MPATH_LOG_DEBUG, "watchdog timerfd: %s", strerror(errno));
	/* Sent from the loop: it proves the loop still turns. */
	sd_notify(0, "WATCHDOG=1");
}

void notify_reloading(struct daemon *d)
{
	struct timespec ts;

	if (!d->notify.enabled)
		return;
	/* MONOTONIC_USEC: what systemd 253's Type=notify-reload expects. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reconfiguring",
		   (unsigned long long)ts.tv_sec * 1000000ull +
		   (unsigned long long)ts.tv_nsec / 1000);
}

void notify_reloaded(struct daemon *d)
{
	if (d->notify.enabled)
		send_status(d, "READY=1\n");
}

void notify_stopping(struct daemon *d)
{
	if (d->notify.watchdog_fd >= 0) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->notify.watchdog_fd, NULL);
		close(d->notify.watchdog_fd);
		d->notify.watchdog_fd = -1;
	}
	if (d->notify.enabled)
		sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}
