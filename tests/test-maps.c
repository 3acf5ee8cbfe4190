// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-maps.c - multipathd's map objects (multipathd/maps.c, included here)
 * against a fake device-mapper: the maps the fake "kernel" holds, with each
 * path's A/F state, are served by fake dm_map_list() / dm_map_read(), and
 * fail_path / reinstate_path messages change that state as the kernel
 * would and are recorded. The clock, the path table and scheduling are
 * fakes too; checker results are set by hand.
 *
 * Pinned down: maps are read with their uuid and paths in table order, and
 * monitored paths are linked both ways; a path the kernel failed is
 * reinstated only after a check that started after the failure says it is
 * up, and the log says who failed it; a PATH_FAILED event checks the path
 * at once; a path the checker says down is failed once, not at every
 * check; the operator's fail holds until reinstate; paths that leave or
 * join a map on a reload are moved (their checker reselected), a removed
 * map lets its paths go; map-wide checker data outlives its map until no
 * check of its plugin runs; a path the kernel keeps failing right after
 * reinstatement is held off; a message that fails is logged once; a path
 * in two maps stays with the first; without device-mapper nothing happens.
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

#include "../multipathd/mapctx.c"
#include "../multipathd/maps.c"

#define S		1000000000ull
#define MAX_PATHS	8
#define MAX_MAPS	4

/* --- the fake kernel ---------------------------------------------------- */

struct fake_map {
	bool present;
	int read_err;			/* dm_map_read() fails with this */
	char name[32], uuid[64];
	dev_t devt;
	unsigned int nr;
	struct dm_map_path paths[MAX_PATHS];
};

static struct {
	struct fake_map maps[MAX_MAPS];
	int msg_err;			/* messages fail with this */
	unsigned int fails, reinstates;	/* messages accepted */
	char last_msg[96];
} k;

int dm_map_list(struct dm_map_id **ret, unsigned int *nr)
{
	struct dm_map_id *ids = calloc(MAX_MAPS, sizeof(*ids));
	unsigned int i, n = 0;

	assert_non_null(ids);
	for (i = 0; i < MAX_MAPS; i++) {
		if (!k.maps[i].present)
			continue;
		snprintf(ids[n].name, sizeof(ids[n].name), "%s", k.maps[i].name);
		ids[n++].devt = k.maps[i].devt;
	}
	*ret = ids;
	*nr = n;
	return 0;
}

static struct fake_map *fake_by_devt(dev_t devt)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++)
		if (k.maps[i].present && k.maps[i].devt == devt)
			return &k.maps[i];
	return NULL;
}

static struct fake_map *fake_by_name(const char *name)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++)
		if (k.maps[i].present && strcmp(k.maps[i].name, name) == 0)
			return &k.maps[i];
	return NULL;
}

int dm_map_read(dev_t devt, struct dm_map_info *ret)
{
	struct fake_map *f = fake_by_devt(devt);

	if (!f)
		return -ENXIO;
	if (f->read_err)
		return f->read_err;
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%s", f->name);
	snprintf(ret->uuid, sizeof(ret->uuid), "%s", f->uuid);
	ret->devt = devt;
	ret->nr_paths = f->nr;
	ret->paths = calloc(f->nr ? f->nr : 1, sizeof(*ret->paths));
	assert_non_null(ret->paths);
	memcpy(ret->paths, f->paths, f->nr * sizeof(*ret->paths));
	return 0;
}

void dm_map_info_release(struct dm_map_info *info)
{
	free(info->paths);
	info->paths = NULL;
	info->nr_paths = 0;
}

/* As the kernel does: the message sets the path's state in the map. */
static int fake_message(const char *map, dev_t devt, bool fail)
{
	struct fake_map *f = fake_by_name(map);

	snprintf(k.last_msg, sizeof(k.last_msg), "%s %s %u:%u",
		 fail ? "fail_path" : "reinstate_path", map, major(devt),
		 minor(devt));
	if (k.msg_err)
		return k.msg_err;
	assert_non_null(f);
	for (unsigned int i = 0; i < f->nr; i++) {
		if (f->paths[i].devt != devt)
			continue;
		if (fail && !f->paths[i].failed)
			f->paths[i].fail_count++;
		f->paths[i].failed = fail;
		if (fail)
			k.fails++;
		else
			k.reinstates++;
		return 0;
	}
	return -EINVAL;
}

