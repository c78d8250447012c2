/* SPDX-License-Identifier: GPL-2.0-or-later */
/* srcpkg: unpack source packages like dpkg-source -x (see srcpkg.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "buf.h"
#include "dsc.h"
#include "fsutil.h"
#include "hash.h"
#include "log.h"
#include "patch.h"
#include "srcpkg.h"
#include "xmem.h"

#define MAX_SERIES_FILE (1u << 20)
#define MAX_COMPONENTS 64u

void bpo_srcpkg_opts_init(struct bpo_srcpkg_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->limits.max_total = BPO_ARCHIVE_MAX_TOTAL_DEFAULT;
	opts->limits.max_members = BPO_ARCHIVE_MAX_MEMBERS_DEFAULT;
	opts->limits.max_ratio = BPO_ARCHIVE_MAX_RATIO_DEFAULT;
}

/* Verify sizes and SHA-256 of the .dsc's files in dir (defence in depth). */
int bpo_srcpkg_verify_files(const struct bpo_dsc *dsc, const char *dir, struct bpo_error *err)
{
	for (size_t i = 0; i < dsc->n_files; i++) {
		const struct bpo_dsc_file *f = &dsc->files[i];
		char hex[BPO_HASH_HEX_MAX];
		uint64_t size = 0;
		struct stat st;
		char *p;
		int rc = 0;
		if (!bpo_path_component_ok(f->name))
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: bad file name '%s' in the .dsc",
					     dir, f->name);
		p = bpo_path_join(dir, f->name);
		if (lstat(p, &st) != 0) {
			rc = bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO,
					   "%s: %s (listed in the .dsc)", p, strerror(errno));
		} else if (!S_ISREG(st.st_mode)) {
			rc = bpo_error_set(err, BPO_E_VERIFY, "%s: not a regular file", p);
		} else if ((uint64_t)st.st_size != f->size) {
			rc = bpo_error_set(err, BPO_E_VERIFY,
					   "%s: size %llu, but the .dsc says %llu", p,
					   (unsigned long long)st.st_size,
					   (unsigned long long)f->size);
		} else if (bpo_hash_file(p, BPO_HASH_SHA256, hex, &size, err) < 0) {
			rc = -1;
		} else if (size != f->size || strcasecmp(hex, f->sha256) != 0) {
			rc = bpo_error_set(err, BPO_E_VERIFY,
					   "%s: SHA-256 %s does not match the .dsc's %s", p, hex,
					   f->sha256);
		}
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The version without its epoch, and the upstream part of that. */
static const char *no_epoch(const char *v)
{
	const char *c = strchr(v, ':');
	return c ? c + 1 : v;
}

static char *upstream_of(const char *v)
{
	const char *ne = no_epoch(v);
	const char *dash = strrchr(ne, '-');
	return dash ? bpo_xstrndup(ne, (size_t)(dash - ne)) : bpo_xstrdup(ne);
}

static bool is_comp_ext(const char *s, size_t n)
{
	static const char *const exts[] = { "gz", "bz2", "lzma", "xz", "zst" };
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strlen(exts[i]) == n && memcmp(exts[i], s, n) == 0)
			return true;
	return false;
}

/* name == prefix + "tar." + EXT (+ ".asc" when *sig is allowed): 1 tarball,
 * 2 signature, 0 no match. */
static int match_tar(const char *name, const char *prefix, bool allow_sig)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) != 0 || strncmp(name + pl, "tar.", 4) != 0)
		return 0;
	const char *ext = name + pl + 4;
	size_t n = strlen(ext);
	if (is_comp_ext(ext, n))
		return 1;
	if (allow_sig && n > 4 && strcmp(ext + n - 4, ".asc") == 0 && is_comp_ext(ext, n - 4))
		return 2;
	return 0;
}

struct layout {
	const char *main_tar;  /* orig or native tarball */
	const char *debian_tar;
	const char *diff;
	const char *comp_name[MAX_COMPONENTS];
	const char *comp_tar[MAX_COMPONENTS];
	size_t n_comp;
};

