/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_config: `bpo config [--json]` prints the effective configuration. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bpoconf.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_config = {
	.name = "config",
	.summary = "print the effective configuration and where each value came from",
	.usage = "Usage: bpo [--config FILE] config [--json]\n"
		 "\n"
		 "Print the configuration bpo would use (see bpo.conf(5)): the mapping\n"
		 "'config' holds every key with its value (null when unset), 'origin' says\n"
		 "where each value came from (a FILE:LINE:COLUMN, an environment variable,\n"
		 "the apt sources, or a default) and 'files' names the files read\n"
		 "(\", \"-separated; null when none was).\n"
		 "Without --config, bpo reads /etc/bpo/bpo.conf, then\n"
		 "$XDG_CONFIG_HOME/bpo/bpo.conf (~/.config/bpo/bpo.conf) over it; with\n"
		 "--config FILE (a global option, before 'config') only FILE.\n"
		 "\n"
		 "Options:\n"
		 "  --json       print one line of JSON instead of YAML\n"
		 "  -h, --help   show this help\n"
		 "\n"
		 "Exit status: 0 success, 2 a configuration file is invalid or missing,\n"
		 "1 other failures.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_config)

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_buf out;
	bool json = false;
	int opt, status = BPO_EXIT_OK;

	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (opt != 'j') {
			fprintf(stderr, "Try 'bpo config --help'.\n");
			return BPO_EXIT_USAGE;
		}
		json = true;
	}
	if (optind < argc)
		return bpo_cmd_usage_error(&cmd_config, "unexpected argument '%s'", argv[optind]);
	bpo_error_init(&err);
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0)
		return bpo_cmd_fail(&err);
	bpo_buf_init(&out, BPO_MAX_RECIPE);
	if (bpo_config_write(&cfg, json, &out, &err) < 0) {
		status = bpo_cmd_fail(&err);
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		bpo_error("cannot write to standard output");
		status = BPO_EXIT_FAIL;
	}
	bpo_buf_destroy(&out);
	bpo_config_destroy(&cfg);
	return status;
}
