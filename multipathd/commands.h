/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * commands.h - what the CLI commands do and what they answer.
 *
 * Event-loop thread only (daemon.h).
 */
#ifndef MPATHD_COMMANDS_H
#define MPATHD_COMMANDS_H

#include <sys/types.h>

struct daemon;

/*
 * command_run - the reply to one request line from a user uid: malloc()ed,
 * the caller's to free; NULL when out of memory.
 */
char *command_run(struct daemon *d, const char *line, uid_t uid);

#endif /* MPATHD_COMMANDS_H */
