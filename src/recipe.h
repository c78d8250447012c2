/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recipe: a backport recipe (YAML, see bpo-recipe(5)) read with libyaml into
 * struct bpo_recipe. Unknown keys, wrong types and missing required fields are
 * errors "file:line:column: message" (BPO_E_SYNTAX). Relative paths (patches,
 * keyrings, a local .dsc, publish.repo) are resolved against the recipe's
 * directory when parsed, so every path in the struct is absolute.
 *
 * After a successful parse every default is filled in: the string lists
 * (changelog.cves, build.profiles, build.extra_packages, each extra source's
 * components) are never NULL (maybe empty), and the fields marked "or NULL"
 * below are the only ones that may be NULL. A failed parse leaves the struct
 * as bpo_recipe_init() does.
 *
 * Ownership: the recipe owns every string; free with bpo_recipe_destroy().
 */
#ifndef BPO_RECIPE_H
#define BPO_RECIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "limits.h"

enum bpo_source_kind { BPO_SOURCE_ARCHIVE, BPO_SOURCE_DSC };
enum bpo_version_policy { BPO_POLICY_BPO, BPO_POLICY_LOCAL };

struct bpo_recipe_patch {
	char *path;   /* local file (absolute, exists at parse time), or NULL */
	char *url;    /* or an http(s) URL (exactly one of path/url is set) ... */
	char *sha256; /* ... pinned by sha256, 64 lower-case hex digits (required
			 with url, optional with path: else NULL) */
	char *name;   /* file name used in debian/patches (last component of
			 path/url; unique in the recipe, never "series") */
	unsigned line, column; /* of the item in the recipe, for messages */
};

/* fixes: one security fix the backport carries (see fixes.h). */
struct bpo_recipe_fix {
	char *id;       /* advisory id (bpo_fix_id_ok) */
	char *patch;    /* the name of the recipe patch that fixes it, or NULL ... */
	bool upstream;  /* ... or: the backported version includes it */
	unsigned line, column;
};

struct bpo_recipe_apt_source {
	char *uri;         /* http(s) base URL */
	char *suite;
	char **components; /* NULL-terminated, default {"main"} */
	char *keyring;     /* signed-by file (absolute), required */
};

/* build.relax: one rule on the source's Build-Depends(-Arch/-Indep):
 * "NAME" drops the version of every relation on NAME, "NAME (OP VERSION)"
 * replaces it, {drop: NAME} removes NAME from every relation. */
struct bpo_recipe_relax {
	char *name;
	char *op, *version; /* both NULL: drop the version */
	bool drop;
	unsigned line, column; /* where the rule is, for "matches nothing" */
};

struct bpo_recipe {
	char *file; /* as given */
	char *dir;  /* directory of the recipe file (absolute) */
	char *name; /* recipe name: file name without .yaml */

	struct {
		enum bpo_source_kind kind;
		/* BPO_SOURCE_ARCHIVE: package, archive, suite, component set;
		   BPO_SOURCE_DSC: dsc set, and those four NULL */
		char *package;   /* source package name */
		char *archive;   /* archive base URL without trailing '/', or
				    "mirror" (the default) = the configured mirror */
		char *suite;
		char *component; /* default "main" */
		char *keyring;   /* OpenPGP keyring file that signs the archive / .dsc,
				    or NULL: the config's keyring (archive "mirror"
				    only) / none (a dsc with allow_unsigned) */
		char *dsc;       /* an http(s) URL or an absolute path, ends in .dsc */
		char *version;   /* pinned version (valid for dpkg), or NULL for the highest */
		bool allow_unsigned; /* only ever true for BPO_SOURCE_DSC without keyring */
		/* an archive's Valid-Until (apt's check-valid-until / Max-ValidTime):
		   check_valid_until false accepts an expired suite; max_valid_time
		   (seconds, 0: not set) makes it valid until Date + that. The
		   signature and every hash are checked either way. */
		bool check_valid_until;  /* default true */
		unsigned max_valid_time;
	} source;

	struct {
		char *release;        /* codename, e.g. bookworm */
		unsigned release_number; /* 12 for bookworm, from the known list
					    (bpo_recipe_release_number) */
		enum bpo_version_policy policy;
		char *local_suffix;   /* for BPO_POLICY_LOCAL (required), e.g. "+acme1";
					 NULL with BPO_POLICY_BPO */
		char *distribution;   /* changelog distribution, default <release>-backports */
	} target;

