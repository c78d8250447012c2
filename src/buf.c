/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "buf.h"
#include "xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bpo_buf_init(struct bpo_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void bpo_buf_destroy(struct bpo_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void bpo_buf_reset(struct bpo_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct bpo_buf *b, size_t n, size_t *need, struct bpo_error *err)
{
	if (__builtin_add_overflow(b->len, n, need) || *need > b->max)
		return bpo_error_set(err, BPO_E_FAIL, "data larger than the limit of %zu bytes",
				     b->max);
	if (*need + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < *need + 1)
			ncap = ncap > b->max ? *need + 1 : ncap * 2;
		b->data = bpo_xrealloc(b->data, ncap);
		b->cap = ncap;
	}
	return 0;
}

int bpo_buf_reserve(struct bpo_buf *b, size_t n, struct bpo_error *err)
{
	size_t need;
	if (grow(b, n, &need, err) < 0)
		return -1;
	b->data[b->len] = '\0';
	return 0;
}

int bpo_buf_append(struct bpo_buf *b, const void *p, size_t n, struct bpo_error *err)
{
	size_t need;
	if (grow(b, n, &need, err) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len = need;
	b->data[b->len] = '\0';
	return 0;
}

int bpo_buf_puts(struct bpo_buf *b, const char *s, struct bpo_error *err)
{
	return bpo_buf_append(b, s, strlen(s), err);
}

int bpo_buf_printf(struct bpo_buf *b, struct bpo_error *err, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;
	va_start(ap, fmt);
	s = bpo_xvasprintf(fmt, ap);
	va_end(ap);
	rc = bpo_buf_append(b, s, strlen(s), err);
	free(s);
	return rc;
}

char *bpo_buf_steal(struct bpo_buf *b, size_t *len)
{
	char *d = b->data ? b->data : bpo_xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
