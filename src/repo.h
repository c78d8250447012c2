/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * repo: a signed apt repository that bpo publishes into. Layout as Debian's:
 *
 *   DIR/conf/repo                 configuration (deb822, see bpo_repo_create)
 *   DIR/conf/lock                 flock(2) lock serialising writers
 *   DIR/key.asc                   the signing key's public part (for signed-by)
 *   DIR/log/audit.log             one line per change
 *   DIR/pool/<comp>/<prefix>/<source>/<file>
 *   DIR/dists/<suite>/{Release,InRelease,Release.gpg}
 *   DIR/dists/<suite>/<comp>/binary-<arch>/{Packages,Packages.gz,Packages.xz,Release}
 *   DIR/dists/<suite>/<comp>/source/{Sources,Sources.gz,Sources.xz,Release}
 *   DIR/dists/<suite>-debug/...   with Debug-Suites: yes, the suite's -dbgsym
 *                                 packages (Packages only, as debian-debug)
 *
 * The indices are the state: a change parses the suite's current Packages and
 * Sources, edits the stanzas it touches and writes the suite anew beside the
 * old one (dists/.new-<suite>-XXXXXX), indices whose stanzas did not change
 * hard-linked, then swaps it in with renameat2(RENAME_EXCHANGE): readers see
 * the old suite or the new, never a mix. Before a change the suite's
 * signatures and index hashes are checked, so an edited index is refused
 * rather than signed anew. Pool files are written (temp, fsync,
 * rename) before any index names them. Stale temporary directories of an
 * interrupted run are removed by the next writer.
 */
#ifndef BPO_REPO_H
#define BPO_REPO_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "xmem.h"

#define BPO_REPO_LOCK_TIMEOUT 300 /* seconds a writer waits for the lock by default */

struct bpo_repo_config {
	char *origin, *label, *description;
	struct bpo_strv suites, components, archs;
	char *key;              /* signing key fingerprint */
	char *gnupghome;        /* GnuPG home holding the key, or NULL */
	char *keyfile;          /* secret key file imported into a private home, or NULL */
	unsigned valid_days;    /* 0: no Valid-Until */
	bool by_hash;
	bool contents;          /* write COMP/Contents-ARCH.gz per suite */
	bool debug;             /* debug symbol packages (Auto-Built-Package:
				   debug-symbols) go to SUITE-debug, as Debian's
				   debian-debug archive: bpo_repo_open adds each
				   SUITE-debug to suites, after the n_base */
	size_t n_base;          /* the configured suites: the first n_base of suites */
	char *upload_keyring;   /* NULL: uploads need no signature */
	struct bpo_strv uploaders; /* "SUITE KEYRING": who may upload to that suite
				      (over upload_keyring for it) */
	unsigned keep;          /* newest versions kept per source per suite; 0: all */
	char *not_automatic;    /* "yes"/"no"/NULL (NULL: yes for *-backports) */
	unsigned compress;      /* BPO_REPO_GZ | BPO_REPO_XZ: compressed indices besides the plain */
};

#define BPO_REPO_GZ 1u
#define BPO_REPO_XZ 2u

/* Parse a compression list ("gz xz", "gz,xz", "xz", "none") into a mask; -1 if bad. */
int bpo_repo_parse_compressions(const char *s, unsigned *mask);

void bpo_repo_config_destroy(struct bpo_repo_config *cfg);

struct bpo_repo;

/*
 * Create a repository in dir (which must not hold one already): the
 * configuration, the public key, and one empty signed suite per cfg->suites.
 * Paths in cfg are made absolute.
 */
int bpo_repo_create(const char *dir, const struct bpo_repo_config *cfg, struct bpo_error *err);

/*
 * Open the repository in dir. With write, take the writer lock, waiting at most
 * lock_timeout seconds (a message says who holds it), and clean up what an
 * interrupted writer left behind.
 */
int bpo_repo_open(struct bpo_repo **out, const char *dir, bool write, unsigned lock_timeout,
		  struct bpo_error *err);
