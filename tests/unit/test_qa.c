/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for qa: policies, the parsers of apt/dpkg, lintian and
 * autopkgtest output, the control comparison, the report. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpoconf.h"
#include "qa.h"
#include "recipe.h"

static void test_policy(void **state)
{
	enum bpo_qa_policy p = BPO_QA_POLICY_DEFAULT;
	(void)state;
	assert_int_equal(bpo_qa_policy_parse("fail", &p), 0);
	assert_int_equal(p, BPO_QA_POLICY_FAIL);
	assert_int_equal(bpo_qa_policy_parse("warn", &p), 0);
	assert_int_equal(p, BPO_QA_POLICY_WARN);
	assert_int_equal(bpo_qa_policy_parse("skip", &p), 0);
	assert_int_equal(p, BPO_QA_POLICY_SKIP);
	assert_int_equal(bpo_qa_policy_parse("Fail", &p), -1);
	assert_int_equal(bpo_qa_policy_parse("", &p), -1);
	assert_int_equal(bpo_qa_policy_parse(NULL, &p), -1);
	assert_int_equal(bpo_qa_policy_default(BPO_QA_INSTALL), BPO_QA_POLICY_FAIL);
	assert_int_equal(bpo_qa_policy_default(BPO_QA_UPGRADE), BPO_QA_POLICY_FAIL);
	assert_int_equal(bpo_qa_policy_default(BPO_QA_AUTOPKGTEST), BPO_QA_POLICY_FAIL);
	assert_int_equal(bpo_qa_policy_default(BPO_QA_LINTIAN), BPO_QA_POLICY_WARN);
	assert_int_equal(bpo_qa_policy_default(BPO_QA_REGRESSION), BPO_QA_POLICY_WARN);
	for (int i = 0; i < BPO_QA_N; i++)
		assert_int_equal(bpo_qa_check_from_name(bpo_qa_check_name((enum bpo_qa_check)i)), i);
	assert_int_equal(bpo_qa_check_from_name("lint"), -1);
}

static const struct bpo_qa_item *find(const struct bpo_qa_result *r, const char *name,
				      const char *what)
{
	for (size_t i = 0; i < r->n_items; i++)
		if (strcmp(r->items[i].name, name) == 0 && strcmp(r->items[i].what, what) == 0)
			return &r->items[i];
	return NULL;
}

static void result_free(struct bpo_qa_result *r)
{
	struct bpo_qa_report rep;
	bpo_qa_report_init(&rep);
	rep.r[0] = *r;
	bpo_qa_report_free(&rep);
	memset(r, 0, sizeof(*r));
}

/* apt-get install ./x.deb with an unmet dependency (bookworm's apt wording). */
static void test_apt_unmet(void **state)
{
	static const char out[] =
		"Reading package lists...\n"
		"Some packages could not be installed. This may mean that you have\n"
		"requested an impossible situation...\n"
		"The following information may help to resolve the situation:\n"
		"\n"
		"The following packages have unmet dependencies:\n"
		" bpo-qa-bad-nodeps : Depends: bpo-qa-no-such (>= 2) but it is not installable\n"
		"                     Depends: other-missing but it is not going to be installed\n"
		" bpo-qa-x : PreDepends: foo but it is not installable\n"
		"E: Unable to correct problems, you have held broken packages.\n";
	struct bpo_qa_result r = {0};
	struct bpo_strv pk = {0};
	(void)state;
	bpo_strv_push(&pk, "bpo-qa-bad-nodeps");
	assert_string_equal(bpo_qa_parse_apt(out, "install", "install", &pk, &r), "deps");
	const struct bpo_qa_item *it = find(&r, "bpo-qa-bad-nodeps", "deps");
	assert_non_null(it);
	assert_string_equal(it->message, "Depends: bpo-qa-no-such (>= 2) but it is not installable");
	assert_non_null(strstr(r.items[1].message, "other-missing"));
	assert_string_equal(r.items[1].name, "bpo-qa-bad-nodeps");
	assert_non_null(find(&r, "bpo-qa-x", "deps"));
	/* apt's E: line is kept as a finding of its own */
	it = find(&r, "", "install");
	assert_non_null(it);
	assert_string_equal(it->message, "E: Unable to correct problems, you have held broken packages.");
	bpo_strv_destroy(&pk);
	result_free(&r);
}