static int unrecognized(const char *fmt, const char *file, struct bpo_error *err)
{
	return bpo_error_set(err, BPO_E_SYNTAX,
			     "unrecognized file for a %s source package: %s", fmt, file);
}

static int classify(const struct bpo_dsc *dsc, struct layout *l, struct bpo_error *err)
{
	char *up = upstream_of(dsc->version);
	char *base = bpo_xasprintf("%s_%s.", dsc->source, up);
	char *baserev = bpo_xasprintf("%s_%s.", dsc->source, no_epoch(dsc->version));
	char *orig = bpo_xasprintf("%sorig.", base);
	char *origc = bpo_xasprintf("%sorig-", base);
	char *debian = bpo_xasprintf("%sdebian.", baserev);
	char *diff = bpo_xasprintf("%sdiff.gz", baserev);
	const char *fmt = dsc->format;
	int ret = -1;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < dsc->n_files; i++) {
		const char *f = dsc->files[i].name;
		int m;
		if (strcmp(fmt, "3.0 (native)") == 0) {
			if (match_tar(f, baserev, false) != 1) {
				unrecognized("native", f, err);
				goto out;
			}
			if (l->main_tar) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "multiple tarfiles in native source package");
				goto out;
			}
			l->main_tar = f;
		} else if (strcmp(fmt, "3.0 (quilt)") == 0) {
			if ((m = match_tar(f, orig, true)) != 0) {
				if (m == 1) {
					if (l->main_tar) {
						bpo_error_set(err, BPO_E_SYNTAX,
							      "duplicate orig tarballs: %s, %s",
							      l->main_tar, f);
						goto out;
					}
					l->main_tar = f;
				}
			} else if (match_tar(f, debian, false) == 1) {
				if (l->debian_tar) {
					bpo_error_set(err, BPO_E_SYNTAX,
						      "duplicate debian tarballs: %s, %s",
						      l->debian_tar, f);
					goto out;
				}
				l->debian_tar = f;
			} else if (strncmp(f, origc, strlen(origc)) == 0) {
				const char *c = f + strlen(origc);
				const char *dot = strstr(c, ".tar.");
				size_t n = dot ? (size_t)(dot - c) : 0;
				bool ok = n > 0;
				for (size_t k = 0; k < n; k++)
					if (!isalnum((unsigned char)c[k]) && c[k] != '-')
						ok = false;
				char *cprefix = ok ? bpo_xstrndup(f, (size_t)(dot + 1 - f)) : NULL;
				m = ok ? match_tar(f, cprefix, true) : 0;
				free(cprefix);
				if (!m) {
					unrecognized("3.0 (quilt)", f, err);
					goto out;
				}
				if (m == 1) {
					for (size_t k = 0; k < l->n_comp; k++)
						if (strlen(l->comp_name[k]) == n &&
						    strncmp(l->comp_name[k], c, n) == 0) {
							bpo_error_set(err, BPO_E_SYNTAX,
								      "duplicate component "
								      "tarball: %s", f);
							goto out;
						}
					if (l->n_comp >= MAX_COMPONENTS) {
						bpo_error_set(err, BPO_E_SYNTAX,
							      "more than %u component tarballs",
							      MAX_COMPONENTS);
						goto out;
					}
					l->comp_tar[l->n_comp] = f;
					l->comp_name[l->n_comp++] = c; /* ends at ".tar." */
				}
			} else {
				unrecognized("3.0 (quilt)", f, err);
				goto out;
			}
		} else if (strcmp(fmt, "1.0") == 0) {
			char *o = bpo_xasprintf("%star.gz", orig);
			char *n = bpo_xasprintf("%star.gz", baserev);
			char *s = bpo_xasprintf("%star.gz.asc", orig);
			bool is_tar = strcmp(f, o) == 0 || strcmp(f, n) == 0;
			bool is_sig = strcmp(f, s) == 0;
			free(o);
			free(n);
			free(s);
			if (is_tar) {
				if (l->main_tar) {
					bpo_error_set(err, BPO_E_SYNTAX,
						      "multiple tarfiles in v1.0 source package");
					goto out;
				}
				l->main_tar = f;
			} else if (strcmp(f, diff) == 0) {
				l->diff = f;
			} else if (!is_sig) {
				unrecognized("v1.0", f, err);
				goto out;
			}
		} else {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s_%s: unsupported source format '%s' (supported: 1.0, "
				      "3.0 (native), 3.0 (quilt))", dsc->source, dsc->version, fmt);
			goto out;
		}
	}
	if (!l->main_tar) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s_%s: no %s tarball in the .dsc's Files",
			      dsc->source, dsc->version,
			      strcmp(fmt, "3.0 (quilt)") == 0 ? "orig" : "source");
		goto out;
	}
	if (strcmp(fmt, "3.0 (quilt)") == 0 && !l->debian_tar) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s_%s: missing the debian tarball",
			      dsc->source, dsc->version);
		goto out;
	}
	ret = 0;
