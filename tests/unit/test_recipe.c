/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for recipe (and the yamldoc layer under it): the committed bad
 * recipes give their exact error lines, the good ones round-trip through the
 * normaliser, and table-driven cases pin defaults and edge cases. */
#include "config.h"

#include <dirent.h>
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
#include "recipe.h"
#include "xmem.h"
#include "yamldoc.h"

static char *data_dir(const char *sub)
{
	const char *src = getenv("BPO_SRCDIR");
	return bpo_xasprintf("%s/tests/data/recipes/%s", src ? src : ".", sub);
}

static char *read_text(const char *path)
{
	struct bpo_buf b;
	struct bpo_error err;
	bpo_buf_init(&b, 1u << 20);
	if (bpo_file_read(path, 1u << 20, &b, &err) < 0)
		fail_msg("cannot read %s: %s", path, err.msg);
	while (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return bpo_buf_steal(&b, NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml files of a directory, sorted. */
static void list_yaml(const char *dir, struct bpo_strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (bpo_str_has_suffix(de->d_name, ".yaml"))
			bpo_strv_push(out, de->d_name);
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
}

/* Each bad/NAME.yaml fails with exactly the line in bad/NAME.err (which
 * starts with the file name; the test prefixes the directory). */
static void test_bad_fixtures(void **state)
{
	char *dir = data_dir("bad");
	struct bpo_strv names = {0};
	(void)state;
	list_yaml(dir, &names);
	assert_true(names.n >= 20);
	for (size_t i = 0; i < names.n; i++) {
		char *path = bpo_xasprintf("%s/%s", dir, names.v[i]);
		char *errpath = bpo_xasprintf("%s/%.*s.err", dir, (int)(strlen(names.v[i]) - 5),
					      names.v[i]);
		char *want_tail = read_text(errpath);
		char *want = bpo_xasprintf("%s/%s", dir, want_tail);
		struct bpo_recipe r;
		struct bpo_error err;
		bpo_error_init(&err);
		if (bpo_recipe_load(&r, path, &err) == 0)
			fail_msg("%s: loaded, but should fail with: %s", names.v[i], want);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		assert_int_equal(bpo_error_exit_code(&err), 2);
		if (strcmp(err.msg, want) != 0)
			fail_msg("%s:\n got: %s\nwant: %s", names.v[i], err.msg, want);
		/* a failed load leaves nothing behind */
		assert_null(r.file);
		assert_null(r.patches);
		bpo_recipe_destroy(&r);
		free(path);
		free(errpath);
		free(want_tail);
		free(want);
	}
	bpo_strv_destroy(&names);
	free(dir);
}

static char *to_json(const struct bpo_recipe *r)
{
	struct bpo_buf b;
	struct bpo_error err;
	bpo_buf_init(&b, 16u << 20);
	assert_int_equal(bpo_recipe_write_json(r, &b, &err), 0);
	return bpo_buf_steal(&b, NULL);
}

static char *to_yaml(const struct bpo_recipe *r)
{
	struct bpo_buf b;
	struct bpo_error err;
	bpo_buf_init(&b, 16u << 20);
	assert_int_equal(bpo_recipe_write_yaml(r, &b, &err), 0);
	return bpo_buf_steal(&b, NULL);
}

static void assert_strv_equal(char **a, char **b)
{
	size_t i;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; a[i] && b[i]; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(a[i]);
	assert_null(b[i]);
}

static void assert_opt_equal(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Field by field: the struct others read. */
static void assert_recipe_equal(const struct bpo_recipe *a, const struct bpo_recipe *b)
{
	assert_int_equal(a->source.kind, b->source.kind);
	assert_opt_equal(a->source.package, b->source.package);
	assert_opt_equal(a->source.archive, b->source.archive);
	assert_opt_equal(a->source.suite, b->source.suite);
	assert_opt_equal(a->source.component, b->source.component);
	assert_opt_equal(a->source.keyring, b->source.keyring);
	assert_opt_equal(a->source.dsc, b->source.dsc);
	assert_opt_equal(a->source.version, b->source.version);
	assert_int_equal(a->source.allow_unsigned, b->source.allow_unsigned);
	assert_opt_equal(a->target.release, b->target.release);
	assert_int_equal(a->target.release_number, b->target.release_number);
	assert_int_equal(a->target.policy, b->target.policy);
	assert_opt_equal(a->target.local_suffix, b->target.local_suffix);
	assert_opt_equal(a->target.distribution, b->target.distribution);
	assert_opt_equal(a->changelog.text, b->changelog.text);
	assert_strv_equal(a->changelog.cves, b->changelog.cves);
	assert_opt_equal(a->changelog.maintainer, b->changelog.maintainer);
	assert_int_equal(a->n_patches, b->n_patches);
	for (size_t i = 0; i < a->n_patches; i++) {
		assert_opt_equal(a->patches[i].path, b->patches[i].path);
		assert_opt_equal(a->patches[i].url, b->patches[i].url);
		assert_opt_equal(a->patches[i].sha256, b->patches[i].sha256);
		assert_opt_equal(a->patches[i].name, b->patches[i].name);
	}
	assert_int_equal(a->fuzz, b->fuzz);
	assert_strv_equal(a->build.profiles, b->build.profiles);
	assert_strv_equal(a->build.extra_packages, b->build.extra_packages);
	assert_int_equal(a->build.timeout, b->build.timeout);
	assert_opt_equal(a->build.arch, b->build.arch);
	assert_int_equal(a->build.n_extra_sources, b->build.n_extra_sources);
	for (size_t i = 0; i < a->build.n_extra_sources; i++) {
		assert_opt_equal(a->build.extra_sources[i].uri, b->build.extra_sources[i].uri);
		assert_opt_equal(a->build.extra_sources[i].suite, b->build.extra_sources[i].suite);
		assert_strv_equal(a->build.extra_sources[i].components,
				  b->build.extra_sources[i].components);
		assert_opt_equal(a->build.extra_sources[i].keyring,
				 b->build.extra_sources[i].keyring);
	}
	assert_opt_equal(a->publish.repo, b->publish.repo);
	assert_opt_equal(a->publish.suite, b->publish.suite);
	assert_opt_equal(a->publish.component, b->publish.component);
	assert_opt_equal(a->publish.key, b->publish.key);
	assert_int_equal(a->build.n_relax, b->build.n_relax);
	for (size_t i = 0; i < a->build.n_relax; i++) {
		assert_opt_equal(a->build.relax[i].name, b->build.relax[i].name);
		assert_opt_equal(a->build.relax[i].op, b->build.relax[i].op);
		assert_opt_equal(a->build.relax[i].version, b->build.relax[i].version);
		assert_int_equal(a->build.relax[i].drop, b->build.relax[i].drop);
	}
	assert_opt_equal(a->newer.archive, b->newer.archive);
	assert_opt_equal(a->newer.suite, b->newer.suite);
	assert_opt_equal(a->newer.keyring, b->newer.keyring);
}

/* Good recipes load; their normalised YAML parses back to the same struct
 * and normalises to the same text (a fixed point). */
static void test_good_roundtrip(void **state)
{
	char *dir = data_dir("good");
	struct bpo_strv names = {0};
	(void)state;
	list_yaml(dir, &names);
	assert_true(names.n >= 5);
	for (size_t i = 0; i < names.n; i++) {
		char *path = bpo_xasprintf("%s/%s", dir, names.v[i]);
		struct bpo_recipe a, b;
		struct bpo_error err;
		char *y1, *y2, *j1, *j2;
		bpo_error_init(&err);
		if (bpo_recipe_load(&a, path, &err) < 0)
			fail_msg("%s: %s", names.v[i], err.msg);
		y1 = to_yaml(&a);
		if (bpo_recipe_parse(&b, y1, strlen(y1), path, &err) < 0)
			fail_msg("%s: normalised output does not parse: %s\n%s", names.v[i], err.msg,
				 y1);
		assert_recipe_equal(&a, &b);
		y2 = to_yaml(&b);
		assert_string_equal(y1, y2);
		j1 = to_json(&a);
		j2 = to_json(&b);
		assert_string_equal(j1, j2);
		free(y1);
		free(y2);
		free(j1);
		free(j2);
		bpo_recipe_destroy(&a);
		bpo_recipe_destroy(&b);
		free(path);
	}
	bpo_strv_destroy(&names);
	free(dir);
}

/* Defaults of a minimal recipe. */
static void test_minimal_defaults(void **state)
{
	char *path = data_dir("good/minimal.yaml");
	struct bpo_recipe r;
	struct bpo_error err;
	(void)state;
	assert_int_equal(bpo_recipe_load(&r, path, &err), 0);
	assert_string_equal(r.name, "minimal");
	assert_string_equal(r.file, path);
	assert_true(r.dir[0] == '/');
	assert_int_equal(r.source.kind, BPO_SOURCE_ARCHIVE);
	assert_string_equal(r.source.package, "hello");
	assert_string_equal(r.source.archive, "mirror");
	assert_string_equal(r.source.component, "main");
	assert_null(r.source.keyring);
	assert_null(r.source.version);
	assert_false(r.source.allow_unsigned);
	assert_string_equal(r.target.release, "bookworm");
	assert_int_equal(r.target.release_number, 12);
	assert_int_equal(r.target.policy, BPO_POLICY_BPO);
	assert_null(r.target.local_suffix);
	assert_string_equal(r.target.distribution, "bookworm-backports");
	assert_string_equal(r.changelog.text, "Rebuild for bookworm-backports.");
	assert_non_null(r.changelog.cves);
	assert_null(r.changelog.cves[0]);
	assert_null(r.changelog.maintainer);
	assert_int_equal(r.n_patches, 0);
	assert_int_equal(r.fuzz, 2);
	assert_non_null(r.build.profiles);
	assert_null(r.build.profiles[0]);
	assert_non_null(r.build.extra_packages);
	assert_null(r.build.extra_packages[0]);
	assert_int_equal(r.build.timeout, 0);
	assert_null(r.build.arch);
	assert_int_equal(r.build.n_extra_sources, 0);
	assert_null(r.publish.repo);
	assert_string_equal(r.publish.suite, "bookworm-backports");
	assert_string_equal(r.publish.component, "main");
	assert_null(r.publish.key);
	bpo_recipe_destroy(&r);
	bpo_recipe_destroy(&r); /* twice is harmless */
	free(path);
}

/* Every key of full.yaml lands in its field, normalised. */
static void test_full(void **state)
{
	char *path = data_dir("good/full.yaml");
	char *dir = data_dir("good");
	char *real = realpath(dir, NULL), *want;
	struct bpo_recipe r;
	struct bpo_error err;
	(void)state;
	assert_non_null(real);
	assert_int_equal(bpo_recipe_load(&r, path, &err), 0);
	assert_string_equal(r.dir, real);
	assert_string_equal(r.source.archive, "https://archive.example/debian");
	want = bpo_xasprintf("%s/keys/archive.gpg", real);
	assert_string_equal(r.source.keyring, want);
	free(want);
	assert_string_equal(r.source.component, "contrib");
	assert_string_equal(r.source.version, "1:2.10-3");
	assert_int_equal(r.target.release_number, 11);
	assert_int_equal(r.target.policy, BPO_POLICY_LOCAL);
	assert_string_equal(r.target.local_suffix, "+acme1");
	assert_string_equal(r.target.distribution, "bullseye-acme");
	assert_string_equal(r.changelog.text,
			    "Rebuild for bullseye-acme.\nFix CVE-2024-0001: buffer overflow.");
	assert_string_equal(r.changelog.cves[0], "CVE-2024-0001");
	assert_string_equal(r.changelog.cves[1], "CVE-2023-123456");
	assert_null(r.changelog.cves[2]);
	assert_string_equal(r.changelog.maintainer, "Jane Doe <jane@example.org>");
	assert_int_equal(r.n_patches, 3);
	want = bpo_xasprintf("%s/patches/0001-fix-build.patch", real);
	assert_string_equal(r.patches[0].path, want);
	free(want);
	assert_string_equal(r.patches[0].name, "0001-fix-build.patch");
	assert_null(r.patches[0].sha256);
	assert_int_equal(r.patches[0].line, 21);
	assert_int_equal(r.patches[0].column, 5);
	assert_string_equal(r.patches[1].sha256,
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	assert_null(r.patches[2].path);
	assert_string_equal(r.patches[2].url,
			    "https://patches.example/fix/0003-from-url.patch?raw=1");
	assert_string_equal(r.patches[2].name, "0003-from-url.patch");
	assert_int_equal(r.fuzz, 0);
	assert_string_equal(r.build.profiles[1], "nodoc");
	assert_string_equal(r.build.extra_packages[0], "ccache");
	assert_int_equal(r.build.timeout, 1800);
	assert_string_equal(r.build.arch, "arm64");
	assert_int_equal(r.build.n_extra_sources, 2);
	assert_string_equal(r.build.extra_sources[0].components[1], "contrib");
	assert_string_equal(r.build.extra_sources[1].components[0], "main");
	assert_null(r.build.extra_sources[1].components[1]);
	assert_string_equal(r.build.extra_sources[1].keyring, "/usr/share/keyrings/other.gpg");
	assert_string_equal(r.publish.repo, "/srv/bpo");
	assert_string_equal(r.publish.component, "non-free");
	assert_string_equal(r.publish.key, "0123456789ABCDEF0123456789ABCDEF01234567");
	bpo_recipe_destroy(&r);
	free(real);
	free(dir);
	free(path);
}

/* Recipes in memory: one expected error (suffix after "t.yaml:") or NULL for success. */
static const struct {
	const char *yaml;
	const char *error;
} cases[] = {
	/* a mistake reached through an alias is reported at the alias (the
	   use), not at the anchor, where the value is right for its key */
	{"source: {package: hello, suite: &s trixie}\ntarget: {release: bookworm}\n"
	 "build: {arch: *s, timeout: *s}\n",
	 "3:28: build.timeout: expected seconds or a duration like 90s, 30m, 2h, 1d (at most "
	 "604800 seconds), found 'trixie'"},
	/* an alias inside its own anchor */
	{"source: &a {package: hello, suite: trixie, x: *a}\ntarget: {release: bookworm}\n",
	 "1:47: the alias is part of its own anchor, or nests deeper than 32 levels"},
	/* several mistakes in one section, each its own line, in the file's order */
	{"source: {package: Hello_World, suite: 'a b', component: 'c d', zzz: 1}\n"
	 "target: {release: bookworm, policy: nonsense, distribution: 'x y'}\n"
	 "limits: {ratio: 10x, unpacked-size: lots, members: 0}\n",
	 "1:19: source.package: expected a Debian source package name (a-z, 0-9, '+', '-', '.'), "
	 "found 'Hello_World'\n"
	 "t.yaml:1:39: source.suite: expected a suite name like trixie, found 'a b'\n"
	 "t.yaml:1:57: source.component: expected a component name like main, found 'c d'\n"
	 "t.yaml:1:64: unknown key 'zzz' in source; allowed: package, archive, suite, component, "
	 "keyring, version, dsc, allow-unsigned, check-valid-until, max-valid-time\n"
	 "t.yaml:2:37: target.policy: expected bpo or local, found 'nonsense'\n"
	 "t.yaml:2:61: target.distribution: expected a distribution name like bookworm-backports, "
	 "found 'x y'\n"
	 "t.yaml:3:17: limits.ratio: expected a whole number above 0, found '10x'\n"
	 "t.yaml:3:37: limits.unpacked-size: expected a size in bytes like 68719476736 or 64G, "
	 "found 'lots'\n"
	 "t.yaml:3:52: limits.members: expected a whole number above 0, found '0'"},
	{"source: {package: hello, suite: trixie}\ntarget: {release: bookworm}\n"
	 "limits: {unpacked-size: 64G, members: 10, ratio: 500, download-size: 2GiB}\n",
	 NULL},
	/* aliases are fine as long as the schema holds */
	{"source: &s {package: hello, suite: trixie}\ntarget: {release: trixie}\n"
	 "build: {profiles: &p [nocheck], extra-packages: *p}\n",
	 NULL},
	{"source: {package: hello, suite: trixie}\ntarget: {release: trixie}\n"
	 "changelog: {text: \"a\\0b\"}\n",
	 "3:19: changelog.text: the string contains a NUL byte"},
	{"source: {package: hello, suite: trixie, allow-unsigned: true}\n"
	 "target: {release: trixie}\n",
	 "1:57: source.allow-unsigned: only for 'dsc' sources; an archive is always verified"},
	{"source: {dsc: x.dsc, keyring: k.gpg, allow-unsigned: true}\ntarget: {release: trixie}\n",
	 "1:54: source: 'keyring' and 'allow-unsigned: true' contradict each other; give one"},
	{"source: {dsc: x.dsc, suite: sid, allow-unsigned: yes}\ntarget: {release: trixie}\n",
	 "1:29: source.suite: only for archive sources ('package'), not with 'dsc'"},
	{"source: {dsc: x.tar.gz, allow-unsigned: yes}\ntarget: {release: trixie}\n",
	 "1:15: source.dsc: expected a URL or file name ending in .dsc"},
	{"source: {dsc: ftp://h/x.dsc, allow-unsigned: yes}\ntarget: {release: trixie}\n",
	 "1:15: source.dsc: expected an http:// or https:// URL or a file path"},
	{"source: {package: hello, suite: sid, archive: http://a.example/d}\n"
	 "target: {release: trixie}\n",
	 "1:9: source: missing required key 'keyring' (an archive other than the mirror needs "
	 "its keyring)"},
	{"source: {package: hello, suite: sid, archive: file:///srv}\ntarget: {release: trixie}\n",
	 "1:47: source.archive: expected \"mirror\" or an http:// or https:// URL"},
	{"source: {package: Hello, suite: sid}\ntarget: {release: trixie}\n",
	 "1:19: source.package: expected a Debian source package name (a-z, 0-9, '+', '-', '.'), "
	 "found 'Hello'"},
	{"source: {package: hello, suite: sid, version: 'a1.0'}\ntarget: {release: trixie}\n",
	 "1:47: source.version: invalid version 'a1.0': version number does not start with digit"},
	{"source: {package: hello, suite: sid, version: '1.0-'}\ntarget: {release: trixie}\n",
	 "1:47: source.version: invalid version '1.0-': revision number is empty"},
	{"source: {package: hello, suite: sid, version: '+1:1.0'}\ntarget: {release: trixie}\n",
	 "1:47: source.version: expected a Debian version like 2.10-3 or 1:2.0-1, found '+1:1.0'"},
	{"source: {package: hello}\ntarget: {release: trixie}\n",
	 "1:9: source: missing required key 'suite'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie, local-suffix: +x1}\n",
	 "2:41: target.local-suffix: only with 'policy: local'"},
	{"source: {package: hello, suite: sid}\n"
	 "target: {release: trixie, policy: local, local-suffix: +deb13u1}\n",
	 "2:56: target.local-suffix: '+deb13u1' collides with Debian's stable-update versions "
	 "(+debNNuM, as in 2.10-3+deb12u1): a stable update of the release would sort with it; "
	 "choose your own, like +acme1"},
	{"source: {package: hello, suite: sid}\n"
	 "target: {release: trixie, policy: local, local-suffix: ~x1}\n",
	 "2:56: target.local-suffix: expected '+' and letters, digits, '.', '+' or '~' (like "
	 "+acme1), found '~x1'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "changelog: {maintainer: jane@example.org}\n",
	 "3:25: changelog.maintainer: expected \"Full Name <user@example.org>\", found "
	 "'jane@example.org'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "patches: [{url: 'https://h.example/', sha256: "
	 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}]\n",
	 "3:11: patches: 'https://h.example/' does not give a usable patch file name"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "patches: [{path: a.patch, url: 'https://h.example/a.patch'}]\n",
	 "3:11: a patch: give either 'path' or 'url', not both"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\npatches: [[a]]\n",
	 "3:11: patches: expected a file path or a mapping with path/url, found a list"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\npatches: {a: b}\n",
	 "3:10: patches: expected a list, found a mapping"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\nfuzz: 4\n",
	 "3:7: fuzz: expected a number from 0 to 3, found '4'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "build: {timeout: 8d}\n",
	 "3:18: build.timeout: expected seconds or a duration like 90s, 30m, 2h, 1d (at most "
	 "604800 seconds), found '8d'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "build: {extra-sources: [{uri: 'http://127.0.0.1/r', suite: sid}]}\n",
	 "3:25: an extra source: missing required key 'keyring'"},
	/* the configured mirror as an extra source: bpo.conf's keyring by default */
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {extra-sources: [{uri: mirror, suite: bookworm-backports}]}\n",
	 NULL},
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {extra-sources: [{uri: mirrors, suite: bookworm-backports}]}\n",
	 "3:31: build.extra-sources.uri: expected \"mirror\" or an http:// or https:// URL, "
	 "found 'mirrors'"},
	/* build.relax */
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {relax: [debhelper, 'debhelper-compat (= 12)', {drop: dh-sequence-x}]}\n",
	 NULL},
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {relax: ['debhelper (~ 12)']}\n",
	 "3:17: build.relax: expected \"NAME\", \"NAME (OP VERSION)\" (OP one of << <= = >= >>) "
	 "or {drop: NAME}, found 'debhelper (~ 12)'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {relax: [{remove: x}]}\n",
	 "3:18: unknown key 'remove' in a build.relax rule; allowed: drop"},
	{"source: {package: hello, suite: sid}\ntarget: {release: bookworm}\n"
	 "build: {relax: debhelper}\n",
	 "3:16: build.relax: expected a list, found a string"},
	/* the newer release of the regression check */
	{"source: {dsc: x.dsc, allow-unsigned: yes}\ntarget: {release: bookworm}\n"
	 "qa: {newer-archive: mirror, newer-suite: trixie}\n",
	 NULL},
	{"source: {dsc: x.dsc, allow-unsigned: yes}\ntarget: {release: bookworm}\n"
	 "qa: {newer-archive: mirror}\n",
	 "3:5: qa with newer-archive: missing required key 'newer-suite'"},
	{"source: {dsc: x.dsc, allow-unsigned: yes}\ntarget: {release: bookworm}\n"
	 "qa: {newer-suite: trixie}\n",
	 "3:5: qa with newer-suite or newer-keyring: missing required key 'newer-archive'"},
	{"source: {dsc: x.dsc, allow-unsigned: yes}\ntarget: {release: bookworm}\n"
	 "qa: {newer-archive: 'http://127.0.0.1/d', newer-suite: trixie}\n",
	 "3:5: qa with a newer-archive URL: missing required key 'newer-keyring'"},
	{"source: {dsc: x.dsc, allow-unsigned: yes}\ntarget: {release: bookworm}\n"
	 "qa: {newer-archive: 'ftp://h/d', newer-suite: trixie, newer-keyring: k.gpg}\n",
	 "3:21: qa.newer-archive: expected \"mirror\" or an http:// or https:// URL, found "
	 "'ftp://h/d'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "build: {profiles: [nocheck, [x]]}\n",
	 "3:29: build.profiles: expected a string in the list, found a list"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "build: {profiles: [No Check]}\n",
	 "3:20: build.profiles: expected a build profile name like nocheck, found 'No Check'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n? [a]\n: b\n",
	 "3:3: the recipe: expected a string key, found a list"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\npublish: {key: null}\n",
	 NULL},
	/* null is the same as leaving a key out */
	{"source: {package: ~, dsc: x.dsc, suite: null, allow-unsigned: true}\n"
	 "target: {release: trixie}\n",
	 NULL},
	{"source: {package: ~, suite: sid}\ntarget: {release: trixie}\n",
	 "1:9: source: missing 'package' (an archive source) or 'dsc' (a .dsc URL or file); give "
	 "exactly one"},
	{"source: {package: hello, suite: sid}\ntarget: {release: }\n",
	 "2:19: target: missing required key 'release'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: ''}\n",
	 "2:19: target.release: expected a release codename, found ''"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "publish: {key: 'null'}\n",
	 "3:16: publish.key: expected a full OpenPGP fingerprint (40 or 64 hexadecimal digits, "
	 "no spaces), found 'null'"},
	{"source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
	 "changelog: {cves: *nope}\n",
	 "3:19: YAML syntax error: found undefined alias"},
	{"\t", "1:1: YAML syntax error: found character that cannot start any token (while "
	 "scanning for the next token at line 1 column 1)"},
};

static void test_cases(void **state)
{
	int failures = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_recipe r;
		struct bpo_error err;
		int rc;
		bpo_error_init(&err);
		rc = bpo_recipe_parse(&r, cases[i].yaml, strlen(cases[i].yaml), "t.yaml", &err);
		if (!cases[i].error) {
			if (rc < 0) {
				print_error("case %zu: %s\n", i, err.msg);
				failures++;
			}
		} else {
			char *want = bpo_xasprintf("t.yaml:%s", cases[i].error);
			if (rc == 0) {
				print_error("case %zu: parsed, want %s\n", i, want);
				failures++;
			} else if (strcmp(err.msg, want) != 0 || err.kind != BPO_E_SYNTAX) {
				print_error("case %zu:\n got: %s\nwant: %s\n", i, err.msg, want);
				failures++;
			}
			free(want);
		}
		bpo_recipe_destroy(&r);
	}
	assert_int_equal(failures, 0);
}

