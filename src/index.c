/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index: the apt archive walk, InRelease -> Sources -> .dsc -> files (see index.h). */
#include "config.h"
#include "index.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "dsc.h"
#include "fetch.h"
#include "fsutil.h"
#include "gpg.h"
#include "hash.h"
#include "log.h"
#include "version.h"

/* Most entries a Release's SHA256 field may list (Debian's has ~ 600 per suite). */
#define RELEASE_MAX_FILES 100000

/* bpo_release_init: an empty Release (safe to destroy). */
void bpo_release_init(struct bpo_release *rel)
{
	memset(rel, 0, sizeof(*rel));
	bpo_deb822_para_init(&rel->para);
}

/* bpo_release_destroy: free what rel owns. */
void bpo_release_destroy(struct bpo_release *rel)
{
	if (!rel)
		return;
	free(rel->archive_url);
	free(rel->suite);
	free(rel->cache_dir);
	free(rel->signer_fpr);
	bpo_deb822_para_destroy(&rel->para);
	for (size_t i = 0; i < rel->n_files; i++)
		free(rel->files[i].name);
	free(rel->files);
	memset(rel, 0, sizeof(*rel));
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static bool read_num(const char **p, int min_digits, int max_digits, long *out)
{
	long v = 0;
	int n = 0;
	while (isdigit((unsigned char)**p) && n < max_digits) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n < min_digits || isdigit((unsigned char)**p))
		return false;
	*out = v;
	return true;
}

/*
 * bpo_release_parse_date: "[Day, ]DD Mon YYYY HH:MM:SS ZONE" where ZONE is
 * UTC, GMT, Z or +hhmm/-hhmm (apt's RFC1123StrToTime accepts these).
 */
int bpo_release_parse_date(const char *s, time_t *out)
{
	const char *p = s;
	struct tm tm;
	long day, year, hh, mm, ss, off = 0;
	int mon = -1;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	while (*p == ' ')
		p++;
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		if (*p++ != ',')
			return -1;
		while (*p == ' ')
			p++;
	}
	if (!read_num(&p, 1, 2, &day) || *p++ != ' ')
		return -1;
	for (int i = 0; i < 12; i++)
		if (strncmp(p, months[i], 3) == 0)
			mon = i;
	if (mon < 0 || p[3] != ' ')
		return -1;
	p += 4;
	if (!read_num(&p, 4, 4, &year) || *p++ != ' ')
		return -1;
	if (!read_num(&p, 1, 2, &hh) || *p++ != ':' || !read_num(&p, 2, 2, &mm) ||
	    *p++ != ':' || !read_num(&p, 2, 2, &ss))
		return -1;
	while (*p == ' ')
		p++;
	if (strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0 || strcmp(p, "Z") == 0 ||
	    strcmp(p, "+0000") == 0) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 5) {
		const char *q = p + 1;
		long hhmm;
		if (!read_num(&q, 4, 4, &hhmm) || hhmm % 100 >= 60)
			return -1;
		off = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year < 1970)
		return -1;
	tm.tm_mday = (int)day;
	tm.tm_mon = mon;
	tm.tm_year = (int)(year - 1900);
	tm.tm_hour = (int)hh;
	tm.tm_min = (int)mm;
	tm.tm_sec = (int)ss;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t - off;
	return 0;
}

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* bpo_release_parse: fields and the SHA256 list of verified Release text. */
int bpo_release_parse(struct bpo_release *rel, const char *text, size_t len, const char *name,
		      struct bpo_error *err)
{
	struct bpo_deb822_parser p;
	const char *v, *cur, *line;
	size_t llen, cap = 0;
	int r;

	bpo_deb822_para_destroy(&rel->para);
	bpo_deb822_para_init(&rel->para);
	bpo_deb822_parser_init(&p, text, len, name, 0);
	r = bpo_deb822_next(&p, &rel->para, err);
	if (r < 0)
		return -1;
	if (r == 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: empty Release file", name);
	v = bpo_deb822_get(&rel->para, "Date");
	if (v && bpo_release_parse_date(v, &rel->date) < 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: cannot parse Date '%s'", name,
				     bpo_deb822_find(&rel->para, "Date")->line, v);
	v = bpo_deb822_get(&rel->para, "Valid-Until");
	if (v && bpo_release_parse_date(v, &rel->valid_until) < 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: cannot parse Valid-Until '%s'",
				     name, bpo_deb822_find(&rel->para, "Valid-Until")->line, v);
	v = bpo_deb822_get(&rel->para, "Acquire-By-Hash");
	rel->by_hash = v && strcasecmp(v, "yes") == 0;
	v = bpo_deb822_get(&rel->para, "SHA256");
	if (!v)
		return bpo_error_set(err, BPO_E_VERIFY, "%s: no SHA256 field (weaker hashes are "
				     "not accepted)", name);
	cur = v;
	while (bpo_deb822_next_line(&cur, &line, &llen)) {
		const char *w[3];
		size_t wl[3], i = 0;
		struct bpo_release_file *f;
		for (int k = 0; k < 3; k++) {
			while (i < llen && line[i] == ' ')
				i++;
			w[k] = line + i;
			while (i < llen && line[i] != ' ')
				i++;
			wl[k] = (size_t)(line + i - w[k]);
		}
		if (wl[0] != 64 || wl[2] == 0 || i != llen)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: SHA256: expected '<sha256> <size> <path>', got '%.*s'",
					     name, bpo_deb822_find(&rel->para, "SHA256")->line,
					     (int)(llen > 200 ? 200 : llen), line);
		if (rel->n_files >= RELEASE_MAX_FILES)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: too many SHA256 entries", name);
		BPO_GROW(rel->files, cap, rel->n_files + 1);
		f = &rel->files[rel->n_files++];
		memset(f, 0, sizeof(*f));
		f->name = bpo_xstrndup(w[2], wl[2]);
		for (size_t k = 0; k < 64; k++)
			f->sha256[k] = (char)tolower((unsigned char)w[0][k]);
		if (!bpo_sha256_hex_valid(f->sha256) || !parse_u64(w[1], wl[1], &f->size) ||
		    !bpo_path_relative_ok(f->name))
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: SHA256: bad entry '%.*s'", name,
					     (int)(llen > 200 ? 200 : llen), line);
	}
	return 0;
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%a, %d %b %Y %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* bpo_release_check: suite, Date and Valid-Until, as apt would with its checks on. */
int bpo_release_check(const struct bpo_release *rel, const char *suite, time_t now,
		      const char *name, struct bpo_error *err)
{
	const char *s = bpo_deb822_get(&rel->para, "Suite");
	const char *c = bpo_deb822_get(&rel->para, "Codename");
	char t1[64], t2[64];

	if (!(s && strcmp(s, suite) == 0) && !(c && strcmp(c, suite) == 0))
		return bpo_error_set(err, BPO_E_VERIFY,
				     "%s: is for suite '%s' (codename '%s'), not the requested '%s'",
				     name, s ? s : "", c ? c : "", suite);
	if (!bpo_deb822_get(&rel->para, "Date"))
		return bpo_error_set(err, BPO_E_VERIFY, "%s: no Date field", name);
	if (rel->date > now + BPO_RELEASE_DATE_SLACK) {
		fmt_time(rel->date, t1, sizeof(t1));
		fmt_time(now, t2, sizeof(t2));
		return bpo_error_set(err, BPO_E_VERIFY,
				     "%s: Date %s is in the future (now %s; clock wrong or "
				     "file forged)", name, t1, t2);
	}
	if (bpo_deb822_get(&rel->para, "Valid-Until") && rel->valid_until < now) {
		fmt_time(rel->valid_until, t1, sizeof(t1));
		return bpo_error_set(err, BPO_E_VERIFY,
				     "%s: expired: Valid-Until %s has passed (stale or replayed "
				     "index)", name, t1);
	}
	return 0;
}

