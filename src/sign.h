/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sign: OpenPGP signing for the repository through gpgme: a clearsigned
 * InRelease and an armoured detached Release.gpg, made with one key named by
 * its fingerprint, either from an existing GnuPG home or imported from a key
 * file into a private temporary home that is removed (agent included) when
 * the signer is freed. Also a small verifier (against the same home, or a
 * keyring file imported into a private home) for the repository's own
 * signatures and signed uploads; the fetch module's gpg.h does archive
 * verification.
 */
#ifndef BPO_SIGN_H
#define BPO_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define BPO_FPR_MAX 64 /* hex fingerprint + NUL (v4: 40, v5: 64) */

struct bpo_signer;

/*
 * Open a signer for the key fpr (hex fingerprint, spaces allowed). Exactly
 * one of gnupghome (an existing GnuPG home; NULL with keyfile == NULL means
 * gpg's default home) or keyfile (a secret key export, imported into a fresh
 * private home). BPO_E_NOTFOUND when no usable secret key has that
 * fingerprint.
 */
int bpo_sign_open(struct bpo_signer **out, const char *fpr, const char *gnupghome,
		  const char *keyfile, struct bpo_error *err);
/* A verify-only context for the public keys in keyring (armoured or binary). */
int bpo_sign_open_keyring(struct bpo_signer **out, const char *keyring, struct bpo_error *err);
/* Free a signer (NULL is fine); a private home is removed and its agent stopped. */
void bpo_sign_free(struct bpo_signer *s);
/* The signing key's primary fingerprint (upper-case hex). */
const char *bpo_sign_fpr(const struct bpo_signer *s);

/* Clearsign data into out (an InRelease). */
int bpo_sign_clear(struct bpo_signer *s, const void *data, size_t len, struct bpo_buf *out,
		   struct bpo_error *err);
/* Detached armoured signature of data into out (a Release.gpg). */
int bpo_sign_detached(struct bpo_signer *s, const void *data, size_t len, struct bpo_buf *out,
		      struct bpo_error *err);
/* Export the signing key's public part, armoured, into out. */
int bpo_sign_export_public(struct bpo_signer *s, struct bpo_buf *out, struct bpo_error *err);

/*
 * Verify a signature with the keys of s. With sig == NULL, data is a
 * clearsigned/inline-signed message and the signed text goes to plain (when not
 * NULL); otherwise sig is a detached signature over data. Every signature
 * must be good, made by a key in the keyring that is not expired or revoked;
 * when want_fpr is set, the signing key (primary or subkey) must have that
 * fingerprint. The signer's primary fingerprint goes to signer_fpr (when not
 * NULL). Failures are BPO_E_VERIFY with "name: ..." saying which check failed.
 */
int bpo_sign_verify(struct bpo_signer *s, const char *name, const void *data, size_t len,
		    const void *sig, size_t siglen, const char *want_fpr, struct bpo_buf *plain,
		    char signer_fpr[BPO_FPR_MAX], struct bpo_error *err);

/* Normalise a fingerprint (drop spaces, upper-case); false if not 40 or 64 hex. */
bool bpo_sign_fpr_normalise(const char *in, char out[BPO_FPR_MAX]);

#endif
