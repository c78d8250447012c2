/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for repo and sign: pool prefixes, fingerprints, signing and
 * verifying with a throwaway key (real gpg in a temporary home), repository
 * creation and its configuration round trip, refusal of bad configurations.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "proc.h"
#include "repo.h"
#include "sign.h"
#include "xmem.h"

struct fix {
	char *dir, *home, *home2;
	char fpr[BPO_FPR_MAX], fpr2[BPO_FPR_MAX];
};

static int genkey(const char *home, const char *name, char fpr[BPO_FPR_MAX])
{
	const char *gen[] = {"gpg", "--homedir", home, "--batch", "--quiet", "--pinentry-mode",
			     "loopback", "--passphrase", "", "--quick-gen-key", name, "ed25519",
			     "sign", "never", NULL};
	const char *list[] = {"gpg", "--homedir", home, "--with-colons", "--list-secret-keys", NULL};
	struct bpo_buf out;
	struct bpo_proc_opts o = {.log_fd = -1, .quiet_stderr = true, .timeout = 60};
	const char *p;
	int rc = -1;

	bpo_buf_init(&out, 1 << 20);
	if (bpo_mkdir_p(home, 0700, NULL) < 0 || bpo_proc_run_ok(gen, &o, NULL) < 0)
		goto out;
	o.out = &out;
	if (bpo_proc_run_ok(list, &o, NULL) < 0)
		goto out;
	p = strstr(out.data, "\nfpr:");
	if (!p)
		goto out;
	p += 5;
	while (*p == ':')
		p++;
	if (strcspn(p, ":") != 40)
		goto out;
	memcpy(fpr, p, 40);
	fpr[40] = '\0';
	rc = 0;
out:
	bpo_buf_destroy(&out);
	return rc;
}

static int setup(void **state)
{
	struct fix *f = bpo_xcalloc(1, sizeof(*f));
	f->dir = bpo_mkdtemp(NULL, "bpo-test-repo", NULL);
	if (!f->dir)
		return -1;
	f->home = bpo_path_join(f->dir, "gnupg");
	f->home2 = bpo_path_join(f->dir, "gnupg2");
	if (genkey(f->home, "Repo Test <repo@example.invalid>", f->fpr) < 0 ||
	    genkey(f->home2, "Other <other@example.invalid>", f->fpr2) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	const char *homes[] = {f->home, f->home2};
	for (size_t i = 0; i < 2; i++) {
		const char *kill[] = {"gpgconf", "--homedir", homes[i], "--kill", "all", NULL};
		struct bpo_proc_opts o = {.log_fd = -1, .quiet_stderr = true, .timeout = 10};
		int st;
		bpo_proc_run(kill, &o, &st, NULL);
	}
	bpo_rm_rf(f->dir, NULL);
	free(f->dir);
	free(f->home);
	free(f->home2);
	free(f);
	return 0;
}

static void test_pool_prefix(void **state)
{
	static const struct {
		const char *src, *prefix;
	} t[] = {{"hello", "h"}, {"libfoo", "libf"}, {"lib", "l"}, {"libx", "libx"},
		 {"0ad", "0"}, {"liba11y", "liba"}};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *p = bpo_repo_pool_prefix(t[i].src);
		assert_string_equal(p, t[i].prefix);
		free(p);
	}
}

static void test_fpr_normalise(void **state)
{
	char out[BPO_FPR_MAX];
	(void)state;
	assert_true(bpo_sign_fpr_normalise("1af9 39ec 88ab 92f3 4009  06d3 3972 8dce d708 718c", out));
	assert_string_equal(out, "1AF939EC88AB92F3400906D339728DCED708718C");
	assert_true(bpo_sign_fpr_normalise("0x1AF939EC88AB92F3400906D339728DCED708718C", out));
	assert_false(bpo_sign_fpr_normalise("39728DCED708718C", out)); /* a long key id */
	assert_false(bpo_sign_fpr_normalise("1AF939EC88AB92F3400906D339728DCED708718G", out));
	assert_false(bpo_sign_fpr_normalise("", out));
	assert_false(bpo_sign_fpr_normalise(NULL, out));
}