/* An override of the archive's Valid-Until (cfg->valid_until): with check
 * off, an expired suite passes; with max-valid-time, it is valid until Date +
 * that (replacing Valid-Until). The warning names the suite, the expiry and
 * where the override comes from, once. The signature is already checked and
 * every hash still is. */
static int relax_valid_until(const struct bpo_config *cfg, const char *base, const char *suite,
			     struct bpo_release *rel)
{
	struct bpo_valid_until *vu = bpo_config_valid_until_of(cfg, base);
	time_t now = time(NULL);
	char t1[64];

	if (!vu || (vu->check && !vu->max_valid_time))
		return 0;
	bool has = bpo_deb822_get(&rel->para, "Valid-Until") != NULL;
	bool expired = has && rel->valid_until < now;
	if (vu->max_valid_time) {
		/* valid until Date + max-valid-time, instead of Valid-Until */
		rel->valid_until = rel->date + (time_t)vu->max_valid_time;
		if (!has)
			return 0;
	} else {
		rel->valid_until = (time_t)1 << 62;
	}
	if (expired && rel->valid_until >= now && !vu->warned) {
		time_t was;
		bpo_release_parse_date(bpo_deb822_get(&rel->para, "Valid-Until"), &was);
		fmt_time(was, t1, sizeof(t1));
		snprintf(vu->warning, sizeof(vu->warning),
			 "%s %s: expired (Valid-Until %s) but accepted by %s; its signature and "
			 "every hash are still checked", base, suite, t1, vu->origin);
		bpo_warn("%s", vu->warning);
		vu->warned = true;
		snprintf(vu->used_suite, sizeof(vu->used_suite), "%s", suite);
		vu->expired = was;
	}
	return 0;
}

/* bpo_release_find: the SHA256 entry for path, or NULL. */
const struct bpo_release_file *bpo_release_find(const struct bpo_release *rel, const char *path)
{
	for (size_t i = 0; i < rel->n_files; i++)
		if (strcmp(rel->files[i].name, path) == 0)
			return &rel->files[i];
	return NULL;
}

static char *strip_slashes(const char *url)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return bpo_xstrndup(url, n);
}

/* Signatures this process verified: the same InRelease bytes with the same
 * keyring file verify the same way, so the stages of one run (resolve,
 * source, deps, qa) verify each suite's InRelease once. Keyed by the bytes'
 * sha256 and the keyring's path, size and mtime. */
#define VERIFIED_MAX 32
static struct verified {
	char sha[BPO_HASH_HEX_MAX];
	char *keyring;
	off_t size;
	time_t mtime;
	long mtime_ns;
	char *plain;
	size_t plain_len;
	char *fpr;
} verified[VERIFIED_MAX];
static size_t n_verified;

static struct verified *verified_find(const char *sha, const char *keyring, const struct stat *st)
{
	for (size_t i = 0; i < n_verified; i++)
		if (strcmp(verified[i].sha, sha) == 0 && strcmp(verified[i].keyring, keyring) == 0 &&
		    verified[i].size == st->st_size && verified[i].mtime == st->st_mtim.tv_sec &&
		    verified[i].mtime_ns == st->st_mtim.tv_nsec)
			return &verified[i];
	return NULL;
}

static void verified_free_all(void)
{
	for (size_t i = 0; i < n_verified; i++) {
		free(verified[i].keyring);
		free(verified[i].plain);
		free(verified[i].fpr);
	}
	n_verified = 0;
}

static void verified_add(const char *sha, const char *keyring, const struct stat *st,
			 const char *plain, size_t plain_len, const char *fpr)
{
	static bool registered;
	if (n_verified == VERIFIED_MAX)
		return;
	if (!registered) {
		atexit(verified_free_all);
		registered = true;
	}
	struct verified *v = &verified[n_verified++];
	memcpy(v->sha, sha, sizeof(v->sha));
	v->keyring = bpo_xstrdup(keyring);
	v->size = st->st_size;
	v->mtime = st->st_mtim.tv_sec;
	v->mtime_ns = st->st_mtim.tv_nsec;
	v->plain = bpo_xstrndup(plain, plain_len);
	v->plain_len = plain_len;
	v->fpr = bpo_xstrdup(fpr ? fpr : "");
}

/* The InRelease files this process fetched, by URL: the stages of one run
 * (resolve, source, deps, qa) see the archive as it was when the run first
 * asked, and fetch each InRelease once. */
struct fetched_release {
	char *url;
	char *raw;
	size_t len;
};
static struct fetched_release *fetched;
static size_t n_fetched;

static void fetched_free_all(void)
{
	for (size_t i = 0; i < n_fetched; i++) {
		free(fetched[i].url);
		free(fetched[i].raw);
	}
	free(fetched);
	fetched = NULL;
	n_fetched = 0;
}

/* 0 and raw filled when url was fetched before, else 1. */
static int fetched_find(const char *url, struct bpo_buf *raw)
{
	for (size_t i = 0; i < n_fetched; i++)
		if (strcmp(fetched[i].url, url) == 0)
			return bpo_buf_append(raw, fetched[i].raw, fetched[i].len, NULL) < 0 ? 1 : 0;
	return 1;
}

static void fetched_add(const char *url, const struct bpo_buf *raw)
{
	if (!n_fetched)
		atexit(fetched_free_all);
	fetched = bpo_xrealloc(fetched, (n_fetched + 1) * sizeof(*fetched));
	fetched[n_fetched].url = bpo_xstrdup(url);
	fetched[n_fetched].raw = bpo_xmalloc(raw->len + 1);
	if (raw->len)
		memcpy(fetched[n_fetched].raw, raw->data, raw->len);
	fetched[n_fetched].len = raw->len;
	n_fetched++;
}

/* bpo_index_fetch_release: InRelease (or Release + Release.gpg), verified and checked. */
int bpo_index_fetch_release(const char *archive_url, const char *suite, const char *keyring,
			    const struct bpo_config *cfg, struct bpo_release *rel,
			    struct bpo_error *err)
{
	struct bpo_fetcher f;
	struct bpo_gpg *g = NULL;
	struct bpo_buf raw, sig, plain;
	char *base = NULL, *url = NULL, *name = NULL, *sigurl = NULL, *fpr = NULL;
	int rc = -1, r;

