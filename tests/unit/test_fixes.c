/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for fixes (advisory ids, changelog collection, the Bpo-Fixes field in
 * debian/control) and osv (range evaluation, the suite's records). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "fixes.h"
#include "fsutil.h"
#include "osv.h"

static void test_ids(void **state)
{
	(void)state;
	assert_true(bpo_fix_id_ok("CVE-2026-1234"));
	assert_true(bpo_fix_id_ok("CVE-2021-44228"));
	assert_true(bpo_fix_id_ok("DSA-5555-1"));
	assert_true(bpo_fix_id_ok("DLA-3333-2"));
	assert_true(bpo_fix_id_ok("GHSA-abcd-1234-wxyz"));
	assert_true(bpo_fix_id_ok("OSV-2026-12"));
	assert_true(bpo_fix_id_ok("DEBIAN-CVE-2026-1234"));
	assert_false(bpo_fix_id_ok("CVE-26-1234"));
	assert_false(bpo_fix_id_ok("CVE-2026-123"));
	assert_false(bpo_fix_id_ok("CVE-2026-1234x"));
	assert_false(bpo_fix_id_ok("cve-2026-1234"));
	assert_false(bpo_fix_id_ok("FOO-1"));
	assert_false(bpo_fix_id_ok("DSA-"));
	assert_false(bpo_fix_id_ok("DSA-1 2"));
	assert_false(bpo_fix_id_ok(""));
}

static const char changelog[] =
	"hello (1.4-1) unstable; urgency=high\n\n"
	"  * New upstream release, fixes CVE-2026-2222 and\n"
	"    CVE-2026-3333 (Closes: #1).\n"
	"  * Not a CVE: XCVE-2026-9999, CVE-2026-12345a.\n\n"
	" -- A <a@b.c>  Mon, 01 Jun 2026 00:00:00 +0000\n\n"
	"hello (1.3-1) unstable; urgency=medium\n\n"
	"  * Fix CVE-2026-2222 partly.\n"
	"  * CVE-2026-4444: a fix.\n\n"
	" -- A <a@b.c>  Mon, 01 May 2026 00:00:00 +0000\n\n"
	"hello (1.2-1) unstable; urgency=medium\n\n"
	"  * Fix CVE-2025-0001, the release has it already.\n\n"
	" -- A <a@b.c>  Mon, 01 Jan 2026 00:00:00 +0000\n";

static void test_changelog(void **state)
{
	struct bpo_fixes f = {0};
	(void)state;
	bpo_fixes_from_changelog(changelog, strlen(changelog), "1.2-1", &f);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].id, "CVE-2026-2222");
	assert_string_equal(f.v[0].version, "1.3-1"); /* the oldest entry naming it */
	assert_int_equal(f.v[0].via, BPO_FIX_CHANGELOG);
	assert_string_equal(f.v[1].id, "CVE-2026-3333");
	assert_string_equal(f.v[1].version, "1.4-1");
	assert_string_equal(f.v[2].id, "CVE-2026-4444");
	char *field = bpo_fixes_field(&f);
	assert_string_equal(field, "CVE-2026-2222, CVE-2026-3333, CVE-2026-4444");
	free(field);
	bpo_fixes_destroy(&f);

	/* above 1.3-1 only; nothing without the release's version */
	bpo_fixes_from_changelog(changelog, strlen(changelog), "1.3-1", &f);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].version, "1.4-1");
	bpo_fixes_destroy(&f);
	bpo_fixes_from_changelog(changelog, strlen(changelog), NULL, &f);
	assert_int_equal(f.n, 0);
	assert_null(bpo_fixes_field(&f));

	/* a recipe's claim comes first and is kept */
	bpo_fixes_add(&f, "CVE-2026-3333", BPO_FIX_PATCH, "fix.patch", NULL);
	bpo_fixes_from_changelog(changelog, strlen(changelog), "1.2-1", &f);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.v[0].via, BPO_FIX_PATCH);
	assert_string_equal(f.v[0].patch, "fix.patch");
	bpo_fixes_destroy(&f);

	struct bpo_strv ids = {0};
	bpo_fixes_parse_field(" CVE-2026-1111,CVE-2026-2222 , bogus, DSA-1-1", &ids);
	assert_int_equal(ids.n, 3);
	assert_string_equal(ids.v[2], "DSA-1-1");
	bpo_strv_destroy(&ids);
}

