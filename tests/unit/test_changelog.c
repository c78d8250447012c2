/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for changelog: new entries, wrapping, dates, maintainers, top entry. */
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
#include "changelog.h"
#include "err.h"
#include "fsutil.h"
#include "xmem.h"

static void test_format_basic(void **state)
{
	struct bpo_changelog_patch patches[] = {
		{"fix-crash.patch", "Fix a crash on empty input\nLonger text.", true},
		{"lower-debhelper.patch", NULL, false},
	};
	const char *cves[] = {"CVE-2024-1234", "CVE-2024-56789", NULL};
	struct bpo_changelog_entry e = {
		.source = "hello",
		.version = "2.10-5~bpo12+1",
		.distribution = "bookworm-backports",
		.patches = patches,
		.n_patches = 2,
		.cves = cves,
		.maintainer = "Jane Doe <jane@example.org>",
		.date = 1700000000,
	};
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_changelog_format(&e, &b, &err), 0);
	assert_string_equal(b.data,
			    "hello (2.10-5~bpo12+1) bookworm-backports; urgency=medium\n"
			    "\n"
			    "  * Rebuild for bookworm-backports.\n"
			    "  * Add patch fix-crash.patch: Fix a crash on empty input\n"
			    "  * Apply lower-debhelper.patch.\n"
			    "  * Fix CVE-2024-1234, CVE-2024-56789.\n"
			    "\n"
			    " -- Jane Doe <jane@example.org>  Tue, 14 Nov 2023 22:13:20 +0000\n");
	bpo_buf_destroy(&b);
}

static void test_format_text_and_wrap(void **state)
{
	struct bpo_changelog_patch patches[] = {
		{"0001-a-rather-long-patch-name-for-the-test.patch",
		 "Make the frobnicator handle inputs that are larger than the buffer it was "
		 "given by the caller without writing past its end", true},
	};
	struct bpo_changelog_entry e = {
		.source = "libfoo",
		.version = "1:1.0-1+acme1",
		.distribution = "bookworm",
		.urgency = "high",
		.text = "* Rebuild with our fix.\n\nSecond bullet from the recipe.",
		.patches = patches,
		.n_patches = 1,
		.maintainer = "A <a@b.c>",
		.date = 0,
	};
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_changelog_format(&e, &b, &err), 0);
	assert_string_equal(
		b.data,
		"libfoo (1:1.0-1+acme1) bookworm; urgency=high\n"
		"\n"
		"  * Rebuild with our fix.\n"
		"  * Second bullet from the recipe.\n"
		"  * Add patch 0001-a-rather-long-patch-name-for-the-test.patch: Make the\n"
		"    frobnicator handle inputs that are larger than the buffer it was given by\n"
		"    the caller without writing past its end\n"
		"\n"
		" -- A <a@b.c>  Thu, 01 Jan 1970 00:00:00 +0000\n");
	/* No line is longer than 80 columns. */
	for (const char *p = b.data; *p;) {
		size_t n = strcspn(p, "\n");
		assert_true(n <= BPO_CHANGELOG_WIDTH);
		p += n + (p[n] ? 1 : 0);
	}
	bpo_buf_destroy(&b);
}

static void test_wrap_long_word(void **state)
{
	char word[120];
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	char *text = bpo_xasprintf("short %s tail", word);
	struct bpo_changelog_entry e = {
		.source = "hello", .version = "1.0-1", .distribution = "unstable",
		.text = text, .maintainer = "A B <a@b.c>", .date = 86400,
	};
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_changelog_format(&e, &b, &err), 0);
	char *want = bpo_xasprintf("  * short\n    %s\n    tail\n", word);
	assert_non_null(strstr(b.data, want));
	free(want);
	free(text);
	bpo_buf_destroy(&b);
}

