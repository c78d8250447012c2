/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for bpo_path_dirname (fsutil), table-driven against dirname(1). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fsutil.h"

static void test_dirname(void **state)
{
	/* what coreutils' dirname(1) prints for each */
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"a/b", "a"},       {"a/b/", "a"},     {"a//b", "a"},     {"/a", "/"},
		{"/a/", "/"},       {"/", "/"},        {"//", "/"},       {"a", "."},
		{"a/", "."},        {"", "."},         {".", "."},        {"..", "."},
		{"../x", ".."},     {"/x/y/z.dsc", "/x/y"}, {"x/./y", "x/."},
		{"/tmp/t/caf\xe9/f", "/tmp/t/caf\xe9"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = bpo_path_dirname(cases[i].in);
		if (strcmp(got, cases[i].out) != 0)
			fail_msg("dirname '%s': got '%s', expected '%s'", cases[i].in, got,
				 cases[i].out);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirname),
	};
	return cmocka_run_group_tests_name("paths", tests, NULL, NULL);
}
