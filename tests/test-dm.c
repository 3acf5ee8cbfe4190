// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-dm.c - multipathd's device-mapper module (multipathd/dm.c, included
 * here) against a mocked libdevmapper: every dm_* call it makes is wrapped
 * (-Wl,--wrap) by a fake that serves a scripted list of maps (map i is dm
 * device 253:i) with their names, uuids, states and target statuses, and
 * records the target messages sent. No device-mapper is needed, and none
 * is touched.
 *
 * Pinned down: a multipath target's status is parsed by its counts into
 * the paths in table order, each with its A/F state and fail count (a
 * table of realistic and malformed kernel status strings; a malformed one
 * is -EINVAL with a warning naming the map); dm_map_read() asks one
 * DM_DEVICE_STATUS ioctl by major:minor, copies name and uuid, and tells
 * apart a vanished map (-ENXIO), one without a live table (-ENODATA), one
 * that is not (only) multipath (-EMEDIUMTYPE), names too long
 * (-ENAMETOOLONG) and no memory (-ENOMEM, each allocation made to fail in
 * turn), quietly except where dm.h says it logs, leaving *ret alone and
 * leaking nothing on error (run it under valgrind); dm_map_list() gives
 * every map's name and devt, or -errno logged; the exact fail_path /
 * reinstate_path message, map and sector, with errors returned as -errno
 * and logged at debug level only; dm_available() without a control node;
 * libdevmapper's own messages go to the debug log; every task created is
 * destroyed, and libdevmapper's strings are read, never written.
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
#define MOCK_MAJOR	253
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* How a map answers DM_DEVICE_STATUS. */
enum mock_state {
	MAP_LIVE = 0,		/* its table is live: targets and statuses */
	MAP_NO_TABLE,		/* created, no table loaded and resumed yet */
	MAP_GONE,		/* listed, but the status ioctl fails: ENXIO */
	MAP_GONE_QUIETLY,	/* as libdevmapper reports ENXIO for STATUS:
				   the run succeeds, info says it does not exist */
};

/*
 * A map the fake serves: listed by DM_DEVICE_LIST as 253:<index>, and by
 * DM_DEVICE_STATUS on that device number: its name, uuid and targets.
 */
struct mock_map {
	const char *name;
	const char *uuid;	/* NULL: none (libdevmapper then gives "") */
	enum mock_state state;
	const char *targets[MOCK_TARGETS][2];	/* { type, status }, NULL-ended */
};

/* One message the code under test sent, as the fake saw it. */
struct mock_msg {
	char map[512];
	bool sector_set;
	uint64_t sector;
	char text[64];
};

struct mock_task {
	int type;
	char name[512];
	int major, minor;			/* -1 until set */
	bool sector_set;
	uint64_t sector;
	char *message;
	bool ran;				/* dm_task_run() succeeded */
	int err;				/* for dm_task_get_errno() */
	void *names;				/* dm_task_get_names() buffer */
	const struct mock_map *map;		/* after a DM_DEVICE_STATUS run */
	bool exists;
	char *params[MOCK_TARGETS];		/* what dm_get_next_target() hands out */
};

/* The script and the record. Only the test's thread touches it. */
static struct {
	const struct mock_map *maps;
	size_t nr_maps;
	int list_errno;		/* DM_DEVICE_LIST fails with this, if set */
	int status_errno;	/* DM_DEVICE_STATUS fails: this errno (-1: none given) */
	bool version_fails;
	bool create_fails;
	bool set_fails;		/* dm_task_set_{major,minor,name} fail */
	int msg_errno;		/* DM_DEVICE_TARGET_MSG fails: this errno (-1: none given) */
	int fail_alloc;		/* this realloc()/strdup() and later ones fail (0: none) */
	int allocs;		/* realloc()s and strdup()s so far */
	int created, destroyed, runs;
	struct mock_task last;	/* the last task destroyed, as it was */
	struct mock_msg sent[8];
	int nr_sent;
	dm_log_with_errno_fn log_fn;
} mock;

struct dm_task *__wrap_dm_task_create(int type);
void __wrap_dm_task_destroy(struct dm_task *dmt);
int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name);
int __wrap_dm_task_set_major(struct dm_task *dmt, int major);
int __wrap_dm_task_set_minor(struct dm_task *dmt, int minor);
int __wrap_dm_task_set_sector(struct dm_task *dmt, uint64_t sector);
int __wrap_dm_task_set_message(struct dm_task *dmt, const char *message);
int __wrap_dm_task_no_open_count(struct dm_task *dmt);
int __wrap_dm_task_run(struct dm_task *dmt);
int __wrap_dm_task_get_errno(struct dm_task *dmt);
int __wrap_dm_task_get_info(struct dm_task *dmt, struct dm_info *dmi);
const char *__wrap_dm_task_get_name(const struct dm_task *dmt);
const char *__wrap_dm_task_get_uuid(const struct dm_task *dmt);
struct dm_names *__wrap_dm_task_get_names(struct dm_task *dmt);
void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params);
void __wrap_dm_log_with_errno_init(dm_log_with_errno_fn fn);
void *__wrap_realloc(void *ptr, size_t size);
char *__wrap_strdup(const char *s);
void *__real_realloc(void *ptr, size_t size);
char *__real_strdup(const char *s);

/*
 * The allocations dm.c makes, so that each can be made to fail (-ENOMEM,
 * nothing leaked: valgrind says). The fake's own copies use the real ones.
 */
void *__wrap_realloc(void *ptr, size_t size)
{
	if (mock.fail_alloc && ++mock.allocs >= mock.fail_alloc)
		return NULL;
	return __real_realloc(ptr, size);
}

char *__wrap_strdup(const char *s)
{
	if (mock.fail_alloc && ++mock.allocs >= mock.fail_alloc)
		return NULL;
	return __real_strdup(s);
}

struct dm_task *__wrap_dm_task_create(int type)
{
	struct mock_task *t;

	if (mock.create_fails)
		return NULL;
	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->type = type;
	t->major = t->minor = -1;
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
		t->params[i] = NULL;
	}
	free(t->message);
	t->message = NULL;
	free(t->names);
	t->names = NULL;
	mock.last = *t;
	free(t);
	mock.destroyed++;
}

int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name)
{
	struct mock_task *t = (struct mock_task *)dmt;

	if (mock.set_fails)
		return 0;
	assert_true(strlen(name) < sizeof(t->name));
	strcpy(t->name, name);
	return 1;
}

