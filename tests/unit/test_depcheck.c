/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for depcheck.h: reading dose-builddebcheck's report; the view
 * of the extra suites that the pin decision gives the solver. */
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
#include "depcheck.h"
#include "pipeline.h"

/* dose-builddebcheck 7.0's output for painintheapt (trixie) on bookworm */
static const char direct[] =
	"output-version: 1.2\n"
	"native-architecture: amd64\n"
	"report:\n"
	" -\n"
	"  package: painintheapt\n"
	"  version: 0.20220226-4\n"
	"  architecture: all\n"
	"  type: src\n"
	"  status: broken\n"
	"  reasons:\n"
	"   -\n"
	"    missing:\n"
	"     pkg:\n"
	"      package: painintheapt\n"
	"      version: 0.20220226-4\n"
	"      architecture: all\n"
	"      type: src\n"
	"      unsat-dependency: debhelper:amd64 (>= 13.11.6~)\n"
	" \n"
	"binary-packages: 63441\n"
	"source-packages: 1\n"
	"broken-packages: 1\n";

/* a dependency of a build dependency, a conflict, and a repeated reason */
static const char deep[] =
	"report:\n"
	" -\n"
	"  package: foo\n"
	"  type: src\n"
	"  status: broken\n"
	"  reasons:\n"
	"   -\n"
	"    missing:\n"
	"     pkg:\n"
	"      package: libbar-dev\n"
	"      version: 1.0-1\n"
	"      unsat-dependency: libbaz1 (>= 2) | libbaz2\n"
	"     depchains:\n"
	"      -\n"
	"       depchain:\n"
	"        -\n"
	"         package: foo\n"
	"         depends: libbar-dev\n"
	"   -\n"
	"    conflict:\n"
	"     pkg1:\n"
	"      package: foo\n"
	"      unsat-conflict: oldtool\n"
	"   -\n"
	"    missing:\n"
	"     pkg:\n"
	"      package: libbar-dev\n"
	"      unsat-dependency: libbaz1 (>= 2) | libbaz2\n";

static void test_parse_direct(void **state)
{
	struct bpo_depcheck_result r;
	(void)state;
	bpo_depcheck_result_init(&r);
	bpo_depcheck_parse_dose(direct, "painintheapt", &r);
	assert_int_equal(r.n_unmet, 1);
	assert_string_equal(r.unmet[0].relation, "debhelper:amd64 (>= 13.11.6~)");
	assert_null(r.unmet[0].needed_by);
	bpo_depcheck_result_destroy(&r);
	/* nothing broken: nothing unmet */
	bpo_depcheck_result_init(&r);
	bpo_depcheck_parse_dose("report:\nbroken-packages: 0\n", "x", &r);
	assert_int_equal(r.n_unmet, 0);
	bpo_depcheck_parse_dose(NULL, "x", &r);
	assert_int_equal(r.n_unmet, 0);
	bpo_depcheck_result_destroy(&r);
}

static void test_parse_deep(void **state)
{
	struct bpo_depcheck_result r;
	struct bpo_buf b;
	(void)state;
	bpo_depcheck_result_init(&r);
	bpo_depcheck_parse_dose(deep, "foo", &r);
	assert_int_equal(r.n_unmet, 2);
	assert_string_equal(r.unmet[0].relation, "libbaz1 (>= 2) | libbaz2");
	assert_string_equal(r.unmet[0].needed_by, "libbar-dev");
	assert_string_equal(r.unmet[1].relation, "conflict: oldtool");
	assert_null(r.unmet[1].needed_by);
	bpo_buf_init(&b, 1u << 16);
	bpo_depcheck_json(&r, &b);
	assert_non_null(strstr(b.data, "\"satisfiable\":false"));
	assert_non_null(strstr(b.data, "{\"relation\":\"libbaz1 (>= 2) | libbaz2\",\"needed_by\":"
				       "\"libbar-dev\",\"explanation\":null}"));
	bpo_buf_destroy(&b);
	bpo_depcheck_result_destroy(&r);
}

/* what apt takes of an extra suite: packages the base lacks, and pinned
 * versions; not a newer version of a base package that is not pinned */
