/* SPDX-License-Identifier: GPL-2.0-or-later */
/* upload: a signed upload in an incoming queue (see upload.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "deb822.h"
#include "fsutil.h"
#include "hash.h"
#include "log.h"
#include "sign.h"
#include "upload.h"
#include "xmem.h"

#define MAX_CHANGES (16u << 20)

struct parsed {
	char *dir;
	struct bpo_deb822_para para;
};

static int parse_changes(const char *path, struct parsed *p, struct bpo_error *err)
{
	struct bpo_buf raw, text;
	struct bpo_deb822_parser ps;
	bool is_signed;
	int rc = -1, x;

	bpo_buf_init(&raw, MAX_CHANGES);
	bpo_buf_init(&text, MAX_CHANGES);
	bpo_deb822_para_init(&p->para);
	p->dir = bpo_path_dirname(path);
	if (bpo_file_read(path, MAX_CHANGES, &raw, err) < 0 ||
	    bpo_deb822_clearsign_strip(raw.data ? raw.data : "", raw.len, path, &text, &is_signed,
				       err) < 0)
		goto out;
	bpo_deb822_parser_init(&ps, text.data ? text.data : "", text.len, path, 0);
	x = bpo_deb822_next(&ps, &p->para, err);
	if (x == 0)
		bpo_error_set(err, BPO_E_SYNTAX, "%s: empty .changes", path);
	if (x <= 0)
		goto out;
	if (!bpo_deb822_get(&p->para, "Source") || !bpo_deb822_get(&p->para, "Version") ||
	    !bpo_deb822_get(&p->para, "Files") || !bpo_deb822_get(&p->para, "Checksums-Sha256")) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: a .changes needs Source, Version, Files and Checksums-Sha256", path);
		goto out;
	}
	rc = 0;
out:
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&text);
	return rc;
}

/* Space-separated tokens of a and b, each once, a's first. */
static char *union_tokens(const char *a, const char *b)
{
	struct bpo_buf out;
	bpo_buf_init(&out, 1u << 20);
	for (int pass = 0; pass < 2; pass++) {
		const char *p = pass ? b : a;
		while (p && *p) {
			size_t n;
			p += strspn(p, " \t\n");
			n = strcspn(p, " \t\n");
			if (!n)
				break;
			char *tok = bpo_xstrndup(p, n);
			bool dup = false;
			const char *q = out.data;
			while (q && *q && !dup) {
				size_t m = strcspn(q, " ");
				dup = m == n && strncmp(q, tok, n) == 0;
				q += m + (q[m] == ' ');
			}
			if (!dup)
				bpo_buf_printf(&out, NULL, "%s%s", out.len ? " " : "", tok);
			free(tok);
			p += n;
		}
	}
	return bpo_buf_steal(&out, NULL);
}

/* The key of a list line: its last token (a file name), or its first (Description). */
static void line_key(const char *line, size_t len, bool first, const char **k, size_t *kl)
{
	if (first) {
		*kl = strcspn(line, " ");
		if (*kl > len)
			*kl = len;
		*k = line;
		return;
	}
	const char *sp = memrchr(line, ' ', len);
	*k = sp ? sp + 1 : line;
	*kl = len - (size_t)(*k - line);
}

/* A multi-line value ("\n line...") with the lines of a and then those of b
 * whose key a lacks. */
static char *union_lines(const char *a, const char *b, bool key_first)
{
	struct bpo_buf out;
	const char *cur, *line;
	size_t len;
	bpo_buf_init(&out, MAX_CHANGES);
	for (cur = a; a && bpo_deb822_next_line(&cur, &line, &len);)
		bpo_buf_printf(&out, NULL, "\n %.*s", (int)len, line);
	for (cur = b; b && bpo_deb822_next_line(&cur, &line, &len);) {
		const char *k, *k2, *c2 = a, *l2;
		size_t kl, kl2, len2;
		bool dup = false;
		line_key(line, len, key_first, &k, &kl);
		while (c2 && !dup && bpo_deb822_next_line(&c2, &l2, &len2)) {
			line_key(l2, len2, key_first, &k2, &kl2);
			dup = kl == kl2 && memcmp(k, k2, kl) == 0;
		}
		if (!dup)
			bpo_buf_printf(&out, NULL, "\n %.*s", (int)len, line);
	}
	return bpo_buf_steal(&out, NULL);
}

/* Replace the hash and size of name's line in a Files/Checksums list. */
static char *relist(const char *value, const char *name, const char *hash, uint64_t size,
		    bool files)
{
	struct bpo_buf out;
	const char *cur = value, *line;
	size_t len;
	bpo_buf_init(&out, MAX_CHANGES);
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		const char *k;
		size_t kl;
		line_key(line, len, false, &k, &kl);
		if (kl != strlen(name) || memcmp(k, name, kl) != 0) {
			bpo_buf_printf(&out, NULL, "\n %.*s", (int)len, line);
			continue;
		}
		if (files) {
			/* md5 size section priority name */
			const char *sp1 = memchr(line, ' ', len);
			const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line)) : NULL;
			bpo_buf_printf(&out, NULL, "\n %s %" PRIu64 "%.*s", hash, size,
				       sp2 ? (int)(len - (size_t)(sp2 - line)) : 0, sp2 ? sp2 : "");
		} else {
			bpo_buf_printf(&out, NULL, "\n %s %" PRIu64 " %s", hash, size, name);
		}
	}
	return bpo_buf_steal(&out, NULL);
}

