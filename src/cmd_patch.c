/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_patch: `bpo patch --check|--apply|--edit|--refresh`, see the usage text. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpoconf.h"
#include "buf.h"
#include "cmd.h"
#include "dsc.h"
#include "fsutil.h"
#include "hash.h"
#include "index.h"
#include "log.h"
#include "patch.h"
#include "proc.h"
#include "recipe.h"
#include "srcpkg.h"
#include "xmem.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_patch = {
	.name = "patch",
	.summary = "apply or check the backport patch series",
	.usage =
		"Usage: bpo patch --check [--json] [--fuzz N] [-p N] --tree DIR PATCH...\n"
		"       bpo patch --apply [--fuzz N] [-p N] --tree DIR PATCH...\n"
		"       bpo patch --check|--apply [--json] [--fuzz N] --tree DIR --quilt\n"
		"       bpo patch --edit [--fuzz N] [-p N] --tree DIR --dest DEST PATCH...\n"
		"       bpo patch --refresh --dest DEST [--add FILE]...\n"
		"       bpo patch --check [--json] RECIPE\n"
		"       bpo patch --edit RECIPE [--dest DEST]\n"
		"       bpo patch --refresh RECIPE [--dest DEST] [--add FILE]...\n"
		"\n"
		"Apply a patch series to a source tree, all or nothing: every hunk of every\n"
		"patch is applied in memory first and nothing is written unless all apply;\n"
		"then each changed file is replaced atomically. Hunks are matched as GNU\n"
		"patch does (stated line, then growing offsets; fuzz ignores outer context\n"
		"lines), bytes and line endings exactly. Absolute paths, '..' and paths\n"
		"through symlinks are refused; git binary patches are refused.\n"
		"\n"
		"Modes:\n"
		"  --check      dry run: a table of every patch, file and hunk (clean,\n"
		"               offset N, fuzz N, fails, already applied); writes nothing\n"
		"  --apply      apply for real (all or nothing)\n"
		"  --edit       make DEST: a copy of the tree with the series applied up to\n"
		"               the first failing patch, that patch's hunks that apply\n"
		"               applied and the others in FILE.rej beside each file; a\n"
		"               pristine copy of the tree before that patch is kept in\n"
		"               DEST/.bpo-edit/ for --refresh\n"
		"  --refresh    diff DEST against its pristine copy and write the failing\n"
		"               patch again (its DEP-3 header kept), checked to apply at\n"
		"               fuzz 0; the file is replaced atomically. Only the files the\n"
		"               patch touches are taken, and each --add FILE (a path in the\n"
		"               tree: a new file, as quilt add), not an editor's backup\n"
		"\n"
		"With RECIPE, the recipe's source is fetched and verified (bpo fetch), unpacked\n"
		"to a scratch tree (bpo unpack) and the recipe's patches are the series, with\n"
		"the recipe's fuzz; --refresh rewrites the patch in the recipe's directory;\n"
		"--dest defaults to ./<recipe name>-edit.\n"
		"\n"
		"Options:\n"
		"  --tree DIR   the tree to work on (instead of a recipe)\n"
		"  --quilt      the series is DIR/debian/patches/series (quilt's -pN per line)\n"
		"  --dest DEST  the work tree of --edit/--refresh\n"
		"  --add FILE   with --refresh: take FILE too (repeatable)\n"
		"  --fuzz N     allow up to N lines of fuzz (default 0 with --tree, the\n"
		"               recipe's fuzz with RECIPE)\n"
		"  -p N         strip N leading path components (default: -p1, or -p0 when\n"
		"               the paths have no directory part; quilt series: per line)\n"
		"  --json       print the --check table as JSON\n"
		"  -h, --help   show this help\n"
		"\n"
		"Exit status: 0 every patch applies (or was applied), 1 a patch does not\n"
		"apply (the error names the patch, file and hunk) or the work failed, 2 bad\n"
		"usage, a malformed patch or a refused path, 3 verification of the\n"
		"recipe's sources failed.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_patch)

enum mode { M_NONE, M_CHECK, M_APPLY, M_EDIT, M_REFRESH };

struct args {
	enum mode mode;
	const char *tree, *dest, *recipe;
	unsigned fuzz;
	bool fuzz_set, json, quilt;
	int strip;
	char **patches;
	int n_patches;
	const char *add[64];   /* --add FILE: new files for --refresh (quilt add) */
	size_t n_add;
};