int __wrap_dm_task_set_major(struct dm_task *dmt, int major)
{
	if (mock.set_fails)
		return 0;
	((struct mock_task *)dmt)->major = major;
	return 1;
}

int __wrap_dm_task_set_minor(struct dm_task *dmt, int minor)
{
	if (mock.set_fails)
		return 0;
	((struct mock_task *)dmt)->minor = minor;
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
	t->message = __real_strdup(message);
	assert_non_null(t->message);
	return 1;
}

int __wrap_dm_task_no_open_count(struct dm_task *dmt)
{
	return 1;
}

/* The map that is dm device major:minor, as the kernel finds it. */
static const struct mock_map *mock_find_dev(int major, int minor)
{
	if (major != MOCK_MAJOR || minor < 0 || (size_t)minor >= mock.nr_maps)
		return NULL;
	return &mock.maps[minor];
}

static int mock_run_status(struct mock_task *t)
{
	const struct mock_map *m;
	int i;

	/* By device number only: both halves of it set, no name. */
	assert_true(t->major >= 0);
	assert_true(t->minor >= 0);
	assert_string_equal(t->name, "");
	if (mock.status_errno) {
		t->err = mock.status_errno > 0 ? mock.status_errno : 0;
		return 0;
	}
	m = mock_find_dev(t->major, t->minor);
	if (!m || m->state == MAP_GONE) {
		t->err = ENXIO;
		return 0;
	}
	t->ran = true;
	if (m->state == MAP_GONE_QUIETLY)
		return 1;
	t->exists = true;
	t->map = m;
	if (m->state == MAP_NO_TABLE)
		return 1;
	for (i = 0; i < MOCK_TARGETS && m->targets[i][0]; i++) {
		if (!m->targets[i][1])
			continue;
		t->params[i] = __real_strdup(m->targets[i][1]);
		assert_non_null(t->params[i]);
	}
	return 1;
}

int __wrap_dm_task_run(struct dm_task *dmt)
{
	struct mock_task *t = (struct mock_task *)dmt;
	struct mock_msg *msg;

	mock.runs++;
	switch (t->type) {
	case DM_DEVICE_VERSION:
		t->err = mock.version_fails ? ENXIO : 0;
		t->ran = !mock.version_fails;
		return t->ran;
	case DM_DEVICE_LIST:
		t->err = mock.list_errno > 0 ? mock.list_errno : 0;
		t->ran = !mock.list_errno;
		return t->ran;
	case DM_DEVICE_STATUS:
		return mock_run_status(t);
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
		t->ran = true;
		return 1;
	}
	fail_msg("unexpected task type %d", t->type);
	return 0;
}

int __wrap_dm_task_get_errno(struct dm_task *dmt)
{
	return ((struct mock_task *)dmt)->err;
}

int __wrap_dm_task_get_info(struct dm_task *dmt, struct dm_info *dmi)
{
	struct mock_task *t = (struct mock_task *)dmt;

	assert_int_equal(t->type, DM_DEVICE_STATUS);
	assert_true(t->ran);
	memset(dmi, 0, sizeof(*dmi));
	dmi->exists = t->exists;
	if (!t->exists)
		return 1;
	dmi->live_table = t->map->state == MAP_LIVE;
	dmi->inactive_table = t->map->state == MAP_NO_TABLE;
	dmi->major = t->major;
	dmi->minor = t->minor;
	for (dmi->target_count = 0;
	     dmi->live_table && dmi->target_count < MOCK_TARGETS &&
	     t->map->targets[dmi->target_count][0]; dmi->target_count++)
		;
	return 1;
}

const char *__wrap_dm_task_get_name(const struct dm_task *dmt)
{
	const struct mock_task *t = (const struct mock_task *)dmt;

	assert_int_equal(t->type, DM_DEVICE_STATUS);
	assert_true(t->ran && t->exists);
	return t->map->name;
}

const char *__wrap_dm_task_get_uuid(const struct dm_task *dmt)
{
	const struct mock_task *t = (const struct mock_task *)dmt;

	assert_int_equal(t->type, DM_DEVICE_STATUS);
	assert_true(t->ran && t->exists);
	return t->map->uuid ? t->map->uuid : "";
}

static size_t mock_names_entry(const char *name)
{
	return (offsetof(struct dm_names, name) + strlen(name) + 1 + 7) &
	       ~(size_t)7;
}

/* The kernel's name list: entries 8-aligned, each "next" an offset. */
struct dm_names *__wrap_dm_task_get_names(struct dm_task *dmt)
{
	struct mock_task *t = (struct mock_task *)dmt;
	size_t i, size = 0, off = 0;
	struct dm_names *n = NULL;
	char *buf;

