/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checkloop.h - the checking itself: starting the checks that are due,
 * collecting their results, and handing each result and each operator
 * command to the path's map. The bookkeeping it rests on (when each path
 * is due, the checks in flight) is schedule.h's.
 *
 * Event-loop thread only (daemon.h): nothing here is locked.
 */
#ifndef MPATHD_CHECKLOOP_H
#define MPATHD_CHECKLOOP_H

#include <stdbool.h>

struct daemon;
struct path;

/*
 * checks_run_due - start every check that is due (and those due soon,
 * batched with them); a no-op, costing nothing, while nothing is due.
 */
void checks_run_due(struct daemon *d);

/*
 * checks_collect - take the results of the checks that completed on the
 * library's executor (costs the number that completed) and, when a poll or
 * a deadline is due, of every check in flight (costs the number in flight,
 * never the number of paths).
 */
void checks_collect(struct daemon *d);

/*
 * path_set_operator_failed - "fail path" / "reinstate path": hand it to
 * the path's map, and after a reinstate check the path at once.
 */
void path_set_operator_failed(struct daemon *d, struct path *pp, bool failed);

#endif /* MPATHD_CHECKLOOP_H */
