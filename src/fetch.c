/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fetch: libcurl transfers and the verified content cache (see fetch.h). */
#include "config.h"
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "hash.h"
#include "log.h"
#include "xmem.h"

#define BACKOFF_MAX_MS 30000u
/* How long to wait for another bpo process that is downloading the same file. */
#define BUSY_WAIT_MS (600u * 1000u)
#define BUSY_POLL_MS 250u

enum xstate { X_PENDING, X_ACTIVE, X_DONE };

struct xfer {
	struct bpo_fetcher *f;
	const char *url, *name;
	/* file mode */
	struct bpo_fetch_req *req;
	char *part;        /* partial/<name>.part */
	int fd;
	uint64_t have;     /* bytes in the .part file when the attempt started */
	uint64_t written;  /* bytes written by this attempt */
	bool resumed;      /* this attempt asked for a Range */
	bool checked_code; /* first write of this attempt seen */
	/* buffer mode */
	struct bpo_buf *buf;
	size_t buf_start;
	bool allow_missing, missing;
	uint64_t cap;      /* maximum total size */
	bool too_big;
	/* scheduling */
	enum xstate state;
	unsigned attempt;
	uint64_t busy_since; /* another process held the .part lock since then (0: no) */
	uint64_t next_at;
	CURL *easy;
	char curl_msg[CURL_ERROR_SIZE];
	/* progress */
	curl_off_t dl_now, dl_total;
	struct bpo_error err;
	int rc;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static unsigned env_unsigned(const char *name, unsigned dflt)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;
	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000ul)
		return dflt;
	return (unsigned)v;
}

/* One DNS cache and connection pool for the whole process, so that the
 * fetches of one run (each InRelease, each index, the source) reuse the
 * mirror's connection instead of resolving and connecting again. A forked
 * child (qa's parallel checks) makes its own: a connection must not be used
 * by two processes. */
static CURLSH *share;
static pid_t share_pid;

static void share_free(void)
{
	if (share && share_pid == getpid())
		curl_share_cleanup(share);
	share = NULL;
}

static CURLSH *process_share(void)
{
	static bool registered;
	if (share && share_pid == getpid())
		return share;
	share = curl_share_init();
	share_pid = getpid();
	if (!share)
		return NULL;
	curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	if (!registered) {
		atexit(share_free);
		registered = true;
	}
	return share;
}

/* bpo_fetcher_init: defaults (see fetch.h); cache_dir is copied. */
void bpo_fetcher_init(struct bpo_fetcher *f, const char *cache_dir)
{
	memset(f, 0, sizeof(*f));
	f->cache_dir = bpo_xstrdup(cache_dir);
	f->connect_timeout = 30;
	f->stall_timeout = env_unsigned("BPO_FETCH_STALL_TIMEOUT", 60);
	f->retries = env_unsigned("BPO_FETCH_RETRIES", 4);
	f->backoff_ms = env_unsigned("BPO_FETCH_BACKOFF_MS", 500);
	f->parallel = 4;
	f->progress = true;
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* bpo_fetcher_destroy: free what f owns. */
void bpo_fetcher_destroy(struct bpo_fetcher *f)
{
	if (!f)
		return;
	free(f->cache_dir);
	f->cache_dir = NULL;
}

/* bpo_fetch_cache_path: <cache>/by-sha256/<sha256>. */
char *bpo_fetch_cache_path(const struct bpo_fetcher *f, const char *sha256)
{
	return bpo_xasprintf("%s/by-sha256/%s", f->cache_dir, sha256);
}

/* bpo_url_join: base + "/" + rel, with exactly one '/'. */
char *bpo_url_join(const char *base, const char *rel)
{
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	while (*rel == '/')
		rel++;
	return bpo_xasprintf("%.*s/%s", (int)bl, base, rel);
}

/* bpo_url_dirname: the URL up to and including the last '/' of its path. */
char *bpo_url_dirname(const char *url)
{
	const char *q = strpbrk(url, "?#");
	size_t len = q ? (size_t)(q - url) : strlen(url);
	while (len > 0 && url[len - 1] != '/')
		len--;
	return bpo_xstrndup(url, len);
}

/* bpo_url_basename: the last path component (owned), or NULL. */
char *bpo_url_basename(const char *url)
{
	const char *q = strpbrk(url, "?#");
	size_t end = q ? (size_t)(q - url) : strlen(url), start = end;
	char *s;
	while (start > 0 && url[start - 1] != '/')
		start--;
	if (start == end)
		return NULL;
	s = bpo_xstrndup(url + start, end - start);
	if (!bpo_path_component_ok(s)) {
		free(s);
		return NULL;
	}
	return s;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb;

	if (!x->checked_code) {
		long code = 0;
		x->checked_code = true;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
		if (x->req && x->resumed && code == 200) {
			/* The server ignored our Range: start the file again. */
			if (ftruncate(x->fd, 0) < 0 || lseek(x->fd, 0, SEEK_SET) < 0)
				return 0;
			x->have = 0;
		}
	}
	if (x->have + x->written + n > x->cap) {
		x->too_big = true;
		return 0;
	}
	if (x->req) {
		if (bpo_write_all(x->fd, ptr, n, x->part, &x->err) < 0)
			return 0;
	} else if (bpo_buf_append(x->buf, ptr, n, NULL) < 0) {
		x->too_big = true;
		return 0;
	}
	x->written += n;
	return n;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = userdata;
	(void)ultotal;
	(void)ulnow;
	x->dl_now = dlnow;
	x->dl_total = dltotal;
	return 0;
}

static void setopt_protocols(CURL *e)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
}

