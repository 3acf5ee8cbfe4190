/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h - multipathd's state: one struct daemon, passed explicitly,
 * holding the loop's own descriptors and flags and each module's part
 * (declared in that module's header, written only through its functions).
 * It is touched only by the thread running the event loop, so nothing in
 * it is locked. (Library threads never see it: the executor works on its
 * own copies, see libmultipath/executor.c.)
 */
#ifndef MPATHD_DAEMON_H
#define MPATHD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "libmultipath.h"
#include "clients.h"
#include "devices.h"
#include "maps.h"
#include "notify.h"
#include "paths.h"
#include "schedule.h"

struct mp_config;
struct udev;
struct udev_monitor;

/*
 * epoll tags of the loop's fixed sources; a client's events carry its
 * struct client pointer instead (never this small).
 */
enum { TAG_TIMER = 1, TAG_SIGNAL, TAG_LISTEN, TAG_EVENTS, TAG_UDEV,
       TAG_WATCHDOG, TAG_MAX };

struct daemon {
	struct mp_config *conf;
	const char *conf_file;		/* NULL: the default */
	bool foreground;
	struct notify_state notify;	/* systemd (notify.h) */

	struct path_table paths;	/* the monitored paths (paths.h) */
	struct devices devices;		/* names kept out (devices.h) */
	struct sched sched;		/* the scheduler's (schedule.h) */
	struct map_table maps;		/* the multipath maps (maps.h) */
	struct client_table clients;	/* CLI connections (clients.h) */

	int epfd, timerfd, sigfd, listenfd, evfd;
	struct udev *udev;
	struct udev_monitor *mon;
	bool dm;			/* device-mapper usable */
	/*
	 * What the timerfd is set to; 0 none. The loop's: one timer serves
	 * the scheduler and the clients' deadlines alike.
	 */
	uint64_t timer_armed;

	bool running;
	bool reconfigure;		/* requested; done between events */
	uint64_t start_time;
	unsigned long wakeups;
};

/*
 * daemon_run - set up, run the event loop until a signal or "shutdown"
 * ends it, and tear down. 0, or -errno when it could not start.
 */
int daemon_run(struct daemon *d);

#endif /* MPATHD_DAEMON_H */