out:
	free(up);
	free(base);
	free(baserev);
	free(orig);
	free(origc);
	free(debian);
	free(diff);
	return ret;
}

static int tar_opts_extract(const char *dir, const char *file, const char *dest,
			    const struct bpo_srcpkg_opts *opts, bool exclude_pc, bool only_debian,
			    struct bpo_error *err)
{
	struct bpo_archive_opts ao;
	char *p = bpo_path_join(dir, file);
	int rc;
	bpo_archive_opts_init(&ao);
	if (opts->limits.max_total)
		ao.limits.max_total = opts->limits.max_total;
	if (opts->limits.max_members)
		ao.limits.max_members = opts->limits.max_members;
	if (opts->limits.max_ratio)
		ao.limits.max_ratio = opts->limits.max_ratio;
	ao.exclude_pc = exclude_pc;
	ao.only_debian = only_debian;
	bpo_verbose("unpacking %s", file);
	rc = bpo_archive_extract(p, dest, &ao, err);
	free(p);
	return rc;
}

/* The patch engine's verdict, read as dpkg-source does (GNU patch -F0 -N):
 * offsets are fine; fuzz, failures and already applied hunks are not. */
static int check_report(const struct bpo_patch_report *rep, const char *name,
			struct bpo_error *err)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct bpo_patch_result *pr = &rep->patches[i];
		for (size_t j = 0; j < pr->n_files; j++) {
			const struct bpo_patch_file_result *fr = &pr->files[j];
			if (fr->error)
				return bpo_error_set(err, BPO_E_FAIL, "%s: %s: %s", name,
						     fr->path ? fr->path : "?", fr->error);
			for (size_t k = 0; k < fr->n_hunks; k++) {
				const struct bpo_patch_hunk_result *h = &fr->hunks[k];
				if (h->status == BPO_HUNK_CLEAN || h->status == BPO_HUNK_OFFSET)
					continue;
				return bpo_error_set(err, BPO_E_FAIL,
						     "%s: %s: hunk %zu %s at line %lu (dpkg-source "
						     "applies patches at fuzz 0)", name, fr->path,
						     k + 1, bpo_patch_hunk_status_name(h->status),
						     h->line);
			}
		}
	}
	if (rep->failed)
		return bpo_error_set(err, BPO_E_FAIL, "%s: does not apply", name);
	return 0;
}

