/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_build: `bpo build FILE.dsc --release RELEASE ...`. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpoconf.h"
#include "build.h"
#include "chroot.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "pipeline.h"
#include "recipe.h"
#include "xmem.h"

#define TAIL_LINES 40

enum {
	OPT_REPO = 256, OPT_NO_PUBLISH, OPT_REBUILD, OPT_WORK_DIR, OPT_FORCE, OPT_NO_INDEX,
	OPT_TARCHIVE, OPT_TKEYRING, OPT_TSUITES, OPT_NO_QA, OPT_NARCHIVE, OPT_NSUITE, OPT_NKEYRING,
	OPT_UPLOAD, OPT_SIGNKEY, OPT_GNUPGHOME,
};

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_build = {
	.name = "build",
	.summary = "build a recipe or .dsc in an isolated chroot",
	.usage =
		"Usage: bpo build RECIPE [--repo DIR] [--no-publish] [--rebuild] [--no-qa]\n"
		"                 [--upload DIR [--sign-key FPR] [--gnupghome DIR]]\n"
		"                 [--work-dir DIR] [--force-version] [--no-index-check]\n"
		"                 [--target-archive URL] [--target-keyring FILE]\n"
		"                 [--target-suites LIST] [--newer-archive URL|mirror\n"
		"                 --newer-suite SUITE [--newer-keyring FILE]] [--json] [-v]\n"
		"       bpo build FILE.dsc --release RELEASE [--arch ARCH] [--result DIR]\n"
		"                 [--profiles P[,P...]] [--timeout SECONDS] [--binary|--arch-only|\n"
		"                 --indep-only|--full] [--extra-source LINE]... [--no-cache]\n"
		"                 [--json] [-v]\n"
		"\n"
		"With a RECIPE (a .yaml file), run the whole chain, one progress line per\n"
		"stage on standard error:\n"
		"  resolve  the source's version in its suite (verified indices, as\n"
		"           'bpo fetch'), and what the publish target already holds; when\n"
		"           that is a backport of the same version, stop: nothing to do\n"
		"           (unless --rebuild)\n"
		"  source   fetch, verify, unpack, patch, version and changelog, source\n"
		"           package, as 'bpo source' does, in WORK/source\n"
		"  deps     the build-dependency verdict of 'bpo deps' from the indices of\n"
		"           the suites the build will use (dose-builddebcheck): when a\n"
		"           relation cannot be satisfied, stop with class dep-wait (exit 1),\n"
		"           each relation explained, before any chroot time is spent\n"
		"  build    as for a .dsc below, with the recipe's release, architecture,\n"
		"           profiles, timeout and extra sources; the publish target's\n"
		"           repository is an extra apt source too (bind-mounted read-only),\n"
		"           so a recipe can build-depend on what another one published\n"
		"  qa       the checks of 'bpo qa' on the build: install, upgrade (fatal by\n"
		"           default), lintian (warn), autopkgtest (fatal when the source has\n"
		"           tests), regression diff against the source suite's binaries\n"
		"           (warn); the recipe's qa: mapping, else bpo.conf's, sets each to\n"
		"           fail, warn or skip. A failed fatal check stops here: nothing\n"
		"           is published\n"
		"  publish  the binary and source .changes into the repository (as\n"
		"           'bpo publish'), when the recipe's publish.repo or --repo names one;\n"
		"           with --upload, one signed upload into an incoming queue instead\n"
		"WORK is --work-dir, else WORKDIR/RECIPE/SOURCE_VERSION (bpo.conf's work-dir,\n"
		"the recipe's file name without .yaml), locked while a bpo works in it;\n"
		"WORK/bpo.log has every message of the run, WORK/result/SOURCE_VERSION_ARCH.build\n"
		"the build's log. A summary ends the run: versions, artifacts, repository and\n"
		"seconds per stage.\n"
		"\n"
		"With FILE.dsc, build that source package:\n"
		"Build the source package FILE.dsc (its files next to it; sizes and sha256 are\n"
		"checked against the .dsc) for RELEASE, in a fresh root made from the image of\n"
		"`bpo chroot create RELEASE`:\n"
		"  deps     apt-get build-dep in the root with the host's network; apt's sources\n"
		"           are RELEASE (and its extra suites) on the configured mirror plus each\n"
		"           --extra-source. The installed result is cached as an overlay layer\n"
		"           keyed by the image, architecture, build type, profiles, extra sources\n"
		"           and Build-Depends*, so a rebuild skips apt.\n"
		"  build    dpkg-source -x, then dpkg-buildpackage -us -uc as the unprivileged user\n"
		"           `build` (uid 1000) in new mount, pid, ipc, uts and network namespaces\n"
		"           (only lo is up: the build can reach nothing but itself),\n"
		"           SOURCE_DATE_EPOCH from debian/changelog, DEB_BUILD_PROFILES and\n"
		"           DEB_BUILD_OPTIONS (nocheck, nodoc) from --profiles, killed at the\n"
		"           timeout.\n"
		"  collect  .deb, .udeb, .ddeb, .changes, .buildinfo and the source files copied\n"
		"           to the result directory.\n"
		"As root the namespaces are entered directly; as an ordinary user through a user\n"
		"namespace with the ranges in /etc/subuid and /etc/subgid (newuidmap/newgidmap).\n"
		"The full log is RESULT/SOURCE_VERSION_ARCH.build; a progress line per phase\n"
		"goes to standard error (with -v, the whole log). Nothing is left behind: no\n"
		"mount, process or temporary directory, also on failure, timeout or Ctrl-C.\n"
		"\n"
		"Options for a recipe:\n"
		"  --repo DIR            publish to DIR instead of the recipe's publish.repo\n"
		"  --no-publish          build only, publish nothing\n"
		"  --upload DIR          publish nothing here: merge the source and binary\n"
		"                        .changes into one, sign the .dsc, .buildinfo and\n"
		"                        .changes (as debsign) and put the upload into the\n"
		"                        incoming queue DIR (the .changes last), for\n"
		"                        'bpo incoming process' on the repository's host\n"
		"  --sign-key FPR        the uploader's key (default: the recipe's publish.key,\n"
		"                        bpo.conf's sign-key, devscripts' DEBSIGN_KEYID)\n"
		"  --gnupghome DIR       the GnuPG home holding it (default: gpg's own)\n"
		"  --rebuild             build even when the version is already published\n"
		"                        (the new one gets the next ~bpoN+M)\n"
		"  --no-qa               skip every check of the qa stage\n"
		"  --work-dir DIR        the per-build work directory (default above)\n"
		"  --force-version, --no-index-check, --target-archive URL,\n"
		"  --target-keyring FILE, --target-suites LIST\n"
		"                        as for 'bpo source' (see bpo source --help)\n"
		"  --newer-archive URL|mirror, --newer-suite SUITE, --newer-keyring FILE\n"
		"                        the newer release the regression check compares\n"
		"                        with, over the recipe's qa.newer-archive,\n"
		"                        newer-suite and newer-keyring (default: the source's\n"
		"                        archive and suite; none for a .dsc source); the\n"
		"                        keyring is bpo.conf's for the mirror\n"
		"  --json                print one JSON object: schema_version, recipe, stage\n"
		"                        reached, exit, skipped, source, upstream_version,\n"
		"                        version, work_dir, log (WORK/bpo.log), build_log,\n"
		"                        repo, suite, error, class (the failure class, bpo(1)\n"
		"                        FAILURE CLASSES, or null), explain (the lines that\n"
		"                        explain a failure), deps (the verdict),\n"
		"                        seconds per stage, qa (the report of 'bpo qa\n"
		"                        --json'), valid_until_overrides (the expired suites\n"
		"                        a Valid-Until override let through: archive,\n"
		"                        suite, valid_until, accepted_by), artifacts (path,\n"
		"                        sha256)\n"
		"\n"
		"Options for a .dsc:\n"
		"  --release RELEASE     the release to build for (required)\n"
		"  --arch ARCH           the image's architecture (default: the host's)\n"
		"  --result DIR          where results and the log go (default:\n"
		"                        WORKDIR/SOURCE_VERSION, WORKDIR: bpo.conf's work-dir)\n"
		"  --profiles LIST       build profiles, e.g. nocheck (comma-separated)\n"
		"  --timeout SECONDS     limit for dpkg-buildpackage (default: bpo.conf's\n"
		"                        build-timeout, 14400)\n"
		"  --binary              binary packages only, -b (the default)\n"
		"  --arch-only           architecture-dependent packages only, -B\n"
		"  --indep-only          architecture-independent packages only, -A\n"
		"  --full                source and binary packages, -F\n"
		"  --extra-source LINE   another apt source for the build dependencies, as\n"
		"                        \"deb [signed-by=/ABS/KEY.gpg] URI SUITE COMPONENT...\";\n"
		"                        may be repeated\n"
		"  --no-cache            neither use nor keep a cached build-dependency layer\n"
		"  --json                print one JSON object: source, version, arch, status,\n"
		"                        phase reached, deps_cached, log, result_dir, seconds per\n"
		"                        phase, artifacts (name, size, sha256), error\n"
		"  -v, --verbose         copy the build log to standard error as it grows\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 built (and published), or already published; 1 a stage\n"
		"failed (for the build, the phase - setup, deps, build or collect - is\n"
		"named, with the last 40 lines of the log and its path; unsatisfiable build\n"
		"dependencies are listed with what RELEASE offers instead) or the build was\n"
		"killed at the timeout; 2 bad usage or input; 3 verification failed (a\n"
		"signature, or a file that does not match its checksums); 128+N when\n"
		"stopped by signal N (130 for SIGINT, 143 for SIGTERM) after killing the\n"
		"build.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_build)

static void print_json(const struct bpo_build_result *r, const struct bpo_error *err)
{
	FILE *f = stdout;

	fprintf(f, "{\"schema_version\":%d,\"source\":", BPO_JSON_SCHEMA_VERSION);
	bpo_json_fputs(f, r->source ? r->source : "");
	fputs(",\"version\":", f);
	bpo_json_fputs(f, r->version ? r->version : "");
	fputs(",\"arch\":", f);
	bpo_json_fputs(f, r->arch ? r->arch : "");
	fprintf(f, ",\"status\":\"%s\",\"phase\":\"%s\",\"deps_cached\":%s,\"log\":",
		r->ok ? "ok" : "failed", bpo_build_phase_name(r->phase),
		r->deps_cached ? "true" : "false");
	if (r->log_path)
		bpo_json_fputs(f, r->log_path);
	else
		fputs("null", f);
	fputs(",\"result_dir\":", f);
	if (r->result_dir)
		bpo_json_fputs(f, r->result_dir);
	else
		fputs("null", f);
	fputs(",\"seconds\":{", f);
	for (int p = BPO_BUILD_SETUP; p < BPO_BUILD_DONE; p++)
		fprintf(f, "%s\"%s\":%.3f", p ? "," : "", bpo_build_phase_name((enum bpo_build_phase)p),
			r->seconds[p]);
	fputs("},\"artifacts\":[", f);
	for (size_t i = 0; i < r->n_artifacts; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		bpo_json_fputs(f, r->artifacts[i].name);
		fprintf(f, ",\"size\":%llu,\"sha256\":\"%s\"}",
			(unsigned long long)r->artifacts[i].size, r->artifacts[i].sha256);
	}
	fputs("],\"error\":", f);
	if (r->ok)
		fputs("null", f);
	else
		bpo_json_fputs(f, err->msg);
	/* the failure class (bpo(1) FAILURE CLASSES) */
	fputs(",\"class\":", f);
	if (r->ok)
		fputs("null", f);
	else
		bpo_json_fputs(f, bpo_chroot_interrupted() ? "interrupted"
				  : bpo_error_class_of(err, r->phase == BPO_BUILD_DEPS ? "dep-wait"
							: r->phase == BPO_BUILD_BUILD ? "ftbfs"
							: "setup"));
	fputs("}\n", f);
}

/* The last n lines of the log to stderr. */
static void print_tail(const char *path, unsigned n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t len, start;
	unsigned seen = 0;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	len = st.st_size > 65536 ? 65536 : (size_t)st.st_size;
	buf = bpo_xmalloc(len + 1);
	ssize_t got = pread(fd, buf, len, st.st_size - (off_t)len);
	close(fd);
	len = got > 0 ? (size_t)got : 0;
	buf[len] = '\0';
	start = len;
	if (start && buf[start - 1] == '\n')
		start--;
	while (start > 0) {
		if (buf[start - 1] == '\n' && ++seen >= n)
			break;
		start--;
	}
	fprintf(stderr, "---- last %u lines of %s ----\n", n, path);
	fwrite(buf + start, 1, len - start, stderr);
	if (len && buf[len - 1] != '\n')
		fputc('\n', stderr);
	fprintf(stderr, "---- end of log tail ----\n");
	free(buf);
}

/* `bpo build RECIPE`: the whole chain (pipeline.h). */
static int run_recipe(struct bpo_ctx *ctx, const char *path, const struct bpo_pipeline_opts *po,
		      const char *const newer[3], bool json)
{
	struct bpo_recipe r;
	struct bpo_config cfg;
	struct bpo_pipeline_result res;
	struct bpo_error err;
	struct bpo_buf out;
	int rc;

	bpo_error_init(&err);
	bpo_recipe_init(&r);
	bpo_config_init(&cfg);
	bpo_pipeline_result_init(&res);
	bpo_buf_init(&out, 1u << 24);
	if (bpo_recipe_load(&r, path, &err) < 0 || bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_recipe_set_newer(&r, newer[0], newer[1], newer[2], &err) < 0) {
		rc = bpo_cmd_fail(&err);
		res.recipe = bpo_xstrdup(path);
		bpo_pipeline_result_fail(&res, BPO_STAGE_RESOLVE, &err);
		res.exit_code = rc;
		goto report;
	}
	bpo_chroot_signals_install();
	rc = bpo_pipeline_build(&r, &cfg, po, &res);
	if (bpo_chroot_interrupted())
		rc = res.exit_code = 128 + bpo_chroot_interrupted();
	if (rc != BPO_EXIT_OK) {
		bpo_error("%s: %s failed: %s", path, bpo_stage_name(res.stage),
			  res.error ? res.error : "?");
		if (res.build_log && res.stage == BPO_STAGE_BUILD) {
			print_tail(res.build_log, TAIL_LINES);
			bpo_error("full build log: %s", res.build_log);
		}
		if (res.log_path)
			bpo_error("bpo's log of this run: %s", res.log_path);
	} else if (!res.skipped) {
		double total = 0;
		for (int st = 0; st < BPO_STAGE_DONE; st++)
			total += res.seconds[st];
		bpo_info("%s: %s %s -> %s%s%s%s%s in %.1f s (resolve %.1f, source %.1f, deps %.1f, "
			 "build %.1f, qa %.1f, publish %.1f)", path, res.source, res.upstream_version,
			 res.version, res.repo ? ", published to " : "", res.repo ? res.repo : "",
			 res.repo ? " " : "", res.repo ? res.suite : "", total,
			 res.seconds[BPO_STAGE_RESOLVE], res.seconds[BPO_STAGE_SOURCE],
			 res.seconds[BPO_STAGE_DEPS], res.seconds[BPO_STAGE_BUILD],
			 res.seconds[BPO_STAGE_QA], res.seconds[BPO_STAGE_PUBLISH]);
	}
report:
	if (json) {
		if (bpo_pipeline_result_json(&res, &out, &err) == 0)
			printf("%.*s\n", (int)out.len, out.data ? out.data : "");
	} else if (rc == BPO_EXIT_OK && !res.skipped) {
		for (size_t i = 0; i < res.n_artifacts; i++)
			printf("%s\n", res.artifacts[i].path);
		if (res.build_log)
			printf("%s\n", res.build_log);
		if (res.log_path)
			printf("%s\n", res.log_path);
	}
	if (fflush(stdout) != 0 && rc == BPO_EXIT_OK)
		rc = BPO_EXIT_FAIL;
	bpo_buf_destroy(&out);
	bpo_pipeline_result_destroy(&res);
	bpo_config_destroy(&cfg);
	bpo_recipe_destroy(&r);
	return rc;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"release", required_argument, NULL, 'r'},
		{"arch", required_argument, NULL, 'a'},
		{"result", required_argument, NULL, 'o'},
		{"profiles", required_argument, NULL, 'P'},
		{"timeout", required_argument, NULL, 't'},
		{"extra-source", required_argument, NULL, 'x'},
		{"binary", no_argument, NULL, 'b'},
		{"arch-only", no_argument, NULL, 'B'},
		{"indep-only", no_argument, NULL, 'A'},
		{"full", no_argument, NULL, 'F'},
		{"no-cache", no_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"repo", required_argument, NULL, OPT_REPO},
		{"no-publish", no_argument, NULL, OPT_NO_PUBLISH},
		{"upload", required_argument, NULL, OPT_UPLOAD},
		{"sign-key", required_argument, NULL, OPT_SIGNKEY},
		{"gnupghome", required_argument, NULL, OPT_GNUPGHOME},
		{"rebuild", no_argument, NULL, OPT_REBUILD},
		{"no-qa", no_argument, NULL, OPT_NO_QA},
		{"work-dir", required_argument, NULL, OPT_WORK_DIR},
		{"force-version", no_argument, NULL, OPT_FORCE},
		{"no-index-check", no_argument, NULL, OPT_NO_INDEX},
		{"target-archive", required_argument, NULL, OPT_TARCHIVE},
		{"target-keyring", required_argument, NULL, OPT_TKEYRING},
		{"target-suites", required_argument, NULL, OPT_TSUITES},
		{"newer-archive", required_argument, NULL, OPT_NARCHIVE},
		{"newer-suite", required_argument, NULL, OPT_NSUITE},
		{"newer-keyring", required_argument, NULL, OPT_NKEYRING},
		{NULL, 0, NULL, 0},
	};
	struct bpo_pipeline_opts po = {0};
	const char *dsc_only = NULL, *recipe_only = NULL, *newer[3] = {NULL, NULL, NULL};
	struct bpo_build_opts o = {.type = BPO_BUILD_BINARY};
	struct bpo_strv extra = {0};
	struct bpo_config cfg;
	struct bpo_build_result r;
	struct bpo_error err;
	bool json = false, have_cfg = false;
	int opt, rc = BPO_EXIT_OK;
	char *result_abs = NULL;

	bpo_error_init(&err);
	bpo_build_result_init(&r);
	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd_build.usage, stdout);
		return BPO_EXIT_OK;
	}
	optind = 0; /* 0: glibc re-initialises (main.c scanned with "+") */
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			o.release = optarg;
			break;
		case 'a':
			o.arch = optarg;
			break;
		case 'o':
			o.result_dir = optarg;
			break;
		case 'P':
			o.profiles = optarg;
			break;
		case 't': {
			char *e = NULL;
			unsigned long v = strtoul(optarg, &e, 10);
			if (!e || *e || optarg[0] < '0' || optarg[0] > '9' || v == 0 || v > 604800) {
				rc = bpo_cmd_usage_error(&cmd_build, "--timeout: expected seconds "
							 "(1..604800), got \"%s\"", optarg);
				goto out;
			}
			o.timeout = (unsigned)v;
			break;
		}
		case 'x':
			bpo_strv_push(&extra, optarg);
			break;
		case 'b':
			o.type = BPO_BUILD_BINARY;
			break;
		case 'B':
			o.type = BPO_BUILD_ANY;
			break;
		case 'A':
			o.type = BPO_BUILD_ALL;
			break;
		case 'F':
			o.type = BPO_BUILD_FULL;
			break;
		case 'n':
			o.no_cache = true;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			o.verbose = true;
			po.verbose = true;
			break;
		case OPT_REPO:
			po.repo = optarg;
			recipe_only = "--repo";
			break;
		case OPT_NO_PUBLISH:
			po.no_publish = true;
			recipe_only = "--no-publish";
			break;
		case OPT_UPLOAD:
			po.upload_dir = optarg;
			recipe_only = "--upload";
			break;
		case OPT_SIGNKEY:
			po.upload_key = optarg;
			recipe_only = "--sign-key";
			break;
		case OPT_GNUPGHOME:
			po.upload_gnupghome = optarg;
			recipe_only = "--gnupghome";
			break;
		case OPT_REBUILD:
			po.rebuild = true;
			recipe_only = "--rebuild";
			break;
		case OPT_NO_QA:
			po.no_qa = true;
			recipe_only = "--no-qa";
			break;
		case OPT_WORK_DIR:
			po.work_dir = optarg;
			recipe_only = "--work-dir";
			break;
		case OPT_FORCE:
			po.force_version = true;
			recipe_only = "--force-version";
			break;
		case OPT_NO_INDEX:
			po.no_index_check = true;
			recipe_only = "--no-index-check";
			break;
		case OPT_TARCHIVE:
			po.target_archive = optarg;
			recipe_only = "--target-archive";
			break;
		case OPT_TKEYRING:
			po.target_keyring = optarg;
			recipe_only = "--target-keyring";
			break;
		case OPT_TSUITES:
			po.target_suites = optarg;
			recipe_only = "--target-suites";
			break;
		case OPT_NARCHIVE:
			newer[0] = optarg;
			recipe_only = "--newer-archive";
			break;
		case OPT_NSUITE:
			newer[1] = optarg;
			recipe_only = "--newer-suite";
			break;
		case OPT_NKEYRING:
			newer[2] = optarg;
			recipe_only = "--newer-keyring";
			break;
		default:
			rc = bpo_cmd_usage_error(&cmd_build, "unknown option");
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = bpo_cmd_usage_error(&cmd_build, optind >= argc ? "no RECIPE or FILE.dsc given"
								  : "exactly one RECIPE or FILE.dsc expected");
		goto out;
	}
	if (o.release)
		dsc_only = "--release";
	else if (o.arch)
		dsc_only = "--arch";
	else if (o.result_dir)
		dsc_only = "--result";
	else if (o.profiles)
		dsc_only = "--profiles";
	else if (o.timeout)
		dsc_only = "--timeout";
	else if (extra.n)
		dsc_only = "--extra-source";
	else if (o.no_cache)
		dsc_only = "--no-cache";
	else if (o.type != BPO_BUILD_BINARY)
		dsc_only = "the build type options";
	if (!bpo_str_has_suffix(argv[optind], ".dsc")) {
		if (dsc_only) {
			rc = bpo_cmd_usage_error(&cmd_build, "%s: %s is for a .dsc; a recipe names "
						 "these in its target: and build: sections",
						 argv[optind], dsc_only);
			goto out;
		}
		rc = run_recipe(ctx, argv[optind], &po, newer, json);
		goto out;
	}
	if (recipe_only) {
		rc = bpo_cmd_usage_error(&cmd_build, "%s: %s is for a recipe", argv[optind],
					 recipe_only);
		goto out;
	}
	o.dsc = argv[optind];
	if (!o.release) {
		rc = bpo_cmd_usage_error(&cmd_build, "--release RELEASE is required");
		goto out;
	}
	if (o.profiles) {
		for (const char *p = o.profiles; *p; p++)
			if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') &&
			    !strchr(",.-+ ", *p)) {
				rc = bpo_cmd_usage_error(&cmd_build, "--profiles: bad profile list "
							 "\"%s\"", o.profiles);
				goto out;
			}
	}
	for (size_t i = 0; i < extra.n; i++) {
		char *kf = NULL;
		if (bpo_build_extra_source_parse(extra.v[i], &kf, &err) < 0) {
			rc = bpo_cmd_fail(&err);
			goto out;
		}
		free(kf);
	}
	o.extra_sources = (const char *const *)extra.v;
	o.n_extra_sources = extra.n;
	if (o.result_dir && o.result_dir[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			rc = bpo_cmd_usage_error(&cmd_build, "cannot get the current directory");
			goto out;
		}
		result_abs = bpo_xasprintf("%s/%s", cwd, o.result_dir);
		o.result_dir = result_abs;
	}
	bpo_config_init(&cfg);
	have_cfg = true;
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	bpo_chroot_signals_install();
	if (bpo_build_run(&cfg, &o, &r, &err) < 0) {
		int sig = bpo_chroot_interrupted();
		rc = bpo_error_exit_code(&err);
		if (r.phase >= BPO_BUILD_DEPS && rc == BPO_EXIT_USAGE)
			rc = BPO_EXIT_FAIL;
		bpo_error("build of %s failed in phase %s: %s", o.dsc,
			  bpo_build_phase_name(r.phase), err.msg);
		if (r.log_path && r.phase >= BPO_BUILD_DEPS)
			print_tail(r.log_path, TAIL_LINES);
		if (r.log_path)
			bpo_error("full log: %s", r.log_path);
		if (json)
			print_json(&r, &err);
		if (sig)
			rc = 128 + sig;
		goto out;
	}
	if (json) {
		print_json(&r, &err);
	} else {
		bpo_info("built %s %s for %s/%s in %.1f s (setup %.1f, deps %.1f%s, build %.1f, "
			 "collect %.1f)", r.source, r.version, o.release, r.arch,
			 r.seconds[0] + r.seconds[1] + r.seconds[2] + r.seconds[3], r.seconds[0],
			 r.seconds[1], r.deps_cached ? " cached" : "", r.seconds[2], r.seconds[3]);
		for (size_t i = 0; i < r.n_artifacts; i++)
			printf("%s/%s\n", r.result_dir, r.artifacts[i].name);
		printf("%s\n", r.log_path);
	}
	if (fflush(stdout) != 0)
		rc = BPO_EXIT_FAIL;
out:
	if (have_cfg)
		bpo_config_destroy(&cfg);
	bpo_build_result_destroy(&r);
	bpo_strv_destroy(&extra);
	free(result_abs);
	return rc;
}