	bpo_release_init(rel);
	bpo_fetcher_init(&f, cfg->cache_dir);
	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&sig, BPO_MAX_SIGNATURE);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	if (!suite || !bpo_path_component_ok(suite)) {
		bpo_error_set(err, BPO_E_SYNTAX, "invalid suite name '%s'", suite ? suite : "");
		goto out;
	}
	base = strip_slashes(archive_url);
	name = bpo_xasprintf("%s/dists/%s/InRelease", base, suite);
	url = bpo_xstrdup(name);
	r = fetched_find(url, &raw);
	if (r == 1) {
		r = bpo_fetch_buf(&f, url, name, BPO_MAX_CONTROL, true, &raw, err);
		if (r < 0)
			goto out;
		if (r == 0)
			fetched_add(url, &raw);
	}
	if (r == 0) {
		char sha[BPO_HASH_HEX_MAX];
		struct stat kst;
		const struct verified *v = NULL;
		bool memo = keyring && stat(keyring, &kst) == 0;
		bpo_sha256_hex_buf(raw.data ? raw.data : "", raw.len, sha);
		if (memo)
			v = verified_find(sha, keyring, &kst);
		if (v) {
			if (bpo_buf_append(&plain, v->plain, v->plain_len, err) < 0)
				goto out;
			fpr = bpo_xstrdup(v->fpr);
		} else {
			if (bpo_gpg_shared(keyring, &g, err) < 0 ||
			    bpo_gpg_verify_inline(g, raw.data, raw.len, name, &plain, &fpr, err) < 0)
				goto out;
			if (memo)
				verified_add(sha, keyring, &kst, plain.data ? plain.data : "",
					     plain.len, fpr);
		}
	} else {
		if (bpo_gpg_shared(keyring, &g, err) < 0)
			goto out;
		free(url);
		free(name);
		name = bpo_xasprintf("%s/dists/%s/Release", base, suite);
		url = bpo_xstrdup(name);
		sigurl = bpo_xasprintf("%s.gpg", url);
		bpo_verbose("no InRelease; trying %s and Release.gpg", url);
		if (bpo_fetch_buf(&f, url, name, BPO_MAX_CONTROL, false, &raw, err) < 0)
			goto out;
		/* a Release without InRelease nor Release.gpg is not signed: a
		   verification failure (exit 3), as an empty InRelease is */
		r = bpo_fetch_buf(&f, sigurl, sigurl, BPO_MAX_SIGNATURE, true, &sig, err);
		if (r < 0)
			goto out;
		if (r > 0) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: not signed: neither InRelease nor "
				      "Release.gpg", name);
			goto out;
		}
		if (bpo_gpg_verify_detached(g, raw.data, raw.len, sig.data, sig.len, name, &fpr,
					    err) < 0)
			goto out;
		if (bpo_buf_append(&plain, raw.data, raw.len, err) < 0)
			goto out;
	}
	if (bpo_release_parse(rel, plain.data, plain.len, name, err) < 0)
		goto out;
	if (relax_valid_until(cfg, base, suite, rel) < 0)
		goto out;
	if (bpo_release_check(rel, suite, time(NULL), name, err) < 0)
		goto out;
	rel->archive_url = base;
	base = NULL;
	rel->suite = bpo_xstrdup(suite);
	rel->cache_dir = bpo_xstrdup(cfg->cache_dir);
	rel->signer_fpr = fpr;
	fpr = NULL;
	bpo_verbose("%s: good signature from %s", name, rel->signer_fpr);
	rc = 0;
out:
	if (rc < 0)
		bpo_release_destroy(rel);
	bpo_fetcher_destroy(&f);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&sig);
	bpo_buf_destroy(&plain);
	free(base);
	free(url);
	free(name);
	free(sigurl);
	free(fpr);
	return rc;
}

/* Decompressed indices are kept, so that a run does not decompress the same
 * Sources or Packages again (trixie's Sources.xz is 0.7 s of xz, and one
 * build reads it three times), in two places:
 * - on disk, <cache>/indices/<KEY>/<SHA256>: KEY names the archive (the
 *   sha256 of its URL, cut) and the index, SHA256 is what the verified
 *   Release gives for the uncompressed file. Only an index whose Release lists
 *   its uncompressed form (Debian's and bpo's do) is kept; each KEY keeps its
 *   newest text only; the text is checked against that sha256 when a process
 *   first maps it, as the download cache re-hashes its entries.
 * - in the process, by that sha256 (or the compressed file's, when the
 *   Release lists no uncompressed form): the text is mapped (or, without a
 *   kept file, held) once and served read-only until exit. */
struct index_text {
	char sha[65];
	const char *data;
	size_t len;
	bool mapped;
};
static struct index_text *texts;
static size_t n_texts, cap_texts;

static void texts_free_all(void)
{
	for (size_t i = 0; i < n_texts; i++) {
		if (texts[i].mapped)
			munmap((void *)texts[i].data, texts[i].len);
		else
			free((void *)texts[i].data);
	}
	free(texts);
	texts = NULL;
	n_texts = cap_texts = 0;
}

/* bpo_index_forget: drop the process's texts (see index.h). */
void bpo_index_forget(void)
{
	texts_free_all();
}

static const struct index_text *texts_find(const char *sha)
{
	for (size_t i = 0; i < n_texts; i++)
		if (strcmp(texts[i].sha, sha) == 0)
			return &texts[i];
	return NULL;
}

/* Remember a text (data owned from now on: mapped, or malloc'd). */
static const struct index_text *texts_add(const char *sha, const char *data, size_t len,
					  bool mapped)
{
	struct index_text *t;
	static bool registered;
	if (!registered) {
		atexit(texts_free_all);
		registered = true;
	}
	if (!texts || n_texts == cap_texts) {
		cap_texts = texts && cap_texts ? cap_texts * 2 : 16;
		texts = bpo_xrealloc(texts, cap_texts * sizeof(*texts));
	}
	t = &texts[n_texts++];
	memcpy(t->sha, sha, sizeof(t->sha));
	t->data = data;
	t->len = len;
	t->mapped = mapped;
	return t;
}

static char *plain_dir(const struct bpo_release *rel, const char *base)
{
	char url_sha[BPO_HASH_HEX_MAX];
	char *key, *dir;
	bpo_sha256_hex_buf(rel->archive_url, strlen(rel->archive_url), url_sha);
	key = bpo_xasprintf("%.16s_%s_%s", url_sha, rel->suite, base);
	for (char *c = key; *c; c++)
		if (*c == '/')
			*c = '_';
	dir = bpo_xasprintf("%s/indices/%s", rel->cache_dir, key);
	free(key);
	return dir;
}

/* Map the kept text of `plain` (checked against its sha256): the entry, or
 * NULL when there is none usable (a damaged one is removed). A text whose size
 * is a multiple of the page size is not mapped (its end would not be followed
 * by a NUL), nor an empty one. */
