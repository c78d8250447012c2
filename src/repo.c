/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo: repository state, indices, Release, signing, atomic publish, lock, audit. */
#include "config.h"
#include "repo.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "buf.h"
#include "deb822.h"
#include "debfile.h"
#include "fixes.h"
#include "fsutil.h"
#include "gpg.h"
#include "hash.h"
#include "json.h"
#include "log.h"
#include "osv.h"
#include "sign.h"
#include "version.h"

#define CONF_NAME "conf/repo"
#define LOCK_NAME "conf/lock"
#define MAX_CHANGES_FILES 4096

struct bpo_repo {
	char *dir;
	struct bpo_repo_config cfg;
	int lock_fd;
	struct bpo_signer *signer; /* opened on first use */
};

/* One stanza of an index. */
struct entry {
	char *package, *version, *arch; /* arch "source" in a Sources index */
	char *source, *srcver;
	char *text;                     /* the stanza, each line ending in '\n' */
	struct bpo_strv files;          /* pool paths (relative to DIR) it names */
	bool debug;                     /* of an upload: Auto-Built-Package: debug-symbols */
};

/* One index: comp/binary-<arch>/Packages or comp/source/Sources. */
struct index {
	char *comp, *arch; /* arch "source" for Sources */
	struct entry *e;
	size_t n, cap;
	bool dirty;
};

struct suite {
	char *name;
	struct index *idx;
	size_t n;
};

/* ------------------------------------------------------------------ helpers */

static void entry_destroy(struct entry *e)
{
	free(e->package);
	free(e->version);
	free(e->arch);
	free(e->source);
	free(e->srcver);
	free(e->text);
	bpo_strv_destroy(&e->files);
	memset(e, 0, sizeof(*e));
}

static void suite_destroy(struct suite *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->idx[i].n; j++)
			entry_destroy(&s->idx[i].e[j]);
		free(s->idx[i].e);
		free(s->idx[i].comp);
		free(s->idx[i].arch);
	}
	free(s->idx);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

static bool strv_has(const struct bpo_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

/* Split a comma/space separated list into sv. */
static void split_list(const char *s, struct bpo_strv *sv)
{
	while (s && *s) {
		size_t n;
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		n = strcspn(s, ", \t\n");
		if (n)
			bpo_strv_push_owned(sv, bpo_xstrndup(s, n));
		s += n;
	}
}

static char *join_list(const struct bpo_strv *sv, const char *sep)
{
	struct bpo_buf b;
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			bpo_buf_puts(&b, sep, NULL);
		bpo_buf_puts(&b, sv->v[i], NULL);
	}
	return bpo_buf_steal(&b, NULL);
}

/* A name usable as a suite, component or architecture (and as a path part). */
static bool name_ok(const char *s)
{
	if (!s || !*s || !isalnum((unsigned char)*s) || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-+._~", *s))
			return false;
	return true;
}

/* A Debian package name (policy 5.6.1), which we also use as a directory name. */
static bool pkgname_ok(const char *s)
{
	if (!s || strlen(s) < 2 || strlen(s) > 200 || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("+-.", *s)))
			return false;
	return true;
}

static bool version_ok(const char *v)
{
	struct bpo_version pv;
	if (!v || !*v || strlen(v) > 256 || strchr(v, '/') || strchr(v, '\n'))
		return false;
	if (bpo_version_parse(&pv, v, NULL) < 0)
		return false;
	bpo_version_destroy(&pv);
	return true;
}

/* Parse "gz xz" / "gz,xz" / "none" into a mask (see repo.h). */
int bpo_repo_parse_compressions(const char *s, unsigned *mask)
{
	struct bpo_strv sv = {0};
	int rc = 0;

	*mask = 0;
	split_list(s, &sv);
	for (size_t i = 0; i < sv.n; i++) {
		if (strcmp(sv.v[i], "gz") == 0)
			*mask |= BPO_REPO_GZ;
		else if (strcmp(sv.v[i], "xz") == 0)
			*mask |= BPO_REPO_XZ;
		else if (strcmp(sv.v[i], "none") != 0 || sv.n != 1)
			rc = -1;
	}
	if (sv.n == 0)
		rc = -1;
	bpo_strv_destroy(&sv);
	return rc;
}

/* The pool directory prefix of a source (see repo.h). */
char *bpo_repo_pool_prefix(const char *source)
{
	if (bpo_str_has_prefix(source, "lib") && strlen(source) > 3)
		return bpo_xstrndup(source, 4);
	return bpo_xstrndup(source, 1);
}

static void fmt_date(time_t t, char *out, size_t n)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mons[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d UTC", days[tm.tm_wday], tm.tm_mday,
		 mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Parse "foo" or "foo (1.2-1)" (a Source field). */
static void parse_source_field(const char *v, const char *dflt_name, const char *dflt_ver,
			       char **name, char **ver)
{
	const char *p, *q;
	if (!v || !*v) {
		*name = bpo_xstrdup(dflt_name);
		*ver = bpo_xstrdup(dflt_ver);
		return;
	}
	p = v + strcspn(v, " \t(");
	*name = bpo_xstrndup(v, (size_t)(p - v));
	q = strchr(p, '(');
	if (q) {
		const char *e = strchr(q, ')');
		q++;
		while (*q == ' ')
			q++;
		if (e && e > q) {
			while (e > q && e[-1] == ' ')
				e--;
			*ver = bpo_xstrndup(q, (size_t)(e - q));
			return;
		}
	}
	*ver = bpo_xstrdup(dflt_ver);
}

/* Write data to path (new file, fsync). */
static int write_new(const char *path, const void *data, size_t len, struct bpo_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot create: %s", path, strerror(errno));
	if (bpo_write_all(fd, data, len, path, err) < 0) {
		close(fd);
		return -1;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: fsync: %s", path, strerror(errno));
	return 0;
}

static int fsync_dir(const char *path, struct bpo_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: %s", path, strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL) {
		close(fd);
		return bpo_error_set(err, BPO_E_IO, "%s: fsync: %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

struct wctx {
	struct bpo_buf *b;
};

static la_ssize_t buf_writer(struct archive *a, void *ud, const void *p, size_t n)
{
	struct wctx *w = ud;
	if (bpo_buf_append(w->b, p, n, NULL) < 0) {
		archive_set_error(a, EFBIG, "compressed index too large");
		return -1;
	}
	return (la_ssize_t)n;
}

/* Compress data with libarchive's gzip or xz write filter (raw format). */
static int compress_buf(const char *data, size_t len, bool xz, struct bpo_buf *out,
			struct bpo_error *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct wctx w = {out};
	int rc = -1;

	if ((xz ? archive_write_add_filter_xz(a) : archive_write_add_filter_gzip(a)) != ARCHIVE_OK ||
	    archive_write_set_format_raw(a) != ARCHIVE_OK ||
	    /* no time stamp in the gzip header: same input, same bytes */
	    (!xz && archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK) ||
	    /* xz -1: a 10,000-package index in a fraction of the time of -6, ~20% larger */
	    (xz && archive_write_set_filter_option(a, "xz", "compression-level", "1") != ARCHIVE_OK) ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, &w, NULL, buf_writer, NULL) != ARCHIVE_OK) {
		bpo_error_set(err, BPO_E_FAIL, "compression: %s", archive_error_string(a));
		goto out;
	}
	archive_entry_set_pathname(e, "index");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len) ||
	    archive_write_close(a) != ARCHIVE_OK) {
		bpo_error_set(err, BPO_E_FAIL, "compression: %s", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_entry_free(e);
	archive_write_free(a);
	return rc;
}

/* One compression of an index, run in a thread of its own. */
struct zjob {
	const char *data;
	size_t len;
	bool xz;
	struct bpo_buf out;
	struct bpo_error err;
	int rc;
};

static void *zjob_run(void *arg)
{
	struct zjob *j = arg;
	j->rc = compress_buf(j->data, j->len, j->xz, &j->out, &j->err);
	return NULL;
}

/* Compress data to .gz (z[0]) and .xz (z[1]) as wanted: both at the same time
 * (the .gz in a second thread) when both are wanted and the index is not
 * tiny, as the two take the time of a publish to a large suite. */
static int compress_both(const char *data, size_t len, bool gz, bool xz, struct bpo_buf z[2],
			 struct bpo_error *err)
{
	struct zjob j = {data, len, false, {0}, {0}, 0};
	pthread_t th;
	bool threaded = false;

	if (gz && xz && len >= (64u << 10)) {
		bpo_buf_init(&j.out, BPO_MAX_INDEX);
		bpo_error_init(&j.err);
		threaded = pthread_create(&th, NULL, zjob_run, &j) == 0;
		if (!threaded)
			bpo_buf_destroy(&j.out);
	}
	int rc = 0;
	if (gz && !threaded)
		rc = compress_buf(data, len, false, &z[0], err);
	if (rc == 0 && xz)
		rc = compress_buf(data, len, true, &z[1], err);
	if (threaded) {
		pthread_join(th, NULL);
		if (j.rc < 0 && rc == 0) {
			bpo_error_set(err, j.err.kind, "%s", j.err.msg);
			rc = -1;
		}
		bpo_buf_destroy(&z[0]);
		z[0] = j.out;
	}
	return rc;
}

/* ------------------------------------------------------------------ config */

void bpo_repo_config_destroy(struct bpo_repo_config *c)
{
	if (!c)
		return;
	free(c->origin);
	free(c->label);
	free(c->description);
	bpo_strv_destroy(&c->suites);
	bpo_strv_destroy(&c->components);
	bpo_strv_destroy(&c->archs);
	free(c->key);
	free(c->gnupghome);
	free(c->keyfile);
	free(c->upload_keyring);
	bpo_strv_destroy(&c->uploaders);
	free(c->not_automatic);
	memset(c, 0, sizeof(*c));
}

#define DEBUG_SUFFIX "-debug"

/* With debug suites, each configured suite S gets S-debug after the
 * configured ones (c->n_base of them). */
static void add_debug_suites(struct bpo_repo_config *c)
{
	c->n_base = c->suites.n;
	for (size_t i = 0; c->debug && i < c->n_base; i++)
		bpo_strv_push_owned(&c->suites, bpo_xasprintf("%s" DEBUG_SUFFIX, c->suites.v[i]));
}

/* The debug suite of suite (NULL without debug suites). */
static char *debug_suite_of(const struct bpo_repo *r, const char *suite)
{
	return r->cfg.debug ? bpo_xasprintf("%s" DEBUG_SUFFIX, suite) : NULL;
}

/* suite is a debug suite bpo made (not one of the configured). */
static bool is_debug_suite(const struct bpo_repo *r, const char *suite)
{
	for (size_t i = r->cfg.n_base; i < r->cfg.suites.n; i++)
		if (strcmp(r->cfg.suites.v[i], suite) == 0)
			return true;
	return false;
}

static int config_check(const struct bpo_repo_config *c, const char *name, struct bpo_error *err)
{
	char fpr[BPO_FPR_MAX];
	const struct bpo_strv *lists[] = {&c->suites, &c->components, &c->archs};
	const char *what[] = {"suite", "component", "architecture"};

	for (size_t l = 0; l < 3; l++) {
		if (lists[l]->n == 0)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: no %s given", name, what[l]);
		for (size_t i = 0; i < lists[l]->n; i++) {
			if (!name_ok(lists[l]->v[i]) ||
			    (l == 2 && (strcmp(lists[l]->v[i], "source") == 0 ||
					strcmp(lists[l]->v[i], "all") == 0)))
				return bpo_error_set(err, BPO_E_SYNTAX, "%s: bad %s name '%s'", name,
						     what[l], lists[l]->v[i]);
		}
	}
	for (size_t i = 0; c->debug && i < c->suites.n; i++)
		if (bpo_str_has_suffix(c->suites.v[i], DEBUG_SUFFIX))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: suite '%s': with debug suites (Debug-Suites: yes) "
					     "bpo makes SUITE" DEBUG_SUFFIX " itself; name the suite "
					     "without " DEBUG_SUFFIX, name, c->suites.v[i]);
	if (!c->key || !bpo_sign_fpr_normalise(c->key, fpr))
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: signing key must be a full fingerprint (40 or 64 hex digits)",
				     name);
	if (c->gnupghome && c->keyfile)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: give a GnuPG home or a key file, not both",
				     name);
	for (size_t i = 0; i < c->uploaders.n; i++) {
		const char *u = c->uploaders.v[i], *sp = strchr(u, ' ');
		char *suite = sp ? bpo_xstrndup(u, (size_t)(sp - u)) : NULL;
		bool ok = suite && strv_has(&c->suites, suite) && sp[1] && !strchr(sp + 1, ' ');
		free(suite);
		if (!ok)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: Uploaders: expected 'SUITE "
					     "KEYRING' for a suite of the repository, got '%s'", name,
					     u);
	}
	if (!c->origin || !c->label || strchr(c->origin, '\n') || strchr(c->label, '\n') ||
	    (c->description && strchr(c->description, '\n')))
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: Origin and Label are needed (one line each)",
				     name);
	return 0;
}

static int config_read(const char *dir, struct bpo_repo_config *c, struct bpo_error *err)
{
	char *path = bpo_path_join(dir, CONF_NAME);
	struct bpo_buf b;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	const char *v;
	int rc = -1, r;

	memset(c, 0, sizeof(*c));
	bpo_buf_init(&b, BPO_MAX_RECIPE);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(path, BPO_MAX_RECIPE, &b, err) < 0) {
		if (err && err->kind == BPO_E_NOTFOUND)
			bpo_error_set(err, BPO_E_USAGE, "%s: not a bpo repository (no %s)", dir,
				      CONF_NAME);
		goto out;
	}
	bpo_deb822_parser_init(&p, b.data, b.len, path, BPO_DEB822_COMMENTS);
	r = bpo_deb822_next(&p, &para, err);
	if (r < 0)
		goto out;
	if (r == 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: empty configuration", path);
		goto out;
	}
#define DUP(field, name) \
	if ((v = bpo_deb822_get(&para, name)) && *v) \
	field = bpo_xstrdup(v)
	DUP(c->origin, "Origin");
	DUP(c->label, "Label");
	DUP(c->description, "Description");
	DUP(c->key, "Signed-By");
	DUP(c->gnupghome, "GnuPG-Home");
	DUP(c->keyfile, "Key-File");
	DUP(c->upload_keyring, "Require-Signed-Uploads");
	DUP(c->not_automatic, "NotAutomatic");
#undef DUP
	split_list(bpo_deb822_get(&para, "Suites"), &c->suites);
	{
		const char *cur = bpo_deb822_get(&para, "Uploaders"), *line;
		size_t len;
		while (cur && bpo_deb822_next_line(&cur, &line, &len))
			bpo_strv_push_owned(&c->uploaders, bpo_xstrndup(line, len));
	}
	split_list(bpo_deb822_get(&para, "Components"), &c->components);
	split_list(bpo_deb822_get(&para, "Architectures"), &c->archs);
	v = bpo_deb822_get(&para, "By-Hash");
	c->by_hash = v && strcmp(v, "yes") == 0;
	v = bpo_deb822_get(&para, "Contents");
	c->contents = v && strcmp(v, "yes") == 0;
	v = bpo_deb822_get(&para, "Debug-Suites");
	c->debug = v && strcmp(v, "yes") == 0;
	v = bpo_deb822_get(&para, "Compressions");
	if (bpo_repo_parse_compressions(v ? v : "gz xz", &c->compress) < 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: Compressions: expected gz and/or xz, got '%s'",
			      path, bpo_deb822_find(&para, "Compressions")->line, v);
		goto out;
	}
	c->keep = 1;
	for (int i = 0; i < 2; i++) {
		const char *fname = i ? "Keep" : "Valid-Days";
		unsigned *dst = i ? &c->keep : &c->valid_days;
		char *end;
		unsigned long n;
		v = bpo_deb822_get(&para, fname);
		if (!v)
			continue;
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || *end || end == v || n > 100000) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: %s: expected a number, got '%s'", path,
				      bpo_deb822_find(&para, fname)->line, fname, v);
			goto out;
		}
		*dst = (unsigned)n;
	}
	if (config_check(c, path, err) < 0)
		goto out;
	add_debug_suites(c);
	rc = 0;
