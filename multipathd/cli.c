// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - multipathd's command socket: the socket address rules, blocking
 * framed I/O for the client, and the non-blocking server-side connections
 * driven by the daemon's epoll loop. The command grammar is in
 * cli-parse.c, the client mode in cli-client.c.
 *
 * Nothing here logs: every failure is returned as -errno, and the daemon
 * decides what is worth reporting.
 *
 * Called by: clients.c (connections), daemon.c (the listening socket),
 * cli-client.c (the client's side).
 * Calls: nothing of multipathd's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/*
 * The largest reply either side accepts. "show paths" on tens of thousands
 * of paths is a few MiB; the limit only stops a broken peer from making
 * the client allocate without bound.
 */
#define CLI_MAX_REPLY	(64u << 20)

/* --- socket addresses ------------------------------------------------------ */

/*
 * "@name" is an abstract name: the '@' becomes the leading NUL and the
 * address length counts exactly the name's bytes, so that we bind the same
 * name other clients (which pass the exact length) connect to, with no
 * trailing NULs in it. Anything else is a filesystem path.
 */
static int cli_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t n = name ? strlen(name) : 0;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || (name[0] == '@' && n == 1))
		return -EINVAL;
	if (name[0] == '@') {
		if (n > sizeof(sun->sun_path))
			return -ENAMETOOLONG;
		memcpy(sun->sun_path + 1, name + 1, n - 1);
		*len = offsetof(struct sockaddr_un, sun_path) + n;
	} else {
		if (n >= sizeof(sun->sun_path))
			return -ENAMETOOLONG;
		memcpy(sun->sun_path, name, n + 1);
		*len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	}
	return 0;
}

/*
 * A socket file left by a daemon that died is removed; a live one (someone
 * accepts connections) or anything that is not a socket is left alone.
 */
static int cli_remove_stale(const char *path, const struct sockaddr_un *sun,
			    socklen_t len)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EADDRINUSE;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, len);
	close(fd);
	if (r == 0)
		return -EADDRINUSE;
	if (errno != ECONNREFUSED)
		return -errno;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int cli_listen(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, r;

	r = cli_addr(name, &sun, &len);
	if (r)
		return r;
	if (name[0] != '@') {
		r = cli_remove_stale(name, &sun, len);
		if (r)
			return r;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0)
		goto fail;
	/*
	 * Anyone may connect: who may do what is decided per command from
	 * the peer's credentials, not by the file's mode.
	 */
	if (name[0] != '@' && chmod(name, 0666) < 0)
		goto fail;
	if (listen(fd, 64) < 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

static int64_t cli_now_ms(void);

/*
 * A non-blocking connect() on a Unix socket does not wait for room in a
 * full listen backlog: it fails with EAGAIN. So it is retried, a little
 * later each time, until the deadline: a daemon that does not accept (or
 * a squatter that never does) cannot make the caller wait longer.
 */
int cli_connect_timeout(const char *name, int timeout_ms)
{
	int64_t deadline = cli_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	struct sockaddr_un sun;
	useconds_t pause = 1000;
	socklen_t len;
	int fd, r;

	r = cli_addr(name, &sun, &len);
	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, len) == 0)
			break;
		r = -errno;
		if (r != -EAGAIN && r != -EINTR)
			goto fail;
		if (cli_now_ms() >= deadline) {
			r = -ETIMEDOUT;
			goto fail;
		}
		usleep(pause);
		if (pause < 100000)
			pause *= 2;
	}
	return fd;
fail:
	close(fd);
	return r;
}

int cli_connect(const char *name)
{
	return cli_connect_timeout(name, CLI_CONNECT_TIMEOUT_MS);
}

int cli_peer(int fd, pid_t *pid, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (len != sizeof(cred))
		return -EINVAL;
	*pid = cred.pid;
	*uid = cred.uid;
	return 0;
}

/* --- blocking framed I/O (the client side) ------------------------------------ */

static int64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for events until deadline (ms, -1: forever): 0, -ETIMEDOUT or
 * -errno. A deadline already passed still polls once, so that a timeout of
 * 0 takes what has arrived.
 */
static int cli_wait(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int r;

	do {
		left = deadline < 0 ? -1 : deadline - cli_now_ms();
		if (deadline >= 0 && left < 0)
			left = 0;
		r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	} while (deadline < 0 || cli_now_ms() < deadline);
	return -ETIMEDOUT;
}

