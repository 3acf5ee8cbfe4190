/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blacklist.h - lists of POSIX extended regular expressions that say which
 * devices multipathd leaves alone: by udev property name (property), kernel
 * name (devnode), vendor/product pair (device), transport (protocol) and
 * WWID (wwid). Internal to multipathd; used by config.c, which also matches
 * its devices/device entries with struct bl_device.
 *
 * A list is built while the configuration is parsed and is read-only after
 * that: matching takes no lock (regexec() may be called on one regex_t from
 * several threads at once).
 */
#ifndef MPATHD_BLACKLIST_H
#define MPATHD_BLACKLIST_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"	/* struct bl_path */

/* Longer patterns are refused; this also bounds the nesting of groups. */
#define BL_PATTERN_MAX		256
/*
 * Patterns that regcomp() would expand to more elements than this (see
 * blacklist_pattern_cost()) are refused: it bounds the memory and time one
 * pattern may cost.
 */
#define BL_EXPANSION_MAX	512
/* And so are patterns with unbounded repetitions nested deeper than this. */
#define BL_STAR_DEPTH_MAX	4

/*
 * One compiled pattern; text NULL means "absent". In the blacklist
 * sections a pattern written "!RE" matches what RE does not match, and
 * "\!RE" matches a literal '!' followed by RE, as upstream reads them;
 * elsewhere (devices entries) '!' has no special meaning.
 */
struct bl_pattern {
	char *text;		/* as written, '!' included, for config_dump() */
	regex_t re;		/* valid while text != NULL */
	bool invert;		/* text was "!RE": re is RE */
};

/* A vendor/product pair; an absent half matches any value. */
struct bl_device {
	struct bl_pattern vendor;
	struct bl_pattern product;
};

/* The pattern lists of a blacklist section besides device entries. */
enum bl_kind {
	BL_DEVNODE,		/* matched against the kernel name */
	BL_WWID,		/* against the path's WWID */
	BL_PROPERTY,		/* against the names of its udev properties */
	BL_PROTOCOL,		/* against its transport, "scsi:fcp", ... */
	BL_KINDS,
};

struct bl_list {
	struct bl_pattern *pat;
	size_t n;
};

struct blacklist {
	struct bl_list list[BL_KINDS];
	size_t n_builtin;	/* list[BL_DEVNODE].pat[0 .. n_builtin) are built in */
	struct bl_device *device;
	size_t n_device;
};

/*
 * Why a path is blacklisted. The criteria are tried in this order, as
 * upstream does; within each, an exception of the same kind wins over a
 * blacklist entry, but an exception of one kind never lets in a path that
 * an entry of another kind keeps out.
 */
enum bl_reason {
	BL_PASS = 0,		/* not blacklisted */
	BL_BY_PROPERTY,		/* a udev property name matches "property" */
	BL_PROPERTY_MISSING,	/* no property matches the exceptions' ones */
	BL_BY_DEVNODE,
	BL_BY_DEVICE,
	BL_BY_PROTOCOL,
	BL_BY_WWID,
};

/* The devnode patterns every configuration blacklists (see blacklist.c). */
extern const char *const blacklist_builtin[];

/*
 * blacklist_pattern_set - compile text into p, replacing what p held. On
 * failure p is unchanged and err holds a one-line reason: -EINVAL for a
 * pattern regcomp() refuses, that is empty, longer than BL_PATTERN_MAX or
 * costs more than BL_EXPANSION_MAX (blacklist_pattern_cost()); -ENOMEM.
 */
int blacklist_pattern_set(struct bl_pattern *p, const char *text,
			  char *err, size_t errlen);
/*
 * blacklist_pattern_set_negatable - the same for a blacklist section:
 * "!RE" is RE inverted, "\!RE" is "!RE" taken literally.
 */
int blacklist_pattern_set_negatable(struct bl_pattern *p, const char *text,
				    char *err, size_t errlen);
void blacklist_pattern_clear(struct bl_pattern *p);
/*
 * blacklist_pattern_cost - an upper estimate of the number of elements
 * regcomp() expands text to (repetitions copied), capped at
 * BL_EXPANSION_MAX + 1, which is also returned for what makes regcomp()
 * exponential: repeating (more than once) what can match the empty string
 * or an anchor, unbounded repetitions nested more than BL_STAR_DEPTH_MAX
 * deep. Its memory grows with the square of the estimate.
 */
unsigned int blacklist_pattern_cost(const char *text);
/*
 * Does s match? An absent pattern matches anything, a NULL s nothing, an
 * inverted one too: a value that is not known is neither "sd" nor "!sd".
 */
bool blacklist_pattern_match(const struct bl_pattern *p, const char *s);

/*
 * blacklist_device_match - do vendor and product match every half of d
 * that is present? A d with neither half matches nothing.
 */
bool blacklist_device_match(const struct bl_device *d, const char *vendor,
			    const char *product);
void blacklist_device_clear(struct bl_device *d);

void blacklist_init(struct blacklist *bl);
void blacklist_clear(struct blacklist *bl);	/* frees the entries */

/* Append the built-in devnode patterns; 0 or -ENOMEM. */
int blacklist_add_builtin(struct blacklist *bl);
/*
 * Append a pattern ('!' negates) to a list; 0, -EINVAL (reason in err) or
 * -ENOMEM.
 */
int blacklist_add(struct blacklist *bl, enum bl_kind kind, const char *pattern,
		  char *err, size_t errlen);
static inline int blacklist_add_devnode(struct blacklist *bl,
					const char *pattern, char *err,
					size_t errlen)
{
	return blacklist_add(bl, BL_DEVNODE, pattern, err, errlen);
}
/* Append a device entry, taking over its patterns (d is cleared). */
int blacklist_add_device(struct blacklist *bl, struct bl_device *d);

/*
 * blacklist_check - is the path blacklisted by bl and not let back in by
 * exceptions, and by which criterion (enum bl_reason, in its order)? What
 * path does not know (NULL) matches no entry of that kind.
 *
 * "property" is upstream's: a path one of whose udev property names
 * matches a blacklist property (before any matches an exception one) is
 * blacklisted; and when exceptions has property entries, a path none of
 * whose property names matches one of them is blacklisted too ("udev
 * property missing"), but only if its WWID is known: a device that udev
 * could not identify yet is not shut out for lacking properties.
 */
enum bl_reason blacklist_check(const struct blacklist *bl,
			       const struct blacklist *exceptions,
			       const struct bl_path *path);
/* "udev property", "device node name", ...: for log messages. */
const char *blacklist_reason_name(enum bl_reason r);

/* blacklist_excluded - blacklist_check() for a path known by these only. */
bool blacklist_excluded(const struct blacklist *bl,
			const struct blacklist *exceptions,
			const char *devnode, const char *vendor,
			const char *product);

/*
 * blacklist_dump - write bl as the body of a section in multipath.conf
 * syntax, each line prefixed with indent; the built-in entries are written
 * as comments, as they are always there and must not be added twice by
 * parsing the dump again. Patterns are written as they were, '!' included.
 */
void blacklist_dump(const struct blacklist *bl, FILE *out, const char *indent);

#endif /* MPATHD_BLACKLIST_H */
