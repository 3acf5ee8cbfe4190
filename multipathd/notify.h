/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.h - multipathd under systemd: the listening socket systemd may
 * pass (socket activation), and the notifications of a Type=notify service
 * (READY=1, STATUS=, RELOADING=1, STOPPING=1, WATCHDOG=1), through
 * libsystemd's sd-daemon. Outside systemd every function does nothing.
 *
 * Which process talks to systemd: multipathd runs as a supervisor (the
 * service's main process, the one systemd starts and signals) and a worker
 * that runs the event loop (main.c, supervise()). The environment systemd
 * sets (LISTEN_PID, WATCHDOG_PID) names the supervisor, so notify_early()
 * reads it there, before any fork; the worker, which alone knows when the
 * daemon is ready and whether its loop still turns, sends every
 * notification. The unit therefore says NotifyAccess=all.
 *
 * notify_early() runs in main(); everything else in the worker's event-loop
 * thread (daemon.h).
 */
#ifndef MPATHD_NOTIFY_H
#define MPATHD_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct daemon;

/* Part of struct daemon. */
struct notify_state {
	bool enabled;		/* NOTIFY_SOCKET is set */
	int listen_fd;		/* the socket systemd passed; -1 none */
	uint64_t watchdog_usec;	/* WatchdogSec=, 0 off */
	int watchdog_fd;	/* timerfd for the pings; -1 none */
	unsigned long last_changes;	/* sched.state_changes at STATUS= */
	unsigned int last_paths;	/* daemon.paths.nr at last STATUS= */
	bool status_sent;
};

/*
 * notify_early - in main(), before daemonizing or forking: take the socket
 * systemd passes (exactly one listening AF_UNIX stream socket; anything
 * else is refused with an error, and -EINVAL returned), and read
 * WatchdogSec=. 0 or -errno.
 */
int notify_early(struct notify_state *n);

/*
 * notify_take_socket - the passed socket, made non-blocking, for the loop
 * to listen on instead of binding sock itself; -1 when there is none. A
 * passed socket bound to another name than sock is used all the same, and
 * the difference logged: systemd's unit is what the admin configured.
 */
int notify_take_socket(struct daemon *d, const char *sock);

/*
 * notify_ready - the socket listens and the first discovery is done: say
 * READY=1 with a first STATUS=, and start the watchdog pings.
 */
void notify_ready(struct daemon *d);

/* notify_status - update STATUS= if the paths or their states changed. */
void notify_status(struct daemon *d);

/* notify_watchdog - the watchdog timer fired: WATCHDOG=1. */
void notify_watchdog(struct daemon *d);

/* notify_reloading, notify_reloaded - around a reconfigure. */
void notify_reloading(struct daemon *d);
void notify_reloaded(struct daemon *d);

/* notify_stopping - the loop has ended: STOPPING=1; stop the pings. */
void notify_stopping(struct daemon *d);

#endif /* MPATHD_NOTIFY_H */
