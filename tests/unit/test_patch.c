/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the patch engine: parser, matching, all-or-nothing, refit, diff, series. */
#include "config.h"

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
#include "err.h"
#include "fsutil.h"
#include "patch.h"
#include "xmem.h"

/* --- helpers ------------------------------------------------------------ */

static char *tmptree(void)
{
	char *d = bpo_mkdtemp(NULL, "bpo-test-patch", NULL);
	assert_non_null(d);
	return d;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = bpo_path_join(dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(bpo_mkdir_p(p, 0755, NULL), 0);
	*slash = '/';
	assert_int_equal(bpo_file_write_atomic(p, text, strlen(text), 0644, NULL), 0);
	free(p);
}

/* The file's content (caller frees), or NULL when it does not exist. */
static char *get(const char *dir, const char *rel)
{
	char *p = bpo_path_join(dir, rel);
	struct bpo_buf b;
	char *s = NULL;
	bpo_buf_init(&b, 1 << 24);
	if (bpo_file_read(p, 1 << 24, &b, NULL) == 0)
		s = bpo_buf_steal(&b, NULL);
	bpo_buf_destroy(&b);
	free(p);
	return s;
}

static void assert_file(const char *dir, const char *rel, const char *want)
{
	char *s = get(dir, rel);
	if (want == NULL) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* "line 1\n" .. "line n\n" with substitutions "N=text" */
static char *lines(unsigned n, ...)
{
	struct bpo_buf b;
	va_list ap;
	const char *subst[16] = {0};
	unsigned at[16], ns = 0;
	va_start(ap, n);
	for (;;) {
		const char *s = va_arg(ap, const char *);
		if (!s)
			break;
		at[ns] = (unsigned)strtoul(s, NULL, 10);
		subst[ns++] = strchr(s, '=') + 1;
	}
	va_end(ap);
	bpo_buf_init(&b, 1 << 20);
	for (unsigned i = 1; i <= n; i++) {
		const char *r = NULL;
		for (unsigned k = 0; k < ns; k++)
			if (at[k] == i)
				r = subst[k];
		if (r)
			bpo_buf_printf(&b, NULL, "%s\n", r);
		else
			bpo_buf_printf(&b, NULL, "line %u\n", i);
	}
	return bpo_buf_steal(&b, NULL);
}

static void parse_ok(const char *text, const char *name, struct bpo_patch *p)
{
	struct bpo_error err;
	bpo_error_init(&err);
	if (bpo_patch_parse(text, strlen(text), name, p, &err) != 0)
		fail_msg("parse of %s failed: %s", name, err.msg);
}

/* Diff old->new for path with bpo_patch_diff and parse it. */
static void make_patch(const char *name, const char *header, const char *path, const char *old,
		       const char *new_, struct bpo_patch *p)
{
	struct bpo_buf b;
	bpo_buf_init(&b, 1 << 24);
	bpo_buf_puts(&b, header ? header : "", NULL);
	assert_int_equal(bpo_patch_diff(path, old, old ? strlen(old) : 0, new_,
					new_ ? strlen(new_) : 0, &b, NULL), 0);
	parse_ok(b.data, name, p);
	bpo_buf_destroy(&b);
}

static void cleanup(char *dir)
{
	assert_int_equal(bpo_rm_rf(dir, NULL), 0);
	free(dir);
}

/* --- parser ------------------------------------------------------------- */

static const char git_patch[] =
	"From 1234 Mon Sep 17 00:00:00 2001\n"
	"From: A <a@example.invalid>\n"
	"Subject: [PATCH] Rename, create, delete\n"
	"\n"
	"Description: git extended headers\n"
	"---\n"
	" gone.c | 1 -\n"
	"\n"
	"diff --git a/gone.c b/gone.c\n"
	"deleted file mode 100644\n"
	"index fa2da6e..0000000\n"
	"--- a/gone.c\n"
	"+++ /dev/null\n"
	"@@ -1 +0,0 @@\n"
	"-bye\n"
	"diff --git a/moved.c b/moved-to.c\n"
	"similarity index 100%\n"
	"rename from moved.c\n"
	"rename to moved-to.c\n"
	"diff --git a/old name.c b/new name.c\n"
	"similarity index 97%\n"
	"rename from old name.c\n"
	"rename to new name.c\n"
	"index bab081f..23c0a49 100644\n"
	"--- a/old name.c\n"
	"+++ b/new name.c\n"
	"@@ -1,3 +1,3 @@\n"
	" a\n"
	"-b\n"
	"+B\n"
	" c\n"
	"diff --git a/empty b/empty\n"
	"new file mode 100644\n"
	"index 0000000..e69de29\n"
	"diff --git a/script.sh b/script.sh\n"
	"old mode 100644\n"
	"new mode 100755\n"
	"-- \n"
	"2.39.5\n";

static void test_parse_git(void **state)
{
	struct bpo_patch p;
	(void)state;
	parse_ok(git_patch, "0001-x.patch", &p);
	assert_int_equal(p.n_files, 5);
	assert_int_equal(p.strip, 1);
	assert_true(bpo_str_has_prefix(p.header, "From 1234"));
	assert_non_null(strstr(p.header, "Description: git extended headers\n---\n"));
	assert_int_equal(p.files[0].op, BPO_PATCH_DELETE);
	assert_string_equal(p.files[0].old_path, "a/gone.c");
	assert_null(p.files[0].new_path);
	assert_int_equal(p.files[1].op, BPO_PATCH_RENAME);
	assert_string_equal(p.files[1].old_path, "a/moved.c");
	assert_string_equal(p.files[1].new_path, "b/moved-to.c");
	assert_int_equal(p.files[1].n_hunks, 0);
	assert_int_equal(p.files[2].op, BPO_PATCH_RENAME);
	assert_string_equal(p.files[2].new_path, "b/new name.c");
	assert_int_equal(p.files[2].n_hunks, 1);
	assert_int_equal(p.files[2].hunks[0].n_lines, 4);
	assert_int_equal(p.files[3].op, BPO_PATCH_CREATE);
	assert_string_equal(p.files[3].new_path, "b/empty");
	assert_int_equal(p.files[4].op, BPO_PATCH_MODIFY);
	assert_int_equal(p.files[4].old_mode, 0100644);
	assert_int_equal(p.files[4].new_mode, 0100755);
	bpo_patch_destroy(&p);
}

static void test_parse_dep3_index_noeol(void **state)
{
	static const char text[] =
		"Description: fix the frobnicator\n"
		" Longer text.\n"
		"Origin: upstream, https://example.invalid/c/1\n"
		"Bug-Debian: https://bugs.debian.org/1\n"
		"Forwarded: not-needed\n"
		"Author: Someone <s@example.invalid>\n"
		"Last-Update: 2024-01-01\n"
		"Applied-Upstream: 2.0\n"
		"---\n"
		"This line --- is not a diff.\n"
		"Index: pkg-1.0/src/x.c\n"
		"===================================================================\n"
		"--- pkg-1.0.orig/src/x.c\t2024-01-01 00:00:00.000000000 +0000\n"
		"+++ pkg-1.0/src/x.c\t2024-01-02 00:00:00.000000000 +0000\n"
		"@@ -1,2 +1,2 @@\n"
		" keep\r\n"
		"-old\n"
		"\\ No newline at end of file\n"
		"+new\n"
		"\\ No newline at end of file\n";
	struct bpo_patch p;
	(void)state;
	parse_ok(text, "fix.patch", &p);
	assert_int_equal(p.n_files, 1);
	assert_int_equal(p.strip, 1);
	assert_true(bpo_str_has_suffix(p.header, "This line --- is not a diff.\n"));
	assert_true(bpo_str_has_prefix(p.header, "Description: fix the frobnicator\n"));
	assert_string_equal(p.files[0].old_path, "pkg-1.0.orig/src/x.c");
	assert_string_equal(p.files[0].new_path, "pkg-1.0/src/x.c");
	assert_int_equal(p.files[0].n_hunks, 1);
	{
		const struct bpo_patch_hunk *h = &p.files[0].hunks[0];
		assert_int_equal(h->n_lines, 3);
		assert_int_equal(h->lines[0].len, 6); /* "keep\r\n" */
		assert_memory_equal(h->lines[0].text, "keep\r\n", 6);
		assert_int_equal(h->lines[1].op, '-');
		assert_int_equal(h->lines[1].len, 3); /* "old", no newline */
		assert_int_equal(h->lines[2].len, 3);
		assert_int_equal(h->line, 15);
	}
	bpo_patch_destroy(&p);
}

struct bad_case {
	const char *text, *want;
};

static void test_parse_errors(void **state)
{
	static const struct bad_case cases[] = {
		{"just text\n", "bad.patch: no diff found"},
		{"--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n", "bad.patch:6: truncated hunk"},
		{"--- a/x\n+++ b/x\n@@ -1 +1 @@ junk\n-a\n+b\n", NULL}, /* text after @@ is fine */
		{"--- a/x\n+++ b/x\n@@ -1,x +1 @@\n-a\n+b\n", "bad.patch:3: malformed hunk header"},
		{"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n*b\n", "bad.patch:5: hunk line starts with '*'"},
		{"diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n",
		 "symlink or submodule"},
		{"diff --git a/p.png b/p.png\nindex 1..2 100644\nGIT binary patch\nliteral 1\nHcmV\n",
		 "bad.patch:3: binary patch"},
		{"diff --git a/p b/p\nindex 1..2 100644\nBinary files a/p and b/p differ\n",
		 "binary patch"},
		{"--- a/x\n+++ b/x\n", "no hunks for b/x"},
		{"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\nBinary files a/p.png and b/p.png differ\n",
		 "bad.patch:6: binary"},
		{"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\nOnly in a: y\nBinary files a/p and b/p differ\n",
		 "bad.patch:7: binary files differ"},
		{"--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+a\n", "both file names are /dev/null"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_patch p;
		struct bpo_error err;
		int rc;
		bpo_error_init(&err);
		rc = bpo_patch_parse(cases[i].text, strlen(cases[i].text), "bad.patch", &p, &err);
		if (cases[i].want == NULL) {
			assert_int_equal(rc, 0);
		} else {
			if (rc != -1 || !strstr(err.msg, cases[i].want))
				fail_msg("case %zu: rc %d, message '%s', wanted '%s'", i, rc, err.msg,
					 cases[i].want);
			assert_int_equal(err.kind, BPO_E_SYNTAX);
		}
		bpo_patch_destroy(&p);
	}
}

static void test_parse_cap(void **state)
{
	struct bpo_patch p;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_patch_parse("", (size_t)BPO_MAX_PATCH + 1, "big.patch", &p, &err), -1);
	assert_non_null(strstr(err.msg, "larger than the limit"));
	bpo_patch_destroy(&p);
}

/* --- applying ------------------------------------------------------------ */

static void test_all_or_nothing_series(void **state)
{
	char *t = tmptree(), *a = lines(20, NULL), *b = lines(20, NULL);
	char *a2 = lines(20, "3=three", NULL), *b2 = lines(20, "12=twelve", NULL);
	char *c2 = lines(20, "5=five", NULL);
	struct bpo_patch p1, p2;
	struct bpo_patch *pp[2] = {&p1, &p2};
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = 2, .strip = -1};
	struct bpo_error err;
	struct bpo_buf two;
	(void)state;

	put(t, "a.c", a);
	put(t, "b.c", b);
	put(t, "c.c", "something else\n");
	/* patch 1 changes a.c (fine); patch 2 changes b.c (fine) and c.c (fails) */
	make_patch("01-a.diff", NULL, "a.c", a, a2, &p1);
	bpo_buf_init(&two, 1 << 20);
	assert_int_equal(bpo_patch_diff("b.c", b, strlen(b), b2, strlen(b2), &two, NULL), 0);
	assert_int_equal(bpo_patch_diff("c.c", b, strlen(b), c2, strlen(c2), &two, NULL), 0);
	parse_ok(two.data, "02-bc.diff", &p2);
	bpo_buf_destroy(&two);

	bpo_error_init(&err);
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 2, &o, &rep, &err), -1);
	assert_int_equal(err.kind, BPO_E_FAIL);
	assert_string_equal(err.msg, "patch 02-bc.diff: c.c: hunk 1 of 1 fails at line 2");
	assert_true(rep.failed);
	assert_int_equal(rep.n, 2);
	assert_false(rep.patches[0].failed);
	assert_true(rep.patches[1].failed);
	assert_int_equal(rep.patches[1].files[0].hunks[0].status, BPO_HUNK_CLEAN);
	assert_int_equal(rep.patches[1].files[1].hunks[0].status, BPO_HUNK_FAILED);
	bpo_patch_report_destroy(&rep);
	/* nothing was written: not a.c (patch 1), not b.c (patch 2's first file) */
	assert_file(t, "a.c", a);
	assert_file(t, "b.c", b);
	assert_file(t, "c.c", "something else\n");

	/* without the failing file, both apply */
	put(t, "c.c", b);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 2, &o, NULL, &err), 0);
	assert_file(t, "a.c", a2);
	assert_file(t, "b.c", b2);
	assert_file(t, "c.c", c2);

	bpo_patch_destroy(&p1);
	bpo_patch_destroy(&p2);
	free(a); free(b); free(a2); free(b2); free(c2);
	cleanup(t);
}

