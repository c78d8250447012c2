/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_fetch: `bpo fetch RECIPE [--dest DIR] [--json]`: download and verify a source. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpoconf.h"
#include "buf.h"
#include "cmd.h"
#include "dsc.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "recipe.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_fetch = {
	.name = "fetch",
	.summary = "download and verify a recipe's sources",
	.usage = "Usage: bpo fetch [--dest DIR] [--json] [--resolve] RECIPE\n"
		 "\n"
		 "Resolve the source package RECIPE names, download it and verify it,\n"
		 "failing closed. For an archive source: dists/<suite>/InRelease (else\n"
		 "Release + Release.gpg) verified with the recipe's keyring only (the\n"
		 "configured archive keyring for the mirror), Suite/Codename, Date and\n"
		 "Valid-Until checked (unless the recipe's source.check-valid-until: false\n"
		 "or source.max-valid-time relaxes it, with a warning); then Sources (size and SHA256 from the Release), the\n"
		 "stanza of the highest or the pinned version, the .dsc and every file it\n"
		 "lists, each checked against both the Sources stanza and the .dsc. For a\n"
		 ".dsc source: its inline OpenPGP signature is verified with the recipe's\n"
		 "keyring (unless allow-unsigned, which warns), then its files. Patches\n"
		 "given by URL are downloaded and checked against their sha256 pin; local\n"
		 "patches with a pin are checked too.\n"
		 "\n"
		 "Downloads go through the cache (<cache-dir>/by-sha256/<sha256>; partial\n"
		 "downloads in <cache-dir>/partial/, resumed with a Range request): only\n"
		 "verified files enter it, and a second fetch downloads nothing but the\n"
		 "InRelease. The verified .dsc and its files are hard-linked (or copied)\n"
		 "into DIR, patches into DIR/patches/. Transient network errors (refused,\n"
		 "reset, timeout, HTTP 5xx) are retried with exponential backoff.\n"
		 "\n"
		 "Options:\n"
		 "  --dest DIR   put the files in DIR (default <work-dir>/<source>_<version>,\n"
		 "               the version without its epoch)\n"
		 "  --json       print one JSON object instead of text\n"
		 "  --resolve    archive sources only: verify the Release, pick the Sources\n"
		 "               stanza and print its version and files (sha256, size,\n"
		 "               name) without downloading them\n"
		 "  -h, --help   show this help\n"
		 "\n"
		 "Output: the source, version, format, directory and signer fingerprint,\n"
		 "then one line '<sha256>  <size>  <path>' per file and 'patch: <path>' per\n"
		 "patch.\n"
		 "\n"
		 "Environment: BPO_FETCH_RETRIES (default 4), BPO_FETCH_BACKOFF_MS (first\n"
		 "retry delay, default 500), BPO_FETCH_STALL_TIMEOUT (seconds, default 60);\n"
		 "http_proxy, https_proxy, no_proxy as libcurl reads them.\n"
		 "\n"
		 "Exit status: 0 fetched and verified, 1 network or file system failure\n"
		 "(after retries; 404), 2 bad recipe, configuration or usage,\n"
		 "3 a signature, checksum or size did not verify.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_fetch)

static int print_json(const struct bpo_fetched *f)
{
	struct bpo_buf b;
	int rc = -1;

	bpo_buf_init(&b, 16u << 20);
	if (bpo_buf_puts(&b, "{" BPO_JSON_SV, NULL) < 0 ||
	    bpo_json_member(&b, false, "source", f->source, NULL) < 0 ||
	    bpo_json_member(&b, false, "version", f->version, NULL) < 0 ||
	    bpo_json_member(&b, false, "format", f->format, NULL) < 0 ||
	    bpo_json_member(&b, false, "dir", f->dir, NULL) < 0 ||
	    bpo_json_member(&b, false, "dsc", f->dsc_path, NULL) < 0 ||
	    bpo_json_member(&b, false, "signer", f->signer_fpr, NULL) < 0 ||
	    bpo_buf_puts(&b, ",\"files\":[", NULL) < 0)
		goto out;
	for (size_t i = 0; i < f->n_files; i++)
		if (bpo_buf_puts(&b, i ? ",{" : "{", NULL) < 0 ||
		    bpo_json_member(&b, true, "name", f->files[i].name, NULL) < 0 ||
		    bpo_json_member(&b, false, "path", f->files[i].path, NULL) < 0 ||
		    bpo_buf_printf(&b, NULL, ",\"sha256\":\"%s\",\"size\":%" PRIu64 "}",
				   f->files[i].sha256, f->files[i].size) < 0)
			goto out;
	if (bpo_buf_puts(&b, "],\"patches\":[", NULL) < 0)
		goto out;
	for (size_t i = 0; f->patch_paths && f->patch_paths[i]; i++)
		if ((i && bpo_buf_puts(&b, ",", NULL) < 0) ||
		    bpo_json_str(&b, f->patch_paths[i], NULL) < 0)
			goto out;
	if (bpo_buf_puts(&b, "]}\n", NULL) < 0)
		goto out;
	rc = fwrite(b.data, 1, b.len, stdout) == b.len ? 0 : -1;
out:
	bpo_buf_destroy(&b);
	return rc;
}

