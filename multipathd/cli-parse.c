// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli-parse.c - the grammar of multipathd's commands: cli_parse() turns one
 * line from a client into a struct cli_request, or into a one-line reason
 * for the error reply, and cli_needs_root() says which commands change
 * anything. Pure functions of their arguments: no I/O, no state, no log,
 * so any thread may call them and the fuzzer can drive them directly.
 *
 * Called by: commands.c, discovery.c (MAJ:MIN).
 * Calls: nothing of multipathd's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>

#include "cli.h"

/*
 * "show paths raw format FMT" is the longest command; one more word to
 * name as extra. Commands that take any words after them (the map
 * management we refuse) ignore what is past that.
 */
#define CLI_MAX_WORDS	6

/* How much of a user's word an error message quotes. */
#define CLI_QUOTE_MAX	32

/* What a node that is not a keyword takes. */
enum cli_arg {
	ARG_NONE,	/* a keyword */
	ARG_DEV,	/* a device: sdb, /dev/sdb, 8:16 */
	ARG_MAP,	/* a map name */
	ARG_FMT,	/* a format string (upstream's % wildcards) */
};

/*
 * The command grammar as a tree: each node is one word, either a keyword
 * or an argument. A node whose cmd is not -1 ends a command; next lists
 * the words that may follow. Aliases are matched but left out of the
 * "expected ..." lists in error messages. A rest node ends a command and
 * takes any words after it: what they are does not change the answer.
 */
struct cli_node {
	const char *word;
	int cmd;
	enum cli_arg arg;
	bool alias;
	bool raw;			/* matching it sets req->raw */
	bool rest;
	const struct cli_node *next;	/* NULL-word-terminated, or NULL */
};

#define CLI_END	{ .word = NULL, .cmd = -1 }

static const struct cli_node cli_paths_fmt[] = {
	{ .word = "FORMAT", .cmd = CLI_SHOW_PATHS_FMT, .arg = ARG_FMT },
	CLI_END
};

static const struct cli_node cli_paths_raw_next[] = {
	{ .word = "format", .cmd = -1, .next = cli_paths_fmt },
	CLI_END
};

static const struct cli_node cli_show_paths_next[] = {
	{ .word = "json", .cmd = CLI_SHOW_PATHS_JSON },
	{ .word = "raw", .cmd = -1, .raw = true, .next = cli_paths_raw_next },
	{ .word = "format", .cmd = -1, .next = cli_paths_fmt },
	CLI_END
};

static const struct cli_node cli_maps_fmt[] = {
	{ .word = "FORMAT", .cmd = CLI_SHOW_MAPS_FMT, .arg = ARG_FMT },
	CLI_END
};

static const struct cli_node cli_maps_raw_next[] = {
	{ .word = "format", .cmd = -1, .next = cli_maps_fmt },
	CLI_END
};

static const struct cli_node cli_show_maps_next[] = {
	{ .word = "json", .cmd = CLI_SHOW_MAPS_JSON },
	{ .word = "raw", .cmd = CLI_SHOW_MAPS_FMT, .raw = true,
	  .next = cli_maps_raw_next },
	{ .word = "format", .cmd = -1, .next = cli_maps_fmt },
	{ .word = "topology", .cmd = CLI_SHOW_TOPOLOGY },
	CLI_END
};

static const struct cli_node cli_show_path_dev[] = {
	{ .word = "DEV", .cmd = CLI_SHOW_PATH, .arg = ARG_DEV },
	CLI_END
};

static const struct cli_node cli_show_map_next[] = {
	{ .word = "json", .cmd = CLI_SHOW_MAP_JSON },
	CLI_END
};

static const struct cli_node cli_show_map_name[] = {
	{ .word = "MAP", .cmd = -1, .arg = ARG_MAP, .next = cli_show_map_next },
	CLI_END
};

