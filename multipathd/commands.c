// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - what the CLI commands do and what they answer. The parser
 * and the wire format are in cli.c; this file turns a parsed request into
 * a reply from the daemon's state.
 *
 * Event-loop thread only (see daemon.h): replies are built from the path
 * table between two events, so they are always a consistent view.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "daemon.h"

/* A growing string; on allocation failure it stays NULL and says so. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
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
		return strdup("error: out of memory\n");
	}
	return sb->s ? sb->s : strdup("");
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

static void show_paths(struct daemon *d, struct sbuf *sb)
{
	uint64_t now = now_ns();
	unsigned int i;

	sb_printf(sb, "%-10s %-8s %-12s %-12s %-8s %-16s %-6s %s\n", "dev",
		  "dev_t", "checker", "state", "dm", "map", "next", "message");
	for (i = 0; i < d->nr_paths; i++) {
		const struct path *pp = d->paths[i];
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
	uint64_t now = now_ns();
	unsigned int i;

	sb_printf(sb, "{\"paths\": [");
	for (i = 0; i < d->nr_paths; i++) {
		const struct path *pp = d->paths[i];

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
		sb_printf(sb, ", \"interval_s\": %u, \"next_check_s\": %.3f, \"checks\": %lu, \"message\": ",
			  pp->interval, next_check_s(pp, now), pp->checks);
		sb_json_str(sb, pp->msg);
		sb_printf(sb, "}");
	}
	sb_printf(sb, "%s]}\n", d->nr_paths ? "\n" : "");
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
	sb_printf(sb, "%-16s %-10s %-6s %s\n", "map", "dev_t", "paths", "uuid");
	for (i = 0; i < d->nr_maps; i++) {
		const struct mpath_map *m = d->maps[i];

		devt_str(devt, m->devt);
		sb_printf(sb, "%-16s %-10s %-6u %s\n", m->name, devt,
			  m->nr_paths, *m->uuid ? m->uuid : "-");
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

/* The same, one map per line: {"maps": [ {...}, ... ]}. */
static void show_maps_json(struct daemon *d, struct sbuf *sb)
{
	unsigned int i, j;
	char devt[24];

	sb_printf(sb, "{\"maps\": [");
	for (i = 0; i < d->nr_maps; i++) {
		const struct mpath_map *m = d->maps[i];

		sb_printf(sb, "%s\n  {\"name\": ", i ? "," : "");
		sb_json_str(sb, m->name);
		sb_printf(sb, ", \"uuid\": ");
		sb_json_str(sb, m->uuid);
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
	sb_printf(sb, "%s]}\n", d->nr_maps ? "\n" : "");
}

static void show_checkers(struct daemon *d, struct sbuf *sb)
{
	struct checker_executor_stats es;
	struct checker_class_stats *st;
	int i, n = checker_class_stats(&st);

	sb_printf(sb, "%-14s %-10s %5s %7s %9s %9s %8s %7s %7s %5s\n",
		  "class", "registered", "refs", "threads", "started",
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

	for (i = 0; i < d->nr_paths; i++)
		if (d->paths[i]->state >= 0 && d->paths[i]->state < PATH_MAX_STATE)
			count[d->paths[i]->state]++;
	sb_printf(sb, "paths: %u (%u checks in flight)\n", d->nr_paths,
		  d->nr_pending);
	for (i = 0; i < PATH_MAX_STATE; i++)
		if (count[i])
			sb_printf(sb, "  %-12s %u\n", checker_state_name(i),
				  count[i]);
	sb_printf(sb, "device-mapper: %s\n", d->dm ? "available" :
		  "not available (monitor-only)");
	if (d->dm)
		sb_printf(sb, "maps: %u\n", d->nr_maps);
	sb_printf(sb, "uptime: %.0f s\nchecks started: %lu\nstate changes: %lu\nwake-ups: %lu\n",
		  (now_ns() - d->start_time) / 1e9, d->checks_started,
		  d->state_changes, d->wakeups);
}

/* The path a command names: a device name ("sdb") or its "MAJ:MIN". */
static struct path *path_of_arg(struct daemon *d, const char *arg)
{
	unsigned long maj = 0, min = 0;
	const char *p = arg, *q;

	/* Digits only, bounded: strtoul() would take signs and blanks. */
	while (*p >= '0' && *p <= '9' && maj <= 0xfff)
		maj = maj * 10 + (unsigned long)(*p++ - '0');
	if (p == arg || *p != ':' || maj > 0xfff)
		return path_find(d, arg);
	q = ++p;
	while (*p >= '0' && *p <= '9' && min <= 0xfffff)
		min = min * 10 + (unsigned long)(*p++ - '0');
	if (p == q || *p || min > 0xfffff)
		return path_find(d, arg);
	return path_find_devt(d, makedev(maj, min));
}

static char *path_command(struct daemon *d, const struct cli_request *req)
{
	struct path *pp = path_of_arg(d, req->arg);
	char *reply;

	if (!pp) {
		if (asprintf(&reply, "error: no path %s\n", req->arg) < 0)
			return NULL;
		return reply;
	}
	path_set_operator_failed(d, pp, req->cmd == CLI_FAIL_PATH);
	return strdup("ok\n");
}

char *command_run(struct daemon *d, const char *line, uid_t uid)
{
	struct cli_request req;
	struct sbuf sb = { 0 };
	char err[256], *reply;

	if (cli_parse(line, &req, err, sizeof(err)) != 0) {
		if (asprintf(&reply, "error: %s\n", err) < 0)
			return NULL;
		return reply;
	}
	if (cli_needs_root(req.cmd) && uid != 0)
		return strdup("error: permission denied\n");
	switch (req.cmd) {
	case CLI_SHOW_PATHS:
		show_paths(d, &sb);
		break;
	case CLI_SHOW_PATHS_JSON:
		show_paths_json(d, &sb);
		break;
	case CLI_SHOW_MAPS:
		show_maps(d, &sb);
		break;
	case CLI_SHOW_MAPS_JSON:
		show_maps_json(d, &sb);
		break;
	case CLI_SHOW_CHECKERS:
		show_checkers(d, &sb);
		break;
	case CLI_SHOW_STATUS:
		show_status(d, &sb);
		break;
	case CLI_SHOW_CONFIG:
		reply = config_dump(d->conf);
		return reply ? reply : strdup("error: out of memory\n");
	case CLI_FAIL_PATH:
	case CLI_REINSTATE_PATH:
		return path_command(d, &req);
	case CLI_RECONFIGURE:
		d->reconfigure = true;
		return strdup("ok\n");
	case CLI_SHUTDOWN:
		d->running = false;
		return strdup("ok\n");
	}
	return sb_finish(&sb);
}
