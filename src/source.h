/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source: make the backport's source package from a recipe.
 *
 *   fetch + verify (bpo_fetch_recipe)
 *   -> version (policy.h), before any work on the tree: the versions of the
 *   source and its binaries in the verified indices of the target release
 *   (release, -updates, -security, and the backports distribution, whose
 *   versions count as published rebuilds) and of the source's own suite
 *   -> unpack (bpo_srcpkg_unpack, as dpkg-source -x does, .pc/ included)
 *   -> the recipe's patch series, checked all or nothing (bpo_patch_refit: a
 *   dry run that also regenerates each patch at fuzz 0); for "3.0 (quilt)":
 *   patches touching only upstream files are written (refitted) to
 *   debian/patches/ and appended to debian/patches/series, left for
 *   dpkg-source -b to apply (it records them in .pc/); patches touching only
 *   debian/ are applied to the tree; a patch touching both is an error.
 *   Other formats: every patch is applied to the tree.
 *   -> changelog entry -> dpkg-source -b with the fetched orig tarball(s)
 *   byte for byte -> dpkg-genchanges -S [-sa] -v<target release version>
 *   writing <source>_<version>_source.changes (-sa when the backports
 *   distribution has no version of this upstream yet).
 *
 * A failure removes the tree it made; the orig tarball(s) copied into dest
 * (verified, unchanged) stay.
 *
 * Output in opts->dest: <source>-<upstream>/ (the tree), the orig
 * tarball(s), the new .dsc, .debian.tar.* (or .diff.gz / .tar.*), and the
 * source .changes. The destination tree must not exist yet.
 */
#ifndef BPO_SOURCE_H
#define BPO_SOURCE_H

#include <stdbool.h>

#include "bpoconf.h"
#include "buf.h"
#include "err.h"
#include "fixes.h"
#include "recipe.h"
#include "xmem.h"

struct bpo_source_opts {
	const char *dest;           /* output directory (created), required */
	bool force_version;         /* version-order violations are warnings */
	bool no_index_check;        /* do not read the target release's indices */
	const char *target_archive; /* NULL: cfg->mirror */
	const char *target_keyring; /* NULL: cfg->keyring */
	const char *target_suites;  /* comma-separated; NULL: <release>, <release>-updates,
				       <distribution> and <release>-security (missing ones are
				       skipped with a warning); -security comes from the
				       target archive when one is given, else from
				       cfg->security_mirror */
	const char *arch;           /* for binary versions; NULL: recipe, else the host's */
	const char *const *published; /* NULL-terminated versions of this source that the
					 publish target already holds (bpo build RECIPE), or
					 NULL: counted like the distribution's own versions */
	bool orig_by_published;     /* the source .changes carries the orig tarball(s)
				       (-sa) unless `published` has the same upstream
				       version: the publish target, not the release,
				       decides (a private repository has no orig yet) */
};

struct bpo_source_patch {
	char *name;
	char *description; /* DEP-3 Description/Subject first line, or NULL */
	bool in_series;    /* added to debian/patches/series (else applied to the tree) */
};

struct bpo_source_result {
	char *source;
	char *old_version;    /* the fetched source's version */
	char *version;        /* the new version */
	char *since;          /* -v version (the target release's), or NULL */
	char *format;
	char *tree;
	char *dsc;
	char *changes;
	struct bpo_strv files;       /* files of the new source package (names in dest) */
	struct bpo_strv orig_sha256; /* "name sha256" of each orig tarball, as fetched */
	struct bpo_source_patch *patches;
	size_t n_patches;
	struct bpo_fixes fixes;      /* the security fixes it carries (fixes.h) */
};

void bpo_source_result_init(struct bpo_source_result *res);
void bpo_source_result_destroy(struct bpo_source_result *res);

/* Make the source package for recipe r (see the top of this header). */
int bpo_source_make(const struct bpo_recipe *r, const struct bpo_config *cfg,
		    const struct bpo_source_opts *opts, struct bpo_source_result *res,
		    struct bpo_error *err);

/* The first line of a patch header's DEP-3 Description: (or Subject:, with a
 * "[PATCH ...]" prefix removed), owned; NULL when there is none. */
char *bpo_source_dep3_description(const char *header);

/* The result as JSON (one object, newline-terminated). */
int bpo_source_result_json(const struct bpo_source_result *res, struct bpo_buf *out,
			   struct bpo_error *err);

#endif
