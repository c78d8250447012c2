/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for fetch: URL helpers, and the verified cache through file://
 * URLs (no network): a verified file enters by-sha256/, a mismatch or an
 * oversized file never does, a cached file is not fetched again, a partial
 * .part file is resumed, a damaged cache entry is fetched again.
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
#include "fetch.h"
#include "fsutil.h"
#include "hash.h"
#include "xmem.h"

static void test_url_helpers(void **state)
{
	static const struct {
		const char *base, *rel, *joined;
	} joins[] = {
		{"http://h/debian", "dists/x/InRelease", "http://h/debian/dists/x/InRelease"},
		{"http://h/debian/", "/pool/a", "http://h/debian/pool/a"},
		{"file:///srv//", "a", "file:///srv/a"},
	};
	static const struct {
		const char *url, *dir, *base;
	} parts[] = {
		{"http://h/p/hello_1.0.dsc", "http://h/p/", "hello_1.0.dsc"},
		{"http://h/p/x.dsc?sig=1#f", "http://h/p/", "x.dsc"},
		{"http://h/p/", "http://h/p/", NULL},
		{"http://h/p/..", "http://h/p/", NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
		char *j = bpo_url_join(joins[i].base, joins[i].rel);
		assert_string_equal(j, joins[i].joined);
		free(j);
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *d = bpo_url_dirname(parts[i].url), *b = bpo_url_basename(parts[i].url);
		assert_string_equal(d, parts[i].dir);
		if (parts[i].base)
			assert_string_equal(b, parts[i].base);
		else
			assert_null(b);
		free(d);
		free(b);
	}
}

struct fx {
	char *dir, *cache, *file, *url;
	char sha[BPO_HASH_HEX_MAX];
	size_t size;
};

static int setup(void **state)
{
	struct fx *fx = bpo_xcalloc(1, sizeof(*fx));
	struct bpo_error err;
	char data[100000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 251);
	bpo_hash_global_init();
	fx->dir = bpo_mkdtemp(NULL, "bpo-fetchtest", &err);
	assert_non_null(fx->dir);
	fx->cache = bpo_path_join(fx->dir, "cache");
	fx->file = bpo_path_join(fx->dir, "blob.tar.gz");
	fx->url = bpo_xasprintf("file://%s", fx->file);
	fx->size = sizeof(data);
	assert_int_equal(bpo_file_write_atomic(fx->file, data, sizeof(data), 0644, &err), 0);
	bpo_sha256_hex_buf(data, sizeof(data), fx->sha);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct bpo_error err;
	bpo_rm_rf(fx->dir, &err);
	free(fx->dir);
	free(fx->cache);
	free(fx->file);
	free(fx->url);
	free(fx);
	return 0;
}

static void req_init(struct bpo_fetch_req *r, struct fx *fx)
{
	memset(r, 0, sizeof(*r));
	r->url = fx->url;
	r->name = "blob.tar.gz";
	r->size = fx->size;
	memcpy(r->sha256, fx->sha, 65);
}

static void test_cache_flow(void **state)
{
	struct fx *fx = *state;
	struct bpo_fetcher f;
	struct bpo_fetch_req r;
	struct bpo_error err;
	char *cached = NULL, *part = NULL;
	char hex[BPO_HASH_HEX_MAX];

	bpo_fetcher_init(&f, fx->cache);
	f.progress = false;
	req_init(&r, fx);
	/* First fetch: downloaded, verified, in the cache under its hash. */
	assert_int_equal(bpo_fetch_files(&f, &r, 1, &err), 0);
	assert_false(r.from_cache);
	cached = bpo_fetch_cache_path(&f, fx->sha);
	assert_string_equal(r.path, cached);
	assert_int_equal(bpo_hash_file(cached, BPO_HASH_SHA256, hex, NULL, &err), 0);
	assert_string_equal(hex, fx->sha);
	assert_int_equal(f.n_requests, 1);
	free(r.path);
	/* Second: from the cache, no transfer. */
	req_init(&r, fx);
	assert_int_equal(bpo_fetch_files(&f, &r, 1, &err), 0);
	assert_true(r.from_cache);
	assert_int_equal(f.n_requests, 1);
	free(r.path);
	/* A damaged cache entry is noticed and fetched again. */
	assert_int_equal(bpo_file_write_atomic(cached, "x", 1, 0644, &err), 0);
	assert_int_equal(truncate(cached, (off_t)fx->size), 0);
	req_init(&r, fx);
	assert_int_equal(bpo_fetch_files(&f, &r, 1, &err), 0);
	assert_false(r.from_cache);
	assert_int_equal(f.n_requests, 2);
	free(r.path);
	/* A partial file is resumed: the first 1000 bytes come from partial/. */
	assert_int_equal(unlink(cached), 0);
	part = bpo_xasprintf("%s/partial/blob.tar.gz.part", fx->cache);
	{
		struct bpo_buf b;
		bpo_buf_init(&b, fx->size);
		assert_int_equal(bpo_file_read(fx->file, fx->size, &b, &err), 0);
		assert_int_equal(bpo_file_write_atomic(part, b.data, 1000, 0644, &err), 0);
		bpo_buf_destroy(&b);
	}
	req_init(&r, fx);
	assert_int_equal(bpo_fetch_files(&f, &r, 1, &err), 0);
	assert_false(bpo_path_exists(part));
	assert_int_equal(bpo_hash_file(cached, BPO_HASH_SHA256, hex, NULL, &err), 0);
	assert_string_equal(hex, fx->sha);
	free(r.path);
	free(part);
	free(cached);
	bpo_fetcher_destroy(&f);
}

static void test_mismatches(void **state)
{
	struct fx *fx = *state;
	struct bpo_fetcher f;
	struct bpo_fetch_req r[3];
	struct bpo_error err;
	char *other = bpo_path_join(fx->dir, "other");

	bpo_fetcher_init(&f, other);
	f.progress = false;
	req_init(&r[0], fx);
	r[0].sha256[0] = r[0].sha256[0] == '0' ? '1' : '0';
	req_init(&r[1], fx);
	r[1].size = fx->size + 1;
	r[1].name = "short.tar.gz";
	req_init(&r[2], fx);
	r[2].size = fx->size - 1;
	r[2].name = "long.tar.gz";
	assert_int_equal(bpo_fetch_files(&f, r, 3, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_int_equal(r[0].err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(r[0].err.msg, "blob.tar.gz: SHA256 mismatch"));
	assert_non_null(strstr(r[1].err.msg, "short.tar.gz: size mismatch"));
	assert_non_null(strstr(r[2].err.msg, "long.tar.gz: larger than expected"));
	for (int i = 0; i < 3; i++)
		assert_null(r[i].path);
	{
		/* Nothing entered the cache, nothing is left in partial/. */
		char *c = bpo_path_join(other, "by-sha256"), *p = bpo_path_join(other, "partial");
		char *e1 = bpo_path_join(p, "blob.tar.gz.part"), *e2 = bpo_path_join(p, "long.tar.gz.part");
		char *e3 = bpo_fetch_cache_path(&f, fx->sha);
		assert_false(bpo_path_exists(e1));
		assert_false(bpo_path_exists(e2));
		assert_false(bpo_path_exists(e3));
		free(c);
		free(p);
		free(e1);
		free(e2);
		free(e3);
	}
	/* Missing file: NOTFOUND; a bad name or hash: refused before any transfer. */
	{
		struct bpo_fetch_req m;
		char *u = bpo_xasprintf("file://%s/nope", fx->dir);
		req_init(&m, fx);
		m.url = u;
		assert_int_equal(bpo_fetch_files(&f, &m, 1, &err), -1);
		assert_int_equal(err.kind, BPO_E_NOTFOUND);
		req_init(&m, fx);
		m.name = "../x";
		assert_int_equal(bpo_fetch_files(&f, &m, 1, &err), -1);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		free(u);
	}
	bpo_fetcher_destroy(&f);
	free(other);
}

static void test_fetch_buf(void **state)
{
	struct fx *fx = *state;
	struct bpo_fetcher f;
	struct bpo_buf b;
	struct bpo_error err;
	char *missing = bpo_xasprintf("file://%s/InRelease", fx->dir);

	bpo_fetcher_init(&f, fx->cache);
	f.progress = false;
	bpo_buf_init(&b, 1 << 20);
	assert_int_equal(bpo_fetch_buf(&f, fx->url, "blob", 1 << 20, false, &b, &err), 0);
	assert_int_equal(b.len, fx->size);
	bpo_buf_reset(&b);
	assert_int_equal(bpo_fetch_buf(&f, fx->url, "blob", 1000, false, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_VERIFY);
	assert_non_null(strstr(err.msg, "blob: larger than expected"));
	assert_int_equal(b.len, 0);
	assert_int_equal(bpo_fetch_buf(&f, missing, "InRelease", 1000, true, &b, &err), 1);
	assert_int_equal(bpo_fetch_buf(&f, missing, "InRelease", 1000, false, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_NOTFOUND);
	/* Only http, https and file. */
	assert_int_equal(bpo_fetch_buf(&f, "gopher://127.0.0.1/x", "g", 10, false, &b, &err), -1);
	bpo_buf_destroy(&b);
	bpo_fetcher_destroy(&f);
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_helpers),
		cmocka_unit_test(test_cache_flow),
		cmocka_unit_test(test_mismatches),
		cmocka_unit_test(test_fetch_buf),
	};
	return cmocka_run_group_tests_name("fetch", tests, setup, teardown);
}
