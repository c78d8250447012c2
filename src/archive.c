/* SPDX-License-Identifier: GPL-2.0-or-later */
/* archive: secure tarball extraction and member reading (see archive.h). */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "fsutil.h"
#include "log.h"
#include "xmem.h"

#define BLOCK_SIZE (64u * 1024u)
#define NAME_MAX_LEN 4095u

void bpo_archive_opts_init(struct bpo_archive_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->limits.max_total = BPO_ARCHIVE_MAX_TOTAL_DEFAULT;
	opts->limits.max_members = BPO_ARCHIVE_MAX_MEMBERS_DEFAULT;
	opts->limits.max_ratio = BPO_ARCHIVE_MAX_RATIO_DEFAULT;
}

bool bpo_archive_ratio_exceeded(uint64_t unpacked, uint64_t csize, uint64_t max_ratio)
{
	if (!max_ratio)
		max_ratio = BPO_ARCHIVE_MAX_RATIO_DEFAULT;
	if (unpacked <= BPO_ARCHIVE_RATIO_FLOOR)
		return false;
	if (!csize)
		return true;
	return unpacked / csize > max_ratio;
}

static int ratio_error(struct bpo_error *err, const char *path, const char *name,
		       uint64_t csize, uint64_t max_ratio)
{
	return bpo_error_set(err, BPO_E_SYNTAX,
			     "%s: member '%s': unpacks to more than %llu times its compressed "
			     "size of %llu bytes (a decompression bomb? the limit is "
			     "limits.ratio of the recipe or bpo.conf)", path, name,
			     (unsigned long long)max_ratio, (unsigned long long)csize);
}

/* Skip a leading "./" (any number of them, and extra slashes after them). */
static const char *skip_dot_slash(const char *name)
{
	while (name[0] == '.' && name[1] == '/') {
		name += 2;
		while (*name == '/')
			name++;
	}
	return name;
}

/* A checked name without "./" components, repeated or trailing slashes.
 * "" for the archive's root entry ("./", "."). */
static char *normalize_name(const char *name)
{
	size_t len = strlen(name);
	char *out = bpo_xmalloc(len + 1);
	size_t o = 0;
	const char *p = name;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	out[o] = '\0';
	return out;
}

/* Bump-free component iteration: next component of *p (skipping slashes),
 * its length in *n; false at the end. */
static bool next_component(const char **p, const char **comp, size_t *n)
{
	const char *s = *p;
	while (*s == '/')
		s++;
	if (!*s)
		return false;
	const char *e = strchr(s, '/');
	*comp = s;
	*n = e ? (size_t)(e - s) : strlen(s);
	*p = s + *n;
	return true;
}

/* Member names: relative, no "..", bounded. */
const char *bpo_archive_check_name(const char *name)
{
	const char *p, *c;
	size_t n;
	if (!name || !*name)
		return "empty member name";
	if (strlen(name) > NAME_MAX_LEN)
		return "member name too long";
	if (name[0] == '/')
		return "absolute path";
	p = name;
	while (next_component(&p, &c, &n)) {
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return "'..' component in the name";
	}
	return NULL;
}

/* Symlink targets must stay in the (final) tree; see archive.h. */
const char *bpo_archive_check_symlink(const char *name, const char *target, unsigned strip)
{
	const char *p, *c;
	size_t n;
	long depth = -1, ups = 0;
	bool seen_normal = false;
	const char *why = bpo_archive_check_name(name);
	if (why)
		return why;
	if (!target || !*target)
		return "symlink with an empty target";
	if (strlen(target) > NAME_MAX_LEN)
		return "symlink target too long";
	if (target[0] == '/')
		return "symlink to an absolute path";
	/* Depth of the directory that holds the link, in the final tree. */
	p = name;
	while (next_component(&p, &c, &n))
		if (!(n == 1 && c[0] == '.'))
			depth++;
	depth -= (long)strip;
	if (depth < 0)
		depth = 0;
	p = target;
	while (next_component(&p, &c, &n)) {
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (seen_normal)
				return "symlink target has '..' after a directory name";
			if (++ups > depth)
				return "symlink points outside the tree";
			continue;
		}
		seen_normal = true;
	}
	return NULL;
}

