/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static enum bpo_loglevel current_level = BPO_LOG_NORMAL;
static int copy_fd = -1;

/* The status line (see log.h): what it shows, and whether it is on screen. */
static struct {
	char step[256];   /* the last message shown */
	double step_t;    /* when it was shown */
	char line[512];   /* the last complete line of the output fed */
	char part[512];   /* the line being fed */
	size_t plen;
	double drawn_t;
	double run_t;     /* when the child's first tick came: 0 before it */
	bool shown;
} st;

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void status_wipe(void)
{
	if (st.shown) {
		fputs("\r\033[K", stderr);
		st.shown = false;
	}
}

void bpo_status_feed(const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '\n' || c == '\r') {
			if (st.plen) {
				memcpy(st.line, st.part, st.plen);
				st.line[st.plen] = '\0';
			}
			st.plen = 0;
		} else if (st.plen + 1 < sizeof(st.part)) {
			st.part[st.plen++] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
		}
	}
}

void bpo_status_tick(void)
{
	double now = mono_s();
	struct winsize ws;
	unsigned cols = 80, el;
	char text[1024];
	size_t len, step_len;

	if (current_level != BPO_LOG_NORMAL || !bpo_log_is_tty() || !st.step[0])
		return;
	if (st.run_t == 0)
		st.run_t = now;
	/* a child done within a second draws nothing (no flicker) */
	if (now - st.run_t < 1.0 || now - st.drawn_t < 0.5)
		return;
	st.drawn_t = now;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		cols = ws.ws_col;
	el = (unsigned)(now - st.step_t);
	/* the stage: "[build]" of "[build] dpkg-buildpackage ...", else the
	 * message itself, short */
	step_len = strlen(st.step);
	if (step_len > 4 && strcmp(st.step + step_len - 4, " ...") == 0)
		step_len -= 4;
	if (st.step[0] == '[' && strchr(st.step, ']'))
		step_len = (size_t)(strchr(st.step, ']') - st.step) + 1;
	else if (step_len > 40) {
		step_len = 40;
		while (step_len > 0 && ((unsigned char)st.step[step_len] & 0xC0) == 0x80)
			step_len--;
	}
	len = (size_t)snprintf(text, sizeof(text), "%.*s %u:%02u%s%s", (int)step_len, st.step,
			       el / 60, el % 60, st.line[0] ? " | " : "", st.line);
	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	if (len > cols - 1) {
		len = cols - 1;
		/* not in the middle of a UTF-8 sequence */
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	fprintf(stderr, "\r\033[K%.*s", (int)len, text);
	fflush(stderr);
	st.shown = true;
}

void bpo_status_done(void)
{
	status_wipe();
	fflush(stderr);
	st.line[0] = '\0';
	st.plen = 0;
	st.drawn_t = 0;
	st.run_t = 0;
}

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
	va_list copy, keep;
	va_copy(copy, ap);
	va_copy(keep, ap);
	status_wipe();
	if (!tag) {
		vsnprintf(st.step, sizeof(st.step), fmt, keep);
		st.step_t = mono_s();
		st.drawn_t = 0;
	}
	va_end(keep);
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
