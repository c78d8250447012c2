/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_recipe: `bpo recipe check [--json] [--quiet] FILE...`. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "recipe.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_recipe = {
	.name = "recipe",
	.summary = "validate recipes and print them normalised",
	.usage = "Usage: bpo recipe check [--json] [--quiet] FILE...\n"
		 "\n"
		 "Validate backport recipes (see bpo-recipe(5)). For each valid FILE, print\n"
		 "the normalised recipe, every default filled in and relative paths made\n"
		 "absolute: a YAML document starting with '---' that bpo reads back to the\n"
		 "same recipe, or with --json one line of JSON per file that also holds\n"
		 "name, file, source.kind, target.release-number and each patch's name.\n"
		 "Every FILE is checked even after a failure; each error is one line\n"
		 "'FILE:LINE:COLUMN: message' on standard error. Patch files named by path\n"
		 "must exist.\n"
		 "\n"
		 "Options:\n"
		 "  --json       print JSON instead of YAML\n"
		 "  -q, --quiet  print nothing but errors\n"
		 "  -h, --help   show this help\n"
		 "\n"
		 "Exit status: 0 all recipes valid, 2 a recipe was invalid or unreadable, or\n"
		 "the command line was wrong, 1 output could not be written.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_recipe)

static int check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, quiet = false;
	int opt, status = BPO_EXIT_OK;

	optind = 0; /* a full re-initialisation: options may follow the files */
	while ((opt = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			fprintf(stderr, "Try 'bpo recipe --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return bpo_cmd_usage_error(&cmd_recipe, "check: no recipe file given");
	for (int i = optind; i < argc; i++) {
		struct bpo_recipe r;
		struct bpo_error err;
		struct bpo_buf out;
		int rc;

		bpo_error_init(&err);
		if (bpo_recipe_load(&r, argv[i], &err) < 0) {
			bpo_cmd_fail(&err);
			status = BPO_EXIT_USAGE; /* unreadable or invalid: bad input */
			continue;
		}
		if (!quiet) {
			bpo_buf_init(&out, (size_t)BPO_MAX_RECIPE * 16);
			rc = json ? bpo_recipe_write_json(&r, &out, &err)
				  : bpo_recipe_write_yaml(&r, &out, &err);
			if (rc == 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
				rc = bpo_error_set(&err, BPO_E_IO, "cannot write to standard output");
			bpo_buf_destroy(&out);
			if (rc < 0) {
				bpo_cmd_fail(&err);
				if (status == BPO_EXIT_OK)
					status = BPO_EXIT_FAIL;
			}
		}
		bpo_recipe_destroy(&r);
	}
	if (fflush(stdout) != 0 && status == BPO_EXIT_OK) {
		bpo_error("cannot write to standard output");
		status = BPO_EXIT_FAIL;
	}
	return status;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc < 2) {
		fputs(cmd_recipe.usage, stderr);
		return BPO_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	return bpo_cmd_usage_error(&cmd_recipe, "unknown subcommand '%s'; expected 'check'",
				   argv[1]);
}
