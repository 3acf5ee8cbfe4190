// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - what the CLI commands do and what they answer. The parser
 * is cli-parse.c and the wire format cli.c; this file turns a parsed
 * request into a reply from the daemon's state, in upstream multipathd's
 * conventions where scripts depend on them: "ok\n" for a change done,
 * "fail\n" and the reason for a refusal (cli.h), and its % wildcards.
 *
 * Called by: clients.c (each request).
 * Calls: checkloop.c ("fail path", "reinstate path"), devices.c ("add
 * path", "del path"), paths.c and maps.c (lookups), discovery.c, the
 * configuration (show config), cli-parse.c.
 *
 * Event-loop thread only (see daemon.h): replies are built from the path
 * table between two events, so they are always a consistent view.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mpath_time.h"
#include "checkloop.h"
#include "cli.h"
#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "devices.h"
#include "discovery.h"
#include "maps.h"
#include "paths.h"

/*
 * The largest reply built. Any user may ask for a format that repeats a
 * long wildcard for every path; the reply is built in memory before the
 * per-user caps of clients.c see it, so it is bounded here (with room
 * under the wire's own limit).
 */
#define SB_MAX	(32u << 20)

/* A growing string; on allocation failure it stays NULL and says so. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
	bool too_large;		/* it would have grown past SB_MAX */
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL,
			      sb->s ? sb->cap - sb->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->failed = true;
			return;
		}
		if (sb->s && sb->len + n < sb->cap) {
			sb->len += n;
			return;
		}
		size_t cap = sb->cap ? sb->cap : 4096;
		char *s;

		if (sb->len + n >= SB_MAX) {
			sb->failed = sb->too_large = true;
			return;
		}
		while (cap <= sb->len + n)
			cap *= 2;
		s = realloc(sb->s, cap);
		if (!s) {
			sb->failed = true;
			return;
		}
		sb->s = s;
		sb->cap = cap;
	}
}

static char *sb_finish(struct sbuf *sb)
{
	if (sb->failed) {
		free(sb->s);
		return strdup(sb->too_large ?
			      CLI_REPLY_FAIL "reply too large (over 32 MiB)\n" :
			      CLI_REPLY_FAIL "out of memory\n");
	}
	return sb->s ? sb->s : strdup("");
}