/* apt-get purge with a postrm that fails: dpkg's two lines become one finding. */
static void test_apt_purge(void **state)
{
	static const char out[] =
		"Removing bpo-qa-bad-postrm (1.0) ...\n"
		"Purging configuration files for bpo-qa-bad-postrm (1.0) ...\n"
		"bpo-qa-bad-postrm: postrm fails on purge on purpose\n"
		"dpkg: error processing package bpo-qa-bad-postrm (--purge):\n"
		" installed bpo-qa-bad-postrm package post-removal script subprocess returned "
		"error exit status 1\n"
		"Errors were encountered while processing:\n"
		" bpo-qa-bad-postrm\n"
		"E: Sub-process /usr/bin/dpkg returned an error code (1)\n";
	struct bpo_qa_result r = {0};
	(void)state;
	assert_string_equal(bpo_qa_parse_apt(out, "purge", "purge", NULL, &r), "purge");
	const struct bpo_qa_item *it = find(&r, "bpo-qa-bad-postrm", "purge");
	assert_non_null(it);
	assert_non_null(strstr(it->message, "dpkg: error processing package bpo-qa-bad-postrm"));
	assert_non_null(strstr(it->message, "post-removal script subprocess returned error exit"));
	assert_non_null(strstr(it->message, "(the script's last output: bpo-qa-bad-postrm: postrm "
					    "fails on purge on purpose)"));
	assert_non_null(find(&r, "", "purge"));
	result_free(&r);
}

/* dpkg's error right after its own progress line: no script output is quoted. */
static void test_apt_no_script_output(void **state)
{
	static const char out[] = "Setting up foo (1.0) ...\n"
				  "dpkg: error processing package foo (--configure):\n"
				  " installed foo package post-installation script subprocess "
				  "returned error exit status 3\n";
	struct bpo_qa_result r = {0};
	(void)state;
	assert_string_equal(bpo_qa_parse_apt(out, "install", "install", NULL, &r), "install");
	const struct bpo_qa_item *it = find(&r, "foo", "install");
	assert_non_null(it);
	assert_null(strstr(it->message, "last output"));
	assert_non_null(strstr(it->message, "exit status 3"));
	result_free(&r);
}

/* No package named by apt: the E: lines, attributed to the built packages they name. */
static void test_apt_plain(void **state)
{
	struct bpo_qa_result r = {0};
	struct bpo_strv pk = {0};
	(void)state;
	bpo_strv_push(&pk, "foo");
	bpo_strv_push(&pk, "bar");
	assert_string_equal(bpo_qa_parse_apt("E: Unable to locate package foo\n", "remove",
					     "purge", &pk, &r),
			    "purge");
	assert_int_equal(r.n_items, 1);
	assert_string_equal(r.items[0].name, "foo");
	result_free(&r);
	assert_string_equal(bpo_qa_parse_apt("", "install", "install", &pk, &r), "install");
	assert_int_equal(r.n_items, 1);
	assert_string_equal(r.items[0].name, "");
	assert_non_null(strstr(r.items[0].message, "without an E: line"));
	bpo_strv_destroy(&pk);
	result_free(&r);
}

static void test_policy_output(void **state)
{
	static const char out[] = "acheck-rules:\n"
				  "  Installed: (none)\n"
				  "  Candidate: 0.3.5\n"
				  "  Version table:\n"
				  "     0.3.5 500\n"
				  "        500 http://MIRROR/debian bookworm/main amd64 Packages\n"
				  "bpo-qa-good:\n"
				  "  Installed: (none)\n"
				  "  Candidate: (none)\n"
				  "  Version table:\n"
				  "libfoo1:amd64:\n"
				  "  Installed: 1:2.0-1\n"
				  "  Candidate: 1:2.1-1+deb12u1\n"
				  "evil:\n"
				  "  Candidate: 1.0 --purge\n";
	struct bpo_strv have = {0};
	(void)state;
	bpo_qa_parse_policy(out, &have);
	assert_int_equal(have.n, 2);
	assert_string_equal(have.v[0], "acheck-rules=0.3.5");
	assert_string_equal(have.v[1], "libfoo1:amd64=1:2.1-1+deb12u1");
	bpo_strv_destroy(&have);
	bpo_qa_parse_policy(NULL, &have);
	assert_int_equal(have.n, 0);
}

