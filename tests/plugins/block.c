// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * block.c - test plugin libcheckblock.so. Each check starts a detached
 * thread that blocks in read(2) on the path's fd until the test writes a
 * byte into the other end of its pipe (or closes it). The tests use it to
 * keep a thread inside plugin code for as long as they like, and to prove
 * that the plugin stays mapped until that thread has left it, whatever
 * happens to the struct checker and to the registry meanwhile.
 *
 * It is written the way a real asynchronous checker (tur) must be: the
 * context is shared by the checker and its threads and refcounted, because
 * the path may be removed (libcheck_free) while a thread still runs.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "checkers.h"

#define MSGID_NO_THREAD CHECKER_FIRST_MSGID

const char *libcheck_msgtable[] = {
	[MSGID_NO_THREAD - CHECKER_FIRST_MSGID] = "cannot start thread",
	NULL,
};

/*
 * The per-path context. References (refcount): one held by the struct
 * checker from libcheck_init() to libcheck_free(), and one by each thread
 * started by libcheck_check(), taken before the thread is started and
 * dropped by the thread as the last thing it does. Whoever drops the last
 * one frees it, so neither side has to outlive the other.
 */
struct block_context {
	struct checker_context ctx;	/* handed to start_checker_thread() */
	int fd;				/* __atomic; set by each check */
	int refcount;			/* __atomic */
};

static struct block_context *block_context_of(struct checker_context *ctx)
{
	return (struct block_context *)((char *)ctx -
					offsetof(struct block_context, ctx));
}

static void block_context_get(struct block_context *bc)
{
	__atomic_add_fetch(&bc->refcount, 1, __ATOMIC_RELAXED);
}

/* Acquire-release, so the one who frees sees every use by the others. */
static void block_context_put(struct block_context *bc)
{
	if (__atomic_sub_fetch(&bc->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		free(bc);
}

int libcheck_init(struct checker *c)
{
	struct block_context *bc = calloc(1, sizeof(*bc));

	if (!bc)
		return 1;
	bc->ctx.cls = c->cls;
	bc->fd = -1;
	bc->refcount = 1;	/* the checker's */
	c->context = bc;
	return 0;
}

void libcheck_free(struct checker *c)
{
	struct block_context *bc = c->context;

	c->context = NULL;
	if (bc)
		block_context_put(bc);
}

/*
 * Runs in the thread start_checker_thread() created; the library keeps this
 * plugin loaded until it returns. It reads only its own context: the struct
 * checker that started it may be gone already.
 */
void *libcheck_thread(struct checker_context *ctx)
{
	struct block_context *bc = block_context_of(ctx);
	char byte;
	ssize_t n;

	/* A signal must not release the thread early; EOF or a byte must. */
	do
		n = read(__atomic_load_n(&bc->fd, __ATOMIC_RELAXED), &byte, 1);
	while (n < 0 && errno == EINTR);
	block_context_put(bc);
	return NULL;
}

int libcheck_check(struct checker *c)
{
	struct block_context *bc = c->context;
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	__atomic_store_n(&bc->fd, c->fd, __ATOMIC_RELAXED);
	/* The thread's reference must exist before the thread does. */
	block_context_get(bc);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = start_checker_thread(&thread, &attr, &bc->ctx);
	pthread_attr_destroy(&attr);
	if (err) {
		/* No thread will ever drop it. */
		block_context_put(bc);
		c->msgid = MSGID_NO_THREAD;
		return PATH_DOWN;
	}
	return PATH_PENDING;
}