static void test_offset_fuzz_already(void **state)
{
	char *t = tmptree();
	char *base = lines(40, NULL), *want = lines(40, "20=twenty", NULL);
	/* the tree: 5 more lines at the top, and line 17 (outer context) edited */
	char *tree_in = lines(45, "22=line 17 edited", "1=x1", "2=x2", "3=x3", "4=x4", "5=x5", NULL);
	struct bpo_patch p;
	struct bpo_patch *pp[1] = {&p};
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = 0, .strip = -1};
	struct bpo_error err;
	char *expect;
	(void)state;

	/* lines() numbers lines from 1: rebuild the shifted tree explicitly */
	free(tree_in);
	{
		struct bpo_buf b;
		bpo_buf_init(&b, 1 << 20);
		bpo_buf_puts(&b, "x1\nx2\nx3\nx4\nx5\n", NULL);
		for (unsigned i = 1; i <= 40; i++)
			bpo_buf_printf(&b, NULL, i == 17 ? "line 17 edited\n" : "line %u\n", i);
		tree_in = bpo_buf_steal(&b, NULL);
	}
	put(t, "f.c", tree_in);
	make_patch("fix.diff", "Description: x\n", "f.c", base, want, &p);

	bpo_error_init(&err);
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, &rep, &err), -1);
	assert_string_equal(err.msg, "patch fix.diff: f.c: hunk 1 of 1 fails at line 17");
	bpo_patch_report_destroy(&rep);

	o.fuzz = 1;
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, &rep, &err), 0);
	assert_int_equal(rep.patches[0].files[0].hunks[0].status, BPO_HUNK_FUZZ);
	assert_int_equal(rep.patches[0].files[0].hunks[0].fuzz, 1);
	assert_int_equal(rep.patches[0].files[0].hunks[0].offset, 5);
	assert_true(rep.patches[0].inexact);
	bpo_patch_report_destroy(&rep);
	{
		struct bpo_buf b;
		bpo_buf_init(&b, 1 << 20);
		bpo_buf_puts(&b, "x1\nx2\nx3\nx4\nx5\n", NULL);
		for (unsigned i = 1; i <= 40; i++)
			bpo_buf_printf(&b, NULL, i == 17 ? "line 17 edited\n" : i == 20 ? "twenty\n"
					: "line %u\n", i);
		expect = bpo_buf_steal(&b, NULL);
	}
	assert_file(t, "f.c", expect);

	/* again: already applied, nothing changes */
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, &rep, &err), 0);
	assert_true(rep.patches[0].already);
	assert_int_equal(rep.patches[0].files[0].hunks[0].status, BPO_HUNK_ALREADY);
	bpo_patch_report_destroy(&rep);
	assert_file(t, "f.c", expect);

	bpo_patch_destroy(&p);
	free(base); free(want); free(tree_in); free(expect);
	cleanup(t);
}

