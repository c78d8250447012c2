/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_check: `bpo check` reports recipes whose source has a newer version. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpoconf.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "osv.h"
#include "pipeline.h"
#include "recipe.h"

static int run_check(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_check = {
	.name = "check",
	.summary = "report recipes whose source has a newer version",
	.usage =
		"Usage: bpo check [--json] [--repo DIR] [--osv PATH...] DIR|RECIPE...\n"
		"\n"
		"For each recipe (a directory means its *.yaml files), read the version its\n"
		"source suite offers now (from the verified indices) and the version the\n"
		"recipe's target repository has published, and say which recipes are out of\n"
		"date: nothing published yet, a backport of an older version, or the same\n"
		"version made from another recipe (what the published backport's\n"
		"Bpo-Recipe records: a patch added or changed, a build setting; then\n"
		"'recipe changed since VERSION was published'). With --osv,\n"
		"also the vulnerabilities that OSV data (a local copy of the distribution's\n"
		"records) marks as fixed in the version the suite offers but not in the\n"
		"version the published backport was made from, and that the published\n"
		"backport does not claim to fix (its Bpo-Fixes): 'missing fixes', exit 10.\n"
		"\n"
		"Options:\n"
		"  --json       one JSON object per recipe, in an array\n"
		"  --repo DIR   the target repository instead of each recipe's publish.repo\n"
		"  --osv PATH   OSV records (a file or directory of *.json; repeatable)\n"
		"  -h, --help   show this help\n"
		"\n"
		"Exit status: 0 everything is up to date, 10 something is out of date,\n"
		"2 a recipe did not parse, 1 or 3 a source could not be resolved (network,\n"
		"verification); the highest of those wins over 10. Every recipe is checked\n"
		"even when another one fails. In CI:  bpo check DIR || bpo run --outdated DIR\n",
	.run = run_check,
};
BPO_REGISTER_COMMAND(cmd_check)

static int worse(int a, int b)
{
	/* errors (1, 2, 3) outrank "out of date" (10), which outranks 0 */
	int ra = a == BPO_EXIT_OUTDATED ? 1 : a == 0 ? 0 : 10 + a;
	int rb = b == BPO_EXIT_OUTDATED ? 1 : b == 0 ? 0 : 10 + b;
	return ra >= rb ? a : b;
}

/*
 * The vulnerabilities a distribution's record (not bpo's) marks as fixed in
 * the version the suite offers and as affecting the version the newest
 * published backport was made from, in the same ecosystem, that the
 * published backport does not claim (Bpo-Fixes).
 */
static void missing_fixes(const struct bpo_osv_db *db, const struct bpo_resolved *rv,
			  struct bpo_strv *out)
{
	if (!rv->published.n || !rv->published_base || !rv->version)
		return;
	for (size_t i = 0; i < db->n_rec; i++) {
		const struct bpo_osv_record *r = &db->rec[i];
		bool hit = false;
		if (r->bpo)
			continue;
		for (size_t k = 0; k < r->n_aff && !hit; k++) {
			const char *eco = r->aff[k].ecosystem;
			if (strcmp(r->aff[k].name, rv->source) != 0)
				continue;
			hit = bpo_osv_eval(r, eco, rv->source, rv->version, NULL) == BPO_OSV_FIXED &&
			      bpo_osv_eval(r, eco, rv->source, rv->published_base, NULL) ==
				      BPO_OSV_AFFECTED;
		}
		for (size_t k = 0; hit && k < rv->published_fixes.n; k++)
			hit = strcmp(rv->published_fixes.v[k], r->vuln) != 0;
		for (size_t k = 0; hit && k < out->n; k++)
			hit = strcmp(out->v[k], r->vuln) != 0;
		if (hit)
			bpo_strv_push(out, r->vuln);
	}
}

static int run_check(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"repo", required_argument, NULL, 'r'},
		{"osv", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_strv files, osv = {0};
	struct bpo_osv_db db = {0};
	const char *repo = NULL;
	bool json = false;
	int c, rc = BPO_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': repo = optarg; break;
		case 'o': bpo_strv_push(&osv, optarg); break;
		case 'h': fputs(cmd_check.usage, stdout); return BPO_EXIT_OK;
		default:
			return bpo_cmd_usage_error(&cmd_check, "unknown option or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bpo_cmd_usage_error(&cmd_check, "expected a recipe directory or files");
	bpo_error_init(&err);
	bpo_config_init(&cfg);
	memset(&files, 0, sizeof(files));
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_pipeline_collect(argv + optind, (size_t)(argc - optind), &files, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < osv.n; i++)
		if (bpo_osv_db_load(&db, osv.v[i], &err) < 0) {
			rc = bpo_cmd_fail(&err);
			goto out;
		}
	if (json)
		fputc('[', stdout);
	for (size_t i = 0; i < files.n; i++) {
		struct bpo_recipe r;
		struct bpo_resolved rv;
		struct bpo_strv missing = {0};
		const char *status;
		char *reason = NULL;
		int code;

		bpo_recipe_init(&r);
		bpo_resolved_init(&rv);
		bpo_error_init(&err);
		if (bpo_recipe_load(&r, files.v[i], &err) < 0 ||
		    bpo_pipeline_resolve(&r, &cfg, repo, &rv, &err) < 0) {
			code = bpo_error_exit_code(&err);
			status = "error";
			bpo_error("%s", err.msg);
		} else if (!rv.outdated) {
			code = BPO_EXIT_OK;
			status = "up-to-date";
		} else {
			code = BPO_EXIT_OUTDATED;
			status = rv.recipe_changed ? "recipe-changed"
				 : rv.published.n  ? "outdated" : "not-published";
		}
		if (code == BPO_EXIT_OK || code == BPO_EXIT_OUTDATED) {
			missing_fixes(&db, &rv, &missing);
			if (missing.n)
				code = BPO_EXIT_OUTDATED;
		}
		rc = worse(rc, code);
		if (code == BPO_EXIT_OUTDATED && rv.recipe_changed)
			reason = bpo_xasprintf("recipe changed since %s was published",
					       rv.published.v[0]);
		else if (code == BPO_EXIT_OUTDATED && !rv.published.n)
			reason = bpo_xstrdup("nothing published yet");
		else if (code == BPO_EXIT_OUTDATED && rv.outdated)
			reason = bpo_xasprintf("%s is a backport of %s; the source suite has %s",
					       rv.published.v[0], rv.published_base, rv.version);
		else if (code == BPO_EXIT_OUTDATED)
			reason = bpo_xasprintf("missing fixes in %s", rv.published.v[0]);
		if (json) {
			printf("%s{\"schema_version\":%d,\"recipe\":", i ? "," : "",
			       BPO_JSON_SCHEMA_VERSION);
			bpo_json_fputs(stdout, files.v[i]);
			printf(",\"status\":\"%s\",\"source\":", status);
			bpo_json_fputs(stdout, rv.source);
			fputs(",\"available\":", stdout);
			bpo_json_fputs(stdout, rv.version);
			fputs(",\"published\":", stdout);
			bpo_json_fputs(stdout, rv.published.n ? rv.published.v[0] : NULL);
			fputs(",\"published_from\":", stdout);
			bpo_json_fputs(stdout, rv.published_base);
			fputs(",\"reason\":", stdout);
			bpo_json_fputs(stdout, reason);
			fputs(",\"recipe_sha256\":", stdout);
			bpo_json_fputs(stdout, rv.source ? rv.recipe_digest : NULL);
			fputs(",\"published_recipe_sha256\":", stdout);
			bpo_json_fputs(stdout, rv.published_recipe);
			fputs(",\"missing_fixes\":[", stdout);
			for (size_t k = 0; k < missing.n; k++) {
				fputs(k ? "," : "", stdout);
				bpo_json_fputs(stdout, missing.v[k]);
			}
			fputs("],\"error\":", stdout);
			bpo_json_fputs(stdout, code != 0 && code != BPO_EXIT_OUTDATED ? err.msg : NULL);
			fputs(",\"class\":", stdout);
			bpo_json_fputs(stdout, code == 0 || code == BPO_EXIT_OUTDATED ? NULL
					       : bpo_error_class_of(&err, "fetch"));
			fputc('}', stdout);
		} else if (code == 0 || code == BPO_EXIT_OUTDATED) {
			printf("%-14s %s: %s %s", status, files.v[i], rv.source, rv.version);
			if (rv.published.n)
				printf(" (published: %s, from %s)", rv.published.v[0], rv.published_base);
			if (rv.recipe_changed)
				printf("; %s", reason);
			for (size_t k = 0; k < missing.n; k++)
				printf("%s%s", k ? ", " : "; missing fixes: ", missing.v[k]);
			fputc('\n', stdout);
		} else {
			printf("%-14s %s\n", status, files.v[i]);
		}
		free(reason);
		bpo_strv_destroy(&missing);
		bpo_resolved_destroy(&rv);
		bpo_recipe_destroy(&r);
	}
	if (json)
		fputs("]\n", stdout);
out:
	bpo_osv_db_destroy(&db);
	bpo_strv_destroy(&osv);
	bpo_strv_destroy(&files);
	bpo_config_destroy(&cfg);
	return rc;
}