int dm_fail_path(const char *map, dev_t devt)
{
	return fake_message(map, devt, true);
}

int dm_reinstate_path(const char *map, dev_t devt)
{
	return fake_message(map, devt, false);
}

/* --- fakes of the rest of the daemon --------------------------------------- */

static struct daemon d;
static unsigned int reselected[MAX_PATHS];	/* path_apply_config(reselect) */
static uint64_t scheduled_at[MAX_PATHS];	/* last sched_path_at() */
static unsigned int busy_jobs;			/* of plugin "tur", for stats */

static int index_of(const struct path *pp)
{
	return atoi(pp->facts.devnode + 2);	/* "sd0" */
}

struct path *path_find_devt(struct daemon *dd, dev_t devt)
{
	for (unsigned int i = 0; i < dd->paths.nr; i++)
		if (dd->paths.list[i]->facts.devt == devt)
			return dd->paths.list[i];
	return NULL;
}

void path_apply_config(struct daemon *dd, struct path *pp, bool reselect)
{
	if (reselect)
		reselected[index_of(pp)]++;
	sched_path_at(&dd->sched, pp, fake_now);
}

void sched_path_at(struct sched *s, struct path *pp, uint64_t when)
{
	pp->next_check = when;
	scheduled_at[index_of(pp)] = when;
}

/* The configuration's multipaths section: one alias, for mpatha's WWID. */
const char *config_alias(const struct mp_config *conf, const char *wwid)
{
	return strcmp(wwid, "mpatha-wwid") == 0 ? "ora_data" : NULL;
}

bool __wrap_checker_selected(const struct checker *c);
bool __wrap_checker_selected(const struct checker *c)
{
	return true;
}

const char *__wrap_checker_name(const struct checker *c);
const char *__wrap_checker_name(const struct checker *c)
{
	return "tur";
}

/* One plugin, "tur", with busy_jobs jobs running. */
int __wrap_checker_plugin_stats(struct checker_plugin_stats **ret);
int __wrap_checker_plugin_stats(struct checker_plugin_stats **ret)
{
	struct checker_plugin_stats *st = calloc(1, sizeof(*st));

	assert_non_null(st);
	strcpy(st->name, "tur");
	st->jobs_running = busy_jobs;
	*ret = st;
	return 1;
}

/* --- fixture ------------------------------------------------------------------ */

static struct path *add_path(unsigned int i)
{
	struct path *pp = calloc(1, sizeof(*pp));

	assert_non_null(pp);
	snprintf(pp->facts.devnode, sizeof(pp->facts.devnode), "sd%u", i);
	pp->facts.devt = makedev(8, 16 * i);
	pp->state = PATH_UP;
	pp->set.polling_interval = 1;
	pp->set.max_polling_interval = 8;
	d.paths.list[d.paths.nr++] = pp;
	map_path_link(&d, pp);
	return pp;
}

/* A map of the fake kernel over paths sd<first>..sd<first+nr-1>, all active. */
static struct fake_map *kernel_map(unsigned int slot, const char *name,
				   unsigned int first, unsigned int nr)
{
	struct fake_map *f = &k.maps[slot];

	memset(f, 0, sizeof(*f));
	f->present = true;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->uuid, sizeof(f->uuid), "mpath-%s-wwid", name);
	f->devt = makedev(253, slot);
	f->nr = nr;
	for (unsigned int i = 0; i < nr; i++)
		f->paths[i].devt = makedev(8, 16 * (first + i));
	return f;
}

