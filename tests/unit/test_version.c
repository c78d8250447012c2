/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for version: dpkg's parse rules and ordering, on tables and on
 * thousands of real version pairs with dpkg's verdicts (tests/data/versions). */
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
#include "version.h"
#include "xmem.h"

/* Verdicts checked with dpkg --compare-versions 1.21.23. */
static const struct {
	const char *a, *b;
	int cmp;
} order_cases[] = {
	{"1.0~rc1", "1.0", -1},
	{"1.0~", "1.0", -1},
	{"1.0~~", "1.0~", -1},
	{"1.0~~a", "1.0~~", 1},
	{"1.0", "1.0-0", 0},
	{"1.0", "1.0.0", -1},
	{"01", "1", 0},
	{"1:0", "0:9", 1},
	{"0:1.0", "1.0", 0},
	{"1.0a", "1.0", 1},
	{"1.0a", "1.0+", -1},
	{"1.0+", "1.0.", -1},
	{"1.0.1", "1.0a", 1},
	{"1.0-1", "1.0-1~bpo12+1", 1},
	{"1.0-1~bpo12+1", "1.0-1~bpo12+2", -1},
	{"1.0-1~bpo11+1", "1.0-1~bpo12+1", -1},
	{"2.0~bpo12+1", "2.0", -1},
	{"1.0-1+deb12u1", "1.0-1+b1", 1},
	{"1.0-1.1", "1.0-1+b1", 1},
	{"10", "9", 1},
	{"1.10", "1.9", 1},
	{"1.0-10", "1.0-9", 1},
	{"a", "a", 0},
	{"1:1:1", "1:1.1", 1},
	{"2147483647:1", "2147483646:9", 1},
	{"1.0-1-1", "1.0-1", 1},
	{"9.99999999999999999999", "9.999999999999999999990", -1},
	{"1~", "1", -1},
	{"~", "0", -1},
	{"1.a", "1.A", 1},
	{"1.Z", "1.a", -1},
	{"1.+", "1.~", 1},
	{"0.0", "0", 1},
	{"1-0", "1", 0},
	{"000:1", "0:1", 0},
};

static void test_order_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
		int c = bpo_version_compare_str(order_cases[i].a, order_cases[i].b);
		int r = bpo_version_compare_str(order_cases[i].b, order_cases[i].a);
		if (c != order_cases[i].cmp || r != -order_cases[i].cmp)
			fail_msg("%s vs %s: got %d/%d, dpkg says %d", order_cases[i].a,
				 order_cases[i].b, c, r, order_cases[i].cmp);
	}
}

/* dpkg's own words; level 1 = dpkg warns (strict parse fails, lax parse succeeds). */
static const struct {
	const char *s;
	int level;
	const char *msg;
} bad_cases[] = {
	{"", -1, "invalid version '': version string is empty"},
	{"  \t", -1, "invalid version '  \\x09': version string is empty"},
	{"1 2", -1, "invalid version '1 2': version string has embedded spaces"},
	{":1", -1, "invalid version ':1': epoch in version is empty"},
	{"x:1", -1, "invalid version 'x:1': epoch in version is empty"},
	{"0x1:1", -1, "invalid version '0x1:1': epoch in version is not number"},
	{"1-a:b", -1, "invalid version '1-a:b': epoch in version is not number"},
	{"-1:2", -1, "invalid version '-1:2': epoch in version is negative"},
	{"2147483648:1", -1, "invalid version '2147483648:1': epoch in version is too big"},
	{"99999999999999999999:1", -1,
	 "invalid version '99999999999999999999:1': epoch in version is too big"},
	{"1:", -1, "invalid version '1:': nothing after colon in version number"},
	{"1-", -1, "invalid version '1-': revision number is empty"},
	{"1.0-", -1, "invalid version '1.0-': revision number is empty"},
	{"1:-1", -1, "invalid version '1:-1': version number is empty"},
	{"a1", 1, "version 'a1' has bad syntax: version number does not start with digit"},
	{"1:~", 1, "version '1:~' has bad syntax: version number does not start with digit"},
	{"1_2", 1, "version '1_2' has bad syntax: invalid character in version number"},
	{"1-2_3", 1, "version '1-2_3' has bad syntax: invalid character in revision number"},
	{"1:1:1-1:1", 1,
	 "version '1:1:1-1:1' has bad syntax: invalid character in revision number"},
	{"1\xc3\xa9", 1,
	 "version '1\\xc3\\xa9' has bad syntax: invalid character in version number"},
};

