/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for archive: the path checks (table-driven) and secure
 * extraction of tarballs the test writes with libarchive, hostile ones too. */
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

#include "archive.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "limits.h"
#include "xmem.h"

/* ---- path checks ---- */

struct name_case {
	const char *name;
	bool ok;
};

static void test_check_name(void **state)
{
	static const struct name_case cases[] = {
		{ "pkg-1.0/src/main.c", true },
		{ "./pkg/a", true },
		{ "pkg/..hidden", true },
		{ "pkg/a..b/c", true },
		{ "a", true },
		{ "/etc/passwd", false },
		{ "//etc/passwd", false },
		{ "../x", false },
		{ "pkg/../../x", false },
		{ "pkg/..", false },
		{ "./../x", false },
		{ "..", false },
		{ "", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = bpo_archive_check_name(cases[i].name);
		if ((why == NULL) != cases[i].ok)
			fail_msg("name '%s': expected %s, got %s", cases[i].name,
				 cases[i].ok ? "ok" : "refused", why ? why : "ok");
	}
	assert_null(bpo_archive_check_hardlink("pkg/a"));
	assert_non_null(bpo_archive_check_hardlink("../../etc/passwd"));
	assert_non_null(bpo_archive_check_hardlink("/etc/passwd"));
}

struct link_case {
	const char *name, *target;
	unsigned strip;
	bool ok;
};

static void test_check_symlink(void **state)
{
	static const struct link_case cases[] = {
		{ "pkg/COPYING", "doc/COPYING", 1, true },
		{ "pkg/a/b", "../c", 1, true },
		{ "pkg/a/b/c", "../../x/y", 1, true },
		{ "pkg/a", ".", 1, true },
		{ "pkg/a/b", "./../c", 1, true },
		{ "pkg/a/b", "..", 1, true },
		{ "pkg/link", "../x", 0, true },   /* before the strip decision */
		{ "pkg/link", "../x", 1, false },  /* climbs out of the stripped tree */
		{ "pkg/a/b", "../../x", 1, false },
		{ "top", "..", 0, false },
		{ "top", "x/../..", 0, false },
		{ "pkg/l", "/etc", 1, false },
		{ "pkg/l", "/", 0, false },
		{ "pkg/a/t", "s/../x", 1, false }, /* ".." after a name: s may be a link */
		{ "pkg/l", "", 1, false },
		{ "../l", "x", 0, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = bpo_archive_check_symlink(cases[i].name, cases[i].target,
							    cases[i].strip);
		if ((why == NULL) != cases[i].ok)
			fail_msg("link '%s' -> '%s' (strip %u): expected %s, got %s",
				 cases[i].name, cases[i].target, cases[i].strip,
				 cases[i].ok ? "ok" : "refused", why ? why : "ok");
	}
}

/* ---- tarballs written by the test ---- */

enum kind { REG, DIR_, SYM, HARD, CHR, BLK, FIFO_ };

struct member {
	const char *name;
	enum kind kind;
	const char *data;  /* file contents, symlink or hard link target */
	unsigned mode;
	int64_t size;      /* declared size when > 0 and data is NULL (no data written) */
};

enum filter { F_NONE, F_GZIP, F_XZ, F_BZIP2, F_ZSTD, F_LZMA };

static void write_tar(const char *path, enum filter f, const struct member *m, size_t n)
{
	struct archive *a = archive_write_new();
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	switch (f) {
	case F_NONE: break;
	case F_GZIP: assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK); break;
	case F_XZ: assert_int_equal(archive_write_add_filter_xz(a), ARCHIVE_OK); break;
	case F_BZIP2: assert_int_equal(archive_write_add_filter_bzip2(a), ARCHIVE_OK); break;
	case F_ZSTD: assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK); break;
	case F_LZMA: assert_int_equal(archive_write_add_filter_lzma(a), ARCHIVE_OK); break;
	}
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = 0;
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_perm(e, m[i].mode ? m[i].mode : 0644);
		archive_entry_set_mtime(e, 1700000000, 0);
		switch (m[i].kind) {
		case REG:
			len = m[i].data ? strlen(m[i].data) : 0;
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, m[i].size > 0 ? m[i].size : (int64_t)len);
			break;
		case DIR_:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, m[i].mode ? m[i].mode : 0755);
			break;
		case SYM:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, m[i].data);
			break;
		case HARD:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, m[i].data);
			archive_entry_set_size(e, 0);
			break;
		case CHR:
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_rdevmajor(e, 1);
			archive_entry_set_rdevminor(e, 3);
			break;
		case BLK:
			archive_entry_set_filetype(e, AE_IFBLK);
			archive_entry_set_rdevmajor(e, 8);
			archive_entry_set_rdevminor(e, 0);
			break;
		case FIFO_:
			archive_entry_set_filetype(e, AE_IFIFO);
			break;
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (m[i].kind == REG && len)
			assert_int_equal(archive_write_data(a, m[i].data, len), (la_ssize_t)len);
		archive_entry_free(e);
	}
	/* A declared size without data makes libarchive pad with zeros: the
	 * "huge sparse member" case stays small on the test's disk only when
	 * the declared size is modest, so tests keep it modest and lower the cap. */
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