/* A refusal, as upstream's clients recognise it: "fail", then the reason. */
__attribute__((format(printf, 1, 2)))
static char *reply_fail(const char *fmt, ...)
{
	char reason[320], *reply;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (asprintf(&reply, CLI_REPLY_FAIL "%s\n", reason) < 0)
		return NULL;
	return reply;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void sb_json_str(struct sbuf *sb, const char *s)
{
	sb_printf(sb, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_printf(sb, "%c", c);
	}
	sb_printf(sb, "\"");
}

static double next_check_s(const struct path *pp, uint64_t now)
{
	if (pp->pending)
		return 0;
	return pp->next_check > now ? (pp->next_check - now) / 1e9 : 0;
}

static const char *shown_state(const struct path *pp)
{
	return pp->pending && pp->state == PATH_UNCHECKED ?
		"pending" : checker_state_name(pp->state);
}

/* "show paths" of paths[0..n), also "show path DEV" with one. */
static void show_paths(struct path *const *paths, unsigned int n,
		       struct sbuf *sb)
{
	uint64_t now = mpath_now_ns();
	unsigned int i;

	sb_printf(sb, "%-10s %-8s %-12s %-12s %-8s %-16s %-6s %s\n", "dev",
		  "dev_t", "checker", "state", "dm", "map", "next", "message");
	for (i = 0; i < n; i++) {
		const struct path *pp = paths[i];
		char devt[16];

		snprintf(devt, sizeof(devt), "%u:%u", major(pp->facts.devt),
			 minor(pp->facts.devt));
		sb_printf(sb, "%-10s %-8s %-12s %-12s %-8s %-16s %-6.1f %s%s\n",
			  pp->facts.devnode, devt, pp->set.checker,
			  shown_state(pp), map_path_dm_state(pp),
			  pp->map ? pp->map->name : "-", next_check_s(pp, now),
			  pp->operator_failed ? "[failed by operator] " : "",
			  pp->msg);
	}
}

static void show_paths_json(struct daemon *d, struct sbuf *sb)
{
	uint64_t now = mpath_now_ns();
	unsigned int i;

	sb_printf(sb, "{\"paths\": [");
	for (i = 0; i < d->paths.nr; i++) {
		const struct path *pp = d->paths.list[i];

		sb_printf(sb, "%s\n  {\"dev\": ", i ? "," : "");
		sb_json_str(sb, pp->facts.devnode);
		sb_printf(sb, ", \"dev_t\": \"%u:%u\", \"checker\": ",
			  major(pp->facts.devt), minor(pp->facts.devt));
		sb_json_str(sb, pp->set.checker);
		sb_printf(sb, ", \"state\": \"%s\", \"pending\": %s, \"operator_failed\": %s, \"dm_state\": \"%s\", \"map\": ",
			  shown_state(pp), pp->pending ? "true" : "false",
			  pp->operator_failed ? "true" : "false",
			  map_path_dm_state(pp));
		sb_json_str(sb, pp->map ? pp->map->name : "");
		sb_printf(sb, ", \"wwid\": ");
		sb_json_str(sb, pp->facts.wwid);
		sb_printf(sb, ", \"interval_s\": %u, \"next_check_s\": %.3f, \"checks\": %lu, \"message\": ",
			  pp->interval, next_check_s(pp, now), pp->checks);
		sb_json_str(sb, pp->msg);
		sb_printf(sb, "}");
	}
	sb_printf(sb, "%s]}\n", d->paths.nr ? "\n" : "");
}

static void devt_str(char buf[24], dev_t devt)
{
	snprintf(buf, 24, "%u:%u", major(devt), minor(devt));
}

/*
 * Each map with its uuid, then each path of its table, in table order: the
 * kernel's state (dm), the checker's, and the checker's message. A path
 * in the table that multipathd does not monitor shows "-" for what only
 * monitoring knows.
 */
static void show_maps(struct daemon *d, struct sbuf *sb)
{
	unsigned int i, j;
	char devt[24];

	if (!d->dm) {
		sb_printf(sb, "device-mapper is not available: no maps\n");
		return;
	}
	sb_printf(sb, "%-16s %-10s %-6s %-40s %s\n", "map", "dev_t", "paths",
		  "uuid", "alias");
	for (i = 0; i < d->maps.nr; i++) {
		const struct mpath_map *m = d->maps.list[i];

		devt_str(devt, m->devt);
		sb_printf(sb, "%-16s %-10s %-6u %-40s %s\n", m->name, devt,
			  m->nr_paths, *m->uuid ? m->uuid : "-",
			  *m->alias ? m->alias : "-");
		for (j = 0; j < m->nr_paths; j++) {
			const struct map_path *mp = &m->paths[j];
			const struct path *pp = mp->pp;

			devt_str(devt, mp->devt);
			sb_printf(sb, "  %-10s %-8s dm %-7s fails %-4u %-8s %-12s %s%s\n",
				  pp ? pp->facts.devnode : "-", devt,
				  mp->dm_failed ? "failed" : "active",
				  mp->fail_count, pp ? pp->set.checker : "-",
				  pp ? shown_state(pp) : "-",
				  pp && pp->operator_failed ?
				  "[failed by operator] " : "",
				  pp ? pp->msg : "not monitored");
		}
	}
}

/*
 * Upstream multipathd's format wildcards ("show paths format '%d %T'"),
 * with its letters, headers and words, so that scripts written for it
 * read the same fields here. Only what this daemon knows is offered:
 * "show wildcards" lists exactly these. A value is written into a small
 * buffer; the callers bound every string they copy.
 */
#define WC_VALUE_MAX	160

struct path_wc {
	char wc;
	const char *header;
	void (*fn)(const struct path *pp, char *buf, size_t len);
};

struct map_wc {
	char wc;
	const char *header;
	void (*fn)(const struct mpath_map *m, char *buf, size_t len);
};

/* The WWID in a dm-multipath uuid: "mpath-<WWID>", as upstream shows it. */
static const char *uuid_wwid(const char *uuid)
{
	return strncmp(uuid, "mpath-", 6) == 0 ? uuid + 6 : uuid;
}

/* Upstream's words for a checker state (chk_st), not ours. */
static const char *chk_st(const struct path *pp)
{
	switch (pp->pending && pp->state == PATH_UNCHECKED ?
		PATH_PENDING : pp->state) {
	case PATH_UP:
		return "ready";
	case PATH_DOWN:
		return "faulty";
	case PATH_SHAKY:
		return "shaky";
	case PATH_GHOST:
		return "ghost";
	case PATH_PENDING:
		return "i/o pending";
	case PATH_TIMEOUT:
		return "i/o timeout";
	case PATH_DELAYED:
		return "delayed";
	}
	return "undef";
}

static const char *dm_st(const struct path *pp)
{
	const char *st = map_path_dm_state(pp);

	return strcmp(st, "-") ? st : "undef";
}

/*
 * H:C:T:L of a SCSI disk: the name of its sysfs "device" link. Read now:
 * a "show" is rare, and discovery need not carry what only it prints.
 */
static void hcil(const struct path *pp, char *buf, size_t len)
{
	char link[128], target[256];
	unsigned int h, c, t, l;
	const char *base;
	ssize_t n;
	char end;

	snprintf(buf, len, "#:#:#:#");
	if (!pp->facts.is_scsi)
		return;
	snprintf(link, sizeof(link), "/sys/block/%s/device", pp->facts.devnode);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (sscanf(base, "%u:%u:%u:%u%c", &h, &c, &t, &l, &end) == 4)
		snprintf(buf, len, "%u:%u:%u:%u", h, c, t, l);
}

static void pw_uuid(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", pp->map ? uuid_wwid(pp->map->uuid) :
				  pp->facts.wwid);
}

