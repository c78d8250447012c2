/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * archive: tarballs through libarchive, for hostile input.
 *
 * Extraction follows `dpkg-source -x` (Dpkg::Source::Archive::extract): the
 * tarball is unpacked into a fresh temporary directory next to the
 * destination, then the tarball's single top-level directory (any name) is
 * renamed to the destination, or, when the tarball has several top-level
 * entries, the temporary directory itself is. Permissions are fixed as
 * dpkg-source's fixperms does (chmod -R with r/w bits from the umask, x only
 * where some x bit was set or on directories); owners, ACLs, xattrs, file
 * flags and setuid/setgid/sticky bits are never restored; mtimes are.
 *
 * Security: libarchive runs with ARCHIVE_EXTRACT_SECURE_NODOTDOT,
 * _SECURE_SYMLINKS, _SECURE_NOABSOLUTEPATHS and _NO_OVERWRITE, and every
 * member is checked by bpo before anything is written:
 *   - names: not absolute, no ".." component, not empty;
 *   - types: regular files, directories, symlinks and hard links only
 *     (character/block devices, FIFOs, sockets are refused);
 *   - symlinks: the target must be relative and stay inside the final tree
 *     judged lexically from the link's directory: leading ".." components may
 *     climb at most to the tree's top, and ".." is refused after any other
 *     component (so "a/../x" cannot escape through a symlink "a"). In-tree
 *     relative symlinks ("COPYING -> doc/COPYING", "../lib/x") are allowed,
 *     as dpkg-source allows them. Absolute targets are refused.
 *   - hard links: the target must be a safe name of a regular file already
 *     extracted from the same tarball, reached through no symlink;
 *   - no member may be written through a symlink or over an existing entry;
 *   - caps: member count and total member size (struct bpo_archive_limits),
 *     against archive bombs; the size is checked from the header before data
 *     is written and again while copying.
 * A refused member fails the whole extraction with BPO_E_SYNTAX (exit 2: the
 * input is bad), message "FILE: member 'NAME': REASON"; the temporary
 * directory is removed and nothing is left at the destination. I/O errors are
 * BPO_E_IO.
 *
 * Extraction changes the working directory for its duration (libarchive
 * writes relative to it, which is what lets the secure flags cover every
 * component) and restores it; the process must not run other threads that
 * depend on the cwd meanwhile.
 */
#ifndef BPO_ARCHIVE_H
#define BPO_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Defaults no real source reaches (measured on trixie's Sources, see bpo(1)
 * LIMITS): the largest source tarball is 2.7 GiB compressed, real tarballs
 * unpack to 2-15 times their size, a few hundred thousand members. A bomb
 * unpacks to hundreds or thousands of times its size: the ratio catches it
 * once the data passes BPO_ARCHIVE_RATIO_FLOOR (below it any ratio is let
 * through: a small tarball of text may well unpack 50 times). */
#define BPO_ARCHIVE_MAX_TOTAL_DEFAULT   (32ull << 30) /* bytes of member data */
#define BPO_ARCHIVE_MAX_MEMBERS_DEFAULT 2000000u
#define BPO_ARCHIVE_MAX_RATIO_DEFAULT   100u          /* unpacked / compressed */
#define BPO_ARCHIVE_RATIO_FLOOR         (64ull << 20) /* bytes: ratio checked past this */

struct bpo_archive_limits {
	uint64_t max_total;   /* sum of member sizes; 0 = the default */
	uint64_t max_members; /* number of entries; 0 = the default */
	uint64_t max_ratio;   /* unpacked bytes per compressed byte; 0 = the default */
};

/* Whether unpacked bytes from a file of csize bytes break the ratio (past the
 * floor). */
bool bpo_archive_ratio_exceeded(uint64_t unpacked, uint64_t csize, uint64_t max_ratio);

struct bpo_archive_opts {
	struct bpo_archive_limits limits;
	/* dpkg-source's "--exclude .pc --exclude X/.pc" (anchored, no wildcard
	 * across '/'): skip ".pc" at the top and one level down. */
	bool exclude_pc;
	/* Only members named "debian" or "debian/..." (after the top-level
	 * directory rules) are accepted: the debian tarball of 3.0 (quilt). */
	bool only_debian;
};

void bpo_archive_opts_init(struct bpo_archive_opts *opts);

/*
 * Extract the tarball at path (gzip, xz, bzip2, zstd, lzma or none, detected
 * from the content) into dest, which must not exist; its parent must. See the
 * top of this header for the rules. opts may be NULL for the defaults.
 */
int bpo_archive_extract(const char *path, const char *dest, const struct bpo_archive_opts *opts,
			struct bpo_error *err);

/*
 * Read the member named member (a leading "./" is ignored on both sides) of
 * the archive at path (tar in any filter, or ar as in a .deb) into out; fails
 * with BPO_E_SYNTAX when it is larger than max and BPO_E_NOTFOUND when absent.
 */
int bpo_archive_read_member(const char *path, const char *member, size_t max,
			    struct bpo_buf *out, struct bpo_error *err);

/*
 * Decompress a single compressed file (gzip, xz, bzip2, zstd, lzma, or
 * plain data) at path into out, at most max bytes (BPO_E_SYNTAX beyond) and
 * at most BPO_ARCHIVE_MAX_RATIO_DEFAULT times the file's size once past the
 * floor (a compressed index or diff bomb). An empty file or a compressed stream of zero bytes gives no data. Used for
 * a 1.0 source package's .diff.gz and for apt indices (Sources, Packages).
 */
int bpo_archive_read_compressed(const char *path, size_t max, struct bpo_buf *out,
				struct bpo_error *err);

/*
 * List the member names of the archive at path into names (appended),
 * at most max_members of them (0 = the default cap).
 */
struct bpo_strv;
int bpo_archive_list(const char *path, uint64_t max_members, struct bpo_strv *names,
		     struct bpo_error *err);

/*
 * The checks, exported for tests. Each returns NULL when the member is
 * acceptable, or a static reason ("absolute path", "'..' component", ...).
 * name is the member name (a leading "./" allowed); strip is how many leading
 * directory components will be stripped from it in the final tree (0 or 1).
 */
const char *bpo_archive_check_name(const char *name);
const char *bpo_archive_check_symlink(const char *name, const char *target, unsigned strip);
const char *bpo_archive_check_hardlink(const char *target);

#endif
