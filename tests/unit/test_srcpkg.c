/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for srcpkg: source packages written by the test (tarballs via
 * libarchive, .dsc with real checksums), unpacked per format; the file-name
 * rules of each format, checksum verification, patches at fuzz 0, cleanup. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "dsc.h"
#include "err.h"
#include "fsutil.h"
#include "hash.h"
#include "srcpkg.h"
#include "xmem.h"

struct fx {
	char *dir;  /* package files */
	char *out;  /* parent of the trees */
};

static int setup(void **state)
{
	struct fx *f = bpo_xcalloc(1, sizeof(*f));
	f->dir = bpo_mkdtemp(NULL, "bpo-test-srcpkg", NULL);
	assert_non_null(f->dir);
	f->out = bpo_path_join(f->dir, "out");
	assert_int_equal(mkdir(f->out, 0755), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	assert_int_equal(bpo_rm_rf(f->dir, NULL), 0);
	free(f->dir);
	free(f->out);
	free(f);
	return 0;
}

/* Members: "name" (directory when it ends in '/'), content; mode 0644/0755
 * by a leading '*' in the name (executable). */
struct m {
	const char *name;
	const char *data;
};

static void write_tar(const char *path, const struct m *m)
{
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (bpo_str_has_suffix(path, ".gz"))
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	else if (bpo_str_has_suffix(path, ".xz"))
		assert_int_equal(archive_write_add_filter_xz(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; m->name; m++) {
		struct archive_entry *e = archive_entry_new();
		const char *name = m->name;
		bool exec = name[0] == '*';
		size_t len = m->data ? strlen(m->data) : 0;
		if (exec)
			name++;
		archive_entry_set_pathname(e, name);
		if (bpo_str_has_suffix(name, "/")) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, exec ? 0755 : 0644);
			archive_entry_set_size(e, (la_int64_t)len);
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (len)
			assert_int_equal(archive_write_data(a, m->data, len), (la_ssize_t)len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void write_gz(const char *path, const char *text)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Write dir/<source>_<version>.dsc naming files (NULL-terminated) and parse it. */
static void make_dsc(struct fx *f, struct bpo_dsc *dsc, const char *format, const char *source,
		     const char *version, const char *const *files)
{
	struct bpo_buf b;
	struct bpo_error err;
	bpo_buf_init(&b, 1 << 20);
	bpo_buf_printf(&b, NULL, "Format: %s\nSource: %s\nBinary: %s\nArchitecture: all\n"
			"Version: %s\nMaintainer: T <t@example.invalid>\nChecksums-Sha256:\n",
			format, source, source, version);
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			bpo_buf_puts(&b, "Files:\n", NULL);
		for (const char *const *p = files; *p; p++) {
			char hex[BPO_HASH_HEX_MAX];
			uint64_t size;
			char *path = bpo_path_join(f->dir, *p);
			assert_int_equal(bpo_hash_file(path, pass ? BPO_HASH_MD5 : BPO_HASH_SHA256,
						       hex, &size, NULL), 0);
			bpo_buf_printf(&b, NULL, " %s %llu %s\n", hex, (unsigned long long)size, *p);
			free(path);
		}
	}
	if (bpo_dsc_parse(dsc, b.data, b.len, "test.dsc", &err) != 0)
		fail_msg("dsc: %s", err.msg);
	bpo_buf_destroy(&b);
}

static char *in(struct fx *f, const char *name)
{
	return bpo_path_join(f->dir, name);
}

static char *slurp(const char *tree, const char *rel)
{
	struct bpo_buf b;
	char *p = bpo_path_join(tree, rel);
	bpo_buf_init(&b, 1 << 20);
	if (bpo_file_read(p, 1 << 20, &b, NULL) != 0)
		fail_msg("%s: cannot read", p);
	free(p);
	return bpo_buf_steal(&b, NULL);
}

static void assert_content(const char *tree, const char *rel, const char *want)
{
	char *s = slurp(tree, rel);
	if (strcmp(s, want) != 0)
		fail_msg("%s/%s: '%s', expected '%s'", tree, rel, s, want);
	free(s);
}

static unsigned mode_of(const char *tree, const char *rel)
{
	struct stat st;
	char *p = bpo_path_join(tree, rel);
	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_mode & 07777;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static const struct m orig_members[] = {
	{ "pkg-2.0/", NULL },
	{ "pkg-2.0/a.txt", "one\ntwo\nthree\nfour\nfive\n" },
	{ "*pkg-2.0/configure", "#!/bin/sh\n" },
	{ "pkg-2.0/debian/", NULL },
	{ "pkg-2.0/debian/upstream-junk", "junk\n" },
	{ "pkg-2.0/.pc/", NULL },
	{ "pkg-2.0/.pc/junk", "junk\n" },
	{ "pkg-2.0/comp/", NULL },
	{ "pkg-2.0/comp/stale", "stale\n" },
	{ NULL, NULL },
};

static const char patch1[] = "Description: one\n"
			     "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
static const char patch2[] = "--- /dev/null\n+++ b/new/file\n@@ -0,0 +1 @@\n+created\n";

/* A 3.0 (quilt) package: orig + orig-comp + debian with the given patches. */
static void quilt_pkg(struct fx *f, struct bpo_dsc *dsc, const char *p1, const char *p2)
{
	static const struct m comp[] = { { "c/", NULL }, { "c/x", "x\n" }, { NULL, NULL } };
	struct m deb[] = {
		{ "debian/", NULL },
		{ "debian/rules", "#!/usr/bin/make -f\n" }, /* 0644: made executable */
		{ "debian/patches/", NULL },
		{ "debian/patches/series", "# comment\n01.patch\n02.patch -p1\n" },
		{ "debian/patches/01.patch", p1 },
		{ "debian/patches/02.patch", p2 },
		{ NULL, NULL },
	};
	static const char *const files[] = { "pkg_2.0.orig.tar.gz", "pkg_2.0.orig-comp.tar.xz",
					     "pkg_2.0-1.debian.tar.xz", NULL };
	char *p;
	write_tar(p = in(f, files[0]), orig_members);
	free(p);
	write_tar(p = in(f, files[1]), comp);
	free(p);
	write_tar(p = in(f, files[2]), deb);
	free(p);
	make_dsc(f, dsc, "3.0 (quilt)", "pkg", "1:2.0-1", files);
}

static void test_quilt(void **state)
{
	struct fx *f = *state;
	struct bpo_dsc dsc;
	struct bpo_error err;
	char *tree = bpo_path_join(f->out, "tree");
	mode_t um = umask(022);
	quilt_pkg(f, &dsc, patch1, patch2);
	if (bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_content(tree, "a.txt", "one\nTWO\nthree\nfour\nfive\n");
	assert_content(tree, "new/file", "created\n");
	assert_content(tree, "comp/x", "x\n");
	assert_int_equal(mode_of(tree, "configure"), 0755);
	assert_int_equal(mode_of(tree, "debian/rules"), 0755);
	assert_content(tree, ".pc/applied-patches", "01.patch\n02.patch\n");
	assert_content(tree, ".pc/.version", "2\n");
	assert_content(tree, ".pc/.quilt_patches", "debian/patches\n");
	assert_content(tree, ".pc/.quilt_series", "series\n");
	assert_content(tree, ".pc/01.patch/a.txt", "one\ntwo\nthree\nfour\nfive\n");
	assert_content(tree, ".pc/02.patch/new/file", "");
	char *p = bpo_path_join(tree, "debian/upstream-junk");
	assert_false(bpo_path_exists(p)); /* the orig's debian/ is dropped */
	free(p);
	p = bpo_path_join(tree, ".pc/junk");
	assert_false(bpo_path_exists(p)); /* the orig's .pc is skipped */
	free(p);
	p = bpo_path_join(tree, "comp/stale");
	assert_false(bpo_path_exists(p)); /* replaced by the component tarball */
	free(p);
	assert_int_equal(entries(f->out), 1); /* no temporary directory left */
	bpo_dsc_destroy(&dsc);
	umask(um);
	free(tree);
}

/* An empty patch file is applied as nothing (GNU patch accepts empty input);
 * a patch of only a newline is not a patch. */
static void test_quilt_empty_patch(void **state)
{
	struct fx *f = *state;
	struct bpo_dsc dsc;
	struct bpo_error err;
	char *tree = bpo_path_join(f->out, "tree");
	quilt_pkg(f, &dsc, patch1, "");
	if (bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_content(tree, ".pc/applied-patches", "01.patch\n02.patch\n");
	char *p = bpo_path_join(tree, ".pc/02.patch");
	assert_false(bpo_path_exists(p));
	free(p);
	bpo_dsc_destroy(&dsc);
	assert_int_equal(bpo_rm_rf(tree, NULL), 0);
	quilt_pkg(f, &dsc, patch1, "\n");
	assert_int_equal(bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_int_equal(entries(f->out), 0);
	bpo_dsc_destroy(&dsc);
	free(tree);
}

/* GNU patch -E, as dpkg-source runs it: a file a patch empties goes, and so
 * do the directories that leaves empty; a git patch creating an empty file
 * leaves nothing. The backups stay in .pc/. */
static void test_quilt_remove_empty(void **state)
{
	struct fx *f = *state;
	struct bpo_dsc dsc;
	struct bpo_error err;
	char *tree = bpo_path_join(f->out, "tree");
	static const char p2[] = "--- a/comp/x\n+++ b/comp/x\n@@ -1 +0,0 @@\n-x\n"
				 "diff --git a/e/m/empty b/e/m/empty\nnew file mode 100644\n"
				 "index 0000000..e69de29\n";
	quilt_pkg(f, &dsc, patch1, p2);
	if (bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	static const char *const gone[] = { "comp/x", "comp", "e/m/empty", "e" };
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		char *p = bpo_path_join(tree, gone[i]);
		if (bpo_path_exists(p))
			fail_msg("%s: still there", p);
		free(p);
	}
	assert_content(tree, ".pc/02.patch/comp/x", "x\n");
	assert_content(tree, "a.txt", "one\nTWO\nthree\nfour\nfive\n");
	bpo_dsc_destroy(&dsc);
	free(tree);
}

/* Failures leave nothing: fuzz needed, already applied, missing patch. */
static void test_quilt_failures(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *p1, *p2;
		enum bpo_errkind kind;
		const char *why;
	} cases[] = {
		/* context line 4 is wrong: applies only with fuzz */
		{ "--- a/a.txt\n+++ b/a.txt\n@@ -1,4 +1,4 @@\n one\n-two\n+TWO\n three\n WRONG\n",
		  patch2, BPO_E_FAIL, "01.patch" },
		/* the second patch undoes... no: repeats the first (already applied) */
		{ patch1, patch1, BPO_E_FAIL, "02.patch" },
		{ patch1, "--- a/../../x\n+++ b/../../x\n@@ -0,0 +1 @@\n+x\n", BPO_E_SYNTAX, ".." },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_dsc dsc;
		struct bpo_error err;
		char *tree = bpo_path_join(f->out, "tree");
		quilt_pkg(f, &dsc, cases[i].p1, cases[i].p2);
		bpo_error_init(&err);
		assert_int_equal(bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err), -1);
		if (err.kind != cases[i].kind || !strstr(err.msg, cases[i].why))
			fail_msg("case %zu: (%s) %s", i, bpo_error_kind_name(err.kind), err.msg);
		assert_int_equal(entries(f->out), 0);
		bpo_dsc_destroy(&dsc);
		free(tree);
	}
}

static void test_native_and_v1(void **state)
{
	struct fx *f = *state;
	static const struct m native[] = {
		{ "./", NULL }, { "./x", "x\n" }, { "./debian/", NULL },
		{ "./debian/rules", "rules\n" }, { NULL, NULL },
	};
	static const struct m orig[] = {
		{ "old-1.0.orig/", NULL }, { "old-1.0.orig/a", "a\nb\n" }, { NULL, NULL },
	};
	static const char diff[] =
		"--- old-1.0.orig/a\n+++ old-1.0/a\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n"
		"--- old-1.0.orig/debian/rules\n+++ old-1.0/debian/rules\n@@ -0,0 +1 @@\n+rules\n";
	static const char *const nfiles[] = { "nat_3.tar.xz", NULL };
	static const char *const ofiles[] = { "old_1.0.orig.tar.gz", "old_1.0-1.diff.gz", NULL };
	struct bpo_dsc dsc;
	struct bpo_error err;
	char *tree = bpo_path_join(f->out, "native");
	char *p;
	mode_t um = umask(022);

	write_tar(p = in(f, nfiles[0]), native);
	free(p);
	make_dsc(f, &dsc, "3.0 (native)", "nat", "3", nfiles);
	if (bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_content(tree, "x", "x\n");
	assert_int_equal(mode_of(tree, "debian/rules"), 0755);
	bpo_dsc_destroy(&dsc);
	free(tree);

	write_tar(p = in(f, ofiles[0]), orig);
	free(p);
	write_gz(p = in(f, ofiles[1]), diff);
	free(p);
	make_dsc(f, &dsc, "1.0", "old", "1.0-1", ofiles);
	tree = bpo_path_join(f->out, "v1");
	if (bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_content(tree, "a", "a\nB\n");
	assert_content(tree, "debian/rules", "rules\n");
	assert_int_equal(mode_of(tree, "debian/rules"), 0755);
	bpo_dsc_destroy(&dsc);
	free(tree);
	umask(um);
}

/* File names per format, and the checksums, before anything is unpacked. */
static void test_dsc_rules(void **state)
{
	struct fx *f = *state;
	static const struct m one[] = { { "p/", NULL }, { "p/x", "x\n" }, { NULL, NULL } };
	static const char *const names[] = { "nat_3.tar.xz", "nat_3.orig.tar.gz",
					     "nat_3.debian.tar.xz", "other_3.tar.xz",
					     "nat_3.diff.gz", NULL };
	for (const char *const *n = names; *n; n++) {
		char *p = in(f, *n);
		write_tar(p, one);
		free(p);
	}
	static const struct {
		const char *format, *version;
		const char *files[3];
		enum bpo_errkind kind;
		const char *why;
	} cases[] = {
		{ "3.0 (git)", "3", { "nat_3.tar.xz" }, BPO_E_SYNTAX, "unsupported source format" },
		{ "2.0", "3", { "nat_3.tar.xz" }, BPO_E_SYNTAX, "unsupported source format" },
		{ "3.0 (native)", "3", { "other_3.tar.xz" }, BPO_E_SYNTAX, "unrecognized file" },
		{ "3.0 (native)", "3", { "nat_3.tar.xz", "nat_3.debian.tar.xz" }, BPO_E_SYNTAX,
		  "unrecognized file" },
		{ "3.0 (quilt)", "3", { "nat_3.orig.tar.gz" }, BPO_E_SYNTAX,
		  "missing the debian tarball" },
		{ "3.0 (quilt)", "3", { "nat_3.debian.tar.xz" }, BPO_E_SYNTAX, "no orig tarball" },
		{ "1.0", "3", { "nat_3.tar.xz" }, BPO_E_SYNTAX, "unrecognized file" },
		{ "1.0", "3", { "nat_3.diff.gz" }, BPO_E_SYNTAX, "no source tarball" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_dsc dsc;
		struct bpo_error err;
		const char *files[4] = { cases[i].files[0], cases[i].files[1], cases[i].files[2],
					 NULL };
		char *tree = bpo_path_join(f->out, "t");
		make_dsc(f, &dsc, cases[i].format, "nat", cases[i].version, files);
		bpo_error_init(&err);
		assert_int_equal(bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err), -1);
		if (err.kind != cases[i].kind || !strstr(err.msg, cases[i].why))
			fail_msg("case %zu: (%s) %s", i, bpo_error_kind_name(err.kind), err.msg);
		assert_int_equal(entries(f->out), 0);
		bpo_dsc_destroy(&dsc);
		free(tree);
	}

	/* Checksums: a file changed after the .dsc was written. */
	struct bpo_dsc dsc;
	struct bpo_error err;
	static const char *const nat[] = { "nat_3.tar.xz", NULL };
	static const struct m other[] = { { "p/", NULL }, { "p/x", "y\n" }, { NULL, NULL } };
	char *tree = bpo_path_join(f->out, "t");
	char *p = in(f, "nat_3.tar.xz");
	make_dsc(f, &dsc, "3.0 (native)", "nat", "3", nat);
	write_tar(p, other); /* same size, other content */
	assert_int_equal(bpo_srcpkg_verify_files(&dsc, f->dir, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "SHA-256"));
	assert_int_equal(bpo_srcpkg_unpack_dsc(&dsc, f->dir, tree, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_int_equal(truncate(p, 10), 0);
	assert_int_equal(bpo_srcpkg_verify_files(&dsc, f->dir, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "size 10"));
	assert_int_equal(unlink(p), 0);
	assert_int_equal(bpo_srcpkg_verify_files(&dsc, f->dir, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	assert_int_equal(entries(f->out), 0);
	bpo_dsc_destroy(&dsc);
	free(p);
	free(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quilt_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quilt_empty_patch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quilt_remove_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_and_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsc_rules, setup, teardown),
	};
	return cmocka_run_group_tests_name("srcpkg", tests, NULL, NULL);
}