static void test_lintian(void **state)
{
	static const char out[] =
		"running with root privileges is not recommended!\n"
		"E: bpo-x: binary-without-manpage usr/bin/x\n"
		"E: bpo-x changes: bad-distribution-in-changes-file foo\n"
		"W: bpo-x-doc: empty-binary-package\n"
		"W: bpo-x: empty-binary-package\n"
		"I: bpo-x: extended-description-is-probably-too-short\n"
		"N: some note\n"
		"X: bpo-x: experimental-tag\n"
		"E: not a tag line\n";
	struct bpo_qa_result r = {0};
	(void)state;
	bpo_qa_parse_lintian(out, &r);
	assert_int_equal(r.lintian_counts[0], 2);
	assert_int_equal(r.lintian_counts[1], 2);
	assert_int_equal(r.lintian_counts[2], 1);
	assert_int_equal(r.n_items, 2);
	assert_string_equal(r.items[0].name, "bpo-x");
	assert_string_equal(r.items[0].what, "binary-without-manpage");
	assert_string_equal(r.items[0].message, "usr/bin/x");
	assert_string_equal(r.items[1].name, "bpo-x changes");
	assert_string_equal(r.items[1].what, "bad-distribution-in-changes-file");
	result_free(&r);
}

static void test_autopkgtest(void **state)
{
	static const char sum[] = "always-fails         FAIL non-zero exit status 1\n"
				  "passes               PASS (superficial)\n"
				  "command1             PASS\n"
				  "needs-net            SKIP unknown restriction needs-internet\n"
				  "racy                 FLAKY non-zero exit status 1\n"
				  "garbage\n"
				  "\n";
	struct bpo_qa_result r = {0};
	(void)state;
	assert_int_equal(bpo_qa_parse_autopkgtest(sum, &r), 1);
	assert_int_equal(r.n_items, 5);
	const struct bpo_qa_item *it = find(&r, "always-fails", "fail");
	assert_non_null(it);
	assert_string_equal(it->message, "non-zero exit status 1");
	assert_non_null(find(&r, "passes", "pass"));
	assert_non_null(find(&r, "command1", "pass"));
	assert_string_equal(find(&r, "command1", "pass")->message, "");
	assert_non_null(find(&r, "needs-net", "skip"));
	assert_non_null(find(&r, "racy", "flaky"));
	result_free(&r);
	assert_int_equal(bpo_qa_parse_autopkgtest(NULL, &r), 0);
	assert_int_equal(r.n_items, 0);
}

/* FAIL badpkg: the test's dependencies were not installable: not counted as
 * a failure here (check_autopkgtest decides, knowing which ones) */
static void test_autopkgtest_badpkg(void **state)
{
	struct bpo_qa_result r = {0};
	(void)state;
	assert_int_equal(bpo_qa_parse_autopkgtest("smoke PASS\nmmdebstrap FAIL badpkg\n"
						  "other FAIL non-zero exit status 1\n", &r),
			 1);
	assert_int_equal(r.n_items, 3);
	assert_string_equal(r.items[1].what, "badpkg");
	assert_string_equal(r.items[2].what, "fail");
	result_free(&r);
}

