/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for dsc: a .dsc or Sources stanza (hostile, from any
 * mirror). Invariants: a parsed file list has only safe names, valid sha256
 * hex, and no duplicates.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsc.h"
#include "fsutil.h"
#include "hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_dsc d;
	struct bpo_error err;

	if (bpo_dsc_parse(&d, (const char *)data, size, "fuzz.dsc", &err) == 0) {
		for (size_t i = 0; i < d.n_files; i++) {
			if (!bpo_path_component_ok(d.files[i].name) ||
			    !bpo_sha256_hex_valid(d.files[i].sha256))
				abort();
			for (size_t j = 0; j < i; j++)
				if (strcmp(d.files[i].name, d.files[j].name) == 0)
					abort();
		}
		if (d.directory && !bpo_path_relative_ok(d.directory))
			abort();
		bpo_dsc_destroy(&d);
	}
	return 0;
}
