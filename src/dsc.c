/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dsc: a source package's file list from a .dsc or a Sources stanza (see dsc.h). */
#include "config.h"
#include "dsc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "xmem.h"

/* bpo_dsc_init: an empty file list (safe to destroy). */
void bpo_dsc_init(struct bpo_dsc *d)
{
	memset(d, 0, sizeof(*d));
	bpo_deb822_para_init(&d->para);
}

/* bpo_dsc_destroy: free everything d owns; d may be zeroed. */
void bpo_dsc_destroy(struct bpo_dsc *d)
{
	if (!d)
		return;
	free(d->source);
	free(d->version);
	free(d->format);
	free(d->binary);
	free(d->architecture);
	free(d->build_depends);
	free(d->build_depends_indep);
	free(d->build_depends_arch);
	free(d->directory);
	for (size_t i = 0; i < d->n_files; i++)
		free(d->files[i].name);
	free(d->files);
	bpo_deb822_para_destroy(&d->para);
	memset(d, 0, sizeof(*d));
}

/* bpo_dsc_find_file: the entry named name, or NULL. */
const struct bpo_dsc_file *bpo_dsc_find_file(const struct bpo_dsc *d, const char *name)
{
	for (size_t i = 0; i < d->n_files; i++)
		if (strcmp(d->files[i].name, name) == 0)
			return &d->files[i];
	return NULL;
}

/* A decimal size: digits only, no overflow. */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Split "hash size name" into three words; false unless exactly three. */
static bool split3(const char *line, size_t len, const char *w[3], size_t wl[3])
{
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return false;
		w[k] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		wl[k] = (size_t)(line + i - w[k]);
	}
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i == len;
}

static bool all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static char *dup_field(const struct bpo_deb822_para *p, const char *name)
{
	const char *v = bpo_deb822_get(p, name);
	return v ? bpo_xstrdup(v) : NULL;
}

static unsigned field_line(const struct bpo_deb822_para *p, const char *name)
{
	const struct bpo_deb822_field *f = bpo_deb822_find(p, name);
	return f ? f->line : p->line;
}

static int parse_lists(struct bpo_dsc *d, const char *name, struct bpo_error *err)
{
	const char *sums = bpo_deb822_get(&d->para, "Checksums-Sha256");
	const char *files = bpo_deb822_get(&d->para, "Files");
	const char *cur, *line, *w[3];
	size_t len, wl[3], cap = 0, n_md5 = 0;

	if (!sums)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no Checksums-Sha256 field", name,
				     d->para.line);
	if (!files)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no Files field", name, d->para.line);
	cur = sums;
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		struct bpo_dsc_file *f;
		if (!split3(line, len, w, wl) || wl[0] != 64 || !all_hex(w[0], 64))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: Checksums-Sha256: expected '<sha256> <size> <name>', got '%.*s'",
					     name, field_line(&d->para, "Checksums-Sha256"),
					     (int)(len > 200 ? 200 : len), line);
		if (d->n_files >= BPO_DSC_MAX_FILES)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: more than %u files listed", name,
					     BPO_DSC_MAX_FILES);
		BPO_GROW(d->files, cap, d->n_files + 1);
		f = &d->files[d->n_files];
		memset(f, 0, sizeof(*f));
		f->name = bpo_xstrndup(w[2], wl[2]);
		d->n_files++;
		if (!parse_size(w[1], wl[1], &f->size))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: Checksums-Sha256: bad size '%.*s' for %s", name,
					     field_line(&d->para, "Checksums-Sha256"), (int)wl[1], w[1],
					     f->name);
		if (!bpo_path_component_ok(f->name) || strlen(f->name) != wl[2])
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: Checksums-Sha256: unsafe file name '%s'", name,
					     field_line(&d->para, "Checksums-Sha256"), f->name);
		for (size_t k = 0; k < 64; k++)
			f->sha256[k] = (char)tolower((unsigned char)w[0][k]);
		f->sha256[64] = '\0';
		for (size_t k = 0; k + 1 < d->n_files; k++)
			if (strcmp(d->files[k].name, f->name) == 0)
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s: Checksums-Sha256 lists %s twice", name,
						     f->name);
	}
	if (d->n_files == 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: Checksums-Sha256 lists no files", name);
	cur = files;
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		const struct bpo_dsc_file *f;
		char *fname;
		uint64_t size;
		if (!split3(line, len, w, wl) || wl[0] != 32 || !all_hex(w[0], 32) ||
		    !parse_size(w[1], wl[1], &size))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: Files: expected '<md5> <size> <name>', got '%.*s'",
					     name, field_line(&d->para, "Files"),
					     (int)(len > 200 ? 200 : len), line);
		fname = bpo_xstrndup(w[2], wl[2]);
		f = bpo_dsc_find_file(d, fname);
		if (!f) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: %s is in Files but not in Checksums-Sha256", name, fname);
			free(fname);
			return -1;
		}
		free(fname);
		if (f->size != size)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: %s has size %llu in Files but %llu in Checksums-Sha256",
					     name, f->name, (unsigned long long)size,
					     (unsigned long long)f->size);
		n_md5++;
	}
	if (n_md5 != d->n_files)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: Files and Checksums-Sha256 do not list the same files", name);
	return 0;
}

