// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dm.c - multipathd's use of device-mapper through libdevmapper: which
 * multipath map each path belongs to, and the target messages that fail
 * and reinstate a path in its map.
 *
 * Context: libdevmapper keeps process-global state (its log function, its
 * open control fd) and is not thread-safe, so every function here is
 * called by the thread running the daemon's event loop only. They may
 * sleep: each is one or more ioctls on /dev/mapper/control.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libdevmapper.h>

#include "checkers.h"
#include "dm.h"

/*
 * The device-mapper control node. Not const so that the unit test can
 * point it at a node that does (or does not) exist; nothing else writes it.
 */
static const char *dm_control_path = "/dev/mapper/control";

/* The largest device numbers the kernel hands out (12-bit major, 20-bit minor). */
#define DM_MAJOR_MAX	0xfffUL
#define DM_MINOR_MAX	0xfffffUL

/* One path of one map; dm_maps keeps them sorted by devt for lookups. */
struct dm_path_ent {
	dev_t devt;
	unsigned int map;	/* index into dm_maps.names */
};

/*
 * A snapshot of the multipath maps, owned by whoever dm_maps_read() gave
 * it to; immutable once returned, so lookups need no lock.
 */
struct dm_maps {
	char (*names)[DM_MAP_NAME_MAX];
	unsigned int nr_maps, cap_maps;
	struct dm_path_ent *paths;
	size_t nr_paths, cap_paths;
};

/* --- logging ---------------------------------------------------------------- */

/*
 * libdevmapper prints to stderr by default, also when device-mapper is
 * simply absent. Its messages are about its own internals, so they go to
 * our log at debug level; what matters to an operator (a map we could
 * not read, a message that failed) is logged by the callers here.
 */
static void dm_log_to_mpath(int level, const char *file, int line,
			    int dm_errno_or_class, const char *f, ...)
	__attribute__((format(printf, 5, 6)));

static void dm_log_to_mpath(int level, const char *file, int line,
			    int dm_errno_or_class, const char *f, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	mpath_log(MPATH_LOG_DEBUG, "libdevmapper: %s", buf);
}

static void dm_log_install(void)
{
	dm_log_with_errno_init(dm_log_to_mpath);
}

/* Once per process: libdevmapper's log function is a process global. */
static pthread_once_t dm_log_once = PTHREAD_ONCE_INIT;

static void dm_log_setup(void)
{
	pthread_once(&dm_log_once, dm_log_install);
}

/* The errno of a failed dm_task_run(), negative; -EIO if it had none. */
static int dm_task_err(struct dm_task *dmt)
{
	int e = dm_task_get_errno(dmt);

	return e > 0 ? -e : -EIO;
}

/* --- availability ------------------------------------------------------------ */

bool dm_available(void)
{
	struct dm_task *dmt;
	struct stat st;
	bool ok;

	/*
	 * Checked first, and quietly: without the node, libdevmapper would
	 * try to create it and load the module, and complain on the way.
	 */
	if (stat(dm_control_path, &st) < 0 || !S_ISCHR(st.st_mode)) {
		mpath_log(MPATH_LOG_DEBUG, "dm: no %s", dm_control_path);
		return false;
	}
	dm_log_setup();
	/* The cheapest request the driver answers: its version. */
	dmt = dm_task_create(DM_DEVICE_VERSION);
	if (!dmt)
		return false;
	ok = dm_task_run(dmt);
	if (!ok)
		mpath_log(MPATH_LOG_DEBUG, "dm: the driver does not answer: %s",
			  strerror(-dm_task_err(dmt)));
	dm_task_destroy(dmt);
	return ok;
}

/* --- parsing a multipath table ------------------------------------------------- */

/*
 * A cursor over a private copy of a target's parameter string; each
 * token is NUL-terminated in place as it is taken.
 */
struct mp_cursor {
	char *pos;
};

/* The next whitespace-separated token, or NULL at the end. */
static char *mp_token(struct mp_cursor *cur)
{
	char *tok, *p = cur->pos;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p) {
		cur->pos = p;
		return NULL;
	}
	tok = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	if (*p)
		*p++ = '\0';
	cur->pos = p;
	return tok;
}

