/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pipeline: the whole chain for one recipe, and what `bpo run` and
 * `bpo check` need to know about many.
 *
 *   resolve  the source's version in its suite (verified indices), its
 *            binaries and build dependencies; what the target repository has
 *            published already (its Sources index)
 *   source   fetch, verify, unpack, patch, version, changelog, dpkg-source -b
 *            (source.h)
 *   build    in a fresh root of the target release (build.h); the target
 *            repository is an extra apt source, so a recipe can build-depend
 *            on another recipe's published binaries
 *   qa       install, upgrade, lintian, autopkgtest and regression checks on
 *            the build (qa.h), each fail|warn|skip by the recipe's qa:, else
 *            bpo.conf's, else qa.h's defaults; a failed fatal check stops here
 *   publish  the binary and source .changes into the repository (repo.h)
 *
 * A recipe whose resolved version is already published (as a backport of the
 * same upstream version) is not built again unless opts->rebuild.
 */
#ifndef BPO_PIPELINE_H
#define BPO_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "bpoconf.h"
#include "buf.h"
#include "depends.h"
#include "depcheck.h"
#include "err.h"
#include "json.h"
#include "recipe.h"
#include "xmem.h"

enum bpo_stage {
	BPO_STAGE_RESOLVE = 0,
	BPO_STAGE_SOURCE,
	BPO_STAGE_DEPS,   /* the build-dependency verdict from the indices (depcheck.h) */
	BPO_STAGE_BUILD,
	BPO_STAGE_QA,
	BPO_STAGE_PUBLISH,
	BPO_STAGE_DONE,
};
const char *bpo_stage_name(enum bpo_stage s);

struct bpo_resolved {
	char *source;
	char *version;           /* the version its suite offers (or the pinned one) */
	struct bpo_strv binaries;
	struct bpo_deps build_deps; /* Build-Depends, -Arch and -Indep merged */
	struct bpo_strv published;  /* versions the target repository has, highest first */
	char *published_base;    /* upstream version the newest published one is a backport of */
	struct bpo_strv published_fixes; /* the advisory ids the newest published one carries */
	char *published_recipe;  /* the newest published one's Bpo-Recipe digest (hex), or
				    NULL (none recorded: published before bpo recorded it) */
	char recipe_digest[65];  /* the recipe's now (bpo_recipe_digest) */
	bool recipe_changed;     /* the same version is published, from another recipe */
	bool outdated;           /* nothing published, a backport of an older version,
				    or recipe_changed */
};

void bpo_resolved_init(struct bpo_resolved *res);
void bpo_resolved_destroy(struct bpo_resolved *res);
/* Resolve r: its source in its suite, and what r's publish target holds. */
int bpo_pipeline_resolve(const struct bpo_recipe *r, const struct bpo_config *cfg,
			 const char *repo_override, struct bpo_resolved *res,
			 struct bpo_error *err);
/* The versions of source that repo (a repository directory) has in r's
 * publish suite and component, highest first (none when nothing is there). */
int bpo_pipeline_repo_versions(const struct bpo_recipe *r, const char *repo,
			       const char *source, struct bpo_strv *out, struct bpo_error *err);
/* The version a published backport was made from: strips "~bpoN+M" (policy
 * bpo) or the local suffix and its number (policy local). Owned. */
char *bpo_pipeline_base_version(const struct bpo_recipe *r, const char *published);

struct bpo_pipeline_opts {
	const char *work_dir;        /* NULL: <cfg work_dir>/<recipe name> */
	const char *repo;            /* NULL: the recipe's publish.repo */
	bool rebuild;
	bool force_version;
	bool no_publish;
	const char *upload_dir;      /* instead of publishing: sign the upload and put it
					into this incoming queue (upload.h) */
	const char *upload_key;      /* its signing key (NULL: the recipe's publish.key) */
	const char *upload_gnupghome; /* the key's GnuPG home (NULL: gpg's default) */
	const char *target_archive;  /* passed to source.h (NULL: the mirror) */
	const char *target_keyring;
	const char *target_suites;
	bool no_index_check;
	bool no_qa;                  /* skip every check (qa.h) */
	bool deps_only;              /* stop after the deps stage (bpo deps); also
					when the version is already published */
	bool verbose;
};

