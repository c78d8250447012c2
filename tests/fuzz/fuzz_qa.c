/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for qa's parsers of tool output: apt/dpkg, lintian,
 * autopkgtest's summary file, and the control comparison. The first byte
 * picks the parser. Invariants: the number of findings stays under the cap;
 * lintian's E count covers its listed E tags; a control paragraph compared
 * with itself has no difference.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qa.h"
#include "xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_qa_report rep;
	struct bpo_qa_result *r;
	struct bpo_strv pk = {0};
	char *text;

	if (size < 1 || size > (1u << 20))
		return 0;
	text = bpo_xstrndup((const char *)data + 1, size - 1);
	bpo_qa_report_init(&rep);
	r = &rep.r[0];
	switch (data[0] % 4) {
	case 0: {
		bpo_strv_push(&pk, "foo");
		bpo_strv_push(&pk, "bpo-x");
		const char *cls = bpo_qa_parse_apt(text, "install", "install", &pk, r);
		if (!cls || (strcmp(cls, "deps") != 0 && strcmp(cls, "install") != 0))
			abort();
		if (r->n_items == 0)
			abort(); /* a failed step always has a finding */
		break;
	}
	case 1:
		bpo_qa_parse_lintian(text, r);
		if (r->n_items > r->lintian_counts[0])
			abort();
		break;
	case 2:
		if (bpo_qa_parse_autopkgtest(text, r) > (int)r->n_items)
			abort();
		break;
	default:
		if (bpo_qa_compare_control("p", text, text, r, NULL) == 0 && r->n_items != 0)
			abort();
		break;
	}
	if (r->n_items > 1000)
		abort();
	bpo_strv_destroy(&pk);
	bpo_qa_report_free(&rep);
	free(text);
	return 0;
}
