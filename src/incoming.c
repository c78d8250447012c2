/* SPDX-License-Identifier: GPL-2.0-or-later */
/* incoming: process an incoming queue of signed uploads (see incoming.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "deb822.h"
#include "fsutil.h"
#include "hash.h"
#include "incoming.h"
#include "json.h"
#include "log.h"
#include "repo.h"
#include "version.h"
#include "xmem.h"

#define MAX_CHANGES (16u << 20)
#define LOCK_NAME ".bpo-incoming.lock"

enum outcome { O_PUBLISHED, O_ALREADY, O_REJECTED, O_PENDING, O_FAILED };
static const char *const outcome_name[] = {"published", "already-published", "rejected",
					   "pending", "failed"};

struct qfile {
	char *name, *sha256;
	uint64_t size;
};

struct upl {
	char *changes; /* file name in the queue */
	char *source, *version, *suite;
	struct qfile *f;
	size_t n;
};

static void upl_destroy(struct upl *u)
{
	free(u->changes);
	free(u->source);
	free(u->version);
	free(u->suite);
	for (size_t i = 0; i < u->n; i++) {
		free(u->f[i].name);
		free(u->f[i].sha256);
	}
	free(u->f);
	memset(u, 0, sizeof(*u));
}

/* Parse QUEUE/name (signature not checked here: the publish does it). */
static int upl_parse(const char *queue, const char *name, struct upl *u, struct bpo_error *err)
{
	char *path = bpo_path_join(queue, name);
	struct bpo_buf raw, text;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	const char *sums, *dist, *cur, *line;
	size_t len, cap = 0;
	bool is_signed;
	int rc = -1, x;

	u->changes = bpo_xstrdup(name);
	bpo_buf_init(&raw, MAX_CHANGES);
	bpo_buf_init(&text, MAX_CHANGES);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(path, MAX_CHANGES, &raw, err) < 0 ||
	    bpo_deb822_clearsign_strip(raw.data ? raw.data : "", raw.len, name, &text, &is_signed,
				       err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, text.data ? text.data : "", text.len, name, 0);
	x = bpo_deb822_next(&p, &para, err);
	if (x == 0)
		bpo_error_set(err, BPO_E_SYNTAX, "%s: empty .changes", name);
	if (x <= 0)
		goto out;
	sums = bpo_deb822_get(&para, "Checksums-Sha256");
	dist = bpo_deb822_get(&para, "Distribution");
	if (!bpo_deb822_get(&para, "Source") || !bpo_deb822_get(&para, "Version") || !sums ||
	    !dist || !*dist) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: a .changes needs Source, Version, Distribution "
			      "and Checksums-Sha256", name);
		goto out;
	}
	u->source = bpo_xstrndup(bpo_deb822_get(&para, "Source"),
				 strcspn(bpo_deb822_get(&para, "Source"), " ("));
	u->version = bpo_xstrdup(bpo_deb822_get(&para, "Version"));
	u->suite = bpo_xstrndup(dist, strcspn(dist, " "));
	for (cur = sums; bpo_deb822_next_line(&cur, &line, &len);) {
		char *l = bpo_xstrndup(line, len), *sp1 = strchr(l, ' '), *sp2, *end;
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		unsigned long long size = sp2 ? strtoull(sp1 + 1, &end, 10) : 0;
		if (!sp2 || end != sp2 || !bpo_path_component_ok(sp2 + 1)) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: bad Checksums-Sha256 line '%s'", name, l);
			free(l);
			goto out;
		}
		BPO_GROW(u->f, cap, u->n + 1);
		u->f[u->n++] = (struct qfile){bpo_xstrdup(sp2 + 1), bpo_xstrndup(l, (size_t)(sp1 - l)),
					      size};
		free(l);
	}
	rc = 0;
out:
	free(path);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&text);
	bpo_deb822_para_destroy(&para);
	return rc;
}

static bool listed(const struct bpo_strv *keep, const char *name)
{
	for (size_t i = 0; keep && i < keep->n; i++)
		if (strcmp(keep->v[i], name) == 0)
			return true;
	return false;
}