static void test_sign_verify(void **state)
{
	struct fix *f = *state;
	struct bpo_signer *s = NULL, *other = NULL;
	struct bpo_buf clear, det, plain;
	struct bpo_error err;
	char who[BPO_FPR_MAX] = "";
	const char text[] = "Origin: test\nLabel: test\n-- a line with dashes\n";

	bpo_error_init(&err);
	bpo_buf_init(&clear, BPO_MAX_CONTROL);
	bpo_buf_init(&det, BPO_MAX_SIGNATURE);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	if (bpo_sign_open(&s, f->fpr, f->home, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(bpo_sign_fpr(s), f->fpr);
	assert_int_equal(bpo_sign_clear(s, text, strlen(text), &clear, &err), 0);
	assert_non_null(strstr(clear.data, "-----BEGIN PGP SIGNED MESSAGE-----"));
	assert_non_null(strstr(clear.data, "\n- -- a line with dashes\n")); /* dash-escaped */
	assert_int_equal(bpo_sign_detached(s, text, strlen(text), &det, &err), 0);
	assert_non_null(strstr(det.data, "-----BEGIN PGP SIGNATURE-----"));

	/* good: both forms, the signed text comes back unchanged */
	assert_int_equal(bpo_sign_verify(s, "InRelease", clear.data, clear.len, NULL, 0, f->fpr,
					 &plain, who, &err), 0);
	assert_string_equal(plain.data, text);
	assert_string_equal(who, f->fpr);
	assert_int_equal(bpo_sign_verify(s, "Release.gpg", text, strlen(text), det.data, det.len,
					 f->fpr, NULL, NULL, &err), 0);

	/* bad: changed text, another expected key, a signer we do not know */
	assert_int_equal(bpo_sign_verify(s, "Release.gpg", "Origin: evil\n", 13, det.data, det.len,
					 f->fpr, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "BAD signature"));
	assert_int_equal(bpo_sign_verify(s, "x", text, strlen(text), det.data, det.len, f->fpr2,
					 NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "expected"));
	assert_int_equal(bpo_sign_open(&other, f->fpr2, f->home2, NULL, &err), 0);
	assert_int_equal(bpo_sign_verify(other, "InRelease", clear.data, clear.len, NULL, 0, NULL,
					 NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "unknown key"));
	/* no signature at all */
	assert_int_equal(bpo_sign_verify(s, "plain", text, strlen(text), NULL, 0, NULL, NULL, NULL,
					 &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);

	/* a key that is not there */
	bpo_sign_free(other);
	other = NULL;
	assert_int_equal(bpo_sign_open(&other, f->fpr2, f->home, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	assert_int_equal(bpo_sign_open(&other, "1234", f->home, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_USAGE);

	bpo_sign_free(s);
	bpo_buf_destroy(&clear);
	bpo_buf_destroy(&det);
	bpo_buf_destroy(&plain);
}

static void test_keyfile_and_keyring(void **state)
{
	struct fix *f = *state;
	char *sec = bpo_path_join(f->dir, "secret.asc"), *pub = bpo_path_join(f->dir, "pub.asc");
	const char *exp[] = {"gpg", "--homedir", f->home, "--batch", "--pinentry-mode", "loopback",
			     "--passphrase", "", "--armor", "--output", sec, "--export-secret-keys",
			     f->fpr, NULL};
	struct bpo_proc_opts o = {.log_fd = -1, .quiet_stderr = true, .timeout = 60};
	struct bpo_signer *s = NULL, *ring = NULL;
	struct bpo_buf sig, key;
	struct bpo_error err;
	char who[BPO_FPR_MAX] = "";

	bpo_error_init(&err);
	bpo_buf_init(&sig, BPO_MAX_CONTROL);
	bpo_buf_init(&key, BPO_MAX_CONTROL);
	assert_int_equal(bpo_proc_run_ok(exp, &o, &err), 0);
	if (bpo_sign_open(&s, f->fpr, NULL, sec, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(bpo_sign_clear(s, "x\n", 2, &sig, &err), 0);
	assert_int_equal(bpo_sign_export_public(s, &key, &err), 0);
	assert_non_null(strstr(key.data, "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
	assert_null(strstr(key.data, "PRIVATE"));
	assert_int_equal(bpo_file_write_atomic(pub, key.data, key.len, 0644, &err), 0);
	bpo_sign_free(s); /* removes the private home */
	assert_int_equal(bpo_sign_open_keyring(&ring, pub, &err), 0);
	assert_int_equal(bpo_sign_verify(ring, "c", sig.data, sig.len, NULL, 0, NULL, NULL, who,
					 &err), 0);
	assert_string_equal(who, f->fpr);
	bpo_sign_free(ring);
	/* a key file without a secret key cannot sign */
	assert_int_equal(bpo_sign_open(&s, f->fpr, NULL, pub, &err), -1);
	assert_int_equal(bpo_sign_open_keyring(&ring, "/nonexistent/keyring", &err), -1);
	free(sec);
	free(pub);
	bpo_buf_destroy(&sig);
	bpo_buf_destroy(&key);
}

static void test_create_open(void **state)
{
	struct fix *f = *state;
	struct bpo_repo_config c = {0};
	struct bpo_repo *r = NULL;
	struct bpo_error err;
	char *rdir = bpo_path_join(f->dir, "repo"), *p;
	const struct bpo_repo_config *rc;

	bpo_error_init(&err);
	c.origin = bpo_xstrdup("O");
	c.label = bpo_xstrdup("L");
	bpo_strv_push(&c.suites, "bookworm-backports");
	bpo_strv_push(&c.components, "main");
	bpo_strv_push(&c.archs, "amd64");
	c.key = bpo_xstrdup(f->fpr);
	c.gnupghome = bpo_xstrdup(f->home);
	c.keep = 3;
	c.valid_days = 5;

	/* bad configurations are refused before anything is written */
	bpo_strv_push(&c.archs, "../x");
	assert_int_equal(bpo_repo_create(rdir, &c, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "bad architecture name '../x'"));
	free(c.archs.v[1]);
	c.archs.v[1] = NULL;
	c.archs.n = 1;
	c.keyfile = bpo_xstrdup("/k");
	assert_int_equal(bpo_repo_create(rdir, &c, &err), -1);
	assert_non_null(strstr(err.msg, "not both"));
	free(c.keyfile);
	c.keyfile = NULL;
	assert_false(bpo_path_exists(rdir));

	if (bpo_repo_create(rdir, &c, &err) < 0)
		fail_msg("%s", err.msg);
	p = bpo_path_join(rdir, "dists/bookworm-backports/InRelease");
	assert_true(bpo_path_exists(p));
	free(p);
	assert_int_equal(bpo_repo_create(rdir, &c, &err), -1);
	assert_int_equal(err.kind, BPO_E_USAGE);

	assert_int_equal(bpo_repo_open(&r, rdir, true, 5, &err), 0);
	rc = bpo_repo_get_config(r);
	assert_string_equal(rc->origin, "O");
	assert_int_equal(rc->keep, 3);
	assert_int_equal(rc->valid_days, 5);
	assert_int_equal(rc->suites.n, 1);
	assert_string_equal(rc->key, f->fpr);
	assert_int_equal(bpo_repo_verify(r, NULL, stderr, &err), 0);
	assert_int_equal(bpo_repo_remove(r, "hello", NULL, "bookworm-backports", &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	assert_int_equal(bpo_repo_remove(r, "hello", NULL, "sid", &err), -1);
	assert_int_equal(err.kind, BPO_E_USAGE);
	bpo_repo_close(r);

	assert_int_equal(bpo_repo_open(&r, f->dir, false, 0, &err), -1);
	assert_int_equal(err.kind, BPO_E_USAGE);
	assert_non_null(strstr(err.msg, "not a bpo repository"));
	bpo_repo_config_destroy(&c);
	free(rdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_prefix),
		cmocka_unit_test(test_fpr_normalise),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_keyfile_and_keyring),
		cmocka_unit_test(test_create_open),
	};
	return cmocka_run_group_tests_name("repo", tests, setup, teardown);
}
