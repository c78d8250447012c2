/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static enum bpo_loglevel current_level = BPO_LOG_NORMAL;

void bpo_log_set_level(enum bpo_loglevel level)
{
	current_level = level;
}

enum bpo_loglevel bpo_log_level(void)
{
	return current_level;
}

bool bpo_log_is_tty(void)
{
	return isatty(STDERR_FILENO) == 1;
}

static void emit(const char *tag, const char *fmt, va_list ap)
{
	fputs("bpo: ", stderr);
	if (tag)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

#define LOGFN(name, tag, minlevel)                  \
	void name(const char *fmt, ...)             \
	{                                           \
		va_list ap;                         \
		if (current_level < (minlevel))     \
			return;                     \
		va_start(ap, fmt);                  \
		emit(tag, fmt, ap);                 \
		va_end(ap);                         \
	}

LOGFN(bpo_error, "error: ", BPO_LOG_QUIET)
LOGFN(bpo_warn, "warning: ", BPO_LOG_QUIET)
LOGFN(bpo_info, NULL, BPO_LOG_NORMAL)
LOGFN(bpo_verbose, NULL, BPO_LOG_VERBOSE)
LOGFN(bpo_debug, "debug: ", BPO_LOG_DEBUG)