/* Hard link targets name another member of the same tarball. */
const char *bpo_archive_check_hardlink(const char *target)
{
	const char *why = bpo_archive_check_name(target);
	if (why)
		return why;
	return NULL;
}

/* ".pc" at the top or one level down (dpkg-source's anchored excludes). */
static bool is_pc(const char *norm)
{
	const char *s = norm;
	for (int level = 0; level < 2; level++) {
		if (strncmp(s, ".pc", 3) == 0 && (s[3] == '\0' || s[3] == '/'))
			return true;
		s = strchr(s, '/');
		if (!s)
			return false;
		s++;
	}
	return false;
}

static mode_t current_umask(void)
{
	mode_t u = umask(0);
	umask(u);
	return u;
}

/* dpkg-source: tar applies the umask, then fixperms runs chmod -R with
 * [ugo][+-]r,[+-]w,[+-]X built from the umask. */
static mode_t fixperm(mode_t perm, bool is_dir, mode_t um)
{
	mode_t allowed = 0777 & ~um;
	mode_t m = perm & 0777 & ~um;
	mode_t out = allowed & 0666;
	if (is_dir || (m & 0111))
		out |= allowed & 0111;
	return out;
}

/*
 * Every proper prefix of norm (relative to the cwd) must be a real directory
 * or absent; the entry itself must be absent unless both are directories.
 */
static const char *check_on_disk(const char *norm, bool is_dir, bool *exists_dir)
{
	struct stat st;
	size_t len = strlen(norm);
	char *tmp = bpo_xstrdup(norm);
	const char *why = NULL;
	*exists_dir = false;
	for (size_t i = 0; i <= len; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char save = tmp[i];
		tmp[i] = '\0';
		if (lstat(tmp, &st) != 0) {
			tmp[i] = save;
			break; /* absent: libarchive creates the rest */
		}
		if (save == '/') {
			if (S_ISLNK(st.st_mode)) {
				why = "a parent directory is a symlink";
				break;
			}
			if (!S_ISDIR(st.st_mode)) {
				why = "a parent is not a directory";
				break;
			}
		} else {
			if (S_ISDIR(st.st_mode) && is_dir)
				*exists_dir = true;
			else
				why = "duplicate member (it would overwrite an earlier one)";
		}
		tmp[i] = save;
	}
	free(tmp);
	return why;
}

/* A hard link target: an extracted regular file reached through no symlink. */
static const char *check_link_target(const char *norm_target)
{
	struct stat st;
	bool dummy;
	if (!*norm_target)
		return "hard link to the archive root";
	const char *why = check_on_disk(norm_target, false, &dummy);
	if (why && strncmp(why, "duplicate", 9) != 0)
		return "hard link target is reached through a symlink or a non-directory";
	if (lstat(norm_target, &st) != 0)
		return "hard link target is not a member extracted before it";
	if (!S_ISREG(st.st_mode))
		return "hard link target is not a regular file";
	return NULL;
}

static int open_regular(const char *path, struct bpo_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bpo_error_set(err, BPO_E_IO, "%s: not a regular file", path);
	}
	return fd;
}

/*
 * The compressions dpkg knows (gzip, bzip2, lzma, xz, zstd), each read by a
 * library libarchive links. Not archive_read_support_filter_all: it also bids
 * lzop, lrzip, grzip and others, which libarchive runs as external programs
 * (fork + exec of /usr/bin/lzop...) when it lacks their library, on input an
 * attacker chose.
 */
static void support_dpkg_filters(struct archive *a)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
}

