/* SPDX-License-Identifier: GPL-2.0-or-later */
/* root: run one command in a throwaway root (see root.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fsutil.h"
#include "root.h"
#include "xmem.h"

double bpo_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bpo_logf(int fd, const char *fmt, ...)
{
	va_list ap;
	if (fd < 0)
		return;
	va_start(ap, fmt);
	vdprintf(fd, fmt, ap);
	va_end(ap);
}

int bpo_root_run(const struct bpo_root_cmd *cmd, int *status, struct bpo_error *err)
{
	char *work = bpo_xasprintf("%s.work", cmd->upper);
	const char *tag = cmd->log_tag ? cmd->log_tag : "bpo";
	struct bpo_chroot_spec s = {
		.lower = cmd->lower, .n_lower = cmd->n_lower, .upper = cmd->upper, .work = work,
		.merged = cmd->merged, .net = cmd->net,
		.uid = cmd->as_build ? BPO_CHROOT_BUILD_UID : 0,
		.gid = cmd->as_build ? BPO_CHROOT_BUILD_UID : 0,
		.cwd = cmd->cwd, .argv = cmd->argv, .env = cmd->env,
		.binds = cmd->binds, .n_binds = cmd->n_binds,
		.files = cmd->files, .n_files = cmd->n_files,
		.copy_resolv = cmd->net, .log_fd = cmd->log_fd, .echo = cmd->echo, .out = cmd->out,
		.timeout = cmd->timeout,
	};
	int rc = -1;

	if (bpo_mkdir_p(cmd->upper, 0755, err) < 0 || bpo_mkdir_p(work, 0700, err) < 0 ||
	    bpo_mkdir_p(cmd->merged, 0755, err) < 0)
		goto out;
	bpo_logf(cmd->log_fd, "\n== %s: %s%s$", tag, cmd->as_build ? "(build) " : "(root) ",
		 cmd->net ? "" : "(no network) ");
	for (size_t i = 0; cmd->argv[i]; i++)
		bpo_logf(cmd->log_fd, " %s", cmd->argv[i]);
	bpo_logf(cmd->log_fd, "\n");
	double t0 = bpo_now_s();
	rc = bpo_chroot_run(cmd->ns, &s, status, err);
	if (rc == 0)
		bpo_logf(cmd->log_fd, "== %s: exit status %d after %.2f s\n", tag, *status,
			 bpo_now_s() - t0);
	else
		bpo_logf(cmd->log_fd, "== %s: %s\n", tag, err ? err->msg : "failed");
out:
	/* the work dir is overlayfs' scratch space; never needed again */
	bpo_ns_rm_rf(cmd->ns, work, NULL);
	free(work);
	return rc;
}
