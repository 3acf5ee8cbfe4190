/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msgtable-check.h - the contract's rules for a plugin's libcheck_msgtable,
 * checked the same way by every checker's unit test: NULL-terminated, at
 * most CHECKER_MSGTABLE_SIZE entries, no holes, every text a real sentence.
 * Include after <cmocka.h> and the checker's source.
 */
#ifndef MPATH_MSGTABLE_CHECK_H
#define MPATH_MSGTABLE_CHECK_H

#include <string.h>

#include "checkers.h"

/* n: the array's size in entries, terminator included. */
static inline void assert_msgtable_well_formed(const char *const *table,
					       size_t n)
{
	size_t i;

	assert_true(n >= 1);
	assert_true(n <= CHECKER_MSGTABLE_SIZE + 1);
	assert_null(table[n - 1]);
	for (i = 0; i + 1 < n; i++) {
		assert_non_null(table[i]);
		assert_true(strlen(table[i]) > 10);
	}
}

#define ASSERT_MSGTABLE_WELL_FORMED(table) \
	assert_msgtable_well_formed(table, sizeof(table) / sizeof((table)[0]))

/* The text of a plugin message id; the id must be one of the table's. */
static inline const char *msgtable_text(const char *const *table, size_t n,
					int id)
{
	assert_true(id >= CHECKER_FIRST_MSGID);
	assert_true((size_t)(id - CHECKER_FIRST_MSGID) + 1 < n);
	return table[id - CHECKER_FIRST_MSGID];
}

/* The included checker's text for id. */
#define CHECKER_MSG_TEXT(id) \
	msgtable_text(libcheck_msgtable, \
		      sizeof(libcheck_msgtable) / sizeof(libcheck_msgtable[0]), (id))

#endif /* MPATH_MSGTABLE_CHECK_H */
