// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rcu.c - thread registration with liburcu for threads we do not own, and
 * the ThreadSanitizer annotation that stands for a grace period. Offers
 * rcu.h; calls nothing of the library. Called by registry.c (readers and
 * grace periods), thread.c and executor.c (registering their threads).
 */
#include <pthread.h>
#include <stdlib.h>
#include <urcu/urcu-memb.h>

#include "rcu.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
/*
 * TSan cannot see that synchronize_rcu() waits for readers (liburcu is not
 * instrumented). Each reader "releases" this token when it leaves its
 * critical section and the writer "acquires" it after the grace period,
 * which is exactly the ordering RCU guarantees: the reader's accesses happen
 * before anything the writer does to an object unlinked before waiting.
 */
static char tsan_grace_period;
#define tsan_reader_done()	__tsan_release(&tsan_grace_period)
#define tsan_grace_period_over() __tsan_acquire(&tsan_grace_period)
#else
#define tsan_reader_done()	do { } while (0)
#define tsan_grace_period_over() do { } while (0)
#endif

enum { RCU_UNREGISTERED, RCU_BY_LIBRARY, RCU_LAZY };

/* This thread's registration; touched only by the thread itself. */
static __thread int rcu_registration;

/* Its destructor unregisters lazily registered threads when they exit. */
static pthread_key_t lazy_key;
static pthread_once_t lazy_key_once = PTHREAD_ONCE_INIT;

static void lazy_unregister(void *unused)
{
	(void)unused;
	if (rcu_registration == RCU_LAZY) {
		urcu_memb_unregister_thread();
		rcu_registration = RCU_UNREGISTERED;
	}
}

static void lazy_key_create(void)
{
	/* Without the key a lazily registered thread could not be unregistered
	 * at exit, and liburcu would keep a pointer into its freed TLS. */
	if (pthread_key_create(&lazy_key, lazy_unregister) != 0)
		abort();
}

void mp_rcu_register(void)
{
	if (rcu_registration != RCU_UNREGISTERED)
		return;
	urcu_memb_register_thread();
	rcu_registration = RCU_BY_LIBRARY;
}

void mp_rcu_unregister(void)
{
	if (rcu_registration != RCU_BY_LIBRARY)
		return;
	urcu_memb_unregister_thread();
	rcu_registration = RCU_UNREGISTERED;
}

void mp_rcu_read_lock(void)
{
	if (__builtin_expect(rcu_registration == RCU_UNREGISTERED, 0)) {
		pthread_once(&lazy_key_once, lazy_key_create);
		urcu_memb_register_thread();
		rcu_registration = RCU_LAZY;
		/* Any non-NULL value makes the destructor run at exit. */
		pthread_setspecific(lazy_key, &rcu_registration);
	}
	urcu_memb_read_lock();
}

void mp_rcu_read_unlock(void)
{
	tsan_reader_done();
	urcu_memb_read_unlock();
}

void mp_synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
	tsan_grace_period_over();
}
