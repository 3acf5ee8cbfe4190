// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-dm.c - multipathd's device-mapper module (multipathd/dm.c, included
 * here) against a mocked libdevmapper: every dm_* call it makes is wrapped
 * (-Wl,--wrap) by a fake that serves a scripted list of maps and tables
 * and records the target messages sent. No device-mapper is needed, and
 * none is touched.
 *
 * Pinned down: the multipath table is parsed by its counts (a table of
 * realistic and malformed parameter strings); a malformed map is skipped
 * with a warning naming it while the other maps are read; lookups; the
 * exact fail_path / reinstate_path message, map and sector; errors come
 * back as -errno with a log naming map and path; dm_available() without a
 * control node; libdevmapper's own messages go to the debug log; every
 * task created is destroyed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test-util.h"
#include "../multipathd/dm.c"

/* --- the fake libdevmapper --------------------------------------------------- */

#define MOCK_TARGETS	4
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A map the fake serves: listed by DM_DEVICE_LIST, its table by DM_DEVICE_TABLE. */
struct mock_map {
	const char *name;
	bool vanished;		/* listed, but gone when its table is asked for */
	const char *targets[MOCK_TARGETS][2];	/* { type, params }, NULL-ended */
};

/* One message the code under test sent, as the fake saw it. */
struct mock_msg {
	char map[DM_MAP_NAME_MAX];
	bool sector_set;
	uint64_t sector;
	char text[64];
};

struct mock_task {
	int type;
	char name[DM_MAP_NAME_MAX];
	bool sector_set;
	uint64_t sector;
	char *message;
	int err;				/* for dm_task_get_errno() */
	void *names;				/* dm_task_get_names() buffer */
	const struct mock_map *map;		/* after a DM_DEVICE_TABLE run */
	char *params[MOCK_TARGETS];		/* what dm_get_next_target() hands out */
};

/* The script and the record. Only the test's thread touches it. */
static struct {
	const struct mock_map *maps;
	size_t nr_maps;
	int list_errno;		/* DM_DEVICE_LIST fails with this, if set */
	bool version_fails;
	bool create_fails;
	int msg_errno;		/* DM_DEVICE_TARGET_MSG fails: this errno (-1: none given) */
	int created, destroyed, runs;
	struct mock_msg sent[8];
	int nr_sent;
	dm_log_with_errno_fn log_fn;
} mock;

struct dm_task *__wrap_dm_task_create(int type);
void __wrap_dm_task_destroy(struct dm_task *dmt);
int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name);
int __wrap_dm_task_set_sector(struct dm_task *dmt, uint64_t sector);
int __wrap_dm_task_set_message(struct dm_task *dmt, const char *message);
int __wrap_dm_task_no_open_count(struct dm_task *dmt);
int __wrap_dm_task_run(struct dm_task *dmt);
int __wrap_dm_task_get_errno(struct dm_task *dmt);
struct dm_names *__wrap_dm_task_get_names(struct dm_task *dmt);
void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params);
void __wrap_dm_log_with_errno_init(dm_log_with_errno_fn fn);

struct dm_task *__wrap_dm_task_create(int type)
{
	struct mock_task *t;

	if (mock.create_fails)
		return NULL;
	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->type = type;
	mock.created++;
	return (struct dm_task *)t;
}

void __wrap_dm_task_destroy(struct dm_task *dmt)
{
	struct mock_task *t = (struct mock_task *)dmt;
	int i;

	/* The code under test may read libdevmapper's strings, not write them. */
	for (i = 0; i < MOCK_TARGETS; i++) {
		if (!t->params[i])
			continue;
		assert_string_equal(t->params[i], t->map->targets[i][1]);
		free(t->params[i]);
	}
	free(t->message);
	free(t->names);
	free(t);
	mock.destroyed++;
}

int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name)
{
	struct mock_task *t = (struct mock_task *)dmt;

	assert_true(strlen(name) < sizeof(t->name));
	strcpy(t->name, name);
	return 1;
}

