/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for debfile: a .deb's control file, good and hostile packages. */
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
#include "debfile.h"
#include "err.h"
#include "fsutil.h"
#include "xmem.h"

static char *fixture(const char *name)
{
	const char *src = getenv("BPO_SRCDIR");
	return bpo_xasprintf("%s/tests/data/repo/%s", src ? src : ".", name);
}

static void test_good(void **state)
{
	static const char *const names[] = {"tiny-gzip.deb", "tiny-xz.deb", "tiny-zstd.deb",
					    "tiny-none.deb"};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = fixture(names[i]);
		struct bpo_buf b;
		struct bpo_error err;
		bpo_error_init(&err);
		bpo_buf_init(&b, BPO_MAX_CONTROL);
		if (bpo_debfile_read_control(p, &b, &err) != 0)
			fail_msg("%s: %s", names[i], err.msg);
		assert_true(strncmp(b.data, "Package: tiny\nVersion: 1.0-1\n", 29) == 0);
		assert_non_null(strstr(b.data, "\nDescription: a tiny test package\n Used by"));
		assert_int_equal(b.data[b.len - 1], '\n');
		bpo_buf_destroy(&b);
		free(p);
	}
}

static void test_bad(void **state)
{
	static const struct {
		const char *file;
		enum bpo_errkind kind;
		const char *msg; /* a part of the message */
	} cases[] = {
		{"not-ar.deb", BPO_E_SYNTAX, "not a Debian binary package"},
		{"wrong-first.deb", BPO_E_SYNTAX, "expected 'debian-binary'"},
		{"bad-version.deb", BPO_E_SYNTAX, "expected format 2.x"},
		{"no-control.deb", BPO_E_SYNTAX, "unexpected member 'data.tar.gz'"},
		{"control-missing.deb", BPO_E_SYNTAX, "has no control file"},
		{"control-symlink.deb", BPO_E_SYNTAX, "control is not a regular file"},
		{"truncated.deb", BPO_E_SYNTAX, "truncated.deb"},
		{"does-not-exist.deb", BPO_E_NOTFOUND, "cannot open"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = fixture(cases[i].file);
		struct bpo_buf b;
		struct bpo_error err;
		bpo_error_init(&err);
		bpo_buf_init(&b, BPO_MAX_CONTROL);
		if (bpo_debfile_read_control(p, &b, &err) != -1)
			fail_msg("%s: accepted", cases[i].file);
		if (err.kind != cases[i].kind || !strstr(err.msg, cases[i].msg))
			fail_msg("%s: got kind %d '%s'", cases[i].file, (int)err.kind, err.msg);
		/* every message names the file */
		assert_non_null(strstr(err.msg, cases[i].file));
		bpo_buf_destroy(&b);
		free(p);
	}
}

static void test_directory_and_symlink(void **state)
{
	struct bpo_buf b;
	struct bpo_error err;
	char *dir = fixture("");
	char tmpl[] = "/tmp/bpo-debfile-XXXXXX";
	char *link;
	(void)state;
	bpo_error_init(&err);
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	assert_int_equal(bpo_debfile_read_control(dir, &b, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	/* a symlink as the package itself is not followed */
	assert_non_null(mkdtemp(tmpl));
	link = bpo_xasprintf("%s/l.deb", tmpl);
	{
		char *target = fixture("tiny-gzip.deb");
		assert_int_equal(symlink(target, link), 0);
		free(target);
	}
	assert_int_equal(bpo_debfile_read_control(link, &b, &err), -1);
	unlink(link);
	rmdir(tmpl);
	free(link);
	free(dir);
	bpo_buf_destroy(&b);
}

/* The data member's paths, for Contents: every compression, hostile layouts refused. */
static void test_list_data(void **state)
{
	static const char *const good[] = {"tiny-gzip.deb", "tiny-xz.deb", "tiny-zstd.deb",
					   "tiny-none.deb"};
	static const char *const bad[] = {"not-ar.deb", "wrong-first.deb", "bad-version.deb",
					  "truncated.deb", "control-missing.deb"};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *p = fixture(good[i]);
		struct bpo_strv v = {0};
		struct bpo_error err;
		bpo_error_init(&err);
		if (bpo_debfile_list_data(p, &v, &err) != 0)
			fail_msg("%s: %s", good[i], err.msg);
		/* directories are left out, "./" is stripped */
		assert_int_equal(v.n, 1);
		assert_string_equal(v.v[0], "usr/share/doc/tiny/README");
		bpo_strv_destroy(&v);
		free(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = fixture(bad[i]);
		struct bpo_strv v = {0};
		struct bpo_error err;
		bpo_error_init(&err);
		int rc = bpo_debfile_list_data(p, &v, &err);
		/* control-missing.deb has a data member: its list is fine */
		if (strcmp(bad[i], "control-missing.deb") == 0) {
			assert_int_equal(rc, 0);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", bad[i]);
			assert_int_equal(err.kind, BPO_E_SYNTAX);
			assert_non_null(strstr(err.msg, bad[i]));
		}
		bpo_strv_destroy(&v);
		free(p);
	}
}

static void test_memory(void **state)
{
	char *p = fixture("tiny-xz.deb");
	struct bpo_buf raw, b;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	bpo_buf_init(&raw, 1 << 20);
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	assert_int_equal(bpo_file_read(p, 1 << 20, &raw, &err), 0);
	assert_int_equal(bpo_debfile_read_control_mem(raw.data, raw.len, "m.deb", &b, &err), 0);
	assert_true(strncmp(b.data, "Package: tiny\n", 14) == 0);
	bpo_buf_reset(&b);
	assert_int_equal(bpo_debfile_read_control_mem(raw.data, raw.len / 2, "half.deb", &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "half.deb"));
	assert_int_equal(bpo_debfile_read_control_mem("", 0, "empty.deb", &b, &err), -1);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&b);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_directory_and_symlink),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_list_data),
	};
	return cmocka_run_group_tests_name("debfile", tests, NULL, NULL);
}
