// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config-parse.c - multipath.conf's lexer and parser: config_parse() turns
 * a buffer into a struct mp_config (config-internal.h).
 *
 * Called by: config-load.c (and the tests and fuzzers, on buffers).
 * Calls: config.c (building the object), blacklist.c (its patterns).
 *
 * The grammar, as far as this daemon reads it:
 *
 *	file      := section*
 *	section   := NAME '{' statement* '}'
 *	statement := KEYWORD VALUE | NAME '{' statement* '}'
 *
 * A VALUE is a word or a "quoted string" on the same line as its keyword
 * (quotes do not span lines and have no escapes); '#' and '!' outside
 * quotes start a comment that runs to the end of the line; a '{' may stand
 * on the line after its section's name. Several statements may share a
 * line ("device { vendor X product Y }").
 *
 * The keywords, where they may stand (D defaults, V devices/device,
 * O overrides, B blacklist and blacklist_exceptions, BV a device in those,
 * M multipaths/multipath) and their defaults:
 *
 *	polling_interval N	D V O	seconds between checks after a change,
 *					1 to 86400 (5)
 *	max_polling_interval N	D V O	the longest interval while a path stays
 *					up (4 x polling_interval)
 *	path_checker NAME	D V O	also "checker": the checker plugin (tur
 *					for SCSI disks, directio for others)
 *	checker_timeout N	D V O	seconds a check may take (the device's
 *					own SCSI timeout)
 *	verbosity N		D	0 to 6 (2)
 *	plugin_dir PATH		D	also upstream's "multipath_dir": where
 *					libcheck<name>.so live (the library's)
 *	plugin_permission_check yes|no
 *				D	no: load plugins whose file or directory
 *					others may write (yes)
 *	socket_name NAME	D	the CLI socket, "@name" for an abstract
 *					one or an absolute path
 *					("@/org/kernel/linux/storage/multipathd");
 *					the daemon lets MULTIPATH_SOCKET_NAME in
 *					its environment override it
 *	devnode REGEX		B	a kernel name ("^sd[a-z]+$")
 *	wwid REGEX		B	a path's WWID
 *	property REGEX		B	the name of one of its udev properties;
 *					in blacklist_exceptions, a path with a
 *					WWID must have one that matches
 *	protocol REGEX		B	its transport ("scsi:fcp", "nvme:tcp")
 *	vendor, product REGEX	V BV	the devices an entry is for; one of the
 *					two is enough
 *	product_blacklist REGEX	V	blacklists the entry's vendor with
 *					these products, as upstream does
 *	wwid WWID, alias NAME	M	the name of the map with exactly that
 *					WWID (config_alias(), "show maps")
 *
 * In B and BV, "!REGEX" matches what REGEX does not (upstream's negation;
 * unquoted, '!' starts a comment, as upstream reads it too).
 *
 * Upstream's keywords that only matter to creating and managing maps
 * (path_grouping_policy, prio, hardware_handler, no_path_retry,
 * user_friendly_names, find_multipaths, ... every one of upstream's
 * dict.c that this daemon does not implement) are accepted in D, V, O and
 * M without effect, and one notice at the end of the load names them; so
 * is overrides' "protocol { ... }" subsection. A file written for upstream
 * loads without a warning per line, while a keyword nobody knows (a typo)
 * is still reported on its line. "revision" in a device entry is reported:
 * ignoring it makes the entry apply to every revision.
 *
 * A path's settings come from overrides, then the first devices/device
 * entry that matches it, then defaults (config_path_settings()).
 *
 * Two kinds of mistakes, as upstream treats them: whatever leaves the
 * structure in doubt (unbalanced braces, a known section in the wrong
 * place, a stray '{' or string, an unterminated quote, a control character,
 * a line longer than CONF_LINE_MAX, anything but a section at the top
 * level) is a syntax error and fails the whole load, so that a daemon never
 * runs on half a file; an unknown keyword, a keyword in the wrong section
 * or a bad value costs one warning and the rest of the file still applies.
 * An unknown section is skipped whole, with a warning, so that a file
 * written for another version still loads.
 *
 * The parser is iterative (known sections nest at most two deep; unknown
 * blocks are skipped by counting braces), every token is bounded by the
 * line length, and it is fuzzed (tests/fuzz/fuzz-config.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers.h"
#include "config-internal.h"

#define CONF_LINE_MAX		4096		/* bytes, also bounds a token */
#define CONF_INTERVAL_MAX	86400		/* seconds, keeps timer sums small */
#define CONF_VERBOSITY_MAX	6
#define SOCKET_NAME_MAX		107		/* sun_path less its NUL */
/*
 * What all the patterns of one configuration may cost together, in
 * blacklist_pattern_cost() elements: each pattern is bounded, but a long
 * file of costly ones could still make regcomp() take gigabytes. Real
 * files, even one listing upstream's whole hardware table, need a few
 * thousand.
 */
#define CONF_REGEX_BUDGET	16384

/* --- keywords and where they may stand --------------------------------- */

enum ctx {
	CTX_TOP,
	CTX_DEFAULTS,
	CTX_BLACKLIST,
	CTX_EXCEPTIONS,
	CTX_DEVICES,
	CTX_DEVICE,		/* devices/device: settings for matching paths */
	CTX_BL_DEVICE,		/* blacklist(_exceptions)/device: a pattern pair */
	CTX_OVERRIDES,
	CTX_MULTIPATHS,
	CTX_MULTIPATH,		/* multipaths/multipath: a map's wwid and alias */
};

static const char *const ctx_names[] = {
	[CTX_TOP] = "the top level",
	[CTX_DEFAULTS] = "defaults",
	[CTX_BLACKLIST] = "blacklist",
	[CTX_EXCEPTIONS] = "blacklist_exceptions",
	[CTX_DEVICES] = "devices",
	[CTX_DEVICE] = "devices/device",
	[CTX_BL_DEVICE] = "a blacklist device",
	[CTX_OVERRIDES] = "overrides",
	[CTX_MULTIPATHS] = "multipaths",
	[CTX_MULTIPATH] = "multipaths/multipath",
};

enum kw {
	KW_DEFAULTS, KW_BLACKLIST, KW_EXCEPTIONS, KW_DEVICES, KW_DEVICE,
	KW_OVERRIDES,
	KW_POLLING, KW_MAX_POLLING, KW_CHECKER, KW_CHECKER_TIMEOUT,
	KW_VERBOSITY, KW_DEVNODE, KW_VENDOR, KW_PRODUCT, KW_PLUGIN_DIR,
	KW_SOCKET, KW_MULTIPATHS, KW_MULTIPATH, KW_WWID, KW_PROPERTY,
	KW_PROTOCOL, KW_ALIAS, KW_PRODUCT_BL, KW_REVISION, KW_PLUGIN_PERMS,
};

#define IN(c)		(1u << (c))
#define IN_PATH		(IN(CTX_DEFAULTS) | IN(CTX_DEVICE) | IN(CTX_OVERRIDES))
#define IN_LISTS	(IN(CTX_BLACKLIST) | IN(CTX_EXCEPTIONS))
#define IN_IDS		(IN(CTX_DEVICE) | IN(CTX_BL_DEVICE))
/* Where upstream's map-management keywords are accepted without effect. */
#define IN_MAPS		(IN_PATH | IN(CTX_MULTIPATH))

static const struct keyword {
	const char *name;
	enum kw kw;
	bool section;
	unsigned int where;	/* IN() of the contexts it may appear in */
} keywords[] = {
	{ "defaults", KW_DEFAULTS, true, IN(CTX_TOP) },
	{ "blacklist", KW_BLACKLIST, true, IN(CTX_TOP) },
	{ "blacklist_exceptions", KW_EXCEPTIONS, true, IN(CTX_TOP) },
	{ "devices", KW_DEVICES, true, IN(CTX_TOP) },
	{ "overrides", KW_OVERRIDES, true, IN(CTX_TOP) },
	{ "multipaths", KW_MULTIPATHS, true, IN(CTX_TOP) },
	{ "device", KW_DEVICE, true, IN_LISTS | IN(CTX_DEVICES) },
	{ "multipath", KW_MULTIPATH, true, IN(CTX_MULTIPATHS) },
	{ "polling_interval", KW_POLLING, false, IN_PATH },
	{ "max_polling_interval", KW_MAX_POLLING, false, IN_PATH },
	{ "path_checker", KW_CHECKER, false, IN_PATH },
	{ "checker", KW_CHECKER, false, IN_PATH },
	{ "checker_timeout", KW_CHECKER_TIMEOUT, false, IN_PATH },
	{ "verbosity", KW_VERBOSITY, false, IN(CTX_DEFAULTS) },
	{ "devnode", KW_DEVNODE, false, IN_LISTS },
	{ "vendor", KW_VENDOR, false, IN_IDS },
	{ "product", KW_PRODUCT, false, IN_IDS },
	{ "plugin_dir", KW_PLUGIN_DIR, false, IN(CTX_DEFAULTS) },
	/* Upstream's name for the directory of the checker plugins. */
	{ "multipath_dir", KW_PLUGIN_DIR, false, IN(CTX_DEFAULTS) },
	{ "plugin_permission_check", KW_PLUGIN_PERMS, false, IN(CTX_DEFAULTS) },
	{ "socket_name", KW_SOCKET, false, IN(CTX_DEFAULTS) },
	{ "wwid", KW_WWID, false, IN_LISTS | IN(CTX_MULTIPATH) },
	{ "property", KW_PROPERTY, false, IN_LISTS },
	{ "protocol", KW_PROTOCOL, false, IN_LISTS },
	{ "alias", KW_ALIAS, false, IN(CTX_MULTIPATH) },
	{ "product_blacklist", KW_PRODUCT_BL, false, IN(CTX_DEVICE) },
	{ "revision", KW_REVISION, false, IN(CTX_DEVICE) },
};

/*
 * The keywords of upstream's dict.c (names only, from its releases 0.4.9
 * to 0.9.x, deprecated ones included, and three of the RHEL fork's) that
 * this daemon does not implement: they decide how maps are built and
 * managed (grouping, priorities, queueing, naming, which devices become
 * maps), which multipathd does not do. Sorted, for bsearch().
 */
static const char *const map_keywords[] = {
	"alias_prefix", "all_tg_pt", "allow_usb_devices", "auto_resize",
	"bindings_file", "config_dir", "default_features",
	"default_getuid_callout", "default_path_grouping_policy",
	"default_selector", "default_uid_attribute", "deferred_remove",
	"delay_wait_checks", "delay_watch_checks", "detect_checker",
	"detect_pgpolicy", "detect_pgpolicy_use_tpg", "detect_prio",
	"dev_loss_tmo", "disable_changed_wwids", "eh_deadline",
	"enable_foreign", "failback", "fast_io_fail_tmo", "features",
	"find_multipaths", "find_multipaths_timeout", "flush_on_last_del",
	"force_sync", "getuid_callout", "ghost_delay", "gid",
	"hardware_handler", "hw_str_match", "ignore_new_boot_devs",
	"log_checker_err", "marginal_path_double_failed_time",
	"marginal_path_err_rate_threshold",
	"marginal_path_err_recheck_gap_time",
	"marginal_path_err_sample_time", "marginal_pathgroups", "max_fds",
	"max_retries", "max_sectors_kb", "missing_uev_wait_timeout", "mode",
	"new_bindings_in_boot", "no_path_retry", "partition_delimiter",
	"path_grouping_policy", "path_selector", "pg_timeout", "prio",
	"prio_args", "prkeys_file", "purge_disconnected",
	"queue_without_daemon", "reassign_maps", "recheck_wwid",
	"remove_retries", "reservation_key", "retain_attached_hw_handler",
	"retrigger_delay", "retrigger_tries", "rr_min_io", "rr_min_io_rq",
	"rr_weight", "san_path_err_forget_rate", "san_path_err_recovery_time",
	"san_path_err_threshold", "selector", "skip_kpartx", "strict_timing",
	"udev_dir", "uid", "uid_attribute", "uid_attrs", "user_friendly_names",
	"uxsock_timeout", "vpd_vendor", "wwids_file",
};

#define N_MAP_KEYWORDS	(sizeof(map_keywords) / sizeof(map_keywords[0]))
/* overrides' "protocol { ... }" subsection is counted under this name. */
#define MAP_SUBSECTION	"protocol"

static int str_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Index of name in map_keywords[], or -1. */
static int map_keyword_find(const char *name)
{
	const char *const *k = bsearch(name, map_keywords, N_MAP_KEYWORDS,
				       sizeof(map_keywords[0]), str_cmp);

	return k ? (int)(k - map_keywords) : -1;
}

static const struct keyword *keyword_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

/* --- the lexer ----------------------------------------------------------- */

enum tok_type { TOK_EOF, TOK_WORD, TOK_STRING, TOK_OPEN, TOK_CLOSE };

struct token {
	enum tok_type type;
	unsigned int line;
	char text[CONF_LINE_MAX + 1];
};

/* Known sections nest at most two deep: devices/device. */
#define CONF_DEPTH_MAX	2

struct parser {
	const char *name;		/* the file, for reports */
	const char *buf;
	size_t len, pos;
	size_t line_start;		/* offset of the current line */
	unsigned int line;
	struct token tokens[2];
	struct token *cur, *ahead;	/* ahead is valid when have_ahead */
	bool have_ahead;
	int depth;
	enum ctx stack[CONF_DEPTH_MAX + 1];
	const char *open_name[CONF_DEPTH_MAX + 1];	/* keyword names */
	unsigned int open_line[CONF_DEPTH_MAX + 1];
	struct dev_entry dev;		/* the device section being read */
	bool dev_bad_id;		/* a vendor/product of it was refused */
	struct bl_pattern dev_bl_product;	/* its product_blacklist */
	unsigned int dev_bl_line;		/* where that was set */
	/* The multipath section being read; "" while not set. */
	char mp_wwid[CONF_WWID_MAX + 1];
	char mp_alias[CONF_ALIAS_MAX + 1];
	/*
	 * Map-management keywords met: which (map_seen[i] for
	 * map_keywords[i]; the last slot for MAP_SUBSECTION) and in which
	 * order, for the notice at the end.
	 */
	bool map_seen[N_MAP_KEYWORDS + 1];
	unsigned short map_order[N_MAP_KEYWORDS + 1];
	unsigned int n_map_seen;
	unsigned long regex_cost;	/* of the patterns so far */
	struct mp_config *conf;
};

/* "FILE:LINE: message", at level. */
static void __attribute__((format(printf, 4, 0)))
parse_report(struct parser *p, int level, unsigned int line, const char *fmt,
	     va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	mpath_log(level, "%s:%u: %s", p->name, line, msg);
}

static int __attribute__((format(printf, 3, 4)))
parse_error(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	parse_report(p, MPATH_LOG_ERR, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void __attribute__((format(printf, 3, 4)))
parse_warn(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	parse_report(p, MPATH_LOG_WARNING, line, fmt, ap);
	va_end(ap);
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool is_word_char(unsigned char c)
{
	return !is_blank(c) && !is_control(c) && c != '\n' && c != '"' &&
	       c != '{' && c != '}' && c != '#' && c != '!';
}

/* Step over one byte of the current line; fails past CONF_LINE_MAX. */
static int advance(struct parser *p)
{
	p->pos++;
	if (p->pos - p->line_start > CONF_LINE_MAX)
		return parse_error(p, p->line,
				   "line longer than %d characters",
				   CONF_LINE_MAX);
	return 0;
}

static int lex(struct parser *p, struct token *t)
{
	size_t n = 0;
	unsigned char c;
	int rc;

	for (;;) {
		if (p->pos >= p->len) {
			t->type = TOK_EOF;
			t->line = p->line;
			return 0;
		}
		c = p->buf[p->pos];
		if (c == '\n') {
			p->pos++;
			p->line++;
			p->line_start = p->pos;
		} else if (is_blank(c)) {
			if ((rc = advance(p)))
				return rc;
		} else if (c == '#' || c == '!') {
			while (p->pos < p->len && p->buf[p->pos] != '\n')
				if ((rc = advance(p)))
					return rc;
		} else {
			break;
		}
	}

	t->line = p->line;
	if (c == '{' || c == '}') {
		t->type = c == '{' ? TOK_OPEN : TOK_CLOSE;
		t->text[0] = c;
		t->text[1] = '\0';
		return advance(p);
	}
	if (is_control(c))
		return parse_error(p, p->line, "invalid character 0x%02x", c);

	if (c == '"') {
		t->type = TOK_STRING;
		for (;;) {
			if ((rc = advance(p)))
				return rc;
			if (p->pos >= p->len || p->buf[p->pos] == '\n')
				return parse_error(p, t->line,
						   "unterminated quoted string");
			c = p->buf[p->pos];
			if (c == '"')
				break;
			if (is_control(c))
				return parse_error(p, p->line,
						   "invalid character 0x%02x", c);
			t->text[n++] = c;
		}
		t->text[n] = '\0';
		return advance(p);
	}

	/* The line bound keeps n within text[]. */
	t->type = TOK_WORD;
	while (p->pos < p->len && is_word_char(p->buf[p->pos])) {
		t->text[n++] = p->buf[p->pos];
		if ((rc = advance(p)))
			return rc;
	}
	t->text[n] = '\0';
	return 0;
}

static int peek(struct parser *p)
{
	int rc = 0;

	if (!p->have_ahead) {
		rc = lex(p, p->ahead);
		p->have_ahead = rc == 0;
	}
	return rc;
}

/* Make the next token current. */
static int take(struct parser *p)
{
	struct token *t;

	if (!p->have_ahead)
		return lex(p, p->cur);
	t = p->cur;
	p->cur = p->ahead;
	p->ahead = t;
	p->have_ahead = false;
	return 0;
}

/* --- values ----------------------------------------------------------- */

/* A decimal number in [min, max], nothing else (no sign, no blanks). */
static bool parse_uint(const char *s, unsigned int min, unsigned int max,
		       unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*out = v;
	return true;
}

/* The names the plugin loader accepts, so a bad one is caught here. */
static bool valid_checker_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > CHECKER_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_-") == n;
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* The settings the current section fills in, if it has any. */
static struct settings *section_settings(struct parser *p)
{
	switch (p->stack[p->depth]) {
	case CTX_DEFAULTS:
		return &p->conf->defaults;
	case CTX_OVERRIDES:
		return &p->conf->overrides;
	case CTX_DEVICE:
		return &p->dev.set;
	default:
		return NULL;
	}
}

/* Set *field from v, or warn; true when set. */
static bool number(struct parser *p, const struct keyword *k,
		   const struct token *v, unsigned int min, unsigned int max,
		   unsigned int *field)
{
	if (parse_uint(v->text, min, max, field))
		return true;
	parse_warn(p, v->line, "%s: invalid value \"%.64s\" (a number from %u to %u), ignored",
		   k->name, v->text, min, max);
	return false;
}

/* Charge v's pattern to the budget; false (and a warning) when spent. */
static bool charge(struct parser *p, const struct keyword *k,
		   const struct token *v)
{
	unsigned int cost = blacklist_pattern_cost(v->text);

	/* A pattern too costly on its own is refused for that reason. */
	if (cost > BL_EXPANSION_MAX)
		return true;
	if (p->regex_cost + cost > CONF_REGEX_BUDGET) {
		parse_warn(p, v->line, "%s \"%.64s\": the configuration's patterns would expand to more than %d elements, ignored",
			   k->name, v->text, CONF_REGEX_BUDGET);
		return false;
	}
	p->regex_cost += cost;
	return true;
}

/*
 * A device's vendor or product. A refused one drops the whole entry: kept
 * without it, the entry would match any vendor (or product), and apply its
 * settings, or blacklist, far more than was written. One warning says so.
 */
static int dev_pattern(struct parser *p, const struct keyword *k,
		       const struct token *v, struct bl_pattern *field)
{
	char err[160];
	int rc;

	if (!charge(p, k, v))
		return 0;
	/* Upstream negates with '!' in the blacklist sections only. */
	if (p->stack[p->depth] == CTX_BL_DEVICE)
		rc = blacklist_pattern_set_negatable(field, v->text, err,
						     sizeof(err));
	else
		rc = blacklist_pattern_set(field, v->text, err, sizeof(err));
	if (rc == -EINVAL) {
		parse_warn(p, v->line, "%s \"%.64s\": %s; the device entry is ignored",
			   k->name, v->text, err);
		p->dev_bad_id = true;
		return 0;
	}
	return rc;
}

/*
 * product_blacklist: upstream blacklists the products it names for the
 * entry's vendor. Kept aside until the entry is complete (close_section()).
 */
static int dev_bl_product(struct parser *p, const struct keyword *k,
			  const struct token *v)
{
	char err[160];
	int rc;

	if (!charge(p, k, v))
		return 0;
	rc = blacklist_pattern_set_negatable(&p->dev_bl_product, v->text, err,
					     sizeof(err));
	if (rc == 0)
		p->dev_bl_line = v->line;
	if (rc == -EINVAL)
		parse_warn(p, v->line, "%s \"%.64s\": %s, ignored", k->name,
			   v->text, err);
	return rc == -EINVAL ? 0 : rc;
}

/* A blacklist(_exceptions) pattern of kind; 0 (also after a warning) or -ENOMEM. */
static int list_pattern(struct parser *p, const struct keyword *k,
			const struct token *v, enum bl_kind kind)
{
	struct blacklist *bl = p->stack[p->depth] == CTX_BLACKLIST ?
			       &p->conf->blacklist : &p->conf->exceptions;
	char err[160];
	int rc;

	if (!charge(p, k, v))
		return 0;
	rc = blacklist_add(bl, kind, v->text, err, sizeof(err));
	if (rc == -EINVAL)
		parse_warn(p, v->line, "%s \"%.64s\": %s, ignored", k->name,
			   v->text, err);
	return rc == -EINVAL ? 0 : rc;
}

/*
 * A multipath section's wwid or alias: bounded, and an alias must be a
 * name device-mapper accepts (no '/'). Upstream compares WWIDs exactly.
 */
static void map_value(struct parser *p, const struct keyword *k,
		      const struct token *v, char *field, size_t size)
{
	size_t len = strlen(v->text);

	if (!len || len >= size ||
	    (k->kw == KW_ALIAS && strchr(v->text, '/'))) {
		parse_warn(p, v->line, "%s: invalid value \"%.64s\" (1 to %zu characters%s), ignored",
			   k->name, v->text, size - 1,
			   k->kw == KW_ALIAS ? ", no '/'" : "");
		return;
	}
	memcpy(field, v->text, len + 1);
}

/*
 * A yes/no value, as upstream spells it; anything else costs a warning
 * naming the value and leaves *out as it was.
 */
static void yes_no(struct parser *p, const struct keyword *k,
		   const struct token *v, bool *out)
{
	if (strcmp(v->text, "yes") == 0)
		*out = true;
	else if (strcmp(v->text, "no") == 0)
		*out = false;
	else
		parse_warn(p, v->line, "%s: invalid value \"%.64s\" (yes or no), ignored",
			   k->name, v->text);
}

/* Apply "k v" in the current section; 0 (also after a warning) or -ENOMEM. */
static int apply(struct parser *p, const struct keyword *k,
		 const struct token *v)
{
	struct settings *s = section_settings(p);
	struct mp_config *conf = p->conf;
	size_t len = strlen(v->text);

	switch (k->kw) {
	case KW_POLLING:
		number(p, k, v, 1, CONF_INTERVAL_MAX, &s->polling_interval);
		return 0;
	case KW_MAX_POLLING:
		if (number(p, k, v, 1, CONF_INTERVAL_MAX, &s->max_polling_interval))
			s->max_line = v->line;
		return 0;
	case KW_CHECKER_TIMEOUT:
		number(p, k, v, 1, CONF_INTERVAL_MAX, &s->checker_timeout);
		return 0;
	case KW_VERBOSITY:
		number(p, k, v, 0, CONF_VERBOSITY_MAX, &conf->verbosity);
		return 0;
	case KW_CHECKER:
		if (!valid_checker_name(v->text))
			parse_warn(p, v->line, "%s: invalid checker name \"%.64s\" (1 to %d of A-Z a-z 0-9 _ -), ignored",
				   k->name, v->text, CHECKER_NAME_MAX);
		else
			memcpy(s->checker, v->text, len + 1);
		return 0;
	case KW_DEVNODE:
		return list_pattern(p, k, v, BL_DEVNODE);
	case KW_PROPERTY:
		return list_pattern(p, k, v, BL_PROPERTY);
	case KW_PROTOCOL:
		return list_pattern(p, k, v, BL_PROTOCOL);
	case KW_WWID:
		if (p->stack[p->depth] != CTX_MULTIPATH)
			return list_pattern(p, k, v, BL_WWID);
		map_value(p, k, v, p->mp_wwid, sizeof(p->mp_wwid));
		return 0;
	case KW_ALIAS:
		map_value(p, k, v, p->mp_alias, sizeof(p->mp_alias));
		return 0;
	case KW_PRODUCT_BL:
		return dev_bl_product(p, k, v);
	case KW_REVISION:
		parse_warn(p, v->line, "revision: not supported, this device entry applies to every revision");
		return 0;
	case KW_VENDOR:
		return dev_pattern(p, k, v, &p->dev.id.vendor);
	case KW_PRODUCT:
		return dev_pattern(p, k, v, &p->dev.id.product);
	case KW_PLUGIN_DIR:
		if (v->text[0] != '/' || len >= PATH_MAX) {
			parse_warn(p, v->line, "%s: \"%.64s\" is not an absolute path, ignored",
				   k->name, v->text);
			return 0;
		}
		return set_string(&conf->plugin_dir, v->text);
	case KW_PLUGIN_PERMS:
		yes_no(p, k, v, &conf->plugin_permission_check);
		return 0;
	case KW_SOCKET:
		if ((v->text[0] != '@' && v->text[0] != '/') || len < 2 ||
		    len > SOCKET_NAME_MAX) {
			parse_warn(p, v->line, "%s: \"%.64s\" is neither \"@name\" (abstract) nor an absolute path of at most %d characters, ignored",
				   k->name, v->text, SOCKET_NAME_MAX);
			return 0;
		}
		return set_string(&conf->socket_name, v->text);
	default:
		return 0;	/* sections never get here */
	}
}

/* --- sections ------------------------------------------------------------ */

/*
 * A max_polling_interval below the polling_interval of the same section
 * is dropped, as a bad value; across sections (a device's polling_interval
 * above the defaults' maximum) config_path_settings() raises the maximum
 * instead, since neither section is wrong on its own.
 */
static void check_intervals(struct parser *p, struct settings *s)
{
	if (s->max_polling_interval && s->polling_interval &&
	    s->max_polling_interval < s->polling_interval) {
		parse_warn(p, s->max_line, "max_polling_interval %u is less than polling_interval %u, ignored",
			   s->max_polling_interval, s->polling_interval);
		s->max_polling_interval = 0;
	}
}

static int open_section(struct parser *p, const struct keyword *k,
			unsigned int line)
{
	enum ctx here = p->stack[p->depth], next;

	if (!(k->where & IN(here)))
		return parse_error(p, line, "section '%s' is not allowed in %s",
				   k->name, ctx_names[here]);
	switch (k->kw) {
	case KW_DEFAULTS:
		next = CTX_DEFAULTS;
		break;
	case KW_BLACKLIST:
		next = CTX_BLACKLIST;
		break;
	case KW_EXCEPTIONS:
		next = CTX_EXCEPTIONS;
		break;
	case KW_DEVICES:
		next = CTX_DEVICES;
		break;
	case KW_OVERRIDES:
		next = CTX_OVERRIDES;
		break;
	case KW_MULTIPATHS:
		next = CTX_MULTIPATHS;
		break;
	case KW_MULTIPATH:
		next = CTX_MULTIPATH;
		p->mp_wwid[0] = p->mp_alias[0] = '\0';
		break;
	default:
		next = here == CTX_DEVICES ? CTX_DEVICE : CTX_BL_DEVICE;
		memset(&p->dev, 0, sizeof(p->dev));
		p->dev_bad_id = false;
		break;
	}
	/*
	 * Only "device" and "multipath" nest, and only one deep, so depth
	 * stays bounded.
	 */
	if (p->depth >= CONF_DEPTH_MAX)
		return parse_error(p, line, "sections nested too deep");
	p->depth++;
	p->stack[p->depth] = next;
	p->open_name[p->depth] = k->name;
	p->open_line[p->depth] = line;
	return 0;
}

/*
 * A device entry's product_blacklist becomes a blacklist device entry for
 * its vendor and those products; 0 or -ENOMEM.
 */
static int add_product_blacklist(struct parser *p)
{
	struct bl_device d = { .product = p->dev_bl_product };
	const char *vendor = p->dev.id.vendor.text;
	char err[160];
	int rc;

	if (!p->dev_bl_product.text)
		return 0;
	memset(&p->dev_bl_product, 0, sizeof(p->dev_bl_product));
	if (vendor) {
		unsigned int cost = blacklist_pattern_cost(vendor);

		/* The vendor is compiled a second time: charge it again. */
		if (p->regex_cost + cost > CONF_REGEX_BUDGET) {
			parse_warn(p, p->dev_bl_line, "product_blacklist: the configuration's patterns would expand to more than %d elements, ignored",
				   CONF_REGEX_BUDGET);
			blacklist_device_clear(&d);
			return 0;
		}
		/*
		 * Read as in a blacklist section ('!' negates), as upstream
		 * does: a vendor that means nothing there blacklists nothing.
		 */
		rc = blacklist_pattern_set_negatable(&d.vendor, vendor, err,
						     sizeof(err));
		if (rc) {
			blacklist_device_clear(&d);
			return rc == -EINVAL ? 0 : rc;
		}
		p->regex_cost += cost;
	}
	rc = blacklist_add_device(&p->conf->blacklist, &d);
	if (rc)
		blacklist_device_clear(&d);
	return rc;
}

static int close_section(struct parser *p)
{
	enum ctx c = p->stack[p->depth];
	unsigned int line = p->open_line[p->depth];
	struct mp_config *conf = p->conf;
	int rc = 0;

	p->depth--;
	switch (c) {
	case CTX_DEFAULTS:
		check_intervals(p, &conf->defaults);
		break;
	case CTX_OVERRIDES:
		check_intervals(p, &conf->overrides);
		break;
	case CTX_DEVICE:
	case CTX_BL_DEVICE:
		if (p->dev_bad_id ||
		    (!p->dev.id.vendor.text && !p->dev.id.product.text)) {
			/* A bad vendor or product was reported already. */
			if (!p->dev_bad_id)
				parse_warn(p, line, "device without vendor or product, ignored");
			blacklist_device_clear(&p->dev.id);
			break;
		}
		if (c == CTX_DEVICE) {
			check_intervals(p, &p->dev.set);
			rc = add_product_blacklist(p);
			if (!rc)
				rc = config_add_device(conf, &p->dev);
		} else {
			rc = blacklist_add_device(p->stack[p->depth] == CTX_BLACKLIST ?
						  &conf->blacklist : &conf->exceptions,
						  &p->dev.id);
		}
		break;
	case CTX_MULTIPATH:
		/* Upstream requires the wwid; without an alias, nothing to keep. */
		if (!p->mp_wwid[0])
			parse_warn(p, line, "multipath without wwid, ignored");
		else if (p->mp_alias[0])
			rc = config_add_alias(conf, p->mp_wwid, p->mp_alias);
		break;
	default:
		break;
	}
	blacklist_pattern_clear(&p->dev_bl_product);
	return rc;
}

/* Skip an unknown block whose '{' was just read, nested blocks and all. */
static int skip_block(struct parser *p, unsigned int line)
{
	size_t depth = 1;
	int rc;

	while (depth) {
		p->have_ahead = false;
		if ((rc = lex(p, p->ahead)))
			return rc;
		if (p->ahead->type == TOK_EOF)
			return parse_error(p, line, "unbalanced braces: the block opened here is not closed");
		if (p->ahead->type == TOK_OPEN)
			depth++;
		else if (p->ahead->type == TOK_CLOSE)
			depth--;
	}
	return 0;
}

/*
 * A map-management keyword (map_keywords[i], or MAP_SUBSECTION for i ==
 * N_MAP_KEYWORDS): said once at debug level, named in the notice at the end.
 */
static void map_keyword_seen(struct parser *p, unsigned int i,
			     unsigned int line)
{
	const char *name = i < N_MAP_KEYWORDS ? map_keywords[i] : MAP_SUBSECTION;

	mpath_log(MPATH_LOG_DEBUG, "%s:%u: '%s' is for map management, not used by this daemon",
		  p->name, line, name);
	if (p->map_seen[i])
		return;
	p->map_seen[i] = true;
	p->map_order[p->n_map_seen++] = i;
}

/*
 * One notice for all of them, in the order the file first used them,
 * naming as many as one log message holds (mpath_vlog() cuts at 511
 * characters); each use is logged at debug level (verbosity 4).
 */
static void map_keywords_notice(struct parser *p)
{
	char list[400];
	size_t len = 0, room, name_len = strlen(p->name);
	unsigned int i, shown = 0;

	if (!p->n_map_seen)
		return;
	/*
	 * The rest of the message takes about 110 characters and the
	 * file's name: the list gets what remains of the 511.
	 */
	room = name_len < 400 ? 400 - name_len : 0;
	if (room > sizeof(list))
		room = sizeof(list);
	list[0] = '\0';
	for (i = 0; i < p->n_map_seen; i++) {
		unsigned int k = p->map_order[i];
		const char *name = k < N_MAP_KEYWORDS ? map_keywords[k] : MAP_SUBSECTION;

		if (len + strlen(name) + 2 >= room)
			break;
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? ", " : "", name);
		shown++;
	}
	if (shown < p->n_map_seen)
		mpath_log(MPATH_LOG_NOTICE, "%s: %u keywords for map management are not used by this daemon: %s%s%u more (verbosity 4 logs each)",
			  p->name, p->n_map_seen, list, shown ? " and " : "",
			  p->n_map_seen - shown);
	else
		mpath_log(MPATH_LOG_NOTICE, "%s: %u keyword%s for map management %s not used by this daemon: %s",
			  p->name, p->n_map_seen, p->n_map_seen == 1 ? "" : "s",
			  p->n_map_seen == 1 ? "is" : "are", list);
}

/* p->cur is a word: a keyword with its value or a section's name. */
static int statement(struct parser *p)
{
	const struct token *t = p->cur, *v = NULL;
	const struct keyword *k = keyword_find(t->text);
	enum ctx here = p->stack[p->depth];
	int rc, map = -1;

	if ((rc = peek(p)))
		return rc;
	if (p->ahead->type == TOK_OPEN) {
		p->have_ahead = false;
		if (here == CTX_OVERRIDES && strcmp(t->text, MAP_SUBSECTION) == 0) {
			map_keyword_seen(p, N_MAP_KEYWORDS, t->line);
			return skip_block(p, t->line);
		}
		if (!k) {
			parse_warn(p, t->line, "unknown section '%.64s', skipped", t->text);
			return skip_block(p, t->line);
		}
		if (!k->section)
			return parse_error(p, t->line, "'%s' takes a value, not a section",
					   k->name);
		return open_section(p, k, t->line);
	}
	if (k && k->section)
		return parse_error(p, t->line, "'%s' must be followed by '{'", k->name);
	if (here == CTX_TOP)
		return parse_error(p, t->line, "'%.64s' outside of any section", t->text);

	if ((p->ahead->type == TOK_WORD || p->ahead->type == TOK_STRING) &&
	    p->ahead->line == t->line) {
		v = p->ahead;
		p->have_ahead = false;
	}
	if (!k && (map = map_keyword_find(t->text)) >= 0 && (IN_MAPS & IN(here)))
		map_keyword_seen(p, map, t->line);
	else if (!k && map >= 0)
		parse_warn(p, t->line, "'%s' is not allowed in %s, ignored",
			   map_keywords[map], ctx_names[here]);
	else if (!k)
		parse_warn(p, t->line, "unknown keyword '%.64s', ignored", t->text);
	else if (!(k->where & IN(here)))
		parse_warn(p, t->line, "'%s' is not allowed in %s, ignored", k->name,
			   ctx_names[here]);
	else if (!v)
		parse_warn(p, t->line, "'%s' without a value, ignored", k->name);
	else
		return apply(p, k, v);
	return 0;
}

static int parse(struct parser *p)
{
	int rc;

	for (;;) {
		if ((rc = take(p)))
			return rc;
		switch (p->cur->type) {
		case TOK_EOF:
			if (p->depth)
				return parse_error(p, p->open_line[p->depth],
						   "unbalanced braces: '%s' opened here is not closed",
						   p->open_name[p->depth]);
			return 0;
		case TOK_CLOSE:
			if (!p->depth)
				return parse_error(p, p->cur->line,
						   "unbalanced braces: '}' without '{'");
			rc = close_section(p);
			break;
		case TOK_OPEN:
			return parse_error(p, p->cur->line, "'{' without a section name");
		case TOK_STRING:
			return parse_error(p, p->cur->line,
					   "quoted string where a keyword was expected");
		case TOK_WORD:
			rc = statement(p);
			break;
		}
		if (rc)
			return rc;
	}
}

int config_parse(const char *buf, size_t len, const char *name,
		 struct mp_config **ret)
{
	struct mp_config *conf = config_new();
	struct parser *p;
	int rc;

	p = calloc(1, sizeof(*p));
	if (!conf || !p) {
		config_free(conf);
		free(p);
		return -ENOMEM;
	}
	p->name = name ? name : "(configuration)";
	p->buf = buf;
	p->len = buf ? len : 0;
	p->line = 1;
	p->cur = &p->tokens[0];
	p->ahead = &p->tokens[1];
	p->stack[0] = CTX_TOP;
	p->conf = conf;

	rc = parse(p);
	if (!rc) {
		map_keywords_notice(p);
		rc = config_finish(conf);
	}
	/* A syntax error may leave a device section half read. */
	blacklist_device_clear(&p->dev.id);
	blacklist_pattern_clear(&p->dev_bl_product);
	free(p);
	if (rc) {
		config_free(conf);
		return rc;
	}
	*ret = conf;
	return 0;
}
