/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - multipathd's command socket: the wire format, the command parser,
 * and non-blocking connections for the daemon's epoll loop.
 *
 * Wire format, compatible with existing multipathd clients: a native size_t
 * length, then that many bytes holding a NUL-terminated string. A request
 * is a command line; the reply is framed the same way.
 */
#ifndef MPATHD_CLI_H
#define MPATHD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CLI_MAX_REQUEST	4096		/* longer requests are refused */

/*
 * Replies follow upstream multipathd's convention, which its clients (and
 * scripts) test: a command that did what it was asked answers "ok\n" or
 * its output; a refused one answers "fail\n" and then the reason.
 */
#define CLI_REPLY_OK	"ok\n"
#define CLI_REPLY_FAIL	"fail\n"

/* CLI_SHUTDOWN stays last: the fuzzer checks the range. */
enum cli_cmd {
	CLI_SHOW_PATHS,
	CLI_SHOW_PATHS_JSON,
	CLI_SHOW_MAPS,
	CLI_SHOW_MAPS_JSON,
	CLI_SHOW_CHECKERS,
	CLI_SHOW_STATUS,
	CLI_SHOW_CONFIG,
	CLI_FAIL_PATH,
	CLI_REINSTATE_PATH,
	CLI_RECONFIGURE,
	CLI_SHOW_PATHS_FMT,		/* show paths [raw] format FMT */
	CLI_SHOW_MAPS_FMT,		/* show maps raw, show maps [raw] format FMT */
	CLI_SHOW_PATH,			/* show path DEV */
	CLI_SHOW_MAP_JSON,		/* show map MAP json */
	CLI_SHOW_TOPOLOGY,
	CLI_SHOW_DAEMON,
	CLI_SHOW_WILDCARDS,
	CLI_ADD_PATH,
	CLI_DEL_PATH,
	CLI_QUIT,			/* quit, exit: nothing to do */
	CLI_MAP_MGMT,			/* map management we do not do */
	CLI_SHUTDOWN,
};

#define CLI_MAX_FORMAT	256		/* longest format string, with NUL */

struct cli_request {
	enum cli_cmd cmd;
	char arg[64];			/* the device, or map name; else "" */
	bool raw;			/* no header, no column padding */
	char fmt[CLI_MAX_FORMAT];	/* "format FMT"; "" none */
	char verb[24];			/* CLI_MAP_MGMT: what was asked */
};

/*
 * cli_parse - parse one command line (case-insensitive keywords, any
 * amount of blank space; "list" accepted as a synonym of "show", as
 * upstream clients send; a word in double quotes may hold blanks, as
 * upstream's client quotes a format such as "%d %T"). Returns 0, or -EINVAL with a one-line reason in
 * err (for the error reply).
 */
int cli_parse(const char *line, struct cli_request *req, char *err,
	      size_t errlen);

/*
 * cli_parse_devt - "MAJ:MIN" (decimal digits only, within the kernel's 12
 * and 20 bits) as a device number; 0 when s is anything else (a name, a
 * sign, a blank, NULL). For a command's DEV and a uevent's DM_PATH alike.
 */
dev_t cli_parse_devt(const char *s);

/* cli_needs_root - does the command change anything? */
bool cli_needs_root(enum cli_cmd cmd);

/* The socket name: "@name" is abstract; anything else a path. */
int cli_listen(const char *name);	/* fd (non-blocking, CLOEXEC) or -errno */
/*
 * cli_connect - connect to the daemon, waiting at most CLI_CONNECT_TIMEOUT_MS
 * for room in its backlog: a non-blocking fd for the calls below, or
 * -ETIMEDOUT or another -errno.
 */
#define CLI_CONNECT_TIMEOUT_MS	10000
int cli_connect(const char *name);
int cli_connect_timeout(const char *name, int timeout_ms);

/* cli_peer - who is at the other end of fd (SO_PEERCRED): 0 or -errno. */
int cli_peer(int fd, pid_t *pid, uid_t *uid);

/* Framed I/O for the client side, with deadlines; 0 or -errno. */
int cli_send(int fd, const char *msg);		/* no deadline */
int cli_send_timeout(int fd, const char *msg, int timeout_ms);
int cli_recv(int fd, char **msg, int timeout_ms);	/* malloc()ed */

/*
 * One server-side connection, driven by the daemon's epoll loop: reads and
 * writes never block, so a client that sends nothing, or reads slowly,
 * stalls nobody.
 */
struct cli_conn;
struct cli_conn *cli_conn_new(int fd);		/* takes the fd */
void cli_conn_free(struct cli_conn *conn);	/* closes it */
int cli_conn_fd(const struct cli_conn *conn);
uid_t cli_conn_uid(const struct cli_conn *conn);	/* SO_PEERCRED at accept */
/*
 * cli_conn_read - read what is available. Returns 1 with *line set (owned
 * by conn, valid until the next call) when a whole request arrived, 0 when
 * more is needed, -errno when the connection is done or broken (EOF,
 * oversized request: close it).
 */
int cli_conn_read(struct cli_conn *conn, const char **line);
/* Queue a reply; then cli_conn_flush() until it returns 1 (all sent). */
int cli_conn_reply(struct cli_conn *conn, const char *msg);
int cli_conn_flush(struct cli_conn *conn);	/* 1 done, 0 more, -errno */
bool cli_conn_wants_write(const struct cli_conn *conn);
size_t cli_conn_pending(const struct cli_conn *conn);	/* bytes queued */

/*
 * cli_client_main - "multipathd show paths", "multipathd -k": send argv as
 * one command (or read commands at a prompt when interactive) and print the
 * replies. Returns the process exit status.
 */
int cli_client_main(const char *socket_name, int argc, char **argv,
		    bool interactive);

#endif /* MPATHD_CLI_H */