/* path without its first strip components, or NULL when too short. */
static const char *strip_path(const char *path, int strip)
{
	const char *p = path;
	for (int i = 0; i < strip; i++) {
		const char *slash = strchr(p, '/');
		if (!slash)
			return NULL;
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	return *p ? p : NULL;
}

/*
 * GNU patch (which dpkg-source runs) creates a missing file from a single
 * "@@ -0,0 +1,N @@" hunk even when the old name is not /dev/null; 1.0
 * .diff.gz files create all of debian/ that way. Mark such files as
 * creations for the patch engine, which otherwise wants /dev/null.
 */
static void mark_creations(const char *tree, struct bpo_patch *p, int strip)
{
	for (size_t i = 0; i < p->n_files; i++) {
		struct bpo_patch_file *f = &p->files[i];
		const char *rel;
		struct stat st;
		if (f->op != BPO_PATCH_MODIFY || f->n_hunks != 1 || f->hunks[0].old_start != 0 ||
		    f->hunks[0].old_count != 0 || !f->new_path)
			continue;
		rel = strip_path(f->new_path, strip < 0 ? p->strip : strip);
		if (!rel || !bpo_path_relative_ok(rel))
			continue; /* the engine refuses it with a proper message */
		char *abs = bpo_path_join(tree, rel);
		if (lstat(abs, &st) != 0 && errno == ENOENT)
			f->op = BPO_PATCH_CREATE;
		free(abs);
	}
}

/*
 * dpkg-source runs GNU patch with -E for quilt patches: a file left empty by
 * a patch is removed (a git patch creating an empty file leaves nothing),
 * and so are the directories that removing it (or a deletion) left empty,
 * up to the tree.
 */
static int remove_empty(const char *tree, const char *rel, struct bpo_error *err)
{
	struct stat st;
	char *abs;
	int ret = 0;
	if (!rel || !bpo_path_relative_ok(rel))
		return 0;
	abs = bpo_path_join(tree, rel);
	if (lstat(abs, &st) == 0) {
		if (!S_ISREG(st.st_mode) || st.st_size != 0)
			goto out;
		if (unlink(abs) != 0) {
			ret = bpo_error_set(err, BPO_E_IO, "%s: cannot remove: %s", abs,
					    strerror(errno));
			goto out;
		}
	} else if (errno != ENOENT) {
		goto out;
	}
	for (char *slash = strrchr(abs, '/'); slash && (size_t)(slash - abs) > strlen(tree);
	     slash = strrchr(abs, '/')) {
		*slash = '\0';
		if (rmdir(abs) != 0)
			break; /* not empty (or not ours): stop */
	}
out:
	free(abs);
	return ret;
}

/* Apply one parsed patch at fuzz 0, all or nothing; with backup_dir, first
 * save each file it touches there (an empty file for one it creates). */
static int apply_one(const char *tree, struct bpo_patch *p, int strip, const char *backup_dir,
		     struct bpo_error *err)
{
	struct bpo_patch_opts po;
	struct bpo_patch_report rep;
	struct bpo_patch *const pp[1] = { p };
	int ret = -1;

	memset(&po, 0, sizeof(po));
	po.fuzz = 0;
	po.strip = -1;
	bpo_patch_report_init(&rep);
	mark_creations(tree, p, strip);
	if (backup_dir) {
		po.dry_run = true;
		if (bpo_patch_apply_series(tree, pp, &strip, 1, &po, &rep, err) < 0)
			goto out; /* the engine's message names the patch, file and hunk */
		if (check_report(&rep, p->name, err) < 0)
			goto out;
		for (size_t j = 0; rep.n && j < rep.patches[0].n_files; j++) {
			const char *rel = rep.patches[0].files[j].path;
			struct stat st;
			if (!rel || !bpo_path_relative_ok(rel)) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s: bad path in the report",
					      p->name);
				goto out;
			}
			char *src = bpo_path_join(tree, rel);
			char *dst = bpo_path_join(backup_dir, rel);
			char *slash = strrchr(dst, '/');
			int rc = 0;
			*slash = '\0';
			rc = bpo_mkdir_p(dst, 0755, err);
			*slash = '/';
			if (rc == 0 && !bpo_path_exists(dst)) {
				if (lstat(src, &st) == 0 && S_ISREG(st.st_mode))
					rc = bpo_file_copy(src, dst, st.st_mode & 0777, err);
				else
					rc = bpo_file_write_atomic(dst, "", 0, 0644, err);
			}
			free(src);
			free(dst);
			if (rc < 0)
				goto out;
		}
		bpo_patch_report_destroy(&rep);
		bpo_patch_report_init(&rep);
		po.dry_run = false;
	}
	if (bpo_patch_apply_series(tree, pp, &strip, 1, &po, &rep, err) < 0)
		goto out;
	if (check_report(&rep, p->name, err) < 0)
		goto out;
	if (backup_dir) {
		for (size_t j = 0; rep.n && j < rep.patches[0].n_files; j++)
			if (remove_empty(tree, rep.patches[0].files[j].path, err) < 0)
				goto out;
	}
	ret = 0;
