/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "json.h"

#include <string.h>

/* Escape into a small stack buffer chunk by chunk; calls emit for each piece. */
static int escape(const char *s, int (*emit)(void *ctx, const char *p, size_t n), void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	if (emit(ctx, "\"", 1) < 0)
		return -1;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[7];
		size_t n = 0;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c == '\n') {
			memcpy(esc, "\\n", 2);
			n = 2;
		} else if (c == '\t') {
			memcpy(esc, "\\t", 2);
			n = 2;
		} else if (c == '\r') {
			memcpy(esc, "\\r", 2);
			n = 2;
		} else if (c < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (!n)
			continue;
		if ((p > run && emit(ctx, run, (size_t)(p - run)) < 0) || emit(ctx, esc, n) < 0)
			return -1;
		run = p + 1;
	}
	if (*run && emit(ctx, run, strlen(run)) < 0)
		return -1;
	return emit(ctx, "\"", 1);
}

struct buf_ctx {
	struct bpo_buf *out;
	struct bpo_error *err;
};

static int emit_buf(void *ctx, const char *p, size_t n)
{
	struct buf_ctx *c = ctx;
	return bpo_buf_append(c->out, p, n, c->err);
}

static int emit_file(void *ctx, const char *p, size_t n)
{
	return fwrite(p, 1, n, (FILE *)ctx) == n ? 0 : -1;
}

int bpo_json_str(struct bpo_buf *out, const char *s, struct bpo_error *err)
{
	struct buf_ctx c = {out, err};
	if (!s)
		return bpo_buf_puts(out, "null", err);
	return escape(s, emit_buf, &c);
}

void bpo_json_fputs(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	escape(s, emit_file, f);
}
