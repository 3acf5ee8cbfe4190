// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clients.c - the daemon's side of the command socket (clients.h). The
 * wire format and the non-blocking connection are cli.c's; this file
 * decides who gets a connection and for how long.
 *
 * Any local user can connect, so nothing one user does may lock root out:
 *
 * - Accepting never stops because of a cap: the listen backlog would fill
 *   and root's connect() would wait behind an attacker's. Instead every
 *   connection is accepted and, over a cap, answered with a refusal and
 *   closed at once. Caps: CLIENTS_PER_UID for any one uid but root, and
 *   CLIENTS_MAX - CLIENTS_ROOT_ROOM for all of them together, so that
 *   root always finds room.
 * - A request must be whole within CLIENT_REQUEST_S of the connection (or
 *   of the previous reply being sent); a silent, half-sent or trickling
 *   client is closed then. The CLI's requests are one short line: a real
 *   client sends it at once. Root is exempt: upstream's interactive client
 *   (multipathc) keeps its connection open between commands, and root's
 *   connections are never in anyone's way (they have their own room).
 * - A reply must move: a connection whose queued reply took no byte for
 *   CLIENT_STALL_S is closed. And the replies waiting for clients other
 *   than root hold at most CLIENTS_OUTPUT_MAX bytes together: past that,
 *   a request gets a short "busy" refusal instead of its reply. With the
 *   per-uid cap this bounds what non-reading clients can make us hold.
 * - Out of file descriptors, accept() fails and the socket stays readable:
 *   accepting pauses (with back-off, logged once) instead of spinning.
 *
 * Called by: daemon.c (the listening socket, the clients' sockets, the
 * timer, shutdown).
 * Calls: commands.c (a request's reply), cli.c (the wire format).
 *
 * Event-loop thread only (daemon.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mpath_time.h"
#include "cli.h"
#include "clients.h"
#include "commands.h"
#include "daemon.h"

#define NEVER		UINT64_MAX	/* no deadline */
#define PAUSE_FIRST_NS	(100 * 1000000ull)	/* accept back-off: 100 ms */
#define PAUSE_MAX_NS	(2 * MPATH_NSEC_PER_SEC)	/* ... up to 2 s */

/* One connected client. Owned by daemon.clients. */
struct client {
	struct cli_conn *conn;
	uid_t uid;
	uint64_t deadline;	/* request whole by / reply moved by (ns) */
	size_t counted;		/* its bytes in daemon.clients.output */
};

static int ep_mod(struct daemon *d, int fd, uint32_t events, void *tag)
{
	struct epoll_event ev = { .events = events, .data.ptr = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

/* Stop or start watching the listening socket. */
static void listen_pause(struct daemon *d, bool pause)
{
	struct epoll_event ev = { .events = pause ? 0 : EPOLLIN,
				  .data.u64 = TAG_LISTEN };

	if (d->clients.listen_paused == pause)
		return;
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, d->listenfd, &ev) == 0)
		d->clients.listen_paused = pause;
}

unsigned int clients_of_uid(struct daemon *d, uid_t uid)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->clients.nr; i++)
		n += d->clients.list[i]->uid == uid;
	return n;
}

/* Keep daemon.clients.output equal to what non-root clients hold queued. */
static void output_account(struct daemon *d, struct client *c)
{
	size_t now = c->uid == 0 ? 0 : cli_conn_pending(c->conn);

	d->clients.output = d->clients.output - c->counted + now;
	c->counted = now;
}

static void client_close(struct daemon *d, struct client *c)
{
	unsigned int i;

	for (i = 0; i < d->clients.nr; i++) {
		if (d->clients.list[i] == c) {
			d->clients.list[i] = d->clients.list[--d->clients.nr];
			break;
		}
	}
	d->clients.output -= c->counted;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, cli_conn_fd(c->conn), NULL);
	cli_conn_free(c->conn);
	free(c);
}

/*
 * Refuse a connection over its cap: one short reply, sent if the socket
 * takes it now (it always has room for that much), then closed.
 */
static void refuse(struct cli_conn *conn, const char *why)
{
	if (cli_conn_reply(conn, why) == 0)
		cli_conn_flush(conn);
	cli_conn_free(conn);
}

/* Over a cap? Then the reason, for the refusal; NULL if it may stay. */
static const char *over_cap(struct daemon *d, uid_t uid)
{
	unsigned int others = 0, i;

	if (uid == 0)
		return d->clients.nr >= CLIENTS_MAX ?
		       CLI_REPLY_FAIL "too many connections\n" : NULL;
	for (i = 0; i < d->clients.nr; i++)
		others += d->clients.list[i]->uid != 0;
	if (others >= CLIENTS_MAX - CLIENTS_ROOT_ROOM)
		return CLI_REPLY_FAIL "too many connections; try again later\n";
	if (clients_of_uid(d, uid) >= CLIENTS_PER_UID)
		return CLI_REPLY_FAIL "too many connections from your user\n";
	return NULL;
}

/* By when the next request must be whole: never for root (see above). */
static uint64_t request_deadline(const struct client *c)
{
	return c->uid == 0 ? NEVER :
	       mpath_now_ns() + CLIENT_REQUEST_S * MPATH_NSEC_PER_SEC;
}

/* After a flush: the next request's clock if all went, else the reply's. */
static uint64_t next_deadline(const struct client *c, int flushed)
{
	return flushed == 1 ? request_deadline(c) :
	       mpath_now_ns() + CLIENT_STALL_S * MPATH_NSEC_PER_SEC;
}

