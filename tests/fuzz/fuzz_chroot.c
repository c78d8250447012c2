/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the chroot/build parsers: image metadata, release
 * configuration (YAML), /etc/subuid text and apt's unmet-dependency output.
 * The first byte picks the parser. Invariants: parsed metadata re-parses to
 * the same text; parsed names are safe file-name components.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "chroot.h"
#include "fsutil.h"
#include "xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	char *s;
	size_t n;

	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	n = size - 1;
	switch (data[0] % 4) {
	case 0: {
		struct bpo_chroot_meta m, m2;
		if (bpo_chroot_meta_parse(&m, text, n, "fuzz.meta", NULL) == 0) {
			char *f = bpo_chroot_meta_format(&m);
			if (!bpo_chroot_name_ok(m.release) || !bpo_path_component_ok(m.tarball))
				abort();
			if (bpo_chroot_meta_parse(&m2, f, strlen(f), "again", NULL) != 0)
				abort();
			char *f2 = bpo_chroot_meta_format(&m2);
			if (strcmp(f, f2) != 0)
				abort();
			free(f2);
			free(f);
			bpo_chroot_meta_destroy(&m2);
			bpo_chroot_meta_destroy(&m);
		}
		break;
	}
	case 1: {
		struct bpo_chroot_conf c;
		if (bpo_chroot_conf_parse(&c, text, n, "fuzz.yaml", NULL) == 0) {
			if (!bpo_chroot_name_ok(c.suite) || c.components.n == 0)
				abort();
			bpo_chroot_conf_destroy(&c);
		}
		break;
	}
	case 2: {
		unsigned long start = 0, count = 0;
		s = bpo_xstrndup(text, n);
		if (bpo_ns_subid_find(s, "user", 1000, 65536, &start, &count, NULL) == 0 &&
		    (count < 65536 || start == 0))
			abort();
		free(s);
		break;
	}
	default:
		s = bpo_xstrndup(text, n);
		free(bpo_build_unmet_deps(s));
		free(s);
		break;
	}
	return 0;
}