static void test_invalid_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct bpo_version v = {0};
		struct bpo_error e;
		const char *strict = bad_cases[i].msg;
		bpo_error_init(&e);
		int rc = bpo_version_parse_lax(&v, bad_cases[i].s, &e);
		if (rc != bad_cases[i].level || strcmp(e.msg, bad_cases[i].msg) != 0)
			fail_msg("case %zu: lax rc %d msg '%s', want %d '%s'", i, rc, e.msg,
				 bad_cases[i].level, bad_cases[i].msg);
		bpo_version_destroy(&v);
		bpo_error_init(&e);
		assert_int_equal(bpo_version_parse(&v, bad_cases[i].s, &e), -1);
		assert_int_equal(e.kind, BPO_E_SYNTAX);
		assert_null(v.upstream);
		/* Strict errors say "invalid version" for both levels. */
		if (bad_cases[i].level < 0)
			assert_string_equal(e.msg, strict);
		else
			assert_non_null(strstr(e.msg, "invalid version '"));
	}
}

static void test_parse_fields(void **state)
{
	static const struct {
		const char *s;
		unsigned epoch;
		const char *up, *rev, *formatted;
	} cases[] = {
		{"1.0", 0, "1.0", "", "1.0"},
		{" 1.0-1 ", 0, "1.0", "1", "1.0-1"},
		{"1:2.3-4", 1, "2.3", "4", "1:2.3-4"},
		{"+1:2", 1, "2", "", "1:2"},
		{"00:1", 0, "1", "", "1"},
		{"2147483647:1", 2147483647u, "1", "", "2147483647:1"},
		{"1.0-1-2", 0, "1.0-1", "2", "1.0-1-2"},
		{"1:2:3", 1, "2:3", "", "1:2:3"},
		{"0:1:2", 0, "1:2", "", "0:1:2"}, /* the epoch stays: upstream has a ':' */
		{"3.0~rc1+dfsg-1~bpo12+1", 0, "3.0~rc1+dfsg", "1~bpo12+1",
		 "3.0~rc1+dfsg-1~bpo12+1"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_version v;
		struct bpo_error e;
		if (bpo_version_parse(&v, cases[i].s, &e) != 0)
			fail_msg("'%s': %s", cases[i].s, e.msg);
		assert_int_equal(v.epoch, cases[i].epoch);
		assert_string_equal(v.upstream, cases[i].up);
		assert_string_equal(v.revision, cases[i].rev);
		char *f = bpo_version_format(&v);
		assert_string_equal(f, cases[i].formatted);
		free(f);
		bpo_version_destroy(&v);
		bpo_version_destroy(&v); /* twice is harmless */
	}
}

static void test_relation(void **state)
{
	static const struct {
		const char *a, *op, *b;
		bool result;
	} cases[] = {
		{"1", "lt", "2", true},   {"1", "<<", "2", true},  {"2", "lt", "2", false},
		{"2", "le", "2", true},   {"2", "<=", "2", true},  {"3", "le", "2", false},
		{"2", "eq", "2.0~", false}, {"2", "=", "0:2-0", true}, {"2", "ne", "2", false},
		{"2", "ne", "3", true},   {"2", "ge", "2", true},  {"2", ">=", "3", false},
		{"3", "gt", "2", true},   {"3", ">>", "3", false}, {"a", "gt", "1", true},
	};
	struct bpo_error e;
	bool r;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = !cases[i].result;
		bpo_error_init(&e);
		assert_int_equal(bpo_version_relation(cases[i].a, cases[i].op, cases[i].b, &r, &e),
				 0);
		if (r != cases[i].result)
			fail_msg("%s %s %s", cases[i].a, cases[i].op, cases[i].b);
		assert_int_equal(e.kind, BPO_E_NONE);
	}
	assert_int_equal(bpo_version_relation("1", "<", "2", &r, &e), -1);
	assert_int_equal(e.kind, BPO_E_USAGE);
	assert_string_equal(e.msg,
			    "unknown operator '<' (expected lt le eq ne ge gt << <= = >= >>)");
	assert_int_equal(bpo_version_relation("1", "lt", "1:", &r, &e), -1);
	assert_int_equal(e.kind, BPO_E_SYNTAX);
	assert_string_equal(e.msg, "invalid version '1:': nothing after colon in version number");
	assert_false(bpo_version_op_valid("gte"));
	assert_true(bpo_version_op_valid(">>"));
}

