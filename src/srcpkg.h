/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srcpkg: unpack a Debian source package as `dpkg-source -x` does.
 *
 * The .dsc names the files (module dsc); every one is checked again here
 * (size and SHA-256, BPO_E_VERIFY on a mismatch) before anything is read.
 * Then, by Format:
 *   3.0 (native)  one <source>_<version>.tar.{gz,bz2,lzma,xz,zst};
 *   3.0 (quilt)   <source>_<upstream>.orig.tar.*, optional
 *                 .orig-<component>.tar.* (into <tree>/<component>/), and
 *                 <source>_<version>.debian.tar.* holding only debian/; the
 *                 orig's top-level (and one level down) .pc is skipped and its
 *                 debian/ removed; debian/patches/series is applied at fuzz 0
 *                 with the patch engine (module patch), patch by patch, and
 *                 .pc/ is written as dpkg-source writes it (.version,
 *                 .quilt_patches, .quilt_series, applied-patches, and per
 *                 patch the files before it: an empty file for a file it
 *                 creates). Upstream signatures (.asc) are accepted and not
 *                 checked. debian/patches/debian.series, when present, is used
 *                 instead of series (dpkg-source's vendor series; the vendor
 *                 is always "debian" here), and series is made a symlink to
 *                 it as dpkg-source does. A series file or patch that is a
 *                 symlink is refused. An empty (0-byte) patch counts as
 *                 applied, with a warning, as with GNU patch. As GNU patch -E
 *                 (which dpkg-source uses here), a file a patch leaves empty
 *                 is removed, with the directories that leaves empty. Files a git
 *                 rename patch removes are not backed up in .pc/.
 *   1.0           <source>_<upstream>.orig.tar.gz plus <source>_<version>.diff.gz
 *                 (applied with the patch engine at fuzz 0, -p1), or one
 *                 native <source>_<version>.tar.gz.
 * Any other format, or a file that does not belong to the format, is a
 * BPO_E_SYNTAX error. Finally debian/rules is made executable, as dpkg-source
 * does. Tarballs are extracted by module archive (its checks and caps).
 *
 * The tree is built in a temporary directory next to dest_tree and renamed
 * to dest_tree (which must not exist) only when complete: a failure leaves
 * nothing behind.
 */
#ifndef BPO_SRCPKG_H
#define BPO_SRCPKG_H

#include <stdbool.h>

#include "archive.h"
#include "dsc.h"
#include "err.h"

struct bpo_srcpkg_opts {
	struct bpo_archive_limits limits; /* for every tarball */
	bool skip_patches;                /* like dpkg-source --skip-patches (no .pc/ either) */
};

void bpo_srcpkg_opts_init(struct bpo_srcpkg_opts *opts);

/* Check each file of dsc in dir: a regular file of the listed size and
 * SHA-256 (BPO_E_VERIFY "dir/name: ...") or missing (BPO_E_NOTFOUND). */
int bpo_srcpkg_verify_files(const struct bpo_dsc *dsc, const char *dir, struct bpo_error *err);

/* Unpack the source package described by dsc, whose files are in dir, into
 * dest_tree. opts may be NULL. */
int bpo_srcpkg_unpack_dsc(const struct bpo_dsc *dsc, const char *dir, const char *dest_tree,
			  const struct bpo_srcpkg_opts *opts, struct bpo_error *err);

/* Load dsc_path (module dsc; its signature is NOT checked here: callers that
 * need it verify first and use bpo_srcpkg_unpack_dsc with the signed text)
 * and unpack it into dest_tree. */
int bpo_srcpkg_unpack(const char *dsc_path, const char *dest_tree,
		      const struct bpo_srcpkg_opts *opts, struct bpo_error *err);

#endif
