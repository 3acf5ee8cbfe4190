// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-hang.c - benchmark plugin whose check never returns, like a TUR
 * sent to a dead array: the executor times it out and writes its worker
 * off. Used by the shutdown benchmark (bench/bench-daemon.c).
 */
#include <unistd.h>

#include "checkers.h"

int libcheck_init(struct checker *c)
{
	return 0;
}

void libcheck_free(struct checker *c)
{
}

int libcheck_check(struct checker *c)
{
	for (;;)
		sleep(3600);
	return PATH_DOWN;
}