out:
	if (rc < 0)
		bpo_repo_config_destroy(c);
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&b);
	free(path);
	return rc;
}

static int config_write(const char *dir, const struct bpo_repo_config *c, struct bpo_error *err)
{
	char *path = bpo_path_join(dir, CONF_NAME);
	struct bpo_strv base = {0};
	char *suites, *comps = join_list(&c->components, " ");
	char *archs = join_list(&c->archs, " ");
	char fpr[BPO_FPR_MAX];
	struct bpo_buf b;
	int rc;

	for (size_t i = 0; i < (c->n_base ? c->n_base : c->suites.n); i++)
		bpo_strv_push(&base, c->suites.v[i]);
	suites = join_list(&base, " ");
	bpo_strv_destroy(&base);

	bpo_sign_fpr_normalise(c->key, fpr);
	bpo_buf_init(&b, BPO_MAX_RECIPE);
	bpo_buf_printf(&b, NULL,
		       "# bpo repository configuration (deb822). Edit with care.\n"
		       "Origin: %s\nLabel: %s\nSuites: %s\nComponents: %s\nArchitectures: %s\n",
		       c->origin, c->label, suites, comps, archs);
	if (c->description)
		bpo_buf_printf(&b, NULL, "Description: %s\n", c->description);
	bpo_buf_printf(&b, NULL, "Signed-By: %s\n", fpr);
	if (c->gnupghome)
		bpo_buf_printf(&b, NULL, "GnuPG-Home: %s\n", c->gnupghome);
	if (c->keyfile)
		bpo_buf_printf(&b, NULL, "Key-File: %s\n", c->keyfile);
	if (c->valid_days)
		bpo_buf_printf(&b, NULL, "Valid-Days: %u\n", c->valid_days);
	bpo_buf_printf(&b, NULL, "By-Hash: %s\nKeep: %u\nCompressions:%s%s%s\n",
		       c->by_hash ? "yes" : "no", c->keep, c->compress & 1 ? " gz" : "",
		       c->compress & 2 ? " xz" : "", c->compress ? "" : " none");
	if (c->contents)
		bpo_buf_puts(&b, "Contents: yes\n", NULL);
	if (c->debug)
		bpo_buf_puts(&b, "Debug-Suites: yes\n", NULL);
	if (c->upload_keyring)
		bpo_buf_printf(&b, NULL, "Require-Signed-Uploads: %s\n", c->upload_keyring);
	if (c->not_automatic)
		bpo_buf_printf(&b, NULL, "NotAutomatic: %s\n", c->not_automatic);
	if (c->uploaders.n) {
		bpo_buf_puts(&b, "Uploaders:\n", NULL);
		for (size_t i = 0; i < c->uploaders.n; i++)
			bpo_buf_printf(&b, NULL, " %s\n", c->uploaders.v[i]);
	}
	rc = bpo_file_write_atomic(path, b.data, b.len, 0644, err);
	bpo_buf_destroy(&b);
	free(path);
	free(suites);
	free(comps);
	free(archs);
	return rc;
}

/* ------------------------------------------------------------------ lock */

static int lock_take(const char *dir, unsigned timeout, struct bpo_error *err)
{
	char *path = bpo_path_join(dir, LOCK_NAME);
	struct timespec start, now;
	bool said = false;
	char pid[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot open the lock: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			bpo_error_set(err, BPO_E_IO, "%s: flock: %s", path, strerror(errno));
			goto fail;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout) {
			bpo_error_set(err, BPO_E_FAIL,
				      "%s: another bpo is still writing the repository after %u s "
				      "(--lock-timeout); giving up",
				      path, timeout);
			goto fail;
		}
		if (!said) {
			char holder[32] = "";
			ssize_t r = pread(fd, holder, sizeof(holder) - 1, 0);
			holder[r > 0 ? r : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			bpo_info("waiting for the repository lock %s (held by pid %s; timeout %u s)",
				 path, holder[0] ? holder : "?", timeout);
			said = true;
		}
		usleep(50 * 1000);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && n > 0 && pwrite(fd, pid, (size_t)n, 0) < 0)
		bpo_verbose("%s: cannot note our pid", path);
	free(path);
	return fd;
fail:
	close(fd);
	free(path);
	return -1;
}

/* Remove what an interrupted writer left: dists/.new-* and pool temp files. */
static void clean_stale(const char *dir)
{
	char *dists = bpo_path_join(dir, "dists");
	DIR *d = opendir(dists);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (bpo_str_has_prefix(de->d_name, ".new-") || bpo_str_has_prefix(de->d_name, ".old-")) {
			char *p = bpo_path_join(dists, de->d_name);
			bpo_verbose("removing stale %s", p);
			bpo_rm_rf(p, NULL);
			free(p);
		}
	}
	if (d)
		closedir(d);
	free(dists);
}

/* ------------------------------------------------------------------ open */

/* Open the repository in dir (see repo.h). */
int bpo_repo_open(struct bpo_repo **out, const char *dir, bool write, unsigned lock_timeout,
		  struct bpo_error *err)
{
	struct bpo_repo *r = bpo_xcalloc(1, sizeof(*r));

	*out = NULL;
	r->lock_fd = -1;
	r->dir = bpo_xstrdup(dir);
	if (config_read(dir, &r->cfg, err) < 0)
		goto fail;
	if (write) {
		r->lock_fd = lock_take(dir, lock_timeout, err);
		if (r->lock_fd < 0)
			goto fail;
		clean_stale(dir);
	}
	*out = r;
	return 0;
fail:
	bpo_repo_close(r);
	return -1;
}

/* Close the repository and release the lock. */
void bpo_repo_close(struct bpo_repo *r)
{
	if (!r)
		return;
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	bpo_sign_free(r->signer);
	bpo_repo_config_destroy(&r->cfg);
	free(r->dir);
	free(r);
}

const struct bpo_repo_config *bpo_repo_get_config(const struct bpo_repo *r)
{
	return &r->cfg;
}

static int get_signer(struct bpo_repo *r, struct bpo_error *err)
{
	if (r->signer)
		return 0;
	return bpo_sign_open(&r->signer, r->cfg.key, r->cfg.gnupghome, r->cfg.keyfile, err);
}

/* ------------------------------------------------------------------ indices */

static const char *const pkg_order[] = {
	"Package", "Package-Type", "Source", "Version", "Kernel-Version", "Built-For-Profiles",
	"Auto-Built-Package", "Architecture", "Subarchitecture", "Installer-Menu-Item",
	"Build-Essential", "Essential", "Protected", "Origin", "Bugs", "Maintainer",
	"Installed-Size", "Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances",
	"Conflicts", "Breaks", "Replaces", "Provides", "Built-Using", "Static-Built-Using",
	"Filename", "Size", "MD5sum", "SHA1", "SHA256", "Section", "Priority", "Multi-Arch",
	"Homepage", "Description", "Tag", "Task", NULL};

static const char *const src_order[] = {
	"Format", "Package", "Binary", "Architecture", "Version", "Priority", "Section", "Origin",
	"Maintainer", "Uploaders", "Homepage", "Description", "Standards-Version", "Vcs-Browser",
	"Vcs-Arch", "Vcs-Bzr", "Vcs-Cvs", "Vcs-Darcs", "Vcs-Git", "Vcs-Hg", "Vcs-Mtn", "Vcs-Svn",
	"Testsuite", "Testsuite-Triggers", "Build-Depends", "Build-Depends-Arch",
	"Build-Depends-Indep", "Build-Conflicts", "Build-Conflicts-Arch", "Build-Conflicts-Indep",
	"Package-List", "Directory", "Checksums-Md5", "Checksums-Sha1", "Checksums-Sha256", "Files",
	NULL};

static void put_field(struct bpo_buf *b, const char *name, const char *value)
{
	if (value[0] == '\n' || value[0] == '\0')
		bpo_buf_printf(b, NULL, "%s:%s\n", name, value);
	else
		bpo_buf_printf(b, NULL, "%s: %s\n", name, value);
}

static bool in_order(const char *const *order, const char *name)
{
	for (size_t i = 0; order[i]; i++)
		if (strcasecmp(order[i], name) == 0)
			return true;
	return false;
}

/* Write para's fields in the dpkg order (order), then the others as they come. */
static char *stanza_ordered(const struct bpo_deb822_para *para, const char *const *order)
{
	struct bpo_buf b;
	bpo_buf_init(&b, BPO_MAX_INDEX);
	for (size_t i = 0; order[i]; i++) {
		const struct bpo_deb822_field *f = bpo_deb822_find(para, order[i]);
		if (f)
			put_field(&b, f->name, f->value);
	}
	for (size_t i = 0; i < para->n; i++)
		if (!in_order(order, para->fields[i].name))
			put_field(&b, para->fields[i].name, para->fields[i].value);
	return bpo_buf_steal(&b, NULL);
}

/* The stanza as it was parsed (our own index: already in dpkg's order). */
static char *stanza_raw(const struct bpo_deb822_para *para)
{
	struct bpo_buf b;
	bpo_buf_init(&b, BPO_MAX_INDEX);
	for (size_t i = 0; i < para->n; i++) {
		const struct bpo_deb822_field *f = &para->fields[i];
		if (f->raw && f->raw_len && f->raw[f->raw_len - 1] == '\n')
			bpo_buf_append(&b, f->raw, f->raw_len, NULL);
		else
			put_field(&b, f->name, f->value);
	}
	return bpo_buf_steal(&b, NULL);
}

static struct entry *index_add(struct index *ix)
{
	BPO_GROW(ix->e, ix->cap, ix->n + 1);
	memset(&ix->e[ix->n], 0, sizeof(ix->e[0]));
	return &ix->e[ix->n++];
}

/* Fill the key fields of e from a Packages or Sources paragraph. */
static int entry_from_para(struct entry *e, const struct bpo_deb822_para *para, bool source,
			   const char *name, struct bpo_error *err)
{
	const char *pkg = bpo_deb822_get(para, "Package"), *ver = bpo_deb822_get(para, "Version");
	const char *arch = source ? "source" : bpo_deb822_get(para, "Architecture");

	if (!pkg || !ver || !arch)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%u: stanza without Package, Version or Architecture", name,
				     para->line);
	e->package = bpo_xstrdup(pkg);
	e->version = bpo_xstrdup(ver);
	e->arch = bpo_xstrdup(arch);
	if (source) {
		e->source = bpo_xstrdup(pkg);
		e->srcver = bpo_xstrdup(ver);
	} else {
		parse_source_field(bpo_deb822_get(para, "Source"), pkg, ver, &e->source, &e->srcver);
	}
	if (source) {
		const char *dir = bpo_deb822_get(para, "Directory"), *files = bpo_deb822_get(para, "Files");
		const char *cur = files, *line;
		size_t len;
		if (!dir || !files || !bpo_path_relative_ok(dir))
			return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: source stanza without a safe "
					     "Directory or without Files", name, para->line);
		while (bpo_deb822_next_line(&cur, &line, &len)) {
			const char *sp = memrchr(line, ' ', len);
			char *fn;
			if (!sp)
				return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: bad Files line", name,
						     para->line);
			fn = bpo_xstrndup(sp + 1, len - (size_t)(sp + 1 - line));
			if (!bpo_path_component_ok(fn)) {
				free(fn);
				return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: bad file name in Files",
						     name, para->line);
			}
			bpo_strv_push_owned(&e->files, bpo_xasprintf("%s/%s", dir, fn));
			free(fn);
		}
	} else {
		const char *fn = bpo_deb822_get(para, "Filename");
		if (!fn || !bpo_path_relative_ok(fn))
			return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: stanza without a safe Filename",
					     name, para->line);
		bpo_strv_push(&e->files, fn);
	}
	return 0;
}

static char *index_rel(const struct index *ix)
{
	if (strcmp(ix->arch, "source") == 0)
		return bpo_xasprintf("%s/source/Sources", ix->comp);
	return bpo_xasprintf("%s/binary-%s/Packages", ix->comp, ix->arch);
}

/* Parse the current index of ix from the suite directory sdir (absent: empty). */
static int index_load(struct index *ix, const char *sdir, struct bpo_error *err)
{
	char *rel = index_rel(ix), *path = bpo_path_join(sdir, rel);
	bool source = strcmp(ix->arch, "source") == 0;
	struct bpo_buf b;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	int rc = -1, r;

	bpo_buf_init(&b, BPO_MAX_INDEX);
	bpo_deb822_para_init(&para);
	if (!bpo_path_exists(path)) {
		rc = 0;
		goto out;
	}
	if (bpo_file_read(path, BPO_MAX_INDEX, &b, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, b.data, b.len, path, 0);
	while ((r = bpo_deb822_next(&p, &para, err)) > 0) {
		struct entry *e = index_add(ix);
		if (entry_from_para(e, &para, source, path, err) < 0) {
			entry_destroy(e);
			ix->n--;
			goto out;
		}
		e->text = stanza_raw(&para);
		bpo_deb822_para_destroy(&para);
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&b);
	free(rel);
	free(path);
	return rc;
}

static int suite_load(struct bpo_repo *r, const char *name, struct suite *s, struct bpo_error *err)
{
	char *sdir = bpo_xasprintf("%s/dists/%s", r->dir, name);
	int rc = -1;

	/* a debug suite has no Sources, as Debian's debian-debug */
	size_t na = r->cfg.archs.n + (is_debug_suite(r, name) ? 0 : 1);

	memset(s, 0, sizeof(*s));
	s->name = bpo_xstrdup(name);
	s->n = r->cfg.components.n * na;
	s->idx = bpo_xcalloc(s->n, sizeof(*s->idx));
	for (size_t c = 0, k = 0; c < r->cfg.components.n; c++) {
		for (size_t a = 0; a < na; a++, k++) {
			s->idx[k].comp = bpo_xstrdup(r->cfg.components.v[c]);
			s->idx[k].arch = bpo_xstrdup(a < r->cfg.archs.n ? r->cfg.archs.v[a] : "source");
			if (index_load(&s->idx[k], sdir, err) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(sdir);
	return rc;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(a->package, b->package);
	if (c)
		return c;
	c = bpo_version_compare_str(a->version, b->version);
	if (c)
		return c;
	return strcmp(a->arch, b->arch);
}

/* ------------------------------------------------------------------ writing a suite */

struct relfile {
	char *rel; /* path under dists/<suite> */
	uint64_t size;
	char md5[BPO_HASH_HEX_MAX], sha256[BPO_HASH_HEX_MAX];
};

struct relfiles {
	struct relfile *f;
	size_t n, cap;
};

static void relfiles_destroy(struct relfiles *rf)
{
	for (size_t i = 0; i < rf->n; i++)
		free(rf->f[i].rel);
	free(rf->f);
}

static void relfile_add(struct relfiles *rf, const char *rel, const void *data, size_t len)
{
	struct relfile *f;
	struct bpo_hash h;
	BPO_GROW(rf->f, rf->cap, rf->n + 1);
	f = &rf->f[rf->n++];
	f->rel = bpo_xstrdup(rel);
	f->size = len;
	bpo_hash_init(&h, 1u << BPO_HASH_MD5 | 1u << BPO_HASH_SHA256);
	bpo_hash_update(&h, data, len);
	bpo_hash_hex(&h, BPO_HASH_MD5, f->md5);
	bpo_hash_hex(&h, BPO_HASH_SHA256, f->sha256);
	bpo_hash_destroy(&h);
}

static int relfile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct relfile *)a)->rel, ((const struct relfile *)b)->rel);
}