static const struct index_text *plain_map(const char *dir, const struct bpo_release_file *plain)
{
	const struct index_text *t = NULL;
	char *path = bpo_path_join(dir, plain->sha256);
	char hex[BPO_HASH_HEX_MAX];
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		goto out;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != plain->size ||
	    st.st_size == 0 || page <= 0 || st.st_size % page == 0)
		goto out;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		goto out;
	bpo_sha256_hex_buf(m, (size_t)st.st_size, hex);
	if (strcmp(hex, plain->sha256) != 0) {
		bpo_warn("%s: cache entry is damaged; decompressing again", path);
		munmap(m, (size_t)st.st_size);
		unlink(path);
		goto out;
	}
	t = texts_add(plain->sha256, m, (size_t)st.st_size, true);
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return t;
}

/* Keep text (checked against plain's sha256 already) in dir, dropping the
 * older texts of the same index. A failure only costs the next run time. */
static void plain_keep(const char *dir, const struct bpo_release_file *plain,
		       const char *text, size_t len)
{
	struct bpo_error e;
	char *path = bpo_path_join(dir, plain->sha256);
	char *tmp = bpo_xasprintf("%s.part%ld", path, (long)getpid());
	DIR *d;
	int fd = -1;
	bool ok;

	bpo_error_init(&e);
	if (bpo_mkdir_p(dir, 0755, &e) < 0)
		goto out;
	if ((d = opendir(dir))) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && strcmp(de->d_name, plain->sha256) != 0 &&
			    !strstr(de->d_name, ".part"))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		bpo_error_set(&e, BPO_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* no fsync: a text damaged by a crash fails its sha256 at the next read */
	ok = bpo_write_all(fd, text, len, tmp, &e) == 0;
	if (close(fd) < 0 && ok)
		ok = bpo_error_set(&e, BPO_E_IO, "%s: close: %s", tmp, strerror(errno)) == 0;
	if (ok && rename(tmp, path) < 0)
		ok = bpo_error_set(&e, BPO_E_IO, "%s: %s", path, strerror(errno)) == 0;
	if (!ok)
		unlink(tmp);
out:
	if (e.kind != BPO_E_NONE)
		bpo_verbose("%s: not kept: %s", path, e.msg);
	free(path);
	free(tmp);
}

/* bpo_index_text: one index (base "main/source/Sources": .xz, .gz or plain as
 * the Release lists them), verified, decompressed, from the process's texts,
 * the kept texts or the download cache (see index.h). */
int bpo_index_text(const struct bpo_release *rel, const char *base, const char **text,
		   size_t *len, char **shown, struct bpo_error *err)
{
	static const char *const exts[] = {".xz", ".gz", ""};
	const struct bpo_release_file *rf = NULL, *plain;
	const struct index_text *t;
	struct bpo_fetcher f;
	struct bpo_fetch_req req;
	struct bpo_buf out;
	char *path = NULL, *url = NULL, *cname = NULL, *pdir = NULL;
	int rc = -1;

	*text = "";
	*len = 0;
	memset(&req, 0, sizeof(req));
	bpo_buf_init(&out, BPO_MAX_INDEX);
	bpo_fetcher_init(&f, rel->cache_dir);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]) && !rf; i++) {
		free(path);
		path = bpo_xasprintf("%s%s", base, exts[i]);
		rf = bpo_release_find(rel, path);
	}
	*shown = bpo_xasprintf("%s/dists/%s/%s", rel->archive_url, rel->suite,
			       rf ? path : base);
	if (!rf) {
		bpo_error_set(err, BPO_E_NOTFOUND, "%s(.xz|.gz): not listed in the Release file",
			      *shown);
		goto out;
	}
	/* the uncompressed form's entry, when the Release lists one apart */
	plain = bpo_release_find(rel, base);
	if (plain == rf)
		plain = NULL;
	t = texts_find(plain ? plain->sha256 : rf->sha256);
	if (!t && plain && rel->cache_dir) {
		pdir = plain_dir(rel, base);
		t = plain_map(pdir, plain);
	}
	if (t) {
		*text = t->data;
		*len = t->len;
		rc = 0;
		goto out;
	}
	cname = bpo_xasprintf("%s_%s", rel->suite, path);
	for (char *c = cname; *c; c++)
		if (*c == '/')
			*c = '_';
	if (rel->by_hash) {
		char *dir = bpo_xstrndup(path, (size_t)(strrchr(path, '/') ? strrchr(path, '/') - path : 0));
		char *rel_url = bpo_xasprintf("dists/%s/%s%sby-hash/SHA256/%s", rel->suite, dir,
					      *dir ? "/" : "", rf->sha256);
		url = bpo_url_join(rel->archive_url, rel_url);
		free(rel_url);
		free(dir);
	} else {
		url = bpo_xstrdup(*shown);
	}
	req.url = url;
	req.name = cname;
	req.label = *shown;
	req.size = rf->size;
	memcpy(req.sha256, rf->sha256, sizeof(req.sha256));
	if (bpo_fetch_files(&f, &req, 1, err) < 0) {
		if (!rel->by_hash || req.err.kind != BPO_E_NOTFOUND)
			goto out;
		/* A mirror may lag on by-hash; the plain name is checked the same way. */
		free(url);
		url = bpo_xstrdup(*shown);
		req.url = url;
		if (bpo_fetch_files(&f, &req, 1, err) < 0)
			goto out;
	}
	if (plain && bpo_buf_reserve(&out, plain->size, err) < 0)
		goto out;
	/* an empty suite's index is a compressed stream of zero bytes: empty text */
	if (bpo_archive_read_compressed(req.path, out.max, &out, err) < 0) {
		bpo_error_prefix(err, "%s", *shown);
		goto out;
	}
	if (plain) {
		/* apt checks the uncompressed text against the Release as well */
		char hex[BPO_HASH_HEX_MAX];
		bpo_sha256_hex_buf(out.data ? out.data : "", out.len, hex);
		if (strcmp(hex, plain->sha256) != 0 || out.len != plain->size) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: decompressed, it does not match the "
				      "Release's size and sha256 for %s", *shown, base);
			goto out;
		}
		if (pdir) {
			plain_keep(pdir, plain, out.data ? out.data : "", out.len);
			t = plain_map(pdir, plain);
		}
	}
	if (!t && out.len) {
		size_t n = out.len;
		char *d = bpo_buf_steal(&out, NULL);
		t = texts_add(plain ? plain->sha256 : rf->sha256, d, n, false);
	}
	if (t) {
		*text = t->data;
		*len = t->len;
	}
	rc = 0;
out:
	bpo_buf_destroy(&out);
	free(pdir);
	free(req.path);
	bpo_fetcher_destroy(&f);
	free(path);
	free(url);
	free(cname);
	return rc;
}

/* bpo_index_load: bpo_index_text appended to out. */
int bpo_index_load(const struct bpo_release *rel, const char *base, struct bpo_buf *out,
		   char **shown, struct bpo_error *err)
{
	const char *text;
	size_t len;
	if (bpo_index_text(rel, base, &text, &len, shown, err) < 0)
		return -1;
	return bpo_buf_append(out, text, len, err);
}