static bool cached_ok(struct bpo_fetcher *f, struct bpo_fetch_req *r);

/*
 * Start one attempt of x: 0 started, 1 busy (another process downloads the
 * same file: try again later), 2 done (the other process put it in the
 * cache meanwhile), -1 (x done with an error) when it cannot start.
 */
static int start(struct xfer *x, CURLM *m)
{
	struct bpo_fetcher *f = x->f;
	CURL *e;

	x->written = 0;
	x->too_big = false;
	x->resumed = false;
	x->checked_code = false;
	x->curl_msg[0] = '\0';
	x->dl_now = x->dl_total = 0;
	if (x->req) {
		struct stat st;
		x->fd = open(x->part, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (x->fd < 0 || fstat(x->fd, &st) < 0 || !S_ISREG(st.st_mode))
			return bpo_error_set(&x->err, BPO_E_IO, "%s: cannot open: %s", x->part,
					     strerror(errno));
		/* One writer per .part file across processes: lock it, and make sure
		 * the file locked is still the one at that path (not renamed away). */
		{
			struct stat now;
			if (flock(x->fd, LOCK_EX | LOCK_NB) < 0) {
				if (errno != EWOULDBLOCK)
					return bpo_error_set(&x->err, BPO_E_IO, "%s: cannot lock: %s",
							     x->part, strerror(errno));
				close(x->fd);
				x->fd = -1;
				return 1;
			}
			if (stat(x->part, &now) < 0 || now.st_ino != st.st_ino ||
			    now.st_dev != st.st_dev) {
				close(x->fd);
				x->fd = -1;
				return 1;
			}
		}
		if (x->busy_since && cached_ok(f, x->req)) {
			x->req->from_cache = true;
			unlink(x->part);
			close(x->fd);
			x->fd = -1;
			return 2;
		}
		x->have = (uint64_t)st.st_size;
		if (x->have >= x->req->size || x->req->any_size) {
			/* Complete or too long: whatever it is, start afresh. */
			if (ftruncate(x->fd, 0) < 0)
				return bpo_error_set(&x->err, BPO_E_IO, "%s: cannot truncate: %s",
						     x->part, strerror(errno));
			x->have = 0;
		}
		if (lseek(x->fd, 0, SEEK_END) < 0)
			return bpo_error_set(&x->err, BPO_E_IO, "%s: cannot seek: %s", x->part,
					     strerror(errno));
	} else {
		x->buf->len = x->buf_start;
		if (x->buf->data)
			x->buf->data[x->buf->len] = '\0';
		x->have = 0;
	}
	e = curl_easy_init();
	if (!e)
		return bpo_error_set(&x->err, BPO_E_FAIL, "cannot initialise libcurl");
	x->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	setopt_protocols(e);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)f->connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)f->stall_timeout);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "bpo/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->curl_msg);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	if (process_share())
		curl_easy_setopt(e, CURLOPT_SHARE, share);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap);
	if (x->have > 0) {
		curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->have);
		x->resumed = true;
		bpo_verbose("%s: resuming at byte %" PRIu64, x->name, x->have);
	}
	if (curl_multi_add_handle(m, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		x->easy = NULL;
		return bpo_error_set(&x->err, BPO_E_FAIL, "cannot add a libcurl transfer");
	}
	f->n_requests++;
	x->state = X_ACTIVE;
	return 0;
}