/* accept() failed for want of resources: pause, and say so once. */
static void accept_pause(struct daemon *d, int err)
{
	d->clients.accept_backoff = d->clients.accept_backoff ?
			    d->clients.accept_backoff * 2 : PAUSE_FIRST_NS;
	if (d->clients.accept_backoff > PAUSE_MAX_NS)
		d->clients.accept_backoff = PAUSE_MAX_NS;
	d->clients.accept_resume_at = mpath_now_ns() +
				      d->clients.accept_backoff;
	listen_pause(d, true);
	if (!d->clients.accept_starved) {
		d->clients.accept_starved = true;
		mpath_log(MPATH_LOG_ERR, "cannot accept command connections: %s; pausing (checking goes on)",
			  strerror(err));
	}
}

void clients_accept(struct daemon *d)
{
	for (;;) {
		struct client *c;
		struct cli_conn *conn;
		const char *why;
		int fd;

		fd = accept4(d->listenfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				accept_pause(d, errno);
			return;
		}
		if (d->clients.accept_starved) {
			d->clients.accept_starved = false;
			mpath_log(MPATH_LOG_NOTICE, "accepting command connections again");
		}
		d->clients.accept_backoff = 0;
		conn = cli_conn_new(fd);
		if (!conn)
			continue;	/* cli_conn_new closed it */
		why = over_cap(d, cli_conn_uid(conn));
		if (why) {
			refuse(conn, why);
			continue;
		}
		if (d->clients.nr == d->clients.cap) {
			unsigned int cap = d->clients.cap ?
					   d->clients.cap * 2 : 16;
			struct client **p = realloc(d->clients.list,
						    cap * sizeof(*p));

			if (!p) {
				refuse(conn, CLI_REPLY_FAIL "out of memory\n");
				continue;
			}
			d->clients.list = p;
			d->clients.cap = cap;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			refuse(conn, CLI_REPLY_FAIL "out of memory\n");
			continue;
		}
		c->conn = conn;
		c->uid = cli_conn_uid(conn);
		c->deadline = request_deadline(c);
		d->clients.list[d->clients.nr++] = c;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			client_close(d, c);
	}
}

/*
 * The reply to one request. Replies for clients other than root are
 * refused while the unread ones already hold CLIENTS_OUTPUT_MAX bytes:
 * they are produced whole (a consistent view), so this is the bound.
 */
static char *run(struct daemon *d, struct client *c, const char *line)
{
	if (c->uid != 0 && d->clients.output >= CLIENTS_OUTPUT_MAX)
		return strdup(CLI_REPLY_FAIL "busy: too many replies are waiting to be read; try again\n");
	return command_run(d, line, c->uid);
}

/* A malformed request: say why before closing, where the framing lets us. */
static const char *read_error_reply(int err)
{
	switch (err) {
	case -EMSGSIZE:
		return CLI_REPLY_FAIL "request too long\n";
	case -EBADMSG:
		return CLI_REPLY_FAIL "malformed request (a size_t length, then one NUL-terminated string)\n";
	}
	return NULL;
}

void clients_event(struct daemon *d, struct client *c, uint32_t events)
{
	size_t before = cli_conn_pending(c->conn);
	const char *line, *why;
	int ret;

	if (events & EPOLLOUT) {
		ret = cli_conn_flush(c->conn);
		if (ret < 0)
			goto close;
		if (cli_conn_pending(c->conn) < before)
			c->deadline = next_deadline(c, ret);
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		while ((ret = cli_conn_read(c->conn, &line)) == 1) {
			char *reply = run(d, c, line);

			ret = cli_conn_reply(c->conn, reply ? reply :
					     CLI_REPLY_FAIL "out of memory\n");
			free(reply);
			if (ret < 0)
				goto close;
			ret = cli_conn_flush(c->conn);
			if (ret < 0)
				goto close;
			c->deadline = next_deadline(c, ret);
		}
		if (ret < 0) {
			why = read_error_reply(ret);
			if (why && !cli_conn_wants_write(c->conn) &&
			    cli_conn_reply(c->conn, why) == 0)
				cli_conn_flush(c->conn);
			if (why || !cli_conn_wants_write(c->conn))
				goto close;
		}
	}
	output_account(d, c);
	/* Wait for the socket to drain before reading more requests. */
	ep_mod(d, cli_conn_fd(c->conn),
	       cli_conn_wants_write(c->conn) ? EPOLLOUT : EPOLLIN, c);
	return;
close:
	client_close(d, c);
}

uint64_t clients_next_deadline(struct daemon *d)
{
	uint64_t next = d->clients.listen_paused ?
			d->clients.accept_resume_at : 0;
	unsigned int i;

	for (i = 0; i < d->clients.nr; i++)
		if (d->clients.list[i]->deadline != NEVER &&
		    (!next || d->clients.list[i]->deadline < next))
			next = d->clients.list[i]->deadline;
	return next;
}

void clients_expire(struct daemon *d)
{
	uint64_t now = mpath_now_ns();
	unsigned int i;

	for (i = d->clients.nr; i-- > 0;) {
		struct client *c = d->clients.list[i];

		if (c->deadline > now)
			continue;
		mpath_log(MPATH_LOG_DEBUG, "command connection of uid %u closed: %s",
			  (unsigned int)c->uid, cli_conn_wants_write(c->conn) ?
			  "its reply was not read" : "no whole request in time");
		client_close(d, c);	/* moves the last one to i */
	}
	if (d->clients.listen_paused && now >= d->clients.accept_resume_at) {
		listen_pause(d, false);
		clients_accept(d);
	}
}

void clients_close_all(struct daemon *d)
{
	while (d->clients.nr)
		client_close(d, d->clients.list[d->clients.nr - 1]);
	free(d->clients.list);
	d->clients.list = NULL;
	d->clients.cap = 0;
}
