/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blacklist.h - lists of POSIX extended regular expressions that say which
 * devices multipathd leaves alone: by kernel name (devnode) and by
 * vendor/product pair (device). Internal to multipathd; used by config.c,
 * which also matches its devices/device entries with struct bl_device.
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

/* One compiled pattern; text NULL means "absent". */
struct bl_pattern {
	char *text;		/* as written, for config_dump() */
	regex_t re;		/* valid while text != NULL */
};

/* A vendor/product pair; an absent half matches any value. */
struct bl_device {
	struct bl_pattern vendor;
	struct bl_pattern product;
};

struct blacklist {
	struct bl_pattern *devnode;
	size_t n_devnode;
	size_t n_builtin;	/* devnode[0 .. n_builtin) are the built-in ones */
	struct bl_device *device;
	size_t n_device;
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
/* Does s match? An absent pattern matches anything, a NULL s nothing. */
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
/* Append a devnode pattern; 0, -EINVAL (reason in err) or -ENOMEM. */
int blacklist_add_devnode(struct blacklist *bl, const char *pattern,
			  char *err, size_t errlen);
/* Append a device entry, taking over its patterns (d is cleared). */
int blacklist_add_device(struct blacklist *bl, struct bl_device *d);

/* Does any entry match? vendor and product may be NULL (unknown). */
bool blacklist_match(const struct blacklist *bl, const char *devnode,
		     const char *vendor, const char *product);

/*
 * blacklist_excluded - is the device blacklisted by bl and not let back
 * in by exceptions? An exception wins over every blacklist entry,
 * built-in or not.
 */
bool blacklist_excluded(const struct blacklist *bl,
			const struct blacklist *exceptions,
			const char *devnode, const char *vendor,
			const char *product);

/*
 * blacklist_dump - write bl as the body of a section in multipath.conf
 * syntax, each line prefixed with indent; the built-in entries are written
 * as comments, as they are always there and must not be added twice by
 * parsing the dump again.
 */
void blacklist_dump(const struct blacklist *bl, FILE *out, const char *indent);

#endif /* MPATHD_BLACKLIST_H */
