// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msgfull.c - test plugin libcheckmsgfull.so: a message table of the most
 * entries the contract allows, 100, followed by its NULL terminator. Every
 * entry must be usable, and nothing is wrong with it.
 */
#include "checkers.h"
#include "msgtable100.h"

const char *libcheck_msgtable[CHECKER_MSGTABLE_SIZE + 1] = {
	MSGTABLE_100_TEXTS,
	NULL,
};

int libcheck_init(struct checker *c)
{
	c->context = NULL;
	return 0;
}

void libcheck_free(struct checker *c)
{
	c->context = NULL;
}

/* Reports the table's last message. */
int libcheck_check(struct checker *c)
{
	c->msgid = CHECKER_FIRST_MSGID + CHECKER_MSGTABLE_SIZE - 1;
	return PATH_UP;
}
