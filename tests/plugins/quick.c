// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quick.c - test plugin libcheckquick.so. Each check starts a detached
 * thread that returns at once. The tests start thousands of them and free
 * the struct checker right after each check, to catch a thread (or the
 * library's thread entry) that reads the caller's struct checker, which the
 * daemon may free the moment start_checker_thread() returns, instead of its
 * own start record (docs/design.md, "The hazard"; thread.c).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "checkers.h"

#define MSGID_NO_THREAD CHECKER_FIRST_MSGID

const char *libcheck_msgtable[] = {
	[MSGID_NO_THREAD - CHECKER_FIRST_MSGID] = "cannot start thread",
	NULL,
};

/*
 * The per-path context. References (refcount): one held by the struct
 * checker from libcheck_init() to libcheck_free(), and one by each thread
 * started by libcheck_check(), taken before the thread is started. Whoever
 * drops the last one frees it.
 */
struct quick_context {
	struct checker_context ctx;	/* handed to start_checker_thread() */
	unsigned long runs;		/* __atomic; threads that ran */
	int refcount;			/* __atomic */
};

static struct quick_context *quick_context_of(struct checker_context *ctx)
{
	return (struct quick_context *)((char *)ctx -
					offsetof(struct quick_context, ctx));
}

static void quick_context_get(struct quick_context *qc)
{
	__atomic_add_fetch(&qc->refcount, 1, __ATOMIC_RELAXED);
}

/* Acquire-release, so the one who frees sees every use by the others. */
static void quick_context_put(struct quick_context *qc)
{
	if (__atomic_sub_fetch(&qc->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		free(qc);
}

int libcheck_init(struct checker *c)
{
	struct quick_context *qc = calloc(1, sizeof(*qc));

	if (!qc)
		return 1;
	qc->ctx.cls = c->cls;
	qc->refcount = 1;	/* the checker's */
	c->context = qc;
	return 0;
}

void libcheck_free(struct checker *c)
{
	struct quick_context *qc = c->context;

	c->context = NULL;
	if (qc)
		quick_context_put(qc);
}

/*
 * Writes to its context, so that a context freed too early is a
 * use-after-free the sanitizers and valgrind report.
 */
void *libcheck_thread(struct checker_context *ctx)
{
	struct quick_context *qc = quick_context_of(ctx);

	__atomic_add_fetch(&qc->runs, 1, __ATOMIC_RELAXED);
	quick_context_put(qc);
	return NULL;
}

int libcheck_check(struct checker *c)
{
	struct quick_context *qc = c->context;
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	/* The thread's reference must exist before the thread does. */
	quick_context_get(qc);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = start_checker_thread(&thread, &attr, &qc->ctx);
	pthread_attr_destroy(&attr);
	if (err) {
		/* No thread will ever drop it. */
		quick_context_put(qc);
		c->msgid = MSGID_NO_THREAD;
		return PATH_DOWN;
	}
	return PATH_PENDING;
}