/* Move the .changes (first) and then its files from the queue into dir; a
 * file that another queued upload lists too (an orig tarball two versions
 * share) is linked, so that it stays for that one. */
static void move_upload(const char *queue, const char *dir, const struct upl *u,
			const struct bpo_strv *keep)
{
	char *from = bpo_path_join(queue, u->changes), *to = bpo_path_join(dir, u->changes);
	if (rename(from, to) < 0)
		bpo_warn("%s: cannot move to %s: %s", from, dir, strerror(errno));
	free(from);
	free(to);
	for (size_t i = 0; i < u->n; i++) {
		from = bpo_path_join(queue, u->f[i].name);
		to = bpo_path_join(dir, u->f[i].name);
		if (listed(keep, u->f[i].name)) {
			unlink(to);
			if (link(from, to) < 0 && errno != ENOENT)
				bpo_warn("%s: cannot link into %s: %s", from, dir, strerror(errno));
		} else {
			struct stat a, b;
			/* rename() between two links of one file does nothing: drop ours */
			if (stat(from, &a) == 0 && stat(to, &b) == 0 && a.st_dev == b.st_dev &&
			    a.st_ino == b.st_ino)
				unlink(from);
			else if (rename(from, to) < 0 && errno != ENOENT)
				bpo_warn("%s: cannot move to %s: %s", from, dir, strerror(errno));
		}
		free(from);
		free(to);
	}
}

/* One line of reason (the first line of a message). */
static char *one_line(const char *msg)
{
	return bpo_xstrndup(msg, strcspn(msg, "\n"));
}

static void reject(const struct bpo_incoming_opts *o, const struct upl *u, const char *reason,
		   const struct bpo_strv *keep)
{
	char *dir = bpo_path_join(o->queue, "rejected");
	char *name = bpo_xasprintf("%s/%s.reason", dir, u->changes);
	char *line = bpo_xasprintf("%s\n", reason);
	struct bpo_error e;
	bpo_error_init(&e);
	if (bpo_file_write_atomic(name, line, strlen(line), 0644, &e) < 0)
		bpo_warn("%s", e.msg);
	move_upload(o->queue, dir, u, keep);
	bpo_warn("rejected %s: %s", u->changes, reason);
	free(dir);
	free(name);
	free(line);
}

static void report(const struct bpo_incoming_opts *o, const struct upl *u, enum outcome oc,
		   const char *reason)
{
	if (!o->json)
		return;
	bpo_json_fput(stdout, "{" BPO_JSON_SV ",\"changes\":", u->changes);
	bpo_json_fput(stdout, ",\"source\":", u->source);
	bpo_json_fput(stdout, ",\"version\":", u->version);
	bpo_json_fput(stdout, ",\"suite\":", u->suite);
	bpo_json_fput(stdout, ",\"result\":", outcome_name[oc]);
	bpo_json_fput(stdout, ",\"reason\":", reason);
	fputs("}\n", stdout);
	fflush(stdout);
}

/* The source versions of each suite, read once per pass. */
struct published {
	char *suite;
	struct bpo_repo_source *v;
	size_t n;
};

struct pcache {
	struct published *p;
	size_t n, cap;
};

static void pcache_destroy(struct pcache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->p[i].suite);
		bpo_repo_sources_free(c->p[i].v, c->p[i].n);
	}
	free(c->p);
	memset(c, 0, sizeof(*c));
}

static const struct published *pcache_get(struct pcache *c, struct bpo_repo *r, const char *suite,
					  struct bpo_error *err)
{
	struct published *p;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->p[i].suite, suite) == 0)
			return &c->p[i];
	BPO_GROW(c->p, c->cap, c->n + 1);
	p = &c->p[c->n];
	memset(p, 0, sizeof(*p));
	if (bpo_repo_sources(r, suite, NULL, &p->v, &p->n, err) < 0)
		return NULL;
	p->suite = bpo_xstrdup(suite);
	c->n++;
	return p;
}

/* The checks of one parsed, complete upload against the repository (opened
 * read-only: no lock): suite, uploaders keyring, checksums, version (the
 * signature is checked by the publish). O_PUBLISHED here means "to publish". */
