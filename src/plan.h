/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan: the order in which recipes build. A recipe whose source build-depends
 * on a binary package that another recipe produces comes after it. Cycles are
 * errors that name the recipes in the cycle.
 */
#ifndef BPO_PLAN_H
#define BPO_PLAN_H

#include <stddef.h>

#include "buf.h"
#include "depends.h"
#include "err.h"

struct bpo_plan_node {
	const char *name;          /* recipe name (borrowed) */
	const char *recipe_path;   /* borrowed */
	const char *const *binaries; /* binary packages it builds, NULL-terminated (borrowed) */
	const struct bpo_deps *build_deps; /* Build-Depends(-Arch,-Indep) merged (borrowed) */
};

struct bpo_plan {
	size_t n;
	size_t *order;   /* indices into the nodes, dependencies first */
	size_t **needs;  /* needs[i]: indices node i waits for, n_needs[i] of them */
	size_t *n_needs;
};

/* Order the nodes; on a cycle, err names it ("cycle: a -> b -> a"). */
int bpo_plan_make(struct bpo_plan *plan, const struct bpo_plan_node *nodes, size_t n,
		  struct bpo_error *err);
void bpo_plan_destroy(struct bpo_plan *plan);
/* A Makefile with one target per recipe running `$(BPO) build $(BPO_FLAGS)
 * RECIPE`; bpo and flags (argv-style, NULL-terminated, may be NULL) are the
 * defaults of BPO and BPO_FLAGS, quoted for the shell and for make. */
int bpo_plan_write_make(const struct bpo_plan *plan, const struct bpo_plan_node *nodes,
			const char *const *bpo, const char *const *flags, struct bpo_buf *out,
			struct bpo_error *err);
/* A GitLab CI pipeline (YAML) for the plan: per recipe a build job that
 * uploads to the incoming queue $BPO_QUEUE (bpo build --upload) and a publish
 * job that processes the queue into $BPO_REPO (resource_group bpo-publish: one
 * at a time); a recipe's build job needs the publish jobs of the recipes it
 * waits for, in stages build-N/publish-N by depth. bpo, flags and repo are the
 * defaults of BPO, BPO_FLAGS and BPO_REPO (repo may be NULL). */
int bpo_plan_write_gitlab(const struct bpo_plan *plan, const struct bpo_plan_node *nodes,
			  const char *const *bpo, const char *const *flags, const char *repo,
			  struct bpo_buf *out, struct bpo_error *err);
/* Append word to out quoted for a make recipe line run by sh. */
int bpo_plan_quote_make(const char *word, struct bpo_buf *out, struct bpo_error *err);

#endif