	assert_int_equal(t->type, DM_DEVICE_LIST);
	assert_true(t->ran);
	for (i = 0; i < mock.nr_maps; i++)
		size += mock_names_entry(mock.maps[i].name);
	buf = calloc(1, size + sizeof(struct dm_names));
	assert_non_null(buf);
	free(t->names);
	t->names = buf;
	/* No maps: one entry with dev 0. */
	for (i = 0; i < mock.nr_maps; i++) {
		n = (struct dm_names *)(buf + off);
		n->dev = makedev(MOCK_MAJOR, i);
		strcpy(n->name, mock.maps[i].name);
		n->next = mock_names_entry(mock.maps[i].name);
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

	assert_int_equal(t->type, DM_DEVICE_STATUS);
	assert_true(t->ran && t->exists);
	/* Without a live table, the status has no targets to ask for. */
	assert_int_equal(t->map->state, MAP_LIVE);
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

/* A string of n copies of c, in a static buffer per slot. */
static const char *long_str(int slot, char c, size_t n)
{
	static char buf[4][300];

	assert_true(slot < 4 && n < sizeof(buf[0]));
	memset(buf[slot], c, n);
	buf[slot][n] = '\0';
	return buf[slot];
}

/*
 * dm_map_read() that must fail with err: *ret left alone (nothing to
 * release), one task, created and destroyed.
 */
static void assert_read_fails(dev_t devt, int err)
{
	struct dm_map_info info, before;

	memset(&info, 0x5a, sizeof(info));
	before = info;
	assert_int_equal(dm_map_read(devt, &info), err);
	assert_memory_equal(&info, &before, sizeof(info));
}

/* --- parsing a multipath status: one map per case -------------------------------- */

#define MALFORMED	-1

struct want_path {
	unsigned int maj, min;
	bool failed;
	unsigned int fail_count;
};

struct parse_case {
	const char *what;
	const char *status;
	int nr;				/* paths in the map, or MALFORMED */
	struct want_path paths[8];	/* in table order */
};

#define A(maj, min, n)	{ maj, min, false, n }
#define F(maj, min, n)	{ maj, min, true, n }

static const struct parse_case parse_cases[] = {
	/* <#features> <features> <#hwh> <hwh> <#groups> <next group>
	   per group: <state> <#sel> <sel> <#paths> <#path words>
	   per path: <dev> <A|F> <fail count> <path words> */
	{ "one group, one path word each, the second path failed",
	  "2 0 0 0 1 1 A 0 2 1 8:0 A 0 0 8:16 F 1 0",
	  2, { A(8, 0, 0), F(8, 16, 1) } },
	{ "round-robin as the kernel prints it: no path words",
	  "2 0 0 0 1 1 A 0 3 0 8:16 A 0 8:32 F 7 8:48 A 2",
	  3, { A(8, 16, 0), F(8, 32, 7), A(8, 48, 2) } },
	{ "two groups, service-time: two path words",
	  "2 0 0 0 2 1 A 0 2 2 8:16 A 0 0 1 8:32 F 3 0 1 "
	  "E 0 2 2 8:48 A 0 0 1 8:64 A 0 0 1",
	  4, { A(8, 16, 0), F(8, 32, 3), A(8, 48, 0), A(8, 64, 0) } },
	{ "table order, not device order",
	  "2 0 0 0 2 2 E 0 2 0 65:16 A 0 8:32 A 0 A 0 2 0 8:16 F 1 8:0 A 0",
	  4, { A(65, 16, 0), A(8, 32, 0), F(8, 16, 1), A(8, 0, 0) } },
	{ "queueing, and init retries counted",
	  "2 1 4 0 1 1 A 0 1 0 8:16 F 12",
	  1, { F(8, 16, 12) } },
	{ "features by name, with words that look like counts and devices",
	  "4 queue_if_no_path pg_init_retries 50 8:99 0 1 1 A 0 1 0 65:0 A 0",
	  1, { A(65, 0, 0) } },
	{ "a hardware handler with a word",
	  "2 0 0 1 alua 1 1 A 0 2 1 8:16 A 0 0 8:32 A 0 0",
	  2, { A(8, 16, 0), A(8, 32, 0) } },
	{ "a hardware handler whose words look like devices",
	  "2 0 0 3 emc 8:99 8:98 1 1 A 0 1 0 8:16 A 0",
	  1, { A(8, 16, 0) } },
	{ "selector words and path words that look like devices",
	  "2 0 0 0 1 1 A 2 9:1 9:2 2 2 8:16 A 0 7:7 7:6 8:32 F 1 7:8 7:9",
	  2, { A(8, 16, 0), F(8, 32, 1) } },
	{ "a path word that looks like a device, skipped by its count",
	  "2 0 0 0 1 1 A 0 1 3 8:16 A 0 8:32 A 0",
	  1, { A(8, 16, 0) } },
	{ "disabled, active and enabled groups",
	  "2 0 0 0 3 2 D 0 1 0 8:16 F 2 A 0 1 0 8:32 A 0 E 0 1 0 8:48 A 1",
	  3, { F(8, 16, 2), A(8, 32, 0), A(8, 48, 1) } },
	{ "a group without paths",
	  "2 0 0 0 2 2 E 0 0 0 A 0 1 0 8:16 A 0",
	  1, { A(8, 16, 0) } },
	{ "no groups at all", "2 0 0 0 0 0", 0, { { 0 } } },
	{ "no features, no handler, no groups", "0 0 0 0", 0, { { 0 } } },
	{ "largest device numbers and fail count",
	  "2 0 0 0 1 1 A 0 2 0 4095:1048575 F 4294967295 0:0 A 0",
	  2, { F(4095, 1048575, 4294967295u), A(0, 0, 0) } },
	{ "leading zeroes",
	  "02 0 0 0 01 1 A 00 1 0 008:0016 A 007",
	  1, { A(8, 16, 7) } },
	{ "extra blanks, tabs and newlines",
	  "  2  0 0\t\t0 1 1 A 0 1 0\n\t8:16 \t F 1 \n",
	  1, { F(8, 16, 1) } },
	{ "trailing words are ignored",
	  "2 0 0 0 1 1 A 0 1 0 8:16 A 0 something new",
	  1, { A(8, 16, 0) } },

	{ "no status", NULL, MALFORMED, { { 0 } } },
	{ "empty", "", MALFORMED, { { 0 } } },
	{ "only blanks", "   ", MALFORMED, { { 0 } } },
	{ "feature count beyond the end", "2 0", MALFORMED, { { 0 } } },
	{ "hardware handler count beyond the end", "2 0 0 2 alua",
	  MALFORMED, { { 0 } } },
	{ "no hardware handler count", "2 0 0", MALFORMED, { { 0 } } },
	{ "no group count", "2 0 0 0", MALFORMED, { { 0 } } },
	{ "no next group", "2 0 0 0 1", MALFORMED, { { 0 } } },
	{ "a group missing", "2 0 0 0 2 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "truncated after the group state", "2 0 0 0 1 1 A",
	  MALFORMED, { { 0 } } },
	{ "selector word count beyond the end",
	  "2 0 0 0 1 1 A 9 1 0 8:16 A 0", MALFORMED, { { 0 } } },
	{ "no path count", "2 0 0 0 1 1 A 0", MALFORMED, { { 0 } } },
	{ "no path word count", "2 0 0 0 1 1 A 0 1", MALFORMED, { { 0 } } },
	{ "a path missing", "2 0 0 0 1 1 A 0 2 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "a path without its state", "2 0 0 0 1 1 A 0 1 0 8:16",
	  MALFORMED, { { 0 } } },
	{ "a path without its fail count", "2 0 0 0 1 1 A 0 1 0 8:16 A",
	  MALFORMED, { { 0 } } },
	{ "truncated inside the last path's words",
	  "2 0 0 0 1 1 A 0 2 2 8:16 A 0 0 1 8:32 A 0 0", MALFORMED, { { 0 } } },
	{ "path words miscounted: the next path's state taken for a device",
	  "2 0 0 0 1 1 A 0 2 1 8:16 A 0 8:32 A 0", MALFORMED, { { 0 } } },
	{ "group state X", "2 0 0 0 1 1 X 0 1 0 8:16 A 0", MALFORMED, { { 0 } } },
	{ "group state lower case", "2 0 0 0 1 1 a 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "group state of two letters", "2 0 0 0 1 1 AE 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "group state a number (a selector name would be)",
	  "2 0 0 0 1 1 0 1 0 8:16 A 0", MALFORMED, { { 0 } } },
	{ "path state X", "2 0 0 0 1 1 A 0 1 0 8:16 X 0", MALFORMED, { { 0 } } },
	{ "path state lower case", "2 0 0 0 1 1 A 0 1 0 8:16 f 0",
	  MALFORMED, { { 0 } } },
	{ "path state of two letters", "2 0 0 0 1 1 A 0 1 0 8:16 AF 0",
	  MALFORMED, { { 0 } } },
	{ "path state D (a group's)", "2 0 0 0 1 1 A 0 1 0 8:16 D 0",
	  MALFORMED, { { 0 } } },
	{ "fail count not a number", "2 0 0 0 1 1 A 0 1 0 8:16 F x",
	  MALFORMED, { { 0 } } },
	{ "negative fail count", "2 0 0 0 1 1 A 0 1 0 8:16 F -1",
	  MALFORMED, { { 0 } } },
	{ "fail count beyond 32 bits", "2 0 0 0 1 1 A 0 1 0 8:16 F 4294967296",
	  MALFORMED, { { 0 } } },
	{ "count not a number", "x 0 0 0 1 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "negative count", "-2 0 0 0 1 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "count with a sign", "+2 0 0 0 1 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "count in hex", "0x2 0 0 0 1 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "group count beyond 32 bits", "2 0 0 0 4294967297 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "overflowing path count",
	  "2 0 0 0 1 1 A 0 99999999999999999999999 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "large path count, few paths", "2 0 0 0 1 1 A 0 4000000000 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "large path word count", "2 0 0 0 1 1 A 0 1 4294967295 8:16 A 0 1",
	  MALFORMED, { { 0 } } },
	{ "large group count", "2 0 0 0 4294967295 1 A 0 1 0 8:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "device by name", "2 0 0 0 1 1 A 0 1 0 sdb A 0", MALFORMED, { { 0 } } },
	{ "device without a colon", "2 0 0 0 1 1 A 0 1 0 2064 A 0",
	  MALFORMED, { { 0 } } },
	{ "device without minor", "2 0 0 0 1 1 A 0 1 0 8: A 0", MALFORMED, { { 0 } } },
	{ "device without major", "2 0 0 0 1 1 A 0 1 0 :16 A 0", MALFORMED, { { 0 } } },
	{ "device with junk", "2 0 0 0 1 1 A 0 1 0 8:16x A 0", MALFORMED, { { 0 } } },
	{ "device with two colons", "2 0 0 0 1 1 A 0 1 0 8:1:6 A 0",
	  MALFORMED, { { 0 } } },
	{ "negative device", "2 0 0 0 1 1 A 0 1 0 -8:16 A 0", MALFORMED, { { 0 } } },
	{ "device with a sign", "2 0 0 0 1 1 A 0 1 0 8:+16 A 0", MALFORMED, { { 0 } } },
	{ "device in hex", "2 0 0 0 1 1 A 0 1 0 0x8:16 A 0", MALFORMED, { { 0 } } },
	{ "major out of range", "2 0 0 0 1 1 A 0 1 0 4096:0 A 0",
	  MALFORMED, { { 0 } } },
	{ "minor out of range", "2 0 0 0 1 1 A 0 1 0 8:1048576 A 0",
	  MALFORMED, { { 0 } } },
	{ "major overflowing 64 bits", "2 0 0 0 1 1 A 0 1 0 18446744073709551624:16 A 0",
	  MALFORMED, { { 0 } } },
	{ "minor overflowing 64 bits", "2 0 0 0 1 1 A 0 1 0 8:18446744073709551632 A 0",
	  MALFORMED, { { 0 } } },
	/* The first paths parse, then the status ends: none kept. */
	{ "a good path, then a bad one", "2 0 0 0 1 1 A 0 2 0 8:16 A 0 8:32 A",
	  MALFORMED, { { 0 } } },
};

/* Run one case; false (with the reason printed) if it did not hold. */
static bool parse_case_holds(const struct parse_case *pc)
{
	struct mock_map map = {
		.name = "mpath-parse", .uuid = "mpath-3600a0b80000f1c2d",
		.targets = { { "multipath", pc->status } },
	};
	struct dm_map_info info, before;
	bool ok = true;
	int i, err;

	setup(NULL);
	mock_set_maps(&map, 1);
	memset(&info, 0x5a, sizeof(info));
	before = info;
	err = dm_map_read(makedev(MOCK_MAJOR, 0), &info);
	if (pc->nr == MALFORMED) {
		if (err != -EINVAL || test_log_problems() != 1 ||
		    test_log.count[MPATH_LOG_WARNING] != 1 ||
		    !strstr(test_log.last, "mpath-parse") ||
		    memcmp(&info, &before, sizeof(info)) != 0) {
			print_error("case \"%s\": not malformed (%d, log \"%s\")\n",
				    pc->what, err, test_log.last);
			ok = false;
		}
		if (!err)
			dm_map_info_release(&info);
	} else if (err) {
		print_error("case \"%s\": %d, log \"%s\"\n", pc->what, err,
			    test_log.last);
		ok = false;
	} else {
		if (info.nr_paths != (unsigned int)pc->nr ||
		    test_log_problems() ||
		    strcmp(info.name, "mpath-parse") != 0 ||
		    strcmp(info.uuid, "mpath-3600a0b80000f1c2d") != 0 ||
		    info.devt != makedev(MOCK_MAJOR, 0)) {
			print_error("case \"%s\": %u paths, map \"%s\" \"%s\", log \"%s\"\n",
				    pc->what, info.nr_paths, info.name,
				    info.uuid, test_log.last);
			ok = false;
		}
		for (i = 0; ok && i < pc->nr; i++) {
			const struct want_path *w = &pc->paths[i];
			const struct dm_map_path *p = &info.paths[i];

			if (p->devt != makedev(w->maj, w->min) ||
			    p->failed != w->failed ||
			    p->fail_count != w->fail_count) {
				print_error("case \"%s\": path %d is %u:%u %c %u, not %u:%u %c %u\n",
					    pc->what, i, major(p->devt),
					    minor(p->devt), p->failed ? 'F' : 'A',
					    p->fail_count, w->maj, w->min,
					    w->failed ? 'F' : 'A', w->fail_count);
				ok = false;
			}
		}
		dm_map_info_release(&info);
	}
	/* One ioctl per read, whatever came of it. */
	if (mock.created != 1 || mock.runs != 1) {
		print_error("case \"%s\": %d tasks, %d runs\n", pc->what,
			    mock.created, mock.runs);
		ok = false;
	}
	if (teardown(NULL))
		ok = false;
	return ok;
}

static void multipath_statuses_are_parsed_by_their_counts(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++)
		failed += !parse_case_holds(&parse_cases[i]);
	assert_int_equal(failed, 0);
}

/* Many paths in many groups: all of them, in table order. */
static void many_paths_come_in_table_order(void **state)
{
	enum { GROUPS = 5, PER = 41, WORDS = 2 };
	static char status[GROUPS * PER * 48 + 256];
	struct mock_map map = {
		.name = "mpathbig", .targets = { { "multipath", status } },
	};
	struct dm_map_info info;
	size_t len;
	int g, p, i;

	len = snprintf(status, sizeof(status), "2 0 0 1 alua %d 1 ", GROUPS);
	for (g = 0; g < GROUPS; g++) {
		len += snprintf(status + len, sizeof(status) - len,
				"%c 0 %d %d ", g ? 'E' : 'A', PER, WORDS);
		for (p = 0; p < PER; p++) {
			i = g * PER + p;
			/* Devices in descending order: table order is kept. */
			len += snprintf(status + len, sizeof(status) - len,
					"%d:%d %c %d 8:%d 1 ", 8 + i / 100,
					1000 - i, i % 3 ? 'A' : 'F', i, i);
		}
	}
	assert_true(len < sizeof(status));
	mock_set_maps(&map, 1);
	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 0), &info), 0);
	assert_int_equal(info.nr_paths, GROUPS * PER);
	for (i = 0; i < GROUPS * PER; i++) {
		assert_int_equal(major(info.paths[i].devt), 8 + i / 100);
		assert_int_equal(minor(info.paths[i].devt), 1000 - i);
		assert_int_equal(info.paths[i].failed, i % 3 == 0);
		assert_int_equal(info.paths[i].fail_count, i);
	}
	assert_int_equal(test_log_problems(), 0);
	dm_map_info_release(&info);
	assert_null(info.paths);
	assert_int_equal(info.nr_paths, 0);
	/* Releasing twice is harmless. */
	dm_map_info_release(&info);
}

