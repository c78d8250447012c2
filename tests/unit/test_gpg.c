/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for gpg: real gpg, throwaway keys made in a temporary GNUPGHOME
 * (with --faked-system-time for keys and signatures in the past), verified
 * by bpo_gpg_* against exported keyrings. Every failure kind has its message.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "fsutil.h"
#include "gpg.h"
#include "proc.h"
#include "xmem.h"

struct fx {
	char *dir;  /* temp dir */
	char *home; /* signing GNUPGHOME */
	char *env;  /* "GNUPGHOME=..." */
};

static void gpg_ok(struct fx *fx, const char *const *args)
{
	const char *argv[32];
	const char *envv[] = {fx->env, NULL};
	struct bpo_proc_opts o;
	struct bpo_error err;
	size_t n = 0;

	argv[n++] = "gpg";
	argv[n++] = "--batch";
	argv[n++] = "--quiet";
	argv[n++] = "--yes";
	argv[n++] = "--pinentry-mode";
	argv[n++] = "loopback";
	argv[n++] = "--passphrase";
	argv[n++] = "";
	for (size_t i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	memset(&o, 0, sizeof(o));
	o.setenv = envv;
	o.log_fd = -1;
	o.quiet_stderr = getenv("BPO_TEST_DEBUG") == NULL;
	o.timeout = 120;
	if (bpo_proc_run_ok(argv, &o, &err) < 0)
		fail_msg("gpg %s: %s", args[0], err.msg);
}

static char *path(struct fx *fx, const char *name)
{
	return bpo_path_join(fx->dir, name);
}

/* A key (uid) created at `when` ("" = now) that expires `expire` later; exported to NAME.gpg. */
static void make_key(struct fx *fx, const char *uid, const char *when, const char *expire)
{
	char *out = bpo_xasprintf("%s/%s.gpg", fx->dir, uid);
	if (*when) {
		const char *a[] = {"--faked-system-time", when, "--quick-gen-key", uid, "ed25519",
				   "sign", expire, NULL};
		gpg_ok(fx, a);
	} else {
		const char *a[] = {"--quick-gen-key", uid, "ed25519", "sign", expire, NULL};
		gpg_ok(fx, a);
	}
	{
		const char *a[] = {"--output", out, "--export", uid, NULL};
		gpg_ok(fx, a);
	}
	free(out);
}

/* Clearsign text as uid (at `when`, "" = now; sig_expire NULL = none) into NAME. */
static void clearsign(struct fx *fx, const char *uid, const char *when, const char *sig_expire,
		      const char *text, const char *name)
{
	char *in = path(fx, "in.txt"), *out = path(fx, name);
	struct bpo_error err;
	const char *a[16];
	size_t n = 0;

	assert_int_equal(bpo_file_write_atomic(in, text, strlen(text), 0644, &err), 0);
	if (*when) {
		a[n++] = "--faked-system-time";
		a[n++] = when;
	}
	if (sig_expire) {
		a[n++] = "--default-sig-expire";
		a[n++] = sig_expire;
	}
	a[n++] = "--local-user";
	a[n++] = uid;
	a[n++] = "--output";
	a[n++] = out;
	a[n++] = "--clearsign";
	a[n++] = in;
	a[n] = NULL;
	gpg_ok(fx, a);
	free(in);
	free(out);
}

static const char text[] = "Origin: test\nSuite: testing\nDate: Sat, 09 Nov 2024 09:48:01 UTC\n";

static int setup(void **state)
{
	struct fx *fx = bpo_xcalloc(1, sizeof(*fx));
	struct bpo_error err;
	fx->dir = bpo_mkdtemp(NULL, "bpo-gpgtest", &err);
	assert_non_null(fx->dir);
	fx->home = path(fx, "home");
	assert_int_equal(bpo_mkdir_p(fx->home, 0700, &err), 0);
	fx->env = bpo_xasprintf("GNUPGHOME=%s", fx->home);
	make_key(fx, "good", "", "1y");
	make_key(fx, "other", "", "1y");
	make_key(fx, "expired", "20200101T000000", "1d");
	make_key(fx, "old", "20200101T000000", "never");
	make_key(fx, "revoked", "", "1y");
	clearsign(fx, "good", "", NULL, text, "good.asc");
	clearsign(fx, "other", "", NULL, text, "other.asc");
	clearsign(fx, "expired", "20200101T010000", NULL, text, "expired.asc");
	clearsign(fx, "old", "20200101T010000", "1d", text, "sigexpired.asc");
	clearsign(fx, "revoked", "", NULL, text, "revoked.asc");
	{
		/* Revoke with the certificate gpg made at key generation, then re-export. */
		const char *lk[] = {"--output", NULL, "--export", "revoked", NULL};
		struct bpo_buf b;
		char *revdir = path(fx, "home/openpgp-revocs.d"), *rev = NULL, *fixed;
		char *out = bpo_xasprintf("%s/revoked.gpg", fx->dir);
		const char *imp[] = {"--import", NULL, NULL};
		struct bpo_proc_opts o;
		const char *ls[] = {"gpg", "--batch", "--with-colons", "--list-keys", "revoked", NULL};
		const char *envv[] = {fx->env, NULL};
		char *fpr;
		memset(&o, 0, sizeof(o));
		bpo_buf_init(&b, 1 << 20);
		o.out = &b;
		o.log_fd = -1;
		o.setenv = envv;
		o.quiet_stderr = true;
		assert_int_equal(bpo_proc_run_ok(ls, &o, &err), 0);
		/* "fpr:::::::::<FPR>:" of the primary key: the certificate is <FPR>.rev */
		fpr = strstr(b.data, "\nfpr:::::::::");
		assert_non_null(fpr);
		fpr += strlen("\nfpr:::::::::");
		fpr[strcspn(fpr, ":")] = '\0';
		rev = bpo_xasprintf("%s/%s.rev", revdir, fpr);
		bpo_buf_reset(&b);
		assert_int_equal(bpo_file_read(rev, 1 << 20, &b, &err), 0);
		/* gpg writes the certificate with ":" before the armour line to stop accidents. */
		fixed = path(fx, "rev.asc");
		{
			char *p = strstr(b.data, ":-----BEGIN");
			assert_non_null(p);
			memmove(p, p + 1, b.len - (size_t)(p - b.data)); /* the NUL moves too */
			b.len--;
			assert_int_equal(bpo_file_write_atomic(fixed, b.data, b.len, 0600, &err), 0);
		}
		imp[1] = fixed;
		gpg_ok(fx, imp);
		lk[1] = out;
		gpg_ok(fx, lk);
		bpo_buf_destroy(&b);
		free(revdir);
		free(rev);
		free(fixed);
		free(out);
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	const char *kill[] = {"gpgconf", "--homedir", NULL, "--kill", "all", NULL};
	struct bpo_proc_opts o;
	struct bpo_error err;
	if (!fx)
		return 0;
	kill[2] = fx->home;
	memset(&o, 0, sizeof(o));
	o.log_fd = -1;
	o.quiet_stderr = true;
	bpo_proc_run_ok(kill, &o, &err);
	bpo_rm_rf(fx->dir, &err);
	free(fx->dir);
	free(fx->home);
	free(fx->env);
	free(fx);
	return 0;
}

/* Verify file NAME (in the fixture dir) with keyring KEY.gpg; returns rc, err filled. */
static int verify(struct fx *fx, const char *key, const char *name, struct bpo_buf *plain,
		  char **fpr, struct bpo_error *err)
{
	char *kr = bpo_xasprintf("%s/%s.gpg", fx->dir, key), *file = path(fx, name);
	struct bpo_gpg g;
	struct bpo_buf data;
	int rc;

	bpo_buf_init(&data, 1 << 20);
	assert_int_equal(bpo_file_read(file, 1 << 20, &data, err), 0);
	rc = bpo_gpg_open(&g, kr, err);
	if (rc == 0)
		rc = bpo_gpg_verify_inline(&g, data.data, data.len, name, plain, fpr, err);
	bpo_gpg_close(&g);
	bpo_buf_destroy(&data);
	free(kr);
	free(file);
	return rc;
}

static void test_good(void **state)
{
	struct fx *fx = *state;
	struct bpo_buf plain;
	struct bpo_error err;
	char *fpr = NULL;
	bpo_buf_init(&plain, 1 << 20);
	assert_int_equal(verify(fx, "good", "good.asc", &plain, &fpr, &err), 0);
	assert_non_null(fpr);
	assert_int_equal(strlen(fpr), 40);
	assert_string_equal(plain.data, text); /* exactly the signed text */
	free(fpr);
	bpo_buf_destroy(&plain);
}

static const struct {
	const char *key, *file, *needle;
} failures[] = {
	{"other", "good.asc", "good.asc: signed by key "},
	{"good", "expired.asc", "expired.asc: signed by key "},
	{"old", "sigexpired.asc", "sigexpired.asc: the signature by key "},
	{"revoked", "revoked.asc", "revoked.asc: signed by key "},
};
static const char *const failure_tails[] = {
	"which is not in the keyring", "which is not in the keyring", "has expired", "which is revoked",
};

static void test_failures(void **state)
{
	struct fx *fx = *state;
	for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		struct bpo_buf plain;
		struct bpo_error err;
		char *fpr = (char *)"unchanged";
		bpo_buf_init(&plain, 1 << 20);
		bpo_error_init(&err);
		if (verify(fx, failures[i].key, failures[i].file, &plain, &fpr, &err) != -1)
			fail_msg("case %zu (%s with %s) verified", i, failures[i].file, failures[i].key);
		assert_int_equal(err.kind, BPO_E_VERIFY);
		if (!strstr(err.msg, failures[i].needle) || !strstr(err.msg, failure_tails[i]))
			fail_msg("case %zu: '%s'", i, err.msg);
		assert_null(fpr);
		assert_int_equal(plain.len, 0); /* nothing unverified handed out */
		bpo_buf_destroy(&plain);
	}
}

static void test_expired_key(void **state)
{
	struct fx *fx = *state;
	struct bpo_error err;
	assert_int_equal(verify(fx, "expired", "expired.asc", NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "expired.asc: signed by key "));
	assert_non_null(strstr(err.msg, "which has expired"));
}

static void test_bad_and_unsigned(void **state)
{
	struct fx *fx = *state;
	struct bpo_error err;
	struct bpo_buf b;
	char *p = path(fx, "good.asc"), *bad = path(fx, "bad.asc"), *un = path(fx, "plain.txt");
	char *s;
	bpo_buf_init(&b, 1 << 20);
	assert_int_equal(bpo_file_read(p, 1 << 20, &b, &err), 0);
	s = strstr(b.data, "Suite: testing");
	assert_non_null(s);
	s[7] = 'T';
	assert_int_equal(bpo_file_write_atomic(bad, b.data, b.len, 0644, &err), 0);
	assert_int_equal(verify(fx, "good", "bad.asc", NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "bad.asc: BAD signature from key"));
	assert_int_equal(bpo_file_write_atomic(un, text, strlen(text), 0644, &err), 0);
	assert_int_equal(verify(fx, "good", "plain.txt", NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "plain.txt: not signed"));
	bpo_buf_destroy(&b);
	free(p);
	free(bad);
	free(un);
}

/* Extra material around a good clearsigned message is refused (apt's rule). */
static void test_structure(void **state)
{
	struct fx *fx = *state;
	struct bpo_error err;
	struct bpo_buf a, b;
	char *pa = path(fx, "good.asc"), *pb = path(fx, "other.asc"), *two = path(fx, "two.asc"),
	     *tail = path(fx, "tail.asc"), *head = path(fx, "head.asc");
	bpo_buf_init(&a, 1 << 20);
	bpo_buf_init(&b, 1 << 20);
	assert_int_equal(bpo_file_read(pa, 1 << 20, &a, &err), 0);
	assert_int_equal(bpo_file_read(pb, 1 << 20, &a, &err), 0); /* appended */
	assert_int_equal(bpo_file_write_atomic(two, a.data, a.len, 0644, &err), 0);
	assert_int_equal(verify(fx, "good", "two.asc", NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "two.asc: more than one signed message"));
	assert_int_equal(bpo_file_read(pa, 1 << 20, &b, &err), 0);
	assert_int_equal(bpo_buf_puts(&b, "Suite: evil\n", &err), 0);
	assert_int_equal(bpo_file_write_atomic(tail, b.data, b.len, 0644, &err), 0);
	assert_int_equal(verify(fx, "good", "tail.asc", NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	bpo_buf_reset(&b);
	assert_int_equal(bpo_buf_puts(&b, "Suite: evil\n", &err), 0);
	assert_int_equal(bpo_file_read(pa, 1 << 20, &b, &err), 0);
	assert_int_equal(bpo_file_write_atomic(head, b.data, b.len, 0644, &err), 0);
	assert_int_equal(verify(fx, "good", "head.asc", NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "head.asc: text before the signed message"));
	bpo_buf_destroy(&a);
	bpo_buf_destroy(&b);
	free(pa);
	free(pb);
	free(two);
	free(tail);
	free(head);
}

static void test_detached(void **state)
{
	struct fx *fx = *state;
	char *in = path(fx, "Release"), *sig = path(fx, "Release.gpg"), *kr = path(fx, "good.gpg");
	const char *a[] = {"--local-user", "good", "--output", sig, "--detach-sign", in, NULL};
	struct bpo_buf s;
	struct bpo_gpg g;
	struct bpo_error err;
	char *fpr = NULL, *tampered;

	assert_int_equal(bpo_file_write_atomic(in, text, strlen(text), 0644, &err), 0);
	gpg_ok(fx, a);
	bpo_buf_init(&s, 1 << 20);
	assert_int_equal(bpo_file_read(sig, 1 << 20, &s, &err), 0);
	assert_int_equal(bpo_gpg_open(&g, kr, &err), 0);
	assert_int_equal(bpo_gpg_verify_detached(&g, text, strlen(text), s.data, s.len, "Release",
						 &fpr, &err), 0);
	assert_non_null(fpr);
	free(fpr);
	tampered = bpo_xstrdup(text);
	tampered[0] = 'o';
	assert_int_equal(bpo_gpg_verify_detached(&g, tampered, strlen(tampered), s.data, s.len,
						 "Release", &fpr, &err), -1);
	assert_non_null(strstr(err.msg, "Release: BAD signature"));
	assert_int_equal(bpo_gpg_verify_detached(&g, text, strlen(text), "junk", 4, "Release", &fpr,
						 &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	bpo_gpg_close(&g);
	bpo_gpg_close(&g); /* twice is harmless */
	bpo_buf_destroy(&s);
	free(tampered);
	free(in);
	free(sig);
	free(kr);
}

static void test_fixture_and_bad_keyrings(void **state)
{
	const char *srcdir = getenv("BPO_SRCDIR");
	char *kr = bpo_xasprintf("%s/tests/data/fetch/fixture-key.asc", srcdir ? srcdir : ".");
	char *dsc = bpo_xasprintf("%s/tests/data/fetch/hello_1.0-1.dsc", srcdir ? srcdir : ".");
	struct fx *fx = *state;
	struct bpo_gpg g;
	struct bpo_buf b, plain;
	struct bpo_error err;
	char *fpr = NULL, *junk = path(fx, "junk.gpg");

	bpo_buf_init(&b, 1 << 20);
	bpo_buf_init(&plain, 1 << 20);
	assert_int_equal(bpo_file_read(dsc, 1 << 20, &b, &err), 0);
	assert_int_equal(bpo_gpg_open(&g, kr, &err), 0); /* armoured keyring */
	assert_int_equal(g.n_keys, 1);
	assert_int_equal(bpo_gpg_verify_inline(&g, b.data, b.len, "hello_1.0-1.dsc", &plain, &fpr,
					       &err), 0);
	assert_non_null(strstr(plain.data, "Source: hello\n"));
	assert_null(strstr(plain.data, "PGP"));
	bpo_gpg_close(&g);
	free(fpr);
	assert_int_equal(bpo_file_write_atomic(junk, "junk\n", 5, 0644, &err), 0);
	assert_int_equal(bpo_gpg_open(&g, junk, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "junk.gpg: keyring holds no usable OpenPGP public key"));
	assert_int_equal(bpo_gpg_open(&g, "/nonexistent/keyring.gpg", &err), -1);
	assert_non_null(strstr(err.msg, "keyring"));
	assert_null(g.home); /* nothing left behind */
	bpo_buf_destroy(&b);
	bpo_buf_destroy(&plain);
	free(kr);
	free(dsc);
	free(junk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_expired_key),
		cmocka_unit_test(test_bad_and_unsigned),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_detached),
		cmocka_unit_test(test_fixture_and_bad_keyrings),
	};
	return cmocka_run_group_tests_name("gpg", tests, setup, teardown);
}
