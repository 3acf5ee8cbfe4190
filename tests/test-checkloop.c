// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-checkloop.c - multipathd's scheduling of checks (multipathd/
 * checkloop.c and schedule.c, included here) on a fake clock, with the
 * checker calls wrapped (-Wl,--wrap): each path's check result is
 * scripted, and every start is recorded with the time it happened.
 *
 * Pinned down: checks due within a fifth of their interval (at most 1 s)
 * start together with the first one due, and none starts before the first
 * is due; no check ever starts late, over many paths and rounds; the loop
 * sleeps until exactly the next due moment; a path rescheduled earlier
 * is not missed; results that arrive in any order are all collected, and
 * a path dropped while in flight leaves the in-flight array consistent,
 * and so does growing it; a hung check's deadline wakes the loop; every
 * result and operator command is handed to the path's map (maps.c decides
 * what device-mapper is told, test-maps.c pins that down); a healthy
 * path's interval doubles up to max_polling_interval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test-util.h"
#include "mpath_time.h"

/* The fake clock, for the daemon's files included below. */
static uint64_t fake_now;

static uint64_t fake_now_ns(void)
{
	return fake_now;
}
#define mpath_now_ns fake_now_ns

#include "../multipathd/schedule.c"
#include "../multipathd/checkloop.c"

#define MS		1000000ull
#define S		1000000000ull
#define MAX_PATHS	100

/* --- fakes: the clock, the checker, device-mapper ------------------------ */

static struct daemon d;

static int script[MAX_PATHS];		/* what a check of path i reports */
static unsigned int starts[MAX_PATHS];	/* checks started per path */
static uint64_t batch_seen;		/* largest "how early" of a start */
static unsigned int synced[MAX_PATHS];	/* results handed to the map */
static int synced_state[MAX_PATHS];	/* the state each last saw */

void path_check_detach(struct path *pp)
{
}

static int index_of(const struct path *pp);

/* maps.c's side: what it was handed, and when. */
void map_path_sync(struct daemon *dd, struct path *pp)
{
	synced[index_of(pp)]++;
	synced_state[index_of(pp)] = pp->state;
}

void maps_sweep_retired(struct daemon *dd)
{
}

static struct path *path_of(struct checker *c)
{
	return (struct path *)((char *)c - offsetof(struct path, checker));
}

static int index_of(const struct path *pp)
{
	return atoi(pp->facts.devnode + 1);	/* "p7" */
}

bool __wrap_checker_selected(const struct checker *c);
bool __wrap_checker_selected(const struct checker *c)
{
	return true;
}

/* A start: never late, never earlier than the batch allows. */
void __wrap_checker_check(struct checker *c, int path_state);
void __wrap_checker_check(struct checker *c, int path_state)
{
	struct path *pp = path_of(c);

	assert_false(pp->pending);
	assert_true(fake_now <= pp->next_check ||
		    /* scheduled "now" by path_apply_config and the like */
		    pp->next_check == 0);
	if (pp->next_check > fake_now) {
		uint64_t early = pp->next_check - fake_now;

		assert_true(early <= batch_ns(pp));
		if (early > batch_seen)
			batch_seen = early;
	}
	starts[index_of(pp)]++;
}

static unsigned int get_state_calls;	/* checker_get_state() calls */

int __wrap_checker_get_state(struct checker *c);
int __wrap_checker_get_state(struct checker *c)
{
	get_state_calls++;
	return script[index_of(path_of(c))];
}

/* The library's done list: the checks announced as completed. */
static struct checker *done_list[MAX_PATHS];
static unsigned int nr_done;

unsigned int __wrap_checker_completed(struct checker **done, unsigned int max);
unsigned int __wrap_checker_completed(struct checker **done, unsigned int max)
{
	unsigned int n = nr_done < max ? nr_done : max;

	memcpy(done, done_list, n * sizeof(*done));
	memmove(done_list, done_list + n, (nr_done - n) * sizeof(*done));
	nr_done -= n;
	return n;
}

/* Path i's check on the executor completed with state. */
static void complete(unsigned int i, int state)
{
	script[i] = state;
	done_list[nr_done++] = &d.paths.list[i]->checker;
}

/* --- fixture -------------------------------------------------------------- */

