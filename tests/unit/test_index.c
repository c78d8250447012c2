/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for index: Release parsing, Date/Valid-Until/Suite checks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fsutil.h"
#include "index.h"
#include "proc.h"
#include "xmem.h"

#define H1 "aee01b7e860005a22e23195295c33c1fa1dfb05549fef39418f5ca112b081f5f"
#define H2 "DCBAEB47C7498957C2667984A1F05F2166C5F06FB99D1A2F16B2A03FE2B96CC1"

static const struct {
	const char *s;
	long long t; /* -1: invalid */
} dates[] = {
	{"Sat, 09 Nov 2024 09:48:01 UTC", 1731145681},
	{"Sat, 9 Nov 2024 09:48:01 UTC", 1731145681},
	{"09 Nov 2024 09:48:01 GMT", 1731145681},
	{"Sat, 09 Nov 2024 09:48:01 +0000", 1731145681},
	{"Sat, 09 Nov 2024 10:48:01 +0100", 1731145681},
	{"Sat, 09 Nov 2024 08:18:01 -0130", 1731145681},
	{"Thu, 01 Jan 1970 00:00:00 UTC", 0},
	{"Sat, 09 Nov 2024 09:48:01", -1},
	{"Sat, 09 Foo 2024 09:48:01 UTC", -1},
	{"Sat, 32 Nov 2024 09:48:01 UTC", -1},
	{"Sat, 09 Nov 24 09:48:01 UTC", -1},
	{"Sat, 09 Nov 2024 24:48:01 UTC", -1},
	{"Sat, 09 Nov 2024 09:48:01 CEST", -1},
	{"Sat, 09 Nov 2024 09:48:01 UTC trailing", -1},
	{"", -1},
	{"Sat 09 Nov 2024 09:48:01 UTC", -1},
};

static void test_dates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		time_t t = 0;
		int rc = bpo_release_parse_date(dates[i].s, &t);
		if (dates[i].t < 0) {
			if (rc != -1)
				fail_msg("'%s' should be invalid", dates[i].s);
		} else if (rc != 0 || (long long)t != dates[i].t) {
			fail_msg("'%s': rc %d, %lld != %lld", dates[i].s, rc, (long long)t, dates[i].t);
		}
	}
}

static char *release_text(const char *suite, const char *codename, const char *date,
			  const char *valid_until)
{
	return bpo_xasprintf("Origin: Debian\nSuite: %s\nCodename: %s\nDate: %s\n%s%s%s"
			     "Acquire-By-Hash: yes\nSHA256:\n " H1 " 1208 main/source/Sources.gz\n"
			     " " H2 " 1228 main/source/Sources.xz\n",
			     suite, codename, date, valid_until ? "Valid-Until: " : "",
			     valid_until ? valid_until : "", valid_until ? "\n" : "");
}

static void test_parse(void **state)
{
	struct bpo_release rel;
	struct bpo_error err;
	const struct bpo_release_file *f;
	char *t = release_text("testing", "trixie", "Sat, 09 Nov 2024 09:48:01 UTC",
			       "Sat, 16 Nov 2024 09:48:01 UTC");
	(void)state;
	bpo_release_init(&rel);
	assert_int_equal(bpo_release_parse(&rel, t, strlen(t), "InRelease", &err), 0);
	assert_int_equal(rel.n_files, 2);
	assert_true(rel.by_hash);
	assert_int_equal((long long)rel.date, 1731145681);
	assert_int_equal((long long)rel.valid_until, 1731145681 + 7 * 86400);
	f = bpo_release_find(&rel, "main/source/Sources.xz");
	assert_non_null(f);
	assert_int_equal(f->size, 1228);
	/* upper-case hex in the file is normalised */
	assert_string_equal(f->sha256, "dcbaeb47c7498957c2667984a1f05f2166c5f06fb99d1a2f16b2a03fe2b96cc1");
	assert_null(bpo_release_find(&rel, "main/source/Sources"));
	bpo_release_destroy(&rel);
	free(t);
}