int __wrap_dm_task_set_sector(struct dm_task *dmt, uint64_t sector)
{
	struct mock_task *t = (struct mock_task *)dmt;

	t->sector_set = true;
	t->sector = sector;
	return 1;
}

int __wrap_dm_task_set_message(struct dm_task *dmt, const char *message)
{
	struct mock_task *t = (struct mock_task *)dmt;

	free(t->message);
	t->message = strdup(message);
	assert_non_null(t->message);
	return 1;
}

int __wrap_dm_task_no_open_count(struct dm_task *dmt)
{
	return 1;
}

static const struct mock_map *mock_find(const char *name)
{
	size_t i;

	for (i = 0; i < mock.nr_maps; i++)
		if (strcmp(mock.maps[i].name, name) == 0)
			return &mock.maps[i];
	return NULL;
}

int __wrap_dm_task_run(struct dm_task *dmt)
{
	struct mock_task *t = (struct mock_task *)dmt;
	const struct mock_map *m;
	struct mock_msg *msg;
	int i;

	mock.runs++;
	switch (t->type) {
	case DM_DEVICE_VERSION:
		t->err = mock.version_fails ? ENXIO : 0;
		return !mock.version_fails;
	case DM_DEVICE_LIST:
		t->err = mock.list_errno;
		return !mock.list_errno;
	case DM_DEVICE_TABLE:
		m = mock_find(t->name);
		if (!m || m->vanished) {
			t->err = ENXIO;
			return 0;
		}
		t->map = m;
		for (i = 0; i < MOCK_TARGETS && m->targets[i][0]; i++) {
			t->params[i] = strdup(m->targets[i][1]);
			assert_non_null(t->params[i]);
		}
		return 1;
	case DM_DEVICE_TARGET_MSG:
		assert_true(mock.nr_sent < (int)ARRAY_SIZE(mock.sent));
		msg = &mock.sent[mock.nr_sent++];
		snprintf(msg->map, sizeof(msg->map), "%s", t->name);
		msg->sector_set = t->sector_set;
		msg->sector = t->sector;
		snprintf(msg->text, sizeof(msg->text), "%s",
			 t->message ? t->message : "(none)");
		if (mock.msg_errno) {
			t->err = mock.msg_errno > 0 ? mock.msg_errno : 0;
			return 0;
		}
		return 1;
	}
	fail_msg("unexpected task type %d", t->type);
	return 0;
}

int __wrap_dm_task_get_errno(struct dm_task *dmt)
{
	return ((struct mock_task *)dmt)->err;
}

/* The kernel's name list: entries 8-aligned, each "next" an offset. */
struct dm_names *__wrap_dm_task_get_names(struct dm_task *dmt)
{
	struct mock_task *t = (struct mock_task *)dmt;
	size_t i, size = 0, off = 0;
	struct dm_names *n = NULL;
	char *buf;

	assert_int_equal(t->type, DM_DEVICE_LIST);
	for (i = 0; i < mock.nr_maps; i++)
		size += (offsetof(struct dm_names, name) +
			 strlen(mock.maps[i].name) + 1 + 7) & ~(size_t)7;
	buf = calloc(1, size + sizeof(struct dm_names));
	assert_non_null(buf);
	t->names = buf;
	/* No maps: one entry with dev 0. */
	for (i = 0; i < mock.nr_maps; i++) {
		n = (struct dm_names *)(buf + off);
		n->dev = makedev(253, i);
		strcpy(n->name, mock.maps[i].name);
		n->next = (offsetof(struct dm_names, name) +
			   strlen(mock.maps[i].name) + 1 + 7) & ~(size_t)7;
		off += n->next;
	}
	if (n)
		n->next = 0;
	return (struct dm_names *)buf;
}

void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params)
{
	struct mock_task *t = (struct mock_task *)dmt;
	uintptr_t i = (uintptr_t)next;

	assert_int_equal(t->type, DM_DEVICE_TABLE);
	assert_non_null(t->map);
	if (i >= MOCK_TARGETS || !t->map->targets[i][0]) {
		/* As libdevmapper does for a table without targets. */
		*start = *length = 0;
		*target_type = *params = NULL;
		return NULL;
	}
	*start = i * 1024;
	*length = 1024;
	*target_type = (char *)t->map->targets[i][0];
	*params = t->params[i];
	i++;
	return i < MOCK_TARGETS && t->map->targets[i][0] ? (void *)i : NULL;
}

