/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gpg: OpenPGP verification with gpgme against one keyring file (see gpg.h). */
#include "config.h"
#include "gpg.h"

#include <errno.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deb822.h"
#include "fsutil.h"
#include "xmem.h"

/* A keyring file larger than this is refused (Debian's is ~ 100 KiB). */
#define KEYRING_MAX (16u << 20)

static void gpgme_once(void)
{
	/* gpgme_check_version initialises the library; it is idempotent. */
	gpgme_check_version(NULL);
}

/*
 * bpo_gpg_open: a private GNUPGHOME with only the keys of keyring, trusted
 * because they are in that file (trust-model always); no agent, no dirmngr.
 */
int bpo_gpg_open(struct bpo_gpg *g, const char *keyring, struct bpo_error *err)
{
	static const char conf[] = "trust-model always\nno-auto-key-retrieve\nno-autostart\n"
				   "no-greeting\nno-permission-warning\n";
	struct bpo_buf kb;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t kd = NULL;
	gpgme_import_result_t ir;
	gpgme_error_t ge;
	char *confpath = NULL;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	bpo_buf_init(&kb, KEYRING_MAX);
	gpgme_once();
	if (!keyring || !*keyring) {
		bpo_error_set(err, BPO_E_USAGE, "no keyring given to verify signatures with");
		goto out;
	}
	if (bpo_file_read(keyring, KEYRING_MAX, &kb, err) < 0) {
		bpo_error_prefix(err, "keyring");
		goto out;
	}
	g->keyring = bpo_xstrdup(keyring);
	g->home = bpo_mkdtemp(NULL, "bpo-gnupg", err);
	if (!g->home)
		goto out;
	confpath = bpo_path_join(g->home, "gpg.conf");
	if (bpo_file_write_atomic(confpath, conf, sizeof(conf) - 1, 0600, err) < 0)
		goto out;
	ge = gpgme_new(&ctx);
	if (!ge)
		ge = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
	if (!ge)
		ge = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, g->home);
	if (ge) {
		bpo_error_set(err, BPO_E_FAIL, "gpgme: cannot set up OpenPGP: %s", gpgme_strerror(ge));
		goto out;
	}
	gpgme_set_armor(ctx, 0);
	g->ctx = ctx;
	ctx = NULL;
	ge = gpgme_data_new_from_mem(&kd, kb.data, kb.len, 0);
	if (!ge)
		ge = gpgme_op_import(g->ctx, kd);
	if (ge) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: cannot import keyring: %s", keyring,
			      gpgme_strerror(ge));
		goto out;
	}
	ir = gpgme_op_import_result(g->ctx);
	if (!ir || ir->imported + ir->unchanged == 0) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: keyring holds no usable OpenPGP public key",
			      keyring);
		goto out;
	}
	g->n_keys = (unsigned)(ir->imported + ir->unchanged);
	rc = 0;
out:
	if (kd)
		gpgme_data_release(kd);
	if (ctx)
		gpgme_release(ctx);
	free(confpath);
	bpo_buf_destroy(&kb);
	if (rc < 0)
		bpo_gpg_close(g);
	return rc;
}

/* bpo_gpg_close: release gpgme and remove the private home. */
/* The process's shared handles (bpo_gpg_shared): importing a keyring such as
 * Debian's archive keyring into a fresh GNUPGHOME takes seconds, and one run
 * verifies several suites' InRelease files with it. */
#define SHARED_MAX 8
static struct shared {
	struct bpo_gpg g;
	char *keyring;
	off_t size;
	time_t mtime;
	long mtime_ns;
	pid_t pid; /* the process that made it (a forked child does not remove it) */
} shared[SHARED_MAX];
static size_t n_shared;

static void shared_close_all(void)
{
	for (size_t i = 0; i < n_shared; i++) {
		if (shared[i].pid == getpid())
			bpo_gpg_close(&shared[i].g);
		free(shared[i].keyring);
	}
	n_shared = 0;
}

