/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * debfile: read a binary package (.deb) without unpacking it: the outer ar
 * archive (debian-binary, control.tar[.gz|.xz|.zst], data.tar.*) and the
 * control file inside the control member, through libarchive. Every .deb is
 * hostile input: member sizes are capped and the layout is checked as dpkg
 * does (debian-binary first and "2.x", control member before data member).
 */
#ifndef BPO_DEBFILE_H
#define BPO_DEBFILE_H

#include "buf.h"
#include "err.h"
#include "xmem.h"

/* Largest compressed control member we read into memory. */
#define BPO_MAX_DEB_CONTROL_TAR (64u << 20)

/*
 * Read the control file of the .deb at path into control (appended, capped at
 * BPO_MAX_CONTROL). BPO_E_SYNTAX with "path: ..." when the file is not a valid
 * binary package, BPO_E_IO/NOTFOUND when it cannot be read.
 */
int bpo_debfile_read_control(const char *path, struct bpo_buf *control, struct bpo_error *err);
/* The same for a .deb of len bytes in memory; name is used in messages. */
int bpo_debfile_read_control_mem(const void *data, size_t len, const char *name,
				 struct bpo_buf *control, struct bpo_error *err);

/* Most entries a data member may have for bpo_debfile_list_data. */
#define BPO_MAX_DEB_DATA_ENTRIES 4000000u

/*
 * The paths (relative, without "./", in archive order) of the data member's
 * entries that are not directories, pushed onto out, as Contents-<arch>
 * lists them. BPO_E_SYNTAX when the .deb or its data member is not valid.
 */
int bpo_debfile_list_data(const char *path, struct bpo_strv *out, struct bpo_error *err);

#endif
