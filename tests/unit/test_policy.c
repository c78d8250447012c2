/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for policy: backport version numbers and their ordering checks.
 * The version pairs are real ones from bookworm/trixie (and their -updates and
 * -security suites) as of 2025. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "policy.h"

#define END NULL

struct version_case {
	enum bpo_version_policy policy;
	const char *version;
	unsigned release;
	const char *suffix;
	const char *published[6];
	const char *want; /* NULL: error expected */
	enum bpo_errkind kind;
};

static const struct version_case version_cases[] = {
	/* Plain backports. */
	{BPO_POLICY_BPO, "2.10-3", 12, NULL, {END}, "2.10-3~bpo12+1", 0},
	{BPO_POLICY_BPO, "8.14.1-2", 12, NULL, {END}, "8.14.1-2~bpo12+1", 0},
	{BPO_POLICY_BPO, "3.5.1-1", 11, NULL, {END}, "3.5.1-1~bpo11+1", 0},
	/* Epochs are kept; a 0: epoch is the same as none. */
	{BPO_POLICY_BPO, "2:9.1.1230-2", 12, NULL, {END}, "2:9.1.1230-2~bpo12+1", 0},
	{BPO_POLICY_BPO, "0:2.10-3", 12, NULL, {"2.10-3~bpo12+1", END}, "2.10-3~bpo12+2", 0},
	/* Native versions. */
	{BPO_POLICY_BPO, "1.21", 12, NULL, {END}, "1.21~bpo12+1", 0},
	/* Rebuilds count what the repository has: the highest +M wins. */
	{BPO_POLICY_BPO, "2.10-3", 12, NULL, {"2.10-3~bpo12+1", END}, "2.10-3~bpo12+2", 0},
	{BPO_POLICY_BPO, "2.10-3", 12, NULL,
	 {"2.10-3~bpo12+3", "2.10-3~bpo12+1", "2.10-3~bpo12+10", END}, "2.10-3~bpo12+11", 0},
	/* Other versions and other releases do not count. */
	{BPO_POLICY_BPO, "2.10-3", 12, NULL,
	 {"2.10-2~bpo12+4", "2.10-3~bpo11+7", "2.10-3~bpo12+x", "2.10-3~bpo12+", "2.10-31~bpo12+5",
	  END}, "2.10-3~bpo12+1", 0},
	{BPO_POLICY_BPO, "2:9.1.1230-2", 12, NULL, {"2:9.1.1230-2~bpo12+2", END},
	 "2:9.1.1230-2~bpo12+3", 0},
	/* A backport of a backport: the old suffix goes. */
	{BPO_POLICY_BPO, "2.10-3~bpo13+1", 12, NULL, {END}, "2.10-3~bpo12+1", 0},
	{BPO_POLICY_BPO, "2.10-3~bpo12+4", 12, NULL, {"2.10-3~bpo12+4", END}, "2.10-3~bpo12+5", 0},
	/* Stable/security updates of the newer release keep their suffix. */
	{BPO_POLICY_BPO, "8.14.1-2+deb13u2", 12, NULL, {END}, "8.14.1-2+deb13u2~bpo12+1", 0},
	{BPO_POLICY_BPO, "3.0.17-1~deb12u2", 11, NULL, {END}, "3.0.17-1~deb12u2~bpo11+1", 0},
	/* Local policy. */
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+acme1", {END}, "2.10-3+acme1", 0},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+acme", {END}, "2.10-3+acme1", 0},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+acme1", {"2.10-3+acme1", END}, "2.10-3+acme2", 0},
	{BPO_POLICY_LOCAL, "7.88.1-10+deb12u5", 0, "+acme1",
	 {"7.88.1-10+deb12u5+acme1", "7.88.1-10+deb12u5+acme2", "7.88.1-10+deb12u4+acme9", END},
	 "7.88.1-10+deb12u5+acme3", 0},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+acme5", {"2.10-3+acme1", END}, "2.10-3+acme5", 0},
	{BPO_POLICY_LOCAL, "1:2.10-3", 0, "~local1", {END}, "1:2.10-3~local1", 0},
	/* Errors. */
	{BPO_POLICY_BPO, "2.10-3", 0, NULL, {END}, NULL, BPO_E_USAGE},
	{BPO_POLICY_BPO, "", 12, NULL, {END}, NULL, BPO_E_USAGE},
	{BPO_POLICY_BPO, "a:2.10", 12, NULL, {END}, NULL, BPO_E_SYNTAX},
	{BPO_POLICY_BPO, "2.10 3", 12, NULL, {END}, NULL, BPO_E_SYNTAX},
	{BPO_POLICY_LOCAL, "2.10-3", 0, NULL, {END}, NULL, BPO_E_USAGE},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "acme1", {END}, NULL, BPO_E_SYNTAX},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+ac-me1", {END}, NULL, BPO_E_SYNTAX},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+ac me", {END}, NULL, BPO_E_SYNTAX},
	{BPO_POLICY_LOCAL, "2.10-3", 0, "+1", {END}, NULL, BPO_E_SYNTAX},
};

