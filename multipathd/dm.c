// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dm.c - multipathd's use of device-mapper through libdevmapper: listing
 * the maps, reading one multipath map (its name, uuid, and its paths with
 * the kernel's state of each), and the target messages that fail and
 * reinstate a path in its map. The only file that talks to libdevmapper;
 * what the daemon makes of it is maps.c's.
 *
 * Context: libdevmapper keeps process-global state (its log function, its
 * open control fd) and is not thread-safe, so every function here is
 * called by the thread running the daemon's event loop only. They may
 * sleep: each is one or more ioctls on /dev/mapper/control.
 *
 * Called by: maps.c (reading maps, failing and reinstating paths),
 * daemon.c (is device-mapper there).
 * Calls: libdevmapper only.
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

/* --- parsing a multipath status ------------------------------------------------- */

/*
 * A cursor over a private copy of a target's status string; each token is
 * NUL-terminated in place as it is taken.
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

static int info_add_path(struct dm_map_info *info, unsigned int *cap,
			 dev_t devt, bool failed, unsigned int fail_count)
{
	if (info->nr_paths == *cap) {
		unsigned int n = *cap ? 2 * *cap : 8;
		struct dm_map_path *p = realloc(info->paths, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		info->paths = p;
		*cap = n;
	}
	info->paths[info->nr_paths++] = (struct dm_map_path){
		.devt = devt, .failed = failed, .fail_count = fail_count,
	};
	return 0;
}

/*
 * Add the paths of one multipath target's status to info, in table order.
 * The kernel reports a multipath target's status as
 *
 *   <#features> <feature>...  <#hwhandler words> <word>...
 *   <#groups> <next group>
 *   per group: <A|D|E> <#selector words> <word>... <#paths> <#path words>
 *              per path: <MAJ:MIN> <A|F> <fail count> <path word>...
 *
 * The status lists every path of the live table, so one ioctl gives the
 * paths and their states together (a table and a status read one after
 * the other could straddle a reload). Every count is honoured, so that a
 * selector's word that happens to look like a device is never taken for
 * one. Returns 0, -EINVAL when status is not such a string (what was added
 * for it is taken back, *why says what was wrong), or -ENOMEM.
 */
static int mp_parse_status(const char *status, struct dm_map_info *info,
			   unsigned int *cap, const char **why)
{
	unsigned int first = info->nr_paths;
	struct mp_cursor cur;
	unsigned long n, groups, g, paths, path_words, p, fails;
	char *copy, *st;
	dev_t devt;
	int err = -EINVAL;

	/* A copy: the string belongs to libdevmapper's task. */
	copy = strdup(status ? status : "");
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
		*why = "bad priority group";
		st = mp_token(&cur);
		if (!st || strlen(st) != 1 || !strchr("ADE", st[0]))
			goto out;
		if (!mp_count(&cur, &n) || !mp_skip(&cur, n))
			goto out;
		*why = "bad path count";
		if (!mp_count(&cur, &paths) || !mp_count(&cur, &path_words))
			goto out;
		for (p = 0; p < paths; p++) {
			*why = "bad path";
			if (!mp_dev(&cur, &devt))
				goto out;
			st = mp_token(&cur);
			if (!st || (strcmp(st, "A") != 0 && strcmp(st, "F") != 0))
				goto out;
			if (!mp_count(&cur, &fails) ||
			    !mp_skip(&cur, path_words))
				goto out;
			if (info_add_path(info, cap, devt, st[0] == 'F',
					  fails)) {
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
		mpath_log(MPATH_LOG_DEBUG, "dm: map %s: ignoring trailing words in its status",
			  info->name);
	err = 0;
out:
	if (err)
		info->nr_paths = first;
	free(copy);
	return err;
}

/* --- reading the maps ------------------------------------------------------------ */

int dm_map_list(struct dm_map_id **ret, unsigned int *nr)
{
	struct dm_map_id *ids = NULL;
	unsigned int n = 0, cap = 0;
	struct dm_names *names;
	struct dm_task *dmt;
	unsigned int next = 0;
	int err = 0;

	dm_log_setup();
	dmt = dm_task_create(DM_DEVICE_LIST);
	if (!dmt) {
		err = -ENOMEM;
		goto log;
	}
	dm_task_no_open_count(dmt);
	if (!dm_task_run(dmt)) {
		err = dm_task_err(dmt);
		goto out;
	}
	names = dm_task_get_names(dmt);
	/* An empty list is one entry with dev 0. */
	if (names && names->dev) {
		do {
			names = (struct dm_names *)((char *)names + next);
			next = names->next;
			if (strlen(names->name) >= DM_MAP_NAME_MAX) {
				mpath_log(MPATH_LOG_WARNING, "dm: map %.64s...: name too long, skipped",
					  names->name);
				continue;
			}
			if (n == cap) {
				unsigned int c = cap ? 2 * cap : 16;
				struct dm_map_id *p = realloc(ids, c * sizeof(*p));

				if (!p) {
					err = -ENOMEM;
					goto out;
				}
				ids = p;
				cap = c;
			}
			strcpy(ids[n].name, names->name);
			ids[n].devt = (dev_t)names->dev;
			n++;
		} while (next);
	}
out:
	dm_task_destroy(dmt);
log:
	if (err) {
		mpath_log(MPATH_LOG_ERR, "dm: cannot list the maps: %s",
			  strerror(-err));
		free(ids);
		return err;
	}
	*ret = ids;
	*nr = n;
	return 0;
}

/* Copy libdevmapper's string into a fixed buffer; false if it does not fit. */
static bool copy_str(char *dst, size_t size, const char *src)
{
	return snprintf(dst, size, "%s", src ? src : "") < (int)size;
}

int dm_map_read(dev_t devt, struct dm_map_info *ret)
{
	struct dm_map_info info = { .devt = devt };
	uint64_t start, length;
	char *type, *params;
	const char *why = NULL;
	struct dm_task *dmt;
	struct dm_info dmi;
	unsigned int cap = 0, targets = 0;
	const char *mp_params = NULL;
	void *next = NULL;
	int err = 0;

	dm_log_setup();
	dmt = dm_task_create(DM_DEVICE_STATUS);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_major(dmt, major(devt)) ||
	    !dm_task_set_minor(dmt, minor(devt))) {
		err = -ENOMEM;
		goto out;
	}
	dm_task_no_open_count(dmt);
	if (!dm_task_run(dmt)) {
		err = dm_task_err(dmt);
		goto out;
	}
	if (!dm_task_get_info(dmt, &dmi) || !dmi.exists) {
		err = -ENXIO;
		goto out;
	}
	if (!copy_str(info.name, sizeof(info.name), dm_task_get_name(dmt)) ||
	    !copy_str(info.uuid, sizeof(info.uuid), dm_task_get_uuid(dmt))) {
		mpath_log(MPATH_LOG_WARNING, "dm: map %u:%u: name or uuid too long, skipped",
			  major(devt), minor(devt));
		err = -ENAMETOOLONG;
		goto out;
	}
	if (!dmi.live_table) {
		/* Created, not yet loaded and resumed: nothing to follow yet. */
		err = -ENODATA;
		goto out;
	}
	/*
	 * Exactly one target, a multipath one: messages go to sector 0
	 * (dm_path_message()), which must be that target. Anything else is
	 * not a map this daemon follows, said before its status is parsed.
	 */
	do {
		type = params = NULL;
		next = dm_get_next_target(dmt, next, &start, &length, &type,
					  &params);
		if (!type)
			continue;
		targets++;
		if (strcmp(type, "multipath") == 0 && !mp_params)
			mp_params = params ? params : "";
	} while (next);
	if (!mp_params || targets != 1) {
		err = -EMEDIUMTYPE;
		goto out;
	}
	err = mp_parse_status(mp_params, &info, &cap, &why);
	if (err == -EINVAL)
		mpath_log(MPATH_LOG_WARNING,
			  "dm: map %s: malformed multipath status (%s), map skipped: \"%.200s\"",
			  info.name, why, mp_params);
out:
	dm_task_destroy(dmt);
	if (err) {
		free(info.paths);
		return err;
	}
	*ret = info;
	return 0;
}

void dm_map_info_release(struct dm_map_info *info)
{
	free(info->paths);
	info->paths = NULL;
	info->nr_paths = 0;
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
	/* The caller says what it means to the path, once (maps.c). */
	mpath_log(MPATH_LOG_DEBUG, "dm: map %s: \"%s\": %s", map, msg,
		  err ? strerror(-err) : "sent");
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
