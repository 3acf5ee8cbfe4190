// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli-client.c - multipathd as its own client: "multipathd show paths"
 * sends one command and prints the reply; "multipathd -k" reads commands
 * at a prompt. Runs in a short-lived process of its own, so errors go
 * straight to stderr rather than through the daemon's log.
 *
 * Called by: main.c (the client mode).
 * Calls: cli.c (the connection and the wire format).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

/*
 * How long to wait for a reply. The daemon answers from a snapshot and
 * never makes a reader wait for checks, so this only has to outlast a
 * very large "show paths" or a reconfigure.
 */
#define CLI_CLIENT_TIMEOUT_MS	60000

#define CLI_PROMPT	"multipathd> "

/*
 * Print a reply. Control characters other than newline and tab are
 * shown as '?': a reply must not drive the terminal (escape sequences can
 * retitle it, rewrite what is on screen, or worse), whoever sent it.
 * Multi-byte UTF-8 passes; its C1 controls (U+0080..U+009F) do not.
 */
static void cli_print_reply(const char *reply)
{
	const unsigned char *p = (const unsigned char *)reply;
	size_t len = strlen(reply);

	for (; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
			putchar('?');
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar('?');
			p++;
		} else {
			putchar(*p);
		}
	}
	if (len && reply[len - 1] != '\n')
		putchar('\n');
	fflush(stdout);
}

/*
 * One request and its reply on an open connection: 0 or -errno. *refused
 * (may be NULL) tells whether the daemon refused the command.
 */
static int cli_exchange(int fd, const char *cmd, bool *refused)
{
	char *reply;
	int r;

	r = cli_send_timeout(fd, cmd, CLI_CLIENT_TIMEOUT_MS);
	if (!r)
		r = cli_recv(fd, &reply, CLI_CLIENT_TIMEOUT_MS);
	if (r)
		return r;
	/*
	 * Upstream's convention: "fail\n", then the reason. The reason is
	 * what a person needs to read; "fail" alone when there is none.
	 */
	if (strncmp(reply, CLI_REPLY_FAIL, strlen(CLI_REPLY_FAIL)) == 0) {
		if (refused)
			*refused = true;
		cli_print_reply(reply[strlen(CLI_REPLY_FAIL)] ?
				reply + strlen(CLI_REPLY_FAIL) : "fail\n");
	} else {
		cli_print_reply(reply);
	}
	free(reply);
	return 0;
}

/*
 * Connect, and make sure the other end is the daemon before saying
 * anything: any user can bind the socket's name before multipathd starts
 * (an abstract name has no owner or mode), and root's "shutdown" or "fail
 * path" must not go to an impostor. The daemon runs as root; a user's own
 * daemon (uid = ours) is trusted by that user alone.
 */
