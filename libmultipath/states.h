/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * states.h - what states.c offers inside the library: the containment of
 * what a plugin's check returned. checker_state_name(), checker_message()
 * and checker_clear_message() are in libmultipath.h.
 */
#ifndef MPATH_STATES_H
#define MPATH_STATES_H

#include "internal.h"

/*
 * plugin_result - state as the framework passes it on, for a check run on
 * c (the daemon's checker, or the executor's shadow copy on a worker).
 * Any thread; never blocks. The rules are at its definition.
 */
int plugin_result(struct checker *c, int state);

#endif /* MPATH_STATES_H */
