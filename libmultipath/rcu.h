/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rcu.h - the library's use of userspace RCU (liburcu, memb flavour).
 *
 * Pointers that RCU readers follow are loaded and stored with the compiler's
 * __atomic builtins rather than liburcu's rcu_dereference()/
 * rcu_assign_pointer(): liburcu 0.13 implements those with volatile accesses
 * and inline assembly, which ThreadSanitizer cannot see, and it would report
 * every publication as a race. The builtins give the same ordering on every
 * architecture (acquire is at least as strong as a dependency barrier).
 */
#ifndef MPATH_RCU_H
#define MPATH_RCU_H

#define mp_rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define mp_rcu_assign(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

/*
 * Threads the library creates call mp_rcu_register() first and
 * mp_rcu_unregister() last. Any other thread (the daemon's, a test's) is
 * registered on its first mp_rcu_read_lock() and unregistered when it exits,
 * so callers of the library never have to know about RCU.
 */
void mp_rcu_register(void);
void mp_rcu_unregister(void);

/* Read-side critical section: must not sleep, nest, dlopen() or dlclose(). */
void mp_rcu_read_lock(void);
void mp_rcu_read_unlock(void);

/*
 * Wait until every reader that might still see an object unlinked before
 * this call has left its critical section. Sleeps; never call it inside a
 * read-side section.
 */
void mp_synchronize_rcu(void);

#endif /* MPATH_RCU_H */