/* The kernel's event for map f (add/change), as discovery passes it. */
static void kernel_event(const struct fake_map *f, const char *action,
			 dev_t path)
{
	struct dm_uevent ev = { .devt = f->devt, .dm_path = path };

	snprintf(ev.dm_action, sizeof(ev.dm_action), "%s", action);
	maps_event(&d, &ev);
}

/* The kernel fails path i of map f by itself (an I/O error) and says so. */
static void kernel_fails(struct fake_map *f, unsigned int i)
{
	f->paths[i].failed = true;
	f->paths[i].fail_count++;
	kernel_event(f, "PATH_FAILED", f->paths[i].devt);
}

/* A check of pp completes now with state (what checkloop.c does). */
static void check_result(struct path *pp, int state)
{
	pp->started = fake_now;
	fake_now += S / 100;
	pp->state = state;
	pp->result_started = pp->started;
	sched_path_at(&d.sched, pp, fake_now + pp->set.polling_interval * S);
	map_path_sync(&d, pp);
}

/* pp's slot, as path_apply_config() asks for it at checker_init(). */
static void **slot_of(struct path *pp)
{
	return map_ctx_slot(pp->map ? &pp->map->ctxs : NULL, &pp->checker);
}

static int setup(void **state)
{
	memset(&d, 0, sizeof(d));
	memset(&k, 0, sizeof(k));
	memset(reselected, 0, sizeof(reselected));
	memset(scheduled_at, 0, sizeof(scheduled_at));
	busy_jobs = 0;
	d.dm = true;
	d.conf = (struct mp_config *)&k;	/* only config_alias() sees it */
	d.paths.list = calloc(MAX_PATHS, sizeof(*d.paths.list));
	fake_now = 1000 * S;
	test_log_start();
	return d.paths.list ? 0 : -1;
}

static int teardown(void **state)
{
	maps_free(&d);
	assert_null(d.maps.retired);
	for (unsigned int i = 0; i < d.paths.nr; i++)
		free(d.paths.list[i]);
	free(d.paths.list);
	return 0;
}

/* --- tests ---------------------------------------------------------------------- */

static void maps_are_read_with_uuid_and_paths_in_table_order(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 3);
	struct path *p1 = add_path(1), *p3 = add_path(3);
	struct mpath_map *m;

	f->paths[1].failed = true;	/* sd2, not monitored */
	f->paths[1].fail_count = 4;
	kernel_map(1, "mpathb", 5, 1);
	maps_refresh_all(&d);
	assert_int_equal(d.maps.nr, 2);
	m = map_find(&d, "mpatha");
	assert_non_null(m);
	assert_string_equal(m->uuid, "mpath-mpatha-wwid");
	/* The alias is the configuration's for its WWID (uuid less "mpath-"). */
	assert_string_equal(m->alias, "ora_data");
	assert_string_equal(map_find(&d, "mpathb")->alias, "");
	assert_int_equal(m->devt, makedev(253, 0));
	assert_int_equal(m->nr_paths, 3);
	assert_int_equal(m->paths[0].devt, makedev(8, 16));
	assert_int_equal(m->paths[1].devt, makedev(8, 32));
	assert_int_equal(m->paths[2].devt, makedev(8, 48));
	assert_true(m->paths[0].pp == p1 && p1->map == m);
	assert_null(m->paths[1].pp);
	assert_true(m->paths[1].dm_failed);
	assert_int_equal(m->paths[1].fail_count, 4);
	assert_true(m->paths[2].pp == p3 && p3->map == m);
	assert_string_equal(map_path_dm_state(p1), "active");
	assert_true(test_log_contains("map mpatha: added (uuid mpath-mpatha-wwid, 253:0, 3 paths, 2 monitored)"));
	/* A path discovered later finds its map. */
	struct path *p5 = add_path(5);

	assert_non_null(p5->map);
	assert_string_equal(p5->map->name, "mpathb");
	/* Nothing was sent: all is as it should be. */
	assert_int_equal(k.fails + k.reinstates, 0);
}

