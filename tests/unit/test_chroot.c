/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: chroot configs, image metadata, sub-id lookup, build cache keys,
 * extra sources and apt's unmet-dependency messages. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build.h"
#include "chroot.h"
#include "fsutil.h"
#include "xmem.h"

static void test_conf_ok(void **state)
{
	static const char y[] = "# comment\nrelease: bookworm\nsuite: bookworm\n"
				"components: [main, contrib]\n"
				"keyring: /usr/share/keyrings/debian-archive-keyring.gpg\n"
				"extra_suites:\n  - bookworm-updates\n"
				"security_suite: bookworm-security\n";
	struct bpo_chroot_conf c;
	struct bpo_error err;
	char *sl;

	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_chroot_conf_parse(&c, y, strlen(y), "t.yaml", &err), 0);
	assert_string_equal(c.release, "bookworm");
	assert_int_equal(c.components.n, 2);
	assert_string_equal(c.components.v[1], "contrib");
	assert_int_equal(c.extra_suites.n, 1);
	assert_string_equal(c.security_suite, "bookworm-security");
	sl = bpo_chroot_sources_list(&c, "http://m.invalid/debian", "http://s.invalid/sec", NULL);
	assert_string_equal(sl, "deb http://m.invalid/debian bookworm main contrib\n"
				"deb http://m.invalid/debian bookworm-updates main contrib\n"
				"deb http://s.invalid/sec bookworm-security main contrib\n");
	free(sl);
	/* no security mirror: the security suite is left out */
	sl = bpo_chroot_sources_list(&c, "http://m.invalid/debian", NULL, NULL);
	assert_null(strstr(sl, "security"));
	free(sl);
	bpo_chroot_conf_destroy(&c);
}

static void test_conf_defaults(void **state)
{
	static const char y[] = "release: trixie\nsuite: trixie\n";
	struct bpo_chroot_conf c;

	(void)state;
	assert_int_equal(bpo_chroot_conf_parse(&c, y, strlen(y), "t.yaml", NULL), 0);
	assert_int_equal(c.components.n, 1);
	assert_string_equal(c.components.v[0], "main");
	assert_string_equal(c.keyring, "/usr/share/keyrings/debian-archive-keyring.gpg");
	assert_null(c.security_suite);
	bpo_chroot_conf_destroy(&c);
}

static const struct {
	const char *yaml, *msg;
} bad_confs[] = {
	{"release: bookworm\nsuite: bookworm\nmirror: http://x\n", "t.yaml:3:1: unknown key \"mirror\""},
	{"release: bookworm\n", "t.yaml: \"release\" and \"suite\" are required"},
	{"release: bookworm\nsuite: ../etc\n", "t.yaml:2:8: expected a name"},
	{"release: bookworm\nsuite: bookworm\ncomponents: [main, \"a b\"]\n",
	 "t.yaml:3:20: components: expected a list"},
	{"release: bookworm\nsuite: bookworm\nkeyring: relative.gpg\n",
	 "t.yaml:3:10: expected an absolute file path"},
	{"release: bookworm\nrelease: bookworm\nsuite: x\n", "t.yaml:2:1: duplicate key"},
	{"- a\n- b\n", "t.yaml:1:1: expected \"key: value\""},
	{"release: [\n", "t.yaml:1:10: expected a single value"},
	{"release: \"x\n", "t.yaml:2:1: found unexpected end of stream"},
};