/* --- dm_map_read ----------------------------------------------------------------- */

static const struct mock_map three_maps[] = {
	{ .name = "mpatha", .uuid = "mpath-3600a0b80000f1c2d0000000000000001",
	  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:0 A 0" } } },
	{ .name = "vg-lv", .uuid = "LVM-abcdef",
	  .targets = { { "linear", "" } } },
	{ .name = "mpathc", .uuid = "mpath-3600a0b80000f1c2d0000000000000003",
	  .targets = { { "multipath",
		"2 1 0 1 alua 2 2 E 0 1 2 8:16 F 2 0 1 A 0 1 2 8:32 A 0 0 1" } } },
};

static void read_asks_one_status_by_devt_and_copies_name_uuid_paths(void **state)
{
	struct dm_map_info info;

	mock_set_maps(three_maps, ARRAY_SIZE(three_maps));
	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 2), &info), 0);
	/* One status ioctl, by major and minor. */
	assert_int_equal(mock.created, 1);
	assert_int_equal(mock.runs, 1);
	assert_int_equal(mock.last.type, DM_DEVICE_STATUS);
	assert_int_equal(mock.last.major, MOCK_MAJOR);
	assert_int_equal(mock.last.minor, 2);
	assert_string_equal(mock.last.name, "");

	assert_string_equal(info.name, "mpathc");
	assert_string_equal(info.uuid, "mpath-3600a0b80000f1c2d0000000000000003");
	assert_true(info.devt == makedev(MOCK_MAJOR, 2));
	assert_int_equal(info.nr_paths, 2);
	assert_true(info.paths[0].devt == makedev(8, 16));
	assert_true(info.paths[0].failed);
	assert_int_equal(info.paths[0].fail_count, 2);
	assert_true(info.paths[1].devt == makedev(8, 32));
	assert_false(info.paths[1].failed);
	assert_int_equal(info.paths[1].fail_count, 0);
	assert_int_equal(test_log_problems(), 0);
	dm_map_info_release(&info);

	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 0), &info), 0);
	assert_int_equal(mock.last.minor, 0);
	assert_string_equal(info.name, "mpatha");
	assert_int_equal(info.nr_paths, 1);
	assert_true(info.paths[0].devt == makedev(8, 0));
	dm_map_info_release(&info);
	assert_int_equal(mock.created, 2);
}

