/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_deps: `bpo deps RECIPE`: the build-dependency verdict (depcheck.h) of
 * the recipe's backport source package, from the suites its build would use,
 * without a chroot: the pipeline's resolve, source and deps stages. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpoconf.h"
#include "chroot.h"
#include "cmd.h"
#include "depplan.h"
#include "log.h"
#include "pipeline.h"
#include "recipe.h"
#include "xmem.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_deps = {
	.name = "deps",
	.summary = "can a recipe's build dependencies be satisfied? (no chroot)",
	.usage =
		"Usage: bpo deps RECIPE [--repo DIR] [--work-dir DIR] [--force-version]\n"
		"                [--no-index-check] [--target-archive URL]\n"
		"                [--target-keyring FILE] [--target-suites LIST] [--json] [-v]\n"
		"       bpo deps RECIPE --plan DIR [--max-depth N] [--toolchain PATTERN]...\n"
		"                [the options above]\n"
		"\n"
		"Decide from the verified indices alone, in seconds, whether the build\n"
		"dependencies of RECIPE's backport can be satisfied for its release, before\n"
		"any chroot time is spent. As 'bpo build RECIPE' does before its build stage:\n"
		"  resolve, source  as for bpo build (the backport source package, recipe\n"
		"                   patches applied, in WORK/source)\n"
		"  deps             dose-builddebcheck (dose3, what Debian's build daemons use\n"
		"                   to decide dep-wait) on its Build-Depends, -Arch, -Indep and\n"
		"                   Build-Conflicts*, plus build-essential and fakeroot, for the\n"
		"                   recipe's architecture and build profiles, against the\n"
		"                   binary Packages of every suite the build root's apt uses:\n"
		"                   the release and its extra suites (chroot config), the\n"
		"                   recipe's build.extra-sources, the publish repository; each\n"
		"                   index verified as apt does (signed Release, sha256)\n"
		"Each relation that cannot be satisfied is one line: what every suite has of\n"
		"the package, and what the newer release (qa.newer-*, else the source's\n"
		"suite) has, with its source package when that version would do, e.g.\n"
		"  debhelper:amd64 (>= 13.11.6~): bookworm has 13.11.4; trixie has 13.24.2\n"
		"  (source debhelper: backport it first, or relax the relation)\n"
		"\n"
		"With --plan DIR, the closure: for each source the newer release must give\n"
		"first, a recipe DIR/SOURCE.yaml (its newer archive and suite, the same\n"
		"release and extra sources), each checked the same way, to the fixpoint;\n"
		"then 'bpo run DIR RECIPE --repo R' builds the set in dependency order, each\n"
		"backport published before the next build needs it. Not planned, reported\n"
		"instead: toolchain sources (dpkg, gcc-*, gcc-defaults, glibc, binutils, and\n"
		"each --toolchain PATTERN: relax the relation), what the target's backports\n"
		"suite has (enable it), what no suite has, sources deeper than --max-depth\n"
		"(default 5), and cycles.\n"
		"\n"
		"Options:\n"
		"  --repo DIR            the publish repository (default: the recipe's\n"
		"                        publish.repo), one of the suites\n"
		"  --work-dir DIR        as for bpo build\n"
		"  --force-version, --no-index-check, --target-archive URL,\n"
		"  --target-keyring FILE, --target-suites LIST\n"
		"                        as for 'bpo source'\n"
		"  --plan DIR            write the plan's recipes into DIR (made)\n"
		"  --max-depth N         with --plan: how deep (default 5)\n"
		"  --toolchain PATTERN   with --plan: a source (fnmatch pattern) that is\n"
		"                        toolchain too (repeatable)\n"
		"  --json                print the object of 'bpo build --json' (stage done or\n"
		"                        deps, class dep-wait, deps: satisfiable, suites,\n"
		"                        seconds, unmet [relation, needed_by, explanation],\n"
		"                        pins); with --plan: complete, recipes [source,\n"
		"                        version, recipe, needed_by, relation, depth,\n"
		"                        satisfiable], issues [kind, message]\n"
		"  -v, --verbose         more detail on standard error\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 satisfiable (with --plan: the plan covers every relation);\n"
		"1 dep-wait (a relation cannot be satisfied; with --plan: an issue is left),\n"
		"or another stage failed; 2 bad usage or input; 3 verification failed. When\n"
		"dose-builddebcheck is missing or cannot run, a warning says so and the\n"
		"exit status is 0: apt in the build root decides then.\n",
	.run = run,
};

