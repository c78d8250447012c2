/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_recipe: `bpo recipe check [--json] [--quiet] FILE...`, and `bpo recipe
 * new PACKAGE --from SUITE --to RELEASE`: a working recipe, its build
 * dependencies checked (pipeline.h's deps stage) and adapted. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpoconf.h"
#include "buf.h"
#include "chroot.h"
#include "cmd.h"
#include "depcheck.h"
#include "depplan.h"
#include "fsutil.h"
#include "log.h"
#include "pipeline.h"
#include "recipe.h"
#include "yamldoc.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_recipe = {
	.name = "recipe",
	.summary = "validate recipes and print them normalised; write a new one",
	.usage = "Usage: bpo recipe check [--json] [--quiet] FILE...\n"
		 "       bpo recipe new PACKAGE --from SUITE --to RELEASE [--archive URL|mirror]\n"
		 "                  [--keyring FILE] [--no-check] [--target-archive URL]\n"
		 "                  [--target-keyring FILE] [--target-suites LIST] [-v]\n"
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
		 "new prints a recipe that backports source PACKAGE from SUITE of the archive\n"
		 "(default: the configured mirror) to RELEASE, with what 'bpo deps' finds\n"
		 "already written: the release's backports suite as an extra source when it\n"
		 "satisfies a build dependency the release cannot, a build.relax rule for a\n"
		 "versioned relation no suite satisfies (or only a toolchain source of the\n"
		 "newer release), and a comment naming each source to backport first\n"
		 "('bpo deps --plan'); the result checked again, its verdict the last comment.\n"
		 "  bpo recipe new PKG --from trixie --to bookworm >PKG.yaml &&\n"
		 "  bpo build PKG.yaml --repo R\n"
		 "\n"
		 "Options:\n"
		 "  --json       print JSON instead of YAML\n"
		 "  -q, --quiet  print nothing but errors\n"
		 "  --from SUITE, --to RELEASE\n"
		 "               new: the suite to take PACKAGE from, the release to build for\n"
		 "  --archive URL|mirror, --keyring FILE\n"
		 "               new: the archive of SUITE (default mirror) and its keyring\n"
		 "  --no-check   new: print the plain recipe, check nothing\n"
		 "  --target-archive URL, --target-keyring FILE, --target-suites LIST\n"
		 "               new: as for 'bpo source'\n"
		 "  -v           new: more detail on standard error\n"
		 "  -h, --help   show this help\n"
		 "\n"
		 "Exit status: 0 all recipes valid (new: the recipe's build dependencies are\n"
		 "satisfiable, or not decided), 2 a recipe was invalid or unreadable, or\n"
		 "the command line was wrong, 1 output could not be written (new: the\n"
		 "recipe printed is still dep-wait, or a stage failed).\n",
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

/* The relation's package name: "debhelper:amd64 (>= 13)" -> debhelper. */
static char *relation_name(const char *rel)
{
	return bpo_xstrndup(rel, strcspn(rel, ": ("));
}

/* Write text as DIR/PACKAGE.yaml, load it and run the stages up to deps. */
static int check_text(const struct bpo_config *cfg, const char *dir, const char *package,
		      const char *text, const struct bpo_pipeline_opts *opts,
		      struct bpo_pipeline_result *res, struct bpo_error *err)
{
	struct bpo_recipe r;
	char *file = bpo_xasprintf("%s/%s.yaml", dir, package);
	char *work = bpo_xasprintf("%s/work", dir);
	int rc = -1;

	bpo_recipe_init(&r);
	if (bpo_file_write_atomic(file, text, strlen(text), 0644, err) < 0 ||
	    bpo_recipe_load(&r, file, err) < 0)
		goto out;
	struct bpo_pipeline_opts po = *opts;
	po.deps_only = true;
	po.work_dir = work;
	po.no_publish = true;
	bpo_pipeline_build(&r, cfg, &po, res);
	rc = 0;
out:
	bpo_recipe_destroy(&r);
	free(file);
	free(work);
	return rc;
}

static int new_recipe(struct bpo_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_ARCHIVE, OPT_KEYRING, OPT_NO_CHECK, OPT_TARCHIVE,
	       OPT_TKEYRING, OPT_TSUITES };
	static const struct option opts[] = {
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{"archive", required_argument, NULL, OPT_ARCHIVE},
		{"keyring", required_argument, NULL, OPT_KEYRING},
		{"no-check", no_argument, NULL, OPT_NO_CHECK},
		{"target-archive", required_argument, NULL, OPT_TARCHIVE},
		{"target-keyring", required_argument, NULL, OPT_TKEYRING},
		{"target-suites", required_argument, NULL, OPT_TSUITES},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL, *archive = NULL, *keyring = NULL;
	bool no_check = false;
	struct bpo_pipeline_opts po = {0};
	int opt, status = BPO_EXIT_OK;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_ARCHIVE: archive = optarg; break;
		case OPT_KEYRING: keyring = optarg; break;
		case OPT_NO_CHECK: no_check = true; break;
		case OPT_TARCHIVE: po.target_archive = optarg; break;
		case OPT_TKEYRING: po.target_keyring = optarg; break;
		case OPT_TSUITES: po.target_suites = optarg; break;
		case 'v': po.verbose = true; break;
		default:
			fprintf(stderr, "Try 'bpo recipe --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return bpo_cmd_usage_error(&cmd_recipe, "new: exactly one PACKAGE expected");
	if (!from || !to)
		return bpo_cmd_usage_error(&cmd_recipe, "new: --from SUITE and --to RELEASE are "
					   "required");
	const char *pkg = argv[optind];
	for (const char *c = pkg; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '+' ||
		      *c == '-' || *c == '.'))
			return bpo_cmd_usage_error(&cmd_recipe, "new: '%s' is not a source "
						   "package name", pkg);

	struct bpo_buf base, adapt, comments, text;
	struct bpo_config cfg;
	struct bpo_error err;
	char *tmp = NULL, *abs_keyring = NULL;
	bpo_buf_init(&base, 1u << 20);
	bpo_buf_init(&adapt, 1u << 20);
	bpo_buf_init(&comments, 1u << 20);
	bpo_buf_init(&text, 1u << 20);
	bpo_config_init(&cfg);
	bpo_error_init(&err);
	if (keyring && !(abs_keyring = realpath(keyring, NULL))) {
		status = bpo_cmd_usage_error(&cmd_recipe, "new: --keyring %s: cannot be read",
					     keyring);
		goto out;
	}
	bpo_buf_printf(&base, NULL, "# bpo recipe new %s --from %s --to %s\nsource:\n  package: %s\n",
		       pkg, from, to, pkg);
	const char *keys[] = {"archive", "suite", "keyring"};
	const char *vals[] = {archive, from, abs_keyring};
	for (size_t k = 0; k < 3; k++) {
		if (!vals[k])
			continue;
		bpo_buf_printf(&base, NULL, "  %s: ", keys[k]);
		bpo_yaml_quoted(&base, vals[k]);
		bpo_buf_puts(&base, "\n", NULL);
	}
	bpo_buf_printf(&base, NULL, "target:\n  release: %s\n", to);
	if (no_check) {
		fwrite(base.data, 1, base.len, stdout);
		goto out;
	}
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    !(tmp = bpo_mkdtemp(NULL, "bpo-recipe-new", &err))) {
		status = bpo_cmd_fail(&err);
		goto out;
	}
	bpo_chroot_signals_install();
	struct bpo_pipeline_result res;
	bpo_pipeline_result_init(&res);
	if (check_text(&cfg, tmp, pkg, base.data, &po, &res, &err) < 0) {
		status = bpo_cmd_fail(&err);
		bpo_pipeline_result_destroy(&res);
		goto out;
	}
	if (res.exit_code != BPO_EXIT_OK && !res.failure_class) {
		bpo_error("%s from %s: %s failed: %s", pkg, from, bpo_stage_name(res.stage),
			  res.error ? res.error : "?");
		status = res.exit_code;
		bpo_pipeline_result_destroy(&res);
		goto out;
	}
	/* the adaptations */
	bool want_bpo = false;
	struct bpo_strv relax = {0};
	for (size_t i = 0; res.deps && i < res.deps->n_unmet; i++) {
		const struct bpo_depcheck_unmet *u = &res.deps->unmet[i];
		int kb = -1, kn = -1;
		for (size_t k = 0; k < res.deps->n_hints && k < 2; k++) {
			if (!u->hint_version[k])
				continue;
			if (res.deps->hint_newer[k] && kn < 0)
				kn = (int)k;
			else if (!res.deps->hint_newer[k] && kb < 0)
				kb = (int)k;
		}
		if (kb >= 0) {
			want_bpo = true;
			bpo_buf_printf(&comments, NULL, "#   %s: %s has %s\n", u->relation,
				       res.deps->hint_suite[kb], u->hint_version[kb]);
		} else if (kn >= 0 && !bpo_depplan_is_toolchain(u->hint_source[kn], NULL, 0)) {
			bpo_buf_printf(&comments, NULL, "#   %s: backport source %s %s from %s first "
				       "(bpo deps --plan DIR THIS.yaml)\n", u->relation,
				       u->hint_source[kn], u->hint_version[kn], res.deps->hint_suite[kn]);
		} else if (!u->needed_by && strchr(u->relation, '(')) {
			char *name = relation_name(u->relation);
			bool dup = false;
			for (size_t k = 0; k < relax.n && !dup; k++)
				dup = strcmp(relax.v[k], name) == 0;
			if (!dup)
				bpo_strv_push(&relax, name);
			bpo_buf_printf(&comments, NULL, "#   %s: %s; relaxed (check the build)\n",
				       u->relation, kn >= 0 ? "only a toolchain source has it"
							    : "no suite has it");
			free(name);
		} else {
			bpo_buf_printf(&comments, NULL, "#   %s: no suite has it: patch the "
				       "source\n", u->relation);
		}
	}
	if (want_bpo || relax.n)
		bpo_buf_puts(&adapt, "build:\n", NULL);
	if (want_bpo)
		bpo_buf_printf(&adapt, NULL, "  extra-sources:\n    - uri: mirror\n      suite: "
			       "%s-backports\n", to);
	if (relax.n) {
		bpo_buf_puts(&adapt, "  relax:\n", NULL);
		for (size_t k = 0; k < relax.n; k++)
			bpo_buf_printf(&adapt, NULL, "    - %s\n", relax.v[k]);
	}
	bpo_strv_destroy(&relax);
	bpo_buf_puts(&text, base.data, NULL);
	if (comments.len) {
		bpo_buf_printf(&text, NULL, "# bpo deps found for %s %s:\n", res.source, res.version);
		bpo_buf_puts(&text, comments.data, NULL);
	}
	if (adapt.len)
		bpo_buf_puts(&text, adapt.data, NULL);
	bpo_pipeline_result_destroy(&res);
	/* the result checked again */
	bpo_pipeline_result_init(&res);
	if (adapt.len) {
		if (check_text(&cfg, tmp, pkg, text.data, &po, &res, &err) < 0) {
			status = bpo_cmd_fail(&err);
			bpo_pipeline_result_destroy(&res);
			goto out;
		}
	} else {
		res.exit_code = comments.len ? BPO_EXIT_FAIL : BPO_EXIT_OK;
		res.failure_class = comments.len ? "dep-wait" : NULL;
	}
	if (res.exit_code == BPO_EXIT_OK)
		bpo_buf_printf(&text, NULL, "# bpo deps: build dependencies satisfiable for %s\n", to);
	else if (res.failure_class)
		bpo_buf_printf(&text, NULL, "# bpo deps: still dep-wait for %s (bpo deps explains)\n",
			       to);
	else
		bpo_buf_printf(&text, NULL, "# bpo deps: %s failed: %s\n", bpo_stage_name(res.stage),
			       res.error ? res.error : "?");
	status = res.exit_code == BPO_EXIT_OK ? BPO_EXIT_OK : BPO_EXIT_FAIL;
	bpo_pipeline_result_destroy(&res);
	if (fwrite(text.data, 1, text.len, stdout) != text.len)
		status = BPO_EXIT_FAIL;
out:
	if (fflush(stdout) != 0 && status == BPO_EXIT_OK)
		status = BPO_EXIT_FAIL;
	if (tmp)
		bpo_rm_rf(tmp, NULL);
	free(tmp);
	free(abs_keyring);
	bpo_config_destroy(&cfg);
	bpo_buf_destroy(&base);
	bpo_buf_destroy(&adapt);
	bpo_buf_destroy(&comments);
	bpo_buf_destroy(&text);
	return status;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		fputs(cmd_recipe.usage, stderr);
		return BPO_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	if (strcmp(argv[1], "new") == 0)
		return new_recipe(ctx, argc - 1, argv + 1);
	return bpo_cmd_usage_error(&cmd_recipe, "unknown subcommand '%s'; expected 'check' or "
				   "'new'", argv[1]);
}
