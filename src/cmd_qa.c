/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_qa: `bpo qa FILE.changes --release RELEASE ...`, a thin CLI over qa.h. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpoconf.h"
#include "chroot.h"
#include "cmd.h"
#include "deb822.h"
#include "fsutil.h"
#include "log.h"
#include "pipeline.h"
#include "qa.h"
#include "recipe.h"
#include "xmem.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_qa = {
	.name = "qa",
	.summary = "test a build before publishing: install, upgrade, lintian, autopkgtest",
	.usage =
		"Usage: bpo qa FILE.changes --release RELEASE [--arch ARCH]\n"
		"              [--repo DIR --suite SUITE] [--extra-source LINE]...\n"
		"              [--install P] [--upgrade P] [--lintian P] [--autopkgtest P]\n"
		"              [--regression P] [--newer-archive URL --newer-suite SUITE\n"
		"              --newer-keyring FILE] [--log FILE] [--json] [-v]\n"
		"       bpo qa RECIPE [--repo DIR] [--install P] [--upgrade P] [--lintian P]\n"
		"              [--autopkgtest P] [--regression P] [--newer-archive URL|mirror\n"
		"              --newer-suite SUITE [--newer-keyring FILE]] [--json] [-v]\n"
		"\n"
		"Check a build before it is published. FILE.changes and the files it lists\n"
		"must be next to each other (as `bpo build --result DIR` leaves them); each\n"
		"listed file is checked against the .changes' Checksums-Sha256 and copied\n"
		"aside. The source package is the .dsc the .changes lists, else\n"
		"SOURCE_VERSION.dsc next to it (its files checked against it).\n"
		"Each check runs in its own throwaway root of RELEASE's image (`bpo chroot\n"
		"create RELEASE`) with the host's network; apt's sources are RELEASE on the\n"
		"configured mirror plus --repo and each --extra-source:\n"
		"  install      apt-get update, then apt-get install ./x.deb ... of every\n"
		"               built binary package (apt resolves their dependencies).\n"
		"               Failure classes: deps (unmet dependencies, apt's lines per\n"
		"               package), install (anything else, e.g. a maintainer script).\n"
		"  upgrade      in another root: the version of each built package that\n"
		"               RELEASE has (apt-cache policy) is installed, then the built\n"
		"               .debs over it, then apt-get remove, then apt-get purge; each\n"
		"               step must succeed. Packages the root had installed before\n"
		"               and Essential or Priority: required ones are not removed:\n"
		"               they go down to RELEASE's version and up again instead.\n"
		"               Packages the install check found with unmet dependencies\n"
		"               are left out. Classes: upgrade (the install steps),\n"
		"               downgrade, remove, purge (e.g. a failing postrm, with\n"
		"               dpkg's message), deps.\n"
		"  lintian      RELEASE's lintian on the .changes as an unprivileged user\n"
		"               without network; E/W/I tags counted, E tags listed; fails\n"
		"               on an E tag. Class: lintian.\n"
		"  autopkgtest  when the .dsc says Testsuite: autopkgtest (debian/tests/\n"
		"               control): RELEASE's autopkgtest on the .dsc with the built\n"
		"               .debs and the virt server `null` inside the root; a result per\n"
		"               test (pass, fail, skip, flaky) from its summary. A test\n"
		"               whose own dependencies RELEASE cannot install (badpkg, e.g.\n"
		"               a newer tool than it has) could not run: reported, not a\n"
		"               failure, unless what is missing is a built package. Class:\n"
		"               test-failure.\n"
		"  regression   with --newer-archive: the newer release's signed Release is\n"
		"               verified with --newer-keyring, its Packages indices fetched\n"
		"               and checked against it, and the binaries of the same source\n"
		"               (its highest version there) compared with the built ones:\n"
		"               Depends, Pre-Depends, Recommends, Provides, Breaks, Replaces,\n"
		"               Conflicts (versions ignored), Multi-Arch, Architecture and\n"
		"               the set of binary packages. What was lost, gained or changed\n"
		"               is listed. Class: regression.\n"
		"lintian and autopkgtest come from a layer cached once per image in\n"
		"CACHE/chroots/layers/ (removed with the image's other layers by `bpo chroot\n"
		"update`), with man-db's index update off (it cost seconds on every\n"
		"installation). With two or more usable CPUs the checks that do not depend\n"
		"on each other run at the same time (install then upgrade; lintian;\n"
		"autopkgtest; regression); the log keeps the order of the checks. A check\n"
		"that cannot run (apt-get update fails, no network) has the status error\n"
		"and class error.\n"
		"\n"
		"Options:\n"
		"  --release RELEASE     the release to test on (required)\n"
		"  --arch ARCH           the image's architecture (default: the host's)\n"
		"  --repo DIR --suite S  also use the bpo repository in DIR (suite S, its\n"
		"                        components from DIR/conf/repo), verified with\n"
		"                        DIR/key.asc; DIR is bound read-only into the roots\n"
		"  --extra-source LINE   another apt source, \"deb [signed-by=/ABS/KEY] URI\n"
		"                        SUITE COMPONENT...\"; may be repeated; the\n"
		"                        directory of a file: URI is bound read-only into\n"
		"                        the roots at the same path\n"
		"  --install P, --upgrade P, --lintian P, --autopkgtest P, --regression P\n"
		"                        the check's policy: fail (a failure fails bpo qa),\n"
		"                        warn (reported only) or skip (not run). Defaults:\n"
		"                        install, upgrade, autopkgtest fail; lintian,\n"
		"                        regression warn\n"
		"  --newer-archive URL   the newer release's archive (http(s)), for regression\n"
		"  --newer-suite SUITE   its suite, e.g. trixie\n"
		"  --newer-keyring FILE  the keyring its Release is verified with\n"
		"                        With a RECIPE these are over its qa.newer-archive,\n"
		"                        newer-suite and newer-keyring (default: the source's\n"
		"                        archive and suite; a .dsc source has none); 'mirror'\n"
		"                        is the configured one, with bpo.conf's keyring\n"
		"  --log FILE            the full log (default: SOURCE_VERSION_ARCH.qa next to\n"
		"                        the .changes); the mirror's host name is replaced by\n"
		"                        MIRROR in it\n"
		"  --json                print one JSON object: source, version, changes, log,\n"
		"                        packages, fatal, and checks: for each check policy,\n"
		"                        status (passed, failed, error, skipped), class,\n"
		"                        summary, seconds, items [{name, what, message}]\n"
		"                        (lintian also counts {E, W, I})\n"
		"  -v, --verbose         copy the tools' output to standard error\n"
		"  -h, --help            show this help\n"
		"\n"
		"Without --json a line per check (PASS, WARN, FAIL or SKIP) and its findings\n"
		"go to standard output.\n"
		"\n"
		"With a RECIPE (a .yaml or .yml file) instead of a .changes, the checks run\n"
		"as the qa stage of `bpo build RECIPE` does, on the recipe's existing build\n"
		"(the .changes in WORK/result): release, architecture and apt sources from\n"
		"the recipe (its publish repository, or --repo DIR, included), the\n"
		"regression check against the recipe's source suite when the source is an\n"
		"archive. Each policy comes from the option, else the recipe's qa:, else\n"
		"bpo.conf's qa:, else the default. The report goes to standard error; with\n"
		"--json the report's JSON object (as above) to standard output.\n"
		"\n"
		"Exit status: 0 no check with policy fail failed (warnings may have been\n"
		"reported); 1 a check with policy fail failed or could not run, or the\n"
		"checks could not be set up (no image, no mirror); 2 bad usage or input (a\n"
		"malformed .changes); 3 a file does not match the .changes' or the .dsc's\n"
		"checksums; 128+N when stopped by signal N.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_qa)