void __wrap_dm_log_with_errno_init(dm_log_with_errno_fn fn)
{
	mock.log_fn = fn;
}

/* --- fixtures -------------------------------------------------------------------- */

static int setup(void **state)
{
	dm_log_with_errno_fn log_fn = mock.log_fn;	/* installed once per process */

	memset(&mock, 0, sizeof(mock));
	mock.log_fn = log_fn;
	test_log_start();
	return 0;
}

/* Every task created was destroyed, whatever the test did. */
static int teardown(void **state)
{
	int leaked = mock.created - mock.destroyed;

	dm_control_path = "/dev/mapper/control";
	if (leaked) {
		fprintf(stderr, "%d dm tasks not destroyed\n", leaked);
		return -1;
	}
	return 0;
}

static void mock_set_maps(const struct mock_map *maps, size_t nr)
{
	mock.maps = maps;
	mock.nr_maps = nr;
}

static bool log_has(const char *s)
{
	return strstr(test_log.all, s) != NULL;
}

static struct dm_maps *read_maps(void)
{
	struct dm_maps *maps = NULL;

	assert_int_equal(dm_maps_read(&maps), 0);
	assert_non_null(maps);
	return maps;
}

/* --- parsing: one map per case -------------------------------------------------- */

#define MALFORMED	-1

struct parse_case {
	const char *what;
	const char *params;
	int nr;				/* paths in the map, or MALFORMED */
	unsigned int dev[8][2];		/* their major:minor */
};