static void pw_dev(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", pp->facts.devnode);
}

static void pw_devt(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", major(pp->facts.devt), minor(pp->facts.devt));
}

static void pw_dm_st(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", dm_st(pp));
}

static void pw_chk_st(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", chk_st(pp));
}

static void pw_vpr(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s,%s", pp->facts.vendor, pp->facts.product);
}

static void pw_checker(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", pp->set.checker);
}

/* Upstream's progress bar: X for time gone, then the seconds left. */
static void pw_next_check(const struct path *pp, char *buf, size_t len)
{
	unsigned int left = (unsigned int)(next_check_s(pp, mpath_now_ns()) +
					   0.5);
	unsigned int total = pp->interval ? pp->interval : 1, i, x;
	char bar[11];

	if (left > total)
		left = total;
	x = 10 * (total - left) / total;
	for (i = 0; i < 10; i++)
		bar[i] = i < x ? 'X' : '.';
	bar[10] = '\0';
	snprintf(buf, len, "%s %u/%u", bar, left, total);
}

static void pw_map(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s", pp->map ? pp->map->name : "[orphan]");
}

static void pw_failures(const struct path *pp, char *buf, size_t len)
{
	const struct map_path *mp = map_path_of(pp);

	snprintf(buf, len, "%u", mp ? mp->fail_count : 0);
}

/* Ours, not upstream's: the checker's message. */
static void pw_msg(const struct path *pp, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", pp->operator_failed ?
		 "[failed by operator] " : "", pp->msg);
}