static int setup(void **state)
{
	memset(&d, 0, sizeof(d));
	d.paths.list = calloc(MAX_PATHS, sizeof(*d.paths.list));
	d.paths.cap = MAX_PATHS;
	memset(starts, 0, sizeof(starts));
	memset(script, 0, sizeof(script));
	batch_seen = 0;
	memset(synced, 0, sizeof(synced));
	nr_done = 0;
	get_state_calls = 0;
	fake_now = 1000 * S;
	for (int i = 0; i < MAX_PATHS; i++)
		script[i] = PATH_UP;
	test_log_start();
	return d.paths.list && sched_reserve(&d.sched, MAX_PATHS) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < d.paths.nr; i++)
		free(d.paths.list[i]);
	free(d.paths.list);
	sched_free(&d.sched);
	return 0;
}

/* A path checked every interval s, first due at due (absolute ns). */
static struct path *add_path(unsigned int interval, uint64_t due)
{
	struct path *pp = calloc(1, sizeof(*pp));

	assert_non_null(pp);
	snprintf(pp->facts.devnode, sizeof(pp->facts.devnode), "p%u",
		 d.paths.nr);
	pp->set.polling_interval = pp->set.max_polling_interval = interval;
	pp->interval = interval;
	pp->state = PATH_UP;
	pp->checker.timeout = 2;
	d.paths.list[d.paths.nr++] = pp;
	sched_path_at(&d.sched, pp, due);
	return pp;
}

/* One turn of the loop at the current fake time, as daemon_run() does. */
static void turn(void)
{
	checks_collect(&d);
	checks_run_due(&d);
	checks_collect(&d);
}

/* --- the tests ------------------------------------------------------------- */

static void checks_due_soon_start_with_the_first_due(void **state)
{
	uint64_t t = fake_now;

	add_path(5, t);
	add_path(5, t + 900 * MS);	/* within 1 s: starts with the first */
	add_path(5, t + 1500 * MS);	/* beyond: waits for its own moment */
	turn();
	assert_int_equal(starts[0], 1);
	assert_int_equal(starts[1], 1);
	assert_int_equal(starts[2], 0);
	/* The loop sleeps until exactly the next due moment. */
	assert_true(sched_next_wakeup(&d.sched) == t + 1500 * MS);
	fake_now = t + 1500 * MS;
	turn();
	assert_int_equal(starts[2], 1);
	/* Everyone's next check is an interval after this one. */
	assert_true(sched_next_wakeup(&d.sched) == t + 5 * S);
}

static void nothing_starts_before_the_first_is_due(void **state)
{
	uint64_t t = fake_now;

	add_path(5, t + 2 * S);
	fake_now = t + 1500 * MS;	/* within the batch, but nothing is due */
	turn();
	assert_int_equal(starts[0], 0);
	fake_now = t + 2 * S;
	turn();
	assert_int_equal(starts[0], 1);
}

static void the_batch_is_a_fifth_of_a_short_interval(void **state)
{
	uint64_t t = fake_now;

	add_path(1, t);
	add_path(1, t + 150 * MS);
	add_path(1, t + 250 * MS);
	turn();
	assert_int_equal(starts[0], 1);
	assert_int_equal(starts[1], 1);
	assert_int_equal(starts[2], 0);
}

/*
 * Paths due at scattered moments, followed for a minute of fake time by
 * sleeping until each wake-up the loop asks for: no start is late (the
 * wrapped checker_check asserts it), every path is checked about once per
 * interval and never more often than 4/5 of it allows, and the wake-ups
 * are far fewer than the checks.
 */
static void no_check_is_ever_late(void **state)
{
	uint64_t t0 = fake_now, end = t0 + 60 * S;
	unsigned int i, wakeups = 0, total = 0;

	for (i = 0; i < 40; i++)
		add_path(i % 2 ? 5 : 3, t0 + (i * 7919 % 5000) * MS);
	turn();		/* the loop's first turn, before it ever sleeps */
	while (fake_now < end) {
		uint64_t next = sched_next_wakeup(&d.sched);

		assert_true(next >= fake_now);
		fake_now = next;
		turn();
		wakeups++;
	}
	for (i = 0; i < 40; i++) {
		unsigned int interval = i % 2 ? 5 : 3;

		/* First due within 5 s; then at least every interval... */
		assert_true(starts[i] >= 55 / interval);
		/* ...and at most every 4/5 of it. */
		assert_true(starts[i] <= 60 * 5 / (4 * interval) + 1);
		total += starts[i];
	}
	assert_true(batch_seen > 0);		/* some did start early */
	assert_true(wakeups < total / 2);	/* and they were batched */
}