static const struct parse_case parse_cases[] = {
	{ "one group, two paths",
	  "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1",
	  2, { { 8, 16 }, { 8, 32 } } },
	{ "two groups, features, alua, two path args (as the kernel prints it)",
	  "1 queue_if_no_path 1 alua 2 1 service-time 0 2 2 8:16 1 1 8:32 1 1 "
	  "service-time 0 2 2 8:48 1 1 8:64 1 1",
	  4, { { 8, 16 }, { 8, 32 }, { 8, 48 }, { 8, 64 } } },
	{ "features with arguments that look like counts",
	  "3 queue_if_no_path pg_init_retries 50 0 1 1 round-robin 0 1 1 65:0 1000",
	  1, { { 65, 0 } } },
	{ "hardware handler with an argument that looks like a device",
	  "0 2 emc 8:99 1 1 round-robin 0 1 1 8:16 1",
	  1, { { 8, 16 } } },
	{ "selector arguments and path arguments that look like devices",
	  "0 0 1 1 queue-length 2 9:1 9:2 2 2 8:16 7:7 1 8:32 7:8 1",
	  2, { { 8, 16 }, { 8, 32 } } },
	{ "no path arguments",
	  "0 0 1 1 round-robin 0 3 0 8:16 8:32 8:48",
	  3, { { 8, 16 }, { 8, 32 }, { 8, 48 } } },
	{ "largest device numbers",
	  "0 0 1 1 round-robin 0 2 1 259:1048575 1 4095:0 1",
	  2, { { 259, 1048575 }, { 4095, 0 } } },
	{ "a group without paths",
	  "0 0 2 1 round-robin 0 0 1 round-robin 0 1 1 8:16 1",
	  1, { { 8, 16 } } },
	{ "no groups at all", "0 0 0 0", 0, { { 0 } } },
	{ "extra blanks", "  0  0 1 1\tround-robin 0 1 1 8:16 1  ",
	  1, { { 8, 16 } } },
	{ "trailing words are ignored",
	  "0 0 1 1 round-robin 0 1 1 8:16 1 something new",
	  1, { { 8, 16 } } },

	{ "empty", "", MALFORMED, { { 0 } } },
	{ "only blanks", "   ", MALFORMED, { { 0 } } },
	{ "feature count beyond the end", "5 queue_if_no_path", MALFORMED, { { 0 } } },
	{ "hardware handler count beyond the end", "0 3 alua", MALFORMED, { { 0 } } },
	{ "no group count", "0 0", MALFORMED, { { 0 } } },
	{ "no next group", "0 0 1", MALFORMED, { { 0 } } },
	{ "a group missing", "0 0 2 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "truncated inside a path's arguments",
	  "0 0 1 1 round-robin 0 2 2 8:16 1 1 8:32 1", MALFORMED, { { 0 } } },
	{ "truncated before a path", "0 0 1 1 round-robin 0 2 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "truncated after the selector", "0 0 1 1 round-robin", MALFORMED, { { 0 } } },
	{ "selector argument count beyond the end",
	  "0 0 1 1 round-robin 9 1 1 8:16 1", MALFORMED, { { 0 } } },
	{ "count not a number", "x 0 1 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "negative count", "-1 0 1 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "count with a sign", "+0 0 1 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "count in hex", "0x0 0 1 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "huge group count", "0 0 4294967296 1 round-robin 0 1 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "overflowing path count",
	  "0 0 1 1 round-robin 0 99999999999999999999999 1 8:16 1",
	  MALFORMED, { { 0 } } },
	{ "large path count, few paths", "0 0 1 1 round-robin 0 4000000000 0 8:16",
	  MALFORMED, { { 0 } } },
	{ "device by name", "0 0 1 1 round-robin 0 1 1 sdb 1", MALFORMED, { { 0 } } },
	{ "device without minor", "0 0 1 1 round-robin 0 1 1 8: 1", MALFORMED, { { 0 } } },
	{ "device without major", "0 0 1 1 round-robin 0 1 1 :16 1", MALFORMED, { { 0 } } },
	{ "device with junk", "0 0 1 1 round-robin 0 1 1 8:16x 1", MALFORMED, { { 0 } } },
	{ "device with two colons", "0 0 1 1 round-robin 0 1 1 8:1:6 1",
	  MALFORMED, { { 0 } } },
	{ "negative device", "0 0 1 1 round-robin 0 1 1 -8:16 1", MALFORMED, { { 0 } } },
	{ "major out of range", "0 0 1 1 round-robin 0 1 1 4096:0 1", MALFORMED, { { 0 } } },
	{ "minor out of range", "0 0 1 1 round-robin 0 1 1 8:1048576 1",
	  MALFORMED, { { 0 } } },
};

/* Run one case; false (with the reason printed) if it did not hold. */
static bool parse_case_holds(const struct parse_case *pc)
{
	struct mock_map map = {
		.name = "mpatha",
		.targets = { { "multipath", pc->params } },
	};
	struct dm_maps *maps;
	bool ok = true;
	int i;

	setup(NULL);
	mock_set_maps(&map, 1);
	maps = read_maps();
	if (pc->nr == MALFORMED) {
		if (maps->nr_maps || maps->nr_paths || test_log_problems() != 1 ||
		    !strstr(test_log.last, "mpatha") ||
		    !strstr(test_log.last, "malformed")) {
			print_error("case \"%s\": not skipped as malformed (%u maps, %zu paths, log \"%s\")\n",
				    pc->what, maps->nr_maps, maps->nr_paths,
				    test_log.last);
			ok = false;
		}
	} else {
		if (maps->nr_maps != 1 || maps->nr_paths != (size_t)pc->nr ||
		    test_log_problems()) {
			print_error("case \"%s\": %u maps, %zu paths, log \"%s\"\n",
				    pc->what, maps->nr_maps, maps->nr_paths,
				    test_log.last);
			ok = false;
		}
		for (i = 0; i < pc->nr; i++) {
			const char *m = dm_maps_lookup(maps,
					makedev(pc->dev[i][0], pc->dev[i][1]));

			if (!m || strcmp(m, "mpatha") != 0) {
				print_error("case \"%s\": %u:%u not found\n",
					    pc->what, pc->dev[i][0],
					    pc->dev[i][1]);
				ok = false;
			}
		}
	}
	/* Never a path that is not in the table. */
	if (dm_maps_lookup(maps, makedev(8, 0)) ||
	    dm_maps_lookup(maps, makedev(8, 99)) ||
	    dm_maps_lookup(maps, makedev(9, 1)) ||
	    dm_maps_lookup(maps, makedev(7, 7))) {
		print_error("case \"%s\": an argument was taken for a path\n",
			    pc->what);
		ok = false;
	}
	dm_maps_free(maps);
	if (teardown(NULL))
		ok = false;
	return ok;
}

static void multipath_tables_are_parsed_by_their_counts(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++)
		failed += !parse_case_holds(&parse_cases[i]);
	assert_int_equal(failed, 0);
}