static void test_format_errors(void **state)
{
	const char *bad_cves[] = {"CVE-24-1", NULL};
	struct bpo_changelog_entry good = {
		.source = "hello", .version = "1.0-1", .distribution = "unstable",
		.maintainer = "A B <a@b.c>", .date = 0,
	};
	struct bpo_changelog_entry e;
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;
	bpo_buf_init(&b, 1u << 20);

	e = good;
	e.source = "Hello";
	assert_int_equal(bpo_changelog_format(&e, &b, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	e = good;
	e.version = "1.0 1";
	assert_int_equal(bpo_changelog_format(&e, &b, &err), -1);
	e = good;
	e.distribution = "unstable\nX";
	assert_int_equal(bpo_changelog_format(&e, &b, &err), -1);
	e = good;
	e.maintainer = "nobody";
	assert_int_equal(bpo_changelog_format(&e, &b, &err), -1);
	assert_non_null(strstr(err.msg, "Name <email>"));
	e = good;
	e.cves = bad_cves;
	assert_int_equal(bpo_changelog_format(&e, &b, &err), -1);
	assert_non_null(strstr(err.msg, "CVE-24-1"));
	bpo_buf_destroy(&b);
}

static void test_dates(void **state)
{
	char buf[64];
	time_t t;
	(void)state;
	bpo_changelog_date_format(1732570231, buf, sizeof(buf));
	assert_string_equal(buf, "Mon, 25 Nov 2024 21:30:31 +0000");
	assert_int_equal(bpo_changelog_date_parse(buf, &t), 0);
	assert_int_equal(t, 1732570231);
	assert_int_equal(bpo_changelog_date_parse("25 Nov 2024 22:30:31 +0100", &t), 0);
	assert_int_equal(t, 1732570231);
	assert_int_equal(bpo_changelog_date_parse("Mon, 25 Nov 2024 16:00:31 -0530", &t), 0);
	assert_int_equal(t, 1732570231);
	assert_int_equal(bpo_changelog_date_parse("Thu, 29 Feb 2024 00:00:00 +0000", &t), 0);
	assert_int_equal(t, 1709164800);
	assert_int_equal(bpo_changelog_date_parse("Mon, 25 Foo 2024 21:30:31 +0000", &t), -1);
	assert_int_equal(bpo_changelog_date_parse("Mon, 25 Nov 2024 21:30 +0000", &t), -1);
	assert_int_equal(bpo_changelog_date_parse("Mon, 25 Nov 2024 21:30:31", &t), -1);
	assert_int_equal(bpo_changelog_date_parse("Mon, 25 Nov 2024 21:30:31 +0000 x", &t), -1);
	assert_int_equal(bpo_changelog_date_parse("", &t), -1);
}

static void test_now(void **state)
{
	struct bpo_error err;
	time_t t;
	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(bpo_changelog_now(&t, &err), 0);
	assert_int_equal(t, 1700000000);
	setenv("SOURCE_DATE_EPOCH", "17e8", 1);
	assert_int_equal(bpo_changelog_now(&t, &err), -1);
	assert_int_equal(err.kind, BPO_E_USAGE);
	assert_non_null(strstr(err.msg, "SOURCE_DATE_EPOCH"));
	setenv("SOURCE_DATE_EPOCH", "-5", 1);
	assert_int_equal(bpo_changelog_now(&t, &err), -1);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(bpo_changelog_now(&t, &err), 0);
	assert_true(t > 1700000000);
}

static void test_maintainer(void **state)
{
	struct bpo_error err;
	char *m = NULL;
	(void)state;
	unsetenv("DEBFULLNAME");
	unsetenv("DEBEMAIL");
	assert_int_equal(bpo_changelog_maintainer("R <r@x.org>", "C", "c@x.org", &m, &err), 0);
	assert_string_equal(m, "R <r@x.org>");
	free(m);
	assert_int_equal(bpo_changelog_maintainer(NULL, "Conf Name", "c@x.org", &m, &err), 0);
	assert_string_equal(m, "Conf Name <c@x.org>");
	free(m);
	assert_int_equal(bpo_changelog_maintainer(NULL, NULL, NULL, &m, &err), -1);
	assert_null(m);
	assert_int_equal(err.kind, BPO_E_USAGE);
	assert_non_null(strstr(err.msg, "DEBFULLNAME"));
	setenv("DEBFULLNAME", "Env Name", 1);
	setenv("DEBEMAIL", "e@x.org", 1);
	assert_int_equal(bpo_changelog_maintainer(NULL, "Only Name", NULL, &m, &err), 0);
	assert_string_equal(m, "Env Name <e@x.org>");
	free(m);
	setenv("DEBEMAIL", "Mail Name <m@x.org>", 1);
	assert_int_equal(bpo_changelog_maintainer("", NULL, NULL, &m, &err), 0);
	assert_string_equal(m, "Mail Name <m@x.org>");
	free(m);
	assert_int_equal(bpo_changelog_maintainer("no email here", NULL, NULL, &m, &err), -1);
	assert_int_equal(err.kind, BPO_E_SYNTAX);
	assert_non_null(strstr(err.msg, "recipe"));
	unsetenv("DEBFULLNAME");
	unsetenv("DEBEMAIL");
}

/* ~/.devscripts, as dch reads it, when the environment says nothing */
static void test_maintainer_devscripts(void **state)
{
	(void)state;
	char dir[] = "/tmp/bpo-devscripts.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *f = bpo_path_join(dir, ".devscripts"), *old_home = getenv("HOME") ? bpo_xstrdup(getenv("HOME")) : NULL;
	static const char conf[] = "# devscripts\nDEBFULLNAME=\"Dev Scripts\"\n"
				   "  export DEBEMAIL='ds@x.org'\nDEBEMAIL=$USER@host\nDEBSIGN_KEYID=AB\n";
	struct bpo_error err;
	char *m = NULL;
	bpo_error_init(&err);
	assert_int_equal(bpo_file_write_atomic(f, conf, strlen(conf), 0644, &err), 0);
	setenv("HOME", dir, 1);
	unsetenv("DEBFULLNAME");
	unsetenv("DEBEMAIL");
	assert_int_equal(bpo_changelog_maintainer(NULL, NULL, NULL, &m, &err), 0);
	assert_string_equal(m, "Dev Scripts <ds@x.org>");
	free(m);
	/* the environment wins */
	setenv("DEBFULLNAME", "Env Name", 1);
	assert_int_equal(bpo_changelog_maintainer(NULL, NULL, NULL, &m, &err), 0);
	assert_string_equal(m, "Env Name <ds@x.org>");
	free(m);
	unsetenv("DEBFULLNAME");
	if (old_home)
		setenv("HOME", old_home, 1);
	unlink(f);
	rmdir(dir);
	free(f);
	free(old_home);
}

static const char old_changelog[] =
	"hello (2.10-3) unstable; urgency=low\n"
	"\n"
	"  * Fix things.\n"
	"    Continued.\n"
	"\n"
	" -- Santiago Vila <sanvila@debian.org>  Sat, 08 Oct 2022 21:08:09 +0200\n"
	"\n"
	"hello (2.10-2) unstable; urgency=medium\n"
	"\n"
	"  * Older.\n"
	"\n"
	" -- Santiago Vila <sanvila@debian.org>  Fri, 01 Jan 2021 00:00:00 +0000\n";

static void test_parse_top(void **state)
{
	struct bpo_changelog_top top;
	struct bpo_error err;
	(void)state;
	bpo_changelog_top_init(&top);
	assert_int_equal(bpo_changelog_parse_top(old_changelog, strlen(old_changelog), "cl", &top,
						 &err), 0);
	assert_string_equal(top.source, "hello");
	assert_string_equal(top.version, "2.10-3");
	assert_string_equal(top.distribution, "unstable");
	assert_string_equal(top.urgency, "low");
	assert_string_equal(top.maintainer, "Santiago Vila <sanvila@debian.org>");
	assert_string_equal(top.date_text, "Sat, 08 Oct 2022 21:08:09 +0200");
	assert_int_equal(top.date, 1665256089);
	bpo_changelog_top_destroy(&top);
}

static void test_parse_top_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"", "cl:1: expected a changelog entry"},
		{"hello 2.10-3 unstable; urgency=low\n", "cl:1: expected 'source (version)"},
		{"\nhello (2.10-3) unstable urgency=low\n", "cl:2: expected ';'"},
		{"hello (2.10-3) unstable; urgency=low\n\n  * x\n", "cl:3: expected the ' -- "},
		{"hello (2.10-3) unstable; urgency=low\nnot indented\n", "cl:2: expected an indented"},
		{"hello (2.10-3) unstable; urgency=low\n\n -- A <a@b.c>  yesterday\n",
		 "cl:3: date 'yesterday'"},
		{"hello (2.10-3) unstable; urgency=low\n\n -- nobody\n", "cl:3: expected ' -- Name"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_changelog_top top;
		struct bpo_error err;
		bpo_changelog_top_init(&top);
		assert_int_equal(bpo_changelog_parse_top(cases[i].text, strlen(cases[i].text), "cl",
							 &top, &err), -1);
		assert_int_equal(err.kind, BPO_E_SYNTAX);
		if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got '%s', want prefix '%s'", i, err.msg, cases[i].want);
		assert_null(top.source);
		bpo_changelog_top_destroy(&top);
	}
}