/* Parse a decimal number of at most max; false if s is anything else. */
static bool mp_parse_ulong(const char *s, unsigned long max,
			   unsigned long *ret)
{
	unsigned long v = 0;

	if (!s || !*s)
		return false;
	/* By hand: strtoul() would accept signs, spaces and "0x". */
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*ret = v;
	return true;
}

/* The next token as a count; false if missing or not a number. */
static bool mp_count(struct mp_cursor *cur, unsigned long *ret)
{
	/*
	 * Every counted item takes at least one token, so a count can never
	 * legitimately exceed what is left; the parse fails on the missing
	 * tokens long before a large count makes any loop expensive.
	 */
	return mp_parse_ulong(mp_token(cur), UINT32_MAX, ret);
}

/* Skip n tokens; false if there are fewer. */
static bool mp_skip(struct mp_cursor *cur, unsigned long n)
{
	while (n--)
		if (!mp_token(cur))
			return false;
	return true;
}

/* The next token as a device "MAJ:MIN"; false if it is anything else. */
static bool mp_dev(struct mp_cursor *cur, dev_t *ret)
{
	char *tok = mp_token(cur), *colon;
	unsigned long maj, min;

	if (!tok)
		return false;
	colon = strchr(tok, ':');
	if (!colon)
		return false;
	*colon = '\0';
	if (!mp_parse_ulong(tok, DM_MAJOR_MAX, &maj) ||
	    !mp_parse_ulong(colon + 1, DM_MINOR_MAX, &min))
		return false;
	*ret = makedev(maj, min);
	return true;
}