static void test_check(void **state)
{
	const time_t date = 1731145681; /* Sat, 09 Nov 2024 09:48:01 UTC */
	struct bpo_release rel;
	struct bpo_error err;
	char *t = release_text("testing", "trixie", "Sat, 09 Nov 2024 09:48:01 UTC",
			       "Sat, 16 Nov 2024 09:48:01 UTC");
	(void)state;
	bpo_release_init(&rel);
	assert_int_equal(bpo_release_parse(&rel, t, strlen(t), "InRelease", &err), 0);
	/* Suite or Codename must be the one asked for. */
	assert_int_equal(bpo_release_check(&rel, "trixie", date + 60, "InRelease", &err), 0);
	assert_int_equal(bpo_release_check(&rel, "testing", date + 60, "InRelease", &err), 0);
	assert_int_equal(bpo_release_check(&rel, "bookworm", date + 60, "InRelease", &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "InRelease: is for suite 'testing' (codename 'trixie')"));
	/* Date: up to the slack in the future is clock skew; more is refused. */
	assert_int_equal(bpo_release_check(&rel, "trixie", date - BPO_RELEASE_DATE_SLACK, "InRelease",
					   &err), 0);
	assert_int_equal(bpo_release_check(&rel, "trixie", date - BPO_RELEASE_DATE_SLACK - 1,
					   "InRelease", &err), -1);
	assert_non_null(strstr(err.msg, "is in the future"));
	/* Valid-Until: valid up to and including the second, expired after. */
	assert_int_equal(bpo_release_check(&rel, "trixie", rel.valid_until, "InRelease", &err), 0);
	assert_int_equal(bpo_release_check(&rel, "trixie", rel.valid_until + 1, "InRelease", &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "InRelease: expired: Valid-Until Sat, 16 Nov 2024 09:48:01 UTC"));
	bpo_release_destroy(&rel);
	free(t);

	/* No Valid-Until: never expires. */
	t = release_text("stable", "bookworm", "Sat, 09 Nov 2024 09:48:01 UTC", NULL);
	bpo_release_init(&rel);
	assert_int_equal(bpo_release_parse(&rel, t, strlen(t), "Release", &err), 0);
	assert_int_equal(bpo_release_check(&rel, "bookworm", date + 10 * 365 * 86400, "Release", &err), 0);
	bpo_release_destroy(&rel);
	free(t);
}

static const struct {
	const char *text, *needle;
	enum bpo_errkind kind;
} bad[] = {
	{"Suite: x\nDate: Sat, 09 Nov 2024 09:48:01 UTC\nMD5Sum:\n d41d8cd98f00b204e9800998ecf8427e 1 a\n",
	 "no SHA256 field", BPO_E_VERIFY},
	{"Suite: x\nDate: yesterday\nSHA256:\n " H1 " 1 a\n", "cannot parse Date", BPO_E_SYNTAX},
	{"Suite: x\nDate: Sat, 09 Nov 2024 09:48:01 UTC\nValid-Until: soon\nSHA256:\n " H1 " 1 a\n",
	 "cannot parse Valid-Until", BPO_E_SYNTAX},
	{"Suite: x\nSHA256:\n " H1 " 1 ../../etc/passwd\n", "bad entry", BPO_E_SYNTAX},
	{"Suite: x\nSHA256:\n " H1 " 1 /etc/passwd\n", "bad entry", BPO_E_SYNTAX},
	{"Suite: x\nSHA256:\n " H1 " x main/Sources\n", "bad entry", BPO_E_SYNTAX},
	{"Suite: x\nSHA256:\n abc 1 main/Sources\n", "expected '<sha256> <size> <path>'", BPO_E_SYNTAX},
	{"Suite: x\nSHA256:\n " H1 " 1 main/Sources extra\n", "expected", BPO_E_SYNTAX},
	{"", "empty Release", BPO_E_SYNTAX},
};

static void test_parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bpo_release rel;
		struct bpo_error err;
		bpo_release_init(&rel);
		bpo_error_init(&err);
		if (bpo_release_parse(&rel, bad[i].text, strlen(bad[i].text), "R", &err) == 0)
			fail_msg("case %zu parsed", i);
		if (!strstr(err.msg, bad[i].needle) || err.kind != bad[i].kind)
			fail_msg("case %zu: '%s' (kind %d) lacks '%s'", i, err.msg, err.kind,
				 bad[i].needle);
		bpo_release_destroy(&rel);
	}
}

