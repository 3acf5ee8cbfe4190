// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blacklist.c - regex lists for the blacklist and blacklist_exceptions
 * sections, the vendor/product patterns of devices entries, and the
 * decision whether a path is blacklisted (blacklist_check()).
 *
 * Patterns are POSIX extended regular expressions compiled with REG_NOSUB:
 * only "does it match" is ever asked. They come from a root-owned file,
 * but the parser is fuzzed and a typo should cost a warning, not the
 * daemon's memory or minutes of its time, so a pattern's length, size and
 * shape are checked (blacklist_pattern_cost()) before regcomp() sees it.
 *
 * Called by: config.c and config-parse.c (building and judging).
 * Calls: nothing of multipathd's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blacklist.h"

/*
 * Kernel names that are never paths to a SAN LUN: RAM and compressed RAM
 * disks, raw and loop devices, floppies, md arrays and dm devices (built
 * from paths, not paths themselves), CD-ROMs and tapes, network and
 * distributed block devices, ZFS volumes, s390 DCSS, persistent memory and
 * flash. The second pattern is the per-controller nodes that native NVMe
 * multipathing hides behind its own nvmeXnY.
 */
const char *const blacklist_builtin[] = {
	"^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|nbd|rbd|drbd|zd|dcssblk|pmem|mtdblock|ubiblock)[0-9]",
	"^nvme[0-9]+c[0-9]+n[0-9]+",
	NULL,
};

/*
 * glibc's regcomp() builds a tree in which repetitions are copies: X{n,m}
 * becomes max(n, m) copies of X, and X+ becomes X X*, so nested
 * repetitions multiply: "(a{255}){255}" asks for 65,025 nodes, twenty
 * stacked '+' for a million, whatever the pattern's length. Then it keeps,
 * for every node, the set of nodes reachable without input, which makes
 * its memory and time quadratic in the tree (4,000 nodes of "(a?){4000}"
 * take 125 MB and 150 ms), and it copies those sets for every anchor
 * (^, $, \b, ...) they pass, which is exponential when what is repeated
 * can match nothing: "^((v*)*){160}" takes more than 30 s, and
 * "(^((((v)*)*)*)*){10}", 60 nodes, 6.5 s. So blacklist_pattern_cost()
 * estimates the size of the tree and refuses what no device pattern
 * needs: repeating an expression that can match the empty string
 * ("(v*)*", "(a|b?)+", "a**") more than once, repeating an anchor, and
 * unbounded repetitions nested more than BL_STAR_DEPTH_MAX deep. What
 * passes costs a few MB and milliseconds at most.
 */

/* One group being measured: its finished parts and its last atom. */
struct span {
	unsigned long done;	/* sum of finished atoms and alternatives */
	unsigned long last;	/* the atom a repetition would apply to */
	unsigned int depth;	/* deepest unbounded repetition in done */
	unsigned int last_depth;	/* ... in last */
	bool assertion;		/* done holds ^, $, \b, ... */
	bool last_assertion;	/* last does */
	bool has_last;		/* there is a last atom */
	bool last_empty;	/* last can match the empty string */
	bool alt_empty;		/* so can the alternative being read */
	bool empty;		/* so can a finished alternative */
};

/* Skip a bracket expression at s ('['); returns its last character. */
static const char *skip_bracket(const char *s)
{
	s++;
	if (*s == '^')
		s++;
	if (*s == ']')
		s++;
	for (; *s && *s != ']'; s++) {
		/* [:class:], [=equiv=] and [.coll.] may contain ']'. */
		if (*s == '[' && (s[1] == ':' || s[1] == '=' || s[1] == '.')) {
			char close = s[1];
			const char *end = s + 2;

			while (*end && !(end[0] == close && end[1] == ']'))
				end++;
			if (*end)
				s = end + 1;
		}
	}
	return *s ? s : s - 1;
}

/* Read a repetition count; s is after '{' or ','. */
static unsigned long count(const char **s)
{
	unsigned long n = 0;

	for (; **s >= '0' && **s <= '9'; (*s)++)
		if ((n = n * 10 + (**s - '0')) > BL_EXPANSION_MAX)
			n = BL_EXPANSION_MAX + 1;
	return n;
}

static void span_start(struct span *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->alt_empty = true;		/* nothing read yet */
}

/* The last atom is finished: fold it into the group. */
static void finish(struct span *sp)
{
	if (!sp->has_last)
		return;
	sp->done += sp->last;
	if (sp->last_depth > sp->depth)
		sp->depth = sp->last_depth;
	sp->assertion |= sp->last_assertion;
	sp->alt_empty &= sp->last_empty;
	sp->last = 0;
	sp->last_depth = 0;
	sp->last_assertion = false;
	sp->has_last = false;
}

