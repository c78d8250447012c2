/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for version: the input is "A\nB". Invariants: compare is
 * antisymmetric and reflexive (also the lenient string compare), a parsed
 * version formats to a string that parses to an equal version, and the
 * relation operators agree with compare.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_format(const struct bpo_version *v)
{
	struct bpo_version w;
	char *s = bpo_version_format(v);
	if (bpo_version_parse_lax(&w, s, NULL) < 0 || bpo_version_compare(v, &w) != 0)
		abort();
	bpo_version_destroy(&w);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *a, *b;
	struct bpo_version va, vb;
	int ra, rb;

	if (size > 4096)
		return 0;
	a = bpo_xstrndup((const char *)data, nl ? (size_t)(nl - data) : size);
	b = nl ? bpo_xstrndup((const char *)nl + 1, size - (size_t)(nl + 1 - data))
	       : bpo_xstrdup("1.0");
	if (bpo_version_compare_str(a, b) != -bpo_version_compare_str(b, a) ||
	    bpo_version_compare_str(a, a) != 0)
		abort();
	ra = bpo_version_parse_lax(&va, a, NULL);
	rb = bpo_version_parse_lax(&vb, b, NULL);
	if (ra >= 0) {
		if (bpo_version_compare(&va, &va) != 0)
			abort();
		check_format(&va);
	}
	if (ra >= 0 && rb >= 0) {
		int c = bpo_version_compare(&va, &vb);
		bool lt, eq, gt;
		if (c != -bpo_version_compare(&vb, &va) || c < -1 || c > 1)
			abort();
		if (bpo_version_compare_str(a, b) != c)
			abort();
		if (bpo_version_relation(a, "lt", b, &lt, NULL) < 0 ||
		    bpo_version_relation(a, "=", b, &eq, NULL) < 0 ||
		    bpo_version_relation(a, ">>", b, &gt, NULL) < 0)
			abort();
		if (lt != (c < 0) || eq != (c == 0) || gt != (c > 0))
			abort();
	}
	if (ra >= 0)
		bpo_version_destroy(&va);
	if (rb >= 0)
		bpo_version_destroy(&vb);
	free(a);
	free(b);
	return 0;
}