/* Call cb for every paragraph whose field `key` equals `value`; cb returns <0 to stop. */
typedef int (*stanza_cb)(struct bpo_deb822_para *para, void *ctx, struct bpo_error *err);

/* The start of the paragraph holding p: just after the "\n\n" before it
 * (an empty line always ends a paragraph), or text. Line by line backwards, so
 * the work is the paragraph's length. */
static const char *para_start(const char *text, const char *p)
{
	while (p > text) {
		const char *nl = memrchr(text, '\n', (size_t)(p - text));
		if (!nl)
			return text;
		if (nl > text && nl[-1] == '\n')
			return nl + 1;
		p = nl;
	}
	return text;
}

static const char *para_end(const char *p, const char *end)
{
	const char *q = p;
	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl || nl + 1 >= end)
			return end;
		if (nl[1] == '\n')
			return nl + 1;
		q = nl + 1;
	}
	return end;
}

static unsigned count_lines(const char *p, const char *end)
{
	unsigned n = 0;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Only the paragraphs whose text holds value anywhere can have key: value,
 * so only they are parsed (a Sources of 57 MB holds a name in a few dozen):
 * each stretch between empty lines around a hit goes through the parser
 * whole, and cb sees every paragraph in it whose key is value. */
static int each_stanza(const struct bpo_release *rel, const char *base, const char *key,
		       const char *value, stanza_cb cb, void *ctx, struct bpo_error *err)
{
	const char *text, *end, *at, *counted;
	size_t len, vlen = strlen(value);
	unsigned line = 1;
	char *shown = NULL;
	int rc = -1, r;

	if (bpo_index_text(rel, base, &text, &len, &shown, err) < 0)
		goto out;
	end = text + len;
	at = counted = text;
	while (vlen && at < end && (at = memmem(at, (size_t)(end - at), value, vlen))) {
		const char *from = para_start(text, at), *to = para_end(at, end);
		struct bpo_deb822_parser p;
		line += count_lines(counted, from);
		counted = from;
		bpo_deb822_parser_init(&p, from, (size_t)(to - from), shown, 0);
		p.line = line;
		for (;;) {
			struct bpo_deb822_para para;
			const char *v;
			bpo_deb822_para_init(&para);
			r = bpo_deb822_next(&p, &para, err);
			if (r <= 0) {
				bpo_deb822_para_destroy(&para);
				if (r < 0)
					goto out;
				break;
			}
			v = bpo_deb822_get(&para, key);
			if (v && strcmp(v, value) == 0 && cb(&para, ctx, err) < 0) {
				bpo_deb822_para_destroy(&para);
				goto out;
			}
			bpo_deb822_para_destroy(&para);
		}
		at = to;
	}
	rc = 0;
out:
	free(shown);
	return rc;
}

static int cmp_desc(const void *a, const void *b)
{
	return bpo_version_compare_str(*(char *const *)b, *(char *const *)a);
}

static int collect_version(struct bpo_deb822_para *para, void *ctx, struct bpo_error *err)
{
	struct bpo_strv *sv = ctx;
	const char *v = bpo_deb822_get(para, "Version");
	(void)err;
	if (v)
		bpo_strv_push(sv, v);
	return 0;
}

static int versions_of(const struct bpo_release *rel, const char *base, const char *package,
		       struct bpo_strv *versions, struct bpo_error *err)
{
	size_t before = versions->n;
	if (each_stanza(rel, base, "Package", package, collect_version, versions, err) < 0)
		return -1;
	if (versions->n - before > 1)
		qsort(versions->v + before, versions->n - before, sizeof(char *), cmp_desc);
	return (int)(versions->n - before);
}

static bool name_ok(const char *s)
{
	return s && *s && bpo_path_component_ok(s) && !strchr(s, ' ');
}

/* bpo_index_source_versions: versions of a source in <component>/source/Sources. */
int bpo_index_source_versions(const struct bpo_release *rel, const char *component,
			      const char *source, struct bpo_strv *versions, struct bpo_error *err)
{
	char *base;
	int rc;
	if (!name_ok(component) || !name_ok(source))
		return bpo_error_set(err, BPO_E_SYNTAX, "invalid component or package name");
	base = bpo_xasprintf("%s/source/Sources", component);
	rc = versions_of(rel, base, source, versions, err);
	free(base);
	return rc;
}

/* bpo_index_binary_versions: versions of a binary package in Packages. */
int bpo_index_binary_versions(const struct bpo_release *rel, const char *component,
			      const char *arch, const char *package, struct bpo_strv *versions,
			      struct bpo_error *err)
{
	char *base;
	int rc;
	if (!name_ok(component) || !name_ok(arch) || !name_ok(package))
		return bpo_error_set(err, BPO_E_SYNTAX, "invalid component, architecture or package name");
	base = bpo_xasprintf("%s/binary-%s/Packages", component, arch);
	rc = versions_of(rel, base, package, versions, err);
	free(base);
	return rc;
}

struct pick {
	const char *version; /* wanted, or NULL */
	struct bpo_deb822_para best;
	const char *best_version;
	bool have;
	struct bpo_strv all;
};

static int pick_stanza(struct bpo_deb822_para *para, void *ctx, struct bpo_error *err)
{
	struct pick *pk = ctx;
	const char *v = bpo_deb822_get(para, "Version");
	(void)err;
	if (!v)
		return 0;
	bpo_strv_push(&pk->all, v);
	if (pk->version && strcmp(v, pk->version) != 0)
		return 0;
	if (pk->have && bpo_version_compare_str(v, pk->best_version) <= 0)
		return 0;
	bpo_deb822_para_destroy(&pk->best);
	pk->best = *para; /* take ownership */
	bpo_deb822_para_init(para);
	pk->best_version = bpo_deb822_get(&pk->best, "Version");
	pk->have = true;
	return 0;
}

/* bpo_index_find_source: the stanza of source at version (NULL: the highest). */
int bpo_index_find_source(const struct bpo_release *rel, const char *component,
			  const char *source, const char *version,
			  struct bpo_deb822_para *stanza, struct bpo_error *err)
{
	struct pick pk;
	char *base = NULL;
	int rc = -1;

	memset(&pk, 0, sizeof(pk));
	bpo_deb822_para_init(&pk.best);
	bpo_deb822_para_init(stanza);
	pk.version = version;
	if (!name_ok(component) || !name_ok(source)) {
		bpo_error_set(err, BPO_E_SYNTAX, "invalid component or source name");
		goto out;
	}
	base = bpo_xasprintf("%s/source/Sources", component);
	if (each_stanza(rel, base, "Package", source, pick_stanza, &pk, err) < 0)
		goto out;
	if (!pk.have) {
		struct bpo_buf list;
		bpo_buf_init(&list, 4096);
		if (pk.all.n > 1)
			qsort(pk.all.v, pk.all.n, sizeof(char *), cmp_desc);
		for (size_t i = 0; i < pk.all.n; i++)
			if (bpo_buf_printf(&list, NULL, "%s%s", i ? ", " : "", pk.all.v[i]) < 0)
				break;
		if (pk.all.n == 0)
			bpo_error_set(err, BPO_E_NOTFOUND, "source package '%s' is not in %s/dists/%s %s",
				      source, rel->archive_url, rel->suite, component);
		else
			bpo_error_set(err, BPO_E_NOTFOUND,
				      "source package '%s' has no version %s in %s/dists/%s %s "
				      "(available: %s)", source, version, rel->archive_url,
				      rel->suite, component, list.data);
		bpo_buf_destroy(&list);
		goto out;
	}
	*stanza = pk.best;
	bpo_deb822_para_init(&pk.best);
	rc = 0;
out:
	bpo_deb822_para_destroy(&pk.best);
	bpo_strv_destroy(&pk.all);
	free(base);
	return rc;
}

/* ---- fetching a recipe's source ------------------------------------------ */

/* bpo_fetched_init: an empty result (safe to destroy). */
void bpo_fetched_init(struct bpo_fetched *out)
{
	memset(out, 0, sizeof(*out));
}

/* bpo_fetched_destroy: free what out owns. */
void bpo_fetched_destroy(struct bpo_fetched *out)
{
	if (!out)
		return;
	free(out->dir);
	free(out->dsc_path);
	free(out->source);
	free(out->version);
	free(out->format);
	free(out->signer_fpr);
	for (size_t i = 0; i < out->n_files; i++) {
		free(out->files[i].name);
		free(out->files[i].path);
	}
	free(out->files);
	if (out->patch_paths)
		for (char **p = out->patch_paths; *p; p++)
			free(*p);
	free(out->patch_paths);
	memset(out, 0, sizeof(*out));
}

/* Put a verified cache blob at dest (hard link, else copy); replaces dest. */
static int place(const char *cached, const char *dest, struct bpo_error *err)
{
	if (unlink(dest) < 0 && errno != ENOENT)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot replace: %s", dest, strerror(errno));
	if (link(cached, dest) == 0)
		return 0;
	return bpo_file_copy(cached, dest, 0644, err);
}

static void add_file(struct bpo_fetched *out, size_t *cap, const char *name, const char *path,
		     const char *sha256, uint64_t size)
{
	struct bpo_fetched_file *f;
	BPO_GROW(out->files, *cap, out->n_files + 1);
	f = &out->files[out->n_files++];
	f->name = bpo_xstrdup(name);
	f->path = bpo_xstrdup(path);
	memcpy(f->sha256, sha256, 65);
	f->size = size;
}

static const char *no_epoch(const char *v)
{
	const char *c = strchr(v, ':');
	return c ? c + 1 : v;
}

/* Make the destination directory (default under the work dir) and record it. */
static int prepare_dest(const struct bpo_config *cfg, const char *dest_dir, const char *source,
			const char *version, struct bpo_fetched *out, struct bpo_error *err)
{
	if (dest_dir) {
		out->dir = bpo_xstrdup(dest_dir);
	} else {
		char *leaf = bpo_xasprintf("%s_%s", source, no_epoch(version));
		if (!cfg->work_dir || !bpo_path_component_ok(leaf)) {
			free(leaf);
			return bpo_error_set(err, BPO_E_USAGE, "no work directory to fetch %s into",
					     source);
		}
		out->dir = bpo_path_join(cfg->work_dir, leaf);
		free(leaf);
	}
	return bpo_mkdir_p(out->dir, 0755, err);
}

/* Check that the .dsc lists exactly what the Sources stanza lists (minus the .dsc). */
static int cross_check(const struct bpo_dsc *stanza, const struct bpo_dsc *dsc,
		       const char *dsc_name, struct bpo_error *err)
{
	size_t n_other = 0;
	for (size_t i = 0; i < stanza->n_files; i++) {
		const struct bpo_dsc_file *sf = &stanza->files[i], *df;
		if (strcmp(sf->name, dsc_name) == 0)
			continue;
		n_other++;
		df = bpo_dsc_find_file(dsc, sf->name);
		if (!df)
			return bpo_error_set(err, BPO_E_VERIFY,
					     "%s: does not list %s, which the Sources index lists",
					     dsc_name, sf->name);
		if (df->size != sf->size || strcmp(df->sha256, sf->sha256) != 0)
			return bpo_error_set(err, BPO_E_VERIFY,
					     "%s: %s has sha256 %s size %" PRIu64 " but the Sources "
					     "index says sha256 %s size %" PRIu64, dsc_name, sf->name,
					     df->sha256, df->size, sf->sha256, sf->size);
	}
	if (n_other != dsc->n_files)
		return bpo_error_set(err, BPO_E_VERIFY,
				     "%s: lists files that the Sources index does not", dsc_name);
	if (strcmp(dsc->source, stanza->source) != 0 || strcmp(dsc->version, stanza->version) != 0)
		return bpo_error_set(err, BPO_E_VERIFY, "%s: is %s %s, but the Sources index says %s %s",
				     dsc_name, dsc->source, dsc->version, stanza->source,
				     stanza->version);
	return 0;
}

/* The verified .dsc, already in the cache. */
struct dsc_blob {
	const char *name, *cached, *sha256;
	uint64_t size;
};

/* The effective limits.download-size of a recipe. */
static uint64_t download_limit(const struct bpo_recipe *r, const struct bpo_config *cfg)
{
	struct bpo_limits eff;
	bpo_limits_effective(&cfg->limits, &r->limits, &eff);
	return eff.v[BPO_LIMIT_DOWNLOAD_SIZE];
}

/*
 * Download every file of dsc from dir_url into the cache; only when all of
 * them verified, make the destination and place the .dsc and the files there
 * (so a failed fetch leaves no file in the destination).
 */
static int fetch_dsc_files(struct bpo_fetcher *f, const struct bpo_dsc *dsc, const char *dir_url,
			   const struct dsc_blob *blob, const struct bpo_config *cfg,
			   uint64_t max_download, const char *dest_dir, struct bpo_fetched *out,
			   size_t *cap, struct bpo_error *err)
{
	struct bpo_fetch_req *reqs;
	char **urls;
	uint64_t total = blob->size;
	int rc = -1;

	/* limits.download-size, before anything is downloaded */
	for (size_t i = 0; i < dsc->n_files; i++)
		total += dsc->files[i].size > UINT64_MAX - total ? UINT64_MAX - total
								  : dsc->files[i].size;
	if (total > max_download)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: the source's files come to %llu bytes, more than the "
				     "download limit of %llu (raise limits.download-size in the "
				     "recipe or bpo.conf)", blob->name, (unsigned long long)total,
				     (unsigned long long)max_download);
	reqs = bpo_xcalloc(dsc->n_files ? dsc->n_files : 1, sizeof(*reqs));
	urls = bpo_xcalloc(dsc->n_files ? dsc->n_files : 1, sizeof(*urls));

	for (size_t i = 0; i < dsc->n_files; i++) {
		urls[i] = bpo_url_join(dir_url, dsc->files[i].name);
		reqs[i].url = urls[i];
		reqs[i].name = dsc->files[i].name;
		reqs[i].size = dsc->files[i].size;
		memcpy(reqs[i].sha256, dsc->files[i].sha256, 65);
	}
	if (bpo_fetch_files(f, reqs, dsc->n_files, err) < 0)
		goto out;
	if (prepare_dest(cfg, dest_dir, dsc->source, dsc->version, out, err) < 0)
		goto out;
	out->dsc_path = bpo_path_join(out->dir, blob->name);
	if (place(blob->cached, out->dsc_path, err) < 0)
		goto out;
	add_file(out, cap, blob->name, out->dsc_path, blob->sha256, blob->size);
	for (size_t i = 0; i < dsc->n_files; i++) {
		char *dest = bpo_path_join(out->dir, dsc->files[i].name);
		int r = place(reqs[i].path, dest, err);
		if (r == 0)
			add_file(out, cap, dsc->files[i].name, dest, dsc->files[i].sha256,
				 dsc->files[i].size);
		free(dest);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < dsc->n_files; i++) {
		free(urls[i]);
		free(reqs[i].path);
	}
	free(urls);
	free(reqs);
	return rc;
}