static void test_conf_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		struct bpo_chroot_conf c;
		struct bpo_error err;
		bpo_error_init(&err);
		assert_int_equal(bpo_chroot_conf_parse(&c, bad_confs[i].yaml,
						       strlen(bad_confs[i].yaml), "t.yaml", &err),
				 -1);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		if (strncmp(err.msg, bad_confs[i].msg, strlen(bad_confs[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", expected \"%s...\"", i, err.msg,
				 bad_confs[i].msg);
	}
}

/* The shipped configurations parse and name themselves. */
static void test_conf_shipped(void **state)
{
	static const char *const rel[] = {"bookworm", "bullseye", "trixie"};
	const char *src = getenv("BPO_SRCDIR");
	char *dir;

	(void)state;
	if (!src)
		skip();
	dir = bpo_path_join(src, "chroot");
	setenv("BPO_CHROOT_DIR", dir, 1);
	for (size_t i = 0; i < 3; i++) {
		struct bpo_chroot_conf c;
		struct bpo_error err;
		bpo_error_init(&err);
		if (bpo_chroot_conf_load(&c, rel[i], &err) < 0)
			fail_msg("%s: %s", rel[i], err.msg);
		assert_string_equal(c.suite, rel[i]);
		assert_non_null(c.security_suite);
		bpo_chroot_conf_destroy(&c);
	}
	{
		struct bpo_chroot_conf c;
		struct bpo_error err;
		bpo_error_init(&err);
		assert_int_equal(bpo_chroot_conf_load(&c, "no-such-release", &err), -1);
		assert_int_equal(err.kind, BPO_E_NOTFOUND);
		assert_non_null(strstr(err.msg, "no-such-release.yaml"));
		assert_int_equal(bpo_chroot_conf_load(&c, "../etc", &err), -1);
		assert_int_equal(err.kind, BPO_E_USAGE);
	}
	unsetenv("BPO_CHROOT_DIR");
	free(dir);
}

static const char good_meta[] =
	"Release: bookworm\nArchitecture: amd64\nSuite: bookworm\n"
	"Mirror-SHA256: 0000000000000000000000000000000000000000000000000000000000000000\n"
	"Created: 2026-11-25T22:00:00Z\nTarball: bookworm-amd64.tar.zst\n"
	"SHA256: 91e6fdc3981d894298debc91dde8b0779d858fe6a174d9a347dc811d13681501\n"
	"Size: 146356770\n";

static void test_meta_roundtrip(void **state)
{
	struct bpo_chroot_meta m;
	struct bpo_error err;
	char *text;

	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_chroot_meta_parse(&m, good_meta, strlen(good_meta), "m", &err), 0);
	assert_string_equal(m.arch, "amd64");
	assert_true(m.size == 146356770u);
	text = bpo_chroot_meta_format(&m);
	assert_string_equal(text, good_meta);
	free(text);
	bpo_chroot_meta_destroy(&m);
}

static void test_meta_bad(void **state)
{
	static const struct {
		const char *from, *to, *msg;
	} edits[] = {
		{"Size: 146356770", "Size: 12x", "m:8: Size: expected a number"},
		{"SHA256: 91e6", "SHA256: zz", "m:7: SHA256: expected 64 hex digits"},
		{"Tarball: bookworm-amd64.tar.zst", "Tarball: ../../etc/passwd",
		 "m: bad Release, Architecture or Tarball name"},
		{"Suite: bookworm\n", "", "m: incomplete"},
		{"Release: bookworm", "Release bookworm", "m:1: expected \"Key: value\""},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct bpo_chroot_meta m;
		struct bpo_error err;
		const char *at = strstr(good_meta, edits[i].from);
		char *t;
		assert_non_null(at);
		t = bpo_xasprintf("%.*s%s%s", (int)(at - good_meta), good_meta, edits[i].to,
				  at + strlen(edits[i].from));
		bpo_error_init(&err);
		assert_int_equal(bpo_chroot_meta_parse(&m, t, strlen(t), "m", &err), -1);
		if (strncmp(err.msg, edits[i].msg, strlen(edits[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\"", i, err.msg);
		free(t);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_true(bpo_chroot_name_ok("bookworm"));
	assert_true(bpo_chroot_name_ok("bookworm-backports"));
	assert_true(bpo_chroot_name_ok("arm64"));
	assert_false(bpo_chroot_name_ok(""));
	assert_false(bpo_chroot_name_ok(".."));
	assert_false(bpo_chroot_name_ok("a/b"));
	assert_false(bpo_chroot_name_ok("-rf"));
	assert_false(bpo_chroot_name_ok("a b"));
	assert_false(bpo_chroot_name_ok(NULL));
}

static void test_subid(void **state)
{
	static const char text[] = "# comment\nalice:100000:65536\nbob:165536:1000\n"
				   "1002:300000:65536\nbob:400000:65536\nbroken\nc:x:y\n";
	unsigned long s = 0, n = 0;

	(void)state;
	assert_int_equal(bpo_ns_subid_find(text, "alice", 1001, 65536, &s, &n, NULL), 0);
	assert_true(s == 100000 && n == 65536);
	/* bob's first range is too small: the second one is used */
	assert_int_equal(bpo_ns_subid_find(text, "bob", 1003, 65536, &s, &n, NULL), 0);
	assert_true(s == 400000);
	/* by uid */
	assert_int_equal(bpo_ns_subid_find(text, "carol", 1002, 65536, &s, &n, NULL), 0);
	assert_true(s == 300000);
	assert_int_equal(bpo_ns_subid_find(text, "dave", 1004, 65536, &s, &n, NULL), -1);
	assert_int_equal(bpo_ns_subid_find(text, "c", 1005, 1, &s, &n, NULL), -1);
	assert_int_equal(bpo_ns_subid_find("", "alice", 1001, 1, &s, &n, NULL), -1);
}

static void test_cache_key(void **state)
{
	const char *img = "91e6fdc3981d894298debc91dde8b0779d858fe6a174d9a347dc811d13681501";
	const char *bd1[] = {"debhelper-compat (= 13), libfoo-dev (>= 1.2)"};
	const char *bd2[] = {" libfoo-dev   (>= 1.2) ,debhelper-compat (= 13)"};
	const char *bd3[] = {"debhelper-compat (= 13), libfoo-dev (>= 1.3)"};
	const char *ex1[] = {"deb [signed-by=/k] http://a x main", "deb [signed-by=/k] http://b y main"};
	const char *ex2[] = {"deb [signed-by=/k] http://b y main", "deb [signed-by=/k] http://a x main"};
	char k1[65], k2[65], k3[65];

	(void)state;
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, NULL, NULL, 0, bd1, 1, k1);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, NULL, NULL, 0, bd2, 1, k2);
	assert_string_equal(k1, k2); /* order and white space do not matter */
	assert_int_equal(strlen(k1), 64);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, NULL, NULL, 0, bd3, 1, k3);
	assert_string_not_equal(k1, k3); /* a changed version does */
	bpo_build_cache_key(img, "arm64", BPO_BUILD_BINARY, NULL, NULL, 0, bd1, 1, k3);
	assert_string_not_equal(k1, k3);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, "nocheck", NULL, 0, bd1, 1, k3);
	assert_string_not_equal(k1, k3);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_ANY, NULL, NULL, 0, bd1, 1, k3);
	assert_string_not_equal(k1, k3);
	/* a new image invalidates the layer */
	bpo_build_cache_key("01e6fdc3981d894298debc91dde8b0779d858fe6a174d9a347dc811d13681501",
			    "amd64", BPO_BUILD_BINARY, NULL, NULL, 0, bd1, 1, k3);
	assert_string_not_equal(k1, k3);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, NULL, ex1, 2, bd1, 1, k2);
	bpo_build_cache_key(img, "amd64", BPO_BUILD_BINARY, NULL, ex2, 2, bd1, 1, k3);
	assert_string_equal(k2, k3);
	assert_string_not_equal(k1, k2);
}