static const struct path_wc path_wcs[] = {
	{ 'w', "uuid", pw_uuid },
	{ 'i', "hcil", hcil },
	{ 'd', "dev", pw_dev },
	{ 'D', "dev_t", pw_devt },
	{ 't', "dm_st", pw_dm_st },
	{ 'T', "chk_st", pw_chk_st },
	{ 's', "vend/prod/rev", pw_vpr },
	{ 'c', "checker", pw_checker },
	{ 'C', "next_check", pw_next_check },
	{ 'm', "multipath", pw_map },
	{ '0', "failures", pw_failures },
	{ 'k', "message", pw_msg },
};

/* The first monitored path of m with a vendor: upstream's map vendor. */
static const struct path *map_vpr_path(const struct mpath_map *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		if (m->paths[i].pp && *m->paths[i].pp->facts.vendor)
			return m->paths[i].pp;
	return NULL;
}

static void mw_name(const struct mpath_map *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s", m->name);
}

static void mw_uuid(const struct mpath_map *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s", uuid_wwid(m->uuid));
}

static void mw_sysfs(const struct mpath_map *m, char *buf, size_t len)
{
	snprintf(buf, len, "dm-%u", minor(m->devt));
}

/* Upstream counts the paths that can carry I/O: active in the map. */
static void mw_paths(const struct mpath_map *m, char *buf, size_t len)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->nr_paths; i++)
		n += !m->paths[i].dm_failed;
	snprintf(buf, len, "%u", n);
}

/* We never suspend a map; a suspended one is not told apart here. */
static void mw_dm_st(const struct mpath_map *m, char *buf, size_t len)
{
	(void)m;
	snprintf(buf, len, "active");
}

static void mw_vpr(const struct mpath_map *m, char *buf, size_t len)
{
	const struct path *pp = map_vpr_path(m);

	snprintf(buf, len, "%s,%s", pp ? pp->facts.vendor : "##",
		 pp ? pp->facts.product : "##");
}

static void mw_vend(const struct mpath_map *m, char *buf, size_t len)
{
	const struct path *pp = map_vpr_path(m);

	snprintf(buf, len, "%s", pp ? pp->facts.vendor : "##");
}

static void mw_prod(const struct mpath_map *m, char *buf, size_t len)
{
	const struct path *pp = map_vpr_path(m);

	snprintf(buf, len, "%s", pp ? pp->facts.product : "##");
}

/* The kernel's fail counts of the map's paths, added up. */
static void mw_faults(const struct mpath_map *m, char *buf, size_t len)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		n += m->paths[i].fail_count;
	snprintf(buf, len, "%lu", n);
}

