/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd: the subcommand table. Each src/cmd_<verb>.c defines one struct bpo_cmd
 * and registers it with BPO_REGISTER_COMMAND (apk-tools' applet style), so a
 * new subcommand touches no other file. run() returns the process exit code
 * (BPO_EXIT_*); only main.c calls exit().
 */
#ifndef BPO_CMD_H
#define BPO_CMD_H

#include <stdbool.h>

#include "err.h"

struct bpo_ctx {
	const char *config_path; /* --config FILE, or NULL for the default places */
	const char *argv0;
};

struct bpo_cmd {
	const char *name;
	const char *summary; /* one line for `bpo help` */
	const char *usage;   /* full text for `bpo CMD --help`, ends with '\n' */
	int (*run)(struct bpo_ctx *ctx, int argc, char **argv);
};

void bpo_cmd_register(const struct bpo_cmd *cmd);

#define BPO_REGISTER_COMMAND(c)                                                  \
	static void __attribute__((constructor)) bpo_register_##c(void)          \
	{                                                                        \
		bpo_cmd_register(&(c));                                          \
	}

/* Print err with "bpo: error: " and return its exit code. */
int bpo_cmd_fail(const struct bpo_error *err);
/* Report a usage error for cmd (one line plus a hint) and return BPO_EXIT_USAGE. */
int bpo_cmd_usage_error(const struct bpo_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True if argv holds -h or --help before any "--". */
bool bpo_cmd_wants_help(int argc, char **argv);

#endif
