/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for dsc: .dsc / Sources stanza file lists, table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsc.h"
#include "xmem.h"

#define SHA_A "0b5ad5e3ae4ea8bb4bbd4a2b6e6d6bb1e4d2c9dd1d2aaf7d0d3c5f7e1a2b3c4d"
#define SHA_B "1111111111111111111111111111111111111111111111111111111111111111"
#define MD5_A "d41d8cd98f00b204e9800998ecf8427e"
#define MD5_B "0123456789abcdef0123456789abcdef"

#define HEAD "Format: 3.0 (quilt)\nSource: hello\nBinary: hello\nArchitecture: any\n" \
	     "Version: 2.10-3\nBuild-Depends: debhelper-compat (= 13)\n"

static const char good[] = HEAD
	"Checksums-Sha256:\n " SHA_A " 725946 hello_2.10.orig.tar.gz\n"
	" " SHA_B " 12688 hello_2.10-3.debian.tar.xz\n"
	"Files:\n " MD5_A " 725946 hello_2.10.orig.tar.gz\n"
	" " MD5_B " 12688 hello_2.10-3.debian.tar.xz\n";

static void test_parse_good(void **state)
{
	struct bpo_dsc d;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_dsc_parse(&d, good, strlen(good), "hello.dsc", &err), 0);
	assert_string_equal(d.source, "hello");
	assert_string_equal(d.version, "2.10-3");
	assert_string_equal(d.format, "3.0 (quilt)");
	assert_string_equal(d.binary, "hello");
	assert_string_equal(d.architecture, "any");
	assert_string_equal(d.build_depends, "debhelper-compat (= 13)");
	assert_null(d.directory);
	assert_false(d.was_signed);
	assert_int_equal(d.n_files, 2);
	assert_string_equal(d.files[0].name, "hello_2.10.orig.tar.gz");
	assert_int_equal(d.files[0].size, 725946);
	assert_string_equal(d.files[0].sha256, SHA_A);
	assert_non_null(bpo_dsc_find_file(&d, "hello_2.10-3.debian.tar.xz"));
	assert_null(bpo_dsc_find_file(&d, "nope"));
	bpo_dsc_destroy(&d);
}

static void test_parse_signed_and_sources(void **state)
{
	static const char signed_dsc[] =
		"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" HEAD
		"Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\nFiles:\n " MD5_A " 1 a.tar.gz\n"
		"\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n";
	static const char stanza[] =
		"Package: hello\nVersion: 2.10-3\nFormat: 3.0 (quilt)\nDirectory: pool/main/h/hello\n"
		"Checksums-Sha256:\n " SHA_A " 1 hello_2.10-3.dsc\nFiles:\n " MD5_A " 1 hello_2.10-3.dsc\n";
	struct bpo_dsc d;
	struct bpo_error err;
	(void)state;
	assert_int_equal(bpo_dsc_parse(&d, signed_dsc, strlen(signed_dsc), "s.dsc", &err), 0);
	assert_true(d.was_signed);
	assert_int_equal(d.n_files, 1);
	bpo_dsc_destroy(&d);
	assert_int_equal(bpo_dsc_parse(&d, stanza, strlen(stanza), "Sources", &err), 0);
	assert_string_equal(d.source, "hello");
	assert_string_equal(d.directory, "pool/main/h/hello");
	bpo_dsc_destroy(&d);
}

static const struct {
	const char *text, *needle;
} bad[] = {
	{HEAD "Files:\n " MD5_A " 1 a.tar.gz\n", "no Checksums-Sha256"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\n", "no Files"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 ../evil\nFiles:\n " MD5_A " 1 ../evil\n",
	 "unsafe file name"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a/b\nFiles:\n " MD5_A " 1 a/b\n", "unsafe file name"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\n " SHA_B " 2 b.tar.gz\n"
	      "Files:\n " MD5_A " 1 a.tar.gz\n", "do not list the same files"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\nFiles:\n " MD5_A " 1 a.tar.gz\n"
	      " " MD5_B " 2 b.tar.gz\n", "b.tar.gz is in Files but not in Checksums-Sha256"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\nFiles:\n " MD5_A " 2 a.tar.gz\n",
	 "size 2 in Files but 1"},
	{HEAD "Checksums-Sha256:\n abc 1 a.tar.gz\nFiles:\n " MD5_A " 1 a.tar.gz\n",
	 "expected '<sha256> <size> <name>'"},
	{HEAD "Checksums-Sha256:\n " SHA_A " -1 a.tar.gz\nFiles:\n " MD5_A " 1 a.tar.gz\n",
	 "bad size"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 99999999999999999999999 a.tar.gz\nFiles:\n " MD5_A
	      " 1 a.tar.gz\n", "bad size"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a.tar.gz\n " SHA_A " 1 a.tar.gz\nFiles:\n " MD5_A
	      " 1 a.tar.gz\n", "twice"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a b\nFiles:\n " MD5_A " 1 a\n",
	 "expected '<sha256> <size> <name>'"},
	{"Format: 1.0\nVersion: 1\nChecksums-Sha256:\n " SHA_A " 1 a\nFiles:\n " MD5_A " 1 a\n",
	 "no Source field"},
	{"Source: x\nFormat: 1.0\nChecksums-Sha256:\n " SHA_A " 1 a\nFiles:\n " MD5_A " 1 a\n",
	 "Version"},
	{"Source: ../x\nVersion: 1\nFormat: 1.0\nChecksums-Sha256:\n " SHA_A " 1 a\nFiles:\n " MD5_A
	 " 1 a\n", "invalid source name"},
	{"Package: x\nVersion: 1\nFormat: 1.0\nDirectory: ../../etc\nChecksums-Sha256:\n " SHA_A
	 " 1 a\nFiles:\n " MD5_A " 1 a\n", "unsafe Directory"},
	{HEAD "Checksums-Sha256:\nFiles:\n", "lists no files"},
	{HEAD "Checksums-Sha256:\n " SHA_A " 1 a\nFiles:\n " MD5_A " 1 a\n\nSource: again\n",
	 "more than one paragraph"},
	{"", "no control paragraph"},
};

static void test_parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bpo_dsc d;
		struct bpo_error err;
		bpo_error_init(&err);
		if (bpo_dsc_parse(&d, bad[i].text, strlen(bad[i].text), "t.dsc", &err) == 0)
			fail_msg("case %zu parsed but should fail with '%s'", i, bad[i].needle);
		if (!strstr(err.msg, bad[i].needle))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bad[i].needle);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		assert_non_null(strstr(err.msg, "t.dsc"));
		bpo_dsc_destroy(&d);
	}
}

static void test_load_fixture(void **state)
{
	const char *srcdir = getenv("BPO_SRCDIR");
	char *path;
	struct bpo_dsc d;
	struct bpo_error err;
	(void)state;
	path = bpo_xasprintf("%s/tests/data/fetch/hello_1.0-1.dsc", srcdir ? srcdir : ".");
	assert_int_equal(bpo_dsc_load(&d, path, &err), 0);
	assert_true(d.was_signed);
	assert_string_equal(d.source, "hello");
	assert_string_equal(d.version, "1.0-1");
	assert_int_equal(d.n_files, 2);
	assert_non_null(bpo_dsc_find_file(&d, "hello_1.0.orig.tar.gz"));
	bpo_dsc_destroy(&d);
	free(path);
	assert_int_equal(bpo_dsc_load(&d, "/nonexistent/x.dsc", &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_signed_and_sources),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_load_fixture),
	};
	return cmocka_run_group_tests_name("dsc", tests, NULL, NULL);
}
