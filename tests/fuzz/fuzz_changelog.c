/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for changelog: the input is a debian/changelog (hostile:
 * it comes from an unpacked source package). Invariants: the top-entry
 * parser never crashes; an entry written from what it parsed (when the fields
 * are valid for writing) parses back to the same fields; a parsed date
 * formats to a string that parses back to the same time.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "changelog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 9999-12-31T23:59:59Z: the last time a four-digit year can say. */
#define LAST_DATE 253402300799LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_changelog_top top, again;
	struct bpo_buf out;

	if (size > 65536)
		return 0;
	bpo_changelog_top_init(&top);
	bpo_changelog_top_init(&again);
	bpo_buf_init(&out, 1u << 20);
	if (bpo_changelog_parse_top((const char *)data, size, "fuzz", &top, NULL) == 0) {
		if (!top.source || !top.version || !top.distribution || !top.maintainer ||
		    !top.date_text)
			abort();
		if (top.date >= 0 && (long long)top.date <= LAST_DATE) {
			char buf[64];
			time_t t;
			bpo_changelog_date_format(top.date, buf, sizeof(buf));
			if (bpo_changelog_date_parse(buf, &t) < 0 || t != top.date)
				abort();
			struct bpo_changelog_entry e = {
				.source = top.source,
				.version = top.version,
				.distribution = top.distribution,
				.urgency = top.urgency,
				.maintainer = top.maintainer,
				.date = top.date,
			};
			if (bpo_changelog_format(&e, &out, NULL) == 0) {
				if (bpo_changelog_parse_top(out.data, out.len, "again", &again, NULL) < 0)
					abort();
				if (strcmp(again.source, top.source) != 0 ||
				    strcmp(again.version, top.version) != 0 ||
				    strcmp(again.distribution, top.distribution) != 0 ||
				    strcmp(again.maintainer, top.maintainer) != 0 ||
				    again.date != top.date)
					abort();
			}
		}
	}
	bpo_changelog_top_destroy(&top);
	bpo_changelog_top_destroy(&again);
	bpo_buf_destroy(&out);
	return 0;
}
