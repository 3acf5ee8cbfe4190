// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-thread.c - benchmark plugin that is asynchronous the upstream way:
 * each check starts a thread with start_checker_thread() (thread per
 * check, as upstream's tur does) and libcheck_pending() collects its result.
 * Built with BLOCK_US=0 and BLOCK_US=1000, like bench-exec.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "checkers.h"

#ifndef BLOCK_US
#error "build with -DBLOCK_US=<microseconds>"
#endif

/* Shared by the checker and its thread; the last of the two frees it. */
struct bench_ctx {
	struct checker_context ctx;
	int refs;		/* __atomic */
	int result;		/* __atomic: PATH_PENDING while running */
};

static void ctx_put(struct bench_ctx *bc)
{
	if (__atomic_sub_fetch(&bc->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(bc);
}

int libcheck_init(struct checker *c)
{
	struct bench_ctx *bc = calloc(1, sizeof(*bc));

	if (!bc)
		return 1;
	bc->ctx.cls = c->cls;
	bc->refs = 1;
	c->context = bc;
	return 0;
}

void libcheck_free(struct checker *c)
{
	ctx_put(c->context);
}

void *libcheck_thread(struct checker_context *ctx)
{
	struct bench_ctx *bc = (struct bench_ctx *)ctx;

	if (BLOCK_US) {
		struct timespec ts = { 0, BLOCK_US * 1000L };

		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&bc->result, PATH_UP, __ATOMIC_RELEASE);
	ctx_put(bc);
	return NULL;
}

int libcheck_check(struct checker *c)
{
	struct bench_ctx *bc = c->context;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	__atomic_store_n(&bc->result, PATH_PENDING, __ATOMIC_RELAXED);
	__atomic_add_fetch(&bc->refs, 1, __ATOMIC_RELAXED);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	err = start_checker_thread(&t, &attr, &bc->ctx);
	pthread_attr_destroy(&attr);
	if (err) {
		ctx_put(bc);
		return PATH_DOWN;
	}
	return PATH_PENDING;
}

int libcheck_pending(struct checker *c)
{
	struct bench_ctx *bc = c->context;

	return __atomic_load_n(&bc->result, __ATOMIC_ACQUIRE);
}