static const struct map_wc map_wcs[] = {
	{ 'n', "name", mw_name },
	{ 'w', "uuid", mw_uuid },
	{ 'd', "sysfs", mw_sysfs },
	{ 'N', "paths", mw_paths },
	{ 't', "dm-st", mw_dm_st },
	{ '0', "path_faults", mw_faults },
	{ 's', "vend/prod/rev", mw_vpr },
	{ 'v', "vend", mw_vend },
	{ 'p', "prod", mw_prod },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void show_wildcards(struct sbuf *sb)
{
	size_t i;

	sb_printf(sb, "multipath format wildcards:\n");
	for (i = 0; i < ARRAY_SIZE(map_wcs); i++)
		sb_printf(sb, "%%%c  %s\n", map_wcs[i].wc, map_wcs[i].header);
	sb_printf(sb, "\npath format wildcards:\n");
	for (i = 0; i < ARRAY_SIZE(path_wcs); i++)
		sb_printf(sb, "%%%c  %s\n", path_wcs[i].wc, path_wcs[i].header);
}

/*
 * One field of a format: a run of literal text, or a wildcard (index into
 * the table). A format of CLI_MAX_FORMAT bytes has fewer fields than that.
 */
struct fmt_field {
	const char *text;	/* literal: points into the format */
	size_t len;
	int wc;			/* -1: literal */
	size_t width;		/* widest value (and header) */
};

/*
 * Cut fmt into fields. "%%" is a '%'; a '%' before a letter this daemon
 * does not know is dropped with its letter, as upstream drops it.
 */
static unsigned int fmt_fields(const char *fmt, const char *letters,
			       struct fmt_field *f, unsigned int max)
{
	unsigned int n = 0;
	const char *p = fmt, *hit;

	while (*p && n < max) {
		if (*p != '%') {
			size_t len = strcspn(p, "%");

			f[n++] = (struct fmt_field){ .text = p, .len = len, .wc = -1 };
			p += len;
			continue;
		}
		if (p[1] == '%') {
			f[n++] = (struct fmt_field){ .text = p, .len = 1, .wc = -1 };
			p += 2;
			continue;
		}
		hit = p[1] ? strchr(letters, p[1]) : NULL;
		if (hit)
			f[n++] = (struct fmt_field){ .wc = (int)(hit - letters) };
		p += p[1] ? 2 : 1;
	}
	return n;
}

/*
 * Print objects with a format: without raw, a header line of upstream's
 * column names and every column padded to its widest value; raw, neither.
 * value(obj, wc, buf, len) writes one wildcard's value.
 */
static void print_formatted(struct sbuf *sb, const char *fmt, bool raw,
			    const char *letters, const char *const *headers,
			    const void *const *objs, unsigned int nr,
			    void (*value)(const void *obj, int wc, char *buf,
					  size_t len))
{
	struct fmt_field f[CLI_MAX_FORMAT];
	char buf[WC_VALUE_MAX];
	unsigned int n, i, j;

	n = fmt_fields(fmt, letters, f, ARRAY_SIZE(f));
	for (j = 0; j < n && !raw; j++) {
		if (f[j].wc < 0)
			continue;
		f[j].width = strlen(headers[f[j].wc]);
		for (i = 0; i < nr; i++) {
			value(objs[i], f[j].wc, buf, sizeof(buf));
			if (strlen(buf) > f[j].width)
				f[j].width = strlen(buf);
		}
	}
	for (i = raw ? 1 : 0; i <= nr; i++) {
		for (j = 0; j < n; j++) {
			if (f[j].wc < 0) {
				sb_printf(sb, "%.*s", (int)f[j].len, f[j].text);
				continue;
			}
			if (i == 0)
				snprintf(buf, sizeof(buf), "%s", headers[f[j].wc]);
			else
				value(objs[i - 1], f[j].wc, buf, sizeof(buf));
			/* No blanks at the end of a line. */
			sb_printf(sb, "%-*s", j + 1 < n ? (int)f[j].width : 0,
				  buf);
		}
		sb_printf(sb, "\n");
	}
}

static void path_value(const void *obj, int wc, char *buf, size_t len)
{
	path_wcs[wc].fn(obj, buf, len);
}

static void map_value(const void *obj, int wc, char *buf, size_t len)
{
	map_wcs[wc].fn(obj, buf, len);
}

static void show_paths_fmt(struct daemon *d, const struct cli_request *req,
			   struct sbuf *sb)
{
	char letters[ARRAY_SIZE(path_wcs) + 1];
	const char *headers[ARRAY_SIZE(path_wcs)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(path_wcs); i++) {
		letters[i] = path_wcs[i].wc;
		headers[i] = path_wcs[i].header;
	}
	letters[i] = '\0';
	print_formatted(sb, req->fmt, req->raw, letters, headers,
			(const void *const *)d->paths.list, d->paths.nr,
			path_value);
}

/* Without a format: upstream's map list, "%n %d %w". */
static void show_maps_fmt(struct daemon *d, const struct cli_request *req,
			  struct sbuf *sb)
{
	char letters[ARRAY_SIZE(map_wcs) + 1];
	const char *headers[ARRAY_SIZE(map_wcs)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map_wcs); i++) {
		letters[i] = map_wcs[i].wc;
		headers[i] = map_wcs[i].header;
	}
	letters[i] = '\0';
	print_formatted(sb, *req->fmt ? req->fmt : "%n %d %w", req->raw,
			letters, headers, (const void *const *)d->maps.list,
			d->maps.nr, map_value);
}