out:
	bpo_patch_report_destroy(&rep);
	return ret;
}

static int write_small(const char *dir, const char *name, const char *text, struct bpo_error *err)
{
	char *p = bpo_path_join(dir, name);
	int rc = bpo_file_write_atomic(p, text, strlen(text), 0644, err);
	free(p);
	return rc;
}

/* The vendor series file dpkg-source prefers to debian/patches/series (its
 * vendor is the system's; bpo builds for Debian). */
#define VENDOR_SERIES "debian.series"

/* 3.0 (quilt): debian/patches/series (or debian.series) at fuzz 0, and .pc/
 * as dpkg-source writes it. */
static int apply_quilt(const char *tree, struct bpo_error *err)
{
	struct bpo_buf text, applied;
	struct bpo_patch_series series = { 0 };
	struct stat st;
	char *pc = bpo_path_join(tree, ".pc");
	char *series_path = bpo_path_join(tree, "debian/patches/series");
	char *vendor_path = bpo_path_join(tree, "debian/patches/" VENDOR_SERIES);
	const char *series_name = "debian/patches/series";
	char *quilt_series = NULL;
	int ret = -1;

	bpo_buf_init(&text, MAX_SERIES_FILE);
	bpo_buf_init(&applied, MAX_SERIES_FILE);
	if (mkdir(pc, 0777) != 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", pc, strerror(errno));
		goto out;
	}
	if (lstat(vendor_path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			bpo_error_set(err, BPO_E_SYNTAX, "debian/patches/" VENDOR_SERIES
				      ": not a regular file");
			goto out;
		}
		/* dpkg-source: debian/patches/series becomes a symlink to it
		 * (a regular file of that name is left alone) so quilt finds it. */
		if (lstat(series_path, &st) == 0 && S_ISLNK(st.st_mode) && unlink(series_path) != 0) {
			bpo_error_set(err, BPO_E_IO, "%s: %s", series_path, strerror(errno));
			goto out;
		}
		if (lstat(series_path, &st) != 0 && symlink(VENDOR_SERIES, series_path) != 0) {
			bpo_error_set(err, BPO_E_IO, "%s: cannot make a symlink: %s", series_path,
				      strerror(errno));
			goto out;
		}
		free(series_path);
		series_path = vendor_path;
		vendor_path = NULL;
		series_name = "debian/patches/" VENDOR_SERIES;
	}
	quilt_series = bpo_xasprintf("%s\n", strrchr(series_name, '/') + 1);
	if (write_small(pc, ".version", "2\n", err) < 0 ||
	    write_small(pc, ".quilt_patches", "debian/patches\n", err) < 0 ||
	    write_small(pc, ".quilt_series", quilt_series, err) < 0)
		goto out;
	if (lstat(series_path, &st) != 0) {
		if (errno != ENOENT) {
			bpo_error_set(err, BPO_E_IO, "%s: %s", series_path, strerror(errno));
			goto out;
		}
	} else {
		if (!S_ISREG(st.st_mode)) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: not a regular file", series_name);
			goto out;
		}
		if (bpo_file_read(series_path, MAX_SERIES_FILE, &text, err) < 0)
			goto out;
		if (bpo_patch_series_parse(text.data, text.len, series_name, &series, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < series.n; i++) {
		const struct bpo_patch_series_entry *e = &series.v[i];
		char *rel = bpo_xasprintf("debian/patches/%s", e->name);
		char *ppath = bpo_path_join(tree, rel);
		char *backup = bpo_path_join(pc, e->name);
		struct bpo_patch p;
		int rc = -1;
		memset(&p, 0, sizeof(p));
		bpo_info("applying %s", e->name);
		if (!bpo_path_relative_ok(e->name))
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: bad name '%s'", series_name,
				      e->line, e->name);
		else if (lstat(ppath, &st) != 0)
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: %s: %s", series_name, e->line,
				      rel, strerror(errno));
		else if (!S_ISREG(st.st_mode))
			bpo_error_set(err, BPO_E_SYNTAX, "%s: not a regular file", rel);
		else if (st.st_size == 0) {
			/* GNU patch accepts empty input (only empty: a lone newline is
			 * "garbage"), so dpkg-source lists the patch as applied, with no
			 * .pc/<patch>/. */
			bpo_warn("diff '%s' doesn't contain any patch", rel);
			rc = 0;
		} else {
			if (bpo_patch_load(ppath, &p, err) == 0)
				rc = apply_one(tree, &p, e->strip, backup, err);
			bpo_patch_destroy(&p); /* also after a failed load: it may hold parts */
		}
		free(rel);
		free(ppath);
		free(backup);
		if (rc < 0)
			goto out;
		if (bpo_buf_printf(&applied, err, "%s\n", e->name) < 0)
			goto out;
	}
	if (write_small(pc, "applied-patches", applied.data ? applied.data : "", err) < 0)
		goto out;
	ret = 0;
