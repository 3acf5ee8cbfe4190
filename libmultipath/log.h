/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h - the library's own logging (log.c): mpath_vlog() and short
 * macros with named levels. mpath_log() itself is declared in checkers.h,
 * for plugins; the handler and threshold calls in libmultipath.h.
 */
#ifndef MPATH_LOG_H
#define MPATH_LOG_H

#include <stdarg.h>

#include "checkers.h"

void mpath_vlog(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define mp_err(...)	mpath_log(MPATH_LOG_ERR, __VA_ARGS__)
#define mp_warn(...)	mpath_log(MPATH_LOG_WARNING, __VA_ARGS__)
#define mp_notice(...)	mpath_log(MPATH_LOG_NOTICE, __VA_ARGS__)
#define mp_debug(...)	mpath_log(MPATH_LOG_DEBUG, __VA_ARGS__)

#endif /* MPATH_LOG_H */