static int cli_read_full(int fd, void *buf, size_t len, int64_t deadline)
{
	size_t got = 0;
	ssize_t n;
	int r;

	while (got < len) {
		r = cli_wait(fd, POLLIN, deadline);
		if (r)
			return r;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return -errno;
		}
		got += n;
	}
	return 0;
}

/*
 * MSG_NOSIGNAL: a peer that went away is an error to return, not SIGPIPE.
 * MSG_DONTWAIT and the deadline: a peer that does not read cannot hold
 * the writer forever.
 */
static int cli_write_full(int fd, const void *buf, size_t len,
			  int64_t deadline)
{
	size_t off = 0;
	ssize_t n;
	int r;

	while (off < len) {
		n = send(fd, (const char *)buf + off, len - off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			r = cli_wait(fd, POLLOUT, deadline);
			if (r)
				return r;
			continue;
		}
		off += n;
	}
	return 0;
}

int cli_send_timeout(int fd, const char *msg, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : cli_now_ms() + timeout_ms;
	size_t len = strlen(msg) + 1;
	int r;

	r = cli_write_full(fd, &len, sizeof(len), deadline);
	return r ? r : cli_write_full(fd, msg, len, deadline);
}

int cli_send(int fd, const char *msg)
{
	return cli_send_timeout(fd, msg, -1);
}

/* A payload must be exactly one string: its only NUL is its last byte. */
static bool cli_payload_ok(const char *buf, size_t len)
{
	return len > 0 && memchr(buf, '\0', len) == buf + len - 1;
}

/*
 * cli_recv - read one framed message, waiting at most timeout_ms in all
 * (negative: no limit). 0 with *msg malloc()ed, or -ETIMEDOUT, -EMSGSIZE
 * (length over 64 MiB), -EBADMSG (not one NUL-terminated string),
 * -ECONNRESET (the peer closed first), -ENOMEM or another -errno.
 */
int cli_recv(int fd, char **msg, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : cli_now_ms() + timeout_ms;
	size_t len;
	char *buf;
	int r;

	r = cli_read_full(fd, &len, sizeof(len), deadline);
	if (r)
		return r;
	if (len == 0)
		return -EBADMSG;
	if (len > CLI_MAX_REPLY)
		return -EMSGSIZE;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	r = cli_read_full(fd, buf, len, deadline);
	if (!r && !cli_payload_ok(buf, len))
		r = -EBADMSG;
	if (r) {
		free(buf);
		return r;
	}
	*msg = buf;
	return 0;
}

/* --- server-side connections ---------------------------------------------------- */

/*
 * One client of the daemon. Owned by the daemon's loop thread, which is
 * the only one to touch it; nothing here is shared.
 *
 * Reading is a small state machine: hdr_got bytes of the length, then
 * req_got of len bytes of the request. The request buffer is part of the
 * struct, so an idle client costs no allocation and a request cannot fail
 * half-way for lack of memory.
 */
struct cli_conn {
	int fd;
	uid_t uid;			/* (uid_t)-1 when SO_PEERCRED failed */
	int dead;			/* -errno once the connection failed */
	bool have_line;			/* req was returned: start afresh */
	size_t hdr_got;
	union {
		size_t len;
		unsigned char bytes[sizeof(size_t)];
	} hdr;
	size_t req_got;
	char req[CLI_MAX_REQUEST];
	char *out;			/* framed replies not yet sent */
	size_t out_len, out_off;
};

struct cli_conn *cli_conn_new(int fd)
{
	struct cli_conn *conn;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fl;