static struct archive *open_reader(int fd, bool tar_only)
{
	struct archive *a = archive_read_new();
	if (!a)
		abort();
	support_dpkg_filters(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (!tar_only)
		archive_read_support_format_ar(a);
	if (archive_read_open_fd(a, fd, BLOCK_SIZE) != ARCHIVE_OK)
		return a; /* the caller sees the error on the first header */
	return a;
}

/* Error for one member. */
static int member_error(struct bpo_error *err, const char *path, const char *name, const char *why)
{
	return bpo_error_set(err, BPO_E_SYNTAX, "%s: member '%s': %s", path, name, why);
}

struct links {
	struct bpo_strv names, targets;
};

static int copy_data(struct archive *a, struct archive *w, const char *path, const char *name,
		     uint64_t *total, const struct bpo_archive_limits *lim, uint64_t csize,
		     struct bpo_error *err)
{
	uint64_t max_total = lim->max_total;
	const void *block;
	size_t size;
	la_int64_t offset;
	for (;;) {
		int r = archive_read_data_block(a, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: member '%s': cannot read: %s",
					     path, name, archive_error_string(a));
		if (size > max_total || *total > max_total - size)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: member '%s': the archive exceeds the size limit "
					     "of %llu bytes", path, name,
					     (unsigned long long)max_total);
		*total += size;
		if (bpo_archive_ratio_exceeded(*total, csize, lim->max_ratio))
			return ratio_error(err, path, name, csize, lim->max_ratio);
		if (archive_write_data_block(w, block, size, offset) < ARCHIVE_WARN)
			return bpo_error_set(err, BPO_E_IO, "%s: member '%s': cannot write: %s",
					     path, name, archive_error_string(w));
	}
}

/* The loop over members, run with the cwd in the temporary directory. */
static int extract_members(struct archive *a, struct archive *w, const char *path,
			   const struct bpo_archive_opts *opts, uint64_t csize, struct links *links,
			   struct bpo_error *err)
{
	struct archive_entry *e;
	uint64_t count = 0, declared = 0, copied = 0;
	mode_t um = current_umask();
	char *norm = NULL, *norm_link = NULL;
	int ret = -1;

