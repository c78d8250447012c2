/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for depends (relationship fields) and plan (build order). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "depends.h"
#include "plan.h"

static void roundtrip(const char *in, const char *want)
{
	struct bpo_deps d;
	struct bpo_error e;
	struct bpo_buf b;
	assert_int_equal(bpo_deps_parse(&d, in, "Build-Depends", &e), 0);
	bpo_buf_init(&b, 1 << 16);
	assert_int_equal(bpo_deps_format(&d, &b, &e), 0);
	assert_string_equal(b.data ? b.data : "", want);
	bpo_buf_destroy(&b);
	bpo_deps_destroy(&d);
}

static void test_deps_parse(void **state)
{
	(void)state;
	roundtrip("debhelper-compat (= 13), libfoo-dev (>= 1.2~) | libbar-dev",
		  "debhelper-compat (= 13), libfoo-dev (>= 1.2~) | libbar-dev");
	roundtrip("  python3:any <!nocheck>,\n gcc-multilib [amd64 i386] ,",
		  "python3:any <!nocheck>, gcc-multilib [amd64 i386]");
	roundtrip("a(<<2),b (> 1), c (< 3)", "a (<< 2), b (>= 1), c (<= 3)");
	roundtrip("x <!nocheck> <stage1 cross>", "x <!nocheck> <stage1 cross>");
	roundtrip("", "");

	struct bpo_deps d;
	struct bpo_error e;
	assert_int_equal(bpo_deps_parse(&d, "a, b | c", "Depends", &e), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.groups[1].n, 2);
	assert_true(bpo_deps_mentions(&d, "c"));
	assert_false(bpo_deps_mentions(&d, "d"));
	bpo_deps_destroy(&d);
}

static void test_deps_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{"a (>= )", "Depends: 'a': expected 'version)'"},
		{"a (~ 1)", "Depends: 'a': expected a relation (<< <= = >= >>)"},
		{"a [amd64", "Depends: 'a': missing ']'"},
		{"a, , b", "Depends: expected a package name at offset 3"},
		{"a b", "Depends: unexpected 'b' at offset 2"},
		{"a (>= 1", "Depends: 'a': expected 'version)'"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bpo_deps d;
		struct bpo_error e;
		assert_int_equal(bpo_deps_parse(&d, bad[i].in, "Depends", &e), -1);
		assert_int_equal(e.kind, BPO_E_SYNTAX);
		assert_string_equal(e.msg, bad[i].msg);
	}
}

static void test_plan_order_and_cycle(void **state)
{
	struct bpo_deps da, db, dc;
	struct bpo_error e;
	struct bpo_plan plan;
	const char *ba[] = {"liba1", "liba-dev", NULL};
	const char *bb[] = {"b-tool", NULL};
	const char *bc[] = {"c", NULL};
	(void)state;
	assert_int_equal(bpo_deps_parse(&da, "debhelper-compat (= 13)", "a", &e), 0);
	assert_int_equal(bpo_deps_parse(&db, "liba-dev (>= 1), c", "b", &e), 0);
	assert_int_equal(bpo_deps_parse(&dc, "debhelper", "c", &e), 0);
	/* b is listed first but needs a and c. */
	struct bpo_plan_node nodes[] = {
		{"b", "r/b.yaml", bb, &db},
		{"a", "r/a.yaml", ba, &da},
		{"c", "r/c.yaml", bc, &dc},
	};
	assert_int_equal(bpo_plan_make(&plan, nodes, 3, &e), 0);
	assert_string_equal(nodes[plan.order[0]].name, "a");
	assert_string_equal(nodes[plan.order[1]].name, "c");
	assert_string_equal(nodes[plan.order[2]].name, "b");
	struct bpo_buf mk;
	bpo_buf_init(&mk, 1 << 16);
	assert_int_equal(bpo_plan_write_make(&plan, nodes, NULL, NULL, &mk, &e), 0);
	assert_non_null(strstr(mk.data, "\nb: a c\n\t$(BPO) build $(BPO_FLAGS) r/b.yaml\n"));
	assert_non_null(strstr(mk.data, "all: a c b\n"));
	assert_non_null(strstr(mk.data, "\nBPO ?= bpo\nBPO_FLAGS ?=\n"));
	bpo_buf_destroy(&mk);

	/* flags and paths quoted for sh, $ doubled for make */
	static const char *const bpo[] = {"bpo", "--config", "/etc/my bpo.conf", NULL};
	static const char *const flags[] = {"--repo", "/srv/it's", "--target-suites", "a$b", NULL};
	nodes[0].recipe_path = "r/my b.yaml";
	bpo_buf_init(&mk, 1 << 16);
	assert_int_equal(bpo_plan_write_make(&plan, nodes, bpo, flags, &mk, &e), 0);
	assert_non_null(strstr(mk.data, "\nBPO ?= bpo --config '/etc/my bpo.conf'\n"));
	assert_non_null(strstr(mk.data, "\nBPO_FLAGS ?= --repo '/srv/it'\\''s' "
					"--target-suites 'a$$b'\n"));
	assert_non_null(strstr(mk.data, "$(BPO) build $(BPO_FLAGS) 'r/my b.yaml'\n"));
	bpo_buf_destroy(&mk);
	nodes[0].recipe_path = "r/b.yaml";
	bpo_plan_destroy(&plan);

	/* a now needs b's tool: a -> b -> a. */
	bpo_deps_destroy(&da);
	assert_int_equal(bpo_deps_parse(&da, "b-tool", "a", &e), 0);
	assert_int_equal(bpo_plan_make(&plan, nodes, 3, &e), -1);
	assert_string_equal(e.msg, "build dependency cycle: b -> a -> b "
				   "(each needs the next one's binaries)");
	bpo_deps_destroy(&da);
	bpo_deps_destroy(&db);
	bpo_deps_destroy(&dc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deps_parse),
		cmocka_unit_test(test_deps_errors),
		cmocka_unit_test(test_plan_order_and_cycle),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
