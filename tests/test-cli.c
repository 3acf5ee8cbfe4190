// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-cli.c - multipathd's command socket: the command parser on tables
 * of good and bad lines, which commands need root, the framing over a
 * socketpair (whole, byte by byte, oversized, malformed, a reply larger
 * than the socket buffer), a client that sends nothing, peer credentials,
 * abstract and filesystem socket names, and the client mode against a
 * small server thread.
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "test-util.h"

#include "../multipathd/cli-parse.c"
#include "../multipathd/cli.c"
#include "../multipathd/cli-client.c"

/* --- the parser ------------------------------------------------------------- */

struct parse_ok {
	const char *line;
	enum cli_cmd cmd;
	const char *arg;
};

static const struct parse_ok valid_lines[] = {
	{ "show paths", CLI_SHOW_PATHS, "" },
	{ "SHOW PATHS", CLI_SHOW_PATHS, "" },
	{ "  show \t paths  ", CLI_SHOW_PATHS, "" },
	{ "show paths\n", CLI_SHOW_PATHS, "" },
	{ "show paths\r\n", CLI_SHOW_PATHS, "" },
	{ "list paths", CLI_SHOW_PATHS, "" },
	{ "l paths", CLI_SHOW_PATHS, "" },
	{ "show paths json", CLI_SHOW_PATHS_JSON, "" },
	{ "List Paths JSON", CLI_SHOW_PATHS_JSON, "" },
	{ "show maps", CLI_SHOW_MAPS, "" },
	{ "list maps", CLI_SHOW_MAPS, "" },
	{ "show multipaths", CLI_SHOW_MAPS, "" },
	{ "show maps json", CLI_SHOW_MAPS_JSON, "" },
	{ "list multipaths json", CLI_SHOW_MAPS_JSON, "" },
	{ "show checkers", CLI_SHOW_CHECKERS, "" },
	{ "show status", CLI_SHOW_STATUS, "" },
	{ "list status", CLI_SHOW_STATUS, "" },
	{ "show config", CLI_SHOW_CONFIG, "" },
	{ "fail path sdb", CLI_FAIL_PATH, "sdb" },
	{ "fail path /dev/sdb", CLI_FAIL_PATH, "sdb" },
	{ "FAIL PATH loop3", CLI_FAIL_PATH, "loop3" },
	{ "fail path SdB", CLI_FAIL_PATH, "SdB" },	/* names keep their case */
	{ "fail path dm-3", CLI_FAIL_PATH, "dm-3" },
	{ "reinstate path 8:16", CLI_REINSTATE_PATH, "8:16" },
	{ "reinstate path nvme0n1", CLI_REINSTATE_PATH, "nvme0n1" },
	{ "reinstate path /dev/nvme0n1p1", CLI_REINSTATE_PATH, "nvme0n1p1" },
	{ "reinstate path a_b.c", CLI_REINSTATE_PATH, "a_b.c" },
	{ "fail path 123456789012345678901234567890123456789012345678901234567890123",
	  CLI_FAIL_PATH,
	  "123456789012345678901234567890123456789012345678901234567890123" },
	{ "reconfigure", CLI_RECONFIGURE, "" },
	{ "reconfigure all", CLI_RECONFIGURE, "" },
	{ "show path sdb", CLI_SHOW_PATH, "sdb" },
	{ "list path 8:16", CLI_SHOW_PATH, "8:16" },
	{ "show map mpatha json", CLI_SHOW_MAP_JSON, "mpatha" },
	{ "list multipath 3600a0b80:x json", CLI_SHOW_MAP_JSON, "3600a0b80:x" },
	{ "show topology", CLI_SHOW_TOPOLOGY, "" },
	{ "show maps topology", CLI_SHOW_TOPOLOGY, "" },
	{ "show daemon", CLI_SHOW_DAEMON, "" },
	{ "show wildcards", CLI_SHOW_WILDCARDS, "" },
	{ "add path sdb", CLI_ADD_PATH, "sdb" },
	{ "add path /dev/loop3", CLI_ADD_PATH, "loop3" },
	{ "del path sdb", CLI_DEL_PATH, "sdb" },
	{ "remove path 7:3", CLI_DEL_PATH, "7:3" },
	{ "quit", CLI_QUIT, "" },
	{ "EXIT", CLI_QUIT, "" },
	{ "resize map mpatha", CLI_MAP_MGMT, "" },
	{ "switchgroup map mpatha group 2", CLI_MAP_MGMT, "" },
	{ "disablequeueing maps", CLI_MAP_MGMT, "" },
	{ "setprkey map mpatha key 0x1234 and more words after it", CLI_MAP_MGMT, "" },
	{ "add map mpatha", CLI_MAP_MGMT, "" },
	{ "del maps", CLI_MAP_MGMT, "" },
	{ "shutdown", CLI_SHUTDOWN, "" },
	{ "ShutDown\r\n", CLI_SHUTDOWN, "" },
};

struct parse_bad {
	const char *line;
	const char *reason;	/* a substring of the expected reason */
};