	for (;;) {
		int r = archive_read_next_header(a, &e);
		const char *name, *why = NULL, *hl;
		bool exists_dir = false;
		mode_t type;

		free(norm);
		free(norm_link);
		norm = norm_link = NULL;
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: not a readable tar archive: %s", path,
				      archive_error_string(a));
			goto out;
		}
		if (++count > opts->limits.max_members) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: more than %llu members (limit against archive bombs)",
				      path, (unsigned long long)opts->limits.max_members);
			goto out;
		}
		name = archive_entry_pathname(e);
		if (!name)
			name = archive_entry_pathname_utf8(e); /* not convertible to the locale */
		if (!name) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: member %llu: unreadable name", path,
				      (unsigned long long)count);
			goto out;
		}
		if ((why = bpo_archive_check_name(name))) {
			member_error(err, path, name, why);
			goto out;
		}
		norm = normalize_name(skip_dot_slash(name));
		type = archive_entry_filetype(e);
		hl = archive_entry_hardlink(e);
		if (!*norm) {
			if (type != AE_IFDIR || hl) {
				member_error(err, path, name, "the archive root is not a directory");
				goto out;
			}
			archive_read_data_skip(a);
			continue; /* "./": the root itself */
		}
		if (opts->exclude_pc && is_pc(norm)) {
			archive_read_data_skip(a);
			continue;
		}
		if (opts->only_debian && strcmp(norm, "debian") != 0 &&
		    !bpo_str_has_prefix(norm, "debian/")) {
			member_error(err, path, name, "outside debian/ in a debian tarball");
			goto out;
		}
		if (hl) {
			if ((why = bpo_archive_check_hardlink(hl))) {
				member_error(err, path, name, why);
				goto out;
			}
			norm_link = normalize_name(skip_dot_slash(hl));
			if ((why = check_link_target(norm_link))) {
				member_error(err, path, name, why);
				goto out;
			}
		} else {
			switch (type) {
			case AE_IFREG:
			case AE_IFDIR:
				break;
			case AE_IFLNK: {
				const char *target = archive_entry_symlink(e);
				why = bpo_archive_check_symlink(norm, target, 0);
				if (!why) {
					bpo_strv_push(&links->names, norm);
					bpo_strv_push(&links->targets, target);
				}
				break;
			}
			case AE_IFCHR:
				why = "character device (not allowed in a source package)";
				break;
			case AE_IFBLK:
				why = "block device (not allowed in a source package)";
				break;
			case AE_IFIFO:
				why = "FIFO (not allowed in a source package)";
				break;
			case AE_IFSOCK:
				why = "socket (not allowed in a source package)";
				break;
			default:
				why = "unknown member type";
				break;
			}
			if (why) {
				member_error(err, path, name, why);
				goto out;
			}
		}
		if ((why = check_on_disk(norm, type == AE_IFDIR && !hl, &exists_dir))) {
			member_error(err, path, name, why);
			goto out;
		}
		if (archive_entry_size_is_set(e)) {
			la_int64_t sz = archive_entry_size(e);
			if (sz < 0 || (uint64_t)sz > opts->limits.max_total ||
			    declared > opts->limits.max_total - (uint64_t)sz) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s: member '%s': the archive exceeds the size limit "
					      "of %llu bytes", path, name,
					      (unsigned long long)opts->limits.max_total);
				goto out;
			}
			declared += (uint64_t)sz;
			if (bpo_archive_ratio_exceeded(declared, csize, opts->limits.max_ratio)) {
				ratio_error(err, path, name, csize, opts->limits.max_ratio);
				goto out;
			}
		}
		archive_entry_copy_pathname(e, norm);
		if (norm_link)
			archive_entry_copy_hardlink(e, norm_link);
		if (type != AE_IFLNK)
			archive_entry_set_perm(e, fixperm(archive_entry_perm(e), type == AE_IFDIR, um));
		/* Nothing of the owner, ACLs, xattrs or flags is ever restored
		 * (no such ARCHIVE_EXTRACT_* flag is set); drop them anyway. */
		archive_entry_acl_clear(e);
		archive_entry_xattr_clear(e);
		archive_entry_set_fflags(e, 0, 0);
		r = archive_write_header(w, e);
		if (r == ARCHIVE_WARN) {
			bpo_warn("%s: member '%s': %s", path, name, archive_error_string(w));
		} else if (r != ARCHIVE_OK) {
			member_error(err, path, name, archive_error_string(w));
			if (err)
				err->kind = BPO_E_SYNTAX;
			goto out;
		}
		if (type == AE_IFREG && archive_entry_size(e) > 0) {
			if (copy_data(a, w, path, name, &copied, &opts->limits, csize, err) < 0)
				goto out;
		}
		r = archive_write_finish_entry(w);
		if (r < ARCHIVE_WARN) {
			bpo_error_set(err, BPO_E_IO, "%s: member '%s': %s", path, name,
				      archive_error_string(w));
			goto out;
		}
	}
	if (archive_write_close(w) < ARCHIVE_WARN) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot finish extraction: %s", path,
			      archive_error_string(w));
		goto out;
	}
	ret = 0;
out:
	free(norm);
	free(norm_link);
	return ret;
}

/* The single top-level entry of dir when it is a real directory, else NULL. */
static char *single_top_dir(const char *dir, struct bpo_error *err, bool *failed)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *only = NULL;
	size_t n = 0;
	*failed = false;
	if (!d) {
		*failed = true;
		bpo_error_set(err, BPO_E_IO, "%s: cannot read: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++n > 1)
			break;
		only = bpo_xstrdup(de->d_name);
	}
	closedir(d);
	if (n == 1) {
		struct stat st;
		char *p = bpo_path_join(dir, only);
		bool isdir = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
		free(p);
		if (isdir)
			return only;
	}
	free(only);
	return NULL;
}