/* A new atom of size 1. */
static void atom(struct span *sp, bool assertion)
{
	finish(sp);
	sp->last = 1;
	sp->has_last = true;
	sp->last_assertion = assertion;
	sp->last_empty = assertion;	/* an anchor matches no character */
}

/* The group at sp[1] is closed: it becomes sp's last atom. */
static void close_group(struct span *sp)
{
	finish(sp + 1);
	finish(sp);
	sp->last = sp[1].done + 1;
	sp->last_depth = sp[1].depth;
	sp->last_assertion = sp[1].assertion;
	sp->last_empty = sp[1].empty || sp[1].alt_empty;
	sp->has_last = true;
}

/* Would repeating the last atom (more than once, or without bound) hurt? */
static bool bad_repeat(const struct span *sp)
{
	return sp->has_last && (sp->last_empty || sp->last_assertion);
}

static bool too_costly(const struct span *sp)
{
	return sp->done + sp->last > BL_EXPANSION_MAX ||
	       sp->last_depth > BL_STAR_DEPTH_MAX;
}

unsigned int blacklist_pattern_cost(const char *s)
{
	struct span stack[BL_PATTERN_MAX + 1], *sp = stack;

	span_start(sp);
	for (; *s; s++) {
		unsigned long lo, hi;

		switch (*s) {
		case '(':
			if (sp == stack + BL_PATTERN_MAX)
				return BL_EXPANSION_MAX + 1;
			span_start(++sp);
			continue;
		case ')':
			if (sp == stack) {
				atom(sp, false);	/* a literal ')' */
				break;
			}
			sp--;
			close_group(sp);
			break;
		case '|':
			finish(sp);
			sp->empty |= sp->alt_empty;
			sp->alt_empty = true;
			continue;
		case '?':
			if (sp->has_last && sp->last_assertion)
				return BL_EXPANSION_MAX + 1;
			sp->last_empty = true;
			continue;
		case '*':
		case '+':
			if (bad_repeat(sp))
				return BL_EXPANSION_MAX + 1;
			if (*s == '*')
				sp->last_empty = true;
			else
				sp->last *= 2;
			sp->last_depth++;
			break;
		case '{':
			if (s[1] < '0' || s[1] > '9') {
				atom(sp, false);
				break;
			}
			s++;
			lo = hi = count(&s);
			if (*s == ',') {
				s++;
				if (*s >= '0' && *s <= '9') {
					hi = count(&s);
				} else {
					/* X{n,} is n copies and a star. */
					hi = lo + 1;
					sp->last_depth++;
				}
			}
			if (hi < lo)
				hi = lo;
			if (hi > 1 && bad_repeat(sp))
				return BL_EXPANSION_MAX + 1;
			sp->last *= hi ? hi : 1;
			if (lo == 0)
				sp->last_empty = true;
			/* Not a well-formed count: look at what ended it. */
			if (*s != '}')
				s--;
			break;
		case '[':
			s = skip_bracket(s);
			atom(sp, false);
			break;
		case '^':
		case '$':
			atom(sp, true);
			break;
		case '\\':
			if (!s[1]) {
				atom(sp, false);
				break;
			}
			s++;
			/* GNU word and buffer boundaries, in ERE as well. */
			atom(sp, strchr("bB<>`'", *s) != NULL);
			break;
		default:
			atom(sp, false);
			break;
		}
		if (too_costly(sp))
			return BL_EXPANSION_MAX + 1;
	}
	while (sp > stack) {
		sp--;
		close_group(sp);
		if (too_costly(sp))
			return BL_EXPANSION_MAX + 1;
	}
	finish(sp);
	return sp->done > BL_EXPANSION_MAX ? BL_EXPANSION_MAX + 1 : sp->done;
}

/* Compile re (text as written, re what regcomp() gets) into p. */
static int pattern_set(struct bl_pattern *p, const char *text, const char *re,
		       bool invert, char *err, size_t errlen)
{
	regex_t compiled;
	char *copy;
	int rc;

	if (!*re) {
		snprintf(err, errlen, "empty pattern");
		return -EINVAL;
	}
	if (strlen(text) > BL_PATTERN_MAX) {
		snprintf(err, errlen, "pattern longer than %d characters",
			 BL_PATTERN_MAX);
		return -EINVAL;
	}
	if (blacklist_pattern_cost(re) > BL_EXPANSION_MAX) {
		snprintf(err, errlen, "too complex for regcomp(): repeats what can match nothing or an anchor, nests repetitions more than %d deep or expands to more than %d elements",
			 BL_STAR_DEPTH_MAX, BL_EXPANSION_MAX);
		return -EINVAL;
	}
	rc = regcomp(&compiled, re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];

		regerror(rc, &compiled, why, sizeof(why));
		snprintf(err, errlen, "invalid regular expression: %s", why);
		return rc == REG_ESPACE ? -ENOMEM : -EINVAL;
	}
	copy = strdup(text);
	if (!copy) {
		regfree(&compiled);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	blacklist_pattern_clear(p);
	p->text = copy;
	p->re = compiled;
	p->invert = invert;
	return 0;
}

