// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nosym.c - test plugin libchecknosym.so: a well-formed shared object that
 * lacks the required libcheck_check. Loading it must fail, be logged once
 * with the file and the missing symbol, and leave no plugin behind.
 */
#include <stdlib.h>

#include "checkers.h"

int libcheck_init(struct checker *c)
{
	c->context = NULL;
	return 0;
}

void libcheck_free(struct checker *c)
{
	c->context = NULL;
}
