/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: messages to stderr in the dpkg/apt style ("bpo: error: ...").
 * The verbosity is process-wide configuration set once by main.c from
 * --quiet/--verbose; it is not mutable state of the work itself.
 */
#ifndef BPO_LOG_H
#define BPO_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum bpo_loglevel { BPO_LOG_QUIET = 0, BPO_LOG_NORMAL = 1, BPO_LOG_VERBOSE = 2, BPO_LOG_DEBUG = 3 };

void bpo_log_set_level(enum bpo_loglevel level);
enum bpo_loglevel bpo_log_level(void);
/* Also append every message that is shown to fd (a per-build log file);
 * -1 stops. The caller owns fd. */
void bpo_log_set_copy_fd(int fd);
/* True when stderr is a terminal (progress bars, progress lines). */
bool bpo_log_is_tty(void);

void bpo_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bpo_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Normal progress information (suppressed by --quiet). */
void bpo_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with --verbose. */
void bpo_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bpo_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The status line of long work on a terminal: while a child runs (a build,
 * an apt run, a qa check), bpo_status_tick redraws, at most twice a second,
 * one line on stderr: the last message shown (the stage or step), the time
 * since it, and the last line of the child's output fed through
 * bpo_status_feed. Each message wipes it first; bpo_status_done wipes it
 * when the child ends. Nothing is drawn unless stderr is a terminal and the
 * level is the normal one (-q: nothing; -v echoes the output itself).
 */
void bpo_status_feed(const void *data, size_t n);
void bpo_status_tick(void);
void bpo_status_done(void);

#endif
