/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy: the version a backport gets, and the checks that it sorts where it
 * must (above everything the target release has, below the newer release).
 *
 * Debian backports (BPO_POLICY_BPO): a newer version V built for release N
 * becomes V~bpoN+1, and V~bpoN+(M+1) when the target repository already
 * publishes V~bpoN+M (the highest such M counts). A V that already ends in a
 * backport suffix "~bpoK+J" (a backport of a backport) has that suffix
 * removed first, so 2.10-3~bpo13+1 for release 12 gives 2.10-3~bpo12+1. A V
 * with "~debNuM" or "+debNuM" (a stable or security update of the newer
 * release) is kept as it is: 1.2-3+deb13u1 gives 1.2-3+deb13u1~bpo12+1. The
 * epoch is kept.
 *
 * Local fixes (BPO_POLICY_LOCAL): the old release's own version O gets a
 * suffix: O + "+acme1"; a suffix ending in digits gives the first number
 * (default 1) and the number rises past the highest O+acmeK already published
 * ("+acme2" on a rebuild). A suffix must start with '+' or '~' and hold only
 * characters a Debian revision may hold.
 *
 * Ownership: strings returned are owned by the caller; inputs are borrowed.
 */
#ifndef BPO_POLICY_H
#define BPO_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "recipe.h"

/* What the new version is made from. */
struct bpo_policy_in {
	enum bpo_version_policy policy;
	const char *version;        /* V (BPO) or O (LOCAL): the source's own version */
	unsigned release_number;    /* N, e.g. 12 for bookworm (BPO) */
	const char *local_suffix;   /* LOCAL: e.g. "+acme1" or "+acme" */
	const char *const *published; /* NULL-terminated versions of this source that the
					 target repository already has (may be NULL) */
};

/*
 * Compute the new version (owned, in *out). Errors: BPO_E_SYNTAX for an
 * invalid V/O or suffix, BPO_E_USAGE for a missing release number or suffix.
 */
int bpo_policy_version(const struct bpo_policy_in *in, char **out, struct bpo_error *err);

/* One version the new one is checked against. */
struct bpo_policy_ref {
	const char *version; /* e.g. 2.10-3+deb12u1 */
	const char *suite;   /* where it is, e.g. bookworm-security */
	const char *what;    /* e.g. "source hello" or "binary libhello1"; may be NULL */
};

/*
 * Check that version sorts strictly above every ref in older (the target
 * release: release, -updates, -security) and strictly below every ref in
 * newer (the release the backport comes from). The first violation is the
 * error (BPO_E_FAIL), naming both versions and the suite:
 * "2.10-3~bpo12+1 is not higher than 2.10-3+deb12u1 in bookworm-security
 * (source hello)", with " (and N more)" when there are several. With force,
 * violations are only warnings and the call succeeds.
 */
int bpo_policy_check(const char *version, const struct bpo_policy_ref *older, size_t n_older,
		     const struct bpo_policy_ref *newer, size_t n_newer, bool force,
		     struct bpo_error *err);

/* The highest of n versions (borrowed pointer into vs), or NULL when n == 0. */
const char *bpo_policy_max(const char *const *vs, size_t n);

/* The backport suffix ~bpoK+J at the end of v: its offset, or -1 when none. */
long bpo_policy_bpo_suffix(const char *v);

#endif