static void a_path_failed_by_the_kernel_is_reinstated_after_a_fresh_check(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1);

	add_path(2);
	maps_refresh_all(&d);
	check_result(p1, PATH_UP);
	fake_now += 5 * S;
	kernel_fails(f, 0);
	assert_string_equal(map_path_dm_state(p1), "failed");
	assert_true(test_log_contains("sd1: failed in map mpatha by the kernel (fail count 1)"));
	/* The last check predates the failure: not trusted, checked now. */
	assert_int_equal(k.reinstates, 0);
	assert_int_equal(scheduled_at[1], fake_now);
	/* A check that started after it: up, reinstated, and the log says why. */
	fake_now += S / 10;
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 1);
	assert_false(f->paths[0].failed);
	assert_string_equal(map_path_dm_state(p1), "active");
	assert_true(test_log_contains("sd1: reinstated in map mpatha: failed by the kernel, checker up"));
	/* The event of our own message changes nothing. */
	kernel_event(f, "PATH_REINSTATED", f->paths[0].devt);
	assert_int_equal(k.reinstates + k.fails, 1);
	assert_int_equal(test_log_problems(), 0);
}

static void a_kernel_failure_is_not_undone_while_the_checker_says_down(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1);

	maps_refresh_all(&d);
	kernel_fails(f, 0);
	check_result(p1, PATH_DOWN);
	check_result(p1, PATH_DOWN);
	/* Already failed: nothing to send, nothing to undo. */
	assert_int_equal(k.fails + k.reinstates, 0);
	fake_now += 3 * S;
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 1);
	assert_true(test_log_contains("sd1: reinstated in map mpatha: failed by the kernel, checker up"));
}

static void a_path_failed_event_checks_the_path_at_once(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1), *p2 = add_path(2);

	maps_refresh_all(&d);
	p1->next_check = p2->next_check = fake_now + 20 * S;
	scheduled_at[1] = scheduled_at[2] = 0;
	fake_now += S;
	kernel_fails(f, 1);
	assert_int_equal(scheduled_at[2], fake_now);
	assert_int_equal(p2->next_check, fake_now);
	assert_int_equal(scheduled_at[1], 0);	/* the other one waits */
	/* One in flight is left alone: its result is followed by a new check. */
	p1->pending = true;
	kernel_fails(f, 0);
	assert_int_equal(scheduled_at[1], 0);
}

static void a_path_the_checker_says_down_is_failed_once(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1);

	maps_refresh_all(&d);
	check_result(p1, PATH_DOWN);
	assert_int_equal(k.fails, 1);
	assert_string_equal(k.last_msg, "fail_path mpatha 8:16");
	assert_true(test_log_contains("sd1: failed in map mpatha: checker down"));
	/* Our own message's event: not reported as the kernel's doing. */
	kernel_event(f, "PATH_FAILED", f->paths[0].devt);
	assert_false(test_log_contains("by the kernel"));
	check_result(p1, PATH_DOWN);
	check_result(p1, PATH_TIMEOUT);
	assert_int_equal(k.fails, 1);
	/* Up again: reinstated at once, no extra check needed. */
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 1);
	assert_true(test_log_contains("sd1: reinstated in map mpatha: failed by multipathd (checker), checker up"));
	/* States that decide nothing send nothing. */
	check_result(p1, PATH_PENDING);
	check_result(p1, PATH_WILD);
	assert_int_equal(k.fails + k.reinstates, 2);
}

static void the_operators_fail_holds_until_reinstate(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 1);
	struct path *p1 = add_path(1);

	maps_refresh_all(&d);
	p1->operator_failed = true;
	map_path_sync(&d, p1);
	assert_int_equal(k.fails, 1);
	assert_true(test_log_contains("sd1: failed in map mpatha: failed by the operator"));
	check_result(p1, PATH_UP);
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 0);
	assert_true(f->paths[0].failed);
	/* Someone else reinstates it: failed again, the operator said so. */
	f->paths[0].failed = false;
	kernel_event(f, "PATH_REINSTATED", f->paths[0].devt);
	assert_true(test_log_contains("sd1: reinstated in map mpatha, not by multipathd"));
	assert_int_equal(k.fails, 2);
	assert_true(f->paths[0].failed);
	p1->operator_failed = false;
	map_path_sync(&d, p1);
	assert_int_equal(k.reinstates, 1);
	assert_false(f->paths[0].failed);
	assert_true(test_log_contains("reinstated in map mpatha: failed by the operator, checker up"));
}