static enum outcome check(const struct bpo_incoming_opts *o, struct bpo_repo *r,
			  struct pcache *pc, struct upl *u, char **reason)
{
	const struct bpo_repo_config *cfg = bpo_repo_get_config(r);
	const struct published *pub;
	struct bpo_error e;
	enum outcome oc = O_REJECTED;
	bool known = false;

	bpo_error_init(&e);
	for (size_t i = 0; i < cfg->suites.n; i++)
		known |= strcmp(cfg->suites.v[i], u->suite) == 0;
	if (!known) {
		*reason = bpo_xasprintf("Distribution %s is not a suite of %s", u->suite, o->repo);
		goto out;
	}
	if (!bpo_repo_uploaders(r, u->suite)) {
		*reason = bpo_xasprintf("the suite %s takes no uploads: it has no uploaders keyring "
					"(bpo repo init --uploaders %s=KEYRING)", u->suite, u->suite);
		goto out;
	}
	/* the signature is the publish's to check (bpo_repo_publish, against
	   the suite's uploaders): each gpg run costs a process, once is enough;
	   a bad one fails its batch, which is then published one by one */
	for (size_t i = 0; i < u->n; i++) {
		char *fp = bpo_path_join(o->queue, u->f[i].name), hex[BPO_HASH_HEX_MAX];
		uint64_t size;
		int x = bpo_hash_file(fp, BPO_HASH_SHA256, hex, &size, &e);
		free(fp);
		if (x < 0 || strcmp(hex, u->f[i].sha256) != 0) {
			*reason = x < 0 ? one_line(e.msg)
					: bpo_xasprintf("%s does not match: its SHA-256 is not the one "
							"the .changes gives", u->f[i].name);
			goto out;
		}
	}
	if (!(pub = pcache_get(pc, r, u->suite, &e))) {
		*reason = one_line(e.msg);
		oc = O_FAILED;
		goto out;
	}
	const char *highest = NULL;
	bool same = false;
	for (size_t i = 0; i < pub->n; i++) {
		const struct bpo_repo_source *x = &pub->v[i];
		if (strcmp(x->source, u->source) != 0)
			continue;
		if (!highest || bpo_version_compare_str(x->version, highest) > 0)
			highest = x->version;
		same |= bpo_version_compare_str(x->version, u->version) == 0;
	}
	if (same) {
		bool all = true;
		for (size_t i = 0; i < u->n && all; i++)
			all = bpo_repo_pool_has(r, cfg->components.v[0], u->source, u->f[i].name,
						u->f[i].sha256);
		if (all)
			oc = O_ALREADY;
		else
			*reason = bpo_xasprintf("%s %s is already published in %s (with other files)",
						u->source, u->version, u->suite);
		goto out;
	}
	if (highest && bpo_version_compare_str(u->version, highest) < 0) {
		*reason = bpo_xasprintf("%s %s is older than %s, published in %s", u->source,
					u->version, highest, u->suite);
		goto out;
	}
	oc = O_PUBLISHED;
out:
	return oc;
}

/* Publish the uploads of one suite under one lock and one write of its
 * indices; when that fails, one by one, so that one bad upload does not
 * hold back the others. out[i] and reason[i] get each one's outcome. */
static void publish_batch(const struct bpo_incoming_opts *o, struct upl *const *ups, size_t n,
			  enum outcome *out, char **reason)
{
	struct bpo_repo *r = NULL;
	struct bpo_error e;
	char **paths = bpo_xcalloc(n + 1, sizeof(*paths));