static void test_extra_source(void **state)
{
	char *kf = NULL;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_build_extra_source_parse(
				 "deb [signed-by=/dev/null] http://127.0.0.1:8000/repo bookworm main",
				 &kf, &err), 0);
	assert_string_equal(kf, "/dev/null");
	free(kf);
	static const char *const bad[] = {
		"deb http://127.0.0.1/repo bookworm main",            /* unsigned */
		"deb-src [signed-by=/dev/null] http://x/ bookworm main",
		"deb [signed-by=/dev/null] ftp://x/ bookworm main",
		"deb [signed-by=/dev/null] file:/srv/repo bookworm main",
		"deb [signed-by=/dev/null] http://x/",
		"deb [signed-by=relative.gpg] http://x/ bookworm main",
		"deb [signed-by=/no/such/key.gpg] http://x/ bookworm main",
		"deb [signed-by=/dev/null http://x/ bookworm main",
		"deb [signed-by=/dev/null] http://x/ bookworm\nmain",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bpo_error_init(&err);
		if (bpo_build_extra_source_parse(bad[i], &kf, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_null(kf);
		assert_int_equal(err.kind, BPO_E_USAGE);
	}
}

/* The relation of an unmet line, the versions of apt-cache policy, and the
 * check a pin is chosen by. */
static void test_relation_policy(void **state)
{
	char name[128], op[3], ver[128];
	(void)state;
	assert_true(bpo_build_unmet_relation("hello (>= 2.11) but 2.10-3 is to be installed", name,
					     sizeof(name), op, ver, sizeof(ver)));
	assert_string_equal(name, "hello");
	assert_string_equal(op, ">=");
	assert_string_equal(ver, "2.11");
	assert_true(bpo_build_unmet_relation("libfoo-dev:any | libbar-dev", name, sizeof(name), op,
					     ver, sizeof(ver)));
	assert_string_equal(name, "libfoo-dev");
	assert_string_equal(op, "");
	assert_true(bpo_build_unmet_relation("E: Build-Depends dependency for /x.dsc : debhelper "
					     "(>= 13.11.6~) cannot be satisfied because ...", name,
					     sizeof(name), op, ver, sizeof(ver)));
	assert_string_equal(name, "debhelper");
	assert_string_equal(ver, "13.11.6~");
	assert_false(bpo_build_unmet_relation("E: nothing here", name, sizeof(name), op, ver,
					      sizeof(ver)));
	assert_true(bpo_build_relation_holds("13.15.3~bpo12+1", ">=", "13.11.6~"));
	assert_false(bpo_build_relation_holds("13.11.4", ">=", "13.11.6~"));
	assert_true(bpo_build_relation_holds("1.0-1", "<<", "1.0-2"));
	assert_false(bpo_build_relation_holds("1.0-2", "=", "1.0-1"));
	assert_true(bpo_build_relation_holds("7", "", ""));

	static const char pol[] =
		"hello:\n  Installed: (none)\n  Candidate: 2.10-3\n  Version table:\n"
		"     2.11-1 100\n        100 http://127.0.0.1:1/ bpo-na/main all Packages\n"
		" *** 2.10-3 500\n        500 http://127.0.0.1:2/debian bookworm/main amd64 Packages\n"
		"        100 /var/lib/dpkg/status\n";
	struct bpo_build_policy_version v[4];
	size_t n = bpo_build_policy_table(pol, v, 4);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].version, "2.11-1");
	assert_string_equal(v[0].suite, "bpo-na");
	assert_string_equal(v[1].version, "2.10-3");
	assert_string_equal(v[1].suite, "bookworm");
	for (size_t i = 0; i < n; i++) {
		free(v[i].version);
		free(v[i].suite);
	}
	assert_int_equal(bpo_build_policy_table("no table\n", v, 4), 0);
}

