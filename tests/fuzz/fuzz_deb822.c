/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for deb822: clearsign strip, then the paragraph parser.
 * Invariants: whatever parses is written back byte for byte (paragraphs plus
 * trailer); what a changed paragraph writes parses back to the same values.
 * The first input byte picks the parser flags.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deb822.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rewrite(struct bpo_deb822_para *para)
{
	struct bpo_buf out;
	struct bpo_error e;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para again;

	if (para->n > 2)
		bpo_deb822_remove(para, para->fields[1].name);
	bpo_deb822_set(para, "Version", "1.0-1~bpo12+1");
	bpo_deb822_insert_before(para, "Version", "X-Fuzz", "\n a\n b");
	bpo_buf_init(&out, 1u << 24);
	if (bpo_deb822_write(para, &out, &e) == 0) {
		/* The prefix may hold comments: parse with them allowed. */
		bpo_deb822_parser_init(&p, out.data, out.len, "rewrite", BPO_DEB822_COMMENTS);
		if (bpo_deb822_next(&p, &again, &e) != 1 || again.n != para->n)
			abort();
		for (size_t i = 0; i < para->n; i++)
			if (strcmp(again.fields[i].value, para->fields[i].value) != 0)
				abort();
		if (strcmp(bpo_deb822_get(&again, "version"), "1.0-1~bpo12+1") != 0 ||
		    strcmp(bpo_deb822_get(&again, "x-fuzz"), "\n a\n b") != 0)
			abort();
		bpo_deb822_para_destroy(&again);
	}
	bpo_buf_destroy(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_buf text, out;
	struct bpo_error e;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	bool is_signed;
	unsigned flags;
	int rc;
	size_t tl, n = 0;
	const char *t;

	if (size < 1)
		return 0;
	flags = (data[0] & 1) ? BPO_DEB822_COMMENTS : 0;
	data++;
	size--;
	bpo_buf_init(&text, 1u << 24);
	bpo_buf_init(&out, 1u << 24);
	if (bpo_deb822_clearsign_strip((const char *)data, size, "fuzz", &text, &is_signed, &e) <
	    0)
		goto out;
	if (!is_signed && (text.len != size || (size && memcmp(text.data, data, size) != 0)))
		abort(); /* unsigned input is copied unchanged */
	bpo_deb822_parser_init(&p, text.data ? text.data : "", text.len, "fuzz", flags);
	while ((rc = bpo_deb822_next(&p, &para, &e)) == 1) {
		if (para.n == 0 || !bpo_deb822_get(&para, para.fields[0].name))
			abort();
		if (bpo_deb822_write(&para, &out, &e) < 0)
			abort();
		if (n++ == 0)
			check_rewrite(&para);
		bpo_deb822_para_destroy(&para);
	}
	if (rc == 0) {
		t = bpo_deb822_trailer(&p, &tl);
		if (bpo_buf_append(&out, t, tl, &e) < 0)
			abort();
		if (out.len != text.len || (out.len && memcmp(out.data, text.data, out.len) != 0))
			abort(); /* round trip */
	}
out:
	bpo_buf_destroy(&text);
	bpo_buf_destroy(&out);
	return 0;
}