static void test_refit(void **state)
{
	char *t = tmptree();
	char *base = lines(40, NULL), *want = lines(40, "20=twenty", NULL);
	char *shifted, *texts[1];
	struct bpo_patch p, q;
	struct bpo_patch *pp[1] = {&p}, *qq[1] = {&q};
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = 0, .strip = -1, .dry_run = true};
	struct bpo_error err;
	static const char hdr[] = "Description: keep me\nForwarded: no\n---\n";
	(void)state;

	{
		struct bpo_buf b;
		bpo_buf_init(&b, 1 << 20);
		bpo_buf_puts(&b, "new 1\nnew 2\nnew 3\n", NULL);
		for (unsigned i = 1; i <= 40; i++)
			bpo_buf_printf(&b, NULL, i == 18 ? "line 18 local\n" : "line %u\n", i);
		shifted = bpo_buf_steal(&b, NULL);
	}
	put(t, "src/f.c", shifted);
	make_patch("f.diff", hdr, "src/f.c", base, want, &p);
	bpo_error_init(&err);
	assert_int_equal(bpo_patch_refit(t, pp, NULL, 1, 2, texts, NULL, &err), 0);
	assert_non_null(texts[0]);
	assert_true(bpo_str_has_prefix(texts[0], hdr));
	assert_non_null(strstr(texts[0], "--- a/src/f.c\n+++ b/src/f.c\n@@ -20,7 +20,7 @@\n"));
	/* the refit patch applies cleanly: no offset, no fuzz */
	parse_ok(texts[0], "f.diff", &q);
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, qq, NULL, 1, &o, &rep, &err), 0);
	assert_int_equal(rep.patches[0].files[0].hunks[0].status, BPO_HUNK_CLEAN);
	assert_false(rep.patches[0].inexact);
	bpo_patch_report_destroy(&rep);
	assert_file(t, "src/f.c", shifted); /* refit writes nothing */
	bpo_patch_destroy(&p);
	bpo_patch_destroy(&q);
	free(texts[0]);
	free(base); free(want); free(shifted);
	cleanup(t);
}