int blacklist_pattern_set(struct bl_pattern *p, const char *text,
			  char *err, size_t errlen)
{
	return pattern_set(p, text, text, false, err, errlen);
}

/*
 * Upstream's reading: a leading '!' inverts, a leading "\!" stands for a
 * literal '!' (regcomp() would take "\!" as '!' anyway, but upstream
 * strips the backslash, and so do we, to compile the same expression).
 */
int blacklist_pattern_set_negatable(struct bl_pattern *p, const char *text,
				    char *err, size_t errlen)
{
	if (text[0] == '!')
		return pattern_set(p, text, text + 1, true, err, errlen);
	if (text[0] == '\\' && text[1] == '!')
		return pattern_set(p, text, text + 1, false, err, errlen);
	return pattern_set(p, text, text, false, err, errlen);
}

void blacklist_pattern_clear(struct bl_pattern *p)
{
	if (p->text) {
		regfree(&p->re);
		free(p->text);
		p->text = NULL;
	}
}

bool blacklist_pattern_match(const struct bl_pattern *p, const char *s)
{
	if (!p->text)
		return true;
	if (!s)
		return false;
	return (regexec(&p->re, s, 0, NULL, 0) == 0) != p->invert;
}

bool blacklist_device_match(const struct bl_device *d, const char *vendor,
			    const char *product)
{
	if (!d->vendor.text && !d->product.text)
		return false;
	return blacklist_pattern_match(&d->vendor, vendor) &&
	       blacklist_pattern_match(&d->product, product);
}

void blacklist_device_clear(struct bl_device *d)
{
	blacklist_pattern_clear(&d->vendor);
	blacklist_pattern_clear(&d->product);
}

void blacklist_init(struct blacklist *bl)
{
	memset(bl, 0, sizeof(*bl));
}

void blacklist_clear(struct blacklist *bl)
{
	size_t i;
	int k;

	for (k = 0; k < BL_KINDS; k++) {
		for (i = 0; i < bl->list[k].n; i++)
			blacklist_pattern_clear(&bl->list[k].pat[i]);
		free(bl->list[k].pat);
	}
	for (i = 0; i < bl->n_device; i++)
		blacklist_device_clear(&bl->device[i]);
	free(bl->device);
	blacklist_init(bl);
}

/*
 * Lists grow one entry at a time: they are short and built once per
 * (re)configuration, so the quadratic copying does not matter.
 */
static void *grow(void *array, size_t n, size_t size)
{
	if (n >= ((size_t)-1) / size - 1)
		return NULL;
	return realloc(array, (n + 1) * size);
}

