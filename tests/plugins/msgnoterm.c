// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msgnoterm.c - test plugin libcheckmsgnoterm.so: a message table of
 * exactly 100 entries and no NULL terminator, so the object ends right
 * after the 100th pointer. The loader must not read past it (the ASan
 * build reports a global-buffer-overflow if it does), and must say that
 * the table is not terminated.
 */
#include "checkers.h"
#include "msgtable100.h"

const char *libcheck_msgtable[CHECKER_MSGTABLE_SIZE] = {
	MSGTABLE_100_TEXTS,
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
