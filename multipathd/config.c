// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - multipathd's configuration object: the built-in defaults,
 * building one (for config-parse.c), the queries the daemon makes, how a
 * path's settings are resolved, and the dump ("show config").
 *
 * Called by: config-parse.c (building), the rest of multipathd (queries).
 * Calls: blacklist.c.
 *
 * A struct mp_config is never changed after config_parse() returns it, so
 * any thread may query it without a lock while the daemon holds it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-internal.h"
#include "libmultipath.h"

/* --- loading and freeing -------------------------------------------- */

struct mp_config *config_new(void)
{
	struct mp_config *conf = calloc(1, sizeof(*conf));

	if (!conf)
		return NULL;
	conf->verbosity = DEFAULT_VERBOSITY;
	conf->plugin_permission_check = true;
	conf->defaults.polling_interval = DEFAULT_POLLING_INTERVAL;
	blacklist_init(&conf->blacklist);
	blacklist_init(&conf->exceptions);
	conf->socket_name = strdup(DEFAULT_SOCKET_NAME);
	if (!conf->socket_name || blacklist_add_builtin(&conf->blacklist)) {
		config_free(conf);
		return NULL;
	}
	return conf;
}

void config_free(struct mp_config *conf)
{
	size_t i;

	if (!conf)
		return;
	for (i = 0; i < conf->n_devices; i++)
		blacklist_device_clear(&conf->devices[i].id);
	free(conf->devices);
	blacklist_clear(&conf->blacklist);
	blacklist_clear(&conf->exceptions);
	for (i = 0; i < conf->n_aliases; i++) {
		free(conf->aliases[i].wwid);
		free(conf->aliases[i].alias);
	}
	free(conf->aliases);
	free(conf->alias_index);
	free(conf->plugin_dir);
	free(conf->socket_name);
	free(conf);
}

