/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * index: the apt archive walk, as apt does it, failing closed.
 *
 *   dists/<suite>/InRelease (else Release + Release.gpg), verified with the
 *   given keyring only; Suite or Codename must be the suite asked for; Date not
 *   in the future (beyond BPO_RELEASE_DATE_SLACK), Valid-Until not passed
 *   -> <component>/source/Sources.xz (or .gz), size + sha256 from the Release
 *   (by-hash when the Release says Acquire-By-Hash), decompressed with
 *   libarchive -> the stanza of a source (highest version or the pinned one)
 *   -> the .dsc and its files from Directory, each checked against the Sources
 *   stanza AND the .dsc's Checksums-Sha256.
 *
 * A plain .dsc URL recipe: the .dsc's inline signature is verified against the
 * recipe keyring (required unless allow_unsigned, which warns every time),
 * then its files come from the same directory URL.
 *
 * One verified struct bpo_release serves any number of queries
 * (bpo_index_source_versions, bpo_index_find_source, bpo_index_binary_versions).
 */
#ifndef BPO_INDEX_H
#define BPO_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bpoconf.h"
#include "deb822.h"
#include "err.h"
#include "recipe.h"
#include "xmem.h"

/* How far in the future a Release Date may be (clock skew), in seconds. */
#define BPO_RELEASE_DATE_SLACK (10 * 60)

struct bpo_release_file {
	char *name;      /* path relative to dists/<suite>/, checked */
	uint64_t size;
	char sha256[65];
};

struct bpo_release {
	char *archive_url; /* base URL, no trailing '/' */
	char *suite;       /* the suite asked for (the dists/ directory name) */
	char *cache_dir;   /* where downloads are cached */
	char *signer_fpr;  /* fingerprint of the key that signed it */
	struct bpo_deb822_para para; /* the verified paragraph */
	time_t date;        /* Date, or 0 */
	time_t valid_until; /* Valid-Until, or 0 when absent */
	bool by_hash;       /* Acquire-By-Hash: yes */
	struct bpo_release_file *files; /* from SHA256 */
	size_t n_files;
};

void bpo_release_init(struct bpo_release *rel);
void bpo_release_destroy(struct bpo_release *rel);
/* Parse verified Release text (no signature handling here). */
int bpo_release_parse(struct bpo_release *rel, const char *text, size_t len, const char *name,
		      struct bpo_error *err);
/* Check Suite/Codename against suite, Date against now + slack and
 * Valid-Until against now. BPO_E_VERIFY naming the file on failure. */
int bpo_release_check(const struct bpo_release *rel, const char *suite, time_t now,
		      const char *name, struct bpo_error *err);
/* The SHA256 entry for a path such as "main/source/Sources.xz", or NULL. */
const struct bpo_release_file *bpo_release_find(const struct bpo_release *rel, const char *path);
/* Parse an RFC 2822 date as apt writes it ("Sat, 09 Nov 2024 09:48:01 UTC"). */
int bpo_release_parse_date(const char *s, time_t *out);

/* Fetch and verify dists/<suite>/InRelease (or Release + Release.gpg) from
 * archive_url with keyring, and check it (see bpo_release_check). */
/* The archive r's source comes from: its source.archive, or cfg's mirror when
 * that is "mirror" or unset (NULL when no mirror is configured). */
const char *bpo_index_source_archive(const struct bpo_recipe *r, const struct bpo_config *cfg);

int bpo_index_fetch_release(const char *archive_url, const char *suite, const char *keyring,
			    const struct bpo_config *cfg, struct bpo_release *rel,
			    struct bpo_error *err);

/* Fetch <base>(.xz|.gz|) of the verified release, e.g. base
 * "main/binary-amd64/Packages", as its Release lists it (size and sha256
 * checked; by-hash when the Release offers it) through the cache, and append
 * it decompressed to out (an empty compressed stream gives no text). *shown
 * gets the URL for messages (the caller frees it, also on failure);
 * BPO_E_NOTFOUND when the Release lists no such file. */
int bpo_index_load(const struct bpo_release *rel, const char *base, struct bpo_buf *out,
		   char **shown, struct bpo_error *err);
/* The same index as bpo_index_load, as read-only text (NUL-terminated) that
 * stays valid until the process exits: each index is decompressed (or mapped
 * from the cache's indices/, checked against the Release's sha256 of the
 * uncompressed file) once per process, not once per use. */
int bpo_index_text(const struct bpo_release *rel, const char *base, const char **text,
		   size_t *len, char **shown, struct bpo_error *err);
/* Unmap and free every text bpo_index_text gave (none may be in use): the
 * pipeline's stages that read indices are done. */
void bpo_index_forget(void);

/* All versions of source package `source` in <component>/source/Sources of the
 * verified release, highest first, pushed to versions. Returns the count (0
 * when the package is not there). */
int bpo_index_source_versions(const struct bpo_release *rel, const char *component,
			      const char *source, struct bpo_strv *versions, struct bpo_error *err);
/* The Sources stanza of `source` at version (NULL: the highest). Not found is
 * BPO_E_NOTFOUND with the available versions in the message. */
int bpo_index_find_source(const struct bpo_release *rel, const char *component,
			  const char *source, const char *version,
			  struct bpo_deb822_para *stanza, struct bpo_error *err);
/* All versions of binary package `package` in
 * <component>/binary-<arch>/Packages(.xz|.gz), highest first. */
int bpo_index_binary_versions(const struct bpo_release *rel, const char *component,
			      const char *arch, const char *package, struct bpo_strv *versions,
			      struct bpo_error *err);

struct bpo_fetched_file {
	char *name;        /* file name (a path component) */
	char *path;        /* dest_dir/name */
	char sha256[65];
	uint64_t size;
};

struct bpo_fetched {
	char *dir;         /* dest_dir */
	char *dsc_path;    /* dest_dir/<name>.dsc */
	char *source;
	char *version;
	char *format;
	char *signer_fpr;  /* of the Release or the .dsc; NULL for an allowed unsigned .dsc */
	struct bpo_fetched_file *files; /* the .dsc first, then the files it lists */
	size_t n_files;
	char **patch_paths; /* recipe patches, verified, in order; NULL-terminated */
};

void bpo_fetched_init(struct bpo_fetched *out);
/*
 * Resolve the recipe's source, download it, verify everything and place the
 * verified .dsc + files (hard links to, or copies of, the cache) and the
 * recipe's patches (URL patches downloaded and checked against their sha256,
 * local patches checked when pinned) in dest_dir (created when missing); the
 * patches go to dest_dir/patches/<name>. With dest_dir NULL the directory is
 * <cfg->work_dir>/<source>_<version without epoch>, known once resolved.
 */
/* The Valid-Until overrides for a run of recipe r: its own (source.check-
 * valid-until: false, source.max-valid-time, for its source archive) before
 * bpo.conf's archives, in vu (caller storage, borrowing r's and cfg's
 * strings), cfg->valid_until pointing at it. Once: a cfg that has them is
 * left alone. */
void bpo_index_recipe_valid_until(const struct bpo_recipe *r, struct bpo_config *cfg,
				  struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX]);

int bpo_fetch_recipe(const struct bpo_recipe *r, const struct bpo_config *cfg,
		     const char *dest_dir, struct bpo_fetched *out, struct bpo_error *err);
void bpo_fetched_destroy(struct bpo_fetched *out);

#endif
