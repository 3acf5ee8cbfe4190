// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mpathtesthelper.c - libmpathtesthelper.so, the helper library of the test
 * plugin origin.c. Vendors ship such helpers beside their plugin and link
 * the plugin with a RUNPATH of $ORIGIN; the plugin can only be loaded if
 * the dynamic loader finds this file in the plugin's own directory.
 */
#include "checkers.h"

int mpath_test_helper_state(void);

/* The answer the plugin's check passes on: it came from here. */
int mpath_test_helper_state(void)
{
	return PATH_GHOST;
}
