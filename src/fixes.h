/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fixes: the security fixes a backport carries (bpo-recipe(5) "fixes").
 *
 * A fix is an advisory id (CVE-2026-1234, DSA-5555-1, DLA-3333-1,
 * GHSA-xxxx-xxxx-xxxx, OSV-2026-12, DEBIAN-CVE-..., ...) and how the
 * backport carries it: a patch of the recipe's series ("patch"), the
 * backported version itself as the recipe says ("upstream"), or an entry of
 * the newer source's debian/changelog above the target release's version
 * that mentions it ("changelog"). The list travels in the package as the
 * source stanza field XSC-Bpo-Fixes of debian/control, so that the .dsc and
 * every .changes (source and binary) carry "Bpo-Fixes: ID, ID" and the
 * repository's Sources index keeps it; the repository publishes OSV records
 * from that field (osv.h).
 *
 * Ownership: a struct bpo_fixes owns its strings.
 */
#ifndef BPO_FIXES_H
#define BPO_FIXES_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

/* The field name in .dsc, .changes and Sources. */
#define BPO_FIXES_FIELD "Bpo-Fixes"

/* Whether id is an advisory id bpo records: CVE-YYYY-NNNN(+), or
 * PREFIX-REST for the OSV databases Debian users meet (DSA, DLA, DTSA,
 * DEBIAN, GHSA, OSV, USN, ELA) with REST of [A-Za-z0-9.:_-], at most 64
 * bytes in all. */
bool bpo_fix_id_ok(const char *id);

enum bpo_fix_via { BPO_FIX_PATCH, BPO_FIX_UPSTREAM, BPO_FIX_CHANGELOG };

struct bpo_fix {
	char *id;
	enum bpo_fix_via via;
	char *patch;   /* BPO_FIX_PATCH: the patch's name, else NULL */
	char *version; /* UPSTREAM: the backported version; CHANGELOG: the entry's */
};

struct bpo_fixes {
	struct bpo_fix *v;
	size_t n, cap;
};

void bpo_fixes_destroy(struct bpo_fixes *f);
/* Add a fix unless one with that id is there already (the first claim wins). */
void bpo_fixes_add(struct bpo_fixes *f, const char *id, enum bpo_fix_via via, const char *patch,
		   const char *version);
const char *bpo_fix_via_name(enum bpo_fix_via via);

/*
 * The CVE ids that the changelog entries above `since` mention, with the
 * version of the oldest entry that does (where the fix came in), newest
 * entry first as the file has them. since NULL: nothing (without the target
 * release's version there is no "above"). Entry headers are "source
 * (version) ..." lines at column 0, as dpkg-parsechangelog reads them.
 */
void bpo_fixes_from_changelog(const char *data, size_t len, const char *since,
			      struct bpo_fixes *out);

/* "ID, ID" sorted (the field's value); NULL when there are none. */
char *bpo_fixes_field(const struct bpo_fixes *f);
/* Split a Bpo-Fixes value into ids (invalid ones skipped). */
void bpo_fixes_parse_field(const char *value, struct bpo_strv *ids);

/* Append the fixes as a JSON array of {id, via, patch, version}. */
int bpo_fixes_json(const struct bpo_fixes *f, struct bpo_buf *out, struct bpo_error *err);

/* Set XSC-Bpo-Fixes in the source stanza of the debian/control text (replacing
 * an earlier XSC-/XS-/XC- Bpo-Fixes; value NULL removes it); the rest is kept
 * byte for byte. BPO_E_SYNTAX when there is no source stanza. */
int bpo_fixes_control_set(const char *control, size_t len, const char *value,
			  struct bpo_buf *out, struct bpo_error *err);
/* The same for any field (its bare name, e.g. "Bpo-Recipe"). */
int bpo_control_set_field(const char *control, size_t len, const char *field,
			  const char *value, struct bpo_buf *out, struct bpo_error *err);

/* The field that records what a backport was made of, in .dsc, .changes and
 * Sources: "SOURCE_VERSION sha256:DIGEST" (the version the recipe's source
 * gave, bpo_recipe_digest). */
#define BPO_RECIPE_FIELD "Bpo-Recipe"

#endif
