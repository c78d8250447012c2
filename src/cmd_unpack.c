/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_unpack: `bpo unpack RECIPE|FILE.dsc [--dest DIR] [--json] ...`. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpoconf.h"
#include "buf.h"
#include "cmd.h"
#include "dsc.h"
#include "fsutil.h"
#include "gpg.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "recipe.h"
#include "srcpkg.h"
#include "xmem.h"

static int run_unpack(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_unpack = {
	.name = "unpack",
	.summary = "fetch, verify and unpack a source package as dpkg-source -x does",
	.usage =
		"Usage: bpo unpack RECIPE [--dest DIR] [--force] [--json] [--skip-patches]\n"
		"       bpo unpack FILE.dsc --dest DIR (--keyring FILE | --allow-unsigned)\n"
		"                  [--force] [--json] [--skip-patches]\n"
		"\n"
		"With a recipe: download and verify its source package (as `bpo fetch`)\n"
		"into <work-dir>/<source>_<version>/, then unpack it into DIR, by default\n"
		"<work-dir>/<source>_<version>/tree (version without epoch).\n"
		"\n"
		"With a local FILE.dsc (an argument ending in .dsc): its inline OpenPGP\n"
		"signature must verify against --keyring, and the signed text is what is\n"
		"used; or, with --allow-unsigned (and no --keyring), the .dsc is used\n"
		"unverified with a warning. The files it lists are read from its directory.\n"
		"\n"
		"Either way every file's size and SHA-256 are checked again, and the tree\n"
		"is the one `dpkg-source -x` makes: formats 1.0 (.orig.tar.gz + .diff.gz,\n"
		"or a native .tar.gz), 3.0 (native) and 3.0 (quilt) (orig, orig-COMPONENT\n"
		"and debian tarballs; debian/patches/series applied at fuzz 0; .pc/\n"
		"written). Tarballs are extracted securely: absolute names, '..',\n"
		"symlinks leaving the tree, hard links outside it, devices, FIFOs and\n"
		"sockets are refused, and the size, member count and compression ratio\n"
		"are capped (a recipe's and bpo.conf's limits, or these options).\n"
		"The tree is built aside and renamed into place when complete.\n"
		"\n"
		"Options:\n"
		"  --dest DIR          the tree to create (must not exist unless --force;\n"
		"                      missing parent directories are made)\n"
		"  --force             remove an existing DIR first\n"
		"  --keyring FILE      OpenPGP keyring the local .dsc must be signed by\n"
		"  --allow-unsigned    accept a local .dsc without checking a signature\n"
		"  --skip-patches      do not apply the quilt series or the 1.0 diff\n"
		"  --max-size BYTES    cap on the unpacked size of each tarball\n"
		"                      (default 34359738368, 32 GiB)\n"
		"  --max-members N     cap on the members of each tarball (default 2000000)\n"
		"  --max-ratio N       cap on unpacked/compressed size of each tarball,\n"
		"                      checked past 64 MiB (default 100)\n"
		"  --json              print a JSON object: source, version, format,\n"
		"                      tree, signer (fingerprint or null), files\n"
		"                      [{name, size, sha256}]\n"
		"\n"
		"Exit status: 0 unpacked; 1 the work failed (a patch does not apply, I/O,\n"
		"download); 2 bad usage or bad input (recipe, .dsc, a refused tarball\n"
		"member, an unsupported format); 3 verification failed (signature, size\n"
		"or SHA-256).\n",
	.run = run_unpack,
};
BPO_REGISTER_COMMAND(cmd_unpack)

/* Say what was unpacked: a line, or the JSON object. -1 when the JSON does
 * not fit its cap (err says so) or stdout fails. */
static int print_result(const struct bpo_dsc *dsc, const char *tree, const char *signer,
			bool json, struct bpo_error *err)
{
	struct bpo_buf b;
	char *abs = realpath(tree, NULL);
	if (!json) {
		bpo_info("unpacked %s %s (%s) into %s", dsc->source, dsc->version, dsc->format,
			 abs ? abs : tree);
		free(abs);
		return 0;
	}
	/* the names come from a capped .dsc: four times its size covers the escapes */
	bpo_buf_init(&b, 4 * (size_t)BPO_MAX_CONTROL);
	int r = bpo_buf_puts(&b, "{" BPO_JSON_SV, err);
	if (r == 0)
		r = bpo_json_member(&b, false, "source", dsc->source, err);
	if (r == 0)
		r = bpo_json_member(&b, false, "version", dsc->version, err);
	if (r == 0)
		r = bpo_json_member(&b, false, "format", dsc->format, err);
	if (r == 0)
		r = bpo_json_member(&b, false, "tree", abs ? abs : tree, err);
	if (r == 0)
		r = bpo_json_member(&b, false, "signer", signer, err);
	if (r == 0)
		r = bpo_buf_puts(&b, ",\"files\":[", err);
	for (size_t i = 0; r == 0 && i < dsc->n_files; i++) {
		r = bpo_buf_puts(&b, i ? ",{" : "{", err);
		if (r == 0)
			r = bpo_json_member(&b, true, "name", dsc->files[i].name, err);
		if (r == 0)
			r = bpo_buf_printf(&b, err, ",\"size\":%" PRIu64, dsc->files[i].size);
		if (r == 0)
			r = bpo_json_member(&b, false, "sha256", dsc->files[i].sha256, err);
		if (r == 0)
			r = bpo_buf_puts(&b, "}", err);
	}
	if (r == 0)
		r = bpo_buf_puts(&b, "]}\n", err);
	if (r < 0)
		bpo_error_prefix(err, "the JSON result");
	else if (fputs(b.data, stdout) == EOF || fflush(stdout) != 0)
		r = bpo_error_set(err, BPO_E_IO, "stdout: %s", strerror(errno));
	bpo_buf_destroy(&b);
	free(abs);
	return r;
}

/* A local .dsc: verify the signature (or accept it unsigned when allowed). */
static int load_local_dsc(const char *path, const char *keyring, bool allow_unsigned,
			  struct bpo_dsc *dsc, char **signer, struct bpo_error *err)
{
	struct bpo_buf raw, plain;
	struct bpo_gpg g;
	int ret = -1;

	memset(&g, 0, sizeof(g));
	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	if (bpo_file_read(path, BPO_MAX_CONTROL, &raw, err) < 0)
		goto out;
	if (keyring) {
		if (bpo_gpg_open(&g, keyring, err) < 0)
			goto out;
		if (bpo_gpg_verify_inline(&g, raw.data ? raw.data : "", raw.len, path, &plain,
					  signer, err) < 0)
			goto out;
		if (bpo_dsc_parse(dsc, plain.data ? plain.data : "", plain.len, path, err) < 0)
			goto out;
	} else {
		bpo_warn("%s: signature NOT checked (--allow-unsigned)", path);
		if (bpo_dsc_parse(dsc, raw.data ? raw.data : "", raw.len, path, err) < 0)
			goto out;
	}
	ret = 0;
out:
	bpo_gpg_close(&g);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&plain);
	return ret;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -1;
	*out = v;
	return 0;
}

