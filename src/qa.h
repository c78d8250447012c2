/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qa: test a build before it is published. The checks run on an existing
 * build: a .changes file and the files it lists next to it (the .debs, and
 * the .dsc with its files for autopkgtest, as `bpo build` collects them).
 *
 *   install      a fresh root of the release (host network, the .debs
 *                bind-mounted read-only): apt-get update, then
 *                apt-get install ./x.deb ... of every built binary
 *   upgrade      another fresh root: the release's own version of each built
 *                binary the release has, then the backport's .debs, then
 *                apt-get remove, then apt-get purge
 *   lintian      the release's lintian on the .changes (E/W/I counts, the E
 *                tags listed)
 *   autopkgtest  when the .dsc says Testsuite: autopkgtest: the release's
 *                autopkgtest on the .dsc with the built .debs, virt server
 *                `null` inside bpo's root; a result per test
 *   regression   each built binary against the same source's binaries in a
 *                newer release's Packages index (signed Release verified
 *                through index.h): relation fields with the versions
 *                dropped, Multi-Arch, Architecture and the set of packages
 *
 * The tool roots (lintian, autopkgtest) sit on a cached layer with both tools
 * installed, <cache>/chroots/layers/<key> (key: sha256 of a tag, the image's
 * sha256 and the architecture), made and pruned like `bpo build`'s
 * build-dependency layers (its "complete" file starts with Image-SHA256). Every root is thrown away; no
 * mount, process or temporary directory is left, also on failure.
 *
 * Ownership: a report owns every string in it; bpo_qa_report_free().
 */
#ifndef BPO_QA_H
#define BPO_QA_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

struct bpo_config;

enum bpo_qa_check {
	BPO_QA_INSTALL = 0,
	BPO_QA_UPGRADE,
	BPO_QA_LINTIAN,
	BPO_QA_AUTOPKGTEST,
	BPO_QA_REGRESSION,
	BPO_QA_N
};

/* What a failed check means. DEFAULT picks the check's default (install,
 * upgrade and autopkgtest: fail; lintian and regression: warn). */
enum bpo_qa_policy {
	BPO_QA_POLICY_DEFAULT = 0,
	BPO_QA_POLICY_FAIL,
	BPO_QA_POLICY_WARN,
	BPO_QA_POLICY_SKIP,
};

enum bpo_qa_status {
	BPO_QA_SKIPPED = 0, /* skipped by policy, or not applicable (see summary) */
	BPO_QA_PASSED,
	BPO_QA_FAILED,
	BPO_QA_ERROR,       /* the check could not run (setup, network); counts as failed */
};

/* One finding: a package (or test) and what happened to it. */
struct bpo_qa_item {
	char *name;    /* binary package, test name or lintian package */
	char *what;    /* step (install, upgrade, remove, purge...), test result
			  (pass, fail, skip, flaky), lintian tag, or field name */
	char *message; /* apt/dpkg's message, test detail, tag info, difference */
	bool info;     /* information only, not a failure: a library rename
			  (t64, v5) in the regression diff */
};

struct bpo_qa_result {
	enum bpo_qa_policy policy;  /* resolved: never DEFAULT */
	enum bpo_qa_status status;
	const char *failure_class;  /* deps, install, upgrade, purge, test-failure,
				       lintian, regression, error; NULL when passed */
	char *summary;              /* one line */
	struct bpo_qa_item *items;
	size_t n_items, cap_items;
	unsigned lintian_counts[3]; /* E, W, I */
	double seconds;
};

struct bpo_qa_report {
	char *source, *version, *changes;
	struct bpo_strv packages;   /* the built binaries */
	char *log_path;
	struct bpo_qa_result r[BPO_QA_N];
};

struct bpo_qa_opts {
	const char *changes_path;
	const char *release;
	const char *arch;                 /* NULL: the host's */
	const char *const *extra_sources; /* "deb [signed-by=KEY] URI SUITE COMP..."
					     lines, the target repository included */
	size_t n_extra;
	const char *const *bind_dirs;     /* host dirs bound read-only at the same path
					     (file: URIs of extra sources) */
	size_t n_bind;
	enum bpo_qa_policy policy[BPO_QA_N];
	const char *newer_url;            /* regression: a newer release's archive */
	const char *newer_suite;
	const char *newer_keyring;
	const char *log_path;             /* NULL: next to the .changes, SOURCE_VERSION_ARCH.qa */
	bool verbose;                     /* copy the log to stderr */
	/* the build relaxed build dependencies (a recipe's build.relax): the
	   regression check with the default policy then fails on a loss (a
	   Provides, Breaks or Replaces relation, or a binary package, that the
	   newer release has and the backport does not) */
	bool relaxed;
};

