/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the core modules: err, xmem, buf, fsutil, proc, hash. */
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
#include "err.h"
#include "fsutil.h"
#include "hash.h"
#include "proc.h"
#include "xmem.h"

static void test_error_kinds(void **state)
{
	struct bpo_error e;
	(void)state;
	bpo_error_init(&e);
	assert_int_equal(bpo_error_exit_code(&e), 0);
	assert_int_equal(bpo_error_set(&e, BPO_E_SYNTAX, "%s:%u:%u: bad", "r.yaml", 3u, 7u), -1);
	assert_string_equal(e.msg, "r.yaml:3:7: bad");
	assert_int_equal(bpo_error_exit_code(&e), 2);
	bpo_error_prefix(&e, "recipe %s", "x");
	assert_string_equal(e.msg, "recipe x: r.yaml:3:7: bad");
	bpo_error_set(&e, BPO_E_VERIFY, "sig");
	assert_int_equal(bpo_error_exit_code(&e), 3);
	bpo_error_set(&e, BPO_E_FAIL, "x");
	assert_int_equal(bpo_error_exit_code(&e), 1);
	assert_int_equal(bpo_error_set(NULL, BPO_E_FAIL, "ignored"), -1);
}

static void test_buf_cap(void **state)
{
	struct bpo_buf b;
	struct bpo_error e;
	(void)state;
	bpo_buf_init(&b, 10);
	assert_int_equal(bpo_buf_puts(&b, "hello", &e), 0);
	assert_int_equal(bpo_buf_printf(&b, &e, "%d", 1234), 0);
	assert_string_equal(b.data, "hello1234");
	assert_int_equal(bpo_buf_puts(&b, "xx", &e), -1);
	assert_string_equal(b.data, "hello1234");
	size_t len;
	char *s = bpo_buf_steal(&b, &len);
	assert_int_equal(len, 9);
	free(s);
	assert_null(b.data);
	bpo_buf_destroy(&b);
}

static void test_paths(void **state)
{
	(void)state;
	char *p = bpo_path_join("/a/b/", "/c");
	assert_string_equal(p, "/a/b/c");
	free(p);
	p = bpo_path_join("/", "x");
	assert_string_equal(p, "/x");
	free(p);
	assert_true(bpo_path_relative_ok("a/b/c"));
	assert_true(bpo_path_relative_ok("a/..b/c"));
	assert_false(bpo_path_relative_ok("/etc/passwd"));
	assert_false(bpo_path_relative_ok("a/../../x"));
	assert_false(bpo_path_relative_ok(".."));
	assert_false(bpo_path_relative_ok(""));
	assert_true(bpo_path_component_ok("foo.dsc"));
	assert_false(bpo_path_component_ok("../foo"));
	assert_false(bpo_path_component_ok(".."));
}

static void test_atomic_write_and_read(void **state)
{
	struct bpo_error e;
	struct bpo_buf b;
	(void)state;
	char *dir = bpo_mkdtemp(NULL, "bpo-test", &e);
	assert_non_null(dir);
	char *sub = bpo_path_join(dir, "x/y/z");
	assert_int_equal(bpo_mkdir_p(sub, 0755, &e), 0);
	char *f = bpo_path_join(sub, "file");
	assert_int_equal(bpo_file_write_atomic(f, "abc\n", 4, 0644, &e), 0);
	bpo_buf_init(&b, 100);
	assert_int_equal(bpo_file_read(f, 100, &b, &e), 0);
	assert_string_equal(b.data, "abc\n");
	bpo_buf_reset(&b);
	assert_int_equal(bpo_file_read(f, 2, &b, &e), -1);
	assert_int_equal(e.kind, BPO_E_SYNTAX);
	bpo_buf_destroy(&b);
	assert_int_equal(bpo_rm_rf(dir, &e), 0);
	assert_false(bpo_path_exists(dir));
	free(f);
	free(sub);
	free(dir);
}

static void test_proc(void **state)
{
	struct bpo_error e;
	struct bpo_buf out;
	int status = -1;
	(void)state;
	bpo_buf_init(&out, 1 << 20);
	const char *argv[] = {"sh", "-c", "cat; echo \"$FOO\"; exit 3", NULL};
	const char *env[] = {"FOO=bar", NULL};
	struct bpo_proc_opts o = {.out = &out, .log_fd = -1, .setenv = env, .input = "in\n"};
	assert_int_equal(bpo_proc_run(argv, &o, &status, &e), 0);
	assert_int_equal(status, 3);
	assert_string_equal(out.data, "in\nbar\n");
	bpo_buf_destroy(&out);

	const char *sl[] = {"sleep", "30", NULL};
	struct bpo_proc_opts t = {.log_fd = -1, .timeout = 1};
	assert_int_equal(bpo_proc_run(sl, &t, &status, &e), -1);
	assert_non_null(strstr(e.msg, "timed out"));

	const char *missing[] = {"/nonexistent/prog", NULL};
	struct bpo_proc_opts q = {.log_fd = -1, .quiet_stderr = true};
	assert_int_equal(bpo_proc_run_ok(missing, &q, &e), -1);
}

static void test_sha256(void **state)
{
	char hex[BPO_HASH_HEX_MAX];
	(void)state;
	bpo_sha256_hex_buf("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(bpo_sha256_hex_valid(hex));
	assert_false(bpo_sha256_hex_valid("abc"));
	struct bpo_hash h;
	bpo_hash_init(&h, (1u << BPO_HASH_MD5) | (1u << BPO_HASH_SHA256));
	bpo_hash_update(&h, "a", 1);
	bpo_hash_update(&h, "bc", 2);
	bpo_hash_hex(&h, BPO_HASH_MD5, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	bpo_hash_hex(&h, BPO_HASH_SHA256, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(h.size, 3);
	bpo_hash_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_kinds),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_atomic_write_and_read),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