static int fetch_from_archive(const struct bpo_recipe *r, const struct bpo_config *cfg,
			      const char *dest_dir, struct bpo_fetcher *f,
			      struct bpo_fetched *out, size_t *cap, struct bpo_error *err)
{
	struct bpo_release rel;
	struct bpo_deb822_para stanza;
	struct bpo_dsc src, dsc;
	struct bpo_fetch_req req;
	const struct bpo_dsc_file *dscf = NULL;
	struct dsc_blob blob;
	const char *archive = bpo_index_source_archive(r, cfg);
	const char *component = r->source.component ? r->source.component : "main";
	const char *keyring = r->source.keyring ? r->source.keyring : cfg->keyring;
	char *dir_url = NULL, *dsc_url = NULL, *where = NULL;
	int rc = -1;

	bpo_release_init(&rel);
	bpo_deb822_para_init(&stanza);
	bpo_dsc_init(&src);
	bpo_dsc_init(&dsc);
	memset(&req, 0, sizeof(req));
	if (!archive || !r->source.suite || !r->source.package) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: source needs package, suite and an archive "
			      "(or a configured mirror)", r->file ? r->file : "recipe");
		goto out;
	}
	if (!keyring) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no keyring to verify the archive with",
			      r->file ? r->file : "recipe");
		goto out;
	}
	if (bpo_index_fetch_release(archive, r->source.suite, keyring, cfg, &rel, err) < 0)
		goto out;
	if (bpo_index_find_source(&rel, component, r->source.package, r->source.version, &stanza,
				  err) < 0)
		goto out;
	where = bpo_xasprintf("%s/dists/%s/%s/source/Sources (%s %s)", rel.archive_url, rel.suite,
			      component, r->source.package,
			      bpo_deb822_get(&stanza, "Version") ? bpo_deb822_get(&stanza, "Version") : "?");
	if (bpo_dsc_from_para(&src, &stanza, where, err) < 0)
		goto out;
	if (!src.directory) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no Directory field", where);
		goto out;
	}
	for (size_t i = 0; i < src.n_files; i++)
		if (bpo_str_has_suffix(src.files[i].name, ".dsc"))
			dscf = &src.files[i];
	if (!dscf) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: lists no .dsc file", where);
		goto out;
	}
	dir_url = bpo_url_join(rel.archive_url, src.directory);
	dsc_url = bpo_url_join(dir_url, dscf->name);
	req.url = dsc_url;
	req.name = dscf->name;
	req.size = dscf->size;
	memcpy(req.sha256, dscf->sha256, 65);
	if (bpo_fetch_files(f, &req, 1, err) < 0)
		goto out;
	if (bpo_dsc_load(&dsc, req.path, err) < 0) {
		bpo_error_prefix(err, "%s", dscf->name);
		goto out;
	}
	if (cross_check(&src, &dsc, dscf->name, err) < 0)
		goto out;
	blob.name = dscf->name;
	blob.cached = req.path;
	blob.sha256 = dscf->sha256;
	blob.size = dscf->size;
	if (fetch_dsc_files(f, &dsc, dir_url, &blob, cfg, download_limit(r, cfg), dest_dir, out,
			    cap, err) < 0)
		goto out;
	out->source = bpo_xstrdup(dsc.source);
	out->version = bpo_xstrdup(dsc.version);
	out->format = bpo_xstrdup(dsc.format);
	out->signer_fpr = bpo_xstrdup(rel.signer_fpr);
	rc = 0;
