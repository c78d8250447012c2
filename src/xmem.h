/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xmem: allocation that aborts on out-of-memory, overflow-checked sizes, and
 * small string helpers. Every bpo_x* function either succeeds or aborts.
 */
#ifndef BPO_XMEM_H
#define BPO_XMEM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *bpo_xmalloc(size_t n);
void *bpo_xcalloc(size_t nmemb, size_t size);
void *bpo_xrealloc(void *p, size_t n);
/* realloc to nmemb*size, aborting on overflow. */
void *bpo_xreallocarray(void *p, size_t nmemb, size_t size);
char *bpo_xstrdup(const char *s);
char *bpo_xstrndup(const char *s, size_t n);
char *bpo_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *bpo_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow an array (*arr, *cap) so that it holds at least need elements. */
void bpo_xgrow(void **arr, size_t *cap, size_t need, size_t elem);
#define BPO_GROW(arr, cap, need) bpo_xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* A NULL-terminated list of owned strings. */
struct bpo_strv {
	char **v;
	size_t n, cap;
};
void bpo_strv_push(struct bpo_strv *sv, const char *s);
void bpo_strv_push_owned(struct bpo_strv *sv, char *s);
void bpo_strv_destroy(struct bpo_strv *sv);

bool bpo_str_has_prefix(const char *s, const char *prefix);
bool bpo_str_has_suffix(const char *s, const char *suffix);

#endif