static void test_unmet(void **state)
{
	static const char out[] =
		"Reading package lists...\n"
		"Some packages could not be installed. This may mean that you have\n"
		"The following packages have unmet dependencies:\n"
		" builddeps:./x.dsc : Depends: bpo-no-such-package but it is not installable\n"
		"                     Depends: libfoo-dev (>= 9) but 1.2-3 is to be installed\n"
		"E: Unable to correct problems, you have held broken packages.\n";
	char *u;

	(void)state;
	u = bpo_build_unmet_deps(out);
	assert_non_null(u);
	assert_string_equal(u, "bpo-no-such-package but it is not installable\n"
			       "libfoo-dev (>= 9) but 1.2-3 is to be installed\n");
	free(u);
	u = bpo_build_unmet_deps("E: Unable to locate package nosuch\n");
	assert_string_equal(u, "nosuch but it does not exist\n");
	free(u);
	assert_null(bpo_build_unmet_deps("all fine\n"));
	/* a version only a NotAutomatic suite has: apt gives no "but" */
	u = bpo_build_unmet_deps(" builddeps:/srv/x.dsc : Depends: hello (>= 2.11)\n");
	assert_string_equal(u, "hello (>= 2.11)\n");
	free(u);
	assert_string_equal(bpo_build_phase_name(BPO_BUILD_DEPS), "deps");
	assert_string_equal(bpo_build_phase_name(BPO_BUILD_COLLECT), "collect");
}

/* DEB_BUILD_OPTIONS: the caller's, once each, then the profiles' */
static void test_build_options(void **state)
{
	(void)state;
	struct bpo_buf b;
	bpo_buf_init(&b, 4096);
	bpo_build_options("parallel=3  noopt\tparallel=9", "nocheck,nodoc", &b);
	assert_string_equal(b.data, "parallel=3 noopt nocheck nodoc");
	b.len = 0;
	bpo_build_options("nocheck $(rm) nostrip", "nocheck", &b);
	assert_string_equal(b.data, "nocheck nostrip");
	b.len = 0;
	bpo_build_options(NULL, NULL, &b);
	assert_int_equal(b.len, 0);
	bpo_buf_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_ok),
		cmocka_unit_test(test_conf_defaults),
		cmocka_unit_test(test_conf_bad),
		cmocka_unit_test(test_conf_shipped),
		cmocka_unit_test(test_meta_roundtrip),
		cmocka_unit_test(test_meta_bad),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_subid),
		cmocka_unit_test(test_cache_key),
		cmocka_unit_test(test_extra_source),
		cmocka_unit_test(test_unmet),
		cmocka_unit_test(test_relation_policy),
		cmocka_unit_test(test_build_options),
	};
	return cmocka_run_group_tests_name("chroot", tests, NULL, NULL);
}