static int maps_add_path(struct dm_maps *maps, dev_t devt, unsigned int map)
{
	if (maps->nr_paths == maps->cap_paths) {
		size_t cap = maps->cap_paths ? 2 * maps->cap_paths : 64;
		struct dm_path_ent *p = realloc(maps->paths, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		maps->paths = p;
		maps->cap_paths = cap;
	}
	maps->paths[maps->nr_paths].devt = devt;
	maps->paths[maps->nr_paths].map = map;
	maps->nr_paths++;
	return 0;
}

/*
 * Add the paths of one multipath target's table parameters to maps, as
 * members of map number map. The kernel reports the table as
 *
 *   <#features> <feature>...  <#hwhandler args> [<handler> <arg>...]
 *   <#groups> <next group>
 *   per group: <selector> <#selector args> <arg>... <#paths> <#path args>
 *              per path: <MAJ:MIN> <path arg>...
 *
 * Every count is honoured, so that an argument that happens to look like
 * a device is never taken for one. Returns 0, -EINVAL when params is not
 * such a table (what was added for it is taken back), or -ENOMEM.
 */
static int mp_parse_params(const char *params, struct dm_maps *maps,
			   unsigned int map, const char **why)
{
	size_t first = maps->nr_paths;
	struct mp_cursor cur;
	unsigned long n, groups, g, paths, path_args, p;
	char *copy;
	dev_t devt;
	int err = -EINVAL;

	/* A copy: the string belongs to libdevmapper's task. */
	copy = strdup(params ? params : "");
	if (!copy)
		return -ENOMEM;
	cur.pos = copy;

	*why = "bad feature list";
	if (!mp_count(&cur, &n) || !mp_skip(&cur, n))
		goto out;
	*why = "bad hardware handler";
	if (!mp_count(&cur, &n) || !mp_skip(&cur, n))
		goto out;
	*why = "bad priority group count";
	if (!mp_count(&cur, &groups) || !mp_count(&cur, &n))
		goto out;
	for (g = 0; g < groups; g++) {
		*why = "bad path selector";
		if (!mp_skip(&cur, 1) || !mp_count(&cur, &n) ||
		    !mp_skip(&cur, n))
			goto out;
		*why = "bad path count";
		if (!mp_count(&cur, &paths) || !mp_count(&cur, &path_args))
			goto out;
		for (p = 0; p < paths; p++) {
			*why = "bad path";
			if (!mp_dev(&cur, &devt) || !mp_skip(&cur, path_args))
				goto out;
			if (maps_add_path(maps, devt, map)) {
				err = -ENOMEM;
				goto out;
			}
		}
	}
	/*
	 * The kernel emits nothing after the last group; should a future one
	 * add something, the paths read are still right, so keep them.
	 */
	if (mp_token(&cur))
		mpath_log(MPATH_LOG_DEBUG, "dm: map %s: ignoring trailing words in its table",
			  maps->names[map]);
	err = 0;
out:
	if (err)
		maps->nr_paths = first;
	free(copy);
	return err;
}

/* --- reading the maps ------------------------------------------------------------ */

/* Write name into the next free slot; maps->nr_maps is not advanced. */
static int maps_add_name(struct dm_maps *maps, const char *name)
{
	if (maps->nr_maps == maps->cap_maps) {
		unsigned int cap = maps->cap_maps ? 2 * maps->cap_maps : 16;
		char (*names)[DM_MAP_NAME_MAX];

		names = realloc(maps->names, cap * sizeof(*names));
		if (!names)
			return -ENOMEM;
		maps->names = names;
		maps->cap_maps = cap;
	}
	snprintf(maps->names[maps->nr_maps], DM_MAP_NAME_MAX, "%s", name);
	return 0;
}

/*
 * Read map name's table and add it to maps if it has a multipath target.
 * A map that cannot be read or whose table makes no sense is skipped
 * (logged); only -ENOMEM is returned as an error.
 */
static int map_read(struct dm_maps *maps, const char *name)
{
	uint64_t start, length;
	char *type, *params;
	const char *why = NULL;
	struct dm_task *dmt;
	bool multipath = false;
	void *next = NULL;
	int err = 0;

	if (strlen(name) >= DM_MAP_NAME_MAX) {
		mpath_log(MPATH_LOG_WARNING, "dm: map %s: name too long, skipped",
			  name);
		return 0;
	}
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name)) {
		err = -ENOMEM;
		goto out;
	}
	dm_task_no_open_count(dmt);
	if (!dm_task_run(dmt)) {
		int e = dm_task_err(dmt);

		/* Removed since it was listed: nothing to say. */
		mpath_log(e == -ENXIO ? MPATH_LOG_DEBUG : MPATH_LOG_WARNING,
			  "dm: map %s: cannot read its table: %s", name,
			  strerror(-e));
		goto out;
	}
	/* Reserved now, so the paths can name it by index. */
	err = maps_add_name(maps, name);
	if (err)
		goto out;
	do {
		type = params = NULL;
		next = dm_get_next_target(dmt, next, &start, &length, &type,
					  &params);
		if (!type || strcmp(type, "multipath") != 0)
			continue;
		multipath = true;
		err = mp_parse_params(params, maps, maps->nr_maps, &why);
		if (err == -EINVAL) {
			mpath_log(MPATH_LOG_WARNING,
				  "dm: map %s: malformed multipath table (%s), map skipped: \"%s\"",
				  name, why, params ? params : "");
			multipath = false;
			err = 0;
			break;
		}
		if (err)
			break;
	} while (next);
	if (multipath && !err) {
		maps->nr_maps++;
	} else {
		/* Not a multipath map, or a bad one: forget its paths. */
		while (maps->nr_paths &&
		       maps->paths[maps->nr_paths - 1].map == maps->nr_maps)
			maps->nr_paths--;
	}
out:
	dm_task_destroy(dmt);
	return err;
}

static int path_ent_cmp(const void *a, const void *b)
{
	const struct dm_path_ent *pa = a, *pb = b;

	if (pa->devt != pb->devt)
		return pa->devt < pb->devt ? -1 : 1;
	return pa->map < pb->map ? -1 : pa->map > pb->map;
}

/*
 * Sort the paths for dm_maps_lookup() and drop duplicates. A path in two
 * maps is a misconfiguration the kernel normally prevents; the first map
 * read keeps it.
 */
