/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc: run a program with an argv (execvp, never a shell), optionally in a
 * directory, with extra environment, output captured or sent to a log file.
 */
#ifndef BPO_PROC_H
#define BPO_PROC_H

#include <stdbool.h>

#include "buf.h"
#include "err.h"

struct bpo_proc_opts {
	const char *cwd;          /* NULL: inherit */
	const char *const *setenv; /* NULL-terminated "NAME=value" list added to the environment */
	struct bpo_buf *out;      /* capture stdout here (NULL: inherit, or log_fd) */
	int log_fd;               /* >= 0: stdout (unless captured) and stderr go here */
	bool quiet_stderr;        /* send stderr to /dev/null (when log_fd < 0) */
	const char *input;        /* data written to stdin (NULL: /dev/null) */
	unsigned timeout;         /* seconds, 0 = none; the child gets SIGTERM then SIGKILL */
};

/*
 * Run argv[0] (looked up in PATH). Returns 0 when the program ran and exited
 * (its status in *status: the exit code, or 128+signal), -1 when it could not
 * be started or timed out (err says which).
 */
int bpo_proc_run(const char *const argv[], const struct bpo_proc_opts *opts, int *status,
		 struct bpo_error *err);

/* Convenience: run and require exit status 0; on failure err names the program. */
int bpo_proc_run_ok(const char *const argv[], const struct bpo_proc_opts *opts, struct bpo_error *err);

#endif