BPO_REGISTER_COMMAND(cmd_deps)

enum {
	OPT_REPO = 256, OPT_WORK_DIR, OPT_FORCE, OPT_NO_INDEX, OPT_TARCHIVE, OPT_TKEYRING,
	OPT_TSUITES, OPT_PLAN, OPT_MAX_DEPTH, OPT_TOOLCHAIN,
};

/* --plan DIR (depplan.h): the recipes, what is planned, the issues left. */
static int run_plan(const struct bpo_recipe *r, const struct bpo_config *cfg,
		    const struct bpo_pipeline_opts *po, const char *dir, unsigned max_depth,
		    const struct bpo_strv *toolchain, bool json, const char *file)
{
	struct bpo_depplan_opts o = {.dir = dir, .max_depth = max_depth,
				     .toolchain = (const char *const *)toolchain->v,
				     .n_toolchain = toolchain->n, .po = *po};
	struct bpo_depplan_result res;
	struct bpo_error err;
	int rc;

	bpo_error_init(&err);
	bpo_depplan_result_init(&res);
	if (bpo_depplan_run(r, cfg, &o, &res, &err) < 0) {
		bpo_error("%s", err.msg);
		bpo_depplan_result_destroy(&res);
		return bpo_error_exit_code(&err);
	}
	if (json) {
		struct bpo_buf out;
		bpo_buf_init(&out, 1u << 24);
		bpo_depplan_json(&res, &out);
		printf("%.*s\n", (int)out.len, out.data);
		bpo_buf_destroy(&out);
	} else if (res.n_nodes == 1 && res.nodes[0].satisfiable) {
		printf("%s %s: build dependencies satisfiable for %s: nothing to plan\n",
		       res.nodes[0].source, res.nodes[0].version, r->target.release);
	} else {
		for (size_t i = 1; i < res.n_nodes; i++)
			printf("%s %s: for %s (%s): %s\n", res.nodes[i].source,
			       res.nodes[i].version ? res.nodes[i].version : "?",
			       res.nodes[res.nodes[i].parent].source, res.nodes[i].relation,
			       res.nodes[i].recipe);
		for (size_t i = 0; i < res.n_issues; i++)
			printf("%s: %s\n", res.issues[i].kind, res.issues[i].message);
		if (res.n_nodes > 1)
			printf("%s the plan: bpo run %s %s --repo REPO\n",
			       res.complete ? "build" : "when the issues above are dealt with, build",
			       dir, file);
	}
	rc = res.complete ? BPO_EXIT_OK : BPO_EXIT_FAIL;
	if (fflush(stdout) != 0)
		rc = BPO_EXIT_FAIL;
	bpo_depplan_result_destroy(&res);
	return rc;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"repo", required_argument, NULL, OPT_REPO},
		{"work-dir", required_argument, NULL, OPT_WORK_DIR},
		{"force-version", no_argument, NULL, OPT_FORCE},
		{"no-index-check", no_argument, NULL, OPT_NO_INDEX},
		{"target-archive", required_argument, NULL, OPT_TARCHIVE},
		{"target-keyring", required_argument, NULL, OPT_TKEYRING},
		{"target-suites", required_argument, NULL, OPT_TSUITES},
		{"plan", required_argument, NULL, OPT_PLAN},
		{"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
		{"toolchain", required_argument, NULL, OPT_TOOLCHAIN},
		{"json", no_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_pipeline_opts po = {.deps_only = true};
	struct bpo_pipeline_result res;
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_buf out;
	bool json = false;
	int opt, rc;
	const char *plan_dir = NULL;
	unsigned max_depth = 0;
	struct bpo_strv toolchain = {0};

	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd_deps.usage, stdout);
		return BPO_EXIT_OK;
	}
	optind = 0;
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_REPO:
			po.repo = optarg;
			break;
		case OPT_WORK_DIR:
			po.work_dir = optarg;
			break;
		case OPT_FORCE:
			po.force_version = true;
			break;
		case OPT_NO_INDEX:
			po.no_index_check = true;
			break;
		case OPT_TARCHIVE:
			po.target_archive = optarg;
			break;
		case OPT_TKEYRING:
			po.target_keyring = optarg;
			break;
		case OPT_TSUITES:
			po.target_suites = optarg;
			break;
		case OPT_PLAN:
			plan_dir = optarg;
			break;
		case OPT_MAX_DEPTH: {
			char *end = NULL;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v < 1 || v > 50) {
				bpo_strv_destroy(&toolchain);
				return bpo_cmd_usage_error(&cmd_deps, "--max-depth: expected a number "
							   "from 1 to 50");
			}
			max_depth = (unsigned)v;
			break;
		}
		case OPT_TOOLCHAIN:
			bpo_strv_push(&toolchain, optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			po.verbose = true;
			break;
		default:
			bpo_strv_destroy(&toolchain);
			return bpo_cmd_usage_error(&cmd_deps, "unknown option");
		}
	}
	if (!plan_dir && (max_depth || toolchain.n)) {
		bpo_strv_destroy(&toolchain);
		return bpo_cmd_usage_error(&cmd_deps, "--max-depth and --toolchain need --plan");
	}
	if (optind != argc - 1) {
		bpo_strv_destroy(&toolchain);
		return bpo_cmd_usage_error(&cmd_deps, optind >= argc ? "no RECIPE given"
								 : "exactly one RECIPE expected");
	}
	bpo_error_init(&err);
	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_pipeline_result_init(&res);
	bpo_buf_init(&out, 1u << 24);
	if (bpo_recipe_load(&r, argv[optind], &err) < 0 ||
	    bpo_config_load(&cfg, ctx->config_path, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	bpo_chroot_signals_install();
	if (plan_dir) {
		rc = run_plan(&r, &cfg, &po, plan_dir, max_depth, &toolchain, json, argv[optind]);
		goto out;
	}
	rc = bpo_pipeline_build(&r, &cfg, &po, &res);
	if (bpo_chroot_interrupted())
		rc = res.exit_code = 128 + bpo_chroot_interrupted();
	if (rc != BPO_EXIT_OK)
		bpo_error("%s: %s failed: %s", argv[optind], bpo_stage_name(res.stage),
			  res.error ? res.error : "?");
	if (json) {
		if (bpo_pipeline_result_json(&res, &out, &err) == 0)
			printf("%.*s\n", (int)out.len, out.data);
	} else if (rc == BPO_EXIT_OK && res.deps_json) {
		printf("%s %s: build dependencies satisfiable for %s\n", res.source, res.version,
		       r.target.release);
	} else if (rc == BPO_EXIT_OK) {
		printf("%s %s: not decided (the check could not run; see the warning)\n",
		       res.source ? res.source : "?", res.version ? res.version : "?");
	} else if (res.failure_class) {
		printf("%s %s: dep-wait for %s\n", res.source, res.version, r.target.release);
	}
	if (fflush(stdout) != 0 && rc == BPO_EXIT_OK)
		rc = BPO_EXIT_FAIL;
out:
	bpo_buf_destroy(&out);
	bpo_pipeline_result_destroy(&res);
	bpo_config_destroy(&cfg);
	bpo_recipe_destroy(&r);
	bpo_strv_destroy(&toolchain);
	return rc;
}
