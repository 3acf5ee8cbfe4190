// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * origin.c - test plugin libcheckorigin.so, linked against a helper library
 * (helper/mpathtesthelper.c) with a RUNPATH of $ORIGIN, as vendors ship
 * them: it loads only if the dynamic loader resolves $ORIGIN to the
 * directory the plugin was loaded from. Its check returns the helper's
 * answer (PATH_GHOST), with a message saying so.
 */
#include <stddef.h>

#include "checkers.h"

int mpath_test_helper_state(void);	/* in libmpathtesthelper.so */

#define MSG_FROM_HELPER CHECKER_FIRST_MSGID

const char *libcheck_msgtable[] = {
	[MSG_FROM_HELPER - CHECKER_FIRST_MSGID] = "answered by the helper library",
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

int libcheck_check(struct checker *c)
{
	c->msgid = MSG_FROM_HELPER;
	return mpath_test_helper_state();
}