	struct {
		char *text;  /* changelog text, default "Rebuild for <distribution>." */
		char **cves; /* NULL-terminated */
		char *maintainer; /* "Name <email>", overrides config, or NULL */
	} changelog;

	struct bpo_recipe_patch *patches;
	size_t n_patches;
	struct bpo_recipe_fix *fixes; /* each with exactly one of patch/upstream */
	size_t n_fixes;
	unsigned fuzz; /* max fuzz, 0..3, default 2 */
	struct bpo_limits limits; /* limits: each 0 when not set (limits.h) */

	struct {
		char **profiles;       /* NULL-terminated, e.g. nocheck */
		char **extra_packages; /* NULL-terminated */
		unsigned timeout;      /* seconds (at most 7 days), default 0 = from config */
		char *arch;            /* or NULL: the host architecture */
		struct bpo_recipe_apt_source *extra_sources;
		size_t n_extra_sources;
		struct bpo_recipe_relax *relax;
		size_t n_relax;
	} build;

	struct {
		char *repo;      /* repository directory (absolute), or NULL: no publishing */
		char *suite;     /* default target.distribution */
		char *component; /* default main */
		char *key;       /* signing key fingerprint (40 or 64 upper-case hex),
				    or NULL: the repository's */
	} publish;

	/* qa: each check's policy, "fail", "warn" or "skip", or NULL when the
	   recipe does not say (then bpo.conf's qa, else qa.h's default). In the
	   order of BPO_RECIPE_QA_KEYS, which is qa.h's enum bpo_qa_check. */
	char *qa[5];
	/* qa.newer-archive / newer-suite / newer-keyring: the newer release the
	   regression check compares with. archive is "mirror" or an http(s)
	   URL; keyring (absolute) may be NULL for "mirror" (bpo.conf's). All
	   NULL: an archive source's own archive and suite (none for a .dsc). */
	struct {
		char *archive;
		char *suite;
		char *keyring;
	} newer;
};

/* The keys of the recipe's qa mapping, in the order of struct bpo_recipe.qa. */
#define BPO_RECIPE_QA_KEYS {"install", "upgrade", "lintian", "autopkgtest", "regression"}

void bpo_recipe_init(struct bpo_recipe *r);
void bpo_recipe_destroy(struct bpo_recipe *r);
/* Read (at most BPO_MAX_RECIPE bytes) and parse a recipe file; a missing file
 * is BPO_E_SYNTAX too (bad input, exit 2). */
int bpo_recipe_load(struct bpo_recipe *r, const char *path, struct bpo_error *err);
/* Parse recipe text (name is used in messages and to resolve relative paths). */
int bpo_recipe_parse(struct bpo_recipe *r, const char *data, size_t len, const char *name,
		     struct bpo_error *err);
/* The command line's --newer-archive/--newer-suite/--newer-keyring over the
 * recipe's qa.newer-*: archive ("mirror" or an http(s) URL) and suite go
 * together, keyring (relative to the current directory) unless the archive
 * is the mirror. All NULL: nothing changes. BPO_E_USAGE naming the option. */
int bpo_recipe_set_newer(struct bpo_recipe *r, const char *archive, const char *suite,
			 const char *keyring, struct bpo_error *err);
/* The Debian release number of a codename (bookworm: 12; known: buster 10,
 * bullseye 11, bookworm 12, trixie 13, forky 14), or 0 when unknown. */
unsigned bpo_recipe_release_number(const char *codename);
/* Normalised output: YAML (every default filled in; reads back to the same
 * recipe) or one line of JSON (also name, file, source.kind,
 * target.release-number and each patch's name). */
int bpo_recipe_write_yaml(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err);
int bpo_recipe_write_json(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err);
/* What a backport is made of, as a sha256 (hex): the recipe's source package
 * and version pin, target, changelog, patches (each by name and the sha256 of
 * its content), fixes, fuzz and build settings, normalised; not the source's
 * archive, suite, keyring or Valid-Until handling, limits, build.timeout,
 * publish or qa, which change where it comes from or how it is checked, not
 * what is built. A patch file that cannot be read is an error. The source
 * stage records it in the .dsc (Bpo-Recipe), `bpo check` compares. */
int bpo_recipe_digest(const struct bpo_recipe *r, char hex[65], struct bpo_error *err);

#endif
