/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * root: run one command in a throwaway root, the step that the build stage
 * (build.c) and the checks (qa.c) share: the overlay of the given layers with
 * a fresh upper directory, binds, files (apt sources, keys), environment,
 * network or none, the build user or root, a time limit; the command and its
 * exit status and time go to the log. The namespaces themselves are
 * chroot.h's (bpo_chroot_run).
 *
 * Also the two small helpers both keep a log with: a monotonic clock and a
 * printf to a log descriptor.
 */
#ifndef BPO_ROOT_H
#define BPO_ROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "chroot.h"
#include "err.h"

struct bpo_root_cmd {
	const struct bpo_ns *ns;
	const char *const *lower; /* the layers, the image last */
	size_t n_lower;
	const char *upper;        /* made when missing; UPPER.work is the overlay's scratch */
	const char *merged;       /* the mount point (made when missing) */
	bool net;                 /* the host's network (and its resolv.conf), else only lo */
	bool as_build;            /* the unprivileged build user, else root */
	const char *cwd;          /* or NULL */
	const char *const *argv;
	const char *const *env;
	const struct bpo_chroot_bind *binds;
	size_t n_binds;
	const struct bpo_chroot_file *files;
	size_t n_files;
	int log_fd;               /* -1: no log */
	const char *log_tag;      /* "bpo", "bpo qa": the log lines' prefix */
	bool echo;                /* the output to stderr too (-v) */
	struct bpo_buf *out;      /* the output, or NULL */
	unsigned timeout;         /* seconds, 0: none */
};

/* Run cmd->argv in the root; *status is its wait status's exit code (as
 * bpo_chroot_run). The work directory is removed afterwards. */
int bpo_root_run(const struct bpo_root_cmd *cmd, int *status, struct bpo_error *err);

/* Seconds on the monotonic clock. */
double bpo_now_s(void);
/* printf to the log descriptor fd (nothing when fd < 0). */
void bpo_logf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
