/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: messages to stderr in the dpkg/apt style ("bpo: error: ...").
 * The verbosity is process-wide configuration set once by main.c from
 * --quiet/--verbose; it is not mutable state of the work itself.
 */
#ifndef BPO_LOG_H
#define BPO_LOG_H

#include <stdbool.h>

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

#endif