static void test_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(version_cases) / sizeof(version_cases[0]); i++) {
		const struct version_case *c = &version_cases[i];
		struct bpo_policy_in in = {
			.policy = c->policy,
			.version = c->version,
			.release_number = c->release,
			.local_suffix = c->suffix,
			.published = c->published,
		};
		struct bpo_error e;
		char *out = NULL;
		bpo_error_init(&e);
		int r = bpo_policy_version(&in, &out, &e);
		if (c->want) {
			if (r != 0)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->version, e.msg);
			assert_string_equal(out, c->want);
		} else {
			if (r == 0)
				fail_msg("case %zu (%s): expected an error, got %s", i, c->version, out);
			assert_null(out);
			assert_int_equal(e.kind, c->kind);
			assert_true(e.msg[0] != '\0');
		}
		free(out);
	}
}

struct check_case {
	const char *version;
	struct bpo_policy_ref older[4];
	struct bpo_policy_ref newer[2];
	const char *want_error; /* NULL: passes; else the exact message */
};

/* the hint after a version not above the old release's */
#define OLDER_HINT \
	"; for a rebuild of the release's own version use target.policy: local (a +SUFFIX " \
	"version); --force-version overrides (risky: apt may keep the release's version or " \
	"never upgrade from this one)"

static const struct check_case check_cases[] = {
	/* hello: trixie 2.10-5, bookworm 2.10-3. */
	{"2.10-5~bpo12+1",
	 {{"2.10-3", "bookworm", "source hello"}, {"2.10-3", "bookworm", "binary hello"}},
	 {{"2.10-5", "trixie", "source hello"}},
	 NULL},
	/* The same version in both releases: a backport is pointless. */
	{"2.10-3~bpo12+1",
	 {{"2.10-3", "bookworm", "source hello"}},
	 {{"2.10-3", "trixie", "source hello"}},
	 "2.10-3~bpo12+1 is not higher than 2.10-3 in bookworm (source hello)" OLDER_HINT},
	/* curl: bookworm-security 7.88.1-10+deb12u12 under trixie's 8.14.1-2. */
	{"8.14.1-2~bpo12+1",
	 {{"7.88.1-10+deb12u8", "bookworm", "source curl"},
	  {"7.88.1-10+deb12u12", "bookworm-security", "source curl"},
	  {"7.88.1-10+deb12u12", "bookworm-security", "binary libcurl4"}},
	 {{"8.14.1-2", "trixie", "source curl"}},
	 NULL},
	/* openssl: a point-release ~deb12u version in bookworm-updates. */
	{"3.5.1-1~bpo12+1",
	 {{"3.0.15-1~deb12u1", "bookworm", "source openssl"},
	  {"3.0.16-1~deb12u1", "bookworm-updates", "source openssl"}},
	 {{"3.5.1-1", "trixie", "source openssl"}},
	 NULL},
	/* A +deb12uN security update sorts above a naive ~bpo of the same version. */
	{"2.10-3~bpo12+1",
	 {{"2.10-3+deb12u1", "bookworm-security", "source hello"}},
	 {{"2.10-4", "trixie", "source hello"}},
	 "2.10-3~bpo12+1 is not higher than 2.10-3+deb12u1 in bookworm-security (source hello)" OLDER_HINT},
	/* openssl 3.0.16-1 reached bookworm-security as 3.0.16-1~deb12u1, which
	 * sorts above 3.0.16-1~bpo12+1 ('d' > 'b' after the '~'). */
	{"3.0.16-1~bpo12+1",
	 {{"3.0.15-1~deb12u1", "bookworm", "source openssl"},
	  {"3.0.16-1~deb12u1", "bookworm-security", "binary libssl3"}},
	 {{"3.5.1-1", "trixie", "source openssl"}},
	 "3.0.16-1~bpo12+1 is not higher than 3.0.16-1~deb12u1 in bookworm-security "
	 "(binary libssl3)" OLDER_HINT},
	/* A binNMU'd binary in the old release is above the source version. */
	{"1.4-2~bpo12+1",
	 {{"1.4-1", "bookworm", "source foo"}, {"1.4-2+b1", "bookworm", "binary libfoo1"}},
	 {{"1.4-2", "trixie", NULL}},
	 "1.4-2~bpo12+1 is not higher than 1.4-2+b1 in bookworm (binary libfoo1)" OLDER_HINT},
	/* Epochs: vim 2:9.1.1230-2 from trixie over bookworm's 2:9.0.1378-2+deb12u2. */
	{"2:9.1.1230-2~bpo12+1",
	 {{"2:9.0.1378-2+deb12u2", "bookworm-security", "source vim"}},
	 {{"2:9.1.1230-2", "trixie", "source vim"}},
	 NULL},
	/* ... and forgetting the epoch is caught. */
	{"9.1.1230-2~bpo12+1",
	 {{"2:9.0.1378-2+deb12u2", "bookworm-security", "source vim"}},
	 {{"2:9.1.1230-2", "trixie", "source vim"}},
	 "9.1.1230-2~bpo12+1 is not higher than 2:9.0.1378-2+deb12u2 in bookworm-security "
	 "(source vim)" OLDER_HINT},
	/* A backport must stay below the newer release. */
	{"2.10-5+acme1",
	 {{"2.10-3", "bookworm", "source hello"}},
	 {{"2.10-5", "trixie", "source hello"}},
	 "2.10-5+acme1 is not lower than 2.10-5 in trixie (source hello); "
	 "--force-version overrides"},
	/* A local fix of the old version. */
	{"7.88.1-10+deb12u12+acme1",
	 {{"7.88.1-10+deb12u12", "bookworm-security", "source curl"}},
	 {{"8.14.1-2", "trixie", "source curl"}},
	 NULL},
	/* Several violations: the first is shown and the rest counted. */
	{"2.10-3~bpo12+1",
	 {{"2.10-3", "bookworm", "source hello"},
	  {"2.10-3+deb12u1", "bookworm-security", "source hello"}},
	 {{"2.10-1", "trixie", "source hello"}},
	 "2.10-3~bpo12+1 is not higher than 2.10-3 in bookworm (source hello) (and 2 more)" OLDER_HINT},
};