/* Two patches with one file name would collide in debian/patches. */
static void test_patch_names(void **state)
{
	char *dir = data_dir("good");
	char *name = bpo_xasprintf("%s/t.yaml", dir);
	const char *y = "source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
			"patches:\n  - patches/0001-fix-build.patch\n"
			"  - url: https://h.example/x/0001-fix-build.patch\n"
			"    sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n";
	const char *series = "source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
			     "patches:\n  - url: https://h.example/series\n"
			     "    sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n";
	struct bpo_recipe r;
	struct bpo_error err;
	char *want;
	(void)state;
	assert_int_equal(bpo_recipe_parse(&r, y, strlen(y), name, &err), -1);
	want = bpo_xasprintf("%s:5:5: patches: a second patch named '0001-fix-build.patch' "
			     "(first at 4:5)",
			     name);
	assert_string_equal(err.msg, want);
	free(want);
	assert_int_equal(bpo_recipe_parse(&r, series, strlen(series), name, &err), -1);
	want = bpo_xasprintf("%s:4:5: patches: 'https://h.example/series' does not give a usable "
			     "patch file name",
			     name);
	assert_string_equal(err.msg, want);
	free(want);
	free(name);
	free(dir);
}

/* Lists repeated through aliases stay bounded. */
static void test_caps(void **state)
{
	struct bpo_buf b;
	struct bpo_recipe r;
	struct bpo_error err;
	(void)state;
	bpo_buf_init(&b, 4u << 20);
	assert_int_equal(bpo_buf_puts(&b, "source: {package: hello, suite: sid}\n"
					  "target: {release: trixie}\nbuild:\n  profiles: [",
				      &err),
			 0);
	for (int i = 0; i < 65; i++)
		assert_int_equal(bpo_buf_printf(&b, &err, "%sp%d", i ? ", " : "", i), 0);
	assert_int_equal(bpo_buf_puts(&b, "]\n", &err), 0);
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "t.yaml", &err), -1);
	assert_string_equal(err.msg, "t.yaml:4:13: build.profiles: more than 64 items");
	bpo_buf_reset(&b);
	/* over BPO_MAX_RECIPE */
	while (b.len <= BPO_MAX_RECIPE)
		assert_int_equal(bpo_buf_puts(&b, "# padding padding padding padding\n", &err), 0);
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "big.yaml", &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "larger than the limit"));
	/* long strings */
	bpo_buf_reset(&b);
	assert_int_equal(bpo_buf_puts(&b, "source: {package: hello, suite: sid, archive: ", &err), 0);
	for (int i = 0; i < 4097; i++)
		assert_int_equal(bpo_buf_puts(&b, "x", &err), 0);
	assert_int_equal(bpo_buf_puts(&b, "}\ntarget: {release: trixie}\n", &err), 0);
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "t.yaml", &err), -1);
	assert_string_equal(err.msg, "t.yaml:1:47: source.archive: longer than 4096 bytes");
	/* deep nesting is refused before libyaml's scanner slows down on it */
	bpo_buf_reset(&b);
	for (int i = 0; i < 200000; i++)
		assert_int_equal(bpo_buf_puts(&b, "[", &err), 0);
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "deep.yaml", &err), -1);
	assert_string_equal(err.msg, "deep.yaml:1:33: nested deeper than 32 levels");
	/* and so are too many nodes */
	bpo_buf_reset(&b);
	assert_int_equal(bpo_buf_puts(&b, "source: [", &err), 0);
	for (int i = 0; i < 100001; i++)
		assert_int_equal(bpo_buf_puts(&b, "a,", &err), 0);
	assert_int_equal(bpo_buf_puts(&b, "]\n", &err), 0);
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "many.yaml", &err), -1);
	assert_string_equal(err.msg, "many.yaml:1:200004: more than 100000 YAML nodes");
	bpo_buf_destroy(&b);
}