	bpo_error_init(&e);
	for (size_t i = 0; i < n; i++)
		paths[i] = bpo_path_join(o->queue, ups[i]->changes);
	if (bpo_repo_open(&r, o->repo, true, o->lock_timeout, &e) < 0) {
		for (size_t i = 0; i < n; i++) {
			out[i] = O_FAILED;
			reason[i] = one_line(e.msg);
		}
		goto done;
	}
	if (bpo_repo_publish(r, paths, n, ups[0]->suite, NULL, -1, &e) == 0) {
		for (size_t i = 0; i < n; i++)
			out[i] = O_PUBLISHED;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (n > 1) {
			bpo_error_init(&e);
			if (bpo_repo_publish(r, &paths[i], 1, ups[i]->suite, NULL, -1, &e) == 0) {
				out[i] = O_PUBLISHED;
				continue;
			}
		}
		reason[i] = one_line(e.msg);
		/* bad uploads are rejected; the repository's own trouble leaves them queued */
		out[i] = e.kind == BPO_E_VERIFY || e.kind == BPO_E_SYNTAX ||
				 e.kind == BPO_E_NOTFOUND || e.kind == BPO_E_USAGE
			 ? O_REJECTED
			 : O_FAILED;
	}
done:
	bpo_repo_close(r); /* the lock is held only for the publish */
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* Parse and look at one upload: still arriving, bad, or to check. */
static enum outcome first_look(const struct bpo_incoming_opts *o, const char *name, time_t mtime,
			       struct upl *u, char **reason)
{
	struct bpo_error e;
	bool young = time(NULL) - mtime < (time_t)o->grace;

	bpo_error_init(&e);
	if (upl_parse(o->queue, name, u, &e) < 0) {
		if (young)
			return O_PENDING; /* perhaps still being written */
		*reason = one_line(e.msg);
		return O_REJECTED;
	}
	for (size_t i = 0; i < u->n; i++) {
		char *p = bpo_path_join(o->queue, u->f[i].name);
		struct stat st;
		int x = lstat(p, &st);
		free(p);
		if (x == 0 && !S_ISREG(st.st_mode)) {
			*reason = bpo_xasprintf("%s is not a regular file", u->f[i].name);
			return O_REJECTED;
		}
		if (x == 0 && (uint64_t)st.st_size > u->f[i].size) {
			*reason = bpo_xasprintf("%s: size %" PRIu64 ", the .changes says %" PRIu64,
						u->f[i].name, (uint64_t)st.st_size, u->f[i].size);
			return O_REJECTED;
		}
		if (x < 0 || (uint64_t)st.st_size < u->f[i].size) {
			if (young) {
				bpo_info("%s: waiting for %s", name, u->f[i].name);
				return O_PENDING;
			}
			*reason = bpo_xasprintf("%s is %s %u s after the .changes came (--grace)",
						u->f[i].name, x < 0 ? "missing" : "incomplete",
						o->grace);
			return O_REJECTED;
		}
	}
	return O_PUBLISHED; /* to check */
}

/* What happens to an upload once decided: moved, reported. */
static void finish(const struct bpo_incoming_opts *o, struct upl *u, const char *name,
		   enum outcome oc, const char *reason, const struct bpo_strv *keep)
{
	if (!u->changes)
		u->changes = bpo_xstrdup(name);
	if (oc == O_REJECTED) {
		reject(o, u, reason, keep);
	} else if (oc == O_PUBLISHED || oc == O_ALREADY) {
		char *dir = bpo_path_join(o->queue, "done");
		move_upload(o->queue, dir, u, keep);
		free(dir);
		bpo_info("%s %s %s %s to %s", oc == O_PUBLISHED ? "published" : "had already",
			 u->source, u->version, oc == O_PUBLISHED ? "from the queue" : "published",
			 u->suite);
	} else if (oc == O_FAILED) {
		bpo_warn("%s stays queued: %s", name, reason ? reason : "?");
	}
	report(o, u, oc, reason);
}

/* The files that the uploads other than i that are not finished yet list. */
static void still_queued(const struct upl *ups, size_t n, const bool *finished, size_t i,
			 struct bpo_strv *keep)
{
	for (size_t j = 0; j < n; j++)
		for (size_t k = 0; j != i && !finished[j] && k < ups[j].n; k++)
			bpo_strv_push(keep, ups[j].f[k].name);
}

static void count(struct bpo_incoming_stats *st, enum outcome oc)
{
	switch (oc) {
	case O_PUBLISHED:
	case O_ALREADY: st->published++; break;
	case O_REJECTED: st->rejected++; break;
	case O_PENDING: st->pending++; break;
	default: st->failed++; break;
	}
}

/* Files a finished upload (its .changes in done/ or rejected/) left in the queue. */
static void sweep(const struct bpo_incoming_opts *o, const char *sub, const struct bpo_strv *queued,
		  const struct bpo_strv *keep)
{
	char *dir = bpo_path_join(o->queue, sub);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		struct upl u = {0};
		struct bpo_error e;
		bool again = false;
		if (!bpo_str_has_suffix(de->d_name, ".changes"))
			continue;
		for (size_t i = 0; i < queued->n; i++)
			again |= strcmp(queued->v[i], de->d_name) == 0;
		bpo_error_init(&e);
		if (again || upl_parse(dir, de->d_name, &u, &e) < 0) {
			upl_destroy(&u);
			continue;
		}
		for (size_t i = 0; i < u.n; i++) {
			if (listed(keep, u.f[i].name))
				continue; /* a queued upload has it */
			char *from = bpo_path_join(o->queue, u.f[i].name);
			char *to = bpo_path_join(dir, u.f[i].name);
			if (rename(from, to) == 0)
				bpo_info("moved %s, left behind by %s, to %s", u.f[i].name, u.changes, sub);
			free(from);
			free(to);
		}
		upl_destroy(&u);
	}
	if (d)
		closedir(d);
	free(dir);
}

