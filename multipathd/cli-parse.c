// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli-parse.c - the grammar of multipathd's commands: cli_parse() turns one
 * line from a client into a struct cli_request, or into a one-line reason
 * for the error reply, and cli_needs_root() says which commands change
 * anything. Pure functions of their arguments: no I/O, no state, no log,
 * so any thread may call them and the fuzzer can drive them directly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* "fail path DEV" is the longest command; one more word to name as extra. */
#define CLI_MAX_WORDS	4

/* How much of a user's word an error message quotes. */
#define CLI_QUOTE_MAX	32

/*
 * The command grammar as a tree: each node is one word, either a keyword
 * or (arg) the device name. A node whose cmd is not -1 ends a command;
 * next lists the words that may follow. Aliases are matched but left out
 * of the "expected ..." lists in error messages.
 */
struct cli_node {
	const char *word;
	int cmd;
	bool arg;
	bool alias;
	const struct cli_node *next;	/* NULL-word-terminated, or NULL */
};

#define CLI_END	{ .word = NULL, .cmd = -1 }

static const struct cli_node cli_show_paths_next[] = {
	{ .word = "json", .cmd = CLI_SHOW_PATHS_JSON },
	CLI_END
};

static const struct cli_node cli_show_maps_next[] = {
	{ .word = "json", .cmd = CLI_SHOW_MAPS_JSON },
	CLI_END
};

static const struct cli_node cli_show_next[] = {
	{ .word = "paths", .cmd = CLI_SHOW_PATHS, .next = cli_show_paths_next },
	{ .word = "maps", .cmd = CLI_SHOW_MAPS, .next = cli_show_maps_next },
	/* Upstream's other word for them. */
	{ .word = "multipaths", .cmd = CLI_SHOW_MAPS, .next = cli_show_maps_next,
	  .alias = true },
	{ .word = "checkers", .cmd = CLI_SHOW_CHECKERS },
	{ .word = "status", .cmd = CLI_SHOW_STATUS },
	{ .word = "config", .cmd = CLI_SHOW_CONFIG },
	CLI_END
};

static const struct cli_node cli_fail_dev[] = {
	{ .word = "DEV", .cmd = CLI_FAIL_PATH, .arg = true },
	CLI_END
};

static const struct cli_node cli_reinstate_dev[] = {
	{ .word = "DEV", .cmd = CLI_REINSTATE_PATH, .arg = true },
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

/* Upstream clients say "list" (or "l") where we say "show". */
static const struct cli_node cli_root[] = {
	{ .word = "show", .cmd = -1, .next = cli_show_next },
	{ .word = "list", .cmd = -1, .next = cli_show_next, .alias = true },
	{ .word = "l", .cmd = -1, .next = cli_show_next, .alias = true },
	{ .word = "fail", .cmd = -1, .next = cli_fail_next },
	{ .word = "reinstate", .cmd = -1, .next = cli_reinstate_next },
	{ .word = "reconfigure", .cmd = CLI_RECONFIGURE },
	{ .word = "shutdown", .cmd = CLI_SHUTDOWN },
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

/* Split into at most CLI_MAX_WORDS words; returns how many were found. */
static int cli_split(const char *line, struct cli_word *w)
{
	int n = 0;

	while (n < CLI_MAX_WORDS) {
		while (cli_blank(*line))
			line++;
		if (!*line)
			break;
		w[n].s = line;
		while (*line && !cli_blank(*line))
			line++;
		w[n].len = line - w[n].s;
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

static const struct cli_node *cli_match(const struct cli_node *level,
					const struct cli_word *w)
{
	for (; level->word; level++)
		if (level->arg || (strlen(level->word) == w->len &&
				   strncasecmp(level->word, w->s, w->len) == 0))
			return level;
	return NULL;
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
				level->arg ? "a device name" : level->word);
	}
}

/*
 * The words matched so far, as the grammar spells them ("fail path"), with
 * the device as given: it is already known to be made of safe characters.
 */
static void cli_prefix(const struct cli_node **path, int n, const char *dev,
		       char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				path[i]->arg ? dev : path[i]->word);
}

int cli_parse(const char *line, struct cli_request *req, char *err,
	      size_t errlen)
{
	const struct cli_node *path[CLI_MAX_WORDS], *level = cli_root, *hit;
	struct cli_word w[CLI_MAX_WORDS];
	char dev[sizeof(req->arg)] = "", q[CLI_QUOTE_MAX + 4];
	char pre[96], exp[80];
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
	n = cli_split(line, w);
	if (!n) {
		cli_err(err, errlen, "empty command");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		cli_prefix(path, i, dev, pre, sizeof(pre));
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
		if (hit->arg &&
		    cli_parse_dev(&w[i], dev, sizeof(dev), err, errlen))
			return -EINVAL;
		path[i] = hit;
		level = hit->next;
	}
	if (path[n - 1]->cmd < 0) {
		cli_prefix(path, n, dev, pre, sizeof(pre));
		cli_expected(level, exp, sizeof(exp));
		cli_err(err, errlen, "incomplete command '%s' (expected %s)", pre, exp);
		return -EINVAL;
	}
	req->cmd = path[n - 1]->cmd;
	memcpy(req->arg, dev, sizeof(req->arg));
	return 0;
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
		return false;
	case CLI_FAIL_PATH:
	case CLI_REINSTATE_PATH:
	case CLI_RECONFIGURE:
	case CLI_SHUTDOWN:
		return true;
	}
	/* A value outside the enum: refuse rather than guess. */
	return true;
}