/* --- reading several maps -------------------------------------------------------- */

static void bad_and_other_maps_are_skipped_good_ones_read(void **state)
{
	static const struct mock_map maps_def[] = {
		{ "linear0", false, { { "linear", "8:0 2048" } } },
		{ "mpatha", false, { { "multipath",
			"0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1" } } },
		/* The first path parses, then the table ends: none kept. */
		{ "mpathb", false, { { "multipath",
			"0 0 1 1 round-robin 0 2 1 8:96 1 8:112" } } },
		{ "gone", true, { { "multipath",
			"0 0 1 1 round-robin 0 1 1 8:144 1" } } },
		/* Two multipath targets, the second bad: the map goes. */
		{ "mpathd", false, { { "multipath",
			"0 0 1 1 round-robin 0 1 1 8:128 1" },
			{ "multipath", "0 0 1" } } },
		{ "empty", false, { { NULL } } },
		{ "mpathe", false, { { "linear", "8:0 0" }, { "multipath",
			"0 0 1 1 round-robin 0 1 1 65:16 1" } } },
	};
	struct dm_maps *maps;

	mock_set_maps(maps_def, ARRAY_SIZE(maps_def));
	maps = read_maps();
	assert_int_equal(maps->nr_maps, 2);
	assert_string_equal(dm_maps_lookup(maps, makedev(8, 16)), "mpatha");
	assert_string_equal(dm_maps_lookup(maps, makedev(8, 32)), "mpatha");
	assert_string_equal(dm_maps_lookup(maps, makedev(65, 16)), "mpathe");
	assert_null(dm_maps_lookup(maps, makedev(8, 96)));
	assert_null(dm_maps_lookup(maps, makedev(8, 128)));
	assert_null(dm_maps_lookup(maps, makedev(8, 144)));
	assert_null(dm_maps_lookup(maps, makedev(8, 0)));
	/* Warned about the two bad maps by name; the vanished one is no problem. */
	assert_int_equal(test_log_problems(), 2);
	assert_true(log_has("map mpathb: malformed"));
	assert_true(log_has("map mpathd: malformed"));
	dm_maps_free(maps);
}

static void no_maps_read_as_empty(void **state)
{
	struct dm_maps *maps;

	mock_set_maps(NULL, 0);
	maps = read_maps();
	assert_int_equal(maps->nr_maps, 0);
	assert_null(dm_maps_lookup(maps, makedev(8, 16)));
	assert_int_equal(test_log_problems(), 0);
	dm_maps_free(maps);
}

static void list_failure_returns_errno_and_leaves_ret(void **state)
{
	struct dm_maps *sentinel = (struct dm_maps *)&mock, *maps = sentinel;

	mock.list_errno = EACCES;
	assert_int_equal(dm_maps_read(&maps), -EACCES);
	assert_ptr_equal(maps, sentinel);
	assert_int_equal(test_log_problems(), 1);

	mock.list_errno = 0;
	mock.create_fails = true;
	assert_int_equal(dm_maps_read(&maps), -ENOMEM);
	assert_ptr_equal(maps, sentinel);
}

