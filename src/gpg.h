/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gpg: OpenPGP signature *verification* through gpgme, against one explicit
 * keyring file only (binary .gpg or armoured .asc). The keyring is imported
 * into a private temporary GNUPGHOME (trust-model always: being in the keyring
 * file is what makes a key trusted), so the user's keyring is never consulted.
 *
 * Each failure has its own one-line message naming the file, kind BPO_E_VERIFY:
 * no signature, bad signature, no public key (key id shown), expired key,
 * revoked key, expired signature, key not valid. When a file carries several
 * signatures, any bad one fails it; otherwise one good signature suffices.
 *
 * Signing is not here (see sign.h).
 */
#ifndef BPO_GPG_H
#define BPO_GPG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

struct bpo_gpg {
	void *ctx;     /* gpgme_ctx_t */
	char *home;    /* private GNUPGHOME, removed by bpo_gpg_close */
	char *keyring; /* the keyring file, for messages */
	unsigned n_keys; /* keys imported */
	/* internal: each key's fingerprints (subkey, primary, ...), pairs, listed
	   once at the first good signature */
	struct bpo_strv fprs;
	bool fprs_listed;
};

/* Make a private GNUPGHOME (under tmpdir, or $TMPDIR when NULL) holding only
 * the keys of keyring. Fails (BPO_E_VERIFY) when the file holds no key. */
int bpo_gpg_open(struct bpo_gpg *g, const char *keyring, struct bpo_error *err);
/* A handle for keyring shared by the whole process (opened once per keyring
 * file, its size and mtime; closed at exit by the process that opened it):
 * the import of a large keyring is paid once per run, not once per suite.
 * Never bpo_gpg_close it. */
int bpo_gpg_shared(const char *keyring, struct bpo_gpg **out, struct bpo_error *err);
/* Remove the private home; g may be zeroed or already closed. */
void bpo_gpg_close(struct bpo_gpg *g);

/*
 * Verify an OpenPGP clearsigned (or inline signed) message. On success the
 * text gpg verified is appended to plain (capped at plain->max) — use that,
 * never the input, as the trusted content — and the signer's primary key
 * fingerprint (upper-case hex, owned) is put in *fpr (when fpr is not NULL).
 * name is the file name used in messages.
 */
int bpo_gpg_verify_inline(struct bpo_gpg *g, const char *data, size_t len, const char *name,
			  struct bpo_buf *plain, char **fpr, struct bpo_error *err);
/* Verify a detached signature sig over data (Release + Release.gpg). */
int bpo_gpg_verify_detached(struct bpo_gpg *g, const char *data, size_t len, const char *sig,
			    size_t sig_len, const char *name, char **fpr, struct bpo_error *err);

#endif