static const struct cli_node cli_show_next[] = {
	{ .word = "paths", .cmd = CLI_SHOW_PATHS, .next = cli_show_paths_next },
	{ .word = "path", .cmd = -1, .next = cli_show_path_dev },
	{ .word = "maps", .cmd = CLI_SHOW_MAPS, .next = cli_show_maps_next },
	/* Upstream's other word for them. */
	{ .word = "multipaths", .cmd = CLI_SHOW_MAPS, .next = cli_show_maps_next,
	  .alias = true },
	{ .word = "map", .cmd = -1, .next = cli_show_map_name },
	{ .word = "multipath", .cmd = -1, .next = cli_show_map_name,
	  .alias = true },
	{ .word = "topology", .cmd = CLI_SHOW_TOPOLOGY },
	{ .word = "checkers", .cmd = CLI_SHOW_CHECKERS },
	{ .word = "status", .cmd = CLI_SHOW_STATUS },
	{ .word = "daemon", .cmd = CLI_SHOW_DAEMON },
	{ .word = "config", .cmd = CLI_SHOW_CONFIG },
	{ .word = "wildcards", .cmd = CLI_SHOW_WILDCARDS },
	CLI_END
};

static const struct cli_node cli_fail_dev[] = {
	{ .word = "DEV", .cmd = CLI_FAIL_PATH, .arg = ARG_DEV },
	CLI_END
};

static const struct cli_node cli_reinstate_dev[] = {
	{ .word = "DEV", .cmd = CLI_REINSTATE_PATH, .arg = ARG_DEV },
	CLI_END
};

static const struct cli_node cli_add_dev[] = {
	{ .word = "DEV", .cmd = CLI_ADD_PATH, .arg = ARG_DEV },
	CLI_END
};

static const struct cli_node cli_del_dev[] = {
	{ .word = "DEV", .cmd = CLI_DEL_PATH, .arg = ARG_DEV },
	CLI_END
};

static const struct cli_node cli_fail_next[] = {
	{ .word = "path", .cmd = -1, .next = cli_fail_dev },
	CLI_END
};

static const struct cli_node cli_reinstate_next[] = {
	{ .word = "path", .cmd = -1, .next = cli_reinstate_dev },
	CLI_END
};

static const struct cli_node cli_add_next[] = {
	{ .word = "path", .cmd = -1, .next = cli_add_dev },
	{ .word = "map", .cmd = CLI_MAP_MGMT, .rest = true },
	{ .word = "multipath", .cmd = CLI_MAP_MGMT, .rest = true, .alias = true },
	CLI_END
};

static const struct cli_node cli_del_next[] = {
	{ .word = "path", .cmd = -1, .next = cli_del_dev },
	{ .word = "map", .cmd = CLI_MAP_MGMT, .rest = true },
	{ .word = "maps", .cmd = CLI_MAP_MGMT, .rest = true },
	{ .word = "multipath", .cmd = CLI_MAP_MGMT, .rest = true, .alias = true },
	{ .word = "multipaths", .cmd = CLI_MAP_MGMT, .rest = true, .alias = true },
	CLI_END
};

static const struct cli_node cli_reconfigure_next[] = {
	{ .word = "all", .cmd = CLI_RECONFIGURE },
	CLI_END
};

/* Upstream's map management: this daemon follows maps, it does not manage them. */
#define CLI_MAP_VERB(w) \
	{ .word = w, .cmd = CLI_MAP_MGMT, .rest = true, .alias = true }

/* Upstream clients say "list" (or "l") where we say "show". */
static const struct cli_node cli_root[] = {
	{ .word = "show", .cmd = -1, .next = cli_show_next },
	{ .word = "list", .cmd = -1, .next = cli_show_next, .alias = true },
	{ .word = "l", .cmd = -1, .next = cli_show_next, .alias = true },
	{ .word = "fail", .cmd = -1, .next = cli_fail_next },
	{ .word = "reinstate", .cmd = -1, .next = cli_reinstate_next },
	{ .word = "add", .cmd = -1, .next = cli_add_next },
	{ .word = "del", .cmd = -1, .next = cli_del_next },
	{ .word = "remove", .cmd = -1, .next = cli_del_next, .alias = true },
	{ .word = "reconfigure", .cmd = CLI_RECONFIGURE,
	  .next = cli_reconfigure_next },
	{ .word = "shutdown", .cmd = CLI_SHUTDOWN },
	{ .word = "quit", .cmd = CLI_QUIT },
	{ .word = "exit", .cmd = CLI_QUIT, .alias = true },
	CLI_MAP_VERB("resize"),
	CLI_MAP_VERB("switch"),
	CLI_MAP_VERB("switchgroup"),
	CLI_MAP_VERB("suspend"),
	CLI_MAP_VERB("resume"),
	CLI_MAP_VERB("reset"),
	CLI_MAP_VERB("reload"),
	CLI_MAP_VERB("disablequeueing"),
	CLI_MAP_VERB("restorequeueing"),
	CLI_MAP_VERB("forcequeueing"),
	CLI_MAP_VERB("getprstatus"),
	CLI_MAP_VERB("setprstatus"),
	CLI_MAP_VERB("unsetprstatus"),
	CLI_MAP_VERB("getprkey"),
	CLI_MAP_VERB("setprkey"),
	CLI_MAP_VERB("unsetprkey"),
	CLI_MAP_VERB("setmarginal"),
	CLI_MAP_VERB("unsetmarginal"),
	CLI_END
};

