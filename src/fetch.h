/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fetch: downloads with libcurl (http, https, file) and the content cache.
 *
 * A file with a known sha256 is downloaded to <cache>/partial/<name>.part
 * (resumed with a Range request when a partial file is there), its size and
 * sha256 checked, and only then renamed to <cache>/by-sha256/<sha256>: only
 * verified content ever enters the cache, and a file already in the cache is
 * not downloaded again. Index files whose hash is not known in advance
 * (InRelease, Release.gpg, a .dsc URL) are fetched into memory with a size cap.
 *
 * Transfers run in parallel (curl multi) with a connect timeout, a stall
 * (low-speed) timeout and retries with exponential backoff on transient errors
 * (connection refused/reset, timeouts, HTTP 5xx, a transfer cut short); never
 * on 404 or other 4xx. Proxies come from the environment (libcurl's default).
 * Progress: a bar on a TTY, one line per file otherwise.
 *
 * Errors: BPO_E_VERIFY for a size or hash mismatch or a file larger than its
 * cap, BPO_E_NOTFOUND for 404/410, BPO_E_IO for network trouble after retries.
 */
#ifndef BPO_FETCH_H
#define BPO_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct bpo_fetcher {
	char *cache_dir;          /* owned; by-sha256/ and partial/ live under it */
	unsigned connect_timeout; /* seconds, default 30 */
	unsigned stall_timeout;   /* seconds below 1 byte/s before giving up, default 60 */
	unsigned retries;         /* extra attempts on transient errors, default 4 */
	unsigned backoff_ms;      /* first retry delay, doubled each time, default 500 */
	unsigned parallel;        /* transfers at once, default 4 */
	bool progress;            /* print progress (default: true) */
	unsigned long n_requests; /* transfers started (for tests and --verbose) */
};

/* Set defaults; cache_dir is copied (and created on first use). Environment
 * overrides for tests: BPO_FETCH_RETRIES, BPO_FETCH_BACKOFF_MS. */
void bpo_fetcher_init(struct bpo_fetcher *f, const char *cache_dir);
void bpo_fetcher_destroy(struct bpo_fetcher *f);

/* One file to fetch into the cache. */
struct bpo_fetch_req {
	const char *url;     /* borrowed */
	const char *name;    /* file name for the .part file (a path component) */
	const char *label;   /* for messages (NULL: name) */
	uint64_t size;       /* expected size (exact), or with any_size the cap */
	bool any_size;       /* size not known in advance (a pinned patch): only sha256 */
	char sha256[65];     /* expected sha256, lower-case hex */
	/* results */
	char *path;          /* owned: <cache>/by-sha256/<sha256> when verified */
	bool from_cache;     /* it was there already: no download */
	struct bpo_error err; /* this file's error when it failed */
};

/* Fetch every request (in parallel), verifying size and sha256. Returns 0 when
 * all are in the cache; else -1 with err describing the first failure (each
 * request's own err says what happened to it). */
int bpo_fetch_files(struct bpo_fetcher *f, struct bpo_fetch_req *reqs, size_t n,
		    struct bpo_error *err);

/* Download url into out (appending) with a cap of max bytes; nothing is
 * cached. name is used in messages. With allow_missing, a 404 returns 1 (not
 * an error) so callers can fall back (InRelease -> Release). */
int bpo_fetch_buf(struct bpo_fetcher *f, const char *url, const char *name, size_t max,
		  bool allow_missing, struct bpo_buf *out, struct bpo_error *err);

/* Path of a cached blob (owned), whether or not it exists. */
char *bpo_fetch_cache_path(const struct bpo_fetcher *f, const char *sha256);

/* Join a base URL and a relative path with one '/'. */
char *bpo_url_join(const char *base, const char *rel);
/* The directory part of a URL (up to and including the last '/' of the path). */
char *bpo_url_dirname(const char *url);
/* The last path component of a URL (owned), or NULL when there is none. */
char *bpo_url_basename(const char *url);

#endif