struct fixture {
	char *dir;      /* scratch directory */
	char *sentinel; /* a directory next to the extraction target, must stay empty */
};

static int setup(void **state)
{
	struct fixture *fx = bpo_xcalloc(1, sizeof(*fx));
	fx->dir = bpo_mkdtemp(NULL, "bpo-test-archive", NULL);
	assert_non_null(fx->dir);
	fx->sentinel = bpo_path_join(fx->dir, "sentinel");
	assert_int_equal(mkdir(fx->sentinel, 0755), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(bpo_rm_rf(fx->dir, NULL), 0);
	free(fx->dir);
	free(fx->sentinel);
	free(fx);
	return 0;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	struct bpo_buf b;
	bpo_buf_init(&b, 1 << 20);
	assert_int_equal(bpo_file_read(path, 1 << 20, &b, NULL), 0);
	return bpo_buf_steal(&b, NULL);
}

static void assert_file(const char *tree, const char *rel, const char *content, unsigned mode)
{
	char *p = bpo_path_join(tree, rel);
	struct stat st;
	if (lstat(p, &st) != 0)
		fail_msg("%s: missing", p);
	assert_true(S_ISREG(st.st_mode));
	char *s = slurp(p);
	assert_string_equal(s, content);
	if ((st.st_mode & 07777) != mode)
		fail_msg("%s: mode %o, expected %o", p, st.st_mode & 07777, mode);
	free(s);
	free(p);
}

static const struct member good[] = {
	{ "pkg-1.0/", DIR_, NULL, 0755, 0 },
	{ "pkg-1.0/README", REG, "hello\n", 0664, 0 },
	{ "pkg-1.0/configure", REG, "#!/bin/sh\n", 0775, 0 },
	{ "pkg-1.0/secret", REG, "s\n", 04755, 0 },
	{ "pkg-1.0/ro", REG, "r\n", 0400, 0 },
	{ "pkg-1.0/doc/", DIR_, NULL, 0700, 0 },
	{ "pkg-1.0/doc/COPYING", REG, "GPL\n", 0644, 0 },
	{ "pkg-1.0/COPYING", SYM, "doc/COPYING", 0777, 0 },
	{ "pkg-1.0/doc/up", SYM, "../README", 0777, 0 },
	{ "pkg-1.0/doc/hard", HARD, "pkg-1.0/README", 0644, 0 },
	{ "pkg-1.0/.pc/applied-patches", REG, "x\n", 0644, 0 },
};

static void extract_good(struct fixture *fx, enum filter f, const char *ext)
{
	struct bpo_error err;
	char *tar = bpo_xasprintf("%s/good.tar%s", fx->dir, ext);
	char *dest = bpo_xasprintf("%s/tree%s", fx->dir, ext);
	char buf[256];
	struct stat st, st2;
	ssize_t n;
	mode_t um = umask(022);

	write_tar(tar, f, good, sizeof(good) / sizeof(good[0]));
	bpo_error_init(&err);
	if (bpo_archive_extract(tar, dest, NULL, &err) != 0)
		fail_msg("extract %s: %s", tar, err.msg);
	assert_file(dest, "README", "hello\n", 0644);
	assert_file(dest, "configure", "#!/bin/sh\n", 0755);
	assert_file(dest, "secret", "s\n", 0755); /* setuid dropped */
	assert_file(dest, "ro", "r\n", 0644);     /* fixperms: u+w, a+r */
	assert_file(dest, "doc/COPYING", "GPL\n", 0644);
	assert_file(dest, ".pc/applied-patches", "x\n", 0644); /* not excluded by default */
	char *p = bpo_path_join(dest, "COPYING");
	n = readlink(p, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "doc/COPYING");
	free(p);
	p = bpo_path_join(dest, "doc");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(p);
	p = bpo_path_join(dest, "doc/hard");
	char *q = bpo_path_join(dest, "README");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(stat(q, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_mtime, 1700000000);
	free(p);
	free(q);
	umask(um);
	free(tar);
	free(dest);
}

static void test_extract_filters(void **state)
{
	struct fixture *fx = *state;
	extract_good(fx, F_NONE, "");
	extract_good(fx, F_GZIP, ".gz");
	extract_good(fx, F_XZ, ".xz");
	extract_good(fx, F_BZIP2, ".bz2");
	extract_good(fx, F_ZSTD, ".zst");
	extract_good(fx, F_LZMA, ".lzma");
	/* sentinel, 6 tarballs, 6 trees: nothing else (no .bpo-extract.*). */
	assert_int_equal(count_entries(fx->dir), 13);
	assert_int_equal(count_entries(fx->sentinel), 0);
}

static void test_extract_no_strip_and_exclude(void **state)
{
	struct fixture *fx = *state;
	static const struct member flat[] = {
		{ "./", DIR_, NULL, 0755, 0 },
		{ "./a", REG, "a\n", 0644, 0 },
		{ "./b/c", REG, "c\n", 0755, 0 },
		{ "./.pc/x", REG, "x\n", 0644, 0 },
		{ "./b/.pc/y", REG, "y\n", 0644, 0 },
		{ "./b/d/.pc/z", REG, "z\n", 0644, 0 },
	};
	struct bpo_archive_opts opts;
	struct bpo_error err;
	char *tar = bpo_path_join(fx->dir, "flat.tar.gz");
	char *dest = bpo_path_join(fx->dir, "flat");
	char *p;
	mode_t um = umask(022);
	write_tar(tar, F_GZIP, flat, sizeof(flat) / sizeof(flat[0]));
	bpo_archive_opts_init(&opts);
	opts.exclude_pc = true;
	if (bpo_archive_extract(tar, dest, &opts, &err) != 0)
		fail_msg("%s", err.msg);
	assert_file(dest, "a", "a\n", 0644);
	assert_file(dest, "b/c", "c\n", 0755);
	assert_file(dest, "b/d/.pc/z", "z\n", 0644); /* two levels down: kept */
	p = bpo_path_join(dest, ".pc");
	assert_false(bpo_path_exists(p));
	free(p);
	p = bpo_path_join(dest, "b/.pc");
	assert_false(bpo_path_exists(p));
	free(p);
	struct stat st;
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	/* The target must not exist. */
	assert_int_equal(bpo_archive_extract(tar, dest, &opts, &err), -1);
	assert_int_equal(err.kind, BPO_E_IO);
	umask(um);
	free(tar);
	free(dest);
}

struct hostile {
	const char *label;
	struct member m[4];
	size_t n;
	const char *why; /* substring of the message */
	uint64_t max_total, max_members;
	bool only_debian;
};

static void test_extract_hostile(void **state)
{
	struct fixture *fx = *state;
	char *evil = bpo_xasprintf("%s/evil", fx->sentinel);
	char *abs_name = bpo_xasprintf("%s/evil", fx->sentinel);
	const struct hostile cases[] = {
		{ "absolute", { { abs_name, REG, "x", 0, 0 } }, 1, "absolute path", 0, 0, false },
		{ "dotdot", { { "../sentinel/evil", REG, "x", 0, 0 } }, 1, "'..'", 0, 0, false },
		{ "dotdot-inner", { { "pkg/../../sentinel/evil", REG, "x", 0, 0 } }, 1, "'..'", 0,
		  0, false },
		{ "symlink-abs", { { "pkg/etc", SYM, "/etc", 0, 0 } }, 1, "absolute", 0, 0, false },
		{ "symlink-climb", { { "pkg/s", SYM, "../../sentinel", 0, 0 } }, 1, "outside", 0, 0,
		  false },
		{ "symlink-climb-after-strip",
		  { { "pkg/a", REG, "x", 0, 0 }, { "pkg/s", SYM, "../sentinel", 0, 0 } }, 2,
		  "outside", 0, 0, false },
		{ "symlink-then-write",
		  { { "pkg/sub/", DIR_, NULL, 0, 0 }, { "pkg/d", SYM, "sub", 0, 0 },
		    { "pkg/d/f", REG, "x", 0, 0 } }, 3, "symlink", 0, 0, false },
		{ "symlink-chain",
		  { { "pkg/s", SYM, ".", 0, 0 }, { "pkg/t", SYM, "s/../../sentinel", 0, 0 } }, 2,
		  "'..' after", 0, 0, false },
		{ "hardlink-out", { { "pkg/h", HARD, "../../etc/passwd", 0, 0 } }, 1, "'..'", 0, 0,
		  false },
		{ "hardlink-abs", { { "pkg/h", HARD, "/etc/passwd", 0, 0 } }, 1, "absolute", 0, 0,
		  false },
		{ "hardlink-missing", { { "pkg/h", HARD, "pkg/nothing", 0, 0 } }, 1,
		  "not a member extracted before", 0, 0, false },
		{ "hardlink-through-symlink",
		  { { "pkg/s", SYM, ".", 0, 0 }, { "pkg/f", REG, "x", 0, 0 },
		    { "pkg/h", HARD, "pkg/s/f", 0, 0 } }, 3, "symlink", 0, 0, false },
		{ "chardev", { { "pkg/null", CHR, NULL, 0, 0 } }, 1, "character device", 0, 0, false },
		{ "blockdev", { { "pkg/sda", BLK, NULL, 0, 0 } }, 1, "block device", 0, 0, false },
		{ "fifo", { { "pkg/fifo", FIFO_, NULL, 0, 0 } }, 1, "FIFO", 0, 0, false },
		{ "duplicate",
		  { { "pkg/a", REG, "x", 0, 0 }, { "pkg/a", REG, "y", 0, 0 } }, 2, "duplicate", 0, 0,
		  false },
		{ "file-over-dir",
		  { { "pkg/a/", DIR_, NULL, 0, 0 }, { "pkg/a", REG, "y", 0, 0 } }, 2, "duplicate", 0,
		  0, false },
		{ "size-cap", { { "pkg/big", REG, NULL, 0, 200000 } }, 1, "size limit", 100000, 0,
		  false },
		{ "count-cap",
		  { { "pkg/a", REG, "a", 0, 0 }, { "pkg/b", REG, "b", 0, 0 },
		    { "pkg/c", REG, "c", 0, 0 } }, 3, "more than 2 members", 0, 2, false },
		{ "debian-only", { { "debian/control", REG, "x", 0, 0 }, { "src/x", REG, "x", 0, 0 } },
		  2, "outside debian/", 0, 0, true },
	};
	struct bpo_error err;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_archive_opts opts;
		char *tar = bpo_xasprintf("%s/%s.tar.xz", fx->dir, cases[i].label);
		char *dest = bpo_xasprintf("%s/out-%s", fx->dir, cases[i].label);
		size_t before;
		write_tar(tar, F_XZ, cases[i].m, cases[i].n);
		before = count_entries(fx->dir);
		bpo_archive_opts_init(&opts);
		if (cases[i].max_total)
			opts.limits.max_total = cases[i].max_total;
		if (cases[i].max_members)
			opts.limits.max_members = cases[i].max_members;
		opts.only_debian = cases[i].only_debian;
		bpo_error_init(&err);
		if (bpo_archive_extract(tar, dest, &opts, &err) == 0)
			fail_msg("%s: extraction succeeded", cases[i].label);
		if (err.kind != BPO_E_SYNTAX || !strstr(err.msg, cases[i].why) ||
		    !strstr(err.msg, tar))
			fail_msg("%s: unexpected error (%s) %s", cases[i].label,
				 bpo_error_kind_name(err.kind), err.msg);
		assert_false(bpo_path_exists(dest));
		assert_int_equal(count_entries(fx->sentinel), 0);
		assert_int_equal(count_entries(fx->dir), before); /* no temp dir left */
		assert_false(bpo_path_exists(evil));
		free(tar);
		free(dest);
	}
	free(evil);
	free(abs_name);
}

static void test_read_member(void **state)
{
	struct fixture *fx = *state;
	struct bpo_buf b;
	struct bpo_error err;
	struct bpo_strv names = { 0 };
	char *tar = bpo_path_join(fx->dir, "m.tar.zst");
	write_tar(tar, F_ZSTD, good, sizeof(good) / sizeof(good[0]));
	bpo_buf_init(&b, 1 << 20);
	assert_int_equal(bpo_archive_read_member(tar, "./pkg-1.0/doc/COPYING", 100, &b, &err), 0);
	assert_string_equal(b.data, "GPL\n");
	bpo_buf_reset(&b);
	assert_int_equal(bpo_archive_read_member(tar, "pkg-1.0/README", 3, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_int_equal(bpo_archive_read_member(tar, "pkg-1.0/none", 100, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	bpo_buf_destroy(&b);
	assert_int_equal(bpo_archive_list(tar, 0, &names, &err), 0);
	assert_int_equal(names.n, sizeof(good) / sizeof(good[0]));
	assert_string_equal(names.v[1], "pkg-1.0/README");
	assert_int_equal(bpo_archive_list(tar, 3, &names, &err), -1);
	bpo_strv_destroy(&names);
	/* Not an archive at all. */
	char *junk = bpo_path_join(fx->dir, "junk.tar.gz");
	assert_int_equal(bpo_file_write_atomic(junk, "not a tarball", 13, 0644, NULL), 0);
	char *dest = bpo_path_join(fx->dir, "junk");
	assert_int_equal(bpo_archive_extract(junk, dest, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_false(bpo_path_exists(dest));
	free(junk);
	free(dest);
	free(tar);
}

/* Write data as one compressed stream (raw format: no tar around it). */
static void write_stream(const char *path, int filter, const char *data)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t n = strlen(data);
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	if (filter != ARCHIVE_FILTER_NONE)
		assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)n);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (n)
		assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_entry_free(e);
	archive_write_free(a);
}

/* One compressed file: xz, gzip, bzip2, zstd or plain; an empty stream (as an
 * empty suite's Packages.xz is) gives no data, not "Unrecognized archive
 * format"; the cap holds; garbage after a gzip magic is refused. */
static void test_read_compressed(void **state)
{
	static const struct {
		int filter;
		const char *ext;
	} f[] = {
		{ARCHIVE_FILTER_XZ, ".xz"},     {ARCHIVE_FILTER_GZIP, ".gz"},
		{ARCHIVE_FILTER_BZIP2, ".bz2"}, {ARCHIVE_FILTER_ZSTD, ".zst"},
		{ARCHIVE_FILTER_NONE, ""},
	};
	struct fixture *fx = *state;
	struct bpo_error err;
	struct bpo_buf b;

	bpo_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *full = bpo_xasprintf("%s/full%s", fx->dir, f[i].ext);
		char *empty = bpo_xasprintf("%s/empty%s", fx->dir, f[i].ext);
		struct stat st;
		write_stream(full, f[i].filter, "Package: hello\nVersion: 1.0\n");
		write_stream(empty, f[i].filter, "");
		bpo_buf_reset(&b);
		if (bpo_archive_read_compressed(full, 1000, &b, &err) < 0)
			fail_msg("%s: %s", full, err.msg);
		assert_string_equal(b.data, "Package: hello\nVersion: 1.0\n");
		bpo_buf_reset(&b);
		if (bpo_archive_read_compressed(empty, 1000, &b, &err) < 0)
			fail_msg("%s: %s", empty, err.msg);
		assert_int_equal(b.len, 0);
		/* the empty compressed stream is a real file of some bytes */
		assert_int_equal(stat(empty, &st), 0);
		if (f[i].filter != ARCHIVE_FILTER_NONE)
			assert_true(st.st_size > 0);
		bpo_buf_reset(&b);
		assert_int_equal(bpo_archive_read_compressed(full, 10, &b, &err), -1);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		free(full);
		free(empty);
	}
	{
		char *bad = bpo_path_join(fx->dir, "bad.gz");
		assert_int_equal(bpo_file_write_atomic(bad, "\x1f\x8b\x08\0garbage", 12, 0644,
						       NULL), 0);
		bpo_buf_reset(&b);
		assert_int_equal(bpo_archive_read_compressed(bad, 1000, &b, &err), -1);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		free(bad);
	}
	bpo_buf_destroy(&b);
}

/* The ratio limit (limits.ratio): a tarball of zeros far past the floor is
 * refused at the header with the default limits, and extracts when the ratio
 * is raised; an index-like stream that decompresses 1000 times is refused by
 * bpo_archive_read_compressed. Small data is never judged by its ratio. */
static void test_ratio(void **state)
{
	struct fixture *fx = *state;
	const size_t big = (size_t)BPO_ARCHIVE_RATIO_FLOOR + (1u << 20);
	const struct member bomb[] = { { "pkg/zeros", REG, NULL, 0, (int64_t)big } };
	const struct member small[] = { { "pkg/zeros", REG, NULL, 0, 1 << 20 } };
	char *tar = bpo_path_join(fx->dir, "bomb.tar.xz");
	char *star = bpo_path_join(fx->dir, "small.tar.xz");
	char *dest = bpo_path_join(fx->dir, "out-bomb");
	char *sdest = bpo_path_join(fx->dir, "out-small");
	char *idx = bpo_path_join(fx->dir, "Packages.xz");
	char *text = bpo_xmalloc(big + 1);
	struct bpo_archive_opts opts;
	struct bpo_error err;
	struct bpo_buf b;
	struct stat st;

	assert_false(bpo_archive_ratio_exceeded(BPO_ARCHIVE_RATIO_FLOOR, 1, 100));
	assert_true(bpo_archive_ratio_exceeded(BPO_ARCHIVE_RATIO_FLOOR + 1, 1000, 100));
	assert_false(bpo_archive_ratio_exceeded(BPO_ARCHIVE_RATIO_FLOOR + 1, 10u << 20, 100));
	assert_true(bpo_archive_ratio_exceeded(BPO_ARCHIVE_RATIO_FLOOR + 1, 0, 100));
	assert_false(bpo_archive_ratio_exceeded(100ull << 20, 1u << 20, 100)); /* exactly 100 */
	assert_true(bpo_archive_ratio_exceeded(102ull << 20, 1u << 20, 100));
	assert_true(bpo_archive_ratio_exceeded(BPO_ARCHIVE_RATIO_FLOOR + 1, 1000, 0)); /* default */

	write_tar(tar, F_XZ, bomb, 1);
	assert_int_equal(stat(tar, &st), 0);
	assert_true((uint64_t)st.st_size * 100 < big); /* it is a bomb */
	bpo_archive_opts_init(&opts);
	bpo_error_init(&err);
	assert_int_equal(bpo_archive_extract(tar, dest, &opts, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	if (!strstr(err.msg, "unpacks to more than 100 times its compressed size") ||
	    !strstr(err.msg, "limits.ratio") || !strstr(err.msg, tar))
		fail_msg("unexpected: %s", err.msg);
	assert_false(bpo_path_exists(dest));
	opts.limits.max_ratio = 1000000;
	if (bpo_archive_extract(tar, dest, &opts, &err) < 0)
		fail_msg("raised ratio: %s", err.msg);
	assert_int_equal(bpo_rm_rf(dest, NULL), 0);

	/* 1 MiB of zeros: a ratio of thousands, under the floor */
	write_tar(star, F_XZ, small, 1);
	bpo_archive_opts_init(&opts);
	if (bpo_archive_extract(star, sdest, &opts, &err) < 0)
		fail_msg("small: %s", err.msg);

	memset(text, 'a', big);
	text[big] = '\0';
	write_stream(idx, ARCHIVE_FILTER_XZ, text);
	bpo_buf_init(&b, BPO_MAX_INDEX);
	assert_int_equal(bpo_archive_read_compressed(idx, BPO_MAX_INDEX, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	if (!strstr(err.msg, "decompresses to more than 100 times"))
		fail_msg("unexpected: %s", err.msg);
	bpo_buf_destroy(&b);
	free(text);
	free(tar);
	free(star);
	free(dest);
	free(sdest);
	free(idx);
}

/* limits.h: sizes with suffixes, and the recipe over bpo.conf over the default. */
static void test_limits(void **state)
{
	struct bpo_limits conf = { { 0 } }, recipe = { { 0 } }, eff;
	struct bpo_archive_limits al;
	uint64_t v = 0;
	(void)state;
	assert_int_equal(bpo_size_parse("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(bpo_size_parse("64G", &v), 0);
	assert_true(v == 64ull << 30);
	assert_int_equal(bpo_size_parse("2GiB", &v), 0);
	assert_true(v == 2ull << 30);
	assert_int_equal(bpo_size_parse("512K", &v), 0);
	assert_int_equal(v, 512u << 10);
	assert_int_equal(bpo_size_parse("3T", &v), 0);
	assert_true(v == 3ull << 40);
	assert_int_equal(bpo_size_parse("0", &v), -1);
	assert_int_equal(bpo_size_parse("", &v), -1);
	assert_int_equal(bpo_size_parse("12X", &v), -1);
	assert_int_equal(bpo_size_parse("1Gb", &v), -1);
	assert_int_equal(bpo_size_parse("-1", &v), -1);
	assert_int_equal(bpo_size_parse(" 1", &v), -1);
	assert_int_equal(bpo_size_parse("99999999999T", &v), -1);
	assert_int_equal(bpo_size_parse("99999999999999999999", &v), -1);

	bpo_limits_effective(NULL, NULL, &eff);
	assert_true(eff.v[BPO_LIMIT_UNPACKED_SIZE] == BPO_ARCHIVE_MAX_TOTAL_DEFAULT);
	assert_true(eff.v[BPO_LIMIT_RATIO] == BPO_ARCHIVE_MAX_RATIO_DEFAULT);
	assert_true(eff.v[BPO_LIMIT_DOWNLOAD_SIZE] == BPO_LIMIT_DOWNLOAD_DEFAULT);
	conf.v[BPO_LIMIT_RATIO] = 500;
	conf.v[BPO_LIMIT_MEMBERS] = 7;
	recipe.v[BPO_LIMIT_RATIO] = 1000;
	bpo_limits_effective(&conf, &recipe, &eff);
	assert_int_equal(eff.v[BPO_LIMIT_RATIO], 1000);
	assert_int_equal(eff.v[BPO_LIMIT_MEMBERS], 7);
	bpo_limits_archive(&eff, &al);
	assert_int_equal(al.max_ratio, 1000);
	assert_int_equal(al.max_members, 7);
	assert_true(al.max_total == BPO_ARCHIVE_MAX_TOTAL_DEFAULT);
	assert_string_equal(bpo_limit_name(BPO_LIMIT_DOWNLOAD_SIZE), "download-size");
}

/* Only dpkg's compressions: an lz4 tarball is refused, and a stream of a
 * compression libarchive would run an external program for (lzop without
 * liblzo2) is taken as plain data, never handed to /usr/bin/lzop. */
static void test_only_dpkg_compressions(void **state)
{
	static const struct member one[] = {
		{ "pkg-1.0/", DIR_, NULL, 0755, 0 },
		{ "pkg-1.0/README", REG, "hello\n", 0644, 0 },
	};
	struct fixture *fx = *state;
	struct bpo_error err;
	struct bpo_buf b, raw;
	char *tar = bpo_path_join(fx->dir, "t.tar.lz4");
	char *dest = bpo_path_join(fx->dir, "lz4-tree");
	char *lzo = bpo_path_join(fx->dir, "data.lzo");

	{
		struct archive *a = archive_write_new();
		struct archive_entry *e = archive_entry_new();
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
		assert_int_equal(archive_write_add_filter_lz4(a), ARCHIVE_OK);
		assert_int_equal(archive_write_open_filename(a, tar), ARCHIVE_OK);
		archive_entry_set_pathname(e, one[1].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 6);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, "hello\n", 6), 6);
		assert_int_equal(archive_write_close(a), ARCHIVE_OK);
		archive_entry_free(e);
		archive_write_free(a);
	}
	assert_int_equal(bpo_archive_extract(tar, dest, NULL, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_false(bpo_path_exists(dest));

	/* lzop: written by libarchive (maybe through the lzop program); when it
	 * cannot write it at all, there is nothing to check */
	{
		struct archive *a = archive_write_new();
		int r = archive_write_set_format_raw(a);
		if (r == ARCHIVE_OK)
			r = archive_write_add_filter_lzop(a);
		if ((r == ARCHIVE_OK || r == ARCHIVE_WARN) &&
		    archive_write_open_filename(a, lzo) == ARCHIVE_OK) {
			struct archive_entry *e = archive_entry_new();
			archive_entry_set_pathname(e, "data");
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, 6);
			assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
			assert_int_equal(archive_write_data(a, "hello\n", 6), 6);
			if (archive_write_close(a) != ARCHIVE_OK)
				unlink(lzo);
			archive_entry_free(e);
		} else {
			print_message("# lzop cannot be written here (no liblzo2, no lzop): "
				      "the lzop half is not checked (.ci/packages has lzop)\n");
		}
		archive_write_free(a);
	}
	if (bpo_path_exists(lzo)) {
		bpo_buf_init(&b, 1 << 20);
		bpo_buf_init(&raw, 1 << 20);
		assert_int_equal(bpo_file_read(lzo, 1 << 20, &raw, NULL), 0);
		assert_int_equal(bpo_archive_read_compressed(lzo, 1 << 20, &b, &err), 0);
		assert_int_equal(b.len, raw.len);
		assert_memory_equal(b.data, raw.data, raw.len);
		bpo_buf_destroy(&b);
		bpo_buf_destroy(&raw);
	}
	free(tar);
	free(dest);
	free(lzo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_name),
		cmocka_unit_test(test_check_symlink),
		cmocka_unit_test_setup_teardown(test_extract_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_no_strip_and_exclude, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_dpkg_compressions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratio, setup, teardown),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