/* At most this many lines of a log or a check's findings in explain. */
#define BPO_EXPLAIN_LINES 20
/* The version of the --json objects of bpo build, run and check (doc/schema/). */

struct bpo_pipeline_artifact {
	char *path;
	char sha256[65];
};

struct bpo_pipeline_result {
	char *recipe;            /* file */
	enum bpo_stage stage;    /* reached: the failing one on failure, DONE on success */
	int exit_code;
	bool skipped;            /* already published, nothing done */
	char *source, *upstream_version, *version;
	char *work_dir;
	char *log_path;          /* WORK/bpo.log: every message of this build */
	char *build_log;         /* the chroot build's log, or NULL */
	char *repo, *suite;
	char *upload;            /* the queued .changes (--upload), or NULL */
	double seconds[BPO_STAGE_DONE];
	double stage_start;      /* monotonic start of the current stage (internal) */
	struct bpo_pipeline_artifact *artifacts;
	size_t n_artifacts;
	char *error;             /* the error message on failure */
	char *qa_json;           /* the QA report (qa.h) as a JSON object, or NULL */
	char *deps_json;         /* the deps stage's verdict (depcheck.h's JSON), or NULL */
	char *fixes_json;        /* the security fixes the backport carries (a JSON
				    array, fixes.h), or NULL before the source stage */
	struct bpo_depcheck_result *deps; /* the same verdict, or NULL (not decided) */
	/* the build log's warnings that a build against an older toolchain than
	   the source expects gives (bpo_pipeline_build_warnings): a substitution
	   variable used but not defined, a DEB_BUILD_MAINT_OPTIONS feature the
	   release's dpkg-buildflags does not know; one line each */
	struct bpo_strv build_warnings;
	const char *failure_class; /* on failure, its class (bpo(1) FAILURE CLASSES:
				      dep-wait, verify, fetch, patch-conflict,
				      version, source, ftbfs, timeout, interrupted,
				      qa-install, qa-upgrade, qa-test, lintian,
				      regression, qa-setup, sign, publish, usage),
				      else NULL */
	struct bpo_strv explain;  /* on failure, the lines that explain it: the
				      error's, then the end of the build log or
				      the failing check's findings */
	char *valid_until_json;  /* the expired suites a Valid-Until override let
				    through, a JSON array of {archive, suite,
				    valid_until, accepted_by}, or NULL */
	bool qa_fatal;           /* a check whose policy is fail failed: not published */
};

void bpo_pipeline_result_init(struct bpo_pipeline_result *res);
/* The warnings of a build log's text (see build_warnings), pushed to out
 * once each (unit-tested). */
void bpo_pipeline_build_warnings(const char *log, struct bpo_strv *out);
void bpo_pipeline_result_destroy(struct bpo_pipeline_result *res);
/* Run the whole chain for r. Returns the exit code; res says how far it got. */
int bpo_pipeline_build(const struct bpo_recipe *r, const struct bpo_config *cfg,
		       const struct bpo_pipeline_opts *opts, struct bpo_pipeline_result *res);
/* The qa stage alone on r's existing build (the .changes in WORK/result, WORK as
 * for bpo_pipeline_build): `bpo qa RECIPE`. Returns the exit code: 0 when no
 * fatal check failed, 1 when one did, else the error's. */
int bpo_pipeline_qa(const struct bpo_recipe *r, const struct bpo_config *cfg,
		    const struct bpo_pipeline_opts *opts, struct bpo_pipeline_result *res);
/* res failed at stage with err: its stage, exit code, error, failure class
 * and explain lines (the stage's seconds up to now). Returns the exit code. */
int bpo_pipeline_result_fail(struct bpo_pipeline_result *res, enum bpo_stage stage,
			     const struct bpo_error *err);
/* One JSON object (no newline). */
int bpo_pipeline_result_json(const struct bpo_pipeline_result *res, struct bpo_buf *out,
			     struct bpo_error *err);



/* Recipe files named by args: a directory gives its *.yaml and *.yml files
 * (sorted by name); a file is taken as it is. */
int bpo_pipeline_collect(char *const *args, size_t n, struct bpo_strv *files,
			 struct bpo_error *err);
#endif