struct cli_word {
	const char *s;
	size_t len;
};

static void __attribute__((format(printf, 3, 4)))
cli_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Quote a user's word for an error message: printable ASCII only (anything
 * else becomes '?'), so that a reply never carries terminal escapes or
 * half a UTF-8 sequence, and bounded, so that the reason stays one line.
 */
static const char *cli_quote(const struct cli_word *w, char buf[CLI_QUOTE_MAX + 4])
{
	size_t i, n = w->len < CLI_QUOTE_MAX ? w->len : CLI_QUOTE_MAX;

	for (i = 0; i < n; i++) {
		unsigned char c = w->s[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	strcpy(buf + n, w->len > n ? "..." : "");
	return buf;
}

/*
 * Length of the well-formed UTF-8 sequence at s, 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included).
 * s is NUL-terminated, and a NUL fails every continuation test, so this
 * never reads past the terminator.
 */
static size_t cli_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/*
 * Blank space between words. A trailing CR or LF is what a hand-written
 * client (socat, a script) sends with a line; it separates words like a
 * space rather than failing the command.
 */
static bool cli_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Refuse bytes that have no business in a command: 0 or -EINVAL. */
static int cli_check_bytes(const char *line, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, n;

	while (s[i]) {
		if ((s[i] < 0x20 && !cli_blank(s[i])) || s[i] == 0x7f) {
			cli_err(err, errlen, "control character 0x%02x at offset %zu",
				s[i], i);
			return -EINVAL;
		}
		n = cli_utf8_len(s + i);
		if (!n) {
			cli_err(err, errlen, "invalid UTF-8 at offset %zu", i);
			return -EINVAL;
		}
		/* The C1 controls U+0080..U+009F are as unwelcome as C0. */
		if (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			cli_err(err, errlen, "control character U+%04X at offset %zu",
				s[i + 1], i);
			return -EINVAL;
		}
		i += n;
	}
	return 0;
}

/*
 * Split into at most CLI_MAX_WORDS words; returns how many were found, or
 * -EINVAL for an unterminated quote. A word that starts with a double
 * quote runs to the next one, blanks included, without the quotes:
 * upstream's client sends a format with blanks that way.
 */
static int cli_split(const char *line, struct cli_word *w, char *err,
		     size_t errlen)
{
	const char *end;
	int n = 0;

	while (n < CLI_MAX_WORDS) {
		while (cli_blank(*line))
			line++;
		if (!*line)
			break;
		if (*line == '"') {
			end = strchr(line + 1, '"');
			if (!end) {
				cli_err(err, errlen, "unterminated quote");
				return -EINVAL;
			}
			w[n].s = line + 1;
			w[n].len = end - w[n].s;
			line = end + 1;
		} else {
			w[n].s = line;
			while (*line && !cli_blank(*line))
				line++;
			w[n].len = line - w[n].s;
		}
		n++;
	}
	return n;
}

static bool cli_devchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '.' ||
	       c == '-';
}

/*
 * A device is a kernel name (sdb, loop3, nvme0n1) or MAJ:MIN, optionally
 * as /dev/NAME. The daemon may build sysfs paths from it, so no '/' and no
 * leading '.' ("." and ".." included) get through.
 */
static int cli_parse_dev(const struct cli_word *w, char *dev, size_t devlen,
			 char *err, size_t errlen)
{
	char q[CLI_QUOTE_MAX + 4];
	const char *s = w->s;
	size_t i, len = w->len;

	if (!len) {
		cli_err(err, errlen, "missing device name");
		return -EINVAL;
	}
	if (len >= 5 && memcmp(s, "/dev/", 5) == 0) {
		s += 5;
		len -= 5;
	}
	if (!len) {
		cli_err(err, errlen, "missing device name after /dev/");
		return -EINVAL;
	}
	if (len >= devlen) {
		cli_err(err, errlen, "device name '%s' too long (at most %zu characters)",
			cli_quote(w, q), devlen - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++)
		if (!cli_devchar(s[i]))
			break;
	if (i < len || s[0] == '.') {
		cli_err(err, errlen,
			"invalid device name '%s' (expected a kernel name such as sdb, or /dev/sdb)",
			cli_quote(w, q));
		return -EINVAL;
	}
	memcpy(dev, s, len);
	dev[len] = '\0';
	return 0;
}

/*
 * A map name is compared with the maps' names, never used as a file name:
 * any printable ASCII passes; bounded.
 */
static int cli_parse_map(const struct cli_word *w, char *map, size_t maplen,
			 char *err, size_t errlen)
{
	char q[CLI_QUOTE_MAX + 4];
	size_t i;

	if (!w->len || w->len >= maplen) {
		cli_err(err, errlen, "invalid map name '%s' (1 to %zu characters)",
			cli_quote(w, q), maplen - 1);
		return -EINVAL;
	}
	for (i = 0; i < w->len; i++) {
		if (w->s[i] <= ' ' || w->s[i] > '~') {
			cli_err(err, errlen, "invalid map name '%s'",
				cli_quote(w, q));
			return -EINVAL;
		}
	}
	memcpy(map, w->s, w->len);
	map[w->len] = '\0';
	return 0;
}

/* A format: any text cli_check_bytes() let through, bounded. */
static int cli_parse_fmt(const struct cli_word *w, char *fmt, size_t fmtlen,
			 char *err, size_t errlen)
{
	if (!w->len || w->len >= fmtlen) {
		cli_err(err, errlen, "format must be 1 to %zu bytes", fmtlen - 1);
		return -EINVAL;
	}
	memcpy(fmt, w->s, w->len);
	fmt[w->len] = '\0';
	return 0;
}

static const struct cli_node *cli_match(const struct cli_node *level,
					const struct cli_word *w)
{
	for (; level->word; level++)
		if (level->arg || (strlen(level->word) == w->len &&
				   strncasecmp(level->word, w->s, w->len) == 0))
			return level;
	return NULL;
}

static const char *cli_arg_name(enum cli_arg arg)
{
	switch (arg) {
	case ARG_DEV:
		return "a device name";
	case ARG_MAP:
		return "a map name";
	case ARG_FMT:
		return "a format";
	case ARG_NONE:
		break;
	}
	return "";
}

/* "one of: paths, checkers, status, config" for an error message. */
static void cli_expected(const struct cli_node *level, char *buf, size_t len)
{
	size_t off = 0;
	int n = 0;

	buf[0] = '\0';
	for (; level && level->word && off < len; level++) {
		if (level->alias)
			continue;
		off += snprintf(buf + off, len - off, "%s%s", n++ ? ", " : "",
				level->arg ? cli_arg_name(level->arg) :
				level->word);
	}
}

/*
 * The words matched so far, as the grammar spells them ("fail path"), with
 * a device or map as given: they are already known to be made of safe
 * characters. A format is not repeated.
 */
static void cli_prefix(const struct cli_node **path, int n,
		       const struct cli_request *req, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				path[i]->arg == ARG_DEV || path[i]->arg == ARG_MAP ?
				req->arg : path[i]->arg == ARG_FMT ? "FORMAT" :
				path[i]->word);
}

/* Take an argument word into req: 0 or -EINVAL with the reason in err. */
static int cli_take_arg(const struct cli_node *hit, const struct cli_word *w,
			struct cli_request *req, char *err, size_t errlen)
{
	switch (hit->arg) {
	case ARG_DEV:
		return cli_parse_dev(w, req->arg, sizeof(req->arg), err, errlen);
	case ARG_MAP:
		return cli_parse_map(w, req->arg, sizeof(req->arg), err, errlen);
	case ARG_FMT:
		return cli_parse_fmt(w, req->fmt, sizeof(req->fmt), err, errlen);
	case ARG_NONE:
		break;
	}
	if (hit->raw)
		req->raw = true;
	return 0;
}

int cli_parse(const char *line, struct cli_request *req, char *err,
	      size_t errlen)
{
	const struct cli_node *path[CLI_MAX_WORDS], *level = cli_root, *hit;
	struct cli_word w[CLI_MAX_WORDS];
	struct cli_request r;
	char q[CLI_QUOTE_MAX + 4], pre[128], exp[96];
	int i, n;

	if (!line) {
		cli_err(err, errlen, "no command");
		return -EINVAL;
	}
	if (strnlen(line, CLI_MAX_REQUEST) >= CLI_MAX_REQUEST) {
		cli_err(err, errlen, "command too long (at most %d bytes)",
			CLI_MAX_REQUEST - 1);
		return -EINVAL;
	}
	if (cli_check_bytes(line, err, errlen))
		return -EINVAL;
	n = cli_split(line, w, err, errlen);
	if (n < 0)
		return -EINVAL;
	if (!n) {
		cli_err(err, errlen, "empty command");
		return -EINVAL;
	}
	/* Built aside: req is written only for a valid command. */
	memset(&r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		cli_prefix(path, i, &r, pre, sizeof(pre));
		if (i && path[i - 1]->rest) {
			n = i;	/* the words after it do not matter */
			break;
		}
		if (!level) {
			cli_err(err, errlen, "unexpected '%s' after '%s'",
				cli_quote(&w[i], q), pre);
			return -EINVAL;
		}
		hit = cli_match(level, &w[i]);
		if (!hit) {
			cli_expected(level, exp, sizeof(exp));
			if (i == 0)
				cli_err(err, errlen, "unknown command '%s'",
					cli_quote(&w[i], q));
			else
				cli_err(err, errlen, "unknown '%s' after '%s' (expected %s)",
					cli_quote(&w[i], q), pre, exp);
			return -EINVAL;
		}
		if (cli_take_arg(hit, &w[i], &r, err, errlen))
			return -EINVAL;
		path[i] = hit;
		level = hit->next;
	}
	if (path[n - 1]->cmd < 0) {
		cli_prefix(path, n, &r, pre, sizeof(pre));
		cli_expected(level, exp, sizeof(exp));
		cli_err(err, errlen, "incomplete command '%s' (expected %s)", pre, exp);
		return -EINVAL;
	}
	r.cmd = path[n - 1]->cmd;
	if (r.cmd == CLI_MAP_MGMT)
		cli_prefix(path, n, &r, r.verb, sizeof(r.verb));
	*req = r;
	return 0;
}

/* A decimal number of at most max, digits only, up to stop; NULL if not. */
static const char *cli_parse_num(const char *s, char stop, unsigned long max,
				 unsigned long *ret)
{
	unsigned long v = 0;
	const char *p;

	/* By hand: strtoul() and sscanf() take signs and blanks, and overflow. */
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return NULL;
	}
	if (p == s || *p != stop)
		return NULL;
	*ret = v;
	return p;
}