static void test_hostile_paths(void **state)
{
	static const char *const bad[] = {
		"--- /dev/null\n+++ /tmp/x\n@@ -0,0 +1 @@\n+a\n",
		"--- a/../x\n+++ b/../x\n@@ -0,0 +1 @@\n+a\n",
		"--- a/ok/../../x\n+++ b/ok/../../x\n@@ -0,0 +1 @@\n+a\n",
		"--- /dev/null\n+++ b/link/x\n@@ -0,0 +1 @@\n+a\n",
		"--- a/flink\n+++ b/flink\n@@ -1 +1 @@\n-a\n+b\n",
		"--- a/dlink/f\n+++ b/dlink/f\n@@ -1 +1 @@\n-a\n+b\n",
		/* absolute once -p1 has stripped "a/" */
		"--- a//etc/passwd\n+++ b//etc/passwd\n@@ -0,0 +1 @@\n+a\n",
		"--- /dev/null\n+++ b///tmp/x\n@@ -0,0 +1 @@\n+a\n",
	};
	char *t = tmptree(), *out = tmptree();
	char *lk = bpo_path_join(t, "link"), *flink = bpo_path_join(t, "flink");
	char *dlink = bpo_path_join(t, "dlink"), *target = bpo_path_join(out, "f");
	(void)state;

	put(out, "f", "a\n");
	assert_int_equal(symlink(out, lk), 0);
	assert_int_equal(symlink(target, flink), 0);
	assert_int_equal(symlink(out, dlink), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bpo_patch p;
		struct bpo_patch *pp[1] = {&p};
		struct bpo_patch_opts o = {.fuzz = 0, .strip = -1};
		struct bpo_error err;
		bpo_error_init(&err);
		parse_ok(bad[i], "evil.diff", &p);
		assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, NULL, &err), -1);
		if (err.kind != BPO_E_SYNTAX || !strstr(err.msg, "refused"))
			fail_msg("case %zu: %s", i, err.msg);
		bpo_patch_destroy(&p);
	}
	assert_file(out, "f", "a\n");
	assert_file(out, "x", NULL);
	free(lk); free(flink); free(dlink); free(target);
	cleanup(t);
	cleanup(out);
}

