/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h - multipathd's state, shared by its files. One struct daemon,
 * passed explicitly; it is touched only by the thread running the event
 * loop, so nothing in it is locked. (Library threads never see it: the
 * executor works on its own copies, see libmultipath/executor.c.)
 */
#ifndef MPATHD_DAEMON_H
#define MPATHD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "libmultipath.h"
#include "cli.h"
#include "clients.h"
#include "config.h"
#include "discovery.h"
#include "dm.h"
#include "maps.h"
#include "notify.h"

/* One monitored block device. Owned by daemon.paths. */
struct path {
	struct path_facts facts;	/* read at discovery and on change */
	struct path_settings set;	/* from the configuration */
	int fd;				/* the device, O_RDONLY; -1 if it failed */
	struct checker checker;
	int state;			/* last result: PATH_* */
	char msg[128];			/* the message that came with it */
	bool pending;			/* a check is in flight */
	unsigned int pending_slot;	/* its index in daemon.pending then */
	bool operator_failed;		/* "fail path": until "reinstate path" */
	struct mpath_map *map;		/* the map whose table holds it, or NULL */
	unsigned int interval;		/* current polling interval, s */
	uint64_t next_check;		/* CLOCK_MONOTONIC ns */
	uint64_t started;		/* when the check in flight started */
	uint64_t result_started;	/* when the check behind state started */
	uint64_t last_change;		/* when state last changed */
	unsigned long checks;		/* completed checks */
	int loop_autoclear;		/* loop devices: the flag at add; -1 not loop */
	bool detaching;			/* being detached: release at next sweep */
};

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

	struct path **paths;		/* the path table */
	unsigned int nr_paths, cap_paths;
	char (*deleted)[32];		/* "del path" names, kept out until */
	unsigned int nr_deleted;	/* "add path" (paths.c) */

	int epfd, timerfd, sigfd, listenfd, evfd;
	struct udev *udev;
	struct udev_monitor *mon;
	bool dm;			/* device-mapper usable */
	struct mpath_map **maps;	/* the multipath maps (maps.c) */
	unsigned int nr_maps, cap_maps;
	struct map_ctx *ctx_retired;	/* slots of gone maps (maps.h) */

	struct client **clients;	/* open CLI connections (clients.c) */
	unsigned int nr_clients, cap_clients;
	size_t client_output;		/* reply bytes non-root clients hold */
	bool listen_paused;		/* accepting paused (out of fds) */
	bool accept_starved;		/* that was logged */
	uint64_t accept_resume_at;	/* when to try again */
	uint64_t accept_backoff;	/* ns, doubles while it fails */

	struct path **pending;		/* the paths with a check in flight; */
	unsigned int nr_pending;	/* as many slots as cap_paths */
	uint64_t next_due;		/* no path not in flight is due before */
	uint64_t poll_pending_at;	/* next poll of self-driven checks */
	uint64_t poll_backoff;		/* ns, doubles while they pend */
	uint64_t timer_armed;		/* what the timerfd is set to; 0 none */

	bool running;
	bool reconfigure;		/* requested; done between events */
	uint64_t start_time;
	unsigned long wakeups, state_changes, checks_started;
};

/* paths.c */
struct path *path_find(struct daemon *d, const char *devnode);
struct path *path_find_devt(struct daemon *d, dev_t devt);
bool path_blacklisted(struct daemon *d, const struct path_facts *pf);
void path_add(struct daemon *d, const struct path_facts *pf);
void path_remove(struct daemon *d, struct path *pp);
int path_add_operator(struct daemon *d, const struct path_facts *pf);
int path_del_operator(struct daemon *d, struct path *pp);
void path_apply_config(struct daemon *d, struct path *pp, bool reselect);
void paths_free(struct daemon *d);
void path_check_detach(struct path *pp);
void paths_sweep_detaching(struct daemon *d);

/* checkloop.c */
void checks_run_due(struct daemon *d);
void checks_collect(struct daemon *d);
uint64_t checks_next_wakeup(struct daemon *d);
void path_schedule(struct daemon *d, struct path *pp, uint64_t when);
void path_pending_clear(struct daemon *d, struct path *pp);
void path_set_operator_failed(struct daemon *d, struct path *pp, bool failed);
bool path_state_usable(int state);
bool path_state_failed(int state);

/* commands.c: the reply (malloc()ed) to one request from a user uid. */
char *command_run(struct daemon *d, const char *line, uid_t uid);

/* daemon.c */
int daemon_run(struct daemon *d);
int daemon_reconfigure(struct daemon *d);

#endif /* MPATHD_DAEMON_H */