static char *no_epoch(const char *v)
{
	const char *c = strchr(v, ':');
	return bpo_xstrdup(c ? c + 1 : v);
}

/* The architecture part of the queued name: the binary ones joined by '+'. */
static char *name_arch(const char *archs)
{
	struct bpo_buf out;
	const char *p = archs;
	bool only_all = false;
	bpo_buf_init(&out, 4096);
	while (p && *p) {
		size_t n;
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (!n)
			break;
		if (n == 3 && strncmp(p, "all", 3) == 0)
			only_all = true;
		else if (!(n == 6 && strncmp(p, "source", 6) == 0))
			bpo_buf_printf(&out, NULL, "%s%.*s", out.len ? "+" : "", (int)n, p);
		p += n;
	}
	if (!out.len)
		bpo_buf_puts(&out, only_all ? "all" : "source", NULL);
	return bpo_buf_steal(&out, NULL);
}

/* Copy (or write) one file into the queue as .NAME.part, synced, then rename it to NAME. */
static int queue_put(const char *queue, const char *name, const char *src, const void *data,
		     size_t len, struct bpo_error *err)
{
	char *part = bpo_xasprintf("%s/.%s.part", queue, name);
	char *dst = bpo_path_join(queue, name);
	int rc = -1;
	if (src) {
		if (bpo_file_copy(src, part, 0644, err) < 0)
			goto out;
		int fd = open(part, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0) {
			bpo_error_set(err, BPO_E_IO, "%s: %s", part, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
	} else if (bpo_file_write_atomic(part, data, len, 0644, err) < 0) {
		goto out;
	}
	if (rename(part, dst) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: rename: %s", dst, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		unlink(part);
	free(part);
	free(dst);
	return rc;
}

int bpo_upload_make(char *const *changes, size_t n, const struct bpo_upload_opts *o,
		    const char *queue, char **out, struct bpo_error *err)
{
	struct parsed *ps = bpo_xcalloc(n ? n : 1, sizeof(*ps));
	struct bpo_signer *signer = NULL;
	struct bpo_deb822_para *m;
	struct bpo_buf text, sig;
	struct bpo_strv names = {0}, srcs = {0};
	char *name = NULL, *ver = NULL, *arch = NULL;
	size_t n_parsed = 0;
	int rc = -1;

	*out = NULL;
	bpo_buf_init(&text, MAX_CHANGES);
	bpo_buf_init(&sig, MAX_CHANGES);
	if (!n || !o->key) {
		bpo_error_set(err, BPO_E_USAGE, n ? "no signing key for the upload: give --sign-key, the recipe's "
						    "publish.key, bpo.conf's sign-key or "
						    "DEBSIGN_KEYID in ~/.devscripts"
						  : "nothing to upload");
		goto out;
	}
	if (!bpo_is_dir(queue)) {
		bpo_error_set(err, BPO_E_USAGE, "%s: the upload queue is not a directory", queue);
		goto out;
	}
	for (size_t i = 0; i < n; i++, n_parsed++)
		if (parse_changes(changes[i], &ps[i], err) < 0) {
			n_parsed++;
			goto out;
		}
	/* the one with the source first: its fields are the upload's */
	for (size_t i = 1; i < n; i++) {
		const char *a = bpo_deb822_get(&ps[i].para, "Architecture");
		if (a && strstr(a, "source")) {
			struct parsed t = ps[0];
			ps[0] = ps[i];
			ps[i] = t;
		}
	}
	m = &ps[0].para;
	for (size_t i = 1; i < n; i++) {
		const struct bpo_deb822_para *b = &ps[i].para;
		if (strcmp(bpo_deb822_get(b, "Source"), bpo_deb822_get(m, "Source")) != 0 ||
		    strcmp(bpo_deb822_get(b, "Version"), bpo_deb822_get(m, "Version")) != 0) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s and %s are not of one source version",
				      changes[0], changes[i]);
			goto out;
		}
		static const char *const tokens[] = {"Architecture", "Binary"};
		for (size_t f = 0; f < 2; f++) {
			char *u = union_tokens(bpo_deb822_get(m, tokens[f]), bpo_deb822_get(b, tokens[f]));
			bpo_deb822_set(m, tokens[f], u);
			free(u);
		}
		static const char *const lists[] = {"Description", "Files", "Checksums-Sha1",
						    "Checksums-Sha256"};
		for (size_t f = 0; f < 4; f++) {
			const char *bv = bpo_deb822_get(b, lists[f]);
			if (!bv)
				continue;
			char *u = union_lines(bpo_deb822_get(m, lists[f]), bv, f == 0);
			bpo_deb822_set(m, lists[f], u);
			free(u);
		}
	}
	/* where each file is */
	{
		const char *cur = bpo_deb822_get(m, "Files"), *line;
		size_t len;
		while (bpo_deb822_next_line(&cur, &line, &len)) {
			const char *k;
			size_t kl;
			line_key(line, len, false, &k, &kl);
			char *fn = bpo_xstrndup(k, kl);
			char *src = NULL;
			if (!bpo_path_component_ok(fn)) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s: bad file name '%s'", changes[0], fn);
				free(fn);
				goto out;
			}
			for (size_t i = 0; i < n && !src; i++) {
				char *p = bpo_path_join(ps[i].dir, fn);
				if (bpo_path_exists(p))
					src = p;
				else
					free(p);
			}
			if (!src) {
				bpo_error_set(err, BPO_E_NOTFOUND, "%s: %s is missing next to the .changes",
					      changes[0], fn);
				free(fn);
				goto out;
			}
			bpo_strv_push_owned(&names, fn);
			bpo_strv_push_owned(&srcs, src);
		}
	}
	if (bpo_sign_open(&signer, o->key, o->keyfile ? NULL : o->gnupghome, o->keyfile, err) < 0)
		goto out;
	/* debsign's order: the .dsc and .buildinfo, then the .changes naming their new sums */
	for (size_t i = 0; i < names.n; i++) {
		struct bpo_buf raw, plain;
		bool is_signed;
		if (!bpo_str_has_suffix(names.v[i], ".dsc") &&
		    !bpo_str_has_suffix(names.v[i], ".buildinfo"))
			continue;
		bpo_buf_init(&raw, MAX_CHANGES);
		bpo_buf_init(&plain, MAX_CHANGES);
		bpo_buf_reset(&sig);
		int x = bpo_file_read(srcs.v[i], MAX_CHANGES, &raw, err);
		if (x == 0)
			x = bpo_deb822_clearsign_strip(raw.data ? raw.data : "", raw.len, srcs.v[i],
						       &plain, &is_signed, err);
		if (x == 0)
			x = bpo_sign_clear(signer, plain.data ? plain.data : "", plain.len, &sig, err);
		if (x == 0)
			x = queue_put(queue, names.v[i], NULL, sig.data, sig.len, err);
		bpo_buf_destroy(&raw);
		bpo_buf_destroy(&plain);
		if (x < 0)
			goto out;
		struct bpo_hash h;
		char md5[BPO_HASH_HEX_MAX], sha1[BPO_HASH_HEX_MAX], sha256[BPO_HASH_HEX_MAX];
		bpo_hash_init(&h, 1u << BPO_HASH_MD5 | 1u << BPO_HASH_SHA1 | 1u << BPO_HASH_SHA256);
		bpo_hash_update(&h, sig.data, sig.len);
		bpo_hash_hex(&h, BPO_HASH_MD5, md5);
		bpo_hash_hex(&h, BPO_HASH_SHA1, sha1);
		bpo_hash_hex(&h, BPO_HASH_SHA256, sha256);
		bpo_hash_destroy(&h);
		static const char *const lists[] = {"Files", "Checksums-Sha1", "Checksums-Sha256"};
		const char *hashes[] = {md5, sha1, sha256};
		for (size_t f = 0; f < 3; f++) {
			const char *v = bpo_deb822_get(m, lists[f]);
			if (!v)
				continue;
			char *nv = relist(v, names.v[i], hashes[f], sig.len, f == 0);
			bpo_deb822_set(m, lists[f], nv);
			free(nv);
		}
		free(srcs.v[i]);
		srcs.v[i] = NULL; /* queued already */
	}
	for (size_t i = 0; i < names.n; i++)
		if (srcs.v[i] && queue_put(queue, names.v[i], srcs.v[i], NULL, 0, err) < 0)
			goto out;
	if (bpo_deb822_write(m, &text, err) < 0)
		goto out;
	bpo_buf_reset(&sig);
	if (bpo_sign_clear(signer, text.data, text.len, &sig, err) < 0)
		goto out;
	ver = no_epoch(bpo_deb822_get(m, "Version"));
	arch = name_arch(bpo_deb822_get(m, "Architecture"));
	name = bpo_xasprintf("%s_%s_%s.changes", bpo_deb822_get(m, "Source"), ver, arch);
	if (queue_put(queue, name, NULL, sig.data, sig.len, err) < 0)
		goto out;
	{
		/* the renames are durable before we say the upload is there */
		int dfd = open(queue, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	*out = bpo_path_join(queue, name);
	bpo_info("uploaded %s %s to %s (%zu files, signed by %s)", bpo_deb822_get(m, "Source"),
		 bpo_deb822_get(m, "Version"), *out, names.n, bpo_sign_fpr(signer));
	rc = 0;
out:
	for (size_t i = 0; i < n_parsed && i < n; i++) {
		bpo_deb822_para_destroy(&ps[i].para);
		free(ps[i].dir);
	}
	free(ps);
	bpo_sign_free(signer);
	bpo_strv_destroy(&names);
	for (size_t i = 0; i < srcs.n; i++)
		free(srcs.v[i]);
	free(srcs.v);
	free(name);
	free(ver);
	free(arch);
	bpo_buf_destroy(&text);
	bpo_buf_destroy(&sig);
	return rc;
}