int bpo_gpg_shared(const char *keyring, struct bpo_gpg **out, struct bpo_error *err)
{
	struct stat st;
	*out = NULL;
	if (keyring && stat(keyring, &st) == 0) {
		for (size_t i = 0; i < n_shared; i++)
			if (shared[i].pid == getpid() && strcmp(shared[i].keyring, keyring) == 0 &&
			    shared[i].size == st.st_size && shared[i].mtime == st.st_mtim.tv_sec &&
			    shared[i].mtime_ns == st.st_mtim.tv_nsec) {
				*out = &shared[i].g;
				return 0;
			}
	} else {
		memset(&st, 0, sizeof(st));
	}
	if (n_shared == SHARED_MAX) {
		/* full: the oldest goes */
		if (shared[0].pid == getpid())
			bpo_gpg_close(&shared[0].g);
		free(shared[0].keyring);
		memmove(&shared[0], &shared[1], sizeof(shared[0]) * (SHARED_MAX - 1));
		n_shared--;
	}
	struct shared *x = &shared[n_shared];
	memset(x, 0, sizeof(*x));
	if (bpo_gpg_open(&x->g, keyring, err) < 0)
		return -1;
	static bool registered;
	if (!registered) {
		atexit(shared_close_all);
		registered = true;
	}
	x->keyring = bpo_xstrdup(keyring);
	x->size = st.st_size;
	x->mtime = st.st_mtim.tv_sec;
	x->mtime_ns = st.st_mtim.tv_nsec;
	x->pid = getpid();
	n_shared++;
	*out = &x->g;
	return 0;
}

void bpo_gpg_close(struct bpo_gpg *g)
{
	if (!g)
		return;
	if (g->ctx)
		gpgme_release(g->ctx);
	if (g->home) {
		struct bpo_error e;
		bpo_error_init(&e);
		if (bpo_rm_rf(g->home, &e) < 0)
			fprintf(stderr, "bpo: warning: %s\n", e.msg);
	}
	free(g->home);
	free(g->keyring);
	bpo_strv_destroy(&g->fprs);
	memset(g, 0, sizeof(*g));
}

/* The primary key fingerprint of the key that made sig (owned), or a copy of
 * sig->fpr. The keyring's keys are listed once per handle (one gpg process),
 * not once per signature. */
static char *primary_fpr(struct bpo_gpg *g, const char *fpr)
{
	gpgme_key_t key = NULL;
	char *out;
	if (!fpr)
		return bpo_xstrdup("?");
	if (!g->fprs_listed) {
		/* a context of its own: an operation on g->ctx would free the
		   verify result that fpr points into */
		gpgme_ctx_t lc = NULL;
		g->fprs_listed = true;
		if (!gpgme_new(&lc) && !gpgme_set_protocol(lc, GPGME_PROTOCOL_OpenPGP) &&
		    !gpgme_ctx_set_engine_info(lc, GPGME_PROTOCOL_OpenPGP, NULL, g->home) &&
		    !gpgme_op_keylist_start(lc, NULL, 0)) {
			while (!gpgme_op_keylist_next(lc, &key)) {
				for (gpgme_subkey_t sk = key->subkeys; sk; sk = sk->next)
					if (sk->fpr && key->fpr) {
						bpo_strv_push(&g->fprs, sk->fpr);
						bpo_strv_push(&g->fprs, key->fpr);
					}
				gpgme_key_unref(key);
			}
			gpgme_op_keylist_end(lc);
		}
		if (lc)
			gpgme_release(lc);
		key = NULL;
	}
	for (size_t i = 0; i + 1 < g->fprs.n; i += 2)
		if (strcasecmp(g->fprs.v[i], fpr) == 0)
			return bpo_xstrdup(g->fprs.v[i + 1]);
	if (!gpgme_get_key(g->ctx, fpr, &key, 0) && key && key->fpr)
		out = bpo_xstrdup(key->fpr);
	else
		out = bpo_xstrdup(fpr);
	if (key)
		gpgme_key_unref(key);
	return out;
}

/*
 * Judge every signature: any bad signature fails; otherwise one good one
 * suffices; otherwise the first problem is reported. Each gpgme status and
 * summary bit has its own message (reprepro's and pacman's habit).
 */