static int cli_client_connect(const char *socket_name)
{
	int fd = cli_connect(socket_name), r;
	uid_t uid;
	pid_t pid;

	if (fd < 0) {
		fprintf(stderr,
			"multipathd: cannot connect to %s: %s\n", socket_name,
			fd == -ETIMEDOUT ?
			"timed out: the daemon does not accept connections" :
			fd == -ECONNREFUSED || fd == -ENOENT ?
			"nobody listens (multipathd is not running?)" :
			strerror(-fd));
		return fd;
	}
	r = cli_peer(fd, &pid, &uid);
	if (r) {
		fprintf(stderr, "multipathd: %s: cannot tell who listens: %s\n",
			socket_name, strerror(-r));
		close(fd);
		return r;
	}
	if (uid != 0 && uid != geteuid()) {
		fprintf(stderr, "multipathd: refusing to talk to %s: it is held by pid %d of uid %u, not by root's multipathd\n",
			socket_name, (int)pid, (unsigned int)uid);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/*
 * argv joined by single spaces, a word with blanks in double quotes (a
 * format such as "%d %T", as upstream's client sends it); NULL when it
 * would not fit a request.
 */
static char *cli_join(int argc, char **argv)
{
	size_t len = 0;
	char *cmd;
	int i;

	/* Each word, its separator (or the NUL), and its quotes if any. */
	for (i = 0; i < argc; i++) {
		len += strlen(argv[i]) + 1 + (strpbrk(argv[i], " \t") ? 2 : 0);
		if (len > CLI_MAX_REQUEST)
			return NULL;
	}
	cmd = calloc(1, len ? len : 1);
	if (!cmd)
		return NULL;
	for (i = 0; i < argc; i++) {
		bool quote = strpbrk(argv[i], " \t") != NULL;

		if (i)
			strcat(cmd, " ");
		if (quote)
			strcat(cmd, "\"");
		strcat(cmd, argv[i]);
		if (quote)
			strcat(cmd, "\"");
	}
	return cmd;
}

static int cli_one_shot(const char *socket_name, int argc, char **argv)
{
	bool refused = false;
	char *cmd;
	int fd, r;

	if (argc < 1) {
		fprintf(stderr, "multipathd: no command given\n");
		return 1;
	}
	cmd = cli_join(argc, argv);
	if (!cmd) {
		fprintf(stderr, "multipathd: command too long (at most %d bytes)\n",
			CLI_MAX_REQUEST - 1);
		return 1;
	}
	fd = cli_client_connect(socket_name);
	if (fd < 0) {
		free(cmd);
		return 1;
	}
	r = cli_exchange(fd, cmd, &refused);
	if (r)
		fprintf(stderr, "multipathd: no reply from %s: %s\n",
			socket_name, strerror(-r));
	close(fd);
	free(cmd);
	/* Scripts can tell a refused command ("fail\n...") from success. */
	return r || refused ? 1 : 0;
}

/* Trim blank space at both ends, in place. */
static char *cli_trim(char *s)
{
	size_t len;

	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		s[--len] = '\0';
	return s;
}

/*
 * The prompt connects for each command: the daemon closes a connection
 * that sends nothing for a few seconds (clients.c), and a person at a
 * prompt is slower than that. So the prompt also outlives a restart of
 * the daemon. The exit status is 1 if any command was refused or got no
 * reply, as for one command given on the command line.
 */
static int cli_interactive(const char *socket_name)
{
	char *buf = NULL, *cmd;
	bool refused, failed = false;
	size_t cap = 0;
	int fd, r;

	for (;;) {
		fputs(CLI_PROMPT, stdout);
		fflush(stdout);
		if (getline(&buf, &cap, stdin) < 0)
			break;
		cmd = cli_trim(buf);
		if (!*cmd)
			continue;
		if (!strcasecmp(cmd, "quit") || !strcasecmp(cmd, "exit"))
			break;
		if (strlen(cmd) >= CLI_MAX_REQUEST) {
			fprintf(stderr, "command too long (at most %d bytes)\n",
				CLI_MAX_REQUEST - 1);
			failed = true;
			continue;
		}
		fd = cli_client_connect(socket_name);
		if (fd < 0) {
			failed = true;
			continue;
		}
		refused = false;
		r = cli_exchange(fd, cmd, &refused);
		if (r)
			fprintf(stderr, "no reply from %s: %s\n", socket_name,
				strerror(-r));
		failed |= r || refused;
		close(fd);
	}
	/* End the prompt's line on EOF, so the shell's starts on its own. */
	if (feof(stdin) && isatty(STDIN_FILENO))
		putchar('\n');
	fflush(stdout);
	free(buf);
	return failed ? 1 : 0;
}

int cli_client_main(const char *socket_name, int argc, char **argv,
		    bool interactive)
{
	/* "-k CMD" runs CMD, as the upstream client's -k"CMD" does. */
	if (interactive && argc == 0)
		return cli_interactive(socket_name);
	return cli_one_shot(socket_name, argc, argv);
}