static bool is_backports(const struct bpo_repo *r, const char *suite)
{
	if (r->cfg.not_automatic)
		return strcmp(r->cfg.not_automatic, "yes") == 0;
	if (is_debug_suite(r, suite)) /* as its suite: bookworm-backports-debug */
		return bpo_str_has_suffix(suite, "-backports" DEBUG_SUFFIX);
	return bpo_str_has_suffix(suite, "-backports");
}

/* Write one file of the new suite tree and note it for Release. */
static int put_file(const char *ndir, const char *rel, const void *data, size_t len,
		    struct relfiles *rf, struct bpo_error *err)
{
	char *path = bpo_path_join(ndir, rel);
	int rc = write_new(path, data, len, err);
	if (rc == 0 && rf)
		relfile_add(rf, rel, data, len);
	free(path);
	return rc;
}

/* Hard-link the files of dir rel from the old suite (unchanged index), noting them. */
static int link_file(const char *odir, const char *ndir, const char *rel, struct relfiles *rf,
		     struct bpo_error *err)
{
	char *o = bpo_path_join(odir, rel), *n = bpo_path_join(ndir, rel);
	struct bpo_buf b;
	int rc = -1;

	bpo_buf_init(&b, BPO_MAX_INDEX);
	if (bpo_file_read(o, BPO_MAX_INDEX, &b, err) < 0)
		goto out;
	if (link(o, n) < 0 && write_new(n, b.data, b.len, err) < 0)
		goto out;
	if (rf)
		relfile_add(rf, rel, b.data, b.len);
	rc = 0;
out:
	bpo_buf_destroy(&b);
	free(o);
	free(n);
	return rc;
}

static void by_hash_link(const char *ndir, const char *reldir, const char *sha, const char *src)
{
	char *d = bpo_xasprintf("%s/%s/by-hash/SHA256", ndir, reldir);
	char *dst = bpo_xasprintf("%s/%s", d, sha);
	bpo_mkdir_p(d, 0755, NULL);
	if (!bpo_path_exists(dst) && link(src, dst) < 0)
		bpo_warn("%s: cannot link: %s", dst, strerror(errno));
	free(d);
	free(dst);
}

/* Carry the previous generation's by-hash files over (clients with the old InRelease). */
static void by_hash_carry_names(const char *odir, const char *ndir, const char *reldir,
				const char *const *names, size_t nnames)
{
	char *d = bpo_xasprintf("%s/%s/by-hash/SHA256", odir, reldir);
	DIR *dh = opendir(d);
	struct dirent *de;
	char (*keep)[BPO_HASH_HEX_MAX] = bpo_xcalloc(nnames ? nnames : 1, sizeof(*keep));
	size_t nkeep = 0;

	if (!dh) {
		free(keep);
		free(d);
		return;
	}
	for (size_t i = 0; i < nnames; i++) {
		char *p = bpo_xasprintf("%s/%s/%s", odir, reldir, names[i]);
		if (bpo_path_exists(p) && bpo_hash_file(p, BPO_HASH_SHA256, keep[nkeep], NULL, NULL) == 0)
			nkeep++;
		free(p);
	}
	while ((de = readdir(dh))) {
		for (size_t i = 0; i < nkeep; i++) {
			if (strcmp(de->d_name, keep[i]) == 0) {
				char *src = bpo_path_join(d, de->d_name);
				by_hash_link(ndir, reldir, de->d_name, src);
				free(src);
			}
		}
	}
	closedir(dh);
	free(keep);
	free(d);
}

static void by_hash_carry(const char *odir, const char *ndir, const char *reldir)
{
	static const char *const names[] = {"Packages", "Packages.gz", "Packages.xz",
					    "Sources",  "Sources.gz",  "Sources.xz"};
	by_hash_carry_names(odir, ndir, reldir, names, 6);
}

/* Whether the index variant ext[i] ("", ".gz", ".xz") is written. */
static bool want_ext(const struct bpo_repo *r, size_t i)
{
	return i == 0 || (r->cfg.compress & (1u << (i - 1)));
}

static int write_index(struct bpo_repo *r, const struct suite *s, struct index *ix,
		       const char *odir, const char *ndir, struct relfiles *rf,
		       struct bpo_error *err)
{
	bool source = strcmp(ix->arch, "source") == 0;
	char *reldir = source ? bpo_xasprintf("%s/source", ix->comp)
			      : bpo_xasprintf("%s/binary-%s", ix->comp, ix->arch);
	const char *base = source ? "Sources" : "Packages";
	char *absdir = bpo_path_join(ndir, reldir), *rel = NULL, *oldidx;
	struct bpo_buf data, z[2], rel_text;
	const char *ext[] = {"", ".gz", ".xz"};
	int rc = -1;

	bpo_buf_init(&data, BPO_MAX_INDEX);
	bpo_buf_init(&z[0], BPO_MAX_INDEX);
	bpo_buf_init(&z[1], BPO_MAX_INDEX);
	bpo_buf_init(&rel_text, BPO_MAX_CONTROL);
	if (bpo_mkdir_p(absdir, 0755, err) < 0)
		goto out;
	oldidx = bpo_xasprintf("%s/%s/%s", odir, reldir, base);
	for (size_t i = 1; i < 3 && !ix->dirty; i++) {
		/* an unchanged index is reused only when it has every compression wanted */
		char *o = bpo_xasprintf("%s%s", oldidx, ext[i]);
		if (want_ext(r, i) && !bpo_path_exists(o))
			ix->dirty = true;
		free(o);
	}
	if (!ix->dirty && bpo_path_exists(oldidx)) {
		free(oldidx);
		for (size_t i = 0; i < 3; i++) {
			if (!want_ext(r, i))
				continue;
			free(rel);
			rel = bpo_xasprintf("%s/%s%s", reldir, base, ext[i]);
			if (link_file(odir, ndir, rel, rf, err) < 0)
				goto out;
		}
	} else {
		free(oldidx);
		if (ix->n > 1)
			qsort(ix->e, ix->n, sizeof(ix->e[0]), entry_cmp);
		/* each stanza ends with a blank line, as dpkg-scanpackages writes it */
		for (size_t i = 0; i < ix->n; i++)
			if (bpo_buf_puts(&data, ix->e[i].text, err) < 0 ||
			    bpo_buf_puts(&data, "\n", err) < 0)
				goto out;
		if (compress_both(data.data ? data.data : "", data.len, want_ext(r, 1),
				  want_ext(r, 2), z, err) < 0)
			goto out;
		for (size_t i = 0; i < 3; i++) {
			const char *p = i ? z[i - 1].data : data.data ? data.data : "";
			size_t len = i ? z[i - 1].len : data.len;
			if (!want_ext(r, i))
				continue;
			free(rel);
			rel = bpo_xasprintf("%s/%s%s", reldir, base, ext[i]);
			if (put_file(ndir, rel, p ? p : "", len, rf, err) < 0)
				goto out;
		}
	}
	if (r->cfg.by_hash) {
		for (size_t i = 0; i < 3; i++) {
			if (!want_ext(r, i))
				continue;
			char *src = bpo_xasprintf("%s/%s/%s%s", ndir, reldir, base, ext[i]);
			char hex[BPO_HASH_HEX_MAX];
			if (bpo_hash_file(src, BPO_HASH_SHA256, hex, NULL, err) < 0) {
				free(src);
				goto out;
			}
			by_hash_link(ndir, reldir, hex, src);
			free(src);
		}
		by_hash_carry(odir, ndir, reldir);
	}
	bpo_buf_printf(&rel_text, NULL, "Archive: %s\nOrigin: %s\nLabel: %s\n", s->name,
		       r->cfg.origin, r->cfg.label);
	if (r->cfg.by_hash)
		bpo_buf_puts(&rel_text, "Acquire-By-Hash: yes\n", NULL);
	bpo_buf_printf(&rel_text, NULL, "Component: %s\nArchitecture: %s\n", ix->comp, ix->arch);
	free(rel);
	rel = bpo_xasprintf("%s/Release", reldir);
	if (put_file(ndir, rel, rel_text.data, rel_text.len, rf, err) < 0)
		goto out;
	if (fsync_dir(absdir, err) < 0)
		goto out;
	rc = 0;
out:
	bpo_buf_destroy(&data);
	bpo_buf_destroy(&z[0]);
	bpo_buf_destroy(&z[1]);
	bpo_buf_destroy(&rel_text);
	free(reldir);
	free(absdir);
	free(rel);
	return rc;
}

/* ------------------------------------------------------------------ Contents */

static char *stanza_field(const char *text, const char *name);

struct cline {
	const char *path; /* into the entry's path list */
	const char *where; /* SECTION/PACKAGE */
};

static int cline_cmp(const void *pa, const void *pb)
{
	const struct cline *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->where, b->where);
}

/*
 * The paths of the files in a published .deb: from DIR/cache/contents/SHA256
 * when an earlier publish listed it, else read from the pool file and kept
 * there (the cache is bpo's own; deleting it is safe).
 */
static int deb_paths(struct bpo_repo *r, const char *pool_rel, const char *sha256,
		     struct bpo_strv *out, struct bpo_error *err)
{
	char *dir = bpo_path_join(r->dir, "cache/contents"), *cpath = NULL, *deb = NULL;
	struct bpo_buf b;
	int rc = -1;

	bpo_buf_init(&b, BPO_MAX_INDEX);
	if (!sha256 || strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no valid SHA256 in its Packages stanza",
			      pool_rel);
		goto out;
	}
	cpath = bpo_path_join(dir, sha256);
	if (bpo_file_read(cpath, BPO_MAX_INDEX, &b, NULL) == 0) {
		for (size_t i = 0; i < b.len;) {
			char *nl = memchr(b.data + i, '\n', b.len - i);
			size_t n = nl ? (size_t)(nl - (b.data + i)) : b.len - i;
			if (n)
				bpo_strv_push_owned(out, bpo_xstrndup(b.data + i, n));
			i += n + 1;
		}
		rc = 0;
		goto out;
	}
	deb = bpo_path_join(r->dir, pool_rel);
	if (bpo_debfile_list_data(deb, out, err) < 0)
		goto out;
	bpo_buf_reset(&b);
	for (size_t i = 0; i < out->n; i++)
		if (bpo_buf_puts(&b, out->v[i], err) < 0 || bpo_buf_puts(&b, "\n", err) < 0)
			goto out;
	/* a cache: a failure to keep it only costs the next publish a read */
	if (bpo_mkdir_p(dir, 0755, NULL) == 0)
		bpo_file_write_atomic(cpath, b.data ? b.data : "", b.len, 0644, NULL);
	rc = 0;
out:
	bpo_buf_destroy(&b);
	free(cpath);
	free(deb);
	free(dir);
	return rc;
}

/*
 * COMP/Contents-ARCH.gz from the binary-ARCH index: one line per file, its
 * path, spaces, and the comma-separated SECTION/PACKAGE of every package that
 * ships it, sorted by path, as dak and apt-ftparchive write it (no header).
 * Regenerated only when the index changed or the old one is missing.
 */
static int write_contents(struct bpo_repo *r, const struct index *ix, const char *odir,
			  const char *ndir, struct relfiles *rf, struct bpo_error *err)
{
	char *plain = bpo_xasprintf("%s/Contents-%s", ix->comp, ix->arch);
	char *rel = bpo_xasprintf("%s.gz", plain);
	char *old = bpo_path_join(odir, rel);
	struct bpo_strv *paths = NULL, where = {0};
	struct cline *l = NULL;
	size_t nl = 0, cap = 0;
	struct bpo_buf text, z;
	int rc = -1;

	bpo_buf_init(&text, BPO_MAX_INDEX);
	bpo_buf_init(&z, BPO_MAX_INDEX);
	/* Release lists the uncompressed text too (not written), as Debian's
	   does: apt checks the decompressed file against it, and without it
	   apt skips the index */
	if (!ix->dirty && bpo_path_exists(old)) {
		if (bpo_archive_read_compressed(old, BPO_MAX_INDEX, &text, err) < 0)
			goto out;
		relfile_add(rf, plain, text.data ? text.data : "", text.len);
		rc = link_file(odir, ndir, rel, rf, err);
		goto out;
	}
	paths = bpo_xcalloc(ix->n ? ix->n : 1, sizeof(*paths));
	for (size_t i = 0; i < ix->n; i++) {
		const struct entry *e = &ix->e[i];
		char *sha = stanza_field(e->text, "SHA256"), *sec = stanza_field(e->text, "Section");
		const char *sv = sec, *hv = sha;
		while (sv && *sv == ' ')
			sv++;
		while (hv && *hv == ' ')
			hv++;
		int x = e->files.n ? deb_paths(r, e->files.v[0], hv, &paths[i], err)
				   : bpo_error_set(err, BPO_E_SYNTAX, "%s: no Filename", e->package);
		/* sections of other components carry their component, as in Debian */
		if (x == 0)
			bpo_strv_push_owned(&where, bpo_xasprintf("%s/%s", sv && *sv ? sv : "misc",
								  e->package));
		free(sha);
		free(sec);
		if (x < 0)
			goto out;
		for (size_t k = 0; k < paths[i].n; k++) {
			BPO_GROW(l, cap, nl + 1);
			l[nl++] = (struct cline){paths[i].v[k], where.v[where.n - 1]};
		}
	}
	if (nl > 1)
		qsort(l, nl, sizeof(l[0]), cline_cmp);
	for (size_t i = 0; i < nl;) {
		size_t w = strlen(l[i].path);
		bpo_buf_puts(&text, l[i].path, NULL);
		do
			bpo_buf_puts(&text, " ", NULL);
		while (++w < 56);
		bpo_buf_puts(&text, l[i].where, NULL);
		size_t j = i + 1;
		for (; j < nl && strcmp(l[j].path, l[i].path) == 0; j++)
			if (strcmp(l[j].where, l[j - 1].where) != 0) {
				bpo_buf_puts(&text, ",", NULL);
				bpo_buf_puts(&text, l[j].where, NULL);
			}
		if (bpo_buf_puts(&text, "\n", err) < 0)
			goto out;
		i = j;
	}
	if (compress_buf(text.data ? text.data : "", text.len, false, &z, err) < 0)
		goto out;
	relfile_add(rf, plain, text.data ? text.data : "", text.len);
	rc = put_file(ndir, rel, z.data, z.len, rf, err);
out:
	for (size_t i = 0; paths && i < ix->n; i++)
		bpo_strv_destroy(&paths[i]);
	free(paths);
	free(l);
	bpo_strv_destroy(&where);
	bpo_buf_destroy(&text);
	bpo_buf_destroy(&z);
	free(old);
	free(rel);
	free(plain);
	return rc;
}

/* Every component's Contents-ARCH.gz of the suite, under by-hash too when it is on. */
static int suite_contents(struct bpo_repo *r, const struct suite *s, const char *odir,
			  const char *ndir, struct relfiles *rf, struct bpo_error *err)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct index *ix = &s->idx[i];
		if (strcmp(ix->arch, "source") == 0)
			continue;
		if (write_contents(r, ix, odir, ndir, rf, err) < 0)
			return -1;
		if (r->cfg.by_hash) {
			char *src = bpo_xasprintf("%s/%s/Contents-%s.gz", ndir, ix->comp, ix->arch);
			char hex[BPO_HASH_HEX_MAX];
			int x = bpo_hash_file(src, BPO_HASH_SHA256, hex, NULL, err);
			if (x == 0)
				by_hash_link(ndir, ix->comp, hex, src);
			free(src);
			if (x < 0)
				return -1;
		}
	}
	if (r->cfg.by_hash) {
		struct bpo_strv names = {0};
		for (size_t a = 0; a < r->cfg.archs.n; a++)
			bpo_strv_push_owned(&names, bpo_xasprintf("Contents-%s.gz", r->cfg.archs.v[a]));
		for (size_t c = 0; c < r->cfg.components.n; c++)
			by_hash_carry_names(odir, ndir, r->cfg.components.v[c],
					    (const char *const *)names.v, names.n);
		bpo_strv_destroy(&names);
	}
	return 0;
}