static void test_partial_rejects(void **state)
{
	char *t = tmptree(), *base = lines(60, NULL);
	char *want = lines(60, "10=ten", "50=fifty", NULL);
	char *tree_in = lines(60, "50=local fifty", NULL);
	char *rej;
	struct bpo_patch p;
	struct bpo_patch *pp[1] = {&p};
	struct bpo_patch_report rep;
	struct bpo_patch_opts o = {.fuzz = 0, .strip = -1, .partial_rejects = true};
	struct bpo_error err;
	(void)state;

	put(t, "f.c", tree_in);
	make_patch("two.diff", NULL, "f.c", base, want, &p);
	bpo_error_init(&err);
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, &rep, &err), 0);
	assert_true(rep.failed);
	bpo_patch_report_destroy(&rep);
	free(want);
	want = lines(60, "10=ten", "50=local fifty", NULL);
	assert_file(t, "f.c", want);
	rej = get(t, "f.c.rej");
	assert_non_null(rej);
	assert_true(bpo_str_has_prefix(rej, "--- a/f.c\n+++ b/f.c\n@@ -47,7 +47,7 @@\n"));
	assert_non_null(strstr(rej, "-line 50\n+fifty\n"));
	free(rej);
	bpo_patch_destroy(&p);
	free(base); free(want); free(tree_in);
	cleanup(t);
}