static void read_of_a_map_without_uuid_gives_empty_uuid(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "plain", .targets = { { "multipath", "2 0 0 0 0 0" } } },
	};
	struct dm_map_info info;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	memset(&info, 0x5a, sizeof(info));
	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 0), &info), 0);
	assert_string_equal(info.name, "plain");
	assert_string_equal(info.uuid, "");
	assert_int_equal(info.nr_paths, 0);
	dm_map_info_release(&info);
}

static void read_of_longest_name_and_uuid_succeeds(void **state)
{
	struct mock_map maps[] = {
		{ .name = long_str(0, 'n', DM_MAP_NAME_MAX - 1),
		  .uuid = long_str(1, 'u', DM_MAP_UUID_MAX - 1),
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" } } },
	};
	struct dm_map_info info;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 0), &info), 0);
	assert_string_equal(info.name, maps[0].name);
	assert_string_equal(info.uuid, maps[0].uuid);
	assert_int_equal(info.nr_paths, 1);
	assert_int_equal(test_log_problems(), 0);
	dm_map_info_release(&info);
}

static void read_of_too_long_name_or_uuid_is_enametoolong(void **state)
{
	struct mock_map maps[] = {
		{ .name = long_str(0, 'n', DM_MAP_NAME_MAX), .uuid = "u",
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" } } },
		{ .name = "mpathb", .uuid = long_str(1, 'u', DM_MAP_UUID_MAX),
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:32 A 0" } } },
	};

	mock_set_maps(maps, ARRAY_SIZE(maps));
	assert_read_fails(makedev(MOCK_MAJOR, 0), -ENAMETOOLONG);
	assert_read_fails(makedev(MOCK_MAJOR, 1), -ENAMETOOLONG);
	assert_int_equal(mock.created, 2);
	/* Warned, naming the device. */
	assert_int_equal(test_log_problems(), 2);
	assert_true(test_log_contains("253:0"));
	assert_true(test_log_contains("253:1"));
}

static void read_of_map_without_live_table_is_enodata_quietly(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "mpatha", .uuid = "mpath-1", .state = MAP_NO_TABLE,
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" } } },
	};

	mock_set_maps(maps, ARRAY_SIZE(maps));
	assert_read_fails(makedev(MOCK_MAJOR, 0), -ENODATA);
	assert_int_equal(mock.runs, 1);
	assert_int_equal(test_log_problems(), 0);
}

static void read_of_other_or_mixed_map_is_emediumtype(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "vg-lv", .targets = { { "linear", "" } } },
		{ .name = "crypt", .targets = { { "crypt", "" } } },
		/* A live table without targets. */
		{ .name = "empty" },
		/* Two multipath targets: messages could reach only the first. */
		{ .name = "twomp", .targets = {
			{ "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" },
			{ "multipath", "2 0 0 0 1 1 A 0 1 0 8:32 A 0" } } },
		/* Mixed with a status that makes no sense: not parsed at all. */
		{ .name = "mixedbad", .targets = {
			{ "linear", "" },
			{ "multipath", "2 0 0" } } },
		/* Not multipath only, whatever its multipath status says. */
		{ .name = "mixed1", .targets = {
			{ "multipath", "2 0 0 0 1 1 A 0 2 0 8:16 A 0 8:32 A 0" },
			{ "linear", "" } } },
		{ .name = "mixed2", .targets = {
			{ "linear", "" },
			{ "multipath", "2 0 0 0 1 1 A 0 1 0 8:48 A 0" } } },
		{ .name = "mixed3", .targets = {
			{ "error", "" },
			{ "multipath", "2 0 0 0 1 1 A 0 1 0 8:48 A 0" },
			{ "zero", "" } } },
		/* A target type that merely starts like it. */
		{ .name = "almost", .targets = {
			{ "multipath-ish", "2 0 0 0 1 1 A 0 1 0 8:48 A 0" } } },
	};
	size_t i;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		assert_read_fails(makedev(MOCK_MAJOR, i), -EMEDIUMTYPE);
	assert_int_equal(mock.created, (int)ARRAY_SIZE(maps));
	assert_int_equal(mock.runs, (int)ARRAY_SIZE(maps));
	assert_int_equal(test_log_problems(), 0);
}

