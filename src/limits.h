/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits: the caps against hostile or broken sources that a recipe or
 * bpo.conf may raise (or lower), and the effective values of a build.
 *
 *   unpacked-size  bytes of member data one source tarball may unpack to
 *                  (default 32 GiB; the largest real source is 2.7 GiB
 *                  compressed, and real tarballs unpack to 2-15 times that);
 *   members        entries one tarball may hold (default 2,000,000);
 *   ratio          unpacked bytes per compressed byte of one tarball, checked
 *                  once past 64 MiB (default 100; a bomb is at 1,000 or more);
 *   download-size  bytes of all the files of one source package (default
 *                  8 GiB), refused before anything is downloaded.
 * In YAML, `limits: {unpacked-size: 64G, ratio: 500, ...}`; sizes are bytes or
 * a number with K, M, G or T (powers of 1024; KiB, MiB, GiB, TiB too). The
 * recipe's value wins over bpo.conf's, which wins over the default.
 * The caps that stay fixed (a patch 256 MiB, an uncompressed index 2 GiB and
 * 100 times its compressed size, a control file 16 MiB, ...) are listed in
 * bpo(1) LIMITS.
 */
#ifndef BPO_LIMITS_H
#define BPO_LIMITS_H

#include <stdint.h>

#include "archive.h"
#include "err.h"
#include "yamldoc.h"

#define BPO_LIMIT_DOWNLOAD_DEFAULT (8ull << 30)

enum bpo_limit {
	BPO_LIMIT_UNPACKED_SIZE,
	BPO_LIMIT_MEMBERS,
	BPO_LIMIT_RATIO,
	BPO_LIMIT_DOWNLOAD_SIZE,
	BPO_LIMIT_N
};

/* The YAML keys of the limits mapping, in the order of enum bpo_limit. */
#define BPO_LIMITS_KEYS {"unpacked-size", "members", "ratio", "download-size", NULL}

/* One set of limits; 0 = not set (the next layer's value, or the default). */
struct bpo_limits {
	uint64_t v[BPO_LIMIT_N];
};

/* The default of limit k. */
uint64_t bpo_limit_default(enum bpo_limit k);
/* "unpacked-size". */
const char *bpo_limit_name(enum bpo_limit k);
/* A size ("123", "64M", "2GiB") to bytes; -1 when malformed, 0 or too large. */
int bpo_size_parse(const char *s, uint64_t *out);
/* Parse a limits mapping (where names it in messages: "limits") into out,
 * which keeps the keys not given. A null node sets nothing. */
int bpo_limits_yaml(struct bpo_yaml *y, const yaml_node_t *node, const char *where,
		    struct bpo_limits *out, struct bpo_error *err);
/* The effective limits: each of recipe's set, else conf's, else the default.
 * Either may be NULL. */
void bpo_limits_effective(const struct bpo_limits *conf, const struct bpo_limits *recipe,
			  struct bpo_limits *out);
/* The archive module's caps of effective limits. */
void bpo_limits_archive(const struct bpo_limits *eff, struct bpo_archive_limits *out);

#endif