/* Extract a tarball securely: see archive.h. */
int bpo_archive_extract(const char *path, const char *dest, const struct bpo_archive_opts *opts_in,
			struct bpo_error *err)
{
	struct bpo_archive_opts opts;
	struct archive *a = NULL, *w = NULL;
	struct links links = { { 0 }, { 0 } };
	struct stat st;
	char *parent = NULL, *tmp = NULL, *top = NULL, *from = NULL;
	int fd = -1, cwd = -1, ret = -1;
	bool moved_cwd = false, failed = false;

	if (opts_in)
		opts = *opts_in;
	else
		bpo_archive_opts_init(&opts);
	if (!opts.limits.max_total)
		opts.limits.max_total = BPO_ARCHIVE_MAX_TOTAL_DEFAULT;
	if (!opts.limits.max_members)
		opts.limits.max_members = BPO_ARCHIVE_MAX_MEMBERS_DEFAULT;
	if (!opts.limits.max_ratio)
		opts.limits.max_ratio = BPO_ARCHIVE_MAX_RATIO_DEFAULT;

	if (lstat(dest, &st) == 0) {
		bpo_error_set(err, BPO_E_IO, "%s: the extraction target already exists", dest);
		goto out;
	}
	if ((fd = open_regular(path, err)) < 0)
		goto out;
	if (fstat(fd, &st) != 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	parent = bpo_path_dirname(dest);
	if (!(tmp = bpo_mkdtemp(parent, ".bpo-extract", err)))
		goto out;
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		bpo_error_set(err, BPO_E_IO, "cannot open the current directory: %s",
			      strerror(errno));
		goto out;
	}
	if (chdir(tmp) != 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot enter: %s", tmp, strerror(errno));
		goto out;
	}
	moved_cwd = true;

	a = open_reader(fd, true);
	w = archive_write_disk_new();
	if (!w)
		abort();
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					      ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					      ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
					      ARCHIVE_EXTRACT_NO_OVERWRITE | ARCHIVE_EXTRACT_TIME);
	if (extract_members(a, w, path, &opts, (uint64_t)st.st_size, &links, err) < 0)
		goto out;
	if (fchdir(cwd) != 0) {
		bpo_error_set(err, BPO_E_IO, "cannot return to the working directory: %s",
			      strerror(errno));
		goto out;
	}
	moved_cwd = false;

	top = opts.only_debian ? NULL : single_top_dir(tmp, err, &failed);
	if (failed)
		goto out;
	if (top) {
		/* dpkg-source strips the single top directory: links must stay
		 * inside what remains. */
		for (size_t i = 0; i < links.names.n; i++) {
			const char *why = bpo_archive_check_symlink(links.names.v[i],
								    links.targets.v[i], 1);
			if (why) {
				member_error(err, path, links.names.v[i], why);
				goto out;
			}
		}
		from = bpo_path_join(tmp, top);
	} else {
		from = bpo_xstrdup(tmp);
		if (chmod(tmp, 0777 & ~current_umask()) != 0) {
			bpo_error_set(err, BPO_E_IO, "%s: chmod: %s", tmp, strerror(errno));
			goto out;
		}
	}
	if (rename(from, dest) != 0) {
		bpo_error_set(err, BPO_E_IO, "cannot rename %s to %s: %s", from, dest,
			      strerror(errno));
		goto out;
	}
	if (top && rmdir(tmp) != 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot remove: %s", tmp, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	ret = 0;
out:
	if (moved_cwd && fchdir(cwd) != 0)
		bpo_warn("cannot return to the working directory: %s", strerror(errno));
	if (cwd >= 0)
		close(cwd);
	if (w)
		archive_write_free(w);
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	if (tmp)
		bpo_rm_rf(tmp, NULL);
	bpo_strv_destroy(&links.names);
	bpo_strv_destroy(&links.targets);
	free(parent);
	free(tmp);
	free(top);
	free(from);
	return ret;
}

