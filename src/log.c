/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static enum bpo_loglevel current_level = BPO_LOG_NORMAL;
static int copy_fd = -1;

void bpo_log_set_copy_fd(int fd)
{
	copy_fd = fd;
}

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
	va_list copy;
	va_copy(copy, ap);
	fputs("bpo: ", stderr);
	if (tag)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	if (copy_fd >= 0) {
		dprintf(copy_fd, "bpo: %s", tag ? tag : "");
		vdprintf(copy_fd, fmt, copy);
		dprintf(copy_fd, "\n");
	}
	va_end(copy);
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