static int make_release(struct bpo_repo *r, const struct suite *s, struct relfiles *rf,
			struct bpo_buf *out, struct bpo_error *err)
{
	char date[64], until[64];
	char *archs = join_list(&r->cfg.archs, " "), *comps = join_list(&r->cfg.components, " ");
	time_t now = time(NULL); /* the real time, never SOURCE_DATE_EPOCH: apt checks it */
	int rc;

	fmt_date(now, date, sizeof(date));
	if (rf->n > 1)
		qsort(rf->f, rf->n, sizeof(rf->f[0]), relfile_cmp);
	bpo_buf_printf(out, NULL, "Origin: %s\nLabel: %s\nSuite: %s\nCodename: %s\nDate: %s\n",
		       r->cfg.origin, r->cfg.label, s->name, s->name, date);
	if (r->cfg.valid_days) {
		fmt_date(now + (time_t)r->cfg.valid_days * 86400, until, sizeof(until));
		bpo_buf_printf(out, NULL, "Valid-Until: %s\n", until);
	}
	if (is_backports(r, s->name))
		bpo_buf_puts(out, "NotAutomatic: yes\nButAutomaticUpgrades: yes\n", NULL);
	if (r->cfg.by_hash)
		bpo_buf_puts(out, "Acquire-By-Hash: yes\n", NULL);
	bpo_buf_printf(out, NULL, "Architectures: %s\nComponents: %s\n", archs, comps);
	if (r->cfg.description)
		bpo_buf_printf(out, NULL, "Description: %s\n", r->cfg.description);
	bpo_buf_puts(out, "MD5Sum:\n", NULL);
	for (size_t i = 0; i < rf->n; i++)
		bpo_buf_printf(out, NULL, " %s %16" PRIu64 " %s\n", rf->f[i].md5, rf->f[i].size,
			       rf->f[i].rel);
	bpo_buf_puts(out, "SHA256:\n", NULL);
	for (size_t i = 0; i < rf->n; i++)
		rc = bpo_buf_printf(out, err, " %s %16" PRIu64 " %s\n", rf->f[i].sha256,
				    rf->f[i].size, rf->f[i].rel);
	rc = out->len ? 0 : -1;
	free(archs);
	free(comps);
	return rc;
}

/* The value of field name in a stanza's text (continuation lines joined), or NULL. */
static char *stanza_field(const char *text, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			struct bpo_buf b;
			bpo_buf_init(&b, BPO_MAX_INDEX);
			bpo_buf_append(&b, p + nl + 1, n - nl - 1, NULL);
			for (p = eol ? eol + 1 : p + n; *p == ' ' || *p == '\t';) {
				eol = strchr(p, '\n');
				n = eol ? (size_t)(eol - p) : strlen(p);
				bpo_buf_append(&b, p, n, NULL);
				p = eol ? eol + 1 : p + n;
			}
			return bpo_buf_steal(&b, NULL);
		}
		p = eol ? eol + 1 : p + n;
	}
	return NULL;
}

struct osv_put {
	const char *ndir;
	struct relfiles *rf;
};

static int osv_put(void *ud, const char *rel, const void *data, size_t len, struct bpo_error *err)
{
	const struct osv_put *o = ud;
	char *path = bpo_path_join(o->ndir, rel), *dir = bpo_path_dirname(path);
	int rc = bpo_mkdir_p(dir, 0755, err);
	if (rc == 0)
		rc = put_file(o->ndir, rel, data, len, o->rf, err);
	free(path);
	free(dir);
	return rc;
}

/* The suite's OSV data (osv.h) from the Bpo-Fixes fields of its Sources. */
static int write_osv(const struct suite *s, const char *odir, const char *ndir,
		     struct relfiles *rf, struct bpo_error *err)
{
	struct bpo_osv_pkg *pkgs = NULL;
	struct bpo_strv values = {0};
	size_t n = 0, cap = 0;
	struct osv_put o = {ndir, rf};
	int rc;

	for (size_t i = 0; i < s->n; i++) {
		const struct index *ix = &s->idx[i];
		if (strcmp(ix->arch, "source") != 0)
			continue;
		for (size_t k = 0; k < ix->n; k++) {
			char *v = stanza_field(ix->e[k].text, BPO_FIXES_FIELD);
			BPO_GROW(pkgs, cap, n + 1);
			pkgs[n++] = (struct bpo_osv_pkg){ix->e[k].package, ix->e[k].version, v};
			if (v)
				bpo_strv_push_owned(&values, v);
		}
	}
	rc = bpo_osv_suite_write(s->name, pkgs, n, bpo_path_exists(odir) ? odir : NULL, time(NULL),
				 osv_put, &o, err);
	free(pkgs);
	bpo_strv_destroy(&values);
	return rc;
}

/*
 * Write suite s anew beside the old one and swap it in (see repo.h). Only the
 * indices marked dirty are regenerated; the others are hard-linked.
 */
static int suite_commit(struct bpo_repo *r, struct suite *s, struct bpo_error *err)
{
	char *dists = bpo_path_join(r->dir, "dists");
	char *odir = bpo_path_join(dists, s->name);
	char *ndir = NULL;
	struct relfiles rf = {0};
	struct bpo_buf rel, sig;
	int rc = -1;

	bpo_buf_init(&rel, BPO_MAX_CONTROL);
	bpo_buf_init(&sig, BPO_MAX_SIGNATURE);
	if (get_signer(r, err) < 0)
		goto out;
	if (bpo_mkdir_p(dists, 0755, err) < 0)
		goto out;
	{
		char *prefix = bpo_xasprintf(".new-%s", s->name);
		ndir = bpo_mkdtemp(dists, prefix, err);
		free(prefix);
		if (!ndir)
			goto out;
		if (chmod(ndir, 0755) < 0) {
			bpo_error_set(err, BPO_E_IO, "%s: chmod: %s", ndir, strerror(errno));
			goto out;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (write_index(r, s, &s->idx[i], odir, ndir, &rf, err) < 0)
			goto out;
	if (write_osv(s, odir, ndir, &rf, err) < 0)
		goto out;
	if (r->cfg.contents && suite_contents(r, s, odir, ndir, &rf, err) < 0)
		goto out;
	for (size_t c = 0; c < r->cfg.components.n; c++) {
		char *d = bpo_path_join(ndir, r->cfg.components.v[c]);
		int x = fsync_dir(d, err);
		free(d);
		if (x < 0)
			goto out;
	}
	if (make_release(r, s, &rf, &rel, err) < 0)
		goto out;
	if (put_file(ndir, "Release", rel.data, rel.len, NULL, err) < 0)
		goto out;
	if (bpo_sign_detached(r->signer, rel.data, rel.len, &sig, err) < 0 ||
	    put_file(ndir, "Release.gpg", sig.data, sig.len, NULL, err) < 0)
		goto out;
	bpo_buf_reset(&sig);
	if (bpo_sign_clear(r->signer, rel.data, rel.len, &sig, err) < 0 ||
	    put_file(ndir, "InRelease", sig.data, sig.len, NULL, err) < 0)
		goto out;
	if (fsync_dir(ndir, err) < 0)
		goto out;
	/* The swap: never a moment without dists/<suite>. */
	if (bpo_path_exists(odir)) {
		if (renameat2(AT_FDCWD, ndir, AT_FDCWD, odir, RENAME_EXCHANGE) < 0) {
			char *old = bpo_xasprintf("%s/.old-%s-%ld", dists, s->name, (long)getpid());
			if (errno != EINVAL && errno != ENOSYS) {
				bpo_error_set(err, BPO_E_IO, "%s: rename: %s", odir, strerror(errno));
				free(old);
				goto out;
			}
			/* no RENAME_EXCHANGE on this file system: two renames */
			if (rename(odir, old) < 0 || rename(ndir, odir) < 0) {
				bpo_error_set(err, BPO_E_IO, "%s: rename: %s", odir, strerror(errno));
				free(old);
				goto out;
			}
			free(ndir);
			ndir = old;
		}
	} else if (rename(ndir, odir) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: rename: %s", odir, strerror(errno));
		goto out;
	}
	if (fsync_dir(dists, err) < 0)
		goto out;
	rc = 0;
out:
	if (ndir && bpo_path_exists(ndir))
		bpo_rm_rf(ndir, NULL); /* the old suite after the swap, or the unfinished new one */
	relfiles_destroy(&rf);
	bpo_buf_destroy(&rel);
	bpo_buf_destroy(&sig);
	free(ndir);
	free(odir);
	free(dists);
	return rc;
}

/* ------------------------------------------------------------------ audit, pool */

static void audit(struct bpo_repo *r, const char *action, const char *source, const char *version,
		  const char *suite, const char *uploader)
{
	char *dir = bpo_path_join(r->dir, "log"), *path = bpo_path_join(dir, "audit.log");
	char when[32], user[64] = "?";
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096];
	time_t now = time(NULL);
	struct tm tm;
	char *line;
	int fd;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
		snprintf(user, sizeof(user), "%s", pw.pw_name);
	else
		snprintf(user, sizeof(user), "uid%ld", (long)geteuid());
	line = bpo_xasprintf("%s user=%s action=%s source=%s version=%s suite=%s key=%s%s%s\n", when,
			     user, action, source ? source : "-", version ? version : "-",
			     suite ? suite : "-", r->cfg.key, uploader ? " uploader=" : "",
			     uploader ? uploader : "");
	bpo_mkdir_p(dir, 0755, NULL);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	struct bpo_error we;
	bpo_error_init(&we);
	if (fd < 0)
		bpo_warn("%s: cannot append to the audit log: %s", path, strerror(errno));
	else if (bpo_write_all(fd, line, strlen(line), path, &we) < 0)
		bpo_warn("cannot append to the audit log: %s", we.msg);
	else if (fsync(fd) < 0)
		bpo_warn("%s: cannot append to the audit log: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(line);
	free(path);
	free(dir);
}

struct fhash {
	uint64_t size;
	char md5[BPO_HASH_HEX_MAX], sha1[BPO_HASH_HEX_MAX], sha256[BPO_HASH_HEX_MAX];
};

/* Hash a regular file (never through a symlink) with MD5, SHA-1 and SHA-256. */
static int hash_file3(const char *path, struct fhash *fh, struct bpo_error *err)
{
	char chunk[65536];
	struct bpo_hash h;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO, "%s: %s", path,
				     errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bpo_error_set(err, BPO_E_VERIFY, "%s: not a regular file", path);
	}
	bpo_hash_init(&h, 1u << BPO_HASH_MD5 | 1u << BPO_HASH_SHA1 | 1u << BPO_HASH_SHA256);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bpo_hash_destroy(&h);
			close(fd);
			return bpo_error_set(err, BPO_E_IO, "%s: read error: %s", path, strerror(errno));
		}
		bpo_hash_update(&h, chunk, (size_t)n);
	}
	close(fd);
	fh->size = h.size;
	bpo_hash_hex(&h, BPO_HASH_MD5, fh->md5);
	bpo_hash_hex(&h, BPO_HASH_SHA1, fh->sha1);
	bpo_hash_hex(&h, BPO_HASH_SHA256, fh->sha256);
	bpo_hash_destroy(&h);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_sort(struct bpo_strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(sv->v[0]), str_cmp);
}

static bool strv_sorted_has(const struct bpo_strv *sv, const char *s)
{
	return sv->n && bsearch(&s, sv->v, sv->n, sizeof(sv->v[0]), str_cmp) != NULL;
}

/* Remove the candidate pool files that no suite names any more (one pass over all suites). */
static void pool_gc(struct bpo_repo *r, const struct bpo_strv *cands)
{
	struct bpo_strv refs = {0};

	if (cands->n == 0)
		return;
	for (size_t i = 0; i < r->cfg.suites.n; i++) {
		struct suite s;
		if (suite_load(r, r->cfg.suites.v[i], &s, NULL) < 0) {
			suite_destroy(&s);
			bpo_warn("%s: cannot read suite %s; pool clean-up skipped", r->dir,
				 r->cfg.suites.v[i]);
			bpo_strv_destroy(&refs);
			return;
		}
		for (size_t k = 0; k < s.n; k++)
			for (size_t j = 0; j < s.idx[k].n; j++)
				for (size_t f = 0; f < s.idx[k].e[j].files.n; f++)
					bpo_strv_push(&refs, s.idx[k].e[j].files.v[f]);
		suite_destroy(&s);
	}
	strv_sort(&refs);
	for (size_t i = 0; i < cands->n; i++) {
		char *p;
		if (strv_sorted_has(&refs, cands->v[i]))
			continue;
		p = bpo_path_join(r->dir, cands->v[i]);
		if (unlink(p) == 0)
			bpo_verbose("removed %s from the pool", cands->v[i]);
		free(p);
	}
	bpo_strv_destroy(&refs);
}

/* Every file under rel (a pool directory), relative to the repository. */
static void pool_walk(const struct bpo_repo *r, const char *rel, struct bpo_strv *out,
		      unsigned depth)
{
	char *abs = bpo_path_join(r->dir, rel);
	DIR *d = depth < 8 ? opendir(abs) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d))) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *crel = bpo_xasprintf("%s/%s", rel, de->d_name);
		char *cabs = bpo_path_join(r->dir, crel);
		if (lstat(cabs, &st) == 0 && S_ISDIR(st.st_mode))
			pool_walk(r, crel, out, depth + 1);
		else if (lstat(cabs, &st) == 0)
			bpo_strv_push(out, crel);
		free(cabs);
		free(crel);
	}
	if (d)
		closedir(d);
	free(abs);
}

/* The pool's garbage collection, at the end of every change (we hold the
 * lock, and every writer copies into the pool only under it: no file is in
 * flight): each pool file that no suite names goes, the copies of a killed or
 * failed publisher among them. */
static void pool_gc_all(struct bpo_repo *r, const struct bpo_strv *also)
{
	struct bpo_strv all = {0};
	pool_walk(r, "pool", &all, 0);
	for (size_t i = 0; also && i < also->n; i++)
		if (!strv_has(&all, also->v[i]))
			bpo_strv_push(&all, also->v[i]);
	pool_gc(r, &all);
	bpo_strv_destroy(&all);
}

/* Drop entries e of every index for which drop() says so; their files go to removed. */
static size_t suite_drop(struct suite *s, bool (*drop)(const struct entry *, const void *),
			 const void *arg, struct bpo_strv *removed)
{
	size_t count = 0;
	for (size_t k = 0; k < s->n; k++) {
		struct index *ix = &s->idx[k];
		size_t w = 0;
		for (size_t j = 0; j < ix->n; j++) {
			if (drop(&ix->e[j], arg)) {
				for (size_t f = 0; f < ix->e[j].files.n; f++)
					if (!strv_has(removed, ix->e[j].files.v[f]))
						bpo_strv_push(removed, ix->e[j].files.v[f]);
				entry_destroy(&ix->e[j]);
				ix->dirty = true;
				count++;
			} else {
				ix->e[w++] = ix->e[j];
			}
		}
		ix->n = w;
	}
	return count;
}

struct srcsel {
	const char *source, *version;
	const struct bpo_strv *keepv; /* for retention: versions to keep */
};