/*
 * Upstream's topology, as far as this daemon knows it: each map, then its
 * paths in table order with their H:C:T:L, device, number, state in the
 * map and checker state. The path groups and their priorities are the
 * map's business, which this daemon does not manage: they are not shown.
 */
static void show_topology(struct daemon *d, struct sbuf *sb)
{
	char buf[WC_VALUE_MAX], devt[24];
	unsigned int i, j;

	for (i = 0; i < d->maps.nr; i++) {
		const struct mpath_map *m = d->maps.list[i];

		mw_vpr(m, buf, sizeof(buf));
		sb_printf(sb, "%s (%s) dm-%u %s\n", m->name, uuid_wwid(m->uuid),
			  minor(m->devt), buf);
		for (j = 0; j < m->nr_paths; j++) {
			const struct map_path *mp = &m->paths[j];
			const char *tree = j + 1 < m->nr_paths ? "|-" : "`-";

			devt_str(devt, mp->devt);
			if (!mp->pp) {
				sb_printf(sb, "%s #:#:#:# %-8s %-8s %-6s undef (not monitored)\n",
					  tree, "-", devt,
					  mp->dm_failed ? "failed" : "active");
				continue;
			}
			hcil(mp->pp, buf, sizeof(buf));
			sb_printf(sb, "%s %s %-8s %-8s %-6s %s\n", tree, buf,
				  mp->pp->facts.devnode, devt,
				  mp->dm_failed ? "failed" : "active",
				  chk_st(mp->pp));
		}
	}
}

/* One map as JSON, the shape of an element of "show maps json". */
static void map_json(const struct mpath_map *m, struct sbuf *sb)
{
	char devt[24];
	unsigned int j;

	sb_printf(sb, "{\"name\": ");
	sb_json_str(sb, m->name);
	sb_printf(sb, ", \"uuid\": ");
	sb_json_str(sb, m->uuid);
	sb_printf(sb, ", \"alias\": ");
	sb_json_str(sb, m->alias);
	devt_str(devt, m->devt);
	sb_printf(sb, ", \"dev_t\": \"%s\", \"paths\": [", devt);
	for (j = 0; j < m->nr_paths; j++) {
		const struct map_path *mp = &m->paths[j];
		const struct path *pp = mp->pp;

		devt_str(devt, mp->devt);
		sb_printf(sb, "%s{\"dev\": ", j ? ", " : "");
		sb_json_str(sb, pp ? pp->facts.devnode : "-");
		sb_printf(sb, ", \"dev_t\": \"%s\", \"dm_state\": \"%s\", \"fail_count\": %u, \"state\": \"%s\", \"checker\": ",
			  devt, mp->dm_failed ? "failed" : "active",
			  mp->fail_count, pp ? shown_state(pp) : "-");
		sb_json_str(sb, pp ? pp->set.checker : "-");
		sb_printf(sb, ", \"operator_failed\": %s, \"message\": ",
			  pp && pp->operator_failed ? "true" : "false");
		sb_json_str(sb, pp ? pp->msg : "");
		sb_printf(sb, "}");
	}
	sb_printf(sb, "]}");
}

/* The same, one map per line: {"maps": [ {...}, ... ]}. */
static void show_maps_json(struct daemon *d, struct sbuf *sb)
{
	unsigned int i;

	sb_printf(sb, "{\"maps\": [");
	for (i = 0; i < d->maps.nr; i++) {
		sb_printf(sb, "%s\n  ", i ? "," : "");
		map_json(d->maps.list[i], sb);
	}
	sb_printf(sb, "%s]}\n", d->maps.nr ? "\n" : "");
}