out:
	free(req.path);
	free(dir_url);
	free(dsc_url);
	free(where);
	bpo_dsc_destroy(&src);
	bpo_dsc_destroy(&dsc);
	bpo_deb822_para_destroy(&stanza);
	bpo_release_destroy(&rel);
	return rc;
}

static int fetch_from_dsc_url(const struct bpo_recipe *r, const struct bpo_config *cfg,
			      const char *dest_dir, struct bpo_fetcher *f,
			      struct bpo_fetched *out, size_t *cap, struct bpo_error *err)
{
	struct bpo_buf raw, plain;
	struct bpo_gpg g;
	struct bpo_dsc dsc;
	char *name = NULL, *dir_url = NULL, *fpr = NULL, *cpath = NULL;
	char hex[BPO_HASH_HEX_MAX];
	struct dsc_blob blob;
	const char *url = r->source.dsc;
	char *file_url = NULL;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	bpo_dsc_init(&dsc);
	if (url && !strstr(url, "://")) {
		/* A local .dsc (absolute after recipe parsing): read it through file://. */
		if (url[0] != '/' || strpbrk(url, "?#%")) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: source.dsc: expected an absolute path",
				      r->file ? r->file : "recipe");
			goto out;
		}
		file_url = bpo_xasprintf("file://%s", url);
		url = file_url;
	}
	name = url ? bpo_url_basename(url) : NULL;
	if (!name || !bpo_str_has_suffix(name, ".dsc")) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: source.dsc must be the URL of a .dsc file",
			      r->file ? r->file : "recipe");
		goto out;
	}
	if (!r->source.allow_unsigned && !r->source.keyring) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: source.keyring is required to verify %s (or set allow_unsigned)",
			      r->file ? r->file : "recipe", name);
		goto out;
	}
	if (bpo_fetch_buf(f, url, name, BPO_MAX_CONTROL, false, &raw, err) < 0)
		goto out;
	if (r->source.keyring) {
		if (bpo_gpg_open(&g, r->source.keyring, err) < 0)
			goto out;
		if (bpo_gpg_verify_inline(&g, raw.data, raw.len, name, &plain, &fpr, err) < 0) {
			if (!(r->source.allow_unsigned && strstr(err ? err->msg : "", "not signed")))
				goto out;
			bpo_buf_reset(&plain);
		}
	}
	if (!fpr) {
		bool is_signed = false;
		/* allow_unsigned: parse what we got, and say loudly that nothing vouches for it. */
		if (bpo_deb822_clearsign_strip(raw.data, raw.len, name, &plain, &is_signed, err) < 0)
			goto out;
		bpo_warn("%s: signature NOT verified (allow_unsigned is set in %s)", name,
			 r->file ? r->file : "the recipe");
	}
	if (bpo_dsc_parse(&dsc, plain.data, plain.len, name, err) < 0)
		goto out;
	/* The .dsc as downloaded (signature included) goes to the cache by its hash. */
	bpo_sha256_hex_buf(raw.data, raw.len, hex);
	cpath = bpo_fetch_cache_path(f, hex);
	{
		char *d = bpo_path_join(f->cache_dir, "by-sha256");
		int mr = bpo_mkdir_p(d, 0755, err);
		free(d);
		if (mr < 0 || bpo_file_write_atomic(cpath, raw.data, raw.len, 0644, err) < 0)
			goto out;
	}
	dir_url = bpo_url_dirname(url);
	blob.name = name;
	blob.cached = cpath;
	blob.sha256 = hex;
	blob.size = raw.len;
	if (fetch_dsc_files(f, &dsc, dir_url, &blob, cfg, download_limit(r, cfg), dest_dir, out,
			    cap, err) < 0)
		goto out;
	out->source = bpo_xstrdup(dsc.source);
	out->version = bpo_xstrdup(dsc.version);
	out->format = bpo_xstrdup(dsc.format);
	out->signer_fpr = fpr;
	fpr = NULL;
	rc = 0;