/* Read one member's data into out (capped). */
int bpo_archive_read_member(const char *path, const char *member, size_t max,
			    struct bpo_buf *out, struct bpo_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	char *want = normalize_name(skip_dot_slash(member));
	char *norm = NULL;
	int fd, ret = -1;
	uint64_t count = 0;

	if ((fd = open_regular(path, err)) < 0)
		goto out;
	a = open_reader(fd, false);
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			bpo_error_set(err, BPO_E_NOTFOUND, "%s: no member '%s'", path, member);
			goto out;
		}
		if (r < ARCHIVE_WARN) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: not a readable archive: %s", path,
				      archive_error_string(a));
			goto out;
		}
		if (++count > BPO_ARCHIVE_MAX_MEMBERS_DEFAULT) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: too many members", path);
			goto out;
		}
		const char *name = archive_entry_pathname(e);
		free(norm);
		norm = normalize_name(skip_dot_slash(name ? name : ""));
		if (strcmp(norm, want) != 0 || archive_entry_filetype(e) != AE_IFREG)
			continue;
		char block[16384];
		size_t before = out->len;
		for (;;) {
			la_ssize_t n = archive_read_data(a, block, sizeof(block));
			if (n == 0)
				break;
			if (n < 0) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s: member '%s': cannot read: %s",
					      path, member, archive_error_string(a));
				goto out;
			}
			if (out->len - before + (size_t)n > max) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s: member '%s': larger than %zu bytes", path,
					      member, max);
				goto out;
			}
			if (bpo_buf_append(out, block, (size_t)n, err) < 0)
				goto out;
		}
		ret = 0;
		goto out;
	}
out:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	free(want);
	free(norm);
	return ret;
}

/* Member names of an archive (capped). */
int bpo_archive_list(const char *path, uint64_t max_members, struct bpo_strv *names,
		     struct bpo_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	uint64_t count = 0;
	int fd, ret = -1;

	if (!max_members)
		max_members = BPO_ARCHIVE_MAX_MEMBERS_DEFAULT;
	if ((fd = open_regular(path, err)) < 0)
		goto out;
	a = open_reader(fd, false);
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: not a readable archive: %s", path,
				      archive_error_string(a));
			goto out;
		}
		if (++count > max_members) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: more than %llu members", path,
				      (unsigned long long)max_members);
			goto out;
		}
		const char *name = archive_entry_pathname(e);
		bpo_strv_push(names, name ? name : "");
		archive_read_data_skip(a);
	}
	ret = 0;
out:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Decompress one file (any libarchive filter, or none) into out, capped. */
int bpo_archive_read_compressed(const char *path, size_t max, struct bpo_buf *out,
				struct bpo_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	char block[16384];
	size_t got = 0;
	struct stat st;
	int fd, ret = -1, r;

	if ((fd = open_regular(path, err)) < 0)
		goto out;
	if (fstat(fd, &st) != 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	a = archive_read_new();
	if (!a)
		abort();
	support_dpkg_filters(a);
	archive_read_support_format_raw(a);
	/* the raw format does not bid on an empty stream (a zero-byte file, or
	 * an xz or gzip stream of zero bytes, as an empty apt index is) */
	archive_read_support_format_empty(a);
	archive_read_open_fd(a, fd, BLOCK_SIZE);
	r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF) {
		ret = 0; /* empty input */
		goto out;
	}
	if (r < ARCHIVE_WARN) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: cannot decompress: %s", path,
			      archive_error_string(a));
		goto out;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, block, sizeof(block));
		if (n == 0)
			break;
		if (n < 0) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: cannot decompress: %s", path,
				      archive_error_string(a));
			goto out;
		}
		if ((size_t)n > max - got) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: larger than %zu bytes uncompressed",
				      path, max);
			goto out;
		}
		got += (size_t)n;
		if (bpo_archive_ratio_exceeded(got, (uint64_t)st.st_size, 0)) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: decompresses to more than %u times its size of %llu "
				      "bytes (a decompression bomb?)", path,
				      BPO_ARCHIVE_MAX_RATIO_DEFAULT,
				      (unsigned long long)st.st_size);
			goto out;
		}
		if (bpo_buf_append(out, block, (size_t)n, err) < 0)
			goto out;
	}
	ret = 0;
out:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return ret;
}