dev_t cli_parse_devt(const char *s)
{
	unsigned long maj, min;

	if (!s)
		return 0;
	s = cli_parse_num(s, ':', 0xfff, &maj);
	if (!s || !cli_parse_num(s + 1, '\0', 0xfffff, &min))
		return 0;
	return makedev(maj, min);
}

bool cli_needs_root(enum cli_cmd cmd)
{
	switch (cmd) {
	case CLI_SHOW_PATHS:
	case CLI_SHOW_PATHS_JSON:
	case CLI_SHOW_MAPS:
	case CLI_SHOW_MAPS_JSON:
	case CLI_SHOW_CHECKERS:
	case CLI_SHOW_STATUS:
	case CLI_SHOW_CONFIG:
	case CLI_SHOW_PATHS_FMT:
	case CLI_SHOW_MAPS_FMT:
	case CLI_SHOW_PATH:
	case CLI_SHOW_MAP_JSON:
	case CLI_SHOW_TOPOLOGY:
	case CLI_SHOW_DAEMON:
	case CLI_SHOW_WILDCARDS:
	case CLI_QUIT:
		return false;
	case CLI_ADD_PATH:
	case CLI_DEL_PATH:
	case CLI_MAP_MGMT:
	case CLI_FAIL_PATH:
	case CLI_REINSTATE_PATH:
	case CLI_RECONFIGURE:
	case CLI_SHUTDOWN:
		return true;
	}
	/* A value outside the enum: refuse rather than guess. */
	return true;
}