static void control(const char *in, const char *value, const char *want)
{
	struct bpo_buf out;
	struct bpo_error err;
	bpo_error_init(&err);
	bpo_buf_init(&out, 1u << 20);
	assert_int_equal(bpo_fixes_control_set(in, strlen(in), value, &out, &err), 0);
	assert_non_null(out.data);
	assert_string_equal(out.data, want);
	bpo_buf_destroy(&out);
}

static void test_control(void **state)
{
	struct bpo_buf out;
	struct bpo_error err;
	(void)state;
	control("Source: a\nBuild-Depends: x,\n y\n\nPackage: a\n", "CVE-2026-1111",
		"Source: a\nBuild-Depends: x,\n y\nXSC-Bpo-Fixes: CVE-2026-1111\n\nPackage: a\n");
	/* an earlier field (any X[SBC]- form) is replaced, comments and the rest kept */
	control("# c\nSource: a\nXS-Bpo-Fixes: CVE-1999-0001,\n CVE-1999-0002\nB: c\n\n\nPackage: a",
		"CVE-2026-1111",
		"# c\nSource: a\nB: c\nXSC-Bpo-Fixes: CVE-2026-1111\n\n\nPackage: a");
	control("Source: a\nXSC-Bpo-Fixes: CVE-1999-0001\n\nPackage: a\n", NULL,
		"Source: a\n\nPackage: a\n");
	/* one stanza, no final newline */
	control("Source: a", "DSA-1-1", "Source: a\nXSC-Bpo-Fixes: DSA-1-1\n");
	bpo_error_init(&err);
	bpo_buf_init(&out, 1u << 20);
	assert_int_equal(bpo_fixes_control_set("Package: a\n", 11, "X", &out, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	bpo_buf_destroy(&out);
}

struct files {
	char *rel[8];
	char *data[8];
	size_t n;
};

static int put(void *ud, const char *rel, const void *data, size_t len, struct bpo_error *err)
{
	struct files *f = ud;
	(void)err;
	assert_true(f->n < 8);
	f->rel[f->n] = bpo_xstrdup(rel);
	f->data[f->n] = bpo_xstrndup(data, len);
	f->n++;
	return 0;
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->rel[i]);
		free(f->data[i]);
	}
	f->n = 0;
}