static void print_text(const struct bpo_fetched *f)
{
	printf("source: %s\nversion: %s\nformat: %s\ndir: %s\nsigner: %s\n", f->source,
	       f->version, f->format, f->dir,
	       f->signer_fpr ? f->signer_fpr : "(none: unsigned, allowed by the recipe)");
	for (size_t i = 0; i < f->n_files; i++)
		printf("%s  %" PRIu64 "  %s\n", f->files[i].sha256, f->files[i].size,
		       f->files[i].path);
	for (size_t i = 0; f->patch_paths && f->patch_paths[i]; i++)
		printf("patch: %s\n", f->patch_paths[i]);
}

/* --resolve: the verified Release and the chosen stanza, no downloads. */
static int resolve(const struct bpo_recipe *r, const struct bpo_config *cfg, bool json,
		   struct bpo_error *err)
{
	struct bpo_release rel;
	struct bpo_deb822_para stanza;
	struct bpo_dsc d;
	const char *archive = bpo_index_source_archive(r, cfg);
	const char *keyring = r->source.keyring ? r->source.keyring : cfg->keyring;
	int rc = -1;

	bpo_release_init(&rel);
	bpo_deb822_para_init(&stanza);
	bpo_dsc_init(&d);
	if (r->source.kind != BPO_SOURCE_ARCHIVE) {
		bpo_error_set(err, BPO_E_USAGE, "--resolve: only for archive sources");
		goto out;
	}
	if (!archive) {
		bpo_error_set(err, BPO_E_USAGE, "no mirror configured");
		goto out;
	}
	if (bpo_index_fetch_release(archive, r->source.suite, keyring, cfg, &rel, err) < 0 ||
	    bpo_index_find_source(&rel, r->source.component ? r->source.component : "main",
				  r->source.package, r->source.version, &stanza, err) < 0 ||
	    bpo_dsc_from_para(&d, &stanza, "Sources", err) < 0)
		goto out;
	if (json) {
		struct bpo_buf b;
		int x;
		bpo_buf_init(&b, 1u << 20);
		x = bpo_buf_puts(&b, "{" BPO_JSON_SV, err);
		if (x == 0)
			x = bpo_json_member(&b, false, "source", d.source, err);
		if (x == 0)
			x = bpo_json_member(&b, false, "version", d.version, err);
		if (x == 0)
			x = bpo_json_member(&b, false, "directory", d.directory, err);
		if (x == 0)
			x = bpo_json_member(&b, false, "signer", rel.signer_fpr, err);
		if (x == 0)
			x = bpo_buf_puts(&b, ",\"files\":[", err);
		for (size_t i = 0; x == 0 && i < d.n_files; i++) {
			x = bpo_buf_puts(&b, i ? ",{" : "{", err);
			if (x == 0)
				x = bpo_json_member(&b, true, "name", d.files[i].name, err);
			if (x == 0)
				x = bpo_buf_printf(&b, err, ",\"sha256\":\"%s\",\"size\":%" PRIu64 "}",
						   d.files[i].sha256, d.files[i].size);
		}
		if (x == 0)
			x = bpo_buf_puts(&b, "]}\n", err);
		if (x == 0)
			fwrite(b.data, 1, b.len, stdout);
		else
			bpo_error_prefix(err, "the JSON result");
		bpo_buf_destroy(&b);
		if (x < 0)
			goto out;
	} else {
		printf("source: %s\nversion: %s\ndirectory: %s\nsigner: %s\n", d.source, d.version,
		       d.directory ? d.directory : "", rel.signer_fpr);
		for (size_t i = 0; i < d.n_files; i++)
			printf("%s  %" PRIu64 "  %s\n", d.files[i].sha256, d.files[i].size,
			       d.files[i].name);
	}
	rc = 0;
out:
	bpo_dsc_destroy(&d);
	bpo_deb822_para_destroy(&stanza);
	bpo_release_destroy(&rel);
	return rc;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"dest", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{"resolve", no_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *dest = NULL;
	bool json = false, only_resolve = false;
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_fetched out;
	struct bpo_error err;
	int opt, status;

	optind = 0; /* a full re-initialisation: options may follow RECIPE */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dest = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			only_resolve = true;
			break;
		default:
			fprintf(stderr, "Try 'bpo fetch --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return bpo_cmd_usage_error(&cmd_fetch, "no recipe given");
	if (optind + 1 < argc)
		return bpo_cmd_usage_error(&cmd_fetch, "one recipe at a time");
	bpo_error_init(&err);
	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_fetched_init(&out);
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_recipe_load(&r, argv[optind], &err) < 0) {
		status = bpo_cmd_fail(&err);
		goto out;
	}
	struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX];
	bpo_index_recipe_valid_until(&r, &cfg, vu);
	if (only_resolve) {
		status = resolve(&r, &cfg, json, &err) < 0 ? bpo_cmd_fail(&err) : BPO_EXIT_OK;
		if (fflush(stdout) != 0 && status == BPO_EXIT_OK)
			status = BPO_EXIT_FAIL;
		goto out;
	}
	if (bpo_fetch_recipe(&r, &cfg, dest, &out, &err) < 0) {
		status = bpo_cmd_fail(&err);
		goto out;
	}
	status = BPO_EXIT_OK;
	if (json) {
		if (print_json(&out) < 0)
			status = BPO_EXIT_FAIL;
	} else {
		print_text(&out);
	}
	if (fflush(stdout) != 0)
		status = BPO_EXIT_FAIL;
out:
	bpo_fetched_destroy(&out);
	bpo_recipe_destroy(&r);
	bpo_config_destroy(&cfg);
	return status;
}