/* bpo_dsc_from_para: fill d from a parsed paragraph (copied). */
int bpo_dsc_from_para(struct bpo_dsc *d, const struct bpo_deb822_para *para, const char *name,
		      struct bpo_error *err)
{
	int rc = -1;
	bpo_dsc_init(d);
	for (size_t i = 0; i < para->n; i++)
		bpo_deb822_set(&d->para, para->fields[i].name, para->fields[i].value);
	d->para.line = para->line;
	/* A .dsc says Source:, a Sources stanza says Package:. */
	d->source = dup_field(para, "Source");
	if (!d->source || bpo_deb822_get(para, "Package"))
	{
		free(d->source);
		d->source = dup_field(para, "Package");
	}
	d->version = dup_field(para, "Version");
	d->format = dup_field(para, "Format");
	d->binary = dup_field(para, "Binary");
	d->architecture = dup_field(para, "Architecture");
	d->build_depends = dup_field(para, "Build-Depends");
	d->build_depends_indep = dup_field(para, "Build-Depends-Indep");
	d->build_depends_arch = dup_field(para, "Build-Depends-Arch");
	d->directory = dup_field(para, "Directory");
	if (!d->source || !*d->source) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no Source field", name, para->line);
		goto out;
	}
	if (!bpo_path_component_ok(d->source) || strchr(d->source, ' ')) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: invalid source name '%s'", name,
			      field_line(para, "Source"), d->source);
		goto out;
	}
	if (!d->version || !*d->version || strchr(d->version, '/') || strchr(d->version, ' ')) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: missing or invalid Version field", name,
			      para->line);
		goto out;
	}
	if (!d->format || !*d->format) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no Format field", name, para->line);
		goto out;
	}
	if (d->directory && !bpo_path_relative_ok(d->directory)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: unsafe Directory '%s'", name,
			      field_line(para, "Directory"), d->directory);
		goto out;
	}
	if (parse_lists(d, name, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		bpo_dsc_destroy(d);
	return rc;
}

/* bpo_dsc_parse: a .dsc (maybe clearsigned, not verified here) or one stanza. */
int bpo_dsc_parse(struct bpo_dsc *d, const char *text, size_t len, const char *name,
		  struct bpo_error *err)
{
	struct bpo_buf plain;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para, extra;
	bool is_signed = false;
	int rc = -1, r;

	bpo_dsc_init(d);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	bpo_deb822_para_init(&extra);
	if (len > BPO_MAX_CONTROL) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: larger than %u bytes", name, BPO_MAX_CONTROL);
		goto out;
	}
	if (bpo_deb822_clearsign_strip(text, len, name, &plain, &is_signed, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, plain.data, plain.len, name, 0);
	r = bpo_deb822_next(&p, &para, err);
	if (r < 0)
		goto out;
	if (r == 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no control paragraph", name);
		goto out;
	}
	r = bpo_deb822_next(&p, &extra, err);
	if (r < 0)
		goto out;
	if (r > 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: more than one paragraph", name, extra.line);
		goto out;
	}
	if (bpo_dsc_from_para(d, &para, name, err) < 0)
		goto out;
	d->was_signed = is_signed;
	rc = 0;
out:
	bpo_deb822_para_destroy(&para);
	bpo_deb822_para_destroy(&extra);
	bpo_buf_destroy(&plain);
	return rc;
}

/* bpo_dsc_load: read path (capped, no final symlink) and parse it. */
int bpo_dsc_load(struct bpo_dsc *d, const char *path, struct bpo_error *err)
{
	struct bpo_buf b;
	int rc;
	bpo_dsc_init(d);
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	rc = bpo_file_read(path, BPO_MAX_CONTROL, &b, err);
	if (rc == 0)
		rc = bpo_dsc_parse(d, b.data, b.len, path, err);
	bpo_buf_destroy(&b);
	return rc;
}