/* Close (and unlock); NULL is fine. */
void bpo_repo_close(struct bpo_repo *r);
const struct bpo_repo_config *bpo_repo_get_config(const struct bpo_repo *r);

/*
 * Publish the uploads described by n .changes files into suite/component
 * (component NULL: the first configured). Every listed file is checked (size,
 * SHA-256, MD5) and, when the repository requires it, the .changes signature;
 * nothing changes unless all of them pass. keep < 0: the configured retention.
 */
int bpo_repo_publish(struct bpo_repo *r, char *const *changes, size_t n, const char *suite,
		     const char *component, int keep, struct bpo_error *err);

/* Remove source (every version, or only version) and its binaries from suite. */
int bpo_repo_remove(struct bpo_repo *r, const char *source, const char *version,
		    const char *suite, struct bpo_error *err);

/* Copy source (version, or the newest) with its binaries from one suite to another. */
int bpo_repo_promote(struct bpo_repo *r, const char *source, const char *version,
		     const char *from, const char *to, int keep, struct bpo_error *err);

/*
 * Write suite (NULL: every suite) anew from its current indices: a new Date,
 * Valid-Until and signatures (run it before Valid-Until passes). Like every
 * change it first checks that the suite is as bpo signed it.
 */
int bpo_repo_refresh(struct bpo_repo *r, const char *suite, struct bpo_error *err);

/* List the packages of suite (NULL: all suites), as text or a JSON array. */
/* The keyring whose keys may upload to suite (its Uploaders line, else
 * Require-Signed-Uploads), or NULL: uploads to it need no signature. */
const char *bpo_repo_uploaders(const struct bpo_repo *r, const char *suite);
/* Whether the pool of component comp has source's file name with that SHA-256. */
/* Queries by path, without opening the repository (no lock: what a reader
 * sees): the versions of source in suite/component, highest first (out),
 * with the Bpo-Fixes (fixes) and Bpo-Recipe (recipe, may be NULL) of the
 * newest; none when the suite has no Sources yet. */
int bpo_repo_published(const char *dir, const char *suite, const char *component,
		       const char *source, struct bpo_strv *out, struct bpo_strv *fixes,
		       char **recipe, struct bpo_error *err);
/* The apt line of suite/component ("deb [signed-by=DIR/key.asc] file:DIR
 * SUITE COMPONENT"), or NULL while DIR has no key.asc or the suite no
 * Release. */
char *bpo_repo_apt_line(const char *dir, const char *suite, const char *component);

bool bpo_repo_pool_has(const struct bpo_repo *r, const char *comp, const char *source,
		       const char *name, const char *sha256);

/* One source version of a suite, as its Sources index has it. */
struct bpo_repo_source {
	char *suite, *component, *source, *version;
	struct bpo_strv fixes; /* the advisory ids of its Bpo-Fixes field (fixes.h) */
};

/* The source versions of suite (NULL: every suite) named source (NULL: all),
 * by suite, component, source, version. Free with bpo_repo_sources_free. */
int bpo_repo_sources(struct bpo_repo *r, const char *suite, const char *source,
		     struct bpo_repo_source **out, size_t *n, struct bpo_error *err);
void bpo_repo_sources_free(struct bpo_repo_source *v, size_t n);

int bpo_repo_list(struct bpo_repo *r, const char *suite, bool json, FILE *out,
		  struct bpo_error *err);

/*
 * Check every signature (against the repository key, or keyring when not NULL),
 * every index hash in Release and every pool file hash in the indices. Each
 * problem is one line on report; unreferenced pool files are reported as
 * warnings. Returns 0 when all is well, else -1 with BPO_E_VERIFY.
 */
int bpo_repo_verify(struct bpo_repo *r, const char *keyring, FILE *report,
		    struct bpo_error *err);

/* The pool directory prefix of a source: "libf" for libfoo, else its first letter. */
char *bpo_repo_pool_prefix(const char *source);

#endif