static void test_prepend_roundtrip(void **state)
{
	struct bpo_error err;
	struct bpo_changelog_top top;
	struct bpo_buf b;
	struct bpo_changelog_entry e = {
		.source = "hello", .version = "2.10-3~bpo12+1", .distribution = "bookworm-backports",
		.maintainer = "Jane Doe <jane@example.org>", .date = 1700000000,
	};
	(void)state;
	char *dir = bpo_mkdtemp(NULL, "test_changelog", &err);
	assert_non_null(dir);
	char *path = bpo_path_join(dir, "changelog");
	/* A missing file is an error, not a new changelog. */
	assert_int_equal(bpo_changelog_prepend(path, &e, &err), -1);
	assert_int_equal(bpo_file_write_atomic(path, old_changelog, strlen(old_changelog), 0644,
					       &err), 0);
	assert_int_equal(bpo_changelog_prepend(path, &e, &err), 0);
	bpo_changelog_top_init(&top);
	assert_int_equal(bpo_changelog_load_top(path, &top, &err), 0);
	assert_string_equal(top.version, "2.10-3~bpo12+1");
	assert_string_equal(top.distribution, "bookworm-backports");
	assert_int_equal(top.date, 1700000000);
	bpo_changelog_top_destroy(&top);
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_file_read(path, 1u << 20, &b, &err), 0);
	const char *old = strstr(b.data, "\n\nhello (2.10-3) unstable");
	assert_non_null(old);
	assert_string_equal(old + 2, old_changelog);
	bpo_buf_destroy(&b);
	assert_int_equal(bpo_rm_rf(dir, &err), 0);
	free(path);
	free(dir);
}