static void show_checkers(struct daemon *d, struct sbuf *sb)
{
	struct checker_executor_stats es;
	struct checker_plugin_stats *st;
	int i, n = checker_plugin_stats(&st);

	sb_printf(sb, "%-14s %-10s %5s %7s %9s %9s %8s %7s %7s %5s\n",
		  "plugin", "registered", "refs", "threads", "started",
		  "completed", "timedout", "queued", "running", "stuck");
	for (i = 0; i < n; i++)
		sb_printf(sb, "%-14s %-10s %5ld %7lu %9lu %9lu %8lu %7lu %7lu %5lu\n",
			  st[i].name, st[i].registered ? "yes" : "no",
			  st[i].refcount, st[i].threads_running,
			  st[i].checks_started, st[i].checks_completed,
			  st[i].checks_timed_out, st[i].jobs_queued,
			  st[i].jobs_running, st[i].jobs_stuck);
	if (n >= 0)
		free(st);
	checker_executor_stats(&es);
	sb_printf(sb, "executor: %u workers (%u idle), %u written off as hung, %u jobs queued; limits %u workers, %u hung\n",
		  es.workers, es.idle, es.written_off, es.queued,
		  es.max_workers, es.max_stuck);
}

static void show_status(struct daemon *d, struct sbuf *sb)
{
	unsigned int count[PATH_MAX_STATE] = { 0 };
	unsigned int i;

	for (i = 0; i < d->paths.nr; i++)
		if (d->paths.list[i]->state >= 0 &&
		    d->paths.list[i]->state < PATH_MAX_STATE)
			count[d->paths.list[i]->state]++;
	sb_printf(sb, "paths: %u (%u checks in flight)\n", d->paths.nr,
		  d->sched.nr_pending);
	for (i = 0; i < PATH_MAX_STATE; i++)
		if (count[i])
			sb_printf(sb, "  %-12s %u\n", checker_state_name(i),
				  count[i]);
	sb_printf(sb, "device-mapper: %s\n", d->dm ? "available" :
		  "not available (monitor-only)");
	if (d->dm)
		sb_printf(sb, "maps: %u\n", d->maps.nr);
	sb_printf(sb, "uptime: %.0f s\nchecks started: %lu\nstate changes: %lu\nwake-ups: %lu\n",
		  (mpath_now_ns() - d->start_time) / 1e9,
		  d->sched.checks_started,
		  d->sched.state_changes, d->wakeups);
}

/* The path a command names: a device name ("sdb") or its "MAJ:MIN". */
static struct path *path_of_arg(struct daemon *d, const char *arg)
{
	dev_t devt = cli_parse_devt(arg);

	return devt ? path_find_devt(d, devt) : path_find(d, arg);
}

static char *path_command(struct daemon *d, const struct cli_request *req)
{
	struct path *pp = path_of_arg(d, req->arg);

	if (!pp)
		return reply_fail("no path %s", req->arg);
	path_set_operator_failed(d, pp, req->cmd == CLI_FAIL_PATH);
	return strdup(CLI_REPLY_OK);
}

/* "add path DEV": what discovery would read of it, then monitor it. */
static char *add_path(struct daemon *d, const struct cli_request *req)
{
	dev_t devt = cli_parse_devt(req->arg);
	struct path_facts pf;
	int r;

	if (!d->udev)
		return reply_fail("cannot add %s: no udev", req->arg);
	r = disc_device(d->udev, devt ? NULL : req->arg, devt, &pf);
	if (r == -ENODEV)
		return reply_fail("no block device %s", req->arg);
	if (r == -ENOTBLK)
		return reply_fail("%s is not a whole disk", req->arg);
	if (r)
		return reply_fail("cannot read %s: %s", req->arg, strerror(-r));
	r = device_add_operator(d, &pf);
	disc_facts_release(&pf);
	if (r == -EPERM)
		return reply_fail("%s is blacklisted", pf.devnode);
	if (r)
		return reply_fail("cannot monitor %s (the log says why)",
				  pf.devnode);
	return strdup(CLI_REPLY_OK);
}