out:
	bpo_gpg_close(&g);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&plain);
	bpo_dsc_destroy(&dsc);
	free(name);
	free(dir_url);
	free(fpr);
	free(cpath);
	free(file_url);
	return rc;
}

/* Download URL patches (sha256 pinned), check pinned local ones, copy all to dir/patches. */
static int fetch_patches(const struct bpo_recipe *r, struct bpo_fetcher *f,
			 struct bpo_fetched *out, struct bpo_error *err)
{
	char *pdir = bpo_path_join(out->dir, "patches");
	struct bpo_strv paths = {0};
	int rc = -1;

	if (r->n_patches == 0) {
		out->patch_paths = bpo_xcalloc(1, sizeof(char *));
		free(pdir);
		return 0;
	}
	if (bpo_mkdir_p(pdir, 0755, err) < 0)
		goto out;
	for (size_t i = 0; i < r->n_patches; i++) {
		const struct bpo_recipe_patch *p = &r->patches[i];
		char *dest, *src = NULL;
		struct bpo_fetch_req req;
		int pr = -1;

		memset(&req, 0, sizeof(req));
		if (!p->name || !bpo_path_component_ok(p->name)) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: unsafe patch name", r->file,
				      p->line, p->column);
			goto out;
		}
		for (size_t k = 0; k < paths.n; k++)
			if (strcmp(strrchr(paths.v[k], '/') + 1, p->name) == 0) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: two patches named %s",
					      r->file, p->line, p->column, p->name);
				goto out;
			}
		dest = bpo_path_join(pdir, p->name);
		if (p->url) {
			if (!p->sha256 || !bpo_sha256_hex_valid(p->sha256)) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: patch %s: a URL patch needs "
					      "a sha256 pin", r->file, p->line, p->column, p->name);
			} else {
				req.url = p->url;
				req.name = p->name;
				req.size = BPO_MAX_PATCH;
				req.any_size = true;
				snprintf(req.sha256, sizeof(req.sha256), "%s", p->sha256);
				if (bpo_fetch_files(f, &req, 1, err) == 0)
					pr = place(req.path, dest, err);
			}
		} else if (p->path) {
			src = p->path;
			pr = 0;
			if (p->sha256) {
				char hex[BPO_HASH_HEX_MAX];
				pr = bpo_hash_file(src, BPO_HASH_SHA256, hex, NULL, err);
				if (pr == 0 && strcasecmp(hex, p->sha256) != 0)
					pr = bpo_error_set(err, BPO_E_VERIFY,
							   "%s: SHA256 mismatch: got %s, the recipe pins %s",
							   src, hex, p->sha256);
			}
			if (pr == 0)
				pr = bpo_file_copy(src, dest, 0644, err);
		} else {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: patch has neither path nor url",
				      r->file, p->line, p->column);
		}
		free(req.path);
		if (pr < 0) {
			free(dest);
			goto out;
		}
		bpo_strv_push_owned(&paths, dest);
	}
	out->patch_paths = paths.v;
	paths.v = NULL;
	paths.n = 0;
	rc = 0;
out:
	for (size_t i = 0; rc < 0 && i < paths.n; i++)
		unlink(paths.v[i]); /* no half set of patches left behind */
	bpo_strv_destroy(&paths);
	free(pdir);
	return rc;
}

/* bpo_fetch_recipe: resolve, download and verify a recipe's source and patches. */
int bpo_fetch_recipe(const struct bpo_recipe *r, const struct bpo_config *cfg,
		     const char *dest_dir, struct bpo_fetched *out, struct bpo_error *err)
{
	struct bpo_fetcher f;
	size_t cap = 0;
	int rc = -1;

	bpo_fetched_init(out);
	if (!cfg->cache_dir)
		return bpo_error_set(err, BPO_E_USAGE, "no cache directory configured");
	bpo_fetcher_init(&f, cfg->cache_dir);
	if (r->source.kind == BPO_SOURCE_DSC)
		rc = fetch_from_dsc_url(r, cfg, dest_dir, &f, out, &cap, err);
	else
		rc = fetch_from_archive(r, cfg, dest_dir, &f, out, &cap, err);
	if (rc == 0 && fetch_patches(r, &f, out, err) < 0) {
		/* A recipe whose patches do not verify leaves nothing in dest_dir. */
		for (size_t i = 0; i < out->n_files; i++)
			unlink(out->files[i].path);
		rc = -1;
	}
	bpo_fetcher_destroy(&f);
	if (rc < 0)
		bpo_fetched_destroy(out);
	return rc;
}

void bpo_index_recipe_valid_until(const struct bpo_recipe *r, struct bpo_config *cfg,
				  struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX])
{
	const char *a = bpo_index_source_archive(r, cfg);
	size_t n = 0;
	if (cfg->valid_until_recipe)
		return;
	/* the recipe's first: it wins over bpo.conf's for its archive */
	if (r->source.kind == BPO_SOURCE_ARCHIVE && a &&
	    (!r->source.check_valid_until || r->source.max_valid_time))
		vu[n++] = (struct bpo_valid_until){
			.archive = a,
			.check = r->source.check_valid_until,
			.max_valid_time = r->source.max_valid_time,
			.origin = !r->source.check_valid_until
					  ? "source.check-valid-until: false of the recipe"
					  : "source.max-valid-time of the recipe",
		};
	for (size_t i = 0; i < cfg->n_valid_until && n < BPO_VALID_UNTIL_MAX; i++)
		vu[n++] = cfg->valid_until[i];
	cfg->valid_until = vu;
	cfg->n_valid_until = n;
	cfg->valid_until_recipe = true;
}


const char *bpo_index_source_archive(const struct bpo_recipe *r, const struct bpo_config *cfg)
{
	const char *a = r->source.archive;
	return !a || strcmp(a, "mirror") == 0 ? cfg->mirror : a;
}
