/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * depplan: the closure of a backport's build dependencies (bpo deps --plan).
 * Starting from a recipe, the deps verdict (depcheck.h, through the
 * pipeline's resolve, source and deps stages) names each relation the
 * release cannot satisfy and, from the newer release, the source package
 * whose version would. Each such source gets a recipe of its own in the
 * plan directory (from the same newer archive and suite, for the same
 * release, with the same extra sources), and is checked the same way, to
 * the fixpoint. `bpo run DIR RECIPE` then builds the set in dependency
 * order, each backport published before the next build needs it.
 *
 * Not proposed for an automatic backport, each reported as an issue (the
 * plan is then incomplete): a source that is toolchain (dpkg, gcc-*,
 * glibc, binutils, gcc-defaults, and the caller's patterns: relax the
 * relation instead), a relation the target's backports suite satisfies
 * (enable that suite), one no suite satisfies, a source deeper than
 * max_depth, and cycles (A needs B needs A).
 */
#ifndef BPO_DEPPLAN_H
#define BPO_DEPPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bpoconf.h"
#include "buf.h"
#include "err.h"
#include "pipeline.h"
#include "recipe.h"
#include "xmem.h"

#define BPO_DEPPLAN_MAX_DEPTH 5

struct bpo_depplan_opts {
	const char *dir;                 /* where the recipes are written (made) */
	unsigned max_depth;              /* 0: BPO_DEPPLAN_MAX_DEPTH */
	const char *const *toolchain;    /* more fnmatch patterns of toolchain sources */
	size_t n_toolchain;
	struct bpo_pipeline_opts po;     /* each check's (deps_only is set) */
};

struct bpo_depplan_node {
	char *source, *version;  /* the backport's, when its source stage ran */
	char *recipe;            /* the recipe file (the root's, or written in dir) */
	size_t parent;           /* index of the node that needs it (the root: 0 itself) */
	char *relation;          /* the parent's relation it satisfies (NULL: the root) */
	unsigned depth;
	bool satisfiable;        /* its verdict */
};

struct bpo_depplan_issue {
	const char *kind; /* cycle, depth, toolchain, enable, nowhere, failed */
	char *message;
};

struct bpo_depplan_result {
	struct bpo_depplan_node *nodes;
	size_t n_nodes;
	struct bpo_depplan_issue *issues;
	size_t n_issues;
	bool complete;   /* every unmet relation is covered by a recipe of the plan */
};

void bpo_depplan_result_init(struct bpo_depplan_result *res);
void bpo_depplan_result_destroy(struct bpo_depplan_result *res);
/* Make the plan for root. -1 only when nothing could be decided (the root's
 * own stages failed, dir cannot be made): err says why. */
int bpo_depplan_run(const struct bpo_recipe *root, const struct bpo_config *cfg,
		    const struct bpo_depplan_opts *o, struct bpo_depplan_result *res,
		    struct bpo_error *err);
/* Whether a source package is toolchain: the default list or patterns. */
bool bpo_depplan_is_toolchain(const char *source, const char *const *more, size_t n_more);
/* One JSON object: complete, recipes [{source, version, recipe, needed_by,
 * relation, depth}], issues [{kind, message}]. */
void bpo_depplan_json(const struct bpo_depplan_result *res, struct bpo_buf *out);

#endif