static int print_report(const struct bpo_patch_report *rep, bool json)
{
	struct bpo_buf out;
	struct bpo_error err;
	int rc;

	bpo_error_init(&err);
	bpo_buf_init(&out, (size_t)64 << 20);
	rc = json ? bpo_patch_report_json(rep, &out, &err) : bpo_patch_report_text(rep, &out, &err);
	if (rc == 0 && fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len)
		rc = bpo_error_set(&err, BPO_E_IO, "standard output: write error");
	bpo_buf_destroy(&out);
	return rc < 0 ? bpo_cmd_fail(&err) : 0;
}

/* Load the patch files named on the command line. */
static int load_patches(char **paths, int n, struct bpo_patch **out, struct bpo_error *err)
{
	struct bpo_patch *ps = bpo_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*ps));
	for (int i = 0; i < n; i++) {
		if (bpo_patch_load(paths[i], &ps[i], err) < 0) {
			for (int j = 0; j <= i; j++)
				bpo_patch_destroy(&ps[j]);
			free(ps);
			return -1;
		}
	}
	*out = ps;
	return 0;
}

static void free_patches(struct bpo_patch *ps, int n)
{
	for (int i = 0; ps && i < n; i++)
		bpo_patch_destroy(&ps[i]);
	free(ps);
}

/* --check / --apply on a tree. */
static int tree_check_apply(const struct args *a)
{
	struct bpo_patch *ps = NULL;
	struct bpo_patch **pp = NULL;
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = a->fuzz, .strip = a->strip,
				   .dry_run = a->mode == M_CHECK};
	struct bpo_error err;
	int rc, status;

	bpo_error_init(&err);
	bpo_patch_report_init(&rep);
	if (a->quilt) {
		if (a->n_patches > 0)
			return bpo_cmd_usage_error(&cmd_patch, "--quilt takes no PATCH arguments");
		if (a->mode == M_CHECK) {
			rc = bpo_patch_check_quilt(a->tree, a->fuzz, &rep, &err);
		} else {
			rc = bpo_patch_apply_quilt(a->tree, a->fuzz, &rep, &err);
		}
	} else {
		if (load_patches(a->patches, a->n_patches, &ps, &err) < 0)
			return bpo_cmd_fail(&err);
		pp = bpo_xcalloc((size_t)a->n_patches, sizeof(*pp));
		for (int i = 0; i < a->n_patches; i++)
			pp[i] = &ps[i];
		rc = bpo_patch_apply_series(a->tree, pp, NULL, (size_t)a->n_patches, &o, &rep, &err);
	}
	if (a->mode == M_CHECK || a->json)
		print_report(&rep, a->json);
	if (rc < 0)
		status = bpo_cmd_fail(&err);
	else
		status = BPO_EXIT_OK;
	if (rc == 0 && a->mode == M_APPLY) {
		for (size_t i = 0; i < rep.n; i++) {
			if (rep.patches[i].already)
				bpo_warn("patch %s was already applied: skipped", rep.patches[i].name);
			else if (rep.patches[i].inexact)
				bpo_info("patch %s applied with offset or fuzz (see --check); "
					 "dpkg-source needs it refreshed", rep.patches[i].name);
		}
		bpo_info("applied %zu patch%s to %s", rep.n, rep.n == 1 ? "" : "es", a->tree);
	}
	bpo_patch_report_destroy(&rep);
	free(pp);
	free_patches(ps, a->n_patches);
	return status;
}

/* Copy a tree (cp -a, run without a shell). */
static int copy_tree(const char *src, const char *dst, struct bpo_error *err)
{
	char *from = bpo_xasprintf("%s/.", src);
	const char *argv[] = {"cp", "-a", "--", from, dst, NULL};
	struct bpo_proc_opts po = {.log_fd = -1};
	int rc;
	if (bpo_mkdir_p(dst, 0755, err) < 0) {
		free(from);
		return -1;
	}
	rc = bpo_proc_run_ok(argv, &po, err);
	free(from);
	return rc;
}

/*
 * --edit: DEST gets the tree with patches applied up to the first failing
 * one (partially, with .rej files); DEST/.bpo-edit/pristine is the tree
 * before that patch and DEST/.bpo-edit/patch names the patch file.
 */