static void read_of_vanished_map_is_enxio_quietly(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "gone", .state = MAP_GONE,
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" } } },
		{ .name = "gone2", .state = MAP_GONE_QUIETLY,
		  .targets = { { "multipath", "2 0 0 0 1 1 A 0 1 0 8:16 A 0" } } },
	};

	mock_set_maps(maps, ARRAY_SIZE(maps));
	/* The ioctl fails with ENXIO. */
	assert_read_fails(makedev(MOCK_MAJOR, 0), -ENXIO);
	/* libdevmapper's way for a status: run ok, info says it does not exist. */
	assert_read_fails(makedev(MOCK_MAJOR, 1), -ENXIO);
	/* A device number no map has. */
	assert_read_fails(makedev(MOCK_MAJOR, 2), -ENXIO);
	assert_read_fails(makedev(8, 0), -ENXIO);
	assert_int_equal(mock.last.major, 8);
	assert_int_equal(mock.last.minor, 0);
	assert_int_equal(mock.created, 4);
	assert_int_equal(test_log_problems(), 0);
}

static void read_ioctl_failure_returns_its_errno(void **state)
{
	mock_set_maps(three_maps, ARRAY_SIZE(three_maps));
	mock.status_errno = EACCES;
	assert_read_fails(makedev(MOCK_MAJOR, 0), -EACCES);
	/* No errno from libdevmapper: still an error, -EIO. */
	mock.status_errno = -1;
	assert_read_fails(makedev(MOCK_MAJOR, 0), -EIO);
	assert_int_equal(mock.created, 2);
}

static void read_without_memory_is_enomem(void **state)
{
	mock_set_maps(three_maps, ARRAY_SIZE(three_maps));
	mock.create_fails = true;
	assert_read_fails(makedev(MOCK_MAJOR, 0), -ENOMEM);
	assert_int_equal(mock.runs, 0);

	/* The device number not taken: the task is still destroyed. */
	mock.create_fails = false;
	mock.set_fails = true;
	assert_read_fails(makedev(MOCK_MAJOR, 0), -ENOMEM);
	assert_int_equal(mock.created, 1);
	assert_int_equal(mock.runs, 0);
}

/*
 * Out of memory at each allocation in turn (the status copy, the paths
 * array, its growth): -ENOMEM, *ret left alone, and nothing leaked; then
 * it succeeds.
 */
static void read_out_of_memory_at_any_allocation_is_enomem(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "mpathbig", .targets = { { "multipath",
			"2 0 0 0 2 1 A 0 10 0 8:0 A 0 8:1 A 0 8:2 A 0 8:3 A 0 "
			"8:4 A 0 8:5 A 0 8:6 A 0 8:7 A 0 8:8 A 0 8:9 A 0 "
			"E 0 10 0 8:10 A 0 8:11 A 0 8:12 A 0 8:13 A 0 8:14 A 0 "
			"8:15 A 0 8:16 A 0 8:17 A 0 8:18 A 0 8:19 F 9" } } },
	};
	struct dm_map_info info;
	int k, err;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	for (k = 1; k < 100; k++) {
		mock.fail_alloc = k;
		mock.allocs = 0;
		memset(&info, 0x5a, sizeof(info));
		err = dm_map_read(makedev(MOCK_MAJOR, 0), &info);
		if (err != -ENOMEM)
			break;
		assert_int_equal(mock.created, mock.destroyed);
		mock.allocs = 0;
		assert_read_fails(makedev(MOCK_MAJOR, 0), -ENOMEM);
	}
	assert_int_equal(err, 0);
	/* The copy, the array, and it grown twice: each failed once. */
	assert_int_equal(k, 5);
	assert_int_equal(info.nr_paths, 20);
	assert_true(info.paths[19].devt == makedev(8, 19));
	assert_true(info.paths[19].failed);
	assert_int_equal(info.paths[19].fail_count, 9);
	dm_map_info_release(&info);
	mock.fail_alloc = 0;
}

