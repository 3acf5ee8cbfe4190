// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-cli.c - libFuzzer target for multipathd's command socket.
 *
 * Each input is used twice. As a command line (up to its first NUL) for
 * cli_parse(), whose results are checked against the grammar's promises:
 * a parsed device is a safe kernel name, a reason is one line of printable
 * ASCII. And as the bytes a client sends, written in input-dependent
 * chunks into a socketpair whose other end is a struct cli_conn, so that
 * the framing state machine sees arbitrary lengths, splits and garbage;
 * every request it delivers is parsed and answered, and the answer read
 * back with cli_recv(). Violations abort(), which the fuzzer reports.
 *
 * Seeds: corpus-cli/; its framed-* files carry a 64-bit little-endian
 * length, the native size_t of the machines this is fuzzed on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../multipathd/cli-parse.c"
#include "../../multipathd/cli.c"

/* Past this, the stream half only repeats itself more slowly. */
#define FUZZ_MAX_STREAM	(256u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fuzz_clean_line(const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return false;
	return i > 0 && i < max;
}

static bool fuzz_safe_dev(const char *dev, size_t max)
{
	size_t i;

	if (!dev[0] || dev[0] == '.')
		return false;
	for (i = 0; i < max && dev[i]; i++)
		if (!cli_devchar(dev[i]))
			return false;
	return i < max;
}

/* Parse line and check the outcome; the reply the daemon would send. */
static void fuzz_parse(const char *line, char *reply, size_t len)
{
	struct cli_request req;
	char err[256];
	int r;

	memset(&req, 0x5a, sizeof(req));
	memset(err, 0x5a, sizeof(err));
	r = cli_parse(line, &req, err, sizeof(err));
	if (r == 0) {
		bool dev = req.cmd == CLI_FAIL_PATH || req.cmd == CLI_REINSTATE_PATH ||
			   req.cmd == CLI_SHOW_PATH || req.cmd == CLI_ADD_PATH ||
			   req.cmd == CLI_DEL_PATH;

		if ((unsigned int)req.cmd > CLI_SHUTDOWN)
			abort();
		/* A map name is only compared: bounded and terminated is enough. */
		if (req.cmd == CLI_SHOW_MAP_JSON ?
		    !memchr(req.arg, '\0', sizeof(req.arg)) || !req.arg[0] :
		    dev ? !fuzz_safe_dev(req.arg, sizeof(req.arg)) : req.arg[0])
			abort();
		if (!memchr(req.fmt, '\0', sizeof(req.fmt)) ||
		    !memchr(req.verb, '\0', sizeof(req.verb)))
			abort();
		snprintf(reply, len, "ok %d %s\n", (int)req.cmd, req.arg);
	} else {
		if (r != -EINVAL || !fuzz_clean_line(err, sizeof(err)))
			abort();
		snprintf(reply, len, "fail\n%s\n", err);
	}
}

/* Answer a request and check that the client reads back that answer. */
static void fuzz_answer(struct cli_conn *conn, int peer, const char *line)
{
	char reply[320], *got = NULL;

	fuzz_parse(line, reply, sizeof(reply));
	if (cli_conn_reply(conn, reply))
		abort();
	/* A small reply to a drained socket goes out whole. */
	if (cli_conn_flush(conn) != 1 || cli_conn_wants_write(conn))
		abort();
	if (cli_recv(peer, &got, 0) || strcmp(got, reply))
		abort();
	free(got);
}

static void fuzz_stream(const uint8_t *data, size_t size)
{
	struct cli_conn *conn;
	const char *line;
	size_t off = 0, chunk;
	ssize_t n;
	int sv[2], r = 0;

	if (size > FUZZ_MAX_STREAM)
		size = FUZZ_MAX_STREAM;
	/* Failing here after many runs would mean leaked descriptors. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	conn = cli_conn_new(sv[0]);
	if (!conn)
		abort();
	if (!size)
		shutdown(sv[1], SHUT_WR);
	while (r >= 0) {
		if (off < size) {
			/* Split points from the data: 1-byte dribbles included. */
			chunk = 1 + data[off] % 23;
			if (chunk > size - off)
				chunk = size - off;
			n = send(sv[1], data + off, chunk, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				off += n;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				abort();
			if (off == size)
				shutdown(sv[1], SHUT_WR);
		}
		while ((r = cli_conn_read(conn, &line)) == 1)
			fuzz_answer(conn, sv[1], line);
		/* Everything was sent and the stream closed: it must end. */
		if (r == 0 && off == size)
			abort();
	}
	if (r != -ENOTCONN && r != -ECONNRESET && r != -EMSGSIZE && r != -EBADMSG)
		abort();
	cli_conn_free(conn);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reply[320];
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	fuzz_parse(line, reply, sizeof(reply));
	free(line);
	fuzz_stream(data, size);
	return 0;
}