static int edit_tree(const char *tree, const char *dest, char **paths, char **record, int n,
		     unsigned fuzz, int strip, struct bpo_error *err)
{
	struct bpo_patch *ps = NULL;
	struct bpo_patch **pp = NULL;
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = fuzz, .strip = strip, .partial_rejects = true};
	char *state = NULL, *pristine = NULL, *pfile = NULL, *abs = NULL;
	size_t fail = 0;
	int rc = -1;

	bpo_patch_report_init(&rep);
	if (bpo_path_exists(dest)) {
		bpo_error_set(err, BPO_E_USAGE, "%s: exists already; remove it or choose another --dest",
			      dest);
		return -1;
	}
	{
		/* DEST inside the tree would be copied into itself */
		char *dcopy = bpo_xstrdup(dest), *slash;
		char *rt = realpath(tree, NULL), *rd = NULL;
		/* the nearest existing ancestor of DEST */
		while (!rd && (slash = strrchr(dcopy, '/')) != NULL) {
			*slash = '\0';
			rd = realpath(dcopy[0] ? dcopy : "/", NULL);
		}
		if (!rd)
			rd = realpath(".", NULL);
		bool inside = rt && rd && strncmp(rd, rt, strlen(rt)) == 0 &&
			      (rd[strlen(rt)] == '\0' || rd[strlen(rt)] == '/');
		free(dcopy);
		free(rt);
		free(rd);
		if (inside)
			return bpo_error_set(err, BPO_E_USAGE, "%s: --dest must be outside the tree %s",
					     dest, tree);
	}
	if (load_patches(paths, n, &ps, err) < 0)
		return -1;
	pp = bpo_xcalloc((size_t)n, sizeof(*pp));
	for (int i = 0; i < n; i++)
		pp[i] = &ps[i];
	/* which patch fails? (a dry run) */
	{
		struct bpo_patch_opts dry = {.fuzz = fuzz, .strip = strip, .dry_run = true};
		struct bpo_error e2;
		bpo_error_init(&e2);
		if (bpo_patch_apply_series(tree, pp, NULL, (size_t)n, &dry, &rep, &e2) == 0) {
			bpo_error_set(err, BPO_E_USAGE, "every patch applies: nothing to edit");
			goto out;
		}
		if (e2.kind != BPO_E_FAIL) {
			*err = e2;
			goto out;
		}
		while (fail < rep.n && !rep.patches[fail].failed)
			fail++;
		bpo_patch_report_destroy(&rep);
	}
	state = bpo_path_join(dest, ".bpo-edit");
	pristine = bpo_path_join(state, "pristine");
	if (copy_tree(tree, dest, err) < 0 || copy_tree(tree, pristine, err) < 0)
		goto out;
	if (fail > 0) {
		struct bpo_patch_opts o2 = {.fuzz = fuzz, .strip = strip};
		if (bpo_patch_apply_series(dest, pp, NULL, fail, &o2, NULL, err) < 0 ||
		    bpo_patch_apply_series(pristine, pp, NULL, fail, &o2, NULL, err) < 0)
			goto out;
	}
	if (bpo_patch_apply_series(dest, &pp[fail], NULL, 1, &o, &rep, err) < 0)
		goto out;
	if (record && !record[fail]) {
		bpo_error_set(err, BPO_E_USAGE, "patch %s comes from a URL: bpo cannot refresh it in "
			      "place; make it a local patch of the recipe first", ps[fail].name);
		goto out;
	}
	abs = realpath(record ? record[fail] : paths[fail], NULL);
	if (!abs) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", record ? record[fail] : paths[fail],
			      strerror(errno));
		goto out;
	}
	pfile = bpo_path_join(state, "patch");
	{
		char *line = bpo_xasprintf("%s\n%d\n", abs, strip);
		rc = bpo_file_write_atomic(pfile, line, strlen(line), 0644, err);
		free(line);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	print_report(&rep, false);
	printf("Patch %s does not apply: the work tree is %s\n"
	       "Its failed hunks are in the *.rej files there. Edit the files, then run\n"
	       "  bpo patch --refresh --dest %s\n"
	       "to write %s again.\n", ps[fail].name, dest, dest, abs);
	rc = 0;
out:
	bpo_patch_report_destroy(&rep);
	free(state);
	free(pristine);
	free(pfile);
	free(abs);
	free(pp);
	free_patches(ps, n);
	return rc;
}