static void test_missing_date_fails_check(void **state)
{
	static const char t[] = "Suite: x\nSHA256:\n " H1 " 1 main/Sources\n";
	struct bpo_release rel;
	struct bpo_error err;
	(void)state;
	bpo_release_init(&rel);
	assert_int_equal(bpo_release_parse(&rel, t, strlen(t), "R", &err), 0);
	assert_int_equal(bpo_release_check(&rel, "x", 0, "R", &err), -1);
	assert_non_null(strstr(err.msg, "R: no Date field"));
	bpo_release_destroy(&rel);
}

/*
 * The whole walk against a real signed archive made by
 * tests/integration/lib/archive.sh and read through file:// (no network):
 * one verified Release answers source and binary version queries.
 */
/* A signed file: archive made once for the archive tests: suite "stable" with
 * two hello sources and three binaries, suite "empty" with no package at all
 * (its Sources.xz and Packages.xz are valid xz streams of zero bytes, which
 * apt accepts for an empty suite). */
struct archive_fixture {
	char *dir;
	char *url;
	char *keyring;
	struct bpo_config cfg;
};

static int archive_setup(void **state)
{
	const char *srcdir = getenv("BPO_SRCDIR");
	struct bpo_error err;
	struct archive_fixture *fx = bpo_xcalloc(1, sizeof(*fx));
	struct bpo_proc_opts o;
	char *script;
	int rc;

	fx->dir = bpo_mkdtemp(NULL, "bpo-indextest", &err);
	if (!fx->dir) {
		print_error("mkdtemp: %s\n", err.msg);
		free(fx);
		return -1;
	}
	script = bpo_xasprintf(". '%s/tests/integration/lib/archive.sh' && T='%s' && "
			       "archive_key \"$T/key\" 2>/dev/null && "
			       "archive_source \"$T/r\" hello 1.0-1 quilt >/dev/null && "
			       "archive_source \"$T/r\" hello 1.2-1 quilt >/dev/null && "
			       "archive_deb \"$T/r\" hello 1.0-1 amd64 && "
			       "archive_deb \"$T/r\" hello 1.2-1 amd64 && "
			       "archive_deb \"$T/r\" hello-doc 1.2-1 amd64 && "
			       "archive_indices \"$T/r\" stable bookworm && "
			       "archive_sign \"$T/r\" stable \"$T/key\" && "
			       "mkdir -p \"$T/r/dists/empty/main/source\" "
			       "\"$T/r/dists/empty/main/binary-amd64\" && "
			       ": | xz >\"$T/r/dists/empty/main/source/Sources.xz\" && "
			       ": | xz >\"$T/r/dists/empty/main/binary-amd64/Packages.xz\" && "
			       "archive_release \"$T/r\" empty && "
			       "archive_sign \"$T/r\" empty \"$T/key\" && "
			       "GNUPGHOME=\"$T/key/gnupg\" gpgconf --kill all",
			       srcdir ? srcdir : ".", fx->dir);
	{
		const char *argv[] = {"bash", "-c", script, NULL};
		memset(&o, 0, sizeof(o));
		o.log_fd = -1;
		o.quiet_stderr = true;
		o.timeout = 300;
		rc = bpo_proc_run_ok(argv, &o, &err);
	}
	free(script);
	if (rc < 0)
		print_error("making the test archive: %s\n", err.msg);
	fx->cfg.cache_dir = bpo_path_join(fx->dir, "cache");
	fx->url = bpo_xasprintf("file://%s/r", fx->dir);
	fx->keyring = bpo_xasprintf("%s/key/keyring.gpg", fx->dir);
	*state = fx;
	return rc < 0 ? -1 : 0;
}

static int archive_teardown(void **state)
{
	struct archive_fixture *fx = *state;
	struct bpo_error err;
	if (!fx)
		return 0;
	bpo_rm_rf(fx->dir, &err);
	free(fx->cfg.cache_dir);
	free(fx->url);
	free(fx->keyring);
	free(fx->dir);
	free(fx);
	return 0;
}