out:
	bpo_patch_series_destroy(&series);
	bpo_buf_destroy(&text);
	bpo_buf_destroy(&applied);
	free(pc);
	free(series_path);
	free(vendor_path);
	free(quilt_series);
	return ret;
}

/* 1.0: the .diff.gz, -p1, fuzz 0. */
static int apply_diff(const char *tree, const char *diff_path, const char *name,
		      struct bpo_error *err)
{
	struct bpo_buf b;
	struct bpo_patch p;
	int ret = -1;
	memset(&p, 0, sizeof(p));
	bpo_buf_init(&b, BPO_MAX_PATCH);
	bpo_info("applying %s", name);
	if (bpo_archive_read_compressed(diff_path, BPO_MAX_PATCH, &b, err) < 0)
		goto out;
	if (bpo_patch_parse(b.data ? b.data : "", b.len, name, &p, err) < 0)
		goto out;
	ret = apply_one(tree, &p, 1, NULL, err);
out:
	bpo_patch_destroy(&p); /* also after a failed parse: it may hold parts */
	bpo_buf_destroy(&b);
	return ret;
}

/* dpkg-source: "Make sure debian/rules is executable". */
static int rules_executable(const char *tree, struct bpo_error *err)
{
	struct stat st;
	char *p = bpo_path_join(tree, "debian/rules");
	int ret = 0;
	if (lstat(p, &st) != 0)
		bpo_warn("%s does not exist", "debian/rules");
	else if (!S_ISREG(st.st_mode))
		bpo_warn("%s is not a plain file", "debian/rules");
	else if (chmod(p, (st.st_mode & 07777) | 0111) != 0)
		ret = bpo_error_set(err, BPO_E_IO, "%s: chmod: %s", p, strerror(errno));
	free(p);
	return ret;
}