static int judge(struct bpo_gpg *g, const char *name, char **fpr, struct bpo_error *err)
{
	gpgme_verify_result_t vr = gpgme_op_verify_result(g->ctx);
	gpgme_signature_t s;
	const char *good = NULL;
	struct bpo_error first;
	bool have_first = false;

	bpo_error_init(&first);
	if (!vr || !vr->signatures)
		return bpo_error_set(err, BPO_E_VERIFY, "%s: no OpenPGP signature found", name);
	for (s = vr->signatures; s; s = s->next) {
		gpgme_error_t st = gpg_err_code(s->status);
		const char *id = s->fpr ? s->fpr : "?";
		struct bpo_error e;

		bpo_error_init(&e);
		if (st == GPG_ERR_BAD_SIGNATURE)
			return bpo_error_set(err, BPO_E_VERIFY,
					     "%s: BAD signature from key %s (the data was altered or "
					     "the signature is corrupt)", name, id);
		if (st == GPG_ERR_NO_ERROR && !(s->summary & (GPGME_SIGSUM_RED |
							    GPGME_SIGSUM_KEY_REVOKED |
							    GPGME_SIGSUM_KEY_EXPIRED |
							    GPGME_SIGSUM_SIG_EXPIRED |
							    GPGME_SIGSUM_KEY_MISSING)) &&
		    s->validity != GPGME_VALIDITY_NEVER) {
			if (!good)
				good = s->fpr;
			continue;
		}
		if (st == GPG_ERR_NO_PUBKEY || s->summary & GPGME_SIGSUM_KEY_MISSING)
			bpo_error_set(&e, BPO_E_VERIFY,
				      "%s: signed by key %s, which is not in the keyring %s (no public key)",
				      name, id, g->keyring);
		else if (st == GPG_ERR_CERT_REVOKED || s->summary & GPGME_SIGSUM_KEY_REVOKED)
			bpo_error_set(&e, BPO_E_VERIFY, "%s: signed by key %s, which is revoked",
				      name, id);
		else if (st == GPG_ERR_KEY_EXPIRED || s->summary & GPGME_SIGSUM_KEY_EXPIRED)
			bpo_error_set(&e, BPO_E_VERIFY, "%s: signed by key %s, which has expired",
				      name, id);
		else if (st == GPG_ERR_SIG_EXPIRED || s->summary & GPGME_SIGSUM_SIG_EXPIRED)
			bpo_error_set(&e, BPO_E_VERIFY, "%s: the signature by key %s has expired",
				      name, id);
		else if (s->validity == GPGME_VALIDITY_NEVER || s->summary & GPGME_SIGSUM_RED)
			bpo_error_set(&e, BPO_E_VERIFY, "%s: signed by key %s, which is not valid",
				      name, id);
		else
			bpo_error_set(&e, BPO_E_VERIFY, "%s: cannot verify the signature by key %s: %s",
				      name, id, gpgme_strerror(s->status));
		if (!have_first) {
			first = e;
			have_first = true;
		}
	}
	if (good) {
		if (fpr)
			*fpr = primary_fpr(g, good);
		return 0;
	}
	if (err)
		*err = first;
	return -1;
}

static int read_data(gpgme_data_t d, struct bpo_buf *out, const char *name, struct bpo_error *err)
{
	char chunk[16384];
	ssize_t n;
	if (gpgme_data_seek(d, 0, SEEK_SET) < 0)
		return bpo_error_set(err, BPO_E_FAIL, "%s: cannot rewind verified data", name);
	while ((n = gpgme_data_read(d, chunk, sizeof(chunk))) > 0)
		if (bpo_buf_append(out, chunk, (size_t)n, err) < 0)
			return bpo_error_prefix(err, "%s", name);
	if (n < 0)
		return bpo_error_set(err, BPO_E_FAIL, "%s: cannot read verified data: %s", name,
				     strerror(errno));
	return 0;
}

#define CLEARSIGN_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"

/*
 * A clearsigned document must be exactly one signed message and nothing else
 * (as apt insists): no second message, no text before or after it. Its text,
 * as a deb822 reader would take it, goes to expect.
 */
static int check_structure(const char *data, size_t len, const char *name, struct bpo_buf *expect,
			   bool *clearsigned, struct bpo_error *err)
{
	const char *p = data, *end = data + len, *hit;
	size_t n = 0;
	bool is_signed = false;

	*clearsigned = false;
	while (p < end && (hit = memmem(p, (size_t)(end - p), CLEARSIGN_BEGIN,
				       strlen(CLEARSIGN_BEGIN)))) {
		n++;
		p = hit + 1;
	}
	if (n == 0)
		return 0;
	if (n > 1)
		return bpo_error_set(err, BPO_E_VERIFY, "%s: more than one signed message in the file",
				     name);
	if (bpo_deb822_clearsign_strip(data, len, name, expect, &is_signed, err) < 0) {
		err->kind = BPO_E_VERIFY;
		return -1;
	}
	if (!is_signed)
		return bpo_error_set(err, BPO_E_VERIFY, "%s: text before the signed message", name);
	*clearsigned = true;
	return 0;
}