static void a_path_in_two_maps_stays_with_the_first(void **state)
{
	static const struct mock_map maps_def[] = {
		{ "mpatha", false, { { "multipath",
			"0 0 1 1 round-robin 0 3 1 8:16 1 8:32 1 8:16 1" } } },
		{ "mpathb", false, { { "multipath",
			"0 0 1 1 round-robin 0 2 1 8:48 1 8:16 1" } } },
	};
	struct dm_maps *maps;

	mock_set_maps(maps_def, ARRAY_SIZE(maps_def));
	maps = read_maps();
	assert_int_equal(maps->nr_paths, 3);
	assert_string_equal(dm_maps_lookup(maps, makedev(8, 16)), "mpatha");
	assert_string_equal(dm_maps_lookup(maps, makedev(8, 48)), "mpathb");
	/* Twice in one map is not worth a word; in two maps it is. */
	assert_int_equal(test_log_problems(), 1);
	assert_true(log_has("8:16 is in maps mpatha and mpathb"));
	dm_maps_free(maps);
}

/* Many maps: every path found in its own, none in another's. */
static void lookup_finds_every_path_among_many_maps(void **state)
{
	enum { NR = 2000, PER = 4 };
	struct mock_map *def = calloc(NR, sizeof(*def));
	char (*names)[16] = calloc(NR, sizeof(*names));
	char (*params)[160] = calloc(NR, sizeof(*params));
	struct dm_maps *maps;
	int i, j;

	assert_non_null(def);
	assert_non_null(names);
	assert_non_null(params);
	/* Listed in an order unrelated to the device numbers. */
	for (i = 0; i < NR; i++) {
		int k = (i * 7919) % NR;

		snprintf(names[i], sizeof(names[i]), "mpath%d", k);
		snprintf(params[i], sizeof(params[i]),
			 "0 0 2 1 round-robin 0 2 1 %d:%d 1 %d:%d 1 round-robin 0 2 1 %d:%d 1 %d:%d 1",
			 8 + k / 1000, (k % 1000) * PER,
			 8 + k / 1000, (k % 1000) * PER + 1,
			 8 + k / 1000, (k % 1000) * PER + 2,
			 8 + k / 1000, (k % 1000) * PER + 3);
		def[i].name = names[i];
		def[i].targets[0][0] = "multipath";
		def[i].targets[0][1] = params[i];
	}
	mock_set_maps(def, NR);
	maps = read_maps();
	assert_int_equal(maps->nr_maps, NR);
	assert_int_equal(maps->nr_paths, NR * PER);
	for (i = 0; i < NR; i++) {
		char want[16];

		snprintf(want, sizeof(want), "mpath%d", i);
		for (j = 0; j < PER; j++)
			assert_string_equal(dm_maps_lookup(maps,
				makedev(8 + i / 1000, (i % 1000) * PER + j)), want);
	}
	assert_null(dm_maps_lookup(maps, makedev(8, 1000 * PER)));
	assert_null(dm_maps_lookup(maps, makedev(7, 0)));
	assert_null(dm_maps_lookup(maps, makedev(10, 0)));
	assert_null(dm_maps_lookup(NULL, makedev(8, 0)));
	dm_maps_free(maps);
	dm_maps_free(NULL);
	free(def);
	free(names);
	free(params);
}

/* --- path messages --------------------------------------------------------------- */

static void assert_sent(int i, const char *map, const char *text)
{
	assert_true(i < mock.nr_sent);
	assert_string_equal(mock.sent[i].map, map);
	assert_true(mock.sent[i].sector_set);
	assert_int_equal(mock.sent[i].sector, 0);
	assert_string_equal(mock.sent[i].text, text);
}

static void fail_path_sends_fail_path_to_the_map_at_sector_0(void **state)
{
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), 0);
	assert_int_equal(mock.nr_sent, 1);
	assert_sent(0, "mpatha", "fail_path 8:16");
	assert_int_equal(mock.created, 1);
	assert_int_equal(test_log_problems(), 0);
}

