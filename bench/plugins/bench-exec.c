// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-exec.c - benchmark plugin with a plain blocking check and no
 * threads of its own: the framework runs it on its executor. Built twice:
 * BLOCK_US=0 (the check returns at once) and BLOCK_US=1000 (it blocks for
 * 1 ms, like a quick SCSI command).
 */
#include <stdlib.h>
#include <time.h>

#include "checkers.h"

#ifndef BLOCK_US
#error "build with -DBLOCK_US=<microseconds>"
#endif

int libcheck_init(struct checker *c)
{
	return 0;
}

void libcheck_free(struct checker *c)
{
}

int libcheck_check(struct checker *c)
{
	if (BLOCK_US) {
		struct timespec ts = { 0, BLOCK_US * 1000L };

		nanosleep(&ts, NULL);
	}
	return PATH_UP;
}