static int run_unpack(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dest", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "keyring", required_argument, NULL, 'k' },
		{ "allow-unsigned", no_argument, NULL, 'u' },
		{ "skip-patches", no_argument, NULL, 's' },
		{ "max-size", required_argument, NULL, 'S' },
		{ "max-members", required_argument, NULL, 'M' },
		{ "max-ratio", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct bpo_srcpkg_opts sopts;
	struct bpo_archive_limits cli = { 0, 0, 0 }; /* the options; 0: not given */
	struct bpo_error err;
	struct bpo_dsc dsc;
	struct bpo_recipe recipe;
	struct bpo_config cfg;
	struct bpo_fetched fetched;
	const char *dest = NULL, *keyring = NULL, *arg;
	char *tree = NULL, *signer = NULL, *dir = NULL;
	bool json = false, force = false, allow_unsigned = false, is_dsc;
	bool recipe_init = false, cfg_init = false, fetched_init = false;
	int opt, status = BPO_EXIT_FAIL;

	bpo_error_init(&err);
	bpo_srcpkg_opts_init(&sopts);
	bpo_dsc_init(&dsc);
	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 'd': dest = optarg; break;
		case 'f': force = true; break;
		case 'j': json = true; break;
		case 'k': keyring = optarg; break;
		case 'u': allow_unsigned = true; break;
		case 's': sopts.skip_patches = true; break;
		case 'S':
			if (parse_u64(optarg, &cli.max_total) < 0)
				return bpo_cmd_usage_error(&cmd_unpack,
							   "--max-size: not a positive number: '%s'",
							   optarg);
			break;
		case 'M':
			if (parse_u64(optarg, &cli.max_members) < 0)
				return bpo_cmd_usage_error(&cmd_unpack,
							   "--max-members: not a positive number: "
							   "'%s'", optarg);
			break;
		case 'R':
			if (parse_u64(optarg, &cli.max_ratio) < 0)
				return bpo_cmd_usage_error(&cmd_unpack,
							   "--max-ratio: not a positive number: "
							   "'%s'", optarg);
			break;
		default:
			fprintf(stderr, "Try 'bpo unpack --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return bpo_cmd_usage_error(&cmd_unpack, "expected exactly one RECIPE or FILE.dsc");
	arg = argv[optind];
	is_dsc = bpo_str_has_suffix(arg, ".dsc");
	if (is_dsc) {
		if (!dest)
			return bpo_cmd_usage_error(&cmd_unpack, "%s: --dest DIR is required with a "
						   ".dsc", arg);
		if (!keyring && !allow_unsigned)
			return bpo_cmd_usage_error(&cmd_unpack,
						   "%s: give --keyring FILE to verify its signature, "
						   "or --allow-unsigned to skip that", arg);
		if (keyring && allow_unsigned)
			return bpo_cmd_usage_error(&cmd_unpack,
						   "--keyring and --allow-unsigned exclude each other");
		if (load_local_dsc(arg, keyring, allow_unsigned, &dsc, &signer, &err) < 0)
			goto fail;
		dir = bpo_path_dirname(arg);
		tree = bpo_xstrdup(dest);
	} else {
		if (keyring || allow_unsigned)
			return bpo_cmd_usage_error(&cmd_unpack,
						   "--keyring and --allow-unsigned are for a local "
						   ".dsc; a recipe names its own keyring");
		bpo_recipe_init(&recipe);
		recipe_init = true;
		if (bpo_recipe_load(&recipe, arg, &err) < 0)
			goto fail;
		bpo_config_init(&cfg);
		cfg_init = true;
		if (bpo_config_load(&cfg, ctx->config_path, &err) < 0)
			goto fail;
		bpo_fetched_init(&fetched);
		fetched_init = true;
		if (bpo_fetch_recipe(&recipe, &cfg, NULL, &fetched, &err) < 0)
			goto fail;
		if (bpo_dsc_load(&dsc, fetched.dsc_path, &err) < 0)
			goto fail;
		if (fetched.signer_fpr)
			signer = bpo_xstrdup(fetched.signer_fpr);
		dir = bpo_xstrdup(fetched.dir);
		tree = dest ? bpo_xstrdup(dest) : bpo_path_join(fetched.dir, "tree");
		{
			struct bpo_limits eff;
			bpo_limits_effective(&cfg.limits, &recipe.limits, &eff);
			bpo_limits_archive(&eff, &sopts.limits);
		}
	}
	/* the options win over the recipe and bpo.conf */
	if (cli.max_total)
		sopts.limits.max_total = cli.max_total;
	if (cli.max_members)
		sopts.limits.max_members = cli.max_members;
	if (cli.max_ratio)
		sopts.limits.max_ratio = cli.max_ratio;
	if (force) {
		struct stat st;
		if (lstat(tree, &st) == 0 && bpo_rm_rf(tree, &err) < 0)
			goto fail;
	}
	{
		/* The tree's parent is made when missing (the tree itself must not exist). */
		char *parent = bpo_path_dirname(tree);
		int rc = bpo_mkdir_p(parent, 0755, &err);
		free(parent);
		if (rc < 0)
			goto fail;
	}
	if (bpo_srcpkg_unpack_dsc(&dsc, dir, tree, &sopts, &err) < 0)
		goto fail;
	if (print_result(&dsc, tree, signer, json, &err) < 0)
		goto fail;
	status = BPO_EXIT_OK;
	goto out;
fail:
	status = bpo_cmd_fail(&err);
out:
	if (fetched_init)
		bpo_fetched_destroy(&fetched);
	if (cfg_init)
		bpo_config_destroy(&cfg);
	if (recipe_init)
		bpo_recipe_destroy(&recipe);
	bpo_dsc_destroy(&dsc);
	free(tree);
	free(signer);
	free(dir);
	return status;
}