static void paths_leave_and_join_a_map_on_reload(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1), *p2 = add_path(2);
	struct mpath_map *m;

	maps_refresh_all(&d);
	m = map_find(&d, "mpatha");
	/* Found after the paths: both joined, their checkers reselected. */
	assert_int_equal(reselected[1], 1);
	assert_int_equal(reselected[2], 1);
	memset(reselected, 0, sizeof(reselected));
	/* Reloaded with sd1 only. */
	f->nr = 1;
	kernel_event(f, "", 0);
	assert_int_equal(m->nr_paths, 1);
	assert_true(p1->map == m);
	assert_null(p2->map);
	assert_int_equal(reselected[2], 1);	/* its checker, without map data */
	assert_int_equal(reselected[1], 0);
	assert_string_equal(map_path_dm_state(p2), "-");
	assert_true(test_log_contains("sd2: no longer in map mpatha"));
	/* And back, in the other order. */
	f->nr = 2;
	f->paths[0].devt = makedev(8, 32);
	f->paths[1].devt = makedev(8, 16);
	kernel_event(f, "", 0);
	assert_int_equal(m->nr_paths, 2);
	assert_true(m->paths[0].pp == p2 && m->paths[1].pp == p1);
	assert_true(p2->map == m);
	assert_int_equal(reselected[2], 2);
	assert_true(test_log_contains("sd2: in map mpatha"));
	assert_int_equal(k.fails + k.reinstates, 0);
}

static void a_removed_map_lets_its_paths_go(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 2);
	struct path *p1 = add_path(1);
	struct dm_uevent ev = { .remove = true };

	maps_refresh_all(&d);
	memset(reselected, 0, sizeof(reselected));
	ev.devt = f->devt;
	f->present = false;
	maps_event(&d, &ev);
	assert_int_equal(d.maps.nr, 0);
	assert_null(p1->map);
	assert_string_equal(map_path_dm_state(p1), "-");
	assert_true(test_log_contains("map mpatha: removed"));
	assert_int_equal(reselected[1], 1);
	/* A map that vanished without an event is dropped at the next read. */
	kernel_map(1, "mpathb", 1, 1);
	maps_refresh_all(&d);
	assert_non_null(p1->map);
	k.maps[1].present = false;
	maps_refresh_all(&d);
	assert_int_equal(d.maps.nr, 0);
	assert_null(p1->map);
	/* One that is no longer multipath (or unreadable) too. */
	kernel_map(1, "mpathc", 1, 1);
	maps_refresh_all(&d);
	assert_int_equal(d.maps.nr, 1);
	k.maps[1].read_err = -EMEDIUMTYPE;
	kernel_event(&k.maps[1], "", 0);
	assert_int_equal(d.maps.nr, 0);
}

static void map_data_outlives_its_map_until_no_check_runs(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 1);
	struct path *p1 = add_path(1);
	struct dm_uevent ev = { .remove = true };
	void **slot;

	maps_refresh_all(&d);
	slot = slot_of(p1);
	assert_non_null(slot);
	assert_true(slot_of(p1) == slot);	/* one per checker */
	*slot = malloc(64);			/* libcheck_mp_init() */
	assert_non_null(*slot);
	busy_jobs = 1;				/* a check still reads it */
	ev.devt = f->devt;
	f->present = false;
	maps_event(&d, &ev);
	assert_non_null(d.maps.retired);
	assert_true(&d.maps.retired->mpctx == slot);
	maps_sweep_retired(&d);
	assert_non_null(d.maps.retired);
	busy_jobs = 0;				/* it returned */
	maps_sweep_retired(&d);
	assert_null(d.maps.retired);	/* freed: valgrind sees no leak */
	/* In no map, no slot. */
	assert_null(slot_of(p1));
}