/* --refresh: write the patch named in DEST/.bpo-edit/patch from the diff of
 * DEST against DEST/.bpo-edit/pristine, keeping its header; when target is
 * not NULL write there instead. */
static int refresh_tree(const char *dest, const char *target, char **written,
			const char *const *add, size_t n_add, struct bpo_error *err)
{
	char *state = bpo_path_join(dest, ".bpo-edit");
	char *pristine = bpo_path_join(state, "pristine");
	char *pfile = bpo_path_join(state, "patch");
	char *ppath = NULL;
	struct bpo_buf sb, diff;
	struct bpo_patch old, fresh;
	const char *skip[] = {".bpo-edit", ".pc", NULL};
	struct bpo_strv only = {0};
	int strip = 1, rc = -1;

	memset(&old, 0, sizeof(old));
	memset(&fresh, 0, sizeof(fresh));
	bpo_buf_init(&sb, 1 << 16);
	bpo_buf_init(&diff, BPO_MAX_PATCH);
	if (bpo_file_read(pfile, 1 << 16, &sb, err) < 0) {
		bpo_error_prefix(err, "%s is not a work tree made by bpo patch --edit", dest);
		goto out;
	}
	{
		char *nl = strchr(sb.data, '\n');
		if (!nl) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: malformed", pfile);
			goto out;
		}
		ppath = bpo_xstrndup(sb.data, (size_t)(nl - sb.data));
		strip = (int)strtol(nl + 1, NULL, 10);
	}
	if (bpo_patch_load(ppath, &old, err) < 0)
		goto out;
	/* what the patch touches, and the files --add names (as quilt add): an
	   editor's backup or any other stray file in the tree is not taken */
	if (bpo_patch_touched(&old, strip >= 0 ? strip : old.strip, &only, err) < 0)
		goto out;
	for (size_t i = 0; i < n_add; i++) {
		if (!bpo_path_relative_ok(add[i])) {
			bpo_error_set(err, BPO_E_USAGE, "--add %s: expected a path inside the tree",
				      add[i]);
			goto out;
		}
		bpo_strv_push(&only, add[i]);
	}
	bpo_strv_push_owned(&only, NULL);
	only.n--;
	if (bpo_buf_puts(&diff, old.header ? old.header : "", err) < 0 ||
	    bpo_patch_diff_trees(pristine, dest, skip, (const char *const *)only.v, &diff, err) < 0)
		goto out;
	/* it must apply to the pristine tree at fuzz 0 */
	if (bpo_patch_parse(diff.data, diff.len, old.name, &fresh, err) < 0) {
		bpo_error_prefix(err, "the tree has no changes against the pristine copy");
		goto out;
	}
	{
		struct bpo_patch *pp[1] = {&fresh};
		struct bpo_patch_opts o = {.fuzz = 0, .strip = 1, .dry_run = true};
		if (bpo_patch_apply_series(pristine, pp, NULL, 1, &o, NULL, err) < 0) {
			bpo_error_prefix(err, "refreshed patch does not apply at fuzz 0 (bpo bug)");
			goto out;
		}
	}
	if (bpo_file_write_atomic(target ? target : ppath, diff.data, diff.len, 0644, err) < 0)
		goto out;
	bpo_info("refreshed %s", target ? target : ppath);
	if (written)
		*written = bpo_xstrdup(target ? target : ppath);
	rc = 0;
