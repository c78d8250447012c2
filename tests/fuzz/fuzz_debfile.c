/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for debfile: a hostile .deb (ar, then a compressed
 * control tarball). Invariants: success gives a non-empty control text
 * without NUL bytes and within BPO_MAX_CONTROL; failure gives a message.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "debfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_buf b;
	struct bpo_error err;

	bpo_error_init(&err);
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	if (bpo_debfile_read_control_mem(data, size, "fuzz.deb", &b, &err) == 0) {
		if (b.len == 0 || b.len > BPO_MAX_CONTROL || memchr(b.data, '\0', b.len))
			abort();
	} else if (err.msg[0] == '\0') {
		abort();
	}
	bpo_buf_destroy(&b);
	return 0;
}