static bool drop_source(const struct entry *e, const void *arg)
{
	const struct srcsel *sel = arg;
	return strcmp(e->source, sel->source) == 0 &&
	       (!sel->version || strcmp(e->srcver, sel->version) == 0);
}

static bool drop_unkept(const struct entry *e, const void *arg)
{
	const struct srcsel *sel = arg;
	return strcmp(e->source, sel->source) == 0 && !strv_has(sel->keepv, e->srcver);
}

static int vercmp_desc(const void *a, const void *b)
{
	return bpo_version_compare_str(*(char *const *)b, *(char *const *)a);
}

/* Versions of source in s, newest first. */
static void source_versions(const struct suite *s, const char *source, struct bpo_strv *out)
{
	for (size_t k = 0; k < s->n; k++)
		for (size_t j = 0; j < s->idx[k].n; j++) {
			const struct entry *e = &s->idx[k].e[j];
			if (strcmp(e->source, source) == 0 && !strv_has(out, e->srcver))
				bpo_strv_push(out, e->srcver);
		}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), vercmp_desc);
}

/* Keep the keep newest versions of source in s. */
static void retain(struct suite *s, const char *source, unsigned keep, struct bpo_strv *removed)
{
	struct bpo_strv vers = {0};
	source_versions(s, source, &vers);
	if (keep && vers.n > keep) {
		struct bpo_strv keepv = {0};
		struct srcsel sel = {source, NULL, &keepv};
		for (size_t i = 0; i < keep; i++)
			bpo_strv_push(&keepv, vers.v[i]);
		for (size_t i = keep; i < vers.n; i++)
			bpo_info("%s: dropping %s %s (keeping the newest %u)", s->name, source,
				 vers.v[i], keep);
		suite_drop(s, drop_unkept, &sel, removed);
		bpo_strv_destroy(&keepv);
	}
	bpo_strv_destroy(&vers);
}

/* The debug suite sd follows its suite s: debug packages of source only for
 * the versions of it that s has. Returns how many were dropped. */
static size_t debug_follow(const struct suite *s, struct suite *sd, const char *source,
			   struct bpo_strv *removed)
{
	struct bpo_strv vers = {0};
	struct srcsel sel = {source, NULL, &vers};
	size_t n;
	source_versions(s, source, &vers);
	n = suite_drop(sd, drop_unkept, &sel, removed);
	bpo_strv_destroy(&vers);
	return n;
}

static bool suite_dirty(const struct suite *s)
{
	for (size_t k = 0; k < s->n; k++)
		if (s->idx[k].dirty)
			return true;
	return false;
}

/* A change names a configured suite, never a debug suite (which follows it). */
static int not_debug_suite(const struct bpo_repo *r, const char *suite, struct bpo_error *err)
{
	if (!is_debug_suite(r, suite))
		return 0;
	return bpo_error_set(err, BPO_E_USAGE,
			     "%s is a debug suite: it follows suite %.*s (publish, remove and "
			     "promote there)", suite, (int)(strlen(suite) - strlen(DEBUG_SUFFIX)),
			     suite);
}

static struct index *find_index(struct suite *s, const char *comp, const char *arch)
{
	for (size_t k = 0; k < s->n; k++)
		if (strcmp(s->idx[k].comp, comp) == 0 && strcmp(s->idx[k].arch, arch) == 0)
			return &s->idx[k];
	return NULL;
}

/* Put a copy of e into ix, replacing an entry with the same package, version, arch. */
static void index_put(struct index *ix, const struct entry *e, struct bpo_strv *removed)
{
	struct entry *n = NULL;
	for (size_t j = 0; j < ix->n; j++) {
		struct entry *o = &ix->e[j];
		if (strcmp(o->package, e->package) == 0 && strcmp(o->version, e->version) == 0 &&
		    strcmp(o->arch, e->arch) == 0) {
			for (size_t f = 0; f < o->files.n; f++)
				if (!strv_has(&e->files, o->files.v[f]) && !strv_has(removed, o->files.v[f]))
					bpo_strv_push(removed, o->files.v[f]);
			entry_destroy(o);
			n = o;
			break;
		}
	}
	if (!n)
		n = index_add(ix);
	n->package = bpo_xstrdup(e->package);
	n->version = bpo_xstrdup(e->version);
	n->arch = bpo_xstrdup(e->arch);
	n->source = bpo_xstrdup(e->source);
	n->srcver = bpo_xstrdup(e->srcver);
	n->text = bpo_xstrdup(e->text);
	for (size_t f = 0; f < e->files.n; f++)
		bpo_strv_push(&n->files, e->files.v[f]);
	ix->dirty = true;
}

static int check_suite(const struct bpo_repo *r, const char *suite, struct bpo_error *err)
{
	char *all;
	if (suite && strv_has(&r->cfg.suites, suite))
		return 0;
	all = join_list(&r->cfg.suites, ", ");
	bpo_error_set(err, BPO_E_USAGE, "unknown suite '%s': %s/%s lists %s", suite ? suite : "",
		      r->dir, CONF_NAME, all);
	free(all);
	return -1;
}

static int suite_load_checked(struct bpo_repo *r, const char *name, struct suite *s,
			      struct bpo_error *err);

/* ------------------------------------------------------------------ uploads */

struct upfile {
	char *name;
	struct fhash h;
};

struct upload {
	char *path, *dir, *source, *version, *signer;
	struct upfile *f;
	size_t n, cap;
	struct entry *e; /* the stanzas to publish (binaries, then source) */
	size_t ne, ecap;
};

static void upload_destroy(struct upload *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->f[i].name);
	for (size_t i = 0; i < u->ne; i++)
		entry_destroy(&u->e[i]);
	free(u->f);
	free(u->e);
	free(u->path);
	free(u->dir);
	free(u->source);
	free(u->version);
	free(u->signer);
	memset(u, 0, sizeof(*u));
}

static struct upfile *upload_file(struct upload *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->f[i].name, name) == 0)
			return &u->f[i];
	return NULL;
}

/* Parse a checksum list line "<hash> <size> <name>" (Files: "<md5> <size> <sec> <pri> <name>"). */
static int parse_sum_line(const char *line, size_t len, bool files, char *hash, uint64_t *size,
			  char **name)
{
	char tmp[1024], *tok[6], *save = NULL, *p;
	size_t nt = 0;
	unsigned long long sz;
	char *end;

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, line, len);
	tmp[len] = '\0';
	for (p = strtok_r(tmp, " \t", &save); p && nt < 6; p = strtok_r(NULL, " \t", &save))
		tok[nt++] = p;
	if (nt != (files ? 5u : 3u) || strlen(tok[0]) >= BPO_HASH_HEX_MAX)
		return -1;
	errno = 0;
	sz = strtoull(tok[1], &end, 10);
	if (errno || *end || end == tok[1])
		return -1;
	for (p = tok[0]; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	memcpy(hash, tok[0], strlen(tok[0]) + 1);
	*size = sz;
	*name = bpo_xstrdup(tok[nt - 1]);
	return 0;
}

/* Check every file of a checksum field against the hashes of the upload (or pool). */
static int check_sums(const char *name, const char *field, const char *value, bool files,
		      int algo, struct upload *u, const char *pooldir, struct bpo_error *err)
{
	const char *cur = value, *line;
	size_t len;

	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char hash[BPO_HASH_HEX_MAX], *fn = NULL;
		uint64_t size;
		struct upfile *f;
		struct fhash ph;
		const struct fhash *h;
		const char *want;
		if (parse_sum_line(line, len, files, hash, &size, &fn) < 0 ||
		    !bpo_path_component_ok(fn)) {
			free(fn);
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: %s: malformed line '%.*s'", name,
					     field, (int)(len > 80 ? 80 : len), line);
		}
		f = upload_file(u, fn);
		if (f) {
			h = &f->h;
		} else {
			/* a .dsc may name an orig tarball that is already in the pool */
			char *pp = pooldir ? bpo_path_join(pooldir, fn) : NULL;
			int x = pp ? hash_file3(pp, &ph, NULL) : -1;
			free(pp);
			if (x < 0) {
				bpo_error_set(err, BPO_E_VERIFY,
					      "%s: %s names %s, which is neither in the upload nor in "
					      "the pool",
					      name, field, fn);
				free(fn);
				return -1;
			}
			h = &ph;
		}
		want = algo == 0 ? h->md5 : algo == 1 ? h->sha1 : h->sha256;
		if (size != h->size || strcmp(hash, want) != 0) {
			bpo_error_set(err, BPO_E_VERIFY,
				      "%s: %s: %s does not match (expected size %" PRIu64
				      " %s %s, file has size %" PRIu64 " %s)",
				      name, field, fn, size, algo == 0 ? "md5" : algo == 1 ? "sha1" : "sha256",
				      hash, h->size, want);
			free(fn);
			return -1;
		}
		free(fn);
	}
	return 0;
}

static char *pool_dir_rel(const char *comp, const char *source)
{
	char *prefix = bpo_repo_pool_prefix(source);
	char *d = bpo_xasprintf("pool/%s/%s/%s", comp, prefix, source);
	free(prefix);
	return d;
}

/* The Packages stanza of a .deb of the upload. */
static int deb_entry(struct bpo_repo *r, struct upload *u, const struct upfile *f,
		     const char *pooldir, struct entry *e, struct bpo_error *err)
{
	char *path = bpo_path_join(u->dir, f->name), *size = NULL;
	struct bpo_buf ctl;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	const char *pkg, *ver, *arch;
	int rc = -1, x;

	bpo_buf_init(&ctl, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (bpo_debfile_read_control(path, &ctl, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, ctl.data, ctl.len, path, 0);
	x = bpo_deb822_next(&p, &para, err);
	if (x <= 0) {
		if (x == 0)
			bpo_error_set(err, BPO_E_SYNTAX, "%s: empty control file", path);
		goto out;
	}
	pkg = bpo_deb822_get(&para, "Package");
	ver = bpo_deb822_get(&para, "Version");
	arch = bpo_deb822_get(&para, "Architecture");
	if (!pkg || !pkgname_ok(pkg) || !ver || !version_ok(ver) || !arch || !name_ok(arch)) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: control file needs a valid Package, Version and Architecture", path);
		goto out;
	}
	if (strcmp(arch, "all") != 0 && !strv_has(&r->cfg.archs, arch)) {
		char *all = join_list(&r->cfg.archs, ", ");
		bpo_error_set(err, BPO_E_SYNTAX, "%s: architecture %s is not one of the repository's (%s)",
			      path, arch, all);
		free(all);
		goto out;
	}
	e->package = bpo_xstrdup(pkg);
	e->version = bpo_xstrdup(ver);
	e->arch = bpo_xstrdup(arch);
	{
		/* what dh_strip makes (-dbgsym); a list of words in Debian Policy */
		const char *abp = bpo_deb822_get(&para, "Auto-Built-Package");
		e->debug = abp && strstr(abp, "debug-symbols") != NULL;
	}
	parse_source_field(bpo_deb822_get(&para, "Source"), pkg, ver, &e->source, &e->srcver);
	if (strcmp(e->source, u->source) != 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: built from source %s, but %s is an upload of %s",
			      path, e->source, u->path, u->source);
		goto out;
	}
	bpo_strv_push_owned(&e->files, bpo_xasprintf("%s/%s", pooldir, f->name));
	size = bpo_xasprintf("%" PRIu64, f->h.size);
	bpo_deb822_set(&para, "Filename", e->files.v[0]);
	bpo_deb822_set(&para, "Size", size);
	bpo_deb822_set(&para, "MD5sum", f->h.md5);
	bpo_deb822_set(&para, "SHA1", f->h.sha1);
	bpo_deb822_set(&para, "SHA256", f->h.sha256);
	e->text = stanza_ordered(&para, pkg_order);
	rc = 0;
out:
	free(size);
	free(path);
	bpo_buf_destroy(&ctl);
	bpo_deb822_para_destroy(&para);
	return rc;
}

/* The Sources stanza of the upload's .dsc (dpkg-scansources' rules). */
static int dsc_entry(struct upload *u, const struct upfile *f, const char *pooldir_rel,
		     const char *pooldir_abs, struct entry *e, struct bpo_error *err)
{
	char *path = bpo_path_join(u->dir, f->name);
	struct bpo_buf raw, text;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	const char *src, *ver, *files, *sha1, *sha256;
	bool is_signed;
	int rc = -1, x;

	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&text, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(path, BPO_MAX_CONTROL, &raw, err) < 0 ||
	    bpo_deb822_clearsign_strip(raw.data, raw.len, path, &text, &is_signed, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, text.data, text.len, path, 0);
	x = bpo_deb822_next(&p, &para, err);
	if (x <= 0) {
		if (x == 0)
			bpo_error_set(err, BPO_E_SYNTAX, "%s: empty .dsc", path);
		goto out;
	}
	src = bpo_deb822_get(&para, "Source");
	ver = bpo_deb822_get(&para, "Version");
	files = bpo_deb822_get(&para, "Files");
	sha1 = bpo_deb822_get(&para, "Checksums-Sha1");
	sha256 = bpo_deb822_get(&para, "Checksums-Sha256");
	if (!src || !ver || !files || !sha256) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: a .dsc needs Source, Version, Files and Checksums-Sha256", path);
		goto out;
	}
	if (strcmp(src, u->source) != 0 || strcmp(ver, u->version) != 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: is %s %s, but the .changes says %s %s", path, src,
			      ver, u->source, u->version);
		goto out;
	}
	if (check_sums(path, "Files", files, false, 0, u, pooldir_abs, err) < 0 ||
	    (sha1 && check_sums(path, "Checksums-Sha1", sha1, false, 1, u, pooldir_abs, err) < 0) ||
	    check_sums(path, "Checksums-Sha256", sha256, false, 2, u, pooldir_abs, err) < 0)
		goto out;
	e->package = bpo_xstrdup(src);
	e->version = bpo_xstrdup(ver);
	e->arch = bpo_xstrdup("source");
	e->source = bpo_xstrdup(src);
	e->srcver = bpo_xstrdup(ver);
	{
		const char *cur = files, *line;
		size_t len;
		char *v;
		bpo_strv_push_owned(&e->files, bpo_xasprintf("%s/%s", pooldir_rel, f->name));
		while (bpo_deb822_next_line(&cur, &line, &len)) {
			const char *sp = memrchr(line, ' ', len);
			bpo_strv_push_owned(&e->files, bpo_xasprintf("%s/%.*s", pooldir_rel,
						     (int)(len - (size_t)(sp + 1 - line)), sp + 1));
		}
		bpo_deb822_set(&para, "Package", src);
		v = bpo_xasprintf("\n %s %" PRIu64 " %s%s", f->h.md5, f->h.size, f->name, files);
		bpo_deb822_set(&para, "Files", v);
		free(v);
		if (sha1) {
			v = bpo_xasprintf("\n %s %" PRIu64 " %s%s", f->h.sha1, f->h.size, f->name, sha1);
			bpo_deb822_set(&para, "Checksums-Sha1", v);
			free(v);
		}
		v = bpo_xasprintf("\n %s %" PRIu64 " %s%s", f->h.sha256, f->h.size, f->name, sha256);
		bpo_deb822_set(&para, "Checksums-Sha256", v);
		free(v);
		bpo_deb822_remove(&para, "Source");
		bpo_deb822_set(&para, "Directory", pooldir_rel);
	}
	e->text = stanza_ordered(&para, src_order);
	rc = 0;
out:
	free(path);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&text);
	bpo_deb822_para_destroy(&para);
	return rc;
}