out:
	bpo_strv_destroy(&only);
	bpo_patch_destroy(&old);
	bpo_patch_destroy(&fresh);
	bpo_buf_destroy(&sb);
	bpo_buf_destroy(&diff);
	free(ppath);
	free(state);
	free(pristine);
	free(pfile);
	return rc;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	enum { O_CHECK = 256, O_APPLY, O_EDIT, O_REFRESH, O_TREE, O_DEST, O_FUZZ, O_JSON, O_QUILT,
	       O_ADD };
	static const struct option opts[] = {
		{"check", no_argument, NULL, O_CHECK},
		{"apply", no_argument, NULL, O_APPLY},
		{"edit", no_argument, NULL, O_EDIT},
		{"refresh", no_argument, NULL, O_REFRESH},
		{"tree", required_argument, NULL, O_TREE},
		{"dest", required_argument, NULL, O_DEST},
		{"fuzz", required_argument, NULL, O_FUZZ},
		{"json", no_argument, NULL, O_JSON},
		{"quilt", no_argument, NULL, O_QUILT},
		{"add", required_argument, NULL, O_ADD},
		{NULL, 0, NULL, 0},
	};
	int opt;

	memset(a, 0, sizeof(*a));
	a->strip = -1;
	while ((opt = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		char *end;
		long v;
		switch (opt) {
		case O_CHECK:
		case O_APPLY:
		case O_EDIT:
		case O_REFRESH: {
			enum mode m = opt == O_CHECK ? M_CHECK : opt == O_APPLY ? M_APPLY
				      : opt == O_EDIT ? M_EDIT : M_REFRESH;
			if (a->mode != M_NONE && a->mode != m)
				return bpo_cmd_usage_error(&cmd_patch, "give one of --check, --apply, "
							   "--edit, --refresh");
			a->mode = m;
			break;
		}
		case O_TREE:
			a->tree = optarg;
			break;
		case O_DEST:
			a->dest = optarg;
			break;
		case O_JSON:
			a->json = true;
			break;
		case O_QUILT:
			a->quilt = true;
			break;
		case O_ADD:
			if (a->n_add >= sizeof(a->add) / sizeof(a->add[0]))
				return bpo_cmd_usage_error(&cmd_patch, "--add: at most 64 files");
			a->add[a->n_add++] = optarg;
			break;
		case O_FUZZ:
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > 100)
				return bpo_cmd_usage_error(&cmd_patch, "%s: expected a number from 0 "
							   "to 100, got '%s'",
							   opt == 'p' ? "-p" : "--fuzz", optarg);
			if (opt == 'p') {
				a->strip = (int)v;
			} else {
				a->fuzz = (unsigned)v;
				a->fuzz_set = true;
			}
			break;
		default:
			fprintf(stderr, "Try 'bpo patch --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (a->mode == M_NONE)
		return bpo_cmd_usage_error(&cmd_patch, "give one of --check, --apply, --edit, "
					   "--refresh");
	if (a->tree) {
		a->patches = argv + optind;
		a->n_patches = argc - optind;
	} else if (optind < argc) {
		a->recipe = argv[optind];
		if (optind + 1 < argc)
			return bpo_cmd_usage_error(&cmd_patch, "one RECIPE only (or --tree DIR "
						   "PATCH...)");
	}
	return -1;
}

/* The RECIPE forms: fetch + verify, unpack to a scratch tree, then as --tree. */
static int recipe_mode(struct bpo_ctx *ctx, const struct args *a, struct bpo_error *err)
{
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_fetched fetched;
	struct bpo_dsc dsc;
	char *scratch = NULL, *tree = NULL, *dest = NULL;
	char **paths = NULL, **record = NULL;
	struct bpo_patch *ps = NULL;
	struct bpo_patch **pp = NULL;
	size_t n = 0;
	int rc = -1;

	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_fetched_init(&fetched);
	bpo_dsc_init(&dsc);
	if (a->mode == M_APPLY) {
		bpo_error_set(err, BPO_E_USAGE, "--apply works on a --tree (bpo source applies a "
			      "recipe's series)");
		goto out;
	}
	if (a->quilt) {
		bpo_error_set(err, BPO_E_USAGE, "give either RECIPE or --tree DIR --quilt");
		goto out;
	}
	if (bpo_recipe_load(&r, a->recipe, err) < 0)
		goto out;
	dest = a->dest ? bpo_xstrdup(a->dest) : bpo_xasprintf("%s-edit", r.name);
	if (a->mode == M_REFRESH) {
		char *written = NULL;
		rc = refresh_tree(dest, NULL, &written, a->add, a->n_add, err);
		/* a pinned sha256 no longer matches: say so, with the new one */
		for (size_t i = 0; rc == 0 && i < r.n_patches; i++) {
			char hex[BPO_HASH_HEX_MAX];
			if (!r.patches[i].sha256 || !r.patches[i].path ||
			    strcmp(r.patches[i].path, written) != 0)
				continue;
			if (bpo_hash_file(written, BPO_HASH_SHA256, hex, NULL, err) < 0) {
				rc = -1;
				break;
			}
			bpo_warn("%s:%u:%u: patch %s is pinned by sha256: change it to %s",
				 r.file, r.patches[i].line, r.patches[i].column, r.patches[i].name,
				 hex);
		}
		free(written);
		goto out;
	}
	if (r.n_patches == 0) {
		bpo_error_set(err, BPO_E_USAGE, "%s: the recipe has no patches", a->recipe);
		goto out;
	}
	if (bpo_config_load(&cfg, ctx->config_path, err) < 0 ||
	    bpo_fetch_recipe(&r, &cfg, NULL, &fetched, err) < 0 ||
	    bpo_dsc_load(&dsc, fetched.dsc_path, err) < 0)
		goto out;
	scratch = bpo_mkdtemp(fetched.dir, "patch-scratch", err);
	if (!scratch)
		goto out;
	tree = bpo_path_join(scratch, "tree");
	{
		struct bpo_srcpkg_opts so;
		struct bpo_limits eff;
		bpo_srcpkg_opts_init(&so);
		bpo_limits_effective(&cfg.limits, &r.limits, &eff);
		bpo_limits_archive(&eff, &so.limits);
		if (bpo_srcpkg_unpack_dsc(&dsc, fetched.dir, tree, &so, err) < 0)
			goto out;
	}
	while (fetched.patch_paths && fetched.patch_paths[n])
		n++;
	paths = fetched.patch_paths;
	record = bpo_xcalloc(n + 1, sizeof(*record));
	for (size_t i = 0; i < n && i < r.n_patches; i++)
		record[i] = r.patches[i].path;
	if (a->mode == M_EDIT) {
		rc = edit_tree(tree, dest, paths, record, (int)n, a->fuzz_set ? a->fuzz : r.fuzz, -1,
			       err);
		goto out;
	}
	/* --check */
	{
		struct bpo_patch_report rep;
		struct bpo_patch_opts o = {.fuzz = a->fuzz_set ? a->fuzz : r.fuzz, .strip = -1,
					   .dry_run = true};
		if (load_patches(paths, (int)n, &ps, err) < 0)
			goto out;
		pp = bpo_xcalloc(n ? n : 1, sizeof(*pp));
		for (size_t i = 0; i < n; i++)
			pp[i] = &ps[i];
		bpo_patch_report_init(&rep);
		rc = bpo_patch_apply_series(tree, pp, NULL, n, &o, &rep, err);
		print_report(&rep, a->json);
		bpo_patch_report_destroy(&rep);
	}
out:
	if (scratch) {
		struct bpo_error e2;
		if (bpo_rm_rf(scratch, &e2) < 0)
			bpo_warn("%s", e2.msg);
	}
	free(scratch);
	free(tree);
	free(dest);
	free(record);
	free(pp);
	free_patches(ps, (int)n);
	bpo_dsc_destroy(&dsc);
	bpo_fetched_destroy(&fetched);
	bpo_config_destroy(&cfg);
	bpo_recipe_destroy(&r);
	return rc;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	struct args a;
	struct bpo_error err;
	int rc = parse_args(argc, argv, &a);

	if (rc >= 0)
		return rc;
	bpo_error_init(&err);
	if (a.recipe)
		return recipe_mode(ctx, &a, &err) < 0 ? bpo_cmd_fail(&err) : BPO_EXIT_OK;
	if (a.mode == M_REFRESH) {
		if (!a.dest || a.tree || a.n_patches)
			return bpo_cmd_usage_error(&cmd_patch, "--refresh needs --dest DEST (made by "
						   "--edit) or a RECIPE");
		return refresh_tree(a.dest, NULL, NULL, a.add, a.n_add, &err) < 0 ? bpo_cmd_fail(&err)
								      : BPO_EXIT_OK;
	}
	if (!a.tree)
		return bpo_cmd_usage_error(&cmd_patch, "give --tree DIR PATCH... or a RECIPE");
	if (!a.quilt && a.n_patches == 0)
		return bpo_cmd_usage_error(&cmd_patch, "no PATCH given (or --quilt)");
	if (a.mode == M_EDIT) {
		if (!a.dest)
			return bpo_cmd_usage_error(&cmd_patch, "--edit --tree needs --dest DEST");
		if (a.quilt)
			return bpo_cmd_usage_error(&cmd_patch, "--edit does not take --quilt");
		return edit_tree(a.tree, a.dest, a.patches, NULL, a.n_patches, a.fuzz, a.strip,
				 &err) < 0 ? bpo_cmd_fail(&err) : BPO_EXIT_OK;
	}
	return tree_check_apply(&a);
}