int blacklist_add(struct blacklist *bl, enum bl_kind kind, const char *pattern,
		  char *err, size_t errlen)
{
	struct bl_pattern p = { .text = NULL };
	struct bl_list *l;
	struct bl_pattern *list;
	int rc;

	if ((unsigned int)kind >= BL_KINDS) {
		snprintf(err, errlen, "no such list");
		return -EINVAL;
	}
	l = &bl->list[kind];
	rc = blacklist_pattern_set_negatable(&p, pattern, err, errlen);
	if (rc)
		return rc;
	list = grow(l->pat, l->n, sizeof(*list));
	if (!list) {
		blacklist_pattern_clear(&p);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	list[l->n++] = p;
	l->pat = list;
	return 0;
}

int blacklist_add_builtin(struct blacklist *bl)
{
	char err[160];
	int i, rc;

	for (i = 0; blacklist_builtin[i]; i++) {
		/* Built-ins go first, so that n_builtin marks them. */
		if (bl->list[BL_DEVNODE].n != bl->n_builtin)
			return -EINVAL;
		rc = blacklist_add_devnode(bl, blacklist_builtin[i], err,
					   sizeof(err));
		if (rc)
			return rc;
		bl->n_builtin++;
	}
	return 0;
}

int blacklist_add_device(struct blacklist *bl, struct bl_device *d)
{
	struct bl_device *list;

	list = grow(bl->device, bl->n_device, sizeof(*list));
	if (!list)
		return -ENOMEM;
	list[bl->n_device++] = *d;
	bl->device = list;
	memset(d, 0, sizeof(*d));
	return 0;
}

static bool list_match(const struct bl_list *l, const char *s)
{
	size_t i;

	for (i = 0; s && i < l->n; i++)
		if (blacklist_pattern_match(&l->pat[i], s))
			return true;
	return false;
}

static bool device_list_match(const struct blacklist *bl, const char *vendor,
			      const char *product)
{
	size_t i;

	for (i = 0; i < bl->n_device; i++)
		if (blacklist_device_match(&bl->device[i], vendor, product))
			return true;
	return false;
}

/*
 * Does a property's name (what comes before '=') match l? Longer names
 * than any udev sets are not matched rather than cut short.
 */
static bool property_match(const struct bl_list *l, const char *prop)
{
	char name[256];
	size_t n = strcspn(prop, "=");

	if (n >= sizeof(name))
		return false;
	memcpy(name, prop, n);
	name[n] = '\0';
	return list_match(l, name);
}

/*
 * Upstream's filter_property(): the first property, in the order udev
 * lists them, that matches either list decides; an exception wins when one
 * property matches both. When none matches, the path is missing the
 * property the exceptions ask for, which counts only when the exceptions
 * ask for one and the path's WWID is known.
 */
static enum bl_reason property_check(const struct blacklist *bl,
				     const struct blacklist *exc,
				     const struct bl_path *path)
{
	const struct bl_list *b = &bl->list[BL_PROPERTY];
	const struct bl_list *e = &exc->list[BL_PROPERTY];
	const char *const *prop;

	if (!path->props || (!b->n && !e->n))
		return BL_PASS;
	for (prop = path->props; *prop; prop++) {
		if (property_match(e, *prop))
			return BL_PASS;
		if (property_match(b, *prop))
			return BL_BY_PROPERTY;
	}
	if (e->n && path->wwid && path->wwid[0])
		return BL_PROPERTY_MISSING;
	return BL_PASS;
}

/* One criterion: the exception of the same kind wins. */
static bool kind_excluded(const struct blacklist *bl,
			  const struct blacklist *exc, enum bl_kind kind,
			  const char *s)
{
	return s && !list_match(&exc->list[kind], s) &&
	       list_match(&bl->list[kind], s);
}

enum bl_reason blacklist_check(const struct blacklist *bl,
			       const struct blacklist *exceptions,
			       const struct bl_path *path)
{
	enum bl_reason r = property_check(bl, exceptions, path);

	if (r != BL_PASS)
		return r;
	if (kind_excluded(bl, exceptions, BL_DEVNODE, path->devnode))
		return BL_BY_DEVNODE;
	if (!device_list_match(exceptions, path->vendor, path->product) &&
	    device_list_match(bl, path->vendor, path->product))
		return BL_BY_DEVICE;
	if (kind_excluded(bl, exceptions, BL_PROTOCOL, path->protocol))
		return BL_BY_PROTOCOL;
	if (kind_excluded(bl, exceptions, BL_WWID, path->wwid))
		return BL_BY_WWID;
	return BL_PASS;
}

const char *blacklist_reason_name(enum bl_reason r)
{
	switch (r) {
	case BL_PASS:
		return "not blacklisted";
	case BL_BY_PROPERTY:
		return "udev property";
	case BL_PROPERTY_MISSING:
		return "udev property missing";
	case BL_BY_DEVNODE:
		return "device node name";
	case BL_BY_DEVICE:
		return "vendor/product";
	case BL_BY_PROTOCOL:
		return "protocol";
	case BL_BY_WWID:
		return "wwid";
	}
	return "unknown";
}

bool blacklist_excluded(const struct blacklist *bl,
			const struct blacklist *exceptions,
			const char *devnode, const char *vendor,
			const char *product)
{
	const struct bl_path path = {
		.devnode = devnode, .vendor = vendor, .product = product,
	};

	return blacklist_check(bl, exceptions, &path) != BL_PASS;
}

void blacklist_dump(const struct blacklist *bl, FILE *out, const char *indent)
{
	static const char *const names[BL_KINDS] = {
		[BL_DEVNODE] = "devnode", [BL_WWID] = "wwid",
		[BL_PROPERTY] = "property", [BL_PROTOCOL] = "protocol",
	};
	size_t i;
	int k;

	for (k = 0; k < BL_KINDS; k++)
		for (i = 0; i < bl->list[k].n; i++)
			fprintf(out, "%s%s%s \"%s\"\n", indent,
				k == BL_DEVNODE && i < bl->n_builtin ?
				"# built in: " : "", names[k],
				bl->list[k].pat[i].text);
	for (i = 0; i < bl->n_device; i++) {
		const struct bl_device *d = &bl->device[i];

		fprintf(out, "%sdevice {\n", indent);
		if (d->vendor.text)
			fprintf(out, "%s\tvendor \"%s\"\n", indent, d->vendor.text);
		if (d->product.text)
			fprintf(out, "%s\tproduct \"%s\"\n", indent, d->product.text);
		fprintf(out, "%s}\n", indent);
	}
}