static const struct parse_bad invalid_lines[] = {
	{ "", "empty command" },
	{ "   \t \n", "empty command" },
	{ "frobnicate", "unknown command 'frobnicate'" },
	{ "showpaths", "unknown command 'showpaths'" },
	{ "show", "incomplete command 'show' (expected paths, path, maps, map, topology, checkers, status, daemon, config, wildcards)" },
	{ "list", "incomplete command 'list'" },
	{ "show mapz", "unknown 'mapz' after 'show' (expected paths, path, maps," },
	{ "show maps xml", "unknown 'xml' after 'show maps' (expected json, raw, format, topology)" },
	{ "show paths xml", "unknown 'xml' after 'show paths' (expected json, raw, format)" },
	{ "show paths json now", "unexpected 'now' after 'show paths json'" },
	{ "show status please", "unexpected 'please' after 'show status'" },
	{ "show maps json now", "unexpected 'now' after 'show maps json'" },
	{ "show config a b c d e", "unexpected 'a' after 'show config'" },
	{ "fail", "incomplete command 'fail' (expected path)" },
	{ "fail sdb", "unknown 'sdb' after 'fail' (expected path)" },
	{ "fail paths sdb", "unknown 'paths' after 'fail'" },
	{ "fail path", "incomplete command 'fail path' (expected a device name)" },
	{ "reinstate path  ", "incomplete command 'reinstate path'" },
	{ "reinstate", "incomplete command 'reinstate'" },
	{ "fail path sdb sdc", "unexpected 'sdc' after 'fail path sdb'" },
	{ "reinstate path /dev/sdb -f", "unexpected '-f' after 'reinstate path sdb'" },
	{ "fail path /dev/", "missing device name after /dev/" },
	{ "fail path /dev/sda/../sdb", "invalid device name '/dev/sda/../sdb'" },
	{ "fail path ../sdb", "invalid device name" },
	{ "fail path ..", "invalid device name" },
	{ "fail path .", "invalid device name" },
	{ "fail path .hidden", "invalid device name" },
	{ "fail path /sys/block/sdb", "invalid device name" },
	{ "fail path sd*b", "invalid device name 'sd*b'" },
	{ "fail path $(reboot)", "invalid device name" },
	{ "fail path sdb;reboot", "invalid device name" },
	{ "fail path caf\xc3\xa9", "invalid device name 'caf?\?'" },
	{ "fail path 1234567890123456789012345678901234567890123456789012345678901234",
	  "too long (at most 63 characters)" },
	{ "reconfigure now", "unknown 'now' after 'reconfigure' (expected all)" },
	{ "shutdown -h", "unexpected '-h' after 'shutdown'" },
	{ "reconfigure all now", "unexpected 'now' after 'reconfigure all'" },
	{ "show paths raw", "incomplete command 'show paths raw' (expected format)" },
	{ "show paths format", "incomplete command 'show paths format' (expected a format)" },
	{ "show paths raw format \"%d %T\" x", "unexpected 'x' after 'show paths raw format FORMAT'" },
	{ "show paths format \"%d %T", "unterminated quote" },
	{ "show paths format \"\"", "format must be 1 to 255 bytes" },
	{ "show maps raw json", "unknown 'json' after 'show maps raw' (expected format)" },
	{ "show path", "incomplete command 'show path' (expected a device name)" },
	{ "show path ../sdb", "invalid device name" },
	{ "show map", "incomplete command 'show map' (expected a map name)" },
	{ "show map mpatha", "incomplete command 'show map mpatha' (expected json)" },
	{ "show map mpatha xml", "unknown 'xml' after 'show map mpatha' (expected json)" },
	{ "show map \"a b\" json", "invalid map name 'a b'" },
	{ "add path", "incomplete command 'add path' (expected a device name)" },
	{ "add paths sdb", "unknown 'paths' after 'add' (expected path, map)" },
	{ "del path sdb now", "unexpected 'now' after 'del path sdb'" },
	{ "remove", "incomplete command 'remove' (expected path, map, maps)" },
	{ "quit now", "unexpected 'now' after 'quit'" },
	{ "fail path \"\"", "missing device name" },
	{ "show\x01paths", "control character 0x01 at offset 4" },
	{ "show paths\x7f", "control character 0x7f at offset 10" },
	{ "show\x1b[2J paths", "control character 0x1b at offset 4" },
	{ "show\vpaths", "control character 0x0b" },
	{ "\xc2\x85show paths", "control character U+0085 at offset 0" },
	{ "show \xff", "invalid UTF-8 at offset 5" },
	{ "show \xc0\xaf", "invalid UTF-8 at offset 5" },		/* overlong */
	{ "show \xe0\x80\xaf", "invalid UTF-8" },			/* overlong */
	{ "show \xed\xa0\x80", "invalid UTF-8" },			/* surrogate */
	{ "show \xf4\x90\x80\x80", "invalid UTF-8" },		/* > U+10FFFF */
	{ "show \xe2\x82", "invalid UTF-8 at offset 5" },		/* cut short */
	{ "show \x80", "invalid UTF-8" },				/* lone continuation */
	{ "show pa\xc3\xa9ths", "unknown 'pa??ths' after 'show'" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789", "unknown command 'abcdefghijklmnopqrstuvwxyz012345...'" },
};

/* A reason is one line of printable ASCII. */
static void assert_reason_is_one_clean_line(const char *err)
{
	const char *p;

	assert_true(err[0] != '\0');
	for (p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

static void valid_commands_parse(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(valid_lines) / sizeof(valid_lines[0]); i++) {
		const struct parse_ok *t = &valid_lines[i];
		struct cli_request req;
		char err[256] = "untouched";

		memset(&req, 0xaa, sizeof(req));
		if (cli_parse(t->line, &req, err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", t->line, err);
		assert_int_equal(req.cmd, t->cmd);
		assert_string_equal(req.arg, t->arg);
		assert_string_equal(err, "untouched");
	}
}

/*
 * Upstream's listing commands: "raw" and the format reach the request,
 * a quoted format whole (upstream's client quotes a word with blanks).
 */
static void format_commands_parse(void **state)
{
	static const struct {
		const char *line;
		enum cli_cmd cmd;
		bool raw;
		const char *fmt;
	} t[] = {
		{ "show paths format %d", CLI_SHOW_PATHS_FMT, false, "%d" },
		{ "list paths raw format \"%d %D %t %T\" ", CLI_SHOW_PATHS_FMT, true, "%d %D %t %T" },
		{ "show paths RAW Format \"%d\t%T\"", CLI_SHOW_PATHS_FMT, true, "%d\t%T" },
		{ "show maps raw", CLI_SHOW_MAPS_FMT, true, "" },
		{ "show maps format \"%n %w\"", CLI_SHOW_MAPS_FMT, false, "%n %w" },
		{ "list multipaths raw format %n", CLI_SHOW_MAPS_FMT, true, "%n" },
		{ "show maps", CLI_SHOW_MAPS, false, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cli_request req;
		char err[256] = "";

		memset(&req, 0xaa, sizeof(req));
		if (cli_parse(t[i].line, &req, err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", t[i].line, err);
		assert_int_equal(req.cmd, t[i].cmd);
		assert_int_equal(req.raw, t[i].raw);
		assert_string_equal(req.fmt, t[i].fmt);
		assert_string_equal(req.arg, "");
	}
}

/* What a refused map command names, for its reply. */
static void map_management_names_what_was_asked(void **state)
{
	struct cli_request req;
	char err[256] = "";

	assert_int_equal(cli_parse("switchgroup map mpatha group 2", &req, err,
				   sizeof(err)), 0);
	assert_string_equal(req.verb, "switchgroup");
	assert_int_equal(cli_parse("REMOVE maps", &req, err, sizeof(err)), 0);
	assert_string_equal(req.verb, "remove maps");
	assert_int_equal(cli_parse("add map x", &req, err, sizeof(err)), 0);
	assert_string_equal(req.verb, "add map");
}

static void malformed_commands_fail_with_their_reason(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(invalid_lines) / sizeof(invalid_lines[0]); i++) {
		const struct parse_bad *t = &invalid_lines[i];
		struct cli_request req, before;
		char err[256] = "";

		memset(&req, 0xaa, sizeof(req));
		before = req;
		if (cli_parse(t->line, &req, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", t->line);
		if (!strstr(err, t->reason))
			fail_msg("'%s': reason '%s', expected '%s'", t->line,
				 err, t->reason);
		assert_reason_is_one_clean_line(err);
		assert_memory_equal(&req, &before, sizeof(req));
	}
}

static void length_limit_is_exact(void **state)
{
	char line[CLI_MAX_REQUEST + 1], err[128];
	struct cli_request req;

	/* CLI_MAX_REQUEST - 1 characters and the NUL fit one request... */
	memset(line, ' ', sizeof(line));
	memcpy(line, "show paths", 10);
	line[CLI_MAX_REQUEST - 1] = '\0';
	assert_int_equal(cli_parse(line, &req, err, sizeof(err)), 0);
	assert_int_equal(req.cmd, CLI_SHOW_PATHS);
	/* ...one more does not. */
	line[CLI_MAX_REQUEST - 1] = ' ';
	line[CLI_MAX_REQUEST] = '\0';
	assert_int_equal(cli_parse(line, &req, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "command too long"));
}

static void parse_tolerates_any_error_buffer(void **state)
{
	struct cli_request req;
	char err[8];

	assert_int_equal(cli_parse("bogus", &req, NULL, 0), -EINVAL);
	assert_int_equal(cli_parse("bogus", &req, err, 0), -EINVAL);
	assert_int_equal(cli_parse("bogus", &req, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);		/* truncated */
	assert_int_equal(cli_parse(NULL, &req, err, sizeof(err)), -EINVAL);
	assert_int_equal(cli_parse("shutdown", &req, NULL, 0), 0);
}

static void only_changes_need_root(void **state)
{
	assert_false(cli_needs_root(CLI_SHOW_PATHS));
	assert_false(cli_needs_root(CLI_SHOW_PATHS_JSON));
	assert_false(cli_needs_root(CLI_SHOW_MAPS));
	assert_false(cli_needs_root(CLI_SHOW_MAPS_JSON));
	assert_false(cli_needs_root(CLI_SHOW_CHECKERS));
	assert_false(cli_needs_root(CLI_SHOW_STATUS));
	assert_false(cli_needs_root(CLI_SHOW_CONFIG));
	assert_true(cli_needs_root(CLI_FAIL_PATH));
	assert_true(cli_needs_root(CLI_REINSTATE_PATH));
	assert_true(cli_needs_root(CLI_RECONFIGURE));
	assert_true(cli_needs_root(CLI_SHUTDOWN));
	assert_false(cli_needs_root(CLI_SHOW_PATHS_FMT));
	assert_false(cli_needs_root(CLI_SHOW_MAPS_FMT));
	assert_false(cli_needs_root(CLI_SHOW_PATH));
	assert_false(cli_needs_root(CLI_SHOW_MAP_JSON));
	assert_false(cli_needs_root(CLI_SHOW_TOPOLOGY));
	assert_false(cli_needs_root(CLI_SHOW_DAEMON));
	assert_false(cli_needs_root(CLI_SHOW_WILDCARDS));
	assert_false(cli_needs_root(CLI_QUIT));
	assert_true(cli_needs_root(CLI_ADD_PATH));
	assert_true(cli_needs_root(CLI_DEL_PATH));
	assert_true(cli_needs_root(CLI_MAP_MGMT));
	assert_true(cli_needs_root((enum cli_cmd)12345));
}

/* --- framing over a socketpair ----------------------------------------------- */

struct pair {
	struct cli_conn *conn;	/* the daemon's end */
	int peer;		/* the client's end */
};

static struct pair pair_open(void)
{
	struct pair p;
	int sv[2];

	/* Blocking on purpose: cli_conn_new() must make its end non-blocking. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p.conn = cli_conn_new(sv[0]);
	assert_non_null(p.conn);
	p.peer = sv[1];
	return p;
}

static void pair_close(struct pair *p)
{
	cli_conn_free(p->conn);
	if (p->peer >= 0)
		close(p->peer);
}

static void send_raw(int fd, const void *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void send_len(int fd, size_t len)
{
	send_raw(fd, &len, sizeof(len));
}

static void request_and_reply_round_trip(void **state)
{
	struct pair p = pair_open();
	const char *line = NULL;
	char *reply = NULL;

	assert_int_equal(cli_send(p.peer, "show paths"), 0);
	assert_int_equal(cli_conn_read(p.conn, &line), 1);
	assert_string_equal(line, "show paths");
	assert_false(cli_conn_wants_write(p.conn));
	assert_int_equal(cli_conn_reply(p.conn, "sdb up\n"), 0);
	assert_true(cli_conn_wants_write(p.conn));
	assert_int_equal(cli_conn_flush(p.conn), 1);
	assert_false(cli_conn_wants_write(p.conn));
	/* Already there: a timeout of 0 still takes it. */
	assert_int_equal(cli_recv(p.peer, &reply, 0), 0);
	assert_string_equal(reply, "sdb up\n");
	free(reply);
	/* Nothing more sent: nothing more read, and no blocking. */
	assert_int_equal(cli_conn_read(p.conn, &line), 0);
	pair_close(&p);
}

static void pipelined_requests_wait_for_the_previous_reply(void **state)
{
	struct pair p = pair_open();
	const char *line;
	char *reply;

	assert_int_equal(cli_send(p.peer, "show status"), 0);
	assert_int_equal(cli_send(p.peer, "show config"), 0);
	assert_int_equal(cli_conn_read(p.conn, &line), 1);
	assert_string_equal(line, "show status");
	assert_int_equal(cli_conn_reply(p.conn, "one"), 0);
	/* The second request waits while the first reply is queued. */
	assert_int_equal(cli_conn_read(p.conn, &line), 0);
	assert_int_equal(cli_conn_flush(p.conn), 1);
	assert_int_equal(cli_conn_read(p.conn, &line), 1);
	assert_string_equal(line, "show config");
	assert_int_equal(cli_conn_reply(p.conn, "two"), 0);
	assert_int_equal(cli_conn_flush(p.conn), 1);
	assert_int_equal(cli_conn_read(p.conn, &line), 0);
	assert_int_equal(cli_recv(p.peer, &reply, 1000), 0);
	assert_string_equal(reply, "one");
	free(reply);
	assert_int_equal(cli_recv(p.peer, &reply, 1000), 0);
	assert_string_equal(reply, "two");
	free(reply);
	pair_close(&p);
}

/*
 * A client that sends request after request and never reads: the daemon
 * stops reading once the socket is full, instead of queueing every reply.
 */
static void client_that_never_reads_gets_no_more_output_queued(void **state)
{
	enum { frame = sizeof(size_t) + sizeof("show paths") };
	static char reqs[1000 * frame];
	const size_t size = 64u << 10;
	struct pair p = pair_open();
	char *big = malloc(size + 1);
	const char *line;
	int i, r, served = 0;

	assert_non_null(big);
	memset(big, 'b', size);
	big[size] = '\0';
	/* One write: a thousand small ones would fill the socket's buffer. */
	for (i = 0; i < 1000; i++) {
		size_t len = sizeof("show paths");

		memcpy(reqs + i * frame, &len, sizeof(len));
		memcpy(reqs + i * frame + sizeof(len), "show paths", len);
	}
	send_raw(p.peer, reqs, sizeof(reqs));
	while ((r = cli_conn_read(p.conn, &line)) == 1) {
		served++;
		assert_true(served < 1000);
		assert_int_equal(cli_conn_reply(p.conn, big), 0);
		assert_true(cli_conn_flush(p.conn) >= 0);
	}
	assert_int_equal(r, 0);
	assert_true(cli_conn_wants_write(p.conn));
	/* At most one reply is waiting in the daemon: the last one. */
	assert_true(p.conn->out_len - p.conn->out_off <= size + 1 + sizeof(size_t));
	print_message("served %d of 1000 before holding back\n", served);
	free(big);
	pair_close(&p);
}

static void request_arriving_one_byte_at_a_time(void **state)
{
	const char cmd[] = "fail path sdb";
	unsigned char frame[sizeof(size_t) + sizeof(cmd)];
	size_t len = sizeof(cmd), i;
	struct pair p = pair_open();
	const char *line = NULL;

	memcpy(frame, &len, sizeof(len));
	memcpy(frame + sizeof(len), cmd, sizeof(cmd));
	for (i = 0; i < sizeof(frame) - 1; i++) {
		send_raw(p.peer, frame + i, 1);
		assert_int_equal(cli_conn_read(p.conn, &line), 0);
	}
	send_raw(p.peer, frame + i, 1);
	assert_int_equal(cli_conn_read(p.conn, &line), 1);
	assert_string_equal(line, cmd);
	pair_close(&p);
}

static void largest_request_is_accepted(void **state)
{
	static char cmd[CLI_MAX_REQUEST];
	struct pair p = pair_open();
	const char *line;

	memset(cmd, 'x', sizeof(cmd) - 1);
	assert_int_equal(cli_send(p.peer, cmd), 0);
	assert_int_equal(cli_conn_read(p.conn, &line), 1);
	assert_int_equal(strlen(line), CLI_MAX_REQUEST - 1);
	pair_close(&p);
}

static void oversized_length_is_refused_before_the_payload(void **state)
{
	static const size_t lens[] = { CLI_MAX_REQUEST + 1, 1u << 20, SIZE_MAX };
	const char *line;
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct pair p = pair_open();

		send_len(p.peer, lens[i]);
		assert_int_equal(cli_conn_read(p.conn, &line), -EMSGSIZE);
		/* The connection stays dead: the caller is to close it. */
		send_raw(p.peer, "show paths", 11);
		assert_int_equal(cli_conn_read(p.conn, &line), -EMSGSIZE);
		pair_close(&p);
	}
}

static void malformed_payloads_are_refused(void **state)
{
	static const struct {
		size_t len;
		const char *bytes;
	} bad[] = {
		{ 0, "" },			/* no room for the NUL */
		{ 4, "show" },			/* no NUL */
		{ 6, "ab\0cd" },		/* a NUL inside */
		{ 1, "x" },
	};
	const char *line;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pair p = pair_open();

		send_len(p.peer, bad[i].len);
		if (bad[i].len)
			send_raw(p.peer, bad[i].bytes, bad[i].len);
		assert_int_equal(cli_conn_read(p.conn, &line), -EBADMSG);
		pair_close(&p);
	}
}

static void client_closing_ends_the_connection(void **state)
{
	struct pair p;
	const char *line;

	/* Between requests: the normal end of a session. */
	p = pair_open();
	close(p.peer);
	p.peer = -1;
	assert_int_equal(cli_conn_read(p.conn, &line), -ENOTCONN);
	pair_close(&p);

	/* Inside the length. */
	p = pair_open();
	send_raw(p.peer, "\x10\0", 2);
	close(p.peer);
	p.peer = -1;
	assert_int_equal(cli_conn_read(p.conn, &line), -ECONNRESET);
	pair_close(&p);

	/* Inside the payload. */
	p = pair_open();
	send_len(p.peer, 11);
	send_raw(p.peer, "show", 4);
	close(p.peer);
	p.peer = -1;
	assert_int_equal(cli_conn_read(p.conn, &line), -ECONNRESET);
	pair_close(&p);
}

static void silent_client_blocks_nobody(void **state)
{
	struct pair p = pair_open();
	const char *line;
	double start = test_now();
	int i;

	assert_true(fcntl(cli_conn_fd(p.conn), F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(cli_conn_fd(p.conn), F_GETFD) & FD_CLOEXEC);
	for (i = 0; i < 1000; i++)
		assert_int_equal(cli_conn_read(p.conn, &line), 0);
	/* Half a length, then silence: still no blocking. */
	send_raw(p.peer, "\x0b\0\0", 3);
	assert_int_equal(cli_conn_read(p.conn, &line), 0);
	assert_int_equal(cli_conn_read(p.conn, &line), 0);
	assert_true(test_now() - start < 1.0);
	pair_close(&p);
}

struct big_reader {
	int fd;
	int ret;
	char *msg;
};

static void *big_reader_main(void *arg)
{
	struct big_reader *br = arg;

	br->ret = cli_recv(br->fd, &br->msg, 10000);
	return NULL;
}

static void reply_larger_than_the_socket_buffer_is_flushed_in_parts(void **state)
{
	const size_t size = 8u << 20;
	struct pair p = pair_open();
	struct big_reader br = { .fd = p.peer };
	struct pollfd pfd = { .fd = cli_conn_fd(p.conn), .events = POLLOUT };
	pthread_t thread;
	char *big = malloc(size + 1);
	int r, partial = 0;

	assert_non_null(big);
	memset(big, 'p', size);
	big[size] = '\0';
	assert_int_equal(cli_conn_reply(p.conn, big), 0);
	/* Nobody reads yet: the first flush fills the buffer and returns 0. */
	assert_int_equal(cli_conn_flush(p.conn), 0);
	assert_true(cli_conn_wants_write(p.conn));
	assert_int_equal(pthread_create(&thread, NULL, big_reader_main, &br), 0);
	while ((r = cli_conn_flush(p.conn)) == 0) {
		partial++;
		assert_true(poll(&pfd, 1, 10000) == 1);
	}
	assert_int_equal(r, 1);
	assert_false(cli_conn_wants_write(p.conn));
	pthread_join(thread, NULL);
	assert_int_equal(br.ret, 0);
	assert_int_equal(strlen(br.msg), size);
	assert_memory_equal(br.msg, big, size);
	free(br.msg);
	free(big);
	pair_close(&p);
	print_message("flushed in %d more parts\n", partial + 1);
}

static void flush_to_a_vanished_client_fails(void **state)
{
	struct pair p = pair_open();

	assert_int_equal(cli_conn_reply(p.conn, "too late"), 0);
	close(p.peer);
	p.peer = -1;
	assert_int_equal(cli_conn_flush(p.conn), -EPIPE);
	pair_close(&p);
}

static void client_side_refuses_bad_replies(void **state)
{
	struct pair p = pair_open();
	double start;
	char *msg = NULL;

	/* Nothing comes: the timeout applies. */
	start = test_now();
	assert_int_equal(cli_recv(p.peer, &msg, 50), -ETIMEDOUT);
	assert_true(test_now() - start >= 0.045);
	/* A length over 64 MiB is refused without allocating it. */
	send_len(cli_conn_fd(p.conn), ((size_t)64 << 20) + 1);
	assert_int_equal(cli_recv(p.peer, &msg, 1000), -EMSGSIZE);
	pair_close(&p);

	/* The peer closing mid-reply. */
	p = pair_open();
	send_len(cli_conn_fd(p.conn), 10);
	send_raw(cli_conn_fd(p.conn), "abc", 3);
	cli_conn_free(p.conn);
	p.conn = NULL;
	assert_int_equal(cli_recv(p.peer, &msg, 1000), -ECONNRESET);
	close(p.peer);
}

static void peer_credentials_are_read_at_accept(void **state)
{
	struct pair p = pair_open();

	assert_int_equal(cli_conn_uid(p.conn), getuid());
	pair_close(&p);
}

/* --- socket names --------------------------------------------------------------- */

/* An abstract name unique to this process and call. */
static const char *unique_name(void)
{
	static char name[96];
	static int seq;

	snprintf(name, sizeof(name), "@/org/kernel/linux/storage/multipathd-test-cli-%d-%d",
		 (int)getpid(), ++seq);
	return name;
}

static int accept_one(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	if (poll(&pfd, 1, 5000) != 1)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static void abstract_name_listen_and_connect(void **state)
{
	const char *name = unique_name();
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	struct cli_conn *conn;
	const char *line;
	char *reply;
	int lfd, cfd;

	lfd = cli_listen(name);
	assert_true(lfd >= 0);
	assert_true(fcntl(lfd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(lfd, F_GETFD) & FD_CLOEXEC);
	/* The bound name is exactly the given one: no trailing NULs. */
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sun, &len), 0);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + strlen(name));
	assert_int_equal(sun.sun_path[0], '\0');
	assert_memory_equal(sun.sun_path + 1, name + 1, strlen(name) - 1);
	/* A second daemon on the same name is refused. */
	assert_int_equal(cli_listen(name), -EADDRINUSE);

	cfd = cli_connect(name);
	assert_true(cfd >= 0);
	conn = cli_conn_new(accept_one(lfd));
	assert_non_null(conn);
	assert_int_equal(cli_conn_uid(conn), getuid());
	assert_int_equal(cli_send(cfd, "list status"), 0);
	{
		struct pollfd pfd = { .fd = cli_conn_fd(conn), .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, 5000), 1);
	}
	assert_int_equal(cli_conn_read(conn, &line), 1);
	assert_string_equal(line, "list status");
	assert_int_equal(cli_conn_reply(conn, "running"), 0);
	assert_int_equal(cli_conn_flush(conn), 1);
	assert_int_equal(cli_recv(cfd, &reply, 5000), 0);
	assert_string_equal(reply, "running");
	free(reply);
	close(cfd);
	cli_conn_free(conn);
	close(lfd);
	/* Nobody listens any more. */
	assert_int_equal(cli_connect(name), -ECONNREFUSED);
}

static void filesystem_socket_replaces_only_a_stale_one(void **state)
{
	char dir[] = "/tmp/test-cli.XXXXXX", path[64];
	struct stat st;
	int lfd, lfd2, cfd, fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
	lfd = cli_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);
	/* Live: left alone. */
	assert_int_equal(cli_listen(path), -EADDRINUSE);
	cfd = cli_connect(path);
	assert_true(cfd >= 0);
	close(cfd);
	/* Stale (its daemon is gone): replaced. */
	close(lfd);
	lfd2 = cli_listen(path);
	assert_true(lfd2 >= 0);
	cfd = cli_connect(path);
	assert_true(cfd >= 0);
	close(cfd);
	close(lfd2);
	unlink(path);
	/* Not a socket: never removed. */
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cli_listen(path), -EADDRINUSE);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(path);
	rmdir(dir);
}

static void bad_socket_names_are_refused(void **state)
{
	char name[160];

	assert_int_equal(cli_listen(NULL), -EINVAL);
	assert_int_equal(cli_listen(""), -EINVAL);
	assert_int_equal(cli_listen("@"), -EINVAL);
	assert_int_equal(cli_connect("@"), -EINVAL);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	name[0] = '/';
	assert_int_equal(cli_listen(name), -ENAMETOOLONG);
	name[0] = '@';
	assert_int_equal(cli_connect(name), -ENAMETOOLONG);
	/* '@' and 107 bytes fill sun_path exactly: allowed. */
	name[sizeof(((struct sockaddr_un *)0)->sun_path)] = '\0';
	assert_int_equal(cli_connect(name), -ECONNREFUSED);
}

/* --- the client mode ---------------------------------------------------------- */

/*
 * A one-connection server: answers each request with "reply: <request>"
 * and records the requests. It asserts nothing (cmocka cannot fail a test
 * from another thread); the test checks what it recorded.
 */
struct server {
	int lfd;
	bool hang_up;		/* close after the first request, no reply */
	const char *reply;	/* this reply to every request, if set */
	pthread_t thread;
	int nreq;
	char reqs[8][64];
};

/*
 * Serve one connection until the client closes it: false when the server
 * should stop (hang_up, or the connection failed to start).
 */
static bool server_conn(struct server *s, int fd)
{
	struct cli_conn *conn = cli_conn_new(fd);
	struct pollfd pfd;
	const char *line;
	char reply[128];
	int r;

	if (!conn)
		return false;
	pfd.fd = cli_conn_fd(conn);
	for (;;) {
		pfd.events = cli_conn_wants_write(conn) ? POLLOUT : POLLIN;
		if (poll(&pfd, 1, 5000) != 1)
			break;
		if (cli_conn_wants_write(conn)) {
			if (cli_conn_flush(conn) < 0)
				break;
			continue;
		}
		r = cli_conn_read(conn, &line);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (s->nreq < 8)
			snprintf(s->reqs[s->nreq++], sizeof(s->reqs[0]), "%s", line);
		if (s->hang_up) {
			cli_conn_free(conn);
			return false;
		}
		/* "bad ..." is refused, as the daemon refuses bad commands. */
		snprintf(reply, sizeof(reply), "%s%s",
			 strncmp(line, "bad", 3) ? "reply: " : "fail\n", line);
		cli_conn_reply(conn, s->reply ? s->reply : reply);
	}
	cli_conn_free(conn);
	return true;
}

/* Connections one after the other, until none comes for a second. */
static void *server_main(void *arg)
{
	struct server *s = arg;
	struct pollfd pfd = { .fd = s->lfd, .events = POLLIN };
	int fd;

	while (poll(&pfd, 1, s->nreq ? 1000 : 5000) == 1) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 || !server_conn(s, fd))
			break;
	}
	return NULL;
}

static const char *server_start(struct server *s, bool hang_up)
{
	const char *name = unique_name();

	memset(s, 0, sizeof(*s));
	s->hang_up = hang_up;
	s->lfd = cli_listen(name);
	assert_true(s->lfd >= 0);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
	return name;
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

/* Redirect fd (1 or 2) into a pipe until capture_end(). */
struct capture {
	int fd, saved, rfd;
	char buf[4096];
};

static void capture_begin(struct capture *c, int fd)
{
	int p[2];

	fflush(stdout);
	fflush(stderr);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	c->fd = fd;
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_true(dup2(p[1], fd) == fd);
	close(p[1]);
	c->rfd = p[0];
}

static const char *capture_end(struct capture *c)
{
	size_t got = 0;
	ssize_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	while (got < sizeof(c->buf) - 1 &&
	       (n = read(c->rfd, c->buf + got, sizeof(c->buf) - 1 - got)) > 0)
		got += n;
	c->buf[got] = '\0';
	close(c->rfd);
	return c->buf;
}

static void client_sends_argv_as_one_command_and_prints_the_reply(void **state)
{
	char *argv[] = { "show", "paths", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	capture_begin(&out, STDOUT_FILENO);
	ret = cli_client_main(name, 2, argv, false);
	capture_end(&out);
	server_stop(&s);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nreq, 1);
	assert_string_equal(s.reqs[0], "show paths");
	/* A reply without a final newline gets one. */
	assert_string_equal(out.buf, "reply: show paths\n");
}

/* A word with blanks goes in quotes, as upstream's client sends it. */
static void client_quotes_a_word_with_blanks(void **state)
{
	char *argv[] = { "show", "paths", "raw", "format", "%d %T", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	struct cli_request req;
	char err[256] = "";
	int ret;

	capture_begin(&out, STDOUT_FILENO);
	ret = cli_client_main(name, 5, argv, false);
	capture_end(&out);
	server_stop(&s);
	assert_int_equal(ret, 0);
	assert_string_equal(s.reqs[0], "show paths raw format \"%d %T\"");
	/* ... and the daemon's parser takes it back whole. */
	assert_int_equal(cli_parse(s.reqs[0], &req, err, sizeof(err)), 0);
	assert_string_equal(req.fmt, "%d %T");
}

/* Upstream's bare "fail" (no reason) is a refusal too, and says so. */
static void client_exits_1_on_a_bare_fail(void **state)
{
	char *argv[] = { "resize", "map", "x", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	s.reply = "fail\n";
	capture_begin(&out, STDOUT_FILENO);
	ret = cli_client_main(name, 3, argv, false);
	capture_end(&out);
	server_stop(&s);
	assert_int_equal(ret, 1);
	assert_string_equal(out.buf, "fail\n");
}

static void client_exits_1_when_the_command_is_refused(void **state)
{
	char *argv[] = { "bad", "command", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	capture_begin(&out, STDOUT_FILENO);
	ret = cli_client_main(name, 2, argv, false);
	capture_end(&out);
	server_stop(&s);
	assert_int_equal(ret, 1);
	/* The reason is still shown, without upstream's "fail" line. */
	assert_string_equal(out.buf, "bad command\n");
}

static void client_without_a_daemon_says_so_and_fails(void **state)
{
	char *argv[] = { "show", "status", NULL };
	const char *name = unique_name();
	struct capture err;
	int ret;

	capture_begin(&err, STDERR_FILENO);
	ret = cli_client_main(name, 2, argv, false);
	capture_end(&err);
	assert_int_equal(ret, 1);
	assert_non_null(strstr(err.buf, "multipathd is not running?"));
	assert_non_null(strstr(err.buf, name));
}

static void client_fails_when_the_daemon_hangs_up(void **state)
{
	char *argv[] = { "shutdown", NULL };
	struct capture err;
	struct server s;
	const char *name = server_start(&s, true);
	int ret;

	capture_begin(&err, STDERR_FILENO);
	ret = cli_client_main(name, 1, argv, false);
	capture_end(&err);
	server_stop(&s);
	assert_int_equal(ret, 1);
	assert_non_null(strstr(err.buf, "no reply"));
}

static void client_refuses_what_cannot_be_a_request(void **state)
{
	static char word[CLI_MAX_REQUEST + 1];
	char *argv[] = { "show", word, NULL };
	struct capture err;
	int ret;

	memset(word, 'w', sizeof(word) - 1);
	capture_begin(&err, STDERR_FILENO);
	ret = cli_client_main("@unused", 2, argv, false);
	capture_end(&err);
	assert_int_equal(ret, 1);
	assert_non_null(strstr(err.buf, "command too long"));

	capture_begin(&err, STDERR_FILENO);
	ret = cli_client_main("@unused", 0, argv, false);
	capture_end(&err);
	assert_int_equal(ret, 1);
	assert_non_null(strstr(err.buf, "no command"));
}

/*
 * Run the interactive client on name with input as its stdin (a pipe) and
 * its stdout captured in *out; returns its exit status.
 */
static int run_prompt(const char *name, const char *input, struct capture *out)
{
	size_t len = strlen(input);
	int p[2], saved_in, ret;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], input, len), (ssize_t)len);
	close(p[1]);
	saved_in = dup(STDIN_FILENO);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	capture_begin(out, STDOUT_FILENO);
	ret = cli_client_main(name, 0, NULL, true);
	capture_end(out);
	/* Forget what stdio read ahead from the pipe, then restore stdin. */
	__fpurge(stdin);
	clearerr(stdin);
	dup2(saved_in, STDIN_FILENO);
	close(saved_in);
	return ret;
}

static void interactive_prompt_runs_commands_until_quit(void **state)
{
	const char input[] = "show paths\n\n   show STATUS  \nQuit\nshow config\n";
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	ret = run_prompt(name, input, &out);
	server_stop(&s);

	assert_int_equal(ret, 0);
	assert_int_equal(s.nreq, 2);
	assert_string_equal(s.reqs[0], "show paths");
	assert_string_equal(s.reqs[1], "show STATUS");
	assert_string_equal(out.buf,
			    "multipathd> reply: show paths\n"
			    "multipathd> "
			    "multipathd> reply: show STATUS\n"
			    "multipathd> ");
}

static void interactive_ends_at_eof(void **state)
{
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	ret = run_prompt(name, "show checkers", &out);	/* no newline */
	server_stop(&s);

	assert_int_equal(ret, 0);
	assert_int_equal(s.nreq, 1);
	assert_string_equal(s.reqs[0], "show checkers");
	assert_string_equal(out.buf, "multipathd> reply: show checkers\nmultipathd> ");
}

static void interactive_with_a_command_runs_just_that(void **state)
{
	char *argv[] = { "reconfigure", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	capture_begin(&out, STDOUT_FILENO);
	ret = cli_client_main(name, 1, argv, true);
	capture_end(&out);
	server_stop(&s);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nreq, 1);
	assert_string_equal(out.buf, "reply: reconfigure\n");
}

static void client_shows_control_characters_as_question_marks(void **state)
{
	char *argv[] = { "show", "paths", NULL };
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);

	/* A title change, a bell, a C1 CSI, DEL; tab, newline and UTF-8 pass. */
	s.reply = "a\x1b]0;owned\x07" "b\tc\xc2\x9b" "2Jd\x7f\xc3\xa9\n";
	capture_begin(&out, STDOUT_FILENO);
	assert_int_equal(cli_client_main(name, 2, argv, false), 0);
	capture_end(&out);
	server_stop(&s);
	assert_string_equal(out.buf, "a?]0;owned?b\tc?2Jd?\xc3\xa9\n");
}

static void interactive_exits_1_when_a_command_was_refused(void **state)
{
	const char input[] = "show paths\nbad command\nshow status\n";
	struct capture out;
	struct server s;
	const char *name = server_start(&s, false);
	int ret;

	ret = run_prompt(name, input, &out);
	server_stop(&s);
	assert_int_equal(s.nreq, 3);	/* it went on after the refusal */
	assert_int_equal(ret, 1);
}

/*
 * Someone else holds the name (a user who bound it before the daemon
 * started): root's client sends nothing to it and says who it is.
 */
static void client_refuses_a_socket_not_held_by_root(void **state)
{
	char *argv[] = { "shutdown", NULL };
	const char *name = unique_name();
	int sync[2], lfd, status, ret;
	struct capture err;
	char c;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(sync), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The impostor: nobody, listening, reading one request. */
		struct pollfd pfd;
		char buf[64];
		int fd, n = 0;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		lfd = cli_listen(name);
		if (lfd < 0)
			_exit(3);
		c = 'r';
		if (write(sync[1], &c, 1) != 1)
			_exit(4);
		pfd = (struct pollfd){ .fd = lfd, .events = POLLIN };
		if (poll(&pfd, 1, 5000) != 1)
			_exit(5);
		fd = accept(lfd, NULL, NULL);
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, 1000) == 1)
			n = read(fd, buf, sizeof(buf));
		/* Exit status: how many bytes the client sent it. */
		_exit(n > 0 ? 10 : 0);
	}
	close(sync[1]);
	assert_int_equal(read(sync[0], &c, 1), 1);
	close(sync[0]);
	capture_begin(&err, STDERR_FILENO);
	ret = cli_client_main(name, 1, argv, false);
	capture_end(&err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(ret, 1);
	assert_non_null(strstr(err.buf, "refusing to talk to"));
	assert_non_null(strstr(err.buf, "of uid 65534, not by root's multipathd"));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);	/* it got nothing */
}

