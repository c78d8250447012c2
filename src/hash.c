/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "hash.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int gcry_algo(enum bpo_hash_algo a)
{
	switch (a) {
	case BPO_HASH_MD5: return GCRY_MD_MD5;
	case BPO_HASH_SHA1: return GCRY_MD_SHA1;
	case BPO_HASH_SHA256: return GCRY_MD_SHA256;
	case BPO_HASH_SHA512: return GCRY_MD_SHA512;
	}
	return GCRY_MD_SHA256;
}

const char *bpo_hash_algo_name(enum bpo_hash_algo a)
{
	switch (a) {
	case BPO_HASH_MD5: return "MD5";
	case BPO_HASH_SHA1: return "SHA1";
	case BPO_HASH_SHA256: return "SHA256";
	case BPO_HASH_SHA512: return "SHA512";
	}
	return "?";
}

void bpo_hash_global_init(void)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;
	if (!gcry_check_version(GCRYPT_VERSION)) {
		fputs("bpo: libgcrypt version mismatch\n", stderr);
		abort();
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

void bpo_hash_init(struct bpo_hash *h, unsigned algos)
{
	gcry_md_hd_t hd = NULL;
	bool first = true;

	bpo_hash_global_init();
	for (int a = BPO_HASH_MD5; a <= BPO_HASH_SHA512; a++) {
		if (!(algos & (1u << a)))
			continue;
		if (first) {
			if (gcry_md_open(&hd, gcry_algo((enum bpo_hash_algo)a), 0))
				abort();
			first = false;
		} else if (gcry_md_enable(hd, gcry_algo((enum bpo_hash_algo)a))) {
			abort();
		}
	}
	h->h = hd;
	h->algos = algos;
	h->size = 0;
}

void bpo_hash_update(struct bpo_hash *h, const void *data, size_t len)
{
	if (h->h && len)
		gcry_md_write((gcry_md_hd_t)h->h, data, len);
	h->size += len;
}

void bpo_hash_hex(struct bpo_hash *h, enum bpo_hash_algo algo, char *hex)
{
	int ga = gcry_algo(algo);
	unsigned dlen = gcry_md_get_algo_dlen(ga);
	const unsigned char *d = gcry_md_read((gcry_md_hd_t)h->h, ga);
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; d && i < dlen; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[d ? 2 * dlen : 0] = '\0';
}

void bpo_hash_destroy(struct bpo_hash *h)
{
	if (h && h->h)
		gcry_md_close((gcry_md_hd_t)h->h);
	if (h)
		h->h = NULL;
}

void bpo_sha256_hex_buf(const void *data, size_t len, char hex[BPO_HASH_HEX_MAX])
{
	struct bpo_hash h;
	bpo_hash_init(&h, 1u << BPO_HASH_SHA256);
	bpo_hash_update(&h, data, len);
	bpo_hash_hex(&h, BPO_HASH_SHA256, hex);
	bpo_hash_destroy(&h);
}

int bpo_hash_file(const char *path, enum bpo_hash_algo algo, char hex[BPO_HASH_HEX_MAX],
		  uint64_t *size, struct bpo_error *err)
{
	struct bpo_hash h;
	char chunk[65536];
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO,
				     "%s: cannot open: %s", path, strerror(errno));
	bpo_hash_init(&h, 1u << algo);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bpo_error_set(err, BPO_E_IO, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		bpo_hash_update(&h, chunk, (size_t)n);
	}
	bpo_hash_hex(&h, algo, hex);
	if (size)
		*size = h.size;
	rc = 0;
out:
	bpo_hash_destroy(&h);
	close(fd);
	return rc;
}

bool bpo_sha256_hex_valid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == BPO_SHA256_HEX_LEN;
}