/* Hash the finished .part file and move it into the cache when it verifies. */
static int verify_part(struct xfer *x, struct bpo_error *err)
{
	struct bpo_fetch_req *r = x->req;
	char hex[BPO_HASH_HEX_MAX];
	uint64_t size = 0;
	char *dst = NULL;
	int rc = -1;

	if (bpo_hash_file(x->part, BPO_HASH_SHA256, hex, &size, err) < 0)
		goto out;
	if (!r->any_size && size != r->size) {
		bpo_error_set(err, BPO_E_VERIFY,
			      "%s: size mismatch: got %" PRIu64 " bytes, expected %" PRIu64
			      " (%s the index says)", x->name, size, r->size,
			      size < r->size ? "truncated: shorter than" : "longer than");
		goto out;
	}
	if (strcmp(hex, r->sha256) != 0) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: SHA256 mismatch: got %s, expected %s",
			      x->name, hex, r->sha256);
		goto out;
	}
	dst = bpo_fetch_cache_path(x->f, r->sha256);
	if (rename(x->part, dst) < 0) {
		bpo_error_set(err, BPO_E_IO, "cannot move %s to %s: %s", x->part, dst,
			      strerror(errno));
		goto out;
	}
	if (bpo_fsync_parent(dst, err) < 0)
		goto out;
	r->path = dst;
	dst = NULL;
	rc = 0;
out:
	if (rc < 0)
		unlink(x->part); /* never keep unverified bytes for a later resume */
	free(dst);
	return rc;
}

static bool transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool progress_tty(const struct bpo_fetcher *f)
{
	return f->progress && bpo_log_is_tty() && bpo_log_level() >= BPO_LOG_NORMAL;
}

/* Wipe the progress bar so that a message gets a clean line. */
static void clear_bar(const struct bpo_fetcher *f)
{
	if (progress_tty(f)) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* Classify a finished attempt. Returns 1 to retry, 0 when x is done. */
static int finish(struct xfer *x, CURLM *m, CURLcode cc)
{
	long code = 0;
	bool retry = false;

	clear_bar(x->f);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(m, x->easy);
	curl_easy_cleanup(x->easy);
	x->easy = NULL;
	if (x->req && x->fd >= 0 && cc != CURLE_OK) {
		close(x->fd);
		x->fd = -1;
	}
	if (x->err.kind != BPO_E_NONE) {
		x->rc = -1;
	} else if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		bpo_error_set(&x->err, BPO_E_VERIFY,
			      "%s: larger than expected: more than %" PRIu64 " bytes (%s)",
			      x->name, x->cap, x->url);
		if (x->req)
			unlink(x->part);
		x->rc = -1;
	} else if (cc == CURLE_OK) {
		x->rc = 0;
		if (x->req) {
			/* Verified and renamed while the lock is still held. */
			x->rc = verify_part(x, &x->err);
			if (close(x->fd) < 0 && x->rc == 0)
				x->rc = bpo_error_set(&x->err, BPO_E_IO, "%s: cannot write: %s",
						      x->part, strerror(errno));
			x->fd = -1;
		}
		if (x->rc == 0)
			bpo_info("fetched %s (%" PRIu64 " bytes)", x->name, x->have + x->written);
	} else if (cc == CURLE_HTTP_RETURNED_ERROR &&
		   (code == 404 || code == 410)) {
		if (x->allow_missing) {
			x->missing = true;
			x->rc = 0;
		} else {
			bpo_error_set(&x->err, BPO_E_NOTFOUND, "%s: not found (HTTP %ld): %s", x->name,
				      code, x->url);
			x->rc = -1;
		}
	} else if (cc == CURLE_FILE_COULDNT_READ_FILE) {
		if (x->allow_missing) {
			x->missing = true;
			x->rc = 0;
		} else {
			bpo_error_set(&x->err, BPO_E_NOTFOUND, "%s: not found: %s", x->name, x->url);
			x->rc = -1;
		}
	} else {
		if (cc == CURLE_HTTP_RETURNED_ERROR)
			retry = code >= 500 || code == 408 || code == 429;
		else
			retry = transient_curl(cc);
		if (cc == CURLE_RANGE_ERROR && x->req) {
			/* The server cannot resume: drop the partial file, start again. */
			unlink(x->part);
			retry = true;
		}
		if (cc == CURLE_HTTP_RETURNED_ERROR)
			bpo_error_set(&x->err, BPO_E_IO, "%s: download failed: HTTP %ld: %s",
				      x->name, code, x->url);
		else
			bpo_error_set(&x->err, BPO_E_IO, "%s: download failed: %s: %s", x->name,
				      x->curl_msg[0] ? x->curl_msg : curl_easy_strerror(cc), x->url);
		x->rc = -1;
	}
	if (x->req && x->fd >= 0) {
		close(x->fd);
		x->fd = -1;
	}
	if (retry && x->attempt < x->f->retries) {
		uint64_t delay = x->f->backoff_ms;
		for (unsigned i = 0; i < x->attempt && delay < BACKOFF_MAX_MS; i++)
			delay *= 2;
		if (delay > BACKOFF_MAX_MS)
			delay = BACKOFF_MAX_MS;
		bpo_warn("%s; retrying in %" PRIu64 " ms (attempt %u of %u)", x->err.msg, delay,
			 x->attempt + 2, x->f->retries + 1);
		bpo_error_init(&x->err);
		x->attempt++;
		x->next_at = now_ms() + delay;
		x->state = X_PENDING;
		return 1;
	}
	if (retry && x->attempt > 0)
		bpo_error_prefix(&x->err, "after %u attempts", x->attempt + 1);
	if (x->rc < 0 && x->req) {
		/* Keep a partial download only if a later run can resume it. */
		struct stat st;
		if (!retry || lstat(x->part, &st) < 0 || st.st_size == 0)
			unlink(x->part);
	}
	x->state = X_DONE;
	return 0;
}

