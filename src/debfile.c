/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debfile: a .deb's control file through libarchive (ar, then tar + filter). */
#include "config.h"
#include "debfile.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmem.h"

/* Read the current entry's data (at most max bytes) into out. */
static int read_entry(struct archive *a, const char *path, const char *member, size_t max,
		      struct bpo_buf *out, struct bpo_error *err)
{
	char chunk[65536];
	la_ssize_t n;

	for (;;) {
		n = archive_read_data(a, chunk, sizeof(chunk));
		if (n < 0)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s: %s", path, member,
					     archive_error_string(a));
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: member %s is larger than the limit of %zu bytes",
					     path, member, max);
		if (bpo_buf_append(out, chunk, (size_t)n, err) < 0)
			return -1;
	}
}

/* Find ./control in the control tarball held in memory. */
static int control_from_tar(const char *path, const char *member, const struct bpo_buf *tar,
			    struct bpo_buf *control, struct bpo_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc = -1, r;
	bool found = false;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, tar->data, tar->len) != ARCHIVE_OK) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s is not a tar archive: %s", path,
			      member, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		if (strcmp(name, "control") != 0)
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: %s: control is not a regular file",
				      path, member);
			goto out;
		}
		if (read_entry(a, path, "control", BPO_MAX_CONTROL, control, err) < 0)
			goto out;
		found = true;
		break;
	}
	if (!found) {
		if (r != ARCHIVE_EOF && r != ARCHIVE_OK)
			bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s: %s", path, member,
				      archive_error_string(a));
		else
			bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s has no control file",
				      path, member);
		goto out;
	}
	if (memchr(control->data, '\0', control->len)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: control file contains a NUL byte", path);
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/* Walk the ar members of the open archive a (named path in messages). */
static int read_ar(struct archive *a, const char *path, struct bpo_buf *control,
		   struct bpo_error *err)
{
	struct archive_entry *e;
	struct bpo_buf tmp;
	int rc = -1, r;
	unsigned idx = 0;

	bpo_buf_init(&tmp, BPO_MAX_DEB_CONTROL_TAR);
	for (;;) {
		const char *name;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: %s", path,
				      idx == 0 ? "empty ar archive, not a Debian binary package"
					       : "no control.tar member");
			goto out;
		}
		if (r != ARCHIVE_OK) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: not a Debian binary package (ar archive): %s", path,
				      archive_error_string(a));
			goto out;
		}
		name = archive_entry_pathname(e);
		if (!name)
			name = "";
		if (idx == 0) {
			if (strcmp(name, "debian-binary") != 0) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s: first member is '%.64s', expected 'debian-binary'",
					      path, name);
				goto out;
			}
			if (read_entry(a, path, name, 64, &tmp, err) < 0)
				goto out;
			if (tmp.len < 4 || memcmp(tmp.data, "2.", 2) != 0 ||
			    tmp.data[tmp.len - 1] != '\n') {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s: debian-binary says '%.*s', expected format 2.x",
					      path, (int)(tmp.len > 16 ? 16 : tmp.len),
					      tmp.data ? tmp.data : "");
				goto out;
			}
			bpo_buf_reset(&tmp);
			idx++;
			continue;
		}
		idx++;
		if (name[0] == '_')
			continue;
		if (strcmp(name, "control.tar") == 0 || strcmp(name, "control.tar.gz") == 0 ||
		    strcmp(name, "control.tar.xz") == 0 || strcmp(name, "control.tar.zst") == 0) {
			char *member = bpo_xstrdup(name);
			r = read_entry(a, path, member, BPO_MAX_DEB_CONTROL_TAR, &tmp, err);
			if (r == 0)
				r = control_from_tar(path, member, &tmp, control, err);
			free(member);
			if (r < 0)
				goto out;
			rc = 0;
			goto out;
		}
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: unexpected member '%.64s', expected control.tar", path, name);
		goto out;
	}
out:
	bpo_buf_destroy(&tmp);
	return rc;
}

/* Open the .deb at path as an ar archive (*fd and *a set even on failure, for the caller to free). */
static int deb_open(const char *path, int *fd, struct archive **a, struct bpo_error *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO,
				     "%s: cannot open: %s", path, strerror(errno));
	if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode))
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: not a regular file", path);
	*a = archive_read_new();
	archive_read_support_format_ar(*a);
	if (archive_read_open_fd(*a, *fd, 65536) != ARCHIVE_OK)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: not a Debian binary package (ar archive): %s", path,
				     archive_error_string(*a));
	return 0;
}