/* Read, (signature-)check and hash-check one .changes; build its stanzas. */
static int upload_load(struct bpo_repo *r, struct bpo_gpg *keyring, const char *path,
		       const char *comp, struct upload *u, struct bpo_error *err)
{
	struct bpo_buf raw, text;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	const char *files, *sha256, *src, *ver, *cur, *line;
	char *pooldir = NULL, *pooldir_abs = NULL, *slash;
	bool is_signed = false;
	size_t len;
	int rc = -1, x;

	memset(u, 0, sizeof(*u));
	u->path = bpo_xstrdup(path);
	slash = strrchr(u->path, '/');
	u->dir = slash ? bpo_xstrndup(u->path, (size_t)(slash - u->path) + (slash == u->path))
		       : bpo_xstrdup(".");
	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&text, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (!bpo_str_has_suffix(path, ".changes")) {
		bpo_error_set(err, BPO_E_USAGE, "%s: expected a .changes file", path);
		goto out;
	}
	if (bpo_file_read(path, BPO_MAX_CONTROL, &raw, err) < 0)
		goto out;
	if (keyring) {
		/* the fetch module's verifier: every gpgme status its own message */
		if (bpo_gpg_verify_inline(keyring, raw.data, raw.len, path, &text, &u->signer, err) < 0)
			goto out;
	} else if (bpo_deb822_clearsign_strip(raw.data, raw.len, path, &text, &is_signed, err) < 0) {
		goto out;
	}
	bpo_deb822_parser_init(&p, text.data, text.len, path, 0);
	x = bpo_deb822_next(&p, &para, err);
	if (x <= 0) {
		if (x == 0)
			bpo_error_set(err, BPO_E_SYNTAX, "%s: empty .changes", path);
		goto out;
	}
	src = bpo_deb822_get(&para, "Source");
	ver = bpo_deb822_get(&para, "Version");
	files = bpo_deb822_get(&para, "Files");
	sha256 = bpo_deb822_get(&para, "Checksums-Sha256");
	if (!src || !ver || !files || !sha256) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: a .changes needs Source, Version, Files and Checksums-Sha256", path);
		goto out;
	}
	{
		char *sv = NULL;
		parse_source_field(src, src, ver, &u->source, &sv);
		free(sv);
	}
	u->version = bpo_xstrdup(ver);
	if (!pkgname_ok(u->source) || !version_ok(u->version)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: invalid Source '%s' or Version '%s'", path,
			      u->source, u->version);
		goto out;
	}
	/* The files: each must exist, be regular, and match size, md5 and sha256. */
	cur = files;
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char hash[BPO_HASH_HEX_MAX], *fn = NULL, *fp;
		uint64_t size;
		struct upfile *f;
		if (parse_sum_line(line, len, true, hash, &size, &fn) < 0 || !bpo_path_component_ok(fn)) {
			free(fn);
			bpo_error_set(err, BPO_E_SYNTAX, "%s: Files: malformed line '%.*s'", path,
				      (int)(len > 80 ? 80 : len), line);
			goto out;
		}
		if (upload_file(u, fn) || u->n >= MAX_CHANGES_FILES) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: Files: %s listed twice (or too many files)",
				      path, fn);
			free(fn);
			goto out;
		}
		BPO_GROW(u->f, u->cap, u->n + 1);
		f = &u->f[u->n++];
		memset(f, 0, sizeof(*f));
		f->name = fn;
		fp = bpo_path_join(u->dir, fn);
		x = hash_file3(fp, &f->h, err);
		free(fp);
		if (x < 0) {
			if (err && err->kind == BPO_E_NOTFOUND)
				bpo_error_set(err, BPO_E_VERIFY, "%s: lists %s, which is missing", path, fn);
			goto out;
		}
	}
	if (u->n == 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: Files lists no files", path);
		goto out;
	}
	if (check_sums(path, "Files", files, true, 0, u, NULL, err) < 0 ||
	    check_sums(path, "Checksums-Sha256", sha256, false, 2, u, NULL, err) < 0)
		goto out;
	/* every file must also have a SHA-256 */
	for (size_t i = 0; i < u->n; i++) {
		const char *c2 = sha256, *l2;
		size_t n2;
		bool seen = false;
		while (!seen && bpo_deb822_next_line(&c2, &l2, &n2)) {
			size_t fl = strlen(u->f[i].name);
			seen = n2 > fl && l2[n2 - fl - 1] == ' ' && memcmp(l2 + n2 - fl, u->f[i].name, fl) == 0;
		}
		if (!seen) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: %s has no Checksums-Sha256 entry", path,
				      u->f[i].name);
			goto out;
		}
	}
	pooldir = pool_dir_rel(comp, u->source);
	pooldir_abs = bpo_path_join(r->dir, pooldir);
	for (size_t i = 0; i < u->n; i++) {
		const struct upfile *f = &u->f[i];
		char *pp;
		struct fhash ph;
		/* a file of the same name already in the pool must be the same file */
		pp = bpo_path_join(pooldir_abs, f->name);
		if (bpo_path_exists(pp) &&
		    (hash_file3(pp, &ph, NULL) < 0 || strcmp(ph.sha256, f->h.sha256) != 0)) {
			bpo_error_set(err, BPO_E_VERIFY,
				      "%s: %s/%s is already in the pool with different contents", path,
				      pooldir, f->name);
			free(pp);
			goto out;
		}
		free(pp);
		if (bpo_str_has_suffix(f->name, ".deb")) {
			BPO_GROW(u->e, u->ecap, u->ne + 1);
			memset(&u->e[u->ne], 0, sizeof(u->e[0]));
			if (deb_entry(r, u, f, pooldir, &u->e[u->ne], err) < 0) {
				entry_destroy(&u->e[u->ne]);
				goto out;
			}
			u->ne++;
		} else if (bpo_str_has_suffix(f->name, ".dsc")) {
			BPO_GROW(u->e, u->ecap, u->ne + 1);
			memset(&u->e[u->ne], 0, sizeof(u->e[0]));
			if (dsc_entry(u, f, pooldir, pooldir_abs, &u->e[u->ne], err) < 0) {
				entry_destroy(&u->e[u->ne]);
				goto out;
			}
			u->ne++;
		} else if (bpo_str_has_suffix(f->name, ".udeb")) {
			bpo_warn("%s: %s not published: udebs are not supported", path, f->name);
		}
	}
	if (u->ne == 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: lists no .deb and no .dsc to publish", path);
		goto out;
	}
	rc = 0;
out:
	free(pooldir);
	free(pooldir_abs);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&text);
	bpo_deb822_para_destroy(&para);
	return rc;
}

/*
 * Copy src to dst through a temporary name and rename(2), without fsync: the
 * caller makes the whole pool durable at once with syncfs(2) before any index
 * names the files (one flush instead of two per file).
 */
/* Pool files being written: each copied to a temporary name beside its
 * place, renamed to it only once all of them are on the disk (pool_commit). */
struct pending {
	struct bpo_strv tmp, rel; /* each file's temporary path, and its pool path
				     (relative to the repository) */
	size_t renamed;           /* the first renamed ones are in place */
	struct bpo_strv dirs; /* pool directories made and cleaned of an interrupted
				 writer's temporary files (once each: later our own
				 temporary files are there) */
};

static void pending_destroy(struct pending *p)
{
	for (size_t i = p->renamed; i < p->tmp.n; i++)
		unlink(p->tmp.v[i]); /* not renamed: a failure came first */
	bpo_strv_destroy(&p->tmp);
	bpo_strv_destroy(&p->rel);
	bpo_strv_destroy(&p->dirs);
}

/* Copy src to a temporary file beside dst (the kernel's copy_file_range:
 * a reflink or an in-kernel copy where the file system can, read and write
 * where it cannot); its name goes to p. Not synced: pool_commit syncs them
 * all at once. */
