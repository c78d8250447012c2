/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buf: a growable byte buffer with a maximum size (as curl's dynbuf): input of
 * each kind has a named cap, so hostile input cannot exhaust memory. The data
 * is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef BPO_BUF_H
#define BPO_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

/* Named maxima for kinds of input. */
#define BPO_MAX_CONTROL   (16u << 20)   /* a .dsc, .changes, control file, Release */
#define BPO_MAX_RECIPE    (1u << 20)    /* a recipe or config file */
#define BPO_MAX_INDEX     (2048u << 20) /* an uncompressed Packages/Sources index */
#define BPO_MAX_PATCH     (256u << 20)  /* one patch file */
#define BPO_MAX_SIGNATURE (1u << 20)    /* a detached signature */

struct bpo_buf {
	char *data;
	size_t len, cap, max;
};

void bpo_buf_init(struct bpo_buf *b, size_t max);
void bpo_buf_destroy(struct bpo_buf *b);
void bpo_buf_reset(struct bpo_buf *b);
/* Append n bytes; -1 (BPO_E_FAIL "too large") when max would be exceeded. */
int bpo_buf_append(struct bpo_buf *b, const void *p, size_t n, struct bpo_error *err);
int bpo_buf_puts(struct bpo_buf *b, const char *s, struct bpo_error *err);
/* Make room for n more bytes without changing len (one allocation for input of
 * a known size); -1 as bpo_buf_append when max would be exceeded. */
int bpo_buf_reserve(struct bpo_buf *b, size_t n, struct bpo_error *err);
int bpo_buf_printf(struct bpo_buf *b, struct bpo_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hand the data over to the caller (NUL-terminated, never NULL); b is reset. */
char *bpo_buf_steal(struct bpo_buf *b, size_t *len);

#endif