int config_add_device(struct mp_config *conf, struct dev_entry *dev)
{
	struct dev_entry *list;

	if (conf->n_devices >= ((size_t)-1) / sizeof(*list) - 1)
		return -ENOMEM;
	list = realloc(conf->devices, (conf->n_devices + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	list[conf->n_devices++] = *dev;
	conf->devices = list;
	memset(dev, 0, sizeof(*dev));
	return 0;
}

int config_add_alias(struct mp_config *conf, const char *wwid,
		     const char *alias)
{
	struct mp_alias *list, a = { strdup(wwid), strdup(alias) };

	if (!a.wwid || !a.alias ||
	    conf->n_aliases >= ((size_t)-1) / sizeof(*list) - 1)
		goto fail;
	list = realloc(conf->aliases, (conf->n_aliases + 1) * sizeof(*list));
	if (!list)
		goto fail;
	list[conf->n_aliases++] = a;
	conf->aliases = list;
	return 0;
fail:
	free(a.wwid);
	free(a.alias);
	return -ENOMEM;
}

/* By wwid, then by position in the file, so that the last entry wins. */
static int alias_cmp(const void *a, const void *b)
{
	const struct mp_alias *x = *(const struct mp_alias *const *)a;
	const struct mp_alias *y = *(const struct mp_alias *const *)b;
	int c = strcmp(x->wwid, y->wwid);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * A file may name tens of thousands of maps and "show maps" asks for each
 * map's alias: a sorted index keeps that O(log n) per map.
 */
int config_finish(struct mp_config *conf)
{
	size_t i;

	if (!conf->n_aliases)
		return 0;
	conf->alias_index = calloc(conf->n_aliases, sizeof(*conf->alias_index));
	if (!conf->alias_index)
		return -ENOMEM;
	for (i = 0; i < conf->n_aliases; i++)
		conf->alias_index[i] = &conf->aliases[i];
	qsort(conf->alias_index, conf->n_aliases, sizeof(*conf->alias_index),
	      alias_cmp);
	return 0;
}

/* --- queries ----------------------------------------------------------- */

unsigned int config_verbosity(const struct mp_config *conf)
{
	return conf->verbosity;
}

const char *config_plugin_dir(const struct mp_config *conf)
{
	return conf->plugin_dir;
}

const char *config_socket_name(const struct mp_config *conf)
{
	return conf->socket_name;
}

bool config_plugin_permission_check(const struct mp_config *conf)
{
	return conf->plugin_permission_check;
}

int config_init_checkers(const struct mp_config *conf)
{
	checker_set_permission_check(conf->plugin_permission_check);
	if (!conf->plugin_permission_check)
		mpath_log(MPATH_LOG_WARNING, "plugin_permission_check is off: checker plugins that others may write are loaded and run as multipathd");
	return init_checkers(conf->plugin_dir);
}

bool config_blacklisted_path(const struct mp_config *conf,
			     const struct bl_path *path)
{
	return blacklist_check(&conf->blacklist, &conf->exceptions, path) !=
	       BL_PASS;
}

const char *config_blacklist_reason(const struct mp_config *conf,
				    const struct bl_path *path)
{
	enum bl_reason r = blacklist_check(&conf->blacklist, &conf->exceptions,
					   path);

	return r == BL_PASS ? NULL : blacklist_reason_name(r);
}

bool config_blacklisted(const struct mp_config *conf, const char *devnode,
			const char *vendor, const char *product)
{
	return blacklist_excluded(&conf->blacklist, &conf->exceptions,
				  devnode, vendor, product);
}

const char *config_alias(const struct mp_config *conf, const char *wwid)
{
	size_t lo = 0, hi = conf->n_aliases;

	if (!wwid || !conf->alias_index)
		return NULL;
	/* The first entry whose wwid sorts after wwid; the one before it wins. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(conf->alias_index[mid]->wwid, wwid) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && strcmp(conf->alias_index[lo - 1]->wwid, wwid) == 0)
		return conf->alias_index[lo - 1]->alias;
	return NULL;
}

void config_path_settings(const struct mp_config *conf, const char *vendor,
			  const char *product, bool is_scsi,
			  struct path_settings *out)
{
	const struct settings *layer[3] = { &conf->overrides, NULL, &conf->defaults };
	size_t i;

	for (i = 0; i < conf->n_devices; i++) {
		if (blacklist_device_match(&conf->devices[i].id, vendor, product)) {
			layer[1] = &conf->devices[i].set;
			break;
		}
	}
	memset(out, 0, sizeof(*out));
	/* The first layer that sets a field decides it. */
	for (i = 0; i < 3; i++) {
		const struct settings *s = layer[i];

		if (!s)
			continue;
		if (!out->checker[0] && s->checker[0])
			memcpy(out->checker, s->checker, sizeof(out->checker));
		if (!out->checker_timeout)
			out->checker_timeout = s->checker_timeout;
		if (!out->polling_interval)
			out->polling_interval = s->polling_interval;
		if (!out->max_polling_interval)
			out->max_polling_interval = s->max_polling_interval;
	}
	if (!out->checker[0])
		snprintf(out->checker, sizeof(out->checker), "%s",
			 is_scsi ? "tur" : "directio");
	if (!out->polling_interval)
		out->polling_interval = DEFAULT_POLLING_INTERVAL;
	if (!out->max_polling_interval)
		out->max_polling_interval =
			DEFAULT_MAX_POLLING_FACTOR * out->polling_interval;
	if (out->max_polling_interval < out->polling_interval)
		out->max_polling_interval = out->polling_interval;
}

/* --- the dump ------------------------------------------------------------ */

/*
 * What is not set is written as a comment, not as its derived value:
 * writing "max_polling_interval 20" into defaults would change what a
 * device with its own polling_interval gets when the dump is loaded again.
 */
static void dump_settings(FILE *f, const char *ind, const struct settings *s,
			  bool defaults)
{
	if (s->checker[0])
		fprintf(f, "%spath_checker %s\n", ind, s->checker);
	else if (defaults)
		fprintf(f, "%s# path_checker not set: tur for SCSI disks, directio for others\n", ind);
	if (s->checker_timeout)
		fprintf(f, "%schecker_timeout %u\n", ind, s->checker_timeout);
	else if (defaults)
		fprintf(f, "%s# checker_timeout not set: each device's own SCSI timeout\n", ind);
	if (s->polling_interval)
		fprintf(f, "%spolling_interval %u\n", ind, s->polling_interval);
	if (s->max_polling_interval)
		fprintf(f, "%smax_polling_interval %u\n", ind, s->max_polling_interval);
	else if (defaults)
		fprintf(f, "%s# max_polling_interval not set: %d x polling_interval\n",
			ind, DEFAULT_MAX_POLLING_FACTOR);
}

/*
 * Every string value is written quoted: the lexer lets no value contain a
 * quote, a newline or a control character, so quoting always round-trips.
 */
char *config_dump(const struct mp_config *conf)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fprintf(f, "defaults {\n\tverbosity %u\n", conf->verbosity);
	dump_settings(f, "\t", &conf->defaults, true);
	if (conf->plugin_dir)
		fprintf(f, "\tplugin_dir \"%s\"\n", conf->plugin_dir);
	else
		fprintf(f, "\t# plugin_dir not set: the library's plugin directory\n");
	fprintf(f, "\tplugin_permission_check %s\n",
		conf->plugin_permission_check ? "yes" : "no");
	fprintf(f, "\tsocket_name \"%s\"\n}\n", conf->socket_name);

	fprintf(f, "blacklist {\n");
	blacklist_dump(&conf->blacklist, f, "\t");
	fprintf(f, "}\nblacklist_exceptions {\n");
	blacklist_dump(&conf->exceptions, f, "\t");
	fprintf(f, "}\ndevices {\n");
	for (i = 0; i < conf->n_devices; i++) {
		const struct dev_entry *d = &conf->devices[i];

		fprintf(f, "\tdevice {\n");
		if (d->id.vendor.text)
			fprintf(f, "\t\tvendor \"%s\"\n", d->id.vendor.text);
		if (d->id.product.text)
			fprintf(f, "\t\tproduct \"%s\"\n", d->id.product.text);
		dump_settings(f, "\t\t", &d->set, false);
		fprintf(f, "\t}\n");
	}
	fprintf(f, "}\noverrides {\n");
	dump_settings(f, "\t", &conf->overrides, false);
	fprintf(f, "}\n");
	if (conf->n_aliases) {
		fprintf(f, "multipaths {\n");
		for (i = 0; i < conf->n_aliases; i++)
			fprintf(f, "\tmultipath {\n\t\twwid \"%s\"\n\t\talias \"%s\"\n\t}\n",
				conf->aliases[i].wwid, conf->aliases[i].alias);
		fprintf(f, "}\n");
	}

	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
