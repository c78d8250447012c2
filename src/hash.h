/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hash: SHA-256 (and MD5, SHA-1, SHA-512 where a format asks for them) through
 * libgcrypt. Never hand-written. Hex digests are lower case.
 */
#ifndef BPO_HASH_H
#define BPO_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum bpo_hash_algo { BPO_HASH_MD5, BPO_HASH_SHA1, BPO_HASH_SHA256, BPO_HASH_SHA512 };

#define BPO_SHA256_HEX_LEN 64
#define BPO_HASH_HEX_MAX 129 /* sha512 hex + NUL */

/* Several digests of one stream at once (e.g. for Release: md5, sha256). */
struct bpo_hash {
	void *h;         /* gcry_md_hd_t */
	unsigned algos;  /* bit mask of 1 << enum bpo_hash_algo */
	uint64_t size;
};

/* Initialise libgcrypt once (safe to call many times). */
void bpo_hash_global_init(void);
void bpo_hash_init(struct bpo_hash *h, unsigned algos);
void bpo_hash_update(struct bpo_hash *h, const void *data, size_t len);
/* Write the hex digest of algo (which must be in algos) into hex[BPO_HASH_HEX_MAX]. */
void bpo_hash_hex(struct bpo_hash *h, enum bpo_hash_algo algo, char *hex);
void bpo_hash_destroy(struct bpo_hash *h);

void bpo_sha256_hex_buf(const void *data, size_t len, char hex[BPO_HASH_HEX_MAX]);
/* Hash a file; size in *size when not NULL. */
int bpo_hash_file(const char *path, enum bpo_hash_algo algo, char hex[BPO_HASH_HEX_MAX],
		  uint64_t *size, struct bpo_error *err);
/* A syntactically valid lowercase/uppercase hex SHA-256. */
bool bpo_sha256_hex_valid(const char *s);
const char *bpo_hash_algo_name(enum bpo_hash_algo algo);

#endif