struct qentry {
	char *name;
	time_t mtime;
};

static int qentry_cmp(const void *a, const void *b)
{
	const struct qentry *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

int bpo_incoming_process(const struct bpo_incoming_opts *o, struct bpo_incoming_stats *st,
			 struct bpo_error *err)
{
	struct upl *ups = NULL;
	struct bpo_repo *ro = NULL;
	struct pcache pc = {0};
	enum outcome *oc = NULL;
	char **reasons = NULL;
	bool *handled = NULL, *done = NULL;
	char *lock = NULL;
	struct qentry *q = NULL;
	struct bpo_strv queued = {0};
	size_t n = 0, cap = 0;
	int fd = -1, rc = -1;
	DIR *d;
	struct dirent *de;

	if (!bpo_is_dir(o->queue))
		return bpo_error_set(err, BPO_E_USAGE, "%s: the queue is not a directory", o->queue);
	lock = bpo_path_join(o->queue, LOCK_NAME);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", lock, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		char *sub = bpo_path_join(o->queue, i ? "rejected" : "done");
		int x = bpo_mkdir_p(sub, 0755, err);
		free(sub);
		if (x < 0)
			goto out;
	}
	if (!(d = opendir(o->queue))) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", o->queue, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		char *p;
		if (de->d_name[0] == '.' || !bpo_str_has_suffix(de->d_name, ".changes"))
			continue;
		p = bpo_path_join(o->queue, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
			BPO_GROW(q, cap, n + 1);
			q[n++] = (struct qentry){bpo_xstrdup(de->d_name), sb.st_mtime};
			bpo_strv_push(&queued, de->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n > 1)
		qsort(q, n, sizeof(*q), qentry_cmp);
	/* every upload looked at and checked (the repository read, not locked),
	   then the accepted ones of each suite published together */
	ups = bpo_xcalloc(n + 1, sizeof(*ups));
	oc = bpo_xcalloc(n + 1, sizeof(*oc));
	reasons = bpo_xcalloc(n + 1, sizeof(*reasons));
	handled = bpo_xcalloc(n + 1, sizeof(*handled));
	done = bpo_xcalloc(n + 1, sizeof(*done));
	for (size_t i = 0; i < n; i++)
		oc[i] = first_look(o, q[i].name, q[i].mtime, &ups[i], &reasons[i]);
	{
		/* files of finished uploads left behind, but none a queued one lists */
		struct bpo_strv all = {0};
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < ups[i].n; k++)
				bpo_strv_push(&all, ups[i].f[k].name);
		sweep(o, "done", &queued, &all);
		sweep(o, "rejected", &queued, &all);
		bpo_strv_destroy(&all);
	}
	for (size_t i = 0; i < n; i++) {
		if (oc[i] != O_PUBLISHED)
			continue;
		if (!ro && bpo_repo_open(&ro, o->repo, false, 0, err) < 0)
			goto out;
		oc[i] = check(o, ro, &pc, &ups[i], &reasons[i]);
		/* one version of a source per pass: another waits for the next */
		for (size_t j = 0; j < i && oc[i] == O_PUBLISHED; j++)
			if (oc[j] == O_PUBLISHED && strcmp(ups[j].source, ups[i].source) == 0 &&
			    strcmp(ups[j].suite, ups[i].suite) == 0)
				oc[i] = O_PENDING;
	}
	bpo_repo_close(ro);
	ro = NULL;
	pcache_destroy(&pc);
	for (size_t i = 0; i < n; i++) {
		if (oc[i] != O_PUBLISHED || handled[i])
			continue;
		struct upl **batch = bpo_xcalloc(n + 1, sizeof(*batch));
		size_t *idx = bpo_xcalloc(n + 1, sizeof(*idx)), nb = 0;
		for (size_t j = i; j < n; j++)
			if (oc[j] == O_PUBLISHED && !handled[j] && strcmp(ups[j].suite, ups[i].suite) == 0) {
				idx[nb] = j;
				batch[nb++] = &ups[j];
				handled[j] = true;
			}
		enum outcome *bo = bpo_xcalloc(nb + 1, sizeof(*bo));
		char **br = bpo_xcalloc(nb + 1, sizeof(*br));
		publish_batch(o, batch, nb, bo, br);
		for (size_t k = 0; k < nb; k++) {
			struct bpo_strv keep = {0};
			still_queued(ups, n, done, idx[k], &keep);
			finish(o, &ups[idx[k]], q[idx[k]].name, bo[k], br[k], &keep);
			bpo_strv_destroy(&keep);
			done[idx[k]] = true;
			count(st, bo[k]);
			free(br[k]);
		}
		free(bo);
		free(br);
		free(batch);
		free(idx);
	}
	for (size_t i = 0; i < n; i++)
		if (!handled[i]) {
			struct bpo_strv keep = {0};
			still_queued(ups, n, done, i, &keep);
			finish(o, &ups[i], q[i].name, oc[i], reasons[i], &keep);
			bpo_strv_destroy(&keep);
			done[i] = true;
			count(st, oc[i]);
		}
	rc = 0;
out:
	bpo_repo_close(ro);
	pcache_destroy(&pc);
	for (size_t i = 0; ups && i < n; i++) {
		upl_destroy(&ups[i]);
		free(reasons[i]);
	}
	free(ups);
	free(oc);
	free(reasons);
	free(handled);
	free(done);
	for (size_t i = 0; i < n; i++)
		free(q[i].name);
	free(q);
	bpo_strv_destroy(&queued);
	if (fd >= 0)
		close(fd); /* and the queue's lock */
	free(lock);
	return rc;
}