static int copy_to_pool(const char *src, const char *dst, const char *rel, struct pending *p,
			struct bpo_error *err)
{
	char *tmp = bpo_xasprintf("%s.tmp-XXXXXX", dst);
	char chunk[65536];
	int in = -1, out = -1, rc = -1;
	bool plain = false;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", src, strerror(errno));
		goto out;
	}
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	for (;;) {
		if (!plain) {
			n = copy_file_range(in, NULL, out, NULL, 1u << 30, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
				      errno == EOPNOTSUPP || errno == EBADF)) {
				/* nothing copied yet by it, or from where it stopped */
				plain = true;
				continue;
			}
		} else {
			n = read(in, chunk, sizeof(chunk));
		}
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bpo_error_set(err, BPO_E_IO, "%s: %s: %s", plain ? src : tmp,
				      plain ? "read error" : "copy", strerror(errno));
			goto out;
		}
		if (plain && bpo_write_all(out, chunk, (size_t)n, tmp, err) < 0)
			goto out;
	}
	if (fchmod(out, 0644) < 0 || close(out) < 0) {
		out = -1;
		bpo_error_set(err, BPO_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	out = -1;
	bpo_strv_push(&p->tmp, tmp);
	bpo_strv_push(&p->rel, rel);
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Remove temporary copies an interrupted writer left in a pool directory (we hold the lock). */
static void clean_pool_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (strstr(de->d_name, ".tmp-") && de->d_name[0] != '.') {
			char *p = bpo_path_join(dir, de->d_name);
			bpo_verbose("removing stale %s", p);
			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
}

/* Make everything written to the repository's file system so far durable. */
static int sync_repo(const struct bpo_repo *r, struct bpo_error *err)
{
	int fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;
	if (fd < 0 || syncfs(fd) < 0)
		rc = bpo_error_set(err, BPO_E_IO, "%s: syncfs: %s", r->dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Copy the upload's files that a stanza names into the pool under temporary
 * names (pool_commit puts them in place, before the indices name them). The
 * pool directory is made, and cleaned of an interrupted writer's temporary
 * files, once per directory. */
static int upload_to_pool(struct bpo_repo *r, const struct upload *u, struct pending *p,
			  struct bpo_error *err)
{
	const char *cleaned = NULL; /* the last pool directory made and clean */
	int rc = -1;

	for (size_t i = 0; i < u->ne; i++) {
		const struct entry *e = &u->e[i];
		for (size_t j = 0; j < e->files.n; j++) {
			const char *rel = e->files.v[j], *base = strrchr(rel, '/') + 1;
			char *dst = bpo_path_join(r->dir, rel), *src, *d;
			int x = 0;
			/* in the pool already (a file that two uploads of this publish
			   both carry is copied twice, the same bytes renamed twice) */
			if (!upload_file((struct upload *)u, base) || bpo_path_exists(dst)) {
				free(dst);
				continue;
			}
			d = bpo_xstrndup(dst, (size_t)(strrchr(dst, '/') - dst));
			src = bpo_path_join(u->dir, base);
			if (!cleaned || strcmp(cleaned, d) != 0) {
				/* a directory of an earlier upload of this publish: made and
				   cleaned already, and holding our temporary files now */
				cleaned = NULL;
				for (size_t k = p->dirs.n; k-- > 0 && !cleaned;)
					if (strcmp(p->dirs.v[k], d) == 0)
						cleaned = p->dirs.v[k];
				if (!cleaned && bpo_mkdir_p(d, 0755, err) < 0)
					x = -1;
				if (x == 0 && !cleaned) {
					clean_pool_tmp(d);
					bpo_strv_push(&p->dirs, d);
					cleaned = p->dirs.v[p->dirs.n - 1];
				}
			}
			if (x == 0 && copy_to_pool(src, dst, rel, p, err) < 0)
				x = -1;
			free(src);
			free(d);
			free(dst);
			if (x < 0)
				goto out;
		}
	}
	rc = 0;
out:
	return rc;
}

/* Put the pending pool files in place: their data on the disk first (one
 * syncfs for all, not an fsync each), then the renames, then the renames on
 * the disk; a name in the pool is never a partly written file. Each file
 * renamed moves to created. */
static int pool_commit(const struct bpo_repo *r, struct pending *p, struct bpo_strv *created,
		       struct bpo_error *err)
{
	if (p->tmp.n == 0)
		return 0;
	if (sync_repo(r, err) < 0)
		return -1;
	for (; p->renamed < p->tmp.n; p->renamed++) {
		size_t i = p->renamed;
		char *dst = bpo_path_join(r->dir, p->rel.v[i]);
		int x = rename(p->tmp.v[i], dst);
		if (x < 0)
			bpo_error_set(err, BPO_E_IO, "%s: rename: %s", dst, strerror(errno));
		free(dst);
		if (x < 0)
			return -1;
		bpo_strv_push(created, p->rel.v[i]);
	}
	return sync_repo(r, err);
}

/* Publish .changes uploads (see repo.h). */
int bpo_repo_publish(struct bpo_repo *r, char *const *changes, size_t n, const char *suite,
		     const char *component, int keep, struct bpo_error *err)
{
	struct upload *ups = bpo_xcalloc(n ? n : 1, sizeof(*ups));
	struct bpo_gpg *keyring = NULL;
	struct bpo_strv removed = {0}, created = {0};
	struct pending pend = {0};
	struct suite s = {0}, sd = {0};
	unsigned k = keep < 0 ? r->cfg.keep : (unsigned)keep;
	char *dsuite = NULL;
	size_t n_debug = 0;
	int rc = -1;
	bool committed = false;

	if (check_suite(r, suite, err) < 0 || not_debug_suite(r, suite, err) < 0)
		goto out;
	dsuite = debug_suite_of(r, suite);
	if (!component)
		component = r->cfg.components.v[0];
	if (!strv_has(&r->cfg.components, component)) {
		char *all = join_list(&r->cfg.components, ", ");
		bpo_error_set(err, BPO_E_USAGE, "unknown component '%s': %s/%s lists %s", component,
			      r->dir, CONF_NAME, all);
		free(all);
		goto out;
	}
	/* the uploaders' keyring, imported once per process (bpo incoming
	   publishes many batches) */
	if (bpo_repo_uploaders(r, suite) &&
	    bpo_gpg_shared(bpo_repo_uploaders(r, suite), &keyring, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (upload_load(r, keyring, changes[i], component, &ups[i], err) < 0)
			goto out;
	if (suite_load_checked(r, suite, &s, err) < 0 ||
	    (dsuite && suite_load_checked(r, dsuite, &sd, err) < 0))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (upload_to_pool(r, &ups[i], &pend, err) < 0)
			goto out;
		for (size_t j = 0; j < ups[i].ne; j++) {
			const struct entry *e = &ups[i].e[j];
			/* debug symbols to the debug suite, when the repository has them */
			struct suite *to = dsuite && e->debug ? &sd : &s;
			n_debug += to == &sd;
			if (strcmp(e->arch, "all") == 0) {
				for (size_t a = 0; a < r->cfg.archs.n; a++)
					index_put(find_index(to, component, r->cfg.archs.v[a]), e, &removed);
			} else {
				index_put(find_index(to, component, e->arch), e, &removed);
			}
		}
	}
	/* the pool files are in place and durable before any index names them */
	if (pool_commit(r, &pend, &created, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		retain(&s, ups[i].source, k, &removed);
		if (dsuite)
			debug_follow(&s, &sd, ups[i].source, &removed);
	}
	/* the debug suite first: the suite never names a debug package that is not
	   published yet (a crash in between leaves an extra one, which the next
	   publish replaces) */
	if (dsuite && suite_dirty(&sd) && suite_commit(r, &sd, err) < 0)
		goto out;
	if (suite_commit(r, &s, err) < 0)
		goto out;
	committed = true;
	if (n_debug)
		bpo_info("published %zu debug symbol package%s to %s/%s", n_debug,
			 n_debug == 1 ? "" : "s", dsuite, component);
	for (size_t i = 0; i < n; i++) {
		audit(r, "publish", ups[i].source, ups[i].version, suite, ups[i].signer);
		/* one line per source version (a build's binary and source .changes
		   are two uploads of it) */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(ups[j].source, ups[i].source) == 0 &&
			       strcmp(ups[j].version, ups[i].version) == 0;
		if (!seen)
			bpo_info("published %s %s to %s/%s", ups[i].source, ups[i].version, suite,
				 component);
	}
	pool_gc_all(r, &removed);
	rc = 0;
out:
	/* nothing changes unless every upload checks out: the pool neither */
	for (size_t i = 0; rc < 0 && !committed && i < created.n; i++) {
		char *p = bpo_path_join(r->dir, created.v[i]);
		if (unlink(p) == 0)
			bpo_verbose("removed %s again (the publish failed)", created.v[i]);
		free(p);
	}
	bpo_strv_destroy(&created);
	pending_destroy(&pend);
	for (size_t i = 0; i < n; i++)
		upload_destroy(&ups[i]);
	free(ups);
	bpo_strv_destroy(&removed);
	suite_destroy(&s);
	suite_destroy(&sd);
	free(dsuite);
	return rc;
}

/* Remove a source from a suite (see repo.h). */
int bpo_repo_remove(struct bpo_repo *r, const char *source, const char *version,
		    const char *suite, struct bpo_error *err)
{
	struct bpo_strv removed = {0};
	struct suite s = {0}, sd = {0};
	struct srcsel sel = {source, version, NULL};
	char *dsuite = NULL;
	int rc = -1;

	if (check_suite(r, suite, err) < 0 || not_debug_suite(r, suite, err) < 0 ||
	    suite_load_checked(r, suite, &s, err) < 0)
		goto out;
	if (suite_drop(&s, drop_source, &sel, &removed) == 0) {
		bpo_error_set(err, BPO_E_NOTFOUND, "%s%s%s is not in suite %s", source,
			      version ? " " : "", version ? version : "", suite);
		goto out;
	}
	/* its debug packages go with it; the suite first, so that it never names
	   what is gone */
	dsuite = debug_suite_of(r, suite);
	if (dsuite && suite_load_checked(r, dsuite, &sd, err) < 0)
		goto out;
	if (dsuite)
		debug_follow(&s, &sd, source, &removed);
	if (suite_commit(r, &s, err) < 0)
		goto out;
	if (dsuite && suite_dirty(&sd) && suite_commit(r, &sd, err) < 0)
		goto out;
	audit(r, "remove", source, version, suite, NULL);
	pool_gc_all(r, &removed);
	rc = 0;
out:
	bpo_strv_destroy(&removed);
	suite_destroy(&s);
	suite_destroy(&sd);
	free(dsuite);
	return rc;
}

/* Copy a source with its binaries from one suite to another (see repo.h). */
int bpo_repo_promote(struct bpo_repo *r, const char *source, const char *version,
		     const char *from, const char *to, int keep, struct bpo_error *err)
{
	struct bpo_strv removed = {0}, vers = {0};
	struct suite sf = {0}, st = {0}, sfd = {0}, std = {0};
	char *dfrom = NULL, *dto = NULL;
	const char *v;
	size_t copied = 0;
	int rc = -1;

	if (check_suite(r, from, err) < 0 || check_suite(r, to, err) < 0 ||
	    not_debug_suite(r, from, err) < 0 || not_debug_suite(r, to, err) < 0)
		goto out;
	if (strcmp(from, to) == 0) {
		bpo_error_set(err, BPO_E_USAGE, "--from and --to name the same suite");
		goto out;
	}
	if (suite_load_checked(r, from, &sf, err) < 0 || suite_load_checked(r, to, &st, err) < 0)
		goto out;
	source_versions(&sf, source, &vers);
	v = version ? version : vers.n ? vers.v[0] : NULL;
	if (!v || !strv_has(&vers, v)) {
		bpo_error_set(err, BPO_E_NOTFOUND, "%s%s%s is not in suite %s", source,
			      version ? " " : "", version ? version : "", from);
		goto out;
	}
	for (size_t k = 0; k < sf.n; k++)
		for (size_t j = 0; j < sf.idx[k].n; j++) {
			const struct entry *e = &sf.idx[k].e[j];
			if (strcmp(e->source, source) == 0 && strcmp(e->srcver, v) == 0) {
				index_put(find_index(&st, sf.idx[k].comp, sf.idx[k].arch), e, &removed);
				copied++;
			}
		}
	retain(&st, source, keep < 0 ? r->cfg.keep : (unsigned)keep, &removed);
	/* its debug packages with it, from the one debug suite to the other */
	dfrom = debug_suite_of(r, from);
	dto = debug_suite_of(r, to);
	if (dfrom && (suite_load_checked(r, dfrom, &sfd, err) < 0 ||
		      suite_load_checked(r, dto, &std, err) < 0))
		goto out;
	for (size_t k = 0; dfrom && k < sfd.n; k++)
		for (size_t j = 0; j < sfd.idx[k].n; j++) {
			const struct entry *e = &sfd.idx[k].e[j];
			if (strcmp(e->source, source) == 0 && strcmp(e->srcver, v) == 0) {
				index_put(find_index(&std, sfd.idx[k].comp, sfd.idx[k].arch), e,
					  &removed);
				copied++;
			}
		}
	if (dfrom)
		debug_follow(&st, &std, source, &removed);
	if (dfrom && suite_dirty(&std) && suite_commit(r, &std, err) < 0)
		goto out;
	if (suite_commit(r, &st, err) < 0)
		goto out;
	audit(r, "promote", source, v, to, NULL);
	bpo_info("promoted %s %s from %s to %s (%zu stanzas)", source, v, from, to, copied);
	pool_gc_all(r, &removed);
	rc = 0;
out:
	bpo_strv_destroy(&removed);
	bpo_strv_destroy(&vers);
	suite_destroy(&sf);
	suite_destroy(&st);
	suite_destroy(&sfd);
	suite_destroy(&std);
	free(dfrom);
	free(dto);
	return rc;
}

/* ------------------------------------------------------------------ list */

/* See repo.h. */
int bpo_repo_published(const char *repo, const char *suite, const char *component,
		       const char *source, struct bpo_strv *out, struct bpo_strv *fixes,
		       char **recipe, struct bpo_error *err)
{
	const char *best = NULL;
	char *best_fixes = NULL, *best_recipe = NULL;
	char *path = bpo_xasprintf("%s/dists/%s/%s/source/Sources", repo, suite, component);
	struct bpo_buf b;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	int rc = -1, got;

	bpo_buf_init(&b, BPO_MAX_INDEX);
	if (!bpo_path_exists(path)) {
		rc = 0; /* nothing published yet */
		goto out;
	}
	if (bpo_file_read(path, BPO_MAX_INDEX, &b, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, b.data ? b.data : "", b.len, path, 0);
	while ((got = bpo_deb822_next(&p, &para, err)) > 0) {
		const char *pkg = bpo_deb822_get(&para, "Package");
		const char *ver = bpo_deb822_get(&para, "Version");
		if (pkg && ver && strcmp(pkg, source) == 0) {
			bpo_strv_push(out, ver);
			if (!best || bpo_version_compare_str(ver, best) > 0) {
				/* the fixes the newest one carries */
				const char *fx = bpo_deb822_get(&para, BPO_FIXES_FIELD);
				const char *rf = bpo_deb822_get(&para, BPO_RECIPE_FIELD);
				free(best_fixes);
				best_fixes = fx ? bpo_xstrdup(fx) : NULL;
				free(best_recipe);
				best_recipe = rf ? bpo_xstrdup(rf) : NULL;
				best = out->v[out->n - 1];
			}
		}
		bpo_deb822_para_destroy(&para);
	}
	if (got < 0)
		goto out;
	/* highest first */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && bpo_version_compare_str(out->v[j - 1], out->v[j]) < 0; j--) {
			char *t = out->v[j];
			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
	bpo_fixes_parse_field(best_fixes, fixes);
	if (recipe) {
		*recipe = best_recipe;
		best_recipe = NULL;
	}
	rc = 0;
out:
	free(best_recipe);
	free(best_fixes);
	bpo_buf_destroy(&b);
	free(path);
	return rc;
}

/* See repo.h. */
char *bpo_repo_apt_line(const char *dir, const char *suite, const char *component)
{
	char *key = bpo_path_join(dir, "key.asc");
	char *rel = bpo_xasprintf("%s/dists/%s/Release", dir, suite);
	char *line = NULL;
	if (bpo_path_exists(key) && bpo_path_exists(rel))
		line = bpo_xasprintf("deb [signed-by=%s] file:%s %s %s", key, dir, suite, component);
	free(rel);
	free(key);
	return line;
}


const char *bpo_repo_uploaders(const struct bpo_repo *r, const char *suite)
{
	size_t n = strlen(suite);
	for (size_t i = 0; i < r->cfg.uploaders.n; i++) {
		const char *u = r->cfg.uploaders.v[i];
		if (strncmp(u, suite, n) == 0 && u[n] == ' ')
			return u + n + 1;
	}
	return r->cfg.upload_keyring;
}

bool bpo_repo_pool_has(const struct bpo_repo *r, const char *comp, const char *source,
		       const char *name, const char *sha256)
{
	char *rel = pool_dir_rel(comp, source), *dir = bpo_path_join(r->dir, rel);
	char *path = bpo_path_join(dir, name), hex[BPO_HASH_HEX_MAX];
	uint64_t size;
	bool has = bpo_path_component_ok(name) &&
		   bpo_hash_file(path, BPO_HASH_SHA256, hex, &size, NULL) == 0 &&
		   strcmp(hex, sha256) == 0;
	free(rel);
	free(dir);
	free(path);
	return has;
}

/* The source versions of one suite or all (see repo.h). */
int bpo_repo_sources(struct bpo_repo *r, const char *suite, const char *source,
		     struct bpo_repo_source **out, size_t *n, struct bpo_error *err)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (suite && check_suite(r, suite, err) < 0)
		return -1;
	for (size_t i = 0; i < r->cfg.suites.n; i++) {
		struct suite s;
		if (suite && strcmp(suite, r->cfg.suites.v[i]) != 0)
			continue;
		if (suite_load(r, r->cfg.suites.v[i], &s, err) < 0) {
			bpo_repo_sources_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
		for (size_t k = 0; k < s.n; k++) {
			if (strcmp(s.idx[k].arch, "source") != 0)
				continue;
			if (s.idx[k].n > 1)
				qsort(s.idx[k].e, s.idx[k].n, sizeof(s.idx[k].e[0]), entry_cmp);
			for (size_t j = 0; j < s.idx[k].n; j++) {
				const struct entry *e = &s.idx[k].e[j];
				struct bpo_repo_source *x;
				char *fx;
				if (source && strcmp(e->package, source) != 0)
					continue;
				BPO_GROW(*out, cap, *n + 1);
				x = &(*out)[(*n)++];
				memset(x, 0, sizeof(*x));
				x->suite = bpo_xstrdup(s.name);
				x->component = bpo_xstrdup(s.idx[k].comp);
				x->source = bpo_xstrdup(e->package);
				x->version = bpo_xstrdup(e->version);
				fx = stanza_field(e->text, BPO_FIXES_FIELD);
				bpo_fixes_parse_field(fx, &x->fixes);
				free(fx);
			}
		}
		suite_destroy(&s);
	}
	return 0;
}

void bpo_repo_sources_free(struct bpo_repo_source *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].suite);
		free(v[i].component);
		free(v[i].source);
		free(v[i].version);
		bpo_strv_destroy(&v[i].fixes);
	}
	free(v);
}

/* List the packages of one suite or all (see repo.h). */
int bpo_repo_list(struct bpo_repo *r, const char *suite, bool json, FILE *out,
		  struct bpo_error *err)
{
	bool first = true;
	int rc = 0;

	if (suite && check_suite(r, suite, err) < 0)
		return -1;
	if (json)
		fputs("[", out);
	for (size_t i = 0; i < r->cfg.suites.n && rc == 0; i++) {
		struct suite s;
		if (suite && strcmp(suite, r->cfg.suites.v[i]) != 0)
			continue;
		if (suite_load(r, r->cfg.suites.v[i], &s, err) < 0) {
			rc = -1;
		} else {
			for (size_t k = 0; k < s.n; k++) {
				if (s.idx[k].n > 1)
					qsort(s.idx[k].e, s.idx[k].n, sizeof(s.idx[k].e[0]),
					      entry_cmp);
				for (size_t j = 0; j < s.idx[k].n; j++) {
					const struct entry *e = &s.idx[k].e[j];
					if (!json) {
						fprintf(out, "%s %s %s %s %s (source %s %s)\n", s.name,
							s.idx[k].comp, e->package, e->version, e->arch,
							e->source, e->srcver);
						continue;
					}
					fputs(first ? "\n  {" BPO_JSON_SV ", " : ",\n  {" BPO_JSON_SV ", ", out);
					first = false;
					const char *k2[] = {"suite", "component", "package", "version",
							    "architecture", "source", "source_version",
							    "filename"};
					const char *v2[] = {s.name, s.idx[k].comp, e->package, e->version,
							    e->arch, e->source, e->srcver, e->files.v[0]};
					for (size_t f = 0; f < 8; f++) {
						if (f)
							fputs(", ", out);
						bpo_json_fputs(out, k2[f]);
						fputs(": ", out);
						bpo_json_fputs(out, v2[f]);
					}
					fputs("}", out);
				}
			}
		}
		suite_destroy(&s);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", out);
	return rc;
}

/* ------------------------------------------------------------------ verify */

struct vstate {
	FILE *report;
	unsigned problems, warnings;
	struct bpo_strv seen; /* pool files named by an index */
};

static void problem(struct vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct vstate *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bad: ", v->report);
	vfprintf(v->report, fmt, ap);
	fputc('\n', v->report);
	va_end(ap);
	v->problems++;
}

/* Check the pool files an index names (size and SHA-256, MD5 for Packages). */
static void verify_index(struct bpo_repo *r, const char *ipath, bool source, struct vstate *v)
{
	struct bpo_buf b;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	int x;

	bpo_error_init(&e);
	bpo_buf_init(&b, BPO_MAX_INDEX);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(ipath, BPO_MAX_INDEX, &b, &e) < 0) {
		problem(v, "%s", e.msg);
		goto out;
	}
	bpo_deb822_parser_init(&p, b.data, b.len, ipath, 0);
	while ((x = bpo_deb822_next(&p, &para, &e)) > 0) {
		struct entry en = {0};
		if (entry_from_para(&en, &para, source, ipath, &e) < 0) {
			problem(v, "%s", e.msg);
		} else if (!source) {
			char *fp = bpo_path_join(r->dir, en.files.v[0]);
			const char *size = bpo_deb822_get(&para, "Size"), *sha = bpo_deb822_get(&para, "SHA256");
			struct fhash h;
			if (hash_file3(fp, &h, &e) < 0)
				problem(v, "%s: %s %s: %s", ipath, en.package, en.version, e.msg);
			else if (!size || !sha || strtoull(size, NULL, 10) != h.size ||
				 strcasecmp(sha, h.sha256) != 0)
				problem(v, "%s: %s: size or SHA256 differs from the index", ipath,
					en.files.v[0]);
			bpo_strv_push(&v->seen, en.files.v[0]);
			free(fp);
		} else {
			const char *sums = bpo_deb822_get(&para, "Checksums-Sha256");
			const char *dir = bpo_deb822_get(&para, "Directory");
			const char *cur = sums, *line;
			size_t len;
			if (!sums)
				problem(v, "%s: %s %s: no Checksums-Sha256", ipath, en.package, en.version);
			while (sums && bpo_deb822_next_line(&cur, &line, &len)) {
				char hash[BPO_HASH_HEX_MAX], *fn = NULL, *rel, *fp;
				uint64_t size;
				struct fhash h;
				if (parse_sum_line(line, len, false, hash, &size, &fn) < 0 ||
				    !bpo_path_component_ok(fn)) {
					problem(v, "%s: %s: bad Checksums-Sha256 line", ipath, en.package);
					free(fn);
					continue;
				}
				rel = bpo_xasprintf("%s/%s", dir, fn);
				fp = bpo_path_join(r->dir, rel);
				if (hash_file3(fp, &h, &e) < 0)
					problem(v, "%s: %s", ipath, e.msg);
				else if (h.size != size || strcmp(h.sha256, hash) != 0)
					problem(v, "%s: %s: size or SHA256 differs from the index", ipath,
						rel);
				bpo_strv_push(&v->seen, rel);
				free(rel);
				free(fp);
				free(fn);
			}
		}
		entry_destroy(&en);
		bpo_deb822_para_destroy(&para);
	}
	if (x < 0)
		problem(v, "%s", e.msg);
out:
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&b);
}

static void verify_suite(struct bpo_repo *r, struct bpo_signer *sig, const char *suite,
			 struct vstate *v, bool deep)
{
	char *sdir = bpo_xasprintf("%s/dists/%s", r->dir, suite);
	char *p_in = bpo_path_join(sdir, "InRelease"), *p_rel = bpo_path_join(sdir, "Release");
	char *p_gpg = bpo_path_join(sdir, "Release.gpg");
	struct bpo_buf in, rel, gpg, plain;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	const char *sums, *cur, *line, *until;
	struct bpo_strv listed = {0};
	size_t len;

	bpo_error_init(&e);
	bpo_buf_init(&in, BPO_MAX_CONTROL);
	bpo_buf_init(&rel, BPO_MAX_CONTROL);
	bpo_buf_init(&gpg, BPO_MAX_SIGNATURE);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (bpo_file_read(p_in, BPO_MAX_CONTROL, &in, &e) < 0 ||
	    bpo_file_read(p_rel, BPO_MAX_CONTROL, &rel, &e) < 0 ||
	    bpo_file_read(p_gpg, BPO_MAX_SIGNATURE, &gpg, &e) < 0) {
		problem(v, "%s", e.msg);
		goto out;
	}
	if (bpo_sign_verify(sig, p_in, in.data, in.len, NULL, 0, r->cfg.key, &plain, NULL, &e) < 0)
		problem(v, "%s", e.msg);
	else if (plain.len != rel.len || memcmp(plain.data, rel.data, rel.len) != 0)
		problem(v, "%s: signed text differs from %s", p_in, p_rel);
	/* (before a change only InRelease matters: Release.gpg is made anew) */
	if (deep && bpo_sign_verify(sig, p_gpg, rel.data, rel.len, gpg.data, gpg.len, r->cfg.key,
				    NULL, NULL, &e) < 0)
		problem(v, "%s", e.msg);
	bpo_deb822_parser_init(&p, rel.data, rel.len, p_rel, 0);
	if (bpo_deb822_next(&p, &para, &e) <= 0) {
		problem(v, "%s: cannot parse: %s", p_rel, e.msg);
		goto out;
	}
	until = bpo_deb822_get(&para, "Valid-Until");
	if (until) {
		struct tm tm = {0};
		const char *end = strptime(until, "%a, %d %b %Y %H:%M:%S", &tm);
		if (!end || timegm(&tm) < time(NULL))
			problem(v, "%s: Valid-Until %s has passed (run any bpo repo command to re-sign)",
				p_rel, until);
	}
	sums = bpo_deb822_get(&para, "SHA256");
	if (!sums)
		problem(v, "%s: no SHA256 field", p_rel);
	cur = sums;
	while (sums && bpo_deb822_next_line(&cur, &line, &len)) {
		char hash[BPO_HASH_HEX_MAX], *fn = NULL, *fp, hex[BPO_HASH_HEX_MAX];
		uint64_t size, fsize;
		if (parse_sum_line(line, len, false, hash, &size, &fn) < 0 || !bpo_path_relative_ok(fn)) {
			problem(v, "%s: bad SHA256 line '%.*s'", p_rel, (int)len, line);
			free(fn);
			continue;
		}
		fp = bpo_path_join(sdir, fn);
		if (strstr(fn, "/Contents-") && !strchr(strstr(fn, "/Contents-"), '.') &&
		    !bpo_path_exists(fp)) {
			/* listed, not written: the text of the .gz beside it (checked
			   by its own line), decompressed in a deep check */
			char *gz = bpo_xasprintf("%s.gz", fp);
			struct bpo_buf t;
			bpo_buf_init(&t, BPO_MAX_INDEX);
			if (!bpo_path_exists(gz))
				problem(v, "%s: listed in %s, but neither it nor %s.gz exists", fp,
					p_rel, fn);
			else if (deep && bpo_archive_read_compressed(gz, BPO_MAX_INDEX, &t, &e) < 0)
				problem(v, "%s", e.msg);
			else if (deep) {
				struct bpo_hash h;
				bpo_hash_init(&h, 1u << BPO_HASH_SHA256);
				bpo_hash_update(&h, t.data ? t.data : "", t.len);
				bpo_hash_hex(&h, BPO_HASH_SHA256, hex);
				bpo_hash_destroy(&h);
				if (t.len != size || strcmp(hex, hash) != 0)
					problem(v, "%s: decompressed, size or SHA256 differs from %s", gz,
						p_rel);
			}
			bpo_buf_destroy(&t);
			free(gz);
		} else if (bpo_hash_file(fp, BPO_HASH_SHA256, hex, &fsize, &e) < 0)
			problem(v, "%s", e.msg);
		else if (fsize != size || strcmp(hex, hash) != 0)
			problem(v, "%s: size or SHA256 differs from %s", fp, p_rel);
		else if (deep && bpo_str_has_suffix(fn, "/Packages"))
			verify_index(r, fp, false, v);
		else if (deep && bpo_str_has_suffix(fn, "/Sources"))
			verify_index(r, fp, true, v);
		if (bpo_str_has_prefix(fn, "osv/"))
			bpo_strv_push(&listed, fn + 4);
		free(fp);
		free(fn);
	}
	{
		/* the OSV data: nothing the signed Release does not list */
		char *od = bpo_path_join(sdir, "osv");
		DIR *d = opendir(od);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.' && !strv_has(&listed, de->d_name))
				problem(v, "%s/%s: not listed in %s", od, de->d_name, p_rel);
		if (d)
			closedir(d);
		free(od);
	}
out:
	bpo_strv_destroy(&listed);
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&in);
	bpo_buf_destroy(&rel);
	bpo_buf_destroy(&gpg);
	bpo_buf_destroy(&plain);
	free(p_in);
	free(p_rel);
	free(p_gpg);
	free(sdir);
}

/* Report pool files that no index names. */
static void verify_pool(struct bpo_repo *r, const char *rel, struct vstate *v, unsigned depth)
{
	char *abs = bpo_path_join(r->dir, rel);
	DIR *d = opendir(abs);
	struct dirent *de;

	while (d && depth < 8 && (de = readdir(d))) {
		char *crel;
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		crel = bpo_xasprintf("%s/%s", rel, de->d_name);
		{
			char *cabs = bpo_path_join(r->dir, crel);
			if (lstat(cabs, &st) < 0)
				st.st_mode = 0;
			free(cabs);
		}
		if (S_ISDIR(st.st_mode)) {
			verify_pool(r, crel, v, depth + 1);
		} else if (!strv_sorted_has(&v->seen, crel)) {
			fprintf(v->report, "warning: %s: in the pool but named by no index%s\n", crel,
				strstr(de->d_name, ".tmp-") ? " (left by an interrupted copy)" : "");
			v->warnings++;
		}
		free(crel);
	}
	if (d)
		closedir(d);
	free(abs);
}

/* Verify the whole repository (see repo.h). */
int bpo_repo_verify(struct bpo_repo *r, const char *keyring, FILE *report, struct bpo_error *err)
{
	struct vstate v = {report, 0, 0, {0}};
	struct bpo_signer *sig = NULL;
	int rc = -1;

	if (keyring ? bpo_sign_open_keyring(&sig, keyring, err) < 0 : get_signer(r, err) < 0)
		goto out;
	for (size_t i = 0; i < r->cfg.suites.n; i++)
		verify_suite(r, keyring ? sig : r->signer, r->cfg.suites.v[i], &v, true);
	strv_sort(&v.seen);
	verify_pool(r, "pool", &v, 0);
	if (v.problems) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: %u problem%s found", r->dir, v.problems,
			      v.problems == 1 ? "" : "s");
		goto out;
	}
	{
		size_t nb = r->cfg.n_base, nd = r->cfg.suites.n - r->cfg.n_base;
		char dbg[64] = "";
		if (nd)
			snprintf(dbg, sizeof(dbg), ", with %s %zu debug suite%s",
				 nd == 1 ? "its" : "their", nd, nd == 1 ? "" : "s");
		fprintf(report, "%s: %zu suite%s verified%s%s\n", r->dir, nb, nb == 1 ? "" : "s",
			dbg, v.warnings ? " (with warnings)" : "");
	}
	rc = 0;
out:
	bpo_strv_destroy(&v.seen);
	bpo_sign_free(sig);
	return rc;
}