static char *del_path(struct daemon *d, const struct cli_request *req)
{
	struct path *pp = path_of_arg(d, req->arg);
	int r;

	if (!pp)
		return reply_fail("no path %s", req->arg);
	r = device_del_operator(d, pp);
	if (r)
		return reply_fail("cannot delete %s: %s", req->arg,
				  r == -ENOSPC ? "too many deleted paths" :
				  strerror(-r));
	return strdup(CLI_REPLY_OK);
}

static char *show_path(struct daemon *d, const struct cli_request *req)
{
	struct path *pp = path_of_arg(d, req->arg);
	struct sbuf sb = { 0 };

	if (!pp)
		return reply_fail("no path %s", req->arg);
	/* The columns of "show paths", for this path alone. */
	show_paths(&pp, 1, &sb);
	return sb_finish(&sb);
}

static char *show_map_json(struct daemon *d, const struct cli_request *req)
{
	struct mpath_map *m = map_find(d, req->arg);
	struct sbuf sb = { 0 };

	if (!m)
		return reply_fail("no map %s", req->arg);
	sb_printf(&sb, "{\"map\": ");
	map_json(m, &sb);
	sb_printf(&sb, "}\n");
	return sb_finish(&sb);
}

char *command_run(struct daemon *d, const char *line, uid_t uid)
{
	struct cli_request req;
	struct sbuf sb = { 0 };
	char err[256], *reply;

	if (cli_parse(line, &req, err, sizeof(err)) != 0)
		return reply_fail("%s", err);
	if (cli_needs_root(req.cmd) && uid != 0)
		return reply_fail("permission denied: only root may do that");
	switch (req.cmd) {
	case CLI_SHOW_PATHS:
		show_paths(d->paths.list, d->paths.nr, &sb);
		break;
	case CLI_SHOW_PATHS_JSON:
		show_paths_json(d, &sb);
		break;
	case CLI_SHOW_PATHS_FMT:
		show_paths_fmt(d, &req, &sb);
		break;
	case CLI_SHOW_PATH:
		return show_path(d, &req);
	case CLI_SHOW_MAPS:
		show_maps(d, &sb);
		break;
	case CLI_SHOW_MAPS_JSON:
		show_maps_json(d, &sb);
		break;
	case CLI_SHOW_MAPS_FMT:
		show_maps_fmt(d, &req, &sb);
		break;
	case CLI_SHOW_MAP_JSON:
		return show_map_json(d, &req);
	case CLI_SHOW_TOPOLOGY:
		show_topology(d, &sb);
		break;
	case CLI_SHOW_WILDCARDS:
		show_wildcards(&sb);
		break;
	case CLI_SHOW_DAEMON:
		/* Upstream's words; we answer only while running. */
		sb_printf(&sb, "pid %d running\n", (int)getpid());
		break;
	case CLI_SHOW_CHECKERS:
		show_checkers(d, &sb);
		break;
	case CLI_SHOW_STATUS:
		show_status(d, &sb);
		break;
	case CLI_SHOW_CONFIG:
		reply = config_dump(d->conf);
		return reply ? reply : strdup(CLI_REPLY_FAIL "out of memory\n");
	case CLI_FAIL_PATH:
	case CLI_REINSTATE_PATH:
		return path_command(d, &req);
	case CLI_ADD_PATH:
		return add_path(d, &req);
	case CLI_DEL_PATH:
		return del_path(d, &req);
	case CLI_MAP_MGMT:
		return reply_fail("'%s' is not supported: this multipathd monitors paths and follows the maps that exist; it does not manage maps",
				  req.verb);
	case CLI_QUIT:
		return strdup(CLI_REPLY_OK);
	case CLI_RECONFIGURE:
		d->reconfigure = true;
		return strdup(CLI_REPLY_OK);
	case CLI_SHUTDOWN:
		d->running = false;
		return strdup(CLI_REPLY_OK);
	}
	return sb_finish(&sb);
}