static volatile sig_atomic_t stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

int bpo_incoming_watch(const struct bpo_incoming_opts *o, struct bpo_incoming_stats *st,
		       struct bpo_error *err)
{
	struct sigaction sa;
	int fd, rc = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0 || inotify_add_watch(fd, o->queue, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: inotify: %s", o->queue, strerror(errno));
		goto out;
	}
	bpo_info("watching %s (SIGINT or SIGTERM stops)", o->queue);
	while (!stop_watch) {
		struct bpo_incoming_stats one = {0};
		if (bpo_incoming_process(o, &one, err) < 0)
			goto out;
		st->published += one.published;
		st->rejected += one.rejected;
		st->failed += one.failed;
		st->pending = one.pending;
		/* pending uploads are looked at again every few seconds (the grace
		   time runs out without any event); else the next file that arrives */
		struct pollfd pfd = {fd, POLLIN, 0};
		int timeout = one.pending || one.failed ? 2000 : 60000;
		int x = poll(&pfd, 1, timeout);
		if (x < 0 && errno != EINTR) {
			bpo_error_set(err, BPO_E_IO, "poll: %s", strerror(errno));
			goto out;
		}
		if (x > 0) {
			char buf[8192];
			usleep(100 * 1000); /* a burst of files is one pass */
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