/*
 * Read the control file of the .deb at path (see debfile.h). Layout checks
 * follow dpkg-deb: "debian-binary" first with a 2.x format, then
 * "control.tar" with an optional .gz/.xz/.zst suffix; members starting with
 * '_' are skipped as dpkg allows.
 */
int bpo_debfile_read_control(const char *path, struct bpo_buf *control, struct bpo_error *err)
{
	struct archive *a = NULL;
	int fd = -1, rc = -1;

	if (deb_open(path, &fd, &a, err) < 0)
		goto out;
	rc = read_ar(a, path, control, err);
out:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ------------------------------------------------------------- data member */

struct inner {
	struct archive *outer;
	char buf[65536];
};

static la_ssize_t inner_read(struct archive *a, void *ud, const void **p)
{
	struct inner *in = ud;
	la_ssize_t n = archive_read_data(in->outer, in->buf, sizeof(in->buf));
	if (n < 0) {
		archive_set_error(a, EIO, "%s", archive_error_string(in->outer));
		return -1;
	}
	*p = in->buf;
	return n;
}

static bool member_is(const char *name, const char *base)
{
	static const char *const ext[] = {"", ".gz", ".xz", ".zst", ".bz2", ".lzma"};
	size_t n = strlen(base);
	if (strncmp(name, base, n) != 0)
		return false;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcmp(name + n, ext[i]) == 0)
			return true;
	return false;
}

/* The paths of the data member's entries, read from the member a is at. */
static int data_paths(struct archive *outer, const char *path, const char *member,
		      struct bpo_strv *out, struct bpo_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct inner *in = bpo_xmalloc(sizeof(*in));
	int rc = -1, r;

	in->outer = outer;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, in, NULL, inner_read, NULL) != ARCHIVE_OK) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s is not a tar archive: %s", path,
			      member, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		while (*name == '/')
			name++;
		if (!*name)
			continue;
		if (out->n >= BPO_MAX_DEB_DATA_ENTRIES) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s has more than %u entries",
				      path, member, BPO_MAX_DEB_DATA_ENTRIES);
			goto out;
		}
		if (strchr(name, '\n')) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s: a path with a newline",
				      path, member);
			goto out;
		}
		bpo_strv_push(out, name);
	}
	if (r != ARCHIVE_EOF) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: member %s: %s", path, member,
			      archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	free(in);
	return rc;
}

/* The paths of the files in the .deb at path (see debfile.h). */
int bpo_debfile_list_data(const char *path, struct bpo_strv *out, struct bpo_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	int fd = -1, rc = -1, r;
	unsigned idx = 0;
	char magic[16];

	if (deb_open(path, &fd, &a, err) < 0)
		goto out;
	for (;; idx++) {
		const char *name;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: no data.tar member", path);
			goto out;
		}
		if (r != ARCHIVE_OK) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: not a Debian binary package (ar archive): %s", path,
				      archive_error_string(a));
			goto out;
		}
		name = archive_entry_pathname(e);
		if (!name)
			name = "";
		if (idx == 0) {
			la_ssize_t n = archive_read_data(a, magic, sizeof(magic));
			if (strcmp(name, "debian-binary") != 0 || n < 4 ||
			    memcmp(magic, "2.", 2) != 0) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s: not a Debian binary package (debian-binary)", path);
				goto out;
			}
			continue;
		}
		if (name[0] == '_' || (idx == 1 && member_is(name, "control.tar")))
			continue;
		if (!member_is(name, "data.tar")) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: unexpected member '%.64s', expected data.tar", path, name);
			goto out;
		}
		char *member = bpo_xstrdup(name);
		rc = data_paths(a, path, member, out, err);
		free(member);
		goto out;
	}
out:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The same for a .deb held in memory (see debfile.h). */
int bpo_debfile_read_control_mem(const void *data, size_t len, const char *name,
				 struct bpo_buf *control, struct bpo_error *err)
{
	struct archive *a = archive_read_new();
	int rc = -1;

	archive_read_support_format_ar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: not a Debian binary package (ar archive): %s",
			      name, archive_error_string(a));
		goto out;
	}
	rc = read_ar(a, name, control, err);
out:
	archive_read_free(a);
	return rc;
}