/* The components of the bpo repository in dir (conf/repo), space-separated. */
static char *repo_components(const char *dir, struct bpo_error *err)
{
	char *path = bpo_path_join(dir, "conf/repo"), *out = NULL;
	struct bpo_buf text;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;

	bpo_buf_init(&text, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(path, BPO_MAX_CONTROL, &text, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, text.data ? text.data : "", text.len, path, BPO_DEB822_COMMENTS);
	if (bpo_deb822_next(&p, &para, err) < 0)
		goto out;
	const char *c = bpo_deb822_get(&para, "Components");
	out = bpo_xstrdup(c && *c ? c : "main");
	for (char *q = out; *q; q++)
		if (*q == '\n' || *q == '\t' || *q == ',')
			*q = ' ';
out:
	free(path);
	bpo_buf_destroy(&text);
	bpo_deb822_para_destroy(&para);
	return out;
}

/* `bpo qa RECIPE`: the qa stage of the pipeline on the recipe's existing build. */
static int run_recipe(struct bpo_ctx *ctx, const char *path, const char *repo,
		      const enum bpo_qa_policy policy[BPO_QA_N], const struct bpo_qa_opts *o,
		      bool json)
{
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_pipeline_opts po;
	struct bpo_pipeline_result res;
	struct bpo_error err;
	int rc;

	memset(&po, 0, sizeof(po));
	bpo_error_init(&err);
	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_pipeline_result_init(&res);
	if (bpo_recipe_load(&r, path, &err) < 0 || bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_recipe_set_newer(&r, o->newer_url, o->newer_suite, o->newer_keyring, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	/* the options over the recipe's qa: (which is over bpo.conf's) */
	for (int c = 0; c < BPO_QA_N; c++)
		if (policy[c] != BPO_QA_POLICY_DEFAULT) {
			free(r.qa[c]);
			r.qa[c] = bpo_xstrdup(bpo_qa_policy_name(policy[c]));
		}
	po.repo = repo;
	po.verbose = o->verbose;
	bpo_chroot_signals_install();
	rc = bpo_pipeline_qa(&r, &cfg, &po, &res);
	if (bpo_chroot_interrupted())
		rc = 128 + bpo_chroot_interrupted();
	if (rc != BPO_EXIT_OK)
		bpo_error("%s: qa: %s", path, res.error ? res.error : "failed");
	if (json && res.qa_json)
		printf("%s\n", res.qa_json);
	if (fflush(stdout) != 0 && rc == BPO_EXIT_OK)
		rc = BPO_EXIT_FAIL;
out:
	bpo_pipeline_result_destroy(&res);
	bpo_config_destroy(&cfg);
	bpo_recipe_destroy(&r);
	return rc;
}

static char *absolute(const char *p)
{
	char cwd[4096];
	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return bpo_xstrdup(p);
	return bpo_xasprintf("%s/%s", cwd, p);
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"release", required_argument, NULL, 'r'},
		{"arch", required_argument, NULL, 'a'},
		{"repo", required_argument, NULL, 'R'},
		{"suite", required_argument, NULL, 'S'},
		{"extra-source", required_argument, NULL, 'x'},
		{"install", required_argument, NULL, 0x100 + BPO_QA_INSTALL},
		{"upgrade", required_argument, NULL, 0x100 + BPO_QA_UPGRADE},
		{"lintian", required_argument, NULL, 0x100 + BPO_QA_LINTIAN},
		{"autopkgtest", required_argument, NULL, 0x100 + BPO_QA_AUTOPKGTEST},
		{"regression", required_argument, NULL, 0x100 + BPO_QA_REGRESSION},
		{"newer-archive", required_argument, NULL, 'N'},
		{"newer-suite", required_argument, NULL, 'U'},
		{"newer-keyring", required_argument, NULL, 'K'},
		{"log", required_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_qa_opts o;
	struct bpo_strv extra = {0}, binds = {0};
	struct bpo_config cfg;
	struct bpo_qa_report rep;
	struct bpo_error err;
	struct bpo_buf out;
	bool json = false, have_cfg = false;
	const char *repo = NULL, *suite = NULL;
	char *changes = NULL, *keyring = NULL, *log_abs = NULL;
	int opt, rc = BPO_EXIT_OK;

	memset(&o, 0, sizeof(o));
	bpo_error_init(&err);
	bpo_qa_report_init(&rep);
	bpo_buf_init(&out, 256u << 20);
	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd_qa.usage, stdout);
		return BPO_EXIT_OK;
	}
	optind = 0;
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			o.release = optarg;
			break;
		case 'a':
			o.arch = optarg;
			break;
		case 'R':
			repo = optarg;
			break;
		case 'S':
			suite = optarg;
			break;
		case 'x':
			if (!bpo_str_has_prefix(optarg, "deb ") || !strstr(optarg, "signed-by=/")) {
				rc = bpo_cmd_usage_error(&cmd_qa, "--extra-source \"%s\": expected "
							 "\"deb [signed-by=/ABS/KEY] URI SUITE "
							 "COMPONENT...\"", optarg);
				goto out;
			}
			bpo_strv_push(&extra, optarg);
			{
				/* a file: URI names a host directory: bind it */
				const char *u = strstr(optarg, "] ");
				u = u ? u + 2 : optarg + 4;
				u += strspn(u, " ");
				if (bpo_str_has_prefix(u, "file:")) {
					u += 5;
					while (u[0] == '/' && u[1] == '/')
						u++;
					char *dir = bpo_xstrndup(u, strcspn(u, " "));
					if (dir[0] != '/' || !bpo_is_dir(dir)) {
						rc = bpo_cmd_usage_error(&cmd_qa, "--extra-source: %s is "
									 "not an absolute directory",
									 dir);
						free(dir);
						goto out;
					}
					bpo_strv_push_owned(&binds, dir);
				}
			}
			break;
		case 'N':
			o.newer_url = optarg;
			break;
		case 'U':
			o.newer_suite = optarg;
			break;
		case 'K':
			o.newer_keyring = optarg;
			break;
		case 'l':
			o.log_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		default:
			if (opt >= 0x100 && opt < 0x100 + BPO_QA_N) {
				int c = opt - 0x100;
				if (bpo_qa_policy_parse(optarg, &o.policy[c]) < 0) {
					rc = bpo_cmd_usage_error(&cmd_qa, "--%s: expected fail, warn "
								 "or skip, got \"%s\"",
								 bpo_qa_check_name((enum bpo_qa_check)c),
								 optarg);
					goto out;
				}
				break;
			}
			rc = bpo_cmd_usage_error(&cmd_qa, "unknown option");
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = bpo_cmd_usage_error(&cmd_qa, optind >= argc ? "no FILE.changes or RECIPE given"
								 : "exactly one FILE.changes or RECIPE "
								   "expected");
		goto out;
	}
	if (bpo_str_has_suffix(argv[optind], ".yaml") || bpo_str_has_suffix(argv[optind], ".yml")) {
		const char *bad = o.release ? "--release" : o.arch ? "--arch" : suite ? "--suite"
				  : extra.n ? "--extra-source" : o.log_path ? "--log" : NULL;
		if (bad) {
			rc = bpo_cmd_usage_error(&cmd_qa, "%s: not with a recipe (the recipe says)",
						 bad);
			goto out;
		}
		rc = run_recipe(ctx, argv[optind], repo, o.policy, &o, json);
		goto out;
	}
	if (!bpo_str_has_suffix(argv[optind], ".changes")) {
		rc = bpo_cmd_usage_error(&cmd_qa, "%s: expected a .changes file or a recipe "
					 "(.yaml)", argv[optind]);
		goto out;
	}
	if (!o.release) {
		rc = bpo_cmd_usage_error(&cmd_qa, "--release RELEASE is required");
		goto out;
	}
	if (!bpo_chroot_name_ok(o.release)) {
		rc = bpo_cmd_usage_error(&cmd_qa, "--release: bad release name \"%s\"", o.release);
		goto out;
	}
	if (!!repo != !!suite) {
		rc = bpo_cmd_usage_error(&cmd_qa, "--repo and --suite go together");
		goto out;
	}
	{
		int n = !!o.newer_url + !!o.newer_suite + !!o.newer_keyring;
		if (n != 0 && n != 3) {
			rc = bpo_cmd_usage_error(&cmd_qa, "--newer-archive, --newer-suite and "
						 "--newer-keyring go together");
			goto out;
		}
		if (o.newer_url && !bpo_str_has_prefix(o.newer_url, "http://") &&
		    !bpo_str_has_prefix(o.newer_url, "https://")) {
			rc = bpo_cmd_usage_error(&cmd_qa, "--newer-archive: expected an http(s) URL, "
						 "got \"%s\"", o.newer_url);
			goto out;
		}
		if (o.newer_keyring) {
			keyring = absolute(o.newer_keyring);
			o.newer_keyring = keyring;
		}
	}
	changes = absolute(argv[optind]);
	o.changes_path = changes;
	if (o.log_path) {
		log_abs = absolute(o.log_path);
		o.log_path = log_abs;
	}
	if (repo) {
		char *dir = absolute(repo), *comps = NULL, *key = NULL;
		for (const char *q = suite; *q; q++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+",
				    *q)) {
				free(dir);
				rc = bpo_cmd_usage_error(&cmd_qa, "--suite: bad suite name \"%s\"",
							 suite);
				goto out;
			}
		if (strpbrk(dir, " \t\n]")) {
			free(dir);
			rc = bpo_cmd_usage_error(&cmd_qa, "--repo: a path with blanks cannot be an "
						 "apt source: %s", repo);
			goto out;
		}
		comps = repo_components(dir, &err);
		key = bpo_path_join(dir, "key.asc");
		if (!comps || !bpo_path_exists(key)) {
			if (comps)
				bpo_error_set(&err, BPO_E_NOTFOUND, "%s: no key.asc (not a bpo "
					      "repository?)", dir);
			free(dir);
			free(comps);
			free(key);
			rc = bpo_cmd_fail(&err);
			goto out;
		}
		bpo_strv_push_owned(&extra, bpo_xasprintf("deb [signed-by=%s] file:%s %s %s", key,
							  dir, suite, comps));
		bpo_strv_push_owned(&binds, dir);
		free(comps);
		free(key);
	}
	o.extra_sources = (const char *const *)extra.v;
	o.n_extra = extra.n;
	o.bind_dirs = (const char *const *)binds.v;
	o.n_bind = binds.n;
	bpo_config_init(&cfg);
	have_cfg = true;
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	bpo_chroot_signals_install();
	if (bpo_qa_run(&cfg, &o, &rep, &err) < 0) {
		int sig = bpo_chroot_interrupted();
		rc = bpo_cmd_fail(&err);
		if (sig)
			rc = 128 + sig;
		goto out;
	}
	if (json) {
		if (bpo_qa_report_json(&rep, &out, &err) < 0) {
			rc = bpo_cmd_fail(&err);
			goto out;
		}
	} else {
		bpo_qa_report_text(&rep, &out);
	}
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	rc = bpo_qa_report_fatal(&rep) ? BPO_EXIT_FAIL : BPO_EXIT_OK;
	if (fflush(stdout) != 0)
		rc = BPO_EXIT_FAIL;
out:
	if (have_cfg)
		bpo_config_destroy(&cfg);
	bpo_qa_report_free(&rep);
	bpo_strv_destroy(&extra);
	bpo_strv_destroy(&binds);
	bpo_buf_destroy(&out);
	free(changes);
	free(keyring);
	free(log_abs);
	return rc;
}