static void reinstate_path_sends_reinstate_path(void **state)
{
	assert_int_equal(dm_reinstate_path("mpathb", makedev(8, 16)), 0);
	assert_int_equal(dm_reinstate_path("3600a0b80000f1c2d", makedev(259, 1048575)), 0);
	assert_int_equal(mock.nr_sent, 2);
	assert_sent(0, "mpathb", "reinstate_path 8:16");
	assert_sent(1, "3600a0b80000f1c2d", "reinstate_path 259:1048575");
	assert_int_equal(test_log_problems(), 0);
}

static void failed_message_returns_errno_and_names_map_and_path(void **state)
{
	mock.msg_errno = ENXIO;
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), -ENXIO);
	assert_int_equal(test_log_problems(), 1);
	assert_non_null(strstr(test_log.last, "mpatha"));
	assert_non_null(strstr(test_log.last, "fail_path 8:16"));

	/* No errno from libdevmapper: still an error, -EIO. */
	test_log_start();
	mock.msg_errno = -1;
	assert_int_equal(dm_reinstate_path("mpathb", makedev(65, 32)), -EIO);
	assert_int_equal(test_log_problems(), 1);
	assert_non_null(strstr(test_log.last, "mpathb"));
	assert_non_null(strstr(test_log.last, "reinstate_path 65:32"));
}

static void task_create_failure_is_enomem_and_logged(void **state)
{
	mock.create_fails = true;
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), -ENOMEM);
	assert_int_equal(mock.nr_sent, 0);
	assert_int_equal(test_log_problems(), 1);
	assert_non_null(strstr(test_log.last, "mpatha"));
	assert_non_null(strstr(test_log.last, "8:16"));
}

static void message_without_a_map_is_einval(void **state)
{
	assert_int_equal(dm_fail_path(NULL, makedev(8, 16)), -EINVAL);
	assert_int_equal(dm_reinstate_path("", makedev(8, 16)), -EINVAL);
	assert_int_equal(mock.created, 0);
}

/* --- availability and logging ---------------------------------------------------- */

static void unavailable_without_control_node(void **state)
{
	dm_control_path = "/nonexistent/mapper/control";
	assert_false(dm_available());
	/* Quietly, and libdevmapper not even asked. */
	assert_int_equal(mock.created, 0);
	assert_int_equal(test_log_problems(), 0);

	/* A node that is not a character device is no control node either. */
	dm_control_path = "/";
	assert_false(dm_available());
	assert_int_equal(mock.created, 0);
}

static void available_when_the_driver_answers(void **state)
{
	/* Any character device stands for the node; the fake answers. */
	dm_control_path = "/dev/null";
	assert_true(dm_available());
	assert_int_equal(mock.created, 1);
	assert_int_equal(mock.runs, 1);

	mock.version_fails = true;
	assert_false(dm_available());
	assert_int_equal(test_log_problems(), 0);
}

static void libdevmapper_messages_go_to_the_debug_log(void **state)
{
	int debug;

	dm_control_path = "/dev/null";
	assert_true(dm_available());
	assert_true(mock.log_fn == dm_log_to_mpath);
	debug = test_log.count[MPATH_LOG_DEBUG];
	mock.log_fn(3, "libdm-common.c", 42, 0, "device %s: %s", "mpatha",
		    "some error");
	assert_int_equal(test_log.count[MPATH_LOG_DEBUG], debug + 1);
	assert_int_equal(test_log_problems(), 0);
	assert_true(log_has("libdevmapper: device mpatha: some error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(multipath_tables_are_parsed_by_their_counts),
		T(bad_and_other_maps_are_skipped_good_ones_read),
		T(no_maps_read_as_empty),
		T(list_failure_returns_errno_and_leaves_ret),
		T(a_path_in_two_maps_stays_with_the_first),
		T(lookup_finds_every_path_among_many_maps),
		T(fail_path_sends_fail_path_to_the_map_at_sector_0),
		T(reinstate_path_sends_reinstate_path),
		T(failed_message_returns_errno_and_names_map_and_path),
		T(task_create_failure_is_enomem_and_logged),
		T(message_without_a_map_is_einval),
		T(unavailable_without_control_node),
		T(available_when_the_driver_answers),
		T(libdevmapper_messages_go_to_the_debug_log),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