/* Unpack a parsed .dsc whose files are in dir (see srcpkg.h). */
int bpo_srcpkg_unpack_dsc(const struct bpo_dsc *dsc, const char *dir, const char *dest_tree,
			  const struct bpo_srcpkg_opts *opts_in, struct bpo_error *err)
{
	struct bpo_srcpkg_opts opts;
	struct layout l;
	struct stat st;
	char *parent = NULL, *work = NULL, *tree = NULL, *debx = NULL, *p = NULL, *q = NULL;
	int ret = -1;

	if (opts_in)
		opts = *opts_in;
	else
		bpo_srcpkg_opts_init(&opts);
	if (!dsc->source || !dsc->version || !dsc->format)
		return bpo_error_set(err, BPO_E_SYNTAX, "the .dsc lacks Source, Version or Format");
	if (!bpo_path_component_ok(dsc->source))
		return bpo_error_set(err, BPO_E_SYNTAX, "bad Source '%s'", dsc->source);
	if (classify(dsc, &l, err) < 0)
		return -1;
	if (bpo_srcpkg_verify_files(dsc, dir, err) < 0)
		return -1;
	if (lstat(dest_tree, &st) == 0)
		return bpo_error_set(err, BPO_E_IO, "%s: the unpack target already exists",
				     dest_tree);
	parent = bpo_path_dirname(dest_tree);
	if (!(work = bpo_mkdtemp(parent, ".bpo-unpack", err)))
		goto out;
	tree = bpo_path_join(work, "tree");

	if (tar_opts_extract(dir, l.main_tar, tree, &opts,
			     strcmp(dsc->format, "3.0 (quilt)") == 0, false, err) < 0)
		goto out;
	if (strcmp(dsc->format, "3.0 (quilt)") == 0) {
		/* Component tarballs in name order, as dpkg-source (sort keys). */
		for (size_t i = 0; i < l.n_comp; i++)
			for (size_t j = i + 1; j < l.n_comp; j++)
				if (strcmp(l.comp_tar[j], l.comp_tar[i]) < 0) {
					const char *t = l.comp_tar[i], *n = l.comp_name[i];
					l.comp_tar[i] = l.comp_tar[j];
					l.comp_name[i] = l.comp_name[j];
					l.comp_tar[j] = t;
					l.comp_name[j] = n;
				}
		for (size_t i = 0; i < l.n_comp; i++) {
			char *name = bpo_xstrndup(l.comp_name[i],
						  (size_t)(strstr(l.comp_name[i], ".tar.") -
							   l.comp_name[i]));
			free(p);
			p = bpo_path_join(tree, name);
			free(name);
			rmdir(p); /* an empty directory goes silently, as dpkg-source */
			if (lstat(p, &st) == 0) {
				bpo_warn("required removal of '%s' installed by original tarball",
					 p + strlen(tree) + 1);
				if (bpo_rm_rf(p, err) < 0)
					goto out;
			}
			if (tar_opts_extract(dir, l.comp_tar[i], p, &opts, false, false, err) < 0)
				goto out;
		}
		free(p);
		p = bpo_path_join(tree, "debian");
		if (lstat(p, &st) == 0 && bpo_rm_rf(p, err) < 0)
			goto out;
		debx = bpo_path_join(work, "debian-tarball");
		if (tar_opts_extract(dir, l.debian_tar, debx, &opts, false, true, err) < 0)
			goto out;
		q = bpo_path_join(debx, "debian");
		if (lstat(q, &st) != 0 || !S_ISDIR(st.st_mode)) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: no debian/ directory in it",
				      l.debian_tar);
			goto out;
		}
		if (rename(q, p) != 0) {
			bpo_error_set(err, BPO_E_IO, "cannot rename %s to %s: %s", q, p,
				      strerror(errno));
			goto out;
		}
		if (!opts.skip_patches && apply_quilt(tree, err) < 0)
			goto out;
	} else if (l.diff && !opts.skip_patches) {
		free(p);
		p = bpo_path_join(dir, l.diff);
		if (apply_diff(tree, p, l.diff, err) < 0)
			goto out;
	}
	if (rules_executable(tree, err) < 0)
		goto out;
	if (rename(tree, dest_tree) != 0) {
		bpo_error_set(err, BPO_E_IO, "cannot rename %s to %s: %s", tree, dest_tree,
			      strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (work && bpo_rm_rf(work, NULL) < 0)
		bpo_warn("%s: could not remove the temporary directory", work);
	free(parent);
	free(work);
	free(tree);
	free(debx);
	free(p);
	free(q);
	return ret;
}

/* Load a .dsc file and unpack it (signature not checked: see srcpkg.h). */
int bpo_srcpkg_unpack(const char *dsc_path, const char *dest_tree,
		      const struct bpo_srcpkg_opts *opts, struct bpo_error *err)
{
	struct bpo_dsc dsc;
	char *dir = bpo_path_dirname(dsc_path);
	int rc;
	bpo_dsc_init(&dsc);
	rc = bpo_dsc_load(&dsc, dsc_path, err);
	if (rc == 0)
		rc = bpo_srcpkg_unpack_dsc(&dsc, dir, dest_tree, opts, err);
	bpo_dsc_destroy(&dsc);
	free(dir);
	return rc;
}