/* "1.2 MiB" into out. */
static void fmt_bytes(double b, char *out, size_t n)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;
	while (b >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		b /= 1024;
		u++;
	}
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void show_progress(struct xfer *xs, size_t n, uint64_t *last, uint64_t t_start)
{
	curl_off_t now = 0, total = 0;
	size_t active = 0, done = 0;
	uint64_t t = now_ms();
	char bar[31], got[32], all[32], rate[32];
	int pct;
	bool known = true;

	if (t - *last < 200)
		return;
	*last = t;
	for (size_t i = 0; i < n; i++) {
		if (xs[i].state == X_ACTIVE)
			active++;
		if (xs[i].state == X_DONE)
			done++;
		/* a transfer not started or without a length yet: the total is not known */
		if (xs[i].state != X_DONE && xs[i].dl_total <= 0)
			known = false;
		now += xs[i].dl_now;
		total += xs[i].dl_total;
	}
	pct = known && total > 0 ? (int)(now * 100 / total) : (int)(done * 100 / (n ? n : 1));
	if (pct > 100)
		pct = 100;
	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : ' ';
	bar[30] = '\0';
	fmt_bytes((double)now, got, sizeof(got));
	fmt_bytes((double)total, all, sizeof(all));
	fmt_bytes(t > t_start ? (double)now * 1000.0 / (double)(t - t_start) : 0, rate, sizeof(rate));
	fprintf(stderr, "\r\033[K[%s] %3d%% %s%s%s, %s/s, %zu/%zu files, %zu active", bar, pct, got,
		known ? " of " : "", known ? all : "", rate, done, n, active);
	fflush(stderr);
}

/* Run all transfers to completion (each ends with x->rc and x->err). */
static int run(struct bpo_fetcher *f, struct xfer *xs, size_t n, struct bpo_error *err)
{
	CURLM *m = curl_multi_init();
	size_t left = 0, active = 0;
	uint64_t last = 0, t_start = now_ms();
	bool tty = progress_tty(f);

	if (!m)
		return bpo_error_set(err, BPO_E_FAIL, "cannot initialise libcurl");
	for (size_t i = 0; i < n; i++)
		if (xs[i].state != X_DONE)
			left++;
	while (left > 0) {
		uint64_t t = now_ms(), wake = UINT64_MAX;
		int running = 0, queued;
		CURLMsg *msg;

		for (size_t i = 0; i < n && active < (f->parallel ? f->parallel : 1); i++) {
			struct xfer *x = &xs[i];
			if (x->state != X_PENDING)
				continue;
			if (x->next_at > t) {
				if (x->next_at < wake)
					wake = x->next_at;
				continue;
			}
			switch (start(x, m)) {
			case 0:
				active++;
				break;
			case 1:
				if (!x->busy_since) {
					x->busy_since = t ? t : 1;
					clear_bar(f);
					bpo_info("%s: another bpo is downloading it; waiting", x->name);
				} else if (t - x->busy_since > BUSY_WAIT_MS) {
					bpo_error_set(&x->err, BPO_E_IO,
						      "%s: %s stayed locked by another process", x->name,
						      x->part);
					x->rc = -1;
					x->state = X_DONE;
					left--;
					break;
				}
				x->next_at = t + BUSY_POLL_MS;
				if (x->next_at < wake)
					wake = x->next_at;
				break;
			case 2:
				x->rc = 0;
				x->state = X_DONE;
				left--;
				break;
			default:
				if (x->req && x->fd >= 0) {
					close(x->fd);
					x->fd = -1;
				}
				x->rc = -1;
				x->state = X_DONE;
				left--;
				break;
			}
		}
		if (active == 0) {
			if (left > 0 && wake != UINT64_MAX && wake > t) {
				struct timespec ts = {(time_t)((wake - t) / 1000),
						      (long)((wake - t) % 1000) * 1000000L};
				nanosleep(&ts, NULL);
			}
			continue;
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &queued))) {
			struct xfer *x = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			active--;
			if (finish(x, m, msg->data.result) == 0)
				left--;
		}
		if (tty)
			show_progress(xs, n, &last, t_start);
		if (left > 0 && active > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	if (tty)
		clear_bar(f);
	curl_multi_cleanup(m);
	return 0;
}

