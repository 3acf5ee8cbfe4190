// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pipe.c - libcheckpipe.so, a test plugin with a plain blocking check and
 * no threads of its own, so asynchronous checks of it go through the
 * executor. The check reads one byte from the checker's fd (the test gives
 * it a pipe): 'u' means up, 'd' down, 'g' ghost; until a byte arrives the
 * check hangs, which is how tests make a check hang and then release it.
 * 'p', 'n', 'r' and 'l' return PATH_PENDING, PATH_UNCHECKED, PATH_REMOVED
 * and PATH_DELAYED: states this plugin may not return (it has no
 * libcheck_pending to deliver a result later, and the others are the
 * framework's and the daemon's), so that tests can see them contained.
 */
#include <stdlib.h>
#include <unistd.h>

#include "checkers.h"

enum {
	MSG_READ_FAILED = CHECKER_FIRST_MSGID,
	MSG_UP,
	MSG_DOWN,
	MSG_UNKNOWN,
};

const char *libcheck_msgtable[] = {
	[MSG_READ_FAILED - CHECKER_FIRST_MSGID] = "pipe closed or unreadable",
	[MSG_UP - CHECKER_FIRST_MSGID] = "pipe says up",
	[MSG_DOWN - CHECKER_FIRST_MSGID] = "pipe says down",
	[MSG_UNKNOWN - CHECKER_FIRST_MSGID] = "pipe says something unknown",
	NULL,
};

/* A context of its own, so that leaks and double frees would show. */
struct pipe_ctx {
	unsigned long checks;
};

int libcheck_init(struct checker *c)
{
	c->context = calloc(1, sizeof(struct pipe_ctx));
	return c->context ? 0 : 1;
}

void libcheck_free(struct checker *c)
{
	free(c->context);
	c->context = NULL;
}

int libcheck_check(struct checker *c)
{
	struct pipe_ctx *ctx = c->context;
	char ch;

	ctx->checks++;
	if (read(c->fd, &ch, 1) != 1) {
		c->msgid = MSG_READ_FAILED;
		return PATH_DOWN;
	}
	switch (ch) {
	case 'u':
		c->msgid = MSG_UP;
		return PATH_UP;
	case 'd':
		c->msgid = MSG_DOWN;
		return PATH_DOWN;
	case 'g':
		c->msgid = CHECKER_MSGID_GHOST;
		return PATH_GHOST;
	case 'p':
		return PATH_PENDING;
	case 'n':
		return PATH_UNCHECKED;
	case 'r':
		return PATH_REMOVED;
	case 'l':
		return PATH_DELAYED;
	default:
		c->msgid = MSG_UNKNOWN;
		return PATH_WILD;
	}
}