/* A bad status after good paths were read (and their array grown): no leak. */
static void read_of_malformed_status_frees_what_it_read(void **state)
{
	static const struct mock_map maps[] = {
		{ .name = "mpathbad", .targets = { { "multipath",
			"2 0 0 0 2 1 A 0 10 0 8:0 A 0 8:1 A 0 8:2 A 0 8:3 A 0 "
			"8:4 A 0 8:5 A 0 8:6 A 0 8:7 A 0 8:8 A 0 8:9 A 0 "
			"E 0 1 0 8:10 Z 0" } } },
		{ .name = "mpathgood", .targets = { { "multipath",
			"2 0 0 0 1 1 A 0 1 0 8:10 A 0" } } },
	};
	struct dm_map_info info;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	assert_read_fails(makedev(MOCK_MAJOR, 0), -EINVAL);
	assert_int_equal(test_log_problems(), 1);
	assert_non_null(strstr(test_log.last, "mpathbad"));
	/* The next map is read as if nothing happened. */
	assert_int_equal(dm_map_read(makedev(MOCK_MAJOR, 1), &info), 0);
	assert_int_equal(info.nr_paths, 1);
	assert_true(info.paths[0].devt == makedev(8, 10));
	assert_int_equal(test_log_problems(), 1);
	dm_map_info_release(&info);
}

/* --- dm_map_list ----------------------------------------------------------------- */

static void list_gives_every_map_name_and_devt(void **state)
{
	struct dm_map_id *ids = NULL;
	unsigned int nr = 0;

	mock_set_maps(three_maps, ARRAY_SIZE(three_maps));
	assert_int_equal(dm_map_list(&ids, &nr), 0);
	assert_int_equal(nr, 3);
	assert_non_null(ids);
	assert_string_equal(ids[0].name, "mpatha");
	assert_true(ids[0].devt == makedev(MOCK_MAJOR, 0));
	/* Of any target type. */
	assert_string_equal(ids[1].name, "vg-lv");
	assert_true(ids[1].devt == makedev(MOCK_MAJOR, 1));
	assert_string_equal(ids[2].name, "mpathc");
	assert_true(ids[2].devt == makedev(MOCK_MAJOR, 2));
	/* One list ioctl, and no status read. */
	assert_int_equal(mock.created, 1);
	assert_int_equal(mock.runs, 1);
	assert_int_equal(mock.last.type, DM_DEVICE_LIST);
	assert_int_equal(test_log_problems(), 0);
	free(ids);
}

static void list_of_no_maps_is_empty(void **state)
{
	struct dm_map_id *sentinel = (struct dm_map_id *)&mock, *ids = sentinel;
	unsigned int nr = 99;

	mock_set_maps(NULL, 0);
	assert_int_equal(dm_map_list(&ids, &nr), 0);
	assert_int_equal(nr, 0);
	/* An array of no entries (or NULL), to free() all the same. */
	assert_ptr_not_equal(ids, sentinel);
	assert_int_equal(mock.created, 1);
	assert_int_equal(test_log_problems(), 0);
	free(ids);
}

static void list_of_many_maps_keeps_them_all(void **state)
{
	enum { NR = 1000 };
	struct mock_map *def = calloc(NR, sizeof(*def));
	char (*names)[16] = calloc(NR, sizeof(*names));
	struct dm_map_id *ids = NULL;
	unsigned int nr = 0;
	int i;

	assert_non_null(def);
	assert_non_null(names);
	for (i = 0; i < NR; i++) {
		/* Names of different lengths: entries of different sizes. */
		snprintf(names[i], sizeof(names[i]), "m%.*s%d", i % 7,
			 "xxxxxxx", i);
		def[i].name = names[i];
	}
	mock_set_maps(def, NR);
	assert_int_equal(dm_map_list(&ids, &nr), 0);
	assert_int_equal(nr, NR);
	for (i = 0; i < NR; i++) {
		assert_string_equal(ids[i].name, names[i]);
		assert_true(ids[i].devt == makedev(MOCK_MAJOR, i));
	}
	free(ids);
	free(def);
	free(names);
}

/* Out of memory at each growth of the list: -ENOMEM, *ret left alone. */
static void list_out_of_memory_is_enomem(void **state)
{
	enum { NR = 40 };
	struct mock_map def[NR];
	struct dm_map_id *sentinel = (struct dm_map_id *)&mock, *ids = sentinel;
	unsigned int nr = 99;
	int i, k, err;

	memset(def, 0, sizeof(def));
	for (i = 0; i < NR; i++)
		def[i].name = "mpath";
	mock_set_maps(def, NR);
	for (k = 1; k < 100; k++) {
		mock.fail_alloc = k;
		mock.allocs = 0;
		err = dm_map_list(&ids, &nr);
		if (err != -ENOMEM)
			break;
		assert_ptr_equal(ids, sentinel);
		assert_int_equal(nr, 99);
	}
	assert_int_equal(err, 0);
	/* The array, and it grown twice: each failed once. */
	assert_int_equal(k, 4);
	assert_int_equal(nr, NR);
	assert_true(ids[NR - 1].devt == makedev(MOCK_MAJOR, NR - 1));
	assert_int_equal(mock.created, k);
	mock.fail_alloc = 0;
	free(ids);
}

static void list_skips_a_name_too_long_with_a_warning(void **state)
{
	struct mock_map maps[] = {
		{ .name = "mpatha" },
		{ .name = long_str(0, 'n', DM_MAP_NAME_MAX) },
		{ .name = long_str(1, 'm', DM_MAP_NAME_MAX - 1) },
	};
	struct dm_map_id *ids = NULL;
	unsigned int nr = 0;

	mock_set_maps(maps, ARRAY_SIZE(maps));
	assert_int_equal(dm_map_list(&ids, &nr), 0);
	assert_int_equal(nr, 2);
	assert_string_equal(ids[0].name, "mpatha");
	assert_true(ids[0].devt == makedev(MOCK_MAJOR, 0));
	assert_string_equal(ids[1].name, maps[2].name);
	assert_true(ids[1].devt == makedev(MOCK_MAJOR, 2));
	assert_int_equal(test_log_problems(), 1);
	assert_non_null(strstr(test_log.last, "nnnnnnnn"));
	free(ids);
}

