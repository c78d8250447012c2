/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * changelog: debian/changelog entries (deb-changelog(5)) — writing a new top
 * entry for a backport and reading the top entry of an existing file.
 *
 *   source (VERSION) DISTRIBUTION; urgency=medium
 *
 *     * Rebuild for bookworm-backports.
 *     * Add fix-crash.patch: Fix a crash on empty input.
 *     * Fix CVE-2024-1234.
 *     * Fix CVE-2026-1111 (fix-overflow.patch).
 *     * Carry the fixes of 1.4-1 for CVE-2026-2222, CVE-2026-3333.
 *
 *    -- Name <email>  Thu, 01 Jan 2026 00:00:00 +0000
 *
 * Bullets are wrapped at 80 columns (continuation lines indented by four
 * spaces, a word longer than a line stays whole). Dates are RFC 2822 in UTC,
 * written without the locale.
 *
 * Ownership: strings in struct bpo_changelog_top are owned by it; everything
 * else is borrowed.
 */
#ifndef BPO_CHANGELOG_H
#define BPO_CHANGELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "fixes.h"

/* Wrap column of bullets. */
#define BPO_CHANGELOG_WIDTH 80

/* One applied patch, as the entry names it. */
struct bpo_changelog_patch {
	const char *name;        /* file name, e.g. fix-crash.patch */
	const char *description; /* DEP-3 Description/Subject first line, or NULL */
	bool in_series;          /* added to debian/patches (else applied to the tree) */
};

/* A new entry. */
struct bpo_changelog_entry {
	const char *source;
	const char *version;
	const char *distribution; /* e.g. bookworm-backports */
	const char *urgency;      /* NULL: medium */
	const char *text;         /* first bullet; NULL: "Rebuild for <distribution>." */
	const struct bpo_changelog_patch *patches;
	size_t n_patches;
	const char *const *cves;  /* NULL-terminated CVE ids, or NULL */
	const struct bpo_fixes *fixes; /* the security fixes it carries, or NULL */
	const char *maintainer;   /* "Name <email>" */
	time_t date;
};

/* Format the entry (ending in "\n", no blank line after it) into out.
 * BPO_E_SYNTAX for a field that would break the format (a newline in a
 * field, a bad CVE id, a maintainer that is not "Name <email>"). */
int bpo_changelog_format(const struct bpo_changelog_entry *e, struct bpo_buf *out,
			 struct bpo_error *err);

/* Prepend the entry to the changelog at path (atomically; a blank line
 * separates it from the old top entry). The file must exist. */
int bpo_changelog_prepend(const char *path, const struct bpo_changelog_entry *e,
			  struct bpo_error *err);

/* RFC 2822 date in UTC: "Wed, 25 Nov 2026 21:50:31 +0000" (buf >= 32 bytes). */
void bpo_changelog_date_format(time_t t, char *buf, size_t size);
/* Parse an RFC 2822 date ("[Day, ]DD Mon YYYY HH:MM:SS +ZZZZ"); -1 if invalid. */
int bpo_changelog_date_parse(const char *s, time_t *out);
/* The entry date: $SOURCE_DATE_EPOCH when set (it must be a number:
 * BPO_E_USAGE otherwise), else now. */
int bpo_changelog_now(time_t *out, struct bpo_error *err);

/* NAME's value in /etc/devscripts.conf and ~/.devscripts (the last
 * assignment wins), as dch reads them; NULL when unset (unit-tested). */
char *bpo_changelog_devscripts_var(const char *name);
/*
 * The maintainer line, first found of: recipe_maintainer ("Name <email>"),
 * conf_name + conf_email, $DEBFULLNAME + $DEBEMAIL (DEBEMAIL may itself be
 * "Name <email>"). None: BPO_E_USAGE saying where to set it. Owned result.
 */
int bpo_changelog_maintainer(const char *recipe_maintainer, const char *conf_name,
			     const char *conf_email, char **out, struct bpo_error *err);

/* The top entry of a changelog. */
struct bpo_changelog_top {
	char *source;
	char *version;
	char *distribution;
	char *urgency;
	char *maintainer;
	char *date_text;
	time_t date;
};

void bpo_changelog_top_init(struct bpo_changelog_top *top);
void bpo_changelog_top_destroy(struct bpo_changelog_top *top);
/* Parse the first entry of changelog text; errors are BPO_E_SYNTAX
 * "name:line: expected ...". */
int bpo_changelog_parse_top(const char *data, size_t len, const char *name,
			    struct bpo_changelog_top *top, struct bpo_error *err);
/* Read (capped at BPO_MAX_CONTROL) and parse the top entry of a file. */
int bpo_changelog_load_top(const char *path, struct bpo_changelog_top *top,
			   struct bpo_error *err);

/* The version to give dpkg-genchanges -v so that the .changes covers every entry
 * above WANT: WANT itself when an entry has it, else the highest entry version
 * below WANT (dpkg warns "'since' option specifies non-existing version" for a
 * version the changelog lacks). NULL when no entry is at or below WANT (every
 * entry is newer: dpkg's own fallback for WANT, all entries, is then right). Entry headers are "source (version) ..." lines at column 0. */
char *bpo_changelog_since_version(const char *data, size_t len, const char *want);

#endif