/* --- diff ---------------------------------------------------------------- */

struct diff_case {
	const char *old, *new_;
};

static void test_diff_roundtrip(void **state)
{
	static const struct diff_case cases[] = {
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"a\nb\nc", "a\nb\nc\n"},
		{"a\nb\nc\n", "a\nb\nc"},
		{"", "new\nfile\n"},
		{"one\r\ntwo\r\n", "one\r\n2\r\ntwo\r\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n",
		 "0\n1\n2\n3\nfour\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n18\n19\n20\n21\n"},
		{"x\ny\nz\n", ""},
		{"same\n", "same\n"},
		{"a\na\na\nb\na\na\n", "a\nb\na\nb\na\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = tmptree();
		struct bpo_buf b;
		struct bpo_patch p;
		struct bpo_patch *pp[1] = {&p};
		struct bpo_patch_opts o = {.fuzz = 0, .strip = -1};
		struct bpo_error err;
		bpo_error_init(&err);
		put(t, "f", cases[i].old);
		bpo_buf_init(&b, 1 << 20);
		assert_int_equal(bpo_patch_diff("f", cases[i].old, strlen(cases[i].old), cases[i].new_,
						strlen(cases[i].new_), &b, &err), 0);
		if (strcmp(cases[i].old, cases[i].new_) == 0) {
			assert_int_equal(b.len, 0);
		} else {
			parse_ok(b.data, "rt.diff", &p);
			if (bpo_patch_apply_series(t, pp, NULL, 1, &o, NULL, &err) != 0)
				fail_msg("case %zu: %s\n%s", i, err.msg, b.data);
			/* a file emptied by a plain diff is removed, as dpkg-source's patch -E does */
			assert_file(t, "f", cases[i].new_[0] ? cases[i].new_ : NULL);
			bpo_patch_destroy(&p);
		}
		bpo_buf_destroy(&b);
		cleanup(t);
	}
}

static void test_diff_large(void **state)
{
	/* beyond the edit cap the diff is a whole replacement, still correct */
	struct bpo_buf a, b, d;
	char *t = tmptree();
	struct bpo_patch p;
	struct bpo_patch *pp[1] = {&p};
	struct bpo_patch_opts o = {.fuzz = 0, .strip = -1};
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	bpo_buf_init(&a, 1 << 24);
	bpo_buf_init(&b, 1 << 24);
	bpo_buf_init(&d, 1 << 26);
	for (unsigned i = 0; i < 5000; i++) {
		bpo_buf_printf(&a, NULL, "a %u\n", i);
		bpo_buf_printf(&b, NULL, i % 2 ? "a %u\n" : "b %u\n", i);
	}
	put(t, "f", a.data);
	assert_int_equal(bpo_patch_diff("f", a.data, a.len, b.data, b.len, &d, &err), 0);
	parse_ok(d.data, "big.diff", &p);
	assert_int_equal(bpo_patch_apply_series(t, pp, NULL, 1, &o, NULL, &err), 0);
	assert_file(t, "f", b.data);
	bpo_patch_destroy(&p);
	bpo_buf_destroy(&a);
	bpo_buf_destroy(&b);
	bpo_buf_destroy(&d);
	cleanup(t);
}

/* --- series and quilt ---------------------------------------------------- */