static void test_walk_file_archive(void **state)
{
	struct archive_fixture *fx = *state;
	struct bpo_error err;
	struct bpo_release rel;
	struct bpo_strv v = {0};
	struct bpo_deb822_para st;

	assert_int_equal(bpo_index_fetch_release(fx->url, "stable", fx->keyring, &fx->cfg, &rel,
						 &err), 0);
	assert_int_equal(strlen(rel.signer_fpr), 40);
	assert_string_equal(rel.suite, "stable");
	/* source versions, highest first */
	assert_int_equal(bpo_index_source_versions(&rel, "main", "hello", &v, &err), 2);
	assert_string_equal(v.v[0], "1.2-1");
	assert_string_equal(v.v[1], "1.0-1");
	bpo_strv_destroy(&v);
	memset(&v, 0, sizeof(v));
	assert_int_equal(bpo_index_source_versions(&rel, "main", "nosuch", &v, &err), 0);
	bpo_strv_destroy(&v);
	memset(&v, 0, sizeof(v));
	/* binary versions from Packages */
	assert_int_equal(bpo_index_binary_versions(&rel, "main", "amd64", "hello", &v, &err), 2);
	assert_string_equal(v.v[0], "1.2-1");
	assert_int_equal(bpo_index_binary_versions(&rel, "main", "amd64", "hello-doc", &v, &err), 1);
	assert_int_equal(v.n, 3);
	bpo_strv_destroy(&v);
	memset(&v, 0, sizeof(v));
	assert_int_equal(bpo_index_binary_versions(&rel, "main", "arm64", "hello", &v, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	bpo_strv_destroy(&v);
	/* the stanza: highest, pinned, and a missing version listing the others */
	assert_int_equal(bpo_index_find_source(&rel, "main", "hello", NULL, &st, &err), 0);
	assert_string_equal(bpo_deb822_get(&st, "Version"), "1.2-1");
	bpo_deb822_para_destroy(&st);
	assert_int_equal(bpo_index_find_source(&rel, "main", "hello", "1.0-1", &st, &err), 0);
	assert_string_equal(bpo_deb822_get(&st, "Version"), "1.0-1");
	bpo_deb822_para_destroy(&st);
	assert_int_equal(bpo_index_find_source(&rel, "main", "hello", "9-1", &st, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "(available: 1.2-1, 1.0-1)"));
	bpo_release_destroy(&rel);
	/* no such suite: neither InRelease nor Release */
	assert_int_equal(bpo_index_fetch_release(fx->url, "bookworm", fx->keyring, &fx->cfg, &rel,
						 &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
}

/* An empty suite: Sources.xz and Packages.xz are xz streams of zero bytes.
 * Every query finds nothing (not "Unrecognized archive format"), and the
 * not-found search of a source sorts no list (no qsort on NULL). */
static void test_empty_suite(void **state)
{
	struct archive_fixture *fx = *state;
	struct bpo_error err;
	struct bpo_release rel;
	struct bpo_strv v = {0};
	struct bpo_deb822_para st;
	char *xz = bpo_xasprintf("%s/r/dists/empty/main/source/Sources.xz", fx->dir);
	struct bpo_buf b;

	/* the fixture is what this test is about: a non-empty file, no Sources.gz */
	bpo_buf_init(&b, 4096);
	assert_int_equal(bpo_file_read(xz, 4096, &b, &err), 0);
	assert_true(b.len > 0);
	bpo_buf_destroy(&b);
	free(xz);

	memset(&err, 0, sizeof(err));
	assert_int_equal(bpo_index_fetch_release(fx->url, "empty", fx->keyring, &fx->cfg, &rel,
						 &err), 0);
	assert_non_null(bpo_release_find(&rel, "main/source/Sources.xz"));
	assert_null(bpo_release_find(&rel, "main/source/Sources.gz"));
	if (bpo_index_source_versions(&rel, "main", "hello", &v, &err) != 0)
		fail_msg("source versions in an empty suite: %s", err.msg);
	assert_int_equal(v.n, 0);
	if (bpo_index_binary_versions(&rel, "main", "amd64", "hello", &v, &err) != 0)
		fail_msg("binary versions in an empty suite: %s", err.msg);
	assert_int_equal(v.n, 0);
	bpo_strv_destroy(&v);
	assert_int_equal(bpo_index_find_source(&rel, "main", "hello", NULL, &st, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "is not in"));
	bpo_release_destroy(&rel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_missing_date_fails_check),
		cmocka_unit_test(test_walk_file_archive),
		cmocka_unit_test(test_empty_suite),
	};
	/* the group state is the test archive (the first tests do not use it) */
	return cmocka_run_group_tests_name("index", tests, archive_setup, archive_teardown);
}
