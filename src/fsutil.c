/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "fsutil.h"
#include "xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <unistd.h>

int bpo_file_read(const char *path, size_t max, struct bpo_buf *out, struct bpo_error *err)
{
	char chunk[65536];
	struct stat st;
	int fd, rc = -1;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO,
				     "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		bpo_error_set(err, BPO_E_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: file of %lld bytes is larger than the limit of %zu",
			      path, (long long)st.st_size, max);
		goto out;
	}
	/* one allocation for the size fstat gives; a file that grows meanwhile
	   still ends up whole, up to max */
	if (bpo_buf_reserve(out, (size_t)st.st_size, err) < 0)
		goto out;
	for (;;) {
		/* straight into the buffer while it has room, else by a chunk */
		bool direct = out->cap - out->len > sizeof(chunk) / 4;
		n = direct ? read(fd, out->data + out->len, out->cap - out->len - 1)
			   : read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			bpo_error_set(err, BPO_E_IO, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: file larger than the limit of %zu bytes",
				      path, max);
			goto out;
		}
		if (!direct) {
			if (bpo_buf_append(out, chunk, (size_t)n, err) < 0)
				goto out;
		} else {
			out->len += (size_t)n;
			out->data[out->len] = '\0';
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int bpo_fsync_parent(const char *path, struct bpo_error *err)
{
	char *copy = bpo_xstrdup(path);
	int fd, rc = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) < 0 && errno != EINVAL)
			rc = bpo_error_set(err, BPO_E_IO, "%s: fsync of directory: %s", path,
					   strerror(errno));
		close(fd);
	}
	free(copy);
	return rc;
}

int bpo_write_all(int fd, const void *data, size_t len, const char *what,
		  struct bpo_error *err)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			return bpo_error_set(err, BPO_E_IO, "%s: write error: %s", what, strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bpo_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			  struct bpo_error *err)
{
	char *tmp = bpo_xasprintf("%s.tmp-XXXXXX", path);
	const char *p = data;
	int fd, rc = -1;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot create temporary file: %s", path,
			      strerror(errno));
		free(tmp);
		return -1;
	}
	if (bpo_write_all(fd, p, len, tmp, err) < 0)
		goto out;
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		bpo_error_set(err, BPO_E_IO, "%s: close: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot rename into place: %s", path,
			      strerror(errno));
		goto out;
	}
	rc = bpo_fsync_parent(path, err);
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int bpo_mkdir_p(const char *path, mode_t mode, struct bpo_error *err)
{
	char *copy;
	int rc = 0;

	if (bpo_is_dir(path)) /* the common case: one stat, no mkdir per component */
		return 0;
	copy = bpo_xstrdup(path);

	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char save = *p;
			*p = '\0';
			if (mkdir(copy, mode) < 0 && errno != EEXIST) {
				rc = bpo_error_set(err, BPO_E_IO, "%s: cannot create directory: %s",
						   copy, strerror(errno));
				break;
			}
			*p = save;
			if (save == '\0')
				break;
		}
	}
	if (rc == 0 && !bpo_is_dir(path))
		rc = bpo_error_set(err, BPO_E_IO, "%s: exists and is not a directory", path);
	free(copy);
	return rc;
}

static int rm_one(const char *fpath, const struct stat *sb, int typeflag, struct FTW *ftwbuf)
{
	(void)sb;
	(void)ftwbuf;
	if (typeflag == FTW_DP)
		return rmdir(fpath) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(fpath) < 0 && errno != ENOENT ? -1 : 0;
}

int bpo_rm_rf(const char *path, struct bpo_error *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0
				       : bpo_error_set(err, BPO_E_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? bpo_error_set(err, BPO_E_IO, "%s: cannot remove: %s", path,
							strerror(errno))
					: 0;
	if (nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

int bpo_file_copy(const char *src, const char *dst, mode_t mode, struct bpo_error *err)
{
	struct bpo_buf b;
	int rc;
	bpo_buf_init(&b, (size_t)1 << 40);
	rc = bpo_file_read(src, (size_t)1 << 40, &b, err);
	if (rc == 0)
		rc = bpo_file_write_atomic(dst, b.data ? b.data : "", b.len, mode, err);
	bpo_buf_destroy(&b);
	return rc;
}

bool bpo_path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool bpo_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *bpo_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		return bpo_xasprintf("/%s", b);
	return bpo_xasprintf("%.*s/%s", (int)la, a, b);
}

/* The directory part of path, as dirname(1) prints it (see fsutil.h). */
char *bpo_path_dirname(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0)
		return bpo_xstrdup(".");
	while (len > 1 && path[len - 1] == '/')
		len--;
	return bpo_xstrndup(path, len);
}

bool bpo_path_component_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

bool bpo_path_relative_ok(const char *path)
{
	const char *p = path;
	if (path[0] == '\0' || path[0] == '/')
		return false;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	return true;
}

char *bpo_mkdtemp(const char *base, const char *prefix, struct bpo_error *err)
{
	const char *dir = base ? base : getenv("TMPDIR");
	char *tmpl;
	if (!dir || !*dir)
		dir = "/tmp";
	tmpl = bpo_xasprintf("%s/%s.XXXXXX", dir, prefix);
	if (!mkdtemp(tmpl)) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot create temporary directory: %s", tmpl,
			      strerror(errno));
		free(tmpl);
		return NULL;
	}
	return tmpl;
}