static size_t count_refs(const struct bpo_policy_ref *r, size_t max)
{
	size_t n = 0;
	while (n < max && r[n].version)
		n++;
	return n;
}

static void test_checks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		size_t no = count_refs(c->older, 4), nn = count_refs(c->newer, 2);
		struct bpo_error e;
		bpo_error_init(&e);
		int r = bpo_policy_check(c->version, c->older, no, c->newer, nn, false, &e);
		const char *want = c->want_error;
		if (!want) {
			if (r != 0)
				fail_msg("case %zu: unexpected error: %s", i, e.msg);
			continue;
		}
		assert_int_equal(r, -1);
		assert_int_equal(e.kind, BPO_E_FAIL);
		assert_string_equal(e.msg, want);
		/* --force-version turns every violation into a warning. */
		bpo_error_init(&e);
		assert_int_equal(bpo_policy_check(c->version, c->older, no, c->newer, nn, true, &e), 0);
	}
}

static void test_check_bad_version(void **state)
{
	struct bpo_error e;
	struct bpo_policy_ref older = {"1.0-1", "bookworm", NULL};
	(void)state;
	bpo_error_init(&e);
	assert_int_equal(bpo_policy_check("1.0 1", &older, 1, NULL, 0, true, &e), -1);
	assert_int_equal(e.kind, BPO_E_SYNTAX);
}

static void test_max_and_suffix(void **state)
{
	const char *vs[] = {"2.10-3", "2.10-3+deb12u1", "2.10-3~bpo12+1", "1:1.0-1", "2.9-9"};
	(void)state;
	assert_string_equal(bpo_policy_max(vs, 5), "1:1.0-1");
	assert_string_equal(bpo_policy_max(vs, 3), "2.10-3+deb12u1");
	assert_null(bpo_policy_max(vs, 0));
	assert_int_equal(bpo_policy_bpo_suffix("2.10-3~bpo12+1"), 6);
	assert_int_equal(bpo_policy_bpo_suffix("1.0~bpo1~bpo12+10"), 8);
	assert_int_equal(bpo_policy_bpo_suffix("2.10-3~bpo12"), -1);
	assert_int_equal(bpo_policy_bpo_suffix("2.10-3~bpo12+1a"), -1);
	assert_int_equal(bpo_policy_bpo_suffix("2.10-3~bpo+1"), -1);
	assert_int_equal(bpo_policy_bpo_suffix("2.10-3"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_check_bad_version),
		cmocka_unit_test(test_max_and_suffix),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