static void a_path_failed_again_right_after_reinstatement_is_held_off(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 1);
	struct path *p1 = add_path(1);
	uint64_t hold;

	maps_refresh_all(&d);
	kernel_fails(f, 0);
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 1);
	/* Failed again 1 s later: held off 2 s (polling_interval << 1). */
	fake_now += S;
	kernel_fails(f, 0);
	assert_true(test_log_contains("sd1: failed again in map mpatha by the kernel 1.0 s after it was reinstated; not reinstating it for 2 s"));
	hold = fake_now + 2 * S;
	fake_now += S / 10;
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 1);
	assert_int_equal(scheduled_at[1], hold);
	fake_now = hold;
	check_result(p1, PATH_UP);
	assert_int_equal(k.reinstates, 2);
	/* Again: longer, up to max_polling_interval. */
	for (int i = 0; i < 5; i++) {
		fake_now += S / 2;
		kernel_fails(f, 0);
		fake_now = f->paths[0].failed ? fake_now + 8 * S : fake_now;
		check_result(p1, PATH_UP);
	}
	assert_true(test_log_contains("not reinstating it for 8 s"));
	assert_false(test_log_contains("not reinstating it for 16 s"));
}

static void a_message_that_fails_is_logged_once(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 1);
	struct path *p1 = add_path(1);

	maps_refresh_all(&d);
	k.msg_err = -ENXIO;
	check_result(p1, PATH_DOWN);
	check_result(p1, PATH_DOWN);
	check_result(p1, PATH_DOWN);
	assert_int_equal(test_log.count[MPATH_LOG_ERR], 1);
	assert_true(test_log_contains("sd1: cannot fail it in map mpatha: No such device or address (retried at each check)"));
	assert_string_equal(map_path_dm_state(p1), "active");
	k.msg_err = 0;
	check_result(p1, PATH_DOWN);
	assert_true(f->paths[0].failed);
	assert_true(test_log_contains("sd1: map mpatha takes messages again"));
}

static void a_path_in_two_maps_stays_with_the_first(void **state)
{
	struct path *p1;

	kernel_map(0, "mpatha", 1, 1);
	maps_refresh_all(&d);
	p1 = add_path(1);
	assert_string_equal(p1->map->name, "mpatha");
	kernel_map(1, "mpathb", 1, 1);
	kernel_event(&k.maps[1], "", 0);
	assert_string_equal(p1->map->name, "mpatha");
	assert_null(map_find(&d, "mpathb")->paths[0].pp);
	assert_true(test_log_contains("sd1: in maps mpatha and mpathb; staying with mpatha"));
}

static void without_device_mapper_nothing_happens(void **state)
{
	struct fake_map *f = kernel_map(0, "mpatha", 1, 1);
	struct path *p1 = add_path(1);

	d.dm = false;
	maps_refresh_all(&d);
	kernel_event(f, "PATH_FAILED", f->paths[0].devt);
	check_result(p1, PATH_DOWN);
	assert_int_equal(d.maps.nr, 0);
	assert_null(p1->map);
	assert_int_equal(k.fails + k.reinstates, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(maps_are_read_with_uuid_and_paths_in_table_order),
		T(a_path_failed_by_the_kernel_is_reinstated_after_a_fresh_check),
		T(a_kernel_failure_is_not_undone_while_the_checker_says_down),
		T(a_path_failed_event_checks_the_path_at_once),
		T(a_path_the_checker_says_down_is_failed_once),
		T(the_operators_fail_holds_until_reinstate),
		T(paths_leave_and_join_a_map_on_reload),
		T(a_removed_map_lets_its_paths_go),
		T(map_data_outlives_its_map_until_no_check_runs),
		T(a_path_failed_again_right_after_reinstatement_is_held_off),
		T(a_message_that_fails_is_logged_once),
		T(a_path_in_two_maps_stays_with_the_first),
		T(without_device_mapper_nothing_happens),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