/* "install", "upgrade", "lintian", "autopkgtest", "regression". */
const char *bpo_qa_check_name(enum bpo_qa_check c);
/* The check called name, or -1. */
int bpo_qa_check_from_name(const char *name);
/* "fail", "warn", "skip" (DEFAULT is shown as the check's default). */
const char *bpo_qa_policy_name(enum bpo_qa_policy p);
/* Parse "fail", "warn" or "skip" into *p; -1 otherwise. */
int bpo_qa_policy_parse(const char *s, enum bpo_qa_policy *p);
/* The policy DEFAULT stands for, for check c. */
enum bpo_qa_policy bpo_qa_policy_default(enum bpo_qa_check c);
const char *bpo_qa_status_name(enum bpo_qa_status s);

void bpo_qa_report_init(struct bpo_qa_report *rep);
void bpo_qa_report_free(struct bpo_qa_report *rep);

/*
 * Run every check whose policy is not skip. Returns 0 when the checks ran
 * (whatever their results: see bpo_qa_report_fatal), -1 when the input is
 * bad or nothing could run (err: a .changes that does not verify is
 * BPO_E_VERIFY, a missing file BPO_E_NOTFOUND, no image BPO_E_NOTFOUND).
 */
int bpo_qa_run(const struct bpo_config *cfg, const struct bpo_qa_opts *o,
	       struct bpo_qa_report *rep, struct bpo_error *err);

/* 1 when a check whose policy is fail failed (or could not run), else 0. */
int bpo_qa_report_fatal(const struct bpo_qa_report *rep);
/* The human summary: a line per check, then its findings indented. */
void bpo_qa_report_text(const struct bpo_qa_report *rep, struct bpo_buf *out);
/* One JSON object: source, version, changes, packages, log, fatal, and
 * checks: {name: {policy, status, class, summary, seconds, items: [{name,
 * what, message}], (lintian) counts: {E, W, I}}}. */
int bpo_qa_report_json(const struct bpo_qa_report *rep, struct bpo_buf *out,
		       struct bpo_error *err);

/* Parsers of tool output, exposed for the unit tests. Each adds items to r. */
/* apt-get/dpkg output of step `step`: unmet dependencies (" pkg : Depends: x
 * but ..."), dpkg's "error processing package P (--op):" with the script's
 * message, and E: lines. Returns the class: "deps" when dependencies were
 * unmet, else default_class. */
const char *bpo_qa_parse_apt(const char *out, const char *step, const char *default_class,
			     const struct bpo_strv *packages, struct bpo_qa_result *r);
/* `apt-cache policy P...` output ("P:" then "  Candidate: V"): "P=V" pushed
 * to have for each package with a candidate. */
void bpo_qa_parse_policy(const char *out, struct bpo_strv *have);
/* lintian output: counts E/W/I tags, lists the E tags. */
void bpo_qa_parse_lintian(const char *out, struct bpo_qa_result *r);
/* autopkgtest's --summary-file: one "NAME RESULT [detail]" line a test.
 * Returns the number of failed (FAIL) tests, flaky ones not counted. */
int bpo_qa_parse_autopkgtest(const char *summary, struct bpo_qa_result *r);
/* Compare a built binary's control paragraph (text) with the newer release's
 * stanza of the same package (text); differences become items. A relation
 * lost and one gained that differ only by a library transition's suffix of a
 * name (t64, v5, c2, ldbl: libfoo1t64 in the newer release, libfoo1 here)
 * are one info item "renamed", not a difference. */
/* Whether relation groups a and b ("x | y", names only) differ only by such
 * renames, at least one. */
bool bpo_qa_renamed(const char *a, const char *b);
/* Whether a control paragraph is a debug symbol package's (Auto-Built-Package
 * lists debug-symbols, as dh_strip writes for a -dbgsym): the regression
 * check reports such a package that the newer release lacks as information,
 * since its debug symbols live in its debug archive. */
bool bpo_qa_debug_package(const char *control);
int bpo_qa_compare_control(const char *package, const char *built, const char *newer,
			   struct bpo_qa_result *r, struct bpo_error *err);

#endif