static void test_osv_write_read(void **state)
{
	const struct bpo_osv_pkg pkgs[] = {
		{"hello", "1.2-1+acme2", "CVE-2026-1111"},
		{"hello", "1.2-1+acme1", "CVE-2026-1111, CVE-2026-2222"},
		{"other", "2.0-1", NULL},
	};
	struct files f = {0};
	struct bpo_error err;
	char dir[] = "/tmp/test_fixes.XXXXXX";
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_osv_suite_write("bookworm-backports", pkgs, 3, NULL, 1767225600, put,
					     &f, &err), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.rel[0], "osv/x_bpo-hello-CVE-2026-1111.json");
	assert_string_equal(f.rel[2], "osv/index.json");
	assert_non_null(strstr(f.data[0], "\"fixed\": \"1.2-1+acme1\""));
	assert_non_null(strstr(f.data[0], "\"ecosystem\": \"Debian:12\""));
	assert_non_null(strstr(f.data[0], "\"modified\": \"2026-01-01T00:00:00Z\""));
	assert_non_null(strstr(f.data[0], "pkg:deb/debian/hello?arch=source"));

	/* read back from a directory, and evaluate */
	assert_non_null(mkdtemp(dir));
	char *osvdir = bpo_path_join(dir, "osv");
	assert_int_equal(bpo_mkdir_p(osvdir, 0755, &err), 0);
	for (size_t i = 0; i < f.n; i++) {
		char *p = bpo_path_join(dir, f.rel[i]);
		assert_int_equal(bpo_file_write_atomic(p, f.data[i], strlen(f.data[i]), 0644, &err), 0);
		free(p);
	}
	struct bpo_osv_db db = {0};
	assert_int_equal(bpo_osv_db_load(&db, dir, &err), 0);
	assert_int_equal(db.n_rec, 2);
	assert_int_equal(db.n_pub, 3);
	const char *fx;
	const struct bpo_osv_record *r = &db.rec[0];
	assert_string_equal(r->vuln, "CVE-2026-1111");
	assert_true(r->bpo);
	assert_int_equal(bpo_osv_eval(r, "Debian:12", "hello", "1.2-1", &fx), BPO_OSV_AFFECTED);
	assert_string_equal(fx, "1.2-1+acme1");
	assert_int_equal(bpo_osv_eval(r, "Debian:12", "hello", "1.2-1+acme1", &fx), BPO_OSV_FIXED);
	assert_int_equal(bpo_osv_eval(r, "Debian:13", "hello", "1.2-1", &fx), BPO_OSV_NONE);
	assert_int_equal(bpo_osv_eval(r, NULL, "other", "1.2-1", &fx), BPO_OSV_NONE);
	assert_true(bpo_osv_carries(r, "hello", "1.2-1+acme2"));
	assert_false(bpo_osv_carries(r, "hello", "1.2-1"));
	assert_non_null(bpo_osv_find_published(&db, "other", "2.0-1"));
	bpo_osv_db_destroy(&db);

	/* unchanged records keep their times; changed ones get the new one */
	files_free(&f);
	assert_int_equal(bpo_osv_suite_write("bookworm-backports", pkgs, 3, dir, 1767312000, put,
					     &f, &err), 0);
	assert_non_null(strstr(f.data[0], "\"modified\": \"2026-01-01T00:00:00Z\""));
	files_free(&f);
	assert_int_equal(bpo_osv_suite_write("bookworm-backports", pkgs + 1, 2, dir, 1767312000,
					     put, &f, &err), 0);
	assert_non_null(strstr(f.data[0], "\"modified\": \"2026-01-02T00:00:00Z\""));
	assert_non_null(strstr(f.data[0], "\"published\": \"2026-01-01T00:00:00Z\""));
	files_free(&f);
	assert_int_equal(bpo_rm_rf(dir, &err), 0);
	free(osvdir);
}

static void test_osv_ranges(void **state)
{
	struct bpo_osv_record r = {0};
	struct bpo_osv_affected a = {0};
	struct bpo_osv_event ev[] = {{'i', (char *)"0"}, {'f', (char *)"1.2-1+deb12u1"},
				     {'i', (char *)"2.0-1"}, {'l', (char *)"2.0-3"}};
	const char *fx;
	(void)state;
	a.ecosystem = (char *)"Debian:12";
	a.name = (char *)"hello";
	a.ev = ev;
	a.n_ev = 4;
	r.aff = &a;
	r.n_aff = 1;
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "1.2-1", &fx), BPO_OSV_AFFECTED);
	assert_string_equal(fx, "1.2-1+deb12u1");
	/* +acme1 sorts below +deb12u1: a plain comparison calls it vulnerable */
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "1.2-1+acme1", &fx),
			 BPO_OSV_AFFECTED);
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "1.2-1+deb12u1", &fx),
			 BPO_OSV_FIXED);
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "1.9-1", &fx), BPO_OSV_FIXED);
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "2.0-2", &fx), BPO_OSV_AFFECTED);
	assert_int_equal(bpo_osv_eval(&r, "Debian:12", "hello", "2.0-4", &fx), BPO_OSV_FIXED);
	assert_int_equal(bpo_osv_eval(&r, NULL, "hello", "1.0", &fx), BPO_OSV_AFFECTED);
	a.ecosystem = (char *)"Ubuntu:22.04";
	assert_int_equal(bpo_osv_eval(&r, NULL, "hello", "1.0", &fx), BPO_OSV_NONE);
	a.ecosystem = (char *)"Debian";
	assert_int_equal(bpo_osv_eval(&r, "Debian:11", "hello", "1.0", &fx), BPO_OSV_AFFECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_changelog),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_osv_write_read),
		cmocka_unit_test(test_osv_ranges),
	};
	return cmocka_run_group_tests_name("fixes", tests, NULL, NULL);
}
