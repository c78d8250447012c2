/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upload: a signed upload in an incoming queue, as debsign and dput make it.
 *
 * The .changes of one build (the source one and the binary one) are merged
 * into one SOURCE_VERSION_ARCH.changes (Architecture, Binary, Description
 * and the file lists united, as mergechanges does); the .dsc and .buildinfo
 * are clearsigned first and their sizes and checksums in the .changes
 * updated, then the .changes is clearsigned (debsign's order). Every file goes
 * into the queue directory as .NAME.part and is renamed to NAME once
 * complete and synced; the .changes comes last, so that a queue processor
 * (incoming.h) sees an upload only when it names files that are all there or
 * still arriving.
 */
#ifndef BPO_UPLOAD_H
#define BPO_UPLOAD_H

#include <stddef.h>

#include "err.h"

struct bpo_upload_opts {
	const char *key;       /* fingerprint of the uploader's secret key (required) */
	const char *gnupghome; /* its GnuPG home, NULL: gpg's default ($GNUPGHOME) */
	const char *keyfile;   /* or a secret key file (instead of gnupghome) */
};

/* Merge, sign and queue the upload made of the n .changes (each with its
 * files in its own directory) into the directory queue; *out (owned) is the
 * queued .changes. BPO_E_SYNTAX for a .changes that does not parse or two
 * that are not of one source version; BPO_E_NOTFOUND for a missing key. */
int bpo_upload_make(char *const *changes, size_t n, const struct bpo_upload_opts *o,
		    const char *queue, char **out, struct bpo_error *err);

#endif