static void test_compare(void **state)
{
	static const char built[] = "Package: foo\nVersion: 1.0~bpo12+1\nArchitecture: amd64\n"
				    "Depends: libc6 (>= 2.36), libbar1 | libbar2 (>= 3)\n"
				    "Breaks: old (<< 1)\n";
	static const char newer[] = "Package: foo\nVersion: 1.0\nArchitecture: amd64\n"
				    "Multi-Arch: same\n"
				    "Depends: libc6 (>= 2.38),libbar1|libbar2\n"
				    "Provides: foo-virtual (= 1.0), foo-api\n"
				    "Breaks: old (<< 2)\n";
	struct bpo_qa_result r = {0};
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	assert_int_equal(bpo_qa_compare_control("foo", built, newer, &r, &err), 0);
	/* versions ignored: Depends and Breaks equal; Provides lost twice; Multi-Arch */
	assert_int_equal(r.n_items, 3);
	assert_string_equal(r.items[0].what, "Provides");
	assert_non_null(strstr(r.items[0].message, "lost foo-virtual"));
	assert_non_null(strstr(r.items[1].message, "lost foo-api"));
	assert_string_equal(r.items[2].what, "Multi-Arch");
	assert_non_null(strstr(r.items[2].message, "from same"));
	result_free(&r);
	/* a gained relation and a changed Architecture */
	assert_int_equal(bpo_qa_compare_control("foo", "Package: foo\nArchitecture: all\n"
						"Depends: x\n",
						"Package: foo\nArchitecture: amd64\n", &r, &err),
			 0);
	assert_int_equal(r.n_items, 2);
	assert_non_null(strstr(r.items[0].message, "gained x"));
	assert_string_equal(r.items[1].what, "Architecture");
	result_free(&r);
	/* a t64 rename: built on the old release, a dependant depends on
	   libfoo-2.1-7 where the newer release has libfoo-2.1-7t64; one info
	   item per pair, the real loss still a difference */
	assert_int_equal(bpo_qa_compare_control("foo-bin",
						"Package: foo-bin\nArchitecture: amd64\n"
						"Depends: libfoo-2.1-7 (>= 2.1), libc6 (>= 2.36), "
						"libbar5v5 | libbaz1\n",
						"Package: foo-bin\nArchitecture: amd64\n"
						"Depends: libfoo-2.1-7t64 (>= 2.1), libc6 (>= 2.38), "
						"libbar5 | libbaz1, libqux2\n",
						&r, &err),
			 0);
	assert_int_equal(r.n_items, 3);
	assert_true(r.items[0].info);
	assert_string_equal(r.items[0].what, "Depends");
	assert_non_null(strstr(r.items[0].message, "renamed: libfoo-2.1-7t64 in the newer "
					       "release, libfoo-2.1-7 in the backport"));
	assert_true(r.items[1].info);
	assert_non_null(strstr(r.items[1].message, "libbar5 | libbaz1 in the newer release, "
					       "libbar5v5 | libbaz1"));
	assert_false(r.items[2].info);
	assert_non_null(strstr(r.items[2].message, "lost libqux2"));
	result_free(&r);
	assert_true(bpo_qa_renamed("libfoo1t64", "libfoo1"));
	assert_true(bpo_qa_renamed("libfoo1", "libfoo1t64"));
	assert_false(bpo_qa_renamed("libfoo1", "libfoo1"));
	assert_false(bpo_qa_renamed("libfoo1t64", "libfoo2"));
	assert_false(bpo_qa_renamed("t64", ""));
	assert_false(bpo_qa_renamed("a | libfoo1t64", "libfoo1"));
	/* a -dbgsym as dh_strip makes it; not a package that only says debug */
	assert_true(bpo_qa_debug_package("Package: foo-dbgsym\nSource: foo\nSection: debug\n"
					 "Auto-Built-Package: debug-symbols\nBuild-Ids: 0a1b\n"));
	assert_true(bpo_qa_debug_package("Package: foo-dbgsym\nauto-built-package: "
					 "debug-symbols\n"));
	assert_false(bpo_qa_debug_package("Package: foo-dbg\nSection: debug\n"
					  "Description: debug-symbols by hand\n"));
	assert_false(bpo_qa_debug_package("Package: foo\nAuto-Built-Package: other\n"));
	assert_false(bpo_qa_debug_package(""));
	/* not a paragraph */
	assert_int_equal(bpo_qa_compare_control("foo", "", newer, &r, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	result_free(&r);
}

static void test_report(void **state)
{
	struct bpo_qa_report rep;
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;
	bpo_error_init(&err);
	bpo_qa_report_init(&rep);
	rep.source = strdup("foo");
	rep.version = strdup("1.0~bpo12+1");
	rep.changes = strdup("/x/foo \"q\".changes");
	bpo_strv_push(&rep.packages, "foo");
	for (int i = 0; i < BPO_QA_N; i++) {
		rep.r[i].policy = bpo_qa_policy_default((enum bpo_qa_check)i);
		rep.r[i].status = BPO_QA_PASSED;
	}
	assert_int_equal(bpo_qa_report_fatal(&rep), 0);
	/* a warn check failing is not fatal; a fail check erroring is */
	rep.r[BPO_QA_LINTIAN].status = BPO_QA_FAILED;
	rep.r[BPO_QA_LINTIAN].failure_class = "lintian";
	assert_int_equal(bpo_qa_report_fatal(&rep), 0);
	rep.r[BPO_QA_UPGRADE].status = BPO_QA_ERROR;
	rep.r[BPO_QA_UPGRADE].failure_class = "error";
	assert_int_equal(bpo_qa_report_fatal(&rep), 1);
	rep.r[BPO_QA_UPGRADE].status = BPO_QA_SKIPPED;
	rep.r[BPO_QA_UPGRADE].policy = BPO_QA_POLICY_SKIP;
	rep.r[BPO_QA_UPGRADE].failure_class = NULL;
	assert_int_equal(bpo_qa_report_fatal(&rep), 0);
	rep.r[BPO_QA_INSTALL].status = BPO_QA_FAILED;
	rep.r[BPO_QA_INSTALL].failure_class = "deps";
	bpo_qa_parse_apt(" foo : Depends: bar but it is not installable\nE: broken\n", "install",
			 "install", &rep.packages, &rep.r[BPO_QA_INSTALL]);
	assert_int_equal(bpo_qa_report_fatal(&rep), 1);

	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_qa_report_json(&rep, &b, &err), 0);
	assert_non_null(strstr(b.data, "\"changes\":\"/x/foo \\\"q\\\".changes\""));
	assert_non_null(strstr(b.data, "\"fatal\":true"));
	assert_non_null(strstr(b.data, "\"install\":{\"policy\":\"fail\",\"status\":\"failed\","
					"\"class\":\"deps\""));
	assert_non_null(strstr(b.data, "{\"name\":\"foo\",\"what\":\"deps\",\"message\":"
					"\"Depends: bar but it is not installable\",\"info\":false}"));
	assert_non_null(strstr(b.data, "\"upgrade\":{\"policy\":\"skip\",\"status\":\"skipped\","
					"\"class\":null"));
	assert_non_null(strstr(b.data, "\"counts\":{\"E\":0,\"W\":0,\"I\":0}"));
	bpo_buf_reset(&b);
	bpo_qa_report_text(&rep, &b);
	assert_non_null(strstr(b.data, "  FAIL install"));
	assert_non_null(strstr(b.data, "[deps]"));
	assert_non_null(strstr(b.data, "foo deps: Depends: bar but it is not installable"));
	assert_non_null(strstr(b.data, "  WARN lintian"));
	assert_non_null(strstr(b.data, "  SKIP upgrade"));
	assert_non_null(strstr(b.data, "QA FAILED"));
	bpo_buf_destroy(&b);
	bpo_qa_report_free(&rep);
	bpo_qa_report_free(NULL);
}

/* The recipe's qa mapping: values, defaults (NULL), errors with line:col. */
static void test_recipe_qa(void **state)
{
	static const char base[] = "source:\n  package: hello\n  suite: trixie\n"
				   "target:\n  release: bookworm\n";
	static const char *const keys[] = BPO_RECIPE_QA_KEYS;
	struct bpo_recipe r;
	struct bpo_error err;
	struct bpo_buf out;
	char *text;
	(void)state;
	bpo_error_init(&err);
	/* the key order is qa.h's check order */
	for (int i = 0; i < BPO_QA_N; i++)
		assert_string_equal(keys[i], bpo_qa_check_name((enum bpo_qa_check)i));

	text = bpo_xasprintf("%sqa:\n  install: warn\n  lintian: fail\n  regression: skip\n", base);
	assert_int_equal(bpo_recipe_parse(&r, text, strlen(text), "/tmp/q.yaml", &err), 0);
	assert_string_equal(r.qa[BPO_QA_INSTALL], "warn");
	assert_null(r.qa[BPO_QA_UPGRADE]);
	assert_string_equal(r.qa[BPO_QA_LINTIAN], "fail");
	assert_null(r.qa[BPO_QA_AUTOPKGTEST]);
	assert_string_equal(r.qa[BPO_QA_REGRESSION], "skip");
	/* normalised YAML keeps them and reads back the same */
	bpo_buf_init(&out, 1u << 20);
	assert_int_equal(bpo_recipe_write_yaml(&r, &out, &err), 0);
	assert_non_null(strstr(out.data, "qa:"));
	bpo_recipe_destroy(&r);
	assert_int_equal(bpo_recipe_parse(&r, out.data, out.len, "/tmp/q.yaml", &err), 0);
	assert_string_equal(r.qa[BPO_QA_INSTALL], "warn");
	assert_null(r.qa[BPO_QA_UPGRADE]);
	bpo_recipe_destroy(&r);
	bpo_buf_destroy(&out);
	free(text);

	text = bpo_xasprintf("%sqa:\n  install: maybe\n", base);
	assert_int_equal(bpo_recipe_parse(&r, text, strlen(text), "/tmp/q.yaml", &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "/tmp/q.yaml:7:12:"));
	assert_non_null(strstr(err.msg, "fail, warn or skip"));
	bpo_recipe_destroy(&r);
	free(text);

	text = bpo_xasprintf("%sqa:\n  piuparts: fail\n", base);
	assert_int_equal(bpo_recipe_parse(&r, text, strlen(text), "/tmp/q.yaml", &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "/tmp/q.yaml:7:"));
	assert_non_null(strstr(err.msg, "piuparts"));
	bpo_recipe_destroy(&r);
	free(text);

	text = bpo_xasprintf("%sqa: fail\n", base);
	assert_int_equal(bpo_recipe_parse(&r, text, strlen(text), "/tmp/q.yaml", &err), -1);
	assert_non_null(strstr(err.msg, "/tmp/q.yaml:6:"));
	bpo_recipe_destroy(&r);
	free(text);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/bpo-test-qa-conf.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* bpo.conf's qa mapping: values, unset keys, errors with line:col. */
static void test_conf_qa(void **state)
{
	static const char *const keys[] = BPO_CONF_QA_KEYS;
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_buf out;
	char *path;
	(void)state;
	bpo_error_init(&err);
	for (int i = 0; i < BPO_QA_N; i++)
		assert_string_equal(keys[i], bpo_qa_check_name((enum bpo_qa_check)i));

	path = write_tmp("qa:\n  upgrade: warn\n  autopkgtest: skip\n");
	bpo_config_init(&cfg);
	assert_int_equal(bpo_config_load_paths(&cfg, NULL, NULL, path, "/nonexistent", &err), 0);
	assert_null(cfg.qa[BPO_QA_INSTALL]);
	assert_string_equal(cfg.qa[BPO_QA_UPGRADE], "warn");
	assert_string_equal(cfg.qa[BPO_QA_AUTOPKGTEST], "skip");
	assert_non_null(strstr(cfg.origin[BPO_CONF_QA], path));
	bpo_buf_init(&out, 1u << 20);
	assert_int_equal(bpo_config_write(&cfg, true, &out, &err), 0);
	assert_non_null(strstr(out.data, "\"qa\":{\"install\":null,\"upgrade\":\"warn\""));
	bpo_buf_destroy(&out);
	bpo_config_destroy(&cfg);
	unlink(path);
	free(path);

	path = write_tmp("qa:\n  lintian: never\n");
	bpo_config_init(&cfg);
	assert_int_equal(bpo_config_load_paths(&cfg, NULL, NULL, path, "/nonexistent", &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, ":2:12: qa.lintian: expected fail, warn or skip"));
	bpo_config_destroy(&cfg);
	unlink(path);
	free(path);

	path = write_tmp("qa:\n  piuparts: fail\n");
	bpo_config_init(&cfg);
	assert_int_equal(bpo_config_load_paths(&cfg, NULL, NULL, path, "/nonexistent", &err), -1);
	assert_non_null(strstr(err.msg, "piuparts"));
	bpo_config_destroy(&cfg);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),     cmocka_unit_test(test_apt_unmet),
		cmocka_unit_test(test_apt_purge),  cmocka_unit_test(test_apt_plain),
		cmocka_unit_test(test_lintian),    cmocka_unit_test(test_autopkgtest),
		cmocka_unit_test(test_autopkgtest_badpkg),
		cmocka_unit_test(test_compare),    cmocka_unit_test(test_report),
		cmocka_unit_test(test_recipe_qa),  cmocka_unit_test(test_conf_qa),
		cmocka_unit_test(test_policy_output), cmocka_unit_test(test_apt_no_script_output),
	};
	return cmocka_run_group_tests_name("qa", tests, NULL, NULL);
}