static void a_path_rescheduled_earlier_is_not_missed(void **state)
{
	uint64_t t = fake_now;
	struct path *pp;

	pp = add_path(5, t);
	add_path(5, t);
	turn();
	assert_true(sched_next_wakeup(&d.sched) == t + 5 * S);
	/* E.g. "reinstate path": check it soon, not at the next round. */
	fake_now = t + 1 * S;
	path_set_operator_failed(&d, pp, true);
	path_set_operator_failed(&d, pp, false);
	assert_true(sched_next_wakeup(&d.sched) == t + 1 * S);
	turn();
	assert_int_equal(starts[0], 2);
	assert_int_equal(starts[1], 1);
}

static void results_in_any_order_are_all_collected(void **state)
{
	uint64_t t = fake_now;
	int i;

	for (i = 0; i < 5; i++) {
		add_path(5, t);
		script[i] = PATH_PENDING;
	}
	turn();
	assert_int_equal(d.sched.nr_pending, 5);
	complete(2, PATH_DOWN);
	turn();
	assert_int_equal(d.sched.nr_pending, 4);
	assert_false(d.paths.list[2]->pending);
	assert_int_equal(d.paths.list[2]->state, PATH_DOWN);
	complete(4, PATH_UP);
	complete(0, PATH_UP);
	turn();
	assert_int_equal(d.sched.nr_pending, 2);
	/* A path dropped while in flight (device_remove()) leaves the array. */
	sched_pending_clear(&d.sched, d.paths.list[1]);
	assert_int_equal(d.sched.nr_pending, 1);
	assert_ptr_equal(d.sched.pending[0], d.paths.list[3]);
	assert_int_equal(d.paths.list[3]->pending_slot, 0);
	complete(3, PATH_UP);
	turn();
	assert_int_equal(d.sched.nr_pending, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(starts[i], 1);
	assert_false(d.paths.list[3]->pending);
}

/* The table grows while checks are in flight: none of them is lost. */
static void the_in_flight_array_grows_and_keeps_its_checks(void **state)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		add_path(5, fake_now);
		script[i] = PATH_PENDING;
	}
	turn();
	assert_int_equal(d.sched.nr_pending, 3);
	/* Never shrinks. */
	assert_int_equal(sched_reserve(&d.sched, 2), 0);
	assert_int_equal(d.sched.cap, MAX_PATHS);
	assert_int_equal(sched_reserve(&d.sched, 4 * MAX_PATHS), 0);
	assert_int_equal(d.sched.cap, 4 * MAX_PATHS);
	assert_int_equal(d.sched.nr_pending, 3);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(d.sched.pending[d.paths.list[i]->pending_slot],
				 d.paths.list[i]);
		complete(i, PATH_UP);
	}
	turn();
	assert_int_equal(d.sched.nr_pending, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(d.paths.list[i]->state, PATH_UP);
}

static void a_hung_check_wakes_the_loop_at_its_deadline(void **state)
{
	uint64_t t = fake_now, next;
	struct path *pp = add_path(5, t);

	script[0] = PATH_PENDING;
	turn();
	assert_true(pp->pending);
	/* Polled with a backoff, and never later than the deadline. */
	for (;;) {
		next = sched_next_wakeup(&d.sched);
		assert_true(next <= t + 2 * S + SCHED_POLL_FIRST_NS);
		assert_true(next > fake_now);
		fake_now = next;
		if (fake_now >= t + 2 * S)
			script[0] = PATH_TIMEOUT;	/* what the library says */
		turn();
		if (!pp->pending)
			break;
	}
	assert_int_equal(pp->state, PATH_TIMEOUT);
	assert_true(fake_now == t + 2 * S + SCHED_POLL_FIRST_NS);
}

/*
 * A completion announced by the library costs a look at that one check,
 * however many are in flight; the others are not asked.
 */