static void test_missing_file(void **state)
{
	struct bpo_recipe r;
	struct bpo_error err;
	(void)state;
	assert_int_equal(bpo_recipe_load(&r, "/nonexistent/x.yaml", &err), -1);
	assert_int_equal(bpo_error_exit_code(&err), 2);
	assert_non_null(strstr(err.msg, "/nonexistent/x.yaml"));
}

static void test_release_numbers(void **state)
{
	(void)state;
	assert_int_equal(bpo_recipe_release_number("buster"), 10);
	assert_int_equal(bpo_recipe_release_number("bullseye"), 11);
	assert_int_equal(bpo_recipe_release_number("bookworm"), 12);
	assert_int_equal(bpo_recipe_release_number("trixie"), 13);
	assert_int_equal(bpo_recipe_release_number("forky"), 14);
	assert_int_equal(bpo_recipe_release_number("sid"), 0);
	assert_int_equal(bpo_recipe_release_number(""), 0);
}

static void test_durations(void **state)
{
	static const struct {
		const char *s;
		int rc;
		unsigned v;
	} t[] = {
		{"0", 0, 0},	     {"90", 0, 90},	{"90s", 0, 90},	   {"30m", 0, 1800},
		{"2h", 0, 7200},     {"1d", 0, 86400},	{"", -1, 0},	   {"h", -1, 0},
		{"2 h", -1, 0},	     {"-1", -1, 0},	{"1.5h", -1, 0},   {"8d", -1, 0},
		{"604800", 0, 604800}, {"604801", -1, 0}, {"99999999999999999999", -1, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned v = 12345;
		int rc = bpo_duration_parse(t[i].s, 7UL * 86400, &v);
		if (rc != t[i].rc)
			fail_msg("'%s': rc %d, want %d", t[i].s, rc, t[i].rc);
		if (rc == 0)
			assert_int_equal(v, t[i].v);
	}
}

/* JSON output escapes what it must; YAML output quotes what would read back differently. */
/* the hand-written lines of generated recipes: quotes and backslashes
 * escaped, read back by the recipe parser as they were */
static void test_yaml_quoted(void **state)
{
	(void)state;
	struct bpo_buf b;
	struct bpo_recipe r;
	struct bpo_error err;
	bpo_buf_init(&b, 4096);
	bpo_buf_puts(&b, "source:\n  package: hello\n  suite: ", NULL);
	bpo_yaml_quoted(&b, "we\"ird\\suite");
	bpo_buf_puts(&b, "\ntarget: {release: trixie}\n", NULL);
	assert_non_null(strstr(b.data, "suite: \"we\\\"ird\\\\suite\""));
	bpo_error_init(&err);
	/* a suite with a quote is not valid, but it must reach the validator intact */
	assert_int_equal(bpo_recipe_parse(&r, b.data, b.len, "q.yaml", &err), -1);
	assert_non_null(strstr(err.msg, "we\"ird\\suite"));
	bpo_buf_destroy(&b);
}

static void test_output_escaping(void **state)
{
	const char *y = "source: {package: hello, suite: sid}\ntarget: {release: trixie}\n"
			"changelog: {text: \"say \\\"hi\\\"\\\\ \\ttab\\nnext: yes\"}\n";
	struct bpo_recipe r, r2;
	struct bpo_error err;
	char *j, *out;
	(void)state;
	if (bpo_recipe_parse(&r, y, strlen(y), "t.yaml", &err) < 0)
		fail_msg("%s", err.msg);
	j = to_json(&r);
	assert_non_null(strstr(j, "\"text\":\"say \\\"hi\\\"\\\\ \\u0009tab\\u000anext: yes\""));
	assert_null(strchr(j, '\n') == j + strlen(j) - 1 ? NULL : "newline inside");
	out = to_yaml(&r);
	assert_int_equal(bpo_recipe_parse(&r2, out, strlen(out), "t.yaml", &err), 0);
	assert_string_equal(r2.changelog.text, "say \"hi\"\\ \ttab\nnext: yes");
	free(j);
	free(out);
	bpo_recipe_destroy(&r);
	bpo_recipe_destroy(&r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_fixtures),   cmocka_unit_test(test_good_roundtrip),
		cmocka_unit_test(test_minimal_defaults), cmocka_unit_test(test_full),
		cmocka_unit_test(test_cases),	       cmocka_unit_test(test_patch_names),
		cmocka_unit_test(test_caps),	       cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_release_numbers), cmocka_unit_test(test_durations),
		cmocka_unit_test(test_yaml_quoted),
		cmocka_unit_test(test_output_escaping),
	};
	return cmocka_run_group_tests_name("recipe", tests, NULL, NULL);
}