/* bpo_gpg_verify_inline: verify a clearsigned message; the verified text goes to plain. */
int bpo_gpg_verify_inline(struct bpo_gpg *g, const char *data, size_t len, const char *name,
			  struct bpo_buf *plain, char **fpr, struct bpo_error *err)
{
	gpgme_data_t sd = NULL, pd = NULL;
	gpgme_error_t ge;
	struct bpo_buf expect, got;
	struct bpo_error local;
	bool clearsigned = false;
	int rc = -1;

	if (!err)
		err = &local;
	if (fpr)
		*fpr = NULL;
	bpo_buf_init(&expect, len + 1);
	bpo_buf_init(&got, plain ? plain->max : len + 1);
	if (check_structure(data, len, name, &expect, &clearsigned, err) < 0)
		goto out;
	ge = gpgme_data_new_from_mem(&sd, data, len, 0);
	if (!ge)
		ge = gpgme_data_new(&pd);
	if (ge) {
		bpo_error_set(err, BPO_E_FAIL, "%s: gpgme: %s", name, gpgme_strerror(ge));
		goto out;
	}
	ge = gpgme_op_verify(g->ctx, sd, NULL, pd);
	if (ge) {
		if (gpg_err_code(ge) == GPG_ERR_NO_DATA)
			bpo_error_set(err, BPO_E_VERIFY, "%s: not signed (no OpenPGP signature found)",
				      name);
		else
			bpo_error_set(err, BPO_E_VERIFY, "%s: cannot verify: %s", name,
				      gpgme_strerror(ge));
		goto out;
	}
	if (judge(g, name, fpr, err) < 0)
		goto out;
	if (read_data(pd, &got, name, err) < 0)
		goto out;
	if (clearsigned && (got.len != expect.len || memcmp(got.data, expect.data, got.len) != 0)) {
		bpo_error_set(err, BPO_E_VERIFY,
			      "%s: the text gpg verified differs from the document's text", name);
		goto out;
	}
	if (plain && bpo_buf_append(plain, got.data, got.len, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && fpr) {
		free(*fpr);
		*fpr = NULL;
	}
	if (sd)
		gpgme_data_release(sd);
	if (pd)
		gpgme_data_release(pd);
	bpo_buf_destroy(&expect);
	bpo_buf_destroy(&got);
	return rc;
}

/* bpo_gpg_verify_detached: verify sig (binary or armoured) over data. */
int bpo_gpg_verify_detached(struct bpo_gpg *g, const char *data, size_t len, const char *sig,
			    size_t sig_len, const char *name, char **fpr, struct bpo_error *err)
{
	gpgme_data_t sd = NULL, dd = NULL;
	gpgme_error_t ge;
	int rc = -1;

	if (fpr)
		*fpr = NULL;
	ge = gpgme_data_new_from_mem(&sd, sig, sig_len, 0);
	if (!ge)
		ge = gpgme_data_new_from_mem(&dd, data, len, 0);
	if (ge) {
		bpo_error_set(err, BPO_E_FAIL, "%s: gpgme: %s", name, gpgme_strerror(ge));
		goto out;
	}
	ge = gpgme_op_verify(g->ctx, sd, dd, NULL);
	if (ge) {
		if (gpg_err_code(ge) == GPG_ERR_NO_DATA)
			bpo_error_set(err, BPO_E_VERIFY, "%s: no OpenPGP signature found", name);
		else
			bpo_error_set(err, BPO_E_VERIFY, "%s: cannot verify: %s", name,
				      gpgme_strerror(ge));
		goto out;
	}
	if (judge(g, name, fpr, err) < 0)
		goto out;
	rc = 0;
out:
	if (sd)
		gpgme_data_release(sd);
	if (dd)
		gpgme_data_release(dd);
	return rc;
}