static bool cached_ok(struct bpo_fetcher *f, struct bpo_fetch_req *r)
{
	char *path = bpo_fetch_cache_path(f, r->sha256);
	char hex[BPO_HASH_HEX_MAX];
	uint64_t size = 0;
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (r->any_size ? (uint64_t)st.st_size > r->size : (uint64_t)st.st_size != r->size)) {
		free(path);
		return false;
	}
	/* Re-hash: a damaged cache entry must not pass as verified. */
	if (bpo_hash_file(path, BPO_HASH_SHA256, hex, &size, NULL) < 0 ||
	    strcmp(hex, r->sha256) != 0 || (!r->any_size && size != r->size)) {
		bpo_warn("%s: cache entry %s is damaged; downloading again", r->name, path);
		unlink(path);
		free(path);
		return false;
	}
	r->path = path;
	return true;
}

/* bpo_fetch_files: download (in parallel), verify, and cache every request. */
int bpo_fetch_files(struct bpo_fetcher *f, struct bpo_fetch_req *reqs, size_t n,
		    struct bpo_error *err)
{
	struct xfer *xs = bpo_xcalloc(n ? n : 1, sizeof(*xs));
	char *dir = NULL;
	int rc = -1;

	bpo_hash_global_init();
	dir = bpo_path_join(f->cache_dir, "by-sha256");
	if (bpo_mkdir_p(dir, 0755, err) < 0)
		goto out;
	free(dir);
	dir = bpo_path_join(f->cache_dir, "partial");
	if (bpo_mkdir_p(dir, 0755, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct bpo_fetch_req *r = &reqs[i];
		struct xfer *x = &xs[i];
		bpo_error_init(&r->err);
		free(r->path);
		r->path = NULL;
		r->from_cache = false;
		x->f = f;
		x->req = r;
		x->url = r->url;
		x->name = r->label ? r->label : r->name;
		x->fd = -1;
		x->cap = r->size;
		bpo_error_init(&x->err);
		if (!bpo_path_component_ok(r->name) || !bpo_sha256_hex_valid(r->sha256)) {
			bpo_error_set(&x->err, BPO_E_SYNTAX, "%s: invalid file name or sha256",
				      r->name);
			x->rc = -1;
			x->state = X_DONE;
			continue;
		}
		for (char *c = r->sha256; *c; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
		if (cached_ok(f, r)) {
			r->from_cache = true;
			x->state = X_DONE;
			bpo_verbose("%s: in the cache", r->name);
			continue;
		}
		x->part = bpo_xasprintf("%s/%s.part", dir, r->name);
		x->state = X_PENDING;
	}
	if (run(f, xs, n, err) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		reqs[i].err = xs[i].err;
		if (xs[i].rc < 0 && rc == 0) {
			if (err)
				*err = xs[i].err;
			rc = -1;
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		free(xs[i].part);
	free(xs);
	free(dir);
	return rc;
}

/* bpo_fetch_buf: url into out (capped), nothing cached; 1 when missing and allowed. */
int bpo_fetch_buf(struct bpo_fetcher *f, const char *url, const char *name, size_t max,
		  bool allow_missing, struct bpo_buf *out, struct bpo_error *err)
{
	struct xfer x;

	memset(&x, 0, sizeof(x));
	x.f = f;
	x.url = url;
	x.name = name;
	x.fd = -1;
	x.buf = out;
	x.buf_start = out->len;
	x.cap = max;
	x.allow_missing = allow_missing;
	x.state = X_PENDING;
	bpo_error_init(&x.err);
	if (run(f, &x, 1, err) < 0)
		return -1;
	if (x.rc < 0) {
		out->len = x.buf_start;
		if (out->data)
			out->data[out->len] = '\0';
		if (err)
			*err = x.err;
		return -1;
	}
	return x.missing ? 1 : 0;
}