static void test_view(void **state)
{
	(void)state;
	static const char base[] = "Package: libfoo2\nVersion: 2.2-1\n\n"
				   "Package: libbaz-dev\nVersion: 1.0-1\n\n"
				   "Package: build-essential\nVersion: 12.9\n";
	static const char extra[] = "Package: libfoo2\nVersion: 2.4-1\nArchitecture: all\n\n"
				    "Package: libbaz-dev\nVersion: 1.5-1\n\n\n"
				    "Package: libnew-dev\nVersion: 1.0-1\nDepends: libfoo2\n\n"
				    "Package: libfoo2\nVersion: 2.3-1\n";
	struct bpo_strv names = {0};
	struct bpo_buf out;
	const char *ex[] = {extra};

	bpo_depcheck_names(base, &names);
	assert_int_equal(names.n, 3);
	assert_string_equal(names.v[0], "build-essential");
	assert_string_equal(names.v[1], "libbaz-dev");
	assert_string_equal(names.v[2], "libfoo2");

	bpo_buf_init(&out, 1u << 20);
	bpo_depcheck_view(ex, 1, &names, NULL, 0, &out);
	assert_string_equal(out.data, "Package: libnew-dev\nVersion: 1.0-1\nDepends: libfoo2\n\n");

	char p0[] = "libfoo2", p1[] = "2.4-1", p2[] = "bpo", p3[] = "libfoo2 (>= 2.4)";
	struct bpo_depcheck_pin pin = {p0, p1, p2, p3};
	out.len = 0;
	bpo_depcheck_view(ex, 1, &names, &pin, 1, &out);
	assert_string_equal(out.data, "Package: libfoo2\nVersion: 2.4-1\nArchitecture: all\n\n"
				      "Package: libnew-dev\nVersion: 1.0-1\nDepends: libfoo2\n\n");
	bpo_buf_destroy(&out);
	bpo_strv_destroy(&names);
}

/* the closure: by name and Provides, over Depends and Pre-Depends (with
 * continuation lines, alternatives, arch qualifiers), Essential ones always;
 * what nothing reaches is left out */
static void test_closure(void **state)
{
	(void)state;
	static const char f0[] = "Package: libfoo-dev\nVersion: 1\nDepends: libfoo1 (= 1),\n libc6:any | libc-alt\n\n"
				 "Package: libfoo1\nVersion: 1\nPre-Depends: dpkg\n\n"
				 "Package: unrelated\nVersion: 1\nDepends: libfoo1\n\n"
				 "Package: base-files\nVersion: 12\nEssential: yes\n\n"
				 "Package: dpkg\nVersion: 1.21\n\n";
	static const char f1[] = "Package: glibc-prov\nVersion: 2\nProvides: libc6 (= 2.36)\n\n"
				 "Package: libfoo-dev\nVersion: 2\nDepends: libbar\n\n"
				 "Package: libbar\nVersion: 1\n\n"
				 "Package: other\nVersion: 1\n";
	const char *data[] = {f0, f1};
	struct bpo_buf out[2];
	bpo_buf_init(&out[0], 1u << 20);
	bpo_buf_init(&out[1], 1u << 20);
	bpo_depcheck_closure(data, 2, " libfoo-dev (>= 1) [amd64] <!nocheck>,", out);
	assert_string_equal(out[0].data,
			    "Package: libfoo-dev\nVersion: 1\nDepends: libfoo1 (= 1),\n libc6:any | libc-alt\n\n"
			    "Package: libfoo1\nVersion: 1\nPre-Depends: dpkg\n\n"
			    "Package: base-files\nVersion: 12\nEssential: yes\n\n"
			    "Package: dpkg\nVersion: 1.21\n\n");
	assert_string_equal(out[1].data, "Package: glibc-prov\nVersion: 2\nProvides: libc6 (= 2.36)\n\n"
					 "Package: libfoo-dev\nVersion: 2\nDepends: libbar\n\n"
					 "Package: libbar\nVersion: 1\n\n");
	bpo_buf_destroy(&out[0]);
	bpo_buf_destroy(&out[1]);
}

/* the trap of relaxing: the warnings of an older toolchain, once each */
static void test_build_warnings(void **state)
{
	(void)state;
	static const char log[] =
		"dh_gencontrol\n"
		"dpkg-gencontrol: warning: package foo: substitution variable ${python3:Provides} used, "
		"but is not defined\n"
		"dpkg-gencontrol: warning: package foo: substitution variable ${python3:Provides} used, "
		"but is not defined\n"
		"dpkg-gencontrol: warning: substitution variable ${misc:Pre-Depends} used, but is not defined\n"
		"dpkg-buildflags: warning: unknown hardening feature in DEB_BUILD_MAINT_OPTIONS variable: "
		"branch\n"
		"dpkg-gencontrol: warning: Depends field of package foo: substitution variable ${shlibs:Depends} "
		"unused\n";
	struct bpo_strv w = {0};
	bpo_pipeline_build_warnings(log, &w);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[0], "undefined substitution variable ${python3:Provides} in package foo "
				    "(dpkg-gencontrol: an empty field in the package)");
	assert_string_equal(w.v[1], "undefined substitution variable ${misc:Pre-Depends} "
				    "(dpkg-gencontrol: an empty field in the package)");
	assert_string_equal(w.v[2], "unknown hardening feature in DEB_BUILD_MAINT_OPTIONS variable: branch "
				    "(the release's dpkg-buildflags ignores it)");
	bpo_strv_destroy(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_direct),
		cmocka_unit_test(test_parse_deep),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_build_warnings),
	};
	return cmocka_run_group_tests_name("depcheck", tests, NULL, NULL);
}
