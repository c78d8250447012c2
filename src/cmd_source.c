/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_source: `bpo source RECIPE` builds the backport's source package. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpoconf.h"
#include "buf.h"
#include "cmd.h"
#include "fsutil.h"
#include "index.h"
#include "log.h"
#include "pipeline.h"
#include "recipe.h"
#include "source.h"

static int run_source(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_source = {
	.name = "source",
	.summary = "build the backport's source package",
	.usage =
		"Usage: bpo source RECIPE [--dest DIR] [--json] [--force-version]\n"
		"                  [--target-archive URL] [--target-keyring FILE]\n"
		"                  [--target-suites LIST] [--arch ARCH] [--no-index-check]\n"
		"\n"
		"Fetch and verify the recipe's source package, unpack it (as dpkg-source -x),\n"
		"check the recipe's patch series all or nothing, give the package its\n"
		"backport version, add a changelog entry, and build the new source package\n"
		"(dpkg-source -b) and its source .changes (dpkg-genchanges -S -v<version of\n"
		"the target release>) in DIR.\n"
		"\n"
		"Patches: for a '3.0 (quilt)' source, a patch that changes only upstream\n"
		"files is regenerated to apply at fuzz 0 and added to debian/patches/ and\n"
		"the end of debian/patches/series; a patch that changes only debian/ is\n"
		"applied to the tree; one that changes both is an error. For other\n"
		"formats every patch is applied to the tree.\n"
		"\n"
		"Version: with the 'bpo' policy the source's version V becomes V~bpoN+M,\n"
		"M one more than the highest V~bpoN+M the target's backports suite or the\n"
		"recipe's publish.repo has; with the 'local' policy V gets the recipe's\n"
		"local suffix (+acme1, +acme2, ...). The new version must sort above every\n"
		"version of the source and of its binaries in the target release's suites\n"
		"(read from their verified indices), and, for 'bpo', below V.\n"
		"\n"
		"Options:\n"
		"  --dest DIR            write the tree, orig tarball(s), .dsc and .changes\n"
		"                        into DIR (default: the current directory); the tree\n"
		"                        DIR/SOURCE-UPSTREAM must not exist\n"
		"  --json                print the result as one JSON object\n"
		"  --force-version       warn instead of failing when the new version does\n"
		"                        not sort where it must\n"
		"  --target-archive URL  archive with the target release's suites (default:\n"
		"                        the configured mirror)\n"
		"  --target-keyring FILE keyring that signs it (default: the configured one)\n"
		"  --target-suites LIST  comma-separated suites of the target archive to\n"
		"                        read, each of which must exist. Default: RELEASE\n"
		"                        (must exist), RELEASE-updates, the recipe's\n"
		"                        distribution and RELEASE-security (each skipped\n"
		"                        with a warning when missing); RELEASE-security\n"
		"                        comes from the target archive when --target-archive\n"
		"                        is given, else from the configured security mirror.\n"
		"                        Versions in the recipe's distribution (e.g.\n"
		"                        bookworm-backports) count as published rebuilds.\n"
		"  --arch ARCH           architecture whose binary versions are checked\n"
		"                        (default: the recipe's build.arch, else the host's)\n"
		"  --no-index-check      do not read the target release's indices: no\n"
		"                        version checks, no rebuild counting, no -v\n"
		"  -h, --help            show this help\n"
		"\n"
		"The changelog maintainer comes from the recipe, then bpo.conf, then\n"
		"DEBFULLNAME and DEBEMAIL; the date from SOURCE_DATE_EPOCH when set.\n"
		"\n"
		"Exit status: 0 success, 1 the work failed (a patch does not apply, the\n"
		"version does not sort where it must, dpkg-source failed), 2 bad recipe or\n"
		"usage, 3 a signature or checksum did not verify.\n",
	.run = run_source,
};
BPO_REGISTER_COMMAND(cmd_source)

enum {
	OPT_DEST = 256,
	OPT_JSON,
	OPT_FORCE,
	OPT_ARCHIVE,
	OPT_KEYRING,
	OPT_SUITES,
	OPT_ARCH,
	OPT_NO_INDEX,
};

static const struct option long_opts[] = {
	{"dest", required_argument, NULL, OPT_DEST},
	{"json", no_argument, NULL, OPT_JSON},
	{"force-version", no_argument, NULL, OPT_FORCE},
	{"target-archive", required_argument, NULL, OPT_ARCHIVE},
	{"target-keyring", required_argument, NULL, OPT_KEYRING},
	{"target-suites", required_argument, NULL, OPT_SUITES},
	{"arch", required_argument, NULL, OPT_ARCH},
	{"no-index-check", no_argument, NULL, OPT_NO_INDEX},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int run_source(struct bpo_ctx *ctx, int argc, char **argv)
{
	struct bpo_source_opts o = {.dest = "."};
	struct bpo_error err;
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_source_result res;
	struct bpo_buf json;
	struct bpo_strv published = {0};
	bool want_json = false;
	int rc = BPO_EXIT_OK, c;

	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd_source.usage, stdout);
		return BPO_EXIT_OK;
	}
	optind = 0; /* 0: a full re-initialisation of GNU getopt (main used "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DEST: o.dest = optarg; break;
		case OPT_JSON: want_json = true; break;
		case OPT_FORCE: o.force_version = true; break;
		case OPT_ARCHIVE: o.target_archive = optarg; break;
		case OPT_KEYRING: o.target_keyring = optarg; break;
		case OPT_SUITES: o.target_suites = optarg; break;
		case OPT_ARCH: o.arch = optarg; break;
		case OPT_NO_INDEX: o.no_index_check = true; break;
		case 'h':
			fputs(cmd_source.usage, stdout);
			return BPO_EXIT_OK;
		default:
			return bpo_cmd_usage_error(&cmd_source, "unknown option or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return bpo_cmd_usage_error(&cmd_source, "expected exactly one RECIPE");

	bpo_error_init(&err);
	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_source_result_init(&res);
	bpo_buf_init(&json, 1u << 20);
	struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX];
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_recipe_load(&r, argv[optind], &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	/* the versions the recipe's publish.repo has count as published rebuilds,
	   as for bpo build: the new version is the next one */
	if (r.publish.repo && bpo_is_dir(r.publish.repo)) {
		char *name = r.source.package ? bpo_xstrdup(r.source.package) : NULL;
		if (!name && r.source.dsc) {
			const char *base = strrchr(r.source.dsc, '/');
			base = base ? base + 1 : r.source.dsc;
			name = bpo_xstrndup(base, strcspn(base, "_"));
		}
		if (bpo_pipeline_repo_versions(&r, r.publish.repo, name, &published, &err) < 0) {
			free(name);
			rc = bpo_cmd_fail(&err);
			goto out;
		}
		free(name);
		o.published = (const char *const *)published.v;
	}
	if ((bpo_index_recipe_valid_until(&r, &cfg, vu), bpo_source_make(&r, &cfg, &o, &res,
									&err) < 0)) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	if (want_json) {
		if (bpo_source_result_json(&res, &json, &err) < 0) {
			rc = bpo_cmd_fail(&err);
			goto out;
		}
		fputs(json.data, stdout);
	} else {
		printf("%s\n", res.dsc);
		if (res.changes)
			printf("%s\n", res.changes);
	}
	bpo_info("%s %s -> %s%s%s", res.source, res.old_version, res.version,
		 res.since ? ", .changes since " : "", res.since ? res.since : "");
out:
	bpo_strv_destroy(&published);
	bpo_buf_destroy(&json);
	bpo_source_result_destroy(&res);
	bpo_config_destroy(&cfg);
	bpo_recipe_destroy(&r);
	return rc;
}