/* A daemon that never accepts, its backlog full: connect() gives up. */
static void connect_gives_up_when_the_backlog_stays_full(void **state)
{
	const char *name = unique_name();
	struct sockaddr_un sun;
	socklen_t len;
	int lfd, fds[8], n = 0, fd;
	double t0;

	assert_int_equal(cli_addr(name, &sun, &len), 0);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(listen(lfd, 0), 0);
	/* Fill the backlog. */
	while (n < 8) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (connect(fds[n], (struct sockaddr *)&sun, len) < 0) {
			close(fds[n]);
			break;
		}
		n++;
	}
	assert_true(n >= 1);
	t0 = test_now();
	fd = cli_connect_timeout(name, 300);
	assert_int_equal(fd, -ETIMEDOUT);
	assert_true(test_now() - t0 >= 0.29);
	assert_true(test_now() - t0 < 3);
	while (n--)
		close(fds[n]);
	close(lfd);
}

/*
 * "MAJ:MIN", as device-mapper writes DM_PATH and as a command names a
 * device, is the only form taken; anything else is no device at all, never
 * a wrong one. (The events themselves are tested on a real kernel.)
 */
static void maj_min_is_read_strictly(void **state)
{
	static const struct { const char *s; dev_t want; } cases[] = {
		{ "8:16", 0 }, { "253:0", 0 }, { "65:240", 0 },
		{ "", 0 }, { NULL, 0 }, { "8", 0 }, { "8:", 0 }, { ":16", 0 },
		{ "8:16 ", 0 }, { " 8:16", 0 }, { "8:16x", 0 }, { "-8:16", 0 },
		{ "8:-16", 0 }, { "sdb", 0 }, { "8:16:1", 0 },
		{ "99999999999:1", 0 },
	};
	unsigned int i;

	assert_int_equal(cli_parse_devt("8:16"), makedev(8, 16));
	assert_int_equal(cli_parse_devt("253:0"), makedev(253, 0));
	assert_int_equal(cli_parse_devt("65:240"), makedev(65, 240));
	assert_int_equal(cli_parse_devt("4095:1048575"), makedev(4095, 1048575));
	assert_int_equal(cli_parse_devt("4096:0"), 0);
	assert_int_equal(cli_parse_devt("8:1048576"), 0);
	for (i = 3; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cli_parse_devt(cases[i].s) != 0)
			fail_msg("\"%s\" was taken for a device",
				 cases[i].s ? cases[i].s : "(null)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_commands_parse),
		cmocka_unit_test(format_commands_parse),
		cmocka_unit_test(map_management_names_what_was_asked),
		cmocka_unit_test(malformed_commands_fail_with_their_reason),
		cmocka_unit_test(length_limit_is_exact),
		cmocka_unit_test(parse_tolerates_any_error_buffer),
		cmocka_unit_test(only_changes_need_root),
		cmocka_unit_test(maj_min_is_read_strictly),
		cmocka_unit_test(request_and_reply_round_trip),
		cmocka_unit_test(pipelined_requests_wait_for_the_previous_reply),
		cmocka_unit_test(client_that_never_reads_gets_no_more_output_queued),
		cmocka_unit_test(request_arriving_one_byte_at_a_time),
		cmocka_unit_test(largest_request_is_accepted),
		cmocka_unit_test(oversized_length_is_refused_before_the_payload),
		cmocka_unit_test(malformed_payloads_are_refused),
		cmocka_unit_test(client_closing_ends_the_connection),
		cmocka_unit_test(silent_client_blocks_nobody),
		cmocka_unit_test(reply_larger_than_the_socket_buffer_is_flushed_in_parts),
		cmocka_unit_test(flush_to_a_vanished_client_fails),
		cmocka_unit_test(client_side_refuses_bad_replies),
		cmocka_unit_test(peer_credentials_are_read_at_accept),
		cmocka_unit_test(abstract_name_listen_and_connect),
		cmocka_unit_test(filesystem_socket_replaces_only_a_stale_one),
		cmocka_unit_test(bad_socket_names_are_refused),
		cmocka_unit_test(client_sends_argv_as_one_command_and_prints_the_reply),
		cmocka_unit_test(client_exits_1_when_the_command_is_refused),
		cmocka_unit_test(client_quotes_a_word_with_blanks),
		cmocka_unit_test(client_exits_1_on_a_bare_fail),
		cmocka_unit_test(client_without_a_daemon_says_so_and_fails),
		cmocka_unit_test(client_fails_when_the_daemon_hangs_up),
		cmocka_unit_test(client_refuses_what_cannot_be_a_request),
		cmocka_unit_test(interactive_prompt_runs_commands_until_quit),
		cmocka_unit_test(interactive_ends_at_eof),
		cmocka_unit_test(interactive_with_a_command_runs_just_that),
		cmocka_unit_test(client_shows_control_characters_as_question_marks),
		cmocka_unit_test(interactive_exits_1_when_a_command_was_refused),
		cmocka_unit_test(client_refuses_a_socket_not_held_by_root),
		cmocka_unit_test(connect_gives_up_when_the_backlog_stays_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