static void a_completion_costs_one_look_not_a_walk(void **state)
{
	unsigned int i;

	for (i = 0; i < 40; i++) {
		add_path(5, fake_now);
		script[i] = PATH_PENDING;
	}
	turn();
	assert_int_equal(d.sched.nr_pending, 40);
	get_state_calls = 0;
	complete(17, PATH_DOWN);
	checks_collect(&d);
	assert_int_equal(get_state_calls, 1);
	assert_int_equal(d.sched.nr_pending, 39);
	assert_int_equal(d.paths.list[17]->state, PATH_DOWN);
	/* A checker announced whose check is no longer in flight: skipped. */
	done_list[nr_done++] = &d.paths.list[17]->checker;
	checks_collect(&d);
	assert_int_equal(get_state_calls, 1);
	assert_int_equal(d.paths.list[17]->checks, 1);
}

/* More completions than one batch takes: all of them are collected. */
static void completions_beyond_one_batch_are_all_collected(void **state)
{
	unsigned int i;

	for (i = 0; i < MAX_PATHS; i++) {
		add_path(5, fake_now);
		script[i] = PATH_PENDING;
	}
	turn();
	assert_int_equal(d.sched.nr_pending, MAX_PATHS);
	for (i = 0; i < MAX_PATHS; i++)
		complete(i, PATH_UP);
	checks_collect(&d);
	assert_int_equal(d.sched.nr_pending, 0);
	assert_int_equal(nr_done, 0);
}

/*
 * A checker that drives its own asynchrony announces nothing: its result
 * is seen at the next poll of the checks in flight, which backs off.
 */
static void unannounced_results_are_seen_at_the_next_poll(void **state)
{
	uint64_t t = fake_now;
	struct path *pp = add_path(5, t);

	script[0] = PATH_PENDING;
	turn();
	assert_true(pp->pending);
	script[0] = PATH_UP;		/* done, but not announced */
	checks_collect(&d);
	assert_true(pp->pending);
	assert_true(sched_next_wakeup(&d.sched) == t + SCHED_POLL_FIRST_NS);
	fake_now = t + SCHED_POLL_FIRST_NS;
	checks_collect(&d);
	assert_false(pp->pending);
	assert_int_equal(pp->state, PATH_UP);
}

/*
 * maps.c decides what device-mapper is told; it must see every result,
 * after the path's state has been updated, and operator commands too.
 */
static void every_result_and_command_is_handed_to_the_map(void **state)
{
	struct path *pp = add_path(1, fake_now);
	int i;

	script[0] = PATH_DOWN;
	for (i = 0; i < 3; i++) {
		turn();
		assert_int_equal(synced[0], i + 1);
		assert_int_equal(synced_state[0], PATH_DOWN);
		fake_now = sched_next_wakeup(&d.sched);
	}
	script[0] = PATH_UP;
	turn();
	assert_int_equal(synced[0], 4);
	assert_int_equal(synced_state[0], PATH_UP);
	/* The result says which check it came from. */
	assert_int_equal(pp->result_started, pp->started);
	path_set_operator_failed(&d, pp, true);
	assert_int_equal(synced[0], 5);
	path_set_operator_failed(&d, pp, true);	/* no change: not again */
	assert_int_equal(synced[0], 5);
	path_set_operator_failed(&d, pp, false);
	assert_int_equal(synced[0], 6);
}

static void a_healthy_interval_doubles_up_to_the_maximum(void **state)
{
	struct path *pp = add_path(1, fake_now);
	unsigned int seen[6], i;

	pp->set.max_polling_interval = 8;
	for (i = 0; i < 6; i++) {
		turn();
		seen[i] = pp->interval;
		fake_now = sched_next_wakeup(&d.sched);
	}
	assert_int_equal(seen[0], 2);
	assert_int_equal(seen[1], 4);
	assert_int_equal(seen[2], 8);
	assert_int_equal(seen[5], 8);
	/* A change starts over at polling_interval. */
	script[0] = PATH_DOWN;
	turn();
	assert_int_equal(pp->interval, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(checks_due_soon_start_with_the_first_due),
		T(nothing_starts_before_the_first_is_due),
		T(the_batch_is_a_fifth_of_a_short_interval),
		T(no_check_is_ever_late),
		T(a_path_rescheduled_earlier_is_not_missed),
		T(results_in_any_order_are_all_collected),
		T(the_in_flight_array_grows_and_keeps_its_checks),
		T(a_hung_check_wakes_the_loop_at_its_deadline),
		T(a_completion_costs_one_look_not_a_walk),
		T(completions_beyond_one_batch_are_all_collected),
		T(unannounced_results_are_seen_at_the_next_poll),
		T(every_result_and_command_is_handed_to_the_map),
		T(a_healthy_interval_doubles_up_to_the_maximum),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