static void test_series_parse(void **state)
{
	static const char text[] = "# comment\n01-a.patch\n\n  02-b.patch -p0 # why\r\n"
				   "sub/03#c.patch\n";
	struct bpo_patch_series s;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_patch_series_parse(text, strlen(text), "series", &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].name, "01-a.patch");
	assert_int_equal(s.v[0].strip, 1);
	assert_string_equal(s.v[1].name, "02-b.patch");
	assert_int_equal(s.v[1].strip, 0);
	assert_int_equal(s.v[1].line, 4);
	assert_string_equal(s.v[2].name, "sub/03#c.patch");
	bpo_patch_series_destroy(&s);
	assert_int_equal(bpo_patch_series_parse("x.patch -R\n", 11, "series", &s, &err), -1);
	assert_string_equal(err.msg, "series:1: unsupported option '-R' for x.patch (only -pN)");
	bpo_patch_series_destroy(&s);
	assert_int_equal(bpo_patch_series_parse("../x.patch\n", 11, "series", &s, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	bpo_patch_series_destroy(&s);
}

static void test_apply_quilt(void **state)
{
	char *t = tmptree(), *a = lines(10, NULL), *a2 = lines(10, "2=two", NULL);
	struct bpo_buf d;
	struct bpo_patch_report rep;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	/* no series: nothing to do */
	assert_int_equal(bpo_patch_apply_quilt(t, 0, NULL, &err), 0);
	put(t, "a.c", a);
	bpo_buf_init(&d, 1 << 20);
	bpo_buf_puts(&d, "Description: two\n", NULL);
	assert_int_equal(bpo_patch_diff("a.c", a, strlen(a), a2, strlen(a2), &d, NULL), 0);
	put(t, "debian/patches/two.patch", d.data);
	put(t, "debian/patches/series", "two.patch\n");
	bpo_patch_report_init(&rep);
	assert_int_equal(bpo_patch_check_quilt(t, 0, &rep, &err), 0);
	assert_int_equal(rep.n, 1);
	bpo_patch_report_destroy(&rep);
	assert_file(t, "a.c", a);
	assert_int_equal(bpo_patch_apply_quilt(t, 0, NULL, &err), 0);
	assert_file(t, "a.c", a2);
	/* a missing patch is named */
	put(t, "debian/patches/series", "two.patch\nmissing.patch\n");
	assert_int_equal(bpo_patch_apply_quilt(t, 0, NULL, &err), -1);
	assert_string_equal(err.msg,
			    "debian/patches/series:2: debian/patches/missing.patch does not exist");
	bpo_buf_destroy(&d);
	free(a); free(a2);
	cleanup(t);
}

static void test_report_json(void **state)
{
	struct bpo_patch_report rep;
	struct bpo_patch_hunk_result h = {BPO_HUNK_FUZZ, 3, 1, 42};
	struct bpo_patch_file_result f = {.path = (char *)"a\"b.c", .op = BPO_PATCH_MODIFY,
					  .hunks = &h, .n_hunks = 1};
	struct bpo_patch_result pr = {.name = (char *)"x.patch", .files = &f, .n_files = 1,
				      .inexact = true};
	struct bpo_buf b;
	(void)state;
	rep.patches = &pr;
	rep.n = 1;
	rep.failed = false;
	bpo_buf_init(&b, 1 << 16);
	assert_int_equal(bpo_patch_report_json(&rep, &b, NULL), 0);
	assert_string_equal(b.data,
			    "{\"schema_version\":1,\"failed\":false,\"patches\":[{\"name\":\"x.patch\",\"status\":\"inexact\","
			    "\"files\":[{\"path\":\"a\\\"b.c\",\"op\":\"modify\",\"hunks\":[{\"status\":"
			    "\"fuzz\",\"line\":42,\"offset\":3,\"fuzz\":1}]}]}]}\n");
	bpo_buf_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_git),
		cmocka_unit_test(test_parse_dep3_index_noeol),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_cap),
		cmocka_unit_test(test_all_or_nothing_series),
		cmocka_unit_test(test_offset_fuzz_already),
		cmocka_unit_test(test_refit),
		cmocka_unit_test(test_hostile_paths),
		cmocka_unit_test(test_partial_rejects),
		cmocka_unit_test(test_diff_roundtrip),
		cmocka_unit_test(test_diff_large),
		cmocka_unit_test(test_series_parse),
		cmocka_unit_test(test_apply_quilt),
		cmocka_unit_test(test_report_json),
	};
	return cmocka_run_group_tests_name("patch", tests, NULL, NULL);
}
