/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sign: gpgme signing (InRelease, Release.gpg) and a small verifier. */
#include "config.h"
#include "sign.h"

#include <ctype.h>
#include <errno.h>
#include <gpgme.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "proc.h"
#include "xmem.h"

struct bpo_signer {
	gpgme_ctx_t ctx;
	char *tmphome; /* private home we made (removed at free), or NULL */
	char fpr[BPO_FPR_MAX];
	bool can_sign;
};

bool bpo_sign_fpr_normalise(const char *in, char out[BPO_FPR_MAX])
{
	size_t n = 0;

	if (!in)
		return false;
	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		in += 2;
	for (; *in; in++) {
		if (*in == ' ')
			continue;
		if (!isxdigit((unsigned char)*in) || n + 1 >= BPO_FPR_MAX)
			return false;
		out[n++] = (char)toupper((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 40 || n == 64;
}

static int gpgme_fail(struct bpo_error *err, enum bpo_errkind kind, const char *what,
		      gpgme_error_t e)
{
	return bpo_error_set(err, kind, "%s: %s", what, gpgme_strerror(e));
}

/* Library setup and a context in home (NULL: default home). */
static int new_ctx(struct bpo_signer *s, const char *home, struct bpo_error *err)
{
	gpgme_error_t e;

	gpgme_check_version(NULL);
	gpgme_set_locale(NULL, LC_CTYPE, "C");
	e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (e)
		return gpgme_fail(err, BPO_E_FAIL, "gpg engine", e);
	e = gpgme_new(&s->ctx);
	if (e)
		return gpgme_fail(err, BPO_E_FAIL, "gpgme", e);
	gpgme_set_protocol(s->ctx, GPGME_PROTOCOL_OpenPGP);
	if (home) {
		e = gpgme_ctx_set_engine_info(s->ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
		if (e)
			return gpgme_fail(err, BPO_E_FAIL, home, e);
	}
	gpgme_set_armor(s->ctx, 1);
	gpgme_set_pinentry_mode(s->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	return 0;
}

static int import_file(struct bpo_signer *s, const char *file, bool want_secret,
		       struct bpo_error *err)
{
	struct bpo_buf b;
	gpgme_data_t d = NULL;
	gpgme_import_result_t r;
	gpgme_error_t e;
	int rc = -1;

	bpo_buf_init(&b, BPO_MAX_CONTROL);
	if (bpo_file_read(file, BPO_MAX_CONTROL, &b, err) < 0)
		goto out;
	e = gpgme_data_new_from_mem(&d, b.data, b.len, 0);
	if (e) {
		gpgme_fail(err, BPO_E_FAIL, file, e);
		goto out;
	}
	e = gpgme_op_import(s->ctx, d);
	if (e) {
		gpgme_fail(err, BPO_E_SYNTAX, file, e);
		goto out;
	}
	r = gpgme_op_import_result(s->ctx);
	if (!r || r->considered == 0 || (want_secret && r->secret_imported + r->secret_unchanged == 0) ||
	    (!want_secret && r->imported + r->unchanged == 0)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no usable OpenPGP %s key in the file", file,
			      want_secret ? "secret" : "public");
		goto out;
	}
	rc = 0;
out:
	gpgme_data_release(d);
	bpo_buf_destroy(&b);
	return rc;
}

static int private_home(struct bpo_signer *s, struct bpo_error *err)
{
	s->tmphome = bpo_mkdtemp(NULL, "bpo-gnupg", err);
	return s->tmphome ? 0 : -1;
}

/*
 * Open a signer for fpr from gnupghome or keyfile (see sign.h). The key must
 * have a secret part that can sign and must not be revoked or expired.
 */
int bpo_sign_open(struct bpo_signer **out, const char *fpr, const char *gnupghome,
		  const char *keyfile, struct bpo_error *err)
{
	struct bpo_signer *s = bpo_xcalloc(1, sizeof(*s));
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	int rc = -1;

	*out = NULL;
	if (!bpo_sign_fpr_normalise(fpr, s->fpr)) {
		bpo_error_set(err, BPO_E_USAGE,
			      "key '%s': expected a full fingerprint (40 or 64 hex digits)",
			      fpr ? fpr : "");
		goto out;
	}
	if (keyfile && private_home(s, err) < 0)
		goto out;
	if (new_ctx(s, keyfile ? s->tmphome : gnupghome, err) < 0)
		goto out;
	if (keyfile && import_file(s, keyfile, true, err) < 0)
		goto out;
	e = gpgme_get_key(s->ctx, s->fpr, &key, 1);
	if (e || !key) {
		bpo_error_set(err, BPO_E_NOTFOUND, "no secret key with fingerprint %s in %s", s->fpr,
			      keyfile ? keyfile : gnupghome ? gnupghome : "the default GnuPG home");
		goto out;
	}
	if (key->revoked || key->expired || key->disabled || key->invalid || !key->can_sign) {
		bpo_error_set(err, BPO_E_VERIFY, "key %s is %s", s->fpr,
			      key->revoked ? "revoked" : key->expired ? "expired"
			      : key->disabled ? "disabled" : key->invalid ? "invalid"
			      : "not usable for signing");
		goto out;
	}
	if (key->fpr)
		bpo_sign_fpr_normalise(key->fpr, s->fpr);
	e = gpgme_signers_add(s->ctx, key);
	if (e) {
		gpgme_fail(err, BPO_E_FAIL, s->fpr, e);
		goto out;
	}
	s->can_sign = true;
	*out = s;
	s = NULL;
	rc = 0;
out:
	if (rc < 0)
		bpo_error_class(err, "sign");
	if (key)
		gpgme_key_unref(key);
	bpo_sign_free(s);
	return rc;
}

/* A verify-only signer holding the public keys of keyring (see sign.h). */
int bpo_sign_open_keyring(struct bpo_signer **out, const char *keyring, struct bpo_error *err)
{
	struct bpo_signer *s = bpo_xcalloc(1, sizeof(*s));
	int rc = -1;

	*out = NULL;
	if (private_home(s, err) < 0 || new_ctx(s, s->tmphome, err) < 0 ||
	    import_file(s, keyring, false, err) < 0)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	bpo_sign_free(s);
	return rc;
}

/* Free a signer; a private home is removed after its gpg-agent is stopped. */
void bpo_sign_free(struct bpo_signer *s)
{
	if (!s)
		return;
	if (s->ctx)
		gpgme_release(s->ctx);
	if (s->tmphome) {
		const char *argv[] = {"gpgconf", "--homedir", s->tmphome, "--kill", "all", NULL};
		struct bpo_proc_opts o = {.log_fd = -1, .quiet_stderr = true, .timeout = 10};
		int st;
		bpo_proc_run(argv, &o, &st, NULL);
		bpo_rm_rf(s->tmphome, NULL);
		free(s->tmphome);
	}
	free(s);
}

/* The signing key's primary fingerprint. */
const char *bpo_sign_fpr(const struct bpo_signer *s)
{
	return s->fpr;
}

static int take_data(gpgme_data_t d, struct bpo_buf *out, struct bpo_error *err)
{
	size_t n = 0;
	char *p = gpgme_data_release_and_get_mem(d, &n);
	int rc;

	if (!p && n)
		return bpo_error_set(err, BPO_E_FAIL, "gpgme: no output");
	rc = bpo_buf_append(out, p ? p : "", n, err);
	gpgme_free(p);
	return rc;
}

static int do_sign(struct bpo_signer *s, const void *data, size_t len, gpgme_sig_mode_t mode,
		   struct bpo_buf *out, struct bpo_error *err)
{
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_sign_result_t r;
	gpgme_error_t e;
	int rc = -1;

	if (!s->can_sign)
		return bpo_error_set(err, BPO_E_FAIL, "no signing key");
	e = gpgme_data_new_from_mem(&in, data, len, 0);
	if (!e)
		e = gpgme_data_new(&sig);
	if (e) {
		gpgme_fail(err, BPO_E_FAIL, "gpgme", e);
		goto out;
	}
	e = gpgme_op_sign(s->ctx, in, sig, mode);
	r = gpgme_op_sign_result(s->ctx);
	if (e || !r || r->invalid_signers || !r->signatures) {
		bpo_error_set(err, BPO_E_FAIL, "signing with key %s failed: %s", s->fpr,
			      e ? gpgme_strerror(e)
				: (r && r->invalid_signers) ? gpgme_strerror(r->invalid_signers->reason)
							    : "no signature made");
		goto out;
	}
	rc = take_data(sig, out, err);
	sig = NULL;
out:
	gpgme_data_release(in);
	gpgme_data_release(sig);
	return rc;
}

/* Clearsign data (InRelease). */
int bpo_sign_clear(struct bpo_signer *s, const void *data, size_t len, struct bpo_buf *out,
		   struct bpo_error *err)
{
	return do_sign(s, data, len, GPGME_SIG_MODE_CLEAR, out, err) < 0
		       ? bpo_error_class(err, "sign") : 0;
}

/* Detached armoured signature (Release.gpg). */
int bpo_sign_detached(struct bpo_signer *s, const void *data, size_t len, struct bpo_buf *out,
		      struct bpo_error *err)
{
	return do_sign(s, data, len, GPGME_SIG_MODE_DETACH, out, err) < 0
		       ? bpo_error_class(err, "sign") : 0;
}

/* Export the public part of the signing key, armoured. */
int bpo_sign_export_public(struct bpo_signer *s, struct bpo_buf *out, struct bpo_error *err)
{
	gpgme_data_t d = NULL;
	gpgme_error_t e;

	e = gpgme_data_new(&d);
	if (!e)
		e = gpgme_op_export(s->ctx, s->fpr, 0, d);
	if (e) {
		gpgme_data_release(d);
		return gpgme_fail(err, BPO_E_FAIL, "export of the public key", e);
	}
	return take_data(d, out, err);
}

static bool key_has_fpr(gpgme_key_t key, const char *want)
{
	char f[BPO_FPR_MAX];

	for (gpgme_subkey_t sk = key->subkeys; sk; sk = sk->next)
		if (sk->fpr && bpo_sign_fpr_normalise(sk->fpr, f) && strcmp(f, want) == 0)
			return true;
	return false;
}

/* Verify a clearsigned message or a detached signature (see sign.h). */
int bpo_sign_verify(struct bpo_signer *s, const char *name, const void *data, size_t len,
		    const void *sigdata, size_t siglen, const char *want_fpr, struct bpo_buf *plain,
		    char signer_fpr[BPO_FPR_MAX], struct bpo_error *err)
{
	gpgme_data_t d = NULL, sd = NULL, pd = NULL;
	gpgme_verify_result_t r;
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	char want[BPO_FPR_MAX] = "", f[BPO_FPR_MAX];
	int rc = -1, nsig = 0;

	if (want_fpr && !bpo_sign_fpr_normalise(want_fpr, want))
		return bpo_error_set(err, BPO_E_USAGE, "bad fingerprint '%s'", want_fpr);
	e = gpgme_data_new_from_mem(&d, data, len, 0);
	if (!e && sigdata)
		e = gpgme_data_new_from_mem(&sd, sigdata, siglen, 0);
	if (!e && !sigdata)
		e = gpgme_data_new(&pd);
	if (e) {
		gpgme_fail(err, BPO_E_FAIL, "gpgme", e);
		goto out;
	}
	e = sigdata ? gpgme_op_verify(s->ctx, sd, d, NULL) : gpgme_op_verify(s->ctx, d, NULL, pd);
	if (e) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: no valid OpenPGP signature: %s", name,
			      gpgme_strerror(e));
		goto out;
	}
	r = gpgme_op_verify_result(s->ctx);
	for (gpgme_signature_t sig = r ? r->signatures : NULL; sig; sig = sig->next) {
		nsig++;
		if (gpg_err_code(sig->status) == GPG_ERR_NO_PUBKEY ||
		    (sig->summary & GPGME_SIGSUM_KEY_MISSING)) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signed by unknown key %s", name,
				      sig->fpr ? sig->fpr : "?");
			goto out;
		}
		if (gpg_err_code(sig->status) == GPG_ERR_BAD_SIGNATURE ||
		    (sig->summary & GPGME_SIGSUM_RED)) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: BAD signature by key %s", name,
				      sig->fpr ? sig->fpr : "?");
			goto out;
		}
		if (sig->summary & GPGME_SIGSUM_KEY_REVOKED) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signing key %s is revoked", name,
				      sig->fpr);
			goto out;
		}
		if (sig->summary & GPGME_SIGSUM_KEY_EXPIRED) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signing key %s has expired", name,
				      sig->fpr);
			goto out;
		}
		if (sig->summary & GPGME_SIGSUM_SIG_EXPIRED) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signature has expired", name);
			goto out;
		}
		if (sig->status != GPG_ERR_NO_ERROR) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signature not valid: %s", name,
				      gpgme_strerror(sig->status));
			goto out;
		}
		/* fast path: made by the expected key itself (no key listing needed) */
		if (want[0] && sig->fpr && bpo_sign_fpr_normalise(sig->fpr, f) && strcmp(f, want) == 0) {
			if (signer_fpr)
				memcpy(signer_fpr, f, sizeof(f));
			continue;
		}
		if (!sig->fpr || gpgme_get_key(s->ctx, sig->fpr, &key, 0) || !key) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signing key %s not in the keyring", name,
				      sig->fpr ? sig->fpr : "?");
			goto out;
		}
		if (want[0] && !key_has_fpr(key, want)) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: signed by key %s, expected %s", name,
				      key->fpr ? key->fpr : sig->fpr, want);
			goto out;
		}
		if (signer_fpr && key->fpr && bpo_sign_fpr_normalise(key->fpr, f))
			memcpy(signer_fpr, f, sizeof(f));
		gpgme_key_unref(key);
		key = NULL;
	}
	if (nsig == 0) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: no OpenPGP signature found", name);
		goto out;
	}
	if (plain) {
		rc = take_data(pd, plain, err);
		pd = NULL;
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	if (key)
		gpgme_key_unref(key);
	gpgme_data_release(d);
	gpgme_data_release(sd);
	gpgme_data_release(pd);
	return rc;
}
