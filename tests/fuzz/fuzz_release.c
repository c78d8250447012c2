/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for index's Release parser and its Date/Valid-Until
 * checks (the text is signed, but by a key we only trust so far). Invariant:
 * every listed path is a safe relative path with a valid sha256.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "hash.h"
#include "index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_release rel;
	struct bpo_error err;
	char date[64];
	time_t t;

	bpo_release_init(&rel);
	if (bpo_release_parse(&rel, (const char *)data, size, "fuzz", &err) == 0) {
		for (size_t i = 0; i < rel.n_files; i++)
			if (!bpo_path_relative_ok(rel.files[i].name) ||
			    !bpo_sha256_hex_valid(rel.files[i].sha256))
				abort();
		bpo_release_check(&rel, "stable", 1731145681, "fuzz", &err);
	}
	bpo_release_destroy(&rel);
	/* The date parser alone on the first line. */
	{
		size_t n = size < sizeof(date) - 1 ? size : sizeof(date) - 1;
		memcpy(date, data, n);
		date[n] = '\0';
		bpo_release_parse_date(date, &t);
	}
	return 0;
}
