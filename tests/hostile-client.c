// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostile-client.c - clients of multipathd's command socket that misbehave,
 * for tests/t-hostile-clients.sh: many connections at once that send
 * nothing, half a frame, a byte a second, or a whole request whose reply
 * they never read.
 *
 *   hostile-client SOCKET MODE COUNT SECONDS [COMMAND]
 *
 * MODE is idle, half, slow or noread (which sends COMMAND), or badlen (see
 * bad_frame()). It opens COUNT
 * connections, misbehaves on each for SECONDS, and prints one line:
 *
 *   connected N refused R closed C first F last L kept K
 *
 * refused: connect() failed, or the daemon answered "too many
 * connections" and closed it (a cap); closed: the daemon closed a
 * connection it had kept (F and L: seconds after the start when the first
 * and last were); kept: connections not refused (closed, or still open at
 * the end). The exit status is 0 unless the tool itself failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	4096

enum mode { IDLE, HALF, SLOW, NOREAD };

struct conn {
	int fd;
	bool open;		/* not closed by the daemon so far */
	bool refused;		/* it said "too many connections" */
	size_t sent;		/* slow mode: bytes of the frame sent */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "@name" is abstract, as multipathd's own socket_name says. */
static int open_conn(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	socklen_t len;
	int fd, tries;

	if (n == 0 || n >= sizeof(sun.sun_path))
		return -EINVAL;
	if (name[0] == '@') {
		memcpy(sun.sun_path + 1, name + 1, n - 1);
		len = offsetof(struct sockaddr_un, sun_path) + n;
	} else {
		memcpy(sun.sun_path, name, n);
		len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A full backlog says EAGAIN: an attacker would simply try again. */
	for (tries = 0; connect(fd, (struct sockaddr *)&sun, len) < 0; tries++) {
		int err = -errno;

		if (err != -EAGAIN || tries == 200) {
			close(fd);
			return err;
		}
		usleep(5000);
	}
	return fd;
}

/* A frame: size_t length, then the NUL-terminated text. */
static size_t frame(const char *cmd, char *buf, size_t size)
{
	size_t len = strlen(cmd) + 1;

	if (sizeof(len) + len > size)
		return 0;
	memcpy(buf, &len, sizeof(len));
	memcpy(buf + sizeof(len), cmd, len);
	return sizeof(len) + len;
}

/*
 * Has the daemon closed it? Reads what it sent first, noting a refusal
 * ("too many connections": a cap refused it at accept).
 */
static bool closed_by_peer(struct conn *c)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n == 0)
			return true;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK &&
			       errno != EINTR;
		buf[n] = '\0';
		/* Past the size_t length; the text is short and comes whole. */
		if (!c->refused && (size_t)n > sizeof(size_t) &&
		    strstr(buf + sizeof(size_t), "too many connections"))
			c->refused = true;
	}
}

/*
 * noread notices the hang-up without reading until then; the others read
 * as it comes. Either way, what a closed connection had sent is read.
 */
static bool hung_up(struct conn *c, enum mode mode)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLRDHUP };

	if (mode == NOREAD &&
	    (poll(&pfd, 1, 0) != 1 ||
	     !(pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))))
		return false;
	return closed_by_peer(c);
}

/*
 * badlen: one connection, a frame whose length is 0 (or, with COMMAND
 * "big", over the daemon's 4 KiB limit); prints the reply's text, if the
 * daemon sent one before closing, and exits 0 when it did.
 */
static int bad_frame(const char *name, bool big)
{
	size_t len = big ? 1u << 20 : 0, got = 0, want;
	char buf[512];
	int fd = open_conn(name);
	ssize_t n;
	double end;

	if (fd < 0) {
		fprintf(stderr, "connect: %s\n", strerror(-fd));
		return 2;
	}
	if (send(fd, &len, sizeof(len), MSG_NOSIGNAL) != sizeof(len))
		return 2;
	end = now_s() + 5;
	while (now_s() < end && got < sizeof(buf) - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 100) != 1)
			continue;
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	if (got <= sizeof(size_t)) {
		printf("no reply\n");
		return 1;
	}
	memcpy(&want, buf, sizeof(want));
	printf("%s", buf + sizeof(size_t));
	return 0;
}

int main(int argc, char **argv)
{
	static struct conn c[MAX_CONNS];
	static char req[4200];
	unsigned int count, seconds, i, connected = 0, refused = 0, closed = 0;
	unsigned int kept;
	double start, first = -1, last = -1, next_byte;
	size_t req_len = 0;
	enum mode mode;

	if (argc < 5) {
		fprintf(stderr, "usage: %s SOCKET idle|half|slow|noread COUNT SECONDS [COMMAND]\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[2], "badlen"))
		return bad_frame(argv[1], argc > 5 && !strcmp(argv[5], "big"));
	if (!strcmp(argv[2], "idle"))
		mode = IDLE;
	else if (!strcmp(argv[2], "half"))
		mode = HALF;
	else if (!strcmp(argv[2], "slow"))
		mode = SLOW;
	else if (!strcmp(argv[2], "noread"))
		mode = NOREAD;
	else {
		fprintf(stderr, "%s: unknown mode %s\n", argv[0], argv[2]);
		return 2;
	}
	count = strtoul(argv[3], NULL, 10);
	seconds = strtoul(argv[4], NULL, 10);
	if (count > MAX_CONNS || !seconds) {
		fprintf(stderr, "%s: COUNT at most %d, SECONDS at least 1\n",
			argv[0], MAX_CONNS);
		return 2;
	}
	req_len = frame(argc > 5 ? argv[5] : "show paths", req, sizeof(req));
	if (!req_len) {
		fprintf(stderr, "%s: command too long\n", argv[0]);
		return 2;
	}
	start = now_s();
	for (i = 0; i < count; i++) {
		c[i].fd = open_conn(argv[1]);
		if (c[i].fd < 0) {
			refused++;
			continue;
		}
		connected++;
		c[i].open = true;
		switch (mode) {
		case IDLE:
			break;
		case HALF:
			/* Half of the length word: the daemon waits for more. */
			if (send(c[i].fd, req, sizeof(size_t) / 2, MSG_NOSIGNAL) < 0)
				c[i].open = false;
			break;
		case SLOW:
			break;
		case NOREAD:
			if (send(c[i].fd, req, req_len, MSG_NOSIGNAL) < 0)
				c[i].open = false;
			break;
		}
	}
	next_byte = now_s();
	while (now_s() - start < seconds) {
		double t = now_s() - start;

		for (i = 0; i < count; i++) {
			if (c[i].fd < 0 || !c[i].open || !hung_up(&c[i], mode))
				continue;
			c[i].open = false;
			if (c[i].refused) {
				refused++;
				continue;
			}
			closed++;
			if (first < 0)
				first = t;
			last = t;
		}
		if (mode == SLOW && now_s() >= next_byte) {
			next_byte += 1.0;
			for (i = 0; i < count; i++) {
				if (c[i].fd < 0 || !c[i].open ||
				    c[i].sent >= req_len)
					continue;
				if (send(c[i].fd, req + c[i].sent, 1,
					 MSG_NOSIGNAL) == 1)
					c[i].sent++;
			}
		}
		usleep(50 * 1000);
	}
	/* Kept: closed without a refusal, or still open now. */
	kept = closed;
	for (i = 0; i < count; i++)
		kept += c[i].fd >= 0 && c[i].open;
	printf("connected %u refused %u closed %u first %.2f last %.2f kept %u\n",
	       connected, refused, closed, first, last, kept);
	for (i = 0; i < count; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	return 0;
}