static void maps_index(struct dm_maps *maps)
{
	size_t i, out = 0;

	/* qsort() of an empty, possibly never allocated, array is undefined. */
	if (!maps->nr_paths)
		return;
	qsort(maps->paths, maps->nr_paths, sizeof(*maps->paths), path_ent_cmp);
	for (i = 0; i < maps->nr_paths; i++) {
		const struct dm_path_ent *pe = &maps->paths[i];

		if (out && maps->paths[out - 1].devt == pe->devt) {
			if (maps->paths[out - 1].map != pe->map)
				mpath_log(MPATH_LOG_WARNING,
					  "dm: path %u:%u is in maps %s and %s; using %s",
					  major(pe->devt), minor(pe->devt),
					  maps->names[maps->paths[out - 1].map],
					  maps->names[pe->map],
					  maps->names[maps->paths[out - 1].map]);
			continue;
		}
		maps->paths[out++] = *pe;
	}
	maps->nr_paths = out;
}

int dm_maps_read(struct dm_maps **ret)
{
	struct dm_maps *maps;
	struct dm_names *names;
	struct dm_task *dmt;
	unsigned int next = 0;
	int err = 0;

	dm_log_setup();
	maps = calloc(1, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	dmt = dm_task_create(DM_DEVICE_LIST);
	if (!dmt) {
		err = -ENOMEM;
		goto fail;
	}
	dm_task_no_open_count(dmt);
	if (!dm_task_run(dmt)) {
		err = dm_task_err(dmt);
		mpath_log(MPATH_LOG_ERR, "dm: cannot list the maps: %s",
			  strerror(-err));
		goto fail;
	}
	names = dm_task_get_names(dmt);
	/* An empty list is one entry with dev 0. */
	if (names && names->dev) {
		do {
			names = (struct dm_names *)((char *)names + next);
			err = map_read(maps, names->name);
			if (err)
				goto fail;
			next = names->next;
		} while (next);
	}
	dm_task_destroy(dmt);
	maps_index(maps);
	mpath_log(MPATH_LOG_DEBUG, "dm: %u multipath maps, %zu paths",
		  maps->nr_maps, maps->nr_paths);
	*ret = maps;
	return 0;
fail:
	if (dmt)
		dm_task_destroy(dmt);
	dm_maps_free(maps);
	return err;
}

void dm_maps_free(struct dm_maps *maps)
{
	if (!maps)
		return;
	free(maps->names);
	free(maps->paths);
	free(maps);
}

const char *dm_maps_lookup(const struct dm_maps *maps, dev_t path)
{
	size_t lo = 0, hi;

	if (!maps)
		return NULL;
	hi = maps->nr_paths;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		dev_t d = maps->paths[mid].devt;

		if (d == path)
			return maps->names[maps->paths[mid].map];
		if (d < path)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* --- path messages ------------------------------------------------------------ */

/* Send "verb MAJ:MIN" to map's multipath target. */
static int dm_path_message(const char *map, dev_t path, const char *verb)
{
	struct dm_task *dmt;
	char msg[64];
	int err = 0;

	if (!map || !*map)
		return -EINVAL;
	dm_log_setup();
	snprintf(msg, sizeof(msg), "%s %u:%u", verb, major(path), minor(path));
	dmt = dm_task_create(DM_DEVICE_TARGET_MSG);
	if (!dmt) {
		err = -ENOMEM;
		goto log;
	}
	/* Sector 0: the multipath target is the map's only one. */
	if (!dm_task_set_name(dmt, map) || !dm_task_set_sector(dmt, 0) ||
	    !dm_task_set_message(dmt, msg)) {
		err = -ENOMEM;
		goto log;
	}
	if (!dm_task_run(dmt))
		err = dm_task_err(dmt);
log:
	if (err)
		mpath_log(MPATH_LOG_ERR, "dm: map %s: \"%s\" failed: %s", map,
			  msg, strerror(-err));
	else
		mpath_log(MPATH_LOG_DEBUG, "dm: map %s: sent \"%s\"", map, msg);
	if (dmt)
		dm_task_destroy(dmt);
	return err;
}

int dm_fail_path(const char *map, dev_t path)
{
	return dm_path_message(map, path, "fail_path");
}

int dm_reinstate_path(const char *map, dev_t path)
{
	return dm_path_message(map, path, "reinstate_path");
}