/* -v for dpkg-genchanges: the wanted version when the changelog has it, else
 * the highest one below it, else none. */
static void test_since_version(void **state)
{
	(void)state;
	static const char cl[] =
		"foo (1.4-1) unstable; urgency=medium\n\n  * New.\n\n -- A <a@b.c>  Mon, 01 Jan 2024 00:00:00 +0000\n\n"
		"foo (1.3-2) unstable; urgency=medium\n\n  * (not a header) foo (9.9-9)\n\n -- A <a@b.c>  Mon, 01 Jan 2023 00:00:00 +0000\n\n"
		"foo (1.2-1) unstable; urgency=low\n\n  * Old.\n\n -- A <a@b.c>  Mon, 01 Jan 2022 00:00:00 +0000\n";
	char *v = bpo_changelog_since_version(cl, sizeof(cl) - 1, "1.3-2");
	assert_string_equal(v, "1.3-2");
	free(v);
	/* a stable update the newer changelog lacks: the entry below it */
	v = bpo_changelog_since_version(cl, sizeof(cl) - 1, "1.3-2+deb12u1");
	assert_string_equal(v, "1.3-2");
	free(v);
	v = bpo_changelog_since_version(cl, sizeof(cl) - 1, "1.2-0.1");
	assert_null(v);
	assert_null(bpo_changelog_since_version(cl, sizeof(cl) - 1, NULL));
	assert_null(bpo_changelog_since_version("", 0, "1.0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_basic),
		cmocka_unit_test(test_format_text_and_wrap),
		cmocka_unit_test(test_wrap_long_word),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_maintainer),
		cmocka_unit_test(test_maintainer_devscripts),
		cmocka_unit_test(test_parse_top),
		cmocka_unit_test(test_parse_top_errors),
		cmocka_unit_test(test_prepend_roundtrip),
		cmocka_unit_test(test_since_version),
	};
	return cmocka_run_group_tests_name("changelog", tests, NULL, NULL);
}