static void list_failure_returns_errno_logged_and_leaves_ret(void **state)
{
	struct dm_map_id *sentinel = (struct dm_map_id *)&mock, *ids = sentinel;
	unsigned int nr = 99;

	mock_set_maps(three_maps, ARRAY_SIZE(three_maps));
	mock.list_errno = EACCES;
	assert_int_equal(dm_map_list(&ids, &nr), -EACCES);
	assert_ptr_equal(ids, sentinel);
	assert_int_equal(nr, 99);
	assert_int_equal(test_log.count[MPATH_LOG_ERR], 1);
	assert_non_null(strstr(test_log.last, strerror(EACCES)));

	/* No errno from libdevmapper: still an error, -EIO. */
	test_log_start();
	mock.list_errno = -1;
	assert_int_equal(dm_map_list(&ids, &nr), -EIO);
	assert_ptr_equal(ids, sentinel);
	assert_int_equal(nr, 99);
	assert_int_equal(test_log_problems(), 1);

	mock.list_errno = 0;
	mock.create_fails = true;
	assert_int_equal(dm_map_list(&ids, &nr), -ENOMEM);
	assert_ptr_equal(ids, sentinel);
	assert_int_equal(nr, 99);
	assert_int_equal(mock.created, 2);
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
	assert_int_equal(mock.last.type, DM_DEVICE_TARGET_MSG);
	assert_int_equal(test_log_problems(), 0);
}

static void reinstate_path_sends_reinstate_path(void **state)
{
	assert_int_equal(dm_reinstate_path("mpathb", makedev(8, 16)), 0);
	assert_int_equal(dm_reinstate_path(long_str(0, 'n', DM_MAP_NAME_MAX - 1),
					   makedev(4095, 1048575)), 0);
	assert_int_equal(mock.nr_sent, 2);
	assert_sent(0, "mpathb", "reinstate_path 8:16");
	assert_sent(1, long_str(0, 'n', DM_MAP_NAME_MAX - 1),
		    "reinstate_path 4095:1048575");
	assert_int_equal(mock.created, 2);
	assert_int_equal(test_log_problems(), 0);
}

static void failed_message_returns_errno_logged_at_debug_only(void **state)
{
	int debug;

	mock.msg_errno = ENXIO;
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), -ENXIO);
	assert_int_equal(mock.nr_sent, 1);
	assert_sent(0, "mpatha", "fail_path 8:16");
	/* The caller says what it means; here, debug only, naming both. */
	assert_int_equal(test_log_problems(), 0);
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 0);
	assert_int_equal(test_log.count[MPATH_LOG_INFO], 0);
	assert_true(test_log.count[MPATH_LOG_DEBUG] > 0);
	assert_true(test_log_contains("mpatha"));
	assert_true(test_log_contains("fail_path 8:16"));

	/* No errno from libdevmapper: still an error, -EIO. */
	test_log_start();
	mock.msg_errno = -1;
	debug = test_log.count[MPATH_LOG_DEBUG];
	assert_int_equal(dm_reinstate_path("mpathb", makedev(65, 32)), -EIO);
	assert_sent(1, "mpathb", "reinstate_path 65:32");
	assert_int_equal(test_log_problems(), 0);
	assert_int_equal(test_log.count[MPATH_LOG_NOTICE], 0);
	assert_int_equal(test_log.count[MPATH_LOG_INFO], 0);
	assert_true(test_log.count[MPATH_LOG_DEBUG] > debug);
	assert_true(test_log_contains("reinstate_path 65:32"));
	assert_int_equal(mock.created, 2);
}

static void message_without_memory_is_enomem(void **state)
{
	mock.create_fails = true;
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), -ENOMEM);
	assert_int_equal(dm_reinstate_path("mpatha", makedev(8, 16)), -ENOMEM);
	assert_int_equal(mock.nr_sent, 0);
	assert_int_equal(test_log_problems(), 0);

	/* The task made, the map name not taken: destroyed, nothing sent. */
	mock.create_fails = false;
	mock.set_fails = true;
	assert_int_equal(dm_fail_path("mpatha", makedev(8, 16)), -ENOMEM);
	assert_int_equal(mock.created, 1);
	assert_int_equal(mock.runs, 0);
	assert_int_equal(mock.nr_sent, 0);
	assert_int_equal(test_log_problems(), 0);
}

static void message_without_a_map_is_einval(void **state)
{
	assert_int_equal(dm_fail_path(NULL, makedev(8, 16)), -EINVAL);
	assert_int_equal(dm_fail_path("", makedev(8, 16)), -EINVAL);
	assert_int_equal(dm_reinstate_path(NULL, makedev(8, 16)), -EINVAL);
	assert_int_equal(dm_reinstate_path("", makedev(8, 16)), -EINVAL);
	assert_int_equal(mock.created, 0);
	assert_int_equal(test_log_problems(), 0);
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
	assert_int_equal(mock.last.type, DM_DEVICE_VERSION);

	mock.version_fails = true;
	assert_false(dm_available());
	assert_int_equal(mock.created, 2);

	mock.version_fails = false;
	mock.create_fails = true;
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
	/* Even an error of its own (level 3) is debug to us. */
	mock.log_fn(3, "libdm-common.c", 42, 0, "device %s: %s", "mpatha",
		    "some error");
	assert_int_equal(test_log.count[MPATH_LOG_DEBUG], debug + 1);
	assert_int_equal(test_log_problems(), 0);
	assert_true(test_log_contains("libdevmapper: device mpatha: some error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(multipath_statuses_are_parsed_by_their_counts),
		T(many_paths_come_in_table_order),
		T(read_asks_one_status_by_devt_and_copies_name_uuid_paths),
		T(read_of_a_map_without_uuid_gives_empty_uuid),
		T(read_of_longest_name_and_uuid_succeeds),
		T(read_of_too_long_name_or_uuid_is_enametoolong),
		T(read_of_map_without_live_table_is_enodata_quietly),
		T(read_of_other_or_mixed_map_is_emediumtype),
		T(read_of_vanished_map_is_enxio_quietly),
		T(read_ioctl_failure_returns_its_errno),
		T(read_without_memory_is_enomem),
		T(read_out_of_memory_at_any_allocation_is_enomem),
		T(read_of_malformed_status_frees_what_it_read),
		T(list_gives_every_map_name_and_devt),
		T(list_of_no_maps_is_empty),
		T(list_of_many_maps_keeps_them_all),
		T(list_out_of_memory_is_enomem),
		T(list_skips_a_name_too_long_with_a_warning),
		T(list_failure_returns_errno_logged_and_leaves_ret),
		T(fail_path_sends_fail_path_to_the_map_at_sector_0),
		T(reinstate_path_sends_reinstate_path),
		T(failed_message_returns_errno_logged_at_debug_only),
		T(message_without_memory_is_enomem),
		T(message_without_a_map_is_einval),
		T(unavailable_without_control_node),
		T(available_when_the_driver_answers),
		T(libdevmapper_messages_go_to_the_debug_log),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