/*
 * The suite's current indices are the state a change starts from: check that
 * they are what bpo signed (signatures, and every file Release lists) so that
 * an edited index is refused rather than signed anew.
 */
static int suite_check(struct bpo_repo *r, const char *name, struct bpo_error *err)
{
	char *sdir = bpo_xasprintf("%s/dists/%s", r->dir, name), *txt = NULL;
	size_t len = 0;
	struct vstate v = {NULL, 0, 0, {0}};
	int rc = -1;

	if (!bpo_is_dir(sdir)) {
		rc = 0; /* a new suite */
		goto out;
	}
	if (get_signer(r, err) < 0)
		goto out;
	v.report = open_memstream(&txt, &len);
	if (!v.report) {
		bpo_error_set(err, BPO_E_IO, "open_memstream: %s", strerror(errno));
		goto out;
	}
	verify_suite(r, r->signer, name, &v, false);
	fclose(v.report);
	if (v.problems) {
		const char *first = txt && bpo_str_has_prefix(txt, "bad: ") ? txt + 5 : txt ? txt : "";
		bpo_error_set(err, BPO_E_VERIFY,
			      "suite %s is not as bpo signed it, refusing to build on it: %.*s "
			      "(see 'bpo repo verify'; restore %s from a backup)",
			      name, (int)strcspn(first, "\n"), first, sdir);
		goto out;
	}
	rc = 0;
out:
	bpo_strv_destroy(&v.seen);
	free(txt);
	free(sdir);
	return rc;
}

/* suite_load for a change: the state is checked first. */
static int suite_load_checked(struct bpo_repo *r, const char *name, struct suite *s,
			      struct bpo_error *err)
{
	memset(s, 0, sizeof(*s));
	if (suite_check(r, name, err) < 0)
		return -1;
	return suite_load(r, name, s, err);
}

/* Write suites anew from their state: new Date, Valid-Until and signatures. */
int bpo_repo_refresh(struct bpo_repo *r, const char *suite, struct bpo_error *err)
{
	if (suite && check_suite(r, suite, err) < 0)
		return -1;
	for (size_t i = 0; i < r->cfg.suites.n; i++) {
		struct suite s;
		int x;
		if (suite && strcmp(suite, r->cfg.suites.v[i]) != 0)
			continue;
		x = suite_load_checked(r, r->cfg.suites.v[i], &s, err);
		if (x == 0)
			x = suite_commit(r, &s, err);
		suite_destroy(&s);
		if (x < 0)
			return -1;
		audit(r, "refresh", NULL, NULL, r->cfg.suites.v[i], NULL);
	}
	pool_gc_all(r, NULL);
	return 0;
}

/* ------------------------------------------------------------------ create */

static char *abs_path(const char *p)
{
	char *rp;
	if (!p)
		return NULL;
	rp = realpath(p, NULL);
	return rp ? rp : bpo_xstrdup(p);
}

/* Create a repository (see repo.h). */
int bpo_repo_create(const char *dir, const struct bpo_repo_config *in, struct bpo_error *err)
{
	struct bpo_repo_config c = {0};
	struct bpo_repo *r = NULL;
	struct bpo_buf key;
	char *conf = bpo_path_join(dir, CONF_NAME), *sub = NULL, *keypath = NULL;
	const char *subs[] = {"conf", "pool", "dists", "log"};
	int rc = -1;

	bpo_buf_init(&key, BPO_MAX_SIGNATURE);
	if (config_check(in, "repo init", err) < 0)
		goto out;
	if (bpo_path_exists(conf)) {
		bpo_error_set(err, BPO_E_USAGE, "%s: already a repository (%s exists)", dir, conf);
		goto out;
	}
	c.origin = bpo_xstrdup(in->origin);
	c.label = bpo_xstrdup(in->label);
	c.description = in->description ? bpo_xstrdup(in->description) : NULL;
	for (size_t i = 0; i < in->suites.n; i++)
		bpo_strv_push(&c.suites, in->suites.v[i]);
	for (size_t i = 0; i < in->components.n; i++)
		bpo_strv_push(&c.components, in->components.v[i]);
	for (size_t i = 0; i < in->archs.n; i++)
		bpo_strv_push(&c.archs, in->archs.v[i]);
	c.key = bpo_xstrdup(in->key);
	c.gnupghome = abs_path(in->gnupghome);
	c.keyfile = abs_path(in->keyfile);
	c.upload_keyring = abs_path(in->upload_keyring);
	for (size_t i = 0; i < in->uploaders.n; i++) {
		/* "SUITE=KEYRING" or "SUITE KEYRING" as given; the keyring made absolute */
		const char *u = in->uploaders.v[i];
		size_t k = strcspn(u, "= ");
		char *ring = abs_path(u[k] ? u + k + 1 : "");
		bpo_strv_push_owned(&c.uploaders, bpo_xasprintf("%.*s %s", (int)k, u, ring));
		free(ring);
	}
	c.valid_days = in->valid_days;
	c.by_hash = in->by_hash;
	c.contents = in->contents;
	c.debug = in->debug;
	c.keep = in->keep;
	c.compress = in->compress;
	c.not_automatic = in->not_automatic ? bpo_xstrdup(in->not_automatic) : NULL;
	for (size_t i = 0; i < 4; i++) {
		free(sub);
		sub = bpo_path_join(dir, subs[i]);
		if (bpo_mkdir_p(sub, 0755, err) < 0)
			goto out;
	}
	if (config_write(dir, &c, err) < 0)
		goto out;
	if (bpo_repo_open(&r, dir, true, BPO_REPO_LOCK_TIMEOUT, err) < 0)
		goto out;
	if (get_signer(r, err) < 0 || bpo_sign_export_public(r->signer, &key, err) < 0)
		goto fail_conf;
	keypath = bpo_path_join(dir, "key.asc");
	if (bpo_file_write_atomic(keypath, key.data, key.len, 0644, err) < 0)
		goto fail_conf;
	for (size_t i = 0; i < r->cfg.suites.n; i++) { /* the debug suites too */
		struct suite s;
		int x = suite_load(r, r->cfg.suites.v[i], &s, err);
		if (x == 0)
			x = suite_commit(r, &s, err);
		suite_destroy(&s);
		if (x < 0)
			goto fail_conf;
	}
	audit(r, "init", NULL, NULL, NULL, NULL);
	rc = 0;
	goto out;
fail_conf:
	unlink(conf); /* a failed init leaves no half repository behind */
out:
	bpo_repo_close(r);
	bpo_repo_config_destroy(&c);
	bpo_buf_destroy(&key);
	free(conf);
	free(sub);
	free(keypath);
	return rc;
}
