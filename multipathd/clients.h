/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clients.h - the daemon's side of the command socket: accepting clients,
 * running their commands, and keeping any local user from denying the
 * service to others (connection caps per uid with room kept for root,
 * deadlines for requests and for reading replies, a bound on the memory
 * that unread replies hold, back-off when out of file descriptors).
 *
 * Event-loop thread only (daemon.h).
 */
#ifndef MPATHD_CLIENTS_H
#define MPATHD_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct daemon;
struct client;

/* The connections and the accepting state: part of struct daemon. */
struct client_table {
	struct client **list;		/* open CLI connections */
	unsigned int nr, cap;
	size_t output;			/* reply bytes non-root clients hold */
	bool listen_paused;		/* accepting paused (out of fds) */
	bool accept_starved;		/* that was logged */
	uint64_t accept_resume_at;	/* when to try again */
	uint64_t accept_backoff;	/* ns, doubles while it fails */
};

/* The limits; see clients.c for why each is what it is. */
#define CLIENTS_MAX		256	/* connections in all */
#define CLIENTS_ROOT_ROOM	32	/* of those, only root may use */
#define CLIENTS_PER_UID		16	/* connections of one other uid */
#define CLIENT_REQUEST_S	5	/* a request must be whole this soon */
#define CLIENT_STALL_S		10	/* a reply must move this often */
#define CLIENTS_OUTPUT_MAX	(32u << 20)	/* unread replies, non-root */

/* clients_accept - the listening socket is readable: take what waits. */
void clients_accept(struct daemon *d);

/* clients_event - epoll reported events on one client's socket. */
void clients_event(struct daemon *d, struct client *c, uint32_t events);

/*
 * clients_next_deadline - when the loop must wake for the clients (a
 * deadline, or accepting again after a pause): CLOCK_MONOTONIC ns, 0 none.
 */
uint64_t clients_next_deadline(struct daemon *d);

/* clients_expire - close clients past their deadline; resume accepting. */
void clients_expire(struct daemon *d);

/* clients_close_all - shutdown. */
void clients_close_all(struct daemon *d);

/* How many connections uid holds now (tests, show status). */
unsigned int clients_of_uid(struct daemon *d, uid_t uid);

#endif /* MPATHD_CLIENTS_H */
