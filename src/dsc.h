/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dsc: the file list of a Debian source package, from a .dsc file or a
 * Sources stanza (same fields: Files, Checksums-Sha256, Directory).
 *
 * Every file name is checked with bpo_path_component_ok (no '/', no "..");
 * Checksums-Sha256 is required and must list exactly the same set of names,
 * with the same sizes, as Files (md5). An OpenPGP clearsigned .dsc is accepted
 * and was_signed is set, but this module does NOT verify the signature: that
 * is the gpg module's job (see index.h, which does both).
 *
 * Ownership: struct bpo_dsc owns every string; free with bpo_dsc_destroy().
 */
#ifndef BPO_DSC_H
#define BPO_DSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deb822.h"
#include "err.h"

/* Upper bound on the number of files a source package may list. */
#define BPO_DSC_MAX_FILES 1024

struct bpo_dsc_file {
	char *name;       /* a single path component */
	uint64_t size;
	char sha256[65];  /* lower-case hex */
};

struct bpo_dsc {
	char *source;
	char *version;
	char *format;        /* "3.0 (quilt)", "3.0 (native)", "1.0", ... */
	char *binary;        /* may be NULL (absent in Sources stanzas' older forms) */
	char *architecture;  /* may be NULL */
	char *build_depends; /* Build-Depends, or NULL */
	char *build_depends_indep; /* Build-Depends-Indep, or NULL */
	char *build_depends_arch;  /* Build-Depends-Arch, or NULL */
	char *directory;     /* Sources stanzas only: Directory (relative, checked), else NULL */
	struct bpo_dsc_file *files;
	size_t n_files;
	struct bpo_deb822_para para; /* the whole (signed part of the) paragraph */
	bool was_signed;     /* the input was OpenPGP clearsigned (not verified here) */
};

void bpo_dsc_init(struct bpo_dsc *d);
/* Parse a .dsc (clearsigned or not) or one Sources stanza given as text.
 * name is used in messages ("name:line: ..."). Errors are BPO_E_SYNTAX. */
int bpo_dsc_parse(struct bpo_dsc *d, const char *text, size_t len, const char *name,
		  struct bpo_error *err);
/* Fill d from an already parsed paragraph (a Sources stanza); para is copied. */
int bpo_dsc_from_para(struct bpo_dsc *d, const struct bpo_deb822_para *para, const char *name,
		      struct bpo_error *err);
/* Read (capped at BPO_MAX_CONTROL) and parse a .dsc file. */
int bpo_dsc_load(struct bpo_dsc *d, const char *path, struct bpo_error *err);
void bpo_dsc_destroy(struct bpo_dsc *d);
/* The entry for name, or NULL. */
const struct bpo_dsc_file *bpo_dsc_find_file(const struct bpo_dsc *d, const char *name);

#endif