	if (fd < 0)			/* a failed accept4(), passed on */
		return NULL;
	conn = calloc(1, sizeof(*conn));
	if (!conn) {
		close(fd);
		return NULL;
	}
	conn->fd = fd;
	/* accept4() may not have said so: a blocking fd would stall the loop. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Credentials the kernel recorded at connect(): the peer cannot lie. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    len == sizeof(cred))
		conn->uid = cred.uid;
	else
		conn->uid = (uid_t)-1;
	return conn;
}

void cli_conn_free(struct cli_conn *conn)
{
	if (!conn)
		return;
	close(conn->fd);
	free(conn->out);
	free(conn);
}

int cli_conn_fd(const struct cli_conn *conn)
{
	return conn->fd;
}

uid_t cli_conn_uid(const struct cli_conn *conn)
{
	return conn->uid;
}

/* Read up to len bytes without blocking: >0 bytes, 0 would block, -errno. */
static ssize_t cli_conn_recv(struct cli_conn *conn, void *buf, size_t len,
			     bool mid_message)
{
	ssize_t n;

	do {
		n = recv(conn->fd, buf, len, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	if (n == 0)
		return mid_message ? -ECONNRESET : -ENOTCONN;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return -errno;
}

/*
 * Errors, after which the connection is only good for cli_conn_free():
 * -ENOTCONN the client closed it between requests (the normal end),
 * -ECONNRESET it closed in the middle of one, -EMSGSIZE the length is over
 * CLI_MAX_REQUEST, -EBADMSG the length is 0 or the payload is not one
 * NUL-terminated string. Only as many bytes as the current request needs
 * are read, so after a 1 another request may already be waiting: call
 * again (until 0, with edge-triggered epoll).
 *
 * While a reply is still queued, no further request is read (0): a client
 * that sends requests without reading the replies would otherwise make the
 * daemon queue output without bound. Wait for POLLOUT and flush first.
 */
int cli_conn_read(struct cli_conn *conn, const char **line)
{
	ssize_t n;

	if (conn->dead)
		return conn->dead;
	if (conn->have_line) {
		conn->have_line = false;
		conn->hdr_got = conn->req_got = 0;
	}
	if (conn->out_off < conn->out_len)
		return 0;
	while (conn->hdr_got < sizeof(conn->hdr)) {
		n = cli_conn_recv(conn, conn->hdr.bytes + conn->hdr_got,
				  sizeof(conn->hdr) - conn->hdr_got,
				  conn->hdr_got > 0);
		if (n <= 0)
			goto out;
		conn->hdr_got += n;
		if (conn->hdr_got < sizeof(conn->hdr))
			continue;
		if (conn->hdr.len == 0) {
			n = -EBADMSG;
			goto out;
		}
		if (conn->hdr.len > CLI_MAX_REQUEST) {
			n = -EMSGSIZE;
			goto out;
		}
	}
	while (conn->req_got < conn->hdr.len) {
		n = cli_conn_recv(conn, conn->req + conn->req_got,
				  conn->hdr.len - conn->req_got, true);
		if (n <= 0)
			goto out;
		conn->req_got += n;
	}
	if (!cli_payload_ok(conn->req, conn->hdr.len)) {
		n = -EBADMSG;
		goto out;
	}
	conn->have_line = true;
	*line = conn->req;
	return 1;
out:
	if (n < 0)
		conn->dead = (int)n;
	return (int)n;
}

/*
 * Appends to what is still queued, so that replies to pipelined requests
 * go out in order. 0, -EMSGSIZE (over the 64 MiB a client accepts) or
 * -ENOMEM.
 */
int cli_conn_reply(struct cli_conn *conn, const char *msg)
{
	size_t len = strlen(msg) + 1, pending = conn->out_len - conn->out_off;
	char *out;

	if (len > CLI_MAX_REPLY)
		return -EMSGSIZE;
	if (pending && conn->out_off) {
		memmove(conn->out, conn->out + conn->out_off, pending);
	}
	conn->out_off = 0;
	conn->out_len = pending;
	out = realloc(conn->out, pending + sizeof(len) + len);
	if (!out)
		return -ENOMEM;
	memcpy(out + pending, &len, sizeof(len));
	memcpy(out + pending + sizeof(len), msg, len);
	conn->out = out;
	conn->out_len = pending + sizeof(len) + len;
	return 0;
}

int cli_conn_flush(struct cli_conn *conn)
{
	ssize_t n;

	while (conn->out_off < conn->out_len) {
		n = send(conn->fd, conn->out + conn->out_off,
			 conn->out_len - conn->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		conn->out_off += n;
	}
	/* Large replies are rare: give their memory back at once. */
	free(conn->out);
	conn->out = NULL;
	conn->out_len = conn->out_off = 0;
	return 1;
}

bool cli_conn_wants_write(const struct cli_conn *conn)
{
	return conn->out_off < conn->out_len;
}

size_t cli_conn_pending(const struct cli_conn *conn)
{
	return conn->out_len - conn->out_off;
}