static void test_hostile(void **state)
{
	struct bpo_version v;
	struct bpo_error e;
	char *big = bpo_xmalloc(5000);
	(void)state;
	memset(big, '1', 4999);
	big[4999] = '\0';
	assert_int_equal(bpo_version_parse(&v, big, &e), -1);
	assert_non_null(strstr(e.msg, "longer than 1024"));
	assert_true(strlen(e.msg) < 200); /* the message quotes a bounded prefix */
	/* Lenient compare never fails and stays a total order. */
	assert_int_equal(bpo_version_compare_str(big, big), 0);
	assert_int_equal(bpo_version_compare_str("1:", "1:"), 0);
	assert_int_equal(bpo_version_compare_str("\x01\xff", "1"), 1);
	assert_int_equal(bpo_version_compare_str("1.\x80", "1.+"), -1); /* amd64 dpkg */
	/* A hand-built version formats to something that parses back equal. */
	struct bpo_version h = {0, bpo_xstrdup("1-2"), bpo_xstrdup("")}, back;
	char *f = bpo_version_format(&h);
	assert_string_equal(f, "1-2-0");
	assert_int_equal(bpo_version_parse(&back, f, &e), 0);
	assert_int_equal(bpo_version_compare(&h, &back), 0);
	bpo_version_destroy(&back);
	bpo_version_destroy(&h);
	free(f);
	free(big);
}

static char *data_path(const char *name)
{
	const char *src = getenv("BPO_SRCDIR");
	return bpo_xasprintf("%s/tests/data/versions/%s", src ? src : ".", name);
}

static void test_real_pairs(void **state)
{
	char *path = data_path("pairs.txt");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, lt = 0, gt = 0;
	ssize_t len;
	(void)state;
	if (!f)
		fail_msg("cannot open %s (set BPO_SRCDIR)", path);
	while ((len = getline(&line, &cap, f)) > 0) {
		char a[512], op[4], b[512];
		struct bpo_version va, vb;
		struct bpo_error e;
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%511s %3s %511s", a, op, b) != 3)
			fail_msg("%s: bad line '%s'", path, line);
		int want = op[0] == '<' ? -1 : op[0] == '=' ? 0 : 1;
		if (bpo_version_parse(&va, a, &e) != 0 || bpo_version_parse(&vb, b, &e) != 0)
			fail_msg("real version rejected: %s", e.msg);
		int got = bpo_version_compare(&va, &vb);
		int back = bpo_version_compare(&vb, &va);
		if (got != want || back != -want)
			fail_msg("%s %s %s: bpo says %d", a, op, b, got);
		lt += want < 0;
		gt += want > 0;
		n++;
		bpo_version_destroy(&va);
		bpo_version_destroy(&vb);
	}
	free(line);
	fclose(f);
	free(path);
	assert_true(n > 5000);
	assert_true(lt > 1000 && gt > 1000);
}

static int cmp_str(const void *a, const void *b)
{
	return bpo_version_compare_str(*(char *const *)a, *(char *const *)b);
}

static void test_real_sorted(void **state)
{
	char *path = data_path("sorted.txt");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	struct bpo_strv sv = {0};
	(void)state;
	assert_non_null(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		bpo_strv_push(&sv, line);
		n++;
	}
	assert_true(n > 3000);
	/* Adjacent lines are in order (dpkg's chain verdicts say the same). */
	for (size_t i = 0; i + 1 < n; i++)
		if (bpo_version_compare_str(sv.v[i], sv.v[i + 1]) > 0)
			fail_msg("%s > %s", sv.v[i], sv.v[i + 1]);
	/* Sorting a reversed copy yields an ordered list too (transitivity). */
	char **copy = bpo_xreallocarray(NULL, n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		copy[i] = sv.v[n - 1 - i];
	qsort(copy, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(bpo_version_compare_str(copy[i], copy[i + 1]) <= 0);
	free(copy);
	free(line);
	fclose(f);
	free(path);
	bpo_strv_destroy(&sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_table),  cmocka_unit_test(test_invalid_table),
		cmocka_unit_test(test_parse_fields), cmocka_unit_test(test_relation),
		cmocka_unit_test(test_hostile),      cmocka_unit_test(test_real_pairs),
		cmocka_unit_test(test_real_sorted),
	};
	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
