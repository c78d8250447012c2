/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recipe: a backport recipe (YAML, see bpo-recipe(5)) read with libyaml into
 * struct bpo_recipe. Unknown keys, wrong types and missing required fields are
 * errors "file:line:column: message" (BPO_E_SYNTAX). Relative paths (patches,
 * keyrings) are resolved against the recipe's directory when parsed.
 *
 * Ownership: the recipe owns every string; free with bpo_recipe_destroy().
 */
#ifndef BPO_RECIPE_H
#define BPO_RECIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

enum bpo_source_kind { BPO_SOURCE_ARCHIVE, BPO_SOURCE_DSC };
enum bpo_version_policy { BPO_POLICY_BPO, BPO_POLICY_LOCAL };

struct bpo_recipe_patch {
	char *path;   /* local file (absolute after parsing), or NULL */
	char *url;    /* or a URL ... */
	char *sha256; /* ... pinned by sha256 (required with url, optional with path) */
	char *name;   /* file name used in debian/patches (basename of path/url) */
	unsigned line, column;
};

struct bpo_recipe_apt_source {
	char *uri;
	char *suite;
	char **components; /* NULL-terminated */
	char *keyring;     /* signed-by file */
};

struct bpo_recipe {
	char *file; /* as given */
	char *dir;  /* directory of the recipe file (absolute) */
	char *name; /* recipe name: file name without .yaml */

	struct {
		enum bpo_source_kind kind;
		char *package;   /* required for archive sources */
		char *archive;   /* archive base URL ("mirror" = the configured mirror) */
		char *suite;
		char *component; /* default "main" */
		char *keyring;   /* OpenPGP keyring file that signs the archive / .dsc */
		char *dsc;       /* .dsc URL for BPO_SOURCE_DSC */
		char *version;   /* pinned version, or NULL for the highest */
		bool allow_unsigned;
	} source;

	struct {
		char *release;        /* codename, e.g. bookworm */
		unsigned release_number; /* 12 for bookworm; from chroot/ configs or known list */
		enum bpo_version_policy policy;
		char *local_suffix;   /* for BPO_POLICY_LOCAL, e.g. "+acme1" */
		char *distribution;   /* changelog distribution, default <release>-backports */
	} target;

	struct {
		char *text;  /* changelog text, default "Rebuild for <distribution>." */
		char **cves; /* NULL-terminated */
		char *maintainer; /* "Name <email>", overrides config */
	} changelog;

	struct bpo_recipe_patch *patches;
	size_t n_patches;
	unsigned fuzz; /* max fuzz, default 2 */

	struct {
		char **profiles;       /* NULL-terminated, e.g. nocheck */
		char **extra_packages; /* NULL-terminated */
		unsigned timeout;      /* seconds, default 0 = from config */
		char *arch;            /* default: host architecture */
		struct bpo_recipe_apt_source *extra_sources;
		size_t n_extra_sources;
	} build;

	struct {
		char *repo;      /* repository directory, or NULL: no publishing */
		char *suite;     /* default target.distribution */
		char *component; /* default main */
		char *key;       /* signing key fingerprint, default the repository's */
	} publish;
};

void bpo_recipe_init(struct bpo_recipe *r);
void bpo_recipe_destroy(struct bpo_recipe *r);
/* Parse a recipe file. */
int bpo_recipe_load(struct bpo_recipe *r, const char *path, struct bpo_error *err);
/* Parse recipe text (name is used in messages and to resolve relative paths). */
int bpo_recipe_parse(struct bpo_recipe *r, const char *data, size_t len, const char *name,
		     struct bpo_error *err);
/* The Debian release number of a codename (bookworm: 12; known: buster 10,
 * bullseye 11, bookworm 12, trixie 13, forky 14), or 0 when unknown. */
unsigned bpo_recipe_release_number(const char *codename);
/* Normalised output: YAML (every default filled in; reads back to the same
 * recipe) or one line of JSON (also name, file, source.kind,
 * target.release-number and each patch's name). */
int bpo_recipe_write_yaml(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err);
int bpo_recipe_write_json(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err);

#endif
