/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "json.h"

#include <string.h>

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	/* the string's NUL stops this loop: it is no continuation byte */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Write s as a JSON string through emit, run by run: control characters and
 * DEL as escapes, each byte that is not part of well-formed UTF-8 as U+FFFD
 * (so that hostile names, e.g. from a tarball, still give valid JSON). */
static int escape(const char *s, int (*emit)(void *ctx, const char *p, size_t n), void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	if (emit(ctx, "\"", 1) < 0)
		return -1;
	while (*p) {
		unsigned char c = *p;
		char esc[7];
		size_t n = 0, len = utf8_len(p);
		if (len == 0) {
			memcpy(esc, "\\ufffd", 6);
			n = 6;
			len = 1;
		} else if (c == '"' || c == '\\') {
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
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (n) {
			if ((p > run && emit(ctx, (const char *)run, (size_t)(p - run)) < 0) ||
			    emit(ctx, esc, n) < 0)
				return -1;
			run = p + len;
		}
		p += len;
	}
	if (p > run && emit(ctx, (const char *)run, (size_t)(p - run)) < 0)
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

/* Append s as a JSON string, or null when s is NULL (see json.h). */
int bpo_json_str(struct bpo_buf *out, const char *s, struct bpo_error *err)
{
	struct buf_ctx c = {out, err};
	if (!s)
		return bpo_buf_puts(out, "null", err);
	return escape(s, emit_buf, &c);
}

/* Append ,"key": (or "key": when first) and s as a JSON string (see json.h). */
int bpo_json_member(struct bpo_buf *out, bool first, const char *key, const char *s,
		    struct bpo_error *err)
{
	if ((!first && bpo_buf_puts(out, ",", err) < 0) || bpo_json_str(out, key, err) < 0 ||
	    bpo_buf_puts(out, ":", err) < 0)
		return -1;
	return bpo_json_str(out, s, err);
}

/* Write s as a JSON string, or null, to f (see json.h). */
void bpo_json_fputs(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	escape(s, emit_file, f);
}

int bpo_json_lit_str(struct bpo_buf *out, const char *lit, const char *s, struct bpo_error *err)
{
	if (bpo_buf_puts(out, lit, err) < 0)
		return -1;
	return bpo_json_str(out, s, err);
}

int bpo_json_strv(struct bpo_buf *out, char *const *v, size_t n, const char *sep,
		  struct bpo_error *err)
{
	if (bpo_buf_puts(out, "[", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (bpo_json_lit_str(out, i ? sep : "", v[i], err) < 0)
			return -1;
	return bpo_buf_puts(out, "]", err);
}

void bpo_json_fput(FILE *f, const char *lit, const char *s)
{
	fputs(lit, f);
	bpo_json_fputs(f, s);
}

void bpo_json_fstrv(FILE *f, char *const *v, size_t n, const char *sep)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		bpo_json_fput(f, i ? sep : "", v[i]);
	fputc(']', f);
}
